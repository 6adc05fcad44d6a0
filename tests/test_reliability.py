"""Faults and scale-out: a real Chroma server, kill -9 inside the writes of an ingest, damaged stores."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.store.folders import forget_clients
from assistant.store.index import Store
from tests.conftest import assert_citations_valid
from tests.test_providers import free_port

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("chroma-log") / "log").open("w")
    process = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma-data")),
                                "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("chroma run did not start") from None
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.slow
def test_every_command_works_the_same_against_a_chroma_server(workdir, run, run_json, chroma_server, monkeypatch,
                                                              fake_model, models):
    models.real = True
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", chroma_server)
    fake_model.append("Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1].")
    assert run_json("ingest")["added"]
    status = run_json("status")
    assert status["chroma"] == chroma_server and status["chunks"] > 100
    assert not (workdir / ".assistant" / "chroma").exists()  # vectors live on the server
    found = run_json("search", "GLONASS satellite navigation")
    assert "GLONASS" in found["results"][0]["text"]
    answer = run_json("ask", "How much aid had Kuwait sent by plane?")
    assert "400 tons" in answer["answer"]
    assert_citations_valid(workdir, answer)
    assert run("eval", Path(__file__).parent.parent / "evals" / "seeds.yaml", "--mode", "extractive",
               "--min", "citation_validity=1").exit_code in (0, 1)
    assert run_json("status")["chunks"] == status["chunks"]  # the eval's store has its own collection
    rebuilt = run_json("ingest", "--rebuild")
    assert len(rebuilt["added"]) == 5 and run_json("status")["chunks"] == status["chunks"]
    assert run_json("search", "GLONASS satellite navigation")["results"]


def test_an_unreachable_chroma_server_is_one_line(indexed, run):
    result = run("search", "Gaza", "--chroma-url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1 and "cannot reach the Chroma server" in result.stderr


def make_corpus(folder: Path, copies: int) -> None:
    seeds = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
    folder.mkdir()
    for number in range(copies):
        seed = seeds[number % len(seeds)]
        (folder / f"doc{number:03d}.txt").write_text(seed.read_text() + f"\n\nCopy number {number}.\n")


def store_state(folder: Path) -> tuple[set, set, dict]:
    store = Store(folder)
    sql = {row[0] for row in store.db.execute("SELECT id FROM chunks")}
    vectors = set(store.collection.get(include=[])["ids"])
    states = dict(store.db.execute("SELECT source, state FROM documents").fetchall())
    store.close()
    forget_clients()
    return sql, vectors, states


def searchable(folder: Path) -> set:
    """Documents a search can find: ready, with their chunks in both SQLite and Chroma."""
    _, vectors, states = store_state(folder)
    store = Store(folder)
    found = {row[0] for row in store.db.execute("SELECT DISTINCT source FROM chunks") if states.get(row[0]) == "ready"}
    ids = {row[1]: row[0] for row in store.db.execute("SELECT id, source FROM chunks")}
    store.close()
    return {source for source in found if any(i in vectors for i, s in ids.items() if s == source)}


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after_delete", "after_vectors", "before_commit"])
def test_kill_9_inside_a_write_loses_nothing_and_the_next_ingest_completes(workdir, point):
    """A test-only pause point holds the ingest at a named step inside a document's write; it is killed there."""
    make_corpus(workdir / "corpus", 12)
    command = [sys.executable, "-m", "assistant", "ingest", "corpus", "--json"]
    first = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    store = workdir / ".assistant"
    before = searchable(store)
    for number in (3, 7):
        (workdir / "corpus" / f"doc{number:03d}.txt").write_text(f"Rewritten document {number} about Arctic ports "
                                                                 f"and the harbour of Murmansk.\n")
    env = {**os.environ, "ASSISTANT_FAULT_PAUSE": point}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = store / f"paused-{point}"
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the ingest never reached the pause point"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    marker.unlink()
    sql, vectors, states = store_state(store)
    assert "pending" in states.values()  # the kill landed inside a document's write
    assert len(searchable(store)) >= len(before) - 1  # only the document being written is not searchable
    finished = subprocess.run(command, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    sql, vectors, states = store_state(store)
    assert sql == vectors and len(sql) > 0  # no orphans either way, no duplicates (ids are unique)
    assert list(states.values()) == ["ready"] * 12  # nothing lost
    assert searchable(store) == before
    again = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
    assert len(again["unchanged"]) == 12 and again["chunks_embedded"] == 0


def test_a_damaged_store_says_so_and_rebuild_repairs_it(indexed, run, run_json):
    index = indexed / ".assistant" / "index.sqlite"
    with sqlite3.connect(index) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    newer = run("search", "Gaza")
    assert newer.exit_code == 1 and "newer version" in newer.stderr and "--rebuild" in newer.stderr
    rebuilt = run_json("ingest", "--rebuild")  # the documents it held are still listed: read again
    assert len(rebuilt["added"]) == 5 and rebuilt["removed"] == []
    index.write_bytes(b"this is not a database")
    broken = run("status")
    assert broken.exit_code == 1 and "Traceback" not in broken.output
    assert "run `assistant ingest --rebuild PATH ...` naming the folders it held" in broken.stderr
    shutil.rmtree(indexed / ".assistant" / "chroma")
    forget_clients()
    unknown = run("ingest", "--rebuild")
    assert unknown.exit_code == 2 and "cannot be read, so what it held is unknown" in unknown.stderr
    rebuilt = run("ingest", "--rebuild", "seeds")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert run_json("status")["documents"] == 5


def test_a_store_of_the_first_format_is_migrated_and_rechunked(workdir, run, run_json):
    store = workdir / ".assistant"
    store.mkdir()
    with sqlite3.connect(store / "index.sqlite") as db:
        from assistant.store.index import BASE_SCHEMA

        db.executescript(BASE_SCHEMA)
        db.execute("INSERT INTO meta VALUES ('format_version', '1')")
        db.execute("INSERT INTO documents VALUES (?, 'old.txt', 'h', NULL, NULL, NULL, 0, 'ready', 0)",
                   (str(workdir / "old.txt"),))
    assert "chunked with other settings" in run("search", "Gaza").stderr
    assert len(run_json("ingest")["added"]) == 5
    assert run_json("status")["documents"] == 5  # old.txt no longer exists: removed
    assert Settings().chunking.chunk_chars == 700


def test_a_session_keeps_answering_while_another_process_ingests_into_its_store(indexed_real, run, models):
    """A chat or batch holds its store open while `assistant ingest` (another process) rewrites a document: the next
    search must see a consistent store, not fail with Chroma's 'Error finding id'."""
    from assistant.engine import Assistant

    engine = Assistant(Settings(store=indexed_real / ".assistant"), models.build())
    assert engine.search("How much aid had Kuwait sent by plane?")
    kuwait = indexed_real / "seeds" / "002_8a35e8dbf3f4f508.txt"
    kuwait.write_text(kuwait.read_text().replace("400 tons", "450 tons") + "\nThe airlift went on in December.\n")
    done = subprocess.run([sys.executable, "-m", "assistant", "ingest", "seeds"], cwd=indexed_real,
                          capture_output=True, text=True, env={**os.environ, "HOME": str(indexed_real / "home")})
    assert done.returncode == 0, done.stderr
    found = engine.search("How much aid had Kuwait sent by plane?")
    assert any("450 tons" in p.text for p in found)
    engine.close()
