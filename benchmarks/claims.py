"""Labeled claims for measuring the answer checker (`assistant.answer.check.support`), with labels the code did not make.

    python benchmarks/claims.py stats --repo DIR --set evals/claims/dev.jsonl [--seed 0] [--no-perturb]
    python benchmarks/claims.py dump  --repo DIR --set evals/claims/dev.jsonl --out benchmarks/out/dev.jsonl
    python benchmarks/claims.py score --repo DIR --set evals/claims/dev.jsonl      (the checker's lexical verdicts)
    python benchmarks/claims.py pick  --repo DIR --year 2023 [--n 130]          (the question order the sets follow)
    python benchmarks/claims.py show  --repo DIR --qa past/2023/20230106_qa.jsonl --id 20230106_0

DIR is a bare git directory of realtimeqa/realtimeqa_public (read with `git show HEAD:PATH`). The news text
belongs to its publishers, so the committed sets hold no evidence: each claim names its evidence sentence by
file, question id and sentence index, with the first 12 hex digits of the sentence's sha1 (UTF-8) so a loader
can tell it resolved the same sentence. `load` resolves and verifies; a mismatch is reported and skipped.

Evidence text, from a question's `evidence` field (HTML):
  1. <iframe>, <script> and <style> elements are removed with their content;
  2. the block tags p, div, br, li, ul, ol, h1-h6, tr, td, table, blockquote, section start a new paragraph;
  3. every other tag is removed without a space (inline links often split a word's letters: <a>a</a>);
  4. HTML entities are unescaped, non-breaking and other Unicode spaces become spaces, runs of white space
     become one space, and empty paragraphs are dropped;
  5. each paragraph is split with `assistant.ingest.chunking.sentence_bounds` (the project's own splitter), and the
     sentences are numbered from 0 across the paragraphs, in order.
A "real sentence" has at least 6 words and ends with . ! ? (optionally followed by a closing quote/bracket);
a question whose evidence has none is not eligible.

Hand-written sets (evals/claims/dev.jsonl = 2023, heldout.jsonl = 2024): for each picked question, one evidence
sentence and three claims written by hand: literal (true), paraphrase (true), and a subtly false one whose kind
is recorded (role, qualifier, quantifier, addition, ...). `perturb` adds false claims made by code from the true
ones: number, name, negation, neighbour and offtopic. Every generated claim records the hand-written claim it
came from (`parent`); neighbour claims, and offtopic claims whose sentences overlap in more than names, carry
`review: true` (look at them before trusting the label).

The seed set (evals/claims/seeds.jsonl) quotes the project's own seed articles, which are in the repository: its
lines carry {source, start_line, end_line, evidence}; `load` checks the quoted sentence is in those lines.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import hashlib
import html
import json
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.ingest.chunking import sentence_bounds

YEARS = {"2023": "dev", "2024": "heldout"}
SHA_CHARS = 12
MIN_WORDS = 6

# ---------------------------------------------------------------------------------------------- evidence text

DROP_ELEMENTS = re.compile(r"<(iframe|script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
BLOCK_TAG = re.compile(r"</?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|table|blockquote|section)\b[^>]*>", re.I)
ANY_TAG = re.compile(r"<[^>]*>")
SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
REAL_END = re.compile(r"[.!?][\"'”’)\]]*$")


def paragraphs(evidence_html: str) -> list[str]:
    """The evidence as plain-text paragraphs (rules 1-4 of the module docstring)."""
    text = DROP_ELEMENTS.sub(" ", evidence_html or "")
    text = BLOCK_TAG.sub("\n\n", text)
    text = ANY_TAG.sub("", text)
    text = html.unescape(text)
    result = []
    for para in re.split(r"\n\s*\n", text):
        para = SPACES.sub(" ", para).strip()
        if para:
            result.append(para)
    return result


def sentences(evidence_html: str) -> list[str]:
    """The evidence's sentences, numbered from 0 (rule 5)."""
    return [para[start:end].strip() for para in paragraphs(evidence_html) for start, end in sentence_bounds(para)
            if para[start:end].strip()]


def is_real(sentence: str) -> bool:
    return len(sentence.split()) >= MIN_WORDS and bool(REAL_END.search(sentence))


def sha(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:SHA_CHARS]


# ---------------------------------------------------------------------------------------------- the git snapshot


def _git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


class Snapshot:
    """Question files read from the bare git dir, each once."""

    def __init__(self, repo: str):
        self.repo = repo
        self._files: dict[str, dict[str, dict]] = {}

    def qa_files(self, year: str) -> list[str]:
        names = _git(self.repo, "ls-tree", "-r", "--name-only", "HEAD", f"past/{year}/").split()
        return sorted(n for n in names if n.endswith("_qa.jsonl"))

    def questions(self, qa_file: str) -> dict[str, dict]:
        if qa_file not in self._files:
            rows = [json.loads(line) for line in _git(self.repo, "show", f"HEAD:{qa_file}").splitlines() if line.strip()]
            self._files[qa_file] = {r["question_id"]: r for r in rows}
        return self._files[qa_file]

    def sentences(self, qa_file: str, question_id: str) -> list[str]:
        row = self.questions(qa_file).get(question_id)
        return sentences(row.get("evidence") or "") if row else []


def eligible(row: dict) -> bool:
    return any(is_real(s) for s in sentences(row.get("evidence") or ""))


def pick(snapshot: Snapshot, year: str, n: int, seed: str | None = None) -> list[tuple[str, str]]:
    """(qa_file, question_id) in the order the set was written: round-robin over the year's weeks.

    Each week's eligible questions are shuffled with a fixed seed ("claims-YEAR"); round r takes the r-th question
    of every week, the weeks themselves in a freshly shuffled order each round, so any prefix spreads over the
    year. Questions whose evidence repeats an earlier question's evidence are left out.
    """
    rng = random.Random(seed or f"claims-{year}")
    weeks, seen = [], set()
    for qa_file in snapshot.qa_files(year):
        rows = []
        for qid, row in snapshot.questions(qa_file).items():
            key = " ".join(sentences(row.get("evidence") or ""))
            if eligible(row) and key not in seen:
                seen.add(key)
                rows.append((qa_file, qid))
        rng.shuffle(rows)
        weeks.append(rows)
    order: list[tuple[str, str]] = []
    for round_ in range(max(map(len, weeks), default=0)):
        this_round = [week[round_] for week in weeks if len(week) > round_]
        rng.shuffle(this_round)
        order.extend(this_round)
    return order[:n]


# ---------------------------------------------------------------------------------------------- labeled claims


@dataclasses.dataclass
class LabeledClaim:
    """One (claim, evidence sentence, label) triple. `label` is True when the sentence alone entails the claim."""

    id: str
    claim: str
    label: bool
    kind: str
    evidence: str
    source: str = "hand"  # "hand" (written and labeled by a person) or "generated" (by `perturb`)
    parent: str | None = None  # the hand-written claim a generated one came from
    review: bool = False  # a generated label that deserves a look before it is trusted
    note: str = ""
    year: int | None = None
    qa_file: str | None = None
    question_id: str | None = None
    sentence_index: int | None = None
    sentence_sha1: str | None = None
    file: str | None = None  # seed set: the repository file holding the evidence
    start_line: int | None = None
    end_line: int | None = None
    passage: list[str] = dataclasses.field(default_factory=list, repr=False)  # every sentence of the evidence passage

    @property
    def key(self) -> str:
        """Which passage the evidence comes from."""
        return self.file or f"{self.qa_file}#{self.question_id}"

    def triple(self) -> dict:
        row = {k: v for k, v in dataclasses.asdict(self).items() if k != "passage" and v is not None}
        row["label"] = self.label
        return row


def load(repo: str | None, path: str | Path, report=None) -> list[LabeledClaim]:
    """The claims of one set file, each with its evidence sentence resolved and verified.

    RealTimeQA claims are resolved from the bare git dir `repo`; seed claims from the project's files. A claim whose
    sentence cannot be found, or whose sha1 differs, is reported (to stderr by default) and skipped."""
    report = report or (lambda message: print(message, file=sys.stderr))
    snapshot = Snapshot(repo) if repo else None
    result = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if "source" in row:
            claim = _load_seed(row, report)
        elif snapshot is None:
            report(f"{path}:{number}: {row['id']}: needs --repo to resolve {row['qa_file']}")
            continue
        else:
            claim = _load_qa(snapshot, row, report)
        if claim:
            result.append(claim)
    return result


def _load_qa(snapshot: Snapshot, row: dict, report) -> LabeledClaim | None:
    passage = snapshot.sentences(row["qa_file"], row["question_id"])
    index = row["sentence_index"]
    if not 0 <= index < len(passage):
        report(f"{row['id']}: no sentence {index} in {row['qa_file']} {row['question_id']} (has {len(passage)})")
        return None
    if sha(passage[index]) != row["sentence_sha1"]:
        report(f"{row['id']}: sha1 mismatch for {row['qa_file']} {row['question_id']} sentence {index}: "
               f"{sha(passage[index])} != {row['sentence_sha1']}")
        return None
    return LabeledClaim(id=row["id"], claim=row["claim"], label=bool(row["label"]), kind=row["kind"],
                        evidence=passage[index], year=row.get("year"), qa_file=row["qa_file"],
                        question_id=row["question_id"], sentence_index=index, sentence_sha1=row["sentence_sha1"],
                        passage=passage)


def seed_sentences(file: str | Path) -> list[tuple[str, int, int]]:
    """A seed article's sentences with their 1-based first and last lines (paragraphs end at blank lines)."""
    lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
    result, para = [], []
    for number, line in enumerate(lines + [""], start=1):
        if line.strip():
            para.append((number, line.strip()))
            continue
        if para:
            text = " ".join(t for _, t in para)
            starts = []
            offset = 0
            for n, t in para:
                starts.append((offset, n))
                offset += len(t) + 1
            for start, end in sentence_bounds(text):
                first = max(n for o, n in starts if o <= start)
                last = max(n for o, n in starts if o <= end - 1)
                result.append((text[start:end].strip(), first, last))
            para = []
    return result


def _load_seed(row: dict, report) -> LabeledClaim | None:
    file = ROOT / row["source"]
    if not file.exists():
        report(f"{row['id']}: no file {row['source']}")
        return None
    lines = file.read_text(encoding="utf-8").splitlines()
    quoted = " ".join(lines[row["start_line"] - 1: row["end_line"]])
    if " ".join(row["evidence"].split()) not in " ".join(quoted.split()):
        report(f"{row['id']}: evidence not in {row['source']}:{row['start_line']}-{row['end_line']}")
        return None
    passage = [text for text, _, _ in seed_sentences(row["source"])]
    return LabeledClaim(id=row["id"], claim=row["claim"], label=bool(row["label"]), kind=row["kind"],
                        evidence=row["evidence"], file=row["source"], start_line=row["start_line"],
                        end_line=row["end_line"], passage=passage)


# ---------------------------------------------------------------------------------------------- numbers

NUMBER = re.compile(r"(?<![\w.,])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?(?P<suffix>st|nd|rd|th|s)?(?![\w])"
                    r"|(?<![\w.,])(?P<int2>\d{1,3}(?:,\d{3})+|\d+)(?P<dec2>\.\d+)?(?P<unit>[A-Za-z]{1,3})\b")
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split()) if i >= 2}
NUMBER_WORD = re.compile(r"(?<![-\w])(" + "|".join(NUMBER_WORDS) + r")\b(?!-(?:one|two|three|four|five|six|seven|eight|nine))",
                         re.I)  # not "ninety-five"
LOWER_BOUND = re.compile(r"\b(more than|over|at least|above|upwards of|exceeding|beyond|in excess of|or more)\s+[$£€]?$",
                         re.I)  # only a larger number keeps "more than 5,000" false
UPPER_BOUND = re.compile(r"\b(less than|under|fewer than|at most|below|no more than|just under|younger than)\s+[$£€]?$",
                         re.I)  # only a smaller one keeps "under 60" false
APPROXIMATE = re.compile(r"\b(about|around|roughly|some|approximately|an estimated|estimated|circa|nearly|almost|"
                         r"up to|as many as|as much as|close to)\s+[$£€]?$", re.I)  # must move by 20% or more
MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|" \
         r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
DAY_BEFORE = re.compile(MONTHS + r"\s+$")
DAY_AFTER = re.compile(r"^\s+" + MONTHS + r"\b")
SCALED = re.compile(r"^(\s*(million|billion|trillion|thousand|hundred|%|percent|per cent|bn|m)\b|%)", re.I)


@dataclasses.dataclass
class _Number:
    start: int
    end: int
    text: str
    value: float
    decimals: int
    commas: bool
    suffix: str  # ordinal suffix, "s" for a decade, a unit ("bn", "C"), or ""
    word: bool = False

    @property
    def category(self) -> str:
        if self.word:
            return "word"
        if self.suffix in ("st", "nd", "rd", "th"):
            return "ordinal"
        if self.suffix == "s" and self.value % 10 == 0 and 1000 <= self.value < 2100:
            return "decade"
        if not self.decimals and not self.commas and 1000 <= self.value < 2100 and not self.suffix:
            return "year"
        return "decimal" if self.decimals else "integer"


def find_numbers(text: str) -> list[_Number]:
    found = []
    for m in NUMBER.finditer(text):
        digits = m.group("int") or m.group("int2")
        dec = m.group("dec") or m.group("dec2") or ""
        suffix = m.group("suffix") or m.group("unit") or ""
        found.append(_Number(m.start(), m.end(), m.group(), float(digits.replace(",", "") + dec),
                             len(dec) - 1 if dec else 0, "," in digits, suffix))
    for m in NUMBER_WORD.finditer(text):
        found.append(_Number(m.start(), m.end(), m.group(), float(NUMBER_WORDS[m.group().lower()]), 0, False, "",
                             word=True))
    return sorted(found, key=lambda n: n.start)


def number_values(text: str) -> set[float]:
    return {n.value for n in find_numbers(text)}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _format(number: _Number, value: float) -> str:
    if number.word:
        words = {v: w for w, v in NUMBER_WORDS.items()}
        word = words[int(value)]
        return word.capitalize() if number.text[:1].isupper() else word
    if number.category == "ordinal":
        return _ordinal(int(value))
    if (number.decimals and round(value, number.decimals) != int(value)) or (number.decimals and value < 10):
        body = f"{value:,.{number.decimals}f}" if number.commas else f"{value:.{number.decimals}f}"
    else:
        body = f"{int(round(value)):,}" if number.commas else str(int(round(value)))
    if number.text.startswith("0") and len(number.text) > 1 and not number.decimals:
        body = body.zfill(len(number.text) - len(number.suffix))  # "2:01:09" keeps its two-digit minutes
    return body + number.suffix


def _digit_step(number: _Number, up: bool) -> float | None:
    """Change the last non-zero digit by one (2,000 -> 3,000; 2.5 -> 2.6; 1990s -> 2000s)."""
    if number.category == "decade":
        return number.value + (10 if up else -10)
    if number.category in ("ordinal", "word", "year"):
        value = number.value + (1 if up else -1)
        return value if value >= 1 and (not number.word or 2 <= value <= 12) else None
    scale = 10 ** -number.decimals
    units = round(number.value / scale)
    if units == 0:
        return None
    step = 1
    while units % (step * 10) == 0:
        step *= 10
    value = (units + (step if up else -step)) * scale
    return value if value > 0 else None


def number_variants(number: _Number, pool: list[_Number], rng: random.Random, before: str,
                    after: str = "") -> list[tuple[float, str]]:
    """Plausible replacement values, in random order, that keep a bounded claim false.

    After "more than" only larger values keep the claim false, after "under" only smaller ones; after "about",
    "nearly" or "up to" the new value must differ by at least 20%. A day of the month stays within 1-31 and is not
    multiplied; ×10 is offered only for amounts (with a unit, a currency, "million", "%", or at least 100)."""
    options: list[tuple[float, str]] = []
    day = bool(DAY_BEFORE.search(before) or DAY_AFTER.search(after)) and number.category == "integer"
    percent = bool(re.match(r"^\s*(%|percent|per cent)", after, re.I)) or number.suffix == "%"
    for up in (True, False):
        value = _digit_step(number, up)
        if value is not None:
            options.append((value, "±1 digit"))
    amount = (number.suffix and number.suffix not in ("st", "nd", "rd", "th", "s")) or re.search(r"[$£€]\s*$", before) \
        or SCALED.match(after) or number.value >= 100
    if number.category in ("integer", "decimal") and number.value >= 1 and amount and not day:
        options.append((number.value * 10, "×10"))
    if number.category == "year":
        options += [(number.value + d, "other year") for d in (-2, 2, -10)]
    others = [p.value for p in pool if p.category == number.category and p.value != number.value
              and (number.category in ("year", "ordinal", "decade", "word") or 0.2 <= p.value / max(number.value, 1e-9) <= 5)]
    if others:
        options.append((rng.choice(sorted(set(others))), "from another passage"))
    rng.shuffle(options)
    lower, upper, approx = LOWER_BOUND.search(before), UPPER_BOUND.search(before), APPROXIMATE.search(before)
    kept = []
    for value, how in options:
        if value == number.value or value <= 0:
            continue
        if (day and not 1 <= value <= 31) or (percent and value > 100):
            continue
        if number.category == "word" and not 2 <= value <= 12:
            continue
        if number.category == "ordinal" and value != int(value):
            continue
        if lower and value < number.value:
            continue
        if upper and value > number.value:
            continue
        if approx and abs(value - number.value) / number.value < 0.2:
            continue
        kept.append((value, how))
    return kept


def swap_number(claim: str, evidence: str, pool: list[_Number], rng: random.Random) -> tuple[str, str] | None:
    """The claim with one number replaced by a value the evidence does not hold, and how; None if none works."""
    numbers = find_numbers(claim)
    rng.shuffle(numbers)
    known = number_values(evidence)
    for number in numbers:
        for value, how in number_variants(number, pool, rng, claim[: number.start], claim[number.end:]):
            if value in known:
                continue
            new = _format(number, value)
            changed = claim[: number.start] + new + claim[number.end:]
            if changed != claim:
                return changed, f"{number.text} -> {new} ({how})"
    return None


# ---------------------------------------------------------------------------------------------- names

COUNTRIES = set("""Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria Azerbaijan Bahamas Bahrain
Bangladesh Barbados Belarus Belgium Belize Benin Bhutan Bolivia Botswana Brazil Brunei Bulgaria Burundi Cambodia
Cameroon Canada Chad Chile China Colombia Comoros Congo Croatia Cuba Cyprus Czechia Denmark Djibouti Dominica Ecuador
Egypt Eritrea Estonia Eswatini Ethiopia Fiji Finland France Gabon Gambia Georgia Germany Ghana Greece Grenada Guatemala
Guinea Guyana Haiti Honduras Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica Japan Jordan
Kazakhstan Kenya Kiribati Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Lesotho Liberia Libya Liechtenstein Lithuania
Luxembourg Madagascar Malawi Malaysia Maldives Mali Malta Mauritania Mauritius Mexico Micronesia Moldova Monaco Mongolia
Montenegro Morocco Mozambique Myanmar Namibia Nauru Nepal Netherlands Nicaragua Niger Nigeria Norway Oman Pakistan
Palau Palestine Panama Paraguay Peru Philippines Poland Portugal Qatar Romania Russia Rwanda Samoa Senegal Serbia
Seychelles Singapore Slovakia Slovenia Somalia Spain Sudan Suriname Sweden Switzerland Syria Taiwan Tajikistan Tanzania
Thailand Togo Tonga Tunisia Turkey Turkmenistan Tuvalu Uganda Ukraine Uruguay Uzbekistan Vanuatu Venezuela Vietnam Yemen
Zambia Zimbabwe Britain England Scotland Wales US UK USA""".split()) | {
    "New Zealand", "North Korea", "South Korea", "South Africa", "Saudi Arabia", "Sri Lanka", "Costa Rica",
    "El Salvador", "Sierra Leone", "United States", "United Kingdom", "United Arab Emirates", "Papua New Guinea",
    "Burkina Faso", "Bosnia and Herzegovina", "North Macedonia", "Dominican Republic", "Ivory Coast", "South Sudan",
    "Northern Ireland", "Great Britain"}
DEMONYMS = set("""American British English Scottish Welsh Irish Canadian Mexican Brazilian Argentinian Argentine Chilean
Colombian Peruvian Venezuelan Cuban French German Italian Spanish Portuguese Dutch Belgian Swiss Austrian Swedish
Norwegian Danish Finnish Polish Czech Hungarian Romanian Bulgarian Greek Turkish Russian Ukrainian Belarusian Israeli
Palestinian Lebanese Syrian Iraqi Iranian Saudi Egyptian Libyan Moroccan Algerian Tunisian Nigerian Kenyan Ethiopian
Somali Sudanese Ghanaian Indian Pakistani Afghan Bangladeshi Chinese Japanese Korean Vietnamese Thai Filipino
Indonesian Malaysian Singaporean Australian Taiwanese Mongolian Haitian Jamaican Qatari Kuwaiti Yemeni Jordanian
Nepalese Icelandic Irish Serbian Croatian Bolivian Ecuadorian Uruguayan Paraguayan""".split())
US_STATES = {
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland",
    "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
    "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
    "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
    "West Virginia", "Wisconsin", "Wyoming"}  # not Washington: mostly the city
TITLES = {"President", "Vice", "Prime", "Minister", "PM", "Chancellor", "Pope", "Prince", "Princess",
          "Judge", "Justice", "Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Sen.", "Senator", "Rep.", "Gov.",
          "Governor", "Mayor", "Lord", "Lady", "Sir", "Dame", "Duke", "Duchess", "CEO", "Chief", "Secretary",
          "Speaker", "General", "Gen.", "Col.", "Emeritus", "Sheikh", "Emir", "Grand", "Imam", "Archbishop"}
LEADING = {"Former", "Late", "Outgoing", "Incoming", "Acting", "First"}  # stripped, but name no one
ROLE_WORDS = set("""singer star quarterback journalist biographer chef actor actress musician boxer runner athlete leader
president manager coach player captain thief lawyer activist author writer artist director presenter host founder
spokesperson spokesman spokeswoman minister secretary governor senator congressman congresswoman judge official
reservist teen tycoon billionaire billionaires rapper comedian gymnast footballer striker economist scientist
researcher professor chancellor businessman businesswoman entrepreneur pontiff rival partner wife husband son daughter
father mother brother sister frontman rocker sidekick agent""".split())
FIRST_NAMES = set("""Aaron Adam Adele Adrian Alan Albert Alex Alexander Alexandre Alexei Alice Alicia Amanda Amy Andrea Andrew
Andy Angela Anna Anne Anthony Antonio Ariana Arnold Ashley Barack Barbara Barney Ben Benjamin Bernie Beth Bill Billie
Bob Boris Bradley Brandon Brian Britney Bronny Bruce Bryan Carl Carlos Caroline Catherine Charles Charlie Chris
Christian Christina Christine Christopher Claire Claudine Colin Craig Dan Daniel Daniela Danny Daryl Dave David Dean
Deborah Denis Dennis Diana Diane Donald Doug Douglas Dwayne Ed Edward Elena Eliud Elizabeth Ella Elon Elton Emily
Emma Emmanuel Eric Erik Ethan Eva Fernando Fiona Frances Francis Frank Fumio Gabriel Garry Gary Gavin George Georgia
Gerald Giorgia Gordon Grace Grant Greg Greta Hannah Harry Heather Helen Henry Hugh Isabella Ivan Jack Jacob Jacqueline
James Jamie Jane Janet Jared Jason Javier Jay Jean Jeff Jeffrey Jennifer Jeremy Jerome Jessica Jill Jim Jimmy Joan Joe
Joel John Johnny Jon Jonathan Jordan Jose Joseph Josh Joshua Jovenel Julia Julian Julie Justin Kamala Karen Karl Kate
Katharine Kathy Keir Keith Kelly Kelvin Ken Kevin Kim Kirk Kristi Kyle Lamar Larry Laura Lauren Lee Leo LeBron Lewis
Linda Lisa Liz Louis Louise Lucy Luis Luke Lula Marco Margaret Maria Marie Mark Martin Mary Matt Matthew Max Megan
Meghan Melania Michael Michel Michelle Mike Mitch Mohammed Muhammad Nancy Naomi Narendra Natalie Nathan Nemat Neil
Nicholas Nick Nicola Nicolas Nigel Nikki Noah Olaf Oliver Olivia Omid Pat Patricia Patrick Paul Paula Pedro Penny
Peter Peyton Philip Pierre Prince Rachel Ralph Rebeca Rebecca Richard Rick Rishi Rob Robert Roger Ron Ronald Rose Ross
Ruby Rúben Ruth Ryan Sam Samantha Sarah Scott Seb Sebastian Serena Sergei Shigeru Simon Simone Sofía Sophie Stephen
Steve Steven Sue Suella Susan Taylor Teresa Thaksin Thomas Tim Timothy Tina Todd Tom Tony Travis Trudi Tucker Valerie
Vanessa Victor Victoria Vladimir Volodymyr Walter Wayne Will William Xi Yang Yevgeny Yoon Zac""".split())
SPEECH_VERBS = {"said", "says", "told", "announced", "insisted", "warned", "claimed", "added", "wrote", "stated"}
CONNECTORS = {"of", "de", "van", "von", "la", "le", "del", "da", "bin", "al", "y", "the"}
NOT_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
             "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
WORD_SPAN = re.compile(r"[^\s]+")
LOWERCASE_WORDS: set[str] = set()  # words the corpus writes in lower case (set by `perturb`): "Days" is no name
POSSESSIVE = re.compile(r"(['’]s|['’])$")


@dataclasses.dataclass
class _Name:
    start: int
    end: int
    text: str
    kind: str  # person, country, demonym, state, org, other


def _core(token: str) -> tuple[int, int]:
    """Offsets of a token without surrounding quotes/brackets/punctuation and a possessive 's."""
    left = len(token) - len(token.lstrip("\"'“‘(["))
    body = token[left:].rstrip("\"'”’)].,;:!?")
    body = POSSESSIVE.sub("", body) if len(body) > 2 else body
    return left, left + len(body)


def _is_cap(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Za-zÀ-ÿ'’.&-]*", word)) and sum(c.isalpha() for c in word) >= 1


def find_names(text: str, passage: str = "") -> list[_Name]:
    """Runs of capitalised words ("Damar Hamlin", "State of the Union"), typed when the type can be told.

    A capitalised first word counts only when it is not a common word ("The", "Some") or starts a longer run."""
    tokens = []
    for m in WORD_SPAN.finditer(text):
        left, right = _core(m.group())
        if right > left:
            tokens.append((m.start() + left, m.start() + right, m.group()[left:right], m.group()))
    runs, current = [], []
    for index, (start, end, word, raw) in enumerate(tokens):
        capital = _is_cap(word) and word.lower() not in NOT_NAMES
        connector = word.lower() in CONNECTORS and current and _connects(tokens, index)
        after_comma = current and (current[-1][3][-1:] in ",;:)\"”" or raw[:1] in "(\"“"
                                   or (current[-1][3][-1:] in ".!?" and len(current[-1][2]) > 1
                                   and not _is_title(current[-1][2])))
        after_possessive = current and POSSESSIVE.search(current[-1][3].rstrip("\"'”’)].,;:!?")) is not None \
            and current[-1][3].rstrip("\"”)].,;:!?")[-2:] in ("'s", "’s")
        title_inside = current and _is_title(word) and not all(w in LEADING or _is_title(w) for _, _, w, _, _ in current)
        if (capital or connector) and not after_comma and not after_possessive and not title_inside:
            current.append((start, end, word, raw, index))
            continue
        if current:
            runs.append(current)
        current = [(start, end, word, raw, index)] if capital else []
    if current:
        runs.append(current)
    names = []
    from assistant.text.words import STOPWORDS  # the project's own list
    for run in runs:
        while run and (run[-1][2].lower() in CONNECTORS):
            run = run[:-1]
        starts = run and (run[0][4] == 0 or run[0][3][:1] in "\"“‘'("
                          or (tokens[run[0][4] - 1][3][-1:] in ".!?" and len(tokens[run[0][4] - 1][2]) > 1))
        if starts and len(run) == 1 and not _known_name(run[0][2], passage) and run[0][2] not in FIRST_NAMES \
                and run[0][2] not in COUNTRIES | US_STATES | DEMONYMS \
                and (not LOWERCASE_WORDS or run[0][2].lower() in LOWERCASE_WORDS):
            continue  # a sentence's capitalised first word: "Have fun ...", "Days ago ..."
        if starts and (run[0][2].lower() in STOPWORDS or run[0][2].lower() in {"some", "many", "all"}
                                       or (len(run) > 1 and run[1][2].lower() in CONNECTORS
                                       and not _known_name(run[0][2], passage))):
            run = run[1:]  # "The ...", "Millions of Hyundai": the sentence's first word is no part of the name
        while run and run[0][2].lower() in CONNECTORS:
            run = run[1:]
        if not run:
            continue
        if len(run) > 1 and (run[0][2] in DEMONYMS or run[0][2] in COUNTRIES):
            names.append(_Name(run[0][0], run[0][1], run[0][2], "demonym" if run[0][2] in DEMONYMS else "country"))
            run = run[1:]  # "Kenyan Eliud Kipchoge": a demonym, then a person
        role = bool(run) and run[0][4] == 0 and run[0][2].lower() in ROLE_WORDS and len(run) > 1
        if role:
            run = run[1:]  # "Thief Joby Pool", "Journalist Scobie"
        words = [w for _, _, w, _, _ in run]
        title = 0
        while title < len(words) - 1 and (words[title] in LEADING or _is_title(words[title])):
            title += 1
        titled = role or any(_is_title(w) for w in words[:title])
        if title and words[title].lower() in CONNECTORS:
            title = next(i for i, w in enumerate(words) if w not in LEADING)  # "Duke of Huéscar" is the name
        start, end = run[title][0], run[-1][1]
        name = text[start:end]
        if name.lower() in NOT_NAMES:
            continue
        before = tokens[run[0][4] - 1][2].lower() if run[0][4] > 0 else ""
        after = tokens[run[-1][4] + 1][2].lower() if run[-1][4] + 1 < len(tokens) else ""
        names.append(_Name(start, end, name, _name_kind(name, titled, before, after, passage)))
    return names


def _is_title(word: str) -> bool:
    return word in TITLES or word + "." in TITLES


def _connects(tokens: list, index: int) -> bool:
    """A lower-case connector ("of", "de la") inside a name: a capitalised word follows after connectors only."""
    for _, _, word, _ in tokens[index + 1:]:
        if word.lower() not in CONNECTORS:
            return _is_cap(word)
    return False


def _known_name(word: str, passage: str) -> bool:
    """A sentence-initial word is a name when the passage also capitalises it in mid-sentence."""
    return bool(re.search(r"[^.!?]\s+" + re.escape(word) + r"\b", passage))


def _name_kind(name: str, titled: bool, before: str, after: str, passage: str) -> str:
    bare = POSSESSIVE.sub("", name)
    if bare in COUNTRIES:
        return "country"
    if bare in DEMONYMS:
        return "demonym"
    if bare in US_STATES:
        return "state"
    if re.search(r"\b(Inc|Corp|Company|Party|University|College|School|Council|Agency|Federation|Committee|Association|"
                 r"Bank|Airlines?|Times|Service|Administration|Court|Museum|Group|Fund|Foundation|Office|Department|"
                 r"Network|Club|Commission|Institute|Post|Press|News|Stadium|Airport|Bridge|River|Island|Park|Street)\b",
                 bare):
        return "org"
    words = bare.split()
    if titled or before.lower() in ROLE_WORDS or before.lower()[:-1] in ROLE_WORDS:
        return "person"
    if bare.isupper():
        return "other"  # an acronym: NFL, FDA, IOC
    if 2 <= len(words) <= 4 and words[0] in FIRST_NAMES \
            and not set(words) & (COUNTRIES | US_STATES | DEMONYMS):
        return "person"
    if len(words) == 1 and re.search(r"\b(" + "|".join(FIRST_NAMES) + r")\s+(?:[A-Z]\.\s+)?" + re.escape(bare) + r"\b",
                                     passage):
        return "person"  # "Musk" where the passage says "Elon Musk"
    return "other"


def name_tokens(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text)}


def swap_name(claim: LabeledClaim, pool: list[tuple[str, _Name]], rng: random.Random) -> tuple[str, str] | None:
    """The claim with one proper name replaced by a name of the same kind from another passage, and how."""
    passage = " ".join(claim.passage) or claim.evidence
    names = find_names(claim.claim, passage)
    typed = [n for n in names if n.kind != "other"]
    rng.shuffle(typed)
    untyped = [n for n in names if n.kind == "other"]
    rng.shuffle(untyped)
    known = name_tokens(passage)
    people = {n.text for n in find_names(passage, passage) if n.kind == "person"}
    for name in untyped:  # the passage may tell what the claim alone does not: "Joby Pool" is "Thief Joby Pool"
        if name.text in people or any(p.split()[-1] == name.text for p in people):
            name.kind = "person"
    typed, untyped = [n for n in typed + untyped if n.kind != "other"], [n for n in untyped if n.kind == "other"]
    rng.shuffle(typed)
    for name in typed + untyped:
        surname = name.kind == "person" and len(name.text.split()) == 1
        kinds = {name.kind} if name.kind != "other" else {"other", "org"}
        candidates = sorted({other.text for key, other in pool if key != claim.key and other.kind in kinds
                             and not (name_tokens(other.text) & known)
                             and not (name_tokens(other.text) & name_tokens(claim.claim))})
        if surname:
            candidates = sorted({c.split()[-1] for c in candidates if len(c.split()) > 1}
                                - {w for w in known})
        if not candidates:
            continue
        new = rng.choice(candidates)
        rest = claim.claim[name.end:]
        if rest[:1] in "'’" and rest[1:2] != "s" and not new.endswith("s"):
            rest = rest[:1] + "s" + rest[1:]  # "Spears' career" -> "Hamlin's career"
        changed = claim.claim[: name.start] + new + rest
        return changed, f"{name.text} -> {new} ({name.kind})"
    return None


# ---------------------------------------------------------------------------------------------- negation

AUXILIARIES = {"is", "are", "was", "were", "will", "would", "can", "could", "should", "may", "might", "must", "has",
               "have", "had", "shall"}
CONTRACTED = {"won't": "will", "can't": "can", "cannot": "can", "isn't": "is", "aren't": "are", "wasn't": "was",
              "weren't": "were", "wouldn't": "would", "couldn't": "could", "shouldn't": "should", "hasn't": "has",
              "haven't": "have", "hadn't": "had", "mustn't": "must"}
IRREGULAR = dict(pair.split(":") for pair in """said:say told:tell won:win lost:lose took:take made:make became:become
began:begin came:come went:go got:get gave:give found:find left:leave met:meet paid:pay put:put set:set cut:cut hit:hit
shut:shut struck:strike fell:fall wrote:write ran:run sold:sell bought:buy brought:bring thought:think held:hold
kept:keep led:lead saw:see spent:spend stood:stand drew:draw broke:break chose:choose rose:rise grew:grow knew:know
shot:shoot swore:swear sent:send built:build fought:fight caught:catch taught:teach sought:seek heard:hear felt:feel
meant:mean sank:sink flew:fly threw:throw drove:drive rode:ride hid:hide ate:eat woke:wake forgot:forget spoke:speak
stole:steal froze:freeze tore:tear wore:wear beat:beat quit:quit let:let spread:spread bid:bid upheld:uphold
withdrew:withdraw overtook:overtake oversaw:oversee had:have did:do shook:shake slid:slide sped:speed struck:strike
lit:light dealt:deal hung:hang sprang:spring stuck:stick swept:sweep wound:wind laid:lay lent:lend dug:dig fed:feed
fled:flee forbade:forbid forgave:forgive mistook:mistake overcame:overcome rebuilt:rebuild shrank:shrink
undertook:undertake underwent:undergo cost:cost hurt:hurt""".split())
PAST_OF = {base: past for past, base in IRREGULAR.items()}
PRESENT_VERBS = {"says", "claims", "promises", "warns", "shows", "appears", "plans", "wants", "remains", "faces",
                 "calls", "includes", "contains", "means", "lists", "represents", "owns", "offers", "carries", "needs",
                 "seems", "holds", "believes", "thinks", "knows", "expects", "requires", "allows", "helps", "costs",
                 "marks", "predicts", "suggests", "features", "looks", "covers", "boasts", "asks", "lets", "makes"}
NO_E = {"focused", "developed", "happened", "opened", "visited", "edited", "limited", "exited", "credited",
        "inherited", "prohibited", "exhibited", "deposited", "monitored", "sponsored", "honored", "anchored",
        "targeted", "budgeted", "marketed", "benefited", "offered", "entered", "covered", "considered", "ordered",
        "answered", "delivered", "discovered", "gathered", "suffered", "wondered", "bothered", "traveled", "labeled",
        "modeled", "canceled", "signaled", "threatened", "listened", "worsened", "weakened", "strengthened",
        "reckoned", "beckoned", "summoned", "abandoned", "galloped", "walloped", "ransomed"}
DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "these", "those", "that",
               "recently", "newly", "long", "so-called", "widely", "highly", "well", "once"}


def lemma(past: str) -> str:
    """The base form of a simple-past verb ("declared" -> "declare", "stopped" -> "stop", "said" -> "say")."""
    word = past.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    if not word.endswith("ed") or len(word) < 4:
        return word
    if word.endswith("ied"):
        return word[:-3] + "y"
    if word.endswith("eed"):
        return word[:-1]
    base = word[:-2]
    if word in NO_E:
        return base
    if base[-1] == base[-2] and base[-1] in "bdgmnprt" and not base.endswith(("dd", "rr")):
        return base[:-1]  # stopped -> stop, committed -> commit
    if base.endswith("uell") or (base.endswith("ell") and len(base) >= 6):
        return base[:-1]  # fuelled -> fuel, travelled -> travel (not spelled -> spel)
    return base + "e" if _needs_e(base) else base


E_AFTER_T = ("creat", "unit", "invit", "cit", "ignit", "excit", "recit", "incit", "writ", "expedit", "complet", "compet",
             "delet", "dilut", "plat", "wast", "tast", "past", "hast")
E_AFTER_NG = ("chang", "rang", "lleng", "plung", "lung", "veng", "fring", "hing", "sting")


def _needs_e(base: str) -> bool:
    """Whether "<base>ed" came from "<base>e": declared, created, used, moved (not defeated, opened, visited)."""
    single_vowel = len(base) >= 3 and base[-2] in "aeiouy" and base[-3] not in "aeiou"
    last = base[-1]
    if last in "vcuz":
        return not base.endswith("zz")
    if last == "s":
        return not base.endswith("ss")
    if last == "t":
        if base.endswith(E_AFTER_T):
            return True
        if base.endswith(("eat", "oat")):
            return False
        return base.endswith(("at", "ut")) or (base.endswith("ot") and not base.endswith("oot"))
    if last == "d":
        return base.endswith(("id", "ud", "od", "ad")) and not base.endswith(("ead", "oad", "ood"))
    if last == "r":
        return ((base.endswith(("ar", "ir", "ur")) and not base.endswith(("our", "ear", "air")))
                or base.endswith(("scor", "stor", "ignor", "xplor", "ador", "snor", "plor", "bor")))
    if last == "g":
        return base.endswith(E_AFTER_NG) or (base.endswith(("rg", "dg", "ag", "eg", "ug")) and not base.endswith("ng"))
    if last == "n":
        return (base.endswith(("in", "on", "un")) and not base.endswith(("ain", "oin", "ein", "ion", "oon", "own"))
                and single_vowel)
    if last == "l":
        return (bool(re.search(r"[^aeiou]l$", base)) and not base.endswith("ll")) or (
            single_vowel and base[-2] != "e")
    if last in "kmp":
        return single_vowel
    if last == "b":
        return base.endswith("ib")
    return False


def _past(base: str) -> str:
    if base in PAST_OF:
        return PAST_OF[base]
    if base.endswith("e"):
        return base + "d"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ied"
    return base + "ed"


def _third_person(base: str) -> str:
    if base == "have":
        return "has"
    if re.search(r"(s|sh|ch|x|z|o)$", base):
        return base + "es"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ies"
    return base + "s"


def _inside_quotes(text: str, position: int) -> bool:
    before = text[:position]
    return before.count("\"") % 2 == 1 or before.count("“") > before.count("”")


def negate(claim: str) -> tuple[str, str] | None:
    """The claim with its first verb negated (or its negation removed), and how; None when no safe edit is found.

    "X will Y" -> "X will not Y"; "X is Y" -> "X is not Y"; "X said" -> "X did not say"; "X says" -> "X does not say";
    "X won't Y" -> "X will Y"; "X did not Y" -> "X Yed"; "X has never Y" -> "X has Y"."""
    words = list(re.finditer(r"[A-Za-z’']+(?:-[A-Za-z]+)*", claim))
    for i, m in enumerate(words):
        word = m.group().lower().replace("’", "'")
        if _inside_quotes(claim, m.start()):
            continue
        if word in CONTRACTED:
            new = CONTRACTED[word]
            new = new.capitalize() if m.group()[0].isupper() else new
            return claim[: m.start()] + new + claim[m.end():], f"removed negation: {m.group()} -> {new}"
        if word == "not" and i + 1 < len(words) and words[i + 1].group().lower() == "to":
            return _join_cut(claim, m), "removed negation: not to"  # "pledged not to enforce" -> "pledged to enforce"
        if word in {"not", "never"} and i > 0:
            prev = words[i - 1].group().lower()
            if prev in AUXILIARIES:
                return _join_cut(claim, m), f"removed negation: {prev} {m.group()}"
            if prev in {"did", "does", "do"} and i + 1 < len(words):
                verb = words[i + 1]
                new = _past(verb.group().lower()) if prev == "did" else (
                    _third_person(verb.group().lower()) if prev == "does" else verb.group().lower())
                return (claim[: words[i - 1].start()] + new + claim[verb.end():],
                        f"removed negation: {prev} {m.group()} {verb.group()} -> {new}")
            if word == "never":
                return _join_cut(claim, m), "removed negation: never"
            return None
        if word in {"no", "nor", "neither", "without", "nobody", "nothing", "none"}:
            return None  # negation that is not a verb's: too easy to get wrong
    embedded = False  # inside "whether ..." / "if ...": negating there leaves the claim's truth unchanged
    embedded_verb = False
    for i, m in enumerate(words):
        word = m.group().lower()
        between = claim[words[i - 1].end(): m.start()] if i else ""
        if "," in between or word in CLAUSE_START:
            embedded, embedded_verb = word in {"whether", "if"}, False
        if embedded and word in AUXILIARIES:
            if not embedded_verb:
                embedded_verb = True  # the embedded clause's own verb: leave it
                continue
            embedded = False  # "Whether X are safe is being investigated": this one is the main verb
        if embedded or _inside_quotes(claim, m.start()) or (m.group()[0].isupper() and i > 0):
            continue
        previous = words[i - 1].group().lower() if i else ""
        if word in AUXILIARIES:
            following = next((w.group().lower() for w in words[i + 1:] if not w.group().lower().endswith("ly")), "")
            if word in {"has", "have", "had"} and not (following.endswith(("ed", "en")) or following in IRREGULAR
                                                        or following in {"been", "become", "come", "gone", "won", "lost"}):
                base = "have"
                aux = {"has": "does", "have": "do", "had": "did"}[word]
                return claim[: m.start()] + f"{aux} not {base}" + claim[m.end():], f"{word} -> {aux} not {base}"
            if word == "can":
                return claim[: m.start()] + m.group() + "not" + claim[m.end():], "can -> cannot"
            return claim[: m.end()] + " not" + claim[m.end():], f"{word} -> {word} not"
        if i == 0 or not _verb_position(words, i, claim):
            continue
        if word in IRREGULAR or (word.endswith("ed") and len(word) > 4 and word not in NOT_VERBS):
            if _aux_follows(words, i, claim) and word not in SPEECH_VERBS:
                continue  # "mattresses sold at Costco may have been ...": a participle before the real verb
            if i + 1 < len(words) and words[i + 1].group().lower() == "by" and word not in IRREGULAR:
                continue  # "known as", "led by": a participle, not the verb
            base = lemma(word)
            start = words[i - 1].start() if previous.endswith("ly") else m.start()  # "did not officially abolish"
            middle = claim[start: m.start()]
            return claim[:start] + f"did not {middle}{base}" + claim[m.end():], f"{word} -> did not {base}"
        if word in PRESENT_VERBS:
            base = word[:-3] + "y" if word.endswith("ies") else (
                word[:-2] if re.search(r"(sses|shes|ches|xes|oes)$", word) else word[:-1])
            return claim[: m.start()] + f"does not {base}" + claim[m.end():], f"{word} -> does not {base}"
    return None


CLAUSE_START = {"that", "and", "but", "because", "after", "before", "when", "while", "if", "whether", "as", "since",
                "although", "though", "so", "which", "who", "where", "until", "unless"}
PREPOSITIONS = {"of", "in", "on", "at", "for", "with", "to", "from", "by", "about", "as", "under", "into", "onto",
                "over", "after", "before", "than", "like", "without", "against", "during", "including", "among"}
QUANTITY = {"dozen", "dozens", "several", "many", "few", "some", "more", "most", "all", "both", "each", "every",
            "other", "hundreds", "thousands", "millions", "billions", "no"} | set(NUMBER_WORDS)
NOT_VERBS = {"hundred", "indeed", "naked", "wicked", "sacred", "kindred", "hatred", "wretched", "beloved", "speed",
             "breed", "seed", "need", "feed", "shed", "bed", "red", "bred", "ragged", "rugged", "crooked",
             "learned", "aged", "blessed", "dogged", "jagged", "married", "alleged", "so-called", "supposed",
             "undisclosed", "unprecedented", "unexpected", "unrelated", "unlimited", "unidentified", "unnamed", "based",
             "related", "linked", "led", "named", "called", "dubbed", "titled", "known", "armed", "skilled"}


def _verb_position(words: list, i: int, claim: str) -> bool:
    """Could words[i] be the sentence's finite verb? Not after a determiner, possessive, preposition, gerund,
    quantity or comma, and not an adverb-led opening ("Previously undisclosed details ...")."""
    previous_raw = words[i - 1].group()
    previous = previous_raw.lower()
    between = claim[words[i - 1].end(): words[i].start()]
    if previous in DETERMINERS or previous in AUXILIARIES or previous in PREPOSITIONS or previous in QUANTITY:
        return False
    if previous.endswith(("'s", "’s", "'", "’", "ing")) or "," in between or between.strip() in ("'", "’"):
        return False
    if re.fullmatch(r"\s+", between) is None and between.strip() not in ("",):
        return False
    if previous.endswith("ly") and i - 1 == 0:
        return False
    return not re.search(r"\d\s*$", claim[: words[i].start()])  # not "Over 12 reported tornadoes"


def _aux_follows(words: list, i: int, claim: str) -> bool:
    """An auxiliary comes later in the same clause: the word at i was a participle modifying the subject."""
    for j in range(i + 1, len(words)):
        word = words[j].group().lower()
        if word in CLAUSE_START or "," in claim[words[j - 1].end(): words[j].start()]:
            return False
        if word in AUXILIARIES:
            return True
    return False


def _join_cut(text: str, m: re.Match) -> str:
    """Remove a word and the space before it."""
    start = m.start()
    while start > 0 and text[start - 1] == " ":
        start -= 1
    return text[:start] + text[m.end():]


# ---------------------------------------------------------------------------------------------- perturbations

GENERIC_NAMES = {"us", "uk", "usa", "america", "britain", "england", "the"}
OFFTOPIC_MAX_OVERLAP = 0.34  # share of the claim's non-name content words found in the other sentence


def _content(text: str) -> set[str]:
    from assistant.text.words import content_words

    return set(content_words(text))


def _overlap(claim: str, sentence: str) -> float:
    words = _content(claim) - name_tokens(" ".join(n.text for n in find_names(claim)))
    return len(words & _content(sentence)) / len(words) if words else 0.0


def _shared_names(claim: str, sentence: str, passage: str) -> list[str]:
    shared = []
    for name in find_names(claim, passage):
        tokens = name_tokens(name.text) - GENERIC_NAMES
        if tokens and re.search(r"(?<![A-Za-z])" + re.escape(POSSESSIVE.sub("", name.text)) + r"(?![a-z])", sentence):
            shared.append(name.text)
    return shared


def _derived(parent: LabeledClaim, kind: str, claim: str, note: str, evidence: str | None = None,
             at: tuple | None = None, review: bool = False) -> LabeledClaim:
    """A generated false claim. `at` moves the evidence: (qa_file, question_id, index, passage) or (file, start, end)."""
    new = dataclasses.replace(parent, id=f"{parent.id}~{kind}", claim=claim, label=False, kind=kind,
                              source="generated", parent=parent.id, review=review, note=note)
    if evidence is not None:
        new.evidence = evidence
        if at and len(at) == 4:
            new.qa_file, new.question_id, new.sentence_index, new.passage = at
            new.sentence_sha1 = sha(evidence)
            new.year = int(at[0].split("/")[1]) if at[0].startswith("past/") else new.year
        elif at:
            new.file, new.start_line, new.end_line = at
    return new


def _sentences_with_place(claims: list[LabeledClaim]) -> list[tuple[str, str, tuple, list[str]]]:
    """Every real sentence of every passage behind the claims: (passage key, sentence, where, passage)."""
    seen, result = set(), []
    for c in claims:
        if c.key in seen:
            continue
        seen.add(c.key)
        if c.file:
            for text, first, last in seed_sentences(c.file):
                if is_real(text):
                    result.append((c.key, text, (c.file, first, last), c.passage))
        else:
            for index, text in enumerate(c.passage):
                if is_real(text):
                    result.append((c.key, text, (c.qa_file, c.question_id, index, c.passage), c.passage))
    return result


def _evidence_index(claim: LabeledClaim) -> int | None:
    if claim.sentence_index is not None:
        return claim.sentence_index
    wanted = " ".join(claim.evidence.split())
    return next((i for i, s in enumerate(claim.passage) if wanted in " ".join(s.split())), None)


def perturb(claims: list[LabeledClaim], seed: int = 0) -> list[LabeledClaim]:
    """The claims followed by false claims generated from the true ones: at most one of each kind per true claim.

    number    a number swapped for a plausible one the evidence does not hold (±1 digit, ×10, another passage's)
    name      a proper name swapped for one of the same kind (person, country, state, ...) from another passage
    negation  the first verb negated, or the claim's negation removed
    neighbour the claim against another sentence of its own passage (or of another passage naming the same name
              and sharing content words): review=True, the facts may coincide
    offtopic  the claim against a sentence of another passage that shares a proper name but few content words
    """
    passages = _sentences_with_place(claims)
    LOWERCASE_WORDS.clear()
    LOWERCASE_WORDS.update(re.findall(r"\b[a-z][a-z'’-]+\b", " ".join(t for _, t, _, _ in passages)
                                      + " ".join(c.claim for c in claims)))
    number_pool: dict[str, list[_Number]] = collections.defaultdict(list)
    name_pool: list[tuple[str, _Name]] = []
    for key, text, _, passage in passages:
        number_pool[key] += find_numbers(text)
        name_pool += [(key, n) for n in find_names(text, " ".join(passage))]
    generated = []
    for claim in claims:
        if not claim.label:
            continue
        rng = random.Random(f"{seed}:{claim.id}")
        other_numbers = [n for key, pool in number_pool.items() if key != claim.key for n in pool]
        if (swapped := swap_number(claim.claim, " ".join(claim.passage) or claim.evidence, other_numbers, rng)):
            generated.append(_derived(claim, "number", *swapped))
        if (swapped := swap_name(claim, name_pool, rng)):
            generated.append(_derived(claim, "name", *swapped))
        if (negated := negate(claim.claim)):
            generated.append(_derived(claim, "negation", *negated))
        generated += _neighbour_and_offtopic(claim, passages, rng)
    return claims + generated


# Neighbour pairs looked at by hand and left out because the other sentence states (nearly) the same fact, so a
# False label would be arguable: (hand-written claim id, first 12 hex of the other sentence's sha1).
NEIGHBOUR_EXCLUDED = {
    ("dev-20230825_19-para", "f8eaa408a9af"),  # sentence 1: the same return, the drink left unnamed
    ("heldout-20240329_0-lit", "f35928f64cc1"),  # 20241227_13: the same bridge collapse, the bridge left unnamed
    ("heldout-20241227_13-lit", "fd48f08593d6"),  # 20240329_0: the same collapse, the pillar left out
    # seeds: an article's report of a statement next to the statement's own words
    ("seeds-003-L88-1", "0f0aaaa108f5"),  # "The parties are pleased to note that the ... development of cooperation"
    ("seeds-003-L88-2", "0f0aaaa108f5"),
    ("seeds-003-L94-1", "a493ead1821f"),  # "The parties are committed to building a world free of chemical weapons"
    ("seeds-003-L94-2", "a493ead1821f"),
    ("seeds-003-L104-1", "6d55d5dde0db"),  # "The parties confirm the need to launch negotiations ..."
    ("seeds-003-L142-1", "8aa9b841a7b1"),  # "The two sides emphasize that the US and NATO ... should not try again"
    ("seeds-000-L3-1", "541637278f86"),  # "On defense and security issues, the sides agreed to strengthen ..."
    ("seeds-000-L10-1", "e7869dff866b"),  # "The two sides agreed on the importance of expanding cooperation ..."
    ("seeds-000-L14-1", "c37355eac1d4"),  # "The Russian side welcomed the resumption of diplomatic relations ..."
}


def _neighbour_and_offtopic(claim: LabeledClaim, passages, rng: random.Random) -> list[LabeledClaim]:
    result = []
    index = _evidence_index(claim)
    own = [(i, s) for i, s in enumerate(claim.passage) if i != index and is_real(s)
           and " ".join(s.split()) != " ".join(claim.evidence.split())]
    own = [(i, text) for i, text in own if _overlap(claim.claim, text) > 0 or _shared_names(claim.claim, text, text)]
    own = [(i, text) for i, text in own if (claim.id, sha(text)) not in NEIGHBOUR_EXCLUDED]
    if own and index is not None:  # the closest sentence on the same subject ("Find out more ..." is no neighbour)
        i, text = min(own, key=lambda pair: (-_overlap(claim.claim, pair[1]), abs(pair[0] - index), pair[0]))
        at = _place(claim, i, text, passages)
        coincide = _may_coincide(claim.claim, text)
        result.append(_derived(claim, "neighbour", claim.claim, f"sentence {i} of the same passage"
                               + ("; facts may coincide" if coincide else ""), text, at, review=True))
    same_story, offtopic = [], []
    joined = " ".join(claim.passage)
    for key, text, at, _ in passages:
        if key == claim.key or (claim.id, sha(text)) in NEIGHBOUR_EXCLUDED:
            continue
        shared = _shared_names(claim.claim, text, joined)
        if not shared:
            continue
        overlap = _overlap(claim.claim, text)
        (same_story if overlap > OFFTOPIC_MAX_OVERLAP else offtopic).append((overlap, text, at, shared))
    if not own and same_story:
        overlap, text, at, shared = rng.choice(sorted(same_story, key=lambda t: t[1]))
        result.append(_derived(claim, "neighbour", claim.claim,
                               f"another passage naming {', '.join(shared)}, content overlap {overlap:.2f}"
                               + ("; facts may coincide" if _may_coincide(claim.claim, text) else ""),
                               text, at, review=True))
    if offtopic:
        overlap, text, at, shared = rng.choice(sorted(offtopic, key=lambda t: t[1]))
        result.append(_derived(claim, "offtopic", claim.claim,
                               f"another passage naming {', '.join(shared)}, content overlap {overlap:.2f}", text, at))
    return result


def _place(claim: LabeledClaim, index: int, text: str, passages) -> tuple:
    if claim.file:
        return next(at for key, t, at, _ in passages if key == claim.key and t == text)
    return claim.qa_file, claim.question_id, index, claim.passage


def _may_coincide(claim: str, sentence: str) -> bool:
    """The other sentence holds the claim's numbers and names and most of its words: look before trusting False."""
    names_ok = name_tokens(" ".join(n.text for n in find_names(claim))) <= name_tokens(sentence)
    numbers_ok = number_values(claim) <= number_values(sentence)
    return names_ok and numbers_ok and _overlap(claim, sentence) >= 0.5


# ---------------------------------------------------------------------------------------------- command line


def stats(claims: list[LabeledClaim]) -> str:
    by_kind = collections.Counter((c.source, c.kind, c.label) for c in claims)
    lines = [f"{'source':<10} {'kind':<13} {'true':>5} {'false':>6}"]
    for source in ("hand", "generated"):
        kinds = sorted({k for s, k, _ in by_kind if s == source},
                       key=lambda k: (k not in ("literal", "paraphrase"), k))
        for kind in kinds:
            lines.append(f"{source:<10} {kind:<13} {by_kind[(source, kind, True)]:>5} {by_kind[(source, kind, False)]:>6}")
    labels = collections.Counter(c.label for c in claims)
    review = sum(c.review for c in claims)
    evidence = len({(c.key, c.evidence) for c in claims})
    lines.append(f"{'all':<10} {'':<13} {labels[True]:>5} {labels[False]:>6}   ({len(claims)} claims, "
                 f"{len({c.key for c in claims if c.source == 'hand'})} passages, {evidence} evidence sentences, "
                 f"{review} to review)")
    return "\n".join(lines)


def score(claims: list[LabeledClaim], similarity: float = 0.0) -> str:
    """How `assistant.answer.check.support` judges each claim against its one evidence sentence, by kind.

    No model is loaded: every claim gets the same `similarity` (0 = word overlap, numbers, names and negation only;
    the real checker also accepts a sentence whose embedding is within 0.70 of the evidence with 25% overlap)."""
    from assistant.answer.check import support
    from assistant.types import Evidence

    counts: dict[tuple[str, bool], list[int]] = collections.defaultdict(lambda: [0, 0])
    for c in claims:
        evidence = Evidence(id=1, text=c.evidence, source=c.file or c.key, start_line=c.start_line or 1,
                            end_line=c.end_line or 1, score=1.0)
        supported, _ = support(c.claim, [evidence], similarity)
        counts[(c.kind, c.label)][0] += supported
        counts[(c.kind, c.label)][1] += 1
    lines = [f"{'kind':<15} {'label':<6} {'n':>5} {'supported':>10}"]
    for (kind, label), (yes, n) in sorted(counts.items(), key=lambda kv: (not kv[0][1], kv[0][0])):
        lines.append(f"{kind:<15} {str(label).lower():<6} {n:>5} {yes / n:>10.2f}")
    true = [v for (k, label), v in counts.items() if label]
    false = [v for (k, label), v in counts.items() if not label]
    recall = sum(v[0] for v in true) / max(1, sum(v[1] for v in true))
    accepted = sum(v[0] for v in false) / max(1, sum(v[1] for v in false))
    lines.append(f"true claims supported {recall:.2f}; false claims supported {accepted:.2f} "
                 f"(similarity fixed at {similarity:.2f})")
    return "\n".join(lines)


def _safe_out(path: Path) -> Path:
    path = path.resolve()
    inside = ROOT in path.parents
    if inside and (ROOT / "benchmarks" / "out") not in path.parents:
        raise SystemExit(f"refusing to write evidence text inside the repository: {path} (use benchmarks/out/)")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("stats", "dump", "score"):
        command = sub.add_parser(name)
        command.add_argument("--repo", help="bare git dir of realtimeqa/realtimeqa_public (not needed for seeds)")
        command.add_argument("--set", required=True, dest="set_path")
        command.add_argument("--seed", type=int, default=0)
        command.add_argument("--no-perturb", action="store_true", help="only the hand-written claims")
        if name == "dump":
            command.add_argument("--out", required=True, help="JSONL path outside git (benchmarks/out/ is ignored)")
        if name == "score":
            command.add_argument("--similarity", type=float, default=0.0,
                                 help="the embedding similarity every claim is given (no model is loaded)")
    pick_cmd = sub.add_parser("pick")
    pick_cmd.add_argument("--repo", required=True)
    pick_cmd.add_argument("--year", required=True, choices=sorted(YEARS))
    pick_cmd.add_argument("--n", type=int, default=130)
    show_cmd = sub.add_parser("show")
    show_cmd.add_argument("--repo", required=True)
    show_cmd.add_argument("--qa", required=True)
    show_cmd.add_argument("--id", required=True)
    args = parser.parse_args(argv)

    if args.command == "pick":
        for qa_file, question_id in pick(Snapshot(args.repo), args.year, args.n):
            print(qa_file, question_id)
        return 0
    if args.command == "show":  # prints publisher text to the terminal only
        for index, text in enumerate(Snapshot(args.repo).sentences(args.qa, args.id)):
            print(f"[{index}]{'*' if is_real(text) else ' '} {sha(text)} {text}")
        return 0
    claims = load(args.repo, args.set_path)
    if not args.no_perturb:
        claims = perturb(claims, args.seed)
    if args.command == "stats":
        print(stats(claims))
    elif args.command == "score":
        print(score(claims, args.similarity))
    else:
        out = _safe_out(Path(args.out))
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for claim in claims:
                handle.write(json.dumps(claim.triple(), ensure_ascii=False) + "\n")
        print(f"wrote {len(claims)} triples to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
