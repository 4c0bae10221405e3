"""How the scoring server runs the detector: a warm-up before the server says it is healthy
(the models' forward passes are compiled graphs, built on the first e-mail), and a bounded pool
of scoring threads, one per core, so that a burst gets a 503 instead of an ever longer wait.
Batching does not pay here: one e-mail already keeps both cores busy. The measurements behind
these choices: docs/measurements.md.
"""
from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

DEFAULT_WORKERS = 2  # 1-3 measured alike (docs/measurements.md); two let rendering overlap a forward pass
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
