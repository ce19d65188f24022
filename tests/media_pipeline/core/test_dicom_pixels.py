"""Pixel data survives anonymisation exactly, in every supported transfer syntax.

Native syntaxes are written by pydicom; RLE and JPEG 2000 are encoded with pydicom's encoders
(pylibjpeg-openjpeg); JPEG baseline with Pillow. No encoder for JPEG lossless or JPEG-LS is
installed, so those frames come from the test files shipped inside pydicom, with a COM segment
carrying a marker inserted into them.
"""

from pathlib import Path

import numpy as np
import pydicom
import pydicom.data
import pytest
from pydicom.data import get_testdata_file
from pydicom.encaps import encapsulate, generate_frames
from pydicom.filebase import DicomBytesIO
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    JPEG2000Lossless,
    RLELossless,
)

from media_pipeline.core.dicom.anonymise import anonymise_dataset, write_dataset
from media_pipeline.core.dicom.validate import read_dicom
from media_pipeline.core.errors import MediaRejected
from tests.media_pipeline.core import dicom_factory as factory
from tests.media_pipeline.core.test_dicom_anonymise import anonymise_bytes, context, leaks


def decoded(data: bytes) -> np.ndarray:
    return pydicom.dcmread(DicomBytesIO(data)).pixel_array


def frames_of(data: bytes) -> list[bytes]:
    ds = pydicom.dcmread(DicomBytesIO(data))
    return list(generate_frames(ds.PixelData, number_of_frames=int(ds.get("NumberOfFrames", 1))))


@pytest.mark.parametrize(
    ("implicit", "big", "syntax"),
    [
        (False, False, ExplicitVRLittleEndian),
        (True, False, None),
        (False, True, None),
        (False, False, DeflatedExplicitVRLittleEndian),
    ],
    ids=["explicit", "implicit", "big-endian", "deflated"],
)
def test_native_pixels_unchanged(implicit, big, syntax):
    planted = factory.Planted()
    ds = factory.base_image(planted, rows=32, columns=24)
    if syntax:
        ds.file_meta.TransferSyntaxUID = syntax
    data = factory.to_bytes(ds, planted, implicit=implicit, big=big)
    out = anonymise_bytes(data)
    assert np.array_equal(decoded(out), decoded(data))
    assert decoded(out).shape == (32, 24)


@pytest.mark.parametrize("syntax", [RLELossless, JPEG2000Lossless], ids=["rle", "jpeg2000"])
def test_pydicom_encoded_pixels_unchanged(syntax):
    planted = factory.Planted()
    ds = factory.base_image(planted, rows=32, columns=32)
    ds.compress(syntax, encoding_plugin="pylibjpeg" if syntax == JPEG2000Lossless else "")
    ds.file_meta.ImplementationVersionName = planted.marker()
    data = factory.to_bytes(ds, planted)
    out = anonymise_bytes(data)
    assert np.array_equal(decoded(out), decoded(data))
    assert leaks(out, planted) == []


def test_jpeg_baseline_loses_com_and_exif_but_not_a_pixel():
    planted = factory.Planted()
    ds = factory.jpeg_image(planted)
    data = factory.to_bytes(ds, planted)
    assert any(b"Exif" in frame and b"\xff\xfe" in frame for frame in frames_of(data))
    out = anonymise_bytes(data)
    assert np.array_equal(decoded(out), decoded(data))
    (frame,) = frames_of(out)
    assert b"Exif" not in frame and frame.startswith(b"\xff\xd8\xff\xe0")  # JFIF APP0 kept
    assert leaks(out, planted) == []


@pytest.mark.parametrize(
    "name",
    ["SC_rgb_jpeg_gdcm.dcm", "MR_small_jpeg_ls_lossless.dcm", "SC_rgb_small_odd_jpeg.dcm"],
    ids=["jpeg-lossless-sv1", "jpeg-ls", "jpeg-baseline-ybr"],
)
def test_shipped_jpeg_family_frames_keep_pixels(name):
    planted = factory.Planted()
    source = pydicom.dcmread(get_testdata_file(name))
    count = int(source.get("NumberOfFrames", 1))
    frames = list(generate_frames(source.PixelData, number_of_frames=count))
    marked = [factory.insert_com(frame, planted.marker().encode()) for frame in frames]
    source.PixelData = encapsulate(marked)
    source.PatientName = planted.marker()
    data = factory.to_bytes(source, planted)
    assert decoded(data).size  # the marked input still decodes
    out = anonymise_bytes(data)
    assert np.array_equal(decoded(out), decoded(data))
    assert leaks(out, planted) == []


SHIPPED_FILES = sorted((Path(pydicom.data.__file__).parent / "test_files").glob("*.dcm"))


def _shipped_images() -> list[Path]:
    """pydicom's own test files that hold a decodable image we accept (not ultrasound: its
    top banner is blanked on purpose)."""
    images = []
    for path in SHIPPED_FILES:
        try:
            ds = pydicom.dcmread(path)
            ds.pixel_array  # noqa: B018 - only files our decoders can read are comparable
        except Exception:  # noqa: S112 - not an image pydicom can decode here: nothing to compare
            continue
        if ds.get("Modality") != "US":
            images.append(path)
    return images


def test_every_image_shipped_with_pydicom_keeps_its_pixels():
    compared = 0
    for path in _shipped_images():
        try:
            result = anonymise_dataset(read_dicom(path), context())
        except MediaRejected as rejected:
            assert rejected.code == "not_an_image", path.name  # RT dose: refused by type
            continue
        out = write_dataset(result.dataset)
        assert np.array_equal(decoded(out), pydicom.dcmread(path).pixel_array), path.name
        compared += 1
    assert compared > 40
