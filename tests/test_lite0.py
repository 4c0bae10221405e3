"""The real ImageNet EfficientNet-Lite0: safe reading, exact layout, real predictions."""
from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest
import tensorflow as tf
from sklearn.datasets import load_sample_images

from tlutils import lite0


def test_restricted_reader_refuses_anything_but_tensors(tmp_path):
    """A pickle that asks for os.system must not run it."""
    evil = tmp_path / "evil.pth"
    with open(evil, "wb") as file:
        for header in (0x1950A86A20F9469CFC6C, 1001, {}):
            pickle.dump(header, file)
        file.write(b"cos\nsystem\n(S'touch " + str(tmp_path / "pwned").encode() + b"'\ntR.")
    with pytest.raises(pickle.UnpicklingError, match="refusing to load os.system"):
        lite0.read_torch_legacy(evil)
    assert not (tmp_path / "pwned").exists()


def test_reader_rejects_a_file_that_is_not_a_torch_file(tmp_path):
    other = tmp_path / "other.pth"
    other.write_bytes(pickle.dumps(123) * 3)
    with pytest.raises(ValueError, match="not a legacy torch.save file"):
        lite0.read_torch_legacy(other)


def test_reader_gives_every_tensor_of_the_packaged_file():
    state = lite0.read_torch_legacy(lite0.source_file())
    floats = sum(a.size for a in state.values() if a.dtype == np.float32)
    assert (len(state), floats) == (296, 4_694_024)
    assert state["_blocks.0._depthwise_conv.weight"].shape == (32, 1, 3, 3)


def test_keras_builder_layout_is_what_the_conversion_expects():
    """The builder is private Keras API: pin the layer names the weights are mapped onto."""
    model = lite0.build()
    assert model.count_params() == lite0.TOTAL_PARAMS
    assert len(lite0._block_names(model)) == 16
    names = {layer.name for layer in model.layers}
    assert {"stem_conv", "stem_bn", "block1a_dwconv", "block2a_expand_conv", "top_conv",
            "predictions"} <= names
    assert not any("se_" in name for name in names)  # Lite0 has no squeeze-and-excitation


def test_conversion_is_cached_and_checks_the_source(tmp_path, monkeypatch):
    cfg = lite0.current()
    first = lite0.converted_weights(cfg)
    stamp = first.stat().st_mtime_ns
    assert lite0.converted_weights(cfg).stat().st_mtime_ns == stamp  # not converted again
    fake = tmp_path / "fake.pth"
    fake.write_bytes(b"not the weights")
    monkeypatch.setattr(lite0, "source_file", lambda: fake)
    with pytest.raises(RuntimeError, match="checksum differs"):
        lite0.converted_weights(dataclasses.replace(cfg, cache_dir=tmp_path / "cache"))
    assert not list((tmp_path / "cache").rglob("*.h5"))


def test_imagenet_weights_recognise_real_photos():
    model = lite0.efficientnet_lite0()
    china, flower = (tf.image.resize(image, (224, 224)) for image in load_sample_images().images)
    top5 = lite0.decode_predictions(model.predict(tf.stack([china, flower]), verbose=0))
    assert top5[0][0][0] == "bell cote"
    assert "daisy" in [name for name, _ in top5[1]]
    random = lite0.efficientnet_lite0(weights=None)
    assert lite0.decode_predictions(random.predict(china[None], verbose=0))[0][0][0] != "bell cote"


def test_feature_extractor_without_the_classifier():
    features = lite0.efficientnet_lite0(include_top=False, pooling="avg", input_shape=(96, 96, 3))
    assert features.output_shape == (None, 1280)
    assert features.count_params() == lite0.TOTAL_PARAMS - (1280 * 1000 + 1000)
    with pytest.raises(ValueError, match="pooling"):
        lite0.efficientnet_lite0(include_top=False, pooling="mean")
