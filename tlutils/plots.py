"""The plots a practitioner expects: training curves, prediction grids, confusion matrices."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from sklearn.metrics import ConfusionMatrixDisplay


# Smallest text size, in points: at the stored notebooks' 60 dpi (scripts/stored_figures.matplotlibrc)
# 9 pt is 7.5 pixels, about the smallest a reader can still make out.
MIN_FONT_SIZE = 9.0


def _finish(fig: plt.Figure, title: str = "") -> plt.Figure:
    """Give ``fig`` its title, a tight layout and an opaque white background.

    The background matters on JupyterLab's dark theme: a transparent figure shows its black text
    and axes on a dark page, where they vanish; an opaque white one reads as on a light page.
    """
    if title:
        fig.suptitle(title)
    fig.patch.set_facecolor("white")
    fig.patch.set_alpha(1.0)
    fig.tight_layout()
    return fig


def wrap_label(text: str, width: int = 12) -> str:
    """A tick label wrapped onto lines of about ``width`` characters, only at spaces: a long word
    stays whole ("preprocess_input" never becomes "prep / rocess_input").

    Example:
        >>> print(wrap_label("VGG16's preprocess_input"))
        VGG16's
        preprocess_input
    """
    lines = [textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
             for line in text.splitlines() or [""]]
    return "\n".join(lines)


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
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    return _finish(fig, title)


def show_images(images: Any, titles: Sequence[str] | None = None,
                colors: Sequence[str] | None = None, ncols: int = 4, title: str = "") -> plt.Figure:
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
            ax.set_title(titles[i], color=colors[i] if colors else "black", fontsize=MIN_FONT_SIZE)
    return _finish(fig, title)


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
                          class_names: Sequence[str], title: str = "Confusion matrix (rows: true class)") -> plt.Figure:
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
    display.ax_.set_title(title)
    return _finish(display.figure_)


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
                color="black" if value > 0.6 else "white", fontsize=MIN_FONT_SIZE)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title(title or "Cosine similarity")
    return _finish(fig)


def _bar_panel(ax: plt.Axes, values: dict[str, float], ylabel: str) -> None:
    """Bars labelled with their values on one axis, titled with what they measure."""
    names = [wrap_label(name) for name in values]  # long names wrap at spaces instead of overlapping
    bars = ax.bar(names, list(values.values()), color=plt.cm.tab10.colors[: len(values)])
    for bar, value in zip(bars, values.values()):
        label = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        ax.text(bar.get_x() + bar.get_width() / 2, value, label, ha="center", va="bottom")
    ax.margins(y=0.12)  # room for the value labels above the tallest bar
    ax.set_ylabel(ylabel)
    ax.set_title(ylabel)


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
    return _finish(fig)


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
    return _finish(fig, title)


def show_filters(kernel: Any, ncols: int = 8, count: int = 32,
                 title: str = "First-layer filters") -> plt.Figure:
    """The first ``count`` filters of a first convolution (kernel shape (h, w, 3, n)) as RGB tiles.

    Each filter is scaled to [0, 1] on its own, so the tile shows its pattern, not its size.

    Example:
        >>> fig = show_filters(np.random.default_rng(0).normal(size=(3, 3, 3, 4)), ncols=4)
        >>> len([ax for ax in fig.axes if ax.images])
        4
    """
    kernel = np.asarray(kernel)[..., :count]
    tiles = np.moveaxis(kernel, -1, 0)
    low = tiles.min(axis=(1, 2, 3), keepdims=True)
    high = tiles.max(axis=(1, 2, 3), keepdims=True)
    tiles = (tiles - low) / np.maximum(high - low, 1e-8)
    nrows = int(np.ceil(len(tiles) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(0.9 * ncols, 0.9 * nrows + 0.4), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, tile in zip(axes.flat, tiles):
        ax.imshow(tile, interpolation="nearest")
    return _finish(fig, title)


def show_feature_maps(maps: dict[str, Any], channels: int = 6,
                      title: str = "Feature maps, one row per depth") -> plt.Figure:
    """Rows of feature maps: for each named layer, its first ``channels`` channels of one image.

    Example:
        >>> fig = show_feature_maps({"early": np.ones((8, 8, 16)), "late": np.ones((2, 2, 32))}, 3)
        >>> [ax.get_ylabel() for ax in fig.axes[::3]]
        ['early\\n8x8x16', 'late\\n2x2x32']
    """
    fig, axes = plt.subplots(len(maps), channels, figsize=(1.35 * channels + 0.6, 1.35 * len(maps) + 0.5),
                             squeeze=False)
    for row, (name, fmap) in zip(axes, maps.items()):
        fmap = np.asarray(fmap)
        for c, ax in enumerate(row):
            ax.imshow(fmap[..., c], cmap="viridis")
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(f"{name}\n{'x'.join(map(str, fmap.shape))}", fontsize=MIN_FONT_SIZE)
    for c, ax in enumerate(axes[0]):
        ax.set_title(f"channel {c}", fontsize=MIN_FONT_SIZE)
    return _finish(fig, title)


def plot_projection(points: dict[str, Any], labels: Sequence[int], class_names: Sequence[str],
                    title: str = "") -> plt.Figure:
    """Scatter plots of 2-D projections (one panel per name), coloured by class.

    Example:
        >>> fig = plot_projection({"a": np.zeros((2, 2)), "b": np.ones((2, 2))}, [0, 1], ["x", "y"])
        >>> [ax.get_title() for ax in fig.axes]
        ['a', 'b']
    """
    labels = np.asarray(labels)
    fig, axes = plt.subplots(1, len(points), figsize=(4.2 * len(points), 3.9), squeeze=False)
    for ax, (name, xy) in zip(axes[0], points.items()):
        xy = np.asarray(xy)
        for c, class_name in enumerate(class_names):
            ax.scatter(*xy[labels == c].T, s=14, label=class_name, color=plt.cm.tab10(c))
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0][-1].legend(fontsize=MIN_FONT_SIZE, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return _finish(fig, title)


def plot_probe(table: dict[str, dict[int, Any]], chance: float | None = None,
               title: str = "") -> plt.Figure:
    """Linear-probe accuracy against labels per class: mean and standard deviation over splits.

    ``table`` is :func:`tlutils.features.probe_table`'s ``{name: {k: accuracies}}``.

    Example:
        >>> fig = plot_probe({"pretrained": {1: [0.5, 0.7], 5: [0.9, 0.9]}}, chance=0.2)
        >>> fig.axes[0].get_xlabel()
        'labelled examples per class'
    """
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    for name, by_k in table.items():
        ks = sorted(by_k)
        means = [np.mean(by_k[k]) for k in ks]
        ax.errorbar(ks, means, yerr=[np.std(by_k[k]) for k in ks], marker="o", capsize=3, label=name)
        for k, m in zip(ks, means):
            ax.annotate(f"{m:.2f}", (k, m), textcoords="offset points", xytext=(4, -12), fontsize=MIN_FONT_SIZE)
    if chance is not None:
        ax.axhline(chance, color="gray", linestyle="--", label="chance")
    ax.set_xscale("log")
    ax.set_xticks(sorted({k for by_k in table.values() for k in by_k}))
    ax.get_xaxis().set_major_formatter(plt.ScalarFormatter())
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("labelled examples per class")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(title or "Linear probe")
    return _finish(fig)


# The source text's strategy table as a decision chart: (question or strategy, x, y) and the
# edges between them with their answers. Leaves name the strategy keys of lesson 05's results.
_CHART_NODES = {
    "compute": ("Limited compute, or many\ntasks sharing one model?", 0.5, 0.88),
    "data": ("How many labels, and how close\nis the domain to pretraining?", 0.5, 0.58),
    "adapter tuning (LoRA)": ("Adapter tuning", 0.86, 0.88),
    "feature extraction": ("Feature extraction", 0.14, 0.22),
    "fine-tuning": ("Fine-tuning (top layers)", 0.5, 0.22),
    "full training": ("Full training", 0.86, 0.22),
}
CHART_FONT_SIZE = 11.0  # the chart is text; at 60 dpi this is 9 pixels
_CHART_EDGES = [("compute", "adapter tuning (LoRA)", "yes"), ("compute", "data", "no"),
                ("data", "feature extraction", "few, similar"), ("data", "fine-tuning", "medium, different"),
                ("data", "full training", "many, unique")]


def _result_line(result: dict[str, float] | None) -> str:
    if not result:
        return ""
    return (f"\nmeasured: test acc {result['test accuracy']:.3f}\n"
            f"drift {result['drift']:.2f}, {result['trainable']:,} trained")


def plot_strategy_chart(results: dict[str, dict[str, float]], task: str, here: str | None = None,
                        title: str = "") -> plt.Figure:
    """The source's strategy table as a decision chart, each strategy's box showing what a lesson
    measured for it (``results[strategy]``: test accuracy, drift, trainable), ``task`` (where
    the lesson's own task falls) under it, and the box of strategy ``here`` drawn bold.

    Example:
        >>> r = {"feature extraction": {"test accuracy": 0.9, "drift": 0.0, "trainable": 770}}
        >>> len(plot_strategy_chart(r, "a small task").axes)
        1
    """
    fig, ax = plt.subplots(figsize=(11.0, 6.0))
    ax.set_axis_off()
    for key, (text, x, y) in _CHART_NODES.items():
        leaf = key not in ("compute", "data")
        ax.text(x, y, text + (_result_line(results.get(key)) if leaf else ""), ha="center", va="center",
                fontsize=CHART_FONT_SIZE, fontweight="bold" if key == here else "normal",
                bbox=dict(boxstyle="round,pad=0.5", fc="#e8f0fb" if leaf else "#fdf3dc",
                          ec="#4c72b0" if leaf else "#c08a1e", lw=2.5 if key == here else 1.0))
    for start, end, answer in _CHART_EDGES:
        (_, x0, y0), (_, x1, y1) = _CHART_NODES[start], _CHART_NODES[end]
        down = y1 < y0  # else a step to the right, on one level
        ax.annotate("", xy=(x1, y1 + 0.1) if down else (x1 - 0.12, y1),
                    xytext=(x0, y0 - 0.08) if down else (x0 + 0.16, y0),
                    arrowprops=dict(arrowstyle="->", color="#555"))
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.02, answer, ha="center", fontsize=CHART_FONT_SIZE - 1, color="#444",
                bbox=dict(fc="white", ec="none", pad=0.5))
    ax.text(0.5, 0.0, task, ha="center", va="bottom", fontsize=CHART_FONT_SIZE, style="italic")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1)
    ax.set_title(title or "Which strategy? The source's table as a decision chart")
    return _finish(fig)
