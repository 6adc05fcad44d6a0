"""The local model runs in a process of its own: a native crash there is one line for people, a batch keeps its
finished answers and records the failed question, a chat keeps its history, and the next question starts the
model again. The real model decodes a real prompt on this CPU (slow tier)."""

import json

import pytest

from assistant.providers.llamacpp import LlamaCppChat, LocalModelError
from assistant.providers.llamacpp_worker import default_gguf

GAZA = "What did Russia and Kuwait agree on Gaza?"
PLANES = "How much aid had Kuwait sent by plane?"
PLANES_ANSWER = "Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1]."
GAZA_ANSWER = "They agreed on the importance of stopping the war in Gaza and allowing aid in [1]."


def test_a_crash_mid_answer_is_one_line_naming_the_signal_and_what_to_do(indexed_real, run, scripted_model):
    scripted_model("crash")
    result = run("ask", GAZA)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: the local model's process was killed by SIGSEGV before it finished; nothing was lost, but this "
        "answer has no model text: answer with --mode extractive (no language model), or set OPENAI_BASE_URL to "
        "a model server (see README, 'Model providers')"]
    assert result.stdout == ""


def test_with_json_a_crash_is_a_json_error(indexed_real, run, scripted_model):
    scripted_model("crash")
    result = run("ask", GAZA, "--json")
    assert result.exit_code == 1
    assert "killed by SIGSEGV" in json.loads(result.stdout)["error"]


def test_a_batch_keeps_finished_answers_records_the_crash_and_goes_on(indexed_real, run, scripted_model):
    scripted_model(f"answer {GAZA_ANSWER}", "crash", f"answer {PLANES_ANSWER}")
    (indexed_real / "q.txt").write_text(f"{GAZA}\nWhat did Russia and Kuwait say about the war in Gaza?\n{PLANES}\n")
    result = run("batch", "q.txt", "-o", "out.jsonl")
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in (indexed_real / "out.jsonl").read_text().splitlines()]
    by_line = {a["line"]: a for a in answers}
    assert "stopping the war" in by_line[1]["answer"]
    assert "killed by SIGSEGV" in by_line[2]["error"]
    assert "400 tons" in by_line[3]["answer"]  # a new model process answered after the crash
    assert "2 answered" in result.stdout and "1 failed" in result.stdout


def test_a_chat_survives_a_crash_and_keeps_its_history(indexed_real, run, scripted_model):
    scripted_model(f"answer {GAZA_ANSWER}", "crash", f"answer {PLANES_ANSWER}")
    result = run("chat", "-v", input=f"{GAZA}\nWhat else did they agree?\nHow much aid had they sent by plane?\n")
    assert result.exit_code == 0, result.output
    assert "stopping the war" in result.stdout
    assert "killed by SIGSEGV" in result.stderr
    assert "400 tons" in result.stdout
    assert "rewritten: How much aid had they sent by plane? (Russia, Kuwait" in result.stderr  # history kept


def test_a_file_that_is_not_a_model_is_one_line(indexed_real, run, models, monkeypatch):
    models.real_chat = True
    (indexed_real / "fake.gguf").write_bytes(b"GGUF but not really a model")
    monkeypatch.setenv("ASSISTANT_MODEL", str(indexed_real / "fake.gguf"))
    result = run("ask", GAZA)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: the local model failed: cannot load {indexed_real / 'fake.gguf'}")


def test_an_interrupted_answer_leaves_no_reply_behind_for_the_next_one(tmp_path):
    import sys
    from pathlib import Path

    script = tmp_path / "script"
    script.write_text("answer first answer\nanswer second answer\n")
    worker = Path(__file__).parent / "scripted_worker.py"
    chat = LlamaCppChat(model_path="scripted", command=[sys.executable, str(worker), str(script)])
    pieces = chat.process.chat({"messages": []})
    next(pieces)
    pieces.close()  # the reader stopped mid-reply, as Ctrl-C does
    assert chat.invoke("again").content == "second answer"


@pytest.mark.slow
def test_the_embedded_model_loads_and_decodes_a_real_prompt_on_this_cpu():
    chat = LlamaCppChat(model_path=str(default_gguf()), max_tokens=40)
    evidence = ("[1] The Kuwaiti minister said both sides agreed on the importance of stopping the war in Gaza "
                "immediately and allowing humanitarian aid to enter the Strip.")
    reply = chat.invoke([("system", "Answer from the evidence and cite it like [1]."),
                         ("human", f"{evidence}\nQuestion: {GAZA}")]).content
    assert isinstance(reply, str) and len(reply.split()) >= 3
    assert any(word in reply for word in ("Gaza", "war", "aid", "Kuwait"))


@pytest.mark.slow
def test_a_prompt_longer_than_the_context_is_one_line_and_the_model_answers_after_it():
    chat = LlamaCppChat(model_path=str(default_gguf()), context_window=512, max_tokens=8)
    with pytest.raises(LocalModelError, match="the prompt is too long for the model"):
        chat.invoke("word " * 2000)
    assert chat.invoke("Say hello.").content
