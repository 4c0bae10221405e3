"""The lessons' quiz questions, kept out of the notebooks so that a reader never sees an answer in
a cell's source (GitHub, nbviewer and Colab show every cell's code, folded or not).

A lesson's closing cell is ``tlutils.practice.show_quiz(tlutils.practice.questions("00"), title=...)``;
the lessons whose body measures a number also ask the reader to predict it first, just before the
measurement, with ``tlutils.practice.prediction("00")``. The questions themselves live in
:mod:`.vision_questions` (lessons 00, 01, 02, 06) and :mod:`.text_questions` (03, 04, 05, 07). Every multiple-choice question explains
each of its options (``reasons``), and every quiz asks for at least one prediction of a number that
the lesson, or a one-line change to its code, then measures.
"""
from __future__ import annotations

from . import text_questions, vision_questions
from .quiz import Number, Question

_QUIZZES: dict[str, list[Question]] = dict(sorted({**vision_questions.QUIZZES, **text_questions.QUIZZES}.items()))
_PREDICTIONS: dict[str, Number] = dict(sorted({**vision_questions.PREDICTIONS, **text_questions.PREDICTIONS}.items()))


def questions(lesson: str) -> list[Question]:
    """The closing quiz of a lesson ("00" to "07").

    Example:
        >>> len(questions("00")) >= 4
        True
    """
    if lesson not in _QUIZZES:
        raise ValueError(f"No quiz for lesson {lesson!r}: the lessons are {', '.join(_QUIZZES)}.")
    return list(_QUIZZES[lesson])


def prediction(lesson: str) -> list[Question]:
    """The one question a lesson asks just before it measures the answer (lessons 00, 03, 04, 05).

    Example:
        >>> prediction("04")[0].is_correct(0.69)
        True
    """
    if lesson not in _PREDICTIONS:
        raise ValueError(f"Lesson {lesson!r} asks no prediction in its body; those that do: "
                         f"{', '.join(_PREDICTIONS)}.")
    return [_PREDICTIONS[lesson]]
