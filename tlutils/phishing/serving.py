"""How the scoring server runs the detector: the text model's forward pass compiled once, a
warm-up before the server says it is healthy, and a bounded pool of scoring threads.

Where one e-mail's time went before (``benchmarks/server_latency.py`` prints these stages; 2
cores shared with other jobs, load 6-9, a 1.7 KB HTML e-mail): BERT's forward pass run eagerly,
op by op, 140-390 ms, plus a ``tf.data`` pipeline built for every call (its map traced anew,
30-90 ms; ``tlutils.text.predict_logits`` now cuts batches with NumPy); rendering the screenshot
11-36 ms; resizing and Lite0's forward pass 30-50 ms (Keras already compiles it); tokenising,
the head and the cues 1-7 ms. Compiled with ``tf.function``, BERT's forward pass takes 37-76 ms.

Batching or a pool? Batching pays when a model's time per e-mail falls with the batch size; here
it does not (BERT 36-55 ms per e-mail one at a time, 30-99 in batches of 4, 32-74 in batches of
8; Lite0 likewise), because one e-mail already keeps both cores busy. For the same reason the
pool's size matters little: with the sizes taking turns, 1, 2 and 3 threads gave 9.4, 10.8 and
10.8 e-mails/s at concurrency 8 in one run, 8.5, 8.6 and 9.8 in another and 7.9, 10.3 and 11.0 in
a third (load 7-10, where more threads also take a larger share of a machine other jobs use).
The server keeps a pool of two, one per core (one thread can render, which holds the GIL, while
the other runs a model), and a bounded queue in front of it, so that a burst gets a 503 instead
of an ever longer wait; what made it fast is the compiled forward pass and the pipeline removed.
"""
from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

DEFAULT_WORKERS = 2  # 1-3 measured alike (see above); two let rendering overlap a forward pass
DEFAULT_QUEUE = 16  # e-mails waiting beyond those being scored; more are refused with a 503
WARM_UP_EMAIL = {"subject": "Your invoice", "sender": "Payflow <billing@payflow.example>",
                 "html": "<p>Hello, your invoice for March is attached. Thank you!</p>"}


class Busy(Exception):
    """Every scoring thread is busy and the queue in front of them is full."""


def prepare_for_serving(detector: Any) -> Any:
    """``detector`` warmed up: the first e-mail builds the compiled graphs (the text encoder's,
    :func:`tlutils.text.compiled`, and the screenshot base's), which would otherwise cost the first
    caller seconds."""
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
