"""Blank rectangles of burned-in text in DICOM pixel data and in photos.

Rectangles are ``(x, y, width, height)`` in pixels of the image as displayed (photos upright
after their EXIF orientation). Redacted DICOM is always written back uncompressed: re-encoding
lossy data would blur the blank edges, and dropping the old codestream also drops anything
hidden inside it (JPEG comments or EXIF segments in encapsulated frames).
"""

import operator
from collections.abc import Sequence

import numpy as np
from PIL import ImageDraw
from pydicom import Dataset
from pydicom.uid import ExplicitVRLittleEndian

from media_pipeline.core.errors import MediaRejected
from media_pipeline.core.photos import encode_photo, load_photo
from media_pipeline.core.pixels import decode, pixel_decoder, pixel_geometry

Rectangle = tuple[int, int, int, int]

_EXTENDED_OFFSET_TABLE_TAGS = (0x7FE00001, 0x7FE00002)


def redact_dataset(ds: Dataset, rectangles: Sequence[Rectangle]) -> None:
    """Blank ``rectangles`` in every frame of ``ds`` and store the pixels uncompressed.

    Monochrome rectangles get the darkest value already in the image (the maximum for
    MONOCHROME1), so they show black without moving an automatic window; colour and palette
    rectangles get 0. YBR data is stored back as RGB; compressed or big-endian data as
    Explicit VR Little Endian. Raises :class:`MediaRejected` for invalid rectangles or pixel
    data that cannot be decoded or rewritten.
    """
    rows, columns, _ = pixel_geometry(ds)
    boxes = clip_rectangles(rectangles, columns, rows)
    pixels, meta = decode(pixel_decoder(ds), ds, None)
    if pixels.dtype.kind not in "ui" or pixels.dtype.itemsize > 2:
        raise MediaRejected(
            "Redaction supports 8- and 16-bit images only.", code="unsupported_pixels"
        )
    photometric = str(meta.get("photometric_interpretation") or ds.PhotometricInterpretation)
    bits_stored = int(ds.BitsStored)
    pixels = _with_frame_axis(pixels, ds, rows, columns)
    _mask_unused_bits(pixels, bits_stored)
    fill = _fill_value(pixels, photometric)
    for left, top, right, bottom in boxes:
        pixels[:, top:bottom, left:right] = fill
    _store_uncompressed(ds, pixels if "NumberOfFrames" in ds else pixels[0], photometric)


def redact_photo(data: bytes, rectangles: Sequence[Rectangle]) -> bytes:
    """Return ``data`` re-encoded (same output format as ``scrub_photo``, no metadata) with
    ``rectangles`` painted opaque black. Raises :class:`MediaRejected` like ``scrub_photo``.
    """
    image, source_format = load_photo(data)
    boxes = clip_rectangles(rectangles, image.width, image.height)
    # Opaque black: a transparent box would let the page background stand in for the pixels.
    black = tuple(255 if band == "A" else 0 for band in image.getbands())
    draw = ImageDraw.Draw(image)
    for left, top, right, bottom in boxes:
        draw.rectangle((left, top, right - 1, bottom - 1), fill=black)
    return encode_photo(image, source_format).data


def blur_photo(data: bytes, rectangles: Sequence[Rectangle]) -> bytes:
    """Return ``data`` re-encoded with ``rectangles`` made unrecognisable: each is reduced to
    blocks of at least 8 pixels (a sixth of its shorter side) and then blurred, so no detail
    of a face survives to be sharpened back. Raises :class:`MediaRejected` like
    :func:`redact_photo`."""
    from PIL import Image, ImageFilter

    image, source_format = load_photo(data)
    for left, top, right, bottom in clip_rectangles(rectangles, image.width, image.height):
        region = image.crop((left, top, right, bottom))
        block = max(8, min(region.width, region.height) // 6)
        small = region.resize(
            (max(1, region.width // block), max(1, region.height // block)),
            Image.Resampling.BOX,
        )
        mosaic = small.resize(region.size, Image.Resampling.NEAREST)
        image.paste(mosaic.filter(ImageFilter.GaussianBlur(block / 2)), (left, top))
    return encode_photo(image, source_format).data


def clip_rectangles(
    rectangles: Sequence[Rectangle], width: int, height: int
) -> list[tuple[int, int, int, int]]:
    """Validate ``(x, y, w, h)`` rectangles and clip them to a ``width`` x ``height`` image.

    Returns ``(left, top, right, bottom)`` boxes with exclusive right/bottom edges. Raises
    :class:`MediaRejected` when there are none, one is malformed, has no area, or lies
    entirely outside the image.
    """
    if not rectangles:
        raise MediaRejected("No redaction rectangles were given.", code="invalid_rectangle")
    boxes = []
    for number, rectangle in enumerate(rectangles, start=1):
        try:
            x, y, w, h = (operator.index(value) for value in rectangle)
        except (TypeError, ValueError):
            raise MediaRejected(
                f"Redaction rectangle {number} must be four whole numbers: x, y, width, height.",
                code="invalid_rectangle",
            ) from None
        if w <= 0 or h <= 0:
            raise MediaRejected(
                f"Redaction rectangle {number} has no area.", code="invalid_rectangle"
            )
        left, top = max(x, 0), max(y, 0)
        right, bottom = min(x + w, width), min(y + h, height)
        if left >= right or top >= bottom:
            raise MediaRejected(
                f"Redaction rectangle {number} lies outside the {width}x{height} image.",
                code="invalid_rectangle",
            )
        boxes.append((left, top, right, bottom))
    return boxes


def _with_frame_axis(pixels: np.ndarray, ds: Dataset, rows: int, columns: int) -> np.ndarray:
    """Shape as (frames, rows, columns[, samples]) whatever pydicom returned."""
    samples = int(ds.get("SamplesPerPixel") or 1)
    shape = (-1, rows, columns) if samples == 1 else (-1, rows, columns, samples)
    return pixels.reshape(shape)


def _mask_unused_bits(pixels: np.ndarray, bits_stored: int) -> None:
    # Bits above Bits Stored are not part of the value (old files keep overlays there).
    if pixels.dtype.kind == "u" and bits_stored < pixels.dtype.itemsize * 8:
        np.bitwise_and(pixels, (1 << bits_stored) - 1, out=pixels)


def _fill_value(pixels: np.ndarray, photometric: str) -> int:
    if photometric == "MONOCHROME2":
        return int(pixels.min())
    if photometric == "MONOCHROME1":
        return int(pixels.max())
    return 0


def _store_uncompressed(ds: Dataset, pixels: np.ndarray, photometric: str) -> None:
    syntax = ds.file_meta.TransferSyntaxUID
    if not syntax.is_little_endian:
        # pydicom only writes little-endian pixels; the array is already in native order.
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    for tag in _EXTENDED_OFFSET_TABLE_TAGS:
        ds.pop(tag, None)
    try:
        ds.set_pixel_data(pixels, photometric, int(ds.BitsStored), generate_instance_uid=False)
    except (ValueError, NotImplementedError, AttributeError):
        raise MediaRejected(
            "The redacted image could not be stored in this DICOM encoding.",
            code="unsupported_pixels",
        ) from None
