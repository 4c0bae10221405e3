"""Image datasets: through tensorflow-datasets, sized by the profile, or from a folder of photos.

``full`` and ``quick`` call the real ``tfds.load`` (downloading into the cache on first use).
Offline, where nothing is downloaded, the lessons read real photos the course ships
(:func:`load_lesson_images`: 600 of tf_flowers' photos); only :func:`load_image_dataset` itself
still makes its ``tfds.load`` call under ``tfds.testing.mock_data`` offline (random images), so
that the tests run the tensorflow-datasets pipeline without a network.

:func:`load_image_folder` reads a learner's own photos (one sub-folder per class) and decides
everything at load time: every file is decoded once, broken ones are reported in
``ImageData.skipped``, and the datasets then only serve the decoded pixels, so nothing can fail
in the middle of an epoch. :func:`load_image` decodes one file or upload by the same rules.
"""
from __future__ import annotations

import dataclasses
import errno
import io
import os
import stat
import warnings
import zlib
from pathlib import Path
from typing import Any, Callable

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image, ImageOps, UnidentifiedImageError

from .config import PROFILES, Config  # noqa: F401 (PROFILES: doctests)
from .downloads import downloading
from .environment import current
from .errors import FolderError

# tf_flowers has a single "train" split of 3,670 photos; the course cuts it 80/10/10.
TF_FLOWERS_SPLITS = {"train": "train[:80%]", "validation": "train[80%:90%]", "test": "train[90%:]"}


SPLITS = ("train", "validation", "test")


@dataclasses.dataclass(repr=False)
class ImageData:
    """Unbatched ``(uint8 image, int label)`` datasets of one task, with its class names.

    Data read by :func:`load_image_folder` also lists, relative to the folder, the files of each
    split in the order its dataset yields them (``files``) and every file it did not load, with
    the reason (``skipped``). ``print(data)`` shows the counts.
    """

    train: tf.data.Dataset
    validation: tf.data.Dataset
    test: tf.data.Dataset
    class_names: list[str]
    skipped: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    files: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def summary(self, max_skipped: int = 10) -> str:
        """Images per split (per class too when read from a folder) and the skipped files.

        Example:
            >>> ds = tf.data.Dataset.from_tensor_slices((np.zeros((3, 8, 8, 3), np.uint8), [0, 1, 1]))
            >>> print(ImageData(ds, ds.take(1), ds.take(1), ["cat", "dog"]).summary())
            ImageData: 2 classes; train 3, validation 1, test 1 images
        """
        sizes = {name: int(getattr(self, name).cardinality()) for name in SPLITS}
        counts = ", ".join(f"{name} {n if n >= 0 else '?'}" for name, n in sizes.items())
        lines = [f"ImageData: {self.num_classes} classes; {counts} images"
                 + (f"; {len(self.skipped)} files skipped" if self.skipped else "")]
        if self.files:
            width = max(len(name) for name in self.class_names + ["class"])
            lines.append(f"  {'class':<{width}}  " + "  ".join(f"{s:>10}" for s in SPLITS))
            for name in self.class_names:
                per_split = [sum(f.split("/")[0] == name for f in self.files.get(s, [])) for s in SPLITS]
                lines.append(f"  {name:<{width}}  " + "  ".join(f"{n:>10}" for n in per_split))
        lines += [f"  skipped {path}: {reason}" for path, reason in self.skipped[:max_skipped]]
        if len(self.skipped) > max_skipped:
            lines.append(f"  ... and {len(self.skipped) - max_skipped} more in .skipped")
        return "\n".join(lines)

    __repr__ = summary


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


UNWRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


def unwritable_dataset_folder(exc: BaseException, folder: Path) -> FolderError | None:
    """One sentence when tensorflow-datasets could not write in ``folder`` (read-only, or not
    the user's), else None. It raises ``PermissionError`` or TensorFlow's ``PermissionDeniedError``.

    Example:
        >>> str(unwritable_dataset_folder(PermissionError(13, "Permission denied"), Path("/c/tensorflow_datasets")))[:64]
        'The dataset folder /c/tensorflow_datasets is not writable (permi'
    """
    denied = (isinstance(exc, OSError) and exc.errno in UNWRITABLE) or type(exc).__name__ == "PermissionDeniedError"
    if not denied:
        return None
    reason = (getattr(exc, "strerror", None) or "permission denied").lower()
    return FolderError(f"The dataset folder {folder} is not writable ({reason}): make it writable "
                       "(chmod -R u+w) or choose another cache with TLUTILS_CACHE=/path/to/folder.")


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
        try:
            with downloading(f"the {name} dataset", cfg.tfds_dir):
                datasets, info = load()
        except Exception as exc:
            folder_error = unwritable_dataset_folder(exc, cfg.tfds_dir)
            if folder_error is None:
                raise
            raise folder_error from None
    capped = [ds.take(caps[k]) if caps[k] else ds for k, ds in zip(order, datasets)]
    return ImageData(*capped, class_names=list(info.features["label"].names))


def load_tf_flowers(cfg: Config | None = None) -> ImageData:
    """tf_flowers (5 classes: daisy, dandelion, roses, sunflowers, tulips), split 80/10/10.

    Example:
        >>> load_tf_flowers(PROFILES["offline"]).class_names[:2]
        ['dandelion', 'daisy']
    """
    return load_image_dataset("tf_flowers", TF_FLOWERS_SPLITS, cfg)


def prepare(ds: tf.data.Dataset, preprocess: Callable[[tf.Tensor], tf.Tensor], cfg: Config,
            shuffle: bool = False) -> tf.data.Dataset:
    """Resize to ``cfg.image_size``, apply a model's ``preprocess``, (shuffle,) batch, prefetch.

    Lesson 01 writes this function; tests/test_lesson_code.py keeps the two the same.

    Example:
        >>> from keras.applications.vgg16 import preprocess_input
        >>> cfg = PROFILES["offline"]
        >>> batch, _ = next(iter(prepare(load_tf_flowers(cfg).train, preprocess_input, cfg)))
        >>> tuple(batch.shape)
        (16, 96, 96, 3)
    """
    size = (cfg.image_size, cfg.image_size)
    ds = ds.map(lambda image, label: (tf.image.resize(image, size), label),
                num_parallel_calls=tf.data.AUTOTUNE)
    if shuffle:
        ds = ds.shuffle(1000, seed=cfg.seed)
    ds = ds.map(lambda image, label: (preprocess(image), label),
                num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(cfg.batch_size).prefetch(tf.data.AUTOTUNE)


# --- A folder of one's own photos --------------------------------------------------------------

# Decoded by content whatever the file is called. Pillow's names; "JPEG" also opens "MPO", the
# multi-picture JPEG many cameras and phones write. Other formats are refused on purpose: some of
# Pillow's readers run external programs (EPS calls Ghostscript).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP")
# The longer side of a decoded image is cut to this while loading: room to crop and augment for a
# 224-pixel network, about 0.75 MB of pixels per photo in memory.
MAX_SIDE = 512
WHITE = (255, 255, 255, 255)


class UnreadableImageError(ValueError):
    """A file or upload that is not a loadable image; ``reason`` says why in a few words."""

    def __init__(self, reason: str, source: str = "the image data") -> None:
        super().__init__(f"Cannot load {source} as an image: {reason}.")
        self.reason = reason


DEEP_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")  # more than 8 bits per pixel


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB with 8 bits per channel: 16-bit scaled down, transparency composited on white.
    Deep grey images are scaled in place, one float32 copy (:func:`_pixels` shrinks them first)."""
    if image.mode in DEEP_MODES:
        pixels = np.asarray(image, dtype=np.float32)
        if image.mode.startswith("I;16") or pixels.max() > 255:
            pixels /= 257.0
        np.rint(pixels, out=pixels)
        np.clip(pixels, 0, 255, out=pixels)
        image = Image.fromarray(pixels.astype(np.uint8))
    if image.has_transparency_data:  # RGBA, LA, PA, or a palette/RGB with a transparent colour
        return Image.alpha_composite(Image.new("RGBA", image.size, WHITE),
                                     image.convert("RGBA")).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def _shrunk(image: Image.Image, box: int) -> Image.Image:
    """A deep-mode image (:data:`DEEP_MODES`) with its longer side cut to ``box``, still in its
    own mode (Pillow resizes 16-bit pixels as they are), so no full-size copy is ever made."""
    scale = box / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BICUBIC)  # thumbnail() would reduce(), which refuses I;16


def _pixels(image: Image.Image, max_side: int, size: tuple[int, int] | None) -> np.ndarray:
    """Decode an opened image (first frame) into an upright (height, width, 3) uint8 array."""
    box = max(max_side, *size) if size else max_side
    image.draft("RGB", (box, box))  # JPEG: decode at 1/2, 1/4 or 1/8 scale, never the full size
    image.load()  # raises here on truncated or corrupt data
    try:
        ImageOps.exif_transpose(image, in_place=True)  # no full-size copy
    except Exception:  # noqa: BLE001 (unreadable orientation metadata: keep the pixels as stored)
        pass
    if image.mode in DEEP_MODES:  # shrink the 16- or 32-bit pixels before any 8-bit copy is made
        image = _shrunk(image, box)
    image = _to_rgb(image)
    image.thumbnail((box, box), Image.Resampling.BICUBIC)
    if size and image.size != (size[1], size[0]):
        image = image.resize((size[1], size[0]), Image.Resampling.BICUBIC)
    return np.array(image, dtype=np.uint8)


def _decode(source: Path | bytes, max_side: int, size: tuple[int, int] | None) -> np.ndarray:
    """Decode a regular file or bytes by the course's rules, or raise :class:`UnreadableImageError`."""
    if isinstance(source, Path):
        try:
            info = source.stat()
        except OSError as exc:
            raise UnreadableImageError("broken symbolic link" if source.is_symlink()
                                       else f"cannot read it ({exc.strerror})") from exc
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableImageError("not a regular file")
        empty = info.st_size == 0
    else:
        empty, source = len(source) == 0, io.BytesIO(source)
    if empty:
        raise UnreadableImageError("empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=IMAGE_FORMATS) as image:
                return _pixels(image, max_side, size)
    except UnidentifiedImageError as exc:
        raise UnreadableImageError("not a JPEG, PNG, GIF, BMP or WebP image") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise UnreadableImageError(f"more than {Image.MAX_IMAGE_PIXELS:,} pixels "
                                   "(Pillow's limit against decompression bombs)") from exc
    except MemoryError as exc:
        raise UnreadableImageError("too large to decode in memory") from exc
    except Exception as exc:  # noqa: BLE001 (any decoder error on an untrusted file is a bad file)
        raise UnreadableImageError(f"truncated or corrupt image data ({exc})") from exc


def _max_side(max_side: int) -> int:
    """``max_side`` checked: a whole number of pixels of at least 1 (blamed on the argument, not a file)."""
    if isinstance(max_side, bool) or not isinstance(max_side, int) or max_side < 1:
        raise ValueError(f"max_side must be a whole number of pixels of at least 1, not {max_side!r}.")
    return max_side


def _size(image_size: int | tuple[int, int] | None) -> tuple[int, int] | None:
    """``image_size`` as (height, width), checked."""
    if image_size is None:
        return None
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    if len(size) != 2 or not all(isinstance(n, int) and n > 0 for n in size):
        raise ValueError(f"image_size must be a positive int or (height, width), not {image_size!r}.")
    return size


def load_image(source: str | os.PathLike | bytes | bytearray | memoryview, *,
               max_side: int = MAX_SIDE, image_size: int | tuple[int, int] | None = None) -> np.ndarray:
    """Decode one image file, or its bytes (an upload), into a (height, width, 3) uint8 array.

    The rules of :func:`load_image_folder`: the format is read from the content (JPEG, PNG, GIF's
    first frame, BMP, WebP), any colour mode becomes RGB (transparency on white), EXIF
    orientation is applied, the longer side is cut to ``max_side``, then the image is resized to
    ``image_size`` (int or (height, width)) if given. A bad file raises
    :class:`UnreadableImageError` (a ``ValueError``) with one sentence.

    Example:
        >>> buffer = io.BytesIO()
        >>> Image.new("LA", (1600, 1200)).save(buffer, "PNG")
        >>> load_image(buffer.getvalue()).shape
        (384, 512, 3)
        >>> try:
        ...     load_image(b"hello")
        ... except ValueError as error:
        ...     print(error)
        Cannot load the image data as an image: not a JPEG, PNG, GIF, BMP or WebP image.
    """
    size, max_side = _size(image_size), _max_side(max_side)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _decode(bytes(source), max_side, size)
    try:
        return _decode(Path(source), max_side, size)
    except UnreadableImageError as exc:
        raise UnreadableImageError(exc.reason, f"'{source}'") from exc.__cause__


def split_sizes(count: int, split: tuple[float, float, float] = (0.8, 0.1, 0.1)) -> tuple[int, int, int]:
    """How many of a class's ``count`` images go to train, validation and test.

    Validation and test get their share rounded to the nearest whole image, at least one each
    (when their share is not 0), and training keeps at least one. A class of 1 or 2 images goes
    to training only: it cannot also be measured.

    Example:
        >>> [split_sizes(n) for n in (1, 2, 3, 5, 10, 25)]
        [(1, 0, 0), (2, 0, 0), (1, 1, 1), (3, 1, 1), (8, 1, 1), (19, 3, 3)]
    """
    if count < 3:
        return count, 0, 0
    validation, test = (max(int(count * share + 0.5), int(share > 0)) for share in split[1:])
    while count - validation - test < 1:
        if validation >= test:
            validation -= 1
        else:
            test -= 1
    return count - validation - test, validation, test


def _stratified(labels: np.ndarray, split: tuple[float, float, float], seed: int) -> list[np.ndarray]:
    """Indices of train, validation and test: :func:`split_sizes` per class, seeded, shuffled."""
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_train, n_validation, _ = split_sizes(len(members), split)
        for part, chunk in zip(parts, np.split(members, [n_train, n_train + n_validation])):
            part.append(chunk)
    return [rng.permutation(np.concatenate(part)) for part in parts]


def _class_files(root: Path, name: str, skipped: list[tuple[str, str]]) -> list[str]:
    """Every visible file under the class folder ``name``, as sorted paths relative to ``root``.

    Hidden files and folders are left out; links to folders are reported, never followed (no
    loops, no photo counted twice; :func:`_scan` does the same for links among the class
    folders); anything else is a candidate, whatever its name says.
    """
    files = []

    def unreadable(exc: OSError) -> None:
        skipped.append((Path(exc.filename).relative_to(root).as_posix(),
                        f"cannot list this folder ({exc.strerror})"))

    for folder, dirs, names in os.walk(root / name, onerror=unreadable):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for link in [d for d in dirs if (here / d).is_symlink()]:
            skipped.append(((here / link).relative_to(root).as_posix(), "a link to a folder (not followed)"))
        files += [(here / n).relative_to(root).as_posix() for n in names if not n.startswith(".")]
    return sorted(files)


def _scan(root: Path) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """Class folders of ``root`` (sorted) with their files, and the entries that are not in one."""
    classes, skipped = {}, []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and entry.is_dir():  # roses -> rose would count its photos twice
            skipped.append((entry.name, "a link to a folder (not followed)"))
        elif entry.is_dir():
            classes[entry.name] = _class_files(root, entry.name, skipped)
        else:
            skipped.append((entry.name, "not inside a class folder"))
    if not classes:
        raise ValueError(f"{root} has no class sub-folders: put each class's images in a "
                         "sub-folder named after the class.")
    if len(classes) < 2:
        raise ValueError(f"{root} has only one class sub-folder ({next(iter(classes))}); "
                         "a classifier needs at least 2.")
    return classes, skipped


def _dataset(images: list[np.ndarray], labels: list[int], size: tuple[int, int] | None) -> tf.data.Dataset:
    """An unbatched (image, label) dataset over decoded images: nothing left that can fail."""

    def examples():
        for image, label in zip(images, labels):
            yield image, np.int64(label)

    signature = (tf.TensorSpec((*size, 3) if size else (None, None, 3), tf.uint8),
                 tf.TensorSpec((), tf.int64))
    ds = tf.data.Dataset.from_generator(examples, output_signature=signature)
    return ds.apply(tf.data.experimental.assert_cardinality(len(images)))


def load_image_folder(path: str | os.PathLike, *, split: tuple[float, float, float] = (0.8, 0.1, 0.1),
                      seed: int = 42, max_side: int = MAX_SIDE,
                      image_size: int | tuple[int, int] | None = None, verbose: bool = False) -> ImageData:
    """Load one's own photos, one sub-folder per class, split train/validation/test.

    The layout of ``keras.utils.image_dataset_from_directory``: ``path/<class name>/...``
    (files in deeper folders belong to their class folder). Classes and files are sorted, so
    the result is the same on every machine; the split is stratified and seeded
    (:func:`split_sizes` says what happens to small classes).

    Every file is decoded once, here, by :func:`load_image`'s rules, with its longer side cut
    to ``max_side`` while decoding (so full-size pixels are never all held) and resized to
    ``image_size`` if given (default: keep each size). A file that cannot be loaded (empty,
    truncated, corrupt, not an image, too many pixels, a broken link, not a regular file) is
    listed in ``skipped`` with the reason, as is a class folder left with no image (its class is
    dropped). Hidden files and folders (".name") are ignored without a mention. The datasets then
    only serve decoded pixels: no epoch can fail. Prints nothing unless ``verbose``.

    Raises a one-sentence error when ``path`` is missing or not a folder, has fewer than two class
    sub-folders, or fewer than two classes with a loadable image.
    """
    root, size, max_side = Path(path), _size(image_size), _max_side(max_side)
    if len(split) != 3 or min(split) < 0 or split[0] <= 0 or abs(sum(split) - 1) > 1e-6:
        raise ValueError("split must be 3 shares (train > 0, validation, test) adding up to 1, "
                         f"not {split!r}.")
    if not root.exists():
        raise FileNotFoundError(f"Image folder {root} does not exist.")
    if not root.is_dir():
        raise NotADirectoryError(f"{root} is a file, not a folder of class sub-folders.")
    classes, skipped = _scan(root)
    images, labels, files, class_names = [], [], [], []
    for name, names in classes.items():
        loaded = 0
        for file in names:
            try:
                images.append(_decode(root / file, max_side, size))
            except UnreadableImageError as exc:
                skipped.append((file, exc.reason))
                continue
            labels.append(len(class_names))
            files.append(file)
            loaded += 1
        if loaded:
            class_names.append(name)
        else:
            skipped.append((name, "no loadable image in this class folder (class dropped)"))
    if not images:
        file, reason = skipped[0]
        raise ValueError(f"No loadable image in {root}: {len(skipped)} entries skipped "
                         f"(e.g. {file}: {reason}).")
    if len(class_names) < 2:
        raise ValueError(f"Only class {class_names[0]!r} in {root} has loadable images; "
                         "a classifier needs at least 2.")
    parts = _stratified(np.array(labels), split, seed)
    data = ImageData(*(_dataset([images[i] for i in part], [labels[i] for i in part], size)
                       for part in parts),
                     class_names=class_names, skipped=sorted(skipped),
                     files={name: [files[i] for i in part] for name, part in zip(SPLITS, parts)})
    if verbose:
        print(data.summary(max_skipped=len(skipped)))
    return data


# The course's own photo set: 5 classes of real photographs from Debian packages, shipped inside
# the package so that an installed tlutils (Colab) has it. course_data/photos.csv names the source
# and licence of every file; scripts/make_photo_set.py rebuilds the set.
PHOTOS_DIR = Path(__file__).resolve().parent / "course_data" / "photos"


def load_course_photos(cfg: Config | None = None, image_size: int | None = None,
                       split: tuple[float, float, float] = (0.8, 0.1, 0.1)) -> ImageData:
    """The course photo set (``tlutils/course_data/photos``), split 80/10/10 (or ``split``) with
    the profile's seed.

    The same real photographs in every profile, so what is computed on them with real weights
    (EfficientNet-Lite0) is real everywhere.

    Example:
        >>> load_course_photos(PROFILES["offline"]).num_classes
        5
    """
    cfg = cfg or current()
    return load_image_folder(PHOTOS_DIR, seed=cfg.seed, image_size=image_size, split=split)


# The course's flower set: 600 of tf_flowers' photos (120 per class, CC BY 2.0, each credited in
# course_data/flowers_sources.csv), longest side 160 px, built by scripts/make_flower_set.py.
FLOWERS_DIR = Path(__file__).resolve().parent / "course_data" / "flowers"
# Split 1/3, 1/6, 1/2 (200 / 100 / 300): 40 training photos per class, and a test set of 300
# photos, so that one test photo moves accuracy by a third of a point.
FLOWER_SPLIT = (1 / 3, 1 / 6, 1 / 2)


def load_course_flowers(cfg: Config | None = None, image_size: int | None = None,
                        split: tuple[float, float, float] = FLOWER_SPLIT) -> ImageData:
    """The course's flower set (``tlutils/course_data/flowers``: tf_flowers' five classes, 600
    real photos), split 200 / 100 / 300 (or ``split``) with the profile's seed.

    Example:
        >>> load_course_flowers(PROFILES["offline"]).class_names
        ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']
    """
    cfg = cfg or current()
    return load_image_folder(FLOWERS_DIR, seed=cfg.seed, image_size=image_size, split=split)


# The course's satellite set: 600 of EuroSAT's RGB patches (Sentinel-2, 64 x 64 px, MIT licence;
# the first five of its ten classes, 120 each), built by scripts/make_eurosat_set.py. It mirrors
# the flower set (same sizes and split) so that the two differ in their domain only.
EUROSAT_DIR = Path(__file__).resolve().parent / "course_data" / "eurosat"


def load_course_eurosat(cfg: Config | None = None, image_size: int | None = None,
                        split: tuple[float, float, float] = FLOWER_SPLIT) -> ImageData:
    """The course's satellite set (``tlutils/course_data/eurosat``: 5 EuroSAT land-cover
    classes, 600 images), split 200 / 100 / 300 (or ``split``) with the profile's seed, like
    the flowers: a domain far from ImageNet's photos, to measure where fine-tuning pays.

    Example:
        >>> load_course_eurosat(PROFILES["offline"]).class_names[:2]
        ['AnnualCrop', 'Forest']
    """
    cfg = cfg or current()
    return load_image_folder(EUROSAT_DIR, seed=cfg.seed, image_size=image_size, split=split)


def load_lesson_images(cfg: Config | None = None) -> ImageData:
    """The vision lessons' 5-class task, tf_flowers: downloaded whole in ``full`` and ``quick``;
    offline, where nothing can be downloaded, the 600 of its photos the course ships
    (:func:`load_course_flowers`, split 200 / 100 / 300).

    Example:
        >>> print(load_lesson_images(PROFILES["offline"]).summary().splitlines()[0])
        ImageData: 5 classes; train 200, validation 100, test 300 images
    """
    cfg = cfg or current()
    return load_course_flowers(cfg) if cfg.offline else load_tf_flowers(cfg)
