"""Index writes: the outbox, its replay with backoff, and full rebuilds.

``enqueue_index``/``enqueue_delete`` record the change in the outbox (bumping the case's
version) and schedule a task that applies it. If the engine is down, slow or refuses the
write, the change stays pending and ``replay_outbox`` retries it later with exponential backoff
(the worker and ``manage.py replay_search_outbox`` both call it). Nothing is lost: a row only
stops being pending once the version it carried has been written. Documents are built from
the case as it is when the change is applied, never from a snapshot, and carry the outbox
version, so the engine keeps the newest change whichever write arrives last.
"""

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ops.context import current_request_id
from search.documents import case_document, indexable_cases, media_modalities, with_related
from search.models import OutboxEntry
from search.site import bump_index_generation, get_search_backend

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 60 * 60
REBUILD_BATCH = 500


def enqueue_index(page_id: int) -> None:
    """Bring the index in line with case ``page_id`` soon (index it, or remove it if it is no
    longer live and unrestricted). Call it after the change has committed."""
    enqueue_many([page_id], OutboxEntry.Action.INDEX)


def enqueue_delete(page_id: int) -> None:
    """Remove case ``page_id`` from the index soon. Call it after the deletion has committed."""
    enqueue_many([page_id], OutboxEntry.Action.DELETE)


def enqueue_many(page_ids: Iterable[int], action: str) -> None:
    """Record ``action`` for each case and schedule one task to apply them."""
    from search.tasks import index_case_task, replay_search_outbox_task

    ids = list(dict.fromkeys(page_ids))
    if not ids:
        return
    bump_index_generation()
    for page_id in ids:
        _record(page_id, action)
    if len(ids) == 1:
        index_case_task.enqueue(ids[0], request_id=current_request_id())
    else:
        replay_search_outbox_task.enqueue()


def _record(page_id: int, action: str) -> None:
    """Bump the case's version and mark the change due now (one row per case)."""
    changes = {
        "action": action,
        "attempts": 0,
        "next_attempt_at": timezone.now(),
        "last_error": "",
    }
    if OutboxEntry.objects.filter(page_id=page_id).update(version=F("version") + 1, **changes):
        return
    try:
        with transaction.atomic():
            OutboxEntry.objects.create(page_id=page_id, version=1, **changes)
    except IntegrityError:  # another process created the row first
        OutboxEntry.objects.filter(page_id=page_id).update(version=F("version") + 1, **changes)


def apply_change(page_id: int) -> bool:
    """Apply the pending change of one case now, whatever its backoff. True when nothing is
    left pending for it (applied, or there was nothing to do)."""
    entry = OutboxEntry.objects.filter(page_id=page_id, next_attempt_at__isnull=False).first()
    return entry is None or _apply([entry]) == 1


def replay_outbox(limit: int = 500) -> tuple[int, int]:
    """Apply up to ``limit`` due changes, oldest first. Returns (applied, still failing).

    A failure (engine down, timeout, rejected write) reschedules every change of the batch
    with exponential backoff: ``BACKOFF_BASE_SECONDS * 2**(attempts-1)``, at most
    ``BACKOFF_MAX_SECONDS``. The log names the error class only.
    """
    due = list(
        OutboxEntry.objects.filter(next_attempt_at__lte=timezone.now()).order_by(
            "next_attempt_at", "pk"
        )[:limit]
    )
    applied = _apply(due) if due else 0
    return applied, len(due) - applied


def _apply(entries: list[OutboxEntry]) -> int:
    from search.client import SearchError

    try:
        backend = get_search_backend()
        docs, removals = _changes(entries)
        if docs:
            backend.index(docs)
        if removals:
            backend.delete(removals)
    except SearchError as error:
        _reschedule(entries, error)
        return 0
    done = 0
    for entry in entries:
        # Only the version we wrote: a change recorded meanwhile stays pending.
        done += OutboxEntry.objects.filter(pk=entry.pk, version=entry.version).update(
            next_attempt_at=None, attempts=0, last_error=""
        )
    return done


def _changes(entries: list[OutboxEntry]) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Documents to write and (id, version) removals. The versions are read before the cases,
    so a document is never older than the version it carries."""
    wanted = {e.page_id: e.version for e in entries if e.action == OutboxEntry.Action.INDEX}
    cases = list(with_related(indexable_cases().filter(pk__in=wanted)))
    modalities = media_modalities(case.pk for case in cases)
    docs = [
        case_document(case, wanted[case.pk], modalities=modalities.get(case.pk, ()))
        for case in cases
    ]
    indexed = {doc["id"] for doc in docs}
    removals = [(e.page_id, e.version) for e in entries if e.page_id not in indexed]
    return docs, removals


def _reschedule(entries: list[OutboxEntry], error: Exception) -> None:
    name = type(error).__name__
    logger.warning("search index update failed for %d cases: %s", len(entries), name)
    now = timezone.now()
    for entry in entries:
        attempts = entry.attempts + 1
        delay = min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)
        OutboxEntry.objects.filter(pk=entry.pk, version=entry.version).update(
            attempts=attempts, next_attempt_at=now + timedelta(seconds=delay), last_error=name
        )


def make_all_due() -> int:
    """Make every pending change due now, ignoring backoff (an operator knows the engine is
    back). Returns how many are pending."""
    return OutboxEntry.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now()
    )


def next_attempt_at() -> datetime | None:
    """When the earliest pending change is due; None when nothing is pending."""
    return (
        OutboxEntry.objects.filter(next_attempt_at__isnull=False)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def pending_count() -> int:
    return OutboxEntry.objects.filter(next_attempt_at__isnull=False).count()


def rebuild_index() -> int:
    """Rebuild the whole index from the live, unrestricted cases; searches keep working
    meanwhile. Returns the number of cases loaded.

    Engine: a new index swapped in atomically. Database: rows rewritten in place, then the
    ones no longer indexable dropped; a rebuild that was interrupted resumes after the last
    case it wrote.
    """
    from search.backends.database import DatabaseBackend

    backend = get_search_backend()
    after = backend.resume_after() if isinstance(backend, DatabaseBackend) else 0
    count = 0

    def documents() -> Iterator[dict[str, Any]]:
        nonlocal count
        for doc in _all_documents(after):
            count += 1
            yield doc

    backend.rebuild(documents())
    bump_index_generation()
    return count


def ensure_database_index() -> int | None:
    """On the database backend, create the full-text index if it is missing and fill it when
    it lacks cases (a new installation, an upgrade, a restored database). Returns how many
    cases were loaded, or None when nothing had to be done. Runs after ``migrate``."""
    from search.backends.database import DatabaseBackend

    backend = get_search_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    created = backend.ensure_text_index()
    if not created and backend.indexed_count() >= indexable_cases().count():
        return None
    if created:
        backend.clear()
    return rebuild_index()


def _all_documents(after: int = 0) -> Iterator[dict[str, Any]]:
    """Every indexable case with an id above ``after``, at its current outbox version (0 if
    it never had a change), in id order, read in batches so memory stays flat."""
    last_pk = after
    while True:
        batch = list(
            with_related(indexable_cases().filter(pk__gt=last_pk).order_by("pk"))[:REBUILD_BATCH]
        )
        if not batch:
            return
        versions = dict(
            OutboxEntry.objects.filter(page_id__in=[c.pk for c in batch]).values_list(
                "page_id", "version"
            )
        )
        modalities = media_modalities(case.pk for case in batch)
        for case in batch:
            yield case_document(
                case, versions.get(case.pk, 0), modalities=modalities.get(case.pk, ())
            )
        last_pk = batch[-1].pk
