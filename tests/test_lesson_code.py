"""A lesson writes its method before it imports it; where tlutils keeps a function a lesson wrote,
the two are the same code.

The lesson marks such a function with a comment on the line above it::

    # Also in tlutils as tlutils.data.prepare (a test keeps the two the same).
    def prepare(ds, preprocess, cfg, shuffle=False):

and this test compares the two functions' syntax trees, docstrings left out (a lesson's docstring
may speak to the reader), type hints (tlutils has them, a lesson keeps code plain) and the imports at
the top of the body (tlutils imports TensorFlow on first use, a lesson at the top of its notebook),
so neither can change without the other (d2l's ``#@save`` idea, checked instead of generated).
"""
from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MARK = re.compile(r"^# Also in tlutils as (tlutils(?:\.\w+)+)\b")
# The lessons that write a method tlutils keeps (issue 28): each must tie at least one function.
TYING_LESSONS = {"00", "01", "02", "04", "05", "06", "07"}


def _parse(code: str) -> ast.Module:
    """A code cell's syntax tree, IPython's %magic and !shell lines blanked (line numbers kept)."""
    return ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                               for line in code.splitlines()))


def _has_docstring(node: ast.AST) -> bool:
    return ast.get_docstring(node, clean=False) is not None


def _normalized(node: ast.AST) -> str:
    """The definition's tree without its docstring, name, type hints and leading imports, as text."""
    node = ast.parse(ast.unparse(node)).body[0]  # a copy
    node.name = "_"
    for part in ast.walk(node):
        if isinstance(part, ast.arg):
            part.annotation = None
        elif isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef)):
            part.returns = None
    if _has_docstring(node):
        node.body = node.body[1:] or [ast.Pass()]
    while len(node.body) > 1 and isinstance(node.body[0], (ast.Import, ast.ImportFrom)):
        node.body = node.body[1:]
    return ast.dump(node, include_attributes=False)


def _library(dotted: str) -> ast.AST:
    """The syntax tree of the tlutils function or class named ``dotted``."""
    module, _, name = dotted.rpartition(".")
    obj = getattr(importlib.import_module(module), name)
    return ast.parse(textwrap.dedent(inspect.getsource(obj))).body[0]


def lesson_ties() -> list[tuple[str, str, ast.AST]]:
    """(lesson number, dotted tlutils name, the lesson's definition) for every marked function."""
    ties = []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or "# Also in tlutils as" not in cell.source:
                continue
            tree, lines = _parse(cell.source), cell.source.splitlines()
            for number, line in enumerate(lines, start=1):
                match = MARK.match(line)
                if match is None:
                    continue
                defined = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                           and min([node.lineno] + [d.lineno for d in node.decorator_list]) == number + 1]
                assert defined, f"{path.name}: '{line}' is not right above a def or class"
                ties.append((path.name[:2], match.group(1), defined[0]))
    return ties


TIES = lesson_ties()


@pytest.mark.parametrize("lesson, dotted, node", TIES, ids=[f"{t[0]}-{t[1]}" for t in TIES])
def test_the_lesson_and_tlutils_hold_the_same_code(lesson, dotted, node):
    assert _normalized(node) == _normalized(_library(dotted)), (
        f"lesson {lesson}'s {node.name} and {dotted} differ: change both, or neither")


def test_every_lesson_that_writes_a_kept_method_ties_it():
    assert TYING_LESSONS <= {lesson for lesson, _, _ in TIES}


def test_a_changed_body_is_caught_but_not_another_name_docstring_or_leading_import():
    _, dotted, node = TIES[0]
    kept = _normalized(_library(dotted))
    source = ast.unparse(node)
    renamed = ast.parse(source.replace(f"def {node.name}(", "def another_name(", 1)).body[0]
    assert _normalized(renamed) == kept
    redocumented = ast.parse(source).body[0]
    redocumented.body[:_has_docstring(redocumented)] = [ast.Expr(ast.Constant("Another docstring."))]
    assert _normalized(redocumented) == kept
    imported = ast.parse(source).body[0]
    imported.body.insert(_has_docstring(imported), ast.parse("import tensorflow as tf").body[0])
    assert _normalized(imported) == kept
    changed = ast.parse(source).body[0]
    changed.body.append(ast.Expr(ast.Constant(0)))
    assert _normalized(changed) != kept
