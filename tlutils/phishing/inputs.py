"""What the models read of an e-mail: one function for training and serving alike.

The text model reads :func:`model_text` (the subject, a blank line, then the body a reader sees);
the screenshot model sees :func:`~tlutils.phishing.render.render_email` of :func:`page_html`.
Training rows (:mod:`tlutils.phishing.data`) and the scoring server (:class:`~tlutils.phishing.detector.Detector`)
both call these, so a training e-mail and the same e-mail sent to ``POST /score`` give the models
identical inputs (a test checks it).

The body is the HTML's visible text when it has any, as a mail client shows the HTML part; an
e-mail whose HTML holds nothing readable (only images, say) is read from its plain-text part; an
e-mail with neither has nothing to judge (:func:`readable` is False).

>>> body_text(html="<p>Pay <b>now</b></p>", text="ignored")
'Pay now'
>>> body_text(html="<img src='x.png'>", text="Plain part")
'Plain part'
>>> model_text(subject="Hi", html=None, text="Lunch?")
'Hi\\n\\nLunch?'
"""
from __future__ import annotations

import html as html_module
import re
import unicodedata

from .render import visible_text

WORD = re.compile(r"\w", re.UNICODE)


def readable(text: str | None) -> bool:
    """True when ``text`` holds at least one letter or digit (in any script)."""
    return bool(text) and WORD.search(text) is not None


def body_text(*, html: str | None, text: str | None) -> str:
    """The body a reader sees: the HTML's visible text, else the plain-text part, else ''."""
    shown = visible_text(html) if html else ""
    if readable(shown):
        return shown
    return text.strip() if readable(text) else ""


URL = re.compile(r"(?:https?|ftp)://([^/\s?#:()<>]+)[^\s()<>]*", re.I)
SCHEME = re.compile(r"(?:https?|ftp)://", re.I)  # a scheme left without a host ("http:// www.x.example")
YEAR = re.compile(r"\b(?:19[89]\d|20[0-4]\d)\b")


def without_era(text: str) -> str:
    """``text`` with what dates an e-mail and nothing else blanked: links shortened to their host
    (``http://`` against ``https://`` tells 2002 from 2025) and years left out.

    >>> without_era("See https://t.co/x?y=1 (http://www.example.com/a) in May 2025.")
    'See t.co (www.example.com) in May .'
    """
    return YEAR.sub("", SCHEME.sub("", URL.sub(lambda m: m.group(1).lower(), text)))


# Letters of other scripts that look like Latin ones (the commonest confusables of Unicode's list).
CONFUSABLES = str.maketrans("аеорсухіјѕԁɡһӏոԛԝАВЕКМНОРСТХІЈЅԜΑΒΕΖΗΙΚΜΝΟΡΤΥΧοɑ",
                            "aeopcyxijsdghlnqwABEKMHOPCTXIJSWABEZHIKMNOPTYXoa")
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                       "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")


def normalise(text: str) -> str:
    """``text`` as a reader sees it, without what attackers and mail tools vary: Unicode NFKC
    (full-width and styled letters become plain ones), invisible characters removed (zero-width
    spaces and joiners, soft hyphens, direction marks), confusable Cyrillic and Greek letters
    mapped to the Latin ones they imitate, runs of spaces squeezed.

    >>> normalise("Ｐａｙ\u200bＰａｌ: vеrify\u00ad your ассount")
    'PayPal: verify your account'
    """
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(CONFUSABLES)
    return re.sub(r"[ \t\u00a0]+", " ", text)


def model_text(*, subject: str, html: str | None, text: str | None) -> str:
    """What the text model reads: the subject, a blank line, then :func:`body_text`, both
    :func:`normalise` d and :func:`without_era` (links cut to their host, so tracking links'
    shapes and the collections' eras drop out); an e-mail with no readable body reads as its
    subject and the words "(only images)"."""
    body = body_text(html=html, text=text) or "(only images)"
    return without_era(normalise(f"{subject}\n\n{body}"))


def minimal_html(text: str) -> str:
    """The HTML a plain-text e-mail shows as: one escaped paragraph per blank-line block.

    >>> minimal_html("Hi <Ann>,\\n\\nPay now.")
    '<html><body><p>Hi &lt;Ann&gt;,</p><p>Pay now.</p></body></html>'
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "<html><body>" + "".join(f"<p>{html_module.escape(p)}</p>" for p in paragraphs) + "</body></html>"


def page_html(*, html: str | None, text: str | None) -> str:
    """The page the screenshot is drawn from: the HTML when it shows something readable, else
    the plain-text part laid out as :func:`minimal_html` (what a mail client falls back to), else
    the HTML as it is (an e-mail made of images shows its layout with the images blocked)."""
    if html and readable(visible_text(html)):
        return html
    if readable(text) or not html:
        return minimal_html(text or "")
    return html  # only images: their boxes, blocked as a cautious mail client shows them
