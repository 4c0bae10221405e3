"""Image datasets through tensorflow-datasets, sized by the profile.

``full`` and ``quick`` call the real ``tfds.load`` (downloading into the cache on first use);
``offline`` makes the very same call under ``tfds.testing.mock_data``, so the lesson's pipeline
runs end to end with random images and no network.
"""
from __future__ import annotations

import dataclasses
import zlib
from typing import Any, Callable

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

from .config import PROFILES, Config  # noqa: F401 (PROFILES: doctests)
from .downloads import downloading
from .environment import current

# tf_flowers has a single "train" split of 3,670 photos; the course cuts it 80/10/10.
TF_FLOWERS_SPLITS = {"train": "train[:80%]", "validation": "train[80%:90%]", "test": "train[90%:]"}


@dataclasses.dataclass
class ImageData:
    """Unbatched ``(uint8 image, int label)`` datasets of one task, with its class names."""

    train: tf.data.Dataset
    validation: tf.data.Dataset
    test: tf.data.Dataset
    class_names: list[str]

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def _mock_split_fn(sizes: dict[str, int]) -> Callable[..., tf.data.Dataset]:
    """A replacement for tfds' reader that makes random images, different for every split.

    (The stock mock yields the same examples for every split, which would put the training
    images in the test set.)
    """

    def as_dataset(builder: Any, split: Any, *args: Any, **kwargs: Any) -> tf.data.Dataset:
        num_classes = builder.info.features["label"].num_classes
        count = sizes.get(str(split), min(sizes.values()))
        seed = zlib.crc32(f"{builder.name}/{split}".encode())

        def examples():  # a new generator each pass, so every epoch sees the same images
            rng = np.random.default_rng(seed)
            labels = rng.permutation(np.arange(count) % num_classes)
            for label in labels:
                height, width = rng.integers(40, 97, size=2)
                image = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
                yield {"image": image, "label": np.int64(label)}

        signature = {
            "image": tf.TensorSpec((None, None, 3), tf.uint8),
            "label": tf.TensorSpec((), tf.int64),
        }
        ds = tf.data.Dataset.from_generator(examples, output_signature=signature)
        return ds.apply(tf.data.experimental.assert_cardinality(count))

    return as_dataset


def load_image_dataset(name: str, splits: dict[str, str], cfg: Config | None = None) -> ImageData:
    """Load an image-classification dataset from tensorflow-datasets, sized by the profile.

    ``splits`` maps "train", "validation" and "test" to tfds split strings. Splits are cut to
    ``cfg.max_train`` / ``cfg.max_eval`` examples where the profile says so.

    Example:
        >>> data = load_image_dataset("tf_flowers", TF_FLOWERS_SPLITS, PROFILES["offline"])
        >>> data.num_classes
        5
    """
    cfg = cfg or current()
    order = ["train", "validation", "test"]
    caps = {"train": cfg.max_train, "validation": cfg.max_eval, "test": cfg.max_eval}

    def load() -> tuple[list[tf.data.Dataset], Any]:
        return tfds.load(name, split=[splits[k] for k in order], as_supervised=True,
                         with_info=True, data_dir=str(cfg.tfds_dir), download=not cfg.offline)

    if cfg.offline:
        sizes = {splits[k]: caps[k] or 16 for k in order}
        with tfds.testing.mock_data(as_dataset_fn=_mock_split_fn(sizes)):
            datasets, info = load()
    else:
        with downloading(f"the {name} dataset", cfg.tfds_dir):
            datasets, info = load()
    capped = [ds.take(caps[k]) if caps[k] else ds for k, ds in zip(order, datasets)]
    return ImageData(*capped, class_names=list(info.features["label"].names))


def load_tf_flowers(cfg: Config | None = None) -> ImageData:
    """tf_flowers (5 classes: daisy, dandelion, roses, sunflowers, tulips), split 80/10/10.

    Example:
        >>> load_tf_flowers(PROFILES["offline"]).class_names[:2]
        ['dandelion', 'daisy']
    """
    return load_image_dataset("tf_flowers", TF_FLOWERS_SPLITS, cfg)


def prepare(ds: tf.data.Dataset, preprocess: Callable[[tf.Tensor], tf.Tensor],
            cfg: Config | None = None, shuffle: bool = False) -> tf.data.Dataset:
    """Resize to ``cfg.image_size``, apply a model's ``preprocess``, (shuffle,) batch, prefetch.

    The input pipeline written out in lesson 01.

    Example:
        >>> from keras.applications.vgg16 import preprocess_input
        >>> cfg = PROFILES["offline"]
        >>> batch, _ = next(iter(prepare(load_tf_flowers(cfg).train, preprocess_input, cfg)))
        >>> tuple(batch.shape)
        (8, 32, 32, 3)
    """
    cfg = cfg or current()
    size = (cfg.image_size, cfg.image_size)
    ds = ds.map(lambda image, label: (tf.image.resize(image, size), label),
                num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle:
        ds = ds.shuffle(1000, seed=cfg.seed)
    ds = ds.map(lambda image, label: (preprocess(image), label), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(cfg.batch_size).prefetch(tf.data.AUTOTUNE)
