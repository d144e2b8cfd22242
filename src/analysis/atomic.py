"""Replace a folder all at once, so a failed build or run never leaves half-written output."""

from __future__ import annotations

import shutil
import time
from pathlib import Path


def swap_in(staging: Path, final: Path) -> None:
    """Move a completed staging folder to ``final``; the previous ``final`` is kept until the move succeeded."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{time.time_ns()}")
        final.rename(old)
    try:
        staging.rename(final)
    except BaseException:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
