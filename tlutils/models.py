"""Pretrained Keras bases: the lessons' ImageNet base in every profile (the choice lesson 01
writes out), freezing and unfreezing it (the loop lesson 02 writes out), and the real ImageNet
EfficientNet-Lite0 that every profile has (see :mod:`tlutils.lite0`)."""
from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any

import keras

from .config import Config
from .environment import current
from .lite0 import decode_predictions, efficientnet_lite0, imagenet_class_names

__all__ = ["PretrainedBase", "base_application", "decode_predictions", "efficientnet_lite0",
           "imagenet_class_names", "preprocess_input", "pretrained_base", "unfreeze_top"]

# keras.applications' classes for the bases the source text uses, and their preprocessing module.
KERAS_BASES = {"vgg16": ("VGG16", "vgg16"), "resnet50": ("ResNet50", "resnet50")}


@dataclasses.dataclass(frozen=True)
class PretrainedBase:
    """An ImageNet base without its classifier, and the preprocessing it was trained with.

    ``application`` names the ``keras.applications`` module whose ``preprocess_input`` this is,
    as :class:`tlutils.layers.PreprocessInput` takes it.
    """

    model: keras.Model
    preprocess_input: Callable[[Any], Any]
    application: str


def pretrained_base(name: str, input_shape: tuple[int, int, int], cfg: Config | None = None,
                    weights: str | None = "imagenet", pooling: str | None = None) -> PretrainedBase:
    """``keras.applications``' VGG16 or ResNet50 (``name`` "vgg16" or "resnet50") with its
    ImageNet weights, without its classifier; where Keras cannot download them (the offline
    profile), EfficientNet-Lite0, pretrained on ImageNet and installed as a package, stands in.

    Lesson 01 writes this choice out. Lite0's own preprocessing is inside the model, so its
    ``preprocess_input`` (``keras.applications.efficientnet``'s) passes pixels through: each
    base gets the preprocessing it was trained with. ``weights=None`` gives the same network with
    random weights (training from scratch); ``pooling`` ("avg" or "max") pools the last feature
    map, as in ``keras.applications``. The Keras bases download once into the course cache.

    Example:
        >>> from tlutils.config import PROFILES
        >>> base = pretrained_base("vgg16", (96, 96, 3), PROFILES["offline"])
        >>> base.model.name, base.application, base.model.output.shape[-1]
        ('efficientnet_lite0', 'efficientnet', 1280)
    """
    cfg = cfg or current()
    application = base_application(name, cfg)
    if cfg.vision_stand_in:
        model = efficientnet_lite0(include_top=False, input_shape=input_shape, pooling=pooling, weights=weights,
                                   cfg=cfg)
    else:
        build = getattr(keras.applications, KERAS_BASES[name][0])
        if weights is None:
            model = build(weights=None, include_top=False, input_shape=input_shape, pooling=pooling)
        else:
            from .downloads import downloading

            with downloading(f"the {KERAS_BASES[name][0]} ImageNet weights", cfg.cache_dir / "keras"):
                model = build(weights=weights, include_top=False, input_shape=input_shape, pooling=pooling)
    return PretrainedBase(model, preprocess_input(application), application)


def base_application(name: str, cfg: Config | None = None) -> str:
    """The ``keras.applications`` module whose preprocessing :func:`pretrained_base` uses for
    ``name`` in this profile ("efficientnet" where Lite0 stands in), without building anything.

    Example:
        >>> from tlutils.config import PROFILES
        >>> base_application("resnet50", PROFILES["quick"]), base_application("resnet50", PROFILES["offline"])
        ('resnet50', 'efficientnet')
    """
    cfg = cfg or current()
    if name not in KERAS_BASES:
        raise ValueError(f"Unknown base {name!r}: choose one of {', '.join(KERAS_BASES)}.")
    return "efficientnet" if cfg.vision_stand_in else KERAS_BASES[name][1]


def preprocess_input(application: str) -> Callable[[Any], Any]:
    """``keras.applications.<application>.preprocess_input``."""
    return importlib.import_module(f"keras.applications.{application}").preprocess_input


def unfreeze_top(base_model: keras.Model, n_layers: int, keep_batchnorm_frozen: bool = True) -> list[str]:
    """Make the last ``n_layers`` layers of ``base_model`` trainable and freeze the rest.

    BatchNormalization layers stay frozen when ``keep_batchnorm_frozen``: their moving statistics
    were learned on the pretraining data, and small fine-tuning batches would overwrite them.
    In Keras 3 a frozen BatchNormalization layer runs in inference mode, while calling the base
    with ``training=False`` does not protect it once ``fit`` runs (keras-team/keras#20285;
    measured in lesson 05). Re-compile the model afterwards: a change of ``trainable`` takes
    effect at the next ``compile``. Returns the trainable layers' names. Lesson 02 writes this
    function (as ``unfreeze_top_block``; tests/test_lesson_code.py keeps the two the same).

    Example:
        >>> base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        >>> unfreeze_top(base, 4)
        ['block5_conv1', 'block5_conv2', 'block5_conv3', 'block5_pool']
    """
    if not 0 <= n_layers <= len(base_model.layers):
        raise ValueError(f"n_layers must be between 0 and {len(base_model.layers)} (the base's layers), "
                         f"not {n_layers}")
    base_model.trainable = True
    for index, layer in enumerate(base_model.layers):
        in_top = index >= len(base_model.layers) - n_layers
        is_batchnorm = isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = in_top and not (is_batchnorm and keep_batchnorm_frozen)
    return [layer.name for layer in base_model.layers if layer.trainable]
