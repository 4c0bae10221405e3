"""Check functions for the lessons' coding exercises: each says in one sentence what is right or
wrong in a learner's answer.

Every check returns a :class:`Feedback`, which shows as its sentence in a notebook and is true
only when the answer is right, so a solution cell can ``assert`` it. An exercise cell still holding
its ``...`` placeholder gets "not answered yet" rather than an error.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .params import count_params

NOT_ANSWERED = "Not answered yet: replace the ... with your answer and run the cell again."


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

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.message)


def _unanswered(*values: Any) -> bool:
    return any(v is ... or v is None for v in values)


def _right(message: str) -> Feedback:
    return Feedback(True, f"Right: {message}")


def _wrong(message: str) -> Feedback:
    return Feedback(False, f"Not quite: {message}")


def check_trainable_count(model: Any, predicted: int) -> Feedback:
    """Compare a predicted number of trainable parameters with the model's real one.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> print(check_trainable_count(model, 10))
        Right: the model trains 10 parameters.
        >>> print(check_trainable_count(model, 8))
        Not quite: you predicted 8 but the model trains 10, 2 more; count every trainable kernel and its biases.
    """
    if _unanswered(predicted):
        return Feedback(False, NOT_ANSWERED)
    actual = count_params(model).trainable
    if int(predicted) == actual:
        return _right(f"the model trains {actual:,} parameters.")
    gap = actual - int(predicted)
    hint = ("count every trainable kernel and its biases" if gap > 0 else
            "frozen layers do not count, and a layer without weights adds nothing")
    return _wrong(f"you predicted {int(predicted):,} but the model trains {actual:,}, "
                  f"{abs(gap):,} {'more' if gap > 0 else 'fewer'}; {hint}.")


def _holds_weights(layer: Any) -> bool:
    return bool(layer.weights) and type(layer).__name__ != "BatchNormalization"


def check_gradual_unfreezing(base: Any, stages: Sequence[Sequence[str]]) -> Feedback:
    """Check a gradual-unfreezing schedule: ``stages`` lists the names of the base's trainable
    layers after each stage. Right when there are at least two stages, each one unfreezes more
    layers than the one before, always a block at the top of the base (below it all stays
    frozen), and the base is not fully unfrozen in the first stage.

    Example:
        >>> import keras
        >>> base = keras.Sequential([keras.Input((3,))] + [keras.layers.Dense(3, name=f"d{i}") for i in range(6)])
        >>> top = lambda n: [layer.name for layer in base.layers[-n:]]
        >>> print(check_gradual_unfreezing(base, [top(2), top(4)]))
        Right: 2 stages, each unfreezing more of the base from the top (2, then 4 layers).
        >>> print(check_gradual_unfreezing(base, [top(4), top(2)]))
        Not quite: stage 2 has fewer trainable layers than stage 1; each stage should unfreeze more, never refreeze.
    """
    if _unanswered(stages):
        return Feedback(False, NOT_ANSWERED)
    stages = [list(s) for s in stages]
    if len(stages) < 2:
        return _wrong(f"{len(stages)} stage recorded; gradual unfreezing needs at least two.")
    names = [layer.name for layer in base.layers]
    unknown = sorted({n for s in stages for n in s} - set(names))
    if unknown:
        return _wrong(f"{unknown[:3]} are not layers of this base; record `layer.name` of its layers.")
    weighted = [layer.name for layer in base.layers if _holds_weights(layer)]
    if len([n for n in weighted if n in stages[0]]) == len(weighted):
        return _wrong("the first stage already unfreezes the whole base; start with the top block.")
    for number, stage in enumerate(stages, 1):
        trainable = [n for n in weighted if n in stage]
        if not trainable:
            return _wrong(f"stage {number} trains no layer of the base.")
        if trainable != weighted[len(weighted) - len(trainable):]:
            return _wrong(f"stage {number} unfreezes {trainable[0]} while a layer above it stays frozen; "
                          "unfreeze from the top down.")
        if number > 1 and not set(stages[number - 2]) < set(stage):
            return _wrong(f"stage {number} has {'fewer' if len(stage) < len(stages[number - 2]) else 'no more'} "
                          f"trainable layers than stage {number - 1}; each stage should unfreeze more, never refreeze.")
    sizes = ", then ".join(str(len(s)) for s in stages)
    return _right(f"{len(stages)} stages, each unfreezing more of the base from the top ({sizes} layers).")


def _pool_reference(kind: str, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(bool)
    if kind == "mean":
        return (hidden * weights).sum(axis=1) / weights.sum(axis=1)
    return np.where(weights, hidden, -np.inf).max(axis=1)


def check_pooling(pool: Callable[[Any, Any], Any], kind: str = "max") -> Feedback:
    """Test a learner's ``pool(last_hidden_state, attention_mask)`` (``kind`` "max" or "mean")
    on a batch whose padded positions hold large values: right when it returns one vector per
    text that ignores the padding.

    Example:
        >>> def max_pool(hidden, mask):
        ...     hidden = np.where(np.asarray(mask)[..., None] == 1, hidden, -np.inf)
        ...     return hidden.max(axis=1)
        >>> print(check_pooling(max_pool, "max"))
        Right: one 4-number vector per text, the max over real tokens only.
        >>> print(check_pooling(lambda hidden, mask: np.max(hidden, axis=1), "max"))
        Not quite: padding changes your result; use the attention mask so that [PAD] positions never count.
    """
    if kind not in ("max", "mean"):
        raise ValueError(f"kind must be 'max' or 'mean', not {kind!r}")
    if _unanswered(pool):
        return Feedback(False, NOT_ANSWERED)
    rng = np.random.default_rng(0)
    hidden = rng.normal(size=(3, 5, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 0, 0, 0]], dtype="int32")
    hidden[mask == 0] = 100.0  # padding that a pooling without the mask would pick up
    try:
        result = pool(hidden, mask)
    except Exception as error:  # the learner's code: report its error as a sentence
        return _wrong(f"your function raised {type(error).__name__}: {error}.")
    if _unanswered(result):
        return Feedback(False, NOT_ANSWERED + " (Your function returns nothing yet.)")
    result = np.asarray(result, dtype="float64")
    if result.shape != (3, 4):
        return _wrong(f"3 texts of 5 tokens with 4 hidden units gave shape {result.shape}; "
                      "pool over the token axis (axis 1) to get (3, 4).")
    expected = _pool_reference(kind, hidden, mask)
    if np.allclose(result, expected, atol=1e-5):
        return _right(f"one 4-number vector per text, the {kind} over real tokens only.")
    other = "mean" if kind == "max" else "max"
    if np.allclose(result, _pool_reference(other, hidden, mask), atol=1e-5):
        return _wrong(f"this is {other} pooling; the exercise asks for {kind} pooling.")
    if np.allclose(result[0], expected[0], atol=1e-5):  # the text without padding is right
        return _wrong("padding changes your result; use the attention mask so that [PAD] positions never count.")
    return _wrong(f"the values differ from the {kind} over each text's real tokens.")


def check_tokenizer_call(tokenizer: Any, texts: Sequence[str], batch: Any, max_length: int) -> Feedback:
    """Check a batch that should hold ``texts`` padded and truncated to exactly ``max_length``
    tokens, with its attention mask.

    Example:
        >>> class Toy:  # a stand-in tokenizer: one id per word, [CLS]=101, [SEP]=102, [PAD]=0
        ...     def __call__(self, texts, padding, truncation, max_length, return_tensors):
        ...         rows = [[101] + [5] * min(len(t.split()), max_length - 2) + [102] for t in texts]
        ...         rows = [r + [0] * (max_length - len(r)) for r in rows]
        ...         return {"input_ids": np.array(rows), "attention_mask": (np.array(rows) > 0) * 1}
        >>> toy, texts = Toy(), ["a b", "a b c d e f g h"]
        >>> print(check_tokenizer_call(toy, texts, toy(texts, "max_length", True, 6, "np"), 6))
        Right: shape (2, 6), every text padded or cut to 6 tokens, with its attention mask.
        >>> print(check_tokenizer_call(toy, texts, {"input_ids": np.zeros((2, 10))}, 6))
        Not quite: the batch has 10 tokens per text, more than max_length=6; add truncation=True.
    """
    if _unanswered(batch):
        return Feedback(False, NOT_ANSWERED)
    expected = tokenizer(list(texts), padding="max_length", truncation=True, max_length=max_length,
                         return_tensors="np")
    if "input_ids" not in batch:
        return _wrong("the batch has no input_ids; call the tokenizer on the texts.")
    ids = np.asarray(batch["input_ids"])
    if ids.ndim != 2 or ids.shape[0] != len(texts):
        return _wrong(f"input_ids has shape {ids.shape}; pass all {len(texts)} texts as one list "
                      "and ask for tensors (return_tensors).")
    if ids.shape[1] > max_length:
        return _wrong(f"the batch has {ids.shape[1]} tokens per text, more than max_length={max_length}; "
                      "add truncation=True.")
    if ids.shape[1] < max_length:
        return _wrong(f"the batch has {ids.shape[1]} tokens per text, not {max_length}: padding=True pads "
                      "to the longest text; use padding=\"max_length\".")
    if "attention_mask" not in batch:
        return _wrong("the batch has no attention_mask; without it the model would attend to [PAD].")
    if not np.array_equal(ids, expected["input_ids"]):
        return _wrong("the token ids differ from this tokenizer's; use the lesson's tokenizer on the texts as given.")
    if not np.array_equal(np.asarray(batch["attention_mask"]), expected["attention_mask"]):
        return _wrong("the attention mask does not match the real tokens.")
    return _right(f"shape {ids.shape}, every text padded or cut to {max_length} tokens, with its attention mask.")


def _accuracy_at(threshold: float, probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean((probabilities >= threshold).astype(int) == labels))


def check_threshold(threshold: float, probabilities: Any, labels: Any) -> Feedback:
    """Check a decision threshold chosen on a validation set: right when no other threshold
    gives a higher accuracy on these (validation) probabilities and labels.

    Example:
        >>> p, y = np.array([0.2, 0.4, 0.45, 0.9]), np.array([0, 1, 1, 1])
        >>> print(check_threshold(0.3, p, y))
        Right: threshold 0.3 gives validation accuracy 1.000, the best any threshold reaches.
        >>> print(check_threshold(0.5, p, y))
        Not quite: threshold 0.5 gives validation accuracy 0.500, but 1.000 is possible; try thresholds between the predicted probabilities.
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
    if mine >= best - 1e-12:
        return _right(f"threshold {threshold:g} gives validation accuracy {mine:.3f}, the best any threshold reaches.")
    return _wrong(f"threshold {threshold:g} gives validation accuracy {mine:.3f}, but {best:.3f} is possible; "
                  "try thresholds between the predicted probabilities.")


RESULT_KEYS = {"top1": float, "mean_per_class": float, "seconds": float, "epochs": int,
               "trainable": int, "frozen": int, "notes": str}


def check_new_approach(result: Any) -> Feedback:
    """Check what a new challenge approach returns: the dict the runner's report needs
    (``top1``, ``mean_per_class``, ``seconds``, ``epochs``, ``trainable``, ``frozen``, ``notes``).

    Example:
        >>> good = {"top1": 0.5, "mean_per_class": 0.4, "seconds": 3.0, "epochs": 1,
        ...         "trainable": 10, "frozen": 0, "notes": "probe"}
        >>> print(check_new_approach(good))
        Right: the result has every field the report needs (top-1 50.0%, 10 trainable parameters).
        >>> print(check_new_approach({**good, "top1": 50}))
        Not quite: top1 is 50, but accuracies are fractions between 0 and 1.
    """
    if _unanswered(result):
        return Feedback(False, NOT_ANSWERED)
    if not isinstance(result, dict):
        return _wrong(f"an approach returns a dict of results, not a {type(result).__name__}.")
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
