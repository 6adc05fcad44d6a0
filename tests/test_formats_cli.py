"""A real document folder through the CLI: PDF, HTML, Word, Markdown and text, plus broken files. Citations name
the page or section, their quotes are the exact text there, and running headers never reach the index."""

import io
import json
import sqlite3
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assistant.ingest.extract import extract
from assistant.ingest.reread import SourceReader
from tests.test_extract import MARKDOWN, WEB_PAGE, encrypted, pdf_bytes, report_page, scanned_page, word_file

WIDTH, HEIGHT = A4
FACTS = {
    1: "The water budget for 2024 is twelve million dollars, the mayor told the council.",
    2: "The pumping station at Elm Creek needs repairs costing 300,000 dollars before the summer.",
    3: "River quality at Mill Bend improved by fifteen percent after the new filters were fitted.",
}


def water_report() -> bytes:
    """Three pages, a running header with the page number and a bare page-number footer on each."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle("Riverton water report")
    for number, fact in FACTS.items():
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, HEIGHT - 40, f"Riverton water report — page {number}")
        pdf.drawCentredString(WIDTH / 2, 30, str(number))
        pdf.setFont("Helvetica", 11)
        for row, line in enumerate([fact, "The office will publish the next figures in the spring."]):
            pdf.drawString(72, HEIGHT - 100 - 15 * row, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def mixed(workdir):
    folder = workdir / "mixed"
    folder.mkdir()
    files = {
        "water.pdf": water_report(), "annual.pdf": pdf_bytes(report_page, pages=5), "river.html": WEB_PAGE.encode(),
        "survey.docx": word_file(), "notes.md": MARKDOWN.encode(), "plain.txt": b"The ferry to Oldport runs twice "
        b"a day in winter and four times a day in summer, the harbour office said.\n",
        "scan.pdf": pdf_bytes(scanned_page, pages=1), "secret.pdf": encrypted(pdf_bytes(report_page, pages=2), "pw"),
        "cut.pdf": pdf_bytes(report_page, pages=3)[:900], "fake.pdf": b"just notes\n", "empty.pdf": _no_pages(),
        "nothing.html": b"<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _no_pages() -> bytes:
    import pypdf

    buffer = io.BytesIO()
    pypdf.PdfWriter().write(buffer)
    return buffer.getvalue()


def test_a_mixed_folder_is_ingested_and_each_bad_file_is_named_once(mixed, run, run_json):
    result = run("ingest", "mixed", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert sorted(report["added"]) == [f"mixed/{n}" for n in
                                       ("annual.pdf", "notes.md", "plain.txt", "river.html", "survey.docx", "water.pdf")]
    reasons = {p["path"]: p["reason"] for p in report["problems"]}
    assert reasons == {
        "mixed/scan.pdf": "no text layer: scanned? OCR it first", "mixed/secret.pdf": "encrypted PDF",
        "mixed/cut.pdf": reasons["mixed/cut.pdf"], "mixed/fake.pdf": "not a PDF (content does not start with %PDF-)",
        "mixed/empty.pdf": "PDF has no pages", "mixed/nothing.html": "no article text found in the page"}
    assert reasons["mixed/cut.pdf"].startswith("damaged PDF (")
    for name in reasons:
        assert result.stderr.count(f"skipped {name}:") == 1
    formats = {f["source"]: (f["format"], f["title"], f["date"]) for f in run_json("status")["files"]}
    assert formats["mixed/water.pdf"][:2] == ("pdf", "Riverton water report")
    assert formats["mixed/river.html"] == ("html", "River Clean-up Plan Approved", "2023-05-04")
    assert formats["mixed/survey.docx"] == ("docx", "Harbour survey 2024", "2024-03-18")
    again = run_json("ingest", "mixed")
    assert again["chunks_embedded"] == 0 and len(again["unchanged"]) == 6  # incremental for every format


def test_running_headers_and_page_numbers_never_reach_the_index(mixed, run):
    assert run("ingest", "mixed").exit_code == 0
    with sqlite3.connect(mixed.parent / ".assistant" / "index.sqlite") as db:
        texts = [row[0] for row in db.execute("SELECT text FROM chunks WHERE source LIKE '%.pdf'")]
    assert texts and not any("Riverton water report — page" in t or "Annual report 2023 — page" in t for t in texts)


@pytest.mark.parametrize("question, fact, source, page, section", [
    ("How much do the repairs of the pumping station at Elm Creek cost?", "300,000", "mixed/water.pdf", 2, None),
    ("How much did river quality at Mill Bend improve?", "fifteen percent", "mixed/water.pdf", 3, None),
    ("Who will cover a third of the river clean-up budget?", "Regional authorities", "mixed/river.html", None,
     "Funding from the region"),
    # a known miss until passage_share: the other documents' opening sentences, in passages rated far below the
    # survey's, took the quote
    ("How much will the harbour pier repairs cost?", "2 million euros", "mixed/survey.docx", None, "Costs"),
])
def test_answers_cite_the_page_or_section_and_quote_its_exact_text(mixed, run, run_json, models, question, fact,
                                                                    source, page, section):
    models.real = True
    assert run("ingest", "mixed").exit_code == 0
    answer = run_json("ask", question, "--mode", "extractive")
    first = next(c for c in answer["citations"] if fact in c["quote"])  # where the fact is cited, wherever it ranks
    assert (first["source"], first["page"], first["section"]) == (source, page, section)
    extracted = {p.number: p.lines for p in extract(mixed.parent / source, (mixed.parent / source).read_bytes()).pages}
    lines = " ".join(extracted[page][first["start_line"] - 1: first["end_line"]])
    assert " ".join(first["quote"].split()) in " ".join(lines.split())
    shown = run("ask", question, "--mode", "extractive").stdout
    assert (f"{source} p. {page}:" if page else f"(§ {section})") in shown


def test_open_shows_the_cited_page_and_eval_checks_quotes_against_it(mixed, run, models):
    models.real = True
    assert run("ingest", "mixed").exit_code == 0
    result = run("chat", "--mode", "extractive", input="How much did river quality at Mill Bend improve?\n/open 1\n")
    assert "mixed/water.pdf p. 3" in result.stdout and "▶" in result.stdout and "fifteen percent" in result.stdout
    answer = json.loads(run("ask", "How much did river quality at Mill Bend improve?", "--mode", "extractive",
                            "--json").stdout)
    reader = SourceReader()
    from assistant.types import Citation

    citation = Citation(**answer["citations"][0])
    assert reader.holds(citation)
    assert not reader.holds(citation.model_copy(update={"page": 1}))  # the same lines of another page do not hold it


def test_filters_work_on_every_format_with_dates_from_metadata(mixed, run, run_json):
    assert run("ingest", "mixed").exit_code == 0
    found = run_json("search", "harbour", "--since", "2024-01-01", "--until", "2024-12-31")["results"]
    assert found and {r["source"] for r in found} == {"mixed/survey.docx"}
    only_pdf = run_json("search", "water", "--source", "mixed/*.pdf")["results"]
    assert only_pdf and all(r["source"].endswith(".pdf") and r["page"] for r in only_pdf)


def test_a_pdf_is_summarized_with_citations_to_its_pages(mixed, run, run_json, models):
    assert run("ingest", "mixed").exit_code == 0
    models.no_chat = True
    summary = run_json("summarize", "mixed/annual.pdf", "--mode", "extractive", "--length", "long")
    pages = {c["page"] for c in summary["citations"]}
    assert len(pages) >= 3 and None not in pages
    reader = SourceReader()
    from assistant.types import Citation

    assert all(reader.holds(Citation(**c)) for c in summary["citations"])


GREENHOUSE = """# The Tallbo greenhouse

## Watering

The tomatoes are watered twice a day from the rain tank.

## Pests

Aphids are controlled with ladybirds released every spring.
"""


def test_a_chunk_that_crosses_a_heading_is_found_and_labelled_by_both_sections(indexed_real, run_json):
    (indexed_real / "greenhouse.md").write_text(GREENHOUSE)
    assert run_json("ingest", "greenhouse.md")["added"] == ["greenhouse.md"]
    found = run_json("search", "greenhouse pests", "-k", "1")["results"][0]
    assert found["source"] == "greenhouse.md" and found["section"] == "Watering; Pests"
    answer = run_json("ask", "How are pests controlled in the greenhouse?", "--mode", "extractive")
    assert answer["abstained"] is False and "ladybirds" in answer["answer"]
    cited = next(c for c in answer["citations"] if "ladybirds" in c["quote"])
    assert cited["section"] == "Pests"  # a sentence keeps its own section


def _sections(workdir: Path, page: int) -> set[str | None]:
    with sqlite3.connect(workdir / ".assistant" / "index.sqlite") as db:
        return {row[0] for row in db.execute("SELECT section FROM chunks WHERE page = ?", (page,))}


def test_extraction_settings_in_the_config_file_reach_the_extractor_and_rechunk(workdir, run, run_json):
    (workdir / "reports").mkdir()
    (workdir / "reports" / "annual.pdf").write_bytes(pdf_bytes(report_page, pages=5))
    assert run("ingest", "reports").exit_code == 0
    assert _sections(workdir, 4) == {"Chapter 4: water"}
    (workdir / "assistant.toml").write_text("[extraction]\nheading_size = 1.5\n")  # the 16 pt title over 11 pt text
    assert run_json("config")["settings"]["extraction.heading_size"] == {"value": 1.5, "source": "file assistant.toml"}
    stale = run("search", "water")
    assert stale.exit_code == 1 and "chunked with other settings or rules" in stale.stderr
    assert run_json("ingest", "reports")["updated"] == ["reports/annual.pdf"]
    assert _sections(workdir, 4) == {None}
    assert run_json("search", "water")["results"]
