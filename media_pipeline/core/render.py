"""Render anonymised DICOM and scrubbed photos to WebP thumbnails, previews and viewer frames.

Speed matters because a series can hold hundreds of slices: grey frames are looked up as
stored in a cached table (see :mod:`media_pipeline.core.lut`), the thumbnail is resized from
the preview rather than from the full frame, WebP uses a fast encoder method and encodes the
thumbnail on a second thread while the preview is encoded, and frames are decoded one at a
time so memory stays at one frame whatever the series length.
"""

import io
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from PIL import Image
from pydicom import Dataset
from pydicom.pixels import apply_color_lut

from media_pipeline.core.errors import MediaRejected
from media_pipeline.core.lut import grey_mapper
from media_pipeline.core.photos import load_photo
from media_pipeline.core.pixels import decode, iter_frames, pixel_decoder, pixel_geometry

THUMBNAIL_SIZE = 256
PREVIEW_SIZE = 1024
# method 0 encodes ~3x faster than the default 4 for a few percent more bytes at quality 80.
WEBP_OPTIONS = {"quality": 80, "method": 0}


@dataclass
class Rendered:
    """WebP renditions: ``frames`` holds every frame of a multi-frame image, else is empty.

    ``width``/``height`` are the source dimensions; ``frame_count`` the number of frames.
    """

    thumbnail: bytes
    preview: bytes
    frames: list[bytes] = field(default_factory=list)
    width: int = 0
    height: int = 0
    frame_count: int = 1


def render_dicom(
    ds: Dataset,
    *,
    thumbnail_size: int = THUMBNAIL_SIZE,
    preview_size: int = PREVIEW_SIZE,
    all_frames: bool = True,
) -> Rendered:
    """Render ``ds`` for display; the middle frame is the key image for thumbnail and preview.

    Applies the modality LUT, the VOI LUT or first window (a percentile window when there is
    none), MONOCHROME1 inversion, YBR to RGB and palette colour. With ``all_frames`` every
    frame of a multi-frame image is also rendered at preview size into ``frames``.
    Raises :class:`MediaRejected` when pixel data is missing, too large or undecodable.
    """
    rows, columns, frame_count = pixel_geometry(ds)
    decoder = pixel_decoder(ds)
    raw_bits = _looked_up_as_stored(ds)
    key = frame_count // 2
    key_frame, meta = decode(decoder, ds, key, raw_bits=raw_bits)
    to_display = _display_mapper(ds, key_frame, meta)

    def render(frame: np.ndarray) -> Image.Image:
        return fit(Image.fromarray(to_display(frame)), preview_size)

    preview_image = render(key_frame)
    del key_frame  # a series is rendered slice after slice: hold no array longer than needed
    preview, thumbnail = encode_renditions(preview_image, thumbnail_size)
    frames: list[bytes] = []
    if all_frames and frame_count > 1:
        others = [index for index in range(frame_count) if index != key]
        frames = [
            encode_webp(render(frame))
            for frame in iter_frames(decoder, ds, others, raw_bits=raw_bits)
        ]
        frames.insert(key, preview)
    return Rendered(thumbnail, preview, frames, columns, rows, frame_count)


def display_frames(ds: Dataset, indices: list[int]) -> Iterator[tuple[int, np.ndarray]]:
    """(index, uint8 grey or RGB frame as displayed) for each of ``indices``, one at a time.

    The same display mapping as ``render_dicom`` (window from the middle frame), at full
    resolution: what a viewer shows, which is what burned-in text must be looked for in.
    """
    _, _, frame_count = pixel_geometry(ds)
    decoder = pixel_decoder(ds)
    raw_bits = _looked_up_as_stored(ds)
    key_frame, meta = decode(decoder, ds, frame_count // 2, raw_bits=raw_bits)
    to_display = _display_mapper(ds, key_frame, meta)
    del key_frame
    frames = iter_frames(decoder, ds, indices, raw_bits=raw_bits)
    for index, frame in zip(indices, frames, strict=False):
        yield index, to_display(frame)


def render_photo(
    data: bytes,
    *,
    thumbnail_size: int = THUMBNAIL_SIZE,
    preview_size: int = PREVIEW_SIZE,
) -> Rendered:
    """Thumbnail and preview of a photo already passed through ``scrub_photo``."""
    image, _ = load_photo(data)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    preview, thumbnail = encode_renditions(fit(image, preview_size), thumbnail_size)
    return Rendered(thumbnail, preview, width=image.width, height=image.height)


def fit(image: Image.Image, size: int) -> Image.Image:
    """Return ``image`` scaled down (never up) so its longer side is at most ``size``."""
    longest = max(image.size)
    if longest <= size:
        return image
    target = (
        max(1, round(image.width * size / longest)),
        max(1, round(image.height * size / longest)),
    )
    # reducing_gap=1: box-reduce by the integer factor first, then one cheap bilinear pass.
    return image.resize(target, Image.Resampling.BILINEAR, reducing_gap=1.0)


def encode_renditions(preview_image: Image.Image, thumbnail_size: int) -> tuple[bytes, bytes]:
    """Encode ``preview_image`` and a thumbnail of it; returns (preview, thumbnail) WebP.

    libwebp releases the GIL, so the thumbnail is encoded on a second thread meanwhile: on a
    machine with a spare core it costs no extra wall time (the CPU time stays the same).
    """
    thumbnail = _encoder().submit(encode_webp, fit(preview_image, thumbnail_size))
    return encode_webp(preview_image), thumbnail.result()


def _encoder() -> ThreadPoolExecutor:
    # Keyed by process: a child forked after a render inherits the pool but not its thread.
    return _encoder_of_process(os.getpid())


@cache
def _encoder_of_process(pid: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="webp-thumbnail")


def encode_webp(image: Image.Image) -> bytes:
    """Encode ``image`` as lossy WebP with the project's speed/quality trade-off."""
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", **WEBP_OPTIONS)
    return buffer.getvalue()


def _looked_up_as_stored(ds: Dataset) -> bool:
    """Whether frames go through a grey table, which ignores the bits above Bits Stored."""
    interpretation = str(ds.get("PhotometricInterpretation", "")).strip()
    try:
        allocated, samples = int(ds.get("BitsAllocated") or 0), int(ds.get("SamplesPerPixel"))
    except (TypeError, ValueError):
        return False
    monochrome = interpretation in ("MONOCHROME1", "MONOCHROME2") and samples == 1
    return monochrome and 0 < allocated <= 16


def _display_mapper(
    ds: Dataset, key_frame: np.ndarray, meta: dict
) -> Callable[[np.ndarray], np.ndarray]:
    """Choose how decoded frames become uint8 grey (H, W) or RGB (H, W, 3) arrays."""
    interpretation = str(
        meta.get("photometric_interpretation") or ds.get("PhotometricInterpretation", "")
    ).strip()
    if key_frame.ndim == 3:
        shift = max(int(ds.get("BitsStored") or 8) - 8, 0)
        return lambda frame: _narrow(frame, shift)
    if interpretation == "PALETTE COLOR":
        return _palette_mapper(ds)
    if interpretation in ("MONOCHROME1", "MONOCHROME2"):
        return grey_mapper(ds, key_frame)
    raise MediaRejected(
        "The DICOM colour encoding is not supported for display.", code="undecodable_pixels"
    )


def _palette_mapper(ds: Dataset) -> Callable[[np.ndarray], np.ndarray]:
    def to_rgb(frame: np.ndarray) -> np.ndarray:
        try:
            rgb = apply_color_lut(frame, ds)
        except (ValueError, KeyError, AttributeError, IndexError):
            raise MediaRejected(
                "The DICOM palette colour table is missing or damaged.",
                code="undecodable_pixels",
            ) from None
        return _narrow(rgb, 8 if rgb.dtype.itemsize > 1 else 0)

    return to_rgb


def _narrow(frame: np.ndarray, shift: int) -> np.ndarray:
    if frame.dtype == np.uint8 and shift == 0:
        return frame
    return np.clip(frame >> shift, 0, 255).astype(np.uint8)
