"""Read an evaluation suite (YAML) into typed cases; a bad suite is one error naming its line."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import UsageError
from assistant.filters import iso_date

LINE = "__line__"
# The metrics a threshold may name. A threshold is a minimum, except for these rates and latencies: a maximum.
LOWER_IS_BETTER = frozenset({"false_abstention_rate", "wrong_answer_rate", "quote_fallback_rate", "latency_p50_ms",
                             "latency_p95_ms"})
METRICS = (
    "evidence_hit_at_1", "evidence_hit_at_5", "evidence_mrr", "citation_validity", "citation_precision",
    "citation_recall", "fact_recall", "answer_correct", "wrong_answer_rate", "quote_fallback_rate", "forbidden_free",
    "abstention_accuracy", "false_abstention_rate", "latency_p50_ms", "latency_p95_ms", "faithfulness",
    "answer_relevancy", "checker_precision", "checker_recall",
)


def better(name: str, delta: float) -> bool:
    """Is a change of `delta` in this metric an improvement?"""
    return delta < 0 if name in LOWER_IS_BETTER else delta > 0


class SuiteError(UsageError):
    """The suite cannot be used; the message starts with file:line."""


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1)
    id: str = ""
    expected_sources: list[str] = Field(default_factory=list)
    evidence: str | None = None
    must_include: list[str | list[str]] = Field(default_factory=list)
    must_not_include: list[str] = Field(default_factory=list)
    answerable: bool = True
    since: str | None = None
    until: str | None = None
    source: str | None = None

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value

    @field_validator("since", "until")
    @classmethod
    def _a_date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        normal = iso_date(value)
        if normal is None:
            raise ValueError(f"{value!r} is not a date like 2023-12-07")
        return normal

    def facts(self) -> list[list[str]]:
        """Each key fact as its list of accepted spellings."""
        return [[entry] if isinstance(entry, str) else entry for entry in self.must_include]


class LabeledClaim(BaseModel):
    """A claim, the one evidence sentence it is judged against, and whether that sentence entails it: labels
    written by people (or made by perturbing their true claims), not by the checker they measure."""

    claim: str
    evidence: str
    label: bool
    kind: str = ""
    source: str = ""


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    thresholds: dict[str, float] = Field(default_factory=dict)
    corpus: list[str] = Field(default_factory=list)  # folders/files to index into the suite's own store
    claims: str | None = None  # a JSONL of labeled claims (relative to the suite file) that measures the checker
    cases: list[Case] = Field(min_length=1)
    labeled: list[LabeledClaim] = Field(default_factory=list, exclude=True)

    @field_validator("thresholds")
    @classmethod
    def _known_metrics(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(METRICS))
        if unknown:
            raise ValueError(f"unknown metric {', '.join(unknown)}; known: {', '.join(METRICS)}")
        return value


class _LineLoader(yaml.SafeLoader):
    """Records the line of every mapping so problems can be reported where they are."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def _strip_lines(value):
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _line_of(data, location: tuple) -> int:
    line = data.get(LINE, 1) if isinstance(data, dict) else 1
    node = data
    for key in location:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line = node.get(LINE, line)
    return line


def load_suite(path: Path) -> Suite:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuiteError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SuiteError(f"{path}: cannot read the suite ({error.__class__.__name__}: {error})") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise SuiteError(f"{where}: not valid YAML ({getattr(error, 'problem', None) or error})") from None
    if not isinstance(data, dict):
        raise SuiteError(f"{path}:1: a suite is a mapping with `name` and `cases`")
    try:
        suite = Suite.model_validate(_strip_lines(data))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise SuiteError(f"{path}:{_line_of(data, first['loc'])}: {field}: {first['msg']}") from None
    _check_ids(path, data, suite)
    if suite.claims:
        suite.labeled = _claims(path, path.parent / suite.claims)
    return suite


def _claims(suite: Path, path: Path) -> list[LabeledClaim]:
    """The labeled claims file a suite names; a bad line is an error naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise SuiteError(f"{suite}: claims {path}: cannot read ({error.__class__.__name__})") from None
    found = []
    for number, line in enumerate(lines, start=1):
        try:
            found.append(LabeledClaim.model_validate_json(line))
        except ValidationError as error:
            first = error.errors()[0]
            raise SuiteError(f"{path}:{number}: {'.'.join(map(str, first['loc'])) or 'line'}: {first['msg']}") from None
    return found


def _check_ids(path: Path, data: dict, suite: Suite) -> None:
    seen: set[str] = set()
    for index, case in enumerate(suite.cases):
        case.id = case.id or f"case-{index + 1}"
        if case.id in seen:
            raise SuiteError(f"{path}:{_line_of(data, ('cases', index))}: cases.{index}.id: duplicate case id {case.id!r}")
        seen.add(case.id)
