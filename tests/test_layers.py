"""Imports only go downwards through the layers of src/analysis, and no modules import each other in a cycle.

The layers, bottom to top (see src/analysis/__init__.py): core < reference < sources < data < present
< analyses < demo < run < tools. A module may import from its own layer and any layer below, except that
``present`` reads no data: it imports neither ``sources`` nor ``data``.

Every import counts: at the top of a module, inside a function, ``from analysis.x import y`` (the
module ``y`` when it is one), and any string that names an analysis module as a whole
(``importlib.import_module("analysis.x.y")``, ``"analysis.x.y:function"``, a table of command modules),
since such a string is an import made later. So that no import hides behind ``importlib``, a module name
given to an import function is never put together at run time (it is written out in full somewhere), and in
modules that import by a name held in a variable, every ``"analysis.x.y"`` string names a real module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"
LAYERS = ("core", "reference", "sources", "data", "present", "analyses", "demo", "run", "tools")
MODULE_STRING = re.compile(r"^(analysis(?:\.\w+)+)(?::\w+)?$")
# Below it, but still not to be imported: presentation reads no data (what the data is, demo or real and
# how fresh, is passed in by the notebook or the runner).
NOT_IMPORTED = {"present": ("sources", "data")}


def module_names(package: Path) -> dict[str, Path]:
    """``{"analysis.x.y": path}`` for every module of the package (a package is its ``__init__``)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(path: Path, name: str, known: set[str]) -> list[tuple[str, int, str]]:
    """(imported analysis module, line, how) for every import a module makes, wherever it is made."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, f"import {a.name}") for a in node.names if a.name.split(".")[0] == "analysis"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package upwards
                package = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            if base.split(".")[0] != "analysis":
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                target = submodule if submodule in known else base
                found.append((target, node.lineno, f"from {base} import {alias.name}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = MODULE_STRING.match(node.value)
            if match and match.group(1) in known:
                found.append((match.group(1), node.lineno, f"the string {node.value!r}"))
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def import_graph(package: Path) -> tuple[dict[str, Path], dict[str, list[tuple[str, int, str]]]]:
    modules = module_names(package)
    known = set(modules)
    graph = {name: [e for e in imports_of(path, name, known) if e[0] in known] for name, path in modules.items()}
    return modules, graph


def upward_imports(package: Path, layers: tuple[str, ...] = LAYERS, not_imported: dict = NOT_IMPORTED) -> list[str]:
    """One line per import of a higher layer, of a layer in ``not_imported``, or of a module outside every layer."""
    modules, graph = import_graph(package)
    rank = {layer: i for i, layer in enumerate(layers)}
    problems = []
    for name, edges in graph.items():
        here = layer_of(name)
        for target, line, how in edges:
            there = layer_of(target)
            if here is None or target == name.partition(".")[0]:
                if target != name and here is None:
                    problems.append(f"{_where(modules[name], package)}:{line}: the package root imports {target} ({how})")
                continue
            if here not in rank or there not in rank:
                unknown = here if here not in rank else there
                problems.append(f"{_where(modules[name], package)}:{line}: {unknown!r} is not a layer ({', '.join(layers)})")
            elif rank[there] > rank[here]:
                problems.append(
                    f"{_where(modules[name], package)}:{line}: {name} (layer {here}) imports {target} (layer {there}, "
                    f"above it) by {how}; imports only go downwards: {' < '.join(layers)}"
                )
            elif there in not_imported.get(here, ()):
                problems.append(
                    f"{_where(modules[name], package)}:{line}: {name} (layer {here}) imports {target} (layer {there}) "
                    f"by {how}; {here} may not import {' or '.join(not_imported[here])}"
                )
    return problems


def import_cycles(package: Path) -> list[str]:
    """One line per cycle of modules importing each other (each cycle once, with the imports that make it)."""
    modules, graph = import_graph(package)
    edges = {name: {} for name in graph}
    for name, found in graph.items():
        for target, line, how in found:
            if target != name:
                edges[name].setdefault(target, (line, how))
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    problems = []
    for component in components:
        members = set(component)
        links = [
            f"{_where(modules[a], package)}:{line} {a} -> {b} ({how})"
            for a in component for b, (line, how) in sorted(edges[a].items()) if b in members
        ]
        problems.append(f"cycle between {', '.join(component)}: " + "; ".join(links))
    return problems


def _where(path: Path, package: Path) -> str:
    return path.relative_to(package.parent.parent).as_posix() if package.parent.name == "src" else path.name


# --------------------------------------------------------------------------- the package itself


def test_every_module_is_in_a_layer():
    modules = module_names(PACKAGE)
    outside = sorted(n for n in modules if n != "analysis" and layer_of(n) not in LAYERS)
    assert not outside, f"modules outside the layers ({', '.join(LAYERS)}): {outside}"


def test_imports_only_go_downwards():
    problems = upward_imports(PACKAGE)
    assert not problems, "upward imports:\n" + "\n".join(problems)


def test_no_import_cycles():
    problems = import_cycles(PACKAGE)
    assert not problems, "import cycles:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the checks find what they should


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "src" / "analysis"
    for rel, text in {"__init__.py": "", **files}.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


@pytest.mark.parametrize(
    "code, how",
    [
        ("from analysis.run import cli\n", "from analysis.run import cli"),
        ("def f():\n    from analysis.run.cli import main\n    return main\n", "from analysis.run.cli import main"),
        ("import importlib\nMOD = importlib.import_module('analysis.run.cli')\n", "the string 'analysis.run.cli'"),
        ("HOOKS = ('analysis.run.cli:main',)\n", "the string 'analysis.run.cli:main'"),
    ],
)
def test_an_upward_import_is_named_with_its_file_and_line(tmp_path, code, how):
    package = _package(tmp_path, {
        "core/__init__.py": "", "core/paths.py": code, "run/__init__.py": "", "run/cli.py": "def main():\n    pass\n",
    })
    problems = upward_imports(package)
    assert len(problems) == 1, problems
    assert problems[0].startswith("src/analysis/core/paths.py:")
    assert "analysis.core.paths (layer core) imports analysis.run.cli (layer run" in problems[0] and how in problems[0]


def test_presentation_may_not_load_data(tmp_path):
    package = _package(tmp_path, {
        "data/__init__.py": "", "data/load.py": "",
        "present/__init__.py": "", "present/report.py": "def header():\n    from analysis.data import load\n",
    })
    problems = upward_imports(package)
    assert len(problems) == 1 and "src/analysis/present/report.py:2:" in problems[0]
    assert "present may not import sources or data" in problems[0]


def test_a_cycle_is_found_also_through_a_string(tmp_path):
    package = _package(tmp_path, {
        "sources/__init__.py": "",
        "sources/fetch.py": "SOURCES = {'jobindsats': 'analysis.sources.api'}\n",
        "sources/api.py": "def f():\n    from analysis.sources import fetch\n",
        "sources/fetching.py": "",
    })
    assert upward_imports(package) == []
    problems = import_cycles(package)
    assert len(problems) == 1
    assert "cycle between analysis.sources.api, analysis.sources.fetch" in problems[0]
    assert "analysis.sources.fetch -> analysis.sources.api (the string 'analysis.sources.api')" in problems[0]


def test_downward_and_same_layer_imports_are_fine(tmp_path):
    package = _package(tmp_path, {
        "core/__init__.py": "", "core/errors.py": "",
        "present/__init__.py": "", "present/report.py": "from analysis.core import errors\nfrom analysis.present import charts\n",
        "present/charts.py": "import analysis.core.errors\nLOGGER = 'analysis.present.charts.nbconvert'\n",
    })
    assert upward_imports(package) == [] and import_cycles(package) == []


# --------------------------------------------------------------------------- imports made by name (importlib)

IMPORT_FUNCTIONS = {"import_module", "__import__", "optional_module", "find_spec"}


def _import_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in IMPORT_FUNCTIONS:
                calls.append(node)
    return calls


def names_built_at_run_time(package: Path) -> list[str]:
    """Imports by name whose module name is put together at run time (an f-string, ``+``, ``%``, ``.format``,
    ``.join``): such a module is named nowhere in full, so the layer and cycle checks above cannot see the import."""
    problems = []
    for name, path in module_names(package).items():
        for call in _import_calls(ast.parse(path.read_text(encoding="utf-8"))):
            built = [n for n in ast.walk(call.args[0]) if isinstance(n, (ast.JoinedStr, ast.BinOp, ast.Call))]
            if built:
                problems.append(
                    f"{_where(path, package)}:{call.lineno}: {name} imports a module whose name is built at run time "
                    f"({ast.unparse(call.args[0])}); write each module's full name as a string (e.g. in a table)"
                )
    return problems


def unknown_module_strings(package: Path) -> list[str]:
    """In modules that import by a name held in a variable, every ``"analysis.x.y"`` (or ``"analysis.x.y:function"``)
    string must name a module of the package (and a function it defines): a stale name is an import the checks miss,
    and an optional import that silently finds nothing."""
    modules = module_names(package)
    problems = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(not isinstance(c.args[0], ast.Constant) for c in _import_calls(tree)):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            match = MODULE_STRING.match(node.value)
            if not match:
                continue
            target, _, function = node.value.partition(":")
            if target not in modules:
                problems.append(f"{_where(path, package)}:{node.lineno}: {node.value!r} names no module of the package")
            elif function and function not in {
                n.name for n in ast.parse(modules[target].read_text(encoding="utf-8")).body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            }:
                problems.append(f"{_where(path, package)}:{node.lineno}: {node.value!r}: {target} defines no {function}")
    return problems


def test_modules_imported_by_name_are_named_in_full():
    problems = names_built_at_run_time(PACKAGE)
    assert not problems, "\n".join(problems)


def test_module_names_for_importlib_name_real_modules():
    problems = unknown_module_strings(PACKAGE)
    assert not problems, "\n".join(problems)


def test_a_module_name_built_at_run_time_is_found(tmp_path):
    package = _package(tmp_path, {
        "sources/__init__.py": "",
        "sources/fetch.py": "import importlib\n\ndef load(kind):\n    return importlib.import_module(f'analysis.sources.{kind}.api')\n",
        "sources/table.py": "import importlib\nSOURCES = {'a': 'analysis.sources.fetch'}\n\ndef load(k):\n    return importlib.import_module(SOURCES[k])\n",
    })
    problems = names_built_at_run_time(package)
    assert len(problems) == 1 and "src/analysis/sources/fetch.py:4:" in problems[0]
    assert "f'analysis.sources.{kind}.api'" in problems[0]


def test_a_stale_module_name_is_found(tmp_path):
    package = _package(tmp_path, {
        "demo/__init__.py": "",
        "demo/hooks.py": "def add():\n    pass\n",
        "demo/dataset.py": (
            "from importlib import import_module\n"
            "HOOKS = ('analysis.demo.hooks:add', 'analysis.demo.hooks:gone', 'analysis.demo.renamed:add')\n"
            "def run():\n    for h in HOOKS:\n        import_module(h.partition(':')[0])\n"
        ),
    })
    problems = unknown_module_strings(package)
    assert problems == [
        "src/analysis/demo/dataset.py:2: 'analysis.demo.hooks:gone': analysis.demo.hooks defines no gone",
        "src/analysis/demo/dataset.py:2: 'analysis.demo.renamed:add' names no module of the package",
    ]
