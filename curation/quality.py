"""Editorial quality signals of a case: review status, peer review and completeness (which
structured sections are filled, whether it has images, an outcome, references)."""

from dataclasses import dataclass

from cases.models.pages import CLINICAL_SECTIONS
from media_pipeline.models import MediaItem

_LABELS = dict(CLINICAL_SECTIONS)


@dataclass(frozen=True)
class Check:
    label: str
    done: bool


def completeness(page, *, has_images: bool, has_differentials: bool) -> list[Check]:
    """What a complete teaching case has, each checked."""
    filled = {name: bool(getattr(page, name, "").strip()) for name, _ in CLINICAL_SECTIONS}
    return [
        Check(_LABELS["history"], filled["history"]),
        Check(_LABELS["examination"], filled["examination"]),
        Check(_LABELS["imaging_findings"], filled["imaging_findings"]),
        Check("Differential diagnoses", has_differentials),
        Check("Images", has_images),
        Check("Outcome", filled["management_outcome"]),
        Check(_LABELS["learning_points"], filled["learning_points"]),
        Check("References", filled["discussion_references"]),
    ]


def has_peer_visible_images(page) -> bool:
    return MediaItem.objects.peer_visible().filter(page_id=page.pk).exists()


def review_status(page, *, preview: bool) -> str:
    if preview or not page.live:
        return "Draft: not yet reviewed by the editors"
    published = page.last_published_at or page.first_published_at
    status = "Reviewed and published by the editors"
    if published:
        status += f" on {published:%d %b %Y}"
    return status
