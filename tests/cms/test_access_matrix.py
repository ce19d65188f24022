"""Every role against every URL: only verified clinicians and editors see clinical content."""

import pytest

from accounts.models import Verification
from media_pipeline.models import MediaItem
from tests.factories import CasePageFactory, make_clinician, make_editor

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "pending", "rejected", "verified", "editor")

# url name -> expected status for (anonymous, pending, rejected, verified, editor);
# "login" means a redirect to the login page.
MATRIX = {
    "home": (200, 200, 200, 200, 200),
    "case_index": ("login", 403, 403, 200, 200),
    "case_page": ("login", 403, 403, 200, 200),
    "my_cases": ("login", 403, 403, 200, 200),
    "case_create": ("login", 403, 403, 200, 200),
    "others_case_edit": ("login", 403, 403, 404, 404),
    "others_case_preview": ("login", 403, 403, 404, 404),
    "others_case_submit": ("login", 403, 403, 404, 404),
    "verification_queue": ("login", "login", "login", "login", 200),
    "profile": ("login", 200, 200, 200, 404),
    "media_remove": (405, 405, 405, 405, 405),  # POST only: tests/media_pipeline/test_media_review
    "media_withdraw": ("login", "login", "login", "login", 200),
}


def _user_for(role):
    if role == "anonymous":
        return None
    if role == "editor":
        return make_editor()
    return make_clinician(status=getattr(Verification, role.upper()))


@pytest.fixture
def urls():
    author = make_clinician()
    case = CasePageFactory(owner=author)
    item = MediaItem.objects.create(page=case, kind="photo", status="ready")
    return {
        "home": "/",
        "case_index": "/cases/",
        "case_page": case.url,
        "my_cases": "/contribute/",
        "case_create": "/contribute/new/",
        "others_case_edit": f"/contribute/{case.pk}/edit/",
        "others_case_preview": f"/contribute/{case.pk}/preview/",
        "others_case_submit": f"/contribute/{case.pk}/submit/",
        "verification_queue": "/admin/verification/",
        "profile": "/profile/",
        "media_remove": f"/media/item/{item.pk}/remove/",
        "media_withdraw": f"/admin/media-quarantine/{item.pk}/withdraw/",
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, urls, name, role):
    user = _user_for(role)
    if user:
        client.force_login(user)
    response = client.get(urls[name])
    expected = MATRIX[name][ROLES.index(role)]
    if expected == "login":
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == expected


def test_pending_user_sees_verification_page(client, urls):
    client.force_login(make_clinician(status=Verification.PENDING))
    response = client.get(urls["case_page"])
    assert b"verification is pending" in response.content
    assert b"crushing" not in response.content


def test_rejected_user_sees_the_reason(client, urls):
    user = make_clinician(status=Verification.REJECTED)
    user.clinician_profile.rejection_reason = "The GMC number does not match your name."
    user.clinician_profile.save()
    client.force_login(user)
    response = client.get(urls["case_index"])
    assert b"does not match your name" in response.content


def test_anonymous_landing_does_not_list_cases(client, urls):
    response = client.get("/")
    assert b"Sign up" in response.content
    assert b"Case " not in response.content


def test_inactive_verified_user_sees_nothing(client, urls):
    user = make_clinician()
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get(urls["case_index"]).status_code in (302, 403)
