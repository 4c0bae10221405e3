"""tlutils.exercises: every check accepts the right answer and rejects typical wrong ones,
each with one sentence that says what is wrong."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from tlutils import exercises
from tlutils.exercises import Feedback


def _one_sentence(feedback: Feedback) -> None:
    text = str(feedback)
    assert text.endswith(".") and "\n" not in text and text.count(". ") == 0, text


@pytest.fixture(scope="module")
def vgg16():
    return keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))


def head_on(base, units):
    base.trainable = False
    return keras.Sequential([base, keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(units, activation="relu"), keras.layers.Dense(5)])


# -- trainable counts --------------------------------------------------------------------------
def test_trainable_count_right_and_wrong(vgg16):
    model = head_on(vgg16, 128)
    right = 512 * 128 + 128 + 128 * 5 + 5
    assert exercises.check_trainable_count(model, right)
    for wrong in (right - 5, 512 * 128 + 128 * 5, right + 14_714_688):
        feedback = exercises.check_trainable_count(model, wrong)
        assert not feedback and f"{right:,}" in str(feedback)
        _one_sentence(feedback)
    assert "biases" in str(exercises.check_trainable_count(model, 512 * 128 + 128 * 5))
    assert "frozen" in str(exercises.check_trainable_count(model, right + 14_714_688))


@pytest.mark.parametrize("placeholder", [..., None])
def test_an_unanswered_exercise_says_so_and_does_not_raise(vgg16, placeholder):
    feedback = exercises.check_trainable_count(head_on(vgg16, 8), placeholder)
    assert not feedback and str(feedback) == exercises.NOT_ANSWERED


# -- gradual unfreezing ------------------------------------------------------------------------
def _top(base, n):
    return [layer.name for layer in base.layers[-n:]]


def test_gradual_unfreezing_block_by_block_passes(vgg16):
    assert exercises.check_gradual_unfreezing(vgg16, [_top(vgg16, 4), _top(vgg16, 8), _top(vgg16, 12)])


@pytest.mark.parametrize("stages, says", [
    (lambda b: [_top(b, 4)], "at least two"),
    (lambda b: [_top(b, 8), _top(b, 4)], "fewer"),
    (lambda b: [_top(b, 4), _top(b, 4)], "no more"),
    (lambda b: [_top(b, 4), [layer.name for layer in b.layers[1:5]]], "from the top"),
    (lambda b: [_top(b, 19), _top(b, 19)], "first stage already"),
    (lambda b: [["block5_conv9"], _top(b, 4)], "not layers of this base"),
    (lambda b: [["block5_pool"], _top(b, 4)], "trains no layer"),
])
def test_gradual_unfreezing_rejects_wrong_schedules(vgg16, stages, says):
    feedback = exercises.check_gradual_unfreezing(vgg16, stages(vgg16))
    assert not feedback and says in str(feedback), str(feedback)
    _one_sentence(feedback)


def test_gradual_unfreezing_ignores_frozen_batchnorm():
    """A top block whose BatchNorm stays frozen (the course's default) still counts as the top."""
    base = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, name="low"),
                             keras.layers.Dense(4, name="mid"), keras.layers.BatchNormalization(name="bn"),
                             keras.layers.Dense(4, name="top")])
    assert exercises.check_gradual_unfreezing(base, [["top"], ["mid", "top"]])


# -- pooling -----------------------------------------------------------------------------------
def masked_max(hidden, mask):
    return np.where(np.asarray(mask)[..., None] == 1, hidden, -np.inf).max(axis=1)


def masked_mean(hidden, mask):
    m = np.asarray(mask, dtype="float32")[..., None]
    return (hidden * m).sum(axis=1) / m.sum(axis=1)


def test_pooling_accepts_masked_max_and_mean():
    assert exercises.check_pooling(masked_max, "max")
    assert exercises.check_pooling(masked_mean, "mean")


@pytest.mark.parametrize("pool, kind, says", [
    (lambda h, m: h.max(axis=1), "max", "attention mask"),
    (lambda h, m: h.mean(axis=1), "mean", "attention mask"),
    (masked_mean, "max", "mean pooling"),
    (lambda h, m: masked_max(h, m).T, "max", "axis 1"),
    (lambda h, m: h.max(axis=2), "max", "axis 1"),
    (lambda h, m: masked_max(h, m) + 1, "max", "values differ"),
    (lambda h, m: 1 / 0, "max", "ZeroDivisionError"),
])
def test_pooling_rejects_wrong_functions(pool, kind, says):
    feedback = exercises.check_pooling(pool, kind)
    assert not feedback and says in str(feedback), str(feedback)


def test_pooling_not_written_yet():
    def pool(hidden, mask):
        ...

    assert str(exercises.check_pooling(pool)).startswith(exercises.NOT_ANSWERED)


def test_pooling_kind_must_be_known():
    with pytest.raises(ValueError, match="'max' or 'mean'"):
        exercises.check_pooling(masked_max, "median")


# -- tokenizer call ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tokenizer():
    from transformers import BertTokenizerFast

    from tlutils import PROFILES
    from tlutils.text import pretrained_source
    return BertTokenizerFast.from_pretrained(pretrained_source("bert-base-uncased", PROFILES["offline"]))


TEXTS = ["Great film.", "The plot was thin but the actors were wonderful and the music was lovely all along.",
         "Boring."]
SHORT = ["Great film.", "Boring."]


def test_tokenizer_call_right(tokenizer):
    batch = tokenizer(TEXTS, padding="max_length", truncation=True, max_length=16, return_tensors="np")
    assert exercises.check_tokenizer_call(tokenizer, TEXTS, batch, 16)


@pytest.mark.parametrize("kwargs, says", [
    (dict(padding=True, truncation=True, max_length=16), "padding=True"),
    (dict(padding="max_length", max_length=24), "truncation=True"),
    (dict(padding="max_length", truncation=True, max_length=16, return_attention_mask=False), "attention_mask"),
    (dict(padding="max_length", truncation=True, max_length=16, add_special_tokens=False), "token ids differ"),
])
def test_tokenizer_call_rejects_the_usual_slips(tokenizer, kwargs, says):
    texts = SHORT if kwargs["padding"] is True else TEXTS  # pad to the longest: all shorter than 16
    batch = tokenizer(texts, return_tensors="np", **kwargs)
    feedback = exercises.check_tokenizer_call(tokenizer, texts, batch, 16)
    assert not feedback and says in str(feedback), str(feedback)


def test_tokenizer_call_wants_all_texts_in_one_batch(tokenizer):
    batch = tokenizer(TEXTS[0], padding="max_length", truncation=True, max_length=16, return_tensors="np")
    batch = {key: value[0] for key, value in batch.items()}
    assert "all 3 texts" in str(exercises.check_tokenizer_call(tokenizer, TEXTS, batch, 16))


# -- threshold ---------------------------------------------------------------------------------
def test_threshold_best_on_validation_passes_and_others_fail():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 200)
    probabilities = np.clip(0.3 + 0.3 * labels + rng.normal(0, 0.15, 200), 0, 1)  # best cut near 0.45
    candidates = np.unique(probabilities)
    accuracy = [np.mean((probabilities >= t) == labels) for t in candidates]
    best = float(candidates[int(np.argmax(accuracy))])
    assert exercises.check_threshold(best, probabilities, labels)
    assert not exercises.check_threshold(0.9, probabilities, labels)
    assert "between 0 and 1" in str(exercises.check_threshold(45, probabilities, labels))
    assert "labels" in str(exercises.check_threshold(0.5, probabilities[:10], labels))


# -- a new challenge approach ------------------------------------------------------------------
GOOD = {"top1": 0.25, "mean_per_class": 0.2, "seconds": 1.5, "epochs": 1, "trainable": 2_050,
        "frozen": 23_587_712, "notes": "logistic regression on cached features"}


def test_new_approach_result_right():
    assert exercises.check_new_approach(GOOD)
    assert exercises.check_new_approach({**GOOD, "trainable": np.int64(2050), "top1": np.float32(0.25)})


@pytest.mark.parametrize("result, says", [
    ([0.25], "dict"),
    ({k: v for k, v in GOOD.items() if k != "frozen"}, "misses frozen"),
    ({**GOOD, "top1": 25.0}, "between 0 and 1"),
    ({**GOOD, "epochs": 1.5}, "whole number"),
    ({**GOOD, "seconds": "fast"}, "a float"),
    ({**GOOD, "trainable": -3}, "negative"),
    ({**GOOD, "notes": None}, "a str"),
])
def test_new_approach_rejects_what_the_report_cannot_use(result, says):
    feedback = exercises.check_new_approach(result)
    assert not feedback and says in str(feedback), str(feedback)


def test_new_approach_result_renders_in_the_report_table():
    from tlutils.challenge.report import markdown_table

    assert "| my probe | 25.0% |" in markdown_table({"my probe": GOOD})


# -- precision at a base rate (lesson 07) ------------------------------------------------------
def precision_at(recall, false_positive_rate, base_rate):
    hits = recall * base_rate
    return hits / (hits + false_positive_rate * (1 - base_rate))


def test_precision_at_base_rate_right():
    feedback = exercises.check_precision_at_base_rate(precision_at)
    assert feedback and "0.61" in str(feedback)
    _one_sentence(feedback)


@pytest.mark.parametrize("function, says", [
    (lambda r, f, b: r / (r + f), "does not change with the base rate"),
    (lambda r, f, b: precision_at(r, f, 0.5), "does not change with the base rate"),
    (lambda r, f, b: r * b / (r * b + f), "1 - base_rate"),
    (lambda r, f, b: 100 * precision_at(r, f, b), "between 0 and 1"),
    (lambda r, f, b: precision_at(r, f, b) * 0.9, "values differ"),
    (lambda r, f, b: 1 / 0, "ZeroDivisionError"),
    (lambda r, f, b: "high", "one number"),
])
def test_precision_at_base_rate_rejects_the_usual_slips(function, says):
    feedback = exercises.check_precision_at_base_rate(function)
    assert not feedback and says in str(feedback), str(feedback)


def test_precision_at_base_rate_not_written_yet():
    def unwritten(recall, false_positive_rate, base_rate):
        ...

    assert str(exercises.check_precision_at_base_rate(unwritten)).startswith(exercises.NOT_ANSWERED)
    assert str(exercises.check_precision_at_base_rate(...)) == exercises.NOT_ANSWERED
