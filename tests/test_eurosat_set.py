"""The course's EuroSAT images (tlutils/course_data/eurosat) and the stored run that lesson 02's
section "When does fine-tuning pay?" reads (tlutils/course_data/eurosat_run/results.json)."""
from __future__ import annotations

import csv
import hashlib
import json

import pytest

from photo_sets import assert_small_rgb_jpegs, image_files, load_script
from tlutils.config import PROFILES
from tlutils.data import EUROSAT_DIR, load_course_eurosat

MANIFEST = EUROSAT_DIR.with_name("eurosat_sources.csv")
RUN = EUROSAT_DIR.with_name("eurosat_run") / "results.json"
# EuroSAT RGB's published class sizes; its files are named <class>_1.jpg .. <class>_<size>.jpg.
EUROSAT_SIZES = {"AnnualCrop": 3000, "Forest": 3000, "HerbaceousVegetation": 3000, "Highway": 2500,
                 "Industrial": 2500, "Pasture": 2000, "PermanentCrop": 2500, "Residential": 3000,
                 "River": 2500, "SeaLake": 3000}


def _rows() -> dict[str, dict]:
    with open(MANIFEST, encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def _git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_five_classes_of_120_small_rgb_jpegs_split_like_the_flowers():
    data = load_course_eurosat(PROFILES["offline"])
    assert data.class_names == ["AnnualCrop", "Forest", "HerbaceousVegetation", "Highway", "Industrial"]
    assert {name: len(files) for name, files in data.files.items()} == {"train": 200, "validation": 100, "test": 300}
    assert_small_rgb_jpegs(EUROSAT_DIR, max_side=64, max_bytes=3_000_000)


def test_the_shipped_files_are_the_manifest_and_the_original_bytes():
    rows = _rows()
    assert {p.relative_to(EUROSAT_DIR).as_posix() for p in image_files(EUROSAT_DIR)} == set(rows)
    script = load_script("make_eurosat_set")
    for file, row in rows.items():
        assert row["licence"] == "MIT" and row["class"] == file.split("/")[0], file
        assert row["original"] == f"{script.IMAGES_REPO}@{script.IMAGES_COMMIT[:12]}:{script.FOLDER}/{file}"
        assert _git_blob((EUROSAT_DIR / file).read_bytes()) == row["git_blob"], file


def test_the_build_script_draws_exactly_the_shipped_files():
    """Its seeded draw over EuroSAT's file names (every class's <class>_1..N.jpg) gives the manifest."""
    script = load_script("make_eurosat_set")
    available = {f"{name}/{name}_{i}.jpg": f"{script.FOLDER}/{name}/{name}_{i}.jpg"
                 for name in script.CLASSES for i in range(1, EUROSAT_SIZES[name] + 1)}
    assert list(_rows()) == script.choose(available)


def test_the_stored_run_says_what_made_it_and_its_verdicts_follow_its_intervals():
    run = json.loads(RUN.read_text())
    info, results = run["run"], run["results"]
    assert info["profile"] == "offline" and "EfficientNet-Lite0" in info["model"]
    assert {"data", "machine", "finished", "wall_seconds", "command", "fine_tunings"} <= set(info)
    assert set(results) == {"flowers", "eurosat", "eurosat_medium"}
    seeds = [[r["seed"] for r in rows] for rows in results.values()]
    assert all(s == seeds[0] for s in seeds) and len(set(seeds[0])) >= 3
    for dataset, rows in results.items():
        for r in rows:
            assert (r["n_train"], r["n_test"]) == (1000 if dataset == "eurosat_medium" else 200, 300)
            for name in info["fine_tunings"]:
                ft, gain = r[name], r[name]["gain"]
                assert gain["value"] == pytest.approx(ft["accuracy"] - r["feature_extraction"]["accuracy"])
                assert gain["low"] <= gain["value"] <= gain["high"]
                said = ("fine-tuning is better" if gain["low"] > 0 else
                        "feature extraction is better" if gain["high"] < 0 else "no difference")
                assert gain["verdict"] == said


def test_lesson_02_reads_the_stored_run_and_its_label_names_what_made_it():
    """Section 8 trains nothing (the suite has no time for it) and its label matches the run."""
    import nbformat

    from conftest import ROOT

    nb = nbformat.read(ROOT / "notebooks" / "02_fine_tuning.ipynb", as_version=4)
    start = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## 8 · When does fine-tuning pay?"))
    label, code = nb.cells[start].source, nb.cells[start + 1]
    info = json.loads(RUN.read_text())["run"]
    assert "About these numbers." in label and f"`{info['profile']}` profile" in label
    assert info["finished"][:10] in label and "EfficientNet-Lite0" in label and "2-core" in label
    assert f"{round(info['wall_seconds'] / 60)} minutes" in label
    assert '"eurosat_run" / "results.json"' in code.source and ".fit(" not in code.source
    assert "nbval-check-output" in code.metadata.get("tags", [])
