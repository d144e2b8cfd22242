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


def notebook_imports(notebook_paths) -> list[str]:
    """The modules the notebooks import, directly or through analysis modules (also inside functions).

    Returns analysis.* modules and modules of :data:`HEAVY_PACKAGES`, in a stable order.
    """
    import ast
    import json

    package_dir = Path(__file__).resolve().parents[1]  # the analysis package
    found: dict[str, None] = {}
    todo: list[str] = []

    def source_file(name: str) -> Path | None:
        """The file of an analysis module or package (``analysis.present.report`` -> present/report.py)."""
        path = package_dir.joinpath(*name.split(".")[1:])
        for candidate in (path.with_suffix(".py"), path / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

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
        try:  # the notebook's JSON as it is (nbformat's validation is not needed to find imports)
            cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        except Exception:  # noqa: BLE001
            continue
        for cell in cells:
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                try:
                    visit(ast.parse(_python_source("".join(source) if isinstance(source, list) else source)))
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
