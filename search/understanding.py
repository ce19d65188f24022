"""What a query means, the same for every backend: ``QueryAnalyzer.plan(req)`` -> ``QueryPlan``.

A plan is a list of *phrasings*; a case matches when every term of one phrasing occurs in it.
A term is a word or a phrase (words that must be adjacent, in order). Every backend compiles
the same plan (SQLite FTS5 and PostgreSQL tsquery in ``search.backends``, bool queries in
``search.queries``), so they agree on what matches:

* The user's words, with known phrases kept whole: "heart attack" is one phrase term, never
  "heart" and "attack" anywhere. Stop words are dropped when other words remain.
* Synonyms (``SynonymTable``): a known phrase replaced by each phrasing of its set, as a
  phrase term ("mi" -> "myocardial infarction", "heart attack"). Only true synonyms are in a
  set, and a phrase matches only as a phrase, so no expansion matches on a generic word.
* Typos: a word of five letters or more that the taxonomy's vocabulary (condition names,
  synonyms, abbreviations) does not know is corrected to the closest word it does know
  (rapidfuzz, optimal string alignment: one edit up to eight letters, two from nine); the
  corrected query and its synonyms are further phrasings, and ``correction`` holds it for a
  "did you mean" link.
* Partial words: the last word, four letters or more and unknown to the vocabulary, also
  matches as the start of a word ("cholecyst" finds "cholecystitis"), and is completed to
  the vocabulary's words that start with it (a stemming index holds "mening" for
  "meningitis", which the prefix "meningi" does not reach).
* Facet words: age words ("child", "elderly") and specialty names ("radiology") typed with
  other words become filters, returned as ``chips`` the page shows as removable. A word that
  belongs to a known phrase ("child abuse") stays text.

Pure: no Django. ``search.site.site_analyzer()`` builds the analyzer from the site's data.
"""

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import OSA

from search.synonyms import Phrase, SynonymTable, normalise_words

#: Alternatives per plan, besides the user's own words (each costs a clause on every backend).
MAX_SYNONYM_PHRASINGS = 6
MAX_CORRECTED_PHRASINGS = 3
MAX_WORDS = 12
MIN_CORRECTED_LENGTH = 5
#: The last word typed, when the vocabulary does not know it, also matches as a word start.
MIN_PREFIX_LENGTH = 4
#: Vocabulary words a partial last word is completed to, and phrasings of each.
MAX_COMPLETIONS = 3
MAX_COMPLETED_PHRASINGS = 1

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "their",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "with",
        "without",
    ]
)

#: age word -> the age bands (``cases.models.choices.AgeBand`` values) it selects
AGE_WORDS: dict[str, tuple[str, ...]] = {}
_BANDS = {
    "neonate": ("0-1",),
    "infant": ("0-1",),
    "child": ("1-4", "5-9", "10-14"),
    "paediatric": ("0-1", "1-4", "5-9", "10-14", "15-19"),
    "adolescent": ("10-14", "15-19"),
    "adult": ("20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"),
    "elderly": ("65-69", "70-74", "75-79", "80-84", "85-89", "90+"),
}
_AGE_SPELLINGS = {
    "neonate": "neonate neonates neonatal newborn newborns",
    "infant": "infant infants infancy baby babies",
    "child": "child children childhood kid kids",
    "paediatric": "paediatric pediatric paediatrics pediatrics",
    "adolescent": "adolescent adolescents adolescence teenager teenagers teen teens",
    "adult": "adult adults",
    "elderly": "elderly geriatric",
}
for _key, _spellings in _AGE_SPELLINGS.items():
    for _spelling in _spellings.split():
        AGE_WORDS[_spelling] = _BANDS[_key]
_AGE_GROUP = {
    spelling: key for key, spellings in _AGE_SPELLINGS.items() for spelling in spellings.split()
}

Term = tuple[str, ...]  # one word, or a phrase of several


@dataclass(frozen=True)
class Phrasing:
    """Terms that must all occur; ``kind`` is "original", "synonym", "corrected" (a typo
    fixed, or its synonyms) or "completed" (a partial last word completed)."""

    terms: tuple[Term, ...]
    kind: str = "original"

    @property
    def text(self) -> str:
        return " ".join(" ".join(term) for term in self.terms)


@dataclass(frozen=True)
class Chip:
    """A filter recognised in the query's words; removing it searches ``without`` instead."""

    facet: str
    values: tuple[str, ...]
    label: str
    without: str


@dataclass(frozen=True)
class QueryPlan:
    phrasings: tuple[Phrasing, ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    chips: tuple[Chip, ...] = ()
    correction: str = ""
    #: the query had words, all of them stop words: nothing to search for
    only_stopwords: bool = False
    #: one-word terms that may also match as the start of a word ("cholecyst" as typed)
    prefix_terms: frozenset[Term] = frozenset()

    @property
    def has_text(self) -> bool:
        return bool(self.phrasings)

    @property
    def highlight_terms(self) -> tuple[Term, ...]:
        """Every term of every phrasing, once, longest first."""
        terms = {term for phrasing in self.phrasings for term in phrasing.terms}
        return tuple(sorted(terms, key=lambda term: (-len(" ".join(term)), term)))

    def without_corrections(self) -> "QueryPlan":
        """The plan of the user's own words and their synonyms (for "did you mean")."""
        kept = tuple(p for p in self.phrasings if p.kind != "corrected")
        return QueryPlan(kept, self.filters, self.chips, "", self.only_stopwords, self.prefix_terms)


class QueryAnalyzer:
    """Plans queries against a synonym table and the site's specialty names."""

    def __init__(
        self,
        synonyms: SynonymTable,
        specialties: Iterable[str] = (),
        vocabulary: Iterable[str] = (),
    ):
        """``vocabulary``: more names whose words typos are corrected to (condition names
        without synonyms, which the table does not hold)."""
        self.synonyms = synonyms
        self._specialties = {normalise_words(name): name for name in specialties if name.strip()}
        self._extra_words = frozenset(word for name in vocabulary for word in normalise_words(name))

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of every known phrase and name (the taxonomy's vocabulary)."""
        words = {word for phrases in self.synonyms.phrase_sets for p in phrases for word in p}
        return frozenset(words | self._extra_words)

    @cached_property
    def _specialties_longest_first(self) -> list[tuple[Phrase, str]]:
        return sorted(self._specialties.items(), key=lambda item: -len(item[0]))

    @cached_property
    def _correctable(self) -> list[str]:
        return sorted(word for word in self.vocabulary if len(word) >= MIN_CORRECTED_LENGTH - 1)

    def plan(self, q: str, filters: Mapping[str, tuple[str, ...]] | None = None) -> QueryPlan:
        """The plan for query text ``q`` (already cleaned) and the request's ``filters``."""
        filters = dict(filters or {})
        words = normalise_words(q)[: MAX_WORDS * 2]
        if not words:
            return QueryPlan(filters=filters)
        words, chips = self._facet_words(words, filters)
        for chip in chips:
            filters.setdefault(chip.facet, chip.values)
        in_phrases = {
            position
            for start, end, _sets in self.synonyms.phrase_matches(words)
            for position in range(start, end)
            if end - start > 1
        }  # "inflammation of the meninges" keeps its "of the"
        content = tuple(
            word for i, word in enumerate(words) if i in in_phrases or word not in STOPWORDS
        )
        if not content:
            if words or not chips:
                return QueryPlan(filters=filters, chips=chips, only_stopwords=bool(words))
            return QueryPlan(filters=filters, chips=chips)
        content = content[:MAX_WORDS]
        phrasings = self._phrasings(content, "original", MAX_SYNONYM_PHRASINGS)
        corrected = self._corrected(content)
        correction = ""
        if corrected != content:
            correction = " ".join(corrected)
            phrasings += self._phrasings(corrected, "corrected", MAX_CORRECTED_PHRASINGS)
        last = content[-1]
        prefix: frozenset[Term] = frozenset()
        if len(last) >= MIN_PREFIX_LENGTH and last not in self.vocabulary and last.isalpha():
            prefix = frozenset({(last,)})
            for word in self._completions(last):
                completed = (*content[:-1], word)
                phrasings += self._phrasings(completed, "completed", MAX_COMPLETED_PHRASINGS)
        unique = tuple(dict.fromkeys(phrasings))
        return QueryPlan(unique, filters, chips, correction, prefix_terms=prefix)

    def _completions(self, start: str) -> list[str]:
        """Vocabulary words that begin with ``start``, shortest first: a stemming index
        cannot complete "meningi" (it stores "mening"), the vocabulary can."""
        words = self._correctable
        first = bisect.bisect_left(words, start)
        found = []
        for word in words[first:]:
            if not word.startswith(start):
                break
            found.append(word)
        return sorted(found, key=lambda word: (len(word), word))[:MAX_COMPLETIONS]

    def _phrasings(self, words: Phrase, kind: str, limit: int) -> list[Phrasing]:
        """The words (known phrases whole) and up to ``limit`` synonym phrasings of them."""
        matches = self.synonyms.phrase_matches(words)
        own: list[Term] = []
        position = 0
        for start, end, _sets in matches:
            own += [(word,) for word in words[position:start]]
            own.append(words[start:end])
            position = end
        own += [(word,) for word in words[position:]]
        found = [Phrasing(tuple(own), kind)]
        synonym_kind = "corrected" if kind == "corrected" else "synonym"
        for start, end, sets in matches:
            before = [(word,) for word in words[:start]]
            after = [(word,) for word in words[end:]]
            for phrase in self.synonyms.phrases_of(sets):
                if phrase == words[start:end]:
                    continue
                found.append(Phrasing((*before, phrase, *after), synonym_kind))
                if len(found) > limit:
                    return found
        return found

    def _corrected(self, words: Phrase) -> Phrase:
        known = self.vocabulary
        corrected = []
        for word in words:
            if len(word) < MIN_CORRECTED_LENGTH or word in known or not word.isalpha():
                corrected.append(word)
                continue
            edits = 1 if len(word) <= 8 else 2
            best = process.extractOne(
                word, self._correctable, scorer=OSA.distance, score_cutoff=edits
            )
            # "smoker" is not a typo of "smoke": an inflection matches through stemming
            if best and not word.startswith(best[0]):
                word = best[0]
            corrected.append(word)
        return tuple(corrected)

    def _facet_words(
        self, words: Phrase, filters: Mapping[str, tuple[str, ...]]
    ) -> tuple[Phrase, tuple[Chip, ...]]:
        """Words left after taking out age words and specialty names, and the chips."""
        protected = set()
        for start, end, _sets in self.synonyms.phrase_matches(words):
            if end - start > 1:
                protected.update(range(start, end))
        chips: list[Chip] = []
        taken: set[int] = set()
        for position in range(len(words)):
            if position in protected or position in taken:
                continue
            for name_words, name in self._specialties_longest_first:
                end = position + len(name_words)
                if words[position:end] == name_words and not protected & set(range(position, end)):
                    taken.update(range(position, end))
                    chips.append(Chip("specialty", (name,), f"Specialty: {name}", ""))
                    break
            else:
                group = _AGE_GROUP.get(words[position])
                if group:
                    taken.add(position)
                    chips.append(Chip("age_band", _BANDS[group], f"Age: {group}", ""))
        left = tuple(word for position, word in enumerate(words) if position not in taken)
        if not chips or not left:  # a facet word alone is what the user is looking for
            return words, ()
        chips = [chip for chip in chips if chip.facet not in filters]
        return left, tuple(
            Chip(chip.facet, chip.values, chip.label, " ".join(_without(words, chip, taken)))
            for chip in _one_per_facet(chips)
        )


def _one_per_facet(chips: list[Chip]) -> list[Chip]:
    seen: dict[str, Chip] = {}
    for chip in chips:
        if chip.facet in seen:  # "child adolescent": one filter with both groups' bands
            first = seen[chip.facet]
            values = tuple(dict.fromkeys((*first.values, *chip.values)))
            seen[chip.facet] = Chip(chip.facet, values, f"{first.label}, {chip.label}", "")
        else:
            seen[chip.facet] = chip
    return list(seen.values())


def _without(words: Phrase, chip: Chip, taken: set[int]) -> Phrase:
    """The query's words without those that made ``chip`` (other chips' words stay)."""
    own = set()
    for position in taken:
        word = words[position]
        group = _AGE_GROUP.get(word)
        if chip.facet == "age_band" and group or chip.facet == "specialty" and not group:
            own.add(position)
    return tuple(word for position, word in enumerate(words) if position not in own)
