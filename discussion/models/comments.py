"""Comments on a case: one level of replies, Markdown rendered once at save time."""

from django.conf import settings
from django.db import models
from django.utils import timezone

MAX_BODY_LENGTH = 10_000


class CommentQuerySet(models.QuerySet):
    def shown(self):
        """Comments peers see in full: not removed and not hidden by a flag."""
        return self.filter(removed_at__isnull=True, hidden_at__isnull=True)


class CommentState:
    """Whether a comment still shows: shared by the model and the case page's plain rows."""

    __slots__ = ()

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Comment(CommentState, models.Model):
    """A comment on a published case, or a reply to one (replies have no replies).

    ``body_html`` is the sanitised rendering of ``body`` with mentions linked, made when the
    comment is saved so that a thread of hundreds renders without Markdown work. A removed
    comment keeps its row (the thread stays readable, with a placeholder); a comment hidden
    by a flag is seen only by moderators, editors and its author until reviewed.
    """

    page = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=MAX_BODY_LENGTH)
    body_html = models.TextField(editable=False)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(
        null=True, blank=True, help_text="Hidden by flags until a moderator reviews it."
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=("page", "created_at"))]

    def __str__(self):
        return f"comment {self.pk} on case {self.page_id}"


class CommentVersion(models.Model):
    """An earlier text of an edited comment, kept for editors and moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-replaced_at", "-pk")

    def __str__(self):
        return f"earlier version of comment {self.comment_id}"
