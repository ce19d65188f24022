"""Synthetic clinical images for the demo, the browser tests and the benchmarks.

Everything is drawn with numpy from simple shapes (ellipses, spheres, bands) in physical units
and written with pydicom or Pillow: no file is downloaded and no patient data exists behind
any of it. The headers carry made-up identifiers (name, ID, birth date, institution, dates) and
the photos EXIF with GPS, so that what the demo shows has really been through the
anonymiser and the photo scrubber. Django-free, like the media core.
"""

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date

import numpy as np
from PIL import Image, ImageDraw
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    CTImageStorage,
    DigitalXRayImageStorageForPresentation,
    ExplicitVRLittleEndian,
    MRImageStorage,
    UltrasoundImageStorage,
    generate_uid,
)

# Hounsfield units of the phantoms' tissues.
AIR, FAT, SOFT, CONTRAST, BONE, CORTEX, LUNG, CSF = (-1000, -100, 40, 300, 700, 1200, -850, 8)


@dataclass(frozen=True)
class SyntheticFile:
    """One file as a clinician would upload it: a name with its extension, and the bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Patient:
    """Made-up identifiers, all of which the anonymiser must remove."""

    name: str = "SYNTHETIC^DEMO PATIENT"
    patient_id: str = "SYN-0000001"
    birth_date: str = "19660412"
    study_date: date = date(2026, 2, 11)
    institution: str = "Synthetic Demo Hospital"


def _grid(size: int, field_of_view_mm: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Pixel-centre coordinates in mm (x to the patient's left, y to the back)."""
    spacing = field_of_view_mm / size
    axis = (np.arange(size, dtype=np.float32) - size / 2 + 0.5) * spacing
    return axis[None, :], axis[:, None], spacing


def _ellipse(xx, yy, cx, cy, a, b) -> np.ndarray:
    return ((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 <= 1.0


def _smooth(image: np.ndarray, radius: int) -> np.ndarray:
    """A separable box blur, applied twice (close to a Gaussian), that softens drawn edges."""
    out = image.astype(np.float32)
    if radius < 1:
        return out
    width = 2 * radius + 1
    for _ in range(2):
        for axis in (0, 1):
            pad = [(radius, radius) if a == axis else (0, 0) for a in (0, 1)]
            padded = np.pad(out, pad, "edge")
            length = out.shape[axis]
            total = padded[:length] if axis == 0 else padded[:, :length]
            for k in range(1, width):
                total = total + (padded[k : k + length] if axis == 0 else padded[:, k : k + length])
            out = total / np.float32(width)
    return out


def _dicom_base(patient: Patient, *, sop_class: str, modality: str, study_uid: str) -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = study_uid
    ds.PatientName = patient.name
    ds.PatientID = patient.patient_id
    ds.PatientBirthDate = patient.birth_date
    ds.PatientSex = "O"
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = patient.study_date.strftime("%Y%m%d")
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = "101500"
    ds.AccessionNumber = "SYNACC0001"
    ds.ReferringPhysicianName = "SYNTHETIC^REFERRER"
    ds.InstitutionName = patient.institution
    ds.StationName = "SYNTHSTATION"
    ds.StudyID = "1"
    ds.Modality = modality
    ds.Manufacturer = "Casebook synthetic"
    return ds


def _part10(ds: Dataset) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def _grey16(ds: Dataset, pixels: np.ndarray, *, signed: bool, bits_stored: int = 16) -> None:
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    dtype = np.int16 if signed else np.uint16
    ds.PixelData = pixels.astype(dtype).tobytes()


# --- CT --------------------------------------------------------------------------------------

CT_KINDS = ("aortic_dissection", "pulmonary_embolism", "lung_nodule", "head_sah", "abdomen_aaa")


def _chest_slice(xx, yy, z: float, length: float, kind: str, rng) -> np.ndarray:
    """One axial slice of a chest phantom in HU; ``z`` runs from 0 (lung base) to ``length``."""
    hu = np.full((yy.shape[0], xx.shape[1]), AIR, np.float32)
    body = _ellipse(xx, yy, 0, 0, 165, 118)
    hu[body] = FAT
    hu[_ellipse(xx, yy, 0, 0, 153, 106)] = SOFT
    # The lungs widen from the base to the middle and narrow again to the apex.
    height = z / length
    lung_scale = 0.55 + 0.45 * math.sin(math.pi * min(max(height, 0.05), 0.95))
    lungs = np.zeros(hu.shape, bool)
    for side in (-1, 1):
        lungs |= _ellipse(xx, yy, side * 72, -2, 56 * lung_scale + 6, 82 * lung_scale)
    hu[lungs] = LUNG
    _draw_vessels(hu, xx, yy, z, lungs, rng)
    # Heart in the lower half, great vessels above it.
    if height < 0.55:
        hu[_ellipse(xx, yy, 18, 8, 58 * (1 - height * 0.6), 48 * (1 - height * 0.6))] = SOFT
    descending = _ellipse(xx, yy, 22, 48, 13, 13)
    hu[descending] = CONTRAST
    if height > 0.35:
        ascending = _ellipse(xx, yy, 8, -12, 17, 17)
        hu[ascending] = CONTRAST
        hu[_ellipse(xx, yy, -18, -6, 14, 13)] = CONTRAST  # pulmonary trunk / right PA
    # Spine and ribs.
    hu[_ellipse(xx, yy, 0, 78, 19, 17)] = BONE
    hu[_ellipse(xx, yy, 0, 78, 19, 17) & ~_ellipse(xx, yy, 0, 78, 16, 14)] = CORTEX
    hu[_ellipse(xx, yy, 0, 104, 7, 12)] = BONE
    for angle in np.linspace(0.3, math.pi - 0.3, 7):
        for side in (-1, 1):
            cx, cy = side * 150 * math.cos(angle), -100 * math.sin(angle) + 8
            hu[_ellipse(xx, yy, cx, cy, 6, 4)] = CORTEX
    if kind == "aortic_dissection":
        # An intimal flap splits both aortic lumens; the false lumen fills later (darker).
        for cx, cy, radius in ((22, 48, 13), (8, -12, 17)):
            if cy < 0 and height <= 0.35:
                continue
            lumen = _ellipse(xx, yy, cx, cy, radius, radius)
            false_lumen = lumen & ((xx - cx) + 0.6 * (yy - cy) > 0)
            hu[false_lumen] = 170
            flap = lumen & (np.abs((xx - cx) + 0.6 * (yy - cy)) < 1.2)
            hu[flap] = 90
    elif kind == "pulmonary_embolism" and 0.35 < height < 0.8:
        # A saddle-shaped filling defect in the pulmonary trunk.
        hu[_ellipse(xx, yy, -20, -5, 7, 5)] = 45
    elif kind == "lung_nodule":
        centre_z, radius = 0.6 * length, 11.0
        if abs(z - centre_z) < radius:
            r = math.sqrt(radius**2 - (z - centre_z) ** 2)
            hu[_ellipse(xx, yy, -80, -20, r, r * 0.9)] = 30
    return hu


def _draw_vessels(hu, xx, yy, z: float, lungs, rng) -> None:
    """Pulmonary vessels: small discs that drift from slice to slice, inside the lungs only.
    The same ``rng`` state gives the same vessels on every slice of a series."""
    state = rng.bit_generator.state
    count = 90
    x0 = rng.uniform(-120, 120, count)
    y0 = rng.uniform(-70, 70, count)
    radius = rng.uniform(0.8, 2.6, count)
    phase = rng.uniform(0, 2 * math.pi, count)
    rng.bit_generator.state = state
    spacing = float(xx[0, 1] - xx[0, 0])
    origin_x, origin_y = float(xx[0, 0]), float(yy[0, 0])
    for x, y, r, p in zip(x0, y0, radius, phase, strict=True):
        cx, cy = x + 6 * math.sin(z / 18 + p), y + 6 * math.cos(z / 23 + p)
        c0, c1 = int((cx - r - origin_x) / spacing), int((cx + r - origin_x) / spacing) + 2
        r0, r1 = int((cy - r - origin_y) / spacing), int((cy + r - origin_y) / spacing) + 2
        c0, r0 = max(c0, 0), max(r0, 0)
        if c1 <= c0 or r1 <= r0:
            continue
        disc = _ellipse(xx[:, c0:c1], yy[r0:r1], cx, cy, r, r) & lungs[r0:r1, c0:c1]
        hu[r0:r1, c0:c1][disc] = 30


def _head_slice(xx, yy, z: float, length: float, rng) -> np.ndarray:
    """An axial head slice with subarachnoid blood in the basal cisterns and fissures."""
    height = z / length
    scale = 0.55 + 0.45 * math.sin(math.pi * min(max(height, 0.08), 0.92))
    hu = np.full((yy.shape[0], xx.shape[1]), AIR, np.float32)
    outer = _ellipse(xx, yy, 0, 0, 76 * scale + 4, 94 * scale + 4)
    inner = _ellipse(xx, yy, 0, 0, 69 * scale, 87 * scale)
    hu[_ellipse(xx, yy, 0, 0, 80 * scale + 4, 98 * scale + 4)] = SOFT  # scalp
    hu[outer] = CORTEX
    hu[inner] = 34  # brain
    hu[inner & _ellipse(xx, yy, 0, 0, 52 * scale, 68 * scale)] = 28  # white matter
    if 0.35 < height < 0.75:
        for side in (-1, 1):
            hu[_ellipse(xx, yy, side * 9, -6, 5, 22 * scale)] = CSF  # lateral ventricles
    if 0.25 < height < 0.6:
        # Blood (65 HU) in a star round the suprasellar cistern and along the fissures.
        cistern = _ellipse(xx, yy, 0, -8, 16, 12) & ~_ellipse(xx, yy, 0, -8, 8, 6)
        hu[cistern] = 68
        for side in (-1, 1):
            fissure = (np.abs((yy + 8) - 0.35 * side * xx) < 2.2) & (np.abs(xx) < 48) & inner
            hu[fissure & (side * xx > 8)] = 66
    return hu


def _abdomen_slice(xx, yy, z: float, length: float, rng) -> np.ndarray:
    """An abdominal slice through an infrarenal aortic aneurysm with a retroperitoneal leak."""
    height = z / length
    hu = np.full((yy.shape[0], xx.shape[1]), AIR, np.float32)
    hu[_ellipse(xx, yy, 0, 0, 170, 125)] = FAT
    hu[_ellipse(xx, yy, 0, 0, 158, 112)] = SOFT - 10
    if height > 0.55:
        hu[_ellipse(xx, yy, -75, -10, 70, 62)] = 60  # liver
        for side in (-1, 1):
            hu[_ellipse(xx, yy, side * 70, 45, 26, 38)] = 150  # kidneys
    for cx in np.linspace(-90, 90, 6):
        hu[_ellipse(xx, yy, cx, -40 + 10 * math.sin(cx / 30 + z / 15), 16, 12)] = -400  # bowel gas
    hu[_ellipse(xx, yy, 0, 70, 22, 19)] = BONE
    hu[_ellipse(xx, yy, 0, 70, 22, 19) & ~_ellipse(xx, yy, 0, 70, 19, 16)] = CORTEX
    radius = 12 + 24 * math.exp(-(((height - 0.4) / 0.2) ** 2))
    hu[_ellipse(xx, yy, 5, 38, radius, radius)] = 42  # mural thrombus
    hu[_ellipse(xx, yy, 8, 38, radius * 0.55, radius * 0.55)] = 260  # lumen
    if 0.2 < height < 0.55:
        hu[_ellipse(xx, yy, 40, 55, 30, 24) & ~_ellipse(xx, yy, 5, 38, radius, radius)] = 62
    return hu


def ct_series(
    kind: str = "aortic_dissection",
    *,
    slices: int = 60,
    size: int = 512,
    thickness_mm: float = 2.5,
    patient: Patient | None = None,
    seed: int = 7,
) -> list[SyntheticFile]:
    """An axial CT series of ``slices`` images (16-bit signed, HU = value - 1024)."""
    if kind not in CT_KINDS:
        raise ValueError(f"unknown CT kind {kind!r}; use one of {', '.join(CT_KINDS)}")
    patient = patient or Patient()
    rng = np.random.default_rng(seed)
    head = kind == "head_sah"
    xx, yy, spacing = _grid(size, 240.0 if head else 380.0)
    study_uid, series_uid, frame_uid = generate_uid(), generate_uid(), generate_uid()
    length = slices * thickness_mm
    # A few noise fields, shifted per slice: drawing fresh noise for every slice costs more
    # than the phantom itself.
    noise = rng.normal(0, 9 if head else 14, (3, size, size)).astype(np.float32)
    files = []
    for index in range(slices):
        z = index * thickness_mm
        if head:
            hu = _head_slice(xx, yy, z, length, rng)
        elif kind == "abdomen_aaa":
            hu = _abdomen_slice(xx, yy, z, length, rng)
        else:
            hu = _chest_slice(xx, yy, z, length, kind, rng)
        hu = _smooth(hu, 1) + np.roll(noise[index % 3], index * 37, axis=1)
        stored = np.clip(np.rint(hu + 1024), -1024, 3071)
        ds = _dicom_base(patient, sop_class=CTImageStorage, modality="CT", study_uid=study_uid)
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = frame_uid
        ds.SeriesNumber = 3 if not head else 2
        ds.SeriesDescription = "SYNTHETIC SERIES"
        ds.StudyDescription = "SYNTHETIC STUDY"
        ds.BodyPartExamined = "HEAD" if head else "ABDOMEN" if kind == "abdomen_aaa" else "CHEST"
        ds.InstanceNumber = index + 1
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.ImagePositionPatient = [-size / 2 * spacing, -size / 2 * spacing, -z]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [round(spacing, 6), round(spacing, 6)]
        ds.SliceThickness = thickness_mm
        ds.SliceLocation = -z
        ds.RescaleIntercept = -1024
        ds.RescaleSlope = 1
        ds.RescaleType = "HU"
        ds.WindowCenter, ds.WindowWidth = (40, 80) if head else (40, 400)
        ds.KVP = 120
        _grey16(ds, stored, signed=True, bits_stored=16)
        files.append(SyntheticFile(f"IM{index + 1:04d}.dcm", _part10(ds)))
    return files


# --- MR --------------------------------------------------------------------------------------


def mr_brain_series(
    *, slices: int = 20, size: int = 256, patient: Patient | None = None, seed: int = 11
) -> list[SyntheticFile]:
    """Axial diffusion-like MR of the brain with an acute left MCA-territory infarct."""
    patient = patient or Patient()
    rng = np.random.default_rng(seed)
    xx, yy, spacing = _grid(size, 230.0)
    study_uid, series_uid, frame_uid = generate_uid(), generate_uid(), generate_uid()
    thickness = 5.0
    files = []
    for index in range(slices):
        height = index / max(slices - 1, 1)
        scale = 0.55 + 0.45 * math.sin(math.pi * min(max(height, 0.08), 0.92))
        signal = np.zeros((size, size), np.float32)
        brain = _ellipse(xx, yy, 0, 0, 68 * scale, 86 * scale)
        signal[brain] = 420
        signal[brain & _ellipse(xx, yy, 0, 0, 50 * scale, 66 * scale)] = 360
        if 0.3 < height < 0.75:
            for side in (-1, 1):
                signal[_ellipse(xx, yy, side * 9, -6, 5, 22 * scale)] = 120
            # Restricted diffusion: bright wedge in the patient's left hemisphere (image right).
            wedge = brain & (xx > 18) & (np.abs(yy + 5) < 0.9 * (xx - 10)) & (xx < 62 * scale)
            signal[wedge] = 900
        signal = _smooth(signal, 1) * (1 + rng.normal(0, 0.04, signal.shape))
        ds = _dicom_base(patient, sop_class=MRImageStorage, modality="MR", study_uid=study_uid)
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = frame_uid
        ds.SeriesNumber = 5
        ds.SeriesDescription = "SYNTHETIC DWI"
        ds.BodyPartExamined = "BRAIN"
        ds.InstanceNumber = index + 1
        ds.ScanningSequence = "EP"
        ds.SequenceVariant = "SK"
        ds.MRAcquisitionType = "2D"
        ds.ImagePositionPatient = [-size / 2 * spacing, -size / 2 * spacing, -index * thickness]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [round(spacing, 6), round(spacing, 6)]
        ds.SliceThickness = thickness
        ds.WindowCenter, ds.WindowWidth = 500, 1000
        _grey16(ds, np.clip(np.rint(signal), 0, 4095), signed=False, bits_stored=12)
        files.append(SyntheticFile(f"MR{index + 1:04d}.dcm", _part10(ds)))
    return files


# --- Radiographs and ultrasound --------------------------------------------------------------

RADIOGRAPH_KINDS = ("chest_consolidation", "chest_hyperinflation", "wrist_scaphoid")


def radiograph(
    kind: str = "chest_consolidation", *, size: int = 1024, patient: Patient | None = None
) -> SyntheticFile:
    """A digital radiograph (DX, 12-bit, MONOCHROME2: bone bright, air dark)."""
    if kind not in RADIOGRAPH_KINDS:
        raise ValueError(
            f"unknown radiograph kind {kind!r}; use one of {', '.join(RADIOGRAPH_KINDS)}"
        )
    patient = patient or Patient()
    rng = np.random.default_rng(3)
    chest = kind.startswith("chest")
    xx, yy, spacing = _grid(size, 400.0 if chest else 160.0)
    image = np.full((size, size), 300.0, np.float32)
    if chest:
        hyper = kind == "chest_hyperinflation"
        image[_ellipse(xx, yy, 0, 10, 175, 200)] = 1900
        for side in (-1, 1):
            tall = 150 if hyper else 125
            lung = _ellipse(xx, yy, side * 78, -10 + (12 if hyper else 0), 62, tall)
            image[lung] = 700 if hyper else 900
        image[_ellipse(xx, yy, 12, 45, 62, 70) & (yy > 0)] = 2300  # heart
        image[(np.abs(xx) < 14) & (yy < 80)] = 2500  # spine and mediastinum
        for rib in range(9):
            for side in (-1, 1):
                y0 = -150 + rib * 30
                curve = np.abs(yy - (y0 + 0.0025 * (xx - side * 20) ** 2)) < 5
                image[curve & (side * xx > 12) & (np.abs(xx) < 150)] += 550
        if kind == "chest_consolidation":
            patch = _ellipse(xx, yy, -85, 70, 45, 38)  # right lower zone
            image[patch] = np.maximum(image[patch], 1650)
        image = _smooth(image, 6)
    else:
        # Forearm bones, the carpal row, and a scaphoid waist fracture line.
        image[_ellipse(xx, yy, 0, 0, 45, 90)] = 1300
        image[(np.abs(xx + 14) < 9) & (yy > 15)] = 3000
        image[(np.abs(xx - 14) < 7) & (yy > 20)] = 2900
        for cx, cy in ((-18, -2), (0, -8), (16, -4), (-10, -24), (8, -26), (24, -20)):
            image[_ellipse(xx, yy, cx, cy, 8, 7)] = 2800
        scaphoid = _ellipse(xx, yy, -22, -8, 6, 13)
        image[scaphoid] = 2900
        image[scaphoid & (np.abs(yy + 8 - 0.4 * (xx + 22)) < 0.6)] = 1500
        for cx in (-20, -6, 8, 22):
            image[(np.abs(xx - cx) < 4) & (yy < -32)] = 2700
        image = _smooth(image, 2)
    image = image + rng.normal(0, 25, image.shape)
    ds = _dicom_base(
        patient,
        sop_class=DigitalXRayImageStorageForPresentation,
        modality="DX",
        study_uid=generate_uid(),
    )
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.BodyPartExamined = "CHEST" if chest else "HAND"
    ds.ViewPosition = "PA"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ImagerPixelSpacing = [round(spacing, 6), round(spacing, 6)]
    ds.PixelSpacing = [round(spacing, 6), round(spacing, 6)]
    ds.WindowCenter, ds.WindowWidth = 1800, 3200
    _grey16(ds, np.clip(np.rint(image), 0, 4095), signed=False, bits_stored=12)
    return SyntheticFile("radiograph.dcm", _part10(ds))


def ultrasound_frame(*, patient: Patient | None = None) -> SyntheticFile:
    """An abdominal ultrasound frame with the scanner's banner of identifiers burned in: the
    pipeline holds it for an editor (quarantine)."""
    patient = patient or Patient()
    rng = np.random.default_rng(5)
    width, height = 640, 480
    xx = np.arange(width)[None, :] - width / 2
    yy = np.arange(height)[:, None] - 40.0
    radius = np.hypot(xx, yy)
    angle = np.arctan2(xx, yy)
    sector = (np.abs(angle) < 0.6) & (radius > 30) & (radius < 420)
    speckle = rng.rayleigh(45, (height, width)).astype(np.float32)
    image = np.zeros((height, width), np.float32)
    image[sector] = speckle[sector]
    tube = sector & (np.abs(radius - 230) < 18) & (np.abs(angle + 0.1) < 0.25)
    image[tube] = 25 + speckle[tube] * 0.3  # a blind-ending, non-compressible tube
    image = np.clip(_smooth(image, 1), 0, 255)
    picture = Image.fromarray(image.astype(np.uint8), "L")
    draw = ImageDraw.Draw(picture)
    banner = (
        f"{patient.name.replace('^', ' ')}  ID {patient.patient_id}  {patient.study_date:%d/%m/%Y}"
    )
    draw.text((8, 6), banner, fill=255)
    draw.text((8, 22), patient.institution.upper(), fill=255)
    ds = _dicom_base(
        patient, sop_class=UltrasoundImageStorage, modality="US", study_uid=generate_uid()
    )
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.BodyPartExamined = "ABDOMEN"
    ds.Rows, ds.Columns = height, width
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = np.asarray(picture, np.uint8).tobytes()
    return SyntheticFile("ultrasound.dcm", _part10(ds))


# --- Photos ----------------------------------------------------------------------------------

PHOTO_KINDS = ("erythema", "pigmented_lesion")


def skin_photo(
    kind: str = "erythema", *, width: int = 1600, height: int = 1200, seed: int = 2
) -> SyntheticFile:
    """A clinical photo of skin with a lesion, carrying EXIF (camera, date, a description
    with a name) and GPS coordinates that the photo scrubber must remove."""
    if kind not in PHOTO_KINDS:
        raise ValueError(f"unknown photo kind {kind!r}; use one of {', '.join(PHOTO_KINDS)}")
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.array([214, 160, 128], np.float32)
    shade = 1 - 0.18 * ((xx / width - 0.35) ** 2 + (yy / height - 0.4) ** 2)
    coarse = (-(-height // 4), -(-width // 4))  # a quarter of the size, rounded up
    texture = _smooth(rng.normal(0, 1, coarse).astype(np.float32), 2)
    texture = np.kron(texture, np.ones((4, 4), np.float32))[:height, :width]
    rgb = base[None, None, :] * shade[..., None] * (1 + 0.05 * texture[..., None])
    cx, cy = width * 0.52, height * 0.5
    theta = np.arctan2(yy - cy, xx - cx)
    edge = 1 + 0.18 * np.sin(3 * theta + 0.4) + 0.1 * np.sin(7 * theta + 1.3)
    distance = np.hypot(xx - cx, (yy - cy) * 1.2) / (min(width, height) * 0.22 * edge)
    weight = np.clip(1.3 - distance, 0, 1)[..., None]
    if kind == "erythema":
        lesion = np.array([188, 64, 58], np.float32)
        core = np.clip(0.6 - distance, 0, 1)[..., None] * np.array([60, 30, 40], np.float32)
        rgb = rgb * (1 - weight) + (lesion - core) * weight
    else:
        lesion = np.array([86, 52, 38], np.float32) * (1 + 0.25 * texture[..., None])
        weight = np.clip((1 - distance * 1.7) * 3, 0, 1)[..., None]
        rgb = rgb * (1 - weight) + lesion * weight
    picture = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    exif = Image.Exif()
    exif[0x010F] = "Synthetic camera maker"  # Make
    exif[0x0110] = "Demo phone 12"  # Model
    exif[0x010E] = "Jane Example, ward 7, bed 3"  # ImageDescription
    exif[0x013B] = "Dr A. Example"  # Artist
    exif[0x0132] = "2026:02:11 10:15:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)
    gps[3], gps[4] = "W", (0.0, 7.0, 40.2)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88, exif=exif.tobytes())
    return SyntheticFile(f"{kind.replace('_', '-')}.jpg", buffer.getvalue())


def as_zip(files: list[SyntheticFile], name: str = "study.zip", folder: str = "") -> SyntheticFile:
    """The files in one zip, as a PACS export or a CD copy would give them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(f"{folder}{item.name}", item.data)
    return SyntheticFile(name, buffer.getvalue())
