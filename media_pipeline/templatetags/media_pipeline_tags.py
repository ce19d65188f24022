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
        **upload_panel_context(page, request),
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
    held_back = 0
    if as_peer:
        shown = [i for i in items if i.status == MediaStatus.READY and not i.withdrawn_at]
        held_back = len(items) - len(shown)
        items = shown
    return {
        "groups": gallery_groups(items),
        "show_status": not as_peer and can_manage_media(request.user, page),
        "held_back": held_back,
    }
