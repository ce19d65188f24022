"""Find burned-in text in image pixels: where it is, what it says, how sure the reader is.

Two steps keep a 512 x 512 frame well within 150 ms on one core. OpenCV finds candidate
text lines (a morphological gradient, a low threshold, a horizontal closing that joins letters
into lines, then connected components of a text line's height, length and fill); the
speckle of an ultrasound or the noise of a CT merges into blobs too large or too ragged to be
a line. Tesseract then reads each candidate line alone (page segmentation "single line"), on a
crop made dark-on-light and enlarged when small. A candidate counts as text when Tesseract
reads at least two letters or digits with enough confidence: single letters ("L", "R") and
noise are not boxes.

Tesseract comes from Debian (``tesseract-ocr``, ``tesseract-ocr-eng``: the language data)
through ``tesserocr`` (the engine in-process: no process per frame). When either is missing
``engine_problem()`` says why and ``find_text`` raises ``OcrUnavailable``; callers must then
keep an image at risk in quarantine, never release it.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from glob import glob
from threading import Lock

import numpy as np

# One thread per OCR call: the worker and the benchmark run one frame per core.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

#: Lines Tesseract reads below this confidence (0-100) are not boxes.
MIN_CONFIDENCE = 55
#: Candidate lines read per frame at most: bounds the time on a frame full of texture.
MAX_CANDIDATES = 24
MIN_LINE_HEIGHT, MAX_LINE_HEIGHT = 6, 48
TESSDATA_GLOBS = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tesseract-ocr/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


class OcrUnavailable(Exception):
    """The OCR engine is missing or broken; ``reason`` says which and how to fix it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TextBox:
    """A line of text found in ``frame`` (0-based), in pixels of the image as displayed."""

    frame: int
    x: int
    y: int
    width: int
    height: int
    text: str
    confidence: float

    def as_dict(self) -> dict:
        return {
            "frame": self.frame,
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
            "text": self.text,
            "confidence": round(self.confidence, 1),
        }


def tessdata_dir() -> str | None:
    """Where the English language data is: ``TESSDATA_PREFIX``, else Debian's folders."""
    configured = os.environ.get("TESSDATA_PREFIX")
    candidates = [configured] if configured else []
    for pattern in TESSDATA_GLOBS:
        candidates.extend(sorted(glob(pattern), reverse=True))
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "eng.traineddata")):
            return folder
    return None


@cache
def engine_problem() -> str | None:
    """None when OCR works here, else a sentence saying what is missing."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return "OCR is not installed (the tesserocr package is missing): run make install."
    if tessdata_dir() is None:
        return (
            "OCR has no English language data: install Debian's tesseract-ocr and "
            "tesseract-ocr-eng (scripts/install_ocr.sh), or set TESSDATA_PREFIX."
        )
    return None


class _Reader:
    """One Tesseract instance per process, used by one thread at a time."""

    def __init__(self):
        import tesserocr

        self._tesserocr = tesserocr
        self._api = tesserocr.PyTessBaseAPI(
            path=tessdata_dir(),
            lang="eng",
            psm=tesserocr.PSM.SINGLE_LINE,
            oem=tesserocr.OEM.LSTM_ONLY,
        )
        self._lock = Lock()

    def read_line(self, crop: np.ndarray) -> tuple[str, float]:
        from PIL import Image

        with self._lock:
            self._api.SetImage(Image.fromarray(crop))
            text = self._api.GetUTF8Text().strip()
            confidence = float(self._api.MeanTextConf())
        return text, confidence


@cache
def _reader() -> _Reader:
    problem = engine_problem()
    if problem:
        raise OcrUnavailable(problem)
    try:
        return _Reader()
    except (RuntimeError, OSError) as exc:
        raise OcrUnavailable(f"OCR could not start ({type(exc).__name__}).") from None


def find_text(
    image: np.ndarray,
    *,
    frame: int = 0,
    bands: Sequence[tuple[int, int, int, int]] | None = None,
) -> list[TextBox]:
    """Lines of text in ``image`` (uint8 grey H x W, or RGB H x W x 3, as displayed).

    ``bands`` limits the search to those (x, y, width, height) regions (edge bands of a
    series that is not at risk). Raises ``OcrUnavailable`` when the engine is missing.
    """
    reader = _reader()
    grey = _grey(image)
    strokes = _standing_out(grey)
    candidates = text_candidates(grey, bands, strokes)[:MAX_CANDIDATES]
    boxes = []
    for x, y, width, height in candidates:
        # Read the line as it is (contrast stretched), and as its strokes alone (the texture
        # behind text drawn over anatomy removed); keep the surer reading.
        text, confidence = max(
            reader.read_line(_crop_for_reading(grey, x, y, width, height)),
            reader.read_line(_crop_for_reading(255 - 255 * strokes, x, y, width, height)),
            key=lambda reading: reading[1],
        )
        if _is_text(text, confidence):
            boxes.append(TextBox(frame, x, y, width, height, text, confidence))
    return [box for box in merge_lines(boxes) if box.width >= max(2.5 * box.height, 20)]


def _is_text(text: str, confidence: float) -> bool:
    """Two or more letters or digits read surely, or three or more read fairly surely: a
    single anatomy label ("L") is not a box, and texture rarely reads as a sure word."""
    signs = sum(char.isalnum() for char in text)
    return (signs >= 2 and confidence >= 80) or (signs >= 3 and confidence >= MIN_CONFIDENCE)


def merge_lines(boxes: list[TextBox]) -> list[TextBox]:
    """Join boxes of one line of text (overlapping rows, a gap under twice their height)."""
    merged: list[TextBox] = []
    for box in sorted(boxes, key=lambda b: (b.y, b.x)):
        for index, other in enumerate(merged):
            rows = min(box.y + box.height, other.y + other.height) - max(box.y, other.y)
            gap = max(box.x, other.x) - min(box.x + box.width, other.x + other.width)
            if rows >= 0.5 * min(box.height, other.height) and gap <= 2 * max(box.height, 6):
                left, top = min(box.x, other.x), min(box.y, other.y)
                right = max(box.x + box.width, other.x + other.width)
                bottom = max(box.y + box.height, other.y + other.height)
                first, second = sorted((box, other), key=lambda b: b.x)
                if gap < 0:  # two readings of the same words: keep the fuller one
                    text = max(box, other, key=lambda b: len(b.text)).text
                else:
                    text = f"{first.text} {second.text}"
                merged[index] = TextBox(
                    box.frame,
                    left,
                    top,
                    right - left,
                    bottom - top,
                    text,
                    min(box.confidence, other.confidence),
                )
                break
        else:
            merged.append(box)
    return merged


def text_candidates(
    grey: np.ndarray,
    bands: Sequence[tuple[int, int, int, int]] | None = None,
    strokes: np.ndarray | None = None,
) -> list[tuple[int, int, int, int]]:
    """Regions shaped like a line of text, most text-like first (x, y, width, height).

    Two cheap detectors: strong edges on a flat background (text in the margins), and pixels
    that stand far out of their neighbourhood (text drawn over anatomy).
    """
    import cv2

    if grey.shape[0] < MIN_LINE_HEIGHT or grey.shape[1] < 2 * MIN_LINE_HEIGHT:
        return []
    gradient = cv2.morphologyEx(grey, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    found = _line_components((gradient >= 24).astype(np.uint8), min_fill=0.35, gap=9)
    if strokes is None:
        strokes = _standing_out(grey)
    found += _line_components(strokes, min_fill=0.3, gap=15)
    found += _line_components(_thin_strokes(grey), min_fill=0.3, gap=11)
    if bands is not None:
        found = [c for c in found if any(_overlaps(c[:4], band) for band in bands)]
    found.sort(key=lambda c: -c[4])
    kept: list[tuple[int, int, int, int]] = []
    for candidate in found:
        if not any(_mostly_inside(candidate[:4], other) for other in kept):
            kept.append(candidate[:4])
    return kept


def _line_components(mask: np.ndarray, *, min_fill: float, gap: int) -> list[tuple]:
    """Components of ``mask`` once letters ``gap`` pixels apart are joined, shaped like a
    line: (x, y, width, height, fill)."""
    import cv2

    joined = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 3))
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = []
    for x, y, width, height, area in stats[1:count]:
        if not MIN_LINE_HEIGHT <= height <= MAX_LINE_HEIGHT or width < 1.4 * height:
            continue
        fill = area / (width * height)
        if fill >= min_fill:  # ragged texture is not a line of letters
            found.append((int(x), int(y), int(width), int(height), fill))
    return found


def _standing_out(grey: np.ndarray) -> np.ndarray:
    """Pixels far from their neighbourhood (beyond 3 local standard deviations and 24 grey
    levels): the strokes of text drawn over anatomy. Speckle and noise only reach that now
    and then, in isolated pixels that do not form lines. The neighbourhood is measured twice,
    the second time without the first pass's outliers, so that a dense line of large letters
    does not raise its own threshold out of reach."""
    import cv2

    values = grey.astype(np.float32)
    squares = values * values
    window = (31, 31)
    mean = cv2.boxFilter(values, -1, window)
    spread = np.sqrt(np.maximum(cv2.boxFilter(squares, -1, window) - mean * mean, 0))
    weight = (np.abs(values - mean) <= np.maximum(2.5 * spread, 24)).astype(np.float32)
    total = np.maximum(cv2.boxFilter(weight, -1, window), 1e-3)
    mean = cv2.boxFilter(values * weight, -1, window) / total
    variance = cv2.boxFilter(squares * weight, -1, window) / total - mean * mean
    spread = np.sqrt(np.maximum(variance, 0))
    return (np.abs(values - mean) > np.maximum(3 * spread, 24)).astype(np.uint8)


def _thin_strokes(grey: np.ndarray) -> np.ndarray:
    """Bright or dark strokes thinner than 7 pixels (top-hat and black-hat): letters drawn
    across structures of any brightness, which a neighbourhood's statistics miss where the
    neighbourhood straddles an edge (lung and body)."""
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))
    bright = cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, kernel)
    dark = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel)
    return ((bright >= 64) | (dark >= 64)).astype(np.uint8)


def _mostly_inside(a, b) -> bool:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if left >= right or top >= bottom:
        return False
    return (right - left) * (bottom - top) >= 0.6 * a[2] * a[3]


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        # The brightest channel keeps coloured text (yellow, green annotations) bright.
        image = image[..., :3].max(axis=2)
    return np.ascontiguousarray(image, dtype=np.uint8)


def _crop_for_reading(grey: np.ndarray, x: int, y: int, width: int, height: int) -> np.ndarray:
    """The line with a margin, dark text on light, at least 32 px high (Tesseract's best)."""
    import cv2

    pad = max(2, height // 3)
    crop = grey[max(0, y - pad) : y + height + pad, max(0, x - pad) : x + width + pad]
    lo, hi = np.percentile(crop, (2, 98))
    if hi - lo < 8:
        return np.full((32, 32), 255, np.uint8)
    stretched = np.clip((crop.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255)
    stretched = stretched.astype(np.uint8)
    if np.median(stretched) < 128:  # light text on a dark background
        stretched = 255 - stretched
    scale = 32 / crop.shape[0]
    if scale > 1:
        stretched = cv2.resize(stretched, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(stretched, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
