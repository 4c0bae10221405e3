"""A failed download says, in one sentence, what failed and how to go on."""
import dataclasses

import keras
import pytest
from IPython.core.interactiveshell import InteractiveShell

from tlutils import PROFILES, DownloadError
from tlutils.downloads import downloading, failure_message, install_notebook_handler


def test_network_errors_become_one_sentence():
    with pytest.raises(DownloadError) as info:
        with downloading("the tf_flowers dataset", "/cache/tfds"):
            raise ConnectionError("Max retries exceeded\n  (Name or service not known)")
    message = str(info.value)
    assert message.startswith("Could not download the tf_flowers dataset (Max retries exceeded")
    assert "/cache/tfds" in message and "TLUTILS_PROFILE=offline" in message
    assert "\n" not in message and message.count(". ") == 0  # one sentence
    assert isinstance(info.value.__cause__, ConnectionError)


def test_other_errors_pass_through():
    with pytest.raises(ValueError, match="bad shape"):
        with downloading("weights"):
            raise ValueError("bad shape")


def test_long_reasons_are_shortened():
    assert len(failure_message("x", OSError("y" * 1000))) < 400


def test_keras_weights_download_fails_fast_and_clearly(tmp_path, monkeypatch):
    """The real keras.applications download path, with the network cut by conftest."""
    monkeypatch.setattr(keras.src.utils.file_utils.config, "keras_home", lambda: str(tmp_path))
    with pytest.raises(DownloadError, match="Could not download the VGG16 ImageNet weights"):
        with downloading("the VGG16 ImageNet weights", tmp_path):
            keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))


def test_notebook_handler_shows_one_line_for_a_lesson_cell(capfd):
    shell = InteractiveShell.instance()
    assert install_notebook_handler()
    shell.run_cell("raise Exception('URL fetch failure on https://example/w.h5: None -- "
                   "[Errno -2] Name or service not known')")
    err = capfd.readouterr().err
    assert err.strip().startswith("DownloadError: Could not download pretrained weights")
    assert "Traceback" not in err
    shell.run_cell("1 / 0")  # anything else keeps its usual traceback
    assert "ZeroDivisionError" in capfd.readouterr().out


def test_dataset_download_in_full_profile_raises_download_error(tmp_path, monkeypatch):
    import tensorflow_datasets.core.download.downloader as downloader

    import tlutils.data

    monkeypatch.setattr(downloader, "MAX_RETRIES", 0)  # tfds would back off for 3 minutes
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    cfg = dataclasses.replace(PROFILES["full"], cache_dir=tmp_path)
    with pytest.raises(DownloadError) as info:
        tlutils.data.load_tf_flowers(cfg)
    assert "Could not download the tf_flowers dataset" in str(info.value)
    assert str(tmp_path) in str(info.value)
