"""Write the course's setup cell (Colab install + ``tlutils.setup()``) into every notebook.

Usage: python scripts/colab_setup_cell.py [notebooks/*.ipynb]   (default: every lesson)

The setup cell is the notebook's first code cell; this script replaces its source with
``setup_cell_source()`` and leaves every other cell, and that cell's outputs, alone. The
install address is ``[project.urls] Repository`` in pyproject.toml, so a fork changes one line
and re-runs this script. Idempotent: a notebook whose setup cell is already current is not
rewritten.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

SETUP_CELL = '''\
# Setup. On Colab the first run installs tlutils. Its version ranges admit Colab's own TensorFlow,
# transformers, huggingface_hub and torch, and a constraint file holds those four at the versions
# Colab has, so pip never replaces them: it adds only small pure-Python packages (keras and
# keras-hub upgraded to the releases KerasHub's BERT conversion needs, and what they pin).
# If Colab asks you to restart, restart and run the cells again; the install is skipped then.
# Locally, `make lab` installed everything.
import importlib.util
import sys

if "google.colab" in sys.modules and importlib.util.find_spec("tlutils") is None:
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    kept = []
    for name in ("tensorflow", "transformers", "huggingface_hub", "torch"):
        try:
            kept.append(f"{{name}}=={{version(name)}}")
        except PackageNotFoundError:
            pass
    Path("colab-keeps.txt").write_text("\\n".join(kept) + "\\n")
    %pip install -q -c colab-keeps.txt "tlutils @ git+{repo_url}"

import tlutils

cfg = tlutils.setup()'''


def repository_url(root: Path = ROOT) -> str:
    """The repository the notebooks install ``tlutils`` from (pyproject's ``Repository`` URL)."""
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def setup_cell_source(repo_url: str) -> str:
    """The first code cell of every lesson, installing from ``repo_url`` on Colab.

    >>> 'git+https://github.com/me/fork"' in setup_cell_source("https://github.com/me/fork")
    True
    """
    return SETUP_CELL.format(repo_url=repo_url)


def write_setup_cell(path: Path, repo_url: str) -> bool:
    """Replace the source of the first code cell of ``path``; True if the notebook changed."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    source = setup_cell_source(repo_url)
    if cell.source == source:
        return False
    cell.source = source
    nbformat.write(nb, path)
    return True


def main(paths: list[str]) -> None:
    """Update the notebooks named in ``paths`` (all of ``notebooks/`` when none is named)."""
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    url = repository_url()
    for path in notebooks:
        print(f"{path}: {'updated' if write_setup_cell(path, url) else 'already current'}")


if __name__ == "__main__":
    main(sys.argv[1:])
