"""The house rules of tlutils (docs/architecture.md draws them): no import cycles, nothing imports
upward (and the phishing model code never imports its web service), and no module over 450 lines
except data.py. Read from the source with ``ast``, so a
new module is checked the moment it exists."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "tlutils"
MAX_LINES = 450
LARGER_ALLOWED = {"tlutils.data"}  # the datasets of every lesson, one loader each
# Rooms, lowest first: a module may import from its own room or a lower one, never a higher one.
# The two applications (challenge, phishing) do not import each other.
ROOMS = [
    ("foundation", {"errors", "config", "files", "downloads", "environment", "params", "distribute"}),
    ("library", {"data", "lite0", "models", "layers", "features", "gradients", "adapters", "bootstrap",
                 "seed_runs", "plots", "widgets", "text"}),
    ("applications", {"challenge", "phishing"}),
    ("practice", {"practice"}),
]


def module_name(path: Path, root: Path = ROOT) -> str:
    """``tlutils/phishing/detector.py`` -> ``tlutils.phishing.detector`` (a package: its folder's name)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, top_level_only: bool, root: Path = ROOT) -> set[str]:
    """The tlutils modules ``path`` imports (``from . import x`` counts as importing x)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("tlutils"))
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if not target.startswith("tlutils"):
                continue
            submodules = {f"{target}.{a.name}" for a in node.names} & MODULES.keys()
            found.update(submodules or {target})
    return found - {name}


def room(module: str) -> int:
    """The index in ROOMS of a tlutils module (by its first name below tlutils)."""
    first = module.split(".")[1] if "." in module else ""
    for index, (_, names) in enumerate(ROOMS):
        if first in names:
            return index
    raise AssertionError(f"{module} is in no room: add it to ROOMS in tests/test_architecture.py")


def test_every_module_has_a_room():
    for module in MODULES:
        if module != "tlutils":
            room(module)


def test_nothing_imports_upward_and_the_applications_stay_apart():
    wrong = []
    for module, path in MODULES.items():
        if module == "tlutils" or module.endswith("__main__"):
            continue  # the package's front door and command lines may import anything
        for target in imports(path, top_level_only=False):
            if target == "tlutils":
                continue  # tlutils.setup / current, the foundation's front door
            upward = room(target) > room(module)
            across = room(target) == room(module) == 2 and target.split(".")[1] != module.split(".")[1]
            if upward or across:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_phishing_model_code_never_imports_its_web_service():
    service = "tlutils.phishing.service"
    wrong = [f"{module} imports {target}" for module, path in MODULES.items()
             if module.startswith("tlutils.phishing") and not module.startswith(service)
             for target in imports(path, top_level_only=False) if target.startswith(service)]
    assert not wrong, "\n".join(wrong)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (module -> modules it imports), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target, path + [target])):
                return cycle
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module, [module])):
            return cycle
    return None


def test_no_import_cycles_at_import_time():
    graph = {m: {t for t in imports(p, top_level_only=True) if t in MODULES} for m, p in MODULES.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert module in LARGER_ALLOWED or lines <= MAX_LINES, f"{module} has {lines} lines: split it by job"


def test_the_rules_catch_what_they_forbid(tmp_path):
    config = tmp_path / "tlutils" / "config.py"
    config.parent.mkdir()
    config.write_text("import os\nfrom .phishing import detector\n\ndef f():\n    from .text import encoders\n")
    assert imports(config, top_level_only=True, root=tmp_path) == {"tlutils.phishing.detector"}
    assert imports(config, top_level_only=False, root=tmp_path) == {"tlutils.phishing.detector",
                                                                    "tlutils.text.encoders"}
    assert room("tlutils.config") < room("tlutils.text.encoders") < room("tlutils.phishing.detector")
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
