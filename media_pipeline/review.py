"""Editors' decisions on quarantined media: redact rectangles series-wide, or release as is.

Only DICOM series are ever quarantined (the core scrubs photos to pixels and never holds
them), so redaction works on stored, already anonymised DICOM.

Redaction is all-or-nothing for the whole item: every instance is redacted and its new
renditions written first; the rows switch to the new objects in one transaction, and the old
objects are deleted only after that commit. A failure deletes the new objects and leaves the
item quarantined exactly as it was.
"""

import logging
from collections.abc import Sequence
from io import BytesIO

from django.db import transaction
from django.utils import timezone
from pydicom import dcmread
from wagtail.log_actions import log

from media_pipeline import approval, storage
from media_pipeline.core.dicom.anonymise import release_after_redaction, write_dataset
from media_pipeline.core.redact import Rectangle, redact_dataset
from media_pipeline.core.render import render_dicom
from media_pipeline.models import MediaInstance, MediaItem, MediaStatus
from media_pipeline.services import case_context
from media_pipeline.signals import media_changed

logger = logging.getLogger(__name__)

#: Audit-log actions on the case, with the editor who decided.
RELEASED = "casebook.media.release"
REDACTED = "casebook.media.redact"
DELETED = "casebook.media.delete"


def redact_item(item: MediaItem, rectangles: Sequence[Rectangle], editor) -> None:
    """Blank ``rectangles`` in every frame of every instance of series ``item``; release it.

    Each instance is declared clean (BurnedInAnnotation NO, Clean Pixel Data) after redaction.
    Raises ``MediaRejected`` for rectangles that do not fit an image, ``StorageUnavailable``
    when storage fails; in both cases nothing changed.
    """
    prefix = f"cases/{case_context(item.page).storage_prefix}/{storage.new_token()}"
    writer = storage.MediaWriter(prefix)
    instances = list(item.instances.all())
    try:
        replacements = [_redact_instance(instance, rectangles, writer) for instance in instances]
        with transaction.atomic():
            for instance, fields in zip(instances, replacements, strict=True):
                for name, value in fields.items():
                    setattr(instance, name, value)
                instance.needs_review = False
                instance.save()
            _mark_ready(item, editor)
            _log(item, REDACTED, editor, rectangles=len(rectangles))
    except BaseException:
        writer.rollback()
        raise
    old_keys = [key for instance in instances for key in instance.replaced_keys]
    storage.delete_keys(old_keys)
    logger.info("media item %s redacted by editor %s", item.pk, editor.pk)
    media_changed.send(sender=MediaItem, page_id=item.page_id)


def release_item(item: MediaItem, editor) -> None:
    """Make a quarantined item visible as it is; the editor has confirmed it is clean."""
    with transaction.atomic():
        item.instances.update(needs_review=False)
        _mark_ready(item, editor)
        _log(item, RELEASED, editor)
    logger.info("media item %s released by editor %s", item.pk, editor.pk)
    media_changed.send(sender=MediaItem, page_id=item.page_id)


@transaction.atomic
def delete_item(item: MediaItem, editor) -> None:
    """Delete a quarantined item the editor judged unusable: out of the case's latest version
    and gone with its stored objects (after commit). Written to the case's audit log."""
    if item.status != MediaStatus.QUARANTINED:
        raise ValueError("Only quarantined media is deleted from the quarantine.")
    page = item.page
    _log(item, DELETED, editor)
    if item.pk in approval.draft_item_ids(page):
        approval.remove_from_draft(page, item, editor)
    if MediaItem.objects.filter(pk=item.pk).exists():
        approval.delete_items([item])
    logger.info("quarantined media item %s deleted by editor %s", item.pk, editor.pk)
    transaction.on_commit(lambda: media_changed.send(sender=MediaItem, page_id=page.pk))


def _log(item: MediaItem, action: str, editor, **data) -> None:
    log(instance=item.page, action=action, user=editor, data={"item": item.pk, **data})


def _mark_ready(item: MediaItem, editor) -> None:
    item.status = MediaStatus.READY
    item.reason = ""
    item.reviewed_by = editor
    item.reviewed_at = timezone.now()
    item.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])


def _redact_instance(instance: MediaInstance, rectangles, writer) -> dict:
    """Write the redacted object and renditions of ``instance``; return the new field values.

    The keys being replaced are kept on ``instance.replaced_keys`` for deletion after commit.
    """
    ds = dcmread(BytesIO(storage.read(instance.source_key)))
    redact_dataset(ds, rectangles)
    release_after_redaction(ds)
    data = write_dataset(ds)
    rendered = render_dicom(ds)
    instance.replaced_keys = instance.all_keys()
    return {
        "source_key": writer.save(data, ".dcm"),
        "preview_key": writer.save(rendered.preview, ".webp"),
        "thumbnail_key": writer.save(rendered.thumbnail, ".webp"),
        "frame_keys": [writer.save(frame, ".webp") for frame in rendered.frames],
    }
