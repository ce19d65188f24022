"""Look for burned-in text in an anonymised DICOM image or a scrubbed photo, within bounds.

Which frames: every frame of an image at risk (ultrasound, secondary capture, visible light,
declared burned-in annotation) up to ``MAX_AT_RISK_FRAMES``, evenly spaced beyond that (cine
clips repeat their overlay on every frame); for any other series, only the edge bands
(``EDGE_BAND`` of each side) of the first, middle and last frames, where scanners print.
Frames are decoded and rendered one at a time with the display window, so memory stays at
one frame. Photos are read at most ``MAX_PHOTO_SIDE`` pixels on their longer side.

The verdict never releases anything: an engine that is missing or fails is reported, and the
caller keeps at-risk images in quarantine.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from pydicom import Dataset

from media_pipeline.core.errors import is_stop
from media_pipeline.core.privacy import ocr
from media_pipeline.core.privacy.text import find_identifiers

MAX_AT_RISK_FRAMES = 24
EDGE_BAND = 0.15
MAX_PHOTO_SIDE = 1600


@dataclass
class PixelScan:
    """What OCR found: ``boxes`` in pixels of the image as displayed; ``problem`` says why
    OCR could not run (engine missing) and ``failed`` that it broke on this image."""

    boxes: list[ocr.TextBox] = field(default_factory=list)
    frames_read: int = 0
    frame_count: int = 1
    problem: str | None = None
    failed: bool = False

    @property
    def looks_identifying(self) -> list[str]:
        """Kinds of identifier the text read looks like (a name, a date, an ID...)."""
        kinds: list[str] = []
        for box in self.boxes:
            kinds.extend(overlay_identifier_kinds(box.text))
        return list(dict.fromkeys(kinds))

    def note(self) -> str:
        """One sentence for the editor: what the automatic check did and found."""
        if self.problem:
            return f"No automatic text check: {self.problem}"
        if self.failed:
            return "The automatic text check failed on this image: check it by eye."
        sampled = (
            f" (read {self.frames_read} of {self.frame_count:,} frames, evenly spaced)"
            if self.frames_read < self.frame_count
            else ""
        )
        if not self.boxes:
            return f"OCR found no text{sampled}."
        places = len(proposals(self.boxes))
        return f"OCR found text in {places} place{'s' if places != 1 else ''}{sampled}."


# Overlays write names the DICOM way ("JONES^MARY") or as "JONES, MARY", and IDs without a
# label: rules the prose checker has no reason to know.
# OCR often reads the caret as "*" or "4": "JONES*MARY", "SMITH4JOHN".
DICOM_NAME = re.compile(r"\b[A-Z][A-Z'-]+[\^*4][A-Z][A-Z'-]+\b")


def overlay_identifier_kinds(text: str) -> list[str]:
    kinds = [finding.kind for finding in find_identifiers(text)]
    words = text.replace("^", " ^ ").split()
    if DICOM_NAME.search(text) or (
        "^" in text and any(word.isalpha() and len(word) > 1 for word in words)
    ):
        kinds.append("name")
    upper_pair = [w.rstrip(",") for w in text.split()[:3]]
    if (
        "," in text
        and len(upper_pair) >= 2
        and all(w.isalpha() and w.isupper() and len(w) > 1 for w in upper_pair[:2])
    ):
        kinds.append("name")
    if any(word.isalnum() and sum(c.isdigit() for c in word) >= 6 for word in text.split()):
        kinds.append("record_number")
    if any(word.upper().strip(":.") in ("DOB", "MRN", "NHS", "PATIENT", "NAME") for word in words):
        kinds.append("record_number")
    return kinds


def frames_to_read(frame_count: int, *, at_risk: bool) -> list[int]:
    """Indices of the frames to read (see the module docstring)."""
    if not at_risk:
        return sorted({0, frame_count // 2, frame_count - 1})
    if frame_count <= MAX_AT_RISK_FRAMES:
        return list(range(frame_count))
    step = (frame_count - 1) / (MAX_AT_RISK_FRAMES - 1)
    return sorted({round(i * step) for i in range(MAX_AT_RISK_FRAMES)})


def edge_bands(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The top, bottom, left and right bands where scanners print text."""
    band_h, band_w = max(1, round(height * EDGE_BAND)), max(1, round(width * EDGE_BAND))
    return [
        (0, 0, width, band_h),
        (0, height - band_h, width, band_h),
        (0, 0, band_w, height),
        (width - band_w, 0, band_w, height),
    ]


def scan_dataset(ds: Dataset, *, at_risk: bool) -> PixelScan:
    """OCR the frames of an anonymised dataset that ``frames_to_read`` picks."""
    problem = ocr.engine_problem()
    frame_count = int(ds.get("NumberOfFrames") or 1)
    if problem:
        return PixelScan(frame_count=frame_count, problem=problem)
    from media_pipeline.core.render import display_frames

    scan = PixelScan(frame_count=frame_count)
    bands = None if at_risk else edge_bands(int(ds.Columns), int(ds.Rows))
    try:
        for index, frame in display_frames(ds, frames_to_read(frame_count, at_risk=at_risk)):
            scan.boxes.extend(_read_frame(frame, index, bands))
            scan.frames_read += 1
    except ocr.OcrUnavailable as exc:
        return PixelScan(frame_count=frame_count, problem=exc.reason)
    except BaseException as exc:  # a crash of the engine or the decoder on this image
        if is_stop(exc):
            raise
        return PixelScan(frame_count=frame_count, failed=True)
    return scan


def _read_frame(frame: np.ndarray, index: int, bands) -> list[ocr.TextBox]:
    """The whole frame, or each band cut out on its own (a fraction of the work)."""
    if bands is None:
        return ocr.find_text(frame, frame=index)
    boxes = []
    for x, y, width, height in bands:
        for box in ocr.find_text(frame[y : y + height, x : x + width], frame=index):
            boxes.append(
                ocr.TextBox(
                    index, box.x + x, box.y + y, box.width, box.height, box.text, box.confidence
                )
            )
    return ocr.merge_lines(boxes)


def scan_image(image: np.ndarray) -> PixelScan:
    """OCR a photo (uint8 grey or RGB array, upright), scaled down to ``MAX_PHOTO_SIDE``."""
    problem = ocr.engine_problem()
    if problem:
        return PixelScan(problem=problem)
    import cv2

    scale = min(1.0, MAX_PHOTO_SIDE / max(image.shape[:2]))
    small = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale)
    try:
        boxes = ocr.find_text(small)
    except ocr.OcrUnavailable as exc:
        return PixelScan(problem=exc.reason)
    except BaseException as exc:
        if is_stop(exc):
            raise
        return PixelScan(failed=True)
    if scale != 1.0:
        boxes = [_scaled(box, 1 / scale) for box in boxes]
    return PixelScan(boxes=boxes, frames_read=1)


def _scaled(box: ocr.TextBox, factor: float) -> ocr.TextBox:
    return ocr.TextBox(
        box.frame,
        int(box.x * factor),
        int(box.y * factor),
        int(np.ceil(box.width * factor)),
        int(np.ceil(box.height * factor)),
        box.text,
        box.confidence,
    )


# Pixels added on every side of a line found: anti-aliased edges of its letters.
PROPOSAL_MARGIN = 2


def proposals(boxes: list[ocr.TextBox], *, margin: int = PROPOSAL_MARGIN) -> list[dict]:
    """Redaction proposals for the editor: one box per place (boxes found in several frames
    at the same place are one), a small margin added, and what the text looks like — never
    the text itself."""
    merged: list[dict] = []
    for box in boxes:
        rect = {
            "x": max(0, box.x - margin),
            "y": max(0, box.y - margin),
            "width": box.width + 2 * margin,
            "height": box.height + 2 * margin,
        }
        kinds = overlay_identifier_kinds(box.text)
        for existing in merged:
            if _same_place(existing, rect):
                existing["looks_like"] = sorted(set(existing["looks_like"]) | set(kinds))
                existing["confidence"] = max(existing["confidence"], round(box.confidence))
                _grow(existing, rect)
                break
        else:
            merged.append(
                {
                    **rect,
                    "source": "ocr",
                    "looks_like": sorted(set(kinds)),
                    "confidence": round(box.confidence),
                }
            )
    return merged


def merge_proposal_lists(existing: list[dict], new: list[dict]) -> list[dict]:
    """``existing`` plus the proposals of ``new`` at places not proposed yet."""
    merged = [dict(p) for p in existing]
    for proposal in new:
        for current in merged:
            if current.get("source") == proposal.get("source") and _same_place(current, proposal):
                looks = set(current.get("looks_like", [])) | set(proposal.get("looks_like", []))
                current["looks_like"] = sorted(looks)
                _grow(current, proposal)
                break
        else:
            merged.append(dict(proposal))
    return merged


def _same_place(a: dict, b: dict) -> bool:
    left, top = max(a["x"], b["x"]), max(a["y"], b["y"])
    right = min(a["x"] + a["width"], b["x"] + b["width"])
    bottom = min(a["y"] + a["height"], b["y"] + b["height"])
    if left >= right or top >= bottom:
        return False
    smaller = min(a["width"] * a["height"], b["width"] * b["height"])
    return (right - left) * (bottom - top) >= 0.5 * smaller


def _grow(target: dict, other: dict) -> None:
    right = max(target["x"] + target["width"], other["x"] + other["width"])
    bottom = max(target["y"] + target["height"], other["y"] + other["height"])
    target["x"], target["y"] = min(target["x"], other["x"]), min(target["y"], other["y"])
    target["width"], target["height"] = right - target["x"], bottom - target["y"]
