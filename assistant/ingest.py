"""Bring files into the store: read, clean, chunk, embed what changed, remove what is gone."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from assistant.chunking import chunk_spans
from assistant.cleaning import content_mask, describe
from assistant.documents import TextDocument, UnreadableFile, find_files, read_document
from assistant.models import Chunk, DocumentInfo, IngestReport, Problem, Span
from assistant.store import Store

CHUNK_CHARS = 700
EMBED_BATCH_DOCS = 64  # documents embedded together: fewer, fuller ONNX batches

Progress = Callable[[int, int], None]  # (chunks done, chunks total)


def ingest(store: Store, embed: Callable[[list[str]], list[list[float]]], paths: list[Path],
           progress: Progress | None = None) -> IngestReport:
    """Make the store match the files under `paths`; the store's lock must be held by the caller."""
    started = time.perf_counter()
    report = IngestReport()
    files, problems = find_files(paths)
    report.problems.extend(problems)
    report.removed = _remove_missing(store)
    pending: list[tuple[TextDocument, DocumentInfo, list[list[Span]]]] = []
    for file in files:
        try:
            document = read_document(file)
        except UnreadableFile as reason:
            report.problems.append(Problem(path=file.source, reason=str(reason)))
            continue
        if store.is_current(str(file.path), document.content_hash):
            report.unchanged.append(file.source)
            continue
        info, spans = prepare(document)
        if not spans:
            report.problems.append(Problem(path=file.source, reason="no article text found after cleaning"))
            continue
        pending.append((document, info, spans))
        (report.updated if store.has_document(str(file.path)) else report.added).append(file.source)

    total = sum(len(spans) for _, _, spans in pending)
    done = 0
    for begin in range(0, len(pending), EMBED_BATCH_DOCS):
        batch = pending[begin:begin + EMBED_BATCH_DOCS]
        texts = [embedding_text(info, chunk) for _, info, spans in batch for chunk in spans]
        vectors = iter(embed(texts))
        for document, info, spans in batch:
            chunks = make_chunks(document, spans)
            store.replace_document(str(document.file.path), info, chunks, [_span_table(c) for c in spans],
                                   [next(vectors) for _ in chunks])
            done += len(chunks)
            if progress:
                progress(done, total)
    report.chunks_embedded = done
    store.set_meta("last_ingest", str(time.time()))
    report.seconds = time.perf_counter() - started
    return report


def prepare(document: TextDocument) -> tuple[DocumentInfo, list[list[Span]]]:
    lines = document.lines
    keep = content_mask(lines)
    meta = describe(lines, keep)
    info = DocumentInfo(source=document.file.source, content_hash=document.content_hash,
                        title=meta.title, date=meta.date, outlet=meta.outlet)
    return info, chunk_spans(lines, keep, CHUNK_CHARS)


def embedding_text(info: DocumentInfo, sentences: list[Span]) -> str:
    # The title gives a chunk the context its sentences leave implicit ("the two ministers").
    body = " ".join(s.text for s in sentences)
    return f"{info.title}\n{body}" if info.title else body


def make_chunks(document: TextDocument, spans: list[list[Span]]) -> list[Chunk]:
    key = hashlib.sha1(str(document.file.path).encode()).hexdigest()[:16]
    return [
        Chunk(id=f"{key}-{document.content_hash[:12]}-{i:05d}", source=document.file.source, index=i,
              text=" ".join(s.text for s in sentences), start_line=sentences[0].start_line,
              end_line=sentences[-1].end_line)
        for i, sentences in enumerate(spans)
    ]


def _span_table(sentences: list[Span]) -> list[list[int]]:
    """Where each sentence sits in the chunk text, and its lines: evidence is cut from this."""
    table, offset = [], 0
    for sentence in sentences:
        table.append([offset, offset + len(sentence.text), sentence.start_line, sentence.end_line])
        offset += len(sentence.text) + 1
    return table


def _remove_missing(store: Store) -> list[str]:
    removed = []
    for document in store.documents():
        if not Path(document.path).is_file():
            store.remove_document(document.path)
            removed.append(document.source)
    return removed
