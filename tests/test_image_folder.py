"""load_image_folder on an awkward folder of one's own photos, built here: every readable file
loaded whatever its name, every broken one reported, a stratified seeded split, and training
over the datasets that cannot fail mid-epoch (where keras' own loader does)."""
from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tlutils import PROFILES
from tlutils.data import MAX_SIDE, UnreadableImageError, load_image, load_image_folder, prepare, split_sizes

RED, GREEN, BLUE, WHITE = (220, 20, 20), (20, 200, 40), (30, 40, 210), (255, 255, 255)


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb_png() -> bytes:
    """A tiny PNG whose header claims 100,000 x 100,000 pixels."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _png_chunk(b"IEND", b""))


def _rotated_jpeg() -> bytes:
    """Stored 60 wide x 30 high, red left half; EXIF orientation 6 says: turn 90 degrees clockwise."""
    image = Image.new("RGB", (60, 30), BLUE)
    image.paste(RED, (0, 0, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    return _encoded(image, "JPEG", exif=exif, quality=95)


def _half_transparent_png() -> bytes:
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))  # transparent black on the left
    image.paste((*BLUE, 255), (20, 0, 40, 20))
    return _encoded(image, "PNG")


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (32, 24), colour).convert("P") for colour in (RED, BLUE)]
    return _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _sixteen_bit_png() -> bytes:
    return _encoded(Image.fromarray(np.full((20, 30), 128 * 257, dtype=np.uint16)), "PNG")


def _corrupt_png() -> bytes:
    data = bytearray(_encoded(Image.new("RGB", (30, 30), GREEN), "PNG"))
    start = data.index(b"IDAT") + 4
    data[start:start + 8] = b"\xff" * 8  # compressed pixels broken (and their checksum wrong)
    return bytes(data)


def _cmyk_jpeg() -> bytes:
    return _encoded(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG")


def _truncated_jpeg() -> bytes:
    return _encoded(Image.effect_noise((120, 90), 60).convert("RGB"), "JPEG")[:900]


def _photo(colour, size=(48, 36), fmt="JPEG", mode="RGB") -> bytes:
    return _encoded(Image.new("RGB", size, colour).convert(mode), fmt)


# Readable files -> (how to make its bytes, the mean colour it must decode to, None: not checked);
# names lie on purpose. Made in the fixture, so that collecting the suite stays quick.
READABLE = {
    "cats/jpeg_named.png": (partial(_photo, RED), RED),
    "cats/png_named.jpg": (partial(_photo, GREEN, fmt="PNG"), GREEN),
    "cats/animated.png": (_animated_gif, RED),  # the first frame
    "cats/bmp_named.gif": (partial(_photo, BLUE, fmt="BMP"), BLUE),
    "cats/webp_named.bmp": (partial(_photo, GREEN, fmt="WEBP"), GREEN),
    "cats/gray.jpeg": (partial(_photo, (90, 90, 90), mode="L"), (90, 90, 90)),
    "cats/cmyk.jpg": (_cmyk_jpeg, (255, 0, 0)),
    "cats/palette.png": (partial(_photo, BLUE, fmt="PNG", mode="P"), BLUE),
    "cats/sixteen_bit.png": (_sixteen_bit_png, (128, 128, 128)),
    "cats/transparent.png": (_half_transparent_png, None),
    "cats/rotated.jpg": (_rotated_jpeg, None),
    "cats/huge.jpg": (partial(_photo, GREEN, size=(6000, 4000)), GREEN),
    "cats/nested/deeper.jpg": (partial(_photo, RED), RED),
    "cats/bad.jpg/inside.png": (partial(_photo, BLUE, fmt="PNG"), BLUE),  # a folder named like an image
    **{f"dogs/dog_{i:02d}.jpg": (partial(_photo, (10 * i, 100, 200 - 10 * i)), None) for i in range(10)},
    "owls/owl_1.png": (partial(_photo, WHITE, fmt="PNG"), WHITE),  # a class of 2: all in training
    "owls/owl_2.jpg": (partial(_photo, WHITE), WHITE),
}
BROKEN = {  # file -> how to make its bytes, and the reason it must be reported with
    "dogs/empty.jpg": (bytes, "empty file"),
    "dogs/truncated.jpg": (_truncated_jpeg, "truncated or corrupt"),
    "dogs/random.jpg": (partial(np.random.default_rng(0).bytes, 2000), "not a JPEG, PNG, GIF, BMP or WebP"),
    "dogs/notes.txt": (partial(bytes, b"my dog photos\n"), "not a JPEG, PNG, GIF, BMP or WebP"),
    "dogs/corrupt.png": (_corrupt_png, "truncated or corrupt"),
    "dogs/bomb.png": (_bomb_png, "decompression bombs"),
    "empty_class/readme.md": (partial(bytes, b"# nothing here\n"), "not a JPEG"),
    "README.txt": (partial(bytes, b"one folder per class\n"), "not inside a class folder"),
}
OTHER_SKIPS = {  # made in the fixture: links and special files
    "dogs/gone.jpg": "broken symbolic link",
    "dogs/self.jpg": "broken symbolic link",
    "dogs/pipe.jpg": "not a regular file",
    "dogs/loop": "a link to a folder",
    "empty_class": "no loadable image in this class folder",
}
HIDDEN = {  # valid images that must be ignored, and not reported
    "cats/.hidden.jpg", "cats/.thumbnails/t.jpg", ".ipynb_checkpoints/a/a.jpg", ".trash/b/b.jpg",
}


def _make(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("photos")
    _make(root, {name: make() for name, (make, _) in {**READABLE, **BROKEN}.items()})
    _make(root, {name: _photo(RED) for name in HIDDEN})
    (root / "dogs/gone.jpg").symlink_to(root / "dogs/missing.jpg")
    (root / "dogs/self.jpg").symlink_to(root / "dogs/self.jpg")
    (root / "dogs/loop").symlink_to(root / "dogs", target_is_directory=True)
    (root / "dogs/link_to_a_cat.jpg").symlink_to(root / "cats/jpeg_named.png")  # links to files work
    os.mkfifo(root / "dogs/pipe.jpg")  # opening it would block forever
    return root


@pytest.fixture(scope="module")
def data(folder):
    return load_image_folder(folder)


@pytest.fixture(scope="module")
def examples(data):
    return _examples(data)


def _examples(data) -> dict[str, tuple[np.ndarray, int]]:
    """file -> (image, label), read through the datasets."""
    return {file: (image.numpy(), int(label))
            for split in ("train", "validation", "test")
            for file, (image, label) in zip(data.files[split], getattr(data, split))}


def test_every_readable_file_is_loaded_and_every_broken_one_reported(data, examples):
    expected = set(READABLE) | {"dogs/link_to_a_cat.jpg"}
    assert set(examples) == expected
    assert data.class_names == ["cats", "dogs", "owls"]
    reasons = dict(data.skipped)
    assert len(reasons) == len(data.skipped)
    assert set(reasons) == set(BROKEN) | set(OTHER_SKIPS)
    for file, reason in {**{n: r for n, (_, r) in BROKEN.items()}, **OTHER_SKIPS}.items():
        assert reason in reasons[file], file


def test_images_are_rgb_uint8_decoded_by_content(data, examples):
    for file, (image, label) in examples.items():
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3, file
        assert data.class_names[label] == file.split("/")[0], file
        colour = READABLE.get(file, (None, None))[1]
        if colour is not None:
            assert np.abs(image.reshape(-1, 3).mean(axis=0) - colour).max() < 12, file
    transparent = examples["cats/transparent.png"][0]
    assert (transparent[:, :20] == 255).all() and np.abs(transparent[:, 20:] - BLUE).max() < 3
    rotated = examples["cats/rotated.jpg"][0]
    assert rotated.shape == (60, 30, 3)  # upright: the stored red left half is now on top
    assert np.abs(rotated[:25].mean(axis=(0, 1)) - RED).max() < 12
    assert np.abs(rotated[35:].mean(axis=(0, 1)) - BLUE).max() < 12


def test_huge_photo_is_downsized_while_loading(examples):
    assert examples["cats/huge.jpg"][0].shape == (MAX_SIDE * 2 // 3, MAX_SIDE, 3)
    assert examples["cats/jpeg_named.png"][0].shape == (36, 48, 3)  # small ones keep their size


def test_split_is_stratified_disjoint_and_seeded(folder, data, examples):
    files = data.files
    assert sorted(files["train"] + files["validation"] + files["test"]) == sorted(examples)
    for name in data.class_names:
        per_split = tuple(sum(f.startswith(name + "/") for f in files[s]) for s in files)
        assert per_split == split_sizes(sum(per_split)), name
    assert [sum(f.startswith("owls/") for f in files[s]) for s in files] == [2, 0, 0]
    again = load_image_folder(folder)
    assert again.files == files and again.skipped == data.skipped
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(again.train, data.train))
    assert load_image_folder(folder, seed=7).files != files


def test_fixed_image_size_and_custom_split(folder):
    data = load_image_folder(folder, image_size=(20, 30), split=(0.5, 0.25, 0.25))
    assert data.train.element_spec[0].shape.as_list() == [20, 30, 3]
    assert {image.shape for image, _ in data.test.as_numpy_iterator()} == {(20, 30, 3)}
    assert [sum(f.startswith("dogs/") for f in data.files[s]) for s in data.files] == [5, 3, 3]


def test_training_two_epochs_over_the_datasets_raises_nothing(data):
    import keras

    cfg = PROFILES["offline"]
    train, validation = (prepare(ds, lambda image: image / 255.0, cfg, shuffle=s)
                         for ds, s in ((data.train, True), (data.validation, False)))
    model = keras.Sequential([keras.Input(cfg.input_shape), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(data.num_classes)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(train, validation_data=validation, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["val_loss"]).all()


def test_keras_own_loader_fails_mid_epoch_on_the_same_folder(folder, tmp_path):
    """The contrast: image_dataset_from_directory lists the broken files, then fails mid-epoch."""
    import keras
    import tensorflow as tf

    copy = tmp_path / "photos"  # without the FIFO, which would hang keras' reader forever
    shutil.copytree(folder, copy, symlinks=True, ignore=lambda _, names: [n for n in names if n == "pipe.jpg"])
    ds = keras.utils.image_dataset_from_directory(copy, image_size=(32, 32), batch_size=4, shuffle=False,
                                                  verbose=False)
    batches = 0
    with pytest.raises(tf.errors.OpError):
        for _ in ds:
            batches += 1
    assert batches > 0  # it failed in the middle of the epoch, not when it was made


def test_summary_shows_counts_per_class_and_split(data):
    text = repr(data)
    assert text.splitlines()[0] == (f"ImageData: 3 classes; train {len(data.files['train'])}, validation "
                                    f"{len(data.files['validation'])}, test {len(data.files['test'])} "
                                    f"images; {len(data.skipped)} files skipped")
    assert "owls" in text and f"... and {len(data.skipped) - 10} more in .skipped" in text


def test_load_image_reads_files_and_uploads_by_the_same_rules(folder):
    assert load_image(folder / "cats/rotated.jpg").shape == (60, 30, 3)
    upload = memoryview((folder / "cats/huge.jpg").read_bytes())
    assert load_image(upload, image_size=224).shape == (224, 224, 3)
    assert load_image(upload, max_side=60).shape == (40, 60, 3)
    for name, reason in [("dogs/truncated.jpg", "truncated"), ("dogs/pipe.jpg", "not a regular file"),
                         ("dogs/empty.jpg", "empty file")]:
        with pytest.raises(UnreadableImageError, match=f"^Cannot load '.*{name}' as an image: {reason}.*\\.$"):
            load_image(folder / name)
    with pytest.raises(UnreadableImageError, match="^Cannot load the image data as an image: empty file\\.$"):
        load_image(b"")


@pytest.mark.parametrize("files, target, message", [
    ({}, "missing", "does not exist"),
    ({"a.jpg": _photo(RED)}, "a.jpg", "is a file, not a folder"),
    ({"a.jpg": _photo(RED), ".hidden/b.jpg": _photo(RED)}, "", "has no class sub-folders"),
    ({"cats/a.jpg": _photo(RED)}, "", "has only one class sub-folder (cats)"),
    ({"cats/a.jpg": b"", "dogs/b.jpg": b"text"}, "", "No loadable image in"),
    ({"cats/a.jpg": _photo(RED), "dogs/b.jpg": b"text"}, "", "Only class 'cats'"),
], ids=["missing", "file", "no-classes", "one-class", "nothing-loadable", "one-loadable-class"])
def test_clear_one_sentence_errors(tmp_path, files, target, message):
    _make(tmp_path, files)
    with pytest.raises((ValueError, OSError)) as raised:
        load_image_folder(tmp_path / target)
    text = str(raised.value)
    assert message in text and "\n" not in text and text.endswith(".")


def test_prints_nothing_unless_asked(tmp_path, capsys):
    _make(tmp_path, {"a/1.png": _photo(RED, fmt="PNG"), "b/1.png": _photo(BLUE, fmt="PNG")})
    load_image_folder(tmp_path)
    assert capsys.readouterr().out == ""
    load_image_folder(tmp_path, verbose=True)
    assert capsys.readouterr().out.startswith("ImageData: 2 classes; train 2, validation 0, test 0 images")
