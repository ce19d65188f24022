"""Read untrusted bytes as DICOM and accept only image objects the pipeline can clean.

Every rejection raises ``MediaRejected`` with a reason that names the problem, never a value
from the file, and a short ``code`` for programs.
"""

import logging
import os
import warnings
from io import BytesIO

from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.encaps import generate_fragments
from pydicom.uid import UID, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from media_pipeline.core.errors import MediaRejected

# pydicom's warnings and log messages quote element values; no value from an untrusted file may
# reach a log, so they are silenced for the whole process.
warnings.filterwarnings("ignore", module=r"pydicom(\.|$)")
logging.getLogger("pydicom").setLevel(logging.CRITICAL)

# rows x columns x frames x samples per pixel; 2^28 is a 512-slice 512x512 volume or a 16k
# whole-slide tile in colour, far beyond what a case needs, and keeps decoding memory bounded.
MAX_PIXEL_SAMPLES = 1 << 28

DICOMDIR_CLASS = "1.2.840.10008.1.3.10"
SEGMENTATION_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"
RT_IMAGE_CLASS = "1.2.840.10008.5.1.4.1.1.481.1"
STORAGE_ROOT = "1.2.840.10008.5.1.4.1.1."
# Object families that carry text, documents, graphics or plans instead of (only) pixels.
REJECTED_FAMILIES: dict[str, str] = {
    STORAGE_ROOT + "104": "encapsulated documents (PDF, CDA, 3-D models) are not accepted",
    STORAGE_ROOT + "88": "structured reports and key-object notes are not accepted",
    STORAGE_ROOT + "11": "presentation states are not accepted",
    STORAGE_ROOT + "9": "waveforms are not accepted",
    STORAGE_ROOT + "481": "radiotherapy plans, structures and records are not accepted",
    STORAGE_ROOT + "66": "raw data, registrations and fiducials are not accepted",
}
# Compressed syntaxes whose frames we can decode and strip of embedded metadata, by codec.
JPEG_FAMILY = frozenset(
    {
        "1.2.840.10008.1.2.4.50",  # JPEG baseline
        "1.2.840.10008.1.2.4.51",  # JPEG extended
        "1.2.840.10008.1.2.4.57",  # JPEG lossless
        "1.2.840.10008.1.2.4.70",  # JPEG lossless SV1
        "1.2.840.10008.1.2.4.80",  # JPEG-LS lossless
        "1.2.840.10008.1.2.4.81",  # JPEG-LS near-lossless
    }
)
J2K_FAMILY = frozenset(
    {
        "1.2.840.10008.1.2.4.90",  # JPEG 2000 lossless
        "1.2.840.10008.1.2.4.91",  # JPEG 2000
        "1.2.840.10008.1.2.4.201",  # HTJ2K lossless
        "1.2.840.10008.1.2.4.202",  # HTJ2K lossless RPCL
        "1.2.840.10008.1.2.4.203",  # HTJ2K
    }
)
RLE_LOSSLESS = "1.2.840.10008.1.2.5"
SUPPORTED_COMPRESSED = JPEG_FAMILY | J2K_FAMILY | {RLE_LOSSLESS}
UNDEFINED_LENGTH = 0xFFFFFFFF
PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")


# Tags read on every file; reading by tag skips pydicom's keyword lookup.
ROWS, COLUMNS, FRAMES, SAMPLES = 0x00280010, 0x00280011, 0x00280008, 0x00280002
BITS_ALLOCATED, PHOTOMETRIC, SOP_CLASS, PIXEL_DATA = 0x00280100, 0x00280004, 0x00080016, 0x7FE00010


def attribute(ds: Dataset, tag: int, default=None):
    """The value of ``tag`` in ``ds``, or ``default`` when absent or empty."""
    elem = ds.get(tag)
    return default if elem is None or elem.value in (None, "", b"") else elem.value


def transfer_syntax(ds: Dataset) -> UID:
    """The dataset's transfer syntax, defaulting to how pydicom read it."""
    meta = getattr(ds, "file_meta", None)
    if meta is not None and "TransferSyntaxUID" in meta:
        return UID(meta.TransferSyntaxUID)
    return ImplicitVRLittleEndian if ds.original_encoding[0] else ExplicitVRLittleEndian


def read_dicom(source: bytes | str | os.PathLike) -> Dataset:
    """Parse ``source`` (bytes or a path) and check it is an image object we can anonymise.

    Raises ``MediaRejected`` for non-DICOM bytes, truncated or corrupt files, DICOMDIR, object
    types that carry documents or text instead of images, unsupported compression and images
    over ``MAX_PIXEL_SAMPLES``. Element values are decoded lazily, so corruption inside a value
    or a nested sequence surfaces later, in ``anonymise_dataset``, as the same rejection.
    """
    if not isinstance(source, bytes | bytearray | memoryview):
        with open(source, "rb") as handle:
            source = handle.read()
    ds = _parse(bytes(source))
    _check_object_type(ds)
    _check_pixels(ds)
    return ds


def _looks_like_dataset_without_preamble(data: bytes) -> bool:
    # Files written without the Part 10 header start with a group 0002 or 0008 element, in
    # little- or big-endian order.
    return len(data) >= 8 and data[:2] in (b"\x02\x00", b"\x08\x00", b"\x00\x02", b"\x00\x08")


def _parse(data: bytes) -> Dataset:
    has_preamble = len(data) >= 132 and data[128:132] == b"DICM"
    if not has_preamble and not _looks_like_dataset_without_preamble(data):
        raise MediaRejected("the file is not DICOM", code="not_dicom")
    try:
        ds = dcmread(BytesIO(data), force=not has_preamble)
    except Exception as exc:  # pydicom raises a dozen kinds on hostile bytes: all mean corrupt
        raise MediaRejected("the DICOM file is truncated or corrupt", code="corrupt") from exc
    if _has_short_value(ds) or (has_preamble and len(ds) == 0):
        raise MediaRejected("the DICOM file is truncated", code="truncated")
    if "SOPClassUID" not in ds and "DirectoryRecordSequence" not in ds:
        if len(ds) and _ends_before(ds, SOP_CLASS):
            raise MediaRejected(
                "the DICOM file ends before its SOP Class UID: it is truncated or incomplete",
                code="truncated",
            )
        # It parsed as DICOM, so say what is missing rather than "not DICOM": without the
        # class, nothing tells an image from a report, a plan or a directory.
        raise MediaRejected(
            "the file has no SOP Class UID, so its kind cannot be told", code="no_sop_class"
        )
    return ds


def _has_short_value(ds: Dataset) -> bool:
    # pydicom reads what is left of a value cut off by the end of the file without complaint.
    # Only the last element read can be cut short, and it stays raw: nothing is decoded.
    if not len(ds):
        return False
    elem = ds.get_item(next(reversed(ds.keys())))
    declared = getattr(elem, "length", UNDEFINED_LENGTH)
    return declared != UNDEFINED_LENGTH and len(elem.value or b"") < declared


def _ends_before(ds: Dataset, tag: int) -> bool:
    # Elements are stored in tag order, so a data set whose last element comes before ``tag``
    # stopped short of it: most likely a file cut between two elements. Saying "truncated"
    # beats "no image" or "no SOP Class UID" for such a file.
    return next(reversed(ds.keys())) < tag


def _check_object_type(ds: Dataset) -> None:
    meta_class = str(getattr(ds, "file_meta", {}).get("MediaStorageSOPClassUID", ""))
    if meta_class == DICOMDIR_CLASS or "DirectoryRecordSequence" in ds:
        raise MediaRejected("DICOMDIR index files are not accepted", code="dicomdir")
    sop_class = str(attribute(ds, SOP_CLASS, ""))
    if sop_class in (SEGMENTATION_CLASS, RT_IMAGE_CLASS):
        return
    for family, reason in REJECTED_FAMILIES.items():
        if sop_class == family or sop_class.startswith(family + "."):
            raise MediaRejected(reason, code="not_an_image")
    if not sop_class.startswith("1.2.840.10008."):
        raise MediaRejected("private or unknown object types are not accepted", code="private")


def native_length(ds: Dataset) -> int:
    """Bytes of uncompressed Pixel Data the image attributes of ``ds`` call for."""
    count = int(attribute(ds, ROWS)) * int(attribute(ds, COLUMNS))
    count *= int(attribute(ds, FRAMES, 1)) * int(attribute(ds, SAMPLES, 1))
    length = (count * int(attribute(ds, BITS_ALLOCATED)) + 7) // 8
    if str(attribute(ds, PHOTOMETRIC, "")).strip() == "YBR_FULL_422":
        length = length * 2 // 3  # chroma is subsampled two to one horizontally
    return length


def _check_pixels(ds: Dataset) -> None:
    if not any(keyword in ds for keyword in PIXEL_KEYWORDS):
        if _ends_before(ds, PIXEL_DATA):
            raise MediaRejected(
                "the DICOM file ends before its image data: it is truncated or incomplete",
                code="truncated",
            )
        raise MediaRejected("the DICOM object contains no image", code="not_an_image")
    try:
        rows, cols = int(attribute(ds, ROWS)), int(attribute(ds, COLUMNS))
        frames = int(attribute(ds, FRAMES, 1))
        samples = int(attribute(ds, SAMPLES, 1))
        bits = int(attribute(ds, BITS_ALLOCATED))
    except (AttributeError, TypeError, ValueError) as exc:
        raise MediaRejected("the image attributes are missing or invalid", code="corrupt") from exc
    count = rows * cols * frames * samples
    if count <= 0 or bits not in (1, 8, 16, 32, 64):
        raise MediaRejected("the image attributes are missing or invalid", code="corrupt")
    if count > MAX_PIXEL_SAMPLES:
        raise MediaRejected("the image is larger than the size limit", code="too_large")
    syntax = transfer_syntax(ds)
    pixel_data = attribute(ds, PIXEL_DATA)
    if pixel_data is None:
        return
    if not syntax.is_compressed:
        if len(pixel_data) < native_length(ds):
            raise MediaRejected("the image data is truncated", code="truncated")
        return
    if syntax not in SUPPORTED_COMPRESSED:
        raise MediaRejected("this image compression is not supported", code="unsupported")
    try:
        fragments = sum(1 for _ in generate_fragments(pixel_data))
    except (ValueError, EOFError) as exc:
        raise MediaRejected("the image data is truncated or corrupt", code="truncated") from exc
    if fragments == 0:
        raise MediaRejected("the image data is truncated or corrupt", code="truncated")
