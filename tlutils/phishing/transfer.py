"""Does the detector hold on mail it never saw? Leave-one-collection-out, and features that transfer.

For each collection in turn, a new head is trained on the *other* collections' training e-mails,
its threshold is chosen on the other collections' validation e-mails, and it is tested on every
e-mail of the held-out collection: the false-alarm rate when that collection is legitimate, the
recall when it is phishing, each with a 95 % bootstrap interval. The frozen encoder's features
come from the bundle (computed once when it was trained), so a fold costs one logistic
regression. :func:`cue_features` are rule-based features meant to transfer across eras (where
links really go against what they show, the sender's domain against the brand named, requests
for credentials or payment, haste, an e-mail made of images); :func:`held_out_table` runs with
or without them, which is the ablation.

>>> rate_interval([1, 0, 0, 0], rounds=200)[0]
0.25
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score

from . import cues
from .data import Email, load_emails
from .ensemble import choose_threshold, guarded_threshold
from .heads import LinearHead
from .inputs import body_text, readable

SPLITS = ("train", "validation", "test")
BRANDS = ("paypal", "apple", "icloud", "microsoft", "outlook", "office", "amazon", "netflix", "google", "gmail",
          "facebook", "instagram", "whatsapp", "linkedin", "dhl", "fedex", "ups", "usps", "chase", "wells fargo",
          "bank of america", "citibank", "hsbc", "docusign", "dropbox", "adobe", "ebay", "coinbase", "binance",
          "metamask", "norton", "mcafee", "geek squad", "walmart", "costco", "irs", "hmrc", "att", "verizon")
PAYMENT = re.compile(r"\b(pay(ment)?|fee|invoice|wire|transfer|bitcoin|btc|crypto|wallet|gift ?card|bank (details|account)|"
                     r"refund|billing|credit card|charge[ds]?|claim)\b", re.I)
CUES = ("link shows another domain", "sender domain is not the brand named", "asks for credentials",
        "asks for payment", "presses for haste", "only images", "plain-http links", "links (log)")


def _brand_mismatch(email: Email) -> bool:
    """A brand is named in the sender's name or the subject while the sender's domain lacks it."""
    named = f"{email.sender_name} {email.subject}".lower()
    domain = email.sender_address.lower().split("@")[-1]
    squashed = re.sub(r"[^a-z]", "", domain)
    return any(re.search(rf"\b{re.escape(b)}\b", named) and re.sub(r"[^a-z]", "", b) not in squashed for b in BRANDS)


def cue_row(email: Email) -> list[float]:
    """One e-mail's :data:`CUES` as numbers (0/1, and the log of one plus the number of links)."""
    html = email.html or ""
    shown = body_text(html=html, text=email.text)
    words = f"{email.subject}\n{shown}"
    found = cues.links(html) if html else []
    return [float(bool(cues.link_mismatches(html))) if html else 0.0, float(_brand_mismatch(email)),
            float(bool(cues.CREDENTIALS.search(words))), float(bool(PAYMENT.search(words))),
            float(bool(cues.URGENCY.search(words))),
            float("<img" in html.lower() and not readable(body_text(html=html, text=""))),
            float(any(href.lower().startswith("http://") for _, href in found)), float(np.log1p(len(found)))]


def cue_features(emails: Sequence[Email]) -> np.ndarray:
    """:func:`cue_row` of every e-mail, one row each."""
    return np.asarray([cue_row(e) for e in emails], dtype="float64").reshape(len(emails), len(CUES))


def rate_interval(flags: Sequence[int], rounds: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """The share of ones in ``flags`` and its 95 % percentile bootstrap interval."""
    x = np.asarray(flags, float)
    if not len(x):
        return float("nan"), float("nan"), float("nan")
    draws = np.random.default_rng(seed).choice(x, size=(rounds, len(x))).mean(axis=1)
    return float(x.mean()), float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))


def load_all(bundle: str | Path) -> dict[str, Any]:
    """Every real e-mail of train, validation and test with its split, its collection and the
    bundle's frozen text features, plus :func:`cue_features` (computed here)."""
    stored = np.load(Path(bundle) / "features.npz")
    emails, split_of, text = [], [], []
    for split in SPLITS:
        mine = load_emails(split, corpus="real")
        emails += mine
        split_of += [split] * len(mine)
        text.append(stored[f"text_{split}"])
    return {"emails": emails, "split": np.asarray(split_of), "labels": np.asarray([e.label for e in emails]),
            "collection": np.asarray([e.collection for e in emails]), "text": np.concatenate(text),
            "cues": cue_features(emails)}


def _inputs(data: dict[str, Any], use: Sequence[str]) -> np.ndarray:
    """The chosen feature blocks side by side (each head scales its rows; cues are given the
    weight of the 384 text features by repeating nothing: they are standardised like the rest)."""
    return np.hstack([data[name] for name in use])


def threshold(labels: np.ndarray, probabilities: np.ndarray, collections: np.ndarray, rule: str = "guarded") -> float:
    """A threshold chosen on validation rows by the detector's ``"guarded"`` rule (no legitimate
    collection flagged more than 5 %) or the ``"pooled"`` one (precision 0.95 on all validation
    e-mails together)."""
    if rule == "guarded":
        return guarded_threshold(labels, probabilities, collections)
    if rule == "pooled":
        return choose_threshold(labels, probabilities)
    raise ValueError(f"Unknown threshold rule {rule!r}; choose 'guarded' or 'pooled'.")


def held_out_rows(data: dict[str, Any], fit: Callable[[np.ndarray], np.ndarray], rule: str = "guarded") -> list[dict]:
    """One row per collection of the course's splits: ``fit(train rows)`` trains a scorer on the
    rows marked and returns every row's phishing probability (rows of other splits, such as
    outside mail, are scored, never trained on or thresholded on). Each collection in turn: trained
    without it (train split of the others), threshold chosen by ``rule`` on the others' validation
    e-mails, tested on all of its e-mails; plus the in-collection result (trained on every
    collection's train split, tested on its test split) and the held-out PR-AUC (the collection
    against the other class's test e-mails)."""
    rows = []
    split, coll, y = data["split"], data["collection"], data["labels"]

    def scored(train: np.ndarray, validation: np.ndarray) -> tuple[np.ndarray, float]:
        p = fit(train)
        return p, threshold(y[validation], p[validation], coll[validation], rule)

    p_in, t_in = scored(split == "train", split == "validation")
    for name in sorted(set(coll[np.isin(split, SPLITS)].tolist()), key=lambda c: (-y[coll == c][0], c)):
        out = coll == name
        p, cut = scored((split == "train") & ~out, (split == "validation") & ~out)
        label = int(y[out][0])
        flags = (p[out] >= cut).astype(int)
        inside = out & (split == "test")
        others = (split == "test") & ~out & (y != label)
        both = out | others
        rows.append({"collection": name, "label": label, "n": int(out.sum()), "threshold": cut,
                     "held_out": rate_interval(flags), "in_collection": rate_interval((p_in[inside] >= t_in).astype(int)),
                     "n_in": int(inside.sum()), "pr_auc": float(average_precision_score(y[both], p[both]))})
    return rows


def held_out_table(data: dict[str, Any], use: Sequence[str] = ("text", "cues"), C: float = 0.1,
                   rule: str = "guarded") -> list[dict]:
    """:func:`held_out_rows` for the detector's head (logistic regression, ``C``) on the feature
    blocks ``use``."""
    X, y = _inputs(data, use), data["labels"]
    return held_out_rows(data, lambda train: LinearHead.fit(X[train], y[train], C=C).probabilities(X), rule)


def realistic(rate_false_alarm: float, recall: float, base_rate: float) -> float:
    """Precision at ``base_rate`` (the share of phishing in an inbox) from a false-alarm rate and a recall.

    >>> round(realistic(0.05, 0.9, 0.01), 3)
    0.154
    """
    flagged_phishing = recall * base_rate
    return flagged_phishing / (flagged_phishing + rate_false_alarm * (1 - base_rate))
