"""Every lesson ends with Practice: exercises with a check, worked solutions folded in <details>
(closed in JupyterLab, Colab, GitHub and nbviewer alike; tests/conftest.py has nbval run their code),
and a quiz whose questions live in tlutils.practice.questions (so no cell shows an answer) and whose stored
output is the HTML fallback. The lessons that measure a number ask the reader to predict it first."""
from __future__ import annotations

import ast
import re

import nbformat
import pytest

from conftest import ROOT
from notebook_solutions import solution_code
from tlutils import practice
from tlutils.practice import quiz

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _practice(path):
    nb = nbformat.read(path, as_version=4)
    start = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown" and c.source.startswith("## Practice")), None)
    assert start is not None, f"{path.name} has no '## Practice' section"
    return nb, nb.cells[start:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_has_exercises_with_checks_and_folded_solutions(path):
    nb, cells = _practice(path)
    exercises = [c for c in cells if c.cell_type == "code" and "tlutils.practice.check_" in c.source
                 and "..." in c.source]
    solutions = [solution_code(c) for c in cells if solution_code(c) is not None]
    assert 1 <= len(exercises) <= 3 and len(solutions) == len(exercises)
    for code in solutions:
        assert "tlutils.practice.check_" in code and "assert " in code
        ast.parse(code)
    for cell in nb.cells:  # nothing relies on a viewer honouring source_hidden any more
        assert not cell.metadata.get("jupyter", {}).get("source_hidden"), cell.source[:60]
        if "solution" in cell.metadata.get("tags", []):
            source = cell.source
            assert cell.cell_type == "markdown" and source.startswith("<details><summary>")
            assert source.rstrip().endswith("</details>") and "<details open" not in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_ends_with_a_quiz_whose_stored_output_is_the_fallback(path):
    nb, cells = _practice(path)
    last = nb.cells[-1]
    assert last.cell_type == "code" and "tlutils.practice.show_quiz(" in last.source
    assert "answer=" not in last.source and "why=" not in last.source, "answers belong in tlutils.practice.questions"
    assert "nbval-check-output" in last.metadata.get("tags", [])
    assert last.execution_count and len(last.outputs) == 1
    data = last.outputs[0]["data"]
    assert set(data) == {"text/html", "text/plain"}, "store the fallback only, never widget views"
    assert data["text/html"].count("<details>") >= 4 and "tl-quiz-fallback" in data["text/html"]
    namespace: dict = {}
    exec("import tlutils\n" + last.source, namespace)  # outside IPython, show_quiz() only builds the quiz
    built = namespace["quiz"]
    assert data["text/html"] == built.to_html(), "stored fallback is stale: re-run the quiz cell"
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("lesson", [f"{n:02d}" for n in range(8)])
def test_every_quiz_explains_every_option_and_asks_a_prediction(lesson):
    questions = practice.questions(lesson)
    assert len(questions) >= 4
    assert all(q.feedback(q.answer).startswith(quiz.CORRECT) for q in questions)
    for q in questions:
        if isinstance(q, quiz.Choice):
            assert len(q.reasons) == len(q.options)
            wrong = [q.feedback(i) for i in range(len(q.options)) if i != q.answer]
            assert all(f.startswith(quiz.WRONG) for f in wrong) and len(set(wrong)) == len(wrong)
    assert any(isinstance(q, quiz.Number) and q.question.startswith("Predict") for q in questions)


# Lessons that ask for a prediction in their body, and how the next code cell's stored output
# states the measured number: the question's answer must agree with it.
MEASURED = {"00": r"ImageNet weights\s+[\d.]+ ± [\d.]+\s+([\d.]+)",
            "03": r"'Transferability is unbelievably useful'\s+-> (\[.*?\])",
            "04": r"mean initial loss ([\d.]+)",
            "05": r"without: ([\d.e+-]+)"}


@pytest.mark.parametrize("lesson", sorted(MEASURED))
def test_a_predicted_number_agrees_with_what_the_lesson_then_measures(lesson):
    nb = nbformat.read(next(p for p in NOTEBOOKS if p.name.startswith(lesson)), as_version=4)
    ask = next(i for i, c in enumerate(nb.cells) if f'tlutils.practice.prediction("{lesson}")' in c.source)
    measuring = next(c for c in nb.cells[ask + 1:] if c.cell_type == "code"
                     and any(re.search(MEASURED[lesson], o.get("text", "")) for o in c.outputs))
    text = next(o["text"] for o in measuring.outputs if re.search(MEASURED[lesson], o.get("text", "")))
    value = re.search(MEASURED[lesson], text).group(1)
    measured = len(ast.literal_eval(value)) if lesson == "03" else float(value)
    question = practice.prediction(lesson)[0]
    assert question.is_correct(measured), (question.answer, measured)


def test_the_questions_file_ships_with_the_package_and_a_bad_entry_is_one_sentence(tmp_path, monkeypatch):
    """A pip install (Colab) must carry questions.toml; a misspelt field names its lesson and question."""
    import importlib
    import tomllib

    bank = importlib.import_module("tlutils.practice.questions")
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["tlutils"]
    assert any(bank.QUESTIONS_FILE.relative_to(ROOT / "tlutils").match(pattern) for pattern in patterns)
    broken = tmp_path / "questions.toml"
    broken.write_text('[[lessons.09]]\nkind = "number"\nquestion = "How many?"\nanswr = 3\nwhy = "Three."\n')
    monkeypatch.setattr(bank, "QUESTIONS_FILE", broken)
    bank._lessons.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"questions.toml, lesson 09: .*answr.*How many\?") as error:
            bank.questions("09")
        assert "\n" not in str(error.value)
    finally:
        bank._lessons.cache_clear()


def test_the_five_practice_questions_of_the_source_are_asked():
    asked = " ".join(q.question for n in range(8) for q in practice.questions(f"{n:02d}"))
    for question in ("key difference between feature extraction and fine-tuning",
                     "Why use a low learning rate", "When should you use feature extraction instead of fine-tuning",
                     "How does BERT encode input text", "role of the GlobalAveragePooling2D layer"):
        assert question in asked, question


# -- statements the lessons make, checked against what their code does or their stored run shows --
def _stored_text(nb, marker: str) -> str:
    """The stored stream output of the one code cell whose source contains ``marker``."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and marker in c.source)
    return "".join(o.get("text", "") for o in cell.outputs)


def _prose(nb) -> str:
    return " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")


def test_lesson_04_quotes_its_stored_run_truly():
    """Lesson 04 prints its comparisons from the run (no run numbers in its prose): the printed
    differences are those of its stored table."""
    nb = nbformat.read(next(p for p in NOTEBOOKS if p.name.startswith("04")), as_version=4)
    table = _stored_text(nb, 'print(f"{\'approach\':<20}')
    rows = {line[:20].strip(): line[20:].split() for line in table.splitlines()[1:] if line.strip()}
    test = {name: float(values[1]) for name, values in rows.items()}
    compared = _stored_text(nb, "def difference(")
    for a, b in (("fine-tuning", "random weights"), ("feature extraction", "fine-tuning")):
        printed = float(re.search(rf"{a} vs {b}: ([+-][0-9.]+) ", compared).group(1))
        assert abs(printed - (test[a] - test[b])) <= 0.0015, (a, b, printed)  # the table rounds to 3 places
    assert "n=872" in compared and "0.509" not in _prose(nb)


def test_lesson_00_says_what_its_loader_does_with_heic(tmp_path):
    from tlutils.data import load_image_folder

    nb = nbformat.read(next(p for p in NOTEBOOKS if p.name.startswith("00")), as_version=4)
    assert "phone photos in HEIC (a format the loader does not decode: it lists them as skipped" in _prose(nb)
    source = sorted((ROOT / "tlutils" / "course_data" / "photos").glob("*/*.jpg"))[:4]
    for index, photo in enumerate(source):
        (tmp_path / f"class{index % 2}").mkdir(exist_ok=True)
        (tmp_path / f"class{index % 2}" / photo.name).write_bytes(photo.read_bytes())
    (tmp_path / "class0" / "IMG_0001.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(64))
    loaded = load_image_folder(tmp_path, split=(0.5, 0.25, 0.25))
    assert [name for name, _ in loaded.skipped] == ["class0/IMG_0001.heic"]


def test_lesson_03_gives_the_size_of_the_file_it_downloads():
    nb = nbformat.read(next(p for p in NOTEBOOKS if p.name.startswith("03")), as_version=4)
    prose = _prose(nb)
    assert "`model.safetensors` (about 440 MB for BERT-base)" in prose and "tf_model.h5" not in prose
    from tlutils.text import HUB_FILES
    assert "model.safetensors" in HUB_FILES and not any(name.endswith((".bin", ".h5")) for name in HUB_FILES)
