"""Run an evaluation suite through the assistant and score it: retrieval, citations, facts, abstention, latency."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from assistant.evidence import name_matches
from assistant.models import Answer, Citation
from assistant.retrieve import Filters
from assistant.suite import LOWER_IS_BETTER, METRICS, Case, Suite
from assistant.textstats import content_words, names, numbers

HIT_DEPTH = 5


class CaseResult(BaseModel):
    id: str
    question: str
    answerable: bool
    answer: str
    abstained: bool
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
    unsupported_claims: list[str] = Field(default_factory=list)
    claims: int = 0
    judge: dict[str, float] = Field(default_factory=dict)
    latency_ms: float = 0.0
    failures: list[str] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


class Report(BaseModel):
    suite: str
    mode: str
    model: dict[str, str] = Field(default_factory=dict)
    created: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)
    missed: list[str] = Field(default_factory=list)
    cases: list[CaseResult] = Field(default_factory=list)


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


class SourceLines:
    """Reads cited files once, to check quotes against the lines they claim to come from."""

    def __init__(self):
        self.files: dict[str, list[str] | None] = {}

    def holds(self, citation: Citation) -> bool:
        if citation.source not in self.files:
            try:
                self.files[citation.source] = Path(citation.source).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self.files[citation.source] = None
        lines = self.files[citation.source]
        if lines is None:
            return False
        cited = " ".join(lines[citation.start_line - 1: citation.end_line])
        return _plain(citation.quote) in _plain(cited)


def evidence_rank(case: Case, answer: Answer) -> int | None:
    phrase = _plain(case.evidence or "")
    for rank, passage in enumerate(answer.retrieved, start=1):
        if phrase in _plain(passage.text):
            return rank
    return None


def _present(fact: str, text: str) -> bool:
    if re.fullmatch(r"[\d,.]+", fact.strip()):
        return fact.replace(",", "") in numbers(text)
    return _plain(fact) in _plain(text)


def unsupported_claims(answer: Answer) -> tuple[int, list[str]]:
    """Kept sentences naming a number or proper name absent from what they cite (quote and document title)."""
    quotes = {c.id: f"{c.title or ''}. {c.quote}" for c in answer.citations}
    kept = [s for s in answer.sentences if s.supported]
    bad = []
    for sentence in kept:
        cited = " ".join(quotes.get(i, "") for i in sentence.cited)
        known = names(cited) | set(content_words(cited))
        missing_names = {n for n in names(sentence.text) if not any(name_matches(n, k) for k in known)}
        if numbers(sentence.text) - numbers(cited) or missing_names:
            bad.append(sentence.text)
    return len(kept), bad


def score_case(case: Case, answer: Answer, lines: SourceLines) -> CaseResult:
    result = CaseResult(id=case.id, question=case.question, answerable=case.answerable, answer=answer.answer,
                        abstained=answer.abstained, citations=answer.citations, latency_ms=answer.timings.total_ms,
                        retrieved=[f"{p.source}:{p.start_line}-{p.end_line}" for p in answer.retrieved])
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
    result.facts_missing = [" / ".join(f) for f in facts if not any(_present(a, answer.answer) for a in f)]
    if result.facts_missing and not answer.abstained:
        failures.append(f"missing facts: {'; '.join(result.facts_missing)}")
    result.forbidden_found = [f for f in case.must_not_include if _present(f, answer.answer)]
    if result.forbidden_found:
        failures.append(f"must not say: {'; '.join(result.forbidden_found)}")
    result.claims, result.unsupported_claims = unsupported_claims(answer)
    if result.unsupported_claims:
        failures.append(f"{len(result.unsupported_claims)} sentence(s) with a name or number not in their citation")
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
    unanswerable = [r for r in results if not r.answerable]
    ranked = [r for r in answerable if r.has_evidence]
    citations = sum(len(r.citations) for r in results)
    claims = sum(r.claims for r in answerable)
    found = {
        "evidence_hit_at_1": _mean([r.evidence_rank == 1 for r in ranked]),
        "evidence_hit_at_5": _mean([r.evidence_rank is not None and r.evidence_rank <= HIT_DEPTH for r in ranked]),
        "evidence_mrr": _mean([1 / r.evidence_rank if r.evidence_rank else 0.0 for r in ranked]),
        "citation_validity": round(sum(r.citations_valid for r in results) / citations, 4) if citations else None,
        "citation_precision": _mean([r.citation_precision for r in answerable]),
        "citation_recall": _mean([r.citation_recall for r in answerable]),
        "fact_recall": _mean([1 - len(r.facts_missing) / r.facts_total for r in answerable if r.facts_total]),
        "claim_support": round(1 - sum(len(r.unsupported_claims) for r in answerable) / claims, 4) if claims else None,
        "forbidden_free": _mean([not r.forbidden_found for r in answerable if r.has_forbidden]),
        "abstention_accuracy": _mean([r.abstained for r in unanswerable]),
        "false_abstention_rate": _mean([r.abstained for r in answerable]),
        "latency_p50_ms": round(float(np.percentile([r.latency_ms for r in results], 50)), 1),
        "latency_p95_ms": round(float(np.percentile([r.latency_ms for r in results], 95)), 1),
    }
    for name in ("faithfulness", "answer_relevancy"):
        found[name] = _mean([r.judge.get(name) for r in results])
    return {name: value for name, value in found.items() if value is not None}



class ReportError(Exception):
    """A report to compare against, or a threshold, cannot be used."""


def run(ask: Callable[[Case], Answer], suite: Suite, mode: str, model: dict[str, str],
        judge: Callable[[Case, Answer], dict[str, float]] | None = None,
        progress: Callable[[int, int], None] | None = None) -> Report:
    lines = SourceLines()
    results = []
    for done, case in enumerate(suite.cases, start=1):
        answer = ask(case)
        result = score_case(case, answer, lines)
        if judge and not answer.abstained:
            result.judge = judge(case, answer)
        results.append(result)
        if progress:
            progress(done, len(suite.cases))
    return Report(suite=suite.name, mode=mode, model=model, cases=results, metrics=metrics(results),
                  created=datetime.now(timezone.utc).isoformat(timespec="seconds"))


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
    """The thresholds missed: a minimum for scores, a maximum for rates and latencies (LOWER_IS_BETTER)."""
    missed = []
    for name, bound in bounds.items():
        value = report.metrics.get(name)
        if value is None:
            missed.append(f"{name}: not measured by this suite")
        elif name in LOWER_IS_BETTER and value > bound:
            missed.append(f"{name} {value:g} > {bound:g}")
        elif name not in LOWER_IS_BETTER and value < bound:
            missed.append(f"{name} {value:g} < {bound:g}")
    return missed


def load_metrics(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = data["metrics"]
        return {str(k): float(v) for k, v in found.items()}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ReportError(f"{path}: not an eval report with a `metrics` object ({error.__class__.__name__})") from None


def better(name: str, delta: float) -> bool:
    return delta < 0 if name in LOWER_IS_BETTER else delta > 0
