"""Sentiment data for the text lessons, following the profile.

``full`` and ``quick`` read SST-2 (GLUE) from tensorflow-datasets. ``offline`` reads the subset of
SST-2 shipped inside the package (``tlutils/course_data/sst2``: 2,000 training and 400 validation
sentences drawn from GLUE's training file, and GLUE's whole 872-sentence dev set as the test set;
``scripts/make_sst2_subset.py`` rebuilds it). The course's older template set
(``course_data/sentiment``) serves the unit tests only (:data:`TEMPLATE_SET`).
"""
from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import numpy as np

from ..config import PROFILES, Config  # noqa: F401 (PROFILES: doctests)
from ..downloads import downloading
from ..environment import current
from ..errors import DataFileError

DATA_DIR = Path(__file__).resolve().parents[1] / "course_data"  # shipped inside the package
SST2_SUBSET = DATA_DIR / "sst2"
TEMPLATE_SET = DATA_DIR / "sentiment"  # template sentences, for unit tests
SENTIMENT_CLASSES = ["negative", "positive"]
SST2_SOURCE = ("SST-2 (GLUE), shipped subset: 2,000 training and 400 validation sentences from GLUE's "
               "training file, GLUE's 872 dev sentences as the test set")


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


def read_shipped(folder: Path, source: str) -> TextData:
    """The ``train``, ``validation`` and ``test`` CSV files of a set shipped in the package."""
    if not folder.is_dir():
        raise DataFileError(f"{folder} is missing from the installed tlutils: reinstall it "
                            "(pip install --force-reinstall from the course repository).")
    splits = [read_csv_split(folder / f"{name}.csv") for name in ("train", "validation", "test")]
    return TextData(*splits, class_names=SENTIMENT_CLASSES, source=source)


def load_sentiment(cfg: Config | None = None) -> TextData:
    """Binary sentiment data: SST-2 in ``full``/``quick``, its shipped subset offline.

    The shipped subset lives inside the package (``tlutils/course_data/sst2``), so it is there
    whether the course was cloned or installed with pip (as on Colab). ``cfg.text_max_train``
    caps the training sentences (the first ones; the file is shuffled and balanced).

    Example:
        >>> data = load_sentiment(PROFILES["offline"])
        >>> len(data.validation), len(data.test)
        (400, 872)
    """
    cfg = cfg or current()
    if not cfg.offline:
        return _load_sst2(cfg)
    data = read_shipped(SST2_SUBSET, SST2_SOURCE)
    if cfg.text_max_train:
        data.train = TextSplit(data.train.texts[:cfg.text_max_train], data.train.labels[:cfg.text_max_train])
    return data


def load_template_sentiment() -> TextData:
    """The course's template sentences (320 / 80 / 160), kept for unit tests that need short texts."""
    return read_shipped(TEMPLATE_SET, "course template sentences (tlutils/course_data/sentiment)")


