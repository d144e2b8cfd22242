"""Fast notebook kernels for batch runs: fork them from a warm "zygote" process.

Starting a Python kernel and importing pandas, pyarrow, matplotlib and the analysis
package costs 1.5-2 s of CPU for every notebook, which dominates a quarterly batch of
hundreds of small notebooks on two cores. The zygote is a process that imports those
modules once and then, on request, ``fork()``\\ s a child that becomes an ordinary
IPython kernel (``ipykernel``) for one notebook. Each notebook still gets its own fresh
process: nothing a notebook does is seen by another; only the *imported modules* are
shared, copy-on-write, exactly as if the kernel had imported them itself.

Pieces:

- :class:`Zygote` — starts ``python -m analysis.run.kernels`` (the server, :func:`serve`) and
  asks it for kernels over a pipe (one JSON line per request and reply); :meth:`Zygote.warm`
  has it import more modules and decode the processed data tables before later forks;
  preloaded objects are moved out of the garbage collector's reach (``gc.freeze``) so the
  children do not copy the shared memory pages when they collect garbage;
- :func:`kernel_manager_class` — an ``AsyncKernelManager`` subclass bound to one zygote,
  given to papermill/nbclient as ``kernel_manager_class``. Its kernels are ready without
  idle waits: the zygote replies once the child has bound its sockets, the client checks
  IOPub in 20 ms steps instead of jupyter_client's fixed 0.2 s waits, and a killed kernel
  is noticed within milliseconds instead of the next 0.1 s poll. Everything that plugs into
  ``jupyter_client`` (a kernel provisioner, the client's ``wait_for_ready``) is in one
  adapter, :mod:`analysis.run.kernel_adapter`, through public extension points only.

The zygote is a Linux-only optimisation: :func:`available` says whether it is used (Linux with
``fork``, and not switched off by ``--no-fork`` or ``ANALYSIS_NO_FORK=1``); everywhere else the
runner starts ordinary kernels through ``jupyter_client``'s public API. Everything POSIX-only
(``fork``, ``setsid``, process groups) stays in this module's server side. Kernel children run
with ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` = 1 so no thread
pools exist at fork time (and parallel kernels do not oversubscribe the cores).

The server reaps its children, and when the runner goes away (its end of the pipe
closes) it kills every kernel it started and exits.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

# Modules imported once in the zygote (each kernel then has them already). The runner adds
# the modules its notebooks import (see analysis.run.preload.notebook_imports) after the first kernels.
PRELOAD = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.dates",
    "matplotlib.ticker",
    "babel.numbers",
    "IPython",
    "IPython.display",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",  # imported by every kernel's start (debugpy: about 0.07 s of CPU each)
    "analysis.present.formats",
    "analysis.reference.geography",
    "analysis.reference.periods",
    "analysis.reference.tables",
    "analysis.data.load",
    "analysis.present.report",
    "analysis.present.charts",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
KERNEL_BIND_WAIT = 30.0  # seconds the zygote waits for a forked kernel to bind its sockets before replying anyway
THREAD_LIMITS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


NO_FORK_ENV = "ANALYSIS_NO_FORK"  # set to 1 to use ordinary kernels on Linux too (as on Windows and macOS)


def platform_can_fork() -> bool:
    """Linux with ``os.fork``: the only platform where the zygote is used.

    Windows has no ``fork``; on macOS CPython stopped forking by default (3.8) because the system
    libraries (Objective-C runtime, Accelerate) are not safe to use in a forked child.
    """
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def available(environ=None) -> bool:
    """Whether ``analysis run`` forks its kernels from the zygote: on Linux, unless ``ANALYSIS_NO_FORK`` is set
    (to anything but ``0``/``false``/``no``); ``--no-fork`` switches it off for one run."""
    value = (os.environ if environ is None else environ).get(NO_FORK_ENV, "").strip().lower()
    return platform_can_fork() and value in ("", "0", "false", "no")


# ----------------------------------------------------------------------------- server side


def _preload(names) -> list[str]:
    import importlib

    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that fails here fails again, visibly, in the notebook
            failed.append(name)
    # The inline backend must be (re)imported inside the kernel so it hooks into the shell.
    sys.modules.pop("matplotlib_inline.backend_inline", None)
    try:  # warm matplotlib's font cache so no child builds it
        from matplotlib import font_manager

        font_manager.findfont("DejaVu Sans")
    except Exception:  # noqa: BLE001
        pass
    # Keep the preloaded objects out of the children's garbage collections: otherwise every
    # collection in a kernel writes to their headers and copies the shared pages.
    import gc

    gc.collect()
    gc.freeze()
    return failed


def _warm_data(source: str, max_rows: int, modules=()) -> dict:
    """Import ``modules`` and read the processed tables (up to ``max_rows`` rows each) through
    analysis.data.load's cache, so every kernel forked afterwards finds them ready."""
    import gc

    started = time.perf_counter()
    failed = _preload(modules) if modules else []
    warmed = []
    try:
        from analysis.data import load

        tables = load.manifest(source).get("tables", {})
        for table, info in sorted(tables.items()):
            if int(info.get("rows", 0)) <= max_rows:
                load.warm(table, source)
                warmed.append(table)
    except Exception as exc:  # noqa: BLE001 - warming is an optimisation only
        return {"warmed": warmed, "error": f"{type(exc).__name__}: {exc}"}
    gc.collect()
    gc.freeze()
    return {"warmed": warmed, "failed_imports": failed, "seconds": round(time.perf_counter() - started, 2)}


def _child(request: dict[str, Any], server_fds: list[int], ready_fd: int) -> None:
    """In the forked child: become an IPython kernel. Never returns.

    Once the kernel has bound its sockets it writes a byte to ``ready_fd``: the zygote replies
    to the runner only then, so the runner's client never connects to a port nobody listens on
    (a refused connection is retried by ZeroMQ only 100-200 ms later).
    """
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        for fd in server_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        os.chdir(request.get("cwd") or os.getcwd())
        env = dict(request.get("env") or os.environ)
        env.update(THREAD_LIMITS)
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        os.environ.clear()
        os.environ.update(env)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        log = os.open(request.get("log") or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        import random

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize([*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"])
        os.write(ready_fd, b"1")
        os.close(ready_fd)
        app.start()
    except BaseException:  # noqa: BLE001
        import traceback

        os.write(2, traceback.format_exc().encode("utf-8", "replace"))  # sys.stderr may be the kernel's
        os._exit(1)
    os._exit(0)


def _wait_readable(fd: int, seconds: float) -> None:
    import select

    select.select([fd], [], [], seconds)  # retried with the time left after a signal (PEP 475)


def serve() -> None:
    """The zygote server loop (``python -m analysis.run.kernels``): preload, say ready, fork on request."""
    os.environ.update(THREAD_LIMITS)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    requests_in = sys.stdin.buffer
    replies = sys.stdout.buffer
    failed = _preload(PRELOAD)
    children: set[int] = set()
    exits: dict[int, int] = {}  # how each reaped kernel ended (os.waitstatus_to_exitcode: -9 = killed by signal 9)

    def reap(_sig=None, _frame=None):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)
            exits[pid] = os.waitstatus_to_exitcode(status)

    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides; Ctrl-C in a terminal reaches us too
    replies.write((json.dumps({"ready": True, "pid": os.getpid(), "failed": failed}) + "\n").encode())
    replies.flush()
    server_fds = [requests_in.fileno(), replies.fileno()]
    try:
        for line in requests_in:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                if "exit_status" in request:
                    pid = int(request["exit_status"])
                    reply = {"status": exits.pop(pid, None if pid in children else 0)}
                    replies.write((json.dumps(reply) + "\n").encode())
                    replies.flush()
                    continue
                if "warm" in request:
                    reply = _warm_data(request["warm"], int(request.get("max_rows", 10**6)), request.get("modules") or ())
                    replies.write((json.dumps(reply) + "\n").encode())
                    replies.flush()
                    continue
                ready_in, ready_out = os.pipe()
                try:
                    pid = os.fork()
                except OSError:
                    os.close(ready_in)
                    os.close(ready_out)
                    raise
            except Exception as exc:  # noqa: BLE001
                replies.write((json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n").encode())
                replies.flush()
                continue
            if pid == 0:
                os.close(ready_in)
                _child(request, server_fds, ready_out)
            children.add(pid)
            os.close(ready_out)
            _wait_readable(ready_in, KERNEL_BIND_WAIT)  # a byte once bound; end of file if the child died
            os.close(ready_in)
            replies.write((json.dumps({"pid": pid}) + "\n").encode())
            replies.flush()
    finally:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for pid in list(children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


# ----------------------------------------------------------------------------- client side


class ZygoteError(RuntimeError):
    pass


class Zygote:
    """A running zygote server; :meth:`spawn` forks a kernel. Thread-safe. Use as a context manager."""

    def __init__(self, env: dict[str, str] | None = None, *, log_path: str | None = None, timeout: float = 60.0):
        self._lock = threading.Lock()
        env = dict(os.environ if env is None else env)
        env.update(THREAD_LIMITS)
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        stderr = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.run.kernels"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            start_new_session=True,
        )
        if log_path:
            stderr.close()
        self._timeout = timeout
        self._ready: dict | None = None
        self._spawned = threading.Condition()
        self._spawn_count = 0
        self._spawn_gate = threading.Event()  # cleared by hold_spawns(), set again when warm() ends
        self._spawn_gate.set()

    def wait_ready(self) -> dict:
        """Block until the server has preloaded its modules; raises ZygoteError if it died."""
        with self._lock:
            if self._ready is None:
                line = self.proc.stdout.readline()
                if not line:
                    raise ZygoteError(f"the kernel zygote exited with code {self.proc.wait()}")
                self._ready = json.loads(line)
        return self._ready

    def hold_spawns(self) -> None:
        """Make :meth:`spawn` wait until the next :meth:`warm` has finished (or failed).

        Call it before starting the threads that spawn kernels, when every kernel should start
        warm: otherwise a spawn may reach the zygote first (the kernel would then import the
        modules itself while the zygote imports them too).
        """
        self._spawn_gate.clear()

    def warm(self, source: str, max_rows: int = 3_000_000, modules=(), *, after_spawns: int = 0, wait: float = 60.0) -> dict:
        """Have the zygote import ``modules`` and read the processed tables of ``source`` (up to ``max_rows`` rows).

        With ``after_spawns`` it first waits (at most ``wait`` seconds) until that many kernels
        have been forked, so the first notebooks start at once and the rest start warm.
        """
        try:
            self.wait_ready()
            with self._spawned:
                self._spawned.wait_for(lambda: self._spawn_count >= after_spawns, timeout=wait)
            with self._lock:
                request = {"warm": source, "max_rows": max_rows, "modules": list(modules)}
                self.proc.stdin.write((json.dumps(request) + "\n").encode())
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
        finally:
            self._spawn_gate.set()
        if not line:
            raise ZygoteError("the kernel zygote exited while reading the data")
        return json.loads(line)

    def spawn(self, argv: list[str], *, env: dict[str, str], cwd: str, log: str | None = None) -> int:
        """Fork a kernel with ipykernel arguments ``argv`` (e.g. ``["-f", conn_file]``); returns its pid."""
        self._spawn_gate.wait(timeout=self._timeout + 120)  # see hold_spawns()
        self.wait_ready()
        request = {"argv": argv, "env": env, "cwd": cwd, "log": log}
        with self._lock:
            if self.proc.poll() is not None:
                raise ZygoteError(f"the kernel zygote has exited (code {self.proc.returncode})")
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise ZygoteError("the kernel zygote exited while starting a kernel")
        reply = json.loads(line)
        with self._spawned:
            self._spawn_count += 1
            self._spawned.notify_all()
        if "pid" not in reply:
            raise ZygoteError(reply.get("error", "the kernel zygote did not start a kernel"))
        return int(reply["pid"])

    def exit_status(self, pid: int) -> int | None:
        """How a kernel this zygote forked ended (``-9``: killed by signal 9; ``0`` when not known), or None
        while it has not been reaped yet."""
        with self._lock:
            if self.proc.poll() is not None:
                return 0
            try:
                self.proc.stdin.write((json.dumps({"exit_status": pid}) + "\n").encode())
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except (OSError, ValueError):
                return 0
        return json.loads(line).get("status") if line else 0

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout,):
            if stream:
                stream.close()

    def kill(self) -> None:
        """Kill the zygote and every kernel it forked at once (when the run is interrupted)."""
        import psutil

        from analysis.run.kernel_adapter import kill_tree

        if self.proc.poll() is None:
            try:
                kill_tree(psutil.Process(self.proc.pid))
            except psutil.Error:
                pass
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream:
                    stream.close()
            except (OSError, ValueError):
                pass

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def kernel_manager_class(zygote: Zygote | None, *, log_path: str | None = None, cwd: str | None = None):
    """An AsyncKernelManager class whose kernels are forked from ``zygote`` (ordinary kernels if None).

    Kernels start in ``cwd`` (default: this process's working directory) with ``THREAD_LIMITS``
    in their environment, and write their own stdout/stderr (not the notebook's output, which
    travels over ZMQ) to ``log_path`` (default: discarded), so they never garble the runner's
    terminal. The class keeps its running kernels in ``live_kernels``; :func:`kill_kernels` kills
    them, :func:`close_log` closes the log file. How the class hooks into jupyter_client:
    :mod:`analysis.run.kernel_adapter` (imported here, not at the top, so the zygote server
    does not import jupyter_client).
    """
    from analysis.run import kernel_adapter

    return kernel_adapter.manager_class(zygote, env=THREAD_LIMITS, log_path=log_path, cwd=cwd)


def start_pool(manager_class, *, kernel_name: str, size: int, total: int) -> None:
    """Start ``size`` ordinary kernels of ``manager_class`` ahead of need (at most ``total`` in all); each kernel
    the class starts later takes one of them and a new one starts in its place
    (:class:`analysis.run.kernel_adapter.KernelPool`)."""
    from analysis.run import kernel_adapter

    kernel_adapter.start_pool(manager_class, kernel_name=kernel_name, size=size, total=total)


def pool_tasks(manager_class, notebooks: list[str], modules: dict[str, list[str]], kernels: int | None = None) -> None:
    """The run's notebooks in order and the modules each imports, once it is planned, and how many kernels it needs
    (default: one per notebook; fewer when kernels are reused): the pool starts no more kernels than that and
    warms each for its first notebook."""
    from analysis.run import kernel_adapter

    kernel_adapter.pool_tasks(manager_class, notebooks, modules, kernels)


def warm_pool(manager_class, modules: list[str]) -> None:
    """Have the kernels waiting in the pool import ``modules`` (what every notebook of the run imports)."""
    pool = getattr(manager_class, "pool", None)
    if pool is not None:
        pool.warm_waiting(modules)


def stop_pool(manager_class) -> None:
    """Stop the pooled kernels that no notebook took (at the end of a run, or when it is interrupted)."""
    pool = getattr(manager_class, "pool", None)
    if pool is not None:
        pool.close()


def kill_kernels(manager_class) -> None:
    """Kill every kernel (and what it started) still running from ``manager_class`` (on interrupt)."""
    from analysis.run import kernel_adapter

    kernel_adapter.kill_kernels(manager_class)


def close_log(manager_class) -> None:
    """Close the kernels' log file of ``manager_class`` (before it is deleted: Windows refuses to delete an open file)."""
    from analysis.run import kernel_adapter

    kernel_adapter.close_log(manager_class)


if __name__ == "__main__":
    serve()
