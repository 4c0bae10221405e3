"""tlutils.practice's exercise checks: every check accepts the right answer and rejects typical wrong ones,
each with one sentence that says what is wrong."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from tlutils import practice
from tlutils.practice import Feedback


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
def test_trainable_count_right_and_wrong_without_giving_the_answer(vgg16):
    model = head_on(vgg16, 128)
    right = 512 * 128 + 128 + 128 * 5 + 5
    assert practice.check_trainable_count(model, right)
    for wrong in (right - 5, 512 * 128 + 128 * 5, right + 14_714_688):
        feedback = practice.check_trainable_count(model, wrong)
        assert not feedback and f"{right:,}" not in str(feedback) and str(right) not in str(feedback)
        assert f"{right:,}" in practice.reveal()  # the answer, only when asked for
        _one_sentence(feedback)
    assert "biases" in str(practice.check_trainable_count(model, 512 * 128 + 128 * 5))
    assert "frozen" in str(practice.check_trainable_count(model, right + 14_714_688))


def test_trainable_count_refuses_the_lessons_model_and_printed_counts(vgg16):
    """Lesson 01's lazy answer: the lesson's own model and the count printed above it."""
    lesson_model = head_on(vgg16, 256)
    printed = 512 * 256 + 256 + 256 * 5 + 5  # 132,613
    lazy = practice.check_trainable_count(lesson_model, printed, lesson_models=[lesson_model])
    assert not lazy and "lesson's own model" in str(lazy)
    _one_sentence(lazy)
    unchanged = practice.check_trainable_count(head_on(vgg16, 256), printed, printed=[printed])
    assert not unchanged and "printed above" in str(unchanged)
    small = head_on(vgg16, 128)
    assert practice.check_trainable_count(small, 512 * 128 + 128 + 645, lesson_models=[lesson_model],
                                           printed=[printed])


@pytest.mark.parametrize("placeholder", [..., None])
def test_an_unanswered_exercise_says_so_and_does_not_raise(vgg16, placeholder):
    feedback = practice.check_trainable_count(head_on(vgg16, 8), placeholder)
    assert not feedback and str(feedback) == practice.NOT_ANSWERED


# -- gradual unfreezing ------------------------------------------------------------------------
def _top(base, n):
    return [layer.name for layer in base.layers[-n:]]


def _unfreeze_top(base, n):
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= len(base.layers) - n


def test_gradual_unfreezing_block_by_block_passes(vgg16):
    stages = []
    for n in (4, 8, 12):
        _unfreeze_top(vgg16, n)
        stages.append([layer.name for layer in vgg16.layers if layer.trainable])
    assert practice.check_gradual_unfreezing(vgg16, stages)


def test_gradual_unfreezing_refuses_names_typed_without_unfreezing(vgg16):
    """Lesson 02's lazy answer: the right lists of names, with the base left as it was."""
    _unfreeze_top(vgg16, 4)  # the lesson leaves block 5 unfrozen
    feedback = practice.check_gradual_unfreezing(vgg16, [_top(vgg16, 4), _top(vgg16, 8), _top(vgg16, 12)])
    assert not feedback and "do not only list their names" in str(feedback)
    _one_sentence(feedback)


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
    feedback = practice.check_gradual_unfreezing(vgg16, stages(vgg16))
    assert not feedback and says in str(feedback), str(feedback)
    _one_sentence(feedback)


def test_gradual_unfreezing_ignores_frozen_batchnorm():
    """A top block whose BatchNorm stays frozen (the course's default) still counts as the top."""
    base = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, name="low"),
                             keras.layers.Dense(4, name="mid"), keras.layers.BatchNormalization(name="bn"),
                             keras.layers.Dense(4, name="top")])
    base.get_layer("low").trainable = False
    base.get_layer("bn").trainable = False
    assert practice.check_gradual_unfreezing(base, [["top"], ["mid", "top"]])


# -- pooling -----------------------------------------------------------------------------------
def masked_max(hidden, mask):
    return np.where(np.asarray(mask)[..., None] == 1, hidden, -np.inf).max(axis=1)


def masked_mean(hidden, mask):
    m = np.asarray(mask, dtype="float32")[..., None]
    return (hidden * m).sum(axis=1) / m.sum(axis=1)


def test_pooling_accepts_masked_max_and_mean():
    assert practice.check_pooling(masked_max, "max")
    assert practice.check_pooling(masked_mean, "mean")


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
    feedback = practice.check_pooling(pool, kind)
    assert not feedback and says in str(feedback), str(feedback)


def test_pooling_not_written_yet():
    def pool(hidden, mask):
        ...

    assert str(practice.check_pooling(pool)).startswith(practice.NOT_ANSWERED)


def test_pooling_kind_must_be_known():
    with pytest.raises(ValueError, match="'max' or 'mean'"):
        practice.check_pooling(masked_max, "median")


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
    assert practice.check_tokenizer_call(tokenizer, TEXTS, batch, 16)


@pytest.mark.parametrize("kwargs, says", [
    (dict(padding=True, truncation=True, max_length=16), "padding=True"),
    (dict(padding="max_length", max_length=24), "truncation=True"),
    (dict(padding="max_length", truncation=True, max_length=16, return_attention_mask=False), "attention_mask"),
    (dict(padding="max_length", truncation=True, max_length=16, add_special_tokens=False), "token ids differ"),
])
def test_tokenizer_call_rejects_the_usual_slips(tokenizer, kwargs, says):
    texts = SHORT if kwargs["padding"] is True else TEXTS  # pad to the longest: all shorter than 16
    batch = tokenizer(texts, return_tensors="np", **kwargs)
    feedback = practice.check_tokenizer_call(tokenizer, texts, batch, 16)
    assert not feedback and says in str(feedback), str(feedback)


def test_tokenizer_call_wants_all_texts_in_one_batch(tokenizer):
    batch = tokenizer(TEXTS[0], padding="max_length", truncation=True, max_length=16, return_tensors="np")
    batch = {key: value[0] for key, value in batch.items()}
    assert "all 3 texts" in str(practice.check_tokenizer_call(tokenizer, TEXTS, batch, 16))


# -- threshold ---------------------------------------------------------------------------------
def test_threshold_best_on_validation_passes_and_others_fail():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 200)
    probabilities = np.clip(0.3 + 0.3 * labels + rng.normal(0, 0.15, 200), 0, 1)  # best cut near 0.45
    candidates = np.unique(probabilities)
    accuracy = [np.mean((probabilities >= t) == labels) for t in candidates]
    best = float(candidates[int(np.argmax(accuracy))])
    assert practice.check_threshold(best, probabilities, labels)
    assert not practice.check_threshold(0.9, probabilities, labels)
    assert "between 0 and 1" in str(practice.check_threshold(45, probabilities, labels))
    assert "labels" in str(practice.check_threshold(0.5, probabilities[:10], labels))


def _skewed(rng, n):
    """Probabilities of a probe trained on mostly positive examples: everything leans high."""
    labels = np.repeat([0, 1], n // 2)
    return np.clip(0.62 + 0.3 * labels + rng.normal(0, 0.05, n), 0, 1), labels


def test_threshold_on_a_skewed_probe_refuses_the_default_and_measures_the_test_split():
    """Lesson 04's lazy answer: the default 0.5, which calls every review positive here."""
    rng = np.random.default_rng(0)
    (val_p, val_y), (test_p, test_y) = _skewed(rng, 80), _skewed(rng, 160)
    lazy = practice.check_threshold(0.5, val_p, val_y, test_p, test_y, target=0.8)
    assert not lazy and "validation accuracy 0.500" in str(lazy)
    best = float(np.unique(val_p)[np.argmax([np.mean((val_p >= t) == val_y) for t in np.unique(val_p)])])
    right = practice.check_threshold(best, val_p, val_y, test_p, test_y, target=0.8)
    assert right and "test accuracy" in str(right)
    assert not practice.check_threshold(best, val_p, val_y, test_p, 1 - test_y, target=0.8)


# -- a trained model against a target ------------------------------------------------------------
def test_accuracy_check_passes_a_trained_model_and_refuses_lazy_ones():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5)) + np.repeat([[0.0], [1.5]], 100, axis=0)
    y = np.repeat([0, 1], 100)
    lesson_model = LogisticRegression().fit(x[::2], y[::2])
    mine = LogisticRegression(C=0.5).fit(x[::2], y[::2])
    assert practice.check_accuracy(mine, x[1::2], y[1::2], target=0.8, lesson_models=[lesson_model])
    refused = practice.check_accuracy(lesson_model, x[1::2], y[1::2], target=0.8, lesson_models=[lesson_model])
    assert not refused and "lesson's own model" in str(refused)
    copied = practice.check_accuracy(lambda inputs: y[1::2], x[1::2], y[1::2], target=0.8)  # labels, in order
    assert not copied and "below the target" in str(copied)
    untrained = practice.check_accuracy(lambda inputs: np.zeros(len(inputs), int), x[1::2], y[1::2], target=0.8)
    assert not untrained and "0.500" in str(untrained)
    for feedback in (refused, copied, untrained):
        _one_sentence(feedback)


def test_accuracy_check_reads_keras_probabilities_and_unwritten_functions():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.set_weights([np.array([[5.0, -5.0], [-5.0, 5.0]]), np.zeros(2)])
    x, y = np.array([[1.0, 0.0], [0.0, 1.0]] * 5), np.array([0, 1] * 5)
    assert practice.check_accuracy(model, x, y, target=0.9)

    def unwritten(inputs):
        ...

    assert str(practice.check_accuracy(unwritten, x, y, 0.9)).startswith(practice.NOT_ANSWERED)
    assert "gave 3 predictions" in str(practice.check_accuracy(lambda inputs: [0, 1, 0], x, y, 0.9))


# -- sentence features with few labels (lesson 05) ------------------------------------------------
WORDS = {"good": 1, "fine": 1, "great": 1, "superb": 1, "bad": 0, "awful": 0, "poor": 0, "dull": 0}


def _split(words):
    from types import SimpleNamespace

    return SimpleNamespace(texts=[f"a {w} film" for w in words], labels=np.array([WORDS[w] for w in words]))


def test_sentence_features_trains_its_own_probe_and_refuses_weak_or_precomputed_vectors():
    train, test = _split(["good", "fine", "bad", "awful"] * 3), _split(["great", "superb", "poor", "dull"] * 5)
    lexicon = {"good": 1.0, "fine": 1.0, "great": 1.0, "superb": 1.0}

    def sentiment_vector(texts):
        return np.array([[lexicon.get(t.split()[1], -1.0), 1.0] for t in texts])

    assert practice.check_sentence_features(sentiment_vector, train, test, target=0.85, labels_per_class=2)
    weak = practice.check_sentence_features(lambda texts: np.array([[len(t)] for t in texts], float),
                                             train, test, target=0.85, labels_per_class=2)
    assert not weak and "below the target" in str(weak)
    precomputed = sentiment_vector(test.texts)  # the test vectors, whatever texts it is given
    lazy = practice.check_sentence_features(lambda texts: precomputed, train, test, target=0.85, labels_per_class=2)
    assert not lazy and "one vector per text" in str(lazy)
    for feedback in (weak, lazy):
        _one_sentence(feedback)


# -- a new challenge approach ------------------------------------------------------------------
GOOD = {"top1": 0.25, "mean_per_class": 0.2, "seconds": 1.5, "epochs": 1, "trainable": 2_050,
        "frozen": 23_587_712, "notes": "logistic regression on cached features"}


def test_new_approach_result_right():
    assert practice.check_new_approach(GOOD)
    assert practice.check_new_approach({**GOOD, "trainable": np.int64(2050), "top1": np.float32(0.25)})


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
    feedback = practice.check_new_approach(result)
    assert not feedback and says in str(feedback), str(feedback)


def test_new_approach_refuses_the_lessons_own_result():
    """Lesson 06's lazy answer: returning results["feature_extraction"]."""
    existing = {"feature_extraction": dict(GOOD), "fine_tuning": {**GOOD, "top1": 0.5}}
    feedback = practice.check_new_approach(existing["feature_extraction"], existing=existing)
    assert not feedback and "feature_extraction result" in str(feedback)
    assert practice.check_new_approach({**GOOD, "top1": 0.3}, existing=existing)


def test_new_approach_result_renders_in_the_report_table():
    from tlutils.challenge.report import markdown_table

    assert "| my probe | 25.0% |" in markdown_table({"my probe": GOOD})


# -- precision at a base rate (lesson 07) ------------------------------------------------------
def precision_at(recall, false_positive_rate, base_rate):
    hits = recall * base_rate
    return hits / (hits + false_positive_rate * (1 - base_rate))


def test_precision_at_base_rate_right():
    feedback = practice.check_precision_at_base_rate(precision_at)
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
    feedback = practice.check_precision_at_base_rate(function)
    assert not feedback and says in str(feedback), str(feedback)


def test_precision_at_base_rate_not_written_yet():
    def unwritten(recall, false_positive_rate, base_rate):
        ...

    assert str(practice.check_precision_at_base_rate(unwritten)).startswith(practice.NOT_ANSWERED)
    assert str(practice.check_precision_at_base_rate(...)) == practice.NOT_ANSWERED


def test_head_gradient_check_needs_a_trained_head():
    """Lesson 02's doing exercise: an untrained head, the random head itself and the lesson's
    trained head are refused; a head trained on the task passes."""
    keras.utils.set_random_seed(0)
    base = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, kernel_initializer="identity")])
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = np.arange(64) % 2
    x[:, 0] = np.where(y == 1, 2.0, -2.0) + 0.1 * x[:, 0]  # separable with a wide margin

    def new_head():
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])

    random_head, lesson_head, untrained, trained = new_head(), new_head(), new_head(), new_head()
    trained.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    trained.fit(base.predict(x, verbose=0), y, epochs=200, verbose=0)
    check = lambda head: practice.check_head_gradient(head, base, x, y, random_head, 3, [lesson_head])
    assert not check(...) and not check(random_head) and not check(lesson_head)
    assert not check(untrained)
    assert check(trained), check(trained)
    _one_sentence(check(untrained))
