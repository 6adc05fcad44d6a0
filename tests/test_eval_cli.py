"""`assistant eval`: suites in their own store, honest metrics, gates, reports, and outputs checked first."""

import json
import os
import stat

import pytest

from assistant.evaluation.phrases import contains
from assistant.evaluation.run import is_quote_fallback
from assistant.ingest.reread import SourceReader
from assistant.types import Answer, Citation, SentenceCheck
from tests.conftest import copy_store

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
def suite(workdir, models, real_template):
    """The suite file; its corpus (the seeds) already indexed in the suite's own store, as after a first run."""
    models.real = True
    copy_store(real_template, workdir, workdir / ".assistant" / "eval" / "mini")
    path = workdir / "mini.yaml"
    path.write_text(SUITE)
    return path


def test_a_suite_runs_in_its_own_store_and_reports_every_metric(workdir, run, suite):
    # A gate on quote fallbacks (grounded only) does not fail a run in extractive mode, which has none.
    result = run("eval", suite, "--mode", "extractive", "--report", "out/r.json", "--html", "r.html",
                 "--min", "quote_fallback_rate=0.8")
    assert result.exit_code == 0, result.output
    report = json.loads((workdir / "out" / "r.json").read_text())
    metrics = report["metrics"]
    assert metrics["evidence_hit_at_5"] == 1.0 and metrics["citation_validity"] == 1.0
    assert metrics["fact_recall"] == 1.0 and metrics["answer_correct"] == 1.0 and metrics["wrong_answer_rate"] == 0.0
    assert metrics["abstention_accuracy"] == 1.0 and metrics["false_abstention_rate"] == 0.0
    assert metrics["forbidden_free"] == 1.0 and "quote_fallback_rate" not in metrics  # extractive: no model
    assert metrics["citation_recall"] == 1.0 and metrics["latency_p95_ms"] >= metrics["latency_p50_ms"] > 0
    assert [c["id"] for c in report["cases"]] == ["planes", "mark", "suez"]
    # each case says how sure the answer-or-decline decision was: the answered one surer than the declined one
    confidence = {c["id"]: c["confidence"] for c in report["cases"]}
    assert 1.0 >= confidence["planes"] > confidence["suez"] >= 0.0
    assert "Indexed: 0 added" in result.stderr  # the suite's corpus is in the suite's store, unchanged
    assert not (workdir / ".assistant" / "index.sqlite").exists()  # the user's own store is untouched
    page = (workdir / "r.html").read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "400 tons" in page and "src=" not in page
    for written in (workdir / "out", workdir / "out" / "r.json", workdir / "r.html"):
        assert stat.S_IMODE(written.stat().st_mode) & 0o077 == 0, written


def test_a_suite_store_holds_exactly_the_corpus_the_suite_names_now(workdir, run, run_json, suite):
    (workdir / "other").mkdir()
    (workdir / "other" / "saudi.txt").write_text((workdir / "seeds" / "000_20c881c048cd9072.txt").read_text())
    suite.write_text(SUITE.replace("corpus: [seeds]", "corpus: [other]"))  # the planes answer is in seeds/ only
    result = run("eval", suite, "--mode", "extractive", "--report", "r.json")
    assert "Indexed: 1 added, 0 updated, 0 unchanged, 5 removed" in result.stderr
    planes = next(c for c in json.loads((workdir / "r.json").read_text())["cases"] if c["id"] == "planes")
    assert not planes["correct"] and "400 tons" not in planes["answer"]
    held = run_json("status", "--store", workdir / ".assistant" / "eval" / "mini")
    assert [f["source"] for f in held["files"]] == ["other/saudi.txt"]


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


def test_a_model_whose_every_sentence_fails_the_check_fails_the_gate(workdir, run, suite, fake_model):
    fake_model.extend(["Egypt paid 75 dollars for the Norwegian fjords [1]."] * 3)
    result = run("eval", suite, "--min", "quote_fallback_rate=0.5", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["metrics"]["quote_fallback_rate"] == 1.0
    assert "quote fallback: nothing the model wrote passed the check" in report["cases"][0]["failures"]


def test_an_unanswerable_question_answered_is_a_failure(workdir, run, suite, fake_model):
    suite.write_text(SUITE.replace("What did Russia and Egypt agree on the Suez Canal?",
                                   "What did Kuwait say about aid to Gaza by plane?"))
    fake_model.append("Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1].")
    result = run("eval", suite, "--json")
    report = json.loads(result.stdout)
    assert report["metrics"]["abstention_accuracy"] == 0.0
    assert "answered a question the documents do not answer" in report["cases"][2]["failures"]


@pytest.mark.parametrize("text, phrase, found", [
    ("Kuwait said it would send more", "aid", False),
    ("The countries agreed", "UN", False),
    ("a $75 billion package", "5 billion", False),
    ("about 4,400 tons of aid", "400 tons", False),
    ("about 4,400 tons of aid", "4400 tons", True),
    ("talks with the U.S. envoy", "US", True),
    ("Kuwait’s planes", "Kuwait's", True),
    ("the UN said", "UN", True),
    ("| New battery | 142.00 |", "142", True),  # zero cents: the same amount
    ("it cost 4.50 euros", "4.5 euros", True),
    ("it cost 142.05 euros", "142", False),
    ("version 1.0.3", "1", False),
    ("Colm has priority on Wednesdays.", "Wednesday", True),  # every Wednesday states the day
    ("the Wednesday session", "Wednesdays", True),
    ("on Wednesday", "Tuesday", False),
])
def test_facts_are_matched_on_word_boundaries_with_numbers_normalised(text, phrase, found):
    assert contains(text, phrase) is found


def test_a_quote_fallback_is_an_answer_made_only_of_quoted_evidence():
    quoted = Answer(question="q", answer="“x” [1]", abstained=False, mode="grounded",
                    sentences=[SentenceCheck(text="invented", cited=[], status="dropped"),
                               SentenceCheck(text="“x”", cited=[1], status="extractive")])
    written = quoted.model_copy(update={"sentences": [SentenceCheck(text="y", cited=[1], status="supported")]})
    assert is_quote_fallback(quoted) and not is_quote_fallback(written)
    assert not is_quote_fallback(quoted.model_copy(update={"mode": "extractive"}))


@pytest.mark.parametrize("text, message", [
    ("name: x\ncases:\n  - id: a\n    question: Hi?\n  - id: a\n    question: Ho?\n",
     "mini.yaml:5: cases.1.id: duplicate case id 'a'"),
    ("name: x\ncases:\n  - question: Hi?\n    must_include: 3\n", "mini.yaml:3: cases.0.must_include"),
    ("name: x\ncases:\n  - question: Hi?\n    answerible: false\n", "mini.yaml:3: cases.0.answerible: Extra inputs"),
    ("name: x\nthresholds:\n  recall: 0.8\ncases:\n  - question: Hi?\n",
     "mini.yaml:3: thresholds: Value error, unknown metric recall"),
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


def test_a_corpus_with_nothing_readable_is_a_json_error_with_json(workdir, run, suite):
    (workdir / "blank").mkdir()
    (workdir / "blank" / "empty.txt").write_text("")
    suite.write_text(SUITE.replace("corpus: [seeds]", "corpus: [blank]"))
    result = run("eval", suite, "--json")
    assert result.exit_code == 2
    message = "the suite's corpus (blank) holds no readable documents"
    assert json.loads(result.stdout) == {"error": message, "code": 2}
    assert f"error: {message}" in result.stderr.splitlines()


def test_a_missing_suite_file_is_one_plain_line(workdir, run):
    result = run("eval", "nope.yaml")
    assert result.exit_code == 2 and result.stderr.strip() == "error: nope.yaml: no such file"


def test_outputs_and_reports_are_checked_before_the_suite_runs(workdir, run, suite, models):
    models.no_chat = True  # nothing may run: each problem is found first
    assert "unknown metric" in run("eval", suite, "--min", "speed=3").stderr
    (workdir / "bad.json").write_text("[1, 2]")
    checks = [(["--compare", "bad.json"], "--compare bad.json: not an eval report"),
              (["--compare", "nope.json"], "--compare nope.json: no such file"),
              (["--html", str(workdir)], "is a folder; give a file name")]
    other = {"suite": "another", "metrics": {"fact_recall": 1.0}}
    (workdir / "other.json").write_text(json.dumps(other))
    checks.append((["--compare", "other.json"], "a report of suite 'another', not 'mini'"))
    for flags, message in checks:
        result = run("eval", suite, *flags)
        assert result.exit_code == 2 and message in result.stderr, (flags, result.output)
        assert "Indexed" not in result.stderr  # refused before anything ran


def test_a_quote_is_valid_only_inside_the_lines_it_cites(workdir):
    source = "seeds/002_8a35e8dbf3f4f508.txt"
    line = (workdir / source).read_text(encoding="utf-8").splitlines()[34]
    lines = SourceReader()
    assert lines.holds(Citation(id=1, source=source, start_line=35, end_line=35, quote=line[10:80]))
    assert not lines.holds(Citation(id=1, source=source, start_line=36, end_line=40, quote=line[10:80]))
    assert not lines.holds(Citation(id=1, source="missing.txt", start_line=1, end_line=1, quote="x"))


def test_citations_are_checked_where_the_store_recorded_them_and_as_they_were_decoded(workdir, run, models,
                                                                                       tmp_path_factory):
    models.real = True
    (workdir / "latin").mkdir()
    text = "Le président Lukashenko a reçu 300 tonnes de céréales à Minsk, a déclaré le ministère, jeudi.\n"
    (workdir / "latin" / "minsk.txt").write_bytes(text.encode("latin-1"))
    assert run("ingest", "latin").exit_code == 0
    (workdir / "s.yaml").write_text("name: latin\ncases:\n  - question: Combien de tonnes de céréales a reçu "
                                    "Lukashenko à Minsk?\n    must_include: ['300 tonnes']\n")
    here = json.loads(run("eval", "s.yaml", "--mode", "extractive", "--json").stdout)
    assert here["cases"][0]["citations"] and here["metrics"]["citation_validity"] == 1.0
    os.chdir(tmp_path_factory.mktemp("elsewhere"))
    away = json.loads(run("eval", workdir / "s.yaml", "--mode", "extractive", "--store", workdir / ".assistant",
                          "--json").stdout)
    assert away["cases"][0]["citations"] and away["metrics"]["citation_validity"] == 1.0


def test_the_judge_grades_with_the_configured_model(workdir, run, suite, fake_model):
    fake_model.extend(["Kuwaiti planes delivered about 400 tons of medicine and aid supplies [1].", "Score: 5",
                       "Score: 3"] * 3)
    report = json.loads(run("eval", suite, "--judge", "--json").stdout)
    first = report["cases"][0]
    assert first["judge"] == {"faithfulness": 1.0, "answer_relevancy": 0.5}
    assert "faithfulness" in report["metrics"]


def test_the_checker_is_scored_against_labels_it_did_not_produce(workdir, run, suite):
    evidence = "Kuwait had sent about 400 tons of medicine and aid supplies by plane."
    claims = [("Kuwait had sent about 400 tons of aid by plane.", True),  # accepted, true
              ("Kuwait had sent about 4,400 tons of aid by plane.", False),  # refused, false
              ("Kuwait sent roughly four hundred tons of relief by air.", True),  # a paraphrase: accepted, true
              ("Kuwait had sent about 400 tons of medicine by plane.", False)]  # labeled false: the checker accepts it
    (workdir / "claims.jsonl").write_text("".join(json.dumps({"claim": c, "evidence": evidence, "label": label}) + "\n"
                                                  for c, label in claims))
    suite.write_text(suite.read_text().replace("thresholds:", "claims: claims.jsonl\nthresholds:"))
    result = run("eval", suite, "--mode", "extractive", "--min", "checker_precision=0.9", "--json")
    metrics = json.loads(result.stdout)["metrics"]
    assert (metrics["checker_precision"], metrics["checker_recall"]) == (0.6667, 1.0)
    assert result.exit_code == 1 and "checker_precision" in result.stderr
