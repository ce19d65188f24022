"""Decode DICOM pixel data frame by frame, turning every decoder failure into MediaRejected."""

from collections.abc import Iterator

import numpy as np
from pydicom import Dataset
from pydicom.pixels import get_decoder
from pydicom.pixels.decoders.base import Decoder

from media_pipeline.core.errors import MediaRejected, is_stop
from media_pipeline.core.photos import DEFAULT_MAX_PIXELS


def pixel_geometry(ds: Dataset) -> tuple[int, int, int]:
    """Return (rows, columns, frame_count) of ``ds`` after checking it holds a usable image."""
    if "PixelData" not in ds:
        if "FloatPixelData" in ds or "DoubleFloatPixelData" in ds:
            raise MediaRejected(
                "Floating-point pixel data (parametric maps) is not supported.",
                code="unsupported_pixels",
            )
        raise MediaRejected("The DICOM file contains no image.", code="no_pixel_data")
    try:
        rows, columns = int(ds.Rows), int(ds.Columns)
        frame_count = int(ds.get("NumberOfFrames") or 1)
    except (AttributeError, TypeError, ValueError):
        raise undecodable() from None
    if rows <= 0 or columns <= 0 or frame_count <= 0:
        raise undecodable()
    if rows * columns > DEFAULT_MAX_PIXELS:
        raise MediaRejected(
            "The DICOM image is too large (whole-slide images are not supported).",
            code="too_large",
        )
    return rows, columns, frame_count


def pixel_decoder(ds: Dataset) -> Decoder:
    """The pydicom decoder for the transfer syntax of ``ds``; MediaRejected if there is none."""
    syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    if syntax is None:
        raise MediaRejected(
            "The DICOM file does not say how its pixels are encoded (no transfer syntax).",
            code="undecodable_pixels",
        )
    try:
        decoder = get_decoder(syntax)
    except NotImplementedError:
        decoder = None
    if decoder is None or not decoder.is_available:
        raise MediaRejected(
            "The DICOM pixel compression is not supported; export the images uncompressed.",
            code="undecodable_pixels",
        )
    return decoder


def decode(
    decoder: Decoder, ds: Dataset, index: int | None, *, raw_bits: bool = False
) -> tuple[np.ndarray, dict]:
    """Decode frame ``index`` (all frames when None) with YBR converted to RGB.

    With ``raw_bits`` the bits above Bits Stored are left as stored and native data comes
    back as a read-only view instead of a corrected copy: for callers that ignore those bits
    themselves, as the grey lookup tables of :mod:`media_pipeline.core.lut` do.
    """
    try:
        return decoder.as_array(ds, index=index, **_options(raw_bits))
    except BaseException as exc:
        # Decoders raise many types, even panics; `from None` keeps their messages out of logs.
        if is_stop(exc):
            raise
        raise undecodable() from None


def iter_frames(
    decoder: Decoder, ds: Dataset, indices: list[int], *, raw_bits: bool = False
) -> Iterator[np.ndarray]:
    """Yield the frames at ``indices`` one at a time, as :func:`decode` returns them."""
    frames = decoder.iter_array(ds, indices=indices, **_options(raw_bits))
    while True:
        try:
            frame, _ = next(frames)
        except StopIteration:
            return
        except BaseException as exc:
            if is_stop(exc):
                raise
            raise undecodable() from None
        yield frame


def _options(raw_bits: bool) -> dict[str, bool]:
    if raw_bits:
        return {"as_rgb": True, "correct_unused_bits": False, "view_only": True}
    return {"as_rgb": True}


def undecodable() -> MediaRejected:
    return MediaRejected(
        "The DICOM image data is missing, damaged or cannot be decoded.",
        code="undecodable_pixels",
    )
