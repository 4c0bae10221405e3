"""Colab's runtime as recorded in data/colab/, and what the course's setup cell would change in it.

The record is Colab's public list (github.com/googlecolab/backend-info: ``pip-freeze.txt`` and
``os-info.txt`` at the commit named in ``data/colab/source.json``); scripts/refresh_colab_packages.py
renews it. :func:`install_plan` follows pip's rules for ``pip install`` without ``--upgrade``
(the strategy "only-if-needed"), with ``packaging`` doing the version and marker logic:

* each requirement of the cell, and of every package pip would install, is evaluated against
  Colab's Python and platform (markers) and merged per name (specifiers of all parents);
* an installed version that satisfies every specifier is kept (pip accepts it as it is, even a
  pre-release); anything else is installed, at the version of requirements-lock.txt (the release
  the course was tested with, and what pip picks while it is the newest in the range; a package
  the lock lacks at this environment's version);
* the requirements of a package that is installed are read from this environment's metadata of
  the same version; the requirements of a package Colab keeps are not followed, since its
  Colab version's metadata is not recorded and Colab already satisfies them.
"""
from __future__ import annotations

import json
import re
import shlex
import sys
import tomllib
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "data" / "colab"
sys.path.insert(0, str(ROOT / "scripts"))
from colab_setup_cell import repository_url, setup_cell_source  # noqa: E402


def read_freeze(text: str) -> dict[str, Version]:
    """{normalised name: version} of a ``pip freeze`` listing; ``name @ url`` lines take the
    version from the wheel's file name (Colab's torch), other direct references are left out.

    >>> read_freeze("numpy==2.1.3\\ntorch @ https://x/torch-2.11.0%2Bcpu-cp313-cp313-linux_x86_64.whl\\n")
    {'numpy': <Version('2.1.3')>, 'torch': <Version('2.11.0+cpu')>}
    """
    installed = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            continue
        if "==" in line:
            name, version = line.split("==", 1)
            installed[canonicalize_name(name)] = Version(version.strip())
        elif " @ " in line and line.split("?")[0].endswith(".whl"):
            wheel = line.split(" @ ", 1)[1].rsplit("/", 1)[-1].replace("%2B", "+")
            name, version, _, _ = parse_wheel_filename(wheel)
            installed[canonicalize_name(name)] = version
    return installed


def read_python(os_info: str) -> Version:
    """The Python version in Colab's ``os-info.txt`` (a line ``Python 3.13.15``).

    >>> read_python("Ubuntu 22.04.5 LTS\\nPython 3.13.15\\n")
    <Version('3.13.15')>
    """
    found = re.search(r"^Python (\d+\.\d+\.\d+)", os_info, re.MULTILINE)
    if found is None:
        raise ValueError("os-info.txt has no 'Python X.Y.Z' line: refresh data/colab/ with "
                         "scripts/refresh_colab_packages.py")
    return Version(found.group(1))


def marker_environment(python: Version) -> dict[str, str]:
    """Marker values of Colab: CPython ``python`` on x86-64 Linux."""
    env = default_environment()
    env.update(python_version=f"{python.major}.{python.minor}", python_full_version=str(python),
               implementation_name="cpython", implementation_version=str(python),
               platform_python_implementation="CPython", os_name="posix", sys_platform="linux",
               platform_system="Linux", platform_machine="x86_64")
    return env


OPTIONS_WITH_VALUE = {"-c", "--constraint", "-r", "--requirement", "-i", "--index-url",
                      "--extra-index-url", "-f", "--find-links", "-t", "--target"}


def cell_requirements(cell: str, pyproject: dict) -> list[Requirement]:
    """The requirements a setup cell's ``%pip install`` line asks for; ``tlutils @ ...`` stands
    for pyproject's dependencies (plus the extras named in brackets). Options are skipped, a
    constraint file too: the plan then shows what the ranges alone would change.

    >>> cell_requirements('%pip install -q -c /tmp/keep.txt "six>=1"', {})
    [<Requirement('six>=1')>]
    """
    line = next(line for line in cell.splitlines() if "%pip install" in line)
    requirements = []
    args = iter(shlex.split(line.split("%pip install", 1)[1]))
    for arg in args:
        if arg in OPTIONS_WITH_VALUE:
            next(args)  # a constraint file only narrows: the plan checks the ranges without it
        if arg.startswith("-"):
            continue
        requirement = Requirement(arg)
        if canonicalize_name(requirement.name) != "tlutils":
            requirements.append(requirement)
            continue
        project = pyproject["project"]
        requirements += [Requirement(r) for r in project["dependencies"]]
        for extra in requirement.extras:
            requirements += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return requirements


def local_requirements(name: str, version: Version) -> list[Requirement] | None:
    """Requires-Dist of ``name`` from this environment when it has that very version, else None."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    if Version(dist.version) != version:
        return None
    return [Requirement(r) for r in dist.requires or []]


def install_plan(requirements: Iterable[Requirement], installed: dict[str, Version],
                 candidates: dict[str, Version], env: dict[str, str],
                 requires: Callable[[str, Version], list[Requirement] | None] = local_requirements,
                 ) -> dict[str, tuple[Version | None, Version | None]]:
    """{name: (installed version or None, version pip would install or None if unknown)} of
    every package that ``pip install`` of ``requirements`` changes on ``installed``.

    >>> env = marker_environment(Version("3.13.15"))
    >>> install_plan([Requirement("numpy>=2.2"), Requirement("six; python_version<'3'")],
    ...              {"numpy": Version("2.1.3")}, {"numpy": Version("2.3.0")}, env, lambda n, v: [])
    {'numpy': (<Version('2.1.3')>, <Version('2.3.0')>)}
    """
    specs: dict[str, SpecifierSet] = {}
    extras: dict[str, set[str]] = {}
    chosen: dict[str, Version | None] = {}
    queue = [(r, "") for r in requirements]
    while queue:
        requirement, extra = queue.pop(0)
        if requirement.marker is not None and not requirement.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        spec = specs.get(name, SpecifierSet()) & requirement.specifier
        wanted = extras.get(name, set()) | set(requirement.extras)
        if name in chosen and spec == specs[name] and wanted == extras[name]:
            continue  # nothing new about this package
        specs[name], extras[name] = spec, wanted
        have = installed.get(name)
        if have is not None and spec.contains(have, prereleases=True):
            chosen[name] = have  # pip keeps it, and Colab already satisfies its requirements
            continue
        new = candidates.get(name)
        chosen[name] = new if new is not None and spec.contains(new, prereleases=True) else None
        for child in (requires(name, chosen[name]) or []) if chosen[name] is not None else []:
            queue += [(child, e) for e in sorted(wanted) or [""]]
    return {name: (installed.get(name), version) for name, version in sorted(chosen.items())
            if installed.get(name) is None or version != installed[name]}


def colab_record(record: Path = RECORD) -> tuple[dict, dict[str, Version], Version]:
    """(source.json, the installed packages, Python's version) of the recorded Colab runtime."""
    source = json.loads((record / "source.json").read_text())
    return (source, read_freeze((record / "pip-freeze.txt").read_text()),
            read_python((record / "os-info.txt").read_text()))


def read_lock(path: Path = ROOT / "requirements-lock.txt") -> dict[str, Version]:
    """{normalised name: version} of the course's lock file."""
    return read_freeze(path.read_text())


def colab_plan(root: Path = ROOT) -> dict[str, tuple[Version | None, Version | None]]:
    """What the course's Colab setup cell (scripts/colab_setup_cell.py) changes on the record;
    new packages at the lock's versions (else this environment's)."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    _, installed, python = colab_record(root / "data" / "colab")
    cell = setup_cell_source(repository_url(root))
    here = {canonicalize_name(d.metadata["Name"]): Version(d.version) for d in metadata.distributions()}
    candidates = {**here, **read_lock(root / "requirements-lock.txt")}
    return install_plan(cell_requirements(cell, pyproject), installed, candidates, marker_environment(python))


def describe_plan(plan: dict[str, tuple[Version | None, Version | None]]) -> str:
    """One line per changed package: ``name: old -> new``."""
    return "\n".join(f"{name}: {old or 'not installed'} -> {new or 'a version pip chooses'}"
                     for name, (old, new) in plan.items()) or "nothing"
