"""Reading a fetched public repository's git directory without a work tree (the data scripts'
mirrors: scripts/make_flower_set.py, scripts/make_eurosat_set.py, scripts/flowers102_from_mirrors.py,
scripts/make_real_phishing_data.py, scripts/phishing_outside_check.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def git(repo: Path, *args: str) -> bytes:
    """Output of a git command in the git directory ``repo``."""
    return subprocess.run(["git", f"--git-dir={repo}", *args], check=True, capture_output=True).stdout


def check_commit(repo: Path, commit: str) -> None:
    """Stop with one sentence when ``repo`` is not at the pinned commit."""
    head = git(repo, "rev-parse", "HEAD").decode().strip()
    if head != commit:
        sys.exit(f"{repo} is at {head[:12]}, not the pinned {commit[:12]}: fetch that commit.")


def pinned_dirs(items: list[str], repositories: dict[str, tuple[str, str]]) -> dict[str, Path]:
    """The git folders given as ``NAME=PATH`` (a script's ``--git`` options), one per name of
    ``repositories`` (name -> (repository, commit)); stop with one sentence when one is missing or
    not at its pinned commit."""
    dirs = {name: Path(path) for name, path in (item.split("=", 1) for item in items)}
    missing = sorted(set(repositories) - set(dirs))
    if missing:
        sys.exit(f"Give the git folder of {', '.join(missing)} with --git NAME=PATH (see --help).")
    for name, (_, commit) in repositories.items():
        check_commit(dirs[name], commit)
    return dirs
