"""Does a fine-tuned embedder find the answer's article better? Dense retrieval alone, on development questions.

    python benchmarks/dense_retrieval.py --model RUN/export/embedder-int8.onnx [--out /work/cache/news-2023-dev20] [--hybrid]

Every chunk of OUT's store (a benchmarks/news.py build of the reader's dev weeks) is embedded with MODEL as ingest
embeds it (title, newline, text; mean-pooled, normalised), and each answerable question, without a date, ranks the
chunks by cosine. Reported beside the shipped embedder's vectors (read from the store), paired over the same
questions: an article holding the answer first (by its best chunk), among the first 5 articles, and the mean
reciprocal rank of the first such article. Dense retrieval alone: the product fuses it with BM25 and orders the
candidates with the passage scorer, whose weights were fit on the shipped embedder's similarities.
With --hybrid, also the product's whole search (BM25 and dense fused, the passage scorer as shipped, not refit):
on a copy of the store holding MODEL's vectors (OUT/store-SHA), the question embedded by MODEL too.
Development data only: a held-out build is refused. The vectors are cached next to the store (OUT/dense-SHA.npy).
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.ingest.pipeline import text_to_embed
from benchmarks import scoring
from benchmarks.heldout import require_development
from benchmarks.news import doc_id, questions

ARTICLES = 5


def chunk_rows(out: Path) -> list[tuple[str, str, str]]:
    """(chunk id, document id, the text ingest embeds) of every chunk, in store order."""
    db = sqlite3.connect(out / "store" / "index.sqlite")
    rows = db.execute("SELECT id, path, title, section, text FROM chunks ORDER BY rowid").fetchall()
    db.close()
    return [(i, doc_id(path), text_to_embed(title, section, text)) for i, path, title, section, text in rows]


def stored_vectors(out: Path, ids: list[str]) -> np.ndarray:
    from assistant.store.index import Store

    store = Store(out / "store")
    found: dict[str, list[float]] = {}
    for start in range(0, len(ids), 2000):
        found.update(store.vectors_for(ids[start:start + 2000]))
    store.close()
    return np.array([found[i] for i in ids], dtype=np.float32)


def embedder(model: Path | None):
    """The product's embedder, on another ONNX file when given."""
    from assistant.providers.embeddings import LocalEmbeddings, cpu_session

    embeddings = LocalEmbeddings(threads=2)
    if model is not None:
        embeddings.__dict__["_session"] = cpu_session(model, 2)  # the cached_property, filled with the other model
    return embeddings


def model_vectors(out: Path, model: Path, texts: list[str]) -> np.ndarray:
    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    cache = out / f"dense-{digest}.npy"
    if cache.exists():
        return np.load(cache)
    vectors = embedder(model).embed(texts)
    np.save(cache, vectors)
    return vectors


def ranks(question_vectors: np.ndarray, chunk_vectors: np.ndarray, docs: list[str], gold: list[set[str]]) -> list[int]:
    """Per question, the rank (0-based) of the first article holding the answer, articles ranked by their best chunk
    (a large number when none is in the first 100 articles)."""
    found = []
    for vector, wanted in zip(question_vectors, gold):
        seen: list[str] = []
        for j in np.argsort(-(chunk_vectors @ vector)):
            if docs[j] not in seen:
                seen.append(docs[j])
                if docs[j] in wanted or len(seen) == 100:
                    break
        found.append(seen.index(seen[-1]) if seen[-1] in wanted else 10**6)
    return found


def figures(found: list[int]) -> dict[str, list[float]]:
    return {"first": [float(r == 0) for r in found], "top5": [float(r < ARTICLES) for r in found],
            "mrr": [1.0 / (r + 1) for r in found]}


def searched_first(out: Path, store: Path, model: Path | None) -> dict[str, list[float]]:
    """The product's search, undated, per answerable question: a gold article first, one in the first 5 articles;
    and a gold article first when the passage scorer is fit again, out of fold by week, on these candidates'
    features (what refitting weights.json for this embedder could give)."""
    import assistant.providers.embeddings as embeddings
    from assistant.config import load_settings
    from assistant.engine import Assistant
    from assistant.filters import Filters
    from assistant.query.question import analyse
    from benchmarks.fit_reader import out_of_fold

    shipped_file = embeddings.model_file
    if model is not None:
        embeddings.model_file = lambda: model
    try:
        engine = Assistant(load_settings({"store": store}))
        found: dict[str, list[float]] = {"first": [], "top5": []}
        rows, labels, weeks, sizes = [], [], [], []
        for row in questions(out, None):
            if row["role"] != "answerable":
                continue
            docs = list(dict.fromkeys(doc_id(p.source) for p in engine.search(row["question"], 20)))
            found["first"].append(float(docs[0] in row["gold_docs"]))
            found["top5"].append(float(bool(set(docs[:ARTICLES]) & set(row["gold_docs"]))))
            searcher = engine.searcher
            candidates = searcher.candidates(row["question"], Filters(), analyse(row["question"], searcher.frequencies))
            rows += [features.values() for _, features, _ in candidates]
            labels += [float(doc_id(chunk.source) in row["gold_docs"]) for chunk, _, _ in candidates]
            weeks += [row["week"]] * len(candidates)
            sizes.append(len(candidates))
        engine.close()
        p, y, at = out_of_fold(np.array(rows), np.array(labels), weeks), np.array(labels), 0
        found["refit"] = []
        for size in sizes:
            found["refit"].append(float(y[at + int(np.argmax(p[at:at + size]))]) if size else 0.0)
            at += size
        return found
    finally:
        embeddings.model_file = shipped_file


def store_with(out: Path, model: Path, vectors: np.ndarray, ids: list[str]) -> Path:
    """A copy of OUT's store whose vectors are MODEL's (made once)."""
    import shutil

    from assistant.store.index import Store

    copy = out / f"store-{hashlib.sha256(model.read_bytes()).hexdigest()[:16]}"
    if not copy.exists():
        shutil.copytree(out / "store", copy.with_suffix(".partial"))
        store = Store(copy.with_suffix(".partial"))
        for start in range(0, len(ids), 1000):
            store.collection.update(ids=ids[start:start + 1000], embeddings=vectors[start:start + 1000].tolist())
        store.close()
        copy.with_suffix(".partial").rename(copy)
    return copy


def compare(label: str, shipped: list[float], tuned: list[float], name: str) -> str:
    a, b, d = scoring.bootstrap(shipped), scoring.bootstrap(tuned), scoring.paired(tuned, shipped)
    return (f"{label:28} shipped {a[0]:.3f} ({a[1]:.2f}-{a[2]:.2f})  {name} {b[0]:.3f} ({b[1]:.2f}-{b[2]:.2f})  "
            f"difference {d[0]:+.3f} ({d[1]:+.2f} to {d[2]:+.2f}, paired)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="an ONNX embedder (training.retriever export)")
    parser.add_argument("--out", type=Path, default=Path("/work/cache/news-2023-dev20"))
    parser.add_argument("--hybrid", action="store_true", help="also the product's whole search on a store copy")
    args = parser.parse_args(argv)
    require_development(args.out)
    rows = chunk_rows(args.out)
    asked = [q for q in questions(args.out, None) if q["role"] == "answerable"]
    docs, gold = [d for _, d, _ in rows], [set(q["gold_docs"]) for q in asked]
    texts, ids = [q["question"] for q in asked], [i for i, _, _ in rows]
    vectors = model_vectors(args.out, args.model, [t for _, _, t in rows])
    shipped = figures(ranks(embedder(None).embed(texts), stored_vectors(args.out, ids), docs, gold))
    tuned = figures(ranks(embedder(args.model).embed(texts), vectors, docs, gold))
    print(f"{len(asked)} answerable questions, {len(rows)} chunks, dense retrieval alone, no date")
    for key, label in (("first", "an answer's article first"), ("top5", f"... in the first {ARTICLES} articles"),
                       ("mrr", "mean reciprocal rank")):
        print(compare(label, shipped[key], tuned[key], args.model.name))
    if args.hybrid:
        before = searched_first(args.out, args.out / "store", None)
        after = searched_first(args.out, store_with(args.out, args.model, vectors, ids), args.model)
        print("the product's search (BM25 + dense, the shipped passage scorer), no date")
        print(compare("an answer's article first", before["first"], after["first"], args.model.name))
        print(compare(f"... in the first {ARTICLES} articles", before["top5"], after["top5"], args.model.name))
        print(compare("first, scorer fit again (oof)", before["refit"], after["refit"], args.model.name))


if __name__ == "__main__":
    main()
