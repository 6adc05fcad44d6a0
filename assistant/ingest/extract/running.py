"""Find a PDF's page furniture: running headers and footers repeated across pages, and bare page numbers."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from assistant.config import ExtractionSettings

# Where furniture sits and how often it repeats are settings: ExtractionSettings.running_* in assistant/config.py.
PAGE_NUMBER = re.compile(
    r"^[\s\W]*(?:page|p\.|pg\.?|seite|página|pagina)?\s*"
    r"(?:\d{1,4}|(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
    r"(?:\s*(?:/|of|von|de|sur)\s*\d{1,4})?[\s\W]*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+")
Zone = Literal["top", "bottom"]  # where on a page a running line sits


class Edge(NamedTuple):
    """A line at the top or bottom of a page, its numbers set apart so page numbers can vary."""

    zone: Zone
    shape: str  # the lower-cased text with each number replaced by "#"
    numbers: tuple[int, ...]


def furniture(pages: list[list[str]], params: ExtractionSettings = ExtractionSettings()) -> list[list[bool]]:
    """Per page, per line: False for a running header/footer or a page number, True for the page's text."""
    edges = [_edges(lines, params.running_zone) for lines in pages]
    keep = []
    for page, lines in enumerate(pages):
        flags = [True] * len(lines)
        for index, mine in edges[page].items():
            if PAGE_NUMBER.match(lines[index]) or any(_repeats(edge, page, edges, params) for edge in mine):
                flags[index] = False
        keep.append(flags)
    return keep


def _edges(lines: list[str], zone: int) -> dict[int, list[Edge]]:
    edges: dict[int, list[Edge]] = {}
    for index in range(min(zone, len(lines))):
        edges.setdefault(index, []).append(_edge("top", lines[index]))
    for index in range(max(0, len(lines) - zone), len(lines)):
        edges.setdefault(index, []).append(_edge("bottom", lines[index]))
    return edges


def _edge(zone: Zone, line: str) -> Edge:
    shape = " ".join(_NUMBER.sub("#", line.lower()).split())
    return Edge(zone, shape, tuple(int(n) for n in _NUMBER.findall(line)))


def _repeats(edge: Edge, page: int, edges: list[dict[int, list[Edge]]], params: ExtractionSettings) -> bool:
    reach = params.running_neighbours
    near = range(max(0, page - reach), min(len(edges), page + reach + 1))
    others = sum(1 for other in near if other != page and _on_page(edge, edges[other], other - page))
    return others >= min(params.running_repeats, len(edges) - 1) and others > 0


def _on_page(edge: Edge, page_edges: dict[int, list[Edge]], pages_apart: int) -> bool:
    return any(_same_running_line(edge, theirs, pages_apart) for listed in page_edges.values() for theirs in listed)


def _same_running_line(edge: Edge, other: Edge, pages_apart: int) -> bool:
    """The same line, but for numbers that stay the same or move with the page ("page 7" on page 7, "page 8" on 8)."""
    if (edge.zone, edge.shape) != (other.zone, other.shape) or not edge.shape:
        return False
    return all(theirs == mine or theirs - mine == pages_apart for mine, theirs in zip(edge.numbers, other.numbers))
