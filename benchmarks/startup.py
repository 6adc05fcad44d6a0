"""Start-up times, side by side with a bare Python and the targets.

    python benchmarks/startup.py [--runs 5]

Wall time (median of --runs) of `python -c pass`, `assistant --help`, `assistant status` on the seeds,
`assistant ask` in the default mode (extractive with the packaged model), the same while `assistant serve` runs
(the models loaded once, in that process), and for `assistant ask --mode grounded`
(the local model) the time to the first streamed token of the draft, run in a pseudo-terminal as a person would see
it. The seeds are indexed into a temporary folder first. Below them, the floor under `ask`: what importing the
vector store (chromadb, and LangChain's Chroma on top of it) and the planted-text patterns cost on their own.
"""

from __future__ import annotations

import argparse
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


def wall(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def first_token(cwd: Path, runs: int) -> tuple[float, float]:
    """(seconds to the first draft token, seconds to the whole answer), medians, in a pseudo-terminal."""
    firsts, totals = [], []
    for _ in range(runs):
        started = time.perf_counter()
        child = pexpect.spawn(TOOL, ["ask", QUESTION, "--mode", "grounded"], cwd=str(cwd), encoding="utf-8", timeout=300,
                              dimensions=(50, 200))
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
                ("assistant ask (default)", wall([TOOL, "ask", QUESTION], work, args.runs), 1.0),
                ("assistant ask, serve running", served_ask(work, args.runs), 1.0)]
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
