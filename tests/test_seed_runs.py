"""The seed runs lesson 05 prints (tlutils/course_data/seeds, written by benchmarks/head_first_seeds.py
and benchmarks/batchnorm_cost.py): their fields, and summaries computed from their per-seed numbers."""
from __future__ import annotations

import tomllib

import pytest

from conftest import ROOT
from tlutils import seed_runs

# Per stored run: each derived per-seed number, as a function of the record it is derived from.
DERIVED = {
    "head_first": {"accuracy gain": lambda r: r["head first accuracy"] - r["together accuracy"],
                   "drift gap": lambda r: r["together drift"] - r["head first drift"]},
    "batchnorm_cost": {"loss rise": lambda r: r["trainable loss"] - r["frozen loss"],
                       "accuracy fall": lambda r: r["frozen accuracy"] - r["trainable accuracy"],
                       "photos fewer right": lambda r: round(r["accuracy fall"] * r["held-out photos"])},
}


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_stored_run_has_its_fields(name):
    record = seed_runs.load(name)
    assert set(record) == {"procedure", "provenance", "seeds", "per_seed", "summary"}
    assert set(record["provenance"]) >= {"profile", "models", "data", "date", "seconds", "load_average"}
    assert record["provenance"]["profile"] == "offline"
    assert len(record["seeds"]) >= 3 and 42 in record["seeds"], "at least three seeds, the lessons' 42 among them"
    assert [r["seed"] for r in record["per_seed"]] == record["seeds"]
    for r in record["per_seed"]:
        assert set(DERIVED[name]) <= set(r)
        for field, derive in DERIVED[name].items():
            assert r[field] == pytest.approx(derive(r)), f"{name}, seed {r['seed']}: {field}"


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_summaries_are_computed_from_the_per_seed_numbers(name):
    record = seed_runs.load(name)
    recomputed = seed_runs.summarize(record["per_seed"], list(record["summary"]))
    for metric, summary in record["summary"].items():
        assert summary == pytest.approx(recomputed[metric]), metric
        assert summary["n"] == len(record["seeds"])
        assert summary["low"] <= summary["mean"] <= summary["high"]


def test_interval_is_students_t_across_seeds():
    """Three values 0.1, 0.2, 0.3: standard deviation 0.1, t(0.975, 2) = 4.303."""
    result = seed_runs.interval([0.1, 0.2, 0.3])
    assert result["high"] - result["mean"] == pytest.approx(4.303 * 0.1 / 3 ** 0.5, abs=1e-3)


def test_seed_runs_are_package_data():
    """A pip install (Colab) must carry the stored runs lesson 05 reads."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["tlutils"]
    assert "course_data/seeds/*.json" in patterns
