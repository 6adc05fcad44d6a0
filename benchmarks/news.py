"""Answers on news nobody here wrote: the RealTimeQA weekly news quizzes, 2023 to tune, 2024 held out.

    python benchmarks/news.py --repo PATH --year 2023 [--modes grounded extractive] [--as-of date|none|both]
                              [--limit N] [--weeks SPEC] [--out DIR] [--resamples 1000] [--seed 21]
    python benchmarks/news.py --rescore --year 2023 [--out DIR] [--modes ...] [--as-of ...]

PATH is a bare git clone of github.com/realtimeqa/realtimeqa_public (its text is read at run time and never
committed). The corpus, questions and answerability come from benchmarks/realtimeqa.py (design and counts in
benchmarks/REALTIMEQA.md): the search hits of every week of the year (or of --weeks) are indexed; a question is
answerable when a sentence of its own hits states the right choice; unanswerable questions are real ones whose
answer-holding documents were left out of the index, or whose hits never held the answer. The quiz's choices are
never shown to the assistant. --as-of date (the default) asks each question as a person would have that week, with
documents published after the question's date left out (--until DATE: they did not exist yet); --as-of none asks
with no date filter; both runs both. The report says which.

Scoring (benchmarks/scoring.py), per answerable question: correct when one sentence of the answer states the right
choice as a contiguous phrase (numbers with their units and magnitudes) and no wrong choice is stated as a phrase;
wrong when a wrong choice is stated; declined; otherwise incomplete. Short-answer correct: the answer's short-answer
span, or else its first clause (<= 12 words), alone states the right choice. Unanswerable: declined or not.

Baselines, scored by the same scorer in the same run: lead-2 (the first two body sentences) of the top retrieved
article, lead-2 of a gold article (an oracle: an article holding the answer), two random sentences (seeded per
question) of the top retrieved article. Every figure has a 95% bootstrap interval over questions, and the product's
distance above lead-2 of the top article a paired one.

Also: a gold article cited; retrieval (a gold article first, in the top 5); answers that are only quoted evidence
(quote fallback); latency. Written to OUT/report-MODE[-undated].json (per question, enough to rescore),
OUT/baselines[-undated].json and OUT/table[-undated].json. --rescore recomputes all of it from those reports (and
from older ones, without the top-article baselines when they did not record the retrieved articles) without asking
again. Every run on 2024, rescoring included, appends one line to benchmarks/heldout_log.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.filters import Filters
from benchmarks import heldout, realtimeqa, scoring

SIDES = {2023: "development (tuning)", 2024: "held-out (reported, not tuned on)"}
AS_OF = {"date": "as of each question's date (documents published after it left out)",
         "none": "no date filter (every indexed document, later ones included)"}
BASELINES = ("lead-2 top", "lead-2 gold", "random-2 top")
MIN_LEAD_WORDS = 4  # a body "sentence" shorter than this (a dateline, a byline) is not taken for a lead sentence


def build(repo: Path, year: int, out: Path, weeks: str | None = None) -> None:
    """The corpus and questions of every week of the year (or of the chosen weeks), unless already written."""
    if (out / "questions.jsonl").is_file():
        return
    realtimeqa.main(["build", "--repo", str(repo), "--year", str(year), "--out", str(out)]
                    + (["--weeks", weeks] if weeks else []))


def built(out: Path) -> dict:
    """What the build recorded about itself (year, weeks, counts)."""
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def questions(out: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in (out / "questions.jsonl").read_text().splitlines()]
    chosen = [row for row in rows if row["role"]]
    return chosen[:limit] if limit else chosen


def as_of(row: dict, dated: bool = True) -> Filters:
    """The question as it was asked that week (documents published after its date did not exist yet), or undated."""
    return Filters(until=row["date"]) if dated else Filters()


def doc_id(source: str) -> str:
    return Path(source).stem


def suffix(setting: str) -> str:
    return "" if setting == "date" else "-undated"


# ---------------------------------------------------------------- one answer


def record(answer: dict) -> dict:
    """What a report keeps of an answer (the JSON of `assistant ask --json`): enough to rescore it later."""
    sentences = answer.get("sentences", [])
    return {"said": answer["answer"], "abstained": answer["abstained"], "mode": answer["mode"],
            "span": next((s["text"] for s in sentences if s["status"] == "span"), None),
            "cited_docs": list(dict.fromkeys(doc_id(c["source"]) for c in answer["citations"])),
            "retrieved_docs": list(dict.fromkeys(doc_id(p["source"]) for p in answer["retrieved"])),
            "ms": answer["timings"]["total_ms"], "confidence": answer.get("confidence"),
            "quote_fallback": answer["mode"] == "grounded" and not answer["abstained"]
            and not any(s["status"] == "supported" for s in sentences)}


def score(row: dict, rec: dict) -> dict:
    """One question's outcome from a record (see `record`; older reports' entries, without the document lists,
    keep their stored retrieval figures)."""
    wrong = [c for c in row["choices"] if c != row["answer"]]
    gold = set(row["gold_docs"])
    retrieved, cited = rec.get("retrieved_docs"), rec.get("cited_docs")
    span = rec.get("span")
    short = "" if rec["abstained"] else scoring.short_answer(rec["said"], span)
    found = scoring.verdict(rec["said"], row["answer"], wrong)
    outcome = {"id": row["id"], "role": row["role"], "question": row["question"], "answer": row["answer"],
               "kind": row["answer_kind"], "said": rec["said"], "span": span, "short": short,
               "abstained": rec["abstained"], "ms": rec.get("ms"), "confidence": rec.get("confidence"),
               "retrieved_docs": retrieved, "cited_docs": cited,
               "cited_gold": bool(gold & set(cited)) if cited is not None else rec.get("cited_gold"),
               "gold_first": (bool(retrieved) and retrieved[0] in gold) if retrieved is not None
               else rec.get("gold_first"),
               "gold_top5": bool(gold & set(retrieved[:5])) if retrieved is not None else rec.get("gold_top5"),
               "quote_fallback": rec.get("quote_fallback"),
               "wrong_stated": [] if rec["abstained"] else found.wrong}
    outcome["result"] = "declined" if rec["abstained"] else found.result
    outcome["short_result"] = ("declined" if rec["abstained"]
                               else scoring.verdict(short, row["answer"], wrong).result)
    return outcome


# ---------------------------------------------------------------- baselines


def body_sentences(text: str) -> list[str]:
    """The article's body sentences from a corpus file (`Date:` line and title skipped, debris lines left out by the
    assistant's own cleaner), each of at least MIN_LEAD_WORDS words."""
    from assistant.ingest.cleaning import content_mask

    lines = text.split("\n")
    head = 1 if lines and lines[0].startswith("Date: ") else 0
    body = lines[head + 1:]  # the title is the line after the date
    keep = content_mask(body)
    return [s for line, kept in zip(body, keep) if kept for s in realtimeqa.split_sentences(line)
            if len(s.split()) >= MIN_LEAD_WORDS]


class Corpus:
    """The built corpus' articles, read on demand."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cache: dict[str, list[str]] = {}

    def sentences(self, doc: str | None) -> list[str]:
        if not doc:
            return []
        if doc not in self.cache:
            path = self.folder / f"{doc}.txt"
            self.cache[doc] = body_sentences(path.read_text(encoding="utf-8")) if path.is_file() else []
        return self.cache[doc]


def baseline_outcomes(rows: list[dict], records: list[dict], corpus: Corpus,
                      seed: int = scoring.SEED) -> dict[str, list[dict]]:
    """Each baseline's outcome on every answerable question (baselines never decline). The top-article baselines
    need the retrieved articles: they are left out when the records do not have them (older reports)."""
    with_retrieval = all(rec.get("retrieved_docs") is not None for rec in records)
    names = BASELINES if with_retrieval else ("lead-2 gold",)
    found: dict[str, list[dict]] = {name: [] for name in names}
    for row, rec in zip(rows, records):
        if row["role"] != "answerable":
            continue
        top = (rec.get("retrieved_docs") or [None])[0]
        gold = row["gold_docs"][0] if row["gold_docs"] else None
        texts = {"lead-2 top": (top, scoring.lead(corpus.sentences(top), 2)),
                 "lead-2 gold": (gold, scoring.lead(corpus.sentences(gold), 2)),
                 "random-2 top": (top, scoring.random_sentences(corpus.sentences(top), 2, f"{seed}:{row['id']}"))}
        for name in names:
            doc, chosen = texts[name]
            outcome = score(row, {"said": "\n".join(chosen), "abstained": False, "span": None})
            found[name].append({key: outcome[key] for key in ("id", "role", "said", "short", "abstained", "result",
                                                              "short_result", "wrong_stated")} | {"doc": doc})
    return found


# ---------------------------------------------------------------- figures


def _answerable(o: dict) -> bool:
    return o["role"] == "answerable"


def _answered(o: dict) -> bool:
    return o["role"] == "answerable" and not o["abstained"]


# name: (who counts, the value per question, statistic); None values (unknown in an older report) are left out
METRICS = {
    "answer_correct": (_answerable, lambda o: o["result"] == "correct", None),
    "short_answer_correct": (_answerable, lambda o: o["short_result"] == "correct", None),
    "wrong_answer_rate": (_answered, lambda o: o["result"] != "correct", None),
    "states_a_wrong_choice": (_answerable, lambda o: o["result"] == "wrong", None),
    "incomplete": (_answerable, lambda o: o["result"] == "incomplete", None),
    "false_abstention": (_answerable, lambda o: o["abstained"], None),
    "unanswerable_declined": (lambda o: o["role"] != "answerable", lambda o: o["abstained"], None),
    "gold_cited": (_answered, lambda o: o["cited_gold"], None),
    "gold_first": (_answerable, lambda o: o["gold_first"], None),
    "gold_top5": (_answerable, lambda o: o["gold_top5"], None),
    "quote_fallback": (_answered, lambda o: o["quote_fallback"], None),
    "latency_p50_s": (lambda o: True, lambda o: None if o["ms"] is None else o["ms"] / 1000, scoring.median),
    "latency_p95_s": (lambda o: True, lambda o: None if o["ms"] is None else o["ms"] / 1000, scoring.p95),
}
SHARES = tuple(name for name, (_, _, statistic) in METRICS.items() if statistic is None)  # shares of questions
BASELINE_METRICS = ("answer_correct", "short_answer_correct", "wrong_answer_rate", "states_a_wrong_choice",
                    "incomplete")
LABELS = {"answer_correct": "answer correct (of answerable)", "short_answer_correct": "short answer correct",
          "wrong_answer_rate": "wrong or incomplete (of answered)", "states_a_wrong_choice": "… states a wrong choice",
          "incomplete": "… states neither", "false_abstention": "answerable declined",
          "unanswerable_declined": "unanswerable declined", "gold_cited": "gold article cited (of answered)",
          "gold_first": "gold article first", "gold_top5": "gold article in top 5",
          "quote_fallback": "quote fallback (of answered)", "latency_p50_s": "latency p50 (s)",
          "latency_p95_s": "latency p95 (s)"}
TARGETS = {"answer_correct": ">= 0.70", "wrong_answer_rate": "<= 0.05", "false_abstention": "<= 0.05",
           "unanswerable_declined": ">= 0.85", "gold_cited": ">= 0.95", "gold_first": ">= 0.92",
           "gold_top5": ">= 0.98", "latency_p50_s": "<= 3"}


def summarise(outcomes: list[dict], names=tuple(METRICS), resamples: int = scoring.RESAMPLES,
              seed: int = scoring.SEED) -> dict:
    """Each figure with its 95% bootstrap interval over the questions it is a share of, and their count."""
    figures = {"answerable": sum(map(_answerable, outcomes)),
               "unanswerable": sum(not _answerable(o) for o in outcomes)}
    for name in names:
        who, value, statistic = METRICS[name]
        values = [float(v) for o in outcomes if who(o) and (v := value(o)) is not None]
        if not values:
            continue
        point, low, high = scoring.bootstrap(values, statistic or scoring.mean, resamples, seed)
        figures[name] = {"value": point, "low": low, "high": high, "n": len(values)}
    return figures


def above(product: list[dict], baseline: list[dict], resamples: int = scoring.RESAMPLES,
          seed: int = scoring.SEED) -> dict:
    """The product minus a baseline (or another mode) on the same answerable questions, with paired bootstrap
    intervals."""
    found = paired_shares(baseline, product, ("answer_correct", "short_answer_correct"), resamples, seed)
    return {name: {"value": point, "low": low, "high": high, "n": n}
            for name, (_, _, point, low, high, n) in found.items()}


def paired_shares(before: list[dict], after: list[dict], names: tuple[str, ...] = SHARES,
                  resamples: int = scoring.RESAMPLES, seed: int = scoring.SEED) -> dict[str, tuple]:
    """Per metric, over the questions both lists count (matched by id, in BEFORE's order): (before, after, after -
    before, low, high, n), the difference with a paired bootstrap interval; nan figures where no question counts."""
    by_id = {o["id"]: o for o in after}
    pairs = [(o, by_id[o["id"]]) for o in before if o["id"] in by_id]
    found = {}
    for name in names:
        who, value, _ = METRICS[name]
        kept = [(float(v), float(w)) for a, b in pairs if who(a) and who(b)
                and (v := value(a)) is not None and (w := value(b)) is not None]
        first, second = [v for v, _ in kept], [w for _, w in kept]
        point, low, high = scoring.paired(second, first, resamples, seed)
        found[name] = (_share(first), _share(second), point, low, high, len(kept))
    return found


def _share(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def table(year: int, setting: str, columns: dict[str, dict], deltas: dict[str, dict], resamples: int,
          seed: int) -> dict:
    first = next(iter(columns.values()))
    return {"year": year, "side": SIDES[year], "as_of": setting, "as_of_means": AS_OF[setting],
            "answerable": first["answerable"], "unanswerable": first["unanswerable"],
            "intervals": f"95% percentile bootstrap over questions, {resamples} resamples, seed {seed}",
            "columns": columns, "above_lead2_top": deltas}


def _cell(figure: dict | None) -> str:
    if not figure:
        return "—"
    return f"{figure['value']:.3f} ({figure['low']:.2f}–{figure['high']:.2f})"


def render(report: dict) -> str:
    columns = report["columns"]
    width = 22
    lines = [f"\n{report['answerable'] + report['unanswerable']} questions ({report['answerable']} answerable, "
             f"{report['unanswerable']} unanswerable), {report['side']}, {report['as_of_means']}",
             f"intervals: {report['intervals']}; baselines are scored on the answerable questions and never decline",
             f"{'metric':34}" + "".join(f"{c:>{width}}" for c in columns) + f"{'target':>10}"]
    for name in METRICS:
        if not any(name in figures for figures in columns.values()):
            continue
        lines.append(f"{LABELS[name]:34}" + "".join(f"{_cell(figures.get(name)):>{width}}" for figures in
                                                    columns.values()) + f"{TARGETS.get(name, ''):>10}")
    for key, against in (("above_lead2_top", "lead-2 top"), ("above_words_only", "words only")):
        for mode, figures in report.get(key, {}).items():
            for name, figure in figures.items():
                value = f"{figure['value']:+.3f} ({figure['low']:+.2f}–{figure['high']:+.2f})"
                lines.append(f"{mode} above {against}, {LABELS[name].split(' (')[0]}: {value} (paired, "
                             f"{figure['n']} questions)")
    return "\n".join(lines)


def compact(report: dict) -> dict:
    """The figures as [value, low, high], for the held-out log."""
    return {"as_of": report["as_of"], "answerable": report["answerable"], "unanswerable": report["unanswerable"],
            "columns": {column: {name: [round(f["value"], 4), round(f["low"], 4), round(f["high"], 4)]
                                 for name, f in figures.items() if isinstance(f, dict)}
                        for column, figures in report["columns"].items()},
            **{key: {mode: {name: [round(f["value"], 4), round(f["low"], 4), round(f["high"], 4)]
                            for name, f in figures.items()}
                     for mode, figures in report.get(key, {}).items()}
               for key in ("above_lead2_top", "above_words_only")}}


def evaluate(rows: list[dict], outcomes: dict[str, list[dict]], records: list[dict], corpus: Corpus, year: int,
             setting: str, out: Path, resamples: int, seed: int) -> dict:
    """Figures, baselines and differences for one as-of setting; the reports written to OUT."""
    columns = {mode: summarise(found, resamples=resamples, seed=seed) for mode, found in outcomes.items()}
    baselines = baseline_outcomes(rows, records, corpus, seed)
    for name, found in baselines.items():
        columns[name] = summarise(found, BASELINE_METRICS, resamples, seed)
    deltas = ({mode: above(found, baselines["lead-2 top"], resamples, seed) for mode, found in outcomes.items()}
              if "lead-2 top" in baselines else {})
    report = table(year, setting, columns, deltas, resamples, seed)
    report["above_words_only"] = {mode: above(found, outcomes[words], resamples, seed)
                                  for mode, found in outcomes.items()
                                  if (words := mode.split("/")[0] + "/words") in outcomes and mode != words}
    end = suffix(setting)
    for mode, found in outcomes.items():
        _write(out / f"report-{mode.replace('/', '-')}{end}.json", {"year": year, "as_of": setting, "metrics": columns[mode],
                                                  "questions": found})
    _write(out / f"baselines{end}.json", {"year": year, "as_of": setting,
                                           "metrics": {n: columns[n] for n in baselines}, "questions": baselines})
    _write(out / f"table{end}.json", report)
    return report


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- command line


def _check_build(out: Path, year: int, repo: Path | None, weeks: str | None) -> dict:
    facts = built(out)
    if facts.get("year") != year:
        raise SystemExit(f"{out} holds {facts.get('year')} data, not {year}: choose another --out")
    if weeks and repo:
        wanted = realtimeqa.select_weeks(realtimeqa.year_weeks(repo, year), weeks)
        if wanted != facts["weeks"]:
            raise SystemExit(f"{out} was built for {len(facts['weeks'])} weeks, not the {len(wanted)} of --weeks "
                             f"{weeks}: choose another --out")
    return facts


def _ask_all(args, out: Path, rows: list[dict], settings: list[str]) -> dict[str, tuple[dict, list[dict]]]:
    """Ask every question in every mode and setting: setting -> (mode -> outcomes, records of the first mode)."""
    from assistant.config import load_settings
    from assistant.engine import Assistant

    engine = Assistant(load_settings({"store": out / "store"}))
    base = engine.settings
    started = time.perf_counter()
    ingested = engine.ingest([out / "corpus"])
    print(f"{SIDES[args.year]}: {len(engine.store.documents())} documents, {engine.store.chunk_count()} chunks; "
          f"ingest {time.perf_counter() - started:.0f} s ({ingested.chunks_embedded} chunks embedded now)")
    asked = {}
    for setting in settings:
        outcomes, first = {}, []
        for mode in args.modes:
            use_variant(engine, base, mode)
            records = ask_each(engine, rows, mode, setting)
            outcomes[mode] = [score(row, rec) for row, rec in zip(rows, records)]
            first = first or records
        asked[setting] = (outcomes, first)
    return asked


def ask_each(engine, rows: list[dict], mode: str, setting: str) -> list[dict]:
    """Each question asked in MODE (its variant already in use), as of its date or not (SETTING): the records."""
    from assistant.cli import render as rendering

    records = []
    for done, row in enumerate(rows, start=1):
        answer = engine.ask(row["question"], mode.split("/")[0], as_of(row, setting == "date"))
        records.append(record(rendering.answer_json(answer)))
        if done % 100 == 0:
            print(f"  {mode}, {setting}: {done}/{len(rows)}", file=sys.stderr, flush=True)
    return records


def use_variant(engine, base, mode: str) -> None:
    """MODE/reader, MODE/spans, MODE/words: that mode with the reader everywhere, for short answers only, or off
    (evidence.reader full, spans, off), in the same process; MODE/folder: with 'spans', the sentences ranked as a small
    folder's are (folder_sentence) whatever the store's size; MODE: as configured."""
    variant = mode.partition("/")[2]
    reader = {"reader": "full", "spans": "spans", "words": "off", "folder": "spans"}.get(variant, base.evidence.reader)
    chunks = 10**9 if variant == "folder" else base.evidence.folder_chunks
    engine.settings = base.with_evidence(reader=reader, folder_chunks=chunks)
    engine.__dict__.pop("reader", None)  # made again from the settings on the next question


def _rescore(out: Path, rows: list[dict], modes: list[str], settings: list[str]) -> dict:
    """The stored answers of earlier reports, scored again: setting -> (mode -> outcomes, records)."""
    by_id = {row["id"]: row for row in rows}
    found = {}
    for setting in settings:
        outcomes, first, chosen = {}, [], []
        for mode in modes:
            path = out / f"report-{mode.replace('/', '-')}{suffix(setting)}.json"
            if not path.is_file():
                raise SystemExit(f"nothing to rescore: {path} does not exist")
            stored = [q for q in json.loads(path.read_text(encoding="utf-8"))["questions"] if q["id"] in by_id]
            chosen = chosen or [by_id[q["id"]] for q in stored]
            if [q["id"] for q in stored] != [row["id"] for row in chosen]:
                raise SystemExit(f"{path} holds other questions than report-{modes[0]}{suffix(setting)}.json")
            outcomes[mode] = [score(by_id[q["id"]], q) for q in stored]
            first = first or stored
        found[setting] = (outcomes, first, chosen)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, help="bare git dir of realtimeqa/realtimeqa_public (not for --rescore)")
    parser.add_argument("--year", type=int, choices=sorted(SIDES), required=True)
    parser.add_argument("--modes", nargs="+", default=["grounded", "extractive"],
                        help="answer modes; MODE/reader, MODE/spans, MODE/words: the reader everywhere, for short "
                             "answers only, off; MODE/folder: ranked as a small folder is, whatever the size")
    parser.add_argument("--as-of", choices=["date", "none", "both"], default="date",
                        help="date: each question as of its date (--until, the default); none: no date filter")
    parser.add_argument("--limit", type=int, help="only the first N questions (a quick look)")
    parser.add_argument("--weeks", help="build only these weeks (realtimeqa.py --weeks: N, START:STOP:STEP, dates)")
    parser.add_argument("--out", type=Path, help="default benchmarks/out/news-YEAR")
    parser.add_argument("--rescore", action="store_true", help="score the answers of OUT's reports again, no asking")
    parser.add_argument("--resamples", type=int, default=scoring.RESAMPLES)
    parser.add_argument("--seed", type=int, default=scoring.SEED)
    parser.add_argument("--heldout-log", type=Path, default=heldout.LOG, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    started = heldout.git_state()  # the code that runs: HEAD may move during a long run
    out = args.out or ROOT / "benchmarks" / "out" / f"news-{args.year}"
    settings = ["date", "none"] if args.as_of == "both" else [args.as_of]
    if not args.rescore:
        if args.repo is None:
            parser.error("--repo is needed to build and ask (only --rescore works without it)")
        build(args.repo, args.year, out, args.weeks)
    facts = _check_build(out, args.year, args.repo, args.weeks)
    rows = questions(out, None if args.rescore else args.limit)
    if args.rescore:
        found = _rescore(out, rows, args.modes, settings)
    else:
        found = {s: (outcomes, records, rows) for s, (outcomes, records) in _ask_all(args, out, rows, settings).items()}
    corpus = Corpus(out / "corpus")
    reports = {}
    for setting, (outcomes, records, chosen) in found.items():
        reports[setting] = evaluate(chosen, outcomes, records, corpus, args.year, setting, out, args.resamples,
                                    args.seed)
        print(render(reports[setting]))
    print(f"weeks: {len(facts['weeks'])} ({facts['weeks'][0]} .. {facts['weeks'][-1]}); one process, 2 cores"
          + ("; rescored from stored answers" if args.rescore else ""))
    entry = heldout.log_look(args.year, {s: compact(r) for s, r in reports.items()}, args.heldout_log, started=started,
                             argv=["benchmarks/news.py", *(argv if argv is not None else sys.argv[1:])],
                             modes=args.modes, as_of=settings, limit=args.limit, weeks=len(facts["weeks"]),
                             rescore=args.rescore,
                             settings_from_env={k: v for k, v in os.environ.items() if k.startswith("ASSISTANT_")})
    if entry:
        print(f"held-out: this look is logged in {args.heldout_log}")


if __name__ == "__main__":
    main()
