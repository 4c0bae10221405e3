"""Test the course against Colab's versions: a venv with Colab's releases of the packages the
course shares with it, the course installed on top as the Colab cell installs it, and the unit
tests run there.

Usage: .venv/bin/python scripts/colab_versions_env.py [--python python3.13] [--venv DIR] [-- PYTEST-ARGS]

1. A new venv gets the versions that data/colab/pip-freeze.txt records for SHARED (whatever pip
   can provide: a release pip cannot install is reported with pip's last error line and left out).
2. The course is installed without the lock, with only its `test` extra, as `pip install tlutils`
   on Colab would: pip keeps every version that fits pyproject's ranges.
3. It prints what step 2 changed among Colab's versions (compare: scripts/colab_runtime.py's plan),
   then runs `pytest tlutils tests` (or PYTEST-ARGS) offline in that venv and exits with its status.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from colab_runtime import ROOT, colab_plan, colab_record, describe_plan, read_freeze

# The course's direct dependencies and what Colab users run it with (ipywidgets, ipykernel).
SHARED = ["tensorflow", "keras", "keras-hub", "tensorflow-text", "transformers", "huggingface-hub",
          "tensorflow-datasets", "numpy", "safetensors", "scikit-learn", "matplotlib", "pillow", "lxml",
          "fastapi", "uvicorn", "kagglesdk", "ipywidgets", "ipykernel"]


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, echoing it; capture its output unless told otherwise."""
    print("$", " ".join(map(str, args)), flush=True)
    kwargs.setdefault("capture_output", True)
    return subprocess.run([str(a) for a in args], text=True, **kwargs)


def install_colab_versions(pip: list[str], pins: list[str]) -> list[str]:
    """Install ``pins`` at once, or one by one if that fails; return the pins pip could not install."""
    if run(*pip, "install", "-q", *pins).returncode == 0:
        return []
    failed = []
    for pin in pins:
        result = run(*pip, "install", "-q", pin)
        if result.returncode:
            last = [line for line in result.stderr.splitlines() if line.strip()][-1:]
            print(f"  pip cannot install {pin}: {last[0] if last else result.returncode}")
            failed.append(pin)
    return failed


def main(argv: list[str]) -> int:
    """Build the venv, install, compare and test; return pytest's exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="python3", help="interpreter of the venv (Colab: 3.13)")
    parser.add_argument("--venv", default=Path(tempfile.gettempdir()) / "colab-versions-venv", type=Path)
    parser.add_argument("pytest_args", nargs="*", default=["tlutils", "tests"])
    args = parser.parse_args(argv)
    source, colab, python = colab_record()
    print(f"Colab record: backend-info {source['commit'][:7]} ({source['date']}), Python {python}")
    pins = [f"{name}=={colab[name]}" for name in SHARED if name in colab]
    if run(args.python, "-m", "venv", "--clear", args.venv, capture_output=False).returncode:
        return 2
    py = args.venv / "bin" / "python"
    pip = [str(py), "-m", "pip", "--disable-pip-version-check"]
    print(run(py, "--version").stdout.strip())
    start = time.time()
    failed = install_colab_versions(pip, pins)
    before = read_freeze(run(*pip, "freeze").stdout)
    course = run(*pip, "install", "-q", "-e", f"{ROOT}[test]", capture_output=False)
    offline = run(*pip, "install", "-q", "--no-deps", "-r", ROOT / "requirements-offline.txt",
                  capture_output=False)
    if course.returncode or offline.returncode:
        print("Installing the course failed (pip's message above).")
        return 2
    after = read_freeze(run(*pip, "freeze").stdout)
    print(f"Installed in {time.time() - start:.0f} s. Colab's versions pip could not install: {failed or 'none'}")
    changed = {n: (before[n], after.get(n)) for n in before if after.get(n) != before[n]}
    print("Installing the course changed:", ", ".join(f"{n} {a} -> {b}" for n, (a, b) in changed.items()) or "nothing")
    print("New packages:", ", ".join(f"{n} {after[n]}" for n in sorted(set(after) - set(before) - {'tlutils'})) or "none")
    print("scripts/colab_runtime.py predicts on the full Colab list:\n" + describe_plan(colab_plan()))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "TLUTILS_PROFILE": "offline", "TLUTILS_CACHE": cache, "OPENBLAS_NUM_THREADS": "1"}
        start = time.time()
        tests = run(py, "-m", "pytest", "-p", "no:cacheprovider", *args.pytest_args,
                    cwd=ROOT, env=env, capture_output=False)
    print(f"pytest exited {tests.returncode} after {time.time() - start:.0f} s "
          f"(load {Path('/proc/loadavg').read_text().split()[0]})")
    return tests.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
