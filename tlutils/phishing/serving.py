"""How the scoring server runs the detector: the text model's forward pass compiled once, a
warm-up before the server says it is healthy, and a bounded pool of scoring threads.

Where one e-mail's time went before (2 cores, a 1.8 KB HTML e-mail, ``benchmarks/server_latency.py``
prints these stages): BERT's forward pass run eagerly, op by op, 130-170 ms; rendering the
screenshot 20-22 ms; EfficientNet-Lite0's forward pass 24 ms (Keras already compiles it);
tokenising, the head, the cues and resizing 1-4 ms each. Compiled with ``tf.function``, the same
BERT forward pass takes 30-40 ms, so one e-mail costs about 90 ms instead of 440.

Batching or a pool? Batching pays when a model's time per e-mail falls with the batch size;
here it hardly does (the benchmark measures it: BERT 8 e-mails at once cost about as much per
e-mail as one at a time, Lite0 likewise), because both models already keep the two cores busy.
A pool of two threads does better: one thread renders a screenshot (Python, holding the GIL)
while the other runs a model (TensorFlow, which releases it). So the server scores with
:class:`ScoringPool` and a small bounded queue in front of it; a full queue is a 503.
"""
from __future__ import annotations

import concurrent.futures
import threading
import types
from collections.abc import Callable
from typing import Any

DEFAULT_WORKERS = 2  # measured against 1 and 3 by benchmarks/server_latency.py
DEFAULT_QUEUE = 16  # e-mails waiting beyond those being scored; more are refused with a 503
WARM_UP_EMAIL = {"subject": "Your invoice", "sender": "Payflow <billing@payflow.example>",
                 "html": "<p>Hello, your invoice for March is attached. Thank you!</p>"}


class Busy(Exception):
    """Every scoring thread is busy and the queue in front of them is full."""


class CompiledClassifier:
    """A Transformers TF classifier whose forward pass runs as one compiled TensorFlow graph.

    Called like the model (``model(batch, training=False).logits``), so
    :func:`tlutils.text.predict_logits` uses it unchanged. The graph is built once, on the first
    batch, for any number of texts of any length with that batch's inputs and types.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self._logits = None

    def __call__(self, batch: dict, training: bool = False) -> Any:
        if training:
            raise ValueError("CompiledClassifier only predicts; train the wrapped model itself.")
        if self._logits is None:
            self._logits = self._compile(batch)
        return types.SimpleNamespace(logits=self._logits(batch))

    def _compile(self, batch: dict) -> Any:
        """The forward pass as a ``tf.function`` for batches shaped like ``batch``, any size."""
        import tensorflow as tf

        shapes = {name: tf.TensorSpec([None, None], tf.as_dtype(values.dtype)) for name, values in batch.items()}
        return tf.function(lambda inputs: self.model(inputs, training=False).logits, input_signature=[shapes])


def prepare_for_serving(detector: Any) -> Any:
    """``detector`` with its text model compiled (when it has one) and warmed up: the first
    e-mail builds the compiled graphs, which would otherwise cost the first caller seconds."""
    if hasattr(detector, "text_model"):
        detector.text_model = CompiledClassifier(detector.text_model)
    detector.score(**WARM_UP_EMAIL)
    return detector


class ScoringPool:
    """``score(**fields)`` on ``workers`` threads, with at most ``max_waiting`` e-mails queued
    behind them: :meth:`submit` raises :class:`Busy` rather than letting the queue grow.

    >>> pool = ScoringPool(lambda **fields: {"subject": fields["subject"]}, workers=1, max_waiting=1)
    >>> pool.submit(subject="Hi").result()
    {'subject': 'Hi'}
    >>> pool.close()
    """

    def __init__(self, score: Callable[..., dict], *, workers: int = DEFAULT_WORKERS,
                 max_waiting: int = DEFAULT_QUEUE) -> None:
        self.score = score
        self.workers, self.max_waiting = workers, max_waiting
        self._slots = threading.BoundedSemaphore(workers + max_waiting)
        self._executor = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="scoring")

    def submit(self, **fields: Any) -> concurrent.futures.Future:
        """Queue one e-mail; its future gives ``score``'s answer (or raises its error)."""
        if not self._slots.acquire(blocking=False):
            raise Busy(f"The server is busy: {self.workers + self.max_waiting} e-mails are being scored "
                       "or waiting; try again in a few seconds.")
        try:
            future = self._executor.submit(self.score, **fields)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future

    def close(self) -> None:
        """Stop the threads once the e-mails already queued are scored."""
        self._executor.shutdown(wait=True, cancel_futures=True)
