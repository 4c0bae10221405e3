"""Check functions for the lessons' coding exercises: each says in one sentence what is right or
wrong in a learner's answer.

Every check returns a :class:`Feedback`, which shows as its sentence in a notebook and is true
only when the answer is right, so a solution cell can ``assert`` it. An exercise cell still holding
its ``...`` placeholder gets "not answered yet" rather than an error.

A wrong answer gets a hint, never the answer: :func:`reveal` shows the answer of the last check,
for a learner who asks. Checks refuse the lazy answers: the lesson's own model (pass it as
``lesson_models``), a number the lesson already printed (``printed``), a result the lesson already
has (``existing``). Checks of a trained model measure it against a target accuracy that sits below
what the worked solution reached over ten seeds (``benchmarks/exercise_targets.py``).

For an exercise where the learner trains something, :func:`check_accuracy` is the generic check:
it runs the learner's model (a Keras model, a scikit-learn estimator or a plain function) on
held-out inputs in an order of its own and compares its accuracy with the target::

    feedback = tlutils.exercises.check_accuracy(my_head, x_test, y_test, target=0.85,
                                                lesson_models=[model])
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .params import count_params

NOT_ANSWERED = "Not answered yet: replace the ... with your answer and run the cell again."
REVEAL = "tlutils.exercises.reveal() shows the answer"
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


def check_trainable_count(model: Any, predicted: int, lesson_models: Sequence[Any] = (),
                          printed: Sequence[int] = ()) -> Feedback:
    """Compare a predicted number of trainable parameters with the real one of the model the
    learner built. The lesson's own models (``lesson_models``) are refused, and so is a model
    that trains a number the lesson already printed (``printed``): the exercise asks for a
    changed model. A wrong prediction gets a hint, and :func:`reveal` the true count.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> print(check_trainable_count(model, 10))
        Right: the model trains 10 parameters.
        >>> print(check_trainable_count(model, 8))
        Not quite: your prediction is too low; count every trainable kernel and its biases (tlutils.exercises.reveal() shows the answer).
        >>> print(check_trainable_count(model, 10, printed=[10]))
        Not quite: your model trains as many parameters as a model printed above; change it as the exercise asks.
    """
    if _unanswered(predicted, model):
        return Feedback(False, NOT_ANSWERED)
    if _is_one_of(model, lesson_models):
        return _wrong("this is the lesson's own model; build the new one the exercise asks for.")
    actual = count_params(model).trainable
    if actual in {int(n) for n in printed}:
        return _wrong("your model trains as many parameters as a model printed above; change it as the exercise asks.")
    if int(predicted) == actual:
        return _right(f"the model trains {actual:,} parameters.")
    hint = ("count every trainable kernel and its biases" if actual > int(predicted) else
            "frozen layers do not count, and a layer without weights adds nothing")
    return _wrong(f"your prediction is too {'low' if actual > int(predicted) else 'high'}; {hint} ({REVEAL}).",
                  answer=f"The model trains {actual:,} parameters; you predicted {int(predicted):,}.")


def _holds_weights(layer: Any) -> bool:
    return bool(layer.weights) and type(layer).__name__ != "BatchNormalization"


def check_gradual_unfreezing(base: Any, stages: Sequence[Sequence[str]]) -> Feedback:
    """Check a gradual-unfreezing schedule: ``stages`` lists the names of the base's trainable
    layers after each stage. Right when there are at least two stages, each one unfreezes more
    layers than the one before, always a block at the top of the base (below it all stays
    frozen), the base is not fully unfrozen in the first stage, and the base's layers really are
    trainable as the last stage says (names typed without unfreezing anything do not pass).

    Example:
        >>> import keras
        >>> base = keras.Sequential([keras.Input((3,))] + [keras.layers.Dense(3, name=f"d{i}") for i in range(6)])
        >>> top = lambda n: [layer.name for layer in base.layers[-n:]]
        >>> for i, layer in enumerate(base.layers):
        ...     layer.trainable = i >= 2  # the top 4 layers, as the last stage says
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
    really = [layer.name for layer in base.layers if _holds_weights(layer) and layer.trainable]
    if really != [n for n in weighted if n in stages[-1]]:
        return _wrong("the base's trainable layers differ from your last stage; unfreeze the layers "
                      "(layer.trainable = True), do not only list their names.")
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


def check_head_gradient(head: Any, base: Any, images: Any, labels: Any, random_head: Any,
                        target_ratio: float, lesson_models: Sequence[Any] = ()) -> Feedback:
    """Check that a head the learner trained sends at least ``target_ratio`` times less gradient
    into ``base`` than ``random_head`` (lesson 02's measurement, with
    :func:`tlutils.gradients.base_gradient_norms` on ``images`` and ``labels``). The lesson's own
    heads (``lesson_models``) and the random head itself are refused.

    Example:
        >>> import keras
        >>> base = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, kernel_initializer="identity")])
        >>> def head(weight):
        ...     return keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax",
        ...         use_bias=False, kernel_initializer=keras.initializers.Constant([[weight, -weight], [-weight, weight]]))])
        >>> x, y = np.array([[1.0, 0.0]]), np.array([0])
        >>> print(check_head_gradient(head(5.0), base, x, y, head(0.01), target_ratio=10))  # doctest: +ELLIPSIS
        Right: your head sends ... times less gradient into the base than the random head (target 10).
        >>> print(check_head_gradient(head(0.02), base, x, y, head(0.01), target_ratio=10))
        Not quite: your head sends 1 times less gradient into the base than the random head, not yet 10; train it for more epochs.
    """
    from .gradients import base_gradient_norms

    if _unanswered(head):
        return Feedback(False, NOT_ANSWERED)
    if head is random_head or _is_one_of(head, lesson_models):
        return _wrong("this is one of the lesson's heads; train a new one as the exercise asks.")
    try:
        norms = base_gradient_norms(base, {"yours": head, "random": random_head}, images, labels)
    except Exception as error:  # the learner's head: report its error as a sentence
        return _raised(error)
    ratio = norms["random"] / max(norms["yours"], 1e-30)
    message = f"your head sends {ratio:,.0f} times less gradient into the base than the random head"
    if ratio >= target_ratio:
        return _right(f"{message} (target {target_ratio:g}).")
    return _wrong(f"{message}, not yet {target_ratio:g}; train it for more epochs.")


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
