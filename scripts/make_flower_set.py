"""Build the course's flower set, tlutils/course_data/flowers/<class>/*.jpg, from tf_flowers' photos.

tf_flowers (the TensorFlow team's ``flower_photos`` archive: 3,670 Flickr photos of daisies,
dandelions, roses, sunflowers and tulips) is licensed CC BY 2.0, each photo credited in the
archive's ``LICENSE.txt`` (one line per file: photographer and Flickr address). Two public git
repositories hold what is needed:

* ``Oldpel/flower_photos``: all 3,670 photos in class folders with their original file names
  (``dataset/train/<class>/`` and ``dataset/val/<class>/``);
* ``dalifreire/cnn_hello_world``: the archive's ``LICENSE.txt`` (``datasets/flower_photos/``).

The script keeps only photos credited in ``LICENSE.txt``, draws ``PER_CLASS`` of each class with
a fixed seed, writes each with its longer side cut to ``MAX_SIDE`` px (JPEG quality 85, no
metadata; re-running it writes identical bytes with the same Pillow) and the manifest
``tlutils/course_data/flowers_sources.csv`` (file, class, photographer, Flickr address, licence,
original path). Run: ``python scripts/make_flower_set.py --photos DIR --licence DIR``
(git directories of the two repositories, at the commits pinned below).
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import re
import shutil
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling git_mirror.py, also when loaded by path
from git_mirror import check_commit, git  # noqa: E402

PHOTOS_COMMIT = "140ff6f3beb2173715002984c2bd58dc3506d4c9"  # Oldpel/flower_photos, 2026-05-22
LICENCE_COMMIT = "3d061c00e75448ac0beb39778864a929973dc8fb"  # dalifreire/cnn_hello_world, 2019-05-25
LICENCE_PATH = "datasets/flower_photos/LICENSE.txt"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tlutils" / "course_data" / "flowers"
MANIFEST = ROOT / "tlutils" / "course_data" / "flowers_sources.csv"
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
PER_CLASS = 120
MAX_SIDE = 160
JPEG_QUALITY = 85
SEED = 30
# The two line forms of LICENSE.txt: "<file> CC-BY by <name> - <url>" and "<file> CC-BY <url> - by <name>".
CREDIT = [re.compile(r"^(?P<file>\S+) CC-BY by (?P<name>.*) - (?P<url>https?://\S+)$"),
          re.compile(r"^(?P<file>\S+) CC-BY (?P<url>https?://\S+) - by (?P<name>.*)$")]


def credits(text: str) -> dict[str, tuple[str, str]]:
    """``class/file.jpg`` -> (photographer, Flickr address), from LICENSE.txt's lines."""
    found = {}
    for line in text.splitlines():
        for pattern in CREDIT:
            match = pattern.match(line.strip())
            if match:
                found[match["file"]] = (" ".join(match["name"].split()), match["url"])
                break
    return found


def photos(repo: Path) -> dict[str, str]:
    """``class/file.jpg`` -> path in the repository, for every photo of the five classes."""
    found = {}
    for path in git(repo, "ls-tree", "-r", "--name-only", "HEAD", "dataset").decode().splitlines():
        parts = path.split("/")
        if len(parts) == 4 and parts[2] in CLASSES and parts[3].endswith(".jpg"):
            found[f"{parts[2]}/{parts[3]}"] = path
    return found


def to_jpeg(raw: bytes) -> bytes:
    """The photo upright, RGB, longer side at most MAX_SIDE px, JPEG quality 85, no metadata."""
    from PIL import ImageOps

    with Image.open(io.BytesIO(raw)) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BICUBIC)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def write_manifest(rows: list[dict], manifest: Path, images: Path) -> int:
    """Write ``rows`` (one dict per image, the same keys) as the CSV ``manifest``; return the bytes
    of the JPEGs under ``images`` (the set's size, which the script prints)."""
    with open(manifest, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return sum(p.stat().st_size for p in images.rglob("*.jpg"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, required=True, help="git dir of Oldpel/flower_photos")
    parser.add_argument("--licence", type=Path, required=True, help="git dir of dalifreire/cnn_hello_world")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    check_commit(args.photos, PHOTOS_COMMIT)
    check_commit(args.licence, LICENCE_COMMIT)
    credit = credits(git(args.licence, "show", f"HEAD:{LICENCE_PATH}").decode("utf-8"))
    available = photos(args.photos)
    credited = sorted(set(available) & set(credit))
    print(f"{len(available)} photos, {len(credit)} credited lines, {len(credited)} photos credited")
    rng = random.Random(SEED)
    chosen = [file for name in CLASSES
              for file in sorted(rng.sample([f for f in credited if f.startswith(name + "/")], PER_CLASS))]
    shutil.rmtree(args.out, ignore_errors=True)
    rows = []
    for file in chosen:
        target = args.out / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(to_jpeg(git(args.photos, "show", f"HEAD:{available[file]}")))
        name, url = credit[file]
        rows.append({"file": file, "class": file.split("/")[0], "photographer": name, "source_url": url,
                     "licence": "CC-BY-2.0", "original": f"Oldpel/flower_photos@{PHOTOS_COMMIT[:12]}:{available[file]}"})
    manifest = args.out.parent / MANIFEST.name
    size = write_manifest(rows, manifest, args.out)
    print(f"{len(rows)} photos ({PER_CLASS} per class) in {args.out}: {size / 1e6:.2f} MB; manifest {manifest}")


if __name__ == "__main__":
    main()
