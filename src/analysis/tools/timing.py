"""``python -m analysis.tools.timing`` (``make bench``): how fast is the batch runner on this machine?

Measured in one go, on the demo data by default:

1. ``analysis run`` for one municipality, every notebook (wall and CPU time), with forked kernels (Linux's
   default) and with ordinary ones (``ANALYSIS_NO_FORK=1``: the path of Windows and macOS);
2. the same notebooks run by the plain command lines, one after the other:
   ``papermill notebooks/X.ipynb out.ipynb -p ...`` then ``jupyter nbconvert --to html out.ipynb``;
   steps 1 and 2 alternate in ``--rounds`` rounds (default 3; each run into a new folder, as a first run);
3. the ratio of each path's median to the command lines' median (target for both: at most 0.35);
4. ``analysis run --all-municipalities`` (wall time, target at most 10 minutes on 2 cores, and
   the peak memory of the whole process tree: the sum of the proportional set sizes (PSS) of
   the runner, its kernel zygote and every kernel, sampled four times a second; PSS counts
   memory shared between forked kernels once).

5. ``analysis build`` of large raw CSVs, each made in a temporary folder: about 210 MB of the demo's
   PTVC01 table as a portal CSV (repeated over earlier years) and about 200 MB of the jobcentre's
   spell extract ``forloeb.csv`` (the demo extract repeated with new ids), each measured against a
   plain ``pandas.read_csv`` of the same file in the same run: the build's time (in-process, after
   its imports, like the ``read_csv`` call) and the peak memory (maximum resident set size) of
   each process, for a file that is accepted and for the same file with one duplicated row at
   the end (refused), and a second build with nothing changed. The CPU time of each (all threads) is
   printed beside the wall time: on a machine busy with other work it is the steadier comparison. Targets: build time at most 3x
   ``read_csv``, peak memory at most 2 GB.

Outputs go to ``.bench/`` in the project (never to outputs/); the figures are printed and
written to ``.bench/bench.json``. Options: ``--source``, ``--municipality``, ``--notebooks``,
``--jobs``, ``--rounds``, ``--skip-all`` (only steps 1-3), ``--skip-cli``, ``--skip-large`` (no step 5),
``--large-only`` (only step 5), ``--large-mb`` (size of the large PTVC01 file, default 210),
``--large-spells-mb`` (size of the large forloeb.csv, default 200; 0 skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from analysis.core import paths
from analysis.run import plan

TARGET_RATIO = 0.35
TARGET_ALL_SECONDS = 600
TARGET_LARGE_RATIO = 3.0  # build time / pandas.read_csv time, same file, same run
TARGET_LARGE_PEAK_MB = 2048


def _tool(name: str) -> str:
    """A console script beside this Python (the project venv), else from PATH."""
    here = Path(sys.executable).with_name(name)
    return str(here) if here.exists() else (shutil.which(name) or name)


def _analysis_cmd() -> list[str]:
    return [sys.executable, "-m", "analysis.run.cli"]


# ----------------------------------------------------------------------------- memory


def _children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _memory_kb(pid: int) -> int:
    """PSS in kB (RSS if smaps_rollup is not available)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except OSError:
        return 0


class TreeMemory(threading.Thread):
    """Samples the summed memory of a process and all its descendants; ``peak_mb`` after join."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_processes = 0
        self._halt = threading.Event()

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self._halt.is_set():
            tree = _children_map()
            pids, todo = [], [self.pid]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo.extend(tree.get(p, []))
            total = sum(_memory_kb(p) for p in pids)
            if total > self.peak_kb:
                self.peak_kb = total
            self.peak_processes = max(self.peak_processes, len(pids))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


# ----------------------------------------------------------------------------- steps


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process tree of this process so far (0 where the
    platform has no ``resource`` module, i.e. Windows: the benchmark then reports wall time only)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], *, env: dict, memory: bool = False) -> tuple[float, int, float]:
    """(wall seconds, exit code, peak memory MB or 0)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(paths.PROJECT_ROOT))
    sampler = TreeMemory(proc.pid) if memory else None
    if sampler:
        sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    if sampler:
        sampler.stop()
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    return seconds, proc.returncode, (sampler.peak_mb if sampler else 0.0)


def _failed_reports(period_dir: Path) -> int:
    try:
        record = json.loads((period_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return -1
    return sum(r.get("status") != "ok" for r in record.get("reports", []))


def _breakdown(period_dir: Path) -> dict[str, dict]:
    """Per notebook of a run: seconds in its cells (kernel work) and the whole report (incl. kernel start, export)."""
    import nbformat

    try:
        record = json.loads((period_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, dict] = {}
    for r in record.get("reports", []):
        path = period_dir / r["folder"] / f"{r['notebook']}.ipynb"
        cells = 0.0
        if path.is_file():
            nb = nbformat.read(path, as_version=4)
            cells = sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0) for c in nb.cells)
        entry = out.setdefault(r["notebook"], {"reports": 0, "cell_seconds": 0.0, "report_seconds": 0.0, "failed": 0})
        entry["reports"] += 1
        entry["cell_seconds"] += cells
        entry["report_seconds"] += float(r.get("seconds") or 0)
        entry["failed"] += r.get("status") != "ok"
    for entry in out.values():
        entry["cell_seconds"] = round(entry["cell_seconds"] / entry["reports"], 2)
        entry["report_seconds"] = round(entry["report_seconds"] / entry["reports"], 2)
    pages = record.get("front_pages") or []
    if pages and record.get("run", {}).get("front_pages_seconds") is not None:
        # the front pages and the overview, made one after the other once the reports are done
        out["front_page"] = {"reports": len(pages), "cell_seconds": 0.0, "failed": sum(p.get("status") != "ok" for p in pages),
                             "report_seconds": round(record["run"]["front_pages_seconds"] / len(pages), 2)}
    return out


def _print_breakdown(title: str, breakdown: dict[str, dict]) -> None:
    print(f"  {title} (mean per report: seconds in the notebook's cells / whole report):", flush=True)
    for name, e in breakdown.items():
        failed = f", {e['failed']} failed" if e["failed"] else ""
        print(f"    {name:32s} {e['cell_seconds']:6.1f} s / {e['report_seconds']:6.1f} s{failed}", flush=True)


# ----------------------------------------------------------------------------- the large raw file


_MEASURE = """
import json, sys, time
out, mode, path, options = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
if mode == "read_csv":
    import pandas as pd
    started, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(path, **options)
    info = {"rows": len(frame)}
else:
    from analysis.data import build  # the imports are not part of the measured time
    from analysis.reference import model
    from analysis.sources.jobindsats import reader
    from analysis.core.errors import AnalysisError
    started, cpu = time.perf_counter(), time.process_time()
    try:
        manifest = build.build_source("real").manifest
        parts = [*manifest["tables"].values(), *manifest.get("local_inputs", {}).values()]
        info = {"rows": sum(t["rows"] for t in parts), "accepted": True}
    except AnalysisError as exc:
        info = {"accepted": False, "error": str(exc)[:300]}
info["seconds"] = time.perf_counter() - started
info["cpu_seconds"] = time.process_time() - cpu  # all threads: a steadier comparison on a busy machine


def peak_mb():
    # Linux: the process's own high-water mark (ru_maxrss would include the parent's, inherited across exec).
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return None
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


info["peak_mb"] = peak_mb()
with open(out, "w", encoding="utf-8") as f:
    json.dump(info, f)
"""


def make_large_csv(path: Path, megabytes: float) -> Path:
    """A Jobindsats portal CSV of about ``megabytes`` MB: the demo's PTVC01 table (all municipalities,
    RAR areas and the country, 72 months, 5 x 3 x 3 breakdowns) repeated for earlier years."""
    import pandas as pd

    from analysis import demo

    source = paths.raw_jobindsats_dir("demo") / "PTVC01.json"
    if not source.is_file():
        source = demo.write_demo(path.parent / "demo-source") / "jobindsats" / "PTVC01.json"
    doc = json.loads(source.read_text(encoding="utf-8-sig"))
    text = pd.DataFrame(doc["rows"], columns=doc["columns"]).to_csv(sep=";", index=False, lineterminator="\n")
    header, body = text.split("\n", 1)
    years = sorted({int(str(row[1])[:4]) for row in doc["rows"]})
    span = years[-1] - years[0] + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write((header + "\n").encode("utf-8"))
        written, shift, wanted = len(header) + 1, 0, int(megabytes * 1e6)
        while written < wanted:
            part = body
            if shift:
                for year in years:  # the period is the only field that is ";<year>M"
                    part = part.replace(f";{year}M", f";{year - shift}M")
            data = part.encode("utf-8")
            if written + len(data) > wanted:  # the last repetition only up to the size asked for, whole lines
                data = data[: data.index(b"\n", wanted - written) + 1]
            f.write(data)
            written += len(data)
            shift += span
    return path


def make_large_spells(path: Path, megabytes: float) -> Path:
    """A spell extract ``forloeb.csv`` of about ``megabytes`` MB: the demo extract repeated, each repetition
    with its own spell and person ids (so the file is valid: no duplicate spells)."""
    from analysis import demo

    source = paths.raw_local_dir("demo") / "forloeb.csv"
    if not source.is_file():
        source = demo.write_demo(path.parent / "demo-source") / "local" / "forloeb.csv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("spell_id"))
    head, body = "".join(lines[: at + 1]), lines[at + 1 :]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(head)
        written, rep, wanted = len(head), 0, int(megabytes * 1e6)
        while written < wanted:
            for line in body:  # "F0000001,Pb92f472d,..." -> "F0000001r3,Pb92f472dr3,..."
                spell, person, rest = line.split(",", 2)
                row = f"{spell}r{rep},{person}r{rep},{rest}" if rep else line
                f.write(row)
                written += len(row)
                if written >= wanted:
                    break
            rep += 1
    return path


def _measure(mode: str, path: Path, data_root: Path | None, work: Path, read_options: dict | None = None) -> dict:
    out = work / f"{mode}-{time.time_ns()}.json"
    env = dict(os.environ)
    env.pop("ANALYSIS_OUTPUT_DIR", None)
    if data_root is not None:
        env["ANALYSIS_DATA_DIR"] = str(data_root)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(out), mode, str(path), json.dumps(read_options or {})], env=env,
                          capture_output=True, cwd=str(paths.PROJECT_ROOT))
    wall = time.perf_counter() - started
    if proc.returncode != 0 or not out.is_file():
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
        return {"error": f"exit {proc.returncode}", "process_seconds": round(wall, 2)}
    info = json.loads(out.read_text(encoding="utf-8"))
    info["process_seconds"] = wall
    return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in info.items()}


def bench_large_file(megabytes: float = 210.0, spells_megabytes: float = 200.0) -> dict:
    """Step 5: build large raw CSVs (accepted and refused) against a plain pandas.read_csv of each: a Jobindsats
    portal file (PTVC01) and the jobcentre's spell extract (forloeb.csv)."""
    results = _bench_one_large_file("PTVC01", lambda p: make_large_csv(p, megabytes), "jobindsats/PTVC01.csv",
                                    {"sep": ";"})
    if spells_megabytes > 0:
        results["forloeb"] = _bench_one_large_file("forloeb.csv", lambda p: make_large_spells(p, spells_megabytes),
                                                   "local/forloeb.csv", {"comment": "#"}, beside="JOBORDRER.csv")
    return results


def _bench_one_large_file(name: str, make, rel: str, read_options: dict, beside: str = "") -> dict:
    """Build one large raw file (accepted, refused for a duplicate row at its end, then again unchanged) and read it
    with pandas.read_csv(**read_options), each in its own process; print and return the figures.

    ``beside``: a (small) demo Jobindsats file put next to it, as real data has tables beside the local inputs.
    """
    import tempfile

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="analysis-bench-large-") as tmp:
        work = Path(tmp)
        accepted_root, refused_root = work / "accepted", work / "refused"
        csv_path = make(accepted_root / "raw" / rel)
        refused = refused_root / "raw" / rel
        refused.parent.mkdir(parents=True)
        shutil.copyfile(csv_path, refused)
        if beside:
            table = paths.raw_jobindsats_dir("demo") / beside
            if not table.is_file():
                from analysis import demo

                table = demo.write_demo(work / "demo-source") / "jobindsats" / beside
            for root in (accepted_root, refused_root):
                (root / "raw" / "jobindsats").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(table, root / "raw" / "jobindsats" / beside)
        with open(csv_path, encoding="utf-8") as f:
            content = (line for line in f if line.strip() and not line.startswith("#"))
            next(content)  # the header
            duplicate = next(content)
        with open(refused, "a", encoding="utf-8", newline="") as f:
            f.write(duplicate)  # the first data row again: a duplicate key, found only at the very end
        size_mb = csv_path.stat().st_size / 1e6
        for p in (csv_path, refused):  # warm the file cache for every reader alike
            with open(p, "rb") as f:
                while f.read(1 << 24):
                    pass
        results["file_mb"] = round(size_mb, 1)
        print(f"  large raw CSV {name}: {size_mb:.0f} MB, {sum(1 for _ in open(csv_path, 'rb')) - 1:,} lines "
              "(demo data, repeated)", flush=True)
        read = _measure("read_csv", csv_path, None, work, read_options)
        build_ok = _measure("build", csv_path, accepted_root, work)
        build_refused = _measure("build", refused, refused_root, work)
        # The command as a user runs it, with nothing changed since the build: one process, start to end.
        env = dict(os.environ, ANALYSIS_DATA_DIR=str(accepted_root))
        started = time.perf_counter()
        proc = subprocess.run([*_analysis_cmd(), "build", "--source", "real"], env=env, capture_output=True, text=True)
        again = {"process_seconds": round(time.perf_counter() - started, 2), "exit": proc.returncode,
                 "up_to_date": "up to date" in proc.stdout}
    results.update(read_csv=read, build_accepted=build_ok, build_unchanged=again, build_refused=build_refused)
    base = read.get("seconds")

    def line(label: str, info: dict) -> None:
        peak = info.get("peak_mb")
        ratio = info["seconds"] / base if base and "seconds" in info else float("nan")
        info["ratio_to_read_csv"] = round(ratio, 2)
        peak_text = f"{peak:6.0f} MB" if peak is not None else "     n/a"
        cpu = info.get("cpu_seconds")
        cpu_ratio = cpu / read["cpu_seconds"] if cpu and read.get("cpu_seconds") else float("nan")
        info["cpu_ratio_to_read_csv"] = round(cpu_ratio, 2)
        verdict = "ok" if ratio <= TARGET_LARGE_RATIO and (peak is None or peak <= TARGET_LARGE_PEAK_MB) else "ABOVE TARGET"
        what = ("" if info.get("accepted", True) else " (refused: " + info.get("error", "")[:70] + "...)")
        print(f"  {label:38s} {info.get('seconds', float('nan')):6.1f} s = {ratio:4.2f} x read_csv, peak {peak_text}"
              f" (CPU {cpu or float('nan'):.1f} s = {cpu_ratio:4.2f} x; whole process {info.get('process_seconds', float('nan')):.1f} s; targets <= {TARGET_LARGE_RATIO:g} x, "
              f"<= {TARGET_LARGE_PEAK_MB} MB: {verdict}){what}", flush=True)

    if base:
        peak = read.get("peak_mb")
        call = ", ".join(f"{k}={v!r}" for k, v in read_options.items())
        print(f"  {'pandas.read_csv(' + call + '):':38s} {base:6.1f} s, peak {peak or float('nan'):6.0f} MB "
              f"(CPU {read.get('cpu_seconds', float('nan')):.1f} s; whole process {read.get('process_seconds', float('nan')):.1f} s)",
              flush=True)
        line("analysis build, accepted:", build_ok)
        line("analysis build, refused (duplicate row):", build_refused)
    else:
        print(f"  pandas.read_csv failed: {read}", flush=True)
    print(f"  analysis build again, nothing changed:  {again['process_seconds']:6.1f} s (the whole command; "
          f"{'said up to date' if again['up_to_date'] else 'DID NOT SAY UP TO DATE'})", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.tools.timing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="demo", choices=("demo", "real"))
    parser.add_argument("--municipality", default="Slagelse")
    parser.add_argument("--notebooks", default="", help="comma-separated notebook names (default: all)")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-all", action="store_true", help="skip the all-municipalities run")
    parser.add_argument("--skip-cli", action="store_true", help="skip the plain command-line sequence")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of steps 1-2 (each: fork, no fork, command lines); medians are compared (default 3)")
    parser.add_argument("--skip-large", action="store_true", help="skip the large-file build")
    parser.add_argument("--large-only", action="store_true", help="only the large-file build")
    parser.add_argument("--large-mb", type=float, default=210.0, help="size of the large raw CSV in MB (default 210)")
    parser.add_argument("--large-spells-mb", type=float, default=200.0,
                        help="size of the large spell extract forloeb.csv in MB (default 200; 0 skips it)")
    args = parser.parse_args(argv)

    if args.large_only:
        print("bench: analysis build of a large raw CSV", flush=True)
        results = {"large_file": bench_large_file(args.large_mb, args.large_spells_mb)}
        root = paths.PROJECT_ROOT / ".bench"
        root.mkdir(exist_ok=True)
        (root / "bench-large.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"  -> {root / 'bench-large.json'}")
        return 0

    from analysis.data import load
    from analysis.reference import geography

    source = load.resolve_source(args.source)
    period = plan.resolve_period("", source)
    area = geography.municipality(args.municipality)
    notebooks = plan.list_notebooks(paths.NOTEBOOKS_DIR)
    if args.notebooks:
        notebooks = {k: v for k, v in notebooks.items() if k in set(plan.split_names(args.notebooks))}
    if not notebooks:
        print(f"no notebooks in {paths.NOTEBOOKS_DIR}", file=sys.stderr)
        return 2
    names = list(notebooks)
    jobs = args.jobs or plan.cores()
    root = paths.PROJECT_ROOT / ".bench"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    env = dict(os.environ)
    env.pop("ANALYSIS_OUTPUT_DIR", None)
    common = ["--source", source, "--jobs", str(jobs), "--quiet", "--notebooks", ",".join(names)]
    results: dict = {
        "machine": {"cores": plan.cores(), "python": platform.python_version(), "platform": platform.platform()},
        "source": source,
        "period": period,
        "municipality": area.name,
        "notebooks": names,
        "jobs": jobs,
    }
    print(f"bench: {len(names)} notebooks ({', '.join(names)}), {source} data, period {period}, {jobs} jobs, "
          f"{plan.cores()} cores", flush=True)

    # Warm the OS file cache and .pyc files so neither side pays for the first import.
    subprocess.run([sys.executable, "-c", "import pandas, matplotlib.pyplot, papermill, nbconvert, pyarrow.parquet"],
                   check=False, env=env)

    # 1. and 2., in rounds: the runner for one municipality with the fork path (Linux's default) and with
    # ordinary kernels (the path of Windows and macOS), then the plain command lines one after the other. The
    # machine's speed drifts; alternating the three and taking each one's median compares them at the same moments.
    from statistics import median

    from analysis.run import kernels

    modes = [("runner_one_municipality", "fork", {}), ("runner_no_fork_one_municipality", "no fork", {kernels.NO_FORK_ENV: "1"})]
    if not kernels.platform_can_fork():  # only the ordinary kernels exist here
        modes = modes[1:]
    rounds = max(1, args.rounds)
    runs: dict[str, list[tuple[float, float]]] = {key: [] for key, _, _ in modes}
    cli_runs: list[tuple[float, float]] = []
    failures = 0
    papermill, jupyter = _tool("papermill"), _tool("jupyter")
    for r in range(1, rounds + 1):
        for key, label, extra in modes:
            out1 = root / key / f"round-{r}"
            mode_env = {k: v for k, v in env.items() if k != kernels.NO_FORK_ENV}
            mode_env.update(extra)
            cpu0 = _children_cpu()
            secs, code, _ = _timed([*_analysis_cmd(), "run", "--municipality", area.name, "--out", str(out1), *common],
                                   env=mode_env)
            cpu_runner = _children_cpu() - cpu0
            runs[key].append((secs, cpu_runner))
            failed = _failed_reports(out1 / period)
            results[f"{key}_failed_reports"] = results.get(f"{key}_failed_reports", 0) + failed
            print(f"  round {r}: analysis run ({label}), {area.name}: {secs:7.1f} s  (CPU {cpu_runner:.1f} s; "
                  f"exit {code}, {failed} failed reports)", flush=True)
            if r == rounds:
                results[f"{key}_breakdown"] = _breakdown(out1 / period)
        if args.skip_cli:
            continue
        cli_dir = root / "cli" / f"round-{r}"
        folder = cli_dir / area.slug
        folder.mkdir(parents=True)
        started = time.perf_counter()
        cpu0 = _children_cpu()
        for name, path in notebooks.items():
            out_nb = cli_dir / f"{name}.ipynb"
            pm = subprocess.run(
                [papermill, str(path), str(out_nb), "-p", "municipality", area.name, "-p", "period", period,
                 "-p", "source", source, "-p", "output_dir", str(folder), "--no-progress-bar"],
                env=env, capture_output=True, cwd=str(paths.NOTEBOOKS_DIR),
            )
            failures += pm.returncode != 0
            subprocess.run([jupyter, "nbconvert", "--to", "html", str(out_nb)], env=env, capture_output=True)
        cli_runs.append((time.perf_counter() - started, _children_cpu() - cpu0))
        print(f"  round {r}: papermill + jupyter nbconvert, one by one: {cli_runs[-1][0]:7.1f} s  "
              f"(CPU {cli_runs[-1][1]:.1f} s)", flush=True)

    paths_run = {}  # key in results -> (median wall seconds, median CPU seconds)
    for key, label, _ in modes:
        secs, cpu_runner = median(w for w, _ in runs[key]), median(c for _, c in runs[key])
        paths_run[key] = (secs, cpu_runner)
        results[f"{key}_seconds"] = round(secs, 2)
        results[f"{key}_cpu_seconds"] = round(cpu_runner, 2)
        results[f"{key}_rounds"] = [round(w, 2) for w, _ in runs[key]]
        print(f"  analysis run ({label}), {area.name}, median of {rounds}: {secs:7.1f} s  (CPU {cpu_runner:.1f} s)",
              flush=True)
        _print_breakdown(f"where the time goes ({label}, last round)", results[f"{key}_breakdown"])

    if cli_runs:
        cli_secs, cpu_cli = median(w for w, _ in cli_runs), median(c for _, c in cli_runs)
        results["cli_sequence_seconds"] = round(cli_secs, 2)
        results["cli_sequence_cpu_seconds"] = round(cpu_cli, 2)
        results["cli_sequence_rounds"] = [round(w, 2) for w, _ in cli_runs]
        results["cli_sequence_failed_notebooks"] = failures
        print(f"  papermill + jupyter nbconvert, one by one, median of {rounds}: {cli_secs:7.1f} s  (CPU {cpu_cli:.1f} s; "
              f"{failures} failed notebooks)", flush=True)
        for key, (secs, cpu_runner) in paths_run.items():
            # "ratio"/"cpu_ratio": the platform's default path (fork on Linux), as before; the no-fork path beside it
            prefix = "" if key == next(iter(paths_run)) else "no_fork_"
            ratio = secs / cli_secs if cli_secs else float("nan")
            results[f"{prefix}ratio"] = round(ratio, 3)
            results[f"{prefix}cpu_ratio"] = round(cpu_runner / cpu_cli, 3) if cpu_cli else None
            verdict = "ok" if ratio <= TARGET_RATIO else "ABOVE TARGET"
            label = "fork" if key == "runner_one_municipality" else "no fork"
            print(f"  ratio runner ({label}) / command lines, wall: {ratio:6.2f}    (target <= {TARGET_RATIO}: {verdict})",
                  flush=True)
            print(f"  ratio runner ({label}) / command lines, CPU:  {results[f'{prefix}cpu_ratio'] or float('nan'):6.2f}",
                  flush=True)
        load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        results["load_average_1min_after"] = round(load1, 2)
        if load1 > plan.cores() + 0.5:
            print(f"  note: the machine was busy (load {load1:.1f} on {plan.cores()} cores); wall times are inflated",
                  flush=True)

    # 5. (printed before the long all-municipalities run) the large raw file
    if not args.skip_large:
        print("  analysis build of a large raw CSV:", flush=True)
        results["large_file"] = bench_large_file(args.large_mb, args.large_spells_mb)

    # 3. all municipalities
    if not args.skip_all:
        out_all = root / "all"
        secs_all, code, peak = _timed([*_analysis_cmd(), "run", "--all-municipalities", "--out", str(out_all), *common],
                                      env=env, memory=True)
        n = len(geography.municipalities())
        results["all_municipalities_seconds"] = round(secs_all, 1)
        results["all_municipalities_reports"] = n * len(names)
        results["all_municipalities_failed_reports"] = _failed_reports(out_all / period)
        results["all_municipalities_peak_memory_mb"] = round(peak, 1)
        verdict = "ok" if secs_all <= TARGET_ALL_SECONDS else "ABOVE TARGET"
        print(f"  analysis run --all-municipalities:     {secs_all:7.1f} s  ({n * len(names)} reports, "
              f"{results['all_municipalities_failed_reports']} failed; target <= {TARGET_ALL_SECONDS} s: {verdict})", flush=True)
        print(f"  peak memory (PSS, whole process tree): {peak:7.0f} MB", flush=True)
        results["all_municipalities_breakdown"] = _breakdown(out_all / period)
        _print_breakdown("all municipalities", results["all_municipalities_breakdown"])

    (root / "bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  -> {root / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
