"""Re-run notebooks in the offline profile and keep the outputs a reader may trust.

Usage: TLUTILS_PROFILE=offline python scripts/refresh_notebooks.py notebooks/*.ipynb
(`make notebooks` does exactly this.)

Two kinds of notebook:

* Lessons whose offline run is real (real pretrained weights on real data: every lesson since
  EfficientNet-Lite0 stands in for VGG16 and ResNet50 offline) name that run in their metadata, ``"tlutils": {"stored_run": {...}}`` (profile,
  models, data). They keep every output, figures included (small PNGs), so a reader on GitHub
  sees real results; the cell tagged ``stored-run-label`` is rewritten to say which run made
  them and when. Widget views are dropped (they need a live kernel).
* A lesson without that metadata keeps only the outputs of cells tagged
  ``nbval-check-output``, which print what is the same in every profile (for a lesson whose
  offline run would not be real: its other outputs would show what no real run computed).

Every kept output has an execution count (nbval refuses stored outputs on a cell never run).
"""
from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tag_checked_cells import CHECK_TAG, tag_notebook


def is_checked(cell: nbformat.NotebookNode) -> bool:
    """True for a code cell whose outputs nbval compares."""
    return cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", [])


LABEL_TAG = "stored-run-label"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def stored_run(nb: nbformat.NotebookNode) -> dict | None:
    """The run a notebook's stored outputs come from, or None when it keeps only checked ones."""
    return nb.metadata.get("tlutils", {}).get("stored_run")


def label_text(run: dict) -> str:
    """The markdown that names the run behind a notebook's stored outputs."""
    return (f"**About the stored outputs.** They come from running this notebook in the "
            f"`{run['profile']}` profile on {run['date']}: {run['models']}, on {run['data']}. "
            "These are real pretrained weights on real data in every profile, so your run gives "
            "the same checked outputs; timings and the last digits of other numbers may differ. "
            f"The run took {run['seconds']:.0f} s on a 2-core CPU without a GPU (load average "
            f"{run['load']:.1f} at its start), " + (
                "the lessons run one after another by `make notebooks` in one course cache, empty before "
                "the first." if run["together"] else "this lesson run alone in an empty course cache."))


def drop_widget_view(output: nbformat.NotebookNode) -> None:
    """Remove a widget's live view from an output, keeping its HTML/text fallback (a quiz)."""
    output.get("data", {}).pop(WIDGET_VIEW, None)


def _trusted(outputs: list, count: int) -> list:
    """A cell's outputs without stderr and live widget views, numbered ``count``."""
    kept = []
    for output in outputs:
        if output.output_type == "stream" and output.name == "stderr":
            continue
        was_widget = WIDGET_VIEW in output.get("data", {})
        drop_widget_view(output)
        if "data" in output and (not output.data or (was_widget and "text/html" not in output.data)):
            continue  # a live widget with no static view (a progress bar frozen where it was drawn)
        if "execution_count" in output:
            output.execution_count = count
        kept.append(output)
    return kept


def shorten_cache_paths(nb: nbformat.NotebookNode, cache: str | None) -> None:
    """Print the course cache of this run as the default a learner has, ``~/.cache/tlutils``
    (the refresh runs in a temporary cache, whose path means nothing to a reader)."""
    if not cache:
        return
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                output.text = output.text.replace(cache.rstrip("/"), "~/.cache/tlutils")


def keep_trusted_outputs(nb: nbformat.NotebookNode, run: dict | None) -> None:
    """Keep what a reader may trust and number those cells: every code cell's outputs after a
    real ``run`` (whose label cell is rewritten), else only the checked cells' outputs."""
    count = 0
    for cell in nb.cells:
        if run and cell.cell_type == "markdown" and LABEL_TAG in cell.metadata.get("tags", []):
            cell.source = label_text(run)
        if cell.cell_type != "code":
            continue
        if run is None and not is_checked(cell):
            cell.execution_count = None
            cell.outputs = []
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = _trusted(cell.outputs, count)
    nb.metadata.pop("widgets", None)


def refresh(path: Path, together: bool, timeout: int = 900) -> None:
    """Execute ``path`` in its own folder with the offline profile and save it stripped
    (``together``: after other lessons in the same course cache, as `make notebooks` runs them)."""
    tag_notebook(path)  # a cell still marked with a `# NBVAL_...` comment line gets its tag
    nb = nbformat.read(path, as_version=4)
    # Small figures keep the stored notebooks small: the kernel reads this matplotlibrc.
    rc = Path(__file__).with_name("stored_figures.matplotlibrc")
    os.environ["MATPLOTLIBRC"] = str(rc)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    began, load = time.perf_counter(), os.getloadavg()[0]
    client.execute()
    seconds = time.perf_counter() - began
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    if errors:
        raise SystemExit(f"{path}: a cell raised {errors[0].ename}: {errors[0].evalue}")
    run = stored_run(nb)
    if run is not None:
        run["date"] = datetime.date.today().isoformat()
        run["seconds"] = round(seconds, 1)
        run["load"], run["together"] = round(load, 1), together
    keep_trusted_outputs(nb, run)
    shorten_cache_paths(nb, os.environ.get("TLUTILS_CACHE"))
    nbformat.write(nb, path)
    print(f"refreshed {path}")


def main(paths: list[str]) -> None:
    if os.environ.get("TLUTILS_PROFILE") != "offline":
        raise SystemExit("Run with TLUTILS_PROFILE=offline (make notebooks sets it).")
    for name in paths:
        refresh(Path(name), together=len(paths) > 1)


if __name__ == "__main__":
    main(sys.argv[1:])
