"""Media core benchmarks, each against a baseline measured in the same run, as a table.

1. Anonymisation throughput on a mixed file set (CT, MR implicit VR, RLE, JPEG; realistic
   headers with sequences and private tags), in-process, against the floor of pydicom reading
   and writing the same files, and against dicom-anonymizer and dicognito (their Python APIs).
2. Thumbnail + preview of a 512x512 16-bit CT slice with render.render_dicom, against a naive
   pixel_array -> modality/VOI LUT -> Pillow resize -> WebP pipeline. The target is on elapsed
   time, which is what an author waiting for a preview sees; render_dicom encodes the thumbnail
   on a second thread, so its CPU time is printed beside it.
3. Peak RSS of a child process that anonymises and renders a 300-slice CT series.

Run: ``.venv/bin/python benchmarks/media_pipeline.py``. Seeds are fixed; files go to a temp dir.
"""

import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixels import apply_modality_lut, apply_voi_lut
from pydicom.sequence import Sequence
from pydicom.uid import (
    CTImageStorage,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
    MRImageStorage,
    RLELossless,
    generate_uid,
)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from media_pipeline.core.dicom.anonymise import CaseContext  # noqa: E402
from media_pipeline.core.pipeline import process_file  # noqa: E402
from media_pipeline.core.render import render_dicom  # noqa: E402

SEED = 20260101
REPEATS = 5
SERIES_SLICES = 300
RSS_LIMIT_MB = 500


def header(rng: np.random.Generator, sop_class: str, modality: str, index: int) -> Dataset:
    """A header like a scanner's: identifiers, dates, nested references, private tags."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[str(SEED), str(index)])
    ds.StudyInstanceUID = generate_uid(entropy_srcs=[str(SEED), "study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=[str(SEED), modality])
    ds.FrameOfReferenceUID = generate_uid(entropy_srcs=[str(SEED), "for"])
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = "20240131"
    ds.StudyTime = ds.SeriesTime = ds.AcquisitionTime = ds.ContentTime = "101530.125"
    ds.AccessionNumber = f"ACC{index:06d}"
    ds.Modality = modality
    ds.Manufacturer = "ACME"
    ds.InstitutionName = "General Hospital"
    ds.InstitutionAddress = "1 Main Street"
    ds.ReferringPhysicianName = "Doe^John"
    ds.StationName = "CT01"
    ds.StudyDescription = "CT CHEST"
    ds.SeriesDescription = "AXIAL 1mm"
    ds.OperatorsName = "Roe^Jane"
    ds.ManufacturerModelName = "Model X"
    ds.PatientName = "Smith^Anna"
    ds.PatientID = "123456"
    ds.PatientBirthDate = "19600101"
    ds.PatientSex = "F"
    ds.PatientAge = "064Y"
    ds.PatientWeight = "70"
    ds.BodyPartExamined = "CHEST"
    ds.SliceThickness = "1.0"
    ds.KVP = "120"
    ds.DeviceSerialNumber = "SN42"
    ds.SoftwareVersions = "1.0"
    ds.ProtocolName = "CHEST ROUTINE"
    ds.StudyID = "1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = index + 1
    ds.ImagePositionPatient = [0, 0, float(index)]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [0.7, 0.7]
    ds.WindowCenter, ds.WindowWidth = "40", "400"
    ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
    reference = Dataset()
    reference.ReferencedSOPClassUID = sop_class
    reference.ReferencedSOPInstanceUID = generate_uid(entropy_srcs=[str(SEED), "ref", str(index)])
    ds.ReferencedImageSequence = Sequence([reference])
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = "T-D3000", "SRT", "Chest"
    ds.AnatomicRegionSequence = Sequence([code])
    block = ds.private_block(0x0019, "ACME 1.1", create=True)
    for element in range(0x10, 0x20):
        block.add_new(element, "LO", f"vendor value {int(rng.integers(1_000_000))}")
    block.add_new(0x30, "OB", rng.bytes(2048))
    return ds


def image(rng, index: int, kind: str) -> tuple[Dataset, str]:
    """One image of ``kind`` (ct, mr, rle, jpeg) and its transfer syntax."""
    size = 512 if kind == "ct" else 256
    sop_class, modality = (CTImageStorage, "CT") if kind != "mr" else (MRImageStorage, "MR")
    ds = header(rng, sop_class, modality, index)
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    pixels = ct_phantom(rng, size) if kind == "ct" else noisy_disc(rng, size)
    if kind == "ct":
        # Stored values are HU + 1024, with the soft-tissue window a scanner writes.
        ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = 1, -1024, "HU"
        ds.WindowCenter, ds.WindowWidth = 40, 400
    syntax = ImplicitVRLittleEndian if kind == "mr" else ExplicitVRLittleEndian
    ds.PixelData = pixels.tobytes()
    if kind == "rle":
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.compress(RLELossless)
        syntax = RLELossless
    elif kind == "jpeg":
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
        buffer = io.BytesIO()
        Image.fromarray((pixels >> 4).astype(np.uint8)).save(buffer, format="JPEG", quality=90)
        ds.PixelData = encapsulate([buffer.getvalue()])
        syntax = JPEGBaseline8Bit
    return ds, syntax


def noisy_disc(rng, size: int) -> np.ndarray:
    yy, xx = np.mgrid[:size, :size]
    disc = ((yy - size / 2) ** 2 + (xx - size / 2) ** 2 < (size * 0.4) ** 2) * 1000
    return (disc + rng.integers(0, 200, (size, size))).astype(np.uint16)


def ct_phantom(rng, size: int) -> np.ndarray:
    """An axial CT-like slice: air, a body ellipse of soft tissue, lungs, spine, noise."""
    yy, xx = np.mgrid[:size, :size] / size
    hu = np.full((size, size), -1000.0)
    body = ((xx - 0.5) / 0.42) ** 2 + ((yy - 0.52) / 0.32) ** 2 < 1
    hu[body] = 40
    for centre in (0.33, 0.67):
        hu[((xx - centre) / 0.12) ** 2 + ((yy - 0.48) / 0.18) ** 2 < 1] = -850
    hu[(xx - 0.5) ** 2 + (yy - 0.75) ** 2 < 0.045**2] = 700
    hu += rng.normal(0, 12, (size, size))
    return np.clip(hu + 1024, 0, 4095).astype(np.uint16)


def write(ds: Dataset, syntax: str) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = (
        ds.SOPClassUID,
        ds.SOPInstanceUID,
    )
    meta.TransferSyntaxUID = syntax
    ds.file_meta = meta
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def mixed_set() -> list[bytes]:
    rng = np.random.default_rng(SEED)
    kinds = ["ct"] * 20 + ["mr"] * 8 + ["rle"] * 6 + ["jpeg"] * 6
    return [write(*image(rng, index, kind)) for index, kind in enumerate(kinds)]


def best_of(repeats: int, run) -> float:
    """The fastest of ``repeats`` runs in CPU seconds of this process.

    Every contender is single-threaded and in-process, so CPU time measures the same work as
    wall time while staying far steadier when other processes share the cores.
    """
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def medians(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float]]:
    """Median (elapsed, CPU) seconds of each run, the runs taking turns ``repeats`` times."""
    samples = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            samples[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {
        name: (statistics.median(w for w, _ in pairs), statistics.median(c for _, c in pairs))
        for name, pairs in samples.items()
    }


def floor(files: list[bytes]) -> None:
    for data in files:
        pydicom.dcmread(io.BytesIO(data)).save_as(io.BytesIO(), enforce_file_format=True)


def ours(files: list[bytes]) -> None:
    ctx = CaseContext.new("CASE-BENCH")
    for data in files:
        assert process_file("f.dcm", data, ctx).data  # noqa: S101 - benchmark sanity check


def dicom_anonymizer(files: list[bytes]) -> None:
    from dicomanonymizer.simpledicomanonymizer import anonymize_dataset

    for data in files:
        ds = pydicom.dcmread(io.BytesIO(data))
        anonymize_dataset(ds)
        ds.save_as(io.BytesIO(), enforce_file_format=True)


def dicognito(files: list[bytes]) -> None:
    from dicognito.anonymizer import Anonymizer

    anonymizer = Anonymizer(seed="bench")
    for data in files:
        ds = pydicom.dcmread(io.BytesIO(data))
        anonymizer.anonymize(ds)
        ds.save_as(io.BytesIO(), enforce_file_format=True)


def naive_render(data: bytes) -> None:
    ds = pydicom.dcmread(io.BytesIO(data))
    values = apply_voi_lut(apply_modality_lut(ds.pixel_array, ds), ds).astype(np.float64)
    low, high = values.min(), values.max()
    grey = ((values - low) / max(high - low, 1) * 255).astype(np.uint8)
    picture = Image.fromarray(grey)
    for size in (1024, 256):
        scaled = picture.copy()
        scaled.thumbnail((size, size), Image.Resampling.LANCZOS)
        scaled.save(io.BytesIO(), format="WEBP")


def series_rss(folder: Path) -> float:
    """Peak RSS (MB) of a child that anonymises and renders every slice in ``folder``."""
    child = (
        "import sys; from pathlib import Path\n"
        "from media_pipeline.core.dicom.anonymise import CaseContext\n"
        "from media_pipeline.core.dicom.validate import read_dicom\n"
        "from media_pipeline.core.pipeline import process_file\n"
        "from media_pipeline.core.render import render_dicom\n"
        "ctx = CaseContext.new('CASE-RSS')\n"
        "for path in sorted(Path(sys.argv[1]).glob('*.dcm')):\n"
        "    outcome = process_file(path.name, path.read_bytes(), ctx)\n"
        "    render_dicom(read_dicom(outcome.data))\n"
    )
    subprocess.run([sys.executable, "-c", child, str(folder)], cwd=REPO, check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    files = mixed_set()
    megabytes = sum(map(len, files)) / 1e6
    runs = {"pydicom read+write (floor)": floor, "casebook anonymise": ours}
    runs |= {"dicom-anonymizer 2.1.0": dicom_anonymizer, "dicognito 0.19.0": dicognito}
    # Round-robin repeats, best of each: load from other processes hits every contender alike.
    seconds = dict.fromkeys(runs, float("inf"))
    for _ in range(REPEATS):
        for name, run in runs.items():
            seconds[name] = min(seconds[name], best_of(1, lambda run=run: run(files)))

    rng = np.random.default_rng(SEED)
    ct, syntax = image(rng, 0, "ct")
    slice_bytes = write(ct, syntax)
    render = medians(
        {
            "ours": lambda: render_dicom(pydicom.dcmread(io.BytesIO(slice_bytes))),
            "naive": lambda: naive_render(slice_bytes),
        },
        repeats=31,
    )

    with tempfile.TemporaryDirectory() as folder:
        for index in range(SERIES_SLICES):
            ds, syntax = image(rng, index, "ct")
            (Path(folder) / f"{index:04d}.dcm").write_bytes(write(ds, syntax))
        start = time.perf_counter()
        rss = series_rss(Path(folder))
        series_s = time.perf_counter() - start

    floor_s = seconds["pydicom read+write (floor)"]
    ours_s = seconds["casebook anonymise"]
    peer_s = min(seconds["dicom-anonymizer 2.1.0"], seconds["dicognito 0.19.0"])
    print(f"Mixed set: {len(files)} files, {megabytes:.1f} MB; CPU time, best of {REPEATS}\n")
    print("| measure | value | target | result |")
    print("|---|---|---|---|")
    for name, value in seconds.items():
        print(f"| {name} | {len(files) / value:.0f} files/s ({megabytes / value:.0f} MB/s) | | |")
    ratio_floor, ratio_peer = floor_s / ours_s, peer_s / ours_s
    print(f"| anonymise vs floor | {ratio_floor:.2f}x | >= 0.5x | {verdict(ratio_floor >= 0.5)} |")
    print(
        f"| anonymise vs faster peer | {ratio_peer:.2f}x | >= 1.8x | {verdict(ratio_peer >= 1.8)} |"
    )
    for index, clock in enumerate(("elapsed", "CPU")):
        ours_ms, naive_ms = render["ours"][index] * 1e3, render["naive"][index] * 1e3
        ratio, target = ours_ms / naive_ms, index == 0
        print(
            f"| render 512x512 CT, {clock}: render_dicom {ours_ms:.1f} ms vs naive"
            f" {naive_ms:.1f} ms | {ratio:.2f}x | {'<= 0.3x' if target else ''}"
            f" | {verdict(ratio <= 0.3) if target else ''} |"
        )
    print(
        f"| {SERIES_SLICES}-slice CT anonymise + render ({series_s:.1f} s) peak RSS | {rss:.0f} MB"
        f" | <= {RSS_LIMIT_MB} MB | {verdict(rss <= RSS_LIMIT_MB)} |"
    )


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


if __name__ == "__main__":
    main()
