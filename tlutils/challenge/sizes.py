"""How big each profile runs the Flowers-102 challenge, and what that costs on a Colab T4."""
from __future__ import annotations

import dataclasses

APPROACHES = ("feature_extraction", "fine_tuning", "scratch")  # in the order they run

# Oxford Flowers-102 in tensorflow-datasets: the official splits.
SPLITS = {"train": "train", "validation": "validation", "test": "test"}
SPLIT_SIZES = {"train": 1_020, "validation": 1_020, "test": 6_149}
RESNET50_GMACS_224 = 4.1  # multiply-accumulates per 224 px image, forward pass


@dataclasses.dataclass(frozen=True)
class ChallengeSizes:
    """Sizes of one challenge run."""

    image_size: int
    batch_size: int
    max_train: int | None  # None: the whole split
    max_eval: int | None
    views: int  # augmented views of each training image whose features are cached
    head_epochs: int  # feature extraction: epochs of the head on cached features
    fine_tune_epochs: int  # fine-tuning: epochs with the top 20 layers unfrozen
    scratch_epochs: int  # training from scratch
    # Run training, evaluation and prediction eagerly instead of building tf.function graphs (for
    # debugging; no profile does: offline, with Lite0, graphs and eager runs took about as long).
    run_eagerly: bool = False


# The challenge's sizes per profile, keyed by tlutils.config.PROFILES' names. A table of the
# challenge's own rather than a field of Config: Config sits below every package and imports none
# of them, these sizes concern only this runner (which also takes any other ChallengeSizes), and
# they are a lookup of the profile's name, never a comparison with it; a test keeps the keys equal.
SIZES = {
    "full": ChallengeSizes(224, 32, None, None, views=10, head_epochs=40, fine_tune_epochs=30,
                           scratch_epochs=200),
    "quick": ChallengeSizes(224, 32, None, None, views=3, head_epochs=20, fine_tune_epochs=15,
                            scratch_epochs=100),
    # offline: a real, small challenge: the course's tf_flowers photos (5 classes, 200 / 100 / 300) at 96 px, with
    # the packaged ImageNet EfficientNet-Lite0 standing in for ResNet50. Three fine-tuning epochs so
    # that tests/test_challenge.py can interrupt the stage between epochs and resume it; two from
    # scratch (each about 7 s on 2 cores, after about 30 s of building its graph), enough for a
    # learning curve.
    "offline": ChallengeSizes(96, 16, None, None, views=2, head_epochs=10, fine_tune_epochs=3,
                              scratch_epochs=2, run_eagerly=False),
}


def estimate_t4_minutes(sizes: ChallengeSizes, tflops: float = 6.0, images_per_second: float = 300.0) -> float:
    """Rough minutes for all three approaches on a Colab T4, from the compute figures.

    Assumptions (stated in lesson 06): ResNet-50 costs 4.1 GMACs (8.2 GFLOPs) per 224 px image
    forward, scaled by the image area; a training step costs three forward passes; a T4 with
    mixed precision sustains about 6 TFLOPS on ResNet-50 (about 250 training images/s at 224 px);
    Colab's two CPUs decode and augment about 300 images/s. Each part takes the slower of compute
    and input pipeline. Excludes the one-off download (329 MiB).

    Example:
        >>> round(estimate_t4_minutes(SIZES["quick"]))
        14
    """
    n = {k: sizes.max_train if k == "train" and sizes.max_train else
         (sizes.max_eval or v) if k != "train" else v for k, v in SPLIT_SIZES.items()}
    forward = 2 * RESNET50_GMACS_224 * (sizes.image_size / 224) ** 2 * 1e9  # FLOPs per image

    def seconds(forward_images: float, training_images: float) -> float:
        compute = (forward_images * forward + training_images * 3 * forward) / (tflops * 1e12)
        return max(compute, (forward_images + training_images) / images_per_second)

    features = seconds(sizes.views * n["train"] + n["validation"] + n["test"], 0)
    fine_tune = seconds(sizes.fine_tune_epochs * n["validation"] + n["test"],
                        sizes.fine_tune_epochs * n["train"])
    scratch = seconds(sizes.scratch_epochs * n["validation"] + n["test"], sizes.scratch_epochs * n["train"])
    return (features + fine_tune + scratch) / 60
