"""Counting a model's parameters the way a transfer-learning lesson needs them."""
from __future__ import annotations

import math
from typing import Any, NamedTuple


class ParamCounts(NamedTuple):
    """Trainable, frozen and total numbers of weights; prints in the seed's three lines."""

    trainable: int
    frozen: int

    @property
    def total(self) -> int:
        return self.trainable + self.frozen

    def __str__(self) -> str:
        return (
            f"Trainable params: {self.trainable:,}\n"
            f"Frozen (pretrained) params: {self.frozen:,}\n"
            f"Total params: {self.total:,}"
        )


def _size(weights: Any) -> int:
    return sum(math.prod(int(d) for d in w.shape) for w in weights)


def count_params(model: Any) -> ParamCounts:
    """Count the weights of a Keras 3 model (KerasHub models included).

    Counts ``trainable_weights`` and ``non_trainable_weights`` rather than variables: in
    Keras 3, ``model.non_trainable_variables`` also holds state such as a Dropout layer's
    seed, which is not a parameter.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> count_params(model)
        ParamCounts(trainable=10, frozen=0)
    """
    return ParamCounts(_size(model.trainable_weights), _size(model.non_trainable_weights))
