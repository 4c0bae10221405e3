"""The plots a practitioner expects: training curves, prediction grids, confusion matrices."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from sklearn.metrics import ConfusionMatrixDisplay


def _as_dict(history: Any) -> dict[str, list[float]]:
    """A Keras ``History`` or a plain dict of metric lists, as a dict."""
    return dict(getattr(history, "history", history))


def plot_history(*histories: Any, fine_tune_at: int | None = None,
                 metrics: Sequence[str] = ("loss", "accuracy"), title: str = "") -> plt.Figure:
    """Training and validation curves, one panel per metric, histories joined end to end.

    Pass the history of each training stage in order; ``fine_tune_at`` (an epoch count, by
    default the length of the first history when there are two or more) draws a marker where
    fine-tuning starts.

    Example:
        >>> fig = plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7],
        ...                     "accuracy": [0.4, 0.8], "val_accuracy": [0.3, 0.6]})
        >>> len(fig.axes)
        2
    """
    merged: dict[str, list[float]] = {}
    for history in histories:
        for key, values in _as_dict(history).items():
            merged.setdefault(key, []).extend(values)
    if fine_tune_at is None and len(histories) > 1:
        fine_tune_at = len(next(iter(_as_dict(histories[0]).values())))
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for prefix, label in (("", "training"), ("val_", "validation")):
            values = merged.get(prefix + metric)
            if values:
                ax.plot(range(1, len(values) + 1), values, marker="o", label=label)
        if fine_tune_at:
            ax.axvline(fine_tune_at + 0.5, color="gray", linestyle="--", label="fine-tuning starts")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(images: Any, titles: Sequence[str] | None = None,
                colors: Sequence[str] | None = None, ncols: int = 4) -> plt.Figure:
    """A grid of images with optional titles (and title colours).

    ``images`` are displayable pixels: floats in [0, 1] or values in [0, 255].

    Example:
        >>> fig = show_images(np.zeros((3, 8, 8, 3)), ["a", "b", "c"], ncols=2)
        >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
        ['a', 'b', 'c']
    """
    images = np.asarray(images)
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 2.8 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, (ax, image) in enumerate(zip(axes.flat, images)):
        ax.imshow(np.clip(image, 0, 255).astype("uint8") if image.max() > 1 else image)
        if titles is not None:
            ax.set_title(titles[i], color=colors[i] if colors else "black", fontsize=9)
    fig.tight_layout()
    return fig


def show_predictions(images: Any, true: Sequence[int], predicted: Sequence[int],
                     class_names: Sequence[str], ncols: int = 4) -> plt.Figure:
    """A grid of images titled "predicted (true)", green when right and red when wrong.

    Example:
        >>> fig = show_predictions(np.zeros((2, 8, 8, 3)), [0, 1], [0, 0], ["a", "b"])
        >>> [ax.get_title() for ax in fig.axes][:2]
        ['a', 'a (true: b)']
    """
    right = [int(t) == int(p) for t, p in zip(true, predicted)]
    titles = [class_names[int(p)] if ok else f"{class_names[int(p)]} (true: {class_names[int(t)]})"
              for t, p, ok in zip(true, predicted, right)]
    return show_images(images, titles, ["green" if ok else "red" for ok in right], ncols)


def plot_confusion_matrix(true: Sequence[int], predicted: Sequence[int],
                          class_names: Sequence[str]) -> plt.Figure:
    """Confusion matrix with class names (scikit-learn's display), rows = true classes.

    Example:
        >>> fig = plot_confusion_matrix([0, 1, 1], [0, 1, 0], ["cat", "dog"])
        >>> fig.axes[0].get_ylabel()
        'True label'
    """
    display = ConfusionMatrixDisplay.from_predictions(
        true, predicted, labels=list(range(len(class_names))), display_labels=class_names,
        xticks_rotation=45, colorbar=False,
    )
    display.figure_.tight_layout()
    return display.figure_


def plot_similarity(matrix: Any, labels: Sequence[str], title: str = "") -> plt.Figure:
    """Heatmap of a square similarity matrix (e.g. cosine similarities of sentence embeddings).

    Example:
        >>> fig = plot_similarity(np.eye(2), ["a", "b"])
        >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
        ['a', 'b']
    """
    matrix = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(1.1 * len(labels) + 3, 0.8 * len(labels) + 1.5))
    image = ax.imshow(matrix, cmap="viridis", vmin=min(0.0, matrix.min()), vmax=1.0)
    ax.set_xticks(range(len(labels)), labels, rotation=40, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, f"{value:.2f}", ha="center", va="center",
                color="black" if value > 0.6 else "white", fontsize=8)
    fig.colorbar(image, ax=ax, shrink=0.8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _bar_panel(ax: plt.Axes, values: dict[str, float], ylabel: str) -> None:
    """Bars labelled with their values on one axis."""
    names = [textwrap.fill(name, 12) for name in values]  # long names wrap instead of overlapping
    bars = ax.bar(names, list(values.values()), color=plt.cm.tab10.colors[: len(values)])
    for bar, value in zip(bars, values.values()):
        label = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        ax.text(bar.get_x() + bar.get_width() / 2, value, label, ha="center", va="bottom")
    ax.margins(y=0.12)  # room for the value labels above the tallest bar
    ax.set_ylabel(ylabel)


def plot_bars(values: dict[str, float], ylabel: str, title: str = "",
              reference: float | None = None, reference_label: str = "") -> plt.Figure:
    """Bars comparing approaches on one number, each labelled with its value.

    Example:
        >>> fig = plot_bars({"a": 0.9, "b": 0.5}, "accuracy", reference=0.5)
        >>> [t.get_text() for t in fig.axes[0].texts]
        ['0.9', '0.5']
    """
    fig, ax = plt.subplots(figsize=(1.8 * len(values) + 2, 3.6))
    _bar_panel(ax, values, ylabel)
    if reference is not None:
        ax.axhline(reference, color="gray", linestyle="--", label=reference_label or None)
        if reference_label:
            ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_comparison(results: dict[str, dict[str, float]], metrics: Sequence[str],
                    title: str = "") -> plt.Figure:
    """Side-by-side bars: one panel per metric, one bar per setting.

    Example:
        >>> fig = plot_comparison({"lr 5e-5": {"acc": 0.97, "drift": 0.8},
        ...                        "lr 2e-3": {"acc": 0.5, "drift": 1.0}}, ["acc", "drift"])
        >>> [ax.get_ylabel() for ax in fig.axes]
        ['acc', 'drift']
    """
    width = min(14.0, (1.1 * len(results) + 1.2) * len(metrics))
    fig, axes = plt.subplots(1, len(metrics), figsize=(width, 3.8), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        _bar_panel(ax, {name: r[metric] for name, r in results.items()}, metric)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
