"""swap-negatives: passages that answer a training question, paired with the question after one of its names is
swapped for a name from another training question, labelled "no answer".

The reader learned to point at the sentence whose words fit the question's shape ("Russia and Saudi Arabia have
agreed to..." for "What did Russia and Kuwait agree on Gaza?"). A passage holding the question's other words but
not one of its names does not answer it. Each swapped row takes a RealTimeQA training passage that holds the
answer, one name of the question that the passage also holds, and a name from another training question that
neither the passage nor the question holds; every sentence is labelled 0 and there is no span. The rows go to
their own file, mixed into training with `train --cloze FILE`; dev and SQuAD rows are never read. Seeded.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from .common import SEED, log_to

PER_QUESTION = 2  # swapped rows per training question (distinct passages first)
# a name: capitalised words, joined by the small words names keep inside them
NAME = re.compile(r"\b[A-Z][\w'’&.-]*(?:(?:\s+(?:of|the|de|for))?\s+[A-Z][\w'’&.-]*)*")
NOT_NAMES = {"What", "Which", "Who", "Whom", "Whose", "When", "Where", "Why", "How", "In", "On", "At", "The", "A",
             "An", "This", "After", "According", "During", "As", "For", "Following", "Despite", "Amid", "Since",
             "I", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
             "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
             "December"}


def names(question: str) -> list[str]:
    """The question's names, in order, without a leading question or function word."""
    found = []
    for match in NAME.finditer(question):
        words = match.group().rstrip(".").split()
        while words and words[0] in NOT_NAMES:
            words = words[1:]
        if words:
            found.append(" ".join(words))
    return list(dict.fromkeys(found))


def _holds(text: str, name: str, case: bool = False) -> bool:
    """TEXT holds NAME as whole words (in any case unless CASE)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, 0 if case else re.IGNORECASE) is not None


def _replaced(text: str, name: str, other: str) -> str:
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    return text if found is None else text[:found.start()] + other + text[found.end():]


def swappable(row: dict) -> list[str]:
    """The question's names that its passage holds as written, that are no part of the answer, and that the
    question does not name again ("Perry" after "Matthew Perry")."""
    text, question = " ".join(row["sentences"]), row["question"]
    found = []
    for name in names(question):
        rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", question, count=1)
        if (_holds(text, name, case=True) and not _holds(name, row["answer"])
                and not any(_holds(rest, word, case=True) for word in name.split() if len(word) > 2)):
            found.append(name)
    return found


def swap(row: dict, pool: list[str], rng: random.Random) -> dict | None:
    """ROW's question with one swappable name replaced by a POOL name that neither the passage nor the question
    holds; None when it has no such name or no replacement is found."""
    text = " ".join(row["sentences"])
    held = swappable(row)
    if not held:
        return None
    name = rng.choice(held)
    for _ in range(20):
        other = rng.choice(pool)
        if not _holds(text, other) and not _holds(row["question"], other) and not _holds(other, name):
            return {**row, "question": _replaced(row["question"], name, other), "question_id": f"{row['question_id']}~swap",
                    "labels": [0] * len(row["sentences"]), "has_answer": False, "holds_wrong": False, "span": None,
                    "answer_in_candidates": False, "swapped": [name, other]}
    return None


def build(data: Path, out: Path, seed: int = SEED, per_question: int = PER_QUESTION) -> dict:
    rows = [json.loads(line) for line in (data / "train.jsonl").read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r.get("source", "realtimeqa") == "realtimeqa" and r.get("split") == "train"]
    pool = sorted({n for r in rows if r["has_answer"] for n in swappable(r)})  # names as the articles write them
    rng = random.Random(seed)
    made: dict[str, list[dict]] = {}
    stats: Counter = Counter()
    for row in rows:
        if not row["has_answer"] or len(made.get(row["question_id"], [])) >= per_question:
            continue
        stats["answering passages"] += 1
        swapped = swap(row, pool, rng)
        if swapped is None:
            stats["no name of the question in the passage"] += 1
            continue
        made.setdefault(row["question_id"], []).append(swapped)
    written = [r for found in made.values() for r in found]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written), encoding="utf-8")
    stats.update({"questions": len(made), "rows written": len(written), "names in the pool": len(pool)})
    log_to().info(f"swap-negatives: {dict(stats)} -> {out}")
    return dict(stats)
