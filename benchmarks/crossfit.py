"""The reader modes on their dev weeks without the flattery of stacks fit on the questions they answer.

    python benchmarks/crossfit.py --repo PATH [--out /work/cache/news-2023-dev20] [--folds 5] [--as-of both]
                                  [--modes extractive/words extractive/spans extractive/reader]

    python benchmarks/crossfit.py --repo PATH --out BUILD --reader EXPORT [EXPORT ...] [--name NAME]

OUT is fit_reader.py's build of the reader's dev weeks. Its weeks are dealt into FOLDS groups (as fit_reader deals
them for its out-of-fold AUCs); each group's questions are asked, in every mode and setting, with the read_* stacks
(and their thresholds) fit by fit_reader.fit_stacks on the other groups' questions only. The word scorers stay as
shipped (fit on all of 2023 by fit_ranker.py). Scored and reported as benchmarks/news.py does, baselines and paired
differences included, written to OUT/crossfit/ (OUT/crossfit-NAME/ with --name). Nothing is written to
assistant/scoring/weights.json.

With --reader, BUILD may hold any 2023 weeks (all of them: an index the size of the held-out year's) and each
question is read and answered by the exported reader (`python -m training.reader export`'s directory; the shipped
one is assistant/scoring/reader_model) that kept its week out of training, as reader.json records: readers trained
with different weeks kept out (`build-data --dev-slots K`) make every week's questions dev for one of them.
Questions of weeks no given reader kept out are left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import fit_reader, news, scoring
from benchmarks.heldout import require_development

MODES = ["extractive/words", "extractive/spans", "extractive/reader"]


def crossfit(engine, prepared: list[tuple], modes: list[str], settings: list[str], folds: int,
             readers: dict | None = None) -> dict[str, dict[str, list[dict]]]:
    """setting -> mode -> each question's record, asked with the stacks of the folds it is not in (and with its
    week's reader, given READERS: week -> Reader)."""
    base = engine.settings
    rows = [row for row, *_ in prepared]
    fold = fit_reader.week_folds([row["week"] for row in rows], folds)
    records: dict[str, dict[str, list]] = {s: {m: [None] * len(rows) for m in modes} for s in settings}
    for k in range(folds):
        held = [i for i, f in enumerate(fold) if f == k]
        if not held:
            continue
        fit_reader.fit_stacks([p for p, f in zip(prepared, fold) if f != k], base, say=lambda _: None)
        for setting in settings:
            for mode in modes:
                news.use_variant(engine, base, mode)
                for group in by_reader(held, rows, readers):
                    if readers is not None and engine.settings.evidence.reader != "off":
                        engine.reader = readers[rows[group[0]]["week"]]
                    for i, found in zip(group, news.ask_each(engine, [rows[i] for i in group], mode, setting)):
                        records[setting][mode][i] = found
        print(f"  fold {k + 1}/{folds}: {len(held)} questions asked", file=sys.stderr, flush=True)
    return records


def by_reader(held: list[int], rows: list[dict], readers: dict | None) -> list[list[int]]:
    """The held questions in groups read by one reader each (one group without READERS)."""
    if readers is None:
        return [held]
    groups: dict[object, list[int]] = {}
    for i in held:
        groups.setdefault(readers[rows[i]["week"]], []).append(i)
    return list(groups.values())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("/work/cache/news-2023-dev20"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--modes", nargs="+", default=MODES)
    parser.add_argument("--as-of", choices=["date", "none", "both"], default="both")
    parser.add_argument("--resamples", type=int, default=scoring.RESAMPLES)
    parser.add_argument("--seed", type=int, default=scoring.SEED)
    parser.add_argument("--reader", type=Path, nargs="+", metavar="EXPORT",
                        help="exported readers; each week's questions are read by the one that kept it out")
    parser.add_argument("--name", help="write to OUT/crossfit-NAME instead of OUT/crossfit")
    args = parser.parse_args(argv)
    require_development(args.out)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    if args.reader:
        readers = fit_reader.week_readers(args.out, args.reader)
    else:
        fit_reader.require_reader_dev_weeks(args.repo, args.out)
        readers = None
    settings = ["date", "none"] if args.as_of == "both" else [args.as_of]
    engine, prepared = fit_reader.prepare(args.out, readers)
    rows = [row for row, *_ in prepared]
    records = crossfit(engine, prepared, args.modes, settings, args.folds, readers)
    target = args.out / (f"crossfit-{args.name}" if args.name else "crossfit")
    target.mkdir(exist_ok=True)
    corpus = news.Corpus(args.out / "corpus")
    for setting in settings:
        outcomes = {mode: [news.score(row, rec) for row, rec in zip(rows, found)]
                    for mode, found in records[setting].items()}
        report = news.evaluate(rows, outcomes, records[setting][args.modes[0]], corpus, 2023, setting, target,
                               args.resamples, args.seed)
        report["side"] += f", read_* stacks cross-fitted ({args.folds} folds by week)" + (
            f", each week read by the reader that kept it out ({', '.join(map(str, args.reader))})"
            if readers else "")
        news._write(target / f"table{news.suffix(setting)}.json", report)
        print(news.render(report))


if __name__ == "__main__":
    main()
