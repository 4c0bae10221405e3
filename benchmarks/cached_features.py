"""Benchmark: the head of the feature-extraction approach trained on cached features versus the
plain pipeline that runs every augmented image through the frozen base in every epoch.

    python benchmarks/cached_features.py                      # offline: scikit-learn digits
    TLUTILS_PROFILE=quick python benchmarks/cached_features.py --data flowers102

Both variants use the challenge's own code (tlutils.challenge): the same frozen base (ResNet50;
offline the packaged ImageNet EfficientNet-Lite0 stands in), the
same augmentation, the same head, the same number of epochs, validation after every epoch. The
cached variant computes the base's features once for ``--views`` augmented passes over the
training images (and once for validation and test), then trains the head on those arrays.
Timed: everything a training run does after the models are built (for the cached variant,
computing the training and validation features included); test evaluation is reported but not
timed, in both variants. Prints both times, the speed ratio, and test accuracies (mean and
spread over ``--repeats`` seeds).

Offline the data are scikit-learn's 1,797 handwritten digits (shipped with the package), scaled
up to RGB images: the accuracies there serve only to compare the two pipelines.
"""
from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

import numpy as np

import tlutils


def digits_data(seed: int):
    """scikit-learn's digits as an ImageData with splits shaped like Flowers-102's
    (validation as large as training, the rest for testing)."""
    import tensorflow as tf
    from sklearn.datasets import load_digits

    from tlutils.data import ImageData

    digits = load_digits()
    images = (np.repeat(digits.images[..., None], 3, axis=-1) * (255 / 16)).astype("uint8")
    order = np.random.default_rng(seed).permutation(len(images))
    parts = np.split(order, [500, 1000])

    def split(index):
        return tf.data.Dataset.from_tensor_slices((images[index], digits.target[index].astype("int64")))

    return ImageData(*(split(p) for p in parts), class_names=[str(d) for d in range(10)])


def _base(cfg, sizes):
    """The challenge's frozen ImageNet base for this profile."""
    base = tlutils.models.pretrained_base("resnet50", (sizes.image_size, sizes.image_size, 3), cfg)
    base.model.trainable = False
    return base


def plain_pipeline(data, sizes, cfg, seed):
    """Frozen base inside the model; every epoch runs all augmented images through it."""
    import keras

    from tlutils.challenge import approaches, pipeline

    keras.utils.set_random_seed(seed)
    base = _base(cfg, sizes)
    head = approaches.classifier_head(data.num_classes, base.model.output.shape[-1])
    model = approaches.on_base(base.model, head, sizes.image_size)
    approaches.compile_model(model, 1e-3, jit_compile=False)
    start = time.perf_counter()
    prep = base.preprocess_input
    model.fit(pipeline.image_batches(data.train, sizes, prep, augment_seed=seed, shuffle_seed=seed),
              validation_data=pipeline.image_batches(data.validation, sizes, prep), epochs=sizes.head_epochs,
              verbose=0)
    seconds = time.perf_counter() - start
    probabilities = model.predict(pipeline.image_batches(data.test, sizes, prep), verbose=0)
    return seconds, approaches.scores(probabilities, pipeline.labels_of(data.test))["top1"]


def cached_pipeline(data, sizes, cfg, seed):
    """Features computed once (``views`` augmented passes), then the head trained on arrays."""
    import keras

    from tlutils.challenge import approaches, pipeline

    keras.utils.set_random_seed(seed)
    base = _base(cfg, sizes)
    extractor = pipeline.feature_extractor(base.model)
    head = approaches.classifier_head(data.num_classes, base.model.output.shape[-1])
    approaches.compile_model(head, 1e-3, jit_compile=False)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        arrays = pipeline.cached_features(lambda: extractor, data, sizes, Path(folder), seed,
                                          base.preprocess_input, splits=("train", "validation"))
        approaches.fit_on_features(head, arrays, sizes, seed)
        seconds = time.perf_counter() - start
        test_x, test_y = pipeline.cached_features(lambda: extractor, data, sizes, Path(folder), seed,
                                                  base.preprocess_input, splits=("test",))["test"]
    return seconds, approaches.scores(head.predict(test_x, verbose=0), test_y)["top1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=["digits", "flowers102"], default="digits")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--views", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--image-size", type=int, default=64)
    args = parser.parse_args()
    cfg = tlutils.setup("offline" if args.data == "digits" else None)
    from tlutils.challenge import SIZES, pipeline

    sizes = dataclasses.replace(SIZES[cfg.profile], head_epochs=args.epochs, views=args.views,
                                image_size=args.image_size, batch_size=32)
    runs = {"plain": [], "cached": []}
    for repeat in range(args.repeats):
        seed = cfg.seed + repeat
        data = digits_data(seed) if args.data == "digits" else pipeline.load_flowers102(cfg, sizes)
        runs["plain"].append(plain_pipeline(data, sizes, cfg, seed))
        runs["cached"].append(cached_pipeline(data, sizes, cfg, seed))
        print(f"repeat {repeat + 1}: plain {runs['plain'][-1]}, cached {runs['cached'][-1]}", flush=True)
    seconds = {k: np.mean([s for s, _ in v]) for k, v in runs.items()}
    accuracy = {k: (np.mean([a for _, a in v]), np.std([a for _, a in v])) for k, v in runs.items()}
    print(f"\n{args.data}, {args.image_size} px, {args.epochs} epochs, {args.views} cached views, "
          f"{args.repeats} repeats, base: {tlutils.models.base_application('resnet50', cfg)} (ImageNet weights)")
    for k in runs:
        print(f"  {k:<7} {seconds[k]:7.1f} s   test accuracy {accuracy[k][0]:.3f} ± {accuracy[k][1]:.3f}")
    print(f"  speed ratio (plain / cached): {seconds['plain'] / seconds['cached']:.1f}x")


if __name__ == "__main__":
    main()
