"""``analysis run``: execute the report notebooks with Papermill and export self-contained HTML reports.

Usage (``make reports`` runs the first line after setting everything up)::

    analysis run                                   # every notebook, Slagelse, the latest period
    analysis run --municipality Roskilde --period 2024Q2 --notebooks benchmark_ranking
    analysis run --municipality 330,Roskilde       # several municipalities (names or kommunekoder)
    analysis run --all-municipalities --jobs 2 --quiet   # all 98, e.g. from cron

Options: ``--municipality NAME|CODE[,...]`` (default Slagelse), ``--all-municipalities``,
``--period CODE`` (the end period; default: the latest complete quarter in the data),
``--notebooks a,b`` (default: every ``notebooks/*.ipynb``), ``--jobs N`` (parallel kernels;
default: the number of cores), ``--source demo|real`` (default: real processed data where
present, else demo), ``--out DIR`` (default ``outputs/``), ``--comparison-area AREA``
(default: each municipality's RAR area), ``--with-code`` (also write the analyst variant),
``--quiet`` (print nothing unless something failed), ``--timeout SECONDS`` (per cell),
``--no-fork`` (start every kernel from scratch, see below), ``--notebooks-dir DIR`` (run
notebooks from another folder; used by the tests).

Output layout::

    outputs/<period>/index.html                              every report, run parameters, data, commit, duration
    outputs/<period>/run.json                                the same, machine-readable
    outputs/<period>/<code>-<name>/<notebook>.html           leadership report (no code)
    outputs/<period>/<code>-<name>/<notebook>.analyst.html   with code, warnings and errors (--with-code)
    outputs/<period>/<code>-<name>/<notebook>.ipynb          the executed notebook
    outputs/<period>/<code>-<name>/<notebook>.xlsx           the notebook's key tables, Danish headings
    outputs/<period>/<code>-<name>/tables/<notebook>__<table>.csv (+ .json)  key tables for machines

CSV files are UTF-8, ``,``-separated, ``.`` decimal point, snake_case columns; each has a
JSON sidecar naming the columns' Danish headings and dtypes (see :mod:`analysis.present.report`).

Notebook parameter convention (tests/test_notebook_conventions.py enforces it)
-----------------------------------------------------------------------------
Every notebook has exactly one code cell tagged ``parameters`` holding *literals only*,
with defaults that run as they are (open in JupyterLab, run all)::

    municipality = "Slagelse"   # name or kommunekode
    period = ""                 # end period code; empty: the latest in the data
    source = ""                 # "demo", "real" or empty: real processed data if present, else demo
    comparison_area = ""        # empty: the municipality's RAR area
    output_dir = ""             # where key tables are written; empty: not written (interactive use)

A notebook may add its own literal parameters after these. Derived values (the canonical
area, the resolved source and period, ...) are computed in the cells *after* the parameters
cell. Keep ``=`` out of the comments: Papermill's parameter parser skips any line with two
``=`` (``papermill --help-notebook`` would not list it). The runner passes all five through
Papermill: ``municipality`` as the canonical name, ``period`` resolved (a quarter code such
as ``2024Q2`` unless ``--period`` says otherwise; a notebook uses, for each table, the latest
period of that table ending on or before the period's end), ``source`` resolved
(``demo``/``real``), ``comparison_area`` as given ("" by default) and ``output_dir`` = the
report folder. Notebooks are committed without outputs and with the ``python3`` kernelspec,
and also run with the plain command line
(``papermill notebooks/X.ipynb out.ipynb -p municipality Roskilde``).

Leadership HTML
---------------
No code, no prompts; stderr streams, warnings, tracebacks and matplotlib object reprs are
removed; cells tagged ``remove-cell`` are dropped (``remove-input``/``remove-output`` as in
nbconvert). Figures are embedded PNGs and the page loads nothing from the network. A table
of contents is added after the title block when a report has three or more ``##`` headings.
The title block, municipality, period, data source and demo banner come from
:func:`analysis.present.report.header`, which every notebook calls first.

Failures, re-runs and exit codes
--------------------------------
Bad parameters (unknown municipality or notebook, a period outside the data, no data) fail
with one line before any kernel starts (exit 2), and so does processed data that is not what
the current raw files give (a raw file new, changed or gone since ``analysis build``:
:func:`analysis.data.build.check_current`; run ``analysis build`` first). A notebook that raises does not stop the
others: its HTML page shows a failure banner, the code and the traceback for the analyst,
the index marks it, the run ends with a summary (notebook, cell, the error's last line)
and the exit code is 1.

A run is staged in ``outputs/.staging-<period>-...`` and replaces ``outputs/<period>/`` only
when every report of the run was produced (failed ones as error pages); an interrupted or
crashed run leaves the previous folder exactly as it was. Reports of the period that this
run did not re-make (other municipalities or notebooks) are carried over unchanged and stay
in the index, so re-running one failed notebook does not drop the rest. Other periods are
never touched. Two runs of the same period at once are refused (``outputs/.<period>.lock``).
A notebook whose forked kernel cannot start is retried once with an ordinary kernel; when a
report failed, the kernels' own log is kept as ``outputs/<period>/.kernels.log``.

Speed
-----
Notebooks run in parallel kernels (``--jobs``) driven from threads of this process; the
HTML export happens in-process. Kernels are forked from a warm process that has already
imported pandas, pyarrow, matplotlib and the analysis package (:mod:`analysis.kernels`).
In batches of at least three notebooks per job, once the first kernels run, the zygote
also imports what the notebooks import (found with
``ast`` in the notebooks and the analysis modules they use, e.g. seaborn and statsmodels:
:func:`notebook_imports`) and decodes the processed tables (up to 3 million rows each)
through :mod:`analysis.data.load`'s cache, so later kernels start with all of it; this saves
2-5 s of CPU per notebook. In smaller batches the zygote imports those modules before the
first kernel, and every kernel waits for that (:meth:`analysis.kernels.Zygote.hold_spawns`).
A kernel is ready as soon as it has bound its sockets and answered (jupyter_client's own
start and stop each idle 0.1-0.4 s, which adds up over hundreds of notebooks). Figures
are laid out once and drawn once (:func:`analysis.present.charts.fix_layout`). ``--no-fork``
uses ordinary kernels. ``make bench`` (:mod:`analysis.bench`) measures it.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.present import TEMPLATE_DIR

NOTEBOOK_PARAMETERS = ("municipality", "period", "source", "comparison_area", "output_dir")
TEMPLATE_NAME = "analysis_report"
TOC_MARKER = "<!--analysis-toc-->"
TOC_MIN_HEADINGS = 3
WARM_MIN_TASKS_PER_JOB = 3  # warm the zygote (imports, data) only for batches of at least this many notebooks per job


# ----------------------------------------------------------------------------- command line


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--municipality",
        metavar="NAME|CODE",
        default=None,
        help="municipality name or kommunekode, or several separated by commas (default: Slagelse)",
    )
    parser.add_argument("--all-municipalities", action="store_true", help="run for all 98 municipalities")
    parser.add_argument("--period", default="", help="end period code, e.g. 2024Q2 (default: the latest complete quarter in the data)")
    parser.add_argument("--notebooks", default="", metavar="A,B", help="notebook names, comma-separated (default: all)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help="kernels running at once (default: the number of cores)")
    parser.add_argument(
        "--source",
        choices=("demo", "real"),
        default=None,
        help="data source (default: real processed data where present, else demo)",
    )
    parser.add_argument("--out", default=None, metavar="DIR", help="output root (default: outputs/)")
    parser.add_argument(
        "--comparison-area",
        default="",
        metavar="AREA",
        help="comparison area passed to every notebook (default: each municipality's RAR area)",
    )
    parser.add_argument("--with-code", action="store_true", help="also write <notebook>.analyst.html with code, warnings and errors")
    parser.add_argument("--quiet", action="store_true", help="print nothing unless a report failed (for cron)")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS", help="time limit per cell (default: 900)")
    parser.add_argument("--no-fork", action="store_true", help="start each kernel from scratch instead of forking a warm one")
    parser.add_argument(
        "--notebooks-dir",
        default=None,
        metavar="DIR",
        help="folder of the notebooks (default: notebooks/ in the project; tests use their own)",
    )


def run_command(args: argparse.Namespace) -> int:
    from analysis import kernels

    # The kernel zygote (a process that imports the libraries; it starts no kernel by itself)
    # starts while the parameters are checked, so the first kernel is ready half a second
    # sooner. A bad parameter closes it before any kernel was started.
    zygote = kernels.Zygote() if not args.no_fork and kernels.available() else None
    try:
        plan = make_plan(args)
    except BaseException:
        if zygote is not None:
            zygote.close()
        raise
    return execute(plan, zygote=zygote)


# ----------------------------------------------------------------------------- validation


@dataclass
class Plan:
    areas: list  # list[geography.Area]
    period: str
    period_label: str
    source: str
    notebooks: dict[str, Path]
    notebooks_dir: Path
    out: Path
    jobs: int
    comparison_area: str
    with_code: bool
    quiet: bool
    timeout: float
    fork: bool
    argv: list[str] = field(default_factory=list)
    vintage: dict = field(default_factory=dict)


def list_notebooks(folder: Path) -> dict[str, Path]:
    """``{name: path}`` of the report notebooks in a folder (``_``/``.``-prefixed names are skipped)."""
    if not folder.is_dir():
        return {}
    return {
        p.stem: p
        for p in sorted(folder.glob("*.ipynb"))
        if not p.name.startswith(("_", ".")) and not p.stem.endswith("-checkpoint")
    }


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in str(text or "").split(",") if t.strip()]


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def make_plan(args: argparse.Namespace) -> Plan:
    """Validate every parameter (raises ParameterError with one clear line) before any kernel starts."""
    from analysis.data import load
    from analysis.reference import geography, periods

    if args.all_municipalities and args.municipality:
        raise ParameterError("give either --municipality or --all-municipalities, not both")
    if args.all_municipalities:
        areas = [geography.municipality(code) for code in geography.municipalities()["code"]]
    else:
        names = _split(args.municipality) or [geography.DEFAULT_MUNICIPALITY]
        areas = []
        for name in names:
            area = geography.municipality(name)
            if area not in areas:
                areas.append(area)
    if args.comparison_area:
        for area in areas:
            geography.comparison_area(area.name, args.comparison_area)

    nb_dir = Path(args.notebooks_dir).resolve() if args.notebooks_dir else paths.NOTEBOOKS_DIR
    available = list_notebooks(nb_dir)
    if not available:
        raise ParameterError(f"no notebooks in {nb_dir}")
    wanted = _split(args.notebooks)
    if wanted:
        chosen = {}
        for name in wanted:
            key = name[:-6] if name.endswith(".ipynb") else name
            if key not in available:
                raise ParameterError(f"unknown notebook {name!r}; the notebooks are: {', '.join(available)}")
            chosen[key] = available[key]
    else:
        chosen = dict(available)

    jobs = _cores() if args.jobs is None else int(args.jobs)
    if jobs < 1:
        raise ParameterError(f"--jobs must be at least 1, not {jobs}")
    if args.timeout <= 0:
        raise ParameterError(f"--timeout must be positive, not {args.timeout}")

    source = load.resolve_source(args.source or "")
    from analysis.data import build

    # Processed data that the raw files no longer give (or real raw files never built) is refused, in one line.
    build.check_current(source, chosen_automatically=not args.source)
    period = resolve_period(args.period, source)
    out = Path(args.out).resolve() if args.out else paths.outputs_dir()
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} is a file, expected a folder")
    try:
        vintage = load.vintage(source)
    except Exception:  # noqa: BLE001 - the vintage is informative only
        vintage = {}
    return Plan(
        areas=areas,
        period=period,
        period_label=periods.parse_period(period).label_da,
        source=source,
        notebooks=chosen,
        notebooks_dir=nb_dir,
        out=out,
        jobs=jobs,
        comparison_area=args.comparison_area or "",
        with_code=bool(args.with_code),
        quiet=bool(args.quiet),
        timeout=float(args.timeout),
        fork=not args.no_fork,
        argv=list(sys.argv[1:]),
        vintage=vintage,
    )


def _table_periods(source: str) -> dict[str, list[str]]:
    """{table: its period codes}, from the build manifest (first to latest period) where it says,
    else by reading the tables' period columns."""
    from analysis.data import load
    from analysis.reference import periods

    try:
        tables = load.manifest(source).get("tables", {})
    except AttributeError:  # an older load API
        tables = {}
    out: dict[str, list[str]] = {}
    for table, info in tables.items():
        first, last = info.get("first_period"), info.get("latest_period")
        if not first or not last:
            continue
        kind = periods.parse_period(last).kind
        out[table] = periods.month_range(first, last) if kind == "M" else periods.quarter_range(first, last, kind)
    if out:
        return out
    table_ids = load.available_tables(source) if hasattr(load, "available_tables") else list(load.vintage(source).get("latest_period", {}))
    return {t: load.available_periods(t, source) for t in table_ids}


def data_period_ends(source: str):
    """(every period end in the data, the quarter codes that some table has complete) for a source."""
    from analysis.reference import periods

    ends = set()
    quarters = set()
    for codes in _table_periods(source).values():
        for code in codes:
            p = periods.parse_period(code)
            ends.add(p.end)
            if p.end.month % 3 == 0 and p.end.is_month_end:
                quarters.add((p.end, f"{p.end.year}Q{(p.end.month - 1) // 3 + 1}"))
    return sorted(ends), [q for _, q in sorted(quarters)]


def resolve_period(text: str, source: str) -> str:
    """The canonical end period: the given code if inside the data, else the latest complete quarter."""
    from analysis.reference import periods

    ends, quarters = data_period_ends(source)
    if not ends:
        raise ParameterError(f"the {source} data has no periods; run `analysis build`")
    first = min(ends).strftime("%Y-%m-%d")
    last = max(ends).strftime("%Y-%m-%d")
    if not str(text or "").strip():
        if not quarters:
            raise ParameterError(f"the {source} data ({first} to {last}) has no complete quarter; give --period")
        return quarters[-1]
    p = periods.parse_period(text)
    if p.end < min(ends) or p.end > max(ends):
        latest = f"; the latest complete quarter is {quarters[-1]}" if quarters else ""
        raise ParameterError(
            f"period {p.code} is outside the {source} data, which covers periods ending {first} to {last}{latest}"
        )
    return p.code


# ----------------------------------------------------------------------------- results


@dataclass
class Result:
    notebook: str
    municipality: str
    code: str
    folder: str  # relative to the period folder
    status: str  # "ok" | "failed"
    seconds: float
    title: str = ""
    cell: int | None = None
    execution_count: int | None = None
    error: str = ""
    files: dict = field(default_factory=dict)  # kind -> path relative to the period folder
    run_started: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.folder, self.notebook)

    def summary_line(self) -> str:
        where = f"cell {self.cell}" if self.cell else "before the first cell"
        if self.execution_count:
            where += f" (In [{self.execution_count}])"
        return f"{self.folder}/{self.notebook}: {where}: {self.error or 'failed'}"


# ----------------------------------------------------------------------------- notebook inspection


def _find_failure(nb) -> tuple[int | None, int | None, str] | None:
    """(cell number, execution count, the error's last line) of the first failed cell, or None.

    The cell number counts the notebook's own cells from 1 (Papermill's injected-parameters and
    error-marker cells are not counted).
    """
    number = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or cell.get("id") == "papermill-error-cell" or (
            cell.cell_type == "markdown" and "papermill-error-cell-tag" in tags
        ):
            continue
        number += 1
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                line = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ").strip()
                return number, cell.get("execution_count"), _one_line(line)
        pm = cell.get("metadata", {}).get("papermill", {})
        if pm.get("exception"):
            return number, cell.get("execution_count"), "the cell did not finish (kernel died or timed out)"
    return None


def _one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header_meta(nb) -> dict:
    """The metadata of the report.header() output, if the notebook displayed one."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = output.get("metadata", {}).get("analysis")
            if isinstance(meta, dict) and meta.get("role") == "header":
                return meta
    return {}


def _title(nb, fallback: str) -> str:
    meta = _header_meta(nb)
    if meta.get("title"):
        return str(meta["title"])
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback.replace("_", " ").capitalize()


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

        quiet_log = logging.getLogger("analysis.runner.nbconvert")
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
    if header and not _header_meta(nb):
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


# ----------------------------------------------------------------------------- one notebook


def _run_one(plan: Plan, name: str, area, staging: Path, final: Path, kmc, run_started: str) -> Result:
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures are reported by the runner itself
    started = time.perf_counter()
    rel = area.slug
    folder = staging / rel
    folder.mkdir(parents=True, exist_ok=True)
    out_nb = folder / f"{name}.ipynb"
    params = {
        "municipality": area.name,
        "period": plan.period,
        "source": plan.source,
        "comparison_area": plan.comparison_area,
        "output_dir": str(folder),
    }
    crash = ""
    executed = None
    for manager in kmc if isinstance(kmc, (list, tuple)) else [kmc]:
        crash = ""
        try:
            import papermill

            executed = papermill.execute_notebook(
                str(plan.notebooks[name]),
                str(out_nb),
                parameters=params,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=120,
                execution_timeout=plan.timeout,
                kernel_manager_class=manager,
                shutdown_kernel="immediate",
            )
        except PapermillExecutionError:
            pass  # recorded in the saved notebook
        except Exception as exc:  # noqa: BLE001 - a kernel that dies or cannot start fails this report only
            crash = _one_line(f"{type(exc).__name__}: {exc}")
        if not crash:
            break
        if out_nb.is_file() and any(
            c.get("execution_count") for c in nbformat.read(out_nb, as_version=4).cells if c.cell_type == "code"
        ):
            break
        # The kernel never ran a cell (e.g. a forked kernel could not start): retry with the next manager.
    if executed is not None and not crash:
        nb = executed  # what papermill saved to out_nb
    elif out_nb.is_file():
        nb = nbformat.read(out_nb, as_version=4)
    else:
        nb = nbformat.read(plan.notebooks[name], as_version=4)
        crash = crash or "the notebook was not executed"
    failure = _find_failure(nb)
    if failure is None and crash:
        failure = (None, None, crash)
    # The notebook ran in the staging folder; record where its outputs end up.
    _replace_paths(nb, str(folder), str(final / rel))
    nbformat.write(nb, out_nb)

    title = _title(nb, name)
    result = Result(
        notebook=name,
        municipality=area.name,
        code=area.code,
        folder=rel,
        status="failed" if failure else "ok",
        seconds=0.0,
        title=title,
        run_started=run_started,
    )
    if failure:
        result.cell, result.execution_count, result.error = failure
    page_title = f"{title} – {area.name} – {plan.period_label}"
    footer = _footer(plan, run_started)
    header = ""
    if not _header_meta(nb):
        from analysis.present import report

        header = report.header_html(title, area.name, plan.period, plan.source, vintage=plan.vintage)
    files = {"ipynb": f"{rel}/{name}.ipynb", "html": f"{rel}/{name}.html"}
    if failure:
        page = export_html(nb, variant="failed", title=page_title, footer=footer, result=result, header=header)
    else:
        page = export_html(nb, variant="leadership", title=page_title, footer=footer, header=header)
    (folder / f"{name}.html").write_text(page, encoding="utf-8")
    if plan.with_code and not failure:
        analyst = export_html(nb, variant="analyst", title=page_title + " (analytiker)", footer=footer, header=header)
        (folder / f"{name}.analyst.html").write_text(analyst, encoding="utf-8")
        files["analyst_html"] = f"{rel}/{name}.analyst.html"
    try:
        workbook = write_workbook(folder, name)
    except Exception as exc:  # noqa: BLE001 - a broken table file fails this report, not the run
        workbook = None
        if not failure:
            result.status, result.error = "failed", _one_line(f"Excel workbook: {type(exc).__name__}: {exc}")
    if workbook is not None:
        files["xlsx"] = f"{rel}/{workbook.name}"
    tables = sorted((folder / "tables").glob(f"{name}__*.csv"))
    files["tables"] = [f"{rel}/tables/{t.name}" for t in tables]
    result.files = files
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _replace_paths(nb, old: str, new: str) -> None:
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = cell.source.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1]).replace(old, new)
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    if params.get("output_dir") == old:
        params["output_dir"] = new
    pm = nb.metadata.get("papermill", {})
    if isinstance(pm.get("output_path"), str):
        pm["output_path"] = pm["output_path"].replace(old, new)


def _footer(plan: Plan, run_started: str) -> str:
    from analysis.present import formats as fmt

    made = fmt.date_da(run_started, style="datetime") if run_started else ""
    vintage = plan.vintage.get("label") or plan.source
    commit = git_commit()
    return f"Lavet {made} · Data: {vintage} · Version {commit}"


# ----------------------------------------------------------------------------- run bookkeeping


_GIT: dict[str, str] = {}


def git_commit() -> str:
    """``abc1234`` (``abc1234+ændringer`` with uncommitted changes), or ``ukendt`` outside git."""
    if "commit" not in _GIT:
        try:
            sha = subprocess.run(
                ["git", "-C", str(paths.PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                capture_output=True, text=True, timeout=10, check=True,
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "-C", str(paths.PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True, text=True, timeout=10,
            ).stdout.strip()
            _GIT["commit"] = sha + ("+ændringer" if dirty else "")
        except (OSError, subprocess.SubprocessError):
            _GIT["commit"] = "ukendt"
    return _GIT["commit"]


class Progress:
    """A tqdm bar on a terminal, plain lines otherwise, nothing with --quiet."""

    def __init__(self, total: int, *, quiet: bool, stream=None):
        self.total = total
        self.done = 0
        self.failed = 0
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.bar = None
        if not quiet and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="reports", unit="nb", file=self.stream, dynamic_ncols=True)
            self.bar.set_postfix_str("failed: 0")

    def update(self, result: Result) -> None:
        self.done += 1
        self.failed += result.status != "ok"
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(f"failed: {self.failed}")
            if result.status != "ok":
                self.bar.write(f"FAILED {result.summary_line()}", file=self.stream)
            return
        elapsed = time.perf_counter() - self.started
        status = "ok" if result.status == "ok" else f"FAILED ({result.error})"
        print(
            f"[{self.done}/{self.total}] {result.folder}/{result.notebook}: {status} {result.seconds:.1f} s"
            f" | elapsed {elapsed:.0f} s, failures {self.failed}",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextlib.contextmanager
def _period_lock(out: Path, period: str):
    out.mkdir(parents=True, exist_ok=True)
    lock_path = out / f".{period}.lock"
    handle = open(lock_path, "w")  # noqa: SIM115
    try:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: no lock
            pass
        except OSError:
            raise ParameterError(f"another `analysis run` for period {period} is writing to {out}; wait for it to finish") from None
        yield
    finally:
        handle.close()  # the (empty, hidden) lock file stays: removing it would race with a waiting run


def _expected_seconds(plan: Plan):
    """A key giving each notebook its expected run time, to start the slowest first (so the
    last kernels of a batch do not run alone): the mean time of its reports in earlier runs
    under ``plan.out``, else its number of code cells."""
    times: dict[str, list[float]] = {}
    for record in sorted(plan.out.glob("*/run.json"))[-4:]:
        with contextlib.suppress(ValueError, OSError, AttributeError, TypeError):
            for r in json.loads(record.read_text(encoding="utf-8")).get("reports", []):
                if r.get("status") == "ok" and r.get("seconds"):
                    times.setdefault(r["notebook"], []).append(float(r["seconds"]))
    if all(name in times for name in plan.notebooks):
        return lambda name: sum(times[name]) / len(times[name])

    def code_cells(name: str) -> float:
        import nbformat

        try:
            nb = nbformat.read(plan.notebooks[name], as_version=4)
        except Exception:  # noqa: BLE001 - a broken notebook fails visibly when it runs
            return 0.0
        return float(sum(c.cell_type == "code" for c in nb.cells))

    return code_cells


def _clean_stale_staging(out: Path) -> None:
    for d in out.glob(".staging-*"):
        m = re.search(r"-p(\d+)$", d.name)
        alive = False
        if m:
            try:
                os.kill(int(m.group(1)), 0)
                alive = True
            except OSError:
                alive = False
        if not alive:
            shutil.rmtree(d, ignore_errors=True)
    for d in sorted(out.glob(".old-*")):
        # A run that died between its two renames left the previous period folder here: put it back.
        m = re.match(r"^\.old-(.+)-\d+$", d.name)
        if m and not (out / m.group(1)).exists():
            d.rename(out / m.group(1))
        else:
            shutil.rmtree(d, ignore_errors=True)


def _link_copy(src: Path, dst: Path) -> None:
    """Copy a folder tree using hard links where possible (cheap, and the original is never written)."""

    def link(s, d):
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link)


def _prepare_staging(plan: Plan, final: Path, staging: Path) -> list[dict]:
    """Stage the period folder: previous reports carried over, minus those this run re-makes.

    Returns the previous run.json's report entries that are carried over.
    """
    carried: list[dict] = []
    if final.is_dir():
        _link_copy(final, staging)
        for name in ("index.html", "run.json"):
            with contextlib.suppress(FileNotFoundError):
                (staging / name).unlink()
        previous = {}
        run_json = final / "run.json"
        if run_json.is_file():
            with contextlib.suppress(ValueError, OSError):
                previous = json.loads(run_json.read_text(encoding="utf-8"))
        redo = {(a.slug, nb) for a in plan.areas for nb in plan.notebooks}
        for entry in previous.get("reports", []):
            if (entry.get("folder"), entry.get("notebook")) not in redo:
                carried.append(entry)
        for slug, nb in redo:
            folder = staging / slug
            if not folder.is_dir():
                continue
            for suffix in (".html", ".analyst.html", ".ipynb", ".xlsx"):
                with contextlib.suppress(FileNotFoundError):
                    (folder / f"{nb}{suffix}").unlink()
            for f in (folder / "tables").glob(f"{nb}__*"):
                f.unlink()
    else:
        staging.mkdir(parents=True)
    return carried


# ----------------------------------------------------------------------------- the run


def execute(plan: Plan, zygote=None) -> int:
    """Run every (municipality, notebook) of a validated plan; see the module docstring. Returns the exit code.

    ``zygote``: an already started :class:`analysis.kernels.Zygote` to use (closed at the end).
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from analysis import kernels
    from analysis.core import atomic

    t0 = time.perf_counter()
    run_started = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    final = plan.out / plan.period
    with _period_lock(plan.out, plan.period):
        _clean_stale_staging(plan.out)
        staging = plan.out / f".staging-{plan.period}-{time.strftime('%Y%m%d%H%M%S')}-p{os.getpid()}"
        managers: list = []
        try:
            carried = _prepare_staging(plan, final, staging)
            log_path = str(staging / ".kernels.log")
            if zygote is None and plan.fork and kernels.available():
                zygote = kernels.Zygote(log_path=log_path)
            if zygote is not None:
                n_tasks = len(plan.areas) * len(plan.notebooks)
                modules = notebook_imports(plan.notebooks.values())
                if n_tasks >= WARM_MIN_TASKS_PER_JOB * plan.jobs:
                    # Once the first kernels are running, have the zygote import what the notebooks
                    # import and decode the data tables, once instead of once per notebook.
                    warm = (zygote, plan.source, modules, min(plan.jobs, n_tasks), None)
                else:
                    # A small batch: the zygote imports the notebooks' modules before the first kernel
                    # (each kernel would import them itself), but reads no data (each kernel reads only
                    # what its notebook needs, while the cores are busy anyway).
                    warm = (zygote, plan.source, modules, 0, 0)
                    zygote.hold_spawns()  # the first kernels wait for these imports instead of doing them too
                threading.Thread(target=_warm, args=warm, daemon=True).start()
            kmc = kernels.kernel_manager_class(zygote, log_path=log_path, cwd=str(plan.notebooks_dir))
            managers = [kmc]
            if zygote is not None:  # if a forked kernel cannot start, that notebook retries with a plain kernel
                plain = kernels.kernel_manager_class(None, log_path=log_path, cwd=str(plan.notebooks_dir))
                managers.append(plain)
            threading.Thread(target=_prepare_export, daemon=True).start()
            slowest_first = sorted(plan.notebooks, key=_expected_seconds(plan), reverse=True)
            tasks = [(nb, area) for area in plan.areas for nb in slowest_first]
            progress = Progress(len(tasks), quiet=plan.quiet)
            results: list[Result] = []
            futures = []
            pool = ThreadPoolExecutor(max_workers=min(plan.jobs, len(tasks)), thread_name_prefix="report")
            try:
                futures = [
                    pool.submit(_run_one, plan, nb, area, staging, final, managers, run_started) for nb, area in tasks
                ]
                for future in as_completed(futures):
                    result = future.result()
                    results.append(result)
                    progress.update(result)
            except BaseException:
                for f in futures:
                    f.cancel()
                for manager in managers:
                    kernels.kill_kernels(manager)
                if zygote is not None:
                    zygote.close()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            finally:
                pool.shutdown(wait=True)
                progress.close()
            order = {(a.slug, nb): i for i, (nb, a) in enumerate((nb, a) for a in plan.areas for nb in plan.notebooks)}
            results.sort(key=lambda r: order[(r.folder, r.notebook)])
            duration = time.perf_counter() - t0
            record = _run_record(plan, results, carried, run_started, duration)
            (staging / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            (staging / "index.html").write_text(render_index(record), encoding="utf-8")
            if all(r.status == "ok" for r in results):  # keep the kernels' own log when something failed
                with contextlib.suppress(FileNotFoundError):
                    (staging / ".kernels.log").unlink()
            atomic.swap_in(staging, final)
        except BaseException:
            for manager in managers:
                kernels.kill_kernels(manager)
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            if zygote is not None:
                zygote.close()
    return _summarise(plan, results, final, time.perf_counter() - t0)


def _prepare_export() -> None:
    """Load the HTML and Excel writers and compile the report template while the first kernels start.

    Otherwise this (about 1 s of CPU) happens when the first notebook has finished, on the
    batch's critical path, while at the start one core waits for the zygote's imports.
    """
    try:
        import nbformat
        import openpyxl  # noqa: F401

        export_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# -")]), variant="leadership", title="-")
    except Exception:  # noqa: BLE001 - an optimisation only; the reports load them themselves
        pass


def _warm(zygote, source: str, modules: list[str], after_spawns: int, max_rows: int | None) -> None:
    """Warm the zygote (see :meth:`analysis.kernels.Zygote.warm`); ``max_rows=None``: its default."""
    rows = {} if max_rows is None else {"max_rows": max_rows}
    try:
        zygote.warm(source, modules=modules, after_spawns=after_spawns, **rows)
    except Exception:  # noqa: BLE001 - an optimisation only; kernels import and read the data themselves
        pass


# Third-party packages worth importing once in the zygote when the notebooks (or the analysis
# modules they use) import them; anything else is left to the kernels.
HEAVY_PACKAGES = frozenset({"seaborn", "scipy", "statsmodels", "sklearn", "yaml", "openpyxl", "pandera"})


def _python_source(cell_source: str) -> str:
    """A code cell as plain Python (IPython magics and shell escapes turned into calls)."""
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

    import nbformat

    package_dir = Path(__file__).resolve().parent
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
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001
            continue
        for cell in nb.cells:
            if cell.cell_type == "code":
                try:
                    visit(ast.parse(_python_source(cell.source)))
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


def _summarise(plan: Plan, results: list[Result], final: Path, seconds: float) -> int:
    failed = [r for r in results if r.status != "ok"]
    if not plan.quiet:
        print(
            f"{len(results) - len(failed)} of {len(results)} reports ok in {seconds:.1f} s -> {final / 'index.html'}",
            file=sys.stderr,
        )
    if failed:
        print(f"{len(failed)} report(s) failed:", file=sys.stderr)
        for r in failed:
            print(f"  {r.summary_line()}", file=sys.stderr)
        return 1
    return 0


def _run_record(plan: Plan, results: list[Result], carried: list[dict], run_started: str, duration: float) -> dict:
    import platform

    return {
        "period": plan.period,
        "period_label": plan.period_label,
        "run": {
            "started": run_started,
            "duration_seconds": round(duration, 1),
            "command": "analysis run " + " ".join(plan.argv[1:] if plan.argv[:1] == ["run"] else plan.argv),
            "municipalities": [a.name for a in plan.areas],
            "notebooks": list(plan.notebooks),
            "comparison_area": plan.comparison_area,
            "jobs": plan.jobs,
            "with_code": plan.with_code,
            "forked_kernels": plan.fork,
            "git_commit": git_commit(),
            "python": platform.python_version(),
        },
        "source": plan.source,
        "vintage": plan.vintage,
        "reports": [asdict(r) for r in results] + carried,
    }


def _esc(x) -> str:
    return html.escape(str(x), quote=True)


def render_index(record: dict) -> str:
    """The period's index.html (Danish, self-contained)."""
    from analysis.present import formats as fmt

    run = record["run"]
    demo = record.get("source") == "demo"
    vintage = record.get("vintage") or {}
    reports = record.get("reports", [])
    current = [r for r in reports if r.get("run_started") == run["started"]]
    failed = [r for r in current if r.get("status") != "ok"]
    by_area: dict[str, list[dict]] = {}
    for r in reports:
        by_area.setdefault(r["folder"], []).append(r)

    def area_key(folder: str):
        code = folder.split("-", 1)[0]
        return (0, int(code)) if code.isdigit() else (1, folder)

    source_label = "Demodata (syntetiske tal)" if demo else "Jobindsats og Danmarks Statistik"
    built = vintage.get("built_at")
    latest = vintage.get("latest_period") or {}
    facts = [
        ("Periode", f"{record['period_label']} ({record['period']})"),
        ("Datakilde", vintage.get("label") or source_label),
        ("Data bygget", fmt.date_da(built, style="datetime") if built else "–"),
        ("Seneste periode pr. tabel", ", ".join(f"{t}: {p}" for t, p in sorted(latest.items())) or "–"),
        ("Kørt", fmt.date_da(run["started"], style="datetime")),
        ("Varighed", f"{fmt.number(run['duration_seconds'], 1)} sek."),
        ("Kommuner", ", ".join(run["municipalities"]) if len(run["municipalities"]) <= 10 else f"{len(run['municipalities'])} kommuner"),
        ("Analyser", ", ".join(run["notebooks"])),
        ("Sammenligningsområde", run["comparison_area"] or "kommunens RAR-område"),
        ("Parallelle kerner", str(run["jobs"])),
        ("Programversion (git)", run["git_commit"]),
        ("Kommando", run["command"]),
    ]
    status_line = (
        f"{len(current) - len(failed)} af {len(current)} rapporter fra denne kørsel blev lavet uden fejl."
        if current
        else "Ingen rapporter i denne kørsel."
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="da"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Rapporter – {_esc(record['period_label'])}</title>",
        "<style>",
        "body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1b1b1b;margin:0;}",
        "main{max-width:64rem;margin:0 auto;padding:1.5rem;} h1{margin:0.3rem 0;} h2{margin-top:2rem;border-bottom:1px solid #e0e0e0;}",
        ".demo{background:#c0392b;color:#fff;font-weight:700;padding:0.6rem 1rem;border-radius:4px;font-size:1.1rem;}",
        "table{border-collapse:collapse;} td,th{padding:0.25rem 0.8rem 0.25rem 0;text-align:left;vertical-align:top;border-bottom:1px solid #eee;}",
        "th{color:#555;font-weight:600;} .ok{color:#1e7b34;font-weight:600;} .failed{color:#c0392b;font-weight:700;}",
        ".err{font-family:Menlo,Consolas,monospace;font-size:0.85rem;color:#7b241c;} .old{color:#777;font-size:0.85rem;}",
        "a{color:#1f4e79;} .summary{font-size:1.05rem;margin:0.8rem 0;} .summary.bad{color:#c0392b;font-weight:600;}",
        "</style></head><body><main>",
    ]
    if demo:
        out.append('<div class="demo" role="note">Demodata – syntetiske tal. Rapporterne må ikke bruges til beslutninger.</div>')
    out.append(f"<h1>Rapporter for {_esc(record['period_label'])}</h1>")
    out.append(f'<p class="summary{" bad" if failed else ""}">{_esc(status_line)}</p>')
    if failed:
        out.append("<ul>")
        for r in failed:
            out.append(
                f'<li class="failed"><a href="{_esc(r["files"].get("html", ""))}">{_esc(r["municipality"])} – {_esc(r["title"] or r["notebook"])}</a>'
                f' <span class="err">celle {_esc(r.get("cell") or "–")}: {_esc(r.get("error", ""))}</span></li>'
            )
        out.append("</ul>")
    out.append("<h2>Kørslen</h2><table>")
    for k, v in facts:
        out.append(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>")
    out.append("</table>")
    out.append("<h2>Rapporter</h2>")
    out.append("<table><thead><tr><th>Kommune</th><th>Rapport</th><th>Status</th><th>Filer</th><th>Tid</th></tr></thead><tbody>")
    for folder in sorted(by_area, key=area_key):
        for r in by_area[folder]:
            files = r.get("files", {})
            links = [f'<a href="{_esc(files["html"])}">HTML</a>'] if files.get("html") else []
            if files.get("analyst_html"):
                links.append(f'<a href="{_esc(files["analyst_html"])}">med kode</a>')
            if files.get("xlsx"):
                links.append(f'<a href="{_esc(files["xlsx"])}">Excel</a>')
            if files.get("ipynb"):
                links.append(f'<a href="{_esc(files["ipynb"])}">notebook</a>')
            for t in files.get("tables", []):
                links.append(f'<a href="{_esc(t)}">{_esc(Path(t).stem.split("__", 1)[-1])}.csv</a>')
            if r.get("status") == "ok":
                status = '<span class="ok">OK</span>'
            else:
                status = (
                    f'<span class="failed">Fejlet</span><br><span class="err">celle {_esc(r.get("cell") or "–")}: '
                    f'{_esc(r.get("error", ""))}</span>'
                )
            old = "" if r.get("run_started") == run["started"] else (
                f'<br><span class="old">fra en tidligere kørsel {_esc(fmt.date_da(r["run_started"], style="datetime"))}</span>'
                if r.get("run_started") else '<br><span class="old">fra en tidligere kørsel</span>'
            )
            title = f'<a href="{_esc(files.get("html", ""))}">{_esc(r.get("title") or r["notebook"])}</a>'
            out.append(
                f"<tr><td>{_esc(r['municipality'])}</td><td>{title}{old}</td><td>{status}</td>"
                f"<td>{' · '.join(links)}</td><td style=\"white-space:nowrap\">{_esc(fmt.number(r.get('seconds'), 1))} s</td></tr>"
            )
    out.append("</tbody></table>")
    out.append('<p class="old">Lavet af <code>analysis run</code>. CSV-filerne er UTF-8, kommasepareret, punktum som decimaltegn; '
               "kolonnenavne og danske overskrifter står i JSON-filen ved siden af hver CSV-fil.</p>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
