"""benchmarks/crossfit.py: no question is answered by stacks fit on its own week."""

import json
import shutil
from types import SimpleNamespace

import pytest

from assistant.scoring.reader import contract, model_file
from benchmarks import crossfit, fit_reader, news


def _prepared(weeks):
    return [({"id": f"q{i}", "week": week, "role": "answerable"}, None, [], None) for i, week in enumerate(weeks)]


def test_weeks_are_dealt_whole_in_date_order():
    weeks = ["20230310", "20230105", "20230310", "20230707", "20230203"]
    assert fit_reader.week_folds(weeks, 2) == [0, 0, 0, 1, 1]
    assert fit_reader.week_folds(weeks, 5) == [2, 0, 2, 3, 1]


def test_each_question_is_asked_with_stacks_fit_without_its_week(monkeypatch):
    prepared = _prepared(["20230105", "20230105", "20230203", "20230310", "20230407", "20230505", "20230505"])
    fit_on: list[set] = []
    asked: list[tuple] = []
    monkeypatch.setattr(fit_reader, "fit_stacks", lambda rows, settings, say: fit_on.append(
        {row["id"] for row, *_ in rows}))
    monkeypatch.setattr(news, "use_variant", lambda engine, base, mode: None)

    def ask_each(engine, rows, mode, setting):
        for row in rows:
            asked.append((row["id"], frozenset(fit_on[-1]), mode, setting))
        return [{"asked": row["id"], "mode": mode, "setting": setting} for row in rows]

    monkeypatch.setattr(news, "ask_each", ask_each)
    records = crossfit.crossfit(SimpleNamespace(settings=None), prepared, ["a/words", "a/reader"], ["date", "none"], 3)
    assert len(fit_on) == 3 and all(len(f) < len(prepared) for f in fit_on)
    assert all(question not in fitted for question, fitted, *_ in asked)
    assert len(asked) == len(prepared) * 4
    for setting in ("date", "none"):
        for mode in ("a/words", "a/reader"):
            assert [r["asked"] for r in records[setting][mode]] == [row["id"] for row, *_ in prepared]
            assert {(r["mode"], r["setting"]) for r in records[setting][mode]} == {(mode, setting)}
    weeks = {row["id"]: row["week"] for row, *_ in prepared}
    for question, fitted, *_ in asked:  # nor any question of the same week
        assert weeks[question] not in {weeks[q] for q in fitted}


def test_with_readers_each_question_is_asked_by_the_reader_that_kept_its_week_out(monkeypatch):
    weeks = ["20230105", "20230203", "20230310", "20230407", "20230505", "20230105"]
    prepared = _prepared(weeks)
    first, second = object(), object()
    readers = {"20230105": first, "20230310": first, "20230505": first, "20230203": second, "20230407": second}
    asked: dict[str, object] = {}
    monkeypatch.setattr(fit_reader, "fit_stacks", lambda rows, settings, say: None)
    monkeypatch.setattr(news, "use_variant", lambda engine, base, mode: None)

    def ask_each(engine, rows, mode, setting):
        asked.update({row["id"]: engine.reader for row in rows})
        return [{} for _ in rows]

    monkeypatch.setattr(news, "ask_each", ask_each)
    engine = SimpleNamespace(settings=SimpleNamespace(evidence=SimpleNamespace(reader="full")), reader=None)
    crossfit.crossfit(engine, prepared, ["a/reader"], ["none"], 2, readers)
    assert asked == {f"q{i}": readers[week] for i, week in enumerate(weeks)}


def _export(root, name, dev_weeks):
    directory = root / name
    shutil.copytree(model_file().parent, directory)
    (directory / "reader.json").write_text(json.dumps({**contract(), "dev_weeks": dev_weeks}))
    return directory


def test_weeks_go_to_the_reader_that_kept_them_out_and_no_week_to_two(tmp_path):
    a = _export(tmp_path, "a", ["20230105", "20230310"])
    b = _export(tmp_path, "b", ["20230203"])
    readers = fit_reader.readers_by_week([a, b], ["20230105", "20230203", "20230310", "20230407"], threads=1)
    assert set(readers) == {"20230105", "20230203", "20230310"}
    assert readers["20230105"] is readers["20230310"] and readers["20230105"].directory == a
    assert readers["20230203"].directory == b
    with pytest.raises(SystemExit, match="20230310"):
        fit_reader.readers_by_week([a, _export(tmp_path, "c", ["20230310"])], ["20230310"])
    with pytest.raises(SystemExit, match="no reader export"):
        fit_reader.readers_by_week([tmp_path / "missing"], ["20230310"])
    assert fit_reader.readers_named(readers) == f"{contract()['sha256'][:8]}: 2 weeks, {contract()['sha256'][:8]}: 1 week"


def test_a_broken_export_is_refused_in_one_line(tmp_path):
    broken = _export(tmp_path, "broken", ["20230310"])
    (broken / "reader.json").write_text("{not json")
    with pytest.raises(SystemExit, match="not a reader contract") as stopped:
        fit_reader.readers_by_week([broken], ["20230310"])
    assert "\n" not in str(stopped.value)
    no_model = _export(tmp_path, "no-model", ["20230310"])
    model_file(no_model).unlink()
    with pytest.raises(SystemExit, match=f"has no {model_file().name}"):
        fit_reader.readers_by_week([no_model], ["20230310"])
