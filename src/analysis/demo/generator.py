"""The model behind the synthetic demo dataset ("Demodata – syntetiske tal") and the files it writes.

:func:`write_files` writes a seeded, deterministic dataset in the raw formats of the real sources,
so it goes through the same readers and every report can be made without real data
(:mod:`analysis.demo.dataset` puts it in place, ``analysis demo``):

- ``jobindsats/<TABLE>.csv|json``: one file per registry table (:mod:`analysis.reference.tables`),
  rotating the three shapes the real source delivers (portal/v2 CSV, v3 JSON, v2 JSON);
- ``local/forloeb.csv``: the jobcentre's extract of completed programme spells, generated
  from a known model (:data:`EMPLOYMENT_MODEL`) so an effect estimator can be tested against
  :func:`true_average_marginal_effects`. As in a real extract, many persons have several
  spells and share a person-level random effect on employment (their own traits), and the
  file says when it was taken (``# extract_date:``, :data:`SPELL_EXTRACT_DATE`); spells that
  ended less than six months before that date carry ``employed_6m`` 0, as a case system
  records an outcome that has not come yet;
- ``README.md``: says, in Danish and English, that the data are synthetic, with the seed.

How the numbers are made
------------------------
Every municipality has a size (:data:`POPULATION_16_66`), a latent socio-economic position
and persistent random effects per benefit. A monthly benefit series is
``rate x population x national path x seasonality x municipal effects x AR(1) noise``; the
national paths (:data:`SERIES`) carry the 2020 COVID shock, the wave of long-term
unemployment, the extended sygedagpenge periods and the slow fall in kontanthjælp, and each
municipality gets its own amplitude of the shock and its own trend after January 2021.
Breakdowns (programmes, sectors, durations) are shares with municipal random effects; small
cells are Poisson or binomial draws. RAR areas and the country are sums of their
municipalities taken before rounding and suppression; their percentages come from summed
numerators and denominators. Published counts of persons are rounded to tens (below 50 to
whole persons) and breakdown cells of municipalities with 1-4 units are suppressed (``..``),
as the source does.

The default municipality (Slagelse) gets a few documented tilts (:data:`STORY`) so that its
development resembles the status report: the figures are still generated, with noise.

Everything is vectorised over municipalities x periods x breakdowns (the only loop is the AR
noise over months); a full run takes a few seconds.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import ParameterError
from analysis.reference import geography, periods, tables
from analysis.sources.statbank import auk01

FIRST_MONTH, LAST_MONTH = "2019M01", "2024M12"
# Series start a year early so the rolling years ending in 2019 have twelve months behind them.
WARM_UP_MONTH = "2018M01"
QMAT_YEARS = range(2019, 2025)
FIRST_QUARTER, LAST_QUARTER = "2019Q1", "2024Q4"

AREA_LABEL, PERIOD_LABEL = "Område", "Periode"
SUPPRESS_BELOW = 5  # breakdown cells of municipalities with 1-4 units are published as ".."
SUPPRESSED = ".."

# Population 16-66 per municipality (kommunekode -> persons), about 2020-2021, rounded to
# thousands (hundreds below 20,000). Approximate public figures, fixed so the demo does not
# depend on a download; the sum is about 3.75 million.
POPULATION_16_66 = {
    "101": 455000, "147": 71000, "151": 31000, "153": 23000, "155": 8400, "157": 46000,
    "159": 45000, "161": 15300, "163": 18300, "165": 17700, "167": 35000, "169": 34000,
    "173": 36000, "175": 26000, "183": 15100, "185": 27000, "187": 10100, "190": 24000,
    "201": 15500, "210": 25000, "217": 39000, "219": 33000, "223": 13900, "230": 34000,
    "240": 27000, "250": 28000, "253": 31000, "259": 39000, "260": 19100, "265": 57000,
    "269": 14300, "270": 25000, "306": 19200, "316": 45000, "320": 23000, "326": 30000,
    "329": 23000, "330": 51000, "336": 14000, "340": 18800, "350": 17100, "360": 24000,
    "370": 53000, "376": 37000, "390": 28000, "400": 23000, "410": 24000, "420": 25000,
    "430": 31000, "440": 14400, "450": 19600, "461": 140000, "479": 36000, "480": 18400,
    "482": 7100, "492": 3300, "510": 35000, "530": 16600, "540": 45000, "550": 23000,
    "561": 74000, "563": 1800, "573": 31000, "575": 27000, "580": 36000, "607": 33000,
    "615": 59000, "621": 60000, "630": 75000, "657": 57000, "661": 37000, "665": 12000,
    "671": 12600, "706": 26000, "707": 23000, "710": 30000, "727": 13900, "730": 63000,
    "740": 60000, "741": 2000, "746": 39000, "751": 248000, "756": 26000, "760": 35000,
    "766": 29000, "773": 12200, "779": 28000, "787": 26000, "791": 61000, "810": 22000,
    "813": 36000, "820": 22000, "825": 900, "840": 18700, "846": 26000, "849": 23000,
    "851": 148000, "860": 40000,
}

# Target groups and company-based programmes, as the tables and the spell extract name them.
ADP, SDP, KH_AKT, KH_JOB, RESS = (
    "A-dagpenge", "Sygedagpenge", "Kontanthjælp, aktivitetsparat", "Kontanthjælp, jobparat", "Ressourceforløb",
)
TARGET_GROUPS = (ADP, KH_AKT, KH_JOB, SDP, RESS)
PRIV_PRAKTIK, OFF_PRAKTIK, PRIV_LOEN, OFF_LOEN = (
    "Privat virksomhedspraktik", "Offentlig virksomhedspraktik", "Privat løntilskud", "Offentlig løntilskud",
)
COMPANY_PROGRAMMES = (PRIV_PRAKTIK, OFF_PRAKTIK, PRIV_LOEN, OFF_LOEN)
REFERENCE_PROGRAMME = "Vejledning og opkvalificering"
PROGRAMMES = (*COMPANY_PROGRAMMES, REFERENCE_PROGRAMME)
EDUCATIONS = ("Grundskole", "Gymnasial", "Erhvervsfaglig", "Videregående")

# The generating model of employed_6m in the spell extract: a logistic regression with a person effect.
# log-odds = intercept + target_group + education + female (sex "K") + age_per_10y * (age - 40) / 10
#            + age_55_plus * (age >= 55) + prior_weeks_per_10 * prior_benefit_weeks / 10
#            + start_year[year of start_date] + programme[programme] + u[person]
# u[person] ~ Normal(0, person_sd²) is shared by all spells of a person (traits the extract does not
# show: health, network, motivation), independent of the programme chosen. The programme terms are
# the true effects (log-odds relative to "Vejledning og opkvalificering", for a given person).
EMPLOYMENT_MODEL: dict = {
    "intercept": 0.75,
    "target_group": {ADP: 0.0, SDP: -0.35, KH_JOB: -0.9, KH_AKT: -2.0, RESS: -2.2},
    "education": {"Grundskole": -0.35, "Gymnasial": 0.0, "Erhvervsfaglig": 0.15, "Videregående": 0.3},
    "female": -0.05,
    "age_per_10y": -0.12,
    "age_55_plus": -0.45,
    "prior_weeks_per_10": -0.12,
    "start_year": {2019: 0.0, 2020: -0.35, 2021: 0.1, 2022: 0.3, 2023: 0.2, 2024: 0.1},
    "programme": {REFERENCE_PROGRAMME: 0.0, PRIV_LOEN: 0.8, PRIV_PRAKTIK: 0.52, OFF_LOEN: 0.24, OFF_PRAKTIK: 0.16},
    "person_sd": 1.5,
}
SPELLS_PER_1000 = 40  # completed spells 2019-2024 per 1,000 inhabitants aged 16-66
SPELL_EXTRACT_DATE = "2025-01-31"  # the day the demo extract was "taken from the case system"
SPELLS_PER_PERSON_P = 0.45  # spells per person ~ Geometric(p), at most MAX_SPELLS_PER_PERSON: mean about 2.1
MAX_SPELLS_PER_PERSON = 6
PROGRAMME_HABIT_SD = 2.0  # a person's lasting taste for each programme (choice utility): repeats are common


@dataclass(frozen=True)
class Series:
    """A monthly benefit series: its 2019 level and national path, and how municipalities vary."""

    rate: float  # 2019 level as a share of the population 16-66
    path: dict  # national path, month code -> index (1 = the 2019 level), interpolated
    level_sd: float  # idiosyncratic municipal level (log)
    socio: float  # loading on the socio-economic factor (log per standard deviation)
    shock_sd: float = 0.0  # municipal spread of the amplitude of the national path
    trend_sd: float = 0.0  # municipal spread of the trend from 2021M01 to 2023M01 (log points)
    season: tuple[float, ...] | None = None  # log offsets January..December


_ADP_SEASON = (0.11, 0.09, 0.05, 0.0, -0.04, -0.06, 0.04, 0.03, -0.05, -0.06, -0.05, 0.0)
_SDP_SEASON = (0.04, 0.05, 0.03, 0.0, -0.01, -0.03, -0.07, -0.04, 0.0, 0.01, 0.01, 0.01)
_JOB_SEASON = (0.04, 0.03, 0.01, 0.0, -0.01, -0.02, 0.02, 0.02, -0.02, -0.03, -0.03, -0.01)

SERIES = {
    # A-dagpenge, full-time persons: the COVID jump in March-May 2020, a second peak in the
    # winter 2020/21, then a fall of about half to a historic low from 2022.
    "adp": Series(0.020, {"2018M01": 1.06, "2019M01": 1.0, "2019M12": 0.98, "2020M02": 0.97, "2020M03": 1.22,
                          "2020M04": 1.58, "2020M05": 1.52, "2020M06": 1.38, "2020M09": 1.2, "2020M11": 1.18,
                          "2020M12": 1.25, "2021M01": 1.32, "2021M02": 1.3, "2021M04": 1.1, "2021M06": 0.88,
                          "2021M12": 0.72, "2022M06": 0.63, "2022M12": 0.62, "2023M06": 0.63, "2023M12": 0.65,
                          "2024M12": 0.67},
                  level_sd=0.15, socio=0.10, shock_sd=0.2, trend_sd=0.06, season=_ADP_SEASON),
    # Long-term unemployed persons: doubles from mid-2020 to early 2021, then falls ~70%.
    "ltu": Series(0.0052, {"2018M01": 1.1, "2019M01": 1.0, "2020M03": 0.97, "2020M06": 1.05, "2020M09": 1.35,
                           "2020M12": 1.75, "2021M02": 2.0, "2021M04": 1.95, "2021M07": 1.6, "2021M12": 1.05,
                           "2022M06": 0.72, "2022M12": 0.6, "2023M06": 0.56, "2023M12": 0.57, "2024M12": 0.6},
                  level_sd=0.2, socio=0.18, shock_sd=0.12, trend_sd=0.08,
                  season=tuple(0.3 * s for s in _ADP_SEASON)),
    # Sygedagpenge, full-time persons: up while the maximum period was extended (2020-mid 2021).
    "sdp": Series(0.0175, {"2018M01": 0.99, "2019M01": 1.0, "2020M02": 1.0, "2020M04": 1.07, "2020M09": 1.12,
                           "2020M12": 1.18, "2021M01": 1.21, "2021M06": 1.26, "2021M09": 1.16, "2022M03": 1.02,
                           "2022M12": 0.98, "2023M12": 0.98, "2024M12": 0.99},
                  level_sd=0.1, socio=0.06, shock_sd=0.1, trend_sd=0.05, season=_SDP_SEASON),
    # Kontanthjælp by visitation category, persons.
    "kh_job": Series(0.0048, {"2018M01": 1.05, "2019M01": 1.0, "2020M02": 0.97, "2020M05": 1.3, "2020M12": 1.28,
                              "2021M02": 1.3, "2021M08": 1.05, "2022M06": 0.8, "2023M06": 0.76, "2024M12": 0.8},
                     level_sd=0.18, socio=0.25, shock_sd=0.2, trend_sd=0.06, season=_JOB_SEASON),
    "kh_akt": Series(0.0135, {"2018M01": 1.03, "2019M01": 1.02, "2020M02": 1.0, "2020M10": 1.03, "2021M01": 1.02,
                              "2022M01": 0.97, "2023M01": 0.925, "2024M01": 0.89, "2024M12": 0.87},
                     level_sd=0.15, socio=0.25, shock_sd=0.3, trend_sd=0.04),
    "kh_uopl": Series(0.0004, {"2019M01": 1.0}, level_sd=0.3, socio=0.3),
    # Other benefit groups of the public-benefits table.
    "khx": Series(0.019, {"2018M01": 1.04, "2019M01": 1.0, "2021M01": 0.98, "2024M12": 0.9},  # uddannelseshjælp, integration
                  level_sd=0.2, socio=0.3),
    "jafl": Series(0.0075, {"2019M01": 1.0, "2021M06": 0.8, "2022M06": 1.15, "2024M12": 1.05},  # jobafklaring
                   level_sd=0.15, socio=0.08),
    "ress": Series(0.006, {"2018M01": 0.95, "2019M01": 1.0, "2021M01": 1.08, "2022M06": 1.12, "2024M12": 1.1},
                   level_sd=0.2, socio=0.25),
    "fleks": Series(0.023, {"2018M01": 0.97, "2019M01": 1.0, "2024M12": 1.09}, level_sd=0.15, socio=0.12),
    "ftp": Series(0.048, {"2018M01": 1.02, "2019M01": 1.0, "2024M12": 0.94}, level_sd=0.12, socio=0.22),
    "other": Series(0.025, {"2018M01": 1.1, "2019M01": 1.0, "2024M12": 0.85}, level_sd=0.1, socio=0.05),
}

# Slagelse's story in the status report (seeds): since January 2021 langtidsledighed -70%,
# A-dagpenge -55%, sygedagpenge -23%, aktivitetsparate -10% (with a local rise early 2022),
# 58% of the aktivitetsparate on kontanthjælp for 3+ years, benchmark rank 80 -> 61 with
# sygedagpenge in the top three, more and more private company-based programmes, A-dagpenge
# employment after programmes above the national 70%, a top formidlingsgrad except one quarter.
# Tilts are model parameters (log points, pp or log-odds); the figures come out with noise.
STORY = {
    "municipality": geography.DEFAULT_MUNICIPALITY,
    "socio": 1.2,  # socio-economic position in standard deviations (high = more on benefits)
    "trend": {"adp": -0.03, "ltu": -0.06, "sdp": -0.07, "kh_akt": 0.08},  # vs the national path, by 2023
    "bump": {"kh_akt": {"2021M12": 0.0, "2022M02": 0.05, "2022M04": 0.0}},  # temporary log offset
    "duration_over_3": 0.25,  # log-odds of 3+ years among kontanthjælp recipients
    "partial_return": 0.45,  # log-odds rise 2021-2023 of the share in delvis raskmelding
    "benchmark_pp": {"A-dagpenge mv.": (0.15, 0.06), "Sygedagpenge mv.": (-0.08, -0.5), "Kontanthjælp mv.": (0.42, 0.40)},
    "activation": 0.2,  # log-odds of being in a company-based programme
    "private": 0.4,  # log-odds of a private rather than a public company
    "hours_aktivitetsparat": 0.15,  # log-odds of ordinary paid hours
    "employed_after_adp": 0.6,  # log-odds of employment 6 months after a programme, A-dagpenge
    "placement": 0.9,  # log-odds of the formidlingsgrad
    "placement_dip": ("2022Q3", -1.3),  # recruitment consultants vacant in one quarter
}

# Programme mix of company-based programmes per target group (PP, OP, PL, OL = private/public
# internship, private/public wage subsidy), shared by PTVC01 and Y14D03.
PROGRAMME_MIX = {
    ADP: (0.30, 0.15, 0.35, 0.20),
    SDP: (0.70, 0.25, 0.03, 0.02),
    KH_AKT: (0.62, 0.25, 0.08, 0.05),
    KH_JOB: (0.45, 0.20, 0.22, 0.13),
    RESS: (0.72, 0.18, 0.06, 0.04),
}

OUTPUT_FORMATS = {
    "Y30R21": "csv", "Y25I09": "csv", "OTIJ01": "csv", "JOBORDRER": "csv",
    "Y01A02": "v3", "Y07A02": "v3", "PTV_A02": "v3", "PTVC01": "v3",
    "Y36A02": "v2", "Y14D03": "v2",
}


# --------------------------------------------------------------------------- the world


def _month_number(code: str) -> int:
    """Months since WARM_UP_MONTH (2018M01 = 0)."""
    return (int(code[:4]) - int(WARM_UP_MONTH[:4])) * 12 + int(code[5:]) - 1


def _quarter_number(code: str) -> int:
    """Quarters since the first quarter of WARM_UP_MONTH's year (2018Q1 = 0); accepts Q and QMAT codes."""
    return (int(code[:4]) - int(WARM_UP_MONTH[:4])) * 4 + int(code[-1]) - 1


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p):
    return np.log(p / (1.0 - p))


class _World:
    """The municipalities, months and latent municipal traits every table is generated from."""

    def __init__(self, seed: int):
        self.seed = seed
        kom = geography.municipalities()
        missing = set(kom["code"]) - set(POPULATION_16_66)
        if missing:  # the reference list and the population table must agree
            raise ParameterError(f"POPULATION_16_66 lacks municipalities {sorted(missing)}")
        self.codes = kom["code"].to_numpy(dtype=object)
        self.names = kom["name"].to_numpy(dtype=object)
        self.rar = kom["rar"].to_numpy(dtype=object)
        self.size = np.array([POPULATION_16_66[c] for c in self.codes], dtype=float)
        self.story = int(np.flatnonzero(self.names == STORY["municipality"])[0])
        self.months = periods.month_range(WARM_UP_MONTH, LAST_MONTH)
        self.out_months = slice(_month_number(FIRST_MONTH), len(self.months))
        self.moy = np.arange(len(self.months)) % 12
        # 0 before 2021M01, rising linearly to 1 at 2023M01: when municipal trends diverge.
        t = np.arange(len(self.months))
        self.ramp = np.clip((t - _month_number("2021M01")) / 24.0, 0.0, 1.0)

        rng = self.rng("world")
        self.socio = rng.normal(0.0, 1.0, len(self.codes))
        self.socio[self.story] = STORY["socio"]
        growth = rng.normal(0.003, 0.004, len(self.codes))  # yearly population growth
        years = (t - _month_number("2019M01")) / 12.0
        self.pop = self.size[:, None] * (1.0 + growth[:, None] * years[None, :])
        participation = np.clip(rng.normal(0.78, 0.025, len(self.codes)) - 0.015 * self.socio, 0.68, 0.86)
        self.labour = self.pop * participation[:, None]

    def rng(self, name: str) -> np.random.Generator:
        """An independent stream per component, so adding one does not change the others."""
        return np.random.default_rng([self.seed, zlib.crc32(name.encode())])

    @property
    def n(self) -> int:
        return len(self.codes)

    @cached_property
    def membership(self) -> np.ndarray:
        """(8, 98) indicator: which municipalities make up each RAR area."""
        return (np.array(geography.RAR_AREAS, dtype=object)[:, None] == self.rar[None, :]).astype(float)

    @cached_property
    def area_names(self) -> np.ndarray:
        return np.array([*self.names, *geography.RAR_AREAS, geography.COUNTRY], dtype=object)

    @property
    def is_municipality(self) -> np.ndarray:
        return np.arange(len(self.area_names)) < self.n

    def stack(self, arr: np.ndarray) -> np.ndarray:
        """Municipal values (98, ...) -> all areas (98 + 8 RAR + country, ...), summing members."""
        rar = np.tensordot(self.membership, arr, axes=(1, 0))
        return np.concatenate([arr, rar, arr.sum(axis=0, keepdims=True)], axis=0)

    def path(self, anchors: dict) -> np.ndarray:
        """A national path over the internal months, linear between anchor months, flat outside."""
        xs = np.array([_month_number(c) for c in anchors], dtype=float)
        return np.interp(np.arange(len(self.months)), xs, np.array(list(anchors.values()), dtype=float))

    def quarter_path(self, anchors: dict, quarters: Sequence[str]) -> np.ndarray:
        xs = np.array([_quarter_number(c) for c in anchors], dtype=float)
        return np.interp([_quarter_number(q) for q in quarters], xs, np.array(list(anchors.values()), dtype=float))

    def quarterly_pop(self, quarters: Sequence[str]) -> np.ndarray:
        """(98, len(quarters)) mean population 16-66 in each quarter."""
        ends = np.array([_quarter_number(q) * 3 + 2 for q in quarters])
        return (self.pop[:, ends] + self.pop[:, ends - 1] + self.pop[:, ends - 2]) / 3.0


def _ar_noise(rng: np.random.Generator, sd: np.ndarray, months: int, phi: float = 0.75) -> np.ndarray:
    """AR(1) noise per municipality with stationary standard deviation `sd` (98,)."""
    shocks = rng.normal(size=(len(sd), months)) * sd[:, None]
    out = np.empty_like(shocks)
    out[:, 0] = shocks[:, 0]
    scale = np.sqrt(1.0 - phi**2)
    for t in range(1, months):  # over months, vectorised over municipalities
        out[:, t] = phi * out[:, t - 1] + scale * shocks[:, t]
    return out


def _latent(w: _World, key: str) -> np.ndarray:
    """One monthly series per municipality (98, months), unrounded."""
    s = SERIES[key]
    rng = w.rng(key)
    level = rng.normal(0.0, s.level_sd, w.n) + s.socio * w.socio
    shock = 1.0 + rng.normal(0.0, s.shock_sd, w.n)
    trend = rng.normal(0.0, s.trend_sd, w.n)
    shock[w.story], trend[w.story] = 1.0, STORY["trend"].get(key, 0.0)
    season = np.zeros(12) if s.season is None else np.asarray(s.season) - np.mean(s.season)
    log_mu = (
        np.log(s.rate * w.pop)
        + level[:, None]
        + shock[:, None] * np.log(w.path(s.path))[None, :]
        + trend[:, None] * w.ramp[None, :]
        + season[w.moy][None, :]
    )
    if key in STORY["bump"]:
        log_mu[w.story] += w.path(STORY["bump"][key])
    mu = np.exp(log_mu)
    # Relative noise shrinks with the size of the series, as counting noise does.
    sd = 0.012 + 0.35 / np.sqrt(mu.mean(axis=1))
    return mu * np.exp(_ar_noise(rng, sd, len(w.months)))


def _jitter(w: _World, name: str, shape: tuple, sd: float) -> np.ndarray:
    """A multiplicative factor exp(N(0, sd)) per cell."""
    return np.exp(w.rng(name).normal(0.0, sd, shape))


def _panel(w: _World) -> dict[str, np.ndarray]:
    """All latent monthly series (98, months[, ...]), unrounded, consistent across tables."""
    p = {key: _latent(w, key) for key in SERIES}
    shape = (w.n, len(w.months))
    p["adp_ft"] = p.pop("adp")
    p["ltu_persons"] = p.pop("ltu")
    p["adp_persons"] = p["adp_ft"] * 1.32 * _jitter(w, "adp_persons", (w.n, 1), 0.04) * _jitter(w, "adp_p_t", shape, 0.01)
    p["sdp_ft"] = p.pop("sdp")
    p["sdp_persons"] = p["sdp_ft"] * 1.33 * _jitter(w, "sdp_persons", (w.n, 1), 0.04)
    partial = _logit(0.24) + w.rng("partial").normal(0.0, 0.25, (w.n, 1)) + w.rng("partial_t").normal(0, 0.04, shape)
    partial[w.story] += STORY["partial_return"] * w.ramp
    p["sdp_partial"] = p["sdp_persons"] * _sigmoid(partial)
    # Kontanthjælp persons by category (Jobparat, Aktivitetsparat, Uoplyst) and by duration.
    p["kh_persons"] = np.stack([p.pop("kh_job"), p.pop("kh_akt"), p.pop("kh_uopl")], axis=2)
    p["kh_ft"] = p["kh_persons"] * 0.92 * _jitter(w, "kh_ft", (w.n, 1, 3), 0.02)
    p["kh_duration"] = _duration_shares(w)
    for key, ratio in (("ress", 0.97), ("fleks", 0.95), ("ftp", 0.995), ("khx", 0.93), ("jafl", 0.96), ("other", 0.8)):
        p[f"{key}_persons"] = p.pop(key)
        p[f"{key}_ft"] = p[f"{key}_persons"] * ratio
    return p


def _duration_shares(w: _World) -> np.ndarray:
    """(98, months, 3 categories, 4 durations) shares on kontanthjælp: <1, 1-2, 2-3, 3+ years."""
    base = np.log(np.array([[0.62, 0.18, 0.08, 0.12], [0.23, 0.17, 0.13, 0.47], [0.72, 0.15, 0.06, 0.07]]))
    rng = w.rng("duration")
    over3 = rng.normal(0.0, 0.15, w.n) + 0.1 * w.socio
    over3[w.story] = STORY["duration_over_3"]
    logits = np.broadcast_to(base, (w.n, len(w.months), 3, 4)).copy()
    logits[..., 3] += over3[:, None, None]
    logits[:, :, 1, 3] += 0.15 * w.ramp  # fewer new aktivitetsparate: the long-term share rises
    logits[:, :, 0, 0] += 0.8 * np.log(w.path(SERIES["kh_job"].path))  # inflow waves are new cases
    logits += rng.normal(0.0, 0.03, logits.shape)
    shares = np.exp(logits)
    return shares / shares.sum(axis=3, keepdims=True)


# --------------------------------------------------------------------------- publishing


def _with_totals(arr: np.ndarray, axes: Sequence[int]) -> np.ndarray:
    """Prepend the total along each breakdown axis (so index 0 is always "i alt")."""
    for axis in axes:
        arr = np.concatenate([arr.sum(axis=axis, keepdims=True), arr], axis=axis)
    return arr


def _round_persons(x: np.ndarray) -> np.ndarray:
    """Counts of persons as the source publishes them: tens, and whole persons below 50."""
    whole = np.rint(x)
    return np.where(whole >= 50, np.rint(x / 10.0) * 10.0, whole)


def _cells(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Whole numbers as Python ints (JSON numbers), ".." where hidden."""
    out = np.rint(np.nan_to_num(values)).astype(np.int64).astype(object)
    out[hidden] = SUPPRESSED
    return out


def _fixed(units: np.ndarray, decimals: int, hidden: np.ndarray) -> np.ndarray:
    """Integer multiples of 10**-decimals as Danish decimal strings ("9,08", "-0,07"), ".." where hidden."""
    flat = units.ravel()
    scale = 10**decimals
    magnitude = np.abs(flat)
    text = (
        pd.Series(np.where(flat < 0, "-", ""))
        + pd.Series(magnitude // scale).astype(str)
        + ","
        + pd.Series(magnitude % scale).astype(str).str.zfill(decimals)
    )
    out = text.to_numpy(dtype=object).reshape(units.shape)
    out[hidden] = SUPPRESSED
    return out


def _decimal(x: np.ndarray, hidden: np.ndarray, decimals: int = 2) -> np.ndarray:
    """A float as a Danish decimal string; not finite values are missing ("..")."""
    bad = hidden | ~np.isfinite(x)
    units = np.rint(np.where(bad, 0.0, x) * 10**decimals).astype(np.int64)
    return _fixed(units, decimals, bad)


def _ratio(num: np.ndarray, den: np.ndarray, scale: float = 100.0) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, scale * num / np.where(den > 0, den, 1.0), np.nan)


def _breakdown(shape: tuple, is_municipality: np.ndarray) -> np.ndarray:
    """Cells of a municipality that are not the all-totals row: where suppression may apply."""
    inner = np.zeros(shape[2:], dtype=bool)
    for axis in range(inner.ndim):
        index = np.arange(shape[2 + axis]).reshape([-1 if a == axis else 1 for a in range(inner.ndim)])
        inner |= index > 0
    return is_municipality.reshape((-1,) + (1,) * (len(shape) - 1)) & inner[None, None]


def _small(count: np.ndarray, breakdown: np.ndarray) -> np.ndarray:
    """Breakdown cells with 1-4 units: published as ".." (an empty cell, 0, reveals nobody)."""
    whole = np.rint(count)
    return breakdown & (whole > 0) & (whole < SUPPRESS_BELOW)


def _frame(spec_id: str, areas: np.ndarray, period_codes: Sequence[str], dims: Sequence[Sequence[str]],
           measures: dict[str, np.ndarray]) -> pd.DataFrame:
    """A raw table in long form: Område, Periode, dimension labels, measure labels (the registry's)."""
    spec = tables.spec(spec_id)
    if [m.key for m in spec.measures] != list(measures) or len(spec.dimensions) != len(dims):
        raise AssertionError(f"{spec_id}: generated columns do not match the table registry")
    shape = (len(areas), len(period_codes), *[len(v) for v in dims])
    axes = [np.asarray(areas, dtype=object), np.asarray(period_codes, dtype=object), *[np.asarray(v, dtype=object) for v in dims]]
    columns = {}
    labels = [AREA_LABEL, PERIOD_LABEL, *[d.label for d in spec.dimensions]]
    for i, (label, values) in enumerate(zip(labels, axes)):
        columns[label] = np.broadcast_to(values.reshape([-1 if a == i else 1 for a in range(len(shape))]), shape).ravel()
    for d, values in zip(spec.dimensions, dims):
        if d.total is not None and values[0] != d.total:
            raise AssertionError(f"{spec_id}: first value of {d.label} must be its total {d.total!r}")
    for m in spec.measures:
        values = measures[m.key]
        if values.shape != shape:
            raise AssertionError(f"{spec_id}: {m.key} has shape {values.shape}, expected {shape}")
        columns[m.label] = values.ravel()
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------- monthly tables


def _y01a02(w: _World, p: dict) -> pd.DataFrame:
    ft, persons, pop, labour = (w.stack(a)[:, w.out_months] for a in (p["adp_ft"], p["adp_persons"], w.pop, w.labour))
    none = np.zeros(ft.shape, dtype=bool)
    return _frame("Y01A02", w.area_names, w.months[w.out_months], [], {
        "persons": _cells(_round_persons(persons), none),
        "fulltime_persons": _cells(_round_persons(ft), none),
        "pct_labour_force": _decimal(_ratio(ft, labour), none),
        "pct_population": _decimal(_ratio(ft, pop), none),
    })


def _y25i09(w: _World, p: dict) -> pd.DataFrame:
    persons, pop, labour = (w.stack(a)[:, w.out_months] for a in (p["ltu_persons"], w.pop, w.labour))
    none = np.zeros(persons.shape, dtype=bool)
    return _frame("Y25I09", w.area_names, w.months[w.out_months], [], {
        "persons": _cells(_round_persons(persons), none),
        "pct_labour_force": _decimal(_ratio(persons, labour), none),
        "pct_population": _decimal(_ratio(persons, pop), none),
    })


def _y07a02(w: _World, p: dict) -> pd.DataFrame:
    ft, persons, partial, pop = (w.stack(a)[:, w.out_months] for a in (p["sdp_ft"], p["sdp_persons"], p["sdp_partial"], w.pop))
    none = np.zeros(ft.shape, dtype=bool)
    return _frame("Y07A02", w.area_names, w.months[w.out_months], [], {
        "persons": _cells(_round_persons(persons), none),
        "fulltime_persons": _cells(_round_persons(ft), none),
        "pct_population": _decimal(_ratio(ft, pop), none),
        "partial_return_persons": _cells(_round_persons(partial), none),
    })


def _y36a02(w: _World, p: dict) -> pd.DataFrame:
    spec = tables.spec("Y36A02")
    categories = [spec.dimensions[0].total, "Jobparat", "Aktivitetsparat", "Uoplyst"]
    durations = [spec.dimensions[1].total, "Under 1 år", "1-2 år", "2-3 år", "Over 3 år"]
    persons = _with_totals(p["kh_persons"][..., None] * p["kh_duration"], axes=(2, 3))
    ft = _with_totals(p["kh_ft"][..., None] * p["kh_duration"], axes=(2, 3))
    persons, ft = (w.stack(a)[:, w.out_months] for a in (persons, ft))
    pop = w.stack(w.pop)[:, w.out_months, None, None]
    shown = _round_persons(persons)
    hidden = _small(shown, _breakdown(shown.shape, w.is_municipality))
    return _frame("Y36A02", w.area_names, w.months[w.out_months], [categories, durations], {
        "persons": _cells(shown, hidden),
        "fulltime_persons": _cells(_round_persons(ft), hidden),
        "pct_population": _decimal(_ratio(ft, pop), hidden),
    })


def _ptv_groups(p: dict, kind: str) -> np.ndarray:
    """(98, months, 6) public-benefit groups without the total, persons or full-time ("ft")."""
    kh = p[f"kh_{'persons' if kind == 'persons' else 'ft'}"].sum(axis=2)
    adp = p["adp_persons" if kind == "persons" else "adp_ft"] * 1.04
    sdp = p["sdp_persons" if kind == "persons" else "sdp_ft"] + p[f"jafl_{kind}"]
    return np.stack([adp, sdp, kh + p[f"khx_{kind}"], p[f"ress_{kind}"], p[f"fleks_{kind}"], p[f"ftp_{kind}"]], axis=2)


def _ptv_a02(w: _World, p: dict) -> pd.DataFrame:
    spec = tables.spec("PTV_A02")
    groups = [spec.dimensions[0].total, "A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv.",
              "Ressourceforløb", "Fleksjob", "Førtidspension"]
    ft_parts, persons_parts = _ptv_groups(p, "ft"), _ptv_groups(p, "persons")
    # The listed groups are not exhaustive (efterløn, ledighedsydelse, barsel, ...), and a person can
    # have two benefits in a month: the total is not the sum of the rows below it.
    ft = np.concatenate([(ft_parts.sum(axis=2) + p["other_ft"])[..., None], ft_parts], axis=2)
    persons = np.concatenate([(0.97 * (persons_parts.sum(axis=2) + p["other_persons"]))[..., None], persons_parts], axis=2)
    persons, ft = (w.stack(a)[:, w.out_months] for a in (persons, ft))
    pop = w.stack(w.pop)[:, w.out_months, None]
    shown = _round_persons(persons)
    hidden = _small(shown, _breakdown(shown.shape, w.is_municipality))
    return _frame("PTV_A02", w.area_names, w.months[w.out_months], [groups], {
        "persons": _cells(shown, hidden),
        "fulltime_persons": _cells(_round_persons(ft), hidden),
        "pct_population": _decimal(_ratio(ft, pop), hidden),
    })


def _recipients(p: dict, groups: Sequence[str]) -> np.ndarray:
    """(98, months, len(groups)) recipients (persons) of the given target groups."""
    by_group = {ADP: p["adp_persons"], SDP: p["sdp_persons"], KH_JOB: p["kh_persons"][..., 0],
                KH_AKT: p["kh_persons"][..., 1], RESS: p["ress_persons"]}
    return np.stack([by_group[g] for g in groups], axis=2)


def _municipal_mix(w: _World) -> dict[str, np.ndarray]:
    """Programme mix per target group and municipality: group -> (98, 4) shares of PP, OP, PL, OL."""
    rng = w.rng("programme_mix")
    out = {}
    for group in TARGET_GROUPS:
        private = rng.normal(0.0, 0.3, w.n)
        private[w.story] = STORY["private"]
        wage = rng.normal(0.0, 0.3, w.n)
        mix = np.asarray(PROGRAMME_MIX[group])[None, :] * np.exp(
            private[:, None] * np.array([1, 0, 1, 0]) + wage[:, None] * np.array([0, 0, 1, 1]))
        out[group] = mix / mix.sum(axis=1, keepdims=True)
    return out


_COVID_ACTIVATION = {"2018M01": 1.0, "2020M02": 1.0, "2020M03": 0.5, "2020M04": 0.25, "2020M05": 0.4, "2020M06": 0.8,
                     "2020M07": 1.0, "2020M11": 1.0, "2020M12": 0.85, "2021M01": 0.55, "2021M02": 0.6, "2021M04": 0.9,
                     "2021M05": 1.0}


def _ptvc01(w: _World, p: dict) -> pd.DataFrame:
    spec = tables.spec("PTVC01")
    groups = (ADP, SDP, KH_AKT, KH_JOB, RESS)
    rates = np.array([0.07, 0.045, 0.13, 0.11, 0.19])  # share of recipients in a company-based programme
    trend = np.array([0.0, 0.0, 0.03, 0.02, 0.03])  # yearly log-odds growth (more company-based work)
    recipients = _recipients(p, groups)
    rng = w.rng("activation")
    effect = rng.normal(0.0, 0.25, (w.n, 1, len(groups)))
    effect[w.story] += STORY["activation"]
    years = (np.arange(len(w.months)) - _month_number("2019M01")) / 12.0
    logit = _logit(rates)[None, None, :] + effect + trend[None, None, :] * years[None, :, None]
    share = _sigmoid(logit) * w.path(_COVID_ACTIVATION)[None, :, None]
    mix = _municipal_mix(w)
    # (98, groups, programme [praktik, løntilskud], sector [privat, offentlig])
    cell_mix = np.stack([mix[g].reshape(w.n, 2, 2) for g in groups], axis=1)
    expected = (recipients * share)[..., None, None] * cell_mix[:, None]
    activated = rng.poisson(expected).astype(float)
    fulltime = activated * 0.8 * np.exp(rng.normal(0.0, 0.05, activated.shape))
    activated, fulltime = (w.stack(_with_totals(a, axes=(2, 3, 4)))[:, w.out_months] for a in (activated, fulltime))
    den = w.stack(_with_totals(recipients, axes=(2,)))[:, w.out_months, :, None, None]
    shown = _round_persons(activated)
    hidden = _small(shown, _breakdown(shown.shape, w.is_municipality))
    dims = [[spec.dimensions[0].total, *groups],
            [spec.dimensions[1].total, "Virksomhedspraktik", "Løntilskud"],
            [spec.dimensions[2].total, "Privat", "Offentlig"]]
    return _frame("PTVC01", w.area_names, w.months[w.out_months], dims, {
        "activated_persons": _cells(shown, hidden),
        "activated_fulltime": _cells(_round_persons(fulltime), hidden),
        "activation_pct": _decimal(_ratio(activated, den), hidden),
    })


def _otij01(w: _World, p: dict) -> pd.DataFrame:
    spec = tables.spec("OTIJ01")
    groups = (KH_AKT, KH_JOB, RESS, SDP)
    recipients = _recipients(p, groups)
    rng = w.rng("hours")
    years = (np.arange(len(w.months)) - _month_number("2019M01")) / 12.0
    base = _logit(np.array([0.07, 0.18, 0.10, 0.28]))
    trend = np.array([0.11, 0.03, 0.05, 0.02])  # aktivitetsparate: ~7% in 2019 to ~12% in 2024
    effect = rng.normal(0.0, 0.25, (w.n, 1, len(groups)))
    effect[w.story, 0, 0] += STORY["hours_aktivitetsparat"]
    covid = w.path({"2020M02": 1.0, "2020M04": 0.7, "2020M07": 1.0})[None, :, None]
    share = _sigmoid(base + effect + trend * years[None, :, None]) * covid
    # Never more persons with hours than recipients (a share above 100 % is refused by the build).
    with_hours = np.minimum(rng.poisson(recipients * share), np.floor(recipients)).astype(float)
    mean_hours = np.array([28.0, 48.0, 22.0, 62.0]) * np.exp(rng.normal(0.0, 0.1, (w.n, 1, len(groups))))
    hours = with_hours * mean_hours * np.exp(rng.normal(0.0, 0.04, with_hours.shape))
    with_hours, recipients, hours = (w.stack(_with_totals(a, axes=(2,)))[:, w.out_months] for a in (with_hours, recipients, hours))
    shown = _round_persons(with_hours)
    hidden = _small(shown, _breakdown(shown.shape, w.is_municipality))
    return _frame("OTIJ01", w.area_names, w.months[w.out_months], [[spec.dimensions[0].total, *groups]], {
        "persons_with_hours": _cells(shown, hidden),
        "share_with_hours_pct": _decimal(_ratio(with_hours, recipients), hidden),
        "hours_per_month": _decimal(_ratio(hours, with_hours, scale=1.0), hidden, decimals=1),
    })


# --------------------------------------------------------------------------- quarterly tables


def _qmat_codes() -> list[str]:
    return [f"{y}QMAT{q:02d}" for y in QMAT_YEARS for q in (2, 4)]


def _y30r21(w: _World, p: dict) -> pd.DataFrame:
    """The benchmark: actual = the rolling-year mean of the public-benefit groups; expected = actual
    minus a municipal 'performance' (persistent, drifting, noisier when small), in percentage points."""
    spec = tables.spec("Y30R21")
    groups = ["A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv."]
    codes = _qmat_codes()
    ends = np.array([_month_number(f"{c[:4]}M{int(c[-2:]) * 3:02d}") for c in codes])
    window = ends[:, None] + np.arange(-11, 1)[None, :]  # (periods, 12 months)
    actual = _ptv_groups(p, "ft")[:, :, :3][:, window].mean(axis=2)  # (98, periods, 3)
    pop = w.pop[:, window].mean(axis=2)[..., None]
    actual_share = 100.0 * actual / pop

    rng = w.rng("benchmark")
    k = len(codes)
    # Performance relative to the actual level: persistent, drifting, noisier in small municipalities.
    small = 0.35 / np.sqrt(w.size / 1000.0)[:, None]
    base_sd = np.array([0.12, 0.08, 0.085])[None, :]
    persistent = rng.normal(size=(w.n, 3)) * np.sqrt(base_sd**2 + small**2)
    drift = rng.normal(0.0, 0.04, (w.n, 3))
    progress = np.arange(k) / (k - 1)
    relative = persistent[:, None, :] + drift[:, None, :] * progress[None, :, None]
    relative += rng.normal(size=(w.n, k, 3)) * (0.012 + 0.3 * small[:, :, None])
    perf = np.clip(relative, -0.6, 0.6) * actual_share
    start, end = (np.array([STORY["benchmark_pp"][g][i] for g in groups]) for i in (0, 1))
    story_progress = np.clip((np.arange(k) - codes.index("2020QMAT04")) / 4.0, 0.0, 1.0)  # to 2022QMAT04
    perf[w.story] = start[None, :] + (end - start)[None, :] * story_progress[:, None] + rng.normal(0.0, 0.02, (k, 3))
    # The ministry's model fits the country as a whole: centre the differences (population-weighted).
    perf -= (perf * pop).sum(axis=0, keepdims=True) / pop.sum(axis=0, keepdims=True)
    expected = (actual_share - perf) * pop / 100.0

    actual_r, expected_r = _round_persons(actual), _round_persons(expected)
    act_units = np.rint(actual_share * 100).astype(np.int64)
    diff_units = np.rint(perf * 100).astype(np.int64)
    # Totals: counts add up over the three groups; shares from the summed unrounded figures.
    actual_r = np.concatenate([actual_r.sum(axis=2, keepdims=True), actual_r], axis=2)
    expected_r = np.concatenate([expected_r.sum(axis=2, keepdims=True), expected_r], axis=2)
    act_units = np.concatenate([np.rint(actual_share.sum(axis=2, keepdims=True) * 100).astype(np.int64), act_units], axis=2)
    perf = np.concatenate([perf.sum(axis=2, keepdims=True), perf], axis=2)
    diff_units = np.concatenate([np.rint(perf[..., :1] * 100).astype(np.int64), diff_units], axis=2)
    # Rank 1 = actual furthest below expected; ordering by the unrounded difference breaks ties
    # of the published one (rounding is monotone, so the published column is ordered too).
    rank = perf.argsort(axis=0, kind="stable").argsort(axis=0) + 1
    none = np.zeros(actual_r.shape, dtype=bool)
    return _frame("Y30R21", w.names, codes, [[spec.dimensions[0].total, *groups]], {
        "expected": _cells(expected_r, none),
        "actual": _cells(actual_r, none),
        "difference": _cells(actual_r - expected_r, none),
        "expected_share_pct": _fixed(act_units - diff_units, 2, none),
        "actual_share_pct": _fixed(act_units, 2, none),
        "difference_pp": _fixed(diff_units, 2, none),
        "rank": _cells(rank.astype(float), none),
    })


_Y14_GROUPS = (ADP, KH_AKT, KH_JOB, SDP, RESS)
_Y14_BASE_LOGIT = {ADP: 0.05, SDP: -0.1, KH_JOB: -0.8, KH_AKT: -2.0, RESS: -2.1}  # at the reference programme
_Y14_COMPLETED_PER_1000 = {ADP: 9.0, SDP: 2.5, KH_AKT: 6.0, KH_JOB: 4.0, RESS: 2.5}  # per year
# Of those employed: same firm, other firm in the same industry (the rest: another industry).
_Y14_SPLIT = {PRIV_PRAKTIK: (0.40, 0.20), OFF_PRAKTIK: (0.15, 0.15), PRIV_LOEN: (0.55, 0.15), OFF_LOEN: (0.25, 0.15)}
_COVID_QUARTERS = {"2018Q1": 1.0, "2020Q1": 1.0, "2020Q2": 0.35, "2020Q3": 0.8, "2020Q4": 0.85, "2021Q1": 0.6,
                   "2021Q2": 0.85, "2021Q3": 1.0}


def _y14d03(w: _World, _p: dict) -> pd.DataFrame:
    """Completed spells per quarter are drawn, then summed over the four quarters of each rolling year."""
    spec = tables.spec("Y14D03")
    quarters = periods.quarter_range(f"{WARM_UP_MONTH[:4]}Q1", LAST_QUARTER)
    rng = w.rng("y14d03")
    mix = _municipal_mix(w)
    volume = np.exp(rng.normal(0.0, 0.2, w.n))
    volume[w.story] = np.exp(0.2)  # works more with company-based programmes than most
    rate = np.array([_Y14_COMPLETED_PER_1000[g] for g in _Y14_GROUPS]) / 4000.0
    years = np.array([int(q[:4]) for q in quarters])
    flow = w.quarterly_pop(quarters) * volume[:, None] * w.quarter_path(_COVID_QUARTERS, quarters)[None, :]
    cell_mix = np.stack([mix[g] for g in _Y14_GROUPS], axis=1)  # (98, groups, programmes)
    completed = rng.poisson(flow[:, :, None, None] * rate[None, None, :, None] * cell_mix[:, None])

    municipal = rng.normal(0.0, 0.25, (w.n, len(_Y14_GROUPS)))
    municipal[w.story, 0] += STORY["employed_after_adp"]
    year_effect = np.array([EMPLOYMENT_MODEL["start_year"].get(int(y), 0.0) for y in years])
    programme = np.array([EMPLOYMENT_MODEL["programme"][x] for x in COMPANY_PROGRAMMES])
    logit = (np.array([_Y14_BASE_LOGIT[g] for g in _Y14_GROUPS])[None, None, :, None] + municipal[:, None, :, None]
             + year_effect[None, :, None, None] + programme[None, None, None, :])
    employed = rng.binomial(completed, _sigmoid(logit))
    split = np.array([_Y14_SPLIT[x] for x in COMPANY_PROGRAMMES])  # (programmes, 2)
    split_noise = np.exp(rng.normal(0.0, 0.15, (w.n, 1, 1, 1)))
    same_firm = rng.binomial(employed, np.clip(split[:, 0] * split_noise, 0.0, 0.9))
    same_industry = rng.binomial(employed - same_firm, split[:, 1] / (1.0 - split[:, 0]))

    codes = _qmat_codes()
    ends = np.array([quarters.index(f"{c[:4]}Q{int(c[-1])}") for c in codes])

    def rolling(a: np.ndarray) -> np.ndarray:
        total = np.concatenate([np.zeros_like(a[:, :1]), np.cumsum(a, axis=1)], axis=1)
        return (total[:, ends + 1] - total[:, ends - 3]).astype(float)

    counts = [w.stack(_with_totals(rolling(a), axes=(2, 3))) for a in (completed, employed, same_firm, same_industry)]
    completed, employed, same_firm, same_industry = counts
    hidden = _small(completed, _breakdown(completed.shape, w.is_municipality)) | (completed == 0)  # shares
    # Cumulative rounding so the three "Heraf" shares add up exactly to the employment share.
    c1, c2, c3 = (np.rint(np.nan_to_num(_ratio(x, completed)) * 100).astype(np.int64)
                  for x in (same_firm, same_firm + same_industry, employed))
    dims = [[spec.dimensions[0].total, *_Y14_GROUPS], [spec.dimensions[1].total, *COMPANY_PROGRAMMES]]
    return _frame("Y14D03", w.area_names, codes, dims, {
        "completed": _cells(completed, _small(completed, _breakdown(completed.shape, w.is_municipality))),
        "employed_share_pct": _fixed(c3, 2, hidden),
        "employed_same_firm_pct": _fixed(c1, 2, hidden),
        "employed_same_industry_pct": _fixed(c2 - c1, 2, hidden),
        "employed_other_industry_pct": _fixed(c3 - c2, 2, hidden),
    })


_JOB_ORDER_CYCLE = {"2019Q1": 1.0, "2019Q4": 1.02, "2020Q1": 0.95, "2020Q2": 0.62, "2020Q3": 0.85, "2020Q4": 0.92,
                    "2021Q1": 0.95, "2021Q2": 1.15, "2021Q3": 1.3, "2022Q1": 1.32, "2022Q2": 1.3, "2022Q4": 1.12,
                    "2023Q2": 1.05, "2024Q4": 0.98}


# --------------------------------------------------------------------------- Statistics Denmark (AUK01)

# The benefit types the demo writes (codes of analysis.sources.statbank.auk01), and how each is made
# from the monthly panel: quarterly means of the same latent full-time series the Jobindsats tables show.
AUK01_BENEFIT_TYPES = ("TOT", "TOTUSU", "SU", "TOTLE", "DP", "KT", "AKDP", "SY", "RES", "JA")
# The demo files: the first years saved with Danish texts, the later with English texts (lang=en),
# as an analyst who fetched once and then downloaded from the web page in English would have them.
AUK01_FILES = (("da", "2019Q1", "2021Q4"), ("en", "2022Q1", "2024Q4"))
# Two landsdele whose municipalities are known here (StatBank lists 11; the reader skips them all).
_LANDSDELE = {"01": ("Byen København", ("101", "147", "155", "185")), "05": ("Bornholm", ("400",))}
_UNKNOWN_SHARE = 0.002  # full-time recipients StatBank cannot place in a municipality ("Uoplyst", code 997)


def auk01_values(w: _World, p: dict, quarters: Sequence[str]) -> np.ndarray:
    """(98, quarters, benefit types) full-time recipients, unrounded, in the order of AUK01_BENEFIT_TYPES."""
    months = np.array([periods.month_range(*_quarter_months(q)) for q in quarters])
    index = np.array([[list(w.months).index(m) for m in row] for row in months])

    def quarterly(arr: np.ndarray) -> np.ndarray:
        return arr[:, index].mean(axis=2)

    activated = 0.16 * _jitter(w, "auk01_activated", (w.n, 1), 0.08)
    dp, akdp = quarterly(p["adp_ft"] * (1 - activated)), quarterly(p["adp_ft"] * activated)
    kt = quarterly(p["kh_ft"][..., 0] * 0.55)
    totusu = quarterly(_ptv_groups(p, "ft").sum(axis=2) + p["other_ft"])
    su = quarterly(w.pop * 0.085 * _jitter(w, "auk01_su", (w.n, 1), 0.15))
    sy, res, ja = (quarterly(p[k]) for k in ("sdp_ft", "ress_ft", "jafl_ft"))
    return np.stack([totusu + su, totusu, su, dp + kt, dp, kt, akdp, sy, res, ja], axis=2)


def _quarter_months(quarter: str) -> tuple[str, str]:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year}M{3 * q - 2:02d}", f"{year}M{3 * q:02d}"


def auk01_file(w: _World, p: dict, lang: str, first: str, last: str) -> str:
    """An AUK01 CSV as StatBank's API serves it (format CSV, lang da or en, texts): ``;``, quarters
    ``2024K4`` (da) or ``2024Q4`` (en), whole numbers, ``..`` where StatBank shows no figure."""
    quarters = periods.quarter_range(first, last)
    values = np.rint(auk01_values(w, p, quarters))
    regions = geography.municipalities()[["region", "region_code"]].drop_duplicates().sort_values("region_code")
    kom = geography.municipalities()
    in_region = (kom["region"].to_numpy()[None, :] == regions["region"].to_numpy()[:, None]).astype(float)
    unknown = np.rint(values.sum(axis=0) * _UNKNOWN_SHARE)
    en = lang == "en"
    areas: list[tuple[str, np.ndarray]] = [("All Denmark" if en else "Hele landet", values.sum(axis=0) + unknown)]
    areas += [(name, np.tensordot(in_region[i], values, axes=(0, 0))) for i, name in enumerate(regions["region"])]
    for code, (name, members) in _LANDSDELE.items():
        rows = np.flatnonzero(np.isin(w.codes, members))
        areas.append((("Province " if en else "Landsdel ") + name, values[rows].sum(axis=0)))
    areas += [("Copenhagen" if en and n == "København" else str(n), values[i]) for i, n in enumerate(w.names)]
    areas.append(("Christiansø", np.full(values.shape[1:], np.nan)))
    areas.append(("Unknown" if en else "Uoplyst", unknown))
    types = [auk01.benefit_type(c) for c in AUK01_BENEFIT_TYPES]
    sex, age = ("Total", "Age, total") if en else ("I alt", "Alder i alt")
    codes = [q if en else q.replace("Q", "K") for q in quarters]
    lines = ["OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD"]
    for name, table in areas:
        for j, t in enumerate(types):
            label = t.en if en else t.da
            for k, code in enumerate(codes):
                cell = table[k, j]
                lines.append(f"{name};{label};{sex};{age};{code};{SUPPRESSED if np.isnan(cell) else int(cell)}")
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def _jobordrer(w: _World, _p: dict) -> pd.DataFrame:
    quarters = periods.quarter_range(FIRST_QUARTER, LAST_QUARTER)
    rng = w.rng("jobordrer")
    season = np.array([1.0, 1.1, 0.95, 0.9])[[int(q[-1]) - 1 for q in quarters]]
    level = np.exp(rng.normal(0.0, 0.25, (w.n, 1)) - 0.1 * w.socio[:, None])
    expected = 7.0 / 1000.0 * w.quarterly_pop(quarters) * level * (w.quarter_path(_JOB_ORDER_CYCLE, quarters) * season)[None, :]
    orders = rng.poisson(expected)
    positions = orders + rng.poisson(orders * 1.3 * np.exp(rng.normal(0.0, 0.15, (w.n, 1))))
    placement = _logit(0.52) + rng.normal(0.0, 0.45, (w.n, 1)) + rng.normal(0.0, 0.15, orders.shape)
    placement[w.story] += STORY["placement"]
    dip_quarter, dip = STORY["placement_dip"]
    placement[w.story, quarters.index(dip_quarter)] += dip
    fill = _logit(0.78) + rng.normal(0.0, 0.35, (w.n, 1)) + rng.normal(0.0, 0.15, orders.shape)
    placed = rng.binomial(orders, _sigmoid(placement))
    filled = rng.binomial(positions, _sigmoid(fill))
    orders, positions, placed, filled = (w.stack(a.astype(float)) for a in (orders, positions, placed, filled))
    none = np.zeros(orders.shape, dtype=bool)
    return _frame("JOBORDRER", w.area_names, quarters, [], {
        "orders": _cells(orders, none),
        "positions": _cells(positions, none),
        "placement_rate_pct": _decimal(_ratio(placed, orders), none),
        "fill_rate_pct": _decimal(_ratio(filled, positions), none),
    })


# --------------------------------------------------------------------------- spells


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (u[:, None] > cum).sum(axis=1)


def _employment_logit(spells: pd.DataFrame) -> np.ndarray:
    """The linear predictor of EMPLOYMENT_MODEL without the programme term."""
    m = EMPLOYMENT_MODEL

    def mapped(column: str, table: dict) -> np.ndarray:
        values = spells[column].map(table)
        if values.isna().any():
            bad = spells.loc[values.isna(), column].iloc[0]
            raise ParameterError(f"spells: {column} {bad!r} is not one of {list(table)}")
        return values.to_numpy(dtype=float)

    age = spells["age"].to_numpy(dtype=float)
    years = pd.to_datetime(spells["start_date"]).dt.year
    return (
        m["intercept"]
        + mapped("target_group", m["target_group"])
        + mapped("education", m["education"])
        + m["female"] * (spells["sex"].to_numpy() == "K")
        + m["age_per_10y"] * (age - 40.0) / 10.0
        + m["age_55_plus"] * (age >= 55)
        + m["prior_weeks_per_10"] * spells["prior_benefit_weeks"].to_numpy(dtype=float) / 10.0
        + years.map(m["start_year"]).fillna(0.0).to_numpy(dtype=float)
    )


def true_average_marginal_effects(spells: pd.DataFrame, person_sd: float | None = None) -> pd.Series:
    """The true average marginal effect of each programme vs "Vejledning og opkvalificering", in pp.

    For every spell, with its own covariates: p(employed | programme) - p(employed | reference)
    under :data:`EMPLOYMENT_MODEL`, averaged over the person effect u ~ Normal(0, ``person_sd``²)
    (default: the model's) and over all the given spells (whatever programme they actually had)
    — the population-averaged effect, which is what an estimator that does not know u measures.
    The integral over u is a 40-point Gauss-Hermite rule (exact to far below 0.001 pp).
    Index: the four company-based programmes; name ``ame_pp``.
    """
    sd = EMPLOYMENT_MODEL["person_sd"] if person_sd is None else float(person_sd)
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)  # weight exp(-x²/2)
    weights = weights / weights.sum()
    base = _employment_logit(spells)[:, None] + sd * nodes[None, :]

    def mean_p(programme: str) -> np.ndarray:
        return _sigmoid(base + EMPLOYMENT_MODEL["programme"][programme]) @ weights

    reference = mean_p(REFERENCE_PROGRAMME)
    effects = {p: 100.0 * float(np.mean(mean_p(p) - reference)) for p in COMPANY_PROGRAMMES}
    return pd.Series(effects, name="ame_pp").rename_axis("programme")


def employment_probability(spells: pd.DataFrame) -> np.ndarray:
    """Each spell's probability of ``employed_6m`` = 1 under :data:`EMPLOYMENT_MODEL` with its own programme, the
    person effect integrated out (what one spell, seen alone, has)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    logit = _employment_logit(spells) + spells["programme"].map(EMPLOYMENT_MODEL["programme"]).to_numpy(dtype=float)
    return _sigmoid(logit[:, None] + EMPLOYMENT_MODEL["person_sd"] * nodes[None, :]) @ weights


# Covariates by target group (order TARGET_GROUPS: A-dp, akt, job, sdp, ress).
_SPELL_GROUP_PROBS = np.array([0.36, 0.22, 0.16, 0.14, 0.12])
_SPELL_GROUP_SOCIO = np.array([-0.15, 0.25, 0.10, -0.05, 0.20])
_AGE_MEAN = np.array([41.0, 38.0, 32.0, 46.0, 42.0])
_FEMALE = np.array([0.48, 0.47, 0.44, 0.58, 0.52])
_EDUCATION_PROBS = np.array([[0.15, 0.12, 0.38, 0.35], [0.55, 0.12, 0.25, 0.08], [0.40, 0.18, 0.28, 0.14],
                             [0.22, 0.08, 0.45, 0.25], [0.50, 0.10, 0.30, 0.10]])
_PRIOR_BETA = np.array([[1.2, 2.3], [6.0, 1.0], [2.5, 1.5], [1.0, 2.6], [10.0, 0.6]])  # weeks = 52 * Beta(a, b)
# Programme choice (selection on observables): utility vs the reference programme =
# constant + group + edu * education rank (0-3) + prior * weeks/52 + age * (age-40)/10 + female.
# Columns: PP, OP, PL, OL.
_CHOICE = {
    "constant": np.array([0.3, -0.4, -0.2, -0.6]),
    "group": np.array([[-0.3, -0.6, 0.6, 0.2], [0.5, 0.2, -1.2, -1.5], [0.6, 0.1, -0.1, -0.5],
                       [0.9, 0.4, -1.5, -2.0], [0.9, 0.3, -1.0, -1.5]]),
    "edu": np.array([0.15, 0.05, 0.25, 0.2]),
    "prior": np.array([-1.0, -0.4, -1.4, -0.6]),
    "age": np.array([-0.05, 0.15, -0.1, 0.2]),
    "female": np.array([0.0, 0.2, 0.0, 0.2]),
}
_DURATION_DAYS = {PRIV_PRAKTIK: (14, 42), OFF_PRAKTIK: (14, 42), PRIV_LOEN: (28, 110), OFF_LOEN: (28, 110),
                  REFERENCE_PROGRAMME: (14, 50)}  # minimum, mean extra (gamma)


def _spells(w: _World) -> pd.DataFrame:
    """The local extract of completed programme spells, one row per spell.

    Persons first: each has a municipality, a target group, sex, education, an age at the first
    spell, a person effect on employment (``EMPLOYMENT_MODEL["person_sd"]``) and a lasting taste
    for each programme; then 1-6 spells each, one after the other (none overlapping), with their
    own prior weeks on benefit, programme choice (selection on the observed covariates and the
    taste, not on the person effect) and outcome. Spells that ended less than six months before
    :data:`SPELL_EXTRACT_DATE` get ``employed_6m`` 0, as the case system records them.
    """
    rng = w.rng("spells")
    p_more = SPELLS_PER_PERSON_P
    mean_spells = sum(k * p_more * (1 - p_more) ** (k - 1) for k in range(1, MAX_SPELLS_PER_PERSON)) \
        + MAX_SPELLS_PER_PERSON * (1 - p_more) ** (MAX_SPELLS_PER_PERSON - 1)
    kom_p = np.repeat(np.arange(w.n), rng.poisson(SPELLS_PER_1000 / 1000.0 * w.size / mean_spells))
    persons = len(kom_p)
    group_probs = _SPELL_GROUP_PROBS[None, :] * np.exp(w.socio[kom_p, None] * _SPELL_GROUP_SOCIO[None, :])
    group_p = _categorical(rng, group_probs)
    age_p = rng.normal(_AGE_MEAN[group_p], 11.0)
    female_p = rng.random(persons) < _FEMALE[group_p]
    education_p = _categorical(rng, _EDUCATION_PROBS[group_p])
    effect_p = rng.normal(0.0, EMPLOYMENT_MODEL["person_sd"], persons)
    taste_p = rng.normal(0.0, PROGRAMME_HABIT_SD, (persons, len(COMPANY_PROGRAMMES)))
    count_p = np.minimum(rng.geometric(p_more, persons), MAX_SPELLS_PER_PERSON)

    person = np.repeat(np.arange(persons), count_p)  # spell -> person, each person's spells together
    n = len(person)
    first_of_person = np.concatenate([[0], np.cumsum(count_p)[:-1]])
    order = np.arange(n) - first_of_person[person]  # 0 for a person's first spell, 1 for the second, ...
    group, education, female = group_p[person], education_p[person], female_p[person]
    prior = np.rint(52 * rng.beta(_PRIOR_BETA[group, 0], _PRIOR_BETA[group, 1])).astype(int)

    # Start month: fewer starts while the active effort was suspended (spring 2020, winter 2021);
    # a person's spells in time order, each starting at least two weeks after the one before ended.
    month_codes = periods.month_range("2019M01", "2024M11")
    weights = w.path(_COVID_ACTIVATION)[[_month_number(c) for c in month_codes]]
    month = rng.choice(len(month_codes), size=n, p=weights / weights.sum())
    month = np.sort(month + person * len(month_codes)) - person * len(month_codes)  # sorted within person
    first = np.datetime64("2019-01", "M") + month
    days_in_month = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
    start = first.astype("datetime64[D]") + (rng.random(n) * days_in_month).astype(int)
    gap = 14 + np.rint(rng.gamma(2.0, 20.0, n)).astype(int)
    age_first = age_p[person]
    last_day = np.datetime64("2024-12-31")

    utility = (_CHOICE["constant"][None, :] + _CHOICE["group"][group] + _CHOICE["edu"] * education[:, None]
               + _CHOICE["prior"] * (prior[:, None] / 52.0) + _CHOICE["female"] * female[:, None] + taste_p[person])
    noise = rng.gumbel(size=(n, 5))
    extra_days = rng.gamma(2.0, 1.0, n)  # duration = minimum + mean extra x Gamma(2, 1)/2
    programme = np.empty(n, dtype=object)
    end = np.empty(n, dtype="datetime64[D]")
    age = np.empty(n, dtype=int)
    for k in range(MAX_SPELLS_PER_PERSON):  # k-th spells of all persons at once
        idx = np.flatnonzero(order == k)
        if k:
            start[idx] = np.maximum(start[idx], end[idx - 1] + gap[idx])
        years = (start[idx] - start[first_of_person[person[idx]]]).astype(int) / 365.25
        age[idx] = np.clip(np.rint(age_first[idx] + years), 18, 66).astype(int)
        u = np.concatenate([utility[idx] + _CHOICE["age"] * ((age[idx, None] - 40.0) / 10.0),
                            np.zeros((len(idx), 1))], axis=1) + noise[idx]
        programme[idx] = np.array(PROGRAMMES, dtype=object)[u.argmax(axis=1)]
        minimum, extra = (np.array([_DURATION_DAYS[p][i] for p in programme[idx]]) for i in (0, 1))
        duration = np.minimum(minimum + np.rint(extra * extra_days[idx] / 2.0).astype(int), 365)
        if not k:
            start[idx] = np.minimum(start[idx], last_day - duration)  # completed within the extract
        end[idx] = start[idx] + duration
    keep = end <= last_day  # later spells pushed past the last day are not completed yet: not in the extract

    frame = pd.DataFrame({
        "kommunekode": w.codes[kom_p[person]],
        "programme": programme,
        "target_group": np.array(TARGET_GROUPS, dtype=object)[group],
        "start_date": np.datetime_as_string(start, unit="D"),
        "end_date": np.datetime_as_string(end, unit="D"),
        "age": age,
        "sex": np.where(female, "K", "M"),
        "education": np.array(EDUCATIONS, dtype=object)[education],
        "prior_benefit_weeks": prior,
    })
    logit = (_employment_logit(frame) + frame["programme"].map(EMPLOYMENT_MODEL["programme"]).to_numpy(dtype=float)
             + effect_p[person])
    employed = rng.random(n) < _sigmoid(logit)
    outcome_day = pd.to_datetime(frame["end_date"]) + pd.DateOffset(months=6)
    employed &= (outcome_day <= pd.Timestamp(SPELL_EXTRACT_DATE)).to_numpy()  # not seen yet: recorded as 0
    frame["employed_6m"] = employed.astype(int)
    ids = _person_ids(rng, persons)
    frame.insert(0, "person_id", ids.to_numpy()[person])
    frame = frame.loc[keep]
    frame = frame.sort_values(["start_date", "kommunekode", "end_date"], kind="stable").reset_index(drop=True)
    frame.insert(0, "spell_id", "F" + pd.Series(np.arange(1, len(frame) + 1)).astype(str).str.zfill(7))
    return frame


def _person_ids(rng: np.random.Generator, n: int) -> pd.Series:
    """Distinct pseudonymous ids "P" + 8 hex digits: a keyed bijective mix of 0..n-1 on 32 bits."""
    x = (np.arange(n, dtype=np.uint64) + np.uint64(rng.integers(0, 2**32))) & np.uint64(0xFFFFFFFF)
    for _ in range(2):
        x ^= x >> np.uint64(16)
        x = (x * np.uint64(0x45D9F3B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    nibbles = (x[:, None] >> (np.uint64(4) * np.arange(7, -1, -1, dtype=np.uint64))[None, :]) & np.uint64(15)
    digits = np.array(list("0123456789abcdef"))[nibbles.astype(int)]
    return "P" + pd.Series(np.ascontiguousarray(digits).view("<U8").ravel())


# --------------------------------------------------------------------------- writing


def _write_table(folder: Path, table_id: str, frame: pd.DataFrame) -> Path:
    kind = OUTPUT_FORMATS[table_id]
    if kind == "csv":
        path = folder / f"{table_id}.csv"
        frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
        return path
    rows = frame.to_numpy(dtype=object).tolist()
    path = folder / f"{table_id}.json"
    if kind == "v3":
        doc: object = {"columns": list(frame.columns), "rows": rows}
        encoding = "utf-8-sig"  # the v3 API serves a byte-order mark
    else:
        spec = tables.spec(table_id)
        names = ["area", "period", *[f"_{d.key}" for d in spec.dimensions], *[m.key for m in spec.measures]]
        doc = [{"Variables": [{"Name": n, "Label": label} for n, label in zip(names, frame.columns)], "Data": rows}]
        encoding = "utf-8"
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding=encoding)
    return path


# Table id -> builder(world, monthly panel) returning the published frame.
_BUILDERS = {
    "Y01A02": _y01a02, "Y25I09": _y25i09, "Y07A02": _y07a02, "Y36A02": _y36a02, "PTV_A02": _ptv_a02,
    "PTVC01": _ptvc01, "OTIJ01": _otij01, "Y30R21": _y30r21, "Y14D03": _y14d03, "JOBORDRER": _jobordrer,
}


def write_files(folder: Path, seed: int) -> dict[str, int]:
    """Write every demo file below `folder`; returns rows per file (relative path -> rows)."""
    w = _World(seed)
    panel = _panel(w)
    jobindsats = folder / "jobindsats"
    local = folder / "local"
    jobindsats.mkdir(parents=True)
    local.mkdir()
    written: dict[str, int] = {}
    for table_id in OUTPUT_FORMATS:  # the Jobindsats-shaped tables; not Statistics Denmark's
        frame = _BUILDERS[table_id](w, panel)
        path = _write_table(jobindsats, table_id, frame)
        written[path.relative_to(folder).as_posix()] = len(frame)
    spells = _spells(w)
    with open(local / "forloeb.csv", "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# extract_date: {SPELL_EXTRACT_DATE}\n")
        spells.to_csv(out, index=False, lineterminator="\n")
    written["local/forloeb.csv"] = len(spells)
    dst = folder / "dst"
    dst.mkdir()
    for lang, first, last in AUK01_FILES:
        text = auk01_file(w, panel, lang, first, last)
        path = dst / f"AUK01__{first}-{last}.csv"
        path.write_bytes(text.encode("utf-8"))
        written[path.relative_to(folder).as_posix()] = text.count("\r\n") - 1
    return written
