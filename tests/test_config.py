"""Profiles and tlutils.setup()."""
import random

import numpy as np
import pytest

import tlutils
from tlutils import config


def test_default_profile_is_full(monkeypatch):
    monkeypatch.delenv("TLUTILS_PROFILE", raising=False)
    cfg = config.resolve()
    assert cfg.profile == "full" and not cfg.offline and not cfg.vision_stand_in


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
    assert full.epochs >= quick.epochs and quick.max_train is not None
    assert offline.offline and offline.vision_stand_in and not quick.vision_stand_in


# Each profile's models and sources, as the modules chose them by the profile's name before the
# Config table decided them: (downloads nothing, the lessons' VGG16 / ResNet50 preprocessing, the
# capstone's screenshot base and its input size, the text checkpoint).
BEFORE = {
    "full": (False, "vgg16", "resnet50", "ResNet50 (ImageNet, Keras)", 224, "bert-base-uncased"),
    "quick": (False, "vgg16", "resnet50", "ResNet50 (ImageNet, Keras)", 128, "bert-base-uncased"),
    "offline": (True, "efficientnet", "efficientnet", "EfficientNet-Lite0 (ImageNet, packaged)", 224,
                "all-MiniLM-L6-v2 (packaged, loaded with KerasHub)"),
}


@pytest.mark.parametrize("profile", list(BEFORE))
def test_each_profile_loads_the_models_it_loaded_before_the_table(profile):
    from tlutils.models import base_application
    from tlutils.phishing.screenshot_model import base_name
    from tlutils.text.encoders import source_name

    cfg = config.PROFILES[profile]
    assert (cfg.offline, base_application("vgg16", cfg), base_application("resnet50", cfg), base_name(cfg),
            cfg.screenshot_size, source_name(cfg=cfg)) == BEFORE[profile]


def test_the_challenge_sizes_cover_exactly_the_profiles():
    from tlutils.challenge.sizes import SIZES

    assert list(SIZES) == list(config.PROFILES)


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
    for text in ("tensorflow 2.21.0", "profile: offline", "device: CPU", "EfficientNet-Lite0 (ImageNet) stands in"):
        assert text in out
    assert clean_environ["HF_HUB_OFFLINE"] == "1"


def test_setup_without_banner_in_real_profiles(capsys, clean_environ, tmp_path):
    clean_environ["TLUTILS_CACHE"] = str(tmp_path)
    tlutils.setup("quick")
    out = capsys.readouterr().out
    assert "stands in" not in out
    assert clean_environ.get("HF_HUB_OFFLINE") != "1"


def test_setup_seeds_python_numpy_and_tensorflow(clean_environ, tmp_path):
    import tensorflow as tf

    clean_environ["TLUTILS_CACHE"] = str(tmp_path)
    draws = []
    for _ in range(2):
        tlutils.setup("offline", seed=7, verbose=False)
        draws.append((random.random(), np.random.rand(), float(tf.random.uniform(()))))
    assert draws[0] == draws[1]


# --- The cache folder, checked once by setup() ------------------------------------------------------
from tlutils.errors import FolderError  # noqa: E402


def _cache_error(clean_environ, folder) -> str:
    clean_environ["TLUTILS_CACHE"] = str(folder)
    with pytest.raises(FolderError) as info:
        tlutils.setup("offline", verbose=False)
    message = str(info.value)
    assert "\n" not in message and "internet" not in message and "TLUTILS_CACHE=" in message
    return message


def test_a_cache_that_is_a_file_is_named(clean_environ, tmp_path):
    (tmp_path / "cache").write_text("not a folder")
    assert "is not a folder" in _cache_error(clean_environ, tmp_path / "cache")


def test_a_cache_under_a_file_names_the_file(clean_environ, tmp_path):
    (tmp_path / "notes.txt").write_text("")
    message = _cache_error(clean_environ, tmp_path / "notes.txt" / "cache")
    assert f"lies under {tmp_path / 'notes.txt'}, which is not a folder" in message


def test_an_unwritable_cache_is_not_called_a_network_failure(clean_environ, unwritable_folder):
    assert "is not writable" in _cache_error(clean_environ, unwritable_folder)


def test_a_cache_in_an_unwritable_parent_is_named(clean_environ, unwritable_folder):
    message = _cache_error(clean_environ, unwritable_folder / "tlutils-cache")
    assert "is not writable" in message and "tlutils-cache" in message


def test_an_empty_cache_variable_is_refused(clean_environ, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    clean_environ["TLUTILS_CACHE"] = ""
    with pytest.raises(FolderError, match="TLUTILS_CACHE is set but empty"):
        tlutils.setup("offline", verbose=False)
    assert not any(tmp_path.iterdir())  # nothing was written in the current folder


def test_a_full_disk_during_a_download_is_not_a_network_failure(tmp_path):
    import errno

    from tlutils.downloads import downloading

    with pytest.raises(OSError) as info:
        with downloading("the VGG16 weights", tmp_path):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert not isinstance(info.value, tlutils.DownloadError)


def test_setup_points_keras_at_the_course_cache_even_when_keras_came_first(clean_environ, tmp_path):
    import keras  # noqa: F401 (imported before setup(), as a command line or a learner may)
    from keras.src.backend import config as keras_config

    clean_environ.pop("KERAS_HOME", None)
    for cache in (tmp_path / "a", tmp_path / "b"):  # a second setup() with another cache follows it
        clean_environ["TLUTILS_CACHE"] = str(cache)
        tlutils.setup("quick", verbose=False)
        assert keras_config.keras_home() == str(cache / "keras") == clean_environ["KERAS_HOME"]
    clean_environ["KERAS_HOME"] = str(tmp_path / "mine")  # the learner's own choice wins
    tlutils.setup("quick", verbose=False)
    assert clean_environ["KERAS_HOME"] == str(tmp_path / "mine")


@pytest.mark.parametrize("case", ["profile", "cache"])
def test_setups_own_errors_are_one_sentence_in_a_notebook(case, clean_environ, capfd, unwritable_folder):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.custom_exceptions = ()  # as in a fresh kernel: no handler before setup() runs
    clean_environ["TLUTILS_PROFILE"] = "turbo" if case == "profile" else "offline"
    clean_environ["TLUTILS_CACHE"] = str(unwritable_folder / "cache")
    shell.run_cell("import tlutils\ncfg = tlutils.setup()")
    captured = capfd.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    assert lines[0].startswith("InputError: Unknown profile 'turbo'" if case == "profile"
                               else f"FolderError: The course cache {unwritable_folder / 'cache'}")
