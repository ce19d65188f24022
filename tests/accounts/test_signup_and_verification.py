"""Sign-up with email confirmation, duplicate registrations, verification by editors."""

import pytest
from django.core import mail

from accounts.models import ClinicianProfile, User, Verification
from tests.factories import PASSWORD, ProfileFactory, SpecialtyFactory, make_clinician, make_editor

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "email": "new.doctor@example.org",
        "username": "newdoctor",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "Alex Example",
        "display_name": "Dr Alex",
        "profession": "doctor",
        "specialty": SpecialtyFactory(name="Cardiology").pk,
        "country": "United Kingdom",
        "registration_body": "GMC",
        "registration_body_other": "",
        "registration_number": "7123456",
        "workplace": "A district general hospital",
    }
    data.update(overrides)
    return data


def test_signup_creates_pending_profile_and_sends_confirmation(client):
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    user = User.objects.get(username="newdoctor")
    assert user.clinician_profile.status == Verification.PENDING
    assert user.clinician_profile.registration_number == "7123456"
    assert not user.can_view_cases
    assert len(mail.outbox) == 1
    assert "confirm" in mail.outbox[0].body.lower()


def test_duplicate_registration_is_refused_with_a_clear_message(client):
    ProfileFactory(registration_body="GMC", registration_number="7123456")
    response = client.post("/accounts/signup/", signup_data(registration_number=" 7123456 "))
    assert response.status_code == 200
    assert b"already registered with that body" in response.content
    assert b"Alex Example" in response.content  # what the user typed is kept
    assert not User.objects.filter(username="newdoctor").exists()


def test_same_number_with_another_body_is_fine(client):
    ProfileFactory(registration_body="NMC", registration_number="7123456")
    assert client.post("/accounts/signup/", signup_data()).status_code == 302


def test_other_body_needs_a_name(client):
    response = client.post(
        "/accounts/signup/", signup_data(registration_body="other", registration_body_other="")
    )
    assert b"Name the body you are registered with" in response.content


def test_overlong_fields_are_refused(client):
    response = client.post("/accounts/signup/", signup_data(display_name="x" * 500))
    assert response.status_code == 200
    assert b"at most 60 characters" in response.content


def test_editor_verifies_from_the_queue(client):
    applicant = ProfileFactory()
    editor = make_editor()
    client.force_login(editor)
    queue = client.get("/admin/verification/")
    assert applicant.full_name.encode() in queue.content
    dashboard = client.get("/admin/")
    assert b"Clinicians awaiting verification: 1" in dashboard.content
    response = client.post(f"/admin/verification/{applicant.pk}/verify/")
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == Verification.VERIFIED
    assert applicant.reviewed_by == editor
    assert User.objects.get(pk=applicant.user_id).can_view_cases


def test_editor_rejects_with_a_reason_the_user_sees(client):
    applicant = ProfileFactory()
    client.force_login(make_editor())
    client.post(f"/admin/verification/{applicant.pk}/reject/", {"reason": ""})
    applicant.refresh_from_db()
    assert applicant.status == Verification.PENDING  # no reason, no rejection
    client.post(f"/admin/verification/{applicant.pk}/reject/", {"reason": "Number not found."})
    applicant.refresh_from_db()
    assert applicant.status == Verification.REJECTED
    client.force_login(applicant.user)
    assert b"Number not found." in client.get("/profile/").content


def test_clinician_cannot_verify_anyone(client):
    applicant = ProfileFactory()
    client.force_login(make_clinician())
    response = client.post(f"/admin/verification/{applicant.pk}/verify/")
    assert response.status_code in (302, 403)
    applicant.refresh_from_db()
    assert applicant.status == Verification.PENDING


def test_rejected_user_changing_registration_asks_again(client):
    user = make_clinician(status=Verification.REJECTED)
    client.force_login(user)
    profile = user.clinician_profile
    data = {
        "full_name": profile.full_name,
        "display_name": profile.display_name,
        "profession": profile.profession,
        "specialty": "",
        "country": profile.country,
        "registration_body": "GMC",
        "registration_body_other": "",
        "registration_number": "7999999",
        "workplace": profile.workplace,
    }
    assert client.post("/profile/", data).status_code == 302
    assert ClinicianProfile.objects.get(pk=profile.pk).status == Verification.PENDING


def test_workplace_is_not_shown_to_peers(client):
    from tests.factories import CasePageFactory

    author = make_clinician(workplace="St Secret Hospital")
    page = CasePageFactory(owner=author)
    client.force_login(make_clinician())
    assert b"St Secret Hospital" not in client.get(page.url).content
