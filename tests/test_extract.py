"""Document formats: each test builds a real file (reportlab, pypdf, python-docx, HTML and Markdown text)."""

import io
import socket
from datetime import datetime
from pathlib import Path

import docx
import pypdf
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from assistant.config import ChunkingSettings, ExtractionSettings
from assistant.errors import UnreadableFile
from assistant.ingest.extract import SUFFIXES, extract, sniff
from assistant.ingest.extract.layout import Box, Char, reading_order, runs
from assistant.ingest.extract.running import furniture
from assistant.ingest.pipeline import pipeline_id

WIDTH, HEIGHT = A4
BODY = [
    "The council met on Monday to discuss the new water budget for the coming year.",
    "Members agreed that the pumping station needs repairs before the summer season.",
    "A report on the river quality will be published by the environment office.",
]


def pdf_bytes(draw, pages: int = 1, title: str = "Water report", author: str = "Ana Silva") -> bytes:
    """A PDF made by reportlab; invariant=True fixes the creation date at 2000-01-01."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    for number in range(1, pages + 1):
        draw(pdf, number)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def report_page(pdf, number: int) -> None:
    """A running header with the page number in it, a bare page number as footer, body lines between."""
    pdf.setFont("Helvetica", 9)
    pdf.drawString(72, HEIGHT - 40, f"Annual report 2023 — page {number}")
    pdf.drawCentredString(WIDTH / 2, 30, str(number))
    top = HEIGHT - 90
    if number == 4:
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, top, "Chapter 4: water")
        top -= 30
    pdf.setFont("Helvetica", 11)
    letter = "ABCDE"[number - 1]
    lines = [f"Section {letter} begins here.", *BODY, "The office collected infor-", "mation from every district.",
             *BODY, f"End of section {letter}."]
    for i, line in enumerate(lines):
        pdf.drawString(72, top - 15 * i, line)


def extract_named(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return extract(path, path.read_bytes())


def refused(tmp_path: Path, name: str, data: bytes) -> str:
    with pytest.raises(UnreadableFile) as error:
        extract_named(tmp_path, name, data)
    return str(error.value)


# --- PDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> bytes:
    return pdf_bytes(report_page, pages=5)


def test_pdf_pages_are_numbered_with_metadata(tmp_path, report):
    result = extract_named(tmp_path, "report.pdf", report)
    assert result.format == "pdf"
    assert [page.number for page in result.pages] == [1, 2, 3, 4, 5]
    assert (result.title, result.author, result.date) == ("Water report", "Ana Silva", "2000-01-01")
    assert result.pages[1].lines[1] == "Section B begins here."


def test_pdf_running_header_and_page_number_footer_are_kept_out_on_every_page(tmp_path, report):
    for page in extract_named(tmp_path, "report.pdf", report).pages:
        assert page.lines[0] == f"Annual report 2023 — page {page.number}"
        assert page.lines[-1] == str(page.number)
        assert page.keep[0] is False and page.keep[-1] is False
        assert all(page.keep[1:-1])
        assert len(page.keep) == len(page.lines)


def test_running_lines_allow_page_numbers_that_move_with_the_page_and_alternate_sides():
    pages = [[f"{n} | Annual report" if n % 2 else f"Chapter one | {n}", f"Table {n * 3}: costs", "text"] for n in range(1, 7)]
    keep = furniture(pages)
    assert [flags[0] for flags in keep] == [False] * 6  # odd and even pages each repeat their own header
    assert [flags[1] for flags in keep] == [True] * 6  # its number does not follow the page: not a running line


def test_pdf_hyphenated_line_end_is_joined_and_the_rest_of_the_next_line_stays(tmp_path, report):
    lines = extract_named(tmp_path, "report.pdf", report).pages[2].lines
    joined = lines.index("The office collected information")
    assert lines[joined + 1] == "from every district."
    assert not any(line.endswith("infor-") for line in lines)


def test_pdf_large_type_starts_a_section(tmp_path, report):
    pages = extract_named(tmp_path, "report.pdf", report).pages
    assert pages[3].headings == {1: "Chapter 4: water"}
    assert [page.headings for page in pages if page.number != 4] == [{}] * 4


def test_pdf_extraction_is_deterministic(tmp_path, report):
    assert extract_named(tmp_path, "a.pdf", report) == extract_named(tmp_path, "b.pdf", report)
    assert all("\n" not in line for page in extract_named(tmp_path, "a.pdf", report).pages for line in page.lines)


def two_columns(pdf, number: int) -> None:
    """Drawn row by row across both columns (as some generators do), so only layout analysis reads it right."""
    pdf.setFont("Helvetica", 9)
    pdf.drawString(60, HEIGHT - 30, "Journal of Rivers")
    pdf.drawString(60, 30, f"Page {number} of 3")
    part = "ABC"[number - 1]
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(60, HEIGHT - 60, f"Rivers and mountains, part {part}")
    pdf.setFont("Helvetica", 10)
    for i in range(1, 16):
        y = HEIGHT - 100 - 14 * i
        pdf.drawString(60, y, f"Left column sentence {part}{i} is about rivers.")
        pdf.drawString(320, y, f"Right column sentence {part}{i} is about peaks.")


def test_pdf_two_columns_are_read_one_after_the_other_between_header_and_footer(tmp_path):
    for page in extract_named(tmp_path, "columns.pdf", pdf_bytes(two_columns, pages=3)).pages:
        lines, part = page.lines, "ABC"[page.number - 1]
        assert lines[1] == f"Rivers and mountains, part {part}"
        assert lines[2:17] == [f"Left column sentence {part}{i} is about rivers." for i in range(1, 16)]
        assert lines[17:32] == [f"Right column sentence {part}{i} is about peaks." for i in range(1, 16)]
        assert (lines[0], lines[-1]) == ("Journal of Rivers", f"Page {page.number} of 3")
        assert page.keep == [False] + [True] * 31 + [False]


def table_page(pdf, number: int) -> None:
    pdf.setFont("Helvetica", 11)
    for i, (district, share) in enumerate([("District", "Share"), ("North", "41%"), ("South", "33%"), ("East", "26%")]):
        pdf.drawString(72, HEIGHT - 100 - 15 * i, district)
        pdf.drawString(300, HEIGHT - 100 - 15 * i, share)


def test_pdf_table_of_short_cells_is_read_row_by_row(tmp_path):
    lines = extract_named(tmp_path, "table.pdf", pdf_bytes(table_page)).pages[0].lines
    assert lines == ["District Share", "North 41%", "South 33%", "East 26%"]


def test_layout_keeps_superscripts_on_their_line():
    boxes = [Box(72, 700, 106, 708, "E = mc", 11), Box(106.5, 704, 110, 709, "2", 7), Box(72, 686, 200, 694, "next", 11)]
    assert [line.text for line in reading_order(boxes)] == ["E = mc2", "next"]


def test_layout_keeps_a_comma_that_hangs_below_the_letters_on_its_line():
    letters = [Char(c, 72 + 5 * i, 493.3, 76 + 5 * i, 501, 10.9) for i, c in enumerate("tools")]
    chars = [*letters, Char(",", 97.2, 491.4, 98.4, 494.6, 10.9), Char(" ", 0, 0, 0, 0, 0),
             *[Char(c, 102 + 5 * i, 493.3, 106 + 5 * i, 501, 10.9) for i, c in enumerate("self")]]
    assert [line.text for line in reading_order(runs(chars))] == ["tools, self"]


def scanned_page(pdf, number: int) -> None:
    pdf.drawImage(ImageReader(Image.new("RGB", (200, 100), "white")), 100, 500, 200, 100)


def test_pdf_without_text_layer_is_refused_as_scanned(tmp_path):
    assert refused(tmp_path, "scan.pdf", pdf_bytes(scanned_page, pages=2)) == "no text layer: scanned? OCR it first"


def encrypted(report: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(report)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_encrypted_with_a_password_is_refused(tmp_path, report):
    assert refused(tmp_path, "secret.pdf", encrypted(report, "secret")) == "encrypted PDF"


def test_pdf_encrypted_with_an_empty_password_is_read(tmp_path, report):
    result = extract_named(tmp_path, "open.pdf", encrypted(report, ""))
    assert result.pages[0].lines[0] == "Annual report 2023 — page 1"


def test_pdf_with_no_pages_is_refused(tmp_path):
    buffer = io.BytesIO()
    pypdf.PdfWriter().write(buffer)
    assert refused(tmp_path, "empty.pdf", buffer.getvalue()) == "PDF has no pages"


def test_truncated_pdf_is_refused_as_damaged(tmp_path, report):
    reason = refused(tmp_path, "cut.pdf", report[: len(report) // 2])
    assert reason.startswith("damaged PDF (") and reason.endswith(")")


def test_pdf_extension_with_text_content_is_refused(tmp_path):
    reason = refused(tmp_path, "fake.pdf", b"Just some notes, not a PDF at all.\n")
    assert reason == "not a PDF (content does not start with %PDF-)"


def test_pdf_content_named_txt_is_read_as_pdf(tmp_path, report):
    result = extract_named(tmp_path, "report.txt", report)
    assert result.format == "pdf" and len(result.pages) == 5


# --- Word --------------------------------------------------------------------------------------


def word_file() -> bytes:
    document = docx.Document()
    document.add_heading("Harbour survey", level=0)
    document.add_paragraph("The harbour was surveyed in March by two divers.")
    document.add_heading("Findings", level=1)
    document.add_paragraph("The north pier needs new supports.\nThe south pier is sound.")
    document.add_paragraph("")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Pier", "State"), ("North", "weak"), ("South", "sound")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_heading("Costs", level=2)
    document.add_paragraph("Repairs will cost about 2 million euros.")
    properties = document.core_properties
    properties.title, properties.author = "Harbour survey 2024", "Jonas Berg"
    properties.created = datetime(2024, 3, 18, 10, 30)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_headings_and_table_rows_in_order(tmp_path):
    result = extract_named(tmp_path, "survey.docx", word_file())
    page = result.pages[0]
    assert result.format == "docx" and page.number is None
    assert page.lines == [
        "Harbour survey",
        "The harbour was surveyed in March by two divers.",
        "Findings",
        "The north pier needs new supports.",
        "The south pier is sound.",
        "Pier | State",
        "North | weak",
        "South | sound",
        "Costs",
        "Repairs will cost about 2 million euros.",
    ]
    assert page.headings == {0: "Harbour survey", 2: "Findings", 8: "Costs"}
    assert page.keep == [True] * len(page.lines)
    assert (result.title, result.author, result.date) == ("Harbour survey 2024", "Jonas Berg", "2024-03-18")


def test_a_docx_without_core_properties_has_no_made_up_title_or_date(tmp_path):
    import re
    import zipfile
    stripped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word_file())) as source, zipfile.ZipFile(stripped, "w") as target:
        for item in source.infolist():
            if item.filename == "docProps/core.xml":
                continue
            data = source.read(item)
            if item.filename == "_rels/.rels":  # the package's relationship to the part goes too
                data = re.sub(rb'<Relationship [^>]*docProps/core.xml"[^>]*/>', b"", data)
            target.writestr(item, data)
    result = extract_named(tmp_path, "move.docx", stripped.getvalue())
    assert result.pages[0].lines[1] == "The harbour was surveyed in March by two divers."
    assert (result.title, result.author, result.date) == (None, None, None)  # not "Word Document", not today


def test_damaged_docx_is_refused(tmp_path):
    data = word_file()
    reason = refused(tmp_path, "cut.docx", data[: len(data) // 2])
    assert reason.startswith("damaged Word file (") and reason.endswith(")")


def test_docx_extension_with_text_content_is_refused(tmp_path):
    assert refused(tmp_path, "notes.docx", b"plain notes") == "not a Word file (content is not a ZIP with word/document.xml)"


# --- HTML --------------------------------------------------------------------------------------

ARTICLE = [
    "The city council approved a three-year plan on Tuesday to remove industrial waste from the Elm River, "
    "after a decade of complaints from residents living along its banks.",
    "The plan sets aside 12 million euros for dredging the most polluted stretch near the old tannery, "
    "and asks two chemical plants to pay part of the cost.",
    "Regional authorities will cover a third of the budget, the council said, while the remaining money "
    "comes from a special levy on upstream factories.",
    "Officials expect the first dredging boats to arrive in the autumn, once the tender process has closed.",
    "Some residents said they had heard similar promises before and would wait to see whether the water "
    "actually became cleaner over the next two summers.",
    "A local fishing club welcomed the decision but asked the council to publish water measurements monthly.",
]
BOILERPLATE = ["Accept all cookies", "Politics", "SuperPhone", "Bridge repairs delayed", "All rights reserved",
               "Privacy policy", "Subscribe to our newsletter"]
WEB_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>River Clean-up Plan Approved | Riverside Gazette</title>
<meta name="author" content="Maria Okafor">
<meta property="article:published_time" content="2023-05-04T09:30:00Z">
<meta property="og:title" content="River Clean-up Plan Approved">
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies. <button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<aside class="ad advertisement"><p>Advertisement: Buy the new SuperPhone today with 50% off!</p></aside>
<main><article>
<h1>River Clean-up Plan Approved</h1>
<p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p>
<h2>Funding from the region</h2>
<p>{ARTICLE[2]}</p><p>{ARTICLE[3]}</p>
<h2>Residents remain cautious</h2>
<p>{ARTICLE[4]}</p><p>{ARTICLE[5]}</p>
</article></main>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Bridge repairs delayed again</a></li>
<li><a href="/b">New bus line opens</a></li></ul></aside>
<footer><p>© 2023 Riverside Gazette. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/contact">Contact us</a></p>
<p>Subscribe to our newsletter for daily updates.</p></footer>
</body></html>"""


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("extraction tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_html_keeps_the_article_with_sections_and_drops_the_page_around_it(tmp_path, offline):
    result = extract_named(tmp_path, "river.html", WEB_PAGE.encode())
    page = result.pages[0]
    text = "\n".join(page.lines)
    assert result.format == "html" and page.number is None
    assert all(sentence in page.lines for sentence in ARTICLE)
    assert not [junk for junk in BOILERPLATE if junk in text]
    assert page.headings == {0: "River Clean-up Plan Approved", 3: "Funding from the region", 6: "Residents remain cautious"}
    assert page.lines[4] == ARTICLE[2]
    assert (result.title, result.author, result.date) == ("River Clean-up Plan Approved", "Maria Okafor", "2023-05-04")


def test_html_without_an_article_is_refused(tmp_path, offline):
    menu_only = """<!DOCTYPE html><html><head><title>Menu</title></head><body>
    <header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav></header>
    <footer><p>© 2023 Example Ltd.</p><p><a href="/privacy">Privacy policy</a></p></footer></body></html>"""
    assert refused(tmp_path, "menu.htm", menu_only.encode()) == "no article text found in the page"


def test_the_extraction_settings_reach_the_pdf_and_web_page_readers(tmp_path, report, offline):
    pdf, page = tmp_path / "report.pdf", tmp_path / "river.html"
    # The chapter title is set in 16 pt over 11 pt body text: 1.45 times, a heading at 1.2 but not at 1.5.
    assert extract(pdf, report).pages[3].headings == {1: "Chapter 4: water"}
    assert extract(pdf, report, ExtractionSettings(heading_size=1.5)).pages[3].headings == {}
    assert all(extract(pdf, report, ExtractionSettings(running_zone=0)).pages[0].keep)  # no furniture looked for
    assert extract(page, WEB_PAGE.encode(), ExtractionSettings(min_article_words=5)).pages[0].lines[1] == ARTICLE[0]
    with pytest.raises(UnreadableFile, match="no article text"):  # no line of the article is 100 words long
        extract(page, WEB_PAGE.encode(), ExtractionSettings(min_article_words=100))


def test_changed_extraction_settings_change_the_pipeline_id_and_the_defaults_keep_it():
    chunking = ChunkingSettings()
    assert pipeline_id(chunking, ExtractionSettings(min_column_width=36, heading_size=1.2)) == pipeline_id(chunking)
    assert pipeline_id(chunking, ExtractionSettings(heading_size=1.5)) != pipeline_id(chunking)
    assert pipeline_id(chunking).endswith(",extract=2")  # the defaults add nothing to the id


def test_html_saved_as_txt_is_read_as_html(tmp_path, offline):
    assert extract_named(tmp_path, "saved.txt", WEB_PAGE.encode()).format == "html"


# --- Markdown and text -------------------------------------------------------------------------

MARKDOWN = """---
title: Field notes
author: [Ana Silva, Jonas Berg]
date: 2022-09-14
---
# Spring visit

We counted 40 herons.

```
# not a heading: code
```

Autumn visit
------------

Fewer birds this time.
## Closing ##
"""


def test_markdown_lines_are_the_file_lines_with_headings_and_front_matter(tmp_path):
    result = extract_named(tmp_path, "notes.md", MARKDOWN.encode())
    page = result.pages[0]
    assert result.format == "markdown" and page.keep is None
    assert page.lines == MARKDOWN.split("\n")
    assert page.headings == {5: "Spring visit", 13: "Autumn visit", 17: "Closing"}
    assert (result.title, result.author, result.date) == ("Field notes", "Ana Silva, Jonas Berg", "2022-09-14")


def test_markdown_without_front_matter_takes_its_title_from_the_first_heading(tmp_path):
    result = extract_named(tmp_path, "plain.markdown", b"Intro line\n\n# The real title\ntext\n")
    assert (result.title, result.date, result.pages[0].headings) == ("The real title", None, {2: "The real title"})


def test_text_lines_are_decoded_file_lines(tmp_path):
    result = extract_named(tmp_path, "a.txt", "Café in Moscow.\r\nSecond line.".encode("latin-1"))
    assert result.format == "text"
    assert result.pages[0].lines == ["Café in Moscow.", "Second line."]
    assert (result.pages[0].keep, result.pages[0].headings, result.title) == (None, {}, None)


NOTE = """Garden Committee Minutes

Present: Marta, Dev, Corinne

3. New tool shed
The committee chose Brackley Timber Works because it was the only one with a base.

Treatment:
- Hydrocortisone cream twice a day

Ingredients

- 2 eggs
A short line that ends as a sentence.
The next line follows it directly, as wrapped prose does.

Washington CNN —

A news paragraph stands on a line of its own between blank lines.
"""


def test_a_notes_short_lines_over_its_text_are_headings_and_news_lines_are_not(tmp_path):
    result = extract_named(tmp_path, "minutes.txt", NOTE.encode())
    # a field is no heading, nor a line a blank one follows ("Ingredients"), nor one that ends as a sentence does
    assert result.pages[0].headings == {4: "3. New tool shed", 7: "Treatment"}


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"  \n", "empty file"),
    ("bin.md", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "binary file, not text"),
])
def test_unusable_text_files_say_why(tmp_path, name, data, reason):
    assert refused(tmp_path, name, data) == reason


@pytest.mark.parametrize("name, data, kind", [
    ("x.txt", b"plain", "text"),
    ("x.md", b"# title", "markdown"),
    ("x.markdown", b"<p>inline html in markdown</p>", "markdown"),
    ("x.html", b"no markup at all", "html"),
    ("x.txt", b"\xef\xbb\xbf  <!-- saved -->\n<html><body>hi</body></html>", "html"),
    ("x.md", b"%PDF-1.7 rest", "pdf"),
])
def test_sniff_uses_content_and_extension(name, data, kind):
    assert sniff(Path(name), data) == kind


def test_suffixes_the_folder_walk_picks_up():
    assert {".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".docx"} == SUFFIXES
