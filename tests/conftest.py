"""Shared fixtures. Tests never touch the project's own data/ or outputs/: ANALYSIS_DATA_DIR
and ANALYSIS_OUTPUT_DIR point at temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_Y30R21 = SHARED / "data-samples" / "y30r21_2020-2021.csv"
REFERENCE_MUNICIPALITIES = SHARED / "reference" / "municipalities.csv"


@pytest.fixture
def data_root(tmp_path, monkeypatch) -> Path:
    """An empty data root for one test."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(root))
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "outputs"))
    return root


@pytest.fixture
def real_y30r21() -> Path:
    if not REAL_Y30R21.is_file():
        pytest.skip(f"the real benchmark extract is not here ({REAL_Y30R21}); it lives in the team's shared folder")
    return REAL_Y30R21


@pytest.fixture(scope="session")
def demo_data_root(tmp_path_factory) -> Path:
    """The demo dataset, generated and built once per test session in a temporary data root."""
    import os

    from analysis import demo
    from analysis.data import build

    root = tmp_path_factory.mktemp("demo-data")
    previous = os.environ.get("ANALYSIS_DATA_DIR")
    os.environ["ANALYSIS_DATA_DIR"] = str(root)
    try:
        demo.write_demo()
        build.build("demo")
    finally:
        if previous is None:
            os.environ.pop("ANALYSIS_DATA_DIR", None)
        else:
            os.environ["ANALYSIS_DATA_DIR"] = previous
    return root


@pytest.fixture
def demo_data(demo_data_root, monkeypatch, tmp_path) -> Path:
    """Point the package at the built demo dataset for one test (read-only: do not modify it)."""
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(demo_data_root))
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "outputs"))
    return demo_data_root
