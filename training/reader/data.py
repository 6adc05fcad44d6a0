"""build-data: RealTimeQA 2022 + 2023 questions and their search hits -> labelled passages (JSONL, under the cache).

Each hit is cut the way the product cuts documents (the product's cleaning content_mask, then its
chunking.chunk_spans at 700 characters with one sentence of overlap). Labels come from the project's
word-boundary phrase matcher (benchmarks/realtimeqa.py):

- a sentence "states the answer" when it holds the right choice as a phrase (label 1); a sentence that holds
  most of the right choice's words but not the phrase is left unlabelled (-1: paraphrase, unsure);
- a passage with such a sentence is answerable; its answer span is the right choice's first occurrence in the
  positive sentence holding the most question key words (spans only for name / number / date answers);
- a passage with no such sentence teaches "no answer" (a passage holding a wrong choice but not the right one is
  a hard negative); a passage that holds most of the right choice's words but not the phrase is dropped.

With --retrieved, a 2023 training question also gets the passages the product's own search put in front of the
reader for it (retrieved.py), labelled the same way: what the reader meets at run time.

With --evidence, a training question also gets the quiz's own evidence (the few sentences its writer quoted to
back the answer, HTML stripped), cut and labelled the same way, as one more passage when it states the answer:
an answering passage for many questions whose hits never state the answer as a phrase.

Only 2022 and 2023 are read. Every 5th week of 2023 (sorted, index % 5 == 4) is dev; the rest train.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
from collections import Counter
from pathlib import Path

import realtimeqa as rtqa
from pydantic import ValidationError

from assistant.config import ChunkingSettings
from assistant.evaluation.phrases import padded
from assistant.ingest.chunking import chunk_spans
from assistant.ingest.cleaning import content_mask

from .common import ALLOWED_YEARS, CACHE, DEV_SLOTS, SEED, Timer, check_year, is_dev_week, log_to, write_json
from .retrieved import Retrieved


def chunk_chars(named: str | None) -> int:
    """The product's default chunk size (700 when this was written), or READER_CHUNK_CHARS's, which cuts every
    passage (hits, evidence, SQuAD, cloze) at another size, for a reader meant to read a product ingested at that
    size; held to the product's own bounds for chunk_chars."""
    if named is None:
        return ChunkingSettings().chunk_chars
    try:
        return ChunkingSettings(chunk_chars=named).chunk_chars  # pydantic parses the text as the config file does
    except ValidationError as error:
        raise SystemExit(f"READER_CHUNK_CHARS={named!r}: {error.errors()[0]['msg']}") from None


CHUNK_CHARS = chunk_chars(os.environ.get("READER_CHUNK_CHARS"))
MAX_CHARS = rtqa.DEFAULT_MAX_CHARS  # articles cut at a line break before this (as the benchmark does)
SPAN_KINDS = {"name", "number", "date"}  # answer kinds that get a span target
TRAIN_POS, TRAIN_HARD, TRAIN_NEG, TRAIN_RANDOM = 3, 2, 2, 1  # per training question (see select())
DEV_CANDIDATES = 12  # per dev question: its hits' passages ranked by question key words, the top ones


# ---------------------------------------------------------------- loading (2022 and 2023 only)


def weeks_of(repo: Path, year: int) -> list[str]:
    """The year's weeks that have both YYYYMMDD_qa.jsonl and YYYYMMDD_gcs.jsonl."""
    check_year(year)
    names = subprocess.run(["git", "-C", str(repo), "ls-tree", "--name-only", f"HEAD:past/{year}/"],
                           capture_output=True, text=True, check=True).stdout.split()
    qa = {n[:8] for n in names if re.fullmatch(r"\d{8}_qa\.jsonl", n)}
    return sorted({n[:8] for n in names if re.fullmatch(r"\d{8}_gcs\.jsonl", n) and n[:8] in qa})


def load_year(repo: Path, year: int, weeks: list[str]) -> rtqa.Dataset:
    """realtimeqa.load for a training year (that function accepts only 2023/2024): same parsing, same hit dedup."""
    check_year(year)
    dataset = rtqa.Dataset(year=year, weeks=list(weeks), questions=[], documents={})
    by_text: dict[str, str] = {}
    by_url: dict[str, str | None] = {}
    seen: set[str] = set()
    for week in weeks:
        assert week.startswith(str(year)), week
        rows = rtqa._jsonl(rtqa.git_show(repo, f"past/{year}/{week}_gcs.jsonl"))
        hits = {row["question_id"]: row.get("search_result") or [] for row in rows}
        for row in rtqa._jsonl(rtqa.git_show(repo, f"past/{year}/{week}_qa.jsonl")):
            try:
                question = rtqa._question(row, week)
            except (KeyError, IndexError, ValueError, TypeError):
                dataset.skipped["unparsable"] = dataset.skipped.get("unparsable", 0) + 1
                continue
            keys = {question.id, rtqa.normalize(question.question) + " => " + rtqa.normalize(question.answer)}
            if keys & seen:
                dataset.skipped["repeated question"] = dataset.skipped.get("repeated question", 0) + 1
                continue
            seen |= keys
            for hit in hits.get(question.id, []):
                doc_id = rtqa._add_hit(dataset, hit, by_url, by_text, MAX_CHARS)
                if doc_id:
                    rtqa._link(dataset.documents[doc_id], question, week)
            dataset.questions.append(question)
    return dataset


# ---------------------------------------------------------------- passages and labels


def passages(doc: rtqa.Document) -> list[list[str]]:
    """The article body cut as the product cuts it: debris lines out, sentences packed into <= 700-char chunks."""
    lines = doc.text.split("\n")
    return [[s.text for s in chunk] for chunk in chunk_spans(lines, content_mask(lines), CHUNK_CHARS)]


def char_span(sentence: str, answer: str) -> tuple[int, int] | None:
    """The shortest stretch of whole words of the raw sentence whose normalised form holds the answer phrase."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", sentence)]
    n = len(rtqa.normalize(answer).split())
    best = None
    for i, (a, _) in enumerate(words):
        for j in range(i, min(len(words), i + n + 4)):
            b = words[j][1]
            if rtqa.contains(padded(sentence[a:b]), answer):
                if best is None or b - a < best[1] - best[0]:
                    best = (a, b)
                break
    if best is None:
        return None
    a, b = best
    text = sentence[a:b]
    lead = len(text) - len(re.sub(r"^[^\w$£€#@]+", "", text))
    trail = len(text) - len(re.sub(r"[^\w%]+$", "", text))
    if lead + trail < len(text) and rtqa.contains(padded(text[lead:len(text) - trail]), answer):
        return a + lead, b - trail
    return a, b


def capitals_agree(sentence: str, answer: str) -> bool:
    """For a name answer: each capitalised word of the answer stands capitalised in the sentence ("SAVE" the plan is
    not "save" the verb; the matcher itself ignores case)."""
    words = {}
    for w in re.findall(r"[\w'’&-]+", sentence):
        if w[:1].isupper():
            words[rtqa.normalize(w)] = True
    caps = [rtqa.normalize(w) for w in re.findall(r"[\w'’&-]+", answer) if w[:1].isupper()]
    return all(c in words for c in caps if c)


def key_hits(padded_text: str, keys: dict[str, bool]) -> float:
    """Question key words the text holds, a rare one counting 2."""
    roots = {rtqa.stem(w) for w in padded_text.split()}
    return float(sum(2 if rare else 1 for k, rare in keys.items() if k in roots))


def label_passage(sentences: list[str], question: rtqa.Question, keys: dict[str, bool]) -> dict | None:
    """Labels of one passage for one question; None when the passage is ambiguous (paraphrase of the answer)."""
    answer = question.answer
    pads = [padded(s) for s in sentences]
    labels = []
    name = rtqa.answer_kind(answer) == "name"
    for s, p in zip(sentences, pads):
        if rtqa.contains(p, answer):
            labels.append(1 if not name or capitals_agree(s, answer) else -1)
        elif rtqa.states(s, answer) and len(rtqa.content_words(answer)) > 1:
            labels.append(-1)  # most of the answer's words, not the phrase
        else:
            labels.append(0)
    text_pad = padded(" ".join(sentences))
    positive = any(v == 1 for v in labels)
    if not positive and (rtqa.states(" ".join(sentences), answer) or -1 in labels):
        return None
    wrong = [w for w in question.wrong if rtqa.contains(text_pad, w) and not rtqa.contains(padded(w), answer)]
    overlaps = [key_hits(p, keys) for p in pads]
    row = {"sentences": sentences, "labels": labels, "has_answer": positive, "holds_wrong": bool(wrong) and not positive,
           "sentence_keys": overlaps, "passage_keys": key_hits(text_pad, keys), "span": None}
    if positive and rtqa.answer_kind(answer) in SPAN_KINDS:
        best = max((i for i, v in enumerate(labels) if v == 1), key=lambda i: (overlaps[i], -i))
        row["span"] = passage_span(sentences, best, answer)
    return row


def passage_span(sentences: list[str], index: int, answer: str) -> list[int] | None:
    """The answer's span in sentence `index`, as offsets in the passage text (the sentences joined by one space)."""
    local = char_span(sentences[index], answer)
    if local is None:
        return None
    offset = sum(len(s) + 1 for s in sentences[:index])
    return [offset + local[0], offset + local[1]]


def select(rows: list[dict], rng: random.Random, dev: bool) -> list[dict]:
    """Which of a question's passages become examples.

    dev: the top DEV_CANDIDATES passages by question key words (what a retriever would put in front of the
    reader; the answer may or may not be among them). train: up to TRAIN_POS answerable passages (most key words
    first), TRAIN_HARD negatives holding a wrong choice, TRAIN_NEG top-ranked negatives, TRAIN_RANDOM random one."""
    ranked = sorted(rows, key=lambda r: (-r["passage_keys"], r["doc_rank"], r["chunk"]))
    if dev:
        return ranked[:DEV_CANDIDATES]
    pos = [r for r in ranked if r["has_answer"]][:TRAIN_POS]
    hard = [r for r in ranked if r["holds_wrong"]][:TRAIN_HARD]
    rest = [r for r in ranked if not r["has_answer"] and r not in hard]
    top = rest[:TRAIN_NEG]
    others = [r for r in rest[TRAIN_NEG:]]
    rand = rng.sample(others, min(TRAIN_RANDOM, len(others)))
    return pos + hard + top + rand


def from_retrieval(found: list[dict], rows: list[dict], q: rtqa.Question, keys: dict[str, bool],
                   st: Counter) -> list[dict]:
    """The product's retrieved passages for a training question (retrieved.py), labelled like the others; one
    that repeats a passage of the question's own hits is left to those. A passage of another article that holds
    the right choice is dropped as unsure: "India" in a story of another week does not answer this week's
    question, and the matcher cannot tell."""
    own = {(r["doc_id"], s) for r in rows for s in r["sentences"]}
    extra = []
    for p in found:
        if sum((p["doc_id"], s) in own for s in p["sentences"]) * 2 >= len(p["sentences"]):
            st["retrieved passages already among the hits"] += 1
            continue
        row = label_passage(p["sentences"], q, keys)
        if row is None:
            st["retrieved passages dropped: unsure"] += 1
            continue
        if row["has_answer"] and p["doc_id"] not in q.hits:
            st["retrieved passages dropped: the answer in an article that was no hit of the question"] += 1
            continue
        row.update(doc_id=p["doc_id"], doc_rank=-1, chunk=int(p["chunk_id"].rsplit("-", 1)[-1]), retrieved=p["rank"],
                   title=p["title"])
        st["retrieved passages"] += 1
        st["retrieved passages holding the answer"] += row["has_answer"]
        extra.append(row)
    return extra


def from_evidence(q: rtqa.Question, keys: dict[str, bool], st: Counter) -> list[dict]:
    """The quiz's evidence passage of a training question, cut as a document is, when it states the answer: it
    was written to back the right choice, so a passage that does not state it as a phrase teaches nothing sure."""
    lines = q.evidence.split("\n")
    rows = []
    for c, spans in enumerate(chunk_spans(lines, [bool(line.strip()) for line in lines], CHUNK_CHARS)):
        row = label_passage([s.text for s in spans], q, keys)
        if row is not None and row["has_answer"]:
            row.update(doc_id=f"evidence-{q.id}", doc_rank=-1, chunk=c, title="", evidence=True)
            rows.append(row)
    st["evidence passages"] += len(rows)
    return rows


def question_key(q: rtqa.Question) -> str:
    return rtqa.normalize(q.question) + " => " + rtqa.normalize(q.answer)


def build(repo: Path, out: Path = CACHE / "data", years: tuple[int, ...] = ALLOWED_YEARS,
          limit_weeks: int | None = None, dev_slots: tuple[int, ...] = DEV_SLOTS,
          retrieved: Retrieved | None = None, evidence: bool = False) -> dict:
    """`retrieved`: the product's own top passages per question (retrieved.py), added to its training examples;
    `evidence`: the quiz's evidence passage too (from_evidence)."""
    found = retrieved.passages if retrieved else {}
    log = log_to(CACHE / "build-data.log")
    rng = random.Random(SEED)
    timer = Timer()
    datasets = []
    for year in years:
        check_year(year)
        weeks = weeks_of(repo, year)
        chosen = weeks if limit_weeks is None else weeks[:limit_weeks] + [
            w for w in weeks if is_dev_week(w, weeks, dev_slots)][:max(1, limit_weeks // 5)]
        dataset = load_year(repo, year, sorted(set(chosen)))
        log.info(f"{year}: {len(dataset.weeks)} weeks, {len(dataset.questions)} questions, "
                 f"{len(dataset.documents)} documents, skipped {dataset.skipped} ({timer():.0f}s)")
        datasets.append((dataset, weeks))
    dev_keys = {question_key(q) for d, weeks in datasets for q in d.questions
                if is_dev_week(q.week, weeks, dev_slots)}
    out.mkdir(parents=True, exist_ok=True)
    files = {"train": (out / "train.jsonl").open("w", encoding="utf-8"),
             "dev": (out / "dev.jsonl").open("w", encoding="utf-8")}
    stats: dict[str, Counter] = {"train": Counter(), "dev": Counter()}
    for dataset, weeks in datasets:
        cache: dict[str, list[list[str]]] = {}
        for q in dataset.questions:
            dev = is_dev_week(q.week, weeks, dev_slots)
            part = "dev" if dev else "train"
            st = stats[part]
            st["questions"] += 1
            if not dev and question_key(q) in dev_keys:
                st["dropped: same question in dev"] += 1
                continue
            if not q.matchable:
                st["dropped: answer not matchable (true/false, all of the above, small count)"] += 1
                continue
            keys = rtqa.key_words(dataset, q)
            rows = []
            for rank, doc_id in enumerate(q.hits):
                doc = dataset.documents[doc_id]
                if doc_id not in cache:
                    cache[doc_id] = passages(doc)
                for c, sentences in enumerate(cache[doc_id]):
                    row = label_passage(sentences, q, keys)
                    if row is None:
                        st["passages dropped: unsure (paraphrase of the answer, or a name matched in lower case)"] += 1
                        continue
                    row.update(doc_id=doc_id, doc_rank=rank, chunk=c)
                    rows.append(row)
            extra = [] if dev or q.id not in found else from_retrieval(found[q.id], rows, q, keys, st)
            quoted = from_evidence(q, keys, st) if evidence and not dev else []
            st["questions whose only answering passage is their evidence"] += bool(quoted) and not any(
                r["has_answer"] for r in rows + extra)
            extra += quoted
            if not rows and not extra:
                st["dropped: no passages"] += 1
                continue
            chosen = (select(rows, rng, dev) if rows else []) + extra
            answer_in_hits = any(r["has_answer"] for r in rows)
            answer_in_chosen = any(r["has_answer"] for r in chosen)
            st["questions used"] += 1
            st["questions with the answer in a hit"] += answer_in_hits
            st["questions with the answer in the chosen passages"] += answer_in_chosen
            for r in chosen:
                r.update(question_id=q.id, week=q.week, year=dataset.year, split=part, question=q.question,
                         answer=q.answer, wrong=q.wrong, answer_kind=rtqa.answer_kind(q.answer),
                         question_kind=rtqa.question_kind(q.question), answer_in_candidates=answer_in_chosen,
                         title=r.get("title") or _title(dataset, r["doc_id"]))
                files[part].write(json.dumps(r, ensure_ascii=False) + "\n")
                st["passages"] += 1
                st["answerable passages"] += r["has_answer"]
                st["passages with a span"] += r["span"] is not None
                st["hard negatives (wrong choice, not the right one)"] += r["holds_wrong"]
    for f in files.values():
        f.close()
    summary = {"years": list(years), "dev_slots": list(dev_slots),
               "dev_weeks": sorted({w for d, weeks in datasets for w in weeks if is_dev_week(w, weeks, dev_slots)}),
               "limit_weeks": limit_weeks, "retrieved": retrieved.summary if retrieved else None, "evidence": evidence,
               "chunk_chars": CHUNK_CHARS,
               "repo_head": _head(repo), "seconds": round(timer()),
               "files": {k: str(v.name) for k, v in files.items()},
               "stats": {k: dict(v) for k, v in stats.items()},
               "digest": {k: _digest(out / f"{k}.jsonl") for k in files}}
    write_json(out / "summary.json", summary)
    log.info(json.dumps(summary["stats"], indent=1))
    return summary


def _title(dataset: rtqa.Dataset, doc_id: str) -> str:
    """A retrieved passage may come from an article that was no hit of this year's questions."""
    doc = dataset.documents.get(doc_id)
    return doc.title if doc else ""


def _head(repo: Path) -> str:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
