"""Template tags that put the upload panel and the media gallery into the cases templates."""

from django import template

from media_pipeline.approval import changes_against_published
from media_pipeline.models import Upload
from media_pipeline.permissions import can_manage_media, version_media

register = template.Library()


@register.inclusion_tag("media_pipeline/upload_panel.html", takes_context=True)
def media_upload_panel(context, page):
    """The upload form, the status of every uploaded file, and the images of the latest
    version against the published one (with remove buttons), for the owner and editors."""
    request = context["request"]
    allowed = page is not None and can_manage_media(request.user, page)
    uploads = Upload.objects.filter(page=page).prefetch_related("files") if allowed else []
    entries = changes_against_published(page.get_latest_revision_as_object()) if allowed else []
    return {
        "allowed": allowed,
        "page": page,
        "uploads": uploads,
        "entries": entries,
        "live": bool(page and page.live),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("media_pipeline/gallery.html", takes_context=True)
def media_gallery(context, page):
    """The media of this version of the case that the user may see: series as stacks ordered
    by instance number, and photos. Owners and editors also see each item's state."""
    request = context["request"]
    items = version_media(request.user, page)
    return {"items": items, "show_status": can_manage_media(request.user, page)}
