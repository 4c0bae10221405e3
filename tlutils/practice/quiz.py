"""Quizzes that end every lesson: multiple-choice and numeric questions with instant feedback.

The questions live in the lesson's own cell::

    from tlutils.practice.quiz import Choice, Number, show_quiz
    show_quiz([
        Choice("What does freezing a layer do?",
               ["It deletes the layer", "Training no longer changes its weights"],
               answer=1, why="A frozen layer still runs forward; only its updates stop.",
               reasons=["A frozen layer is still part of the model and still computes.", ""]),
        Number("How many parameters does Dense(5) on 256 inputs have?",
               answer=1285, why="256 x 5 weights + 5 biases."),
    ])

The lessons keep their questions in :mod:`tlutils.practice.questions`, so that a reader of the
notebook (on GitHub, nbviewer or Colab, where a cell's source is always shown) does not see the
answers in the code: the cell is ``tlutils.practice.show_quiz(tlutils.practice.questions("00"), title=...)``.

A multiple-choice question explains every option: ``reasons[i]`` says why option ``i`` is wrong
(the right option's entry may stay empty: ``why`` explains it), and picking an option shows that
option's explanation.

In JupyterLab and on Colab the cell shows ipywidgets: pick an option or type a number and the
feedback (right or not, and a one-line explanation) appears at once. The same display also
carries an HTML version, questions with their answers and the explanation of every option folded in
``<details>`` (closed until clicked), which is what a reader sees where widgets do not run (GitHub,
nbviewer, a notebook opened without a kernel). The stored output keeps only that fallback: no
widget state is saved in the notebook.

``Quiz.answer(i, value)`` answers question ``i`` from code (tests, a browser test) and returns
the feedback. In a browser, stable CSS classes find each part: ``tl-quiz`` (the whole quiz),
``tl-quiz-input-<i>`` (question i's radio buttons, ``tl-quiz-choice``, or text field,
``tl-quiz-number``), ``tl-quiz-check`` (the Check button of a numeric question) and
``tl-quiz-feedback-<i>`` (its feedback, which starts "✓ Correct." or "✗ Not quite").
"""
from __future__ import annotations

import dataclasses
import html
import math
import re
from collections.abc import Sequence
from typing import Any

from ..environment import in_colab
from ..widgets import WIDGET_MIME, mimebundle

CORRECT = "Correct."
WRONG = "Not quite."
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclasses.dataclass(frozen=True)
class Choice:
    """A multiple-choice question; ``answer`` is the index of the right option, ``why`` explains it
    and ``reasons`` (one per option) say why each other option is wrong.

    Example:
        >>> q = Choice("2 + 2?", ["3", "4"], answer=1, why="Two pairs make four.",
        ...            reasons=["That is 2 + 1.", ""])
        >>> q.feedback(1)
        'Correct. Two pairs make four.'
        >>> q.feedback("3")
        'Not quite. That is 2 + 1.'
    """

    question: str
    options: Sequence[str]
    answer: int
    why: str
    reasons: Sequence[str] = ()

    def __post_init__(self) -> None:
        if len(self.options) < 2:
            raise ValueError(f"A Choice needs at least two options, got {len(self.options)}: {self.question!r}")
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"answer={self.answer} is not an option index (0 to {len(self.options) - 1}): "
                             f"{self.question!r}")
        if self.reasons and (len(self.reasons) != len(self.options) or not all(
                reason.strip() for i, reason in enumerate(self.reasons) if i != self.answer)):
            raise ValueError(f"reasons needs one explanation per option ({len(self.options)}), every wrong "
                             f"option's not empty: {self.question!r}")

    @property
    def solution(self) -> str:
        """The right option's text."""
        return self.options[self.answer]

    def _index(self, value: int | str) -> int:
        if isinstance(value, str):
            if value not in self.options:
                raise ValueError(f"{value!r} is not one of the options {list(self.options)}")
            return list(self.options).index(value)
        return value

    def is_correct(self, value: int | str) -> bool:
        """True for the right option, given by index or by its text."""
        return self._index(value) == self.answer

    def explanation(self, value: int | str) -> str:
        """Why this option is right (``why``) or wrong (its ``reasons`` entry, else ``why``)."""
        index = self._index(value)
        if index != self.answer and self.reasons:
            return self.reasons[index]
        return self.why

    def feedback(self, value: int | str) -> str:
        """One line: right or not, and why this option is right or wrong."""
        return f"{CORRECT if self.is_correct(value) else WRONG} {self.explanation(value)}"


def parse_number(text: str | float | int) -> float:
    """Read a number as a learner types it: ``132,613``, ``132 613``, ``7_212_037``, ``5e-5``.

    Example:
        >>> parse_number("132,613")
        132613.0
        >>> parse_number(" 5e-5 ")
        5e-05
    """
    if isinstance(text, (int, float)):
        return float(text)
    cleaned = re.sub(r"[,_\s]", "", str(text))
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a number: type digits such as 132613 or 0.69") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


@dataclasses.dataclass(frozen=True)
class Number:
    """A question whose answer is a number, right within ``tolerance`` (absolute).

    Example:
        >>> q = Number("Parameters of Dense(5) on 256 inputs?", 1285, why="256 x 5 + 5 biases.")
        >>> q.feedback("1,285")
        'Correct. 256 x 5 + 5 biases.'
        >>> q.feedback(1280)
        'Not quite: 1,280 is too low. 256 x 5 + 5 biases.'
    """

    question: str
    answer: float
    why: str
    tolerance: float = 0.0

    @property
    def solution(self) -> str:
        """The answer as the fallback shows it."""
        text = f"{self.answer:,}" if float(self.answer).is_integer() else f"{self.answer:g}"
        return text + (f" (± {self.tolerance:g})" if self.tolerance else "")

    def is_correct(self, value: str | float) -> bool:
        """True when the number is within the tolerance of the answer."""
        return abs(parse_number(value) - self.answer) <= self.tolerance + 1e-12 * abs(self.answer)

    def feedback(self, value: str | float) -> str:
        """One line: right, too low or too high, and why (or how to type a number)."""
        try:
            number = parse_number(value)
        except ValueError as error:
            return f"{WRONG} {error}."
        if self.is_correct(number):
            return f"{CORRECT} {self.why}"
        shown = f"{number:,.0f}" if number.is_integer() else f"{number:g}"
        return f"{WRONG[:-1]}: {shown} is too {'low' if number < self.answer else 'high'}. {self.why}"


Question = Choice | Number


def _wrong_reasons(question: Question) -> list[tuple[int, str]]:
    """(index, reason) of every wrong option of a Choice that explains them; none otherwise."""
    if not isinstance(question, Choice) or not question.reasons:
        return []
    return [(i, reason) for i, reason in enumerate(question.reasons) if i != question.answer]


def _other_options_html(question: Question) -> str:
    """The explanations of a Choice's wrong options, as a list for the HTML fallback."""
    items = "".join(f"<li>Not ({LETTERS[i]}): {html.escape(reason, quote=False)}</li>"
                    for i, reason in _wrong_reasons(question))
    return f"<ul>{items}</ul>" if items else ""


class Quiz:
    """A list of questions shown as widgets, with an HTML fallback of questions and answers.

    Example:
        >>> quiz = Quiz([Choice("Frozen weights change during fit?", ["yes", "no"], 1, "trainable=False.")])
        >>> quiz.answer(0, "no")
        'Correct. trainable=False.'
        >>> "<details>" in quiz.to_html()
        True
    """

    def __init__(self, questions: Sequence[Question], title: str = "Quiz"):
        if not questions:
            raise ValueError("A quiz needs at least one question.")
        self.questions = list(questions)
        self.title = title
        self._widget: Any = None
        self._inputs: list[Any] = []
        self._feedback: list[Any] = []

    # -- the fallback that GitHub and kernel-less viewers show -----------------------------
    def to_html(self) -> str:
        """Questions with options, each answer and explanation folded in ``<details>``."""
        items = []
        for question in self.questions:
            body = f"<b>{html.escape(question.question, quote=False)}</b>"
            if isinstance(question, Choice):
                body += "".join(f"<div>({LETTERS[i]}) {html.escape(o, quote=False)}</div>"
                                for i, o in enumerate(question.options))
            answer = html.escape(question.solution, quote=False)
            if isinstance(question, Choice):
                answer = f"({LETTERS[question.answer]}) {answer}"
            body += (f"<details><summary>Answer</summary>{answer}. "
                     f"{html.escape(question.why, quote=False)}{_other_options_html(question)}</details>")
            items.append(f"<li>{body}</li>")
        return (f"<div class=\"tl-quiz-fallback\"><p><b>{html.escape(self.title, quote=False)}</b> "
                f"(run the cell for the interactive version)</p><ol>{''.join(items)}</ol></div>")

    def to_text(self) -> str:
        """The same as plain text (terminals, ``print``)."""
        lines = [f"{self.title} ({len(self.questions)} questions)"]
        for number, question in enumerate(self.questions, 1):
            lines.append(f"{number}. {question.question}")
            if isinstance(question, Choice):
                lines += [f"   ({LETTERS[i]}) {o}" for i, o in enumerate(question.options)]
            lines.append(f"   Answer: {question.solution}. {question.why}")
            lines += [f"   Not ({LETTERS[i]}): {reason}" for i, reason in _wrong_reasons(question)]
        return "\n".join(lines)

    # -- the widgets -----------------------------------------------------------------------
    @property
    def widget(self) -> Any:
        """The ipywidgets view, built on first use."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as widgets

        boxes = [widgets.HTML(f"<b>{html.escape(self.title, quote=False)}</b>")]
        for index, question in enumerate(self.questions):
            label = widgets.HTML(f"<b>{index + 1}.</b> {html.escape(question.question, quote=False)}")
            label.add_class("tl-quiz-question")
            feedback = widgets.HTML("")
            feedback.add_class("tl-quiz-feedback")
            feedback.add_class(f"tl-quiz-feedback-{index}")
            if isinstance(question, Choice):
                field = widgets.RadioButtons(options=list(question.options), value=None,
                                             layout=widgets.Layout(width="max-content"))
                field.add_class("tl-quiz-choice")
                parts = [label, field, feedback]
            else:
                field = widgets.Text(placeholder="type a number", continuous_update=False,
                                     layout=widgets.Layout(width="14em"))
                field.add_class("tl-quiz-number")
                check = widgets.Button(description="Check", layout=widgets.Layout(width="6em"))
                check.add_class("tl-quiz-check")
                check.on_click(lambda _, i=index: self._show(i))
                parts = [label, widgets.HBox([field, check]), feedback]
            field.add_class(f"tl-quiz-input-{index}")
            field.observe(lambda _, i=index: self._show(i), names="value")
            self._inputs.append(field)
            self._feedback.append(feedback)
            box = widgets.VBox(parts)
            box.add_class("tl-quiz-item")
            boxes.append(box)
        quiz = widgets.VBox(boxes)
        quiz.add_class("tl-quiz")
        return quiz

    def _show(self, index: int) -> str:
        """Write the feedback of question ``index`` for the value in its widget."""
        value = self._inputs[index].value
        if value is None or value == "":
            text = ""
        else:
            text = self.questions[index].feedback(value)
        right = text.startswith(CORRECT)
        mark, colour = ("✓", "#1a7f37") if right else ("✗", "#cf222e")  # glyphs every font has
        self._feedback[index].value = (f"<span style=\"color: {colour}\">{mark}</span> "
                                       f"{html.escape(text, quote=False)}") if text else ""
        return text

    def answer(self, index: int, value: int | str | float) -> str:
        """Answer question ``index`` (an option's index or text, or a number) as a learner
        would, update the widget if it is shown, and return the feedback line."""
        if not 0 <= index < len(self.questions):
            raise IndexError(f"This quiz has questions 0 to {len(self.questions) - 1}, not {index}.")
        question = self.questions[index]
        if self._widget is None:
            return question.feedback(value)
        field = self._inputs[index]
        if isinstance(question, Choice):
            field.value = question.options[value] if isinstance(value, int) else value
        else:
            field.value = str(value)
        return self._show(index)

    # -- display ---------------------------------------------------------------------------
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The widget view where widgets run, the HTML fallback everywhere else."""
        try:
            widget = self.widget
        except ImportError:  # ipywidgets not installed: the fallback still shows everything
            widget = None
        return mimebundle(widget, self.to_html(), self.to_text())


def _enable_colab_widgets() -> None:
    """ipywidgets 8 needs Colab's custom widget manager; turn it on once."""
    if in_colab():
        from google.colab import output  # type: ignore[import-not-found]

        output.enable_custom_widget_manager()


def show_quiz(questions: Sequence[Question], title: str = "Quiz") -> Quiz:
    """Display a quiz (in a notebook) and return it, e.g. ``quiz = show_quiz([...])``.

    Example:
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):  # under IPython it is also displayed
        ...     quiz = show_quiz([Number("Tokens in '[CLS] hi [SEP]'?", 3, why="Two special ones and hi.")])
        >>> quiz.answer(0, 4)
        'Not quite: 4 is too high. Two special ones and hi.'
    """
    _enable_colab_widgets()
    quiz = Quiz(questions, title)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python without IPython: nothing to display on
        return quiz
    if get_ipython() is not None:
        display(quiz)
    return quiz
