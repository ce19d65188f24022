"""Synthetic uploads for the site-level media tests: DICOM with planted identifiers, photos,
zips and bad inputs. Every identifying value contains ``MARKER`` so a scan can find it.
"""

import io
import zipfile

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import (
    CTImageStorage,
    ExplicitVRLittleEndian,
    UltrasoundMultiFrameImageStorage,
    generate_uid,
)

MARKERS = (
    "MARKERNAMEQX",
    "MARKERPIDQX",
    "MARKERPRIVQX",
    "MARKERNESTQX",
    "MARKERINSTQX",
    "MARKERGPSQX",
    "MARKERCOMMENTQX",
)
ENCAPSULATED_PDF = "1.2.840.10008.5.1.4.1.1.104.1"
BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11"
DICOMDIR_CLASS = "1.2.840.10008.1.3.10"


def dicom_bytes(
    *,
    study_uid: str,
    series_uid: str,
    instance_number: int = 1,
    sop_uid: str | None = None,
    sop_class: str = CTImageStorage,
    modality: str = "CT",
    frames: int = 1,
    size: int = 32,
) -> bytes:
    """A 16-bit monochrome image with markers in names, IDs, private tags and nested items."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid or generate_uid()
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.PatientName = "MARKERNAMEQX^JANE"
    ds.PatientID = "MARKERPIDQX"
    ds.PatientBirthDate = "19610304"
    ds.StudyDate = "20240105"
    ds.InstitutionName = "MARKERINSTQX Hospital"
    ds.Modality = modality
    ds.BodyPartExamined = "CHEST"
    ds.SeriesNumber = 3
    ds.InstanceNumber = instance_number
    block = ds.private_block(0x0029, "MARKERPRIVQX creator", create=True)
    block.add_new(0x10, "LO", "MARKERPRIVQX value")
    nested = Dataset()
    nested.ReferencedSOPClassUID = CTImageStorage
    nested.ReferencedSOPInstanceUID = generate_uid()
    inner = Dataset()
    inner.CodeMeaning = "MARKERNESTQX"
    inner.add_new(0x00091010, "LO", "MARKERNESTQX private")
    nested.PurposeOfReferenceCodeSequence = Sequence([inner])
    ds.ReferencedImageSequence = Sequence([nested])
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    pixels = (np.arange(size * size * frames, dtype=np.uint16) % 4000).reshape(frames, size, size)
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.PixelData = pixels.tobytes()
    return _part10(ds)


def _part10(ds: Dataset) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def ultrasound_bytes(*, frames: int = 2) -> bytes:
    """An ultrasound cine loop: the pipeline quarantines it for burned-in text."""
    return dicom_bytes(
        study_uid=generate_uid(),
        series_uid=generate_uid(),
        sop_class=UltrasoundMultiFrameImageStorage,
        modality="US",
        frames=frames,
    )


def non_image_bytes(sop_class: str) -> bytes:
    """A DICOM object of ``sop_class`` without pixels (PDF, SR)."""
    ds = Dataset()
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.PatientName = "MARKERNAMEQX"
    ds.Modality = "DOC" if sop_class == ENCAPSULATED_PDF else "SR"
    if sop_class == ENCAPSULATED_PDF:
        ds.EncapsulatedDocument = b"%PDF-1.4 MARKERNAMEQX"
        ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
    return _part10(ds)


def dicomdir_bytes() -> bytes:
    ds = Dataset()
    ds.FileSetID = "MARKERPIDQX"
    ds.DirectoryRecordSequence = Sequence([])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DICOMDIR_CLASS
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def photo_with_gps() -> bytes:
    """A JPEG with EXIF GPS coordinates, a description and a comment carrying markers."""
    image = Image.new("RGB", (64, 48), (180, 120, 90))
    exif = Image.Exif()
    exif[0x010E] = "MARKERNAMEQX photo"  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 0.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 0.0)
    gps[27] = b"ASCII\0\0\0MARKERGPSQX"  # GPSProcessingMethod
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"MARKERCOMMENTQX")
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (8, 8), colour) for colour in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], loop=0)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """Highly compressible zeros: the ratio check refuses it before anything is unpacked."""
    return zip_of({"slice.dcm": b"\0" * (8 << 20)})
