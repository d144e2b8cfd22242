"""Inside a kernel: record the state a notebook starts from, and put it back before the kernel runs the next notebook.

Without the zygote (Windows, macOS, ``--no-fork``) an ordinary kernel runs several notebooks of a batch
one after the other (:class:`analysis.run.execute._KernelSlot`), so that the libraries are imported once
per kernel, not once per notebook. Between two notebooks the runner sends :func:`restore` as a silent
request; it makes the kernel what a new kernel that imported the same modules would be:

- IPython: the user namespace emptied, the execution count back to 1, a new history session;
- matplotlib: every figure closed, ``rcParams`` as recorded;
- pandas: every option as recorded;
- ``warnings``: the filters as recorded, and no memory of warnings already shown (a warning shown in
  the previous notebook is shown again);
- the global random generators of ``random`` and ``numpy`` as recorded; the working directory,
  ``os.environ`` and ``sys.path`` as recorded; garbage collected (by IPython's reset).

What stays is what a warm kernel should keep: imported modules and the caches of the analysis package,
which hold immutable data only (decoded processed tables, read-only arrays and formatted labels: the
zygote shares the same caches with every kernel it forks). :func:`snapshot` is sent with the kernel's
warm-up, before its first notebook; a kernel without a snapshot, or whose restore fails, is not used
again (:func:`restore` raises). The runner reuses a kernel only after a notebook that ran without error.

This module imports nothing at import time: it runs in the kernel before the notebook's own imports.
"""

from __future__ import annotations

import sys

_SNAPSHOT: dict | None = None


def snapshot() -> None:
    """Record the state :func:`restore` puts back (called before the kernel's first notebook)."""
    import os
    import random
    import warnings

    global _SNAPSHOT
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or shell.execution_count != 1:  # a cell has run: too late to know the kernel's first state
        _SNAPSHOT = None
        return
    state = {
        "cwd": os.getcwd(),
        "environ": dict(os.environ),
        "path": list(sys.path),
        "warnings": list(warnings.filters),
        "random": random.getstate(),
    }
    if "matplotlib" in sys.modules:
        import matplotlib

        state["rc"] = dict(matplotlib.rcParams)
    if "numpy" in sys.modules:
        import numpy

        state["numpy_random"] = numpy.random.get_state()
    if "pandas" in sys.modules:
        state["pandas"] = _pandas_options()
    _SNAPSHOT = state


def _pandas_options() -> dict:
    """Every pandas option and its value, read through ``pandas.options`` (attribute access, groups nested)."""
    import pandas

    found = {}

    def walk(group, prefix: str) -> None:
        for name in dir(group):
            value = getattr(group, name)
            if type(value) is type(pandas.options):  # a group of options
                walk(value, f"{prefix}{name}.")
            else:
                found[f"{prefix}{name}"] = value

    walk(pandas.options, "")
    return found


class NotRestorable(RuntimeError):
    """The kernel cannot be made as new; the runner starts a new one for the next notebook."""


def restore() -> None:
    """Put back the state recorded by :func:`snapshot` (see the module docstring); raise :class:`NotRestorable`
    where that is not possible."""
    import os
    import random
    import warnings

    state = _SNAPSHOT
    if state is None:
        raise NotRestorable("no snapshot was taken before the first notebook")
    if "matplotlib" in sys.modules and "rc" not in state:
        # matplotlib was first imported by the notebook: its rcParams then depend on that import's moment.
        raise NotRestorable("matplotlib was imported after the snapshot")
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise NotRestorable("not in an IPython kernel")
    if "matplotlib" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")  # before the reset, whose garbage collection then frees the figures
    shell.reset(new_session=True)  # namespace, execution count 1, history; collects garbage
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            delattr(sys, name)
    if "matplotlib" in sys.modules:
        import matplotlib

        matplotlib.rcParams.update(state["rc"])
    if "pandas" in sys.modules:
        import pandas

        if "pandas" not in state:
            raise NotRestorable("pandas was imported after the snapshot")
        # Only the options that changed: setting some has effects (plotting.backend imports matplotlib).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated options warn when set
            for key, value in _pandas_options().items():
                if key in state["pandas"] and not _same(value, state["pandas"][key]):
                    pandas.set_option(key, state["pandas"][key])
    if "numpy" in sys.modules:
        import numpy

        if "numpy_random" in state:
            numpy.random.set_state(state["numpy_random"])
        else:
            raise NotRestorable("numpy was imported after the snapshot")
    random.setstate(state["random"])
    warnings.resetwarnings()  # also forgets, in every module, which warnings were already shown
    warnings.filters[:] = state["warnings"]
    warnings.onceregistry.clear()
    if os.getcwd() != state["cwd"]:
        os.chdir(state["cwd"])
    if dict(os.environ) != state["environ"]:
        os.environ.clear()
        os.environ.update(state["environ"])
    sys.path[:] = state["path"]


# The requests the runner sends (silently: no execution count, no history); they bind no name in the notebook's namespace.
def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - values without a plain comparison
        return a is b


SNAPSHOT_CODE = f"__import__({__name__!r}, fromlist=['snapshot']).snapshot()"
RESTORE_CODE = f"__import__({__name__!r}, fromlist=['restore']).restore()"
