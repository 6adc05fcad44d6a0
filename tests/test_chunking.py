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


def test_field_lines_of_a_record_are_sentences_of_their_own():
    lines = ["Landlord: Aurelia Moss (managed by Keystone Lettings)", "**Lease end:** 31 August 2025",
             "Security deposit: 2,300 euros (held by the", "Castelbrun Tenancy Deposit Scheme)", "",
             "The committee met on Monday evening in the back room and", "Tobias said: it should wait.",
             "At 10:30 the office opens.", "Prices: see https://example.org"]
    spans = [(s.text, s.start_line, s.end_line) for chunk in chunk_spans(lines, content_mask(lines), 700)
             for s in chunk]
    assert spans == [
        ("Landlord: Aurelia Moss (managed by Keystone Lettings)", 1, 1), ("**Lease end:** 31 August 2025", 2, 2),
        ("Security deposit: 2,300 euros (held by the Castelbrun Tenancy Deposit Scheme)", 3, 4),  # wrapped value
        # wrapped prose runs on past a colon
        ("The committee met on Monday evening in the back room and Tobias said: it should wait.", 6, 7),
        ("At 10:30 the office opens.", 8, 8), ("Prices: see https://example.org", 9, 9)]


def test_a_short_list_item_or_field_is_evidence_and_a_short_sentence_is_not():
    from assistant.evidence.selection import long_enough
    assert long_enough("- 2 eggs", 4) and long_enough("3) Two eggs", 4) and long_enough("Overall status: Amber", 4)
    assert not long_enough("Two eggs.", 4) and not long_enough("- eggs", 4)
    assert not long_enough("Date: 2022-11-08", 4)  # a bare header field says nothing a question asks


def test_a_notes_records_are_no_story_lead_but_a_news_lead_opening_with_a_label_is():
    from assistant.evidence.selection import is_record
    assert is_record("Attendees: Anna Reyes, Tom Becker") and is_record("- 2 eggs") and is_record("| Rent | 1,150 |")
    assert not is_record("Montgomery: Lawmakers have voted to place statues of Rosa Parks in the Capitol.")
