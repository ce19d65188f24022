"""Process uploaded files one at a time: validate, anonymise or scrub, and say what happened.

Every input gets exactly one ``Outcome``. ``data`` is only ever anonymised bytes: a rejected
input yields no data, and a quarantined one yields anonymised bytes that still need a person
to check the pixels. Files are handled one at a time, so memory stays bounded by one file.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import BinaryIO

from media_pipeline.core.archive import ArchiveLimits, iter_members
from media_pipeline.core.dicom.anonymise import CaseContext, anonymise_dataset, write_dataset
from media_pipeline.core.dicom.validate import read_dicom
from media_pipeline.core.errors import MediaRejected, is_stop
from media_pipeline.core.photos import scrub_photo

ANONYMISED, QUARANTINED, REJECTED = "anonymised", "quarantined", "rejected"
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif"})
# Pictures in formats we do not accept still go to the photo checks, which name the format
# ("GIF files are not accepted") instead of calling them "not DICOM".
OTHER_PICTURE_SUFFIXES = frozenset({".gif", ".tif", ".tiff", ".bmp", ".avif"})
CORRUPT_REASON = "the DICOM file is truncated or corrupt"


@dataclass(frozen=True)
class Outcome:
    """What happened to one input.

    ``outcome`` is "anonymised", "quarantined" or "rejected"; ``reason`` explains the last two;
    ``output_name`` is the relative path for ``data`` (None when rejected); ``kind`` is
    "dicom", "photo", or "archive" for a whole zip rejected before its members were read.
    """

    input_name: str
    outcome: str
    reason: str | None
    output_name: str | None
    data: bytes | None
    kind: str
    proposals: tuple = ()  # boxes the automatic pixel checks propose to redact or blur
    scan_note: str = ""  # what those checks did, for the editor


EMPTY_REASON = "the file is empty (0 bytes)"


def is_photo_name(name: str) -> bool:
    """True when the file name says it is a picture (to scrub or refuse) rather than DICOM."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix in PHOTO_SUFFIXES or suffix in OTHER_PICTURE_SUFFIXES


def process_file(name: str, data: bytes, ctx: CaseContext) -> Outcome:
    """Anonymise one DICOM file or scrub one photo; ``name`` is its relative path."""
    if not data:
        kind = "photo" if is_photo_name(name) else "dicom"
        return Outcome(name, REJECTED, EMPTY_REASON, None, None, kind)
    if is_photo_name(name):
        return _process_photo(name, data)
    try:
        ds = read_dicom(data)
        del data  # the dataset holds what is needed; drop the original bytes early
        result = anonymise_dataset(ds, ctx)
        output = write_dataset(result.dataset)
    except MediaRejected as exc:
        return Outcome(name, REJECTED, exc.reason, None, None, "dicom")
    except BaseException as exc:  # untrusted input: any failure is a rejection, never a crash
        if is_stop(exc):
            raise
        return Outcome(name, REJECTED, CORRUPT_REASON, None, None, "dicom")
    if result.needs_review:
        return Outcome(name, QUARANTINED, result.needs_review, name, output, "dicom")
    return Outcome(name, ANONYMISED, None, name, output, "dicom")


def process_zip(
    name: str, source: str | BinaryIO, ctx: CaseContext, limits: ArchiveLimits | None = None
) -> Iterator[Outcome]:
    """Yield one Outcome per member of the zip at ``source``, reported as ``name/member``.

    Outputs go under the archive's name without ``.zip``. A zip that breaks a whole-archive
    limit yields a single rejected Outcome of kind "archive".
    """
    folder = name[:-4] if name.lower().endswith(".zip") else name
    members = iter_members(source, limits)
    while True:
        try:
            member = next(members)
        except StopIteration:
            return
        except MediaRejected as exc:
            yield Outcome(name, REJECTED, exc.reason, None, None, "archive")
            return
        input_name = f"{name}/{member.original or member.name}"
        kind = "photo" if is_photo_name(member.name) else "dicom"
        if member.rejected:
            yield Outcome(input_name, REJECTED, member.rejected, None, None, kind)
            continue
        outcome = process_file(member.name, member.data, ctx)
        output_name = f"{folder}/{outcome.output_name}" if outcome.output_name else None
        yield Outcome(
            input_name, outcome.outcome, outcome.reason, output_name, outcome.data, outcome.kind
        )


def check_pixels(outcome: Outcome) -> Outcome:
    """Run the automatic pixel checks (OCR, faces) on an accepted outcome.

    DICOM at risk stays quarantined, now with proposed boxes and a note; other DICOM is
    quarantined when OCR reads identifier-like text in its edge bands, or when the check
    breaks on it. A photo is quarantined when it shows a face or any text, or when the text
    check cannot run: photos are visible-light images, at risk by kind. Rejected outcomes
    pass through. Never turns a quarantined outcome into an accepted one.
    """
    if outcome.outcome == REJECTED or outcome.data is None:
        return outcome
    from media_pipeline.core.privacy import checks

    if outcome.kind == "photo":
        verdict = checks.check_photo(outcome.data)
    else:
        verdict = checks.check_dicom(outcome.data, at_risk=outcome.outcome == QUARANTINED)
    reason = outcome.reason if outcome.outcome == QUARANTINED else verdict.reason
    status = QUARANTINED if reason else outcome.outcome
    return replace(
        outcome,
        outcome=status,
        reason=reason,
        proposals=tuple(verdict.proposals),
        scan_note=verdict.note,
    )


def _process_photo(name: str, data: bytes) -> Outcome:
    try:
        scrubbed = scrub_photo(data, name)
    except MediaRejected as exc:
        return Outcome(name, REJECTED, exc.reason, None, None, "photo")
    path = PurePosixPath(name)
    same_suffix = path.suffix.lower() == scrubbed.extension
    output_name = name if same_suffix else str(path.with_suffix(scrubbed.extension))
    return Outcome(name, ANONYMISED, None, output_name, scrubbed.data, "photo")
