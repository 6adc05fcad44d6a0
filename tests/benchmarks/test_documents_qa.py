"""extra-qa: tables and policies as the reader's training rows, and near misses from the same document."""

import json
import random
from collections import Counter

from training.reader import documents_qa
from training.reader.squad import Passage

REPORT = {"table": {"table": [["", "2019", "2018"], ["Fixed Price", "$  1,452.4", "$  1,146.2"], ["", "", ""],
                              ["Total sales", "$  1,496.5", "$  1,202.9"]]},
          "paragraphs": [{"order": 2, "text": "Other contracts were cost plus in 2019."},
                         {"order": 1, "text": "Substantially all of our contracts are  fixed-price type contracts."}],
          "questions": [
              {"uid": "a", "question": "What is the amount of total sales in 2019?", "answer": ["$1,496.5"],
               "answer_type": "span"},
              {"uid": "b", "question": "What is the change in total sales?", "answer": 293.6,
               "answer_type": "arithmetic"},
              {"uid": "c", "question": "What are the contract types?", "answer": ["fixed-price", "cost plus"],
               "answer_type": "multi-span"},
              {"uid": "d", "question": "Which year is shown first?", "answer": ["2019"], "answer_type": "span"},
              {"uid": "e", "question": "What kind are most contracts?", "answer": ["fixed-price type"],
               "answer_type": "span"}]}


def test_a_table_reads_as_one_line_a_row_with_its_cells_tidied_and_empty_rows_dropped():
    assert documents_qa.table_lines(REPORT["table"]["table"]) == [
        "2019 | 2018", "Fixed Price | $1,452.4 | $1,146.2", "Total sales | $1,496.5 | $1,202.9"]


def test_only_one_phrase_found_once_in_the_report_becomes_a_question():
    stats = Counter()
    items = documents_qa.tatqa_items(json.dumps([REPORT]).encode(), "dev.json", stats)
    assert [i.id for i in items] == ["a", "e"]  # arithmetic, several spans and "2019" (twice in the text) left out
    total = items[0]
    text, start = total.answers[0]
    assert total.context[start:start + len(text)] == "$1,496.5"
    assert total.context.splitlines()[-2:] == ["Substantially all of our contracts are fixed-price type contracts.",
                                               "Other contracts were cost plus in 2019."]  # paragraphs in their order
    assert stats["tatqa left out: not one span (arithmetic, counts, several spans)"] == 2
    assert stats["tatqa left out: the answer is not found exactly once"] == 1


def test_a_near_miss_is_a_part_of_the_same_document_without_the_answer_words():
    item = documents_qa.tatqa_items(json.dumps([REPORT]).encode(), "dev.json", Counter())[0]
    holds = Passage(["Total sales were $1,496.5 in 2019."], [(0, 10)], ["x"])
    lacks = Passage(["We keep your data for two years.", "You may ask us to delete it."], [(0, 1), (2, 3)], ["x", "y"])
    for seed in range(5):
        row = documents_qa.near_miss(item, [holds, lacks], {"sales": True}, random.Random(seed))
        assert row["sentences"] == lacks.sentences and row["labels"] == [0, 0]
        assert not row["has_answer"] and row["span"] is None
    assert documents_qa.near_miss(item, [holds], {}, random.Random(0)) is None


def test_the_model_card_names_each_source_of_mixed_in_rows_with_its_licence(tmp_path):
    from training.reader.export import _mixed_line

    rows = [{"source": "tatqa", "question_id": "a", "has_answer": True, "licence": "CC BY 4.0 (TAT-QA)"},
            {"source": "tatqa", "question_id": "a", "has_answer": False, "licence": "CC BY 4.0 (TAT-QA)"},
            {"source": "policyqa", "question_id": "p", "has_answer": True, "licence": "MIT (PolicyQA)"}]
    mixed = tmp_path / "extra-qa.jsonl"
    mixed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    line = _mixed_line({"cloze": str(mixed)})
    assert "2 tatqa rows for 1 questions, 1 of them answering" in line and "licence: CC BY 4.0 (TAT-QA)" in line
    assert "1 policyqa rows" in line and "licence: MIT (PolicyQA)" in line


def test_the_model_card_says_when_a_reader_was_trained_further_from_another():
    from training.reader.export import _init_line

    assert "trained further from the checkpoint `/c/shipped/best.pt`" in _init_line({"init": "/c/shipped/best.pt"})
    assert _init_line({"init": None}) == "" and _init_line({}) == ""
