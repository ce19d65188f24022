"""The API holds posts with a likely patient identifier (issue 12): 400 with a message that
names each finding, the findings with their keys, nothing written; confirmed keys in
``not_identifiers`` let the post through; ordinary clinical text posts."""

import pytest

from discussion.models import Comment, ConfirmedDiagnosis, Proposal

pytestmark = pytest.mark.django_db

LEAKY = "Seen on 03/03/2024, NHS 943 476 5919, Mrs Jones"
CLINICAL = "58-year-old man, ST elevation in V1-V3"


def comments_url(case):
    return f"/api/v1/cases/{case.pk}/comments/"


def test_an_ordinary_clinical_comment_posts(api, case, peer):
    response = api(peer, "POST", comments_url(case), {"body": CLINICAL})

    assert response.status_code == 201
    assert Comment.objects.get().body == CLINICAL


def test_a_comment_with_identifiers_is_a_400_that_names_them(api, case, peer):
    response = api(peer, "POST", comments_url(case), {"body": LEAKY})

    assert response.status_code == 400
    body = response.json()
    assert body["error"].startswith("Not posted, because it may identify the patient: ")
    assert "“Mrs Jones” in your comment looks like a person's name" in body["error"]
    assert [(f["kind"], f["text"], f["key"]) for f in body["findings"]] == [
        ("date", "03/03/2024", "date:03/03/2024"),
        ("nhs_number", "943 476 5919", "nhs_number:943 476 5919"),
        ("name", "Mrs Jones", "name:Mrs Jones"),
    ]
    first = body["findings"][0]
    assert LEAKY[first["start"] : first["end"]] == "03/03/2024"
    assert not Comment.objects.exists()


def test_confirmed_keys_let_the_comment_through(api, case, peer):
    body = "Murphy's sign positive, as Dr Finlay described"
    held = api(peer, "POST", comments_url(case), {"body": body})
    keys = [finding["key"] for finding in held.json()["findings"]]

    response = api(peer, "POST", comments_url(case), {"body": body, "not_identifiers": keys})

    assert (held.status_code, response.status_code) == (400, 201)
    assert Comment.objects.get().body == body


@pytest.mark.parametrize(
    ("not_identifiers", "status"),
    [
        ("name:Mrs Jones", 400),  # not a list
        ([12], 400),  # not text
        (["name:Mrs Smith"], 400),  # another text: the findings still hold it
        (["x" * 301], 400),
        (["date:1"] * 51, 400),
    ],
)
def test_bad_confirmations_change_nothing(api, case, peer, not_identifiers, status):
    response = api(
        peer, "POST", comments_url(case), {"body": LEAKY, "not_identifiers": not_identifiers}
    )

    assert response.status_code == status
    assert response.json()["error"]
    assert not Comment.objects.exists()


def test_an_edit_with_an_identifier_is_a_400_and_changes_nothing(api, case, peer):
    created = api(peer, "POST", comments_url(case), {"body": CLINICAL}).json()

    response = api(peer, "PATCH", f"/api/v1/comments/{created['id']}/", {"body": LEAKY})

    assert response.status_code == 400
    assert "Mrs Jones" in response.json()["error"]
    assert Comment.objects.get().body == CLINICAL


def test_a_proposal_with_an_identifier_is_a_400(api, case, peer):
    url = f"/api/v1/cases/{case.pk}/proposals/"
    response = api(
        peer, "POST", url, {"diagnosis": "Brugada syndrome", "rationale": "MRN 12345678"}
    )

    assert response.status_code == 400
    assert "in the rationale looks like a hospital or record number" in response.json()["error"]
    assert [f["field"] for f in response.json()["findings"]] == ["rationale"]
    assert not Proposal.objects.exists()
    ok = api(peer, "POST", url, {"diagnosis": "Brugada syndrome", "rationale": CLINICAL})
    assert ok.status_code == 201


def test_a_confirmed_diagnosis_with_an_identifier_is_a_400(api, case, author):
    response = api(
        author,
        "PUT",
        f"/api/v1/cases/{case.pk}/confirmed-diagnosis/",
        {"diagnosis": "STEMI in Mr Smith", "certainty": "certain"},
    )

    assert response.status_code == 400
    assert "Mr Smith" in response.json()["error"]
    assert not ConfirmedDiagnosis.objects.exists()
