"""A failed download says, in one sentence, what failed and how to go on."""
import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time

import keras
import pytest
from IPython.core.interactiveshell import InteractiveShell

import tlutils
from conftest import ROOT, SILENCE
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


def test_notebook_handler_shows_any_course_error_as_its_sentence(capfd):
    shell = InteractiveShell.instance()
    assert install_notebook_handler()
    shell.run_cell("from tlutils.errors import FolderError\n"
                   "raise FolderError('The course cache /x is not writable (read-only file system): choose')")
    captured = capfd.readouterr()
    assert captured.err.strip() == ("FolderError: The course cache /x is not writable (read-only file system): "
                                    "choose")
    assert "Traceback" not in captured.out + captured.err


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


# --- Dead and stalled networks, simulated on loopback (see conftest) ------------------------------

DEAD_LIMIT = 10.0  # the one sentence within 10 s on a dead network
STALL_LIMIT = 4 * SILENCE + 3.0  # a few silent waits (connect, a retry) and some start-up


def seconds_to_error(call, limit):
    """Run ``call`` in a thread; return (seconds, exception). Fails if nothing is raised in time
    (the thread of a hanging download is left behind as a daemon)."""
    outcome = {}

    def target():
        start = time.perf_counter()
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 (the test inspects it)
            outcome["error"] = exc
        outcome["seconds"] = time.perf_counter() - start

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"no error within {limit:.0f} s: the download is still waiting"
    assert "error" in outcome, "the download did not fail"
    return outcome["seconds"], outcome["error"]


def full_cfg(tmp_path, monkeypatch, clean_environ):
    """The full profile with an empty cache in tmp_path and every library allowed online."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HOME", "KERAS_HOME"):
        clean_environ.pop(name, None)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(keras.src.utils.file_utils.config, "keras_home", lambda: str(tmp_path / "keras"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    return dataclasses.replace(PROFILES["full"], cache_dir=tmp_path)


RESNET50_WEIGHTS = ("https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
                    "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5")


def _keras(cfg):
    """What ``ResNet50(weights="imagenet")`` calls once it has built the model."""
    with downloading("the ResNet50 ImageNet weights", cfg.cache_dir):
        keras.utils.get_file("resnet50_notop.h5", RESNET50_WEIGHTS, cache_subdir="models")


def _hub(cfg):
    import tlutils.text

    tlutils.text.load_bert("bert-base-uncased", cfg=cfg)


def _tf_flowers(cfg):
    import tlutils.data

    tlutils.data.load_tf_flowers(cfg)


def _sst2(cfg):
    import tlutils.text

    tlutils.text.load_sentiment(cfg)


def _flowers102(cfg):
    from tlutils.challenge import SIZES, pipeline

    pipeline.load_flowers102(cfg, SIZES["full"])


DOWNLOADS = {"keras": _keras, "hub": _hub, "tf_flowers": _tf_flowers, "sst2": _sst2,
             "flowers102": _flowers102}


@pytest.mark.parametrize("path", DOWNLOADS)
def test_dead_network_gives_the_sentence_within_10_seconds(path, dead_network, tmp_path, monkeypatch,
                                                          clean_environ):
    cfg = full_cfg(tmp_path, monkeypatch, clean_environ)
    seconds, error = seconds_to_error(lambda: DOWNLOADS[path](cfg), DEAD_LIMIT)
    assert isinstance(error, DownloadError), repr(error)
    assert "\n" not in str(error) and str(error).startswith("Could not download")


@pytest.mark.parametrize("path", DOWNLOADS)
def test_stalled_connection_gives_the_sentence_after_the_silence(path, stalled_network, tmp_path,
                                                                monkeypatch, clean_environ):
    cfg = full_cfg(tmp_path, monkeypatch, clean_environ)
    seconds, error = seconds_to_error(lambda: DOWNLOADS[path](cfg), STALL_LIMIT)
    assert isinstance(error, DownloadError), repr(error)
    assert seconds >= SILENCE * 0.9  # it did wait for the silence, not fail on something else


def test_setup_bounds_a_lessons_own_download_by_silence(stalled_network, tmp_path, monkeypatch,
                                                       clean_environ):
    """``VGG16(weights="imagenet")`` in a lesson's cell is not inside a tlutils loader."""
    socket.setdefaulttimeout(None)
    clean_environ["TLUTILS_CACHE"] = str(tmp_path)
    tlutils.setup("full", verbose=False)
    assert socket.getdefaulttimeout() == SILENCE
    monkeypatch.setattr(keras.src.utils.file_utils.config, "keras_home", lambda: str(tmp_path))
    seconds, error = seconds_to_error(
        lambda: keras.utils.get_file("w.h5", "https://weights.example/w.h5"), STALL_LIMIT)
    assert "URL fetch failure" in str(error) or isinstance(error, OSError), repr(error)


def test_slow_but_live_downloads_complete(trickle_server, tmp_path, monkeypatch):
    """Time out on silence, not on total duration: 4 pieces, each after 0.6 s, silence 1 s."""
    import requests

    from tlutils.downloads import with_default_timeout

    monkeypatch.setenv("TLUTILS_NETWORK_TIMEOUT", str(SILENCE))
    body = bytes(range(256)) * 16
    trickle_server(body, chunks=4, pause=0.6 * SILENCE)
    monkeypatch.setattr(keras.src.utils.file_utils.config, "keras_home", lambda: str(tmp_path))
    start = time.perf_counter()
    with downloading("slow weights"):
        path = keras.utils.get_file("slow.bin", "http://weights.example/slow.bin")
        got = with_default_timeout(requests.get)("http://data.example/slow.bin").content
    assert time.perf_counter() - start > 2 * SILENCE  # longer than the silence limit in total
    assert open(path, "rb").read() == body and got == body


CHILD_ROUTING = """
import runpy, socket, sys, time
import tensorflow_datasets, tlutils.challenge.runner  # imports first: the clock times the command
blocker = socket.socket(); blocker.bind(("127.0.0.1", 0)); port = blocker.getsockname()[1]
real = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host in ("localhost", "127.0.0.1", "::1", "", None):
        return real(host, *args, **kwargs)
    return real("127.0.0.1", port, socket.AF_INET, socket.SOCK_STREAM)
socket.getaddrinfo = getaddrinfo
sys.argv = ["python -m tlutils.challenge", *sys.argv[1:]]
start = time.perf_counter()
try:
    runpy.run_module("tlutils.challenge", run_name="__main__")
finally:
    print(f"seconds {time.perf_counter() - start:.1f}")
"""


def test_challenge_command_on_a_dead_network_prints_one_sentence(tmp_path):
    """No retry loop (tfds would retry each of its 3 files 10 times, for minutes), no traceback."""
    from tlutils.downloads import TFDS_RETRIES

    env = {**os.environ, "TLUTILS_CACHE": str(tmp_path), "TFDS_DATA_DIR": str(tmp_path / "tfds"),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD_ROUTING, "--profile", "full", "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 1, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]  # after TensorFlow's and tfds' own log lines
    assert last.startswith("DownloadError: Could not download the oxford_flowers102"), done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "run the cell" not in done.stderr
    assert done.stderr.count("Retrying (Retry(") <= 3 * TFDS_RETRIES
    seconds = float(done.stdout.split("seconds ")[-1])
    assert seconds < 3 * DEAD_LIMIT  # on a quiet machine about 2 s; it includes tfds' first set-up


def _learners_own_from_pretrained(tmp_path, clean_environ, monkeypatch):
    """A lesson's own ``AutoConfig.from_pretrained("bert-base-uncased")`` after ``setup("full")`` (transformers 5
    has no TensorFlow models; its configurations and tokenizers still download from the hub)."""
    full_cfg(tmp_path, monkeypatch, clean_environ)
    for name in ("HF_HUB_ETAG_TIMEOUT", "HF_HUB_DOWNLOAD_TIMEOUT"):  # an earlier test's silence
        clean_environ.pop(name, None)
    clean_environ["TLUTILS_CACHE"] = str(tmp_path)
    tlutils.setup("full", verbose=False)
    from transformers import AutoConfig

    return lambda: AutoConfig.from_pretrained("bert-base-uncased")


@pytest.mark.parametrize("network", ["dead_network", "stalled_network"])
def test_a_learners_own_from_pretrained_fails_after_one_wait_without_retry_lines(network, request, tmp_path,
                                                                                clean_environ, monkeypatch, capfd):
    request.getfixturevalue(network)
    call = _learners_own_from_pretrained(tmp_path, clean_environ, monkeypatch)
    seconds, error = seconds_to_error(call, 20 * SILENCE)
    output = capfd.readouterr()
    assert "huggingface.co" in str(error) and isinstance(error, OSError), repr(error)
    assert seconds < (DEAD_LIMIT if network == "dead_network" else 2.5 * SILENCE + 3.0), seconds
    assert "Retrying" not in output.out + output.err and "retry" not in (output.out + output.err).lower()
