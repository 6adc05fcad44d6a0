"""benchmarks/fit_folder.py: the held-out suite is never fit on, and a case counts as found only when one of its
k best-scored sentences states the answer."""

from types import SimpleNamespace

import pytest

from benchmarks import fit_folder
from benchmarks.heldout import HELD_OUT_SUITES


def test_a_held_out_suite_is_refused(tmp_path):
    assert "notes4" in HELD_OUT_SUITES and "notes4" not in fit_folder.DEV_SUITES
    with pytest.raises(SystemExit, match="held out"):
        fit_folder.cases_of("notes4", tmp_path)


def _case(scores_and_holds):
    found = [SimpleNamespace(score=score) for score, _ in scores_and_holds]
    return SimpleNamespace(found=found, holds=[held for _, held in scores_and_holds])


def test_top_hits_counts_the_cases_whose_best_sentences_hold_the_answer():
    cases = [_case([(0.9, True), (0.5, False)]),  # found first
             _case([(0.9, False), (0.8, True), (0.1, False)]),  # found second
             _case([(0.9, False), (0.1, False)])]  # nothing holds it: not counted at all
    score = lambda e: e.score  # noqa: E731
    assert fit_folder.top_hits(cases, score, 1) == [1.0, 0.0]
    assert fit_folder.top_hits(cases, score, 2) == [1.0, 1.0]
    assert fit_folder.top_hits(cases, lambda e: -e.score, 1) == [0.0, 0.0]


def test_each_suites_left_out_fit_never_reads_that_suites_sentences():
    import numpy as np

    rng = np.random.default_rng(0)
    suites = [name for name in fit_folder.DEV_SUITES for _ in range(12)]
    X = rng.normal(size=(len(suites), len(fit_folder.FEATURES["folder_sentence"])))
    y = (X[:, 0] > 0).astype(float)
    folds = fit_folder.fits_leaving_out(X, y, suites)
    assert list(folds) == list(fit_folder.DEV_SUITES)
    flipped = y.copy()
    held = np.array([s == "notes" for s in suites])
    flipped[held] = 1 - flipped[held]
    again = fit_folder.fits_leaving_out(X, flipped, suites)
    assert again["notes"].coef == folds["notes"].coef  # its own labels changed, its fit did not
    assert again["seeds"].coef != folds["seeds"].coef  # the others read them
