"""Does a text state a phrase? Matched on word boundaries after normalising case, punctuation, quotes, dashes,
abbreviations and number formats: "aid" is not in "said", "400 tons" is not in "4,400 tons", "U.S." is "US"."""

from __future__ import annotations

import re
import unicodedata

ABBREVIATION = re.compile(r"\b(?:[a-z]\.){2,}")  # u.s. → us, u.n. → un
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")  # 4,400 → 4400
TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers; "4,400" is one number, "U.S." one word, "Kuwait's" is "kuwait" + "s"."""
    text = unicodedata.normalize("NFKC", text).translate(FOLD).lower()
    text = ABBREVIATION.sub(lambda m: m.group().replace(".", ""), text)
    return TOKEN.findall(THOUSANDS.sub("", text))


def contains(text: str, phrase: str) -> bool:
    """True when the phrase's tokens appear in the text's tokens, contiguous and in order."""
    wanted = tokens(phrase)
    if not wanted:
        return False
    have = tokens(text)
    size = len(wanted)
    return any(have[i:i + size] == wanted for i in range(len(have) - size + 1))


def share_stated(text: str, phrase: str) -> float:
    """The share of the phrase's distinct tokens that the text holds (each on word boundaries)."""
    wanted = set(tokens(phrase))
    return len(wanted & set(tokens(text))) / len(wanted) if wanted else 0.0
