"""Find the document files under the given paths (saying which links are followed) and read their bytes and
text safely, whatever they hold."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import UnreadableFile
from assistant.ingest.code_pages import choose
from assistant.types import Problem

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})


@dataclass(frozen=True)
class SourceFile:
    source: str  # the path as the user gave it (relative stays relative)
    path: Path  # absolute, resolved: the document's identity


@dataclass(frozen=True)
class RawFile:
    file: SourceFile
    data: bytes
    content_hash: str  # of the bytes: an unchanged file is recognised without decoding or extracting it


@dataclass
class Found:
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # links followed or not, one line each


def find_files(paths: list[Path], suffixes: frozenset[str] = TEXT_SUFFIXES, follow_links: bool = False) -> Found:
    """Expand folders recursively into document files; report paths that cannot be used. Links are followed
    when they stay inside the folders given; a link leading outside them is followed only with follow_links."""
    found, seen = Found(), dict[Path, SourceFile]()
    roots = [given.resolve() for given in paths if given.is_dir()]
    for given in paths:
        if given.is_dir():
            walk = Walk(roots, suffixes, follow_links, found.notes)
            for path in _walk(given, walk):
                _add(seen, path)
            if walk.not_read:
                found.notes.append(_not_read(given, walk.not_read, suffixes))
        elif given.is_file():
            if given.suffix.lower() not in suffixes:
                found.problems.append(Problem(path=str(given), reason=f"not a {_kinds(suffixes)} file"))
                continue
            _add(seen, given)
        elif given.is_symlink():
            found.problems.append(Problem(path=str(given), reason="broken link"))
        else:
            found.problems.append(Problem(path=str(given), reason="no such file or folder"))
    found.files = sorted(seen.values(), key=lambda f: f.source)
    return found


def _not_read(folder: Path, counts: Counter[str], suffixes: frozenset[str]) -> str:
    kinds = ", ".join(f"{n} {suffix}" for suffix, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    files = "file" if counts.total() == 1 else "files"
    return (f"skipped {counts.total()} {files} in {folder} of types not read ({kinds}); ingest reads "
            f"{_kinds(suffixes)}")


def _kinds(suffixes: frozenset[str]) -> str:
    return ", ".join(sorted(suffixes))


def _add(seen: dict[Path, SourceFile], path: Path) -> None:
    seen.setdefault(path.resolve(), SourceFile(os.path.normpath(path), path.resolve()))


def _inside(target: Path, roots: list[Path]) -> bool:
    return any(target == root or target.is_relative_to(root) for root in roots)


@dataclass
class Walk:
    """What a folder walk needs to know, and the folders it has been through (so link loops cannot trap it)."""

    roots: list[Path]
    suffixes: frozenset[str]
    follow_links: bool
    notes: list[str]
    visited: set[Path] = field(default_factory=set)
    not_read: Counter[str] = field(default_factory=Counter)  # files skipped for their type, by suffix

    def skip(self, path: Path) -> None:
        self.not_read[path.suffix.lower() or "(no suffix)"] += 1


def _walk(folder: Path, walk: Walk) -> Iterator[Path]:
    """Document files under `folder`, sorted; hidden entries skipped."""
    if folder.resolve() in walk.visited:
        return
    walk.visited.add(folder.resolve())
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        walk.notes.append(f"skipped {folder}: cannot be read ({error.strerror or error})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(folder) / entry.name
        if entry.is_symlink():
            yield from _link(path, walk)
        elif entry.is_dir():
            yield from _walk(path, walk)
        elif entry.is_file():
            if path.suffix.lower() in walk.suffixes:
                yield path
            else:
                walk.skip(path)


def _link(path: Path, walk: Walk) -> Iterator[Path]:
    target = path.resolve()
    if not target.exists():
        walk.notes.append(f"not followed: {path} is a broken link")
        return
    if target.is_file() and path.suffix.lower() not in walk.suffixes:
        walk.skip(path)
        return
    inside = _inside(target, walk.roots)
    if not inside and not walk.follow_links:
        walk.notes.append(f"not followed: {path} links outside the folders given, to {target} "
                          f"(--follow-links follows it)")
        return
    if target.is_dir():
        if inside:
            walk.notes.append(f"not followed: {path} links to a folder already being indexed ({target})")
            return
        walk.notes.append(f"followed: {path} -> {target}")
        yield from _walk(path, walk)
        return
    if not inside:
        walk.notes.append(f"followed: {path} -> {target}")
    yield path


def read_bytes(file: SourceFile, limit_bytes: int) -> RawFile:
    """The file's bytes and their hash; a file over the limit is refused before it is read."""
    try:
        size = file.path.stat().st_size
        if size > limit_bytes:
            raise UnreadableFile(f"too large ({_megabytes(size)}; the limit is {_megabytes(limit_bytes)}, "
                                 f"setting ingest.max_file_mb)")
        data = file.path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot be read ({error.strerror or error})") from error
    return RawFile(file=file, data=data, content_hash=hashlib.sha256(data).hexdigest())


def _megabytes(size: int) -> str:
    """Three significant digits: a limit of 0.5 MB is not shown as 0 MB."""
    return f"{size / 1e6:.3g} MB"


def decode(data: bytes) -> str:
    """UTF-8 first; otherwise the encoding charset-normalizer is confident of, or Windows-1252 when that reads as
    well (code_pages.py); never binary. Deterministic: the same bytes give the same text, so a citation's lines
    can be read back as they were indexed."""
    if b"\x00" in data[:8192] and not _is_utf16(data):
        raise UnreadableFile("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise UnreadableFile("not valid UTF-8, and its encoding could not be detected") from None
        encoding = choose(data, best.encoding)
        text = str(best) if encoding == best.encoding else data.decode(encoding)
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
