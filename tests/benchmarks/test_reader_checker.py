"""The reader-as-checker benchmark (benchmarks/reader_checker.py): real reader scores on a few hand-written claims,
thresholds fitted on dev rows only and applied unchanged elsewhere.

Every sentence here is synthetic; no publisher's text is needed."""

import numpy as np
import pytest

from assistant.scoring.reader import Reader
from benchmarks import claims, heldout, reader_checker
from tests.fakes import HashEmbeddings

TOUR = "Jonas Vingegaard won the 2023 Tour de France for the second time."
BAKERY = "The Tallbo bakery, which opened in March, sells rye bread and cinnamon buns."
ZOO = "The Tallbo zoo keeps nine zebras and two lions."
PAIRS = [  # (claim, evidence, label)
    ("Jonas Vingegaard won the 2023 Tour de France.", TOUR, True),
    ("Vingegaard won the Tour de France for a second time in 2023.", TOUR, True),
    ("Jonas Vingegaard won the 2023 Tour de France for the first time.", TOUR, False),
    ("The Tallbo bakery sells rye bread.", BAKERY, True),
    ("The Tallbo bakery opened in March.", BAKERY, True),
    ("The Tallbo bakery sells only cinnamon buns.", BAKERY, False),
    ("The Tallbo zoo keeps nine zebras.", ZOO, True),
    ("The Tallbo zoo keeps nine lions and two zebras.", ZOO, False),
]


def _rows(prefix: str) -> list[claims.LabeledClaim]:
    return [claims.LabeledClaim(id=f"{prefix}-{i}", claim=claim, label=label, kind="literal" if label else "role",
                                evidence=evidence) for i, (claim, evidence, label) in enumerate(PAIRS)]


@pytest.fixture(scope="module")
def splits() -> dict[str, reader_checker.Split]:
    reader, embed = Reader(threads=1), HashEmbeddings().embed_documents
    return {name: reader_checker.score_split(name, _rows(name), reader, embed) for name in ("dev", "heldout")}


def test_every_scorer_gives_one_score_per_claim_and_an_auc_between_0_and_1(splits):
    dev = splits["dev"]
    for scorer, scores in dev.scores.items():
        assert len(scores) == len(PAIRS), scorer
        if scorer != reader_checker.ALL:
            assert 0.0 <= reader_checker.auc(scores, dev.labels) <= 1.0, scorer
    assert reader_checker.auc(dev.scores[reader_checker.ALL], dev.labels) == 0.5


def test_auc_counts_ties_as_half_and_needs_both_labels():
    labels = np.array([True, True, False, False])
    assert reader_checker.auc(np.array([0.9, 0.8, 0.2, 0.1]), labels) == 1.0
    assert reader_checker.auc(np.array([0.1, 0.2, 0.8, 0.9]), labels) == 0.0
    assert reader_checker.auc(np.array([0.5, 0.5, 0.5, 0.5]), labels) == 0.5
    assert reader_checker.auc(np.array([0.5, 0.6]), np.array([True, True])) is None


def test_the_dev_threshold_is_applied_unchanged_to_another_list(splits):
    figures = reader_checker.evaluate(splits, count=50, seed=21)
    assert figures["chosen_reading"] in reader_checker.READINGS
    by = {(r["scorer"], r["set"]): r for r in figures["rows"]}
    for scorer in reader_checker.THRESHOLDED:
        threshold = reader_checker.fit_threshold(splits["dev"], scorer)
        assert by[(scorer, "dev")]["threshold"] == by[(scorer, "heldout")]["threshold"] == round(threshold, 4)
        accepted = splits["heldout"].scores[scorer] >= threshold
        assert by[(scorer, "heldout")]["accuracy"] == round(float(np.mean(accepted == splits["heldout"].labels)), 4)
        assert 0.0 <= by[(scorer, "heldout")]["auc"] <= 1.0


def test_the_fitted_threshold_maximises_dev_accuracy():
    dev = reader_checker.Split("dev", ("dev-1", "dev-2", "dev-3", "dev-4"), np.array([False, True, False, True]),
                               {"reader sentence": np.array([0.1, 0.4, 0.3, 0.9])})
    threshold = reader_checker.fit_threshold(dev, "reader sentence")
    assert 0.3 < threshold <= 0.4  # 3 of 4 right, the best any threshold does


def test_fitting_refuses_anything_but_the_dev_rows(splits):
    with pytest.raises(heldout.NotDevelopmentData):
        reader_checker.fit_threshold(splits["heldout"], reader_checker.OVERLAP)
    with pytest.raises(heldout.NotDevelopmentData):
        reader_checker.choose_reading(splits["heldout"])
    disguised = reader_checker.Split("dev", splits["heldout"].ids, splits["heldout"].labels, splits["heldout"].scores)
    with pytest.raises(heldout.NotDevelopmentData):
        reader_checker.fit_threshold(disguised, reader_checker.OVERLAP)


def test_evaluate_passes_only_the_dev_rows_to_the_fitting_functions(splits, monkeypatch):
    seen = []
    for name in ("fit_threshold", "choose_reading"):
        original = getattr(reader_checker, name)
        monkeypatch.setattr(reader_checker, name, lambda split, *rest, original=original: (
            seen.append(split.name), original(split, *rest))[1])
    reader_checker.evaluate(splits, count=10, seed=21)
    assert seen and set(seen) == {"dev"}
