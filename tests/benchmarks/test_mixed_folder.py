"""benchmarks/mixed_folder.py: the saved articles are a fixed draw that grows with the count, the held-out suite
stays out of a dev run, and a store's figures count each way's outcomes and pair them by case."""

from types import SimpleNamespace

from benchmarks import fit_folder, mixed_folder


def test_saved_articles_are_a_seeded_draw_that_grows_with_the_count(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(20):
        (corpus / f"{i:02d}.txt").write_text(f"article {i}\n")
    three, six = mixed_folder.saved_articles(tmp_path, 3), mixed_folder.saved_articles(tmp_path, 6)
    assert len(three) == 3 and len(six) == 6 and set(three) < set(six)
    assert mixed_folder.saved_articles(tmp_path, 3) == three
    assert mixed_folder.saved_articles(tmp_path, 0) == [] and mixed_folder.saved_articles(None, 3) == []


def test_a_dev_run_neither_indexes_nor_asks_the_held_out_suite():
    assert {s.name for s in mixed_folder.suites()} == set(mixed_folder.SUITES)
    assert "notes4" not in mixed_folder.SUITES


def test_outcomes_follow_the_judged_case():
    case = lambda **kw: SimpleNamespace(**{"answerable": True, "correct": False, "abstained": False, **kw})  # noqa: E731
    assert fit_folder.outcome(case(correct=True)) == "right"
    assert fit_folder.outcome(case(abstained=True)) == "declined"
    assert fit_folder.outcome(case()) == "wrong"
    assert fit_folder.outcome(case(answerable=False, abstained=True)) == "unanswerable declined"
    assert fit_folder.outcome(case(answerable=False)) == "unanswerable answered"


def test_a_stores_figures_count_each_way_and_pair_the_right_answers():
    news, folder = mixed_folder.WAYS
    found = {news: [("a/1", "right"), ("a/2", "declined"), ("b/1", "wrong"), ("b/2", "unanswerable declined")],
             folder: [("a/1", "right"), ("a/2", "right"), ("b/1", "right"), ("b/2", "unanswerable answered")]}
    figures = mixed_folder.report(0, 10, found)
    assert figures[news]["right"] == 1 / 3 and figures[folder]["right"] == 1.0
    assert (figures[news]["wrong"], figures[news]["declined"], figures[news]["unanswerable_declined"]) == (1, 1, 1)
    assert figures[folder]["unanswerable_declined"] == 0
    assert abs(figures["news_minus_folder"]["right"] - (1 / 3 - 1.0)) < 1e-9
