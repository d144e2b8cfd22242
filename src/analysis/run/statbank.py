"""``analysis run --source dst``: make sure Statistics Denmark's StatBank data is there before the plan is checked.

StatBank is public (no key), so a run on it fetches the table first when it is missing and the machine is
online, then builds; offline it stops with one line saying how to fetch (issue 16). Files already under
``data/raw/dst/`` are never fetched again here (``analysis fetch --source dst`` brings new quarters).
"""

from __future__ import annotations

from analysis.core import paths
from analysis.core.errors import AnalysisError, ParameterError
from analysis.data import build, load


def ensure_data(*, quiet: bool = False, out=None) -> bool:
    """Fetch and build StatBank's tables when the real data has none; True when it fetched.

    Raises ParameterError (one line) when they are missing and cannot be fetched, or when raw StatBank
    files were saved but never built.
    """
    if load.statbank_available():
        return False
    raw = build.raw_files("real")["dst"]
    if raw:
        raise ParameterError(f"the Statistics Denmark files in {paths.raw_dst_dir('real')} were never built; "
                             "run `analysis build` first")
    from analysis.sources import fetch

    say = (lambda _line: None) if quiet else (out or print)
    say(f"No Statistics Denmark data (StatBank {', '.join(load.STATBANK_TABLES)}) yet: fetching it (no key needed)")
    try:
        fetch.fetch_source(paths.STATBANK, quiet=quiet, out=say)
    except AnalysisError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParameterError(f"no Statistics Denmark data in {paths.raw_dst_dir('real')} and it could not be fetched "
                             f"({first}); when online, run {load.FETCH_STATBANK_HINT}") from None
    build.build_source("real")
    return True
