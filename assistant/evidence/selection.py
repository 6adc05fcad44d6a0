"""Pick the sentences of the retrieved passages most likely to hold the answer; text planted for an AI is set aside."""

from __future__ import annotations

import re

import numpy as np

from assistant.config import EvidenceSettings
from assistant.evidence import reading
from assistant.evidence.planted import is_planted
from assistant.query.question import Asked
from assistant.scoring.fitted import is_number, scorers, sentence_features
from assistant.text.calendar import CALENDAR_WORDS
from assistant.text.words import CLOSED, FIELD, LIST_ITEM, SENTENCE_END, TABLE_ROW, content_words, names, numbers
from assistant.types import EmbedTexts, Evidence, Passage

# What kind of answer a question wants; evidence of that kind ranks higher, and answers must contain it.
ASKS_QUANTITY = re.compile(r"\bhow (much|many|long|old|far|large|big|high)\b|\bwhat (percentage|share|number)\b", re.I)
ASKS_PERSON = re.compile(r"^\s*(who|whom)\b|\bwith whom\b", re.I)
ASKS_TIME = re.compile(r"^\s*when\b|\bwhat (date|day|year|time)\b", re.I)
TIME_WORDS = CALENDAR_WORDS | {"today", "yesterday", "tomorrow", "day", "days", "week", "month", "year", "weeks", "months",
                               "years", "summer", "winter", "spring", "autumn"}


def sentences_of(passage: Passage, min_words: int = EvidenceSettings().min_words,
                 records: dict[int, str] | None = None) -> list[Evidence]:
    """The passage's sentences with their own line numbers and section (from the spans stored at ingest). `records`:
    records_of(passage), when the caller has it already."""
    found = []
    records = records_of(passage) if records is None else records
    for span in passage.sentence_spans():
        text = span.cut(passage.text)
        if long_enough(text, min_words, span.first_line in records) and not is_heading(text, span.section,
                                                                                      passage.title):
            found.append(Evidence(id=0, text=text, source=passage.source, start_line=span.first_line,
                                  end_line=span.last_line, score=0.0, title=passage.title, page=passage.page,
                                  section=span.section))
    return found


def long_enough(text: str, min_words: int, in_record: bool = False) -> bool:
    """At least `min_words` words; a list item ("- 2 eggs", under its heading "Ingredients") is a deliberate fact
    however short, so two words after its marker do; a field line takes three ("Overall status: Amber", not a
    bare "Date: 2022-11-08" header), or two among the other fields of its record ("Amount: €1,305.00")."""
    item = LIST_ITEM.match(text)
    if item:
        return len(text[item.end():].split()) >= min(2, min_words)
    if FIELD.match(text):
        return len(text.split()) >= min(2 if in_record else 3, min_words)
    return len(text.split()) >= min_words


def is_record(text: str) -> bool:
    """A list item, a table row or a field that is no sentence ("Attendees: Anna Reyes, Tom Becker"): a note's
    record, not the lead of a story, so the news-fit bonus for a document's first sentences is not its. (A news
    lead may open with a label: "Montgomery: Lawmakers have voted …" ends as a sentence.)"""
    field = FIELD.match(text) and not SENTENCE_END.search(text)
    return bool(LIST_ITEM.match(text) or TABLE_ROW.match(text) or field)


def is_heading(text: str, section: str | None, title: str | None) -> bool:
    """A heading, a title or a label, not a sentence: its section's heading, the document's title line, a section
    label, or the title itself (a title that is a whole sentence, ending in a full stop, is one)."""
    return text == section or _title_line(text, title) or _label(text) or (text == title and not text.endswith("."))


def _title_line(text: str, title: str | None) -> bool:
    """A document's title line with what the header puts after it ("… funding date 2024-11-14"): it names the
    document and says nothing a sentence does."""
    return bool(title) and text.startswith(title or "") and not re.search(r"[.!?][\"”’']?$", text)


def _label(text: str, most_words: int = 6) -> bool:
    """A section label or credit line ("Russia & Former Soviet Union", "Contributing: The Associated Press"): a few
    words, none of them lower case, with no closing punctuation. Headlines have small words and stay; so does a
    field with a figure ("Date: 14 March 2024")."""
    words = text.split()
    return (len(words) <= most_words and not CLOSED.search(text) and not any(w[:1].islower() for w in words)
            and not any(c.isdigit() for c in text))


def candidates(asked: Asked, passages: list[Passage], embed: EmbedTexts, params: EvidenceSettings = EvidenceSettings(),
               set_aside: list[Evidence] | None = None) -> list[Evidence]:
    """Every sentence of the retrieved passages, once, with the features its ranking reads, but for passages scored
    far below the best (`passage_share`). Text planted for an AI is never a candidate; it goes to `set_aside` so
    the answer can say it was there."""
    found: list[tuple[Evidence, Passage, int, bool, str]] = []
    seen: set[tuple] = set()
    floor = params.passage_share * max((p.score for p in passages), default=0.0)
    for rank, passage in enumerate(passages, start=1):
        if passage.score < floor:
            continue  # keeps its rank: the others' features are as the scorers were fit on
        first_chunk = passage.chunk_id.endswith("-00000")
        records = records_of(passage)
        for position, sentence in enumerate(sentences_of(passage, params.min_words, records)):
            key = (sentence.source, sentence.page, sentence.start_line, sentence.text)
            if key in seen:
                continue
            seen.add(key)
            if is_planted(sentence.text):
                if set_aside is not None:
                    set_aside.append(sentence)
                continue
            found.append((sentence, passage, rank, first_chunk and position < 2 and not is_record(sentence.text),
                          records.get(sentence.start_line, "")))
    if not found:
        return []
    vectors = np.asarray(embed([asked.text] + [s.text for s, *_ in found]), dtype=np.float32)
    for (sentence, passage, rank, lead, record), vector in zip(found, vectors[1:]):
        sentence.vector = vector.tolist()
        sentence.similarity = float(vector @ vectors[0])
        # A sentence's heading is its context as the title is ("Pests" over "Aphids are controlled with …"), and so
        # are the other fields of its record ("Amount: €1,305.00" under "Client: Oakridge Games Ltd").
        context = " ".join(filter(None, [sentence.title, sentence.section, record]))
        sentence.features = sentence_features(asked, sentence.text, context, sentence.similarity,
                                              passage.similarity, rank, lead)
    return [sentence for sentence, *_ in found]


def records_of(passage: Passage) -> dict[int, str]:
    """The context a record gives its lines, by first line: each field of a run of field lines on consecutive lines
    ("Client: Ferrante Wines", "Job: …", "Amount: €132.00") gets the text of the other fields, each row of a table
    its header row ("| Size | 68 m² | 74 m² | 61 m² |" under "| | Flat A … | Flat B … | Flat C … |"; the rule row
    between them is blank). Fields too short or too label-like to be evidence still say what the record is about."""
    fields: list[list[tuple[int, int, str]]] = []
    tables: list[list[tuple[int, int, str]]] = []
    for span in passage.sentence_spans():
        text = span.cut(passage.text)
        runs, gap = (fields, 1) if FIELD.match(text) else (tables, 2) if TABLE_ROW.match(text) else (None, 0)
        if runs is None:
            continue
        if runs and runs[-1][-1][1] + gap >= span.first_line:
            runs[-1].append((span.first_line, span.last_line, text))
        else:
            runs.append([(span.first_line, span.last_line, text)])
    context = {first: " ".join(other for start, _, other in run if start != first)
               for run in fields if len(run) > 1 for first, _, _ in run}
    context.update({first: run[0][2] for run in tables for first, _, _ in run[1:]})
    return context


def rank(found: list[Evidence], limit: int, folder: bool = False) -> list[Evidence]:
    """The `limit` sentences most likely to hold the answer, numbered 1..n: the fitted sentence scorer, stacked with
    the reader's view of the sentence when the reader read it; in a small `folder`, the scorer fit on small folders
    from both (folder_sentence)."""
    words, read, small = scorers()["sentence"], scorers()["read_sentence"], scorers()["folder_sentence"]
    for sentence in found:
        if folder and sentence.reading is not None:
            score = small.probability(reading.folder_features(sentence))
        else:
            score = words.probability(sentence.ranked_by())
            if sentence.reading is not None:
                score = read.probability(reading.sentence_features(sentence, score))
        sentence.score = round(score, 4)
    best = sorted(found, key=lambda e: e.score, reverse=True)[:limit]
    return [e.model_copy(update={"id": number}) for number, e in enumerate(best, start=1)]


def lacks_what_is_asked(question: str, sentence: str) -> str | None:
    """Why the sentence cannot give the kind of thing asked for (a number, a person, a time), or None."""
    if ASKS_QUANTITY.search(question) and not is_number(sentence):  # "five hours" is a figure
        return "gives no number, and the question asks for one"
    if ASKS_PERSON.search(question) and not names(sentence) - names(question):
        return "names no one, and the question asks who"
    if ASKS_TIME.search(question) and not mentions_time(sentence):
        return "gives no date or time, and the question asks when"
    return None


def mentions_time(text: str) -> bool:
    return bool(numbers(text)) or bool(TIME_WORDS & {w.lower() for w in re.findall(r"[A-Za-z]+", text)})


def missing_names(asked: set[str], evidence: list[Evidence]) -> set[str]:
    """The names asked about that no evidence sentence or its title mentions (Russia matches Russian)."""
    context = " ".join(f"{e.title or ''}. {e.text}" for e in evidence)
    mentioned = set(content_words(context)) | names(context)
    return {n for n in asked if not any(name_matches(n, m) for m in mentioned)}


def name_matches(name: str, word: str) -> bool:
    return name == word or (min(len(name), len(word)) >= 4 and (word.startswith(name) or name.startswith(word)))
