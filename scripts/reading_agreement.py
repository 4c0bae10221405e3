"""How far two readers of the phishing collections agree (data/phishing_reading/).

A second reader labelled 200 of the e-mails read, drawn at random, without seeing the first
labels; this prints the share of e-mails both gave the same label and Cohen's kappa (agreement
beyond chance, scikit-learn's), over the four labels and over the decision the builder makes
(phishing or not), and where they differ::

    python scripts/reading_agreement.py
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from sklearn.metrics import accuracy_score, cohen_kappa_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_real_phishing_data import READ_LABELS, read_labels  # noqa: E402

SECOND_READING = READ_LABELS.with_name("second_reading.jsonl")


def agreement() -> dict[str, float]:
    """Agreement and kappa over the four labels and over phishing-or-not, on the e-mails both read."""
    first, second = read_labels(READ_LABELS), read_labels(SECOND_READING)
    both = sorted(second)
    a, b = [first[i] for i in both], [second[i] for i in both]
    pa, pb = [x == "phishing" for x in a], [x == "phishing" for x in b]
    return {"n": len(both), "same_label": float(accuracy_score(a, b)), "kappa": float(cohen_kappa_score(a, b)),
            "same_decision": float(accuracy_score(pa, pb)), "kappa_decision": float(cohen_kappa_score(pa, pb)),
            "differences": Counter(f"{x} / {y}" for x, y in zip(a, b) if x != y)}


if __name__ == "__main__":
    result = agreement()
    print(f"{result['n']} e-mails read twice: same label {result['same_label']:.3f} (kappa {result['kappa']:.3f}), "
          f"same decision, phishing or not, {result['same_decision']:.3f} (kappa {result['kappa_decision']:.3f})")
    for pair, count in result["differences"].most_common():
        print(f"  first / second reader: {pair}: {count}")
