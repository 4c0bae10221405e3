"""What the tests of the course's two shipped photo sets (tests/test_photo_set.py, the lesson photos;
tests/test_flower_set.py, the tf_flowers photos) check alike: small RGB JPEG files, and the script
that builds each set, loaded by its path (scripts/ is not a package)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from PIL import Image

from conftest import ROOT


def image_files(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def assert_small_rgb_jpegs(folder: Path, max_side: int, max_bytes: int) -> None:
    """Every file under ``folder`` is an RGB JPEG whose longer side is at most ``max_side`` pixels,
    and all of them together weigh less than ``max_bytes`` (the set ships in the repository)."""
    files = image_files(folder)
    assert files, f"no files under {folder}"
    for path in files:
        with Image.open(path) as image:
            assert (image.format, image.mode) == ("JPEG", "RGB"), path.name
            assert max(image.size) <= max_side, path.name
    assert sum(p.stat().st_size for p in files) < max_bytes


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module, registered under ``name`` (its dataclasses look
    themselves up in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
