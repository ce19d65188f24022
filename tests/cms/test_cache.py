"""The shared Redis cache fails open: with Redis away, pages still answer (issue 13's fault
run found every page that read the cache answering 500)."""

import socket

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import CasePageFactory, make_clinician


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def redis_away(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_every_cache_call_answers_as_a_miss(redis_away, caplog):
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_or_set("k", 7) == 7
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("counter", 0) is True
    assert cache.incr("counter") == 1
    assert not cache.has_key("k")
    cache.set("k", 1)
    cache.delete("k")
    cache.clear()
    assert "cache unavailable (ConnectionError), get answered as a miss" in caplog.text


@pytest.mark.django_db
def test_pages_and_rate_limited_posts_answer_without_redis(redis_away, client):
    case = CasePageFactory()
    client.force_login(make_clinician())

    assert client.get(case.url).status_code == 200
    assert client.get("/").status_code == 200
    url = reverse("discussion:comment", args=[case.pk])
    response = client.post(url, {"body": "A thought about the ECG"})
    assert response.status_code == 302
    assert case.comments.count() == 1
