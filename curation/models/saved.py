"""Personal collections ("saved"): private to their owner unless shared, read-only, with
named verified colleagues."""

from django.conf import settings
from django.db import models
from django.utils import timezone

MAX_TITLE_LENGTH = 120


class SavedCollection(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_collections"
    )
    title = models.CharField(max_length=MAX_TITLE_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CollectionShare", related_name="+", blank=True
    )

    class Meta:
        ordering = ("title", "pk")
        constraints = [
            models.UniqueConstraint(fields=("owner", "title"), name="saved_collection_title_once")
        ]

    def __str__(self):
        return self.title


class SavedCase(models.Model):
    collection = models.ForeignKey(
        SavedCollection, on_delete=models.CASCADE, related_name="entries"
    )
    page = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-added_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("collection", "page"), name="saved_case_once")
        ]

    def __str__(self):
        return f"case {self.page_id} in saved collection {self.collection_id}"


class CollectionShare(models.Model):
    """Read-only access for one colleague."""

    collection = models.ForeignKey(SavedCollection, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("collection", "user"), name="share_once_per_user")
        ]

    def __str__(self):
        return f"collection {self.collection_id} shared with {self.user_id}"
