"""What a question asks: its key terms and how rare each is in the indexed documents, its two-word phrases, and the
kind of answer it wants (a name, a number, a date, a place, or a longer statement)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from assistant.text.calendar import CALENDAR_WORDS
from assistant.text.words import STOPWORDS, content_words, names, stem

# Words that frame a question rather than say what it is about ("Which company announced this week …?").
FRAME_WORDS = frozenset(stem(w) for w in """week weeks recently recent announce announced new year years report
reported reportedly name named latest called known become became time times accord according agree agreed talk
talks say said position view views discuss discussed mention mentioned happen happened think want include describe
express expressed decide decided do make made""".split())
AnswerKind = Literal["name", "number", "date", "place", "statement"]  # what a question asks for
KINDS: list[tuple[AnswerKind, str]] = [  # (kind, pattern): the first that matches wins
    ("number", r"\bhow (?:many|much|old|long|far|big|large|high|tall|deep)\b|\bwhat (?:percentage|percent|number|"
               r"share|amount|age)\b|\bby how much\b|\b(?:what|which)(?: \w+)? (?:number|figure|amount|total)\b"),
    ("date", r"\bwhen\b|\b(?:what|which) (?:year|date|day|weekday|month|decade)\b"),
    ("place", r"\bwhere\b|\b(?:what|which|in which|from which) (?:country|state|city|town|region|province|nation|"
              r"capital|continent|island|county|territory)\b"),
    ("name", r"\bwho(?:m|se)?\b|\b(?:what|which|in which|from which|for which|to which|with which|by which)\s+"
             r"(?!(?:of|is|are|was|were|do|does|did|has|have|had|will|would|can|could|should)\b)\w+"),
]
# "Which X" asks for a name unless X is an abstract thing ("In which fields did they agree?"). Read off the 2023 dev
# quizzes, where fewer than half the right answers to these heads are capitalised; "type", "kind" and "item" were
# in the list too, and cost three dev answers ("Which type of recalled food …?" is answered by naming one).
DESCRIBED_HEADS = frozenset(stem(w) for w in """field area sector aspect issue cause measure term change step way topic
subject problem reason condition symptom""".split())


@dataclass
class Asked:
    """A question, analysed once for ranking sentences and finding its short answer."""

    text: str
    terms: list[str]  # stemmed key terms, frame words out
    idf: dict[str, float]  # how telling each term is: rare in the index = high
    phrases: set[tuple[str, str]]  # adjacent key-term pairs ("outer space")
    kind: AnswerKind
    head: str | None  # what a "which X" question asks for ("team", "company"), stemmed
    words: set[str] = field(default_factory=set)  # every stemmed word of the question, for answers that repeat it

    @property
    def weight(self) -> float:
        return sum(self.idf.get(t, 1.0) for t in self.terms) or 1.0


def analyse(question: str, frequencies: Callable[[list[str]], tuple[dict[str, int], int]] | None = None) -> Asked:
    """`frequencies(terms)` gives each term's document frequency and the number of chunks (the index's own counts)."""
    terms = [t for t in dict.fromkeys(content_words(question)) if t not in FRAME_WORDS]
    counts, total = frequencies(terms) if frequencies else ({}, 0)
    idf = {t: math.log((total + 1) / (counts.get(t, 0) + 1)) + 1.0 if total else 1.0 for t in terms}
    kind, head = kind_of(question)
    stems = [stem(w) for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", question) if w.lower() not in STOPWORDS]
    phrases = {(a, b) for a, b in zip(stems, stems[1:]) if a in terms and b in terms}
    words = {stem(w) for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", question)}
    return Asked(question, terms, idf, phrases, kind, head, words)


def kind_of(question: str) -> tuple[AnswerKind, str | None]:
    """The kind of answer wanted and, for "which X", the X (stemmed). Only the question's last sentence counts:
    quizzes set the scene first ("X happened this week. Which team …?")."""
    last = re.split(r"(?<=[.!?])\s+(?=[A-Z])", question.strip())[-1]
    for kind, pattern in KINDS:
        found = re.search(pattern, last, re.I)
        if found:
            head = re.search(r"\b(?:what|which)\s+(\w+)", last, re.I)
            stemmed = stem(head.group(1)) if head and kind != "number" else None
            if kind == "name" and stemmed in DESCRIBED_HEADS and not re.search(r"\bwho", last, re.I):
                return "statement", stemmed
            return kind, stemmed
    return "statement", None


def question_names(question: str) -> set[str]:
    """The names a question asks about (the calendar's capitalised words are not names)."""
    return {n for n in names(question) if n not in CALENDAR_WORDS}
