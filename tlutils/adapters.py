"""Adapter tuning for the Transformers TF BERT: low-rank updates (LoRA) on a frozen encoder.

Keras 3's ``enable_lora`` does the same for Keras 3 layers; the Transformers TF models are
built on tf_keras (Keras 2), so the course adds its own small LoRA layer here (lesson 05).
"""
from __future__ import annotations

from typing import Any

import tensorflow as tf
import tf_keras


class LoRADense(tf_keras.layers.Layer):
    """A frozen ``Dense`` plus a trainable low-rank update: ``W x + (alpha / r) B A x``.

    ``A`` starts small and random, ``B`` at zero, so the wrapped layer initially computes
    exactly what the pretrained one did.
    """

    def __init__(self, dense: tf_keras.layers.Dense, rank: int = 8, alpha: float = 16.0, **kwargs):
        super().__init__(name=f"{dense.name}_lora", **kwargs)
        self.dense = dense
        self.dense.trainable = False
        self.rank = rank
        self.scale = alpha / rank

    def build(self, input_shape: Any) -> None:
        self.lora_a = self.add_weight(
            name="lora_a", shape=(int(input_shape[-1]), self.rank),
            initializer=tf_keras.initializers.RandomNormal(stddev=0.02))
        self.lora_b = self.add_weight(name="lora_b", shape=(self.rank, self.dense.units),
                                      initializer="zeros")
        super().build(input_shape)

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        update = tf.matmul(tf.matmul(inputs, self.lora_a), self.lora_b)
        return self.dense(inputs) + self.scale * update


def freeze_encoder(bert: Any) -> None:
    """Freeze every weight of a Transformers TF BERT main layer (``model.bert``).

    Freezes the layers that hold weights rather than the container, so adapters added inside
    afterwards stay trainable.
    """
    bert.embeddings.trainable = False
    for layer in bert.submodules:
        if isinstance(layer, (tf_keras.layers.Dense, tf_keras.layers.LayerNormalization)):
            layer.trainable = False


def add_lora(model: Any, rank: int = 8, alpha: float = 16.0, targets: tuple[str, ...] = ("query", "value")) -> int:
    """Freeze ``model.bert`` and put LoRA on the ``targets`` projections of every attention layer.

    The classification head (if any) stays trainable. Returns the number of adapter parameters.

    Example:
        >>> from tlutils import PROFILES
        >>> from tlutils.text import load_bert
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):  # offline: a notice that MiniLM stands in
        ...     _, model = load_bert(task="classification", num_labels=2, cfg=PROFILES["offline"])
        >>> add_lora(model, rank=8)  # 6 layers x 2 projections x (384 x 8 + 8 x 384)
        73728
    """
    freeze_encoder(model.bert)
    adapters = []
    for layer in model.bert.encoder.layer:
        attention = layer.attention.self_attention
        for name in targets:
            adapter = LoRADense(getattr(attention, name), rank=rank, alpha=alpha)
            setattr(attention, name, adapter)
            adapters.append(adapter)
    model(model.dummy_inputs)  # build the adapters
    return sum(int(tf.size(w)) for a in adapters for w in a.trainable_weights)


def remove_lora(model: Any) -> int:
    """Take every LoRA adapter out of ``model.bert`` again; return how many were removed.

    The wrapped projections never changed (LoRA trains only ``A``, ``B`` and the head), so the
    encoder is then exactly the pretrained one again: lesson 05 checks it weight by weight.
    The encoder's weights stay frozen; the adapters themselves are discarded.

    Example:
        >>> from tlutils import PROFILES
        >>> from tlutils.text import load_bert
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):
        ...     _, model = load_bert(task="classification", num_labels=2, cfg=PROFILES["offline"])
        >>> _ = add_lora(model, rank=4)
        >>> remove_lora(model)  # 6 layers x (query, value)
        12
    """
    removed = 0
    for layer in model.bert.encoder.layer:
        attention = layer.attention.self_attention
        for name in ("query", "key", "value"):
            adapter = getattr(attention, name)
            if isinstance(adapter, LoRADense):
                setattr(attention, name, adapter.dense)
                removed += 1
    return removed
