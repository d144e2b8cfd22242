"""A tiny processed dataset (one monthly table, a few areas) for tests of the runner.

Writes ``<root>/processed/demo/Y01A02.parquet`` in the tidy model of :mod:`analysis.reference.model`
and a ``manifest.json`` like ``analysis build`` does, recording a small stand-in raw file (so the
runner's up-to-date check passes); no demo generator needed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.reference import geography, periods

AREAS = ("Slagelse", "Roskilde", "Køge", "RAR Sjælland", "Hele landet")


def write_fake_processed(root: Path, source: str = "demo", first: str = "2022M01", last: str = "2024M06") -> Path:
    codes = periods.month_range(first, last)
    rows = []
    rng = np.random.default_rng(7)
    table = geography.areas().set_index("name")
    for name in AREAS:
        base = {"Hele landet": 90000, "RAR Sjælland": 9000}.get(name, 1500)
        for i, code in enumerate(codes):
            p = periods.parse_period(code)
            value = float(round(base * (1 + 0.1 * np.sin(i / 3)) + rng.normal(0, base * 0.01)))
            for measure, unit, v in (("persons", "personer", value), ("fulltime_persons", "fuldtidspersoner", value * 0.8)):
                rows.append({
                    "table": "Y01A02", "area": name, "area_code": table.loc[name, "code"],
                    "area_level": table.loc[name, "level"], "period": p.code, "period_type": p.kind,
                    "period_start": p.start, "period_end": p.end, "measure": measure, "value": v,
                    "unit": unit, "source_file": "raw/demo/jobindsats/Y01A02.csv", "source_row": len(rows) + 1,
                })
    frame = pd.DataFrame(rows)
    frame["source_row"] = frame["source_row"].astype("int64")
    target = root / "processed" / source
    target.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(target / "Y01A02.parquet", index=False)
    # The raw file the table stands for, recorded as `analysis build` does, so that `analysis run`
    # finds the processed data current (it refuses data whose raw files changed or are gone).
    raw_rel = "raw/jobindsats/Y01A02.csv" if source == "real" else f"raw/{source}/jobindsats/Y01A02.csv"
    raw = root / raw_rel
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text("Område;Periode;Antal personer\n# a stand-in for the fake processed table\n", encoding="utf-8")
    stat = raw.stat()
    manifest = {
        "source": source,
        "built_at": "2024-07-01T08:00:00+00:00",
        "tables": {"Y01A02": {"rows": len(frame), "first_period": codes[0], "latest_period": codes[-1],
                              "periods": len(codes), "areas": len(AREAS), "files": ["raw/demo/jobindsats/Y01A02.csv"]}},
        "local_inputs": {},
        "raw_files": [{"path": raw_rel, "sha256": hashlib.sha256(raw.read_bytes()).hexdigest(),
                       "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "modified": "2024-07-01T07:00:00+00:00"}],
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return root
