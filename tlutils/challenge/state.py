"""The challenge's state on disk, safe against a kill at any moment.

Every file is written whole or not at all (:func:`tlutils.files.atomic_path`). A training stage
keeps, after every epoch, its weights and a state file that names them and holds the epoch
rows of its history (:class:`EpochBackup`, Keras' ``BackupAndRestore`` made crash-safe); its
finished training is saved (:func:`train_once`) before anything is scored, so a finished epoch
is never trained again. One run at a time uses a results folder (:func:`results_lock`).
"""
from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keras

from ..errors import FolderError
from ..files import PARTIAL, read_json, write_atomically, write_json
from ..layers import load_weights, save_weights

BACKUP_STATE = "state.json"


def write_history(path: Path, rows: list[dict[str, float]]) -> None:
    """The epoch rows as a CSV file (the columns of Keras' ``CSVLogger``), replaced whole."""
    names = ["epoch", *sorted({key for row in rows for key in row} - {"epoch"})]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(path, text.getvalue())


class EpochBackup(keras.callbacks.Callback):
    """Resume a stage from its last recorded epoch and record each epoch as it ends.

    After epoch ``e`` it writes, each whole: ``epoch-<e+1>.weights.h5`` (weights and optimizer),
    then ``state.json`` naming that file with the history rows so far, then removes the older
    weights, rewrites ``history_<stage>.csv`` and calls ``on_record`` (the clock). A kill
    before ``state.json`` is replaced leaves the previous epoch's state whole; after, the new one.
    """

    def __init__(self, folder: Path, stage: str, on_record: Callable[[], Any] = lambda: None):
        super().__init__()
        self.dir = folder / f"backup_{stage}"
        self.history_path = folder / f"history_{stage}.csv"
        self.on_record = on_record
        self.rows: list[dict[str, float]] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        state_path = self.dir / BACKUP_STATE
        self.rows = []
        if state_path.exists():
            fix = f"delete the folder {self.dir} to train this stage again from its first epoch"
            state = read_json(state_path, fix)
            load_weights(self.model, self.dir / state["weights"], fix)
            self.model._initial_epoch = state["epoch"]  # what BackupAndRestore sets, read by fit()
            self.rows = state["history"]
        write_history(self.history_path, self.rows)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.rows.append({"epoch": epoch, **{key: float(value) for key, value in (logs or {}).items()}})
        name = f"epoch-{epoch + 1}.weights.h5"
        save_weights(self.model, self.dir / name)
        write_json(self.dir / BACKUP_STATE, {"epoch": epoch + 1, "weights": name, "history": self.rows})
        for old in self.dir.glob("*.weights.h5"):
            if old.name != name:
                old.unlink(missing_ok=True)
        write_history(self.history_path, self.rows)
        self.on_record()


def train_once(model: keras.Model, folder: Path, stage: str, fit: Callable[[], Any]) -> bool:
    """Train ``model`` with ``fit()`` unless ``<stage>.weights.h5`` in ``folder`` holds its finished
    training (then load it); save the finished training there at once, before any scoring, and
    only then drop the stage's epoch backup. Returns True if it trained now.
    """
    final = folder / f"{stage}.weights.h5"
    trained = not final.exists()
    if trained:
        fit()
        save_weights(model, final)
    else:
        load_weights(model, final, f"delete it to train this stage again")
    shutil.rmtree(folder / f"backup_{stage}", ignore_errors=True)
    return trained


def remove_partial_files(folder: Path) -> None:
    """Remove what a killed run was writing (``.partial-*`` files and folders) in ``folder``."""
    for partial in folder.rglob(f"{PARTIAL}*"):
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


LOCK_FILE, HOLDER_FILE = ".lock", "running.json"


@contextlib.contextmanager
def results_lock(folder: Path, fix: str) -> Iterator[None]:
    """Hold ``folder`` for this run; a second run gets one sentence naming the first (``fix``
    says what to do). The lock is the operating system's (``flock``): a killed run releases it.
    On a file system without locks (some network drives) the run goes on without one.
    """
    handle = open(folder / LOCK_FILE, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        holder = read_json(folder / HOLDER_FILE, "wait a moment and try again") if (folder / HOLDER_FILE).exists() else {}
        who = (f"process {holder['pid']} on {holder['host']}, started {holder['started']}" if holder
               else "a process that is starting")
        raise FolderError(f"Another run is already using {folder} ({who}): wait for it to finish or stop it, "
                          f"or {fix}.") from None
    except OSError:
        pass  # no locks here: carry on unlocked
    try:
        write_json(folder / HOLDER_FILE, {"pid": os.getpid(), "host": socket.gethostname(),
                                          "started": time.strftime("%Y-%m-%d %H:%M:%S")})
        yield
    finally:
        (folder / HOLDER_FILE).unlink(missing_ok=True)
        handle.close()  # releases the lock
