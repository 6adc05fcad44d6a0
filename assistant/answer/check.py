"""Check each sentence of a draft answer against the evidence it cites; keep only what is supported."""

from __future__ import annotations

import re

import numpy as np

from assistant.config import GroundingSettings
from assistant.evidence.selection import lacks_what_is_asked, missing_names, name_matches
from assistant.ingest.chunking import sentence_bounds
from assistant.query.question import question_names
from assistant.scoring.fitted import is_number
from assistant.text.words import content_words, names, numbers, stem
from assistant.types import EmbedTexts, Evidence, SentenceCheck

MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
LEADING_MARKERS = re.compile(r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*\s*")
HOW_MANY = re.compile(r"\bhow many ([A-Za-z]+)", re.I)
TIME_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
WINDOW = re.compile(rf"\b(?:past|last|previous|next|coming|within|recent)\s+(\d[\d,.]*)\s+{TIME_UNIT}", re.I)
DURATION = re.compile(rf"\b(?:lasted|lasting|last|took|taking|for|spanned|spanning|ran|running)\s+(?:about\s+|"
                      rf"around\s+|over\s+|nearly\s+|almost\s+|more than\s+)?(\d[\d,.]*)\s+{TIME_UNIT}", re.I)
ATTRIBUTED = re.compile(r"\b(?:the|this|that|a)\s+(\w+)\s+(?:says|said|states|stated|reports|reported|notes|noted|"
                        r"claims|claimed|shows|showed|argues|argued)\b|\baccording to (?:the|this|that|a)\s+(\w+)", re.I)
# Kinds of document an answer may name as its source ("the memo says"): then it must cite that document. People
# ("the minister said") and words any document is ("the article", "the report") are not checked.
DOCUMENT_KINDS = {"memo", "memorandum", "note", "notes", "email", "letter", "brief", "briefing", "filing", "bulletin",
                  "newsletter", "minutes", "transcript", "survey", "study", "manual", "handbook", "policy", "contract",
                  "invoice", "spreadsheet", "slide", "slides", "presentation", "agenda", "draft", "appendix"}
COMPLETE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
NEGATION = re.compile(r"\b(not|no|never|neither|nor|without)\b|n't\b", re.I)


def split_sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    pieces = [text[start:end] for start, end in sentence_bounds(text)]
    # A marker written after the full stop ("... Gaza. [2] Then ...") belongs to the sentence before it.
    merged: list[str] = []
    for piece in pieces:
        leading = LEADING_MARKERS.match(piece)
        if merged and leading and leading.group():
            merged[-1] += " " + leading.group().strip()
            piece = piece[leading.end():]
        if piece.strip():
            merged.append(piece.strip())
    return merged


def markers(sentence: str) -> list[int]:
    return [int(n) for group in MARKER.findall(sentence) for n in re.split(r"[,;]\s*", group)]


def strip_markers(sentence: str) -> str:
    return MARKER.sub("", sentence).strip()


def support(sentence: str, evidence: list[Evidence], similarity: float,
            params: GroundingSettings = GroundingSettings()) -> tuple[bool, str]:
    """Is the sentence backed by this evidence? Every number and name must appear in it."""
    joined = " ".join(e.text for e in evidence)
    missing_numbers = numbers(sentence) - numbers(joined)
    if missing_numbers:
        return False, f"number not in evidence: {', '.join(sorted(missing_numbers))}"
    context = " ".join(filter(None, {e.title for e in evidence})) + " " + joined
    known = names(context) | set(content_words(context))
    missing = {n for n in names(sentence) if not any(name_matches(n, k) for k in known)}
    if missing:
        return False, f"name not in evidence: {', '.join(sorted(missing))}"
    if NEGATION.search(sentence) and not NEGATION.search(joined):
        return False, "negates what the evidence states"
    if reason := _window_as_duration(sentence, joined) or _misattributed(sentence, evidence):
        return False, reason
    words = set(content_words(sentence))
    if not words:
        return False, "no content to check"
    overlap = len(words & set(content_words(joined))) / len(words)
    if overlap >= params.min_overlap or (similarity >= params.min_similarity
                                         and overlap >= params.min_overlap_with_similarity):
        return True, f"overlap {overlap:.2f}, similarity {similarity:.2f}"
    return False, f"weak support: overlap {overlap:.2f}, similarity {similarity:.2f}"


def _window_as_duration(sentence: str, evidence: str) -> str | None:
    """ "The talks lasted 48 hours" from "meetings held in the past 48 hours": a time window is not a duration."""
    windows = {m.group(1) for m in WINDOW.finditer(evidence)}
    durations = {m.group(1) for m in DURATION.finditer(evidence)}
    for found in DURATION.finditer(sentence):
        if found.group(1) in windows - durations:
            return f"the evidence gives {found.group(1)} as a time window, not as how long something lasted"
    return None


def _misattributed(sentence: str, evidence: list[Evidence]) -> str | None:
    """ "The memo says …" must cite the memo: an attributed source must be the cited document (name or title)."""
    found = ATTRIBUTED.search(sentence)
    noun = (found.group(1) or found.group(2) or "").lower() if found else ""
    if noun not in DOCUMENT_KINDS:
        return None
    cited = " ".join(f"{e.source} {e.title or ''}" for e in evidence).lower()
    if stem(noun) not in {stem(w) for w in re.findall(r"[a-z]+", cited)}:
        return f"attributes it to the {noun}, but cites {', '.join(sorted({e.source for e in evidence}))}"
    return None


def check(question: str | None, draft: str, evidence: list[Evidence], embed: EmbedTexts,
          params: GroundingSettings = GroundingSettings()) -> list[SentenceCheck]:
    """Check every sentence; an uncited or wrongly cited sentence is re-cited to evidence that supports it.
    With no question (a summary), only support is checked, not relevance to a question."""
    by_id = {e.id: e for e in evidence}
    sentences = [s for s in split_sentences(draft) if strip_markers(s)]
    if not sentences or not evidence:
        return [SentenceCheck(text=strip_markers(s), cited=[], status="dropped", reason="no evidence")
                for s in sentences]
    plain = [strip_markers(s) for s in sentences]
    if all(e.vector is not None for e in evidence):  # selection already embedded them
        said = np.asarray(embed(plain), dtype=np.float32)
        known = np.asarray([e.vector for e in evidence], dtype=np.float32)
    else:
        vectors = np.asarray(embed(plain + [e.text for e in evidence]), dtype=np.float32)
        said, known = vectors[: len(plain)], vectors[len(plain):]
    similarity = said @ known.T  # sentence x evidence
    results = []
    for row, (sentence, text) in enumerate(zip(sentences, plain)):
        cited = [i for i in markers(sentence) if i in by_id]
        if question and (reason := _off_target(question, text)):
            results.append(SentenceCheck(text=text, cited=cited, status="dropped", reason=reason))
            continue
        results.append(_check_one(question, text, cited, evidence, similarity[row], params))
    return results


def check_statements(topic: str | None, draft: str, evidence: list[Evidence], embed: EmbedTexts, params: GroundingSettings,
                     min_content_words: int) -> list[SentenceCheck]:
    """A summary's check: each sentence as an answer's, and it must be a whole statement, not a fragment or a
    sentence the token limit cut off ("Donations", "… has announced that four wedding")."""
    return [_as_statement(c, min_content_words) if c.status == "supported" else c
            for c in check(topic, draft, evidence, embed, params)]


def _as_statement(sentence: SentenceCheck, min_content_words: int) -> SentenceCheck:
    if not COMPLETE.search(sentence.text):
        return sentence.model_copy(update={"status": "dropped", "reason": "cut off: no closing punctuation"})
    if len(set(content_words(sentence.text))) < min_content_words:
        return sentence.model_copy(update={"status": "dropped", "reason": "a fragment, not a statement"})
    return sentence


def _off_target(question: str, sentence: str) -> str | None:
    """Why a sentence cannot answer the question whatever it cites, or None."""
    asked, said = set(content_words(question)), set(content_words(sentence))
    if not said & asked:
        return "does not address the question"
    if not said - asked:
        return "only restates the question"
    if (counted := HOW_MANY.search(question)) and stem(counted.group(1)) not in said and is_number(sentence):
        return f"does not say how many {counted.group(1)}"
    return lacks_what_is_asked(question, sentence)


def on_topic(question: str, sentence: str, evidence: list[Evidence], min_share: float) -> tuple[bool, str]:
    """Is the evidence about what the sentence says about the question? Catches "the clinic cost 9 million"
    cited to a sentence about flood damage: right number, wrong subject."""
    context = " ".join(f"{e.title or ''}. {e.text}" for e in evidence)
    shared = set(content_words(sentence)) & set(content_words(question))
    if shared and len(shared & set(content_words(context))) / len(shared) < min_share:
        return False, "the evidence is about something else"
    asked = question_names(question)
    if asked and missing_names(asked, evidence) == asked:
        return False, f"the evidence does not mention {', '.join(sorted(asked))}"
    return True, ""


def _supports(question: str | None, text: str, evidence: list[Evidence], similarity: float,
              params: GroundingSettings) -> tuple[bool, str]:
    ok, reason = support(text, evidence, similarity, params)
    if ok and question:
        relevant, why = on_topic(question, text, evidence, params.min_topic_share)
        if not relevant:
            return False, why
    return ok, reason


def _check_one(question: str | None, text: str, cited: list[int], evidence: list[Evidence],
               similarity: np.ndarray, params: GroundingSettings) -> SentenceCheck:
    position = {e.id: column for column, e in enumerate(evidence)}
    closest_reason = None  # why the sentence failed: against what it cited, else against the closest evidence
    if cited:
        ok, closest_reason = _supports(question, text, [e for e in evidence if e.id in cited],
                                       max(float(similarity[position[i]]) for i in cited), params)
        if ok:
            return SentenceCheck(text=text, cited=cited, status="supported", reason=closest_reason)
    # Try each piece of evidence on its own, closest in meaning first.
    for column in np.argsort(-similarity):
        candidate = evidence[int(column)]
        ok, reason = _supports(question, text, [candidate], float(similarity[column]), params)
        if ok:
            return SentenceCheck(text=text, cited=[candidate.id], status="supported",
                                 reason=f"re-cited to [{candidate.id}]: {reason}")
        closest_reason = closest_reason or reason
    return SentenceCheck(text=text, cited=cited, status="dropped", reason=closest_reason)
