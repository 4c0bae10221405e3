"""The capstone's text model: the course's BERT (Keras 3, KerasHub), frozen, read as features,
under a new head.

``load_bert`` follows the profile (``bert-base-uncased`` in full/quick, the packaged MiniLM
offline). Each e-mail's :func:`~tlutils.phishing.inputs.model_text` is cut to ``max_length``
tokens and its token vectors are averaged (``mean_pool``, lesson 03): one vector per e-mail, on
which :class:`~tlutils.phishing.heads.LinearHead` is trained. Feature extraction, not
fine-tuning: on the real e-mails it reached the goal (see ``training.RECIPE``) at a fraction of
fine-tuning's cost, and the encoder's forward pass runs once per e-mail, compiled.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..config import Config
from ..text import encode_texts, load_bert, sentence_vectors

MAX_LENGTH = 128  # tokens read per e-mail: the subject and the body's opening


class Encoder:
    """A tokenizer and a frozen KerasHub ``BertBackbone`` whose forward pass is one compiled
    TensorFlow graph (built on the first batch, for any batch size and length)."""

    def __init__(self, tokenizer: Any, model: Any) -> None:
        self.tokenizer, self.model = tokenizer, model

    def features(self, texts: Sequence[str], max_length: int = MAX_LENGTH, batch_size: int = 32) -> np.ndarray:
        """One mean-pooled vector per text, rows in input order (:func:`tlutils.text.sentence_vectors`)."""
        return sentence_vectors(self.model, encode_texts(self.tokenizer, list(texts), max_length), batch_size)


def load_encoder(cfg: Config) -> Encoder:
    """The profile's pretrained BERT as a frozen :class:`Encoder`."""
    tokenizer, model = load_bert(cfg=cfg)
    model.trainable = False
    return Encoder(tokenizer, model)
