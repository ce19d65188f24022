"""render_dicom / render_photo: grey levels, colour, frames, sizes and WebP output."""

import io
import multiprocessing
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from pydicom import Dataset
from pydicom.pixels import convert_color_space

from media_pipeline.core.errors import MediaRejected
from media_pipeline.core.render import render_dicom, render_photo
from tests.media_pipeline.core.pixel_datasets import image_dataset, jpeg_dataset


def decoded(webp: bytes, mode: str = "L") -> np.ndarray:
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    return np.asarray(Image.open(io.BytesIO(webp)).convert(mode)).astype(int)


def dicom_linear_window(value: float, center: float, width: float) -> float:
    """PS3.3 C.11.2.1.2.1 LINEAR window, output 0..255 (reference for the assertions)."""
    if value <= center - 0.5 - (width - 1) / 2:
        return 0.0
    if value > center - 0.5 + (width - 1) / 2:
        return 255.0
    return ((value - (center - 0.5)) / (width - 1) + 0.5) * 255


def blocks(values: list[int], dtype: str, size: int = 64) -> np.ndarray:
    """Side-by-side ``size`` x ``size`` blocks of constant stored values."""
    return np.concatenate([np.full((size, size), v, dtype=dtype) for v in values], axis=1)


def block_centres(grey: np.ndarray, count: int, size: int = 64) -> list[int]:
    return [int(grey[size // 2, i * size + size // 2]) for i in range(count)]


def test_rescale_and_window_give_the_standard_grey_levels():
    stored = [0, 2048, 2128, 2448, 4095]  # slope 0.5, intercept -1024 -> HU -1024, 0, 40, 200
    ds = image_dataset(
        blocks(stored, "uint16"),
        BitsStored=12,
        RescaleSlope=0.5,
        RescaleIntercept=-1024,
        WindowCenter=[40, 500],
        WindowWidth=[400, 2000],
    )
    greys = block_centres(decoded(render_dicom(ds).preview), len(stored))
    expected = [dicom_linear_window(v * 0.5 - 1024, 40, 400) for v in stored]
    assert greys == pytest.approx(expected, abs=4)


def test_signed_ct_uses_the_window_on_hounsfield_units():
    hu = [-1000, -200, 0, 60, 1500]
    ds = image_dataset(
        blocks(hu, "int16"), RescaleSlope=1, RescaleIntercept=0, WindowCenter=0, WindowWidth=400
    )
    greys = block_centres(decoded(render_dicom(ds).preview), len(hu))
    assert greys == pytest.approx([dicom_linear_window(v, 0, 400) for v in hu], abs=4)


def test_bits_above_bits_stored_are_ignored():
    # PS3.5 8.1.1: the bits above Bits Stored are undefined; some devices put overlays there.
    stored = [0, 1024, 1064, 1224]
    clean = image_dataset(blocks(stored, "uint16"), BitsStored=12, WindowCenter=1064)
    clean.WindowWidth = 400
    dirty = image_dataset(blocks(stored, "uint16") | 0xF000, BitsStored=12, WindowCenter=1064)
    dirty.WindowWidth = 400
    assert render_dicom(dirty).preview == render_dicom(clean).preview
    no_window = image_dataset(blocks([100, 200], "uint16") | 0xA000, BitsStored=12)
    low, high = block_centres(decoded(render_dicom(no_window).preview), 2)
    assert (low, high) == (pytest.approx(0, abs=8), pytest.approx(255, abs=8))


def test_signed_values_are_extended_from_the_high_bit():
    hu = np.array([-1000, -100, 0, 100], dtype=np.int16)
    as_stored = (hu.astype(np.uint16) & 0x0FFF).view(np.int16)  # 12 bits, no sign extension
    ds = image_dataset(
        blocks(as_stored.tolist(), "int16"), BitsStored=12, WindowCenter=0, WindowWidth=400
    )
    greys = block_centres(decoded(render_dicom(ds).preview), len(hu))
    assert greys == pytest.approx([dicom_linear_window(v, 0, 400) for v in hu], abs=4)


def test_monochrome1_shows_high_values_dark():
    ds = image_dataset(
        blocks([4000, 100], "uint16"),
        "MONOCHROME1",
        BitsStored=12,
        WindowCenter=2048,
        WindowWidth=4096,
    )
    bright_stored, dark_stored = block_centres(decoded(render_dicom(ds).preview), 2)
    assert bright_stored < 20
    assert dark_stored > 235


def test_without_a_window_the_percentiles_span_the_grey_range():
    pixels = blocks([100, 200], "uint16")
    pixels[0, :5] = 60000  # a few hot pixels must not flatten the contrast
    ds = image_dataset(pixels)
    low, high = block_centres(decoded(render_dicom(ds).preview), 2)
    assert low < 8
    assert high > 247


def test_pixel_padding_value_is_left_out_of_the_automatic_window():
    pixels = blocks([-2000, -2000, 0, 100], "int16")
    ds = image_dataset(pixels, PixelPaddingValue=-2000)
    _, _, low, high = block_centres(decoded(render_dicom(ds).preview), 4)
    assert low < 8
    assert high > 247


def test_signed_padding_given_as_its_unsigned_pattern_is_left_out():
    pixels = blocks([-2000, -2000, 0, 100], "int16")
    ds = image_dataset(pixels, PixelPaddingValue=-2000)
    ds["PixelPaddingValue"].VR, ds.PixelPaddingValue = "US", 63536  # -2000 read as US
    _, _, low, high = block_centres(decoded(render_dicom(ds).preview), 4)
    assert low < 8
    assert high > 247


def test_palette_colour_is_looked_up():
    ds = image_dataset(blocks([1, 2], "uint8"), "PALETTE COLOR")
    red, green, blue = np.zeros(256, "<u2"), np.zeros(256, "<u2"), np.zeros(256, "<u2")
    red[1], green[2] = 65535, 65535
    for colour, table in (("Red", red), ("Green", green), ("Blue", blue)):
        setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 16])
        setattr(ds, f"{colour}PaletteColorLookupTableData", table.tobytes())
    rgb = decoded(render_dicom(ds).preview, "RGB")
    assert rgb[32, 32].tolist() == pytest.approx([255, 0, 0], abs=12)
    assert rgb[32, 96].tolist() == pytest.approx([0, 255, 0], abs=12)


def test_ybr_full_is_converted_to_rgb():
    rgb = np.zeros((64, 128, 3), np.uint8)
    rgb[:, :64] = (200, 30, 40)
    rgb[:, 64:] = (20, 90, 210)
    ds = image_dataset(convert_color_space(rgb, "RGB", "YBR_FULL"), "YBR_FULL")
    shown = decoded(render_dicom(ds).preview, "RGB")
    assert shown[32, 32].tolist() == pytest.approx([200, 30, 40], abs=12)
    assert shown[32, 96].tolist() == pytest.approx([20, 90, 210], abs=12)


def test_jpeg_compressed_colour_renders():
    rgb = np.zeros((64, 64, 3), np.uint8)
    rgb[:, :, 0] = 220
    ds = jpeg_dataset(rgb)
    shown = decoded(render_dicom(ds).thumbnail, "RGB")
    assert shown[32, 32].tolist() == pytest.approx([220, 0, 0], abs=16)


def test_multi_frame_renders_every_frame_and_the_middle_one_as_key_image():
    levels = [0, 60, 120, 180, 240]
    frames = np.stack([np.full((32, 48), level, np.uint8) for level in levels])
    ds = image_dataset(frames, frames=True, WindowCenter=128, WindowWidth=256)
    rendered = render_dicom(ds)
    assert rendered.frame_count == 5
    assert (rendered.width, rendered.height) == (48, 32)
    shown = [int(decoded(frame).mean()) for frame in rendered.frames]
    assert shown == pytest.approx(levels, abs=4)
    assert rendered.frames[2] == rendered.preview
    assert decoded(rendered.thumbnail).mean() == pytest.approx(120, abs=4)


def test_all_frames_false_skips_the_viewer_frames():
    frames = np.stack([np.full((16, 16), v, np.uint8) for v in (10, 20, 30)])
    rendered = render_dicom(image_dataset(frames, frames=True), all_frames=False)
    assert rendered.frames == []
    assert rendered.frame_count == 3


def test_single_frame_has_no_viewer_frames():
    assert render_dicom(image_dataset(blocks([1, 2], "uint8"))).frames == []


def test_sizes_are_capped_and_aspect_kept():
    pixels = np.tile(np.arange(2000, dtype=np.uint16), (600, 1))
    rendered = render_dicom(image_dataset(pixels), thumbnail_size=256, preview_size=1024)
    preview = Image.open(io.BytesIO(rendered.preview))
    thumbnail = Image.open(io.BytesIO(rendered.thumbnail))
    assert preview.size == (1024, 307)
    assert thumbnail.size == (256, 77)
    assert (rendered.width, rendered.height) == (2000, 600)


def test_small_images_are_not_enlarged():
    rendered = render_dicom(image_dataset(blocks([1, 2], "uint8", size=40)))
    assert Image.open(io.BytesIO(rendered.preview)).size == (80, 40)


def test_missing_pixel_data_is_rejected():
    ds = image_dataset(blocks([1], "uint8"))
    del ds.PixelData
    with pytest.raises(MediaRejected) as caught:
        render_dicom(ds)
    assert caught.value.code == "no_pixel_data"


def test_short_pixel_data_is_rejected_as_undecodable():
    ds = image_dataset(blocks([1, 2], "uint16"))
    ds.PixelData = ds.PixelData[:100]
    with pytest.raises(MediaRejected) as caught:
        render_dicom(ds)
    assert caught.value.code == "undecodable_pixels"


class _Panic(BaseException):
    """What a Rust decoder raises on input it cannot handle (pyo3's PanicException)."""


@pytest.mark.parametrize("method", ["as_array", "iter_array"], ids=["key-frame", "other-frames"])
def test_a_decoder_panic_is_a_rejection(monkeypatch, method):
    from pydicom.pixels.decoders.base import Decoder

    def panic(*args, **kwargs):
        raise _Panic("index out of bounds")

    def panic_while_iterating(*args, **kwargs):  # iter_array is a generator
        yield from ()
        raise _Panic("index out of bounds")

    monkeypatch.setattr(Decoder, method, panic if method == "as_array" else panic_while_iterating)
    with pytest.raises(MediaRejected) as caught:
        render_dicom(image_dataset(np.zeros((3, 8, 8), np.uint8), frames=True))
    assert caught.value.code == "undecodable_pixels"


def test_stopping_the_process_is_not_turned_into_a_rejection(monkeypatch):
    from pydicom.pixels.decoders.base import Decoder

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Decoder, "as_array", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render_dicom(image_dataset(np.zeros((8, 8), np.uint8)))


def test_render_photo_gives_webp_thumbnail_and_preview():
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (10, 200, 30)).save(buffer, format="JPEG")
    rendered = render_photo(buffer.getvalue())
    assert (rendered.width, rendered.height, rendered.frames) == (1600, 1200, [])
    assert Image.open(io.BytesIO(rendered.preview)).size == (1024, 768)
    assert decoded(rendered.thumbnail, "RGB")[10, 10].tolist() == pytest.approx(
        [10, 200, 30], abs=10
    )


def _render_and_exit() -> None:
    render_photo(_photo())
    sys.exit(0)


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (10, 200, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_process_forked_after_a_render_can_still_render():
    # The thumbnail thread does not survive a fork; a child must not wait on it forever.
    render_photo(_photo())
    child = multiprocessing.get_context("fork").Process(target=_render_and_exit)
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0


def test_media_core_rendering_does_not_import_django():
    code = (
        "import sys; import media_pipeline.core.render, media_pipeline.core.redact; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603


def test_a_frame_of_nothing_but_padding_still_renders():
    ds = image_dataset(blocks([-2000], "int16"), PixelPaddingValue=-2000)
    assert decoded(render_dicom(ds).preview).shape == (64, 64)


def test_voi_lut_sequence_is_applied():
    item = Dataset()
    item.LUTDescriptor = [256, 0, 8]
    item.add_new(0x00283006, "US", [255 - value for value in range(256)])
    ds = image_dataset(blocks([0, 64, 255], "uint8"), VOILUTSequence=[item])
    greys = block_centres(decoded(render_dicom(ds).preview), 3)
    assert greys == pytest.approx([255, 191, 0], abs=4)


def test_enhanced_multi_frame_reads_rescale_and_window_from_shared_groups():
    transformation = Dataset()
    transformation.RescaleSlope, transformation.RescaleIntercept = 1, -1024
    window = Dataset()
    window.WindowCenter, window.WindowWidth = 40, 400
    shared = Dataset()
    shared.PixelValueTransformationSequence = [transformation]
    shared.FrameVOILUTSequence = [window]
    stored = [0, 1024, 1064, 1224]
    frames = np.stack([blocks(stored, "uint16")] * 3)
    ds = image_dataset(frames, frames=True, SharedFunctionalGroupsSequence=[shared])
    greys = block_centres(decoded(render_dicom(ds).preview), len(stored))
    assert greys == pytest.approx([dicom_linear_window(v - 1024, 40, 400) for v in stored], abs=4)


def test_32_bit_data_is_windowed_without_a_lookup_table():
    stored = [0, 70000, 100000, 140000]
    ds = image_dataset(blocks(stored, "uint32"), WindowCenter=100000, WindowWidth=60001)
    greys = block_centres(decoded(render_dicom(ds).preview), len(stored))
    assert greys == pytest.approx([dicom_linear_window(v, 100000, 60001) for v in stored], abs=4)


def test_an_unusable_header_window_falls_back_to_percentiles():
    with pytest.warns(UserWarning, match="DS"):
        ds = image_dataset(blocks([100, 200], "uint16"), WindowCenter="nan", WindowWidth=0)
    low, high = block_centres(decoded(render_dicom(ds).preview), 2)
    assert low < 8
    assert high > 247
