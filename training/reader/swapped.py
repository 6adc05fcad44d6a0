"""swap-negatives: passages that answer a training question, paired with the question after one of its names is
swapped for a name from another training question, labelled "no answer" (`--side question`); or the same passages
with a copy of their answer sentence beside it, one of the question's names swapped in the copy, the copy labelled
0 and the original kept (`--side sentence`).

The reader learned to point at the sentence whose words fit the question's shape ("Russia and Saudi Arabia have
agreed to..." for "What did Russia and Kuwait agree on Gaza?"). A passage holding the question's other words but
not one of its names does not answer it. Each swapped row takes a RealTimeQA training passage that holds the
answer, one name of the question that the passage also holds, and a name from another training question that
neither the passage nor the question holds; every sentence is labelled 0 and there is no span.

Reader 6, trained with those rows, learned them in its passage head: its sentence head still preferred the other
story's sentence. `--side sentence` puts the contrast inside one passage, where only the sentence head can learn
it: the answer sentence ("Russia and Kuwait agreed to stop the war in Gaza.") beside its copy with a name of the
question swapped ("...the war in Norway."), before or after it at random, labelled 1 and 0; the span stays on the
original. `--side both` writes the two kinds in one file (each drawn as it would be alone). The rows go to
their own file, mixed into training with `train --cloze FILE`; dev and SQuAD rows are
never read. Seeded.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .common import SEED, log_to

PER_QUESTION = 2  # swapped rows per training question (distinct passages first)
SWAPPED, PAIRED = "~swap", "~pair"  # the question id suffix of each kind of row
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


def swappable(row: dict, text: str | None = None) -> list[str]:
    """The question's names that its passage (or TEXT, one of its sentences) holds as written, that are no part of
    the answer, and that the question does not name again ("Perry" after "Matthew Perry")."""
    text, question = " ".join(row["sentences"]) if text is None else text, row["question"]
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
    other = _other_name(pool, name, [text, row["question"]], rng)
    if other is None:
        return None
    return {**row, "question": _replaced(row["question"], name, other), "question_id": row["question_id"] + SWAPPED,
            "labels": [0] * len(row["sentences"]), "has_answer": False, "holds_wrong": False, "span": None,
            "answer_in_candidates": False, "swapped": [name, other]}


def _other_name(pool: list[str], name: str, texts: list[str], rng: random.Random) -> str | None:
    """A POOL name that none of TEXTS holds and that is not part of NAME (20 tries)."""
    for _ in range(20):
        other = rng.choice(pool)
        if not any(_holds(text, other) for text in texts) and not _holds(other, name):
            return other
    return None


def pair(row: dict, pool: list[str], rng: random.Random) -> dict | None:
    """ROW with a copy of one answer sentence beside it, a name of the question swapped in the copy for a POOL name
    that neither the passage nor the question holds: the copy labelled 0, the rest as they were (the span shifted
    when the copy goes before it). None when no answer sentence holds a swappable name or no replacement is found."""
    sentences = row["sentences"]
    held = [(k, name) for k, v in enumerate(row["labels"]) if v == 1 for name in swappable(row, sentences[k])]
    if not held:
        return None
    k, name = rng.choice(held)
    other = _other_name(pool, name, [" ".join(sentences), row["question"]], rng)
    if other is None:
        return None
    at = k + rng.randint(0, 1)  # before or after the original, so order says nothing
    copy = _replaced(sentences[k], name, other)
    span = row["span"]
    if span is not None and at <= k:
        span = [span[0] + len(copy) + 1, span[1] + len(copy) + 1]
    keys = row.get("sentence_keys")
    return {**row, "question_id": row["question_id"] + PAIRED, "sentences": sentences[:at] + [copy] + sentences[at:],
            "labels": row["labels"][:at] + [0] + row["labels"][at:], "span": span,
            **({"sentence_keys": keys[:at] + [keys[k]] + keys[at:]} if keys is not None else {}),
            "swapped": [name, other]}


SIDES = {"question": (swap,), "sentence": (pair,), "both": (swap, pair)}  # --side: the row makers, in order


def build(data: Path, out: Path, seed: int = SEED, per_question: int = PER_QUESTION, side: str = "question") -> dict:
    """Write the rows of SIDE ('both': the question side's rows, then the sentence side's, each drawn as alone)."""
    rows = [json.loads(line) for line in (data / "train.jsonl").read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r.get("source", "realtimeqa") == "realtimeqa" and r.get("split") == "train"]
    pool = sorted({n for r in rows if r["has_answer"] for n in swappable(r)})  # names as the articles write them
    stats: Counter = Counter()
    written = []
    for make in SIDES[side]:
        made = _made(rows, pool, make, random.Random(seed), per_question, stats)
        written += [r for found in made.values() for r in found]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written), encoding="utf-8")
    stats.update({"questions": len({r["question_id"].removesuffix(SWAPPED).removesuffix(PAIRED) for r in written}),
                  "rows written": len(written), "names in the pool": len(pool)})
    log_to().info(f"swap-negatives --side {side}: {dict(stats)} -> {out}")
    return dict(stats)


def _made(rows: list[dict], pool: list[str], make: Callable[[dict, list[str], random.Random], dict | None],
          rng: random.Random, per_question: int, stats: Counter) -> dict[str, list[dict]]:
    """MAKE's rows (swap or pair) by question id, at most PER_QUESTION each."""
    made: dict[str, list[dict]] = {}
    for row in rows:
        if not row["has_answer"] or len(made.get(row["question_id"], [])) >= per_question:
            continue
        stats["answering passages"] += 1
        swapped = make(row, pool, rng)
        if swapped is None:
            stats["no name of the question in the passage"] += 1
            continue
        made.setdefault(row["question_id"], []).append(swapped)
    return made
