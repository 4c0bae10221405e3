"""The Flowers-102 challenge runner, offline (the course photos, the packaged ImageNet
EfficientNet-Lite0 standing in for ResNet50): report, counts, resuming, strategy."""
import csv
import dataclasses
import json
import os
import re
import subprocess
import sys
import textwrap

import keras
import pytest

from conftest import ROOT
from tlutils import PROFILES
from tlutils import challenge
from tlutils.challenge import approaches
from tlutils import lite0
from tlutils.config import resolve

OFFLINE = PROFILES["offline"]
SIZES = challenge.SIZES["offline"]  # lesson 06's sizes: three fine-tuning epochs
# Offline the base is Lite0 without its classifier: 4,694,031 - (1,280 x 1,000 + 1,000) weights;
# the head is Dense(5) on its 1,280 pooled features. (ResNet50's counts, the same in every
# profile, are checked by lesson 06's own cell.)
HEAD = 1280 * 5 + 5
LITE0_BASE = 4_694_031 - (1280 * 1000 + 1000)
# The top 20 layers are block 6d and block 7a and the final 1x1 convolution; without their
# BatchNormalization layers they train these kernels (Lite0's convolutions have no biases):
TOP_20 = ((1280 * 320) + (1 * 1 * 1152 * 320) + (3 * 3 * 1152) + (1 * 1 * 192 * 1152)   # top, 7a
          + (1 * 1 * 1152 * 192) + (5 * 5 * 1152) + (1 * 1 * 192 * 1152))                # 6d
# From scratch every weight trains but BatchNormalization's moving means and variances and the
# input Normalization's mean, variance and count (3 + 3 + 1).
MOVING_STATISTICS = 2 * sum(layer.gamma.shape[0] for layer in lite0.build(include_top=False).layers
                            if isinstance(layer, keras.layers.BatchNormalization)) + 7
EXPECTED = {"feature_extraction": (HEAD, LITE0_BASE),
            "fine_tuning": (TOP_20 + HEAD, LITE0_BASE - TOP_20),
            "scratch": (LITE0_BASE - MOVING_STATISTICS + HEAD, MOVING_STATISTICS)}


def _epochs(path):
    with open(path, newline="") as f:
        return [int(row["epoch"]) for row in csv.DictReader(f)]


def _check_report(out_dir, results):
    """Every approach in the report files, with the exact parameter counts."""
    assert list(results) == list(challenge.APPROACHES)
    for name, (trainable, frozen) in EXPECTED.items():
        assert (results[name]["trainable"], results[name]["frozen"]) == (trainable, frozen)
        assert 0 <= results[name]["mean_per_class"] <= 1 and results[name]["seconds"] > 0
    saved = json.loads((out_dir / "results.json").read_text())
    assert saved["approaches"] == results and saved["sizes"] == dataclasses.asdict(SIZES)
    with open(out_dir / "results.csv", newline="") as f:
        assert [row["approach"] for row in csv.DictReader(f)] == list(challenge.APPROACHES)
    assert len((out_dir / "results.md").read_text().strip().splitlines()) == 2 + 3  # header, rule, rows
    for image in ("accuracy_time.png", "learning_curves.png"):
        assert (out_dir / image).stat().st_size > 10_000


class StopAfterSecondFineTuneEpoch(keras.callbacks.Callback):
    """Simulates a Colab disconnect: stops the 3-epoch fine-tuning stage after epoch 2."""

    def on_epoch_end(self, epoch, logs=None):
        if self.params["epochs"] == SIZES.fine_tune_epochs and epoch == 1:
            raise KeyboardInterrupt("simulated disconnect")


class RecordEpochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.started = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started.append((self.params["epochs"], epoch))


def lesson_results_folder(tmp_path):
    """Lesson 06's results folder in the course cache, while it does not exist yet and the cache
    is set for this run (``make test`` gives every run a new, empty one): lesson 06 then reports
    this test's run instead of training the same three approaches again. Else ``tmp_path``."""
    out = challenge.default_out_dir(resolve("offline"))
    return out if os.environ.get("TLUTILS_CACHE") and not out.exists() else tmp_path


def test_interrupted_run_resumes_without_redoing_finished_work(tmp_path, monkeypatch):
    out = lesson_results_folder(tmp_path)
    run = ["feature_extraction", "fine_tuning"]
    with pytest.raises(KeyboardInterrupt):
        challenge.run(run, out, OFFLINE, SIZES, extra_callbacks=[StopAfterSecondFineTuneEpoch()])
    finished = out / "feature_extraction" / "result.json"
    assert finished.exists() and not (out / "fine_tuning" / "result.json").exists()
    kept = {p: p.stat().st_mtime_ns for p in [finished, *(out / "features").glob("*.npz")]}
    interrupted_seconds = json.loads((out / "fine_tuning" / "clock.json").read_text())["seconds"]

    def must_not_run(ctx):
        raise AssertionError("a finished approach was run again")

    monkeypatch.setitem(approaches.RUNNERS, "feature_extraction", must_not_run)
    monkeypatch.setattr(challenge, "RUNNERS", approaches.RUNNERS)
    recorder = RecordEpochs()
    # The resumed run also trains the third approach, so that this one test covers a whole run
    # and its report (a separate full run would repeat the same training; lesson 06 runs one too).
    results = challenge.run(list(challenge.APPROACHES), out, OFFLINE, SIZES, extra_callbacks=[recorder])

    assert recorder.started[0] == (3, 2)  # only the third fine-tuning epoch ran, then scratch
    assert recorder.started[1:] == [(SIZES.scratch_epochs, e) for e in range(SIZES.scratch_epochs)]
    assert _epochs(out / "fine_tuning" / "history_fine_tune.csv") == [0, 1, 2]
    assert all(p.stat().st_mtime_ns == t for p, t in kept.items())  # features were not recomputed
    assert results["fine_tuning"]["seconds"] > interrupted_seconds  # time adds up across runs
    _check_report(out, results)


def test_other_settings_in_the_same_folder_are_refused(tmp_path):
    (tmp_path / "run.json").write_text(json.dumps({"dataset": "oxford_flowers102", "profile": "full"}))
    with pytest.raises(ValueError, match="choose another output folder"):
        challenge.run(["scratch"], tmp_path, OFFLINE, SIZES)


def test_unknown_approach_is_named():
    with pytest.raises(ValueError, match="Unknown approach.*'transformer'"):
        challenge.run(["transformer"], cfg=OFFLINE)


def test_challenge_trains_under_mirrored_strategy_on_two_cpus(tmp_path):
    script = textwrap.dedent(f"""
        import dataclasses, os, sys
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        import tlutils
        from tlutils import challenge
        from tlutils.distribute import pick_strategy
        assert pick_strategy(["/cpu:0", "/cpu:1"]).num_replicas_in_sync == 2
        sizes = dataclasses.replace(challenge.SIZES["offline"], max_train=16, max_eval=8, views=1, head_epochs=1)
        # Feature extraction: the base built and run under the strategy, the head trained under it
        # (training all of ResNet50 there instead cost 97 s of graph building for the same check),
        # for one epoch: each epoch under the strategy cost about 1 s for one batch of 16 features.
        results = challenge.run(["feature_extraction"], {str(tmp_path)!r}, tlutils.PROFILES["offline"],
                                sizes, devices=["/cpu:0", "/cpu:1"])
        print("trainable", results["feature_extraction"]["trainable"])
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "MirroredStrategy (2 replica(s))" in done.stdout
    assert f"trainable {EXPECTED['feature_extraction'][0]}" in done.stdout
    # The head was trained under the strategy: Keras' line for its one epoch of one step (Keras
    # prints no "Epoch 1/1" header when there is one epoch).
    assert re.search(r"^1/1 - .* - loss: ", done.stdout, re.MULTILINE), done.stdout[-2000:]


def test_command_line_help():
    done = subprocess.run([sys.executable, "-m", "tlutils.challenge", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--approaches" in done.stdout and "resume" in done.stdout
