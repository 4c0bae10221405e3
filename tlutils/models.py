"""Pretrained Keras bases: freezing and unfreezing them (the loop lesson 02 writes out), and the
real ImageNet EfficientNet-Lite0 that every profile has (see :mod:`tlutils.lite0`)."""
from __future__ import annotations

import keras

from .lite0 import decode_predictions, efficientnet_lite0, imagenet_class_names

__all__ = ["decode_predictions", "efficientnet_lite0", "imagenet_class_names", "unfreeze_top"]


def unfreeze_top(base: keras.Model, n: int, keep_batchnorm_frozen: bool = True) -> list[str]:
    """Make the last ``n`` layers of ``base`` trainable and freeze the rest.

    BatchNormalization layers stay frozen when ``keep_batchnorm_frozen``: their moving statistics
    were learned on the pretraining data, and small fine-tuning batches would overwrite them.
    In Keras 3 a frozen BatchNormalization layer runs in inference mode, while calling the base
    with ``training=False`` does not protect it once ``fit`` runs (keras-team/keras#20285;
    measured in lesson 05). Re-compile the model afterwards: a change of ``trainable`` takes
    effect at the next ``compile``. Returns the trainable layers' names.

    Example:
        >>> base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        >>> unfreeze_top(base, 4)
        ['block5_conv1', 'block5_conv2', 'block5_conv3', 'block5_pool']
    """
    if not 0 <= n <= len(base.layers):
        raise ValueError(f"n must be between 0 and {len(base.layers)} (the base's layers), not {n}")
    base.trainable = True
    for index, layer in enumerate(base.layers):
        top = index >= len(base.layers) - n
        is_bn = isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = top and not (is_bn and keep_batchnorm_frozen)
    return [layer.name for layer in base.layers if layer.trainable]
