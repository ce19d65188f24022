"""Condition names as authors type them: an exact name, or a synonym that names one condition.

The case form's diagnosis and differentials are text fields (a typeahead helps in the
browser; without JavaScript they still work): this module turns what was typed into a
``Condition``, or says why it cannot.
"""

from django.db.models import Q

from .models import Condition

#: Suggestions named in an error message at most.
SUGGESTIONS = 5


def _synonym_matches(text: str) -> list[Condition]:
    lowered = text.casefold()
    found = Condition.objects.filter(synonyms__icontains=text)
    return [c for c in found if any(s.casefold() == lowered for s in c.synonym_list)]


def resolve(text: str) -> tuple[Condition | None, list[Condition]]:
    """(the condition ``text`` names, or None; the candidates when it is not exactly one).

    An exact name (any case) wins; otherwise a synonym that belongs to exactly one condition
    ("MI" -> Myocardial infarction). Candidates are the conditions sharing that synonym, or
    those whose name or synonyms contain the text.
    """
    text = " ".join(text.split())
    if not text:
        return None, []
    named = Condition.objects.filter(name__iexact=text).first()
    if named:
        return named, []
    by_synonym = _synonym_matches(text)
    if len(by_synonym) == 1:
        return by_synonym[0], []
    if by_synonym:
        return None, by_synonym[:SUGGESTIONS]
    similar = Condition.objects.filter(Q(name__icontains=text) | Q(synonyms__icontains=text))
    return None, list(similar.order_by("name")[:SUGGESTIONS])
