"""Word-level facts about text: content words, numbers and proper names, for matching and checking."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
said says say according told tell did does do what which who whom whose how many much yet still ever
""".split())
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*\d|\d")
NUMBER = re.compile(r"\d[\d,.]*\d|\d")
NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’])*")  # letters of any alphabet: "Åsa Öberg" is two names, not "sa" and "berg"


@lru_cache(maxsize=1 << 17)  # called for every word of every candidate on each question: news reuses its words
def stem(word: str) -> str:
    """A crude stem: enough to match 'agreed'/'agree', 'doubled'/'double' and 'countries'/'country'."""
    word = re.sub(r"['’]s$", "", word.lower()).strip("'’-")  # "Putin's" is about Putin
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("eed", "ee"), ("ees", "ee"), ("ing", ""), ("ed", ""),
                                ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    return word[:-1] if word.endswith("e") and len(word) >= 4 else word  # "double" and "doubled" meet at "doubl"


INDEX_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits: word boundaries too (reading.Found.agreement)
CLOSED = re.compile(r"[.!?,;:\"'”’)\]]$")  # a line or sentence that ends as prose does
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")  # … and as a sentence does
BULLET_GLYPHS = "•▪◦‣"  # typeset bullets, as scraped pages and word processors' exports write them
BULLET = re.compile(rf"^\s*[-*+{BULLET_GLYPHS}]\s")  # a bulleted line, "- 2 eggs", "• Home"
LIST_ITEM = re.compile(rf"^\s*(?:[-*+{BULLET_GLYPHS}]|\d{{1,3}}[.)])\s+(?=\S)")  # "- 2 eggs", "3. Pour the batter …"
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")  # a Markdown table row, "| Paper | 34.90 EUR |"
# A record's field, "Security deposit: 2,300 euros" or Markdown's "**Fee:** £186": a capitalised label of at most
# four words, a colon, a space
FIELD = re.compile(r"^\s*(?:\*\*|__)?[A-Z][\w'’&/-]*(?:[ \t]+[\w'’&/()-]+){0,3}:(?:\*\*|__)?[ \t]+\S")


def index_terms(text: str) -> list[str]:
    """The words a lexical index counts (lower-cased, stemmed, stop-words out), for document frequencies."""
    return [stem(w) for w in INDEX_WORD.findall(text.lower()) if w not in STOPWORDS]


def content_words(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1]


def numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}


def names(text: str) -> set[str]:
    """Capitalised words other than stop-words ("The", "What"), lower-cased, curly apostrophes made straight.

    Hyphenated names count part by part: "Russia-China" names Russia and China.
    """
    return {token.lower().replace("’", "'") for token in NAME_WORD.findall(text)
            if token[0].isupper() and re.sub(r"['’]s$", "", token.lower()) not in STOPWORDS}  # "What's" names no one
