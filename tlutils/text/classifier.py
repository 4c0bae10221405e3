"""Training and using a Keras 3 BERT text classifier: the recipe lesson 04 writes out (its
:func:`by_length`, :func:`padded_batches`, :func:`warmup_schedule` and :func:`fit_classifier`;
tests/test_lesson_code.py keeps the two the same).

Batches padded per batch (:func:`padded_batches`), Adam with linear warm-up then decay
(:func:`warmup_schedule`, a ``keras.optimizers.schedules`` schedule), predictions batch by batch
with the texts sorted by length (:func:`predict_logits`).
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..config import PROFILES, Config  # noqa: F401 (PROFILES: doctests)
from ..environment import current
from ..errors import InputError
from .data import SENTIMENT_CLASSES
from .encoders import NO_WORDS, compiled, encode_texts, length_batches, wordless

PROGRESS_AFTER = 5.0  # seconds of scoring after which a progress bar appears


def progress_after() -> float:
    """Seconds of scoring after which :func:`predict_logits` shows a progress bar:
    ``TLUTILS_PROGRESS_AFTER`` when set (``inf``: never; the tests set it, since a bar that appears
    only on a slow machine would change a checked cell's output), else :data:`PROGRESS_AFTER`.

    Example:
        >>> progress_after() > 0
        True
    """
    chosen = os.environ.get("TLUTILS_PROGRESS_AFTER", "").strip()
    try:
        return float(chosen) if chosen else PROGRESS_AFTER
    except ValueError:
        raise InputError(f"TLUTILS_PROGRESS_AFTER must be a number of seconds (or inf), not {chosen!r}.") from None


def by_length(texts: dict, labels: Any) -> tuple:
    """A window of texts and their labels, reordered shortest first. Lesson 04 writes this function."""
    import tensorflow as tf

    order = tf.argsort(tf.reduce_sum(texts["padding_mask"], axis=1), stable=True)
    return {key: tf.gather(values, order) for key, values in texts.items()}, tf.gather(labels, order)


def padded_batches(encoded: dict[str, np.ndarray], labels: np.ndarray, batch_size: int = 16,
                   seed: int | None = None) -> Any:
    """Texts and labels as batches padded only as far as their own longest text (dynamic padding),
    as a ``tf.data`` pipeline. Lesson 04 writes this function.

    ``encoded`` holds the inputs padded to one length (:func:`~tlutils.text.encode_texts`); each
    text is cut back to its own length (the sum of its padding mask), then ``padded_batch`` pads
    each batch with zeros to its longest text. ``seed`` shuffles (for training), anew each epoch,
    then sorts the texts by length within windows of 8 batches, so that a batch holds texts of
    similar length, and shuffles the batches again; an epoch still has ceil(texts / batch_size)
    batches.

    Example:
        >>> encoded = {"token_ids": np.array([[101, 7, 102, 0], [101, 102, 0, 0]]),
        ...            "padding_mask": np.array([[1, 1, 1, 0], [1, 1, 0, 0]])}
        >>> [tuple(x["token_ids"].shape) for x, y in padded_batches(encoded, np.array([0, 1]), batch_size=1)]
        [(1, 3), (1, 2)]
    """
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((encoded, labels))
    if seed is not None:
        ds = ds.shuffle(len(labels), seed=seed).batch(8 * batch_size).map(by_length).unbatch()

    def trim(text, label):
        length = tf.reduce_sum(text["padding_mask"])
        return {key: values[:length] for key, values in text.items()}, label

    ds = ds.map(trim).padded_batch(batch_size)
    if seed is not None:  # the batches in a new order; an epoch still has ceil(texts / batch_size) of them
        count = -(-len(labels) // batch_size)
        ds = ds.shuffle(count, seed=seed).apply(tf.data.experimental.assert_cardinality(count))
    return ds.prefetch(tf.data.AUTOTUNE)


def fine_tuning_recipe(cfg: Config | None = None, learning_rate: float = 5e-5, epochs: int | None = None,
                       batch_size: int = 16) -> dict[str, Any]:
    """How lesson 04 fine-tunes its classifier: the record saved beside it, which lesson 05 asks
    for before it reuses that classifier (any difference, and lesson 05 trains its own).

    Example:
        >>> fine_tuning_recipe(PROFILES["offline"])["epochs"]
        2
    """
    cfg = cfg or current()
    return {"profile": cfg.profile, "max_length": cfg.max_length, "padding": "per batch",
            "learning_rate": learning_rate, "epochs": epochs or cfg.text_epochs, "batch_size": batch_size,
            "train_size": cfg.text_max_train, "seed": cfg.seed, "stack": "keras-hub"}


def warmup_schedule(learning_rate: float, num_train_steps: int, num_warmup_steps: int) -> Any:
    """A learning rate that rises linearly from 0 to ``learning_rate`` over ``num_warmup_steps``,
    then decays to 0 at ``num_train_steps`` (a cosine), from ``keras.optimizers.schedules``.
    Lesson 04 writes this function.

    Example:
        >>> schedule = warmup_schedule(1e-4, num_train_steps=100, num_warmup_steps=10)
        >>> [round(float(schedule(step)), 6) for step in (0, 5, 10, 100)]
        [0.0, 5e-05, 0.0001, 0.0]
    """
    import keras

    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=max(num_train_steps - num_warmup_steps, 1), alpha=0.0,
        warmup_target=learning_rate, warmup_steps=num_warmup_steps)


def fit_classifier(model: Any, train: tuple[dict, np.ndarray], learning_rate: float, epochs: int,
                   validation: tuple[dict, np.ndarray] | None = None, batch_size: int = 16,
                   seed: int = 42, verbose: int = 2) -> Any:
    """Train a Keras 3 classifier that outputs logits with Adam, linear warm-up over the first 10%
    of the steps and decay (:func:`warmup_schedule`), on batches padded per batch
    (:func:`padded_batches`). Lesson 04 writes this function.

    ``train`` and ``validation`` are ``(encoded, labels)``. Without ``validation`` no epoch ends
    with a validation pass (lesson 05 compares strategies on the test set after training).
    Compiled without XLA (``jit_compile=False``): on a CPU, compiling BERT's training step with
    XLA costs more time than the few hundred steps of a lesson save. Returns the Keras history.
    """
    import keras

    train_ds = padded_batches(*train, batch_size, seed)
    steps = epochs * len(train_ds)
    model.compile(optimizer=keras.optimizers.Adam(warmup_schedule(learning_rate, steps, steps // 10)),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], jit_compile=False)
    validation_ds = padded_batches(*validation, 64) if validation else None
    return model.fit(train_ds, validation_data=validation_ds, epochs=epochs, verbose=verbose)


def _say_wordless(encoded: dict[str, np.ndarray]) -> None:
    """One sentence naming the texts whose scores mean nothing, since they hold no word."""
    empty = wordless(encoded)
    if empty:
        shown = ", ".join(map(str, empty[:5])) + (f" and {len(empty) - 5} more" if len(empty) > 5 else "")
        print(f"Note: {len(empty)} text(s) have {NO_WORDS}, so their scores mean nothing: positions {shown}.")


def _logits(model: Any, batch: dict) -> np.ndarray:
    """A classifier's logits for one batch; a bare encoder is refused in one sentence."""
    import keras

    if isinstance(model, keras.Model):
        output = compiled(model)({name: np.asarray(values, "int32") for name, values in batch.items()})
    else:  # a stand-in called like a model (tests)
        output = model(batch, training=False)
    output = getattr(output, "logits", output)
    if isinstance(output, dict):
        raise InputError(f"{type(model).__name__} returns hidden states, not class scores: predict with a "
                         "classifier, load_bert(..., task='classification', num_labels=2), after fitting it.")
    return np.asarray(output)


def predict_logits(model: Any, encoded: dict[str, np.ndarray]) -> np.ndarray:
    """The class scores (logits) of every text, one row per text, in the order of ``encoded``.

    The texts are scored shortest first in batches of 64, each padded only as far as its own
    longest text. Texts without a word the model can read are named in one sentence (their
    scores mean nothing); scoring that takes more than a few seconds shows a progress bar.
    """
    from tqdm.auto import tqdm

    _say_wordless(encoded)
    limit = progress_after()
    logits, bar, began = None, None, time.perf_counter()
    batches = -(-len(encoded["token_ids"]) // 64)
    for done, (rows, batch) in enumerate(length_batches(encoded, 64), start=1):
        scores = _logits(model, batch)
        if logits is None:
            logits = np.empty((len(encoded["token_ids"]), scores.shape[1]), scores.dtype)
        logits[rows] = scores
        if bar is None and done < batches and time.perf_counter() - began > limit:
            bar = tqdm(total=batches, initial=done, desc="scoring texts", unit="batch of 64")
        elif bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return logits if logits is not None else np.zeros((0, 2), "float32")


def predict_labels(model: Any, encoded: dict[str, np.ndarray]) -> np.ndarray:
    """The predicted class of every text (see :func:`predict_logits`)."""
    return predict_logits(model, encoded).argmax(axis=1)


def classify_sentence(tokenizer: Any, model: Any, text: str, max_length: int,
                      class_names: Sequence[str] = SENTIMENT_CLASSES) -> list[tuple[str, float]]:
    """(class, probability) pairs for one sentence, most likely first.

    A text with nothing the model can read (empty, only spaces or invisible marks, or only
    symbols that become ``[UNK]``, such as emoji) is refused in one sentence: a classifier would
    still answer, near 50/50, and that answer would mean nothing.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("The text is empty: type a sentence to classify.")
    encoded = encode_texts(tokenizer, [text], max_length)
    if wordless(encoded):
        raise InputError(f"The text has {NO_WORDS}: type a sentence with words to classify.")
    logits = _logits(model, encoded)[0]
    probabilities = np.exp(logits - np.max(logits))
    probabilities = probabilities / probabilities.sum()
    return sorted(zip(class_names, map(float, probabilities)), key=lambda pair: -pair[1])
