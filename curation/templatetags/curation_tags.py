"""The case page's curation block: quality signals, saving, the specialty's page, and for
editors the peer-review action."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from curation import quality

register = template.Library()


@register.inclusion_tag("curation/includes/case_quality.html", takes_context=True)
def case_quality(context, page):
    request = context["request"]
    preview = bool(context.get("is_preview") or getattr(request, "is_preview", False))
    differentials = context.get("differentials")
    has_differentials = bool(differentials) if differentials is not None else False
    checks = quality.completeness(
        page,
        has_images=quality.has_peer_visible_images(page),
        has_differentials=has_differentials,
    )
    try:
        peer_review = page.peer_review
    except ObjectDoesNotExist:
        peer_review = None
    editor = bool(getattr(request.user, "is_editor", False))
    return {
        "page": page,
        "status": quality.review_status(page, preview=preview),
        "peer_review": peer_review,
        "checks": checks,
        "done": sum(check.done for check in checks),
        "live": page.live and not preview,
        "specialty_url": reverse("curation:specialty", args=[page.specialty.slug]),
        "peer_review_url": reverse("curation_peer_review", args=[page.pk]) if editor else "",
    }
