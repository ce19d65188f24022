"""A DICOM file cut short at any byte is rejected with a reason that fits, never a crash."""

import collections

import pytest
from pydicom.uid import generate_uid

from media_pipeline.core.dicom.validate import read_dicom
from media_pipeline.core.errors import MediaRejected
from tests.media_pipeline.media_files import dicom_bytes

FITTING_CODES = {"not_dicom", "truncated", "corrupt"}


def test_a_file_cut_at_any_byte_is_rejected_as_cut_or_corrupt():
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    codes = collections.Counter()
    for cut in range(1, len(data)):
        with pytest.raises(MediaRejected) as caught:
            read_dicom(data[:cut])
        codes[caught.value.code] += 1

    assert set(codes) <= FITTING_CODES, codes
    assert codes["truncated"] > 0.9 * len(data)


def test_a_file_cut_between_elements_before_its_pixels_says_truncated():
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    pixel_data_tag = b"\xe0\x7f\x10\x00"
    with pytest.raises(MediaRejected) as caught:
        read_dicom(data[: data.rindex(pixel_data_tag)])
    assert caught.value.code == "truncated"
    assert "ends before its image data" in str(caught.value)


def test_a_file_cut_before_its_sop_class_says_truncated():
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    sop_class_tag = b"\x08\x00\x16\x00"
    with pytest.raises(MediaRejected) as caught:
        read_dicom(data[: data.index(sop_class_tag, 132)])
    assert caught.value.code == "truncated"
    assert "ends before its SOP Class UID" in str(caught.value)
