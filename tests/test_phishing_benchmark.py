"""benchmarks/phishing_text_views.py's scoring: leave-one-collection-out with the guarded threshold
(tlutils.phishing.transfer.held_out_rows) and the paired PR-AUC difference, on small made-up tables
whose answers are known."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "phishing_text_views.py"


@pytest.fixture(scope="module")
def views():
    spec = importlib.util.spec_from_file_location("phishing_text_views", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table(n=12):
    """Two legitimate collections and one phishing source, each with train, validation and test rows."""
    coll = np.repeat(["news", "work", "scam"], 3 * n)
    split = np.tile(np.repeat(["train", "validation", "test"], n), 3)
    return {"collection": coll, "split": split, "labels": (coll == "scam").astype(int)}


def test_held_out_rows_report_each_collection_at_the_guarded_threshold():
    """tlutils.phishing.transfer.held_out_rows, which lesson 07's table and the benchmark's variants
    use, with a scorer given as a function; rows of another split (outside mail) get no row of their own."""
    from tlutils.phishing import transfer

    d = table()
    d["collection"] = np.concatenate([d["collection"], ["outside"] * 4])  # outside mail, 2 of 4 phishing
    d["split"] = np.concatenate([d["split"], ["outside"] * 4])
    d["labels"] = np.concatenate([d["labels"], [1, 1, 0, 0]])
    rows = {r["collection"]: r for r in transfer.held_out_rows(d, lambda train: d["labels"] * 0.8 + 0.1)}
    assert {c: (r["label"], r["held_out"][0], r["pr_auc"]) for c, r in rows.items()} == {
        "news": (0, 0.0, 1.0), "scam": (1, 1.0, 1.0), "work": (0, 0.0, 1.0)}
    # A scorer that ranks the "work" mail as high as the phishing: when "work" is held out, the
    # threshold (guarding "news" only) flags all of it; it is caught, not averaged away.
    blind = {r["collection"]: r for r in transfer.held_out_rows(d, lambda train: np.where(d["collection"] == "news", 0.1, 0.9))}
    assert blind["work"]["held_out"][0] == 1.0 and blind["news"]["held_out"][0] == 0.0
    # Its PR-AUC is the phishing share of the rows ranked (all tied): 12 test scams among 36 + 12.
    assert blind["work"]["pr_auc"] == pytest.approx(12 / 48)


def test_paired_difference_is_zero_for_the_same_scores_and_positive_for_a_better_ranking(views):
    y = np.array([0] * 20 + [1] * 20)
    groups = [np.arange(20), np.arange(20, 40)]
    rng = np.random.default_rng(1)
    base = rng.random(40)
    assert views.paired_difference(y, base, base, groups, rounds=50) == (0.0, 0.0, 0.0)
    better = base + y
    diff, low, high = views.paired_difference(y, better, base, groups, rounds=200)
    assert 0 < low <= diff <= high
