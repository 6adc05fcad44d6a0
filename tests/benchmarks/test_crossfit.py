"""benchmarks/crossfit.py: no question is answered by stacks fit on its own week."""

from types import SimpleNamespace

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
