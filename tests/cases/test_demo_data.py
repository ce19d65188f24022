"""The demo data set behind ``manage.py seed_demo``: well formed, consistent and synthetic.

Django-free on purpose: it reads the JSON files directly, so a broken data file fails fast
without a database. The identifier checks are a tripwire for anything that looks like real
patient data (dates, NHS numbers, titled names, phone numbers), not a proof of anonymity.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "cases" / "demo_data"

CASE_KEYS = {
    "external_id",
    "title",
    "summary",
    "history",
    "examination",
    "imaging_findings",
    "diagnosis",
    "certainty",
    "differentials",
    "management_outcome",
    "learning_points",
    "discussion_references",
    "specialty",
    "body_systems",
    "age_band",
    "sex",
    "tags",
    "case_mode",
    "licence",
    "author",
    "status",
    "consent",
}
TEXT_FIELDS = (
    "title",
    "summary",
    "history",
    "examination",
    "imaging_findings",
    "management_outcome",
    "learning_points",
    "discussion_references",
)
# Word-count bounds keep demo cases realistic in length: (min, max).
WORD_LIMITS = {
    "history": (60, 200),
    "examination": (40, 150),
    "management_outcome": (30, 120),
    "discussion_references": (40, 150),
}
ENUMS = {
    "certainty": {"possible", "probable", "almost_certain", "certain"},
    "sex": {"female", "male", "other", "not_stated"},
    "case_mode": {"opinion", "teaching"},
    "licence": {"CC-BY-NC-SA-4.0", "CC-BY-4.0"},
    "author": {"demo-clinician", "demo-editor"},
    "status": {"published", "draft"},
    "consent": {"consent_obtained", "not_identifiable"},
    "age_band": {
        "0-1",
        "1-4",
        *(f"{low}-{low + 4}" for low in range(5, 90, 5)),
        "90+",
    },
}

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
IDENTIFIER_PATTERNS = {
    "dd/mm/yyyy date": re.compile(r"(?<![\d.])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d.])"),
    "yyyy-mm-dd date": re.compile(r"\b(?:19|20)\d{2}([/.-])\d{1,2}\1\d{1,2}\b"),
    "month and year": re.compile(
        rf"\b(?:{MONTHS})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d{{2}}\b"
    ),
    "day and month": re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b"),
    "NHS-like number": re.compile(r"(?<![\d.])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d.])"),
    "titled name": re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z][a-z]+"),
    "phone number": re.compile(
        r"(?:\+\d{1,3}[\s-]?\d{2,5}|\(?0\d{2,4}\)?)[\s-]?\d{3,4}[\s-]?\d{3,4}\b"
    ),
}


def _load(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _words(text):
    return len(text.split())


@pytest.fixture(scope="module")
def specialties():
    return _load("specialties.json")


@pytest.fixture(scope="module")
def body_systems():
    return _load("body_systems.json")


@pytest.fixture(scope="module")
def conditions():
    return _load("conditions.json")


@pytest.fixture(scope="module")
def document():
    return _load("cases.json")


@pytest.fixture(scope="module")
def cases(document):
    return document["cases"]


def _verhoeff_ok(digits: str) -> bool:
    """The Verhoeff check that every SNOMED CT identifier's last digit satisfies."""
    mult = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    perm = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ]
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = mult[check][perm[position % 8][int(digit)]]
    return check == 0


def _identifier_hits(text):
    return [label for label, pattern in IDENTIFIER_PATTERNS.items() if pattern.search(text)]


# --- the tripwire itself must fire, or the synthetic-data test below proves nothing ---


@pytest.mark.parametrize(
    "text",
    [
        "Seen on 03/11/2021 with chest pain",
        "Admitted 2021-11-03 overnight",
        "Admitted in March 2021",
        "Discharged on 4 May",
        "NHS number 943 476 5919",
        "NHS number 9434765919",
        "Referred by Dr Patel",
        "Mrs Jones attended",
        "Call 020 7946 0958",
        "Call +44 7700 900123",
    ],
)
def test_identifier_patterns_catch_identifiers(text):
    assert _identifier_hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Blood pressure 150/90 mmHg, potassium 3.5-5.3 mmol/L, pH 7.24 (7.35-7.45)",
        "Visual acuity 6/60, GCS 14/15, platelets 232 × 10⁹/L",
        "Lancet. 2016;387:1723-1731.",
        "Aged 55-59, TICI 2c, 40 pack-years, ferritin 8 µg/L",
    ],
)
def test_identifier_patterns_spare_clinical_values(text):
    assert _identifier_hits(text) == []


# --- taxonomy ---


def test_specialties_and_body_systems_are_unique_names(specialties, body_systems):
    assert len(specialties) >= 24
    assert len(body_systems) >= 18
    for names in (specialties, body_systems):
        assert all(isinstance(name, str) and name == name.strip() and name for name in names)
        assert len({name.casefold() for name in names}) == len(names)


def test_conditions_are_well_formed(conditions):
    assert len(conditions) >= 170
    for item in conditions:
        assert set(item) == {"name", "synonyms", "icd10", "snomed"}, item
        assert item["name"] and item["name"] == item["name"].strip()
        assert re.fullmatch(r"[A-Z]\d{2}(?:\.\d)?", item["icd10"]), item
        assert isinstance(item["synonyms"], list) and item["synonyms"], item["name"]
        assert all(s and s == s.strip() for s in item["synonyms"]), item["name"]


def test_snomed_ids_are_valid_concept_identifiers(conditions):
    for item in conditions:
        code = item["snomed"]
        if code == "":
            continue
        assert re.fullmatch(r"[1-9]\d{5,17}", code), item
        # Partition "00": an international-release concept id, not a description or relationship.
        assert code[-3:-1] == "00", item
        assert _verhoeff_ok(code), item


def test_condition_names_and_synonyms_do_not_collide(conditions):
    names = [item["name"].casefold() for item in conditions]
    duplicates = [name for name, count in Counter(names).items() if count > 1]
    assert duplicates == []
    name_set = set(names)
    for item in conditions:
        folded = [s.casefold() for s in item["synonyms"]]
        assert len(set(folded)) == len(folded), item["name"]
        assert name_set.isdisjoint(folded), item["name"]


# --- cases ---


def test_case_file_header(document):
    assert document["format"] == "casebook.cases"
    assert document["version"] == 1


def test_case_counts_and_spread(cases, specialties):
    assert len(cases) >= 36
    assert sum(case["status"] == "published" for case in cases) >= 30
    used = {case["specialty"] for case in cases}
    assert len(used) >= 20
    assert {case["case_mode"] for case in cases} == {"opinion", "teaching"}


def test_case_ids_are_unique_and_sequential(cases):
    ids = [case["external_id"] for case in cases]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"demo-\d{3}", external_id) for external_id in ids)


def test_cases_have_exact_keys_and_allowed_values(cases):
    for case in cases:
        assert set(case) == CASE_KEYS, case["external_id"]
        for field, allowed in ENUMS.items():
            assert case[field] in allowed, (case["external_id"], field, case[field])


def test_case_text_lengths(cases):
    for case in cases:
        assert all(isinstance(case[field], str) for field in TEXT_FIELDS)
        assert 0 < len(case["title"]) <= 120, case["external_id"]
        assert 0 < len(case["summary"]) <= 250 and "\n" not in case["summary"]
        for field, (low, high) in WORD_LIMITS.items():
            assert low <= _words(case[field]) <= high, (case["external_id"], field)
        bullets = [line for line in case["learning_points"].splitlines() if line.strip()]
        assert 2 <= len(bullets) <= 4, case["external_id"]
        assert all(line.startswith("- ") for line in bullets), case["external_id"]


def test_case_tags(cases):
    for case in cases:
        tags = case["tags"]
        assert len(tags) <= 4, case["external_id"]
        assert all(tag == tag.lower().strip() and tag for tag in tags), case["external_id"]
        assert len(set(tags)) == len(tags), case["external_id"]


def test_cases_refer_to_existing_taxonomy(cases, conditions, specialties, body_systems):
    names = {item["name"] for item in conditions}
    for case in cases:
        assert case["diagnosis"] in names, case["external_id"]
        assert case["specialty"] in specialties, case["external_id"]
        assert 1 <= len(case["body_systems"]) <= 2, case["external_id"]
        assert set(case["body_systems"]) <= set(body_systems), case["external_id"]


def test_differentials_are_exact_names_or_genuine_free_text(cases, conditions):
    """A free-text differential that matches a known term means a misspelt link, not free text."""
    exact = {item["name"] for item in conditions}
    known_terms = {item["name"].casefold(): item["name"] for item in conditions}
    for item in conditions:
        for synonym in item["synonyms"]:
            known_terms.setdefault(synonym.casefold(), item["name"])
    for case in cases:
        differentials = case["differentials"]
        assert 1 <= len(differentials) <= 4, case["external_id"]
        assert case["diagnosis"] not in differentials, case["external_id"]
        for differential in differentials:
            if differential not in exact:
                assert differential.casefold() not in known_terms, (
                    case["external_id"],
                    differential,
                    known_terms.get(differential.casefold()),
                )


def test_demo_search_terms_are_covered(cases, conditions):
    """Search demos type abbreviations and lay terms; each must reach a seeded case."""
    diagnoses = {case["diagnosis"] for case in cases}
    reachable = set()
    for item in conditions:
        if item["name"] in diagnoses:
            reachable |= {item["name"].casefold(), *(s.casefold() for s in item["synonyms"])}
    for term in ("mi", "pe", "dvt", "cva", "stroke", "copd", "dka", "uti", "pneumonia"):
        assert term in reachable, term
    for term in ("appendicitis", "sah", "aaa", "heart attack"):
        assert term in reachable or any(term in name for name in reachable), term


def test_no_text_looks_like_a_real_identifier(cases):
    for case in cases:
        for field in TEXT_FIELDS:
            hits = _identifier_hits(case[field])
            assert hits == [], (case["external_id"], field, hits)
