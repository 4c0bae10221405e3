"""The tf_flowers pipeline without a network: the real tfds.load call over mock images.

(The offline lessons train on the course photos instead; this keeps the download path of
``full`` and ``quick`` exercised up to the network boundary, with quick-like caps.)
"""
import dataclasses

import numpy as np

from tlutils import PROFILES
from tlutils.data import load_tf_flowers

OFFLINE = dataclasses.replace(PROFILES["offline"], max_train=32, max_eval=16)


def _examples(ds):
    return [(image.numpy(), int(label)) for image, label in ds]


def test_offline_splits_have_the_profile_sizes_and_real_class_names():
    data = load_tf_flowers(OFFLINE)
    sizes = [len(_examples(s)) for s in (data.train, data.validation, data.test)]
    assert sizes == [OFFLINE.max_train, OFFLINE.max_eval, OFFLINE.max_eval]
    assert data.class_names == ["dandelion", "daisy", "tulips", "sunflowers", "roses"]


def test_offline_splits_differ_and_repeat_identically_each_epoch():
    data = load_tf_flowers(OFFLINE)
    first, again = _examples(data.train), _examples(data.train)
    assert all(np.array_equal(a[0], b[0]) and a[1] == b[1] for a, b in zip(first, again))
    test_images = _examples(data.test)
    assert not any(np.array_equal(first[0][0], image) for image, _ in test_images)


def test_offline_images_are_rgb_uint8_with_balanced_labels():
    train = _examples(load_tf_flowers(OFFLINE).train)
    assert all(image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
               for image, _ in train)
    counts = np.bincount([label for _, label in train], minlength=5)
    assert counts.max() - counts.min() <= 1
