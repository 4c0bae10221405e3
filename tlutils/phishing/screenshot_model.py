"""The capstone's screenshot model: a frozen ImageNet CNN with a new head on rendered e-mails.

The base follows the profile: ResNet50 with ImageNet weights in ``full`` and ``quick`` (as the
course's source text says), and the real ImageNet EfficientNet-Lite0 offline (Keras' ResNet50
has random weights there). The base stays frozen, so its pooled features of each screenshot are
computed once and cached in the course cache; the head (unit-length scaling, dropout, one
sigmoid unit) trains on them in a second.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..files import atomic_path
from .data import Email
from .render import render_email

BASES = {"offline": "EfficientNet-Lite0 (ImageNet, packaged)", "quick": "ResNet50 (ImageNet, Keras)",
         "full": "ResNet50 (ImageNet, Keras)"}
RENDER_VERSION = 1  # bump when render.py draws differently: cached features are then recomputed


def base_name(cfg: Config) -> str:
    """Which pretrained base the profile's screenshot model uses."""
    return BASES[cfg.profile]


def base_input_size(cfg: Config) -> int:
    """The side, in pixels, the screenshots are resized to for the base (the profile's image
    size for ResNet50 in quick, 224 otherwise)."""
    return cfg.image_size if cfg.profile == "quick" else 224


def load_base(cfg: Config) -> Any:
    """The profile's frozen base with global average pooling; it takes RGB values 0-255
    (each base's own preprocessing is inside the model)."""
    import keras

    size = base_input_size(cfg)
    if cfg.profile == "offline":
        from ..lite0 import efficientnet_lite0

        base = efficientnet_lite0(include_top=False, pooling="avg", input_shape=(size, size, 3), cfg=cfg)
    else:
        from ..downloads import downloading

        with downloading("the ResNet50 ImageNet weights", cfg.cache_dir / "keras"):
            resnet = keras.applications.ResNet50(weights="imagenet", include_top=False, pooling="avg",
                                                 input_shape=(size, size, 3))
        inputs = keras.Input((size, size, 3))
        base = keras.Model(inputs, resnet(keras.applications.resnet50.preprocess_input(inputs)),
                           name="resnet50_imagenet")
    base.trainable = False
    return base


def screenshot(email_or_fields: Email | dict) -> np.ndarray:
    """The rendered screenshot of one e-mail as a uint8 array (``render.SIZE`` square, RGB)."""
    if isinstance(email_or_fields, Email):
        e = email_or_fields
        fields = dict(sender=f"{e.sender_name} <{e.sender_address}>", subject=e.subject, html=e.html)
    else:
        fields = email_or_fields
    return np.asarray(render_email(**fields))


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
    base, renderer and e-mails were seen before (written atomically, ``.npz`` without pickle)."""
    key = hashlib.sha256("\n".join([base_name(cfg), str(base_input_size(cfg)), str(RENDER_VERSION)]
                                   + [e.id + e.sender_address + e.subject + e.html for e in emails]).encode())
    path = Path(cfg.cache_dir) / "phishing-features" / f"{cfg.profile}-{key.hexdigest()[:16]}.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as stored:
            return stored["features"]
    values = features(base, [screenshot(e) for e in emails], base_input_size(cfg))
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as partial:
        np.savez(partial, features=values)
    return values


def build_head(dimension: int, seed: int | None = None) -> Any:
    """The new head: features scaled to unit length, dropout, one sigmoid unit (phishing).

    ``seed`` seeds Python, NumPy and TensorFlow first (for training); loading a saved head
    passes none, so it leaves the caller's random state alone.
    """
    import keras

    if seed is not None:
        keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((dimension,)), keras.layers.UnitNormalization(),
                             keras.layers.Dropout(0.2), keras.layers.Dense(1, activation="sigmoid")],
                            name="screenshot_head")


def train_head(X: np.ndarray, y: Sequence[int], *, seed: int, steps: int, learning_rate: float) -> Any:
    """Train :func:`build_head` on cached features with Adam: ``steps`` full-batch steps in one
    epoch (per-epoch overhead dominated when each of 100 epochs held one step: 48 s against a few)."""
    import keras
    import tensorflow as tf

    head = build_head(X.shape[1], seed)
    head.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    batches = tf.data.Dataset.from_tensors((X, np.asarray(y, dtype="float32").reshape(-1, 1))).repeat()
    head.fit(batches, steps_per_epoch=steps, epochs=1, verbose=0)
    return head


def head_probabilities(head: Any, X: np.ndarray) -> np.ndarray:
    """The head's phishing probability for each row of features."""
    return np.asarray(head(X, training=False)).reshape(-1).astype("float64")
