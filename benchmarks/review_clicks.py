"""Editor clicks per quarantined item, before and after the automatic proposals (issue 12).

The demo data has no images, so the corpus is the kind of upload that lands in quarantine:
20 ultrasound clips with a name, date or ID burned in (``privacy_frames``; 1-2 lines each),
20 ultrasound clips with no text or anatomy labels only, and 20 photos with a face (LFW
patches on skin, ``faces_privacy``). Each goes through ``check_pixels`` as the worker runs it.

Clicks, counting what the quarantine page asks for:
- before (rectangles typed or dragged, release needs a tick): open the item (1), one drag per
  text region, submit (1); a clean clip: open, tick, release (3). Photos were never held: 0
  clicks, and the face reached peers.
- after: open (1), accept the proposed boxes (1), plus one drag and one more submit for every
  planted region the proposals miss; a clean clip whose check found nothing: open, release
  (2); a face: open, accept the blur (1 + 1), plus 2 when the face was not found.

    .venv/bin/python benchmarks/review_clicks.py
"""

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from faces_privacy import holds, placed  # noqa: E402
from privacy_frames import clean_frames, text_frames  # noqa: E402

from media_pipeline.core.dicom.anonymise import CaseContext  # noqa: E402
from media_pipeline.core.pipeline import check_pixels, process_file  # noqa: E402
from tests.media_pipeline.core.privacy_images import dicom, jpeg  # noqa: E402


def covered(box, proposals) -> bool:
    x, y, w, h = box
    return any(
        p["x"] <= x + w / 2 <= p["x"] + p["width"] and p["y"] <= y + h / 2 <= p["y"] + p["height"]
        for p in proposals
    )


def main() -> None:
    from skimage import data

    ctx = CaseContext.new("CASE-CLICKS")
    before, after, rows = [], [], []
    us_text = [f for f in text_frames(40) if f.kind == "us"][:20]
    for frame in us_text:
        # Ultrasound banners (the top tenth) are blanked by the anonymiser on its own.
        regions = [b for b in frame.boxes if b[1] >= 0.1 * frame.pixels.shape[0]]
        outcome = check_pixels(process_file("us.dcm", dicom([frame.pixels] * 2), ctx))
        missed = sum(1 for box in regions if not covered(box, outcome.proposals))
        before.append(2 + len(regions))
        after.append(2 + 2 * missed)
        rows.append(("clip with text", len(regions), missed))
    for frame in [f for f in clean_frames(40) if f.kind == "us"][:20]:
        outcome = check_pixels(process_file("us.dcm", dicom([frame.pixels] * 2), ctx))
        clean = not outcome.proposals and "OCR found no text" in outcome.scan_note
        before.append(3)
        after.append(2 if clean else 3)
        rows.append(("clean clip", 0, 0 if clean else 1))
    rng = np.random.default_rng(3)
    for patch in data.lfw_subset()[:20]:
        image, box = placed(patch, rng)
        outcome = check_pixels(process_file("face.jpg", jpeg(image), ctx))
        faces = [p for p in outcome.proposals if p["source"] == "face"]
        found = any(holds((p["x"], p["y"], p["width"], p["height"]), box) for p in faces)
        before.append(0)
        after.append(2 if found else 4)
        rows.append(("photo with a face", 1, 0 if found else 1))
    print("| items | clicks before (mean) | clicks after (mean) | regions missed |")
    print("|---|---:|---:|---:|")
    for kind, start in (("clip with text", 0), ("clean clip", 20), ("photo with a face", 40)):
        b, a = before[start : start + 20], after[start : start + 20]
        missed = sum(r[2] for r in rows[start : start + 20])
        print(f"| 20 x {kind} | {statistics.mean(b):.2f} | {statistics.mean(a):.2f} | {missed} |")
    held_before = before[:40]
    print(
        f"| all 40 items held before (clips) | {statistics.mean(held_before):.2f} | "
        f"{statistics.mean(after[:40]):.2f} | |"
    )


if __name__ == "__main__":
    main()
