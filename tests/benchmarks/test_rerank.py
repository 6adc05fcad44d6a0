"""benchmarks/rerank.py's counting: which passage each order puts first, and whether a gold article is in the top."""

import numpy as np

from benchmarks import rerank


def _question(week, gold, passage, reader):
    return {"week": week, "gold": gold, "features": [[p, r, 0.0] for p, r in zip(passage, reader)]}


def test_gold_first_follows_each_order_and_the_stack_is_fit_without_the_questions_week():
    found = [_question(f"2023{w:04d}", [False, True, False], [2.0, 1.0, 0.0], [-3.0, 3.0, -3.0]) for w in range(10)]
    by_passage = [np.array([f[0] for f in q["features"]]) for q in found]
    by_reader = [np.array([f[1] for f in q["features"]]) for q in found]
    assert rerank.firsts(found, by_passage) == [0.0] * 10
    assert rerank.firsts(found, by_reader) == [1.0] * 10
    assert rerank.in_top(found, by_passage, 2) == [1.0] * 10 and rerank.in_top(found, by_passage, 1) == [0.0] * 10
    stacked = rerank.stacked(found)
    assert [len(s) for s in stacked] == [3] * 10 and rerank.firsts(found, stacked) == [1.0] * 10


def test_a_question_with_no_candidates_counts_as_a_miss():
    assert rerank.firsts([{"gold": [], "features": []}], [np.array([])]) == [0.0]
