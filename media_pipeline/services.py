"""Write operations of the media pipeline: accept an upload, then process each file of it.

``ingest_upload`` runs in the request: it moves each streamed temporary file into the spool
directory (never into storage), records a neutral label and enqueues one task per file.
``process_uploaded_file`` runs in the worker: core pipeline -> render -> storage -> one short
transaction that creates every row of the file at once. A storage failure undoes every object
written for that file and asks for a retry (``RetryLater``), keeping the spool file; when the
retries run out, ``give_up_on_file`` fails it with a message. The spool file is deleted in
every final outcome; re-running the task for a file that is already finished does nothing.
"""

import contextlib
import logging
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path, PurePosixPath

from django.core.files.move import file_move_safe
from django.core.files.uploadedfile import UploadedFile as IncomingFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from cases.services import lock_case
from media_pipeline import approval, storage
from media_pipeline.conf import media_settings
from media_pipeline.core.dicom.anonymise import CaseContext
from media_pipeline.core.errors import is_stop
from media_pipeline.core.pipeline import (
    REJECTED,
    check_pixels,
    is_photo_name,
    process_file,
    process_zip,
)
from media_pipeline.models import (
    CaseMediaContext,
    MediaInstance,
    MediaItem,
    MediaKind,
    MediaStatus,
    Upload,
    UploadedFile,
    UploadStatus,
)
from media_pipeline.outputs import Batch, PendingInstance, render_outcome
from ops.context import current_request_id
from ops.retries import RetryLater

logger = logging.getLogger(__name__)

GONE = "The uploaded file is no longer available; upload it again."
UNEXPECTED = "The file could not be processed; nothing was saved. Upload it again later."
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_EXTENSION_LENGTH = 10


def safe_extension(file_name: str) -> str:
    """The lower-case extension of ``file_name`` if it is short and plain, else ""."""
    suffix = PurePosixPath(file_name.replace("\\", "/")).suffix.lower()
    plain = suffix[1:].isascii() and suffix[1:].isalnum()
    return suffix if plain and len(suffix) <= MAX_EXTENSION_LENGTH else ""


def name_findings(name: str, where: str) -> list[dict]:
    """What the text check finds in a file name, as {"kind", "where"} entries: the name itself
    is never kept. Underscores and dots read as spaces ("IMG_20240303_1415.jpg")."""
    from media_pipeline.core.privacy.text import find_identifiers

    stem = PurePosixPath(name.replace("\\", "/")).name
    readable = stem.translate(str.maketrans("_.", "  "))
    return [{"kind": finding.kind, "where": where} for finding in find_identifiers(readable)]


def spool_path(token: str) -> Path:
    return media_settings().spool_dir / token


def case_context(page) -> CaseMediaContext:
    """The case's persisted anonymisation context, created on first use."""
    existing = CaseMediaContext.objects.filter(page=page).first()
    if existing:
        return existing
    core = CaseContext.new(f"CASEBOOK-{page.pk}")
    try:
        with transaction.atomic():
            return CaseMediaContext.objects.create(
                page=page,
                key=core.key,
                date_shift_days=core.date_shift_days,
                pseudonym=core.pseudonym,
                storage_prefix=storage.new_token(),
            )
    except IntegrityError:  # another worker created it first: use theirs
        return CaseMediaContext.objects.get(page=page)


def ingest_upload(page, user, files: Sequence[IncomingFile]) -> Upload:
    """Record ``files`` as one upload to ``page`` and enqueue their processing on commit.

    Each file is moved from Django's temporary upload file into the spool directory under a
    random name; its original name is not kept anywhere. Returns the Upload; its ``files``
    are in the order given.
    """
    spool_dir = media_settings().spool_dir
    spool_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    moved: list[Path] = []
    try:
        with transaction.atomic():
            upload = Upload.objects.create(page=page, uploaded_by=user)
            for position, incoming in enumerate(files, start=1):
                token = secrets.token_hex(16)
                target = spool_dir / token
                _spool(incoming, target)
                moved.append(target)
                record = UploadedFile.objects.create(
                    upload=upload,
                    position=position,
                    extension=safe_extension(incoming.name or ""),
                    size=incoming.size or 0,
                    token=token,
                    name_findings=name_findings(incoming.name or "", "file name"),
                )
                transaction.on_commit(partial(_enqueue_processing, record.pk, current_request_id()))
    except BaseException:
        for path in moved:
            path.unlink(missing_ok=True)
        raise
    logger.info("upload %s to case %s: %s files", upload.pk, page.pk, len(moved))
    return upload


def _enqueue_processing(file_id: int, request_id: str) -> None:
    """Queue the file's processing. If the queue is down, the upload is kept all the same:
    its ``updated_at`` is set back so that the next sweep (``resume_stalled_uploads``, every
    few minutes) enqueues it as soon as the queue answers again."""
    from media_pipeline.tasks import process_upload_task

    try:
        process_upload_task.enqueue(file_id, request_id=request_id)
    except Exception as exc:
        logger.warning("uploaded file %s not enqueued: %s", file_id, type(exc).__name__)
        UploadedFile.objects.filter(pk=file_id).update(updated_at=_DUE_FOR_SWEEP)


#: An ``updated_at`` older than any sweep's threshold.
_DUE_FOR_SWEEP = datetime(2000, 1, 1, tzinfo=UTC)


def _spool(incoming: IncomingFile, target: Path) -> None:
    if hasattr(incoming, "temporary_file_path"):
        file_move_safe(incoming.temporary_file_path(), str(target), allow_overwrite=False)
    else:
        with target.open("xb") as out:
            for chunk in incoming.chunks():
                out.write(chunk)
    target.chmod(0o600)


def process_uploaded_file(file_id: int) -> str:
    """Process one uploaded file and return its final status (idempotent).

    Outcomes: rows for every usable image and status ready or quarantined; or no rows and
    status failed with the reason. The spool file is gone afterwards in every case but one:
    storage unavailable raises ``RetryLater`` with nothing stored and the spool file kept.
    """
    record = UploadedFile.objects.select_related("upload__page").filter(pk=file_id).first()
    if record is None or record.status != UploadStatus.PROCESSING:
        return record.status if record else "missing"
    spool = spool_path(record.token)
    if not spool.exists():
        return _fail(record, GONE)
    context = case_context(record.upload.page)
    prefix = _storage_prefix(context, record)
    # A worker killed mid-way may have stored objects without rows: start from nothing.
    storage.delete_prefix(prefix)
    writer = storage.MediaWriter(prefix)
    keep_spool = False
    try:
        batch = _run_pipeline(record, spool, context, writer)
        return _commit(record, batch, writer)
    except (storage.StorageUnavailable, *_dependency_errors()) as exc:
        # A dependency away (storage, the task queue that saving a row enqueues to, the
        # database restarting): nothing is kept, the spool file waits for the retry.
        writer.rollback()
        keep_spool = True
        with contextlib.suppress(DatabaseError):
            # Touched so that the stalled-upload sweep leaves the retries to the task.
            UploadedFile.objects.filter(pk=file_id).update(updated_at=timezone.now())
        raise RetryLater(storage.STORAGE_UNAVAILABLE) from exc
    except BaseException as exc:
        # Untrusted input: report, never crash the worker or leak detail. Native decoders
        # can panic with a BaseException; only stopping the process goes through.
        if is_stop(exc):
            raise
        writer.rollback()
        logger.error("uploaded file %s failed unexpectedly: %s", file_id, type(exc).__name__)
        return _fail(record, UNEXPECTED)
    finally:
        if not keep_spool:
            spool.unlink(missing_ok=True)


def _dependency_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean a service is away, not that the file is bad."""
    from django.db import InterfaceError, OperationalError

    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # the database queue has no Redis client
        pass
    else:
        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


def give_up_on_file(file_id: int) -> None:
    """The retries are used up (storage stayed away): fail the file with a message the author
    sees, and delete its spool copy and anything stored for it."""
    record = UploadedFile.objects.select_related("upload").filter(pk=file_id).first()
    if record is None or record.status != UploadStatus.PROCESSING:
        return
    spool_path(record.token).unlink(missing_ok=True)
    context = CaseMediaContext.objects.filter(page_id=record.upload.page_id).first()
    if context is not None:
        storage.delete_prefix(_storage_prefix(context, record))
    _fail(record, storage.STORAGE_UNAVAILABLE)


def resume_stalled_uploads(older_than: timedelta) -> tuple[int, int]:
    """Finish what a killed worker left: files still processing after ``older_than``.

    A file whose spool copy is still there is enqueued again; processing starts by deleting
    whatever an interrupted run stored. A file whose copy is gone is marked failed, and the
    objects stored for it are deleted. Returns (re-enqueued, failed). ``older_than`` must be
    longer than any file takes, or a file still being processed is started a second time.
    """
    from media_pipeline.tasks import process_upload_task

    cutoff = timezone.now() - older_than
    stalled = UploadedFile.objects.filter(status=UploadStatus.PROCESSING, updated_at__lt=cutoff)
    requeued = failed = 0
    for record in stalled.select_related("upload"):
        if spool_path(record.token).exists():
            # Touched so that the next sweep gives this attempt the same time again.
            UploadedFile.objects.filter(pk=record.pk).update(updated_at=timezone.now())
            process_upload_task.enqueue(record.pk)
            requeued += 1
            continue
        context = CaseMediaContext.objects.filter(page_id=record.upload.page_id).first()
        if context is not None:
            storage.delete_prefix(_storage_prefix(context, record))
        _fail(record, GONE)
        failed += 1
    if requeued or failed:
        logger.info("stalled uploads: %s re-enqueued, %s failed", requeued, failed)
    return requeued, failed


def clean_expired_uploads() -> dict[str, int]:
    """The periodic clean-up: resume or fail files left processing longer than
    ``STALLED_AFTER_MINUTES``, and delete spool files that no processing file owns (left by a
    request that died between spooling and committing) once they are a day old."""
    requeued, failed = resume_stalled_uploads(media_settings().stalled_after)
    spool_dir = media_settings().spool_dir
    orphans = 0
    if spool_dir.is_dir():
        cutoff = timezone.now().timestamp() - ORPHAN_SPOOL_SECONDS
        old = {p.name: p for p in spool_dir.iterdir() if p.is_file() and p.stat().st_mtime < cutoff}
        owned = set(
            UploadedFile.objects.filter(
                token__in=list(old), status=UploadStatus.PROCESSING
            ).values_list("token", flat=True)
        )
        for name, path in old.items():
            if name not in owned:
                path.unlink(missing_ok=True)
                orphans += 1
    return {"requeued": requeued, "failed": failed, "orphan_spool_files": orphans}


ORPHAN_SPOOL_SECONDS = 24 * 60 * 60


def _storage_prefix(context: CaseMediaContext, record: UploadedFile) -> str:
    return f"cases/{context.storage_prefix}/{record.token}"


def _run_pipeline(record, spool: Path, context: CaseMediaContext, writer) -> Batch:
    core_context = context.as_core()
    page_id = record.upload.page_id
    with spool.open("rb") as handle:
        is_zip = handle.read(4) == ZIP_SIGNATURE
    if is_zip:
        limits = media_settings().archive_limits
        outcomes = process_zip("upload.zip", str(spool), core_context, limits)
    else:
        outcomes = [process_file(_routing_name(record.extension), spool.read_bytes(), core_context)]
    batch = Batch(is_archive=is_zip)
    for number, outcome in enumerate(outcomes, start=1):
        if is_zip:
            member = outcome.input_name.removeprefix("upload.zip/")
            batch.name_findings += name_findings(member, f"name of zip member {number}")
        if outcome.outcome == REJECTED:
            batch.skip(outcome.reason)
            continue
        batch.add(render_outcome(check_pixels(outcome), page_id, writer))
    return batch


def _routing_name(extension: str) -> str:
    """A stand-in file name that routes the bytes to the right core checks."""
    name = f"upload{extension}"
    return name if is_photo_name(name) else "upload.dcm"


def _commit(record: UploadedFile, batch: Batch, writer) -> str:
    """Create the rows of every stored image and add new items to the case's draft, at once.

    New items join the latest revision of the case; peers see them only after an editor
    approves it (``approval``). A series already published is sealed: more images of it are
    refused rather than shown unreviewed.
    """
    page_id = record.upload.page_id
    refused_keys: list[str] = []
    with transaction.atomic():
        lock_case(page_id)
        current = UploadedFile.objects.select_for_update().get(pk=record.pk)
        if current.status != UploadStatus.PROCESSING:  # another run finished it first
            transaction.on_commit(writer.rollback)
            return current.status
        published = approval.published_item_ids(page_id)
        new_items = []
        for pending in list(batch.instances):
            item, created = _add_instance(page_id, pending, published)
            if item is None:
                refused_keys.extend(pending.keys())
                batch.discard(pending, sealed=created is SEALED)
            elif created:
                new_items.append(item)
        approval.add_to_draft(page_id, new_items, record.upload.uploaded_by)
        current.status, current.reason = batch.verdict()
        current.name_findings = [*current.name_findings, *batch.name_findings]
        current.save(update_fields=["status", "reason", "name_findings", "updated_at"])
    storage.delete_keys(refused_keys)
    logger.info("uploaded file %s: %s", record.pk, current.status)
    return current.status


#: ``_add_instance``'s answer for an image of a series that peers already see.
SEALED = object()


def _add_instance(page_id: int, pending: PendingInstance, published: set[int]):
    """Create the instance row (and its item if new): (item, created).

    (None, None) when the case already has this instance; (None, SEALED) when its series
    is in the published version of the case.
    """
    if pending.kind == MediaKind.PHOTO:
        item = MediaItem.objects.create(
            page_id=page_id,
            kind=MediaKind.PHOTO,
            status=MediaStatus.READY,
            proposals=pending.proposals,
            scan_note=pending.scan_note[:300],
        )
        created = True
    else:
        item, created = MediaItem.objects.get_or_create(
            page_id=page_id,
            kind=MediaKind.SERIES,
            series_uid=pending.series_uid,
            defaults={
                "status": MediaStatus.READY,
                "study_uid": pending.study_uid,
                "modality": pending.modality,
                "body_part": pending.body_part,
                "plane": pending.plane,
                "series_number": pending.series_number,
            },
        )
        if item.instances.filter(sop_instance_uid=pending.sop_instance_uid).exists():
            return None, None
        if item.pk in published:
            return None, SEALED
    MediaInstance.objects.create(
        item=item,
        sop_instance_uid=pending.sop_instance_uid,
        instance_number=pending.instance_number,
        source_key=pending.source_key,
        source_content_type=pending.source_content_type,
        preview_key=pending.preview_key,
        thumbnail_key=pending.thumbnail_key,
        frame_keys=pending.frame_keys,
        width=pending.width,
        height=pending.height,
        frame_count=pending.frame_count,
        needs_review=bool(pending.review_reason),
    )
    if pending.kind == MediaKind.SERIES and pending.proposals:
        item.proposals = merge_proposals(item.proposals, pending.proposals)
        item.scan_note = pending.scan_note[:300]
        item.save(update_fields=["proposals", "scan_note"])
    elif pending.kind == MediaKind.SERIES and pending.scan_note and not item.scan_note:
        item.scan_note = pending.scan_note[:300]
        item.save(update_fields=["scan_note"])
    if pending.review_reason and item.status == MediaStatus.READY:
        item.status = MediaStatus.QUARANTINED
        item.reason = pending.review_reason
        item.save(update_fields=["status", "reason"])
    return item, created


def merge_proposals(existing: list[dict], new: list[dict]) -> list[dict]:
    """The proposals of a series: one per place, whatever instance found it."""
    from media_pipeline.core.privacy.scan import merge_proposal_lists

    return merge_proposal_lists(existing, new)


def _fail(record: UploadedFile, reason: str) -> str:
    UploadedFile.objects.filter(pk=record.pk, status=UploadStatus.PROCESSING).update(
        status=UploadStatus.FAILED, reason=reason, updated_at=timezone.now()
    )
    logger.info("uploaded file %s: failed", record.pk)
    return UploadStatus.FAILED
