"""Run an evaluation suite through the assistant and score it against labels the code did not produce:
retrieval, citations read back from the documents, facts matched on word boundaries, correct and wrong answers,
quote fallbacks, abstention, latency."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from assistant.answer.check import check
from assistant.config import ExtractionSettings, GroundingSettings
from assistant.errors import UsageError
from assistant.evaluation.phrases import contains
from assistant.evaluation.suite import LOWER_IS_BETTER, METRICS, Case, LabeledClaim, Suite
from assistant.filters import Filters
from assistant.ingest.reread import SourceReader
from assistant.store.index import Store
from assistant.types import Answer, Citation, EmbedTexts, Evidence, Mode

HIT_DEPTH = 5
GROUNDED_ONLY = frozenset({"quote_fallback_rate"})  # only a checked model's answer can fall back to quotes


class CaseResult(BaseModel):
    id: str
    question: str
    answerable: bool
    answer: str
    abstained: bool
    confidence: float | None = None  # the answer-or-decline probability the answer was decided on
    citations: list[Citation] = Field(default_factory=list)
    retrieved: list[str] = Field(default_factory=list)  # "source:start-end" of the top passages
    has_evidence: bool = False
    evidence_rank: int | None = None  # 1-based rank of the passage holding the evidence phrase
    citations_valid: int = 0
    citation_precision: float | None = None
    citation_recall: float | None = None
    facts_missing: list[str] = Field(default_factory=list)
    facts_total: int = 0
    has_forbidden: bool = False
    forbidden_found: list[str] = Field(default_factory=list)
    correct: bool | None = None  # answerable: answered with every key fact and nothing forbidden
    quote_fallback: bool | None = None  # grounded: the answer is only quoted evidence, nothing the model wrote survived
    judge: dict[str, float] = Field(default_factory=dict)
    latency_ms: float = 0.0
    failures: list[str] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


class Report(BaseModel):
    suite: str
    mode: Mode
    model: dict[str, str] = Field(default_factory=dict)
    created: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)
    missed: list[str] = Field(default_factory=list)
    cases: list[CaseResult] = Field(default_factory=list)


class ReportError(UsageError):
    """A report to compare against, an output path or a threshold cannot be used."""


def evidence_rank(case: Case, answer: Answer) -> int | None:
    for rank, passage in enumerate(answer.retrieved, start=1):
        if contains(passage.text, case.evidence or ""):
            return rank
    return None


def is_quote_fallback(answer: Answer) -> bool:
    """Nothing the model wrote is shown (only quotes and the short answer taken from them), though the mode asked a
    model to write."""
    written = [s for s in answer.sentences if s.status == "supported"]
    return answer.mode == "grounded" and not answer.abstained and not written


def score_case(case: Case, answer: Answer, lines: SourceReader) -> CaseResult:
    result = CaseResult(id=case.id, question=case.question, answerable=case.answerable, answer=answer.answer,
                        abstained=answer.abstained, confidence=answer.confidence, citations=answer.citations,
                        latency_ms=answer.timings.total_ms,
                        retrieved=[f"{p.source}:{p.start_line}-{p.end_line}" for p in answer.retrieved],
                        quote_fallback=is_quote_fallback(answer) if answer.mode == "grounded" else None)
    failures = result.failures
    result.has_evidence, result.has_forbidden = bool(case.evidence), bool(case.must_not_include)
    if case.evidence:
        result.evidence_rank = evidence_rank(case, answer)
        if result.evidence_rank is None:
            failures.append(f"evidence not in the top {len(answer.retrieved)} passages")
    result.citations_valid = sum(lines.holds(c) for c in answer.citations)
    if result.citations_valid < len(answer.citations):
        failures.append(f"{len(answer.citations) - result.citations_valid} citation(s) not found in the cited lines")
    if not case.answerable:
        if not answer.abstained:
            failures.append("answered a question the documents do not answer")
        return result
    if answer.abstained:
        failures.append("abstained on an answerable question")
    _score_sources(case, answer, result)
    facts = case.facts()
    result.facts_total = len(facts)
    result.facts_missing = [" / ".join(f) for f in facts if not any(contains(answer.answer, a) for a in f)]
    if result.facts_missing and not answer.abstained:
        failures.append(f"missing facts: {'; '.join(result.facts_missing)}")
    result.forbidden_found = [f for f in case.must_not_include if contains(answer.answer, f)]
    if result.forbidden_found:
        failures.append(f"must not say: {'; '.join(result.forbidden_found)}")
    result.correct = not answer.abstained and not result.facts_missing and not result.forbidden_found
    if result.quote_fallback:
        failures.append("quote fallback: nothing the model wrote passed the check")
    return result


def _score_sources(case: Case, answer: Answer, result: CaseResult) -> None:
    if not case.expected_sources:
        return
    expected = {Path(s).as_posix() for s in case.expected_sources}
    cited = {Path(c.source).as_posix() for c in answer.citations}
    result.citation_recall = len(expected & cited) / len(expected)
    if cited:
        result.citation_precision = len(expected & cited) / len(cited)
    if not answer.abstained and not expected & cited:
        result.failures.append("cites none of the expected sources")


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(float(np.mean(values)), 4) if values else None


def metrics(results: list[CaseResult]) -> dict[str, float]:
    answerable = [r for r in results if r.answerable]
    answered = [r for r in answerable if not r.abstained]
    unanswerable = [r for r in results if not r.answerable]
    ranked = [r for r in answerable if r.has_evidence]
    citations = sum(len(r.citations) for r in results)
    found = {
        "evidence_hit_at_1": _mean([r.evidence_rank == 1 for r in ranked]),
        "evidence_hit_at_5": _mean([r.evidence_rank is not None and r.evidence_rank <= HIT_DEPTH for r in ranked]),
        "evidence_mrr": _mean([1 / r.evidence_rank if r.evidence_rank else 0.0 for r in ranked]),
        "citation_validity": round(sum(r.citations_valid for r in results) / citations, 4) if citations else None,
        "citation_precision": _mean([r.citation_precision for r in answerable]),
        "citation_recall": _mean([r.citation_recall for r in answerable]),
        "fact_recall": _mean([1 - len(r.facts_missing) / r.facts_total for r in answerable if r.facts_total]),
        "answer_correct": _mean([r.correct for r in answerable]),
        "wrong_answer_rate": _mean([not r.correct for r in answered]),
        "quote_fallback_rate": _mean([r.quote_fallback for r in answered]),
        "forbidden_free": _mean([not r.forbidden_found for r in answerable if r.has_forbidden]),
        "abstention_accuracy": _mean([r.abstained for r in unanswerable]),
        "false_abstention_rate": _mean([r.abstained for r in answerable]),
        "latency_p50_ms": round(float(np.percentile([r.latency_ms for r in results], 50)), 1),
        "latency_p95_ms": round(float(np.percentile([r.latency_ms for r in results], 95)), 1),
    }
    for name in ("faithfulness", "answer_relevancy"):
        found[name] = _mean([r.judge.get(name) for r in results])
    return {name: value for name, value in found.items() if value is not None}


def checker_metrics(claims: list[LabeledClaim], embed: EmbedTexts, params: GroundingSettings) -> dict[str, float]:
    """The answer check against labels it did not produce: of the claims it accepts, the share that are true
    (precision); of the true claims, the share it accepts (recall). Each claim is checked as an answer sentence
    citing its one evidence sentence."""
    accepted = [_accepts(c, embed, params) for c in claims]
    true_accepted = sum(a and c.label for a, c in zip(accepted, claims))
    found = {"checker_precision": true_accepted / sum(accepted) if any(accepted) else None,
             "checker_recall": true_accepted / sum(c.label for c in claims) if any(c.label for c in claims) else None}
    return {name: round(value, 4) for name, value in found.items() if value is not None}


def _accepts(claim: LabeledClaim, embed: EmbedTexts, params: GroundingSettings) -> bool:
    evidence = Evidence(id=1, text=claim.evidence, source=claim.source or "evidence", start_line=1, end_line=1,
                        score=1.0)
    return any(c.status == "supported" for c in check(None, f"{claim.claim} [1]", [evidence], embed, params))


def run(ask: Callable[[Case], Answer], suite: Suite, mode: str, model: dict[str, str], store: Store | None = None,
        judge: Callable[[Case, Answer], dict[str, float]] | None = None,
        progress: Callable[[int, int], None] | None = None, embed=None,
        grounding: GroundingSettings = GroundingSettings(), extraction: ExtractionSettings = ExtractionSettings()) -> Report:
    lines = SourceReader(store, extraction)
    results = []
    for done, case in enumerate(suite.cases, start=1):
        answer = ask(case)
        result = score_case(case, answer, lines)
        if judge and not answer.abstained:
            result.judge = judge(case, answer)
        results.append(result)
        if progress:
            progress(done, len(suite.cases))
    found = metrics(results)
    if suite.labeled and embed is not None:
        found |= checker_metrics(suite.labeled, embed, grounding)
    return Report(suite=suite.name, mode=mode, model=model, cases=results, metrics=found,
                  created=datetime.now(UTC).isoformat(timespec="seconds"))


def filters_for(case: Case) -> Filters:
    return Filters(since=case.since, until=case.until, source=case.source)


def parse_bounds(pairs: list[str]) -> dict[str, float]:
    """`--min metric=value` flags as a mapping."""
    bounds = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            bounds[name.strip()] = float(value)
        except ValueError:
            raise ReportError(f"--min {pair!r}: expected metric=number, e.g. fact_recall=0.8") from None
        if name.strip() not in METRICS:
            raise ReportError(f"--min {pair!r}: unknown metric; known: {', '.join(METRICS)}")
    return bounds


def gate(report: Report, bounds: dict[str, float]) -> list[str]:
    """The thresholds missed: a minimum for scores, a maximum for rates and latencies (LOWER_IS_BETTER). A threshold
    on what only the grounded mode has (a quote fallback) does not apply to the other modes."""
    missed = []
    for name, bound in bounds.items():
        value = report.metrics.get(name)
        if value is None and name in GROUNDED_ONLY and report.mode != "grounded":
            continue
        if value is None:
            missed.append(f"{name}: not measured by this suite")
        elif name in LOWER_IS_BETTER and value > bound:
            missed.append(f"{name} {value:g} > {bound:g}")
        elif name not in LOWER_IS_BETTER and value < bound:
            missed.append(f"{name} {value:g} < {bound:g}")
    return missed


def load_metrics(path: Path, suite: str) -> dict[str, float]:
    """An earlier report's metrics, refused when it is not a report or is of another suite."""
    if not path.is_file():
        raise ReportError(f"--compare {path}: no such file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = {str(k): float(v) for k, v in data["metrics"].items()}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ReportError(f"--compare {path}: not an eval report with a `metrics` object "
                          f"({error.__class__.__name__})") from None
    if data.get("suite") != suite:
        raise ReportError(f"--compare {path}: a report of suite {data.get('suite')!r}, not {suite!r}")
    return found


def check_writable(path: Path | None) -> None:
    """Refuse an output path that cannot be written, before a long run rather than after it."""
    if path is None:
        return
    if path.is_dir():
        raise ReportError(f"{path} is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    probe = next((p for p in [folder, *folder.parents] if p.exists()), Path("."))
    if not os.access(probe, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ReportError(f"cannot write {path}: permission denied")


def write_private(path: Path, text: str) -> None:
    """Write a report readable by its owner only (0600), its new folders 0700."""
    try:
        for folder in reversed([p for p in [path.parent, *path.parent.parents] if not p.exists()]):
            folder.mkdir(mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(path, 0o600)
    except OSError as error:
        raise ReportError(f"cannot write {path}: {error.strerror or error}") from None
