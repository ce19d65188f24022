"""System checks for a deployment: WhiteNoise serves STATIC_ROOT, so clinical media must never
sit inside it (nor static sources inside the media root)."""

from pathlib import Path

from django.conf import settings
from django.core import checks


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


@checks.register(checks.Tags.security)
def media_outside_static(app_configs, **kwargs):
    media = Path(settings.MEDIA_ROOT)
    static_dirs = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    for static in static_dirs:
        if _inside(media, static) or _inside(static, media):
            return [
                checks.Error(
                    f"MEDIA_ROOT ({media}) and the static directory {static} overlap: "
                    "WhiteNoise would serve clinical media without a permission check.",
                    hint="Set CASEBOOK_MEDIA_ROOT outside STATIC_ROOT and the static sources.",
                    id="ops.E001",
                )
            ]
    return []
