"""Fixtures: a working folder holding the seeds, a store built once per session and copied per test, and the
CLI run in-process with injected models (a deterministic embedder and a fake chat model unless a test asks for
the real ones)."""

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.config import Settings
from assistant.engine import Assistant
from assistant.providers.embeddings import LocalEmbeddings
from assistant.providers.factory import EmbeddingModel, Models, chat_model, chat_model_name
from assistant.providers.llamacpp import LlamaCppChat
from assistant.store.folders import chroma_client, forget_clients
from assistant.types import ABSTENTION
from tests.fakes import CountingModel, HashEmbeddings

# `ask` in a process of its own starts a server for the next one (auto_serve_minutes): not in tests, where every
# subprocess would leave one behind; tests/test_service.py turns it on where that is what it tests.
NO_AUTO_SERVE = ("ASSISTANT_AUTO_SERVE_MINUTES", "0")
os.environ.setdefault(*NO_AUTO_SERVE)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
STORE = ".assistant"  # the default store, inside each test's working folder
NO_ANSWER = ABSTENTION


@pytest.fixture(scope="session")
def real_embeddings() -> LocalEmbeddings:
    return LocalEmbeddings()


@dataclass
class TestModels:
    """What the CLI is given as models: fill `responses` for the fake chat model; `real` for MiniLM."""

    real_embedder: LocalEmbeddings
    responses: list[str] = field(default_factory=list)
    real: bool = False
    real_chat: bool = False  # the providers' own chat factory, configured by the environment
    no_chat: bool = False
    chat: CountingModel | None = None
    worker_script: Path | None = None  # the local model's process is tests/scripted_worker.py following this file

    def embeddings(self, settings: Settings) -> EmbeddingModel:
        if self.real:
            return EmbeddingModel(self.real_embedder, self.real_embedder.name, self.real_embedder.dimension)
        fake = HashEmbeddings()
        return EmbeddingModel(fake, fake.name, fake.dimension)

    def make_chat(self, settings: Settings):
        if self.no_chat:
            raise AssertionError("this mode must not load a chat model")
        self.chat = CountingModel(responses=list(self.responses) or [NO_ANSWER])
        return self.chat

    def scripted_chat(self, settings: Settings) -> LlamaCppChat:
        command = [sys.executable, str(ROOT / "tests" / "scripted_worker.py"), str(self.worker_script)]
        return LlamaCppChat(model_path="scripted", command=command)

    def build(self) -> Models:
        if self.worker_script:
            return Models(chat=self.scripted_chat, embeddings=self.embeddings,
                          chat_name=lambda settings: {"provider": "local", "name": "scripted"})
        if self.real_chat:
            return Models(chat=chat_model, embeddings=self.embeddings, chat_name=chat_model_name)
        return Models(chat=self.make_chat, embeddings=self.embeddings,
                      chat_name=lambda settings: {"provider": "fake", "name": "fake-chat"})


@pytest.fixture
def models(real_embeddings) -> TestModels:
    return TestModels(real_embedder=real_embeddings)


def _build_template(folder: Path, test_models: TestModels) -> Path:
    shutil.copytree(SEEDS, folder / "seeds")
    previous = os.getcwd()
    os.chdir(folder)
    try:
        engine = Assistant(Settings(store=Path(STORE)), test_models.build())
        engine.ingest([Path("seeds")])
        engine.close()
    finally:
        os.chdir(previous)
    forget_clients()
    return folder / STORE


@pytest.fixture(scope="session")
def fake_template(tmp_path_factory, real_embeddings) -> Path:
    return _build_template(tmp_path_factory.mktemp("fake-store"), TestModels(real_embedder=real_embeddings))


@pytest.fixture(scope="session")
def real_template(tmp_path_factory, real_embeddings) -> Path:
    return _build_template(tmp_path_factory.mktemp("real-store"),
                           TestModels(real_embedder=real_embeddings, real=True))


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory holding a copy of the seeds; the default store will be inside it."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("ASSISTANT_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv(*NO_AUTO_SERVE)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.config/assistant/config.toml of the developer's
    # Most tests exercise the checked answer path with a fake model; the `auto` default (extractive with the local
    # model) has tests of its own that remove this.
    monkeypatch.setenv("ASSISTANT_MODE", "grounded")
    return tmp_path


def copy_store(template: Path, workdir: Path, folder: Path | None = None) -> None:
    """Copy a template store into `workdir` (or `folder`), then point its documents at `workdir`'s files: a
    document's identity is its absolute path, recorded in SQLite and in each vector's metadata."""
    target = folder or workdir / STORE
    shutil.copytree(template, target)
    old, new = str(template.parent.resolve()), str(workdir.resolve())
    with sqlite3.connect(target / "index.sqlite") as db:
        for table in ("documents", "chunks"):
            db.execute(f"UPDATE {table} SET path = replace(path, ?, ?)", (old, new))
    collection = chroma_client(target, None).get_collection("assistant")
    got = collection.get(include=["metadatas"])
    metadatas = [{**m, "path": m["path"].replace(old, new)} for m in got["metadatas"]]
    collection.update(ids=got["ids"], metadatas=metadatas)
    forget_clients()


@pytest.fixture
def indexed(workdir, fake_template) -> Path:
    """The seeds already indexed (deterministic embedder), copied from the session's template."""
    copy_store(fake_template, workdir)
    return workdir


@pytest.fixture
def indexed_real(workdir, real_template, models) -> Path:
    """The seeds already indexed with the real embedding model, which the CLI then uses too."""
    models.real = True
    copy_store(real_template, workdir)
    return workdir


@pytest.fixture
def run(models):
    runner = CliRunner()

    def invoke(*args, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], obj=models.build(), catch_exceptions=False, input=input)

    return invoke


@pytest.fixture
def run_json(run):
    def invoke(*args):
        result = run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


@pytest.fixture
def scripted_model(models, tmp_path) -> Callable[..., None]:
    """Run the local model's process as tests/scripted_worker.py, one script step per request."""

    def script(*steps: str) -> None:
        models.worker_script = tmp_path / "worker-script"
        models.worker_script.write_text("".join(f"{step}\n" for step in steps))

    return script


@pytest.fixture
def fake_model(models) -> list[str]:
    """The fake chat model's answers, in order: append to it."""
    return models.responses


def ingest_folder(run, folder: Path, files: dict[str, str]) -> None:
    """A person's folder of notes, written and indexed."""
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    assert run("ingest", folder.name).exit_code == 0


def lines_of(workdir: Path, source: str, start: int, end: int) -> str:
    path = Path(source) if Path(source).is_absolute() else workdir / source
    return " ".join(" ".join(path.read_text(encoding="utf-8").split("\n")[start - 1:end]).split())


def assert_citations_valid(workdir: Path, answer: dict) -> None:
    assert answer["citations"], "no citations to check"
    for citation in answer["citations"]:
        quote = " ".join(citation["quote"].split())
        assert quote in lines_of(workdir, citation["source"], citation["start_line"], citation["end_line"]), citation
