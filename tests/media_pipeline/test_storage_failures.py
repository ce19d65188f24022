"""Storage failures undo everything written for a file; retries and re-runs are safe."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.utils import timezone
from pydicom.uid import generate_uid

from media_pipeline import services
from media_pipeline.models import MediaInstance, MediaItem, UploadedFile, UploadStatus
from media_pipeline.storage import STORAGE_UNAVAILABLE
from tests.media_pipeline.media_files import dicom_bytes, zip_of

pytestmark = pytest.mark.django_db


class _NotRun:
    """Stands in for the task so that uploads stay queued."""

    def enqueue(self, *args, **kwargs):
        return None


NOT_RUN = _NotRun()


@pytest.fixture
def failing_storage(monkeypatch):
    """Make the Nth and later writes fail, as when the storage goes away mid-upload."""

    def fail_from(n: int):
        original = FileSystemStorage._save
        calls = {"count": 0}

        def save(self, name, content):
            calls["count"] += 1
            if calls["count"] >= n:
                raise OSError("storage went away")
            return original(self, name, content)

        monkeypatch.setattr(FileSystemStorage, "_save", save)
        return lambda: monkeypatch.setattr(FileSystemStorage, "_save", original)

    return fail_from


def _study(count: int) -> bytes:
    study, series = generate_uid(), generate_uid()
    return zip_of(
        {
            f"{n}.dcm": dicom_bytes(study_uid=study, series_uid=series, instance_number=n)
            for n in range(count)
        }
    )


def test_storage_failure_mid_zip_leaves_nothing(
    author, case, media_env, upload, failing_storage, captured_logs
):
    restore = failing_storage(5)  # the second instance's preview write fails
    upload(case, {"study.zip": _study(3)}, user=author)

    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.FAILED
    assert record.reason == STORAGE_UNAVAILABLE
    assert not MediaItem.objects.exists()
    assert not MediaInstance.objects.exists()
    assert media_env.stored_files() == []
    assert not list(media_env.spool_dir.iterdir())
    assert any("OSError" in r.getMessage() for r in captured_logs)

    restore()
    upload(case, {"study.zip": _study(3)}, user=author)
    latest = UploadedFile.objects.order_by("-pk").first()
    assert latest.status == UploadStatus.READY
    assert MediaInstance.objects.count() == 3
    assert len(media_env.stored_files()) == 9


def test_finished_file_is_not_processed_again(author, case, media_env, upload):
    upload(
        case,
        {"a.dcm": dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())},
        user=author,
    )
    record = UploadedFile.objects.get()
    files = media_env.stored_files()

    assert services.process_uploaded_file(record.pk) == UploadStatus.READY
    assert media_env.stored_files() == files
    assert MediaInstance.objects.count() == 1


def test_rerun_after_a_crash_starts_clean(author, case, media_env, upload, monkeypatch):
    """A worker killed after writing objects but before committing leaves orphans; the
    re-run deletes them and produces exactly one set of rows and objects."""
    from media_pipeline import tasks

    monkeypatch.setattr(tasks, "process_upload_task", NOT_RUN)
    upload(
        case,
        {"a.dcm": dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())},
        user=author,
    )
    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.PROCESSING

    crash = RuntimeError("worker killed")
    monkeypatch.setattr(services, "_commit", lambda *a: (_ for _ in ()).throw(crash))
    spool = media_env.spool_dir / record.token
    kept = spool.read_bytes()
    services.process_uploaded_file(record.pk)  # fails: rolls back, marks failed
    assert UploadedFile.objects.get().status == UploadStatus.FAILED
    assert media_env.stored_files() == []

    UploadedFile.objects.update(status=UploadStatus.PROCESSING)
    spool.write_bytes(kept)
    monkeypatch.undo()
    orphan = media_env.clinical_root / "cases"
    context = services.case_context(case)
    leftover = orphan / context.storage_prefix / record.token / "orphan.webp"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"left by a killed worker")

    assert services.process_uploaded_file(record.pk) == UploadStatus.READY
    assert not leftover.exists()
    assert len(media_env.stored_files()) == 3


def test_spool_file_gone(author, case, media_env, upload, monkeypatch):
    from media_pipeline import tasks

    monkeypatch.setattr(tasks, "process_upload_task", NOT_RUN)
    upload(case, {"a.dcm": b"x"}, user=author)
    record = UploadedFile.objects.get()
    (media_env.spool_dir / record.token).unlink()

    assert services.process_uploaded_file(record.pk) == UploadStatus.FAILED
    assert UploadedFile.objects.get().reason == services.GONE


class _Recorded:
    """Stands in for the task and records what was enqueued."""

    def __init__(self):
        self.enqueued: list[int] = []

    def enqueue(self, file_id):
        self.enqueued.append(file_id)


def _stalled(record: UploadedFile, minutes: int) -> None:
    then = timezone.now() - timedelta(minutes=minutes)
    UploadedFile.objects.filter(pk=record.pk).update(updated_at=then)


@pytest.fixture
def queued_file(author, case, media_env, upload, monkeypatch) -> UploadedFile:
    """One uploaded DICOM file whose task never ran, as after the worker stopped."""
    from media_pipeline import tasks

    monkeypatch.setattr(tasks, "process_upload_task", NOT_RUN)
    upload(
        case,
        {"a.dcm": dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())},
        user=author,
    )
    return UploadedFile.objects.get()


def test_a_file_left_processing_by_a_stopped_worker_is_processed_again(
    queued_file, media_env, monkeypatch
):
    from media_pipeline import tasks

    record = queued_file
    recorded = _Recorded()
    monkeypatch.setattr(tasks, "process_upload_task", recorded)

    _stalled(record, minutes=5)
    assert services.resume_stalled_uploads(timedelta(minutes=30)) == (0, 0)  # maybe still busy
    _stalled(record, minutes=45)
    assert services.resume_stalled_uploads(timedelta(minutes=30)) == (1, 0)
    assert recorded.enqueued == [record.pk]
    assert services.resume_stalled_uploads(timedelta(minutes=30)) == (0, 0)  # touched

    assert services.process_uploaded_file(record.pk) == UploadStatus.READY
    assert len(media_env.stored_files()) == 3


def test_a_stalled_file_whose_spool_copy_is_gone_fails_and_leaves_no_objects(
    queued_file, case, media_env
):
    record = queued_file
    (media_env.spool_dir / record.token).unlink()
    context = services.case_context(case)
    orphan = media_env.clinical_root / "cases" / context.storage_prefix / record.token / "x.webp"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a killed worker")
    _stalled(record, minutes=90)

    call_command("resume_uploads", "--minutes", "60", stdout=io.StringIO())

    record.refresh_from_db()
    assert (record.status, record.reason) == (UploadStatus.FAILED, services.GONE)
    assert not orphan.exists()


class _Panic(BaseException):
    """What a Rust decoder raises on input it cannot handle (pyo3's PanicException)."""


def test_a_panic_while_processing_fails_the_file_and_keeps_nothing(
    queued_file, media_env, monkeypatch, captured_logs
):
    def panic(*args, **kwargs):
        raise _Panic("index out of bounds")

    monkeypatch.setattr(services, "render_outcome", panic)
    assert services.process_uploaded_file(queued_file.pk) == UploadStatus.FAILED
    queued_file.refresh_from_db()
    assert queued_file.reason == services.UNEXPECTED
    assert media_env.stored_files() == []
    assert not (media_env.spool_dir / queued_file.token).exists()
    assert all("index out of bounds" not in r.getMessage() for r in captured_logs)
