"""Clinical media on a real S3-compatible server (s3proxy from ``scripts/services.py up s3``).

Skips when the AWS_* variables are unset; ``CASEBOOK_REQUIRE_SERVICES=1`` turns that into a
failure. Each test writes under its own random prefix of the bucket.
"""

import copy
import os
import socket
import time
import urllib.error
import urllib.request

import pytest
from pydicom.uid import generate_uid

from media_pipeline.models import MediaInstance, MediaItem, UploadedFile, UploadStatus
from media_pipeline.storage import STORAGE_UNAVAILABLE, new_token
from tests.factories import CasePageFactory, make_clinician
from tests.media_pipeline.media_files import MARKERS, dicom_bytes, photo_with_gps

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3:
    def __init__(self, settings, spool_dir):
        self.settings = settings
        self.bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
        self.endpoint = os.environ["AWS_S3_ENDPOINT_URL"]
        self.prefix = f"test-{new_token()}"
        settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "SPOOL_DIR": str(spool_dir)}
        self.use_endpoint(self.endpoint)

    def use_endpoint(self, endpoint: str) -> None:
        storages = copy.deepcopy(self.settings.STORAGES)
        storages["clinical"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.bucket,
                "endpoint_url": endpoint,
                "region_name": os.environ.get("AWS_S3_REGION_NAME", "us-east-1"),
                "access_key": os.environ.get("AWS_ACCESS_KEY_ID"),
                "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY"),
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 300,
                "location": self.prefix,
            },
        }
        self.settings.STORAGES = storages

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=os.environ.get("AWS_S3_REGION_NAME", "us-east-1"),
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        )

    def object_keys(self, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2")
        return [
            obj["Key"]
            for page in pages.paginate(Bucket=self.bucket, Prefix=prefix)
            for obj in page.get("Contents", [])
        ]

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()


@pytest.fixture
def s3(settings, tmp_path):
    if not (os.environ.get("AWS_STORAGE_BUCKET_NAME") and os.environ.get("AWS_S3_ENDPOINT_URL")):
        pytest.skip("no S3 server: run `python scripts/services.py up s3` and source .services/env")
    return S3(settings, tmp_path / "spool")


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - test server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _study() -> dict[str, bytes]:
    return {
        "scan.dcm": dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid()),
        "photo.jpg": photo_with_gps(),
    }


def test_upload_store_and_serve_through_presigned_urls(s3, author, case, upload, approve, client):
    upload(case, _study(), user=author)

    assert set(UploadedFile.objects.values_list("status", flat=True)) == {UploadStatus.READY}
    keys = s3.object_keys(s3.prefix)
    assert len(keys) == MediaInstance.objects.count() * 3 == 6
    forbidden = [marker.encode() for marker in MARKERS]
    for key in s3.object_keys():
        data = s3.read(key)
        for needle in forbidden:
            assert needle not in data, key

    instance = MediaInstance.objects.filter(item__kind="series").get()
    client.force_login(make_clinician())
    unapproved = client.get(f"/media/file/{instance.pk}/source/")
    assert unapproved.status_code == 404, "no URL is signed for an item awaiting review"
    assert "Location" not in unapproved

    approve(case)
    response = client.get(f"/media/file/{instance.pk}/source/")
    assert response.status_code == 302
    url = response["Location"]
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url
    status, body = _fetch(url)
    assert status == 200
    assert body[128:132] == b"DICM"
    unsigned = url.split("?")[0]
    assert _fetch(unsigned)[0] == 403, "objects must not be public"


def test_presigned_url_expires(s3, author, case, upload, client, settings):
    settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "URL_EXPIRY_SECONDS": 1}
    upload(case, _study(), user=author)
    instance = MediaInstance.objects.filter(item__kind="photo").get()

    url = client.get(f"/media/file/{instance.pk}/preview/")["Location"]
    assert _fetch(url)[0] == 200
    time.sleep(2.5)
    assert _fetch(url)[0] == 403


def test_permission_denied_before_any_url_is_signed(s3, author, upload, client):
    draft = CasePageFactory(owner=author, live=False)
    upload(draft, _study(), user=author)
    instance = MediaInstance.objects.first()

    client.force_login(make_clinician())
    assert client.get(f"/media/file/{instance.pk}/preview/").status_code == 404
    client.logout()
    response = client.get(f"/media/file/{instance.pk}/preview/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "X-Amz" not in response["Location"]


def test_endpoint_down_then_back(s3, author, case, upload):
    s3.use_endpoint(f"http://127.0.0.1:{_closed_port()}")
    upload(case, _study(), user=author)

    failed = list(UploadedFile.objects.values_list("status", "reason"))
    assert failed == [(UploadStatus.FAILED, STORAGE_UNAVAILABLE)] * 2
    assert not MediaItem.objects.exists()
    assert s3.object_keys(s3.prefix) == []

    s3.use_endpoint(s3.endpoint)
    upload(case, _study(), user=author)
    latest = UploadedFile.objects.order_by("-pk")[:2]
    assert {record.status for record in latest} == {UploadStatus.READY}
    assert MediaItem.objects.count() == 2
    assert len(s3.object_keys(s3.prefix)) == 6
