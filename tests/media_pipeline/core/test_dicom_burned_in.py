"""Images likely to carry burned-in text are held for review; redaction releases them."""

import numpy as np
import pydicom
import pytest
from pydicom.filebase import DicomBytesIO

from media_pipeline.core.dicom.anonymise import (
    anonymise_dataset,
    release_after_redaction,
    write_dataset,
)
from media_pipeline.core.dicom.validate import read_dicom
from tests.media_pipeline.core import dicom_factory as factory
from tests.media_pipeline.core.test_dicom_anonymise import context, leaks


def anonymise(ds, planted, **kwargs):
    return anonymise_dataset(read_dicom(factory.to_bytes(ds, planted)), context(), **kwargs)


def codes(ds) -> list[str]:
    return [item.CodeValue for item in ds.DeidentificationMethodCodeSequence]


def test_ultrasound_is_reviewed_and_its_top_banner_blanked():
    planted = factory.Planted()
    result = anonymise(factory.ultrasound_image(planted), planted)
    assert "ultrasound" in result.needs_review
    pixels = np.frombuffer(result.dataset.PixelData, dtype=np.uint8).reshape(20, 10)
    assert (pixels[:2] == 0).all() and (pixels[2:] == 200).all()
    assert leaks(write_dataset(result.dataset), planted) == []


@pytest.mark.parametrize(
    ("attribute", "value", "expected"),
    [
        ("BurnedInAnnotation", "YES", "burned-in annotation"),
        ("RecognizableVisualFeatures", "YES", "recognisable"),
        ("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7", "secondary capture"),
        ("SOPClassUID", "1.2.840.10008.5.1.4.1.1.77.1.1.1", "video"),
        ("Modality", "XC", "photograph"),
    ],
)
def test_likely_text_in_pixels_needs_review(attribute, value, expected):
    planted = factory.Planted()
    ds = factory.base_image(planted)
    setattr(ds, attribute, value)
    result = anonymise(ds, planted)
    assert expected in result.needs_review


def test_plain_ct_needs_no_review():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds.BurnedInAnnotation = "NO"
    assert anonymise(ds, planted).needs_review is None


def test_redacted_flag_releases_and_declares_clean_pixels():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds.BurnedInAnnotation = "YES"
    result = anonymise(ds, planted, redacted=True)
    assert result.needs_review is None
    assert result.dataset.BurnedInAnnotation == "NO"
    assert codes(result.dataset) == ["113100", "113101", "113107"]


def test_release_after_redaction_of_a_quarantined_output():
    planted = factory.Planted()
    result = anonymise(factory.ultrasound_image(planted), planted)
    quarantined = pydicom.dcmread(DicomBytesIO(write_dataset(result.dataset)))
    released = release_after_redaction(quarantined)
    assert released.BurnedInAnnotation == "NO"
    assert "113101" in codes(released)
    assert released.SOPInstanceUID == result.dataset.SOPInstanceUID  # no second remapping


def test_release_refuses_a_dataset_that_was_never_anonymised():
    with pytest.raises(ValueError, match="not been anonymised"):
        release_after_redaction(factory.ultrasound_image(factory.Planted()))
