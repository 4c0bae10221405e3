"""Reading a fetched public repository's git directory without a work tree (the data scripts'
mirrors: scripts/make_flower_set.py, scripts/flowers102_from_mirrors.py)."""
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
