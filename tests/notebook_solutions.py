"""Worked solutions in the lessons: markdown cells tagged ``solution`` that fold the code in
``<details>`` (JupyterLab, Colab, GitHub and nbviewer all render it closed). The repository's
conftest.py makes nbval run that code as a cell of the lesson."""
from __future__ import annotations

import re

import nbformat

SOLUTION_TAG = "solution"
_SOLUTION_CODE = re.compile(r"```python\n(.*?)\n```", re.DOTALL)


def solution_code(cell: nbformat.NotebookNode) -> str | None:
    """The code of a folded worked solution, or None for any other cell."""
    if cell.cell_type != "markdown" or SOLUTION_TAG not in cell.metadata.get("tags", []):
        return None
    found = _SOLUTION_CODE.search(cell.source)
    return found.group(1) if found else None


def solutions_as_code(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with each folded solution turned into a code cell, so that nbval runs every
    worked solution (each asserts its own check) in the lesson's kernel."""
    for index, cell in enumerate(nb.cells):
        code = solution_code(cell)
        if code is not None:
            nb.cells[index] = nbformat.v4.new_code_cell(code, metadata={"tags": [SOLUTION_TAG]})
    return nb
