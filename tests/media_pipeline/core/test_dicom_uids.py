"""UID remapping: consistent within a case, different across cases, references keep resolving."""

import pydicom
from hypothesis import given
from hypothesis import strategies as st
from pydicom.dataset import Dataset
from pydicom.filebase import DicomBytesIO
from pydicom.sequence import Sequence
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

from media_pipeline.core.dicom.anonymise import CaseContext
from media_pipeline.core.dicom.uids import UidMapper, is_well_known
from tests.media_pipeline.core import dicom_factory as factory
from tests.media_pipeline.core.test_dicom_anonymise import anonymise_bytes, context, leaks


def series(planted: factory.Planted, count: int) -> list[Dataset]:
    """``count`` slices of one series; each slice after the first references the one before."""
    study, series_uid = planted.uid(), planted.uid()
    slices = [
        factory.base_image(planted, study_uid=study, series_uid=series_uid) for _ in range(count)
    ]
    for previous, current in zip(slices, slices[1:], strict=False):
        reference = Dataset()
        reference.ReferencedSOPClassUID = previous.SOPClassUID
        reference.ReferencedSOPInstanceUID = previous.SOPInstanceUID
        current.SourceImageSequence = Sequence([reference])
        current.FrameOfReferenceUID = slices[0].FrameOfReferenceUID
    return slices


def test_series_stays_consistent_and_references_resolve():
    planted = factory.Planted()
    ctx = context()
    outputs = [anonymise_bytes(factory.to_bytes(ds, planted), ctx) for ds in series(planted, 3)]
    assert all(leaks(out, planted) == [] for out in outputs)
    a, b, c = (pydicom.dcmread(DicomBytesIO(out)) for out in outputs)
    assert a.StudyInstanceUID == b.StudyInstanceUID == c.StudyInstanceUID
    assert a.SeriesInstanceUID == b.SeriesInstanceUID == c.SeriesInstanceUID
    assert a.FrameOfReferenceUID == b.FrameOfReferenceUID == c.FrameOfReferenceUID
    assert len({a.SOPInstanceUID, b.SOPInstanceUID, c.SOPInstanceUID}) == 3
    assert b.SourceImageSequence[0].ReferencedSOPInstanceUID == a.SOPInstanceUID
    assert c.SourceImageSequence[0].ReferencedSOPInstanceUID == b.SOPInstanceUID
    assert b.SourceImageSequence[0].ReferencedSOPClassUID == CTImageStorage
    assert a.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian


def test_another_case_gets_other_uids():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    data = factory.to_bytes(ds, planted)
    first = pydicom.dcmread(DicomBytesIO(anonymise_bytes(data, CaseContext.new("A"))))
    second = pydicom.dcmread(DicomBytesIO(anonymise_bytes(data, CaseContext.new("B"))))
    assert first.SOPInstanceUID != second.SOPInstanceUID
    assert first.StudyDate != ds.StudyDate


def test_well_known_values_stay_whatever_the_attribute():
    mapper = UidMapper(b"key")
    for uid in (CTImageStorage, ExplicitVRLittleEndian, "1.2.840.10008.1.2.4.50"):
        assert mapper(uid) == uid and is_well_known(uid)
    assert mapper("2.16.840.1.113883.6.96") == "2.16.840.1.113883.6.96"  # SNOMED CT


@given(
    st.lists(
        st.from_regex(r"1\.[1-9][0-9]{0,5}(\.[1-9][0-9]{0,8}){1,6}", fullmatch=True),
        unique=True,
        min_size=2,
        max_size=50,
    )
)
def test_mapping_is_deterministic_injective_and_valid(uids):
    mapper, again = UidMapper(b"case key"), UidMapper(b"case key")
    mapped = [mapper(uid) for uid in uids]
    assert mapped == [again(uid) for uid in uids]
    assert len(set(mapped)) == len(uids)
    assert all(m.startswith("2.25.") and len(m) <= 64 and m not in uids for m in mapped)
    assert mapped != [UidMapper(b"other key")(uid) for uid in uids]
