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
