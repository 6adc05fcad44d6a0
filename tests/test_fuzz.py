"""Property tests: whatever bytes arrive, the readers answer with data or their own one-line error."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.documents import SourceFile, UnreadableFile, find_files, read_document
from assistant.ingest import prepare
from assistant.questions import BadRow, Question, QuestionFileError, read_questions
from assistant.suite import Suite, SuiteError, load_suite

FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENCODINGS = ["utf-8", "utf-16", "latin-1", "cp1252", "shift_jis"]
text_or_bytes = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda t, e: t.encode(e, errors="ignore"), st.text(max_size=1500), st.sampled_from(ENCODINGS)),
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=text_or_bytes)
@example(data=b"'")  # once crashed the sentence splitter
@example(data=b"\"\n)\n'")
def test_any_file_is_read_and_chunked_or_refused_with_a_reason(tmp_path, data):
    path = write(tmp_path, "doc.txt", data)
    try:
        document = read_document(SourceFile(source="doc.txt", path=path))
    except UnreadableFile as reason:
        assert str(reason)
        return
    info, chunks = prepare(document)
    lines = len(document.lines)
    for chunk in chunks:
        for span in chunk:
            assert 1 <= span.start_line <= span.end_line <= lines
            assert span.text.strip()


@FUZZ
@given(data=text_or_bytes, suffix=st.sampled_from([".txt", ".jsonl", ".json", ".csv", ".yaml"]))
def test_any_question_file_gives_rows_or_one_error(tmp_path, data, suffix):
    path = write(tmp_path, f"q{suffix}", data)
    try:
        rows = read_questions(path)
    except QuestionFileError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert all(isinstance(r, (Question, BadRow)) and r.line >= 1 for r in rows)


@FUZZ
@given(data=text_or_bytes)
def test_any_suite_file_is_a_suite_or_an_error_naming_its_line(tmp_path, data):
    path = write(tmp_path, "s.yaml", data)
    try:
        assert isinstance(load_suite(path), Suite)
    except SuiteError as error:
        assert str(error).startswith(str(path))


@FUZZ
@given(cases=st.lists(st.dictionaries(st.sampled_from(["question", "id", "answerable", "must_include", "evidence"]),
                                      st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(),
                                                st.lists(st.text(max_size=5), max_size=3)),
                                      max_size=5), max_size=5))
def test_structured_but_wrong_suites_name_the_problem(tmp_path, cases):
    import yaml

    path = write(tmp_path, "s.yaml", yaml.safe_dump({"name": "x", "cases": cases}).encode())
    try:
        load_suite(path)
    except SuiteError as error:
        assert ":" in str(error)


def test_a_one_megabyte_line_is_chunked_into_bounded_pieces(tmp_path):
    path = write(tmp_path, "huge.txt", ("word " * 200_000).encode())
    _, chunks = prepare(read_document(SourceFile(source="huge.txt", path=path)))
    assert chunks and max(len(s.text) for chunk in chunks for s in chunk) <= 700


def test_deep_folders_and_symlink_loops_end(tmp_path):
    folder = tmp_path
    for level in range(120):
        folder = folder / f"d{level}"
    folder.mkdir(parents=True)
    (folder / "deep.txt").write_text("A sentence deep in the tree.")
    os.symlink(tmp_path, folder / "loop")
    files, problems = find_files([tmp_path])
    assert [f.path.name for f in files] == ["deep.txt"] and not problems


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "latin-1", "cp1252"])
def test_odd_encodings_read_back_the_same_text(tmp_path, encoding):
    text = "Le président a visité Moscou en décembre.\nThe 2nd line.\n"
    path = write(tmp_path, "enc.txt", text.encode(encoding))
    try:
        document = read_document(SourceFile(source="enc.txt", path=path))
    except UnreadableFile:
        pytest.fail(f"{encoding} text was refused")
    assert "Moscou" in document.text and "The 2nd line." in document.text
