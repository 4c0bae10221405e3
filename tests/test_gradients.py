"""gradient_norm: what a loss sends into (frozen) weights, the measure behind lesson 02's claim."""
from __future__ import annotations

import numpy as np

import keras
from tlutils.gradients import gradient_norm


def _base_and_head() -> tuple[keras.Model, keras.Model]:
    keras.utils.set_random_seed(0)
    base = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu")])
    head = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation="softmax")])
    return base, head


def test_a_frozen_base_still_reports_the_gradient_that_would_reach_it():
    base, head = _base_and_head()
    base.trainable = False
    x = np.random.default_rng(0).normal(size=(16, 6))
    y = np.arange(16) % 3
    assert gradient_norm(keras.Sequential([base, head]), base.weights, x, y) > 0



def test_the_norm_is_the_hand_computed_one_for_a_linear_softmax():
    """Zero weights: p = 1/2 for both classes, so dL/dlogits = p - onehot(y) = (-1/2, 1/2)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax",
                                                                   kernel_initializer="zeros")])
    x = np.array([[1.0, 2.0, 2.0], [1.0, 2.0, 2.0]])
    y = np.array([0, 0])
    kernel, bias = model.weights
    expected_kernel = np.sqrt(2 * (0.5 * 3) ** 2)  # |x| = 3: each class column gets 0.5 * x
    assert np.isclose(gradient_norm(model, [kernel], x, y), expected_kernel, rtol=1e-5)
    assert np.isclose(gradient_norm(model, [kernel, bias], x, y), np.sqrt(expected_kernel ** 2 + 0.5), rtol=1e-5)
