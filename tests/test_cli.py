"""The command itself: version, help shown whole, nothing heavy imported to start, and no input of any kind
(document text, file names, arguments) yields a traceback or a raw control character on the terminal."""

import re
import subprocess
import sys

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant import __version__

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HEAVY = ("chromadb", "langchain_core", "langchain_chroma", "llama_cpp", "onnxruntime", "openai", "numpy")


def test_version_and_short_help(run):
    assert run("--version").stdout.strip() == f"assistant {__version__}"
    assert "Commands" in run("-h").stdout


def test_help_text_in_square_brackets_is_shown_whole(run):
    ingest = " ".join(run("ingest", "--help").stdout.split())
    assert "[env: ASSISTANT_STORE; default ./.assistant]" in ingest
    batch = " ".join(run("batch", "--help").stdout.split())
    assert "[default: FILE.answers.jsonl]" in batch


def test_help_and_reading_suites_or_question_files_import_nothing_heavy(tmp_path):
    (tmp_path / "q.csv").write_text("question\nWhat happened?\n")
    script = (
        "import sys\nfrom pathlib import Path\nfrom typer.testing import CliRunner\nfrom assistant.cli.app import app\n"
        "for args in (['--help'], ['status', '--help'], ['ask', '--help']):\n    CliRunner().invoke(app, args)\n"
        "from assistant.evaluation.suite import load_suite\nfrom assistant.batch.question_files import read_questions\n"
        f"load_suite(Path({str(__file__)!r}).parent.parent / 'evals' / 'seeds.yaml')\n"
        f"read_questions(Path({str(tmp_path / 'q.csv')!r}))\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


names = st.text(alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=16)
texts = st.one_of(st.text(max_size=300), st.sampled_from([
    "\x1b]0;TITLE\x07 The harbour of Riverton got new cranes in May.",
    "\x1b[2J\x1b[31m[bold]Riverton[/bold] [/red] council approved the harbour budget.",
    "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 the harbour cranes cost 4 million.",
]))
arguments = st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(["[/red]x", "\x1b[2J", "seeds/[a-", "*?["]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, name=names, argument=arguments)
@example(text="\x1b]0;TITLE\x07 Riverton harbour cranes.", name="\x1b[2J[bold]x", argument="[/red]nothere")
def test_no_input_yields_a_traceback_or_a_raw_control_character(workdir, run, models, text, name, argument):
    models.no_chat = True  # every command here runs without a chat model
    folder = workdir / "docs"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    try:
        (folder / f"{name}.txt").write_text(text + "\nThe harbour of Riverton got new cranes and a new pier.\n",
                                            encoding="utf-8", errors="surrogateescape")
    except OSError:
        return  # a name this file system refuses
    outputs = [run("ingest", "docs"), run("status"), run("search", argument), run("search", "cranes", "--source", argument),
               run("ask", argument, "--mode", "extractive"), run("ask", "What did the harbour get?", "--mode", "extractive"),
               run("summarize", argument, "--mode", "extractive"), run("ingest", argument)]
    for result in outputs:
        assert result.exit_code in (0, 1, 2), result.output
        shown = result.stdout + result.stderr
        assert not RAW_CONTROL.search(shown), repr(shown)
