"""``analysis note``: the status-note draft (``statusnotat_<period>.docx``) for the committee, beside the reports.

Takes the run's municipality, period, source, comparison-area and out options, checked the same way
(:func:`analysis.run.plan.make_plan`), and writes
``outputs/<period>/<code>-<name>/statusnotat_<period>.docx`` for each municipality
(:mod:`analysis.analyses.status_note`). The next ``analysis run`` of the period keeps the file.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--municipality", metavar="NAME|CODE", default=None,
                        help="municipality name or kommunekode, or several separated by commas (default: Slagelse)")
    parser.add_argument("--period", default="", help="end period code, e.g. 2024Q2 (default: the latest complete quarter in the data)")
    parser.add_argument("--source", choices=("demo", "real"), default=None,
                        help="data source (default: real processed data where present, else demo)")
    parser.add_argument("--comparison-area", default="", metavar="AREA", help="comparison area (default: the RAR area)")
    parser.add_argument("--out", default=None, metavar="DIR", help="output root (default: outputs/)")


def run_command(args: argparse.Namespace) -> int:
    from analysis.analyses import status_note
    from analysis.run import plan as planning

    defaults = argparse.ArgumentParser()
    planning.configure_parser(defaults)
    run_args = defaults.parse_args([])
    for key in ("municipality", "period", "source", "comparison_area", "out"):
        setattr(run_args, key, getattr(args, key))
    plan = planning.make_plan(run_args)
    for area in plan.areas:
        folder = Path(plan.out) / plan.period / area.slug
        path = status_note.write(folder, area.name, plan.period, plan.source, plan.comparison_area)
        print(f"{area.name}: {path}")
    return 0
