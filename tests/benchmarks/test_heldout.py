"""The held-out rules: an append-only log of every look at 2024, and fit scripts that read 2023 data only."""

import json

import pytest

from benchmarks import fit_ranker, heldout


def _summary(folder, year):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps({"year": year, "weeks": ["x"]}))
    (folder / "questions.jsonl").write_text("")
    return folder


def test_append_keeps_earlier_lines(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text('{"a": 1}')  # no final newline: appending adds one, it does not touch the line
    heldout.append({"b": 2}, log)
    heldout.append({"c": 3}, log)
    assert log.read_text() == '{"a": 1}\n{"b": 2}\n{"c": 3}\n'


def test_log_look_only_on_the_held_out_year(tmp_path):
    log = tmp_path / "log.jsonl"
    assert heldout.log_look(2023, {"x": 1.0}, log, argv=["benchmarks/news.py"]) is None and not log.exists()
    entry = heldout.log_look(2024, {"x": float("nan"), "y": [0.5, 0.4, 0.6]}, log, argv=["benchmarks/news.py", "--year",
                                                                                         "2024"], modes=["extractive"])
    line = json.loads(log.read_text())
    assert line == json.loads(json.dumps(entry)) and line["figures"] == {"x": None, "y": [0.5, 0.4, 0.6]}
    assert line["command"] == "python benchmarks/news.py --year 2024" and line["modes"] == ["extractive"]
    assert set(line) >= {"date", "commit", "uncommitted_changes", "command", "year", "figures"}


def test_a_look_at_another_sets_held_out_part_is_logged_in_the_same_form(tmp_path):
    log = tmp_path / "log.jsonl"
    heldout.log_held_out_set("a sample, held-out half", {"rouge1": [0.3, float("nan")]}, log,
                             argv=["benchmarks/summary_reference.py", "--lead", "0.8"])
    heldout.log_held_out_set("a sample, held-out half", {"rouge1": [0.4]}, log, argv=["x.py"],
                             started={"commit": "abc", "uncommitted_changes": False})  # an earlier commit's worktree
    first, second = (json.loads(line) for line in log.read_text().splitlines())
    assert second["commit"] == "abc" and second["uncommitted_changes"] is False
    assert first["set"] == "a sample, held-out half" and first["figures"] == {"rouge1": [0.3, None]}
    assert first["command"] == "python benchmarks/summary_reference.py --lead 0.8" and second["figures"]["rouge1"] == [0.4]
    assert set(first) >= {"date", "commit", "uncommitted_changes", "command", "set", "figures"}


def test_the_repository_log_is_valid_json_lines():
    if heldout.LOG.exists():
        for line in heldout.LOG.read_text().splitlines():
            assert isinstance(json.loads(line), dict)


@pytest.mark.parametrize("year", [2024, 2022, 2025, None])
def test_fitting_refuses_anything_but_development_data(tmp_path, year):
    folder = _summary(tmp_path / "built", year)
    with pytest.raises(SystemExit, match=f"refusing to fit on {year} data"):
        heldout.require_development(folder)


def test_fitting_accepts_2023_and_refuses_a_folder_that_does_not_say(tmp_path):
    assert heldout.require_development(_summary(tmp_path / "dev", 2023)) == 2023
    (tmp_path / "bare").mkdir()
    with pytest.raises(SystemExit, match="does not say which year"):
        heldout.require_development(tmp_path / "bare")


def test_fit_ranker_refuses_a_held_out_build_before_reading_it(tmp_path, capsys):
    folder = _summary(tmp_path / "news-2024", 2024)
    with pytest.raises(SystemExit, match="refusing to fit on 2024 data") as stopped:
        fit_ranker.main(["--repo", str(tmp_path / "no-such-repo"), "--out", str(folder)])
    assert "\n" not in str(stopped.value)


WEEKS_2023 = [f"2023{month:02d}{day:02d}" for month in range(1, 13) for day in (3, 17)]  # 24 weeks, sorted


def test_the_readers_dev_split_keeps_every_fifth_week_by_default_and_more_when_asked():
    from training.reader.common import is_dev_week

    assert [w for w in WEEKS_2023 if is_dev_week(w, WEEKS_2023)] == WEEKS_2023[4::5]
    assert [w for w in WEEKS_2023 if is_dev_week(w, WEEKS_2023, (1, 4))] == sorted(WEEKS_2023[1::5] + WEEKS_2023[4::5])
    assert not is_dev_week("20220104", ["20220104"], (0, 1, 2, 3, 4))  # only 2023 is ever dev


def test_fit_reader_fits_only_on_the_weeks_the_shipped_reader_never_trained_on(tmp_path, monkeypatch):
    from assistant.scoring import reader
    from benchmarks import fit_reader

    folder = _summary(tmp_path / "dev", 2023)
    (folder / "summary.json").write_text(json.dumps({"year": 2023, "weeks": ["20230117", "20230503"]}))
    monkeypatch.setattr(reader, "contract", lambda: {"dev_weeks": ["20230117", "20230503", "20231103"]})
    assert fit_reader.require_reader_dev_weeks(tmp_path / "no-repo", folder) == ["20230117", "20230503"]
    monkeypatch.setattr(reader, "contract", lambda: {"dev_weeks": ["20230117"]})
    with pytest.raises(SystemExit, match="weeks the reader was trained on \\(20230503"):
        fit_reader.require_reader_dev_weeks(tmp_path / "no-repo", folder)
    monkeypatch.setattr(reader, "contract", lambda: {"dev_weeks": []})  # trained on every week (build-data --no-dev)
    with pytest.raises(SystemExit, match="trained on every 2023 week"):
        fit_reader.require_reader_dev_weeks(tmp_path / "no-repo", folder)


def test_the_log_itself_is_no_uncommitted_change(tmp_path):
    import subprocess

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "heldout_log.jsonl").write_text("")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c")
    (tmp_path / "benchmarks" / "heldout_log.jsonl").write_text('{"a": 1}\n')  # the look before this one
    assert heldout.git_state(tmp_path)["uncommitted_changes"] is False
    (tmp_path / "code.py").write_text("x = 2\n")
    assert heldout.git_state(tmp_path)["uncommitted_changes"] is True
