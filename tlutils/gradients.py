"""How hard a training loss pushes on a network's weights: the norm of its gradient.

"A random head sends large gradients into the base" is a claim about this number. Lesson 05
measures it for a Transformers head (written out there for a BERT model); lesson 02 measures it
for a Keras head on EfficientNet-Lite0 with :func:`gradient_norm`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np


def gradient_norm(model: keras.Model, variables: Sequence[Any], images: Any, labels: Any) -> float:
    """Global L2 norm of the gradient of ``model``'s mean sparse categorical cross-entropy on one
    batch with respect to ``variables``, the model run in inference mode.

    Inference mode (``training=False``) keeps Dropout off and BatchNormalization on its moving
    statistics, so the number depends only on the weights and the batch. The variables may be
    frozen: the gradient is what would reach them once they are unfrozen. The step runs as one
    compiled graph (faster than eager on EfficientNet).

    Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax",
        ...                           kernel_initializer="zeros")])
        >>> round(gradient_norm(model, model.weights, np.ones((4, 2)), np.zeros(4, int)), 4)  # sqrt(1.5)
        1.2247
    """
    import tensorflow as tf

    images = tf.convert_to_tensor(images, dtype="float32")
    labels = tf.convert_to_tensor(labels)
    tensors = [getattr(v, "value", v) for v in variables]  # Keras 3 variables wrap a tf.Variable

    @tf.function
    def norm() -> tf.Tensor:
        with tf.GradientTape() as tape:
            tape.watch(tensors)
            probabilities = model(images, training=False)
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities))
        return tf.linalg.global_norm(tape.gradient(loss, tensors))

    return float(norm())
