"""Exercise checks of the text lessons' code: a masked pooling, a tokenizer call, and a learner's
sentence features used with few labels (lessons 03 and 05)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .accuracy_exercises import few_labels
from .feedback import NOT_ANSWERED, Feedback, _raised, _right, _unanswered, _wrong


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


def check_sentence_features(features: Callable[[list[str]], Any], train: Any, test: Any, target: float,
                            labels_per_class: int = 8, seeds: Sequence[int] = range(5)) -> Feedback:
    """Check a learner's ``features(texts)`` (one vector per text) as feature extraction with few
    labels: for each seed the check draws ``labels_per_class`` labelled training texts per class,
    fits a logistic regression on their vectors and measures it on every ``test`` text; right
    when the mean test accuracy over the seeds reaches ``target``. ``train`` and ``test`` have
    ``texts`` and ``labels`` (a :class:`tlutils.text.TextSplit`).

    Example:
        >>> from types import SimpleNamespace as Split
        >>> train = Split(texts=["good", "fine", "bad", "awful"], labels=np.array([1, 1, 0, 0]))
        >>> words = lambda texts: np.array([[t in ("good", "fine", "great")] for t in texts], float)
        >>> print(check_sentence_features(words, train, Split(texts=["great", "bad"], labels=np.array([1, 0])),
        ...                               target=0.9, labels_per_class=1, seeds=[0]))
        Right: with 1 labels per class, your features give mean test accuracy 1.000 over 1 draws (target 0.90).
    """
    from sklearn.linear_model import LogisticRegression

    if _unanswered(features):
        return Feedback(False, NOT_ANSWERED)
    picks = [few_labels(train.labels, labels_per_class, seed) for seed in seeds]
    chosen = sorted({int(i) for pick in picks for i in pick})
    try:
        train_output = features([train.texts[i] for i in chosen])
        if train_output is None:
            return Feedback(False, NOT_ANSWERED + " (Your function returns nothing yet.)")
        train_output = np.asarray(train_output, dtype="float64")
        test_vectors = np.asarray(features(list(test.texts)), dtype="float64")
    except Exception as error:  # the learner's code: report its error as a sentence
        return _raised(error)
    if (train_output.ndim != 2 or len(train_output) != len(chosen) or test_vectors.ndim != 2
            or len(test_vectors) != len(test.texts)):
        return _wrong("your function should return one vector per text it is given (shape: texts x numbers), "
                      "computed from those texts.")
    accuracies = []
    for pick in picks:
        x = train_output[[chosen.index(int(i)) for i in pick]]
        model = LogisticRegression(max_iter=2000).fit(x, np.asarray(train.labels)[pick])
        accuracies.append(model.score(test_vectors, test.labels))
    mean = float(np.mean(accuracies))
    if mean >= target:
        return _right(f"with {labels_per_class} labels per class, your features give mean test accuracy {mean:.3f} "
                      f"over {len(picks)} draws (target {target:.2f}).")
    return _wrong(f"with {labels_per_class} labels per class, your features give mean test accuracy {mean:.3f}, "
                  f"below the target {target:.2f}; look for the encoder output that was trained to represent a "
                  "whole sentence.")
