"""Drafts, preview, submission, editorial review and the new-contributor limit."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import WorkflowState

from cases import services
from cases.models import CasePage
from tests.factories import (
    BodySystemFactory,
    CasePageFactory,
    ConditionFactory,
    SpecialtyFactory,
    make_clinician,
    make_editor,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Sudden breathlessness after a long flight",
        "summary": "Pleuritic chest pain and hypoxia after travel.",
        "history": "Woke with sudden **breathlessness**.",
        "examination": "HR 118, SpO2 89% on air.",
        "imaging_findings": "Filling defects in both lower lobe arteries.",
        "diagnosis": ConditionFactory(name="Pulmonary embolism").name,
        "certainty": "certain",
        "management_outcome": "Anticoagulated; discharged day 3.",
        "learning_points": "- Ask about travel.",
        "discussion_references": "",
        "specialty": SpecialtyFactory(name="Respiratory medicine").pk,
        "body_systems": [BodySystemFactory(name="Respiratory").pk],
        "age_band": "30-34",
        "sex": "female",
        "case_mode": "teaching",
        "licence": "CC-BY-NC-SA-4.0",
        "differentials": f"{ConditionFactory(name='Pneumothorax').name}\nViral pleurisy",
        "tag_text": "CTPA, travel",
    }
    data.update(overrides)
    return data


def approve(page, editor):
    state = page.current_workflow_state
    state.current_task_state.task.specific.on_action(state.current_task_state, editor, "approve")


def request_changes(page, editor, comment):
    state = page.current_workflow_state
    state.current_task_state.task.specific.on_action(
        state.current_task_state, editor, "reject", comment=comment
    )


def test_create_draft_through_the_form(client):
    author = make_clinician()
    client.force_login(author)
    response = client.post("/contribute/new/", form_data())
    assert response.status_code == 302
    page = CasePage.objects.get(owner=author)
    assert not page.live
    assert page.get_latest_revision().user == author
    assert [str(d) for d in page.differentials.all()] == ["Pneumothorax", "Viral pleurisy"]
    assert sorted(t.name for t in page.tags.all()) == ["ctpa", "travel"]
    preview = client.get(f"/contribute/{page.pk}/preview/")
    assert preview.status_code == 200
    assert b"<strong>breathlessness</strong>" in preview.content


def test_form_errors_are_specific_and_keep_input(client):
    client.force_login(make_clinician())
    response = client.post("/contribute/new/", form_data(title="x" * 300, history=""))
    assert response.status_code == 200
    assert b"Ensure this value has at most 120 characters" in response.content
    assert b"This field is required" in response.content
    assert b"Pleuritic chest pain and hypoxia" in response.content
    assert not CasePage.objects.exists()


def test_script_tags_are_sanitised_on_render(client):
    author = make_clinician()
    client.force_login(author)
    client.post(
        "/contribute/new/",
        form_data(history='<script>alert("x")</script> [link](javascript:alert(1)) <b>b</b>'),
    )
    page = CasePage.objects.get(owner=author)
    html = client.get(f"/contribute/{page.pk}/preview/").content
    assert b"<script" not in html
    assert b'href="javascript' not in html
    assert b"<b>" not in html
    assert b"&lt;script&gt;" in html  # shown as text, not run


def test_submit_requires_consent(client):
    author = make_clinician()
    client.force_login(author)
    client.post("/contribute/new/", form_data())
    page = CasePage.objects.get(owner=author)
    response = client.post(f"/contribute/{page.pk}/submit/", {})
    assert response.status_code == 200
    assert b"Confirm consent" in response.content
    assert page.current_workflow_state is None


def test_review_cycle_request_changes_then_approve(client):
    author, editor = make_clinician(), make_editor()
    client.force_login(author)
    client.post("/contribute/new/", form_data())
    page = CasePage.objects.get(owner=author)
    response = client.post(
        f"/contribute/{page.pk}/submit/", {"consent": "not_identifiable", "confirm": "on"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    request_changes(page, editor, "Remove the flight route: it could identify the patient.")
    listing = client.get("/contribute/").content.decode()
    assert "Changes requested" in listing
    assert "Remove the flight route" in listing

    client.post(f"/contribute/{page.pk}/edit/", form_data(history="Woke breathless."))
    client.post(f"/contribute/{page.pk}/submit/", {"consent": "not_identifiable", "confirm": "on"})
    page.refresh_from_db()
    approve(page, editor)
    page.refresh_from_db()
    assert page.live
    assert page.history == "Woke breathless."


def test_request_changes_needs_a_message():
    from cases.models.workflow import ClinicalReviewTask

    form_class = ClinicalReviewTask().get_form_for_action("reject")
    assert not form_class({"comment": ""}).is_valid()


def test_edits_to_published_case_stay_unpublished_until_review(client):
    author, editor = make_clinician(), make_editor()
    page = CasePageFactory(owner=author, diagnosis=ConditionFactory(name="Pulmonary embolism"))
    client.force_login(author)
    client.post(f"/contribute/{page.pk}/edit/", form_data(summary="An edited summary."))
    page.refresh_from_db()
    assert page.live
    assert page.summary != "An edited summary."
    assert client.get(page.url).status_code == 200
    services.submit_for_review(page, author, "consent_obtained")
    approve(page, editor)
    page.refresh_from_db()
    assert page.summary == "An edited summary."


def test_new_contributor_limit(client, settings):
    settings.CASEBOOK_CASES = {
        **settings.CASEBOOK_CASES,
        "NEW_CONTRIBUTOR_MAX_AWAITING_REVIEW": 1,
        "NEW_CONTRIBUTOR_PUBLISHED_THRESHOLD": 3,
    }
    author = make_clinician()
    client.force_login(author)
    client.post("/contribute/new/", form_data(title="First"))
    client.post("/contribute/new/", form_data(title="Second"))
    first, second = CasePage.objects.filter(owner=author).order_by("pk")
    services.submit_for_review(first, author, "consent_obtained")
    response = client.post(
        f"/contribute/{second.pk}/submit/", {"consent": "consent_obtained", "confirm": "on"}
    )
    assert response.status_code == 200
    assert b"at most 1 cases awaiting review" in response.content
    with pytest.raises(ValidationError):
        services.submit_for_review(second, author, "consent_obtained")


def test_consent_is_recorded_with_user_and_time(client):
    from cases.models import CaseConsent

    author = make_clinician()
    page = CasePageFactory(owner=author, live=False)
    services.submit_for_review(page, author, "consent_obtained")
    consent = CaseConsent.objects.get(page=page)
    assert consent.user == author
    assert consent.confirmed_at is not None


def test_markdown_sections_store_lf_so_unchanged_text_is_unchanged():
    """Browsers post text areas with CRLF; the stored LF text must compare equal."""
    from cases.fields import MarkdownFormField

    field = MarkdownFormField()
    assert field.clean("- One\r\n- Two\rThree") == "- One\n- Two\nThree"
    assert not field.has_changed("- One\n- Two", "- One\r\n- Two")
    assert CasePage._meta.get_field("history").formfield().__class__ is MarkdownFormField
