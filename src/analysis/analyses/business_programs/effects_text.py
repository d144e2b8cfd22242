"""The adjusted effects in Danish: what the estimates say (with the balance after weighting and the
outcomes not yet observable), the assumptions they rest on, the headings of their key tables and the
frames the report shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.analyses.business_programs import balance as bal
from analysis.analyses.business_programs.effects import (
    COVARIATES_DA,
    IPW_SMALL,
    MIN_PROPENSITY_WARN,
    NOT_CONVERGED,
    NOTE_BALANCE,
    NOTE_FEW,
    NOTE_OVERLAP,
    EffectsAnalysis,
)
from analysis.analyses.disclosure import MIN_COUNT
from analysis.sources.local.spells import REFERENCE_PROGRAMME

# What the short notes in the effects table mean (shown under the table).
NOTES_EXPLAINED_DA = {
    NOTE_FEW: f"under {IPW_SMALL} forløb i tilbuddet; intervallerne kan da være for smalle, mest for IPW, og den "
              "logistiske regression er det mest pålidelige tal",
    NOTE_OVERLAP: f"nogle deltagere havde under {MIN_PROPENSITY_WARN:.0%} sandsynlighed for tilbuddet ud fra deres "
                  "baggrund, så resultatet hviler på få sammenlignelige borgere".replace("1%", "1 %"),
    NOT_CONVERGED: "modellen nåede ikke en stabil løsning; tallene er usikre",
    NOTE_BALANCE: "efter vægtningen er deltagerne og sammenligningsgruppen stadig forskellige på mindst én "
                  "baggrundsvariabel (standardiseret forskel over 0,1); IPW-tallet er usikkert",
}
METHOD_LABELS_DA = {
    "logit_ame": "Logistisk regression (gennemsnitlig marginal effekt)",
    "ipw_ate": "Vægtning med tilbudssandsynligheder (IPW)",
}
# estimate_effects adds p_holm (after p_value) and suppressed.
HEADINGS_DA = {
    "programme": "Tilbudstype",
    "method": "Metode",
    "effect_pp": "Effekt (pct.-point)",
    "ci_low": "95 %-interval, nedre (pct.-point)",
    "ci_high": "95 %-interval, øvre (pct.-point)",
    "n": "Forløb i tilbuddet",
    "n_reference": "Forløb i sammenligningsgruppen",
    "se_pp": "Standardfejl (pct.-point)",
    "p_value": "p-værdi",
    "p_holm": "p-værdi, Holm-justeret over tilbuddene",
    "n_effective": "Effektivt antal forløb (IPW)",
    "min_propensity": "Mindste tilbudssandsynlighed",
    "note": "Bemærkning",
}


SUMMARY_HEADINGS_DA = {
    "programme": "Tilbudstype",
    "spells": "Afsluttede forløb",
    "persons": "Personer",
    "employed_pct": "I beskæftigelse 6 mdr. efter (pct., ujusteret)",
    "mean_age": "Gns. alder",
    "women_pct": "Kvinder (pct.)",
    "prior_weeks": "Gns. uger på forsørgelse året før",
    "suppressed": "Diskretioneret (under 5 personer)",
}
BALANCE_HEADINGS_DA = {
    "programme": "Tilbudstype",
    "covariate": "Baggrundsvariabel",
    "smd_before": "Standardiseret forskel før vægtning",
    "smd_after": "Standardiseret forskel efter vægtning",
    "imbalanced": "Over 0,1 efter vægtning",
}
WEIGHT_HEADINGS_DA = {
    "programme": "Tilbudstype",
    "spells": "Forløb",
    "effective_n": "Effektivt antal forløb",
    "max_weight": "Største vægt",
    "top_weights_share_pct": f"De {bal.TOP_WEIGHTS} største vægtes andel af gruppens samlede vægt (pct.)",
}


# --------------------------------------------------------------------------- words


def _pp(value) -> str:
    from analysis.present import formats as fmt

    return fmt.signed(value, 1)


def _mid(label: str) -> str:
    """A covariate's label inside a sentence: "Kvinder" -> "kvinder", "Målgruppe: A-dagpenge" -> "målgruppe: A-dagpenge"."""
    return label[:1].lower() + label[1:]


def _join_da(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def effect_sentences(analysis: EffectsAnalysis, reference: str = REFERENCE_PROGRAMME, *,
                     alpha: float = 0.05) -> list[str]:
    """One Danish sentence per estimated programme, saying only what the numbers support.

    - balance failed after weighting (a covariate more than 0.1 apart): the result is called
      uncertain, and not read as an effect;
    - the logit's Holm-adjusted p-value below ``alpha`` and the IPW estimate on the same side of 0:
      "deltagerne var x procentpoint oftere/sjældnere i beskæftigelse ...";
    - the 95 % interval excludes 0 but the adjusted p-value does not: not certain once the
      programmes are compared together;
    - otherwise: no certain difference.
    """
    est = analysis.estimates
    off = analysis.imbalanced
    out = []
    for programme in dict.fromkeys(est["programme"]):
        rows = est[est["programme"] == programme].set_index("method")
        if "logit_ame" not in rows.index or pd.isna(rows.loc["logit_ame", "effect_pp"]):
            continue
        logit = rows.loc["logit_ame"]
        ipw = rows.loc["ipw_ate"] if "ipw_ate" in rows.index else None
        ipw_text = f"IPW: {_pp(ipw['effect_pp'])}" if ipw is not None and pd.notna(ipw["effect_pp"]) else "IPW: –"
        interval = f"95 %-interval {_pp(logit['ci_low'])} til {_pp(logit['ci_high'])}"
        effect = logit["effect_pp"]
        if programme in off:
            covs = off[programme]
            named = _join_da([_mid(c) for c in covs[:3]]) + (" m.fl." if len(covs) > 3 else "")
            out.append(f"**{programme}: usikkert.** Efter vægtningen ligner deltagerne stadig ikke sammenligningsgruppen "
                       f"på {named} (standardiseret forskel over {_decimal(bal.BALANCE_LIMIT)}). Forskellen på "
                       f"{_pp(effect)} pct.-point (logistisk regression; {ipw_text}) kan derfor ikke læses som en "
                       "effekt af tilbuddet.")
            continue
        ipw_agrees = ipw is not None and pd.notna(ipw["effect_pp"]) and np.sign(ipw["effect_pp"]) == np.sign(effect)
        direction = "oftere" if effect > 0 else "sjældnere"
        if pd.notna(logit["p_holm"]) and logit["p_holm"] < alpha and ipw_agrees:
            out.append(f"**{programme}:** deltagerne var {_decimal(abs(effect))} procentpoint {direction} i beskæftigelse "
                       f"6 måneder efter end lignende borgere i {reference.lower()} ({interval}; {ipw_text}).")
        elif pd.notna(logit["p_holm"]) and logit["p_holm"] < alpha:
            out.append(f"**{programme}: usikkert.** Den logistiske regression giver {_pp(effect)} pct.-point ({interval}), "
                       f"men vægtningen (IPW) giver ikke en forskel i samme retning ({ipw_text}).")
        elif logit["ci_low"] > 0 or logit["ci_high"] < 0:
            out.append(f"**{programme}:** {_pp(effect)} pct.-point ({interval}; {ipw_text}). Intervallet ligger "
                       f"{'over' if effect > 0 else 'under'} 0, men når alle tilbud sammenlignes på én gang "
                       "(Holm-justering), er forskellen ikke sikker.")
        else:
            out.append(f"**{programme}:** ingen sikker forskel til lignende borgere i {reference.lower()}: "
                       f"{_pp(effect)} pct.-point ({interval}; {ipw_text}).")
    return out


def _decimal(value, decimals: int = 1) -> str:
    from analysis.present import formats as fmt

    return fmt.number(value, decimals)


def balance_sentences(analysis: EffectsAnalysis) -> list[str]:
    """Danish sentences on the balance before and after weighting and on the weights."""
    balance, weights = analysis.balance, analysis.weights
    if balance.empty:
        return []
    limit = _decimal(bal.BALANCE_LIMIT)
    before = balance.loc[balance["smd_before"].abs() > bal.BALANCE_LIMIT, "covariate"].nunique()
    after = balance.loc[balance["imbalanced"], "covariate"].nunique()
    covs = balance["covariate"].nunique()
    out = [f"Før vægtningen var {before} af {covs} baggrundsvariable mere end {limit} standardafvigelse forskellige "
           f"mellem deltagerne i mindst ét tilbud og sammenligningsgruppen; efter vægtningen er det {after}."]
    off = analysis.imbalanced
    if off:
        for programme, names in off.items():
            rows = balance[(balance["programme"] == programme) & balance["imbalanced"]]
            worst = rows.loc[rows["smd_after"].abs().idxmax()]
            out.append(f"**{programme}:** stadig forskel efter vægtningen på {len(names)} "
                       f"{'baggrundsvariable' if len(names) > 1 else 'baggrundsvariabel'} (størst: "
                       f"{_mid(worst['covariate'])}, {smd_text(worst['smd_after'])}). IPW-resultatet for tilbuddet "
                       "er usikkert.")
    else:
        out.append(f"Efter vægtningen er alle standardiserede forskelle under {limit}: de vægtede grupper ligner "
                   "hinanden på alle de målte baggrundsvariable.")
    shown = weights.dropna(subset=["max_weight"])
    if len(shown):
        top = shown.loc[shown["top_weights_share_pct"].idxmax()]
        smallest = shown.loc[shown["effective_n"].idxmin()]
        out.append(f"Den største vægt er {_decimal(shown['max_weight'].max())}: ét forløb tæller som så mange. "
                   f"De {bal.TOP_WEIGHTS} største vægte udgør højst {_decimal(top['top_weights_share_pct'])} % af en "
                   f"gruppes samlede vægt ({top['programme']}), og det mindste effektive antal forløb er "
                   f"{_decimal(smallest['effective_n'], 0)} ({smallest['programme']}).")
    return out


def smd_text(value) -> str:
    """A standardised difference in Danish with two decimals, or more where two would hide which side of the 0.1
    limit it is on (0.1004 -> "0,1004", -0.0996 -> "-0,0996", not "0,10")."""
    if value is None or pd.isna(value):
        return "–"
    v, limit = float(value), bal.BALANCE_LIMIT
    for decimals in (2, 3, 4, 6):
        shown = abs(round(v, decimals))
        if shown != limit or abs(v) == limit:
            break
    return _decimal(v, decimals)


def censoring_sentence(analysis: EffectsAnalysis) -> str:
    """How many spells were left out because their six-month outcome cannot be seen yet (Danish)."""
    from analysis.present import formats as fmt

    if analysis.extract_date is None:
        return ""
    from analysis.sources.local.spells import last_observable_end

    cutoff = last_observable_end(analysis.extract_date)
    count = "ingen forløb" if analysis.dropped == 0 else (
        "1 forløb" if analysis.dropped == 1 else f"{fmt.integer(analysis.dropped)} forløb")
    return (f"Udtrækket er taget {fmt.date_da(analysis.extract_date)}. Beskæftigelsen seks måneder efter kan kun ses "
            f"for forløb, der sluttede senest {fmt.date_da(cutoff)}; {count}, der sluttede senere, er derfor "
            f"udeladt af beregningerne (af {fmt.integer(analysis.spells)} afsluttede forløb i udtrækket for perioden). "
            "De tæller hverken som i eller uden for beskæftigelse.")


def assumptions_da(reference: str = REFERENCE_PROGRAMME) -> list[str]:
    """The assumptions behind the adjusted effects, in plain Danish, one sentence each."""
    covs = ", ".join(COVARIATES_DA[:-1]) + " og " + COVARIATES_DA[-1]
    return [
        f"Deltagerne i hvert virksomhedsrettet tilbud sammenlignes med borgere i **{reference}**, "
        f"der ligner dem på {covs}.",
        "Beregningen forudsætter, at der **ikke er andre forskelle** mellem grupperne, som påvirker beskæftigelsen "
        "– fx motivation, helbred, netværk eller sagsbehandlerens vurdering af, hvem der er tæt på job. "
        "Sådanne forskelle kan ikke ses i udtrækket, og hvis de findes, er effekterne skæve (typisk for store).",
        "Der skal være borgere med samme baggrund i alle tilbud. Hvor det næsten ikke er tilfældet, hviler "
        "resultatet på få forløb; det fremgår af tabellens bemærkninger.",
        "Logistisk regression og vægtning med tilbudssandsynligheder (IPW) bygger på hver sin model. "
        "Når de to giver nogenlunde samme resultat, er det ikke et udslag af den ene models form – "
        "men begge bygger på de samme forudsætninger ovenfor.",
        "Intervallet er et 95 %-konfidensinterval: det viser den statistiske usikkerhed ved, at antallet af "
        "forløb er begrænset. Det dækker ikke usikkerheden fra forudsætningerne.",
        "Tallene er derfor **ikke bevis for, at tilbuddet i sig selv skaber beskæftigelsen**, men den bedste "
        "sammenligning af lignende borgere, som jobcentrets eget udtræk giver mulighed for.",
    ]


# --------------------------------------------------------------------------- display


def notes_explained(est: pd.DataFrame) -> list[str]:
    """Danish explanations of the short notes that occur in ``est`` (for a note under the table)."""
    used = {x.strip() for n in est["note"].dropna() for x in str(n).split(";")}
    return [f"**{k}:** {v}." for k, v in NOTES_EXPLAINED_DA.items() if k in used]


def effects_csv(est: pd.DataFrame) -> pd.DataFrame:
    """The key table ``business_programs__adjusted_effects``: programme, method, effect_pp, ci_low, ci_high, n."""
    out = est[["programme", "method", "effect_pp", "ci_low", "ci_high", "n"]].copy()
    out["n"] = out["n"].round().astype("Int64")  # whole spells; empty where suppressed
    return out


def balance_display(balance: pd.DataFrame) -> pd.DataFrame:
    """Covariates down, programmes across: "før → efter" standardised differences as Danish text, "*" marks an
    absolute difference above 0.1 after weighting."""
    programmes = list(dict.fromkeys(balance["programme"]))
    covariates_ = list(dict.fromkeys(balance["covariate"]))
    out = pd.DataFrame({"covariate": covariates_})
    for programme in programmes:
        rows = balance[balance["programme"] == programme].set_index("covariate").reindex(covariates_)
        out[programme] = [
            "–" if pd.isna(b) else f"{smd_text(b)} → {smd_text(a)}{' *' if flag else ''}"
            for b, a, flag in zip(rows["smd_before"], rows["smd_after"], rows["imbalanced"].fillna(False), strict=True)
        ]
    return out


def weights_display(weights: pd.DataFrame) -> pd.DataFrame:
    """The weight distribution as Danish text, one row per group."""
    from analysis.present import formats as fmt

    return pd.DataFrame({
        "programme": weights["programme"],
        "spells": [fmt.integer(v) for v in weights["spells"]],
        "effective_n": [fmt.integer(v) for v in weights["effective_n"]],
        "max_weight": [_decimal(v) if pd.notna(v) else fmt.MISSING for v in weights["max_weight"]],
        "top_weights_share_pct": [fmt.percent(v) for v in weights["top_weights_share_pct"]],
    })


def effects_display(est: pd.DataFrame, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """One display row per programme: spells, the two estimates with intervals, notes (Danish strings)."""
    from analysis.present import formats as fmt

    def cell(r) -> str:
        if r is None or pd.isna(r["effect_pp"]):
            return fmt.MISSING
        return f"{fmt.signed(r['effect_pp'], 1)} ({fmt.signed(r['ci_low'], 1)} til {fmt.signed(r['ci_high'], 1)})"

    rows = []
    for programme, g in est.groupby("programme", sort=False):
        by = {m: r for m, r in g.set_index("method").iterrows()}
        logit, ipw = by.get("logit_ame"), by.get("ipw_ate")
        first = logit if logit is not None else ipw
        notes = [n for n in dict.fromkeys([logit["note"] if logit is not None else "", ipw["note"] if ipw is not None else ""]) if n]
        rows.append({
            "programme": programme,
            "n": f"<{min_count}" if first["suppressed"] else fmt.integer(first["n"]),  # "–" where hidden by another rule
            "logit": cell(logit),
            "ipw": cell(ipw),
            "note": "; ".join(dict.fromkeys(x.strip() for n in notes for x in n.split(";"))),
        })
    return pd.DataFrame(rows, columns=["programme", "n", "logit", "ipw", "note"])
