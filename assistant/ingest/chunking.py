"""Split article text into sentences that keep their line numbers, and pack them into chunks."""

from __future__ import annotations

import re
from bisect import bisect_right

from assistant.config import ChunkingSettings
from assistant.ingest.cleaning import line_text
from assistant.text.words import CLOSED, FIELD, LIST_ITEM, TABLE_ROW
from assistant.types import Span

VERSION = "8"  # bump when the rules below change what a chunk holds: stores then re-chunk (3: every section;
#               4: a paragraph ending in an abbreviation keeps its last sentence; 5: no "date 2023-12-07" marker;
#               6: each list item and table row its own paragraph, a list's "1." no sentence; 7: so is each
#               "Label: value" field line; 8: and Markdown's "**Label:** value")

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "st", "no", "vs", "etc", "inc",
    "ltd", "jr", "sr", "u.s", "u.k", "u.n", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "coop", "gov", "sen", "rep", "fig", "approx",
}
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital, digit or quote.
BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
ENUMERATOR = re.compile(r"\s*\d{1,3}[.)]")  # "1." of a numbered list: the item's start, not a sentence
TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]*-[\s:|-]*\|?\s*$")  # "|---|:--:|": draws the table, says nothing


def paragraphs(lines: list[str], keep: list[bool]) -> list[list[tuple[int, str]]]:
    """Runs of kept, non-blank lines, as (1-based line number, text); a headline line, a list item, a table row and
    a record's field line ("Lease end: 31 August 2025") each stand alone (a list item's wrapped lines stay with it).
    A scraper's "date 2023-12-07" marker before a line's text is metadata (cleaning reads the date from it), not a
    sentence's."""
    result: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, (line, kept) in enumerate(zip(lines, keep), start=1):
        text = line_text(line)
        if TABLE_RULE.match(text) and "|" in text:
            text = ""
        if kept and text:
            if current and (_is_heading(current[-1][1]) or _starts_item(text, current[-1][1])
                            or TABLE_ROW.match(current[-1][1])):
                result.append(current)
                current = []
            current.append((number, text))
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def _starts_item(line: str, previous: str) -> bool:
    """A list item or table row; a field line only after another field or a closed sentence, so that wrapped prose
    ("… the back room and" over "Tobias said: it should wait.") stays one sentence."""
    field = FIELD.match(line) and (FIELD.match(previous) or CLOSED.search(previous))
    return bool(LIST_ITEM.match(line) or TABLE_ROW.match(line) or field)


def _is_heading(line: str) -> bool:
    """A line with no closing punctuation that ends on a capitalised word: a title, not wrapped prose."""
    words = line.split()
    return bool(words) and not CLOSED.search(line) and (words[-1][:1].isupper() or len(words) <= 6)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`; a full stop after an abbreviation is no boundary."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for end in [m.start() + len(m.group(1)) for m in BOUNDARY.finditer(text)] + [len(text)]:
        if end <= start or (end < len(text) and (_ends_with_abbreviation(text[start:end])
                                                  or ENUMERATOR.fullmatch(text[start:end]))):
            continue  # the text's end is always a boundary, even after "Inc.": else the last sentence is lost
        bounds.append((start, end))
        start = end
        while start < len(text) and text[start] == " ":
            start += 1
    return bounds


def sentences(paragraph: list[tuple[int, str]], max_chars: int = ChunkingSettings().max_sentence_chars) -> list[Span]:
    """The paragraph's sentences, each with the lines it spans; long ones split at spaces."""
    text, line_at = _join(paragraph)
    return [Span(text=text[piece_start:piece_end], start_line=line_at(piece_start), end_line=line_at(piece_end - 1))
            for start, end in sentence_bounds(text) for piece_start, piece_end in _pieces(text, start, end, max_chars)]


def _join(paragraph: list[tuple[int, str]]):
    offsets: list[tuple[int, int]] = []
    parts: list[str] = []
    position = 0
    for number, line in paragraph:
        offsets.append((position, number))
        parts.append(line)
        position += len(line) + 1
    text = " ".join(parts)

    def line_at(offset: int) -> int:
        number = offsets[0][1]
        for begin, line_number in offsets:
            if begin > offset:
                break
            number = line_number
        return number

    return text, line_at


def _ends_with_abbreviation(text: str) -> bool:
    words = text.rstrip("\"'”’)] ").split()
    last = words[-1].rstrip(".").lower() if words else ""  # a "sentence" may be punctuation alone
    return last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _pieces(text: str, start: int, end: int, max_chars: int):
    while end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        cut = cut if cut > start else start + max_chars
        yield start, cut
        start = cut + 1 if text[cut:cut + 1] == " " else cut
    if end > start:
        yield start, end


def pack(paras: list[list[Span]], max_chars: int, overlap: int = 1) -> list[list[Span]]:
    """Group sentences into chunks of at most max_chars (a longer sentence stands alone).

    A chunk ends early at a paragraph break once it is half full, and the next chunk
    repeats the last `overlap` sentences so that no fact is cut in half.
    """
    chunks: list[list[Span]] = []
    current: list[Span] = []
    fresh = 0  # sentences in `current` not already in the previous chunk
    for para in paras:
        if current and fresh and _size(current) >= max_chars // 2:
            chunks.append(current)
            current, fresh = current[-overlap:] if overlap else [], 0
        for sentence in para:
            if fresh and _size(current) + len(sentence.text) + 1 > max_chars:
                chunks.append(current)
                current, fresh = current[-overlap:] if overlap else [], 0
            while not fresh and current and _size(current) + len(sentence.text) + 1 > max_chars:
                current = current[1:]  # the overlap would overflow: drop it
            current.append(sentence)
            fresh += 1
    if current and fresh:
        chunks.append(current)
    return chunks


def _size(spans: list[Span]) -> int:
    return sum(len(s.text) + 1 for s in spans)


def chunk_spans(lines: list[str], keep: list[bool], max_chars: int, overlap: int = 1,
                max_sentence_chars: int = ChunkingSettings().max_sentence_chars, page: int | None = None,
                headings: dict[int, str] | None = None) -> list[list[Span]]:
    """One page's text as chunks of sentences; each sentence knows its page and the heading above it. Heading
    lines themselves are not sentences: they name the section of the sentences below them."""
    keep = [kept and i not in (headings or {}) for i, kept in enumerate(keep)]
    paras = [sentences(p, max_sentence_chars) for p in paragraphs(lines, keep)]
    starts = sorted(headings or {})
    for para in paras:
        for i, span in enumerate(para):
            above = bisect_right(starts, span.start_line - 1)  # headings at or above the sentence's first line
            section = (headings or {})[starts[above - 1]] if above else None
            para[i] = span.model_copy(update={"page": page, "section": section})
    return pack(paras, max_chars, overlap)
