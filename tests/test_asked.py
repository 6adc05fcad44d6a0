"""What a question asks for, and the short answers a sentence offers for it."""

import pytest

from assistant.query.question import analyse, kind_of
from assistant.scoring.fitted import spans


@pytest.mark.parametrize("question, kind, head", [
    ("NFL player Damar Hamlin suffered an emergency this week. He is a member of which team?", "name", "team"),
    ("Who met Putin in Riyadh?", "name", None),
    ("How much aid had Kuwait sent by plane?", "number", None),
    ("Which plane number had just taken off for Al-Arish Airport?", "number", None),
    ("When did Kuwait establish relations with the Soviet Union?", "date", None),
    ("On which weekday does Colm get first call on the car?", "date", "weekday"),
    ("In which country did the summit take place?", "place", "country"),
    ("What did Russia and Kuwait agree on Gaza?", "statement", None),
    ("What does UAP stand for?", "statement", None),
    # an abstract thing is described, not named; a kind of thing is answered by naming one
    ("In which fields did Russia and Saudi Arabia agree to expand cooperation?", "statement", "field"),
    ("Which type of animal escaped from the zoo?", "name", "typ"),
    ("Which decision of the League of Arab States did Moscow welcome?", "name", "decision"),
])
def test_the_kind_of_answer_a_question_wants(question, kind, head):
    assert kind_of(question) == (kind, head)


def test_rare_question_words_weigh_more_than_common_ones():
    asked = analyse("Did Russia and China agree on weapons in outer space?",
                    lambda terms: ({"russia": 900, "china": 800, "outer": 3, "spac": 12, "weapon": 40}, 1000))
    assert asked.idf["outer"] > asked.idf["weapon"] > asked.idf["russia"]  # counts are of stems ("space" → "spac")
    assert ("outer", "spac") in asked.phrases


@pytest.mark.parametrize("question, sentence, expected", [
    ("Which team does Damar Hamlin play for?", "The 24-year-old Buffalo Bills player has shown improvement.",
     ["Buffalo Bills"]),
    ("Who met Putin in Riyadh?", "On Wednesday, Putin met Saudi Crown Prince Mohammed bin Salman in Riyadh.",
     ["Saudi Crown Prince Mohammed bin Salman"]),
    ("How much aid had Kuwait sent by plane?", "The aid amounted to about 400 tons of medicine.", ["400 tons"]),
    ("When did the talks end?", "The talks ended on December 7, 2023 in Moscow.", ["December 7, 2023"]),
])
def test_short_answers_are_spans_of_the_kind_asked_and_not_the_questions_own_words(question, sentence, expected):
    assert list(spans(analyse(question), sentence)) == expected


def test_ordinals_are_numbers_with_their_suffix_and_the_questions_own_noun_is_trimmed():
    assert list(spans(analyse("Which plane number had just taken off?"), "Today the 11th plane took off.")) == ["11th"]


def test_a_contraction_at_the_start_of_a_question_is_no_name():
    from assistant.query.question import question_names
    assert question_names("What's the booking reference for our train to Brisk Falls?") == {"brisk", "falls"}
    assert question_names("What was Hanna's blood pressure?") == {"hanna's"}
