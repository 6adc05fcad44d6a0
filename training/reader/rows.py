"""The labelled passages build-data writes, read back: whole questions sampled, and the rows figures are taken on
(no torch here: the product's tests read these too)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from .common import SEED


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def source(row: dict) -> str:
    """Where a row comes from: RealTimeQA rows carry no "source" (data.py), SQuAD rows "squad" (squad.py), cloze rows
    "cloze" (cloze.py)."""
    return row.get("source", "realtimeqa")


def title_line(title: str) -> str:
    """A passage's document title as the sentence the reader reads first ("Super_Bowl_50" -> "Super Bowl 50.")."""
    line = " ".join(title.replace("_", " ").split())
    return line if not line or line.endswith((".", "?", "!")) else f"{line}."


def titled(row: dict) -> dict:
    """The row with its document's title read first, as a sentence of its own that is never a label (-1); the
    answer span moves with the text. A row without a title is unchanged."""
    line = title_line(row.get("title") or "")
    if not line:
        return row
    span, keys = row.get("span"), row.get("sentence_keys")
    shift = len(line) + 1  # the sentences are joined by one space (features.passage_text)
    return {**row, "sentences": [line, *row["sentences"]], "labels": [-1, *row["labels"]],
            "span": [span[0] + shift, span[1] + shift] if span else span,
            **({"sentence_keys": [0, *keys]} if keys is not None else {})}


def reads_titles(state: dict) -> bool:
    """Whether a checkpoint's run read each passage after its document's title (train --title)."""
    return bool(state.get("args", {}).get("title"))


def subsample_questions(rows: list[dict], max_rows: int | None, seed: int) -> list[dict]:
    """At most max_rows passages, taking whole questions in a seeded order (keeps each question's balance)."""
    if max_rows is None or len(rows) <= max_rows:
        return rows
    ids = sorted({r["question_id"] for r in rows})
    random.Random(seed).shuffle(ids)
    by_q: dict[str, list[dict]] = {}
    for r in rows:
        by_q.setdefault(r["question_id"], []).append(r)
    out: list[dict] = []
    for q in ids:
        if len(out) >= max_rows:
            break
        out.extend(by_q[q])
    return out


def dev_subset(rows: list[dict], max_questions: int | None) -> list[dict]:
    if not max_questions:
        return rows
    ids = sorted({r["question_id"] for r in rows})
    keep = set(random.Random(SEED).sample(ids, min(max_questions, len(ids))))
    return [r for r in rows if r["question_id"] in keep]


CHECK_QUESTIONS = 200


def check_rows(data: Path, max_questions: int | None) -> tuple[list[dict], str]:
    """The rows an export or evaluation is figured on, and what they are: the dev rows, or for data built with
    --no-dev a seeded sample of 2023 training questions' rows (in-sample: they check an export, not the quality)."""
    if dev := read_rows(data / "dev.jsonl"):
        return dev_subset(dev, max_questions), "dev"
    trained = [r for r in read_rows(data / "train.jsonl") if source(r) == "realtimeqa" and r["year"] == 2023]
    return dev_subset(trained, max_questions or CHECK_QUESTIONS), "training (in-sample)"
