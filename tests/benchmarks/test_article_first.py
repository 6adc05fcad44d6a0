"""article_first: the orders it compares, on candidates small enough to check by hand."""

import numpy as np

from benchmarks.article_first import Candidate, all_from_article, first_from_article, outcome, spread


def _c(source, gold=False, states=False):
    return Candidate(source, [0.0], (0.0, 0.0), gold, states)


def test_only_the_first_place_comes_from_the_best_article_and_the_rest_keep_the_plain_order():
    sources = ["a", "b", "b", "c"]
    plain = np.array([0.9, 0.2, 0.5, 0.7])  # plain order: a, c, b(2), b(1)
    with_article = np.array([0.1, 0.8, 0.3, 0.2])  # article b is best; its best chunk by the plain scorer is 2
    assert first_from_article(plain, with_article, sources) == [2, 0, 3, 1]
    assert all_from_article(plain, with_article, sources) == [2, 1, 3, 0]


def test_the_five_are_spread_as_search_spreads_them_no_article_takes_every_place():
    cs = [_c("a", states=True), _c("a"), _c("a"), _c("a"), _c("a"), _c("b")]
    assert spread([0, 1, 2, 3, 4, 5], cs) == [cs[0], cs[1], cs[2], cs[3], cs[5]]
    assert spread([1, 0], cs[:2]) == [cs[1], cs[0]]


def test_an_outcome_counts_the_first_place_and_the_answering_passages():
    cs = [_c("a"), _c("b", gold=True, states=True), _c("b", gold=True, states=True)]
    assert outcome([cs[1], cs[0], cs[2]]) == (1.0, 1.0, 2.0)
    assert outcome([cs[0]]) == (0.0, 0.0, 0.0)
    assert outcome([]) == (0.0, 0.0, 0.0)


def test_a_question_without_candidates_scores_nothing_and_the_others_are_still_ordered():
    from benchmarks.article_first import orders

    weeks = [f"2023{m:02d}01" for m in range(1, 11)]
    found = [(week, [Candidate(s, [float(g)] * 10, (0.0, float(g)), g, g) for s, g in (("x", True), ("y", False))])
             for week in weeks] + [("20231201", [])]
    results = orders(found)
    assert all(rows[-1] == (0.0, 0.0, 0.0) for rows in results.values())
    assert all(rows[0] == (1.0, 1.0, 1.0) for rows in results.values())


def test_a_held_out_build_is_refused_before_anything_is_read(tmp_path):
    import json

    import pytest

    from benchmarks.article_first import main

    (tmp_path / "summary.json").write_text(json.dumps({"year": 2024}))
    with pytest.raises(SystemExit, match="refusing to fit on 2024 data") as stopped:
        main(["--out", str(tmp_path)])
    assert "\n" not in str(stopped.value)
