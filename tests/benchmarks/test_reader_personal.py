"""reader_personal: a reader's own figures on the suites' cases."""

from benchmarks.reader_personal import auc_interval, top_holds


def test_the_top_sentence_is_the_best_scored_and_the_first_of_tied_bests():
    assert top_holds([0.1, 0.9, 0.3], [False, True, False]) == 1.0
    assert top_holds([0.9, 0.9], [False, True]) == 0.0
    assert top_holds([0.2, 0.1], [False, True]) == 0.0


def test_the_auc_says_no_to_scores_that_separate_nothing_and_its_interval_holds_it():
    perfect = [(0.9, True), (0.8, True), (0.2, False), (0.1, False)] * 5
    value, low, high = auc_interval(perfect, resamples=200)
    assert value == 1.0 and low == 1.0 and high == 1.0
    flat = [(0.5, True), (0.5, False)] * 10
    value, low, high = auc_interval(flat, resamples=200)
    assert value == 0.5 and low <= 0.5 <= high
    reversed_ = [(s, not h) for s, h in perfect]
    assert auc_interval(reversed_, resamples=200)[0] == 0.0


def test_a_folder_that_is_no_reader_export_is_refused_in_one_line(tmp_path, capsys):
    from benchmarks.reader_personal import main

    assert main(["--work", str(tmp_path), "--reader", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.strip() == f"no reader export (reader.json) in {tmp_path / 'nothing'}"


def test_an_export_trained_to_read_titles_is_refused_in_one_line(tmp_path, capsys):
    import json
    import shutil

    from assistant.scoring.reader import contract, model_file
    from benchmarks.reader_personal import main

    titled = tmp_path / "titled"
    shutil.copytree(model_file().parent, titled)
    (titled / "reader.json").write_text(json.dumps({**contract(), "title_line": True}))
    assert main(["--work", str(tmp_path), "--reader", str(titled)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "title" in err and str(titled) in err
