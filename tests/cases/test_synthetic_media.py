"""The synthetic studies and photos of the demo: valid input that the real pipeline accepts,
with identifiers in them for the anonymiser and the photo scrubber to remove."""

import io

import pytest
from PIL import Image
from pydicom import dcmread

from cases import synthetic_media as synthetic
from media_pipeline.core.dicom.anonymise import CaseContext
from media_pipeline.core.pipeline import ANONYMISED, QUARANTINED, process_file, process_zip


def test_ct_series_is_a_stack_with_identifiers(tmp_path):
    files = synthetic.ct_series("head_sah", slices=4, size=64)
    datasets = [dcmread(io.BytesIO(item.data)) for item in files]
    assert [ds.InstanceNumber for ds in datasets] == [1, 2, 3, 4]
    assert len({ds.SeriesInstanceUID for ds in datasets}) == 1
    assert [float(ds.ImagePositionPatient[2]) for ds in datasets] == [0.0, -2.5, -5.0, -7.5]
    assert datasets[0].PatientName == "SYNTHETIC^DEMO PATIENT"
    hu = datasets[2].pixel_array.astype(int) * int(datasets[2].RescaleSlope) - 1024
    assert hu.min() < -900 and hu.max() > 900, "air outside the head, bone in the skull"

    archive = tmp_path / "study.zip"
    archive.write_bytes(synthetic.as_zip(files).data)
    outcomes = list(process_zip("study.zip", str(archive), CaseContext.new("CASEBOOK-1")))
    assert [outcome.outcome for outcome in outcomes] == [ANONYMISED] * 4
    cleaned = dcmread(io.BytesIO(outcomes[0].data))
    assert cleaned.PatientName != "SYNTHETIC^DEMO PATIENT"
    assert "InstitutionName" not in cleaned


@pytest.mark.parametrize(
    ("item", "outcome"),
    [
        (lambda: synthetic.mr_brain_series(slices=2, size=64)[0], ANONYMISED),
        (lambda: synthetic.radiograph("wrist_scaphoid", size=128), ANONYMISED),
        (synthetic.ultrasound_frame, QUARANTINED),
    ],
)
def test_other_studies_go_through_the_pipeline(item, outcome):
    made = item()
    assert process_file(made.name, made.data, CaseContext.new("CASEBOOK-1")).outcome == outcome


def test_photo_carries_gps_that_the_scrubber_removes():
    photo = synthetic.skin_photo("pigmented_lesion", width=200, height=150)
    exif = Image.open(io.BytesIO(photo.data)).getexif()
    assert exif.get_ifd(0x8825)[2] == (51.0, 30.0, 12.5)
    outcome = process_file(photo.name, photo.data, CaseContext.new("CASEBOOK-1"))
    assert outcome.outcome == ANONYMISED
    scrubbed = Image.open(io.BytesIO(outcome.data))
    assert not scrubbed.getexif()
    assert b"Jane Example" not in outcome.data


@pytest.mark.parametrize("make", [synthetic.ct_series, synthetic.radiograph, synthetic.skin_photo])
def test_an_unknown_kind_is_refused(make):
    with pytest.raises(ValueError, match="unknown"):
        make("giraffe")
