"""The case page's gallery: each study with its series, then the photos, in the author's order.

Works on the items ``permissions.version_media`` returns (instances prefetched), so grouping
costs no query. Every thumbnail gets alt text that says what it shows and where it sits in
its stack, since a screen reader cannot see the picture.
"""

from dataclasses import dataclass, field

from media_pipeline.models import MediaKind


@dataclass
class GalleryGroup:
    label: str
    items: list = field(default_factory=list)


def annotate(item) -> None:
    """Set ``key`` (the middle image), ``count_label`` and ``alt`` on ``item``."""
    images = list(item.instances.all())
    item.key = images[len(images) // 2] if images else None
    frames = sum(image.frame_count for image in images)
    if item.kind == MediaKind.PHOTO:
        item.count_label = ""
        item.alt = item.caption or "Clinical photo"
        return
    if len(images) == 1 and frames > 1:
        item.count_label = f"{frames} frames"
    else:
        item.count_label = f"{len(images)} image{'s' if len(images) != 1 else ''}"
    position = f"image {len(images) // 2 + 1} of {len(images)}" if len(images) > 1 else "image"
    number = f", series {item.series_number}" if item.series_number is not None else ""
    item.alt = f"{item.description}{number}: key {position}"


def gallery_groups(items) -> list[GalleryGroup]:
    """Studies in the order their first series appears, each with its series; photos last."""
    studies: dict[str, GalleryGroup] = {}
    photos = GalleryGroup("Photos")
    for item in items:
        annotate(item)
        if item.kind == MediaKind.PHOTO:
            photos.items.append(item)
            continue
        key = item.study_uid or f"item-{item.pk}"
        studies.setdefault(key, GalleryGroup("")).items.append(item)
    groups = list(studies.values())
    for number, group in enumerate(groups, start=1):
        modalities = list(dict.fromkeys(item.modality for item in group.items if item.modality))
        name = f"Study {number}" if len(groups) > 1 else "Imaging study"
        group.label = " · ".join([name, ", ".join(modalities)]) if modalities else name
    if photos.items:
        groups.append(photos)
    return groups
