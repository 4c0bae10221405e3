"""Margins of the vision lessons' claims over seeds, offline (the packaged ImageNet
EfficientNet-Lite0 standing in for VGG16 and ResNet50, the course photos split 60/20/20).

    TLUTILS_PROFILE=offline python benchmarks/vision_offline.py 02   # lessons 01 and 02's recipe
    TLUTILS_PROFILE=offline python benchmarks/vision_offline.py 06   # lesson 06's challenge run

``02`` follows lessons 01 and 02 cell by cell: the head (Dense 256, dropout, softmax) trained on
the frozen base (lesson 02: with early stopping on the validation loss), then the base's top
block unfrozen (BatchNormalization kept frozen) and trained on at 1e-5, all at the profile's
sizes (96 px, batches of 16, 5 + 3 epochs). It prints, per seed, the test accuracy of feature
extraction (stage 1) and after fine-tuning (stage 2), then mean and standard deviation.
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
TOP_BLOCK = 10  # Lite0's block 7a and its final 1x1 convolution (lesson 02's TOP_BLOCK)


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
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    model.fit(ds["train"], validation_data=ds["validation"], epochs=cfg.epochs, callbacks=[stop], verbose=0)
    feature_extraction = model.evaluate(ds["test"], verbose=0)[1]
    tlutils.models.unfreeze_top(base.model, TOP_BLOCK)
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(ds["train"], validation_data=ds["validation"], epochs=cfg.fine_tune_epochs, verbose=0)
    fine_tuned = model.evaluate(ds["test"], verbose=0)[1]
    return {"feature_extraction": feature_extraction, "fine_tuned": fine_tuned,
            "gain": fine_tuned - feature_extraction, "seconds": time.perf_counter() - start}


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
