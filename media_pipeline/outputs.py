"""Turn the core's anonymised outcomes into stored renditions and a verdict for the author.

``render_outcome`` renders one anonymised file and writes it and its renditions through a
``MediaWriter``; it returns a ``PendingInstance`` (keys and anonymised attributes) for the
caller to commit. ``Batch`` collects the pending instances and skipped reasons of one
uploaded file and words the status the author sees. Every reason comes from the core's fixed
messages, never from file content.
"""

from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath

from pydicom import dcmread

from media_pipeline.core.errors import MediaRejected
from media_pipeline.core.pipeline import QUARANTINED, Outcome
from media_pipeline.core.render import render_dicom, render_photo
from media_pipeline.models import MediaInstance, MediaKind, UploadStatus

DICOM_CONTENT_TYPE = "application/dicom"
PHOTO_CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
ALREADY_THERE = "This image is already part of the case."
SEALED_SERIES = (
    "images cannot be added to a series that peers already see. To change it, remove the "
    "series, and upload it again whole once an editor has approved the removal"
)


@dataclass
class PendingInstance:
    """A stored but not yet committed image, with the anonymised attributes to group it."""

    kind: str
    source_key: str
    source_content_type: str
    preview_key: str
    thumbnail_key: str
    frame_keys: list[str] = field(default_factory=list)
    width: int = 0
    height: int = 0
    frame_count: int = 1
    review_reason: str = ""
    study_uid: str = ""
    series_uid: str = ""
    sop_instance_uid: str = ""
    modality: str = ""
    body_part: str = ""
    plane: str = ""
    series_number: int | None = None
    instance_number: int | None = None
    proposals: list[dict] = field(default_factory=list)
    scan_note: str = ""

    def keys(self) -> list[str]:
        return [self.source_key, self.preview_key, self.thumbnail_key, *self.frame_keys]


def sentence(reason: str) -> str:
    """``reason`` with a capital first letter and a final full stop."""
    reason = reason.strip()
    if not reason:
        return reason
    reason = reason[0].upper() + reason[1:]
    return reason if reason.endswith((".", "!", "?")) else f"{reason}."


@dataclass
class Batch:
    """What one uploaded file (a single file or a zip) produced."""

    is_archive: bool = False
    instances: list[PendingInstance] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    duplicates: int = 0
    name_findings: list[dict] = field(default_factory=list)

    def add(self, pending: PendingInstance | str) -> None:
        """Add a stored instance, or count a duplicate or a skip when given a reason."""
        if pending == ALREADY_THERE:
            self.duplicates += 1
        elif isinstance(pending, str):
            self.skip(pending)
        else:
            self.instances.append(pending)

    def discard(self, pending: PendingInstance, *, sealed: bool = False) -> None:
        """Drop an instance refused when committing: one the case has already, or one of a
        published (sealed) series."""
        self.instances.remove(pending)
        if sealed:
            self.skip(SEALED_SERIES)
        else:
            self.duplicates += 1

    def skip(self, reason: str | None) -> None:
        self.skipped[sentence(reason or "the file could not be read")] += 1

    def verdict(self) -> tuple[str, str]:
        """(status, reason) for the author: failed when nothing was usable or already there."""
        reviews = sorted({p.review_reason for p in self.instances if p.review_reason})
        if not self.instances and self.duplicates == 0:
            return UploadStatus.FAILED, self._failure()
        notes = self._notes()
        if reviews:
            why = "; ".join(sentence(r).rstrip(".") for r in reviews)
            message = (
                "An editor will check these images for identifying text before peers "
                f"can see them ({why})."
            )
            return UploadStatus.QUARANTINED, " ".join([message, *notes])
        return UploadStatus.READY, " ".join(notes)

    def _failure(self) -> str:
        if not self.skipped:
            return "The archive contains no files."
        if not self.is_archive:
            return next(iter(self.skipped))
        return "No file in the archive could be used. " + self._skipped_summary()

    def _notes(self) -> list[str]:
        notes = []
        if self.skipped:
            notes.append(self._skipped_summary())
        if self.duplicates:
            notes.append(f"{self.duplicates} already part of the case, not added again.")
        return notes

    def _skipped_summary(self) -> str:
        total = sum(self.skipped.values())
        parts = [f"{reason.rstrip('.')} ({count})" for reason, count in self.skipped.items()]
        return f"{total} skipped: " + "; ".join(parts) + "."


def render_outcome(outcome: Outcome, page_id: int, writer) -> PendingInstance | str:
    """Render and store one anonymised outcome; a reason string if it cannot be displayed.

    Returns ``ALREADY_THERE`` without writing anything when the case already holds the
    same DICOM instance (same anonymised SOPInstanceUID). Storage errors propagate as
    ``StorageUnavailable``.
    """
    try:
        if outcome.kind == "photo":
            return _store_photo(outcome, writer)
        return _store_dicom(outcome, page_id, writer)
    except MediaRejected as exc:
        return exc.reason


def _store_dicom(outcome: Outcome, page_id: int, writer) -> PendingInstance | str:
    ds = dcmread(BytesIO(outcome.data))
    sop_uid = str(ds.SOPInstanceUID)
    series_uid = str(ds.get("SeriesInstanceUID", "") or "")
    exists = MediaInstance.objects.filter(
        item__page_id=page_id, item__series_uid=series_uid, sop_instance_uid=sop_uid
    ).exists()
    if exists:
        return ALREADY_THERE
    rendered = render_dicom(ds)
    source_key = writer.save(outcome.data, ".dcm")
    preview_key = writer.save(rendered.preview, ".webp")
    thumbnail_key = writer.save(rendered.thumbnail, ".webp")
    frame_keys = [writer.save(frame, ".webp") for frame in rendered.frames]
    return PendingInstance(
        kind=MediaKind.SERIES,
        source_key=source_key,
        source_content_type=DICOM_CONTENT_TYPE,
        preview_key=preview_key,
        thumbnail_key=thumbnail_key,
        frame_keys=frame_keys,
        width=rendered.width,
        height=rendered.height,
        frame_count=rendered.frame_count,
        review_reason=outcome.reason if outcome.outcome == QUARANTINED else "",
        proposals=list(outcome.proposals),
        scan_note=outcome.scan_note,
        study_uid=str(ds.get("StudyInstanceUID", "") or ""),
        series_uid=series_uid,
        sop_instance_uid=sop_uid,
        modality=str(ds.get("Modality", "") or "")[:16],
        body_part=str(ds.get("BodyPartExamined", "") or "")[:64],
        plane=image_plane(ds.get("ImageOrientationPatient")),
        series_number=_integer(ds.get("SeriesNumber")),
        instance_number=_integer(ds.get("InstanceNumber")),
    )


def _store_photo(outcome: Outcome, writer) -> PendingInstance:
    extension = PurePosixPath(outcome.output_name or "photo.jpg").suffix.lower()
    rendered = render_photo(outcome.data)
    source_key = writer.save(outcome.data, extension)
    return PendingInstance(
        kind=MediaKind.PHOTO,
        source_key=source_key,
        source_content_type=PHOTO_CONTENT_TYPES.get(extension, "application/octet-stream"),
        preview_key=writer.save(rendered.preview, ".webp"),
        thumbnail_key=writer.save(rendered.thumbnail, ".webp"),
        width=rendered.width,
        height=rendered.height,
        review_reason=outcome.reason if outcome.outcome == QUARANTINED else "",
        proposals=list(outcome.proposals),
        scan_note=outcome.scan_note,
    )


def image_plane(orientation) -> str:
    """ "axial", "coronal", "sagittal" or "oblique" from Image Orientation (Patient); "" when
    it is missing or malformed. The plane is the one whose normal is the slice normal's
    dominant axis, if that axis clearly dominates."""
    try:
        row = [float(value) for value in orientation[:3]]
        column = [float(value) for value in orientation[3:6]]
    except (TypeError, ValueError, IndexError):
        return ""
    if len(row) != 3 or len(column) != 3:
        return ""
    normal = [
        row[1] * column[2] - row[2] * column[1],
        row[2] * column[0] - row[0] * column[2],
        row[0] * column[1] - row[1] * column[0],
    ]
    size = max(abs(value) for value in normal)
    if size < 1e-6:
        return ""
    axis = [abs(value) for value in normal].index(size)
    if size / sum(abs(value) for value in normal) < 0.8:
        return "oblique"
    return ("sagittal", "coronal", "axial")[axis]


def _integer(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
