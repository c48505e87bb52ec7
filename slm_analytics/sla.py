"""SLA attainment, breaches, tiered service credits and composite SLOs.

An SLA is the contract side of an SLO: a (usually looser) target measured over calendar months or quarters
in the service's time zone, often only in business hours and without planned maintenance, with service
credits when attainment falls below a tier. The error-budget policy, the engineering side (what the team
does when the budget runs out), is :mod:`slm_analytics.policy`; ``budget_policy_triggers`` and
``POLICY_RULES`` are also importable from here.

Nothing here rounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ._checks import check_catalog, require_columns
from .catalog import CreditTier
from .errors import DataError, DefinitionError, InsufficientDataError, ParameterError, shorten
from .grid import cumulative, to_grid
from .methods import Budgeting, slice_starts, unit_counts
from .policy import POLICY_RULES, budget_policy_triggers  # re-exported: the policy used to live here
from .sli import wilson_interval
from .windows import business_hours_mask, calendar_windows, exclusion_mask

if TYPE_CHECKING:
    from .catalog import SLA, Catalog

__all__ = [
    "POLICY_RULES",
    "CompositeSLO",
    "budget_policy_triggers",
    "composite_slo",
    "service_credits",
    "sla_attainment",
]

_UTC_US = "datetime64[us, UTC]"
_MONTHS = {"month": 1, "quarter": 3}


# ------------------------------------------------------------------------------------------- credits


def _tier_table(tiers: Sequence[CreditTier] | pd.DataFrame | Sequence[Mapping[str, float]]) -> pd.DataFrame:
    """Validate a credit table; return it sorted by threshold, lowest first."""
    if isinstance(tiers, pd.DataFrame):
        missing = [c for c in ("below", "credit") if c not in tiers.columns]
        if missing:
            msg = (
                f"credit tiers: missing column(s) {', '.join(map(repr, missing))}; expected 'below' "
                f"(attainment threshold) and 'credit' (share of the fee); found "
                f"{', '.join(map(str, tiers.columns))}"
            )
            raise DefinitionError(msg)
        table = tiers[["below", "credit"]].astype(float)
    elif isinstance(tiers, str | bytes | Mapping):
        msg = (f"credit tiers {shorten(tiers)} must be a list of tiers, e.g. an SLA's credits "
               "(catalog.slas[0].credits) or [{'below': 0.999, 'credit': 0.1}], or a DataFrame with "
               "columns 'below' and 'credit'")
        raise DefinitionError(msg)
    else:
        rows = []
        for t in tiers:
            if isinstance(t, CreditTier):
                rows.append((t.below, t.credit))
            elif isinstance(t, Mapping) and {"below", "credit"} <= set(t):
                rows.append((float(t["below"]), float(t["credit"])))
            else:
                msg = f"credit tier {t!r} must be a CreditTier or a mapping with 'below' and 'credit'"
                raise DefinitionError(msg)
        table = pd.DataFrame(rows, columns=["below", "credit"], dtype=float)
    for col, ok, allowed in (("below", (table["below"] > 0) & (table["below"] <= 1), "(0, 1]"),
                             ("credit", (table["credit"] > 0) & (table["credit"] <= 1), "(0, 1]")):
        if not ok.all():
            bad = table.loc[~ok, col].iloc[0]
            msg = (
                f"credit tier {col} {float(bad)!r} is outside {allowed}: write 99.9 % as 0.999 and 10 % "
                "as 0.1"
            )
            raise DefinitionError(msg)
    table = table.sort_values("below", kind="stable").reset_index(drop=True)
    b, c = table["below"].to_numpy(), table["credit"].to_numpy()
    for i in range(len(table) - 1):
        if b[i] == b[i + 1]:
            msg = (
                f"credit table lists the threshold below {b[i]:g} twice (credits {c[i]:g} and {c[i + 1]:g}); "
                "thresholds must be distinct"
            )
            raise DefinitionError(msg)
        if c[i] <= c[i + 1]:
            msg = (
                f"credit table is not monotone: below {b[i]:g} earns {c[i]:g} but below {b[i + 1]:g} earns "
                f"{c[i + 1]:g}; each lower attainment threshold must earn a strictly larger credit"
            )
            raise DefinitionError(msg)
    return table


def service_credits(
    attainment: float | Sequence[float] | np.ndarray | pd.Series,
    tiers: Sequence[CreditTier] | pd.DataFrame | Sequence[Mapping[str, float]],
) -> pd.DataFrame:
    """Service credit earned by each attainment under a tiered credit table.

    Parameters
    ----------
    attainment : float, array-like or Series
        Attainment(s) in [0, 1]; ``NaN`` means no data in the period.
    tiers : list of CreditTier, list of mappings, or DataFrame
        The credit table: rows ``below`` (attainment threshold in (0, 1]) and ``credit`` (share of the fee in
        (0, 1]), e.g. ``sla.credits``. Any order.

    Returns
    -------
    DataFrame
        One row per attainment (a Series keeps its index): ``attainment``, ``below`` (threshold of the tier
        applied, ``NaN`` when none applies), ``credit`` (share of the fee; 0 when no tier applies or there is
        no data) and ``no_data`` (attainment was ``NaN``).

    Raises
    ------
    DefinitionError
        Missing ``below``/``credit``, values outside (0, 1], duplicate thresholds, or a table that is not
        monotone (a lower threshold must earn a strictly larger credit).
    ParameterError
        An attainment outside [0, 1].

    Notes
    -----
    The tier applied is the one with the lowest threshold strictly above the attainment (``attainment <
    below``), found for all attainments at once with ``searchsorted`` on the sorted thresholds. An attainment
    exactly at a threshold earns that tier nothing, as in the usual contract wording "less than 99.9 %"
    (e.g. Google Cloud and AWS service credit tables).

    Examples
    --------
    The tiers of the issue: below 99.9 % 10 %, below 99 % 25 %, below 95 % 100 %:

    >>> tiers = [{"below": 0.999, "credit": 0.10}, {"below": 0.99, "credit": 0.25},
    ...          {"below": 0.95, "credit": 1.0}]
    >>> service_credits([0.9995, 0.999, 0.995, 0.985, 0.90, float("nan")], tiers)
       attainment  below  credit  no_data
    0      0.9995    NaN    0.00    False
    1      0.9990    NaN    0.00    False
    2      0.9950  0.999    0.10    False
    3      0.9850  0.990    0.25    False
    4      0.9000  0.950    1.00    False
    5         NaN    NaN    0.00     True
    """
    table = _tier_table(tiers)
    index = attainment.index if isinstance(attainment, pd.Series) else None
    try:
        a = np.atleast_1d(np.asarray(attainment, dtype=float))
    except (TypeError, ValueError) as exc:
        msg = f"attainment {attainment!r} must be a number or an array of numbers in [0, 1]"
        raise ParameterError(msg) from exc
    bad = ~np.isnan(a) & ((a < 0) | (a > 1))
    if bad.any():
        msg = f"attainment {float(a[bad][0])!r} is outside [0, 1]: write 99.9 % as 0.999"
        raise ParameterError(msg)
    no_data = np.isnan(a)
    b, c = table["below"].to_numpy(), table["credit"].to_numpy()
    pos = np.searchsorted(b, np.where(no_data, 1.0, a), side="right")  # first threshold strictly above
    applies = (pos < len(b)) & ~no_data
    safe = np.minimum(pos, max(len(b) - 1, 0))
    below = np.where(applies, b[safe] if len(b) else np.nan, np.nan)
    credit = np.where(applies, c[safe] if len(c) else 0.0, 0.0)
    return pd.DataFrame({"attainment": a, "below": below, "credit": credit, "no_data": no_data}, index=index)


# ------------------------------------------------------------------------------------------- attainment


def _select_slas(catalog: Catalog, sla: str | None) -> list[SLA]:
    if sla is None:
        return list(catalog.slas)
    found = [a for a in catalog.slas if sla in (a.name, f"{a.service}/{a.name}")]
    if len(found) != 1:
        known = [f"{a.service}/{a.name}" for a in catalog.slas]
        why = "is ambiguous: give 'service/name'" if found else "is not in the catalog"
        msg = f"SLA {sla!r} {why}; the catalog has {known}"
        raise ParameterError(msg)
    return found



def sla_attainment(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    exclusions: pd.DataFrame | None = None,
    sla: str | None = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Attainment of each SLA over each contract period, with breaches and service credits.

    Parameters
    ----------
    sli : DataFrame
        Bucket counts with ``timestamp``, ``service``, ``slo``, ``good``, ``total`` (as ``read_sli`` returns).
    catalog : Catalog
        The SLAs, their SLOs, schedules and the services' time zones.
    exclusions : DataFrame, optional
        Exclusion windows ``service, start, end`` (e.g. ``read_dataset("maintenance")``); removed from SLAs
        that list ``"maintenance"`` in their ``exclusions``. Without it nothing is excluded. Other exclusion
        classes (``customer-caused``, ``force-majeure``) have no windows in the data and are not applied.
    sla : str, optional
        Only this SLA (its name, or ``"service/name"``); default every SLA of the catalog.
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        One row per SLA and contract period overlapping the SLO's data, in catalog then time order:

        * ``service``, ``sla``, ``slo``: the agreement and the SLO it measures;
        * ``period_start``, ``period_end``: the calendar month or quarter in the service's time zone (UTC);
        * ``good``, ``total``: what the SLO's budgeting method counts (:mod:`slm_analytics.methods`):
          events, or slices with events (business hours only when the SLA has a schedule; excluded buckets
          removed from both);
        * ``excluded_buckets``: buckets removed by exclusion windows (within business hours);
        * ``attainment``: ``good / total``; ``NaN`` when ``total`` is 0 (no data);
        * ``target``: the contract target;
        * ``breached``: ``attainment < target`` (``False`` without data);
        * ``margin``: ``attainment - target`` (``NaN`` without data);
        * ``complete``: the SLO's buckets cover the whole period (first and last periods are usually partial);
        * ``no_data``: ``total`` is 0;
        * ``credit``: share of the fee credited, from the SLA's tiers (:func:`service_credits`);
        * ``credit_amount``: ``credit * monthly_fee * months in the period`` (1 or 3).

        SLAs whose SLO has no rows in ``sli`` are left out.

    Raises
    ------
    ParameterError
        An unknown or ambiguous ``sla``.
    DataError
        Missing columns, or malformed counts or exclusion windows.
    InsufficientDataError
        If no selected SLA's SLO has data.
    DefinitionError
        A schedule whose holidays do not cover the data's years (see
        :func:`~slm_analytics.windows.schedule_intervals`).

    Notes
    -----
    :math:`A = \sum_b g_b m_b / \sum_b n_b m_b` over the period's buckets :math:`b` (assigned by their start),
    with :math:`m_b = 1` when the bucket starts in business hours and overlaps no exclusion window: events
    are pooled, not bucket ratios averaged. Excluded buckets leave both numerator and denominator, as
    ServiceNow SLA schedules and Datadog status corrections do. Periods are cut at local midnight in the
    service's time zone (:func:`~slm_analytics.windows.calendar_windows`).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> att = sla_attainment(sli, catalog, exclusions=read_dataset("maintenance"), sla="merchant-gateway")
    >>> feb = att[att["period_start"] == "2026-02-01T00:00Z"].iloc[0]
    >>> print(f"{feb['attainment']:.4f} {feb['breached']} {feb['credit']} {feb['credit_amount']}")
    0.9977 True 0.1 4000.0
    """
    require_columns(sli, ["service", "slo", timestamp, good, total], "sla_attainment")
    check_catalog(catalog, "sla_attainment")
    chosen = _select_slas(catalog, sla)
    svc_col, slo_col = sli["service"], sli["slo"]
    frames = []
    for a in chosen:
        rows = (svc_col == a.service) & (slo_col == a.slo)
        if not rows.any():
            continue
        frames.append(_one_sla(sli.loc[rows], catalog, a, exclusions, good, total, timestamp))
    if not frames:
        names = [f"{a.service}/{a.name} ({a.service}/{a.slo})" for a in chosen]
        msg = f"sla_attainment: the data has no rows for the SLO of {', '.join(names)}"
        raise InsufficientDataError(msg)
    return pd.concat(frames, ignore_index=True)


def _one_sla(sub: pd.DataFrame, catalog: Catalog, a: SLA, exclusions: pd.DataFrame | None,
             good: str, total: str, timestamp: str) -> pd.DataFrame:
    grid = to_grid(sub, good=good, total=total, timestamp=timestamp, by=("service", "slo"),
                   what="sla_attainment")
    times, step = grid.times, grid.step
    n = len(times)
    g, t = grid.good[0].astype(np.int64), grid.total[0].astype(np.int64)
    present = np.ones(n, dtype=bool)
    if grid.rows is not None:  # gaps in the series: buckets without a row
        present[:] = False
        present[grid.rows] = True
    counted = np.ones(n, dtype=bool)
    if a.schedule is not None:
        counted &= business_hours_mask(times, catalog.schedule(a.schedule), step=step)
    excluded = np.zeros(n, dtype=bool)
    if exclusions is not None and "maintenance" in a.exclusions:
        frame = pd.DataFrame({"timestamp": times, "service": a.service})
        excluded = counted & exclusion_mask(frame, exclusions, step=step)
    counted &= ~excluded
    first, end = times[0], times[-1] + step
    tz = catalog.service(a.service).timezone
    windows = calendar_windows(first, end, period=a.period, tz=tz)
    ws, we = windows["window_start"], windows["window_end"]
    p0 = times.searchsorted(pd.DatetimeIndex(ws), side="left")
    p1 = times.searchsorted(pd.DatetimeIndex(we), side="left")
    # in the SLO's budgeting units: events, or the slices (of the counted buckets) for the slice methods
    budgeting = Budgeting.of(catalog.slo(a.service, a.slo))
    starts = slice_starts(times, step, budgeting.timeslice_window, tz) if budgeting.sliced else None
    gu, tu = unit_counts(np.where(counted, g, 0), np.where(counted, t, 0), budgeting, starts)
    cg = cumulative(gu)
    ct = cumulative(tu)
    cx = cumulative(excluded.astype(np.int64))
    cp = cumulative(present.astype(np.int64))
    good_p, total_p = cg[p1] - cg[p0], ct[p1] - ct[p0]
    no_data = total_p == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        att = np.where(no_data, np.nan, good_p / np.where(no_data, 1, total_p))
    credits = service_credits(att, a.credits)["credit"].to_numpy()
    out = pd.DataFrame({
        "service": a.service,
        "sla": a.name,
        "slo": a.slo,
        "period_start": ws.to_numpy(),
        "period_end": we.to_numpy(),
        "good": good_p,
        "total": total_p,
        "excluded_buckets": cx[p1] - cx[p0],
        "attainment": att,
        "target": a.target,
        "breached": ~no_data & (att < a.target),
        "margin": att - a.target,
        "complete": ((ws >= first) & (we <= end)).to_numpy() & (cp[p1] - cp[p0] == p1 - p0),
        "no_data": no_data,
        "credit": credits,
        "credit_amount": credits * a.monthly_fee * _MONTHS[a.period],
    })
    out["period_start"] = out["period_start"].astype(_UTC_US)
    out["period_end"] = out["period_end"].astype(_UTC_US)
    return out


# ------------------------------------------------------------------------------------------- composite


@dataclass(frozen=True)
class CompositeSLO:
    """Composite availability of several SLIs, with an interval.

    Attributes
    ----------
    sli : float
        Composite SLI: weighted mean of the component SLIs, or their product (serial dependency).
    lower, upper : float
        Bounds of the interval at ``confidence``.
    method : {"weighted", "serial"}
        How the components combine.
    confidence : float
        Confidence (credibility for ``serial``) level of the interval.
    components : DataFrame
        One row per component: ``name, good, total, sli, lower, upper, weight`` (component intervals: Wilson
        for ``weighted``, Jeffreys for ``serial``; ``weight`` normalised, ``NaN`` for ``serial``).
    """

    sli: float
    lower: float
    upper: float
    method: str
    confidence: float
    components: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"CompositeSLO(method={self.method!r}, sli={self.sli:.6g}, "
            f"{self.confidence:.0%} interval=[{self.lower:.6g}, {self.upper:.6g}], "
            f"components={len(self.components)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame: ``method, sli, lower, upper, confidence, components`` (their number)."""
        return pd.DataFrame([{"method": self.method, "sli": self.sli, "lower": self.lower,
                              "upper": self.upper, "confidence": self.confidence,
                              "components": len(self.components)}])


def composite_slo(
    components: pd.DataFrame,
    *,
    method: Literal["weighted", "serial"],
    weights: str | Sequence[float] | Mapping[str, float] | None = None,
    confidence: float = 0.95,
    name: str = "name",
    good: str = "good",
    total: str = "total",
    draws: int = 200_000,
    seed: int = 0,
) -> CompositeSLO:
    r"""Composite SLI of several components: a weighted mean, or the availability of a serial chain.

    Parameters
    ----------
    components : DataFrame
        One row per component with a name and its good and total events over the same window.
    method : {"weighted", "serial"}
        * ``weighted``: :math:`\sum_i w_i p_i` with normalised weights, e.g. by traffic or business weight
          (a user journey that is 70 % search and 30 % checkout);
        * ``serial``: :math:`\prod_i p_i`: a request needs every component (independent failures).
    weights : str, sequence, mapping or None
        For ``weighted`` only: a column of ``components`` (``"total"`` weighs by traffic, giving the pooled
        SLI), one weight per row, or a mapping from component name to weight; default equal weights.
        Non-negative, not all zero; normalised to sum to 1.
    confidence : float
        Interval level in (0, 1).
    name, good, total : str
        Column names.
    draws : int
        Monte Carlo draws for the ``serial`` interval.
    seed : int
        Seed of the ``serial`` interval's draws (``np.random.default_rng(seed)``), so results repeat.

    Returns
    -------
    CompositeSLO

    Raises
    ------
    ParameterError
        Unknown method, confidence outside (0, 1), weights with ``serial``, weights of the wrong length,
        negative or all zero, or naming an unknown column or component.
    DataError
        Missing columns, non-integer or negative counts, ``good > total``.
    InsufficientDataError
        No components, or a component without events (``total == 0``).

    Notes
    -----
    Weighted: each component gets a Wilson score interval (Wilson 1927; Brown, Cai & DasGupta 2001). The
    composite interval is :math:`\hat p \mp \sqrt{\sum_i w_i^2 d_i^2}` with :math:`d_i` the component's
    lower (or upper) half-width: normal-theory combination of independent components that keeps Wilson's
    asymmetry, and is exactly Wilson for one component.

    Serial: :math:`A = \prod_i p_i` (availability of components in series, e.g. Google SRE book, ch. 3,
    "the availability of a service with critical dependencies"). The interval is a seeded parametric
    bootstrap from the Jeffreys posteriors :math:`\mathrm{Beta}(g_i + 1/2, n_i - g_i + 1/2)`: the
    :math:`(1 \pm c)/2` quantiles of the product of ``draws`` independent draws. Unlike the delta method on
    :math:`\log A` it needs no special case when a component had no bad events. The bounds are widened to
    contain the point estimate (as the Jeffreys interval sets its upper bound to 1 when every event is good).

    Examples
    --------
    Two components in series, 99.9 % and 99.5 %: :math:`0.999 \times 0.995 = 0.994005`.

    >>> import pandas as pd
    >>> parts = pd.DataFrame({"name": ["gateway", "payments"], "good": [999_000, 995_000],
    ...                       "total": [1_000_000, 1_000_000]})
    >>> composite_slo(parts, method="serial")
    CompositeSLO(method='serial', sli=0.994005, 95% interval=[0.99..., 0.99...], components=2)
    >>> composite_slo(parts, method="weighted", weights=[0.7, 0.3]).sli
    0.9978
    """
    if method not in ("weighted", "serial"):
        msg = f"unknown method {method!r}; expected 'weighted' (weighted mean) or 'serial' (product)"
        raise ParameterError(msg)
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        msg = f"confidence {confidence!r} is outside (0, 1); e.g. 0.95"
        raise ParameterError(msg)
    if not isinstance(components, pd.DataFrame):
        msg = (
            f"components must be a DataFrame with columns {name!r}, {good!r}, {total!r}, not "
            f"{type(components).__name__}"
        )
        raise DataError(msg)
    require_columns(components, [name, good, total], "composite_slo")
    if len(components) == 0:
        msg = "composite_slo: no components; give at least one row of good and total events"
        raise InsufficientDataError(msg)
    gv, tv = components[good].to_numpy(), components[total].to_numpy()
    for col, arr in ((good, gv), (total, tv)):
        if not np.issubdtype(arr.dtype, np.integer):
            msg = f"composite_slo: column {col!r} must hold integer event counts, not {arr.dtype}"
            raise DataError(msg)
        if (arr < 0).any():
            j = int(np.flatnonzero(arr < 0)[0])
            msg = f"composite_slo: row {j + 1}: {col!r} is negative ({arr[j]}); counts are >= 0"
            raise DataError(msg)
    if (gv > tv).any():
        j = int(np.flatnonzero(gv > tv)[0])
        msg = (
            f"composite_slo: row {j + 1}: {good!r} ({gv[j]}) exceeds {total!r} ({tv[j]}); good events are a "
            "subset of all events"
        )
        raise DataError(msg)
    if (tv == 0).any():
        j = int(np.flatnonzero(tv == 0)[0])
        msg = (
            f"composite_slo: component {components[name].iloc[j]!r} has no events (total = 0); its SLI is "
            "unknown, so the composite is too"
        )
        raise InsufficientDataError(msg)
    g, n = gv.astype(float), tv.astype(float)
    p = g / n
    from scipy import stats  # imported here: only composite SLOs need it (about 1 s to import)

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    frame = pd.DataFrame({"name": components[name].to_numpy(), "good": gv, "total": tv, "sli": p})
    if method == "weighted":
        w = _weights(components, weights, name)
        lo_i, hi_i = wilson_interval(g / n, n, z)
        sli = float(np.dot(w, p))
        lower = sli - float(np.sqrt(np.sum((w * (p - lo_i)) ** 2)))
        upper = sli + float(np.sqrt(np.sum((w * (hi_i - p)) ** 2)))
        frame["lower"], frame["upper"], frame["weight"] = lo_i, hi_i, w
    else:
        if weights is not None:
            msg = "weights apply to method 'weighted' only; a serial chain needs every component"
            raise ParameterError(msg)
        if not isinstance(draws, int) or draws < 1000:
            msg = f"draws {draws!r} must be an integer >= 1000"
            raise ParameterError(msg)
        alpha = (1 - confidence) / 2
        sli = float(np.prod(p))
        rng = np.random.default_rng(seed)
        log_a = np.zeros(draws)
        for gi, ni in zip(g, n, strict=True):  # a handful of components; each draw vectorised
            log_a += np.log(rng.beta(gi + 0.5, ni - gi + 0.5, size=draws))
        q = np.exp(np.quantile(log_a, [alpha, 1 - alpha]))
        lower, upper = float(q[0]), float(q[1])
        frame["lower"] = stats.beta.ppf(alpha, g + 0.5, n - g + 0.5)
        frame["upper"] = np.where(g == n, 1.0, stats.beta.ppf(1 - alpha, g + 0.5, n - g + 0.5))
        frame["weight"] = np.nan
        if (g == n).all():
            upper = 1.0
    lower, upper = max(0.0, min(lower, sli)), min(1.0, max(upper, sli))
    return CompositeSLO(sli, lower, upper, method, float(confidence), frame)


def _weights(components: pd.DataFrame, weights: Any, name: str) -> np.ndarray:
    k = len(components)
    if weights is None:
        w = np.ones(k)
    elif isinstance(weights, str):
        if weights not in components.columns:
            found = ", ".join(map(str, components.columns))
            msg = f"weights column {weights!r} is not in components; found {found}"
            raise ParameterError(msg)
        w = components[weights].to_numpy(dtype=float)
    elif isinstance(weights, Mapping):
        names = components[name].astype(str).tolist()
        unknown = sorted(set(map(str, weights)) - set(names))
        missing = [x for x in names if x not in weights]
        if unknown or missing:
            msg = f"weights name unknown component(s) {unknown} or miss {missing}; components are {names}"
            raise ParameterError(msg)
        w = np.array([float(weights[x]) for x in names])
    else:
        w = np.asarray(weights, dtype=float).reshape(-1)
        if len(w) != k:
            msg = f"weights has {len(w)} value(s) for {k} component(s); give one weight per component"
            raise ParameterError(msg)
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        msg = f"weights {w.tolist()} must be finite, >= 0 and not all zero"
        raise ParameterError(msg)
    return w / w.sum()
