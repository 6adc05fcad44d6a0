"""Read a batch question file (.txt, .jsonl, .json, .csv, .yaml) into questions and bad rows, with line numbers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from pathlib import Path

import yaml
from pydantic import BaseModel

from assistant.errors import UnreadableFile, UserError
from assistant.filters import iso_date
from assistant.ingest.files import decode

MAX_BYTES = 50 * 1024 * 1024
FILTER_KEYS = ("since", "until", "source")


class QuestionFileError(UserError):
    """The file cannot be read at all (missing, binary, unknown format)."""


class RepeatedIds(QuestionFileError):
    """Two rows share an id: resuming would take one for the other, so nothing runs."""

    code = 2


class Question(BaseModel):
    line: int  # 1-based line (or item number for .json/.yaml) in the input, when it was read
    question: str
    id: str | None = None  # as given; when absent, made from the question's text (see label)
    since: str | None = None
    until: str | None = None
    source: str | None = None
    occurrence: int = 1  # the n-th row with this same text and filters

    @property
    def label(self) -> str:
        """The row's identity in the output: its own id, else one made from its content, so a row keeps its
        identity when lines are inserted above it, and an edited row is a new question."""
        if self.id is not None:
            return self.id
        return _content_id("q", [self.question, self.since, self.until, self.source], self.occurrence)


class BadRow(BaseModel):
    line: int
    error: str
    id: str | None = None
    text: str = ""  # the row as found, so a bad row is recognised wherever it moves
    occurrence: int = 1

    @property
    def label(self) -> str:
        return self.id if self.id is not None else _content_id("bad", [self.text, self.error], self.occurrence)


Row = Question | BadRow


def _content_id(prefix: str, parts: list, occurrence: int) -> str:
    digest = hashlib.sha1(json.dumps(parts).encode()).hexdigest()[:10]
    return f"{prefix}-{digest}" + (f"-{occurrence}" if occurrence > 1 else "")


def _number_repeats(rows: list[Row]) -> list[Row]:
    """Two rows with the same content get distinct identities: the second is occurrence 2."""
    seen: Counter[str] = Counter()
    numbered: list[Row] = []
    for row in rows:
        key = row.label
        seen[key] += 1
        numbered.append(row.model_copy(update={"occurrence": seen[key]}) if seen[key] > 1 else row)
    return numbered


def read_questions(path: Path) -> list[Row]:
    suffix = path.suffix.lower()
    reader = {".txt": _txt, ".jsonl": _jsonl, ".json": _json, ".csv": _csv, ".yaml": _yaml, ".yml": _yaml}.get(suffix)
    if reader is None:
        raise QuestionFileError(f"{path}: unknown question file type {suffix or '(none)'}; "
                                "use .txt, .jsonl, .json, .csv or .yaml")
    rows = reader(_text(path))
    _refuse_repeated_ids(path, rows)
    return _number_repeats(rows)


def _refuse_repeated_ids(path: Path, rows: list[Row]) -> None:
    """An id names one row: 4 and "4" are the same id, since the output holds ids as text."""
    lines: dict[str, list[int]] = {}
    for row in rows:
        if row.id is not None:
            lines.setdefault(row.id, []).append(row.line)
    repeats = [(given, found) for given, found in lines.items() if len(found) > 1]
    if repeats:
        raise RepeatedIds("; ".join(_repeat(path, given, found) for given, found in repeats)
                          + "; each id must be unique")


def _repeat(path: Path, given: str, lines: list[int]) -> str:
    places = [f"{path}:{line}" for line in lines]
    both = "both" if len(places) == 2 else "all"
    return f"{', '.join(places[:-1])} and {places[-1]} {both} have id {given}"


def _text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise QuestionFileError(f"{path}: larger than {MAX_BYTES // 1024 // 1024} MB")
        return decode(path.read_bytes())
    except FileNotFoundError:
        raise QuestionFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise QuestionFileError(f"{path}: is a folder, not a question file") from None
    except OSError as error:
        raise QuestionFileError(f"{path}: cannot read ({error.strerror})") from None
    except UnreadableFile as reason:
        raise QuestionFileError(f"{path}: {reason}") from None


def from_record(line: int, record) -> Row:
    """One object (or bare string) from a structured file."""
    if isinstance(record, str):
        record = {"question": record}
    text = json.dumps(record, sort_keys=True, default=str, ensure_ascii=False)
    if not isinstance(record, dict):
        return BadRow(line=line, text=text, error="expected an object with a `question`")
    given_id = record.get("id")
    given_id = None if given_id is None else str(given_id)
    question = record.get("question")
    if question is not None and not isinstance(question, str):
        return BadRow(line=line, id=given_id, text=text, error=f"`question` must be text, not {_kind(question)}")
    if not question or not question.strip():
        return BadRow(line=line, id=given_id, text=text, error="missing `question`")
    filters: dict[str, str | None] = {key: str(record[key]) for key in FILTER_KEYS if record.get(key) not in (None, "")}
    for key in ("since", "until"):
        if key in filters:
            filters[key] = iso_date(str(filters[key]))
            if filters[key] is None:
                return BadRow(line=line, id=given_id, text=text, error=f"`{key}` is not a date like 2023-12-07")
    return Question(line=line, question=question.strip(), id=given_id, **filters)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else type(value).__name__


def _txt(text: str) -> list[Row]:
    return [Question(line=number, question=line.strip())
            for number, line in enumerate(text.split("\n"), start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def _jsonl(text: str) -> list[Row]:
    rows: list[Row] = []
    lines = text.split("\n")
    if lines and not lines[-1].strip():
        lines.pop()  # the final newline
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            rows.append(BadRow(line=number, error="empty line"))
            continue
        try:
            rows.append(from_record(number, json.loads(line)))
        except json.JSONDecodeError as error:
            rows.append(BadRow(line=number, text=line, error=f"invalid JSON ({error.msg})"))
    return rows


def _json(text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise QuestionFileError(f"invalid JSON at line {error.lineno}: {error.msg}") from None
    return _items(data)


def _yaml(text: str) -> list[Row]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise QuestionFileError(f"invalid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
    return _items(data)


def _items(data) -> list[Row]:
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        data = data["questions"]
    if not isinstance(data, list):
        raise QuestionFileError("expected a list of questions (or an object with a `questions` list)")
    return [from_record(number, item) for number, item in enumerate(data, start=1)]


def _csv(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    if "question" not in header:
        raise QuestionFileError("a CSV question file needs a `question` column")
    lines = text.split("\n")
    rows: list[Row] = []
    start: int | None = 1  # the line the rows read next start after
    while start is not None:
        start = _csv_rows(lines, start, header, rows)
    return rows


def _csv_rows(lines: list[str], start: int, header: list[str], rows: list[Row]) -> int | None:
    """Read rows after line `start` into `rows`. A row that is not valid CSV (a quote left open would swallow
    every row after it) becomes a bad row, and the line after the one it starts on is returned to read on from."""
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), strict=True)
    previous = 0
    try:
        for cells in reader:
            number, previous = start + previous + 1, reader.line_num  # quoted cells may span lines
            rows.append(_csv_row(number, header, cells))
    except csv.Error as error:
        number = start + previous + 1
        reason = ("a quote opened on this line is never closed" if start + reader.line_num > number
                  else f"not valid CSV ({error})")
        rows.append(BadRow(line=number, text=lines[number - 1], error=reason))
        return number
    return None


def _csv_row(number: int, header: list[str], cells: list[str]) -> Row:
    if not any(cell.strip() for cell in cells):
        return BadRow(line=number, error="empty line")
    return from_record(number, {name: cell.strip() for name, cell in zip(header, cells) if name and cell.strip()})
