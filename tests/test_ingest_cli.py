import stat

from assistant.config import load_settings
from assistant.engine import Assistant


def status(run_json):
    return run_json("status")


def test_ingest_is_incremental_replaces_changed_and_removes_deleted(workdir, run, run_json):
    first = run_json("ingest")
    assert len(first["added"]) == 5 and first["chunks_embedded"] > 50
    assert status(run_json)["documents"] == 5
    chunks_before = status(run_json)["chunks"]

    again = run_json("ingest")
    assert again["chunks_embedded"] == 0 and len(again["unchanged"]) == 5

    (workdir / "seeds" / "004_3bfae2fcf57e684b.txt").write_text(
        "Putin visits Minsk for talks\n\nThe talks in Minsk covered the Union State budget for 2025.\n")
    (workdir / "seeds" / "000_20c881c048cd9072.txt").unlink()
    changed = run_json("ingest")
    assert changed["updated"] == ["seeds/004_3bfae2fcf57e684b.txt"]
    assert changed["removed"] == ["seeds/000_20c881c048cd9072.txt"]
    facts = status(run_json)
    assert facts["documents"] == 4 and facts["chunks"] < chunks_before
    found = run_json("search", "Union State budget", "-k", "1")["results"][0]
    assert found["source"] == "seeds/004_3bfae2fcf57e684b.txt" and found["start_line"] <= 3 <= found["end_line"]
    assert all("Saudi Arabia Agree" not in r["text"] for r in run_json("search", "Saudi defense cooperation")["results"])


def test_status_lists_titles_and_dates(workdir, run, run_json):
    run("ingest")
    files = {f["source"]: f for f in status(run_json)["files"]}
    assert files["seeds/003_d74d3e3d1cd4878b.txt"]["date"] == "2024-05-16"
    assert files["seeds/000_20c881c048cd9072.txt"]["title"] == "Russia and Saudi Arabia Agree to Boost Defense Cooperation"
    assert "2024-05-16" in run("status").stdout


def test_bad_files_are_skipped_with_one_line_each_and_the_rest_ingested(workdir, run):
    bad = workdir / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "image.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    (bad / "good.md").write_text("# Notes\n\nKuwait and Russia discussed tourism between Moscow and Kuwait.\n")
    result = run("ingest", "bad", "nope.txt")
    assert result.exit_code == 0
    assert "skipped bad/empty.txt: empty file" in result.stderr
    assert "skipped bad/image.txt: binary file, not text" in result.stderr
    assert "nope.txt: no such file or folder" in result.stderr
    assert "Traceback" not in result.output
    assert "1 added" in result.stdout


def test_nothing_ingestible_exits_non_zero(workdir, run):
    (workdir / "empty.txt").write_text("  \n")
    result = run("ingest", workdir / "empty.txt")
    assert result.exit_code == 1 and "empty file" in result.stderr


def test_store_is_private_to_the_user(workdir, run):
    run("ingest")
    store = workdir / "store"
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert stat.S_IMODE((store / "index.sqlite").stat().st_mode) == 0o600


def test_a_store_built_with_another_embedding_model_is_refused_until_rebuilt(workdir, run, run_json):
    run("ingest")
    settings = load_settings()
    engine = Assistant(settings)
    engine.store.collection.modify(metadata={"embedding_model": "other-model", "dimension": 768})
    refused = run("search", "Gaza")
    assert refused.exit_code == 1
    assert "run `assistant ingest --rebuild`" in refused.stderr and "Traceback" not in refused.output
    assert run_json("ingest", "--rebuild")["chunks_embedded"] > 50
    assert run("search", "Gaza").exit_code == 0


def test_a_second_ingest_while_one_runs_is_refused_clearly(workdir, run):
    from assistant.store import exclusive

    with exclusive(workdir / "store"):
        result = run("ingest")
    assert result.exit_code == 1 and "another ingest is writing" in result.stderr
