"""Test series for the upload benchmarks: synthetic, no real patient data."""

import io
import zipfile


def series_zip(slices: int = 20, size: int = 256) -> bytes:
    """A fresh 20-slice CT series (new UIDs every time) as a zip, built with pydicom."""
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    study, series = generate_uid(), generate_uid()
    buffer = io.BytesIO()
    pixels = (np.indices((size, size)).sum(axis=0) % 1024).astype(np.uint16)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(1, slices + 1):
            ds = Dataset()
            ds.file_meta = FileMetaDataset()
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
            ds.SOPClassUID = CTImageStorage
            ds.SOPInstanceUID = generate_uid()
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
            ds.PatientName, ds.PatientID = "LOAD^TEST", "LOAD0001"
            ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "CT", 1, n
            ds.Rows = ds.Columns = size
            ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
            ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
            ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
            ds.WindowCenter, ds.WindowWidth = 40, 400
            ds.PixelData = ((pixels + n * 7) % 4096).astype(np.uint16).tobytes()
            out = io.BytesIO()
            ds.save_as(out, enforce_file_format=True)
            archive.writestr(f"{n}.dcm", out.getvalue())
    return buffer.getvalue()
