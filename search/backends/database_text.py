"""Query text on the database: which cases match a query and its synonym phrasings, and how
they rank. Used by ``search.backends.database``.

A phrasing matches when each of its words occurs in some searched field. Words of three or
more characters match anywhere, inside words too ("infarct" finds "infarction"; plain
``LIKE``, no regular expressions, so SQLite stays fast). One- and two-letter words ("mi",
"ms", "af") match only as whole words, and only in the condition, its synonyms, the title and
the summary: as substrings they would match nearly every case ("family", "admitted").
"""

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Replace

from cases.models import CaseDifferential, CasePage

SHORT_WORD = 2
# Synonyms are spelled out by us, so their short words are abbreviations: "ami" must not
# match inside "family" or "examination". Words of an expansion up to this long are matched
# as whole words, in the key fields.
SHORT_SYNONYM_WORD = 4

#: (lookup, weight) of the fields matched against words of three or more characters.
TEXT_FIELDS = (
    ("diagnosis__name", 5),
    ("diagnosis__synonyms", 5),
    ("title", 3),
    ("summary", 2),
    ("history", 1),
    ("examination", 1),
    ("imaging_findings", 1),
    ("discussion_references", 1),
    ("learning_points", 1),
    ("management_outcome", 1),
)
#: Fields where short words are matched as whole words, through padded aliases.
KEY_FIELDS = {"diagnosis__name": 5, "diagnosis__synonyms": 5, "title": 3, "summary": 2}
PHRASE_FIELDS = ("diagnosis__name", "title", "summary")
PHRASE_BONUS = 3
# Separators turned into spaces so that " mi " also finds "MI," "(MI)" "MI/" and "MI\n".
_SEPARATORS = ("\n", "\r", ",", ".", ";", ":", "(", ")", "/", "-", "'")


def with_word_aliases(cases: QuerySet[CasePage]) -> QuerySet[CasePage]:
    """``cases`` with the padded key-field aliases that short-word lookups refer to (once)."""
    missing = [lookup for lookup in KEY_FIELDS if _padded(lookup) not in cases.query.annotations]
    return cases.alias(**{_padded(lookup): _padded_text(lookup) for lookup in missing})


def text_match(phrasings: list[list[str]]) -> Q:
    """Any phrasing whose every word occurs in some field. Needs ``with_word_aliases``."""
    match = Q(pk__in=[])
    for index, words in enumerate(phrasings):
        short = SHORT_WORD if index == 0 else SHORT_SYNONYM_WORD
        all_words = Q()
        for word in words:
            all_words &= _word_anywhere(word, short)
        match |= all_words
    return match


def score(q: str, phrasings: list[list[str]]):
    """Weighted count of the fields any query or synonym word occurs in, plus a bonus for the
    whole query in a key field. Needs ``with_word_aliases``."""
    own = set(phrasings[0]) if phrasings else set()
    words = list(dict.fromkeys(word for phrase in phrasings for word in phrase))
    total = Value(0)
    for lookup, weight in TEXT_FIELDS:
        in_field = Q(pk__in=[])
        for word in words:
            if len(word) > (SHORT_WORD if word in own else SHORT_SYNONYM_WORD):
                in_field |= Q(**{f"{lookup}__icontains": word})
            elif lookup in KEY_FIELDS:
                in_field |= _whole_word(lookup, word)
        total += Case(When(in_field, then=Value(weight)), default=Value(0))
    phrase = Q(pk__in=[])
    for lookup in PHRASE_FIELDS:
        phrase |= Q(**{f"{lookup}__icontains": q})
    return total + Case(
        When(phrase, then=Value(PHRASE_BONUS)), default=Value(0), output_field=IntegerField()
    )


def _word_anywhere(word: str, short: int) -> Q:
    if len(word) <= short:
        found = Q(pk__in=[])
        for lookup in KEY_FIELDS:
            found |= _whole_word(lookup, word)
        return found
    differentials = CaseDifferential.objects.filter(page=OuterRef("pk")).filter(
        Q(free_text__icontains=word) | Q(condition__name__icontains=word)
    )
    found = Q(Exists(differentials))
    for lookup, _weight in TEXT_FIELDS:
        found |= Q(**{f"{lookup}__icontains": word})
    return found


def _whole_word(lookup: str, word: str) -> Q:
    return Q(**{f"{_padded(lookup)}__icontains": f" {word} "})


def _padded(lookup: str) -> str:
    return f"padded_{lookup}"


def _padded_text(lookup: str):
    # Every part is typed as text: PostgreSQL refuses to mix varchar and text expressions.
    text = Cast(F(lookup), output_field=TextField())
    space = Value(" ", output_field=TextField())
    for separator in _SEPARATORS:
        text = Replace(
            text, Value(separator, output_field=TextField()), space, output_field=TextField()
        )
    return Concat(space, text, space, output_field=TextField())
