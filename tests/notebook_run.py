"""Execute a project notebook with Papermill in a test and collect what its reader would see."""

from __future__ import annotations

from pathlib import Path


def run_report_notebook(notebook: Path, tmp_path: Path, name: str, **parameters) -> tuple[Path, str]:
    """Execute ``notebook`` with ``parameters`` (tables to ``tmp_path/name``); returns the tables folder
    and the HTML of every output. Fails on any output but rich display (no printed text, no errors),
    and on a display without a figure or HTML."""
    import nbformat
    import papermill

    out_dir = tmp_path / name
    executed = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(notebook), str(executed), parameters={**parameters, "output_dir": str(out_dir)},
                               kernel_name="python3", progress_bar=False, cwd=str(notebook.parent))
    nb = nbformat.read(executed, as_version=4)
    shown = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            assert output["output_type"] == "display_data", (output["output_type"], str(output.get("text", ""))[:300])
            assert "image/png" in output["data"] or "text/html" in output["data"]
            shown.append(output["data"].get("text/html", ""))
    return out_dir / "tables", "\n".join(shown)
