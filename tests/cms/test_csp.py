"""The Content-Security-Policy: scripts only from the site's static files, everywhere but the
Wagtail admin, and no template that writes an inline script."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.factories import make_editor

ROOT = Path(__file__).resolve().parents[2]
APPS = ("cms", "accounts", "cases", "media_pipeline", "search", "discussion", "notifications")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_site_pages_allow_scripts_from_self_only(client):
    policy = _directives(client.get("/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"]
    # The viewer fetches media from the S3 endpoint when media are on S3 (as in CI), else
    # only from this site.
    endpoint = urlsplit(settings.AWS_S3_ENDPOINT_URL or "")
    bucket = [f"{endpoint.scheme}://{endpoint.netloc}"] if endpoint.netloc else []
    assert policy["connect-src"] == ["'self'", *bucket]
    assert "'unsafe-eval'" not in " ".join(value for values in policy.values() for value in values)


@pytest.mark.django_db
def test_only_the_wagtail_admin_allows_its_inline_scripts(client):
    client.force_login(make_editor())
    policy = _directives(client.get("/admin/"))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert _directives(client.get("/cases/"))["script-src"] == ["'self'"]


def test_no_template_writes_an_inline_script_or_handler():
    offenders = []
    for app in APPS:
        for template in (ROOT / app / "templates").rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
                offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []
