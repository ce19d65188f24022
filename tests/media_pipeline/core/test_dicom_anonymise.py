"""Leak tests: identifiers planted everywhere must not survive anonymisation in any encoding."""

import re
import zlib

import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom.datadict import DicomDictionary
from pydicom.filebase import DicomBytesIO
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)

from media_pipeline.core.dicom.anonymise import CaseContext, anonymise_dataset, write_dataset
from media_pipeline.core.dicom.profile import TABLE_E1_1
from media_pipeline.core.dicom.uids import IMPLEMENTATION_CLASS_UID
from media_pipeline.core.dicom.validate import read_dicom
from tests.media_pipeline.core import dicom_factory as factory

SHIFT = -1000  # larger than the span of planted dates, so a shifted date never equals a planted one
ENCODINGS = ("utf-8", "latin-1", "utf-16-le", "utf-16-be")


def context() -> CaseContext:
    return CaseContext(key=b"k" * 32, date_shift_days=SHIFT, pseudonym="CASE-TEST")


def searchable(data: bytes) -> bytes:
    """The output bytes with a deflated dataset inflated, so a byte search sees everything."""
    if data[128:132] != b"DICM":
        return data
    ds = pydicom.dcmread(DicomBytesIO(data), stop_before_pixels=True)
    if ds.file_meta.TransferSyntaxUID != DeflatedExplicitVRLittleEndian:
        return data
    meta_end = 132 + 12 + ds.file_meta.FileMetaInformationGroupLength
    return data[:meta_end] + zlib.decompress(data[meta_end:], -zlib.MAX_WBITS)


def leaks(data: bytes, planted: factory.Planted) -> list[str]:
    """Every planted value found in ``data``, in any of the encodings a writer could use."""
    data = searchable(data)
    found = [m for m in planted.markers for enc in ENCODINGS if m.encode(enc) in data]
    found += [m.decode() for m in factory.MARKER_PATTERN.findall(data)]
    for value in planted.uids + planted.dates + planted.times:
        if re.search(rb"(?<![0-9.])" + re.escape(value.encode()) + rb"(?![0-9])", data):
            found.append(value)
    found += [repr(raw) for raw in planted.raw if raw in data]
    return found


def anonymise_bytes(data: bytes, ctx: CaseContext | None = None) -> bytes:
    result = anonymise_dataset(read_dicom(data), ctx or context())
    return write_dataset(result.dataset)


def full_corpus(planted: factory.Planted) -> pydicom.Dataset:
    """Every table row at the top level and three levels deep, private, overlay, unknown tags."""
    ds = factory.base_image(planted)
    factory.add_table_attributes(ds, planted)
    factory.add_private_elements(ds, planted)
    factory.add_repeating_groups(ds, planted)
    factory.add_unknown_public(ds, planted)
    deep = factory.nest(ds, factory.NESTING_HOSTS[:3])
    factory.add_table_attributes(deep, planted)
    factory.add_private_elements(deep, planted)
    factory.add_unknown_public(deep, planted)
    return ds


def test_corpus_plants_every_table_row_and_tags_unknown_to_pydicom():
    planted = factory.Planted()
    ds = full_corpus(planted)
    rows = [tag for tag in TABLE_E1_1 if tag >> 16 > 0x0004 and tag != 0xFFFCFFFC]
    assert all(tag in ds for tag in rows)
    assert factory.UNKNOWN_PUBLIC_TEXT not in DicomDictionary
    assert factory.UNKNOWN_PUBLIC_SQ not in DicomDictionary
    assert len(planted.markers) > 500 and len(planted.uids) > 100 and len(planted.dates) > 100
    # The corpus really contains what the leak search looks for.
    assert len(leaks(factory.to_bytes(ds, planted), planted)) > 500


@pytest.mark.parametrize(
    ("syntax", "implicit", "big"),
    [
        (ExplicitVRLittleEndian, False, False),
        (ImplicitVRLittleEndian, True, False),
        (ExplicitVRBigEndian, False, True),
        (DeflatedExplicitVRLittleEndian, False, False),
    ],
    ids=["explicit", "implicit", "big-endian", "deflated"],
)
def test_no_planted_identifier_survives(syntax, implicit, big):
    planted = factory.Planted()
    ds = full_corpus(planted)
    ds.file_meta.TransferSyntaxUID = syntax
    out = anonymise_bytes(factory.to_bytes(ds, planted, implicit=implicit, big=big))
    assert leaks(out, planted) == []
    assert out[:128] == b"\0" * 128
    assert pydicom.dcmread(DicomBytesIO(out)).file_meta.TransferSyntaxUID == syntax


def test_implicit_private_sequence_reading_back_as_un_is_removed():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    factory.add_private_elements(ds, planted)
    data = factory.to_bytes(ds, planted, implicit=True)
    assert read_dicom(data).get_item(0x00291012).VR is None  # no VR: pydicom cannot parse it
    out = anonymise_bytes(data)
    assert leaks(out, planted) == []
    assert not [t for t in pydicom.dcmread(DicomBytesIO(out)) if t.tag.is_private]


@pytest.mark.parametrize(
    ("charset", "name", "raw"),
    [
        ("ISO_IR 100", "MÜLLER^JÖRG", "MÜLLER".encode("latin-1")),
        ("ISO_IR 192", "Ñandú^Zoë", "Ñandú".encode()),
        (
            ["", "ISO 2022 IR 87"],
            "Yamada^Tarou=山田^太郎=やまだ^たろう",
            "山田".encode("iso2022_jp")[3:-3],  # the JIS X 0208 bytes without escapes
        ),
    ],
    ids=["latin-1", "utf-8", "iso-2022-ir-87"],
)
def test_names_in_other_character_sets_leave_no_byte(charset, name, raw):
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds.SpecificCharacterSet = charset
    names = ("PatientName", "ReferringPhysicianName", "OperatorsName", "PerformingPhysicianName")
    for keyword in names:
        setattr(ds, keyword, name)
    ds.StudyDescription = name.replace("^", " ").replace("=", " ")
    item = factory.nest(ds, factory.NESTING_HOSTS[:2])
    item.PatientName = name
    item.ContentCreatorName = name
    planted.raw.append(raw)
    data = factory.to_bytes(ds, planted)
    assert raw in data
    out = anonymise_bytes(data)
    assert leaks(out, planted) == []
    assert pydicom.dcmread(DicomBytesIO(out)).PatientName == "CASE-TEST"


@settings(max_examples=25, deadline=None)
@given(
    hosts=st.lists(st.sampled_from(factory.NESTING_HOSTS), min_size=1, max_size=6),
    rows=st.lists(st.sampled_from(sorted(TABLE_E1_1)), min_size=1, max_size=40, unique=True),
)
def test_random_nesting_never_leaks(hosts, rows):
    planted = factory.Planted()
    ds = factory.base_image(planted)
    leaf = factory.nest(ds, tuple(hosts))
    factory.add_table_attributes(leaf, planted, rows=rows)
    factory.add_private_elements(leaf, planted)
    factory.add_unknown_public(leaf, planted)
    assert leaks(anonymise_bytes(factory.to_bytes(ds, planted)), planted) == []


def test_declarations_and_file_meta():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds.BurnedInAnnotation = "NO"
    out = pydicom.dcmread(DicomBytesIO(anonymise_bytes(factory.to_bytes(ds, planted))))
    assert out.PatientIdentityRemoved == "YES"
    assert out.LongitudinalTemporalInformationModified == "MODIFIED"
    assert out.DeidentificationMethod
    items = out.DeidentificationMethodCodeSequence
    codes = [(item.CodingSchemeDesignator, item.CodeValue) for item in items]
    assert codes == [("DCM", "113100"), ("DCM", "113107")]
    assert out.PatientName == "CASE-TEST" and out.PatientID == "CASE-TEST"
    assert out.PatientBirthDate == "" and out.StudyTime == ""
    meta = out.file_meta
    assert meta.MediaStorageSOPInstanceUID == out.SOPInstanceUID
    assert meta.MediaStorageSOPClassUID == out.SOPClassUID == ds.SOPClassUID
    assert meta.ImplementationClassUID == IMPLEMENTATION_CLASS_UID
    assert "SourceApplicationEntityTitle" not in meta and "PrivateInformation" not in meta
    assert out.SOPInstanceUID.startswith("2.25.")


def test_dates_shift_by_whole_days_and_keep_intervals():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds.StudyDate, ds.SeriesDate = "20200301", "20200305"
    ds.AcquisitionDateTime = "20200305101500.5+0100"
    ds.ContentTime = "101500"
    out = pydicom.dcmread(DicomBytesIO(anonymise_bytes(factory.to_bytes(ds, planted))))
    assert out.StudyDate == "20170605"  # 1000 days earlier
    assert out.SeriesDate == "20170609"
    assert out.AcquisitionDateTime == "20170609"  # the time of day is not retained
    assert out.ContentTime == ""
