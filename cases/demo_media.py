"""Images for the demo cases, sent through the real media pipeline and the real review.

Each demo case below gets synthetic studies or photos (``cases.synthetic_media``) uploaded by
its author exactly as the upload view does (``ingest_upload``), processed by the worker's own
function (validate, anonymise, render, store), captioned, submitted for review and approved by
the demo editor through the review workflow, which publishes the revision that includes them.
No step is special to the demo: the ultrasound frame lands in quarantine and waits for an
editor, and the photo's EXIF and GPS are scrubbed, as they would be for anyone.

Idempotent: a case that already has uploads is left alone.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from . import synthetic_media as synthetic
from .models import CasePage
from .models.consent import ConsentBasis

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoMedia:
    """What one demo case gets: files to upload and a caption per resulting item, in order."""

    files: Callable[[], list[synthetic.SyntheticFile]]
    captions: tuple[str, ...]


def _zip(files, name):
    return [synthetic.as_zip(files, name, folder="DICOM/")]


DEMO_MEDIA: dict[str, DemoMedia] = {
    "demo-001": DemoMedia(
        lambda: _zip(synthetic.ct_series("aortic_dissection", slices=60), "ct-aorta.zip"),
        ("CT aortogram, arterial phase: intimal flap in the ascending and descending aorta",),
    ),
    "demo-003": DemoMedia(
        lambda: _zip(synthetic.ct_series("pulmonary_embolism", slices=40), "ctpa.zip"),
        ("CT pulmonary angiogram: saddle filling defect",),
    ),
    "demo-005": DemoMedia(
        lambda: _zip(synthetic.mr_brain_series(slices=20), "mr-brain.zip"),
        ("Diffusion-weighted MR: restricted diffusion in the left MCA territory",),
    ),
    "demo-006": DemoMedia(
        lambda: _zip(synthetic.ct_series("head_sah", slices=32), "ct-head.zip"),
        ("Non-contrast CT head: blood in the basal cisterns and Sylvian fissures",),
    ),
    "demo-007": DemoMedia(
        lambda: [synthetic.radiograph("chest_hyperinflation")],
        ("Chest radiograph: hyperinflated lungs, flattened hemidiaphragms",),
    ),
    "demo-010": DemoMedia(
        lambda: [synthetic.radiograph("chest_consolidation")],
        ("Chest radiograph: right lower zone consolidation",),
    ),
    "demo-011": DemoMedia(
        lambda: [synthetic.ultrasound_frame()],
        ("Right iliac fossa ultrasound: blind-ending, non-compressible tube",),
    ),
    "demo-012": DemoMedia(
        lambda: _zip(synthetic.ct_series("abdomen_aaa", slices=40), "ct-abdomen.zip"),
        ("CT abdomen: infrarenal aneurysm with retroperitoneal haematoma",),
    ),
    "demo-019": DemoMedia(
        lambda: [synthetic.radiograph("wrist_scaphoid")],
        ("Scaphoid view: lucent line across the waist",),
    ),
    "demo-037": DemoMedia(
        lambda: [synthetic.skin_photo("erythema")],
        ("Thigh on arrival: dusky erythema with ill-defined margins",),
    ),
}


def seed_case_media(page: CasePage, media: DemoMedia, editor) -> bool:
    """Upload, process, caption and approve one case's demo media; False if it had some."""
    from media_pipeline import approval, services
    from media_pipeline.models import Upload, UploadedFile

    if Upload.objects.filter(page=page).exists():
        return False
    author = page.owner
    incoming = [SimpleUploadedFile(item.name, item.data) for item in media.files()]
    upload = services.ingest_upload(page, author, incoming)
    for record in UploadedFile.objects.filter(upload=upload):
        # The task enqueued on commit runs this same function; here it runs at once so
        # that the demo is complete when the command returns. Re-running it is a no-op.
        services.process_uploaded_file(record.pk)
    page.refresh_from_db()
    links = list(page.get_latest_revision_as_object().media.all())
    for link, caption in zip(links, media.captions, strict=False):
        approval.caption_in_draft(page, link.item, caption, author)
    _approve_through_review(page, author, editor)
    return True


def _approve_through_review(page: CasePage, author, editor) -> None:
    """Submit the case's latest version and approve it as the demo editor would."""
    from .services import submit_for_review

    page.refresh_from_db()
    state = submit_for_review(page, author, ConsentBasis.NOT_IDENTIFIABLE)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, editor, "approve")


def seed_media(editor) -> int:
    """Give the demo cases their images; returns how many cases got new ones."""
    pages = {page.external_id: page for page in CasePage.objects.filter(external_id__in=DEMO_MEDIA)}
    seeded = 0
    for external_id, media in DEMO_MEDIA.items():
        page = pages.get(external_id)
        if page is not None and seed_case_media(page, media, editor):
            seeded += 1
    logger.info("demo media: %s cases given images", seeded)
    return seeded
