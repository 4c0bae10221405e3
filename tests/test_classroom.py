"""The README's classroom recipe: a filled course cache, copied to a machine with no network, serves
the quick profile's lessons without a download.

The cache is filled with small stand-ins in the real formats: Keras' weight files (legacy HDF5, the
layer names and shapes of VGG16's and ResNet50's, all zeros, compressed), a Hugging Face hub cache
holding ``bert-base-uncased`` (a 1-layer, 16-wide BERT with the real uncased vocabulary), and
tensorflow-datasets' prepared data (tf_flowers, oxford_flowers102 and glue/sst2, prepared by their
own builders from small archives in the raw formats). It is copied to ``~/.cache/tlutils`` of a fresh
HOME, and a new Python process with every connection to another machine refused runs the loading
code of lessons 01, 04 and 06 and of the scoring server's start. Nothing tells Keras where to look:
``tlutils.setup()`` must. (The one thing the stand-ins cannot carry is the real files' MD5, which
Keras checks; the child process checks the stand-ins' own MD5 in its place.)
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import numpy as np
import pytest

from conftest import ROOT

# What Keras' applications expect (keras/src/applications/vgg16.py and resnet.py, Keras 3.15).
KERAS_FILES = {"vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5": ("VGG16", "6d6bbae143d832006294945121d1f1fc"),
               "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5": ("ResNet50",
                                                                        "4d473c1dd8becc155b73f8504c6f6626")}
HUB_REVISION = "0" * 40


def _md5(path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _keras_weights(folder, monkeypatch) -> dict[str, str]:
    """Zero weights of VGG16's and ResNet50's notop bases in Keras' legacy HDF5 layout; returns
    {the MD5 Keras expects: the stand-in's MD5}."""
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    real_create = h5py.Group.create_dataset

    def compressed(self, name, shape=None, dtype=None, data=None, **kwargs):
        if shape:  # zeros compress to almost nothing
            kwargs.setdefault("compression", "gzip")
        return real_create(self, name, shape=shape, dtype=dtype, data=data, **kwargs)

    monkeypatch.setattr(h5py.Group, "create_dataset", compressed)
    folder.mkdir(parents=True)
    hashes = {}
    for name, (application, expected) in KERAS_FILES.items():
        model = getattr(keras.applications, application)(weights=None, include_top=False)
        for weight in model.weights:
            weight.assign(np.zeros(weight.shape, "float32"))
        with h5py.File(folder / name, "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, model)
        hashes[expected] = _md5(folder / name)
    monkeypatch.setattr(h5py.Group, "create_dataset", real_create)
    return hashes


def _hub_cache(hub) -> None:
    """``bert-base-uncased`` in the hub cache's layout: refs/main names a snapshot folder."""
    from tiny_bert import write_tiny_bert

    write_tiny_bert(hub / "models--bert-base-uncased" / "snapshots" / HUB_REVISION)
    (hub / "models--bert-base-uncased" / "refs").mkdir()
    (hub / "models--bert-base-uncased" / "refs" / "main").write_text(HUB_REVISION)


def _jpeg(seed: int) -> bytes:
    import tensorflow as tf

    pixels = np.random.default_rng(seed).integers(0, 256, (24, 32, 3), dtype=np.uint8)
    return tf.io.encode_jpeg(pixels).numpy()


def _raw_archives(raw) -> dict[str, object]:
    """Small archives in the formats the three datasets are published in."""
    import scipy.io

    raw.mkdir()
    with tarfile.open(raw / "flower_photos.tgz", "w:gz") as tar:  # tf_flowers: a folder per class
        for number in range(20):
            path = raw / f"{number}.jpg"
            path.write_bytes(_jpeg(number))
            name = ["daisy", "dandelion", "roses", "sunflowers", "tulips"][number % 5]
            tar.add(path, f"flower_photos/{name}/{number}.jpg")
    images = raw / "102flowers" / "jpg"  # oxford_flowers102: extracted jpg/, labels and splits in .mat
    images.mkdir(parents=True)
    for number in range(1, 10):
        (images / f"image_{number:05d}.jpg").write_bytes(_jpeg(100 + number))
    scipy.io.savemat(raw / "imagelabels.mat", {"labels": np.array([[1, 2, 3, 4, 5, 6, 7, 8, 102]])})
    scipy.io.savemat(raw / "setid.mat", {"trnid": np.array([[1, 2, 3]]), "valid": np.array([[4, 5, 6]]),
                                         "tstid": np.array([[7, 8, 9]])})
    sst2 = raw / "sst2" / "SST-2"  # glue/sst2: tab-separated files in SST-2/
    sst2.mkdir(parents=True)
    words = ["a fine film", "dull and long", "warm and funny", "a waste of time"]
    (sst2 / "train.tsv").write_text("sentence\tlabel\n" + "".join(f"{words[i % 4]}\t{1 - i % 2}\n" for i in range(820)))
    (sst2 / "dev.tsv").write_text("sentence\tlabel\n" + "".join(f"{words[i % 4]}\t{1 - i % 2}\n" for i in range(400)))
    (sst2 / "test.tsv").write_text("index\tsentence\n" + "".join(f"{i}\t{words[i % 4]}\n" for i in range(4)))
    return {"flower_photos.tgz": raw / "flower_photos.tgz", "102flowers.tgz": raw / "102flowers",
            "imagelabels.mat": raw / "imagelabels.mat", "setid.mat": raw / "setid.mat", "SST-2.zip": raw / "sst2"}


def _prepared_tfds(data_dir, raw, monkeypatch) -> None:
    """Each dataset prepared by its own tfds builder, its downloads answered from ``raw``."""
    import tensorflow_datasets as tfds

    files = _raw_archives(raw)

    def local(self, urls):
        return tfds.core.utils.map_nested(lambda url: files[url.rsplit("/", 1)[-1]], urls)

    monkeypatch.setattr(tfds.download.DownloadManager, "download", local)
    monkeypatch.setattr(tfds.download.DownloadManager, "download_and_extract", local)
    for name in ("tf_flowers", "oxford_flowers102", "glue/sst2"):
        tfds.builder(name, data_dir=str(data_dir)).download_and_prepare()


@pytest.fixture(scope="module")
def filled_cache(tmp_path_factory):
    """A course cache as a quick run would leave it, with stand-ins; and the MD5s Keras expects."""
    cache = tmp_path_factory.mktemp("filled") / "tlutils"
    with pytest.MonkeyPatch.context() as monkeypatch:
        hashes = _keras_weights(cache / "keras" / "models", monkeypatch)
        _hub_cache(cache / "huggingface" / "hub")
        _prepared_tfds(cache / "tensorflow_datasets", tmp_path_factory.mktemp("raw") / "raw", monkeypatch)
    return cache, hashes


# The classroom machine: no route to any other machine (connections are refused and recorded),
# and Keras' MD5 check of its two weight files made against the stand-ins' MD5.
CLASSROOM = textwrap.dedent('''
    import errno, json, socket, sys
    tried = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family == socket.AF_UNIX or address[0] in ("127.0.0.1", "::1", "localhost"):
            return real_connect(self, address)
        tried.append(str(address[0]))
        raise OSError(errno.ENETUNREACH, "Network is unreachable (classroom without network)")

    socket.socket.connect = connect
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host in ("127.0.0.1", "::1", "localhost", None):
            return real_getaddrinfo(host, *args, **kwargs)
        tried.append(str(host))
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (classroom without network)")

    socket.getaddrinfo = getaddrinfo

    import tlutils
    cfg = tlutils.setup()  # lesson 01, 04 and 06 all start so

    from keras.src.utils import file_utils
    standins = json.loads(sys.argv[1])
    real_validate = file_utils.validate_file
    file_utils.validate_file = lambda path, expected, *a, **k: real_validate(path, standins.get(expected, expected), *a, **k)

    import keras
    from keras.applications import VGG16
    import numpy as np

    loaded = {}
    # Lesson 01
    data = tlutils.data.load_lesson_images(cfg)
    base_model = VGG16(weights="imagenet", include_top=False, input_shape=cfg.input_shape)  # quick: not a stand-in
    loaded["01"] = [data.num_classes, len(list(data.train)), float(np.abs(base_model.layers[1].kernel).sum())]
    # Lesson 04
    sentiment = tlutils.text.load_sentiment(cfg)
    tokenizer, classifier = tlutils.text.load_bert("bert-base-uncased", task="classification", num_labels=2)
    loaded["04"] = [len(sentiment.train), classifier.backbone.hidden_dim]
    # Lesson 06
    from tlutils import challenge
    sizes = challenge.SIZES[cfg.profile]
    flowers = challenge.pipeline.load_flowers102(cfg, sizes)
    resnet = tlutils.models.pretrained_base("resnet50", (sizes.image_size, sizes.image_size, 3), cfg).model
    first = next(layer for layer in resnet.layers if isinstance(layer, keras.layers.Conv2D))
    loaded["06"] = [flowers.num_classes, len(list(flowers.test)), float(np.abs(first.kernel).sum())]
    # The scoring server's start: its frozen screenshot base
    from tlutils.phishing import screenshot_model
    base = screenshot_model.load_base(cfg)
    loaded["server"] = [base.name]
    print("LOADED", json.dumps({"loaded": loaded, "tried": sorted(set(tried))}))
''')


def test_a_filled_cache_serves_the_quick_lessons_on_a_machine_without_network(filled_cache, tmp_path):
    cache, hashes = filled_cache
    home = tmp_path / "home"
    shutil.copytree(cache, home / ".cache" / "tlutils")  # the README: copy ~/.cache/tlutils over
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("TLUTILS_", "KERAS_", "HF_", "TFDS_", "TRANSFORMERS_"))}
    env.update(HOME=str(home), TLUTILS_PROFILE="quick", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CLASSROOM, json.dumps(hashes)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.split("LOADED ", 1)[1])
    loaded = report["loaded"]
    assert loaded["01"][:2] == [5, 16] and loaded["01"][2] == 0.0  # the stand-in's zeros: from the cache
    assert loaded["04"] == [400, 16]
    assert loaded["06"][:2] == [102, 3] and loaded["06"][2] == 0.0
    assert loaded["server"] == ["resnet50_imagenet"]
    assert set(report["tried"]) <= {"huggingface.co"}, report["tried"]  # only the hub's check for news
    assert not (home / ".keras").exists()  # Keras looked in the course cache, not in ~/.keras
