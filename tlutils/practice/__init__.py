"""Lesson feedback: the quizzes, the checks of the coding exercises and a lesson's own checked claims.

One package, because all three answer one question for the learner ("did I get it?"); one module
per kind of thing, so each stays short and is named for what it holds: ``quiz`` (the widget),
``questions`` (the lessons' quiz questions, kept as data in ``questions.toml``, out of the
notebooks so no cell shows an answer), ``feedback`` (the verdict every check returns),
``model_exercises``, ``text_exercises`` and ``accuracy_exercises`` (the checks, by what they
check) and ``claims`` (``expect_at_least``, a lesson checking its own prose). A notebook calls
the functions re-exported here::

    tlutils.practice.check_accuracy(my_head, x_test, y_test, target=0.85, lesson_models=[model])
    tlutils.practice.expect_at_least(accuracy, 0.8, "the head beats chance")
    quiz = tlutils.practice.show_quiz(tlutils.practice.questions("00"), title="Lesson 00 quiz")
"""
from __future__ import annotations

from .accuracy_exercises import (check_accuracy, check_new_approach, check_precision_at_base_rate,
                                 check_threshold, few_labels)
from .claims import expect_at_least
from .feedback import NOT_ANSWERED, Feedback, reveal
from .model_exercises import check_gradual_unfreezing, check_head_gradient, check_trainable_count
from .questions import prediction, questions
from .quiz import Choice, Number, Quiz, show_quiz
from .text_exercises import check_pooling, check_sentence_features, check_tokenizer_call

__all__ = ["NOT_ANSWERED", "Choice", "Feedback", "Number", "Quiz", "check_accuracy", "check_gradual_unfreezing",
           "check_head_gradient", "check_new_approach", "check_pooling", "check_precision_at_base_rate",
           "check_sentence_features", "check_threshold", "check_tokenizer_call", "check_trainable_count",
           "expect_at_least", "few_labels", "prediction", "questions", "reveal", "show_quiz"]
