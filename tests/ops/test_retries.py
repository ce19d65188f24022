"""Retries with backoff, giving up into a dead letter, and uploads that outlive a storage
outage."""

import pytest
from django.core.files.storage import FileSystemStorage
from pydicom.uid import generate_uid

from media_pipeline.models import MediaInstance, UploadedFile, UploadStatus
from media_pipeline.storage import STORAGE_UNAVAILABLE
from ops.models import DeadLetter
from ops.retries import backoff_seconds
from tests.media_pipeline.media_files import dicom_bytes

pytestmark = pytest.mark.django_db


def _one_dicom() -> bytes:
    return dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())


def test_backoff_grows_and_is_capped():
    delays = [backoff_seconds(n, base=10, cap=100) for n in range(1, 8)]
    assert 8 <= delays[0] <= 12
    assert 16 <= delays[1] <= 24
    assert all(d <= 120 for d in delays)
    assert delays[-1] >= 80


@pytest.fixture
def storage_down_for(monkeypatch):
    """Make the next ``n`` storage writes fail, as while the S3 server is away."""

    def down(n: int):
        original = FileSystemStorage._save
        state = {"left": n}

        def save(self, name, content):
            if state["left"] > 0:
                state["left"] -= 1
                raise ConnectionError("s3 away")
            return original(self, name, content)

        monkeypatch.setattr(FileSystemStorage, "_save", save)

    return down


def test_an_upload_survives_a_short_storage_outage(
    author, case, media_env, upload, storage_down_for
):
    storage_down_for(2)  # the first two attempts fail at their first write
    response = upload(
        case,
        {"a.dcm": _one_dicom()},
        user=author,
    )
    assert response.status_code == 202
    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.READY
    assert MediaInstance.objects.count() == 1
    assert len(media_env.stored_files()) == 3
    assert not list(media_env.spool_dir.iterdir())
    assert not DeadLetter.objects.exists()


def test_an_upload_fails_cleanly_when_storage_stays_away(
    author, case, media_env, upload, storage_down_for
):
    storage_down_for(1000)
    upload(
        case,
        {"a.dcm": _one_dicom()},
        user=author,
    )
    record = UploadedFile.objects.get()
    assert (record.status, record.reason) == (UploadStatus.FAILED, STORAGE_UNAVAILABLE)
    assert media_env.stored_files() == []
    assert not list(media_env.spool_dir.iterdir())
    letter = DeadLetter.objects.get()
    assert letter.task_path == "media_pipeline.tasks.process_upload_task"
    assert letter.args == [record.pk]
    assert letter.attempts == 6
    assert letter.error == "StorageUnavailable"


def test_an_unexpected_error_is_a_dead_letter_and_fails_the_task(monkeypatch):
    from django_tasks import TaskResultStatus

    from search import services
    from search.tasks import index_case_task

    def broken(page_id):
        raise KeyError("title of the case")

    monkeypatch.setattr(services, "apply_change", broken)
    result = index_case_task.enqueue(42, request_id="req-abc-123")
    assert result.status == TaskResultStatus.FAILED
    letter = DeadLetter.objects.get()
    assert (letter.task_name, letter.args, letter.error) == ("index_case_task", [42], "KeyError")
    assert letter.request_id == "req-abc-123"
    assert "title" not in str(letter.__dict__)


def test_an_upload_made_while_the_queue_is_down_is_resumed_by_the_next_sweep(
    author, case, media_env, upload, monkeypatch
):
    from datetime import timedelta

    from media_pipeline import services, tasks

    class QueueDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("redis away")

    real = tasks.process_upload_task
    monkeypatch.setattr(tasks, "process_upload_task", QueueDown())
    response = upload(
        case,
        {"a.dcm": _one_dicom()},
        user=author,
    )
    assert response.status_code == 202  # accepted: the file is kept in the spool
    assert UploadedFile.objects.get().status == UploadStatus.PROCESSING

    monkeypatch.setattr(tasks, "process_upload_task", real)
    assert services.resume_stalled_uploads(timedelta(minutes=15)) == (1, 0)
    assert UploadedFile.objects.get().status == UploadStatus.READY


@pytest.mark.parametrize("error", ["redis", "database"])
def test_a_queue_or_database_outage_while_committing_is_retried_not_failed(
    author, case, media_env, upload, monkeypatch, error
):
    """Saving the rows enqueues Wagtail's index tasks: with Redis away that raises inside the
    transaction. The file is retried, not failed as if it were bad."""
    from django.db import OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError

    from media_pipeline import services

    real_commit = services._commit
    calls = {"n": 0}

    def flaky_commit(*args):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RedisConnectionError("redis away") if error == "redis" else OperationalError()
        return real_commit(*args)

    monkeypatch.setattr(services, "_commit", flaky_commit)
    upload(case, {"a.dcm": _one_dicom()}, user=author)
    assert UploadedFile.objects.get().status == UploadStatus.READY
    assert calls["n"] == 2
    assert len(media_env.stored_files()) == 3


def test_the_database_away_when_a_task_starts_is_retried_not_failed(
    author, case, media_env, upload, monkeypatch
):
    """Seen in the fault run: a PostgreSQL restart as a worker began an upload's task. Its
    first query failed, the task failed, and the file stayed "processing"."""
    from django.db import OperationalError

    from media_pipeline import services

    real_process = services.process_uploaded_file
    calls = {"n": 0}

    def database_restarting(file_id):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("the database system is shutting down")
        return real_process(file_id)

    monkeypatch.setattr(services, "process_uploaded_file", database_restarting)
    upload(case, {"a.dcm": _one_dicom()}, user=author)
    assert UploadedFile.objects.get().status == UploadStatus.READY
    assert calls["n"] == 2
    assert not DeadLetter.objects.exists()
