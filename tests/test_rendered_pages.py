"""The lessons as a reader without a kernel sees them (GitHub, nbviewer, Colab before running):
nbconvert's HTML, the renderer nbviewer uses, opened in Chromium. No worked solution and no quiz
answer may be visible until the reader clicks it open; clicking shows it (so the test can fail)."""
from __future__ import annotations

import nbformat
import pytest
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

from conftest import ROOT
from notebook_solutions import solution_code
from tlutils import practice

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# innerText holds only what is rendered: the text of a closed <details> is not in it.
VISIBLE_TEXT = "() => document.body.innerText"
QUIZ_TEXT = "() => [...document.querySelectorAll('.tl-quiz-fallback')].map(q => q.innerText).join(' ')"
DETAILS_STATE = "() => [...document.querySelectorAll('details')].map(d => d.open)"


def _own_line(code: str, nb: nbformat.NotebookNode) -> str:
    """A line of a solution that no other cell of the lesson contains (the exercise cell repeats
    its first lines)."""
    others = " ".join(c.source for c in nb.cells if solution_code(c) != code)
    return next(line.strip() for line in code.splitlines() if len(line.strip()) > 20 and line.strip() not in others)


def _without_figures(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without its PNG figures, which hide nothing and make the page slow to build."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("image/png", None)
    return copy


@pytest.fixture(scope="module")
def pages(chromium, tmp_path_factory):
    """Each lesson exported to HTML by nbconvert and opened in Chromium: (notebook, page)."""
    folder = tmp_path_factory.mktemp("rendered")
    exporter = HTMLExporter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--no-proxy-server"])
        page = browser.new_page()
        # nbconvert's page asks a CDN for require.js and MathJax; offline, refuse at once
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())
        opened = []
        for path in NOTEBOOKS:
            nb = nbformat.read(path, as_version=4)
            html, _ = exporter.from_notebook_node(_without_figures(nb))
            target = folder / f"{path.stem}.html"
            target.write_text(html, encoding="utf-8")
            opened.append((nb, target.as_uri()))

        def show(uri):
            page.goto(uri, wait_until="domcontentloaded")
            return page

        yield [(nb, uri, show) for nb, uri in opened]
        browser.close()


def test_no_solution_quiz_answer_or_widget_repr_is_visible_until_opened(pages):
    for nb, uri, show in pages:
        page = show(uri)
        lesson = nb.metadata.get("tlutils", {}).get("lesson") or uri.rsplit("/", 1)[1][:2]
        assert not any(page.evaluate(DETAILS_STATE)), f"{lesson}: a <details> is open"
        solutions = [code for code in map(solution_code, nb.cells) if code]
        questions = practice.questions(lesson)
        lines = [_own_line(code, nb) for code in solutions]
        answers = [q.why for q in questions]
        visible, quiz = page.evaluate(VISIBLE_TEXT), page.evaluate(QUIZ_TEXT)
        assert solutions and len(questions) >= 4
        shown = [text for text in lines if text in visible] + [text for text in answers if text in quiz]
        assert not shown, f"lesson {lesson} shows, unclicked: {shown[:2]}"
        assert "Solution" in visible and "Answer" in quiz  # the folded parts are there to click
        assert "VBox(children=" not in visible and "HBox(children=" not in visible, "a stored widget repr"
        page.locator("details > summary").first.click()  # a click opens one, as a reader would
        assert page.evaluate(DETAILS_STATE)[0]
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        visible, quiz = page.evaluate(VISIBLE_TEXT), page.evaluate(QUIZ_TEXT)
        assert all(text in visible for text in lines) and all(text in quiz for text in answers), \
            f"lesson {lesson}: clicking does not show everything"

