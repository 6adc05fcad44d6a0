def test_search_puts_the_exact_passage_first(workdir, run, run_json):
    run("ingest")
    top = run_json("search", "maritime borders beyond Mark No. 162", "-k", "3")["results"][0]
    assert top["source"] == "seeds/002_8a35e8dbf3f4f508.txt"
    assert "162" in top["text"]
    assert any(top["start_line"] <= line <= top["end_line"] for line in (17, 29))
    result = run_json("search", "Northern Sea Route", "-k", "2")
    assert set(result) == {"query", "results"}
    assert {"source", "start_line", "end_line", "score", "text"} <= set(result["results"][0])
    assert "Northern Sea Route" in result["results"][0]["text"]


def test_filters_narrow_by_date_and_source(workdir, run, run_json):
    run("ingest")
    since = run_json("search", "Putin visit", "--since", "2024-01-01")["results"]
    assert since and {r["source"] for r in since} == {"seeds/003_d74d3e3d1cd4878b.txt"}
    only = run_json("search", "Gaza", "--source", "seeds/002*")["results"]
    assert only and {r["source"] for r in only} == {"seeds/002_8a35e8dbf3f4f508.txt"}
    nothing = run("search", "Gaza", "--source", "nowhere/*")
    assert nothing.exit_code == 1 and "no ingested document matches" in nothing.stderr
    bad_date = run("search", "Gaza", "--since", "last week")
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output


def test_odd_queries_get_results_or_clear_messages(workdir, run, run_json):
    run("ingest")
    assert run_json("search", "the of and ???")["results"]  # dense search still answers
    assert run_json("search", "Gaza " * 2000)["results"]
    assert run_json("search", 'NEAR("x" OR) AND *')["results"] is not None
    empty = run("search", "   ")
    assert empty.exit_code == 2 and "empty" in empty.output
