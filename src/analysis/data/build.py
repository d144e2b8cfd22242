"""``analysis build``: every raw file under data/raw -> validated tidy Parquet in data/processed.

For each data source present (``real``: data/raw/jobindsats, data/raw/dst, data/raw/local;
``demo``: the same under data/raw/demo) the build

1. lists the raw files it reads (every ``.csv``/``.json`` under jobindsats/ and dst/, and the
   local inputs of :data:`LOCAL_INPUTS`) with their size, modification time and sha256;
2. verifies every fetched file against the size and checksum its fetch manifest
   (``<file>.manifest.json``, written by ``analysis fetch``) recorded: a file cut short or
   changed after fetching stops the build;
3. reads each table whose raw files changed since the last build with the reader for its
   format (raw files are only read, never changed) and validates it against the data model
   (schema, known areas, periods, each measure's domain, duplicate keys within and across the
   files of the table);
4. writes ``<TABLE>.parquet`` per table, local inputs under ``local/`` and a ``manifest.json``
   (built_at, raw files with size, modification time, sha256 and fetch time, rows and periods
   per table, the raw files of each table) into a staging folder, with the unchanged tables'
   files linked in from the previous build, and only then swaps it in for
   data/processed/<source>.

Processed data is always exactly what the current raw files give:

- **Incremental.** When no raw file changed (same files, same sha256; size and modification time
  are compared first, the sha256 only when they differ) and the build code is the same, nothing
  is written and the build says so. Otherwise only the tables whose raw files changed are read
  again, always all files of such a table together, so checks across files still hold. A change
  in the build code (readers, data model, table registry) rebuilds everything.
- **Removal.** A table whose raw files are gone is not in the new build; a source whose raw
  files are all gone loses its processed folder.
- **Stale data is refused.** ``analysis run`` calls :func:`check_current` before anything else
  and refuses with one line when a raw file is new, gone or different from what the build
  manifest recorded: run ``analysis build`` first. (It refuses rather than rebuilds, so a report
  never starts from data nobody has looked at the build summary of.)

Files the build notices: those read as Windows-1252 (Excel's "CSV (semikolonsepareret)") are
named in the summary; a hand-dropped CSV whose last line has no line ending gets a warning (it
may be cut short; see :mod:`analysis.sources.textfile`).

Any problem stops the build with one line naming the file, the row and the problem; the
previous processed data stays as it was. One build runs at a time (``data/processed/.build.lock``);
staging folders that an interrupted build left behind (they carry a marker file, see
:mod:`analysis.core.atomic`) are removed by the next build, and nothing else is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from analysis.core import atomic, paths
from analysis.core.errors import InputError
# This module imports pandas and the readers only when a table has to be read, so a build with
# nothing to do (and the check `analysis run` makes) takes a fraction of a second.

#: The jobcentre's own inputs: file under data/raw/local/ -> (module, processed name). Each module
#: provides FILENAME, NAME and read_local(path, data_root) -> DataFrame (tests check they agree).
LOCAL_INPUTS = {
    "forloeb.csv": ("analysis.sources.local.spells", "spells"),
    "lokale_noegletal.csv": ("analysis.sources.local.local_key_figures", "local_key_figures"),
}
LOCAL_INPUT_MODULES = tuple(module for module, _ in LOCAL_INPUTS.values())
MADE_BY = "analysis build"
FORMAT = 2  # of the build manifest
# The modules and data whose code decides what a processed table holds: a change rebuilds everything.
BUILDER_FILES = (
    "data/build.py", "sources/jobindsats/reader.py", "sources/statbank/reader.py", "sources/statbank/auk01.py", "sources/tidy.py", "sources/textfile.py",
    "sources/local/csv_text.py", "sources/local/spells.py", "sources/local/local_key_figures.py", "sources/local/cpr.py",
    "reference/model.py", "reference/tables.py", "reference/geography.py", "reference/periods.py", "core/paths.py",
)
_HASH_BLOCK = 1 << 20


def configure_parser(parser) -> None:
    parser.add_argument(
        "--source",
        choices=("demo", "real", "all"),
        default="all",
        help="which raw data to build (default: every source that has raw files)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")


def run_command(args) -> int:
    sources = list(paths.SOURCES) if args.source == "all" else [args.source]
    with build_lock():
        present = [s for s in sources if has_raw_data(s)]
        removed = [s for s in sources if s not in present and remove_processed(s)]
        for source in removed:
            if not args.quiet:
                print(f"removed {paths.processed_dir(source)}: no raw files of the {source} data are left")
        if not present:
            wanted = "any source" if args.source == "all" else f"source {args.source!r}"
            raise InputError(
                f"no raw data for {wanted} under {paths.data_dir() / 'raw'}: run `analysis demo` for the demo dataset "
                "or `analysis fetch` (or drop Jobindsats files into data/raw/jobindsats/) for real data"
            )
        for source in present:
            result = build_source(source, locked=True)
            for warning in result.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            if not args.quiet:
                print(result.summary())
    return 0


# --------------------------------------------------------------------------- raw files


def raw_files(source: str) -> dict[str, list[Path]]:
    """The raw files the build reads, by kind: 'jobindsats', 'dst', 'local'."""
    found = {}
    for kind, folder in (("jobindsats", paths.raw_jobindsats_dir(source)), ("dst", paths.raw_dst_dir(source))):
        found[kind] = sorted(p for p in folder.glob("*") if paths.is_raw_data_file(p)) if folder.is_dir() else []
    local = paths.raw_local_dir(source)
    found["local"] = sorted(local / name for name in LOCAL_INPUTS if (local / name).is_file())
    return found


def has_raw_data(source: str) -> bool:
    files = raw_files(source)
    return bool(files["jobindsats"] or files["dst"])


def _rel(path: Path) -> str:
    return path.relative_to(paths.data_dir()).as_posix()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path, previous: dict | None) -> dict:
    """{"bytes", "mtime_ns", "sha256"} of a file; the sha256 is taken from ``previous`` when size and time agree."""
    st = path.stat()
    entry = {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns}
    if previous and previous.get("bytes") == st.st_size and previous.get("mtime_ns") == st.st_mtime_ns and previous.get("sha256"):
        entry["sha256"] = previous["sha256"]
    else:
        entry["sha256"] = sha256_of(path)
    return entry


def fingerprint(source: str, previous: dict | None = None) -> list[dict]:
    """One entry per raw file the build reads: path (relative to the data root), kind, bytes, mtime_ns,
    sha256, modified, and ``fetch_manifest`` ({"bytes", "mtime_ns", "sha256"}) for a fetched file."""
    before = {e.get("path"): e for e in (previous or {}).get("raw_files", [])}
    out = []
    for kind, files in raw_files(source).items():
        for path in files:
            rel = _rel(path)
            old = before.get(rel) or {}
            entry = {"path": rel, "kind": kind, **_stamp(path, old)}
            entry["modified"] = datetime.fromtimestamp(entry["mtime_ns"] / 1e9, timezone.utc).isoformat(timespec="seconds")
            sidecar = paths.fetch_manifest(path)
            if sidecar.is_file():
                entry["fetch_manifest"] = _stamp(sidecar, old.get("fetch_manifest"))
                fetched = _read_json(sidecar)
                if isinstance(fetched, dict) and fetched.get("fetched_at"):
                    entry["fetched_at"] = fetched["fetched_at"]
            out.append(entry)
    return out


def _identity(entry: dict) -> tuple:
    return entry["path"], entry["sha256"], (entry.get("fetch_manifest") or {}).get("sha256")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def builder_version() -> str:
    """A digest of the code and reference data that decide what a processed table holds."""
    here = Path(__file__).resolve().parents[1]  # the analysis package (BUILDER_FILES are relative to it)
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for name in (*BUILDER_FILES, *sorted(p.relative_to(here).as_posix() for p in (here / "reference").glob("*.csv"))):
        path = here / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()[:16]


# --------------------------------------------------------------------------- is the processed data current?


def previous_manifest(source: str) -> dict | None:
    manifest = _read_json(paths.processed_dir(source) / "manifest.json")
    return manifest if isinstance(manifest, dict) else None


def stale_reasons(source: str) -> list[str]:
    """Why data/processed/<source> is not what the current raw files give: [] when it is.

    Compares the raw files with the build manifest: size and modification time first, the
    sha256 only for a file where they differ. A missing manifest gives [] (there is no
    processed data to be stale; the loading API says so itself).
    """
    manifest = previous_manifest(source)
    if manifest is None:
        return []
    recorded = {e.get("path"): e for e in manifest.get("raw_files", []) if isinstance(e, dict)}
    reasons = []
    current = {}
    for kind, files in raw_files(source).items():
        for path in files:
            current[_rel(path)] = path
    for rel, path in current.items():
        old = recorded.get(rel)
        if old is None:
            reasons.append(f"{rel} is new")
            continue
        if _stamp(path, old)["sha256"] != old.get("sha256"):
            reasons.append(f"{rel} changed")
            continue
        sidecar, old_sidecar = paths.fetch_manifest(path), old.get("fetch_manifest")
        if sidecar.is_file() != bool(old_sidecar) or (
            sidecar.is_file() and _stamp(sidecar, old_sidecar)["sha256"] != old_sidecar.get("sha256")
        ):
            reasons.append(f"the fetch manifest of {rel} changed")
    reasons += [f"{rel} is gone" for rel in recorded if rel not in current]
    return reasons


def check_current(source: str, *, chosen_automatically: bool = False) -> None:
    """Raise InputError (one line) when data/processed/<source> is not what the current raw files give.

    ``chosen_automatically``: the source was picked because it had processed data; then real raw files
    that were never built (so the demo data was picked) are refused too.
    """
    if chosen_automatically and source == "demo" and has_raw_data("real") and previous_manifest("real") is None:
        raise InputError(
            f"there are real raw files in {paths.raw_dir('real')} that were never built, so the reports would use the "
            "demo data; run `analysis build` first (or choose --source demo)"
        )
    reasons = stale_reasons(source)
    if reasons:
        more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
        built = (previous_manifest(source) or {}).get("built_at", "?")
        raise InputError(
            f"the processed {source} data is out of date: {reasons[0]}{more} since the build of {built}; "
            "run `analysis build` first, so the reports use exactly what the raw files give"
        )


# --------------------------------------------------------------------------- the build


@dataclass
class BuildResult:
    source: str
    manifest: dict
    seconds: float
    up_to_date: bool = False
    rebuilt: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    windows_1252: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        m = self.manifest
        if self.up_to_date:
            return (f"{self.source}: up to date, nothing to build ({len(m['raw_files'])} raw files unchanged since "
                    f"the build of {m.get('built_at')}; checked in {self.seconds:.1f} s) -> {paths.processed_dir(self.source)}")
        rows = sum(t["rows"] for t in m["tables"].values())
        lines = [
            f"built {self.source}: {len(m['tables'])} tables, {rows:,} rows from {len(m['raw_files'])} raw files "
            f"in {self.seconds:.1f} s -> {paths.processed_dir(self.source)}"
        ]
        parts = [f"rebuilt {', '.join(self.rebuilt)}"] if self.rebuilt else []
        if self.reused:
            parts.append(f"unchanged {', '.join(self.reused)}")
        if self.removed:
            parts.append(f"removed {', '.join(self.removed)} (no raw file gives them any more)")
        if parts and (self.reused or self.removed):
            lines.append("  " + "; ".join(parts))
        if self.windows_1252:
            lines.append(f"  read as Windows-1252 (Excel's CSV): {', '.join(self.windows_1252)}")
        for table in m["tables"].values():
            lines.extend(f"  note: {note}" for note in table.get("notes", ()))
        return "\n".join(lines)


def build(source: str) -> dict:
    """Build data/processed/<source> from data/raw (see the module docstring). Returns the manifest."""
    return build_source(source).manifest


def build_source(source: str, *, locked: bool = False) -> BuildResult:
    """Build one source (see the module docstring); ``locked``: the caller holds :func:`build_lock`."""
    if not locked:
        with build_lock():
            return build_source(source, locked=True)
    started = time.perf_counter()
    target = paths.processed_dir(source)
    remove_leftovers(target.parent)
    previous = previous_manifest(source)
    raw = fingerprint(source, previous)
    builder = builder_version()
    same_builder = previous is not None and previous.get("builder") == builder and previous.get("format") == FORMAT
    if same_builder and _unchanged(previous, raw, target):
        if any(e.get("mtime_ns") != o.get("mtime_ns") for e, o in zip(raw, previous["raw_files"])):
            _refresh_times(target, previous, raw)  # touched but identical files: remember the new times
        return BuildResult(source, previous, time.perf_counter() - started, up_to_date=True)
    _verify_fetched(raw)
    return _build(source, target, raw, previous if same_builder else None, builder, started)


def _unchanged(previous: dict, raw: list[dict], target: Path) -> bool:
    old = previous.get("raw_files", [])
    if [_identity(e) for e in raw] != [_identity(e) for e in old if "sha256" in e and "path" in e]:
        return False
    outputs = [target / f"{t}.parquet" for t in previous.get("tables", {})]
    outputs += [target / "local" / f"{n}.parquet" for n in previous.get("local_inputs", {})]
    return all(p.is_file() for p in outputs)


def _refresh_times(target: Path, previous: dict, raw: list[dict]) -> None:
    manifest = dict(previous, raw_files=raw)
    tmp = target / f".manifest.json.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, target / "manifest.json")


def _verify_fetched(raw: list[dict]) -> None:
    """A fetched file must have the size and sha256 its fetch manifest recorded (not cut short, not changed)."""
    root = paths.data_dir()
    for entry in raw:
        if "fetch_manifest" not in entry:
            continue
        path = root / entry["path"]
        recorded = _read_json(paths.fetch_manifest(path))
        if not isinstance(recorded, dict):
            raise InputError(f"{entry['path']}: its fetch manifest {paths.fetch_manifest(path).name} is not readable JSON; "
                             "fetch the table again with `analysis fetch`, or remove both files")
        size, sha = recorded.get("bytes"), recorded.get("sha256")
        when = f" (fetched {recorded['fetched_at']})" if recorded.get("fetched_at") else ""
        if size is not None and size != entry["bytes"]:
            cut = "cut short" if entry["bytes"] < size else "longer than fetched"
            raise InputError(
                f"{entry['path']}: {entry['bytes']:,} bytes, but its fetch manifest recorded {size:,}{when}: the file is {cut}; "
                "fetch it again with `analysis fetch` (or remove the file and its .manifest.json)"
            )
        if sha is not None and sha != entry["sha256"]:
            raise InputError(
                f"{entry['path']}: its sha256 differs from the one its fetch manifest recorded{when}: the file was changed "
                "after it was fetched; fetch it again with `analysis fetch` (or remove the file and its .manifest.json)"
            )


@dataclass
class _Unit:
    """What one processed file is made from: a table (all its raw files) or a local input."""

    kind: str  # "table" | "local"
    name: str  # table id or local input name
    files: list[dict]  # raw file entries

    @property
    def inputs(self) -> list[list]:
        return [list(_identity(e)) for e in self.files]

    @property
    def output(self) -> str:
        return f"{self.name}.parquet" if self.kind == "table" else f"local/{self.name}.parquet"


def _units(raw: list[dict]) -> list[_Unit]:
    from analysis.reference import tables
    from analysis.sources.jobindsats import reader
    from analysis.sources.statbank import reader as statbank_reader

    root = paths.data_dir()
    units: dict[tuple[str, str], _Unit] = {}
    for entry in raw:
        path = root / entry["path"]
        if entry["kind"] == "jobindsats":
            key = ("table", reader.detect_table_id(path))
        elif entry["kind"] == "dst":
            key = ("table", tables.spec(statbank_reader.table_id_of(path), file=entry["path"]).id)
        else:
            key = ("local", LOCAL_INPUTS[path.name][1])
        units.setdefault(key, _Unit(key[0], key[1], [])).files.append(entry)
    return list(units.values())


def _build(source: str, target: Path, raw: list[dict], previous: dict | None, builder: str, started: float) -> BuildResult:
    from analysis.sources import textfile

    units = _units(raw)
    result = BuildResult(source, {}, 0.0)
    before_tables = (previous or {}).get("tables", {})
    before_local = (previous or {}).get("local_inputs", {})
    staging = atomic.make_staging(target.parent, f".{source}-building-", MADE_BY)
    try:
        (staging / "local").mkdir()
        table_info, local_info = {}, {}
        with textfile.collecting() as notices:
            for unit in sorted(units, key=lambda u: (u.kind, u.name)):
                before = (before_tables if unit.kind == "table" else before_local).get(unit.name)
                old_file = target / unit.output
                if before is not None and before.get("inputs") == unit.inputs and old_file.is_file():
                    _link(old_file, staging / unit.output)
                    info = dict(before)
                    result.reused.append(unit.name)
                else:
                    noted = len(notices.notes)
                    info = _make(unit, staging / unit.output)
                    if notices.notes[noted:]:
                        info["notes"] = notices.notes[noted:]  # kept with the table, so a reuse still says it
                    result.rebuilt.append(unit.name)
                info["inputs"] = unit.inputs
                (table_info if unit.kind == "table" else local_info)[unit.name] = info
        if not local_info:
            (staging / "local").rmdir()
        result.removed = sorted(set(before_tables) - set(table_info)) + sorted(set(before_local) - set(local_info))
        result.windows_1252, result.warnings = sorted(Path(f).as_posix() for f in notices.windows_1252), notices.warnings
        for entry in raw:
            if entry["path"] in result.windows_1252:
                entry["encoding"] = "windows-1252"
        manifest = {
            "source": source,
            "format": FORMAT,
            "builder": builder,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tables": dict(sorted(table_info.items())),
            "local_inputs": local_info,
            "raw_files": raw,
            "warnings": result.warnings,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        atomic.swap_in(staging, target, old_name=f".{source}-replaced-{time.time_ns()}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.manifest = manifest
    result.seconds = time.perf_counter() - started
    return result


def _link(source: Path, dest: Path) -> None:
    """An unchanged output: a hard link to the previous build's file (a copy where links are not possible)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def _make(unit: _Unit, dest: Path) -> dict:
    root = paths.data_dir()
    if unit.kind == "local":
        from analysis.core.optional import optional_module

        module_name = LOCAL_INPUTS[Path(unit.files[0]["path"]).name][0]
        module = optional_module(module_name)
        if module is None:  # pragma: no cover - the modules ship with the package
            raise InputError(f"{unit.files[0]['path']}: no reader ({module_name} is not installed)")
        frame = module.read_local(root / unit.files[0]["path"], root)
        frame.to_parquet(dest, index=False)
        return {"rows": int(len(frame))}
    frame = read_table(unit.name, [root / e["path"] for e in unit.files])
    write_parquet(frame, dest)
    return _table_info(frame)


def read_table(table_id: str, files: list[Path]):
    """Read and validate all raw files of one table together (compact: category columns)."""
    from analysis.reference import model, tables

    root = paths.data_dir()
    spec = tables.spec(table_id)
    frames = []
    for path in files:
        if path.parent.name == "dst":
            from analysis.sources.statbank import reader as statbank_reader

            frames.append(statbank_reader.read_dst_file(path, root, compact=True))
        else:
            from analysis.sources.jobindsats import reader

            frames.append(reader.read_raw_file(path, data_root=root, compact=True))
    if len(frames) == 1:
        return frames[0]
    return model.validate(model.concat(frames), spec)  # duplicates across files


def read_all(source: str) -> dict:
    """Read and validate every raw table of a source; returns table id -> tidy frame (string columns)."""
    from analysis.reference import model

    raw = fingerprint(source)
    out = {}
    for unit in _units([e for e in raw if e["kind"] != "local"]):
        out[unit.name] = model.decompress(read_table(unit.name, [paths.data_dir() / e["path"] for e in unit.files]))
    return out


def read_local_inputs(source: str) -> dict:
    from analysis.core.optional import optional_module

    root = paths.data_dir()
    out = {}
    for filename, (module_name, name) in LOCAL_INPUTS.items():
        module = optional_module(module_name)
        path = paths.raw_local_dir(source) / filename
        if module is not None and path.is_file():
            out[name] = module.read_local(path, root)
    return out


def _table_info(frame) -> dict:
    from analysis.reference import periods

    codes = periods.sort_codes([str(c) for c in frame["period"].unique()])
    return {
        "rows": int(len(frame)),
        "first_period": codes[0],
        "latest_period": codes[-1],
        "periods": len(codes),
        "areas": int(frame["area"].nunique()),
        "files": sorted(str(f) for f in frame["source_file"].unique()),
    }


def write_parquet(frame, path: Path, row_group: int = 1 << 20) -> None:
    """Write a tidy frame as Parquet, one row group at a time.

    Category columns go to the Parquet writer as Arrow dictionaries (no string is hashed again:
    three times faster than writing strings) but the file holds no Arrow schema, so every reader
    gets ordinary string columns back, exactly as from ``DataFrame.to_parquet`` of string columns.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.reference import model

    plain = pa.Schema.from_pandas(model.decompress(frame.head(1)), preserve_index=False)  # with the pandas metadata
    categories = {  # text category columns; date ones (period_start/_end) are written as dates
        c: pa.array(frame[c].cat.categories.to_numpy(dtype=object), type=pa.string())
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(frame[c].cat.categories.dtype)
    }
    fields = [pa.field(f.name, pa.dictionary(pa.int32(), pa.string())) if f.name in categories else f for f in plain]
    schema = pa.schema(fields, metadata=plain.metadata)
    # Statistics of the text columns cost a third of the writing and serve no reader here.
    statistics = [f.name for f in plain if f.name not in categories]
    # Row numbers rise by one row after row: delta-encoded they take a hundredth of the space and half the time.
    delta = [f.name for f in plain if f.name == "source_row" and pa.types.is_integer(f.type)]
    with pq.ParquetWriter(path, schema, store_schema=False, write_statistics=statistics,
                          use_dictionary=[f.name for f in schema if f.name not in delta],
                          column_encoding=dict.fromkeys(delta, "DELTA_BINARY_PACKED") or None) as writer:
        for start in range(0, max(len(frame), 1), row_group):
            part = frame.iloc[start : start + row_group]
            arrays = []
            for field in schema:
                column = part[field.name]
                if field.name in categories:
                    codes = pa.array(column.cat.codes.to_numpy().astype("int32"))
                    arrays.append(pa.DictionaryArray.from_arrays(codes, categories[field.name]))
                elif isinstance(column.dtype, pd.CategoricalDtype):
                    arrays.append(pa.array(column.cat.categories.to_numpy()[column.cat.codes.to_numpy()], type=field.type))
                else:
                    arrays.append(pa.Array.from_pandas(column, type=field.type))
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


# --------------------------------------------------------------------------- locking and leftovers


class build_lock:  # noqa: N801 - used as a context manager
    """One build at a time per data root (``data/processed/.build.lock``)."""

    def __enter__(self):
        path = paths.data_dir() / "processed" / ".build.lock"
        self._lock = atomic.exclusive_lock(path)
        try:
            self._lock.__enter__()
        except atomic.LockedError:
            raise InputError(f"another `analysis build` is running on {paths.data_dir()} (lock {path}); "
                             "wait for it to finish and run the build again") from None
        return self

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)


_OWN = re.compile(r"^\.(?:demo|real)-(?:building|replaced)-")
# Staging folders of builds before they were marked: .<source>-building-<8 random characters> and
# atomic.swap_in's .old-<source>-<nanoseconds>, holding nothing but what a build writes.
_LEGACY = re.compile(r"^\.(?:(?:demo|real)-building-[a-z0-9_]{8}|old-(?:demo|real)-\d{6,})$")


def remove_leftovers(processed_root: Path) -> list[str]:
    """Remove the staging folders earlier builds left in data/processed (killed mid-build): only
    folders marked as made by the build (or, from before the marker, holding only build output).
    Call while holding :func:`build_lock`, so no other build is using them."""
    removed = []
    if not processed_root.is_dir():
        return removed
    for entry in processed_root.iterdir():
        if not entry.is_dir() or entry.is_symlink():
            continue
        own = _OWN.match(entry.name) and atomic.is_marked(entry, MADE_BY)
        legacy = _LEGACY.match(entry.name) and _only_build_output(entry)
        if own or legacy:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed


def _only_build_output(folder: Path) -> bool:
    for p in folder.rglob("*"):
        rel = p.relative_to(folder)
        if p.is_dir():
            if rel.as_posix() != "local":
                return False
        elif not (p.suffix == ".parquet" and len(rel.parts) <= 2 or rel.as_posix() == "manifest.json"):
            return False
    return True


def remove_processed(source: str) -> bool:
    """Remove data/processed/<source> (its raw files are gone); True if there was one. Atomic: renamed first."""
    target = paths.processed_dir(source)
    if not target.is_dir():
        return False
    if not atomic.is_marked(target, MADE_BY):  # built before folders were marked: mark it, so a leftover is ours
        (target / atomic.MARKER).write_text(json.dumps({"made_by": MADE_BY}) + "\n", encoding="utf-8")
    doomed = target.with_name(f".{source}-replaced-{time.time_ns()}")
    target.rename(doomed)
    shutil.rmtree(doomed, ignore_errors=True)
    return True
