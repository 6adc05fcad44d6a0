"""The retriever's training groups (training/retriever/pairs.py) and the dense-retrieval yardstick
(benchmarks/dense_retrieval.py): what may be trained on, and a ranking the metric must say no to."""

import json
import random

import numpy as np
import pytest

from benchmarks import dense_retrieval as D
from training.retriever import pairs


def _row(question_id, has_answer, split="train", year=2023, title="A title", **extra):
    return {"question_id": question_id, "question": f"question {question_id}?", "has_answer": has_answer,
            "split": split, "year": year, "title": title, "sentences": [f"{question_id} one.", "Two."], **extra}


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_groups_keep_training_questions_with_an_answering_passage(tmp_path):
    rows = [_row("q1", True), _row("q1", False), _row("q2", False),  # q2: nothing answers it, so no group
            _row("q3", True, split="dev"),  # a dev week's question never trains the retriever
            _row("s1", True, year=None, source="squad", title="")]
    found = pairs.groups([_write(tmp_path / "train.jsonl", rows)])
    assert [(g.question, g.source, len(g.positives), len(g.negatives)) for g in found] == [
        ("question q1?", "realtimeqa", 1, 1), ("question s1?", "squad", 1, 0)]
    assert found[0].positives == ["A title\nq1 one. Two."] and found[1].positives == ["s1 one. Two."]


def test_a_held_out_year_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="2024"):
        pairs.groups([_write(tmp_path / "train.jsonl", [_row("q1", True, year=2024)])])


def _ranks(question_vectors, chunk_vectors):
    docs = ["a", "a", "b", "c", "d", "e", "f"]
    return D.ranks(question_vectors, chunk_vectors, docs, [{"b"}, {"a"}])


def test_ranks_count_articles_by_their_best_chunk():
    chunks = np.eye(7, dtype=np.float32)
    questions = np.stack([chunks[2], 0.9 * chunks[0] + 0.1 * chunks[1]])
    assert _ranks(questions, chunks) == [0, 0]
    questions = np.stack([chunks[3] + 0.5 * chunks[2], chunks[2] + 0.9 * chunks[3] + 0.5 * chunks[1]])
    assert _ranks(questions, chunks) == [1, 2]  # "a" (two chunks) counts once, at its best chunk


def test_a_shuffled_embedding_fails_the_metric():
    rng = np.random.default_rng(0)
    chunks = rng.normal(size=(200, 16)).astype(np.float32)
    docs = [f"d{i // 2}" for i in range(200)]
    gold = [{f"d{i}"} for i in range(100)]
    questions = chunks[::2] + 0.1 * rng.normal(size=(100, 16)).astype(np.float32)
    good = D.figures(D.ranks(questions, chunks, docs, gold))
    shuffled = chunks[random.Random(0).sample(range(200), 200)]
    bad = D.figures(D.ranks(questions, shuffled, docs, gold))
    assert np.mean(good["first"]) > 0.9 and np.mean(bad["first"]) < 0.1
    assert np.mean(bad["mrr"]) < np.mean(good["mrr"]) / 3
