"""tlutils: the companion package of the transfer-learning course.

Every notebook starts with::

    import tlutils
    cfg = tlutils.setup()      # reads TLUTILS_PROFILE: full (default), quick or offline

Modules are imported lazily, so ``import tlutils`` stays fast and ``setup()`` can quiet
TensorFlow's logs before TensorFlow is first imported.
"""
from __future__ import annotations

import importlib
from typing import Any

from .config import PROFILES, Config
from .downloads import DownloadError
from .environment import current, setup
from .params import ParamCounts, count_params

__all__ = ["PROFILES", "Config", "DownloadError", "ParamCounts", "count_params", "current",
           "setup", "adapters", "bootstrap", "data", "features", "gradients", "layers", "lite0",
           "models", "plots", "practice", "seed_runs", "text", "widgets"]

_SUBMODULES = {"adapters", "bootstrap", "data", "features", "gradients", "layers", "lite0",
               "models", "plots", "practice", "seed_runs", "text", "widgets"}


def __getattr__(name: str) -> Any:
    """Import ``tlutils.data`` and friends on first use (they import TensorFlow)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'tlutils' has no attribute {name!r}")
