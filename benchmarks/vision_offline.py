"""Margins of the vision lessons' claims over seeds, offline (the packaged ImageNet
EfficientNet-Lite0 standing in for VGG16 and ResNet50, the course's 600 tf_flowers photos split
200 / 100 / 300).

    TLUTILS_PROFILE=offline python benchmarks/vision_offline.py 02   # lessons 01 and 02's recipe
    TLUTILS_PROFILE=offline python benchmarks/vision_offline.py 06   # lesson 06's challenge run

``02`` follows lesson 02 cell by cell: the head (Dense 256, dropout, softmax) trained on the
frozen base's pooled features (up to 100 epochs, early stopping on the validation loss with
patience 10, best weights restored), then the base's top block (Lite0: from block7a_expand_conv
up) unfrozen, BatchNormalization kept frozen, and trained on at 1e-5 for the profile's 3 epochs
(96 px, batches of 16). It prints, per seed, the test accuracy of feature extraction (stage 1),
after fine-tuning (stage 2), and their paired bootstrap interval; then mean and spread.
``06`` runs ``tlutils.challenge.run`` with the offline sizes for each seed and prints each
approach's top-1 test accuracy. Seeds 42, 1 and 2 (the split of the photos follows the seed
too). The lessons' checks take their margins from these runs.
"""
from __future__ import annotations

import dataclasses
import sys
import tempfile
import time

import numpy as np

import tlutils

SEEDS = (42, 1, 2)
TOP_BLOCK_START = "block7a_expand_conv"  # Lite0's block 7a and its final 1x1 convolution (lesson 02)


def lesson_02(seed: int) -> dict[str, float]:
    """Lesson 02's two stages on one seed: test accuracy after each, and seconds."""
    import keras

    cfg = tlutils.setup(seed=seed, verbose=False)
    data = tlutils.data.load_lesson_images(cfg)
    base = tlutils.models.pretrained_base("vgg16", cfg.input_shape, cfg)
    ds = {name: tlutils.data.prepare(getattr(data, name), base.preprocess_input, cfg, shuffle=name == "train")
          for name in ("train", "validation", "test")}
    base.model.trainable = False
    inputs = keras.Input(cfg.input_shape)
    x = keras.layers.GlobalAveragePooling2D()(base.model(inputs))
    x = keras.layers.Dropout(0.3)(keras.layers.Dense(256, activation="relu")(x))
    model = keras.Model(inputs, keras.layers.Dense(data.num_classes, activation="softmax")(x))
    start = time.perf_counter()
    pooled = keras.Model(model.input, model.layers[2].output)
    head = keras.Sequential([keras.Input(pooled.output.shape[1:]), *model.layers[3:]])

    def features(split):
        ordered = tlutils.data.prepare(getattr(data, split), base.preprocess_input, cfg)
        return pooled.predict(ordered, verbose=0), np.concatenate([y.numpy() for _, y in ordered])

    (x, y), (xv, yv) = features("train"), features("validation")
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
    history = head.fit(x, y, validation_data=(xv, yv), epochs=100, batch_size=cfg.batch_size, callbacks=[stop],
                       verbose=0)
    y_test = np.concatenate([labels.numpy() for _, labels in ds["test"]])
    before = model.predict(ds["test"], verbose=0).argmax(axis=1)
    names = [layer.name for layer in base.model.layers]
    tlutils.models.unfreeze_top(base.model, len(names) - names.index(TOP_BLOCK_START))
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(ds["train"], validation_data=ds["validation"], epochs=cfg.fine_tune_epochs, verbose=0)
    after = model.predict(ds["test"], verbose=0).argmax(axis=1)
    gain = tlutils.bootstrap.difference(y_test, after, before)
    return {"feature_extraction": float(np.mean(before == y_test)), "fine_tuned": float(np.mean(after == y_test)),
            "gain": gain.value, "gain_low": gain.low, "gain_high": gain.high,
            "stage1_epochs": len(history.history["loss"]), "seconds": time.perf_counter() - start}


def lesson_06(seed: int) -> dict[str, float]:
    """Lesson 06's challenge run on one seed: each approach's top-1 test accuracy and seconds."""
    from tlutils import challenge

    cfg = tlutils.setup(seed=seed, verbose=False)
    with tempfile.TemporaryDirectory() as folder:
        results = challenge.run(out_dir=folder, cfg=cfg)
    row = {name: r["top1"] for name, r in results.items()}
    row.update({f"{name} s": r["seconds"] for name, r in results.items()})
    row["fe - scratch"] = row["feature_extraction"] - row["scratch"]
    row["ft - scratch"] = row["fine_tuning"] - row["scratch"]
    return row


def main(which: str) -> None:
    run = {"02": lesson_02, "06": lesson_06}[which]
    rows = []
    for seed in SEEDS:
        rows.append(run(seed))
        print(f"seed {seed}: " + ", ".join(f"{k} {v:.3f}" for k, v in rows[-1].items()), flush=True)
    for key in rows[0]:
        values = np.array([row[key] for row in rows])
        print(f"{key}: mean {values.mean():.3f} +- {values.std():.3f} (min {values.min():.3f}, max {values.max():.3f})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "02")
