"""The search endpoint under the API's rules, with odd input (on PostgreSQL in CI, where a
NUL in a query parameter used to be a 500)."""

import pytest

from tests.factories import CasePageFactory, make_clinician

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {"specialty": "\x00"},
        {"tags": ["a\x00b", "\x1b[31m"]},
        {"condition": "\u202e\x00"},
        {"has_images": "\x00"},
        {"q": "\x00", "body_systems": "\x00"},
    ],
)
def test_control_characters_in_search_parameters_are_harmless(client, params):
    CasePageFactory()
    client.force_login(make_clinician())

    api = client.get("/api/v1/search/", params)
    page = client.get("/search/", params)

    assert api.status_code == 200
    assert set(api.json()) >= {"total", "results", "facets"}
    assert page.status_code == 200


def test_search_errors_are_json_with_the_api_shape(client):
    client.force_login(make_clinician())
    response = client.get("/api/v1/search/", {"page": "0"})
    assert response.status_code == 400
    assert response.json() == {"error": "page must be a whole number from 1 to 999999999."}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": ""}, "Unknown sort order; use one of: relevance, newest, discussed."),
        ({"sort": "oldest"}, "Unknown sort order; use one of: relevance, newest, discussed."),
        ({"page": " 2"}, "page must be a whole number from 1 to 999999999."),
        ({"page_size": ""}, "page_size must be a whole number from 1 to 999999999."),
        ({"featured": "319"}, "featured must be true or false."),
    ],
)
def test_the_api_refuses_what_its_schema_rules_out(client, params, message):
    """The search page forgives these (an empty sort is the default); the API says 400, as
    its schema promises."""
    client.force_login(make_clinician())

    response = client.get("/api/v1/search/", params)

    assert response.status_code == 400
    assert response.json() == {"error": message}
