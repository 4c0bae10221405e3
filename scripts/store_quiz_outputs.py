"""Re-store the fallback output of every quiz cell in the lessons after a question in
tlutils/practice/questions.toml changed, without re-running the lessons.

Usage: python scripts/store_quiz_outputs.py

The quiz cells show their questions as an interactive widget; the stored output is the static
fallback (HTML and plain text) that GitHub, nbviewer and a reader without a kernel see, and that
nbval compares. (It replaces the one-off script of issue 21 that first wrote the Practice sections;
git history keeps that script.)
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def restore_quiz_outputs(path: Path) -> None:
    """Store the current fallback of every quiz cell of a notebook (its questions may have changed
    since it last ran), keeping its execution count."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "tlutils.practice.show_quiz(" not in cell.source or not cell.outputs:
            continue
        namespace: dict = {}
        exec("import tlutils\n" + cell.source, namespace)  # the course's own cell; show_quiz() only builds it here
        built = namespace.get("quiz") or namespace.get("prediction")
        cell.outputs[0]["data"] = {"text/html": built.to_html(), "text/plain": built.to_text()}
    nbformat.write(nb, path)


if __name__ == "__main__":
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        restore_quiz_outputs(notebook)
