"""Batch output files (.jsonl, .csv, .md): append one whole record at a time, durably, and read back what
is already there so a run can resume without writing anything twice."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
from pathlib import Path

from assistant.errors import UserError

CSV_COLUMNS = ("id", "line", "question", "answer", "abstained", "sources", "error", "total_ms")
MD_MARKER = re.compile(r"^<!-- assistant-batch (\{.*\}) -->$", re.M)


class OutputError(UserError):
    """The output file cannot be used; the message says what to do."""


class Output:
    """One output file. Each record goes out in a single write, then fsync: a crash loses no finished answer
    and never leaves half a record (a torn tail from another cause is cut off on --resume)."""

    suffix = ""

    def __init__(self, path: Path, questions: Path, resume: bool, overwrite: bool):
        self.path = path
        self.notes: list[str] = []
        if _same_file(path, questions):
            raise OutputError(f"{path} is the question file itself; choose another output (-o)")
        self.fd = self._open_locked(path)
        if os.fstat(self.fd).st_size and not (resume or overwrite):
            os.close(self.fd)
            raise OutputError(f"{path} already holds answers; use --resume to continue it or --overwrite")
        if resume:
            self._cut_torn_tail()
            self.done = [self.parse_meta(r) for r in self.read_records()]
        else:
            os.ftruncate(self.fd, 0)
            self.done = []
        if os.fstat(self.fd).st_size == 0:
            self._append(self.header())

    @staticmethod
    def _open_locked(path: Path) -> int:
        """Open for appending and take an exclusive lock: a second batch writing here is refused at once."""
        try:
            for folder in reversed([p for p in [path.parent, *path.parent.parents] if not p.exists()]):
                folder.mkdir(mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as error:
            raise OutputError(f"cannot write {path}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(f"another batch is writing to {path}; wait for it to finish") from None
        return fd

    def write(self, record: dict) -> None:
        self._append(self.format(record))

    def close(self) -> None:
        os.close(self.fd)  # releases the lock

    def __enter__(self) -> Output:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def _append(self, text: str) -> None:
        if text:
            os.write(self.fd, text.encode("utf-8"))
            os.fsync(self.fd)

    def _cut_torn_tail(self) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            os.ftruncate(self.fd, data.rfind(b"\n") + 1)
            self.notes.append(f"{self.path}: cut an unfinished last record (written when a run was stopped)")

    @staticmethod
    def parse_meta(record: dict) -> dict:
        return {"id": record.get("id"), "line": _int(record.get("line")), "question": record.get("question") or None,
                "error": record.get("error") or None}

    # --- per format -------------------------------------------------------------------
    def header(self) -> str:
        return ""

    def format(self, record: dict) -> str:
        raise NotImplementedError

    def read_records(self) -> list[dict]:
        raise NotImplementedError


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JsonlOutput(Output):
    def format(self, record: dict) -> str:
        return json.dumps(record, ensure_ascii=False) + "\n"

    def read_records(self) -> list[dict]:
        records = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records


class CsvOutput(Output):
    def header(self) -> str:
        return self._row(dict(zip(CSV_COLUMNS, CSV_COLUMNS)))

    def format(self, record: dict) -> str:
        sources = "; ".join(f"[{c['id']}] {c['source']}:{c['start_line']}-{c['end_line']}"
                            for c in record.get("citations", []))
        flat = {**record, "sources": sources, "total_ms": record.get("timings", {}).get("total_ms", "")}
        return self._row(flat)

    @staticmethod
    def _row(record: dict) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(["" if record.get(c) is None else record.get(c)
                                                          for c in CSV_COLUMNS])
        return buffer.getvalue()

    def read_records(self) -> list[dict]:
        with self.path.open(encoding="utf-8", errors="replace", newline="") as handle:
            return list(csv.DictReader(handle))


class MarkdownOutput(Output):
    def header(self) -> str:
        return "# Answers\n\n"

    def format(self, record: dict) -> str:
        meta = {key: record.get(key) for key in ("id", "line", "question", "error")}
        lines = [f"<!-- assistant-batch {json.dumps(meta, ensure_ascii=False)} -->",
                 f"## {record['id']}: {record.get('question') or '(no question)'}", ""]
        if record.get("error"):
            lines.append(f"**Error** (input line {record['line']}): {record['error']}")
        else:
            lines.append(record["answer"])
            if record.get("citations"):
                lines += ["", "Sources:"]
                lines += [f"- [{c['id']}] `{c['source']}:{c['start_line']}-{c['end_line']}` \u201c{c['quote']}\u201d"
                          for c in record["citations"]]
        return "\n".join(lines) + "\n\n"

    def read_records(self) -> list[dict]:
        records = []
        for found in MD_MARKER.finditer(self.path.read_text(encoding="utf-8", errors="replace")):
            try:
                records.append(json.loads(found.group(1)))
            except json.JSONDecodeError:
                continue
        return records


FORMATS = {".jsonl": JsonlOutput, ".csv": CsvOutput, ".md": MarkdownOutput}


def open_output(path: Path, questions: Path, resume: bool = False, overwrite: bool = False) -> Output:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise OutputError(f"{path}: choose an output ending in .jsonl, .csv or .md")
    return kind(path, questions, resume, overwrite)


def _same_file(output: Path, questions: Path) -> bool:
    if output.exists() and questions.exists():
        return os.path.samefile(output, questions)
    return output.resolve() == questions.resolve()


def default_output(questions: Path) -> Path:
    """questions.jsonl → questions.jsonl.answers.jsonl, next to the input: the input's suffix stays in the name, so
    q.txt and q.csv in one folder do not share an output."""
    return questions.with_name(f"{questions.name}.answers.jsonl")
