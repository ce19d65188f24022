"""Grey-level mapping for monochrome DICOM: modality LUT, VOI window or LUT, MONOCHROME1.

The whole chain is evaluated once on every bit pattern the stored dtype can hold (at most
65,536 entries for 16-bit data) and kept as a uint8 table; each frame is then one ``np.take``.
That avoids the float64 copies of the full image that ``apply_modality_lut``/``apply_voi_lut``
make and lets a series reuse the table slice after slice. The table also ignores the bits
above Bits Stored, so frames can be looked up exactly as stored, without a corrected copy.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pydicom import Dataset
from pydicom.multival import MultiValue
from pydicom.pixels import apply_modality_lut, apply_voi

# Robust automatic window when the header has none: ignore the darkest and brightest 0.5 %.
PERCENTILE_LOW = 0.5
PERCENTILE_HIGH = 99.5

_FUNCTIONAL_GROUP_MACROS = {
    "RescaleSlope": "PixelValueTransformationSequence",
    "RescaleIntercept": "PixelValueTransformationSequence",
    "WindowCenter": "FrameVOILUTSequence",
    "WindowWidth": "FrameVOILUTSequence",
    "VOILUTFunction": "FrameVOILUTSequence",
}


@dataclass(frozen=True)
class Window:
    """A VOI window in modality units; ``function`` is LINEAR, LINEAR_EXACT or SIGMOID."""

    center: float
    width: float
    function: str = "LINEAR"


def grey_mapper(ds: Dataset, key_frame: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Return a function turning stored monochrome frames of ``ds`` into uint8 display grey.

    The window comes from the VOI LUT Sequence, else the first Window Center/Width, else the
    0.5-99.5 percentile of ``key_frame`` (Pixel Padding Value excluded), so every frame of a
    cine or stack shares one window. MONOCHROME1 is inverted so that high values show dark.
    """
    invert = str(ds.get("PhotometricInterpretation", "")).strip() == "MONOCHROME1"
    slope, intercept = _rescale(ds)
    bits = _bits_stored(ds, key_frame.dtype)
    domain = _domain(key_frame.dtype.str, bits)
    if domain is None:
        return _direct_mapper(ds, key_frame, slope, intercept, invert)
    if ds.get("ModalityLUTSequence") or ds.get("VOILUTSequence"):
        table = _table_from_pydicom(ds, domain, slope, intercept, invert)
    else:
        window = header_window(ds) or _percentile_window(
            ds, key_frame, domain, bits, slope, intercept
        )
        table = _linear_table(key_frame.dtype.str, bits, slope, intercept, window, invert)
    index_dtype = np.dtype(f"u{key_frame.dtype.itemsize}")
    return lambda frame: np.take(table, frame.view(index_dtype))


def header_window(ds: Dataset) -> Window | None:
    """The first usable Window Center/Width of ``ds`` (or its functional groups), else None."""
    center, width = _first(_find(ds, "WindowCenter")), _first(_find(ds, "WindowWidth"))
    if center is None or width is None:
        return None
    function = str(_find(ds, "VOILUTFunction") or "LINEAR").strip().upper()
    if function not in ("LINEAR", "LINEAR_EXACT", "SIGMOID"):
        function = "LINEAR"
    # LINEAR divides by (width - 1), the others by width (PS3.3 C.11.2.1.2).
    if width <= 0 or (function == "LINEAR" and width < 1):
        return None
    return Window(float(center), float(width), function)


def apply_window(values: np.ndarray, window: Window) -> np.ndarray:
    """Map modality values to [0, 1] following PS3.3 C.11.2.1.2 for ``window.function``."""
    center, width = window.center, window.width
    if window.function == "SIGMOID":
        return 1.0 / (1.0 + np.exp(-4.0 * (values - center) / width))
    if window.function == "LINEAR_EXACT":
        return np.clip((values - center) / width + 0.5, 0.0, 1.0)
    if width == 1.0:
        return (values > center - 0.5).astype(np.float64)
    return np.clip((values - (center - 0.5)) / (width - 1.0) + 0.5, 0.0, 1.0)


def _rescale(ds: Dataset) -> tuple[float, float]:
    slope, intercept = _find(ds, "RescaleSlope"), _find(ds, "RescaleIntercept")
    if slope is None or intercept is None:
        return 1.0, 0.0
    return float(slope), float(intercept)


def _find(ds: Dataset, keyword: str):
    """Look for ``keyword`` at top level, then in the shared and first per-frame groups."""
    if keyword in ds and ds[keyword].value not in (None, ""):
        return ds[keyword].value
    macro = _FUNCTIONAL_GROUP_MACROS[keyword]
    for groups in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        items = ds.get(groups)
        for inner in (items[0].get(macro) or ()) if items else ():
            if keyword in inner and inner[keyword].value not in (None, ""):
                return inner[keyword].value
    return None


def _first(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, MultiValue | list | tuple):
        value = value[0] if len(value) else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _bits_stored(ds: Dataset, dtype: np.dtype) -> int:
    """Bits Stored, or every bit of ``dtype`` when the header's value is missing or unusable."""
    width = dtype.itemsize * 8
    try:
        bits = int(ds.get("BitsStored") or width)
    except (TypeError, ValueError):
        return width
    return bits if 0 < bits <= width else width


@lru_cache(maxsize=8)
def _domain(dtype_str: str, bits: int) -> np.ndarray | None:
    """The value each bit pattern of an 8/16-bit integer dtype stores, indexed by the pattern.

    Only the low ``bits`` count (PS3.5 8.1.1 leaves the others undefined); signed values are
    sign-extended from the highest of them. None for other dtypes, which get no table.
    """
    dtype = np.dtype(dtype_str)
    if dtype.kind not in "ui" or dtype.itemsize > 2:
        return None
    values = _stored_value(np.arange(256**dtype.itemsize, dtype=np.int32), bits, dtype.kind)
    values.flags.writeable = False  # shared through the cache
    return values


def _stored_value(patterns, bits: int, kind: str):
    """``patterns`` reduced to their low ``bits``, sign-extended when ``kind`` is "i"."""
    values = patterns & ((1 << bits) - 1)
    if kind == "i":
        sign = 1 << (bits - 1)
        values = (values ^ sign) - sign
    return values


@lru_cache(maxsize=32)
def _linear_table(
    dtype_str: str, bits: int, slope: float, intercept: float, window: Window, invert: bool
) -> np.ndarray:
    values = _domain(dtype_str, bits).astype(np.float64) * slope + intercept
    return _to_uint8(apply_window(values, window), invert)


def _table_from_pydicom(
    ds: Dataset, domain: np.ndarray, slope: float, intercept: float, invert: bool
) -> np.ndarray:
    """Rare LUT-sequence path: let pydicom evaluate the LUTs, but only on the value domain."""
    if ds.get("ModalityLUTSequence"):
        values = apply_modality_lut(domain, ds)
    else:
        values = domain.astype(np.float64) * slope + intercept
    if ds.get("VOILUTSequence"):
        out = apply_voi(_voi_input(values, ds), ds).astype(np.float64)
        low, high = float(out.min()), float(out.max())
        return _to_uint8((out - low) / max(high - low, 1e-12), invert)
    window = header_window(ds) or _extent_window(values)
    return _to_uint8(apply_window(values.astype(np.float64), window), invert)


def _voi_input(values: np.ndarray, ds: Dataset) -> np.ndarray:
    """Integer VOI LUT input clipped to the table, which pydicom's narrow index would wrap."""
    entries, first, _ = ds.VOILUTSequence[0].LUTDescriptor
    last = first + (entries or 65536) - 1
    return np.clip(np.rint(values), first, last).astype(np.int64)


def _percentile_window(
    ds: Dataset, frame: np.ndarray, domain: np.ndarray, bits: int, slope: float, intercept: float
) -> Window:
    """Window spanning the 0.5-99.5 percentile of ``frame``, found with one bincount."""
    unsigned = frame.view(f"u{frame.dtype.itemsize}").ravel()
    counts = np.bincount(unsigned, minlength=domain.size)
    padding = ds.get("PixelPaddingValue")
    if isinstance(padding, int):
        # Compared as stored values: the header may give a signed padding as its US pattern.
        counts[domain == _stored_value(padding, bits, frame.dtype.kind)] = 0
    order = np.argsort(domain, kind="stable")
    cumulative = np.cumsum(counts[order])
    total = int(cumulative[-1]) or 1
    positions = np.searchsorted(
        cumulative, [total * PERCENTILE_LOW / 100, total * PERCENTILE_HIGH / 100]
    )
    # Clipped because an all-padding frame leaves nothing to count.
    stored = domain[order[np.minimum(positions, domain.size - 1)]].astype(np.float64)
    low, high = sorted(stored * slope + intercept)
    return _span_window(low, high)


def _extent_window(values: np.ndarray) -> Window:
    return _span_window(float(np.min(values)), float(np.max(values)))


def _span_window(low: float, high: float) -> Window:
    return Window(center=(low + high) / 2, width=max(high - low, 1.0), function="LINEAR_EXACT")


def _direct_mapper(
    ds: Dataset, key_frame: np.ndarray, slope: float, intercept: float, invert: bool
) -> Callable[[np.ndarray], np.ndarray]:
    """32-bit and float data: no table fits, so window each frame in float32."""
    window = header_window(ds)
    if window is None:
        values = key_frame.astype(np.float32) * slope + intercept
        low, high = np.percentile(values, [PERCENTILE_LOW, PERCENTILE_HIGH])
        window = _span_window(float(low), float(high))

    def to_uint8(frame: np.ndarray) -> np.ndarray:
        values = frame.astype(np.float32) * np.float32(slope) + np.float32(intercept)
        return _to_uint8(apply_window(values, window), invert)

    return to_uint8


def _to_uint8(unit: np.ndarray, invert: bool) -> np.ndarray:
    grey = np.rint(unit * 255.0).astype(np.uint8)
    return 255 - grey if invert else grey
