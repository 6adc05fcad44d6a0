"""An eval report as one self-contained HTML page: a chart of the metrics, then every case with its sources."""

from __future__ import annotations

from html import escape

from assistant.evaluation.run import Report
from assistant.evaluation.suite import LOWER_IS_BETTER

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;
text-align:left;vertical-align:top}.pass{color:#17703a}.fail{color:#b3261e}.dim{color:#666;font-size:.9em}
details{margin:.2rem 0}blockquote{margin:.2rem 0 .2rem 1rem;color:#444}svg text{font:12px system-ui,sans-serif}
"""
BAR_WIDTH = 360


def chart(report: Report) -> str:
    """Horizontal bars for the 0..1 metrics, a tick at each threshold."""
    scores = [(name, value) for name, value in report.metrics.items() if name not in LOWER_IS_BETTER or
              name == "false_abstention_rate"]
    rows = []
    for row, (name, value) in enumerate(scores):
        y = row * 24
        width = max(1, round(BAR_WIDTH * min(value, 1.0)))
        tick = ""
        if name in report.thresholds:
            x = 190 + round(BAR_WIDTH * report.thresholds[name])
            tick = f'<line x1="{x}" x2="{x}" y1="{y}" y2="{y + 18}" stroke="#b3261e" stroke-width="2"/>'
        rows.append(f'<text x="0" y="{y + 13}">{escape(name)}</text>'
                    f'<rect x="190" y="{y + 2}" width="{width}" height="14" fill="#4a78b5"/>'
                    f'<text x="{196 + width}" y="{y + 13}">{value:.2f}</text>{tick}')
    return (f'<svg role="img" aria-label="metrics" width="{190 + BAR_WIDTH + 60}" height="{len(scores) * 24}">'
            + "".join(rows) + "</svg>")


def _case(case) -> str:
    verdict = '<span class="pass">pass</span>' if case.passed else '<span class="fail">fail</span>'
    failures = "".join(f"<li>{escape(f)}</li>" for f in case.failures)
    sources = "".join(
        f"<blockquote>[{c.id}] <code>{escape(c.source)}:{c.start_line}-{c.end_line}</code> {escape(c.quote)}</blockquote>"
        for c in case.citations)
    return (f"<tr><td>{verdict}</td><td><b>{escape(case.id)}</b><br>{escape(case.question)}"
            f"<details><summary>answer{' (abstained)' if case.abstained else ''}</summary>"
            f"<p>{escape(case.answer)}</p>{sources}</details>"
            f"{f'<ul class=fail>{failures}</ul>' if failures else ''}</td>"
            f"<td class=dim>{case.latency_ms:.0f} ms</td></tr>")


def html(report: Report) -> str:
    passed = sum(c.passed for c in report.cases)
    metric_rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{value:g}</td><td>{report.thresholds.get(name, '')}</td></tr>"
        for name, value in report.metrics.items())
    missed = "".join(f"<li>{escape(m)}</li>" for m in report.missed)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(report.suite)}: eval report</title>
<style>{STYLE}</style></head><body>
<h1>Suite {escape(report.suite)}: {passed}/{len(report.cases)} cases pass</h1>
<p class="dim">mode {escape(report.mode)} · model {escape(report.model.get('name', ''))} · {escape(report.created)}</p>
{f'<p class="fail">Thresholds missed:</p><ul class="fail">{missed}</ul>' if missed else ''}
{chart(report)}
<table><tr><th>metric</th><th>value</th><th>threshold</th></tr>{metric_rows}</table>
<h2>Cases</h2>
<table>{''.join(_case(c) for c in report.cases)}</table>
</body></html>
"""
