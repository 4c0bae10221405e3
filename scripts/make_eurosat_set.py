"""Build the course's satellite set, tlutils/course_data/eurosat/<class>/*.jpg, from EuroSAT RGB.

EuroSAT (Helber et al., 2019: Sentinel-2 land-use and land-cover patches of 64 x 64 px, 27,000
in 10 classes) is published under the MIT licence (``phelber/EuroSAT``'s README and LICENSE,
pinned below). The public repository ``FlyBulll/Baris_Cem_Bostancioglu_EuroSAT_RGB`` holds the
RGB version unpacked, ``data/raw/eurosat/2750/<class>/<class>_<n>.jpg``: all 27,000 files with
their original names and the published class sizes (2,000 to 3,000).

The set mirrors the course's flower set (scripts/make_flower_set.py) so that only the domain
differs: 5 classes, 120 images each, split 200 / 100 / 300 by the lessons' loader. The classes
are EuroSAT's first five in its own (alphabetical) order, a rule fixed before any measurement;
the images are drawn with a fixed seed and copied byte for byte (no re-encoding, so a rebuild
writes identical files with any Pillow). The manifest
``tlutils/course_data/eurosat_sources.csv`` gives every file's class, licence, original path and
git blob id (so a test can check, offline, that the shipped bytes are the original file's);
``eurosat_LICENSE.txt`` beside it is EuroSAT's MIT licence text, which copies must keep.
Run: ``python scripts/make_eurosat_set.py --images DIR --licence DIR`` (git directories of the
two repositories, at the commits pinned below).
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling git_mirror.py, also when loaded by path
from git_mirror import check_commit, git  # noqa: E402
from make_flower_set import write_manifest  # noqa: E402

IMAGES_REPO = "FlyBulll/Baris_Cem_Bostancioglu_EuroSAT_RGB"
IMAGES_COMMIT = "f4fc34307289f7495ccc3a2ee7dc909ff46cb4a7"  # 2026-06-12
LICENCE_REPO = "phelber/EuroSAT"
LICENCE_COMMIT = "353fc2ff01447cbcf84c4496dd98e82f197515bd"  # 2023-03-09
FOLDER = "data/raw/eurosat/2750"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tlutils" / "course_data" / "eurosat"
MANIFEST = ROOT / "tlutils" / "course_data" / "eurosat_sources.csv"
ALL_CLASSES = ("AnnualCrop", "Forest", "HerbaceousVegetation", "Highway", "Industrial", "Pasture",
               "PermanentCrop", "Residential", "River", "SeaLake")
CLASSES = ALL_CLASSES[:5]
PER_CLASS = 120
SEED = 30


def images(repo: Path) -> dict[str, str]:
    """``Class/Class_n.jpg`` -> path in the repository, for every image of the chosen classes."""
    found = {}
    for path in git(repo, "ls-tree", "-r", "--name-only", "HEAD", FOLDER).decode().splitlines():
        parts = path.split("/")
        if len(parts) == 6 and parts[4] in CLASSES and parts[5].endswith(".jpg"):
            found[f"{parts[4]}/{parts[5]}"] = path
    return found


def choose(available: dict[str, str], per_class: int = PER_CLASS) -> list[str]:
    """``per_class`` files of each class, drawn with SEED, sorted within the class."""
    rng = random.Random(SEED)
    return [file for name in CLASSES
            for file in sorted(rng.sample(sorted(f for f in available if f.startswith(name + "/")), per_class))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, required=True, help=f"git dir of {IMAGES_REPO}")
    parser.add_argument("--licence", type=Path, required=True, help=f"git dir of {LICENCE_REPO}")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--per-class", type=int, default=PER_CLASS,
                        help="images per class (280 with an --out outside the package: the larger set that "
                             "scripts/domain_shift_run.py --medium trains on, not shipped)")
    args = parser.parse_args()
    check_commit(args.images, IMAGES_COMMIT)
    check_commit(args.licence, LICENCE_COMMIT)
    if "MIT license" not in git(args.licence, "show", "HEAD:README.md").decode("utf-8"):
        sys.exit(f"{LICENCE_REPO}'s README no longer states the MIT licence: check the terms.")
    licence = args.out.with_name(args.out.name + "_LICENSE.txt")  # MIT: copies keep the notice
    licence.write_bytes(git(args.licence, "show", "HEAD:LICENSE"))
    available = images(args.images)
    print(f"{len(available)} images in the classes {', '.join(CLASSES)}")
    shutil.rmtree(args.out, ignore_errors=True)
    rows = []
    for file in choose(available, args.per_class):
        target = args.out / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(git(args.images, "show", f"HEAD:{available[file]}"))
        blob = git(args.images, "rev-parse", f"HEAD:{available[file]}").decode().strip()
        rows.append({"file": file, "class": file.split("/")[0], "licence": "MIT",
                     "original": f"{IMAGES_REPO}@{IMAGES_COMMIT[:12]}:{available[file]}", "git_blob": blob})
    manifest = args.out.with_name(args.out.name + "_sources.csv")
    size = write_manifest(rows, manifest, args.out)
    print(f"{len(rows)} images ({args.per_class} per class) in {args.out}: {size / 1e6:.2f} MB; manifest {manifest}")


if __name__ == "__main__":
    main()
