import pytest

from assistant.answer.check import check, markers, split_sentences, strip_markers


def test_answer_sentences_split_like_document_sentences_and_keep_trailing_markers():
    draft = "Mr. Lavrov met the U.S. envoy in Moscow [1]. Talks covered Gaza. [2] They ended late [1, 3]."
    parts = split_sentences(draft)
    assert parts == ["Mr. Lavrov met the U.S. envoy in Moscow [1].", "Talks covered Gaza. [2]",
                     "They ended late [1, 3]."]
    assert [markers(p) for p in parts] == [[1], [2], [1, 3]]
    assert strip_markers(parts[0]) == "Mr. Lavrov met the U.S. envoy in Moscow."


def _evidence(*texts):
    from assistant.types import Evidence

    return [Evidence(id=i, text=t, source="doc.txt", start_line=i, end_line=i, score=1.0)
            for i, t in enumerate(texts, start=1)]


def _no_similarity(texts):
    """Orthogonal vectors: only word overlap, numbers and names can support a sentence."""
    import numpy as np

    return np.eye(len(texts), dtype=np.float32).tolist()


@pytest.mark.parametrize("question, draft, reason", [
    ("Why did the number of tourists double?", "The number of tourists doubled [1].", "only restates the question"),
    ("How much aid did Kuwait send?", "Kuwait sent aid to Gaza by plane [1].", "gives no number"),
    ("Whom did Putin meet in Riyadh?", "Putin met in Riyadh [1].", "names no one"),
    ("Which decision did Moscow welcome?", "Moscow did not welcome the decision on Syria [1].", "negates"),
    ("How many doctors does the clinic have?", "The clinic has 12,000 patients [1].", "does not say how many doctors"),
    ("How many doctors does the clinic have?", "The clinic has five nurses [1].", "does not say how many doctors"),
    ("How much did the Lowfield clinic cost?", "The Lowfield clinic cost 9 million dollars [5].", "about something else"),
    ("How much aid did SunField send?", "The aid sent was 400 tons [3].", "does not mention sunfield"),
])
def test_sentences_that_cannot_answer_are_dropped(question, draft, reason):
    evidence = _evidence("Moscow welcomed the decision on Syria.", "Putin met Crown Prince Mohammed bin Salman in Riyadh.",
                         "Kuwait sent 400 tons of aid to Gaza by plane.",
                         "The number of tourists doubled after a new airline route.",
                         "Insurers estimate the damage in Lowfield at around 9 million dollars.",
                         "The clinic serves 12,000 patients.")
    [result] = check(question, draft, evidence, _no_similarity)
    assert result.status == "dropped" and reason in result.reason


def test_a_sentence_that_adds_a_supported_fact_is_kept():
    evidence = _evidence("The number of tourists doubled after a new airline route opened.")
    [result] = check("Why did the number of tourists double?", "Tourists doubled because a new airline route opened [1].",
                     evidence, _no_similarity)
    assert result.status == "supported" and result.cited == [1]


def test_a_time_window_is_not_how_long_something_lasted():
    from assistant.answer.check import support

    [evidence] = _evidence("The talks concluded a series of meetings that Putin has held in the past 48 hours with "
                           "leaders and officials from Middle Eastern countries.")
    wrong = support("The talks lasted 48 hours.", [evidence], 0.9)
    assert not wrong[0] and "time window" in wrong[1]
    assert support("Putin held meetings with Middle Eastern leaders in the past 48 hours.", [evidence], 0.9)[0]


def test_an_answer_that_attributes_must_cite_what_it_attributes_to():
    from assistant.answer.check import support
    from assistant.types import Evidence

    article = Evidence(id=1, text="Kuwait had sent about 400 tons of aid by plane.", source="news/kuwait-russia.txt",
                       title="Kuwait and Russia discuss Gaza", start_line=3, end_line=3, score=1.0)
    memo = article.model_copy(update={"source": "notes/memo.txt", "title": None})
    said = "The memo says Kuwait had sent about 400 tons of aid by plane."
    refused = support(said, [article], 0.9)
    assert not refused[0] and "attributes it to the memo" in refused[1]
    assert support(said, [memo], 0.9)[0]
    assert support("According to the article, Kuwait had sent about 400 tons of aid by plane.", [article], 0.9)[0]


def test_a_summary_keeps_whole_statements_that_rest_on_the_evidence_words():
    from assistant.answer.check import check_statements
    from assistant.config import GroundingSettings

    evidence = _evidence("A food blogger was fined 15,000 pounds after eating a great white shark.",
                         "Several shelters are open, and local organizations are collecting donations.",
                         "Stephanie Sadowski of SRS Events said she was shell-shocked on hearing the news.")
    draft = ("A food blogger was fined 15,000 pounds for eating a great white shark [1]. Donations [2]. "
             "Local organizations are collecting donations for shelters, a sign of a community in crisis [2]. "
             "Stephanie Sadowski of SRS Events said she was shell-shocked on hearing the news and")
    strict = GroundingSettings(min_overlap=0.75, min_overlap_with_similarity=0.75)
    checks = check_statements(None, draft, evidence, _no_similarity, strict, min_content_words=4)
    assert [(c.status, c.reason.split(":")[0]) for c in checks][1:] == [
        ("dropped", "a fragment, not a statement"), ("dropped", "weak support"),
        ("dropped", "cut off")]
    assert checks[0].status == "supported"
