"""What every source's fetch shares: settings, errors, raw files and their manifests, periods to ask for.

Used by the orchestration (:mod:`analysis.sources.fetch`) and by the per-source modules
(:mod:`analysis.sources.jobindsats.api`, :mod:`analysis.sources.statbank.api`); it imports
neither, so they never import each other.

Settings come from the environment, else from ``KEY=VALUE`` lines in ``.env`` at the project root
(:func:`read_setting`; Notepad's and Excel's encodings are read, :func:`decode_text`).

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
a new file holding only those, so files never overlap (:func:`periods_to_fetch`). ``--full`` asks
for everything since ``--since`` and, only once the new complete file is saved, removes the
table's older fetched files (:func:`remove_fetched`). A download is written to a temporary file,
read back and checked, and renamed into place only when complete (:func:`save_download`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.core.paths import MANIFEST_SUFFIX
from analysis.reference import periods as periods_mod
from analysis.reference.tables import TableSpec
from analysis.sources.http import BodyError, FetchError, RetryPolicy, redact

log = logging.getLogger(__name__)
ENV_FILE = paths.PROJECT_ROOT / ".env"


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
    (the name :mod:`analysis.sources.jobindsats.reader` and :mod:`analysis.data.build` look for)."""
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
