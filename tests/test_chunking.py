from pathlib import Path

import pytest

from assistant.ingest.chunking import chunk_spans, pack, sentence_bounds, sentences
from assistant.ingest.cleaning import content_mask, describe
from assistant.types import Span

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def squash(text: str) -> str:
    return " ".join(text.split())


def test_every_sentence_is_verbatim_within_its_lines():
    for path in sorted(SEEDS.iterdir()):
        lines = path.read_text(encoding="utf-8").split("\n")
        chunks = chunk_spans(lines, content_mask(lines), 700)
        assert chunks, path
        for chunk in chunks:
            assert sum(len(s.text) + 1 for s in chunk) <= 700 + 1 or len(chunk) == 1
            for sentence in chunk:
                assert squash(sentence.text) in squash(" ".join(lines[sentence.start_line - 1:sentence.end_line]))


def test_sentences_keep_line_numbers_across_wrapped_lines_and_abbreviations():
    paragraph = [(3, "Mr. Lavrov met the U.S. envoy in"), (4, "Moscow on Friday. Talks went well!"), (5, "Next step?")]
    spans = sentences(paragraph)
    assert [(s.text, s.start_line, s.end_line) for s in spans] == [
        ("Mr. Lavrov met the U.S. envoy in Moscow on Friday.", 3, 4),
        ("Talks went well!", 4, 4),
        ("Next step?", 5, 5),
    ]


def test_chunks_overlap_by_one_sentence_and_long_sentences_are_split():
    para = [Span(text=f"Sentence number {i} " + "word " * 20 + ".", start_line=i, end_line=i) for i in range(1, 9)]
    chunks = pack([para], max_chars=300)
    assert len(chunks) > 2
    for previous, current in zip(chunks, chunks[1:]):
        assert previous[-1] == current[0]
    long = sentences([(1, "word " * 400 + "end.")])
    assert len(long) > 1 and all(len(s.text) <= 600 for s in long)


@pytest.mark.parametrize("text", ["The company was renamed Visa Inc.", "It was founded in 1958. It was renamed Visa Inc.",
                                  "He moved to the U.S. He left the U.S."])
def test_no_text_is_lost_when_a_paragraph_ends_in_an_abbreviation(text):
    bounds = sentence_bounds(text)
    assert bounds and bounds[-1][1] == len(text)
    assert "".join(text[a:b] for a, b in bounds).replace(" ", "") == text.replace(" ", "")


def test_a_scrapers_date_marker_is_no_part_of_the_first_sentence():
    lines = [" date 2023-12-07 Russia and Saudi Arabia Agree to Boost Defense Cooperation",
             "On Wednesday, Russian President Vladimir Putin paid a working visit to Saudi Arabia."]
    chunks = chunk_spans(lines, content_mask(lines), 700)
    assert [(s.text, s.start_line) for s in chunks[0]] == [
        ("Russia and Saudi Arabia Agree to Boost Defense Cooperation", 1),
        ("On Wednesday, Russian President Vladimir Putin paid a working visit to Saudi Arabia.", 2)]
    assert describe(lines, content_mask(lines)).date == "2023-12-07"


def test_list_items_and_table_rows_are_sentences_of_their_own():
    lines = ["Ingredients", "", "- 250 g plain flour", "- 2 eggs", "", "Method", "",
             "1. Whisk the flour and sugar in a bowl.", "2. Beat the eggs into the milk, then",
             "   stir in the butter.", "- Deploys happen only on Tuesdays. - Not before noon.", "",
             "| Item | Price |", "|------|------:|", "| Toner cartridge | 79.00 EUR |", "", "Prices are valid until May."]
    spans = [(s.text, s.start_line, s.end_line) for chunk in chunk_spans(lines, content_mask(lines), 700)
             for s in chunk]
    assert spans == [
        ("Ingredients", 1, 1), ("- 250 g plain flour", 3, 3), ("- 2 eggs", 4, 4), ("Method", 6, 6),
        ("1. Whisk the flour and sugar in a bowl.", 8, 8),  # the list's "1." is no sentence of its own
        ("2. Beat the eggs into the milk, then stir in the butter.", 9, 10),  # a wrapped item stays whole
        ("- Deploys happen only on Tuesdays. - Not before noon.", 11, 11),
        ("| Item | Price |", 13, 13), ("| Toner cartridge | 79.00 EUR |", 15, 15),  # the rule row draws, says nothing
        ("Prices are valid until May.", 17, 17)]


def test_a_short_list_item_is_evidence_and_a_short_sentence_is_not():
    from assistant.evidence.selection import long_enough
    assert long_enough("- 2 eggs", 4) and long_enough("3) Two eggs", 4)
    assert not long_enough("Two eggs.", 4) and not long_enough("- eggs", 4)
