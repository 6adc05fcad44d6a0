"""The labeled-claims benchmark (benchmarks/claims.py): evidence text, loading, and the false claims made by code.

Every sentence here is synthetic; no publisher's text is needed."""

import json
import random
import subprocess
from pathlib import Path

import pytest

from benchmarks import claims

ROOT = Path(__file__).resolve().parent.parent.parent


def _claim(text, evidence, passage=None, key="q1", **extra):
    return claims.LabeledClaim(id=f"t-{key}-lit", claim=text, label=True, kind="literal", evidence=evidence,
                               qa_file="past/2023/20230106_qa.jsonl", question_id=key, sentence_index=0,
                               sentence_sha1=claims.sha(evidence), passage=passage or [evidence], **extra)


# ------------------------------------------------------------------------------------------------ evidence text

def test_html_is_stripped_inline_tags_without_space_block_tags_as_paragraphs():
    html = ('<p class="x">The <a href="u">Buffalo</a> <a href="u">Bills</a> won&#39;s game&nbsp;on Monday.</p>'
            '<p>Fans cheered &amp; sang. <strong>Mr.</strong> Smith left.</p>'
            '<div><iframe title="A chart">chart text</iframe> Ten teams will compete in the cup.</div>'
            'LeBron and Bronny James</strong></p><p>They played together for the first time.')
    assert claims.sentences(html) == [
        "The Buffalo Bills won's game on Monday.",
        "Fans cheered & sang.",
        "Mr. Smith left.",
        "Ten teams will compete in the cup.",
        "LeBron and Bronny James",
        "They played together for the first time.",
    ]


def test_a_real_sentence_has_six_words_and_ends_like_a_sentence():
    assert claims.is_real("The council approved the new budget on Monday.")
    assert not claims.is_real("Find out more.")
    assert not claims.is_real("LeBron and Bronny James made history together")


def test_sha_is_twelve_hex_digits_of_the_utf8_sentence():
    assert claims.sha("Día de los Muertos.") == __import__("hashlib").sha1("Día de los Muertos.".encode()).hexdigest()[:12]


# ------------------------------------------------------------------------------------------------ numbers

@pytest.mark.parametrize("number, expected", [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"),
                                              (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (112, "112th")])
def test_ordinals(number, expected):
    assert claims._ordinal(number) == expected


def test_numbers_with_commas_decimals_ordinals_decades_units_and_words():
    found = {(n.text, n.category, n.value) for n in claims.find_numbers(
        "In the 1990s, 2,000 people paid $2.5 million for the 11th edition in 2023; two lost $182bn at 30C.")}
    assert found == {("1990s", "decade", 1990), ("2,000", "integer", 2000), ("2.5", "decimal", 2.5),
                     ("11th", "ordinal", 11), ("2023", "year", 2023), ("two", "word", 2), ("182bn", "integer", 182),
                     ("30C", "integer", 30)}
    assert not claims.find_numbers("He died at ninety-five.")  # a compound number word is left alone


def _swapped(claim, evidence, seed=0, pool=()):
    return claims.swap_number(claim, evidence, list(pool), random.Random(seed))


@pytest.mark.parametrize("seed", range(8))
def test_swapped_number_keeps_its_format_and_is_absent_from_the_evidence(seed):
    evidence = "The club sold 2,000 tickets and 3,000 scarves."
    new, _ = _swapped("The club sold 2,000 tickets.", evidence, seed)
    number = claims.find_numbers(new)[0]
    assert "," in number.text and number.value not in {2000, 3000}
    assert new.replace(number.text, "2,000") == "The club sold 2,000 tickets."


@pytest.mark.parametrize("seed", range(8))
def test_ordinals_decades_and_decimals_stay_what_they_are(seed):
    new, _ = _swapped("It was the 11th plane.", "It was the 11th plane.", seed)
    assert new in {"It was the 10th plane.", "It was the 12th plane."}
    new, _ = _swapped("It began in the 1990s.", "It began in the 1990s.", seed)
    assert new in {"It began in the 1980s.", "It began in the 2000s."}
    new, _ = _swapped("Prices rose 2.5 percent.", "Prices rose 2.5 percent.", seed)
    assert claims.find_numbers(new)[0].value in {2.4, 2.6, 25}


@pytest.mark.parametrize("seed", range(8))
def test_bounded_numbers_move_only_the_way_that_keeps_the_claim_false(seed):
    new, _ = _swapped("More than 5,000 people died.", "More than 5,000 people died.", seed)
    assert claims.find_numbers(new)[0].value > 5000  # "more than 4,000" would still be true
    new, _ = _swapped("It is open to children under 16.", "It is open to children under 16.", seed)
    assert claims.find_numbers(new)[0].value < 16
    new, _ = _swapped("About 40,000 people came.", "About 40,000 people came.", seed)
    assert abs(claims.find_numbers(new)[0].value - 40000) / 40000 >= 0.2


def test_a_day_of_the_month_stays_a_day():
    for seed in range(10):
        new, _ = _swapped("The ban starts on 31 March.", "The ban starts on 31 March.", seed)
        assert 1 <= claims.find_numbers(new)[0].value <= 31


def test_a_replacement_the_evidence_already_holds_is_skipped():
    # 2 -> 1 or 3 and 2 -> 20 are all in the evidence; only a number from the pool is left.
    pool = claims.find_numbers("Seven boats sank.")
    new, how = _swapped("Two boats sank.", "Two boats sank, one, three or twenty, nobody knows.", 0, pool)
    assert new == "Seven boats sank." and "another passage" in how
    assert _swapped("Two boats sank.", "Two boats sank, one or three.", 0) is None


# ------------------------------------------------------------------------------------------------ names

def test_names_are_typed_when_the_type_can_be_told():
    names = {(n.text, n.kind) for n in claims.find_names(
        "Former PM Thaksin Shinawatra met Ohio Sen. JD Vance and Kenyan Eliud Kipchoge in France, "
        "then flew to New Jersey with the Wagner Group.")}
    assert names >= {("Thaksin Shinawatra", "person"), ("Ohio", "state"), ("JD Vance", "person"),
                     ("Kenyan", "demonym"), ("Eliud Kipchoge", "person"), ("France", "country"),
                     ("New Jersey", "state"), ("Wagner Group", "org")}


def test_a_capitalised_first_word_is_no_name():
    assert [n.text for n in claims.find_names("Millions of Hyundai cars may catch fire.")] == ["Hyundai"]
    assert [n.text for n in claims.find_names("The Ocean State is a nickname.")] == ["Ocean State"]


def test_a_name_is_swapped_for_one_of_the_same_kind_from_another_passage_and_absent_here():
    passage = "Joe Biden met Mark Rutte in Germany."
    claim = _claim("Joe Biden met Mark Rutte in Germany.", passage)
    pool = [("q2", n) for n in claims.find_names("Emma Stone flew to Spain with Joe Biden.")]
    for seed in range(6):
        new, how = claims.swap_name(claim, pool, random.Random(seed))
        assert new != claim.claim
        assert ("Emma Stone" in new and "(person)" in how) or ("Spain" in new and "(country)" in how)
        assert "Joe Biden" in new or "Mark Rutte" in new


def test_a_possessive_stays_a_possessive():
    claim = _claim("Spears' memoir is out.", "Britney Spears' memoir is out.")
    pool = [("q2", claims._Name(0, 10, "Taylor Hall", "person"))]
    new, _ = claims.swap_name(claim, pool, random.Random(0))
    assert new == "Hall's memoir is out."


# ------------------------------------------------------------------------------------------------ negation

@pytest.mark.parametrize("claim, negated", [
    ("The iPhone 15 will be unveiled in September.", "The iPhone 15 will not be unveiled in September."),
    ("Most microbes can digest plastic.", "Most microbes cannot digest plastic."),
    ("The dam could fail this week.", "The dam could not fail this week."),
    ("Twitter is facing lawsuits.", "Twitter is not facing lawsuits."),
    ("Wells Fargo said it fixed the glitch.", "Wells Fargo did not say it fixed the glitch."),
    ("The council declared an emergency.", "The council did not declare an emergency."),
    ("The 13th Amendment officially abolished slavery.", "The 13th Amendment did not officially abolish slavery."),
    ("The plan promises lower bills.", "The plan does not promise lower bills."),
    ("Rhode Island has 400 miles of shoreline.", "Rhode Island does not have 400 miles of shoreline."),
    ("Musk has reportedly lost $182bn.", "Musk has not reportedly lost $182bn."),
    ("Customers won't be able to dial 411.", "Customers will be able to dial 411."),
    ("The company can't make money on eggs.", "The company can make money on eggs."),
    ("The firm did not pay the rent.", "The firm paid the rent."),
    ("Tryptophan is not the main reason.", "Tryptophan is the main reason."),
    ("She has never won an Oscar.", "She has won an Oscar."),
    ("The federation pledged not to enforce the rules.", "The federation pledged to enforce the rules."),
    ("Whether the cars are safe is being investigated.", "Whether the cars are safe is not being investigated."),
    ("Thousands of mattresses sold at Costco may have been exposed.",
     "Thousands of mattresses sold at Costco may not have been exposed."),
])
def test_negation(claim, negated):
    assert claims.negate(claim)[0] == negated


def test_negation_leaves_quotes_and_bare_no_alone():
    assert claims.negate('The poster said "Have fun but remember this town is not your toilet".') == (
        'The poster did not say "Have fun but remember this town is not your toilet".', "said -> did not say")
    assert claims.negate("No date has been set.") is None


@pytest.mark.parametrize("past, base", [("declared", "declare"), ("stopped", "stop"), ("said", "say"),
                                        ("defeated", "defeat"), ("created", "create"), ("opened", "open"),
                                        ("carried", "carry"), ("agreed", "agree"), ("focused", "focus"),
                                        ("fuelled", "fuel"), ("changed", "change"), ("visited", "visit"),
                                        ("co-authored", "co-author"), ("welcomed", "welcome")])
def test_lemma(past, base):
    assert claims.lemma(past) == base


# ------------------------------------------------------------------------------------------------ perturb

def test_perturb_makes_only_false_claims_from_true_ones_each_different_and_marked():
    a = _claim("Acme Corp hired 2,000 workers in Texas in 2021.", "Acme Corp hired 2,000 workers in Texas in 2021.",
               passage=["Acme Corp hired 2,000 workers in Texas in 2021.", "Acme Corp workers in Texas got a raise."],
               key="q1")
    b = _claim("Joe Biden visited Ohio on Monday.", "Joe Biden visited Ohio on Monday.", key="q2")
    c = _claim("Acme Corp sold its stake in a mine.", "Acme Corp sold its stake in a mine in Peru.", key="q3")
    wrong = dataclass_replace(a, id="t-q1-false", claim="Acme Corp fired 2,000 workers.", label=False, kind="role")
    result = claims.perturb([a, b, c, wrong], seed=1)
    generated = [g for g in result if g.source == "generated"]
    assert result[:4] == [a, b, c, wrong]
    assert generated and all(not g.label for g in generated)
    assert not any(g.parent == wrong.id for g in generated)
    by_parent = {g.parent for g in generated}
    assert by_parent <= {a.id, b.id, c.id}
    for g in generated:
        parent = next(x for x in (a, b, c) if x.id == g.parent)
        assert g.claim != parent.claim or g.evidence != parent.evidence
        assert g.id == f"{parent.id}~{g.kind}"
    kinds = {(g.parent, g.kind) for g in generated}
    assert {(a.id, "number"), (a.id, "negation"), (a.id, "neighbour"), (b.id, "name"), (b.id, "negation")} <= kinds
    neighbour = next(g for g in generated if g.kind == "neighbour" and g.parent == a.id)
    assert neighbour.review and neighbour.evidence == a.passage[1] and neighbour.sentence_index == 1
    assert neighbour.sentence_sha1 == claims.sha(a.passage[1])
    number = next(g for g in generated if g.kind == "number" and g.parent == a.id)
    assert not claims.number_values(number.claim) <= claims.number_values(a.evidence)
    offtopic = next(g for g in generated if g.kind == "offtopic" and g.parent == c.id)
    assert offtopic.evidence in a.passage and offtopic.question_id == "q1"  # shares "Acme Corp", not the fact


def dataclass_replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


# ------------------------------------------------------------------------------------------------ loading

def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_load_resolves_and_verifies_each_sentence_and_skips_a_mismatch(tmp_path):
    work = tmp_path / "work"
    (work / "past" / "2023").mkdir(parents=True)
    row = {"question_id": "20230106_0", "evidence": "<p>The <a>city</a> opened a new bridge on Monday.</p>"
           "<p>It cost two million dollars to build.</p>"}
    (work / "past" / "2023" / "20230106_qa.jsonl").write_text(json.dumps(row) + "\n")
    _git(work, "init", "-q")
    _git(work, "add", ".")
    _git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    bare = tmp_path / "repo.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    good = claims.sha("It cost two million dollars to build.")
    lines = [
        {"id": "dev-20230106_0-lit", "year": 2023, "qa_file": "past/2023/20230106_qa.jsonl",
         "question_id": "20230106_0", "sentence_index": 1, "sentence_sha1": good,
         "claim": "The bridge cost two million dollars.", "label": True, "kind": "literal"},
        {"id": "dev-20230106_0-false", "year": 2023, "qa_file": "past/2023/20230106_qa.jsonl",
         "question_id": "20230106_0", "sentence_index": 1, "sentence_sha1": "000000000000",
         "claim": "The bridge cost three million dollars.", "label": False, "kind": "number"},
        {"id": "dev-20230106_0-para", "year": 2023, "qa_file": "past/2023/20230106_qa.jsonl",
         "question_id": "20230106_0", "sentence_index": 5, "sentence_sha1": good,
         "claim": "x", "label": True, "kind": "paraphrase"},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    reports = []
    loaded = claims.load(str(bare), path, report=reports.append)
    assert [c.id for c in loaded] == ["dev-20230106_0-lit"]
    assert loaded[0].evidence == "It cost two million dollars to build."
    assert loaded[0].passage == ["The city opened a new bridge on Monday.", "It cost two million dollars to build."]
    assert len(reports) == 2 and "sha1 mismatch" in reports[0] and "no sentence 5" in reports[1]


def test_the_committed_seed_set_resolves_in_full():
    reports = []
    loaded = claims.load(None, ROOT / "evals" / "claims" / "seeds.jsonl", report=reports.append)
    assert not reports and len(loaded) >= 40
    assert {c.label for c in loaded} == {True, False}
    for c in loaded:
        lines = (ROOT / c.file).read_text(encoding="utf-8").splitlines()[c.start_line - 1: c.end_line]
        assert " ".join(c.evidence.split()) in " ".join(" ".join(lines).split())


def test_committed_sets_hold_references_not_evidence():
    for name in ("dev.jsonl", "heldout.jsonl"):
        for line in (ROOT / "evals" / "claims" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert set(row) == {"id", "year", "qa_file", "question_id", "sentence_index", "sentence_sha1", "claim",
                                "label", "kind"}
            assert row["year"] == (2023 if name == "dev.jsonl" else 2024)


def test_dump_refuses_to_write_evidence_inside_the_repository_outside_benchmarks_out():
    with pytest.raises(SystemExit):
        claims._safe_out(ROOT / "evals" / "claims" / "dump.jsonl")
    assert claims._safe_out(ROOT / "benchmarks" / "out" / "dump.jsonl")


SNAPSHOT = Path(__import__("os").environ.get("CLAIMS_REPO", "/work/.mirror/realtimeqa+realtimeqa_public/repo"))


@pytest.mark.skipif(not SNAPSHOT.exists(), reason="no RealTimeQA snapshot (set CLAIMS_REPO to its bare git dir)")
def test_committed_claims_resolve_and_never_repeat_their_evidence_sentence():
    """The sets may not carry the publishers' text: no claim repeats 80% or more of its sentence word for word."""
    import difflib
    import re

    def words(text):
        return re.sub(r"[^a-z0-9 ]", " ", text.lower().replace("’", "").replace("'", "")).split()

    for name in ("dev.jsonl", "heldout.jsonl"):
        reports = []
        loaded = claims.load(str(SNAPSHOT), ROOT / "evals" / "claims" / name, report=reports.append)
        assert not reports and len(loaded) == 384 and len({c.question_id for c in loaded}) == 128
        for c in loaded:
            said, source = words(c.claim), words(c.evidence)
            run = max(b.size for b in difflib.SequenceMatcher(None, said, source, autojunk=False).get_matching_blocks())
            assert run / len(source) < 0.8, c.id
