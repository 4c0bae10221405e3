"""Would another reading of the text raise the phishing detector's recall on mail it never saw?

    TLUTILS_PROFILE=offline python benchmarks/phishing_text_views.py \\
        [--git enron=DIR --git nazario_csv=DIR --git nazario_mbox=DIR]   # the outside collections

The detector's text head is a logistic regression on the frozen MiniLM's mean-pooled vector of an
e-mail's first 128 tokens. Each variant below is trained and thresholded the detector's way (its
head on the training split, the guarded threshold on the validation split) and judged where the
issue's goal is set:

* leaving one collection out (lesson 07's procedure, ``tlutils.phishing.transfer.held_out_rows``): the false-alarm
  rate of each held-out legitimate collection (worst and mean), the recall of each held-out phishing
  source, and the held-out PR-AUC (the collection against the other class's test e-mails), mean and
  worst;
* on the outside collections, when their repositories are given (read exactly as
  ``scripts/phishing_outside_check.py`` reads them; never shipped): the Enron inbox's false-alarm
  rate and each Nazario source's recall at the variant's threshold, with 95 % bootstrap intervals,
  and the PR-AUC of the Enron mail against each source with its paired-bootstrap difference to the
  detector's own head.

Variants: the detector's head; with lesson 07's cues; 256 tokens instead of 128; a word TF-IDF
head (words and word pairs, C = 10) averaged with the detector's head ("mean") or taking the larger
of the two probabilities ("max"); with ``--fine-tune``, the MiniLM itself fine-tuned on the e-mails
(lesson 04's classifier, once per held-out collection). Takes about 2 minutes with the outside
collections (the MiniLM reads every e-mail again at 256 tokens), about 25 more with
``--fine-tune``. Results and their reading: docs/measurements.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.environ.setdefault("TLUTILS_PROFILE", "offline")

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

import tlutils  # noqa: E402
from tlutils.phishing import train_detector, transfer  # noqa: E402
from tlutils.phishing.data import parse_email  # noqa: E402
from tlutils.phishing.ensemble import guarded_threshold  # noqa: E402
from tlutils.phishing.heads import LinearHead  # noqa: E402
from tlutils.phishing.text_model import load_encoder  # noqa: E402
from tlutils.phishing.training import RECIPE  # noqa: E402

WORDS = {"min_df": 2, "sublinear_tf": True, "ngram_range": (1, 2)}
WORDS_C = 10.0
LEGITIMATE_OUTSIDE = "enron_inbox_2000_2002"
FINE_TUNING_EPOCHS = 3


def all_emails(cfg: tlutils.Config, dirs: dict) -> dict:
    """The course's e-mails with their split (and, given ``dirs``, the outside ones, split
    "outside"), their labels and collections, texts, cues and MiniLM features at 128 and 256 tokens."""
    data = transfer.load_all(train_detector(cfg))
    emails, split = list(data["emails"]), list(data["split"])
    if dirs:
        import phishing_outside_check as outside_check

        extra = [parse_email(r, r["id"]) for r in outside_check.outside_records(dirs)]
        emails, split = emails + extra, split + ["outside"] * len(extra)
    texts = [e.model_text for e in emails]
    encoder, course = load_encoder(cfg), len(data["emails"])
    text128 = data["text"] if course == len(emails) else np.vstack([data["text"], encoder.features(texts[course:], 128)])
    return {"emails": emails, "split": np.asarray(split), "labels": np.asarray([e.label for e in emails]),
            "collection": np.asarray([e.collection for e in emails]), "texts": np.asarray(texts, dtype=object),
            "text": text128, "text256": encoder.features(texts, 256), "cues": transfer.cue_features(emails)}


def linear(X: np.ndarray, y: np.ndarray):
    """The detector's head on features ``X``: ``fit(train rows)`` gives every row's probability."""
    return lambda train: LinearHead.fit(X[train], y[train], C=RECIPE["text"]["C"]).probabilities(X)


def words(texts: np.ndarray, y: np.ndarray):
    """A word TF-IDF logistic regression, fitted on the training rows' texts only."""
    def fit(train):
        vectorizer = TfidfVectorizer(**WORDS)
        model = LogisticRegression(C=WORDS_C, max_iter=5000).fit(vectorizer.fit_transform(texts[train]), y[train])
        return model.predict_proba(vectorizer.transform(texts))[:, 1]
    return fit


def fine_tuned(d: dict, cfg: tlutils.Config, epochs: int = FINE_TUNING_EPOCHS):
    """The MiniLM itself trained, not frozen: lesson 04's classifier (a new head on the encoder,
    every layer trained with ``fit_classifier``, 5e-5, seed 0) on the training rows' texts."""
    import keras

    from tlutils.text import encode_texts, load_bert
    from tlutils.text.classifier import fit_classifier, predict_logits

    tokenizer, _ = load_bert(cfg=cfg)
    encoded = encode_texts(tokenizer, list(d["texts"]), RECIPE["text"]["max_length"])

    def fit(train):
        keras.utils.set_random_seed(0)
        _, model = load_bert(task="classification", num_labels=2, cfg=cfg)
        rows = np.where(train)[0]
        fit_classifier(model, ({k: v[rows] for k, v in encoded.items()}, d["labels"][rows]), 5e-5, epochs,
                       seed=0, verbose=0)
        logits = predict_logits(model, encoded)
        return 1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1]))  # softmax's phishing column
    return fit


def variants(d: dict, cfg: tlutils.Config, fine_tune: bool = False) -> dict:
    """Name -> ``fit(train rows)`` returning every row's phishing probability."""
    y, head, tfidf = d["labels"], linear(d["text"], d["labels"]), words(d["texts"], d["labels"])
    found = {"MiniLM, 128 tokens (the detector)": head,
             "+ cues": linear(np.hstack([d["text"], d["cues"]]), y),
             "MiniLM, 256 tokens": linear(d["text256"], y),
             "+ word TF-IDF, mean": lambda train: (head(train) + tfidf(train)) / 2,
             "+ word TF-IDF, max": lambda train: np.maximum(head(train), tfidf(train))}
    if fine_tune:
        found[f"MiniLM fine-tuned, {FINE_TUNING_EPOCHS} epochs"] = fine_tuned(d, cfg)
    return found


def paired_difference(y: np.ndarray, p: np.ndarray, base: np.ndarray, groups: list[np.ndarray],
                      rounds: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """PR-AUC of ``p`` minus that of ``base`` on the same rows, with a 95 % interval from
    resampling each group (the legitimate and the phishing rows) with replacement."""
    rng = np.random.default_rng(seed)
    rows = np.concatenate(groups)
    draws = []
    for _ in range(rounds):
        i = np.concatenate([rng.choice(g, len(g)) for g in groups])
        draws.append(average_precision_score(y[i], p[i]) - average_precision_score(y[i], base[i]))
    low, high = np.percentile(draws, [2.5, 97.5])
    return average_precision_score(y[rows], p[rows]) - average_precision_score(y[rows], base[rows]), low, high


def outside(fit, d: dict, base: np.ndarray) -> list[str]:
    """The variant trained on the training split, its guarded threshold, scored on the outside mail."""
    split, coll, y = d["split"], d["collection"], d["labels"]
    p = fit(split == "train")
    validation = split == "validation"
    threshold = guarded_threshold(y[validation], p[validation], coll[validation])
    legitimate = np.where(coll == LEGITIMATE_OUTSIDE)[0]
    lines = [f"threshold {threshold:.3f}; Enron inbox flagged {fmt(transfer.rate_interval((p[legitimate] >= threshold).astype(int)))}"
             f" (n={len(legitimate)})"]
    for source in sorted(set(coll[(split == "outside") & (y == 1)].tolist())):
        phishing = np.where(coll == source)[0]
        rows = np.concatenate([legitimate, phishing])
        d_ap = paired_difference(y, p, base, [legitimate, phishing])
        lines.append(f"{source} (n={len(phishing)}): recall {fmt(transfer.rate_interval((p[phishing] >= threshold).astype(int)))}, "
                     f"PR-AUC with Enron {average_precision_score(y[rows], p[rows]):.3f} "
                     f"(the detector's head {d_ap[0]:+.3f}, {d_ap[1]:+.3f} to {d_ap[2]:+.3f})")
    return lines


def fmt(rate: tuple[float, float, float]) -> str:
    return f"{rate[0]:.3f} ({rate[1]:.3f}-{rate[2]:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--git", action="append", default=[], metavar="NAME=GIT_DIR",
                        help="an outside collection's repository, as scripts/phishing_outside_check.py takes it")
    parser.add_argument("--fine-tune", action="store_true",
                        help="also fine-tune the MiniLM itself, once per fold (about 2 minutes each, 25 in all)")
    args = parser.parse_args()
    dirs = {}
    if args.git:
        import phishing_outside_check as outside_check
        from git_mirror import pinned_dirs

        dirs = pinned_dirs(args.git, outside_check.REPOSITORIES)
    start, load = time.perf_counter(), os.getloadavg()[0]
    cfg = tlutils.setup(verbose=False)
    d = all_emails(cfg, dirs)
    print(f"{int((d['split'] != 'outside').sum())} course e-mails, {int((d['split'] == 'outside').sum())} outside; "
          f"profile {cfg.profile}")
    fits = variants(d, cfg, args.fine_tune)
    base = next(iter(fits.values()))(d["split"] == "train")
    for name, fit in fits.items():
        rows = transfer.held_out_rows(d, fit)
        legitimate = [r for r in rows if not r["label"]]
        worst = max(legitimate, key=lambda r: r["held_out"][0])
        aps = [r["pr_auc"] for r in rows]
        print(f"\n{name}\n  held out: worst false alarms {fmt(worst['held_out'])}, "
              f"mean {np.mean([r['held_out'][0] for r in legitimate]):.3f}; recall "
              + ", ".join(f"{r['collection']} {fmt(r['held_out'])}" for r in rows if r["label"])
              + f"; PR-AUC mean {np.mean(aps):.3f}, worst {min(aps):.3f}")
        if dirs:
            print("\n".join(f"  outside: {line}" for line in outside(fit, d, base)))
    print(f"\n{time.perf_counter() - start:.0f} s, load average {load:.1f} at the start")


if __name__ == "__main__":
    main()
