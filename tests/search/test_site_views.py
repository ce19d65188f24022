"""The search page, autocomplete and API: who may use them, bad input, the engine down."""

import logging

import pytest
from wagtail.models import APIToken

from accounts.models import Verification
from tests.factories import make_clinician, make_editor
from tests.search.site_fixtures import corpus  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "pending", "rejected", "verified", "editor")
CLOSED_PORT_URL = "http://127.0.0.1:9"  # discard port: nothing listens there


def login(client, role):
    if role == "anonymous":
        return None
    user = make_editor() if role == "editor" else make_clinician(status=role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/search/?q=infarct", "/search/autocomplete/?q=myo"])
def test_pages_are_for_verified_clinicians_and_editors(client, corpus, role, url):  # noqa: F811
    login(client, role)
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
    elif role in ("pending", "rejected"):
        assert response.status_code == 403
        assert b"infarct" not in response.content.lower()
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, corpus, role):  # noqa: F811
    login(client, role)
    response = client.get("/api/v1/search/?q=infarct")
    expected = {"anonymous": 401, "pending": 403, "rejected": 403}.get(role, 200)
    assert response.status_code == expected
    assert response["Content-Type"] == "application/json"
    if expected != 200:
        assert set(response.json()) == {"error"}
        assert "results" not in response.json()


def test_search_page_shows_highlighted_results_facets_and_sort(client, corpus):  # noqa: F811
    login(client, "verified")
    response = client.get("/search/", {"q": "heart attack", "sort": "newest"})
    html = response.content.decode()
    assert response.status_code == 200
    assert corpus["stemi"].title in html
    assert corpus["draft"].title not in html
    assert "2 cases" in html
    assert 'name="specialty" value="Cardiology"' in html
    assert '<option value="newest" selected>' in html
    assert '<label for="search-q">' in html


def test_search_page_escapes_everything_but_marks(client, corpus):  # noqa: F811
    login(client, "verified")
    html = client.get("/search/", {"q": "hypoxic"}).content.decode()
    assert "<mark>hypoxic</mark>" in html.lower()
    assert "<script>alert(1)</script>" not in html
    xss = client.get("/search/", {"q": '<script>alert("q")</script>'}).content.decode()
    assert '<script>alert("q")' not in xss


def test_api_response_shape(client, corpus):  # noqa: F811
    login(client, "verified")
    body = client.get("/api/v1/search/", {"q": "heart attack", "specialty": "Cardiology"}).json()
    assert body["total"] == 2
    assert (body["page"], body["page_count"]) == (1, 1)
    assert {r["id"] for r in body["results"]} == {corpus["stemi"].pk, corpus["nstemi"].pk}
    first = body["results"][0]
    assert set(first) == {"id", "url", "title", "condition", "specialty", "highlights"}
    assert first["condition"] == "Myocardial infarction"
    assert {"value": "Cardiology", "count": 2, "selected": True} in body["facets"]["specialty"]


def test_api_token_authentication(client, corpus):  # noqa: F811
    verified = make_clinician()
    _token, plaintext = APIToken.create_token(user=verified, name="script")
    ok = client.get("/api/v1/search/?q=infarct", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert ok.status_code == 200
    assert ok.json()["total"] == 2

    pending = make_clinician(status=Verification.PENDING)
    _token, pending_key = APIToken.create_token(user=pending, name="script")
    response = client.get("/api/v1/search/", HTTP_AUTHORIZATION=f"Bearer {pending_key}")
    assert response.status_code == 403

    forged = plaintext[:-3] + "abc"
    assert client.get("/api/v1/search/", HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401
    revoked, revoked_key = APIToken.create_token(user=verified, name="old")
    revoked.revoke()
    response = client.get("/api/v1/search/", HTTP_AUTHORIZATION=f"Bearer {revoked_key}")
    assert response.status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(client, corpus):  # noqa: F811
    login(client, "verified")
    response = client.get("/api/v1/search/", HTTP_AUTHORIZATION="Bearer wagtail_nonsense")
    assert response.status_code == 401


BAD_INPUT = [
    {"q": "x" * 5000},
    {"q": '" ( ) : * \\ / [ ]'},
    {"q": ""},
    {"q": "\x00\u202e\ufeff"},
    {"q": "心肌梗死 🫀 infarct"},
    {"specialty": "No such specialty"},
    {"has_images": "maybe"},
    {"page": "999999"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "1e3"},
    {"page_size": "100000"},
    {"sort": "random"},
    {"q": "infarct", "sort": ["newest", "random"]},
]


@pytest.mark.parametrize("params", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_input_gets_a_clear_answer_never_a_500(client, corpus, params):  # noqa: F811
    login(client, "verified")
    page = client.get("/search/", params)
    api = client.get("/api/v1/search/", params)
    assert page.status_code in (200, 400)
    assert api.status_code in (200, 400)
    assert page.status_code == api.status_code
    if api.status_code == 400:
        assert api.json()["error"]
        assert api.json()["error"].encode() in page.content


def test_invalid_page_and_sort_are_explained(client, corpus):  # noqa: F811
    login(client, "verified")
    assert "page must be a whole number" in client.get("/api/v1/search/?page=0").json()["error"]
    assert "Unknown sort order" in client.get("/api/v1/search/?sort=x").json()["error"]


def test_page_past_the_end_says_so(client, corpus):  # noqa: F811
    login(client, "verified")
    response = client.get("/search/", {"q": "infarct", "page": "50"})
    assert response.status_code == 200
    assert b"There is no page 50" in response.content
    body = client.get("/api/v1/search/", {"q": "infarct", "page": "50"}).json()
    assert (body["total"], body["results"], body["page"]) == (2, [], 50)


def test_overlong_query_is_shortened_with_a_notice(client, corpus):  # noqa: F811
    login(client, "verified")
    body = client.get("/api/v1/search/", {"q": "infarct " * 100}).json()
    assert body["total"] == 2
    assert "shortened" in body["notice"]


def test_engine_down_gives_a_friendly_page_and_a_503_json(client, corpus, settings, caplog):  # noqa: F811
    settings.ELASTICSEARCH_URL = CLOSED_PORT_URL
    login(client, "verified")
    secret_query = "zebrafinch-query-text"
    with caplog.at_level(logging.INFO):
        page = client.get("/search/", {"q": secret_query})
        api = client.get("/api/v1/search/", {"q": secret_query})
        suggestions = client.get("/search/autocomplete/", {"q": "myo"})
        case_page = client.get(corpus["stemi"].url)
    assert page.status_code == 503
    assert b"Search is unavailable at the moment" in page.content
    assert api.status_code == 503
    assert api.json() == {
        "error": "Search is unavailable at the moment. Please try again in a few minutes."
    }
    assert suggestions.json() == {"suggestions": []}
    assert case_page.status_code == 200  # related cases fail soft
    assert b"Related cases" not in case_page.content
    assert "SearchUnavailable" in caplog.text
    assert secret_query not in caplog.text


def test_case_page_shows_related_cases(client, corpus):  # noqa: F811
    login(client, "verified")
    html = client.get(corpus["stemi"].url).content.decode()
    assert "Related cases" in html
    assert corpus["nstemi"].title in html
