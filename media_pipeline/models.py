"""Rows for uploads and the anonymised media they produce.

No row holds an original file name, header value or anything read from an un-anonymised file:
uploads are labelled by position and date, media by anonymised DICOM attributes only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

from media_pipeline.core.dicom.anonymise import CaseContext


class CaseMediaContext(models.Model):
    """The anonymisation context of one case, shared by every upload to it.

    Holds the secret key of the UID mapping, the date shift and the pseudonym, plus the random
    storage prefix of the case. Never shown in the UI or exported.
    """

    page = models.OneToOneField(
        "cases.CasePage", on_delete=models.CASCADE, related_name="media_context"
    )
    key = models.BinaryField(editable=False)
    date_shift_days = models.IntegerField(editable=False)
    pseudonym = models.CharField(max_length=64, editable=False)
    storage_prefix = models.CharField(max_length=64, unique=True, editable=False)

    def __str__(self):
        return f"media context of case {self.page_id}"

    def as_core(self) -> CaseContext:
        return CaseContext(
            key=bytes(self.key), date_shift_days=self.date_shift_days, pseudonym=self.pseudonym
        )


class Upload(models.Model):
    """One upload request: several files (or zips) sent to a case at once."""

    page = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self):
        return f"upload {self.pk} to case {self.page_id}"


class UploadStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    QUARANTINED = "quarantined", "Waiting for an editor"
    FAILED = "failed", "Failed"


class UploadedFile(models.Model):
    """One file of an upload while and after the worker processes it.

    ``token`` names its spool file and its storage folder; ``reason`` is safe to show the
    author (it comes from the pipeline's fixed messages, never from the file).
    """

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    extension = models.CharField(max_length=12, blank=True, default="")
    size = models.BigIntegerField()
    token = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=UploadStatus.choices, default=UploadStatus.PROCESSING
    )
    reason = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    # What the text check found in the file's name (and its zip members' names): kind and
    # where only, never the name itself, which is not kept anywhere.
    name_findings = models.JSONField(default=list, blank=True)
    names_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    names_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("upload", "position")
        constraints = [
            models.UniqueConstraint(fields=("upload", "position"), name="uploaded_file_position")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The neutral name the author sees, e.g. "file 3 of upload on 23 Nov 2026 09:14 (.dcm)"."""
        when = timezone.localtime(self.upload.created_at).strftime("%d %b %Y %H:%M")
        kind = f" ({self.extension})" if self.extension else ""
        return f"file {self.position} of upload on {when}{kind}"


class MediaKind(models.TextChoices):
    SERIES = "series", "DICOM series"
    PHOTO = "photo", "Clinical photo"


class MediaStatus(models.TextChoices):
    READY = "ready", "Ready"
    QUARANTINED = "quarantined", "Quarantined"


class MediaItemQuerySet(models.QuerySet):
    def ready(self):
        return self.filter(status=MediaStatus.READY)

    def quarantined(self):
        return self.filter(status=MediaStatus.QUARANTINED)

    def approved(self):
        """Items in the published version of a live case: an editor approved a revision
        that includes them (see ``CaseMedia``)."""
        return self.filter(page__live=True, case_links__isnull=False)

    def peer_visible(self):
        """What any verified clinician may see: approved, ready and not withdrawn."""
        return self.approved().ready().filter(withdrawn_at__isnull=True)


class MediaItem(models.Model):
    """A DICOM series (a stack of instances) or one photo, attached to a case.

    Series are grouped by the anonymised SeriesInstanceUID. Peers see an item only when it
    is ready, in the published version of its case (``CaseMedia``) and not withdrawn; until
    then only the case owner and editors see it.
    """

    page = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="media_items")
    kind = models.CharField(max_length=8, choices=MediaKind.choices)
    status = models.CharField(max_length=12, choices=MediaStatus.choices)
    reason = models.TextField(blank=True, default="")
    study_uid = models.CharField(max_length=64, blank=True, default="")
    series_uid = models.CharField(max_length=64, blank=True, default="")
    modality = models.CharField(max_length=16, blank=True, default="")
    body_part = models.CharField(max_length=64, blank=True, default="")
    plane = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="axial, coronal, sagittal or oblique, from the image orientation",
    )
    series_number = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Withdrawn by an editor: hidden from peers at once."
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True, default="")
    # The automatic pixel checks (OCR, faces): boxes proposed to the editor, each
    # {"x", "y", "width", "height", "source": "ocr"|"face", "looks_like": [text kinds],
    # "confidence"}; never the text read, which would copy an identifier into the database.
    proposals = models.JSONField(default=list, blank=True)
    scan_note = models.CharField(max_length=300, blank=True, default="")
    override_reason = models.TextField(
        blank=True, default="", help_text="Why an editor released flagged pixels as they are."
    )

    objects = MediaItemQuerySet.as_manager()

    class Meta:
        ordering = ("page", "study_uid", "series_number", "created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("page", "series_uid"),
                condition=models.Q(kind="series"),
                name="media_item_series_once_per_case",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk} of case {self.page_id}"

    @property
    def title(self) -> str:
        if self.kind == MediaKind.PHOTO:
            return "Photo"
        parts = [self.modality, self.body_part.title() if self.body_part else ""]
        number = f"series {self.series_number}" if self.series_number is not None else "series"
        return " ".join(part for part in [*parts, number] if part)

    @property
    def description(self) -> str:
        """What the series shows, from anonymised attributes (the DICOM Series Description
        is free text and never kept): "CT · chest · axial"."""
        if self.kind == MediaKind.PHOTO:
            return "Clinical photo"
        parts = [self.modality, self.body_part.lower(), self.plane]
        return " · ".join(part for part in parts if part) or "DICOM series"

    def key_instance(self):
        """The middle instance of the stack, whose thumbnail represents the item."""
        instances = list(self.instances.all())
        return instances[len(instances) // 2] if instances else None


class CaseMedia(Orderable):
    """A media item as part of one version of a case, with its caption and position.

    A child of the case page, so every page revision records exactly which media it
    includes. The rows in the database are those of the published version: publishing a
    revision (an editor's approval) writes them, and only items listed there reach peers.
    A new upload or a removal is a new revision, reviewed like a text edit.
    """

    page = ParentalKey("cases.CasePage", on_delete=models.CASCADE, related_name="media")
    item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="case_links")
    caption = models.CharField(max_length=250, blank=True, default="")

    class Meta(Orderable.Meta):
        verbose_name = "case media"
        verbose_name_plural = "case media"
        constraints = [
            models.UniqueConstraint(fields=("page", "item"), name="case_media_item_once")
        ]

    def __str__(self):
        return f"item {self.item_id} in case {self.page_id}"


class MediaInstance(models.Model):
    """One stored image: a DICOM instance of a series, or the photo itself.

    Every ``*_key`` names an object in the clinical storage holding anonymised bytes only.
    """

    item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="instances")
    sop_instance_uid = models.CharField(max_length=64, blank=True, default="")
    instance_number = models.IntegerField(null=True, blank=True)
    source_key = models.CharField(max_length=255, unique=True)
    source_content_type = models.CharField(max_length=64)
    preview_key = models.CharField(max_length=255, unique=True)
    thumbnail_key = models.CharField(max_length=255, unique=True)
    frame_keys = models.JSONField(default=list, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    frame_count = models.PositiveIntegerField(default=1)
    needs_review = models.BooleanField(default=False)

    class Meta:
        ordering = ("item", "instance_number", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("item", "sop_instance_uid"),
                condition=~models.Q(sop_instance_uid=""),
                name="media_instance_once_per_series",
            )
        ]

    def __str__(self):
        return f"instance {self.pk} of item {self.item_id}"

    def all_keys(self) -> list[str]:
        return [self.source_key, self.preview_key, self.thumbnail_key, *self.frame_keys]
