"""`make restore-drill`: back up PostgreSQL and the clinical media, restore both into scratch
copies, check counts and checksums; a damaged backup fails the drill."""

import copy
import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pydicom.uid import generate_uid

from media_pipeline.models import MediaInstance
from media_pipeline.storage import new_token
from ops.backup import backup, restore_drill
from tests.media_pipeline.media_files import dicom_bytes, photo_with_gps

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(params=["s3"])
def clinical_storage_kind(request, settings, media_env):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the drill needs PostgreSQL (DATABASE_URL)")
    if request.param == "s3":
        if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
            pytest.skip("no S3 server (scripts/services.py up s3)")
        request.applymarker(pytest.mark.s3)
        storages = copy.deepcopy(settings.STORAGES)
        storages["clinical"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
                "endpoint_url": os.environ["AWS_S3_ENDPOINT_URL"],
                "access_key": os.environ["AWS_ACCESS_KEY_ID"],
                "secret_key": os.environ["AWS_SECRET_ACCESS_KEY"],
                "region_name": os.environ.get("AWS_S3_REGION_NAME", "us-east-1"),
                "addressing_style": "path",
                "signature_version": "s3v4",
                "location": f"drill-{new_token()}",
            },
        }
        settings.STORAGES = storages
    return request.param


def test_a_backup_restores_with_the_same_rows_and_objects(
    clinical_storage_kind, author, case, upload, tmp_path
):
    files = {
        "a.dcm": dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid()),
        "b.jpg": photo_with_gps(),
    }
    assert upload(case, files, user=author).status_code == 202
    assert MediaInstance.objects.count() == 2

    out = io.StringIO()
    call_command("backup_casebook", str(tmp_path / "backup"), stdout=out)
    assert "6 media objects" in out.getvalue()
    call_command("restore_drill", str(tmp_path / "backup"), stdout=out)
    assert "Restore drill passed: counts and checksums match." in out.getvalue()


@pytest.mark.parametrize("clinical_storage_kind", ["local"], indirect=True)
def test_a_damaged_backup_fails_the_drill(clinical_storage_kind, author, case, upload, tmp_path):
    upload(case, {"b.jpg": photo_with_gps()}, user=author)
    summary = backup(tmp_path / "backup")
    assert summary["objects"] == 3
    damaged = next(p for p in (tmp_path / "backup" / "media").rglob("*") if p.is_file())
    damaged.write_bytes(damaged.read_bytes() + b"x")

    report = restore_drill(tmp_path / "backup")
    assert not report.ok
    assert len(report.checksum_mismatches) == 1
    assert report.missing_objects == []


def test_the_drill_refuses_a_directory_without_a_backup(tmp_path, settings):
    with pytest.raises(CommandError, match="holds no backup"):
        call_command("restore_drill", str(tmp_path))


def test_a_backup_refuses_a_directory_that_is_not_empty(clinical_storage_kind, tmp_path):
    (tmp_path / "old").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup_casebook", str(tmp_path))
