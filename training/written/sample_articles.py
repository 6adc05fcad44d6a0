"""The 2022 articles the written questions are about: one seeded order of RealTimeQA 2022 hits with 1,500 to 9,000
characters of content (the product's cleaner), none also a 2023 hit, cut into folders of 40 for annotators.

    PYTHONPATH=.:benchmarks python training/written/sample_articles.py FIRST LAST OUT   # folders FIRST..LAST-1
"""

import json
import random
import sys
from pathlib import Path

from assistant.ingest.cleaning import content_mask
from training.reader.data import load_year, weeks_of

REPO = Path("/work/.mirror/realtimeqa+realtimeqa_public/repo")
SEED, BATCH, MIN_CHARS, MAX_CHARS = 33, 40, 1500, 9000


def content(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(line for line, keep in zip(lines, content_mask(lines)) if keep and line.strip())


def ordered() -> list[tuple]:
    year = load_year(REPO, 2022, weeks_of(REPO, 2022))
    later = set(load_year(REPO, 2023, weeks_of(REPO, 2023)).documents)
    docs = [(doc, body) for doc in year.documents.values() if doc.id not in later and doc.weeks
            for body in [content(doc.text)] if MIN_CHARS <= len(body) <= MAX_CHARS]
    docs.sort(key=lambda pair: pair[0].id)
    random.Random(SEED).shuffle(docs)
    return docs


def main(first: int, last: int, out: Path) -> None:
    docs = ordered()
    for b in range(first, last):
        folder = out / f"batch{b}"
        folder.mkdir(parents=True, exist_ok=True)
        for doc, body in docs[b * BATCH:(b + 1) * BATCH]:
            (folder / f"{doc.id}.txt").write_text(f"doc_id: {doc.id}\nweek: {doc.weeks[0]}\ntitle: {doc.title}\n"
                                                  f"published: {doc.publish_date}\n\n{body}\n", encoding="utf-8")
    (out / f"sampled-{last}.json").write_text(json.dumps([doc.id for doc, _ in docs[:BATCH * last]]))


if __name__ == "__main__":
    if len(sys.argv) != 4 or not all(a.isdigit() for a in sys.argv[1:3]) or int(sys.argv[1]) >= int(sys.argv[2]):
        raise SystemExit("usage: sample_articles.py FIRST LAST OUT (folder numbers, FIRST < LAST)")
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
