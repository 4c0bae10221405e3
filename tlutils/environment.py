"""`tlutils.setup()`: the first call of every notebook.

It chooses the profile, keeps TensorFlow's C++ logs out of the outputs, points every download
cache at one folder, seeds Python, NumPy and TensorFlow, finds the device, and prints one
compact block so a screenshot of the notebook says how it was run.
"""
from __future__ import annotations

import contextlib
import os
import platform
import sys
import tempfile
import warnings
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from . import config as _config
from .config import CACHE_ENV, Config
from .errors import FolderError

_current: Config | None = None
_saved_switches: dict[str, str | None] = {}

HUB_OFFLINE_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")

REPORTED_PACKAGES = ("tensorflow", "keras", "transformers", "tensorflow-datasets")

STAND_IN_LINE = ("offline: pretrained weights without a download: EfficientNet-Lite0 (ImageNet) stands in "
                 "for VGG16 and ResNet50, all-MiniLM-L6-v2 for BERT")


def in_colab() -> bool:
    """True inside Google Colab.

    Example:
        >>> in_colab()
        False
    """
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def package_version(name: str) -> str:
    """Installed version of a distribution, or ``"not installed"``.

    Example:
        >>> package_version("no-such-package-xyz")
        'not installed'
    """
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe_device() -> str:
    """One line naming the accelerator TensorFlow will use (TPU, GPUs, or the CPU)."""
    import tensorflow as tf

    if os.environ.get("COLAB_TPU_ADDR") or os.environ.get("TPU_NAME"):
        return "TPU"
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"{len(gpus)} GPU(s): " + ", ".join(g.name for g in gpus)
    return f"CPU only ({os.cpu_count()} cores)"


@contextlib.contextmanager
def _c_stderr_silenced() -> Iterator[None]:
    """Send what C++ code writes to file descriptor 2 to /dev/null for the block (Python's own
    errors still propagate). TensorFlow 2.21 writes a few C++ log lines (oneDNN, CUDA drivers)
    at import whatever TF_CPP_MIN_LOG_LEVEL says; a terminal or a notebook should not show them."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _quiet_libraries() -> None:
    """Keep library log lines out of the lesson's outputs (errors still show).

    TF_CPP_MIN_LOG_LEVEL and TRANSFORMERS_VERBOSITY only work when set before the import.
    Transformers' notice that its TensorFlow classes are deprecated is hidden too: the course
    pins 4.57.6, the last release with them, on purpose (lesson 03 says so).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if "transformers" in sys.modules:
        sys.modules["transformers"].logging.set_verbosity_error()
    import absl.logging

    if "tensorflow" not in sys.modules:
        with _c_stderr_silenced():
            import keras  # noqa: F401 (imports TensorFlow, the backend)
    import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)  # e.g. tensorflow-datasets' info lines
    tf.get_logger().setLevel("ERROR")
    # Keras 3.15 warns on every fit() with a tf.data input that its own default shuffle=True
    # is ignored; the lessons shuffle in the pipeline, so the warning only confuses.
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed, but will be ignored")


CHOOSE_CACHE = f"choose a writable folder with {CACHE_ENV}=/path/to/folder"


def check_folder(folder: Path, what: str = "The course cache", fix: str = CHOOSE_CACHE) -> Path:
    """Create ``folder`` if needed and make sure files can be written in it.

    Raises :class:`~tlutils.errors.FolderError`: one sentence saying what is wrong with
    ``what`` and then ``fix`` (never a network message: the disk is not the network).

    Example:
        >>> check_folder(Path(tempfile.mkdtemp()) / "new").is_dir()
        True
        >>> check_folder(Path("/dev/null/cache"))
        Traceback (most recent call last):
        ...
        tlutils.errors.FolderError: The course cache /dev/null/cache lies under /dev/null, which is not a folder: choose a writable folder with TLUTILS_CACHE=/path/to/folder.
    """
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        where = "is" if existing == folder else f"lies under {existing}, which is"
        raise FolderError(f"{what} {folder} {where} not a folder: {fix}.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"tlutils")
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise FolderError(f"{what} {folder} is not writable ({reason}): {fix}.") from None
    return folder


_chosen_homes: dict[str, str] = {}  # the cache variables setup() set (a user's own values win)


def _point_keras(folder: str) -> None:
    """Point an already imported Keras at ``folder``: it reads KERAS_HOME once, at its import,
    and a command line or a learner may import it before ``setup()``."""
    config = sys.modules.get("keras.src.backend.config")
    if config is not None and hasattr(config, "_KERAS_DIR"):
        config._KERAS_DIR = folder


def _point_caches(cfg: Config) -> None:
    """Send Keras weights, Hugging Face files and datasets to ``cfg.cache_dir``, unless the
    user already chose a place (KERAS_HOME, HF_HOME, TFDS_DATA_DIR win). Called before
    TensorFlow (and so Keras) is imported: Keras reads KERAS_HOME at its import."""
    check_folder(cfg.cache_dir)
    for name, folder in (("KERAS_HOME", cfg.cache_dir / "keras"), ("HF_HOME", cfg.cache_dir / "huggingface")):
        if os.environ.get(name) in (None, _chosen_homes.get(name)):
            os.environ[name] = _chosen_homes[name] = str(folder)
    _point_keras(os.environ["KERAS_HOME"])
    # Transformers must never try the hub in the offline profile; a later setup() with a real
    # profile in the same process puts back what was there before.
    for name in HUB_OFFLINE_SWITCHES:
        if cfg.offline and name not in _saved_switches:
            _saved_switches[name] = os.environ.get(name)
            os.environ[name] = "1"
        elif not cfg.offline and name in _saved_switches:
            previous = _saved_switches.pop(name)
            if previous is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous


def report(cfg: Config) -> str:
    """The compact block that :func:`setup` prints."""
    versions = " | ".join(f"{n} {package_version(n)}" for n in REPORTED_PACKAGES)
    lines = [
        f"tlutils {package_version('tlutils')} | Python {platform.python_version()} | {versions}",
        f"profile: {cfg.profile} | device: {describe_device()} | Colab: "
        f"{'yes' if in_colab() else 'no'}",
        f"images {cfg.image_size} px | batch {cfg.batch_size} | epochs {cfg.epochs} "
        f"(+{cfg.fine_tune_epochs} fine-tuning) | examples per split: "
        f"{cfg.max_train or 'all'} train, {cfg.max_eval or 'all'} eval | seed {cfg.seed}",
        f"text: {cfg.max_length} tokens | {cfg.text_epochs} epochs | examples: "
        f"{cfg.text_max_train or 'all'} train, {cfg.text_max_eval or 'all'} eval",
    ]
    if cfg.vision_stand_in:
        lines.append(STAND_IN_LINE)
    return "\n".join(lines)


def setup(profile: str | None = None, seed: int = 42, verbose: bool = True) -> Config:
    """Prepare a notebook: profile, quiet logs, caches, network timeouts, seeds, device report.

    The cache folder is checked once here: a folder that cannot be written is reported in one
    sentence (:class:`~tlutils.errors.FolderError`) before any download starts.

    ``profile`` defaults to ``$TLUTILS_PROFILE`` and then to ``"full"``.

    Example:
        >>> cfg = setup("offline", verbose=False)
        >>> (cfg.profile, cfg.offline)
        ('offline', True)
    """
    global _current
    from .downloads import install_notebook_handler, limit_network_waits

    install_notebook_handler()  # first: setup()'s own errors are one sentence too
    cfg = _config.resolve(profile, seed)
    _point_caches(cfg)  # before TensorFlow and Keras are imported
    _quiet_libraries()
    limit_network_waits()
    import keras

    keras.utils.set_random_seed(cfg.seed)  # Python, NumPy and TensorFlow at once
    if verbose:
        print(report(cfg))
    _current = cfg
    return cfg


def current() -> Config:
    """The Config of the last :func:`setup` call (running setup() first if there was none)."""
    return _current if _current is not None else setup(verbose=False)
