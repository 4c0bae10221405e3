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
    assert (model.config.num_hidden_layers, model.config.hidden_size) == (6, 384)
    ids = tokenizer(SEED_TEXTS[0])["input_ids"]
    assert ids == [101, 2023, 3185, 2001, 6429, 1998, 10392, 102]  # as bert-base-uncased


def test_conversion_is_cached_and_loads_the_packaged_weights(offline_cfg):
    from safetensors.numpy import load_file

    source = text.pretrained_source(cfg=offline_cfg)
    stamp = (offline_cfg.cache_dir / "minilm-l6-tf" / "tf_model.h5").stat().st_mtime_ns
    assert text.pretrained_source(cfg=offline_cfg) == source
    assert (offline_cfg.cache_dir / "minilm-l6-tf" / "tf_model.h5").stat().st_mtime_ns == stamp
    _, model = text.load_bert(cfg=offline_cfg)
    packaged = load_file(str(text._packaged_minilm() / "model.safetensors"))
    embeddings = next(w for w in model.weights if "word_embeddings" in w.name).numpy()
    assert np.array_equal(embeddings, packaged["embeddings.word_embeddings.weight"])


def test_random_weights_differ_from_pretrained(offline_cfg):
    _, pretrained = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg)
    _, scratch = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg,
                                pretrained=False)
    first = [w for w in pretrained.weights if "word_embeddings" in w.name][0].numpy()
    other = [w for w in scratch.weights if "word_embeddings" in w.name][0].numpy()
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


def test_shipped_sentiment_set_is_balanced_and_tests_unseen_words():
    data = text.load_sentiment(OFFLINE)
    assert (len(data.train), len(data.validation), len(data.test)) == (320, 80, 160)
    for split in (data.train, data.validation, data.test):
        assert split.labels.mean() == 0.5
    seen = set(data.train.texts) | set(data.validation.texts)
    assert not seen & set(data.test.texts)

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
        assert (tmp_path / f"{name}.csv").read_text() == (text.DATA_DIR / "sentiment" / f"{name}.csv").read_text()


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
        (tmp_path / "sentiment").mkdir(exist_ok=True)
        (tmp_path / "sentiment" / f"{name}.csv").write_text(GOOD if name != "validation" else "text,label\n")
    monkeypatch.setattr(text, "DATA_DIR", tmp_path)
    with pytest.raises(DataFileError, match="validation.csv has a header but no examples"):
        text.load_sentiment(OFFLINE)


# --- The text helpers ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tokenizer(offline_cfg):
    return text.load_bert(cfg=offline_cfg)[0]


def test_encode_texts_accepts_a_numpy_array_of_strings(tokenizer):
    encoded = text.encode_texts(tokenizer, np.array(SEED_TEXTS), 16)
    assert encoded["input_ids"].shape == (2, 16)
    assert encoded["input_ids"].tolist() == text.encode_texts(tokenizer, SEED_TEXTS, 16)["input_ids"].tolist()


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
    assert text.encode_texts(tokenizer, SEED_TEXTS, 512)["input_ids"].shape == (2, 512)


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
    monkeypatch.setattr(text, "_noticed", set())
    text.pretrained_source("no-such/model", offline_cfg)
    text.pretrained_source("no-such/model", offline_cfg)
    out = capsys.readouterr().out
    assert out.count("'no-such/model' is not downloaded; the packaged all-MiniLM-L6-v2") == 1


def test_offline_max_length_holds_every_shipped_text(tokenizer, offline_cfg):
    """The offline profile pads to 20 tokens to save time; no text of the shipped set may be cut."""
    cfg = offline_cfg
    data = text.load_sentiment(cfg)
    texts = [t for split in (data.train, data.validation, data.test) for t in split.texts]
    longest = max(len(tokenizer(t)["input_ids"]) for t in texts)
    assert longest <= cfg.max_length, f"a shipped text has {longest} tokens > {cfg.max_length}"


def test_a_saved_classifier_reloads_with_the_same_answers_and_its_training_record(offline_cfg, tmp_path):
    tokenizer, model = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg)
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


def test_dynamic_padding_keeps_the_answers_of_fixed_padding(offline_cfg, tokenizer):
    """Batches padded to their own longest text are narrower than max_length, and the classifier
    (attention masks ignore padding) predicts the same classes as on fully padded inputs."""
    _, model = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg)
    encoded = text.encode_texts(tokenizer, SEED_TEXTS, 32)
    widths = {int(batch["input_ids"].shape[1]) for batch in text.padded_batches(encoded, batch_size=2)}
    assert max(widths) < 32
    fixed = model(encoded, training=False).logits.numpy().argmax(axis=1)
    np.testing.assert_array_equal(text.predict_labels(model, encoded), fixed)


def test_predict_logits_scores_shortest_first_and_answers_in_the_given_order(offline_cfg, tokenizer):
    """Texts of mixed lengths, longest first: each row is that text's own scores."""
    _, model = text.load_bert(task="classification", num_labels=2, cfg=offline_cfg)
    texts = ["a long review that goes on and on about the plot, the actors and the music", "fine",
             "the worst film of the year", "great"] * 20  # 80 texts: two batches of 64 and 16
    encoded = text.encode_texts(tokenizer, texts, 32)
    one_by_one = np.concatenate([model(text.encode_texts(tokenizer, [t], 32), training=False).logits.numpy()
                                 for t in texts[:4]])
    np.testing.assert_allclose(text.predict_logits(model, encoded), np.tile(one_by_one, (20, 1)), atol=1e-4)


def test_warmup_adam_computes_what_create_optimizers_adam_computes():
    """Same schedule, same updates (embedding rows with repeated tokens included), within float
    rounding: warmup_adam changes how fast the update runs, not what it is."""
    import tensorflow as tf
    from transformers import create_optimizer

    reference, schedule = create_optimizer(init_lr=1e-2, num_train_steps=8, num_warmup_steps=2)
    fused = text.warmup_adam(1e-2, 8, 2)
    assert [float(fused.learning_rate(s)) for s in range(9)] == [float(schedule(s)) for s in range(9)]
    rng = np.random.default_rng(0)
    start = [rng.normal(size=(50, 4)).astype("float32"), rng.normal(size=(4, 2)).astype("float32")]
    tokens = tf.constant([[3, 7, 7, 11], [7, 0, 3, 49]])  # repeated rows: 7 three times, 3 twice
    targets = tf.constant(rng.normal(size=(2, 4, 2)).astype("float32"))
    trained = []
    for optimizer in (reference, fused):
        table, dense = tf.Variable(start[0]), tf.Variable(start[1])
        for _ in range(8):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((tf.gather(table, tokens) @ dense - targets) ** 2)
            gradients = tape.gradient(loss, [table, dense])
            assert isinstance(gradients[0], tf.IndexedSlices)
            optimizer.apply_gradients(zip(gradients, [table, dense]))
        trained.append([table.numpy(), dense.numpy()])
    assert not np.allclose(trained[1][0], start[0])  # it trained, rows never seen stayed put
    np.testing.assert_array_equal(trained[1][0][[1, 2]], start[0][[1, 2]])
    for ours, theirs in zip(trained[1], trained[0]):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


def test_fit_classifier_builds_its_training_graph_once(tokenizer):
    """compile_once creates the legacy Adam's slots before fit: one trace, not two (4-9 s each
    for MiniLM; a one-layer BERT here, to keep the test short)."""
    from transformers import BertConfig, TFBertForSequenceClassification

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, num_labels=2)
    model = text.skip_autograph(TFBertForSequenceClassification(config))
    encoded = text.encode_texts(tokenizer, SEED_TEXTS * 2, 16)
    model(encoded)  # creates the weights, as from_pretrained does
    text.fit_classifier(model, (encoded, np.array([1, 0, 1, 0])), 5e-5, 2, batch_size=2, verbose=0)
    assert model.train_function.experimental_get_tracing_count() == 1


# --- A damaged saved classifier is named, with the fix -------------------------------------------
@pytest.fixture
def saved_tiny_classifier(tokenizer, tmp_path):
    """A 1-layer, 16-wide BERT classifier (the MiniLM tokenizer) saved by save_classifier."""
    from transformers import BertConfig, TFBertForSequenceClassification

    model = TFBertForSequenceClassification(BertConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                                       intermediate_size=32, num_labels=2))
    model(model.dummy_inputs)
    return model, text.save_classifier(model, tokenizer, tmp_path / "sentiment-offline", {"profile": "offline"})


DAMAGE = {"weights missing": ("tf_model.h5", lambda p: p.unlink()),
          "weights cut short": ("tf_model.h5", lambda p: p.write_bytes(p.read_bytes()[:5000])),
          "weights scribbled over": ("tf_model.h5", lambda p: p.write_bytes(
              p.read_bytes()[:-4096] + b"\x7f" * 4096)),
          "config cut short": ("config.json", lambda p: p.write_text(p.read_text()[:40])),
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
    model.classifier.bias.assign([np.nan, 0.0])
    text.save_classifier(model, tokenizer, folder, {"profile": "offline"})
    with pytest.raises(DataFileError, match=r"tf_model.h5 holds weights that give scores that are not finite"):
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
        return types.SimpleNamespace(logits=tf.zeros((len(batch["input_ids"]), 2)))


def test_texts_without_words_are_named_in_a_batch(tokenizer, capsys):
    encoded = text.encode_texts(tokenizer, ["", "a fine film", "\u200b", "dull", "\U0001f600\U0001f600"], 8)
    assert text.predict_logits(FakeClassifier(), encoded).shape == (5, 2)
    assert capsys.readouterr().out == (f"Note: 3 text(s) have {text.NO_WORDS}, so their scores mean nothing: "
                                       "positions 0, 2, 4.\n")


def test_long_scoring_shows_progress_and_short_scoring_does_not(tokenizer, capsys, monkeypatch):
    encoded = text.encode_texts(tokenizer, ["a fine film"] * 200, 8)  # four batches of 64
    text.predict_logits(FakeClassifier(), encoded)
    assert "scoring texts" not in capsys.readouterr().err
    monkeypatch.setattr(text, "PROGRESS_AFTER", 0.05)
    text.predict_logits(FakeClassifier(seconds=0.06), encoded)
    assert "scoring texts: 100%" in capsys.readouterr().err
