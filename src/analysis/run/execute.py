"""``analysis run``: execute the report notebooks with Papermill and export self-contained HTML reports.

This module runs a validated plan (:mod:`analysis.run.plan`): kernels (:mod:`analysis.run.kernels`) in
threads, a staging folder swapped in at the end, the HTML and Excel export of each report
(:mod:`analysis.run.export`) and the period's index page (:mod:`analysis.run.index`).

Usage (``make reports`` runs the first line after setting everything up)::

    analysis run                                   # every notebook, Slagelse, the latest period
    analysis run --municipality Roskilde --period 2024Q2 --notebooks benchmark_ranking
    analysis run --municipality 330,Roskilde       # several municipalities (names or kommunekoder)
    analysis run --all-municipalities --jobs 2 --quiet   # all 98, e.g. from cron

Output layout::

    outputs/<period>/index.html                              the municipalities (one: a link to its front page;
                                                             several: the national overview), every report, run parameters
    outputs/<period>/tables/front_page__overview.csv, front_page.xlsx   the national overview as files
    outputs/<period>/<code>-<name>/index.html                the municipality's front page (analysis.run.front)
    outputs/<period>/run.json                                the same, machine-readable
    outputs/<period>/<code>-<name>/<notebook>.html           leadership report (no code)
    outputs/<period>/<code>-<name>/<notebook>.analyst.html   with code, warnings and errors (--with-code)
    outputs/<period>/<code>-<name>/<notebook>.ipynb          the executed notebook
    outputs/<period>/<code>-<name>/<notebook>.xlsx           the notebook's key tables, Danish headings
    outputs/<period>/<code>-<name>/<notebook>.pdf            the leadership report as an A4 PDF (--pdf, :mod:`analysis.run.pdf`)
    outputs/<period>/<code>-<name>/tables/<notebook>__<table>.csv (+ .json)  key tables for machines

CSV files are UTF-8, ``,``-separated, ``.`` decimal point, snake_case columns; each has a
JSON sidecar naming the columns' Danish headings and dtypes (see :mod:`analysis.present.report`).

Failures, re-runs and exit codes
--------------------------------
Bad parameters (unknown municipality or notebook, a period outside the data, no data) fail
with one line before any kernel starts (exit 2), and so does processed data that is not what
the current raw files give (a raw file new, changed or gone since ``analysis build``:
:func:`analysis.data.build.check_current`; run ``analysis build`` first). A notebook that raises does not stop the
others: its HTML page shows a failure banner naming the section that could not be made and what
the analyst should do (code and traceback only in the analyst page of ``--with-code``, the
executed notebook and the summary), the index marks it, the run ends with a summary (notebook, cell, the error's last line)
and the exit code is 1. A report whose tables are not in the data
(:data:`analysis.run.plan.NOTEBOOK_DATA`) is not run: it is "not possible with these data", listed
in the summary, ``run.json`` and the index with the missing tables and how to get them; when
no report failed, the exit code is then 3 (0 when every report was made). A period that a needed
table does not reach back to is refused before any kernel starts (exit 2).

A run is staged in ``outputs/.analysis-run-staging-<period>-...`` and replaces ``outputs/<period>/``
only when every report of the run was produced (failed ones as error pages); an interrupted or
crashed run leaves the previous folder exactly as it was. The runner removes or renames only
folders it made (that prefix and its marker file, :mod:`analysis.core.atomic`) once the run that
made them is gone, and its kernels' connection files (``analysis-run-kernel-*.json`` in the
temporary folder) likewise; nothing else in ``--out`` is touched. An ``--out`` that cannot be
written is one line (exit 2). Reports of the period that this
run did not re-make (other municipalities or notebooks) are carried over unchanged and stay
in the index, so re-running one failed notebook does not drop the rest. Other periods are
never touched. Two runs of the same period at once are refused (``outputs/.<period>.lock``).
A notebook whose forked kernel cannot start is retried once with an ordinary kernel; a notebook
whose cells had started is never run again. A kernel that dies (out of memory, killed) fails its
report with the cell it was running and the cause (``kernen døde (signal 9, formentlig
hukommelse)``); the other reports finish and the exit code is 1. When a report failed, the
kernels' own log is kept as ``outputs/<period>/.kernels.log``.

Interrupts
----------
The first Ctrl-C (SIGINT; Ctrl-Break on Windows) or SIGTERM stops the run within about two seconds:
no report or kernel starts any more, the running kernels are killed with every process they
started (``psutil``), the report threads get ``STOP_WAIT`` seconds to notice, this run's staging
folder is removed and the previous ``outputs/<period>/`` stays exactly as it was; a summary says
which reports had finished (none of them is saved) and which had not, and the exit code is 130
(143 for SIGTERM). Further signals during that clean-up are only acknowledged, so it always
finishes; a signal while the finished run is being swapped in waits until the swap is done.

Speed
-----
Notebooks run in parallel kernels (``--jobs``) driven from threads of this process; the
HTML and Excel export happens in-process, in the main thread, so that a report thread starts its
next notebook as soon as a notebook has run. Kernels are forked from a warm process that has already
imported pandas, pyarrow, matplotlib and the analysis package (:mod:`analysis.run.kernels`).
In batches of at least three notebooks per job, once the first kernels run, the zygote
also imports what the notebooks import (found with
``ast`` in the notebooks and the analysis modules they use, e.g. seaborn and statsmodels:
:func:`analysis.run.preload.notebook_imports`) and decodes the processed tables (up to 3 million rows each)
through :mod:`analysis.data.load`'s cache, so later kernels start with all of it; this saves
2-5 s of CPU per notebook. In smaller batches the zygote imports those modules before the
first kernel, and every kernel waits for that (:meth:`analysis.run.kernels.Zygote.hold_spawns`).
A kernel is ready as soon as it has bound its sockets and answered (jupyter_client's own
start and stop each idle 0.1-0.4 s, which adds up over hundreds of notebooks). Figures
are laid out once and drawn once (:func:`analysis.present.charts.fix_layout`). ``--no-fork``
uses ordinary kernels. ``make bench`` (:mod:`analysis.tools.timing`) measures it.

Platforms: the fork path is used on Linux only (:func:`analysis.run.kernels.available`); on
Windows and macOS, and with ``--no-fork`` or ``ANALYSIS_NO_FORK=1``, every kernel is an ordinary
``ipykernel`` started through ``jupyter_client``'s public API, ``--jobs`` of them at once; the export
is in-process on every platform. Ordinary kernels are started ahead of need
(:class:`analysis.run.kernel_adapter.KernelPool`): the first ones before the run is planned
(:class:`_EarlyKernels`), then one whenever a notebook takes one, each warmed with what its notebook
imports (:func:`analysis.run.preload.imports_by_notebook`); their own log is kept in the temporary
folder while the run works (copied to ``.kernels.log`` when a report failed). A report thread keeps
its ordinary kernel for up to ``KERNEL_USES`` notebooks (:class:`_KernelSlot`), reset between them to
the state recorded before the first (:mod:`analysis.run.kernel_state`), unless ``--fresh-kernels``;
``run.json`` records per report whether its kernel was ``forked``, ``new`` or ``reused``. The period lock is ``filelock``'s, processes are found and
killed with ``psutil``; no POSIX-only call is made outside the zygote
(tests/test_runner_platforms.py checks it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.run.plan import configure_parser  # noqa: F401 - the options of `analysis run` (cli.py asks this module)
from analysis.run.plan import Plan, cannot_write, make_plan
from analysis.run.preload import common_imports, imports_by_notebook, notebook_imports
from analysis.run.results import (
    NOT_POSSIBLE,
    Result,
    find_failure,
    header_meta,
    kernel_death,
    last_sent_cell,
    not_possible,
    notebook_title,
    one_line,
)

WARM_MIN_TASKS_PER_JOB = 3  # warm the zygote (imports, data) only for batches of at least this many notebooks per job


def run_command(args: argparse.Namespace) -> int:
    from analysis.run import kernels

    # The kernel zygote (a process that imports the libraries; it starts no kernel by itself)
    # starts while the parameters are checked, so the first kernel is ready half a second
    # sooner. A bad parameter closes it before any kernel was started.
    zygote = kernels.Zygote() if not args.no_fork and kernels.available() else None
    # Without the zygote (Windows, macOS, --no-fork), the first kernels start now instead.
    early = _EarlyKernels.start(args) if zygote is None else None
    try:
        plan = make_plan(args)
    except BaseException:
        if zygote is not None:
            zygote.close()
        if early is not None:
            early.close()
        raise
    return execute(plan, zygote=zygote, early=early)


class _EarlyKernels:
    """Ordinary kernels started before the run is planned (:class:`analysis.run.kernel_adapter.KernelPool`), with
    the manager class that will use them and its log (in the temporary folder: the staging folder does not exist
    yet; copied into the output when a report failed)."""

    def __init__(self, manager, log_path: Path, cwd: str):
        self.manager, self.log_path, self.cwd = manager, log_path, cwd
        self.notebook_imports: dict[str, list[str]] = {}
        self.reading = threading.Thread(target=lambda: None)

    def warm(self, notebooks: list[Path]) -> None:
        """In a thread: find what each notebook imports (:func:`analysis.run.preload.imports_by_notebook`) and
        have the waiting kernels import what they all import."""
        from analysis.run import kernels

        def read() -> None:
            with contextlib.suppress(Exception):  # an optimisation only: the notebooks import what they need
                self.notebook_imports = imports_by_notebook(notebooks)
                kernels.warm_pool(self.manager, common_imports(self.notebook_imports))

        self.reading = threading.Thread(target=read, name="notebook-imports", daemon=True)
        self.reading.start()

    def imports(self, plan: Plan) -> dict[str, list[str]]:
        """What each notebook of the plan imports (read in :meth:`warm`, if it read the same notebooks)."""
        self.reading.join()
        if set(plan.notebooks) <= set(self.notebook_imports):
            return self.notebook_imports
        return imports_by_notebook(plan.notebooks.values())

    @classmethod
    def start(cls, args: argparse.Namespace) -> _EarlyKernels | None:
        from analysis.run import kernels
        from analysis.run.plan import chosen_notebooks, cores

        try:
            nb_dir, notebooks = chosen_notebooks(args)
            jobs = cores() if args.jobs is None else int(args.jobs)
            if jobs < 1:
                return None  # the plan will say what is wrong
            name = _kernel_name(next(iter(notebooks.values())))
            log_path = _kernel_runtime_dir() / f"{_kernel_file_stem()}{uuid.uuid4().hex[:12]}.log"
            manager = _own_connection_files(kernels.kernel_manager_class(None, log_path=str(log_path), cwd=str(nb_dir)))
            early = cls(manager, log_path, str(nb_dir))
        except Exception:  # noqa: BLE001 - an optimisation only; the plan reports bad parameters
            return None
        try:
            kernels.start_pool(manager, kernel_name=name, size=jobs, total=min(jobs, len(notebooks)))
        except Exception:  # noqa: BLE001 - kernels then start when they are needed
            early.close()
            return None
        early.warm(list(notebooks.values()))
        return early

    def fits(self, plan: Plan) -> bool:
        return self.cwd == str(plan.notebooks_dir)

    def close(self) -> None:
        """Stop the kernels nobody took and close the log (the log file stays: :meth:`remove_log`)."""
        from analysis.run import kernels

        kernels.stop_pool(self.manager)
        kernels.close_log(self.manager)

    def remove_log(self) -> None:
        with contextlib.suppress(OSError):
            self.log_path.unlink()


# ----------------------------------------------------------------------------- one notebook


@dataclass
class _Executed:
    """A notebook that ran (or failed to), waiting for its HTML and Excel export."""

    name: str
    area: object  # geography.Area
    folder: Path
    nb: object  # nbformat.NotebookNode
    failure: tuple | None
    run_started: str
    started: float
    kernel: str = ""  # "forked", "new" or "reused" (kept from the thread's previous notebook, reset)


class _KernelSlot:
    """A report thread's ordinary kernel, kept for the thread's next notebook (without the zygote).

    Importing pandas, matplotlib, seaborn with scipy and statsmodels costs an ordinary kernel up to 2 s of CPU
    (the forked kernels inherit them from the zygote). So a kernel runs up to ``uses`` notebooks: after a
    notebook that ran without error it is kept, and before the next notebook it is reset to the state recorded
    before its first one (:mod:`analysis.run.kernel_state`: empty namespace, execution count 1, no figures,
    rcParams, options, warnings, random generators as they were). A notebook that failed, a kernel that died,
    a reset that failed, or the last of its ``uses``: the kernel is shut down and the next notebook gets a new
    one (the pool starts it meanwhile: :meth:`analysis.run.kernel_adapter.KernelPool.add`).
    """

    def __init__(self, manager_class, kernel_name: str, uses: int):
        self.manager_class, self.kernel_name, self.uses = manager_class, kernel_name, max(1, uses)
        self.manager = None
        self.used = 0
        self.reused = False  # whether the last take gave the kernel of the thread's previous notebook

    def take(self, notebook: str):
        """The manager to give papermill for ``notebook``: this thread's kernel, reset, or a new manager (papermill
        starts its kernel, taking one from the pool when one is waiting)."""
        if self.manager is not None and not self._reset():
            self.close()
            self._more_kernels()
        if self.manager is None:
            self.manager = self.manager_class(kernel_name=self.kernel_name)
            self.manager.clients = []
            self.used = 0
        manager = self.manager
        self.reused = self.used > 0
        manager.notebook = notebook
        manager.kernel_exits, manager.code_sent = [], []  # this report's, read by the runner afterwards
        if self.used + 1 == self.uses:  # the kernel's last notebook: the thread's next kernel starts meanwhile
            self._more_kernels()
        return manager

    def finished(self, reusable: bool) -> None:
        """After a notebook: keep the kernel for the next one if ``reusable`` (the notebook ran without error and
        the run goes on), else shut it down."""
        manager = self.manager
        if manager is None:
            return
        self.used += 1
        for client in manager.clients:  # nbclient leaves the channels of a kernel it does not own open
            with contextlib.suppress(Exception):
                client.stop_channels()
        manager.clients = []
        if not reusable or self.used >= self.uses or self._process() is None:
            if reusable and self.used < self.uses:
                self._more_kernels()
            self.close()

    def _process(self):
        """The kernel's process while it runs, else None."""
        provisioner = getattr(self.manager, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return process if process is not None and process.poll() is None else None

    def _reset(self) -> bool:
        """Reset the kept kernel (:func:`analysis.run.kernel_state.restore`); False if that failed."""
        from analysis.run.kernel_adapter import silent_request
        from analysis.run.kernel_state import RESTORE_CODE

        process = self._process()
        if process is None:
            return False
        try:
            reply = silent_request(self.manager.get_connection_info(), RESTORE_CODE, process, seconds=120)
        except Exception:  # noqa: BLE001 - then a new kernel, as without reuse
            return False
        return reply is not None and reply.get("status") == "ok"

    def _more_kernels(self) -> None:
        pool = getattr(self.manager_class, "pool", None)
        if pool is not None:
            pool.add()

    def close(self) -> None:
        """Shut the kernel down (jupyter_client's ``shutdown_kernel``: killed, its files removed)."""
        from nbclient.util import run_sync

        manager, self.manager = self.manager, None
        if manager is None:
            return
        for client in getattr(manager, "clients", []):
            with contextlib.suppress(Exception):
                client.stop_channels()
        with contextlib.suppress(Exception):
            run_sync(manager.shutdown_kernel)(now=True)


KERNEL_USES = 8  # notebooks an ordinary kernel runs at most (then a new one: what a notebook leaves in memory is let go)


def _execute_one(plan: Plan, name: str, area, staging: Path, final: Path, kmc, run_started: str,
                 slot: _KernelSlot | None = None) -> _Executed | None:
    """Execute one notebook into ``staging`` with papermill (the kernel's part of a report); None when the run
    was interrupted (the managers' ``cancel`` event set) before it was made. With a ``slot``, the notebook runs in
    the report thread's kernel (kept for its next notebook when this one ran without error)."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures are reported by the runner itself
    started = time.perf_counter()
    rel = area.slug
    folder = staging / rel
    folder.mkdir(exist_ok=True)  # never parents: a staging folder removed on interrupt is not made again
    out_nb = folder / f"{name}.ipynb"
    params = {
        "municipality": area.name,
        "period": plan.period,
        "source": plan.source,
        "comparison_area": plan.comparison_area,
        "output_dir": str(folder),
    }
    managers = list(kmc) if isinstance(kmc, (list, tuple)) else [kmc]
    cancel = getattr(managers[0], "cancel", None)
    crash = ""
    executed = None
    died_in = None
    kernel_kind = ""
    for manager in managers:
        if cancel is not None and cancel.is_set():
            return None
        crash = ""
        failed_cell = False
        if slot is not None:
            # The report thread's kernel (its manager records this report's kernel exits and code sent).
            manager = slot.take(name)
            kernel = {"km": manager}
            kernel_kind = "reused" if slot.reused else "new"
        else:
            # This report's own subclass: its provisioner records there how a kernel that died ended, its client
            # the code sent to the kernel.
            manager = type(manager.__name__, (manager,), {"kernel_exits": [], "code_sent": [], "notebook": name})
            kernel = {"kernel_manager_class": manager}
            kernel_kind = "forked" if getattr(manager, "zygote", None) is not None else "new"
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
                shutdown_kernel="immediate",
                **kernel,
            )
        except PapermillExecutionError:
            failed_cell = True  # recorded in the saved notebook
        except Exception as exc:  # noqa: BLE001 - a kernel that dies or cannot start fails this report only
            crash = one_line(f"{type(exc).__name__}: {exc}")
            if manager.kernel_exits and manager.kernel_exits[0] != 0:
                crash = kernel_death(manager.kernel_exits[0])
        if slot is not None:
            slot.finished(reusable=not crash and not failed_cell and not (cancel is not None and cancel.is_set()))
        if cancel is not None and cancel.is_set():
            return None
        if not crash:
            break
        if manager.code_sent:  # never run a notebook again whose cells had started
            died_in = last_sent_cell(nbformat.read(plan.notebooks[name], as_version=4), manager.code_sent)
            break
        # The kernel never ran a cell (e.g. a forked kernel could not start): retry with the next manager.
    if executed is not None and not crash:
        nb = executed  # what papermill saved to out_nb
    elif out_nb.is_file():
        nb = nbformat.read(out_nb, as_version=4)
    else:
        nb = nbformat.read(plan.notebooks[name], as_version=4)
        crash = crash or "the notebook was not executed"
    failure = find_failure(nb)
    if failure is None and crash:
        failure = (*(died_in or (None, None)), crash)
    # The notebook ran in the staging folder; record where its outputs end up.
    _replace_paths(nb, str(folder), str(final / rel))
    nbformat.write(nb, out_nb)
    return _Executed(name, area, folder, nb, failure, run_started, started, kernel_kind)


def _export_one(plan: Plan, executed: _Executed, final: Path) -> Result:
    """A report's HTML page (and analyst page, PDF), Excel workbook and result, from its executed notebook."""
    from analysis.run.export import export_html, write_workbook

    name, area, folder, nb, failure = executed.name, executed.area, executed.folder, executed.nb, executed.failure
    run_started, started, rel = executed.run_started, executed.started, area.slug
    title = notebook_title(nb, name)
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
    result.kernel = executed.kernel
    if failure:
        result.cell, result.execution_count, result.error = failure
    page_title = f"{title} – {area.name} – {plan.period_label}"
    footer = _footer(plan, run_started)
    header = ""
    if not header_meta(nb):
        from analysis.present import report

        header = report.header_html(title, area.name, plan.period, plan.source, vintage=plan.vintage)
    files = {"ipynb": f"{rel}/{name}.ipynb", "html": f"{rel}/{name}.html"}
    page = export_html(nb, variant="leadership", title=page_title, footer=footer, result=result, header=header)
    (folder / f"{name}.html").write_text(page, encoding="utf-8")
    if plan.with_code:  # a failed report's code and traceback go only here (and in the .ipynb and the summary)
        analyst = export_html(nb, variant="analyst", title=page_title + " (analytiker)", footer=footer, result=result,
                              header=header)
        (folder / f"{name}.analyst.html").write_text(analyst, encoding="utf-8")
        files["analyst_html"] = f"{rel}/{name}.analyst.html"
    if plan.pdf_browser is not None:
        from analysis.run.pdf import html_to_pdf

        try:
            html_to_pdf(folder / f"{name}.html", folder / f"{name}.pdf", plan.pdf_browser)
            files["pdf"] = f"{rel}/{name}.pdf"
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # the PDF fails this report, not the run
            if not failure:
                result.status, result.error = "failed", one_line(f"PDF: {exc}")
    try:
        workbook = write_workbook(folder, name)
    except Exception as exc:  # noqa: BLE001 - a broken table file fails this report, not the run
        workbook = None
        if not failure:
            result.status, result.error = "failed", one_line(f"Excel workbook: {type(exc).__name__}: {exc}")
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
    """Hold the period's lock (``<out>/.<period>.lock``); another run of the period, or an output folder that
    cannot be written (read-only, under a file, /proc), is one ParameterError line."""
    from analysis.core import atomic

    lock = atomic.exclusive_lock(out / f".{period}.lock")
    try:
        lock.__enter__()
    except atomic.LockedError:
        raise ParameterError(f"another `analysis run` for period {period} is writing to {out}; wait for it to finish") from None
    except OSError as exc:
        raise cannot_write(out, exc) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)  # the (empty, hidden) lock file stays: removing it would race with a waiting run


def _expected_seconds(plan: Plan):
    """A key giving each notebook its expected run time, to start the slowest first (so the
    last kernels of a batch do not run alone): the mean time of its reports in earlier runs
    under ``plan.out``, else the number of calls in its code cells (a better guess of the work
    than the number of cells: each table, figure and sentence is a call)."""
    times: dict[str, list[float]] = {}
    for record in sorted(plan.out.glob("*/run.json"))[-4:]:
        with contextlib.suppress(ValueError, OSError, AttributeError, TypeError):
            for r in json.loads(record.read_text(encoding="utf-8")).get("reports", []):
                if r.get("status") == "ok" and r.get("seconds"):
                    times.setdefault(r["notebook"], []).append(float(r["seconds"]))
    if all(name in times for name in plan.notebooks):
        return lambda name: sum(times[name]) / len(times[name])

    def calls(name: str) -> float:
        import ast

        from analysis.run.preload import code_cells

        count = 0
        for source in code_cells(plan.notebooks[name]):
            with contextlib.suppress(SyntaxError):
                count += sum(isinstance(node, ast.Call) for node in ast.walk(ast.parse(source)))
        return float(count)

    return calls


# What the runner makes in --out besides the period folders and their locks: only entries with these prefixes that hold its
# marker (analysis.core.atomic) are ever removed or renamed; anything else there is left as it is.
RUN_MADE_BY = "analysis run"
STAGING_PREFIX = ".analysis-run-staging-"
OLD_PREFIX = ".analysis-run-old-"
KERNEL_FILE_PREFIX = "analysis-run-kernel-"  # the connection files of the runner's kernels (the temporary folder)


def _this_process() -> dict:
    """Who this run is, for markers: its pid and the start time of its process (a pid can be reused)."""
    import psutil

    return {"pid": os.getpid(), "process_started": round(psutil.Process().create_time(), 3)}


def _owner_alive(pid, process_started) -> bool:
    """True while the process that wrote a marker runs: the pid exists and was started when recorded."""
    import psutil

    try:
        started = psutil.Process(int(pid)).create_time()
    except (psutil.Error, TypeError, ValueError):
        return False
    try:
        return abs(started - float(process_started)) < 1.0
    except (TypeError, ValueError):
        return True  # no start time recorded: a live pid may be the owner, so keep its files


def _clean_stale_staging(out: Path) -> None:
    """Remove what killed runs of the runner left in ``out``: its staging folders, and previous period folders
    (renamed aside while a new one was swapped in) put back where the new one never arrived.

    Only folders with the runner's prefix and marker whose process is gone; nothing else is touched.
    """
    from analysis.core import atomic

    for entry in sorted(out.iterdir()) if out.is_dir() else []:
        if not entry.name.startswith((STAGING_PREFIX, OLD_PREFIX)) or entry.is_symlink() or not entry.is_dir():
            continue
        marker = atomic.read_marker(entry)
        if marker.get("made_by") != RUN_MADE_BY or _owner_alive(marker.get("pid"), marker.get("process_started")):
            continue
        restore = str(marker.get("restore_to") or "")
        if entry.name.startswith(OLD_PREFIX) and restore and Path(restore).name == restore and not restore.startswith(".") \
                and not (out / restore).exists():
            entry.rename(out / restore)  # a run died between its two renames: put the previous folder back
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _kernel_runtime_dir() -> Path:
    """Where the runner's kernels' connection files go: the temporary folder (where jupyter_client puts a
    kernel's file when it is given no name)."""
    import tempfile

    return Path(tempfile.gettempdir())


def _kernel_name(notebook: Path) -> str:
    """The kernel a notebook asks for (papermill starts that one), read from its JSON; ``python3`` if it names none."""
    try:
        spec = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {}).get("kernelspec", {})
    except (OSError, ValueError, AttributeError):
        return "python3"
    return str(spec.get("name") or "python3")


def _kernel_file_stem() -> str:
    """``analysis-run-kernel-<pid>-<process start in ms>-``: how this run's kernel files begin."""
    me = _this_process()
    return f"{KERNEL_FILE_PREFIX}{me['pid']}-{int(me['process_started'] * 1000)}-"


def _own_connection_files(manager_class):
    """``manager_class`` whose kernels' connection files are named as the runner's own
    (``analysis-run-kernel-<pid>-<process start>-<random>.json`` in the temporary folder), so that a
    later run can remove those a killed run left (:func:`_clean_kernel_files`) and never another Jupyter's."""
    import uuid

    from traitlets import default

    stem = _kernel_file_stem()

    class RunnerKernelManager(manager_class):
        @default("connection_file")
        def _runner_connection_file(self):
            folder = _kernel_runtime_dir()
            folder.mkdir(parents=True, exist_ok=True)
            return str(folder / f"{stem}{uuid.uuid4().hex[:12]}.json")

    RunnerKernelManager.__name__ = RunnerKernelManager.__qualname__ = manager_class.__name__
    return RunnerKernelManager


_KERNEL_FILE = re.compile(rf"^{re.escape(KERNEL_FILE_PREFIX)}(\d+)-(\d+)-[0-9a-f]+\.(json|log)$")


def _clean_kernel_files() -> list[str]:
    """Remove the connection files of the runner's kernels whose run is gone (killed with ``kill -9``, or
    stopped by a second Ctrl-C before its kernels were shut down). Other files are never touched."""
    removed = []
    folder = _kernel_runtime_dir()
    for path in sorted(folder.glob(f"{KERNEL_FILE_PREFIX}*")) if folder.is_dir() else []:
        m = _KERNEL_FILE.match(path.name)
        if m is None or _owner_alive(int(m.group(1)), int(m.group(2)) / 1000):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path.name)
    return removed


def _link_copy(src: Path, dst: Path) -> None:
    """Copy a folder tree using hard links where possible (cheap, and the original is never written)."""

    def link(s, d):
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    def not_the_marker(folder, names):  # the staging folder keeps its own marker (this run's)
        from analysis.core import atomic

        return [atomic.MARKER] if Path(folder) == src else []

    shutil.copytree(src, dst, copy_function=link, ignore=not_the_marker, dirs_exist_ok=True)


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
            for suffix in (".html", ".analyst.html", ".ipynb", ".xlsx", ".pdf"):
                with contextlib.suppress(FileNotFoundError):
                    (folder / f"{nb}{suffix}").unlink()
            for f in (folder / "tables").glob(f"{nb}__*"):
                f.unlink()
    return carried


# ----------------------------------------------------------------------------- the run


def execute(plan: Plan, zygote=None, early: _EarlyKernels | None = None) -> int:
    """Run every (municipality, notebook) of a validated plan; see the module docstring. Returns the exit code.

    ``zygote``: an already started :class:`analysis.run.kernels.Zygote` to use (closed at the end); ``early``:
    ordinary kernels already started (used without a zygote, stopped at the end).
    """
    from analysis.core import atomic
    from analysis.run import kernels

    t0 = time.perf_counter()
    if plan.pdf and plan.pdf_browser is None:
        from analysis.run.pdf import HOW_TO_ENABLE

        print(HOW_TO_ENABLE, file=sys.stderr)
    run_started = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    final = plan.out / plan.period
    try:
        lock = _period_lock(plan.out, plan.period)
        lock.__enter__()
    except BaseException:
        if zygote is not None:
            zygote.close()
        if early is not None:
            early.close()
            early.remove_log()
        raise
    stop = _Stop()
    with contextlib.ExitStack() as held:
        held.push(lock)
        held.enter_context(_stop_on_signals(stop))
        _clean_stale_staging(plan.out)
        _clean_kernel_files()
        staging = atomic.make_staging(plan.out, f"{STAGING_PREFIX}{plan.period}-", RUN_MADE_BY, **_this_process())
        managers: list = []
        workers: list[threading.Thread] = []
        tasks: list = []
        results: list[Result] = []
        try:
            carried = _prepare_staging(plan, final, staging)
            log_path = str(staging / ".kernels.log")
            if zygote is None and plan.fork and kernels.available():
                zygote = kernels.Zygote(log_path=log_path)
            if early is not None and (zygote is not None or not early.fits(plan)):
                early.close()
                early.remove_log()
                early = None
            if zygote is not None:
                n_tasks = len(plan.areas) * len(set(plan.notebooks) - set(plan.not_possible))
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
            if early is not None:
                kmc = early.manager
            else:
                kmc = _own_connection_files(kernels.kernel_manager_class(zygote, log_path=log_path, cwd=str(plan.notebooks_dir)))
            managers = [kmc]
            if zygote is not None:  # if a forked kernel cannot start, that notebook retries with a plain kernel
                plain = _own_connection_files(kernels.kernel_manager_class(None, log_path=log_path, cwd=str(plan.notebooks_dir)))
                managers.append(plain)
            for manager in managers:
                manager.cancel = stop.cancel  # once set, no kernel starts
            threading.Thread(target=_prepare_export, daemon=True).start()
            slowest_first = sorted(plan.notebooks, key=_expected_seconds(plan), reverse=True)
            tasks = [(nb, area) for area in plan.areas for nb in slowest_first if nb not in plan.not_possible]
            # Ordinary kernels (no zygote): one per report thread, reset between its notebooks (_KernelSlot), unless
            # --fresh-kernels; all notebooks of the run must then ask for the same kernel.
            kernel_names = {nb: _kernel_name(plan.notebooks[nb]) for nb in {nb for nb, _ in tasks}}
            reuse = zygote is None and not plan.fresh_kernels and len(set(kernel_names.values())) == 1
            if zygote is None:  # ordinary kernels: each starts while the previous notebook runs
                with contextlib.suppress(Exception):  # an optimisation only: kernels then start when needed
                    if early is None and tasks:
                        kernels.start_pool(kmc, kernel_name=kernel_names[tasks[0][0]],
                                           size=plan.jobs, total=len(tasks))
                    imports = early.imports(plan) if early is not None else imports_by_notebook(plan.notebooks.values())
                    kernels.pool_tasks(kmc, [nb for nb, _ in tasks], imports,
                                       kernels=min(plan.jobs, len(tasks)) if reuse else None)
            progress = Progress(len(tasks), quiet=plan.quiet)
            # Reports whose tables the data lacks are not run: recorded as not possible, with what is missing.
            titles = {nb: _title_of(plan.notebooks[nb], nb) for nb in plan.not_possible}
            results = [not_possible(nb, area, missing, plan.source, run_started, titles[nb])
                       for area in plan.areas for nb, missing in plan.not_possible.items()]
            # A municipality's front page is made as soon as its last report is done, while the other
            # reports run (in a large batch the cores are then never idle at the end).
            left_in_area = {area.slug: sum(1 for _, a in tasks if a.slug == area.slug) for area in plan.areas}
            areas = {area.slug: area for area in plan.areas}
            front_made: dict[str, dict] = {}
            front_seconds = 0.0
            try:
                # The report threads only run notebooks; each report is exported here, in the main thread, so
                # that a kernel slot takes the next notebook as soon as its notebook has run.
                n_workers = max(1, min(plan.jobs, len(tasks)))
                workers, done = _start_workers(
                    n_workers, tasks, stop.cancel,
                    lambda nb, area, slot=None: _execute_one(plan, nb, area, staging, final, managers, run_started, slot),
                    slot=None if not reuse else (lambda: _KernelSlot(kmc, kernel_names[tasks[0][0]], KERNEL_USES)),
                )

                def export(executed: _Executed) -> None:
                    nonlocal front_seconds
                    result = _export_one(plan, executed, final)
                    results.append(result)
                    progress.update(result)
                    left_in_area[result.folder] -= 1
                    if left_in_area[result.folder] == 0 and len(plan.areas) > 1 and not stop.cancel.is_set():
                        from analysis.run.front import write_area_front_page

                        front_started = time.perf_counter()
                        front_made[result.folder] = write_area_front_page(
                            plan, staging, areas[result.folder], _footer(plan, run_started))
                        front_seconds += time.perf_counter() - front_started

                for executed in _finished(done, len(tasks), workers):
                    export(executed)
                for worker in workers:  # each shuts down the kernel it kept before the kernels' log is closed
                    worker.join(timeout=WORKER_END_WAIT)
            finally:
                progress.close()
            # Every kernel is gone: close the logs (and the zygote, which writes to one) before the
            # log may be deleted and the folder renamed (Windows refuses both while a file is open).
            for manager in managers:
                kernels.stop_pool(manager)
                kernels.close_log(manager)
            if early is not None:
                if any(r.status == "failed" for r in results):
                    shutil.copyfile(early.log_path, staging / ".kernels.log")
                early.remove_log()
            if zygote is not None:
                zygote.close()
                zygote = None
            order = {(a.slug, nb): i for i, (nb, a) in enumerate((nb, a) for a in plan.areas for nb in plan.notebooks)}
            results.sort(key=lambda r: order[(r.folder, r.notebook)])
            from analysis.run.front import write_front_pages, write_overview
            from analysis.run.index import render_index

            front_started = time.perf_counter()
            front_pages = write_front_pages(plan, staging, _footer(plan, run_started), made=front_made)
            overview = write_overview(staging, front_pages)
            front_seconds += time.perf_counter() - front_started
            duration = time.perf_counter() - t0
            record = _run_record(plan, results, carried, run_started, duration)
            record["front_pages"] = [{k: v for k, v in e.items() if k != "overview"} for e in front_pages]
            record["run"]["front_pages_seconds"] = round(front_seconds, 2)
            (staging / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            (staging / "index.html").write_text(render_index(record, overview), encoding="utf-8")
            if not any(r.status == "failed" for r in results):  # keep the kernels' own log when something failed
                with contextlib.suppress(FileNotFoundError):
                    (staging / ".kernels.log").unlink()
            with stop.deferred():  # a signal now waits until the new folder is in place (or the old one is back)
                atomic.swap_in(staging, final, old_name=f"{OLD_PREFIX}{plan.period}-{time.time_ns()}",
                               made_by=RUN_MADE_BY, **_this_process())
        except BaseException as exc:
            stop.stopping = True  # from here a second Ctrl-C is noted, not obeyed: the clean-up finishes
            _stop_kernels(stop.cancel, managers, zygote, workers)
            zygote = None
            if early is not None:
                early.close()
                early.remove_log()
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, KeyboardInterrupt):
                _summarise_interrupted(exc, tasks, results, final)
            raise
        finally:
            if zygote is not None:
                zygote.close()
    code = _summarise(plan, results, final, time.perf_counter() - t0)
    if stop.pending is not None:
        print(f"interrupted while the reports were being saved: they were saved in {final}", file=sys.stderr)
        raise Interrupted(stop.pending)
    return code


# ----------------------------------------------------------------------------- workers and interrupts


WORKER_END_WAIT = 30.0  # seconds the run waits, once every report is made, for a report thread to shut down its kernel
STOP_WAIT = 0.8  # seconds an interrupted run waits for its report threads after killing their kernels
RESULT_POLL = 0.2  # seconds between the main thread's checks for finished reports (signals are handled between them)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal: SIGINT (Ctrl-C) exits 130, SIGTERM 143 (128 + the signal's number)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = int(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _Stop:
    """The run's interrupt state: ``cancel`` (no new report or kernel once set), whether the clean-up has begun
    (later signals are only noted), and a signal held back while the new folder is swapped in."""

    def __init__(self):
        self.cancel = threading.Event()
        self.stopping = False
        self.deferring = False
        self.pending: int | None = None

    def handle(self, signum, _frame) -> None:
        if self.deferring:
            self.pending = self.pending or signum
            return
        if self.stopping:
            print("still stopping: the kernels are being shut down and this run's files removed", file=sys.stderr)
            return
        self.stopping = True
        self.cancel.set()
        raise Interrupted(signum)

    @contextlib.contextmanager
    def deferred(self):
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False


@contextlib.contextmanager
def _stop_on_signals(stop: _Stop):
    """While the run works, SIGINT and SIGTERM (and Ctrl-Break on Windows) stop it through ``stop``."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGBREAK")
    previous = {}
    for sig in (getattr(signal, n) for n in names if hasattr(signal, n)):
        previous[sig] = signal.signal(sig, stop.handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _start_workers(n: int, tasks: list, cancel: threading.Event, run, slot=None):
    """``n`` daemon threads that call ``run(*task)`` for each task until none is left or ``cancel`` is set; returns
    the threads and the queue of ``(result, error)``. Daemon threads never hold up the exit of an interrupted run.
    ``slot``: made once per thread (``run(*task, slot=...)``, closed when the thread ends)."""
    import queue

    todo: queue.SimpleQueue = queue.SimpleQueue()
    for task in tasks:
        todo.put(task)
    done: queue.SimpleQueue = queue.SimpleQueue()

    def work() -> None:
        own = {} if slot is None else {"slot": slot()}
        try:
            while not cancel.is_set():
                try:
                    task = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put((run(*task, **own), None))
                except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                    done.put((None, exc))
        finally:
            if own:
                own["slot"].close()

    threads = [threading.Thread(target=work, name=f"report-{i}", daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    return threads, done


def _finished(done, total: int, workers: list[threading.Thread]):
    """Yield each report's result as it finishes (in the main thread, which thus stays responsive to signals)."""
    import queue

    left = total
    while left:
        try:
            result, error = done.get(timeout=RESULT_POLL)
        except queue.Empty:
            if not any(t.is_alive() for t in workers) and done.empty():
                raise RuntimeError("the report threads ended before every report was made") from None
            continue
        left -= 1
        if error is not None:
            raise error
        if result is not None:
            yield result


def _stop_kernels(cancel: threading.Event, managers: list, zygote, workers: list[threading.Thread]) -> None:
    """Stop everything the run started: no new kernel, every running kernel killed (with what it started), the
    report threads given ``STOP_WAIT`` seconds to notice, then the kernels killed again (one may have started
    meanwhile) and the kernels' logs closed."""
    from analysis.run import kernels

    cancel.set()
    for manager in managers:
        kernels.stop_pool(manager)
        kernels.kill_kernels(manager)
    if zygote is not None:
        zygote.kill()
    deadline = time.monotonic() + STOP_WAIT
    for thread in workers:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    for manager in managers:
        kernels.kill_kernels(manager)
        kernels.close_log(manager)


def _summarise_interrupted(exc: KeyboardInterrupt, tasks: list, results: list[Result], final: Path, limit: int = 20) -> None:
    """What an interrupted run did: which reports had finished and which had not; none of them was saved."""
    import signal

    signum = getattr(exc, "signum", signal.SIGINT)
    how = "SIGTERM" if signum == getattr(signal, "SIGTERM", None) else "Ctrl-C"
    made = {(r.folder, r.notebook) for r in results if r.status != NOT_POSSIBLE}
    finished = [f"{area.slug}/{nb}" for nb, area in tasks if (area.slug, nb) in made]
    unfinished = [f"{area.slug}/{nb}" for nb, area in tasks if (area.slug, nb) not in made]
    print(f"interrupted ({how}): {len(finished)} of {len(tasks)} report(s) had finished, {len(unfinished)} had not; "
          f"nothing of this run was saved, {final} is as it was", file=sys.stderr)
    for label, names in (("finished (not saved)", finished), ("not finished", unfinished)):
        for name in names[:limit]:
            print(f"  {label}: {name}", file=sys.stderr)
        if len(names) > limit:
            print(f"  ... and {len(names) - limit} more {label}", file=sys.stderr)


def _title_of(path: Path, name: str) -> str:
    """A notebook's title without running it: the literal its title block is given (``report.header("...")``),
    else its first heading."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a notebook that does not read gets its file name
        return name
    for cell in nb.cells:
        found = re.search(r"""report\.header\(\s*(["'])(.+?)\1""", cell.source) if cell.cell_type == "code" else None
        if found:
            return found.group(2)
    return notebook_title(nb, name)


def _prepare_export() -> None:
    """Load the HTML and Excel writers and compile the report template while the first kernels start.

    Otherwise this (about 1 s of CPU) happens when the first notebook has finished, on the
    batch's critical path, while at the start one core waits for the zygote's imports.
    """
    try:
        import nbformat
        import openpyxl  # noqa: F401

        from analysis.run.export import export_html
        from analysis.run.front import write_front_pages  # noqa: F401 - pandas and the front-page analyses

        export_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# -")]), variant="leadership", title="-")
    except Exception:  # noqa: BLE001 - an optimisation only; the reports load them themselves
        pass


def _warm(zygote, source: str, modules: list[str], after_spawns: int, max_rows: int | None) -> None:
    """Warm the zygote (see :meth:`analysis.run.kernels.Zygote.warm`); ``max_rows=None``: its default."""
    rows = {} if max_rows is None else {"max_rows": max_rows}
    try:
        zygote.warm(source, modules=modules, after_spawns=after_spawns, **rows)
    except Exception:  # noqa: BLE001 - an optimisation only; kernels import and read the data themselves
        pass


EXIT_FAILED = 1  # a report failed (whatever else)
EXIT_NOT_POSSIBLE = 3  # none failed, but some reports were not possible with the data (their tables are missing)


def _summarise(plan: Plan, results: list[Result], final: Path, seconds: float) -> int:
    """Print the run's summary; the exit code: 0 every report made, 1 some failed, 3 none failed but some were
    not possible with these data."""
    failed = [r for r in results if r.status == "failed"]
    impossible = [r for r in results if r.status == NOT_POSSIBLE]
    ok = len(results) - len(failed) - len(impossible)
    if not plan.quiet:
        print(f"{ok} of {len(results)} reports ok in {seconds:.1f} s -> {final / 'index.html'}", file=sys.stderr)
    if impossible:
        # Said even with --quiet (for cron): these reports need data that must be fetched or dropped in first.
        print(f"{len(impossible)} report(s) not possible with these data:", file=sys.stderr)
        for r in impossible:
            print(f"  {r.summary_line()}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} report(s) failed:", file=sys.stderr)
        for r in failed:
            print(f"  {r.summary_line()}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_NOT_POSSIBLE if impossible else 0


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
