"""The comments API: threads as the page shows them, posting, replying, editing, removing,
and every bad input refused with a 4xx and nothing written."""

import pytest
from django.utils import timezone

from discussion import services
from discussion.models import CaseHold, Comment, CommentVersion
from tests.factories import CasePageFactory, make_clinician, make_editor, make_moderator

pytestmark = pytest.mark.django_db


def comments_url(case):
    return f"/api/v1/cases/{case.pk}/comments/"


def test_posting_and_reading_a_thread(api, case, peer, other_peer, author):
    created = api(peer, "POST", comments_url(case), {"body": "What about **Wellens**?"})
    assert created.status_code == 201
    comment = created.json()
    assert created["Location"] == f"/api/v1/comments/{comment['id']}/"
    assert comment["body_html"] == "<p>What about <strong>Wellens</strong>?</p>\n"
    reply = api(other_peer, "POST", comments_url(case), {"body": "Agreed", "parent": comment["id"]})
    assert reply.status_code == 201
    # a reply to a reply joins the thread of its parent
    nested = api(author, "POST", comments_url(case), {"body": "Yes", "parent": reply.json()["id"]})
    assert nested.json()["parent"] == comment["id"]

    listing = api(other_peer, "GET", comments_url(case))

    assert listing.status_code == 200
    body = listing.json()
    assert (body["total"], body["page"], body["page_count"]) == (1, 1, 1)
    thread = body["results"][0]
    assert thread["comment"]["id"] == comment["id"]
    assert [r["body"] for r in thread["replies"]] == ["Agreed", "Yes"]
    assert thread["comment"]["author"] == {
        "display_name": "Dr Ada Peer",
        "profession": "Doctor",
        "specialty": "Cardiology",
        "verified": True,
        "editor": False,
        "case_author": False,
    }
    assert thread["replies"][1]["author"]["case_author"] is True
    assert (thread["comment"]["can_edit"], thread["replies"][0]["can_edit"]) == (False, True)


def test_authors_show_no_more_than_the_page_does(api, case, peer):
    services.add_comment(case, peer, "Hello")
    profile = peer.clinician_profile

    text = api(make_clinician(), "GET", comments_url(case)).content.decode()

    for private in (profile.workplace, profile.registration_number, profile.full_name, peer.email):
        assert private not in text
    assert peer.username not in text


def test_removed_and_hidden_comments(api, case, peer, other_peer):
    removed = services.add_comment(case, peer, "Too much detail")
    services.remove_comment(removed, peer)
    hidden = services.add_comment(case, other_peer, "Seen at St Elsewhere")
    services.add_comment(case, peer, "A reply others may read", parent=hidden)
    Comment.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())

    def threads(user):
        return api(user, "GET", comments_url(case)).json()["results"]

    seen = threads(make_clinician())
    assert seen[0]["comment"]["removed"] is True
    assert seen[0]["comment"]["body"] is seen[0]["comment"]["body_html"] is None
    assert seen[0]["comment"]["author"]["display_name"] == "Dr Ada Peer"
    assert seen[1]["comment"] is None  # under review: a placeholder, replies still shown
    assert seen[1]["replies"][0]["body"] == "A reply others may read"
    for user in (other_peer, make_moderator()):
        shown = threads(user)[1]["comment"]
        assert (shown["body"], shown["hidden"]) == ("Seen at St Elsewhere", True)
    assert api(peer, "GET", f"/api/v1/comments/{hidden.pk}/").status_code == 404


def test_replies_to_removed_or_foreign_comments_conflict(api, case, peer, other_peer):
    removed = services.add_comment(case, peer, "Gone soon")
    services.remove_comment(removed, peer)
    elsewhere = services.add_comment(CasePageFactory(), peer, "Another case")
    before = Comment.objects.count()

    for parent in (removed.pk, elsewhere.pk, 999_999):
        response = api(other_peer, "POST", comments_url(case), {"body": "Hi", "parent": parent})
        assert response.status_code == 409, parent
        assert response.json()["error"]
    assert Comment.objects.count() == before


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"body": ""}, 400, "body: Must not be empty."),
        ({"body": "   \n\t "}, 400, "Your comment is empty."),
        ({"body": "x" * 10_001}, 400, "body: Longer than 10,000 characters; shorten it."),
        ({"body": "null \x00 byte"}, 400, "U+0000"),
        ({"body": "reversed \u202etext"}, 400, "U+202E"),
        ({"body": "bell \x07"}, 400, "U+0007"),
        ({}, 400, "body: This field is required."),
        ({"body": None}, 400, "body: This field may not be null."),
        ({"body": 42}, 400, "body: Must be text"),
        ({"body": ["a"]}, 400, "body: Must be text"),
        ({"body": "Hi", "parent": "12"}, 400, "parent: Must be a whole number"),
        ({"body": "Hi", "parent": True}, 400, "parent: Must be a whole number"),
        ({"body": "Hi", "parent": 1.5}, 400, "parent: Must be a whole number"),
        ({"body": "Hi", "parent": 0}, 400, "parent: Ensure this value is greater than"),
        ({"body": "Hi", "parent": 10**30}, 400, "parent: Ensure this value is less than"),
        (["body"], 400, "Expected a dictionary"),
        ("not json", 400, "JSON parse error"),
        ('"just a string"', 400, "Expected a dictionary"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_written(api, case, peer, body, status, message):
    response = api(peer, "POST", comments_url(case), body)

    assert response.status_code == status
    assert message in response.json()["error"]
    assert not Comment.objects.exists()


def test_a_body_that_is_not_json_is_415(api, case, peer):
    form = api(peer, "POST", comments_url(case), "body=hi", content_type="text/plain")
    assert form.status_code == 415
    assert "Unsupported media type" in form.json()["error"]
    assert not Comment.objects.exists()


def test_field_errors_name_their_fields(api, case, peer):
    body = api(peer, "POST", comments_url(case), {"body": 1, "parent": "x"}).json()
    assert set(body["fields"]) == {"body", "parent"}


def test_html_and_script_links_are_sanitised(api, case, peer):
    body = "<script>alert(1)</script> [x](javascript:alert(1)) [y](data:text/html,hi)"
    html = api(peer, "POST", comments_url(case), {"body": body}).json()["body_html"]
    assert "<script" not in html
    assert "href" not in html  # neither link survives
    assert "[x](javascript:alert(1))" in html


def test_mentions_of_unknown_users_stay_text(api, case, peer, other_peer):
    body = f"@{other_peer.username} and @nobody-here"
    html = api(peer, "POST", comments_url(case), {"body": body}).json()["body_html"]
    assert '<span class="mention">@Dr Bob Other</span>' in html
    assert "@nobody-here" in html


def test_no_comment_on_a_draft_or_held_case(api, peer, author):
    draft = CasePageFactory(owner=author, live=False)
    held = CasePageFactory(owner=author)
    CaseHold.objects.create(page=held)

    for page in (draft, held):
        response = api(peer, "POST", comments_url(page), {"body": "Hi"})
        assert response.status_code == 404
        assert response.json() == {"error": "No such case."}
    assert api(peer, "GET", "/api/v1/cases/999999/comments/").status_code == 404
    assert api(author, "GET", comments_url(held)).status_code == 200  # its author still sees it
    assert not Comment.objects.exists()


def test_editing_keeps_the_history_for_moderators(api, case, peer, other_peer):
    comment = services.add_comment(case, peer, "First")
    url = f"/api/v1/comments/{comment.pk}/"

    edited = api(peer, "PATCH", url, {"body": "Second"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "Second"
    assert edited.json()["edited_at"] is not None

    assert api(other_peer, "PATCH", url, {"body": "Mine now"}).status_code == 403
    assert api(peer, "PATCH", url, {"body": ""}).status_code == 400
    assert api(peer, "PATCH", url, {}).json()["body"] == "Second"  # no new text: no change
    assert api(other_peer, "PATCH", url, {}).status_code == 403
    assert api(peer, "PUT", url, {"body": "x"}).status_code == 405
    assert Comment.objects.get().body == "Second"
    history = f"{url}versions/"
    assert api(other_peer, "GET", history).status_code == 403
    versions = api(make_editor(), "GET", history)
    assert versions.status_code == 200
    assert [v["body"] for v in versions.json()] == ["First"]


def test_removing_leaves_a_placeholder(api, case, peer, other_peer):
    comment = services.add_comment(case, peer, "Oops")
    services.edit_comment(comment, peer, "Oops again")
    url = f"/api/v1/comments/{comment.pk}/"

    assert api(other_peer, "DELETE", url).status_code == 403
    assert api(peer, "DELETE", url).status_code == 204

    shown = api(other_peer, "GET", url).json()
    assert (shown["removed"], shown["body"], shown["edited_at"]) == (True, None, None)
    assert not CommentVersion.objects.exists()
    assert api(peer, "PATCH", url, {"body": "Back"}).status_code == 409
    assert api(peer, "DELETE", url).status_code == 204  # removing again changes nothing


def test_moderators_remove_any_comment(api, case, peer):
    comment = services.add_comment(case, peer, "Off topic")
    assert api(make_moderator(), "DELETE", f"/api/v1/comments/{comment.pk}/").status_code == 204
    assert Comment.objects.get().is_removed


def test_threads_are_paginated(api, case, peer):
    for i in range(3):
        services.add_comment(case, peer, f"comment {i}")

    page = api(peer, "GET", comments_url(case), params={"page": 2, "page_size": 2}).json()
    past = api(peer, "GET", comments_url(case), params={"page": 9}).json()

    assert (page["total"], page["page"], page["page_count"]) == (3, 2, 2)
    assert [t["comment"]["body"] for t in page["results"]] == ["comment 2"]
    assert past["results"] == []
    for bad in ("0", "-1", "x", "1.5", "9" * 12):
        response = api(peer, "GET", comments_url(case), params={"page": bad})
        assert response.status_code == 400
        assert "page must be a whole number" in response.json()["error"]


def test_comment_rate_limit_is_429(settings, api, case, peer):
    rates = settings.CASEBOOK_DISCUSSION["RATES"]
    settings.CASEBOOK_DISCUSSION = {
        **settings.CASEBOOK_DISCUSSION,
        "RATES": {**rates, "comment": "2/h", "NEW_comment": "2/h"},
    }
    statuses = [
        api(peer, "POST", comments_url(case), {"body": f"c{i}"}).status_code for i in range(3)
    ]
    refused = api(peer, "POST", comments_url(case), {"body": "more"})

    assert statuses == [201, 201, 429]
    assert "many comments in a short time" in refused.json()["error"]
    assert Comment.objects.count() == 2
