"""OCR of burned-in text, faces in photos, and the verdicts they give: what is found, what is
held, and that a missing or failing engine never releases an image."""

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pydicom
import pytest

from media_pipeline.core.dicom.anonymise import CaseContext
from media_pipeline.core.pipeline import ANONYMISED, QUARANTINED, check_pixels, process_file
from media_pipeline.core.privacy import checks, faces, ocr, scan
from media_pipeline.core.redact import blur_photo
from tests.media_pipeline.core import privacy_images as images

REPO = Path(__file__).resolve().parents[3]
needs_ocr = pytest.mark.skipif(ocr.engine_problem() is not None, reason=str(ocr.engine_problem()))


def outcome_of(data: bytes, name: str = "a.dcm"):
    return check_pixels(process_file(name, data, CaseContext.new("CASE-T")))


@pytest.mark.ocr
@needs_ocr
def test_text_on_an_ultrasound_becomes_a_box_over_it():
    frame = images.with_text(images.speckle(), "JONES^MARY 03/03/2024", (20, 60))
    boxes = ocr.find_text(frame)
    assert len(boxes) == 1
    box = boxes[0]
    # Drawn at (20, 60): the letters themselves start a few pixels lower.
    assert box.x <= 22 and box.y <= 66 and box.x + box.width >= 200 and box.y + box.height >= 76
    assert box.x + box.width <= 240  # the text ends at 231: the box does not run on
    assert "2024" in box.text or "03" in box.text
    assert scan.overlay_identifier_kinds(box.text)


@pytest.mark.ocr
@needs_ocr
@pytest.mark.parametrize(
    "xy, fill",
    [((196, 240), 150), ((200, 400), 150), ((150, 200), 150), ((330, 250), 250)],
    ids=["across-lungs", "across-lung-and-body", "lung-then-body", "across-lung-edge"],
)
def test_a_name_over_lungs_and_body_is_boxed_whole(xy, fill):
    # Anatomy breaks such a line into pieces that no single mask sees whole and Tesseract
    # reads in part; the proposal must still cover the whole line, or a redaction would
    # leave half the name readable.
    frame = images.with_text(images.chest_slice(), "JONES^MARY", xy, 22, fill)
    drawn = images.with_text(np.zeros_like(frame), "JONES^MARY", xy, 22, 255)
    first, last = np.flatnonzero(drawn.any(axis=0))[[0, -1]]
    boxes = ocr.find_text(frame)
    assert len(boxes) == 1
    covered = min(boxes[0].x + boxes[0].width, last + 1) - max(boxes[0].x, first)
    assert covered >= 0.95 * (last + 1 - first)


@pytest.mark.ocr
@needs_ocr
def test_speckle_and_anatomy_labels_give_no_box():
    assert ocr.find_text(images.speckle(seed=4)) == []
    labelled = images.with_text(
        images.with_text(images.speckle(), "L", (100, 200)), "R", (500, 200)
    )
    assert ocr.find_text(labelled) == []


@pytest.mark.ocr
@needs_ocr
@pytest.mark.parametrize("shape", [(1, 1), (20, 20000), (20000, 20), (3, 3, 3)])
def test_degenerate_images_are_read_without_error(shape):
    assert ocr.find_text(np.zeros(shape, np.uint8)) == []


@pytest.mark.ocr
@needs_ocr
def test_an_ultrasound_with_a_name_is_held_with_a_box_over_the_name():
    outcome = outcome_of(images.named_ultrasound())
    assert outcome.outcome == QUARANTINED
    assert "ultrasound" in outcome.reason
    assert outcome.scan_note.startswith("OCR found text in 1 place")
    (proposal,) = outcome.proposals
    assert proposal["source"] == "ocr"
    assert proposal["y"] <= 66 and proposal["y"] + proposal["height"] >= 76
    assert "date" in proposal["looks_like"]
    assert "JONES" not in json.dumps(outcome.proposals)  # the text read is never kept


@pytest.mark.ocr
@needs_ocr
def test_a_ct_whose_header_says_clean_is_held_when_ocr_reads_a_name():
    slice_ = images.with_text(np.full((256, 256), 40, np.uint8), "SMITH^JOHN 1950", (8, 6), 14)
    clean = outcome_of(
        images.dicom([np.full((256, 256), 40, np.uint8)], sop_class=images.CT_IMAGE, modality="CT")
    )
    assert clean.outcome == ANONYMISED
    held = outcome_of(images.dicom([slice_], sop_class=images.CT_IMAGE, modality="CT"))
    assert held.outcome == QUARANTINED
    assert "header says the image has no burned-in text, but OCR read" in held.reason
    assert "a person's name" in held.reason


@pytest.mark.ocr
@needs_ocr
def test_a_1000_frame_clip_is_sampled_and_says_so():
    frames = [images.speckle(64, 96, seed=n % 3) for n in range(1000)]
    ds = pydicom.dcmread(io.BytesIO(images.dicom(frames)))
    began = time.process_time()
    result = scan.scan_dataset(ds, at_risk=True)
    assert time.process_time() - began < 20
    assert (result.frames_read, result.frame_count) == (24, 1000)
    assert "read 24 of 1,000 frames" in result.note()


def test_frames_to_read():
    assert scan.frames_to_read(1, at_risk=False) == [0]
    assert scan.frames_to_read(100, at_risk=False) == [0, 50, 99]
    assert scan.frames_to_read(10, at_risk=True) == list(range(10))
    sampled = scan.frames_to_read(1000, at_risk=True)
    assert len(sampled) == 24 and sampled[0] == 0 and sampled[-1] == 999


@pytest.fixture
def ocr_missing(monkeypatch):
    monkeypatch.setattr(ocr, "engine_problem", lambda: "OCR has no English language data")


def test_missing_ocr_keeps_at_risk_images_held_and_says_why(ocr_missing, monkeypatch):
    monkeypatch.setattr(faces, "engine_problem", lambda: None)
    monkeypatch.setattr(faces, "find_faces", lambda image: [])
    ultrasound = outcome_of(images.named_ultrasound())
    assert ultrasound.outcome == QUARANTINED
    assert ultrasound.proposals == ()
    assert "No automatic text check: OCR has no English language data" in ultrasound.scan_note
    photo = outcome_of(images.skin_photo(), "rash.jpg")
    assert photo.outcome == QUARANTINED
    assert "text check could not run" in photo.reason
    # A CT slice is not at risk by its header: it keeps the behaviour it had before OCR.
    ct = images.dicom([np.full((64, 64), 40, np.uint8)], sop_class=images.CT_IMAGE, modality="CT")
    assert outcome_of(ct).outcome == ANONYMISED


def test_a_crashing_ocr_never_releases_an_image(monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("tesseract segfaulted")

    monkeypatch.setattr(ocr, "engine_problem", lambda: None)
    monkeypatch.setattr(ocr, "find_text", crash)
    ct = images.dicom([np.full((64, 64), 40, np.uint8)], sop_class=images.CT_IMAGE, modality="CT")
    held = outcome_of(ct)
    assert held.outcome == QUARANTINED
    assert held.reason == "the automatic text check failed on this image"
    assert outcome_of(images.named_ultrasound()).outcome == QUARANTINED


@pytest.mark.ocr
@needs_ocr
def test_a_face_is_held_with_a_blur_proposal_and_blurring_removes_it():
    data, (cx, cy) = images.face_photo()
    verdict = checks.check_photo(data)
    assert "shows 1 face" in verdict.reason
    (face,) = [p for p in verdict.proposals if p["source"] == "face"]
    assert face["x"] <= cx <= face["x"] + face["width"]
    assert face["y"] <= cy <= face["y"] + face["height"]
    blurred = blur_photo(data, [(face["x"], face["y"], face["width"], face["height"])])
    again = checks.check_photo(blurred)
    assert not [p for p in again.proposals if p["source"] == "face"]


@pytest.mark.ocr
@needs_ocr
def test_a_photo_without_face_or_text_is_accepted():
    outcome = outcome_of(images.skin_photo(), "rash.jpg")
    assert outcome.outcome == ANONYMISED
    assert outcome.scan_note == "No face found. OCR found no text."


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-m", "media_pipeline.core", *args],
        cwd=REPO,
        capture_output=True,
        check=False,
    )


@pytest.mark.ocr
@needs_ocr
def test_find_text_command(tmp_path):
    named = tmp_path / "us.dcm"
    named.write_bytes(images.named_ultrasound())
    completed = run_cli("find-text", str(named))
    assert completed.returncode == 1, completed.stderr
    boxes = json.loads(completed.stdout)
    assert {box["frame"] for box in boxes} == {0, 1}
    assert set(boxes[0]) == {"frame", "x", "y", "width", "height", "text", "confidence"}
    photo = tmp_path / "rash.jpg"
    photo.write_bytes(images.skin_photo())
    clean = run_cli("find-text", str(photo))
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])
    junk = tmp_path / "notes.dcm"
    junk.write_bytes(b"not an image")
    refused = run_cli("find-text", str(junk))
    assert refused.returncode == 2
    assert b"not DICOM" in refused.stderr
