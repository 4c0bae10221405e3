"""Figures every learner can read: a text alternative for every stored figure, and plots whose
panels have titles, whose tick labels stay whole words, whose text is large enough at the stored
size and whose background stays white on JupyterLab's dark theme."""
from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from conftest import ROOT  # noqa: E402
from tlutils import plots  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
CAPTION = "Figure"
MIN_CAPTION = 60  # characters: more than a label, enough to say what it shows and its number


def _alt_text(output: nbformat.NotebookNode) -> str:
    """The alt text an image output carries in its metadata (``{"image/png": {"alt": ...}}``)."""
    metadata = output.get("metadata", {})
    return " ".join(str(metadata.get(kind, {}).get("alt", "")) for kind in IMAGE_TYPES).strip()


def figures_without_text(nb: nbformat.NotebookNode) -> list[str]:
    """Where a stored image output has neither alt text in its metadata nor a caption: a markdown
    cell right below its cell that starts with "Figure" and says more than a label."""
    missing = []
    for index, cell in enumerate(nb.cells):
        images = [o for o in cell.get("outputs", []) if any(k in o.get("data", {}) for k in IMAGE_TYPES)]
        below = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        captioned = (below is not None and below.cell_type == "markdown"
                     and below.source.lstrip().startswith(CAPTION) and len(below.source.strip()) >= MIN_CAPTION)
        missing += [f"cell {index}, image {n + 1}" for n, output in enumerate(images)
                    if not captioned and not _alt_text(output)]
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name[:2] for p in NOTEBOOKS])
def test_every_stored_figure_has_a_text_alternative(path):
    missing = figures_without_text(nbformat.read(path, as_version=4))
    assert not missing, (f"{path.name}: {len(missing)} stored figure(s) without alt text or a caption cell "
                         f"starting with {CAPTION!r} right below: {', '.join(missing)}")


def test_the_rule_accepts_a_caption_or_alt_text_and_nothing_else():
    image = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    plot = nbformat.v4.new_code_cell("plot()", outputs=[image])
    caption = nbformat.v4.new_markdown_cell("Figure 1. Test accuracy of three approaches; fine-tuning leads by 0.02.")
    assert figures_without_text(nbformat.v4.new_notebook(cells=[plot, caption])) == []
    assert figures_without_text(nbformat.v4.new_notebook(cells=[plot])) == ["cell 0, image 1"]
    short = nbformat.v4.new_markdown_cell("Figure 1.")
    assert figures_without_text(nbformat.v4.new_notebook(cells=[plot, short])) == ["cell 0, image 1"]
    prose = nbformat.v4.new_markdown_cell("The plot above shows test accuracy of three approaches over epochs.")
    assert figures_without_text(nbformat.v4.new_notebook(cells=[plot, prose])) == ["cell 0, image 1"]
    described = nbformat.v4.new_output("display_data", data=image.data,
                                       metadata={"image/png": {"alt": "Test accuracy of three approaches."}})
    assert figures_without_text(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[described])])) == []


def _every_plot() -> dict[str, plt.Figure]:
    """One figure from every plotting function, with the long labels the lessons give them."""
    rng = np.random.default_rng(0)
    history = {"loss": [1.0, 0.6], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8], "val_accuracy": [0.4, 0.7]}
    bars = {"VGG16's preprocess_input": 0.9, "base(x, training=False)": 0.8, "no preprocessing": 0.4}
    result = {"test accuracy": 0.9, "drift": 0.1, "trainable": 770}
    return {
        "history": plots.plot_history(history, history, title="Two stages"),
        "images": plots.show_images(np.zeros((3, 8, 8, 3)), ["a", "b", "c"], ncols=3),
        "predictions": plots.show_predictions(np.zeros((2, 8, 8, 3)), [0, 1], [0, 0], ["cat", "dog"]),
        "confusion": plots.plot_confusion_matrix([0, 1, 1], [0, 1, 0], ["cat", "dog"]),
        "similarity": plots.plot_similarity(np.eye(3), ["one", "two", "three"], "Cosine similarity"),
        "bars": plots.plot_bars(bars, "probe accuracy", reference=0.2, reference_label="chance"),
        "comparison": plots.plot_comparison({name: {"acc": v, "drift": 1 - v} for name, v in bars.items()},
                                            ["acc", "drift"], title="Preprocessing"),
        "filters": plots.show_filters(rng.normal(size=(3, 3, 3, 8)), ncols=4, title="ImageNet filters"),
        "feature maps": plots.show_feature_maps({"early": np.ones((8, 8, 4)), "late": np.ones((2, 2, 4))}, 3),
        "projection": plots.plot_projection({"a": rng.normal(size=(4, 2))}, [0, 1, 0, 1], ["x", "y"], title="PCA"),
        "probe": plots.plot_probe({"pretrained": {1: [0.5, 0.7], 5: [0.9, 0.9]}}, chance=0.2),
        "chart": plots.plot_strategy_chart({"feature extraction": result}, "a small task", here="feature extraction"),
    }


@pytest.fixture(scope="module")
def every_plot():
    figures = _every_plot()
    for figure in figures.values():
        figure.canvas.draw()
    yield figures
    plt.close("all")


def _texts(figure: plt.Figure) -> list:
    """Every visible, non-empty text of a figure (titles, labels, tick labels, annotations)."""
    return [t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]


def test_every_panel_has_a_title(every_plot):
    for name, figure in every_plot.items():
        suptitle = figure._suptitle.get_text() if figure._suptitle else ""
        drawn = [ax for ax in figure.axes if (ax.has_data() or ax.texts) and ax.get_label() != "<colorbar>"]
        assert drawn, name
        for ax in drawn:
            # A tile of an image grid may share the figure's title; a chart panel needs its own.
            shares = suptitle and ax.images
            assert ax.get_title() or shares, f"{name}: a panel has no title"


def test_text_is_large_enough_at_the_stored_size(every_plot):
    for name, figure in every_plot.items():
        small = {t.get_text() for t in _texts(figure) if t.get_fontsize() < plots.MIN_FONT_SIZE}
        assert not small, f"{name}: text under {plots.MIN_FONT_SIZE} pt: {sorted(small)[:5]}"


def test_tick_labels_break_only_between_words(every_plot):
    for name in ("bars", "comparison"):
        labels = [t.get_text() for ax in every_plot[name].axes for t in ax.get_xticklabels()]
        assert set(label.replace("\n", " ") for label in labels) == {
            "VGG16's preprocess_input", "base(x, training=False)", "no preprocessing"}, labels
    assert plots.wrap_label("VGG16's preprocess_input") == "VGG16's\npreprocess_input"


def test_figures_are_opaque_white_for_dark_themes(every_plot):
    for name, figure in every_plot.items():
        assert figure.get_facecolor() == (1.0, 1.0, 1.0, 1.0), name
        png = io.BytesIO()
        figure.savefig(png, format="png", facecolor=figure.get_facecolor())  # as IPython's inline backend saves
        pixels = np.asarray(Image.open(png).convert("RGBA"))
        assert pixels[..., 3].min() == 255, f"{name}: transparent pixels would show the dark page through"


def test_lesson_00_stores_opaque_figures():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    stored = [o.data["image/png"] for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert stored
    for data in stored:
        pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA"))
        assert pixels[..., 3].min() == 255
