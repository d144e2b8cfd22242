"""The plan of an ``analysis run``: its command-line options, checked before any kernel starts.

Options: ``--municipality NAME|CODE[,...]`` (default Slagelse), ``--all-municipalities``,
``--period CODE`` (the end period; default: the latest complete quarter in the data),
``--notebooks a,b`` (default: every ``notebooks/*.ipynb``), ``--jobs N`` (parallel kernels;
default: the number of cores), ``--source demo|real|dst`` (default: real processed data where
present, else demo; ``dst``: Statistics Denmark's StatBank only, fetched first when missing, see
:mod:`analysis.run.statbank`), ``--out DIR`` (default ``outputs/``), ``--comparison-area AREA``
(default: each municipality's RAR area), ``--with-code`` (also write the analyst variant),
``--quiet`` (print nothing unless something failed), ``--timeout SECONDS`` (per cell),
``--no-fork`` (start every kernel from scratch, as always on Windows and macOS; ``ANALYSIS_NO_FORK=1`` for every
run; see :mod:`analysis.run.kernels`), ``--fresh-kernels`` (without fork: a new kernel for every notebook instead
of one kernel per report thread, reset between its notebooks: :mod:`analysis.run.kernel_state`), ``--notebooks-dir DIR`` (run
notebooks from another folder; used by the tests).

Notebook parameter convention (tests/test_notebook_conventions.py enforces it)
-----------------------------------------------------------------------------
Every notebook has exactly one code cell tagged ``parameters`` holding *literals only*,
with defaults that run as they are (open in JupyterLab, run all)::

    municipality = "Slagelse"   # name or kommunekode
    period = ""                 # end period code; empty: the latest in the data
    source = ""                 # "demo", "real", "dst" (StatBank only) or empty: real data if present, else demo
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
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from analysis.core import paths
from analysis.core.errors import ParameterError, quote
from analysis.run import kernels

NOTEBOOK_PARAMETERS = ("municipality", "period", "source", "comparison_area", "output_dir")


# ----------------------------------------------------------------------------- the data each notebook needs


@dataclass(frozen=True)
class DataNeeds:
    """The tables a report notebook cannot be made without: every table of ``all_of`` and at least one of
    ``any_of``, each with a period ending on or before the report's period. Tables it uses when present
    (and says so in the report when they are not) are not listed."""

    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    # A parameter of the notebook naming a period that the report's period must come after and its tables must
    # reach back to (the trends' index base month); its value is the literal in the notebook's parameters cell.
    base_parameter: str = ""


# The one place that says which tables each report needs (tests/test_runner.py checks it against the analyses).
NOTEBOOK_DATA: dict[str, DataNeeds] = {
    # benchmark.check: no Y30R21, no report
    "benchmark_ranking": DataNeeds(all_of=("Y30R21",)),
    # trends.resolve_groups leaves out a target group whose table is missing, with a note; trends.check_base_month
    "target_group_trends": DataNeeds(any_of=("Y01A02", "Y25I09", "Y07A02", "Y36A02", "PTV_A02"),
                                     base_parameter="base_period"),
    # key_figures.dashboard shows a figure whose table is missing as "–", with a note
    "quarterly_key_figures": DataNeeds(any_of=("OTIJ01", "Y01A02", "Y07A02", "Y36A02")),
    # business_programs.setup: the period of each of the three (OTIJ01 and the spell extract are optional)
    "business_programs": DataNeeds(all_of=("PTVC01", "Y14D03", "JOBORDRER")),
}

# With ``--source dst`` (Statistics Denmark's StatBank only, no key): the reports StatBank can make and what they
# need; a report not listed needs the Jobindsats tables of NOTEBOOK_DATA, so it is "not possible with these data".
STATBANK_DATA: dict[str, DataNeeds] = {
    # trends.analyse_for_source -> trends.analyse_statbank: the groups of config/statbank_groups.yaml from AUK01
    "target_group_trends": DataNeeds(all_of=("AUK01",), base_parameter="base_period"),
    # key_figures.figures_for: the full-time recipients AUK01 has; the committee's figures listed as not in it
    "quarterly_key_figures": DataNeeds(all_of=("AUK01",)),
}


def needs_of(notebook: str, source: str = "") -> DataNeeds:
    """What ``notebook`` needs from the data of ``source`` (``dst``: :data:`STATBANK_DATA`, else :data:`NOTEBOOK_DATA`)."""
    if source == paths.STATBANK:
        return STATBANK_DATA.get(notebook) or NOTEBOOK_DATA.get(notebook, DataNeeds())
    return NOTEBOOK_DATA.get(notebook, DataNeeds())


def missing_tables(notebook: str, available, source: str = "") -> list[str]:
    """The tables ``notebook`` needs that are not in ``available`` (empty: it can be made)."""
    needs = needs_of(notebook, source)
    have = set(available)
    missing = [t for t in needs.all_of if t not in have]
    if needs.any_of and not have.intersection(needs.any_of):
        missing += [t for t in needs.any_of if t not in missing]
    return missing


def how_to_get(tables: list[str], source: str) -> tuple[str, str]:
    """How to get missing tables: (English, Danish), e.g. ``analysis fetch --tables Y01A02`` or the file to drop."""
    from analysis.reference import tables as registry

    if source == "demo":
        return "run `analysis demo` and `analysis build`", "kør `analysis demo` og `analysis build`"
    api = [t for t in tables if registry.spec(t).source == "Jobindsats"]
    by_hand = [t for t in tables if t not in api]
    en, da = [], []
    if api:
        command = f"`analysis fetch --tables {','.join(api)}`"
        files = ", ".join(f"{t.lower()}.csv" for t in api)
        en.append(f"fetch {'it' if len(api) == 1 else 'them'} with {command} or drop {files} from jobindsats.dk "
                  "into data/raw/jobindsats/")
        da.append(f"hent {'den' if len(api) == 1 else 'dem'} med {command} eller læg {files} fra jobindsats.dk "
                  "i data/raw/jobindsats/")
    for t in by_hand:
        spec = registry.spec(t)
        en.append(f"save {t} from {spec.source} as data/raw/jobindsats/{t.lower()}.csv")
        da.append(f"gem {t} fra {spec.source} som data/raw/jobindsats/{t.lower()}.csv")
    if source == paths.STATBANK and api:  # Jobindsats tables: not in Statistics Denmark's data, whatever is fetched
        return ("; ".join(en) + " (needs a Jobindsats API key), then `analysis build` and run with --source real",
                "; ".join(da) + " (kræver en API-nøgle til Jobindsats), kør `analysis build` og brug --source real")
    return "; ".join(en) + ", then `analysis build`", "; ".join(da) + " og kør `analysis build`"


def parameter_default(path: Path, name: str):
    """The literal a notebook's ``parameters`` cell gives ``name`` (None when it gives none)."""
    import ast

    from analysis.run.preload import notebook_cells

    for cell in notebook_cells(path):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.parse(cell["source"]).body:
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
                    return ast.literal_eval(node.value)
    return None


def period_problems(notebooks: dict[str, Path], period: str, table_periods: dict[str, list[str]], source: str = "") -> list[str]:
    """One line per reason a notebook cannot be made for ``period``: a table it needs has no period ending on or
    before the period's end, or the period is not after the notebook's base period (:attr:`DataNeeds.base_parameter`)."""
    from analysis.reference import periods

    end = periods.parse_period(period).end
    problems = []
    for name, path in notebooks.items():
        needs = needs_of(name, source)

        def first_end(table: str):
            return periods.parse_period(table_periods[table][0]).end

        def lacks(table: str, before) -> str:
            codes = table_periods[table]
            return (f"{name}: table {table} has no period ending on or before {before:%Y-%m-%d} ({period}); "
                    f"its data run from {codes[0]} (ending {first_end(table):%Y-%m-%d}) to {codes[-1]}")

        problems += [lacks(t, end) for t in needs.all_of if t in table_periods and first_end(t) > end]
        present = [t for t in needs.any_of if t in table_periods]
        if present and all(first_end(t) > end for t in present):
            problems += [lacks(t, end) for t in present]
        base = parameter_default(path, needs.base_parameter) if needs.base_parameter else None
        if base:
            b = periods.parse_period(str(base))
            if b.end >= end:
                problems.append(f"{name}: period {period} is not after its base period {b.code} (the notebook's "
                                f"parameter {needs.base_parameter}); choose a period after {b.code}")
            problems += [f"{name}: table {t} starts at {table_periods[t][0]}, after the base period {b.code} (the "
                         f"notebook's parameter {needs.base_parameter})" for t in present if first_end(t) > b.end]
    return problems


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
    parser.add_argument("--notebooks", default=None, metavar="A,B", help="notebook names, comma-separated (default: all)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N", help="kernels running at once (default: the number of cores)")
    parser.add_argument(
        "--source",
        choices=("demo", "real", "dst"),
        default=None,
        help="data source (default: real processed data where present, else demo); dst: Statistics Denmark's "
             "StatBank only (no key; fetched first when missing)",
    )
    parser.add_argument("--out", default=None, metavar="DIR", help="output root (default: outputs/)")
    parser.add_argument(
        "--comparison-area",
        default="",
        metavar="AREA",
        help="comparison area passed to every notebook (default: each municipality's RAR area)",
    )
    parser.add_argument("--with-code", action="store_true", help="also write <notebook>.analyst.html with code, warnings and errors")
    parser.add_argument("--pdf", action="store_true",
                        help="also write <notebook>.pdf (A4, from the HTML) with a local Chromium, Chrome or Edge")
    parser.add_argument("--quiet", action="store_true", help="print nothing unless a report failed (for cron)")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS", help="time limit per cell (default: 900)")
    parser.add_argument("--no-fork", action="store_true",
                        help="start each kernel from scratch instead of forking a warm one (Linux only forks; "
                             "ANALYSIS_NO_FORK=1 does the same for every run)")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="without fork (Windows, macOS, --no-fork): start a new kernel for every notebook instead of "
                             "resetting a report thread's kernel between its notebooks (slower)")
    parser.add_argument(
        "--notebooks-dir",
        default=None,
        metavar="DIR",
        help="folder of the notebooks (default: notebooks/ in the project; tests use their own)",
    )


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
    fresh_kernels: bool = False  # without fork: a new kernel per notebook (else one per report thread, reset between notebooks)
    argv: list[str] = field(default_factory=list)
    vintage: dict = field(default_factory=dict)
    not_possible: dict[str, list[str]] = field(default_factory=dict)  # notebook -> the tables it needs and the data lacks
    pdf: bool = False  # --pdf: print each HTML to <notebook>.pdf with pdf_browser (None: none found)
    pdf_browser: Path | None = None


def list_notebooks(folder: Path) -> dict[str, Path]:
    """``{name: path}`` of the report notebooks in a folder (``_``/``.``-prefixed names are skipped)."""
    if not folder.is_dir():
        return {}
    return {
        p.stem: p
        for p in sorted(folder.glob("*.ipynb"))
        if not p.name.startswith(("_", ".")) and not p.stem.endswith("-checkpoint")
    }


def split_names(text: str | None) -> list[str]:
    """The items of a comma-separated option, stripped; empty items dropped."""
    return [t.strip() for t in str(text or "").split(",") if t.strip()]


def _named(text: str | None, option: str, expected: str) -> list[str]:
    """The items of a comma-separated option; an option given but naming nothing (``''``, ``',,,'``) is an error."""
    names = split_names(text)
    if text is not None and not names:
        raise ParameterError(f"{option} {quote(text)} names nothing; expected {expected}, comma-separated "
                             "(or leave the option out for the default)")
    return names


def check_out(out: Path) -> Path:
    """The output root, made if needed and checked writable; one ParameterError line when it cannot be used
    (a file, under a file, a read-only folder, a system folder such as /proc)."""
    try:
        out = out.resolve()
        if out.exists() and not out.is_dir():
            raise ParameterError(f"--out {quote(out)} is a file, expected a folder")
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".analysis-run-probe-"):
            pass
    except OSError as exc:
        raise cannot_write(out, exc) from None
    return out


def cannot_write(out: Path, exc: OSError) -> ParameterError:
    """The one line for an output root that cannot be written (read-only, under a file, /proc, ...)."""
    return ParameterError(f"--out {quote(out)}: cannot write reports there ({exc.strerror or type(exc).__name__}); "
                          "expected a folder you may write to")


def cores() -> int:
    """The CPU cores this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def chosen_notebooks(args: argparse.Namespace) -> tuple[Path, dict[str, Path]]:
    """(the notebooks' folder, ``{name: path}`` of the notebooks ``--notebooks`` asks for, default all of them)."""
    nb_dir = Path(args.notebooks_dir).resolve() if args.notebooks_dir else paths.NOTEBOOKS_DIR
    available = list_notebooks(nb_dir)
    if not available:
        raise ParameterError(f"no notebooks in {nb_dir}")
    wanted = _named(args.notebooks, "--notebooks", f"notebook names ({', '.join(available)})")
    if not wanted:
        return nb_dir, dict(available)
    chosen = {}
    for name in wanted:
        key = name[:-6] if name.endswith(".ipynb") else name
        if key not in available:
            raise ParameterError(f"unknown notebook {quote(name)}; the notebooks are: {', '.join(available)}")
        chosen[key] = available[key]
    return nb_dir, chosen


def make_plan(args: argparse.Namespace) -> Plan:
    """Validate every parameter (raises ParameterError with one clear line) before any kernel starts."""
    from analysis.data import load
    from analysis.reference import geography, periods

    if args.all_municipalities and args.municipality:
        raise ParameterError("give either --municipality or --all-municipalities, not both")
    if args.all_municipalities:
        areas = [geography.municipality(code) for code in geography.municipalities()["code"]]
    else:
        names = _named(args.municipality, "--municipality", "a municipality name or kommunekode") or [
            geography.DEFAULT_MUNICIPALITY
        ]
        areas = []
        for name in names:
            area = geography.municipality(name)
            if area not in areas:
                areas.append(area)
    if args.comparison_area:
        for area in areas:
            geography.comparison_area(area.name, args.comparison_area)

    nb_dir, chosen = chosen_notebooks(args)

    jobs = cores() if args.jobs is None else int(args.jobs)
    if jobs < 1:
        raise ParameterError(f"--jobs must be at least 1, not {jobs}")
    if args.timeout <= 0:
        raise ParameterError(f"--timeout must be positive, not {args.timeout}")

    if args.source == paths.STATBANK:
        from analysis.run import statbank

        statbank.ensure_data(quiet=bool(args.quiet))
    source = load.resolve_source(args.source or "")
    from analysis.data import build

    # Processed data that the raw files no longer give (or real raw files never built) is refused, in one line.
    build.check_current(paths.data_folder(source), chosen_automatically=not args.source)
    period = resolve_period(args.period, source)
    # Reports whose tables are not in this source are not possible (not run, listed with what is missing);
    # for the others, every table they need must reach back to the period, or the run stops here.
    table_periods = _table_periods(source)
    not_possible = {name: m for name in chosen if (m := missing_tables(name, table_periods, source))}
    problems = period_problems({n: p for n, p in chosen.items() if n not in not_possible}, period, table_periods, source)
    if problems:
        raise ParameterError(
            f"the {source} data cannot make every report chosen for period {period}:\n  " + "\n  ".join(problems)
            + "\n  choose a later --period, leave those notebooks out (--notebooks), or add the missing periods"
        )
    out = check_out(Path(args.out) if args.out else paths.outputs_dir())
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
        fork=not args.no_fork and kernels.available(),
        fresh_kernels=bool(getattr(args, "fresh_kernels", False)),
        argv=list(sys.argv[1:]),
        vintage=vintage,
        not_possible=not_possible,
        pdf=bool(getattr(args, "pdf", False)),
        pdf_browser=_pdf_browser(args),
    )


def _pdf_browser(args: argparse.Namespace) -> Path | None:
    """The browser that prints the PDFs (only looked for with --pdf)."""
    if not getattr(args, "pdf", False):
        return None
    from analysis.run import pdf

    return pdf.find_browser()


def _table_periods(source: str) -> dict[str, list[str]]:
    """{table: its period codes}, from the build manifest (first to latest period) where it says,
    else by reading the tables' period columns."""
    from analysis.data import load
    from analysis.reference import periods

    try:
        tables = load.manifest(source).get("tables", {})
    except AttributeError:  # an older load API
        tables = {}
    if source == paths.STATBANK:
        tables = {t: info for t, info in tables.items() if t in load.STATBANK_TABLES}
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
