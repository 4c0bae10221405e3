"""Refresh data/colab/: Colab's package list and Python version from googlecolab/backend-info.

Usage:
    python scripts/refresh_colab_packages.py PATH [--commit REF]   # a clone (bare or not)
    python scripts/refresh_colab_packages.py https://github.com/googlecolab/backend-info [--commit REF]

Writes ``pip-freeze.txt`` (the CPU runtime's list), ``os-info.txt`` (its Python), the
repository's ``LICENSE`` (Apache-2.0, shipped with the copies) and ``source.json`` (repository,
commit, date, subject, licence), then prints what the course's Colab setup cell would change on
the new list (scripts/colab_runtime.py). tests/test_colab_runtime.py reads the record.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from colab_runtime import RECORD, colab_plan, describe_plan

REPOSITORY = "https://github.com/googlecolab/backend-info"
FILES = ("pip-freeze.txt", "os-info.txt", "LICENSE")


def from_git(path: Path, ref: str) -> tuple[dict[str, str], dict]:
    """The files and commit facts of ``ref`` in the clone at ``path``."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True,
                              text=True).stdout

    commit, date, subject = git("log", "-1", "--format=%H%n%aI%n%s", ref).splitlines()[:3]
    return ({name: git("show", f"{commit}:{name}") for name in FILES},
            {"commit": commit, "date": date, "subject": subject})


def from_github(url: str, ref: str) -> tuple[dict[str, str], dict]:
    """The files and commit facts of ``ref`` from GitHub (raw files and the commits API)."""
    owner_name = url.removeprefix("https://github.com/").removesuffix(".git").strip("/")

    def get(address: str) -> str:
        with urllib.request.urlopen(address, timeout=60) as response:
            return response.read().decode()

    info = json.loads(get(f"https://api.github.com/repos/{owner_name}/commits/{ref}"))
    commit = info["sha"]
    files = {name: get(f"https://raw.githubusercontent.com/{owner_name}/{commit}/{name}") for name in FILES}
    return files, {"commit": commit, "date": info["commit"]["author"]["date"],
                   "subject": info["commit"]["message"].splitlines()[0]}


def write_record(files: dict[str, str], facts: dict, record: Path = RECORD) -> None:
    """Store the files and ``source.json`` in ``record``."""
    record.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (record / name).write_text(text)
    source = {"repository": REPOSITORY, **facts, "licence": "Apache-2.0 (LICENSE, copied from the repository)",
              "files": {"pip-freeze.txt": "pip-freeze.txt (Colab's CPU runtime)", "os-info.txt": "os-info.txt"}}
    (record / "source.json").write_text(json.dumps(source, indent=2) + "\n")


def main(argv: list[str]) -> None:
    """Fetch, store, and print the setup cell's changes on the new list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a clone of googlecolab/backend-info, or its GitHub URL")
    parser.add_argument("--commit", default="HEAD", help="commit or branch (default: the newest)")
    args = parser.parse_args(argv)
    if args.source.startswith("https://"):
        files, facts = from_github(args.source, args.commit)
    elif Path(args.source).exists():
        files, facts = from_git(Path(args.source), args.commit)
    else:
        sys.exit(f"{args.source} is neither a clone of backend-info nor an https:// URL: pass one of them.")
    write_record(files, facts)
    print(f"data/colab/ now holds {REPOSITORY} at {facts['commit'][:7]} ({facts['date']}, {facts['subject']!r}).")
    print("The Colab setup cell would change:\n" + describe_plan(colab_plan()))


if __name__ == "__main__":
    main(sys.argv[1:])
