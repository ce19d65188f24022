"""Saved searches with alerts: save, match new cases in batches, deliver each match once.

* ``save_search(user, name, q, filters, notify)`` validates and stores a search with its
  planned query (``search.understanding``), so matching never plans queries.
* Publishing a case queues it (``queue_case``, on commit); ``match_pending()`` (the task
  ``match_saved_searches_task``) drains the queue in batches: each case's document is
  matched against every saved search with ``notify`` made before the case was first
  published, in memory (``SavedSearchMatcher``), and the matches go to ``deliver_matches``.
* A case matches a saved search when it passes the search's filters and every term of one
  of its phrasings occurs in the case's *affirmed* text (title, summary, clinical sections,
  diagnosis and its synonyms; not the negated mentions nor the differentials): "no evidence
  of tuberculosis" alerts nobody who watches tuberculosis.

``deliver_matches`` is the one place a match reaches a person: a ``SavedSearchMatch`` (unique
per user and case, listed on /search/saved/) and a notification (``notifications.services.
notify``, event ``saved_search``): it shows in the bell and is emailed as the user's
notification preferences say (straight away, in the daily digest, or never).
"""

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from search.models import PendingAlertCase, SavedSearch, SavedSearchMatch
from search.queries import BOOLEAN_FACETS, FACET_FIELDS, MAX_FILTER_VALUES, clean_query
from search.textmatch import CaseText, plan_matches
from search.understanding import Phrasing, QueryAnalyzer, QueryPlan

logger = logging.getLogger(__name__)

MAX_SAVED_PER_USER = 50
MAX_NAME_LENGTH = 120
MATCH_BATCH = 200
#: Document fields a saved search matches (affirmed text only).
MATCHED_FIELDS = (
    "title",
    "summary",
    "history",
    "findings",
    "discussion",
    "learning_points",
    "management",
    "condition",
    "condition_synonyms",
)


class InvalidSavedSearch(ValueError):
    """A saved search that cannot be stored; the message is safe to show."""


@dataclass(frozen=True)
class Match:
    user_id: int
    saved_search_id: int
    page_id: int


# --- saving --------------------------------------------------------------------------------


def save_search(
    user,
    *,
    name: str,
    q: str,
    filters: Mapping[str, Iterable[str]],
    notify: bool,
    analyzer: QueryAnalyzer,
) -> SavedSearch:
    """Store a search for ``user``. Raises ``InvalidSavedSearch`` (nothing stored) for an
    empty search, a name that is empty or too long, unknown filters, or too many searches."""
    query = clean_query(q)
    cleaned = clean_filters(filters)
    if not query and not cleaned:
        raise InvalidSavedSearch("There is nothing to save: search for words or pick filters.")
    name = " ".join(name.split()) or query or ", ".join(v for vs in cleaned.values() for v in vs)
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidSavedSearch(f"The name can have at most {MAX_NAME_LENGTH} characters.")
    plan = analyzer.plan(query, {key: tuple(values) for key, values in cleaned.items()})
    if query and not plan.has_text and not cleaned and not plan.chips:
        raise InvalidSavedSearch("That search has only very common words: add a condition.")
    with transaction.atomic():
        if SavedSearch.objects.select_for_update().filter(user=user).count() >= MAX_SAVED_PER_USER:
            raise InvalidSavedSearch(
                f"You can keep at most {MAX_SAVED_PER_USER} saved searches: delete one first."
            )
        return SavedSearch.objects.create(
            user=user,
            name=name,
            query=query,
            filters=cleaned,
            notify=notify,
            plan=plan_to_json(plan),
        )


def clean_filters(filters: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Known facets only, each with at most ``MAX_FILTER_VALUES`` distinct non-empty values."""
    cleaned: dict[str, list[str]] = {}
    for name, values in filters.items():
        if name not in FACET_FIELDS:
            raise InvalidSavedSearch("A filter of this search is not one the search page has.")
        kept = list(dict.fromkeys(" ".join(str(v).split())[:200] for v in values if str(v).strip()))
        if len(kept) > MAX_FILTER_VALUES:
            raise InvalidSavedSearch(f"A filter can have at most {MAX_FILTER_VALUES} values.")
        if kept:
            cleaned[name] = kept
    return cleaned


def delete_search(user, saved_search_id: int) -> bool:
    """Delete one of ``user``'s saved searches (and its matches); False if they have none
    with that id."""
    deleted, _ = SavedSearch.objects.filter(user=user, pk=saved_search_id).delete()
    return bool(deleted)


def plan_to_json(plan: QueryPlan) -> dict[str, Any]:
    return {
        "phrasings": [[p.kind, [list(term) for term in p.terms]] for p in plan.phrasings],
        "prefix": [list(term) for term in plan.prefix_terms],
        "filters": {name: list(values) for name, values in plan.filters.items()},
    }


def plan_from_json(data: Mapping[str, Any]) -> QueryPlan:
    phrasings = tuple(
        Phrasing(tuple(tuple(term) for term in terms), kind)
        for kind, terms in data.get("phrasings", ())
    )
    filters = {name: tuple(values) for name, values in data.get("filters", {}).items()}
    prefix = frozenset(tuple(term) for term in data.get("prefix", ()))
    return QueryPlan(phrasings, filters, prefix_terms=prefix)


# --- matching ------------------------------------------------------------------------------


#: (saved search id, created at) -> its plan, parsed (saved searches are never edited)
_parsed_plans: dict[tuple[int, Any], QueryPlan] = {}


class SavedSearchMatcher:
    """Saved searches compiled once, matched against many new case documents.

    ``searches``: (id, user id, created at, plan as stored) rows. Parsed plans are kept per
    process, so a worker that matches case after case parses each saved search once.
    """

    def __init__(self, searches: Iterable[tuple[int, int, datetime | None, Any]]):
        self.searches = []
        for search_id, user_id, created_at, plan in searches:
            parsed = _parsed_plans.get((search_id, created_at))
            if parsed is None:
                data = json.loads(plan) if isinstance(plan, str) else plan
                parsed = _parsed_plans[search_id, created_at] = plan_from_json(data)
            self.searches.append((search_id, user_id, created_at, parsed))

    @staticmethod
    def rows():
        """The rows ``__init__`` takes, for every saved search with alerts, oldest first."""
        return (
            SavedSearch.objects.filter(notify=True)
            .order_by("pk")
            .values_list("pk", "user_id", "created_at", "plan")
            .iterator(chunk_size=5000)
        )

    def matches(self, doc: Mapping[str, Any], first_published: datetime | None) -> list[Match]:
        text = CaseText(doc.get(name) for name in MATCHED_FIELDS)
        found = []
        for search_id, user_id, created_at, plan in self.searches:
            if first_published and created_at and first_published < created_at:
                continue  # the case is not new to this search
            if _passes_filters(doc, plan.filters) and plan_matches(text, plan):
                found.append(Match(user_id, search_id, int(doc["id"])))
        return found


def _passes_filters(doc: Mapping[str, Any], filters: Mapping[str, tuple[str, ...]]) -> bool:
    for name, values in filters.items():
        value = doc.get(name)
        if name in BOOLEAN_FACETS:
            have = {"true" if value else "false"}
        elif isinstance(value, list | tuple):
            have = set(value)
        else:
            have = {value}
        if not have & set(values):
            return False
    return True


def queue_case(page_id: int) -> None:
    """Queue a just-published case for matching and schedule the task (call on commit)."""
    from search.tasks import match_saved_searches_task

    try:
        with transaction.atomic():
            PendingAlertCase.objects.get_or_create(page_id=page_id)
    except IntegrityError:  # queued by another process meanwhile
        pass
    match_saved_searches_task.enqueue()


def match_pending(batch_size: int = MATCH_BATCH) -> int:
    """Match queued cases against saved searches, batch by batch; returns matches delivered.

    A case leaves the queue once its batch was matched and delivered. Cases that are no
    longer live and public by then are dropped without matching.
    """
    from search.documents import case_document, indexable_cases, media_modalities, with_related

    delivered = 0
    while True:
        # One transaction per batch: its matches are recorded, notified and dequeued
        # together, and a concurrent run skips the rows this one holds (on PostgreSQL;
        # SQLite has one writer at a time).
        with transaction.atomic():
            pending = list(
                PendingAlertCase.objects.select_for_update(skip_locked=True).order_by("pk")[
                    :batch_size
                ]
            )
            if not pending:
                return delivered
            ids = [entry.page_id for entry in pending]
            cases = list(with_related(indexable_cases().filter(pk__in=ids)))
            if cases:
                matcher = SavedSearchMatcher(SavedSearchMatcher.rows())
                modalities = media_modalities(case.pk for case in cases)
                found = []
                for case in cases:
                    doc = case_document(case, 0, modalities=modalities.get(case.pk, ()))
                    found += matcher.matches(doc, case.first_published_at)
                delivered += deliver_matches(found)
            PendingAlertCase.objects.filter(pk__in=[entry.pk for entry in pending]).delete()


def deliver_matches(matches: Iterable[Match]) -> int:
    """Tell each user about each new matching case, once. Returns how many were new.

    A user with several matching searches hears about the case once (their oldest matching
    search): a ``SavedSearchMatch`` row and a notification naming that search. Call inside
    the transaction that dequeued the cases (``match_pending``).
    """
    first: dict[tuple[int, int], Match] = {}
    for match in matches:
        first.setdefault((match.user_id, match.page_id), match)
    if not first:
        return 0
    existing = set(
        SavedSearchMatch.objects.filter(
            user_id__in={user for user, _page in first}, page_id__in={page for _u, page in first}
        ).values_list("user_id", "page_id")
    )
    new = [
        SavedSearchMatch(user_id=m.user_id, saved_search_id=m.saved_search_id, page_id=m.page_id)
        for key, m in first.items()
        if key not in existing
    ]
    # ignore_conflicts: a concurrent batch may record the same (user, case) first
    SavedSearchMatch.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    _notify(new)
    return len(new)


def _notify(new: list[SavedSearchMatch]) -> None:
    """One notification per new match, naming the saved search (the user's own words, no
    case text); one ``notify`` call per case and search name."""
    from notifications.models import Event
    from notifications.services import notify

    names = dict(
        SavedSearch.objects.filter(pk__in={m.saved_search_id for m in new}).values_list(
            "pk", "name"
        )
    )
    recipients: dict[tuple[int, str], list[int]] = {}
    for match in new:
        name = names.get(match.saved_search_id, "")
        recipients.setdefault((match.page_id, name), []).append(match.user_id)
    for (page_id, name), user_ids in recipients.items():
        notify(user_ids, Event.SAVED_SEARCH, page_id=page_id, message=f"Saved search: {name}")


def unknown_filter_values(filters: Mapping[str, Iterable[str]]) -> list[str]:
    """Messages for filter values the site no longer has (a renamed specialty, say): such a
    filter matches nothing, so the search cannot find or alert about new cases."""
    from cases.models import BodySystem, Condition, Specialty
    from cases.models.choices import AgeBand, CaseMode, Certainty, Sex
    from search.presentation import FACET_LABELS

    known: dict[str, Any] = {
        "specialty": lambda values: Specialty.objects.filter(name__in=values),
        "condition": lambda values: Condition.objects.filter(name__in=values),
        "body_systems": lambda values: BodySystem.objects.filter(name__in=values),
    }
    choices = {
        "age_band": AgeBand.values,
        "sex": Sex.values,
        "certainty": Certainty.values,
        "case_mode": CaseMode.values,
        "has_images": ["true", "false"],
        "featured": ["true", "false"],
        "peer_reviewed": ["true", "false"],
    }
    messages = []
    for name, values in filters.items():
        values = list(values)
        if name in known:
            present = set(known[name](values).values_list("name", flat=True))
        elif name in choices:
            present = set(choices[name])
        else:
            continue
        for value in values:
            if value not in present:
                messages.append(f"{FACET_LABELS.get(name, name)} “{value}” no longer exists.")
    return messages
