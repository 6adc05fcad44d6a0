import os
from pathlib import Path

import pytest

from assistant.documents import SourceFile, UnreadableFile, find_files, read_document


def source(path: Path) -> SourceFile:
    return SourceFile(str(path), path.resolve())


def test_reads_utf8_latin1_and_utf16(tmp_path):
    (tmp_path / "a.txt").write_text("Café in Moscow.\nSecond line.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Le café était très réputé à Genève, déjà en été.".encode("latin-1"))
    (tmp_path / "c.txt").write_text("Moscow talks were held on Friday.", encoding="utf-16")
    assert read_document(source(tmp_path / "a.txt")).lines == ["Café in Moscow.", "Second line."]
    assert "réputé" in read_document(source(tmp_path / "b.txt")).text
    assert read_document(source(tmp_path / "c.txt")).text == "Moscow talks were held on Friday."


def test_windows_line_endings_keep_line_numbers(tmp_path):
    (tmp_path / "w.txt").write_bytes(b"one\r\ntwo\r\nthree")
    assert read_document(source(tmp_path / "w.txt")).lines == ["one", "two", "three"]


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"   \n\n  ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
])
def test_unusable_files_say_why(tmp_path, content, reason):
    (tmp_path / "bad.txt").write_bytes(content)
    with pytest.raises(UnreadableFile, match=reason):
        read_document(source(tmp_path / "bad.txt"))


def test_find_files_recurses_reports_missing_and_survives_symlink_loops(tmp_path):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "x.md").write_text("text")
    (tmp_path / "deep" / "skip.pdf").write_text("not text")
    (tmp_path / "deep" / ".hidden").mkdir()
    (tmp_path / "deep" / ".hidden" / "h.txt").write_text("hidden")
    os.symlink(tmp_path / "deep", tmp_path / "deep" / "er" / "loop")
    files, problems = find_files([tmp_path / "deep", tmp_path / "missing.txt", tmp_path / "deep" / "skip.pdf"])
    assert [f.path.name for f in files] == ["x.md"]
    assert {(Path(p.path).name, p.reason) for p in problems} == {
        ("missing.txt", "no such file or folder"), ("skip.pdf", "not a .txt or .md file")}
