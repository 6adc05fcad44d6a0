"""Questions written by annotators (helper sessions given training/written/BRIEF.md) about 2022 training articles,
labelled on the passages the product would cut from them: rows for `train --cloze`.

The written file is JSON Lines, one question a line: `doc_id` (a 2022 hit article), `question`, and `answer` (words
copied from one sentence of the article) or null for a near miss (a question on the same story that the article
does not answer). An answering question gives its article's passage that states the answer (labelled by the same
phrase matcher as build-data, with a span whatever the answer's kind, as SQuAD's rows have) and the article's
passage sharing most of its key words that does not; a near miss gives the article's two passages sharing most of
its key words, both "no answer". 2022 only: no 2023 week is ever read, so no fold's dev week can leak in.

`pair`: "own" as above; "other" answers an answering question from another article of the same week instead (its
passage stating the answer with the most key words, and that week's hardest no-answer passage: cloze's pairing), as
a quiz question is answered by other articles in other words; a question no other article answers is left out;
"both" gives both sets of rows. Near misses always keep their own article's passages (another article may answer them).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import realtimeqa as rtqa

from assistant.evaluation.phrases import padded

from .cloze import WeekIndex, pair
from .common import log_to
from .data import key_hits, label_passage, load_year, passage_span, passages, weeks_of

YEAR = 2022  # a year that may train a model and is never reported on; no written question touches another
NEAR_MISS_PASSAGES = 2


def question_of(row: dict, n: int, week: str) -> rtqa.Question:
    return rtqa.Question(id=f"written-{row['doc_id']}-{n}", week=week, date=week, source="written",
                         question=row["question"], choices=[row.get("answer") or ""], answer_index=0, evidence="")


def no_answer_row(sentences: list[str], keys: dict[str, bool]) -> dict:
    pads = [padded(s) for s in sentences]
    return {"sentences": sentences, "labels": [0] * len(sentences), "has_answer": False, "holds_wrong": False,
            "sentence_keys": [key_hits(p, keys) for p in pads], "passage_keys": key_hits(padded(" ".join(sentences)), keys),
            "span": None}


def with_span(row: dict, answer: str) -> dict:
    """The answer's span in the passage text for every kind of answer (build-data gives one to names, numbers and
    dates only), in the first sentence labelled 1."""
    if row["span"] is None:
        row["span"] = passage_span(row["sentences"], row["labels"].index(1), answer)
    return row


def labelled(doc: rtqa.Document, q: rtqa.Question, keys: dict[str, bool], near_miss: bool) -> list[dict]:
    rows = []
    for c, sentences in enumerate(passages(doc)):
        row = no_answer_row(sentences, keys) if near_miss else label_passage(sentences, q, keys)
        if row is not None:
            row.update(doc_id=doc.id, doc_rank=0, chunk=c)
            rows.append(row)
    return sorted(rows, key=lambda r: (-r["passage_keys"], r["chunk"]))


def own_rows(doc: rtqa.Document, q: rtqa.Question, keys: dict[str, bool]) -> list[dict]:
    rows = labelled(doc, q, keys, near_miss=False)
    positive = [with_span(r, q.answer) for r in rows if r["has_answer"]][:1]
    return positive + [r for r in rows if not r["has_answer"]][:1] if positive else []


def other_rows(index: WeekIndex, dataset: rtqa.Dataset, doc: rtqa.Document, q: rtqa.Question) -> list[dict]:
    rows = pair(index, dataset, q, doc.id)
    return [with_span(r, q.answer) if r["has_answer"] else r for r in rows]


def question_rows(dataset: rtqa.Dataset, row: dict, n: int, st: Counter, pairing: str = "own",
                  weeks: dict[str, WeekIndex] | None = None) -> list[dict]:
    """`weeks`: a cache of each week's index of passages (pairing "other" and "both"), filled on first use; pass
    the same dict to every call, as `build` does (without it each call builds its week's index afresh)."""
    doc = dataset.documents.get(row.get("doc_id") or "")
    if doc is None or not doc.weeks or not (row.get("question") or "").strip():
        st["skipped: no such 2022 article or no question"] += 1
        return []
    answer = row.get("answer")
    q = question_of(row, n, doc.weeks[0])
    keys = rtqa.key_words(dataset, q)
    if answer is None:
        chosen = labelled(doc, q, keys, near_miss=True)[:NEAR_MISS_PASSAGES]
        st["near misses"] += bool(chosen)
    elif rtqa.contains(padded(q.question), answer):
        st["skipped: the answer is in the question"] += 1
        return []
    else:
        own = own_rows(doc, q, keys) if pairing in ("own", "both") else []
        other = other_rows(week_index(dataset, q.week, weeks), dataset, doc, q) if pairing != "own" else []
        if pairing != "own":
            st["answered by another article of the week"] += bool(other)
        chosen = own + other
        if not chosen:
            st[f"skipped: no passage states the answer (pairing {pairing})"] += 1
            return []
        st["answering questions"] += 1
    for r in chosen:
        r.update(question_id=q.id, week=q.week, year=YEAR, split="train", source="written", question=q.question,
                 answer=answer or "", wrong=[], answer_kind=rtqa.answer_kind(answer) if answer else "none",
                 question_kind=rtqa.question_kind(q.question), answer_in_candidates=answer is not None,
                 title=dataset.documents[r["doc_id"]].title)  # an "other" row's own article, as cloze's
    return chosen


def week_index(dataset: rtqa.Dataset, week: str, weeks: dict[str, WeekIndex] | None) -> WeekIndex:
    weeks = {} if weeks is None else weeks
    if week not in weeks:
        weeks[week] = WeekIndex(dataset, sorted(d.id for d in dataset.documents.values() if week in d.weeks))
    return weeks[week]


def read_written(path: Path) -> list[dict]:
    if not path.is_file():
        raise SystemExit(f"no written questions at {path}")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows += [json.loads(line)] if line.strip() else []
        except json.JSONDecodeError as e:
            raise SystemExit(f"{path}:{n}: not JSON ({e.msg})") from None
    return rows


def build(repo: Path, files: list[Path], out: Path, pairing: str = "own") -> dict:
    questions = [read_written(path) for path in files]  # every file checked before the year is loaded
    dataset = load_year(repo, YEAR, weeks_of(repo, YEAR))
    st: Counter = Counter()
    written: list[dict] = []
    weeks: dict[str, WeekIndex] = {}
    for rows in questions:
        for n, row in enumerate(rows):
            written += question_rows(dataset, row, n, st, pairing, weeks)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in written), encoding="utf-8")
    st.update({"rows written": len(written), "answering rows": sum(r["has_answer"] for r in written),
               "spans": sum(r["span"] is not None for r in written)})
    log_to().info(f"written: {dict(st)} -> {out}")
    return dict(st)
