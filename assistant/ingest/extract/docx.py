"""Word (.docx) files by python-docx: paragraphs and tables in order, Heading and Title styles as sections."""

from __future__ import annotations

import io

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.errors import UnreadableFile
from assistant.ingest.extract.dates import iso_day
from assistant.ingest.extract.result import Extracted, clean_value, single_page, split_lines

CELL_SEPARATOR = " | "


def extract_docx(data: bytes) -> Extracted:
    """The body's text, one line per paragraph line and per table row; metadata from the core properties."""
    try:
        document = docx.Document(io.BytesIO(data))
        lines, headings = _body(document)
        properties = _core_properties(document)
        title, author = (properties.title, properties.author) if properties else (None, None)
        # `created` is when the document was written; `modified` changes with every save, even a copy's.
        day = iso_day(properties.created) or iso_day(properties.modified) if properties else None
    except Exception as error:
        raise UnreadableFile(f"damaged Word file ({_reason(error)})") from error
    if not lines:
        raise UnreadableFile("no text in the Word file")
    return Extracted(
        format="docx", pages=single_page(lines, [True] * len(lines), headings),
        title=clean_value(title), author=clean_value(author), date=day,
    )


def _core_properties(document):
    """The file's own core properties, or None when it has none: python-docx then makes up defaults (the title
    "Word Document", modified now) that would pass for the document's."""
    try:
        document.part.package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        return None
    return document.core_properties


def _body(document) -> tuple[list[str], dict[int, str]]:
    lines: list[str] = []
    headings: dict[int, str] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += _table_rows(block)
            continue
        texts = [text for text in split_lines(block.text) if text.strip()]
        if texts and is_heading(block):
            headings[len(lines)] = " ".join(" ".join(texts).split())
        lines += texts
    return lines, headings


def is_heading(paragraph: Paragraph) -> bool:
    """Styled Title, or Heading 1-9 (style names are stored in English whatever the Word's language)."""
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name == "Title" or name.startswith("Heading")


def _table_rows(table: Table) -> list[str]:
    """One line per row, its cells joined by " | "; a cell merged across columns is said once."""
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell is not previous:  # python-docx repeats a merged cell once per grid column it spans
                cells.append(" ".join(cell.text.split()))
            previous = cell
        if any(cells):
            rows.append(CELL_SEPARATOR.join(cells))
    return rows


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:100]
