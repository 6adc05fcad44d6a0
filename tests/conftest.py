import json
import os
import shutil
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from typer.testing import CliRunner

from assistant.cli import app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory holding a copy of the seeds, with the store inside it."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("ASSISTANT_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.config/assistant/config.toml of the developer's
    monkeypatch.setenv("ASSISTANT_STORE", str(tmp_path / "store"))
    return tmp_path


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def run_json(run):
    def invoke(*args):
        result = run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


@pytest.fixture
def fake_model(monkeypatch):
    """Replace the chat model with canned answers; returns the list to fill."""
    responses: list[str] = []

    def factory(settings):
        return FakeListChatModel(responses=list(responses) or ["The documents don't say."])

    monkeypatch.setattr("assistant.engine.chat_model", factory)
    return responses


def lines_of(workdir: Path, source: str, start: int, end: int) -> str:
    path = Path(source) if Path(source).is_absolute() else workdir / source
    return " ".join(" ".join(path.read_text(encoding="utf-8").split("\n")[start - 1:end]).split())


def assert_citations_valid(workdir: Path, answer: dict) -> None:
    for citation in answer["citations"]:
        quote = " ".join(citation["quote"].split())
        assert quote in lines_of(workdir, citation["source"], citation["start_line"], citation["end_line"]), citation
