"""The modules the notebooks import, found with ``ast`` in the notebooks and in the analysis modules they
use, so the kernel zygote (:mod:`analysis.run.kernels`) can import them once for every kernel.
"""

from __future__ import annotations

from pathlib import Path

# Third-party packages worth importing once in the zygote when the notebooks (or the analysis
# modules they use) import them; anything else is left to the kernels.
HEAVY_PACKAGES = frozenset({"seaborn", "scipy", "statsmodels", "sklearn", "yaml", "openpyxl", "pandera"})


def _python_source(cell_source: str) -> str:
    """A code cell as plain Python (IPython magics and shell escapes turned into calls).

    IPython's transformer (and its import) is only needed for cells with magics or shell escapes.
    """
    if not any(line.lstrip().startswith(("%", "!")) or line.rstrip().endswith("?") for line in cell_source.splitlines()):
        return cell_source
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(cell_source)
    except Exception:  # noqa: BLE001
        return "\n".join(line for line in cell_source.splitlines() if not line.lstrip().startswith(("%", "!")))


def _source_file(name: str) -> Path | None:
    """The file of an analysis module or package (``analysis.present.report`` -> present/report.py), or None."""
    path = Path(__file__).resolve().parents[1].joinpath(*name.split(".")[1:])
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def notebook_cells(notebook_path) -> list[dict]:
    """A notebook's cells read from its JSON as it is (nbformat's schema validation is not needed to read
    them; papermill validates), each source as one string. Raises OSError or ValueError if it cannot be read."""
    import json

    cells = json.loads(Path(notebook_path).read_text(encoding="utf-8")).get("cells", [])
    out = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict):
            source = cell.get("source", "")
            out.append({**cell, "source": "".join(source) if isinstance(source, list) else str(source)})
    return out


def code_cells(notebook_path) -> list[str]:
    """The code cells of a notebook as plain Python (magics turned into calls); [] if it cannot be read."""
    try:
        cells = notebook_cells(notebook_path)
    except (OSError, ValueError, AttributeError):
        return []
    return [_python_source(cell["source"]) for cell in cells if cell.get("cell_type") == "code"]


def notebook_imports(notebook_paths) -> list[str]:
    """The modules the notebooks import, directly or through analysis modules (also inside functions).

    Returns analysis.* modules and modules of :data:`HEAVY_PACKAGES`, in a stable order.
    """
    import ast

    found: dict[str, None] = {}
    todo: list[str] = []
    source_file = _source_file

    def visit(tree) -> None:
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module.split(".")[0] == "analysis":  # `from analysis.present import report`: the module report
                    submodules = [f"{node.module}.{a.name}" for a in node.names]
                    names += [m for m in submodules if source_file(m) is not None]
            for name in names:
                top = name.split(".")[0]
                if (top == "analysis" or top in HEAVY_PACKAGES) and name not in found:
                    found[name] = None
                    if top == "analysis":
                        todo.append(name)

    for path in notebook_paths:
        for source in code_cells(path):  # the notebook's JSON as it is (nbformat's validation is not needed)
            try:
                visit(ast.parse(source))
            except SyntaxError:
                continue
    while todo:
        name = todo.pop()
        source = source_file(name)
        if source is not None:
            try:
                visit(ast.parse(source.read_text(encoding="utf-8")))
            except SyntaxError:
                continue
    return sorted(n for n in found if n != "analysis")


def common_imports(by_notebook: dict[str, list[str]]) -> list[str]:
    """What every notebook imports (of :func:`imports_by_notebook`'s answer), in the first one's order."""
    lists = list(by_notebook.values())
    return [m for m in lists[0] if all(m in other for other in lists[1:])] if lists else []


def imports_by_notebook(notebook_paths) -> dict[str, list[str]]:
    """For each notebook (by file stem), what its run imports, for warming a kernel ahead of it
    (:class:`analysis.run.kernel_adapter.KernelPool`): analysis modules and :data:`HEAVY_PACKAGES`.

    Module-level imports are followed through every analysis module; imports inside functions only in
    the modules the notebook imports itself and their packages' modules (``from analysis.analyses import
    trends`` counts ``trends.figures``' seaborn; key figures, which use trends' computations but not
    its figures, do not). A guess: a module missed is imported by the notebook, one too many costs time.
    """
    import ast

    parsed: dict[str, tuple[list[str], list[str]] | None] = {}
    source_file = _source_file

    def names_of(node, module: str | None) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and module:  # relative: from .compute import x (in a package's module)
                parts = module.split(".")
                is_package = source_file(module) is not None and source_file(module).name == "__init__.py"
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            names = [base] if base else []
            if base.split(".")[0] == "analysis":
                names += [f"{base}.{a.name}" for a in node.names if source_file(f"{base}.{a.name}") is not None]
            return names
        return []

    def imports_of(tree, module: str | None) -> tuple[list[str], list[str]]:
        """(module-level imports, imports inside functions) of a module's or a cell's syntax tree."""
        top: list[str] = []
        inner: list[str] = []

        def walk(statements, in_function: bool) -> None:  # statements only: an import is one
            for statement in statements:
                if isinstance(statement, (ast.Import, ast.ImportFrom)):
                    (inner if in_function else top).extend(names_of(statement, module))
                    continue
                nested = in_function or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                    block = getattr(statement, field, None)
                    if isinstance(block, list):
                        walk(block, nested)

        walk(tree.body, False)
        return top, inner

    def used_by_name(tree) -> list[str]:
        """The analysis modules a notebook's code uses by name: ``from analysis.analyses import trends`` names
        trends, not the package analysis.analyses (whose other modules it merely loads)."""
        used = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                used += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [f"{node.module}.{a.name}" for a in node.names if source_file(f"{node.module}.{a.name}")]
                used += modules if len(modules) == len(node.names) else [node.module, *modules]
        return [n for n in used if n.split(".")[0] == "analysis"]

    def module_imports(name: str) -> tuple[list[str], list[str]]:
        if name not in parsed:
            source = source_file(name)
            try:
                parsed[name] = imports_of(ast.parse(source.read_text(encoding="utf-8")), name) if source else ([], [])
            except (SyntaxError, OSError, UnicodeDecodeError):
                parsed[name] = ([], [])
        return parsed[name]

    def wanted(name: str) -> bool:
        top = name.split(".")[0]
        return top == "analysis" or top in HEAVY_PACKAGES

    result: dict[str, list[str]] = {}
    for path in notebook_paths:
        path = Path(path)
        direct: list[str] = []
        own: list[str] = []
        for source in code_cells(path):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            top, inner = imports_of(tree, None)
            direct += top + inner
            own += used_by_name(tree)
        found: dict[str, None] = {}
        todo = [n for n in direct if wanted(n)]
        while todo:
            name = todo.pop(0)
            if name in found:
                continue
            found[name] = None
            if name.split(".")[0] != "analysis":
                continue
            top, inner = module_imports(name)
            follow = top + (inner if any(name == d or name.startswith(d + ".") for d in own) else [])
            todo += [n for n in follow if wanted(n) and n not in found]
        result[path.stem] = [n for n in found if n != "analysis"]
    return result
