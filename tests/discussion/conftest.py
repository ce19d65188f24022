"""Fixtures for the discussion tests: a published opinion case, its author and peers."""

import pytest

from cases.models.choices import CaseMode
from tests.factories import CasePageFactory, SpecialtyFactory, make_clinician


@pytest.fixture
def author(db):
    return make_clinician(display_name="Dr Author")


@pytest.fixture
def case(author):
    return CasePageFactory(owner=author, case_mode=CaseMode.OPINION)


@pytest.fixture
def peer(db):
    cardiology = SpecialtyFactory(name="Cardiology")
    return make_clinician(display_name="Dr Ada Peer", specialty=cardiology)


@pytest.fixture
def other_peer(db):
    return make_clinician(display_name="Dr Bob Other")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """``post(user, url, data)``: log in as ``user``, POST, and run on-commit work (tasks)."""

    def send(user, url, data=None, **extra):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return send
