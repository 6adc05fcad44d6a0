"""Training groups for the retriever: a question, the passages that answer it, the passages that do not.

Read from the reader's labelled rows (build-data's train.jsonl, cloze rows): only rows of the training split, so
the reader's dev weeks never reach the retriever either. A passage is embedded as the product embeds a chunk: its
title, a newline, its sentences (assistant.ingest.pipeline.embedding_text)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from training.reader.common import ALLOWED_YEARS


@dataclass
class Group:
    question: str
    source: str  # realtimeqa, squad or cloze
    positives: list[str] = field(default_factory=list)
    negatives: list[str] = field(default_factory=list)


def passage_text(row: dict) -> str:
    body = " ".join(row["sentences"])
    return f"{row['title']}\n{body}" if row.get("title") else body


def groups(paths: list[Path]) -> list[Group]:
    """One group per training question that has an answering passage, in file order."""
    found: dict[str, Group] = {}
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    _add(found, json.loads(line))
    return [g for g in found.values() if g.positives]


def _add(found: dict[str, Group], row: dict) -> None:
    if row["split"] != "train":
        return
    if row.get("year") is not None and row["year"] not in ALLOWED_YEARS:
        raise SystemExit(f"a training row of {row['year']}: only {ALLOWED_YEARS} may be trained on")
    group = found.setdefault(row["question_id"], Group(row["question"], row.get("source", "realtimeqa")))
    (group.positives if row["has_answer"] else group.negatives).append(passage_text(row))
