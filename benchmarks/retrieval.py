"""Retrieval quality, side by side: the textbook LangChain pipeline against ours at several chunk sizes.

    python benchmarks/retrieval.py [SUITE.yaml ...]      (default: evals/seeds.yaml evals/riverton.yaml)

Textbook: RecursiveCharacterTextSplitter(1000, 200) over the raw files, dense search only, k=5.
Ours: cleaned, sentence-packed chunks, BM25 + dense fused, near-duplicates collapsed, k=5.
Both use the same embedding model. Each answerable case with an `evidence` phrase scores a hit at the
rank of the first passage containing that phrase; "top-5 chars" is how much text the 5 passages hold.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import chromadb
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.config import ChunkingSettings, load_settings
from assistant.engine import Assistant
from assistant.evaluation.suite import Suite, load_suite
from assistant.ingest.files import decode, find_files
from assistant.providers.embeddings import LocalEmbeddings

K = 5
CHUNK_SIZES = (400, 700, 1000)


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def score(suite: Suite, search) -> dict[str, float]:
    ranks, sizes, times = [], [], []
    for case in suite.cases:
        if not case.answerable or not case.evidence:
            continue
        started = time.perf_counter()
        texts = search(case.question)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(sum(len(t) for t in texts))
        phrase = _plain(case.evidence)
        ranks.append(next((rank for rank, t in enumerate(texts, 1) if phrase in _plain(t)), None))
    return {
        "hit@1": sum(r == 1 for r in ranks) / len(ranks),
        "hit@5": sum(r is not None for r in ranks) / len(ranks),
        "MRR": sum(1 / r for r in ranks if r) / len(ranks),
        "top-5 chars": statistics.mean(sizes),
        "ms/query": statistics.median(times),
    }


def textbook(suite: Suite, embeddings: LocalEmbeddings):
    files = find_files([Path(p) for p in suite.corpus]).files
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    documents = [Document(page_content=piece, metadata={"source": f.source})
                 for f in files for piece in splitter.split_text(decode(f.path.read_bytes()))]
    client = chromadb.EphemeralClient(settings=chromadb.Settings(anonymized_telemetry=False))
    store = Chroma(client=client, collection_name=f"textbook-{suite.name}", embedding_function=embeddings)
    store.add_documents(documents)
    return lambda question: [d.page_content for d in store.similarity_search(question, k=K)]


def ours(suite: Suite, chunk_chars: int, folder: Path):
    # The sweep goes through the settings, as a user would set chunking.chunk_chars.
    settings = load_settings().with_overrides(store=folder / f"{suite.name}-{chunk_chars}",
                                              chunking=ChunkingSettings(chunk_chars=chunk_chars))
    engine = Assistant(settings)
    engine.ingest([Path(p) for p in suite.corpus])
    return lambda question: [p.text for p in engine.search(question, K)]


def main(paths: list[str]) -> None:
    embeddings = LocalEmbeddings()
    columns = ("hit@1", "hit@5", "MRR", "top-5 chars", "ms/query")
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            suite = load_suite(Path(path))
            rows = {"textbook (1000/200, dense)": score(suite, textbook(suite, embeddings))}
            for size in CHUNK_SIZES:
                rows[f"ours ({size} chars, hybrid)"] = score(suite, ours(suite, size, Path(folder)))
            base = rows["textbook (1000/200, dense)"]
            cases = sum(1 for c in suite.cases if c.answerable and c.evidence)
            print(f"\n{suite.name}: {cases} cases with an evidence phrase")
            print(f"{'pipeline':30}" + "".join(f"{c:>13}" for c in columns) + f"{'hit@5 / textbook':>18}")
            for name, found in rows.items():
                ratio = found["hit@5"] / base["hit@5"] if base["hit@5"] else float("nan")
                print(f"{name:30}" + "".join(f"{found[c]:>13.3f}" if c not in ("top-5 chars", "ms/query")
                                             else f"{found[c]:>13.0f}" for c in columns) + f"{ratio:>18.2f}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["evals/seeds.yaml", "evals/riverton.yaml"])
