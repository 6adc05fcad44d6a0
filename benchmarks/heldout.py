"""The held-out rules in code: every look at 2024 is logged, and fitting reads 2023 development data only.

- `log_look(...)` appends one JSON line to benchmarks/heldout_log.jsonl (date, git commit, command line, figures);
  `log_held_out_set(...)` does the same for the held-out part of another data set (summary_reference.py's).
  The file is only ever opened for appending: earlier lines are never rewritten, and a line that would change them
  is refused. Commit the log with the code it measured.
- `require_development(folder)` reads the year a built benchmark folder records (summary.json, written by
  `realtimeqa.py build`) and stops with one line unless it is 2023, the development year.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "benchmarks" / "heldout_log.jsonl"
DEVELOPMENT_YEAR = 2023
HELD_OUT_YEAR = 2024
# Suites of a person's documents kept for measuring only, never fit on (benchmarks/fit_folder.py refuses them)
HELD_OUT_SUITES = frozenset({"notes4"})


def git_state(root: Path = ROOT) -> dict:
    """The commit the code is at, and whether files differ from it (figures from uncommitted code say so)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    # The log itself is left out: a second look in a row would otherwise call the first's entry a code change.
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", f":(exclude){LOG.relative_to(ROOT)}")
    return {"commit": commit, "uncommitted_changes": None if changed is None else bool(changed)}


def append(entry: dict, path: Path = LOG) -> None:
    """Add one line to the log; what is already there stays byte for byte."""
    line = json.dumps(entry, ensure_ascii=False, allow_nan=False, default=str)
    before = path.read_bytes() if path.exists() else b""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        if before and not before.endswith(b"\n"):
            log.write("\n")
        log.write(line + "\n")
    if not path.read_bytes().startswith(before):
        raise RuntimeError(f"{path}: earlier lines changed while appending")


def log_look(year: int, figures: dict, path: Path = LOG, argv: list[str] | None = None, started: dict | None = None,
             **facts) -> dict | None:
    """On the held-out year, append the run to the log and return its entry; on any other year, nothing.
    `started`: git_state() taken when the run began (the code that ran; HEAD may have moved since)."""
    if year != HELD_OUT_YEAR:
        return None
    return _logged(path, argv, started, year=year, **facts, figures=_finite(figures))


def log_held_out_set(name: str, figures: dict, path: Path = LOG, argv: list[str] | None = None,
                     started: dict | None = None) -> dict:
    """A look at another data set's held-out part (`name` says which): appended to the same log, in the same form.
    `started`: the code that ran, when it is not HEAD's (a worktree of an earlier commit)."""
    return _logged(path, argv, started, set=name, figures=_finite(figures))


def _logged(path: Path, argv: list[str] | None, started: dict | None, **fields) -> dict:
    """One log line: when, at which commit, by which command, then the look's own fields."""
    entry = {"date": datetime.now(UTC).isoformat(timespec="seconds"), **(started or git_state()),
             "command": shlex.join(["python", *(sys.argv if argv is None else argv)]), **fields}
    append(entry, path)
    return entry


def _finite(value):
    """NaN (a rate over no questions) becomes null, so every line is strict JSON."""
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class NotDevelopmentData(SystemExit):
    """Raised (exit status 1, one line on stderr) when a fit script is pointed at anything but 2023 development data."""


def require_development(folder: Path) -> int:
    """The year recorded in folder/summary.json, which must be 2023; otherwise stop with one clear line."""
    summary = folder / "summary.json"
    try:
        year = json.loads(summary.read_text(encoding="utf-8")).get("year")
    except (OSError, ValueError) as problem:
        raise NotDevelopmentData(f"refusing to fit: {summary} does not say which year it holds ({problem}); "
                                 f"fitting reads {DEVELOPMENT_YEAR} development data only") from None
    if year != DEVELOPMENT_YEAR:
        raise NotDevelopmentData(f"refusing to fit on {year} data ({folder}): fitting reads {DEVELOPMENT_YEAR} "
                                 f"development data only ({HELD_OUT_YEAR} is held out)")
    return year
