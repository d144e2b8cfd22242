"""`analysis run` everywhere analysts work (issue 15): the platform policy, interrupts and dead kernels.

Real runs of the command (subprocesses or ``cli.main``) on the tiny fake dataset, with small notebooks
written by the tests: a first Ctrl-C or SIGTERM mid-batch, a kernel that kills itself mid-cell, an output
folder with æøå and spaces, and a simulated platform without ``fork``, ``fcntl`` and process groups.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import filelock  # noqa: F401 - imported before the simulated platform hides fcntl from later imports
import nbformat
import psutil
import pytest

from analysis.core import atomic
from analysis.run import cli, kernel_adapter, kernels
from tests.fake_processed import write_fake_processed

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "notebooks"
PERIOD = "2024Q2"
PACKAGE = ROOT / "src" / "analysis"
LINUX_ONLY = {PACKAGE / "run" / "kernels.py"}  # the zygote: the only module that may fork, setsid, killpg
# Guarded POSIX-only imports (with a fallback where the module is missing): the benchmark's CPU seconds.
GUARDED = {PACKAGE / "tools" / "timing.py": ["import resource"]}

needs_fork = pytest.mark.skipif(not kernels.platform_can_fork(), reason="the fork path exists on Linux only")
FORK_MODES = [pytest.param(True, marks=needs_fork, id="fork"), pytest.param(False, id="no-fork")]


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory) -> Path:
    return write_fake_processed(tmp_path_factory.mktemp("fake-data"))


PARAMETERS = 'municipality = "Slagelse"\nperiod = ""\nsource = ""\ncomparison_area = ""\noutput_dir = ""'


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    """A small notebook: the parameters cell, then ``cells``."""
    parameters = nbformat.v4.new_code_cell(PARAMETERS)
    parameters.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[parameters, *(nbformat.v4.new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _env(data_root: Path, fork: bool, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("ANALYSIS_OUTPUT_DIR", kernels.NO_FORK_ENV)}
    env["ANALYSIS_DATA_DIR"] = str(data_root)
    if not fork:
        env[kernels.NO_FORK_ENV] = "1"
    env.update(extra)
    return env


def _command(notebooks: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "analysis.run.cli", "run", "--notebooks-dir", str(notebooks), "--out", str(out), *args]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _wait_for(condition, what: str, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


# ----------------------------------------------------------------------------- the platform policy


def test_fork_only_on_linux_and_not_when_switched_off(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not kernels.platform_can_fork() and not kernels.available({})
    monkeypatch.setattr(sys, "platform", "win32")
    assert not kernels.available({})
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delattr(os, "fork", raising=False)
    assert not kernels.available({})


@needs_fork
@pytest.mark.parametrize("value, forks", [("", True), ("0", True), ("1", False), ("yes", False)])
def test_analysis_no_fork_switches_the_zygote_off(value, forks):
    assert kernels.available({kernels.NO_FORK_ENV: value}) is forks


def _posix_only_calls(path: Path) -> list[str]:
    """Calls that exist (or mean the same) only on POSIX: fork, setsid, process groups, waitpid, fcntl, os.kill."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" and node.attr in (
                "fork", "setsid", "killpg", "getpgid", "setpgrp", "waitpid", "kill"):
            found.append(f"os.{node.attr} (line {node.lineno})")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"import {n} (line {node.lineno})" for n in names if n.split(".")[0] in ("fcntl", "termios", "pwd", "resource")]
    return found


def test_no_posix_only_call_outside_the_linux_fork_path():
    offending = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in LINUX_ONLY:
            continue
        calls = [c for c in _posix_only_calls(path) if not any(c.startswith(g) for g in GUARDED.get(path, []))]
        if calls:
            offending[str(path.relative_to(ROOT))] = calls
    assert not offending, f"POSIX-only calls outside the Linux-only zygote (use psutil or filelock): {offending}"
    assert _posix_only_calls(PACKAGE / "run" / "kernels.py"), "the check finds nothing: it no longer sees the zygote's calls"


@pytest.fixture
def no_posix(monkeypatch):
    """A platform like Windows for the code under test: no fork, setsid, process groups or fcntl."""
    for name in ("fork", "setsid", "killpg", "getpgid"):
        monkeypatch.delattr(os, name, raising=False)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` now raises ImportError
    assert not kernels.available()  # no fork: no zygote (sys.platform stays: the standard library imports by it)


def test_period_lock_without_fcntl(no_posix, tmp_path):
    path = tmp_path / "ud data æøå" / ".2024Q2.lock"
    with atomic.exclusive_lock(path):
        with pytest.raises(atomic.LockedError):
            with atomic.exclusive_lock(path):
                pass
    with atomic.exclusive_lock(path):  # released
        pass
    assert path.is_file()


def test_kernel_process_tree_killed_without_process_groups(no_posix, tmp_path):
    """kill_kernels kills a kernel and what it started through psutil, and never a process it does not own."""
    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); time.sleep(600)"
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        process = psutil.Process(parent.pid)
        _wait_for(lambda: process.children(), "the child process")
        child = process.children()[0]
        manager = type("KM", (), {"live_kernels": {parent.pid: process}})
        kernels.kill_kernels(manager)
        gone, alive = psutil.wait_procs([process, child], timeout=30)
        assert not alive and not manager.live_kernels
    finally:
        parent.kill()
        parent.wait()
    # A pid the runner no longer owns (its process ended; another may get the number) is left alone.
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        stale = psutil.Process(other.pid)
        stale._ident = (other.pid, stale.create_time() - 1000)  # noqa: SLF001 - as if the pid were now another process's
        kernel_adapter.kill_tree(stale)
        assert other.poll() is None, "a reused pid was killed"
    finally:
        other.kill()
        other.wait()


@pytest.mark.slow
def test_run_on_a_platform_without_fork_or_fcntl(no_posix, fake_root, tmp_path, monkeypatch, capsys):
    """The whole run with ordinary kernels, the lock without fcntl; at the end the runner holds no file of the output
    folder open (Windows could not delete the kernels' log or rename the folder otherwise)."""
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(fake_root))
    out = tmp_path / "out"
    code = cli.main(["run", "--notebooks-dir", str(FIXTURES), "--notebooks", "ok_report", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    record = json.loads((out / PERIOD / "run.json").read_text(encoding="utf-8"))
    assert record["run"]["forked_kernels"] is False
    assert (out / PERIOD / "330-Slagelse" / "ok_report.html").is_file()
    assert not (out / PERIOD / ".kernels.log").exists()
    held = [f.path for f in psutil.Process().open_files() if Path(f.path).is_relative_to(out)]
    assert not held, f"the runner still holds {held} open"


# ----------------------------------------------------------------------------- paths


@pytest.mark.slow
@pytest.mark.parametrize("fork", FORK_MODES)
def test_output_and_notebook_folders_with_danish_letters_and_spaces(fake_root, tmp_path, fork):
    notebooks = tmp_path / "Mine notebooks æøå"
    notebooks.mkdir()
    (notebooks / "ok_report.ipynb").write_bytes((FIXTURES / "ok_report.ipynb").read_bytes())
    out = tmp_path / "Års rapporter Ærø Ø" / "kvartal å"
    proc = subprocess.run(_command(notebooks, out, "--municipality", "Køge"), env=_env(fake_root, fork),
                          capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    folder = out / PERIOD / "259-Køge"
    assert "Køge" in (folder / "ok_report.html").read_text(encoding="utf-8")
    executed = nbformat.read(folder / "ok_report.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"]["output_dir"] == str(folder)
    assert (folder / "tables").is_dir() and list((folder / "tables").glob("ok_report__*.csv"))
    assert [p.name for p in out.iterdir() if p.name.startswith(".analysis-run")] == []


# ----------------------------------------------------------------------------- kernels started ahead of need


PROBE = ("import sys\n"
         "before = 'analysis.present.formats' in sys.modules\n"
         "leaked = sorted(n for n in ('names', 'name', 'importlib') if n in globals())\n"
         "print(before, leaked)")


@pytest.mark.slow
def test_ordinary_kernels_start_ahead_warmed_and_leave_no_trace(fake_root, tmp_path):
    """Without the zygote (Windows, macOS, --no-fork) each kernel is started, and imports what its notebook
    imports, before the notebook needs it (analysis.run.kernel_adapter.KernelPool): with one job, the second
    and third notebooks find their module imported at their first cell. The warm-up leaves nothing a notebook
    sees (no names, execution counts from 1), and no kernel process, connection file or log is left."""
    notebooks = tmp_path / "notebooks"
    for name in ("first", "second", "third"):
        _notebook(notebooks, name, PROBE, "import time\ntime.sleep(1.5)\nfrom analysis.present import formats")
    out = tmp_path / "out"
    marker = f"pool-test-{os.getpid()}-{time.time_ns()}"
    proc = subprocess.Popen(_command(notebooks, out, "--jobs", "1"), env=_env(fake_root, False, POOL_TEST=marker),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    printed = {}
    for name in ("first", "second", "third"):
        nb = nbformat.read(out / PERIOD / "330-Slagelse" / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), name
        printed[name] = "".join(o.get("text", "") for c in code for o in c.outputs).strip()
    assert printed["first"].endswith("[]")
    assert printed["second"] == printed["third"] == "True []", printed
    left = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.environ().get("POOL_TEST") == marker:
                left.append(process)
    assert not left, f"kernel processes outlived the run: {left}"
    runtime = Path(tempfile.gettempdir())
    assert not list(runtime.glob(f"analysis-run-kernel-{proc.pid}-*")), "connection files or a log were left"
    assert not (out / PERIOD / ".kernels.log").exists()  # kept only when a report failed


# ----------------------------------------------------------------------------- interrupts


@pytest.mark.slow
@pytest.mark.parametrize("fork, signum, code", [
    pytest.param(True, signal.SIGINT, 130, marks=needs_fork, id="fork-SIGINT"),
    pytest.param(False, signal.SIGINT, 130, id="no-fork-SIGINT"),
    pytest.param(False, signal.SIGTERM, 143, id="no-fork-SIGTERM"),
])
def test_interrupt_mid_batch_keeps_previous_outputs_and_leaves_no_kernel(fake_root, tmp_path, fork, signum, code):
    marks = tmp_path / "started"
    marks.mkdir()
    notebooks = tmp_path / "notebooks"
    _notebook(notebooks, "slow",
              "import os, pathlib, time\n"
              f"pathlib.Path({str(marks)!r}, f'{{municipality}}-{{os.getpid()}}').write_text('x')\n"
              "time.sleep(600)")
    out = tmp_path / "out"
    previous = out / PERIOD
    (previous / "330-Slagelse").mkdir(parents=True)
    (previous / "330-Slagelse" / "slow.html").write_text("the report of the previous run", encoding="utf-8")
    (previous / "run.json").write_text('{"reports": []}\n', encoding="utf-8")
    before = _tree(previous)
    proc = subprocess.Popen(_command(notebooks, out, "--municipality", "Slagelse,Roskilde,Køge", "--jobs", "2"),
                            env=_env(fake_root, fork), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(ROOT))
    try:
        _wait_for(lambda: len(list(marks.iterdir())) >= 2 or proc.poll() is not None, "two kernels running their cell")
        assert proc.poll() is None, proc.communicate()[1]
        kernel_pids = [int(p.name.rsplit("-", 1)[1]) for p in marks.iterdir()]
        kernel_pids += [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]  # also kernels waiting
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code, stderr
    assert _tree(previous) == before
    assert sorted(p.name for p in out.iterdir()) == [f".{PERIOD}.lock", PERIOD]  # nothing of this run is left
    kernels_alive = []
    for pid in kernel_pids:
        try:
            kernels_alive.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(kernels_alive, timeout=30)  # a killed kernel may take a moment to be reaped
    assert not alive, f"kernel processes survived the interrupt: {alive}"
    assert "interrupted (" in stderr and "had not" in stderr
    assert "not finished: 259-Køge/slow" in stderr  # the third report never started
    assert "Traceback" not in stderr


# ----------------------------------------------------------------------------- dead kernels


@pytest.mark.slow
@pytest.mark.parametrize("fork", FORK_MODES)
def test_a_kernel_killed_mid_cell_is_reported_and_not_run_again(fake_root, tmp_path, fork):
    counter = tmp_path / "runs.txt"
    notebooks = tmp_path / "notebooks"
    _notebook(notebooks, "dies",
              f"with open({str(counter)!r}, 'a') as f:\n    f.write('run\\n')",
              "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
              "print('never')")
    (notebooks / "ok_report.ipynb").write_bytes((FIXTURES / "ok_report.ipynb").read_bytes())
    out = tmp_path / "out"
    # One job: without fork the other notebook runs in the same report thread, so after the death in a new kernel.
    proc = subprocess.run(_command(notebooks, out, "--jobs", "1"), env=_env(fake_root, fork),
                          capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert proc.returncode == 1, proc.stderr
    assert "330-Slagelse/dies: cell 3" in proc.stderr
    assert (out / PERIOD / ".kernels.log").is_file()  # the kernels' own log is kept when a report failed
    assert "kernen døde (signal 9, formentlig hukommelse)" in proc.stderr
    assert counter.read_text().splitlines() == ["run"], "the notebook was run again after its kernel died"
    assert (out / PERIOD / "330-Slagelse" / "ok_report.html").is_file()  # the other report was made
    record = json.loads((out / PERIOD / "run.json").read_text(encoding="utf-8"))
    dies = next(r for r in record["reports"] if r["notebook"] == "dies")
    assert dies["status"] == "failed" and dies["cell"] == 3


# ----------------------------------------------------------------------------- kernels reused without fork


# Like the report notebooks, these import the analysis package (the kernel is warmed with it and what it imports:
# pandas, numpy, matplotlib); a kernel whose notebook imported pandas or matplotlib itself is not kept (kernel_state).
POLLUTE = """from analysis.data import load
from analysis.present import charts
import os, sys, random, warnings
import numpy as np
import pandas as pd
import matplotlib
import matplotlib.pyplot as plt
print('pid', os.getpid())
leftover = 1
matplotlib.rcParams['lines.linewidth'] = 7.5
plt.figure()
pd.set_option('display.max_rows', 3)
warnings.filters.insert(0, ('ignore', None, Warning, None, 0))  # (not through simplefilter: no new filter version)
np.random.seed(1)
random.seed(1)
os.environ['LEFT_BEHIND'] = '1'
sys.path.append('left-behind')
os.chdir(os.path.dirname(os.getcwd()))
"""

WARN = "import warner\nwarner.warn()"  # a module's warning: Python shows it once per place, remembered in the module
WARNER = """import warnings
def warn():
    warnings.warn('shown in every notebook that warns', UserWarning)
"""

CHECK = """from analysis.data import load
from analysis.present import charts
import os, sys, random, warnings
import numpy as np
import pandas as pd
import matplotlib
import matplotlib.pyplot as plt
print('pid', os.getpid())
print('state', 'leftover' in globals(), matplotlib.rcParams['lines.linewidth'], plt.get_fignums(),
      pd.get_option('display.max_rows'), len(warnings.filters),
      'LEFT_BEHIND' in os.environ, 'left-behind' in sys.path, os.path.basename(os.getcwd()))
print('random', round(float(np.random.random()), 12), round(random.random(), 12))
"""


def _printed(out: Path, name: str) -> tuple[str, str, list]:
    """(the pid the notebook printed, its other printed lines, the execution counts of its code cells)."""
    nb = nbformat.read(out / PERIOD / "330-Slagelse" / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = "".join(o.get("text", "") for c in code for o in c.outputs if o.get("name") == "stdout")
    pid = next(line.split()[1] for line in text.splitlines() if line.startswith("pid "))
    rest = "\n".join(line for line in text.splitlines() if not line.startswith(("pid ", "random ")))
    warned = [re.sub(r"ipykernel_\d+", "ipykernel_PID", "".join(o.get("text", "")))
              for c in code for o in c.outputs if o.get("name") == "stderr"]
    return pid, rest, [c.execution_count for c in code], warned


@pytest.mark.slow
def test_a_kept_kernel_starts_each_notebook_as_a_new_one(fake_root, tmp_path):
    """Without fork a report thread keeps its kernel for its next notebook (imports once), reset in between
    (analysis.run.kernel_state): a notebook that changes everything a notebook can change (its names, rcParams,
    an open figure, pandas options, warning filters, the random generators, the environment, sys.path, the working
    folder) leaves the next one in the same kernel exactly what a new kernel gives it, and a warning shown in the
    first is shown again in the second."""
    notebooks = tmp_path / "notebooks"
    # Run first by the runner (most calls: the slowest-first guess), then the check, in one report thread.
    _notebook(notebooks, "a_pollutes", WARN, POLLUTE, "print(len(str(list(range(3)))), abs(-1), round(1.5), min(1, 2))")
    _notebook(notebooks, "b_checks", CHECK, WARN)
    (notebooks / "warner.py").write_text(WARNER, encoding="utf-8")  # the kernels start in the notebooks' folder
    kept = tmp_path / "kept"
    proc = subprocess.run(_command(notebooks, kept, "--jobs", "1"), env=_env(fake_root, False),
                          capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    fresh = tmp_path / "fresh"  # the check alone, in a new kernel
    proc = subprocess.run(_command(notebooks, fresh, "--notebooks", "b_checks"), env=_env(fake_root, False),
                          capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    polluter_pid, _, _, polluter_warned = _printed(kept, "a_pollutes")
    pid, state, counts, warned = _printed(kept, "b_checks")
    fresh_pid, fresh_state, fresh_counts, fresh_warned = _printed(fresh, "b_checks")
    assert pid == polluter_pid, "the second notebook did not run in the kept kernel"
    assert state == fresh_state, f"kept kernel: {state!r}; new kernel: {fresh_state!r}"
    assert "False 2.0 [] 60" in fresh_state  # what a new kernel shows (pandas' default of 60 rows)
    # The random generators are where they were before the first notebook (unseeded: not the polluter's seed 1).
    nb = nbformat.read(kept / PERIOD / "330-Slagelse" / "b_checks.ipynb", as_version=4)
    drawn = next(line for c in nb.cells for o in c.get("outputs", []) for line in o.get("text", "").splitlines()
                 if line.startswith("random "))
    import random

    import numpy as np

    np.random.seed(1)
    random.seed(1)
    assert drawn != f"random {round(float(np.random.random()), 12)} {round(random.random(), 12)}"
    assert counts == fresh_counts == list(range(1, len(counts) + 1))
    assert warned == fresh_warned and any("shown in every notebook" in w for w in warned), (warned, fresh_warned)
    assert polluter_warned == warned  # shown there too, before it turned warnings off


def test_a_kernel_is_not_kept_after_a_failed_notebook_nor_beyond_its_uses(fake_root, tmp_path, monkeypatch, capsys):
    """A notebook that failed leaves its kernel to be shut down (the next notebook gets a new one), and a kernel
    runs at most ``KERNEL_USES`` notebooks; no kernel is left."""
    from analysis.run import execute

    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(fake_root))
    monkeypatch.setenv(kernels.NO_FORK_ENV, "1")
    monkeypatch.setattr(execute, "KERNEL_USES", 2)
    notebooks = tmp_path / "notebooks"
    pid = "import os\nprint('pid', os.getpid())"
    # The runner's order (most calls first): a, b_fails, c, d, e.
    _notebook(notebooks, "a", pid, "print(abs(-1), abs(-2), abs(-3), abs(-4), abs(-5), abs(-6))")
    _notebook(notebooks, "b_fails", pid, "print(abs(-1), abs(-2), abs(-3), abs(-4))", "raise ValueError('on purpose')")
    _notebook(notebooks, "c", pid, "print(abs(-1), abs(-2), abs(-3))")
    _notebook(notebooks, "d", pid, "print(abs(-1), abs(-2))")
    _notebook(notebooks, "e", pid, "print(abs(-1))")
    out = tmp_path / "out"
    code = cli.main(["run", "--notebooks-dir", str(notebooks), "--out", str(out), "--jobs", "1", "--quiet"])
    assert code == 1, capsys.readouterr().err
    pids = {name: _printed(out, name)[0] for name in ("a", "b_fails", "c", "d", "e")}
    assert pids["a"] == pids["b_fails"], "the second notebook did not run in the kept kernel"
    assert pids["c"] != pids["b_fails"], "a kernel was kept after a notebook failed in it"
    assert pids["d"] == pids["c"]
    assert pids["e"] != pids["d"], "a kernel ran more notebooks than KERNEL_USES"
    gone = []
    for value in pids.values():
        with contextlib.suppress(psutil.NoSuchProcess):
            if psutil.Process(int(value)).status() != psutil.STATUS_ZOMBIE:
                gone.append(value)
    assert not gone, f"kernels outlived the run: {gone}"
