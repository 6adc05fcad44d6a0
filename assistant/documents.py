"""Find the text files under the given paths and read them safely, whatever their bytes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from assistant.models import Problem

TEXT_SUFFIXES = {".txt", ".md"}
MAX_FILE_BYTES = 20 * 1024 * 1024


class UnreadableFile(Exception):
    """The file cannot be used as a document; the message says why in a few words."""


@dataclass(frozen=True)
class SourceFile:
    source: str  # the path as the user gave it (relative stays relative)
    path: Path  # absolute, resolved: the document's identity


@dataclass(frozen=True)
class TextDocument:
    file: SourceFile
    text: str
    content_hash: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def find_files(paths: list[Path]) -> tuple[list[SourceFile], list[Problem]]:
    """Expand folders recursively into .txt/.md files; report paths that cannot be used."""
    found: dict[Path, SourceFile] = {}
    problems: list[Problem] = []
    for given in paths:
        if given.is_dir():
            for path in _walk(given):
                found.setdefault(path.resolve(), SourceFile(os.path.normpath(path), path.resolve()))
        elif given.is_file():
            if given.suffix.lower() not in TEXT_SUFFIXES:
                problems.append(Problem(path=str(given), reason="not a .txt or .md file"))
                continue
            found.setdefault(given.resolve(), SourceFile(os.path.normpath(given), given.resolve()))
        else:
            problems.append(Problem(path=str(given), reason="no such file or folder"))
    return sorted(found.values(), key=lambda f: f.source), problems


def _walk(folder: Path):
    # os.walk does not follow symlinked folders, so a link loop cannot trap us.
    for root, dirs, files in os.walk(folder, onerror=None):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if path.suffix.lower() in TEXT_SUFFIXES and not name.startswith(".") and path.is_file():
                yield path


def read_document(file: SourceFile) -> TextDocument:
    """Read and decode one file, or raise UnreadableFile with a short reason."""
    try:
        data = file.path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from error
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"too large ({len(data) // 1_000_000} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB)")
    text = decode(data)
    if not text.strip():
        raise UnreadableFile("empty file")
    return TextDocument(file=file, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest())


def decode(data: bytes) -> str:
    """UTF-8 first; otherwise the encoding charset-normalizer is confident of; never binary."""
    if b"\x00" in data[:8192] and not _is_utf16(data):
        raise UnreadableFile("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise UnreadableFile("not valid UTF-8, and its encoding could not be detected") from None
        text = str(best)
    if _looks_binary(text):
        raise UnreadableFile("binary file, not text")
    # Editors count lines by \n; normalise old Mac and Windows endings so our numbers match theirs.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return control / len(sample) > 0.05
