"""swap-negatives: an answering passage, its question with one name swapped, labelled 'no answer'."""

import json
import random

from training.reader import swapped


def _row(question, sentences, answer="stop the war", qid="20230113_0", **kw):
    labels = [1 if answer in s else 0 for s in sentences]
    return {"question": question, "sentences": sentences, "labels": labels, "has_answer": any(labels),
            "holds_wrong": False, "span": [0, 3] if any(labels) else None, "question_id": qid, "week": "20230113",
            "year": 2023, "split": "train", "answer": answer, "answer_in_candidates": True} | kw


KUWAIT = _row("What did Russia and Kuwait agree on Gaza?",
              ["Russia and Kuwait agreed to stop the war in Gaza.", "Aid flights left Kuwait."])


def test_names_leave_out_question_words_and_keep_names_of_several_words():
    assert swapped.names("What did Russia and Kuwait agree on Gaza?") == ["Russia", "Kuwait", "Gaza"]
    assert swapped.names("Which team did the Kansas City Chiefs beat in the Super Bowl?") == [
        "Kansas City Chiefs", "Super Bowl"]
    assert swapped.names("After the storm, which Bank of America branch closed?") == ["Bank of America"]


def test_a_swapped_row_names_something_neither_the_passage_nor_the_question_holds_and_answers_nothing():
    for seed in range(10):
        row = swapped.swap(KUWAIT, ["Saudi Arabia", "Gaza", "Kuwait", "Norway"], random.Random(seed))
        assert row is not None
        name, other = row["swapped"]
        assert name in ("Russia", "Kuwait", "Gaza") and other in ("Saudi Arabia", "Norway")
        assert other in row["question"] and name not in row["question"]
        assert row["labels"] == [0, 0] and row["span"] is None and not row["has_answer"]
        assert row["question_id"] == "20230113_0~swap" and row["sentences"] == KUWAIT["sentences"]
    assert KUWAIT["has_answer"] and "Kuwait" in KUWAIT["question"]  # the original row is left as it was


def test_a_name_the_passage_lacks_the_answer_holds_or_the_question_repeats_is_never_swapped():
    assert swapped.swappable(_row("What did Norway say?", ["Russia agreed to stop the war."])) == []
    assert swapped.swappable(_row("Who won the Super Bowl?", ["The Chiefs won the Super Bowl."],
                                  answer="Super Bowl")) == []
    assert swapped.swappable(_row("Actor Matthew Perry died. Which show did Perry star in?",
                                  ["Matthew Perry starred in Friends."], answer="Friends")) == []
    assert swapped.swap(KUWAIT, ["Russia", "Kuwait"], random.Random(0)) is None  # no name to put in


def test_build_reads_answering_training_rows_only_caps_each_question_and_is_seeded(tmp_path):
    rows = [KUWAIT | {"question_id": f"q{i}"} for i in range(3)] + [
        KUWAIT | {"question_id": "q0", "sentences": ["Kuwait and Russia said they would stop the war."]},
        KUWAIT | {"question_id": "q0", "sentences": ["In Gaza, Russia and Kuwait want to stop the war."]},
        _row("What did Norway and Chile sign?", ["Norway and Chile signed a deal to stop the war."], qid="n1"),
        KUWAIT | {"question_id": "s1", "source": "squad"}, KUWAIT | {"question_id": "d1", "split": "dev"},
        _row("What did Russia say about Kuwait?", ["Russia said nothing."], qid="neg")]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    stats = swapped.build(tmp_path, tmp_path / "a.jsonl", per_question=2)
    written = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    ids = [r["question_id"] for r in written]
    assert sorted(ids) == ["n1~swap", "q0~swap", "q0~swap", "q1~swap", "q2~swap"]
    assert stats["rows written"] == 5 and not any(r["has_answer"] for r in written)
    swapped.build(tmp_path, tmp_path / "b.jsonl", per_question=2)
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()


def test_the_model_card_says_how_many_swapped_rows_were_mixed_in(tmp_path):
    from training.reader.export import _mixed_line

    mixed = tmp_path / "swapped.jsonl"
    mixed.write_text(json.dumps({"swapped": ["Kuwait", "Norway"]}) + "\n" + json.dumps({"question": "q"}) + "\n")
    line = _mixed_line({"cloze": str(mixed)})
    assert "`swapped.jsonl`" in line and ": 2: 1 swapped-name negatives" in line and "cloze" not in line
    assert _mixed_line({"cloze": None}) == "" and _mixed_line({}) == ""
    mixed.write_text("".join(json.dumps({"source": "cloze", "question_id": q, "has_answer": a}) + "\n"
                             for q, a in [("c1", True), ("c1", False), ("c2", True)]))
    line = _mixed_line({"cloze": str(mixed)})
    assert ": 3: 3 synthetic cloze rows for 2 questions, 2 of them answering" in line and "swapped-name" not in line
    mixed.write_text(json.dumps({"swapped": ["Kuwait", "Norway"], "question_id": "q1~pair"}) + "\n")
    line = _mixed_line({"cloze": str(mixed)})
    assert ": 1: 1 minimal pairs" in line and "swapped-name" not in line


def test_a_paired_row_keeps_the_answer_sentence_and_adds_its_swapped_copy_labelled_no():
    question = "What did Russia and Kuwait agree on Gaza?"
    sentences = ["Lavrov met the minister.", "Russia and Kuwait agreed to stop the war in Gaza.", "Flights left."]
    start = " ".join(sentences).index("stop the war")
    row = _row(question, sentences) | {"span": [start, start + 12], "sentence_keys": [0, 3, 0]}
    sides = set()
    for seed in range(12):
        paired = swapped.pair(row, ["Norway", "Kuwait", "Chile"], random.Random(seed))
        assert paired is not None and paired["question"] == question and paired["question_id"] == "20230113_0~pair"
        name, other = paired["swapped"]
        assert name in ("Russia", "Kuwait", "Gaza") and other in ("Norway", "Chile")
        copy = sentences[1].replace(name, other)
        at = paired["sentences"].index(copy)
        sides.add(at)
        assert paired["sentences"][:at] + paired["sentences"][at + 1:] == sentences
        assert paired["labels"][at] == 0 and paired["labels"].count(1) == 1
        assert paired["labels"][paired["sentences"].index(sentences[1])] == 1
        assert len(paired["sentence_keys"]) == 4 and paired["sentence_keys"][at] == 3
        start, end = paired["span"]
        assert " ".join(paired["sentences"])[start:end] == "stop the war"  # still on the original sentence
        assert start > " ".join(paired["sentences"]).index(sentences[1]) - 1
    assert sides == {1, 2}  # the copy goes before and after the original
    assert row["sentences"] == sentences  # the original row is left as it was


def test_a_pair_needs_an_answer_sentence_holding_a_name_of_the_question():
    elsewhere = _row("What did Russia and Kuwait agree on Gaza?", ["Russia met Kuwait.", "They agreed to stop the war."])
    assert swapped.pair(elsewhere, ["Norway"], random.Random(0)) is None
    assert swapped.pair(KUWAIT, ["Russia", "Kuwait", "Gaza"], random.Random(0)) is None


def test_build_writes_pairs_with_the_sentence_side(tmp_path):
    rows = [KUWAIT | {"question_id": f"q{i}"} for i in range(3)] + [
        _row("What did Norway and Chile sign?", ["Norway and Chile signed a deal to stop the war."], qid="n1"),
        KUWAIT | {"question_id": "s1", "source": "squad"}, KUWAIT | {"question_id": "d1", "split": "dev"}]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    stats = swapped.build(tmp_path, tmp_path / "p.jsonl", side="sentence")
    written = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert sorted(r["question_id"] for r in written) == ["n1~pair", "q0~pair", "q1~pair", "q2~pair"]
    assert all(r["has_answer"] and r["labels"].count(1) == 1 and r["labels"].count(0) == len(r["labels"]) - 1
               for r in written)
    assert stats["rows written"] == 4
    assert swapped.build(tmp_path, tmp_path / "again.jsonl", side="sentence") == stats  # seeded
    assert (tmp_path / "again.jsonl").read_text() == (tmp_path / "p.jsonl").read_text()


def test_both_sides_are_the_question_sides_rows_then_the_sentence_sides_as_each_alone(tmp_path):
    rows = [KUWAIT | {"question_id": f"q{i}"} for i in range(3)] + [
        _row("What did Norway and Chile sign?", ["Norway and Chile signed a deal to stop the war."], qid="n1")]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    swapped.build(tmp_path, tmp_path / "q.jsonl", side="question")
    swapped.build(tmp_path, tmp_path / "s.jsonl", side="sentence")
    stats = swapped.build(tmp_path, tmp_path / "b.jsonl", side="both")
    both = (tmp_path / "b.jsonl").read_text()
    assert both == (tmp_path / "q.jsonl").read_text() + (tmp_path / "s.jsonl").read_text()
    assert stats["questions"] == 4  # q0, q1, q2, n1: counted once whichever side made their rows
    assert stats["rows written"] == len(both.splitlines()) and {"~swap", "~pair"} <= {
        json.loads(line)["question_id"][-5:] for line in both.splitlines()}
