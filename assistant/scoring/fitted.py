"""Four small logistic scorers fit on development data, and the features they read: how likely a passage holds the
answer, an evidence sentence holds it, a short span of it (a name, a number, a date) is it, and whether the question
is answerable at all. Their weights are data in assistant/scoring/weights.json, written by benchmarks/fit_ranker.py,
which stamps what they were fit on; loading checks the file's feature lists against the code's."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources

from assistant.query.question import Asked
from assistant.text.calendar import MONTH_PATTERN, WEEKDAY_PATTERN
from assistant.text.words import STOPWORDS, stem
from assistant.types import (
    AnswerableFeatures,
    Features,
    FolderSentenceFeatures,
    PassageFeatures,
    ReadAnswerableFeatures,
    ReadInsideFeatures,
    ReadSentenceFeatures,
    ReadSpanFeatures,
    SentenceFeatures,
    SpanFeatures,
)

# What each scorer reads (assistant/types.py): the fields of its features type, in order, are its weights' names. The
# read_* scorers stack on the others and the trained reader (assistant/scoring/reader.py), fit by
# benchmarks/fit_reader.py on development weeks the reader was not trained on; folder_sentence ranks a small folder's
# sentences from the word features and the reader's, fit by benchmarks/fit_folder.py on the small-folder dev suites.
READS: dict[str, type[Features]] = {
    "passage": PassageFeatures, "sentence": SentenceFeatures, "span": SpanFeatures, "answerable": AnswerableFeatures,
    "read_sentence": ReadSentenceFeatures, "read_span": ReadSpanFeatures, "read_inside": ReadInsideFeatures,
    "read_answerable": ReadAnswerableFeatures, "folder_sentence": FolderSentenceFeatures}
FEATURES = {name: kind.names() for name, kind in READS.items()}
# Bump when a feature's meaning changes (not only its name): weights fit on the old meaning are then refused.
FEATURES_VERSION = 2
MAX_PHRASES = 3  # the phrases features count at most this many question word pairs: their meaning, not a knob

MONTH = MONTH_PATTERN
DATE = re.compile(rf"\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b|\b\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?\b"
                  rf"|\b{MONTH}\s+\d{{4}}\b|\b(?:1[89]|20)\d{{2}}s?\b|\b{WEEKDAY_PATTERN}\b")
SPELLED = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
           r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|a dozen)"
           r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?\b")  # "one" is left out: it is rarely a count
NUMBER = re.compile(r"(?:[$£€]\s?)?(?:\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?|\b(?i:" + SPELLED + r"))"
                    r"(?:\s?(?:%|percent|per cent))?(?:\s+(?:million|billion|trillion|"
                    r"thousand|hundred))?(?:\s+(?!(?:and|or|of|the|to|in|on|a|an)\b)[a-z][a-z-]+)?")
CONNECTOR = r"(?:of|the|and|de|del|da|di|von|van|la|le|du|al|bin|&)"
CAPITAL = r"(?:[A-Z][\w'’.&-]*|\*[A-Z][\w'’-]*)"
NAME = re.compile(rf"{CAPITAL}(?:\s+(?:{CONNECTOR}\s+){{0,2}}{CAPITAL})*|[“\"‘'][^“”\"‘’']{{2,60}}[”\"’']")
CALENDAR = re.compile(rf"(?:{MONTH}|{WEEKDAY_PATTERN}|Today|Yesterday|Tomorrow)"
                      r"(?:\s+\d{1,4})*", re.I)
LEADING = re.compile(r"^(?:The|A|An|In|On|At|But|And|As|For|By|After|Before|When|While|If|This|That|These|Those|Its|"
                     r"His|Her|Their|Our|Former|New|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+")


@dataclass(frozen=True)
class Scorer:
    """A logistic model over named features, standardised as in fitting."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    bias: float
    threshold: float = 0.5

    def probability(self, features: Features) -> float:
        """P(yes) for these features, which must be the ones it was fit on (the same names, in the same order)."""
        if features.names() != self.names:
            raise WeightsMismatch(f"a scorer fit on {list(self.names)} was given {list(features.names())}")
        values = features.values()
        z = self.bias + sum(c * (f - m) / s for c, f, m, s in zip(self.coef, values, self.mean, self.scale))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


class WeightsMismatch(RuntimeError):
    """weights.json does not fit the features this code computes: a packaging error, fixed by refitting."""


_current: dict[str, Scorer] = {}
_features: dict[str, float] = {}  # the features' own settings (recency_days), from weights.json: fit with them


def scorers() -> dict[str, Scorer]:
    """The scorers of assistant/scoring/weights.json, read once and checked against the code's features."""
    if not _current:
        data = weights_file()
        check(data)
        _features.update(data["features"])
        use(data["scorers"])
    return _current


def weights_file() -> dict:
    """assistant/scoring/weights.json as written, unchecked (a refit starts from it even when a feature was added)."""
    return json.loads(resources.files("assistant.scoring").joinpath("weights.json").read_text(encoding="utf-8"))


def check(data: dict) -> None:
    if data.get("features", {}).get("version") != FEATURES_VERSION:
        raise WeightsMismatch(f"weights.json was fit on features version {data.get('features', {}).get('version')}, "
                              f"the code computes version {FEATURES_VERSION}: refit with benchmarks/fit_ranker.py")
    for name, names in FEATURES.items():
        if name not in data["scorers"]:
            raise WeightsMismatch(f"weights.json has no {name} scorer: fit it with benchmarks/{fitted_by(name)}.py")
        if tuple(data["scorers"][name]["names"]) != names:
            raise WeightsMismatch(f"weights.json's {name} scorer reads {data['scorers'][name]['names']}, the code "
                                  f"computes {list(names)}: refit with benchmarks/{fitted_by(name)}.py")


def fitted_by(name: str) -> str:
    """The benchmarks/ script that fits a scorer."""
    return "fit_reader" if name.startswith("read_") else "fit_folder" if name.startswith("folder_") else "fit_ranker"


def use(models: dict[str, dict]) -> None:
    """Score with these (name → names, mean, scale, coef, bias, threshold) from now on: how fitting tries them."""
    _current.update({name: Scorer(tuple(s["names"]), tuple(s["mean"]), tuple(s["scale"]), tuple(s["coef"]),
                                  s["bias"], s.get("threshold", 0.5)) for name, s in models.items()})


@contextmanager
def overridden(**replacements: Scorer) -> Iterator[None]:
    """Score with these scorers inside the block (tests, trials), the fitted ones again after it."""
    before = dict(scorers())
    _current.update(replacements)
    try:
        yield
    finally:
        _current.clear()
        _current.update(before)


def _feature_setting(name: str) -> float:
    return feature_settings()[name]


def feature_settings() -> dict[str, float]:
    """The features' own settings (recency_days) as weights.json gives them: what a refit must fit with. Read without
    checking the scorers, so a refit after a feature was added can feature the passages it fits on."""
    if not _features:
        _features.update(weights_file()["features"])
    return dict(_features)


def stems(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text)]


def idf_cover(asked: Asked, present: set[str]) -> float:
    return sum(asked.idf.get(t, 1.0) for t in asked.terms if t in present) / asked.weight


def passage_features(asked: Asked, text: str, title: str, section: str, cosine: float, dense_rank: int | None,
                     lexical_rank: int | None, first_chunk: bool, days_before: int | None) -> PassageFeatures:
    """What the passage scorer reads of a candidate chunk. `days_before`: how long before the --until date the
    document was published, when both are known ("this week" questions asked as of a date)."""
    words = stems(text)
    present, with_title = set(words), set(words) | set(stems(f"{title} {section}"))
    missing = [asked.idf.get(t, 1.0) for t in asked.terms if t not in with_title]
    top = max(asked.idf.values(), default=1.0)
    recent = 0.0 if days_before is None else math.exp(-max(0, days_before) / _feature_setting("recency_days"))
    return PassageFeatures(
        cosine=cosine, dense_rank=1.0 / dense_rank if dense_rank else 0.0,
        lexical_rank=1.0 / lexical_rank if lexical_rank else 0.0, idf_cover=idf_cover(asked, present),
        idf_cover_title=idf_cover(asked, set(stems(title))), rarest_missing=max(missing, default=0.0) / top,
        phrases=min(MAX_PHRASES, len(asked.phrases & set(zip(words, words[1:])))), first_chunk=float(first_chunk), recent=recent,
        dated=float(days_before is not None))


def sentence_features(asked: Asked, text: str, title: str, cosine: float, passage_similarity: float,
                      passage_rank: int, lead: bool) -> SentenceFeatures:
    words = stems(text)
    present, with_title = set(words), set(words) | set(stems(title))
    missing = [asked.idf.get(t, 1.0) for t in asked.terms if t not in with_title]
    top = max(asked.idf.values(), default=1.0)
    pairs = set(zip(words, words[1:]))
    return SentenceFeatures(
        cosine=cosine, passage_similarity=passage_similarity, passage_rank=1.0 / passage_rank,
        idf_cover=idf_cover(asked, present), idf_cover_title=idf_cover(asked, with_title),
        rarest_missing=max(missing, default=0.0) / top, phrases=min(MAX_PHRASES, len(asked.phrases & pairs)),
        type_match=float(type_match(asked, text)), lead=float(lead), length=math.log(1 + len(text)))


def type_match(asked: Asked, text: str) -> bool:
    """Does the sentence hold something of the kind asked for, beyond what the question says?"""
    return any(True for _ in spans(asked, text))


def spans(asked: Asked, text: str):
    """Candidate short answers in a sentence: names, numbers or dates (by what is asked), not the question's own."""
    if asked.kind == "statement":
        return
    pattern = {"number": NUMBER, "date": DATE}.get(asked.kind, NAME)
    for found in pattern.finditer(text):
        span = _trim(found.group(), asked)
        if span and not set(stems(span)) <= asked.words:
            yield span


def is_number(span: str) -> bool:
    return bool(re.search(r"\d", span) or re.search(r"\b" + SPELLED, span, re.I))


def _trim(span: str, asked: Asked) -> str:
    """A span without a leading article or opener, quotes, possessive or trailing punctuation, and without the
    question's own words at either end ("Salman of Riyadh" asked about Riyadh is "Salman")."""
    span = LEADING.sub("", span.strip().strip("“”\"‘’'*").strip()).rstrip(".,;:’'").strip()
    span = re.sub(r"['’]s$", "", span)
    words = span.split()
    while words and (stem(words[-1]) in asked.words or words[-1].lower() in STOPWORDS) and len(words) > 1:
        words.pop()
    while words and (stem(words[0]) in asked.words or words[0].lower() in STOPWORDS) and len(words) > 1:
        words.pop(0)
    span = " ".join(words)
    if not words or (len(words) == 1 and words[0].lower() in STOPWORDS):
        return ""
    if asked.kind == "number" and not is_number(span):
        return ""
    if asked.kind in ("name", "place") and CALENDAR.fullmatch(span):
        return ""  # "On Wednesday …" starts a sentence with a capital, not with a name
    return span


def span_features(asked: Asked, span: str, sentences: list[tuple[str, float]], titles: list[str]) -> SpanFeatures:
    """`sentences`: the ranked evidence (text, probability), best first, each holding the span or not."""
    holding = [(i, p) for i, (text, p) in enumerate(sentences) if span in text]
    text = sentences[holding[0][0]][0] if holding else ""
    return SpanFeatures(
        vote=sum(p for _, p in holding), best=max((p for _, p in holding), default=0.0), count=len(holding),
        in_top=float(bool(holding) and holding[0][0] == 0), in_title=float(any(span in t for t in titles)),
        near=_nearness(asked, span, text), type_ok=float(_type_ok(asked, span)), words=math.log(1 + len(span.split())),
        head_next=float(_head_next(asked, span, text)), spread=len({i for i, _ in holding}) / max(1, len(sentences)))


def _nearness(asked: Asked, span: str, text: str) -> float:
    words = stems(text)
    where = stems(text[: text.find(span)]) if span in text else []
    at = len(where)
    distances = [abs(i - at) for i, w in enumerate(words) if w in asked.terms]
    return 1.0 / (1 + min(distances)) if distances else 0.0


def _type_ok(asked: Asked, span: str) -> bool:
    if asked.kind == "number":
        return is_number(span)
    if asked.kind == "date":
        return bool(DATE.search(span))
    return span[:1].isupper() or span[:1] in "“\"‘'"


def _head_next(asked: Asked, span: str, text: str) -> bool:
    """'… the Buffalo Bills team …', '… the state of California …': the asked-for noun right by the span."""
    if not asked.head or span not in text:
        return False
    at = text.find(span)
    around = stems(text[max(0, at - 30):at]) [-3:] + stems(text[at + len(span):at + len(span) + 30])[:2]
    return asked.head in around
