"""build-data --squad: SQuAD-format JSON (SQuAD 1.1 / 2.0 dev) -> extra labelled TRAINING passages, appended to a
built data folder (train.jsonl only: the reader's dev stays the RealTimeQA 2023 dev weeks).

RealTimeQA answers are mostly names, numbers and dates; SQuAD's are any phrase or clause, and SQuAD 2.0 adds
questions their paragraph does not answer. Each paragraph is cut as data.py cuts an article (the product's
content_mask, then chunk_spans at 700 characters with one sentence of overlap: 1-3 chunks for most paragraphs),
and each chunk is labelled, for each question on the paragraph, the way data.py labels a RealTimeQA passage:

- the target is the first gold answer, found by its character offsets (`answer_start`; string search only when no
  valid offset is given); the sentence holding it is 1. A question whose target crosses a sentence boundary, or
  lies in text the product's cleaning or sentence splitter leaves out (a paragraph's last sentence ending in an
  abbreviation or a single letter, "... Visa Inc.", is lost by chunking.sentence_bounds), is left out;
- another sentence holding a gold answer's text as a phrase, or most of the target's words, is -1 (unsure, out of
  the loss); a chunk without the target but with such a sentence, or with most of the target's words, is dropped
  (data.py's paraphrase rule);
- the span is the target's characters remapped into the passage text (sentences joined by single spaces), for
  every answer kind: phrases and clauses included, which is the point of this data;
- a chunk without the target, and every chunk of a SQuAD 2.0 unanswerable question, teaches "no answer".

Per question at most SQUAD_POS answerable and SQUAD_NEG no-answer chunks (most question key words first);
`--squad-max` caps the passages, taking whole questions in a seeded order. Questions are deduplicated by id across
files (the 2.0 dev set repeats 5,928 of the 1.1 dev questions). SQuAD is CC BY-SA 4.0: weights trained on these
rows derive from it.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import realtimeqa as rtqa

from assistant.evaluation.phrases import padded
from assistant.ingest.chunking import chunk_spans
from assistant.ingest.cleaning import content_mask

from .common import CACHE, SEED, Timer, log_to, write_json
from .data import CHUNK_CHARS, _digest, key_hits
from .features import passage_text

LICENCE = ("CC BY-SA 4.0 (SQuAD, Rajpurkar et al. 2016 and 2018, https://rajpurkar.github.io/SQuAD-explorer/): "
           "weights trained on these rows derive from it; attribute SQuAD and keep the licence with the model card")
SQUAD_POS, SQUAD_NEG = 2, 1  # per question: answerable chunks, no-answer chunks (most question key words first)
DEFAULT_MAX = 4000  # passages; see training/README.md ("SQuAD dev as extra training data") for the choice
RARE_SHARE = 0.05  # a question word is rare (counts twice) when at most this share of the paragraphs holds it
LONG_WORDS = 3  # "an answer longer than 3 words": len(text.split()) > 3


@dataclass
class Item:
    """One question on one paragraph."""
    id: str
    question: str
    answers: list[tuple[str, int]]  # gold (text, answer_start), stripped; empty for a SQuAD 2.0 unanswerable one
    context: str
    title: str
    file: str

    @property
    def target(self) -> tuple[str, int, int] | None:
        """The first gold answer: text and its characters [start, end) in the context."""
        if not self.answers:
            return None
        text, start = self.answers[0]
        return text, start, start + len(text)


@dataclass
class Passage:
    """One chunk of a paragraph: its sentences and where each lies in the context."""
    sentences: list[str]
    bounds: list[tuple[int, int]]  # each sentence's characters [start, end) in the context
    raw: list[str]  # context[start:end] per sentence (differs from the sentence only in whitespace at line joins)


# ---------------------------------------------------------------- reading


def read_squad(paths: list[Path], stats: Counter) -> tuple[list[Item], list[dict]]:
    """The questions of every file, each id once (the first file's copy), and each file's size, digest, licence."""
    items: dict[str, Item] = {}
    files = []
    for path in paths:
        raw = path.read_bytes()
        data = json.loads(raw)
        counts = Counter()
        for article in data["data"]:
            for para in article["paragraphs"]:
                for qa in para["qas"]:
                    item = parse_item(qa, para["context"], article.get("title", ""), path.name, stats)
                    counts["questions"] += 1
                    counts["unanswerable"] += not item.answers
                    if item.id in items:
                        stats["duplicate ids across files (first copy kept)"] += 1
                        old = items[item.id]
                        if (old.question, old.context, old.answers) != (item.question, item.context, item.answers):
                            stats["duplicate ids whose copies differ"] += 1
                        continue
                    items[item.id] = item
        files.append({"path": str(path), "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest(),
                      "version": data.get("version"), "source": data.get("source"), "licence": "CC BY-SA 4.0",
                      **counts})
    return list(items.values()), files


def parse_item(qa: dict, context: str, title: str, file: str, stats: Counter) -> Item:
    """One SQuAD-format question on its paragraph, each answer located by its offset (by string search when the
    offset does not point at it)."""
    answers = []
    impossible = qa.get("is_impossible", False)
    for a in [] if impossible else qa.get("answers", []):
        text, start = a["text"], a.get("answer_start")
        if start is None or context[start:start + len(text)] != text:
            stats["answers without a valid offset (found by string search)"] += 1
            start = context.find(text)
            if start < 0:
                stats["answers not in their paragraph (ignored)"] += 1
                continue
        lead = len(text) - len(text.lstrip())
        if text.strip():
            answers.append((text.strip(), start + lead))
    return Item(qa["id"], qa["question"].strip(), answers, context, title, file)


# ---------------------------------------------------------------- passages and labels


def cut(context: str) -> list[Passage]:
    """The paragraph cut as data.py cuts an article, each sentence located in the context. pack() repeats the last
    sentence of a chunk (the same object) at the start of the next: that one is located once."""
    lines = context.split("\n")
    out: list[Passage] = []
    cursor, previous = 0, None
    for chunk in chunk_spans(lines, content_mask(lines), CHUNK_CHARS):
        bounds = []
        for k, span in enumerate(chunk):
            if k == 0 and previous is not None and span is previous[0][-1]:
                bounds.append(previous[1][-1])
                continue
            found = re.compile(r"\s+".join(map(re.escape, span.text.split()))).search(context, cursor)
            assert found is not None, (span.text, context)
            bounds.append((found.start(), found.end()))
            cursor = found.end()
        out.append(Passage([s.text for s in chunk], bounds, [context[a:b] for a, b in bounds]))
        previous = (chunk, bounds)
    return out


def _inside(sentence: str, raw: str, i: int) -> int:
    """Index in `sentence` of the character at raw[i] (a non-space): the two differ only in whitespace."""
    if sentence == raw:
        return i
    rank = sum(not c.isspace() for c in raw[:i])
    return [j for j, c in enumerate(sentence) if not c.isspace()][rank]


def holder(p: Passage, start: int, end: int) -> int | None:
    """The passage's sentence that holds the context characters [start, end) whole."""
    return next((k for k, (a, b) in enumerate(p.bounds) if a <= start and end <= b), None)


def to_passage(p: Passage, k: int, start: int, end: int) -> list[int]:
    """Context characters [start, end) of sentence k as offsets in the passage text (sentences joined by spaces)."""
    first = passage_text(p.sentences)[1][k]
    a = p.bounds[k][0]
    return [first + _inside(p.sentences[k], p.raw[k], start - a),
            first + _inside(p.sentences[k], p.raw[k], end - 1 - a) + 1]


def label_passage(p: Passage, item: Item, keys: dict[str, bool], stats: Counter) -> dict | None:
    """Labels of one chunk for one question; None when the chunk is unsure (it holds the answer's words elsewhere)."""
    target = item.target
    hit = holder(p, target[1], target[2]) if target else None
    pads = [padded(s) for s in p.sentences]
    labels = []
    for k, (s, pad) in enumerate(zip(p.sentences, pads)):
        if k == hit:
            labels.append(1)
        elif target and (any(rtqa.contains(pad, text) for text, _ in item.answers)
                         or (rtqa.states(s, target[0]) and len(rtqa.content_words(target[0])) > 1)):
            labels.append(-1)
        else:
            labels.append(0)
    text = passage_text(p.sentences)[0]
    if target and hit is None and (-1 in labels or rtqa.states(text, target[0])):
        return None
    span = None
    if hit is not None:
        span = to_passage(p, hit, target[1], target[2])
        if text[span[0]:span[1]] != target[0]:
            stats["spans differing from the answer in whitespace only"] += 1
    return {"sentences": p.sentences, "labels": labels, "has_answer": hit is not None, "holds_wrong": False,
            "sentence_keys": [key_hits(pad, keys) for pad in pads], "passage_keys": key_hits(padded(text), keys),
            "span": span}


def stem_counts(contexts: set[str]) -> Counter:
    """In how many of the contexts each word stem occurs (for key_words' rare words)."""
    return Counter(r for c in contexts for r in {rtqa.stem(w) for w in padded(c).split()})


def key_words(question: str, freq: Counter, paragraphs: int) -> dict[str, bool]:
    """The question's stemmed content words found in some paragraph -> whether rare (as rtqa.key_words)."""
    roots = {rtqa.stem(w) for w in rtqa.content_words(question) if w not in rtqa.STOPWORDS}
    return {r: freq[r] <= RARE_SHARE * paragraphs for r in roots if freq[r]}


def select(rows: list[dict]) -> list[dict]:
    """Up to SQUAD_POS answerable chunks and SQUAD_NEG no-answer chunks, most question key words first."""
    ranked = sorted(rows, key=lambda r: (-r["passage_keys"], r["chunk"]))
    return [r for r in ranked if r["has_answer"]][:SQUAD_POS] + [r for r in ranked if not r["has_answer"]][:SQUAD_NEG]


def question_rows(item: Item, cuts: list[Passage], keys: dict[str, bool], stats: Counter) -> list[dict]:
    """The chosen, labelled chunks of one question (empty when it is left out)."""
    target = item.target
    if target and not any(holder(p, target[1], target[2]) is not None for p in cuts):
        crosses = any(a < target[2] and target[1] < b for p in cuts for a, b in p.bounds)
        stats["dropped: answer crosses a sentence boundary" if crosses
              else "dropped: answer in text the cleaning or sentence splitter leaves out"] += 1
        return []
    rows = []
    for c, p in enumerate(cuts):
        row = label_passage(p, item, keys, stats)
        if row is None:
            stats["passages dropped: unsure (the answer's words outside the target)"] += 1
            continue
        row.update(doc_id="squad:" + hashlib.sha1(item.context.encode()).hexdigest()[:16], doc_rank=0, chunk=c)
        rows.append(row)
    chosen = select(rows)
    if not chosen:
        stats["dropped: no passages"] += 1
    answer = target[0] if target else ""
    for r in chosen:
        r.update(question_id=item.id, week=None, year=None, split="train", source="squad", file=item.file,
                 question=item.question, answer=answer, answers=[t for t, _ in item.answers], wrong=[],
                 answer_kind=rtqa.answer_kind(answer) if target else "none",
                 question_kind=rtqa.question_kind(item.question), unanswerable=target is None,
                 answer_in_candidates=any(x["has_answer"] for x in chosen), title=item.title)
    return chosen


def cap(groups: list[list[dict]], max_passages: int | None, seed: int) -> list[list[dict]]:
    """At most max_passages passages, whole questions in a seeded order; kept in reading order."""
    if max_passages is None or sum(map(len, groups)) <= max_passages:
        return groups
    order = list(range(len(groups)))
    random.Random(seed).shuffle(order)
    keep, total = set(), 0
    for i in order:
        if total >= max_passages:
            break
        keep.add(i)
        total += len(groups[i])
    return [g for i, g in enumerate(groups) if i in keep]


# ---------------------------------------------------------------- the build step


def add_squad(out: Path, paths: list[Path], max_passages: int | None = DEFAULT_MAX, seed: int = SEED) -> dict:
    """Append the SQuAD rows to out/train.jsonl (written by data.build just before) and record them in summary.json."""
    log = log_to(CACHE / "build-data.log")
    timer = Timer()
    summary_path = out / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    if "squad" in summary:
        raise SystemExit(f"{out} already holds SQuAD rows: run build-data again (it rewrites train.jsonl)")
    labelled: Counter = Counter()
    items, files = read_squad(paths, labelled)
    freq = stem_counts({i.context for i in items})
    paragraphs = len({i.context for i in items})
    cache: dict[str, list[Passage]] = {}
    groups = []
    for item in items:
        labelled["questions"] += 1
        labelled["unanswerable questions (SQuAD 2.0)"] += item.target is None
        if item.context not in cache:
            cache[item.context] = cut(item.context)
        rows = question_rows(item, cache[item.context], key_words(item.question, freq, paragraphs), labelled)
        if rows:
            groups.append(rows)
    labelled["questions usable"] = len(groups)
    labelled["passages usable"] = sum(map(len, groups))
    chosen = cap(groups, max_passages, seed)
    written = Counter()
    with (out / "train.jsonl").open("a", encoding="utf-8") as f:
        for rows in chosen:
            written["questions"] += 1
            written["unanswerable questions"] += rows[0]["unanswerable"]
            written["answerable questions"] += not rows[0]["unanswerable"]
            written["answerable questions with an answer > 3 words"] += len(rows[0]["answer"].split()) > LONG_WORDS
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
                written["passages"] += 1
                written["answerable passages"] += r["has_answer"]
                written["no-answer passages"] += not r["has_answer"]
                written["passages with a span"] += r["span"] is not None
                written["spans of an answer > 3 words"] += r["span"] is not None and len(r["answer"].split()) > LONG_WORDS
                if r["span"] is not None:
                    written[f"spans of {r['answer_kind']} answers"] += 1
    summary["squad"] = {"files": files, "licence": LICENCE, "split": "train only (dev stays RealTimeQA 2023)",
                        "max_passages": max_passages, "seed": seed, "per_question": {"answerable": SQUAD_POS,
                                                                                    "no_answer": SQUAD_NEG},
                        "paragraphs": paragraphs, "labelled": dict(labelled), "written": dict(written),
                        "seconds": round(timer())}
    summary["digest"]["train"] = _digest(out / "train.jsonl")
    write_json(summary_path, summary)
    log.info("squad: " + json.dumps({"labelled": labelled, "written": written}, indent=1))
    return summary["squad"]
