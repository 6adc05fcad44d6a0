import json
import subprocess
import sys

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from tests.conftest import assert_citations_valid

KUWAIT = "seeds/002_8a35e8dbf3f4f508.txt"
TRUE_SENTENCE = "Kuwaiti planes delivered about 400 tons of medicine and aid supplies."


def summarize(run, *args):
    result = run("summarize", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


class CountingModel(FakeListChatModel):
    calls: int = 0

    def _call(self, *args, **kwargs):
        self.calls += 1
        return super()._call(*args, **kwargs)


@pytest.fixture
def model(monkeypatch):
    """A fake chat model that counts its calls."""
    made = CountingModel(responses=[TRUE_SENTENCE])
    monkeypatch.setattr("assistant.engine.chat_model", lambda settings: made)
    return made


def test_a_document_summary_is_checked_cited_and_cached_until_the_document_changes(workdir, run, model):
    first = summarize(run, KUWAIT)
    assert first["kind"] == "document" and first["target"] == KUWAIT and first["cached"] is False
    assert "400 tons" in first["summary"] and "[1]" in first["summary"]
    # The model's one supported sentence, then the document's central sentences up to medium length (4).
    assert [s["status"] for s in first["sentences"]] == ["supported", "extractive", "extractive", "extractive"]
    assert first["citations"][0]["source"] == KUWAIT
    assert_citations_valid(workdir, first)
    calls = model.calls
    again = summarize(run, KUWAIT)
    assert again["cached"] is True and again["summary"] == first["summary"] and model.calls == calls
    assert summarize(run, KUWAIT, "--no-cache")["cached"] is False
    with (workdir / KUWAIT).open("a") as handle:
        handle.write("\nThe minister also visited a school in Moscow on Friday.\n")
    assert run("ingest").exit_code == 0
    assert summarize(run, KUWAIT)["cached"] is False
    assert oct((workdir / "store" / "summaries").stat().st_mode & 0o777) == "0o700"


def test_invented_summary_sentences_give_way_to_the_documents_central_sentences(workdir, run, monkeypatch):
    monkeypatch.setattr("assistant.engine.chat_model",
                        lambda settings: FakeListChatModel(responses=["Egypt built 75 bridges in Norway."]))
    result = summarize(run, KUWAIT, "--length", "short")
    statuses = [s["status"] for s in result["sentences"]]
    assert statuses[0] == "dropped" and statuses[1:] == ["extractive", "extractive"]
    assert "Egypt" not in result["summary"] and len(result["citations"]) == 2
    assert_citations_valid(workdir, result)


def test_a_document_many_times_the_context_is_summarized_by_map_reduce(workdir, run, model):
    paragraphs = [f"In {1900 + i} the harbour of Port Elra handled {1000 + i} ships, a record for the town. "
                  f"The mayor that year was named Ada {chr(65 + i % 26)}orne." for i in range(1000)]
    (workdir / "seeds" / "long.txt").write_text("Port Elra harbour history\n\n" + "\n\n".join(paragraphs))
    assert run("ingest").exit_code == 0
    model.responses = ["In 1900 the harbour of Port Elra handled 1000 ships, a record for the town."]
    result = summarize(run, "seeds/long.txt")
    assert sum(len(p) for p in paragraphs) / 4 > 10 * 2048  # over ten times the 2,048-token context
    assert model.calls > 20  # one call per window, then the reduce calls
    assert "1000 ships" in result["summary"] and result["sentences"][0]["status"] == "supported"
    assert_citations_valid(workdir, result)


def test_a_topic_summary_is_grouped_by_document_and_declines_unknown_topics(workdir, run, model):
    result = summarize(run, "--topic", "humanitarian aid to Gaza")
    assert result["kind"] == "topic" and not result["abstained"]
    assert len({c["source"] for c in result["citations"]}) >= 2
    assert result["summary"].count("\n\n") >= 1  # one paragraph per document
    assert_citations_valid(workdir, result)
    declined = summarize(run, "--topic", "the Suez Canal expansion in Egypt")
    assert declined["abstained"] is True and declined["citations"] == []


def test_the_corpus_overview_has_a_paragraph_per_document_and_cited_common_threads(workdir, run, model):
    result = summarize(run, "--all", "--length", "short")
    paragraphs = result["summary"].split("\n\n")
    assert len(paragraphs) == 6  # five documents, then the common threads
    assert "Common thread: Russia" in paragraphs[-1] or "Common thread: Putin" in paragraphs[-1]
    assert_citations_valid(workdir, result)


@pytest.mark.parametrize("args, code, message", [
    (["missing.txt"], 1, "missing.txt is not an ingested document"),
    ([KUWAIT, "--topic", "Gaza"], 2, "exactly one of PATH, --topic TOPIC or --all"),
    (["--all", "--length", "huge"], 2, "short, medium, long"),
])
def test_bad_summary_requests_are_one_line(workdir, run, model, args, code, message):
    result = run("summarize", *args)
    assert result.exit_code == code and message in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_the_real_local_model_summarizes_a_seed_document_with_valid_citations(workdir):
    result = subprocess.run([sys.executable, "-m", "assistant", "summarize", KUWAIT, "--json"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["citations"] and all(s["status"] != "unchecked" for s in summary["sentences"])
    assert_citations_valid(workdir, summary)


def test_extractive_summaries_quote_the_document_and_load_no_model(workdir, run, monkeypatch):
    def no_model(settings):
        raise AssertionError("extractive summaries must not load a model")

    monkeypatch.setattr("assistant.engine.chat_model", no_model)
    result = summarize(run, KUWAIT, "--mode", "extractive", "--length", "short")
    assert result["model"]["name"] == "extractive"
    assert [s["status"] for s in result["sentences"]] == ["extractive", "extractive"]
    assert_citations_valid(workdir, result)
    topic = summarize(run, "--topic", "humanitarian aid to Gaza", "--mode", "extractive")
    assert topic["citations"] and all(s["status"] == "extractive" for s in topic["sentences"])


def test_map_reduce_ends_even_when_every_partial_summary_is_long(tmp_path):
    from assistant.summarize import Summarizer

    chat = CountingModel(responses=["A long partial summary sentence. " * 150])  # ~5,000 characters each time
    summarizer = Summarizer(None, None, None, lambda: chat, {}, context_window=2048, max_tokens=160,
                            cache_dir=tmp_path)
    result = summarizer._map_reduce(["Some document text. " * 50] * 40, count=2)
    assert result.startswith("A long partial summary") and chat.calls < 60
