"""Profiles: one lesson, three sizes (full, quick, offline).

A notebook calls :func:`tlutils.setup` once; the returned :class:`Config` carries every size a
lesson reads (image size, batch size, epochs, subset sizes) and where weights come from. The
lesson's cells are the same in every profile: only these numbers and the data sources change.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from .errors import FolderError, InputError

PROFILE_ENV = "TLUTILS_PROFILE"
CACHE_ENV = "TLUTILS_CACHE"


@dataclasses.dataclass(frozen=True)
class Config:
    """Sizes and sources for one profile.

    Example:
        >>> cfg = PROFILES["quick"]
        >>> cfg.input_shape
        (128, 128, 3)
    """

    profile: str
    image_size: int
    batch_size: int
    epochs: int
    fine_tune_epochs: int
    max_train: int | None  # None: the whole split
    max_eval: int | None  # cap for validation and test splits
    text_max_train: int | None  # text lessons: training examples (None: all)
    text_max_eval: int | None  # text lessons: cap for validation and test
    max_length: int  # tokens per text
    text_epochs: int  # fine-tuning epochs of a pretrained BERT
    # Where the data and the models come from. This table is the one place a profile decides
    # them: every module asks these fields, none compares the profile's name.
    offline: bool  # nothing is downloaded: the course's shipped data and packaged weights serve
    # EfficientNet-Lite0 (ImageNet, installed as a package) stands in for every Keras ImageNet base
    # (the lessons' VGG16 and ResNet50, the challenge's and the capstone's ResNet50), as Keras
    # cannot download their weights offline (tlutils.models.pretrained_base).
    vision_stand_in: bool
    # The packaged all-MiniLM-L6-v2 stands in for the BERT a lesson names
    # (tlutils.text.encoders.pretrained_source).
    text_stand_in: bool
    screenshot_size: int  # side, in pixels, of the capstone's screenshots as its frozen base reads them
    seed: int = 42
    cache_dir: Path = Path("~/.cache/tlutils").expanduser()

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """Shape of one RGB image as the vision models receive it."""
        return (self.image_size, self.image_size, 3)

    @property
    def tfds_dir(self) -> Path:
        """Where tensorflow-datasets keeps downloaded and prepared datasets."""
        return Path(os.environ.get("TFDS_DATA_DIR", self.cache_dir / "tensorflow_datasets"))


PROFILES: dict[str, Config] = {
    # The real lesson: Colab or a GPU.
    "full": Config("full", image_size=224, batch_size=32, epochs=10, fine_tune_epochs=10,
                   max_train=None, max_eval=None,
                   text_max_train=20_000, text_max_eval=None, max_length=128, text_epochs=3,
                   offline=False, vision_stand_in=False, text_stand_in=False, screenshot_size=224),
    # Same sources, sized for a laptop CPU or a class demo (a few minutes per lesson).
    "quick": Config("quick", image_size=128, batch_size=32, epochs=3, fine_tune_epochs=2,
                    max_train=480, max_eval=160,
                    text_max_train=400, text_max_eval=400, max_length=64, text_epochs=2,
                    offline=False, vision_stand_in=False, text_stand_in=False, screenshot_size=128),
    # No network; the tests run this. Real pretrained weights all the same: EfficientNet-Lite0
    # stands in for VGG16 and ResNet50 on the course photos (96 px keeps a lesson to seconds and
    # still gives 0.89 test accuracy with a frozen base: benchmarks/vision_offline.py), MiniLM for
    # BERT, on the shipped SST-2 subset: 400 training sentences, cut at 64 tokens (under 1 % are
    # cut; a test checks it), 2 epochs of fine-tuning.
    "offline": Config("offline", image_size=96, batch_size=16, epochs=5, fine_tune_epochs=3,
                      max_train=None, max_eval=None,
                      text_max_train=400, text_max_eval=None, max_length=64, text_epochs=2,
                      offline=True, vision_stand_in=True, text_stand_in=True, screenshot_size=224),
}


def resolve(profile: str | None = None, seed: int = 42) -> Config:
    """Return the Config for ``profile`` (default: ``$TLUTILS_PROFILE``, else ``full``).

    Example:
        >>> resolve("offline").vision_stand_in
        True
    """
    name = (profile or os.environ.get(PROFILE_ENV) or "full").strip().lower()
    if name not in PROFILES:
        raise InputError(
            f"Unknown profile {name!r}: choose one of {', '.join(PROFILES)} "
            f"(set {PROFILE_ENV} or pass profile=...)."
        )
    cache = os.environ.get(CACHE_ENV, "~/.cache/tlutils")
    if not cache.strip():
        raise FolderError(f"{CACHE_ENV} is set but empty: set it to a writable folder "
                          f"({CACHE_ENV}=/path/to/folder) or unset it to use ~/.cache/tlutils.")
    return dataclasses.replace(PROFILES[name], seed=seed, cache_dir=Path(cache).expanduser())
