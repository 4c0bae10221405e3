"""unfreeze_top: the right layers train, BatchNorm stays frozen, bad input is refused."""
import keras
import numpy as np
import pytest

from tlutils import count_params
from tlutils.models import unfreeze_top


@pytest.fixture(scope="module")
def mobilenet():
    return keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3))


def test_vgg16_block5_matches_the_lesson_counts():
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert unfreeze_top(base, 4) == ["block5_conv1", "block5_conv2", "block5_conv3", "block5_pool"]
    assert count_params(base) == (3 * (3 * 3 * 512 * 512 + 512), 14_714_688 - 7_079_424)


def test_batchnorm_stays_frozen_by_default(mobilenet):
    names = unfreeze_top(mobilenet, 20)
    top = mobilenet.layers[-20:]
    assert names == [l.name for l in top if not isinstance(l, keras.layers.BatchNormalization)]
    assert all(not l.trainable for l in mobilenet.layers[:-20])


def test_batchnorm_can_be_unfrozen_on_request(mobilenet):
    assert len(unfreeze_top(mobilenet, 20, keep_batchnorm_frozen=False)) == 20


def test_out_of_range_is_a_clear_error(mobilenet):
    with pytest.raises(ValueError, match="between 0 and"):
        unfreeze_top(mobilenet, 10_000)


def test_frozen_batchnorm_statistics_survive_training(mobilenet):
    unfreeze_top(mobilenet, 30)
    inputs = keras.Input((32, 32, 3))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(
        mobilenet(inputs, training=False))))
    model.compile("adam", "sparse_categorical_crossentropy")
    stats = [w for l in mobilenet.layers if isinstance(l, keras.layers.BatchNormalization)
             for w in l.non_trainable_weights]
    before = [w.numpy().copy() for w in stats]
    model.fit(np.random.rand(8, 32, 32, 3), np.arange(8) % 2, epochs=1, verbose=0)
    assert all(np.array_equal(b, w.numpy()) for b, w in zip(before, stats))


def test_training_false_alone_does_not_protect_batchnorm_in_keras3():
    """What lessons 02 and 05 teach: if a Keras release changes this, their text must change."""
    inputs = keras.Input((8, 8, 3))
    inner = keras.Model(inputs, keras.layers.BatchNormalization()(keras.layers.Conv2D(2, 3)(inputs)))
    inner.trainable = True
    outer_in = keras.Input((8, 8, 3))
    outer = keras.Model(outer_in, keras.layers.Dense(1)(keras.layers.Flatten()(inner(outer_in, training=False))))
    outer.compile("adam", "mse")
    norm = inner.layers[-1]
    before = norm.moving_mean.numpy().copy()
    outer.fit(np.random.rand(4, 8, 8, 3), np.zeros((4, 1)), epochs=1, verbose=0)
    assert not np.array_equal(before, norm.moving_mean.numpy())
