"""Date shifting for the Modified Dates option: whole days, dates only, times dropped.

A value that does not parse as a date is emptied rather than kept: an unparseable value is
exactly the kind of place a free-text identifier hides.
"""

from datetime import date, timedelta


def _shift_one(value: str, days: int) -> str:
    digits = value.strip(" \0").replace(".", "")  # ACR-NEMA dates are written YYYY.MM.DD
    if len(digits) < 8 or not digits[:8].isdigit():
        return ""
    try:
        shifted = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])) + timedelta(days=days)
    except (ValueError, OverflowError):
        return ""
    return f"{shifted.year:04d}{shifted.month:02d}{shifted.day:02d}"


def shift_dates(text: str, days: int) -> str:
    """Shift each backslash-separated DA (or date part of a DT) in ``text`` by ``days``.

    DT values keep only their shifted date: times of day and UTC offsets are not retained.
    Unparseable values and ranges become empty values.
    """
    return "\\".join(
        "" if "-" in value.strip(" \0-") else _shift_one(value, days) for value in text.split("\\")
    )
