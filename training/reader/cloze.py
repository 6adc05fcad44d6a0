"""cloze: synthetic questions from the training weeks' articles, answered by another article of the same week.

A lead sentence of one article with a name, number or date in it becomes a question: the answer is taken out and a
question word put in its place ("Kim Kardashian did not damage the dress, Ripley's said." -> "Who did not damage
the dress, Ripley's said?"), as in unsupervised question answering (Lewis et al., "Unsupervised Question Answering
by Cloze Translation", 2019). The passage it is paired with comes from *another* article of the same week that holds
the answer and most of the question's key words, so the reader learns to match a fact told in other words rather
than to copy the sentence back; a passage that copies the question's sentence (a syndicated story) is skipped. Each
question also gets the week's passage with the most of its key words that does not hold the answer, labelled "no
answer". Labels come from the same phrase matcher as build-data (data.label_passage).

Only training weeks are read: 2022, and the 2023 weeks that are not dev; an article that is a hit of any dev
question is never used. Rows go to their own file, mixed into training with `train --cloze FILE`. Seeded.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

import realtimeqa as rtqa

from assistant.evaluation.phrases import padded

from .common import ALLOWED_YEARS, DEV_SLOTS, SEED, is_dev_week, log_to
from .data import label_passage, load_year, passages, weeks_of
from .swapped import NAME, NOT_NAMES

MIN_WORDS, MAX_WORDS = 8, 40  # a question sentence's length
MIN_KEYS = 4.0  # key words (a rare one counting 2) a passage must share with the question to be its answer
MIN_SENTENCE_KEYS = 3.0  # ... and its sentence holding the answer (else the answer's words stand there by chance)
COPY_SHARE = 0.8  # a passage sentence holding this share of the question's words copies it
LEAD_SENTENCES = 4  # question sentences come from an article's first few sentences (where news puts its facts)
PER_ARTICLE = 2

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATE = re.compile(rf"\b{MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?\b|\b{MONTH}\s+\d{{4}}\b")
NUMBER = re.compile(r"(?<![\w$-])\$?\d[\d,]*(?:\.\d+)?(?:\s+(?:million|billion|trillion))?"
                    r"(?:\s*%|\s+percent)?(?![\w])")
TITLES = {"President", "Prime", "Minister", "Sen.", "Rep.", "Gov.", "Mr.", "Ms.", "Mrs.", "Dr.", "Judge", "Pope"}
PERSON_VERBS = {"said", "says", "told", "announced", "wrote", "added", "signed", "won", "became", "died", "called",
                "tweeted", "posted", "argued", "claimed", "denied", "admitted", "resigned", "pleaded", "testified"}
ADJECTIVE = re.compile(r"(?:an|ese|ish|i)$")  # "Russian", "Chinese", "British", "Israeli": no answer alone
DATELINE = re.compile(r"^[^a-z]*\((?:CNN|AP|Reuters)[^)]*\)\s*|^[A-Z][A-Z .,]+\s+[-–—]+\s*")
PART_OF_NAME = re.compile(r"[A-Z][\w.]*\s+(?:and|of|for|de)\s+$")  # "Prevention" in "Control and Prevention"
LEADING = re.compile(r"^(?:But|And|So|Yet|Still|Meanwhile|Now|Also),?\s+")


def answers_in(sentence: str) -> list[tuple[str, int, int]]:
    """Candidate answers of a sentence: (kind, start, end) of its dates, numbers and names (a name that opens the
    sentence counts only when it has two words or more: "Officials" is no name)."""
    found = [("date", m.start(), m.end()) for m in DATE.finditer(sentence)]
    taken = [(a, b) for _, a, b in found]
    for m in NUMBER.finditer(sentence):
        text = m.group()
        if not any(a <= m.start() < b for a, b in taken) and not re.fullmatch(r"(?:19|20)\d\d", text) and (
                "$" in text or "%" in text or "percent" in text or " " in text or int(re.sub(r"\D", "", text)[:6]) > 10):
            found.append(("number", m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in NAME.finditer(sentence):
        start, words = m.start(), m.group().rstrip(".").split()
        while words and words[0] in NOT_NAMES | TITLES:
            start = sentence.index(words[1], start) if len(words) > 1 else m.end()
            words = words[1:]
        end = start + len(" ".join(words))
        if words and (start > 0 or len(words) > 1) and not any(a < end and start < b for a, b in taken) \
                and sentence[start:end] == " ".join(words) and not sentence[start:end].isupper() \
                and not (len(words) == 1 and ADJECTIVE.search(words[0])) and not PART_OF_NAME.search(sentence[:start]):
            found.append(("name", start, end))
    return sorted(found, key=lambda f: f[1])


def question_word(sentence: str, kind: str, start: int, end: int) -> tuple[str, int]:
    """The question word that stands for the answer, and where the replaced stretch starts (a title before a name
    and a preposition before a date go with the answer)."""
    before = sentence[:start].split()
    after = sentence[end:].split()[:1]
    if kind == "date":
        if before and before[-1].lower() in {"on", "in", "since", "by"}:
            return "when", sentence.rindex(before[-1], 0, start)
        return "when", start
    if kind == "number":
        text = sentence[start:end]
        return ("what percentage" if "%" in text or "percent" in text
                else "how much" if "$" in text else "how many"), start
    word = "who" if after and after[0].strip(",.") in PERSON_VERBS else "what"
    if before and before[-1] in TITLES:
        return "who", sentence.rindex(before[-1], 0, start)
    if before and before[-1].lower() == "the":  # "the Senate" -> "what"
        return word, sentence.rindex(before[-1], 0, start)
    return word, start


def to_question(sentence: str, kind: str, start: int, end: int) -> str | None:
    """The sentence with the answer replaced by its question word, as a question; None when the sentence is too
    short or long, or holds the answer twice."""
    answer = sentence[start:end]
    if not MIN_WORDS <= len(sentence.split()) <= MAX_WORDS or sentence.count(answer) > 1:
        return None
    word, cut = question_word(sentence, kind, start, end)
    text = (sentence[:cut] + word + sentence[end:]).strip()
    text = LEADING.sub("", text.strip("“”\"' "))
    text = re.sub(r"[.!?;:,]+[”\"']?$", "", text).strip()
    return text[:1].upper() + text[1:] + "?"


class WeekIndex:
    """The passages of one week's articles, found by the words they hold."""

    def __init__(self, dataset: rtqa.Dataset, doc_ids: list[str]):
        self.items: list[tuple[str, int, list[str], str]] = []  # doc id, chunk, sentences, padded text
        self.stems: list[set[str]] = []
        self.by_word: dict[str, set[int]] = defaultdict(set)
        self.by_stem: dict[str, set[int]] = defaultdict(set)  # what question key words (stems) are looked up in
        for doc_id in doc_ids:
            for chunk, sentences in enumerate(passages(dataset.documents[doc_id])):
                text = padded(" ".join(sentences))
                stems = {rtqa.stem(word) for word in text.split()}
                for word in set(text.split()):
                    self.by_word[word].add(len(self.items))
                for root in stems:
                    self.by_stem[root].add(len(self.items))
                self.items.append((doc_id, chunk, sentences, text))
                self.stems.append(stems)

    def holding(self, phrase: str) -> list[int]:
        words = padded(phrase).split()
        if not words:
            return []
        found = set.intersection(*(self.by_word.get(w, set()) for w in words))
        return sorted(i for i in found if rtqa.contains(self.items[i][3], phrase))


def copies(sentences: list[str], question: str) -> bool:
    """A passage sentence that holds most of the question's words tells the same story in the same words."""
    asked = set(rtqa.content_words(question))
    return bool(asked) and any(len(asked & set(rtqa.content_words(s))) >= COPY_SHARE * len(asked) for s in sentences)


def pair(index: WeekIndex, dataset: rtqa.Dataset, question: rtqa.Question, source_doc: str) -> list[dict]:
    """The question's answering passage (another article, most key words) and its hardest no-answer passage."""
    keys = rtqa.key_words(dataset, question)
    holding = set(index.holding(question.answer))
    best: tuple[float, dict] | None = None
    negative: tuple[float, dict] | None = None
    for i in {j for k in keys for j in index.by_stem.get(k, ())} | holding:
        doc_id, chunk, sentences, _ = index.items[i]
        if doc_id == source_doc or copies(sentences, question.question):
            continue
        hits = sum(2.0 if rare else 1.0 for k, rare in keys.items() if k in index.stems[i])
        if hits < MIN_KEYS:
            continue
        row = label_passage(sentences, question, keys)
        if row is None or (row["has_answer"] and max(
                k for k, v in zip(row["sentence_keys"], row["labels"]) if v == 1) < MIN_SENTENCE_KEYS):
            continue
        row.update(doc_id=doc_id, doc_rank=0, chunk=chunk)
        if row["has_answer"]:
            if best is None or hits > best[0]:
                best = (hits, row)
        elif i not in holding and (negative is None or hits > negative[0]):
            negative = (hits, row)
    return [] if best is None else [best[1]] + ([negative[1]] if negative else [])


def build(repo: Path, out: Path, dev_slots: tuple[int, ...] = DEV_SLOTS, seed: int = SEED,
          limit: int | None = None, years: tuple[int, ...] = ALLOWED_YEARS, limit_weeks: int | None = None) -> dict:
    """`limit`: at most that many questions (a seeded sample); `limit_weeks`: only each year's first N training weeks
    (a smoke run)."""
    rng = random.Random(seed)
    stats: Counter = Counter()
    written = []
    for year in years:
        weeks = weeks_of(repo, year)
        dataset = load_year(repo, year, weeks)
        dev_docs = {d for q in dataset.questions if is_dev_week(q.week, weeks, dev_slots) for d in q.hits}
        for week in [w for w in weeks if not is_dev_week(w, weeks, dev_slots)][:limit_weeks]:
            doc_ids = sorted({d for q in dataset.questions if q.week == week for d in q.hits} - dev_docs)
            written += week_rows(dataset, week, doc_ids, rng, stats)
            log_to().info(f"cloze {week}: {len(written)} rows so far; {dict(stats)}")
    rng.shuffle(written)
    if limit is not None:
        keep = {r["question_id"] for r in written if r["has_answer"]}
        keep = set(rng.sample(sorted(keep), min(limit, len(keep))))
        written = [r for r in written if r["question_id"] in keep]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written), encoding="utf-8")
    stats.update({"rows written": len(written), "answering rows": sum(r["has_answer"] for r in written),
                  "questions written": len({r["question_id"] for r in written})})
    log_to().info(f"cloze: {dict(stats)} -> {out}")
    return dict(stats)


def week_rows(dataset: rtqa.Dataset, week: str, doc_ids: list[str], rng: random.Random, stats: Counter) -> list[dict]:
    """The week's cloze questions (at most PER_ARTICLE an article), each with its answering and no-answer rows."""
    index = WeekIndex(dataset, doc_ids)
    written = []
    for doc_id in doc_ids:
        made = 0
        lead = [s for s in dataset.documents[doc_id].sentences[1:] if s.strip()][:LEAD_SENTENCES]
        for n, sentence in enumerate(lead):
            if made >= PER_ARTICLE:
                break
            sentence = DATELINE.sub("", sentence)
            options = answers_in(sentence)
            if not options:
                continue
            kind, start, end = rng.choice(options)
            text = to_question(sentence, kind, start, end)
            stats["questions tried"] += 1
            if text is None:
                continue
            question = rtqa.Question(id=f"cloze-{doc_id}-{n}", week=week, date=week, source="cloze", question=text,
                                     choices=[sentence[start:end]], answer_index=0, evidence="")
            rows = pair(index, dataset, question, doc_id)
            if not rows:
                stats["no other article answers"] += 1
                continue
            made += 1
            stats[f"questions kept: {kind}"] += 1
            for r in rows:
                r.update(question_id=question.id, week=week, year=int(week[:4]), split="train", source="cloze",
                         question=text, answer=question.answer, wrong=[], answer_kind=rtqa.answer_kind(question.answer),
                         question_kind=rtqa.question_kind(text), answer_in_candidates=True,
                         title=dataset.documents[r["doc_id"]].title, asked_from=doc_id)
                written.append(r)
    return written
