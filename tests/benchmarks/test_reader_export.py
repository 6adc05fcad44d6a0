"""reader.json says what its thresholds were chosen on: dev weeks, or the training questions themselves."""

import pytest

from training.reader.export import THRESHOLDS_DEV, THRESHOLDS_IN_SAMPLE, reader_json

FIGURES = {"no_answer": {"answerable_if_1_minus_na_at_least": 0.49}, "sentence": {"threshold_max_f1": 0.34}}


@pytest.mark.parametrize("dev_weeks, chosen_on", [(["20230106"], THRESHOLDS_DEV), ([], THRESHOLDS_IN_SAMPLE)])
def test_the_contract_names_the_questions_its_thresholds_were_chosen_on(tmp_path, dev_weeks, chosen_on):
    model = tmp_path / "reader-int8.onnx"
    model.write_bytes(b"onnx")
    contract = reader_json(model, FIGURES, {"step": 10}, "name answers", dev_weeks)
    assert contract["thresholds"]["chosen_on"] == chosen_on
    assert contract["thresholds"]["sentence_max_f1"] == 0.34
    assert contract["dev_weeks"] == dev_weeks
