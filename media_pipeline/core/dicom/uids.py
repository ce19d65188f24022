"""Keyed, consistent and non-reversible UID remapping for one case.

The rule is a whitelist: a UID value stays only when it is a well-known value from the standard
(SOP classes, transfer syntaxes, well-known frames of reference and instances, coding schemes),
or one of a few external coding-scheme OIDs. Every other UID value, whatever the attribute that
carries it, is replaced by ``2.25.<128-bit integer>`` derived with HMAC-SHA256 under the case key,
so the same input always maps to the same output within a case and the mapping cannot be undone
or recomputed without the key.
"""

import hashlib
import hmac
import re

from pydicom.uid import UID_dictionary

# Every UID the standard itself defines lives under this root; none of them identifies a patient.
DICOM_ROOT = "1.2.840.10008."

# PS3.5 9.1: numeric components separated by periods, at most 64 characters.
UID_PATTERN = re.compile(r"(?=.{1,64}$)[0-9]+(\.[0-9]+)*")

# Coding-scheme OIDs from outside the DICOM root that appear in coded attributes.
EXTERNAL_CODING_SCHEMES = frozenset(
    {
        "2.16.840.1.113883.6.96",  # SNOMED CT
        "2.16.840.1.113883.6.1",  # LOINC
        "2.16.840.1.113883.6.8",  # UCUM
        "2.16.840.1.113883.6.256",  # RadLex
    }
)

# Casebook's own implementation class UID (a 2.25 UUID-derived root, fixed forever).
IMPLEMENTATION_CLASS_UID = "2.25.211954870617243318730245417035125718367"
IMPLEMENTATION_VERSION_NAME = "CASEBOOK_1"


def is_well_known(uid: str) -> bool:
    """True when ``uid`` is a value defined by the standard or a known coding scheme."""
    if uid in UID_dictionary or uid in EXTERNAL_CODING_SCHEMES:
        return True
    return uid.startswith(DICOM_ROOT) and UID_PATTERN.fullmatch(uid) is not None


class UidMapper:
    """Map instance UIDs to new ``2.25`` UIDs with a per-case HMAC key; memoised per value."""

    def __init__(self, key: bytes):
        self._key = key
        self._cache: dict[str, str] = {}

    def __call__(self, uid: str) -> str:
        """Return the replacement for ``uid``; well-known values come back unchanged."""
        uid = uid.strip("\0 ")
        mapped = self._cache.get(uid)
        if mapped is None:
            if not uid or is_well_known(uid):
                mapped = uid
            else:
                digest = hmac.new(self._key, uid.encode("ascii", "replace"), hashlib.sha256)
                mapped = "2.25." + str(int.from_bytes(digest.digest()[:16], "big"))
            self._cache[uid] = mapped
        return mapped
