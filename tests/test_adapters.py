"""LoRA adapters: start as the identity update, train only themselves and the head."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from tlutils import PROFILES, count_params
from tlutils.adapters import add_lora, remove_lora
from tlutils.text import load_bert


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return dataclasses.replace(PROFILES["offline"], cache_dir=tmp_path_factory.mktemp("cache"))


def test_lora_starts_as_the_pretrained_function_and_trains_only_adapters(cfg):
    tokenizer, model = load_bert(task="classification", num_labels=2, cfg=cfg)
    batch = dict(tokenizer(["a superb film", "a tedious film"], padding=True, return_tensors="tf"))
    logits_before = model(batch).logits.numpy()
    frozen_before = {w.name: w.numpy().copy() for w in model.bert.weights}

    adapter_params = add_lora(model, rank=4)
    config = model.config
    assert adapter_params == config.num_hidden_layers * 2 * 2 * config.hidden_size * 4
    np.testing.assert_allclose(model(batch).logits.numpy(), logits_before, atol=1e-5)
    head = 2 * config.hidden_size + 2
    assert count_params(model).trainable == adapter_params + head

    # One step, eagerly: building a training graph would cost far more than the step.
    model.compile(optimizer=tf_keras_adam(), run_eagerly=True)
    model.fit(batch, tf.constant([1, 0]), epochs=1, verbose=0)
    unchanged = [np.array_equal(v, w.numpy()) for w in model.bert.weights
                 for name, v in [(w.name, frozen_before.get(w.name))] if v is not None]
    assert unchanged and all(unchanged), "a pretrained encoder weight moved"

    # The adapters moved the encoder's outputs; removing them gives the pretrained ones back exactly.
    hidden = model.bert(batch).last_hidden_state.numpy()
    assert remove_lora(model) == config.num_hidden_layers * 2
    restored = model.bert(batch).last_hidden_state.numpy()
    assert not np.allclose(hidden, restored, atol=1e-4), "the adapters did not train"
    _, pretrained = load_bert(cfg=cfg)
    np.testing.assert_array_equal(restored, pretrained.bert(batch).last_hidden_state.numpy())
    assert remove_lora(model) == 0


def tf_keras_adam():
    import tf_keras

    return tf_keras.optimizers.Adam(1e-2)
