"""Find burned-in text in image pixels: where it is, what it says, how sure the reader is.

Two steps keep a 512 x 512 frame well within 150 ms on one core. OpenCV finds candidate
text lines with four cheap masks (strong edges on a flat background, pixels standing out of
their neighbourhood, thin strokes, and runs of one exact grey level, as a modality draws its
annotations), a horizontal closing that joins letters into lines, then connected components
of a text line's height, length and fill; the speckle of an ultrasound or the noise of a CT
merges into blobs too large or too ragged to be a line. Tesseract then reads each candidate
line alone (page segmentation "single line"), on a crop made dark-on-light and enlarged when
small, from its views in turn (smoothed, strokes only, the line's own colour only) until one
reads surely. A candidate counts as text when Tesseract reads two letters or digits surely or
five fairly surely: single letters ("L", "R") and noise are not boxes.

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
from typing import NamedTuple

import numpy as np

# One thread per OCR call: the worker and the benchmark run one frame per core.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

#: Lines Tesseract reads below this confidence (0-100) are not boxes.
MIN_CONFIDENCE = 55
#: A line read at this confidence needs no second reading.
SURE = 80
#: Candidate lines read per frame at most: bounds the time on a frame full of texture.
MAX_CANDIDATES = 24
MIN_LINE_HEIGHT, MAX_LINE_HEIGHT = 6, 48
#: Grey levels either side of a line's colour that still count as that colour.
COLOUR_TOLERANCE = 12
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
    frame_views = _FrameViews.of(grey)
    candidates = text_candidates(grey, bands, frame_views.standing_out, frame_views.one_colour)[
        :MAX_CANDIDATES
    ]
    boxes = []
    for box in candidates:
        text, confidence = _read_line(reader, frame_views, box)
        if _is_text(text, confidence):
            boxes.append(TextBox(frame, *_whole_line(frame_views, box), text, confidence))
    return [box for box in merge_lines(boxes) if box.width >= max(2.5 * box.height, 20)]


class _FrameViews(NamedTuple):
    """A frame and the masks its candidate lines are found and read in."""

    grey: np.ndarray
    smooth: np.ndarray  # 3 x 3 Gaussian: speckle under small letters no longer reads as ink
    standing_out: np.ndarray
    one_colour: np.ndarray

    @classmethod
    def of(cls, grey: np.ndarray) -> "_FrameViews":
        import cv2

        smooth = cv2.GaussianBlur(grey, (3, 3), 0)
        return cls(grey, smooth, _standing_out(grey), _one_colour_strokes(grey))

    def for_reading(self, box):
        """The views of ``box`` to read, best first, made only when asked for: the line as it
        is (smoothed), its standing-out strokes alone (the texture behind text drawn over
        anatomy removed), and only the pixels of its own colour."""
        import cv2

        yield self.smooth
        yield 255 - 255 * self.standing_out
        colour = _line_colour(self.grey, self.one_colour, *box)
        if colour is not None:
            keyed = np.where(_in_colour(self.grey, colour), 0, 255).astype(np.uint8)
            yield keyed
            yield cv2.medianBlur(keyed, 3)  # the same, rid of specks of that level around


def _read_line(reader, frame_views: _FrameViews, box) -> tuple[str, float]:
    """The surest reading of a candidate line among its views. A sure reading ends the
    search: most lines need one Tesseract call, and only texture pays for every view."""
    best = ("", 0.0)
    for view in frame_views.for_reading(box):
        reading = reader.read_line(_crop_for_reading(view, *box))
        if reading[1] >= SURE and _is_text(*reading):
            return reading
        best = max(best, reading, key=lambda r: r[1])
    return best


def _is_text(text: str, confidence: float) -> bool:
    """Two or more letters or digits read surely, or five or more read fairly surely: a
    single anatomy label ("L") is not a box, and speckle, once smoothed, reads now and then
    as a short unsure word ("Bye", "SS ad") but not as a long one."""
    signs = sum(char.isalnum() for char in text)
    return (signs >= 2 and confidence >= SURE) or (signs >= 5 and confidence >= MIN_CONFIDENCE)


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
    one_colour: np.ndarray | None = None,
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
    if one_colour is None:
        one_colour = _one_colour_strokes(grey)
    found += _line_components(one_colour, min_fill=0.3, gap=11)
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


def _one_colour_strokes(grey: np.ndarray) -> np.ndarray:
    """Pixels in a run of three of one exact grey level (down or across) that stand 20 levels
    off their neighbourhood's median: the cores of strokes drawn in one colour, as a modality
    burns in its annotations. Speckle and noise take a new value at almost every pixel, and
    a flat background is its own median; so text over anatomy stands out even where the
    anatomy is as bright or as varied as the text."""
    import cv2

    same = np.zeros(grey.shape, bool)
    down = (grey[:-2] == grey[1:-1]) & (grey[1:-1] == grey[2:])
    across = (grey[:, :-2] == grey[:, 1:-1]) & (grey[:, 1:-1] == grey[:, 2:])
    for shift in range(3):  # runs of three equal pixels, down or across
        same[shift : shift + down.shape[0]] |= down
        same[:, shift : shift + across.shape[1]] |= across
    return (same & (cv2.absdiff(grey, cv2.medianBlur(grey, 15)) >= 20)).astype(np.uint8)


def _line_colour(grey, one_colour, x, y, width, height) -> int | None:
    """The grey level a line's one-colour strokes are drawn in, or None when it has none:
    no such strokes, or speckle that happens to repeat a level here and there."""
    box = (slice(y, y + height), slice(x, x + width))
    levels = grey[box][one_colour[box] > 0]
    if levels.size == 0:
        return None
    counts = np.bincount(levels, minlength=256)
    colour = int(counts.argmax())
    if counts[max(colour - COLOUR_TOLERANCE, 0) : colour + COLOUR_TOLERANCE + 1].sum() < (
        0.5 * levels.size
    ):
        return None
    return colour


def _in_colour(grey: np.ndarray, colour: int) -> np.ndarray:
    return np.abs(grey.astype(np.int16) - colour) <= COLOUR_TOLERANCE


def _whole_line(frame_views, box) -> tuple[int, int, int, int]:
    """``box`` widened over the strokes of its colour that continue it along its row: a
    line read only in part ("JONE" of "JONES^MARY", where anatomy broke the candidate) is
    proposed whole, so a redaction never leaves the rest of a name readable."""
    x, y, width, height = box
    colour = _line_colour(frame_views.grey, frame_views.one_colour, *box)
    if colour is None:
        return box
    rows = slice(y, y + height)
    ink = (_in_colour(frame_views.grey[rows], colour) & (frame_views.one_colour[rows] > 0)).any(0)
    columns = np.flatnonzero(ink)
    # A letter and a half: a word's space is narrower, and so is a glyph too thin or slanted
    # for runs of one level ("^", "/").
    reach = max(3 * height // 2, 6)
    left, right = x, x + width
    for column in columns[columns < x][::-1]:
        if left - column > reach:
            break
        left = int(column)
    for column in columns[columns >= x + width]:
        if column - right >= reach:
            break
        right = int(column) + 1
    return left, y, right - left, height


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
    if hi - lo < 8:  # text too sparse for the percentiles (thin strokes in a wide margin)
        lo, hi = int(crop.min()), int(crop.max())
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
