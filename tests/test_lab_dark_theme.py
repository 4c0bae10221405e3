"""Lesson 00 in JupyterLab's dark theme, in Chromium: its stored figures stay readable.

A learner on the dark theme sees each figure on a dark page. Each must show as on a light page
(an opaque white background with dark text and lines on it), and its caption must be there. The
lesson is opened as stored (no cell runs); a screenshot of the page is kept in the test's folder.
Locally the test skips without Chromium (`apt-get install chromium`); with CI=true it runs.
"""
from __future__ import annotations

import io
import json
import shutil

import numpy as np
import nbformat
from PIL import Image

from conftest import ROOT
from test_lab import TOKEN
from test_lab_browser import lab_page

LESSON = ROOT / "notebooks" / "00_what_a_pretrained_network_knows.ipynb"
DARK = {"theme": "JupyterLab Dark"}


def _stored_figures(path) -> int:
    nb = nbformat.read(path, as_version=4)
    return sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def _luminance(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., :3] @ np.array([0.2126, 0.7152, 0.0722]) / 255.0


def test_lesson_00_figures_read_on_the_dark_theme(chromium, tmp_path):
    notebooks, home = tmp_path / "notebooks", tmp_path / "jupyter"
    notebooks.mkdir()
    shutil.copy(LESSON, notebooks / "lesson.ipynb")
    settings = home / "user-settings" / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps(DARK))
    expected = _stored_figures(LESSON)
    with lab_page(chromium, notebooks, home, tmp_path / "dark.png") as (page, port):
        page.goto(f"http://127.0.0.1:{port}/lab/tree/lesson.ipynb?token={TOKEN}")
        figures = page.locator(".jp-OutputArea-output img")
        page.wait_for_function(f"() => document.querySelectorAll('.jp-OutputArea-output img').length >= {expected}")
        assert page.evaluate("document.body.dataset.jpThemeLight") == "false", "the dark theme is not on"
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor")
        shots = []
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
            shots.append(np.asarray(Image.open(io.BytesIO(figure.screenshot())).convert("RGB")))
        captions = page.locator(".jp-MarkdownOutput", has_text="Figure 1.").count()
        figures.nth(1).scroll_into_view_if_needed()
    page_rgb = np.array([float(v) for v in background[background.index("(") + 1:-1].split(",")[:3]])
    assert _luminance(page_rgb) < 0.3, f"the notebook's background is not dark: {background}"
    assert len(shots) == expected and captions == 1
    for index, shot in enumerate(shots):
        light = _luminance(shot)
        edge = np.concatenate([light[0], light[-1], light[:, 0], light[:, -1]])
        assert np.median(edge) > 0.9, f"figure {index + 1} does not show on a white background"
        assert (light < 0.35).mean() > 0.001, f"figure {index + 1} has no dark text or lines to read"
    assert (tmp_path / "dark.png").stat().st_size > 10_000
