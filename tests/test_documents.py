"""Reading files: encodings, line endings, refusals with a reason, and which links a folder walk follows."""

import os
from pathlib import Path

import pytest

from assistant.errors import UnreadableFile
from assistant.ingest.files import SourceFile, decode, find_files, read_bytes


def text_of(path: Path) -> str:
    return decode(path.read_bytes())


def test_reads_utf8_latin1_and_utf16_the_same_way_every_time(tmp_path):
    (tmp_path / "a.txt").write_text("Café in Moscow.\nSecond line.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Le café était très réputé à Genève, déjà en été.".encode("latin-1"))
    (tmp_path / "c.txt").write_text("Moscow talks were held on Friday.", encoding="utf-16")
    assert text_of(tmp_path / "a.txt").split("\n") == ["Café in Moscow.", "Second line."]
    latin = text_of(tmp_path / "b.txt")
    assert "réputé" in latin and text_of(tmp_path / "b.txt") == latin  # read back exactly as ingested
    assert text_of(tmp_path / "c.txt") == "Moscow talks were held on Friday."


def test_windows_line_endings_keep_line_numbers(tmp_path):
    (tmp_path / "w.txt").write_bytes(b"one\r\ntwo\r\nthree")
    assert text_of(tmp_path / "w.txt").split("\n") == ["one", "two", "three"]


def test_binary_is_refused_and_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    (tmp_path / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UnreadableFile, match="binary"):
        text_of(tmp_path / "bad.txt")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 3_000_000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the whole file was read"))
    with pytest.raises(UnreadableFile, match=r"too large \(3 MB; the limit is 2 MB, setting ingest.max_file_mb\)"):
        read_bytes(SourceFile("big.txt", big), 2_000_000)


def test_find_files_recurses_reports_missing_and_survives_symlink_loops(tmp_path):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "x.md").write_text("text")
    (tmp_path / "deep" / "skip.png").write_text("not text")
    (tmp_path / "deep" / ".hidden").mkdir()
    (tmp_path / "deep" / ".hidden" / "h.txt").write_text("hidden")
    os.symlink(tmp_path / "deep", tmp_path / "deep" / "er" / "loop")
    found = find_files([tmp_path / "deep", tmp_path / "missing.txt", tmp_path / "deep" / "skip.png"])
    assert [f.path.name for f in found.files] == ["x.md"]
    assert {(Path(p.path).name, p.reason) for p in found.problems} == {
        ("missing.txt", "no such file or folder"), ("skip.png", "not a .markdown, .md, .txt file")}
    assert found.notes == [f"not followed: {tmp_path / 'deep' / 'er' / 'loop'} links to a folder already being "
                           f"indexed ({(tmp_path / 'deep').resolve()})",
                           f"skipped 1 file in {tmp_path / 'deep'} of types not read (1 .png); ingest reads "
                           ".markdown, .md, .txt"]


def test_links_outside_the_folder_are_followed_only_when_asked_and_each_is_said(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    (outside / "more").mkdir(parents=True)
    (corpus / "inside.txt").write_text("inside")
    (outside / "secret.txt").write_text("outside the folder")
    (outside / "more" / "other.txt").write_text("another")
    os.symlink(outside / "secret.txt", corpus / "link.txt")
    os.symlink(outside / "more", corpus / "folder")
    os.symlink(tmp_path / "gone.txt", corpus / "broken.txt")
    plain = find_files([corpus])
    assert [f.path.name for f in plain.files] == ["inside.txt"]
    assert sorted(plain.notes) == sorted([
        f"not followed: {corpus / 'broken.txt'} is a broken link",
        f"not followed: {corpus / 'folder'} links outside the folders given, to {(outside / 'more').resolve()} "
        f"(--follow-links follows it)",
        f"not followed: {corpus / 'link.txt'} links outside the folders given, to {(outside / 'secret.txt').resolve()} "
        f"(--follow-links follows it)"])
    followed = find_files([corpus], follow_links=True)
    assert sorted(f.source for f in followed.files) == sorted(
        [str(corpus / "inside.txt"), str(corpus / "link.txt"), str(corpus / "folder" / "other.txt")])
    assert f"followed: {corpus / 'link.txt'} -> {(outside / 'secret.txt').resolve()}" in followed.notes


SWEDISH = ("Åsa Öberg leder hamnprojektet i Malmö sedan våren 2019.\n"
           "Hon började arbeta där efter flera år på kommunen i Göteborg.\n")
WESTERN_1252 = {
    "sv": SWEDISH,
    "de": "Jürgen Müller wohnt in Köln und fährt jeden Tag mit dem Fahrrad über die Brücke zur Arbeit.\n",
    "fr": "Le café est très agréable, à côté de l'église. Où êtes-vous allés cet été ? Ça dépend.\n",
    "es": "¿Dónde está la estación? El señor Muñoz llegó a las 9 y pagó £5 por el café.\n",
    "da": "Søren Kierkegaard blev født i København, og hans bøger læses stadig på mange sprog.\n",
    "en": "He said \u201chello\u201d \u2014 and then left\u2026 The ticket cost \u20ac5.\n",
}
CENTRAL_1250 = {
    "cs": "Řidič autobusu přijel do Brna v pět hodin ráno. Cestující byli spokojeni s čistotou vozu.\n",
    "pl": "Zażółć gęślą jaźń. Łódź jest dużym miastem w środkowej Polsce, a Kraków leży na południu.\n",
    "hu": "Árvíztűrő tükörfúrógép. A magyar nyelv gyönyörű és különleges, mondta Kovács Ödön.\n",
}


@pytest.mark.parametrize("language", sorted(WESTERN_1252))
def test_a_windows_1252_text_is_read_as_windows_1252(tmp_path, language):
    (tmp_path / "w.txt").write_bytes(WESTERN_1252[language].encode("cp1252"))
    assert text_of(tmp_path / "w.txt") == WESTERN_1252[language]


@pytest.mark.parametrize("language", sorted(CENTRAL_1250))
def test_a_windows_1250_text_is_still_read_as_windows_1250(tmp_path, language):
    (tmp_path / "c.txt").write_bytes(CENTRAL_1250[language].encode("cp1250"))
    assert text_of(tmp_path / "c.txt") == CENTRAL_1250[language]
