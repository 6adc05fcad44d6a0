"""A person's folder past the small-folder size: their documents together, with news articles saved beside them.

    python benchmarks/mixed_folder.py --work DIR [--news /work/cache/news-2023-all] [--articles 0 100 300]

folder_size.py measured where a small folder ends on news alone (month stores of articles, news questions). A
person's folder grows another way: notes, minutes, letters and saved articles together. This puts the corpora of the
development suites (fit_folder.DEV_SUITES and notes5, notes6: about 380 chunks) into one store, with ARTICLES
articles of the 2023 development build added (a seeded draw; 0 leaves the suites' documents alone), and asks every
case of those suites against it in the default mode, judged as `assistant eval` judges it, ranked both ways
(evidence.folder_chunks 0: as news is; 100,000: as a folder is). folder_sentence was fit on five of those suites, so
ranked as a folder is, each of the five is answered by a folder_sentence fit on the other four (leave one suite out,
as fit_folder.py does); notes5 and notes6 by the shipped one, which never saw them. Per store size: right, wrong and
declined of the answerable cases, unanswerable declined, and the paired difference in right answers with its 95%
interval. The held-out suite (notes4) is neither indexed nor asked, but with --held-out: then its documents join the
store and only its cases are asked, and the look is appended to benchmarks/heldout_log.jsonl. Articles are drawn
from the development build only; one process on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import sys
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.evaluation.suite import Suite, load_suite
from assistant.scoring import fitted
from assistant.scoring.fitted import Scorer
from benchmarks.fit_folder import DEV_SUITES, cases_of, fits_leaving_out, outcome, sentence_rows
from benchmarks.folder_size import WAYS
from benchmarks.heldout import HELD_OUT_SUITES, NotDevelopmentData, log_held_out_set, require_development
from benchmarks.scoring import bootstrap, paired

SUITES = (*DEV_SUITES, "notes5", "notes6")
SEED = 25


def suites(names: tuple[str, ...] = SUITES) -> list[Suite]:
    return [load_suite(ROOT / "evals" / f"{name}.yaml") for name in names]


def left_out_scorers(work: Path) -> dict[str, Scorer]:
    """Per suite folder_sentence was fit on, folder_sentence fit as fit_folder.py fits it on the other four."""
    return fits_leaving_out(*sentence_rows([case for name in DEV_SUITES for case in cases_of(name, work / "suites")]))


def saved_articles(news: Path | None, count: int) -> list[Path]:
    """COUNT articles of the dev build, drawn with a fixed seed (the same draw grows with COUNT)."""
    if not count or news is None:
        return []
    articles = sorted((news / "corpus").glob("*.txt"))
    return sorted(random.Random(SEED).sample(articles, len(articles))[:count])


def ask_all(store: Path, documents: list[Path], asked: list[Suite],
            left_out: dict[str, Scorer]) -> tuple[int, dict[str, list[tuple[str, str]]]]:
    """The store's chunks, and (case id, outcome) of every case of `asked` each way, against one store holding
    exactly `documents` (a suite in `left_out` answered with its folder_sentence)."""
    engine = Assistant(load_settings({"store": store}))
    engine.ingest(documents, exact=True)
    chunks, base = engine.store.chunk_count(), engine.settings
    found: dict[str, list[tuple[str, str]]] = {}
    for way, most in WAYS.items():
        engine.settings = base.with_evidence(folder_chunks=most)
        found[way] = []
        for suite in asked:
            own = left_out.get(suite.name)
            with fitted.overridden(folder_sentence=own) if own else nullcontext():
                report = engine.evaluate(suite.model_copy(update={"corpus": []}))
            found[way] += [(f"{suite.name}/{case.id}", outcome(case)) for case in report.cases]
    engine.close()
    return chunks, found


def report(size: int, chunks: int, found: dict[str, list[tuple[str, str]]]) -> dict:
    """Prints the figures of one store, and returns them."""
    print(f"\n{size} saved articles, {chunks} chunks")
    right: dict[str, list[float]] = {}
    figures: dict[str, object] = {"articles": size, "chunks": chunks}
    for way, outcomes in found.items():
        answerable = [o for _, o in outcomes if not o.startswith("unanswerable")]
        unanswerable = [o for _, o in outcomes if o.startswith("unanswerable")]
        right[way] = [float(o == "right") for o in answerable]
        value, low, high = bootstrap(right[way])
        figures[way] = {"right": value, "low": low, "high": high, "answerable": len(answerable),
                        "wrong": answerable.count("wrong"), "declined": answerable.count("declined"),
                        "unanswerable": len(unanswerable),
                        "unanswerable_declined": unanswerable.count("unanswerable declined")}
        print(f"  {way}: right {value:.3f} ({low:.3f}-{high:.3f}) of {len(answerable)}, wrong "
              f"{answerable.count('wrong')}, declined {answerable.count('declined')}; unanswerable declined "
              f"{unanswerable.count('unanswerable declined')} of {len(unanswerable)}")
    news_way, folder_way = WAYS
    diff, low, high = paired(right[news_way], right[folder_way])
    figures["news_minus_folder"] = {"right": diff, "low": low, "high": high}
    print(f"  news minus folder, right answers paired: {diff:+.3f} ({low:+.3f} to {high:+.3f})")
    for suite in dict.fromkeys(case.split("/")[0] for case, _ in next(iter(found.values()))):
        counts = {way: sum(o == "right" for case, o in outcomes if case.startswith(f"{suite}/"))
                  for way, outcomes in found.items()}
        print(f"    {suite}: right " + " vs ".join(str(n) for n in counts.values()))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="where the stores are built")
    parser.add_argument("--news", type=Path, help="the 2023 development build (news.py --out) to draw articles from")
    parser.add_argument("--articles", type=int, nargs="+", default=[0])
    parser.add_argument("--held-out", action="store_true",
                        help="index the held-out suites' documents too and ask only their cases (logged)")
    args = parser.parse_args(argv)
    if args.news is not None:
        try:
            require_development(args.news)
        except NotDevelopmentData as problem:
            print(problem, file=sys.stderr)
            return 2
    held_out = tuple(sorted(HELD_OUT_SUITES))
    indexed = suites(SUITES + held_out) if args.held_out else suites()
    asked = suites(held_out) if args.held_out else indexed
    print(f"The {'held-out' if args.held_out else 'dev'} suites' cases against one store of the suites' documents and "
          "saved dev articles, default mode, undated (one process, 2 cores)")
    left_out = left_out_scorers(args.work)
    for count in args.articles:
        documents = [ROOT / p for suite in indexed for p in suite.corpus] + saved_articles(args.news, count)
        store = args.work / (f"mixed-{count}" + ("-held-out" if args.held_out else ""))
        figures = report(count, *ask_all(store, documents, asked, left_out))
        if args.held_out:
            log_held_out_set(f"{', '.join(held_out)} in a mixed folder (benchmarks/mixed_folder.py)", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
