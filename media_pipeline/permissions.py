"""Who may upload, review and see which clinical media. Views and template tags ask here.

The rule: the case owner and editors see every item of the case, in any state. Every other
verified clinician sees an item only when it is in the published version of a live case
(an editor approved a revision that includes it), ready (not quarantined) and not withdrawn.
Nobody else sees any.
"""

from django.db.models import Prefetch

from cases.access import can_view_cases
from media_pipeline.approval import published_item_ids
from media_pipeline.models import CaseMedia, MediaInstance, MediaItem


def can_manage_media(user, page) -> bool:
    """The case owner and editors may upload to a case and see all of its media."""
    if not can_view_cases(user):
        return False
    return page.owner_id == user.pk or bool(getattr(user, "is_editor", False))


def visible_items(user, page):
    """The media items of ``page`` that ``user`` may see, in any version of the case."""
    items = MediaItem.objects.filter(page_id=page.pk)
    if can_manage_media(user, page):
        return items
    if can_view_cases(user):
        return items.peer_visible()
    return items.none()


def can_see_item(user, item: MediaItem) -> bool:
    """Whether ``user`` may see ``item`` (same rule as ``visible_items``)."""
    if can_manage_media(user, item.page):
        return True
    return can_view_cases(user) and MediaItem.objects.peer_visible().filter(pk=item.pk).exists()


def version_media(user, page) -> list[MediaItem]:
    """The media of this version of ``page`` that ``user`` may see, in the author's order.

    ``page`` is the published page or a revision of it (a preview): its ``media`` children
    say which items the version holds. Each item carries ``caption`` and, for those who
    manage the case, ``awaiting_review`` (not in the published version).
    """
    links: list[CaseMedia] = list(page.media.all())
    instances = Prefetch("instances", queryset=MediaInstance.objects.order_by("instance_number"))
    found = visible_items(user, page).filter(pk__in=[link.item_id for link in links])
    by_id = {item.pk: item for item in found.prefetch_related(instances)}
    manages = can_manage_media(user, page)
    published = published_item_ids(page.pk) if manages else set()
    items = []
    for link in links:
        item = by_id.get(link.item_id)
        if item is not None:
            item.caption = link.caption
            item.awaiting_review = manages and item.pk not in published
            items.append(item)
    return items
