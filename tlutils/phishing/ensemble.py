"""The ensemble rule: a weighted average of the two models' probabilities, fitted on validation.

Why a weighted average and not a logistic-regression stacker: the validation split holds only 193
e-mails, so the rule should have as few free numbers as possible (one weight, against a
stacker's three), its output stays a probability between the two models' (a stacker can push
both far past either model), and the weight *is* each model's share, which the server reports.
The weight minimises the validation log loss over a grid of 21 values (0, 0.05, ..., 1); ties
go to the weight nearest 0.5.

The threshold guards every kind of legitimate mail (:func:`guarded_threshold`): the lowest at
which no legitimate validation collection has more than :data:`MAX_FALSE_ALARMS` of its e-mails
flagged. Lesson 07 compares it, collection by collection held out, with the rule the course used
before, a stated precision on the pooled validation e-mails (:func:`choose_threshold`): the pooled
rule let a small kind of mail (26 delivery notices) be flagged most of the time when it was held
out; the lesson prints both rules' false alarms and what the guarded one costs in recall. The rule
is stored as JSON.

>>> rule = WeightedAverage.fit([0.9, 0.2, 0.8, 0.1], [0.6, 0.5, 0.4, 0.5], [1, 0, 1, 0], ["a", "b", "a", "c"])
>>> rule.text_weight, rule.threshold
(1.0, 0.200001)
>>> WeightedAverage.from_json(rule.to_json()) == rule
True
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import log_loss

GRID = np.round(np.linspace(0.0, 1.0, 21), 2)
TARGET_PRECISION = 0.95  # the pooled rule's precision on all validation e-mails together
MAX_FALSE_ALARMS = 0.05  # the guarded rule: at most this share of each legitimate validation collection flagged


def choose_threshold(labels: Sequence[int], probabilities: Sequence[float],
                     precision: float = TARGET_PRECISION) -> float:
    """The lowest threshold at which the share of flagged e-mails that are phishing reaches
    ``precision`` (the highest probability when none does): as many caught as that allows.

    >>> choose_threshold([0, 1, 0, 1, 1], [0.2, 0.4, 0.5, 0.7, 0.9], precision=0.9)
    0.7
    """
    y, p = np.asarray(labels), np.asarray(probabilities, float)
    for t in np.unique(p):
        flagged = p >= t
        if y[flagged].mean() >= precision:
            return round(float(t), 6)
    return round(float(p.max()), 6)


def guarded_threshold(labels: Sequence[int], probabilities: Sequence[float], collections: Sequence[str],
                      max_false_alarms: float = MAX_FALSE_ALARMS) -> float:
    """The lowest threshold at which no legitimate collection has more than ``max_false_alarms``
    of its e-mails flagged (in a collection of fewer than ``1 / max_false_alarms`` e-mails: none).
    Each collection counts, however small, so no kind of mail is sacrificed to the pooled rate.

    >>> guarded_threshold([0, 0, 0, 1, 1], [0.2, 0.6, 0.3, 0.9, 0.5], ["news", "news", "bank", "x", "x"])
    0.600001
    """
    y, p, c = np.asarray(labels), np.asarray(probabilities, float), np.asarray(collections)
    if not (y == 0).any():
        raise ValueError("guarded_threshold needs legitimate e-mails to guard.")
    threshold = 0.0
    for name in sorted(set(c[y == 0].tolist())):
        scores = np.sort(p[(y == 0) & (c == name)])[::-1]
        allowed = int(math.floor(max_false_alarms * len(scores) + 1e-9))
        if allowed < len(scores):  # just above the highest score that must not be flagged
            threshold = max(threshold, math.ceil(np.nextafter(scores[allowed], 1.0) * 1e6) / 1e6)
    return min(max(threshold, 1e-6), 0.999999)


@dataclasses.dataclass(frozen=True)
class WeightedAverage:
    """``probability = text_weight * p_text + (1 - text_weight) * p_screenshot``; phishing when
    the probability reaches ``threshold``."""

    text_weight: float
    threshold: float = 0.5
    validation_log_loss: float | None = None

    @classmethod
    def fit(cls, p_text: Sequence[float], p_screenshot: Sequence[float], labels: Sequence[int],
            collections: Sequence[str]) -> "WeightedAverage":
        """The weight with the lowest log loss on these (validation) e-mails, and the guarded
        threshold over their ``collections``."""
        p_text, p_screenshot = np.asarray(p_text, float), np.asarray(p_screenshot, float)
        losses = [log_loss(labels, np.clip(w * p_text + (1 - w) * p_screenshot, 1e-7, 1 - 1e-7), labels=[0, 1])
                  for w in GRID]
        best = min(range(len(GRID)), key=lambda i: (round(losses[i], 9), abs(GRID[i] - 0.5)))
        weight = float(GRID[best])
        threshold = guarded_threshold(labels, weight * p_text + (1 - weight) * p_screenshot, collections)
        return cls(text_weight=weight, threshold=threshold, validation_log_loss=round(float(losses[best]), 6))

    def probability(self, p_text: Any, p_screenshot: Any) -> np.ndarray:
        """The ensemble's phishing probability (arrays or numbers)."""
        return self.text_weight * np.asarray(p_text, float) + (1 - self.text_weight) * np.asarray(p_screenshot, float)

    @property
    def shares(self) -> dict[str, float]:
        """Each model's weight in the average."""
        return {"text": self.text_weight, "screenshot": round(1 - self.text_weight, 10)}

    def to_json(self) -> dict[str, Any]:
        """The rule as JSON-ready data (``kind`` names the rule)."""
        return {"kind": "weighted_average", **dataclasses.asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "WeightedAverage":
        """The rule :meth:`to_json` wrote; another kind or a weight outside [0, 1] is refused."""
        if data.get("kind") != "weighted_average":
            raise ValueError(f"The ensemble rule is of kind {data.get('kind')!r}; this tlutils reads 'weighted_average'.")
        rule = cls(**{k: v for k, v in data.items() if k != "kind"})
        if not (0 <= rule.text_weight <= 1 and 0 < rule.threshold < 1):
            raise ValueError(f"The ensemble rule's weight {rule.text_weight} or threshold {rule.threshold} is out of range.")
        return rule
