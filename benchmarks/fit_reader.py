"""Fit the four read_* scorers of assistant/scoring/weights.json, which stack the trained reader on the word scorers,
on the development weeks of 2023 that the reader was not trained on (its dev weeks, as reader.json records them:
two weeks in five for the shipped reader).

    python benchmarks/fit_reader.py --repo PATH [--out /work/cache/news-2023-dev20] [--write]
    python benchmarks/fit_reader.py --repo PATH --out BUILD --reader EXPORT [EXPORT ...] [--write]

OUT is a build of benchmarks/news.py for those weeks only:
    python benchmarks/news.py --repo PATH --year 2023 --weeks 20230203,20230310,...,20231215 --out OUT
With --reader (as in benchmarks/crossfit.py), BUILD may hold any 2023 weeks and each question is read by the exported
reader that kept its week out of training: readers by fold make every week of the year dev for one of them, and the
stacks fit on their reads are the cross-validated fit for a reader then trained on all of those weeks.

Questions are asked without a date (as users ask). Each scorer is a logistic regression over logits:
1. read_sentence: does an evidence sentence state the answer? [word sentence scorer, reader sentence, reader passage,
   agreement on its likeliest answer words]
2. read_span: are the reader's answer words (in a ranked evidence sentence) the answer? [reader span, reader
   passage, words in the span, agreement]; threshold: the lowest probability at which stated spans are right at
   least SPAN_PRECISION of the time here.
3. read_inside: are the reader's likeliest words inside an evidence sentence the answer? [the words given the answer is
   in that sentence, the reader's sentence, its passage, words in them, agreement]; stated when at least
   evidence.quoted_span (a setting, not fit) and the sentence is quoted first.
The agreement (how many of the reader's readings elsewhere point at the same words, reading.Found.agreement) joins
1-3 as a bonus only (fit_with_bonus): the rest of the stack is fit without it, then its weight, never below zero, on
top. News repeats its answers across reports; most people's documents state a fact once, and a freely fit weight
pushed every lone answer below the threshold (the seeds suite's stated short answers fell from 20 to 3).
4. read_answerable: do the documents answer the question? [word answerable scorer, best reader passage, best span];
   threshold: the highest keeping false abstention here at or below FALSE_ABSTENTION.
The word scorers (fit_ranker.py, on all of 2023) are fit first and kept. AUCs are printed in-sample and out of fold
(each week's questions scored by a stack fit on the other weeks); benchmarks/crossfit.py answers the dev questions
with stacks fit so, and the held-out year says what they are worth.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import realtimeqa
from benchmarks.fit_ranker import (
    FALSE_ABSTENTION,
    _commit,
    _data_stamp,
    _highest_keeping,
    _lowest_with_precision,
    _rounded,
    fit,
    logits,
    probabilities,
    wrong_choices,
)
from benchmarks.heldout import require_development
from benchmarks.news import as_of, questions
from training.reader.common import is_dev_week

SPAN_PRECISION = 0.85
WEIGHTS = ROOT / "assistant" / "scoring" / "weights.json"


def auc(p: np.ndarray, y: np.ndarray) -> float:
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def week_folds(weeks: list[str], folds: int) -> list[int]:
    """Each row's fold: its week's place in date order, modulo FOLDS (a week is never split)."""
    order = sorted(set(weeks))
    return [order.index(w) % folds for w in weeks]


def fit_with_bonus(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 2000, rate: float = 0.2) -> dict:
    """A stack whose last feature (the agreement on answer words) can only add: the other features are fit as
    before, then the last one's weight (>= 0) on top of their logit, with no new bias. Where nothing agrees (a fact
    stated once, as in most people's own documents) the probability is the stack's without it; news repeats its
    answers, so fit freely the feature would also push every lone statement down."""
    base = fit(X[:, :-1], y, l2)
    offset, extra, weight = logits(base, X[:, :-1]), X[:, -1], 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(offset + weight * extra)))
        weight = max(0.0, weight - rate * (float(extra @ (p - y)) / len(y) + l2 * weight / len(y)))
    return {"mean": base["mean"] + [0.0], "scale": base["scale"] + [1.0], "coef": base["coef"] + [weight],
            "bias": base["bias"]}


def out_of_fold(X: np.ndarray, y: np.ndarray, weeks: list[str], folds: int = 5, fitter=fit) -> np.ndarray:
    """Each row's probability from a model fit without its week's questions (weeks dealt into `folds` groups):
    what the stack is worth on questions it was not fit on, unlike the in-sample figures."""
    fold = np.array(week_folds(weeks, folds))
    p = np.zeros(len(y))
    for k in range(folds):
        held = fold == k
        if held.any() and (~held).any():
            p[held] = probabilities(fitter(X[~held], y[~held]), X[held])
    return p


def out_of_fold_by_question(X: list, y: list, weeks: list[str], folds: int = 5) -> list[np.ndarray]:
    """out_of_fold over each question's candidate rows (X[i], labels y[i], week weeks[i]): every question's
    candidates scored by a model fit without its week."""
    p = out_of_fold(np.vstack([np.asarray(x, dtype=float) for x in X]), np.concatenate(y).astype(float),
                    [week for week, x in zip(weeks, X) for _ in x], folds)
    return np.split(p, np.cumsum([len(x) for x in X])[:-1])


def reader_dev_weeks(repo: Path) -> list[str]:
    """The weeks the shipped reader never trained on: as its reader.json records them (none for a reader trained
    on every week; readers exported before it recorded them used the default split, every 5th week of 2023)."""
    from assistant.scoring import reader

    if (recorded := reader.contract().get("dev_weeks")) is not None:
        return recorded
    year = realtimeqa.year_weeks(repo, 2023)
    return [w for w in year if is_dev_week(w, year)]


def build_weeks(out: Path) -> list[str]:
    """The weeks a benchmarks/news.py build holds."""
    return json.loads((out / "summary.json").read_text())["weeks"]


def require_reader_dev_weeks(repo: Path, out: Path) -> list[str]:
    weeks = build_weeks(out)
    dev = set(reader_dev_weeks(repo))
    if not dev:
        raise SystemExit("the shipped reader was trained on every 2023 week: read with the readers by fold "
                         "(--reader EXPORT ...)")
    trained = [w for w in weeks if w not in dev]
    if trained:
        raise SystemExit(f"{out} holds weeks the reader was trained on ({', '.join(trained[:3])} ...): build the "
                         f"reader's dev weeks only")
    return weeks


def readers_by_week(directories: list[Path], weeks: list[str], threads: int = 2) -> dict:
    """Each of these weeks -> the reader, of these exports (training.reader export's directories), that records it
    among the dev weeks it never trained on; a week no reader kept out is left out, one that two kept out is refused."""
    from assistant.scoring.reader import Reader, contract, model_file

    owner: dict[str, Path] = {}
    for directory in directories:
        if not (directory / "reader.json").is_file():
            raise SystemExit(f"no reader export in {directory} (no reader.json)")
        try:
            recorded = contract(directory).get("dev_weeks")
            model = model_file(directory)
        except (ValueError, KeyError, AttributeError) as broken:  # not JSON, or not an object naming its model
            raise SystemExit(f"{directory / 'reader.json'} is not a reader contract ({broken!r}): export it "
                             f"again") from None
        if not model.is_file():
            raise SystemExit(f"{directory} has no {model.name}, the model its reader.json names: export it again")
        if not recorded:
            raise SystemExit(f"{directory / 'reader.json'} records no dev weeks: export it again")
        for week in set(recorded) & set(weeks):
            if week in owner:
                raise SystemExit(f"week {week} is a dev week of both {owner[week]} and {directory}: give one reader "
                                 f"per week")
            owner[week] = directory
    made = {directory: Reader(threads, directory) for directory in set(owner.values())}
    return {week: made[directory] for week, directory in owner.items()}


def week_readers(out: Path, directories: list[Path]) -> dict:
    """readers_by_week over the weeks of build OUT; refused when no week of it was kept out by these readers."""
    weeks = build_weeks(out)
    readers = readers_by_week(directories, weeks)
    if not readers:
        raise SystemExit(f"no week of {out} is a dev week of the readers given")
    print(f"{len(readers)} of {len(weeks)} weeks have a reader that kept them out", file=sys.stderr)
    return readers


def readers_named(readers: dict) -> str:
    """The readers of READERS (week -> Reader) by the first digits of their models' sha256, with their weeks."""
    from assistant.scoring.reader import contract

    weeks = Counter(readers.values())
    return ", ".join(f"{contract(r.directory)['sha256'][:8]}: {n} week{'s' * (n != 1)}" for r, n in weeks.items())


def prepare(out: Path, readers: dict | None = None) -> tuple:
    """The dev build's store and every question asked of it without a date: the engine and, per question, (row,
    analysed question, candidate sentences with the reader's figures attached, what the reader read). With READERS
    (week -> Reader, as readers_by_week gives) each question is read by its week's reader and questions of other
    weeks are left out; without, every question is read by the shipped reader."""
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.evidence import reading
    from assistant.evidence import selection as evidence
    from assistant.query.question import analyse
    from assistant.scoring import fitted
    from assistant.scoring.reader import Reader

    fitted.use(fitted.weights_file()["scorers"])  # the shipped word scorers; read_* (even a new one) are refit here
    engine = Assistant(load_settings({"store": out / "store"}))
    engine.ingest([out / "corpus"])
    settings = engine.settings
    shipped = Reader(settings.threads)  # whatever evidence.reader says: this fits how it would join the answers
    prepared = []
    for row in questions(out, None):
        if readers is not None and row["week"] not in readers:
            continue
        reader = readers[row["week"]] if readers is not None else shipped
        asked = analyse(row["question"], engine.searcher.frequencies)
        passages = engine.searcher.search(row["question"], settings.top_k, as_of(row, dated=False), asked)
        found = evidence.candidates(asked, passages, engine.embedding.embeddings.embed_documents, settings.evidence)
        read = reading.read(reader, row["question"], passages)
        reading.attach(read, found)
        prepared.append((row, asked, found, read))
    return engine, prepared


def fit_stacks(prepared: list[tuple], settings, say=print) -> dict[str, dict]:
    """The four read_* scorers fit on these prepared questions, in order (each fit ranks with the ones before it,
    which are put to use as they are fit); figures go to SAY."""
    from assistant.answer import decide
    from assistant.evidence import reading
    from assistant.evidence import selection as evidence
    from assistant.evidence import spans as shortanswer
    from assistant.scoring import fitted

    answerable = [p for p in prepared if p[0]["role"] == "answerable"]
    words = fitted.scorers()["sentence"]

    # 1. sentences
    X, y, plain, reader_alone, weeks_of = [], [], [], [], []
    for row, _, found, _ in answerable:
        for s in found:
            score = words.probability(s.ranked_by())
            stack = reading.sentence_features(s, score)
            X.append(stack.values())
            y.append(realtimeqa.contains(realtimeqa.padded(s.text), row["answer"]))
            plain.append(score)
            reader_alone.append(stack.reader)
            weeks_of.append(row["week"])
    Xa, ya = np.array(X), np.array(y, dtype=float)
    model = {"read_sentence": {"names": list(fitted.FEATURES["read_sentence"]), **fit_with_bonus(Xa, ya)}}
    stacked = probabilities(model["read_sentence"], Xa)
    say(f"sentences: {len(ya)} of {len(answerable)} answerable questions, {int(ya.sum())} state the answer; AUC "
        f"words {auc(np.array(plain), ya):.3f}, reader {auc(np.array(reader_alone), ya):.3f}, stacked "
        f"{auc(stacked, ya):.3f} in-sample, {auc(out_of_fold(Xa, ya, weeks_of, fitter=fit_with_bonus), ya):.3f} out of "
        f"fold (by week)")
    fitted.use(model)

    # 2. the reader's answer words in ranked evidence
    X, y = [], []
    for row, _, found, read in answerable:
        ranked = evidence.rank(found, settings.evidence.max_sentences)
        in_evidence = {reading.evidence_key(e) for e in ranked}
        for span, sentence, passage in read.spans:
            if sentence in in_evidence:
                X.append(reading.span_features(span, passage, read.agreement(span.text, sentence)).values())
                y.append(realtimeqa.states_answer(span.text, row["answer"], wrong_choices(row)))
    Xa, ya = np.array(X), np.array(y, dtype=float)
    span = fit_with_bonus(Xa, ya)
    threshold = _lowest_with_precision(probabilities(span, Xa), ya.astype(bool), SPAN_PRECISION)
    model["read_span"] = {"names": list(fitted.FEATURES["read_span"]), **span, "threshold": threshold}
    say(f"spans: {len(ya)} in ranked evidence, {int(ya.sum())} state the answer; threshold {threshold:.2f} "
        f"(right >= {SPAN_PRECISION} here)")
    fitted.use(model)

    # 3. the reader's likeliest answer words inside each ranked evidence sentence (stated when it is quoted first)
    X, y, weeks_of = [], [], []
    for row, _, found, read in answerable:
        for e in evidence.rank(found, settings.evidence.max_sentences):
            if (words := read.inside.get(reading.evidence_key(e))) is not None:
                X.append(reading.inside_features(words, reading.reading_of(read, e)).values())
                y.append(realtimeqa.states_answer(words.text, row["answer"], wrong_choices(row)))
                weeks_of.append(row["week"])
    Xa, ya = np.array(X), np.array(y, dtype=float)
    model["read_inside"] = {"names": list(fitted.FEATURES["read_inside"]), **fit_with_bonus(Xa, ya)}
    say(f"answer words inside sentences: {len(ya)} ranked evidence sentences, {int(ya.sum())} state the answer; AUC "
        f"{auc(probabilities(model['read_inside'], Xa), ya):.3f} in-sample, "
        f"{auc(out_of_fold(Xa, ya, weeks_of, fitter=fit_with_bonus), ya):.3f} out of fold (by week)")
    fitted.use(model)

    # 4. answer or decline
    X, y, plain = [], [], []
    for row, asked, found, read in prepared:
        ranked = evidence.rank(found, settings.evidence.max_sentences)
        rule = shortanswer.candidates(asked, ranked, settings.evidence.span_sentences)
        words_p = decide.answerable(asked, ranked, shortanswer.stated(rule, shortanswer.threshold()))[1]
        X.append(reading.decision_features(words_p, read, reading.short_answers(read, ranked)).values())
        y.append(row["role"] == "answerable")
        plain.append(words_p)
    Xa, ya = np.array(X), np.array(y, dtype=float)
    decision = fit(Xa, ya)
    p = probabilities(decision, Xa)
    held_out_p = out_of_fold(Xa, ya, [row["week"] for row, *_ in prepared])
    threshold = _highest_keeping(p, ya.astype(bool), FALSE_ABSTENTION)
    model["read_answerable"] = {"names": list(fitted.FEATURES["read_answerable"]), **decision, "threshold": threshold}
    fitted.use(model)
    declined = float(((p < threshold) & (ya == 0)).sum() / max(1, (ya == 0).sum()))
    say(f"answerable: {int(ya.sum())} answerable, {int((ya == 0).sum())} not; AUC words "
        f"{auc(np.array(plain), ya):.3f}, stacked {auc(p, ya):.3f} in-sample, {auc(held_out_p, ya):.3f} out of fold; "
        f"threshold {threshold:.2f} (false abstention <= {FALSE_ABSTENTION}); unanswerable declined {declined:.2f} "
        f"(in-sample)")
    for name, scorer in model.items():
        say(f"  {name}: " + ", ".join(f"{n} {c:+.2f}" for n, c in zip(scorer["names"], scorer["coef"])))
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("/work/cache/news-2023-dev20"))
    parser.add_argument("--reader", type=Path, nargs="+", metavar="EXPORT",
                        help="exported readers; each week's questions are read by the one that kept it out")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    require_development(args.out)
    if args.reader:
        readers = week_readers(args.out, args.reader)
        weeks = sorted(readers)
        read_by = f", each read by the one of {len(args.reader)} readers that kept it out ({readers_named(readers)})"
    else:
        readers, weeks, read_by = None, require_reader_dev_weeks(args.repo, args.out), ""
    engine, prepared = prepare(args.out, readers)
    model = fit_stacks(prepared, engine.settings)
    if args.write:
        stored = json.loads(WEIGHTS.read_text())
        answerable = sum(row["role"] == "answerable" for row, *_ in prepared)
        stored["scorers"].update(_rounded(model))
        stored["reader_stack"] = {
            "fit_on": (f"RealTimeQA 2023, {len(weeks)} weeks no reader that read them was trained on{read_by}: "
                       f"{len(prepared)} questions, {answerable} answerable, asked without dates; fit by "
                       f"benchmarks/fit_reader.py on {date.today().isoformat()}"),
            "data": _data_stamp(args.out, len(prepared), answerable), "written_in_commit": _commit()}
        WEIGHTS.write_text(json.dumps(stored, indent=1) + "\n")
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
