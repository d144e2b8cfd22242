"""Replace a folder all at once, so a failed build or run never leaves half-written output.

Also the pieces a command needs to clean up after an earlier run of its own that was killed
(``kill -9``, a power cut): a lock that the operating system releases when the process dies
(:func:`exclusive_lock`), staging folders carrying a marker file that says which command made
them (:func:`make_staging`, :func:`is_marked`), so that only those are ever removed, never a
folder someone else made.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

MARKER = ".made-by-analysis.json"


def swap_in(staging: Path, final: Path, *, old_name: str | None = None, made_by: str | None = None,
            **marker: object) -> None:
    """Move a completed staging folder to ``final``; the previous ``final`` is kept until the move succeeded.

    ``old_name``: the name the previous folder has while it is replaced (default ``.old-<name>-<ns>``).
    ``made_by``: first mark the previous folder as made by that command, with the name to restore it to
    (``restore_to``), so that a command killed between the two renames can find it and put it back
    (:func:`read_marker`) without ever touching a folder it did not make; ``marker``: more fields for it.
    """
    old = None
    if final.exists():
        if made_by is not None:
            write_marker(final, made_by, restore_to=final.name, **marker)
        old = final.with_name(old_name or f".old-{final.name}-{time.time_ns()}")
        final.rename(old)
    try:
        staging.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def make_staging(parent: Path, prefix: str, made_by: str, **extra: object) -> Path:
    """A new, empty folder ``parent/<prefix><random>`` holding the marker file that says ``made_by`` made it
    (``extra``: more fields for the marker).

    The folder gets ordinary permissions (``tempfile.mkdtemp`` makes it private).
    """
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    with contextlib.suppress(OSError):
        folder.chmod(0o755)
    write_marker(folder, made_by, **extra)
    return folder


def write_marker(folder: Path, made_by: str, **extra: object) -> None:
    """Write the marker file saying that ``made_by`` (this process, now) made ``folder``; ``extra``: more fields."""
    stamp = {"made_by": made_by, "pid": os.getpid(), "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             **extra}
    (folder / MARKER).write_text(json.dumps(stamp) + "\n", encoding="utf-8")


def read_marker(folder: Path) -> dict:
    """The marker of ``folder`` (see :func:`write_marker`), or ``{}`` when it has none (or not a readable one)."""
    try:
        stamp = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def is_marked(folder: Path, made_by: str) -> bool:
    """True when ``folder`` holds the marker file of ``made_by`` (see :func:`make_staging`)."""
    return read_marker(folder).get("made_by") == made_by


class LockedError(Exception):
    """Another process holds the lock."""


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) or raise :class:`LockedError` at once.

    The operating system releases the lock when the process ends, however it ends, so a killed
    process never leaves a stale lock. The (empty) lock file stays. ``filelock`` picks the
    platform's own lock (``flock`` on Linux and macOS, ``msvcrt`` on Windows); a folder where the
    file cannot be made is an ``OSError``, as from ``open``.
    """
    import filelock

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b"):  # the file exists and can be written (otherwise OSError, not "locked")
        pass
    # The platform's own lock explicitly: never filelock's "soft" fallback (a file that a killed process leaves behind).
    native = filelock.WindowsFileLock if os.name == "nt" else filelock.UnixFileLock
    lock = native(str(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise LockedError(str(path)) from None
    try:
        yield
    finally:
        lock.release()
