"""``analysis demo [--out DIR] [--seed N]``: write the synthetic demo dataset ("Demodata – syntetiske tal").

The dataset goes to ``data/raw/demo`` (or ``--out``) all at once: the files are written into a
staging folder (:func:`analysis.demo.generator.write_files`, then the jobcentre's own key figures,
:mod:`analysis.demo.local_key_figures`, and the inputs of :data:`DEMO_HOOKS`), with a README saying
in Danish and English that the data are synthetic, and only then swapped in for a previous demo
dataset. A folder that holds real data or anything but a demo dataset is refused; what an
interrupted run left behind is removed by the next one. Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from analysis.core import atomic, paths
from analysis.core.errors import ParameterError
from analysis.core.optional import optional_module
from analysis.demo import generator
from analysis.demo.local_key_figures import write_local_key_figures

DEFAULT_SEED = 2024
DEMO_LABEL = "Demodata – syntetiske tal"
# Demo inputs of modules outside this package (a plug-in analysis): "module:function", called as
# function(local_dir: Path, seed: int) after the package's own files; a module that does not exist is skipped.
DEMO_HOOKS: tuple[str, ...] = ()


def _readme(seed: int, written: dict[str, int]) -> str:
    lines = "\n".join(f"| `{name}` | {rows:,} |".replace(",", ".") for name, rows in written.items())
    return f"""# {DEMO_LABEL}

**Dansk.** Alle tal i denne mappe er syntetiske demodata, lavet af `analysis demo --seed {seed}`.
De ligner rigtige tal fra Jobindsats og jobcentrets egne udtræk i form og størrelsesorden, men
de er ikke rigtige og må ikke bruges til at beskrive nogen kommune. Tallene er dannet af en
model: hver kommune har en størrelse (befolkningen 16-66 år), en socioøkonomisk profil og faste
tilfældige effekter; de landsdækkende forløb bærer COVID-19-chokket i 2020, bølgen af
langtidsledighed, de forlængede sygedagpengeperioder og det langsomme fald i kontanthjælp.
RAR-områder og hele landet er summer af deres kommuner. Personantal er afrundet til tiere, og
små celler er diskretioneret (`..`) som i kilden. Forløbsudtrækket har pseudonyme id'er og en
kendt sand effekt af hvert tilbud.

**English.** Everything in this folder is synthetic demo data, made by `analysis demo --seed {seed}`.
It has the shape and magnitudes of real Jobindsats tables and the jobcentre's own extracts, but
it is not real and must not be used to describe any municipality. The figures come from a
model: every municipality has a size (population aged 16-66), a socio-economic profile and
persistent random effects; the national paths carry the 2020 COVID shock, the wave of long-term
unemployment, the extended sickness-benefit periods and the slow fall in social assistance.
RAR areas and the whole country are sums of their municipalities. Counts of persons are rounded
to tens and small cells are suppressed (`..`) as in the source. The spell extract has
pseudonymous ids and a known true effect of each programme (`analysis.demo.EMPLOYMENT_MODEL`,
`analysis.demo.true_average_marginal_effects`).

Seed: {seed}. Same seed, same bytes.

| fil / file | rækker / rows |
|---|---|
{lines}
"""


@dataclass(frozen=True)
class DemoSummary:
    out_dir: Path
    files: int
    rows: int
    seconds: float


def _run_hooks(local_dir: Path, seed: int) -> None:
    """Let other modules add their demo inputs; a hook whose module does not exist is skipped."""
    for entry in DEMO_HOOKS:
        module_name, _, function_name = entry.partition(":")
        module = optional_module(module_name)
        if module is not None:
            getattr(module, function_name)(local_dir, seed)


def _check_target(target: Path) -> Path:
    """Refuse any folder that is, contains or lies inside real data, or holds something else."""
    target = target.expanduser().resolve()
    protected = [paths.raw_jobindsats_dir("real"), paths.raw_dst_dir("real"), paths.raw_local_dir("real")]
    roots = [paths.PROJECT_ROOT, paths.data_dir(), paths.raw_dir("real"), paths.processed_dir("real"), paths.outputs_dir()]
    for p in (x.resolve() for x in protected):
        if target == p or target in p.parents or p in target.parents:
            raise ParameterError(f"refusing to write demo data to {target}: it would touch the real data in {p}")
    for p in (x.resolve() for x in roots):
        if target == p or target in p.parents:
            raise ParameterError(f"refusing to write demo data to {target}: it would replace {p}")
    if target.exists():
        if not target.is_dir():
            raise ParameterError(f"cannot write demo data to {target}: it is a file")
        readme = target / "README.md"
        is_demo = readme.is_file() and DEMO_LABEL in readme.read_text(encoding="utf-8", errors="replace")
        if any(target.iterdir()) and not is_demo:
            raise ParameterError(f"refusing to replace {target}: it is not empty and not a demo dataset "
                                 f"(no README.md saying {DEMO_LABEL!r}); choose another --out")
    return target


def _replace_dir(new: Path, target: Path) -> None:
    """Move `new` into place as `target`; a previous `target` is swapped out, then deleted."""
    if not target.exists():
        os.rename(new, target)
        return
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def generate(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Write the demo dataset (see :func:`write_demo`) and say what was written."""
    if seed < 0:
        raise ParameterError(f"--seed must be a non-negative integer, got {seed}")
    started = time.perf_counter()
    target = _check_target(Path(out_dir) if out_dir is not None else paths.raw_dir("demo"))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The lock lives in the temporary folder, so nothing is left beside the dataset.
        key = hashlib.sha256(str(target).encode()).hexdigest()[:16]
        lock = atomic.exclusive_lock(Path(tempfile.gettempdir()) / f"analysis-demo-{key}.lock")
        lock.__enter__()
    except atomic.LockedError:
        raise ParameterError(f"another `analysis demo` is writing {target}; wait for it to finish") from None
    try:
        _remove_leftovers(target)
        # A staging folder marked as ours (made private by mkdtemp: made ordinary by make_staging).
        work = atomic.make_staging(target.parent, f".{target.name}.tmp-", DEMO_MADE_BY)
        try:
            written = generator.write_files(work, seed)
            (work / "README.md").write_text(_readme(seed, written), encoding="utf-8")
            write_local_key_figures(work / "local", seed)  # before the move, so the dataset appears complete at once
            _run_hooks(work / "local", seed)
            (work / atomic.MARKER).unlink()  # from here on the README says it is a demo dataset
            files = sum(1 for p in work.rglob("*") if p.is_file())
            _replace_dir(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    finally:
        lock.__exit__(None, None, None)
    return DemoSummary(target, files, sum(written.values()), time.perf_counter() - started)


DEMO_MADE_BY = "analysis demo"


def _remove_leftovers(target: Path) -> None:
    """Remove what an interrupted ``analysis demo`` left beside ``target``: ``.<name>.tmp-*`` folders it
    marked as its own, and ``.<name>.tmp-*``/``.<name>.old-*`` folders that are demo datasets (README)."""
    for entry in target.parent.glob(f".{target.name}.*"):
        if not entry.is_dir() or entry.is_symlink():
            continue
        kind = entry.name[len(target.name) + 2:].split("-", 1)[0]
        if kind not in ("tmp", "old"):
            continue
        readme = entry / "README.md"
        is_demo = readme.is_file() and DEMO_LABEL in readme.read_text(encoding="utf-8", errors="replace")
        if atomic.is_marked(entry, DEMO_MADE_BY) or is_demo:
            shutil.rmtree(entry, ignore_errors=True)


def write_demo(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> Path:
    """Write the synthetic demo dataset into `out_dir` (default ``data/raw/demo``), replacing a
    previous demo dataset there; returns the folder. Deterministic: same seed, same bytes."""
    return generate(out_dir, seed).out_dir


# --------------------------------------------------------------------------- command line


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="folder to write (default: data/raw/demo); a previous demo dataset there is replaced")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                        help=f"random seed (default {DEFAULT_SEED}); the same seed gives the same files")


def run_command(args: argparse.Namespace) -> int:
    summary = generate(args.out, args.seed)
    print(f"{DEMO_LABEL}: {summary.files} files, {summary.rows:,} rows in {summary.seconds:.1f} s -> {summary.out_dir}")
    return 0
