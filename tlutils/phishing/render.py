"""One renderer for training and serving: an e-mail (sender, subject, HTML) -> a screenshot.

The screenshot model sees what this module draws, so the server must draw exactly the same:
both call :func:`render_email`. It is deterministic (the same input gives the same pixels, on
every run) and safe: the HTML is read with the standard library's ``html.parser``, nothing in it
runs (``<script>``, ``<style>``, event handlers are dropped) and nothing remote loads (``<img>``,
``<iframe>``, CSS ``url(...)`` are ignored; only inline ``background``/``color`` colours are
used). The font is DejaVu Sans from matplotlib's pinned package, drawn by Pillow's FreeType.

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
import html.parser
import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 448  # pixels, square; the vision models resize it to their own input (224 px)
MAX_HTML_CHARS = 100_000  # parse at most this much HTML (the synthetic e-mails hold under 1,000)
MAX_BLOCK_CHARS = 2_000  # characters kept per paragraph
MARGIN = 14
WHITE, TEXT, GREY, LINK = (255, 255, 255), (32, 33, 36), (110, 110, 110), (26, 13, 171)
HEADER_BG, RULE = (241, 243, 244), (200, 200, 200)

# Tags whose content is never drawn (code, metadata, embedded or remote content).
SKIPPED = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "embed",
           "svg", "canvas", "video", "audio", "img", "picture", "form", "select", "textarea", "button"}
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "track", "wbr", "embed"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol",
          "blockquote", "section", "article", "header", "footer", "center", "td", "body", "html"}
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


class EmailParser(html.parser.HTMLParser):
    """Collects an e-mail's visible text as :class:`Block` s; never fetches or runs anything."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[dict] = [{"tag": "", "bg": None, "fg": None, "box": 0, "bold": False,
                                   "href": None, "kind": "p"}]
        self.skipping = 0
        self.boxes = 0
        self.current: Block | None = None

    def _new_block(self) -> None:
        self.current = None

    def _block(self) -> Block:
        if self.current is None:
            top = self.stack[-1]
            self.current = Block(top["kind"], background=top["bg"], colour=top["fg"], box=top["box"])
            self.blocks.append(self.current)
        return self.current

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = {k: (v or "") for k, v in attrs}
        if tag in SKIPPED:
            if tag not in VOID:
                self.skipping += 1
            return
        if self.skipping:
            return
        if tag == "br":
            self._new_block()
            return
        if tag == "hr":
            self.blocks.append(Block("hr", box=self.stack[-1]["box"]))
            self._new_block()
            return
        if tag in VOID:
            return
        top = dict(self.stack[-1], tag=tag)
        background, colour = inline_colours(attrs.get("style", ""))
        if background:
            self.boxes += 1
            top.update(bg=background, box=self.boxes)
        if colour:
            top["fg"] = colour
        classes = attrs.get("class", "").split()
        if tag in HEADINGS:
            top["kind"] = tag
        elif "small" in classes or tag == "small":
            top["kind"] = "small"
        if tag in ("b", "strong") or tag in HEADINGS:
            top["bold"] = True
        if tag == "a":
            top["href"] = attrs.get("href", "")
            if "button" in classes:
                top["kind"] = "button"
        if tag in BLOCKS or top["kind"] == "button":
            self._new_block()
        self.stack.append(top)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            if tag not in VOID and self.skipping:
                self.skipping -= 1
            return
        if self.skipping or tag in VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching open tag
            if self.stack[depth]["tag"] == tag:
                closed = self.stack[depth]
                del self.stack[depth:]
                if tag in BLOCKS or closed["kind"] == "button":
                    self._new_block()
                return

    def handle_data(self, data: str) -> None:
        if self.skipping or not data.strip() and self.current is None:
            return
        block = self._block()
        if sum(len(r.text) for r in block.runs) >= MAX_BLOCK_CHARS:
            return
        top = self.stack[-1]
        block.runs.append(Run(data[:MAX_BLOCK_CHARS], bold=top["bold"], href=top["href"]))


def parse_email_html(markup: str) -> list[Block]:
    """The visible blocks of ``markup`` (its first :data:`MAX_HTML_CHARS` characters).

    >>> [(b.kind, b.text) for b in parse_email_html("<p>Hi <b>Ann</b></p><script>alert(1)</script><hr>")]
    [('p', 'Hi Ann'), ('hr', '')]
    """
    parser = EmailParser()
    parser.feed(markup[:MAX_HTML_CHARS])
    parser.close()
    return [b for b in parser.blocks if b.kind == "hr" or b.text]


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
