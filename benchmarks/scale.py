"""Ingest and search at scale on real news: the RealTimeQA search-hit articles (2023 and 2024), read at run time
from a clone of github.com/realtimeqa/realtimeqa_public (never committed).

    python benchmarks/scale.py --repo PATH [--steps 50000 200000] [--queries 300] [--work benchmarks/out/scale]

The articles are written as text files and ingested in order until the index holds each step's number of chunks
(or the articles run out). At each step: search latency p50/p95 over distinct real questions (the RealTimeQA quiz
questions, each asked once, in one process), and the ingest rate beside the embedding model alone on the same texts
(the time spent inside the embedder during that ingest, so every text is counted, not a sample). Also re-ingest with
nothing changed, and peak memory. Run it alone: it uses both cores for over an hour at 200k chunks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import time
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.providers.factory import EmbeddingModel, Models, embedding_model

YEARS = ("2023", "2024")


def git_lines(repo: Path, path: str) -> list[str]:
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def week_files(repo: Path, suffix: str) -> list[str]:
    listed = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD",
                             *[f"past/{year}" for year in YEARS]], capture_output=True, text=True, check=True)
    return sorted(name for name in listed.stdout.split() if name.endswith(suffix))


def articles(repo: Path):
    """(url, title, date, text) of each distinct search hit, week by week."""
    seen: set[str] = set()
    for name in week_files(repo, "_gcs.jsonl"):
        for line in git_lines(repo, name):
            for hit in json.loads(line).get("search_result") or []:
                url, text = hit.get("url"), (hit.get("text") or "").strip()
                if url and text and url not in seen:
                    seen.add(url)
                    yield url, hit.get("title") or "", (hit.get("publish_date") or "")[:10], text


def questions(repo: Path, count: int) -> list[str]:
    distinct = dict.fromkeys(json.loads(line)["question_sentence"] for name in week_files(repo, "_qa.jsonl")
                             for line in git_lines(repo, name))
    return list(distinct)[:count]


def write_article(folder: Path, url: str, title: str, date: str, text: str) -> None:
    name = hashlib.sha1(url.encode()).hexdigest()[:16]
    head = f"{title}\nDate: {date}\n\n" if date else f"{title}\n\n"
    (folder / f"{name}.txt").write_text(head + text + "\n", encoding="utf-8")


class TimedEmbeddings(Embeddings):
    """The real embedding model, with the time spent embedding documents counted."""

    def __init__(self, inner: Embeddings):
        self.inner, self.seconds, self.texts = inner, 0.0, 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latency(engine: Assistant, asked: list[str]) -> tuple[float, float]:
    engine.search("warm up the caches once, as a running session would")
    times = []
    for question in asked:
        started = time.perf_counter()
        engine.search(question)
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return float(p50), float(p95)


def search_only(store: Path, asked: list[str]) -> None:
    engine = Assistant(load_settings({"store": store}))
    p50, p95 = latency(engine, asked)
    print(f"{engine.store.chunk_count()} chunks, {len(engine.store.documents())} documents; {len(asked)} distinct "
          f"RealTimeQA questions, one process: search p50 {p50:.1f} ms, p95 {p95:.1f} ms (targets: p95 <= 50 ms at "
          f"50k chunks, <= 100 ms at 200k); peak RSS {peak_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--steps", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--batch-files", type=int, default=400, help="articles written and ingested at a time")
    parser.add_argument("--work", type=Path, default=Path("benchmarks/out/scale"))
    parser.add_argument("--existing", type=Path, help="only search latency on this already built store (e.g. the "
                        "news benchmark's benchmarks/out/news-2023/store)")
    args = parser.parse_args()
    if args.existing:
        search_only(args.existing, questions(args.repo, args.queries))
        return
    corpus, store = args.work / "corpus", args.work / "store"
    corpus.mkdir(parents=True, exist_ok=True)
    settings = load_settings({"store": store})
    real = embedding_model(settings)
    timed = TimedEmbeddings(real.embeddings)
    engine = Assistant(settings, Models(embeddings=lambda _: EmbeddingModel(timed, real.name, real.dimension)))
    asked = questions(args.repo, args.queries)
    source, rows, ingest_seconds, chunks = articles(args.repo), [], 0.0, 0
    for step in sorted(args.steps):
        while chunks < step:
            batch = [next(source, None) for _ in range(args.batch_files)]
            for item in filter(None, batch):
                write_article(corpus, *item)
            started = time.perf_counter()
            engine.ingest([corpus])
            ingest_seconds += time.perf_counter() - started
            chunks = engine.store.chunk_count()
            if None in batch:
                break
        p50, p95 = latency(engine, asked)
        rows.append((step, chunks, len(engine.store.documents()), p50, p95, timed.texts / ingest_seconds,
                     timed.texts / timed.seconds))
        print(f"step {step}: {chunks} chunks, p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    started = time.perf_counter()
    again = engine.ingest([corpus])
    reingest = time.perf_counter() - started
    print(f"\n{len(asked)} distinct RealTimeQA questions (2023-2024) per step; one process, 2 cores, nothing else running")
    print(f"{'chunks':>9}{'documents':>11}{'p50 ms':>9}{'p95 ms':>9}{'target':>9}{'ingest/s':>10}{'embed/s':>9}"
          f"{'ratio':>7}")
    for step, chunks, documents, p50, p95, ingest_rate, embed_rate in rows:
        target = 50 if step <= 50_000 else 100
        print(f"{chunks:>9}{documents:>11}{p50:>9.1f}{p95:>9.1f}{f'<= {target}':>9}{ingest_rate:>10.1f}"
              f"{embed_rate:>9.1f}{ingest_rate / embed_rate:>7.2f}  {'ok' if p95 <= target else 'MISSED'}")
    print(f"re-ingest, nothing changed ({len(again.unchanged)} files): {reingest:.1f} s; peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
