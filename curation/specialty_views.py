"""One page per specialty: its featured cases, the latest, the unanswered, its collections
and its most frequent diagnoses. Each section is one query; the thumbnails one more."""

from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.access import require_case_access
from cases.models import Specialty
from cases.models.choices import CaseMode
from curation.collections import collection_cards
from curation.listings import (
    card_queryset,
    cards_through,
    listable_cases,
    listable_q,
    make_cards,
    thumbnails,
)
from curation.models import CollectionPage, HomeFeaturedCase

SECTION_SIZE = 6
TOP_CONDITIONS = 10


@require_case_access
@require_GET
def specialty_index(request):
    specialties = Specialty.objects.annotate(
        case_count=Count("cases", filter=listable_q("cases__"), distinct=True)
    ).order_by("name")
    return TemplateResponse(request, "curation/specialty_index.html", {"specialties": specialties})


@require_case_access
@require_GET
def specialty_page(request, slug: str):
    specialty = Specialty.objects.filter(slug=slug).first()
    if specialty is None:
        raise Http404("No such specialty.")
    now = timezone.now()
    in_specialty = card_queryset().filter(specialty_id=specialty.pk)
    showing = (
        HomeFeaturedCase.objects.filter(case__specialty_id=specialty.pk)
        .filter(listable_q("case__"))
        .exclude(show_from__gt=now)
        .exclude(show_until__lte=now)
    )
    featured_rows = list(
        cards_through(showing, "case__", "blurb", "case_id").order_by("sort_order", "pk")[
            :SECTION_SIZE
        ]
    )
    latest = list(in_specialty.order_by("-first_published_at", "-pk")[:SECTION_SIZE])
    unanswered = list(
        in_specialty.filter(case_mode=CaseMode.OPINION, confirmed_diagnosis__isnull=True).order_by(
            "-first_published_at", "-pk"
        )[:SECTION_SIZE]
    )
    conditions = list(
        listable_cases()
        .filter(specialty_id=specialty.pk)
        .values("diagnosis__name")
        .annotate(cases=Count("pk"))
        .order_by("-cases", "diagnosis__name")[:TOP_CONDITIONS]
    )
    collections = collection_cards(
        CollectionPage.objects.live().filter(specialty=specialty).order_by("title"), request
    )
    featured_cases = [row.case for row in featured_rows]
    thumbs = thumbnails({case.pk for case in [*featured_cases, *latest, *unanswered]})
    context = {
        "specialty": specialty,
        "featured": make_cards(
            featured_cases,
            request,
            blurbs={row.case_id: row.blurb for row in featured_rows},
            thumbs=thumbs,
        ),
        "latest": make_cards(latest, request, thumbs=thumbs),
        "unanswered": make_cards(unanswered, request, thumbs=thumbs),
        "conditions": conditions,
        "collections": collections,
        "search_url": f"{reverse('search:search')}?{urlencode({'specialty': specialty.name})}",
        "unanswered_url": f"{reverse('discussion:unanswered')}?specialty={specialty.slug}",
    }
    return TemplateResponse(request, "curation/specialty_page.html", context)
