"""Following, the notification bell and page, email preferences, digests, unsubscribe,
review and verification events, and the outcome reminder."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Verification
from cases.models.choices import CaseMode
from discussion.models import Comment, Follow
from notifications import services
from notifications.models import EmailFrequency, Event, Notification, OutcomeReminder
from tests.factories import CasePageFactory, ProfileFactory, make_clinician, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return make_clinician(display_name="Dr Author")


@pytest.fixture
def case(author):
    return CasePageFactory(owner=author, case_mode=CaseMode.OPINION, title="Tearing chest pain")


@pytest.fixture
def peer(db):
    return make_clinician(display_name="Dr Ada Peer")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(user, url, data=None):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return send


def comment(post, user, case, body="A thought", parent=None):
    data = {"body": body, **({"parent": parent.pk} if parent else {})}
    post(user, f"/discussion/case/{case.pk}/comments/", data)
    return Comment.objects.latest("pk")


def test_authors_and_participants_follow_and_hear_of_new_comments(case, author, peer, post):
    comment(post, peer, case)
    third = make_clinician()
    comment(post, third, case, "Another")

    assert set(Follow.objects.filter(following=True).values_list("user", flat=True)) == {
        author.pk,
        peer.pk,
        third.pk,
    }
    events = set(Notification.objects.values_list("recipient", "event"))
    assert (author.pk, Event.COMMENT) in events and (peer.pk, Event.COMMENT) in events
    assert (third.pk, Event.COMMENT) not in events  # never told of one's own comment


def test_an_unfollow_sticks_when_taking_part_again(client, case, author, peer, post):
    comment(post, peer, case)
    post(peer, f"/discussion/case/{case.pk}/follow/", {"follow": "0"})
    comment(post, peer, case, "Once more")
    Notification.objects.all().delete()

    comment(post, make_clinician(), case, "News")

    assert not Notification.objects.filter(recipient=peer).exists()
    post(peer, f"/discussion/case/{case.pk}/follow/", {"follow": "1"})
    assert Follow.objects.get(user=peer).following


def test_the_bell_counts_unread_and_opening_marks_read(client, case, author, peer, post):
    first = comment(post, peer, case)
    comment(post, peer, case, "Second")
    client.force_login(author)

    header = client.get("/").content.decode()
    listing = client.get("/notifications/").content.decode()
    row = Notification.objects.filter(recipient=author, comment=first).get()
    opened = client.post(f"/notifications/{row.pk}/open/")

    assert '<span class="count">2</span>' in header
    assert "Dr Ada Peer commented on a case you follow" in listing
    assert opened["Location"].endswith(f"#comment-{first.pk}")
    assert '<span class="count">1</span>' in client.get("/").content.decode()
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()


def test_nobody_opens_anothers_notification(client, case, author, peer, post):
    comment(post, peer, case)
    row = Notification.objects.get(recipient=author)
    client.force_login(peer)

    assert client.post(f"/notifications/{row.pk}/open/").status_code == 404
    assert Notification.objects.get(pk=row.pk).read_at is None


def test_immediate_emails_carry_no_clinical_text(case, author, peer, post):
    services.set_email_frequency(author, EmailFrequency.IMMEDIATE)

    comment(post, peer, case, "Secret clinical detail about the aorta")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [author.email]
    assert "Dr Ada Peer commented on a case you follow" in message.body
    assert "aorta" not in message.body and "Tearing chest pain" not in message.body
    assert "aorta" not in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(recipient=author).emailed_at is not None


def test_daily_digests_send_once_a_day_and_respect_never(case, author, peer, post):
    services.set_email_frequency(peer, EmailFrequency.NONE)
    comment(post, peer, case, "one")
    second = make_clinician()
    comment(post, second, case, "two")
    assert mail.outbox == []  # daily is the default: nothing straight away

    sent = services.send_daily_digests()
    again = services.send_daily_digests()

    assert sent == 1 and again == 0
    assert mail.outbox[0].to == [author.email]
    assert "2 new notifications" in mail.outbox[0].subject
    later = timezone.now() + timedelta(days=1)
    comment(post, make_clinician(), case, "three")
    mail.outbox.clear()
    assert services.send_daily_digests(now=later) == 2
    assert {m.to[0] for m in mail.outbox} == {author.email, second.email}  # not peer: never


def test_one_click_unsubscribe(client, author):
    token = services.unsubscribe_token(author)

    shown = client.get(f"/notifications/unsubscribe/{token}/")
    assert shown.status_code == 200
    assert services.preference_for(author).email != EmailFrequency.NONE  # a GET changes nothing
    done = client.post(f"/notifications/unsubscribe/{token}/")
    bad = client.post(f"/notifications/unsubscribe/{token}x/")

    assert done.status_code == 200
    assert services.preference_for(author).email == EmailFrequency.NONE
    assert bad.status_code == 400


def test_preferences_page_saves_and_refuses_nonsense(client, author):
    client.force_login(author)

    assert client.post("/notifications/preferences/", {"email": "hourly"}).status_code == 200
    client.post("/notifications/preferences/", {"email": "immediate"})

    assert services.preference_for(author).email == EmailFrequency.IMMEDIATE


def test_review_decisions_reach_the_author(author, django_capture_on_commit_callbacks):
    from tests.cases.test_submission import approve, request_changes

    editor = make_editor()
    page = CasePageFactory(owner=author, live=False)
    page.save_revision(user=author)
    page.get_workflow().start(page, author)
    with django_capture_on_commit_callbacks(execute=True):
        request_changes(page, editor, "Add the ECG findings.")
    page.refresh_from_db()
    page.current_workflow_state.resume(author)
    with django_capture_on_commit_callbacks(execute=True):
        approve(page, editor)

    rows = Notification.objects.filter(recipient=author).order_by("pk")
    assert [row.event for row in rows] == [Event.CASE_CHANGES, Event.CASE_APPROVED]
    assert rows[0].message == "Add the ECG findings."


def test_verification_decisions_reach_the_applicant(django_capture_on_commit_callbacks):
    profile = ProfileFactory(status=Verification.PENDING)
    editor = make_editor()

    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.verify_clinician(profile, by=editor)

    row = Notification.objects.get(recipient=profile.user)
    assert row.event == Event.VERIFIED and services.describe(row).startswith("Casebook")


def test_outcome_reminder_once_per_old_unconfirmed_opinion_case(author, settings):
    old = timezone.now() - timedelta(days=40)
    due = CasePageFactory(owner=author, case_mode=CaseMode.OPINION, first_published_at=old)
    CasePageFactory(owner=author, case_mode=CaseMode.OPINION)  # too recent
    CasePageFactory(owner=author, case_mode=CaseMode.TEACHING, first_published_at=old)

    assert services.send_outcome_reminders(days=30) == 1
    assert services.send_outcome_reminders(days=30) == 0
    assert list(OutcomeReminder.objects.values_list("page", flat=True)) == [due.pk]
    assert Notification.objects.get().event == Event.OUTCOME_REMINDER
