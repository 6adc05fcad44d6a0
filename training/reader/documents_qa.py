"""extra-qa: question-answering rows on documents that are not news, for train --cloze.

The reader was trained on news and Wikipedia (RealTimeQA, SQuAD) and reads a person's own documents badly: on the
development suites' notes, minutes and tables its best-passage probability separates answerable from unanswerable
questions with AUC 0.67, and it adds nothing to the decline that the word scorer does not already give
(docs/MEASUREMENTS.md, session 26). These rows bring two kinds of text closer to those documents, both from public
repositories with a permissive licence, both read from a fetched snapshot at a pinned commit (never committed here):

- TAT-QA (github NExTplusplus/TAT-QA, CC BY 4.0): tables of company reports with the paragraphs around them. A
  table becomes one line per row, its cells joined by " | " (as a Markdown table reads once its rules are dropped);
  only answers of type "span" (one phrase, no arithmetic) found exactly once in the context are kept, so the label
  cannot point at the wrong cell.
- PolicyQA (github wasiahmad/PolicyQA, MIT): questions on segments of website privacy policies, SQuAD format.

Each context is cut and labelled as SQuAD's are (training/reader/squad.py: the product's chunker, the answer located
by its offsets, per question at most squad.SQUAD_POS answerable and squad.SQUAD_NEG no-answer chunks of its own
context). Near misses are added from the same document: per PolicyQA question, one chunk of another segment of
the same policy that does not hold the answer's words, labelled "no answer" (the record exists; what is asked is
not in this part of it). A TAT-QA report excerpt is its own document, so its near misses are only the other chunks
of the excerpt. Seeded; at most `limit` questions per source.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import realtimeqa as rtqa

from assistant.evaluation.phrases import padded

from .common import SEED, Timer, log_to, write_json
from .features import passage_text
from .squad import Item, Passage, cut, key_words, label_passage, parse_item, question_rows, stem_counts

MIRROR = Path("/work/.mirror")
SOURCES = {
    "tatqa": {"repo": "NExTplusplus+TAT-QA", "commit": "870accc4",
              "files": ["dataset_raw/tatqa_dataset_dev.json", "dataset_raw/tatqa_dataset_test_gold.json"],
              "licence": "CC BY 4.0 (TAT-QA, Zhu et al. 2021, github NExTplusplus/TAT-QA)"},
    "policyqa": {"repo": "wasiahmad+PolicyQA", "commit": "775538bc",
                 "files": ["data/dev.json", "data/test.json"],
                 "licence": "MIT (PolicyQA, Ahmad et al. 2020, github wasiahmad/PolicyQA)"},
}


def _show(source: str, path: str) -> bytes:
    spec = SOURCES[source]
    gitdir = MIRROR / spec["repo"] / "repo"
    if not gitdir.is_dir():
        raise SystemExit(f"no snapshot at {gitdir}: fetch github:{spec['repo'].replace('+', '/')} first")
    return subprocess.run(["git", "-C", str(gitdir), "show", f"{spec['commit']}:{path}"], capture_output=True,
                          check=True).stdout


def _cell(text: str) -> str:
    return re.sub(r"\$ +(?=\d)", "$", " ".join(str(text).split()))


def table_lines(table: list[list[str]]) -> list[str]:
    """A table as text: one line per row that holds something, its non-empty cells joined by " | "."""
    rows = [[_cell(c) for c in row] for row in table]
    return [" | ".join(c for c in row if c) for row in rows if any(row)]


def tatqa_items(raw: bytes, file: str, stats: Counter) -> list[Item]:
    items = []
    for n, block in enumerate(json.loads(raw)):
        lines = table_lines(block["table"]["table"])
        lines += [" ".join(p["text"].split()) for p in sorted(block["paragraphs"], key=lambda p: p["order"])]
        context = "\n".join(lines)
        title = f"{file}#{n}"
        for q in block["questions"]:
            stats["tatqa questions"] += 1
            answer = q["answer"][0] if isinstance(q["answer"], list) and len(q["answer"]) == 1 else None
            if q["answer_type"] != "span" or not isinstance(answer, str) or not answer.strip():
                stats["tatqa left out: not one span (arithmetic, counts, several spans)"] += 1
                continue
            answer = _cell(answer)
            if context.count(answer) != 1:
                stats["tatqa left out: the answer is not found exactly once"] += 1
                continue
            items.append(Item(q["uid"], q["question"].strip(), [(answer, context.index(answer))], context, title,
                              file))
    return items


def policyqa_items(raw: bytes, file: str, stats: Counter) -> list[Item]:
    items = []
    for article in json.loads(raw)["data"]:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                stats["policyqa questions"] += 1
                item = parse_item(qa, para["context"], article["title"], file, stats)
                if not item.answers:
                    stats["policyqa left out: no answer found in its segment"] += 1
                    continue
                items.append(item)
    return items


READERS = {"tatqa": tatqa_items, "policyqa": policyqa_items}


def near_miss(item: Item, others: list[Passage], keys: dict[str, bool], rng: random.Random) -> dict | None:
    """One chunk of another context of the same document that holds none of the answer's words: "no answer"."""
    fitting = [p for p in others
               if not any(rtqa.states(s, text) or rtqa.contains(padded(s), text) for s in p.sentences
                          for text, _ in item.answers)]
    if not fitting:
        return None
    p = rng.choice(fitting)
    row = label_passage(p, replace(item, answers=[]), keys, Counter())  # no answer here: every sentence 0
    assert row is not None
    text = passage_text(p.sentences)[0]
    return {**row, "doc_id": "extra:" + hashlib.sha1(text.encode()).hexdigest()[:16], "doc_rank": 0, "chunk": 0}


def build(out: Path, limit: int | None = None, seed: int = SEED) -> dict:
    """OUT (train.jsonl format) and OUT.summary.json: the rows of every source, near misses included."""
    log = log_to(out.with_suffix(".log"))
    timer = Timer()
    rng = random.Random(seed)
    summary: dict = {"sources": {}, "seed": seed, "limit_per_source": limit}
    with out.open("w", encoding="utf-8") as f:
        for name, spec in SOURCES.items():
            stats: Counter = Counter()
            items, files = [], []
            for path in spec["files"]:
                raw = _show(name, path)
                files.append({"path": path, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()})
                items += READERS[name](raw, path, stats)
            rng.shuffle(items)
            items = items[:limit] if limit else items
            contexts = {i.context for i in items}
            freq = stem_counts(contexts)
            cuts = {c: cut(c) for c in contexts}
            by_title = defaultdict(set)
            for i in items:
                by_title[i.title].add(i.context)
            for item in items:
                keys = key_words(item.question, freq, len(contexts))
                rows = question_rows(item, cuts[item.context], keys, stats)
                if not rows:
                    continue
                others = [p for c in sorted(by_title[item.title] - {item.context}) for p in cuts[c]]
                if (extra := near_miss(item, others, keys, rng)) is not None:
                    rows.append({**rows[0], **extra})
                    stats["near misses (another part of the same document)"] += 1
                for r in rows:
                    r.update(source=name, licence=spec["licence"])
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
                    stats["passages"] += 1
                    stats["answerable passages"] += r["has_answer"]
                stats["questions written"] += 1
            summary["sources"][name] = {"repo": spec["repo"].replace("+", "/"), "commit": spec["commit"],
                                        "licence": spec["licence"], "files": files, "counts": dict(stats)}
            log.info(f"{name}: " + json.dumps(dict(stats)))
    summary["seconds"] = round(timer())
    write_json(out.with_suffix(".summary.json"), summary)
    return summary
