from pathlib import Path

import pytest

from benchmarks import realtimeqa as R


@pytest.mark.parametrize("text, expected", [
    ("The U.S. and the UK", "the usa and the uk"),
    ("He told us", "he told us"),
    ("4,400 tons and 1,234,567 people", "4400 tons and 1234567 people"),
    ("a 5% rise", "a 5 percent rise"),
    ("“Left the door open” — ‘Maria’s’ words", "left the door open maria words"),
    ("José in São Paulo", "jose in sao paulo"),
    ("old\u200b\u200best", "oldest"),
    ("Salt & Pepper Ltd", "salt and pepper ltd"),
    ("$2tn and £5bn", "2 trillion and 5 billion"),
    ("Nov. 5 and Sept 1", "november 5 and september 1"),
    ("Covid-19 and KX.2.7", "covid 19 and kx 2.7"),
    ("Seven 4 Crew", "7 4 crew"),
])
def test_normalize(text, expected):
    assert R.normalize(text) == expected


@pytest.mark.parametrize("haystack, phrase, expected", [
    ("the plane carried aid supplies", "aid", True),
    ("he said so", "aid", False),
    ("the UN said", "UN", True),
    ("several countries agreed", "UN", False),
    ("about 400 tons of medicine", "400 tons", True),
    ("about 4,400 tons of medicine", "400 tons", False),
    ("a deal worth $75 billion", "5 billion", False),
    ("a deal worth $5 billion", "5 billion", True),
    ("the US said", "U.S.", True),
    ("the U.S. said", "US", True),
    ("he told us", "U.S.", False),
    ("Maria ‘left the door open’, he wrote", "'Left the door open'", True),
    ("Riverton Otters goalkeeper Sam Hale", "Riverton Otters", True),
])
def test_contains_on_word_boundaries(haystack, phrase, expected):
    assert R.contains(R.padded(haystack), phrase) is expected


@pytest.mark.parametrize("answer, right, wrong, expected", [
    ("Kuwait sent about 400 tons of aid.", "400 tons", ["4,400 tons", "40 tons"], True),
    ("Kuwait sent about 4,400 tons of aid.", "400 tons", ["4,400 tons", "40 tons"], False),
    ("The fund holds $75 billion.", "5 billion", ["$75 billion", "$50 billion"], False),
    ("The fund holds $75 billion.", "$75 billion", ["5 billion", "$50 billion"], True),
    ("He said the aid arrived.", "aid", ["loans"], True),
    ("He said nothing.", "aid", ["loans"], False),
    ("Several countries signed.", "UN", ["NATO"], False),
    ("The U.N. signed.", "UN", ["NATO"], True),
    ("The US signed.", "U.S.", ["China"], True),
    ("They told us nothing.", "U.S.", ["China"], False),
    ("President Joe Biden signed it.", "Joe Biden", ["Hunter Biden", "Jill Biden"], True),
    ("Hunter Biden signed it.", "Joe Biden", ["Hunter Biden", "Jill Biden"], False),
    ("Joe Biden and his son Hunter Biden.", "Joe Biden", ["Hunter Biden", "Jill Biden"], False),
    ("Joe Biden and his son Hunter.", "Joe Biden", ["Hunter Biden", "Jill Biden"], True),  # "Hunter" alone is no choice
    ("King Louis XVI was crowned.", "King Louis XVI", ["King Louis XIV", "King Charles II"], True),
    ("She says he “left the door open”.", "‘Left the door open’", ["‘Broke a window’"], True),
    ("Striped mountain tree frog sightings.", "Striped mountain tree frogs", ["Striped wasps"], True),
    ("Striped tree frogs.", "Striped mountain tree frogs", ["Striped wasps"], False),
    ("It was Spanish.", "Spain", ["France"], False),
    ("The High Court of the land published it.", "High Court", ["Central Bank Board"], True),
])
def test_states_answer(answer, right, wrong, expected):
    assert R.states_answer(answer, right, wrong) is expected


def test_a_wrong_choice_with_no_word_of_its_own_is_ignored():
    assert R.states_answer("King Louis XVI", "King Louis XVI", ["King", "Louis"])


def test_word_overlap_is_a_loose_flag_not_the_scorer():
    right = "Stack five wooden blocks quickly"  # stack, 5, wooden, blocks, quickly
    assert R.states("She managed to stack five wooden blocks", right)  # 80% of its words, anywhere
    assert not R.states("She managed to stack wooden blocks", right)
    # the scorer wants the phrase, whole, in one sentence
    assert R.states_answer("She managed to stack five wooden blocks quickly", right, [])
    assert not R.states_answer("She managed to stack five wooden blocks", right, [])
    assert not R.states_answer("She managed to stack five wooden blocks. She did it quickly.", right, [])


def test_scorer_traps_of_issue_21():
    assert not R.states_answer("Shares rose 4.5 percent; the unit is worth 2 billion dollars.", "$4.5 billion",
                               ["$2.5 billion"])
    assert not R.states_answer("Joe Smith said Biden will visit.", "Joe Biden", ["Hunter Biden"])
    assert R.states_answer("It rained on March 3. Sales rose 15 percent.", "15 percent", ["3 percent"])


def test_small_bare_numbers_and_meta_choices_are_not_matchable():
    assert R.small_number("Four") and R.small_number("4") and not R.small_number("$4") and not R.small_number("115")
    question = R.Question("q", "w", "", "", "How many?", ["2", "4", "6", "8"], 1, "")
    assert not question.matchable
    assert not R.Question("q", "w", "", "", "True or false?", ["TRUE", "FALSE"], 0, "").matchable


def test_sentences_match_the_assistants_splitter():
    chunking = pytest.importorskip("assistant.ingest.chunking")
    text = ("Mr. Lavrov met the U.S. envoy in Moscow on Friday. Talks went well! Next step? "
            "“It is done,” he said. The vote was 6-3. A. Smith agreed.")
    assert R.sentence_bounds(text) == chunking.sentence_bounds(text)


def test_week_selection():
    weeks = ["20230106", "20230113", "20230120", "20230127"]
    assert R.select_weeks(weeks, "2") == weeks[:2]
    assert R.select_weeks(weeks, "::2") == ["20230106", "20230120"]
    assert R.select_weeks(weeks, "20230113,20230127") == ["20230113", "20230127"]
    assert R.select_weeks(weeks, None) == weeks
    with pytest.raises(ValueError):
        R.select_weeks(weeks, "20230101")
    with pytest.raises(ValueError):
        R.year_weeks(Path("."), 2022)


def test_small_helpers():
    assert R.iso_date("2023/01/05") == "2023-01-05" and R.iso_date("nonsense") is None
    assert R.strip_html('<a href="x">former Pope</a> &amp; co') == "former Pope & co"
    assert R.cut("one\ntwo\nthree", 9) == "one\ntwo" and R.cut("short", 100) == "short"
    assert R.display_title("Storm updates: the river is rising and the town ...").endswith("town…")
    assert R.answer_kind("Riverton Otters") == "name" and R.answer_kind("$7.25") == "number"
    assert R.answer_kind("Bringing soup to school") == "phrase" and R.answer_kind("1951") == "date"
    assert R.question_kind("How many did he score?") == "how many/much"
    assert R.question_kind("Which team does he play for?") == "which"


def _doc(doc_id, title, text, date="2023-01-05"):
    return R.Document(id=doc_id, url=f"https://example.com/{doc_id}", title=title, text=text, publish_date=date)


def test_the_assistant_reads_title_and_date_from_a_corpus_file():
    cleaning = pytest.importorskip("assistant.ingest.cleaning")
    for title in ["Storm updates: the river is rising and the town asks if it should leave ...",
                  "What to know about the flood on January 3, 2023 | Riverton Times",
                  "Former mayor of Riverton dies at home aged 95 | Riverton Times"]:
        body = ("RIVERTON —\n\nThe first paragraph of the article says something long enough to be prose.\n\n"
                "A second paragraph follows with more words than ten in it, as articles do.")
        doc = _doc("d", title, body)
        lines = R.corpus_text(doc).split("\n")
        meta = cleaning.describe(lines, cleaning.content_mask(lines))
        assert meta.title == R.display_title(title)
        assert meta.date == "2023-01-05"


def _dataset():
    questions = [
        R.Question("q1", "20230106", "2023-01-05", "Test", "Goalkeeper Sam Hale was injured this week. "
                   "He plays for which team?",
                   ["Lakeside Herons", "Hillford Foxes", "Riverton Otters", "Northgate Owls"], 2, "", ["a", "b"]),
        R.Question("q2", "20230106", "2023-01-05", "Test", "Which spice did the regulator add to its allergen list?",
                   ["Cumin", "Mustard seed", "Paprika", "Saffron"], 1, "", ["c"]),
    ]
    docs = {
        "a": _doc("a", "Hale update", "Riverton Otters goalkeeper Sam Hale was injured on Monday night.\n\n"
                                       "The Hillford Foxes game was suspended."),
        "b": _doc("b", "Weather", "Snow fell in Riverton on Monday."),
        "c": _doc("c", "Allergens", "The regulator added mustard seed to its list of major food allergens this year."),
    }
    for doc in docs.values():
        doc.questions = [q.id for q in questions if doc.id in q.hits]
    return R.Dataset(year=2023, weeks=["20230106"], questions=questions, documents=docs)


def test_judge_and_labels_on_a_tiny_corpus():
    dataset = _dataset()
    judgement = R.judge(dataset, dataset.question("q1"))
    assert judgement.rules == {"anywhere": True, "own-hit": True, "sentence": True}
    assert judgement.right.doc_id == "a" and judgement.wrong.keys == 0
    found = R.answer_sentences(dataset.question("q1"), dataset.documents, R.key_words(dataset, dataset.question("q1")))
    assert found == [("a", 1, "Riverton Otters goalkeeper Sam Hale was injured on Monday night.")]
    assert R.answer_sentences(dataset.question("q1"), dataset.documents)  # without key words: any question word
    assert not R.judge(dataset, dataset.question("q1"), indexed={"b", "c"}).answerable


def test_a_left_out_question_has_no_indexed_document_holding_its_answer():
    dataset = _dataset()
    result = R.split(dataset, share=1)
    assert set(result.left_out) == {"q1", "q2"}
    assert result.indexed == {"b"} and result.answerable == [] and R.leaks(dataset, result) == []
    for qid in result.left_out:
        assert not R.answer_docs(dataset, dataset.question(qid), result.indexed)
