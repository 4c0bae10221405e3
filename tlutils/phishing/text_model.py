"""The capstone's text model: the course's BERT path (lesson 04) fine-tuned on subject + body.

``load_bert`` follows the profile (``bert-base-uncased`` in full/quick, the packaged MiniLM
offline); ``fit_classifier`` is lesson 04's recipe (AdamW, warm-up, linear decay).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..config import Config
from ..text import encode_texts, fit_classifier, load_bert, predict_logits

# Every text of the shipped set fits in 112 tokens (the longest has 106 with [CLS] and [SEP]).
MAX_LENGTH = 112


def train_text_model(texts: Sequence[str], labels: Sequence[int], cfg: Config, *, epochs: int,
                     learning_rate: float, seed: int, max_length: int = MAX_LENGTH,
                     freeze_embeddings: bool = False) -> tuple[Any, Any]:
    """Fine-tune the profile's BERT as a two-class classifier; returns (tokenizer, model).

    ``freeze_embeddings`` keeps the embedding layer (word, position and token-type vectors) as
    pretrained and fine-tunes the encoder layers and the head: no gradient for the 30,522 x hidden
    word vectors and no update of them (on 2 cores a MiniLM step on lesson 04's sentences takes
    0.23 s instead of 0.30 s with ``warmup_adam``; 0.25 s instead of 0.47 s with the unfused Adam).
    """
    import keras

    keras.utils.set_random_seed(seed)  # the new head's initial weights and the shuffling
    tokenizer, model = load_bert(task="classification", num_labels=2, cfg=cfg)
    if freeze_embeddings:
        model.bert.embeddings.trainable = False
    encoded = encode_texts(tokenizer, list(texts), max_length)
    fit_classifier(model, (encoded, np.asarray(labels)), learning_rate=learning_rate, epochs=epochs,
                   seed=seed, verbose=0)
    return tokenizer, model


def text_probabilities(tokenizer: Any, model: Any, texts: Sequence[str],
                       max_length: int = MAX_LENGTH) -> np.ndarray:
    """The phishing probability of each text (softmax of the classifier's two logits)."""
    logits = predict_logits(model, encode_texts(tokenizer, list(texts), max_length))
    logits = logits - logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return probabilities[:, 1].astype("float64")
