"""One renderer for training and serving: an e-mail (sender, subject, HTML) -> a screenshot.

The screenshot model sees what this module draws, so the server must draw exactly the same:
both call :func:`render_email`. It is deterministic (the same input gives the same pixels, on
every run) and safe: the HTML is parsed by lxml (libxml2) the way a browser's parser recovers
from broken markup (an unclosed ``<head>`` or ``<form>`` hides nothing), nothing in it runs
(``<script>``, ``<style>``, event handlers are dropped), nothing remote loads (``<img>``,
``<iframe>``, CSS ``url(...)`` are ignored; only inline ``background``/``color`` colours are
used) and text hidden from the reader (``display:none``) is not read. Every visible text is read,
form controls included (a button's or a field's text). The font is DejaVu Sans from matplotlib's pinned package, drawn by Pillow's FreeType.

Huge input is capped: only the first :data:`MAX_HTML_CHARS` characters of the HTML are parsed,
a block keeps at most :data:`MAX_BLOCK_CHARS` characters, and drawing stops at the bottom of the
page (a mail client's first screen), so rendering costs milliseconds whatever arrives.

>>> image = render_email(sender="Payflow <hello@payflow.example>", subject="Your receipt",
...                      html="<div style='background:#5b3cc4;color:#fff'><h1>Payflow</h1></div><p>Thanks!</p>")
>>> image.size, image.mode
((448, 448), 'RGB')
"""
from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
from PIL import Image, ImageDraw, ImageFont

SIZE = 448  # pixels, square; the vision models resize it to their own input (224 px)
MAX_HTML_CHARS = 100_000  # parse at most this much HTML (the synthetic e-mails hold under 1,000)
MAX_BLOCK_CHARS = 2_000  # characters kept per paragraph
MARGIN = 14
WHITE, TEXT, GREY, LINK = (255, 255, 255), (32, 33, 36), (110, 110, 110), (26, 13, 171)
HEADER_BG, RULE = (241, 243, 244), (200, 200, 200)

MAX_DEPTH = 300  # libxml2 keeps 256 levels of nesting (text nested deeper is dropped, as crafted input)
# What a browser does not draw: code, metadata, and embedded or remote content (<iframe> text is
# its fallback for browsers without frames; <object> and <picture> fallback content *is* read,
# since nothing remote loads here). <head> is skipped except for what an unclosed <title> swallowed.
NOT_SHOWN = {"script", "style", "template", "iframe", "embed", "svg", "canvas", "video", "audio",
             "img", "meta", "link", "base", "area", "map", "math"}
RAW_TEXT = {"title", "textarea"}  # their content is text, not markup (HTML's RCDATA)
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "section", "article", "header", "footer", "center", "td", "th", "body", "html",
          "form", "fieldset", "legend", "select", "option", "textarea", "pre", "address", "main", "nav",
          "aside", "figure", "figcaption", "title", "label"}
# lxml's HTML parser (libxml2: its tokenizer follows HTML5 since 2.14): recovering from broken
# markup, never reading the network, comments and processing instructions dropped.
PARSER = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True)
HEADINGS = {"h1": 22, "h2": 18, "h3": 16, "h4": 14, "h5": 13, "h6": 13}
NAMED_COLOURS = {"white": WHITE, "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0),
                 "blue": (0, 0, 255), "yellow": (255, 255, 0), "orange": (255, 165, 0),
                 "grey": (128, 128, 128), "gray": (128, 128, 128), "navy": (0, 0, 128),
                 "purple": (128, 0, 128), "maroon": (128, 0, 0), "teal": (0, 128, 128)}


@functools.lru_cache(maxsize=None)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (or its bold) at ``size`` pixels, from matplotlib's package (always installed
    with the course, pinned, so the glyphs are the same on every machine)."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)


def parse_colour(value: str) -> tuple[int, int, int] | None:
    """An RGB triple from a CSS colour (#rgb, #rrggbb, rgb(r, g, b) or a common name), else None.

    >>> parse_colour("#2a7de1"), parse_colour("#fff"), parse_colour("rgb(1, 2, 3)"), parse_colour("url(x)")
    ((42, 125, 225), (255, 255, 255), (1, 2, 3), None)
    """
    value = value.strip().lower()
    if m := re.fullmatch(r"#([0-9a-f]{6})", value):
        return tuple(int(m.group(1)[i:i + 2], 16) for i in (0, 2, 4))
    if m := re.fullmatch(r"#([0-9a-f]{3})", value):
        return tuple(int(c * 2, 16) for c in m.group(1))
    if m := re.fullmatch(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)", value):
        return tuple(min(255, int(c)) for c in m.groups())
    return NAMED_COLOURS.get(value)


def inline_colours(style: str) -> tuple[tuple | None, tuple | None]:
    """(background, text colour) from an inline ``style`` attribute; anything else is ignored."""
    background = colour = None
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        if name in ("background", "background-color"):
            background = parse_colour(value.split()[0]) if value.split() else None
        elif name == "color":
            colour = parse_colour(value)
    return background, colour


@dataclasses.dataclass
class Run:
    """A piece of text drawn in one style."""

    text: str
    bold: bool = False
    href: str | None = None


@dataclasses.dataclass
class Block:
    """A paragraph-like box: its runs, kind (p, h1, button, small, hr), colours and container."""

    kind: str
    runs: list[Run] = dataclasses.field(default_factory=list)
    background: tuple | None = None
    colour: tuple | None = None
    box: int = 0  # id of the coloured container it sits in (0: none)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(r.text for r in self.runs)).strip()


def hidden(element: Any) -> bool:
    """True when an element hides itself the way e-mail uses to hide text from the reader
    (``hidden``, or an inline ``display:none``, ``visibility:hidden`` or ``font-size:0``).

    >>> hidden(lxml.html.fragment_fromstring('<span style="DISPLAY: none">x</span>'))
    True
    """
    style = re.sub(r"\s+", "", element.get("style", "")).lower()
    return (element.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style
            or re.search(r"(^|;)font-size:0(px|pt|em|%)?(;|$|!)", style) is not None)


class Reader:
    """Walks a parsed page (an lxml tree) and collects its visible text as :class:`Block` s;
    it never fetches or runs anything."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.boxes = 0
        self.current: Block | None = None

    def _block(self, style: dict) -> Block:
        if self.current is None:
            self.current = Block(style["kind"], background=style["bg"], colour=style["fg"], box=style["box"])
            self.blocks.append(self.current)
        return self.current

    def text(self, data: str | None, style: dict) -> None:
        """Add a piece of text in ``style`` to the current block (a new one when none is open)."""
        if not data or not data.strip() and self.current is None:
            return
        block = self._block(style)
        if sum(len(r.text) for r in block.runs) < MAX_BLOCK_CHARS:
            block.runs.append(Run(data[:MAX_BLOCK_CHARS], bold=style["bold"], href=style["href"]))

    def _style(self, element: Any, tag: str, outer: dict) -> dict:
        """The drawing style inside ``element``: colours, bold, link target and block kind."""
        style = dict(outer)
        background, colour = inline_colours(element.get("style", ""))
        if background:
            self.boxes += 1
            style.update(bg=background, box=self.boxes)
        if colour:
            style["fg"] = colour
        classes = element.get("class", "").split()
        if tag in HEADINGS:
            style["kind"] = tag
        elif "small" in classes or tag == "small":
            style["kind"] = "small"
        if tag in ("b", "strong") or tag in HEADINGS:
            style["bold"] = True
        if tag == "a":
            style["href"] = element.get("href", "")
            if "button" in classes:
                style["kind"] = "button"
        if tag == "button" or tag == "input" and element.get("type", "").lower() in ("submit", "button", "reset"):
            style["kind"] = "button"
        return style

    def element(self, element: Any, outer: dict, depth: int = 0) -> None:
        """Read one element and what it holds (not its tail, which belongs to its parent)."""
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag or tag in NOT_SHOWN or hidden(element) or depth > MAX_DEPTH:
            return
        if tag == "head":  # metadata, but an unclosed <title> in it may have swallowed the e-mail
            for title in element.iter("title"):
                self.element(title, outer, depth + 1)
            return
        if tag == "br":
            self.current = None
            return
        if tag == "hr":
            self.blocks.append(Block("hr", box=outer["box"]))
            self.current = None
            return
        style = self._style(element, tag, outer)
        block = tag in BLOCKS or style["kind"] == "button"
        if block:
            self.current = None
        if tag in RAW_TEXT:  # an unclosed <title> or <textarea> swallows the markup after it: read that
            swallowed = element.text or ""
            if tag == "textarea" or "<" in swallowed:
                self.markup(swallowed, style, depth + 1)
        elif tag == "input":
            if element.get("type", "").lower() != "hidden":
                self.text(element.get("value") or element.get("placeholder"), style)
        else:
            self.text(element.text, style)
            for child in element:
                self.element(child, style, depth + 1)
                self.text(child.tail, style)
        if block:
            self.current = None

    def markup(self, markup: str, style: dict, depth: int = 0) -> None:
        """Read ``markup`` (a whole page or the text swallowed by a raw-text element)."""
        if "<" not in markup:
            self.text(markup, style)
            return
        root = parse_document(markup)
        if root is not None:
            self.element(root, style, depth)


def parse_document(markup: str) -> Any:
    """The lxml tree of ``markup`` (its first :data:`MAX_HTML_CHARS` characters) as a browser's
    parser builds it (unclosed elements closed, stray end tags ignored); None when empty. The
    parser never touches the network (``no_network``) and loads no external entities."""
    data = markup[:MAX_HTML_CHARS].encode("utf-8", errors="replace")
    if not data.strip():
        return None
    try:
        return lxml.html.document_fromstring(data, parser=PARSER)
    except (lxml.etree.ParserError, ValueError):  # nothing an HTML parser can read ("Document is empty")
        return None


def parse_email_html(markup: str) -> list[Block]:
    """The visible blocks of ``markup`` (its first :data:`MAX_HTML_CHARS` characters).

    >>> [(b.kind, b.text) for b in parse_email_html("<p>Hi <b>Ann</b></p><script>alert(1)</script><hr>")]
    [('p', 'Hi Ann'), ('hr', '')]
    >>> [b.text for b in parse_email_html("<head><title>Shop</title><p>Unclosed head</p>")]
    ['Unclosed head']
    """
    reader = Reader()
    reader.markup(markup, {"bg": None, "fg": None, "box": 0, "bold": False, "href": None, "kind": "p"})
    return [b for b in reader.blocks if b.kind == "hr" or b.text]


def visible_text(markup: str) -> str:
    """The text a reader sees in ``markup``, one block per paragraph (what the text model reads
    when only HTML arrives). A button's text is followed by its link target in parentheses,
    the way a plain-text e-mail shows a link.

    >>> visible_text('<h1>Bank</h1><p>Log in <a href="http://x.example/a">here</a></p>')
    'Bank\\n\\nLog in here (http://x.example/a)'
    """
    paragraphs = []
    for block in parse_email_html(markup):
        if block.kind == "hr":
            continue
        hrefs = [r.href for r in block.runs if r.href]
        paragraphs.append(block.text + (f" ({hrefs[0]})" if hrefs and hrefs[0] not in block.text else ""))
    return "\n\n".join(paragraphs)


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap of ``text`` to ``width`` pixels (a word longer than a line is cut)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=face) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while draw.textlength(word, font=face) > width and len(word) > 1:
            cut = max(1, int(len(word) * width / draw.textlength(word, font=face)) - 1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _header(draw: ImageDraw.ImageDraw, sender: str, subject: str) -> int:
    """Draw the mail client's header (sender and subject); return where the body starts."""
    draw.rectangle([0, 0, SIZE, 58], fill=HEADER_BG)
    draw.text((MARGIN, 8), _wrap(draw, subject or "(no subject)", font(15, True), SIZE - 2 * MARGIN)[0],
              fill=TEXT, font=font(15, True))
    draw.text((MARGIN, 32), _wrap(draw, f"From: {sender}", font(12), SIZE - 2 * MARGIN)[0],
              fill=GREY, font=font(12))
    draw.line([0, 58, SIZE, 58], fill=RULE)
    return 68


def _face(block: Block) -> tuple[ImageFont.FreeTypeFont, int]:
    """The font and line height of a block's kind."""
    size = HEADINGS.get(block.kind, 11 if block.kind == "small" else 13)
    bold = block.kind in HEADINGS or block.kind == "button" or all(r.bold for r in block.runs)
    return font(size, bold), size + 5


def _layout(draw: ImageDraw.ImageDraw, blocks: list[Block], top: int) -> list[tuple[Block, int, int, list[str]]]:
    """Where each block goes: (block, y from, y to, its wrapped lines), until the page is full."""
    placed, y = [], top
    for block in blocks:
        if block.kind == "hr":
            placed.append((block, y, y + 12, []))
            y += 12
            continue
        face, height = _face(block)
        pad = 10 if block.kind == "button" else 0
        lines = _wrap(draw, block.text, face, SIZE - 2 * MARGIN - 2 * pad - 8)
        bottom = y + 6 + len(lines) * height + 2 * pad
        placed.append((block, y, bottom, lines))
        y = bottom + 4
        if y >= SIZE:
            break
    return placed


def _draw_block(draw: ImageDraw.ImageDraw, block: Block, y0: int, y1: int, lines: list[str]) -> None:
    """Draw one placed block: a rule, a button, or lines of text in the block's colours."""
    if block.kind == "hr":
        draw.line([MARGIN, y0 + 6, SIZE - MARGIN, y0 + 6], fill=RULE)
        return
    face, height = _face(block)
    x, y = MARGIN + 4, y0 + 4
    if block.kind == "button":
        width = max(draw.textlength(line, font=face) for line in lines) + 20
        draw.rounded_rectangle([x, y0 + 3, x + width, y1 - 1], radius=5, fill=(26, 115, 232))
        colour, x, y = WHITE, x + 10, y + 8
    elif any(r.href for r in block.runs):
        colour = block.colour or LINK
    else:
        colour = block.colour or (GREY if block.kind == "small" else TEXT)
    for line in lines:
        draw.text((x, y), line, fill=colour, font=face)
        if block.kind != "button" and any(r.href for r in block.runs) and block.colour is None:
            bottom = y + height - 3
            draw.line([x, bottom, x + draw.textlength(line, font=face), bottom], fill=colour)
        y += height


def render_email(*, sender: str, subject: str, html: str) -> Image.Image:
    """The screenshot of one e-mail: a :data:`SIZE` x :data:`SIZE` RGB image of its header
    (subject, sender) and body (coloured banners, headings, paragraphs, links, buttons, small
    print), the same pixels on every run. Nothing in ``html`` is run or fetched."""
    image = Image.new("RGB", (SIZE, SIZE), WHITE)
    draw = ImageDraw.Draw(image)
    placed = _layout(draw, parse_email_html(html), _header(draw, sender, subject))
    boxes: dict[int, list] = {}
    for block, y0, y1, _ in placed:  # coloured containers first, each as one rectangle
        if block.box and block.background:
            span = boxes.setdefault(block.box, [y0, y1, block.background])
            span[1] = y1
    for y0, y1, background in boxes.values():
        draw.rectangle([MARGIN, y0, SIZE - MARGIN, y1], fill=background)
    for block, y0, y1, lines in placed:
        _draw_block(draw, block, y0, y1, lines)
    return image
