"""benchmarks/passage_labels.py: a scorer fit on the other weeks orders each question, and the counts follow the order."""

import numpy as np
import pytest

from benchmarks import passage_labels
from benchmarks.heldout import NotDevelopmentData


def _question(week: int) -> dict:
    """Three candidates: a passage of the answer's article that does not state it (feature 1), one that states it
    (feature 2), and another article's (feature 0)."""
    return {"week": f"2023{week:04d}", "X": np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
            "article": np.array([True, True, False]), "passage": np.array([False, True, False])}


def test_each_label_puts_its_own_kind_of_passage_first_out_of_fold():
    found = [_question(w) for w in range(10)]
    by_passage = passage_labels.figures(found, passage_labels.out_of_fold_orders(found, "passage"))
    assert by_passage["passage first"] == [1.0] * 10 and by_passage["article first"] == [1.0] * 10
    odd = {**_question(10), "X": _question(10)["X"][:, ::-1].copy()}  # one week where the features say otherwise
    mixed = passage_labels.figures(found + [odd], passage_labels.out_of_fold_orders(found + [odd], "passage"))
    assert mixed["passage first"] == [1.0] * 10 + [0.0]  # its scorer was fit on the other weeks only
    assert mixed["passage in top 5"] == [1.0] * 11


def test_a_held_out_build_is_refused(tmp_path):
    (tmp_path / "summary.json").write_text('{"year": 2024}')
    with pytest.raises(NotDevelopmentData):
        passage_labels.main(["--out", str(tmp_path)])
