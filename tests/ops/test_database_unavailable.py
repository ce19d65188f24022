"""A database that is down or restarting answers 503 with a plain page, never a traceback."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError

from tests.factories import make_clinician

pytestmark = pytest.mark.django_db


def test_a_lost_database_connection_is_a_503_page(client, monkeypatch):
    client.force_login(make_clinician())
    client.raise_request_exception = False

    def gone(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", gone)
    response = client.get("/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"briefly unavailable" in response.content
    assert b"Traceback" not in response.content
    assert b"server closed" not in response.content


def test_other_errors_stay_a_500(client, monkeypatch):
    client.force_login(make_clinician())
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", lambda self: 1 / 0)
    response = client.get("/cases/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
