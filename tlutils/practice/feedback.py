"""The verdict every exercise check returns, and the answer behind it for a learner who asks.

A :class:`Feedback` shows as its one sentence in a notebook and is true only when the answer is
right, so a solution cell can ``assert`` it. An exercise cell still holding its ``...`` placeholder
gets :data:`NOT_ANSWERED` rather than an error. A wrong answer gets a hint, never the answer:
:func:`reveal` shows the answer of the last check.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

NOT_ANSWERED = "Not answered yet: replace the ... with your answer and run the cell again."
REVEAL = "tlutils.practice.reveal() shows the answer"
_last: list[Feedback] = []


@dataclasses.dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: ``correct`` and one sentence saying why.

    Example:
        >>> ok = Feedback(True, "Right: 10 parameters.")
        >>> bool(ok), str(ok)
        (True, 'Right: 10 parameters.')
    """

    correct: bool
    message: str
    answer: str = dataclasses.field(default="", repr=False)

    def __post_init__(self) -> None:
        _last[:] = [self]

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.message)


def reveal() -> str:
    """The answer behind the last check's verdict, for a learner who asks for it.

    Example:
        >>> _ = Feedback(False, "Not quite: too low.", answer="The model trains 10 parameters.")
        >>> print(reveal())
        The model trains 10 parameters.
    """
    if not _last:
        return "No check has run yet: run an exercise cell first."
    return _last[0].answer or "This check has no single answer to show: its message says what to change."


def _unanswered(*values: Any) -> bool:
    return any(v is ... or v is None for v in values)


def _right(message: str) -> Feedback:
    return Feedback(True, f"Right: {message}")


def _wrong(message: str, answer: str = "") -> Feedback:
    return Feedback(False, f"Not quite: {message}", answer)


def _raised(error: Exception) -> Feedback:
    """The verdict on learner code that raised: its error, in one sentence."""
    first_line = str(error).splitlines()[0].rstrip(".") if str(error) else "no message"
    return _wrong(f"your code raised {type(error).__name__}: {first_line}.")


def _is_one_of(value: Any, objects: Sequence[Any]) -> bool:
    """True when ``value`` is one of ``objects`` itself (not an equal copy)."""
    return any(value is candidate for candidate in objects)
