"""How far two readers of the phishing collections agree (data/phishing_reading/).

A second reader labelled 200 of the e-mails read, drawn at random, without seeing the first
labels; this prints the share of e-mails both gave the same label and Cohen's kappa (agreement
beyond chance, scikit-learn's), over the four labels and over the decision the builder makes
(phishing or not), and where they differ::

    python scripts/reading_agreement.py
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

READING = Path(__file__).resolve().parents[1] / "data" / "phishing_reading"


def labels(name: str) -> dict[str, str]:
    """``{id: label}`` of one reader's file."""
    return {row["id"]: row["label"] for row in map(json.loads, (READING / name).read_text(encoding="utf-8").splitlines())}


def agreement() -> dict[str, float]:
    """Agreement and kappa over the four labels and over phishing-or-not, on the e-mails both read."""
    first, second = labels("labels.jsonl"), labels("second_reading.jsonl")
    both = sorted(second)
    a, b = [first[i] for i in both], [second[i] for i in both]
    pa, pb = [x == "phishing" for x in a], [x == "phishing" for x in b]
    return {"n": len(both), "same_label": sum(x == y for x, y in zip(a, b)) / len(both),
            "kappa": float(cohen_kappa_score(a, b)),
            "same_decision": sum(x == y for x, y in zip(pa, pb)) / len(both),
            "kappa_decision": float(cohen_kappa_score(pa, pb)),
            "differences": Counter(f"{x} / {y}" for x, y in zip(a, b) if x != y)}


if __name__ == "__main__":
    result = agreement()
    print(f"{result['n']} e-mails read twice: same label {result['same_label']:.3f} (kappa {result['kappa']:.3f}), "
          f"same decision, phishing or not, {result['same_decision']:.3f} (kappa {result['kappa_decision']:.3f})")
    for pair, count in result["differences"].most_common():
        print(f"  first / second reader: {pair}: {count}")
