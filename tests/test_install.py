"""The built wheel, installed into a fresh virtual environment away from the checkout, runs ingest, ask (with
the real local model and the packaged prompts), eval and chat."""

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SUITE = """\
name: installed
corpus: [seeds]
cases:
  - question: How much aid had Kuwait sent by plane?
    must_include: ["400 tons"]
  - question: What did Russia and Egypt agree on the Suez Canal?
    answerable: false
"""


@pytest.mark.slow
def test_the_wheel_works_in_a_fresh_environment_with_no_checkout(tmp_path):
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(ROOT)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    [wheel] = dist.glob("assistant-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Offline: the new environment reads the test environment's installed dependencies through a .pth line
    # (nothing is downloaded); `assistant` itself comes only from the wheel.
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-deps", "--no-index", str(wheel)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "work"
    shutil.copytree(ROOT / "seeds", work / "seeds")
    (work / "suite.yaml").write_text(SUITE)
    tool = str(venv / "bin" / "assistant")

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([tool, *args], cwd=work, capture_output=True, text=True, input=stdin, timeout=900)

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import assistant; print(assistant.__file__)"],
                           cwd=work, capture_output=True, text=True)
    assert where.stdout.startswith(str(site)), where.stdout  # not the checkout
    assert run("--version").stdout.startswith("assistant ")
    assert json.loads(run("ingest", "--json").stdout)["chunks_embedded"] > 50
    asked = run("ask", "What did Russia and Kuwait agree on Gaza?", "--json")  # the default: extractive
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["mode"] == "extractive" and "stopping it immediately" in answer["answer"]
    extractive = answer["answer"]
    written = run("ask", "What did Russia and Kuwait agree on Gaza?", "--mode", "grounded", "--json")
    assert written.returncode == 0, written.stderr
    answer = json.loads(written.stdout)
    assert answer["model"]["provider"] == "local" and answer["timings"]["generate_ms"] > 0 and answer["citations"]
    evaluated = run("eval", "suite.yaml", "--mode", "extractive", "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    assert json.loads(evaluated.stdout)["metrics"]["answer_correct"] == 1.0
    chatted = run("chat", "--mode", "extractive", stdin="How much aid had Kuwait sent by plane?\n/sources\n")
    assert chatted.returncode == 0 and "400 tons" in chatted.stdout
    server = subprocess.Popen([tool, "serve", "--idle-minutes", "5"], cwd=work, stderr=subprocess.PIPE, text=True)
    try:
        while "serving" not in (line := server.stderr.readline()):
            assert line, "assistant serve stopped before serving"
        served = run("ask", "What did Russia and Kuwait agree on Gaza?", "--json")
        assert served.returncode == 0 and json.loads(served.stdout)["answer"] == extractive, served.stderr
        assert "stopped the server" in run("serve", "--stop").stderr and server.wait(timeout=60) == 0
    finally:
        server.kill()
