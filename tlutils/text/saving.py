"""Saving and loading lesson 04's fine-tuned classifier, whole or not at all.

The new copy is written into a temporary folder beside the old one;
:func:`~tlutils.files.atomic_path` then swaps the folders (old aside, new in, old removed), so an
interruption at any point leaves a loadable classifier, which :func:`load_classifier` puts back.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..environment import current
from ..errors import DataFileError
from ..files import atomic_path, read_json, restore_aside, write_json
from .encoders import encode_texts

CHECKSUMS = "checksums.json"  # SHA-256 of every other file of a saved classifier
MODEL_FILE = "model.json"  # the classifier's architecture: Keras 3's serialized config
WEIGHTS_FILE = "model.weights.h5"  # its weights (HDF5: arrays only, no pickle, no optimizer state)
VOCABULARY = "vocab.txt"  # the tokenizer's WordPiece vocabulary, one token a line
TOKENIZER = "tokenizer.json"  # the tokenizer's options (lower-casing, accents)
RESAVE_CLASSIFIER = "run the cell that saved it (tlutils.text.save_classifier) again"


def classifier_dir(cfg: Config | None = None) -> Path:
    """Where lesson 04 saves its fine-tuned sentiment classifier: ``<cache>/models/sentiment-<profile>``."""
    cfg = cfg or current()
    return cfg.cache_dir / "models" / f"sentiment-{cfg.profile}"


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    """Every file under ``folder`` except the checksums, in a fixed order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != CHECKSUMS)


def save_classifier(model: Any, tokenizer: Any, folder: str | Path, training: dict[str, Any]) -> Path:
    """Save a fine-tuned classifier, its tokenizer and ``training`` (how it was trained) into
    ``folder``, replacing the previous copy only once the new one is whole (see the module's
    docstring). A full disk is one sentence, and leaves the previous copy in place.

    The architecture as Keras 3's JSON config and the weights as HDF5 (no pickle, so loading runs
    no code; without the optimizer's state, which ``model.save`` would add at twice the model's
    size: 273 MB instead of 91 MB for MiniLM), the tokenizer's vocabulary and options;
    ``checksums.json`` holds the SHA-256 of every file, so that :func:`load_classifier` names a
    damaged one.
    """
    import keras

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder, "free some space and run the cell again") as partial:
        partial.mkdir()
        architecture = _architecture(model)
        write_json(partial / MODEL_FILE, architecture)  # before the twin is built from it
        _weights_only(model, architecture).save_weights(partial / WEIGHTS_FILE)
        save_tokenizer(tokenizer, partial)
        write_json(partial / "training.json", training)
        write_json(partial / CHECKSUMS, {p.relative_to(partial).as_posix(): _sha256(p) for p in _files(partial)})
    return folder


def _architecture(model: Any) -> dict:
    """The classifier's Keras 3 config without its compile settings: a saved classifier is for
    predicting, and reloading those settings makes Keras warn about KerasHub's own compile()."""
    import keras

    config = keras.saving.serialize_keras_object(model)
    config.pop("compile_config", None)
    return config


def _weights_only(model: Any, architecture: dict) -> Any:
    """A twin of ``model`` built from its ``architecture`` (:func:`_architecture`), holding its
    weights and no optimizer state: ``save_weights`` writes a model's optimizer too (Adam's two
    moments, twice the model's size)."""
    import keras

    twin = keras.saving.deserialize_keras_object(architecture)
    twin.set_weights(model.get_weights())
    return twin


def save_tokenizer(tokenizer: Any, folder: Path) -> None:
    """A KerasHub WordPiece tokenizer's vocabulary and options, as plain text and JSON."""
    (folder / VOCABULARY).write_text("\n".join(tokenizer.get_vocabulary()) + "\n", encoding="utf-8")
    write_json(folder / TOKENIZER, {key: tokenizer.get_config()[key] for key in ("lowercase", "strip_accents")})


def load_tokenizer_files(folder: Path) -> Any:
    """The tokenizer :func:`save_tokenizer` wrote."""
    import keras_hub

    options = read_json(folder / TOKENIZER, RESAVE_CLASSIFIER)
    return keras_hub.models.BertTokenizer(vocabulary=str(folder / VOCABULARY), **options)


def _check_saved_files(folder: Path) -> None:
    """Every file ``checksums.json`` lists is there and unchanged; else one sentence naming it."""
    for name, expected in read_json(folder / CHECKSUMS, RESAVE_CLASSIFIER).items():
        path = folder / name
        if not path.is_file():
            raise DataFileError(f"{path} is missing from the saved classifier: {RESAVE_CLASSIFIER}.")
        if _sha256(path) != expected:
            raise DataFileError(f"{path} is damaged (it differs from the file that was saved: cut short or "
                                f"overwritten): {RESAVE_CLASSIFIER}.")


def _check_finite_logits(tokenizer: Any, model: Any, folder: Path) -> None:
    """Refuse a classifier whose weights load but give NaN or infinite scores."""
    logits = model(encode_texts(tokenizer, ["a short test sentence"], 8), training=False)
    if not np.isfinite(np.asarray(logits)).all():
        raise DataFileError(f"{folder / WEIGHTS_FILE} holds weights that give scores that are not finite numbers "
                            f"(NaN or infinity): {RESAVE_CLASSIFIER}.")


def load_classifier(folder: str | Path, expected: dict[str, Any] | None = None) -> tuple[Any, Any, dict] | None:
    """``(tokenizer, model, training)`` saved by :func:`save_classifier`, or None when ``folder``
    holds none, or one trained otherwise than ``expected`` says (every key must match).

    A missing, cut or altered file, or weights that give scores that are not finite numbers,
    raise one sentence (:class:`~tlutils.errors.DataFileError`) naming the file and the fix.

    Example:
        >>> import tempfile
        >>> load_classifier(tempfile.mkdtemp()) is None
        True
    """
    folder = Path(folder)
    restore_aside(folder)
    if not (folder / "training.json").exists():
        return None
    training = read_json(folder / "training.json", RESAVE_CLASSIFIER)
    if any(training.get(key) != value for key, value in (expected or {}).items()):
        return None
    if not (folder / CHECKSUMS).exists():
        return None  # saved by an older version of the course (transformers' TF format, no checksums)
    _check_saved_files(folder)
    import keras

    try:
        tokenizer = load_tokenizer_files(folder)
        model = keras.saving.deserialize_keras_object(read_json(folder / MODEL_FILE, RESAVE_CLASSIFIER))
        model.load_weights(folder / WEIGHTS_FILE)
    except Exception as exc:  # Keras words a damaged file many ways; the folder is what matters
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise DataFileError(f"The classifier saved in {folder} could not be loaded ({reason}): "
                            f"{RESAVE_CLASSIFIER}.") from None
    _check_finite_logits(tokenizer, model, folder)
    return tokenizer, model, training
