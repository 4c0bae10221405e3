"""What a pretrained network already knows: its features, and a linear probe on them.

A *linear probe* trains only a linear classifier (here scikit-learn's logistic regression on
features scaled to unit length) on a frozen network's pooled features, from very few labelled examples.
If the features already separate the classes, a handful of labels per class suffices; with
random weights they do not. Lesson 00 writes :func:`probe_splits` and :func:`linear_probe` in
its cells (tests/test_lesson_code.py keeps the two the same); lesson 05 reuses them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer
from threadpoolctl import threadpool_limits


def extract_features(model: Any, images: Any, image_size: int = 224,
                     batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Run ``model`` over ``(image, label)`` pairs resized to ``image_size``; return (features, labels).

    ``images`` is an unbatched ``tf.data.Dataset`` such as ``ImageData.train``. A Keras model
    runs each batch through its compiled ``predict_on_batch`` (graph mode: 2.6x faster than
    calling EfficientNet-Lite0 eagerly, measured on the course photos); a bare layer such as
    ``Flatten`` (raw pixels as features) is called directly.

    Example:
        >>> import keras, tensorflow as tf
        >>> model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.GlobalAveragePooling2D()])
        >>> ds = tf.data.Dataset.from_tensor_slices((tf.zeros((3, 5, 5, 3)), [0, 1, 1]))
        >>> X, y = extract_features(model, ds, image_size=8)
        >>> X.shape, y.tolist()
        ((3, 3), [0, 1, 1])
    """
    import tensorflow as tf

    size = (image_size, image_size)
    batches = images.map(lambda image, label: (tf.image.resize(image, size), label)).batch(batch_size)
    run = getattr(model, "predict_on_batch", None) or (lambda x: model(x, training=False))
    features, labels = [], []
    for x, y in batches:
        features.append(np.asarray(run(x)))
        labels.append(np.asarray(y))
    return np.concatenate(features), np.concatenate(labels).astype(int)


def probe_splits(labels: Sequence[int], labels_per_class: int, test_per_class: int,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of one probe split: ``labels_per_class`` training and ``test_per_class`` test
    examples of every class, drawn without overlap.

    The test examples depend only on ``seed`` (not on ``labels_per_class``), so one seed gives
    the same test set for every number of labels. Lesson 00 writes this function.

    Example:
        >>> train, test = probe_splits([0, 0, 0, 1, 1, 1], 1, 2, seed=0)
        >>> len(train), len(test), set(train) & set(test)
        (2, 4, set())
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        if len(members) < labels_per_class + test_per_class:
            raise ValueError(f"class {c} has {len(members)} examples; the probe needs "
                             f"{labels_per_class} + {test_per_class}")
        test.extend(members[:test_per_class])
        train.extend(members[test_per_class:test_per_class + labels_per_class])
    return np.array(train), np.array(test)


def linear_probe(features: np.ndarray, labels: Sequence[int], labels_per_class: int,
                 splits: int = 20, test_per_class: int = 8, seed: int = 0) -> np.ndarray:
    """Test accuracy of a linear classifier trained on ``labels_per_class`` examples per class,
    for ``splits`` random splits (one accuracy per split).

    Each feature vector is scaled to unit length first: standardising each feature would need
    more examples than one per class to estimate (measured on the course photos: 0.70 instead of
    0.37 with one label per class). Lesson 00 writes this function.

    Example:
        >>> X = np.r_[np.tile([1.0, 0.0], (10, 1)), np.tile([0.0, 1.0], (10, 1))]; y = [0] * 10 + [1] * 10
        >>> linear_probe(X, y, labels_per_class=2, splits=3, test_per_class=5).tolist()
        [1.0, 1.0, 1.0]
    """
    labels = np.asarray(labels)
    accuracies = []
    # One BLAS thread: these fits are tiny, and more threads only wait for each other (measured
    # 5x slower with two threads on a busy 2-core machine).
    with threadpool_limits(1):
        for split in range(splits):
            train, test = probe_splits(labels, labels_per_class, test_per_class, seed + split)
            classifier = make_pipeline(Normalizer(), LogisticRegression(max_iter=1000))
            classifier.fit(features[train], labels[train])
            accuracies.append(classifier.score(features[test], labels[test]))
    return np.array(accuracies)


def probe_table(features: dict[str, np.ndarray], labels: Sequence[int],
                labels_per_class: Sequence[int] = (1, 5, 20), **probe_args: Any
                ) -> dict[str, dict[int, np.ndarray]]:
    """:func:`linear_probe` for every feature set and every number of labels per class.

    Returns ``{name: {k: accuracies}}``, the same splits for every feature set.
    """
    return {name: {k: linear_probe(X, labels, k, **probe_args) for k in labels_per_class}
            for name, X in features.items()}
