"""What readers see of editors' collections: the cases they may see (in the editors'
order, with notes), the cases hidden from them (a warning for editors), and collection cards
with their cover image."""

from dataclasses import dataclass

from django.db.models import Count, Q

from curation.listings import (
    CaseCard,
    card_queryset,
    cards_through,
    key_instances,
    listable_q,
    make_cards,
)
from curation.models import CollectionItem, CollectionPage


def visible_items(collection, request=None) -> list[CollectionItem]:
    """The items whose case every verified clinician may see, in order, each with its case
    (fetched for a card). A preview uses the unsaved items of the revision."""
    if getattr(request, "is_preview", False):
        items = list(collection.items.all())
        found = {
            case.pk: case for case in card_queryset().filter(pk__in=[i.case_id for i in items])
        }
        for item in items:
            item.case = found.get(item.case_id)
        return [item for item in items if item.case is not None]
    items = CollectionItem.objects.filter(collection_id=collection.pk).filter(listable_q("case__"))
    return list(cards_through(items, "case__", "note", "case_id").order_by("sort_order", "pk"))


def unavailable_items(collection) -> list[CollectionItem]:
    """Items of the saved collection whose case readers no longer see (unpublished,
    restricted or held back): editors are warned about them."""
    return list(
        CollectionItem.objects.filter(collection_id=collection.pk)
        .exclude(listable_q("case__"))
        .select_related("case")
        .order_by("sort_order", "pk")
    )


def quiz_step_urls(collection, items, request=None) -> dict[int, str]:
    base = collection.get_url(request)
    return {item.case_id: f"{base}quiz/{position}/" for position, item in enumerate(items, 1)}


def reader_items(collection, request) -> dict:
    """The collection page's context: cards (as unknowns for a quiz collection unless the
    reader asked for the answers), and for editors the cases readers cannot see."""
    items = visible_items(collection, request)
    show_answers = not collection.quiz or request.GET.get("answers") == "1"
    notes = {item.case_id: item.note for item in items}
    cards = make_cards(
        [item.case for item in items],
        request,
        notes=notes,
        quiz_urls=None if show_answers else quiz_step_urls(collection, items, request),
    )
    editor = bool(getattr(request.user, "is_editor", False))
    return {
        "cards": cards,
        "show_answers": show_answers,
        "hidden_from_readers": unavailable_items(collection) if editor and collection.pk else [],
    }


@dataclass
class CollectionCard:
    collection: CollectionPage
    url: str
    case_count: int
    cover_id: int | None


def collection_cards(collections, request=None) -> list[CollectionCard]:
    """Cards for live collections: readable case count and cover image, in two queries."""
    counted = list(
        collections.annotate(
            case_count=Count("items", filter=Q(listable_q("items__case__")), distinct=True)
        )
        .select_related("specialty")
        .only("title", "url_path", "quiz", "cover_image_id", "specialty__name")
    )
    covers = key_instances([c.cover_image_id for c in counted if c.cover_image_id])
    return [
        CollectionCard(
            collection=collection,
            url=collection.get_url(request),
            case_count=collection.case_count,
            cover_id=covers.get(collection.cover_image_id),
        )
        for collection in counted
    ]


__all__ = ["CaseCard", "CollectionCard", "collection_cards", "reader_items", "visible_items"]
