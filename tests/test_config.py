"""Profiles and tlutils.setup()."""
import random

import numpy as np
import pytest

import tlutils
from tlutils import config


def test_default_profile_is_full(monkeypatch):
    monkeypatch.delenv("TLUTILS_PROFILE", raising=False)
    cfg = config.resolve()
    assert cfg.profile == "full" and cfg.weights == "imagenet" and not cfg.dry_run


def test_environment_variable_chooses_profile(monkeypatch):
    monkeypatch.setenv("TLUTILS_PROFILE", " Quick ")
    assert config.resolve().profile == "quick"


def test_unknown_profile_names_the_choices(monkeypatch):
    monkeypatch.setenv("TLUTILS_PROFILE", "turbo")
    with pytest.raises(ValueError, match="full, quick, offline"):
        config.resolve()


def test_profiles_shrink_from_full_to_offline():
    full, quick, offline = (config.PROFILES[n] for n in ("full", "quick", "offline"))
    assert full.image_size > quick.image_size > offline.image_size >= 32  # VGG16's minimum
    assert full.max_train is None and quick.max_train > offline.max_train
    assert offline.dry_run and offline.offline and not quick.dry_run


def test_cache_folder_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TLUTILS_CACHE", str(tmp_path))
    monkeypatch.delenv("TFDS_DATA_DIR", raising=False)
    cfg = config.resolve("offline")
    assert cfg.cache_dir == tmp_path and cfg.tfds_dir == tmp_path / "tensorflow_datasets"


def test_setup_prints_versions_profile_device_and_banner(capsys, clean_environ, tmp_path):
    clean_environ["TLUTILS_CACHE"] = str(tmp_path)
    cfg = tlutils.setup("offline")
    out = capsys.readouterr().out
    assert cfg.profile == "offline" and tlutils.current() is cfg
    for text in ("tensorflow 2.21.0", "profile: offline", "device: CPU", "OFFLINE DRY RUN"):
        assert text in out
    assert clean_environ["HF_HUB_OFFLINE"] == "1"


def test_setup_without_banner_in_real_profiles(capsys, clean_environ, tmp_path):
    clean_environ["TLUTILS_CACHE"] = str(tmp_path)
    tlutils.setup("quick")
    assert "DRY RUN" not in capsys.readouterr().out
    assert clean_environ.get("HF_HUB_OFFLINE") != "1"


def test_setup_seeds_python_numpy_and_tensorflow(clean_environ, tmp_path):
    import tensorflow as tf

    clean_environ["TLUTILS_CACHE"] = str(tmp_path)
    draws = []
    for _ in range(2):
        tlutils.setup("offline", seed=7, verbose=False)
        draws.append((random.random(), np.random.rand(), float(tf.random.uniform(()))))
    assert draws[0] == draws[1]
