"""Lesson 06's run folder: local by default; on Colab, when asked, in the learner's Google Drive."""
from __future__ import annotations

import sys
import types

from tlutils.challenge.runner import default_out_dir, run_folder
from tlutils.config import resolve


def _fake_colab(monkeypatch) -> list[str]:
    """Make the process look like Colab; return the list that records Drive mounts."""
    mounts: list[str] = []
    drive = types.ModuleType("google.colab.drive")
    drive.mount = mounts.append
    colab = types.ModuleType("google.colab")
    colab.drive = drive
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.drive", drive)
    return mounts


def test_without_asking_the_run_stays_local_and_nothing_is_mounted(monkeypatch):
    mounts = _fake_colab(monkeypatch)
    cfg = resolve("quick")
    assert run_folder(cfg) == default_out_dir(cfg)
    assert mounts == []


def test_on_colab_asking_mounts_drive_and_puts_the_run_there(monkeypatch, tmp_path):
    mounts = _fake_colab(monkeypatch)
    folder = run_folder(resolve("quick"), on_drive=True, drive_root=tmp_path / "drive")
    assert mounts == [str(tmp_path / "drive")]
    assert folder == tmp_path / "drive" / "MyDrive" / "tlutils" / "results" / "flowers102-quick"


def test_outside_colab_asking_for_drive_is_one_sentence_and_the_local_folder(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    cfg = resolve("offline")
    assert run_folder(cfg, on_drive=True) == default_out_dir(cfg)
    assert capsys.readouterr().out.strip() == (f"Google Drive is offered on Colab only; the run stays in "
                                               f"{default_out_dir(cfg)}.")
