"""Run (or resume) the challenge's approaches in one results folder and write the report."""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras

from ..config import Config
from ..distribute import describe, pick_strategy
from ..environment import check_folder, current, in_colab
from ..errors import InputError
from ..files import read_json, write_json
from .approaches import APPROACHES, RUNNERS, Context
from .pipeline import load_flowers102
from .report import write_report
from .sizes import SIZES, ChallengeSizes

OTHER_FOLDER = "choose another output folder with --out (out_dir= in Python)"
DRIVE_ROOT = Path("/content/drive")  # where Colab mounts the learner's Google Drive


def _check_same_run(out_dir: Path, header: dict[str, Any]) -> None:
    """Refuse to mix results of different sizes in one folder (nothing is deleted)."""
    check_folder(out_dir, "The results folder", OTHER_FOLDER)
    path = out_dir / "run.json"
    if path.exists():
        before = read_json(path, f"delete it to reuse {out_dir} with these settings, or {OTHER_FOLDER}")
        if before != header:
            raise InputError(f"{out_dir} holds a run with other settings ({before}); resume it with "
                               f"those settings or {OTHER_FOLDER}.")
    else:
        write_json(path, header)


def finished_results(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Every approach finished in ``out_dir`` (by this run or an earlier one), in the usual order."""
    fix = "delete it to run that approach again"
    return {name: read_json(out_dir / name / "result.json", fix) for name in APPROACHES
            if (out_dir / name / "result.json").exists()}


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


def run_folder(cfg: Config | None = None, on_drive: bool = False, drive_root: Path = DRIVE_ROOT) -> Path:
    """Lesson 06's results folder: :func:`default_out_dir`, or, on Colab and only when asked
    (``on_drive=True``), a folder in the learner's Google Drive, mounted here (Colab asks for
    permission), so that the run and its cached features outlive a disconnected session.

    Outside Colab ``on_drive`` is ignored with one sentence: there is no Drive to mount.

    Example:
        >>> from ..config import PROFILES
        >>> run_folder(PROFILES["offline"]).name
        'flowers102-offline'
    """
    cfg = cfg or current()
    if not on_drive:
        return default_out_dir(cfg)
    if not in_colab():
        print(f"Google Drive is offered on Colab only; the run stays in {default_out_dir(cfg)}.")
        return default_out_dir(cfg)
    from google.colab import drive  # pragma: no cover - Colab only (the tests fake it)

    drive.mount(str(drive_root))
    return drive_root / "MyDrive" / "tlutils" / "results" / f"flowers102-{cfg.profile}"


def run(approaches: Sequence[str] = APPROACHES, out_dir: str | Path | None = None,
        cfg: Config | None = None, sizes: ChallengeSizes | None = None, jit_compile: bool = False,
        devices: list[str] | None = None,
        extra_callbacks: Sequence[keras.callbacks.Callback] = ()) -> dict[str, dict[str, Any]]:
    """Run (or resume) the chosen approaches and write the report into ``out_dir``
    (default: :func:`default_out_dir`). Returns, and reports, every approach finished in
    ``out_dir``: re-running one approach keeps the others' results in the report.

    ``sizes`` defaults to the profile's (:data:`SIZES`); ``jit_compile`` opts in to XLA;
    ``devices`` forces a MirroredStrategy over those devices; ``extra_callbacks`` are added to
    every training stage (the tests use one to simulate an interruption).
    """
    unknown = set(approaches) - set(APPROACHES)
    if unknown:
        raise InputError(f"Unknown approach(es) {sorted(unknown)}: choose from {', '.join(APPROACHES)}.")
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
        ctx = Context(sizes, data, strategy, out_dir, cfg, jit_compile, extra_callbacks)
        for number, name in enumerate(approaches, 1):
            done = out_dir / name / "result.json"
            if done.exists():
                print(f"[{number}/{len(approaches)}] {name}: finished earlier, not re-run")
            else:
                print(f"[{number}/{len(approaches)}] {name}: running", flush=True)
                write_json(done, RUNNERS[name](ctx))  # never a half-written result
        results = finished_results(out_dir)  # the report always holds every finished approach
        write_report(out_dir, header, results)
    finally:
        if mixed:
            keras.mixed_precision.set_global_policy("float32")
    return results
