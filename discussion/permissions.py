"""Who may read and take part in a case's discussion, and who moderates it.

Verified clinicians, editors and moderators take part (``cases.access``). A case held back
by a flag, and hidden comments and proposals, are seen only by moderators, editors and their
own author.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.access import can_view_cases
from cases.models import CasePage


def can_moderate(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_moderator", False))


def is_held(page) -> bool:
    """Whether a flag keeps ``page`` from peers (one query unless already fetched)."""
    from discussion.models import CaseHold

    cached = page._state.fields_cache.get("moderation_hold", False)
    if cached is not False:
        return cached is not None
    return CaseHold.objects.filter(page_id=page.pk).exists()


def can_see_case(user, page) -> bool:
    """Whether ``user`` may read ``page`` and its discussion (live or held)."""
    if not can_view_cases(user):
        return False
    if is_held(page):
        return can_moderate(user) or page.owner_id == user.pk
    return True


def discussable_case(user, page_id: int) -> CasePage:
    """The live case ``user`` may discuss, or Http404 (never revealing a hidden case)."""
    if not can_view_cases(user):
        raise PermissionDenied
    page = CasePage.objects.live().filter(pk=page_id).select_related("moderation_hold").first()
    if page is None or not can_see_case(user, page):
        raise Http404("No such case.")
    return page


def can_see_post(user, post) -> bool:
    """A comment or proposal: hidden ones only for moderators and their author."""
    if post.hidden_at is None:
        return True
    return can_moderate(user) or post.author_id == user.pk


def can_confirm(user, page) -> bool:
    """The case's author, or an editor, confirms its diagnosis."""
    return page.owner_id == user.pk or bool(getattr(user, "is_editor", False))
