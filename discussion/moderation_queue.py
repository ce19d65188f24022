"""The moderation queue: every flagged item awaiting a decision, with its flags."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from cases.models import CasePage
from discussion.models import Comment, Flag, Proposal
from discussion.services.moderation import UNRESOLVED

KINDS = {"case": CasePage, "comment": Comment, "proposal": Proposal}


@dataclass
class QueueItem:
    kind: str
    target: object
    flags: list[Flag] = field(default_factory=list)

    @property
    def page(self):
        return self.target if self.kind == "case" else self.target.page

    @property
    def hidden(self) -> bool:
        if self.kind == "case":
            return hasattr(self.target, "moderation_hold")
        return self.target.hidden_at is not None

    @property
    def edit_requested(self) -> bool:
        return any(f.status == "edit_requested" for f in self.flags)

    @property
    def reasons(self) -> list[str]:
        return sorted({f.get_reason_display() for f in self.flags})


def open_flags():
    return Flag.objects.filter(status__in=UNRESOLVED)


def open_item_count() -> int:
    return open_flags().values("content_type", "object_id").distinct().count()


def queue_items(reason: str = "", order: str = "oldest") -> list[QueueItem]:
    """Flagged items, each with its unresolved flags; identifier flags first, then by age."""
    flags = open_flags().select_related("reporter__clinician_profile", "content_type")
    if reason:
        flags = flags.filter(reason=reason)
    grouped: dict[tuple[int, int], list[Flag]] = {}
    for flag in flags.order_by("created_at", "pk"):
        grouped.setdefault((flag.content_type_id, flag.object_id), []).append(flag)
    targets = _targets(grouped)
    items = [
        QueueItem(kind=kind, target=targets[(ct, pk)][1], flags=flagged)
        for (ct, pk), flagged in grouped.items()
        if (ct, pk) in targets
        for kind in [targets[(ct, pk)][0]]
    ]
    items.sort(
        key=lambda item: (
            not any(f.reason == "identifier" for f in item.flags),
            item.flags[0].created_at
            if order == "oldest"
            else -item.flags[0].created_at.timestamp(),
        )
    )
    return items


def _targets(grouped) -> dict[tuple[int, int], tuple[str, object]]:
    found = {}
    for kind, model in KINDS.items():
        content_type = ContentType.objects.get_for_model(model)
        ids = [pk for (ct, pk) in grouped if ct == content_type.pk]
        if not ids:
            continue
        rows = model.objects.filter(pk__in=ids)
        if kind == "case":
            rows = rows.select_related("moderation_hold")
        else:
            rows = rows.select_related("page", "author__clinician_profile")
        for row in rows:
            found[(content_type.pk, row.pk)] = (kind, row)
    return found


def target_of(kind: str, object_id: int):
    model = KINDS.get(kind)
    return None if model is None else model.objects.filter(pk=object_id).first()
