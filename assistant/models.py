"""The data that flows between modules: documents, chunks, passages, evidence, answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentInfo(BaseModel):
    """What we know about one source file."""

    source: str
    content_hash: str
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd, when the document states one
    outlet: str | None = None


class Span(BaseModel):
    """A piece of a file's text with the 1-based lines it came from."""

    text: str
    start_line: int
    end_line: int


class Chunk(Span):
    id: str
    source: str
    index: int


class Passage(Span):
    """A retrieved chunk: `score` ranks (fused, higher is better), `similarity` is its cosine to the query."""

    source: str
    score: float
    similarity: float = 0.0
    title: str | None = None
    date: str | None = None
    chunk_id: str = ""
    spans: list[list[int]] = Field(default_factory=list, exclude=True)  # sentence offsets and lines


class Evidence(Span):
    """One numbered sentence the answer may cite."""

    id: int
    source: str
    score: float
    similarity: float = 0.0
    title: str | None = Field(None, exclude=True)  # the document's, for name checks
    vector: list[float] | None = Field(None, exclude=True, repr=False)  # its embedding, when already computed


class Citation(BaseModel):
    id: int
    source: str
    start_line: int
    end_line: int
    quote: str
    title: str | None = None  # the cited document's title: names in it count as cited


class SentenceCheck(BaseModel):
    """One sentence of the answer: checked and kept, dropped, taken verbatim, or (free mode) unchecked."""

    text: str
    cited: list[int]
    status: str  # "supported" | "dropped" | "extractive" | "unchecked"
    reason: str = ""

    @property
    def supported(self) -> bool:
        return self.status != "dropped"


class Timings(BaseModel):
    retrieve_ms: float = 0.0
    generate_ms: float = 0.0
    total_ms: float = 0.0


MODES = ("grounded", "extractive", "free")  # how an answer is made: checked, quoted, or the model's own words


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    mode: str
    citations: list[Citation] = Field(default_factory=list)
    retrieved: list[Passage] = Field(default_factory=list)
    sentences: list[SentenceCheck] = Field(default_factory=list)
    timings: Timings = Field(default_factory=Timings)
    model: dict[str, str] = Field(default_factory=dict)


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
    chunks_embedded: int = 0
    seconds: float = 0.0

    @property
    def usable(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)


class Summary(BaseModel):
    """A checked, cited summary of one document, of a topic across documents, or of the whole corpus."""

    kind: str  # "document" | "topic" | "corpus"
    target: str  # the document's source, the topic, or "all documents"
    length: str
    summary: str
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    sentences: list[SentenceCheck] = Field(default_factory=list)
    model: dict[str, str] = Field(default_factory=dict)
    cached: bool = False
    seconds: float = 0.0
