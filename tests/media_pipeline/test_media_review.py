"""Media reach peers only through an editor's approval of a revision that includes them.

The journey of issue 14: an image added to a published case stays with its owner and the
editors until an editor approves the change; removals and withdrawals hide images from
peers; a series already published cannot grow without review.
"""

from importlib import import_module

import pytest
from django.apps import apps
from pydicom.uid import generate_uid
from wagtail.models import Page, PageLogEntry, Revision, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cases import services as case_services
from media_pipeline import approval
from media_pipeline.models import CaseMedia, MediaInstance, MediaItem, UploadedFile, UploadStatus
from search.documents import media_modalities
from tests.cases.test_submission import approve as approve_task
from tests.factories import BodySystemFactory, CasePageFactory, make_clinician, make_editor
from tests.media_pipeline.media_files import dicom_bytes, photo_with_gps

pytestmark = pytest.mark.django_db


def plain_jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (180, 120, 90)).save(out, "JPEG")
    return out.getvalue()


def _peer_sees(client, peer, instance) -> tuple[bool, int]:
    """(thumbnail in the case page, status of the preview URL) for ``peer``."""
    client.force_login(peer)
    page = client.get(instance.item.page.url).content.decode()
    status = client.get(f"/media/file/{instance.pk}/preview/").status_code
    return f"/media/file/{instance.pk}/" in page, status


def _submit(client, author, case):
    client.force_login(author)
    response = client.post(
        f"/contribute/{case.pk}/submit/", {"consent": "not_identifiable", "confirm": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    return case


def test_photo_added_to_a_published_case_waits_for_review(
    client, author, case, media_env, upload, django_capture_on_commit_callbacks
):
    peer, editor = make_clinician(), make_editor()

    response = upload(case, {"new.jpg": plain_jpeg()}, user=author)

    assert response.status_code == 202
    assert UploadedFile.objects.get().status == UploadStatus.READY
    instance = MediaInstance.objects.get()
    assert _peer_sees(client, peer, instance) == (False, 404)
    assert media_modalities([case.pk]) == {}
    case.refresh_from_db()
    assert case.live and case.has_unpublished_changes
    assert case_services.author_status(case)[0] == "Published (unsubmitted edits)"
    # the owner and editors see it in the draft: marked on the form, as peers will see it in
    # the preview
    client.force_login(author)
    assert client.get(f"/media/file/{instance.pk}/preview/").status_code == 200
    assert "Awaiting review" in client.get(f"/contribute/{case.pk}/edit/").content.decode()
    preview = client.get(f"/contribute/{case.pk}/preview/").content.decode()
    assert f"/media/file/{instance.pk}/thumbnail/" in preview

    _submit(client, author, case)
    assert _peer_sees(client, peer, instance) == (False, 404)
    with django_capture_on_commit_callbacks(execute=True):
        approve_task(case, editor)

    case.refresh_from_db()
    assert case.current_workflow_state is None
    assert _peer_sees(client, peer, instance) == (True, 200)
    assert media_modalities([case.pk]) == {case.pk: ("Photo",)}


def test_editor_review_shows_which_images_are_new(client, author, case, media_env, upload, approve):
    upload(case, {"first.jpg": plain_jpeg()}, user=author)
    approve(case)
    first = MediaItem.objects.get()
    upload(case, {"second.jpg": plain_jpeg()}, user=author)
    second = MediaItem.objects.exclude(pk=first.pk).get()
    client.force_login(make_editor())

    edit = client.get(f"/admin/pages/{case.pk}/edit/").content.decode()
    compare = client.get(f"/admin/pages/{case.pk}/revisions/compare/live...latest/")

    assert edit.count("New in this version") == 1
    new_thumb = f"/media/file/{second.instances.get().pk}/thumbnail/"
    old_thumb = f"/media/file/{first.instances.get().pk}/thumbnail/"
    assert new_thumb in edit and old_thumb in edit
    assert compare.status_code == 200
    body = compare.content.decode()
    assert "<ins>Added</ins>" in body
    assert body.index(new_thumb) > 0 and "Unchanged" in body


def test_upload_during_review_must_be_approved_again(
    client, author, case, media_env, upload, django_capture_on_commit_callbacks
):
    peer, editor = make_clinician(), make_editor()
    upload(case, {"first.jpg": plain_jpeg()}, user=author)
    _submit(client, author, case)
    reviewed = case.current_workflow_state.current_task_state

    upload(case, {"late.jpg": plain_jpeg()}, user=author)
    late = MediaInstance.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        reviewed.task.specific.on_action(reviewed, editor, "approve")

    case.refresh_from_db()
    state = case.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.revision == case.get_latest_revision()
    assert _peer_sees(client, peer, late) == (False, 404)
    with django_capture_on_commit_callbacks(execute=True):
        approve_task(case, editor)
    assert _peer_sees(client, peer, late) == (True, 200)


def test_removal_hides_an_image_once_approved_and_deletes_it(
    client, author, case, media_env, upload, approve
):
    peer = make_clinician()
    upload(case, {"a.jpg": plain_jpeg()}, user=author)
    approve(case)
    instance = MediaInstance.objects.get()
    stored_before = media_env.stored_files()
    client.force_login(author)

    response = client.post(f"/media/item/{instance.item_id}/remove/")

    assert response.status_code == 302
    assert _peer_sees(client, peer, instance) == (True, 200), "visible until approved"
    client.force_login(author)
    edit = client.get(f"/contribute/{case.pk}/edit/").content.decode()
    assert "Removed" in edit
    approve(case)
    assert not MediaItem.objects.exists()
    assert len(stored_before) == 3 and media_env.stored_files() == []
    client.force_login(peer)
    assert client.get(f"/media/file/{instance.pk}/preview/").status_code == 404


def test_removing_an_image_peers_never_saw_deletes_it_at_once(
    client, author, case, media_env, upload, django_capture_on_commit_callbacks
):
    upload(case, {"a.jpg": plain_jpeg()}, user=author)
    item = MediaItem.objects.get()
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/media/item/{item.pk}/remove/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {"removed": item.pk}
    assert not MediaItem.objects.exists()
    assert media_env.stored_files() == []
    case.refresh_from_db()
    assert approval.draft_item_ids(case) == []


def test_remove_refuses_bad_requests_and_changes_nothing(client, author, case, media_env, upload):
    upload(case, {"a.jpg": plain_jpeg()}, user=author)
    item = MediaItem.objects.get()
    revisions = case.revisions.count()

    client.force_login(make_clinician())
    assert client.post(f"/media/item/{item.pk}/remove/").status_code == 404  # not theirs
    client.force_login(author)
    assert client.get(f"/media/item/{item.pk}/remove/").status_code == 405
    assert client.post("/media/item/999999/remove/").status_code == 404
    # an item that the latest version no longer holds (removed before, still published)
    CaseMedia.objects.create(page=case, item=item)
    case.refresh_from_db()
    draft = case.get_latest_revision_as_object()
    draft.media = []
    draft.save_revision(user=author)
    response = client.post(f"/media/item/{item.pk}/remove/", HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert "not part of the latest version" in response.json()["error"]
    assert case.revisions.count() == revisions + 1
    assert MediaItem.objects.filter(pk=item.pk).exists()


def test_editor_withdraws_an_image_at_once_with_an_audit_entry(
    client, author, case, media_env, upload, approve, django_capture_on_commit_callbacks
):
    peer, editor = make_clinician(), make_editor()
    upload(case, {"a.jpg": plain_jpeg()}, user=author)
    approve(case)
    instance = MediaInstance.objects.get()
    client.force_login(editor)
    url = f"/admin/media-quarantine/{instance.item_id}/withdraw/"

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert MediaItem.objects.get().withdrawn_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "A name is legible in the corner."})

    assert response.status_code == 302
    assert _peer_sees(client, peer, instance) == (False, 404)
    assert media_modalities([case.pk]) == {}
    entry = PageLogEntry.objects.get(page=case, action=approval.WITHDRAWN)
    assert entry.user == editor
    assert entry.data == {"item": instance.item_id, "reason": "A name is legible in the corner."}
    client.force_login(author)
    assert client.get(f"/media/file/{instance.pk}/preview/").status_code == 200
    for page in (f"/contribute/{case.pk}/edit/", case.url):
        html = client.get(page).content.decode()
        assert "Withdrawn by an editor" in html and "A name is legible" in html, page
    preview = client.get(f"/contribute/{case.pk}/preview/").content.decode()
    assert "Peers will not see 1 image of this version: 1 was withdrawn by an editor." in preview


@pytest.mark.parametrize("role", ["author", "peer"])
def test_only_editors_may_withdraw(client, author, case, media_env, upload, approve, role):
    upload(case, {"a.jpg": plain_jpeg()}, user=author)
    approve(case)
    item = MediaItem.objects.get()
    client.force_login(author if role == "author" else make_clinician())

    response = client.post(f"/admin/media-quarantine/{item.pk}/withdraw/", {"reason": "x"})

    assert response.status_code in (302, 403)
    assert MediaItem.objects.get().withdrawn_at is None


def test_a_published_series_cannot_grow_without_review(
    client, author, case, media_env, upload, approve
):
    study, series = generate_uid(), generate_uid()
    upload(case, {"1.dcm": dicom_bytes(study_uid=study, series_uid=series)}, user=author)
    approve(case)
    stored = media_env.stored_files()

    more = dicom_bytes(study_uid=study, series_uid=series, instance_number=2)
    upload(case, {"2.dcm": more}, user=author)

    latest = UploadedFile.objects.latest("pk")
    assert latest.status == UploadStatus.FAILED
    assert "series that peers already see" in latest.reason
    assert MediaInstance.objects.count() == 1
    assert media_env.stored_files() == stored


def test_slices_join_a_series_that_awaits_review(client, author, case, media_env, upload):
    study, series = generate_uid(), generate_uid()
    upload(case, {"1.dcm": dicom_bytes(study_uid=study, series_uid=series)}, user=author)
    revisions = case.revisions.count()

    more = dicom_bytes(study_uid=study, series_uid=series, instance_number=2)
    upload(case, {"2.dcm": more}, user=author)

    assert UploadedFile.objects.latest("pk").status == UploadStatus.READY
    assert MediaItem.objects.get().instances.count() == 2
    assert case.revisions.count() == revisions, "no new revision for a known series"


def admin_form(case, **overrides) -> dict:
    """The page editor's POST for ``case`` as a browser sends it (CRLF in text areas)."""
    data = nested_form_data(
        {
            "title": case.title,
            "slug": case.slug,
            "summary": case.summary,
            "history": case.history.replace("\n", "\r\n"),
            "examination": case.examination,
            "imaging_findings": "",
            "management_outcome": case.management_outcome,
            "learning_points": case.learning_points.replace("\n", "\r\n"),
            "discussion_references": "",
            "diagnosis": case.diagnosis_id,
            "certainty": case.certainty,
            "differentials": inline_formset([]),
            "specialty": case.specialty_id,
            "age_band": case.age_band,
            "sex": case.sex,
            "tags": "",
            "case_mode": case.case_mode,
            "licence": case.licence,
            "extra": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    data["body_systems"] = [system.pk for system in case.body_systems.all()]
    return {**data, **overrides}


@pytest.fixture
def multiline_case(author):
    case = CasePageFactory(
        owner=author,
        history="Two hours of pain.\n\nWorse on lying flat.",
        learning_points="- One\n- Two",
    )
    case.body_systems.set([BodySystemFactory()])
    case.save()
    return case


def test_an_editor_saving_in_the_admin_keeps_the_draft_media(
    client, author, multiline_case, media_env, upload
):
    case = multiline_case
    upload(case, {"a.jpg": plain_jpeg(), "b.jpg": photo_with_gps()}, user=author)
    case.refresh_from_db()
    before = approval.draft_item_ids(case)
    client.force_login(make_editor())

    response = client.post(
        f"/admin/pages/{case.pk}/edit/", admin_form(case, title="Edited by an editor")
    )

    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.get_latest_revision_as_object().title == "Edited by an editor"
    assert len(before) == 2
    assert approval.draft_item_ids(case) == before


def test_an_editor_approves_from_the_page_editor_in_one_step(
    client, author, multiline_case, media_env, upload, django_capture_on_commit_callbacks
):
    """Text areas post CRLF: unchanged text must not count as an edit, or approving would
    save a new revision and restart the review instead of publishing."""
    case, peer = multiline_case, make_clinician()
    upload(case, {"a.jpg": plain_jpeg()}, user=author)
    _submit(client, author, case)
    revisions = case.revisions.count()
    client.force_login(make_editor())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/pages/{case.pk}/edit/",
            admin_form(case, **{"action-workflow-action": "1", "workflow-action-name": "approve"}),
        )

    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.current_workflow_state is None
    assert case.revisions.count() == revisions
    assert _peer_sees(client, peer, MediaInstance.objects.get()) == (True, 200)


def test_existing_media_of_published_cases_count_as_approved(author, case, media_env):
    """The data migration: items shown before the rule existed stay visible."""
    migration = import_module("media_pipeline.migrations.0003_approve_published_media")
    draft = CasePageFactory(owner=author, live=False)
    for page in (case, draft):
        Page.objects.get(pk=page.pk).specific.save_revision(user=author)
    live_item = MediaItem.objects.create(page=case, kind="photo", status="ready")
    draft_item = MediaItem.objects.create(page=draft, kind="photo", status="ready")
    for page in (case, draft):  # revisions from before the rule have no media list
        revision = Revision.objects.filter(object_id=str(page.pk)).latest("pk")
        revision.content.pop("media", None)
        revision.save()

    migration.approve_published_media(apps, None)

    assert list(MediaItem.objects.peer_visible()) == [live_item]
    assert list(CaseMedia.objects.values_list("item_id", flat=True)) == [live_item.pk]
    case.refresh_from_db()
    draft.refresh_from_db()
    assert approval.draft_item_ids(draft) == [draft_item.pk]
    assert approval.draft_item_ids(case) == [live_item.pk]
