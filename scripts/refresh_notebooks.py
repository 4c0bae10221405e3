"""Re-run notebooks in the offline profile and keep only the outputs that nbval checks.

Usage: TLUTILS_PROFILE=offline python scripts/refresh_notebooks.py notebooks/*.ipynb
(`make notebooks` does exactly this.)

Why strip the rest: an offline run has random weights and mock images, so its plots and
accuracies would mislead a reader of the notebook on GitHub. Cells tagged
``nbval-check-output`` print only what is the same in every profile, so their outputs stay,
with an execution count (nbval refuses stored outputs on a cell that was never run).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tag_checked_cells import CHECK_TAG, tag_notebook


def is_checked(cell: nbformat.NotebookNode) -> bool:
    """True for a code cell whose outputs nbval compares."""
    return cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", [])


def keep_checked_outputs(nb: nbformat.NotebookNode) -> None:
    """Clear every output but the checked cells' stdout/results; number the checked cells."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            count += 1
            cell.execution_count = count
            cell.outputs = [o for o in cell.outputs
                            if not (o.output_type == "stream" and o.name == "stderr")]
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
        else:
            cell.execution_count = None
            cell.outputs = []
    nb.metadata.pop("widgets", None)


def refresh(path: Path, timeout: int = 900) -> None:
    """Execute ``path`` in its own folder with the offline profile and save it stripped."""
    tag_notebook(path)  # a cell still marked with a `# NBVAL_...` comment line gets its tag
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    if errors:
        raise SystemExit(f"{path}: a cell raised {errors[0].ename}: {errors[0].evalue}")
    keep_checked_outputs(nb)
    nbformat.write(nb, path)
    print(f"refreshed {path}")


def main(paths: list[str]) -> None:
    if os.environ.get("TLUTILS_PROFILE") != "offline":
        raise SystemExit("Run with TLUTILS_PROFILE=offline (make notebooks sets it).")
    for name in paths:
        refresh(Path(name))


if __name__ == "__main__":
    main(sys.argv[1:])
