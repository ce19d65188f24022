"""Faces in clinical photos: recall and false boxes of ``core.privacy.faces`` (issue 12).

Labelled images that a package ships (scikit-image, ``pip install -e '.[bench]'``): the 100
face and 100 non-face patches of its Labeled Faces in the Wild subset, each enlarged to 48-160
px and set at a random place on a 400 x 400 skin-toned photo; its astronaut portrait (one
face); and its clinical and other images without a face (retina, microaneurysms,
immunohistochemistry, cells, coffee, a cat) plus 40 synthetic skin-lesion photos. A face is
found when a box holds its centre. Baseline, same images, same run: OpenCV's frontal cascade
with the parameters of its tutorial (scale 1.1, 3 neighbours), no profile search.

    .venv/bin/python benchmarks/faces_privacy.py
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from media_pipeline.core.privacy import faces  # noqa: E402

SIZE = 400


def skin(rng: np.random.Generator) -> np.ndarray:
    base = np.array([rng.uniform(150, 230), rng.uniform(110, 180), rng.uniform(90, 150)])
    noise = cv2.GaussianBlur(rng.normal(0, 12, (SIZE, SIZE)), (0, 0), 6)[..., None]
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def placed(patch: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple]:
    """``patch`` (25 x 25 grey, 0-1) enlarged and set on a skin photo; its box."""
    side = int(rng.integers(48, 161))
    grey = cv2.resize((patch * 255).astype(np.uint8), (side, side), interpolation=cv2.INTER_CUBIC)
    image = skin(rng)
    x, y = (int(v) for v in rng.integers(0, SIZE - side, 2))
    tone = image[y : y + side, x : x + side].mean(axis=(0, 1)) / 160
    image[y : y + side, x : x + side] = np.clip(grey[..., None] * tone, 0, 255).astype(np.uint8)
    return image, (x, y, side, side)


def lesion(rng: np.random.Generator) -> np.ndarray:
    image = skin(rng)
    centre = tuple(int(v) for v in rng.integers(100, 300, 2))
    axes = tuple(int(v) for v in rng.integers(15, 70, 2))
    colour = tuple(float(v) for v in rng.uniform(40, 110, 3))
    cv2.ellipse(image, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
    return cv2.GaussianBlur(image, (0, 0), 2)


def baseline(image: np.ndarray) -> list[tuple]:
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    return [tuple(r) for r in cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=3)]


def casebook(image: np.ndarray) -> list[tuple]:
    return [(b.x, b.y, b.width, b.height) for b in faces.find_faces(image)]


def holds(box, target) -> bool:
    cx, cy = target[0] + target[2] / 2, target[1] + target[3] / 2
    return box[0] <= cx <= box[0] + box[2] and box[1] <= cy <= box[1] + box[3]


def main() -> None:
    from skimage import data

    rng = np.random.default_rng(12)
    patches = data.lfw_subset()
    positives = [placed(patch, rng) for patch in patches[:100]]
    astronaut = data.astronaut()
    positives.append((astronaut, (165, 40, 90, 110)))  # the face, measured by eye
    negatives = [placed(patch, rng)[0] for patch in patches[100:]]
    for name in ("retina", "microaneurysms", "immunohistochemistry", "cell", "coffee", "chelsea"):
        image = getattr(data, name)()
        negatives.append(image if image.ndim == 3 else np.dstack([image] * 3))
    negatives += [lesion(rng) for _ in range(40)]

    print(
        f"{len(positives)} images with one face (100 LFW patches, the astronaut), "
        f"{len(negatives)} without (100 LFW non-faces, 6 package images, 40 synthetic lesions)\n"
    )
    print("| measure | frontal cascade, tutorial settings | casebook | ")
    print("|---|---:|---:|")
    rows = {}
    for name, method in (("baseline", baseline), ("casebook", casebook)):
        hits, strays, times = 0, 0, []
        for image, box in positives:
            began = time.process_time()
            found = method(image)
            times.append(time.process_time() - began)
            hits += any(holds(f, box) for f in found)
            strays += sum(1 for f in found if not holds(f, box))
        false = 0
        for image in negatives:
            began = time.process_time()
            false += len(method(image))
            times.append(time.process_time() - began)
        rows[name] = (hits / len(positives), false / len(negatives), strays, times)
    b, c = rows["baseline"], rows["casebook"]
    print(f"| recall (faces found) | {b[0]:.3f} | {c[0]:.3f} |")
    print(f"| false boxes per image without a face | {b[1]:.3f} | {c[1]:.3f} |")
    print(f"| extra boxes on images with a face | {b[2]} | {c[2]} |")
    print(
        f"| ms per photo, median (CPU) | {statistics.median(b[3]) * 1000:.0f} | "
        f"{statistics.median(c[3]) * 1000:.0f} |"
    )


if __name__ == "__main__":
    main()
