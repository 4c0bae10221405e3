"""The detector on mail from collections the course may not ship: the stored outside check.

``scripts/phishing_outside_check.py`` scores the offline bundle on real mail from public
collections without a licence to redistribute (the Enron corpus, Nazario's phishing corpus), which
no model of the course ever trained on, and stores only ids, labels and probabilities in
:data:`OUTSIDE_RUN`. This module reads that report: :func:`table` gives, per collection, the
false-alarm rate (legitimate) or the recall (phishing) at the bundle's threshold with a 95 %
bootstrap interval, and :func:`scored_this_bundle` tells whether the report was made with a given detector, so
that a test notices when the detector changed and the check must be run again.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score

from ..errors import DataFileError
from ..files import read_json
from .data import PHISHING_DIR
from .ensemble import WeightedAverage
from .evaluation import predictions
from .transfer import rate_interval

OUTSIDE_RUN = PHISHING_DIR / "outside_run"
FINGERPRINT_EMAILS = 40  # test e-mails whose probabilities identify a detector


def fingerprint(bundle: str | Path) -> dict[str, Any]:
    """What identifies a detector: its threshold and its probabilities of the first test e-mails
    (rounded: other machines' float sums differ in the last digits, a retrained detector by more)."""
    test = predictions(bundle)["test"]
    rule = WeightedAverage.from_json(read_json(Path(bundle) / "ensemble.json", "train the detector again"))
    return {"threshold": round(float(rule.threshold), 4),
            "test": [round(float(p), 4) for p in test["ensemble"][:FINGERPRINT_EMAILS]]}


def scored_this_bundle(report: dict[str, Any], bundle: str | Path, tolerance: float = 2e-3) -> bool:
    """True when ``report`` was made with the detector in ``bundle`` (see :func:`fingerprint`)."""
    stored, now = report["made"]["fingerprint"], fingerprint(bundle)
    return len(stored["test"]) == len(now["test"]) and all(
        abs(a - b) <= tolerance for a, b in zip([stored["threshold"], *stored["test"]], [now["threshold"], *now["test"]]))


def load_report(folder: str | Path = OUTSIDE_RUN) -> dict[str, Any]:
    """The stored outside check; a missing or broken file is refused in one sentence."""
    path = Path(folder) / "report.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise DataFileError(f"{path} cannot be read ({error}); run scripts/phishing_outside_check.py.") from None


def table(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per outside collection: n, the rate at the report's threshold (false alarms for
    legitimate mail, recall for phishing) with its interval, the median probability, and the PR-AUC
    of that collection against every outside e-mail of the other class."""
    emails = report["emails"]
    threshold, model = report["threshold"], "ensemble"
    rows = []
    for name in sorted({e["collection"] for e in emails}):
        mine = [e for e in emails if e["collection"] == name]
        label = mine[0]["label"]
        others = [e for e in emails if e["label"] != label]
        both = mine + others
        flags = [int(e[model] >= threshold) for e in mine]
        rows.append({"collection": name, "label": label, "n": len(mine), "rate": rate_interval(flags),
                     "median": float(np.median([e[model] for e in mine])),
                     "pr_auc": float(average_precision_score([e["label"] for e in both], [e[model] for e in both]))
                     if others else float("nan")})
    return rows


def best_threshold(report: dict[str, Any], max_false_alarms: float = 0.05) -> dict[str, Any]:
    """The best any threshold could do on the outside collections, chosen with their labels (so
    an upper bound, not a result): the lowest ensemble threshold at which every legitimate outside
    collection has at most ``max_false_alarms`` flagged, the worst such rate, and each phishing
    collection's recall there.

    >>> emails = [{"collection": "work", "label": 0, "ensemble": p} for p in (0.1, 0.2, 0.3, 0.9)]
    >>> emails += [{"collection": "scams", "label": 1, "ensemble": p} for p in (0.5, 0.95)]
    >>> best = best_threshold({"emails": emails}, max_false_alarms=0.0)
    >>> best["threshold"], best["false_alarms"], best["recall"]
    (0.95, 0.0, {'scams': 0.5})
    """
    emails = report["emails"]
    names = sorted({e["collection"] for e in emails})

    def rates(t: float) -> dict[str, float]:
        return {n: float(np.mean([e["ensemble"] >= t for e in emails if e["collection"] == n])) for n in names}

    legitimate = [n for n in names if not next(e["label"] for e in emails if e["collection"] == n)]
    for t in sorted({e["ensemble"] for e in emails}):
        found = rates(t)
        if max(found[n] for n in legitimate) <= max_false_alarms:
            return {"threshold": t, "false_alarms": max(found[n] for n in legitimate),
                    "recall": {n: v for n, v in found.items() if n not in legitimate}}
    raise ValueError("No threshold keeps the false alarms that low.")
