import json

import pytest

from assistant.evaluate import SourceLines
from assistant.models import Citation

SUITE = """\
name: mini
corpus: [seeds]
thresholds:
  citation_validity: 1.0
cases:
  - id: planes
    question: How much aid had Kuwait sent by plane?
    expected_sources: [seeds/002_8a35e8dbf3f4f508.txt]
    evidence: about 400 tons of medicine and aid supplies
    must_include: ["400 tons"]
  - id: mark
    question: Beyond which mark are the Kuwaiti-Iraqi maritime borders still to be demarcated?
    expected_sources: [seeds/002_8a35e8dbf3f4f508.txt]
    evidence: maritime borders beyond Mark No. 162
    must_include: [["162", "one hundred sixty-two"]]
    must_not_include: ["163"]
  - id: suez
    question: What did Russia and Egypt agree on the Suez Canal?
    answerable: false
"""


@pytest.fixture
def suite(workdir):
    path = workdir / "mini.yaml"
    path.write_text(SUITE)
    return path


def test_a_suite_runs_in_its_own_store_and_reports_every_metric(workdir, run, suite):
    result = run("eval", suite, "--mode", "extractive", "--report", "r.json", "--html", "r.html")
    assert result.exit_code == 0, result.output
    report = json.loads((workdir / "r.json").read_text())
    metrics = report["metrics"]
    assert metrics["evidence_hit_at_5"] == 1.0 and metrics["citation_validity"] == 1.0
    assert metrics["fact_recall"] == 1.0 and metrics["abstention_accuracy"] == 1.0
    assert metrics["false_abstention_rate"] == 0.0 and metrics["forbidden_free"] == 1.0
    assert metrics["citation_recall"] == 1.0 and metrics["latency_p95_ms"] >= metrics["latency_p50_ms"] > 0
    assert [c["id"] for c in report["cases"]] == ["planes", "mark", "suez"]
    assert (workdir / "store" / "eval" / "mini" / "index.sqlite").is_file()
    assert not (workdir / "store" / "index.sqlite").exists()  # the user's own store is untouched
    page = (workdir / "r.html").read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "400 tons" in page and "src=" not in page


def test_a_missed_threshold_exits_1_and_compare_shows_the_change(workdir, run, suite):
    assert run("eval", suite, "--mode", "extractive", "--report", "old.json").exit_code == 0
    old = json.loads((workdir / "old.json").read_text())
    old["metrics"]["fact_recall"] = 0.5
    (workdir / "old.json").write_text(json.dumps(old))
    result = run("eval", suite, "--mode", "extractive", "--min", "evidence_mrr=1.01", "--min",
                 "latency_p95_ms=0.001", "--compare", "old.json")
    assert result.exit_code == 1
    assert "threshold missed: evidence_mrr 1 < 1.01" in result.stderr
    assert "threshold missed: latency_p95_ms" in result.stderr
    assert "+0.5" in result.stdout


def test_an_unanswerable_question_answered_is_a_failure(workdir, run, suite, fake_model):
    suite.write_text(SUITE.replace("What did Russia and Egypt agree on the Suez Canal?",
                                   "What did Kuwait say about aid to Gaza by plane?"))
    fake_model.append("Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1].")
    result = run("eval", suite, "--json")
    report = json.loads(result.stdout)
    assert report["metrics"]["abstention_accuracy"] == 0.0
    assert "answered a question the documents do not answer" in report["cases"][2]["failures"]


@pytest.mark.parametrize("text, message", [
    ("name: x\ncases:\n  - id: a\n    question: Hi?\n  - id: a\n    question: Ho?\n", "mini.yaml:5: duplicate case id 'a'"),
    ("name: x\ncases:\n  - question: Hi?\n    must_include: 3\n", "mini.yaml:3: cases.0.must_include"),
    ("name: x\ncases:\n  - question: Hi?\n    answerible: false\n", "mini.yaml:3: cases.0.answerible: Extra inputs"),
    ("name: x\nthresholds:\n  recall: 0.8\ncases:\n  - question: Hi?\n", "mini.yaml:3: thresholds: Value error, unknown metric recall"),
    ("name: x\ncases: [\n", "mini.yaml:3: not valid YAML"),
    ("- just a list\n", "mini.yaml:1: a suite is a mapping"),
    ("name: x\ncases: []\n", "cases: List should have at least 1 item"),
    ("name: x\ncases:\n  - question: Hi?\n    since: soon\n", "mini.yaml:3: cases.0.since: Value error, 'soon' is not a date"),
])
def test_an_invalid_suite_exits_2_naming_the_line(workdir, run, suite, text, message):
    suite.write_text(text)
    result = run("eval", suite)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_bad_flags_and_reports_exit_2(workdir, run, suite):
    assert "unknown metric" in run("eval", suite, "--min", "speed=3").stderr
    (workdir / "bad.json").write_text("[1, 2]")
    result = run("eval", suite, "--compare", "bad.json")
    assert result.exit_code == 2 and "not an eval report" in result.stderr


def test_a_quote_is_valid_only_inside_the_lines_it_cites(workdir):
    source = "seeds/002_8a35e8dbf3f4f508.txt"
    line = (workdir / source).read_text(encoding="utf-8").splitlines()[34]
    lines = SourceLines()
    assert lines.holds(Citation(id=1, source=source, start_line=35, end_line=35, quote=line[10:80]))
    assert not lines.holds(Citation(id=1, source=source, start_line=36, end_line=40, quote=line[10:80]))
    assert not lines.holds(Citation(id=1, source="missing.txt", start_line=1, end_line=1, quote="x"))


def test_the_judge_grades_with_the_configured_model(workdir, run, suite, monkeypatch):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    replies = ["Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1].", "Score: 5", "Score: 3"] * 3
    monkeypatch.setattr("assistant.engine.chat_model", lambda settings: FakeListChatModel(responses=replies))
    report = json.loads(run("eval", suite, "--judge", "--json").stdout)
    first = report["cases"][0]
    assert first["judge"] == {"faithfulness": 1.0, "answer_relevancy": 0.5}
    assert "faithfulness" in report["metrics"]
