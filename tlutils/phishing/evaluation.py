"""How good the detector is on real e-mail: per model and for the ensemble, with confidence
intervals, at two base rates, on slices, and against shortcuts (held-out collections: :mod:`tlutils.phishing.transfer`).

``test`` holds about one phishing e-mail in three (125 of 358); ``test_realistic`` keeps every legitimate test e-mail and
six phishing ones (2.5 %), as an inbox might see after its provider's filters, so its precision
says how many warnings would be false alarms. Each model's threshold is chosen on the validation
e-mails so that no legitimate collection there is flagged more than 5 %
(:func:`~tlutils.phishing.ensemble.guarded_threshold`). The metrics
are scikit-learn's; the probabilities and features come from the bundle (``predictions.json``,
``features.npz``, computed once when it was trained), so evaluating costs no model run.
Occlusion (what the text model relies on) does run the text model.

>>> m = metrics([0, 0, 1, 1], [0.1, 0.6, 0.8, 0.4])
>>> m["precision"], m["recall"], m["confusion"]
(0.5, 0.5, [[1, 1], [1, 1]])
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (average_precision_score, confusion_matrix, f1_score, precision_score, recall_score,
                             roc_auc_score)

from ..files import read_json
from .data import load_emails
from .ensemble import guarded_threshold
from .heads import LinearHead

MODELS = ("text", "screenshot", "ensemble")


def metrics(labels: Sequence[int], probabilities: Sequence[float], threshold: float = 0.5) -> dict[str, Any]:
    """Precision, recall and F1 at ``threshold``, PR-AUC (average precision) and ROC-AUC
    (threshold-free; None when one class is missing), and the confusion matrix (rows: true
    legitimate, phishing; columns: predicted)."""
    y, p = np.asarray(labels), np.asarray(probabilities, float)
    predicted = (p >= threshold).astype(int)
    both = len(set(y.tolist())) == 2
    return {"precision": float(precision_score(y, predicted, zero_division=0)),
            "recall": float(recall_score(y, predicted, zero_division=0)),
            "f1": float(f1_score(y, predicted, zero_division=0)),
            "pr_auc": float(average_precision_score(y, p)) if both else None,
            "roc_auc": float(roc_auc_score(y, p)) if both else None,
            "confusion": confusion_matrix(y, predicted, labels=[0, 1]).tolist(),
            "base_rate": float(y.mean()), "n": int(len(y))}


def predictions(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Per split, the ids, labels and each model's and the ensemble's probabilities from a bundle."""
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


def thresholds(folder: str | Path) -> dict[str, float]:
    """Each model's threshold: chosen on the validation e-mails by the guarded rule (the
    ensemble's is the one its rule stores, chosen the same way)."""
    from .ensemble import WeightedAverage

    validation = predictions(folder)["validation"]
    rule = WeightedAverage.from_json(read_json(Path(folder) / "ensemble.json", "train the detector again"))
    collection = {e.id: e.collection for e in load_emails("validation", corpus="real")}
    collections = [collection[i] for i in validation["ids"]]
    found = {model: guarded_threshold(validation["labels"], validation[model], collections)
             for model in ("text", "screenshot")}
    return {**found, "ensemble": rule.threshold}


def score_table(folder: str | Path, splits: Sequence[str] = ("test", "test_realistic"),
                threshold: float | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """``{split: {model: metrics}}`` for the text model, the screenshot model and the ensemble,
    each at its validation-chosen threshold (or at ``threshold`` for all)."""
    found, chosen = predictions(folder), thresholds(folder)
    return {split: {model: metrics(found[split]["labels"], found[split][model],
                                   chosen[model] if threshold is None else threshold) for model in MODELS}
            for split in splits}


def bootstrap(labels: Sequence[int], probabilities: Sequence[float], threshold: float, *, rounds: int = 1000,
              seed: int = 0) -> dict[str, tuple[float, float]]:
    """95 % percentile bootstrap intervals of F1, precision, recall and PR-AUC: the e-mails are
    resampled with replacement ``rounds`` times (resamples holding one class only are skipped).
    Counts are taken with NumPy, PR-AUC with scikit-learn (1,000 rounds: about a second)."""
    y, p = np.asarray(labels), np.asarray(probabilities, float)
    flagged = p >= threshold
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(rounds):
        i = rng.integers(0, len(y), len(y))
        yi, fi = y[i], flagged[i]
        if yi.min() == yi.max():
            continue
        hits = float(np.sum(yi & fi))
        precision = hits / max(fi.sum(), 1)
        recall = hits / yi.sum()
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append([f1, precision, recall, average_precision_score(yi, p[i])])
    low, high = np.percentile(np.asarray(rows), [2.5, 97.5], axis=0)
    return {name: (round(float(a), 3), round(float(b), 3))
            for name, a, b in zip(("f1", "precision", "recall", "pr_auc"), low, high)}


def slices(folder: str | Path, model: str = "ensemble") -> dict[str, dict[str, Any]]:
    """``model``'s test metrics on slices that control for a shortcut: HTML-only and plain-text
    only e-mails (the collections differ in format), and each legitimate collection against all
    phishing (a threshold's false alarms differ from one kind of legitimate mail to another)."""
    found, threshold = predictions(folder)["test"], thresholds(folder)[model]
    by_id = {e.id: e for e in load_emails("test", corpus="real")}
    emails = [by_id[i] for i in found["ids"]]
    rules: dict[str, Callable[[Any], bool]] = {
        "all (English)": lambda e: True, "HTML only": lambda e: e.format == "html",
        "plain text only": lambda e: e.format == "text"}
    for collection in sorted({e.collection for e in emails if not e.label}):
        rules[f"legit. = {collection}"] = lambda e, c=collection: e.label or e.collection == c
    out = {}
    for name, keep in rules.items():
        i = np.asarray([bool(keep(e)) for e in emails])
        out[name] = metrics(found["labels"][i], found[model][i], threshold)
    return out


def other_languages(folder: str | Path) -> dict[str, dict[str, float]]:
    """What each model does with phishing not in English (``test_other_languages``): the share it
    flags at its threshold and its median probability, beside the same on English test phishing."""
    found, chosen = predictions(folder), thresholds(folder)
    out = {}
    for name, split in (("English phishing (test)", "test"), ("other languages", "test_other_languages")):
        phishing = found[split]["labels"] == 1
        out[name] = {model: {"flagged": float((found[split][model][phishing] >= chosen[model]).mean()),
                             "median": float(np.median(found[split][model][phishing]))} for model in MODELS}
    return out


def features(folder: str | Path) -> dict[str, np.ndarray]:
    """Both frozen models' features and the labels of every split, as saved in the bundle."""
    with np.load(Path(folder) / "features.npz", allow_pickle=False) as stored:
        return {key: stored[key] for key in stored.files}


def synthetic_to_real(detector: Any, folder: str | Path) -> dict[str, dict[str, Any]]:
    """What the course's synthetic e-mails hid: a text head trained on the synthetic training
    e-mails, tested on the synthetic test e-mails and on the real test e-mails, at the threshold
    the synthetic lesson used (0.5; the synthetic validation e-mails are too easy to choose one:
    every threshold between their classes gives precision 1). Runs the text model on the 224
    synthetic training and test e-mails."""
    from .training import RECIPE

    def read(split: str) -> tuple[np.ndarray, np.ndarray]:
        emails = load_emails(split, corpus="synthetic")
        return (detector.encoder.features([e.model_text for e in emails], int(detector.info["max_length"])),
                np.asarray([e.label for e in emails]))

    (X_train, y_train), (X_test, y_test) = read("train"), read("test")
    head = LinearHead.fit(X_train, y_train, C=RECIPE["text"]["C"])
    threshold = 0.5
    real = features(folder)
    return {"synthetic test": metrics(y_test, head.probabilities(X_test), threshold),
            "real test": metrics(real["labels_test"], head.probabilities(real["text_test"]), threshold)}


def shortcut_scores() -> dict[str, dict[str, float]]:
    """How well a logistic regression on one surface property alone (no words) tells the test
    e-mails apart, trained on the training e-mails: test ROC-AUC and PR-AUC per property. A
    property that scores far above 0.5 is a shortcut a model could learn instead of phishing."""
    from sklearn.linear_model import LogisticRegression

    properties: dict[str, Callable[[Any], list[float]]] = {
        "format (HTML or plain text)": lambda e: [e.format == "html"],
        "length of the text read": lambda e: [np.log1p(len(e.model_text))],
        "year written in the e-mail": lambda e: [bool(re.search(r"\b(19|20)\d\d\b", f"{e.subject} {e.text} {e.html}"))],
        "year written in the model's input": lambda e: [bool(re.search(r"\b(19|20)\d\d\b", e.model_text))],
        "collection marker (zzzz, taint.org, phishing@pot)": lambda e: [bool(re.search(
            r"zzzz|taint\.org|phishing@pot", f"{e.subject} {e.text} {e.html} {e.sender_address}", re.I))],
    }
    train, test = load_emails("train", corpus="real"), load_emails("test", corpus="real")
    y_train, y_test = [e.label for e in train], [e.label for e in test]
    out = {}
    for name, prop in properties.items():
        X_train = np.asarray([prop(e) for e in train], float)
        X_test = np.asarray([prop(e) for e in test], float)
        if len(np.unique(X_train)) < 2:
            out[name] = {"roc_auc": 0.5, "pr_auc": float(np.mean(y_test))}
            continue
        p = LogisticRegression().fit(X_train, y_train).predict_proba(X_test)[:, 1]
        out[name] = {"roc_auc": float(roc_auc_score(y_test, p)), "pr_auc": float(average_precision_score(y_test, p))}
    return out


def mistakes(folder: str | Path, split: str = "test", model: str = "ensemble",
             threshold: float | None = None) -> list[dict[str, Any]]:
    """The e-mails ``model`` gets wrong on ``split`` (at its validation-chosen threshold unless
    ``threshold`` is given): id, label, probability, sender, subject, source and format."""
    found = predictions(folder)[split]
    threshold = thresholds(folder)[model] if threshold is None else threshold
    source = "test" if split == "test_realistic" else split
    by_id = {e.id: e for e in load_emails(source, corpus="real")}
    wrong = []
    for i, email_id in enumerate(found["ids"]):
        p, label = float(found[model][i]), int(found["labels"][i])
        if (p >= threshold) != bool(label):
            e = by_id[email_id]
            wrong.append({"id": email_id, "label": label, "probability": p, "sender": e.sender_address,
                          "subject": e.subject, "source": e.source, "format": e.format})
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
    """How much the text model's phishing probability drops when each piece of the body
    (plain text, as :func:`~tlutils.phishing.inputs.body_text` gives it) is left out, biggest
    drop first: the pieces it relies on. One batch of texts, so it is cheap."""
    from .inputs import model_text

    pieces = split_pieces(text, unit)
    joiner = " " if unit == "word" else "\n"
    variants = [text] + [joiner.join(pieces[:i] + pieces[i + 1:]) for i in range(len(pieces))]
    p = detector.text_probabilities([model_text(subject=subject, html=None, text=v) for v in variants])
    return sorted(zip(pieces, (p[0] - p[1:]).tolist()), key=lambda pair: -pair[1])
