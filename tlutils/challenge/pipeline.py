"""Flowers-102 input pipelines: one shared augmentation, images for training, cached features.

Lesson 06 writes ``augmentation``, ``image_batches``, ``feature_extractor`` and
``extract_features`` in its cells (tests/test_lesson_code.py keeps the two copies the same)."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from ..config import Config
from ..data import ImageData, load_image_dataset, load_lesson_images
from ..files import read_arrays, write_arrays
from .sizes import SPLITS, ChallengeSizes

Preprocess = Callable[[tf.Tensor], tf.Tensor]


def load_flowers102(cfg: Config, sizes: ChallengeSizes) -> ImageData:
    """Oxford Flowers-102 (102 classes) through tensorflow-datasets, cut to the run's sizes.

    Offline, where nothing can be downloaded, the course's tf_flowers photos (600 real flower
    photos, 5 classes, split 200 / 100 / 300 as in lessons 01 and 02) stand in: a small real challenge. Either way the
    sizes' ``max_train`` and ``max_eval`` cap the splits when set.
    """
    if cfg.offline:
        data = load_lesson_images(cfg)
        caps = {"train": sizes.max_train, "validation": sizes.max_eval, "test": sizes.max_eval}
        return dataclasses.replace(data, **{name: getattr(data, name).take(n) for name, n in caps.items() if n})
    run_cfg = dataclasses.replace(cfg, max_train=sizes.max_train, max_eval=sizes.max_eval,
                                  image_size=sizes.image_size, batch_size=sizes.batch_size)
    return load_image_dataset("oxford_flowers102", SPLITS, run_cfg)


def augmentation(seed: int) -> keras.Sequential:
    """The one augmentation every approach uses: horizontal flips, rotations of up to ±36°
    (``RandomRotation(0.1)`` is a fraction of a full turn) and zooms of up to ±15 %.

    Example:
        >>> [layer.name for layer in augmentation(0).layers]
        ['flip', 'rotate', 'zoom']
    """
    return keras.Sequential([
        keras.layers.RandomFlip("horizontal", seed=seed, name="flip"),
        keras.layers.RandomRotation(0.1, seed=seed, name="rotate"),
        keras.layers.RandomZoom(0.15, seed=seed, name="zoom"),
    ], name="augmentation")


def image_batches(ds: tf.data.Dataset, sizes: ChallengeSizes, preprocess: Preprocess,
                  augment_seed: int | None = None, shuffle_seed: int | None = None) -> tf.data.Dataset:
    """Resize, (shuffle,) batch, (augment,) apply the base's ``preprocess``, prefetch."""
    size = (sizes.image_size, sizes.image_size)
    ds = ds.map(lambda image, label: (tf.image.resize(image, size), label),
                num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle_seed is not None:
        ds = ds.shuffle(2048, seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(sizes.batch_size)
    if augment_seed is not None:
        augment = augmentation(augment_seed)
        ds = ds.map(lambda images, labels: (augment(images, training=True), labels),
                    num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.map(lambda images, labels: (preprocess(images), labels),
                num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def feature_extractor(base: keras.Model) -> keras.Model:
    """The base and global average pooling: one feature vector per image."""
    return keras.Sequential([base, keras.layers.GlobalAveragePooling2D()])


def extract_features(extractor: keras.Model, ds: tf.data.Dataset, sizes: ChallengeSizes, preprocess: Preprocess,
                     augment_seed: int | None = None) -> np.ndarray:
    """The frozen ``extractor``'s features of every image of ``ds``, in order (one augmented view
    of each when ``augment_seed`` is set)."""
    # Inference keeps no activations for a backward pass, so it affords larger batches.
    batches = image_batches(ds, dataclasses.replace(sizes, batch_size=2 * sizes.batch_size), preprocess,
                            augment_seed)
    return extractor.predict(batches.map(lambda images, labels: images), verbose=0)


def labels_of(ds: tf.data.Dataset) -> np.ndarray:
    """All labels of an unbatched (image, label) dataset, in order."""
    return np.array([int(label) for label in ds.map(lambda image, label: label)])


def read_features(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The (features, labels) saved in ``path``; None when it is missing or damaged (arrays of
    different lengths included), which :func:`tlutils.files.read_arrays` says in one line."""
    def same_length(arrays: dict[str, np.ndarray]) -> None:
        if len(arrays["x"]) != len(arrays["y"]):
            raise ValueError(f"{len(arrays['x'])} feature rows for {len(arrays['y'])} labels")

    saved = read_arrays(path, ["x", "y"], same_length)
    return None if saved is None else (saved["x"], saved["y"])


def cached_features(make_extractor: Callable[[], keras.Model], data: ImageData, sizes: ChallengeSizes,
                    folder: Path, seed: int, preprocess: Preprocess, tick: Callable[[], Any] = lambda: None,
                    splits: tuple[str, ...] = ("train", "validation", "test"),
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Features of every image of ``splits`` through the frozen extractor, computed once and
    kept on disk. ``make_extractor`` is called only if some features are not on disk yet.

    The training set gets ``sizes.views`` differently augmented passes (view k uses seed
    ``seed + k``), so the head still sees augmented data; validation and test are not
    augmented. Each view is saved as soon as it is done, so an interrupted run keeps it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    jobs = {f"train_view{k}": (data.train, seed + k) for k in range(sizes.views) if "train" in splits}
    jobs.update({name: (getattr(data, name), None) for name in ("validation", "test") if name in splits})
    arrays, extractor, labels = {}, None, {}
    for name, (ds, augment_seed) in jobs.items():
        path = folder / f"{name}.npz"
        saved = read_features(path)
        if saved is None:
            print(f"  computing features: {name}", flush=True)
            extractor = extractor or make_extractor()
            extractor.run_eagerly = sizes.run_eagerly
            x = extract_features(extractor, ds, sizes, preprocess, augment_seed)
            split = name.split("_view")[0]  # every training view has the training labels, in order
            if split not in labels:
                labels[split] = labels_of(ds)
            write_arrays(path, x=x, y=labels[split])
            tick()
            saved = x, labels[split]
        arrays[name] = saved
    if "train" in splits:
        views = [arrays.pop(f"train_view{k}") for k in range(sizes.views)]
        arrays["train"] = (np.concatenate([v[0] for v in views]), np.concatenate([v[1] for v in views]))
    return arrays
