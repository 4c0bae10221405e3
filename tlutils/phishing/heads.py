"""The new heads of both models: logistic regression on a frozen pretrained model's features.

A head is a few numbers stored as JSON (no pickle): each feature vector is scaled to unit length,
then standardised with the training mean and spread, then weighted. scikit-learn fits it; NumPy
applies it, so scoring one e-mail needs no scikit-learn object.

>>> import numpy as np
>>> X = np.array([[1.0, 0.1], [0.9, 0.2], [0.1, 1.0], [0.2, 0.8]])
>>> head = LinearHead.fit(X, [1, 1, 0, 0], C=1.0)
>>> bool((head.probabilities(X)[:2] > 0.5).all() and (head.probabilities(X)[2:] < 0.5).all())
True
>>> LinearHead.from_json(head.to_json()) == head
True
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np


def unit_rows(X: Any) -> np.ndarray:
    """Each row scaled to length 1 (a row of zeros stays zeros)."""
    X = np.asarray(X, dtype="float64")
    return X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)


@dataclasses.dataclass(frozen=True)
class LinearHead:
    """``sigmoid(((unit(x) - mean) / scale) . coef + intercept)``: the phishing probability."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    C: float

    @classmethod
    def fit(cls, X: Any, y: Sequence[int], *, C: float) -> "LinearHead":
        """Fit on features ``X`` and labels ``y``; ``C`` is the inverse L2 penalty (smaller: simpler)."""
        from sklearn.linear_model import LogisticRegression

        U = unit_rows(X)
        mean, scale = U.mean(axis=0), U.std(axis=0) + 1e-6
        model = LogisticRegression(C=C, max_iter=5000).fit((U - mean) / scale, np.asarray(y))
        return cls(tuple(mean.tolist()), tuple(scale.tolist()), tuple(model.coef_[0].tolist()),
                   float(model.intercept_[0]), float(C))

    def probabilities(self, X: Any) -> np.ndarray:
        """The phishing probability of each row of ``X``."""
        z = ((unit_rows(X) - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {"kind": "linear_head", **{k: list(v) if isinstance(v, tuple) else v
                                          for k, v in dataclasses.asdict(self).items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LinearHead":
        """The head :meth:`to_json` wrote; another kind or mismatched sizes are refused in one sentence."""
        if data.get("kind") != "linear_head":
            raise ValueError(f"The head is of kind {data.get('kind')!r}; this tlutils reads 'linear_head'.")
        sizes = {len(data["mean"]), len(data["scale"]), len(data["coef"])}
        if len(sizes) != 1:
            raise ValueError(f"The head's mean, scale and weights differ in size ({sorted(sizes)}).")
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]), float(data["intercept"]),
                   float(data["C"]))
