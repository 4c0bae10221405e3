"""The challenge runner keeps every finished result, writes its state whole, and stops with one
sentence (no traceback) on a folder it cannot use or a damaged state file."""
import csv
import json
import os
import pathlib
import shutil
import subprocess
import sys

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from conftest import ROOT
from tlutils import PROFILES
from tlutils import challenge
from tlutils.challenge import approaches
from tlutils.challenge.state import train_once
from tlutils.errors import DataFileError, FolderError
from tlutils.files import write_json

OFFLINE = PROFILES["offline"]
TINY = challenge.SIZES["offline"]


@pytest.fixture
def instant_approaches(monkeypatch):
    """Approaches that finish at once with a recognisable result (the runner is under test)."""
    for number, name in enumerate(challenge.APPROACHES):
        def runner(ctx, number=number, name=name):
            ctx.folder(name)
            return {"top1": number / 10, "mean_per_class": number / 10, "seconds": 1.0 + number,
                    "epochs": 1, "trainable": number, "frozen": 0, "notes": "instant"}
        monkeypatch.setitem(approaches.RUNNERS, name, runner)


def test_rerunning_one_approach_keeps_every_finished_result_in_the_report(tmp_path, instant_approaches):
    challenge.run(out_dir=tmp_path, cfg=OFFLINE, sizes=TINY)
    (tmp_path / "scratch" / "result.json").unlink()
    results = challenge.run(["scratch"], tmp_path, OFFLINE, TINY)
    assert list(results) == list(challenge.APPROACHES)
    saved = json.loads((tmp_path / "results.json").read_text())["approaches"]
    assert list(saved) == list(challenge.APPROACHES) and saved["fine_tuning"]["trainable"] == 1
    assert (tmp_path / "results.csv").read_text().count("instant") == 3
    assert len((tmp_path / "results.md").read_text().strip().splitlines()) == 2 + 3


def test_run_runs_the_approach_functions_it_is_given(tmp_path, instant_approaches):
    """Lesson 06 hands ``run`` the approaches its cells write: those run, the library's others."""
    given = []

    def lessons_scratch(ctx):
        given.append(ctx.sizes)
        ctx.folder("scratch")
        return {"top1": 0.5, "mean_per_class": 0.5, "seconds": 1.0, "epochs": 1, "trainable": 1,
                "frozen": 0, "notes": "the lesson's"}

    results = challenge.run(out_dir=tmp_path, cfg=OFFLINE, sizes=TINY, runners={"scratch": lessons_scratch})
    assert given == [TINY]
    assert [r["notes"] for r in results.values()] == ["instant", "instant", "the lesson's"]


def test_a_function_for_an_unknown_approach_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown approach.*'linear_probe'"):
        challenge.run(["scratch"], tmp_path, OFFLINE, TINY, runners={"linear_probe": lambda ctx: {}})


@pytest.mark.parametrize("where", ["a file", "under a file", "read-only"])
def test_an_unusable_results_folder_is_one_sentence(where, tmp_path, unwritable_folder):
    (tmp_path / "notes.txt").write_text("")
    out = {"a file": tmp_path / "notes.txt", "under a file": tmp_path / "notes.txt" / "results",
           "read-only": unwritable_folder}[where]
    with pytest.raises(FolderError) as info:
        challenge.run(["scratch"], out, OFFLINE, TINY)
    message = str(info.value)
    assert message.startswith(f"The results folder {out}") and "--out" in message and "\n" not in message


def test_a_damaged_run_file_is_named_with_what_to_do(tmp_path):
    (tmp_path / "run.json").write_text('{"dataset": "oxford_flow')
    with pytest.raises(DataFileError, match=r"run.json is damaged .*: delete it to reuse"):
        challenge.run(["scratch"], tmp_path, OFFLINE, TINY)


def test_a_damaged_clock_file_is_named_with_what_to_do(tmp_path):
    (tmp_path / "clock.json").write_text("")
    with pytest.raises(DataFileError, match=r"clock.json is damaged .*: delete it to count"):
        approaches.Clock(tmp_path)


def test_state_files_are_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    clock = approaches.Clock(tmp_path)
    clock.tick()
    before = (tmp_path / "clock.json").read_text()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(FolderError, match=r"^The disk holding \S+ is full \(writing clock.json\): free some"):
        clock.tick()
    assert (tmp_path / "clock.json").read_text() == before and json.loads(before)["seconds"] >= 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clock.json"]  # no partial file left
    with pytest.raises(OSError):
        write_json(tmp_path / "run.json", {"profile": "offline"})
    assert not (tmp_path / "run.json").exists()


def _command(*args, env=None):
    env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-m", "tlutils.challenge", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)


def test_help_prints_no_tensorflow_log_lines():
    done = _command("--help")
    assert done.returncode == 0 and "--approaches" in done.stdout
    assert done.stderr == ""


def test_command_with_out_under_a_file_prints_one_sentence_and_no_traceback(tmp_path):
    (tmp_path / "notes.txt").write_text("")
    done = _command("--profile", "offline", "--out", str(tmp_path / "notes.txt" / "results"),
                    env={"TLUTILS_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stdout == ""  # not setup()'s block with the lessons' sizes
    lines = done.stderr.strip().splitlines()  # no TensorFlow log line: setup() quiets it first
    assert len(lines) == 1 and "run the cell" not in lines[0], done.stderr[-2000:]
    assert lines[0].startswith("FolderError: The results folder") and lines[0].endswith("(out_dir= in Python).")


# --- A kill at any moment: the rerun finishes with no epoch lost and none repeated -----------------
KILL_EPOCHS = 2  # per stage of the tiny stand-in approaches
KILLED_APPROACHES = ["feature_extraction", "scratch"]


class StartedEpochs(keras.callbacks.Callback):
    """The (stage, epoch) pairs whose training started, in order."""

    def __init__(self):
        super().__init__()
        self.started = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started.append((self.stage, epoch))


def fit_like_keras(model, epochs, callbacks):
    """What ``Model.fit`` does with its callbacks (begin, resume at ``_initial_epoch``, epochs,
    end), with a one-line weight update per epoch instead of the training loop's overhead."""
    model.optimizer.build(model.trainable_variables)  # fit builds it before the first callback
    callbacks = keras.callbacks.CallbackList(callbacks, model=model, epochs=epochs)
    callbacks.on_train_begin()
    for epoch in range(model._initial_epoch or 0, epochs):
        callbacks.on_epoch_begin(epoch)
        model.layers[0].bias.assign_add([0.1, 0.0, -0.1])
        callbacks.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "accuracy": 0.5, "val_accuracy": 0.4})
    callbacks.on_train_end()


def tiny_runner(name, recorder):
    """A stand-in approach with the real approaches' file handling (Clock, the crash-safe
    callbacks, train_once before scoring) on a 15-weight model."""
    def run(ctx):
        folder = ctx.folder(name)
        clock = approaches.Clock(folder)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        recorder.stage = name
        train_once(model, folder, name, lambda: fit_like_keras(model, KILL_EPOCHS,
                                                               ctx.callbacks(folder, name, clock)))
        top1 = float(np.asarray(model.layers[0].bias)[0])  # what the training left, read back
        return {"top1": top1, "mean_per_class": top1, "seconds": clock.seconds, "epochs": KILL_EPOCHS,
                "trainable": 15, "frozen": 0, "notes": "tiny"}
    return run


@pytest.fixture
def tiny_runs(monkeypatch):
    """``run(out_dir)`` the tiny approaches through the real runner; returns (results, started)."""
    from tlutils.challenge import report, runner

    monkeypatch.setattr(runner, "load_flowers102", lambda cfg, sizes: None)
    for plot in ("plot_comparison", "learning_curves"):  # the files are under test, not the plots
        monkeypatch.setattr(report, plot, lambda *args: plt.figure(figsize=(1, 1)))

    def run(out_dir):
        recorder = StartedEpochs()
        for name in KILLED_APPROACHES:
            monkeypatch.setitem(approaches.RUNNERS, name, tiny_runner(name, recorder))
        return challenge.run(KILLED_APPROACHES, out_dir, OFFLINE, TINY, extra_callbacks=[recorder]), recorder.started
    return run


def _history(path):
    with open(path, newline="") as f:
        return [int(row["epoch"]) for row in csv.DictReader(f)]


def test_a_kill_at_any_write_loses_no_epoch_and_repeats_none(tmp_path, tiny_runs, monkeypatch):
    """Run once, copying the results folder as a kill would leave it at every write (during the
    write, with its temporary file cut in half; and just after its rename); then rerun each copy."""
    out, kills = tmp_path / "run", []
    started, real_replace = [], pathlib.Path.replace

    def copy(kind, written):
        snapshot = tmp_path / f"kill{len(kills):03d}"
        shutil.copytree(out, snapshot)
        partial = snapshot / written.relative_to(out)
        if kind == "during" and partial.is_file():
            with open(partial, "r+b") as f:
                f.truncate(partial.stat().st_size // 2)
        kills.append((snapshot, kind, written.relative_to(out).as_posix()))

    def replace(self, target):
        copy("during", self)
        moved = real_replace(self, target)
        copy("after", pathlib.Path(target))
        return moved

    monkeypatch.setattr(os, "fsync", lambda fd: None)  # a kill, not a power cut: fsync changes nothing here
    monkeypatch.setattr(pathlib.Path, "replace", replace)
    tiny_runs(out)
    monkeypatch.setattr(pathlib.Path, "replace", real_replace)
    assert len(kills) >= 50  # every write: epochs, state, histories, clocks, results, the report

    for number, (snapshot, kind, written) in enumerate(kills):
        recorded = {}  # epochs of each stage durably recorded when the kill came
        for name in KILLED_APPROACHES:
            state = snapshot / name / f"backup_{name}" / "state.json"
            recorded[name] = json.loads(state.read_text())["epoch"] if state.exists() else 0
            if (snapshot / name / f"{name}.weights.h5").exists() and written != f"{name}/{name}.weights.h5":
                recorded[name] = KILL_EPOCHS  # its finished training was saved before the kill
        results, rerun = tiny_runs(snapshot)
        where = f"kill {number} ({kind} writing {written})"
        assert list(results) == KILLED_APPROACHES, where
        for name in KILLED_APPROACHES:
            assert _history(snapshot / name / f"history_{name}.csv") == list(range(KILL_EPOCHS)), where
            assert [e for stage, e in rerun if stage == name] == list(range(recorded[name], KILL_EPOCHS)), where
        saved = json.loads((snapshot / "results.json").read_text())["approaches"]
        assert list(saved) == KILLED_APPROACHES, where
        assert not list(snapshot.rglob(".partial-*")), where
        assert all(r["top1"] == pytest.approx(0.1 * KILL_EPOCHS) for r in results.values()), where


def test_a_damaged_epoch_backup_is_named_with_the_folder_to_delete(tmp_path, tiny_runs):
    tiny_runs(tmp_path)
    backup = tmp_path / "scratch" / "backup_scratch"
    for path in (tmp_path / "scratch").glob("scratch.weights.h5"):  # back to the state after epoch 1
        path.unlink()
    (tmp_path / "scratch" / "result.json").unlink()
    backup.mkdir()
    (backup / "epoch-1.weights.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)  # cut short
    (backup / "state.json").write_text(json.dumps({"epoch": 1, "weights": "epoch-1.weights.h5", "history": []}))
    with pytest.raises(DataFileError) as info:
        tiny_runs(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{backup / 'epoch-1.weights.h5'} could not be loaded (")
    assert message.endswith(f"delete the folder {backup} to train this stage again from its first epoch.")
    assert "\n" not in message


def test_a_second_run_on_the_same_folder_names_the_first(tmp_path, tiny_runs):
    from tlutils.challenge.state import results_lock

    with results_lock(tmp_path, "choose another"):
        with pytest.raises(FolderError) as info:
            tiny_runs(tmp_path)
    assert str(info.value).startswith(f"Another run is already using {tmp_path} (process {os.getpid()} on ")
    assert not (tmp_path / "feature_extraction").exists()  # nothing was trained twice
    results, started = tiny_runs(tmp_path)  # the lock is free again
    assert list(results) == KILLED_APPROACHES and len(started) == 2 * KILL_EPOCHS


def test_a_full_disk_is_one_sentence_and_the_rerun_finishes(tmp_path, tiny_runs, monkeypatch):
    real_save = keras.Model.save_weights

    def disk_fills(model, path, **kwargs):
        if "scratch.weights.h5" in str(path):  # as h5py words it: no errno, half a file written
            pathlib.Path(path).write_bytes(b"\x89HDF\r\n\x1a\n")
            raise OSError("Can't synchronously write data (file write failed: errno = 28, "
                          "error message = 'No space left on device')")
        return real_save(model, path, **kwargs)

    monkeypatch.setattr(keras.Model, "save_weights", disk_fills)
    with pytest.raises(FolderError) as info:
        tiny_runs(tmp_path)
    assert str(info.value) == (f"The disk holding {tmp_path / 'scratch'} is full (writing scratch.weights.h5): "
                               "free some space and run it again; what was saved before is unchanged.")
    assert not (tmp_path / "scratch" / "scratch.weights.h5").exists()
    monkeypatch.setattr(keras.Model, "save_weights", real_save)
    results, started = tiny_runs(tmp_path)
    assert list(results) == KILLED_APPROACHES and started == []  # scratch's epochs were recorded


def test_rerunning_a_finished_approach_repeats_no_history_row(tmp_path, tiny_runs):
    tiny_runs(tmp_path)
    (tmp_path / "scratch" / "result.json").unlink()  # scored again from its saved training
    _, started = tiny_runs(tmp_path)
    assert started == [] and _history(tmp_path / "scratch" / "history_scratch.csv") == list(range(KILL_EPOCHS))
    shutil.rmtree(tmp_path / "scratch")  # trained again from the start
    _, started = tiny_runs(tmp_path)
    assert started == [("scratch", e) for e in range(KILL_EPOCHS)]
    assert _history(tmp_path / "scratch" / "history_scratch.csv") == list(range(KILL_EPOCHS))


def test_command_with_a_wrong_profile_variable_prints_one_sentence():
    done = _command("--approaches", "scratch", env={"TLUTILS_PROFILE": "turbo"})
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "InputError: Unknown profile 'turbo': choose one of full, quick, offline (set TLUTILS_PROFILE or pass "
        "profile=...)."]


def test_the_run_prints_its_own_sizes(tmp_path, tiny_runs, capsys):
    tiny_runs(tmp_path)
    assert f"\n{challenge.runner.describe_sizes(TINY)}\n" in capsys.readouterr().out
    assert challenge.runner.describe_sizes(challenge.SIZES["quick"]).startswith("images 224 px | batch 32 | "
                                                                               "images per split: all train")
