"""Editors' decisions on quarantined media: redact rectangles series-wide, or release as is.

DICOM series are held for burned-in text; photos for faces or text (``core.privacy``). The
automatic checks leave proposed boxes on the item; the editor accepts them (one click), adjusts
them, or releases the item with a reason. Redacted pixels are checked again by the same checks:
if identifier-like text or a face is still found, the item stays quarantined with the new
proposals, already redacted as far as the editor went.

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
from media_pipeline.core.redact import Rectangle, blur_photo, redact_dataset, redact_photo
from media_pipeline.core.render import render_dicom, render_photo
from media_pipeline.models import MediaInstance, MediaItem, MediaKind, MediaStatus
from media_pipeline.services import case_context
from media_pipeline.signals import media_changed

logger = logging.getLogger(__name__)

#: Audit-log actions on the case, with the editor who decided.
RELEASED = "casebook.media.release"
REDACTED = "casebook.media.redact"
DELETED = "casebook.media.delete"


BLUR, BLACK = "blur", "black"
STILL_FOUND = "After redaction the automatic check still finds {what}: look again."


def redact_item(
    item: MediaItem, rectangles: Sequence[Rectangle], editor, *, mode: str = BLACK
) -> bool:
    """Hide ``rectangles`` in every frame of every instance of ``item``, then check again.

    DICOM is blanked (and declared clean: BurnedInAnnotation NO, Clean Pixel Data); a photo
    is blacked out, or blurred with ``mode="blur"``. Returns True when the item is released,
    False when the re-check still finds identifier-like text or a face: the redaction is kept
    and the item stays quarantined with the new proposals. Raises ``MediaRejected`` for
    rectangles that do not fit an image, ``StorageUnavailable`` when storage fails; in both
    cases nothing changed.
    """
    prefix = f"cases/{case_context(item.page).storage_prefix}/{storage.new_token()}"
    writer = storage.MediaWriter(prefix)
    instances = list(item.instances.all())
    redact = _redact_photo if item.kind == MediaKind.PHOTO else _redact_instance
    try:
        results = [redact(instance, rectangles, writer, mode) for instance in instances]
        remaining = [proposal for _, found in results for proposal in found]
        with transaction.atomic():
            for instance, (fields, _) in zip(instances, results, strict=True):
                for name, value in fields.items():
                    setattr(instance, name, value)
                instance.needs_review = bool(remaining)
                instance.save()
            if remaining:
                _still_quarantined(item, remaining)
            else:
                _mark_ready(item, editor)
            _log(item, REDACTED, editor, rectangles=len(rectangles))
    except BaseException:
        writer.rollback()
        raise
    old_keys = [key for instance in instances for key in instance.replaced_keys]
    storage.delete_keys(old_keys)
    logger.info("media item %s redacted by editor %s", item.pk, editor.pk)
    if not remaining:
        media_changed.send(sender=MediaItem, page_id=item.page_id)
    return not remaining


def release_item(item: MediaItem, editor, *, reason: str = "") -> None:
    """Make a quarantined item visible as it is: the editor has looked and decided (with
    ``reason`` when the checks found something, e.g. consent covers a face)."""
    with transaction.atomic():
        item.instances.update(needs_review=False)
        item.override_reason = reason
        item.save(update_fields=["override_reason"])
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


def found_nothing(item: MediaItem) -> bool:
    """Whether the automatic check ran on every image of ``item`` and found nothing, so the
    editor may release it in one click after looking."""
    note = item.scan_note
    face_ok = item.kind != MediaKind.PHOTO or note.startswith("No face found.")
    return not item.proposals and face_ok and "OCR found no text" in note


def _still_quarantined(item: MediaItem, remaining: list[dict]) -> None:
    from media_pipeline.core.privacy.scan import merge_proposal_lists

    what = "a face" if any(p["source"] == "face" for p in remaining) else "identifier-like text"
    item.proposals = merge_proposal_lists([], remaining)
    item.scan_note = STILL_FOUND.format(what=what)
    item.save(update_fields=["proposals", "scan_note"])


def _mark_ready(item: MediaItem, editor) -> None:
    item.status = MediaStatus.READY
    item.reason = ""
    item.reviewed_by = editor
    item.reviewed_at = timezone.now()
    item.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])


def _redact_instance(instance: MediaInstance, rectangles, writer, mode) -> tuple[dict, list]:
    """Write the redacted object and renditions of ``instance``; return the new field values
    and what the re-check still finds (proposals that look like identifiers).

    The keys being replaced are kept on ``instance.replaced_keys`` for deletion after commit.
    """
    from media_pipeline.core.privacy.scan import proposals, scan_dataset

    ds = dcmread(BytesIO(storage.read(instance.source_key)))
    redact_dataset(ds, rectangles)
    release_after_redaction(ds)
    data = write_dataset(ds)
    rendered = render_dicom(ds)
    recheck = scan_dataset(ds, at_risk=True)
    remaining = [p for p in proposals(recheck.boxes) if p["looks_like"]]
    instance.replaced_keys = instance.all_keys()
    fields = {
        "source_key": writer.save(data, ".dcm"),
        "preview_key": writer.save(rendered.preview, ".webp"),
        "thumbnail_key": writer.save(rendered.thumbnail, ".webp"),
        "frame_keys": [writer.save(frame, ".webp") for frame in rendered.frames],
    }
    return fields, remaining


def _redact_photo(instance: MediaInstance, rectangles, writer, mode) -> tuple[dict, list]:
    from media_pipeline.core.privacy.checks import check_photo

    hide = blur_photo if mode == BLUR else redact_photo
    data = hide(storage.read(instance.source_key), rectangles)
    rendered = render_photo(data)
    verdict = check_photo(data)
    remaining = [p for p in verdict.proposals if p["source"] == "face" or p.get("looks_like")]
    extension = "." + instance.source_key.rsplit(".", 1)[-1]
    instance.replaced_keys = instance.all_keys()
    fields = {
        "source_key": writer.save(data, extension),
        "preview_key": writer.save(rendered.preview, ".webp"),
        "thumbnail_key": writer.save(rendered.thumbnail, ".webp"),
    }
    return fields, remaining
