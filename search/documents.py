"""A published case as a search document: the dict every backend indexes.

Pure: reads the page and its related rows, writes nothing. The document holds clinical text,
classification and counts only. It never names the author, their registration or workplace,
and holds no patient identifier (the case's own fields are anonymised at submission; the
author's profile is never read here). ``search.mapping`` rejects any key it does not know.
"""

import html
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, CharField, F, QuerySet, Value, When
from wagtail.models import Page

from cases.markup import plain_text
from cases.models import CasePage
from media_pipeline.models import MediaItem, MediaKind
from search.negation import with_negations_apart

#: The modality a clinical photo is indexed under; DICOM series keep their Modality code
#: ("OT", DICOM's "other", when it was empty).
PHOTO_MODALITY = "Photo"


def indexable_cases() -> QuerySet[CasePage]:
    """Cases peers may find: live, without a view restriction on them or an ancestor, and
    not held back by a moderation flag."""
    return CasePage.objects.live().public().filter(moderation_hold__isnull=True)


def is_indexable(page: Page) -> bool:
    return indexable_cases().filter(pk=page.pk).exists()


def with_related(queryset: QuerySet[CasePage]) -> QuerySet[CasePage]:
    """``queryset`` with what ``case_document`` reads fetched in a few queries."""
    return queryset.select_related(
        "diagnosis", "specialty", "activity", "confirmed_diagnosis__condition", "peer_review"
    ).prefetch_related("body_systems", "tags", "differentials__condition")


def peer_media() -> QuerySet[MediaItem]:
    """Media peers can see (approved with a published revision, ready, not withdrawn), each
    annotated with ``modality_label``."""
    return MediaItem.objects.peer_visible().annotate(
        modality_label=Case(
            When(kind=MediaKind.PHOTO, then=Value(PHOTO_MODALITY)),
            When(modality="", then=Value("OT")),
            default=F("modality"),
            output_field=CharField(),
        )
    )


def media_modalities(page_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Case id -> the distinct modalities of its peer-visible media (cases without any are
    absent)."""
    found: dict[int, set[str]] = {}
    rows = peer_media().filter(page_id__in=list(page_ids)).values_list("page_id", "modality_label")
    for page_id, label in rows:
        found.setdefault(page_id, set()).add(label)
    return {page_id: tuple(sorted(labels)) for page_id, labels in found.items()}


def case_document(
    page: CasePage, version: int, *, modalities: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The document for ``page`` at ``version`` (a number that grows with every change).

    ``modalities``: of the case's peer-visible media (``media_modalities``); a case has images when
    it has any. Text fields are plain text (Markdown rendered and stripped). Discussion
    counts and the confirmed diagnosis come from ``discussion`` (``with_related`` fetches
    them).
    """
    diagnosis = page.diagnosis
    published = page.first_published_at or page.last_published_at
    activity = _related(page, "activity")
    confirmed = _related(page, "confirmed_diagnosis")
    last_activity = activity.last_activity_at if activity else None
    document = {
        "id": page.pk,
        "url": page.get_url() or page.url_path,
        "title": page.title,
        "summary": page.summary,
        "history": plain_document_text(page.history),
        "findings": "\n\n".join(
            text
            for text in (
                plain_document_text(page.examination),
                plain_document_text(page.imaging_findings),
            )
            if text
        ),
        "discussion": plain_document_text(page.discussion_references),
        "learning_points": plain_document_text(page.learning_points),
        "management": plain_document_text(page.management_outcome),
        "condition": diagnosis.name,
        "condition_synonyms": diagnosis.synonym_list,
        "differentials": [str(differential) for differential in page.differentials.all()],
        "specialty": page.specialty.name,
        "body_systems": sorted(system.name for system in page.body_systems.all()),
        "modalities": sorted(set(modalities)),
        "age_band": page.age_band,
        "sex": page.sex,
        "certainty": page.certainty,
        "case_mode": page.case_mode,
        "tags": sorted(tag.name for tag in page.tags.all()),
        "has_images": bool(modalities),
        "featured": page.featured,
        "peer_reviewed": _related(page, "peer_review") is not None,
        "published_at": published.isoformat() if published else None,
        "comment_count": activity.comment_count if activity else 0,
        "proposal_count": activity.proposal_count if activity else 0,
        "confirmed_diagnosis": confirmed.label if confirmed else "",
        "last_activity_at": last_activity.isoformat() if last_activity else None,
        "version": int(version),
    }
    return with_negations_apart(document)


def _related(page: CasePage, name: str):
    """A one-to-one row of ``page`` that may not exist (None then)."""
    try:
        return getattr(page, name)
    except ObjectDoesNotExist:
        return None


def plain_document_text(markdown: str) -> str:
    """The text of an author's Markdown, as documents hold it (no markup, no entities)."""
    # plain_text keeps HTML entities (it is sanitiser output)
    return html.unescape(plain_text(markdown)) if markdown else ""
