"""Fixtures for the site-level media tests.

Django is imported inside the fixtures only: the media core tests in ``core/`` run without
Django (``-p no:django``) and share this directory.
"""

import copy
import logging
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class MediaEnv:
    clinical_root: Path
    spool_dir: Path

    def stored_files(self) -> list[Path]:
        return sorted(path for path in self.clinical_root.rglob("*") if path.is_file())


@pytest.fixture
def media_env(settings, tmp_path) -> MediaEnv:
    """Clinical storage and spool in a fresh directory, so a test can scan all it wrote."""
    env = MediaEnv(clinical_root=tmp_path / "clinical", spool_dir=tmp_path / "spool")
    storages = copy.deepcopy(settings.STORAGES)
    storages["clinical"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env.clinical_root), "base_url": None},
    }
    settings.STORAGES = storages
    settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "SPOOL_DIR": str(env.spool_dir)}
    return env


@pytest.fixture
def author(db):
    from tests.factories import make_clinician

    return make_clinician()


@pytest.fixture
def case(author):
    from tests.factories import CasePageFactory

    return CasePageFactory(owner=author)


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """``upload(page, {name: bytes}, user=None)`` posts the files and runs their tasks."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def post(page, files: dict[str, bytes], user=None, **extra):
        if user is not None:
            client.force_login(user)
        payload = [SimpleUploadedFile(name, data) for name, data in files.items()]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/media/upload/{page.pk}/",
                {"files": payload},
                HTTP_ACCEPT="application/json",
                **extra,
            )

    return post


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    """``approve(page)``: an editor publishes the case's latest revision, as approving its
    review does, and the follow-up tasks run."""
    from tests.factories import make_editor

    editor = None

    def publish(page):
        nonlocal editor
        editor = editor or make_editor()
        page.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            page.get_latest_revision().publish(user=editor)
        page.refresh_from_db()
        return page

    return publish


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def captured_logs():
    """Every log record of the test at DEBUG and above (works with ``-p no:logging``)."""
    root = logging.getLogger()
    collector = _Collector()
    previous = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        yield collector.records
    finally:
        root.removeHandler(collector)
        root.setLevel(previous)
