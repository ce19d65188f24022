"""How media reaches peers: through a reviewed page revision, like any change to a case.

A case's media are the ``CaseMedia`` children of its page, so each revision lists the media
it includes. Adding an upload or removing an item saves a new revision from the latest one;
peers see only the media of the published version, which only an editor's approval (or an
editor publishing) writes. An editor can still withdraw an item at once, without a revision,
when it must disappear before anyone can review a change.

Every function that builds a revision takes the case's row lock first (``lock_case``).
"""

import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from cases.services import lock_case
from media_pipeline import storage
from media_pipeline.models import CaseMedia, MediaInstance, MediaItem
from media_pipeline.signals import media_changed

logger = logging.getLogger(__name__)

ADDED = "casebook.media.add"
REMOVED = "casebook.media.remove"
WITHDRAWN = "casebook.media.withdraw"


#: The longest caption an item can have (``CaseMedia.caption``).
MAX_CAPTION_LENGTH = 250


class NotInDraft(Exception):
    """The item is not part of the case's latest version, so it cannot be changed in it."""


def published_item_ids(page_id: int) -> set[int]:
    """Items in the published version of the case (its ``CaseMedia`` rows)."""
    return set(CaseMedia.objects.filter(page_id=page_id).values_list("item_id", flat=True))


def draft_item_ids(page) -> list[int]:
    """Items in the latest version of ``page`` (a revision, or the live rows), in order."""
    return [link.item_id for link in page.get_latest_revision_as_object().media.all()]


def compare_media(links: Sequence[CaseMedia], reference_ids: Sequence[int]) -> list[dict]:
    """How a version's media (``links``) differ from a reference version's item ids.

    One dict per item: ``item`` (with instances), ``caption`` and ``change``: "new" (not in
    the reference), "kept", or "removed" (in the reference only; listed last).
    """
    ids = [link.item_id for link in links]
    captions = {link.item_id: link.caption for link in links}
    wanted = [*ids, *(pk for pk in reference_ids if pk not in ids)]
    found = MediaItem.objects.filter(pk__in=wanted).prefetch_related("instances")
    by_id = {item.pk: item for item in found}
    entries = []
    for pk in wanted:
        if pk not in by_id:
            continue
        change = "removed" if pk not in ids else "kept" if pk in reference_ids else "new"
        entries.append({"item": by_id[pk], "change": change, "caption": captions.get(pk, "")})
    return entries


def changes_against_published(version) -> list[dict]:
    """``compare_media`` for a version of a case against its published version."""
    return compare_media(list(version.media.all()), list(published_item_ids(version.pk)))


def add_to_draft(page_id: int, items: Sequence[MediaItem], user) -> None:
    """Append new ``items`` to the case's latest version as a new revision.

    Runs inside the caller's transaction (the worker's commit of the items), so the items
    and the revision that lists them are written together.
    """
    page = lock_case(page_id)
    draft = page.get_latest_revision_as_object()
    links = list(draft.media.all())
    present = {link.item_id for link in links}
    position = max((link.sort_order or 0 for link in links), default=-1) + 1
    added = [item for item in items if item.pk not in present]
    if not added:
        return
    for offset, item in enumerate(added):
        draft.media.add(CaseMedia(item=item, sort_order=position + offset))
    revision = draft.save_revision(user=user, clean=False)
    log(
        instance=page,
        action=ADDED,
        user=user,
        revision=revision,
        data={"items": [item.pk for item in added]},
    )


@transaction.atomic
def remove_from_draft(page, item: MediaItem, user) -> None:
    """Take ``item`` out of the case's latest version.

    An item peers never saw is deleted at once. A published item stays visible until an
    editor approves the revision without it; then ``purge_removed`` deletes it.
    """
    page = lock_case(page.pk)
    draft = page.get_latest_revision_as_object()
    links = [link for link in draft.media.all() if link.item_id != item.pk]
    if len(links) == len(draft.media.all()):
        raise NotInDraft(f"Item {item.pk} is not in the latest version of case {page.pk}.")
    draft.media = links
    revision = draft.save_revision(user=user, clean=False)
    log(instance=page, action=REMOVED, user=user, revision=revision, data={"item": item.pk})
    if item.pk not in published_item_ids(page.pk):
        _delete_items([item])


@transaction.atomic
def caption_in_draft(page, item: MediaItem, caption: str, user) -> bool:
    """Set ``item``'s caption in the case's latest version; False when it was already so.

    A caption is part of the case like its text: the new revision reaches peers once an
    editor approves it. ``caption`` must already be clean (``clean_caption``).
    """
    page = lock_case(page.pk)
    draft = page.get_latest_revision_as_object()
    links = list(draft.media.all())
    link = next((link for link in links if link.item_id == item.pk), None)
    if link is None:
        raise NotInDraft(f"Item {item.pk} is not in the latest version of case {page.pk}.")
    if link.caption == caption:
        return False
    draft.media = [
        CaseMedia(
            item_id=other.item_id,
            caption=caption if other.item_id == item.pk else other.caption,
            sort_order=position,
        )
        for position, other in enumerate(links)
    ]
    draft.save_revision(user=user, clean=False, log_action=True)
    return True


def clean_caption(text: str) -> str:
    """The caption as stored: one line, spaces collapsed. ValueError when it is too long."""
    caption = " ".join(str(text).split())
    if len(caption) > MAX_CAPTION_LENGTH:
        raise ValueError(f"A caption can be at most {MAX_CAPTION_LENGTH} characters long.")
    return caption


@transaction.atomic
def move_in_draft(page, item: MediaItem, offset: int, user) -> bool:
    """Move ``item`` by ``offset`` places in the case's latest version (a new revision);
    False when it cannot move further that way."""
    page = lock_case(page.pk)
    draft = page.get_latest_revision_as_object()
    links = list(draft.media.all())
    ids = [link.item_id for link in links]
    if item.pk not in ids:
        raise NotInDraft(f"Item {item.pk} is not in the latest version of case {page.pk}.")
    old = ids.index(item.pk)
    new = max(0, min(len(links) - 1, old + offset))
    if new == old:
        return False
    links.insert(new, links.pop(old))
    draft.media = [
        CaseMedia(item_id=link.item_id, caption=link.caption, sort_order=position)
        for position, link in enumerate(links)
    ]
    draft.save_revision(user=user, clean=False, log_action=True)
    return True


@transaction.atomic
def withdraw_item(item: MediaItem, editor, reason: str) -> None:
    """Hide ``item`` from peers now (a privacy emergency); written to the case's audit log."""
    MediaItem.objects.filter(pk=item.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=editor, withdrawal_reason=reason
    )
    log(
        instance=lock_case(item.page_id),
        action=WITHDRAWN,
        user=editor,
        data={"item": item.pk, "reason": reason},
    )
    logger.info("media item %s withdrawn by editor %s", item.pk, editor.pk)
    transaction.on_commit(lambda: media_changed.send(sender=MediaItem, page_id=item.page_id))


@transaction.atomic
def purge_removed(page_id: int) -> int:
    """Delete the items of a case that neither its published nor its latest version holds.

    Runs after a publish: removals an editor has just approved go, with their stored
    objects. Returns how many items were deleted (none when the case is gone).
    """
    from cases.models import CasePage

    if not CasePage.objects.filter(pk=page_id).exists():
        return 0
    page = lock_case(page_id)
    keep = published_item_ids(page_id) | set(draft_item_ids(page))
    gone = list(MediaItem.objects.filter(page_id=page_id).exclude(pk__in=keep))
    _delete_items(gone)
    return len(gone)


def delete_items(items: Sequence[MediaItem]) -> None:
    """Delete ``items`` now (rows) and their stored objects once committed."""
    _delete_items(items)


def _delete_items(items: Sequence[MediaItem]) -> None:
    """Delete the rows now and their stored objects once the deletion is committed."""
    if not items:
        return
    instances = MediaInstance.objects.filter(item__in=items)
    keys = [key for instance in instances for key in instance.all_keys()]
    MediaItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    transaction.on_commit(lambda: storage.delete_keys(keys))
    logger.info("deleted %s removed media items", len(items))
