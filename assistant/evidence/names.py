"""A short answer that gives part of a name ("Curtis", "Golden Knights") completed to the whole name the reader
pointed at in another shown sentence ("Jamie Lee Curtis", "Vegas Golden Knights").

News writes a name in full once and shortens it after; the reader points at whichever mention answers, often a
short one. The whole name is the reader's own answer words in a sentence the answer shows, so it is still a cited
span, not an invention, and it ends where the reader's words end (a capitalised run of the text would run on into
"TikTok CEO" or "Coach Ted Lasso"; a list, "Finland, Denmark, Iceland", is no name). It is taken only when the
reader's words agree on it: "Biden" beside both "Joe Biden" and "Hunter Biden" stays "Biden"."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.evidence.spans import ShortAnswer
from assistant.query.question import Asked

KINDS = ("name", "place")  # the kinds of question whose answer is a name
CONNECTOR = re.compile(r"of|the|de|del|da|di|von|van|la|le|du|al|bin")  # lower-case words inside a name
POSSESSIVE = re.compile(r"['’]s$")
ABBREVIATION = re.compile(r"(?:[A-Z]\.)+|[A-Z][a-z]{1,2}\.")  # "U.S.", "D.C.", "Jr.", "Dr."
MAX_ADDED = 3  # words a completion may add: a name, not a phrase


def completed(asked: Asked, short: ShortAnswer, shown: set[int], words: list[ShortAnswer]) -> ShortAnswer:
    """The short answer with its whole name when it is part of one that the reader's words in the shown sentences
    (evidence ids `shown`) agree on; else the short answer as it was."""
    own = _name_words(short.text)
    if asked.kind not in KINDS or not _is_name(own):
        return short
    whole = _whole_name(own, [w for w in words if w.evidence.id in shown and "," not in w.text])
    if whole is None:
        return short
    name = " ".join(_name_words(whole.text))  # "Abraham Lincoln" of "Abraham Lincoln's", when the text has it so
    return replace(short, text=name if name in whole.evidence.text else whole.text,
                   named_in=whole.evidence if whole.evidence.id != short.evidence.id else None)


def _whole_name(own: list[str], words: list[ShortAnswer]) -> ShortAnswer | None:
    """The one longer name ending with `own` ("Jamie Lee Curtis" for "Curtis"), else the one starting with them
    ("Hunter Biden" for "Hunter"); None when there is none or they differ (a name inside a longer one, "Lee Curtis"
    in "Jamie Lee Curtis", is the same name)."""
    for ends in (True, False):
        found: dict[str, ShortAnswer] = {}
        for w in words:
            theirs = _name_words(w.text)
            part = theirs[-len(own):] if ends else theirs[:len(own)]
            if part == own and 0 < len(theirs) - len(own) <= MAX_ADDED and _is_name(theirs):
                found.setdefault(" ".join(theirs), w)
        if found:
            longest = max(found, key=len)
            return found[longest] if all(f" {name} " in f" {longest} " for name in found) else None
    return None


def _is_name(words: list[str]) -> bool:
    """Capitalised words, lower-case ones only inside ("University of Georgia", not "the Juneteenth Flag")."""
    return bool(words) and words[0][:1].isupper() and all(w[:1].isupper() for w in words if not CONNECTOR.fullmatch(w))


def _name_words(text: str) -> list[str]:
    return [w for w in (_clean(w) for w in text.split()) if w]


def _clean(word: str) -> str:
    """A word of a name without a possessive or the punctuation after it; "D.C." and "Jr." keep their full stop."""
    word = POSSESSIVE.sub("", word.strip("“”\"'‘’()").rstrip(",;:!?"))
    return word if ABBREVIATION.fullmatch(word) else word.rstrip(".")
