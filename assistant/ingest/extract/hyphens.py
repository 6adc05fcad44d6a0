"""Join words a PDF hyphenated at a line end: "infor-" + "mation was" -> "information" + "was"."""

from __future__ import annotations

import re

BROKEN_END = re.compile(r"[^\W\d_]-$")  # a letter, then a hyphen, at the end of the line
CONTINUES = re.compile(r"^[^\W\d_]")


def join_hyphenated(lines: list[str], keep: list[bool]) -> list[int]:
    """Join in place each hyphen-broken word onto its first line; return the indexes of lines left empty.

    Only between two kept lines, and only when the next line goes on in lower case (so "Jean-" + "Paul"
    and a dash before a new sentence stay as they are)."""
    emptied = []
    for i in range(len(lines) - 1):
        following = lines[i + 1]
        if not (keep[i] and keep[i + 1] and BROKEN_END.search(lines[i]) and CONTINUES.match(following)):
            continue
        if not following[0].islower():
            continue
        word, _, rest = following.partition(" ")
        lines[i] = lines[i][:-1] + word
        lines[i + 1] = rest.strip()
        if not lines[i + 1]:
            emptied.append(i + 1)
    return emptied
