"""The embedded queue for real: an upload waits in the database until ``db_worker`` runs it."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from pydicom.uid import generate_uid

from media_pipeline.models import MediaInstance, UploadedFile, UploadStatus
from tests.media_pipeline.media_files import dicom_bytes, photo_with_gps

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_db_worker_processes_queued_uploads(author, case, media_env, upload):
    files = {
        "a.dcm": dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid()),
        "b.jpg": photo_with_gps(),
    }
    with override_settings(TASKS=DATABASE_QUEUE):
        response = upload(case, files, user=author)
        assert response.status_code == 202
        assert set(UploadedFile.objects.values_list("status", flat=True)) == {
            UploadStatus.PROCESSING
        }
        assert DBTaskResult.objects.filter(status="READY").count() == 2

        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.1")

    assert set(UploadedFile.objects.values_list("status", flat=True)) == {UploadStatus.READY}
    assert MediaInstance.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert not list(media_env.spool_dir.iterdir())
