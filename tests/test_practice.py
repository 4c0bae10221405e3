"""Every lesson ends with Practice: exercises with a check, folded solutions, and a quiz whose stored
output is the HTML fallback (GitHub shows it) with no widget state. nbval runs the solutions
(they assert their own check) and compares the quiz's fallback literally."""
from __future__ import annotations

import ast

import nbformat
import pytest

from conftest import ROOT
from tlutils import quiz

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _practice(path):
    nb = nbformat.read(path, as_version=4)
    start = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown" and c.source.startswith("## Practice")), None)
    assert start is not None, f"{path.name} has no '## Practice' section"
    return nb, nb.cells[start:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_has_exercises_with_checks_and_folded_solutions(path):
    _, cells = _practice(path)
    code = [c for c in cells if c.cell_type == "code"]
    exercises = [c for c in code if "tlutils.exercises.check_" in c.source and "..." in c.source
                 and not c.metadata.get("jupyter", {}).get("source_hidden")]
    solutions = [i for i, c in enumerate(cells) if c.cell_type == "code"
                 and c.metadata.get("jupyter", {}).get("source_hidden") and "solution" in c.metadata.get("tags", [])]
    assert 1 <= len(exercises) <= 3 and len(solutions) == len(exercises)
    for i in solutions:
        assert cells[i - 1].cell_type == "markdown" and "click to expand" in cells[i - 1].source
        assert "tlutils.exercises.check_" in cells[i].source and "assert feedback" in cells[i].source
        ast.parse(cells[i].source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_ends_with_a_quiz_whose_stored_output_is_the_fallback(path):
    nb, cells = _practice(path)
    last = nb.cells[-1]
    assert last.cell_type == "code" and "tlutils.quiz.show(" in last.source
    assert "nbval-check-output" in last.metadata.get("tags", []) or "# NBVAL_CHECK_OUTPUT" in last.source
    assert last.execution_count and len(last.outputs) == 1
    data = last.outputs[0]["data"]
    assert set(data) == {"text/html", "text/plain"}, "store the fallback only, never widget views"
    assert data["text/html"].count("<details>") >= 4 and "tl-quiz-fallback" in data["text/html"]
    namespace: dict = {}
    exec(last.source, namespace)  # outside IPython, show() only builds the quiz
    built = namespace["quiz"]
    assert data["text/html"] == built.to_html(), "stored fallback is stale: re-run the quiz cell"
    assert len(built.questions) >= 4
    assert all(q.feedback(q.answer).startswith(quiz.CORRECT) for q in built.questions)
    assert "widgets" not in nb.metadata


def test_the_five_practice_questions_of_the_source_are_asked():
    asked = " ".join(nbformat.read(p, as_version=4).cells[-1].source for p in NOTEBOOKS)
    for question in ("key difference between feature extraction and fine-tuning",
                     "Why use a low learning rate", "When should you use feature extraction instead of fine-tuning",
                     "How does BERT encode input text", "role of the GlobalAveragePooling2D layer"):
        assert question in asked, question
