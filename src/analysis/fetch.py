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
                          they are chosen from each table's description (see :mod:`analysis.fetch_jobindsats`)
``JOBINDSATS_PERIOD_TYPES``  period types to try first, e.g. ``M,Q,QMAT`` (default: those the
                          table's description lists, else a fixed order)

``--check`` fetches only each table's description and one small data call, prints one row
per table (see :mod:`analysis.fetch_check`) and exits non-zero naming what to change when a
table cannot be fetched; it never writes under ``data/raw``.

Layout (the raw files are never modified once written)::

    data/raw/jobindsats/<TABLE>__<first>-<last>.json            the API response body, verbatim
    data/raw/jobindsats/<TABLE>__<first>-<last>.json.manifest.json  table, query, fetched_at, sha256, rows, periods,
        and what the fetch learnt: period_type, period_selection, area_hierarchies, regional_level
    data/raw/dst/AUK01__<first>-<last>.csv                      StatBank CSV, verbatim
    data/raw/dst/AUK01__<first>-<last>.csv.manifest.json

Files without a manifest (saved v2 responses, CSV downloads from the portal, the JobAG job
order CSV) are the analyst's own: fetch never touches them. Readers must skip
``*.manifest.json`` files and names starting with ``.`` (temporary files); see :func:`is_manifest`.

Incremental: the periods already saved for a table are read from its manifests; a fetch asks
only for periods newer than those (or older than the oldest, back to ``--since``) and writes
a new file holding only those, so files never overlap. ``--full`` asks for everything since
``--since`` and, only once the new complete file is saved, removes the table's older fetched files.

Faults: 429, 5xx, timeouts and dropped connections are retried with exponential back-off a
bounded number of times (:mod:`analysis.http_client`); a download is written to a temporary
file, checked, and renamed only when complete, so a failure never replaces good data. A
missing or rejected key, an unknown table or no network each end with one line saying what to do.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from analysis.core import paths
from analysis.reference import periods as periods_mod
from analysis.core.errors import AnalysisError, ParameterError
from analysis.http_client import (  # re-exported: the errors a fetch can end with
    DEFAULT_POLICY,
    BodyError,
    FetchError,
    HttpStatusError,
    NetworkError,
    RetryPolicy,
    redact,
    safe_url,
)
from analysis.reference.tables import TableSpec

log = logging.getLogger(__name__)

SOURCES = {"jobindsats": "analysis.fetch_jobindsats", "dst": "analysis.fetch_dst"}
DEFAULT_SINCE = "2019M01"
MANIFEST_SUFFIX = ".manifest.json"
ENV_FILE = paths.PROJECT_ROOT / ".env"

__all__ = [
    "ApiError",
    "BodyError",
    "FetchError",
    "MissingKeyError",
    "NetworkError",
    "NoNetworkError",
    "RejectedKeyError",
    "UnknownTableError",
    "configure_parser",
    "run_command",
    "fetch_source",
]


# --------------------------------------------------------------------------- errors


class MissingKeyError(FetchError):
    """No API key in the environment or in .env."""


class RejectedKeyError(FetchError):
    """The API says the key is wrong or expired."""


class UnknownTableError(FetchError, ParameterError):
    """A table that is not in the registry, not on this source, or unknown to the API."""


class ApiError(FetchError):
    """The API answered with an error we cannot retry our way out of."""


class NoNetworkError(FetchError):
    """The source could not be reached at all."""


# --------------------------------------------------------------------------- settings


def read_setting(name: str, env_file: Path | None = None) -> str | None:
    """A setting from the environment, else from ``KEY=VALUE`` lines in ``.env`` (git-ignored).

    Blank lines and ``#`` comments are skipped; ``export KEY=VALUE`` and quoted values are accepted.
    """
    value = os.environ.get(name)
    if value is not None and value.strip():
        return value.strip()
    env_file = ENV_FILE if env_file is None else env_file
    try:
        raw = Path(env_file).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except OSError as exc:
        raise ParameterError(f"the settings file .env at the project root cannot be read ({exc.strerror or exc}); check its permissions") from None
    lines = decode_text(raw).splitlines()
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, val = line.partition("=")
        key = key.strip()
        if key.startswith("export "):
            key = key[len("export ") :].strip()
        if key != name:
            continue
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] and val[0] in "\"'":
            val = val[1:-1]
        return val.strip() or None
    return None


def decode_text(raw: bytes) -> str:
    """Text of a small settings file as Windows editors save it: UTF-8 (with or without BOM),
    UTF-16 with a BOM (Notepad's "Unicode"), else Windows-1252 (Danish Notepad/Excel "ANSI")."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # never fails; the five bytes cp1252 leaves undefined


def base_url(env_name: str, default: str) -> str:
    url = (read_setting(env_name) or default).strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ParameterError(f"{env_name} must be an http(s) URL, e.g. {default}")
    return url


# --------------------------------------------------------------------------- manifests and raw files


def is_manifest(path: Path | str) -> bool:
    """True for the manifest files that sit beside fetched raw files (readers must skip them)."""
    return str(path).endswith(MANIFEST_SUFFIX)


def raw_name(table_id: str, period_codes: Iterable[str], suffix: str) -> str:
    codes = periods_mod.sort_codes(period_codes)
    return f"{table_id}__{codes[0]}-{codes[-1]}{suffix}"


def manifest_path(data_path: Path) -> Path:
    """``Y25I09__2019M01-2025M09.json`` -> ``Y25I09__2019M01-2025M09.json.manifest.json``
    (the name :mod:`analysis.readers` and :mod:`analysis.build` look for)."""
    return data_path.with_name(data_path.name + MANIFEST_SUFFIX)


def read_manifests(directory: Path, table_id: str | None = None) -> list[dict]:
    """The manifests in a directory (of one table) whose data file exists, oldest fetch first.

    Each dict gets an extra ``_path`` (the data file) and ``_manifest`` (the manifest file).
    Unreadable manifests are skipped with a warning: the data file is then treated as unknown.
    """
    found = []
    if not directory.is_dir():
        return found
    for mpath in sorted(directory.glob(f"*{MANIFEST_SUFFIX}")):
        if mpath.name.startswith("."):
            continue
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
            data_path = directory / manifest["file"]
            table = str(manifest["table"])
            list(manifest["periods"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable manifest %s: %s", mpath, exc)
            continue
        if table_id is not None and table.upper() != table_id.upper():
            continue
        if not data_path.is_file():
            continue
        manifest["_path"] = data_path
        manifest["_manifest"] = mpath
        found.append(manifest)
    found.sort(key=lambda m: str(m.get("fetched_at", "")))
    return found


def saved_periods(directory: Path, table_id: str) -> set[str]:
    """The period codes already saved for a table, according to its manifests."""
    return {str(p) for m in read_manifests(directory, table_id) for p in m["periods"]}


def latest_fetched_at(*directories: Path) -> datetime | None:
    """When the newest fetched file in these directories was fetched (the data vintage), or None."""
    newest = None
    for directory in directories:
        for m in read_manifests(directory):
            try:
                when = datetime.fromisoformat(str(m["fetched_at"]).replace("Z", "+00:00"))
            except (KeyError, ValueError):
                continue
            if newest is None or when > newest:
                newest = when
    return newest


@dataclass
class Download:
    """What a source hands back for one table: the body to save and what it holds."""

    body: bytes
    query: object  # URL (str) or {"url", "method", "body"} -- never contains a secret
    periods: list[str]
    rows: int
    note: str | None = None  # e.g. rows dropped because their periods were already saved
    extra: dict = field(default_factory=dict)  # what the source learnt about the table (period type, areas, ...)


def save_download(
    directory: Path,
    spec: TableSpec,
    download: Download,
    *,
    suffix: str,
    source_label: str,
    validate_file: Callable[[Path, TableSpec], tuple[list[str], int]],
) -> Path:
    """Write the body and its manifest atomically; return the data file's path.

    The body goes to a temporary file in the same directory, which is read back and checked
    with ``validate_file`` (it must hold exactly the periods and rows the download says),
    then the manifest and the data file are renamed into place.
    """
    directory.mkdir(parents=True, exist_ok=True)
    data_path = directory / raw_name(spec.id, download.periods, suffix)
    mpath = manifest_path(data_path)
    token = f"{os.getpid()}-{time.monotonic_ns()}"
    tmp_data = directory / f".{data_path.name}.{token}.tmp"
    tmp_manifest = directory / f".{mpath.name}.{token}.tmp"
    try:
        _write_synced(tmp_data, download.body)
        file_periods, file_rows = validate_file(tmp_data, spec)
        if sorted(file_periods) != sorted(download.periods) or file_rows != download.rows:
            raise BodyError(f"{data_path.name}: the saved file does not read back as downloaded")
        manifest = {
            "table": spec.id,
            "source": source_label,
            "file": data_path.name,
            "query": download.query,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "sha256": hashlib.sha256(download.body).hexdigest(),
            "bytes": len(download.body),
            "rows": download.rows,
            "periods": periods_mod.sort_codes(download.periods),
        }
        for key, value in download.extra.items():
            manifest.setdefault(key, value)
        if download.note:
            manifest["note"] = download.note
        _write_synced(tmp_manifest, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        # Manifest first: a data file never exists without its manifest (a stray manifest
        # whose data file is missing is ignored by read_manifests).
        os.replace(tmp_manifest, mpath)
        os.replace(tmp_data, data_path)
    finally:
        for tmp in (tmp_data, tmp_manifest):
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
    return data_path


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def remove_fetched(manifests: Iterable[dict], keep: Path) -> list[str]:
    """Remove fetched files (data, then manifest) other than ``keep``; return their names."""
    removed = []
    for m in manifests:
        data_path: Path = m["_path"]
        if data_path.resolve() == keep.resolve():
            continue
        data_path.unlink(missing_ok=True)
        if m["_manifest"] != manifest_path(keep):
            m["_manifest"].unlink(missing_ok=True)
        removed.append(data_path.name)
    return removed


# --------------------------------------------------------------------------- which periods to ask for


def calendar_periods(kind: str, since: str, today: date, quarters: tuple[int, ...] | None = None) -> list[str]:
    """Every period code of ``kind`` that ends on or after the start of ``since`` and starts by ``today``.

    ``quarters`` restricts Q/QMAT codes to those ending in these quarters (Y30R21: 2 and 4).
    """
    start = periods_mod.parse_period(since).start
    if kind == "M":
        if (start.year, start.month) > (today.year, today.month):
            return []
        codes = periods_mod.month_range(f"{start.year}M{start.month:02d}", f"{today.year}M{today.month:02d}")
    elif kind in ("Q", "QMAT"):
        q0 = (start.month - 1) // 3 + 1
        q1 = (today.month - 1) // 3 + 1
        if (start.year, q0) > (today.year, q1):
            return []
        codes = periods_mod.quarter_range(f"{start.year}Q{q0}", f"{today.year}Q{q1}", kind)
    else:
        raise ParameterError(f"period kind {kind!r} is unknown; expected one of {', '.join(periods_mod.KINDS)}")
    if quarters and kind in ("Q", "QMAT"):
        codes = [c for c in codes if int(c[-1]) in quarters]
    return codes


def periods_to_fetch(candidates: Iterable[str], saved: set[str], *, full: bool) -> list[str]:
    """The candidate periods a fetch asks for.

    ``--full`` (or nothing saved): all candidates. Otherwise only those newer than the newest
    saved period, or older than the oldest (a ``--since`` before what is saved); periods inside
    the saved range are never asked again, so a new file can never overlap a saved one.
    """
    cands = periods_mod.sort_codes(candidates)
    if full or not saved:
        return cands
    ends = [periods_mod.parse_period(p).end for p in saved]
    newest, oldest = max(ends), min(ends)
    out = []
    for code in cands:
        end = periods_mod.parse_period(code).end
        if code not in saved and (end > newest or end < oldest):
            out.append(code)
    return out


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
    row: object = None  # the --check row (analysis.fetch_check.CheckRow) when the table cannot be fetched as described


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
            from analysis.fetch_check import table_lines

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


# --------------------------------------------------------------------------- the fetch itself


@dataclass
class Context:
    """What a source needs to fetch one table."""

    session: object
    policy: RetryPolicy
    base_url: str
    today: date
    secrets: tuple[str, ...] = ()

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)


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
    """``analysis fetch --check``: one row per table (:mod:`analysis.fetch_check`); writes nothing.

    Raises :class:`MissingKeyError` (the same message as a fetch) before any request, and a
    :class:`FetchError` naming what to change when a table the notebooks use cannot be fetched.
    """
    from analysis.fetch_check import CheckRow, table_lines
    from analysis.reference.tables import spec as table_spec

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
        from analysis.fetch_check import what_to_change

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
