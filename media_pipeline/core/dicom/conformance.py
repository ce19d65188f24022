"""Whether a kept value looks like its VR: the last check before an element is kept.

A corrupt length makes an element swallow the elements after it, names included, and pydicom
reads on without complaint; a corrupt tag can give a patient's name the tag of an attribute
that is kept. Both leave a kept value that does not look like its VR: control characters in
text, lower case in a code string, more numbers than the attribute holds, letters in a UID.
Such an element is removed rather than trusted.
"""

import re

from pydicom.multival import MultiValue

from media_pipeline.core.dicom.profile import TEXT_VRS

_CS = re.compile(r"[A-Z0-9 _]{0,16}")
_DS = re.compile(r"[0-9+\-.Ee ]{0,16}")
_IS = re.compile(r"[0-9+\- ]{0,12}")
# Control characters other than ESC, which ISO 2022 character sets need.
_CONTROL = re.compile(r"[\x00-\x1a\x1c-\x1f\x7f]")
_PATTERNS = {"CS": _CS, "DS": _DS, "IS": _IS}
_MAX_CHARS = {"SH": 16, "LO": 64}
_BYTES_PER_CHAR = 4  # a character of a multi-byte character set takes up to four bytes
_BINARY_SIZES = {"US": 2, "SS": 2, "UL": 4, "SL": 4, "FL": 4, "AT": 4, "FD": 8, "UV": 8, "SV": 8}


def conforms(elem, vr: str, known: tuple | None) -> bool:
    """Whether ``elem`` (raw or decoded) has a value of the shape ``vr`` allows.

    ``known`` is pydicom's dictionary entry for the tag: text must carry the dictionary's VR,
    and numbers may not exceed the attribute's value multiplicity.
    """
    value = elem.value
    if value is None or value == b"" or value == "":
        return True
    pattern = _PATTERNS.get(vr)
    if pattern is not None:
        return all(pattern.fullmatch(part.strip(" \0")) for part in value_text(value).split("\\"))
    if vr in TEXT_VRS:
        return _plain_text(elem, vr, known)
    size = _BINARY_SIZES.get(vr.split(" or ")[0])
    if size is not None and known is not None:
        count = len(value) // size if isinstance(value, bytes) else _count(value)
        fits = not isinstance(value, bytes) or len(value) % size == 0
        return fits and count <= _max_multiplicity(known[1])
    return True


def _plain_text(elem, vr: str, known: tuple | None) -> bool:
    if elem.VR is not None and known is not None and known[0] != elem.VR:
        return False  # an element written under another attribute's tag
    text = value_text(elem.value)
    limit = _MAX_CHARS.get(vr)
    too_long = limit is not None and any(
        len(part) > limit * _BYTES_PER_CHAR for part in text.split("\\")
    )
    return not too_long and not _CONTROL.search(text.rstrip("\0 "))


def value_text(value) -> str:
    """A raw or decoded value as one string, values joined by backslashes; bytes as latin-1,
    so every byte stays one character."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, MultiValue | list | tuple):
        return "\\".join(str(item) for item in value)
    return str(value)


def _count(value) -> int:
    return len(value) if isinstance(value, MultiValue | list | tuple) else 1


def _max_multiplicity(vm: str) -> float:
    if "n" in vm:
        return float("inf")
    try:
        return int(vm.split("-")[-1])
    except ValueError:
        return float("inf")
