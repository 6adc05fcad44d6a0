"""The fitted scorers' weights file: stamped with what it was fit on, and refused when its feature lists are not the
code's (a reordered feature would otherwise mis-score silently)."""

import json
from importlib import resources

import pytest

from assistant.scoring.fitted import FEATURES_VERSION, WeightsMismatch, check, overridden, scorers


def shipped() -> dict:
    return json.loads(resources.files("assistant.scoring").joinpath("weights.json").read_text(encoding="utf-8"))


def test_the_shipped_weights_fit_the_code_and_say_what_they_were_fit_on():
    data = shipped()
    check(data)
    assert data["data"]["year"] == 2023 and data["features"]["version"] == FEATURES_VERSION


def test_a_reordered_feature_or_an_old_feature_version_is_refused():
    data = shipped()
    swapped = json.loads(json.dumps(data))
    names = swapped["scorers"]["sentence"]["names"]
    names[0], names[1] = names[1], names[0]
    with pytest.raises(WeightsMismatch, match="sentence scorer"):
        check(swapped)
    with pytest.raises(WeightsMismatch, match="features version"):
        check({**data, "features": {**data["features"], "version": FEATURES_VERSION - 1}})


def test_an_overridden_scorer_applies_inside_the_block_only():
    from dataclasses import replace

    fitted = scorers()["span"]
    with overridden(span=replace(fitted, threshold=0.1)):
        assert scorers()["span"].threshold == 0.1
    assert scorers()["span"] == fitted


def test_a_scorer_reads_the_features_it_was_fit_on_by_name_and_refuses_others():
    from assistant.types import SentenceFeatures

    read = SentenceFeatures(**dict.fromkeys(SentenceFeatures.names(), 0.5))
    assert read.values() == [0.5] * len(scorers()["sentence"].names) and 0 < scorers()["sentence"].probability(read) < 1
    with pytest.raises(WeightsMismatch, match="a scorer fit on"):
        scorers()["passage"].probability(read)


def test_a_refit_after_a_feature_was_added_reads_the_feature_settings_while_scoring_refuses(monkeypatch):
    from assistant.scoring import fitted

    data = shipped()
    stale = {**data, "scorers": {**data["scorers"], "passage": {**data["scorers"]["passage"], "names": ["cosine"]}}}
    monkeypatch.setattr(fitted, "weights_file", lambda: stale)
    monkeypatch.setattr(fitted, "_features", {})
    monkeypatch.setattr(fitted, "_current", {})
    assert fitted.feature_settings()["recency_days"] == data["features"]["recency_days"]
    with pytest.raises(WeightsMismatch, match="passage scorer"):
        scorers()
