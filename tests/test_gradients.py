"""base_gradient_norms: what a head's loss sends into a base, the measure behind lesson 02."""
from __future__ import annotations

import numpy as np
import pytest

import keras
from tlutils.gradients import base_gradient_norms


def _identity_dense(activation=None) -> keras.Sequential:
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, use_bias=False, activation=activation,
                                                                   kernel_initializer="identity")])


def test_the_norm_is_the_hand_computed_one():
    """Identity base and head: logits = x, so dL/dW_base = outer(x, p - onehot(y))."""
    x, y = np.array([[2.0, 0.0]]), np.array([1])
    p = np.exp([2.0, 0.0]) / np.exp([2.0, 0.0]).sum()
    expected = np.linalg.norm(np.outer(x[0], p - [0.0, 1.0]))
    base = _identity_dense()
    assert np.isclose(base_gradient_norms(base, {"h": _identity_dense("softmax")}, x, y)["h"], expected, rtol=1e-5)


def test_each_head_gets_its_own_norm_from_one_pass_of_the_base():
    x, y = np.array([[2.0, 0.0]]), np.array([1])
    zero_head = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax",
                                                                        kernel_initializer="zeros")])
    norms = base_gradient_norms(_identity_dense(), {"identity": _identity_dense("softmax"), "zeros": zero_head}, x, y)
    assert norms["zeros"] == 0.0 < norms["identity"]  # a zero head passes nothing back


def test_a_frozen_base_is_refused_in_one_sentence():
    base = _identity_dense()
    base.trainable = False
    with pytest.raises(ValueError, match="The base is frozen"):
        base_gradient_norms(base, {"h": _identity_dense("softmax")}, np.array([[1.0, 0.0]]), np.array([0]))
