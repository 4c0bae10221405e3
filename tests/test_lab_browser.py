"""The course in a real browser: `make lab` serves a lesson, Chromium runs it through the UI.

The lesson is the opening of lesson 03 (its cells up to its setup cell, which imports TensorFlow,
transformers and tlutils) plus its own closing quiz cell (``tlutils.practice.show_quiz``), copied into a
temporary folder so that the run and its screenshot touch nothing in notebooks/. The quiz is
answered through the widgets' own labels, read from the same cell. The lessons' own cells are nbval's job; this test
checks what only a browser shows: JupyterLab's UI runs them, widgets work, no news pop-up.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

from conftest import ROOT
from test_lab import TOKEN, _free_port, _get

LESSON = ROOT / "notebooks" / "03_bert_tokenization_and_embeddings.ipynb"
QUIZ_TAG = "quiz"  # the lesson's closing quiz cell (tlutils.practice.show_quiz)
NEWS = re.compile(r"Jupyter news|newer version|update", re.IGNORECASE)
TIMEOUT_MS = 45_000
RUN_TIMEOUT_MS = 150_000  # about 15 s on a quiet machine; the setup cell imports TensorFlow


def _quiz_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The lesson's closing quiz cell (tagged ``quiz``)."""
    cells = [c for c in nb.cells if QUIZ_TAG in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{LESSON.name} should have one cell tagged {QUIZ_TAG!r}, not {len(cells)}"
    return cells[0]


def _quiz_questions(source: str, monkeypatch) -> list:
    """The questions the quiz cell asks, read by running its code with ``show_quiz`` only collecting."""
    import tlutils.practice

    monkeypatch.setattr(tlutils.practice, "show_quiz", tlutils.practice.Quiz)
    namespace: dict = {}
    exec(compile("import tlutils\n" + source, "quiz cell", "exec"), namespace)  # the course's own cell, not user input
    return namespace["quiz"].questions


def _lesson_copy(folder: Path) -> tuple[Path, str]:
    """The opening cells of lesson 03 with no stored outputs, then its quiz cell; and that cell's code."""
    nb = nbformat.read(LESSON, as_version=4)
    quiz = _quiz_cell(nb)
    setup = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")  # tlutils.setup()
    nb.cells = nb.cells[:setup + 1] + [nbformat.v4.new_markdown_cell("## Quiz"),
                                       nbformat.v4.new_code_cell(quiz.source)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    path = folder / "lesson.ipynb"
    nbformat.write(nb, path)
    return path, quiz.source


def _isolated_jupyter_env(home: Path) -> dict[str, str]:
    """The test's environment with every Jupyter config, data and settings folder under ``home``."""
    folders = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
               "JUPYTER_RUNTIME_DIR": "runtime", "JUPYTERLAB_SETTINGS_DIR": "user-settings",
               "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "IPYTHONDIR": "ipython"}
    return {**os.environ, "JUPYTER_NO_CONFIG": "1",
            **{name: str(home / sub) for name, sub in folders.items()}}


def _start_lab(notebook_dir: Path, home: Path, port: int) -> subprocess.Popen:
    """`make lab` with the venv running this test (set up already: its install step is skipped)."""
    venv = Path(sys.prefix)
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN}"
    return subprocess.Popen(["make", "-s", "-o", str(venv / ".installed"), "lab", f"VENV={venv}",
                             f"LAB_DIR={notebook_dir}", f"LAB_ARGS={args}"],
                            cwd=ROOT, env=_isolated_jupyter_env(home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _wait_until_serving(server: subprocess.Popen, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            _get(f"http://127.0.0.1:{port}/api/status")
            return
        except OSError:
            assert server.poll() is None, "make lab exited early"
            assert time.monotonic() < deadline, f"JupyterLab did not answer within {seconds} s"
            time.sleep(0.5)


@contextlib.contextmanager
def lab_page(chromium: str, notebook_dir: Path, home: Path, screenshot: Path) -> Iterator[tuple]:
    """A Chromium page and the port of a `make lab` serving ``notebook_dir`` (its Jupyter settings
    under ``home``); afterwards, even after a failure, the page is saved to ``screenshot`` and the
    server stopped."""
    port = _free_port()
    server = _start_lab(notebook_dir, home, port)
    try:
        _wait_until_serving(server, port)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--no-proxy-server"])
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            try:
                yield page, port
            finally:
                page.screenshot(path=screenshot)
                browser.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _run_all_cells(page) -> None:
    """Run > Run All Cells, then wait until every code cell shows its execution count (or one
    shows a traceback)."""
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
    page.wait_for_function(  # JupyterLab stops running the cells at the first error
        """() => {
            const notebook = document.querySelector('.jp-Notebook');
            const prompts = [...notebook.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            const outputs = [...notebook.querySelectorAll('.jp-OutputArea-output')];
            return (prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)))
                || outputs.some(o => o.textContent.includes('Traceback'));
        }""", timeout=RUN_TIMEOUT_MS)
    _wait_for_idle_kernel(page)


def _wait_for_idle_kernel(page) -> None:
    """Wait until the status bar says the notebook's kernel is connected and idle."""
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).wait_for()


def _feedback_after(page, index: int, act) -> str:
    """Do ``act`` on question ``index`` and return the feedback line it shows."""
    feedback = page.locator(f".tl-quiz-feedback-{index}")
    before = feedback.inner_text().strip()
    act()
    page.wait_for_function(
        """([selector, before]) => {
            const text = document.querySelector(selector).textContent.trim();
            return text !== '' && text !== before;
        }""", arg=[f".tl-quiz-feedback-{index}", before], timeout=10_000)
    return feedback.inner_text().strip()


def _answer_quiz(page, questions: list) -> list[tuple[str, str]]:
    """Answer the first multiple-choice and the first numeric question wrongly, then rightly,
    through the widgets; return (question, wrong feedback, right feedback) for each."""
    from tlutils.practice import Choice, Number

    answered = []
    choice = next(i for i, q in enumerate(questions) if isinstance(q, Choice))
    question = questions[choice]
    wrong = next(o for i, o in enumerate(question.options) if i != question.answer)

    def pick(option: str):
        exact = re.compile(rf"^\s*{re.escape(option)}\s*$")
        return lambda: page.locator(f".tl-quiz-input-{choice} label").filter(has_text=exact).click()

    answered.append((question, _feedback_after(page, choice, pick(wrong)),
                     _feedback_after(page, choice, pick(question.solution))))
    number = next(i for i, q in enumerate(questions) if isinstance(q, Number))
    question = questions[number]

    def type_and_check(value: str):
        def act():
            page.locator(f".tl-quiz-input-{number} input").fill(value)
            page.locator(".tl-quiz-item", has=page.locator(f".tl-quiz-input-{number}")) \
                .locator("button.tl-quiz-check").click()
        return act

    answered.append((question, _feedback_after(page, number, type_and_check(f"{question.answer + 1:g}")),
                     _feedback_after(page, number, type_and_check(f"{question.answer:,g}"))))
    return answered


def _check_lesson_in_browser(page, port: int, name: str, questions: list) -> None:
    """Open the lesson, run every cell, look for errors, answer the quiz and save the notebook."""
    started = time.monotonic()
    page.goto(f"http://127.0.0.1:{port}/lab/tree/{name}?token={TOKEN}")
    _wait_for_idle_kernel(page)
    print(f"lesson open and kernel idle after {time.monotonic() - started:.1f} s")
    _run_all_cells(page)
    print(f"cells finished after {time.monotonic() - started:.1f} s")
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()
    assert not [o for o in outputs if "Traceback" in o], "a cell shows an error"
    for question, wrong, right in _answer_quiz(page, questions):
        explanations = [question.why, *getattr(question, "reasons", ())]  # a choice explains each option
        assert wrong.startswith("✗ Not quite") and any(e and e in wrong for e in explanations), wrong
        assert right == f"✓ Correct. {question.why}", right
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not [t for t in toasts if NEWS.search(t)], f"a news notification showed: {toasts}"
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=10_000)


def test_a_lesson_runs_in_chromium_through_jupyterlab(chromium, tmp_path, monkeypatch):
    notebook_dir = tmp_path / "notebooks"
    notebook_dir.mkdir()
    notebook, quiz_source = _lesson_copy(notebook_dir)
    questions = _quiz_questions(quiz_source, monkeypatch)
    with lab_page(chromium, notebook_dir, tmp_path / "jupyter", tmp_path / "lesson.png") as (page, port):
        _check_lesson_in_browser(page, port, notebook.name, questions)
    saved = nbformat.read(notebook, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "the UI did not run every cell"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert (tmp_path / "lesson.png").stat().st_size > 10_000
