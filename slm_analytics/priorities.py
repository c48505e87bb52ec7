"""Improvement priorities: which service levels to improve first, with every part of the score visible.

Two steps, so that the expensive evidence is gathered once and the cheap scoring can be rerun with other
weights (the priority table of a review, a what-if in a notebook):

* :func:`priority_evidence` gathers, per SLO, the raw evidence: the risk now (breach probability for the
  current window, budget consumed so far), the record over a look-back (share of the time out of SLO), the
  business impact (tier, users, business weight, money at stake), what users said (linked requirements'
  importance, satisfaction and significant gaps), the trend of the daily SLI and the recurrence of
  incident causes, plus the error-budget policy's triggers;
* :func:`priority_scores` turns the evidence into five parts in [0, 1], a weighted score, a rank, the
  stability of the top N when the weights move (Dirichlet draws around them) and a recommendation read from
  the SRE Workbook's decision matrix.

The rules that normalise each part, the decision matrix and the action categories are tables here
(:data:`DEFAULT_WEIGHTS`, :data:`DECISION_MATRIX`, :data:`CAUSE_ACTIONS`); the review turns the codes into
sentences. Nothing here rounds.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import as_utc, make_rng, require_columns
from .errors import ParameterError

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = [
    "CAUSE_ACTIONS",
    "DECISION_MATRIX",
    "DEFAULT_WEIGHTS",
    "Priorities",
    "check_weights",
    "data_end",
    "priority_evidence",
    "priority_scores",
]

#: Weights of the score's parts (they need not sum to 1; the score divides by their sum).
DEFAULT_WEIGHTS: dict[str, float] = {"risk": 0.35, "impact": 0.2, "user_need": 0.2, "worsening": 0.15,
                                     "recurrence": 0.1}
PARTS = tuple(DEFAULT_WEIGHTS)

#: Out-of-SLO share of the look-back that counts fully in the risk part (a quarter of the time or more).
FULL_RECORD = 0.25
#: Out-of-SLO share of the look-back from which the SLO counts as missed in the decision matrix (about 18 days
#: of a year), as does a breach probability of one half or more now.
MISSED_SHARE = 0.05
#: Satisfaction (1-5) at or above which users count as satisfied in the decision matrix.
SATISFIED = 3.5
#: Hours of toil per week above which toil counts as high in the decision matrix.
HIGH_TOIL = 8.0

#: SRE Workbook, chapter 2 ("Implementing SLOs"), "Decision Making Using SLOs and Error Budgets": what to do
#: for each combination of SLO met or missed, toil low or high and customer satisfaction high or low.
DECISION_MATRIX = pd.DataFrame([
    ("met", "low", "high", "relax-releases-or-refocus"),
    ("met", "low", "low", "tighten-slo"),
    ("met", "high", "high", "reduce-false-alerts-or-loosen-slo"),
    ("met", "high", "low", "tighten-slo"),
    ("missed", "low", "high", "loosen-slo"),
    ("missed", "low", "low", "increase-alert-sensitivity"),
    ("missed", "high", "high", "loosen-slo"),
    ("missed", "high", "low", "offload-toil-and-fix-product"),
], columns=["slo", "toil", "satisfaction", "decision"])

#: The action category the dominant source of spent budget suggests.
CAUSE_ACTIONS = pd.DataFrame([
    ("deploy", "release-safety", "canary analysis, progressive rollouts and fast rollback"),
    ("capacity", "capacity-planning", "load tests, autoscaling and capacity headroom"),
    ("dependency", "dependency-resilience", "timeouts, retries with backoff, fallbacks, a second provider"),
    ("network", "network-redundancy", "redundant paths and automated failover"),
    ("config", "config-safety", "validated, staged configuration rollouts"),
    ("hardware", "hardware-redundancy", "redundancy and automated failover"),
    ("maintenance", "zero-downtime-maintenance", "maintenance without user impact"),
    ("unattributed", "investigate-unexplained-errors", "bad events no incident explains: instrument them"),
], columns=["cause", "action", "description"])


def check_weights(weights: Mapping[str, Any] | None) -> dict[str, float]:
    """Return the score's weights: :data:`DEFAULT_WEIGHTS` updated with ``weights``, checked.

    Raises
    ------
    ParameterError
        A key that is not a part of the score, a weight that is not a finite number >= 0, or all weights 0.

    Examples
    --------
    >>> check_weights({"worsening": 0})["worsening"]
    0.0
    """
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping):
        msg = (f"weights must be a mapping of part to weight such as {{'risk': 0.5}}, not "
               f"{type(weights).__name__}")
        raise ParameterError(msg)
    out = dict(DEFAULT_WEIGHTS)
    for key, value in weights.items():
        if key not in DEFAULT_WEIGHTS:
            msg = f"weights: unknown part {key!r}; the parts are {', '.join(PARTS)}"
            raise ParameterError(msg)
        if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value)
                or value < 0):
            msg = f"weights: {key!r} is {value!r}; a weight is a finite number, 0 or more"
            raise ParameterError(msg)
        out[key] = float(value)
    if sum(out.values()) == 0:
        msg = "weights: every weight is 0; give at least one part a positive weight"
        raise ParameterError(msg)
    return out


def data_end(sli: pd.DataFrame) -> pd.Timestamp:
    """Return the end of the SLI data: the last bucket's start plus one bucket (the bucket step)."""
    from ._checks import infer_step

    ts = sli["timestamp"]
    step = infer_step(ts) if len(ts) > 1 else None
    return as_utc(ts.max(), "sli timestamp") + (step if step is not None else pd.Timedelta(0))


def _keys(catalog: Catalog) -> pd.DataFrame:
    services = {s.name: s for s in catalog.services}
    return pd.DataFrame([{
        "service": o.service, "slo": o.name, "owner": services[o.service].owner,
        "tier": services[o.service].tier, "users": services[o.service].users,
        "business_weight": services[o.service].business_weight,
        "toil_hours": getattr(services[o.service], "toil_hours", None),
        "target": o.target, "window": o.window,
    } for o in catalog.slos])


def _on_keys(keys: pd.DataFrame, frame: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """Left-join ``frame``'s columns (indexed by service, slo) onto ``keys``, filling the SLOs it lacks."""
    out = keys.merge(frame, on=["service", "slo"], how="left") if len(frame) else keys.assign(
        **{c: np.nan for c in columns})
    return out.fillna(columns) if columns else out


def _risk_evidence(sli: pd.DataFrame, catalog: Catalog, *, as_of: pd.Timestamp, start: pd.Timestamp,
                   exclusions: pd.DataFrame | None, n_paths: int, seed: Any) -> pd.DataFrame:
    """Breach probability now, budget consumed in the current window, share of the look-back out of SLO."""
    from .budget import rolling_compliance
    from .forecast import breach_probabilities

    seen = sli[sli["timestamp"] < as_of]
    rc = rolling_compliance(seen, catalog, exclusions=exclusions)
    rc = rc[rc["timestamp"] >= start]
    grouped = rc.groupby(["service", "slo"], observed=True)
    remaining = grouped["budget_remaining"]
    out_share = remaining.apply(lambda s: float((s < 0).mean()))
    record = pd.DataFrame({"sli": grouped["sli"].last(), "budget_consumed": 1 - remaining.last(),
                           "out_of_slo_share": out_share}).reset_index()
    bp = breach_probabilities(seen, catalog, as_of=as_of, n_paths=n_paths, seed=seed)
    bp = bp[["service", "slo", "probability"]].rename(columns={"probability": "p_breach"})
    out = bp.merge(record, on=["service", "slo"], how="outer")
    return out.astype({"service": str, "slo": str})


def _trend_evidence(sli: pd.DataFrame, *, as_of: pd.Timestamp, start: pd.Timestamp) -> pd.DataFrame:
    from .sli import ratio_sli
    from .trend import trend_tests

    window = sli[(sli["timestamp"] >= start) & (sli["timestamp"] < as_of)]
    tt = trend_tests(ratio_sli(window, freq="1D"))
    tt = tt[["service", "slo", "trend", "p_value", "slope"]].rename(
        columns={"p_value": "trend_p", "slope": "trend_slope"})
    return tt.astype({"service": str, "slo": str})


def _incident_evidence(incidents: pd.DataFrame, catalog: Catalog, *, as_of: pd.Timestamp,
                       lookback: pd.Timedelta) -> pd.DataFrame:
    """Per SLO, its service's incidents in the look-back and the cause that recurs most (cause_recurrence)."""
    from .improvement import cause_recurrence

    periods = max(1, round(lookback / pd.Timedelta(days=30)))
    rec = cause_recurrence(incidents, as_of=as_of, periods=periods, period="30d").table
    rows = []
    for o in catalog.slos:
        mine = rec[rec["service"].astype(str) == o.service].sort_values(
            ["recurring", "incidents"], ascending=False, kind="stable")
        top = mine.iloc[0] if len(mine) else None
        rows.append({"service": o.service, "slo": o.name, "incidents": int(mine["incidents"].sum()),
                     "top_cause": str(top["cause"]) if top is not None else "",
                     "top_cause_incidents": int(top["incidents"]) if top is not None else 0,
                     "top_cause_recurring": bool(top["recurring"]) if top is not None else False,
                     "top_cause_increasing": bool(top["increasing"]) if top is not None else False})
    return pd.DataFrame(rows)


def _money_evidence(sli: pd.DataFrame, catalog: Catalog, *, as_of: pd.Timestamp, start: pd.Timestamp,
                    exclusions: pd.DataFrame | None, n_paths: int, seed: Any) -> pd.DataFrame:
    """Per SLO the SLAs measure: credits owed for periods ending in the look-back, credit expected now."""
    from .improvement import credit_exposure
    from .sla import sla_attainment

    if not catalog.slas:
        return pd.DataFrame(columns=["service", "slo", "credits_owed", "sla_breaches", "credit_expected"])
    seen = sli[sli["timestamp"] < as_of]
    sa = sla_attainment(seen, catalog, exclusions=exclusions)
    sa = sa[(sa["period_end"] > start) & (sa["period_end"] <= as_of)]
    out = sa.groupby(["service", "slo"], observed=True).agg(
        credits_owed=("credit_amount", "sum"), sla_breaches=("breached", "sum")).reset_index()
    ce = credit_exposure(seen, catalog, as_of=as_of, n_paths=n_paths, seed=seed, exclusions=exclusions)
    expected = ce.groupby(["service", "slo"])["expected_amount"].sum(min_count=1).rename("credit_expected")
    out = out.astype({"service": str, "slo": str}).merge(expected.reset_index().astype({"service": str,
                                                                                        "slo": str}),
                                                         on=["service", "slo"], how="outer")
    return out


def _user_evidence(gap: pd.DataFrame) -> pd.DataFrame:
    """Per linked SLO: requirements, their highest importance, lowest satisfaction, significant gaps."""
    req = gap[gap["slo"].astype("str") != ""]
    frame = pd.DataFrame({"service": req["service"].astype("str"), "slo": req["slo"].astype("str"),
                          "importance": req["importance"], "satisfaction": req["satisfaction"],
                          "significant": req["significant"].fillna(False).astype(bool)})
    return frame.groupby(["service", "slo"]).agg(
        requirements=("importance", "size"), importance_max=("importance", "max"),
        satisfaction_min=("satisfaction", "min"), significant_gaps=("significant", "sum")).reset_index()


def _policy_evidence(sli: pd.DataFrame, incidents: pd.DataFrame, catalog: Catalog,
                     as_of: pd.Timestamp) -> pd.DataFrame:
    from .policy import budget_policy_triggers

    t = budget_policy_triggers(sli[sli["timestamp"] < as_of], incidents, catalog, as_of=as_of)
    if not len(t):
        return pd.DataFrame(columns=["service", "slo", "policy_triggers"])
    out = t.groupby(["service", "slo"], observed=True)["rule"].agg(
        lambda r: ", ".join(dict.fromkeys(r))).rename("policy_triggers").reset_index()
    return out.astype({"service": str, "slo": str})


def priority_evidence(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: Any = None,
    lookback: str | pd.Timedelta = "365d",
    incidents: pd.DataFrame | None = None,
    requirements: pd.DataFrame | None = None,
    exclusions: pd.DataFrame | None = None,
    n_paths: int = 1000,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Gather, per SLO, the evidence :func:`priority_scores` weighs.

    Parameters
    ----------
    sli : DataFrame
        SLI counts per bucket (``timestamp, service, slo, good, total``), e.g. ``read_dataset("sli_5min")``.
    catalog : Catalog
        Services (tier, users, business weight, owner), SLOs and SLAs.
    as_of : Timestamp or str, optional
        The instant the priorities are set at (timezone-aware); default: the end of the data (the last
        bucket's start plus one bucket). Data from ``as_of`` on is ignored.
    lookback : str or Timedelta
        The record considered: ``[as_of - lookback, as_of)`` (default a year, the horizon of an annual or
        quarterly service review).
    incidents : DataFrame, optional
        Incident records (``service, started_at, cause``, optionally ``slo``); without them the recurrence
        part is 0 and no policy trigger is evaluated.
    requirements : DataFrame, optional
        Users' requirements (``read_dataset("requirements")``): their gaps over the look-back come from
        :func:`~slm_analytics.requirements.requirements_gap`; without them the user_need part is 0.
    exclusions : DataFrame, optional
        Planned maintenance, removed as the SLOs and SLAs say (``read_dataset("maintenance")``).
    n_paths, seed
        Simulated paths and seed of the breach probabilities.

    Returns
    -------
    DataFrame
        One row per SLO, in catalog order: ``service, slo, owner, tier, users, business_weight, toil_hours,
        target, window``; ``sli`` (the current window's SLI at ``as_of``), ``p_breach`` (probability of
        missing the current window), ``budget_consumed`` (share of the current window's budget spent at
        ``as_of``), ``out_of_slo_share`` (share of the look-back's
        buckets whose trailing window was out of SLO); ``trend``, ``trend_p``, ``trend_slope`` (Mann-Kendall
        test and Sen slope of the daily SLI over the look-back); ``incidents``, ``top_cause``,
        ``top_cause_incidents``, ``top_cause_recurring``, ``top_cause_increasing`` (the service's incidents in
        the look-back and its most frequent recurring cause, from
        :func:`~slm_analytics.improvement.cause_recurrence` over 30-day periods);
        ``credits_owed``, ``sla_breaches`` (SLA periods ending in the look-back), ``credit_expected`` (the
        credit expected for the current contract periods, :func:`~slm_analytics.improvement.credit_exposure`);
        ``requirements``, ``importance_max``, ``satisfaction_min``, ``significant_gaps`` (linked
        requirements); ``policy_triggers`` (error-budget policy rules triggering at ``as_of``,
        comma-separated).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> ev = priority_evidence(read_dataset("sli_5min"), read_dataset("catalog"),
    ...                        incidents=read_dataset("incidents"), seed=1, n_paths=200)
    >>> ev.set_index(["service", "slo"]).loc[("notifications", "delivery"), "trend"]
    'decreasing'
    """
    from .budget import period_length

    require_columns(sli, ["timestamp", "service", "slo", "good", "total"], "priority_evidence: sli")
    as_of = data_end(sli) if as_of is None else as_utc(as_of, "priority_evidence: as_of")
    start = as_of - period_length(lookback, what="lookback")
    keys = _keys(catalog)
    out = _on_keys(keys, _risk_evidence(sli, catalog, as_of=as_of, start=start, exclusions=exclusions,
                                        n_paths=n_paths, seed=seed), {})
    out = _on_keys(out, _trend_evidence(sli, as_of=as_of, start=start), {"trend": "no data"})
    if incidents is not None:
        out = _on_keys(out, _incident_evidence(incidents, catalog, as_of=as_of, lookback=as_of - start), {})
        out = _on_keys(out, _policy_evidence(sli, incidents, catalog, as_of), {"policy_triggers": ""})
    else:
        out = out.assign(incidents=0, top_cause="", top_cause_incidents=0, top_cause_recurring=False,
                         top_cause_increasing=False, policy_triggers="")
    out = _on_keys(out, _money_evidence(sli, catalog, as_of=as_of, start=start, exclusions=exclusions,
                                        n_paths=n_paths, seed=seed),
                   {"credits_owed": 0.0, "sla_breaches": 0, "credit_expected": 0.0})
    if requirements is not None:
        from .requirements import requirements_gap

        gap = requirements_gap(requirements, sli[sli["timestamp"] < as_of], catalog, start=start, end=as_of)
        out = _on_keys(out, _user_evidence(gap), {"requirements": 0, "significant_gaps": 0})
    else:
        out = out.assign(requirements=0, importance_max=np.nan, satisfaction_min=np.nan, significant_gaps=0)
    return out.assign(as_of=as_of, lookback_start=start)


@dataclass(frozen=True, eq=False)
class Priorities:
    """Improvement priorities (:func:`priority_scores`).

    Attributes
    ----------
    table : DataFrame
        One row per SLO, best first: the evidence, the parts ``risk, impact, user_need, worsening,
        recurrence`` (each in [0, 1]), ``score``, ``rank`` (1 = improve first), the sensitivity ``top_share``
        (share of weight draws in which the SLO is in the top ``top``), ``rank_low``/``rank_high`` (its 95 %
        rank interval over the draws) and ``fragile`` (in the top ``top`` with these weights but in under half
        the draws), and the recommendation: ``slo_state`` (met/missed), ``toil_state``, ``satisfaction_state``
        (high/low/unknown), ``decision`` (:data:`DECISION_MATRIX`; alternatives joined by ``" or "`` where a
        dimension is unknown), ``decision_dimensions`` (how many of the matrix's three dimensions were known),
        ``cause_action`` (:data:`CAUSE_ACTIONS` for the dominant incident cause).
    weights : dict
        The weights used.
    top : int
        The N of the top-N stability.
    draws : int
        Weight draws of the sensitivity analysis.
    """

    table: pd.DataFrame
    weights: dict[str, float]
    top: int
    draws: int

    def __repr__(self) -> str:
        head = self.table.head(self.top)
        items = ", ".join(f"{s}/{o}" for s, o in zip(head["service"], head["slo"], strict=True))
        return f"Priorities(top {self.top}: {items})"


def _parts(ev: pd.DataFrame) -> pd.DataFrame:
    """Return the five parts, each in [0, 1] (rules in :func:`priority_scores`)."""
    def scaled(values: pd.Series) -> pd.Series:
        values = values.astype(float).fillna(0.0).clip(lower=0)
        top = values.max()
        return values / top if top > 0 else values * 0.0

    risk = pd.concat([ev["p_breach"].astype(float).fillna(0.0),
                      ev["budget_consumed"].astype(float).fillna(0.0).clip(0, 1),
                      (ev["out_of_slo_share"].astype(float).fillna(0.0) / FULL_RECORD).clip(0, 1)],
                     axis=1).mean(axis=1)
    users_log = np.log1p(ev["users"].astype(float).clip(lower=0))
    money = ev["credits_owed"].astype(float).fillna(0.0)
    if "credit_expected" in ev:
        money = money + ev["credit_expected"].astype(float).fillna(0.0)
    impact = pd.concat([(3 - ev["tier"].astype(float)) / 2, scaled(users_log), scaled(ev["business_weight"]),
                        scaled(money)], axis=1).mean(axis=1)
    unmet = np.where(ev["significant_gaps"].astype(float) > 0, 1.0,
                     ((4 - ev["satisfaction_min"].astype(float)) / 3).clip(0, 1).fillna(0.0))
    users = ((ev["importance_max"].astype(float) - 1) / 4).fillna(0.0) * unmet
    worsening = (ev["trend"] == "decreasing") & (ev["trend_p"].astype(float) < 0.05)
    trend = (1 - ev["trend_p"].astype(float)).where(worsening, 0.0).fillna(0.0)
    recurring = ev["top_cause_recurring"] if "top_cause_recurring" in ev else ev["top_cause_incidents"] >= 2
    repeated = ev["top_cause_incidents"].astype(float).where(recurring.astype(bool), 0.0)
    return pd.DataFrame({"risk": risk, "impact": impact, "user_need": users, "worsening": trend,
                         "recurrence": scaled(repeated)}, index=ev.index)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest score) of each column of ``scores`` (items x draws); ties share the better rank."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[0] + 1)[:, None], axis=0)
    return ranks


def _sensitivity(parts: np.ndarray, weights: np.ndarray, *, top: int, draws: int, concentration: float,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-``top`` share and 95 % rank interval of each item over Dirichlet draws of the weights."""
    used = weights > 0
    w = np.zeros((draws, weights.size))
    w[:, used] = rng.dirichlet(concentration * weights[used] / weights[used].sum(), size=draws)
    ranks = _ranks(parts @ w.T)
    return (ranks <= top).mean(axis=1), np.percentile(ranks, 2.5, axis=1), np.percentile(ranks, 97.5, axis=1)


def _decisions(ev: pd.DataFrame) -> pd.DataFrame:
    """Read the decision matrix on the dimensions known (SLO state; toil and satisfaction when given)."""
    missed = ((ev["p_breach"].astype(float).fillna(0) >= 0.5) | (ev["budget_consumed"].astype(float) > 1)
              | (ev["out_of_slo_share"].astype(float) >= MISSED_SHARE))
    slo_state = np.where(missed, "missed", "met")
    toil = pd.to_numeric(ev["toil_hours"], errors="coerce")
    toil_state = np.where(toil.isna(), "unknown", np.where(toil > HIGH_TOIL, "high", "low"))
    sat = ev["satisfaction_min"].astype(float)
    sat_state = np.where(sat.isna(), "unknown", np.where(sat >= SATISFIED, "high", "low"))
    rules = list(DECISION_MATRIX[["slo", "toil", "satisfaction", "decision"]].itertuples(index=False))
    table = {}  # every combination, an unknown dimension taking both of its values (plain Python: 8 rules)
    for s in ("met", "missed"):
        for t in ("low", "high", "unknown"):
            for c in ("low", "high", "unknown"):
                found = [r[3] for r in rules
                         if r[0] == s and t in (r[1], "unknown") and c in (r[2], "unknown")]
                table[s, t, c] = " or ".join(dict.fromkeys(found))
    decision = [table[k] for k in zip(slo_state, toil_state, sat_state, strict=True)]
    known = 1 + (toil_state != "unknown").astype(int) + (sat_state != "unknown").astype(int)
    actions = CAUSE_ACTIONS.set_index("cause")["action"]
    cause = ev["top_cause"].astype("str").map(actions).fillna("")
    return pd.DataFrame({"slo_state": slo_state, "toil_state": toil_state, "satisfaction_state": sat_state,
                         "decision": decision, "decision_dimensions": known, "cause_action": cause},
                        index=ev.index)


def priority_scores(
    evidence: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    top: int = 5,
    draws: int = 2000,
    concentration: float = 50.0,
    seed: int | np.random.Generator | None = None,
) -> Priorities:
    r"""Rank SLOs for improvement: a weighted score whose parts stay visible, its stability, a recommendation.

    Each part is normalised to [0, 1]:

    * **risk**: the mean of the breach probability of the current window, the budget consumed so far
      (capped at 1) and the share of the look-back out of SLO over :data:`FULL_RECORD` (capped at 1);
    * **impact**: the mean of the tier (1 -> 1, 2 -> 0.5, 3 -> 0), the users (log scale, over the fleet's
      largest), the business weight and the money at stake: service credits owed in the look-back plus the
      credit expected for the current contract periods (each over the fleet's largest; 0 when the largest
      is 0);
    * **user_need**: (highest importance of a linked requirement - 1) / 4, times 1 when a linked
      requirement has a significant gap, else (4 - lowest satisfaction) / 3 clipped to [0, 1]; 0 without
      linked requirements;
    * **worsening**: 1 - p of the Mann-Kendall test when the daily SLI decreases significantly (p < 0.05),
      else 0;
    * **recurrence**: incidents of the service's most frequent cause in the look-back when it recurs
      (:func:`~slm_analytics.improvement.cause_recurrence`; 2 or more when the evidence does not say), over
      the fleet's largest.

    The score is :math:`\sum_k w_k p_k / \sum_k w_k`. Sensitivity: ``draws`` weight vectors from a Dirichlet
    distribution centred on the weights (concentration ``concentration``; larger keeps draws closer) re-rank
    the SLOs; an SLO in the top ``top`` with these weights but in under half the draws is ``fragile``.

    Parameters
    ----------
    evidence : DataFrame
        :func:`priority_evidence`'s result.
    weights : mapping, optional
        Weights of the parts (:data:`DEFAULT_WEIGHTS` for those not given); checked by :func:`check_weights`.
    top : int
        N of the top-N stability (and of the review's priority list).
    draws : int
        Weight draws.
    concentration : float
        Dirichlet concentration (> 0).
    seed : int or Generator, optional
        Seed of the draws.

    Returns
    -------
    Priorities

    Raises
    ------
    ParameterError
        Bad weights, ``top`` or ``draws`` below 1, ``concentration`` not positive.
    DataError
        ``evidence`` lacks a column.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> ev = priority_evidence(read_dataset("sli_5min"), read_dataset("catalog"),
    ...                        incidents=read_dataset("incidents"), seed=1, n_paths=200)
    >>> pr = priority_scores(ev, seed=1)
    >>> pr.table.iloc[0][["service", "slo"]].tolist()
    ['notifications', 'delivery']
    """
    from ._checks import check_int

    w = check_weights(weights)
    top = check_int(top, "top")
    draws = check_int(draws, "draws")
    if not (isinstance(concentration, numbers.Real) and concentration > 0):
        msg = f"concentration {concentration!r} must be a positive number"
        raise ParameterError(msg)
    need = ["service", "slo", "p_breach", "budget_consumed", "out_of_slo_share", "tier", "users",
            "business_weight", "credits_owed", "importance_max", "satisfaction_min", "significant_gaps",
            "trend", "trend_p", "top_cause", "top_cause_incidents", "toil_hours"]
    require_columns(evidence, need, "priority_scores: evidence")
    ev = evidence.reset_index(drop=True)
    parts = _parts(ev)
    wv = np.array([w[k] for k in PARTS])
    score = parts.to_numpy() @ wv / wv.sum()
    share, low, high = _sensitivity(parts.to_numpy(), wv, top=top, draws=draws,
                                    concentration=float(concentration), rng=make_rng(seed))
    rank = _ranks(score[:, None])[:, 0]
    table = pd.concat([ev, parts, pd.DataFrame({"score": score, "rank": rank, "top_share": share,
                                                "rank_low": low, "rank_high": high}), _decisions(ev)], axis=1)
    table["fragile"] = (table["rank"] <= top) & (table["top_share"] < 0.5)
    table = table.sort_values(["rank", "service", "slo"], kind="stable").reset_index(drop=True)
    return Priorities(table=table, weights=w, top=top, draws=draws)
