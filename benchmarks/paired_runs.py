"""Two runs of benchmarks/news.py on the same questions (before and after a change), paired per question.

    python benchmarks/paired_runs.py BEFORE AFTER [--report report-extractive-reader-undated.json]

BEFORE and AFTER are folders holding news.py's reports (copies of OUT/report-*.json of two runs). Every figure of
news.py's METRICS that is a share of questions is shown for both and as AFTER minus BEFORE with a paired 95%
bootstrap interval over the questions both count; then how many answerable questions went each way. A look at
2024 reports is appended to benchmarks/heldout_log.jsonl, as news.py --rescore does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import heldout
from benchmarks.news import LABELS, paired_shares


def compare(before: list[dict], after: list[dict]) -> dict[str, tuple[float, float, float, float, float, int]]:
    """Per share of news.py's METRICS that some question both runs count: (before, after, after - before, low,
    high, n)."""
    return {name: figures for name, figures in paired_shares(before, after).items() if figures[5]}


def moves(before: list[dict], after: list[dict]) -> dict[str, int]:
    """How many answerable questions changed outcome, from -> to (e.g. "wrong -> correct")."""
    by_id = {o["id"]: o for o in after}
    counted: dict[str, int] = {}
    for a in before:
        b = by_id.get(a["id"])
        if b is not None and a["role"] == "answerable" and a["result"] != b["result"]:
            key = f"{a['result']} -> {b['result']}"
            counted[key] = counted.get(key, 0) + 1
    return dict(sorted(counted.items(), key=lambda kv: -kv[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--report", default="report-extractive-reader-undated.json")
    parser.add_argument("--heldout-log", type=Path, default=heldout.LOG, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    reports = []
    for folder in (args.before, args.after):
        try:
            report = json.loads((folder / args.report).read_text())
        except (OSError, ValueError) as error:
            raise SystemExit(f"{folder / args.report}: not a news.py report ({error})") from None
        if not isinstance(report, dict) or not {"year", "questions"} <= set(report):
            raise SystemExit(f"{folder / args.report}: not a news.py report (no year or questions)")
        reports.append(report)
    if reports[0]["year"] != reports[1]["year"]:
        raise SystemExit("the two reports are of different years")
    before, after = (r["questions"] for r in reports)
    figures = compare(before, after)
    print(f"{args.report}, {reports[0]['year']}: after minus before, paired 95% intervals over questions")
    for name, (a, b, point, low, high, n) in figures.items():
        print(f"  {LABELS[name]}: {a:.3f} -> {b:.3f} ({point:+.3f}, {low:+.3f} to {high:+.3f}; {n} questions)")
    print("  answerable questions that moved: " + (", ".join(f"{k} {v}" for k, v in moves(before, after).items())
                                                   or "none"))
    heldout.log_look(reports[0]["year"], {name: list(f[2:5]) for name, f in figures.items()}, args.heldout_log,
                     report=args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
