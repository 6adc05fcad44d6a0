"""PDF files by PDFium (pypdfium2): each page's text layer in reading order, page furniture marked, hyphenation joined."""

from __future__ import annotations

import ctypes
import re
import threading
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from assistant.config import ExtractionSettings
from assistant.errors import UnreadableFile
from assistant.ingest.extract.dates import iso_day
from assistant.ingest.extract.hyphens import join_hyphenated
from assistant.ingest.extract.layout import Char, Line, reading_order, runs
from assistant.ingest.extract.result import Extracted, Page, clean_value
from assistant.ingest.extract.running import furniture

SCANNED = "no text layer: scanned? OCR it first"
LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF",
    pdfium_c.FPDF_ERR_FORMAT: "damaged PDF (not in PDF format, or corrupted)",
    pdfium_c.FPDF_ERR_FILE: "damaged PDF (cannot be read)",
}
LINE_END_HYPHENS = {0x02, 0xFFFE, 0xAD}  # how PDFium reports a hyphen at a line end (and the soft hyphen)
LINE_BREAKS = {0x0A, 0x0D}  # PDFium's guesses; layout.py finds the lines itself
SPACES = {0x09, 0x0B, 0x0C, 0x20, 0xA0, 0x3000} | set(range(0x2000, 0x200B))
SPACE = Char(" ", 0.0, 0.0, 0.0, 0.0, 0.0)
PDFIUM = threading.Lock()  # PDFium is not thread-safe: one document at a time in this process
FILE_NAME_TITLE = re.compile(r"^microsoft (word|powerpoint) - |\.(docx?|pdf|tex|dvi|indd|odt|rtf|pptx?)$", re.I)


def extract_pdf(data: bytes, params: ExtractionSettings = ExtractionSettings()) -> Extracted:
    """Pages with their lines, keep flags (False for running headers/footers, page numbers) and headings."""
    with PDFIUM:
        document = _open(data)
        try:
            pages = [_page_lines(document, index, params) for index in range(len(document))]
            metadata = document.get_metadata_dict(skip_empty=True)
        finally:
            document.close()
    if not any(pages):
        raise UnreadableFile(SCANNED)
    result = assemble(pages, params)
    title = _title(metadata.get("Title")) or _first_heading(result[0])
    return Extracted(
        format="pdf", pages=result, title=title, author=clean_value(metadata.get("Author")),
        date=iso_day(metadata.get("CreationDate")) or iso_day(metadata.get("ModDate")),
    )


def assemble(pages: list[list[Line]], params: ExtractionSettings = ExtractionSettings()) -> list[Page]:
    """Pages numbered from 1, with furniture marked across pages, hyphenation joined and headings found."""
    keep = furniture([[line.text for line in lines] for lines in pages], params)
    body = _body_size(pages, keep)
    result = []
    for number, (lines, flags) in enumerate(zip(pages, keep), start=1):
        texts = [line.text for line in lines]
        emptied = set(join_hyphenated(texts, flags))
        rows = [(t, f, line.size) for i, (t, f, line) in enumerate(zip(texts, flags, lines)) if i not in emptied]
        result.append(Page(
            number=number, lines=[t for t, _, _ in rows], keep=[f for _, f, _ in rows],
            headings=_headings(rows, body, params),
        ))
    return result


def _open(data: bytes) -> pdfium.PdfDocument:
    # Opened through the raw call: pypdfium2's own constructor reports a valid zero-page PDF as an error.
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)  # no password: an empty one is tried
    if not raw:
        raise UnreadableFile(LOAD_ERRORS.get(pdfium_c.FPDF_GetLastError(), "damaged PDF (unreadable)"))
    document = pdfium.PdfDocument(raw)
    if len(document) == 0:
        document.close()
        raise UnreadableFile("PDF has no pages")
    return document


def _page_lines(document: pdfium.PdfDocument, index: int, params: ExtractionSettings) -> list[Line]:
    try:
        page = document[index]
        textpage = page.get_textpage()
    except pdfium.PdfiumError as error:
        raise UnreadableFile(f"damaged PDF (page {index + 1} cannot be read)") from error
    try:
        return reading_order(runs(list(_chars(textpage)), params), params)
    finally:
        textpage.close()
        page.close()


def _chars(textpage: pdfium.PdfTextPage) -> list[Char]:
    """The page's characters in content order with their boxes; PDFium's own line breaks are left out."""
    raw = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    get_code, get_box = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetCharBox
    get_size = pdfium_c.FPDFText_GetFontSize
    chars = []
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = get_code(raw, index)
        if code in LINE_BREAKS:
            continue
        if code in SPACES:
            chars.append(SPACE)
            continue
        get_box(raw, index, left, right, bottom, top)
        printable = 32 <= code < 0xD800 or 0xE000 <= code < 0x110000  # no control codes, no lone surrogate halves
        text = "-" if code in LINE_END_HYPHENS else chr(code) if printable else " "
        chars.append(Char(text, left.value, bottom.value, right.value, top.value, get_size(raw, index)))
    return chars


def _body_size(pages: list[list[Line]], keep: list[list[bool]]) -> float:
    """The font size most of the kept text is set in (by characters)."""
    sizes: Counter[float] = Counter()
    for lines, flags in zip(pages, keep):
        for line, kept in zip(lines, flags):
            if kept and line.size:
                sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _headings(rows: list[tuple[str, bool, float]], body: float, params: ExtractionSettings) -> dict[int, str]:
    """Lines set clearly larger than the body text (params.heading_size times, at most params.heading_chars long)
    start sections; a big line going on in lower case continues one."""
    headings: dict[int, str] = {}
    start = None
    for i, (text, kept, size) in enumerate(rows):
        big = size >= params.heading_size * body and len(text) <= params.heading_chars
        if not (body and kept and big and _has_letter(text)):
            start = None
        elif start is not None and text[0].islower():
            headings[start] = f"{headings[start]} {text}"
        else:
            start = i
            headings[i] = text
    return headings


def _has_letter(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _title(value: str | None) -> str | None:
    """The metadata title, unless it is only a file name ("Microsoft Word - report.docx")."""
    title = clean_value(value)
    return None if title is None or FILE_NAME_TITLE.search(title) else title


def _first_heading(page: Page) -> str | None:
    return page.headings[min(page.headings)] if page.headings else None
