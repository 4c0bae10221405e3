"""A classifier saved with its preprocessing inside reloads (Keras format, safe mode) and agrees."""
from __future__ import annotations

import numpy as np
import pytest
from keras.applications.vgg16 import preprocess_input

import keras
from tlutils import layers
from tlutils.errors import DataFileError, FolderError


def _wrapped_classifier() -> keras.Model:
    """Photos of any size in 0-255 -> resize -> VGG16 preprocessing -> a tiny classifier."""
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((None, None, 3)), keras.layers.Resizing(16, 16),
                             layers.PreprocessInput("vgg16"), keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(5, activation="softmax")])


def test_the_layer_is_vgg16s_preprocess_input():
    images = np.random.default_rng(1).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    np.testing.assert_allclose(layers.PreprocessInput("vgg16")(images), preprocess_input(images.copy()), rtol=1e-6)


def test_a_saved_classifier_reloads_in_safe_mode_and_predicts_the_same(tmp_path):
    model = _wrapped_classifier()
    photos = np.random.default_rng(2).integers(0, 256, (3, 40, 30, 3)).astype("uint8")
    model.save(tmp_path / "classifier.keras")
    reloaded = layers.load_model(tmp_path / "classifier.keras")  # safe_mode stays True
    assert [type(layer).__name__ for layer in reloaded.layers][:2] == ["Resizing", "PreprocessInput"]
    np.testing.assert_array_equal(reloaded.predict(photos, verbose=0), model.predict(photos, verbose=0))


def test_an_unknown_application_is_one_sentence():
    with pytest.raises(ValueError, match="Unknown application 'vgg61'"):
        layers.PreprocessInput("vgg61")


# --- Damage to a saved model is named, with the fix ----------------------------------------------
def _cut(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _scribble(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["missing", "cut short", "scribbled over", "not a Keras file"])
def test_a_damaged_saved_model_is_one_sentence_naming_file_and_fix(damage, tmp_path):
    path = layers.save_model(_wrapped_classifier(), tmp_path / "01_feature_extraction.keras")
    {"missing": lambda p: p.unlink(), "cut short": _cut, "scribbled over": _scribble,
     "not a Keras file": lambda p: p.write_text("hello")}[damage](path)
    with pytest.raises(DataFileError) as info:
        layers.load_model(path)
    message = str(info.value)
    assert message.startswith(str(path)) and message.endswith(": run the cell that saved it again.")
    assert "\n" not in message


def test_weights_that_are_not_finite_are_refused(tmp_path):
    model = _wrapped_classifier()
    model.layers[-1].bias.assign(np.full(5, np.nan, "float32"))
    path = layers.save_model(model, tmp_path / "nan.keras")
    with pytest.raises(DataFileError, match=r"nan.keras holds weights that are not finite numbers .*dense"):
        layers.load_model(path)


def test_a_save_on_a_full_disk_is_one_sentence_and_keeps_the_previous_file(tmp_path, monkeypatch):
    path = layers.save_model(_wrapped_classifier(), tmp_path / "classifier.keras")
    before = path.read_bytes()

    def disk_fills(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as f:
            f.write(b"PK\x03\x04" + b"\0" * 1000)  # the first bytes of a zip, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keras.Model, "save", disk_fills)
    with pytest.raises(FolderError) as info:
        layers.save_model(_wrapped_classifier(), path)
    assert str(info.value) == (f"The disk holding {tmp_path} is full (writing classifier.keras): free some space "
                               "and run the cell again; what was saved before is unchanged.")
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["classifier.keras"]


def test_what_a_writer_left_open_on_a_full_disk_is_freed_quietly(tmp_path, monkeypatch):
    """h5py's half-written files complain when freed and crashed Python's exit (status 139)."""
    import gc
    import sys

    from tlutils.files import atomic_path

    complaints = []
    monkeypatch.setattr(sys, "unraisablehook", complaints.append)

    class HalfWrittenFile:
        def __del__(self):
            raise RuntimeError("Can't decrement id ref count (file write failed: errno = 28, error message = "
                               "'No space left on device')")

    def write(handle):
        raise OSError("Can't write data (file write failed: errno = 28, error message = 'No space left on device')")

    def writer(partial):
        try:
            write(HalfWrittenFile())  # held by the inner frame, as Keras' writer holds h5py's file
        finally:  # closing fails too: the first error is chained to this one
            raise RuntimeError("Can't close (file write failed: errno = 28)")

    with pytest.raises(FolderError) as info:
        with atomic_path(tmp_path / "x.weights.h5") as partial:
            writer(partial)
    del info
    gc.collect()
    assert complaints == []
