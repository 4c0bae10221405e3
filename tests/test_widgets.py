"""The upload box of lesson 00: a photo is decoded once, shown and classified; a bad file is a sentence."""
from __future__ import annotations

import datetime
import io

from PIL import Image

from tlutils import widgets


def _upload(box, name: str, content: bytes) -> tuple[bytes, str]:
    """Put a file in the box's FileUpload as the browser would; return (picture PNG, answer HTML)."""
    upload, pictures = box.widget.children[1], box.widget.children[2]
    upload.value = ({"name": name, "type": "", "size": len(content), "content": memoryview(content),
                     "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},)
    picture, answer = pictures.children
    return picture.value, answer.value


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
