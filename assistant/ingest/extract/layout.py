"""Put a PDF page's text boxes in reading order: rows top to bottom, and a page's columns one after another."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import NamedTuple

from assistant.config import ExtractionSettings

# The thresholds (gaps in font sizes, column sizes) are settings: ExtractionSettings in assistant/config.py.


@dataclass(frozen=True)
class Box:
    """A run of text on one line, where the PDF draws it (points, origin bottom left)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str
    size: float  # font size in points; 0 when unknown

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def scale(self) -> float:
        return self.size or (self.top - self.bottom) or 1.0


@dataclass(frozen=True)
class Line:
    text: str
    size: float  # the largest font size on the line


class Char(NamedTuple):
    """One character of the page's text layer in content order; a space's box does not matter."""

    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float


Fragment = list[Box]  # boxes on one row with no column gap between them
Row = list[Fragment]  # left to right


def reading_order(boxes: list[Box], params: ExtractionSettings = ExtractionSettings()) -> list[Line]:
    """The page's lines in reading order: within each block of rows, column by column when the page has columns."""
    rows = [_fragments(row, params.column_gap) for row in _rows(boxes)]
    gutters = find_gutters(rows, params)
    lines: list[Line] = []
    for block in _blocks(rows, gutters, params.block_gap):
        lines += _read(block, gutters, params.word_gap)
    return [line for line in lines if line.text]


def runs(chars: list[Char], params: ExtractionSettings = ExtractionSettings()) -> list[Box]:
    """Consecutive characters on one line and close together, as boxes; spaces become gaps within a box."""
    boxes: list[Box] = []
    run_gap = params.run_gap
    text, left, bottom, right, top, size = "", 0.0, 0.0, 0.0, 0.0, 0.0
    spaced = False
    for char in chars:
        if char.text.isspace():
            spaced = bool(text)
            continue
        reach = 0.3 * (size or top - bottom)  # commas hang below the letters, superscripts above
        same_line = char.top >= bottom - reach and char.bottom <= top + reach
        if text and same_line and right - 0.5 * size <= char.left <= right + run_gap * (size or top - bottom):
            text += (" " if spaced else "") + char.text
            bottom, right, top = min(bottom, char.bottom), max(right, char.right), max(top, char.top)
        else:
            if text:
                boxes.append(Box(left, bottom, right, top, text, size))
            text, left, bottom, right, top, size = char.text, char.left, char.bottom, char.right, char.top, char.size
        spaced = False
    if text:
        boxes.append(Box(left, bottom, right, top, text, size))
    return boxes


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into rows, top to bottom: a box joins a row when their vertical middles overlap."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (-b.middle, b.left)):
        if rows and _same_row(rows[-1][0], box):
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda b: b.left) for row in rows]


def _same_row(anchor: Box, box: Box) -> bool:
    overlap = min(anchor.top, box.top) - max(anchor.bottom, box.bottom)
    smaller = min(anchor.top - anchor.bottom, box.top - box.bottom)
    return anchor.bottom <= box.middle <= anchor.top or box.bottom <= anchor.middle <= box.top or overlap > 0.3 * smaller


def _fragments(row: list[Box], column_gap: float) -> Row:
    fragments: Row = [[row[0]]]
    for box in row[1:]:
        previous = fragments[-1][-1]
        if box.left - previous.right > column_gap * max(box.scale, previous.scale):
            fragments.append([box])
        else:
            fragments[-1].append(box)
    return fragments


def find_gutters(rows: list[Row], params: ExtractionSettings = ExtractionSettings()) -> list[float]:
    """x positions of the gaps between text columns, left to right; [] for a page of one column."""
    spans = [[(f[0].left, f[-1].right, len(_text(f, params.word_gap))) for f in row] for row in rows]
    scored = [(support, x) for x in _candidates(spans, params.min_column_rows)
              if (support := _column_support(spans, x, params))]
    middles = [(left + right) / 2 for row in spans for left, right, _ in row]
    gutters: list[float] = []
    for _, x in sorted(scored, key=lambda s: (-s[0], s[1])):
        if _makes_columns(sorted([*gutters, x]), x, middles, params):
            gutters = sorted([*gutters, x])
    return gutters


def _makes_columns(gutters: list[float], x: float, middles: list[float], params: ExtractionSettings) -> bool:
    """Both columns beside a new gutter at x are wide enough and hold text of several rows."""
    at = gutters.index(x)
    low = gutters[at - 1] if at else float("-inf")
    high = gutters[at + 1] if at + 1 < len(gutters) else float("inf")
    if x - low < params.min_column_width or high - x < params.min_column_width:
        return False
    return all(sum(1 for m in middles if a < m < b) >= params.min_column_rows for a, b in ((low, x), (x, high)))


Span = tuple[float, float, int]  # a fragment's left, right and number of characters


def _candidates(spans: list[list[Span]], min_rows: int) -> list[float]:
    """Where the gaps of at least `min_rows` rows overlap most: the middle of each such stretch of x,
    found in one sweep over the gaps' edges and kept only where the overlap peaks."""
    events = sorted((x, step) for row in spans for a, b in zip(row, row[1:]) for x, step in ((a[1], 1), (b[0], -1)))
    stretches, open_gaps = [], 0
    for (x, step), (following, _) in zip(events, events[1:]):
        open_gaps += step
        if following > x:
            stretches.append((open_gaps, (x + following) / 2))
    return [
        round(middle, 1) for i, (count, middle) in enumerate(stretches)
        if count >= min_rows
        and count >= (stretches[i - 1][0] if i else 0) and count >= (stretches[i + 1][0] if i + 1 < len(stretches) else 0)
    ]


def _column_support(spans: list[list[Span]], x: float, params: ExtractionSettings) -> int:
    """How many rows a gutter at x parts, or 0 if it is no gutter: too few rows, more rows crossing it, or no prose."""
    parted = [row for row in spans if any(a[1] < x < b[0] for a, b in zip(row, row[1:]))]
    crossing = sum(1 for row in spans if any(left < x < right for left, right, _ in row))
    if len(parted) < params.min_column_rows or crossing > len(parted):
        return 0
    left = [chars for row in parted for _, right, chars in row if right < x]
    right = [chars for row in parted for left_edge, _, chars in row if left_edge > x]
    if min(statistics.median(left), statistics.median(right)) < params.min_column_chars:
        return 0
    return len(parted)


def _blocks(rows: list[Row], gutters: list[float], block_gap: float) -> list[list[Row]]:
    """Runs of rows read together: a row crossing a gutter, or a wide vertical gap, ends a run."""
    if not rows:
        return []
    height = statistics.median(_top(row) - _bottom(row) for row in rows) or 1.0
    blocks: list[list[Row]] = [[rows[0]]]
    for previous, row in zip(rows, rows[1:]):
        apart = _bottom(previous) - _top(row) > block_gap * height
        if apart or _crosses(row, gutters) or _crosses(previous, gutters):
            blocks.append([row])
        else:
            blocks[-1].append(row)
    return blocks


def _read(block: list[Row], gutters: list[float], word_gap: float) -> list[Line]:
    """A block's lines: column by column, each top to bottom (a block crossing the gutters is one column)."""
    if len(block) == 1 or not gutters:
        return [_line(row, word_gap) for row in block]
    bounds = [float("-inf"), *gutters, float("inf")]
    lines = []
    for low, high in zip(bounds, bounds[1:]):
        for row in block:
            inside = [f for f in row if low < (f[0].left + f[-1].right) / 2 < high]
            if inside:
                lines.append(_line(inside, word_gap))
    return lines


def _line(fragments: Row, word_gap: float) -> Line:
    boxes = [box for fragment in fragments for box in fragment]
    return Line(text=_text(boxes, word_gap), size=max(box.size for box in boxes))


def _text(boxes: list[Box], word_gap: float) -> str:
    """The boxes' text joined left to right, with a space where they stand apart or one of them has one."""
    text = boxes[0].text
    for previous, box in zip(boxes, boxes[1:]):
        gap = box.left - previous.right > word_gap * max(box.scale, previous.scale)
        spaced = gap or text.endswith(" ") or box.text.startswith(" ")
        text = text.rstrip() + (" " if spaced else "") + box.text.lstrip()
    return " ".join(text.split())


def _crosses(row: Row, gutters: list[float]) -> bool:
    return any(f[0].left < x < f[-1].right for f in row for x in gutters)


def _top(row: Row) -> float:
    return max(box.top for fragment in row for box in fragment)


def _bottom(row: Row) -> float:
    return min(box.bottom for fragment in row for box in fragment)
