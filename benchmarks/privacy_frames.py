"""Synthetic, labelled 512 x 512 frames for the OCR benchmark (issue 12, part 2).

Ultrasound-like frames (a speckled fan on black) and CT-like frames (a noisy body section on
black, windowed), with text lines planted in the corners or in the middle: several fonts,
8 to 24 px high, high and low contrast. Clean frames carry no text, or only anatomy labels
("L", "R", "A", "P"). Every text box is known, so recall and false boxes can be counted.
"""

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIZE = 512
# Debian's fonts-dejavu-core: five faces (sans, mono, serif, bold, condensed) that are there
# wherever Debian is, so that every machine measures the same frames.
FONT_FILES = tuple(
    f"/usr/share/fonts/truetype/dejavu/DejaVu{face}.ttf"
    for face in ("Sans", "SansMono", "Serif", "Sans-Bold", "SansCondensed")
)
TEXTS = (
    "JONES^MARY",
    "03/03/2024 14:22",
    "MRN 12345678",
    "DOB 01.02.1950",
    "ST ELSEWHERE HOSP",
    "SMITH, JOHN  943 476 5919",
    "ID: K7350921",
    "Dr A PATEL",
    "2023-11-05",
    "ACC 88412093",
)
LABELS = ("L", "R", "A", "P", "H", "F")


@dataclass
class Frame:
    kind: str  # "us" or "ct"
    pixels: np.ndarray
    boxes: list[tuple[int, int, int, int]]  # planted text: x, y, width, height
    text_height: int  # px, 0 for a clean frame
    clean_kind: str = ""  # "blank" or "labels" for clean frames


def fonts() -> list[str | None]:
    """The TrueType fonts present, or Pillow's built-in scalable font when there are none."""
    found = [path for path in FONT_FILES if Path(path).exists()]
    return found or [None]


def _font(path: str | None, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def ultrasound(rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    r = np.hypot(xx - SIZE / 2, yy + SIZE * 0.1)
    angle = np.arctan2(xx - SIZE / 2, yy + SIZE * 0.1)
    fan = (r > SIZE * 0.25) & (r < SIZE * 1.05) & (np.abs(angle) < 0.62)
    image = np.zeros((SIZE, SIZE), np.float32)
    image[fan] = rng.rayleigh(38, (SIZE, SIZE))[fan]
    # A few bright and dark structures, as anatomy.
    for _ in range(3):
        cy, cx, rad = rng.integers(180, 460), rng.integers(120, 400), rng.integers(20, 60)
        blob = np.hypot(xx - cx, yy - cy) < rad
        image[blob & fan] *= rng.choice([0.25, 1.8])
    return np.clip(image, 0, 255).astype(np.uint8)


def ct(rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    body = ((xx - 256) / 215) ** 2 + ((yy - 270) / 165) ** 2 < 1
    image = np.where(body, 105.0, 0.0)
    lungs = (((xx - 180) / 60) ** 2 + ((yy - 250) / 90) ** 2 < 1) | (
        ((xx - 332) / 60) ** 2 + ((yy - 250) / 90) ** 2 < 1
    )
    image[lungs] = 12
    image[np.hypot(xx - 256, yy - 330) < 22] = 240  # spine
    image += rng.normal(0, 9, image.shape) * body
    return np.clip(image, 0, 255).astype(np.uint8)


def _place(rng: random.Random, width: int, height: int, where: str) -> tuple[int, int]:
    margin = 6
    if where == "middle":
        return rng.randint(120, SIZE - 120 - width), rng.randint(160, 360)
    left = where.endswith("left")
    top = where.startswith("top")
    x = margin if left else SIZE - margin - width
    y = margin + rng.randint(0, 8) if top else SIZE - margin - height - rng.randint(0, 8)
    return x, y


def _draw(pixels, text, font, xy, fill) -> tuple[int, int, int, int]:
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    draw.text(xy, text, font=font, fill=int(fill))
    left, top, right, bottom = draw.textbbox(xy, text, font=font)
    pixels[...] = np.asarray(image)
    return left, top, right - left, bottom - top


def text_frames(count: int, seed: int = 5) -> list[Frame]:
    """``count`` frames with one or two planted lines each."""
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    frames, sizes, faces = [], list(range(8, 25)), fonts()
    places = ("top left", "top right", "bottom left", "bottom right", "middle")
    for index in range(count):
        kind = "us" if index % 2 == 0 else "ct"
        pixels = ultrasound(nrng) if kind == "us" else ct(nrng)
        size = sizes[index % len(sizes)]
        # Fonts change every five frames: the place cycles every five, and each font must
        # meet every place.
        font = _font(faces[(index // 5) % len(faces)], size)
        low_contrast = index % 4 == 3
        boxes = []
        for line in range(1 + index % 2):
            text = TEXTS[(index + line * 3) % len(TEXTS)]
            bbox = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)
            width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
            where = places[(index + line * 2) % len(places)]
            x, y = _place(rng, width, height, where)
            region = pixels[max(0, y) : y + height + 4, max(0, x) : x + width]
            background = float(np.median(region)) if region.size else 0.0
            fill = background + (45 if low_contrast else 200)
            fill = min(fill, 255) if background < 128 else max(background - 110, 0)
            boxes.append(_draw(pixels, text, font, (x - bbox[0], y - bbox[1]), fill))
        frames.append(Frame(kind, pixels, boxes, size))
    return frames


def clean_frames(count: int, seed: int = 9) -> list[Frame]:
    """Half with no text at all, half with one or two anatomy labels only."""
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    frames, faces = [], fonts()
    for index in range(count):
        kind = "us" if index % 2 == 0 else "ct"
        pixels = ultrasound(nrng) if kind == "us" else ct(nrng)
        labels = index % 4 >= 2
        if labels:
            font = _font(faces[index % len(faces)], rng.randint(12, 24))
            for _ in range(rng.randint(1, 2)):
                xy = (rng.randint(10, 480), rng.randint(10, 480))
                _draw(pixels, rng.choice(LABELS), font, xy, 230)
        frames.append(Frame(kind, pixels, [], 0, "labels" if labels else "blank"))
    return frames
