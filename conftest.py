"""Loaded by pytest for every run, a notebook's alone included (tests/conftest.py is loaded only
when tests/ is collected): nbval runs the lessons' folded worked solutions too."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import nbval.plugin

# A progress bar appears only when scoring is slow, so a checked cell's output would depend on the
# machine's load (lesson 04's reload check failed that way on a loaded machine): under pytest it
# never appears, whether the suite or one lesson alone runs. The lessons' kernels inherit it.
os.environ.setdefault("TLUTILS_PROGRESS_AFTER", "inf")
sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
from notebook_solutions import solutions_as_code  # noqa: E402


class _NbformatRunningSolutions:
    """nbformat as nbval's collector sees it: ``read`` also turns folded solutions into code."""

    def __getattr__(self, name):
        return getattr(nbformat, name)

    @staticmethod
    def read(*args, **kwargs):
        return solutions_as_code(nbformat.read(*args, **kwargs))


nbval.plugin.nbformat = _NbformatRunningSolutions()
