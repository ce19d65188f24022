"""Checks behind the text rules: check digits, phone numbers, and the word lists.

Check digits come from ``python-stdnum`` where it has the scheme (NHS number, US SSN) and are
written here where it has not (CHI, Australian Medicare); phone numbers are judged by
``phonenumbers`` (Google's libphonenumber metadata), for the UK and the US.
"""

from datetime import date
from functools import cache

import phonenumbers
from stdnum.gb import nhs
from stdnum.us import ssn as us_ssn

PHONE_REGIONS = ("GB", "US")


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether ten digits carry a valid NHS / CHI modulus-11 check digit."""
    return nhs.is_valid(digits)


def nhs_or_chi(digits: str, before: str) -> str:
    """CHI numbers start with the birth date (DDMMYY): the first digit is 0 to 3."""
    if "chi" in before.lower():
        return "chi_number"
    if "nhs" in before.lower():
        return "nhs_number"
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    try:
        date(2000 + year, month, day)
    except ValueError:
        return "nhs_number"
    return "chi_number" if digits[0] in "0123" else "nhs_number"


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """A US SSN as issued: no 000, 666 or 9xx area, no 00 group or 0000 serial, and none of
    the numbers published in advertisements (stdnum keeps that list)."""
    return us_ssn.is_valid(f"{area}-{group}-{serial}")


def au_medicare_ok(digits: str) -> bool:
    """Australian Medicare card number: 9th digit = weighted sum of the first 8 mod 10."""
    if len(digits) < 9 or digits[0] not in "23456":
        return False
    weights = (1, 3, 7, 9, 1, 3, 7, 9)
    total = sum(int(d) * w for d, w in zip(digits[:8], weights, strict=True))
    return total % 10 == int(digits[8])


def phone_ok(candidate: str, *, context: bool) -> bool:
    """A valid UK or US number (or international with +), or a possible one written the way
    phone numbers are (a leading + or 0, or a bracketed area code) or next to a word such as
    "tel" or "mobile". Numbers in ranges kept for drama and examples are possible, not valid."""
    written_as_phone = candidate.startswith(("+", "0", "("))
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
        if (context or written_as_phone) and phonenumbers.is_possible_number(number):
            return True
    return False


# Web addresses of the literature and of guidelines are references, not identifiers.
REFERENCE_SITES = (
    "doi.org",
    "ncbi.nlm.nih.gov",
    "pubmed",
    "nice.org.uk",
    "who.int",
    "radiopaedia.org",
    "bmj.com",
    "nejm.org",
    "thelancet.com",
    "wikipedia.org",
    "cochranelibrary.com",
    "sign.ac.uk",
    "uptodate.com",
    "clinicaltrials.gov",
    "cdc.gov",
    "nih.gov",
    "gov.uk",
    "nhs.uk",
)


@cache
def reference_site(address: str) -> bool:
    lowered = address.lower()
    host = lowered.split("://", 1)[-1].split("/", 1)[0]
    return any(host == site or host.endswith("." + site) for site in REFERENCE_SITES) or any(
        site in lowered for site in ("doi.org/", "pubmed")
    )


US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
    ]
)

# Capitalised words that follow "patient", a title or "called" without being a name: a name
# stops at the first of these ("Mrs Jones Was seen" -> "Mrs Jones").
NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "it",
        "his",
        "her",
        "their",
        "who",
        "whom",
        "which",
        "what",
        "was",
        "is",
        "were",
        "are",
        "has",
        "had",
        "have",
        "with",
        "without",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "in",
        "on",
        "at",
        "of",
        "to",
        "from",
        "by",
        "as",
        "after",
        "before",
        "during",
        "since",
        "until",
        "when",
        "while",
        "where",
        "if",
        "then",
        "than",
        "also",
        "not",
        "no",
        "yes",
        "all",
        "any",
        "each",
        "both",
        "education",
        "information",
        "safety",
        "group",
        "groups",
        "history",
        "notes",
        "note",
        "records",
        "record",
        "consent",
        "transport",
        "services",
        "service",
        "care",
        "experience",
        "experiences",
        "reported",
        "outcome",
        "outcomes",
        "cohort",
        "cohorts",
        "characteristics",
        "demographics",
        "selection",
        "population",
        "leaflet",
        "leaflets",
        "journey",
        "pathway",
        "pathways",
        "support",
        "advice",
        "satisfaction",
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "presented",
        "presents",
        "admitted",
        "attended",
        "underwent",
        "developed",
        "reports",
        "reported",
        "denied",
        "denies",
        "complained",
        "complains",
        "described",
        "describes",
        "remained",
        "remains",
        "recovered",
        "required",
        "requires",
        "received",
        "receives",
        "declined",
        "declines",
        "had",
        "has",
        "started",
        "stopped",
        "continued",
        "mri",
        "ct",
        "pet",
        "us",
        "ecg",
        "eeg",
        "emg",
        "hiv",
        "hbv",
        "hcv",
        "copd",
        "icu",
        "ed",
        "gp",
        "ae",
        "a&e",
        "ot",
        "pt",
        "sle",
        "ra",
        "ms",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "today",
        "yesterday",
        "tomorrow",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "male",
        "female",
        "man",
        "woman",
        "boy",
        "girl",
        "child",
        "infant",
        "baby",
        "mother",
        "father",
        "son",
        "daughter",
        "wife",
        "husband",
        "registrar",
        "consultant",
        "nurse",
        "doctor",
        "surgeon",
        "physician",
        "team",
        "ward",
        "clinic",
        "hospital",
        "unit",
        "department",
        "service",
        "trust",
        "foundation",
        "board",
        "medical",
        "general",
        "royal",
        "university",
        "left",
        "right",
        "bilateral",
        "upper",
        "lower",
        "anterior",
        "posterior",
    ]
)
