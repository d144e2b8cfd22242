"""Fetching from the Jobindsats API v3 (used by :mod:`analysis.fetch`).

Per table, two requests, both with ``Authorization: Bearer <JOBINDSATS_API_TOKEN>``:

1. ``GET {base}/table/{id}?format=json``: the table description. It tells us that the table
   exists (404 -> unknown table), which periods are published and the ids of the
   hierarchies to expand. It is read tolerantly: if its shape is not understood the fetch
   falls back to calendar periods and the default hierarchies.
2. ``GET {base}/data/{id}?mgroup.*=*&period.M=...&hierarchy._nykom=*&format=json``: the data,
   every measure group, the wanted periods, all areas, and every value of the dimensions
   the registry (:mod:`analysis.tables`) lists for the table. The answer,
   ``{"columns": [...], "rows": [[...], ...]}`` (served with a UTF-8 byte-order mark), is saved verbatim.

What is certain and what is not (see DATA-SOURCES.md): ``period.M=latest:14``,
``hierarchy._nykom=/`` (total) and ``=*`` (all) and ``mgroup.*=*`` are documented. The
explicit period list (``period.M=2024M07,2024M08``) and the period type names ``Q`` and
``QMAT`` are our best reading of the v3 guide and live only in :func:`period_parameter`;
the area hierarchies live in :data:`DEFAULT_AREA_HIERARCHIES` (override with
``JOBINDSATS_AREA_HIERARCHIES=_nykom,_rar``). If STAR's syntax differs, change it there.

Should the API answer with rows of periods that are already saved (it ignored the period
list), those rows are dropped before saving and the manifest says so in ``note``; the
build must never see the same period in two files.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from analysis import paths, tables
from analysis.errors import AnalysisError, InputError
from analysis.fetch import (
    ApiError,
    Context,
    Download,
    MissingKeyError,
    RejectedKeyError,
    UnknownTableError,
    base_url as _base_url,
    calendar_periods,
    periods_to_fetch,
    read_setting,
)
from analysis.geography import normalise_label
from analysis.http_client import BodyError, Fetched, RetryPolicy, fetch, make_session
from analysis.periods import parse_period, sort_codes

log = logging.getLogger(__name__)

SOURCE_LABEL = "Jobindsats API v3"
SUFFIX = ".json"
SOURCE = "Jobindsats"  # TableSpec.source of the tables fetched here
TOKEN_ENV = "JOBINDSATS_API_TOKEN"
URL_ENV = "JOBINDSATS_API_URL"
AREAS_ENV = "JOBINDSATS_AREA_HIERARCHIES"
DEFAULT_BASE_URL = "https://api.jobindsats.dk/v3"
DEFAULT_AREA_HIERARCHIES = ("_nykom",)  # all municipalities and the country total
REJECTED_KEY_TEXT = "Forkert nøgle eller nøglen er udløbet."

#: v3 period type per period kind of analysis.periods (``period.<type>=...``).
V3_PERIOD_TYPES = {"M": "M", "Q": "Q", "QMAT": "QMAT"}
#: Tables published only for some quarters (the benchmark: rolling years ending in Q2 and Q4).
PUBLISHED_QUARTERS = {"Y30R21": (2, 4)}

MISSING_KEY = (
    f"{TOKEN_ENV} is not set: request a key from STAR (jobindsats@star.dk) and put it in the environment "
    "or in .env at the project root (never on the command line)"
)
REJECTED_KEY = (
    f'the Jobindsats API rejected the key ("{REJECTED_KEY_TEXT}"): check {TOKEN_ENV} in the environment or .env, '
    "or request a new key from STAR (jobindsats@star.dk)"
)


# --------------------------------------------------------------------------- the source interface used by analysis.fetch


def directory() -> Path:
    return paths.raw_jobindsats_dir()


def base_url() -> str:
    return _base_url(URL_ENV, DEFAULT_BASE_URL)


def fetchable_specs() -> list[tables.TableSpec]:
    return [s for s in tables.SPECS if s.source == SOURCE]


def select_tables(requested: list[str] | None) -> tuple[list[tables.TableSpec], list[tuple[str, str]]]:
    """The specs to fetch and the (table, reason) pairs skipped; raises UnknownTableError before any request."""
    not_here = [s for s in tables.SPECS if s.source != SOURCE and s.source != "Danmarks Statistik"]
    if requested is None:
        return fetchable_specs(), [(s.id, _skip_reason(s)) for s in not_here]
    chosen: list[tables.TableSpec] = []
    skipped: list[tuple[str, str]] = []
    unknown: list[str] = []
    for name in requested:
        try:
            spec = tables.spec(name)
        except InputError:
            unknown.append(name)
            continue
        if spec.source == SOURCE:
            if spec not in chosen:
                chosen.append(spec)
        elif spec.source == "Danmarks Statistik":
            raise UnknownTableError(f"{spec.id} comes from Statistics Denmark: fetch it with `analysis fetch --source dst`")
        elif spec.id not in [t for t, _ in skipped]:
            skipped.append((spec.id, _skip_reason(spec)))
    if unknown:
        known = ", ".join(s.id for s in fetchable_specs())
        raise UnknownTableError(
            f"unknown table{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}: "
            f"--tables takes ids separated by commas, from: {known}"
        )
    return chosen, skipped


def _skip_reason(spec: tables.TableSpec) -> str:
    return (
        f"not on the Jobindsats API (source: {spec.source}): save its CSV export in "
        f"data/raw/jobindsats/ by hand"
    )


def read_token() -> str:
    token = read_setting(TOKEN_ENV)
    if not token:
        raise MissingKeyError(MISSING_KEY)
    if any(ch.isspace() or ord(ch) < 32 for ch in token):
        raise MissingKeyError(f"{TOKEN_ENV} contains spaces or line breaks: copy the key again into the environment or .env")
    return token


def open_session(policy: RetryPolicy):
    token = read_token()
    session = make_session(policy, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    return session, (token,)


def fetch_table(
    ctx: Context,
    spec: tables.TableSpec,
    *,
    saved: set[str],
    since: str,
    full: bool,
    progress: Callable[[int, int | None], None] | None = None,
) -> Download | None:
    """Fetch the wanted periods of one table; None when there is nothing new to ask for."""
    kind = spec.period_kinds[0]
    meta = _get(ctx, build_metadata_url(ctx.base_url, spec.id), spec, what="table description")
    info = parse_metadata(meta.body, spec)
    since_start = parse_period(since).start
    if info.periods:
        candidates = [p for p in info.periods if parse_period(p).end >= since_start]
    else:
        candidates = calendar_periods(kind, since, ctx.today, PUBLISHED_QUARTERS.get(spec.id))
    wanted = periods_to_fetch(candidates, saved, full=full)
    if not wanted:
        return None
    url = build_data_url(ctx.base_url, spec.id, kind, wanted, hierarchy_selection(spec, info))
    log.debug("fetching %s: %s", spec.id, url)
    data = _get(ctx, url, spec, what="data", progress=progress, validate=lambda f: parse_v3(f.body, spec, _check_key=True))
    body = parse_v3(data.body, spec)
    payload, note = data.body, None
    overlap = set() if full else set(body.periods) & saved
    if overlap:
        payload, kept = body.without_periods(overlap)
        note = (
            f"the API also returned {len(body.rows) - kept} row(s) of {len(overlap)} period(s) already saved "
            f"({', '.join(sort_codes(overlap))}); they were dropped, so this file is not the verbatim response"
        )
        body = parse_v3(payload, spec)
    return Download(body=payload, query=url, periods=body.periods, rows=len(body.rows), note=note)


def validate_file(path: Path, spec: tables.TableSpec) -> tuple[list[str], int]:
    """Check a saved body (JSON parses, has columns and rows of the right length, periods parse)."""
    body = parse_v3(path.read_bytes(), spec)
    return body.periods, len(body.rows)


# --------------------------------------------------------------------------- URLs


def build_metadata_url(base: str, table_id: str) -> str:
    return f"{base.rstrip('/')}/table/{api_table_id(table_id)}?format=json"


def api_table_id(table_id: str) -> str:
    """The id as the v3 paths write it: lower case (ids are case-insensitive)."""
    return table_id.strip().lower()


def period_parameter(kind: str, period_codes: list[str]) -> tuple[str, str]:
    """The v3 period selection for explicit periods: ``("period.M", "2024M07,2024M08")``.

    The one place that knows the v3 period syntax. Documented forms: ``period.M=latest:14``
    (relative). Explicit codes separated by commas is our reading of the v3 guide (v2 took a
    list of codes too); the type is ``M``, ``Q`` or ``QMAT`` after :data:`V3_PERIOD_TYPES`.
    """
    if kind not in V3_PERIOD_TYPES:
        raise ValueError(f"no v3 period type for kind {kind!r}")
    if not period_codes:
        raise ValueError("period_parameter needs at least one period")
    return f"period.{V3_PERIOD_TYPES[kind]}", ",".join(parse_period(c).code for c in period_codes)


def build_data_url(base: str, table_id: str, kind: str, period_codes: list[str], hierarchies: Mapping[str, str]) -> str:
    """``{base}/data/{id}?mgroup.*=*&period.<type>=<codes>&hierarchy.<h>=<sel>...&format=json``.

    Never contains the key (it travels in the Authorization header only).
    """
    params = [("mgroup.*", "*"), period_parameter(kind, period_codes)]
    params += [(f"hierarchy.{h}", sel) for h, sel in hierarchies.items()]
    params.append(("format", "json"))
    return f"{base.rstrip('/')}/data/{api_table_id(table_id)}?" + urlencode(params, safe="*/:,._")


def area_hierarchies(listed: list[str] | None = None) -> list[str]:
    """Area hierarchies to expand with ``*``: from JOBINDSATS_AREA_HIERARCHIES or the default,
    kept to those the table description lists when it lists any."""
    configured = read_setting(AREAS_ENV)
    wanted = [h.strip() for h in configured.split(",") if h.strip()] if configured else list(DEFAULT_AREA_HIERARCHIES)
    if listed:
        present = [h for h in wanted if h in listed]
        if present:
            return present
    return wanted


def hierarchy_selection(spec: tables.TableSpec, info: TableInfo) -> dict[str, str]:
    """All areas, and all values of every dimension the registry lists for the table."""
    selection = {h: "*" for h in area_hierarchies(info.area_hierarchies)}
    for dim in spec.dimensions:
        hierarchy = info.dimension_hierarchies.get(dim.key)
        if hierarchy and hierarchy not in selection:
            selection[hierarchy] = "*"
    return selection


# --------------------------------------------------------------------------- responses


@dataclass
class TableInfo:
    """What we understood of a table description (all optional)."""

    periods: list[str] | None = None
    area_hierarchies: list[str] = field(default_factory=list)
    dimension_hierarchies: dict[str, str] = field(default_factory=dict)  # dimension key -> hierarchy id


_AREA_DIMENSIONS = {normalise_label(x) for x in ("_omrade", "_område", "_omraade", *tables.AREA_LABELS)}


def parse_metadata(body: bytes, spec: tables.TableSpec) -> TableInfo:
    """Read a v3 table description tolerantly; an unknown shape gives an empty TableInfo."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        log.warning("%s: the table description is not JSON; using calendar periods", spec.id)
        return TableInfo()
    kinds = set(spec.period_kinds)
    found: set[str] = set()
    info = TableInfo()

    def walk(node, in_period: bool) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("hierarchies"), list) and not in_period:
                _read_dimension(node, spec, info)
            for key, value in node.items():
                walk(value, in_period or "period" in str(key).casefold())
        elif isinstance(node, list):
            for value in node:
                walk(value, in_period)
        elif in_period and isinstance(node, str):
            try:
                p = parse_period(node)
            except AnalysisError:
                return
            if p.kind in kinds:
                found.add(p.code)

    walk(data, False)
    info.periods = sort_codes(found) if found else None
    return info


def _read_dimension(node: dict, spec: tables.TableSpec, info: TableInfo) -> None:
    ids = [str(node.get(k)) for k in ("dimension_id", "id") if node.get(k)]
    names = [str(node.get(k)) for k in ("dimension_name", "name", "label", "dimension_label", "text") if node.get(k)]
    hierarchies = [h for h in node["hierarchies"] if isinstance(h, dict)]
    hierarchy_ids = [str(h.get("hierarchy_id") or h.get("id")) for h in hierarchies if h.get("hierarchy_id") or h.get("id")]
    if not hierarchy_ids:
        return
    if any(normalise_label(x) in _AREA_DIMENSIONS for x in ids + names):
        info.area_hierarchies = hierarchy_ids
        return
    hierarchy_names = [str(h.get("hierarchy_name") or h.get("name") or "") for h in hierarchies]
    for label in names + ids + hierarchy_names:
        dim = spec.match_dimension(label) if label else None
        if dim is not None and dim.key not in info.dimension_hierarchies:
            info.dimension_hierarchies[dim.key] = hierarchy_ids[0]
            return


_PERIOD_COLUMNS = {normalise_label(x) for x in (*tables.PERIOD_LABELS, "Periode", "Period")}


@dataclass
class V3Body:
    data: dict
    labels: list[str]
    rows: list[list]
    period_index: int | None
    periods: list[str]  # sorted distinct canonical codes

    def without_periods(self, drop: set[str]) -> tuple[bytes, int]:
        """The body re-serialised without the rows of these periods, and how many rows remain."""
        kept = [r for r in self.rows if parse_period(str(r[self.period_index])).code not in drop]
        data = dict(self.data)
        data["rows"] = kept
        return json.dumps(data, ensure_ascii=False).encode("utf-8"), len(kept)


def _label(column) -> str:
    if isinstance(column, dict):
        for key in ("label", "name", "column_name", "text", "id"):
            if column.get(key):
                return str(column[key])
        return ""
    return str(column)


def parse_v3(body: bytes, spec: tables.TableSpec, *, _check_key: bool = False) -> V3Body:
    """Parse and check a v3 data body. Truncation-like faults raise BodyError (worth retrying);
    a well-formed body of an unexpected shape raises ApiError."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"{spec.id}: the response is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if _check_key and REJECTED_KEY_TEXT.casefold().rstrip(".") in text[:500].casefold():
        raise RejectedKeyError(REJECTED_KEY)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BodyError(f"{spec.id}: the response is incomplete or not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list) or not isinstance(data.get("rows"), list):
        raise ApiError(f"{spec.id}: the response is not a v3 table (expected {{\"columns\": [...], \"rows\": [...]}})")
    labels = [_label(c) for c in data["columns"]]
    rows = data["rows"]
    for number, row in enumerate(rows, 1):
        if not isinstance(row, list) or len(row) != len(labels):
            size = len(row) if isinstance(row, list) else type(row).__name__
            raise BodyError(f"{spec.id}: row {number} of the response has {size} cells, expected {len(labels)}")
    period_index = _period_column(labels, rows)
    if rows and period_index is None:
        raise ApiError(f"{spec.id}: the response has no period column (columns: {', '.join(labels)})")
    codes: set[str] = set()
    if rows:
        for number, row in enumerate(rows, 1):
            try:
                p = parse_period(str(row[period_index]))
            except AnalysisError:
                raise ApiError(
                    f"{spec.id}: row {number} of the response has period {row[period_index]!r}; "
                    "expected a code like 2023M01, 2023Q1 or 2022QMAT04"
                ) from None
            if p.kind not in spec.period_kinds:
                raise ApiError(f"{spec.id}: the response has {p.kind} period {p.code}; expected {'/'.join(spec.period_kinds)}")
            codes.add(p.code)
    return V3Body(data, labels, rows, period_index, sort_codes(codes))


def _period_column(labels: list[str], rows: list[list]) -> int | None:
    for i, label in enumerate(labels):
        if normalise_label(label) in _PERIOD_COLUMNS:
            return i
    if not rows:
        return None
    for i in range(len(labels)):
        try:
            for row in rows[:50]:
                parse_period(str(row[i]))
        except AnalysisError:
            continue
        return i
    return None


# --------------------------------------------------------------------------- requests


def _get(
    ctx: Context,
    url: str,
    spec: tables.TableSpec,
    *,
    what: str,
    progress: Callable[[int, int | None], None] | None = None,
    validate: Callable[[Fetched], object] | None = None,
) -> Fetched:
    fetched = fetch(ctx.session, "GET", url, policy=ctx.policy, validate=validate, progress=progress)
    _raise_for_status(ctx, fetched, spec, what)
    return fetched


def _raise_for_status(ctx: Context, fetched: Fetched, spec: tables.TableSpec, what: str) -> None:
    status = fetched.status
    text = fetched.text(2000)
    if status in (401, 403) or REJECTED_KEY_TEXT.casefold().rstrip(".") in text.casefold():
        raise RejectedKeyError(REJECTED_KEY)
    if 200 <= status < 300:
        return
    retries = ctx.policy.total
    if status == 404:
        raise UnknownTableError(
            f"the Jobindsats API does not know table {spec.id} (HTTP 404 for its {what}): "
            "check the id on jobindsats.dk and in analysis.tables"
        )
    if status == 429:
        raise ApiError(f"the Jobindsats API is still limiting requests (HTTP 429) after {retries} retries: wait and fetch again")
    if status >= 500:
        raise ApiError(f"the Jobindsats API answered HTTP {status} for the {what} of {spec.id} after {retries} retries: try again later")
    excerpt = ctx.redact(" ".join(text.split()))[:200]
    raise ApiError(
        f"the Jobindsats API refused the {what} request for {spec.id} (HTTP {status}: {excerpt}); "
        "the query is built by analysis.fetch_jobindsats.build_data_url"
    )
