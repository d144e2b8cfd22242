"""Every path the project uses, anchored at the project root (never the working directory).

The data root can be redirected with the environment variable ``ANALYSIS_DATA_DIR``
(used by tests and by batch runs on another disk); the outputs root with
``ANALYSIS_OUTPUT_DIR``.

Layout under the data root::

    raw/jobindsats/      real Jobindsats files (API responses, portal downloads)   read-only
    raw/dst/             real Statistics Denmark files                            read-only
    raw/local/           the jobcentre's own inputs (spell extract, partnerships) read-only
    raw/demo/...         the synthetic demo dataset, same sub-layout              generated
    processed/real/      tidy Parquet tables built from the real raw files
    processed/demo/      tidy Parquet tables built from the demo raw files
"""

from __future__ import annotations

import os
from pathlib import Path

SOURCES = ("real", "demo")
# ``--source dst``: not a folder of its own but the real data's Statistics Denmark (StatBank) tables only,
# so the reports run on them without a Jobindsats key (issue 16). Its processed data is that of "real".
STATBANK = "dst"
REAL_DATA = ("real", STATBANK)  # the sources that are real data (no demo label)
RAW_SUFFIXES = (".csv", ".json")
MANIFEST_SUFFIX = ".manifest.json"  # the fetch manifest beside a fetched raw file


def _find_project_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "analysis").is_dir():
            return parent
    # Installed non-editable: fall back to the folder above src/ (src/analysis/core/paths.py).
    return here.parents[3]


PROJECT_ROOT = _find_project_root()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
CONFIG_DIR = PROJECT_ROOT / "config"


def data_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def outputs_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_OUTPUT_DIR", PROJECT_ROOT / "outputs")).resolve()


def raw_dir(source: str = "real") -> Path:
    """Root of the raw files for a data source ('real' or 'demo')."""
    _check_source(source)
    return data_dir() / "raw" if source == "real" else data_dir() / "raw" / "demo"


def raw_jobindsats_dir(source: str = "real") -> Path:
    return raw_dir(source) / "jobindsats"


def raw_dst_dir(source: str = "real") -> Path:
    return raw_dir(source) / "dst"


def raw_local_dir(source: str = "real") -> Path:
    return raw_dir(source) / "local"


def is_raw_data_file(path: Path) -> bool:
    """A raw data file the build reads: ``.csv``/``.json``, not a fetch manifest, not hidden (temporary files)."""
    name = path.name.lower()
    return path.is_file() and name.endswith(RAW_SUFFIXES) and not name.endswith(MANIFEST_SUFFIX) and not name.startswith(".")


def fetch_manifest(path: Path) -> Path:
    """``Y25I09__2019M01-2019M06.json`` -> ``Y25I09__2019M01-2019M06.json.manifest.json`` (written by ``analysis fetch``)."""
    return path.with_name(path.name + MANIFEST_SUFFIX)


def processed_dir(source: str = "real") -> Path:
    folder = data_folder(source)
    _check_source(folder)
    return data_dir() / "processed" / folder


def data_folder(source: str) -> str:
    """The data folder a source reads: 'real' for :data:`STATBANK` (the real data's StatBank tables), else the source."""
    return "real" if source == STATBANK else source


def _check_source(source: str) -> None:
    if source not in SOURCES:
        from analysis.core.errors import ParameterError

        raise ParameterError(f"data source {source!r} is unknown; expected one of: {', '.join(SOURCES)}")
