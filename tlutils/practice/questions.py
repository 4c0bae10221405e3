"""The lessons' quiz questions, read from ``questions.toml`` beside this module: kept out of the
notebooks so that a reader never sees an answer in a cell's source (GitHub, nbviewer and Colab
show every cell's code, folded or not), and kept as data because they are prose, not code.

A lesson's closing cell is ``tlutils.practice.show_quiz(tlutils.practice.questions("00"), title=...)``;
the lessons whose body measures a number also ask the reader to predict it first, just before the
measurement, with ``tlutils.practice.prediction("00")``. Every multiple-choice question explains
each of its options (``reasons``), and every quiz asks for at least one prediction of a number that
the lesson, or a one-line change to its code, then measures.
"""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from .quiz import Choice, Number, Question

QUESTIONS_FILE = Path(__file__).with_name("questions.toml")
_KINDS = {"choice": Choice, "number": Number}


def _question(lesson: str, entry: dict[str, Any]) -> tuple[Question, bool, bool]:
    """One ``[[lessons.NN]]`` entry as a question, whether the lesson's body asks it (``predict``)
    and whether its closing quiz does (``in_quiz``)."""
    fields = dict(entry)
    kind, predict, in_quiz = fields.pop("kind", None), fields.pop("predict", False), fields.pop("in_quiz", True)
    if kind not in _KINDS:
        raise ValueError(f"{QUESTIONS_FILE.name}, lesson {lesson}: kind must be one of {', '.join(_KINDS)}, "
                         f"not {kind!r} (question {fields.get('question', '?')!r}).")
    try:
        return _KINDS[kind](**fields), predict, in_quiz
    except TypeError as error:  # a misspelt or missing field
        raise ValueError(f"{QUESTIONS_FILE.name}, lesson {lesson}: {error} "
                         f"(question {fields.get('question', '?')!r}).") from None


@functools.cache
def _lessons() -> dict[str, list[tuple[Question, bool, bool]]]:
    """Every lesson's questions, read once."""
    with open(QUESTIONS_FILE, "rb") as handle:
        lessons = tomllib.load(handle)["lessons"]
    return {lesson: [_question(lesson, entry) for entry in entries] for lesson, entries in sorted(lessons.items())}


def questions(lesson: str) -> list[Question]:
    """The closing quiz of a lesson ("00" to "07").

    Example:
        >>> len(questions("00")) >= 4
        True
    """
    if lesson not in _lessons():
        raise ValueError(f"No quiz for lesson {lesson!r}: the lessons are {', '.join(_lessons())}.")
    return [question for question, _, in_quiz in _lessons()[lesson] if in_quiz]


def prediction(lesson: str) -> list[Question]:
    """The one question a lesson asks just before it measures the answer (lessons 00, 03, 04, 05).

    Example:
        >>> prediction("04")[0].is_correct(0.69)
        True
    """
    asked = [question for question, predict, _ in _lessons().get(lesson, []) if predict]
    if not asked:
        predicting = [name for name, entries in _lessons().items() if any(predict for _, predict, _ in entries)]
        raise ValueError(f"Lesson {lesson!r} asks no prediction in its body; those that do: {', '.join(predicting)}.")
    return asked
