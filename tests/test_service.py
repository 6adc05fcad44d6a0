"""`assistant serve` and `ask` through it: the same answer as in one process, only for the same settings, a store
written by another process seen at the next question, errors and stops, and nothing but its owner can reach it."""

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.filters import Filters
from assistant.service import client
from assistant.service.address import UnsafeFolder, settings_key, socket_path
from assistant.service.server import AlreadyServing, Server

QUESTION = "What did Russia and Kuwait agree on Gaza?"
DRAFT = "Russia and Kuwait agreed on stopping the war in Gaza. [1]"
TOOL = str(Path(sys.executable).parent / "assistant")


@pytest.fixture
def runtime(monkeypatch):
    """A short private folder for the sockets (a Unix socket's path must stay under about 100 bytes)."""
    folder = tempfile.mkdtemp(prefix="as-", dir="/tmp")
    monkeypatch.setenv("XDG_RUNTIME_DIR", folder)
    yield Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _start(server: Server) -> tuple[threading.Thread, list[str]]:
    why: list[str] = []
    thread = threading.Thread(target=lambda: why.append(server.run()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30  # a loaded machine (training beside the tests) can take seconds to bind
    while not server.path.exists() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    return thread, why


@pytest.fixture
def serving(indexed_real, runtime, models):
    """A server for the seeds' store, running in a thread (the real embedder and reader, a fake chat model)."""
    settings = load_settings()
    server = Server(Assistant(settings, models.build()), socket_path(settings), settings_key(settings), 60)
    server.warm()
    thread, why = _start(server)
    yield settings, server, why
    client.stop(settings)
    thread.join(10)


def test_a_served_answer_is_the_answer_asked_in_one_process(serving, models):
    settings, _, _ = serving
    served = client.ask(settings, QUESTION, "extractive", Filters())
    local = Assistant(settings, models.build()).ask(QUESTION, mode="extractive")
    assert served is not None and served.answer == local.answer and served.citations == local.citations
    assert served.citations and all(c.source.startswith("seeds/") for c in served.citations)


@pytest.fixture
def drafted(fake_model) -> str:
    """What the fake chat model writes (set before the server builds it)."""
    fake_model.append(DRAFT)
    return DRAFT


def test_a_grounded_answer_streams_its_draft(drafted, serving):
    settings, _, _ = serving
    tokens: list[str] = []
    served = client.ask(settings, QUESTION, "grounded", Filters(), on_token=tokens.append)
    assert served is not None and served.mode == "grounded" and "".join(tokens) == drafted


def test_other_settings_are_answered_in_their_own_process(serving):
    settings, _, _ = serving
    assert client.ask(settings.with_overrides(top_k=3), QUESTION, "extractive", Filters()) is None


def test_how_ask_finds_a_server_is_no_reason_to_refuse_it(serving):
    """A server started by hand answers an `ask` whose auto_serve_minutes differs: that setting changes no answer."""
    settings, _, _ = serving
    assert client.ask(settings.with_overrides(auto_serve_minutes=3), QUESTION, "extractive", Filters()) is not None


def test_a_store_rebuilt_by_another_writer_is_read_at_the_next_question(serving, models, workdir):
    settings, _, _ = serving
    note = workdir / "notes" / "harbour.txt"
    note.parent.mkdir()
    note.write_text("The Riverton harbour master ordered twelve blue tugboats for the winter season.\n")
    writer = Assistant(settings, models.build())
    writer.ingest([Path("notes")], rebuild=True)  # a new index file swapped in under the server's open one
    writer.close()
    served = client.ask(settings, "How many tugboats did the harbour master order?", "extractive", Filters())
    assert served is not None and [c.source for c in served.citations][:1] == ["notes/harbour.txt"]


def test_the_servers_error_is_the_commands_error(serving):
    settings, _, _ = serving
    with pytest.raises(client.Refused, match=r"no ingested document matches --source nomatch/\*") as refused:
        client.ask(settings, QUESTION, "extractive", Filters(source="nomatch/*"))
    assert refused.value.code == 1


def test_stop_ends_the_server_and_removes_its_socket(serving):
    settings, server, why = serving
    assert client.stop(settings) is True
    for _ in range(100):
        if why:
            break
        time.sleep(0.02)
    assert why == ["stopped"] and not server.path.exists()
    assert client.ask(settings, QUESTION, "extractive", Filters()) is None and client.stop(settings) is False


def test_an_idle_server_stops_by_itself(indexed, runtime, models):
    settings = load_settings()
    server = Server(Assistant(settings, models.build()), socket_path(settings), settings_key(settings), 0.2)
    assert server.run() == "idle" and not server.path.exists()


def test_a_dead_servers_socket_is_replaced_and_a_live_one_refused(serving, models, runtime):
    settings, server, _ = serving
    second = Server(Assistant(settings, models.build()), server.path, settings_key(settings), 60)
    with pytest.raises(AlreadyServing, match="serve --stop"):
        second.run()
    client.stop(settings)
    time.sleep(0.2)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(server.path))  # a socket file nobody listens on: what a killed server leaves
    dead.close()
    third = Server(Assistant(settings, models.build()), server.path, settings_key(settings), 0.2)
    assert third.run() == "idle"


def test_the_socket_file_appears_only_listening_and_private_and_a_name_taken_meanwhile_is_refused(
        indexed, runtime, models, monkeypatch):
    settings = load_settings()
    server = Server(Assistant(settings, models.build()), socket_path(settings), settings_key(settings), 60)
    listener = server._listen()
    try:
        assert stat.S_ISSOCK(server.path.stat().st_mode) and stat.S_IMODE(server.path.stat().st_mode) == 0o600
        assert [p.name for p in server.path.parent.iterdir()] == [server.path.name]  # nothing staged is left
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.connect(str(server.path))  # accepted (queued) at once: it was listening before it had its name
        probe.close()
    finally:
        listener.close()
        server.path.unlink()
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda src, dst: (Path(dst).touch(), real_link(src, dst)))  # another took it
    with pytest.raises(AlreadyServing):
        server._listen()
    assert [p.name for p in server.path.parent.iterdir()] == [server.path.name]


def test_a_socket_folder_others_can_enter_is_never_used(indexed, runtime):
    folder = runtime / f"assistant-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    settings = load_settings()
    with pytest.raises(UnsafeFolder, match="not a folder private to this user"):
        socket_path(settings)
    assert client.ask(settings, QUESTION, "extractive", Filters()) is None


def _without_chromadb(tmp_path: Path) -> str:
    """A PYTHONPATH under which importing chromadb fails: an `ask` run with it can only be answered by a server."""
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "chromadb.py").write_text("raise ImportError('the asking process loaded chromadb')\n")
    return os.pathsep.join([str(blocked), *filter(None, [os.environ.get("PYTHONPATH")])])


def test_ask_uses_a_running_serve_without_loading_the_vector_store(indexed_real, runtime, tmp_path):
    """End to end, two real processes. The asking process cannot import chromadb at all: only the server can
    have answered."""
    env = {**os.environ, "ASSISTANT_MODE": "extractive"}
    server = subprocess.Popen([TOOL, "serve", "--idle-minutes", "2"], cwd=indexed_real, env=env, text=True,
                              stderr=subprocess.PIPE)
    try:
        assert "loading the models" in server.stderr.readline()
        assert "serving" in server.stderr.readline()
        path_first = _without_chromadb(tmp_path)
        asked = subprocess.run([TOOL, "ask", QUESTION, "--json"], cwd=indexed_real, capture_output=True, text=True,
                               env={**env, "PYTHONPATH": path_first}, timeout=120)
        assert asked.returncode == 0, asked.stderr
        answer = json.loads(asked.stdout)
        assert answer["citations"] and {c["source"] for c in answer["citations"]} == {"seeds/002_8a35e8dbf3f4f508.txt"}
        alone = subprocess.run([TOOL, "ask", QUESTION, "--json"], cwd=indexed_real, capture_output=True, text=True,
                               env={**env, "PYTHONPATH": path_first, "ASSISTANT_USE_SERVER": "false"}, timeout=120)
        assert alone.returncode != 0  # the same process without the server does need chromadb
        stopped = subprocess.run([TOOL, "serve", "--stop"], cwd=indexed_real, capture_output=True, text=True, env=env)
        assert "stopped the server" in stopped.stderr
        assert server.wait(timeout=30) == 0 and "stopped" in server.stderr.read()
    finally:
        server.kill()


def test_an_ask_answered_alone_starts_a_server_that_answers_the_next(indexed_real, runtime, tmp_path):
    """End to end: the first `ask` answers in its own process and leaves a server behind; the next is answered by
    it (the asking process cannot import chromadb); the server stops itself when left idle."""
    env = {**os.environ, "ASSISTANT_MODE": "extractive", "ASSISTANT_AUTO_SERVE_MINUTES": "0.1"}
    settings = load_settings()
    first = subprocess.run([TOOL, "ask", QUESTION, "--json"], cwd=indexed_real, capture_output=True, text=True,
                           env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert _servers_of(indexed_real / ".assistant")
    path = socket_path(settings)
    for _ in range(600):
        if path.exists():
            break
        time.sleep(0.1)
    assert path.exists(), "no server was started"
    path_first = _without_chromadb(tmp_path)
    second = subprocess.run([TOOL, "ask", QUESTION, "--json"], cwd=indexed_real, capture_output=True, text=True,
                            env={**env, "PYTHONPATH": path_first}, timeout=120)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["answer"] == json.loads(first.stdout)["answer"]
    for _ in range(300):  # idle for 6 s: it stops and removes its socket
        if not path.exists():
            break
        time.sleep(0.1)
    assert not path.exists()


def test_with_auto_serve_off_an_ask_leaves_no_server(indexed_real, runtime):
    env = {**os.environ, "ASSISTANT_MODE": "extractive", "ASSISTANT_AUTO_SERVE_MINUTES": "0"}
    asked = subprocess.run([TOOL, "ask", QUESTION], cwd=indexed_real, capture_output=True, text=True, env=env,
                           timeout=120)
    assert asked.returncode == 0, asked.stderr
    assert not _servers_of(indexed_real / ".assistant")  # a started one would show before the ask exits
    assert not client.start_in_background(load_settings().model_copy(update={"auto_serve_minutes": 0}))


def _servers_of(store: Path) -> list[str]:
    """The command lines of running `assistant serve` processes for the store."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # the process ended meanwhile
        if "serve" in words and str(store.resolve()) in words:
            found.append(" ".join(words))
    return found


def test_a_fault_on_one_question_leaves_the_server_answering_the_next(serving, monkeypatch):
    settings, server, _ = serving
    answer = server.assistant.ask

    def faulty(question, **kwargs):
        if "boom" in question:
            raise RuntimeError("a bug")
        return answer(question, **kwargs)

    monkeypatch.setattr(server.assistant, "ask", faulty)
    with pytest.raises(client.Refused, match=r"the server failed on this question \(RuntimeError: a bug\)"):
        client.ask(settings, "boom?", "extractive", Filters())
    assert client.ask(settings, QUESTION, "extractive", Filters()) is not None
