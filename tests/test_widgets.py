"""The upload box of lesson 00: a photo is decoded once, shown and classified; a bad file is a sentence."""
from __future__ import annotations

import datetime
import io

import ipywidgets
from PIL import Image

from tlutils import widgets


IPYWIDGETS_MAJOR = int(ipywidgets.__version__.split(".")[0])


def _upload(box, name: str, content: bytes) -> tuple[bytes, str]:
    """Put a file in the box's FileUpload as the browser would; return (picture PNG, answer HTML).

    ipywidgets 8's front end sets ``value``; 7's (Colab's) sets ``metadata`` and ``data`` and
    then counts up ``_counter``, from which the class itself builds its ``value`` dict."""
    upload, pictures = box.widget.children[1], box.widget.children[2]
    if IPYWIDGETS_MAJOR >= 8:
        upload.value = ({"name": name, "type": "", "size": len(content), "content": memoryview(content),
                         "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},)
    else:
        upload.metadata = [{"name": name, "type": "", "size": len(content), "lastModified": 1767225600000}]
        upload.data = [content]
        upload._counter += 1
    picture, answer = pictures.children
    return picture.value, answer.value


def test_uploads_are_read_in_the_shapes_of_ipywidgets_8_and_7():
    """8: a tuple of dicts (content a memoryview); 7, Colab's: a dict by file name. The later
    of two files is the one the box shows."""
    stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    version_8 = tuple({"name": n, "type": "image/png", "size": 1, "content": memoryview(c), "last_modified": stamp}
                      for n, c in [("a.png", b"A"), ("b.png", b"B")])
    version_7 = {n: {"metadata": {"name": n, "type": "image/png", "size": 1, "lastModified": 0}, "content": c}
                 for n, c in [("a.png", b"A"), ("b.png", b"B")]}
    for value in (version_8, version_7):
        assert widgets.uploaded_files(value) == [("a.png", b"A"), ("b.png", b"B")]
    assert widgets.uploaded_files(()) == widgets.uploaded_files({}) == []


def test_a_widget_displays_as_its_model_in_either_release():
    """The live view names the widget's model, whether the class has ``_repr_mimebundle_`` (8)
    or only ``_ipython_display_`` (7, Colab's)."""
    html = ipywidgets.HTML("x")
    view = widgets.mimebundle(html, "<p>x</p>", "x")[widgets.WIDGET_MIME]
    assert view["model_id"] == html.model_id and view["version_major"] == 2

    class Release7Widget:  # what ipywidgets 7.7.1's Widget offers for display
        _view_name, _model_id = "HTMLView", "abc123"
    view = widgets.mimebundle(Release7Widget(), "<p>x</p>", "x")[widgets.WIDGET_MIME]
    assert view == {"version_major": 2, "version_minor": 0, "model_id": "abc123"}


def test_an_uploaded_photo_is_shown_and_classified_as_decoded():
    seen = []
    box = widgets.photo_classifier(lambda image: seen.append(image.shape) or [("daisy", 0.9)])
    buffer = io.BytesIO()
    Image.new("RGB", (600, 300), (200, 30, 30)).save(buffer, "JPEG")
    picture, answer = _upload(box, "flower.jpg", buffer.getvalue())
    assert seen == [(256, 512, 3)]  # load_image cuts the longer side to 512 while decoding
    assert "flower.jpg" in answer and "daisy" in answer and "90.0%" in answer
    assert Image.open(io.BytesIO(picture)).size == (224, 112)  # a thumbnail of the decoded photo


def test_a_file_that_is_not_a_photo_gets_one_sentence_and_no_picture():
    box = widgets.photo_classifier(lambda image: [("never", 1.0)])
    picture, answer = _upload(box, "notes.txt", b"milk, bread")
    assert picture == b""
    assert "notes.txt: Cannot load" in answer and "never" not in answer


def test_a_typed_sentence_is_classified_and_an_empty_one_is_a_sentence():
    seen = []

    def classify(text):
        if not text.strip():
            raise ValueError("The text is empty: type a sentence to classify.")
        seen.append(text)
        return [("positive", 0.75), ("negative", 0.25)]

    box = widgets.sentence_classifier(classify)
    text_box, answer = box.widget.children[1], box.widget.children[2]
    text_box.value = "A <b>warm</b> film"
    assert seen == ["A <b>warm</b> film"]
    assert "A &lt;b&gt;warm&lt;/b&gt; film" in answer.value and "75.0%" in answer.value
    text_box.value = "   "
    assert "The text is empty" in answer.value and "positive" not in answer.value
