"""The text track: real pretrained weights offline, the shipped data, clear failures."""
import csv
import dataclasses
import re

import numpy as np
import pytest

from tlutils import PROFILES, DownloadError
from tlutils import text
from tlutils.errors import DataFileError, InputError

OFFLINE = PROFILES["offline"]
SEED_TEXTS = ["This movie was amazing and fantastic", "The product was terrible and disappointing"]


@pytest.fixture(scope="module")
def offline_cfg(tmp_path_factory):
    return dataclasses.replace(OFFLINE, cache_dir=tmp_path_factory.mktemp("cache"))


def test_offline_bert_is_the_pretrained_minilm_with_bert_vocabulary(offline_cfg):
    tokenizer, model = text.load_bert(cfg=offline_cfg)
    assert (model.num_layers, model.hidden_dim, model.intermediate_dim) == (6, 384, 1536)
    assert model.count_params() == 22_713_216
    ids = text.encode_texts(tokenizer, SEED_TEXTS[:1], 8)["token_ids"][0].tolist()
    assert ids == [101, 2023, 3185, 2001, 6429, 1998, 10392, 102]  # as bert-base-uncased


def test_keras_hub_loads_the_packaged_weights(offline_cfg):
    from safetensors.numpy import load_file

    _, model = text.load_bert(cfg=offline_cfg)
    packaged = load_file(str(text.packaged_minilm() / "model.safetensors"))
    embeddings = model.get_layer("token_embedding").embeddings.numpy()
    assert np.array_equal(embeddings, packaged["embeddings.word_embeddings.weight"])


# The course's texts: lesson 03's examples (accents and emoji included) and the shipped SST-2 test set.
LESSON_03_TEXTS = [*SEED_TEXTS, "Transferability is unbelievably useful", "GPUs accelerate backpropagation",
                   "A naïve café owner", "I ❤️ 🤖 robots", "Café naïve résumé", "Ångström, Zürich, São Paulo"]


def test_keras_hub_and_transformers_tokenizers_give_identical_ids_accents_included(tokenizer):
    """KerasHub's tokenizer (strip_accents=True, as loaded) and transformers' (>= 5, NumPy outputs)."""
    from transformers import BertTokenizerFast

    reference = BertTokenizerFast.from_pretrained(text.packaged_minilm())
    texts = LESSON_03_TEXTS + text.load_sentiment(OFFLINE).test.texts
    ours = text.encode_texts(tokenizer, texts, 64)
    theirs = reference(texts, padding="max_length", truncation=True, max_length=64, return_tensors="np")
    np.testing.assert_array_equal(ours["token_ids"], theirs["input_ids"])
    np.testing.assert_array_equal(ours["padding_mask"], theirs["attention_mask"])


def test_without_strip_accents_the_converted_tokenizer_loses_accented_words():
    """Lesson 03's taught mistake: KerasHub's converter keeps accents unless told otherwise."""
    import keras_hub

    kept = keras_hub.models.BertTokenizer.from_preset(str(text.packaged_minilm()))
    assert np.asarray(kept("Café naïve résumé")).tolist() == [100, 100, 100]  # three [UNK]


def test_random_weights_differ_from_pretrained(offline_cfg):
    _, pretrained = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg)
    _, scratch = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg, pretrained=False)
    first = pretrained.backbone.get_layer("token_embedding").embeddings.numpy()
    other = scratch.backbone.get_layer("token_embedding").embeddings.numpy()
    assert first.shape == other.shape and not np.allclose(first, other)


def test_full_profile_hub_failure_is_one_sentence(tmp_path, monkeypatch, clean_environ):
    clean_environ.pop("HF_HUB_OFFLINE", None)
    clean_environ.pop("TRANSFORMERS_OFFLINE", None)
    clean_environ["HF_HOME"] = str(tmp_path)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    cfg = dataclasses.replace(PROFILES["full"], cache_dir=tmp_path)
    with pytest.raises(DownloadError, match="Could not download the bert-base-uncased model") as info:
        text.load_bert("bert-base-uncased", cfg=cfg)
    assert str(tmp_path) in str(info.value) and "TLUTILS_PROFILE=offline" in str(info.value)


def test_shipped_sst2_subset_is_balanced_and_tests_on_the_whole_dev_set():
    data = text.load_sentiment(dataclasses.replace(OFFLINE, text_max_train=None))
    assert (len(data.train), len(data.validation), len(data.test)) == (2000, 400, 872)
    assert data.train.labels.mean() == data.validation.labels.mean() == 0.5
    assert data.test.labels.sum() == 444  # GLUE's SST-2 dev set: 444 positive, 428 negative
    assert not (set(data.train.texts) | set(data.validation.texts)) & set(data.test.texts)
    assert not set(data.train.texts) & set(data.validation.texts)
    assert "SST-2 (GLUE)" in data.source


def test_the_template_set_stays_for_unit_tests():
    data = text.load_template_sentiment()
    assert (len(data.train), len(data.validation), len(data.test)) == (320, 80, 160)

    def words(texts):
        return {w for t in texts for w in re.findall(r"[a-z]+", t.lower())}

    test_only = words(data.test.texts) - words(data.train.texts)
    assert {"superb", "tedious"} <= test_only and "excellent" not in words(data.test.texts)


def test_shipped_data_is_what_the_generator_writes(tmp_path, monkeypatch):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "make_sentiment_data.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    monkeypatch.setattr(gen, "OUT", tmp_path)
    gen.main()
    for name in ("train", "validation", "test"):
        assert (tmp_path / f"{name}.csv").read_text() == (text.TEMPLATE_SET / f"{name}.csv").read_text()


def test_empty_texts_are_reported_with_their_line(tmp_path):
    path = tmp_path / "bad.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows([["text", "label"], ["fine", "1"], ["  ", "0"]])
    with pytest.raises(DataFileError, match=r"bad.csv, line 3: the text is empty"):
        text.read_csv_split(path)


# --- CSV files as people save them -----------------------------------------------------------------
GOOD = "text,label\nA fine film,1\nDull,0\n"


def test_a_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    split = text.read_csv_split(path)
    assert split.texts == ["A fine film", "Dull"] and split.labels.tolist() == [1, 0]


def test_quoted_commas_extra_columns_and_blank_lines_are_fine(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text('id,text,label\n1,"Good, really good",1\n\n2,"Bad\nand long",0\n')
    split = text.read_csv_split(path)
    assert split.texts == ["Good, really good", "Bad\nand long"] and split.labels.tolist() == [1, 0]


# (file bytes, the line named, words of the fix)
BAD_FILES = {
    "missing column": (b"review,label\nfine,1\n", "line 1", "name the columns text,label"),
    "semicolons": (b"text;label\nfine;1\n", "line 1", "separated by ';'"),
    "label positive": (b"text,label\nfine,1\ngreat,positive\n", "line 3", "write 0 (negative) or 1"),
    "label empty": (b"text,label\nfine,\n", "line 2", "label is empty"),
    "label 7": (b"text,label\nfine,7\n", "line 2", "label is '7', not 0 or 1"),
    "label -1": (b"text,label\nfine,1\nbad,-1\n", "line 3", "label is '-1', not 0 or 1"),
    "short row": (b"text,label\nfine,1\njust a text\n", "line 3", "every row needs a text and a label"),
    "unquoted comma": (b"text,label\nfine, really,1\n", "line 2", "double quotes"),
    "unclosed quote": (b'text,label\nfine,1\n"open quote,0\nnext,1\n', "line 3", "close the quote"),
    "latin-1": ("text,label\nfine,1\ncaf\u00e9 cr\u00e8me,1\n".encode("latin-1"), "line 3", "UTF-8"),
    "utf-16": (GOOD.encode("utf-16"), "UTF-16", "UTF-8"),
    "empty file": (b"", "is empty", "header line text,label"),
    "header only": (b"text,label\n", "no examples", "add one line"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_csv_file_gets_one_sentence_naming_file_line_and_fix(case, tmp_path):
    content, where, fix = BAD_FILES[case]
    path = tmp_path / "reviews.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        text.read_csv_split(path)
    message = str(info.value)
    assert message.startswith(str(path)) and where in message and fix in message, message
    assert "\n" not in message and message.endswith(".")


def test_an_empty_validation_split_stops_load_sentiment(tmp_path, monkeypatch):
    for name in ("train", "validation", "test"):
        (tmp_path / f"{name}.csv").write_text(GOOD if name != "validation" else "text,label\n")
    monkeypatch.setattr(text.data, "SST2_SUBSET", tmp_path)
    with pytest.raises(DataFileError, match="validation.csv has a header but no examples"):
        text.load_sentiment(OFFLINE)


# --- The text helpers ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tokenizer(offline_cfg):
    return text.load_bert(cfg=offline_cfg)[0]


def test_encode_texts_accepts_a_numpy_array_of_strings(tokenizer):
    encoded = text.encode_texts(tokenizer, np.array(SEED_TEXTS), 16)
    assert encoded["token_ids"].shape == (2, 16)
    assert encoded["token_ids"].tolist() == text.encode_texts(tokenizer, SEED_TEXTS, 16)["token_ids"].tolist()


@pytest.mark.parametrize("texts, words", [
    ([], "texts is empty"),
    (["fine", None], "texts[1] is None"),
    (["fine", "good", 3.5], "texts[2] is 3.5 (float)"),
    ("one string", "pass [text]"),
])
def test_encode_texts_names_the_bad_element(tokenizer, texts, words):
    with pytest.raises(InputError) as info:
        text.encode_texts(tokenizer, texts, 16)
    assert words in str(info.value)


@pytest.mark.parametrize("max_length, words", [(0, "from 2"), (-3, "from 2"), (513, "512 positions"),
                                                (2.5, "whole number")])
def test_encode_texts_states_the_length_limit(tokenizer, max_length, words):
    with pytest.raises(InputError) as info:
        text.encode_texts(tokenizer, SEED_TEXTS, max_length)
    assert words in str(info.value) and "512" in str(info.value)


def test_encode_texts_takes_the_full_512_positions(tokenizer):
    assert text.encode_texts(tokenizer, SEED_TEXTS, 512)["token_ids"].shape == (2, 512)


def test_mean_pool_of_an_all_zero_mask_is_finite():
    pooled = text.mean_pool(np.ones((2, 3, 4)), np.array([[1, 1, 0], [0, 0, 0]]))
    assert np.isfinite(pooled).all() and pooled[0].tolist() == [1.0] * 4 and pooled[1].tolist() == [0.0] * 4


def test_predict_labels_on_a_bare_encoder_says_it_needs_a_classifier(offline_cfg, tokenizer):
    _, encoder = text.load_bert(cfg=offline_cfg)
    with pytest.raises(InputError, match="returns hidden states, not class scores.*task='classification'"):
        text.predict_labels(encoder, text.encode_texts(tokenizer, SEED_TEXTS, 8))


def test_load_bert_with_an_unknown_task_names_the_choices(offline_cfg):
    with pytest.raises(InputError, match="Unknown task 'qa': choose task=None .* task='classification'"):
        text.load_bert(task="qa", cfg=offline_cfg)


def test_offline_substitution_is_announced_once(offline_cfg, capsys, monkeypatch):
    monkeypatch.setattr(text.encoders, "_noticed", set())
    text.pretrained_source("no-such/model", offline_cfg)
    text.pretrained_source("no-such/model", offline_cfg)
    out = capsys.readouterr().out
    assert out.count("'no-such/model' is not downloaded; the packaged all-MiniLM-L6-v2") == 1


def test_offline_max_length_cuts_few_shipped_texts(tokenizer, offline_cfg):
    """The offline profile cuts texts at cfg.max_length tokens to save time; at most 1 % are cut."""
    data = text.load_sentiment(offline_cfg)
    texts = [t for split in (data.train, data.validation, data.test) for t in split.texts]
    lengths = text.encode_texts(tokenizer, texts, 512)["padding_mask"].sum(axis=1)
    assert (lengths > offline_cfg.max_length).mean() <= 0.01, np.sort(lengths)[-20:]


def tiny_classifier(seed=0):
    """A 1-layer, 16-wide BERT classifier with the uncased vocabulary (random weights)."""
    import keras
    import keras_hub

    keras.utils.set_random_seed(seed)
    backbone = keras_hub.models.BertBackbone(vocabulary_size=30522, num_layers=1, num_heads=2, hidden_dim=16,
                                             intermediate_dim=32, max_sequence_length=512)
    return keras_hub.models.BertTextClassifier(backbone, num_classes=2, preprocessor=None)


def test_a_saved_classifier_reloads_with_the_same_answers_and_its_training_record(tokenizer, tmp_path):
    model = tiny_classifier()
    folder = tmp_path / "models" / "sentiment-offline"
    record = {"profile": "offline", "learning_rate": 5e-5, "seconds": 12.5}
    text.save_classifier(model, tokenizer, folder, record)
    text.save_classifier(model, tokenizer, folder, record)  # saving again replaces the folder whole
    assert sorted(p.name for p in tmp_path.joinpath("models").iterdir()) == ["sentiment-offline"]
    reloaded_tokenizer, reloaded, training = text.load_classifier(folder, expected={"profile": "offline"})
    assert training == record
    before = text.classify_sentence(tokenizer, model, SEED_TEXTS[0], 16)
    after = text.classify_sentence(reloaded_tokenizer, reloaded, SEED_TEXTS[0], 16)
    assert [name for name, _ in after] == [name for name, _ in before]
    assert np.allclose([p for _, p in after], [p for _, p in before], atol=1e-6)
    assert abs(sum(p for _, p in after) - 1) < 1e-6
    assert text.load_classifier(folder, expected={"learning_rate": 2e-3}) is None  # another recipe
    with pytest.raises(InputError, match="The text is empty"):
        text.classify_sentence(tokenizer, model, "  ", 16)


@pytest.mark.parametrize("where", ["flush", "rename aside", "rename in"])
def test_an_interrupted_save_leaves_a_loadable_classifier(where, tokenizer, tmp_path, monkeypatch):
    """Ctrl-C while the new copy is flushed, or between the renames: a classifier still loads
    (the old one, or the new one), and the next save works."""
    import tlutils.files
    from pathlib import Path

    old, new = tiny_classifier(0), tiny_classifier(1)
    folder = tmp_path / "sentiment-offline"
    text.save_classifier(old, tokenizer, folder, {"which": "old"})
    real_replace, calls = Path.replace, []

    def interrupted(self, target):
        calls.append(Path(target).name)
        renames = [name for name in calls if not name.startswith(tlutils.files.PARTIAL)]
        if where == "rename aside" and len(renames) == 1 or where == "rename in" and len(renames) == 2:
            raise KeyboardInterrupt
        return real_replace(self, target)

    if where == "flush":
        monkeypatch.setattr(tlutils.files, "_fsync", lambda path: (_ for _ in ()).throw(KeyboardInterrupt()))
    else:
        monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        text.save_classifier(new, tokenizer, folder, {"which": "new"})
    monkeypatch.undo()
    loaded = text.load_classifier(folder)
    assert loaded is not None and loaded[2]["which"] == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sentiment-offline"]
    text.save_classifier(new, tokenizer, folder, {"which": "new"})
    assert text.load_classifier(folder)[2] == {"which": "new"}


def test_dynamic_padding_keeps_the_answers_of_fixed_padding(offline_cfg, tokenizer):
    """Batches padded to their own longest text are narrower than max_length, and the classifier
    (attention masks ignore padding) predicts the same classes as on fully padded inputs."""
    _, model = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg)
    encoded = text.encode_texts(tokenizer, SEED_TEXTS, 32)
    labels = np.zeros(len(SEED_TEXTS), dtype=int)
    widths = {int(batch["token_ids"].shape[1]) for batch, _ in text.padded_batches(encoded, labels, batch_size=2)}
    assert max(widths) < 32
    fixed = np.asarray(model(encoded, training=False)).argmax(axis=1)
    np.testing.assert_array_equal(text.predict_labels(model, encoded), fixed)


def test_predict_logits_scores_shortest_first_and_answers_in_the_given_order(offline_cfg, tokenizer):
    """Texts of mixed lengths, longest first: each row is that text's own scores."""
    _, model = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg)
    texts = ["a long review that goes on and on about the plot, the actors and the music", "fine",
             "the worst film of the year", "great"] * 20  # 80 texts: two batches of 64 and 16
    encoded = text.encode_texts(tokenizer, texts, 32)
    one_by_one = np.concatenate([np.asarray(model(text.encode_texts(tokenizer, [t], 32), training=False))
                                 for t in texts[:4]])
    np.testing.assert_allclose(text.predict_logits(model, encoded), np.tile(one_by_one, (20, 1)), atol=1e-4)


def test_warmup_schedule_rises_then_decays_to_zero():
    schedule = text.warmup_schedule(1e-3, num_train_steps=20, num_warmup_steps=4)
    rates = [float(schedule(step)) for step in range(21)]
    assert rates[0] == 0.0 and abs(rates[4] - 1e-3) < 1e-9 and rates[20] < 1e-9
    assert all(a < b for a, b in zip(rates[:4], rates[1:5])) and all(a >= b for a, b in zip(rates[4:], rates[5:]))


# --- A damaged saved classifier is named, with the fix -------------------------------------------
@pytest.fixture
def saved_tiny_classifier(tokenizer, tmp_path):
    """A 1-layer, 16-wide BERT classifier (the MiniLM tokenizer) saved by save_classifier."""
    model = tiny_classifier()
    return model, text.save_classifier(model, tokenizer, tmp_path / "sentiment-offline", {"profile": "offline"})


DAMAGE = {"model missing": ("model.weights.h5", lambda p: p.unlink()),
          "model cut short": ("model.weights.h5", lambda p: p.write_bytes(p.read_bytes()[:5000])),
          "model scribbled over": ("model.weights.h5", lambda p: p.write_bytes(p.read_bytes()[:-4096] + b"\x7f" * 4096)),
          "architecture cut short": ("model.json", lambda p: p.write_text(p.read_text()[:-40])),
          "vocabulary missing": ("vocab.txt", lambda p: p.unlink()),
          "tokenizer emptied": ("tokenizer.json", lambda p: p.write_text(""))}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_saved_classifier_names_the_file_and_the_fix(damage, saved_tiny_classifier):
    _, folder = saved_tiny_classifier
    name, spoil = DAMAGE[damage]
    spoil(folder / name)
    with pytest.raises(DataFileError) as info:
        text.load_classifier(folder)
    message = str(info.value)
    assert message.startswith(str(folder / name)) and "\n" not in message
    assert message.endswith("run the cell that saved it (tlutils.text.save_classifier) again.")


def test_a_classifier_whose_scores_are_not_finite_is_refused(saved_tiny_classifier, tokenizer):
    model, folder = saved_tiny_classifier
    model.output_dense.bias.assign([np.nan, 0.0])
    text.save_classifier(model, tokenizer, folder, {"profile": "offline"})
    with pytest.raises(DataFileError, match=r"model.weights.h5 holds weights that give scores that are not finite"):
        text.load_classifier(folder)


# The last two: emoji only, and letters outside the vocabulary; the tokenizer reads each as [UNK]
# (issue 27: they were scored 50/50 with no warning).
@pytest.mark.parametrize("nothing", ["\u200b\u200b", "\u200f\u202e", "\x00\x07", "\u2060 \ufeff",
                                     "\U0001f600\U0001f44d \U0001f525", "\u16a0\u16a2\u16a6"])
def test_a_text_of_invisible_characters_is_refused_not_classified(nothing, tokenizer):
    def model(*args, **kwargs):
        raise AssertionError("a text without words was classified")

    with pytest.raises(InputError, match=r"^The text has no words the model can read \(empty"):
        text.classify_sentence(tokenizer, model, nothing, 16)


class FakeClassifier:
    """A classifier stand-in that takes ``seconds`` per batch and scores every text 0, 0."""

    def __init__(self, seconds=0.0):
        self.seconds = seconds

    def __call__(self, batch, training=False):
        import time
        import types

        import tensorflow as tf

        time.sleep(self.seconds)
        return types.SimpleNamespace(logits=tf.zeros((len(batch["token_ids"]), 2)))


def test_texts_without_words_are_named_in_a_batch(tokenizer, capsys):
    encoded = text.encode_texts(tokenizer, ["", "a fine film", "\u200b", "dull", "\U0001f600\U0001f600"], 8)
    assert text.predict_logits(FakeClassifier(), encoded).shape == (5, 2)
    assert capsys.readouterr().out == (f"Note: 3 text(s) have {text.NO_WORDS}, so their scores mean nothing: "
                                       "positions 0, 2, 4.\n")


def test_long_scoring_shows_progress_and_short_scoring_does_not(tokenizer, capsys, monkeypatch):
    monkeypatch.delenv("TLUTILS_PROGRESS_AFTER", raising=False)  # the tests' setting: no bar
    encoded = text.encode_texts(tokenizer, ["a fine film"] * 200, 8)  # four batches of 64
    text.predict_logits(FakeClassifier(), encoded)
    assert "scoring texts" not in capsys.readouterr().err
    monkeypatch.setattr(text.classifier, "PROGRESS_AFTER", 0.05)
    text.predict_logits(FakeClassifier(seconds=0.06), encoded)
    assert "scoring texts: 100%" in capsys.readouterr().err
    monkeypatch.setenv("TLUTILS_PROGRESS_AFTER", "inf")
    text.predict_logits(FakeClassifier(seconds=0.06), encoded)
    assert "scoring texts" not in capsys.readouterr().err


def test_sentence_vectors_batched_by_length_equal_one_padded_batch(tokenizer):
    """Cutting each batch to its longest text changes no sentence vector, and rows keep their order."""
    _, backbone = text.load_bert(cfg=PROFILES["offline"])
    texts = ["a fine film", "the plot wanders for two long hours before it finds anything to say", "dull", ""]
    encoded = text.encode_texts(tokenizer, texts, 24)
    whole = text.mean_pool(backbone(encoded)["sequence_output"], encoded["padding_mask"])
    batched = text.sentence_vectors(backbone, encoded, batch_size=2)
    np.testing.assert_allclose(batched, whole, atol=1e-5)
    assert [len(rows) for rows, _ in text.length_batches(encoded, 2)] == [2, 2]
