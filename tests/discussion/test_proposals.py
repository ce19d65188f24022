"""Diagnosis proposals, votes, the confirmed diagnosis and the unanswered list."""

import pytest

from cases.models.choices import CaseMode
from discussion.models import ConfirmedDiagnosis, Proposal, ProposalVote
from notifications.models import Event, Notification
from tests.factories import (
    CasePageFactory,
    ConditionFactory,
    SpecialtyFactory,
    make_clinician,
    make_editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mi(db):
    return ConditionFactory(name="Myocardial infarction", synonyms="MI\nheart attack\nSTEMI")


def propose_url(case):
    return f"/discussion/case/{case.pk}/proposals/"


def vote_url(proposal):
    return f"/discussion/proposals/{proposal.pk}/vote/"


def test_a_synonym_proposes_its_condition(case, peer, post, mi):
    response = post(peer, propose_url(case), {"diagnosis": "heart attack", "rationale": "ST up"})

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#proposal-{proposal.pk}")
    assert proposal.condition == mi and proposal.free_text == ""


def test_free_text_is_kept_for_an_editor_to_map(client, case, peer, post, mi):
    post(peer, propose_url(case), {"diagnosis": "Takotsubo-like picture", "rationale": "Stress"})

    proposal = Proposal.objects.get()
    assert proposal.condition is None and proposal.free_text == "Takotsubo-like picture"
    from discussion import services

    services.map_proposal(proposal, make_editor(), mi)
    proposal.refresh_from_db()
    assert proposal.condition == mi and proposal.mapped_by is not None
    assert "Myocardial infarction" in client.get(case.url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"diagnosis": "", "rationale": "why"}, "Choose a condition from the list"),
        ({"diagnosis": "MI", "rationale": ""}, "The rationale is empty."),
        ({"diagnosis": "MI", "rationale": "x" * 2001}, "the limit is 2,000"),
        ({"diagnosis": "Evil\u202eMI", "rationale": "x"}, "invisible control character"),
    ],
)
def test_bad_proposals_are_refused(case, peer, post, mi, data, message):
    response = post(peer, propose_url(case), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_same_condition_twice_is_a_conflict(case, peer, other_peer, post, mi):
    post(peer, propose_url(case), {"diagnosis": "MI", "rationale": "ECG"})

    response = post(other_peer, propose_url(case), {"diagnosis": "STEMI", "rationale": "Same"})

    assert response.status_code == 409
    assert "proposed already: vote for it instead" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_votes_toggle_count_once_and_rank_proposals(client, case, peer, other_peer, post, mi):
    pe = ConditionFactory(name="Pulmonary embolism")
    post(peer, propose_url(case), {"diagnosis": "Pulmonary embolism", "rationale": "Flight"})
    post(peer, propose_url(case), {"diagnosis": "MI", "rationale": "ECG"})
    mi_proposal = Proposal.objects.get(condition=mi)
    third = make_clinician()

    post(other_peer, vote_url(mi_proposal))
    post(other_peer, vote_url(mi_proposal))  # a second POST of "vote" counts once
    post(third, vote_url(mi_proposal))
    assert mi_proposal.votes.count() == 2
    page = client.get(case.url).content.decode()
    assert page.index("Myocardial infarction") < page.index("Pulmonary embolism")
    assert "Voted ✓" in page

    post(third, vote_url(mi_proposal), {"vote": "remove"})
    assert mi_proposal.votes.count() == 1
    assert pe.pk


def test_ties_rank_the_oldest_first(client, case, peer, post, mi):
    ConditionFactory(name="Pulmonary embolism")
    post(peer, propose_url(case), {"diagnosis": "Pulmonary embolism", "rationale": "first"})
    post(peer, propose_url(case), {"diagnosis": "MI", "rationale": "second"})

    page = client.get(case.url).content.decode()
    assert page.index("Pulmonary embolism") < page.index("Myocardial infarction")


def test_no_vote_for_your_own_or_a_removed_proposal(case, peer, other_peer, post, mi):
    post(peer, propose_url(case), {"diagnosis": "MI", "rationale": "ECG"})
    proposal = Proposal.objects.get()

    own = post(peer, vote_url(proposal))
    Proposal.objects.filter(pk=proposal.pk).update(removed_at="2026-01-01T00:00:00Z")
    removed = post(other_peer, vote_url(proposal))

    assert own.status_code == 403 and "your own proposal" in own.content.decode()
    assert removed.status_code == 409
    assert "removed, so it cannot be voted on" in removed.content.decode()
    assert not ProposalVote.objects.exists()


def test_a_vote_on_a_hidden_proposal_is_a_conflict_through_the_service(peer, other_peer, case, mi):
    from discussion import services

    proposal = services.propose(case, peer, condition=mi, rationale="ECG")
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at="2026-01-01T00:00:00Z")
    proposal.refresh_from_db()

    with pytest.raises(services.Conflict):
        services.vote(proposal, other_peer)


def test_the_author_confirms_and_the_crowd_is_told(
    client, case, author, peer, other_peer, post, mi
):
    post(peer, propose_url(case), {"diagnosis": "MI", "rationale": "ECG"})
    proposal = Proposal.objects.get()
    post(other_peer, vote_url(proposal))

    response = post(
        author,
        f"/discussion/case/{case.pk}/confirm/",
        {"diagnosis": "Myocardial infarction", "certainty": "certain"},
    )

    assert response.status_code == 302
    confirmed = ConfirmedDiagnosis.objects.get()
    assert (confirmed.condition, confirmed.proposal) == (mi, proposal)
    page = client.get(case.url).content.decode()
    assert "Confirmed: Myocardial infarction</strong> (certain)" in page
    assert "the crowd’s top proposal was Myocardial infarction (1 vote)" in page
    told = set(
        Notification.objects.filter(event=Event.CONFIRMED).values_list("recipient", flat=True)
    )
    assert told == {peer.pk, other_peer.pk}


def test_only_the_author_or_an_editor_confirms(case, peer, post, mi):
    refused = post(
        peer, f"/discussion/case/{case.pk}/confirm/", {"diagnosis": "MI", "certainty": "certain"}
    )
    editor = post(
        make_editor(),
        f"/discussion/case/{case.pk}/confirm/",
        {"diagnosis": "MI", "certainty": "probable"},
    )

    assert refused.status_code == 403
    assert editor.status_code == 302
    assert ConfirmedDiagnosis.objects.get().certainty == "probable"


def test_confirming_without_a_diagnosis_or_certainty_changes_nothing(case, author, post):
    empty = post(
        author, f"/discussion/case/{case.pk}/confirm/", {"diagnosis": "", "certainty": "certain"}
    )
    bad = post(
        author, f"/discussion/case/{case.pk}/confirm/", {"diagnosis": "MI", "certainty": "sure"}
    )

    assert empty.status_code == 400
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert not ConfirmedDiagnosis.objects.exists()


def test_unanswered_lists_open_opinion_cases(client, case, author, peer, post, mi):
    cardio = SpecialtyFactory(name="Cardiology")
    other = CasePageFactory(case_mode=CaseMode.OPINION, specialty=cardio, title="Cardio puzzle")
    teaching = CasePageFactory(case_mode=CaseMode.TEACHING, title="A teaching case")
    post(peer, propose_url(other), {"diagnosis": "MI", "rationale": "x"})
    post(make_clinician(), vote_url(Proposal.objects.get()))
    client.force_login(peer)

    everything = client.get("/discussion/unanswered/").content.decode()
    by_votes = client.get("/discussion/unanswered/?sort=votes").content.decode()
    cardiology = client.get("/discussion/unanswered/?specialty=cardiology").content.decode()

    assert case.title in everything and other.title in everything
    assert teaching.title not in everything
    assert by_votes.index(other.title) < by_votes.index(case.title)
    assert other.title in cardiology and case.title not in cardiology
    ConfirmedDiagnosis.objects.create(page=other, condition=mi, certainty="certain")
    assert other.title not in client.get("/discussion/unanswered/").content.decode()


def test_editors_map_free_text_proposals_in_the_admin(client, case, peer, post, mi):
    post(peer, propose_url(case), {"diagnosis": "Crushing thing", "rationale": "pain"})
    proposal = Proposal.objects.get()
    editor = make_editor()
    client.force_login(editor)

    listing = client.get("/admin/moderation/proposals/").content.decode()
    unknown = client.post(f"/admin/moderation/proposals/{proposal.pk}/map/", {"condition": "Nope"})
    proposal.refresh_from_db()
    assert "Crushing thing" in listing and unknown.status_code == 302
    assert proposal.condition is None
    client.post(f"/admin/moderation/proposals/{proposal.pk}/map/", {"condition": "heart attack"})

    proposal.refresh_from_db()
    assert (proposal.condition, proposal.mapped_by) == (mi, editor)
    assert (
        client.post(
            f"/admin/moderation/proposals/{proposal.pk}/map/", {"condition": "MI"}
        ).status_code
        == 404
    )


def test_unanswered_pages_keep_the_filters(client, peer):
    cardio = SpecialtyFactory(name="Cardiology")
    for _ in range(21):
        CasePageFactory(case_mode=CaseMode.OPINION, specialty=cardio)
    client.force_login(peer)

    page = client.get("/discussion/unanswered/?sort=votes&specialty=cardiology").content.decode()

    assert 'href="?page=2&amp;sort=votes&amp;specialty=cardiology"' in page


def test_names_and_free_text_are_escaped_in_the_thread(client, case, post):
    """The thread is built from f-strings, not templates: every person-supplied value in it
    must still arrive escaped (display name, free-text diagnosis, vote labels)."""
    mallory = make_clinician(display_name='Dr <img src=x onerror="alert(1)">')
    post(mallory, propose_url(case), {"diagnosis": '"><script>alert(2)</script>', "rationale": "x"})
    post(mallory, f"/discussion/case/{case.pk}/comments/", {"body": "Hello"})

    client.force_login(make_clinician())
    page = client.get(case.url).content.decode()
    assert Proposal.objects.count() == 1
    assert "<script>alert(2)" not in page and "<img src=x" not in page
    assert "&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "Dr &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
