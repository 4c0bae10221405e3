"""Intervals for accuracies and for differences between two models on the same test set.

A test set is a sample: another draw of photos would give another accuracy. The bootstrap
redraws the test set with replacement many times and reads the interval off the spread. For two
models tested on the same photos the redraw is *paired* (both are scored on the same resampled
photos), which is what makes a small difference measurable. A difference whose interval holds 0
is reported as no difference.
"""
from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["Estimate", "accuracy", "difference"]


@dataclasses.dataclass(frozen=True)
class Estimate:
    """A metric on ``n`` test examples with its bootstrap interval (``level``, e.g. 0.95)."""

    value: float
    low: float
    high: float
    n: int
    level: float = 0.95

    @property
    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of 0 (a difference that is measured)."""
        return self.low > 0 or self.high < 0

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.level:.0%} CI {self.low:.3f}..{self.high:.3f}, n={self.n})"

    def verdict(self, a: str, b: str) -> str:
        """One sentence: ``a`` minus ``b`` with its interval, and what it means.

        Example:
            >>> Estimate(0.012, -0.01, 0.034, 300).verdict("fine-tuning", "feature extraction")
            'fine-tuning - feature extraction: +0.012 (95% CI -0.010..+0.034, n=300): no difference'
        """
        said = (f"{a} is better" if self.low > 0 else f"{b} is better" if self.high < 0 else "no difference")
        return (f"{a} - {b}: {self.value:+.3f} ({self.level:.0%} CI {self.low:+.3f}..{self.high:+.3f}, "
                f"n={self.n}): {said}")


def _metric(labels: np.ndarray, correct: np.ndarray, rows: np.ndarray, mean_per_class: bool) -> np.ndarray:
    """Accuracy (or mean per-class accuracy) of each resample; ``rows`` is (resamples, n) indices."""
    hits = correct[rows].astype(float)
    if not mean_per_class:
        return hits.mean(axis=1)
    classes = labels[rows]
    k = int(labels.max()) + 1
    offsets = classes + k * np.arange(len(rows))[:, None]
    totals = np.bincount(offsets.ravel(), minlength=k * len(rows)).reshape(len(rows), k)
    right = np.bincount(offsets.ravel(), weights=hits.ravel(), minlength=k * len(rows)).reshape(len(rows), k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nanmean(np.where(totals > 0, right / totals, np.nan), axis=1)


def _estimate(labels, correct, mean_per_class, resamples, seed, level) -> Estimate:
    labels, correct = np.asarray(labels), np.asarray(correct)
    rng = np.random.default_rng(seed)
    value = float(_metric(labels, correct, np.arange(len(labels))[None], mean_per_class)[0])
    draws = np.concatenate([_metric(labels, correct, rng.integers(0, len(labels), (100, len(labels))),
                                    mean_per_class) for _ in range(resamples // 100)])
    low, high = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return Estimate(value, float(low), float(high), len(labels), level)


def accuracy(labels, predicted, mean_per_class: bool = False, resamples: int = 2000, seed: int = 0,
             level: float = 0.95) -> Estimate:
    """Accuracy (or mean per-class accuracy) of ``predicted`` with its bootstrap interval.

    Example:
        >>> e = accuracy([0, 1] * 50, [0, 1] * 40 + [1, 0] * 10)
        >>> round(e.value, 2), e.low < 0.8 < e.high, e.n
        (0.8, True, 100)
    """
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if labels.shape != predicted.shape or labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels and predicted must be two equal, non-empty 1-D arrays, not {labels.shape} "
                         f"and {predicted.shape}.")
    return _estimate(labels, predicted == labels, mean_per_class, resamples, seed, level)


def difference(labels, predicted_a, predicted_b, mean_per_class: bool = False, resamples: int = 2000,
               seed: int = 0, level: float = 0.95) -> Estimate:
    """Accuracy of ``predicted_a`` minus that of ``predicted_b`` on the same test examples, with
    a paired bootstrap interval.

    Example:
        >>> labels = np.array([0, 1] * 150)
        >>> same = difference(labels, labels, labels)
        >>> (same.value, same.excludes_zero)
        (0.0, False)
    """
    labels, a, b = (np.asarray(x) for x in (labels, predicted_a, predicted_b))
    if not labels.shape == a.shape == b.shape or labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels and both predictions must be equal, non-empty 1-D arrays, not {labels.shape}, "
                         f"{a.shape} and {b.shape}.")
    # Score a - b per resample: correctness as +1/-1 weights gives both metrics' differences.
    rng = np.random.default_rng(seed)
    value = (_metric(labels, a == labels, np.arange(len(labels))[None], mean_per_class)
             - _metric(labels, b == labels, np.arange(len(labels))[None], mean_per_class))[0]
    draws = []
    for _ in range(resamples // 100):
        rows = rng.integers(0, len(labels), (100, len(labels)))
        draws.append(_metric(labels, a == labels, rows, mean_per_class) - _metric(labels, b == labels, rows,
                                                                                  mean_per_class))
    low, high = np.quantile(np.concatenate(draws), [(1 - level) / 2, (1 + level) / 2])
    return Estimate(float(value), float(low), float(high), len(labels), level)
