"""Targets of the lessons' "doing" exercises, measured over seeds (offline profile, real weights).

    TLUTILS_PROFILE=offline python benchmarks/exercise_targets.py

Each exercise's solution is run as the notebook runs it, for seeds 0 to 9 (which labelled examples
it gets, and the head's initialisation); the targets the lessons pass to the checks of
tlutils.practice (``target=``) sit below the lowest of these. Prints one JSON line per exercise.
"""
import json

import keras
import numpy as np
from sklearn.linear_model import LogisticRegression

import tlutils

cfg = tlutils.setup(verbose=False)
SEEDS = range(10)


def report(name, values, **extra):
    values = np.asarray(values, dtype=float)
    print(json.dumps({"exercise": name, "min": round(values.min(), 3), "mean": round(values.mean(), 3),
                      "max": round(values.max(), 3), "values": values.round(3).tolist(), **extra}), flush=True)


def text_features():
    """Unit-length mean-pooled MiniLM vectors of every split of the sentiment set."""
    data = tlutils.text.load_sentiment(cfg)
    tokenizer, encoder = tlutils.text.load_bert("bert-base-uncased")
    out = {}
    for name in ("train", "validation", "test"):
        encoded = tlutils.text.encode_texts(tokenizer, getattr(data, name).texts, cfg.max_length)
        vectors = tlutils.text.mean_pool(encoder.bert(encoded).last_hidden_state, encoded["attention_mask"])
        out[name] = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True), getattr(data, name).labels)
    return out


def few(labels, per_class, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
                           for c in np.unique(labels)])


def text_exercises():
    f = text_features()
    (xtr, ytr), (xva, yva), (xte, yte) = f["train"], f["validation"], f["test"]
    centroid, probe = [], []
    for seed in SEEDS:
        pick = few(ytr, 8, seed)
        centres = np.stack([xtr[pick][ytr[pick] == c].mean(axis=0) for c in (0, 1)])
        centroid.append(np.mean((xte @ centres.T).argmax(axis=1) == yte))
        model = LogisticRegression(max_iter=1000).fit(xtr[pick], ytr[pick])
        probe.append(model.score(xte, yte))
    report("03 centroid, 8 labels per class", centroid)
    report("05 logistic regression, 8 labels per class", probe)
    at_half, best_val, test_best, test_half = [], [], [], []
    for seed in SEEDS:  # lesson 04: a probe trained on 160 positives and 16 negatives
        rng = np.random.default_rng(seed)
        pick = np.concatenate([np.flatnonzero(ytr == 1), rng.choice(np.flatnonzero(ytr == 0), 16, replace=False)])
        model = LogisticRegression(max_iter=1000).fit(xtr[pick], ytr[pick])
        pva, pte = model.predict_proba(xva)[:, 1], model.predict_proba(xte)[:, 1]
        candidates = np.unique(pva)
        accs = [np.mean((pva >= t) == yva) for t in candidates]
        t = candidates[int(np.argmax(accs))]
        at_half.append(np.mean((pva >= 0.5) == yva)); best_val.append(max(accs))
        test_best.append(np.mean((pte >= t) == yte)); test_half.append(np.mean((pte >= 0.5) == yte))
    report("04 imbalanced probe: validation accuracy at 0.5", at_half)
    report("04 imbalanced probe: best validation accuracy", best_val)
    report("04 imbalanced probe: test accuracy at the chosen threshold", test_best)
    report("04 imbalanced probe: test accuracy at 0.5", test_half)


def photo_exercise():
    photos = tlutils.data.load_course_photos(cfg)
    extractor = tlutils.models.efficientnet_lite0(include_top=False, pooling="avg")
    xtr, ytr = tlutils.features.extract_features(extractor, photos.train)
    xho, yho = tlutils.features.extract_features(extractor, photos.validation.concatenate(photos.test))
    accuracy = []
    for seed in SEEDS:
        keras.utils.set_random_seed(seed)
        head = keras.Sequential([keras.Input((xtr.shape[1],)), keras.layers.Dense(photos.num_classes, activation="softmax")])
        head.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
        head.fit(xtr, ytr, batch_size=16, epochs=20, verbose=0)
        accuracy.append(np.mean(head.predict(xho, verbose=0).argmax(axis=1) == yho))
    report("00 softmax head on Lite0 features, all training photos", accuracy, held_out=len(yho))


if __name__ == "__main__":
    text_exercises()
    photo_exercise()
