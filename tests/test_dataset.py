"""Tests for the Cup dataset: generator, PNG encoder, shipped files and loader."""

import hashlib
import io
import logging
import re

import numpy as np
import pytest
from PIL import Image

from course_lib.dataset import CLASS_NAMES, DEFAULT_ROOT, image_to_array, load_cup_dataset
from course_lib.dataset import generate
from course_lib.dataset.png import encode_png
from course_lib.dataset.scene import draw_scene

pytestmark = pytest.mark.filterwarnings("error")

SMALL_SIZES = {"train": {"not_cup": 2, "cup": 2}, "test": {"not_cup": 2, "cup": 2}}
CLASS_FOLDERS = ("not_cup", "cup")
SPLITS = ("train", "test")


@pytest.fixture(scope="module")
def shipped():
    """The shipped dataset as returned by load_cup_dataset()."""
    return load_cup_dataset()


@pytest.fixture
def small_sizes(monkeypatch):
    """Make the command line generate and check the small dataset SMALL_SIZES."""
    monkeypatch.setattr(generate, "SPLIT_SIZES", SMALL_SIZES)
    return SMALL_SIZES


def save_image(path, image, image_format="PNG"):
    """Save a Pillow image, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, image_format)


def make_layout(root):
    """Write one solid 8x8 PNG named 0000.png into each of the four class folders.

    Cup images are red (200, 0, 0) and the other images blue (0, 0, 200).
    """
    for split in SPLITS:
        for class_folder in CLASS_FOLDERS:
            colour = (200, 0, 0) if class_folder == "cup" else (0, 0, 200)
            save_image(root / split / class_folder / "0000.png", Image.new("RGB", (8, 8), colour))
    return root


def load_train_cup(root):
    """Load ``root`` and return the single cup image of its training split."""
    train_images, train_labels, _, _ = load_cup_dataset(root)
    return train_images[train_labels[0] == 1][0]


# Generator determinism


def test_draw_dataset_image_same_seed_identical():
    first = generate.draw_dataset_image("train", 1, 7)
    second = generate.draw_dataset_image("train", 1, 7)
    assert np.array_equal(first, second)


@pytest.mark.parametrize(
    "other",
    [("test", 1, 7), ("train", 0, 7), ("train", 1, 8)],
    ids=["split", "label", "index"],
)
def test_draw_dataset_image_other_seed_differs(other):
    assert not np.array_equal(generate.draw_dataset_image("train", 1, 7), generate.draw_dataset_image(*other))


def test_draw_scene_shape_and_dtype():
    image = draw_scene(np.random.default_rng(0), 1)
    assert image.shape == (64, 64, 3)
    assert image.dtype == np.uint8


def test_write_dataset_matches_shipped_bytes(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    for split, classes in SMALL_SIZES.items():
        for class_folder, count in classes.items():
            for index in range(count):
                relative = f"{split}/{class_folder}/{index:04d}.png"
                assert (tmp_path / relative).read_bytes() == (DEFAULT_ROOT / relative).read_bytes(), relative


def test_write_dataset_manifest_lists_sha256(tmp_path):
    files = generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    lines = (tmp_path / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    expected = [
        f"{hashlib.sha256((tmp_path / path).read_bytes()).hexdigest()}  {path}"
        for path in sorted(files)
        if path != "SHA256SUMS"
    ]
    assert lines == expected


# Writing into existing folders


def test_write_dataset_rejects_foreign_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"not a generated Cup dataset.*notes\.txt.*--force"):
        generate.write_dataset(tmp_path, sizes=SMALL_SIZES)


def test_write_dataset_rejected_writes_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_write_dataset_force_keeps_foreign_files(tmp_path):
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES, force=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (tmp_path / "train" / "cup" / "0001.png").is_file()


def test_write_dataset_rewrites_previous_dataset(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    assert generate.compare_dataset(tmp_path, sizes=SMALL_SIZES) == []


def test_write_dataset_removes_stale_images(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    fewer = {"train": {"not_cup": 1, "cup": 1}, "test": {"not_cup": 1, "cup": 1}}
    generate.write_dataset(tmp_path, sizes=fewer)
    assert not (tmp_path / "train" / "cup" / "0001.png").exists()
    assert generate.compare_dataset(tmp_path, sizes=fewer) == []


def test_write_dataset_rejects_edited_image(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    edited = tmp_path / "train" / "cup" / "0000.png"
    save_image(edited, Image.new("RGB", (64, 64), (1, 2, 3)))
    with pytest.raises(FileExistsError, match=r"train/cup/0000\.png"):
        generate.write_dataset(tmp_path, sizes=SMALL_SIZES)


def test_write_dataset_ignores_hidden_files(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    (tmp_path / "train" / ".DS_Store").write_bytes(b"\0\1")
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    assert (tmp_path / "train" / ".DS_Store").read_bytes() == b"\0\1"


def test_write_dataset_rejects_file_as_output(tmp_path):
    target = tmp_path / "dataset"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match=r"is a file, not a folder"):
        generate.write_dataset(target, sizes=SMALL_SIZES)


# Comparing with a fresh generation


def test_compare_dataset_missing_file(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    (tmp_path / "test" / "cup" / "0001.png").unlink()
    assert generate.compare_dataset(tmp_path, sizes=SMALL_SIZES) == ["missing: test/cup/0001.png"]


def test_compare_dataset_unexpected_file(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    (tmp_path / "test" / "cup" / "extra.png").write_bytes(b"")
    assert generate.compare_dataset(tmp_path, sizes=SMALL_SIZES) == ["unexpected file: test/cup/extra.png"]


def test_compare_dataset_changed_pixels(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    save_image(tmp_path / "train" / "not_cup" / "0000.png", Image.new("RGB", (64, 64)))
    differences = generate.compare_dataset(tmp_path, sizes=SMALL_SIZES)
    assert differences == ["different pixels: train/not_cup/0000.png"]


def test_compare_dataset_same_pixels_other_bytes(tmp_path):
    generate.write_dataset(tmp_path, sizes=SMALL_SIZES)
    path = tmp_path / "train" / "cup" / "0000.png"
    with Image.open(path) as image:
        pixels = np.array(image)
    Image.fromarray(pixels).save(path, "PNG", compress_level=1)
    differences = generate.compare_dataset(tmp_path, sizes=SMALL_SIZES)
    assert differences == [
        "different bytes but identical pixels: train/cup/0000.png "
        "(a different zlib version compresses differently)"
    ]


# Command line


def test_main_write_then_check_passes(tmp_path, small_sizes):
    assert generate.main(["--out", str(tmp_path)]) == 0
    assert generate.main(["--out", str(tmp_path), "--check"]) == 0


def test_main_check_lists_difference(tmp_path, small_sizes, caplog):
    generate.main(["--out", str(tmp_path)])
    (tmp_path / "train" / "cup" / "0001.png").unlink()
    with caplog.at_level(logging.ERROR, logger=generate.__name__):
        status = generate.main(["--out", str(tmp_path), "--check"])
    assert status == 1
    assert "missing: train/cup/0001.png" in caplog.messages


def test_main_check_missing_folder_fails(tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger=generate.__name__):
        status = generate.main(["--out", str(tmp_path / "absent"), "--check"])
    assert status == 1
    assert "folder not found" in caplog.text


def test_main_foreign_folder_fails(tmp_path, small_sizes, caplog):
    (tmp_path / "essay.txt").write_text("keep me", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger=generate.__name__):
        status = generate.main(["--out", str(tmp_path)])
    assert status == 1
    assert "not a generated Cup dataset" in caplog.text
    assert (tmp_path / "essay.txt").read_text(encoding="utf-8") == "keep me"


def test_main_check_with_force_rejected(capsys):
    with pytest.raises(SystemExit) as exit_info:
        generate.main(["--check", "--force"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# PNG encoder


@pytest.mark.parametrize("shape", [(1, 1, 3), (5, 7, 3), (64, 64, 3)])
def test_encode_png_pillow_reads_same_pixels(shape):
    pixels = np.random.default_rng(1).integers(0, 256, size=shape, dtype=np.uint8)
    with Image.open(io.BytesIO(encode_png(pixels))) as image:
        assert image.mode == "RGB"
        assert np.array_equal(np.array(image), pixels)


def test_encode_png_writes_only_required_chunks():
    data = encode_png(np.zeros((4, 4, 3), dtype=np.uint8))
    chunk_types = []
    offset = 8
    while offset < len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunk_types.append(data[offset + 4 : offset + 8])
        offset += 12 + length
    assert chunk_types == [b"IHDR", b"IDAT", b"IEND"]


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((4, 4, 3)), np.zeros((4, 4), dtype=np.uint8), np.zeros((4, 4, 4), dtype=np.uint8)],
    ids=["float", "greyscale", "rgba"],
)
def test_encode_png_rejects_other_arrays(pixels):
    with pytest.raises(ValueError, match=r"image must be a uint8 array of shape \(height, width, 3\)"):
        encode_png(pixels)


# The shipped dataset


@pytest.mark.parametrize(
    ("position", "shape", "dtype"),
    [
        (0, (1000, 64, 64, 3), np.uint8),
        (1, (1, 1000), np.int64),
        (2, (300, 64, 64, 3), np.uint8),
        (3, (1, 300), np.int64),
    ],
    ids=["train_images", "train_labels", "test_images", "test_labels"],
)
def test_shipped_shapes_and_dtypes(shipped, position, shape, dtype):
    assert shipped[position].shape == shape
    assert shipped[position].dtype == dtype


@pytest.mark.parametrize(("position", "cups"), [(1, 400), (3, 120)], ids=["train", "test"])
def test_shipped_class_counts(shipped, position, cups):
    labels = shipped[position]
    assert int(labels.sum()) == cups
    assert set(np.unique(labels)) == {0, 1}


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize(
    ("class_folder", "count"),
    [("not_cup", {"train": 600, "test": 180}), ("cup", {"train": 400, "test": 120})],
)
def test_shipped_folder_file_counts(split, class_folder, count):
    assert len(list((DEFAULT_ROOT / split / class_folder).glob("*.png"))) == count[split]


def test_shipped_manifest_matches_files():
    for line in (DEFAULT_ROOT / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, path = line.split("  ")
        assert hashlib.sha256((DEFAULT_ROOT / path).read_bytes()).hexdigest() == digest, path


def test_shipped_folder_under_six_megabytes():
    total = sum(path.stat().st_size for path in DEFAULT_ROOT.rglob("*") if path.is_file())
    assert total < 6_000_000


def test_class_names_order():
    assert CLASS_NAMES == ("not cup", "cup")


# Loader: labels, order and conversions


def test_load_labels_match_folders(tmp_path):
    make_layout(tmp_path)
    save_image(tmp_path / "train" / "cup" / "0001.png", Image.new("RGB", (8, 8), (200, 0, 0)))
    train_images, train_labels, test_images, test_labels = load_cup_dataset(tmp_path)
    assert train_labels.tolist() == [[0, 1, 1]]
    assert test_labels.tolist() == [[0, 1]]
    assert train_images[:, 0, 0, 0].tolist() == [0, 200, 200]
    assert test_images[:, 0, 0, 0].tolist() == [0, 200]


def test_load_sorts_by_file_name(tmp_path):
    make_layout(tmp_path)
    for name, value in [("b.png", 30), ("a.png", 10), ("c.png", 50)]:
        save_image(tmp_path / "test" / "not_cup" / name, Image.new("RGB", (8, 8), (value, value, value)))
    (tmp_path / "test" / "not_cup" / "0000.png").unlink()
    _, _, test_images, test_labels = load_cup_dataset(tmp_path)
    assert test_images[:, 0, 0, 0].tolist() == [200, 10, 30, 50]
    assert test_labels.tolist() == [[1, 0, 0, 0]]


def test_load_accepts_string_root(tmp_path):
    make_layout(tmp_path)
    train_images, _, _, _ = load_cup_dataset(str(tmp_path))
    assert train_images.shape == (2, 64, 64, 3)


def test_load_skips_hidden_entries(tmp_path):
    make_layout(tmp_path)
    (tmp_path / "train" / "cup" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    save_image(tmp_path / "train" / "cup" / ".ipynb_checkpoints" / "x.png", Image.new("RGB", (8, 8)))
    train_images, train_labels, _, _ = load_cup_dataset(tmp_path)
    assert train_labels.tolist() == [[0, 1]]


def make_halves(mode, left, right):
    """Return an 8x8 image of ``mode`` whose left half is ``left`` and right half is ``right``."""
    image = Image.new(mode, (8, 8), left)
    image.paste(right, (4, 0, 8, 8))
    return image


def make_palette_image():
    """Return an 8x8 palette image: green on the left, the transparent index 1 on the right."""
    image = Image.new("P", (8, 8), 0)
    image.putpalette([0, 255, 0, 9, 9, 9] + [0, 0, 0] * 254)
    image.paste(1, (4, 0, 8, 8))
    image.info["transparency"] = 1
    return image


def make_16_bit_image():
    """Return an 8x8 16-bit greyscale image: 0 on the left, 65535 on the right."""
    pixels = np.zeros((8, 8), dtype=np.uint16)
    pixels[:, 4:] = 65535
    return Image.fromarray(pixels)


# Each case: the image, the format to save it in, and the expected RGB of its
# left and right halves after loading.  Half-transparent red on white is
# 255 * (1 - 128 / 255) = 127 in green and blue, and CMYK (0, 255, 255, 0) is
# red.  The JPEG images are one solid colour because JPEG compression blurs
# colours across a sharp edge.
CONVERSION_CASES = {
    "greyscale": (make_halves("L", 100, 30), "PNG", (100, 100, 100), (30, 30, 30)),
    "rgba": (make_halves("RGBA", (0, 0, 0, 0), (255, 0, 0, 128)), "PNG", (255, 255, 255), (255, 127, 127)),
    "greyscale_alpha": (make_halves("LA", (50, 255), (50, 0)), "PNG", (50, 50, 50), (255, 255, 255)),
    "palette_transparent": (make_palette_image(), "PNG", (0, 255, 0), (255, 255, 255)),
    "greyscale_16_bit": (make_16_bit_image(), "PNG", (0, 0, 0), (255, 255, 255)),
    "jpeg": (Image.new("RGB", (8, 8), (10, 120, 240)), "JPEG", (10, 120, 240), (10, 120, 240)),
    "cmyk_jpeg": (Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG", (255, 0, 0), (255, 0, 0)),
}


@pytest.mark.parametrize(
    ("image", "image_format", "left", "right"),
    list(CONVERSION_CASES.values()),
    ids=list(CONVERSION_CASES),
)
def test_load_converts_modes_to_rgb(tmp_path, image, image_format, left, right):
    make_layout(tmp_path)
    (tmp_path / "train" / "cup" / "0000.png").unlink()
    save_image(tmp_path / "train" / "cup" / f"photo.{image_format.lower()}", image, image_format)
    cup = load_train_cup(tmp_path).astype(int)
    assert cup.shape == (64, 64, 3)
    assert np.abs(cup[32, 2] - left).max() <= 3
    assert np.abs(cup[32, 61] - right).max() <= 3


@pytest.mark.parametrize("size", [(128, 128), (200, 100), (100, 200), (17, 9)])
def test_load_resizes_to_64(tmp_path, size):
    make_layout(tmp_path)
    save_image(tmp_path / "train" / "cup" / "0000.png", Image.new("RGB", size, (9, 99, 199)))
    cup = load_train_cup(tmp_path)
    assert cup.shape == (64, 64, 3)
    assert np.array_equal(cup[20, 20], [9, 99, 199])


def test_load_crops_wide_image_to_centre(tmp_path):
    make_layout(tmp_path)
    pixels = np.zeros((64, 192, 3), dtype=np.uint8)
    pixels[:, 64:128] = 250
    save_image(tmp_path / "train" / "cup" / "0000.png", Image.fromarray(pixels))
    cup = load_train_cup(tmp_path)
    assert cup.min() == 250


def test_image_to_array_applies_exif_orientation():
    pixels = np.zeros((4, 8, 3), dtype=np.uint8)
    pixels[:, :4] = 255
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(pixels).save(buffer, "PNG", exif=exif)
    with Image.open(buffer) as image:
        array = image_to_array(image, size=8)
    assert array.shape == (8, 8, 3)
    assert array[0, 0, 0] > 200
    assert array[7, 0, 0] < 50


# Loader errors


def test_load_missing_root(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=rf"Cup dataset folder {re.escape(str(missing))} not found"):
        load_cup_dataset(missing)


def test_load_rejects_non_path_root():
    with pytest.raises(TypeError, match=r"root must be a folder path \(str or pathlib.Path\), got int 3"):
        load_cup_dataset(3)


def test_load_missing_class_folder(tmp_path):
    make_layout(tmp_path)
    (tmp_path / "test" / "cup" / "0000.png").unlink()
    (tmp_path / "test" / "cup").rmdir()
    folder = re.escape(str(tmp_path / "test" / "cup"))
    with pytest.raises(FileNotFoundError, match=rf"Class folder {folder} not found.*create {folder} and"):
        load_cup_dataset(tmp_path)


@pytest.mark.parametrize("leftover", [None, ".DS_Store"])
def test_load_empty_class_folder(tmp_path, leftover):
    make_layout(tmp_path)
    (tmp_path / "train" / "not_cup" / "0000.png").unlink()
    if leftover:
        (tmp_path / "train" / "not_cup" / leftover).write_bytes(b"\0")
    folder = re.escape(str(tmp_path / "train" / "not_cup"))
    with pytest.raises(ValueError, match=rf"Class folder {folder} contains no images\. Add at least one"):
        load_cup_dataset(tmp_path)


def encode_random_image(image_format):
    """Return the bytes of a 32x32 image of random pixels in ``image_format``."""
    pixels = np.random.default_rng(2).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, image_format)
    return buffer.getvalue()


def test_load_truncated_png(tmp_path):
    make_layout(tmp_path)
    data = encode_random_image("PNG")
    path = tmp_path / "train" / "cup" / "0000.png"
    path.write_bytes(data[: len(data) // 2])
    message = rf"Could not read image {re.escape(str(path))}: .*truncated or corrupt"
    with pytest.raises(ValueError, match=message):
        load_cup_dataset(tmp_path)


def test_load_truncated_jpeg(tmp_path):
    make_layout(tmp_path)
    data = encode_random_image("JPEG")
    path = tmp_path / "test" / "not_cup" / "0000.jpg"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=rf"Could not read image {re.escape(str(path))}"):
        load_cup_dataset(tmp_path)


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.txt", b"cup photos from the kitchen"), ("0001.png", b"\x89PNG\r\n\x1a\n"), ("empty.jpg", b"")],
    ids=["text", "header_only", "empty"],
)
def test_load_non_image_file(tmp_path, name, content):
    make_layout(tmp_path)
    path = tmp_path / "train" / "cup" / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))} is not a readable image.*Remove it from"):
        load_cup_dataset(tmp_path)


def test_load_subfolder_in_class_folder(tmp_path):
    make_layout(tmp_path)
    (tmp_path / "test" / "cup" / "more").mkdir()
    with pytest.raises(ValueError, match=r"more is a folder, but class folders may contain only image files"):
        load_cup_dataset(tmp_path)
