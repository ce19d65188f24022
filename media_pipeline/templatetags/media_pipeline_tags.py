"""Template tags that put the upload panel and the media gallery into the cases templates."""

from django import template
from django.db.models import Prefetch

from media_pipeline.models import MediaInstance, Upload
from media_pipeline.permissions import can_manage_media, visible_items

register = template.Library()


@register.inclusion_tag("media_pipeline/upload_panel.html", takes_context=True)
def media_upload_panel(context, page):
    """The upload form and the status of every uploaded file, for the owner and editors."""
    request = context["request"]
    allowed = page is not None and can_manage_media(request.user, page)
    uploads = Upload.objects.filter(page=page).prefetch_related("files") if allowed else []
    return {
        "allowed": allowed,
        "page": page,
        "uploads": uploads,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("media_pipeline/gallery.html", takes_context=True)
def media_gallery(context, page):
    """Series as stacks ordered by instance number, and photos, that the user may see."""
    request = context["request"]
    instances = Prefetch("instances", queryset=MediaInstance.objects.order_by("instance_number"))
    items = list(visible_items(request.user, page).prefetch_related(instances))
    return {"items": items, "show_status": can_manage_media(request.user, page)}
