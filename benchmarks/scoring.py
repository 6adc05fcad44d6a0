"""The news benchmark's yardstick: does a text state the quiz's right choice, and how sure is a figure?

A choice is STATED when its words occur as one contiguous phrase inside ONE sentence of the text, compared after
normalising (assistant.evaluation.phrases: case, accents, quotes, dashes, U.S./US, 4,400/4400, %/percent, number words) and
a crude per-word stem ("frog"/"frogs"). On top of that normalisation, for this scorer only:

- numbers keep their magnitude and unit: "4.5 billion" is one token (4500000000), so "4.5" is not stated by
  "4.5 billion", nor "5 billion" by "75 billion"; "$4.5 billion", "4.5 billion dollars", "US$4.5bn" and
  "USD 4.5 billion" are the same phrase, "4.5 billion euros" is not; "per cent" and "pct" are "percent";
- a bare small number ("3", no unit) is not stated by a day of the month ("March 3", "3 March");
- a name keeps its capitals: a word the choice writes capitalised after its first word ("Jaffa Cakes", "SAVE Act")
  must stand capitalised, and a one-letter choice ("X", "A") must be that capital letter, not the article "a" nor a
  sentence's first "A" or "I". A choice's first word is not held to its capital: quizzes capitalise every choice
  ("Green" is stated by "a green comet");
- a choice may drop its leading article ("The Washington Post" is stated by "Washington Post") and a leading
  title when at least two words remain ("President Joe Biden" by "Joe Biden"); nothing else is dropped: "Joe Biden"
  is NOT stated by "Biden" alone, nor by "Joe Smith said Biden will visit."

An answer is CORRECT when it states the right choice and states no wrong choice. A wrong choice counts only when
it is itself stated as a phrase (its number with its unit): "It rained on March 3. Sales rose 15 percent." states
"15 percent" and not "3 percent". An occurrence inside a longer occurrence of another choice does not count
("Biden" inside "Hunter Biden" is not the choice "Biden"; "King" inside "King Louis XVI" is not the choice "King"),
and a wrong choice that is a phrase of the right one ("Pope" against "Pope Francis") is ignored.

The SHORT answer is the answer's stated short-answer span when it has one, else its first clause: the first
sentence, cut at a semicolon or a clause comma, at most SHORT_WORDS words. Short-answer correct: that alone states
the right choice (and no wrong one).

Every figure gets a 95% percentile bootstrap interval over questions (seeded), and a difference between two
systems on the same questions a paired one.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import numpy as np

from assistant.evaluation.phrases import cased_tokens
from assistant.ingest.chunking import sentence_bounds
from assistant.text.calendar import MONTH_NAMES as MONTHS_IN_FULL

SHORT_WORDS = 12
LETTER_WORDS = {("a",), ("i",)}  # a sentence's first "A" or "I" is the word, not the letter
RESAMPLES = 1000
SEED = 21  # issue 21
MONTH_NAMES = frozenset(MONTHS_IN_FULL)
MAGNITUDES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
ARTICLES = ("the", "a", "an")
# Leading titles a choice may drop (when two words remain). No "general" (General Motors), "saint" (St. Louis),
# "secretary" (Secretary of State ...), "first" (First Republic).
TITLES = tuple(tuple(t.split()) for t in (
    "former president", "vice president", "president", "prime minister", "chancellor", "governor", "gov",
    "senator", "sen", "representative", "rep", "mayor", "king", "queen", "prince", "princess", "pope", "dr", "mr",
    "mrs", "ms", "sir", "dame", "ceo", "judge", "justice", "speaker", "coach", "lord", "lady", "late", "former"))
CURRENCY = re.compile(
    r"(?P<unit>US\$|C\$|A\$|\$|£|€|¥|\b(?:USD|GBP|EUR)\s?)\s?(?P<number>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s?(?P<magnitude>thousand|million|billion|trillion|bn|tn|mn|m|k)\b)?", re.I)
CURRENCY_WORDS = {"$": "dollars", "us$": "dollars", "c$": "dollars", "a$": "dollars", "usd": "dollars",
                  "£": "pounds", "gbp": "pounds", "€": "euros", "eur": "euros", "¥": "yen"}
SHORT_MAGNITUDES = {"bn": "billion", "tn": "trillion", "mn": "million", "m": "million", "k": "thousand"}
MARKER = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
QUOTE_CHARS = " \"'“”‘’«»"


# ---------------------------------------------------------------- phrases


def stem(word: str) -> str:
    """A crude suffix strip so 'recalls', 'recalled' and 'recall' meet; numbers are never stemmed ('1990s')."""
    if word[:1].isdigit():
        return word
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def _currency(match: re.Match) -> str:
    unit = CURRENCY_WORDS[match["unit"].strip().lower()]
    magnitude = (match["magnitude"] or "").lower()
    return f" {match['number']} {SHORT_MAGNITUDES.get(magnitude, magnitude)} {unit} "


def _number(token: str) -> Decimal | None:
    if not token[:1].isdigit():
        return None
    try:
        return Decimal(token)
    except InvalidOperation:  # "2.7.1", a version
        return None


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=65536)
def cased_phrase_tokens(text: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """The scorer's tokens (matching.tokens, units unified, magnitudes folded into their numbers, stemmed), and
    for each whether its word was written capitalised."""
    text = CURRENCY.sub(_currency, text)
    text = re.sub(r"\bper\s+cent\b|\bpct\b", "percent", text, flags=re.I)
    raw = cased_tokens(text)
    out: list[str] = []
    caps: list[bool] = []
    i = 0
    while i < len(raw):
        token, capital = raw[i]
        value = _number(token)
        if (value is not None or token == "one") and i + 1 < len(raw) and raw[i + 1][0] in MAGNITUDES:
            out.append(_plain((value or Decimal(1)) * MAGNITUDES[raw[i + 1][0]]))
            caps.append(False)
            i += 2
            continue
        if token == "usa" and out and out[-1][:1].isdigit() and i + 1 < len(raw) and raw[i + 1][0] == "dollars":
            i += 1  # "4 billion U.S. dollars" = "4 billion dollars"
            continue
        out.append(_plain(value) if value is not None else stem(token))
        caps.append(capital)
        i += 1
    return tuple(out), tuple(caps)


def phrase_tokens(text: str) -> tuple[str, ...]:
    return cased_phrase_tokens(text)[0]


@lru_cache(maxsize=8192)
def cased_variants(choice: str) -> list[tuple[tuple[str, ...], tuple[bool, ...]]]:
    """The choice's phrase, and the phrase without a leading article and without a leading title (two words left),
    each with the words that must stand capitalised (a name's)."""
    words, written = cased_phrase_tokens(choice)
    # a quiz writes every choice's first word capitalised ("Green", "Mental health"); only a capital after it, or a
    # lone letter ("A", "X"), says the choice is a name
    caps = tuple(c and (i > 0 or (len(words) == 1 and len(words[0]) == 1)) for i, c in enumerate(written))
    found = [0]
    cut = 0
    while cut < len(words) and words[cut] in ARTICLES:
        cut += 1
        found.append(cut)
    for title in TITLES:
        if words[cut:cut + len(title)] == title and len(words) - cut - len(title) >= 2:
            found.append(cut + len(title))
            break
    kept = {words[c:]: caps[c:] for c in found if words[c:]}
    return list(kept.items())


def _is_day(seq: Sequence[str], start: int) -> bool:
    """The number at `start` is a day of the month: next to a month name, 1-31."""
    value = _number(seq[start])
    near_month = (start > 0 and seq[start - 1] in MONTH_NAMES) or (start + 1 < len(seq) and seq[start + 1] in MONTH_NAMES)
    return value is not None and value == value.to_integral_value() and 1 <= value <= 31 and near_month


def occurrences(seq: Sequence[str], caps: Sequence[bool], choice: str) -> list[tuple[int, int]]:
    """(start, end) of every place the choice (or an allowed variant) occurs in the token sequence, its name words
    capitalised where the choice has them (`caps`: the sequence's capitals)."""
    spans = []
    for phrase, capitals in cased_variants(choice):
        n = len(phrase)
        bare_number = n == 1 and _number(phrase[0]) is not None
        for start in range(len(seq) - n + 1):
            if tuple(seq[start:start + n]) == phrase and not (bare_number and _is_day(seq, start)) \
                    and _capitals_stand(capitals, caps[start:start + n]) \
                    and not (start == 0 and phrase in LETTER_WORDS):
                spans.append((start, start + n))
    return sorted(set(spans))


def _capitals_stand(wanted: Sequence[bool], found: Sequence[bool]) -> bool:
    return all(f or not w for w, f in zip(wanted, found))


def _inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    """The span lies inside a strictly longer one of the others."""
    return any(a <= span[0] and span[1] <= b and b - a > span[1] - span[0] for a, b in others)


def _sub_phrase(inner: tuple[str, ...], outer: tuple[str, ...]) -> bool:
    n = len(inner)
    return 0 < n < len(outer) and any(outer[i:i + n] == inner for i in range(len(outer) - n + 1))


# ---------------------------------------------------------------- sentences and verdicts


def sentences_of(text: str) -> list[str]:
    """The text's sentences: citation markers removed, line by line, cut like assistant.ingest.chunking."""
    text = MARKER.sub("", text or "")
    result = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        result += [line[a:b].strip() for a, b in sentence_bounds(line) if line[a:b].strip()]
    return result


@dataclass
class Verdict:
    right: bool  # the right choice is stated (not only inside a wrong choice)
    wrong: list[str] = field(default_factory=list)  # wrong choices stated (not only inside the right one)

    @property
    def correct(self) -> bool:
        return self.right and not self.wrong

    @property
    def result(self) -> str:
        """correct, wrong (states a wrong choice) or incomplete (states neither)."""
        return "correct" if self.correct else "wrong" if self.wrong else "incomplete"


def verdict(text: str, right: str, wrong_choices: Sequence[str]) -> Verdict:
    """Which choices the text states, each as a phrase inside one sentence."""
    right_phrase = phrase_tokens(right)
    wrong_choices = [w for w in wrong_choices if phrase_tokens(w) and phrase_tokens(w) != right_phrase
                     and not _sub_phrase(phrase_tokens(w), right_phrase)]
    right_found, wrong_found = False, []
    for sentence in sentences_of(text):
        seq, caps = cased_phrase_tokens(sentence)
        rights = occurrences(seq, caps, right)
        wrongs = {w: occurrences(seq, caps, w) for w in wrong_choices}
        every_wrong = [s for spans in wrongs.values() for s in spans]
        right_found |= any(not _inside(s, every_wrong) for s in rights)
        wrong_found += [w for w, spans in wrongs.items() if any(not _inside(s, rights) for s in spans)]
    return Verdict(right_found, list(dict.fromkeys(wrong_found)))


def states(text: str, choice: str) -> bool:
    """The choice occurs as a phrase inside one sentence of the text."""
    return any(occurrences(*cased_phrase_tokens(s), choice) for s in sentences_of(text))


def states_answer(text: str, right: str, wrong_choices: Sequence[str]) -> bool:
    """True when the text states the right choice and no wrong one (the rules in the module docstring)."""
    return verdict(text, right, wrong_choices).correct


# ---------------------------------------------------------------- the short answer


def _clause_comma(sentence: str) -> int | None:
    """Where the first clause comma is: a comma and a space, except between two capitalised words
    ("Austin, Texas"; "Biden, Harris and Trump")."""
    for match in re.finditer(r",\s+", sentence):
        before = sentence[: match.start()].split()[-1:] or [""]
        after = sentence[match.end():].split()[:1] or [""]
        if not (before[0].strip(QUOTE_CHARS)[:1].isupper() and after[0].strip(QUOTE_CHARS)[:1].isupper()):
            return match.start()
    return None


def first_clause(text: str, max_words: int = SHORT_WORDS) -> str:
    """The first sentence of the text, cut at a semicolon or a clause comma, at most max_words words."""
    found = sentences_of(text)
    if not found:
        return ""
    clause = found[0].split(";")[0]
    comma = _clause_comma(clause)
    clause = clause[:comma] if comma is not None else clause
    return " ".join(clause.split()[:max_words]).strip(QUOTE_CHARS)


def short_answer(text: str, span: str | None = None) -> str:
    """The stated short-answer span when the answer has one, else the answer's first clause."""
    return span.strip() if span and span.strip() else first_clause(text)


# ---------------------------------------------------------------- baselines' texts


def lead(sentences: Sequence[str], n: int = 2) -> list[str]:
    return list(sentences[:n])


def random_sentences(sentences: Sequence[str], n: int, key: str) -> list[str]:
    """n sentences drawn with a generator seeded by `key` (a question id), in document order."""
    chosen = sorted(random.Random(key).sample(range(len(sentences)), min(n, len(sentences))))
    return [sentences[i] for i in chosen]


# ---------------------------------------------------------------- intervals


def mean(samples: np.ndarray) -> np.ndarray:
    return samples.mean(axis=1)


def median(samples: np.ndarray) -> np.ndarray:
    return np.median(samples, axis=1)


def p95(samples: np.ndarray) -> np.ndarray:
    """The value below which 95% lie, the lower one of a pair (as news.py reports it)."""
    return np.quantile(samples, 0.95, axis=1, method="lower")


def bootstrap(values: Sequence[float], statistic: Callable[[np.ndarray], np.ndarray] = mean,
              resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float, float]:
    """(value, low, high): the statistic and its 95% percentile bootstrap interval over the values (questions)."""
    x = np.asarray(values, dtype=float)
    if not len(x):
        return float("nan"), float("nan"), float("nan")
    value = float(statistic(x[None, :])[0])
    rng = np.random.default_rng(seed)
    draws = np.concatenate([statistic(x[rng.integers(0, len(x), size=(min(200, resamples - done), len(x)))])
                            for done in range(0, resamples, 200)])
    low, high = np.percentile(draws, [2.5, 97.5])
    return value, float(low), float(high)


def paired(a: Sequence[float], b: Sequence[float], resamples: int = RESAMPLES,
           seed: int = SEED) -> tuple[float, float, float]:
    """Mean of a - b over the same questions, with a paired bootstrap interval (questions resampled together)."""
    if len(a) != len(b):
        raise ValueError("a paired interval needs the same questions on both sides")
    return bootstrap(np.asarray(a, dtype=float) - np.asarray(b, dtype=float), resamples=resamples, seed=seed)
