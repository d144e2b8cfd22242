"""One report's files for readers: the self-contained HTML page (leadership or analyst variant, through
nbconvert, the template in :data:`analysis.present.TEMPLATE_DIR` and the stylesheet of
:mod:`analysis.present.styles`) and the Excel workbook of its key tables.

Leadership HTML
---------------
No code, no prompts; stderr streams, warnings, tracebacks and matplotlib object reprs are
removed; cells tagged ``remove-cell`` are dropped (``remove-input``/``remove-output`` as in
nbconvert): the :class:`LeadershipFilter` preprocessor. Figures are embedded PNGs and the page
loads nothing from the network. A table of contents of the notebook's ``##`` headings is put
after the title block when a report has three or more (:class:`TableOfContents`). The title
block, municipality, period, data source and demo banner come from
:func:`analysis.present.report.header`, which every notebook calls first.

A report that failed
--------------------
Both variants open with a Danish banner (:class:`FailureNotice`). The leadership page names the
section that could not be made (the nearest heading above the failing cell), shows the sections
made before it and says what the analyst should do; it shows no code, no error message, no
traceback and no paths. The analyst page (``--with-code``) shows the error, the code and the
traceback; so do the executed notebook beside it and the run's summary.

Excel
-----
One workbook per notebook (``<notebook>.xlsx``) from its key tables on disk (``tables/<notebook>__*.csv``
and their JSON sidecars, :func:`analysis.present.report.save_table`): one sheet per table, Danish headings.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Int

from analysis.core import paths
from analysis.present import TEMPLATE_DIR, report, styles
from analysis.run.results import Result, header_meta

TEMPLATE_NAME = "analysis_report"
TOC_CELL_ID = "analysis-toc"
FAILURE_CELL_ID = "analysis-failed"
HEADER_CELL_ID = "analysis-header"
TOC_MIN_HEADINGS = 3


# ----------------------------------------------------------------------------- notebook structure


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def markdown_headings(source: str) -> list[tuple[int, str]]:
    """``[(level, markdown text)]`` of the ATX headings (``## Text``) in one markdown cell, outside code fences."""
    found, fence = [], None
    for line in source.splitlines():
        m = _FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)[0]
            elif m.group(1)[0] == fence:
                fence = None
            continue
        if fence is None and (m := _HEADING.match(line)):
            found.append((len(m.group(1)), m.group(2)))
    return found


def heading_anchor(level: int, text: str) -> tuple[str, str]:
    """(id, plain text) nbconvert gives the heading ``text`` of ``level``: rendered by nbconvert's own
    markdown filter, so the id is the one the page's heading gets."""
    from xml.etree import ElementTree

    from nbconvert.filters import markdown2html_mistune

    rendered = markdown2html_mistune(f"{'#' * level} {text}")
    try:
        element = ElementTree.fromstring(rendered)
    except ElementTree.ParseError:
        return "", text
    for link in element.findall("a"):
        if link.get("class") == "anchor-link":
            element.remove(link)
    return element.get("id", ""), "".join(element.itertext()).strip()


def failing_cell(nb) -> int | None:
    """Index in ``nb.cells`` of the first code cell that raised (or did not finish), or None."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return i
    return None


def section_of(nb, index: int) -> str:
    """The plain text of the nearest heading above cell ``index`` ("" if there is none)."""
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "markdown":
            headings = markdown_headings(cell.source)
            if headings:
                return heading_anchor(*headings[-1])[1]
    return ""


def _after_header(nb) -> int:
    """Index just after the title block (the report.header output or the inserted header cell), else 0."""
    for i, cell in enumerate(nb.cells):
        if cell.get("id") == HEADER_CELL_ID or cell.cell_type == "code" and any(
            isinstance(o.get("metadata", {}).get("analysis"), dict) for o in cell.get("outputs", [])
        ):
            return i + 1
    return 0


def _marker_cell(cell_id: str):
    import nbformat

    cell = nbformat.v4.new_markdown_cell("")
    cell["id"] = cell_id
    return cell


# ----------------------------------------------------------------------------- preprocessors


_MPL_REPR = re.compile(r"^\[?<(matplotlib|Figure|Axes|AxesSubplot)[^>]*>(, <[^>]*>)*\]?$|^(Text|Line2D)\(.*\)$", re.S)
_WARNING_LINE = re.compile(r"^(\S*:\d+: )?\w*Warning: ")


class LeadershipFilter(Preprocessor):
    """The leadership variant: drops the parameters cells, Papermill's error marker, cells tagged
    ``remove-cell``, stderr, warning lines, errors and matplotlib object reprs; a code cell left
    with no output is dropped. (Inputs and prompts are hidden by the exporter's own settings.)"""

    def preprocess(self, nb, resources):
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
                cell.outputs = [o for o in cell.get("outputs", []) if self._keep(o)]
                if not cell.outputs:
                    continue
            cells.append(cell)
        nb.cells = cells
        return nb, resources

    @staticmethod
    def _keep(output) -> bool:
        kind = output.get("output_type")
        if kind == "error":
            return False
        if kind == "stream":
            if output.get("name") == "stderr":
                return False
            text = "".join(line for line in output.get("text", "").splitlines(True) if not _WARNING_LINE.match(line))
            output["text"] = text
            return bool(text.strip())
        if kind == "execute_result":
            data = output.get("data", {})
            if set(data) <= {"text/plain"} and _MPL_REPR.match(str(data.get("text/plain", "")).strip()):
                return False
        return True


class FailureNotice(Preprocessor):
    """A report that failed (``resources["analysis_failure"]``, from :func:`export_html`): a banner cell
    first, rendered by the template. For leadership (``leadership = True``) the failing cell and every
    cell after it are dropped and the banner names the section that could not be made."""

    leadership = Bool(False, help="the leadership variant: no error text, nothing from the failing cell on").tag(config=True)

    def preprocess(self, nb, resources):
        failure = resources.get("analysis_failure")
        if not failure:
            return nb, resources
        index = failing_cell(nb)
        if index is not None:
            failure["section"] = section_of(nb, index)
            if self.leadership:
                nb.cells = nb.cells[:index]
        failure["made_before"] = any(c.cell_type == "code" and c.get("outputs") for c in nb.cells)
        nb.cells.insert(0, _marker_cell(FAILURE_CELL_ID))
        return nb, resources


class TableOfContents(Preprocessor):
    """``resources["analysis_toc"]``: ``[(anchor, text)]`` of the notebook's ``##`` headings, in notebook
    order, when there are at least :attr:`min_headings`; a marker cell after the title block tells the
    template where to put it. No table of contents on a failure page."""

    min_headings = Int(TOC_MIN_HEADINGS).tag(config=True)

    def preprocess(self, nb, resources):
        resources["analysis_toc"] = []
        if resources.get("analysis_failure"):
            return nb, resources
        entries = [
            heading_anchor(level, text)
            for cell in nb.cells
            if cell.cell_type == "markdown"
            for level, text in markdown_headings(cell.source)
            if level == 2
        ]
        if len(entries) >= self.min_headings:
            resources["analysis_toc"] = entries
            nb.cells.insert(_after_header(nb), _marker_cell(TOC_CELL_ID))
        return nb, resources


# ----------------------------------------------------------------------------- HTML export


_EXPORTERS: dict[bool, object] = {}
# Exporters are not thread-safe: one per variant, used by one thread at a time (an export is Python work
# that holds the GIL anyway). One exporter means its templates are compiled once per run, not once per thread.
_EXPORTER_LOCK = threading.RLock()


def _exporter(include_code: bool):
    """The HTMLExporter of a variant (call it holding ``_EXPORTER_LOCK``)."""
    key = include_code
    exp = _EXPORTERS.get(key)
    if exp is None:
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
        # Not empty: nbconvert writes an empty anchor as "<a ... />", which HTML reads as an open
        # link around the rest of the page (hidden with the anchor by the stylesheet). The "¶" is
        # hidden on screen and paper (a.anchor-link in analysis.css).
        c.HTMLExporter.anchor_link_text = "¶"
        c.CSSHTMLHeaderPreprocessor.enabled = include_code  # code highlighting styles only where code is shown
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
        c.TagRemovePreprocessor.remove_input_tags = {"remove-input", "remove_input", "hide-input"}
        c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
        exp = _report_exporter_class()(config=c, log=quiet_log)
        exp.register_preprocessor(FailureNotice(leadership=not include_code), enabled=True)
        if not include_code:
            exp.register_preprocessor(LeadershipFilter(), enabled=True)
        exp.register_preprocessor(TableOfContents(), enabled=True)
        _EXPORTERS[key] = exp
    return exp


@lru_cache(maxsize=1)
def _report_exporter_class():
    """nbconvert's HTMLExporter without its final pass over the finished page.

    ``HTMLExporter.from_notebook_node`` renders the template and then parses the whole page
    (megabytes of embedded PNGs) with BeautifulSoup, only to add ``alt`` text to images and
    ``tabindex`` to JupyterLab's cell wrappers; that pass took about half of a report's export
    time. Our template writes the ``alt`` text itself (analysis_report/index.html.j2), and the
    reports have no interactive cells to focus. So the page is rendered by the template exporter
    (public API) with the two filters the lab templates use registered once, as HTMLExporter
    would register them: code highlighting for Python and the display-priority data type filter.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters import TemplateExporter
    from nbconvert.filters import DataTypeFilter, Highlight2HTML

    class ReportHTMLExporter(HTMLExporter):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self))
            self.register_filter("filter_data_type", DataTypeFilter(parent=self))

        def from_notebook_node(self, nb, resources=None, **kw):
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportHTMLExporter


def _failure(result: Result) -> dict:
    """What the failure banner says (the template chooses per variant what to show)."""
    where = f"celle {result.cell}" if result.cell else "før første celle"
    if result.execution_count:
        where += f" (In [{result.execution_count}])"
    return {"notebook": result.notebook, "code": result.code, "where": where, "error": result.error,
            "section": "", "made_before": False}


def export_html(
    nb, *, variant: str, title: str, footer: str = "", result: Result | None = None, header: str = ""
) -> str:
    """One self-contained HTML page: variant ``leadership`` (no code) or ``analyst`` (code).

    ``result`` of a report that failed makes it a failure page (see the module docstring).
    ``header`` is a title block (HTML) put first when the notebook did not display one with
    :func:`analysis.present.report.header` (so every report names its municipality, period and data,
    with the demo banner where it applies).
    """
    import copy

    import nbformat

    if variant not in ("leadership", "analyst"):
        raise ValueError(f"unknown HTML variant {variant!r}; expected 'leadership' or 'analyst'")
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    if header and not header_meta(nb):
        cell = nbformat.v4.new_markdown_cell(header)
        cell["id"] = HEADER_CELL_ID
        nb.cells.insert(0, cell)
    demo = (header_meta(nb).get("source") or ("demo" if report.DEMO_TEXT in header else "real")) not in paths.REAL_DATA
    resources = {
        "analysis_footer": footer,
        "analysis_stylesheet": styles.stylesheet(),
        "analysis_page_rules": styles.page_rules(title, report.DEMO_TEXT if demo else ""),
        "metadata": {"name": title},
    }
    if result is not None and result.status != "ok":
        resources["analysis_failure"] = _failure(result)
    with _EXPORTER_LOCK:
        page, _ = _exporter(include_code=variant == "analyst").from_notebook_node(nb, resources=resources)
    return page


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
