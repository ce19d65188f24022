"""Negated mentions in clinical text: NegEx-style triggers and scopes, in plain Python.

``split_negated(text)`` returns ``(affirmed, negated)``: the text with every negation scope
taken out, and the scopes themselves. Index documents keep the two apart, so "no evidence of
tuberculosis" still finds the case, in a field that ranks far below the case's own words.

The rules follow NegEx (Chapman et al., 2001) and the clinical trigger sets of negspacy:

* a *pre* trigger ("no", "no evidence of", "negative for", "ruled out", "without") negates the
  words after it, up to the end of the clause;
* a *post* trigger ("was excluded", "was ruled out", "is unlikely", "not seen") negates the
  words before it, back to the start of the clause;
* a *pseudo* trigger ("no change", "not only", "gram negative", "no further") contains a
  trigger's words but negates nothing;
* a clause ends at a sentence end, ";", ":", or a termination word ("but", "however",
  "although", "which", "apart from", "except", "aside from"), and a scope covers at most
  ``MAX_SCOPE_WORDS`` words.

negspacy itself runs offline on a blank spaCy pipeline (tried): it needs every concept as an
entity pattern, misses post triggers such as "was excluded", and at about 600 full-length
cases per second it would cost more than the whole index build (target 2,000 cases/s).
These regular expressions handle about 3,000 synthetic cases per second on one core, and
text without any trigger is skipped after one scan. Pure: no Django.
"""

import re
from functools import cache
from typing import Any

MAX_SCOPE_WORDS = 6

PRE_TRIGGERS = (
    "no",
    "not",
    "without",
    "denies",
    "denied",
    "free of",
    "absence of",
    "negative for",
    "no evidence of",
    "no sign of",
    "no signs of",
    "no features of",
    "no suggestion of",
    "no findings of",
    "no history of",
    "no new",
    "not consistent with",
    "not suggestive of",
    "ruled out",
    "rules out",
    "rule out",
    "excluded",
    "exclusion of",
    "unlikely to be",
    "never had",
)
POST_TRIGGERS = (
    "was excluded",
    "were excluded",
    "is excluded",
    "has been excluded",
    "was ruled out",
    "were ruled out",
    "is ruled out",
    "has been ruled out",
    "was unlikely",
    "is unlikely",
    "was not seen",
    "was not found",
    "were not seen",
    "not seen",
    "was negative",
    "were negative",
    "is absent",
    "was absent",
    "free",
)
PSEUDO_TRIGGERS = (
    "no change",
    "no increase",
    "no further",
    "no longer",
    "not only",
    "not necessarily",
    "not certain if",
    "not clear",
    "gram negative",
    "without difficulty",
    "without any further",
    "no significant change",
)
TERMINATIONS = (
    "but",
    "however",
    "although",
    "though",
    "which",
    "apart from",
    "aside from",
    "except",
    "other than",
    "yet",
    "still",
    "presented",
    "presenting",
)
# ". " ends a sentence, but not "e.g." or a decimal: a full stop followed by space or end.
_CLAUSE_END = re.compile(r"[.!?](?=\s|$)|[;:\n]")
_WORD = re.compile(r"[\w'-]+")


def _phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(phrases, key=len, reverse=True)
    words = (r"\s+".join(map(re.escape, phrase.split())) for phrase in alternatives)
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    return (
        _phrases_pattern(PSEUDO_TRIGGERS),
        _phrases_pattern(PRE_TRIGGERS),
        _phrases_pattern(POST_TRIGGERS),
        _phrases_pattern(TERMINATIONS),
    )


def negated_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of ``text`` that are negated, in order, not overlapping."""
    _pseudo, pre, post, _terminations = _patterns()
    if not pre.search(text) and not post.search(text):  # most text negates nothing
        return []
    spans: list[tuple[int, int]] = []
    start = 0
    for end_match in _CLAUSE_END.finditer(text):
        spans += _clause_spans(text, start, end_match.start())
        start = end_match.end()
    spans += _clause_spans(text, start, len(text))
    return _merged(spans)


def split_negated(text: str) -> tuple[str, str]:
    """(affirmed text, negated scopes joined by " | "). Both are "" for empty text."""
    if not text:
        return "", ""
    spans = negated_spans(text)
    if not spans:
        return text, ""
    affirmed, negated, position = [], [], 0
    for start, end in spans:
        affirmed.append(text[position:start])
        negated.append(text[start:end].strip())
        position = end
    affirmed.append(text[position:])
    return " ".join(" ".join(affirmed).split()), " | ".join(part for part in negated if part)


def _clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pseudo, pre, post, terminations = _patterns()
    clause = text[start:end]
    triggers = [*post.finditer(clause)], [*pre.finditer(clause)]
    if not triggers[0] and not triggers[1]:
        return []
    blocked = [(m.start(), m.end()) for m in pseudo.finditer(clause)]

    def is_pseudo(match: re.Match[str]) -> bool:
        return any(s <= match.start() < e or s < match.end() <= e for s, e in blocked)

    stops = sorted({m.start() for m in terminations.finditer(clause)} | {len(clause)})
    spans = []
    for match in triggers[0]:
        if is_pseudo(match):
            continue
        begin = max((stop for stop in stops if stop < match.start()), default=0)
        begin = _limit_words_back(clause, begin, match.start())
        spans.append((start + begin, start + match.end()))
    for match in triggers[1]:
        if is_pseudo(match) or _inside(match, spans, start):
            continue
        finish = min(stop for stop in stops if stop >= match.end())
        finish = _limit_words_forward(clause, match.end(), finish)
        if finish > match.end():
            spans.append((start + match.start(), start + finish))
    return spans


def _inside(match: re.Match[str], spans: list[tuple[int, int]], offset: int) -> bool:
    return any(s <= offset + match.start() < e for s, e in spans)


def _limit_words_forward(clause: str, begin: int, finish: int) -> int:
    words = list(_WORD.finditer(clause, begin, finish))
    if len(words) > MAX_SCOPE_WORDS:
        return words[MAX_SCOPE_WORDS - 1].end()
    return words[-1].end() if words else begin


def _limit_words_back(clause: str, begin: int, finish: int) -> int:
    words = list(_WORD.finditer(clause, begin, finish))
    if len(words) > MAX_SCOPE_WORDS:
        return words[-MAX_SCOPE_WORDS].start()
    return words[0].start() if words else finish


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


#: Fields whose negated mentions move to ``negated`` (titles and the diagnosis state what
#: the case *is*; their words stay where they are).
NEGATABLE_FIELDS = ("summary", "history", "findings", "discussion", "learning_points", "management")


def with_negations_apart(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with each negated mention ("no evidence of tuberculosis", "PE was
    excluded") taken out of its field and gathered in ``negated``, which ranks far below
    (``search.negation``)."""
    negated = []
    out = dict(document)
    for name in NEGATABLE_FIELDS:
        affirmed, scopes = split_negated(document.get(name) or "")
        out[name] = affirmed
        if scopes:
            negated.append(scopes)
    out["negated"] = " | ".join(negated)
    return out
