"""The one place where the runner extends ``jupyter_client``: kernels forked from the zygote, started and stopped without idle waits.

:mod:`analysis.run.kernels` forks ready kernels (the zygote); this module lets papermill/nbclient
use them, through ``jupyter_client``'s public extension points only:

- :class:`ZygoteProvisioner` is a *kernel provisioner*, jupyter_client's documented plugin for
  launching kernels (``LocalProvisioner`` is "intended to be subclassed"). It is registered as the
  entry point ``analysis-zygote`` (group ``jupyter_client.kernel_provisioners``, in pyproject.toml)
  and chosen by the kernel spec's ``metadata.kernel_provisioner``, which :class:`ProvisionedKernelSpecs`
  adds to every spec it returns. It launches ``ipykernel`` by asking the zygote to fork a child
  (anything else, or without a zygote, it launches as usual); signals and polls go to the forked
  child through ``psutil`` (:class:`ForkedProcess` is the ``Popen`` the provisioner manages); a kill
  or terminate returns once the kernel is gone (the zygote reaps it within milliseconds), so the
  manager's shutdown does not poll in 0.1 s steps; every kernel (forked or not) is kept as a
  ``psutil.Process`` in the manager class's ``live_kernels`` from launch to cleanup, for
  :func:`kill_kernels`, which kills its process tree on every platform (no process groups, no
  ``os.kill``); a kernel that ends by itself has its exit code recorded (:meth:`ZygoteProvisioner.poll`).
- :func:`manager_class` makes an ``AsyncKernelManager`` subclass that only sets public traits:
  no restarts (a dead kernel fails its notebook), these kernel specs, and the client below.
- :class:`QuickReadyClient` replaces the public ``AsyncKernelClient.wait_for_ready``. This is the
  hook the library lacks: its version waits a fixed 0.2 s for an IOPub message after the
  ``kernel_info`` reply (and starts over when the message was lost while the subscription was being
  set up), then for 0.2 s of IOPub silence: at least 0.2 s, often 0.4 s, per kernel, for a batch of
  hundreds of short notebooks. Here the same checks poll in short steps. Being a re-implementation
  of a public method, it follows the library's *behaviour*, which a new major version may change:
  ``SUPPORTED`` lists the versions it was checked with, and tests/test_kernel_adapter.py fails
  loudly (naming this module) when the installed ``jupyter_client`` or ``ipykernel`` is outside it,
  or when a hooked method, attribute or entry point is gone or has another signature.

Nothing here overrides or calls a private (underscore) name of ``jupyter_client`` or ``ipykernel``;
the test checks that too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
import time
from importlib.metadata import entry_points
from queue import Empty
from typing import Any

import psutil
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool, default

# Major versions the hooks were written for and are tested with: [lowest, first unsupported).
SUPPORTED = {"jupyter_client": (8, 9), "ipykernel": (6, 8)}
PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"
PROVISIONER_NAME = "analysis-zygote"
IOPUB_SETTLE = 0.02  # seconds of IOPub silence that end a kernel's start (jupyter_client waits 0.2 s)
EXIT_POLL = 0.005  # seconds between checks that a killed kernel is gone (jupyter_client polls every 0.1 s)
WARM_WAIT = 600.0  # seconds a manager taking a pooled kernel waits for its warm-up reply (it waits for it anyway)
EXIT_WAIT = 5.0  # seconds a kill or terminate waits for the kernel to be gone (the manager then waits 5 s more)


class ForkedProcess:
    """What ``LocalProvisioner`` uses of ``subprocess.Popen``, for a kernel the zygote forked (its child, not ours).

    The process is held as a ``psutil.Process`` from the moment it was forked, so a signal never
    reaches another process that got the pid after the kernel was gone; its exit status (e.g.
    ``-9`` when the out-of-memory killer ended it) is asked of the zygote, which reaped it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, zygote=None):
        self.pid = pid
        self.returncode: int | None = None
        self.zygote = zygote
        try:
            self.process = psutil.Process(pid) if pid > 0 else None
        except psutil.Error:
            self.process = None

    def poll(self) -> int | None:
        if self.returncode is None and not is_running(self.process):
            status = self.zygote.exit_status(self.pid) if self.zygote is not None else 0
            if status is not None:  # None: gone, but not reaped yet (the zygote has it in a moment)
                self.returncode = status
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(EXIT_POLL)
        return int(self.returncode or 0)

    def send_signal(self, sig: int) -> None:
        if self.poll() is None and self.process is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                self.process.send_signal(sig)  # psutil refuses if the pid now belongs to another process

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def is_running(process: psutil.Process | None) -> bool:
    """True while ``process`` (the very process, not a later one with its pid) runs; a zombie has ended."""
    if process is None:
        return False
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def kill_tree(process: psutil.Process) -> None:
    """Kill ``process`` and every process it started (portable: no process groups), never a reused pid.

    ``is_running`` compares the pid's process start time with the one recorded when ``process`` was made
    (psutil's ``kill`` only refuses a reused pid once ``is_running`` has found it reused).
    """
    try:
        if not process.is_running():
            return
        family = [process, *process.children(recursive=True)]
    except psutil.Error:
        family = [process]
    for member in family:
        with contextlib.suppress(psutil.Error):
            if member.is_running():
                member.kill()


class RunInterrupted(RuntimeError):
    """Raised instead of starting a kernel once the run was interrupted (``manager.cancel`` is set)."""


def ipykernel_arguments(cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` in a kernel command, or None for another kernel."""
    try:
        at = cmd.index("ipykernel_launcher")
    except ValueError:
        return None
    return cmd[at + 1 :] if at >= 1 and cmd[at - 1] == "-m" else None


class ZygoteProvisioner(LocalProvisioner):
    """Launch an ipykernel by forking the manager's zygote; anything else launches normally.

    What it launches with comes from its manager (``self.parent``, made by :func:`manager_class`):
    ``zygote`` (None: ordinary kernels), ``kernel_env`` (added to the environment), ``kernel_cwd``,
    ``kernel_log`` (the forked kernels' stdout/stderr), ``kernel_output`` (the ordinary kernels').
    """

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        manager = self.parent
        kwargs.setdefault("env", {**os.environ, **getattr(manager, "kernel_env", {})})
        if getattr(manager, "kernel_cwd", None):
            kwargs.setdefault("cwd", manager.kernel_cwd)
        if getattr(manager, "zygote", None) is None and getattr(manager, "kernel_output", None) is not None:
            kwargs.setdefault("stdout", manager.kernel_output)
            kwargs.setdefault("stderr", manager.kernel_output)
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        cancel = getattr(self.parent, "cancel", None)
        if cancel is not None and cancel.is_set():
            raise RunInterrupted("the run was interrupted; no new kernel is started")
        zygote = getattr(self.parent, "zygote", None)
        argv = ipykernel_arguments(cmd)
        pool = getattr(self.parent, "pool", None)
        started = None
        if pool is not None and not getattr(self.parent, "pool_member", False):
            started = pool.take(cmd, kwargs, self.parent.connection_file, getattr(self.parent, "notebook", None))
        if started is not None:  # a kernel the pool started ahead of need, with this very command and environment
            self.process, self.pid, self.pgid = started.process, started.pid, started.pgid
            self.connection_info = started.connection_info
            self.pooled = started  # its manager holds the file the kernel was started with, until cleanup
            info = self.connection_info
            await pool.refill()
        elif zygote is None or argv is None:
            info = await super().launch_kernel(cmd, **kwargs)
        else:
            cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = zygote.spawn(argv, env=dict(kwargs.get("env") or os.environ), cwd=cwd, log=getattr(self.parent, "kernel_log", None))
            self.process = ForkedProcess(pid, zygote)
            self.pid = pid
            self.pgid = pid  # the child called setsid()
            self.cwd = cwd
            info = self.connection_info
        live = getattr(self.parent, "live_kernels", None)
        if self.pid and live is not None:
            process = getattr(self.process, "process", None)  # a ForkedProcess holds its psutil.Process
            with contextlib.suppress(psutil.Error):
                live[int(self.pid)] = process or psutil.Process(int(self.pid))
            if cancel is not None and cancel.is_set():  # interrupted while it started: the runner's kill may have missed it
                kill_tree(live.pop(int(self.pid)))
        return info

    async def poll(self) -> int | None:
        """The kernel's exit code once it has ended; one that ended by itself (not stopped by the runner) is
        recorded in the manager's ``kernel_exits`` (e.g. ``-9``: killed by signal 9)."""
        code = await super().poll()
        exits = getattr(self.parent, "kernel_exits", None)
        if code is not None and exits is not None and not getattr(self, "stopping", False) and not exits:
            exits.append(int(code))
        return code

    async def kill(self, restart: bool = False) -> None:
        self.stopping = True
        await super().kill(restart=restart)
        await until_exited(self)

    async def terminate(self, restart: bool = False) -> None:
        self.stopping = True
        await super().terminate(restart=restart)
        await until_exited(self)

    async def cleanup(self, restart: bool = False) -> None:
        try:
            await super().cleanup(restart=restart)
        finally:
            live = getattr(self.parent, "live_kernels", None)
            if self.pid and live is not None:
                live.pop(int(self.pid), None)
            pooled = getattr(self, "pooled", None)
            if pooled is not None:  # the file the kernel was started with (the manager removes its own copy)
                pooled.release()
                self.pooled = None


async def until_exited(provisioner: LocalProvisioner, seconds: float = EXIT_WAIT) -> None:
    """Return once the provisioner's kernel has exited (or after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while provisioner.has_process and await provisioner.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(EXIT_POLL)


class PooledKernel:
    """A kernel the pool started: what a provisioner takes over from it."""

    def __init__(self, manager: AsyncKernelManager, cmd: list[str], kwargs: dict[str, Any]):
        # The manager that started it is kept until the kernel is gone: when garbage-collected, a manager
        # removes its connection file, which a kernel still starting has perhaps not read yet.
        self.manager = manager
        self.connection_file = manager.connection_file
        self.cmd, self.env, self.cwd = list(cmd), dict(kwargs.get("env") or {}), kwargs.get("cwd")
        self.notebook: str | None = None  # the notebook it was warmed for
        self.warmed = threading.Event()  # set while no warm-up request is waiting for its reply
        self.warmed.set()
        self.warming = 0  # warm-up requests not answered yet
        self.lock = threading.Lock()

    def started(self, manager: AsyncKernelManager) -> None:
        provisioner = manager.provisioner
        self.process, self.pid, self.pgid = provisioner.process, provisioner.pid, provisioner.pgid
        self.connection_info = dict(provisioner.connection_info)

    def fits(self, cmd: list[str], kwargs: dict[str, Any], connection_file: str) -> bool:
        """Whether it was started as a manager would start one now (same command, environment, folder)."""
        own = [part.replace(self.connection_file, connection_file) for part in self.cmd]
        return own == list(cmd) and self.env == dict(kwargs.get("env") or {}) and self.cwd == kwargs.get("cwd")

    def warm(self, modules: list[str], notebook: str | None = None) -> None:
        """Have the kernel import ``modules`` now (a thread of this process sends the request and waits for the
        reply), without a trace in the notebook: a silent request (no execution count, no history) run in a
        namespace of its own. A notebook that takes the kernel sooner waits for the imports at its first cell.
        ``notebook``: the notebook it is warmed for (the pool gives it to that notebook first)."""
        from analysis.run.kernel_state import SNAPSHOT_CODE

        if notebook is not None:
            self.notebook = notebook
        with self.lock:
            self.warming += 1
            self.warmed.clear()
        # Then the state the kernel's first notebook starts from is recorded (the runner puts it back before the
        # kernel's next notebook: analysis.run.kernel_state).
        code = f"exec({WARM_CODE!r}, {{'names': {list(modules)!r}}})\n{SNAPSHOT_CODE}"

        def send() -> None:
            try:
                with contextlib.suppress(Exception):  # an optimisation only: the notebook imports what it needs
                    silent_request(self.connection_info, code, self.process)
            finally:
                with self.lock:
                    self.warming -= 1
                    if not self.warming:
                        self.warmed.set()

        threading.Thread(target=send, name="kernel-warm-up", daemon=True).start()

    def release(self) -> None:
        """Remove the connection file it was started with (once the kernel is gone) and let go of its manager."""
        if self.manager is not None:
            with contextlib.suppress(OSError):
                self.manager.cleanup_connection_file()
            self.manager = None


WARM_CODE = """import importlib
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


def silent_request(connection_info: dict, code: str, process, seconds: float = 600.0) -> dict | None:
    """Run ``code`` in the kernel at ``connection_info`` as a silent request (no execution count, no history, no
    output); the reply's content (``status`` ``ok`` or ``error``), or None if the kernel ``process`` ended or did not
    reply within ``seconds``.

    The request is sent at once: ZeroMQ delivers it when a starting kernel has bound its socket. A kernel handles
    requests in the order they arrive, so a notebook's first cell waits for it.
    """
    from jupyter_client.blocking import BlockingKernelClient

    client = BlockingKernelClient()
    client.load_connection_info(connection_info)
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and process.poll() is None:
            try:
                reply = client.get_shell_msg(timeout=0.5)
            except Empty:
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return dict(reply.get("content") or {})
        return None
    finally:
        client.stop_channels()


class KernelPool:
    """Ordinary kernels started ahead of need; the next manager of the class that starts a kernel takes one.

    Without the zygote (Windows, macOS, ``--no-fork``) every kernel starts Python and ipykernel (0.3-0.5 s
    here, seconds on Windows) and then imports what its notebook needs (pandas, matplotlib, seaborn with
    scipy, statsmodels: up to 1.5 s) before its first result. A pooled kernel does that ahead of need: the
    first ones while the runner is still planning, the next ones while the first notebooks run, so that
    neither waits on the batch's critical path and the last notebook of a batch does not run alone through
    its imports while a core is idle. Once the run is planned (:meth:`set_tasks`), the k-th kernel is warmed
    for the k-th notebook in the run's order (:meth:`PooledKernel.warm`) and a manager starting a kernel for
    that notebook (its ``notebook`` attribute) takes it first.

    A pooled kernel is started through the manager class's own public start sequence (``pre_start_kernel``,
    then the provisioner's ``launch_kernel``), so it has exactly the command, environment and folder any
    kernel of the class would have; a manager takes it only if that still holds (:meth:`PooledKernel.fits`;
    if not, the pool closes and every manager starts its own). The provisioner returns the pooled kernel's
    connection info, which ``jupyter_client`` takes as the truth (the way remote provisioners hand over their
    kernels). At most ``size`` kernels wait at a time, and at most ``total`` are ever started (the kernels the
    run needs: one per notebook, or one per report thread when the threads keep their kernels; :meth:`add`
    allows one more when a thread's kernel ends): no kernel is started that no notebook will use.
    """

    def __init__(self, manager_class: type, kernel_name: str, size: int, total: int):
        self.manager_class = manager_class
        self.kernel_name = kernel_name
        self.size = max(0, size)
        self.total = max(0, total)
        self.started = 0
        self.taken = 0
        self.ready: list[PooledKernel] = []
        self.order: list[str] = []  # the run's notebooks, in the order the kernels will be taken
        self.modules: dict[str, list[str]] = {}
        self.warmed = 0  # kernels given a notebook (index into order)
        self.lock = threading.Lock()
        self.closed = False

    def set_tasks(self, notebooks: list[str], modules: dict[str, list[str]], kernels: int | None = None) -> None:
        """The run's notebooks in order and what each imports, once the run is planned, and how many kernels the
        run needs (default: one per notebook): the waiting kernels are warmed for the first notebooks; waiting
        kernels beyond the number needed are stopped."""
        with self.lock:
            self.total = len(notebooks) if kernels is None else min(len(notebooks), kernels)
            self.order, self.modules = list(notebooks), dict(modules)
            keep = max(0, self.total - self.taken)
            extra = self.ready[keep:]
            del self.ready[keep:]
            self.started -= len(extra)
            cold = [k for k in self.ready if k.notebook is None]
        for kernel in extra:
            self.stop(kernel)
        for kernel in cold:
            self._warm(kernel)

    def _warm(self, kernel: PooledKernel) -> None:
        with self.lock:
            notebook = self.order[self.warmed] if self.warmed < len(self.order) else None
            self.warmed += notebook is not None
        if notebook is not None:
            kernel.warm(self.modules.get(notebook, []), notebook)
        else:  # a kernel started later (one more was asked for): what every notebook imports
            from analysis.run.preload import common_imports

            kernel.warm(common_imports(self.modules))

    def add(self, kernels: int = 1) -> None:
        """Allow ``kernels`` more kernels than the run first needed and start them (a report thread will need a
        new kernel: its kernel has run its last notebook, or a notebook failed in it)."""
        with self.lock:
            self.total += kernels
        with contextlib.suppress(Exception):  # an optimisation only: kernels then start when they are needed
            asyncio.run(self.fill())

    def warm_waiting(self, modules: list[str]) -> None:
        """Have the waiting kernels import ``modules`` (what every notebook of the run imports) before it is
        known which notebook each will run."""
        with self.lock:
            waiting = [k for k in self.ready if k.notebook is None]
        for kernel in waiting:
            kernel.warm(modules)

    def _room(self) -> bool:
        return not self.closed and len(self.ready) < self.size and self.started < self.total

    async def fill(self) -> None:
        """Start kernels until ``size`` wait (or ``total`` were started); they start while this returns."""
        while True:
            with self.lock:
                if not self._room():
                    return
                self.started += 1  # counted before the start, so two fills never start one too many
            manager = self.manager_class(kernel_name=self.kernel_name)
            manager.pool_member = True
            cmd, kwargs = await manager.pre_start_kernel(extra_arguments=notebook_client_arguments())
            kernel = PooledKernel(manager, cmd, kwargs)  # before the launch, which adds to the environment
            await manager.provisioner.launch_kernel(cmd, **kwargs)
            kernel.started(manager)
            with self.lock:
                closed = self.closed
                if not closed:
                    self.ready.append(kernel)
            if closed:
                self.stop(kernel)
                return
            self._warm(kernel)

    async def refill(self) -> None:
        try:
            await self.fill()
        except Exception:  # noqa: BLE001 - an optimisation only: kernels then start when they are needed
            pass

    def take(self, cmd: list[str], kwargs: dict[str, Any], connection_file: str, notebook: str | None = None):
        """A waiting kernel started as ``cmd``/``kwargs`` would start one (the one warmed for ``notebook`` if there
        is one), or None."""
        while True:
            with self.lock:
                if not self.ready:
                    return None
                at = next((i for i, k in enumerate(self.ready) if notebook and k.notebook == notebook), 0)
                kernel = self.ready.pop(at)
                self.taken += 1
            if kernel.process.poll() is not None:  # it ended while it waited: try the next one
                self.stop(kernel)
                continue
            if not kernel.fits(cmd, kwargs, connection_file):
                self.stop(kernel)
                self.close()
                return None
            # Its warm-up request first (imports, and the snapshot analysis.run.kernel_state takes before any cell):
            # the notebook's requests must not overtake it.
            kernel.warmed.wait(WARM_WAIT)
            return kernel

    def stop(self, kernel: PooledKernel) -> None:
        live = getattr(self.manager_class, "live_kernels", {})
        process = live.pop(int(kernel.pid), None)
        if process is not None:
            kill_tree(process)
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            kernel.process.kill()
            kernel.process.wait(EXIT_WAIT)
        kernel.release()

    def close(self) -> None:
        """Stop the kernels no manager took; start no more (idempotent)."""
        with self.lock:
            self.closed = True
            left, self.ready = self.ready, []
        for kernel in left:
            self.stop(kernel)


def notebook_client_arguments() -> list[str]:
    """The arguments nbclient (papermill's executor) adds when it starts an ipykernel: its history file
    (``NotebookClient.ipython_hist_file``, ``:memory:``), so a pooled kernel is started just as it would."""
    from nbclient import NotebookClient

    return [f"--HistoryManager.hist_file={NotebookClient.ipython_hist_file.default_value}"]


def pool_tasks(manager_class: type, notebooks: list[str], modules: dict[str, list[str]], kernels: int | None = None) -> None:
    """Tell the class's pool the run's notebooks in order, what each imports and how many kernels the run needs
    (:meth:`KernelPool.set_tasks`), and start kernels up to its size."""
    pool = getattr(manager_class, "pool", None)
    if pool is not None:
        pool.set_tasks(notebooks, modules, kernels)
        with contextlib.suppress(Exception):  # an optimisation only: kernels then start when they are needed
            asyncio.run(pool.fill())


def start_pool(manager_class: type, *, kernel_name: str, size: int, total: int) -> KernelPool:
    """Give ``manager_class`` (from :func:`manager_class`, ordinary kernels) a :class:`KernelPool` and start its
    first kernels (this returns once they are launched, not once they are ready)."""
    pool = KernelPool(manager_class, kernel_name, size, total)
    manager_class.pool = pool
    asyncio.run(pool.fill())
    return pool


class ProvisionedKernelSpecs(KernelSpecManager):
    """The installed kernel specs, each launched through :class:`ZygoteProvisioner`."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME, "config": {}}}
        return spec


class QuickReadyClient(AsyncKernelClient):
    """An ``AsyncKernelClient`` whose ``wait_for_ready`` makes the library's checks without idling (see the module docstring).

    It also records the code of each ``execute`` request in its manager's ``code_sent`` list (where the manager
    has one), so the runner knows whether a notebook's cells had started and in which a kernel died, and itself in
    its manager's ``clients`` list (where it has one), for a manager that outlives the notebook.
    """

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        super().start_channels(*args, **kwargs)
        clients = getattr(self.parent, "clients", None)
        if clients is not None:  # a manager that outlives its notebook stops its clients' channels itself
            clients.append(self)

    def execute(self, *args: Any, **kwargs: Any):
        sent = getattr(self.parent, "code_sent", None)
        if sent is not None:
            sent.append(str(args[0] if args else kwargs.get("code", "")))
        return super().execute(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        iopub_wait = IOPUB_SETTLE
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once the kernel's status message arrives
                    await self.iopub_channel.get_msg(timeout=iopub_wait)
                except Empty:
                    iopub_wait = min(0.2, 2 * iopub_wait)
                else:
                    adapt_to_protocol(self, msg)
                    break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # drop what the start left on IOPub (replies are matched by message id anyway)
            try:
                await self.iopub_channel.get_msg(timeout=IOPUB_SETTLE)
            except Empty:
                break


def adapt_to_protocol(client: AsyncKernelClient, kernel_info_reply: dict) -> None:
    """Talk the kernel's major protocol version, as jupyter_client does after a kernel_info reply."""
    from jupyter_client import protocol_version_info

    major = int(kernel_info_reply["content"]["protocol_version"].split(".")[0])
    if major != protocol_version_info[0]:
        client.session.adapt_version = major


def provisioner_registered() -> bool:
    """Whether the installed package declares the provisioner (pyproject.toml's entry point)."""
    return any(ep.value == f"{__name__}:ZygoteProvisioner" for ep in entry_points(group=PROVISIONER_GROUP, name=PROVISIONER_NAME))


def manager_class(zygote, *, env: dict[str, str], log_path: str | None = None, cwd: str | None = None) -> type[AsyncKernelManager]:
    """An ``AsyncKernelManager`` class whose kernels are forked from ``zygote`` (ordinary kernels if None).

    ``env`` is added to each kernel's environment; kernels start in ``cwd`` and write their own
    stdout/stderr (not the notebook's output, which travels over ZMQ) to ``log_path`` (default:
    discarded; :func:`close_log` closes it, before the file may be deleted). The class keeps its running
    kernels in ``live_kernels`` (pid -> ``psutil.Process``; :func:`kill_kernels`); once its ``cancel`` event
    is set it starts no kernel. Subclass it with a list ``kernel_exits`` to learn how a kernel that
    died by itself ended (:meth:`ZygoteProvisioner.poll`).
    """
    if not provisioner_registered():
        raise RuntimeError(
            f"the kernel provisioner {PROVISIONER_NAME!r} is not registered: the installed package is out of date; "
            "reinstall it (`make install`, or `pip install -e .` in the project)"
        )
    output = subprocess.DEVNULL
    if zygote is None and log_path:
        output = open(log_path, "ab")  # noqa: SIM115 - one handle for the run, shared by every kernel; close_log()
    settings = {
        "zygote": zygote,
        "kernel_env": dict(env),
        "kernel_cwd": cwd,
        "kernel_log": log_path,
        "kernel_output": output,
        "live_kernels": {},
        "cancel": threading.Event(),
        "pool": None,
    }

    class BatchKernelManager(AsyncKernelManager):
        # A kernel that dies fails its notebook; restarting it would only repeat the failure.
        autorestart = Bool(False)

        @default("kernel_spec_manager")
        def _provisioned_specs(self) -> KernelSpecManager:
            return ProvisionedKernelSpecs(data_dir=self.data_dir)

        @default("client_factory")
        def _quick_ready_client(self) -> type:
            return QuickReadyClient

    for name, value in settings.items():
        setattr(BatchKernelManager, name, value)
    return BatchKernelManager


def kill_kernels(manager: type) -> None:
    """Kill every kernel (and the processes it started) still running from a class made by :func:`manager_class`."""
    live = getattr(manager, "live_kernels", {})
    for pid in list(live):
        process = live.pop(pid, None)
        if process is not None:
            kill_tree(process)


def close_log(manager: type) -> None:
    """Close the kernels' log file that :func:`manager_class` opened (call it once its kernels are gone)."""
    output = getattr(manager, "kernel_output", None)
    if output is not None and hasattr(output, "close"):
        output.close()
