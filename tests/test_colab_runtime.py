"""The course on Colab as its users have it: the recorded runtime (data/colab/) fits pyproject's
ranges, and the setup cell leaves Colab's TensorFlow, transformers, huggingface_hub and torch alone."""
from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from colab_runtime import (colab_plan, colab_record, describe_plan, install_plan,  # noqa: E402
                           marker_environment)

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SOURCE, COLAB, PYTHON = colab_record()
RANGES = {canonicalize_name(r.name): r.specifier
          for r in map(Requirement, PYPROJECT["project"]["dependencies"])}
# What Colab users rely on, and what takes minutes (and a restart) to replace.
LEFT_ALONE = ["tensorflow", "transformers", "huggingface-hub", "torch"]


def test_the_record_names_its_source():
    assert SOURCE["repository"] == "https://github.com/googlecolab/backend-info"
    assert re.fullmatch(r"[0-9a-f]{40}", SOURCE["commit"]) and re.match(r"\d{4}-\d\d-\d\d", SOURCE["date"])
    assert "Apache-2.0" in SOURCE["licence"] and (ROOT / "data" / "colab" / "LICENSE").exists()
    assert len(COLAB) > 500 and all(name in COLAB for name in LEFT_ALONE)


def test_requires_python_admits_colabs_python():
    requires = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert requires.contains(PYTHON), f"requires-python {requires} excludes Colab's Python {PYTHON}"


@pytest.mark.parametrize("name", ["tensorflow", "transformers", "huggingface-hub"])
def test_pinned_range_admits_colabs_version(name):
    assert RANGES[name].contains(COLAB[name], prereleases=True), (
        f"pyproject.toml's {name}{RANGES[name]} excludes Colab's {name} {COLAB[name]}: "
        "the setup cell would replace it")


def test_setup_cell_leaves_colabs_big_packages_alone():
    plan = colab_plan()
    changed = [name for name in LEFT_ALONE if name in plan]
    assert not changed, f"On Colab the setup cell would change {changed}; all it changes:\n{describe_plan(plan)}"


def _pure_python(name: str) -> bool | None:
    """Whether this environment's release of ``name`` came from a pure-Python wheel (None: not
    installed here). Its version may differ from the plan's by a patch release (newer uvicorn)."""
    try:
        wheel = metadata.distribution(name).read_text("WHEEL")
    except metadata.PackageNotFoundError:
        return None
    return None if wheel is None else "Root-Is-Purelib: true" in wheel


# Compiled packages Colab lacks that the course may add: each a small binary wheel for Colab's
# Python, so nothing is built and nothing Colab has is replaced. (pip download --only-binary=:all:
# --python-version 3.13 --platform manylinux2014_x86_64, 2026-12-07.)
NEW_BINARY_WHEELS = {"selectolax": "the capstone's HTML reader (Lexbor): a 1.5 MB cp313 manylinux wheel"}


def test_setup_cell_changes_only_pure_python_packages():
    """The issue's goal: what the cell changes on Colab is small pure-Python packages (keras,
    keras-hub and what they pin), no compiled wheel that takes minutes or a restart; a compiled
    package is only ever added where Colab has none, from NEW_BINARY_WHEELS."""
    plan = colab_plan()
    compiled = {name: new for name, (old, new) in plan.items()
                if not _pure_python(name) and not (old is None and name in NEW_BINARY_WHEELS)}
    assert not compiled, f"Not known to be pure Python here: {compiled}; all it changes:\n{describe_plan(plan)}"


def test_the_plan_follows_pip_keeping_what_fits_and_replacing_what_does_not():
    """A small made-up index: a range that excludes the installed version replaces it, and the
    new release's own requirements are followed (with markers for Colab's Python) down to a
    package that was not installed; what fits, and what a marker excludes, stays."""
    requires_dist = {("keras-hub", Version("0.32.0")): ["keras>=3.15", "kagglesdk==0.1.28",
                                                   "tomli; python_version < '3.11'"],
                ("keras", Version("3.15.1")): ["numpy", "rich"],
                ("rich", Version("14.0.0")): []}
    installed = {"keras-hub": Version("0.26.0"), "keras": Version("3.13.2"), "numpy": Version("2.1.3"),
                 "kagglesdk": Version("0.1.37"), "tensorflow": Version("2.20.0")}
    lock = {"keras-hub": Version("0.32.0"), "keras": Version("3.15.1"), "kagglesdk": Version("0.1.28"),
            "rich": Version("14.0.0"), "tensorflow": Version("2.21.0"), "tomli": Version("2.0.0")}
    plan = install_plan([Requirement("keras-hub>=0.30"), Requirement("tensorflow>=2.20,<2.22")],
                        installed, lock, marker_environment(PYTHON), lambda n, v: [
                            Requirement(r) for r in requires_dist.get((n, v), [])])
    assert plan == {"kagglesdk": (Version("0.1.37"), Version("0.1.28")),
                    "keras": (Version("3.13.2"), Version("3.15.1")),
                    "keras-hub": (Version("0.26.0"), Version("0.32.0")),
                    "rich": (None, Version("14.0.0"))}
    narrower = install_plan([Requirement("tensorflow>=2.21,<2.22")], installed, lock,
                            marker_environment(PYTHON), lambda n, v: [])
    assert narrower == {"tensorflow": (Version("2.20.0"), Version("2.21.0"))}
