"""A short answer that is part of a name is completed to the whole name the reader's words in the shown sentences
agree on, taken from them and cited; anything else is left as the reader gave it."""

from assistant.answer.compose import _extractive
from assistant.config import Settings
from assistant.evidence.names import completed
from assistant.evidence.spans import ShortAnswer
from assistant.query.question import analyse
from assistant.types import ABSTENTION, Answer, Evidence


def sentence(id: int, text: str, source: str = "a.txt") -> Evidence:
    return Evidence(id=id, text=text, source=source, start_line=id, end_line=id, score=0.9)


def complete(question: str, words: str, *read: tuple[str, str], shown: int = 9) -> tuple[str, int | None]:
    """The short answer `words` of the first sentence, completed from the reader's words (sentence, its words),
    the first `shown` sentences shown."""
    sentences = [sentence(i, text) for i, (text, _) in enumerate(read, 1)]
    found = [ShortAnswer(w, 0.5, e) for e, (_, w) in zip(sentences, read)]
    short = completed(analyse(question), ShortAnswer(words, 0.9, sentences[0]),
                      {e.id for e in sentences[:shown]}, found)
    return short.text, short.named_in.id if short.named_in else None


CURTIS = ("Curtis, who won the award, thanked her family.", "Curtis")
JAMIE = ("Jamie Lee Curtis achieved a career milestone.", "Jamie Lee Curtis")


def test_a_surname_or_a_shortened_team_name_takes_the_whole_name_the_reader_found_in_another_shown_sentence():
    assert complete("Who won the award for best supporting actress?", "Curtis.", CURTIS, JAMIE) == (
        "Jamie Lee Curtis", 2)
    assert complete("Which airline will weigh its passengers?", "New Zealand’s",
                    ("New Zealand’s national airline will weigh passengers.", "New Zealand’s"),
                    ("Air New Zealand wants to weigh 10,000 passengers.", "Air New Zealand")) == ("Air New Zealand", 2)
    # a possessive is left out when the sentence has the name without it
    assert complete("Who said it?", "Lincoln.", ("Lincoln said it.", "Lincoln"),
                    ("It was Abraham Lincoln's speech.", "Abraham Lincoln's")) == ("Abraham Lincoln", 2)


def test_the_name_ending_with_the_words_comes_before_one_starting_with_them_and_two_different_ones_leave_them():
    assert complete("Which university declined?", "Georgia.", ("Georgia declined.", "Georgia"),
                    ("The Georgia Bulldogs team declined.", "Georgia Bulldogs")) == ("Georgia Bulldogs", 2)
    assert complete("Which university declined?", "Georgia.", ("Georgia declined.", "Georgia"),
                    ("The Georgia Bulldogs team declined.", "Georgia Bulldogs"),
                    ("The University of Georgia declined.", "University of Georgia")) == ("University of Georgia", 3)
    assert complete("Who spoke?", "Biden.", ("Biden spoke first.", "Biden"), ("Joe Biden said so.", "Joe Biden"),
                    ("Hunter Biden agreed.", "Hunter Biden")) == ("Biden.", None)
    # a name inside a longer one is the same name
    assert complete("Who won?", "Curtis.", CURTIS, ("Lee Curtis smiled.", "Lee Curtis"), JAMIE) == (
        "Jamie Lee Curtis", 3)


def test_only_names_the_reader_found_in_shown_sentences_complete_only_a_name_asked_for():
    assert complete("Who won the award?", "Curtis.", CURTIS, JAMIE, shown=1) == ("Curtis.", None)
    assert complete("Who won the award?", "Curtis.", CURTIS, (JAMIE[0], "Curtis")) == ("Curtis.", None)
    assert complete("When did Curtis win?", "Curtis.", CURTIS, JAMIE) == ("Curtis.", None)  # a date question
    assert complete("What did they eat?", "white shark.", ("She ate a white shark.", "white shark"),
                    ("A great white shark was eaten.", "great white shark")) == ("white shark.", None)
    assert complete("Which country ranked first?", "Finland.", ("Finland ranked first.", "Finland"),
                    ("Finland, Denmark, Iceland lead.", "Finland, Denmark, Iceland")) == ("Finland.", None)
    assert complete("Which flag?", "Flag.", ("The Flag flew.", "Flag"),
                    ("It was the Juneteenth Flag.", "the Juneteenth Flag")) == ("Flag.", None)
    assert complete("Who won?", "Smith.", ("Smith won.", "Smith"),
                    ("The Royal Society Prize Fund Smith won.", "Royal Society Prize Fund Smith")) == ("Smith.", None)


def test_an_extractive_answer_states_the_whole_name_and_cites_the_sentence_giving_it():
    asked = analyse("Who won the Oscar for best supporting actress?")
    won = sentence(1, "Curtis, who won the award for best supporting actress, thanked her family.")
    named = sentence(2, "Jamie Lee Curtis achieved a career milestone with her first Oscar.", source="b.txt")
    blank = Answer(question=asked.text, answer=ABSTENTION, abstained=True, mode="extractive")
    inside = {2: ShortAnswer("Jamie Lee Curtis", 0.3, named)}
    said = _extractive(blank, asked, ShortAnswer("Curtis", 0.9, won), [won, named], Settings(), None, [], inside)
    assert said.answer.startswith("Jamie Lee Curtis. [1] [2] “Curtis, who won")
    assert [c.source for c in said.citations] == ["a.txt", "b.txt"]
    assert said.sentences[0].reason.startswith("a span of [1], named in full in [2]")
    unread = _extractive(blank, asked, ShortAnswer("Curtis", 0.9, won), [won, named], Settings())
    assert unread.answer.startswith("Curtis. [1] “Curtis, who won")
