"""Template tags that put the upload panel and the media gallery into the cases templates."""

from django import template

from media_pipeline.gallery import gallery_groups
from media_pipeline.models import MediaStatus
from media_pipeline.panel import upload_panel_context
from media_pipeline.permissions import can_manage_media, version_media

register = template.Library()


@register.inclusion_tag("media_pipeline/upload_panel.html", takes_context=True)
def media_upload_panel(context, page):
    """The upload area (guidance, drop zone, per-file progress and status) and the images of
    the latest version with caption, order and remove controls, for the owner and editors."""
    request = context["request"]
    if page is None or not can_manage_media(request.user, page):
        return {"allowed": False}
    return {
        "allowed": True,
        "csrf_token": context.get("csrf_token"),
        **upload_panel_context(page),
    }


@register.simple_tag(takes_context=True)
def case_media(context, page, as_peer=False):
    """The gallery of this version of the case, for ``media_pipeline/gallery.html``: the
    items the user may see grouped by study and series (``gallery.gallery_groups``). Owners
    and editors also see each item's state.

    ``as_peer`` (the author's preview) shows only what peers will see once an editor
    approves this version: ready items that are not withdrawn, without state notes, and
    says how many are held back.
    """
    request = context["request"]
    items = version_media(request.user, page)
    held_back = ""
    if as_peer:
        shown = [i for i in items if i.status == MediaStatus.READY and not i.withdrawn_at]
        held_back = _held_back_note(items)
        items = shown
    return {
        "groups": gallery_groups(items),
        "show_status": not as_peer and can_manage_media(request.user, page),
        "held_back": held_back,
    }


def _held_back_note(items) -> str:
    """Why peers will not see some images of this version, for the author's preview."""
    withdrawn = sum(1 for item in items if item.withdrawn_at)
    waiting = sum(1 for item in items if not item.withdrawn_at and item.status != MediaStatus.READY)
    reasons = []
    if waiting:
        verb, them = ("waits", "it") if waiting == 1 else ("wait", "them")
        reasons.append(f"{waiting} {verb} for an editor to check {them} for identifying text")
    if withdrawn:
        reasons.append(f"{withdrawn} {'was' if withdrawn == 1 else 'were'} withdrawn by an editor")
    if not reasons:
        return ""
    total = waiting + withdrawn
    return f"Peers will not see {total} image{'s' if total != 1 else ''} of this version: " + (
        "; ".join(reasons) + "."
    )
