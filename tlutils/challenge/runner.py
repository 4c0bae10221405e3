"""Run (or resume) the challenge's approaches in one results folder and write the report."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import keras

from ..config import Config
from ..distribute import describe, pick_strategy
from ..environment import check_folder, current, in_colab
from ..errors import FolderError, InputError
from ..files import is_disk_full, read_json, write_json
from .approaches import APPROACHES, RUNNERS, Context
from .pipeline import load_flowers102
from .report import write_report
from .sizes import SIZES, ChallengeSizes
from .state import remove_partial_files, results_lock

Runner = Callable[[Context], dict[str, Any]]  # one approach: its result, from the run's context
OTHER_FOLDER = "choose another output folder with --out (out_dir= in Python)"
DRIVE_ROOT = Path("/content/drive")
# Offline, where Flowers-102 cannot be downloaded, the course's tf_flowers photos stand in.
OFFLINE_DATASET = "tf_flowers (the course's 600 photos, 200 / 100 / 300)"  # where Colab mounts the learner's Google Drive


def _check_same_run(out_dir: Path, header: dict[str, Any]) -> None:
    """Refuse to mix results of different sizes in one folder (nothing is deleted)."""
    path = out_dir / "run.json"
    if path.exists():
        before = read_json(path, f"delete it to reuse {out_dir} with these settings, or {OTHER_FOLDER}")
        if before != header:
            raise InputError(f"{out_dir} holds a run with other settings ({before}); resume it with "
                               f"those settings or {OTHER_FOLDER}.")
    else:
        write_json(path, header)


def describe_sizes(sizes: ChallengeSizes) -> str:
    """One line of the run's own sizes (not the lessons' ones that ``setup()`` prints).

    Example:
        >>> describe_sizes(SIZES["quick"])
        'images 224 px | batch 32 | images per split: all train, all eval | 3 augmented views | epochs: head 20, fine-tuning 15, scratch 100'
    """
    return (f"images {sizes.image_size} px | batch {sizes.batch_size} | images per split: "
            f"{sizes.max_train or 'all'} train, {sizes.max_eval or 'all'} eval | {sizes.views} augmented views | "
            f"epochs: head {sizes.head_epochs}, fine-tuning {sizes.fine_tune_epochs}, scratch {sizes.scratch_epochs}")


def finished_results(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Every approach finished in ``out_dir`` (by this run or an earlier one), in the usual order."""
    return {name: read_json(out_dir / name / "result.json", f"delete the folder {out_dir / name} to run that "
                            "approach again") for name in APPROACHES if (out_dir / name / "result.json").exists()}


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
        devices: list[str] | None = None, extra_callbacks: Sequence[keras.callbacks.Callback] = (),
        runners: Mapping[str, Runner] | None = None) -> dict[str, dict[str, Any]]:
    """Run (or resume) the chosen approaches and write the report into ``out_dir``
    (default: :func:`default_out_dir`). Returns, and reports, every approach finished in
    ``out_dir``: re-running one approach keeps the others' results in the report.

    ``sizes`` defaults to the profile's (:data:`SIZES`); ``jit_compile`` opts in to XLA;
    ``devices`` forces a MirroredStrategy over those devices; ``extra_callbacks`` are added to
    every training stage (the tests use one to simulate an interruption). ``runners`` maps an
    approach's name to the function that runs it (default: :data:`~.approaches.RUNNERS`): lesson 06
    passes the approaches its cells write, the same code (tests/test_lesson_code.py).
    """
    unknown = (set(approaches) | set(runners or {})) - set(APPROACHES)
    if unknown:
        raise InputError(f"Unknown approach(es) {sorted(unknown)}: choose from {', '.join(APPROACHES)}.")
    cfg = cfg or current()
    sizes = sizes or SIZES[cfg.profile]
    out_dir = Path(out_dir) if out_dir else default_out_dir(cfg)
    header = {"dataset": OFFLINE_DATASET if cfg.offline else "oxford_flowers102", "profile": cfg.profile, "seed": cfg.seed,
              "sizes": dataclasses.asdict(sizes)}
    check_folder(out_dir, "The results folder", OTHER_FOLDER)
    with results_lock(out_dir, OTHER_FOLDER):
        _check_same_run(out_dir, header)
        remove_partial_files(out_dir)  # what a killed run was writing
        try:
            return _run(approaches, out_dir, cfg, sizes, header, jit_compile, devices, extra_callbacks,
                        {**RUNNERS, **(runners or {})})
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            raise FolderError(f"The disk holding {out_dir} is full: {RERUN}.") from None


RERUN = "free some space and run the same command again (it resumes from the last recorded epoch)"


def _run(approaches: Sequence[str], out_dir: Path, cfg: Config, sizes: ChallengeSizes, header: dict[str, Any],
         jit_compile: bool, devices: list[str] | None, extra_callbacks: Sequence[keras.callbacks.Callback],
         runners: Mapping[str, Runner]) -> dict[str, dict[str, Any]]:
    """:func:`run`, once the folder is held: train what is not finished, then report."""
    strategy = pick_strategy(devices)
    mixed = _use_mixed_precision()
    print(f"Flowers-102 challenge | profile {cfg.profile} | {describe(strategy)} | mixed precision: "
          f"{'on' if mixed else 'off'} | XLA: {'on' if jit_compile else 'off'} | results: {out_dir}\n"
          f"{describe_sizes(sizes)}")
    try:
        data = load_flowers102(cfg, sizes)
        ctx = Context(sizes, data, strategy, out_dir, cfg, jit_compile, extra_callbacks)
        for number, name in enumerate(approaches, 1):
            done = out_dir / name / "result.json"
            if done.exists():
                print(f"[{number}/{len(approaches)}] {name}: finished earlier, not re-run")
            else:
                print(f"[{number}/{len(approaches)}] {name}: running", flush=True)
                write_json(done, runners[name](ctx))  # never a half-written result
        results = finished_results(out_dir)  # the report always holds every finished approach
        write_report(out_dir, header, results)
    finally:
        if mixed:
            keras.mixed_precision.set_global_policy("float32")
    return results
