"""Find likely patient identifiers in free clinical text.

``find_identifiers(text)`` returns one ``Finding`` (kind, start, end, text) per likely
identifier, in order, with offsets into the text as given. It is built for a reader who must
not be drowned in false alarms: doses and ratios ("10/12", "1:1000"), staging ("T2N1M0",
"C5/6"), lab values ("BP 120/80", "HbA1c 48"), scores ("GCS 14/15"), eponyms, drug and gene
names and the age band are left alone, so every rule needs either a checksum, a format no
clinical value has, or a context word.

Evasions are undone before matching: zero-width and bidirectional control characters are
dropped, other digits (full-width, Arabic-Indic) read as ASCII digits and dashes as "-", and
the findings are mapped back to the original characters. The work is linear in the length of
the text (no pattern can backtrack over more than a few dozen characters).

The rules and their look-alikes are measured by ``benchmarks/text_privacy.py``.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from media_pipeline.core.privacy import identifiers as ids

#: Kind -> how it reads in a sentence ("looks like {label}").
KIND_LABELS: dict[str, str] = {
    "date": "a date",
    "age": "an age over 89",
    "nhs_number": "an NHS number",
    "chi_number": "a CHI number",
    "ssn": "a US Social Security number",
    "medicare": "a Medicare number",
    "record_number": "a hospital or record number",
    "phone": "a phone number",
    "email": "an email address",
    "url": "a web address",
    "postcode": "a postcode",
    "zip_code": "a ZIP code",
    "address": "a street address",
    "name": "a person's name",
    "long_number": "a long number",
}
# When two rules claim overlapping text, the earlier kind here wins (then the longer match).
PRIORITY = (
    "email",
    "url",
    "nhs_number",
    "chi_number",
    "ssn",
    "medicare",
    "record_number",
    "date",
    "age",
    "postcode",
    "zip_code",
    "address",
    "phone",
    "name",
    "long_number",
)


@dataclass(frozen=True)
class Finding:
    """A likely identifier: ``text`` is ``source[start:end]`` of the text that was checked."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text}


def find_identifiers(text: str) -> list[Finding]:
    """Every likely identifier in ``text``, in order of position, none overlapping."""
    if not text:
        return []
    plain, origin = _normalise(text)
    candidates: list[tuple[str, int, int]] = []
    for rule in RULES:
        candidates.extend(rule(plain))
    rank = {kind: index for index, kind in enumerate(PRIORITY)}
    candidates.sort(key=lambda c: (rank[c[0]], -(c[2] - c[1]), c[1]))
    taken: list[tuple[int, int]] = []
    kept = []
    for kind, start, end in candidates:
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        taken.append((start, end))
        first, last = origin[start], origin[end - 1] + 1
        kept.append(Finding(kind, first, last, text[first:last]))
    return sorted(kept, key=lambda finding: finding.start)


# --- normalisation ------------------------------------------------------------------------


def _normalise(text: str) -> tuple[str, list[int]]:
    """``text`` with invisible characters dropped and look-alike characters made plain, and
    for each character of the result the index of the character it came from."""
    if text.isascii():
        return text, range(len(text))  # type: ignore[return-value]
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        plain = _plain_char(char)
        if plain:
            chars.append(plain)
            origin.append(index)
    return "".join(chars), origin


@cache
def _plain_char(char: str) -> str:
    """One plain character for ``char``, or "" for a character that shows nothing."""
    if char.isascii():
        return char
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width spaces and joiners, bidirectional marks and overrides
        return ""
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if category == "Pd" or char == "\u2212":  # every dash, and the minus sign
        return "-"
    if category == "Zs":
        return " "
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


# --- rules: each returns (kind, start, end) in the normalised text --------------------------
#
# Patterns start with a digit or a literal wherever they can, and what must not come before a
# match is checked in Python (``_starts_token``): a pattern that opens with a look-behind or a
# case-insensitive alternation is tried at every position of the text, and the checker must
# stay within a few milliseconds per 1,000 words.


def _starts_token(text: str, start: int, also: str = "-") -> bool:
    """Whether nothing word-like (or in ``also``) touches ``text[start]`` from the left."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (before.isalnum() or before == "_" or before in also)


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(
    sorted({f for m in MONTHS for f in (m, m.capitalize(), m.upper())}, key=len, reverse=True)
)
# Dates with a month name are found from the month outwards: a search for the month word is
# cheap, a pattern that may start with a weekday or a day at every position of the text is not.
MONTH_WORD = re.compile(rf"(?:{_MONTH_NAMES})\b\.?")
_YEAR = r"(?:19|20)\d\d|'\d\d"
DAY_BEFORE = re.compile(
    r"(?:(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+)?"
    r"(?:the\s+)?(?<!\d)(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*|-)(?:of\s+)?$",
    re.IGNORECASE,
)
YEAR_AFTER = re.compile(rf"(?:,?\s*|-)(?:of\s+)?(?:{_YEAR})(?![\w'])")
DAY_AFTER = re.compile(
    rf"\s+(?:the\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+(?:{_YEAR}))?(?![\w'/:]|[.,]\d)",
    re.IGNORECASE,
)
_TIME = r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
NUMERIC_DATE = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})(?![/-]|\.\d|(?!T\d)\w)"
)
COMPACT_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\w|\.\d)")
TIME_AFTER = re.compile(rf"(?:,?\s*(?:at\s+)?{_TIME}|T\d{{2}}:\d{{2}}(?::\d{{2}})?)", re.IGNORECASE)
TIME_BEFORE = re.compile(rf"{_TIME}\s*,?\s*(?:on\s+)?$", re.IGNORECASE)
# Scores written like dates: "Apgar 7/9/10", "power 4/5/5".
SCORE_BEFORE = re.compile(r"\b(?:apgar|score|scores|power|mrc|grade|grades)\b[^.;\n]{0,12}$", re.I)


def _with_time(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a date span over a time of day written next to it."""
    after = TIME_AFTER.match(text, end)
    if after:
        end = after.end()
    before = TIME_BEFORE.search(text, max(0, start - 24), start)
    if before:
        start = before.start()
    return start, end


def dates(text: str):
    for month in MONTH_WORD.finditer(text):
        if not _starts_token(text, month.start(), ""):
            continue
        word = month[0].rstrip(".")
        # "may" and three-letter abbreviations are ordinary words in lower case ("2 may be").
        lowercase_word = word.islower() and (word == "may" or len(word) <= 4)
        start, end = month.start(), month.end()
        day_before = DAY_BEFORE.search(text, max(0, start - 24), start)
        year_after = YEAR_AFTER.match(text, end)
        day_after = None if day_before else DAY_AFTER.match(text, end)
        if day_before and 1 <= int(day_before["day"]) <= 31:
            start = day_before.start()
            end = year_after.end() if year_after else end
        elif day_after and 1 <= int(day_after["day"]) <= 31:
            end = day_after.end()
        elif year_after and not year_after[0].lstrip(", -").startswith("'"):
            end = year_after.end()
        else:
            continue
        if lowercase_word:
            continue
        yield ("date", *_with_time(text, start, end))
    for match in NUMERIC_DATE.finditer(text):
        start = match.start()
        if (
            _starts_token(text, start, "./:-")
            and _numeric_date_ok(match)
            and not SCORE_BEFORE.search(text, max(0, start - 30), start)
        ):
            yield ("date", *_with_time(text, start, match.end()))
    for match in COMPACT_DATE.finditer(text):
        if _starts_token(text, match.start(), ".") and _real_date(
            int(match["y"]), int(match["m"]), int(match["d"])
        ):
            yield ("date", *_with_time(text, match.start(), match.end()))


def _numeric_date_ok(match: re.Match) -> bool:
    a, b, c = match["a"], match["b"], match["c"]
    if len(a) == 4:  # year first: 2024-03-03, 2024/3/3
        return len(c) <= 2 and _real_date(int(a), int(b), int(c))
    if len(a) > 2 or len(c) == 3:
        return False
    year = int(c) if len(c) == 4 else 2000 + int(c)
    if len(c) == 4 and not 1900 <= year <= 2099:
        return False
    if match["sep"] == "." and len(c) == 2 and int(a) <= 12 and int(b) <= 12 and a[0] != "0":
        return False  # "1.2.10" reads more like a version or a list than a date
    day_first = _real_date(year, int(b), int(a))
    month_first = _real_date(year, int(a), int(b))
    return day_first or month_first


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2099


AGE_NUMBER = re.compile(r"(?:9\d|1[0-2]\d)(?![\d.])")
AGE_BEFORE = re.compile(r"\b(?:aged?|age:)\s*$", re.IGNORECASE)
AGE_AFTER = re.compile(
    r"\s*-?\s*(?:years?|yrs?|y)\s*-?\s*(?:old|of\s+age)\b"
    r"|\s*(?:yo|y/o|y\.o\.|yr|yrs|y)\b(?!\s*(?:mg|ml|g)\b)",
    re.IGNORECASE,
)


def ages(text: str):
    for match in AGE_NUMBER.finditer(text):
        start, end = match.span()
        if not _starts_token(text, start, ".,/"):
            continue
        before = AGE_BEFORE.search(text, max(0, start - 8), start)
        after = AGE_AFTER.match(text, end)
        if before or after:
            yield ("age", before.start() if before else start, after.end() if after else end)


# NHS/CHI numbers: ten digits, usually 3-3-4; the mod-11 check digit tells them from any other
# ten-digit number (1 in 11 random numbers pass, so an unchecked run needs a context word).
TEN_DIGITS = re.compile(r"(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w-]|\.\d)")
CONTEXT_NHS = re.compile(
    r"\b(?:NHS|CHI)(?:\s*(?:number|no\.?|num|#))?(?:\s+(?:is|was|of))?\W*$", re.IGNORECASE
)


def health_numbers(text: str):
    for match in TEN_DIGITS.finditer(text):
        if not _starts_token(text, match.start()):
            continue
        digits = match[1] + match[3] + match[4]
        near = text[max(0, match.start() - 30) : match.start()]
        if ids.nhs_check_digit_ok(digits) or CONTEXT_NHS.search(near):
            yield (ids.nhs_or_chi(digits, near), match.start(), match.end())


SSN = re.compile(r"(\d{3})-(\d{2})-(\d{4})(?![\w-])")
SSN_CONTEXT = re.compile(
    r"\b(?:SSN|social\s+security(?:\s+(?:number|no\.?))?)\W{0,4}(\d{3})[ -]?(\d{2})[ -]?(\d{4})\b",
    re.IGNORECASE,
)


def ssns(text: str):
    for match in SSN.finditer(text):
        if _starts_token(text, match.start()) and ids.ssn_ok(match[1], match[2], match[3]):
            yield ("ssn", match.start(), match.end())
    lowered = text.lower()
    if "ssn" not in lowered and "social security" not in lowered:
        return
    for match in SSN_CONTEXT.finditer(text):
        yield ("ssn", match.start(1), match.end())


_MBI_LETTER = "AC-HJKMNP-RT-Y"
MBI = re.compile(
    rf"\b[1-9][{_MBI_LETTER}][{_MBI_LETTER}\d]\d-?[{_MBI_LETTER}][{_MBI_LETTER}\d]\d-?"
    rf"[{_MBI_LETTER}]{{2}}\d{{2}}\b"
)
AU_MEDICARE = re.compile(r"([2-6]\d{3})\s?(\d{5})\s?(\d)(?:[\s/-]?(\d))?(?![\w-])")
MEDICARE_CONTEXT = re.compile(r"\bmedicare\b(?:\s+(?:card|number|no\.?|id|#))*\W*$", re.IGNORECASE)


def medicare_numbers(text: str):
    for match in MBI.finditer(text):
        if sum(char.isdigit() for char in match[0]) >= 4:
            yield ("medicare", match.start(), match.end())
    for match in AU_MEDICARE.finditer(text):
        if not _starts_token(text, match.start()):
            continue
        digits = match[1] + match[2]
        near = text[max(0, match.start() - 30) : match.start()]
        spaced = " " in match[0]
        if ids.au_medicare_ok(digits) and (spaced or MEDICARE_CONTEXT.search(near)):
            yield ("medicare", match.start(), match.end())


RECORD_VALUE = re.compile(r"\d[\d -]{3,14}\d[A-Z]?(?![\w/])")
RECORD_CONTEXT = re.compile(
    r"(?:\b(?i:m\.?r\.?n|medical\s+record|(?:case\s+)?record|hospital|hosp\.?|unit|patient|"
    r"case|chart|accession|episode|registration|reg\.?|clinic)"
    r"(?i:\s+(?:number|no\.?|num|id|identifier|#))"
    r"|\b(?i:mrn|hospital\s+id|patient\s+id|identifier|i\.d\.)|\bID|\bRXX?|#)"
    r"(?i:\s*(?:is|was|of|:|=|#|-)){0,2}\s*$"
)


def record_numbers(text: str):
    # From the number back to its label: numbers of five digits or more are few.
    for match in RECORD_VALUE.finditer(text):
        start = match.start()
        if sum(c.isdigit() for c in match[0]) < 5:
            continue
        while start > match.start() - 3 and start and "A" <= text[start - 1] <= "Z":
            start -= 1  # a letter prefix: "K1234567", "RX1234567"
        if not _starts_token(text, start, ""):
            continue
        prefix = text[start : match.start()]
        if prefix in ("RX", "RXX") or RECORD_CONTEXT.search(text, max(0, start - 48), start):
            yield ("record_number", start, match.end())


LONG_NUMBER = re.compile(r"\d{9,}(?![\w.,]|\s*(?:copies|cells|iu|/|x\s*10))", re.IGNORECASE)


def long_numbers(text: str):
    for match in LONG_NUMBER.finditer(text):
        if _starts_token(text, match.start(), ".,"):
            yield ("long_number", match.start(), match.end())


PHONE_CANDIDATE = re.compile(r"(?<![\w+/.:-])(?:\+|00)?\(?\d[\d\s().-]{7,17}\d(?![\w/:-]|\.\d)")
PHONE_CONTEXT = re.compile(
    r"\b(?:tel|telephone|phone|mobile|mob|cell|fax|call|contact|ring|landline)\b\W{0,6}$",
    re.IGNORECASE,
)


def phones(text: str):
    for match in PHONE_CANDIDATE.finditer(text):
        candidate = match[0].rstrip(" .-(")
        if candidate.count("(") != candidate.count(")"):
            candidate = candidate.lstrip("(")
        digits = sum(char.isdigit() for char in candidate)
        if not 9 <= digits <= 15 or "  " in candidate:
            continue
        near = text[max(0, match.start() - 24) : match.start()]
        if ids.phone_ok(candidate, context=bool(PHONE_CONTEXT.search(near))):
            start = match.start() + match[0].index(candidate)
            yield ("phone", start, start + len(candidate))


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]", re.IGNORECASE)
BARE_DOMAIN = re.compile(
    r"(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:com|org|net|edu|gov|info|biz|io|uk|us|ca|au|nz|ie|de|fr|nl|in)\b"
    r"(?:/[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?])?",
    re.IGNORECASE,
)


TLD_GATE = re.compile(
    r"\.(?:com|org|net|edu|gov|info|biz|io|uk|us|ca|au|nz|ie|de|fr|nl|in)\b", re.I
)


def web(text: str):
    # Cheap gates first: most clinical text has no "@", "www." or top-level domain at all.
    if "@" in text:
        for match in EMAIL.finditer(text):
            yield ("email", match.start(), match.end())
    patterns = [URL] if "www." in text.lower() or "://" in text else []
    if TLD_GATE.search(text):
        patterns.append(BARE_DOMAIN)
    for pattern in patterns:
        for match in pattern.finditer(text):
            if not ids.reference_site(match[0]):
                yield ("url", match.start(), match.end())


UK_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b"
    r"|\b(?:[a-pr-uwyz][a-hk-y]?\d[a-z\d]?) \d[abd-hjlnp-uw-z]{2}\b"
)


def postcodes(text: str):
    for match in UK_POSTCODE.finditer(text):
        yield ("postcode", match.start(), match.end())


ZIP_VALUE = re.compile(r"\d{5}(?P<plus4>-\d{4})?(?![\w-])")
ZIP_BEFORE = re.compile(
    r"(?:\b(?P<state>[A-Z]{2}),?\s+|\b(?i:zip(?:\s*code)?|postal\s+code)\W{0,3})$"
)


def zip_codes(text: str):
    for match in ZIP_VALUE.finditer(text):
        start = match.start()
        if not _starts_token(text, start):
            continue
        label = ZIP_BEFORE.search(text, max(0, start - 16), start)
        state_ok = label and (label["state"] is None or label["state"] in ids.US_STATES)
        if state_ok or match["plus4"]:
            yield ("zip_code", start, match.end())


_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Crescent|Cres|Court|Ct|Place|Pl|"
    "Boulevard|Blvd|Terrace|Gardens|Grove|Hill|Park|Square|Sq|Row|Mews|Walk|Parade|Highway|Hwy"
)
_STREET_WORD = r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
ADDRESS_NUMBERED = re.compile(
    rf"\b(?:(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,5}}[A-Za-z]?,?\s+"
    rf"(?:{_STREET_WORD}\s+){{1,3}}(?:{_STREET_TYPES})\b\.?"
)
ADDRESS_NAMED = re.compile(
    rf"\b(?:{_STREET_WORD}\s+){{1,2}}(?:Street|Road|Avenue|Lane|Drive|Crescent|Terrace|Boulevard|Mews)\b"
)


STREET_GATE = re.compile(rf"\b(?:{_STREET_TYPES})\b")


def addresses(text: str):
    if not STREET_GATE.search(text):
        return
    for pattern in (ADDRESS_NUMBERED, ADDRESS_NAMED):
        for match in pattern.finditer(text):
            yield ("address", match.start(), match.end())


_NAME_WORD = r"(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z][A-Z'’-]{3,}|[A-Z]')"
TITLED_NAME = re.compile(
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sister|Sr|Nurse|Rev|Sir|Dame|Master)\.?\s+"
    rf"(?P<name>(?:[A-Z]\.\s*)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
)
PATIENT_NAME = re.compile(
    r"\b(?i:patient|pt\.?|client|named|called|known\s+as|name\s+is|name:|née|nee)\s*[,:]?\s*"
    r"(?P<name>[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?(?:\s+[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?){0,2})"
)
EPONYM_FOLLOWERS = re.compile(
    r"^(?:'s|’s)?\s+(?:sign|disease|syndrome|test|manoeuvre|maneuver|phenomenon|criteria|"
    r"score|scale|classification|fracture|palsy|ulcer|reflex|triad|law|node|procedure)\b",
    re.IGNORECASE,
)


PATIENT_WORDS = ("patient", "pt", "client", "named", "called", "known as", "name", "née", "nee")


def names(text: str):
    lowered = text.lower()
    patterns = [TITLED_NAME]
    if any(word in lowered for word in PATIENT_WORDS):
        patterns.append(PATIENT_NAME)
    for pattern in patterns:
        for match in pattern.finditer(text):
            words = match["name"].split()
            kept = []
            for word in words:
                if word.strip(".").lower() in ids.NOT_NAMES:
                    break
                kept.append(word)
            if not kept or (pattern is PATIENT_NAME and len(kept[0]) < 3):
                continue
            end = match.start("name") + len(" ".join(kept))
            if EPONYM_FOLLOWERS.match(text[end : end + 40]):
                continue
            if pattern is TITLED_NAME and not _starts_token(text, match.start(), ""):
                continue
            start = match.start() if pattern is TITLED_NAME else match.start("name")
            yield ("name", start, end)


RULES = (
    web,
    health_numbers,
    ssns,
    medicare_numbers,
    record_numbers,
    dates,
    ages,
    postcodes,
    zip_codes,
    addresses,
    phones,
    names,
    long_numbers,
)
