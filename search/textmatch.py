"""A query plan matched against plain text in Python, the way the indexes match it: words
whole (plurals and possessives folded), phrases as phrases, a partial last word as a word
start. Used where no index is involved: saved-search alerts on a new case, and ranking the
cases whose diagnosis matches first among very many matches. Pure: no Django."""

from collections.abc import Iterable

from search.synonyms import normalise_words
from search.understanding import QueryPlan


def _stem(word: str) -> str:
    """ "fractures" -> "fracture", "sjogren's" -> "sjogren"; "abscess" stays."""
    if len(word) <= 3:
        return word
    if word.endswith("'s"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class CaseText:
    """Texts' words, ready for term and phrase checks."""

    def __init__(self, values: Iterable[str | list[str] | None]):
        parts = []
        for value in values:
            value = value or ""
            parts += value if isinstance(value, list) else [value]
        # " | " keeps phrases from running across fields
        stems = [" ".join(_stem(w) for w in normalise_words(part)) for part in parts]
        self.joined = " " + " | ".join(stems) + " "
        self.words = frozenset(self.joined.split())

    def has(self, term: tuple[str, ...], prefix: bool) -> bool:
        if len(term) == 1:
            stem = _stem(term[0])
            if stem in self.words:
                return True
            return prefix and f" {term[0]}" in self.joined
        return " " + " ".join(_stem(w) for w in term) + " " in self.joined


def plan_matches(text: CaseText, plan: QueryPlan) -> bool:
    """Every term of one of the plan's phrasings occurs in ``text`` (no phrasings: yes)."""
    if not plan.phrasings:
        return True
    return any(
        all(text.has(term, term in plan.prefix_terms) for term in phrasing.terms)
        for phrasing in plan.phrasings
    )
