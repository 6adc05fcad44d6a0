"""`assistant chat`: piped and in a pseudo-terminal; follow-ups, slash commands, bad input kept in the session."""

import json
import os
import sys

import pexpect
import pytest

from assistant.query.followups import needs_context, standalone

GAZA = "What did Russia and Kuwait agree on Gaza?"
FOLLOW_UP = "How much aid had they sent by plane?"


def test_piped_questions_are_answered_in_order_with_the_conversation_kept(indexed_real, run, fake_model):
    fake_model.extend(["Both countries called for a halt to military operations in Gaza [1].",
                       "Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1]."])
    result = run("chat", "-v", input=f"{GAZA}\n\n{FOLLOW_UP}\n/sources\n/open 1\n")
    assert result.exit_code == 0, result.output
    assert "rewritten: How much aid had they sent by plane? (Russia, Kuwait, Gaza" in result.stderr
    assert "400 tons" in result.stdout
    assert "seeds/002_8a35e8dbf3f4f508.txt:35" in result.stdout  # /sources, with the full quote
    assert "▶   35" in result.stdout  # /open 1 marks the cited line among its neighbours


def test_slash_commands_change_mode_filters_and_memory(indexed_real, run):
    commands = "/mode extractive\n/filter since=2024-01-01 source=seeds/*\n/filter until=soon\n/reset\n" \
               f"{GAZA}\n/mode loud\n/filter clear\n/nope\n/help\n/exit\nnever asked\n"
    result = run("chat", input=commands)
    assert result.exit_code == 0
    assert "mode: extractive" in result.stdout
    assert "filters: since 2024-01-01, until -, source seeds/*" in result.stdout
    assert "until: soon is not a date" in result.stderr
    assert "/mode: one of grounded, extractive, free" in result.stderr
    assert "unknown command /nope" in result.stderr and "/open N" in result.stdout
    assert "filters: since -, until -, source -" in result.stdout
    assert "never asked" not in result.stdout  # /exit stopped the session


def test_a_filter_matching_nothing_is_refused_and_the_session_goes_on(indexed_real, run):
    result = run("chat", input=f"/mode extractive\n/filter source=nomatch*\n{GAZA}\n/filter source=[/red]x\n")
    assert result.exit_code == 0
    assert result.stderr.count("no ingested document matches that filter; the filters are unchanged") == 2
    assert "Sources" in result.stdout  # the question after the bad filter was answered


def test_open_reads_the_file_where_it_was_indexed_from_another_folder(indexed_real, run, tmp_path_factory):
    latin = indexed_real / "latin"
    latin.mkdir()
    (latin / "minsk.txt").write_bytes("Le président Lukashenko a reçu 300 tonnes de céréales à Minsk jeudi, "
                                      "a déclaré le ministère de l'agriculture.\n".encode("latin-1"))
    assert run("ingest", "latin").exit_code == 0
    os.chdir(tmp_path_factory.mktemp("elsewhere"))
    result = run("chat", "--store", indexed_real / ".assistant", "--mode", "extractive",
                 input="Combien de tonnes de céréales a reçu Lukashenko?\n/open 1\n")
    assert result.exit_code == 0, result.output
    assert "▶    1  Le président Lukashenko a reçu 300 tonnes" in result.stdout
    assert "cannot open" not in result.stderr


def test_follow_ups_lean_on_the_conversation_and_standalone_questions_do_not():
    history = [GAZA]
    assert standalone(FOLLOW_UP, history).startswith(FOLLOW_UP + " (Russia, Kuwait, Gaza")
    assert standalone("How much aid had Kuwait sent by plane?", history) == "How much aid had Kuwait sent by plane?"
    assert standalone(FOLLOW_UP, []) == FOLLOW_UP


@pytest.mark.parametrize("question, standalone_form", [
    ("And what about Iran?", "And what about Iran? (agree)"),
    ("What about the Suez Canal?", "What about the Suez Canal? (agree)"),
    ("What did they say about Iran?", "What did they say about Iran? (Russia, Kuwait, Gaza, agree)"),
    ("And what about it?", "And what about it? (Russia, Kuwait, Gaza, agree)"),
])
def test_a_follow_up_that_names_its_own_subject_drops_the_earlier_names(question, standalone_form):
    assert standalone(question, [GAZA]) == standalone_form


@pytest.mark.parametrize("question, standalone_form", [
    ("Who is responsible for the IT equipment there?", "Who is responsible for the IT equipment there? (Berlin)"),
    ("And when?", "And when? (Berlin, office, move)"),
    ("How much did it cost?", "How much did it cost? (Berlin, office, move)"),
])
def test_a_follow_up_with_a_topic_of_its_own_borrows_only_the_earlier_names(question, standalone_form):
    assert standalone(question, ["Where will the Berlin office move to?"]) == standalone_form


def test_a_what_about_follow_up_is_answered_about_the_new_name_not_the_old_answer(indexed_real, run):
    result = run("chat", "-v", "--mode", "extractive", input=f"{GAZA}\nAnd what about Iran?\n")
    assert result.exit_code == 0, result.output
    assert "rewritten: And what about Iran? (agree)" in result.stderr
    # Cited first: the Putin–Raisi article, whichever of its sentences the int8 models (whose last digits differ
    # between CPUs) put first; not the Kuwait article the earlier answer quoted.
    second_answer = result.stdout.split("mode extractive")[1]
    assert "\n[1] seeds/004_3bfae2fcf57e684b.txt:" in second_answer, result.stdout


@pytest.mark.parametrize("earlier, question, follows", [
    ("When was the Halvorsen dam inspected?", "What is the main risk for the drones?", False),
    ("What does the Lindgren bakery bake on Sundays?", "When do the greenhouse heaters switch on?", False),
    (GAZA, "And Egypt?", True),
    (GAZA, "Why?", True),
    (GAZA, "What about the Suez Canal?", True),
    (GAZA, "Did they meet again?", True),
])
def test_a_follow_up_is_a_question_that_leans_on_the_conversation_not_one_without_a_name(earlier, question,
                                                                                         follows):
    assert needs_context(question, [earlier]) is follows
    assert (standalone(question, [earlier]) != question) is follows


@pytest.mark.slow
def test_a_person_chats_in_a_terminal_with_the_real_model(workdir):
    """Driven in a pseudo-terminal: a question, a follow-up, /sources, Ctrl-C mid-answer, /exit."""
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-m", "assistant", "chat", "-v"], cwd=str(workdir), env=env,
                          encoding="utf-8", timeout=120, dimensions=(50, 200))
    child.logfile_read = sys.stdout  # the whole transcript is shown when the test fails
    try:
        child.expect("/help for commands")
        child.expect("›")
        child.sendline(GAZA)
        child.expect("Sources")
        child.expect("›")
        child.sendline(FOLLOW_UP)
        child.expect("rewritten: ")
        child.expect("Sources")
        child.expect("›")
        child.sendline("/sources")
        child.expect(r"seeds/\S+:\d+")
        child.expect("›")
        child.sendline("/filter source=nomatch*")
        child.expect("the filters are unchanged")
        child.expect("›")
        child.sendline("Describe everything Russia and Saudi Arabia agreed on energy and defense.")
        child.expect("draft:")
        child.sendintr()
        child.expect("cancelled")
        child.expect("›")
        child.sendline("/mode extractive")
        child.expect("mode: extractive")
        child.expect("›")
        child.sendline("/exit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    history = workdir / ".assistant" / "chat_history"
    assert GAZA in history.read_text() and oct(history.stat().st_mode & 0o777) == "0o600"


def test_escape_sequences_in_documents_never_reach_the_terminal_raw(indexed_real, run):
    (indexed_real / "seeds" / "planted.txt").write_text(
        "Harbour cranes\n\nThe \x1b]0;PWNED\x07 harbour of Riverton bought four \x1b[2J cranes for the new pier "
        "in May, the \x1b]8;;http://evil.example\x07port authority\x1b]8;;\x07 said.\n")
    assert run("ingest").exit_code == 0
    result = run("chat", "--mode", "extractive", input="How many cranes did the harbour of Riverton buy?\n/sources\n"
                                                         "/open 1\n")
    assert result.exit_code == 0
    shown = result.stdout + result.stderr
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b]0;PWNED\\x07 harbour" in shown


def test_a_file_edited_since_it_was_indexed_is_named_in_the_answer_and_by_open(indexed_real, run):
    kuwait = indexed_real / "seeds" / "002_8a35e8dbf3f4f508.txt"
    kuwait.write_text("A new first line.\n" + kuwait.read_text())
    asked = run("ask", "How much aid had Kuwait sent by plane?", "--mode", "extractive", "--json")
    assert json.loads(asked.stdout)["changed_sources"] == ["seeds/002_8a35e8dbf3f4f508.txt"]
    shown = run("ask", "How much aid had Kuwait sent by plane?", "--mode", "extractive")
    assert "Changed since indexed: seeds/002_8a35e8dbf3f4f508.txt" in shown.stdout
    chat = run("chat", "--mode", "extractive", input="How much aid had Kuwait sent by plane?\n/open 1\n")
    assert "note: seeds/002_8a35e8dbf3f4f508.txt changed since it was indexed" in chat.stderr
    unchanged = run("ask", "What did Russia and Saudi Arabia discuss?", "--mode", "extractive", "--json")
    assert json.loads(unchanged.stdout)["changed_sources"] == []


def test_a_file_deleted_since_it_was_indexed_is_named_in_the_answer(indexed_real, run):
    (indexed_real / "seeds" / "002_8a35e8dbf3f4f508.txt").unlink()
    asked = json.loads(run("ask", "How much aid had Kuwait sent by plane?", "--mode", "extractive", "--json").stdout)
    assert "seeds/002_8a35e8dbf3f4f508.txt" in {c["source"] for c in asked["citations"]}
    assert asked["removed_sources"] == ["seeds/002_8a35e8dbf3f4f508.txt"] and asked["changed_sources"] == []
    shown = run("ask", "How much aid had Kuwait sent by plane?", "--mode", "extractive")
    assert "No longer on disk: seeds/002_8a35e8dbf3f4f508.txt" in shown.stdout


def test_open_shows_a_window_of_a_very_long_line_around_the_quote(workdir, run):
    filler = "Nothing happened on this day in the quiet town of Tallbo. " * 300
    (workdir / "long.txt").write_text(filler + "The Tornby bridge reopened on 4 May after repairs. " + filler)
    assert run("ingest", "long.txt").exit_code == 0
    chat = run("chat", "--mode", "extractive", input="When did the Tornby bridge reopen?\n/open 1\n")
    assert chat.exit_code == 0, chat.output
    assert "Tornby bridge reopened" in chat.stdout and "more characters)" in chat.stdout
    assert len(chat.stdout) < 5_000  # not the whole 35,000-character line
