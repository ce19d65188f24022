"""Small synthetic DICOM datasets for the rendering and redaction tests."""

import io

import numpy as np
from PIL import Image
from pydicom import Dataset
from pydicom.dataset import FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit


def image_dataset(
    pixels: np.ndarray, photometric: str = "MONOCHROME2", *, frames: bool = False, **attributes
) -> Dataset:
    """A native Explicit VR Little Endian dataset holding ``pixels``.

    ``pixels`` is (rows, columns[, 3]) or, with ``frames``, (frames, rows, columns[, 3]).
    """
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    samples = 3 if photometric in ("RGB", "YBR_FULL") else 1
    shape = pixels.shape[1:] if frames else pixels.shape
    ds.Rows, ds.Columns = shape[0], shape[1]
    if frames:
        ds.NumberOfFrames = pixels.shape[0]
    ds.SamplesPerPixel = samples
    if samples == 3:
        ds.PlanarConfiguration = 0
    ds.PhotometricInterpretation = photometric
    bits = pixels.dtype.itemsize * 8
    ds.BitsAllocated = bits
    ds.BitsStored = attributes.pop("BitsStored", bits)
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if pixels.dtype.kind == "i" else 0
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    ds.PixelData = pixels.tobytes()
    return ds


def jpeg_dataset(rgb: np.ndarray) -> Dataset:
    """A JPEG Baseline (YBR_FULL_422) single-frame colour dataset made with Pillow."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=90)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.Rows, ds.Columns = rgb.shape[:2]
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.PhotometricInterpretation = "YBR_FULL_422"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.LossyImageCompression = "01"
    ds.PixelData = encapsulate([buffer.getvalue()])
    ds["PixelData"].VR = "OB"
    return ds
