"""How hard a training loss pushes on a pretrained base: the norm of its gradient.

"A random head sends large gradients into the base" is a claim about this number. Lesson 02
writes :func:`base_gradient_norms` in its cells and measures it for Keras heads on
EfficientNet-Lite0 (tests/test_lesson_code.py keeps the two the same; its exercise checks a
learner's head with this copy); lesson 05 measures it for a text head.
"""
from __future__ import annotations

from typing import Any

import keras


def base_gradient_norms(base: keras.Model, heads: dict[str, keras.Model], images: Any,
                        labels: Any) -> dict[str, float]:
    """For each head on ``base``: the global L2 norm of the gradient of the mean sparse
    categorical cross-entropy on one batch with respect to the base's trainable weights.

    The base runs once, in inference mode (``training=False``: BatchNormalization on its moving
    statistics, Dropout off), and every head reads its output, so the numbers differ only by
    the head. The base must be trainable: the gradient is what would train it (a frozen base
    is refused in one sentence). Eager on purpose:
    tracing a graph of EfficientNet's backward pass took longer than running it.

    Example:
        >>> import numpy as np
        >>> base = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, use_bias=False,
        ...                          kernel_initializer="identity")])
        >>> head = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax",
        ...                          use_bias=False, kernel_initializer="identity")])
        >>> norms = base_gradient_norms(base, {"head": head}, np.array([[1.0, 0.0]]), np.array([0]))
        >>> round(norms["head"], 4), round(np.sqrt(2) / (np.e + 1), 4)  # p - y = (-1, 1) / (e + 1)
        (0.3803, np.float64(0.3803))
    """
    import tensorflow as tf

    if not base.trainable_weights:  # a frozen base has no gradient to measure: say so, not 0
        raise ValueError("The base is frozen: set base.trainable = True to measure what would train it.")
    with tf.GradientTape(persistent=True) as tape:  # persistent: one gradient per head
        features = base(images, training=False)
        losses = {name: tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, head(features)))
                  for name, head in heads.items()}
    return {name: float(tf.linalg.global_norm(tape.gradient(loss, base.trainable_weights)))
            for name, loss in losses.items()}
