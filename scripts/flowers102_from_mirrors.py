"""Rebuild tensorflow-datasets' Oxford Flowers-102 download files from two public git mirrors,
then prepare the dataset in the course cache, so that ``tfds.load("oxford_flowers102")`` (and
lesson 06's challenge in ``full``/``quick``) reads the real photos with no download.

Sources (git directories as the ``fetch`` tool leaves them; commits pinned below):

* ``quocthang0507/102-Category-Flower``: the 8,189 photos ``jpg/<class name>/image_NNNNN.jpg``;
* ``wallace-zhou/FloralVision``: the official ``imagelabels.mat`` and ``setid.mat``; their
  SHA-256 equal the checksums tensorflow-datasets registers for the originals (checked here).

It writes ``<manual dir>/102flowers.tgz`` (the photos as ``jpg/image_NNNNN.jpg``, the original
archive's layout), ``imagelabels.mat`` and ``setid.mat``, checks every photo's class folder
against ``imagelabels.mat`` (tfds' class names), and prepares ``oxford_flowers102`` with
``DownloadConfig(manual_dir=...)``. The rebuilt archive cannot be byte-identical to the original
(tar headers differ), so its own size and SHA-256 stand in for the registered ones during this
preparation only; the two ``.mat`` files are validated against tfds' registered checksums.

The photos carry no stated licence: they stay in the cache, never in the package.

Run: ``python scripts/flowers102_from_mirrors.py --photos DIR --labels DIR [--cache DIR]``.
"""
from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling git_mirror.py, also when loaded by path
from git_mirror import check_commit, git  # noqa: E402

PHOTOS_COMMIT = "c8900e867d97205dccff95639b71417064a373eb"  # quocthang0507/102-Category-Flower, 2020-10-20
LABELS_COMMIT = "c76755263ca3510931eb8d9a77994facd5745380"  # wallace-zhou/FloralVision, 2024-04-15
BASE_URL = "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/"
NUM_PHOTOS = 8_189
FOLDER_ALIASES = {"lotus lotus": "lotus"}  # the mirror's folder names that differ from tfds' names


def photo_blobs(repo: Path) -> dict[str, tuple[str, str]]:
    """file name -> (class folder, blob id) of every ``jpg/<class>/image_NNNNN.jpg``."""
    blobs = {}
    for line in git(repo, "ls-tree", "-r", "HEAD", "jpg").decode().splitlines():
        meta, path = line.split("\t", 1)
        parts = path.split("/")
        if len(parts) == 3 and parts[2].startswith("image_") and parts[2].endswith(".jpg"):
            blobs[parts[2]] = (parts[1], meta.split()[2])
    return blobs


def check_labels(blobs: dict[str, tuple[str, str]], labels_mat: bytes, names: list[str]) -> None:
    """Every photo's folder must name the class ``imagelabels.mat`` gives it (tfds' names)."""
    import scipy.io

    labels = scipy.io.loadmat(io.BytesIO(labels_mat))["labels"][0]
    def same(folder: str, name: str) -> bool:
        folder = folder.lower().replace("-", " ")
        return FOLDER_ALIASES.get(folder, folder) == name.replace("-", " ").rstrip("?")

    wrong = [f for f, (folder, _) in blobs.items() if not same(folder, names[labels[int(f[6:11]) - 1] - 1])]
    if len(blobs) != NUM_PHOTOS or len(labels) != NUM_PHOTOS:
        sys.exit(f"Expected {NUM_PHOTOS} photos and labels, found {len(blobs)} and {len(labels)}.")
    if wrong:
        sys.exit(f"{len(wrong)} photos sit in a class folder that imagelabels.mat contradicts (e.g. {wrong[:3]}): "
                 "check the mirror's commit.")
    print(f"{len(blobs)} photos; every class folder agrees with imagelabels.mat")


def write_archive(repo: Path, blobs: dict[str, tuple[str, str]], path: Path) -> None:
    """``102flowers.tgz``: ``jpg/image_NNNNN.jpg``, sorted, fixed headers, gzip level 1."""
    batch = subprocess.Popen(["git", f"--git-dir={repo}", "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=1, format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(blobs):
            batch.stdin.write(blobs[name][1].encode() + b"\n")
            batch.stdin.flush()
            size = int(batch.stdout.readline().split()[2])
            data = batch.stdout.read(size)
            batch.stdout.read(1)  # the newline after the content
            info = tarfile.TarInfo(f"jpg/{name}")
            info.size, info.mode, info.mtime = size, 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    batch.stdin.close()
    batch.wait()
    partial.replace(path)


def prepare(data_dir: Path, manual: Path) -> None:
    """Prepare oxford_flowers102 from ``manual`` with tfds' own builder."""
    import tensorflow_datasets as tfds
    from tensorflow_datasets.core.download import checksums

    builder = tfds.builder("oxford_flowers102", data_dir=str(data_dir))
    registered = dict(type(builder).url_infos)
    archive = checksums.compute_url_info(manual / "102flowers.tgz")
    for name in ("imagelabels.mat", "setid.mat"):
        if checksums.compute_url_info(manual / name).checksum != registered[BASE_URL + name].checksum:
            sys.exit(f"{name} differs from the original registered by tensorflow-datasets.")
    print("imagelabels.mat and setid.mat match tensorflow-datasets' registered checksums")
    urls = {**registered, BASE_URL + "102flowers.tgz": archive}
    cls = type(builder)
    original = cls.__dict__.get("url_infos")
    cls.url_infos = urls  # this preparation only: the rebuilt archive's own checksum
    try:
        builder.download_and_prepare(download_config=tfds.download.DownloadConfig(manual_dir=str(manual)))
    finally:
        if original is not None:
            cls.url_infos = original
    print({name: split.num_examples for name, split in builder.info.splits.items()})


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--photos", type=Path, required=True, help="git dir of quocthang0507/102-Category-Flower")
    args.add_argument("--labels", type=Path, required=True, help="git dir of wallace-zhou/FloralVision")
    args.add_argument("--cache", type=Path, default=Path(os.environ.get("TLUTILS_CACHE", "~/.cache/tlutils")).expanduser())
    a = args.parse_args()
    check_commit(a.photos, PHOTOS_COMMIT)
    check_commit(a.labels, LABELS_COMMIT)
    data_dir = a.cache / "tensorflow_datasets"
    manual = data_dir / "downloads" / "manual"
    manual.mkdir(parents=True, exist_ok=True)
    labels_mat = git(a.labels, "show", "HEAD:imagelabels.mat")
    (manual / "imagelabels.mat").write_bytes(labels_mat)
    (manual / "setid.mat").write_bytes(git(a.labels, "show", "HEAD:setid.mat"))
    blobs = photo_blobs(a.photos)
    from tensorflow_datasets.datasets.oxford_flowers102.oxford_flowers102_dataset_builder import _NAMES

    check_labels(blobs, labels_mat, _NAMES)
    if not (manual / "102flowers.tgz").exists():
        write_archive(a.photos, blobs, manual / "102flowers.tgz")
    print(f"102flowers.tgz: {(manual / '102flowers.tgz').stat().st_size / 1e6:.1f} MB in {manual}")
    prepare(data_dir, manual)


if __name__ == "__main__":
    main()
