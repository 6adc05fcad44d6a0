"""Start-up times, side by side with a bare Python and the targets.

    python benchmarks/startup.py [--runs 5]

Wall time (median of --runs) of `python -c pass`, `assistant --help`, `assistant status` on the seeds,
`assistant ask` in the default mode (extractive with the packaged model) in a process of its own, the same while
`assistant serve` runs (the models loaded once, in that process), asks in a row with the default settings (the
first answers alone and leaves a server behind for the next: auto_serve_minutes), and for `assistant ask --mode grounded`
(the local model) the time to the first streamed token of the draft, run in a pseudo-terminal as a person would see
it. The seeds are indexed into a temporary folder first. Below them, the floor under `ask`: what importing the
vector store (chromadb, and LangChain's Chroma on top of it) and the planted-text patterns cost on their own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
TOOL = str(Path(sys.executable).parent / "assistant")
QUESTION = "What did Russia and Kuwait agree on Gaza?"
IMPORTS = [("import chromadb", "import chromadb"),
           ("import chromadb, langchain_chroma", "import chromadb, langchain_chroma"),
           ("import the planted patterns", "import assistant.evidence.planted")]


# Every row but "in a row" asks with no server left behind (auto_serve_minutes 0), each in a process of its own.
ALONE = {**os.environ, "ASSISTANT_AUTO_SERVE_MINUTES": "0"}
WITH_AUTO_SERVE = {key: value for key, value in os.environ.items() if key != "ASSISTANT_AUTO_SERVE_MINUTES"}


def wall(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=True, env=ALONE)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def first_token(cwd: Path, runs: int) -> tuple[float, float]:
    """(seconds to the first draft token, seconds to the whole answer), medians, in a pseudo-terminal."""
    firsts, totals = [], []
    for _ in range(runs):
        started = time.perf_counter()
        child = pexpect.spawn(TOOL, ["ask", QUESTION, "--mode", "grounded"], cwd=str(cwd), encoding="utf-8",
                              timeout=300, env=ALONE, dimensions=(50, 200))
        child.expect("draft: ")
        child.expect(r"\S")
        firsts.append(time.perf_counter() - started)
        child.expect(pexpect.EOF)
        totals.append(time.perf_counter() - started)
    return statistics.median(firsts), statistics.median(totals)


def served_ask(cwd: Path, runs: int) -> float:
    """`assistant ask` (default mode) while `assistant serve` runs for the same store (started, warmed, stopped
    here; its warm-up is not counted)."""
    server = subprocess.Popen([TOOL, "serve"], cwd=cwd, stderr=subprocess.PIPE, text=True)
    try:
        while "serving" not in (line := server.stderr.readline()):
            if not line:
                raise SystemExit("assistant serve did not start")
        return wall([TOOL, "ask", QUESTION], cwd, runs)
    finally:
        subprocess.run([TOOL, "serve", "--stop"], cwd=cwd, capture_output=True)
        server.wait(timeout=60)


def asks_in_a_row(cwd: Path, runs: int) -> tuple[float, float]:
    """(the first, the median of the rest) of `runs` + 1 asks in a row with the default settings: the first answers
    in its own process and starts a server (auto_serve_minutes); each later one is asked once that server listens,
    as a person would after reading an answer (the wait is not counted). The server is stopped after."""
    from assistant.config import load_settings
    from assistant.service.address import socket_path

    path = socket_path(load_settings({"store": cwd / ".assistant"}))
    times = []
    try:
        for _ in range(runs + 1):
            for _ in range(600):  # at most 60 s for the server to load its models
                if not times or path.exists():
                    break
                time.sleep(0.1)
            started = time.perf_counter()
            subprocess.run([TOOL, "ask", QUESTION], cwd=cwd, capture_output=True, check=True, env=WITH_AUTO_SERVE)
            times.append(time.perf_counter() - started)
    finally:
        subprocess.run([TOOL, "serve", "--stop"], cwd=cwd, capture_output=True)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copytree(ROOT / "seeds", work / "seeds")
        subprocess.run([TOOL, "ingest"], cwd=work, capture_output=True, check=True)
        bare = wall([sys.executable, "-c", "pass"], work, args.runs)
        rows = [("python -c pass", bare, None),
                ("assistant --help", wall([TOOL, "--help"], work, args.runs), 0.4),
                ("assistant status", wall([TOOL, "status"], work, args.runs), 0.8),
                ("assistant ask, alone", wall([TOOL, "ask", QUESTION], work, args.runs), 1.0),
                ("assistant ask, serve running", served_ask(work, args.runs), 1.0)]
        first, next_ones = asks_in_a_row(work, args.runs)
        rows += [("ask in a row: the first", first, None), ("ask in a row: the next (default)", next_ones, 1.0)]
        first, total = first_token(work, max(1, args.runs // 2))
        rows += [("ask --mode grounded: first token", first, 2.5), ("ask --mode grounded: whole", total, None)]
        rows += [(name, wall([sys.executable, "-c", code], ROOT, args.runs), None) for name, code in IMPORTS]
    print(f"{'command':32}{'seconds':>10}{'x python':>10}{'target':>10}{'':>8}")
    for name, seconds, target in rows:
        verdict = "" if target is None else ("ok" if seconds <= target else "MISSED")
        print(f"{name:32}{seconds:>10.2f}{seconds / bare:>10.1f}{'' if target is None else f'<= {target}':>10}"
              f"{verdict:>8}")


if __name__ == "__main__":
    main()
