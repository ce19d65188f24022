"""The command line, end to end: every input gets an outcome with a specific reason."""

import io
import json
import subprocess
import sys
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate
from pydicom.filebase import DicomBytesIO
from pydicom.sequence import Sequence

from media_pipeline.core.archive import ArchiveLimits
from media_pipeline.core.cli import main
from media_pipeline.core.dicom.anonymise import CaseContext
from media_pipeline.core.pipeline import process_zip
from tests.media_pipeline.core import dicom_factory as factory
from tests.media_pipeline.core.test_dicom_anonymise import leaks

REPO = Path(__file__).resolve().parents[3]


def dicom(planted: factory.Planted, **changes) -> bytes:
    """A small CT slice as Part 10 bytes, with attributes changed (None deletes one)."""
    ds = factory.base_image(planted)
    for keyword, value in changes.items():
        if value is None:
            delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    if "SOPClassUID" in changes and changes["SOPClassUID"]:
        ds.file_meta.MediaStorageSOPClassUID = changes["SOPClassUID"]
    return factory.to_bytes(ds, planted)


def run(in_dir: Path, tmp_path: Path, *extra: str) -> dict[str, dict]:
    report = tmp_path / "report.json"
    status = main(
        ["anonymise", str(in_dir), str(tmp_path / "out"), "--report", str(report), *extra]
    )
    assert status == 0
    entries = json.loads(report.read_text())
    assert all(set(entry) == {"input", "outcome", "reason", "output"} for entry in entries)
    return {entry["input"]: entry for entry in entries}


def rejection_inputs(planted: factory.Planted) -> dict[str, tuple[bytes, str]]:
    """File name -> (bytes, words the rejection reason must contain)."""
    good = dicom(planted)
    dicomdir = Dataset()
    dicomdir.DirectoryRecordSequence = Sequence([Dataset()])
    dicomdir.file_meta = factory.file_meta(
        dicom_stub("1.2.840.10008.1.3.10", planted), "1.2.840.10008.1.2.1", planted
    )
    mpeg = factory.base_image(planted)
    mpeg.PixelData = encapsulate([b"\0\0\1\xb3" + b"\0" * 60])
    mpeg.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"
    return {
        "notes.dcm": (b"Patient notes, not an image" * 20, "not DICOM"),
        "cut_pixels.dcm": (good[:-40], "truncated"),
        "cut_header.dcm": (good[:500], "truncated"),
        "huge.dcm": (dicom(planted, Rows=65535, Columns=65535), "size limit"),
        "DICOMDIR": (factory.to_bytes(dicomdir, planted), "DICOMDIR"),
        "sr.dcm": (dicom(planted, SOPClassUID="1.2.840.10008.5.1.4.1.1.88.22"), "structured"),
        "pdf.dcm": (dicom(planted, SOPClassUID="1.2.840.10008.5.1.4.1.1.104.1"), "document"),
        "gsps.dcm": (dicom(planted, SOPClassUID="1.2.840.10008.5.1.4.1.1.11.1"), "presentation"),
        "ecg.dcm": (dicom(planted, SOPClassUID="1.2.840.10008.5.1.4.1.1.9.1.1"), "waveform"),
        "plan.dcm": (dicom(planted, SOPClassUID="1.2.840.10008.5.1.4.1.1.481.5"), "radiotherapy"),
        "rts.dcm": (dicom(planted, SOPClassUID="1.2.840.10008.5.1.4.1.1.481.3"), "radiotherapy"),
        "vendor.dcm": (dicom(planted, SOPClassUID="1.3.12.2.1107.5.9.1"), "private"),
        "noimage.dcm": (dicom(planted, PixelData=None), "no image"),
        "mpeg.dcm": (factory.to_bytes(mpeg, planted), "compression"),
        "bad.dcm": (dicom(planted, BitsAllocated=12), "image attributes"),
        "us.dcm": (factory.to_bytes(factory.ultrasound_image(planted), planted), "quarantine"),
        "photo.jpg": (b"\xff\xd8 not really a jpeg", ""),
    }


def dicom_stub(sop_class: str, planted: factory.Planted) -> Dataset:
    stub = Dataset()
    stub.SOPClassUID = sop_class
    stub.SOPInstanceUID = planted.uid()
    return stub


def test_every_rejection_reason_reaches_the_report(tmp_path):
    planted = factory.Planted()
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    inputs = rejection_inputs(planted)
    for name, (data, _) in inputs.items():
        (in_dir / name).write_bytes(data)
    report = run(in_dir, tmp_path)
    assert set(report) == set(inputs)
    for name, (_, words) in inputs.items():
        entry = report[name]
        assert entry["outcome"] == "rejected", name
        assert words.lower() in entry["reason"].lower(), (name, entry["reason"])
        assert entry["output"] is None
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.*"))
    # Reasons describe the problem, never quote the input.
    assert leaks(json.dumps(list(report.values())).encode(), planted) == []


def test_case_folder_with_quarantine_and_nested_zip_paths(tmp_path):
    planted = factory.Planted()
    in_dir = tmp_path / "in"
    (in_dir / "series").mkdir(parents=True)
    (in_dir / "series" / "1.dcm").write_bytes(dicom(planted))
    (in_dir / "us.dcm").write_bytes(factory.to_bytes(factory.ultrasound_image(planted), planted))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("study/series2/a.dcm", dicom(planted))
        archive.writestr("../../escape.dcm", dicom(planted))
        archive.writestr("/etc/absolute.dcm", dicom(planted))
        archive.writestr("inner.zip", b"PK\x03\x04 nested")
    (in_dir / "upload.zip").write_bytes(buffer.getvalue())
    report = run(in_dir, tmp_path, "--quarantine", str(tmp_path / "q"))
    assert report["series/1.dcm"]["outcome"] == "anonymised"
    assert report["us.dcm"] == {
        "input": "us.dcm",
        "outcome": "quarantined",
        "reason": report["us.dcm"]["reason"],
        "output": "us.dcm",
    }
    assert (tmp_path / "q" / "us.dcm").exists() and not (tmp_path / "out" / "us.dcm").exists()
    member = report["upload.zip/study/series2/a.dcm"]
    assert member["outcome"] == "anonymised" and member["output"] == "upload/study/series2/a.dcm"
    assert report["upload.zip/../../escape.dcm"]["reason"] == "unsafe path in archive"
    assert report["upload.zip//etc/absolute.dcm"]["reason"] == "unsafe path in archive"
    assert "nested" in report["upload.zip/inner.zip"]["reason"]
    assert not (tmp_path / "escape.dcm").exists() and not (tmp_path / "out" / "escape.dcm").exists()
    outputs = [p.read_bytes() for p in (tmp_path / "out").rglob("*.dcm")]
    outputs += [(tmp_path / "q" / "us.dcm").read_bytes()]
    assert len(outputs) == 3 and all(leaks(data, planted) == [] for data in outputs)
    # One case: both series share the anonymised study's pseudonym.
    names = {str(pydicom.dcmread(DicomBytesIO(data)).PatientName) for data in outputs}
    assert len(names) == 1 and names.pop().startswith("CASE-")


def test_zip_bomb_is_rejected_as_a_whole(tmp_path):
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    with zipfile.ZipFile(in_dir / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.dcm", b"\0" * (8 << 20))
    report = run(in_dir, tmp_path)
    assert report["bomb.zip"]["outcome"] == "rejected"
    assert "zip bomb" in report["bomb.zip"]["reason"]


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        (ArchiveLimits(max_entries=3), "too many entries"),
        (ArchiveLimits(max_total_bytes=100), "too large"),
    ],
)
def test_archive_limits(tmp_path, limits, words):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(4):
            archive.writestr(f"{index}.dcm", b"x" * 40)
    (outcome,) = process_zip("a.zip", str(path), CaseContext.new("C"), limits)
    assert outcome.outcome == "rejected" and words in outcome.reason and outcome.kind == "archive"


def test_not_a_zip(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(b"not a zip")
    (outcome,) = process_zip("a.zip", str(path), CaseContext.new("C"))
    assert outcome.reason == "the archive is not a valid zip file"


def test_a_damaged_member_is_rejected_and_the_others_are_processed(tmp_path):
    planted = factory.Planted()
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bad.dcm", dicom(planted))
        archive.writestr("good.dcm", dicom(planted))
    data = bytearray(path.read_bytes())
    start = data.index(b"bad.dcm") + len(b"bad.dcm")  # the first member's deflate stream
    data[start + 10 : start + 40] = b"\xff" * 30  # damaged: zlib cannot inflate it
    path.write_bytes(bytes(data))
    bad, good = process_zip("a.zip", str(path), CaseContext.new("C"))
    assert (bad.outcome, bad.reason) == ("rejected", "the archive member is corrupt")
    assert good.outcome == "anonymised"


def test_a_zip_of_an_unsupported_version_is_rejected(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.dcm", b"x")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 77  # "version needed to extract": 7.7
    path.write_bytes(bytes(data))
    (outcome,) = process_zip("a.zip", str(path), CaseContext.new("C"))
    assert outcome.reason == "the archive is not a valid zip file"


def test_module_entry_point_runs_without_django(tmp_path):
    planted = factory.Planted()
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / "a.dcm").write_bytes(dicom(planted))
    command = [sys.executable, "-m", "media_pipeline.core", "anonymise", str(in_dir), str(tmp_path)]
    completed = subprocess.run(  # noqa: S603 - a fixed command line
        command,
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)[0]["outcome"] == "anonymised"
    assert leaks((tmp_path / "a.dcm").read_bytes(), planted) == []


def test_missing_input_folder_is_an_error(tmp_path):
    assert main(["anonymise", str(tmp_path / "nowhere"), str(tmp_path / "out")]) == 2


def test_render_writes_thumbnail_and_preview(tmp_path):
    planted = factory.Planted()
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / "a.dcm").write_bytes(dicom(planted))
    (in_dir / "junk.dcm").write_bytes(b"junk" * 50)
    assert (
        main(["render", str(in_dir), str(tmp_path / "r"), "--report", str(tmp_path / "r.json")])
        == 0
    )
    report = {entry["input"]: entry for entry in json.loads((tmp_path / "r.json").read_text())}
    assert report["a.dcm"]["outcome"] == "rendered" and report["junk.dcm"]["outcome"] == "rejected"
    for suffix in (".thumbnail.webp", ".preview.webp"):
        assert (tmp_path / "r" / f"a.dcm{suffix}").read_bytes()[8:12] == b"WEBP"


def test_zip_members_whose_names_collide_are_all_kept(tmp_path):
    planted = factory.Planted()
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    # Same name twice, a case variant, and NFC "é" next to NFD "e" + combining acute.
    names = ["scan.dcm", "scan.dcm", "SCAN.dcm", "caf\u00e9.dcm", "cafe\u0301.dcm"]
    payloads = [dicom(planted, InstanceNumber=number) for number in range(1, 6)]
    with zipfile.ZipFile(in_dir / "study.zip", "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        for name, data in zip(names, payloads, strict=True):
            archive.writestr(name, data)
    # A folder entry that the zip's outputs would land on, too.
    (in_dir / "study").mkdir()
    (in_dir / "study" / "scan.dcm").write_bytes(dicom(planted, InstanceNumber=9))
    report = json.loads(run_to_json(in_dir, tmp_path))
    outputs = [entry["output"] for entry in report]
    assert all(entry["outcome"] == "anonymised" for entry in report)
    assert len(outputs) == 6
    folded = {unicodedata.normalize("NFC", name).casefold() for name in outputs}
    assert len(folded) == 6, outputs
    written = sorted(path for path in (tmp_path / "out").rglob("*.dcm"))
    assert len(written) == 6
    numbers = {int(pydicom.dcmread(path).InstanceNumber) for path in written}
    assert numbers == {1, 2, 3, 4, 5, 9}
    # The report names each input as it was in the archive.
    assert sorted(entry["input"] for entry in report).count("study.zip/scan.dcm") == 2


def run_to_json(in_dir: Path, tmp_path: Path) -> str:
    report = tmp_path / "report.json"
    assert main(["anonymise", str(in_dir), str(tmp_path / "out"), "--report", str(report)]) == 0
    return report.read_text()


def test_a_dicom_object_without_sop_class_says_so(tmp_path):
    planted = factory.Planted()
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / "nosop.dcm").write_bytes(dicom(planted, SOPClassUID=None))
    entry = run(in_dir, tmp_path)["nosop.dcm"]
    assert entry["outcome"] == "rejected"
    assert entry["reason"] == "the file has no SOP Class UID, so its kind cannot be told"
