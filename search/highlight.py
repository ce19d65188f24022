"""Highlighting for the database backend: a fragment of plain text with the matches marked.

Pure. The result is safe HTML in the same form the engine backend returns: the text is
escaped and the only markup is balanced ``<mark>``/``</mark>``.
"""

import html
import re
from collections.abc import Iterable

FRAGMENT_SIZE = 150
#: Terms this short are marked as whole words only: neither "mi" nor the synonym "ami" may
#: mark part of "family".
SHORT_TERM = 4


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all terms, longest first; None when there are none."""
    parts = []
    for term in sorted({t.lower() for t in terms if t.strip()}, key=len, reverse=True):
        escaped = r"\s+".join(re.escape(word) for word in term.split())
        parts.append(rf"\b{escaped}\b" if len(term) <= SHORT_TERM else escaped)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def highlight(text: str, pattern: re.Pattern[str] | None, size: int = FRAGMENT_SIZE) -> str:
    """A fragment of about ``size`` characters around the first match, every match in it
    marked; "" when ``text`` has no match. Whitespace is collapsed; cuts fall on spaces and are
    shown as "…"."""
    if pattern is None:
        return ""
    text = " ".join(text.split())
    first = pattern.search(text)
    if first is None:
        return ""
    start = max(0, first.start() - size // 3)
    end = min(len(text), start + size)
    if start > 0:
        space = text.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first.end(), end)
        end = space if space != -1 else end
    fragment = text[start:end]
    out = ["…" if start > 0 else ""]
    position = 0
    for match in pattern.finditer(fragment):
        out.append(html.escape(fragment[position : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        position = match.end()
    out.append(html.escape(fragment[position:]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
