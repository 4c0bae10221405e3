"""tlutils.practice.quiz: feedback of each kind of question, the widgets, and the fallback GitHub shows."""
from __future__ import annotations

import sys
import types

import pytest

from tlutils.practice import quiz
from tlutils.practice.quiz import Choice, Number, Quiz

QUESTIONS = [
    Choice("What does trainable=False do?", ["Deletes the layer", "Stops its weight updates", "Shrinks it"],
           answer=1, why="A frozen layer still computes; training just leaves its weights alone."),
    Number("Trainable parameters of the seed's head?", answer=132613, why="512 x 256 + 256 + 256 x 5 + 5."),
    Number("ln 2 to two decimals?", answer=0.693, tolerance=0.005, why="The loss of a 50/50 guess."),
]


def test_choice_feedback_by_index_and_by_text():
    q = QUESTIONS[0]
    assert q.feedback(1).startswith(quiz.CORRECT) and q.why in q.feedback(1)
    assert q.feedback("Stops its weight updates").startswith(quiz.CORRECT)
    assert q.feedback(0).startswith(quiz.WRONG[:-1]) and q.feedback("Shrinks it").startswith(quiz.WRONG[:-1])
    with pytest.raises(ValueError, match="not one of the options"):
        q.feedback("Freezes it")


@pytest.mark.parametrize("bad", [dict(options=["only one"], answer=0), dict(options=["a", "b"], answer=2)])
def test_a_malformed_choice_is_refused_in_one_sentence(bad):
    with pytest.raises(ValueError, match="option"):
        Choice("q?", why="w", **bad)


@pytest.mark.parametrize("typed", ["132613", "132,613", "132 613", "132_613", 132613, 132613.0])
def test_number_accepts_the_ways_people_type_it(typed):
    assert QUESTIONS[1].is_correct(typed)


def test_number_says_too_low_too_high_and_how_to_type():
    q = QUESTIONS[1]
    assert "647,941 is too high" in q.feedback("647,941")
    assert "too low" in q.feedback(132612)
    assert "not a number" in q.feedback("lots")
    assert not q.feedback("lots").startswith(quiz.CORRECT)


def test_number_tolerance_is_absolute():
    q = QUESTIONS[2]
    assert q.is_correct("0.69") and q.is_correct(0.698)
    assert not q.is_correct(0.70) and not q.is_correct(0.68)


def test_answer_without_widgets_and_out_of_range():
    q = Quiz(QUESTIONS)
    assert q.answer(1, "132,613").startswith(quiz.CORRECT)
    with pytest.raises(IndexError, match="questions 0 to 2"):
        q.answer(3, 1)


def test_widgets_give_immediate_feedback_with_stable_classes():
    q = Quiz(QUESTIONS)
    box = q.widget
    assert "tl-quiz" in box._dom_classes
    radio, number = q._inputs[0], q._inputs[1]
    assert "tl-quiz-choice" in radio._dom_classes and "tl-quiz-number" in number._dom_classes
    radio.value = "Shrinks it"  # what a click does: feedback appears without any button
    assert "✗" in q._feedback[0].value and "tl-quiz-feedback" in q._feedback[0]._dom_classes
    assert q.answer(0, 1).startswith(quiz.CORRECT)
    assert "✓" in q._feedback[0].value and radio.value == "Stops its weight updates"
    number.value = "132,613"
    assert "✓" in q._feedback[1].value
    number.value = ""
    assert q._feedback[1].value == ""


def test_the_check_button_reads_the_number_field():
    q = Quiz(QUESTIONS)
    q.widget
    q._inputs[2].value = "0.5"
    q._feedback[2].value = ""
    item = q.widget.children[3]  # the title, then one box per question
    check = next(w for w in _walk(item) if "tl-quiz-check" in w._dom_classes)
    check.click()
    assert "too low" in q._feedback[2].value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_display_bundle_has_widget_and_a_fallback_with_every_question_and_answer():
    bundle = Quiz(QUESTIONS, title="Lesson 01 quiz")._repr_mimebundle_()
    assert quiz.WIDGET_MIME in bundle
    page = bundle["text/html"]
    assert page.count("<details>") == len(QUESTIONS) and "Lesson 01 quiz" in page
    for q in QUESTIONS:
        assert q.question in page and q.why in page
    assert "(b) Stops its weight updates" in page and "132,613" in page and "0.693 (± 0.005)" in page
    assert "Stops its weight updates" in bundle["text/plain"]


def test_fallback_escapes_html():
    page = Quiz([Choice("Is <b> bold?", ["<yes>", "no"], 0, "a & b")]).to_html()
    assert "&lt;b&gt;" in page and "&lt;yes&gt;" in page and "a &amp; b" in page


def test_fallback_is_deterministic():
    """nbval compares the stored fallback literally: two builds must be identical."""
    assert Quiz(QUESTIONS).to_html() == Quiz(QUESTIONS).to_html()


def test_show_enables_colab_widget_manager(monkeypatch):
    calls = []
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("on"))
    colab = types.ModuleType("google.colab")
    colab.output = output
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    quiz.show_quiz(QUESTIONS)
    assert calls == ["on"]


def test_show_outside_colab_touches_nothing(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert isinstance(quiz.show_quiz(QUESTIONS[:1]), Quiz)


def test_an_empty_quiz_is_refused():
    with pytest.raises(ValueError, match="at least one question"):
        Quiz([])
