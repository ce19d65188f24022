"""Editors' dashboard and queues: counts and links; sortable, filterable, paged queues;
decisions in place, each in Wagtail's audit log with the editor."""

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry, WorkflowState

from accounts.models import Verification
from cases.models import CasePage
from media_pipeline.models import MediaItem, MediaStatus
from notifications.models import Event, Notification
from tests.factories import CasePageFactory, ProfileFactory, SpecialtyFactory, make_moderator

pytestmark = pytest.mark.django_db


def submitted(author, **fields):
    case = CasePageFactory(owner=author, live=False, **fields)
    case.save_revision(user=author)
    return case, case.get_workflow().start(case, author)


def test_dashboard_counts_every_queue(client, editor, author, photo):
    submitted(author)
    photo(CasePageFactory(owner=author), author, status=MediaStatus.QUARANTINED, publish=False)
    overdue = CasePageFactory(owner=author, case_mode="opinion")
    CasePage.objects.filter(pk=overdue.pk).update(
        first_published_at=timezone.now() - timezone.timedelta(days=45)
    )
    ProfileFactory(status=Verification.PENDING)
    client.force_login(editor)

    html = client.get("/admin/").content.decode()

    for line in (
        "Clinicians awaiting verification: 1",
        "Cases awaiting review: 1",
        "Media in quarantine: 1",
        "Flagged posts awaiting a decision: 0",
        "Cases whose outcome is overdue: 1",
    ):
        assert line in html
    for url in ("/admin/review-queue/", "/admin/outcomes-overdue/", "/admin/media-quarantine/"):
        assert url in html


def test_review_queue_filters_sorts_and_approves_in_place(
    client, editor, author, django_capture_on_commit_callbacks
):
    cardio = SpecialtyFactory(name="Cardiology")
    old, _ = submitted(author, title="Older case", specialty=cardio)
    new, state = submitted(author, title="Newer case")
    client.force_login(editor)

    assert (
        client.get("/admin/review-queue/?specialty=cardiology").content.decode().count("Older case")
        == 1
    )
    html = client.get("/admin/review-queue/?specialty=cardiology").content.decode()
    assert "Newer case" not in html
    html = client.get("/admin/review-queue/?sort=newest&specialty=bogus").content.decode()
    assert html.index("Newer case") < html.index("Older case")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/review-queue/{state.pk}/approve/")

    assert response.status_code == 302
    new.refresh_from_db()
    assert new.live
    approval = PageLogEntry.objects.get(page=new, action="wagtail.workflow.approve")
    assert approval.user == editor
    assert Notification.objects.filter(recipient=author, event=Event.CASE_APPROVED).exists()


def test_requesting_changes_needs_a_message(client, editor, author):
    case, state = submitted(author)
    client.force_login(editor)

    refused = client.post(f"/admin/review-queue/{state.pk}/reject/", {"comment": " "})
    assert refused.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    client.post(f"/admin/review-queue/{state.pk}/reject/", {"comment": "Crop the label."})
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert PageLogEntry.objects.get(page=case, action="wagtail.workflow.reject").user == editor
    assert client.post(f"/admin/review-queue/{state.pk}/approve/").status_code == 404


def test_verification_queue_is_paged_filtered_and_audited(client, editor):
    for number in range(27):
        ProfileFactory(status=Verification.PENDING, full_name=f"Applicant {number:02d}")
    nurse = ProfileFactory(status=Verification.PENDING, full_name="Nurse Nia", profession="nurse")
    client.force_login(editor)

    first = client.get("/admin/verification/").content.decode()
    assert "28 waiting" in first and "Page 1 of 2" in first
    nurses = client.get("/admin/verification/?profession=nurse").content.decode()
    assert "Nurse Nia" in nurses and "Applicant 00" not in nurses

    client.post(f"/admin/verification/{nurse.pk}/verify/")
    assert ModelLogEntry.objects.get(action="casebook.accounts.verify").user == editor
    other = ProfileFactory(status=Verification.PENDING)
    client.post(f"/admin/verification/{other.pk}/reject/", {"reason": "Unknown number."})
    entry = ModelLogEntry.objects.get(action="casebook.accounts.reject")
    assert entry.data["reason"] == "Unknown number."


def test_quarantined_media_is_released_or_deleted_in_place(client, editor, author, photo):
    case = CasePageFactory(owner=author)
    keep = photo(case, author, status=MediaStatus.QUARANTINED, publish=False).item
    drop = photo(case, author, status=MediaStatus.QUARANTINED, publish=False).item
    client.force_login(editor)
    assert "Delete" in client.get("/admin/media-quarantine/").content.decode()

    client.post(f"/admin/media-quarantine/{keep.pk}/", {"action": "release", "confirm": "on"})
    client.post(f"/admin/media-quarantine/{drop.pk}/delete/")

    keep.refresh_from_db()
    assert keep.status == MediaStatus.READY
    assert not MediaItem.objects.filter(pk=drop.pk).exists()
    actions = set(PageLogEntry.objects.filter(page=case).values_list("action", flat=True))
    assert {"casebook.media.release", "casebook.media.delete"} <= actions


def test_overdue_outcomes_remind_the_author(client, editor, author):
    overdue = CasePageFactory(owner=author, case_mode="opinion", title="Still unknown")
    CasePageFactory(owner=author, case_mode="opinion", title="Recent")
    CasePage.objects.filter(pk=overdue.pk).update(
        first_published_at=timezone.now() - timezone.timedelta(days=45)
    )
    client.force_login(editor)
    html = client.get("/admin/outcomes-overdue/").content.decode()
    assert "Still unknown" in html and "Recent" not in html

    client.post(f"/admin/outcomes-overdue/{overdue.pk}/remind/")

    assert Notification.objects.get(recipient=author).event == Event.OUTCOME_REMINDER
    assert PageLogEntry.objects.get(action="casebook.curation.outcome_reminder").user == editor


def test_moderators_are_kept_out_of_editors_queues(client):
    client.force_login(make_moderator())
    assert client.get("/admin/review-queue/")["Location"] == "/admin/"
    assert "Cases awaiting review" not in client.get("/admin/").content.decode()
