"""The text check on case drafts: highlights with kinds, one-click "not an identifier",
submission blocked while a finding is open, and the editor's view of it all."""

import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import WorkflowState

from cases import identifiers, services
from cases.models import CasePage, IdentifierConfirmation
from media_pipeline.models import MediaItem, Upload, UploadedFile
from tests.cases.test_submission import form_data
from tests.factories import CasePageFactory, make_clinician, make_editor

pytestmark = pytest.mark.django_db

SUBMIT = {"consent": "not_identifiable", "confirm": "on"}
LEAKY = "seen on 03/03/2024, NHS 943 476 5919, Mrs Jones"


def draft_with(client, **fields):
    author = make_clinician()
    client.force_login(author)
    response = client.post("/contribute/new/", form_data(**fields))
    assert response.status_code == 302
    return author, CasePage.objects.get(owner=author)


def test_the_issue_example_is_highlighted_and_blocks_submission_until_fixed(client):
    author, page = draft_with(client, history=LEAKY)

    edit = client.get(f"/contribute/{page.pk}/edit/").content.decode()
    assert "3 possible identifiers" in edit
    for text, label in (
        ("03/03/2024", "a date"),
        ("943 476 5919", "an NHS number"),
        ("Mrs Jones", "a person&#x27;s name"),
    ):
        assert f"<mark>{text}</mark>" in edit
        assert f"looks like {label}" in edit

    response = client.post(f"/contribute/{page.pk}/submit/", SUBMIT)
    assert response.status_code == 200
    assert "still has 3 possible identifiers" in response.content.decode()
    page.refresh_from_db()
    assert page.current_workflow_state is None

    # Fix two in the text, confirm the third ("Mrs Jones" is, say, the eponymous clinic).
    client.post(f"/contribute/{page.pk}/edit/", form_data(history="Seen in the Mrs Jones clinic."))
    response = client.post(f"/contribute/{page.pk}/submit/", SUBMIT)
    assert "still has 1 possible identifier " in response.content.decode()
    page.refresh_from_db()
    key = identifiers.check_case(page).findings[0].key
    response = client.post(f"/contribute/{page.pk}/not-an-identifier/", {"key": key})
    assert response.status_code == 302
    assert response["Location"].endswith("#identifier-check")
    assert (
        "No possible identifiers left"
        in client.get(f"/contribute/{page.pk}/edit/").content.decode()
    )

    response = client.post(f"/contribute/{page.pk}/submit/", SUBMIT)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    confirmation = IdentifierConfirmation.objects.get(page=page)
    assert (confirmation.kind, confirmation.text, confirmation.confirmed_by) == (
        "name",
        "Mrs Jones",
        author,
    )


def test_confirming_covers_the_same_text_anywhere_in_the_case_and_can_be_undone(client):
    author, page = draft_with(client, history="Dr Foster reviewed.", examination="Dr Foster again.")
    check = identifiers.check_case(page)
    assert check.open_count == 2
    client.post(f"/contribute/{page.pk}/not-an-identifier/", {"key": check.findings[0].key})
    assert identifiers.check_case(page).open_count == 0

    client.post(
        f"/contribute/{page.pk}/not-an-identifier/",
        {"key": check.findings[0].key, "action": "undo"},
    )
    assert identifiers.check_case(page).open_count == 2
    with pytest.raises(ValidationError):
        services.submit_for_review(page, author, "not_identifiable")


@pytest.mark.parametrize(
    ("post", "words"),
    [
        ({"key": "name:Mrs Smith"}, "no longer contains that text"),
        ({"key": "nonsense"}, "not a finding"),
        ({"key": ""}, "not a finding"),
        ({"file": "abc"}, "Not a file number"),
        ({"file": "999999"}, "No uploaded file"),
    ],
)
def test_bad_confirmations_are_refused_and_change_nothing(client, post, words):
    _, page = draft_with(client, history=LEAKY)
    response = client.post(f"/contribute/{page.pk}/not-an-identifier/", post)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not IdentifierConfirmation.objects.exists()


def test_only_the_author_can_confirm(client):
    _, page = draft_with(client, history=LEAKY)
    key = identifiers.check_case(page).findings[0].key
    client.force_login(make_clinician())
    response = client.post(f"/contribute/{page.pk}/not-an-identifier/", {"key": key})
    assert response.status_code == 404
    assert not IdentifierConfirmation.objects.exists()


def test_every_text_of_a_case_is_checked(client):
    _, page = draft_with(
        client,
        title="Collapse on 4 May 2023",
        summary="Fall at 12 Acacia Avenue.",
        differentials="Pneumothorax\nSeen by Dr Patel",
        tag_text="jo@example.com",
    )
    draft = page.get_latest_revision_as_object()
    item = MediaItem.objects.create(page=page, kind="photo", status="ready")
    draft.media.create(item=item, caption="Rash on 2024-01-02")
    check = identifiers.check_case(page, draft=draft)
    where = {(finding.field_label, finding.kind) for finding in check.findings}
    assert where == {
        ("Title", "date"),
        ("One-line summary", "address"),
        ("Differential 2", "name"),
        ("Tags", "email"),
        ("Caption of image 1", "date"),
    }


def test_uploaded_file_names_count_without_being_kept(client):
    author, page = draft_with(client)
    upload = Upload.objects.create(page=page, uploaded_by=author)
    record = UploadedFile.objects.create(
        upload=upload,
        position=1,
        size=10,
        token="t1",
        status="ready",
        name_findings=[{"kind": "date", "where": "file name"}],
    )
    edit = client.get(f"/contribute/{page.pk}/edit/").content.decode()
    assert "Name of file 1 of upload" in edit
    assert "looked like a date" in edit
    with pytest.raises(ValidationError):
        services.submit_for_review(page, author, "not_identifiable")
    client.post(f"/contribute/{page.pk}/not-an-identifier/", {"file": record.pk})
    record.refresh_from_db()
    assert record.names_confirmed_by == author
    services.submit_for_review(page, author, "not_identifiable")


def test_editor_sees_findings_and_confirmations_in_the_review(client):
    author, page = draft_with(client, history=LEAKY)
    key = next(f.key for f in identifiers.check_case(page).findings if f.kind == "name")
    client.post(f"/contribute/{page.pk}/not-an-identifier/", {"key": key})
    client.force_login(make_editor())
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Privacy check of the text" in html
    assert "<mark>943 476 5919</mark>" in html
    assert "Not confirmed" in html
    assert "Not an identifier:" in html


def test_published_case_factory_pages_have_no_findings():
    # The demo-like factory text is clean: editors are not drowned in false alarms.
    page = CasePageFactory(owner=make_clinician())
    assert identifiers.check_case(page).findings == []


def test_check_texts_for_comments_honours_posted_confirmations():
    findings = identifiers.check_texts({"body": LEAKY})
    assert len(identifiers.unconfirmed(findings)) == 3
    confirmed = identifiers.parse_confirmations([findings[2].key, "bogus", "date:"])
    again = identifiers.check_texts({"body": LEAKY}, confirmed)
    assert [f.kind for f in identifiers.unconfirmed(again)] == ["date", "nhs_number"]


def test_each_one_click_form_carries_the_csrf_token(client):
    _, page = draft_with(client, history=LEAKY)

    edit = client.get(f"/contribute/{page.pk}/edit/").content.decode()

    forms = re.findall(r'<form method="post" action="[^"]*not-an-identifier/">(.*?)</form>', edit)
    assert len(forms) == 3
    assert all(re.search(r'name="csrfmiddlewaretoken" value="\w{20,}"', form) for form in forms)
