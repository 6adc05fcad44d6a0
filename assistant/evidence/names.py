"""A short answer that gives part of a name ("Curtis", "Golden Knights", "Mocha") completed to the whole name a
sentence of the answer gives ("Jamie Lee Curtis", "Vegas Golden Knights", "Cyclone Mocha").

News writes a name in full once and shortens it after; the reader points at whichever mention answers, often a
short one. The whole name is taken verbatim from a shown sentence and cited, so it is still not invented. It is
taken only when the shown sentences agree on it: "Biden" beside both "Joe Biden" and "Hunter Biden" stays "Biden"."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.evidence.spans import ShortAnswer
from assistant.query.question import Asked
from assistant.scoring.fitted import LEADING
from assistant.text.words import STOPWORDS
from assistant.types import Evidence

KINDS = ("name", "place")  # the kinds of question whose answer is a name
# Lower-case words inside a name: the word rules' (fitted.CONNECTOR) less "and" and "&", which join two names
# ("Manchester United and England") more often than they make one.
CONNECTOR = r"(?:of|the|de|del|da|di|von|van|la|le|du|al|bin)"
RUN = re.compile(rf"[A-Z][\w'’.&-]*(?:\s+(?:{CONNECTOR}\s+){{0,2}}[A-Z][\w'’.&-]*)*")
POSSESSIVE = re.compile(r"['’]s$")
ABBREVIATION = re.compile(r"(?:[A-Z]\.)+|[A-Z][a-z]{1,2}\.")  # "U.S.", "D.C.", "Jr.", "Dr."
MAX_ADDED = 3  # words a completion may add: a name, not a phrase


def completed(asked: Asked, short: ShortAnswer, shown: list[Evidence]) -> ShortAnswer:
    """The short answer with its whole name when it is part of one that the shown sentences (its own first) agree
    on; else the short answer as it was."""
    if asked.kind not in KINDS:
        return short
    words = _name_words(short.text)
    if not words or not all(w[0].isupper() for w in words if not re.fullmatch(CONNECTOR, w)):
        return short
    sentences = [short.evidence, *(e for e in shown if e.id != short.evidence.id)]
    whole = _whole_name(words, sentences)
    if whole is None:
        return short
    name, holder = whole
    return replace(short, text=name, named_in=holder if holder.id != short.evidence.id else None)


def _name_words(text: str) -> list[str]:
    return [w for w in (_clean(w) for w in text.split()) if w]


def _clean(word: str) -> str:
    """A word of a name without a possessive or the punctuation after it; "D.C." and "Jr." keep their full stop."""
    word = POSSESSIVE.sub("", word.rstrip(",;:!?\u201d\"')"))
    return word if ABBREVIATION.fullmatch(word) else word.rstrip(".")


def _whole_name(words: list[str], sentences: list[Evidence]) -> tuple[str, Evidence] | None:
    """The one longer name ending with `words` ("Jamie Lee Curtis" for "Curtis"), else the one starting with them
    ("Hunter Biden" for "Hunter"), with the first sentence holding it; None when there is none or they differ
    (a name inside a longer one, "Lee Curtis" in "Jamie Lee Curtis", is the same name)."""
    for ends in (True, False):
        found: dict[str, Evidence] = {}
        for e in sentences:
            for run in _runs(e.text):
                part = run[-len(words):] if ends else run[:len(words)]
                if part == words and 0 < len(run) - len(words) <= MAX_ADDED:
                    found.setdefault(" ".join(run), e)
        if found:
            longest = max(found, key=len)
            return (longest, found[longest]) if all(f" {n} " in f" {longest} " for n in found) else None
    return None


def _runs(text: str) -> list[list[str]]:
    """The text's capitalised runs as words, without the opening words the word rules take off a name ("The",
    "Former", "Mr."; "New" stays: "New York") or a possessive: "The University of Georgia's" is ["University", "of",
    "Georgia"]."""
    runs = []
    for match in RUN.finditer(text):
        words = [_clean(w) for w in match.group().split()]
        while words and words[0] != "New" and (LEADING.match(f"{words[0]} ") or words[0].lower() in STOPWORDS):
            words.pop(0)
        if words:
            runs.append(words)
    return runs
