"""Where a small folder ends: the folder's sentence scorer against the news-fit ranking on mid-size news stores.

    python benchmarks/folder_size.py --out /work/cache/news-2023-all --work DIR [--months 2023-05 2023-06 ...]

`evidence.folder_chunks` says how large a store may be for folder_sentence (fit on the small-folder suites, 17 to
126 chunks) to rank its sentences instead of the scorers fit on news (40,000 chunks and more). This measures the
range between on development news: for each month given, a store of the dev build's articles dated in that month
(about 800 to 2,500 chunks), asked that month's answerable questions whose answer-holding article is in it, without
dates, in the default mode, with the store ranked both ways (folder_chunks 0 and 100,000), scored by news.py's
scorer. The shipped reader trained on every 2023 week, which flatters the way that leans on it (folder_sentence):
with --reader, each question is read by an exported reader that kept its week out (crossfit.py's readers by fold).
Development data only (the build's year must be 2023, as for every fit).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.cli import render as rendering
from assistant.config import load_settings
from assistant.engine import Assistant
from benchmarks import fit_reader, news, scoring
from benchmarks.heldout import NotDevelopmentData, require_development

MONTHS = tuple(f"2023-{m:02d}" for m in range(1, 13))
WAYS = {"ranked as news is": 0, "ranked as a folder is": 100_000}


def month_documents(out: Path, month: str) -> list[str]:
    """The dev build's articles dated in the month, by document id."""
    db = sqlite3.connect(out / "store" / "index.sqlite")
    rows = db.execute("SELECT path FROM documents WHERE date LIKE ? AND state = 'ready'", (f"{month}%",)).fetchall()
    return [news.doc_id(path) for (path,) in rows]


def ask_month(out: Path, work: Path, month: str, questions: list[dict], readers: dict | None) -> dict[str, list[dict]]:
    """The month's store, built once, and its questions' outcomes ranked each way (each question read by the reader
    that kept its week out of training, given READERS: week -> Reader; questions of other weeks are left out)."""
    documents = set(month_documents(out, month))
    rows = [row for row in questions if row["role"] == "answerable"
            and row["date"].startswith(month) and documents & set(row["gold_docs"])
            and (readers is None or row["week"] in readers)]
    engine = Assistant(load_settings({"store": work / month}))
    engine.ingest([out / "corpus" / f"{doc}.txt" for doc in sorted(documents)])
    print(f"{month}: {len(documents)} articles, {engine.store.chunk_count()} chunks, {len(rows)} questions",
          file=sys.stderr, flush=True)
    outcomes = {}
    base = engine.settings
    for way, chunks in WAYS.items():
        engine.settings = base.with_evidence(folder_chunks=chunks)
        outcomes[way] = []
        for row in rows:
            if readers is not None:
                engine.reader = readers[row["week"]]
            answer = engine.ask(row["question"], "extractive")
            outcomes[way].append(news.score(row, news.record(rendering.answer_json(answer))))
    engine.close()
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the 2023 development build (news.py --out)")
    parser.add_argument("--work", type=Path, required=True, help="where the month stores are built")
    parser.add_argument("--months", nargs="+", default=list(MONTHS))
    parser.add_argument("--reader", type=Path, nargs="+", metavar="EXPORT",
                        help="exported readers; each week's questions are read by the one that kept it out (else the "
                             "shipped reader, which trained on every 2023 week)")
    args = parser.parse_args(argv)
    try:
        require_development(args.out)
    except NotDevelopmentData as problem:
        print(problem, file=sys.stderr)
        return 2
    readers = fit_reader.week_readers(args.out, args.reader) if args.reader else None
    questions = news.questions(args.out, None)
    found: dict[str, list[dict]] = {way: [] for way in WAYS}
    for month in args.months:
        for way, outcomes in ask_month(args.out, args.work, month, questions, readers).items():
            found[way] += outcomes
    print(f"{len(found[next(iter(WAYS))])} answerable dev questions of {len(args.months)} month stores, undated, "
          "default mode (one process, 2 cores)")
    for metric in ("result", "short_result"):
        values = {way: [float(o[metric] == "correct") for o in outcomes] for way, outcomes in found.items()}
        for way, shown in values.items():
            value, low, high = scoring.bootstrap(shown)
            print(f"  {metric.replace('_', ' ')} correct, {way}: {value:.3f} ({low:.3f}-{high:.3f})")
        diff, low, high = scoring.paired(*values.values())
        print(f"    news minus folder, paired: {diff:+.3f} ({low:+.3f} to {high:+.3f})")
    for way, outcomes in found.items():
        wrong = sum(o["result"] == "wrong" for o in outcomes) / max(1, len(outcomes))
        declined = sum(o["abstained"] for o in outcomes) / max(1, len(outcomes))
        print(f"  {way}: a wrong choice stated {wrong:.3f}, declined {declined:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
