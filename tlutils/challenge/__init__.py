"""The Oxford Flowers-102 challenge: feature extraction vs fine-tuning vs training from scratch.

From Python (lesson 06)::

    from tlutils import challenge
    results = challenge.run()                 # results in <cache>/results/flowers102-<profile>

From a shell::

    python -m tlutils.challenge [--out results/flowers102] [--approaches scratch] [--xla]

Each approach reports top-1 and mean per-class test accuracy, training time, epochs, trainable
and frozen parameters. A run that is cut off resumes where it stopped when started again with
the same ``out_dir``: finished approaches are not re-run, and a running one continues from its
last finished epoch (Keras ``BackupAndRestore``); cached features are kept per view.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras

from ..config import Config
from ..distribute import describe, pick_strategy
from ..environment import current
from .approaches import APPROACHES, RUNNERS, Context
from .pipeline import load_flowers102
from .report import markdown_table, write_report
from .sizes import SIZES, ChallengeSizes, estimate_t4_minutes

__all__ = ["APPROACHES", "SIZES", "ChallengeSizes", "default_out_dir", "estimate_t4_minutes",
           "markdown_table", "run"]


def _check_same_run(out_dir: Path, header: dict[str, Any]) -> None:
    """Refuse to mix results of different sizes in one folder (nothing is deleted)."""
    path = out_dir / "run.json"
    if path.exists():
        before = json.loads(path.read_text())
        if before != header:
            raise ValueError(f"{out_dir} holds a run with other settings ({before}); resume it with "
                             "those settings or choose another output folder.")
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(header, indent=2))


def _use_mixed_precision() -> bool:
    """Mixed precision where it pays: on GPUs."""
    import tensorflow as tf

    if tf.config.list_logical_devices("GPU"):
        keras.mixed_precision.set_global_policy("mixed_float16")
        return True
    return False


def default_out_dir(cfg: Config | None = None) -> Path:
    """Where a profile's results go by default: ``<cache>/results/flowers102-<profile>``."""
    cfg = cfg or current()
    return cfg.cache_dir / "results" / f"flowers102-{cfg.profile}"


def run(approaches: Sequence[str] = APPROACHES, out_dir: str | Path | None = None,
        cfg: Config | None = None, sizes: ChallengeSizes | None = None, jit_compile: bool = False,
        devices: list[str] | None = None,
        extra_callbacks: Sequence[keras.callbacks.Callback] = ()) -> dict[str, dict[str, Any]]:
    """Run (or resume) the chosen approaches and write the report into ``out_dir``
    (default: :func:`default_out_dir`).

    ``sizes`` defaults to the profile's (:data:`SIZES`); ``jit_compile`` opts in to XLA;
    ``devices`` forces a MirroredStrategy over those devices; ``extra_callbacks`` are added to
    every training stage (the tests use one to simulate an interruption).
    """
    unknown = set(approaches) - set(APPROACHES)
    if unknown:
        raise ValueError(f"Unknown approach(es) {sorted(unknown)}: choose from {', '.join(APPROACHES)}.")
    cfg = cfg or current()
    sizes = sizes or SIZES[cfg.profile]
    out_dir = Path(out_dir) if out_dir else default_out_dir(cfg)
    header = {"dataset": "oxford_flowers102", "profile": cfg.profile, "seed": cfg.seed,
              "sizes": dataclasses.asdict(sizes)}
    _check_same_run(out_dir, header)
    strategy = pick_strategy(devices)
    mixed = _use_mixed_precision()
    print(f"Flowers-102 challenge | profile {cfg.profile} | {describe(strategy)} | mixed precision: "
          f"{'on' if mixed else 'off'} | XLA: {'on' if jit_compile else 'off'} | results: {out_dir}")
    try:
        data = load_flowers102(cfg, sizes)
        ctx = Context(sizes, data, strategy, out_dir, cfg.weights, cfg.seed, jit_compile, extra_callbacks)
        results = {}
        for number, name in enumerate(approaches, 1):
            done = out_dir / name / "result.json"
            if done.exists():
                print(f"[{number}/{len(approaches)}] {name}: finished earlier, not re-run")
            else:
                print(f"[{number}/{len(approaches)}] {name}: running", flush=True)
                partial = done.with_suffix(".partial")  # never leave a half-written result
                partial.write_text(json.dumps(RUNNERS[name](ctx), indent=2))
                partial.replace(done)
            results[name] = json.loads(done.read_text())
        write_report(out_dir, header, results)
    finally:
        if mixed:
            keras.mixed_precision.set_global_policy("float32")
    return results
