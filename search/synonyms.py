"""Medical synonyms, applied to queries in the application (not in the engine).

A synonym set is a group of phrasings of one concept ("mi, myocardial infarction, heart
attack"). ``SynonymTable.expand(query)`` finds known phrases in the query (longest first,
whole words only, case- and accent-insensitive) and returns the query rewritten with the other
phrasings of each. An abbreviation may belong to several sets ("ms": multiple sclerosis and
mitral stenosis); it then expands into both, and ranking sorts it out.
"""

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

DEFAULT_FILE = Path(__file__).parent / "data" / "medical_synonyms.txt"
_WORD = re.compile(r"\w+(?:'\w+)?")

Phrase = tuple[str, ...]


def normalise_words(text: str) -> Phrase:
    """Lower-case, accent-free words of ``text`` ("Sjögren's" -> ("sjogren's",))."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return tuple(_WORD.findall(plain))


class SynonymTable:
    """An immutable set of synonym sets with a phrase index for fast query expansion."""

    def __init__(self, sets: Iterable[Iterable[str]] = ()):
        self._sets: list[tuple[Phrase, ...]] = []
        seen_sets: set[frozenset[Phrase]] = set()
        for raw_set in sets:
            phrases = tuple(dict.fromkeys(p for p in map(normalise_words, raw_set) if p))
            key = frozenset(phrases)
            if len(phrases) > 1 and key not in seen_sets:
                seen_sets.add(key)
                self._sets.append(phrases)
        # first word -> [(phrase, set indexes)], longest phrase first
        self._by_first_word: dict[str, list[tuple[Phrase, list[int]]]] = {}
        memberships: dict[Phrase, list[int]] = {}
        for set_index, phrases in enumerate(self._sets):
            for phrase in phrases:
                memberships.setdefault(phrase, []).append(set_index)
        for phrase, set_indexes in memberships.items():
            self._by_first_word.setdefault(phrase[0], []).append((phrase, set_indexes))
        for candidates in self._by_first_word.values():
            candidates.sort(key=lambda item: -len(item[0]))

    @classmethod
    def from_file(cls, path: Path | str = DEFAULT_FILE) -> "SynonymTable":
        """Load sets from a file: one set per line, comma-separated; ``#`` starts a comment."""
        return cls(parse_lines(Path(path).read_text(encoding="utf-8").splitlines()))

    def with_extra(self, sets: Iterable[Iterable[str]]) -> "SynonymTable":
        """A new table with ``sets`` added (e.g. synonyms from the Condition taxonomy)."""
        return SynonymTable([*self.sets, *sets])

    @property
    def sets(self) -> list[tuple[str, ...]]:
        """The sets as space-joined phrases, in load order."""
        return [tuple(" ".join(phrase) for phrase in phrases) for phrases in self._sets]

    @property
    def phrase_sets(self) -> list[tuple[Phrase, ...]]:
        """The sets as tuples of normalised phrases (words), in load order."""
        return list(self._sets)

    def phrases_of(self, set_indexes: Iterable[int]) -> Iterable[Phrase]:
        """Every phrase of the given sets, set by set, each once."""
        return dict.fromkeys(phrase for index in set_indexes for phrase in self._sets[index])

    def phrase_matches(self, words: Phrase) -> list[tuple[int, int, list[int]]]:
        """Known phrases in ``words``: (start, end, set indexes), longest first, not overlapping."""
        return self._matches(words)

    def __len__(self) -> int:
        return len(self._sets)

    def expand(self, query: str, *, limit: int = 8) -> list[str]:
        """Alternative phrasings of ``query``, at most ``limit``, never the query itself.

        Each known phrase is replaced in turn by each of its synonyms, the rest of the query
        unchanged: "heart attack in young" -> ["mi in young", "myocardial infarction in young"].
        The result is lower-case words joined by single spaces.
        """
        words = normalise_words(query)
        original = " ".join(words)
        alternatives: dict[str, None] = {}
        for start, end, set_indexes in self._matches(words):
            matched = words[start:end]
            for set_index in set_indexes:
                for phrase in self._sets[set_index]:
                    if phrase == matched:
                        continue
                    text = " ".join((*words[:start], *phrase, *words[end:]))
                    if text != original:
                        alternatives.setdefault(text)
                    if len(alternatives) >= limit:
                        return list(alternatives)
        return list(alternatives)

    def _matches(self, words: Phrase) -> list[tuple[int, int, list[int]]]:
        """Non-overlapping (start, end, set indexes) of known phrases, longest match wins."""
        found = []
        position = 0
        while position < len(words):
            for phrase, set_indexes in self._by_first_word.get(words[position], ()):
                end = position + len(phrase)
                if words[position:end] == phrase:
                    found.append((position, end, set_indexes))
                    position = end
                    break
            else:
                position += 1
        return found


def parse_lines(lines: Iterable[str]) -> list[list[str]]:
    """Synonym sets from text lines: comma-separated phrases, blank lines and ``#`` ignored."""
    sets = []
    for line in lines:
        content = line.split("#", 1)[0].strip()
        if content:
            sets.append([phrase.strip() for phrase in content.split(",") if phrase.strip()])
    return sets
