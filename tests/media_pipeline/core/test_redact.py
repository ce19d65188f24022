"""redact_dataset / redact_photo: the rectangle is blank, every other pixel is untouched."""

import io

import numpy as np
import pytest
from PIL import Image
from pydicom import dcmread
from pydicom.pixels import convert_color_space
from pydicom.uid import ExplicitVRLittleEndian

from media_pipeline.core.errors import MediaRejected
from media_pipeline.core.redact import clip_rectangles, redact_dataset, redact_photo
from tests.media_pipeline.core.pixel_datasets import image_dataset, jpeg_dataset

RECTANGLE = (10, 5, 20, 8)  # x, y, width, height
INSIDE = (slice(5, 13), slice(10, 30))  # the same area as array rows, columns


def rewritten(ds):
    """Write ``ds`` to bytes and read it back, as storage would."""
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=False)
    buffer.seek(0)
    return dcmread(buffer, force=True)


def outside_mask(shape: tuple[int, ...]) -> np.ndarray:
    mask = np.ones(shape[:2], bool)
    mask[INSIDE] = False
    return mask


def random_pixels(shape, low, high, dtype, seed=3):
    return np.random.default_rng(seed).integers(low, high, shape).astype(dtype)


def test_uncompressed_16_bit_rectangle_gets_the_darkest_value_and_nothing_else_changes():
    original = random_pixels((40, 50), 5, 4096, np.uint16)
    ds = image_dataset(original.copy(), BitsStored=12)
    redact_dataset(ds, [RECTANGLE])
    after = rewritten(ds).pixel_array
    assert np.all(after[INSIDE] == original.min())
    mask = outside_mask(original.shape)
    assert np.array_equal(after[mask], original[mask])


def test_unsigned_data_starting_at_zero_is_blanked_to_zero():
    original = random_pixels((40, 50), 0, 256, np.uint8)
    original[0, 0] = 0
    ds = image_dataset(original.copy())
    redact_dataset(ds, [RECTANGLE])
    assert np.all(rewritten(ds).pixel_array[INSIDE] == 0)


def test_signed_ct_rectangle_gets_the_lowest_value():
    original = random_pixels((40, 50), -1024, 3000, np.int16)
    ds = image_dataset(original.copy(), RescaleSlope=1, RescaleIntercept=0)
    redact_dataset(ds, [RECTANGLE])
    after = rewritten(ds).pixel_array
    assert np.all(after[INSIDE] == original.min())
    mask = outside_mask(original.shape)
    assert np.array_equal(after[mask], original[mask])


def test_monochrome1_rectangle_gets_the_highest_value_so_it_shows_black():
    original = random_pixels((40, 50), 0, 1000, np.uint16)
    ds = image_dataset(original.copy(), "MONOCHROME1")
    redact_dataset(ds, [RECTANGLE])
    assert np.all(rewritten(ds).pixel_array[INSIDE] == original.max())


def test_rgb_rectangle_is_black_in_every_channel():
    original = random_pixels((40, 50, 3), 1, 256, np.uint8)
    ds = image_dataset(original.copy(), "RGB")
    redact_dataset(ds, [RECTANGLE])
    after = rewritten(ds).pixel_array
    assert np.all(after[INSIDE] == 0)
    mask = outside_mask(original.shape)
    assert np.array_equal(after[mask], original[mask])


def test_ybr_full_is_stored_back_as_rgb():
    rgb = random_pixels((40, 50, 3), 1, 256, np.uint8)
    ds = image_dataset(convert_color_space(rgb, "RGB", "YBR_FULL"), "YBR_FULL")
    expected = ds.pixel_array.copy()  # pydicom's own YBR -> RGB conversion
    redact_dataset(ds, [RECTANGLE])
    read_back = rewritten(ds)
    assert read_back.PhotometricInterpretation == "RGB"
    after = read_back.pixel_array
    assert np.all(after[INSIDE] == 0)
    mask = outside_mask(rgb.shape)
    assert np.array_equal(after[mask], expected[mask])


def test_every_frame_of_a_multi_frame_dataset_is_redacted():
    original = random_pixels((4, 40, 50), 1, 256, np.uint8)
    ds = image_dataset(original.copy(), frames=True)
    redact_dataset(ds, [RECTANGLE, (45, 35, 10, 10)])  # the second one is clipped
    read_back = rewritten(ds)
    assert read_back.NumberOfFrames == 4
    after = read_back.pixel_array
    fill = original.min()
    for index in range(4):
        assert np.all(after[index][INSIDE] == fill)
        assert np.all(after[index, 35:, 45:] == fill)
        mask = outside_mask(original.shape[1:])
        mask[35:, 45:] = False
        assert np.array_equal(after[index][mask], original[index][mask])


def test_jpeg_compressed_dataset_is_decoded_redacted_and_stored_uncompressed():
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[:, :, 0] = np.arange(64, dtype=np.uint8) * 3
    rgb[:, :, 2] = 120
    ds = jpeg_dataset(rgb)
    before = ds.pixel_array.copy()  # decoded and converted to RGB by pydicom
    redact_dataset(ds, [RECTANGLE])
    assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    read_back = rewritten(ds)
    assert read_back.PhotometricInterpretation == "RGB"
    assert read_back.LossyImageCompression == "01"
    after = read_back.pixel_array
    assert np.all(after[INSIDE] == 0)
    mask = outside_mask(rgb.shape)
    assert np.array_equal(after[mask], before[mask])


@pytest.mark.parametrize(
    "rectangles",
    [[], [(0, 0, 0, 5)], [(0, 0, 5, -1)], [(60, 0, 5, 5)], [(0, -10, 5, 10)], [(1.5, 0, 2, 2)]],
)
def test_invalid_rectangles_are_rejected(rectangles):
    with pytest.raises(MediaRejected) as caught:
        clip_rectangles(rectangles, 50, 40)
    assert caught.value.code == "invalid_rectangle"


def test_rectangles_are_clipped_to_the_image():
    assert clip_rectangles([(-5, 30, 100, 100)], 50, 40) == [(0, 30, 50, 40)]


def test_invalid_rectangle_leaves_the_dataset_untouched():
    ds = image_dataset(random_pixels((40, 50), 0, 256, np.uint8))
    before = ds.PixelData
    with pytest.raises(MediaRejected):
        redact_dataset(ds, [(100, 100, 5, 5)])
    assert ds.PixelData == before


def photo_bytes(image_format: str) -> bytes:
    image = Image.fromarray(random_pixels((40, 50, 3), 60, 256, np.uint8))
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "MARKER-REDACT-PHOTO"
    image.save(buffer, format=image_format, exif=exif)
    return buffer.getvalue()


def test_png_photo_rectangle_is_black_and_the_rest_is_identical():
    data = photo_bytes("PNG")
    original = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    redacted = redact_photo(data, [RECTANGLE])
    assert b"MARKER-REDACT-PHOTO" not in redacted
    after = np.asarray(Image.open(io.BytesIO(redacted)))
    assert np.all(after[INSIDE] == 0)
    mask = outside_mask(original.shape)
    assert np.array_equal(after[mask], original[mask])


def test_jpeg_photo_rectangle_is_black_and_metadata_stays_out():
    data = photo_bytes("JPEG")
    redacted = redact_photo(data, [RECTANGLE])
    assert redacted[:3] == b"\xff\xd8\xff"
    assert b"MARKER-REDACT-PHOTO" not in redacted and b"Exif" not in redacted
    after = np.asarray(Image.open(io.BytesIO(redacted)).convert("L")).astype(int)
    # JPEG blurs the edges; the core of the box must be black.
    assert after[7:11, 13:27].max() < 25


def test_photo_rectangle_outside_is_rejected():
    with pytest.raises(MediaRejected) as caught:
        redact_photo(photo_bytes("PNG"), [(500, 500, 10, 10)])
    assert "outside" in caught.value.reason
