"""``analysis build``: every raw file under data/raw -> validated tidy Parquet in data/processed.

For each data source present (``real``: data/raw/jobindsats, data/raw/dst, data/raw/local;
``demo``: the same under data/raw/demo) the build

1. reads every raw file with the reader for its format (raw files are only read, never changed),
2. validates each table against the data model (schema, known areas, periods, numbers,
   duplicate keys within and across files),
3. writes ``<TABLE>.parquet`` per table, local inputs under ``local/`` and a ``manifest.json``
   (built_at, raw files with sha256 and fetch time, rows and periods per table) into a temporary
   folder, and only then swaps it in for data/processed/<source>.

Any problem stops the build with one line naming the file, the row and the problem; the
previous processed data stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from analysis import atomic, model, paths, periods, readers, tables
from analysis.optional import optional_module
from analysis.errors import InputError

# Modules that validate the jobcentre's own local inputs. Each provides FILENAME (the file
# under data/raw/local/), NAME (the processed name) and read_local(path, data_root) -> DataFrame.
LOCAL_INPUT_MODULES = ("analysis.spells", "analysis.local_figures")


def configure_parser(parser) -> None:
    parser.add_argument(
        "--source",
        choices=("demo", "real", "all"),
        default="all",
        help="which raw data to build (default: every source that has raw files)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")


def run_command(args) -> int:
    sources = list(paths.SOURCES) if args.source == "all" else [args.source]
    present = [s for s in sources if has_raw_data(s)]
    if not present:
        wanted = "any source" if args.source == "all" else f"source {args.source!r}"
        raise InputError(
            f"no raw data for {wanted} under {paths.data_dir() / 'raw'}: run `analysis demo` for the demo dataset "
            "or `analysis fetch` (or drop Jobindsats files into data/raw/jobindsats/) for real data"
        )
    for source in present:
        started = time.perf_counter()
        manifest = build(source)
        if not args.quiet:
            rows = sum(t["rows"] for t in manifest["tables"].values())
            print(
                f"built {source}: {len(manifest['tables'])} tables, {rows:,} rows from {len(manifest['raw_files'])} raw files "
                f"in {time.perf_counter() - started:.1f} s -> {paths.processed_dir(source)}"
            )
    return 0


def raw_files(source: str) -> dict[str, list[Path]]:
    """Raw files of a source by kind: 'jobindsats', 'dst', 'local'."""
    found = {}
    for kind, folder in (
        ("jobindsats", paths.raw_jobindsats_dir(source)),
        ("dst", paths.raw_dst_dir(source)),
        ("local", paths.raw_local_dir(source)),
    ):
        found[kind] = sorted(p for p in folder.glob("*") if readers.is_raw_data_file(p)) if folder.is_dir() else []
    return found


def has_raw_data(source: str) -> bool:
    files = raw_files(source)
    return bool(files["jobindsats"] or files["dst"])


def read_all(source: str) -> dict[str, pd.DataFrame]:
    """Read and validate every raw table of a source; returns table id -> tidy frame."""
    root = paths.data_dir()
    files = raw_files(source)
    by_table: dict[str, list[pd.DataFrame]] = {}
    for path in files["jobindsats"]:
        frame = readers.read_raw_file(path, data_root=root)
        by_table.setdefault(frame["table"].iloc[0], []).append(frame)
    if files["dst"]:
        from analysis import readers_dst  # written with the fetch command

        for path in files["dst"]:
            frame = readers_dst.read_dst_file(path, root)
            by_table.setdefault(frame["table"].iloc[0], []).append(frame)
    out = {}
    for table_id, frames in by_table.items():
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        out[table_id] = model.validate(frame, tables.spec(table_id))  # duplicates across files
    return out


def read_local_inputs(source: str) -> dict[str, pd.DataFrame]:
    root = paths.data_dir()
    out = {}
    for module_name in LOCAL_INPUT_MODULES:
        module = optional_module(module_name)
        if module is None:
            continue
        path = paths.raw_local_dir(source) / module.FILENAME
        if path.is_file():
            out[module.NAME] = module.read_local(path, root)
    return out


def build(source: str) -> dict:
    """Build data/processed/<source> from data/raw (see the module docstring). Returns the manifest."""
    frames = read_all(source)
    local = read_local_inputs(source)
    target = paths.processed_dir(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{source}-building-", dir=target.parent))
    try:
        for table_id, frame in frames.items():
            frame.to_parquet(staging / f"{table_id}.parquet", index=False)
        if local:
            (staging / "local").mkdir()
            for name, frame in local.items():
                frame.to_parquet(staging / "local" / f"{name}.parquet", index=False)
        manifest = _manifest(source, frames, local)
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        atomic.swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _manifest(source: str, frames: dict[str, pd.DataFrame], local: dict[str, pd.DataFrame]) -> dict:
    root = paths.data_dir()
    files = [p for kind in raw_files(source).values() for p in kind]
    raw = []
    for path in files:
        entry = {
            "path": str(path.relative_to(root)),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "bytes": path.stat().st_size,
            "modified": datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds"),
        }
        fetched = path.with_name(path.name + ".manifest.json")
        if fetched.is_file():
            try:
                entry["fetched_at"] = json.loads(fetched.read_text(encoding="utf-8")).get("fetched_at")
            except json.JSONDecodeError:
                pass
        raw.append(entry)
    table_info = {}
    for table_id, frame in sorted(frames.items()):
        codes = periods.sort_codes(frame["period"].unique())
        table_info[table_id] = {
            "rows": int(len(frame)),
            "first_period": codes[0],
            "latest_period": codes[-1],
            "periods": len(codes),
            "areas": int(frame["area"].nunique()),
            "files": sorted(frame["source_file"].unique().tolist()),
        }
    return {
        "source": source,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tables": table_info,
        "local_inputs": {name: {"rows": int(len(f))} for name, f in local.items()},
        "raw_files": raw,
    }
