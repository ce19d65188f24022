"""Comments and proposals go through the text identifier check (issue 12): a likely
identifier holds the post back, unwritten, as an editable form with each finding named and a
one-click "Not an identifier"; ordinary clinical text posts at once."""

import pytest

from discussion.models import Comment, CommentVersion, ConfirmedDiagnosis, Proposal
from notifications.models import Notification

pytestmark = pytest.mark.django_db

LEAKY = "Seen on 03/03/2024, NHS 943 476 5919, Mrs Jones: ST elevation in V1-V3"
CLINICAL = "58-year-old man, ST elevation in V1-V3, troponin 5000 ng/L, BP 120/80, GCS 14/15"


def comment_url(case):
    return f"/discussion/case/{case.pk}/comments/"


def test_an_ordinary_clinical_comment_posts(case, peer, post):
    response = post(peer, comment_url(case), {"body": CLINICAL})

    assert response.status_code == 302
    assert Comment.objects.get().body == CLINICAL


def test_a_comment_with_identifiers_is_held_with_each_one_named(case, peer, post):
    response = post(peer, comment_url(case), {"body": LEAKY})

    assert response.status_code == 400
    page = response.content.decode()
    for text, label in (
        ("03/03/2024", "a date"),
        ("943 476 5919", "an NHS number"),
        ("Mrs Jones", "a person&#x27;s name"),
    ):
        assert f"<mark>{text}</mark>" in page
        assert f"“{text}” in your comment looks like {label}" in page
    # the text comes back editable, in a form that posts to the same place
    assert '<textarea name="body"' in page and "ST elevation in V1-V3</textarea>" in page
    assert page.count('name="not_identifier" value="') == 3
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()


def test_a_fixed_comment_posts(case, peer, post):
    post(peer, comment_url(case), {"body": LEAKY})
    response = post(peer, comment_url(case), {"body": "Seen recently: ST elevation in V1-V3"})

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_not_an_identifier_posts_once_every_finding_is_confirmed(case, peer, post):
    body = "Murphy's sign positive, as Dr Finlay described"
    held = post(peer, comment_url(case), {"body": body})
    assert held.status_code == 400 and "Dr Finlay" in held.content.decode()

    response = post(peer, comment_url(case), {"body": body, "not_identifier": "name:Dr Finlay"})

    assert response.status_code == 302
    assert Comment.objects.get().body == body


def test_confirming_one_finding_does_not_let_another_through(case, peer, post):
    response = post(peer, comment_url(case), {"body": LEAKY, "not_identifier": "date:03/03/2024"})

    assert response.status_code == 400
    page = response.content.decode()
    # the confirmed one is carried as a hidden input; the other two still hold the post
    assert '<input type="hidden" name="not_identifier" value="date:03/03/2024">' in page
    assert "2 possible identifiers" in page
    assert not Comment.objects.exists()


def test_a_forged_confirmation_for_other_text_changes_nothing(case, peer, post):
    response = post(
        peer, comment_url(case), {"body": LEAKY, "not_identifier": ["name:Mrs Smith", "nonsense"]}
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_mention_of_a_colleague_is_not_a_patient_name(case, peer, other_peer, post):
    response = post(peer, comment_url(case), {"body": "@[Dr Bob Other] what do you think?"})

    assert response.status_code == 302
    assert list(Comment.objects.get().mentions.all()) == [other_peer]


def test_an_edit_that_adds_an_identifier_is_held_and_the_comment_unchanged(
    client, case, peer, post
):
    post(peer, comment_url(case), {"body": "First thoughts"})
    comment = Comment.objects.get()

    response = post(peer, f"/discussion/comments/{comment.pk}/edit/", {"body": LEAKY})

    assert response.status_code == 400
    assert "Mrs Jones" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "First thoughts" and comment.edited_at is None
    assert not CommentVersion.objects.exists()


def test_a_proposal_rationale_with_an_identifier_is_held(case, peer, post):
    url = f"/discussion/case/{case.pk}/proposals/"
    response = post(
        peer, url, {"diagnosis": "Brugada syndrome", "rationale": "Hospital number 12345678"}
    )

    assert response.status_code == 400
    assert "“12345678” in the rationale looks like a hospital or record number" in (
        response.content.decode()
    )
    assert not Proposal.objects.exists()
    ok = post(peer, url, {"diagnosis": "Brugada syndrome", "rationale": CLINICAL})
    assert ok.status_code == 302 and Proposal.objects.count() == 1


def test_a_free_text_diagnosis_with_an_identifier_is_held(case, peer, post):
    url = f"/discussion/case/{case.pk}/proposals/"
    response = post(peer, url, {"diagnosis": "MI on 2024-03-03", "rationale": "ST up"})

    assert response.status_code == 400
    assert "in the diagnosis looks like a date" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_confirmed_diagnosis_typed_with_an_identifier_is_held(case, author, post):
    response = post(
        author,
        f"/discussion/case/{case.pk}/confirm/",
        {"diagnosis": "STEMI, Mr Smith", "certainty": "certain"},
    )

    assert response.status_code == 400
    assert "Mr Smith" in response.content.decode()
    assert not ConfirmedDiagnosis.objects.exists()
