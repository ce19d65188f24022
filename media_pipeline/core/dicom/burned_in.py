"""Which images may carry identifying text in their pixels, and known regions to blank.

Header attributes cannot prove pixels are clean, so the rule is conservative: any image that
says it has burned-in text, or whose kind usually has it (ultrasound, secondary capture and
screenshots, visible-light photography, endoscopy, video), goes to an editor. Where a rule for
a known text region exists, the region is blanked first so the editor starts from a cleaner
image; the image is still reviewed.
"""

from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset

from media_pipeline.core.dicom.validate import SOP_CLASS, attribute, transfer_syntax

BURNED_IN_ANNOTATION, RECOGNIZABLE_FEATURES, MODALITY = 0x00280301, 0x00280302, 0x00080060

# SOP classes (a class or its sub-classes) whose images commonly carry burned-in text or faces.
REVIEW_SOP_CLASSES: dict[str, str] = {
    "1.2.840.10008.5.1.4.1.1.6": "ultrasound image",
    "1.2.840.10008.5.1.4.1.1.3": "ultrasound multi-frame image",
    "1.2.840.10008.5.1.4.1.1.7": "secondary capture or screenshot",
    "1.2.840.10008.5.1.4.1.1.77.1": "visible-light photograph, endoscopy or video",
}
REVIEW_MODALITIES: dict[str, str] = {
    "US": "ultrasound image",
    "XC": "external camera photograph",
    "ES": "endoscopy image",
    "GM": "general microscopy image",
    "OT": "image of unknown origin",
    "SC": "secondary capture",
}


@dataclass(frozen=True)
class TopBannerRule:
    """Blank the top ``fraction`` of every frame for images of ``modality``."""

    modality: str
    fraction: float


# Ultrasound scanners print patient name, ID and date in a banner along the top edge.
KNOWN_REGION_RULES: tuple[TopBannerRule, ...] = (TopBannerRule(modality="US", fraction=0.1),)


def review_reason(ds: Dataset) -> str | None:
    """Say why ``ds`` needs a person to look at its pixels, or None if it does not."""
    if str(attribute(ds, BURNED_IN_ANNOTATION, "")).upper() == "YES":
        return "the image declares burned-in annotation"
    if str(attribute(ds, RECOGNIZABLE_FEATURES, "")).upper() == "YES":
        return "the image declares recognisable visual features"
    sop_class = str(attribute(ds, SOP_CLASS, ""))
    for root, kind in REVIEW_SOP_CLASSES.items():
        if sop_class == root or sop_class.startswith(root + "."):
            return f"{kind}: may carry burned-in text"
    kind = REVIEW_MODALITIES.get(str(attribute(ds, MODALITY, "")).upper())
    if kind:
        return f"{kind}: may carry burned-in text"
    return None


def blank_known_regions(ds: Dataset) -> bool:
    """Blank the known text regions of native (uncompressed) pixel data in place.

    Returns True when pixels were changed. Compressed images are left untouched (blanking them
    would mean re-encoding); the editor's redaction covers them.
    """
    modality = str(attribute(ds, MODALITY, "")).upper()
    rules = [rule for rule in KNOWN_REGION_RULES if rule.modality == modality]
    if not rules or "PixelData" not in ds or transfer_syntax(ds).is_compressed:
        return False
    rows, cols = int(ds.Rows), int(ds.Columns)
    bits = int(ds.BitsAllocated)
    if bits % 8:
        return False
    samples = int(ds.get("SamplesPerPixel", 1))
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    planar = samples > 1 and int(ds.get("PlanarConfiguration", 0)) == 1
    planes, per_row = (samples, cols * bits // 8) if planar else (1, cols * samples * bits // 8)
    pixels = np.frombuffer(bytearray(ds.PixelData), dtype=np.uint8)
    needed = frames * planes * rows * per_row
    if pixels.size < needed:
        return False
    view = pixels[:needed].reshape(frames, planes, rows, per_row)
    for rule in rules:
        view[:, :, : max(1, round(rows * rule.fraction)), :] = 0
    ds.PixelData = pixels.tobytes()
    return True
