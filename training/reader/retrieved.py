"""retrieve: the passages the product itself puts in front of the reader, for the 2023 training questions.

The reader was first trained on passages of each question's own search hits, ranked by question key words. In the
product it reads the top passages of hybrid search over every ingested document, asked without a date: other
weeks' articles on the same people and places, and, for questions the index cannot answer, nothing that answers.
This asks each training-week question of a benchmarks/news.py build (its store) exactly so, and writes what came
back; build-data --retrieved labels those passages like the others and adds them to train.jsonl. Each passage's
sentences are the ones the product's reader sees (assistant/evidence/reading.readable: text planted for an AI set
aside); the first retrieved file (reader 5's, 2026-12-05) was written before this and kept planted text.

Runs in the product's environment (it needs chromadb), not the training one. Dev weeks are never asked, and a
document that holds the answer to any dev question is never written, so no dev answer is trained on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .common import DEV_SLOTS, DEV_YEAR, Timer, is_dev_week, log_to, write_json

TOP_K = 5  # what the product reads (Settings.retrieval.top_k)


def retrieve(build: Path, out: Path, dev_slots: tuple[int, ...] = DEV_SLOTS, k: int = TOP_K) -> dict:
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.evidence.reading import readable

    if not (build / "questions.jsonl").is_file() or not (build / "corpus").is_dir():
        raise SystemExit(f"{build} is not a benchmarks/news.py build (no questions.jsonl and corpus/ in it)")
    log = log_to()
    questions = [json.loads(line) for line in (build / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    weeks = sorted({q["week"] for q in questions})
    if {w[:4] for w in weeks} != {str(DEV_YEAR)}:
        raise SystemExit(f"{build} is not a {DEV_YEAR} build: retrieve reads development questions only")
    dev = [q for q in questions if is_dev_week(q["week"], weeks, dev_slots)]
    train = [q for q in questions if not is_dev_week(q["week"], weeks, dev_slots)]
    barred = {doc for q in dev for doc in q.get("gold_docs", []) + q.get("withheld_docs", [])}
    engine = Assistant(load_settings({"store": build / "store"}))
    timer = Timer()
    engine.ingest([build / "corpus"])  # as benchmarks/news.py does: documents cut by the current pipeline
    log.info(f"retrieve: {build} ingested ({timer():.0f}s), asking {len(train)} questions")
    written = skipped = 0
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for done, q in enumerate(train, start=1):
            passages = []
            for rank, p in enumerate(engine.search(q["question"], k)):
                doc = Path(p.source).stem
                if doc in barred:
                    skipped += 1
                    continue
                passages.append({"doc_id": doc, "chunk_id": p.chunk_id, "rank": rank, "title": p.title or "",
                                 "sentences": [text for text, _ in readable(p)]})  # as the product reads it
            f.write(json.dumps({"question_id": q["id"], "week": q["week"], "passages": passages},
                               ensure_ascii=False) + "\n")
            written += len(passages)
            if done % 200 == 0:
                log.info(f"retrieve: {done}/{len(train)} questions ({timer():.0f}s)")
    tmp.replace(out)
    engine.close()
    summary = {"build": str(build), "dev_slots": list(dev_slots), "k": k, "questions": len(train),
               "dev_questions_not_asked": len(dev), "passages": written,
               "passages_left_out_holding_a_dev_answer": skipped, "seconds": round(timer())}
    write_json(out.with_suffix(".summary.json"), summary)
    log.info(json.dumps(summary))
    return summary


@dataclass(frozen=True)
class Retrieved:
    passages: dict[str, list[dict]]  # question id -> its retrieved passages, best first
    summary: dict  # what retrieve wrote beside them


def load(path: Path, dev_slots: tuple[int, ...]) -> Retrieved:
    """What retrieve wrote; refused when it was retrieved for another dev split (a question dev here could have
    been asked)."""
    about = path.with_suffix(".summary.json")
    if not path.is_file() or not about.is_file():
        raise SystemExit(f"{path} (and {about.name} beside it) not found: write them with `python -m training.reader "
                         f"retrieve`")
    summary = json.loads(about.read_text(encoding="utf-8"))
    if tuple(summary["dev_slots"]) != tuple(dev_slots):
        raise SystemExit(f"{path} was retrieved with dev slots {summary['dev_slots']}, not {list(dev_slots)}: "
                         f"run retrieve --dev-slots {' '.join(map(str, dev_slots))}")
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return Retrieved({row["question_id"]: row["passages"] for row in rows}, summary | {"file": str(path)})
