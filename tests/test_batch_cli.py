"""`assistant batch`: every input format, bad rows, outputs that are never lost or clobbered, resume by
identity, one writer at a time, and a kill -9 that loses only the questions in flight."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from assistant.batch.output import open_output
from assistant.batch.question_files import BadRow, Question, read_questions
from tests.conftest import assert_citations_valid
from tests.test_providers import free_port

PLANES = "How much aid had Kuwait sent by plane?"
SUEZ = "What did Russia and Egypt agree on the Suez Canal?"


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("name, text", [
    ("q.txt", f"# a comment\n{PLANES}\n\n{SUEZ}\n"),
    ("q.jsonl", json.dumps({"id": "p", "question": PLANES}) + "\n" + json.dumps({"question": SUEZ}) + "\n"),
    ("q.json", json.dumps([{"id": "p", "question": PLANES}, SUEZ])),
    ("q.csv", f"id,question\np,{PLANES}\n,\"{SUEZ}\"\n"),
    ("q.yaml", f"questions:\n  - id: p\n    question: {PLANES}\n  - {SUEZ}\n"),
])
def test_every_input_format_is_answered_in_order_into_jsonl(indexed_real, run, name, text):
    (indexed_real / name).write_text(text)
    result = run("batch", name, "--mode", "extractive")
    assert result.exit_code == 0, result.output
    assert "2 answered (1 abstained), 0 failed" in result.stdout
    answers = records(indexed_real / f"{name}.answers.jsonl")
    assert sorted(a["question"] for a in answers) == sorted([PLANES, SUEZ])
    planes = next(a for a in answers if a["question"] == PLANES)
    assert planes["abstained"] is False and "400 tons" in planes["answer"]
    assert_citations_valid(indexed_real, planes)
    assert next(a for a in answers if a["question"] == SUEZ)["abstained"] is True


def test_question_files_of_one_name_and_different_types_get_their_own_default_outputs(indexed, run):
    (indexed / "q.txt").write_text(f"{PLANES}\n")
    (indexed / "q.csv").write_text(f"question\n{SUEZ}\n")
    assert run("batch", "q.txt", "--mode", "extractive").exit_code == 0
    second = run("batch", "q.csv", "--mode", "extractive")
    assert second.exit_code == 0, second.output
    assert [a["question"] for a in records(indexed / "q.txt.answers.jsonl")] == [PLANES]
    assert [a["question"] for a in records(indexed / "q.csv.answers.jsonl")] == [SUEZ]


def test_bad_rows_are_reported_with_their_lines_recorded_and_the_rest_runs(indexed, run):
    (indexed / "q.jsonl").write_text(
        f'{{"id": "a", "question": "{PLANES}"}}\n{{"question": ""}}\nnot json\n\n'
        f'{{"id": "d", "question": "{PLANES}", "until": "soon"}}\n')
    result = run("batch", "q.jsonl", "--mode", "extractive", "-o", "out.jsonl")
    assert result.exit_code == 0
    for line, reason in [(2, "missing `question`"), (3, "invalid JSON"), (4, "empty line"), (5, "`until` is not a date")]:
        assert f"q.jsonl:{line}: {reason}" in result.stderr
    answers = records(indexed / "out.jsonl")
    assert {a["line"]: bool(a.get("error")) for a in answers} == {1: False, 2: True, 3: True, 4: True, 5: True}
    assert "1 answered" in result.stdout and "0 failed, 4 bad rows" in result.stdout


def test_a_csv_quote_left_open_is_a_bad_row_and_the_next_row_is_still_asked(indexed, run):
    (indexed / "q.csv").write_text(f'id,question\na,"{PLANES}\nb,{SUEZ}\nc,"Who leads Kuwait?\nHis team"\n')
    result = run("batch", "q.csv", "--mode", "extractive", "-o", "out.jsonl")
    assert result.exit_code == 0
    assert "q.csv:2: a quote opened on this line is never closed" in result.stderr.splitlines()
    answers = {a["line"]: a for a in records(indexed / "out.jsonl")}
    assert answers[2]["error"] and answers[3]["id"] == "b" and answers[3]["question"] == SUEZ
    assert answers[4]["question"] == "Who leads Kuwait?\nHis team"  # a quoted question may span lines


def test_a_question_that_is_not_text_says_so(indexed, run):
    (indexed / "q.jsonl").write_text('{"id": "n", "question": 12345}\n{"id": "e", "question": " "}\n')
    result = run("batch", "q.jsonl", "--mode", "extractive", "-o", "out.jsonl")
    assert result.exit_code == 0
    assert "q.jsonl:1: `question` must be text, not a number" in result.stderr.splitlines()
    assert "q.jsonl:2: missing `question`" in result.stderr.splitlines()


def test_a_question_too_long_fails_its_row_and_the_next_is_answered(indexed_real, run):
    (indexed_real / "q.txt").write_text("Why " + "really " * 600 + "?\n" + PLANES + "\n")
    result = run("batch", "q.txt", "--mode", "extractive", "-o", "out.jsonl")
    assert result.exit_code == 0 and "1 answered (0 abstained), 1 failed" in result.stdout
    failed, answered = records(indexed_real / "out.jsonl")
    assert "characters long; the limit is 2,000" in failed["error"]
    assert "400 tons" in answered["answer"]


def test_csv_and_markdown_outputs_hold_answers_and_sources(indexed_real, run):
    (indexed_real / "q.txt").write_text(f"{PLANES}\n{SUEZ}\n")
    assert run("batch", "q.txt", "--mode", "extractive", "-o", "out.csv").exit_code == 0
    with (indexed_real / "out.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["question"] for r in rows] == [PLANES, SUEZ]
    assert rows[0]["sources"].startswith("[1] seeds/002_8a35e8dbf3f4f508.txt:") and rows[1]["abstained"] == "True"
    assert run("batch", "q.txt", "--mode", "extractive", "-o", "out.md").exit_code == 0
    page = (indexed_real / "out.md").read_text()
    assert page.startswith("# Answers") and f": {PLANES}" in page and "Sources:" in page
    assert "The documents don't say." in page


def test_an_existing_output_is_never_overwritten_by_accident_nor_the_input_by_the_output(indexed, run):
    (indexed / "q.txt").write_text(f"{PLANES}\n")
    (indexed / "out.jsonl").write_text('{"id": "x", "question": "kept"}\n')
    result = run("batch", "q.txt", "-o", "out.jsonl")
    assert result.exit_code == 1 and "--resume" in result.stderr
    assert (indexed / "out.jsonl").read_text() == '{"id": "x", "question": "kept"}\n'
    (indexed / "self.jsonl").write_text(json.dumps({"question": PLANES}) + "\n")
    for flags in (["--overwrite"], ["--resume"]):
        same = run("batch", "self.jsonl", "-o", "self.jsonl", *flags)
        assert same.exit_code == 1 and "is the question file itself" in same.stderr
    assert (indexed / "self.jsonl").read_text() == json.dumps({"question": PLANES}) + "\n"


def test_a_second_writer_to_the_same_output_is_refused(indexed, run):
    (indexed / "q.txt").write_text(f"{PLANES}\n")
    with open_output(indexed / "out.jsonl", indexed / "q.txt"):
        result = run("batch", "q.txt", "-o", "out.jsonl", "--overwrite", "--mode", "extractive")
    assert result.exit_code == 1 and "another batch is writing to out.jsonl" in result.stderr


def test_resume_skips_what_is_done_cuts_a_torn_tail_and_writes_no_duplicate(indexed, run):
    (indexed / "q.jsonl").write_text("".join(json.dumps({"id": f"q{i}", "question": PLANES}) + "\n" for i in range(3)))
    (indexed / "out.jsonl").write_text(json.dumps({"id": "q0", "line": 1, "question": PLANES, "answer": "earlier"})
                                       + '\n{"id": "q1", "line": 2, "quest')
    result = run("batch", "q.jsonl", "-o", "out.jsonl", "--resume", "--mode", "extractive")
    assert result.exit_code == 0 and "1 already done" in result.stdout
    assert "cut an unfinished last record" in result.stderr
    answers = records(indexed / "out.jsonl")
    assert sorted(a["id"] for a in answers) == ["q0", "q1", "q2"]
    assert answers[0]["answer"] == "earlier"


def test_resume_after_editing_or_moving_rows_matches_rows_by_content(indexed, run):
    questions = [f"Question number {n} about the Kuwaiti aid flights?" for n in range(1, 5)]
    (indexed / "q.txt").write_text("\n".join(questions) + "\n")
    assert run("batch", "q.txt", "-o", "out.jsonl", "--mode", "extractive").exit_code == 0
    first = {a["question"]: a["id"] for a in records(indexed / "out.jsonl")}
    edited = ["An inserted first question about Gaza?", *questions[:2], "Question number 3, reworded, about aid?",
              questions[3]]
    (indexed / "q.txt").write_text("\n".join(edited) + "\n")
    result = run("batch", "q.txt", "-o", "out.jsonl", "--resume", "--mode", "extractive")
    assert result.exit_code == 0
    assert "3 already done" in result.stdout and "1 earlier answers for questions no longer in the file kept" in result.stdout
    answers = records(indexed / "out.jsonl")
    ids = [a["id"] for a in answers]
    assert len(ids) == len(set(ids)) == 6  # four first answers, then the inserted and the reworded question
    assert all(first[q] == next(a["id"] for a in answers if a["question"] == q) for q in questions)


@pytest.mark.parametrize("first, second", [("a1", "a1"), (4, "4")])
def test_a_repeated_id_is_refused_up_front_naming_both_lines(indexed, run, first, second):
    (indexed / "q.jsonl").write_text(json.dumps({"id": first, "question": PLANES}) + "\n"
                                     + json.dumps({"id": "b", "question": "Who leads Kuwait?"}) + "\n"
                                     + json.dumps({"id": second, "question": SUEZ}) + "\n")
    result = run("batch", "q.jsonl", "--mode", "extractive")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"error: q.jsonl:1 and q.jsonl:3 both have id {second}; each id must be unique"]
    assert not (indexed / "q.jsonl.answers.jsonl").exists()


@pytest.mark.parametrize("name, content, message", [
    ("missing.txt", None, "missing.txt: no such file"),
    ("q.pdf", b"%PDF", "unknown question file type .pdf"),
    ("q.txt", b"\x00\x01binary", "binary file"),
    ("q.json", b"{not json", "invalid JSON at line 1"),
    ("q.csv", b"text\nhello\n", "needs a `question` column"),
])
def test_an_unreadable_question_file_is_one_line_and_exit_1(indexed, run, name, content, message):
    if content is not None:
        (indexed / name).write_bytes(content)
    result = run("batch", name)
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.output


def test_a_failing_model_server_is_recorded_per_question_and_the_run_goes_on(indexed_real, run, models, monkeypatch):
    models.real_chat = True
    monkeypatch.setenv("ASSISTANT_PROVIDER", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("ASSISTANT_MAX_RETRIES", "0")
    (indexed_real / "q.txt").write_text(f"{PLANES}\n{SUEZ}\n")
    result = run("batch", "q.txt", "-o", "out.jsonl")
    assert result.exit_code == 0
    answers = records(indexed_real / "out.jsonl")
    failed = [a for a in answers if a.get("error")]
    assert len(failed) == 1 and "cannot reach the model server" in failed[0]["error"]
    assert "1 answered (1 abstained), 1 failed" in result.stdout  # Suez abstains before any model call


def test_parallel_workers_answer_each_question_once(indexed_real, run, fake_model):
    fake_model.extend(["Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1]."] * 12)
    (indexed_real / "q.jsonl").write_text("".join(json.dumps({"id": str(i), "question": PLANES}) + "\n"
                                                  for i in range(12)))
    result = run("batch", "q.jsonl", "--workers", "4")
    assert result.exit_code == 0, result.output
    answers = records(indexed_real / "q.jsonl.answers.jsonl")
    assert sorted(int(a["id"]) for a in answers) == list(range(12))
    assert all("400 tons" in a["answer"] for a in answers)


def test_reader_keeps_ids_filters_and_line_numbers(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("- id: 7\n  question: Who?\n  source: 'seeds/00*'\n  since: '20231207'\n"
                    "- {question: ''}\n- 42\n")
    rows = read_questions(path)
    # Dates are stored as YYYY-MM-DD: the compact form would compare wrongly against document dates.
    assert rows[0] == Question(line=1, question="Who?", id="7", source="seeds/00*", since="2023-12-07")
    assert isinstance(rows[1], BadRow) and (rows[1].line, rows[1].error) == (2, "missing `question`")
    assert isinstance(rows[2], BadRow) and (rows[2].line, rows[2].error) == (3, "expected an object with a `question`")


@pytest.mark.slow
def test_kill_9_mid_run_loses_only_questions_in_flight_and_resume_completes(workdir):
    questions = [{"id": f"q{i}", "question": PLANES if i % 2 else SUEZ} for i in range(40)]
    (workdir / "q.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions))
    command = [sys.executable, "-m", "assistant", "batch", "q.jsonl", "-o", "out.jsonl", "--mode", "extractive"]
    assert subprocess.run([sys.executable, "-m", "assistant", "ingest"], capture_output=True).returncode == 0
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = workdir / "out.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 5):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    kept = out.read_text().count("\n")
    assert 5 <= kept < 40, "the run should have been killed part-way"
    records(out)  # every line written is whole JSON
    finished = subprocess.run(command + ["--resume"], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert f"{kept} already done" in finished.stdout
    assert sorted(a["id"] for a in records(out)) == sorted(q["id"] for q in questions)


@pytest.mark.slow
def test_two_batches_started_together_write_each_answer_once(workdir):
    (workdir / "q.txt").write_text("\n".join([PLANES, SUEZ] * 10) + "\n")
    assert subprocess.run([sys.executable, "-m", "assistant", "ingest"], capture_output=True).returncode == 0
    command = [sys.executable, "-m", "assistant", "batch", "q.txt", "-o", "conc.jsonl", "--mode", "extractive"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    time.sleep(0.5)
    runs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outcomes = sorted((process.wait(timeout=300), process.stderr.read()) for process in runs)
    assert [code for code, _ in outcomes] == [0, 1]
    assert "another batch is writing to conc.jsonl" in outcomes[1][1]
    assert len(records(workdir / "conc.jsonl")) == 20


def test_output_folders_are_private_and_odd_file_names_are_shown_as_they_are(indexed, run):
    (indexed / "[draft] q.txt").write_text(f"{PLANES}\n")
    result = run("batch", "[draft] q.txt", "-o", "new/deeper/out.jsonl", "--mode", "extractive")
    assert result.exit_code == 0, result.output
    for folder in (indexed / "new", indexed / "new" / "deeper"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((indexed / "new" / "deeper" / "out.jsonl").stat().st_mode & 0o777) == "0o600"
    missing = run("batch", "[/red]gone.txt")
    assert missing.exit_code == 1 and "[/red]gone.txt: no such file" in missing.stderr
