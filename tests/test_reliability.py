"""Faults and scale-out: a real Chroma server, kill -9 during ingest, damaged stores."""

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.engine import Assistant
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
                raise RuntimeError("chroma run did not start")
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)


def test_every_command_works_the_same_against_a_chroma_server(workdir, run, run_json, chroma_server, monkeypatch,
                                                              fake_model):
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", chroma_server)
    fake_model.append("Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1].")
    assert run_json("ingest")["added"]
    status = run_json("status")
    assert status["chroma"] == chroma_server and status["chunks"] > 100
    assert not (workdir / "store" / "chroma").exists()  # vectors live on the server
    found = run_json("search", "GLONASS satellite navigation")
    assert "GLONASS" in found["results"][0]["text"]
    answer = run_json("ask", "How much aid had Kuwait sent by plane?")
    assert "400 tons" in answer["answer"]
    assert_citations_valid(workdir, answer)
    assert run("eval", Path(__file__).parent.parent / "evals" / "seeds.yaml", "--mode", "extractive").exit_code == 0
    assert run_json("status")["chunks"] == status["chunks"]  # the eval's store has its own collection
    rebuilt = run_json("ingest", "--rebuild")
    assert len(rebuilt["added"]) == 5 and run_json("status")["chunks"] == status["chunks"]


def test_an_unreachable_chroma_server_is_one_line(workdir, run):
    result = run("status", "--chroma-url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1 and "cannot reach the Chroma server" in result.stderr


def make_corpus(folder: Path, copies: int) -> None:
    seeds = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
    folder.mkdir()
    for number in range(copies):
        seed = seeds[number % len(seeds)]
        (folder / f"doc{number:03d}.txt").write_text(seed.read_text() + f"\n\nCopy number {number}.\n")


def store_consistency(workdir: Path) -> tuple[set, set, list]:
    engine = Assistant(load_settings())
    sql = set(r[0] for r in engine.store.db.execute("SELECT id FROM chunks"))
    vectors = set(engine.store.collection.get(include=[])["ids"])
    states = [r[0] for r in engine.store.db.execute("SELECT state FROM documents")]
    engine.store.close()
    return sql, vectors, states


def test_kill_9_at_random_points_of_an_ingest_leaves_a_store_the_next_ingest_completes(workdir):
    make_corpus(workdir / "corpus", 40)
    command = [sys.executable, "-m", "assistant", "ingest", "corpus"]
    rng = random.Random(5)
    for _ in range(3):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 6.0))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finished = subprocess.run(command + ["--json"], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    sql, vectors, states = store_consistency(workdir)
    assert sql == vectors and len(sql) > 0  # no orphans either way, no duplicates (ids are unique)
    assert states == ["ready"] * 40  # no lost documents
    again = json.loads(subprocess.run(command + ["--json"], capture_output=True, text=True).stdout)
    assert len(again["unchanged"]) == 40 and again["chunks_embedded"] == 0


def test_a_damaged_store_says_so_and_rebuild_repairs_it(workdir, run, run_json):
    run_json("ingest")
    index = workdir / "store" / "index.sqlite"
    with sqlite3.connect(index) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    newer = run("search", "Gaza")
    assert newer.exit_code == 1 and "newer version" in newer.stderr and "--rebuild" in newer.stderr
    index.write_bytes(b"this is not a database")
    broken = run("status")
    assert broken.exit_code == 1 and "--rebuild" in broken.stderr and "Traceback" not in broken.output
    shutil.rmtree(workdir / "store" / "chroma")
    # A new process, as a user would run it: chromadb keeps one client per path within a process.
    rebuilt = subprocess.run([sys.executable, "-m", "assistant", "ingest", "--rebuild"], capture_output=True, text=True)
    assert rebuilt.returncode == 0, rebuilt.stderr
    status = subprocess.run([sys.executable, "-m", "assistant", "status", "--json"], capture_output=True, text=True)
    assert json.loads(status.stdout)["documents"] == 5
