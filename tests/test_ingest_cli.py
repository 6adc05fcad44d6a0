"""`assistant ingest` and `status`: incremental updates, bad files, privacy, rebuilds that never lose the old
index, interrupts that keep what was done, and a store that knows what built it."""

import json
import os
import shutil
import sqlite3
import stat

import pytest

from assistant.store.folders import forget_clients


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


def test_status_lists_titles_and_dates_and_a_markdown_heading_is_a_title_however_short(indexed, run, run_json):
    (indexed / "seeds" / "draft.md").write_text("# Riverside budget draft\n\nThe draft adds two million dollars "
                                                "for the library and closes the old pool.\n")
    assert run("ingest").exit_code == 0
    files = {f["source"]: f for f in status(run_json)["files"]}
    assert files["seeds/003_d74d3e3d1cd4878b.txt"]["date"] == "2024-05-16"
    assert files["seeds/000_20c881c048cd9072.txt"]["title"] == "Russia and Saudi Arabia Agree to Boost Defense Cooperation"
    assert files["seeds/draft.md"]["title"] == "Riverside budget draft"
    assert "2024-05-16" in run("status").stdout


def test_bad_files_are_skipped_with_one_line_each_and_the_rest_ingested(workdir, run):
    bad = workdir / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "image.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    (bad / "[bold]odd.txt").write_text("")
    (bad / "notes[").mkdir()
    (bad / "notes[" / "bin].txt").write_bytes(b"\x00\x01\x02" * 100)
    (bad / "good.md").write_text("# Notes\n\nKuwait and Russia discussed tourism between Moscow and Kuwait.\n")
    result = run("ingest", "bad", "nope.txt", "[/red]nothere")
    assert result.exit_code == 0
    for line in ("skipped bad/empty.txt: empty file", "skipped bad/image.txt: binary file, not text",
                 "skipped bad/[bold]odd.txt: empty file", "skipped bad/notes[/bin].txt: binary file, not text",
                 "skipped nope.txt: no such file or folder", "skipped [/red]nothere: no such file or folder"):
        assert line in result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert "1 added" in result.stdout and "6 skipped" in result.stdout


def test_nothing_ingestible_exits_non_zero(workdir, run):
    (workdir / "empty.txt").write_text("  \n")
    result = run("ingest", workdir / "empty.txt")
    assert result.exit_code == 1 and "empty file" in result.stderr
    (workdir / "nothing").mkdir()
    (workdir / "nothing" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    result = run("ingest", "nothing")
    assert result.exit_code == 1
    assert "error: no documents found in nothing (it reads .txt, .md, .pdf, .html and .docx files)" in result.stderr


def test_the_file_size_limit_is_a_setting(workdir, run, monkeypatch):
    (workdir / "big.txt").write_text("The harbour budget grew again this year, said the mayor.\n" * 12_500)
    monkeypatch.setenv("ASSISTANT_INGEST__MAX_FILE_MB", "0.5")
    result = run("ingest", "big.txt")
    assert result.exit_code == 1
    assert "skipped big.txt: too large (0.713 MB; the limit is 0.5 MB, setting ingest.max_file_mb)" in result.stderr


def test_every_file_the_store_writes_is_private_to_the_user(indexed, run):
    assert run("ingest").exit_code == 0
    store = indexed / ".assistant"
    for path in [store, *store.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_a_store_built_with_another_embedding_model_is_refused_until_rebuilt(indexed, run, run_json):
    with sqlite3.connect(indexed / ".assistant" / "index.sqlite") as db:
        db.execute("UPDATE meta SET value = 'other-model' WHERE key = 'embedding_model'")
    refused = run("search", "Gaza")
    assert refused.exit_code == 1
    assert "run `assistant ingest --rebuild`" in refused.stderr and "Traceback" not in refused.output
    assert run_json("ingest", "--rebuild")["chunks_embedded"] > 50
    assert run("search", "Gaza").exit_code == 0


def test_a_second_ingest_while_one_runs_is_refused_clearly(indexed, run):
    from assistant.store.folders import exclusive

    with exclusive(indexed / ".assistant"):
        result = run("ingest")
    assert result.exit_code == 1 and "another ingest is writing" in result.stderr


def test_a_rebuild_with_a_mistyped_path_changes_nothing(indexed, run, run_json):
    before = status(run_json)
    result = run("ingest", "--rebuild", "seedz")
    assert result.exit_code == 2 and "no such file or folder: seedz; nothing was rebuilt" in result.stderr
    assert status(run_json)["documents"] == before["documents"] == 5
    assert run_json("search", "Gaza")["results"]


def test_a_rebuild_whose_embedding_server_is_down_leaves_the_old_index_usable(indexed, run, run_json, models,
                                                                              monkeypatch):
    def unreachable(settings):
        from assistant.providers.factory import embedding_model

        return embedding_model(settings)

    models.embeddings = unreachable
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ASSISTANT_MAX_RETRIES", "0")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "text-embedding-3-small")
    result = run("ingest", "--rebuild")
    assert result.exit_code == 1 and "cannot reach the model server" in result.stderr
    del models.embeddings
    monkeypatch.delenv("ASSISTANT_EMBEDDINGS")
    assert status(run_json)["documents"] == 5 and run_json("search", "Gaza")["results"]


def test_an_interrupted_ingest_keeps_every_batch_it_finished(workdir, run, run_json, models, monkeypatch):
    monkeypatch.setenv("ASSISTANT_INGEST__BATCH_CHUNKS", "1")
    calls = {"n": 0}
    original = models.embeddings

    def interrupting(settings):
        model = original(settings)
        embed = model.embeddings.embed_documents

        def embed_then_stop(texts):
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt
            return embed(texts)

        model.embeddings.embed_documents = embed_then_stop
        return model

    models.embeddings = interrupting
    result = run("ingest")
    assert result.exit_code == 130 and "interrupted" in result.stderr
    del models.embeddings
    kept = status(run_json)
    assert kept["documents"] == 2 and all(f["state"] == "ready" for f in kept["files"])
    assert run_json("search", "Saudi defense cooperation")["results"]
    assert len(run_json("ingest")["added"]) == 3


def test_changing_the_chunk_size_rechunks_on_the_next_ingest_and_reads_say_so_until_then(indexed, run, run_json,
                                                                                         monkeypatch):
    chunks = status(run_json)["chunks"]
    monkeypatch.setenv("ASSISTANT_CHUNKING__CHUNK_CHARS", "400")
    stale = run("search", "Gaza")
    assert stale.exit_code == 1
    assert "chunked with other settings or rules" in stale.stderr
    again = run_json("ingest")
    assert len(again["updated"]) == 5 and status(run_json)["chunks"] > chunks
    assert run("search", "Gaza").exit_code == 0


def test_a_rules_change_or_an_edit_embeds_again_only_the_chunks_it_changed(indexed, run_json, monkeypatch):
    chunks = status(run_json)["chunks"]
    monkeypatch.setattr("assistant.ingest.chunking.VERSION", "renamed")  # every document stale, no chunk changed
    again = run_json("ingest")
    assert len(again["updated"]) == 5 and again["chunks_embedded"] == 0
    assert status(run_json)["chunks"] == chunks and run_json("search", "Gaza")["results"]

    article = indexed / "seeds" / "004_3bfae2fcf57e684b.txt"
    held = next(f["chunks"] for f in status(run_json)["files"] if f["source"].endswith(article.name))
    article.write_text(article.read_text(encoding="utf-8") + "\nThe talks in Minsk covered the Union State budget.\n",
                       encoding="utf-8")
    edited = run_json("ingest")
    assert edited["updated"] == [f"seeds/{article.name}"] and 0 < edited["chunks_embedded"] < held
    assert run_json("search", "Union State budget", "-k", "1")["results"][0]["source"] == f"seeds/{article.name}"


def test_a_rebuild_takes_the_vectors_of_unchanged_chunks_from_the_index_it_replaces(indexed, run_json, monkeypatch):
    monkeypatch.setattr("assistant.ingest.chunking.VERSION", "renamed")
    rebuilt = run_json("ingest", "--rebuild")
    assert len(rebuilt["added"]) == 5 and rebuilt["chunks_embedded"] == 0
    assert run_json("search", "Gaza")["results"]


def test_the_command_the_changed_chunking_message_names_works_outside_the_checkout(workdir, run, run_json,
                                                                                  monkeypatch):
    (workdir / "seeds").rename(workdir / "articles")
    assert run("ingest", "articles").exit_code == 0
    monkeypatch.setenv("ASSISTANT_CHUNKING__CHUNK_CHARS", "400")
    stale = run("search", "Gaza")
    assert stale.exit_code == 1 and "run `assistant ingest --rebuild` to re-chunk them" in stale.stderr
    assert len(run_json("ingest", "--rebuild")["added"]) == 5
    assert run("search", "Gaza").exit_code == 0


def test_missing_vector_data_is_detected_at_open_and_repaired_by_rebuild(indexed, run, run_json):
    shutil.rmtree(indexed / ".assistant" / "chroma")
    forget_clients()
    assert "vector index is missing" in run("status").stdout
    for command in (["search", "Gaza"], ["ingest"]):
        result = run(*command)
        assert result.exit_code == 1, command
        assert "holds 0 vectors but the store has" in result.stderr and "--rebuild" in result.stderr
    rebuilt = run_json("ingest", "--rebuild")
    assert len(rebuilt["added"]) == 5 and rebuilt["chunks_embedded"] > 50  # no vectors to reuse: all embedded
    assert run_json("search", "Gaza")["results"]


def test_ingest_says_which_links_it_follows(workdir, run, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("The password of the vault is written on the back of the painting.\n")
    os.symlink(outside / "secret.txt", workdir / "seeds" / "link.txt")
    plain = run("ingest", "--json")
    assert "not followed: seeds/link.txt links outside the folders given" in plain.stderr
    assert "seeds/link.txt" not in json.loads(plain.stdout)["added"]
    followed = run("ingest", "--follow-links", "--json")
    assert "followed: seeds/link.txt ->" in followed.stderr
    assert json.loads(followed.stdout)["added"] == ["seeds/link.txt"]


@pytest.mark.parametrize("name", ["\x1b]0;TITLE\x07doc.txt", "\x1b[2Jclear.txt"])
def test_control_characters_in_file_names_are_shown_escaped(workdir, run, name):
    (workdir / "seeds" / name).write_text("A short note about the harbour of Riverton and its new cranes.\n")
    assert run("ingest").exit_code == 0
    shown = run("status").stdout
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b" in shown


def test_a_windows_1252_file_keeps_its_names_and_answers_about_them(workdir, run, run_json, models):
    models.real = True
    (workdir / "notes").mkdir()
    (workdir / "notes" / "harbour.txt").write_bytes(
        ("Malmö harbour project\n\nÅsa Öberg has led the harbour project in Malmö since the spring of 2019.\n"
         "Before that she worked for the city of Göteborg for eleven years.\n").encode("cp1252"))
    assert run("ingest", "notes").exit_code == 0
    answer = run_json("ask", "Who has led the harbour project in Malmö since 2019?", "--mode", "extractive")
    assert not answer["abstained"] and "Åsa Öberg" in answer["answer"]


def test_a_rebuild_reads_again_every_file_the_store_holds_and_counts_what_it_removed(workdir, run, run_json):
    names = sorted(p.name for p in (workdir / "seeds").iterdir())
    for folder, chosen in (("a", names[:2]), ("b", names[2:])):
        (workdir / folder).mkdir()
        for name in chosen:
            shutil.move(workdir / "seeds" / name, workdir / folder / name)
    shutil.rmtree(workdir / "seeds")  # outside the checkout: no seeds/ to fall back on
    assert len(run_json("ingest", "a", "b")["added"]) == 5

    rebuilt = run_json("ingest", "b", "--rebuild")  # what the store holds, and b
    assert rebuilt["removed"] == [] and sorted(rebuilt["added"]) == sorted(
        [f"a/{n}" for n in names[:2]] + [f"b/{n}" for n in names[2:]])
    assert status(run_json)["documents"] == 5

    (workdir / "b" / names[2]).unlink()
    again = run("ingest", "--rebuild")
    assert again.exit_code == 0, again.output
    assert "4 added, 0 updated, 0 unchanged, 1 removed" in again.stdout
    assert {f["source"] for f in status(run_json)["files"]} == {f"a/{n}" for n in names[:2]} | {
        f"b/{n}" for n in names[3:]}


def test_files_of_a_type_not_read_are_counted_in_one_line(workdir, run):
    (workdir / "mixed").mkdir()
    (workdir / "mixed" / "good.md").write_text("# Notes\n\nKuwait and Russia discussed tourism between Moscow and Kuwait.\n")
    (workdir / "mixed" / "table.csv").write_text("a,b\n1,2\n")
    (workdir / "mixed" / "more.csv").write_text("a,b\n3,4\n")
    (workdir / "mixed" / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    result = run("ingest", "mixed")
    assert result.exit_code == 0 and "1 added" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if "not read" in line]
    assert skipped == ["skipped 3 files in mixed of types not read (2 .csv, 1 .xlsx); ingest reads "
                       ".docx, .htm, .html, .markdown, .md, .pdf, .txt"]
