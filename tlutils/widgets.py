"""Try a model on your own input: an upload box for photos (and a text box for sentences).

Both work in JupyterLab and on Colab, with ipywidgets 8 (the course's `lab` extra) and 7
(Colab's own, 7.7.1 in the list recorded in ``data/colab/``); on Colab :func:`enable_colab_widgets`
turns on its custom widget manager. The two releases differ in what an upload holds and in how a
widget displays; :func:`uploaded_files` and :func:`mimebundle` read both. The work is done by
plain functions (:func:`describe_photo`), which the widgets only call, so the same code is tested
without a browser.

Where no kernel runs (GitHub, nbviewer, a notebook opened without running it) a widget cannot
show; what a reader sees there is a short HTML note of what the cell offers (:class:`WithFallback`),
never the widget's Python repr.
"""
from __future__ import annotations

import html
import io
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Prediction = Sequence[tuple[str, float]]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def mimebundle(widget: Any, fallback_html: str, fallback_text: str) -> dict[str, Any]:
    """A display bundle: the widget's live view where widgets run, ``fallback_html`` and
    ``fallback_text`` everywhere else (the stored notebook keeps only those two).

    Example:
        >>> sorted(mimebundle(None, "<p>An upload box.</p>", "An upload box."))
        ['text/html', 'text/plain']
    """
    bundle = {"text/plain": fallback_text, "text/html": fallback_html}
    view = _widget_view(widget) if widget is not None else None
    if view:
        bundle[WIDGET_MIME] = view
    return bundle


def _widget_view(widget: Any) -> dict[str, Any] | None:
    """The widget-view part of ``widget``'s display: ipywidgets 8's ``_repr_mimebundle_``, or
    for ipywidgets 7 (no such method; it displays through ``_ipython_display_``) the same
    reference that 7.x sends, built from its model id."""
    if hasattr(widget, "_repr_mimebundle_"):
        return (widget._repr_mimebundle_() or {}).get(WIDGET_MIME)
    if getattr(widget, "_view_name", None) is None:
        return None
    return {"version_major": 2, "version_minor": 0, "model_id": widget._model_id}


def uploaded_files(value: Any) -> list[tuple[str, bytes]]:
    """(name, content) of each file in a ``FileUpload`` value, in upload order.

    ipywidgets 8 holds a tuple of dicts with ``name`` and ``content`` (a memoryview); ipywidgets 7
    (Colab's) a dict from file name to ``{"metadata": {...}, "content": bytes}``.

    Example:
        >>> uploaded_files(({"name": "a.jpg", "content": memoryview(b"8")},))
        [('a.jpg', b'8')]
        >>> uploaded_files({"b.png": {"metadata": {"name": "b.png"}, "content": b"7"}})
        [('b.png', b'7')]
    """
    if isinstance(value, dict):  # ipywidgets 7
        return [(name, bytes(item["content"])) for name, item in value.items()]
    return [(item.get("name", "your photo"), bytes(item["content"])) for item in value or ()]


class WithFallback:
    """A widget that shows as itself in a live notebook and as a sentence where no kernel runs.

    Example:
        >>> box = WithFallback(None, "An upload box.")
        >>> box._repr_mimebundle_()["text/plain"]
        'An upload box. (It works in JupyterLab and on Colab once the cell has run; here no kernel runs it.)'
    """

    def __init__(self, widget: Any, description: str):
        self.widget = widget
        self.description = description

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        note = " (It works in JupyterLab and on Colab once the cell has run; here no kernel runs it.)"
        return mimebundle(self.widget, f"<p><i>{html.escape(self.description)}{note}</i></p>",
                          self.description + note)


def enable_colab_widgets() -> None:
    """On Colab, let widgets of any ipywidgets release render (elsewhere nothing to do)."""
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


def read_photo(content: bytes, classify: Callable[[np.ndarray], Prediction],
               name: str = "your photo") -> tuple[np.ndarray | None, str]:
    """Decode uploaded bytes by :func:`tlutils.data.load_image`'s rules and classify the photo.

    Returns the decoded image (None when it is not a readable image) and HTML with the answer,
    or with one sentence saying what is wrong with the file.
    """
    from .data import load_image  # imports TensorFlow: only when a photo arrives

    try:
        image = load_image(content)
    except ValueError as exc:
        return None, f"<p style='color:#b00'>{html.escape(name)}: {html.escape(str(exc))}</p>"
    height, width = image.shape[:2]
    return image, (f"<p><b>{html.escape(name)}</b> ({width}x{height} px)</p>"
                   + predictions_html(classify(image)))


def describe_photo(content: bytes, classify: Callable[[np.ndarray], Prediction],
                   name: str = "your photo") -> str:
    """The HTML answer of :func:`read_photo`: the photo classified, or why it cannot be read.

    Example:
        >>> describe_photo(b"not an image", lambda image: [("x", 1.0)], "notes.txt")[:40]
        "<p style='color:#b00'>notes.txt: Cannot "
    """
    return read_photo(content, classify, name)[1]


def _thumbnail_png(image: np.ndarray) -> bytes:
    """A PNG of a decoded photo, at most 224 px, for display beside the answer."""
    from PIL import Image

    picture = Image.fromarray(image)
    picture.thumbnail((224, 224))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def photo_classifier(classify: Callable[[np.ndarray], Prediction],
                     title: str = "Upload a photo (JPEG, PNG, GIF, BMP or WebP)") -> WithFallback:
    """An upload box that shows the photo and ``classify(image)``'s answer beside it
    (its ``.widget``); where no kernel runs it shows one sentence saying so.

    ``classify`` receives an RGB uint8 array and returns (label, probability) pairs.
    """
    import ipywidgets as widgets

    enable_colab_widgets()
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="224px"))
    answer = widgets.HTML("<i>No photo yet.</i>")

    def on_upload(change: dict) -> None:
        files = uploaded_files(change["new"])
        if not files:
            return
        name, content = files[-1]
        image, answer.value = read_photo(content, classify, name)
        picture.value = b"" if image is None else _thumbnail_png(image)

    upload.observe(on_upload, names="value")
    box = widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), upload, widgets.HBox([picture, answer])])
    return WithFallback(box, f"An upload box: {title.lower()} and the model's answer appears beside it.")


def describe_sentence(text: str, classify: Callable[[str], Prediction]) -> str:
    """HTML with ``classify(text)``'s answer, or one sentence saying what is wrong with the text.

    Example:
        >>> describe_sentence("Great film", lambda text: [("positive", 0.9), ("negative", 0.1)])[:31]
        '<p><b>Great film</b></p><table>'
        >>> def refuse(text):
        ...     raise ValueError("The text is empty: type a sentence to classify.")
        >>> describe_sentence("", refuse)
        "<p style='color:#b00'>The text is empty: type a sentence to classify.</p>"
    """
    try:
        predictions = classify(text)
    except ValueError as exc:  # tlutils' InputError included
        return f"<p style='color:#b00'>{html.escape(str(exc))}</p>"
    return f"<p><b>{html.escape(text)}</b></p>" + predictions_html(predictions)


def sentence_classifier(classify: Callable[[str], Prediction],
                        title: str = "Type a sentence and press Enter") -> WithFallback:
    """A text box that shows ``classify(text)``'s (label, probability) answer for each sentence
    (its ``.widget``); where no kernel runs it shows one sentence saying so."""
    import ipywidgets as widgets

    enable_colab_widgets()
    box = widgets.Text(placeholder="e.g. a warm, funny and beautifully acted film",
                       continuous_update=False, layout=widgets.Layout(width="40em"))
    answer = widgets.HTML("<i>No sentence yet.</i>")

    def on_submit(change: dict) -> None:
        answer.value = describe_sentence(change["new"], classify)

    box.observe(on_submit, names="value")
    view = widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), box, answer])
    return WithFallback(view, f"A text box: {title[0].lower() + title[1:]}, and the model's answer appears below it.")
