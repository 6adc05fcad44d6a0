"""Property tests: whatever bytes arrive, the readers answer with data or their own one-line error."""

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.batch.question_files import BadRow, Question, QuestionFileError, read_questions
from assistant.config import Settings
from assistant.errors import UnreadableFile
from assistant.evaluation.suite import Suite, SuiteError, load_suite
from assistant.ingest.files import SourceFile, decode, find_files, read_bytes
from assistant.ingest.pipeline import Pipeline, prepare

FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENCODINGS = ["utf-8", "utf-16", "latin-1", "cp1252", "shift_jis"]
text_or_bytes = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda t, e: t.encode(e, errors="ignore"), st.text(max_size=1500), st.sampled_from(ENCODINGS)),
)


PIPELINE = Pipeline(Settings().chunking, Settings().ingest)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(path: Path, name: str):
    return prepare(read_bytes(SourceFile(source=name, path=path), 10**8), PIPELINE)


@FUZZ
@given(data=text_or_bytes)
@example(data=b"'")  # once crashed the sentence splitter
@example(data=b"\"\n)\n'")
def test_any_file_is_read_and_chunked_or_refused_with_a_reason(tmp_path, data):
    path = write(tmp_path, "doc.txt", data)
    try:
        _, chunks = read(path, "doc.txt")
    except UnreadableFile as reason:
        assert str(reason) and "\n" not in str(reason)
        return
    lines = len(decode(data).split("\n"))
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
        # The message names the file, then the line, then the field at fault.
        assert re.match(rf"{re.escape(str(path))}:\d+: (cases|name|thresholds)", str(error)), str(error)


def test_a_one_megabyte_line_is_chunked_into_bounded_pieces(tmp_path):
    path = write(tmp_path, "huge.txt", ("word " * 200_000).encode())
    _, chunks = read(path, "huge.txt")
    assert chunks and max(len(s.text) for chunk in chunks for s in chunk) <= 700


def test_deep_folders_and_symlink_loops_end(tmp_path):
    folder = tmp_path
    for level in range(120):
        folder = folder / f"d{level}"
    folder.mkdir(parents=True)
    (folder / "deep.txt").write_text("A sentence deep in the tree.")
    os.symlink(tmp_path, folder / "loop")
    found = find_files([tmp_path])
    assert [f.path.name for f in found.files] == ["deep.txt"] and not found.problems


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "latin-1", "cp1252"])
def test_odd_encodings_read_back_the_same_text(tmp_path, encoding):
    text = "Le président a visité Moscou en décembre.\nThe 2nd line.\n"
    path = write(tmp_path, "enc.txt", text.encode(encoding))
    try:
        _, chunks = read(path, "enc.txt")
    except UnreadableFile:
        pytest.fail(f"{encoding} text was refused")
    said = " ".join(s.text for chunk in chunks for s in chunk)
    assert "Moscou" in said and "The 2nd line." in said
