"""Highlighting for the database backend: a fragment of plain text with the matches marked.

Pure. The result is safe HTML in the same form the engine backend returns: the text is
escaped and the only markup is balanced ``<mark>``/``</mark>``.
"""

import html
import re
import unicodedata
from collections.abc import Iterable

FRAGMENT_SIZE = 150
#: Endings a stemming index matches too ("fracture" marks "fractures"); never a part of a word.
_ENDINGS = r"(?:s|es|'s)?"


def term_pattern(
    terms: Iterable[tuple[str, ...]], prefixes: Iterable[tuple[str, ...]] = ()
) -> re.Pattern[str] | None:
    """One case-insensitive pattern marking each term (a word, or a phrase of several) as
    whole words only: "stemi" never marks part of "systemic", "heart attack" only the phrase.
    Terms in ``prefixes`` also mark words they start ("cholecyst" marks "cholecystitis")."""
    starts = set(prefixes)
    parts = []
    for term in sorted(set(terms), key=lambda t: -len(" ".join(t))):
        if not term:
            continue
        escaped = r"[\W_]+".join(_folded(word) for word in term)
        ending = r"\w*" if term in starts else _ENDINGS
        parts.append(rf"(?<!\w){escaped}{ending}(?!\w)")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _folded(word: str) -> str:
    """A word as a pattern that also matches its accented spellings (terms are accent-free)."""
    return "".join(re.escape(ch) + "[\u0300-\u036f]*" for ch in word)


def highlight(text: str, pattern: re.Pattern[str] | None, size: int = FRAGMENT_SIZE) -> str:
    """A fragment of about ``size`` characters around the first match, every match in it
    marked; "" when ``text`` has no match. Whitespace is collapsed; cuts fall on spaces and are
    shown as "…"."""
    if pattern is None:
        return ""
    # Decomposed, so that accent-free terms match accented words; composed again at the end.
    text = unicodedata.normalize("NFD", " ".join(text.split()))
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
    return unicodedata.normalize("NFC", "".join(out))
