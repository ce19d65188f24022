"""Who may see clinical content. Every view and page serve goes through here."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse


def can_view_cases(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "can_view_cases", False))


def deny(request):
    """The response for someone who may not see clinical content.

    Anonymous users are sent to log in; signed-in users who are not (yet) verified get a page
    that says where their verification stands, with a 403.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    profile = getattr(request.user, "clinician_profile", None)
    return TemplateResponse(
        request, "accounts/verification_pending.html", {"profile": profile}, status=403
    )


def require_case_access(view):
    """Decorator for function views that show clinical content."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_view_cases(request.user):
            return deny(request)
        return view(request, *args, **kwargs)

    return wrapped


def view_restrictions(page):
    """The Wagtail view restrictions on ``page`` and its ancestors, in one query rather than
    Wagtail's two (the ancestors' paths are prefixes of the page's own). A restriction on the
    original of an alias among them counts too, as in Wagtail; one on an alias itself (which
    Wagtail ignores) also counts here, which can only restrict more."""
    from wagtail.models import Page, PageViewRestriction

    step = Page.steplen
    paths = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    restrictions = PageViewRestriction.objects.filter(
        Q(page__path__in=paths) | Q(page__aliases__path__in=paths)
    )
    return restrictions.distinct()


class VerifiedOnlyPageMixin:
    """Wagtail pages that only verified clinicians and editors may see, previews included."""

    def get_view_restrictions(self):
        return view_restrictions(self)

    def serve(self, request, *args, **kwargs):
        if not can_view_cases(request.user):
            return deny(request)
        return super().serve(request, *args, **kwargs)

    def serve_preview(self, request, mode_name):
        if not can_view_cases(request.user):
            raise PermissionDenied
        return super().serve_preview(request, mode_name)
