"""LoRA adapters: start as the identity update, train only themselves, match KerasHub's own."""
import dataclasses

import keras
import numpy as np
import pytest

from tlutils import PROFILES, count_params
from tlutils.adapters import add_lora, lora_weights, remove_lora
from tlutils.text import encode_texts, load_bert, sentence_vectors


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return dataclasses.replace(PROFILES["offline"], cache_dir=tmp_path_factory.mktemp("cache"))


def _size(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


def test_lora_starts_as_the_pretrained_function_trains_only_adapters_and_comes_out_again(cfg):
    tokenizer, model = load_bert(task="classification", num_labels=2, cfg=cfg)
    batch = encode_texts(tokenizer, ["a superb film", "a tedious film"], 8)
    logits_before = np.asarray(model(batch))
    frozen_before = {w.path: w.numpy().copy() for w in model.backbone.weights}

    adapter_params = add_lora(model, rank=4)
    backbone = model.backbone
    assert len(lora_weights(model)) == 2 * 2 * backbone.num_layers  # A and B of q and v, listed once
    heads, head_size = backbone.num_heads, backbone.hidden_dim // backbone.num_heads
    assert adapter_params == backbone.num_layers * 2 * (backbone.hidden_dim * heads * 4 + 4 * head_size)
    np.testing.assert_allclose(np.asarray(model(batch)), logits_before, atol=1e-5)
    head = 2 * backbone.hidden_dim + 2
    assert count_params(model).trainable == adapter_params + head

    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=False)
    model.fit(batch, np.array([1, 0]), epochs=1, verbose=0)
    assert all(np.array_equal(frozen_before[w.path], w.numpy()) for w in backbone.weights
               if w.path in frozen_before), "a pretrained encoder weight moved"

    # The adapters moved the encoder's outputs; removing them gives the pretrained ones back exactly.
    hidden = backbone(batch)["sequence_output"].numpy()
    adapted_vectors = sentence_vectors(backbone, batch)  # traces the compiled graph with the adapters in
    assert remove_lora(model) == backbone.num_layers * 2
    restored = backbone(batch)["sequence_output"].numpy()
    restored_vectors = sentence_vectors(backbone, batch)  # a graph traced with them would still run them
    assert not np.allclose(hidden, restored, atol=1e-4), "the adapters did not train"
    _, pretrained = load_bert(cfg=cfg)
    np.testing.assert_array_equal(restored, pretrained(batch)["sequence_output"].numpy())
    assert not np.allclose(adapted_vectors, restored_vectors, atol=1e-4)
    np.testing.assert_allclose(restored_vectors, sentence_vectors(pretrained, batch), atol=1e-6)
    restored_weights = {w.path: w.numpy() for w in backbone.weights}
    pretrained_weights = {w.path: w.numpy() for w in pretrained.weights}
    assert restored_weights.keys() == pretrained_weights.keys()  # no adapter left, every projection back
    assert all(np.array_equal(restored_weights[k], pretrained_weights[k]) for k in pretrained_weights)
    assert remove_lora(model) == 0


def test_the_course_lora_trains_as_many_numbers_as_keras_hubs_enable_lora(cfg):
    _, ours = load_bert(task="classification", num_labels=2, cfg=cfg)
    _, theirs = load_bert(task="classification", num_labels=2, cfg=cfg)
    add_lora(ours, rank=4)
    theirs.backbone.enable_lora(4)
    assert _size(lora_weights(ours)) == _size(lora_weights(theirs)) == 222_720
    # enable_lora leaves the projections' biases trainable (12 x 384); the course freezes them
    assert count_params(theirs).trainable - count_params(ours).trainable == 12 * 384


def test_lesson_05_quiz_counts_the_adapters_that_add_lora_adds(cfg):
    from tlutils import practice

    rank_8 = next(q for q in practice.questions("05") if "Rank-8 LoRA" in q.question)
    _, model = load_bert(task="classification", num_labels=2, cfg=cfg)
    assert add_lora(model, rank=8) == rank_8.answer
