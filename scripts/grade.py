"""Grade your own notebook against its lesson's assignment, and see which questions passed.

    make grade NB=build/assignments/00/default/dist/student/00_what_a_pretrained_network_knows.ipynb
    python scripts/grade.py my_copy_of_00.ipynb

The notebook's first two characters name the lesson. Grading runs the whole notebook in a fresh
kernel (as an instructor's grader does) in the offline profile, where the targets were measured,
then runs the public and the hidden tests. It builds the lesson's assignment first if it is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_assignments  # noqa: E402  (scripts, not a package)


def autograder(lesson: str, out: Path = build_assignments.OUT) -> Path:
    """The lesson's autograder archive (for a JupyterHub or a laptop), built if missing."""
    found = sorted((out / lesson / "default" / "dist" / "autograder").glob("*.zip"))
    if not found:
        notebooks = sorted((build_assignments.ROOT / "notebooks").glob(f"{lesson}_*.ipynb"))
        if not notebooks:
            raise SystemExit(f"No lesson {lesson!r} in notebooks/: name your notebook after its lesson, e.g. 00_mine.ipynb.")
        build_assignments.build(notebooks[0], out, "default")
        found = sorted((out / lesson / "default" / "dist" / "autograder").glob("*.zip"))
    return found[-1]


def grade(notebook: Path, archive: Path) -> dict:
    """Run ``otter run`` on one notebook and return otter's results (``results.json``)."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "TLUTILS_PROFILE": os.environ.get("TLUTILS_PROFILE", "offline")}
        subprocess.run([sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(archive), "-o", folder,
                        str(notebook)], check=True, env=env, stdout=subprocess.DEVNULL)
        return json.loads((Path(folder) / "results.json").read_text())


def scores(results: dict) -> dict[str, tuple[float, float]]:
    """{question: (score, possible)} from otter's results (Gradescope's format; the summary of
    the public tests has no score)."""
    return {test["name"]: (float(test["score"]), float(test["max_score"]))
            for test in results["tests"] if "score" in test}


def report(results: dict) -> str:
    """One line per question (passed or not, points) and the total."""
    lines = []
    for name, (score, possible) in scores(results).items():
        lines.append(f"{name}: {'passed' if score == possible else 'not passed'} ({score:g} of {possible:g} points)")
    got = sum(s for s, _ in scores(results).values())
    total = sum(p for _, p in scores(results).values())
    return "\n".join(lines + [f"total: {got:g} of {total:g} points"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        raise SystemExit(f"{args.notebook}: no such notebook; pass the path of the .ipynb file you worked in.")
    print(report(grade(args.notebook.resolve(), autograder(args.notebook.name[:2]))))


if __name__ == "__main__":
    main()
