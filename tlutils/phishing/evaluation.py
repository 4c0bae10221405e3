"""How good the detector is, per model and for the ensemble, at two base rates.

``test`` is balanced (half phishing); ``test_realistic`` holds a few percent phishing, as an
inbox would, so its precision says how many warnings would be false alarms. The metrics are
scikit-learn's; the probabilities come from the bundle's ``predictions.json`` (computed once when
it was trained), so evaluating costs no model run. Occlusion (what the text model relies on)
does run the text model.

>>> m = metrics([0, 0, 1, 1], [0.1, 0.6, 0.8, 0.4])
>>> m["precision"], m["recall"], m["confusion"]
(0.5, 0.5, [[1, 1], [1, 1]])
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, confusion_matrix, f1_score, precision_score, recall_score

from ..files import read_json
from .data import load_emails

MODELS = ("text", "screenshot", "ensemble")


def metrics(labels: Sequence[int], probabilities: Sequence[float], threshold: float = 0.5) -> dict[str, Any]:
    """Precision, recall and F1 at ``threshold``, PR-AUC (average precision, threshold-free), and
    the confusion matrix (rows: true legitimate, phishing; columns: predicted)."""
    y, p = np.asarray(labels), np.asarray(probabilities, float)
    predicted = (p >= threshold).astype(int)
    return {"precision": float(precision_score(y, predicted, zero_division=0)),
            "recall": float(recall_score(y, predicted, zero_division=0)),
            "f1": float(f1_score(y, predicted, zero_division=0)),
            "pr_auc": float(average_precision_score(y, p)),
            "confusion": confusion_matrix(y, predicted, labels=[0, 1]).tolist(),
            "base_rate": float(y.mean()), "n": int(len(y))}


def predictions(folder: str | Path) -> dict[str, dict[str, np.ndarray]]:
    """Per split, the labels and each model's and the ensemble's probabilities from a bundle."""
    from .ensemble import WeightedAverage

    folder = Path(folder)
    stored = read_json(folder / "predictions.json", "train the detector again")
    rule = WeightedAverage.from_json(read_json(folder / "ensemble.json", "train the detector again"))
    out = {}
    for split, values in stored.items():
        text, screenshot = np.asarray(values["text"]), np.asarray(values["screenshot"])
        out[split] = {"ids": list(values["ids"]), "labels": np.asarray(values["labels"]), "text": text,
                      "screenshot": screenshot, "ensemble": rule.probability(text, screenshot)}
    return out


def score_table(folder: str | Path, splits: Sequence[str] = ("test", "test_realistic"),
                threshold: float = 0.5) -> dict[str, dict[str, dict[str, Any]]]:
    """``{split: {model: metrics}}`` for the text model, the screenshot model and the ensemble."""
    found = predictions(folder)
    return {split: {model: metrics(found[split]["labels"], found[split][model], threshold) for model in MODELS}
            for split in splits}


def mistakes(folder: str | Path, split: str = "test", model: str = "ensemble",
             threshold: float = 0.5) -> list[dict[str, Any]]:
    """The e-mails ``model`` gets wrong on ``split``: id, label, probability, sender and subject."""
    found = predictions(folder)[split]
    by_id = {e.id: e for e in load_emails(split)}
    wrong = []
    for i, email_id in enumerate(found["ids"]):
        p, label = float(found[model][i]), int(found["labels"][i])
        if (p >= threshold) != bool(label):
            e = by_id[email_id]
            wrong.append({"id": email_id, "label": label, "probability": p, "sender": e.sender_address,
                          "subject": e.subject, "template": e.template})
    return wrong


def split_pieces(text: str, unit: str = "sentence") -> list[str]:
    """``text`` cut into sentences (or lines) or words, the pieces :func:`occlusion` removes.

    >>> split_pieces("Pay now. Or else!\\n\\nThanks")
    ['Pay now.', 'Or else!', 'Thanks']
    """
    if unit == "word":
        return text.split()
    if unit != "sentence":
        raise ValueError(f"unit must be 'sentence' or 'word', not {unit!r}")
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def occlusion(detector: Any, subject: str, text: str, unit: str = "sentence") -> list[tuple[str, float]]:
    """How much the text model's phishing probability drops when each piece of the body is left
    out (biggest drop first): the pieces it relies on. One batch of texts, so it is cheap."""
    from .text_model import text_probabilities

    pieces = split_pieces(text, unit)
    joiner = " " if unit == "word" else "\n"
    variants = [f"{subject}\n\n{text}"] + [f"{subject}\n\n" + joiner.join(pieces[:i] + pieces[i + 1:])
                                           for i in range(len(pieces))]
    p = text_probabilities(detector.tokenizer, detector.text_model, variants, int(detector.info["max_length"]))
    return sorted(zip(pieces, (p[0] - p[1:]).tolist()), key=lambda pair: -pair[1])
