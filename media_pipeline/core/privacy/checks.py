"""The automatic pixel checks of one accepted file, and their verdict.

``check_dicom`` reads burned-in text (``scan``); ``check_photo`` looks for faces and text.
The verdict's ``reason`` is set when the file must wait for an editor, ``proposals`` are the
boxes to offer (text to redact, faces to blur) and ``note`` says what the checks did. Nothing
here ever releases a file: a check that cannot run is a reason to hold it.
"""

from dataclasses import dataclass, field
from io import BytesIO

import numpy as np

from media_pipeline.core.privacy import faces, scan
from media_pipeline.core.privacy.text import KIND_LABELS


@dataclass(frozen=True)
class Verdict:
    reason: str | None
    proposals: list[dict] = field(default_factory=list)
    note: str = ""


def _looks_like(kinds: list[str]) -> str:
    labels = list(dict.fromkeys(KIND_LABELS.get(kind, "an identifier") for kind in kinds))
    return " and ".join(labels) if labels else "text"


def check_dicom(data: bytes, *, at_risk: bool) -> Verdict:
    """OCR an anonymised DICOM file: every (sampled) frame when ``at_risk``, else the edge
    bands of its first, middle and last frames."""
    from pydicom import dcmread

    ds = dcmread(BytesIO(data))
    result = scan.scan_dataset(ds, at_risk=at_risk)
    proposals = scan.proposals(result.boxes)
    if at_risk:
        return Verdict(None, proposals, result.note())
    if result.failed:
        return Verdict("the automatic text check failed on this image", [], result.note())
    kinds = result.looks_identifying
    if kinds:
        reason = (
            "the header says the image has no burned-in text, but OCR read what looks like "
            f"{_looks_like(kinds)}"
        )
        return Verdict(reason, proposals, result.note())
    return Verdict(None, [], result.note())


def check_photo(data: bytes) -> Verdict:
    """Faces and text in a scrubbed photo."""
    from media_pipeline.core.photos import load_photo

    image, _ = load_photo(data)
    pixels = np.asarray(image.convert("RGB"))
    reasons, notes, proposals = [], [], []
    problem = faces.engine_problem()
    if problem:
        reasons.append(f"faces could not be looked for ({problem})")
    else:
        try:
            found = faces.find_faces(pixels)
        except Exception:  # a broken detector holds the photo, it never releases it
            found, problem = [], "face detection failed"
            reasons.append("face detection failed on this photo")
        if found:
            reasons.append(
                f"the photo shows {len(found)} face{'s' if len(found) != 1 else ''}: blur or "
                "crop, or keep with a reason"
            )
            proposals += [
                {
                    "x": f.x,
                    "y": f.y,
                    "width": f.width,
                    "height": f.height,
                    "source": "face",
                    "looks_like": ["face"],
                    "confidence": 0,
                }
                for f in found
            ]
    text = scan.scan_image(pixels)
    notes.append(text.note())
    if text.problem or text.failed:
        reasons.append("the automatic text check could not run, so an editor must look for text")
    elif text.boxes:
        reasons.append(f"OCR read text in the photo ({_looks_like(text.looks_identifying)})")
        proposals += scan.proposals(text.boxes)
    if not problem:
        count = sum(1 for p in proposals if p["source"] == "face")
        notes.insert(
            0, f"{count} face{'s' if count != 1 else ''} found." if count else "No face found."
        )
    return Verdict("; ".join(reasons) or None, proposals, " ".join(notes))
