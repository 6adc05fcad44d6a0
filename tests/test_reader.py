"""The packaged reader at run time: it loads from the package, reads the way it was trained, points at answers."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pytest
from onnxruntime.capi.onnxruntime_pybind11_state import InvalidProtobuf

from assistant.scoring.reader import Reader, contract, model_file
from training.reader.common import load_tokenizer
from training.reader.features import decode, featurize

TOUR = ["The race started in Bilbao in northern Spain.", "Jonas Vingegaard won the 2023 Tour de France for the "
        "second time.", "Fans celebrated along the Champs-Elysees."]
BAKERY = ["The Tallbo bakery opened in March.", "It sells rye bread and cinnamon buns."]


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(threads=1)


def test_the_model_in_the_package_is_the_one_its_contract_names():
    assert hashlib.sha256(model_file().read_bytes()).hexdigest() == contract()["sha256"]


def test_a_reader_exported_elsewhere_is_read_from_its_own_directory(tmp_path, reader):
    """Benchmarks compare trained readers in one process: an export directory's contract and model are the ones
    used, not the package's."""
    copy = tmp_path / "copy"
    shutil.copytree(model_file().parent, copy)
    question = "Who won the 2023 Tour de France?"
    assert Reader(threads=1, directory=copy).read(question, [TOUR]) == reader.read(question, [TOUR])
    broken = tmp_path / "broken"
    shutil.copytree(copy, broken)
    (broken / contract()["model"]).rename(broken / "elsewhere.onnx")
    (broken / "reader.json").write_text(json.dumps({**contract(), "model": "elsewhere.onnx", "sha256": "x"}))
    assert contract(broken)["model"] == "elsewhere.onnx" and model_file(broken) == broken / "elsewhere.onnx"
    assert Reader(threads=1, directory=broken).read(question, [TOUR]) == reader.read(question, [TOUR])
    (broken / "elsewhere.onnx").write_bytes(b"not a model")
    with pytest.raises(InvalidProtobuf):
        Reader(threads=1, directory=broken).read(question, [TOUR])


def test_a_reader_with_its_own_vocabulary_reads_with_the_tokenizer_beside_it(tmp_path, reader):
    """A base other than the embedder's (training --base e5) ships its tokenizer.json beside the model; the
    shipped reader uses the embedder's."""
    from tokenizers import Tokenizer, normalizers

    from assistant.providers.embeddings import tokenizer_file
    from assistant.scoring.reader import tokenizer_path

    assert tokenizer_path() == tokenizer_file()
    own = tmp_path / "own"
    shutil.copytree(model_file().parent, own)
    cased = Tokenizer.from_file(str(tokenizer_file()))
    cased.normalizer = normalizers.BertNormalizer(lowercase=False)  # other word pieces: the reading changes
    cased.save(str(own / "tokenizer.json"))
    (own / "reader.json").write_text(json.dumps({**contract(), "tokenizer": "tokenizer.json"}))
    assert tokenizer_path(own) == own / "tokenizer.json"
    question = "Who won the 2023 Tour de France?"
    assert Reader(threads=1, directory=own).read(question, [TOUR]) != reader.read(question, [TOUR])


def test_a_reader_trained_to_read_titles_is_refused_rather_than_read_without_them(tmp_path):
    titled = tmp_path / "titled"
    shutil.copytree(model_file().parent, titled)
    (titled / "reader.json").write_text(json.dumps({**contract(), "title_line": True}))
    with pytest.raises(ValueError, match="title"):
        Reader(threads=1, directory=titled).read("Who won the 2023 Tour de France?", [TOUR])


def test_the_sentence_that_states_the_answer_ranks_first_and_its_words_are_the_span(reader):
    tour, = reader.read("Who won the 2023 Tour de France?", [TOUR])
    assert int(np.argmax(tour.sentences)) == 1
    assert tour.span is not None and tour.span.sentence == 1 and tour.span.text == "Jonas Vingegaard"
    assert TOUR[1][tour.span.start:tour.span.end] == tour.span.text


def test_a_passage_about_something_else_is_less_likely_to_answer(reader):
    zoo, bakery = reader.read("How many zebras does the Tallbo zoo keep?",
                              [["The Tallbo zoo keeps 9 zebras and two lions."], BAKERY])
    assert zoo.answers > 2 * bakery.answers
    assert zoo.span is not None and zoo.span.text == "9"


def test_the_run_time_reads_exactly_as_the_training_reference_decodes(reader):
    """The product copies the decoding of training/reader/features.py; the two must agree on the same outputs."""
    question = "Where did the race start?"
    ours, = reader.read(question, [TOUR])
    features = featurize(load_tokenizer(), question, TOUR)
    raw = reader._run(reader._encode(question, TOUR))
    reference = decode(features, *raw)
    assert features.ids == reader._encode(question, TOUR).ids
    assert ours.sentences == pytest.approx(reference["sentence_scores"])
    assert ours.answers == pytest.approx(1 - reference["na"])
    assert ours.span is not None and reference["span"] is not None
    assert ours.span.probability == pytest.approx(reference["span"]["p"] * ours.answers)


def test_each_sentence_has_its_likeliest_answer_words_and_the_passage_span_is_among_them(reader):
    question = "Who won the 2023 Tour de France?"
    tour, = reader.read(question, [TOUR])
    assert len(tour.inside) == len(TOUR)
    for k, words in enumerate(tour.inside):
        assert words is not None and words.sentence == k and TOUR[k][words.start:words.end] == words.text
        assert 0.0 < words.probability <= 1.0
    assert tour.span is not None and tour.inside[1].text == tour.span.text == "Jonas Vingegaard"
    # given that the answer is in the sentence, the reader is surer of its words than of the passage's best span
    assert tour.inside[1].probability > tour.span.probability
    zoo, = reader.read("Where did the race start?", [TOUR])
    assert zoo.inside[0] is not None and "Bilbao" in zoo.inside[0].text


def test_sentences_past_the_length_limit_are_unread_and_empty_passages_answer_nothing(reader):
    long = [f"Sentence number {i} talks about the weather in a town far away from here." for i in range(40)]
    cut, empty, _ = reader.read("Who won the 2023 Tour de France?", [long, [], TOUR])
    assert cut.sentences[0] is not None and cut.sentences[-1] is None
    assert empty.answers == 0.0 and empty.span is None and empty.sentences == ()
    assert cut.inside[0] is not None and cut.inside[-1] is None


def test_a_passage_reads_the_same_whatever_else_was_retrieved_beside_it(reader):
    question = "Who won the 2023 Tour de France?"
    alone, = reader.read(question, [TOUR])
    _, beside, _ = reader.read(question, [BAKERY, TOUR, TOUR[:2] * 5])
    assert alone == beside


@pytest.mark.parametrize("sentence, words, expected", [
    ("Moscow welcomes the decision of the League of Arab States (LAS) on Syria.", "LAS)", "LAS"),
    ('Apple TV+\'s "Ted Lasso" won again.', '"Ted Lasso', '"Ted Lasso"'),
    ('Apple TV+\'s "Ted Lasso" won again.', 'Ted Lasso"', "Ted Lasso"),
    ("They opened the \u201cBig Apple store, at last.", "\u201cBig Apple", "Big Apple"),
    ("The summit (in May) ended.", "(in May)", "(in May)"),
    ("The summit ended in May.", "May", "May"),
])
def test_answer_words_leave_no_bracket_or_quote_mark_without_its_partner(sentence, words, expected):
    from assistant.scoring.reader import _paired

    begin, stop = _paired(sentence, sentence.index(words), sentence.index(words) + len(words))
    assert sentence[begin:stop] == expected
