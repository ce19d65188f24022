"""What the upload panel of the case form shows: the images of the case's latest version
against the published one, and the uploads with their processing status."""

from media_pipeline.approval import changes_against_published
from media_pipeline.conf import media_settings
from media_pipeline.gallery import annotate
from media_pipeline.models import Upload


def draft_media_context(page) -> dict:
    """The entries of ``media_pipeline/draft_media.html``: each item of the latest version
    (and each published item it removes), with its caption, change and gallery labels."""
    entries = changes_against_published(page.get_latest_revision_as_object())
    for entry in entries:
        entry["item"].caption = entry["caption"]
        annotate(entry["item"])
    movable = [entry for entry in entries if entry["change"] != "removed"]
    for position, entry in enumerate(movable):
        entry["first"], entry["last"] = position == 0, position == len(movable) - 1
    return {"entries": entries, "page": page}


def upload_panel_context(page) -> dict:
    limits = media_settings()
    return {
        **draft_media_context(page),
        "uploads": Upload.objects.filter(page=page).prefetch_related("files"),
        "live": page.live,
        "max_file_bytes": limits.max_file_bytes,
        "max_files": limits.max_files,
    }
