"""RealTimeQA news quizzes as a benchmark: load weeks, write a corpus, judge answerability, label sentences, score."""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.evaluation.phrases import NUMBER_WORDS, needle, normalize, padded, tokens
from assistant.ingest.chunking import sentence_bounds
from assistant.text.calendar import MONTH_NAMES as MONTHS_IN_FULL
from benchmarks.scoring import states_answer as states_answer  # the scorer, re-exported for older callers
from benchmarks.scoring import verdict as verdict

USAGE = """
    python benchmarks/realtimeqa.py stats --repo DIR --year 2023 [--weeks all] [--per-week] [--chunker]
    python benchmarks/realtimeqa.py build --repo DIR --year 2023 --out benchmarks/out/rtqa-2023

DIR is the bare git dir of github.com/realtimeqa/realtimeqa_public: the data is read at run time with
`git show` and never stored in this repository. 2023 is the development set, 2024 the held-out set; no
other year is accepted. --weeks: N (the year's first N weeks), START:STOP:STEP (a slice of the year's
weeks, "::2" = every other week) or YYYYMMDD,YYYYMMDD,... The design is in benchmarks/REALTIMEQA.md.
"""
YEARS = {2023: "development", 2024: "held-out"}
DEFAULT_MAX_CHARS = 12000  # answers sit early; live blogs run to 100,000 characters
CHARS_PER_CHUNK = 650
LEAVE_OUT_SEED = "realtimeqa-leave-out-v1"
LEAVE_OUT_SHARE = 2  # one answerable question in two is left out (when few documents hold its answer)
RARE_DF = 0.05  # a question word is rare when at most this share of the corpus' documents holds it
BOOLEAN_CHOICES = {"true", "false", "yes", "no"}
META_CHOICES = {"all of the above", "none of the above", "both", "neither", "all of them", "none of them"}
MIN_KEYS = 2  # question key words an answer sentence must hold under the "sentence" rule
SMALL_NUMBER = 20  # a bare count up to this ("4", "Four") is in almost any article: finding it proves nothing
MANY_KEYS = 3  # a sentence with no rare key word counts only when it holds this many

STOPWORDS = frozenset("""
a an the of in on at to for from by with as and or but nor not no is are was were be been being am has have had
do does did this that these those it its it's he she they them his her their our we you your i me my him who whom
whose which what when where why how than then there here so such into onto over under about after before during
up down out off all any both each few more most other some same only own too very can could will would shall
should may might must also just one s t
""".split())
# Quiz boilerplate: frequent in questions, says nothing about the answer.
QUIZ_WORDS = frozenset("""
week weeks recently recent announced announce new year years according reportedly named latest first last
following called known former current currently become became time times people said says report reports
many much type kind name
""".split())
# ---------------------------------------------------------------- normalising and matching


def contains(haystack_padded: str, phrase: str) -> bool:
    """Whether the normalised phrase occurs in the padded normalised haystack on word boundaries."""
    pattern = needle(phrase)
    return bool(pattern) and pattern in haystack_padded


def content_words(text: str) -> list[str]:
    """Distinct tokens that are not stop words, in order; a text of stop words only keeps all its tokens."""
    words = list(dict.fromkeys(tokens(text)))
    kept = [w for w in words if w not in STOPWORDS]
    return kept or words


def stem(word: str) -> str:
    """A crude suffix strip so 'recalls', 'recalled' and 'recall' meet (comparing words, never matching choices)."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


# ---------------------------------------------------------------- scoring
# The scorer (states_answer, verdict) lives in benchmarks/scoring.py, imported above: a choice is stated as a
# contiguous phrase inside one sentence, numbers with their units and magnitudes. `states` below is NOT the scorer.


def _roots(text: str) -> list[str]:
    return list(dict.fromkeys(stem(w) for w in content_words(text)))


def states(answer_text: str, choice: str, threshold: float = 0.8) -> bool:
    """The text holds at least 80% of the choice's content words anywhere (a one-word choice whole), by stem.

    A loose word-overlap test, kept for flagging near misses (a paraphrase-like sentence holding most of the answer's
    words, training/reader/data.py); it is the pre-issue-21 scorer and too lax to score answers with: use
    states_answer (benchmarks/scoring.py)."""
    words = _roots(choice)
    present = {stem(w) for w in tokens(answer_text)}
    return bool(words) and sum(w in present for w in words) / len(words) >= threshold


# ---------------------------------------------------------------- sentences


def split_sentences(text: str) -> list[str]:
    """Sentences of each non-blank line (a line is a paragraph in these articles)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return [line[a:b].strip() for line in lines for a, b in sentence_bounds(line) if line[a:b].strip()]


def small_number(choice: str) -> bool:
    """A bare count like "4" or "Four" (no unit, no currency)."""
    words = tokens(choice)
    bare = len(words) == 1 and words[0].isdigit() and not re.search(r"[$£€%]", choice)
    return bare and int(words[0]) <= SMALL_NUMBER


# ---------------------------------------------------------------- data


@dataclass
class Question:
    id: str
    week: str
    date: str
    source: str
    question: str
    choices: list[str]
    answer_index: int
    evidence: str
    hits: list[str] = field(default_factory=list)  # document ids, in search-rank order

    @property
    def answer(self) -> str:
        return self.choices[self.answer_index]

    @property
    def wrong(self) -> list[str]:
        return [c for i, c in enumerate(self.choices) if i != self.answer_index]

    @property
    def matchable(self) -> bool:
        """False for true/false quizzes, "all of the above" and small bare counts: finding their text proves nothing."""
        return not (self.boolean or normalize(self.answer) in META_CHOICES or small_number(self.answer))

    @property
    def boolean(self) -> bool:
        return {normalize(c) for c in self.choices} <= BOOLEAN_CHOICES


@dataclass
class Document:
    id: str
    url: str
    title: str
    text: str
    publish_date: str | None
    weeks: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # other URLs with the identical text

    @cached_property
    def sentences(self) -> list[str]:
        """Sentence 0 is the title (as the corpus file writes it); then the article's sentences, line by line."""
        return [display_title(self.title)] + split_sentences(self.text)

    @cached_property
    def padded_sentences(self) -> list[str]:
        return [padded(s) for s in self.sentences]

    @cached_property
    def padded_text(self) -> str:
        return padded(self.title + "\n" + self.text)

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(self.padded_text.split())

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(stem(w) for w in self.words)


@dataclass
class Dataset:
    year: int
    weeks: list[str]
    questions: list[Question]
    documents: dict[str, Document]
    skipped: dict[str, int] = field(default_factory=dict)  # questions and distinct hit URLs dropped, by reason

    @cached_property
    def postings(self) -> dict[str, list[str]]:
        """Word -> ids of the documents holding it."""
        index: dict[str, list[str]] = {}
        for doc in self.documents.values():
            for word in doc.words:
                index.setdefault(word, []).append(doc.id)
        return index

    @cached_property
    def stem_postings(self) -> dict[str, list[str]]:
        """Stem -> ids of the documents holding it."""
        index: dict[str, list[str]] = {}
        for doc in self.documents.values():
            for root in doc.stems:
                index.setdefault(root, []).append(doc.id)
        return index

    @cached_property
    def stem_freq(self) -> dict[str, int]:
        return {root: len(ids) for root, ids in self.stem_postings.items()}

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def docs_holding(self, phrase: str, among: set[str] | None = None) -> list[str]:
        """Ids of documents whose text holds the phrase (normalised, on word boundaries)."""
        words = normalize(phrase).split()
        if not words:
            return []
        rarest = min(words, key=lambda w: len(self.postings.get(w, ())))
        return [d for d in self.postings.get(rarest, [])
                if (among is None or d in among) and contains(self.documents[d].padded_text, phrase)]


def git_show(repo: Path, path: str) -> str:
    """A file of the snapshot's HEAD, read from the bare git dir (nothing is checked out)."""
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, text=True,
                          check=True).stdout


def year_weeks(repo: Path, year: int) -> list[str]:
    """The year's weeks (YYYYMMDD) that have both questions and search hits."""
    _check_year(year)
    names = subprocess.run(["git", "-C", str(repo), "ls-tree", "--name-only", f"HEAD:past/{year}/"],
                           capture_output=True, text=True, check=True).stdout.split()
    qa = {n[:8] for n in names if n.endswith("_qa.jsonl")}
    return sorted(n[:8] for n in names if n.endswith("_gcs.jsonl") and n[:8] in qa)


def select_weeks(all_weeks: list[str], spec: str | None) -> list[str]:
    """N (first N), START:STOP:STEP (a slice), or YYYYMMDD,YYYYMMDD,...; None or 'all' = every week."""
    if spec is None or spec == "all":
        return list(all_weeks)
    if spec.isdigit() and len(spec) != 8:
        return all_weeks[: int(spec)]
    if ":" in spec:
        parts = [int(p) if p else None for p in spec.split(":")]
        return all_weeks[slice(*parts)]
    chosen = [w.strip() for w in spec.split(",") if w.strip()]
    unknown = [w for w in chosen if w not in all_weeks]
    if unknown:
        raise ValueError(f"no such weeks: {', '.join(unknown)}")
    return chosen


def _check_year(year: int) -> None:
    if year not in YEARS:
        raise ValueError(f"year {year} is not used: 2023 is the development set, 2024 the held-out set")


def strip_html(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


def iso_date(value: str | None) -> str | None:
    """'2023/01/05' or '2023-01-05...' -> '2023-01-05'; anything else -> None."""
    match = re.match(r"\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})", value or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def url_id(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def _text_key(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load(repo: Path, year: int, weeks: list[str] | None = None, max_chars: int | None = None) -> Dataset:
    """Questions and their search hits for the chosen weeks, hits deduplicated by URL and by identical text.

    `max_chars` cuts each article at its last line break before that many characters (live blogs run to 100,000).
    """
    _check_year(year)
    weeks = list(weeks) if weeks is not None else year_weeks(repo, year)
    dataset = Dataset(year=year, weeks=weeks, questions=[], documents={})
    by_text: dict[str, str] = {}
    by_url: dict[str, str | None] = {}  # None: skipped
    seen: set[str] = set()
    for week in weeks:
        rows = _jsonl(git_show(repo, f"past/{year}/{week}_gcs.jsonl"))
        hits = {row["question_id"]: row["search_result"] for row in rows}
        for row in _jsonl(git_show(repo, f"past/{year}/{week}_qa.jsonl")):
            question = _question(row, week)
            keys = {question.id, normalize(question.question) + " => " + normalize(question.answer)}
            if keys & seen:  # some weeks list a question twice, and some quizzes repeat one
                dataset.skipped["repeated question"] = dataset.skipped.get("repeated question", 0) + 1
                continue
            seen |= keys
            for hit in hits.get(question.id, []):
                doc_id = _add_hit(dataset, hit, by_url, by_text, max_chars)
                if doc_id:
                    _link(dataset.documents[doc_id], question, week)
            dataset.questions.append(question)
    return dataset


def _question(row: dict, week: str) -> Question:
    return Question(id=row["question_id"], week=week, date=iso_date(row.get("question_date")) or "",
                    source=row.get("question_source", ""), question=strip_html(row["question_sentence"]),
                    choices=[strip_html(c) for c in row["choices"]], answer_index=int(row["answer"][0]),
                    evidence=strip_html(row.get("evidence") or ""))


def _add_hit(dataset: Dataset, hit: dict, by_url: dict[str, str | None], by_text: dict[str, str],
             max_chars: int | None = None) -> str | None:
    url, text = hit.get("url") or "", (hit.get("text") or "").replace("\r\n", "\n").replace("\r", "\n")
    text = cut(text.strip(), max_chars)
    if url in by_url:
        return by_url[url]
    reason = "empty text" if not text.strip() else "quiz page" if _is_quiz_page(url, hit.get("title") or "") else None
    if reason:
        dataset.skipped[reason] = dataset.skipped.get(reason, 0) + 1
        by_url[url] = None  # counted once
        return None
    key = _text_key(text)
    if key in by_text:
        by_url[url] = by_text[key]
        dataset.documents[by_text[key]].aliases.append(url)
        return by_text[key]
    doc = Document(id=url_id(url), url=url, title=" ".join((hit.get("title") or "").split()), text=text.strip(),
                   publish_date=iso_date(hit.get("publish_date")))
    dataset.documents[doc.id] = doc
    by_url[url] = by_text[key] = doc.id
    return doc.id


def cut(text: str, max_chars: int | None) -> str:
    """The text up to its last line break before max_chars (or a hard cut when a single line is longer)."""
    if max_chars is None or len(text) <= max_chars:
        return text
    end = text.rfind("\n", 0, max_chars)
    return text[: end if end > 0 else max_chars].rstrip()


def _is_quiz_page(url: str, title: str) -> bool:
    """A news-quiz page among the hits may hold the questions and their answers: never part of the corpus."""
    return "quiz" in url.lower() or "quiz" in title.lower()


def _link(doc: Document, question: Question, week: str) -> None:
    if doc.id not in question.hits:
        question.hits.append(doc.id)
    if question.id not in doc.questions:
        doc.questions.append(question.id)
    if week not in doc.weeks:
        doc.weeks.append(week)


# ---------------------------------------------------------------- answerability

RULES = ("anywhere", "own-hit", "sentence")
RULE_NOTES = {
    "anywhere": "the right choice occurs in some indexed document",
    "own-hit": "the right choice occurs in one of the question's own indexed search hits",
    "sentence": f"a sentence of an own hit holds the right choice and >= {MIN_KEYS} question key words (one rare, "
                f"or >= {MANY_KEYS}), and no wrong choice has such a sentence holding more",
}
CHOSEN_RULE = "sentence"


@dataclass(frozen=True)
class Support:
    """The best sentence for one choice among a question's hits: how many question key words it holds."""

    keys: int = 0
    rare: int = 0
    doc_id: str | None = None
    index: int = -1


@dataclass
class Judgement:
    question_id: str
    matchable: bool
    docs_anywhere: list[str]
    docs_own: list[str]
    wrong_in_doc: bool
    wrong_in_sentence: bool
    right: Support
    wrong: Support

    @property
    def rules(self) -> dict[str, bool]:
        return {"anywhere": self.matchable and bool(self.docs_anywhere),
                "own-hit": self.matchable and bool(self.docs_own),
                "sentence": self.matchable and self.right.keys >= MIN_KEYS and self.right.keys >= self.wrong.keys}

    @property
    def answerable(self) -> bool:
        return self.rules[CHOSEN_RULE]


def key_words(dataset: Dataset, question: Question, share: float = RARE_DF) -> dict[str, bool]:
    """The question's stemmed content words that are no quiz boilerplate and name no choice -> whether rare."""
    limit = share * len(dataset.documents)
    in_choices = {stem(w) for c in question.choices for w in tokens(c)}
    keys: dict[str, bool] = {}
    for word in content_words(question.question):
        root = stem(word)
        if word in QUIZ_WORDS or root in QUIZ_WORDS or root in in_choices or word in STOPWORDS:
            continue
        if frequency := dataset.stem_freq.get(root, 0):
            keys[root] = frequency <= limit
    return keys


def sentence_keys(padded_sentence: str, keys: dict[str, bool]) -> tuple[int, int]:
    """(key words, rare key words) a sentence holds."""
    roots = {stem(w) for w in padded_sentence.split()}
    found = [k for k in keys if k in roots]
    return len(found), sum(keys[k] for k in found)


def support(dataset: Dataset, choice: str, doc_ids: list[str], keys: dict[str, bool]) -> Support:
    """The sentence (with a rare key word, or many) holding the choice and the most key words, among the documents."""
    best = Support()
    for doc_id in doc_ids:
        doc = dataset.documents[doc_id]
        if not contains(doc.padded_text, choice):
            continue
        for index, sentence in enumerate(doc.padded_sentences):
            if contains(sentence, choice):
                found, rare = sentence_keys(sentence, keys)
                if (rare or found >= MANY_KEYS) and found > best.keys:
                    best = Support(found, rare, doc_id, index)
    return best


def judge(dataset: Dataset, question: Question, indexed: set[str] | None = None) -> Judgement:
    """How the question stands against the indexed documents (all by default), under every rule."""
    indexed = set(dataset.documents) if indexed is None else indexed
    own_hits = [d for d in question.hits if d in indexed]
    own = dataset.docs_holding(question.answer, set(own_hits))
    keys = key_words(dataset, question)
    wrong = [support(dataset, w, own_hits, keys) for w in question.wrong]
    return Judgement(
        question_id=question.id, matchable=question.matchable,
        docs_anywhere=dataset.docs_holding(question.answer, indexed), docs_own=own,
        wrong_in_doc=any(contains(dataset.documents[d].padded_text, w) for d in own for w in question.wrong),
        wrong_in_sentence=any(contains(s, w) for d in own for s in dataset.documents[d].padded_sentences
                              if contains(s, question.answer) for w in question.wrong),
        right=support(dataset, question.answer, own_hits, keys), wrong=max(wrong, key=lambda s: s.keys))


# ---------------------------------------------------------------- the unanswerable split

DISTINCT_DF = 0.01  # a word of the right choice this rare (share of documents) gives the answer away on its own
MAX_LEFT_OUT = 8  # a question is left out only when this few documents hold its answer (else the corpus is gutted)
NATURAL_SHARE = 1  # every question whose own hits lack the answer (and pass the checks) is naturally unanswerable
MIN_NATURAL_HITS = 3  # ... when it has this many hits: related documents the assistant must not be fooled by
MAX_NATURAL_WORDS = 3  # ... and a short answer (a name, a number): a long descriptive one is often paraphrased


@dataclass
class Split:
    """Which documents are indexed, and what each benchmark question is against them."""

    indexed: set[str]
    answerable: list[str]  # question ids answerable from the indexed documents (chosen rule)
    left_out: dict[str, list[str]]  # unanswerable by design: question id -> documents withheld for it
    natural: list[str]  # unanswerable as found: own hits indexed, none holds the answer, nor does any indexed doc
    lost: list[str]  # answerable on the full corpus, no longer once the withheld documents are gone
    judgements: dict[str, Judgement]  # every question, against the indexed documents

    @property
    def unanswerable(self) -> list[str]:
        return list(self.left_out) + self.natural


def picked(question_id: str, share: int, seed: str = LEAVE_OUT_SEED) -> bool:
    """One question in `share`, by a fixed seeded hash of its id (independent of the weeks chosen)."""
    return int(hashlib.sha256(f"{seed}:{question_id}".encode()).hexdigest(), 16) % share == 0


def own_words(question: Question) -> list[str]:
    """Stems of the right choice's content words that neither the question nor a wrong choice uses."""
    others = {stem(w) for text in [question.question] + question.wrong for w in tokens(text)}
    return [root for root in dict.fromkeys(stem(w) for w in content_words(question.answer))
            if root not in others and root not in STOPWORDS]


def answer_docs(dataset: Dataset, question: Question, among: set[str]) -> set[str]:
    """Documents (of those given) holding the answer: its right choice, a rare word only it has, or all its words."""
    found = set(dataset.docs_holding(question.answer, among))
    limit = DISTINCT_DF * len(dataset.documents)
    for root in own_words(question):
        if dataset.stem_freq.get(root, 0) <= limit:
            found |= set(dataset.stem_postings.get(root, ())) & among
    roots = {stem(w) for w in content_words(question.answer)}
    holding_all = set.intersection(among, *(set(dataset.stem_postings.get(r, ())) for r in roots)) - found
    for doc_id in holding_all:
        if any(roots <= {stem(w) for w in s.split()} for s in dataset.documents[doc_id].padded_sentences):
            found.add(doc_id)
    return found


def near(word: str, other: str) -> bool:
    """Same stem, or one edit apart when both are long (a misspelt place name)."""
    if stem(word) == stem(other):
        return True
    if min(len(word), len(other)) < 6 or abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        return sum(a != b for a, b in zip(word, other)) == 1
    short, long = sorted((word, other), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def hints_answer(dataset: Dataset, question: Question, doc_ids: list[str]) -> bool:
    """Some sentence names a word only the right choice has (or a near spelling) beside two question key words."""
    own = own_words(question)
    keys = key_words(dataset, question)
    for doc_id in doc_ids:
        for sentence in dataset.documents[doc_id].padded_sentences:
            if sentence_keys(sentence, keys)[0] >= 2 and any(near(a, w) for a in own for w in set(sentence.split())):
                return True
    return False


def split(dataset: Dataset, share: int = LEAVE_OUT_SHARE, max_left_out: int = MAX_LEFT_OUT,
          natural_share: int = NATURAL_SHARE) -> Split:
    """Index the hits of the benchmark questions, minus every document holding a left-out question's answer."""
    full = {q.id: judge(dataset, q) for q in dataset.questions}
    candidates = [q for q in dataset.questions if full[q.id].answerable]
    pool = {d for q in candidates for d in q.hits}
    natural = [q for q in dataset.questions if q.matchable and not full[q.id].docs_own
               and len(q.hits) >= MIN_NATURAL_HITS and len(content_words(q.answer)) <= MAX_NATURAL_WORDS
               and picked(q.id, natural_share, LEAVE_OUT_SEED + ":natural")
               and not answer_docs(dataset, q, pool | set(q.hits))]
    pool |= {d for q in natural for d in q.hits}
    left_out = {q.id: sorted(docs) for q in candidates if picked(q.id, share)
                and len(docs := answer_docs(dataset, q, pool)) <= max_left_out}
    indexed = pool - {d for docs in left_out.values() for d in docs}
    final = {q.id: judge(dataset, q, indexed) for q in dataset.questions}
    kept = [q.id for q in candidates if q.id not in left_out]
    return Split(indexed=indexed, answerable=[i for i in kept if final[i].answerable],
                 left_out={i: docs for i, docs in left_out.items() if _unanswerable(dataset, i, indexed)},
                 natural=[q.id for q in natural if _unanswerable(dataset, q.id, indexed)],
                 lost=[i for i in kept if not final[i].answerable], judgements=final)


def _unanswerable(dataset: Dataset, question_id: str, indexed: set[str]) -> bool:
    """No indexed document holds the answer, and none of the question's indexed hits hints at it."""
    question = dataset.question(question_id)
    return not answer_docs(dataset, question, indexed) and not hints_answer(
        dataset, question, [d for d in question.hits if d in indexed])


def leaks(dataset: Dataset, result: Split) -> list[str]:
    """Unanswerable questions whose right choice some indexed document still holds (must be none)."""
    return [i for i in result.unanswerable if dataset.docs_holding(dataset.question(i).answer, result.indexed)]


# ---------------------------------------------------------------- sentence labels

Label = tuple[str, int, str]  # (document id, sentence index (0 = title), sentence)


def answer_sentences(question: Question, documents: dict[str, Document],
                     keys: dict[str, bool] | None = None) -> list[Label]:
    """Sentences of the question's hits (those in `documents`) holding the right choice and tied to the question.

    Tied: with `keys` (key_words of the question: stem -> rare), a rare key word or MANY_KEYS key words; without,
    at least one content word of the question that names no choice.
    """
    if keys is None:
        in_choices = {stem(w) for c in question.choices for w in tokens(c)}
        keys = {stem(w): True for w in content_words(question.question)
                if w not in QUIZ_WORDS and w not in STOPWORDS and stem(w) not in in_choices}
    found: list[Label] = []
    for doc_id in question.hits:
        doc = documents.get(doc_id)
        if doc is None or not contains(doc.padded_text, question.answer):
            continue
        for index, sentence in enumerate(doc.padded_sentences):
            if contains(sentence, question.answer):
                count, rare = sentence_keys(sentence, keys)
                if rare or count >= MANY_KEYS:
                    found.append((doc_id, index, doc.sentences[index]))
    return found


def choice_sentences(question: Question, documents: dict[str, Document], indexed: set[str]) -> list[Label]:
    """Every sentence of the question's indexed hits that holds the right choice, tied to the question or not."""
    return [(d, i, documents[d].sentences[i]) for d in question.hits if d in indexed
            for i, s in enumerate(documents[d].padded_sentences) if contains(s, question.answer)]


def labels(dataset: Dataset, result: Split) -> dict[str, list[Label]]:
    """Answer sentences of every answerable question, from its indexed hits."""
    indexed = {d: dataset.documents[d] for d in result.indexed}
    return {i: answer_sentences(dataset.question(i), indexed, key_words(dataset, dataset.question(i)))
            for i in result.answerable}


def label_rows(dataset: Dataset, found: dict[str, list[Label]]) -> list[dict]:
    """labels.jsonl rows; `keys`/`rare` (question key words in the sentence) let a consumer keep the surest."""
    rows = []
    for question_id, found_labels in found.items():
        keys = key_words(dataset, dataset.question(question_id))
        for doc_id, index, text in found_labels:
            count, rare = sentence_keys(dataset.documents[doc_id].padded_sentences[index], keys)
            rows.append({"question_id": question_id, "doc_id": doc_id, "file": file_name(dataset.documents[doc_id]),
                         "sentence_index": index, "sentence": text, "keys": count, "rare": rare})
    return rows


# ---------------------------------------------------------------- the corpus on disk


def file_name(doc: Document) -> str:
    return f"{url_id(doc.url)}.txt"


def display_title(title: str) -> str:
    """Search-result titles end in " ..." when cut; "…" keeps the assistant from reading them as a sentence."""
    return re.sub(r"\s*(\.\.\.|…)$", "…", title.strip())


def corpus_text(doc: Document) -> str:
    """`Date: YYYY-MM-DD` (when known), the title, a blank line, the article with its own line breaks.

    The date goes first: assistant/ingest/cleaning.py takes the first date in the head, and a title may name a date.
    """
    head = ([f"Date: {doc.publish_date}"] if doc.publish_date else []) + [display_title(doc.title)]
    return "\n".join(head) + "\n\n" + doc.text + "\n"


def write_corpus(dataset: Dataset, folder: Path, doc_ids: set[str] | None = None) -> list[dict]:
    """Each document (all, or the given ones) as a .txt file, plus manifest.jsonl; returns the manifest rows."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for doc in dataset.documents.values():
        if doc_ids is not None and doc.id not in doc_ids:
            continue
        (folder / file_name(doc)).write_text(corpus_text(doc), encoding="utf-8")
        rows.append({"id": doc.id, "file": file_name(doc), "url": doc.url, "title": doc.title,
                     "date": doc.publish_date, "weeks": doc.weeks, "questions": doc.questions, "aliases": doc.aliases})
    write_jsonl(folder / "manifest.jsonl", rows)
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def question_rows(dataset: Dataset, result: Split) -> list[dict]:
    """One row per question of the chosen weeks, with its place in the benchmark."""
    answerable, natural = set(result.answerable), set(result.natural)
    rows = []
    for q in dataset.questions:
        judgement = result.judgements[q.id]
        role = ("answerable" if q.id in answerable else "left-out" if q.id in result.left_out
                else "natural" if q.id in natural else None)
        gold = sorted(judgement.docs_own, key=lambda d: d != judgement.right.doc_id) if role == "answerable" else []
        rows.append({"id": q.id, "week": q.week, "date": q.date, "source": q.source, "question": q.question,
                     "choices": q.choices, "answer": q.answer, "answer_index": q.answer_index,
                     "answerable": role == "answerable", "unanswerable_by_design": role == "left-out",
                     "unanswerable_natural": role == "natural", "role": role, "gold_docs": gold,
                     "withheld_docs": result.left_out.get(q.id, []), "rules": judgement.rules,
                     "question_kind": question_kind(q.question), "answer_kind": answer_kind(q.answer),
                     "evidence": q.evidence})
    return rows


# ---------------------------------------------------------------- kinds of questions and answers

QUESTION_KINDS = [
    ("how many/much", r"\bhow (many|much|old|long|far|big|large)\b|\bwhat (percentage|percent|number|age)\b"),
    ("when", r"\bwhen\b|\bwhat (year|date|day|month)\b|\bwhich (year|date|day|month)\b|\bsince:?\s*$"),
    ("where", r"\bwhere\b"),
    ("who", r"\bwho(m|se)?\b"),
    ("which", r"\bwhich\b"),
    ("what", r"\bwhat\b"),
    ("why/how", r"\bwhy\b|\bhow\b"),
]
MONTH_NAMES = set(MONTHS_IN_FULL)


def question_kind(question: str) -> str:
    """The kind of thing asked, from the question's wording (the first matching pattern)."""
    text = question.lower()
    return next((kind for kind, pattern in QUESTION_KINDS if re.search(pattern, text)), "fill-in")


def answer_kind(answer: str) -> str:
    """date, number, name (every content word capitalised) or phrase."""
    words = tokens(answer)
    if any(w in MONTH_NAMES for w in words) or (len(words) == 1 and re.fullmatch(r"(19|20)\d\d", words[0])):
        return "date"
    raw = [w for w in re.findall(r"[\w'’.-]+", answer) if w.lower() not in STOPWORDS | set(NUMBER_WORDS)]
    capitalised = [w for w in raw if any(c.isupper() for c in w)]
    if any(w[0].isdigit() for w in words) and not capitalised:
        return "number"
    return "name" if raw and len(capitalised) == len([w for w in raw if not w[0].isdigit()]) else "phrase"


# ---------------------------------------------------------------- summary figures

MS_PER_CHUNK = 22  # the project's embedder, per 650-character chunk, on 2 cores


def week_rows(dataset: Dataset) -> list[dict]:
    """Per week: questions, documents among its hits, their characters, and characters no earlier week had."""
    rows = []
    for week in dataset.weeks:
        docs = [d for d in dataset.documents.values() if week in d.weeks]
        rows.append({"week": week, "questions": sum(q.week == week for q in dataset.questions), "docs": len(docs),
                     "chars": sum(len(d.text) for d in docs),
                     "new_chars": sum(len(d.text) for d in docs if d.weeks[0] == week)})
    return rows


def assistant_chunks(dataset: Dataset, doc_ids: set[str]) -> tuple[int, int]:
    """(chunks, characters embedded) as the assistant's own cleaner and chunker cut the corpus files."""
    from assistant.config import ChunkingSettings
    from assistant.ingest.chunking import chunk_spans
    from assistant.ingest.cleaning import content_mask, describe
    chunks = embedded = 0
    for doc_id in doc_ids:
        lines = corpus_text(dataset.documents[doc_id]).split("\n")
        keep = content_mask(lines)
        title = describe(lines, keep).title or ""
        for spans in chunk_spans(lines, keep, ChunkingSettings().chunk_chars):
            chunks += 1
            embedded += len(title) + 1 + sum(len(s.text) + 1 for s in spans)
    return chunks, embedded


def summary(dataset: Dataset, result: Split, found: dict[str, list[Label]]) -> dict:
    """The figures `stats` prints and `build` stores."""
    full = {q.id: judge(dataset, q) for q in dataset.questions}
    own = [j for j in full.values() if j.rules["own-hit"]]
    weeks = week_rows(dataset)
    indexed_chars = sum(len(dataset.documents[d].text) for d in result.indexed)
    answerable = [dataset.question(i) for i in result.answerable]
    return {
        "year": dataset.year, "side": YEARS[dataset.year], "weeks": dataset.weeks,
        "questions": len(dataset.questions), "matchable": sum(q.matchable for q in dataset.questions),
        "skipped": dataset.skipped, "documents": len(dataset.documents),
        "chars": sum(len(d.text) for d in dataset.documents.values()),
        "chars_without_dedup": sum(w["chars"] for w in weeks),
        "rules_on_all_documents": {rule: sum(j.rules[rule] for j in full.values()) for rule in RULES},
        "own_hit_with_wrong_choice_in_doc": sum(j.wrong_in_doc for j in own),
        "own_hit_with_wrong_choice_in_sentence": sum(j.wrong_in_sentence for j in own),
        "indexed_documents": len(result.indexed), "indexed_chars": indexed_chars,
        "estimated_chunks": round(indexed_chars / CHARS_PER_CHUNK),
        "answerable": len(result.answerable), "lost": len(result.lost),
        "left_out": len(result.left_out), "withheld_documents": len({d for v in result.left_out.values() for d in v}),
        "natural": len(result.natural), "leaks": len(leaks(dataset, result)),
        "labelled_questions": sum(bool(v) for v in found.values()), "labelled_sentences": sum(map(len, found.values())),
        "choice_sentences": sum(len(choice_sentences(dataset.question(i), dataset.documents, result.indexed))
                                for i in result.answerable),
        "question_kinds": _count(question_kind(q.question) for q in answerable),
        "answer_kinds": _count(answer_kind(q.answer) for q in answerable),
        "question_kinds_all": _count(question_kind(q.question) for q in dataset.questions),
        "answer_kinds_all": _count(answer_kind(q.answer) for q in dataset.questions),
        "per_week": weeks,
    }


def _count(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


# ---------------------------------------------------------------- command line


def _prepare(args) -> tuple[Dataset, Split, dict[str, list[Label]]]:
    weeks = select_weeks(year_weeks(args.repo, args.year), args.weeks)
    dataset = load(args.repo, args.year, weeks, args.max_chars)
    result = split(dataset)
    return dataset, result, labels(dataset, result)


def _share(n: int, d: int) -> str:
    return f"{n} ({100 * n / d:.0f}%)" if d else str(n)


def _print_summary(figures: dict, per_week: bool) -> None:
    f = figures
    print(f"{f['year']} ({f['side']}): {len(f['weeks'])} weeks, {f['weeks'][0]} .. {f['weeks'][-1]}")
    print(f"questions {f['questions']} (matchable {f['matchable']}); skipped {f['skipped']}")
    print(f"documents {f['documents']}, {f['chars']:,} chars (per-week sum {f['chars_without_dedup']:,}: "
          f"dedup across weeks saves {100 - 100 * f['chars'] / max(1, f['chars_without_dedup']):.0f}%), "
          f"est. chunks {f['chars'] / CHARS_PER_CHUNK:,.0f}")
    rules = f["rules_on_all_documents"]
    counts = ", ".join(f"{r} {_share(n, f['questions'])}" for r, n in rules.items())
    print(f"answerable on all loaded documents: {counts} [chosen: {CHOSEN_RULE}]")
    print(f"  own-hit questions where a wrong choice is in the same document {f['own_hit_with_wrong_choice_in_doc']}, "
          f"in the same sentence {f['own_hit_with_wrong_choice_in_sentence']}")
    print(f"index: {f['indexed_documents']} documents, {f['indexed_chars']:,} chars, "
          f"est. chunks {f['estimated_chunks']:,} "
          f"(~{f['estimated_chunks'] * MS_PER_CHUNK / 60000:.0f} min at {MS_PER_CHUNK} ms per chunk)")
    if "assistant_chunks" in f:
        chunks, embedded = f["assistant_chunks"], f["assistant_embedded_chars"]
        print(f"  assistant chunker: {chunks:,} chunks, {embedded:,} chars embedded "
              f"(~{embedded / CHARS_PER_CHUNK * MS_PER_CHUNK / 60000:.0f} min at {MS_PER_CHUNK} ms per 650 chars)")
    print(f"answerable ({CHOSEN_RULE} rule, against the index) {f['answerable']}; "
          f"lost to withheld documents {f['lost']}")
    print(f"unanswerable: left out by design {f['left_out']} ({f['withheld_documents']} documents withheld), "
          f"natural {f['natural']}; leaks {f['leaks']}")
    print(f"labels: {_share(f['labelled_questions'], f['answerable'])} answerable questions with a labelled sentence, "
          f"{f['labelled_sentences']} sentences (of {f['choice_sentences']} holding the right choice)")
    print(f"answerable question kinds {f['question_kinds']}\nanswerable answer kinds {f['answer_kinds']}")
    print(f"all question kinds {f['question_kinds_all']}\nall answer kinds {f['answer_kinds_all']}")
    if per_week:
        print("week      questions  docs      chars  new chars")
        for w in f["per_week"]:
            print(f"{w['week']}  {w['questions']:9d}  {w['docs']:4d}  {w['chars']:9,d}  {w['new_chars']:9,d}")


def cmd_stats(args) -> None:
    dataset, result, found = _prepare(args)
    figures = summary(dataset, result, found)
    if args.chunker:
        figures["assistant_chunks"], figures["assistant_embedded_chars"] = assistant_chunks(dataset, result.indexed)
    _print_summary(figures, args.per_week)


def cmd_build(args) -> None:
    dataset, result, found = _prepare(args)
    out: Path = args.out
    rows = write_corpus(dataset, out / "corpus", result.indexed)
    write_jsonl(out / "questions.jsonl", question_rows(dataset, result))
    write_jsonl(out / "labels.jsonl", label_rows(dataset, found))
    figures = summary(dataset, result, found)
    (out / "summary.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} documents to {out / 'corpus'}, {len(dataset.questions)} questions "
          f"({figures['answerable']} answerable, {figures['left_out']} left out, {figures['natural']} natural), "
          f"labels for {figures['labelled_questions']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, epilog=USAGE,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run in (("stats", cmd_stats), ("build", cmd_build)):
        command = commands.add_parser(name)
        command.add_argument("--repo", type=Path, required=True, help="bare git dir of realtimeqa/realtimeqa_public")
        command.add_argument("--year", type=int, required=True, choices=sorted(YEARS))
        command.add_argument("--weeks", default=None, help="N, START:STOP:STEP, or YYYYMMDD,... (default: all)")
        command.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS,
                             help=f"cut each article at a line break before this many characters "
                                  f"(default {DEFAULT_MAX_CHARS})")
        command.set_defaults(run=run)
        if name == "stats":
            command.add_argument("--per-week", action="store_true", help="also print one line per week")
            command.add_argument("--chunker", action="store_true", help="count chunks with the assistant's chunker")
        else:
            command.add_argument("--out", type=Path, required=True, help="output folder (benchmarks/out/... or /tmp)")
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
