"""The media pipeline's tunables, read from ``settings.CASEBOOK_MEDIA`` in one place.

Read at call time (not import time) so ``override_settings`` works in tests.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from media_pipeline.core.archive import ArchiveLimits

MAX_URL_EXPIRY_SECONDS = 300


@dataclass(frozen=True)
class MediaSettings:
    """Upload limits, zip limits, presigned URL lifetime and the spool directory."""

    max_upload_bytes: int
    max_file_bytes: int
    max_files: int
    archive_limits: ArchiveLimits
    url_expiry_seconds: int
    spool_dir: Path
    stalled_after: timedelta


def media_settings() -> MediaSettings:
    """The current settings; missing keys fall back to the core's defaults."""
    raw = getattr(settings, "CASEBOOK_MEDIA", {})
    defaults = ArchiveLimits()
    return MediaSettings(
        max_upload_bytes=int(raw.get("MAX_UPLOAD_BYTES", 2 << 30)),
        max_file_bytes=int(raw.get("MAX_FILE_BYTES", 1 << 30)),
        max_files=int(raw.get("MAX_FILES", 50)),
        archive_limits=ArchiveLimits(
            max_entries=int(raw.get("ZIP_MAX_ENTRIES", defaults.max_entries)),
            max_total_bytes=int(raw.get("ZIP_MAX_TOTAL_BYTES", defaults.max_total_bytes)),
            max_member_bytes=int(raw.get("ZIP_MAX_MEMBER_BYTES", defaults.max_member_bytes)),
            max_ratio=float(raw.get("ZIP_MAX_RATIO", defaults.max_ratio)),
        ),
        url_expiry_seconds=min(
            int(raw.get("URL_EXPIRY_SECONDS", MAX_URL_EXPIRY_SECONDS)), MAX_URL_EXPIRY_SECONDS
        ),
        spool_dir=Path(raw.get("SPOOL_DIR") or Path(settings.MEDIA_ROOT) / "incoming"),
        stalled_after=timedelta(minutes=int(raw.get("STALLED_AFTER_MINUTES", 15))),
    )
