"""Exercise checks that measure what a learner trained or chose: accuracy on held-out inputs,
a decision threshold, precision at a base rate and a new challenge approach's result (lessons 00,
01, 03, 04, 06 and 07), and :func:`few_labels`, the labelled examples an exercise may use.

:func:`check_accuracy` is the generic check of an exercise where the learner trains something: it
runs the learner's model (a Keras model, a scikit-learn estimator or a plain function) on held-out
inputs in an order of its own and compares its accuracy with the target::

    feedback = tlutils.practice.check_accuracy(my_head, x_test, y_test, target=0.85,
                                               lesson_models=[model])

Targets sit below what the worked solution reached over ten seeds (``benchmarks/exercise_targets.py``).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .feedback import NOT_ANSWERED, Feedback, _is_one_of, _raised, _right, _unanswered, _wrong


def _accuracy_at(threshold: float, probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean((probabilities >= threshold).astype(int) == labels))


def check_threshold(threshold: float, probabilities: Any, labels: Any, test_probabilities: Any = None,
                    test_labels: Any = None, target: float | None = None) -> Feedback:
    """Check a decision threshold chosen on a validation set: right when no other threshold
    gives a higher accuracy on these (validation) probabilities and labels, and, when test
    probabilities, labels and a ``target`` are given, when the threshold reaches the target
    accuracy on that test set too.

    Example:
        >>> p, y = np.array([0.2, 0.4, 0.45, 0.9]), np.array([0, 1, 1, 1])
        >>> print(check_threshold(0.3, p, y))
        Right: threshold 0.3 gives validation accuracy 1.000, the best any threshold reaches.
        >>> print(check_threshold(0.5, p, y))
        Not quite: threshold 0.5 gives validation accuracy 0.500, but 1.000 is possible; try thresholds between the predicted probabilities.
        >>> print(check_threshold(0.3, p, y, np.array([0.35, 0.6]), np.array([0, 1]), target=0.9))
        Not quite: threshold 0.3 is the best on validation but reaches test accuracy 0.500, below the target 0.90; choose among the thresholds that tie on validation the one with the widest margin.
    """
    if _unanswered(threshold):
        return Feedback(False, NOT_ANSWERED)
    probabilities, labels = np.asarray(probabilities, dtype="float64"), np.asarray(labels)
    if probabilities.shape != labels.shape:
        return _wrong(f"{probabilities.shape[0]} probabilities for {labels.shape[0]} labels; use the "
                      "positive class's probability of every validation text.")
    if not 0.0 <= float(threshold) <= 1.0:
        return _wrong(f"a threshold on probabilities lies between 0 and 1, not {threshold}.")
    candidates = np.concatenate([[0.0, 1.0 + 1e-9], np.unique(probabilities)])
    best = max(_accuracy_at(t, probabilities, labels) for t in candidates)
    mine = _accuracy_at(float(threshold), probabilities, labels)
    if mine < best - 1e-12:
        return _wrong(f"threshold {threshold:g} gives validation accuracy {mine:.3f}, but {best:.3f} is possible; "
                      "try thresholds between the predicted probabilities.")
    if target is not None:
        test = _accuracy_at(float(threshold), np.asarray(test_probabilities, dtype="float64"), np.asarray(test_labels))
        if test < target:
            return _wrong(f"threshold {threshold:g} is the best on validation but reaches test accuracy {test:.3f}, "
                          f"below the target {target:.2f}; choose among the thresholds that tie on validation "
                          "the one with the widest margin.")
        return _right(f"threshold {threshold:g} gives validation accuracy {mine:.3f}, the best any threshold "
                      f"reaches, and test accuracy {test:.3f} (target {target:.2f}).")
    return _right(f"threshold {threshold:g} gives validation accuracy {mine:.3f}, the best any threshold reaches.")


def _predicted_classes(model: Any, inputs: Any) -> np.ndarray:
    """Class predictions of a Keras model, a scikit-learn estimator or a function, for ``inputs``."""
    if hasattr(model, "predict"):
        try:
            output = model.predict(inputs, verbose=0)  # Keras: no progress bar
        except TypeError:  # scikit-learn takes no verbose argument
            output = model.predict(inputs)
    else:
        output = model(inputs)
    output = np.asarray(output)
    return output.argmax(axis=-1) if output.ndim == 2 else output.reshape(-1)


def _subset(inputs: Any, order: np.ndarray) -> Any:
    """``inputs`` (an array, a dict of arrays or a list) in the given order."""
    if isinstance(inputs, dict):
        return {key: np.asarray(value)[order] for key, value in inputs.items()}
    if isinstance(inputs, np.ndarray):
        return inputs[order]
    return [inputs[i] for i in order]


def check_accuracy(model: Any, inputs: Any, labels: Any, target: float, lesson_models: Sequence[Any] = (),
                   what: str = "held-out") -> Feedback:
    """Check that a model the learner trained reaches ``target`` accuracy on held-out ``inputs``.

    ``model`` is a Keras model (class probabilities), a scikit-learn estimator, or a function
    from inputs to classes. The check runs it on the inputs in a shuffled order of its own (so
    returning the labels as they are does not pass) and refuses the lesson's own models
    (``lesson_models``). Set ``target`` below what the worked solution reaches over several seeds.

    Example:
        >>> x, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
        >>> print(check_accuracy(lambda x: (x[:, 0] > 1.5).astype(int), x, y, target=0.75))
        Right: 4 of 4 held-out examples right (accuracy 1.000, target 0.75).
        >>> print(check_accuracy(lambda x: np.zeros(len(x), int), x, y, target=0.75))
        Not quite: accuracy 0.500 on the held-out examples, below the target 0.75; train longer or on more examples, and check that the model sees the inputs it was trained on.
    """
    if _unanswered(model):
        return Feedback(False, NOT_ANSWERED)
    if _is_one_of(model, lesson_models):
        return _wrong("this is the lesson's own model; train the new one the exercise asks for.")
    labels = np.asarray(labels)
    order = np.random.default_rng(0).permutation(len(labels))
    try:
        predicted = _predicted_classes(model, _subset(inputs, order))
    except Exception as error:  # the learner's model: report its error as a sentence
        return _raised(error)
    if predicted.size == 1 and predicted[0] is None:
        return Feedback(False, NOT_ANSWERED + " (Your function returns nothing yet.)")
    if predicted.shape != labels.shape:
        return _wrong(f"your model gave {predicted.size} predictions for {labels.size} {what} examples; "
                      "it should give one class per example.")
    right = int(np.sum(predicted == labels[order]))
    accuracy = right / len(labels)
    if accuracy >= target:
        return _right(f"{right} of {len(labels)} {what} examples right (accuracy {accuracy:.3f}, target {target:.2f}).")
    return _wrong(f"accuracy {accuracy:.3f} on the {what} examples, below the target {target:.2f}; train longer "
                  "or on more examples, and check that the model sees the inputs it was trained on.")


def few_labels(labels: Any, per_class: int, seed: int) -> np.ndarray:
    """Indices of ``per_class`` examples of every class, drawn with ``seed``.

    Example:
        >>> sorted(np.asarray([0, 0, 1, 1])[few_labels([0, 0, 1, 1], 1, seed=0)].tolist())
        [0, 1]
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
                           for c in np.unique(labels)])


RESULT_KEYS = {"top1": float, "mean_per_class": float, "seconds": float, "epochs": int,
               "trainable": int, "frozen": int, "notes": str}


def check_new_approach(result: Any, existing: dict[str, Any] | None = None) -> Feedback:
    """Check what a new challenge approach returns: the dict the runner's report needs
    (``top1``, ``mean_per_class``, ``seconds``, ``epochs``, ``trainable``, ``frozen``, ``notes``),
    and not one of the results the lesson already has (``existing``, by approach name).

    Example:
        >>> good = {"top1": 0.5, "mean_per_class": 0.4, "seconds": 3.0, "epochs": 1,
        ...         "trainable": 10, "frozen": 0, "notes": "probe"}
        >>> print(check_new_approach(good))
        Right: the result has every field the report needs (top-1 50.0%, 10 trainable parameters).
        >>> print(check_new_approach({**good, "top1": 50}))
        Not quite: top1 is 50, but accuracies are fractions between 0 and 1.
        >>> print(check_new_approach(dict(good), existing={"feature_extraction": good}))
        Not quite: this is the lesson's feature_extraction result; return what your new approach measured.
    """
    if _unanswered(result):
        return Feedback(False, NOT_ANSWERED)
    if not isinstance(result, dict):
        return _wrong(f"an approach returns a dict of results, not a {type(result).__name__}.")
    for name, old in (existing or {}).items():
        if result is old or result == old:
            return _wrong(f"this is the lesson's {name} result; return what your new approach measured.")
    missing = [key for key in RESULT_KEYS if key not in result]
    if missing:
        return _wrong(f"the result misses {', '.join(missing)}; the report needs every one of {', '.join(RESULT_KEYS)}.")
    for key, kind in RESULT_KEYS.items():
        value = result[key]
        numeric = kind in (int, float) and isinstance(value, (int, float, np.integer, np.floating))
        if kind is int and numeric and float(value) != int(value):
            numeric = False
        if not (numeric or isinstance(value, kind)) or isinstance(value, bool):
            return _wrong(f"{key} is {value!r}; it should be {'a whole number' if kind is int else 'a ' + kind.__name__}.")
    for key in ("top1", "mean_per_class"):
        if not 0.0 <= float(result[key]) <= 1.0 or math.isnan(float(result[key])):
            return _wrong(f"{key} is {result[key]}, but accuracies are fractions between 0 and 1.")
    for key in ("seconds", "epochs", "trainable", "frozen"):
        if float(result[key]) < 0:
            return _wrong(f"{key} is {result[key]}; it cannot be negative.")
    return _right(f"the result has every field the report needs (top-1 {float(result['top1']):.1%}, "
                  f"{int(result['trainable']):,} trainable parameters).")


def _precision_reference(recall: float, false_positive_rate: float, base_rate: float) -> float:
    """Bayes' rule: the share of flagged e-mails that are phishing at a given share of phishing."""
    flagged_phishing = recall * base_rate
    flagged_legitimate = false_positive_rate * (1.0 - base_rate)
    return flagged_phishing / (flagged_phishing + flagged_legitimate)


PRECISION_CASES = [(0.95, 0.02, 0.032), (0.9, 0.05, 0.5), (0.8, 0.01, 0.1), (1.0, 0.1, 0.01),
                   (0.6, 0.2, 0.3)]


def check_precision_at_base_rate(precision_at: Callable[[float, float, float], float]) -> Feedback:
    """Test a learner's ``precision_at(recall, false_positive_rate, base_rate)``: the precision a
    detector reaches in an inbox where ``base_rate`` of the mail is phishing, from the recall and
    false-positive rate it showed on any test set (those two do not depend on the base rate).

    Example:
        >>> def precision_at(recall, false_positive_rate, base_rate):
        ...     hits = recall * base_rate
        ...     return hits / (hits + false_positive_rate * (1 - base_rate))
        >>> print(check_precision_at_base_rate(precision_at))
        Right: a detector with recall 0.95 and 2% false positives is right about 0.61 of its warnings when 3.2% of the mail is phishing.
        >>> print(check_precision_at_base_rate(lambda r, f, b: r / (r + f)))
        Not quite: your precision does not change with the base rate; weigh the recall by the phishing share and the false-positive rate by the legitimate share.
    """
    if _unanswered(precision_at):
        return Feedback(False, NOT_ANSWERED)
    answers = []
    for case in PRECISION_CASES:
        try:
            value = precision_at(*case)
        except Exception as error:  # the learner's code: report its error as a sentence
            return _wrong(f"your function raised {type(error).__name__} on {case}: {error}.")
        if _unanswered(value):
            return Feedback(False, NOT_ANSWERED + " (Your function returns nothing yet.)")
        try:
            answers.append(float(value))
        except (TypeError, ValueError):
            return _wrong(f"your function returned {value!r}; return one number between 0 and 1.")
    expected = [_precision_reference(*case) for case in PRECISION_CASES]
    if np.allclose(answers, expected, atol=1e-6):
        recall, fpr, base = PRECISION_CASES[0]
        return _right(f"a detector with recall {recall:g} and {fpr:.0%} false positives is right about "
                      f"{expected[0]:.2f} of its warnings when {base:.1%} of the mail is phishing.")
    if any(not 0.0 <= a <= 1.0 for a in answers):
        return _wrong("a precision is a share between 0 and 1; divide the flagged phishing by everything flagged.")
    balanced = [_precision_reference(r, f, 0.5) for r, f, _ in PRECISION_CASES]
    if np.allclose(answers, balanced, atol=1e-6) or np.allclose(answers, [r / (r + f) for r, f, _ in PRECISION_CASES]):
        return _wrong("your precision does not change with the base rate; weigh the recall by the phishing "
                      "share and the false-positive rate by the legitimate share.")
    if np.allclose(answers, [r * b / (r * b + f) for r, f, b in PRECISION_CASES], atol=1e-6):
        return _wrong("the false positives come from the legitimate mail only; weigh the false-positive rate "
                      "by 1 - base_rate.")
    return _wrong("the values differ from flagged phishing / (flagged phishing + flagged legitimate), with "
                  "recall x base_rate for the first and false_positive_rate x (1 - base_rate) for the second.")
