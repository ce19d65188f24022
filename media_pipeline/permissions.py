"""Who may upload, review and see which clinical media. Views and template tags ask here."""

from cases.access import can_view_cases
from media_pipeline.models import MediaItem, MediaStatus


def can_manage_media(user, page) -> bool:
    """The case owner and editors may upload to a case and see all of its media."""
    if not can_view_cases(user):
        return False
    return page.owner_id == user.pk or bool(getattr(user, "is_editor", False))


def visible_items(user, page):
    """The media items of ``page`` that ``user`` may see, ordered for display.

    Owners and editors see ready and quarantined items; other verified clinicians see ready
    items of live cases only; everyone else sees nothing.
    """
    items = MediaItem.objects.filter(page=page)
    if can_manage_media(user, page):
        return items
    if can_view_cases(user) and page.live:
        return items.filter(status=MediaStatus.READY)
    return items.none()


def can_see_item(user, item: MediaItem) -> bool:
    """Whether ``user`` may see ``item`` (same rule as ``visible_items``)."""
    page = item.page
    if can_manage_media(user, page):
        return True
    return can_view_cases(user) and page.live and item.status == MediaStatus.READY
