"""The proposals API: proposing, ranking, votes, the confirmed diagnosis, and bad input."""

import pytest
from django.utils import timezone

from discussion import services
from discussion.models import ConfirmedDiagnosis, Proposal, ProposalVote
from tests.factories import ConditionFactory, make_clinician, make_editor, make_moderator

pytestmark = pytest.mark.django_db


def proposals_url(case):
    return f"/api/v1/cases/{case.pk}/proposals/"


def vote_url(proposal):
    return f"/api/v1/proposals/{proposal.pk}/vote/"


def confirm_url(case):
    return f"/api/v1/cases/{case.pk}/confirmed-diagnosis/"


@pytest.fixture
def mi(db):
    return ConditionFactory(name="Myocardial infarction", synonyms="MI\nheart attack")


def test_proposing_by_condition_or_free_text(api, case, peer, other_peer, mi):
    by_id = api(peer, "POST", proposals_url(case), {"condition": mi.pk, "rationale": "ST up"})
    by_synonym = api(
        other_peer, "POST", proposals_url(case), {"diagnosis": "heart attack", "rationale": "Same"}
    )
    free = api(
        other_peer,
        "POST",
        proposals_url(case),
        {"diagnosis": "Wellens syndrome", "rationale": "T waves"},
    )

    assert by_id.status_code == 201
    assert by_id.json()["condition"] == {"id": mi.pk, "name": "Myocardial infarction"}
    assert (by_id.json()["vote_count"], by_id.json()["voted"], by_id.json()["can_vote"]) == (
        0,
        False,
        False,
    )
    assert by_synonym.status_code == 409  # the same condition, named by a synonym
    assert "proposed already" in by_synonym.json()["error"]
    assert free.status_code == 201
    assert (free.json()["label"], free.json()["condition"]) == ("Wellens syndrome", None)
    assert Proposal.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"rationale": "why"}, "Choose a condition from the list, or type the diagnosis."),
        ({"diagnosis": "  ", "rationale": "why"}, "Choose a condition"),
        ({"diagnosis": "x" * 201, "rationale": "why"}, "diagnosis: Longer than 200 characters"),
        ({"diagnosis": "Wellens", "rationale": ""}, "rationale: Must not be empty."),
        ({"diagnosis": "Wellens", "rationale": " \n "}, "The rationale is empty."),
        ({"diagnosis": "Well\u202eens", "rationale": "why"}, "U+202E"),
        ({"diagnosis": "Wellens", "rationale": "x" * 2001}, "rationale: Longer than 2,000"),
        ({"diagnosis": "Wellens"}, "rationale: This field is required."),
        ({"condition": 999_999, "rationale": "why"}, "condition: No condition has that id."),
        ({"condition": "1", "rationale": "why"}, "condition: Must be a whole number"),
        ({"diagnosis": 7, "rationale": "why"}, "diagnosis: Must be text"),
    ],
)
def test_bad_proposals_are_refused(api, case, peer, body, message):
    response = api(peer, "POST", proposals_url(case), body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Proposal.objects.exists()


def test_proposals_are_ranked_by_votes_then_age(api, case, peer, other_peer):
    older = services.propose(case, peer, free_text="Older", rationale="a")
    newer = services.propose(case, peer, free_text="Newer", rationale="b")
    services.vote(newer, other_peer)

    ranked = api(other_peer, "GET", proposals_url(case)).json()

    assert [p["id"] for p in ranked["results"]] == [newer.pk, older.pk]
    assert (ranked["results"][0]["vote_count"], ranked["results"][0]["voted"]) == (1, True)
    assert ranked["total"] == 2


def test_voting_counts_once_and_toggles(api, case, peer, other_peer):
    proposal = services.propose(case, peer, free_text="Wellens", rationale="why")

    first = api(other_peer, "POST", vote_url(proposal))
    again = api(other_peer, "POST", vote_url(proposal))
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == {"proposal": proposal.pk, "vote_count": 1, "voted": True}
    assert ProposalVote.objects.count() == 1

    taken_back = api(other_peer, "DELETE", vote_url(proposal))
    assert taken_back.json() == {"proposal": proposal.pk, "vote_count": 0, "voted": False}


def test_no_vote_for_your_own_removed_or_hidden_proposal(api, case, peer, other_peer):
    own = services.propose(case, peer, free_text="Mine", rationale="why")
    removed = services.propose(case, other_peer, free_text="Gone", rationale="why")
    Proposal.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    hidden = services.propose(case, other_peer, free_text="Hidden", rationale="why")
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())

    mine = api(peer, "POST", vote_url(own))
    gone = api(peer, "POST", vote_url(removed))
    assert mine.status_code == 403
    assert mine.json() == {"error": "You cannot vote for your own proposal."}
    assert gone.status_code == 409
    assert "removed" in gone.json()["error"]
    assert api(peer, "DELETE", vote_url(removed)).status_code == 409
    assert api(peer, "POST", vote_url(hidden)).status_code == 404
    assert api(peer, "POST", "/api/v1/proposals/99999999/vote/").status_code == 404
    assert not ProposalVote.objects.exists()


def test_hidden_proposals_reach_only_moderators_and_their_author(api, case, peer):
    hidden = services.propose(case, peer, free_text="Hidden", rationale="why")
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())

    def labels(user):
        return [
            (p["label"], p["hidden"])
            for p in api(user, "GET", proposals_url(case)).json()["results"]
        ]

    assert labels(make_clinician()) == []
    assert labels(peer) == [("Hidden", True)]
    assert labels(make_moderator()) == [("Hidden", True)]


def test_the_author_confirms_the_diagnosis(api, case, author, peer, other_peer, mi):
    proposal = services.propose(case, peer, condition=mi, rationale="why")
    services.vote(proposal, other_peer)
    assert api(peer, "GET", confirm_url(case)).status_code == 404

    confirmed = api(author, "PUT", confirm_url(case), {"condition": mi.pk, "certainty": "certain"})

    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["label"], body["certainty"], body["proposal"]) == (
        "Myocardial infarction",
        "certain",
        proposal.pk,
    )
    assert (body["crowd_top_label"], body["crowd_top_votes"]) == ("Myocardial infarction", 1)
    assert api(peer, "GET", confirm_url(case)).json() == body
    # an editor may change it; free text that names a condition is that condition
    again = api(
        make_editor(), "PUT", confirm_url(case), {"diagnosis": "MI", "certainty": "probable"}
    )
    assert (again.json()["condition"], again.json()["certainty"]) == (
        {"id": mi.pk, "name": "Myocardial infarction"},
        "probable",
    )


def test_only_the_author_or_an_editor_confirms(api, case, peer, mi):
    response = api(peer, "PUT", confirm_url(case), {"condition": mi.pk, "certainty": "certain"})

    assert response.status_code == 403
    assert response.json() == {
        "error": "Only the case's author or an editor can confirm its diagnosis."
    }
    assert not ConfirmedDiagnosis.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"diagnosis": "Wellens"}, "certainty: This field is required."),
        ({"diagnosis": "Wellens", "certainty": "sure"}, 'certainty: "sure" is not a valid choice.'),
        ({"diagnosis": "Wellens", "certainty": 1}, "certainty: "),
        ({"certainty": "certain"}, "Choose a condition from the list, or type the diagnosis."),
        ({"diagnosis": "x\x00", "certainty": "certain"}, "U+0000"),
    ],
)
def test_bad_confirmations_are_refused(api, case, author, body, message):
    response = api(author, "PUT", confirm_url(case), body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not ConfirmedDiagnosis.objects.exists()


def test_vote_and_proposal_rate_limits_are_429(settings, api, case, peer, other_peer):
    rates = settings.CASEBOOK_DISCUSSION["RATES"]
    settings.CASEBOOK_DISCUSSION = {
        **settings.CASEBOOK_DISCUSSION,
        "RATES": {
            **rates,
            "vote": "2/h",
            "NEW_vote": "2/h",
            "proposal": "1/h",
            "NEW_proposal": "1/h",
        },
    }
    proposal = services.propose(case, peer, free_text="Wellens", rationale="why")

    votes = [
        api(other_peer, method, vote_url(proposal)).status_code
        for method in ("POST", "DELETE", "POST")
    ]
    first = api(other_peer, "POST", proposals_url(case), {"diagnosis": "A", "rationale": "a"})
    second = api(other_peer, "POST", proposals_url(case), {"diagnosis": "B", "rationale": "b"})

    assert votes == [200, 200, 429]
    assert (first.status_code, second.status_code) == (201, 429)
    assert "many diagnoses in a short time" in second.json()["error"]
    assert not ProposalVote.objects.exists()
