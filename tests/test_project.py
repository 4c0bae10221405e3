"""The project's own promises: pins in step, notebooks clean and Colab-ready, `make` idempotent."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from colab_setup_cell import setup_cell_source  # noqa: E402  (scripts, not a package)
from tag_checked_cells import CHECK_TAG, markers_in  # noqa: E402

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
REPO_URL = PYPROJECT["project"]["urls"]["Repository"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _pins(requirements: list[str]) -> dict[str, str]:
    """{normalised name: version} of ``name==version`` lines."""
    pins = {}
    for line in requirements:
        name, _, version = line.partition("==")
        pins[canonicalize_name(name.strip())] = version.strip()
    return pins


LOCK = _pins([line for line in (ROOT / "requirements-lock.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")])
DIRECT = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]
          + [r for group in PYPROJECT["project"]["optional-dependencies"].values() for r in group]]


def test_lock_pins_every_direct_dependency_exactly():
    """`make` installs with `-c requirements-lock.txt`: the tested version of every package."""
    assert not [r.name for r in DIRECT if canonicalize_name(r.name) not in LOCK], \
        "direct dependencies missing from requirements-lock.txt"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for v in LOCK.values())


@pytest.mark.parametrize("requirement", DIRECT, ids=lambda r: r.name)
def test_pyproject_range_holds_the_locked_version(requirement):
    """pyproject states a range with both bounds (never an exact pin), and the tested version is
    inside it, so a plain `pip install` may keep what is there without leaving what was tested."""
    operators = {s.operator for s in requirement.specifier}
    assert operators & {">=", ">", "~="} and operators & {"<", "<=", "~="}, \
        f"{requirement}: state a lower and an upper bound"
    assert not operators & {"==", "==="}, f"{requirement}: pin exactly in requirements-lock.txt only"
    locked = LOCK[canonicalize_name(requirement.name)]
    assert requirement.specifier.contains(locked, prereleases=True), \
        f"{requirement} does not hold the locked {locked}"


def test_environment_yml_pins_the_locked_versions():
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in conda["dependencies"] if isinstance(d, dict))
    wanted = {canonicalize_name(r.name): LOCK[canonicalize_name(r.name)] for r in DIRECT}
    assert _pins([r for r in pip_section if not r.startswith("-e")]) == wanted


def test_notebooks_are_numbered_in_teaching_order():
    """NN_topic.ipynb, one notebook per number (numbers of lessons still to come may be missing)."""
    assert NOTEBOOKS, "no notebooks"
    numbers = [int(re.fullmatch(r"(\d\d)_[a-z0-9_]+\.ipynb", nb.name).group(1)) for nb in NOTEBOOKS]
    assert len(set(numbers)) == len(numbers) and numbers[0] == 0


def _stored_run(nb) -> dict | None:
    return nb.metadata.get("tlutils", {}).get("stored_run")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_keeps_only_outputs_a_reader_may_trust(path):
    """A notebook whose offline run is real keeps its outputs and says which run made them;
    every other notebook keeps only the checked (profile-independent) outputs."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata
    run = _stored_run(nb)
    if run is not None:
        required = {"profile", "models", "data", "date", "seconds"}  # + load and together since 2026-12-07
        assert required <= set(run) <= required | {"load", "together"} and run["profile"] == "offline"
        labels = [c for c in nb.cells if "stored-run-label" in c.metadata.get("tags", [])]
        assert len(labels) == 1 and run["date"] in labels[0].source and run["models"] in labels[0].source
        assert f"The run took {run['seconds']:.0f} s" in labels[0].source  # measured by the refresh
        if "load" in run:
            assert f"(load average {run['load']:.1f} at its start)" in labels[0].source
            assert ("one after another" if run["together"] else "this lesson run alone") in labels[0].source
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not markers_in(cell.source), (
            f"nbval marker left in the code, run scripts/tag_checked_cells.py: {cell.source[:60]!r}")
        checked = CHECK_TAG in cell.metadata.get("tags", [])
        if cell.outputs:
            assert checked or run is not None, f"unchecked cell keeps outputs: {cell.source[:60]!r}"
            assert cell.execution_count, "nbval refuses outputs on a cell with no execution count"
            assert all(o.output_type != "error" for o in cell.outputs)
            for output in cell.outputs:
                assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {})
                # 60 dpi (scripts/stored_figures.matplotlibrc): a strip of photos is about 280 KB of base64
                assert len(output.get("data", {}).get("image/png", "")) < 350_000, "figure too large"
        if checked:
            assert cell.outputs, f"checked cell has no stored output: {cell.source[:60]!r}"
    text = path.read_text()
    assert len(text) < 2_000_000, "stored notebook over 2 MB"
    assert not re.search(r"/(root|tmp|work|home)/", text), "a machine path leaked into the notebook"


def test_nbval_lax_compares_exactly_the_tagged_cells(tmp_path):
    """The tag does what the comment marker did: under --nbval-lax a tagged cell whose output
    differs from the stored one fails, an untagged one passes."""
    def cell(tags: list[str]) -> nbformat.NotebookNode:
        stored = nbformat.v4.new_output("stream", name="stdout", text="5\n")
        return nbformat.v4.new_code_cell("print(2 + 2)", execution_count=1, outputs=[stored],
                                         metadata={"tags": tags})
    nb = nbformat.v4.new_notebook(cells=[cell([CHECK_TAG]), cell([])])
    nbformat.write(nb, tmp_path / "tagged.ipynb")
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
                             "-p", "no:cacheprovider", "tagged.ipynb"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-2000:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_on_colab(path):
    nb = nbformat.read(path, as_version=4)
    badge = f"https://colab.research.google.com/github/{REPO_URL.removeprefix('https://github.com/')}"
    assert f"{badge}/blob/main/notebooks/{path.name}" in nb.cells[0].source
    setup = next(c for c in nb.cells if c.cell_type == "code").source
    assert setup == setup_cell_source(REPO_URL), "run scripts/colab_setup_cell.py"


def test_colab_cell_installs_only_what_is_missing():
    """On Colab only: once, with pyproject's ranges, holding Colab's TensorFlow, transformers,
    huggingface_hub and torch at the versions Colab has (a constraint file; no forced upgrade)."""
    setup = setup_cell_source(REPO_URL)
    lines = setup.splitlines()
    install = next(line for line in lines if "%pip install" in line)
    condition = next(line for line in lines if line.startswith("if "))
    assert '"google.colab" in sys.modules' in condition and 'find_spec("tlutils") is None' in condition
    assert lines.index(condition) < lines.index(install) and install.startswith("    ")
    assert install.strip() == f'%pip install -q -c colab-keeps.txt "tlutils @ git+{REPO_URL}"'
    assert '("tensorflow", "transformers", "huggingface_hub", "torch")' in setup
    assert "--upgrade" not in setup and "-U " not in setup and "tlutils.setup()" in setup


def test_readme_starts_with_the_two_commands_and_maps_every_lesson():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert [line.strip() for line in first_block.strip().splitlines()[-2:]] == ["make lab", "make test"]
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_second_setup_has_nothing_left_to_do():
    """`make lab` and `make test` reuse .venv: the install step is up to date after one run."""
    result = subprocess.run(["make", "-q", "setup"], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, "make would reinstall: the stamp is older than a pinned file"
