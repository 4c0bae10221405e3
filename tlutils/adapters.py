"""Adapter tuning for a KerasHub BERT: low-rank updates (LoRA) beside a frozen encoder.

Lesson 05 writes :class:`LoRADense` in its own cells (tests/test_lesson_code.py keeps the two the
same) and puts it on its encoder with :func:`add_lora`; it then compares KerasHub's
``backbone.enable_lora(rank)``, which does the same inside Keras' own layers.
"""
from __future__ import annotations

import math
from typing import Any

import keras
from keras import ops

from .text.encoders import forget_compiled

TARGETS = {"query": "_query_dense", "key": "_key_dense", "value": "_value_dense"}


class LoRADense(keras.layers.Layer):
    """A frozen attention projection (an ``EinsumDense``) plus a trainable low-rank update of its
    kernel: ``W + (alpha / r) A B``, applied with the projection's own equation. Lesson 05 writes
    this class (as ``LoRA``).

    The kernel keeps the heads as an axis, (hidden, heads, head size): ``A`` has its shape with the
    last axis replaced by the rank ``r``, ``B`` is ``r`` by that last axis, the factorisation
    Keras' own ``enable_lora`` uses. ``A`` starts small and random, ``B`` at zero, so the wrapped
    layer initially computes exactly what the pretrained one did.
    """

    def __init__(self, dense: keras.layers.Layer, rank: int = 8, alpha: float = 16.0, **kwargs: Any) -> None:
        super().__init__(name=f"{dense.name}_lora", **kwargs)
        self.dense, self.rank, self.scale = dense, rank, alpha / rank
        self.dense.trainable = False

    def build(self, input_shape: Any) -> None:
        kernel = tuple(self.dense.kernel.shape)  # (hidden, heads, head size)
        self.lora_a = self.add_weight(name="lora_a", shape=(*kernel[:-1], self.rank),
                                      initializer=keras.initializers.RandomNormal(stddev=0.02))
        self.lora_b = self.add_weight(name="lora_b", shape=(self.rank, kernel[-1]), initializer="zeros")

    def call(self, inputs: Any) -> Any:
        delta = self.scale * ops.matmul(self.lora_a, self.lora_b)  # the kernel's update
        return self.dense(inputs) + ops.einsum(self.dense.equation, inputs, delta)


def attention_layers(backbone: Any) -> list[Any]:
    """The self-attention layer of every transformer layer of a KerasHub ``BertBackbone``."""
    return [layer._self_attention_layer for layer in backbone.transformer_layers]


def freeze_encoder(backbone: Any) -> None:
    """Freeze every weight of ``backbone`` (weight by weight, so that adapters added inside
    afterwards stay trainable; ``backbone.trainable = False`` would hide them too)."""
    for weight in backbone.weights:
        weight.trainable = False


def _swap(attention: Any, attribute: str, layer: Any) -> None:
    """Put ``layer`` in place of one of an attention layer's projections, and take the one it
    replaces out of the layer's list of sublayers (so that ``weights`` lists what is in use).
    Keras locks a built layer's list of sublayers; it is unlocked for the swap, as Keras' own
    ``enable_lora`` does."""
    replaced = getattr(attention, attribute)
    attention._tracker.unlock()
    setattr(attention, attribute, layer)
    attention._layers[:] = [sub for sub in attention._layers if sub is not replaced]
    if not any(sub is layer for sub in attention._layers):  # a layer tracked before is not added again
        attention._layers.append(layer)
    attention._tracker.lock()


def add_lora(model: Any, rank: int = 8, alpha: float = 16.0, targets: tuple[str, ...] = ("query", "value")) -> int:
    """Freeze the encoder of ``model`` (a ``BertBackbone``, or a classifier holding one as
    ``.backbone``) and put LoRA on the ``targets`` projections of every attention layer.

    A classifier's head stays trainable. Returns the number of adapter parameters.

    Example:
        >>> from tlutils import PROFILES
        >>> from tlutils.text import encode_texts, load_bert
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()):  # offline: a notice that MiniLM stands in
        ...     tokenizer, model = load_bert(task="classification", num_labels=2, cfg=PROFILES["offline"])
        >>> add_lora(model, rank=8)  # 6 layers x 2 projections x (384 x 12 heads x 8 + 8 x 32)
        445440
    """
    backbone = getattr(model, "backbone", model)
    freeze_encoder(backbone)
    adapters = []
    for attention in attention_layers(backbone):
        for name in targets:
            adapter = LoRADense(getattr(attention, TARGETS[name]), rank=rank, alpha=alpha)
            adapter.build((None, None, backbone.hidden_dim))
            _swap(attention, TARGETS[name], adapter)
            adapters.append(adapter)
    return sum(math.prod(w.shape) for a in adapters for w in a.trainable_weights)


def remove_lora(model: Any) -> int:
    """Take every course LoRA adapter out of ``model``'s encoder again; return how many were removed.

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
    for attention in attention_layers(getattr(model, "backbone", model)):
        for attribute in TARGETS.values():
            adapter = getattr(attention, attribute)
            if isinstance(adapter, LoRADense):
                _swap(attention, attribute, adapter.dense)
                removed += 1
    for traced in {id(m): m for m in (model, getattr(model, "backbone", model))}.values():
        traced.predict_function = None  # predict traced with the adapters in would still run them
        forget_compiled(traced)  # so would tlutils.text.compiled's graph
    return removed


def lora_weights(model: Any) -> list[Any]:
    """The low-rank factors (``lora_a``, ``lora_b``) in ``model``: the course's adapters' or those
    of Keras' own ``enable_lora``, found by their names."""
    return [w for w in model.weights if w.path.rsplit("/", 1)[-1] in ("lora_a", "lora_b", "lora_kernel_a",
                                                                       "lora_kernel_b")]
