"""Synthetic DICOM corpus builders for the media core tests (pydicom Datasets, no files).

``Planted`` records every identifying value written into a dataset (text markers, UIDs, dates
and times) so a test can search the anonymised bytes for each of them.
"""

import io
import re
import struct
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from PIL import Image
from pydicom.datadict import DicomDictionary
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence
from pydicom.uid import (
    CTImageStorage,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
    SecondaryCaptureImageStorage,
    UltrasoundImageStorage,
)

from media_pipeline.core.dicom.profile import TABLE_E1_1

MARKER_PATTERN = re.compile(rb"MK\d{4}Q")
ROOT = "1.2.826.0.1.3680043.10.543."
FIRST_DATE = date(1981, 3, 1)
TEXT_VRS = {"LO", "LT", "SH", "ST", "UT", "UC", "AE", "CS"}
BINARY_VRS = {"OB", "OW", "UN", "OF", "OD", "OL", "OV"}
NUMERIC_VALUES = {"US": 7, "SS": 7, "UL": 7, "SL": 7, "UV": 7, "SV": 7, "FL": 7.5, "FD": 7.5}
NUMERIC_VALUES |= {"DS": "7.5", "IS": "7", "AT": 0x00100010}
# Known sequences outside Table E.1-1: kept and cleaned recursively, so good nesting hosts.
NESTING_HOSTS = (0x00081115, 0x52009229, 0x52009230, 0x00089215, 0x00081250)
# Public tags that pydicom's dictionary does not know (checked in the tests).
UNKNOWN_PUBLIC_TEXT = 0x0040B0F2
UNKNOWN_PUBLIC_SQ = 0x0040B0F4


@dataclass
class Planted:
    """Every identifying value planted in a corpus, to search for in the output."""

    markers: list[str] = field(default_factory=list)
    uids: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    counter: int = 0

    def marker(self) -> str:
        self.counter += 1
        value = f"MK{self.counter:04d}Q"
        self.markers.append(value)
        return value

    def uid(self) -> str:
        self.counter += 1
        value = f"{ROOT}{self.counter}"
        self.uids.append(value)
        return value

    def date(self) -> str:
        self.counter += 1
        value = (FIRST_DATE + timedelta(days=self.counter % 600)).strftime("%Y%m%d")
        self.dates.append(value)
        return value

    def time(self) -> str:
        self.counter += 1
        value = f"{self.counter % 24:02d}{self.counter % 60:02d}17.{self.counter:06d}"
        self.times.append(value)
        return value


def guess_vr(name: str) -> str:
    """A VR for a table row pydicom does not know, from its attribute name."""
    for suffix, vr in (("DateTime", "DT"), ("Date", "DA"), ("Time", "TM"), ("UID", "UI")):
        if name.endswith(suffix):
            return vr
    return "SQ" if name.endswith("Sequence") else "LO"


def vr_of(tag: int) -> str:
    """The VR the corpus writes for ``tag``: pydicom's when known, else guessed from the name."""
    entry = DicomDictionary.get(tag)
    if entry:
        return entry[0].split(" or ")[0]
    return guess_vr(TABLE_E1_1[tag][1])


def planted_value(vr: str, planted: Planted):
    """A VR-appropriate value carrying a recorded marker, UID, date or time when the VR can."""
    if vr in TEXT_VRS:
        return planted.marker()
    if vr == "PN":
        return f"{planted.marker()}^{planted.marker()}"
    if vr == "UI":
        return planted.uid()
    if vr == "DA":
        return planted.date()
    if vr == "DT":
        return planted.date() + "101500"
    if vr == "TM":
        return planted.time()
    if vr == "UR":
        return f"http://example.org/{planted.marker()}"
    if vr in BINARY_VRS:
        return planted.marker().encode() + b"\0"
    return NUMERIC_VALUES.get(vr, "042Y" if vr == "AS" else None)


def marker_item(planted: Planted) -> Dataset:
    """A sequence item with a marker in a text element and a planted reference UID."""
    item = Dataset()
    item.CodeMeaning = planted.marker()
    item.ReferencedSOPInstanceUID = planted.uid()
    item.add_new(0x00091010, "LO", planted.marker())  # private element without creator
    return item


def add_table_attributes(ds: Dataset, planted: Planted, *, rows=None) -> None:
    """Write every (or each of ``rows``) Table E.1-1 attribute into ``ds`` with planted values."""
    for tag in rows if rows is not None else TABLE_E1_1:
        if tag >> 16 <= 0x0004 or tag == 0xFFFCFFFC:
            continue  # command, file meta and DICOMDIR rows: planted by their own builders
        vr = vr_of(tag)
        if vr == "SQ":
            ds[tag] = DataElement(tag, "SQ", Sequence([marker_item(planted)]))
            continue
        value = planted_value(vr, planted)
        if value is not None:
            ds[tag] = DataElement(tag, vr, value)


def add_private_elements(ds: Dataset, planted: Planted) -> None:
    """A private creator, private text, binary and a private sequence with nested markers."""
    block = ds.private_block(0x0029, planted.marker(), create=True)
    block.add_new(0x10, "LO", planted.marker())
    block.add_new(0x11, "OB", planted.marker().encode() + b"\0")
    block.add_new(0x12, "SQ", Sequence([marker_item(planted)]))


def add_repeating_groups(ds: Dataset, planted: Planted) -> None:
    """Overlay data and comments (60xx) and curve data (50xx) carrying markers."""
    ds.add_new(0x60000010, "US", 8)
    ds.add_new(0x60000011, "US", 8)
    ds.add_new(0x60003000, "OW", planted.marker().encode() + b"\0")
    ds.add_new(0x60004000, "LT", planted.marker())
    ds.add_new(0x50003000, "OB", planted.marker().encode() + b"\0")


def add_unknown_public(ds: Dataset, planted: Planted) -> None:
    """Public tags newer than pydicom's dictionary: a text element and a sequence."""
    ds[UNKNOWN_PUBLIC_TEXT] = DataElement(UNKNOWN_PUBLIC_TEXT, "LO", planted.marker())
    ds[UNKNOWN_PUBLIC_SQ] = DataElement(UNKNOWN_PUBLIC_SQ, "SQ", Sequence([marker_item(planted)]))


def nest(ds: Dataset, hosts: tuple[int, ...]) -> Dataset:
    """Create a chain of sequences ``hosts`` under ``ds``; return the innermost item."""
    item = ds
    for tag in hosts:
        child = Dataset()
        item[tag] = DataElement(tag, "SQ", Sequence([child]))
        item = child
    return item


def base_image(
    planted: Planted,
    *,
    sop_class: str = CTImageStorage,
    modality: str = "CT",
    rows: int = 8,
    columns: int = 8,
    study_uid: str | None = None,
    series_uid: str | None = None,
) -> Dataset:
    """A small 16-bit monochrome image with identifying header attributes planted."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = planted.uid()
    ds.StudyInstanceUID = study_uid or planted.uid()
    ds.SeriesInstanceUID = series_uid or planted.uid()
    ds.FrameOfReferenceUID = planted.uid()
    ds.PatientName = f"{planted.marker()}^{planted.marker()}"
    ds.PatientID = planted.marker()
    ds.PatientBirthDate = planted.date()
    ds.StudyDate = planted.date()
    ds.StudyTime = planted.time()
    ds.Modality = modality
    ds.Manufacturer = "ACME"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    pixels = (np.arange(rows * columns, dtype=np.uint16) * 37 % 4096).reshape(rows, columns)
    ds.PixelData = pixels.tobytes()
    ds.file_meta = file_meta(ds, ExplicitVRLittleEndian, planted)
    return ds


def file_meta(ds: Dataset, syntax: str, planted: Planted) -> FileMetaDataset:
    """File meta with identifying values: AE title, implementation name, private info."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = syntax
    meta.ImplementationClassUID = planted.uid()
    meta.ImplementationVersionName = planted.marker()
    meta.SourceApplicationEntityTitle = planted.marker()
    meta.PrivateInformationCreatorUID = planted.uid()
    meta.PrivateInformation = planted.marker().encode() + b"\0"
    return meta


def to_bytes(ds: Dataset, planted: Planted, *, implicit: bool = False, big: bool = False) -> bytes:
    """Part 10 bytes with a marker in the preamble and trailing padding carrying a marker."""
    if implicit or big:
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian if implicit else ExplicitVRBigEndian
    ds.preamble = planted.marker().encode().ljust(128, b"\0")
    ds[0xFFFCFFFC] = DataElement(0xFFFCFFFC, "OB", planted.marker().encode() + b"\0")
    buffer = io.BytesIO()
    ds.save_as(buffer, implicit_vr=implicit, little_endian=not big, enforce_file_format=True)
    return buffer.getvalue()


def jpeg_frame(planted: Planted, size: int = 16, colour: bool = False) -> tuple[bytes, np.ndarray]:
    """A Pillow-encoded baseline JPEG with markers in EXIF (APP1) and COM; and its pixels."""
    rng = np.random.default_rng(7)
    shape = (size, size, 3) if colour else (size, size)
    array = rng.integers(0, 255, shape, dtype=np.uint8)
    image = Image.fromarray(array)
    exif = Image.Exif()
    exif[0x010E] = planted.marker()  # ImageDescription
    exif[0x013B] = planted.marker()  # Artist
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return insert_com(buffer.getvalue(), planted.marker().encode()), array


def insert_com(jpeg: bytes, text: bytes) -> bytes:
    """Insert a COM segment right after SOI."""
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + jpeg[2:]


def jpeg_image(planted: Planted) -> Dataset:
    """A JPEG baseline secondary capture whose codestream carries markers in COM and EXIF."""
    frame, _ = jpeg_frame(planted)
    ds = base_image(planted, sop_class=SecondaryCaptureImageStorage, modality="OT", rows=16)
    ds.Columns = 16
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelData = encapsulate([frame])
    ds.file_meta = file_meta(ds, JPEGBaseline8Bit, planted)
    return ds


def ultrasound_image(planted: Planted) -> Dataset:
    """A native 8-bit ultrasound image: the kind that carries a burned-in banner."""
    ds = base_image(planted, sop_class=UltrasoundImageStorage, modality="US", rows=20, columns=10)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelData = np.full((20, 10), 200, dtype=np.uint8).tobytes()
    return ds
