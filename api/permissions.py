"""Who may call the API: the access rule of the site (``cases.access``), as JSON errors.

No credentials: 401. Signed in (or a token) but not a verified clinician, editor or
moderator: 403, saying where the verification stands.
"""

from rest_framework import exceptions, permissions

from accounts.models import Verification
from cases.access import can_view_cases

NOT_SIGNED_IN = "Authentication required: sign in or send an API token."
NOT_VERIFIED = {
    Verification.PENDING: "Your registration is waiting for verification; until an editor "
    "has checked it you cannot see cases or their discussion.",
    Verification.REJECTED: "Your registration could not be verified, so you cannot see cases "
    "or their discussion. Your profile page says why.",
}
ONLY_VERIFIED = "Only verified clinicians and editors can see cases and their discussion."


class SignedIn(permissions.BasePermission):
    """Any active, authenticated user (their own notifications, say)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated(NOT_SIGNED_IN)
        return True


class CanViewCases(SignedIn):
    """Verified clinicians, editors and moderators."""

    def has_permission(self, request, view):
        super().has_permission(request, view)
        if not can_view_cases(request.user):
            status = getattr(request.user, "verification_status", None)
            raise exceptions.PermissionDenied(NOT_VERIFIED.get(status, ONLY_VERIFIED))
        return True
