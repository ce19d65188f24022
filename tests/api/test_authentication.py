"""Who may call the API, and how: every endpoint for every role, API tokens, CSRF on the
session, and JSON answers for every refusal."""

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import APIToken

from accounts.models import Verification
from discussion import services
from discussion.models import Comment
from notifications.models import Event
from notifications.services import notify
from tests.factories import make_clinician, make_editor, make_moderator

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "pending", "rejected", "verified", "editor", "moderator")

# path -> GET status for each role in ROLES. 405: the address takes other methods only.
GET_MATRIX = {
    "/api/v1/cases/{case}/comments/": (401, 403, 403, 200, 200, 200),
    "/api/v1/cases/{case}/proposals/": (401, 403, 403, 200, 200, 200),
    "/api/v1/cases/{case}/confirmed-diagnosis/": (401, 403, 403, 200, 200, 200),
    "/api/v1/cases/{case}/follow/": (401, 403, 403, 200, 200, 200),
    "/api/v1/comments/{comment}/": (401, 403, 403, 200, 200, 200),
    "/api/v1/comments/{comment}/versions/": (401, 403, 403, 403, 200, 200),
    "/api/v1/proposals/{proposal}/vote/": (401, 403, 403, 405, 405, 405),
    "/api/v1/flags/": (401, 403, 403, 405, 405, 405),
    "/api/v1/notifications/": (401, 200, 200, 200, 200, 200),
    "/api/v1/notifications/read-all/": (401, 405, 405, 405, 405, 405),
    "/api/v1/notifications/{notification}/read/": (401, 405, 405, 405, 405, 405),
    "/api/v1/search/": (401, 403, 403, 200, 200, 200),
    "/api/v1/schema/": (200, 200, 200, 200, 200, 200),
    "/api/v1/docs/": (200, 200, 200, 200, 200, 200),
    "/api/v1/no-such-thing/": (404, 404, 404, 404, 404, 404),
}

# Every write: refused before anything is looked at for anonymous (401) and unverified (403)
# callers (notifications are open to every signed-in user).
WRITES = [
    ("post", "/api/v1/cases/{case}/comments/"),
    ("patch", "/api/v1/comments/{comment}/"),
    ("delete", "/api/v1/comments/{comment}/"),
    ("post", "/api/v1/cases/{case}/proposals/"),
    ("post", "/api/v1/proposals/{proposal}/vote/"),
    ("delete", "/api/v1/proposals/{proposal}/vote/"),
    ("put", "/api/v1/cases/{case}/confirmed-diagnosis/"),
    ("put", "/api/v1/cases/{case}/follow/"),
    ("delete", "/api/v1/cases/{case}/follow/"),
    ("post", "/api/v1/flags/"),
]


def user_for(role):
    if role == "anonymous":
        return None
    if role == "editor":
        return make_editor()
    if role == "moderator":
        return make_moderator()
    return make_clinician(status=getattr(Verification, role.upper()))


@pytest.fixture
def ids(case, author, peer):
    comment = services.add_comment(case, peer, "A thought")
    services.edit_comment(comment, peer, "A better thought")
    proposal = services.propose(case, peer, free_text="Wellens", rationale="T waves")
    services.confirm_diagnosis(case, author, certainty="certain", free_text="Wellens")
    return {"case": case.pk, "comment": comment.pk, "proposal": proposal.pk}


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(client, ids, role):
    user = user_for(role)
    if user is not None:
        client.force_login(user)
        row = notify([user.pk], Event.VERIFIED)
        ids = {**ids, "notification": row[0].pk if row else 1}
    else:
        ids = {**ids, "notification": 1}

    for template, statuses in GET_MATRIX.items():
        response = client.get(template.format(**ids))
        expected = statuses[ROLES.index(role)]
        assert response.status_code == expected, (template, role)
        if not template.endswith("/docs/"):
            assert response["Content-Type"].startswith(("application/json", "application/vnd.oai"))
        if expected >= 400:
            assert set(response.json()) == {"error"}, template
        if expected == 401:
            assert response["WWW-Authenticate"] == 'Bearer realm="casebook"'


@pytest.mark.parametrize("role", ("anonymous", "pending", "rejected"))
def test_writes_refuse_callers_who_may_not_see_cases(client, ids, role):
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    before = Comment.objects.get().body

    for method, template in WRITES:
        response = getattr(client, method)(
            template.format(**ids), {"body": "x"}, content_type="application/json"
        )
        assert response.status_code == (401 if user is None else 403), (method, template)
        assert set(response.json()) == {"error"}
    assert Comment.objects.get().body == before


def test_an_unverified_user_is_told_where_their_verification_stands(client, ids):
    client.force_login(make_clinician(status=Verification.PENDING))
    pending = client.get(f"/api/v1/cases/{ids['case']}/comments/").json()["error"]
    client.force_login(make_clinician(status=Verification.REJECTED))
    rejected = client.get(f"/api/v1/cases/{ids['case']}/comments/").json()["error"]
    assert "waiting for verification" in pending
    assert "could not be verified" in rejected


def test_an_api_token_works_without_a_session_or_csrf(case, peer, bearer):
    client = Client(enforce_csrf_checks=True)
    headers = bearer(peer)

    response = client.post(
        f"/api/v1/cases/{case.pk}/comments/",
        {"body": "From a script"},
        content_type="application/json",
        **headers,
    )

    assert response.status_code == 201
    assert Comment.objects.get().author == peer
    assert APIToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wagtail_nonsense",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "bearer",
    ],
)
def test_a_bad_token_is_401_even_with_a_session(client, case, peer, header):
    client.force_login(peer)
    response = client.get(f"/api/v1/cases/{case.pk}/comments/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API token."}


def test_revoked_tokens_and_inactive_users_are_401(case, peer):
    token, plaintext = APIToken.create_token(user=peer, name="old")
    url = f"/api/v1/cases/{case.pk}/comments/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    assert Client().get(url, **headers).status_code == 200
    peer.is_active = False
    peer.save()
    assert Client().get(url, **headers).status_code == 401
    peer.is_active = True
    peer.save()
    token.revoke()
    assert Client().get(url, **headers).status_code == 401


def test_a_token_of_an_unverified_user_is_403(case, bearer):
    pending = make_clinician(status=Verification.PENDING)
    response = Client().get(f"/api/v1/cases/{case.pk}/comments/", **bearer(pending))
    assert response.status_code == 403


def test_the_session_needs_a_csrf_token_to_write(case, peer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(peer)
    url = f"/api/v1/cases/{case.pk}/comments/"

    refused = client.post(url, {"body": "Hi"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]
    assert client.get(url).status_code == 200  # reading needs none

    client.get(case.url)  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        url, {"body": "Hi"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/comments/99999999999999999999999999/",
        "/api/v1/comments/9223372036854775808/",
        "/api/v1/cases/-1/comments/",
        "/api/v1/cases/abc/comments/",
        "/api/v1/proposals/0/vote/",
        "/api/v1/notifications/99999999999999999999/read/",
        "/api/v1/cases/%0A1/comments/",
        "/api/v1/comments/1%0A/",
    ],
)
def test_odd_ids_in_the_address_are_json_404s(client, peer, path):
    client.force_login(peer)
    response = client.post(path, {}, content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_a_missing_slash_is_pointed_out(client, case, peer):
    client.force_login(peer)
    response = client.get(f"/api/v1/cases/{case.pk}/comments")
    assert response.status_code == 404
    assert "end with a slash" in response.json()["error"]
    assert "slash" not in client.get("/api/v1/nothing").json()["error"]


def test_a_comment_hidden_by_a_flag_is_404_to_peers_through_any_address(client, case, peer):
    comment = services.add_comment(case, peer, "Seen at St Elsewhere")
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now())
    client.force_login(make_clinician())
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/comments/{comment.pk}/", {"body": "x"}, content_type="application/json"
        )
        assert response.status_code == 404
    assert Comment.objects.get().body == "Seen at St Elsewhere"
