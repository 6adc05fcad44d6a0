"""paired_runs: two news.py runs compared per question, both ways of moving counted, a look at 2024 logged."""

import json

import pytest

from benchmarks import paired_runs


def _outcome(qid, role="answerable", result="correct", first=True, abstained=False):
    return {"id": qid, "role": role, "result": result, "short_result": result, "abstained": abstained,
            "cited_gold": True, "gold_first": first, "gold_top5": True, "quote_fallback": False, "ms": 100.0}


def _run(folder, year, outcomes):
    folder.mkdir()
    (folder / "report-extractive-reader-undated.json").write_text(json.dumps(
        {"year": year, "as_of": "none", "metrics": {}, "questions": outcomes}))
    return folder


BEFORE = [_outcome("a", result="wrong", first=False), _outcome("b"), _outcome("c", result="incomplete"),
          _outcome("u", role="unanswerable", result="declined", abstained=True)]
AFTER = [_outcome("a"), _outcome("b", result="wrong", first=False), _outcome("c"),
         _outcome("u", role="unanswerable", result="incomplete"), _outcome("new")]


def test_the_difference_is_after_minus_before_on_shared_questions_with_the_moves_counted(tmp_path):
    figures = paired_runs.compare(BEFORE, AFTER)
    assert figures["answer_correct"][:3] == pytest.approx((1 / 3, 2 / 3, 1 / 3)) and figures["answer_correct"][5] == 3
    assert figures["gold_first"][:3] == pytest.approx((2 / 3, 2 / 3, 0.0))  # a gained it, b lost it
    assert figures["unanswerable_declined"][:3] == (1.0, 0.0, -1.0)
    assert "latency_p50_s" not in figures  # a median is not a share
    assert paired_runs.moves(BEFORE, AFTER) == {"wrong -> correct": 1, "correct -> wrong": 1,
                                                "incomplete -> correct": 1}


def test_a_look_at_held_out_reports_is_logged_and_a_dev_one_is_not(tmp_path, capsys):
    log = tmp_path / "log.jsonl"
    for year in (2023, 2024):
        before, after = _run(tmp_path / f"b{year}", year, BEFORE), _run(tmp_path / f"a{year}", year, AFTER)
        assert paired_runs.main([str(before), str(after), "--heldout-log", str(log)]) == 0
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["year"] == 2024
    assert lines[0]["figures"]["answer_correct"][0] == pytest.approx(1 / 3)
    assert "0.333 -> 0.667 (+0.333" in capsys.readouterr().out


@pytest.mark.parametrize("text", [None, "{not json", '{"year": 2023}', "[1, 2]"])
def test_a_missing_or_foreign_report_is_one_line(tmp_path, text):
    if text is not None:
        (tmp_path / "report-extractive-reader-undated.json").write_text(text)
    with pytest.raises(SystemExit, match=r"not a news\.py report"):
        paired_runs.main([str(tmp_path), str(tmp_path)])
