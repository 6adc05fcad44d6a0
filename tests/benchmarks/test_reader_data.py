"""The reader's training data from the product's own retrieval: labelled like the rest, never from dev."""

import json
from collections import Counter

import pytest

from benchmarks import realtimeqa as rtqa
from training.reader import retrieved
from training.reader.data import chunk_chars, from_evidence, from_retrieval

WEEKS = ["20230106", "20230113", "20230120", "20230127", "20230203"]  # the fifth (index 4) is dev by default


def _question(**kw):
    fields = dict(id="20230113_0", week="20230113", date="2023-01-12", source="CNN",
                  question="Which team signed the quarterback this week?",
                  choices=["Buffalo Bills", "Miami Dolphins", "New York Jets", "Denver Broncos"], answer_index=0,
                  evidence="")
    return rtqa.Question(**(fields | kw))


def test_a_retrieved_passage_is_labelled_by_where_the_answer_stands_and_a_repeated_hit_is_left_out():
    q = _question(hits=["a", "c"])
    keys = {"quarterback": True, "sign": False}
    hit = {"doc_id": "a", "sentences": ["The Buffalo Bills signed the quarterback on Monday.", "He is 25."]}
    found = [
        {"doc_id": "a", "chunk_id": "a-00000", "rank": 0, "title": "", "sentences": hit["sentences"]},
        {"doc_id": "b", "chunk_id": "b-00003", "rank": 1, "title": "Trade news",
         "sentences": ["The quarterback joined the Miami Dolphins last year.", "Fans cheered."]},
        {"doc_id": "c", "chunk_id": "c-00001", "rank": 2, "title": "",
         "sentences": ["Analysts said the quarterback now plays for the Buffalo Bills.", "Tickets sold out."]},
        {"doc_id": "d", "chunk_id": "d-00000", "rank": 3, "title": "",  # no hit: the Bills of another story
         "sentences": ["The Buffalo Bills lost in overtime.", "The quarterback was injured."]},
    ]
    stats: Counter = Counter()
    rows = from_retrieval(found, [hit], q, keys, stats)
    assert [(r["doc_id"], r["chunk"], r["has_answer"], r["labels"]) for r in rows] == [
        ("b", 3, False, [0, 0]), ("c", 1, True, [1, 0])]
    assert rows[0]["holds_wrong"] and rows[0]["title"] == "Trade news"
    assert stats["retrieved passages already among the hits"] == 1 and stats["retrieved passages holding the answer"] == 1
    assert stats["retrieved passages dropped: the answer in an article that was no hit of the question"] == 1


def test_the_quiz_evidence_becomes_an_answering_passage_only_when_it_states_the_answer():
    keys = {"quarterback": True, "sign": False}
    stating = _question(evidence="The quarterback signed with the Buffalo Bills on Monday.\nHe is 25 years old.")
    stats: Counter = Counter()
    rows = from_evidence(stating, keys, stats)
    assert [(r["doc_id"], r["has_answer"], r["labels"]) for r in rows] == [
        ("evidence-20230113_0", True, [1, 0])]
    assert rows[0]["span"] is not None and rows[0]["sentences"][0][slice(*rows[0]["span"])] == "Buffalo Bills"
    silent = _question(evidence="The quarterback signed a contract on Monday, his agent said.")
    assert from_evidence(silent, keys, stats) == [] and from_evidence(_question(), keys, stats) == []
    assert stats["evidence passages"] == 1


def test_the_chunk_size_is_the_product_default_unless_named_and_a_bad_one_is_one_line():
    assert chunk_chars(None) == 700 and chunk_chars("1000") == 1000
    for bad in ("abc", "50"):
        with pytest.raises(SystemExit, match=f"READER_CHUNK_CHARS='{bad}': Input should be"):
            chunk_chars(bad)


def _build(folder, docs, questions):
    (folder / "corpus").mkdir(parents=True)
    for name, text in docs.items():
        (folder / "corpus" / f"{name}.txt").write_text(text)
    (folder / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions))
    return folder


def test_retrieve_never_asks_a_dev_question_nor_writes_a_document_that_answers_one(tmp_path):
    docs = {"devgold": "Lava flows\n\nThe volcano in Iceland erupted on Tuesday and lava reached the town.\n",
            "other": "Iceland travel\n\nFlights to Iceland were cancelled after the volcano erupted again.\n"}
    questions = [{"id": f"{w}_0", "week": w, "question": "Where did the volcano erupt?", "gold_docs": ["other"]}
                 for w in WEEKS[:4]]
    questions.append({"id": "20230203_0", "week": "20230203", "question": "Which town did the lava reach?",
                      "gold_docs": ["devgold"]})
    build = _build(tmp_path / "build", docs, questions)
    out = tmp_path / "retrieved.jsonl"
    summary = retrieved.retrieve(build, out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["week"] for r in rows] == WEEKS[:4] and summary["dev_questions_not_asked"] == 1
    assert {p["doc_id"] for r in rows for p in r["passages"]} == {"other"}
    assert summary["passages_left_out_holding_a_dev_answer"] == 4
    assert "volcano erupted" in rows[0]["passages"][0]["sentences"][-1]
    assert retrieved.load(out, (4,)).passages["20230106_0"] == rows[0]["passages"]
    with pytest.raises(SystemExit, match="dev slots \\[4\\], not \\[1, 4\\]"):
        retrieved.load(out, (1, 4))


def test_a_missing_build_or_retrieved_file_is_one_line_not_a_traceback(tmp_path):
    with pytest.raises(SystemExit, match=r"is not a benchmarks/news\.py build"):
        retrieved.retrieve(tmp_path / "nowhere", tmp_path / "out.jsonl")
    with pytest.raises(SystemExit, match="not found: write them with"):
        retrieved.load(tmp_path / "retrieved.jsonl", (4,))


def test_retrieve_refuses_a_build_of_another_year(tmp_path):
    build = _build(tmp_path / "build", {"x": "Text.\n"}, [{"id": "20240105_0", "week": "20240105", "question": "Q?"}])
    with pytest.raises(SystemExit, match="not a 2023 build"):
        retrieved.retrieve(build, tmp_path / "out.jsonl")


def test_the_model_card_says_how_many_retrieved_passages_were_trained_on():
    from training.reader.export import extra_data

    summary = {"stats": {"train": {"retrieved passages": 3120, "retrieved passages holding the answer": 610}},
               "retrieved": {"questions": 880, "k": 5, "build": "/work/cache/news-2023",
                             "passages_left_out_holding_a_dev_answer": 95}}
    line = extra_data(summary)["extra_data"]
    assert "for 880 2023 training-week questions (top 5" in line and "3120 added (610 holding the answer)" in line
    assert extra_data({"stats": {"train": {}}})["extra_data"] == "- **Other training data**: none."


def test_build_data_with_no_dev_keeps_no_2023_week_out_and_refuses_dev_slots_beside_it(tmp_path, monkeypatch):
    from training.reader import __main__ as cli
    from training.reader import data

    called = {}
    monkeypatch.setattr(data, "build", lambda repo, out, years, limit, slots, found, evidence: called.update(slots=slots))
    cli.main(["build-data", "--out", str(tmp_path), "--no-dev"])
    assert called["slots"] == ()
    cli.main(["build-data", "--out", str(tmp_path), "--dev-slots", "0"])
    assert called["slots"] == (0,)
    with pytest.raises(SystemExit):
        cli.main(["build-data", "--out", str(tmp_path), "--no-dev", "--dev-slots", "1"])


def _rows_file(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_figures_are_taken_on_dev_rows_or_without_dev_on_a_sample_of_2023_training_questions(tmp_path):
    from training.reader.rows import CHECK_QUESTIONS, check_rows

    trained = ([{"question_id": f"a{i}", "year": 2022} for i in range(5)] + [{"question_id": "s", "source": "squad"}]
               + [{"question_id": f"b{i // 2}", "year": 2023} for i in range(2 * (CHECK_QUESTIONS + 50))])
    _rows_file(tmp_path / "train.jsonl", trained)
    _rows_file(tmp_path / "dev.jsonl", [])
    rows, measured = check_rows(tmp_path, None)
    assert measured == "training (in-sample)"
    assert {r["question_id"][0] for r in rows} == {"b"} and len({r["question_id"] for r in rows}) == CHECK_QUESTIONS
    assert len(rows) == 2 * CHECK_QUESTIONS  # whole questions
    assert check_rows(tmp_path, None) == (rows, measured)  # seeded
    _rows_file(tmp_path / "dev.jsonl", [{"question_id": "d", "year": 2023}])
    assert check_rows(tmp_path, None) == ([{"question_id": "d", "year": 2023}], "dev")


def test_the_model_card_of_a_reader_without_dev_weeks_says_its_figures_check_the_export_only():
    from training.reader.export import TEMPLATE, _rows_lines

    report = {"dev_questions": 200, "dev_passages": 1400}
    dev = _rows_lines({**report, "rows": "dev"}, {"dev_slots": [2], "dev_weeks": ["20230120", "20230324"]})
    assert "modulo 5 is\n  2 — 20230120, 20230324" in dev["dev_line"]
    assert dev["figures_title"] == "Dev figures (200 questions, 1400 passages)"
    none = _rows_lines({**report, "rows": "training (in-sample)"}, {"dev_slots": [], "dev_weeks": []})
    assert none["dev_line"].startswith("- **Dev**: none. Every 2023 week trains")
    assert "in-sample" in none["figures_title"] and "not the reader's quality" in none["figures_title"]
    assert none["selection"] == "The final step is kept (no dev weeks to choose a step by)."
    template = TEMPLATE.read_text(encoding="utf-8")
    assert all(f"${name}" in template for name in none) and "dev_weeks" not in template


def test_a_titled_row_reads_its_title_first_never_as_a_label_and_its_span_still_holds_the_answer():
    from training.reader.features import passage_text
    from training.reader.rows import titled

    row = {"title": "Super_Bowl_50", "sentences": ["The game was played in 2016.", "Denver won it."],
           "labels": [0, 1], "sentence_keys": [1, 2], "span": [29, 35]}
    assert passage_text(row["sentences"])[0][29:35] == "Denver"
    read = titled(row)
    assert read["sentences"] == ["Super Bowl 50.", *row["sentences"]]
    assert read["labels"] == [-1, 0, 1] and read["sentence_keys"] == [0, 1, 2]
    a, b = read["span"]
    assert passage_text(read["sentences"])[0][a:b] == "Denver"
    assert titled({**row, "title": ""}) == {**row, "title": ""}
    assert titled({**row, "title": "Is it over?", "span": None})["sentences"][0] == "Is it over?"


def _written_dataset():
    text = ("GM to invest in electric pickups\n"
            "On Tuesday, GM announced a $35 billion investment in electric vehicles by 2025.\n"
            "The pickups will be built at its plant in Orion Township, Michigan.\n")
    doc = rtqa.Document(id="gm", url="https://example.com/gm", title="GM to invest", text=text,
                        publish_date="2022-01-26", weeks=["20220128"])
    return rtqa.Dataset(year=2022, weeks=["20220128"], questions=[], documents={"gm": doc})


def test_a_written_question_trains_on_the_passage_stating_its_answer_with_a_span_of_any_kind():
    from training.reader.written import question_rows

    stats: Counter = Counter()
    rows = question_rows(_written_dataset(), {"doc_id": "gm", "question": "Where will GM build its electric pickups?",
                                              "answer": "Orion Township, Michigan"}, 0, stats)
    assert [(r["has_answer"], r["source"], r["year"], r["split"]) for r in rows] == [(True, "written", 2022, "train")]
    text = " ".join(rows[0]["sentences"])
    assert text[slice(*rows[0]["span"])] == "Orion Township, Michigan" and rows[0]["labels"].count(1) == 1
    phrase = question_rows(_written_dataset(), {"doc_id": "gm", "question": "What will GM's new billions go to?",
                                                "answer": "electric vehicles"}, 1, stats)
    assert phrase[0]["answer_kind"] == "phrase" and " ".join(phrase[0]["sentences"])[
        slice(*phrase[0]["span"])] == "electric vehicles"  # build-data gives phrases no span; written ones get one
    assert stats["answering questions"] == 2


def test_a_near_miss_is_no_answer_and_an_answer_not_in_the_article_or_in_the_question_is_dropped():
    from training.reader.written import question_rows

    stats: Counter = Counter()
    dataset = _written_dataset()
    near = question_rows(dataset, {"doc_id": "gm", "question": "How many Bolts did GM sell in Canada?", "answer": None},
                         0, stats)
    assert near and all(not r["has_answer"] and set(r["labels"]) == {0} for r in near)
    assert question_rows(dataset, {"doc_id": "gm", "question": "Who leads GM?", "answer": "Mary Barra"}, 1, stats) == []
    assert question_rows(dataset, {"doc_id": "gm", "question": "What did GM invest $35 billion in?",
                                   "answer": "$35 billion"}, 2, stats) == []
    assert question_rows(dataset, {"doc_id": "nope", "question": "Who?", "answer": "GM"}, 3, stats) == []
    assert stats["skipped: no passage states the answer (pairing own)"] == 1
    assert stats["skipped: the answer is in the question"] == 1


def test_a_missing_or_broken_written_file_is_one_line_before_any_year_is_read(tmp_path):
    from training.reader.written import build

    good = tmp_path / "good.jsonl"
    good.write_text('{"doc_id": "gm", "question": "Who?", "answer": "GM"}\n\n')
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"doc_id": "gm", "question": "Who?", "answer": "GM"}\n{"doc_id": \n')
    no_repo = tmp_path / "no-repo"  # never reached: the files are checked first
    with pytest.raises(SystemExit, match=r"broken.jsonl:2: not JSON"):
        build(no_repo, [good, broken], tmp_path / "rows.jsonl")
    with pytest.raises(SystemExit, match=r"no written questions at .*absent.jsonl"):
        build(no_repo, [tmp_path / "absent.jsonl"], tmp_path / "rows.jsonl")
    assert not (tmp_path / "rows.jsonl").exists()


def test_pairing_other_answers_a_written_question_from_another_article_of_its_week_and_own_keeps_its_article():
    from training.reader.written import question_rows

    docs = {"gm": _written_dataset().documents["gm"]}
    for doc_id, text in {
        "gm2": "Electric pickups\n"
               "GM's electric pickups will roll out of its Orion Township factory, the Michigan company said.\n",
        "copy": "GM plans\nGM will build its new electric pickups in Orion Township, Michigan.\n",  # the question's own words
        "gas": "Fuel prices\nGas prices rose again on Tuesday.\nDrivers complained about electric bills too.\n"}.items():
        docs[doc_id] = rtqa.Document(id=doc_id, url=f"https://example.com/{doc_id}", title=text.split("\n")[0],
                                     text=text, publish_date="2022-01-26", weeks=["20220128"])
    dataset = rtqa.Dataset(year=2022, weeks=["20220128"], questions=[], documents=docs)
    row = {"doc_id": "gm", "question": "In which Michigan township will GM build its new electric pickups?",
           "answer": "Orion Township"}
    stats: Counter = Counter()
    sources = {pairing: [(r["doc_id"], r["has_answer"]) for r in question_rows(dataset, row, 0, stats, pairing)]
               for pairing in ("own", "other", "both")}
    assert sources["own"] == [("gm", True)]
    assert sources["other"][0] == ("gm2", True) and all(d not in ("gm", "copy") for d, _ in sources["other"])
    assert sources["both"] == sources["own"] + sources["other"]
    other = question_rows(dataset, row, 0, stats, "other")[0]
    assert " ".join(other["sentences"])[slice(*other["span"])] == "Orion Township"
    assert other["title"] == "Electric pickups"  # its own article's title, not the question's article's
