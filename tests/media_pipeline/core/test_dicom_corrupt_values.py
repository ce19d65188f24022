"""Corrupt lengths and tags must not carry identifiers out inside values that are kept."""

import random
import struct

import pydicom
import pytest
from pydicom.dataelem import DataElement, RawDataElement
from pydicom.filebase import DicomBytesIO
from pydicom.tag import Tag

from media_pipeline.core.dicom.anonymise import CaseContext
from media_pipeline.core.dicom.uids import is_well_known
from media_pipeline.core.pipeline import process_file
from tests.media_pipeline.core import dicom_factory as factory
from tests.media_pipeline.core.test_dicom_anonymise import anonymise_bytes, leaks


def raw(tag: int, vr: str, value: bytes) -> RawDataElement:
    """An element written as these bytes, bypassing pydicom's checks of the value."""
    value += b" " * (len(value) % 2)
    return RawDataElement(Tag(tag), vr, len(value), value, 0, False, True)


def element_offset(data: bytes, tag: int) -> int:
    """Where the explicit VR little endian element ``tag`` starts in ``data``."""
    return data.index(struct.pack("<HH", tag >> 16, tag & 0xFFFF), 132)


def test_a_kept_value_whose_length_swallows_the_patient_name_is_removed():
    planted = factory.Planted()
    data = bytearray(factory.to_bytes(factory.base_image(planted), planted))
    manufacturer = element_offset(data, 0x00080070)
    name_end = element_offset(data, 0x00100020)  # the element after Patient's Name
    struct.pack_into("<H", data, manufacturer + 6, name_end - manufacturer - 8)
    swallowed = pydicom.dcmread(DicomBytesIO(bytes(data)))
    assert planted.markers[0].encode() in swallowed.Manufacturer.encode("latin-1")

    out = anonymise_bytes(bytes(data))
    assert leaks(out, planted) == []
    assert "Manufacturer" not in pydicom.dcmread(DicomBytesIO(out))


def test_a_name_written_under_a_kept_tag_is_removed():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds[0x00081090] = DataElement(0x00081090, "PN", planted.marker())  # Model Name, VR PN
    out = anonymise_bytes(factory.to_bytes(ds, planted))
    assert leaks(out, planted) == []


@pytest.mark.parametrize(
    ("tag", "vr", "value"),
    [
        (0x00180015, "CS", "Smith"),  # Body Part Examined: lower case is not a code
        (0x00180015, "CS", "SMITH^JOHN"),
        (0x00180050, "DS", "1.0 SMITH"),  # Slice Thickness
        (0x00200013, "IS", "7 SMITH"),  # Instance Number
    ],
)
def test_string_values_outside_their_vr_are_removed(tag, vr, value):
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds[tag] = raw(tag, vr, value.encode())
    out = pydicom.dcmread(DicomBytesIO(anonymise_bytes(factory.to_bytes(ds, planted))))
    assert tag not in out


def test_conforming_codes_and_numbers_stay():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds.BodyPartExamined, ds.SliceThickness, ds.ImageType = "CHEST", "1.25", ["ORIGINAL", "PRIMARY"]
    out = pydicom.dcmread(DicomBytesIO(anonymise_bytes(factory.to_bytes(ds, planted))))
    assert (out.BodyPartExamined, out.SliceThickness) == ("CHEST", 1.25)
    assert list(out.ImageType) == ["ORIGINAL", "PRIMARY"]
    assert out.PhotometricInterpretation == "MONOCHROME2"


def test_more_numbers_than_the_attribute_holds_are_removed():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds[0x00181310] = raw(0x00181310, "US", struct.pack("<4H", 0, 256, 256, 0))  # VM 4: kept
    ds[0x00280106] = raw(0x00280106, "US", planted.marker().encode() + b"\0")  # VM 1
    out = pydicom.dcmread(DicomBytesIO(anonymise_bytes(factory.to_bytes(ds, planted))))
    assert 0x00280106 not in out
    assert list(out.AcquisitionMatrix) == [0, 256, 256, 0]


def test_an_element_whose_vr_bytes_are_damaged_is_removed():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds[0x00081195] = DataElement(0x00081195, "UI", planted.uid())  # Transaction UID
    data = bytearray(factory.to_bytes(ds, planted))
    at = element_offset(data, 0x00081195)
    data[at + 4 : at + 6] = b"U\x93"  # damaged VR bytes; the length field still fits
    out = anonymise_bytes(bytes(data))
    assert leaks(out, planted) == []


def test_a_uid_under_the_dicom_root_followed_by_text_is_not_well_known():
    assert is_well_known("1.2.840.10008.5.1.4.1.1.2")
    assert not is_well_known("1.2.840.10008.5.1.4.1.1.2 SMITH^JOHN")
    assert not is_well_known("1.2.840.10008." + "1" * 60)  # longer than 64 characters


def test_randomly_corrupted_files_never_leak_a_planted_identifier():
    """Flip, cut and insert bytes in a marker-laden file: whatever is accepted leaks nothing."""
    planted = factory.Planted()
    ds = factory.base_image(planted, rows=16, columns=16)
    factory.add_table_attributes(ds, planted, rows=list(factory.TABLE_E1_1)[:120])
    factory.add_private_elements(ds, planted)
    original = factory.to_bytes(ds, planted)
    ctx = CaseContext(key=b"k" * 32, date_shift_days=-1000, pseudonym="CASE-TEST")
    rng = random.Random(20261123)
    accepted = 0
    for _ in range(1500):
        data = bytearray(original)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(132, len(data))
            choice = rng.random()
            if choice < 0.6:
                data[at] = rng.randrange(256)
            elif choice < 0.8:
                del data[at : at + rng.randint(1, 16)]
            else:
                data[at:at] = rng.randbytes(rng.randint(1, 8))
        outcome = process_file("fuzzed.dcm", bytes(data), ctx)
        if outcome.data:
            accepted += 1
            assert leaks(outcome.data, planted) == []
    assert accepted > 200  # the corruption left enough files readable to test anything
