"""The Oxford Flowers-102 challenge: feature extraction vs fine-tuning vs training from scratch.

From Python (lesson 06)::

    from tlutils import challenge
    results = challenge.run()                 # results in <cache>/results/flowers102-<profile>

(lesson 06 writes the three approaches in its cells and passes them: ``run(runners=...)``).

From a shell::

    python -m tlutils.challenge [--out results/flowers102] [--approaches scratch] [--xla]

Each approach reports top-1 and mean per-class test accuracy, training time, epochs, trainable
and frozen parameters. A run that is cut off resumes where it stopped when started again with
the same ``out_dir``: finished approaches are not re-run, and a running one continues from its
last recorded epoch (:mod:`~tlutils.challenge.state`: every file written whole, finished training
saved before it is scored, one run per folder at a time); cached features are kept per view.
"""
from __future__ import annotations

import importlib
from typing import Any

from .sizes import APPROACHES, SIZES, ChallengeSizes, estimate_t4_minutes

__all__ = ["APPROACHES", "SIZES", "ChallengeSizes", "default_out_dir", "estimate_t4_minutes",
           "markdown_table", "run", "run_folder"]

# Imported on first use: they import TensorFlow, which `python -m tlutils.challenge --help`
# must not wait for (nor print its log lines).
_LAZY = {"run": "runner", "default_out_dir": "runner", "run_folder": "runner", "RUNNERS": "approaches",
         "markdown_table": "report"}


def __getattr__(name: str) -> Any:
    """``run``, ``default_out_dir``, ``run_folder``, ``markdown_table`` and the submodules, on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    if name in {"approaches", "pipeline", "report", "runner", "sizes"}:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
