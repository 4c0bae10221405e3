"""Move nbval's comment markers out of the lessons' code and into cell tags.

Usage: python scripts/tag_checked_cells.py [notebooks/*.ipynb]   (default: every lesson)

A line ``# NBVAL_CHECK_OUTPUT`` at the top of a cell tells nbval to compare the cell's output,
but it is noise in the code a learner reads. nbval 0.11 reads the same instruction from the
cell's tags (the marker in lower case with dashes: ``nbval-check-output``), also under
``--nbval-lax``. This script deletes every nbval marker line from the code cells and adds the
matching tag; it leaves everything else (sources, outputs, ids) alone.

Idempotent: a second run finds no marker and writes nothing, so it can be re-run after merging
notebooks that still carry comment markers.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
# nbval's comment markers (nbval.plugin.comment_markers) and the cell tag each one becomes.
MARKER_TAGS = {marker: marker.lower().replace("_", "-") for marker in
               ("NBVAL_CHECK_OUTPUT", "NBVAL_IGNORE_OUTPUT", "NBVAL_RAISES_EXCEPTION", "NBVAL_SKIP")}
CHECK_TAG = MARKER_TAGS["NBVAL_CHECK_OUTPUT"]
MARKER_LINE = re.compile(r"\s*#+\s*(NBVAL_[A-Z_]+)\s*")


def markers_in(source: str) -> list[str]:
    """The nbval markers written as comment lines in ``source``.

    >>> markers_in("# NBVAL_CHECK_OUTPUT\\nprint(1)  # NBVAL_SKIP is not a line of its own")
    ['NBVAL_CHECK_OUTPUT']
    """
    return [m.group(1) for line in source.splitlines() if (m := MARKER_LINE.fullmatch(line))]


def move_markers_to_tags(cell: nbformat.NotebookNode) -> bool:
    """Turn the nbval comment lines of one code cell into tags; True if the cell changed.

    >>> cell = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\\nprint(2 + 2)")
    >>> move_markers_to_tags(cell), cell.source, cell.metadata.tags
    (True, 'print(2 + 2)', ['nbval-check-output'])
    >>> move_markers_to_tags(cell)
    False
    """
    found = markers_in(cell.source) if cell.cell_type == "code" else []
    if not found:
        return False
    unknown = sorted(set(found) - MARKER_TAGS.keys())
    if unknown:
        raise ValueError(f"Unknown nbval marker {unknown[0]} (known: {', '.join(MARKER_TAGS)}).")
    tags = cell.metadata.setdefault("tags", [])
    tags.extend(MARKER_TAGS[m] for m in dict.fromkeys(found) if MARKER_TAGS[m] not in tags)
    lines = [line for line in cell.source.splitlines() if not MARKER_LINE.fullmatch(line)]
    cell.source = "\n".join(lines).strip("\n")
    return True


def tag_notebook(path: Path) -> int:
    """Move the markers of every cell of the notebook at ``path``; rewrite it only if one moved."""
    nb = nbformat.read(path, as_version=4)
    changed = sum(move_markers_to_tags(cell) for cell in nb.cells)
    if changed:
        nbformat.write(nb, path)
    return changed


def main(paths: list[str]) -> None:
    """Tag the notebooks named in ``paths`` (all of ``notebooks/`` when none is named)."""
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in notebooks:
        print(f"{path}: {tag_notebook(path)} cell(s) tagged")


if __name__ == "__main__":
    main(sys.argv[1:])
