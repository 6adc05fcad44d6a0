"""fit_ranker's writing: a refit of some scorers replaces only theirs and stamps each; a refit of all stamps the file."""

import json

import pytest

from benchmarks import fit_ranker


def _build(folder):
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps({"year": 2023, "weeks": ["20230106", "20230113"]}))
    (folder / "questions.jsonl").write_text('{"id": "q1"}\n')
    return folder


def _scorer(coef):
    return {"names": ["a", "b"], "mean": [0.0, 0.0], "scale": [1.0, 1.0], "coef": coef, "bias": 0.1}


@pytest.fixture
def weights(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"fit_on": "before", "data": {"year": 2023}, "written_in_commit": "abc",
                                "features": {"version": 2, "recency_days": 7}, "reader_stack": {"fit_on": "reads"},
                                "scorers": {"passage": _scorer([1.0, 2.0]), "read_sentence": _scorer([3.0, 4.0])}}))
    return path


ROWS = [{"role": "answerable"}, {"role": "unanswerable"}]


def test_a_partial_refit_replaces_and_stamps_only_its_scorers(tmp_path, weights, capsys):
    fit_ranker.write({"span": _scorer([0.123456789, -1.0])}, _build(tmp_path / "build"), ROWS, False, weights)
    written = json.loads(weights.read_text())
    assert {k: written[k] for k in ("fit_on", "written_in_commit", "reader_stack")} == \
        {"fit_on": "before", "written_in_commit": "abc", "reader_stack": {"fit_on": "reads"}}
    assert written["scorers"]["passage"] == _scorer([1.0, 2.0]) and written["scorers"]["read_sentence"]["coef"] == [3, 4]
    span = written["scorers"]["span"]
    assert span["coef"] == [0.12346, -1.0]
    assert "2 questions of 2 weeks, 1 answerable" in span["fit_on"] and span["data"]["year"] == 2023
    assert span["written_in_commit"] and "wrote span to" in capsys.readouterr().out


def test_a_full_refit_stamps_the_file(tmp_path, weights):
    fit_ranker.write({"passage": _scorer([5.0, 6.0])}, _build(tmp_path / "build"), ROWS, True, weights)
    written = json.loads(weights.read_text())
    assert "2 questions of 2 weeks" in written["fit_on"] and written["data"]["questions"] == 2
    assert written["features"]["version"] == fit_ranker.FEATURES_VERSION
    assert "fit_on" not in written["scorers"]["passage"] and written["scorers"]["passage"]["coef"] == [5, 6]
    assert written["reader_stack"] == {"fit_on": "reads"} and "read_sentence" in written["scorers"]
