"""The data that flows between modules: documents, chunks, passages, evidence, answers, and the features the fitted
scorers read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Literal, get_args

from pydantic import BaseModel, Field

Mode = Literal["grounded", "extractive", "free"]  # how an answer is made: checked, quoted, or the model's own words
MODES: tuple[str, ...] = get_args(Mode)
CheckStatus = Literal["supported", "dropped", "extractive", "span", "unchecked", "derived"]
Format = Literal["text", "markdown", "pdf", "html", "docx"]  # the file formats read (assistant/ingest/extract)
SummaryKind = Literal["document", "topic", "corpus"]  # what a summary is of
Length = Literal["short", "medium", "long"]  # how long a summary is
ReaderUse = Literal["off", "spans", "full"]  # the trained reader: unused, its answer words only, or everywhere
LENGTHS: tuple[str, ...] = get_args(Length)
ABSTENTION = "The documents don't say."  # the one sentence that declines, in answers and the prompt alike
EmbedQuery = Callable[[str], list[float]]  # one text's embedding (the query side of an embedding model)
EmbedTexts = Callable[[list[str]], list[list[float]]]  # many texts' embeddings, in order


class DocumentInfo(BaseModel):
    """What we know about one source file."""

    source: str
    content_hash: str
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd, when the document states one
    outlet: str | None = None
    author: str | None = None
    format: Format = "text"
    pipeline: str = ""  # the settings and rule versions that chunked it


class Span(BaseModel):
    """A piece of a document's text with where it came from: the 1-based lines of its page's text (a PDF page;
    the whole extracted text for other formats, page None), and the section heading above it, if any."""

    text: str
    start_line: int
    end_line: int
    page: int | None = None
    section: str | None = None


class Chunk(Span):
    id: str
    source: str
    index: int


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """One sentence of a stored chunk: where it sits in the chunk's text (character offsets), its 1-based lines on
    its page, and the heading above it. Cut at ingest; evidence is cut from it (the store keeps it as a list)."""

    start: int
    end: int
    first_line: int
    last_line: int
    section: str | None = None

    def cut(self, text: str) -> str:
        """The sentence itself, from its chunk's text."""
        return text[self.start:self.end].strip()


class Passage(Span):
    """A retrieved chunk: `score` ranks (fused, higher is better), `similarity` is its cosine to the query."""

    source: str
    score: float
    similarity: float = 0.0
    title: str | None = None
    date: str | None = None
    chunk_id: str = ""
    spans: list[SentenceSpan] = Field(default_factory=list, exclude=True)  # its sentences, as stored at ingest

    def sentence_spans(self) -> list[SentenceSpan]:
        """Its sentences as stored at ingest; a passage stored without them is one sentence."""
        return self.spans or [SentenceSpan(0, len(self.text), self.start_line, self.end_line, self.section)]


class Evidence(Span):
    """One numbered sentence the answer may cite."""

    id: int
    source: str
    score: float
    similarity: float = 0.0
    title: str | None = Field(None, exclude=True)  # the document's, for name checks
    vector: list[float] | None = Field(None, exclude=True, repr=False)  # its embedding, when already computed
    features: SentenceFeatures | None = Field(None, exclude=True, repr=False)  # what its ranking read (candidates)
    # the reader's: P(the sentence states the answer), P(its passage holds it), how its answer words are agreed on
    reading: tuple[float, float, float] | None = Field(None, exclude=True, repr=False)

    def ranked_by(self) -> SentenceFeatures:
        """The features its ranking reads: candidate sentences have them (assistant/evidence/selection.py)."""
        assert self.features is not None, "only candidate sentences are ranked"
        return self.features


# --- what the fitted scorers read (assistant/scoring/fitted.py) --------------------------------------------------
@dataclass(frozen=True)
class Features:
    """What one fitted scorer reads, by name: a subclass's fields are its features, in the order of that scorer's
    weights in assistant/scoring/weights.json (checked when the file is loaded, and when a scorer reads them)."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def values(self) -> list[float]:
        return [float(getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class PassageFeatures(Features):
    """A candidate chunk, as the passage scorer reads it."""

    cosine: float  # its embedding's to the query's
    dense_rank: float  # 1 / its rank among the dense candidates; 0 when not one
    lexical_rank: float  # 1 / its rank among the BM25 candidates; 0 when not one
    idf_cover: float  # the share of the question's word weight (idf) its text holds
    idf_cover_title: float  # the same, of its document's title
    rarest_missing: float  # the idf of the rarest question word absent from it, its title and section, / the highest
    phrases: float  # the question's word pairs it holds, at most 3
    first_chunk: float  # 1 for a document's first chunk
    recent: float  # exp(-days before the --until date / recency_days); 0 without both dates
    dated: float  # 1 when both dates are known


@dataclass(frozen=True)
class SentenceFeatures(Features):
    """A candidate evidence sentence, as the sentence scorer reads it."""

    cosine: float  # its embedding's to the question's
    passage_similarity: float  # its passage's cosine to the query
    passage_rank: float  # 1 / its passage's rank
    idf_cover: float  # the share of the question's word weight (idf) it holds
    idf_cover_title: float  # the same, with its document's title and section heading
    rarest_missing: float  # the idf of the rarest question word absent from it, its title and heading, / the highest
    phrases: float  # the question's word pairs it holds, at most 3
    type_match: float  # 1 when it holds something of the kind asked (a name, number, date) beyond the question's
    lead: float  # 1 for one of a document's first two sentences
    length: float  # log(1 + its characters)


@dataclass(frozen=True)
class SpanFeatures(Features):
    """A candidate short answer (a span of the ranked evidence), as the span scorer reads it."""

    vote: float  # the summed probabilities of the top sentences holding it
    best: float  # the highest of them
    count: float  # how many of the top sentences hold it
    in_top: float  # 1 when the best sentence holds it
    in_title: float  # 1 when a top sentence's title holds it
    near: float  # 1 / (1 + words between it and the nearest question word)
    type_ok: float  # 1 when it is of the kind asked
    words: float  # log(1 + its words)
    head_next: float  # 1 when the asked-for noun stands by it ("the state of California")
    spread: float  # the share of the top sentences holding it


@dataclass(frozen=True)
class AnswerableFeatures(Features):
    """What the evidence holds, as the answer-or-decline scorer reads it."""

    best: float  # the best sentence's probability
    second: float  # the second's
    span: float  # the short answer's probability; 0 without one
    idf_cover: float  # the highest idf_cover_title of the top 3 sentences
    rarest_missing: float  # the lowest rarest_missing of the top 3 sentences
    cosine: float  # the highest cosine of a ranked sentence to the question
    mean_top3: float  # the mean probability of the top 3 sentences (0 for each missing)
    statement: float  # 1 when the question is a statement to check, not a question


@dataclass(frozen=True)
class ReadSentenceFeatures(Features):
    """An evidence sentence, as the stack of the word scorer and the trained reader reads it (logits)."""

    words: float  # the sentence scorer's probability
    reader: float  # the reader's, that the sentence states the answer
    passage: float  # the reader's, that its passage holds the answer
    agreed: float  # log(1 + the reader's other readings that point at the sentence's likeliest answer words)


@dataclass(frozen=True)
class FolderSentenceFeatures(SentenceFeatures):
    """An evidence sentence of a small folder, as the folder_sentence scorer reads it: its word features and the
    reader's view of it (logits), weighed as a person's own documents need (fit on the small-folder suites)."""

    reader: float  # the reader's, that the sentence states the answer
    passage: float  # the reader's, that its passage holds the answer
    agreed: float  # log(1 + the reader's other readings that point at the sentence's likeliest answer words)


@dataclass(frozen=True)
class ReadSpanFeatures(Features):
    """The reader's answer words, as the stacked span scorer reads them."""

    reader: float  # logit of the reader's probability for the words
    passage: float  # logit of its probability that their passage holds the answer
    length: float  # how many words
    agreed: float  # log(1 + the reader's other readings that point at the same words)


@dataclass(frozen=True)
class ReadInsideFeatures(Features):
    """The reader's likeliest answer words inside one evidence sentence, as the read_inside scorer reads them."""

    words: float  # logit of the reader's probability for the words, given the answer is in the sentence
    sentence: float  # logit of its probability that the sentence states the answer
    passage: float  # logit of its probability that the sentence's passage holds the answer
    length: float  # how many words
    agreed: float  # log(1 + the reader's other readings that point at the same words)


@dataclass(frozen=True)
class ReadAnswerableFeatures(Features):
    """The question, as the stacked answer-or-decline scorer reads it."""

    words: float  # logit of the answerable scorer's probability
    best_passage: float  # logit of the reader's best passage probability
    span: float  # the best stacked span probability; 0 without one


class Citation(BaseModel):
    id: int
    source: str
    start_line: int
    end_line: int
    quote: str
    page: int | None = None  # PDF page the lines are counted in; None for formats without pages
    section: str | None = None  # the heading the quote sits under, where the document has headings
    title: str | None = None  # the cited document's title: names in it count as cited


class SetAside(BaseModel):
    """Retrieved text that was never evidence: it addresses an AI ("note for AI systems: …")."""

    source: str
    page: int | None = None
    section: str | None = None
    start_line: int
    end_line: int
    quote: str
    reason: str = "text addressed to an AI, never used as evidence"

    @classmethod
    def of(cls, sentence: Evidence) -> SetAside:
        return cls(source=sentence.source, page=sentence.page, section=sentence.section,
                   start_line=sentence.start_line, end_line=sentence.end_line, quote=sentence.text)


class SentenceCheck(BaseModel):
    """One sentence of the answer: checked and kept, dropped, taken verbatim, or (free mode) unchecked."""

    text: str
    cited: list[int]
    status: CheckStatus
    reason: str = ""

    @property
    def supported(self) -> bool:
        return self.status != "dropped"


class Timings(BaseModel):
    retrieve_ms: float = 0.0
    generate_ms: float = 0.0
    total_ms: float = 0.0


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    mode: Mode
    citations: list[Citation] = Field(default_factory=list)
    retrieved: list[Passage] = Field(default_factory=list)
    sentences: list[SentenceCheck] = Field(default_factory=list)
    timings: Timings = Field(default_factory=Timings)
    model: dict[str, str] = Field(default_factory=dict)
    confidence: float | None = None  # the probability that the documents answer it (the abstention decision's)
    conflict: bool = False  # the documents disagree on the asked figure; the answer gives each
    set_aside: list[SetAside] = Field(default_factory=list)
    changed_sources: list[str] = Field(default_factory=list)  # cited files edited since they were indexed
    removed_sources: list[str] = Field(default_factory=list)  # cited files gone from disk since they were indexed


class Problem(BaseModel):
    """A file that could not be used, and why, in one line."""

    path: str
    reason: str


class IngestReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # links followed or not, one line each
    chunks_embedded: int = 0
    seconds: float = 0.0

    @property
    def usable(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)


class Summary(BaseModel):
    """A checked, cited summary of one document, of a topic across documents, or of the whole corpus."""

    kind: SummaryKind
    target: str  # the document's source, the topic, or "all documents"
    length: Length
    summary: str
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    sentences: list[SentenceCheck] = Field(default_factory=list)
    model: dict[str, str] = Field(default_factory=dict)
    set_aside: list[SetAside] = Field(default_factory=list)  # text addressed to an AI, never summarized
    cached: bool = False
    seconds: float = 0.0
