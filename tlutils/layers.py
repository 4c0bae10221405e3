"""Keras layers that a saved model carries, so that it takes photos as they are.

Lesson 01 wraps its trained classifier with resizing and VGG16's ``preprocess_input`` and
saves it in the Keras format: whoever loads it (a later lesson, an app) feeds RGB photos of
any size in 0-255 and need not know how VGG16 wants its inputs. Importing ``tlutils``
registers the layer, so ``keras.saving.load_model`` finds it without ``safe_mode=False``
(a ``Lambda`` layer would need that, since it stores Python bytecode).
"""
from __future__ import annotations

import importlib
from typing import Any

import keras

# keras.applications modules whose preprocess_input this layer may call.
APPLICATIONS = ("vgg16", "vgg19", "resnet50", "resnet", "mobilenet_v2", "efficientnet", "xception",
                "inception_v3", "densenet", "convnext")


@keras.saving.register_keras_serializable(package="tlutils")
class PreprocessInput(keras.layers.Layer):
    """``keras.applications.<application>.preprocess_input`` as a layer that saves with the model.

    Example:
        >>> import numpy as np
        >>> print(np.asarray(PreprocessInput("vgg16")(np.array([[[[255.0, 0.0, 0.0]]]]))).round(2))  # B, G, R
        [[[[-103.94 -116.78  131.32]]]]
    """

    def __init__(self, application: str = "vgg16", **kwargs: Any) -> None:
        if application not in APPLICATIONS:
            raise ValueError(f"Unknown application {application!r}: choose one of {', '.join(APPLICATIONS)}.")
        super().__init__(**kwargs)
        self.application = application
        self._preprocess = importlib.import_module(f"keras.applications.{application}").preprocess_input

    def call(self, images: Any) -> Any:
        """Preprocess a batch of RGB images in 0-255."""
        return self._preprocess(keras.ops.cast(images, "float32"))

    def get_config(self) -> dict[str, Any]:
        """The layer's settings, so that the saved model rebuilds it."""
        return {**super().get_config(), "application": self.application}


def load_model(path: Any) -> keras.Model:
    """``keras.saving.load_model`` with this module's layers registered (safe mode stays on).

    Importing this module is what registers :class:`PreprocessInput`; a fresh session that
    loads a saved lesson model calls this instead of remembering to import it first.
    """
    return keras.saving.load_model(path)
