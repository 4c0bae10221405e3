"""The text track: real pretrained weights offline, the shipped data, clear failures."""
import csv
import dataclasses
import re

import numpy as np
import pytest

from tlutils import PROFILES, DownloadError
from tlutils import text

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
    with pytest.raises(ValueError, match=r"empty text on line\(s\) \[3\]"):
        text.read_csv_split(path)
