"""analysis.run.kernel_adapter: the only module that plugs into jupyter_client, through public extension points only.

These tests fail loudly when the installed jupyter_client or ipykernel is not the one the adapter was
written for: a version outside ``SUPPORTED``, a hooked method or attribute gone or with another
signature, the provisioner entry point not registered. They also check that no module overrides or
uses a private (underscore) name of either library.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import textwrap
from importlib.metadata import entry_points, version
from pathlib import Path

import pytest
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.client import KernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.provisioning.factory import KernelProvisionerFactory

from analysis.run import kernel_adapter, kernels

PACKAGE = Path(kernel_adapter.__file__).resolve().parents[1]
ADAPTER = "the fast-kernel adapter src/analysis/run/kernel_adapter.py"


def _params(function) -> list[str]:
    return [f"{p.kind.name}:{p.name}={p.default!r}" if p.default is not p.empty else f"{p.kind.name}:{p.name}"
            for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("dist", sorted(kernel_adapter.SUPPORTED))
def test_installed_version_is_one_the_adapter_supports(dist):
    low, high = kernel_adapter.SUPPORTED[dist]
    major = int(version(dist).split(".")[0])
    assert low <= major < high, (
        f"{dist} {version(dist)} is installed, but {ADAPTER} was written for {dist} {low}.x to {high - 1}.x: "
        f"check its hooks against the new version (run tests/test_kernel_adapter.py and tests/test_kernels.py), "
        f"then widen SUPPORTED and the bounds in pyproject.toml"
    )


# What the adapter overrides or calls, with the signatures it was written for.
HOOKS = [
    (LocalProvisioner.pre_launch, ["POSITIONAL_OR_KEYWORD:self", "VAR_KEYWORD:kwargs"]),
    (LocalProvisioner.launch_kernel, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:cmd", "VAR_KEYWORD:kwargs"]),
    (LocalProvisioner.kill, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:restart=False"]),
    (LocalProvisioner.terminate, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:restart=False"]),
    (LocalProvisioner.cleanup, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:restart=False"]),
    (LocalProvisioner.poll, ["POSITIONAL_OR_KEYWORD:self"]),
    (AsyncKernelClient.wait_for_ready, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:timeout=None"]),
    (AsyncKernelClient.is_alive, ["POSITIONAL_OR_KEYWORD:self"]),
    # QuickReadyClient.execute records the code (the first argument) of what AsyncKernelClient.execute wraps.
    (KernelClient.execute, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:code", "POSITIONAL_OR_KEYWORD:silent=False",
                            "POSITIONAL_OR_KEYWORD:store_history=True", "POSITIONAL_OR_KEYWORD:user_expressions=None",
                            "POSITIONAL_OR_KEYWORD:allow_stdin=None", "POSITIONAL_OR_KEYWORD:stop_on_error=True"]),
    (KernelSpecManager.get_kernel_spec, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:kernel_name"]),
    # The kernel pool starts kernels with the manager's own start sequence and warms them with a blocking client.
    (AsyncKernelManager.pre_start_kernel, ["POSITIONAL_OR_KEYWORD:self", "KEYWORD_ONLY:transport_encryption=None",
                                           "VAR_KEYWORD:kw"]),
    (AsyncKernelManager.cleanup_connection_file, ["POSITIONAL_OR_KEYWORD:self"]),
    (BlockingKernelClient.start_channels, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:shell=True",
                                          "POSITIONAL_OR_KEYWORD:iopub=True", "POSITIONAL_OR_KEYWORD:stdin=True",
                                          "POSITIONAL_OR_KEYWORD:hb=True", "POSITIONAL_OR_KEYWORD:control=True"]),
    (BlockingKernelClient.load_connection_info, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:info"]),
    # Without fork a report thread keeps its kernel (analysis.run.execute._KernelSlot): QuickReadyClient lists itself
    # on its manager when its channels start; the slot resets the kernel through a blocking client and shuts it down.
    (AsyncKernelClient.start_channels, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:shell=True",
                                        "POSITIONAL_OR_KEYWORD:iopub=True", "POSITIONAL_OR_KEYWORD:stdin=True",
                                        "POSITIONAL_OR_KEYWORD:hb=True", "POSITIONAL_OR_KEYWORD:control=True"]),
    (AsyncKernelManager.get_connection_info, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:session=False"]),
    (AsyncKernelManager.shutdown_kernel, ["POSITIONAL_OR_KEYWORD:self", "POSITIONAL_OR_KEYWORD:now=False",
                                          "POSITIONAL_OR_KEYWORD:restart=False"]),
]

NOT_COROUTINES = {"get_kernel_spec", "execute", "cleanup_connection_file", "start_channels", "load_connection_info",
                  "get_connection_info"}


def test_nbclient_leaves_a_kernel_it_was_given_running():
    """papermill passes ``km`` on to nbclient's NotebookClient, which then neither shuts the kernel down nor stops
    its client's channels: the report thread keeps the kernel for its next notebook (execute._KernelSlot)."""
    import nbformat
    from nbclient import NotebookClient

    assert "km" in inspect.signature(NotebookClient.__init__).parameters
    given = NotebookClient(nbformat.v4.new_notebook(), km=object())
    assert given.owns_km is False
    assert NotebookClient(nbformat.v4.new_notebook()).owns_km is True


@pytest.mark.parametrize("hooked, expected", HOOKS, ids=[h.__qualname__ for h, _ in HOOKS])
def test_hooked_methods_have_the_expected_signature(hooked, expected):
    assert _params(hooked) == expected, f"{hooked.__qualname__} changed its signature; {ADAPTER} relies on it"
    if hooked.__name__ not in NOT_COROUTINES:  # execute sends a request (the async client wraps it)
        assert inspect.iscoroutinefunction(hooked), f"{hooked.__qualname__} is no longer a coroutine; {ADAPTER} awaits it"


def test_hooked_attributes_and_traits_exist():
    for name in ("process", "pid", "pgid", "cwd", "has_process", "connection_info"):
        assert hasattr(LocalProvisioner, name), f"LocalProvisioner.{name} is gone; {ADAPTER} sets or reads it"
    traits = AsyncKernelManager.class_traits()
    for name in ("autorestart", "kernel_spec_manager", "client_factory", "data_dir"):
        assert name in traits, f"AsyncKernelManager has no trait {name!r}; {ADAPTER} sets it"
    assert "metadata" in KernelSpec.class_traits()
    for name in ("kernel_info", "shell_channel", "iopub_channel", "session"):
        assert hasattr(AsyncKernelClient, name), f"AsyncKernelClient.{name} is gone; {ADAPTER} uses it"
    from ipykernel.kernelapp import IPKernelApp

    assert "parent_handle" in IPKernelApp.class_traits(), "IPKernelApp.parent_handle is gone; analysis.run.kernels passes it"
    for name in ("instance", "initialize", "start"):
        assert callable(getattr(IPKernelApp, name, None)), f"IPKernelApp.{name} is gone; analysis.run.kernels calls it"


def test_local_provisioner_uses_only_what_forked_process_provides():
    """The provisioner manages a forked kernel through ForkedProcess, a stand-in for the Popen it expects."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(LocalProvisioner)))
    used = {
        node.attr for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
        and node.value.attr == "process" and isinstance(node.value.value, ast.Name) and node.value.value.id == "self"
    }
    windows_only = {"win32_interrupt_event"}  # only on Windows, where there is no fork
    missing = sorted(used - windows_only - set(dir(kernel_adapter.ForkedProcess(0))))
    assert not missing, f"LocalProvisioner now uses Popen.{missing} of its process; add them to ForkedProcess in {ADAPTER}"
    for name in ("stdin", "stdout", "stderr", "returncode"):
        assert hasattr(kernel_adapter.ForkedProcess(0), name)


def test_the_provisioner_is_registered_and_chosen_by_the_kernel_specs():
    found = entry_points(group=kernel_adapter.PROVISIONER_GROUP, name=kernel_adapter.PROVISIONER_NAME)
    assert found, f"no entry point {kernel_adapter.PROVISIONER_NAME!r} in pyproject.toml (or the package is not reinstalled)"
    assert next(iter(found)).load() is kernel_adapter.ZygoteProvisioner
    assert kernel_adapter.provisioner_registered()

    manager = kernel_adapter.manager_class(None, env={"OMP_NUM_THREADS": "1"})(kernel_name="python3")
    spec = manager.kernel_spec
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == kernel_adapter.PROVISIONER_NAME
    provisioner = KernelProvisionerFactory.instance().create_provisioner_instance("k1", spec, parent=manager)
    assert type(provisioner) is kernel_adapter.ZygoteProvisioner and provisioner.parent is manager
    assert manager.autorestart is False and manager.client_factory is kernel_adapter.QuickReadyClient


def _library_bases(cls) -> list[type]:
    return [b for b in cls.__mro__[1:] if b.__module__.split(".")[0] in ("jupyter_client", "ipykernel", "traitlets")]


def _defined_in_class_body(path: Path) -> dict[str, set[str]]:
    """{class name: the names its body defines (methods, attributes)} for every class of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {}
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        names = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        names |= {t.id for n in cls.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                  for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
        found[cls.name] = names
    return found


def _shadowed_private_names(cls, names: set[str]) -> list[str]:
    private = {n for n in names if n.startswith("_") and not n.startswith("__")}
    return sorted(n for n in private for base in _library_bases(cls) if n in vars(base))


def test_no_private_library_name_is_overridden():
    classes = {
        "ZygoteProvisioner": kernel_adapter.ZygoteProvisioner,
        "QuickReadyClient": kernel_adapter.QuickReadyClient,
        "ProvisionedKernelSpecs": kernel_adapter.ProvisionedKernelSpecs,
        "BatchKernelManager": kernel_adapter.manager_class(None, env={}),
    }
    defined = _defined_in_class_body(PACKAGE / "run" / "kernel_adapter.py")
    assert set(classes) <= set(defined)
    for name, cls in classes.items():
        assert _library_bases(cls), f"{name} no longer extends a jupyter_client class"
        shadowed = _shadowed_private_names(cls, defined[name])
        assert not shadowed, f"{name} overrides private names of jupyter_client: {shadowed}"


def _private_uses(path: Path) -> list[str]:
    """``x._name`` accesses in a module (``self._x`` of the module's own classes aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    own |= {t.attr for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Attribute)}
    allowed = {"_exit"}  # os._exit, the documented way out of a forked child
    return [
        f"{path.name}:{n.lineno}: .{n.attr}" for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and n.attr.startswith("_") and not n.attr.startswith("__")
        and n.attr not in allowed and n.attr not in own
    ]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    return {name.split(".")[0] for name in names}


def test_jupyter_client_is_used_only_by_the_adapter_and_without_private_names():
    users = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if "jupyter_client" in _imports(p))
    assert users == ["run/kernel_adapter.py"], f"only {ADAPTER} may import jupyter_client; found {users}"
    ipykernel_users = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if "ipykernel" in _imports(p))
    assert ipykernel_users == ["run/kernels.py"], ipykernel_users
    problems = _private_uses(PACKAGE / "run" / "kernel_adapter.py") + _private_uses(PACKAGE / "run" / "kernels.py")
    assert not problems, "private names used:\n" + "\n".join(problems)


def test_the_private_name_checks_find_an_override(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("class M:\n    async def f(self):\n        await super()._async_shutdown_kernel()\n", encoding="utf-8")
    assert _private_uses(bad) == ["bad.py:3: ._async_shutdown_kernel"]

    bad.write_text("class Bad:\n    async def _async_wait(self, pollinterval=0.1):\n        pass\n", encoding="utf-8")
    assert _shadowed_private_names(AsyncKernelManager, _defined_in_class_body(bad)["Bad"]) == ["_async_wait"]


@pytest.mark.parametrize("protocol, adapted", [("5.3", None), ("4.1", 4)])
def test_protocol_adaptation_after_kernel_info(protocol, adapted):
    """The kernel's major protocol version is adopted when it differs from jupyter_client's own."""
    client = AsyncKernelClient()
    unchanged = client.session.adapt_version
    kernel_adapter.adapt_to_protocol(client, {"content": {"protocol_version": protocol}})
    assert client.session.adapt_version == (unchanged if adapted is None else adapted)


async def _plain_round_trip(manager_class) -> tuple[int, str, bool]:
    km = manager_class(kernel_name="python3")
    await km.start_kernel()
    pid = km.provisioner.pid
    assert pid in manager_class.live_kernels
    kc = km.client()
    kc.start_channels()
    outputs: list[str] = []
    try:
        await kc.wait_for_ready(timeout=60)
        code = "import os; os.getcwd(), os.environ.get('OMP_NUM_THREADS'), os.getpid()"
        await kc.execute_interactive(code, timeout=60, output_hook=lambda m: outputs.append(
            m["content"]["data"]["text/plain"]) if m["msg_type"] == "execute_result" else None)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    gone = True
    try:
        os.kill(pid, 0)
        gone = False
    except ProcessLookupError:
        pass
    return pid, outputs[0] if outputs else "", gone


@pytest.mark.skipif(not kernels.platform_can_fork(), reason="the test probes the pid as on Linux")
def test_ordinary_kernel_through_the_provisioner(tmp_path):
    """Without a zygote: Popen kernels, in the given folder, with the thread limits, gone when shutdown returns."""
    log = tmp_path / "kernels.log"
    manager_class = kernels.kernel_manager_class(None, log_path=str(log), cwd=str(tmp_path))
    pid, output, gone = asyncio.run(_plain_round_trip(manager_class))
    assert output == repr((str(tmp_path), "1", pid))
    assert gone, "shutdown_kernel(now=True) returned before the kernel was gone"
    assert not manager_class.live_kernels


# ----------------------------------------------------------------------------- the kernel pool (no zygote)


def test_nbclient_still_adds_the_history_file_argument_the_pool_starts_kernels_with():
    from nbclient import NotebookClient

    assert "ipython_hist_file" in NotebookClient.class_traits(), f"nbclient changed; {ADAPTER} mirrors its kernel arguments"
    assert kernel_adapter.notebook_client_arguments() == ["--HistoryManager.hist_file=:memory:"]


def _gone(pids, seconds: float = 10.0) -> bool:
    import psutil

    processes = []
    for pid in pids:
        try:
            processes.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=seconds)
    return not alive


@pytest.mark.skipif(not kernels.platform_can_fork(), reason="kernel processes are probed as on Linux")
def test_the_pool_starts_no_more_than_needed_and_stops_what_no_notebook_took(tmp_path):
    manager_class = kernels.kernel_manager_class(None, log_path=str(tmp_path / "kernels.log"), cwd=str(tmp_path))
    pool = kernel_adapter.start_pool(manager_class, kernel_name="python3", size=2, total=3)
    try:
        assert len(pool.ready) == 2 and pool.started == 2
        pids = [k.pid for k in pool.ready]
        files = [Path(k.connection_file) for k in pool.ready]
        assert all(pid in manager_class.live_kernels for pid in pids)
        assert all(f.is_file() for f in files)
        pool.set_tasks(["only"], {"only": []})  # the run needs one kernel: the second is stopped
        assert len(pool.ready) == 1 and pool.total == 1 and _gone(pids[1:])
        asyncio.run(pool.fill())
        assert len(pool.ready) == 1 and pool.started == 1  # never more than the run needs
    finally:
        pool.close()
        kernels.close_log(manager_class)
    assert _gone(pids) and not manager_class.live_kernels
    assert not any(f.exists() for f in files)


@pytest.mark.skipif(not kernels.platform_can_fork(), reason="kernel processes are probed as on Linux")
def test_a_pooled_kernel_started_otherwise_than_asked_is_not_taken(tmp_path):
    """A kernel is taken only if a manager would start it the same way now (command, environment, folder);
    otherwise the pool closes and each manager starts its own."""
    manager_class = kernels.kernel_manager_class(None, log_path=str(tmp_path / "kernels.log"), cwd=str(tmp_path))
    pool = kernel_adapter.start_pool(manager_class, kernel_name="python3", size=1, total=2)
    try:
        kernel = pool.ready[0]
        env, cwd = dict(kernel.env), kernel.cwd
        own = str(tmp_path / "own.json")
        cmd = [part.replace(kernel.connection_file, own) for part in kernel.cmd]
        assert kernel.fits(cmd, {"env": env, "cwd": cwd}, own)
        assert not kernel.fits(cmd, {"env": {**env, "EXTRA": "1"}, "cwd": cwd}, own)
        assert not kernel.fits(cmd, {"env": env, "cwd": str(tmp_path / "elsewhere")}, own)
        assert not kernel.fits([*cmd, "--debug"], {"env": env, "cwd": cwd}, own)
        assert pool.take([*cmd, "--debug"], {"env": env, "cwd": cwd}, own) is None
        assert pool.closed and not pool.ready and _gone([kernel.pid])
    finally:
        pool.close()
        kernels.close_log(manager_class)


@pytest.mark.skipif(not kernels.platform_can_fork(), reason="kernel processes are probed as on Linux")
def test_a_manager_takes_the_pooled_kernel_warmed_for_its_notebook(tmp_path):
    """Started by a manager of the class, a kernel is the pooled one warmed for the notebook: it has the
    modules imported, silently (no execution count used, no name left), and its connection is the pooled one's."""
    manager_class = kernels.kernel_manager_class(None, log_path=str(tmp_path / "kernels.log"), cwd=str(tmp_path))
    pool = kernel_adapter.start_pool(manager_class, kernel_name="python3", size=2, total=2)
    pool.set_tasks(["a", "b"], {"a": ["json"], "b": ["xml.dom.minidom"]})
    wanted = next(k for k in pool.ready if k.notebook == "b")
    assert wanted.warmed.wait(60), "the kernel never answered its warm-up"

    async def run_b():
        km = type("KM", (manager_class,), {"notebook": "b"})(kernel_name="python3")
        await km.start_kernel(extra_arguments=kernel_adapter.notebook_client_arguments())
        kc = km.client()
        kc.start_channels()
        seen = []
        try:
            await kc.wait_for_ready(timeout=60)
            code = "import sys; ('xml.dom.minidom' in sys.modules, 'names' in globals(), 'importlib' in globals())"
            reply = await kc.execute_interactive(code, timeout=60, output_hook=lambda m: seen.append(
                m["content"]["data"]["text/plain"]) if m["msg_type"] == "execute_result" else None)
            seen.append(reply["content"]["execution_count"])  # the notebook's first cell is In [1]
            return km.provisioner.pid, seen
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    try:
        pid, seen = asyncio.run(run_b())
        assert pid == wanted.pid
        assert seen == ["(True, False, False)", 1], seen
        assert pool.taken == 1 and [k.notebook for k in pool.ready] == ["a"]
    finally:
        pool.close()
        kernels.close_log(manager_class)
    assert _gone([pid]) and not manager_class.live_kernels
