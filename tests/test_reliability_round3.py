"""Issue 27's reliability cases (and issue 26's real sizes), each as an adversary or a new user
would meet it: a save interrupted at its worst moment, a truncated feature cache, Ctrl-C in the
challenge, a class folder that links to another, a read-only dataset folder, a stalled hub, a
large 16-bit photo, ``max_side=0``, and e-mail HTML that hid phishing from the old parser."""
from __future__ import annotations

import io
import json
import time
import tracemalloc

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

import tlutils.files as files
from conftest import SILENCE
from tlutils import data
from tlutils.challenge import __main__ as challenge_main
from tlutils.challenge import pipeline, runner
from tlutils.downloads import HUB_METADATA_SECONDS
from tlutils.errors import FolderError
from tlutils.phishing import inputs
from tlutils.phishing.html_reader import visible_text
from tlutils.phishing.service import server
from tlutils.phishing.service.serving import ScoringPool
from test_downloads import _learners_own_from_pretrained, seconds_to_error

# --- Saves replace the previous copy only once the new one is whole -------------------------------


def saved_folder(tmp_path):
    folder = tmp_path / "classifier"
    folder.mkdir()
    (folder / "weights.bin").write_text("old weights")
    return folder


def save_new(folder):
    with files.atomic_path(folder) as partial:
        partial.mkdir()
        (partial / "weights.bin").write_text("new weights")


def test_a_folder_is_replaced_without_removing_it_first(tmp_path):
    folder = saved_folder(tmp_path)
    save_new(folder)  # on 4c55f20 a rename cannot replace a non-empty folder: callers removed it first
    assert (folder / "weights.bin").read_text() == "new weights"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classifier"]


@pytest.mark.parametrize("moment", ["flush", "rename in"])
def test_ctrl_c_while_saving_a_folder_leaves_the_previous_copy_whole(moment, tmp_path, monkeypatch):
    folder = saved_folder(tmp_path)
    real_rename = files.Path.rename

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    def rename(self, target):
        if self.name.startswith(files.PARTIAL):  # the new copy's rename: after the old went aside
            raise KeyboardInterrupt
        return real_rename(self, target)

    if moment == "flush":
        monkeypatch.setattr(files, "_fsync", interrupt)
    else:
        monkeypatch.setattr(files.Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        save_new(folder)
    assert (folder / "weights.bin").read_text() == "old weights"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classifier"]


# --- The challenge's caches and Ctrl-C -----------------------------------------------------------


def test_a_truncated_feature_cache_is_named_and_computed_again(tmp_path, capsys):
    path = tmp_path / "features" / "test.npz"
    path.parent.mkdir()
    np.savez(path, x=np.ones((4, 3)), y=np.arange(4))
    assert [a.shape for a in pipeline.read_features(path)] == [(4, 3), (4,)]
    path.write_bytes(path.read_bytes()[:200])  # cut off, as a full disk or a kill leaves it
    assert pipeline.read_features(path) is None
    said = capsys.readouterr().out.strip().splitlines()
    assert len(said) == 1 and str(path) in said[0] and "computing these features again" in said[0]
    assert not path.exists()


def test_ctrl_c_in_the_challenge_is_one_line(tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    status = challenge_main.main(["--profile", "offline", "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err.strip()
    assert status == 130 and err == "stopped; rerun the same command to resume"


# --- Learners' own data ----------------------------------------------------------------------------


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_class_folder_that_links_to_another_is_not_a_second_class(tmp_path):
    for name, colour in (("rose", "red"), ("tulip", "yellow")):
        (tmp_path / name).mkdir()
        for k in range(3):
            (tmp_path / name / f"{k}.png").write_bytes(png(Image.new("RGB", (8, 8), colour)))
    (tmp_path / "roses").symlink_to(tmp_path / "rose", target_is_directory=True)
    loaded = data.load_image_folder(tmp_path, split=(0.34, 0.33, 0.33))
    assert loaded.class_names == ["rose", "tulip"]
    assert ("roses", "a link to a folder (not followed)") in loaded.skipped
    assert sum(len(names) for names in loaded.files.values()) == 6


def test_a_large_16_bit_png_loads_without_a_full_size_copy():
    side = 3_000  # 18 MB of 16-bit pixels; 4c55f20 held 72 MB float64 copies of them (2.2 GB at 12,000 px)
    raw = png(Image.fromarray(np.full((side, side), 0x8080, np.uint16)))
    tracemalloc.start()
    pixels = data.load_image(raw, max_side=256)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert pixels.shape == (256, 256, 3) and abs(int(pixels.mean()) - 128) <= 1
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.0f} MB of NumPy copies"


@pytest.mark.parametrize("bad", [0, -5, 1.5])
def test_max_side_zero_is_blamed_on_the_argument(bad):
    with pytest.raises(ValueError, match=r"^max_side must be a whole number of pixels of at least 1"):
        data.load_image(png(Image.new("RGB", (8, 8))), max_side=bad)


def test_a_read_only_dataset_folder_is_one_sentence(unwritable_folder, no_network):
    import dataclasses

    from tlutils.config import PROFILES

    cfg = dataclasses.replace(PROFILES["quick"], cache_dir=unwritable_folder)
    with pytest.raises(FolderError, match=r"^The dataset folder .*tensorflow_datasets is not writable .*TLUTILS_CACHE"):
        data.load_tf_flowers(cfg)


# --- A learner's own from_pretrained on a stalled network, with no variable set --------------------


def test_a_learners_own_from_pretrained_on_a_stalled_network_fails_in_seconds(stalled_network, tmp_path,
                                                                             clean_environ, monkeypatch):
    clean_environ.pop("TLUTILS_NETWORK_TIMEOUT", None)  # the stalled network's fixture sets it
    call = _learners_own_from_pretrained(tmp_path, clean_environ, monkeypatch)  # setup("full") first
    seconds, error = seconds_to_error(call, 30 * SILENCE)  # 4c55f20: 30 s of silence, then a retry
    assert "huggingface.co" in str(error), repr(error)
    assert seconds < 2.5 * HUB_METADATA_SECONDS + 3.0, seconds


# --- E-mails: real sizes, and HTML that hid phishing from the old parser ---------------------------

PHISHING = ("Your account has been suspended. Click here to verify your identity within 24 hours: "
            "http://paypa1-verify.com/login . Enter your password and credit card number.")
HARMLESS = "Hi Sam, are we still on for lunch on Thursday at noon? Cheers, Alex"
TRICKS = {"embed": f"<embed src=logo.swf><p>{PHISHING}</p>",
          "257 levels deep": "<div>" * 300 + f"<p>{PHISHING}</p>",
          "after 100,000 characters": f"<p>Hello</p><div style='display:none'>{'filler ' * 16_000}</div><p>{PHISHING}</p>",
          "after a long comment": f"<p>Hello</p><!-- {'x' * 120_000} --><p>{PHISHING}</p>",
          "unclosed svg": f"<svg width=10><rect width=10 height=10/><p>{PHISHING}</p>",
          "unclosed math": f"<math><mi>x</mi><p>{PHISHING}</p>",
          "map": f"<map name=m><area shape=rect coords=0,0,1,1 href=x><p>{PHISHING}</p></map>"}
EVASIONS = [(name, html, text) for name, html in TRICKS.items() for text in (None, HARMLESS)]


@pytest.mark.parametrize("name, html, text", EVASIONS, ids=[f"{n}{' +text' if t else ''}" for n, _, t in EVASIONS])
def test_the_text_model_reads_phishing_the_old_parser_hid(name, html, text):
    read = inputs.model_text(subject="Quick question", html=html, text=text)
    assert "Enter your password and credit card number" in read and "lunch" not in read


class Recorder:
    """A scorer that answers what the text model would be given (inputs.model_text)."""

    def score(self, *, subject, sender, html=None, text=None):
        return {"read": inputs.model_text(subject=subject, html=html, text=text)}


@pytest.fixture(scope="module")
def client():
    recorder = Recorder()
    app = server.create_app(recorder, pool=ScoringPool(recorder.score, workers=1, max_waiting=4))
    return TestClient(app, base_url="http://127.0.0.1")


def test_a_1_mb_email_is_scored_whole_through_the_server(client):
    html = "<div><p>" + "Issue #12 was updated by a maintainer. " * 25_700 + "</p></div>"  # 1.0 MB
    html += f"<p>{PHISHING}</p>"
    assert 1_000_000 <= len(html.encode()) < 1_050_000
    start = time.perf_counter()
    answer = client.post("/score", json={"subject": "digest", "sender": "a@b.example", "html": html,
                                         "text": "A 1 MB digest. " * 60_000})
    seconds = time.perf_counter() - start
    assert answer.status_code == 200, answer.text[:300]  # 4c55f20: 413 above 200,000 characters
    assert answer.json()["read"].endswith("Enter your password and credit card number.")
    assert seconds < 20, seconds  # parsing and reading 1 MB: about 2 s with load 9 on 2 cores


def test_an_absurd_body_is_refused_in_one_sentence(client):
    answer = client.post("/score", content=b"{" + b" " * (11 * 2**20) + b"}",
                         headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    detail = answer.json()["detail"]
    assert detail.startswith("The request is larger than the server's limit of 2,500,000 characters")
    assert detail.count(". ") == 0 and detail.endswith("send a shorter e-mail.")


@pytest.mark.parametrize("name, markup", [
    ("200,000 nested divs (1 MB)", "<div>" * 200_000 + f"<p>{PHISHING}"),
    ("200,000 unmatched end tags", "</div>" * 200_000 + f"<p>{PHISHING}"),
    ("a 2 MB comment", f"<!--{'-' * 2_000_000}--><p>{PHISHING}"),
    ("100,000 unclosed links", "<a href=x>" * 100_000 + f"<p>{PHISHING}"),
])
def test_hostile_markup_is_read_whole_and_soon(name, markup):
    start = time.perf_counter()
    shown = visible_text(markup)
    assert PHISHING in shown
    assert time.perf_counter() - start < 30  # 0.3-2 s each by the benchmark (load 14-19), 15 s once beside other tests
