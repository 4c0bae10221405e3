"""Grade every lesson's assignment three ways, as the tests do for one lesson: the worked solutions
must get full marks, the blank student notebook zero, and each lazy answer no marks for its
question (the lesson's own model, a printed count, an untrained head, a constant answer).

    TLUTILS_PROFILE=offline python scripts/check_assignments.py [--lessons 00 07]

Each grading re-runs the whole lesson in a fresh kernel; the times are printed (docs/teaching.md).
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_assignments  # noqa: E402  (scripts, not a package)
import grade  # noqa: E402

ANSWER_TAG = "otter_answer_cell"  # otter's tag on the cells a student writes in
# Per lesson, the lazy answer to some questions (the question's other cells get the worked solution).
LAZY = {
    "00": {"q1": "new_head = keras.Sequential([keras.Input((x_train.shape[1],)),\n"
                 "                             keras.layers.Dense(photos.num_classes, activation='softmax')])\n"
                 "predicted = 1280 * photos.num_classes + photos.num_classes  # right count, head never trained"},
    "01": {"q1": "small_head_model = model  # the lesson's own model\npredicted = trainable  # the count it printed",
           "q3": "my_model = model  # the lesson's own model\ntest_images = np.concatenate([images for images, _ in test_ds])"},
    "02": {"q1": "predicted = counts.trainable  # the count the lesson printed, nothing unfrozen",
           "q3": "my_head = new_head()  # an untrained head"},
    "03": {"q1": "max_pool = mean_pool  # the lesson's own pooling",
           "q3": "def predict_sentiment(texts):\n    return np.ones(len(texts), dtype=int)  # a constant answer"},
    "04": {"q1": "threshold = 0.5  # the default",
           "q2": "predicted = results['fine-tuning']['trainable']  # the count the lesson printed"},
    "05": {"q1": "predicted = next(iter(results.values()))['trainable']  # a count the lesson printed"},
    "06": {"q1": "from sklearn.dummy import DummyClassifier\nprobe = DummyClassifier().fit(x_test, y_test)  # never learns",
           "q2": "def linear_probe_result():\n    return results['feature_extraction']  # an existing result"},
    "07": {"q1": "def precision_at(recall, false_positive_rate, base_rate):\n    return recall  # ignores the base rate",
           "q2": "small_head = list(detector.heads.values())[0]  # the detector's own head"},
}


def lesson_path(lesson: str) -> Path:
    return next((build_assignments.ROOT / "notebooks").glob(f"{lesson}_*.ipynb"))


def answered(lesson: str, student: Path, answers: dict[str, str], out: Path) -> Path:
    """The student notebook with question ``q`` answered by ``answers[q]`` (after the prompt's own
    set-up lines), or by the worked solution when ``answers[q]`` is "solution"; other questions blank."""
    nb = nbformat.read(student, as_version=4)
    qs = {q.name: q for q in build_assignments.questions(nbformat.read(lesson_path(lesson), as_version=4))}
    cells = [c for c in nb.cells if ANSWER_TAG in c.metadata.get("tags", [])]
    assert len(cells) == len(qs), f"{student.name}: {len(cells)} answer cells for {len(qs)} questions"
    for cell, name in zip(cells, qs):
        if name in answers:
            code = qs[name].solution if answers[name] == "solution" else answers[name]
            setup = build_assignments.prefix_lines(qs[name].prompt)
            cell.source = f"{setup}\n{code}" if setup else code
    nbformat.write(nb, out)
    return out


def submissions(lesson: str, student: Path, folder: Path) -> dict[str, Path]:
    """The three submissions of one lesson: worked solutions, blank, and lazy answers."""
    names = [q.name for q in build_assignments.questions(nbformat.read(lesson_path(lesson), as_version=4))]
    lazy = {name: LAZY.get(lesson, {}).get(name, "solution") for name in names}
    return {"solutions": answered(lesson, student, dict.fromkeys(names, "solution"), folder / f"{student.stem}-s.ipynb"),
            "blank": student,
            "lazy": answered(lesson, student, lazy, folder / f"{student.stem}-l.ipynb")}


def expected(lesson: str, kind: str, possible: dict[str, float]) -> dict[str, float]:
    """The scores each submission must get."""
    if kind == "solutions":
        return dict(possible)
    if kind == "blank":
        return dict.fromkeys(possible, 0.0)
    return {q: 0.0 if q in LAZY.get(lesson, {}) else p for q, p in possible.items()}


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (otter and its kernel)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check(lesson: str, out: Path = build_assignments.OUT) -> list[str]:
    """Grade one lesson's three submissions; return the problems found (printing times)."""
    archive = grade.autograder(lesson, out)
    student = next((archive.parents[1] / "student").glob("*.ipynb"))
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, notebook in submissions(lesson, student, Path(folder)).items():
            start, cpu = time.perf_counter(), _children_cpu()
            got = grade.scores(grade.grade(notebook, archive))
            seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
            want = expected(lesson, kind, {q: p for q, (_, p) in got.items()})
            scored = {q: s for q, (s, _) in got.items()}
            print(f"lesson {lesson} {kind:<9} {sum(scored.values()):g} of {sum(p for _, p in got.values()):g} "
                  f"points in {seconds:.0f} s ({cpu:.0f} s of CPU; load {os.getloadavg()[0]:.1f})", flush=True)
            if scored != want:
                problems.append(f"lesson {lesson} {kind}: got {scored}, expected {want}")
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", default=sorted(LAZY))
    args = parser.parse_args(argv)
    problems = [p for lesson in args.lessons for p in check(lesson)]
    print("\n".join(problems) or "every assignment graded as expected")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
