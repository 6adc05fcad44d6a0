"""A training run's folder: its log, its thread settings, and the checkpoint it resumes from (shared by the reader's
and the retriever's training)."""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from .common import log_to


def open_run(run: Path, threads: int) -> tuple[logging.Logger, Path, dict | None]:
    """(the run's logger, its last-checkpoint path, the checkpoint's state when there is one to resume from)."""
    run.mkdir(parents=True, exist_ok=True)
    log = log_to(run / "train.log")
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    last = run / "last.pt"
    return log, last, torch.load(last, weights_only=False) if last.exists() else None


def save(path: Path, state: dict) -> None:
    """Written beside, then moved over: an interrupted save leaves the previous checkpoint whole."""
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)
