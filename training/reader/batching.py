"""Training batches that hold a question's passages together, so its sentences can be compared across passages.

The sentence head is trained per sentence (is this one the answer?), but the product ranks sentences of five
passages against each other. Shared normalisation (Clark and Gardner, "Simple and Effective Multi-Paragraph
Reading Comprehension", 2018) trains that comparison directly: a softmax over every sentence of a question's
passages in the batch. It needs the passages of one question in the same batch, which these batches give."""

from __future__ import annotations

import random


def question_batches(questions: list[str], lengths: list[int], batch: int, epoch: int, seed: int) -> list[list[int]]:
    """Passage indices in batches of at most BATCH; a question's passages stay together (a question with more
    than BATCH is cut into runs of BATCH). Seeded per epoch: questions shuffled, sorted by their longest passage
    within windows of about 50 batches (less padding), batches shuffled."""
    rng = random.Random(seed * 1000 + epoch)
    groups: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        groups.setdefault(q, []).append(i)
    runs = [members[k: k + batch] for members in groups.values() for k in range(0, len(members), batch)]
    rng.shuffle(runs)
    window = batch * 50
    out: list[list[int]] = []
    start = 0
    while start < len(runs):
        size, end = 0, start
        while end < len(runs) and size < window:
            size += len(runs[end])
            end += 1
        current: list[int] = []
        for run in sorted(runs[start:end], key=lambda r: max(lengths[i] for i in r)):
            if len(current) + len(run) > batch:
                out.append(current)
                current = []
            current.extend(run)
        if current:
            out.append(current)
        start = end
    rng.shuffle(out)
    return out


def group_ids(questions: list[str]) -> list[int]:
    """Each passage's question as a small integer, in order of first appearance (for one batch)."""
    seen: dict[str, int] = {}
    return [seen.setdefault(q, len(seen)) for q in questions]


def exactly(order: list[list[int]], n: int) -> list[list[int]]:
    """ORDER cut or repeated to N batches: every epoch then has the same number of steps, as resuming needs."""
    return (order * -(-n // max(1, len(order))))[:n]
