"""The OpenAPI schema and its interactive docs, served from our own static files."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

EXPECTED_OPERATIONS = {
    ("/api/v1/cases/{case_id}/comments/", "get"),
    ("/api/v1/cases/{case_id}/comments/", "post"),
    ("/api/v1/comments/{comment_id}/", "get"),
    ("/api/v1/comments/{comment_id}/", "patch"),
    ("/api/v1/comments/{comment_id}/", "delete"),
    ("/api/v1/comments/{comment_id}/versions/", "get"),
    ("/api/v1/cases/{case_id}/proposals/", "get"),
    ("/api/v1/cases/{case_id}/proposals/", "post"),
    ("/api/v1/proposals/{proposal_id}/vote/", "post"),
    ("/api/v1/proposals/{proposal_id}/vote/", "delete"),
    ("/api/v1/cases/{case_id}/confirmed-diagnosis/", "get"),
    ("/api/v1/cases/{case_id}/confirmed-diagnosis/", "put"),
    ("/api/v1/cases/{case_id}/follow/", "get"),
    ("/api/v1/cases/{case_id}/follow/", "put"),
    ("/api/v1/cases/{case_id}/follow/", "delete"),
    ("/api/v1/flags/", "post"),
    ("/api/v1/notifications/", "get"),
    ("/api/v1/notifications/{notification_id}/read/", "post"),
    ("/api/v1/notifications/read-all/", "post"),
    ("/api/v1/search/", "get"),
}


def test_the_schema_lists_every_operation_and_nothing_else(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    operations = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations == EXPECTED_OPERATIONS  # not Wagtail's admin API either
    assert set(schema["components"]["securitySchemes"]) == {"apiToken", "cookieAuth"}


def test_the_search_keeps_its_documented_shape(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    search = schema["paths"]["/api/v1/search/"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "sort", "page", "specialty"}
    assert set(search["responses"]) == {"200", "400", "401", "403", "503"}
    body = schema["components"]["schemas"]["SearchResponse"]
    assert set(body["properties"]) == {"total", "page", "page_count", "results", "facets", "notice"}


def test_no_author_detail_beyond_the_page_is_in_any_response_schema(client):
    text = client.get("/api/v1/schema/?format=json").content.decode().lower()
    for private in ("workplace", "registration_number", "email", "full_name", "username"):
        assert f'"{private}"' not in text


def test_the_docs_load_only_our_own_files(client):
    page = client.get("/api/v1/docs/")
    html = page.content.decode()

    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/"), source  # no CDN
    assets = [s for s in sources if s.startswith("/static/")]
    assert len(assets) >= 3
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
