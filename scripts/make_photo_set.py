"""Rebuild the course's real photo set, tlutils/course_data/photos/<class>/*.jpg, from Debian's gcompris-qt-data.

GCompris (an educational suite, KDE) ships real photographs, mostly from Wikimedia Commons, inside
Qt resource files (``/usr/share/gcompris-qt/rcc/*.rcc``). Next to the photos of each folder, the
package holds upstream's ``README`` with every file's author, source and licence. This script reads
the resource files with a small reader (no Qt needed), takes the fixed, reviewed list of photos in
``PHOTOS`` below, checks that each has a free licence in its README, and writes small JPEGs
(longest side at most 256 px, aspect ratio kept, quality 85) plus the manifest ``tlutils/course_data/photos_sources.csv``.

It installs nothing: without the package it stops with the apt command to run. It is deterministic
(fixed resampling and JPEG settings, no metadata): re-running it rewrites identical bytes with the
same Pillow; a test checks it. Run: ``python scripts/make_photo_set.py [--out DIR]``.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

PACKAGE = "gcompris-qt-data"
PACKAGE_VERSION = "3.1-2"  # the version this list was reviewed against (Debian 12 "bookworm")
RCC_DIR = Path("/usr/share/gcompris-qt/rcc")
OUT = Path(__file__).resolve().parents[1] / "tlutils" / "course_data" / "photos"
MAX_SIDE = 256
JPEG_QUALITY = 85
# Licences of the upstream READMEs accepted as free (normalised: upper case, no spaces).
FREE_LICENCES = {
    "PUBLICDOMAIN": "public-domain", "CC0-1.0": "CC0-1.0", "CC-BY-2.0": "CC-BY-2.0",
    "CC-BY-3.0": "CC-BY-3.0", "CC-BY-SA4.0": "CC-BY-SA-4.0", "CC-BY-SA-4.0": "CC-BY-SA-4.0",
    "GPLV2+": "GPL-2.0-or-later",
}

_CAT = "categorization.rcc:/gcompris/src/activities/categorization/resource/images"
_ERASE = "erase.rcc:/gcompris/src/activities/erase/resource"
_WORLD = "explore_world_animals.rcc:/gcompris/src/activities/explore_world_animals/resource/animals"
_FARM = "explore_farm_animals.rcc:/gcompris/src/activities/explore_farm_animals/resource/animals"
_MONU = "explore_monuments.rcc:/gcompris/src/activities/explore_monuments/resource"
_DETAILS = "details.rcc:/gcompris/src/activities/details/resource/image"

# The reviewed list: class -> (folder "<file>.rcc:<folder inside it>", [photo paths in that folder]).
# Every file was looked at: a real photograph of the class, with a free licence in its README.
# Left out on purpose: tools/screwDriver.webp and germany/aulaPalatina.webp (no licence in their
# README); drawings, sprites and puzzle pieces; birds, reptiles and insects (too few for a class);
# monuments whose subject the categorization folder already shows (Eiffel Tower, Taj Mahal...).
PHOTOS: dict[str, list[tuple[str, list[str]]]] = {
    "aquatic_animals": [
        (f"{_CAT}/fishes", [f"fish{i}.webp" for i in range(1, 29)]),
        (_ERASE, ["dolphin.webp"]),
        (_WORLD, ["narwhal.webp"]),
    ],
    "mammals": [
        (_ERASE, [f"{n}.webp" for n in (
            "alpaca", "calf", "camels", "cheetah", "flying_fox", "gibbon", "giraffe", "goat",
            "gorilla", "horse", "kitten", "long_nosed_monkey", "macaque", "meerkats",
            "nubian_ibex", "pika", "red_panda", "rhinoceros", "squirrel")]),
        (_WORLD, [f"{n}.webp" for n in (
            "bison", "giraffe", "hedgehog", "jaguar", "kangaroo", "koala", "lemur", "moose",
            "panda", "polar_bear")]),
        (_FARM, [f"{n}.webp" for n in ("cat", "cow", "dog", "horse", "pig", "sheep")]),
    ],
    "monuments": [
        (f"{_CAT}/monuments", [f"{n}.webp" for n in (
            "IndiaGate", "arcDeTriomphe", "bayterek", "brandenburgGate", "burj", "cathedral",
            "christTheRedeemer", "colosseum", "eiffelTower", "empireState", "greatPyramid",
            "greatWall", "jucheTower", "kutubMinar", "leMusee", "leaningTowerOfPisa",
            "monument1", "monument2", "monument3", "mountRushmore", "operaHouse", "parthenon",
            "statueOfLiberty", "tajMahal", "usCapitol", "victoriaMemorial", "zimniPalace")]),
        (_MONU, ["france/chateaudeChambord.webp", "france/montStMichel.webp",
                 "france/pontduGard.webp", "france/reimsCathedral.webp",
                 "germany/neuschwansteinCastle.webp", "india/hawaMahal.webp",
                 "usa/lincolnMemorial.webp", "wonders/chichenItza.webp", "wonders/petra.webp"]),
    ],
    "renewable_energy": [
        (f"{_CAT}/renewable", [f"{n}.webp" for n in (
            "dam1", "dam2", "dam3", "dam4", "dam5", "geothermal", "solar1", "solar2", "solar3",
            "solar4", "solar5", "solar6", "solar7", "solar8", "windmill", "windmill1",
            "windmill2", "windmill3", "windmill4", "windmill5", "windmill6", "windmill7",
            "windmill8", "windmill9", "windmill11", "windmill12", "windmill13", "windmill14",
            "windmill15")]),
        (_DETAILS, ["FanoeWindmill_background.webp"]),
    ],
    "tools": [
        (f"{_CAT}/tools", [f"{n}.webp" for n in (
            "cuttingTool", "hammer1", "hammer2", "hammer3", "hammer4", "hammer5", "hammer6",
            "hammer7", "hammer8", "hammer9", "measuringTape1", "measuringTape2",
            "measuringTape3", "measuringTape4", "measuringTape5", "measuringTape6",
            "multimeter1", "multimeter2", "multimeter3", "nailCutter", "plier1", "plier2",
            "plier3", "plier4", "scissors1", "scissors2", "scissors3", "scissors4",
            "screwDriver1", "screwDriver2", "screwDriver3", "sickle", "sideCutter1", "spray",
            "tweezer", "tweezer1", "wrench", "wrench1")]),
    ],
}
CSV_FIELDS = ["file", "class", "package", "package_version", "original_path", "licence",
              "author", "source_url", "licence_record"]


@dataclass(frozen=True)
class Credit:
    """One file's entry in an upstream README: author, licence, source and comment."""

    author: str
    licence: str
    source: str
    comment: str


def read_rcc(path: Path) -> dict[str, bytes]:
    """Every file of a Qt binary resource (.rcc, format 1-3, zlib or none) by its resource path.

    >>> read_rcc(Path("/nonexistent.rcc"))
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent.rcc'
    """
    blob = path.read_bytes()
    if blob[:4] != b"qres":
        raise ValueError(f"{path} is not a Qt resource file (no 'qres' magic).")
    version, tree, data, names = struct.unpack(">IIII", blob[4:20])
    entry_size = 14 if version == 1 else 22
    files: dict[str, bytes] = {}

    def name_at(offset: int) -> str:
        (length,) = struct.unpack(">H", blob[names + offset:names + offset + 2])
        return blob[names + offset + 6:names + offset + 6 + 2 * length].decode("utf-16-be")

    def walk(index: int, prefix: str) -> None:
        at = tree + index * entry_size
        name_offset, flags = struct.unpack(">IH", blob[at:at + 6])
        path_here = f"{prefix}/{name_at(name_offset)}" if index else ""
        if flags & 2:  # directory: child count, first child index
            count, first = struct.unpack(">II", blob[at + 6:at + 14])
            for child in range(first, first + count):
                walk(child, path_here)
            return
        (offset,) = struct.unpack(">I", blob[at + 10:at + 14])
        (length,) = struct.unpack(">I", blob[data + offset:data + offset + 4])
        raw = blob[data + offset + 4:data + offset + 4 + length]
        if flags & 4:
            raise ValueError(f"{path}: {path_here} is zstd-compressed, which this reader lacks.")
        files[path_here] = zlib.decompress(raw[4:]) if flags & 1 else raw

    walk(0, "")
    return files


def parse_credits(readme: str) -> dict[str, Credit]:
    """Map file names to their credit in a GCompris README (stanzas of "Key: value" lines).

    File names follow "Files:" or stand alone on a line; other lines continue the last field.

    >>> c = parse_credits("Copyright: Ann\\nLicense: CC0-1.0\\nSource: http://x\\nFiles: a.webp")
    >>> c["a.webp"].author, c["a.webp"].licence
    ('Ann', 'CC0-1.0')
    """
    credits: dict[str, Credit] = {}
    for stanza in re.split(r"\n\s*\n", readme.strip()):
        fields: dict[str, str] = {}
        files: list[str] = []
        key = ""
        for line in stanza.splitlines():
            match = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
            if match:
                key, value = match.group(1).lower(), match.group(2).strip()
                if key == "files":
                    files += value.split()
                else:
                    fields[key] = value
            elif key == "files" or re.fullmatch(r"\s*[\w./-]+\.\w+\s*", line):
                files += line.split()
            elif key:
                fields[key] += " " + line.strip()
        credit = Credit(fields.get("copyright", ""), fields.get("license", ""),
                        fields.get("source", ""), fields.get("comment", ""))
        credits.update({name: credit for name in files})
    return credits


def free_licence(licence: str) -> str | None:
    """The SPDX-style name of a free licence as GCompris' READMEs write it, else None.

    >>> free_licence("Public Domain"), free_licence("CC-BY-SA 4.0"), free_licence("unknown")
    ('public-domain', 'CC-BY-SA-4.0', None)
    """
    return FREE_LICENCES.get(licence.upper().replace(" ", ""))


def to_jpeg(raw: bytes) -> bytes:
    """Re-encode one photo as RGB JPEG, longest side at most MAX_SIDE, without metadata.

    Transparent pixels (none in the chosen photos) would become white.
    """
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        if image.mode in ("RGBA", "LA", "P"):
            rgba = image.convert("RGBA")
            image = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image.alpha_composite(rgba)
        image = image.convert("RGB")
    scale = min(1.0, MAX_SIDE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False,
               subsampling="4:2:0")
    return out.getvalue()


def installed_version(package: str = PACKAGE) -> str | None:
    """The installed Debian version of ``package``, or None when it (or dpkg) is missing."""
    try:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", package],
                                capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    parts = result.stdout.split()
    return parts[-1] if result.returncode == 0 and "installed" in parts[:3] else None


def out_name(folder: str, photo: str) -> str:
    """The JPEG's name: the activity, then the photo's path inside its folder.

    >>> out_name(_MONU, "france/pontduGard.webp")
    'explore_monuments-france-pontduGard.jpg'
    """
    activity = folder.split(".rcc:", 1)[0]
    return f"{activity}-{Path(photo).with_suffix('').as_posix().replace('/', '-')}.jpg"


def build(out: Path = OUT, rcc_dir: Path = RCC_DIR) -> list[dict[str, str]]:
    """Write every photo of PHOTOS under ``out/<class>/`` and its manifest; return rows."""
    version = installed_version()
    if version is None:
        raise SystemExit(f"{PACKAGE} is not installed: run `apt-get install {PACKAGE}` "
                         "(Debian/Ubuntu) and try again.")
    if version != PACKAGE_VERSION:
        raise SystemExit(f"{PACKAGE} {version} is installed but this list was reviewed against "
                         f"{PACKAGE_VERSION}: look at its photos and update PHOTOS and "
                         "PACKAGE_VERSION before rebuilding.")
    resources: dict[str, dict[str, bytes]] = {}
    rows: list[dict[str, str]] = []
    images: dict[Path, bytes] = {}
    for label, folders in PHOTOS.items():
        for folder, photos in folders:
            rcc, inner = folder.split(":", 1)
            files = resources.setdefault(rcc, read_rcc(rcc_dir / rcc))
            credits = parse_credits(files[f"{inner}/README"].decode("utf-8"))
            for photo in photos:
                credit = credits.get(photo) or credits.get(Path(photo).name)
                licence = free_licence(credit.licence) if credit else None
                if licence is None:
                    raise SystemExit(f"{rcc}:{inner}/{photo} has no free licence in its README.")
                target = Path(label) / out_name(folder, photo)
                images[target] = to_jpeg(files[f"{inner}/{photo}"])
                author = credit.author + (f" ({credit.comment})" if credit.comment else "")
                rows.append({
                    "file": target.as_posix(), "class": label, "package": PACKAGE,
                    "package_version": version,
                    "original_path": f"{rcc_dir / rcc}:{inner}/{photo}",
                    "licence": licence, "author": author, "source_url": credit.source,
                    "licence_record": f"{rcc_dir / rcc}:{inner}/README",
                })
    write(out, images, rows)
    return rows


def sources_file(out: Path) -> Path:
    """The manifest beside the photo folder (inside it, a loader would take it for a stray file)."""
    return out.with_name(out.name + "_sources.csv")


def write(out: Path, images: dict[Path, bytes], rows: list[dict[str, str]]) -> None:
    """Replace ``out``'s class folders and its manifest with ``images`` and ``rows``."""
    for label in PHOTOS:
        shutil.rmtree(out / label, ignore_errors=True)
    for target, jpeg in images.items():
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        (out / target).write_bytes(jpeg)
    with open(sources_file(out), "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    """Command line: rebuild the photo set (into tlutils/course_data/photos unless --out says otherwise)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (tlutils/course_data/photos)")
    args = parser.parse_args(argv)
    rows = build(args.out)
    counts = {label: sum(row["class"] == label for row in rows) for label in PHOTOS}
    print(f"Wrote {len(rows)} photos to {args.out}: "
          + ", ".join(f"{label} {n}" for label, n in counts.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
