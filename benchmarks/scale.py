"""Ingest and search at scale: a generated corpus of ~50,000 chunks in 1,000 files.

    python benchmarks/scale.py [--chunks 50000] [--files 1000] [--queries 200]

Reports, side by side with their targets:
  ingest throughput (chunks/s) as a ratio to embedding alone (tokenizer + onnxruntime) on this machine,
  re-ingest with nothing changed, search latency p50/p95, and peak memory (RSS).
The corpus is built from the seed documents' sentences with names and numbers varied, so no two chunks
are the same; the random seed is fixed.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.documents import find_files, read_document
from assistant.embeddings import LocalEmbeddings
from assistant.engine import Assistant
from assistant.ingest import CHUNK_CHARS, embedding_text, prepare

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PLACES = ["Oslo", "Lima", "Accra", "Hanoi", "Quito", "Perth", "Turku", "Cork", "Basra", "Tromso", "Lagos", "Davao", "Salta", "Nantes", "Izmir"]


def sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return [s.strip() + "." for s in text.replace("\n", " ").split(". ") if 60 < len(s) < 400]


def write_corpus(folder: Path, files: int, chunks: int) -> None:
    rng = random.Random(7)
    pool = sentences()
    chars_per_file = chunks // files * CHUNK_CHARS
    for number in range(files):
        paragraphs, size = [f"Report {number} from {rng.choice(PLACES)}"], 0
        while size < chars_per_file:
            sentence = rng.choice(pool).replace("Russia", rng.choice(PLACES))
            sentence += f" The figure was {rng.randint(10, 99999)} in {rng.choice(PLACES)}."
            paragraphs.append(sentence)
            size += len(sentence)
        (folder / f"doc{number:05d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")


def chunk_texts(corpus: Path, limit: int) -> list[str]:
    """The exact texts ingest embeds, for the first `limit` chunks."""
    texts: list[str] = []
    files, _ = find_files([corpus])
    for file in files:
        info, spans = prepare(read_document(file))
        texts += [embedding_text(info, chunk) for chunk in spans]
        if len(texts) >= limit:
            return texts[:limit]
    return texts


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def embedding_alone(texts: list[str]) -> float:
    """Chunks per second for tokenizer + onnxruntime + pooling, nothing else."""
    embeddings = LocalEmbeddings()
    embeddings.embed_documents(texts[:64])  # load the model first
    started = time.perf_counter()
    embeddings.embed_documents(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus, store = Path(folder) / "corpus", Path(folder) / "store"
        corpus.mkdir()
        write_corpus(corpus, args.files, args.chunks)
        engine = Assistant(load_settings().with_overrides(store=store))

        started = time.perf_counter()
        report = engine.ingest([corpus])
        ingest_s = time.perf_counter() - started
        ingest_rate = report.chunks_embedded / ingest_s
        rss_after_ingest = peak_rss_mb()

        sample = chunk_texts(corpus, 2000)
        raw_rate = embedding_alone(sample)

        started = time.perf_counter()
        again = engine.ingest([corpus])
        reingest_s = time.perf_counter() - started

        rng = random.Random(11)
        questions = [" ".join(rng.choice(s.split()[:12]) for _ in range(6)) + "?" for s in rng.sample(sentences(), 50)]
        questions = (questions * (args.queries // len(questions) + 1))[: args.queries]
        engine.search(questions[0])  # warm the caches once, as a running session would
        latencies = []
        for question in questions:
            started = time.perf_counter()
            engine.search(question)
            latencies.append((time.perf_counter() - started) * 1000)

    p50, p95 = np.percentile(latencies, [50, 95])
    print(f"corpus: {args.files} files, {report.chunks_embedded} chunks ({engine.embedding.name})")
    print(f"{'measure':42}{'value':>14}{'target':>14}{'ratio/ok':>12}")
    rows = [
        ("ingest throughput (chunks/s)", f"{ingest_rate:.1f}", "", ""),
        ("embedding alone (chunks/s)", f"{raw_rate:.1f}", "", ""),
        ("ingest / embedding alone", f"{ingest_rate / raw_rate:.2f}", ">= 0.80", _ok(ingest_rate / raw_rate >= 0.8)),
        ("full ingest (s)", f"{ingest_s:.0f}", "", ""),
        (f"re-ingest, nothing changed (s, {len(again.unchanged)} files)", f"{reingest_s:.2f}", "< 2.00",
         _ok(reingest_s < 2)),
        (f"search latency p50 (ms, {len(latencies)} queries)", f"{p50:.1f}", "", ""),
        ("search latency p95 (ms)", f"{p95:.1f}", "< 100", _ok(p95 < 100)),
        ("peak RSS after ingest (MB)", f"{rss_after_ingest:.0f}", "", ""),
        ("peak RSS overall (MB)", f"{peak_rss_mb():.0f}", "", ""),
    ]
    for name, value, target, ok in rows:
        print(f"{name:42}{value:>14}{target:>14}{ok:>12}")


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


if __name__ == "__main__":
    main()
