"""The three approaches of the challenge, each resumable: feature extraction on cached
features, fine-tuning the top 20 layers of ResNet50, and training ResNet50 from scratch.

The base is :func:`tlutils.models.pretrained_base`'s: ResNet50 with ImageNet weights in ``full``
and ``quick``; offline, where Keras cannot download them, the packaged ImageNet EfficientNet-Lite0
stands in (and is what "from scratch" trains with random weights).

Lesson 06 writes the head, the training steps and the three approaches in its cells and hands
those to :func:`~tlutils.challenge.runner.run` (``runners=``); tests/test_lesson_code.py keeps
its copies and these the same."""
from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from sklearn.metrics import accuracy_score, balanced_accuracy_score

from ..config import Config
from ..files import atomic_path, read_json, write_json
from ..models import base_application, preprocess_input, pretrained_base, unfreeze_top
from ..params import count_params
from .pipeline import cached_features, feature_extractor, image_batches, labels_of
from .sizes import APPROACHES, ChallengeSizes  # noqa: F401 (APPROACHES: the names of RUNNERS)
from .state import EpochBackup, train_once

PREDICTIONS = "test_predictions.npz"  # each approach's test labels and predictions
UNFROZEN_LAYERS = 20  # the challenge: "fine-tuning ResNet50 (unfreeze top 20 layers)"


class Clock:
    """Wall time spent on one approach, kept in ``clock.json`` across interrupted runs."""

    def __init__(self, folder: Path):
        self.path = folder / "clock.json"
        fix = "delete it to count this approach's time from zero again"
        self.saved = read_json(self.path, fix)["seconds"] if self.path.exists() else 0.0
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return self.saved + time.perf_counter() - self.start

    def tick(self) -> None:
        """Write the time so far (called after every epoch and every feature view)."""
        write_json(self.path, {"seconds": self.seconds})


class Context:
    """What every approach needs: sizes, data, strategy, its folder, callbacks, options."""

    def __init__(self, sizes: ChallengeSizes, data: Any, strategy: tf.distribute.Strategy,
                 out_dir: Path, cfg: Config, jit_compile: bool,
                 extra_callbacks: Sequence[keras.callbacks.Callback] = ()):
        self.sizes, self.data, self.strategy, self.out_dir = sizes, data, strategy, out_dir
        self.cfg, self.seed, self.jit_compile = cfg, cfg.seed, jit_compile
        self.extra_callbacks = list(extra_callbacks)
        # The base's own preprocessing, known without building the base.
        self.preprocess = preprocess_input(base_application("resnet50", cfg))

    def base(self, pretrained: bool = True) -> Any:
        """The challenge's base (:func:`tlutils.models.pretrained_base`), ImageNet or random weights."""
        size = self.sizes.image_size
        return pretrained_base("resnet50", (size, size, 3), self.cfg, "imagenet" if pretrained else None)

    def folder(self, approach: str) -> Path:
        path = self.out_dir / approach
        path.mkdir(parents=True, exist_ok=True)
        return path

    def callbacks(self, folder: Path, stage: str, clock: Clock) -> list[keras.callbacks.Callback]:
        """Resume from the last recorded epoch, record every epoch and the time (crash-safe:
        :class:`~tlutils.challenge.state.EpochBackup`); then any extras."""
        return [EpochBackup(folder, stage, clock.tick), *self.extra_callbacks]


def classifier_head(num_classes: int, features: int) -> keras.Sequential:
    """Dropout and a softmax layer on ``features`` pooled features (float32 output under mixed
    precision)."""
    return keras.Sequential([keras.Input((features,)), keras.layers.Dropout(0.2),
                             keras.layers.Dense(num_classes, activation="softmax", dtype="float32")],
                            name="head")


def fit_on_features(head: keras.Model, arrays: dict[str, tuple[np.ndarray, np.ndarray]],
                    sizes: ChallengeSizes, seed: int, verbose: int = 0,
                    callbacks: Sequence[keras.callbacks.Callback] = ()) -> None:
    """Train a compiled head on cached training features, validating on cached validation ones."""
    x, y = arrays["train"]
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(y), seed=seed).batch(sizes.batch_size)
    head.fit(train, validation_data=arrays["validation"], epochs=sizes.head_epochs, verbose=verbose,
             callbacks=list(callbacks))


def on_base(base: keras.Model, head: keras.Sequential, image_size: int) -> keras.Model:
    """Images -> base -> global average pooling -> head."""
    inputs = keras.Input((image_size, image_size, 3))
    return keras.Model(inputs, head(keras.layers.GlobalAveragePooling2D()(base(inputs))))


def compile_model(model: keras.Model, learning_rate: float, jit_compile: bool,
                  run_eagerly: bool = False) -> None:
    """Adam, sparse categorical cross-entropy and accuracy; XLA or eager execution on request."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile and not run_eagerly, run_eagerly=run_eagerly)


def scores(probabilities: np.ndarray, labels: np.ndarray, folder: Path | None = None) -> dict[str, Any]:
    """Top-1 accuracy, mean per-class accuracy (the metric Flowers-102 papers report), the test
    size and each class's accuracy (``None`` for a class absent from the test set).

    With ``folder``, the test labels and predictions are also kept there
    (``test_predictions.npz``), so that a report can compare approaches photo by photo.
    """
    predicted = probabilities.argmax(axis=1)
    with warnings.catch_warnings():  # a small test set need not hold every one of 102 classes
        warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
        mean_per_class = balanced_accuracy_score(labels, predicted)
    per_class = [float(np.mean(predicted[labels == c] == c)) if np.any(labels == c) else None
                 for c in range(probabilities.shape[1])]
    if folder is not None:
        with atomic_path(folder / PREDICTIONS) as partial:
            np.savez(partial, y=labels, predicted=predicted)
    return {"top1": float(accuracy_score(labels, predicted)), "mean_per_class": float(mean_per_class),
            "n_test": int(len(labels)), "per_class": per_class}


def train_head(ctx: Context, folder: Path, clock: Clock) -> tuple[keras.Sequential, dict[str, float]]:
    """Stage shared by feature extraction and fine-tuning: the head on cached frozen features.

    Returns the head and its test scores. A head saved by an earlier run is loaded, not retrained.
    """
    def make_extractor() -> keras.Model:
        with ctx.strategy.scope():
            return feature_extractor(ctx.base().model)

    arrays = cached_features(make_extractor, ctx.data, ctx.sizes, ctx.out_dir / "features", ctx.seed,
                             ctx.preprocess, clock.tick)
    with ctx.strategy.scope():
        head = classifier_head(ctx.data.num_classes, arrays["train"][0].shape[1])
        compile_model(head, 1e-3, ctx.jit_compile, ctx.sizes.run_eagerly)
    train_once(head, folder, "head", lambda: fit_on_features(  # saved before it is scored
        head, arrays, ctx.sizes, ctx.seed, verbose=2, callbacks=ctx.callbacks(folder, "head", clock)))
    return head, scores(head.predict(arrays["test"][0], verbose=0), arrays["test"][1], folder)


def feature_extraction(ctx: Context) -> dict[str, Any]:
    """Frozen base features (computed once, several augmented views), a trained head."""
    folder = ctx.folder("feature_extraction")
    clock = Clock(folder)
    head, test_scores = train_head(ctx, folder, clock)
    frozen = count_params(ctx.base(pretrained=False).model).total
    return {**test_scores, "seconds": clock.seconds, "epochs": ctx.sizes.head_epochs,
            "trainable": count_params(head).trainable, "frozen": frozen,
            "notes": f"head on cached features, {ctx.sizes.views} augmented views per image"}


def fit_images(ctx: Context, model: keras.Model, folder: Path, stage: str, epochs: int,
               clock: Clock) -> None:
    """Train ``model`` for ``epochs`` on shuffled, augmented training images, validating on the
    validation images; resumable (``ctx.callbacks``) and done once (``train_once``)."""
    train = image_batches(ctx.data.train, ctx.sizes, ctx.preprocess, augment_seed=ctx.seed,
                          shuffle_seed=ctx.seed)
    validation = image_batches(ctx.data.validation, ctx.sizes, ctx.preprocess)
    train_once(model, folder, stage, lambda: model.fit(  # saved before it is scored
        train, validation_data=validation, epochs=epochs, verbose=2, callbacks=ctx.callbacks(folder, stage, clock)))


def score_on_test(ctx: Context, model: keras.Model, folder: Path) -> dict[str, Any]:
    """:func:`scores` of ``model`` on the test images (kept in ``folder``)."""
    probabilities = model.predict(image_batches(ctx.data.test, ctx.sizes, ctx.preprocess), verbose=0)
    return scores(probabilities, labels_of(ctx.data.test), folder)


def fine_tuning(ctx: Context) -> dict[str, Any]:
    """The head from feature extraction (trained here if that approach has not run), then the
    top 20 layers of the base unfrozen, BatchNormalization kept frozen, learning rate 1e-5."""
    folder = ctx.folder("fine_tuning")
    clock = Clock(folder)
    reused = ctx.out_dir / "feature_extraction" / "head.weights.h5"
    if not reused.exists():  # feature extraction was not run: train (or reload) a head here
        train_head(ctx, folder, clock)
        reused = folder / "head.weights.h5"
    with ctx.strategy.scope():
        base = ctx.base().model
        head = classifier_head(ctx.data.num_classes, base.output.shape[-1])
        head.load_weights(reused)
        model = on_base(base, head, ctx.sizes.image_size)
        unfreeze_top(base, UNFROZEN_LAYERS, keep_batchnorm_frozen=True)
        compile_model(model, 1e-5, ctx.jit_compile, ctx.sizes.run_eagerly)
    fit_images(ctx, model, folder, "fine_tune", ctx.sizes.fine_tune_epochs, clock)
    counts = count_params(model)
    return {**score_on_test(ctx, model, folder), "seconds": clock.seconds, "epochs": ctx.sizes.fine_tune_epochs,
            "trainable": counts.trainable, "frozen": counts.frozen,
            "notes": f"top {UNFROZEN_LAYERS} layers unfrozen, BatchNorm frozen, head from feature extraction"}


def scratch(ctx: Context) -> dict[str, Any]:
    """The same network with random weights, every layer trained (BatchNorm included)."""
    folder = ctx.folder("scratch")
    clock = Clock(folder)
    with ctx.strategy.scope():
        base = ctx.base(pretrained=False).model
        model = on_base(base, classifier_head(ctx.data.num_classes, base.output.shape[-1]),
                        ctx.sizes.image_size)
        compile_model(model, 1e-3, ctx.jit_compile, ctx.sizes.run_eagerly)
    fit_images(ctx, model, folder, "scratch", ctx.sizes.scratch_epochs, clock)
    counts = count_params(model)
    return {**score_on_test(ctx, model, folder), "seconds": clock.seconds, "epochs": ctx.sizes.scratch_epochs,
            "trainable": counts.trainable, "frozen": counts.frozen,
            "notes": "random initialisation, all layers trained"}


RUNNERS = {"feature_extraction": feature_extraction, "fine_tuning": fine_tuning, "scratch": scratch}
