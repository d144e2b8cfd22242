"""Fetching from Statistics Denmark's StatBank API (no key; used by :mod:`analysis.sources.fetch`).

Per table, two POSTs to ``${DST_API_URL:-https://api.statbank.dk/v1}``:

1. ``/tableinfo`` ``{"table": "AUK01", "format": "JSON", "lang": "da"}``: the variables and
   their values, so we ask only for quarters that exist and use the codes StatBank uses;
2. ``/data`` with a JSON body: ``format`` CSV, ``lang`` da, the whole country and all 98
   municipalities, every value of the table's breakdown (AUK01: ``YDELSESTYPE``), the totals
   of the other variables (``KØN``, ``ALDER``) and the wanted quarters (``2024K4``).

The CSV (``;``-separated, decimal comma, ``..`` for suppressed values) is saved verbatim
as ``data/raw/dst/AUK01__<first>-<last>.csv`` with a manifest; :mod:`analysis.sources.statbank.reader`
reads it into the tidy model.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analysis.core import paths
from analysis.core.errors import AnalysisError, InputError
from analysis.reference import geography, tables
from analysis.reference.geography import normalise_label
from analysis.reference.periods import parse_period, sort_codes
from analysis.sources.fetching import (
    ApiError,
    Context,
    Download,
    UnknownTableError,
)
from analysis.sources.fetching import base_url as _base_url
from analysis.sources.fetching import periods_to_fetch
from analysis.sources.http import BodyError, Fetched, RetryPolicy, fetch, make_session

log = logging.getLogger(__name__)

SOURCE_LABEL = "Statistics Denmark StatBank API"
SUFFIX = ".csv"
SOURCE = "Danmarks Statistik"
URL_ENV = "DST_API_URL"
DEFAULT_BASE_URL = "https://api.statbank.dk/v1"


@dataclass(frozen=True)
class DstQuery:
    """How to ask StatBank for one table."""

    table: str
    area_variable: str = "OMRÅDE"
    all_variables: tuple[str, ...] = ()  # every value (the table's breakdowns)
    total_variables: tuple[str, ...] = ()  # only the total ("TOT" / "... i alt")
    time_variable: str = "Tid"


QUERIES = {
    "AUK01": DstQuery("AUK01", all_variables=("YDELSESTYPE",), total_variables=("KØN", "ALDER")),
}


# --------------------------------------------------------------------------- the source interface used by analysis.sources.fetch


def directory() -> Path:
    return paths.raw_dst_dir()


def base_url() -> str:
    return _base_url(URL_ENV, DEFAULT_BASE_URL)


def fetchable_specs() -> list[tables.TableSpec]:
    return [s for s in tables.SPECS if s.source == SOURCE and s.id in QUERIES]


def select_tables(requested: list[str] | None) -> tuple[list[tables.TableSpec], list[tuple[str, str]]]:
    if requested is None:
        return fetchable_specs(), []
    chosen: list[tables.TableSpec] = []
    unknown: list[str] = []
    for name in requested:
        try:
            spec = tables.spec(name)
        except InputError:
            unknown.append(name)
            continue
        if spec.source == SOURCE and spec.id in QUERIES:
            if spec not in chosen:
                chosen.append(spec)
        elif spec.source == "Jobindsats":
            raise UnknownTableError(f"{spec.id} comes from Jobindsats: fetch it with `analysis fetch` (--source jobindsats)")
        else:
            unknown.append(name)
    if unknown:
        known = ", ".join(s.id for s in fetchable_specs())
        raise UnknownTableError(
            f"unknown Statistics Denmark table{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}: "
            f"--tables with --source dst takes ids from: {known}"
        )
    return chosen, []


def open_session(policy: RetryPolicy):
    return make_session(policy, headers={"Accept": "text/csv, application/json"}), ()


def fetch_table(
    ctx: Context,
    spec: tables.TableSpec,
    *,
    saved: set[str],
    since: str,
    full: bool,
    progress: Callable[[int, int | None], None] | None = None,
) -> Download | None:
    query = QUERIES[spec.id]
    info_url, info_body = tableinfo_request(ctx.base_url, query.table)
    info = _post(ctx, info_url, info_body, spec, what="table description")
    variables = parse_tableinfo(info.body, spec)
    quarters = available_quarters(variables, query)
    since_start = parse_period(since).start
    candidates = [q for q in quarters if parse_period(q).end >= since_start]
    wanted = periods_to_fetch(candidates, saved, full=full)
    if not wanted:
        return None
    url, body = build_data_request(ctx.base_url, query, variables, wanted)
    data = _post(ctx, url, body, spec, what="data", progress=progress, validate=lambda f: parse_csv(f.body, spec))
    codes, rows, lines = parse_csv(data.body, spec)
    payload, note = data.body, None
    overlap = set() if full else set(codes) & saved
    if overlap:
        payload = drop_periods(data.body, overlap, spec)
        kept_codes, kept_rows, _ = parse_csv(payload, spec)
        note = (
            f"StatBank also returned {rows - kept_rows} row(s) of periods already saved ({', '.join(sort_codes(overlap))}); "
            "they were dropped, so this file is not the verbatim response"
        )
        codes, rows = kept_codes, kept_rows
    return Download(body=payload, query={"url": url, "method": "POST", "body": body}, periods=codes, rows=rows, note=note)


def validate_file(path: Path, spec: tables.TableSpec) -> tuple[list[str], int]:
    codes, rows, _ = parse_csv(path.read_bytes(), spec)
    return codes, rows


# --------------------------------------------------------------------------- requests


def tableinfo_request(base: str, table: str) -> tuple[str, dict]:
    return f"{base.rstrip('/')}/tableinfo", {"table": table, "format": "JSON", "lang": "da"}


def dst_quarter(code: str) -> str:
    """``2024Q4`` -> ``2024K4`` (StatBank's Danish quarter code)."""
    p = parse_period(code)
    if p.kind != "Q":
        raise ValueError(f"{code!r} is not a quarter")
    return p.code.replace("Q", "K")


def build_data_request(base: str, query: DstQuery, variables: dict[str, list[tuple[str, str]]], quarters: list[str]) -> tuple[str, dict]:
    """The POST ``/data`` URL and JSON body for the wanted quarters (canonical codes ``2024Q4``)."""
    body = {
        "table": query.table,
        "format": "CSV",
        "lang": "da",
        "variables": [
            {"code": _variable_id(variables, query.area_variable), "values": area_codes(variables, query)},
            *({"code": _variable_id(variables, v), "values": ["*"]} for v in query.all_variables),
            *({"code": _variable_id(variables, v), "values": [total_code(variables, v)]} for v in query.total_variables),
            {"code": _variable_id(variables, query.time_variable), "values": [dst_quarter(q) for q in quarters]},
        ],
    }
    return f"{base.rstrip('/')}/data", body


def _variable_id(variables: dict, name: str) -> str:
    for vid in variables:
        if normalise_label(vid) == normalise_label(name):
            return vid
    return name


def _values(variables: dict, name: str) -> list[tuple[str, str]]:
    return variables.get(_variable_id(variables, name), [])


def area_codes(variables: dict, query: DstQuery) -> list[str]:
    """The codes of the whole country and the 98 municipalities, as the table lists them."""
    codes = []
    for vid, text in _values(variables, query.area_variable):
        area = geography.find_area(text) or geography.find_area(vid)
        if area is not None and area.level in ("kommune", "land"):
            codes.append(vid)
    if not codes:
        raise ApiError(f"{query.table}: the table description lists no municipalities under {query.area_variable}")
    return codes


def total_code(variables: dict, name: str) -> str:
    values = _values(variables, name)
    for vid, text in values:
        if vid.upper() in ("TOT", "TOTAL") or "i alt" in text.casefold():
            return vid
    return values[0][0] if values else "TOT"


def available_quarters(variables: dict, query: DstQuery) -> list[str]:
    out = set()
    for vid, _text in _values(variables, query.time_variable):
        try:
            p = parse_period(vid)
        except AnalysisError:
            continue
        if p.kind == "Q":
            out.add(p.code)
    if not out:
        raise ApiError(f"{query.table}: the table description lists no quarters under {query.time_variable}")
    return sort_codes(out)


def parse_tableinfo(body: bytes, spec: tables.TableSpec) -> dict[str, list[tuple[str, str]]]:
    """``{variable id: [(value id, value text), ...]}`` from a StatBank tableinfo answer."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
        variables = {}
        for var in data["variables"]:
            variables[str(var["id"])] = [(str(v["id"]), str(v.get("text", v["id"]))) for v in var["values"]]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ApiError(f"{spec.id}: StatBank's table description is not in the expected shape ({exc})") from None
    return variables


def _post(
    ctx: Context,
    url: str,
    body: dict,
    spec: tables.TableSpec,
    *,
    what: str,
    progress: Callable[[int, int | None], None] | None = None,
    validate: Callable[[Fetched], object] | None = None,
) -> Fetched:
    fetched = fetch(ctx.session, "POST", url, policy=ctx.policy, json=body, validate=validate, progress=progress)
    status = fetched.status
    if 200 <= status < 300:
        return fetched
    retries = ctx.policy.total
    if status == 429:
        raise ApiError(f"StatBank is still limiting requests (HTTP 429) after {retries} retries: wait and fetch again")
    if status >= 500:
        raise ApiError(f"StatBank answered HTTP {status} for the {what} of {spec.id} after {retries} retries: try again later")
    message = fetched.text(2000)
    try:
        message = json.loads(message).get("message", message)
    except (ValueError, AttributeError):
        pass
    excerpt = ctx.redact(" ".join(str(message).split()))[:200]
    if status == 404 or "table" in excerpt.casefold() and "not" in excerpt.casefold():
        raise UnknownTableError(f"StatBank does not know table {spec.id} (HTTP {status}: {excerpt})")
    raise ApiError(f"StatBank refused the {what} request for {spec.id} (HTTP {status}: {excerpt})")


# --------------------------------------------------------------------------- CSV bodies


_TIME_COLUMNS = {"tid", "time", "kvartal", "quarter"}


def parse_csv(body: bytes, spec: tables.TableSpec) -> tuple[list[str], int, list[list[str]]]:
    """Check a StatBank CSV: header, equal field counts, quarters that parse. Returns (periods, rows, records)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"{spec.id}: the CSV is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    records = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r]
    if not records:
        raise BodyError(f"{spec.id}: the CSV is empty")
    header = records[0]
    time_index = next((i for i, h in enumerate(header) if normalise_label(h) in _TIME_COLUMNS), None)
    if time_index is None or len(header) < 2:
        raise ApiError(f"{spec.id}: the CSV has no time column (header: {';'.join(header)[:200]})")
    codes = set()
    for number, record in enumerate(records[1:], 2):
        if len(record) != len(header):
            raise BodyError(f"{spec.id}: line {number} of the CSV has {len(record)} fields, expected {len(header)}")
        try:
            p = parse_period(record[time_index])
        except AnalysisError:
            raise BodyError(f"{spec.id}: line {number} of the CSV has time {record[time_index]!r}; expected e.g. 2024K4") from None
        if p.kind not in spec.period_kinds:
            raise ApiError(f"{spec.id}: line {number} has {p.kind} period {p.code}; expected {'/'.join(spec.period_kinds)}")
        codes.add(p.code)
    return sort_codes(codes), len(records) - 1, records


def drop_periods(body: bytes, drop: set[str], spec: tables.TableSpec) -> bytes:
    """The CSV without the lines of these periods (header and line endings kept)."""
    text = body.decode("utf-8-sig")
    bom = body.startswith(b"\xef\xbb\xbf")
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]], delimiter=";"))
    time_index = next(i for i, h in enumerate(header) if normalise_label(h) in _TIME_COLUMNS)
    kept = [lines[0]]
    for line in lines[1:]:
        fields = next(csv.reader([line], delimiter=";"), [])
        if fields and parse_period(fields[time_index]).code in drop:
            continue
        kept.append(line)
    return (b"\xef\xbb\xbf" if bom else b"") + "".join(kept).encode("utf-8")
