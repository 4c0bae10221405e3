"""Keras layers that a saved model carries, so that it takes photos as they are.

Lesson 01 wraps its trained classifier with resizing and VGG16's ``preprocess_input`` and
saves it in the Keras format: whoever loads it (a later lesson, an app) feeds RGB photos of
any size in 0-255 and need not know how VGG16 wants its inputs. Importing ``tlutils``
registers the layer, so ``keras.saving.load_model`` finds it without ``safe_mode=False``
(a ``Lambda`` layer would need that, since it stores Python bytecode).

Saved models and weights are written whole or not at all (:func:`save_model`,
:func:`save_weights`), and a missing, truncated or damaged file, or weights that are not finite
numbers, are refused in one sentence naming the file and the fix (:func:`load_model`,
:func:`load_weights`).
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import keras
import numpy as np

from .errors import DataFileError
from .files import atomic_path
from .models import preprocess_input

# keras.applications modules whose preprocess_input this layer may call.
APPLICATIONS = ("vgg16", "vgg19", "resnet50", "resnet", "mobilenet_v2", "efficientnet", "xception",
                "inception_v3", "densenet", "convnext")


@keras.saving.register_keras_serializable(package="tlutils")
class PreprocessInput(keras.layers.Layer):
    """``keras.applications.<application>.preprocess_input`` as a layer that saves with the model.

    Example:
        >>> import numpy as np
        >>> print(np.asarray(PreprocessInput("vgg16")(np.array([[[[255.0, 0.0, 0.0]]]]))).round(2))  # B, G, R
        [[[[-103.94 -116.78  131.32]]]]
    """

    def __init__(self, application: str = "vgg16", **kwargs: Any) -> None:
        if application not in APPLICATIONS:
            raise ValueError(f"Unknown application {application!r}: choose one of {', '.join(APPLICATIONS)}.")
        super().__init__(**kwargs)
        self.application = application
        self._preprocess = preprocess_input(application)

    def call(self, images: Any) -> Any:
        """Preprocess a batch of RGB images in 0-255."""
        return self._preprocess(keras.ops.cast(images, "float32"))

    def get_config(self) -> dict[str, Any]:
        """The layer's settings, so that the saved model rebuilds it."""
        return {**super().get_config(), "application": self.application}


RESAVE = "run the cell that saved it again"


def _reason(exc: BaseException) -> str:
    """An exception's first line, short enough for a sentence."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def check_finite(model: keras.Model, path: Path, fix: str = RESAVE) -> keras.Model:
    """``model``, if every weight it loaded from ``path`` is a finite number; else one sentence.

    Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="head")])
        >>> model.layers[0].bias.assign([float("nan")])  # doctest: +ELLIPSIS
        <...>
        >>> check_finite(model, Path("m.keras"))
        Traceback (most recent call last):
        ...
        tlutils.errors.DataFileError: m.keras holds weights that are not finite numbers (NaN or infinity in head): run the cell that saved it again.
    """
    for weight in model.weights:
        if not np.isfinite(keras.ops.convert_to_numpy(weight)).all():
            where = weight.path.split("/")[-2] if "/" in weight.path else weight.path  # the layer's name
            raise DataFileError(f"{path} holds weights that are not finite numbers (NaN or infinity in {where}): "
                                f"{fix}.")
    return model


def _check_file(path: Path, fix: str) -> None:
    """A missing file, or a ``.keras`` archive that is cut short or altered (its CRCs), is named."""
    if not path.is_file():
        raise DataFileError(f"{path} does not exist{' (it is a folder)' if path.is_dir() else ''}: {fix}.")
    if path.suffix == ".keras":
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise DataFileError(f"{path} is damaged (cut short or not a Keras file: {_reason(exc)}): {fix}.") from None
        if bad is not None:
            raise DataFileError(f"{path} is damaged (its part {bad} does not match its checksum): {fix}.")


def load_model(path: Any, fix: str = RESAVE) -> keras.Model:
    """``keras.saving.load_model`` with this module's layers registered (safe mode stays on).

    Importing this module is what registers :class:`PreprocessInput`; a fresh session that
    loads a saved lesson model calls this instead of remembering to import it first. A missing,
    truncated or damaged file, or weights that are not finite, raise one sentence
    (:class:`~tlutils.errors.DataFileError`) naming the file and ``fix``.
    """
    path = Path(path)
    _check_file(path, fix)
    try:
        model = keras.saving.load_model(path)
    except Exception as exc:  # Keras and h5py word damage many ways; the file is what matters
        raise DataFileError(f"{path} could not be loaded ({_reason(exc)}): {fix}.") from None
    return check_finite(model, path, fix)


def save_model(model: keras.Model, path: Any) -> Path:
    """``model.save(path)``, written whole or not at all: a full disk or an interruption leaves
    the previous file (or none), never half of one (see :func:`tlutils.files.atomic_path`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, "free some space and run the cell again") as partial:
        model.save(partial)
    return path


def save_weights(model: keras.Model, path: Path) -> Path:
    """``model.save_weights(path)`` (a ``.weights.h5`` file), written whole or not at all."""
    with atomic_path(path) as partial:
        model.save_weights(partial)
    return path


def load_weights(model: keras.Model, path: Path, fix: str) -> keras.Model:
    """``model.load_weights(path)``; a missing or damaged file, or weights that are not finite,
    raise one sentence naming the file and ``fix``."""
    _check_file(path, fix)
    if getattr(model, "optimizer", None) is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)  # the file holds the optimizer's state too
    try:
        model.load_weights(path)
    except Exception as exc:  # h5py's OSError on a cut file, Keras' ValueError on other shapes
        raise DataFileError(f"{path} could not be loaded ({_reason(exc)}): {fix}.") from None
    return check_finite(model, path, fix)
