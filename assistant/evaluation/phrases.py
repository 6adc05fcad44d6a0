"""Does a text state a phrase? Matched on word boundaries after normalising case, accents, punctuation, quotes,
dashes, abbreviations and number formats: "aid" is not in "said", "400 tons" is not in "4,400 tons", "U.S." is
"US", "5%" is "5 percent", "four" is "4", "142.00" is "142", "Wednesdays" is "Wednesday". Used by the evaluation
(must_include) and the news benchmark."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.text.calendar import MONTH_ABBREVIATIONS, WEEKDAYS

NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if w != "_"}  # "one" stays a word: it is more often a pronoun
QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "`": "'", "´": "'",
                        "“": '"', "”": '"', "„": '"', "″": '"', "«": '"', "»": '"'})
INVISIBLE = re.compile(r"[\u0300-\u036f\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")  # accents, soft hyphen, zero-width
DASHES = re.compile(r"[‐‑‒–—―−]")
ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")
TOKEN = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+", re.I | re.A)
DECIMAL = re.compile(r"\d+\.\d*0")  # a decimal number ending in zero
# "on Wednesdays" states the day "Wednesday": a weekday's plural is the same day, every week
WEEKDAY_PLURALS = {f"{day}s": day for day in WEEKDAYS}


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens: accents, quotes, dashes, U.S./US, 4,400/4400, 5%/5 percent unified."""
    return [_spelled(token) for token in TOKEN.findall(_unified(text).lower())]


def cased_tokens(text: str) -> list[tuple[str, bool]]:
    """The tokens, each with whether its word was written capitalised (the scorer tells "A" from "a")."""
    return [(_spelled(word.lower()), word[:1].isupper()) for word in TOKEN.findall(_unified(text))]


def _spelled(token: str) -> str:
    if DECIMAL.fullmatch(token):  # an amount's zero cents are no other amount: "142.00" is "142", "4.50" is "4.5"
        return token.rstrip("0").rstrip(".")
    return NUMBER_WORDS.get(token) or MONTH_ABBREVIATIONS.get(token) or WEEKDAY_PLURALS.get(token, token)


def _unified(text: str) -> str:
    if not text.isascii():
        text = INVISIBLE.sub("", unicodedata.normalize("NFKD", text))
    text = DASHES.sub("-", text.translate(QUOTES))
    text = ACRONYM.sub(lambda m: m.group().replace(".", ""), text)
    text = re.sub(r"\bUSA?\b", " usa ", text)  # the country, not the pronoun "us"
    text = re.sub(r"(?<=\w)'s\b", "", text)  # possessive
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)  # don't -> dont
    while (joined := re.sub(r"(\d),(\d{3})(?!\d)", r"\1\2", text)) != text:  # 1,234,567 -> 1234567
        text = joined
    text = re.sub(r"(\d)\s*bn\b", r"\1 billion", text)
    text = re.sub(r"(\d)\s*tn\b", r"\1 trillion", text)
    return text.replace("%", " percent ").replace("&", " and ")


def normalize(text: str) -> str:
    """The tokens joined by single spaces."""
    return " ".join(tokens(text))


def padded(text: str) -> str:
    """Normalised text with a space at each end, so a phrase matches on word boundaries with `in`."""
    return f" {normalize(text)} "


@lru_cache(maxsize=8192)
def needle(phrase: str) -> str:
    """The padded normalised form of a short phrase, cached (phrases repeat across many texts)."""
    normal = normalize(phrase)
    return f" {normal} " if normal else ""


def contains(text: str, phrase: str) -> bool:
    """True when the phrase's tokens appear in the text's tokens, contiguous and in order."""
    pattern = needle(phrase)
    return bool(pattern) and pattern in padded(text)
