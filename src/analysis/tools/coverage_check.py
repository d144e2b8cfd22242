"""Do the effect intervals cover the truth when persons have several spells? ``python -m analysis.tools.coverage_check``.

A benchmark, not a test (``make coverage``; the test suite runs a small version of the same
simulation in tests/test_effects.py). Each replication simulates a spell extract the way a
real one looks (:func:`simulate_extract`): persons with several spells each, lasting traits
(target group, education, sex, age), a lasting taste for the programme (so a person's spells
tend to be in the same programme) and a **person effect** on employment shared by all their
spells (what the extract does not show: health, network, motivation). Employment depends on
the covariates, the programme and the person effect; the true average marginal effect is
known (:func:`true_effect`, the person effect integrated out). Each replication estimates the
effect with both estimators of :mod:`analysis.analyses.business_programs.effects`, with the intervals clustered by
person (as the reports do) and as if every spell were independent, and records whether the
95 % interval covers the truth.

Prints, per estimator and variance, the coverage (with its Monte Carlo standard error), the
mean standard error and the standard deviation of the estimate minus the truth over the
replications (an honest standard error is close to the latter), and the mean error (bias).
The defaults (1,000 extracts of 700 persons x 3 spells, person effect SD 2.0, taste SD 3.0)
resemble the case in issue 12 (the clustered interval about 1.3 times the naive one); a run
takes about ten minutes (``make coverage`` limits numpy to one thread, which is faster for
these small models). ``--demo`` checks the estimators on the demo extract instead: every
municipality x programme, clustered and naive, by municipality size.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.analyses.business_programs import effects
from analysis.sources.local.spells import EDUCATIONS, REFERENCE_PROGRAMME, TARGET_GROUPS

PROGRAMME = "Privat løntilskud"
EFFECT = 0.6  # log-odds of the programme for a given person
GROUP_EFFECT = np.array([0.0, -1.8, -0.9, -0.35, -2.0])  # TARGET_GROUPS order
EDUCATION_EFFECT = np.array([-0.35, 0.0, 0.15, 0.3])


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def simulate_extract(persons: int, spells_per_person: int, person_sd: float, seed: int, *,
                     taste_sd: float = 1.0) -> pd.DataFrame:
    """A spell extract of ``persons`` x ``spells_per_person`` spells, ``PROGRAMME`` or the reference.

    Columns as the processed extract (without dates beyond ``start_date``/``end_date``) plus
    ``true_logit_base`` (the log-odds without programme and person effect; not a covariate).
    """
    rng = np.random.default_rng(seed)
    group = rng.choice(len(TARGET_GROUPS), persons, p=[0.4, 0.2, 0.2, 0.2, 0.0])
    education = rng.integers(0, len(EDUCATIONS), persons)
    female = rng.random(persons) < 0.5
    age0 = rng.integers(20, 58, persons)
    person_effect = rng.normal(0.0, person_sd, persons)
    taste = rng.normal(0.0, taste_sd, persons)

    person = np.repeat(np.arange(persons), spells_per_person)
    n = len(person)
    year = rng.integers(2019, 2024, n)
    age = age0[person] + (year - 2019)
    weeks = rng.integers(0, 53, n)
    g = group[person]
    utility = -0.4 + 0.5 * (g == 0) - 0.6 * (g == 1) - 1.0 * weeks / 52 + 0.15 * education[person] + taste[person]
    treated = rng.random(n) < _sigmoid(utility)
    base = (0.75 + GROUP_EFFECT[g] + EDUCATION_EFFECT[education[person]] - 0.05 * female[person]
            - 0.12 * (age - 40) / 10 - 0.45 * (age >= 55) - 0.12 * weeks / 10 + 0.2 * (year == 2021))
    employed = rng.random(n) < _sigmoid(base + EFFECT * treated + person_effect[person])
    start = pd.to_datetime([f"{y}-03-01" for y in year])
    return pd.DataFrame({
        "person_id": [f"P{i:06d}" for i in person],
        "programme": np.where(treated, PROGRAMME, REFERENCE_PROGRAMME),
        "target_group": np.array(TARGET_GROUPS, dtype=object)[g],
        "start_date": start,
        "end_date": start + pd.Timedelta(days=60),
        "age": age,
        "sex": np.where(female[person], "K", "M"),
        "education": np.array(EDUCATIONS, dtype=object)[education[person]],
        "prior_benefit_weeks": weeks,
        "employed_6m": employed.astype(int),
        "true_logit_base": base,
    })


def true_effect(frame: pd.DataFrame, person_sd: float) -> float:
    """The true average marginal effect (pp) over the extract's spells, the person effect integrated out."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    base = frame["true_logit_base"].to_numpy()[:, None] + person_sd * nodes[None, :]
    return float(100 * np.mean((_sigmoid(base + EFFECT) - _sigmoid(base)) @ weights))


def coverage(reps: int, persons: int, spells_per_person: int, person_sd: float, seed: int = 1, *,
             taste_sd: float = 1.0, methods=("logit_ame", "ipw_ate")) -> pd.DataFrame:
    """Per method and variance (clustered by person, or naive): coverage of the 95 % interval, its Monte Carlo
    standard error, the mean standard error, the standard deviation and mean of estimate - truth, over ``reps`` draws."""

    estimators = {"logit_ame": effects.logit_ame, "ipw_ate": effects.ipw_ate}
    records = []
    for rep in range(reps):
        frame = simulate_extract(persons, spells_per_person, person_sd, seed * 100_003 + rep, taste_sd=taste_sd)
        truth = true_effect(frame, person_sd)
        for method in methods:
            for clustered in (True, False):
                row = estimators[method](frame, [PROGRAMME], cluster=clustered).iloc[0]
                if pd.isna(row["effect_pp"]):
                    continue
                records.append({"method": method, "clustered": clustered, "error": row["effect_pp"] - truth,
                                "se": row["se_pp"], "covered": row["ci_low"] <= truth <= row["ci_high"]})
    data = pd.DataFrame(records)
    out = data.groupby(["method", "clustered"], sort=False).agg(
        reps=("covered", "size"), coverage=("covered", "mean"), mean_se=("se", "mean"), sd_errors=("error", "std"),
        bias=("error", "mean"))
    out["coverage_mcse"] = np.sqrt(out["coverage"] * (1 - out["coverage"]) / out["reps"])
    return out.reset_index()


def demo_coverage(source: str = "demo") -> pd.DataFrame:
    """Coverage on the demo extract (true effects known): every municipality x programme, clustered and naive, by
    municipality size (spells with an observable outcome). Needs the built demo data (``analysis demo``, ``build``)."""
    from analysis import demo
    from analysis.data import load
    from analysis.sources.local.spells import split_by_outcome

    spells, _ = split_by_outcome(load.local_input("spells", source))
    estimators = {"logit_ame": effects.logit_ame, "ipw_ate": effects.ipw_ate}
    records = []
    for _, part in spells.groupby("kommunekode"):
        truth = demo.true_average_marginal_effects(part)
        size = "under 1.000" if len(part) < 1000 else ("1.000-2.000" if len(part) <= 2000 else "over 2.000")
        for method, estimator in estimators.items():
            for clustered in (True, False):
                est = estimator(part, cluster=clustered).set_index("programme")
                for programme, row in est.dropna(subset=["effect_pp"]).iterrows():
                    records.append({"size": size, "method": method, "clustered": clustered,
                                    "covered": row["ci_low"] <= truth[programme] <= row["ci_high"]})
    data = pd.DataFrame(records)
    return data.groupby(["method", "clustered", "size"], sort=False).agg(
        estimates=("covered", "size"), coverage=("covered", "mean")).reset_index()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.tools.coverage_check", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000, help="replications (default 1000)")
    parser.add_argument("--persons", type=int, default=700, help="persons per extract (default 700)")
    parser.add_argument("--spells", type=int, default=3, help="spells per person (default 3)")
    parser.add_argument("--person-sd", type=float, default=2.0, help="SD of the person effect, log-odds (default 2.0)")
    parser.add_argument("--taste-sd", type=float, default=3.0,
                        help="SD of the person's lasting taste for the programme, log-odds (default 3.0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--demo", action="store_true",
                        help="instead: coverage on the built demo extract, every municipality x programme")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.demo:
        table = demo_coverage()
        print(f"Demo extract, every municipality x programme ({time.perf_counter() - started:.0f} s). Nominal 95 %.")
        for _, r in table.iterrows():
            print(f"  {r['method']:<10} {'clustered' if r['clustered'] else 'naive    '}  municipalities with "
                  f"{r['size']:>11} spells: coverage {100 * r['coverage']:5.1f} % of {r['estimates']} estimates")
        return 0
    table = coverage(args.reps, args.persons, args.spells, args.person_sd, args.seed, taste_sd=args.taste_sd)
    print(f"{args.reps} extracts of {args.persons} persons x {args.spells} spells, person effect SD {args.person_sd}, "
          f"taste SD {args.taste_sd}, seed {args.seed} ({time.perf_counter() - started:.0f} s)")
    print("Nominal coverage 95 %. Clustered = the intervals the reports show; naive = every spell independent.")
    for _, r in table.iterrows():
        print(f"  {r['method']:<10} {'clustered' if r['clustered'] else 'naive    '}  coverage {100 * r['coverage']:5.1f} % "
              f"(+/- {100 * 1.96 * r['coverage_mcse']:.1f})  mean SE {r['mean_se']:.2f} pp  SD of estimate - truth "
              f"{r['sd_errors']:.2f} pp  bias {r['bias']:+.2f} pp")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
