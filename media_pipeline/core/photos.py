"""Clinical photos: check the upload, apply its orientation and re-encode it without metadata.

Every metadata block a camera or editor can write (EXIF with GPS and maker notes, XMP, IPTC,
ICC profiles, comments, PNG text chunks, embedded thumbnails) is dropped by copying only the
decoded pixels into a fresh image and encoding that. Nothing from the original container
survives, so no list of "known bad" blocks has to be kept up to date.
"""

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

import numpy as np
import pillow_heif
from PIL import Image, ImageCms, ImageOps

from media_pipeline.core.errors import MediaRejected

# Pillow logs EXIF tag values at DEBUG (GPS, descriptions): no value from an untrusted file may
# reach a log, whatever level the deployment, the CLI or a worker logs at.
logging.getLogger("PIL").setLevel(logging.WARNING)

# Below Pillow's own MAX_IMAGE_PIXELS (~89 Mpx), above any phone camera (48 Mpx sensors).
DEFAULT_MAX_PIXELS = 50_000_000

ACCEPTED = "JPEG, PNG, WebP or HEIC"

_FORMAT_BY_EXTENSION = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".jpe": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
    ".heic": "HEIF",
    ".heif": "HEIF",
}
# HEIC becomes JPEG: every browser shows it, and the HEVC patents stay out of the viewer.
_OUTPUT = {
    "JPEG": ("JPEG", ".jpg"),
    "PNG": ("PNG", ".png"),
    "WEBP": ("WEBP", ".webp"),
    "HEIF": ("JPEG", ".jpg"),
}
_SAVE_OPTIONS = {
    "JPEG": {"quality": 92},
    "PNG": {"compress_level": 6},
    "WEBP": {"quality": 90, "method": 4},
}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"mif1"}
_HEIF_SEQUENCE_BRANDS = {b"msf1", b"hevs"}
_UNSUPPORTED_SIGNATURES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
    (b"%PDF", "PDF"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
)


@dataclass(frozen=True)
class ScrubbedPhoto:
    """A re-encoded photo carrying pixels only; ``format`` is the Pillow format name."""

    data: bytes
    format: str
    extension: str
    width: int
    height: int


def scrub_photo(
    data: bytes, filename: str, *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> ScrubbedPhoto:
    """Return ``data`` upright and re-encoded without any metadata.

    ``filename`` only supplies the extension, which must agree with the bytes. JPEG, PNG and
    WebP keep their format; HEIC becomes JPEG. Raises :class:`MediaRejected` for unsupported,
    mismatched, animated, oversized (``max_pixels``), truncated or corrupt images.
    """
    # The bytes decide first: "TIFF files are not accepted" beats a complaint about ".tif".
    source_format = _sniff(data)
    declared = _declared_format(filename)
    if source_format != declared:
        raise MediaRejected(
            f"The file name says {_describe(declared)} but the file contains "
            f"{_describe(source_format)}. Rename it or export it again.",
            code="type_mismatch",
        )
    image, _ = load_photo(data, max_pixels=max_pixels)
    return encode_photo(image, source_format)


def load_photo(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[Image.Image, str]:
    """Decode ``data`` into a metadata-free, upright image in mode L, LA, RGB or RGBA.

    Returns the image and the source format detected from the bytes ("JPEG", "PNG", "WEBP" or
    "HEIF"). Raises :class:`MediaRejected` like :func:`scrub_photo`.
    """
    source_format = _sniff(data)
    with _bombs_are_errors():
        try:
            image = Image.open(io.BytesIO(data), formats=[_pillow_format(source_format)])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large(max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _corrupt() from None
        _check_single_frame(image, source_format)
        if image.width * image.height > max_pixels:
            raise _too_large(max_pixels)
        try:
            image.load()
            upright = _upright(image)
            return _pixels_only(_to_display_mode(upright)), source_format
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large(max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _corrupt() from None


def encode_photo(image: Image.Image, source_format: str) -> ScrubbedPhoto:
    """Encode a :func:`load_photo` image in the output format chosen for ``source_format``."""
    out_format, extension = _OUTPUT[source_format]
    if out_format == "JPEG" and image.mode in ("LA", "RGBA"):
        image = _flatten_on_white(image)
    buffer = io.BytesIO()
    image.save(buffer, format=out_format, **_SAVE_OPTIONS[out_format])
    return ScrubbedPhoto(buffer.getvalue(), out_format, extension, image.width, image.height)


def _declared_format(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix in _FORMAT_BY_EXTENSION:
        return _FORMAT_BY_EXTENSION[suffix]
    shown = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else "this extension"
    raise MediaRejected(
        f"Files ending in {shown or 'no extension'} are not accepted; upload a {ACCEPTED} photo.",
        code="unsupported_format",
    )


def _sniff(data: bytes) -> str:
    """Name the format from the leading bytes; reject anything that is not an accepted image."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        return _sniff_isobmff(data)
    for signature, name in _UNSUPPORTED_SIGNATURES:
        if data.startswith(signature):
            raise _unsupported(name)
    raise MediaRejected(
        f"The file is not a recognised image; upload a {ACCEPTED} photo.", code="not_an_image"
    )


def _sniff_isobmff(data: bytes) -> str:
    box_size = int.from_bytes(data[:4], "big")
    brands = {data[i : i + 4] for i in range(8, min(box_size, 64), 4) if i != 12}
    if b"avif" in brands or b"avis" in brands:
        raise _unsupported("AVIF")
    if data[8:12] in _HEIF_SEQUENCE_BRANDS:
        raise MediaRejected(
            "Animated or burst HEIC files are not accepted; upload a single photo.",
            code="animated",
        )
    if brands & _HEIF_BRANDS:
        return "HEIF"
    raise _unsupported("video or an unknown ISO media file")


def _pillow_format(source_format: str) -> str:
    if source_format == "HEIF":
        _register_heif()
    return source_format


@cache
def _register_heif() -> None:
    # Thumbnails, depth maps and auxiliary images are never needed; don't even decode them.
    pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


def _check_single_frame(image: Image.Image, source_format: str) -> None:
    # Extra JPEG (MPO) images are HDR gain maps, depth maps or a stereo view of the same
    # photo: only the primary image is decoded and kept, the rest is dropped.
    if source_format == "JPEG" or getattr(image, "n_frames", 1) == 1:
        return
    what = "several images" if source_format == "HEIF" else "an animation"
    raise MediaRejected(f"The file contains {what}; upload a single still photo.", code="animated")


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except (SyntaxError, ValueError, KeyError, TypeError, OSError):
        # Broken EXIF only loses the rotation hint; it is discarded with the rest anyway.
        return image


def _to_display_mode(image: Image.Image) -> Image.Image:
    """Convert to L, LA, RGB or RGBA, turning an embedded colour profile into sRGB pixels."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        converted = _to_srgb(image, icc)
        if converted is not None:
            return converted
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        wide = np.clip(np.asarray(image, dtype=np.int64), 0, 65535)
        return Image.fromarray((wide >> 8).astype(np.uint8), mode="L")
    if image.mode == "1":
        return image.convert("L")
    has_alpha = image.mode in ("PA", "RGBa", "La") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image | None:
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None  # an unusable profile: keep the pixels as they are


def _pixels_only(image: Image.Image) -> Image.Image:
    """Copy the decoded pixels into a new image, leaving ``info`` and EXIF behind."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _flatten_on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


@contextmanager
def _bombs_are_errors() -> Iterator[None]:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a warning stores nothing.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _describe(pillow_format: str) -> str:
    return {"JPEG": "a JPEG", "PNG": "a PNG", "WEBP": "a WebP", "HEIF": "a HEIC"}[pillow_format]


def _unsupported(name: str) -> MediaRejected:
    return MediaRejected(
        f"{name} files are not accepted; upload a {ACCEPTED} photo.", code="unsupported_format"
    )


def _too_large(max_pixels: int) -> MediaRejected:
    return MediaRejected(
        f"The image has more than {max_pixels // 1_000_000} megapixels; upload a smaller photo.",
        code="too_large",
    )


def _corrupt() -> MediaRejected:
    return MediaRejected(
        "The image is truncated or damaged and cannot be read; export it again.", code="corrupt"
    )
