"""Exercise checks of what a model trains: its trainable parameters, a gradual-unfreezing
schedule, and the gradient that reaches a head (lessons 00, 01, 02, 04 and 05)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..params import count_params
from .feedback import NOT_ANSWERED, REVEAL, Feedback, _is_one_of, _raised, _right, _unanswered, _wrong


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
        Not quite: your prediction is too low; count every trainable kernel and its biases (tlutils.practice.reveal() shows the answer).
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
    from ..gradients import base_gradient_norms

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
