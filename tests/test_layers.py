"""A classifier saved with its preprocessing inside reloads (Keras format, safe mode) and agrees."""
from __future__ import annotations

import numpy as np
import pytest
from keras.applications.vgg16 import preprocess_input

import keras
from tlutils import layers


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
