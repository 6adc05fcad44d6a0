"""benchmarks/news.py's report on a hand-made built folder: the product beside its baselines, with intervals, rescored
from stored answers (no model, no snapshot)."""

import json
from pathlib import Path

import pytest

from benchmarks import news

DOCS = {
    "top1": "Date: 2023-01-05\nMill sale: what we know so far about the deal\n\nBy Staff\n"
            "Analysts said paper demand fell last year. Shares rose 4.5 percent on the news.\n"
            "Hillford Paper agreed to buy Riverton Mills on Tuesday.\n",
    "gold1": "Date: 2023-01-04\nHillford Paper buys Riverton Mills for $4.5 billion\n\n"
             "Hillford Paper agreed to buy Riverton Mills, the company said. It paid $4.5 billion for the mills.\n"
             "The deal closes in March.\n",
}
ROWS = [
    {"id": "q1", "role": "answerable", "date": "2023-01-06", "question": "Which company agreed to buy Riverton Mills?",
     "choices": ["Lakeside Paper", "Hillford Paper", "Northgate Timber", "Hillford Steel"], "answer": "Hillford Paper",
     "answer_kind": "name", "gold_docs": ["gold1", "top1"]},
    {"id": "q2", "role": "answerable", "date": "2023-01-06", "question": "How much did Hillford pay for the mills?",
     "choices": ["$2 billion", "$4.5 billion", "$450 million", "$45 billion"], "answer": "$4.5 billion",
     "answer_kind": "number", "gold_docs": ["gold1"]},
    {"id": "q3", "role": "natural", "date": "2023-01-06", "question": "Who chairs the Riverton Mills board?",
     "choices": ["Ann Lee", "Bo Park", "Cy Tan", "Di Wu"], "answer": "Ann Lee", "answer_kind": "name", "gold_docs": []},
]


def _answer(said, abstained=False, span=None, retrieved=(), cited=(), ms=400.0, mode="extractive"):
    sentences = ([{"text": f"{span}.", "cited": [1], "status": "span"}] if span else []) + (
        [{"text": said, "cited": [1], "status": "extractive"}] if not abstained else [])
    return {"answer": said, "abstained": abstained, "mode": mode, "sentences": sentences,
            "citations": [{"source": f"/x/corpus/{d}.txt"} for d in cited],
            "retrieved": [{"source": f"/x/corpus/{d}.txt"} for d in retrieved],
            "timings": {"total_ms": ms}, "confidence": 0.9}


ANSWERS = [
    _answer("Hillford Paper. [1] “Hillford Paper agreed to buy Riverton Mills on Tuesday.” [1]", span="Hillford Paper",
            retrieved=["top1", "top1", "gold1"], cited=["top1"]),
    _answer("“Shares rose 4.5 percent on the news.” [1]", retrieved=["top1", "gold1"], cited=["top1"], ms=600.0),
    _answer("The documents don't say.", abstained=True, retrieved=["top1"], ms=300.0),
]


def _built(folder: Path, year: int = 2023) -> Path:
    (folder / "corpus").mkdir(parents=True)
    for name, text in DOCS.items():
        (folder / "corpus" / f"{name}.txt").write_text(text)
    (folder / "questions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    (folder / "summary.json").write_text(json.dumps({"year": year, "weeks": ["20230106"]}))
    return folder


def _stored(folder: Path, name: str, entries: list[dict]) -> None:
    (folder / name).write_text(json.dumps({"questions": entries}))


def test_record_keeps_what_rescoring_needs():
    rec = news.record(ANSWERS[0])
    assert rec["span"] == "Hillford Paper." and rec["retrieved_docs"] == ["top1", "gold1"]
    assert rec["cited_docs"] == ["top1"] and rec["ms"] == 400.0 and not rec["quote_fallback"]
    outcome = news.score(ROWS[0], rec)
    assert outcome["result"] == outcome["short_result"] == "correct" and outcome["gold_first"]
    assert news.score(ROWS[1], news.record(ANSWERS[1]))["result"] == "incomplete"
    assert news.score(ROWS[2], news.record(ANSWERS[2]))["result"] == "declined"


def test_as_of_with_and_without_the_date():
    assert news.as_of(ROWS[0]).until == "2023-01-06"
    assert news.as_of(ROWS[0], dated=False).until is None


def test_body_sentences_skip_date_title_and_short_lines():
    sentences = news.body_sentences(DOCS["top1"])
    assert sentences[:2] == ["Analysts said paper demand fell last year.", "Shares rose 4.5 percent on the news."]
    assert all("Mill sale" not in s and s != "By Staff" for s in sentences)


def test_rescore_reports_product_and_baselines_with_intervals(tmp_path, capsys):
    out = _built(tmp_path / "news")
    _stored(out, "report-extractive.json", [news.score(r, news.record(a)) for r, a in zip(ROWS, ANSWERS)])
    log = news.heldout.LOG
    before = log.read_bytes() if log.exists() else None
    news.main(["--rescore", "--year", "2023", "--out", str(out), "--modes", "extractive", "--resamples", "200"])
    assert (log.read_bytes() if log.exists() else None) == before  # development runs are not logged
    printed = capsys.readouterr().out
    assert "as of each question's date" in printed and "lead-2 top" in printed and "above lead-2 top" in printed
    report = json.loads((out / "table.json").read_text())
    columns = report["columns"]
    assert list(columns) == ["extractive", "lead-2 top", "lead-2 gold", "random-2 top"]
    assert columns["extractive"]["answer_correct"]["value"] == 0.5
    assert columns["extractive"]["short_answer_correct"]["value"] == 0.5
    assert columns["extractive"]["unanswerable_declined"]["value"] == 1.0
    assert columns["extractive"]["answer_correct"]["n"] == 2
    assert columns["lead-2 top"]["answer_correct"]["value"] == 0.0  # its lead is about demand and shares
    assert columns["lead-2 gold"]["answer_correct"]["value"] == 1.0  # the oracle's lead states both answers
    for figure in (f for figures in columns.values() for f in figures.values() if isinstance(f, dict)):
        assert figure["low"] <= figure["value"] <= figure["high"]
    assert report["above_lead2_top"]["extractive"]["answer_correct"]["value"] == 0.5
    assert "gold_cited" not in columns["lead-2 top"]  # baselines are not given figures they cannot have
    baselines = json.loads((out / "baselines.json").read_text())["questions"]
    assert baselines["lead-2 top"][0]["doc"] == "top1" and baselines["lead-2 gold"][0]["doc"] == "gold1"


def test_a_reader_mode_is_compared_with_words_only_on_the_same_questions(tmp_path, capsys):
    out = _built(tmp_path / "news")
    spans = [news.score(r, news.record(a)) for r, a in zip(ROWS, ANSWERS)]
    words = [news.score(r, news.record(a)) for r, a in zip(ROWS, [ANSWERS[1], ANSWERS[1], ANSWERS[2]])]
    _stored(out, "report-extractive-spans.json", spans)
    _stored(out, "report-extractive-words.json", words)
    news.main(["--rescore", "--year", "2023", "--out", str(out), "--modes", "extractive/words", "extractive/spans",
               "--resamples", "200"])
    report = json.loads((out / "table.json").read_text())
    assert list(report["above_words_only"]) == ["extractive/spans"]  # words only is not compared with itself
    assert report["above_words_only"]["extractive/spans"]["answer_correct"]["value"] == 0.5
    assert report["above_words_only"]["extractive/spans"]["short_answer_correct"]["n"] == 2
    assert "extractive/spans above words only, answer correct: +0.500" in capsys.readouterr().out


def test_rescoring_an_older_report_without_retrieved_articles(tmp_path):
    out = _built(tmp_path / "news")
    old = [{"id": r["id"], "role": r["role"], "said": a["answer"], "abstained": a["abstained"], "ms": 500,
            "cited_gold": True, "gold_first": False, "gold_top5": True, "quote_fallback": False}
           for r, a in zip(ROWS, ANSWERS)]
    _stored(out, "report-extractive-undated.json", old)
    news.main(["--rescore", "--year", "2023", "--out", str(out), "--modes", "extractive", "--as-of", "none",
               "--resamples", "100"])
    report = json.loads((out / "table-undated.json").read_text())
    assert report["as_of"] == "none" and list(report["columns"]) == ["extractive", "lead-2 gold"]
    assert report["above_lead2_top"] == {}
    assert report["columns"]["extractive"]["gold_first"]["value"] == 0.0  # kept from the older report
    assert report["columns"]["extractive"]["answer_correct"]["value"] == 0.5  # judged on what was said
    assert report["columns"]["extractive"]["short_answer_correct"]["value"] == 0.5  # no span stored: the first clause


def test_a_held_out_run_is_logged_and_the_year_is_checked(tmp_path):
    out = _built(tmp_path / "news", year=2024)
    _stored(out, "report-extractive.json", [news.score(r, news.record(a)) for r, a in zip(ROWS, ANSWERS)])
    log = tmp_path / "heldout_log.jsonl"
    log.write_text('{"kind": "note", "text": "an earlier line"}\n')
    before = log.read_bytes()
    for _ in range(2):
        news.main(["--rescore", "--year", "2024", "--out", str(out), "--modes", "extractive", "--resamples", "50",
                   "--heldout-log", str(log)])
    assert log.read_bytes().startswith(before)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 3
    entry = lines[1]
    assert entry["year"] == 2024 and entry["rescore"] and "--rescore" in entry["command"]
    assert "commit" in entry and entry["date"]
    assert entry["figures"]["date"]["columns"]["extractive"]["answer_correct"][0] == 0.5
    with pytest.raises(SystemExit, match="holds 2024 data, not 2023"):
        news.main(["--rescore", "--year", "2023", "--out", str(out), "--modes", "extractive"])


def test_a_development_run_is_not_logged(tmp_path):
    out = _built(tmp_path / "news")
    _stored(out, "report-extractive.json", [news.score(r, news.record(a)) for r, a in zip(ROWS, ANSWERS)])
    log = tmp_path / "heldout_log.jsonl"
    news.main(["--rescore", "--year", "2023", "--out", str(out), "--modes", "extractive", "--resamples", "50",
               "--heldout-log", str(log)])
    assert not log.exists()
