"""benchmarks/summary_reference.py: ROUGE as Lin (2004) defines it, and a split that never moves an article."""

import csv
import io
import zipfile

import pytest

from benchmarks import summary_reference as bench


def test_rouge_counts_shared_words_pairs_and_the_longest_common_subsequence():
    reference = bench.tokens("The cat sat on the mat.")
    assert bench.rouge_n(reference, reference, 1) == 1.0 and bench.rouge_l(reference, reference) == 1.0
    candidate = bench.tokens("the cat lay on a mat")
    # 4 of 6 words shared both ways (the, cat, on, mat): P = R = 4/6
    assert bench.rouge_n(candidate, reference, 1) == pytest.approx(4 / 6)
    assert bench.rouge_n(candidate, reference, 2) == pytest.approx(1 / 5)  # only "the cat"
    assert bench.rouge_l(candidate, reference) == pytest.approx(4 / 6)  # the cat ... on ... mat
    assert bench.rouge_l(bench.tokens("mat the on cat"), reference) == pytest.approx(2 * (2 / 4) * (2 / 6) / (2 / 4 + 2 / 6))
    assert bench.rouge_n(bench.tokens("said"), bench.tokens("aid"), 1) == 0.0  # words, not letters
    assert bench.rouge_n([], reference, 1) == 0.0


def test_articles_are_split_by_their_id_alone(tmp_path):
    rows = [{"": str(i), "id": f"{i:040x}", "article": f"Article {i}.", "highlights": f"Point {i} ."} for i in range(40)]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=["", "id", "article", "highlights"])
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "data").mkdir()
    with zipfile.ZipFile(tmp_path / bench.SAMPLE, "w") as archive:
        archive.writestr("train_sample.csv", text.getvalue())
    first = {row["id"]: row["split"] for row in bench.articles(tmp_path)}
    assert set(first.values()) == {"dev", "held-out"} and len(first) == 40
    with zipfile.ZipFile(tmp_path / bench.SAMPLE, "w") as archive:  # fewer articles, in another order
        archive.writestr("train_sample.csv", text.getvalue().splitlines()[0] + "\n" + "\n".join(
            reversed(text.getvalue().splitlines()[1:21])) + "\n")
    assert all(first[row["id"]] == row["split"] for row in bench.articles(tmp_path))
