"""Every package the code imports is a declared dependency, with a lower bound, in pyproject.toml and environment.yml.

The imports are read from the source, not from a running process: every ``import`` and ``from ... import``
of every module of src/analysis (at the top or inside a function), every module name given to
``importlib.import_module`` as a string (directly, or from a table of names such as the modules the kernel
zygote preloads), and the imports in the notebooks' code cells. Import names are mapped to distributions with
``importlib.metadata.packages_distributions()`` (``yaml`` -> PyYAML, ``IPython`` -> ipython).

A declared dependency that nothing imports is an error too, unless it is in ``NOT_IMPORTED`` with the reason.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from functools import lru_cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml

from analysis.core.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "analysis"
NOTEBOOKS = PROJECT_ROOT / "notebooks"
# Declared, though no module imports them by name: why each is needed.
NOT_IMPORTED = {
    "nbclient": "papermill executes the notebooks with it, and the runner passes its options "
    "(kernel_manager_class, shutdown_kernel) through papermill.execute_notebook",
}
IMPORTERS = {"import_module", "__import__", "optional_module", "find_spec"}
MODULE_NAME = re.compile(r"^([A-Za-z_]\w*(?:\.\w+)*)(?::\w+)?$")  # "pkg.module" or "pkg.module:function"


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalize(re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0])


def _module_name_strings(tree: ast.AST) -> set[str]:
    """Strings given to an import function: literal arguments, and when the argument is computed
    (``import_module(name)``), every string of the module's constant tables that names an installed
    module (``"pyarrow.parquet"``, ``"analysis.x.y:function"``; not every word of such a table)."""
    found: set[str] = set()
    computed = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in IMPORTERS and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
                else:
                    computed = True
    if computed:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
                values = node.values if isinstance(node, ast.Dict) else node.elts
                for v in values:
                    match = MODULE_NAME.match(v.value) if isinstance(v, ast.Constant) and isinstance(v.value, str) else None
                    if match and match.group(1).split(".")[0] in _installed_modules():
                        found.add(match.group(1))
    return found


@lru_cache(maxsize=1)
def _installed_modules() -> frozenset[str]:
    return frozenset(packages_distributions()) | sys.stdlib_module_names | {"analysis"}


def imported_names(tree: ast.AST) -> set[str]:
    """Top-level names of every absolute import in a parsed module, at any depth, and of the module-name strings."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    names |= {s.split(".")[0] for s in _module_name_strings(tree)}
    return names


def _notebook_trees() -> list[tuple[str, ast.AST]]:
    trees = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
                trees.append((f"{path.name} cell {i}", ast.parse(source)))
    return trees


def third_party_imports() -> dict[str, set[str]]:
    """{top-level import name: the files that import it}, stdlib and the package itself left out."""
    where: dict[str, set[str]] = {}
    sources = [(p.relative_to(PROJECT_ROOT).as_posix(), ast.parse(p.read_text(encoding="utf-8"))) for p in PACKAGE.rglob("*.py")]
    for label, tree in sources + _notebook_trees():
        for name in imported_names(tree):
            if name not in sys.stdlib_module_names and name != "analysis" and name != "__future__":
                where.setdefault(name, set()).add(label)
    return where


def declared() -> tuple[dict[str, str], dict[str, str]]:
    """({distribution: requirement} of pyproject.toml's dependencies, the same of environment.yml's conda list)."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pyproject = {requirement_name(r): r for r in project["dependencies"]}
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    test_extra = {requirement_name(r) for r in project.get("optional-dependencies", {}).get("test", [])}
    conda = {
        requirement_name(d): d for d in env["dependencies"]
        if isinstance(d, str) and requirement_name(d) not in {"python", "pip"} | test_extra
    }
    return pyproject, conda


def imported_distributions() -> dict[str, set[str]]:
    """{distribution: the files that import it}; fails for an import no installed distribution provides."""
    by_module = packages_distributions()
    found: dict[str, set[str]] = {}
    unknown = []
    for module, files in third_party_imports().items():
        dists = by_module.get(module)
        if not dists:
            unknown.append(f"{module} (imported by {', '.join(sorted(files))})")
            continue
        for dist in dists:
            found.setdefault(normalize(dist), set()).update(files)
    assert not unknown, "imports that no installed distribution provides: " + "; ".join(unknown)
    return found


@pytest.mark.parametrize("which", ["pyproject.toml", "environment.yml"])
def test_every_import_is_declared_and_every_declared_package_is_imported(which):
    pyproject, conda = declared()
    listed = pyproject if which == "pyproject.toml" else conda
    imported = imported_distributions()
    missing = sorted(f"{d} (imported by {', '.join(sorted(files)[:3])})" for d, files in imported.items() if d not in listed)
    assert not missing, f"imported but not declared in {which}: " + "; ".join(missing)
    unused = sorted(d for d in listed if d not in imported and d not in NOT_IMPORTED)
    assert not unused, f"declared in {which} but imported nowhere (remove it, or add it to NOT_IMPORTED with the reason): {unused}"


def test_every_dependency_has_a_lower_bound():
    pyproject, conda = declared()
    for which, listed in (("pyproject.toml", pyproject), ("environment.yml", conda)):
        unbounded = sorted(r for r in listed.values() if ">=" not in r)
        assert not unbounded, f"{which}: dependencies without a lower bound (>=): {unbounded}"


def test_the_allow_list_names_declared_packages_with_a_reason():
    pyproject, _ = declared()
    assert set(NOT_IMPORTED) <= set(pyproject), "NOT_IMPORTED names a package that is not declared"
    assert all(len(reason) > 20 for reason in NOT_IMPORTED.values())


def test_the_import_walk_finds_every_kind_of_import():
    code = """
import numpy as np
from pandas.api import types
import importlib

def later():
    import scipy.stats
    from matplotlib import pyplot

MOD = importlib.import_module("yaml")
PRELOAD = ("babel.numbers", "IPython")

def preload(names=PRELOAD):
    for name in names:
        importlib.import_module(name)

from . import sibling
import os
"""
    assert imported_names(ast.parse(code)) == {"numpy", "pandas", "importlib", "scipy", "matplotlib", "yaml", "babel", "IPython", "os"}
