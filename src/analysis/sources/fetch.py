"""``analysis fetch``: bring real data from the Jobindsats API and Statistics Denmark into ``data/raw``.

Usage::

    analysis fetch                      # Jobindsats API v3: every table the notebooks use, new periods only
    analysis fetch --source dst         # Statistics Denmark StatBank (AUK01), no key needed
    analysis fetch --tables Y30R21,Y25I09 --since 2021M01
    analysis fetch --full               # fetch everything again (replaces the saved files when complete)
    analysis fetch --quiet              # no progress output, only the summary
    analysis fetch --check              # is every table fetchable as the registry describes it? writes nothing
    make fetch                          # fetch, then ``analysis build``

Then ``analysis build`` turns the raw files into the processed data the reports use.

This module runs a fetch: it picks the source module (:data:`SOURCES`:
:mod:`analysis.sources.jobindsats.api`, :mod:`analysis.sources.statbank.api`), asks it for each
table, saves what it hands back (:func:`analysis.sources.fetching.save_download`), prints the
progress and the summary, and turns failures into one line. What the source modules share (the
settings, the errors, the raw files and their manifests, which periods to ask for) is in
:mod:`analysis.sources.fetching`, which imports nothing from here.

Settings (environment variables; each may also be a ``KEY=VALUE`` line in ``.env`` at the
project root, which git ignores; a ``.env`` saved by Windows Notepad or Excel in Windows-1252
or UTF-16 is read as well):

``JOBINDSATS_API_TOKEN``  the organisation's Jobindsats API key (request one from STAR,
                          jobindsats@star.dk). Never pass it on the command line: it would
                          land in the shell history. It is sent only as an
                          ``Authorization: Bearer`` header and never written to a file, a log
                          line, a URL or an error message.
``JOBINDSATS_API_URL``    default ``https://api.jobindsats.dk/v3`` (a proxy or a test server may
                          stand in). Must be ``https://``: the key goes with every request, so
                          plain ``http://`` is refused except to 127.0.0.1, ::1 or localhost.
``DST_API_URL``           default ``https://api.statbank.dk/v1``
``JOBINDSATS_AREA_HIERARCHIES``  area hierarchies to request, e.g. ``_nykom,_rar``; by default
                          they are chosen from each table's description (see :mod:`analysis.sources.jobindsats.api`)
``JOBINDSATS_PERIOD_TYPES``  period types to try first, e.g. ``M,Q,QMAT`` (default: those the
                          table's description lists, else a fixed order)

``--check`` fetches only each table's description and one small data call, prints one row
per table (see :mod:`analysis.sources.jobindsats.check`) and exits non-zero naming what to change when a
table cannot be fetched; it never writes under ``data/raw``.

Faults: 429, 5xx, timeouts and dropped connections are retried with exponential back-off a
bounded number of times (:mod:`analysis.sources.http`); a download is written to a temporary
file, checked, and renamed only when complete, so a failure never replaces good data. A
missing or rejected key, an unknown table or no network each end with one line saying what to do.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from analysis.core import paths
from analysis.core.errors import AnalysisError, ParameterError
from analysis.reference import periods as periods_mod
from analysis.reference.tables import TableSpec
from analysis.sources.fetching import (
    ApiError,
    Context,
    MissingKeyError,
    NoNetworkError,
    RejectedKeyError,
    UnknownTableError,
    latest_fetched_at,
    read_manifests,
    read_setting,
    remove_fetched,
    save_download,
)
from analysis.sources.http import (
    DEFAULT_POLICY,
    BodyError,
    FetchError,
    HttpStatusError,
    NetworkError,
    RetryPolicy,
    redact,
    safe_url,
)

SOURCES = {"jobindsats": "analysis.sources.jobindsats.api", "dst": "analysis.sources.statbank.api"}
DEFAULT_SINCE = "2019M01"


# --------------------------------------------------------------------------- progress and summary


@dataclass
class TableResult:
    table: str
    status: str  # "fetched" | "up to date" | "empty" | "skipped" | "failed"
    new_periods: list[str] = field(default_factory=list)
    rows: int = 0
    file: str | None = None
    removed: list[str] = field(default_factory=list)
    message: str = ""
    row: object = None  # the --check row (analysis.sources.jobindsats.check.CheckRow) when the table cannot be fetched as described


@dataclass
class Summary:
    source: str
    results: list[TableResult]
    seconds: float

    @property
    def fetched(self) -> list[TableResult]:
        return [r for r in self.results if r.status == "fetched"]

    @property
    def failed(self) -> list[TableResult]:
        return [r for r in self.results if r.status == "failed"]

    def lines(self) -> list[str]:
        done = self.fetched
        attempted = [r for r in self.results if r.status != "skipped"]
        up_to_date = [r for r in self.results if r.status in ("up to date", "empty")]
        new = sum(len(r.new_periods) for r in done)
        rows = sum(r.rows for r in done)
        out = [
            f"{self.source}: {len(attempted)} table(s) in {self.seconds:.1f} s: "
            f"{len(done)} fetched ({new} new period(s), {rows:,} rows), "
            f"{len(up_to_date)} up to date, {len(self.failed)} failed"
        ]
        for r in self.results:
            if r.status in ("skipped", "failed"):
                out.append(f"  {r.status} {r.table}: {r.message}")
        rows = [r.row for r in self.results if r.row is not None]
        if rows:
            from analysis.sources.jobindsats.check import table_lines

            out.append("")
            out += table_lines(rows, "What to change (the same rows as `analysis fetch --check`):")
        return out


class Progress:
    """A tqdm bar per table on a terminal; plain lines otherwise; nothing but the summary when quiet."""

    def __init__(self, *, quiet: bool, stream=None, out: Callable[[str], None] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.bars = not quiet and _isatty(self.stream)
        self.out = out or print

    @contextmanager
    def table(self, table_id: str) -> Iterator[Callable[[int, int | None], None]]:
        if not self.bars:
            yield lambda read, total: None
            return
        from tqdm import tqdm

        bar = tqdm(desc=f"{table_id:<8}", unit="B", unit_scale=True, file=self.stream, leave=True, total=None)

        def update(read: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(read - bar.n)

        try:
            yield update
        finally:
            bar.close()

    def line(self, text: str) -> None:
        if not self.quiet:
            self.out(text)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def source_module(name: str):
    if name not in SOURCES:
        raise ParameterError(f"source {name!r} is unknown; expected one of: {', '.join(SOURCES)}")
    return importlib.import_module(SOURCES[name])


def parse_table_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise ParameterError("--tables is empty; expected table ids separated by commas, e.g. Y30R21,Y25I09")
    return items


def fetch_source(
    source: str = "jobindsats",
    *,
    tables: list[str] | None = None,
    since: str = DEFAULT_SINCE,
    full: bool = False,
    quiet: bool = False,
    today: date | None = None,
    policy: RetryPolicy | None = None,
    out: Callable[[str], None] | None = None,
    progress_stream=None,
) -> Summary:
    """Fetch the tables of one source into its raw directory; return what happened.

    Raises :class:`UnknownTableError`, :class:`MissingKeyError` before any request;
    :class:`RejectedKeyError` or :class:`NoNetworkError` as soon as they happen (nothing else
    can succeed then); per-table failures are collected, and once every other table is done a
    :class:`FetchError` naming them is raised after the summary has been printed.
    """
    module = source_module(source)
    since_code = periods_mod.parse_period(since).code
    policy = policy or DEFAULT_POLICY
    today = today or datetime.now(timezone.utc).date()
    out = out or print
    progress = Progress(quiet=quiet, stream=progress_stream, out=out)
    started = time.monotonic()

    specs, skipped = module.select_tables(tables)  # validates against the registry, before any request
    directory: Path = module.directory()
    url = module.base_url()  # checked (https for a key) before any request
    session, secrets = module.open_session(policy)  # reads the key, before any request
    ctx = Context(session=session, policy=policy, base_url=url, today=today, secrets=secrets)
    results: list[TableResult] = [TableResult(t, "skipped", message=why) for t, why in skipped]
    try:
        for spec in specs:
            results.append(_fetch_one(module, ctx, spec, directory, since_code, full, progress))
    except NetworkError as exc:
        raise NoNetworkError(_no_network_message(module, exc, directory)) from None
    finally:
        session.close()

    summary = Summary(module.SOURCE_LABEL, results, time.monotonic() - started)
    for line in summary.lines():
        out(line)
    if summary.failed:
        names = ", ".join(r.table for r in summary.failed)
        first = summary.failed[0]
        unusable = [r.table for r in summary.failed if r.row is not None and not getattr(r.row, "temporary", False)]
        advice = (
            "See the table above for what to change (`analysis fetch --check` prints it again)"
            if unusable
            else f"Run `analysis fetch --tables {names}` again later"
        )
        raise FetchError(
            f"{len(summary.failed)} of {len(specs)} table(s) failed ({names}); their saved data is unchanged. "
            f"{first.table}: {first.message}. {advice}"
        )
    return summary


def check_source(
    source: str = "jobindsats",
    *,
    tables: list[str] | None = None,
    today: date | None = None,
    policy: RetryPolicy | None = None,
    out: Callable[[str], None] | None = None,
) -> list:
    """``analysis fetch --check``: one row per table (:mod:`analysis.sources.jobindsats.check`); writes nothing.

    Raises :class:`MissingKeyError` (the same message as a fetch) before any request, and a
    :class:`FetchError` naming what to change when a table the notebooks use cannot be fetched.
    """
    from analysis.reference.tables import spec as table_spec
    from analysis.sources.jobindsats.check import CheckRow, table_lines

    if source != "jobindsats":
        raise ParameterError(
            "--check is for the Jobindsats API; Statistics Denmark needs no key: "
            "`analysis fetch --source dst` fetches AUK01 and stops with one line if it cannot"
        )
    module = source_module(source)
    policy = policy or DEFAULT_POLICY
    today = today or datetime.now(timezone.utc).date()
    out = out or print
    specs, skipped = module.select_tables(tables)
    url = module.base_url()
    session, secrets = module.open_session(policy)
    ctx = Context(session=session, policy=policy, base_url=url, today=today, secrets=secrets)
    rows = []
    try:
        for spec in specs:
            rows.append(module.check_table(ctx, spec))
    except NetworkError as exc:
        raise NoNetworkError(f"no network ({exc}): the check needs the Jobindsats API; connect and run `analysis fetch --check` again") from None
    finally:
        session.close()
    rows += [CheckRow(t, table_spec(t).title, skipped=why) for t, why in skipped]
    for line in table_lines(rows, f"Jobindsats API check ({safe_url(url)}), {len(specs)} table(s) the notebooks use:"):
        out(redact(line, secrets))
    bad = [r for r in rows if not r.usable]
    if bad:
        from analysis.sources.jobindsats.check import what_to_change

        raise FetchError(
            redact(
                f"{len(bad)} of {len(specs)} table(s) cannot be fetched as the registry and settings stand -- "
                f"{what_to_change(bad)}. The table above says what and why",
                secrets,
            )
        )
    return rows


def _fetch_one(module, ctx: Context, spec: TableSpec, directory: Path, since: str, full: bool, progress: Progress) -> TableResult:
    existing = read_manifests(directory, spec.id)
    saved = {str(p) for m in existing for p in m["periods"]}
    try:
        with progress.table(spec.id) as on_progress:
            download = module.fetch_table(ctx, spec, saved=saved, since=since, full=full, progress=on_progress)
        if download is None or not download.periods:
            path = None
        else:
            path = save_download(
                directory,
                spec,
                download,
                suffix=module.SUFFIX,
                source_label=module.SOURCE_LABEL,
                validate_file=module.validate_file,
            )
    except (RejectedKeyError, NetworkError, MissingKeyError):
        raise
    except (ApiError, HttpStatusError, BodyError, UnknownTableError) as exc:
        message = ctx.redact(str(exc)).rstrip(".")
        progress.line(f"{spec.id}: failed: {message}")
        return TableResult(spec.id, "failed", message=message, row=getattr(exc, "row", None))
    if download is None:
        newest = periods_mod.sort_codes(saved)[-1] if saved else None
        msg = f"up to date (saved through {newest})" if newest else f"no periods published since {since}"
        progress.line(f"{spec.id}: {msg}")
        return TableResult(spec.id, "up to date", message=msg)
    if path is None:
        progress.line(f"{spec.id}: no new data")
        return TableResult(spec.id, "empty", message="no new data")
    removed = remove_fetched(existing, keep=path) if full else []
    new = [p for p in download.periods if p not in saved]
    rel = _relative(path)
    progress.line(
        f"{spec.id}: {len(download.periods)} period(s) {download.periods[0]}-{download.periods[-1]}"
        f" ({len(new)} new), {download.rows:,} rows -> {rel}"
        + (f"; removed {len(removed)} older file(s)" if removed else "")
    )
    return TableResult(spec.id, "fetched", new_periods=new, rows=download.rows, file=rel, removed=removed)


def _relative(path: Path) -> str:
    try:
        return path.relative_to(paths.data_dir().parent).as_posix()
    except ValueError:
        return str(path)


def _no_network_message(module, exc: NetworkError, directory: Path) -> str:
    when = latest_fetched_at(directory)
    reason = str(exc)
    if when is None:
        return f"no network ({reason}), and no data has been fetched before: connect to the internet and run `analysis fetch` again"
    return (
        f"no network ({reason}): the reports will use the data saved on {when.date().isoformat()}; "
        "run `analysis fetch` again when online"
    )


# --------------------------------------------------------------------------- command line


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        choices=sorted(SOURCES),
        default="jobindsats",
        help="jobindsats (API v3, needs JOBINDSATS_API_TOKEN) or dst (Statistics Denmark StatBank, no key)",
    )
    parser.add_argument("--tables", metavar="A,B", help="fetch only these tables (ids separated by commas)")
    parser.add_argument(
        "--since", metavar="PERIOD", default=DEFAULT_SINCE, help=f"first period to fetch, e.g. 2021M01 (default {DEFAULT_SINCE})"
    )
    parser.add_argument("--full", action="store_true", help="fetch every period again, not only the new ones")
    parser.add_argument("--quiet", action="store_true", help="no progress output, only the summary")
    parser.add_argument(
        "--check",
        action="store_true",
        help="check every table against the live API (its description and one small data call) and say what to change; writes nothing",
    )


def run_command(args: argparse.Namespace) -> int:
    secrets: tuple[str, ...] = ()
    try:
        token = read_setting("JOBINDSATS_API_TOKEN")
        secrets = (token,) if token else ()
        if args.check:
            check_source(args.source, tables=parse_table_list(args.tables))
            return 0
        fetch_source(
            args.source,
            tables=parse_table_list(args.tables),
            since=args.since,
            full=args.full,
            quiet=args.quiet,
        )
    except AnalysisError as exc:
        text = redact(str(exc), secrets)
        if text != str(exc):
            raise AnalysisError(text) from None
        raise
    return 0
