"""The course in a real browser: `make lab` serves a lesson, Chromium runs it through the UI.

The lesson is the opening of lesson 03 (its title and its setup cell, which imports TensorFlow,
transformers and tlutils) plus a quiz cell, copied into a temporary folder so that the run and
its screenshot touch nothing in notebooks/. The lessons' own cells are nbval's job; this test
checks what only a browser shows: JupyterLab's UI runs them, widgets work, no news pop-up.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

from conftest import ROOT
from test_lab import TOKEN, _free_port, _get

LESSON = ROOT / "notebooks" / "03_bert_tokenization_and_embeddings.ipynb"
LESSON_CELLS = 2  # the title and the setup cell
# A minimal ipywidgets quiz. TODO once tlutils.quiz lands: use the lesson's own closing quiz cell
# instead of this one, and its widgets' labels in answer_quiz().
QUIZ_CELL = '''\
import ipywidgets as widgets
from IPython.display import display

choice = widgets.RadioButtons(options=["(2, 8)", "(2, 128)"], value=None,
                              description="Shape of input_ids with padding=True?")
check = widgets.Button(description="Check")
feedback = widgets.Output()


def on_check(_):
    feedback.clear_output()
    with feedback:
        print("Correct: padding=True pads to the longest text in the batch." if choice.value == "(2, 8)"
              else "Not quite: padding=True pads to the longest text, not to max_length.")


check.on_click(on_check)
display(widgets.VBox([choice, check, feedback]))'''
NEWS = re.compile(r"Jupyter news|newer version|update", re.IGNORECASE)
TIMEOUT_MS = 45_000
RUN_TIMEOUT_MS = 150_000  # about 15 s on a quiet machine; the setup cell imports TensorFlow


def _lesson_copy(folder: Path) -> Path:
    """The opening cells of lesson 03 with no stored outputs, followed by the quiz cell."""
    nb = nbformat.read(LESSON, as_version=4)
    nb.cells = nb.cells[:LESSON_CELLS] + [nbformat.v4.new_markdown_cell("## Quiz"),
                                          nbformat.v4.new_code_cell(QUIZ_CELL)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    path = folder / "lesson.ipynb"
    nbformat.write(nb, path)
    return path


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


def _answer_quiz(page) -> tuple[str, str]:
    """Answer wrongly, then rightly; the feedback shown after each answer."""
    feedback = page.locator(".jp-OutputArea-output .widget-output")
    answers = []
    for option in ("(2, 128)", "(2, 8)"):
        page.locator(".widget-radio-box label", has_text=option).click()
        page.locator("button.jupyter-button", has_text="Check").click()
        expected = "Not quite" if option == "(2, 128)" else "Correct"
        feedback.filter(has_text=expected).wait_for(timeout=10_000)
        answers.append(feedback.inner_text().strip())
    return answers[0], answers[1]


def _check_lesson_in_browser(page, port: int, name: str) -> None:
    """Open the lesson, run every cell, look for errors, answer the quiz and save the notebook."""
    started = time.monotonic()
    page.goto(f"http://127.0.0.1:{port}/lab/tree/{name}?token={TOKEN}")
    _wait_for_idle_kernel(page)
    print(f"lesson open and kernel idle after {time.monotonic() - started:.1f} s")
    _run_all_cells(page)
    print(f"cells finished after {time.monotonic() - started:.1f} s")
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()
    assert not [o for o in outputs if "Traceback" in o], "a cell shows an error"
    wrong, right = _answer_quiz(page)
    assert wrong.startswith("Not quite") and right.startswith("Correct")
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not [t for t in toasts if NEWS.search(t)], f"a news notification showed: {toasts}"
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=10_000)


def test_a_lesson_runs_in_chromium_through_jupyterlab(chromium, tmp_path):
    notebook_dir = tmp_path / "notebooks"
    notebook_dir.mkdir()
    notebook = _lesson_copy(notebook_dir)
    port = _free_port()
    server = _start_lab(notebook_dir, tmp_path / "jupyter", port)
    try:
        _wait_until_serving(server, port)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium,
                                        args=["--no-sandbox", "--no-proxy-server"])
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            try:
                _check_lesson_in_browser(page, port, notebook.name)
            finally:
                page.screenshot(path=tmp_path / "lesson.png")
                browser.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    saved = nbformat.read(notebook, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "the UI did not run every cell"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert (tmp_path / "lesson.png").stat().st_size > 10_000
