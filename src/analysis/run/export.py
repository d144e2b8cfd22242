"""One report's files for readers: the self-contained HTML page (leadership, analyst or failure
variant, through nbconvert and the template in :data:`analysis.present.TEMPLATE_DIR`) and the Excel
workbook of its key tables.

Leadership HTML
---------------
No code, no prompts; stderr streams, warnings, tracebacks and matplotlib object reprs are
removed; cells tagged ``remove-cell`` are dropped (``remove-input``/``remove-output`` as in
nbconvert). Figures are embedded PNGs and the page loads nothing from the network. A table
of contents is added after the title block when a report has three or more ``##`` headings.
The title block, municipality, period, data source and demo banner come from
:func:`analysis.present.report.header`, which every notebook calls first.

Excel
-----
One workbook per notebook (``<notebook>.xlsx``) from its key tables on disk (``tables/<notebook>__*.csv``
and their JSON sidecars, :func:`analysis.present.report.save_table`): one sheet per table, Danish headings.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from pathlib import Path

from analysis.present import TEMPLATE_DIR
from analysis.run.results import Result, header_meta

TEMPLATE_NAME = "analysis_report"
TOC_MARKER = "<!--analysis-toc-->"
TOC_MIN_HEADINGS = 3


# ----------------------------------------------------------------------------- HTML export


_MPL_REPR = re.compile(r"^\[?<(matplotlib|Figure|Axes|AxesSubplot)[^>]*>(, <[^>]*>)*\]?$|^(Text|Line2D)\(.*\)$", re.S)
_WARNING_LINE = re.compile(r"^(\S*:\d+: )?\w*Warning: ")


def _leadership_cells(nb, *, keep_errors: bool):
    """Filter cells/outputs in place for the leadership variant (see the module docstring)."""
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters", "remove-cell", "remove_cell"}:
            continue
        if cell.cell_type == "markdown" and "papermill-error-cell-tag" in tags:
            continue
        if cell.cell_type == "code":
            if tags & {"remove-output", "remove_output"}:
                cell.outputs = []
            kept = []
            for output in cell.get("outputs", []):
                kind = output.get("output_type")
                if kind == "stream":
                    if output.get("name") == "stderr":
                        continue
                    text = "".join(l for l in output.get("text", "").splitlines(True) if not _WARNING_LINE.match(l))
                    if not text.strip():
                        continue
                    output["text"] = text
                elif kind == "error" and not keep_errors:
                    continue
                elif kind == "execute_result":
                    data = output.get("data", {})
                    if set(data) <= {"text/plain"} and _MPL_REPR.match(str(data.get("text/plain", "")).strip()):
                        continue
                kept.append(output)
            cell.outputs = kept
            if not kept:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


def _insert_toc_marker(nb):
    """Put the table-of-contents marker after the header output (or first), as a markdown cell."""
    import nbformat

    marker = nbformat.v4.new_markdown_cell(TOC_MARKER)
    marker.pop("id", None)
    marker["id"] = "analysis-toc"
    at = 0
    for i, cell in enumerate(nb.cells):
        if cell.get("id") == "analysis-header" or cell.cell_type == "code" and any(
            isinstance(o.get("metadata", {}).get("analysis"), dict) for o in cell.get("outputs", [])
        ):
            at = i + 1
            break
    nb.cells.insert(at, marker)
    return nb


_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h2>', re.S)


def _apply_toc(page: str) -> str:
    headings = [(anchor, re.sub(r"<[^>]+>", "", text).strip()) for anchor, text in _H2.findall(page)]
    nav = ""
    if len(headings) >= TOC_MIN_HEADINGS:
        items = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in headings)
        nav = f'<nav class="analysis-toc" aria-label="Indhold"><p>Indhold</p><ol>{items}</ol></nav>'
    page = page.replace(TOC_MARKER, nav, 1).replace(TOC_MARKER, "")
    # nbconvert gives figures without alt text an English placeholder; the reports are Danish.
    return page.replace('alt="No description has been provided for this image"', 'alt="Figur"')


def _failure_cell(result: Result):
    import nbformat

    where = f"celle {result.cell}" if result.cell else "før første celle"
    if result.execution_count:
        where += f" (In [{result.execution_count}])"
    cell = nbformat.v4.new_markdown_cell(
        '<div class="analysis-failed" role="alert"><strong>Rapporten kunne ikke laves.</strong> '
        f"Notebooken <code>{html.escape(result.notebook)}</code> fejlede i {html.escape(where)}: "
        f"<code>{html.escape(result.error)}</code><br>Koden og fejlen er vist nedenfor til analytikeren. "
        "Denne side er ikke til ledelsen.</div>"
    )
    cell["id"] = "analysis-failed"
    return cell


_EXPORTERS: dict[tuple, object] = {}
_EXPORTER_LOCK = threading.Lock()


def _exporter(include_code: bool):
    """An HTMLExporter per thread and variant (exporters are not thread-safe)."""
    key = (threading.get_ident(), include_code)
    with _EXPORTER_LOCK:
        exp = _EXPORTERS.get(key)
    if exp is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        quiet_log = logging.getLogger("analysis.run.export.nbconvert")
        quiet_log.setLevel(logging.ERROR)
        c = Config()
        c.HTMLExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
        c.HTMLExporter.template_name = TEMPLATE_NAME
        c.HTMLExporter.embed_images = True
        c.HTMLExporter.language_code = "da"
        c.HTMLExporter.exclude_input = not include_code
        c.HTMLExporter.exclude_input_prompt = not include_code
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.anchor_link_text = ""
        c.CSSHTMLHeaderPreprocessor.enabled = include_code  # code highlighting styles only where code is shown
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
        c.TagRemovePreprocessor.remove_input_tags = {"remove-input", "remove_input", "hide-input"}
        c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
        exp = HTMLExporter(config=c, log=quiet_log)
        with _EXPORTER_LOCK:
            _EXPORTERS[key] = exp
    return exp


def export_html(
    nb, *, variant: str, title: str, footer: str = "", result: Result | None = None, header: str = ""
) -> str:
    """One self-contained HTML page: variant ``leadership`` (no code), ``analyst`` (code) or ``failed``.

    ``header`` is a title block (HTML) put first when the notebook did not display one with
    :func:`analysis.present.report.header` (so every report names its municipality, period and data,
    with the demo banner where it applies).
    """
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    if header and not header_meta(nb):
        cell = nbformat.v4.new_markdown_cell(header)
        cell["id"] = "analysis-header"
        nb.cells.insert(0, cell)
    if variant == "leadership":
        _leadership_cells(nb, keep_errors=False)
    if variant == "failed" and result is not None:
        nb.cells.insert(0, _failure_cell(result))
    if variant != "failed":
        _insert_toc_marker(nb)
    exporter = _exporter(include_code=variant != "leadership")
    page, _ = exporter.from_notebook_node(nb, resources={"analysis_footer": footer, "metadata": {"name": title}})
    return _apply_toc(page)


# ----------------------------------------------------------------------------- Excel


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Tabel"
    base, i = name, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name.lower())
    return name


def write_workbook(folder: Path, notebook: str) -> Path | None:
    """``<folder>/<notebook>.xlsx`` from ``tables/<notebook>__*.csv`` and their sidecars; None if no tables.

    One sheet per table: Danish headings in bold, the heading row frozen, columns as wide as
    their content (up to 60). Written in openpyxl's streaming mode (a little faster than
    ``DataFrame.to_excel``, and the rows are not all held as cell objects); empty cells stay empty.
    """
    import math

    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    tables = sorted((folder / "tables").glob(f"{notebook}__*.csv"))
    if not tables:
        return None
    target = folder / f"{notebook}.xlsx"
    used: set[str] = set()
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for csv in tables:
        sidecar = csv.with_suffix(".json")
        meta = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else {}
        dtypes = {c["name"]: str for c in meta.get("columns", []) if c.get("dtype") == "object"}
        frame = pd.read_csv(csv, encoding="utf-8", dtype=dtypes, keep_default_na=False, na_values=[""])
        headings = {c["name"]: c.get("heading_da") or c["name"] for c in meta.get("columns", [])}
        frame = frame.rename(columns=headings)
        ws = workbook.create_sheet(_sheet_name(meta.get("title_da") or csv.stem.split("__", 1)[-1], used))
        ws.freeze_panes = "A2"
        for i, column in enumerate(frame.columns, start=1):  # widths must come before the rows in streaming mode
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200).tolist()])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(ws, value=str(column))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in frame.itertuples(index=False, name=None):
            ws.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
    workbook.save(target)
    return target
