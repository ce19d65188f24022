"""Flagging and following through the API."""

import pytest
from django.utils import timezone

from discussion import services
from discussion.models import CaseHold, Comment, Flag, Follow, Proposal
from tests.factories import CasePageFactory, make_clinician, make_moderator

pytestmark = pytest.mark.django_db
FLAGS = "/api/v1/flags/"


def test_an_identifier_flag_hides_a_comment_at_once(api, case, peer):
    comment = services.add_comment(case, peer, "Seen at St Elsewhere")
    reporter = make_clinician()

    response = api(
        reporter,
        "POST",
        FLAGS,
        {"target_type": "comment", "target_id": comment.pk, "reason": "identifier"},
    )

    assert response.status_code == 201
    assert response.json()["target_type"] == "comment"
    assert (response.json()["case"], response.json()["reason"]) == (case.pk, "identifier")
    assert Comment.objects.get().is_hidden
    assert api(make_clinician(), "GET", f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert api(make_moderator(), "GET", f"/api/v1/comments/{comment.pk}/").status_code == 200


def test_flagging_a_case_holds_it(api, case, author):
    response = api(
        make_clinician(),
        "POST",
        FLAGS,
        {
            "target_type": "case",
            "target_id": case.pk,
            "reason": "identifier",
            "text": "a name in the history",
        },
    )

    assert response.status_code == 201
    assert CaseHold.objects.filter(page=case).exists()
    assert api(make_clinician(), "GET", f"/api/v1/cases/{case.pk}/comments/").status_code == 404


def test_flag_rules(api, case, peer, other_peer):
    proposal = services.propose(case, peer, free_text="Wellens", rationale="why")
    body = {"target_type": "proposal", "target_id": proposal.pk, "reason": "misinformation"}

    own = api(peer, "POST", FLAGS, body)
    first = api(other_peer, "POST", FLAGS, body)
    second = api(other_peer, "POST", FLAGS, {**body, "reason": "inappropriate"})

    assert own.status_code == 403
    assert own.json() == {"error": "You cannot flag your own post."}
    assert first.status_code == 201
    assert second.status_code == 409
    assert "flagged this already" in second.json()["error"]
    assert Flag.objects.count() == 1


def test_flags_on_what_you_cannot_see_are_404(api, case, peer, author):
    hidden = services.propose(case, peer, free_text="Hidden", rationale="why")
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    draft = CasePageFactory(owner=author, live=False)
    reporter = make_clinician()

    for kind, pk in (("proposal", hidden.pk), ("case", draft.pk), ("comment", 999_999)):
        response = api(
            reporter,
            "POST",
            FLAGS,
            {"target_type": kind, "target_id": pk, "reason": "other", "text": "x"},
        )
        assert response.status_code == 404, kind
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"target_type": "case", "reason": "other", "text": "x"},
            "target_id: This field is required.",
        ),
        (
            {"target_type": "user", "target_id": 1, "reason": "other"},
            'target_type: "user" is not a valid choice.',
        ),
        (
            {"target_type": "case", "target_id": 1, "reason": "spam"},
            'reason: "spam" is not a valid choice.',
        ),
        (
            {"target_type": "case", "target_id": "1", "reason": "other"},
            "target_id: Must be a whole number",
        ),
        (
            {"target_type": "case", "target_id": 2**63, "reason": "other"},
            "target_id: Ensure this value is less than",
        ),
        (
            {"target_type": "case", "target_id": 1, "reason": "other", "text": 5},
            "text: Must be text",
        ),
        (
            {"target_type": "case", "target_id": "CASE", "reason": "other"},
            "Your explanation is empty.",
        ),
        (
            {"target_type": "case", "target_id": "CASE", "reason": "other", "text": "y" * 1001},
            "text: Longer than 1,000 characters",
        ),
        (
            {
                "target_type": "case",
                "target_id": "CASE",
                "reason": "inappropriate",
                "text": "\x1b[31m",
            },
            "U+001B",
        ),
    ],
)
def test_bad_flags_are_refused(api, case, body, message):
    body = {**body}
    if body.get("target_id") == "CASE":
        body["target_id"] = case.pk

    response = api(make_clinician(), "POST", FLAGS, body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Flag.objects.exists()


def test_flag_rate_limit_is_429(settings, api, case, peer):
    rates = settings.CASEBOOK_DISCUSSION["RATES"]
    settings.CASEBOOK_DISCUSSION = {
        **settings.CASEBOOK_DISCUSSION,
        "RATES": {**rates, "flag": "1/d", "NEW_flag": "1/d"},
    }
    comments = [services.add_comment(case, peer, f"c{i}") for i in range(2)]
    reporter = make_clinician()

    statuses = [
        api(
            reporter,
            "POST",
            FLAGS,
            {"target_type": "comment", "target_id": c.pk, "reason": "inappropriate"},
        ).status_code
        for c in comments
    ]

    assert statuses == [201, 429]
    assert Flag.objects.count() == 1


def test_follow_and_unfollow(api, case, peer, author):
    url = f"/api/v1/cases/{case.pk}/follow/"
    assert api(peer, "GET", url).json() == {"case": case.pk, "following": False}
    assert api(author, "GET", url).json()["following"] is True  # authors follow their cases

    assert api(peer, "PUT", url).json() == {"case": case.pk, "following": True}
    assert api(peer, "PUT", url).status_code == 200  # again changes nothing
    assert api(peer, "DELETE", url).json() == {"case": case.pk, "following": False}
    services.add_comment(case, peer, "Taking part again")
    assert api(peer, "GET", url).json()["following"] is False  # the unfollow sticks
    assert Follow.objects.filter(user=peer).count() == 1
    assert api(peer, "PUT", "/api/v1/cases/99999999/follow/").status_code == 404
