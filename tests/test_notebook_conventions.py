"""Conventions every report notebook follows (see the module docstring of analysis.run.execute).

Checked for every notebook in notebooks/ (and the runner's test fixtures in tests/notebooks/):

- valid nbformat 4 with the ``python3`` kernelspec;
- exactly one code cell tagged ``parameters``, before any other code cell;
- the parameters cell holds literal assignments only (checked with ``ast``) and defines the
  five standard parameters with usable defaults (``output_dir = ""`` so interactive runs write nothing);
- Papermill's own parser understands every parameter (so ``papermill --help-notebook`` and
  ``-p name value`` work): no ``=`` inside the comments of the parameters cell;
- committed without outputs and without execution counts;
- each project notebook's own parameters (:data:`OWN_PARAMETERS`) with the defaults the
  reports are written for;
- notebooks are narration (the project's notebooks and the example of docs/adding-an-analysis.md):
  no ``def`` or ``class`` (logic lives in the package, where it is tested), no code cell longer
  than :data:`MAX_CELL_LINES` lines, tables shown and saved through their spec in one call
  (``report.table``/``report.export_table``, never ``show_table``/``save_table`` with headings spelled
  out in the notebook); and the project's notebooks together have at most :data:`MAX_TOTAL_LINES`
  code lines (non-blank lines of code cells).

Passes when notebooks/ is empty.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIXTURES = sorted((ROOT / "tests" / "notebooks").glob("*.ipynb"))
EXAMPLES = sorted((ROOT / "tests" / "example_analysis").glob("*.ipynb"))  # docs/adding-an-analysis.md
ALL = [p for p in NOTEBOOKS + FIXTURES + EXAMPLES if ".ipynb_checkpoints" not in p.parts]
REPORTS = [p for p in NOTEBOOKS + EXAMPLES if ".ipynb_checkpoints" not in p.parts]
MAX_CELL_LINES = 12
MAX_TOTAL_LINES = 374  # half of the 749 the four notebooks had before issue 13
STANDARD = {"municipality": str, "period": str, "source": str, "comparison_area": str, "output_dir": str}
# The parameters each project notebook adds after the standard five, with their defaults.
OWN_PARAMETERS = {
    "benchmark_ranking": {"first_period": "", "rates_file": "", "rate_overrides": {}},
    "business_programs": {"min_cell": 5, "quarters": 8},
    "quarterly_key_figures": {"targets_file": ""},
    "target_group_trends": {"base_period": "2021M01", "target_groups": "", "exclude_municipality": True},
}


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _parameters_cells(nb):
    return [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


def _literal_assignments(source: str, where: str) -> dict:
    """{name: value} of a parameters cell; fails on anything but `name = <literal>` (annotations allowed)."""
    tree = ast.parse(source)
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        else:
            pytest.fail(f"{where}: line {node.lineno} of the parameters cell is not `name = <literal>`")
        try:
            values[target] = ast.literal_eval(value)
        except ValueError:
            pytest.fail(f"{where}: parameter {target!r} (line {node.lineno}) is not a literal; compute derived values in a later cell")
    return values


def test_notebook_folder_may_be_empty():
    """The convention tests run (and pass) whether or not notebooks/ has notebooks yet."""
    assert all(p.suffix == ".ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_format_and_kernelspec(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    kernelspec = nb.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", f"{_id(path)}: kernelspec must be python3, is {kernelspec.get('name')!r}"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_one_parameters_cell_with_literal_defaults(path):
    nb = nbformat.read(path, as_version=4)
    cells = _parameters_cells(nb)
    assert len(cells) == 1, f"{_id(path)}: expected exactly one cell tagged 'parameters', found {len(cells)}"
    cell = cells[0]
    assert cell.cell_type == "code", f"{_id(path)}: the 'parameters' cell must be a code cell"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code is cell, f"{_id(path)}: the parameters cell must come before any other code cell"
    values = _literal_assignments(cell.source, _id(path))
    for name, kind in STANDARD.items():
        assert name in values, f"{_id(path)}: the parameters cell lacks {name!r}"
        assert isinstance(values[name], kind), f"{_id(path)}: {name} must default to a {kind.__name__}"
    assert values["municipality"], f"{_id(path)}: municipality needs a default (e.g. \"Slagelse\")"
    assert values["source"] in ("", "demo", "real"), f"{_id(path)}: source must default to '', 'demo' or 'real'"
    assert values["output_dir"] == "", f"{_id(path)}: output_dir must default to \"\" (interactive runs write nothing)"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_papermill_understands_the_parameters(path):
    from papermill.translators import PythonTranslator

    nb = nbformat.read(path, as_version=4)
    cell = _parameters_cells(nb)[0]
    assigned = set(_literal_assignments(cell.source, _id(path)))
    found = {p.name for p in PythonTranslator.inspect(cell)}
    missing = sorted(assigned - found)
    assert not missing, (
        f"{_id(path)}: papermill cannot parse parameter(s) {missing}; keep '=' out of the comments "
        "of the parameters cell (papermill skips lines with two '=')"
    )


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        assert not cell.get("outputs"), f"{_id(path)}: cell {i} has outputs; clear them before committing"
        assert cell.get("execution_count") is None, f"{_id(path)}: cell {i} has an execution count; clear outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_own_parameters_and_defaults(path):
    assert path.stem in OWN_PARAMETERS, f"{_id(path)}: add its parameters to OWN_PARAMETERS in this test"
    cell = _parameters_cells(nbformat.read(path, as_version=4))[0]
    values = _literal_assignments(cell.source, _id(path))
    assert list(values)[: len(STANDARD)] == list(STANDARD), f"{_id(path)}: the five standard parameters come first"
    assert values["municipality"] == "Slagelse" and all(values[k] == "" for k in list(STANDARD)[1:])
    own = {k: v for k, v in values.items() if k not in STANDARD}
    assert own == OWN_PARAMETERS[path.stem]


def _code_cells(path: Path):
    """(number, source) of each code cell, counted from 1 over all cells."""
    nb = nbformat.read(path, as_version=4)
    return [(i, c.source) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]


def _code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip())


@pytest.mark.parametrize("path", REPORTS, ids=_id)
def test_no_functions_or_classes_in_notebooks(path):
    for i, source in _code_cells(path):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                kind = "class" if isinstance(node, ast.ClassDef) else "def"
                pytest.fail(f"{_id(path)}: cell {i} defines {kind} {node.name!r}; move it into the package "
                            "(src/analysis/analyses/<analysis>/) and test it there")


@pytest.mark.parametrize("path", REPORTS, ids=_id)
def test_code_cells_are_short(path):
    long = {i: n for i, source in _code_cells(path) if (n := _code_lines(source)) > MAX_CELL_LINES}
    assert not long, (f"{_id(path)}: code cell(s) longer than {MAX_CELL_LINES} lines {long} (cell: lines); "
                      "split the step, or move the logic into the package")


@pytest.mark.parametrize("path", REPORTS, ids=_id)
def test_tables_are_shown_and_saved_through_their_spec(path):
    for i, source in _code_cells(path):
        for name in ("show_table", "save_table"):
            assert f"report.{name}(" not in source, (
                f"{_id(path)}: cell {i} calls report.{name}; define the table's TableSpec beside the function that "
                "makes it (display.py) and call report.table(frame, spec, output_dir)")


def test_notebooks_together_stay_short():
    counts = {p.stem: sum(_code_lines(s) for _, s in _code_cells(p)) for p in NOTEBOOKS}
    assert sum(counts.values()) <= MAX_TOTAL_LINES, f"{sum(counts.values())} code lines in notebooks/ {counts}"


def test_the_line_counts_see_a_long_cell_and_a_def(tmp_path):
    """The checks above would catch a notebook that breaks them."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f():\n\n    return 1\n" + "x = 1\n" * 12)])
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    ((_, source),) = _code_cells(path)
    assert _code_lines(source) == 14
    assert any(isinstance(n, ast.FunctionDef) for n in ast.walk(ast.parse(source)))
