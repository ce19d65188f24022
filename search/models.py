"""The search outbox: the index change each case still needs, with its version.

One row per case, kept after the change is applied: its ``version`` is the case's counter of
index changes, so every change (index or removal) carries a number higher than any before it,
and the engine's external versioning keeps an older change from overwriting a newer one.
A row is pending while ``next_attempt_at`` is set. Nothing here holds query or case text.
"""

import uuid

from django.conf import settings
from django.db import models


class OutboxEntry(models.Model):
    class Action(models.TextChoices):
        INDEX = "index", "Index"  # bring the index in line with the case (removes it if hidden)
        DELETE = "delete", "Delete"

    page_id = models.PositiveBigIntegerField(unique=True)
    action = models.CharField(max_length=6, choices=Action.choices)
    version = models.PositiveBigIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: class name of the last failure (never its message, which can quote clinical text)
    last_error = models.CharField(max_length=100, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "search outbox entry"
        verbose_name_plural = "search outbox entries"
        indexes = [models.Index(fields=["next_attempt_at"], name="search_outbox_due")]

    def __str__(self):
        state = "pending" if self.is_pending else "done"
        return f"{self.action} case {self.page_id} v{self.version} ({state})"

    @property
    def is_pending(self) -> bool:
        return self.next_attempt_at is not None


class IndexedCase(models.Model):
    """A case document in the database's own index (the embedded search backend).

    ``source`` holds what results show and facets count (no long clinical text); the words
    live in the full-text index beside it: an FTS5 table on SQLite, a weighted ``tsvector``
    column with a GIN index on PostgreSQL (both added by migration 0002, outside the model,
    because neither has a portable field type). Removed cases stay as versioned tombstones,
    as in the engine, so a late older write cannot bring them back.
    """

    page_id = models.PositiveBigIntegerField(primary_key=True)
    version = models.PositiveBigIntegerField()
    deleted = models.BooleanField(default=False)
    #: ``IndexState.generation`` of the write that last changed this row
    generation = models.PositiveBigIntegerField(db_index=True)
    source = models.JSONField(default=dict)

    def __str__(self):
        return f"indexed case {self.page_id} v{self.version}{' (deleted)' if self.deleted else ''}"


class IndexState(models.Model):
    """The database index's one row: a counter every write batch bumps (processes compare it
    to refresh their facet tables), and the progress of a rebuild, so that an interrupted
    rebuild resumes where it stopped."""

    #: random per row: a process that saw another row (a restored database) reads everything
    token = models.UUIDField(default=uuid.uuid4, editable=False)
    generation = models.PositiveBigIntegerField(default=0)
    #: generation of the last rebuild or clear, which delete rows without leaving tombstones:
    #: a process that saw an older generation reads every row again
    reset_generation = models.PositiveBigIntegerField(default=0)
    #: generation at which the running rebuild started; null when none is running
    rebuild_generation = models.PositiveBigIntegerField(null=True, blank=True)
    #: the last case id the running rebuild has written
    rebuild_after_id = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"search index at generation {self.generation}"


class SavedSearch(models.Model):
    """A clinician's saved query and filters; with ``notify``, new matching cases are
    recorded for them (``search.alerts``). ``plan`` is the query as planned when it was saved
    (``search.understanding``), so matching thousands of them per new case costs no planning.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=120)
    query = models.CharField(max_length=200, blank=True, default="")
    #: facet name -> [values], as the search page's parameters
    filters = models.JSONField(default=dict, blank=True)
    notify = models.BooleanField(default=True)
    plan = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["notify", "created_at"], name="search_saved_notify")]

    def __str__(self):
        return self.name


class SavedSearchMatch(models.Model):
    """ "New match for saved search S: case C", told once: one row per user and case, however
    many of their saved searches match it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="search_matches"
    )
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    page_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page_id"], name="search_match_once_per_case")
        ]

    def __str__(self):
        return f"case {self.page_id} for {self.saved_search}"


class PendingAlertCase(models.Model):
    """A newly published case not yet matched against saved searches (drained in batches by
    ``search.tasks.match_saved_searches_task``, never in the publishing request)."""

    page_id = models.PositiveBigIntegerField(unique=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"case {self.page_id} awaiting saved-search matching"
