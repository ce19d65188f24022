"""Synthetic images for the pixel-privacy tests: ultrasound-like DICOM with text drawn in,
CT slices, and photos (with a face from scikit-image's astronaut, or without)."""

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1"
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"


def speckle(rows: int = 480, columns: int = 640, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.zeros((rows, columns), np.uint8)
    top, left = rows // 5, columns // 6
    image[top:, left:-left] = rng.rayleigh(35, (rows - top, columns - 2 * left)).clip(0, 255)
    return image


def chest_slice(seed: int = 0) -> np.ndarray:
    """A windowed CT-like chest slice: a noisy body, two dark lungs and a bright spine."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:512, 0:512]
    body = ((xx - 256) / 215) ** 2 + ((yy - 270) / 165) ** 2 < 1
    image = np.where(body, 105.0, 0.0)
    for centre in (180, 332):
        image[((xx - centre) / 60) ** 2 + ((yy - 250) / 90) ** 2 < 1] = 12
    image[np.hypot(xx - 256, yy - 330) < 22] = 240
    image += rng.normal(0, 9, image.shape) * body
    return image.clip(0, 255).astype(np.uint8)


def with_text(
    image: np.ndarray, text: str, xy: tuple[int, int], size: int = 18, fill: int = 235
) -> np.ndarray:
    picture = Image.fromarray(image)
    ImageDraw.Draw(picture).text(xy, text, fill=fill, font=ImageFont.load_default(size))
    return np.asarray(picture)


def dicom(frames: list[np.ndarray], *, sop_class: str = US_MULTIFRAME, modality="US") -> bytes:
    """Uncompressed 8-bit monochrome DICOM of ``frames`` (equal shapes)."""
    ds = Dataset()
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = modality
    ds.PatientName = "PIXELTEST^PATIENT"
    ds.Rows, ds.Columns = frames[0].shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    if len(frames) > 1 or sop_class == US_MULTIFRAME:
        ds.NumberOfFrames = len(frames)
    ds.PixelData = np.stack(frames).tobytes()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def named_ultrasound() -> bytes:
    """A two-frame ultrasound with a name and a date burned in below the top banner (which
    the anonymiser blanks on its own), where only OCR can find them."""
    frame = with_text(speckle(), "JONES^MARY 03/03/2024", (20, 60))
    return dicom([frame, frame])


def jpeg(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def face_photo() -> tuple[bytes, tuple[int, int]]:
    """scikit-image's astronaut portrait as a JPEG, and the centre of her face."""
    from skimage import data

    return jpeg(data.astronaut()), (210, 95)


def skin_photo() -> bytes:
    rng = np.random.default_rng(3)
    base = np.array([200, 150, 120], np.float32)
    pixels = base + rng.normal(0, 6, (300, 400, 1)).astype(np.float32)
    pixels[120:180, 150:260] *= 0.55  # a lesion
    return jpeg(pixels.clip(0, 255).astype(np.uint8))
