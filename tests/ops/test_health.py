"""/healthz answers without touching anything; /readyz checks each dependency under a deadline
and reports states only."""

import json
import threading

import pytest

from ops import readiness

pytestmark = pytest.mark.django_db


def test_healthz_is_cheap(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_reports_every_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "search", "storage", "task_queue"}
    assert {check["status"] for check in body["checks"].values()} == {"ok"}


def _refused():
    raise ConnectionRefusedError("connect to db.internal.example:5432 (PostgreSQL 17.2) refused")


def test_readyz_names_the_dependency_that_is_down_and_nothing_else(client, monkeypatch):
    monkeypatch.setitem(readiness.CHECKS, "search", _refused)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["search"] == {"status": "down"}
    assert body["checks"]["database"] == {"status": "ok"}
    text = json.dumps(body)
    assert "example" not in text and "17.2" not in text and "Refused" not in text


def test_a_hung_dependency_times_out_at_the_deadline(client, monkeypatch, settings):
    settings.CASEBOOK_READINESS_TIMEOUT = 0.3
    release = threading.Event()
    monkeypatch.setitem(readiness.CHECKS, "storage", lambda: release.wait(10))
    try:
        response = client.get("/readyz")
    finally:
        release.set()
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["storage"] == {"status": "timeout"}
    assert body["ms"] < 2000


def test_readyz_reports_a_database_that_is_down(client, monkeypatch):
    from django.db import OperationalError

    def down():
        raise OperationalError("could not connect to server")

    monkeypatch.setitem(readiness.CHECKS, "database", down)
    body = client.get("/readyz").json()
    assert body["checks"]["database"] == {"status": "down"}


def test_healthz_and_readyz_refuse_other_methods(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
