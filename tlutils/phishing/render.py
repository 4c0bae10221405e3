"""One renderer for training and serving: an e-mail (sender, subject, HTML) -> a screenshot.

The screenshot model sees what this module draws, so the server must draw exactly the same:
both call :func:`render_email`. It is deterministic (the same input gives the same pixels, on
every run) and safe: the HTML is read by :mod:`tlutils.phishing.html_reader` (parsed as a browser
parses it, all of it, hidden text left out), nothing in it runs (``<script>``, ``<style>``, event
handlers are dropped), nothing remote loads (``<img>``, ``<iframe>``, CSS ``url(...)`` are
ignored; only inline ``background``/``color`` colours are used). Every visible text is read, form
controls included (a button's or a field's text). The font is DejaVu Sans from matplotlib's
pinned package, drawn by Pillow's FreeType.

Drawing stops at the bottom of the page (a mail client's first screen) and wraps at most
:data:`MAX_BLOCK_CHARS` characters of a paragraph, so drawing costs milliseconds whatever
arrives; the text model still reads the whole text (:func:`visible_text`).

>>> image = render_email(sender="Payflow <hello@payflow.example>", subject="Your receipt",
...                      html="<div style='background:#5b3cc4;color:#fff'><h1>Payflow</h1></div><p>Thanks!</p>")
>>> image.size, image.mode
((448, 448), 'RGB')
"""
from __future__ import annotations

import functools
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .html_reader import HEADINGS, Block, parse_colour, parse_email_html, visible_text

__all__ = ["SIZE", "parse_colour", "parse_email_html", "render_email", "visible_text"]

SIZE = 448  # pixels, square; the vision models resize it to their own input (224 px)
MAX_BLOCK_CHARS = 2_000  # characters of one paragraph drawn (the page ends long before)
MARGIN = 14
WHITE, TEXT, GREY, LINK = (255, 255, 255), (32, 33, 36), (110, 110, 110), (26, 13, 171)
HEADER_BG, RULE = (241, 243, 244), (200, 200, 200)


@functools.lru_cache(maxsize=None)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (or its bold) at ``size`` pixels, from matplotlib's package (always installed
    with the course, pinned, so the glyphs are the same on every machine)."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)


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
        lines = _wrap(draw, block.text[:MAX_BLOCK_CHARS], face, SIZE - 2 * MARGIN - 2 * pad - 8)
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
