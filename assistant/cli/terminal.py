"""Text for the terminal: printed as text (never parsed as markup), with the control characters that documents,
file names and arguments may hold made visible, so nothing read from disk can drive the terminal."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

# C0 and C1 controls (tab and newline aside) and the bidirectional overrides that can reorder what is shown.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROL_OR_NEWLINE = re.compile(CONTROL.pattern[:-1] + "\n\t]")


def visible(text: str, one_line: bool = False) -> str:
    """`text` with every control character written as an escape (\\x1b), newlines too when `one_line`."""
    pattern = CONTROL_OR_NEWLINE if one_line else CONTROL
    return pattern.sub(_escape, text)


def _escape(found: re.Match) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text from plain pieces and (piece, style) pairs; every piece made visible, none read as markup."""
    text = Text()
    for part in parts:
        piece, style = (part, "") if isinstance(part, str) else part
        text.append(visible(piece), style=style)
    return text


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False)
