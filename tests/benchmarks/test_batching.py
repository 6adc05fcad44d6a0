"""Question batches: every passage once, a question's passages together, at most BATCH, seeded."""

from training.reader.batching import exactly, group_ids, question_batches


def test_each_passage_once_and_a_questions_passages_together():
    questions = [f"q{i % 7}" for i in range(40)] + ["big"] * 11
    lengths = [(i * 37) % 200 + 20 for i in range(len(questions))]
    order = question_batches(questions, lengths, 8, epoch=0, seed=3)
    assert sorted(i for b in order for i in b) == list(range(len(questions)))
    assert all(len(b) <= 8 for b in order)
    for q in {q for q in questions if q != "big"}:
        assert sum(any(questions[i] == q for i in b) for b in order) == 1  # 5 or 6 passages: one batch
    assert sum(any(questions[i] == "big" for i in b) for b in order) == 2  # 11 passages: runs of 8 and 3
    assert order == question_batches(questions, lengths, 8, epoch=0, seed=3)
    assert order != question_batches(questions, lengths, 8, epoch=1, seed=3)


def test_group_ids_number_questions_by_first_appearance():
    assert group_ids(["b", "a", "b", "c", "a"]) == [0, 1, 0, 2, 1]


def test_every_epoch_has_the_same_number_of_batches():
    order = [[0, 1], [2], [3, 4]]
    assert exactly(order, 3) == order and exactly(order, 2) == [[0, 1], [2]]
    assert exactly(order, 5) == [[0, 1], [2], [3, 4], [0, 1], [2]]
