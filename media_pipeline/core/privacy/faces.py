"""Faces in clinical photos, found with OpenCV's Haar cascades (frontal and profile).

The cascade files ship inside the ``opencv-python-headless`` wheel (``cv2.data``): nothing is
downloaded. Photos are searched at most ``MAX_SIDE`` pixels on their longer side (a face a
peer could recognise is larger than the 24-pixel window even then), in grey; profiles are
searched in the image and its mirror. Boxes come back in pixels of the photo as given,
enlarged by ``MARGIN`` so a blur covers hairline, ears and chin. The settings (no histogram
equalisation, which turns skin texture into faces; 4 neighbours frontal, 6 for profiles)
were chosen on ``benchmarks/faces_privacy.py``.
"""

import os
from dataclasses import dataclass
from functools import cache

import numpy as np

MAX_SIDE = 800
MARGIN = 0.2
CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")


@dataclass(frozen=True)
class FaceBox:
    x: int
    y: int
    width: int
    height: int


@cache
def engine_problem() -> str | None:
    """None when face detection works here, else what is missing."""
    try:
        import cv2
    except ImportError:
        return "face detection is not installed (opencv-python-headless is missing)"
    folder = getattr(getattr(cv2, "data", None), "haarcascades", "")
    if not all(os.path.isfile(os.path.join(folder, name)) for name in CASCADES):
        return "face detection has no cascade files (opencv-python-headless 4.x ships them)"
    return None


@cache
def _classifiers():
    import cv2

    return [cv2.CascadeClassifier(os.path.join(cv2.data.haarcascades, n)) for n in CASCADES]


def find_faces(image: np.ndarray) -> list[FaceBox]:
    """Faces in ``image`` (uint8 grey or RGB, upright). Raises RuntimeError when detection
    is not available (see ``engine_problem``)."""
    import cv2

    problem = engine_problem()
    if problem:
        raise RuntimeError(problem)
    grey = image if image.ndim == 2 else cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    if min(height, width) < 24:
        return []
    scale = min(1.0, MAX_SIDE / max(height, width))
    small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale)
    small = np.ascontiguousarray(small)
    frontal, profile = _classifiers()
    found = []
    size = {"scaleFactor": 1.1, "minSize": (24, 24)}
    found += [tuple(r) for r in frontal.detectMultiScale(small, minNeighbors=4, **size)]
    found += [tuple(r) for r in profile.detectMultiScale(small, minNeighbors=6, **size)]
    mirrored = np.ascontiguousarray(small[:, ::-1])
    for x, y, w, h in profile.detectMultiScale(mirrored, minNeighbors=6, **size):
        found.append((small.shape[1] - x - w, y, w, h))
    return [_enlarged(box, 1 / scale, width, height) for box in _merged(found)]


def _merged(boxes: list[tuple]) -> list[tuple]:
    kept: list[list[int]] = []
    for x, y, w, h in sorted(boxes, key=lambda b: -b[2] * b[3]):
        for other in kept:
            ox, oy, ow, oh = other
            ix = max(0, min(x + w, ox + ow) - max(x, ox))
            iy = max(0, min(y + h, oy + oh) - max(y, oy))
            if ix * iy >= 0.3 * min(w * h, ow * oh):
                break
        else:
            kept.append([int(x), int(y), int(w), int(h)])
    return kept


def _enlarged(box, factor: float, width: int, height: int) -> FaceBox:
    x, y, w, h = (value * factor for value in box)
    left, top = max(0, int(x - MARGIN * w)), max(0, int(y - MARGIN * h))
    right, bottom = min(width, int(x + w * (1 + MARGIN))), min(height, int(y + h * (1 + MARGIN)))
    return FaceBox(left, top, right - left, bottom - top)
