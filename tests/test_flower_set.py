"""The course's tf_flowers photos (lessons 01, 02, 06 offline), the bootstrap intervals the lessons
print, and the stored run on the real Flowers-102 that lesson 06 reads."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score

from photo_sets import assert_small_rgb_jpegs, image_files, load_script
from tlutils import bootstrap
from tlutils.challenge.report import stored_run
from tlutils.config import PROFILES
from tlutils.data import FLOWERS_DIR, load_lesson_images

MANIFEST = FLOWERS_DIR.with_name("flowers_sources.csv")
CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]


def _files():
    return image_files(FLOWERS_DIR)


def test_five_flower_classes_of_120_small_rgb_jpegs():
    assert sorted(p.name for p in FLOWERS_DIR.iterdir() if p.is_dir()) == CLASSES
    for name in CLASSES:
        assert len(list((FLOWERS_DIR / name).glob("*.jpg"))) == 120, name
    assert_small_rgb_jpegs(FLOWERS_DIR, max_side=160, max_bytes=5_000_000)


def test_every_photo_is_credited_cc_by_to_its_photographer():
    with open(MANIFEST, encoding="utf-8") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    assert {p.relative_to(FLOWERS_DIR).as_posix() for p in _files()} == set(rows)
    for file, row in rows.items():
        assert row["licence"] == "CC-BY-2.0" and row["photographer"].strip(), file
        assert row["source_url"].startswith("https://www.flickr.com/photos/"), file
        path = row["source_url"].rstrip("/").split("/")[4:]  # [user, photo id] or, in LICENSE.txt's
        assert path[1:] in ([], [file.split("/")[1].split("_")[0]]), file  # other form, [user] alone
        assert row["class"] == file.split("/")[0]


def test_the_licence_file_is_read_in_both_of_its_line_forms():
    credits = load_script("make_flower_set").credits(
        "All images in this archive are licensed under ...\n"
        "daisy/1_a.jpg CC-BY by A Guy - https://www.flickr.com/photos/x/1/\n"
        "roses/2_b.jpg CC-BY https://www.flickr.com/photos/y/ - by Joe  Martin\n"
        "tulips/3_c.jpg no licence given\n")
    assert credits == {"daisy/1_a.jpg": ("A Guy", "https://www.flickr.com/photos/x/1/"),
                       "roses/2_b.jpg": ("Joe Martin", "https://www.flickr.com/photos/y/")}


def test_lessons_split_the_flowers_200_100_300_without_overlap():
    data = load_lesson_images(PROFILES["offline"])
    assert data.class_names == CLASSES
    sizes = {name: len(files) for name, files in data.files.items()}
    assert sizes == {"train": 200, "validation": 100, "test": 300}
    assert not set(data.files["train"]) & set(data.files["test"])
    assert not set(data.files["validation"]) & (set(data.files["train"]) | set(data.files["test"]))


def test_bootstrap_interval_holds_the_accuracy_and_narrows_with_n():
    rng = np.random.default_rng(0)
    small, large = (rng.integers(0, 5, n) for n in (100, 2000))
    pred_small = np.where(rng.random(100) < 0.8, small, (small + 1) % 5)
    pred_large = np.where(rng.random(2000) < 0.8, large, (large + 1) % 5)
    a, b = bootstrap.accuracy(small, pred_small), bootstrap.accuracy(large, pred_large)
    assert a.low < a.value < a.high and b.low < b.value < b.high
    assert (b.high - b.low) < (a.high - a.low) / 3  # about sqrt(20) narrower
    per_class = bootstrap.accuracy(large, pred_large, mean_per_class=True)
    assert per_class.value == pytest.approx(balanced_accuracy_score(large, pred_large))


def test_paired_difference_says_no_difference_inside_and_better_outside_its_interval():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, 600)
    good = np.where(rng.random(600) < 0.9, labels, (labels + 1) % 3)
    flip = good.copy()
    flip[:3] = (labels[:3] + 1) % 3  # three more mistakes: inside the noise
    poor = np.where(rng.random(600) < 0.6, labels, (labels + 2) % 3)
    assert bootstrap.difference(labels, good, flip).verdict("a", "b").endswith(": no difference")
    far = bootstrap.difference(labels, good, poor)
    assert far.excludes_zero and far.low > 0.2 and far.verdict("a", "b").endswith("a is better")
    assert bootstrap.difference(labels, poor, good).verdict("a", "b").endswith("b is better")
    with pytest.raises(ValueError, match="equal, non-empty 1-D arrays"):
        bootstrap.difference(labels, good, poor[:10])


def test_the_stored_flowers102_run_is_the_official_test_split_and_consistent():
    report, predictions = stored_run()
    labels = predictions["label"]
    assert len(labels) == 6_149 and len(np.unique(labels)) == 102 and len(report["class_names"]) == 102
    assert report["approaches"] and "Flowers-102" in report["run"]["label"]
    for name, result in report["approaches"].items():
        assert result["n_test"] == 6_149 and len(result["per_class"]) == 102
        assert result["mean_per_class"] == pytest.approx(balanced_accuracy_score(labels, predictions[name]))
        assert result["top1"] == pytest.approx(np.mean(labels == predictions[name]))


def test_an_approach_run_later_is_stored_beside_the_others_only_if_it_pairs(tmp_path):
    import json
    import shutil

    from tlutils.challenge.report import STORED_RUN

    module = load_script("flowers102_challenge")
    store = tmp_path / "store"
    shutil.copytree(STORED_RUN, store)
    old, old_predictions = stored_run(store)
    later = {"sizes": {**old["sizes"], "scratch_epochs": 30}, "seed": old["seed"],
             "approaches": {"scratch": {**old["approaches"]["feature_extraction"], "epochs": 30}}}
    info = {"label": "L", "finished": "2026-12-07 16:00 UTC", "load_average_at_start": [1.0, 1.0, 1.0]}
    labels = old_predictions["label"]
    report, columns, stored_labels, run = module.merged(store, later, {"scratch": labels}, labels, info)
    assert set(report["approaches"]) == set(old["approaches"]) | {"scratch"}
    assert set(columns) == set(report["approaches"]) and (columns["scratch"] == labels).all()
    assert (stored_labels == labels).all()
    assert [s["approaches"] for s in run["sessions"]][-1] == ["scratch"] and run["label"] == "L"
    with pytest.raises(SystemExit, match="photo for photo"):
        module.merged(store, later, {"scratch": labels}, labels[::-1], info)
    with pytest.raises(SystemExit, match="other sizes or another seed"):
        module.merged(store, {**later, "sizes": {**later["sizes"], "image_size": 224}}, {}, None, info)
    json.dumps(run)  # what store() writes


def test_flowers102_rebuild_checks_every_photo_against_the_official_labels():
    import io

    import scipy.io

    module = load_script("flowers102_from_mirrors")
    names = ["lotus", "pink-yellow dahlia?", "sweet pea"]
    labels = np.arange(module.NUM_PHOTOS) % 3 + 1  # 1-based, as in imagelabels.mat
    mat = io.BytesIO()
    scipy.io.savemat(mat, {"labels": labels[None]})
    folders = {1: "Lotus Lotus", 2: "Pink-Yellow Dahlia", 3: "Sweet Pea"}  # the mirror's folder names
    blobs = {f"image_{i:05d}.jpg": (folders[labels[i - 1]], "0" * 40) for i in range(1, module.NUM_PHOTOS + 1)}
    module.check_labels(blobs, mat.getvalue(), names)  # aliases and spelling variants agree
    blobs["image_00002.jpg"] = ("Sweet Pea", "0" * 40)  # a photo in the wrong class folder
    with pytest.raises(SystemExit, match="1 photos sit in a class folder"):
        module.check_labels(blobs, mat.getvalue(), names)
