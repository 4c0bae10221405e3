"""What a reader sees of an e-mail's HTML: parsed as a browser parses it, hidden text left out.

The HTML is parsed by Lexbor (through ``selectolax``), which follows the WHATWG HTML parsing
algorithm that browsers follow: ``<embed>`` is a void element, a ``<p>`` breaks out of an
unclosed ``<svg>`` or ``<math>``, ``<map>`` shows its content, stray end tags and unclosed
elements are recovered as a browser does. Nothing is cut: the whole HTML is read however long it
is, and a comment of any length hides only itself. The tree is walked without recursion, so any
depth is read; past :data:`MAX_NESTING` open elements (real mail nests under 100, the parser's
cost grows with the square of the depth) deeper start tags are dropped before parsing, which
keeps every text, as Chromium keeps its DOM at most 512 deep and attaches deeper content
higher up.

Read: every text a browser draws, form controls included (a button's, a field's value or
placeholder, options); not read: code and metadata (``<script>``, ``<style>``, ``<head>``),
embedded or remote content (``<img>``, ``<iframe>``, ``<svg>``, ``<video>``...), and text hidden
by the tricks e-mail uses (``hidden``, inline ``display:none``, ``visibility:hidden``, text at
``font-size:0`` unless an element inside gives it a size again). Nothing is fetched or run.

>>> visible_text("<embed src=x.swf><p>Verify your <b>password</b></p><div style='display:none'>filler</div>")
'Verify your password'
"""
from __future__ import annotations

import collections
import dataclasses
import functools
import re
from selectolax.lexbor import LexborHTMLParser, LexborNode

MAX_NESTING = 1_024  # open elements kept; deeper start tags are dropped (their text is kept)
# What a browser does not draw: code, metadata, and embedded or remote content (<iframe> text is
# its fallback for browsers without frames; <object> and <picture> fallback content *is* read,
# since nothing remote loads here). <head> is skipped except for what an unclosed <title> swallowed.
NOT_SHOWN = {"script", "style", "template", "iframe", "embed", "svg", "canvas", "video", "audio",
             "img", "meta", "link", "base", "area", "noembed", "noframes"}
RAW_TEXT = {"title", "textarea"}  # their content is text, not markup (HTML's RCDATA)
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd",
          "blockquote", "section", "article", "header", "footer", "center", "td", "th", "body", "html",
          "form", "fieldset", "legend", "select", "option", "textarea", "pre", "address", "main", "nav",
          "aside", "figure", "figcaption", "title", "caption", "details", "summary"}
STYLED = {"b", "strong", "small", "a", "button", "input", "h1", "h2", "h3", "h4", "h5", "h6"}  # change the style
HEADINGS = {"h1": 22, "h2": 18, "h3": 16, "h4": 14, "h5": 13, "h6": 13}
WHITE = (255, 255, 255)
NAMED_COLOURS = {"white": WHITE, "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0),
                 "blue": (0, 0, 255), "yellow": (255, 255, 0), "orange": (255, 165, 0),
                 "grey": (128, 128, 128), "gray": (128, 128, 128), "navy": (0, 0, 128),
                 "purple": (128, 0, 128), "maroon": (128, 0, 0), "teal": (0, 128, 128)}
# For the nesting guard only: tags, comments, and elements whose content is text, not markup.
TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][^\s/>]*)[^>]*>", re.S)
RAW_CONTENT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "keygen", "basefont", "bgsound", "frame"}


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

    @functools.cached_property
    def text(self) -> str:
        """The block's text, white space collapsed (read once the block is complete)."""
        return " ".join("".join(r.text for r in self.runs).split())


def hidden(attributes: dict[str, str | None]) -> bool:
    """True when an element's attributes hide it and all it holds (``hidden``, or an inline
    ``display:none`` or ``visibility:hidden``); text at font size zero is :func:`font_size_zero`'s.

    >>> hidden({"style": "DISPLAY: none"}), hidden({"hidden": None}), hidden({"style": "color: red"})
    (True, True, False)
    """
    if "hidden" in attributes:
        return True
    if not attributes.get("style"):
        return False
    style = re.sub(r"\s+", "", attributes["style"]).lower()
    return "display:none" in style or "visibility:hidden" in style


def font_size_zero(style: str) -> bool | None:
    """Whether an inline ``style`` sets the font size to zero (True), to some other size (False),
    or not at all (None). Text at size zero is not seen, but e-mail layouts often set it on a
    container to close gaps between cells and give the text inside its own size again.

    >>> font_size_zero("font-size: 0px; padding: 0"), font_size_zero("font-size:14px"), font_size_zero("color: red")
    (True, False, None)
    """
    sizes = re.findall(r"(?:^|;)\s*font-size\s*:\s*([^;!]+)", style.lower())
    return None if not sizes else re.fullmatch(r"0*\.?0*(px|pt|em|rem|%)?", sizes[-1].strip()) is not None


def limit_nesting(markup: str, limit: int = MAX_NESTING) -> tuple[str, int]:
    """``markup`` without the start tags that would open more than ``limit`` elements at once,
    and how many were dropped (their text stays, one level up). A quick scan that tracks open
    elements as a browser would for ordinary markup (void elements, matching end tags, raw text
    and comments skipped); it overcounts implied ends (``<p><p>``), which only matters past the limit.

    >>> limit_nesting("<div>" * 3 + "deep</div>", limit=2)
    ('<div><div>deep</div>', 1)
    """
    if markup.count("<") <= limit:
        return markup, 0
    stack: list[str] = []
    open_count: collections.Counter = collections.Counter()
    cuts, pos = [], 0
    while m := TOKEN.search(markup, pos):
        pos = m.end()
        if m.group(2) is None:  # a comment
            continue
        name = m.group(2).lower()
        if m.group(1):  # an end tag closes the innermost open element of its name, if any
            if open_count[name]:
                while (top := stack.pop()) != name:
                    open_count[top] -= 1
                open_count[name] -= 1
            continue
        if name in VOID:
            continue
        if len(stack) >= limit:
            cuts.append(m.span())
            continue
        stack.append(name)
        open_count[name] += 1
        if name in RAW_CONTENT:  # its text runs to the matching end tag
            end = re.compile(rf"</{re.escape(name)}[\s/>]", re.I).search(markup, pos)
            pos = end.start() if end else len(markup)
    if not cuts:
        return markup, 0
    pieces, last = [], 0
    for start, stop in cuts:
        pieces.append(markup[last:start])
        last = stop
    pieces.append(markup[last:])
    return "".join(pieces), len(cuts)


def parse_document(markup: str) -> LexborNode | None:
    """The root (``<html>``) of ``markup`` as a browser's parser builds it; None when empty."""
    if not markup.strip():
        return None
    markup, _ = limit_nesting(markup)
    return LexborHTMLParser(markup).root


def children(node: LexborNode) -> list[LexborNode]:
    """A node's children, in order."""
    found, child = [], node.child
    while child is not None:
        found.append(child)
        child = child.next
    return found


class Reader:
    """Walks a parsed page and collects its visible text as :class:`Block` s, without recursion
    (any depth); it never fetches or runs anything."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.boxes = 0
        self.current: Block | None = None

    def text(self, data: str | None, style: dict) -> None:
        """Add a piece of text in ``style`` to the current block (a new one when none is open)."""
        if not data or not data.strip() and self.current is None or style.get("tiny"):
            return
        if self.current is None:
            self.current = Block(style["kind"], background=style["bg"], colour=style["fg"], box=style["box"])
            self.blocks.append(self.current)
        self.current.runs.append(Run(data, bold=style["bold"], href=style["href"]))

    def _style(self, attributes: dict, tag: str, outer: dict) -> dict:
        """The drawing style inside an element: colours, bold, link target and block kind."""
        if not attributes and tag not in STYLED:  # most elements: the style around them
            return outer
        style = dict(outer)
        background, colour = inline_colours(attributes.get("style") or "")
        if background:
            self.boxes += 1
            style.update(bg=background, box=self.boxes)
        if colour:
            style["fg"] = colour
        zero = font_size_zero(attributes.get("style") or "")
        if zero is not None:
            style["tiny"] = zero
        classes = (attributes.get("class") or "").split()
        if tag in HEADINGS:
            style["kind"] = tag
        elif "small" in classes or tag == "small":
            style["kind"] = "small"
        if tag in ("b", "strong") or tag in HEADINGS:
            style["bold"] = True
        if tag == "a":
            style["href"] = attributes.get("href") or ""
            if "button" in classes:
                style["kind"] = "button"
        if tag == "button" or tag == "input" and (attributes.get("type") or "").lower() in ("submit", "button", "reset"):
            style["kind"] = "button"
        return style

    def _element(self, node: LexborNode, outer: dict) -> dict | None:
        """Read what an element itself shows; the style its children are read in, or None when
        they are not read (hidden, not drawn, or already read here)."""
        tag = (node.tag or "").lower()
        attributes = node.attributes
        if tag in NOT_SHOWN or hidden(attributes):
            return None
        if tag == "head":  # metadata, but an unclosed <title> in it may have swallowed the e-mail
            for title in node.css("title"):
                self._element(title, outer)
            return None
        if tag in ("br", "hr"):
            if tag == "hr":
                self.blocks.append(Block("hr", box=outer["box"]))
            self.current = None
            return None
        style = self._style(attributes, tag, outer)
        if tag in RAW_TEXT:  # an unclosed <title> or <textarea> swallows the markup after it: read that
            swallowed = node.text(deep=True) or ""
            if tag == "textarea" or "<" in swallowed:
                self.current = None
                self.markup(swallowed, style)
                self.current = None
            return None
        if tag == "input":
            if (attributes.get("type") or "").lower() != "hidden":
                self.current = None
                self.text(attributes.get("value") or attributes.get("placeholder"), style)
                self.current = None
            return None
        return style

    def walk(self, root: LexborNode, style: dict) -> None:
        """Read ``root`` and everything under it, in document order."""
        stack: list[tuple[LexborNode | None, dict | None]] = [(root, style)]
        while stack:
            node, outer = stack.pop()
            if node is None:  # the end of a block
                self.current = None
                continue
            if node.tag == "-text":
                self.text(node.text_content, outer)
                continue
            if not node.is_element_node:  # comments, doctypes
                continue
            inner = self._element(node, outer)
            if inner is None:
                continue
            if (node.tag or "").lower() in BLOCKS or inner["kind"] == "button":
                self.current = None
                stack.append((None, None))
            stack.extend((child, inner) for child in reversed(children(node)))

    def markup(self, markup: str, style: dict) -> None:
        """Read ``markup`` (a whole page or the text swallowed by a raw-text element)."""
        if "<" not in markup:
            self.text(markup, style)
            return
        root = parse_document(markup)
        if root is not None:
            self.walk(root, style)


@functools.lru_cache(maxsize=16)
def _read(markup: str) -> tuple[Block, ...]:
    """The visible blocks of ``markup``, kept for the few e-mails read last: scoring one e-mail
    reads its HTML several times (the text model, the screenshot, the cues)."""
    reader = Reader()
    reader.markup(markup, {"bg": None, "fg": None, "box": 0, "bold": False, "href": None, "kind": "p"})
    return tuple(b for b in reader.blocks if b.kind == "hr" or b.text)


def parse_email_html(markup: str) -> list[Block]:
    """The visible blocks of ``markup``, all of it (shared with later calls: read, do not change them).

    >>> [(b.kind, b.text) for b in parse_email_html("<p>Hi <b>Ann</b></p><script>alert(1)</script><hr>")]
    [('p', 'Hi Ann'), ('hr', '')]
    >>> [b.text for b in parse_email_html("<head><title>Shop</title><p>Unclosed head</p>")]
    ['Unclosed head']
    """
    return list(_read(markup))


def visible_text(markup: str) -> str:
    """The text a reader sees in ``markup``, one block per paragraph (what the text model reads
    when only HTML arrives). A button's text is followed by its link target in parentheses,
    the way a plain-text e-mail shows a link.

    >>> visible_text('<h1>Bank</h1><p>Log in <a href="http://x.example/a">here</a></p>')
    'Bank\\n\\nLog in here (http://x.example/a)'
    """
    paragraphs = []
    for block in _read(markup):
        if block.kind == "hr":
            continue
        hrefs = [r.href for r in block.runs if r.href]
        paragraphs.append(block.text + (f" ({hrefs[0]})" if hrefs and hrefs[0] not in block.text else ""))
    return "\n\n".join(paragraphs)

