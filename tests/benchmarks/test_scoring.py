"""The news benchmark's scorer (benchmarks/scoring.py): traps both ways, the short answer, intervals, and a ranking
that the metric must say no to."""

import random
import re

import pytest

from benchmarks import scoring as S

# (answer, right, wrong choices, correct?)
TRAPS = [
    # a number is stated with its unit and its magnitude, inside one sentence
    ("Shares rose 4.5 percent on Monday, and the unit is worth 2 billion dollars.", "$4.5 billion",
     ["$2.5 billion", "$45 billion"], False),
    ("The deal is worth $4.5 billion.", "$4.5 billion", ["$2.5 billion"], True),
    ("The deal is worth 4.5 billion dollars.", "$4.5 billion", ["$2.5 billion"], True),
    ("The deal is worth US$4.5bn, the filing says.", "$4.5 billion", ["$2.5 billion"], True),
    ("The deal is worth 4.5 billion U.S. dollars.", "$4.5 billion", ["$2.5 billion"], True),
    ("The deal is worth 4.5 billion euros.", "$4.5 billion", ["$2.5 billion"], False),
    ("The deal is worth $4.5 million.", "$4.5 billion", ["$2.5 billion"], False),
    ("It was 4.5. Billions were spent.", "4.5 billion", ["2 billion"], False),
    ("Profit was $4.50 a share.", "$4.5", ["$3"], True),
    ("The fund holds $75 billion.", "5 billion", ["$75 billion"], False),
    ("About 4,400 tons arrived.", "400 tons", ["4,400 tons"], False),
    ("Unemployment fell 15 per cent.", "15%", ["3%"], True),
    ("Output grew 4.5 percent.", "4.5", ["3"], True),
    ("Output grew 4.5 million tons.", "4.5", ["3"], False),
    # a wrong choice voids only when it is itself stated as a phrase (its number with its unit)
    ("It rained on March 3. Sales rose 15 percent.", "15 percent", ["3 percent", "10 percent"], True),
    ("Sales rose 15 percent after falling 3 percent.", "15 percent", ["3 percent"], False),
    ("Sales rose 15 percent. Costs fell 3 percent.", "15 percent", ["3 percent"], False),
    ("On March 3, three people were hurt.", "3", ["5", "7"], True),
    ("It happened on March 3.", "3", ["5", "7"], False),
    ("It happened on 3 March and 15 people came.", "15", ["3"], True),
    ("In 2019 it grew.", "2019", ["2018"], True),
    ("By March 2019 it grew.", "2019", ["2018"], True),
    # names: a contiguous phrase, in one sentence
    ("Joe Smith said Biden will visit.", "Joe Biden", ["Hunter Biden", "Kamala Harris"], False),
    ("Biden will visit on Friday.", "Joe Biden", ["Kamala Harris"], False),
    ("Joe. Biden will visit.", "Joe Biden", ["Kamala Harris"], False),
    ("President Joe Biden will visit.", "Joe Biden", ["Kamala Harris"], True),
    ("Joe Biden will visit.", "President Joe Biden", ["Vice President Kamala Harris"], True),
    ("Biden will visit.", "President Biden", ["Vice President Harris"], False),
    ("Joe Biden and Kamala Harris will visit.", "President Joe Biden", ["Vice President Kamala Harris"], False),
    ("Washington Post reporters found it.", "The Washington Post", ["The New York Times"], True),
    ("The Post found it in Washington.", "The Washington Post", ["The New York Times"], False),
    ("Hunter Biden signed it.", "Biden", ["Hunter Biden"], False),
    ("Joe Biden signed it.", "Biden", ["Hunter Biden"], True),
    ("Joe Biden and his son Hunter Biden.", "Joe Biden", ["Hunter Biden"], False),
    ("Joe Biden met Hunter at noon.", "Joe Biden", ["Hunter Biden"], True),
    ("King Louis XVI was crowned.", "King Louis XVI", ["King", "Louis"], True),
    ("Pope Francis met the faithful.", "Pope Francis", ["Pope"], True),
    ("Louis XIV built Versailles; Louis XVI lost his head.", "King Louis XVI", ["King Louis XIV"], False),
    ("Sam Hale plays for the Riverton Otters.", "Riverton Otters", ["Hillford Otters"], True),
    ("Riverton's keeper joined the Otters.", "Riverton Otters", ["Hillford Otters"], False),
    ("Striped mountain tree frog sightings rose.", "Striped mountain tree frogs", ["Striped wasps"], True),
    ("Striped tree frogs.", "Striped mountain tree frogs", ["Striped wasps"], False),
    ("She managed to stack five wooden blocks.", "Stack five wooden blocks quickly", ["Stack cards"], False),
    ("It was Spanish.", "Spain", ["France"], False),
    ("The U.N. signed.", "UN", ["NATO"], True),
    ("Several countries signed.", "UN", ["NATO"], False),
    ("They told us nothing.", "U.S.", ["China"], False),
    ("The US signed. [1]", "U.S.", ["China"], True),
    ("Austin, Texas, will host it.", "Austin, Texas", ["Dallas, Texas"], True),
    # a name keeps its capitals; a quiz's capitalised first word does not make a common noun a name
    ("Twitter will be rebranded simply to X, a change seen on desktop.", "X", ["A", "Q", "Z"], True),
    ("A black-and-white X replaced the bird.", "X", ["A", "Q", "Z"], True),
    ("The logo is now a black-and-white bird.", "A", ["X", "Q"], False),
    ("The grade on the door was an A.", "A", ["X", "Q"], True),
    ("I said the logo is now X.", "X", ["I", "Q"], True),
    ("Lawmakers vowed to save act two of the plan.", "SAVE Act", ["CHIPS Act"], False),
    ("Lawmakers passed the SAVE Act on Friday.", "SAVE Act", ["CHIPS Act"], True),
    ("A rare green comet is headed our way.", "Green", ["Red", "Blue"], True),
    ("Police will not attend calls linked to mental health.", "Mental health", ["Fraud"], True),
    ("Washington Post reporters found it.", "The Washington Post", ["The New York Times"], True),
    ("The washington post office closed.", "The Washington Post", ["The New York Times"], False),
]


@pytest.mark.parametrize("answer, right, wrong, expected", TRAPS)
def test_traps(answer, right, wrong, expected):
    assert S.states_answer(answer, right, wrong) is expected


def test_one_sentence_not_the_whole_answer():
    answer = "“Biden met the Pope on Friday.” [1] “Joe Smith, an aide, was there.” [2]"
    assert not S.states(answer, "Joe Biden") and not S.states(answer, "Smith Biden")
    assert S.states("“Joe Biden met the Pope on Friday.” [1]", "Joe Biden")


def test_verdict_names_what_was_stated():
    found = S.verdict("Sales rose 15 percent, then 3 percent.", "15 percent", ["3 percent", "10 percent"])
    assert found.right and found.wrong == ["3 percent"] and found.result == "wrong"
    assert S.verdict("Nothing here.", "15 percent", ["3 percent"]).result == "incomplete"
    assert S.verdict("15 percent.", "15 percent", ["3 percent"]).result == "correct"


def test_phrase_tokens_fold_units_and_magnitudes():
    assert S.phrase_tokens("$4.5bn") == S.phrase_tokens("4.5 billion dollars") == ("4500000000", "dollar")
    assert S.phrase_tokens("one billion") == ("1000000000",) and S.phrase_tokens("one of them")[0] == "one"
    assert S.phrase_tokens("4,400 tons") == ("4400", "ton") and S.phrase_tokens("the 1990s") == ("the", "1990s")
    assert S.phrase_tokens("€5m") == ("5000000", "euro") and S.phrase_tokens("5 pct") == ("5", "percent")


@pytest.mark.parametrize("text, span, short", [
    ("Riverton Otters. [1] “Riverton Otters goalkeeper Sam Hale was injured.” [1]", None, "Riverton Otters."),
    ("“On Monday, the company said it would buy Mills for $4.5 billion.” [1]", None, "On Monday"),
    ("Mills was bought for $4.5 billion; the deal closes in May.", None, "Mills was bought for $4.5 billion"),
    ("Austin, Texas, will host the race.", None, "Austin, Texas"),
    ("The company that agreed on Tuesday to buy the mill after months of talks is Hillford Paper.", None,
     "The company that agreed on Tuesday to buy the mill after months"),
    ("Anything at all.", "Hillford Paper", "Hillford Paper"),
    ("", None, ""),
])
def test_short_answer(text, span, short):
    assert S.short_answer(text, span) == short


def test_short_answer_metric_wants_the_answer_up_front():
    late = "In a statement released on Tuesday after months of talks, the mill's owners chose Hillford Paper."
    assert S.states_answer(late, "Hillford Paper", ["Lakeside Paper"])
    assert not S.states_answer(S.short_answer(late), "Hillford Paper", ["Lakeside Paper"])
    assert S.states_answer(S.short_answer("Hillford Paper bought the mill, it said."), "Hillford Paper", [])


def test_bootstrap_intervals_are_seeded_and_cover_the_value():
    values = [1, 0, 1, 1, 0] * 20
    value, low, high = S.bootstrap(values)
    assert value == pytest.approx(0.6) and low < 0.6 < high and high - low < 0.25
    assert S.bootstrap(values) == (value, low, high)  # the same seed, the same interval
    assert S.bootstrap([1.0] * 10) == (1.0, 1.0, 1.0)
    assert S.bootstrap([])[0] != S.bootstrap([])[0]  # NaN over no questions
    assert S.bootstrap([3, 1, 2, 5, 4], S.median)[0] == 3 and S.bootstrap([3, 1, 2, 5, 4], S.p95)[0] == 4


def test_paired_interval():
    a, b = [1, 1, 0, 1] * 25, [0, 1, 0, 0] * 25
    value, low, high = S.paired(a, b)
    assert value == pytest.approx(0.5) and 0.35 < low < 0.5 < high < 0.65
    same = S.paired(a, a)
    assert same == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        S.paired(a, b[:-1])


def test_random_sentences_are_seeded_and_in_order():
    sentences = [f"Sentence {i}." for i in range(10)]
    picked = S.random_sentences(sentences, 2, "21:q1")
    assert picked == S.random_sentences(sentences, 2, "21:q1") and len(picked) == 2
    assert [sentences.index(s) for s in picked] == sorted(sentences.index(s) for s in picked)
    assert S.random_sentences(sentences[:1], 2, "x") == sentences[:1] and S.lead(sentences) == sentences[:2]


# ---------------------------------------------------------------- the metric can say no

ITEMS = [  # question, right choice, wrong choices, the article's sentences (the first one answers)
    ("Which company agreed to buy Riverton Mills?", "Hillford Paper",
     ["Lakeside Paper", "Northgate Timber", "Hillford Steel"],
     ["Hillford Paper agreed to buy Riverton Mills in a deal announced on Tuesday.",
      "Paper prices have fallen for a year, analysts said.", "The town of Hillford has grown.",
      "Its chief executive declined to comment.", "Exports slowed in the spring.", "The board approved it."]),
    ("How much did Orbitel pay for the satellite maker Skyward?", "$4.5 billion",
     ["$2 billion", "$450 million", "$45 billion"],
     ["Orbitel paid $4.5 billion for the satellite maker Skyward, the companies said.",
      "Orbitel shares rose 4.5 percent on Monday.", "Investors had expected a billion more.",
      "The deal closes in March.", "Regulators must still approve it.", "About 450 people work at the plant."]),
    ("By what share did the unemployment rate in Riverton fall in March?", "15 percent",
     ["3 percent", "5 percent", "25 percent"],
     ["The unemployment rate in Riverton fell 15 percent in March, the state said.",
      "The report came out on April 3.", "Job growth was strongest in retail.", "Some 25 employers were surveyed.",
      "Wages rose too, by a percent or so.", "Economists were surprised."]),
    ("Who did the Riverton council name as its new police chief?", "Maria Lopez",
     ["Ana Lopez", "Maria Chen", "David Park"],
     ["The Riverton council named Maria Lopez as its new police chief on Monday.", "Lopez has served 20 years.",
      "Maria, her daughter, attended.", "The meeting lasted three hours.", "The previous officer retired in May.",
      "Residents applauded the decision."]),
    ("Which town will host the 2026 Winter Lantern Festival?", "Lake Placid", ["Lake Tahoe", "Aspen", "Vail"],
     ["Organisers said Lake Placid will host the 2026 Winter Lantern Festival.", "The lake froze early this year.",
      "Placid weather helped the crews.", "Tickets go on sale in June.", "It drew 40,000 visitors.",
      "Crews worked through the night."]),
    ("What did the Hillford school board ban from classrooms?", "mobile phones",
     ["smart watches", "laptops", "headphones"],
     ["The Hillford school board banned mobile phones from classrooms starting next term.",
      "Phones will be kept in lockers.", "Mobile clinics will visit every week.", "Parents were asked for views.",
      "Teachers welcomed the vote.", "It meets monthly."]),
    ("How many tons of aid did Kuwait send to Riverton?", "400 tons", ["4,400 tons", "40 tons", "4,000 tons"],
     ["Kuwait sent 400 tons of aid to Riverton, officials said.", "The first 40 trucks arrived on Friday.",
      "Groups praised the effort.", "The port reopened in 400 days.", "Flights resumed on May 4.",
      "Tons of rubble remain."]),
    ("Which team did goalkeeper Sam Hale join?", "Riverton Otters",
     ["Hillford Foxes", "Northgate Owls", "Lakeside Herons"],
     ["Goalkeeper Sam Hale joined the Riverton Otters on a two-year contract.",
      "The Otters finished last season in fourth place.", "Riverton fans greeted him at the airport.",
      "He spent five seasons abroad.", "His first game is in August.", "Tickets sold out within hours."]),
]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


def _ranked(question: str, sentences: list[str]) -> list[str]:
    """A plain lexical ranking: the question's longer words a sentence holds, ties in article order."""
    return sorted(sentences, key=lambda s: -len(_words(question) & _words(s)))


def _bag_of_words(answer: str, right: str) -> bool:
    """The kind of rule the phrase scorer replaced: every word of the choice somewhere in the answer."""
    return _words(right) <= _words(answer) if _words(right) else right.lower() in answer.lower()


def test_a_shuffled_ranking_scores_clearly_worse_than_the_real_one():
    real, shuffled, lax = [], [], []
    for index, (question, right, wrong, sentences) in enumerate(ITEMS):
        ranking = _ranked(question, sentences)
        assert ranking[0] == sentences[0]  # the fixture's premise: the real ranking puts the answer first
        for draw in range(5):
            order = list(sentences)
            random.Random(f"{index}:{draw}").shuffle(order)
            real.append(float(S.states_answer("\n".join(ranking[:2]), right, wrong)))
            shuffled.append(float(S.states_answer("\n".join(order[:2]), right, wrong)))
            lax.append(float(_bag_of_words(" ".join(order[:2]), right)))
    difference, low, _ = S.paired(real, shuffled)
    assert sum(real) / len(real) == 1.0
    assert sum(shuffled) / len(shuffled) < 0.5
    assert difference > 0.5 and low > 0.35  # clearly worse: the whole interval is far above zero
    # a bag-of-words rule flatters the shuffled ranking (choice words scattered over unrelated sentences)
    assert sum(lax) > sum(shuffled)
