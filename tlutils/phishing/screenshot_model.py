"""The capstone's screenshot model: a frozen ImageNet CNN with a new head on rendered e-mails.

The base is the course's ResNet50 with ImageNet weights, or the EfficientNet-Lite0 that stands in
for it offline (:func:`tlutils.models.pretrained_base` decides, from the profile's Config), read
at the profile's ``screenshot_size``. The base stays frozen, so its pooled features of each
screenshot are computed once and cached in the course cache; the head
(:class:`~tlutils.phishing.heads.LinearHead`, logistic regression) trains on them in a second.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..files import read_arrays, write_arrays
from .data import Email
from .inputs import page_html
from .render import render_email

# How a bundle and the feature cache name each base, by the keras.applications module whose
# preprocessing it takes (tlutils.models.base_application).
BASE_NAMES = {"resnet50": "ResNet50 (ImageNet, Keras)", "efficientnet": "EfficientNet-Lite0 (ImageNet, packaged)"}
RENDER_VERSION = 3  # bump when render.py draws differently: cached features are then recomputed


def base_name(cfg: Config) -> str:
    """Which pretrained base the profile's screenshot model uses."""
    from ..models import base_application

    return BASE_NAMES[base_application("resnet50", cfg)]


def load_base(cfg: Config) -> Any:
    """The profile's frozen base with global average pooling; it takes RGB values 0-255
    (each base's own preprocessing is inside the model)."""
    import keras

    from ..models import pretrained_base

    shape = (cfg.screenshot_size, cfg.screenshot_size, 3)
    pretrained = pretrained_base("resnet50", shape, cfg, pooling="avg")
    inputs = keras.Input(shape)
    base = keras.Model(inputs, pretrained.model(pretrained.preprocess_input(inputs)),
                       name=f"{pretrained.model.name}_imagenet")
    base.trainable = False
    return base


def screenshot(*, sender: str, subject: str, html: str | None, text: str | None) -> np.ndarray:
    """The screenshot of one e-mail as the model sees it, for training and serving alike: the
    render of :func:`~tlutils.phishing.inputs.page_html`, a uint8 array (``render.SIZE`` square, RGB)."""
    return np.asarray(render_email(sender=sender, subject=subject, html=page_html(html=html, text=text)))


def email_screenshot(e: Email) -> np.ndarray:
    """:func:`screenshot` of a data set's e-mail."""
    return screenshot(sender=e.sender, subject=e.subject, html=e.html, text=e.text)


def features(base: Any, images: Sequence[np.ndarray], size: int, batch_size: int = 32) -> np.ndarray:
    """The base's pooled features of uint8 screenshots, resized to ``size`` pixels."""
    import tensorflow as tf

    rows = []
    for start in range(0, len(images), batch_size):
        batch = tf.image.resize(np.stack(images[start:start + batch_size]).astype("float32"), (size, size),
                                antialias=True)
        rows.append(np.asarray(base.predict_on_batch(batch)))
    return np.concatenate(rows).astype("float32")


def cached_features(emails: Sequence[Email], base: Any, cfg: Config) -> np.ndarray:
    """:func:`features` of the e-mails' screenshots, read from the course cache when the same
    base, renderer and e-mails were seen before (:func:`tlutils.files.read_arrays`; a damaged
    file is computed again)."""
    key = hashlib.sha256("\n".join([base_name(cfg), str(cfg.screenshot_size), str(RENDER_VERSION)]
                                   + [e.id + e.sender + e.subject + e.html + e.text for e in emails]).encode())
    path = Path(cfg.cache_dir) / "phishing-features" / f"{cfg.profile}-{key.hexdigest()[:16]}.npz"
    saved = read_arrays(path, ["features"])
    if saved is not None:
        return saved["features"]
    values = features(base, [email_screenshot(e) for e in emails], cfg.screenshot_size)
    write_arrays(path, features=values)
    return values
