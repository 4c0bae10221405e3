"""The challenge runner keeps every finished result, writes its state whole, and stops with one
sentence (no traceback) on a folder it cannot use or a damaged state file."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from tlutils import PROFILES
from tlutils import challenge
from tlutils.challenge import approaches
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
    with pytest.raises(OSError, match="No space left"):
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
    assert "Traceback" not in done.stderr and "run the cell" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("FolderError: The results folder") and last.endswith("(out_dir= in Python).")
