"""cloze: a lead sentence turned into a question, answered by a passage of another article of the same week."""

from training.reader import cloze
from training.reader.cloze import rtqa


def _found(sentence):
    return [(kind, sentence[a:b]) for kind, a, b in cloze.answers_in(sentence)]


def test_answers_are_names_numbers_and_dates_but_not_adjectives_datelines_or_years():
    assert _found("Apple said on March 3, 2023 it would invest $500 billion in the United States.") == [
        ("date", "March 3, 2023"), ("number", "$500 billion"), ("name", "United States")]
    assert _found("Russian officials said 86% of voters backed the plan in 2022.") == [("number", "86%")]
    assert _found("Officials in NEW YORK said the ban ends.") == []  # an opening word and capitals are no names
    assert _found("Covid-19 cases rose at the Centers for Disease Control and Prevention.") == [
        ("name", "Centers for Disease Control")]  # "Prevention" alone is part of a name, "19" part of a word


def test_the_answer_is_replaced_by_a_question_word_of_its_kind():
    def asked(sentence, answer):
        kind, a, b = next(f for f in cloze.answers_in(sentence) if sentence[f[1]:f[2]] == answer)
        return cloze.to_question(sentence, kind, a, b)

    sentence = "President Joe Biden signed the bill on March 3, 2023, after the Senate passed it 68 to 29."
    assert asked(sentence, "Joe Biden") == "Who signed the bill on March 3, 2023, after the Senate passed it 68 to 29?"
    assert asked(sentence, "March 3, 2023") == ("President Joe Biden signed the bill when, after the Senate passed "
                                               "it 68 to 29?")
    assert asked(sentence, "Senate") == ("President Joe Biden signed the bill on March 3, 2023, after what passed "
                                         "it 68 to 29?")
    assert asked("Inflation rose 6.4 percent in January, the Labor Department said Tuesday.",
                 "6.4 percent") == "Inflation rose what percentage in January, the Labor Department said Tuesday?"
    assert asked("But the company will invest $2 billion in new plants over the next four years.",
                 "$2 billion") == "The company will invest how much in new plants over the next four years?"
    assert cloze.to_question("Biden met Biden.", "name", 0, 5) is None  # too short, and the answer twice


def _dataset(docs):
    documents = {d: rtqa.Document(id=d, url=d, title=d, text=text, publish_date=None) for d, text in docs.items()}
    return rtqa.Dataset(year=2022, weeks=["20220617"], questions=[], documents=documents)


def _question(text, answer):
    return rtqa.Question(id="cloze-a-0", week="20220617", date="20220617", source="cloze", question=text,
                         choices=[answer], answer_index=0, evidence="")


def test_a_question_is_paired_with_another_article_telling_the_fact_and_a_passage_that_does_not():
    dataset = _dataset({
        "a": "Title a\nColombia elected Gustavo Petro, a former guerrilla, as its first leftist president on Sunday.",
        "b": "Title b\nLeft-wing candidate Gustavo Petro won the Colombian presidential election on Sunday and will be "
             "the first leftist president of Colombia.",
        "c": "Title c\nColombia elected a new president on Sunday; the leftist candidate's rivals conceded.",
        "d": "Title d\nGustavo Petro spoke about football.",
    })
    index = cloze.WeekIndex(dataset, ["a", "b", "c", "d"])
    question = _question("Colombia elected who, a former guerrilla, as its first leftist president on Sunday?",
                         "Gustavo Petro")
    rows = cloze.pair(index, dataset, question, "a")
    assert [(r["doc_id"], r["has_answer"]) for r in rows] == [("b", True), ("c", False)]
    answering = rows[0]
    start, end = answering["span"]
    assert " ".join(answering["sentences"])[start:end] == "Gustavo Petro"
    assert rows[1]["labels"] == [0] * len(rows[1]["sentences"]) and rows[1]["span"] is None


def test_a_passage_that_copies_the_question_sentence_or_holds_the_answer_by_chance_is_no_pair():
    dataset = _dataset({
        "a": "Title a\nColombia elected Gustavo Petro, a former guerrilla, as its first leftist president on Sunday.",
        "copy": "Title copy\nColombia elected Gustavo Petro, a former guerrilla, as its first leftist president on "
                "Sunday.",
        "chance": "Title chance\nColombia's president spoke on Sunday about the election. Gustavo Petro likes "
                  "football.",
    })
    index = cloze.WeekIndex(dataset, ["a", "copy", "chance"])
    question = _question("Colombia elected who, a former guerrilla, as its first leftist president on Sunday?",
                         "Gustavo Petro")
    assert [r["has_answer"] for r in cloze.pair(index, dataset, question, "a")] == []
