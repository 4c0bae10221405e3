"""Try a model on your own input: an upload box for photos (and a text box for sentences).

Both work in JupyterLab and on Colab (ipywidgets 8; on Colab :func:`enable_colab_widgets` turns
on its custom widget manager). The work is done by plain functions (:func:`describe_photo`),
which the widgets only call, so the same code is tested without a browser.
"""
from __future__ import annotations

import html
import io
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Prediction = Sequence[tuple[str, float]]


def enable_colab_widgets() -> None:
    """On Colab, let ipywidgets 8 widgets render (elsewhere nothing to do)."""
    if "google.colab" in sys.modules:  # pragma: no cover - Colab only
        from google.colab import output

        output.enable_custom_widget_manager()


def predictions_html(predictions: Prediction) -> str:
    """An HTML table of (label, probability) rows with bars.

    Example:
        >>> "daisy" in predictions_html([("daisy", 0.9)])
        True
    """
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td style='width:12em'><div style='background:#4c72b0;"
        f"height:0.9em;width:{100 * p:.0f}%'></div></td><td>{p:.1%}</td></tr>"
        for name, p in predictions)
    return f"<table>{rows}</table>"


def describe_photo(content: bytes, classify: Callable[[np.ndarray], Prediction],
                   name: str = "your photo") -> str:
    """Decode uploaded bytes as a photo, classify it, and return HTML with the answer.

    A file that is not a readable image gives one sentence saying so, instead of a traceback.

    Example:
        >>> describe_photo(b"not an image", lambda image: [("x", 1.0)], "notes.txt")[:40]
        "<p style='color:#b00'>notes.txt: Cannot "
    """
    from .data import load_image  # imports TensorFlow: only when a photo arrives

    try:
        image = load_image(content)
    except ValueError as exc:
        return f"<p style='color:#b00'>{html.escape(name)}: {html.escape(str(exc))}</p>"
    height, width = image.shape[:2]
    return (f"<p><b>{html.escape(name)}</b> ({width}x{height} px)</p>"
            + predictions_html(classify(image)))


def _thumbnail_png(content: bytes) -> bytes:
    """A small PNG of the uploaded photo for display (empty when it cannot be read)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image = image.convert("RGB")
            image.thumbnail((224, 224))
            out = io.BytesIO()
            image.save(out, format="PNG")
            return out.getvalue()
    except Exception:  # noqa: BLE001 - the answer's text says what went wrong
        return b""


def photo_classifier(classify: Callable[[np.ndarray], Prediction],
                     title: str = "Upload a photo (JPEG, PNG, GIF, BMP or WebP)") -> Any:
    """An upload box that shows the photo and ``classify(image)``'s answer beside it.

    ``classify`` receives an RGB uint8 array and returns (label, probability) pairs.
    """
    import ipywidgets as widgets

    enable_colab_widgets()
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="224px"))
    answer = widgets.HTML("<i>No photo yet.</i>")

    def on_upload(change: dict) -> None:
        if not change["new"]:
            return
        item = change["new"][-1]
        content = bytes(item["content"])
        picture.value = _thumbnail_png(content)
        answer.value = describe_photo(content, classify, item.get("name", "your photo"))

    upload.observe(on_upload, names="value")
    return widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), upload,
                         widgets.HBox([picture, answer])])
