"""URL converters shared by every app."""

#: The largest id a database row can have (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class IdConverter:
    """A database id: digits that fit a signed 64-bit integer. A larger number matches no
    URL (a 404) instead of overflowing the database driver (a 500 on SQLite)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)
