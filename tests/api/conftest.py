"""Fixtures for the API tests: a published opinion case, its author and peers, and ``api``
to send JSON as any user."""

import json

import pytest
from wagtail.models import APIToken

from cases.models.choices import CaseMode
from tests.factories import CasePageFactory, SpecialtyFactory, make_clinician

JSON = "application/json"


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
def api(client, django_capture_on_commit_callbacks):
    """``api(user, method, url, body=None, params=None, **headers)``: one JSON request as
    ``user`` (None: anonymous) through the session; on-commit work (tasks) runs."""

    def send(user, method, url, body=None, params=None, **extra):
        client.logout()
        if user is not None:
            client.force_login(user)
        kwargs = {"data": params} if params is not None else {}
        if body is not None:
            kwargs = {"data": body if isinstance(body, str) else json.dumps(body)}
            kwargs["content_type"] = extra.pop("content_type", JSON)
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method.lower())(url, **kwargs, **extra)

    return send


@pytest.fixture
def bearer(db):
    """``bearer(user)``: the ``Authorization`` header of a fresh API token of ``user``."""

    def header(user) -> dict:
        _token, plaintext = APIToken.create_token(user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}

    return header
