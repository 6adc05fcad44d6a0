"""Bring files into the store: read, clean, chunk, embed what changed, remove what is gone. Files are read one at a
time and committed in batches, so memory stays flat and an interrupt keeps every batch already done."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import ChunkingSettings, ExtractionSettings, IngestSettings
from assistant.errors import UnreadableFile
from assistant.ingest import chunking, cleaning, extract
from assistant.ingest.extract import Extracted, Page
from assistant.ingest.files import RawFile, SourceFile, find_files, read_bytes
from assistant.store.index import Store
from assistant.types import Chunk, DocumentInfo, EmbedTexts, IngestReport, Problem, SentenceSpan, Span

Progress = Callable[[int, int], None]  # (files done, files in all)


def pipeline_id(settings: ChunkingSettings, extraction: ExtractionSettings = ExtractionSettings()) -> str:
    """Everything that shapes a document's chunks; a stored document chunked otherwise is chunked again.
    Extraction settings are named only when changed, so the default ones keep the id stores already hold."""
    changed = "".join(f",{name}={value}" for name, value in extraction.model_dump(exclude_defaults=True).items())
    return (f"chunk={settings.chunk_chars},overlap={settings.overlap_sentences},"
            f"sentence={settings.max_sentence_chars},cleaning={cleaning.VERSION},chunking={chunking.VERSION},"
            f"extract={extract.VERSION}{changed}")


@dataclass(frozen=True)
class Prepared:
    raw: RawFile
    info: DocumentInfo
    spans: list[list[Span]]  # sentences, grouped into chunks


@dataclass(frozen=True)
class Pipeline:
    chunking: ChunkingSettings
    ingest: IngestSettings
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)

    @property
    def id(self) -> str:
        return pipeline_id(self.chunking, self.extraction)


def ingest(store: Store, embed: EmbedTexts, paths: list[Path], pipeline: Pipeline,
           follow_links: bool = False, progress: Progress | None = None, exact: bool = False,
           vectors_from: Store | None = None) -> IngestReport:
    """Make the store match the files under `paths`; the store's lock must be held by the caller. Documents whose
    files are gone are removed; with `exact`, so are those not under `paths` (the store holds `paths` alone).
    Vectors already computed are taken from `vectors_from` (the index being rebuilt, by the same embedding model)
    or else from the store itself."""
    started = time.perf_counter()
    found = find_files(paths, frozenset(extract.SUFFIXES), follow_links)
    report = IngestReport(problems=found.problems, notes=found.notes)
    report.removed = _remove(store, {str(file.path) for file in found.files} if exact else None)
    batch: list[Prepared] = []
    for done, file in enumerate(found.files, start=1):
        if prepared := _prepare_file(store, file, pipeline, report):
            batch.append(prepared)
        if sum(len(p.spans) for p in batch) >= pipeline.ingest.batch_chunks or done == len(found.files):
            report.chunks_embedded += _write(store, embed, batch, vectors_from or store)
            batch = []
        if progress:
            progress(done, len(found.files))
    store.set_meta("last_ingest", str(time.time()))
    report.seconds = time.perf_counter() - started
    return report


def _prepare_file(store: Store, file: SourceFile, pipeline: Pipeline, report: IngestReport) -> Prepared | None:
    try:
        raw = read_bytes(file, int(pipeline.ingest.max_file_mb * 1_000_000))
        if store.is_current(str(file.path), raw.content_hash, pipeline.id):
            report.unchanged.append(file.source)
            return None
        info, spans = prepare(raw, pipeline)
    except UnreadableFile as reason:
        report.problems.append(Problem(path=file.source, reason=str(reason)))
        return None
    if not spans:
        report.problems.append(Problem(path=file.source, reason="no article text found after cleaning"))
        return None
    (report.updated if store.has_document(str(file.path)) else report.added).append(file.source)
    return Prepared(raw, info, spans)


def prepare(raw: RawFile, pipeline: Pipeline) -> tuple[DocumentInfo, list[list[Span]]]:
    """A file's metadata and its sentences grouped into chunks, page by page (a chunk never spans two pages)."""
    extracted = extract.extract(raw.file.path, raw.data, pipeline.extraction)
    masks = [_keep(page) for page in extracted.pages]
    spans = [chunk for page, keep in zip(extracted.pages, masks) for chunk in chunking.chunk_spans(
        page.lines, keep, pipeline.chunking.chunk_chars, pipeline.chunking.overlap_sentences,
        pipeline.chunking.max_sentence_chars, page=page.number, headings=page.headings)]
    return describe(raw, extracted, masks, pipeline), spans


def _keep(page: Page) -> list[bool]:
    """The lines that are text: the extractor's say (PDF headers, web boilerplate), else the web-debris cleaner."""
    return page.keep if page.keep is not None else cleaning.content_mask(page.lines)


def describe(raw: RawFile, extracted: Extracted, masks: list[list[bool]], pipeline: Pipeline) -> DocumentInfo:
    """Title, date and author from the file's own metadata where it has them, else read from its first page."""
    head = cleaning.describe(extracted.pages[0].lines, masks[0]) if extracted.pages else None
    return DocumentInfo(source=raw.file.source, content_hash=raw.content_hash, format=extracted.format,
                        title=extracted.title or (head.title if head else None),
                        date=extracted.date or (head.date if head else None), author=extracted.author,
                        outlet=head.outlet if head else None, pipeline=pipeline.id)


def _write(store: Store, embed: EmbedTexts, batch: list[Prepared], vectors_from: Store) -> int:
    """Embed a batch of documents together (fuller ONNX batches), then write them one by one. A chunk whose text
    to embed `vectors_from` already holds for that document keeps its vector. Returns the chunks embedded."""
    if not batch:
        return 0
    texts = [[embedding_text(p.info, chunk) for chunk in p.spans] for p in batch]
    known = _stored_vectors(vectors_from, [str(p.raw.file.path) for p in batch])
    missing = [text for document in texts for text in document if text not in known]
    if missing:
        known.update(zip(missing, embed(missing)))
    for prepared, document in zip(batch, texts):
        store.replace_document(str(prepared.raw.file.path), prepared.info, make_chunks(prepared),
                               [_span_table(c) for c in prepared.spans], [known[text] for text in document])
    return len(missing)


def _stored_vectors(store: Store, paths: list[str]) -> dict[str, list[float]]:
    """The vectors the store holds for these documents, by the text they embed: when a rules change re-chunks a
    document, the chunks it leaves as they were are not embedded again (the store is one embedding model's)."""
    chunks = [chunk for path in paths if store.is_ready(path) for chunk in store.chunks_of(path)]
    vectors = store.vectors_for([chunk.id for chunk in chunks])
    return {text_to_embed(c.title, c.section, c.text): [float(x) for x in vectors[c.id]]  # Chroma gives arrays
            for c in chunks if c.id in vectors}


def embedding_text(info: DocumentInfo, sentences: list[Span]) -> str:
    return text_to_embed(info.title, sections(sentences), " ".join(s.text for s in sentences))


def text_to_embed(title: str | None, section: str | None, text: str) -> str:
    """What a chunk is embedded as. The title and section give it the context its sentences leave implicit ("the
    two ministers")."""
    context = [part for part in (title, section) if part]
    return "\n".join([*dict.fromkeys(context), text])


def make_chunks(prepared: Prepared) -> list[Chunk]:
    key = hashlib.sha1(str(prepared.raw.file.path).encode()).hexdigest()[:16]
    return [
        Chunk(id=f"{key}-{prepared.raw.content_hash[:12]}-{i:05d}", source=prepared.raw.file.source, index=i,
              text=" ".join(s.text for s in sentences), start_line=sentences[0].start_line,
              end_line=sentences[-1].end_line, page=sentences[0].page, section=sections(sentences))
        for i, sentences in enumerate(prepared.spans)
    ]


def sections(sentences: list[Span]) -> str | None:
    """Every section a chunk's sentences sit in, in order ("Watering; Pests"): a chunk that crosses a heading is
    found by either heading's words, and shown under both."""
    named = [s.section for s in sentences if s.section]
    return "; ".join(dict.fromkeys(named)) or None


def _span_table(sentences: list[Span]) -> list[SentenceSpan]:
    """Where each sentence sits in the chunk text, its lines and section: evidence is cut from this."""
    table, offset = [], 0
    for sentence in sentences:
        table.append(SentenceSpan(offset, offset + len(sentence.text), sentence.start_line, sentence.end_line,
                                  sentence.section))
        offset += len(sentence.text) + 1
    return table


def _remove(store: Store, keep: set[str] | None) -> list[str]:
    """Remove the documents whose files are gone, and, when `keep` is given, those whose paths are not in it."""
    removed = []
    for document in store.documents():
        if not Path(document.path).is_file() or (keep is not None and document.path not in keep):
            store.remove_document(document.path)
            removed.append(document.source)
    return removed
