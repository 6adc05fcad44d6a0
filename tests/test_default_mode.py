"""The default mode: `auto` answers extractively with the packaged local model (it measured better than the 135M
model's checked words on the development news) and grounded with a model server; the seeds suite's restored gates
pass in that default and fail when the sentence ranking carries no information."""

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.scoring.fitted import Scorer, overridden, scorers


@pytest.fixture
def auto(monkeypatch):
    monkeypatch.delenv("ASSISTANT_MODE", raising=False)


def test_auto_is_extractive_with_the_local_model_and_grounded_with_a_server():
    assert Settings(provider="local").answer_mode == "extractive"
    assert Settings(provider="openai").answer_mode == "grounded"
    assert Settings(provider="local", mode="grounded").answer_mode == "grounded"
    assert Settings(provider="local", mode="grounded").mode_for("auto") == "extractive"  # `--mode auto` as documented
    assert Settings(provider="openai", mode="extractive").mode_for("auto") == "grounded"


def test_ask_chat_and_summarize_load_no_model_by_default(indexed_real, run, models, auto):
    models.no_chat = True  # the fake factory fails the test if a chat model is built
    asked = json.loads(run("ask", "How much aid had Kuwait sent by plane?", "--json").stdout)
    assert asked["mode"] == "extractive" and "400 tons" in asked["answer"]
    chatted = run("chat", input="/mode\n")
    assert "mode: extractive" in chatted.stdout
    summary = json.loads(run("summarize", "seeds/002_8a35e8dbf3f4f508.txt", "--json").stdout)
    assert summary["model"]["name"] == "extractive"


def test_the_mode_setting_and_the_flag_override_auto(indexed_real, run, fake_model, auto, monkeypatch):
    fake_model.append("Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1].")
    flagged = json.loads(run("ask", "How much aid had Kuwait sent by plane?", "--mode", "grounded", "--json").stdout)
    assert flagged["mode"] == "grounded"
    monkeypatch.setenv("ASSISTANT_MODE", "free")
    assert json.loads(run("ask", "How much aid had Kuwait sent by plane?", "--json").stdout)["mode"] == "free"
    auto_flag = json.loads(run("ask", "How much aid had Kuwait sent by plane?", "--mode", "auto", "--json").stdout)
    assert auto_flag["mode"] == "extractive"  # the flag's auto resolves as the setting's would


def uninformed(names: tuple[str, ...]) -> Scorer:
    """A sentence scorer that reads only a sentence's length: a ranking that knows nothing of the question."""
    return Scorer(names, (0.0,) * len(names), (1.0,) * len(names),
                  tuple(1.0 if n == "length" else 0.0 for n in names), -5.0)


@pytest.mark.slow
def test_the_seeds_gates_pass_by_default_and_fail_with_an_uninformed_sentence_ranking(workdir, run, models, auto):
    models.real = True
    models.no_chat = True
    suite = Path(__file__).resolve().parent.parent / "evals" / "seeds.yaml"
    passed = run("eval", str(suite), "--json")
    assert passed.exit_code == 0, passed.output
    with overridden(sentence=uninformed(scorers()["sentence"].names),
                    folder_sentence=uninformed(scorers()["folder_sentence"].names)):  # the seeds are a small folder
        failed = run("eval", str(suite), "--json")
    assert failed.exit_code != 0
    shown = json.loads(failed.stdout)
    assert shown["metrics"]["answer_correct"] < 0.75
