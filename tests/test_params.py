"""tlutils.count_params against hand-computed counts."""
import keras

from tlutils import count_params


def test_counts_weights_not_dropout_state():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dropout(0.5),
                              keras.layers.Dense(2)])
    model.layers[0].trainable = False
    counts = count_params(model)
    assert counts == (4 * 2 + 2, 8 * 4 + 4)
    assert counts.total == 46
    # Keras 3 keeps the Dropout layer's seed among the non-trainable *variables*.
    assert sum(v.numpy().size for v in model.non_trainable_variables) > counts.frozen


def test_prints_the_three_lines():
    counts = count_params(keras.Sequential([keras.Input((1000,)), keras.layers.Dense(1000)]))
    assert str(counts).splitlines() == [
        "Trainable params: 1,001,000",
        "Frozen (pretrained) params: 0",
        "Total params: 1,001,000",
    ]


def test_vgg16_feature_extractor_counts_match_design():
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    base.trainable = False
    model = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(256, activation="relu"), keras.layers.Dropout(0.3),
                              keras.layers.Dense(5, activation="softmax")])
    assert count_params(model) == (132_613, 14_714_688)


def test_moving_statistics_count_as_frozen():
    model = keras.Sequential([keras.Input((3,)), keras.layers.BatchNormalization()])
    assert count_params(model) == (6, 6)  # gamma, beta trainable; moving mean/variance frozen
