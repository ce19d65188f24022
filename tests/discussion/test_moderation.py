"""Flags hide items at once (identifiers) or at a threshold; moderators decide in the admin."""

import pytest
from wagtail.models import ModelLogEntry, PageLogEntry

from discussion.models import CaseHold, Comment, Flag, FlagStatus, Proposal
from notifications.models import Event, Notification
from search.documents import indexable_cases
from tests.factories import ConditionFactory, make_clinician, make_editor, make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(case, peer, post):
    post(peer, f"/discussion/case/{case.pk}/comments/", {"body": "Seen at St Elsewhere on 3/3"})
    return Comment.objects.get()


def flag_url(kind, pk):
    return f"/discussion/flag/{kind}/{pk}/"


def test_an_identifier_flag_hides_a_comment_at_once(client, case, author, peer, comment, post):
    reporter = make_clinician()

    response = post(reporter, flag_url("comment", comment.pk), {"reason": "identifier"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden
    client.force_login(make_clinician())
    assert "St Elsewhere" not in client.get(case.url).content.decode()
    client.force_login(peer)  # its author still sees it, marked
    own = client.get(case.url).content.decode()
    assert "St Elsewhere" in own and "hidden while a moderator reviews it" in own
    client.force_login(make_moderator())
    assert "St Elsewhere" in client.get(case.url).content.decode()
    # nor does it reach anyone through notifications
    assert not Notification.objects.filter(recipient=author).visible().filter(comment=comment)


def test_other_reasons_hide_at_the_threshold_of_distinct_flaggers(settings, case, comment, post):
    settings.CASEBOOK_DISCUSSION = {**settings.CASEBOOK_DISCUSSION, "HIDE_AFTER_FLAGS": 2}

    post(make_clinician(), flag_url("comment", comment.pk), {"reason": "inappropriate"})
    comment.refresh_from_db()
    assert not comment.is_hidden
    post(make_clinician(), flag_url("comment", comment.pk), {"reason": "misinformation"})
    comment.refresh_from_db()
    assert comment.is_hidden


def test_an_identifier_flag_on_a_case_holds_it_everywhere(client, case, author, post):
    reporter = make_clinician()

    post(reporter, flag_url("case", case.pk), {"reason": "identifier", "text": "a name"})

    assert CaseHold.objects.filter(page=case).exists()
    assert not indexable_cases().filter(pk=case.pk).exists()
    client.force_login(make_clinician())
    assert client.get(case.url).status_code == 404
    comment = client.post(f"/discussion/case/{case.pk}/comments/", {"body": "hi"})
    assert comment.status_code == 404
    client.force_login(author)
    assert client.get(case.url).status_code == 200
    client.force_login(make_moderator())
    assert client.get(case.url).status_code == 200


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"reason": "other", "text": ""}, 400, "Your explanation is empty."),
        ({"reason": "other", "text": "x" * 1001}, 400, "the limit is 1,000"),
        ({"reason": "nonsense"}, 200, "Select a valid choice"),
    ],
)
def test_bad_flags_are_refused(case, comment, post, data, status, message):
    response = post(make_clinician(), flag_url("comment", comment.pk), data)

    assert response.status_code == status
    assert message in response.content.decode()
    assert not Flag.objects.exists()


def test_no_flag_on_your_own_post_and_one_flag_per_item(case, peer, comment, post):
    own = post(peer, flag_url("comment", comment.pk), {"reason": "inappropriate"})
    reporter = make_clinician()
    post(reporter, flag_url("comment", comment.pk), {"reason": "inappropriate"})
    again = post(reporter, flag_url("comment", comment.pk), {"reason": "misinformation"})

    assert own.status_code == 403
    assert again.status_code == 409 and "flagged this already" in again.content.decode()
    assert Flag.objects.count() == 1


def test_unknown_targets_are_not_found(case, post):
    assert post(make_clinician(), flag_url("user", 1), {"reason": "other"}).status_code == 404
    assert (
        post(make_clinician(), flag_url("comment", 99999), {"reason": "other"}).status_code == 404
    )


def test_the_queue_lists_flags_for_moderators_only(client, case, comment, post):
    post(make_clinician(), flag_url("comment", comment.pk), {"reason": "identifier"})

    client.force_login(make_clinician())
    assert client.get("/admin/moderation/").status_code in (302, 403)
    client.force_login(make_moderator())
    queue = client.get("/admin/moderation/")
    dashboard = client.get("/admin/")

    assert queue.status_code == 200
    assert "St Elsewhere" in queue.content.decode()
    assert "Flagged posts awaiting a decision: 1" in dashboard.content.decode()
    assert "Moderation (1)" in dashboard.content.decode()


def test_dismiss_shows_the_item_again_and_is_audited(client, case, comment, post):
    post(make_clinician(), flag_url("comment", comment.pk), {"reason": "identifier"})
    moderator = make_moderator()

    response = post(moderator, f"/admin/moderation/comment/{comment.pk}/dismiss/", {"note": "fine"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert Flag.objects.get().status == FlagStatus.DISMISSED
    entry = ModelLogEntry.objects.get(action="casebook.moderation.dismiss")
    assert entry.user == moderator and entry.object_id == str(comment.pk)


def test_remove_leaves_a_placeholder_and_tells_the_author(client, case, peer, comment, post):
    post(make_clinician(), flag_url("comment", comment.pk), {"reason": "identifier"})

    post(make_moderator(), f"/admin/moderation/comment/{comment.pk}/remove/")

    comment.refresh_from_db()
    assert comment.is_removed and comment.body == ""
    told = Notification.objects.filter(recipient=peer, event=Event.REMOVED).visible()
    assert told.count() == 1


def test_ask_to_edit_keeps_it_hidden_and_messages_the_author(client, case, peer, comment, post):
    post(make_clinician(), flag_url("comment", comment.pk), {"reason": "inappropriate"})
    moderator = make_moderator()

    empty = post(moderator, f"/admin/moderation/comment/{comment.pk}/request-edit/", {"note": ""})
    assert Flag.objects.get().status == FlagStatus.OPEN
    post(
        moderator,
        f"/admin/moderation/comment/{comment.pk}/request-edit/",
        {"note": "Drop the date"},
    )

    assert empty.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden
    assert Flag.objects.get().status == FlagStatus.EDIT_REQUESTED
    note = Notification.objects.filter(recipient=peer, event=Event.EDIT_REQUESTED).visible().get()
    assert note.message == "Drop the date"
    client.force_login(peer)
    assert "Drop the date" in client.get("/notifications/").content.decode()


def test_removing_a_flagged_case_unpublishes_it(case, post):
    post(make_clinician(), flag_url("case", case.pk), {"reason": "identifier"})
    editor = make_editor()

    post(editor, f"/admin/moderation/case/{case.pk}/remove/", {"note": "name visible"})

    case.refresh_from_db()
    assert not case.live
    assert not CaseHold.objects.exists()
    assert PageLogEntry.objects.filter(page=case, action="casebook.moderation.remove").exists()


def test_a_flagged_proposal_is_hidden_and_can_be_dismissed(client, case, peer, post):
    from discussion import services

    proposal = services.propose(case, peer, condition=ConditionFactory(), rationale="why")
    post(make_clinician(), flag_url("proposal", proposal.pk), {"reason": "identifier"})
    proposal.refresh_from_db()
    assert proposal.hidden_at is not None

    post(make_moderator(), f"/admin/moderation/proposal/{proposal.pk}/dismiss/")

    assert Proposal.objects.get().hidden_at is None


def test_a_decision_on_nothing_flagged_changes_nothing(case, comment, post):
    response = post(make_moderator(), f"/admin/moderation/comment/{comment.pk}/remove/")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_removed
