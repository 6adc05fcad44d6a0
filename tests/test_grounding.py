from assistant.grounding import markers, split_sentences, strip_markers


def test_answer_sentences_split_like_document_sentences_and_keep_trailing_markers():
    draft = "Mr. Lavrov met the U.S. envoy in Moscow [1]. Talks covered Gaza. [2] They ended late [1, 3]."
    parts = split_sentences(draft)
    assert parts == ["Mr. Lavrov met the U.S. envoy in Moscow [1].", "Talks covered Gaza. [2]",
                     "They ended late [1, 3]."]
    assert [markers(p) for p in parts] == [[1], [2], [1, 3]]
    assert strip_markers(parts[0]) == "Mr. Lavrov met the U.S. envoy in Moscow."
