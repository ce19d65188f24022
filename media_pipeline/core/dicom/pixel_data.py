"""Rewrite Pixel Data so that only image bytes survive anonymisation, pixels unchanged.

Bytes that no decoder looks at can still carry identifiers: data past the last frame, the
bits above Bits Stored (where old devices kept overlays), a Basic Offset Table or fragments
beyond the frames, metadata segments and trailers in compressed frames, gaps in RLE frames.
Native data is cut to the size of its frames and its unused high bits are set as a reader
would correct them; encapsulated data is rebuilt frame by frame from what each codec decodes.
"""

import numpy as np
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.uid import UID

from media_pipeline.core.dicom.j2k import strip_j2k
from media_pipeline.core.dicom.jpeg import strip_jpeg
from media_pipeline.core.dicom.rle import strip_rle
from media_pipeline.core.dicom.validate import (
    BITS_ALLOCATED,
    COLUMNS,
    FRAMES,
    J2K_FAMILY,
    JPEG_FAMILY,
    PIXEL_DATA,
    RLE_LOSSLESS,
    ROWS,
    attribute,
    native_length,
)
from media_pipeline.core.errors import MediaRejected

BITS_STORED, PIXEL_REPRESENTATION = 0x00280101, 0x00280103


def clean_pixel_data(ds: Dataset, syntax: UID) -> None:
    """Rewrite Pixel Data of ``ds`` in place; ``MediaRejected`` if its structure is corrupt."""
    elem = ds.get_item(PIXEL_DATA)  # left raw when unchanged: converting it costs a copy
    if elem is None or not elem.value:
        return
    try:
        if syntax.is_encapsulated:
            cleaned = _clean_encapsulated(ds, elem.value, syntax)
        else:
            cleaned = _clean_native(ds, elem.value, syntax)
    except (ValueError, EOFError) as exc:
        raise MediaRejected("the image data is truncated or corrupt", code="corrupt") from exc
    if cleaned != elem.value:
        ds.PixelData = cleaned


def _clean_native(ds: Dataset, data: bytes, syntax: UID) -> bytes:
    allocated = int(attribute(ds, BITS_ALLOCATED))
    stored = int(attribute(ds, BITS_STORED, allocated))
    expected = native_length(ds)
    # Cut at an even length: big endian OW data swaps bytes in pairs, the last pair included.
    cleaned = data[: expected + expected % 2]
    if allocated == 16 and 0 < stored < 16:
        cleaned = _unused_bits_corrected(cleaned, stored, ds, syntax)
    return cleaned


def _unused_bits_corrected(data: bytes, stored: int, ds: Dataset, syntax: UID) -> bytes:
    """``data`` with the bits above ``stored`` zeroed, or copies of the sign bit if signed."""
    signed = int(attribute(ds, PIXEL_REPRESENTATION, 0)) == 1
    order = "<" if syntax.is_little_endian else ">"
    values = np.frombuffer(data, dtype=f"{order}{'i' if signed else 'u'}2")
    # Values in the stored range already have the corrected high bits: the common case, which
    # two reductions confirm without copying the image.
    low, high = (
        (-(1 << (stored - 1)), (1 << (stored - 1)) - 1) if signed else (0, (1 << stored) - 1)
    )
    if not values.size or (values.min() >= low and values.max() <= high):
        return data
    shift = 16 - stored
    corrected = (values << shift) >> shift  # arithmetic for signed, logical for unsigned
    return corrected.astype(values.dtype).tobytes()  # numpy computed in native byte order


def _clean_encapsulated(ds: Dataset, data: bytes, syntax: UID) -> bytes:
    count = int(attribute(ds, FRAMES, 1))
    frames = list(generate_frames(data, number_of_frames=count))
    if len(frames) < count:
        raise ValueError("fewer frames than Number of Frames")
    if syntax in JPEG_FAMILY:
        strip = strip_jpeg
    elif syntax in J2K_FAMILY:
        strip = strip_j2k
    elif syntax == RLE_LOSSLESS:
        plane_bytes = int(attribute(ds, ROWS)) * int(attribute(ds, COLUMNS))

        def strip(frame: bytes) -> bytes:
            return strip_rle(frame, plane_bytes)
    else:
        raise ValueError("unsupported encapsulated transfer syntax")
    # Always rebuilt: a new offset table, one fragment per frame, nothing after the last frame.
    return encapsulate([strip(frame) for frame in frames[:count]], has_bot=True)
