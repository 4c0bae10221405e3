"""Estimate the vision lessons' run times in the `full` and `quick` profiles on this CPU.

Those profiles need the network (ImageNet weights, tensorflow-datasets), so they cannot run
here; their compute can. This script times a few training and inference steps of the same
networks at each profile's image and batch size with random weights (``weights=None``: the same
arithmetic as ImageNet weights) on synthetic images, and multiplies by the number of steps each
lesson runs. The result is an estimate "from N measured steps", not a measured run: it leaves
out downloads, decoding and Python overhead between cells, and on a machine shared with other
work every step is slower than on a quiet one.

Usage: python scripts/estimate_run_times.py [--steps 2] [--batch 8] [--out docs/run_time_estimates.json]
(``--batch`` times smaller batches than the lessons' 32 to save time: seconds per image on a CPU
change little with the batch size, a further approximation.)
"""
from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from tlutils.challenge.sizes import SIZES as CHALLENGE_SIZES  # noqa: E402
from tlutils.challenge.sizes import SPLIT_SIZES  # noqa: E402
from tlutils.config import PROFILES  # noqa: E402
from tlutils.models import unfreeze_top  # noqa: E402

TF_FLOWERS = 3_670  # photos; the lessons cut them 80/10/10


def classifier(base: keras.Model, classes: int) -> keras.Model:
    """The lessons' head (pooling, Dense 256, Dropout, softmax) on ``base``, compiled."""
    model = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dropout(0.3), keras.layers.Dense(classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def seconds_per_image(model: keras.Model, size: int, batch: int, steps: int, train: bool) -> float:
    """Mean seconds per image of ``steps`` training (or inference) steps, after one warm-up step."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (batch, size, size, 3)).astype("float32")
    y = rng.integers(0, model.output_shape[-1], batch)
    step = (lambda: model.train_on_batch(x, y)) if train else (lambda: model.predict_on_batch(x))
    step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / (steps * batch)


def vgg16(size: int, unfrozen_layers: int) -> keras.Model:
    """Lessons 01-02's model: VGG16 frozen, or with its top layers unfrozen."""
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(size, size, 3))
    if unfrozen_layers:
        unfreeze_top(base, unfrozen_layers)
    else:
        base.trainable = False
    return classifier(base, 5)


def resnet50(size: int, unfrozen_layers: int | None) -> keras.Model:
    """Lesson 06's model: ResNet50 frozen (0), top layers unfrozen, or all trainable (None)."""
    base = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(size, size, 3))
    if unfrozen_layers is None:
        base.trainable = True
    elif unfrozen_layers:
        unfreeze_top(base, unfrozen_layers)
    else:
        base.trainable = False
    return classifier(base, 102)


def lesson_01_02(profile: str, steps: int, batch: int | None) -> dict[str, float]:
    """Minutes of compute of lessons 01 and 02 in ``profile`` (02: stage 1 runs all its epochs)."""
    cfg = PROFILES[profile]
    n_train = min(cfg.max_train or math.inf, int(TF_FLOWERS * 0.8))
    n_eval = min(cfg.max_eval or math.inf, TF_FLOWERS - int(TF_FLOWERS * 0.9))
    size, batch = cfg.image_size, batch or cfg.batch_size
    frozen_train = seconds_per_image(vgg16(size, 0), size, batch, steps, train=True)
    forward = seconds_per_image(vgg16(size, 0), size, batch, steps, train=False)
    block5_train = seconds_per_image(vgg16(size, 4), size, batch, steps, train=True)
    head = cfg.epochs * (n_train * frozen_train + n_eval * forward)
    lesson01 = head + 2 * n_eval * forward  # evaluate, then predict for the confusion matrix
    lesson02 = head + cfg.fine_tune_epochs * (n_train * block5_train + n_eval * forward) + 2 * n_eval * forward
    return {"01": lesson01 / 60, "02": lesson02 / 60,
            "per_image_s": {"vgg16_frozen_train": frozen_train, "vgg16_forward": forward,
                            "vgg16_block5_train": block5_train}}


@functools.lru_cache(maxsize=None)
def resnet50_timings(size: int, batch: int, steps: int) -> tuple[float, float, float]:
    """Seconds per image: forward, training with the top 20 layers unfrozen, training all."""
    return (seconds_per_image(resnet50(size, 0), size, batch, steps, train=False),
            seconds_per_image(resnet50(size, 20), size, batch, steps, train=True),
            seconds_per_image(resnet50(size, None), size, batch, steps, train=True))


def lesson_06(profile: str, steps: int, batch: int | None) -> dict[str, float]:
    """Minutes of compute of the challenge in ``profile`` (ResNet50 at the challenge's sizes)."""
    sizes = CHALLENGE_SIZES[profile]
    size, batch = sizes.image_size, batch or sizes.batch_size
    n_train, n_val, n_test = (SPLIT_SIZES[s] for s in ("train", "validation", "test"))
    forward, top20_train, full_train = resnet50_timings(size, batch, steps)
    features = (sizes.views * n_train + n_val + n_test) * forward
    fine_tune = sizes.fine_tune_epochs * (n_train * top20_train + n_val * forward) + n_test * forward
    scratch = sizes.scratch_epochs * (n_train * full_train + n_val * forward) + n_test * forward
    return {"06": (features + fine_tune + scratch) / 60,
            "per_image_s": {"resnet50_forward": forward, "resnet50_top20_train": top20_train,
                            "resnet50_full_train": full_train}}


def main() -> None:
    """Time the steps, print and write the estimates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2, help="measured steps per configuration")
    parser.add_argument("--batch", type=int, default=None, help="batch size to time (default: the lesson's)")
    parser.add_argument("--out", type=Path, default=Path("docs/run_time_estimates.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    report = {"measured_steps": args.steps, "batch": args.batch or "the lessons'", "cpu_count": os.cpu_count(), "machine": platform.machine(),
              "load_average_at_start": os.getloadavg()[0], "date": time.strftime("%Y-%m-%d"),
              "minutes": {}}
    for profile in ("quick", "full"):
        report["minutes"][profile] = {**lesson_01_02(profile, args.steps, args.batch), **{"06": None}}
        print(profile, report["minutes"][profile], flush=True)
    for profile in ("quick", "full"):
        result = lesson_06(profile, args.steps, args.batch)
        report["minutes"][profile]["06"] = result["06"]
        report["minutes"][profile]["per_image_s"].update(result["per_image_s"])
        print(profile, "06", result, flush=True)
    report["load_average_at_end"] = os.getloadavg()[0]
    report["script_seconds"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
