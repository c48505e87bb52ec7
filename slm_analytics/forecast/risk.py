"""SLO risk: breach probabilities, budget exhaustion and the achievability of targets.

:func:`breach_probability` and :func:`breach_probabilities` simulate the rest of each SLO's window
(:mod:`~slm_analytics.forecast.simulate`) and give the probability that it ends below target;
:func:`exhaustion_time` follows the same paths day by day until the error budget runs out;
:func:`target_achievability` counts how often past windows met candidate targets.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import as_utc, check_catalog, check_int, check_target, check_tz, horizon_days, make_rng
from ..errors import InsufficientDataError, ParameterError
from .panels import (
    Panel,
    as_of_column,
    complete_windows,
    end_of_data,
    panels_by_tz,
    slo_panels,
    window_days,
)
from .simulate import Breaches, Setup, draw_paths, setup_simulation, simulate_breaches, zero_history_rates

if TYPE_CHECKING:
    from ..catalog import SLO, Catalog

__all__ = [
    "DEFAULT_TARGETS",
    "BreachProbability",
    "ExhaustionTime",
    "TargetAchievability",
    "breach_probabilities",
    "breach_probability",
    "exhaustion_time",
    "target_achievability",
]


# ------------------------------------------------------------------------------------------- results


def _fmt_pct(x: float) -> str:
    return f"{100 * x:.3g} %"


@dataclass(frozen=True)
class BreachProbability:
    """Probability that an SLO is missed at the end of its window (:func:`breach_probability`).

    Attributes
    ----------
    service, slo : str
        The SLO.
    probability : float
        Share of simulated paths whose attainment at the window end is below ``target``.
    low, high : float
        95 % interval of ``probability``: Monte Carlo error plus the uncertainty of which history weeks are
        representative (see Notes of :func:`breach_probability`).
    target : float
        Objective the attainment is compared with (the SLO's, or the what-if override).
    window : str
        The SLO's window (``"28d"``, ``"month"``...).
    window_start, window_end : Timestamp
        The window assessed (UTC): the current calendar period, or the rolling window ending at
        ``as_of + horizon``.
    as_of : Timestamp
        Start of the first day not observed (UTC): ``as_of`` floored to the local midnight.
    observed_good, observed_total : float
        Counts already in the window (fixed in every path).
    observed_days, simulated_days : int
        Days of the window observed and simulated.
    attainment_median, attainment_p10, attainment_p90 : float
        Median and 10th/90th percentiles of the simulated attainment at the window end.
    straight_line_attainment : float
        Attainment at the window end if the last 7 days' error rate continues (the straight line).
    n_paths : int
        Simulated paths.
    attainment : ndarray
        The simulated attainment of every path (not in ``to_frame``).
    """

    service: str
    slo: str
    probability: float
    low: float
    high: float
    target: float
    window: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    as_of: pd.Timestamp
    observed_good: float
    observed_total: float
    observed_days: int
    simulated_days: int
    attainment_median: float
    attainment_p10: float
    attainment_p90: float
    straight_line_attainment: float
    n_paths: int
    attainment: np.ndarray = field(repr=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"BreachProbability({self.service}/{self.slo}: P(miss)={_fmt_pct(self.probability)} "
            f"[{_fmt_pct(self.low)}, {_fmt_pct(self.high)}], target={self.target:g}, window={self.window} "
            f"ending {self.window_end:%Y-%m-%d %H:%M}Z, attainment median {self.attainment_median:.6g} "
            f"(10-90 %: {self.attainment_p10:.6g}-{self.attainment_p90:.6g}))"
        )

    def attainment_quantiles(self, q: Sequence[float] = (0.05, 0.1, 0.5, 0.9, 0.95)) -> pd.Series:
        """Quantiles of the simulated attainment at the window end, indexed by ``q``."""
        q = np.asarray(q, dtype=float)
        return pd.Series(np.quantile(self.attainment, q), index=q, name="attainment")

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the attributes (without the simulated paths)."""
        row = {k: v for k, v in asdict(self).items() if k != "attainment"}
        return pd.DataFrame([row])


def _td(days: float) -> pd.Timedelta | None:
    return None if not np.isfinite(days) else pd.Timedelta(days=float(days)).round("s")


@dataclass(frozen=True)
class ExhaustionTime:
    """When the error budget of an SLO runs out (:func:`exhaustion_time`).

    Attributes
    ----------
    service, slo : str
        The SLO.
    target : float
        Objective.
    window : str
        The SLO's window.
    as_of : Timestamp
        Start of the first simulated day (UTC); times are counted from it.
    window_end : Timestamp
        End of the simulation (UTC): the end of the calendar period, or ``as_of + horizon`` for a rolling
        window.
    remaining : float
        Share of the budget left at ``as_of`` (negative when overspent).
    burn_rate : float
        Burn rate of the last 7 days, :math:`r_7 / (1 - T)`.
    probability : float
        Share of paths whose budget runs out before ``window_end``.
    median, low, high : Timedelta or None
        Median and 10th/90th percentiles of the time to exhaustion; ``None`` when that quantile is after
        ``window_end`` (the budget lasts).
    straight_line : Timedelta or None
        Remaining budget / current burn rate (what SLO platforms show); ``Timedelta(0)`` if already spent,
        ``None`` if nothing is burning. It may lie beyond ``window_end``.
    n_paths : int
        Simulated paths.
    days : ndarray
        Simulated days to exhaustion per path (``inf``: not before ``window_end``); not in ``to_frame``.
    """

    service: str
    slo: str
    target: float
    window: str
    as_of: pd.Timestamp
    window_end: pd.Timestamp
    remaining: float
    burn_rate: float
    probability: float
    median: pd.Timedelta | None
    low: pd.Timedelta | None
    high: pd.Timedelta | None
    straight_line: pd.Timedelta | None
    n_paths: int
    days: np.ndarray = field(repr=False, compare=False)

    def __repr__(self) -> str:
        def f(x: pd.Timedelta | None) -> str:
            return "after window end" if x is None else f"{x / pd.Timedelta(days=1):.1f} d"

        return (
            f"ExhaustionTime({self.service}/{self.slo}: P(exhausted by {self.window_end:%Y-%m-%d %H:%M}Z)="
            f"{_fmt_pct(self.probability)}, median {f(self.median)} "
            f"(10-90 %: {f(self.low)} to {f(self.high)}), "
            f"straight line {f(self.straight_line) if self.straight_line is not None else 'never'}, "
            f"remaining={_fmt_pct(self.remaining)}, burn_rate={self.burn_rate:.3g})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the attributes (without the simulated paths)."""
        return pd.DataFrame([{k: v for k, v in asdict(self).items() if k != "days"}])


@dataclass(frozen=True)
class TargetAchievability:
    """How often past windows met candidate targets (:func:`target_achievability`).

    Attributes
    ----------
    service, slo, window : str
        The SLO and its window.
    attainment : DataFrame
        One row per past window: ``window_start``, ``window_end`` (UTC), ``good``, ``total``, ``attainment``.
        Rolling windows end on every day; calendar windows are the complete periods.
    targets : DataFrame
        One row per candidate target: ``target``, ``current`` (the SLO's own target), ``windows`` (past
        windows), ``independent_windows`` (how many non-overlapping windows the history holds: rolling
        windows overlap, so the evidence is this many windows, not ``windows``), ``met`` (windows meeting the
        target), ``share_met``, ``budget_remaining_median`` and ``budget_remaining_worst`` (budget left at the
        window end, :math:`(A - T)/(1 - T)`, median and minimum over the windows).
    """

    service: str
    slo: str
    window: str
    attainment: pd.DataFrame
    targets: pd.DataFrame

    def __repr__(self) -> str:
        cols = ["target", "current", "windows", "met", "share_met"]
        return (f"TargetAchievability({self.service}/{self.slo}, window={self.window}, "
                f"{len(self.attainment)} past windows\n" + self.targets[cols].to_string(index=False) + "\n)")

    def quantiles(self, q: Sequence[float] = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)) -> pd.Series:
        """Quantiles of the attainment over the past windows, indexed by ``q``."""
        q = np.asarray(q, dtype=float)
        return pd.Series(np.quantile(self.attainment["attainment"].to_numpy(), q), index=q, name="attainment")

    def to_frame(self) -> pd.DataFrame:
        """Return the per-target table with ``service`` and ``slo`` columns."""
        out = self.targets.assign(service=self.service, slo=self.slo)
        return out[["service", "slo", *self.targets.columns]]


DEFAULT_TARGETS = (0.99, 0.995, 0.999, 0.9995)


# ------------------------------------------------------------------------------------------- one SLO


def _check_slo(slo: Any, what: str) -> SLO:
    from ..catalog import SLO

    if not isinstance(slo, SLO):
        msg = f"{what}: slo must be a catalog SLO (catalog.slo(service, name)), not {type(slo).__name__}"
        raise ParameterError(msg)
    return slo


def _slo_tz(slo: SLO, tz: str | None, catalog: Catalog | None, what: str) -> str:
    """Return the zone cutting an SLO's days: ``tz`` if given, else the SLO's own, else from ``catalog``."""
    if tz is not None:
        return check_tz(tz)
    if slo.timezone is not None:  # an SLO from a catalog (or an OpenSLO calendar window) carries its zone
        return slo.timezone
    if catalog is not None:
        return catalog.service(slo.service).timezone
    msg = (
        f"{what}: give tz= (the time zone of service {slo.service!r}, which cuts its days and calendar "
        "periods) or catalog= (to take it from the catalog)"
    )
    raise ParameterError(msg)


@dataclass(frozen=True)
class _Start:
    """What a one-SLO simulation starts from: its checked arguments, daily panel and simulation setup."""

    slo: SLO
    target: float
    panel: Panel
    setup: Setup
    n_paths: int
    rng: np.random.Generator


def _start(sli: pd.DataFrame, slo: SLO, what: str, *, target: float | None, tz: str | None,
           catalog: Catalog | None, horizon: str | pd.Timedelta | None, as_of: Any, n_paths: int, seed: Any,
           exhaustion: bool = False) -> _Start:
    """Check the arguments of a one-SLO simulation, lay out the SLO's days and set up the simulation.

    The SLO, its target and time zone, the horizon, the paths and the seed are checked in this order; the
    first day not observed is the local day holding ``as_of`` (default: the end of the data). With
    ``exhaustion`` (:func:`exhaustion_time`) the horizon defaults to a rolling window's length and is
    ignored for calendar windows, and every simulated day's traffic counts.
    """
    slo = _check_slo(slo, what)
    check_catalog(catalog, what, optional=True)
    tgt = check_target(slo.target if target is None else target)
    tz = _slo_tz(slo, tz, catalog, what)
    if exhaustion:
        w_days = window_days(slo)
        h = w_days if horizon is None or w_days is None else horizon_days(horizon)
    else:
        h = horizon_days(horizon)
    n_paths = check_int(n_paths, "n_paths")
    rng = make_rng(seed)
    [(panel, _)] = slo_panels(sli, {tz: [slo]}, what)
    end = end_of_data(sli)
    a = as_of_column(panel, end if as_of is None else as_utc(as_of, "as_of"), end, what)
    setup = setup_simulation(panel, [slo], a, np.array([tgt]), h, what, whole_horizon=exhaustion)
    return _Start(slo, tgt, panel, setup, n_paths, rng)


# --------------------------------------------------------------------------------------- breach probability


def _breach_frame(panel: Panel, slos: Sequence[SLO], res: Breaches, n_paths: int) -> pd.DataFrame:
    """One row per SLO: the columns of :meth:`BreachProbability.to_frame`."""
    setup = res.setup
    att = res.attainment
    if np.isnan(att).any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no events in the window at all
            q = np.nanquantile(att, [0.1, 0.5, 0.9], axis=1)
    else:
        q = np.quantile(att, [0.1, 0.5, 0.9], axis=1)
    bounds = panel.midnights(panel.day0 + np.concatenate([setup.w0, setup.w1, [setup.a]])).tz_convert("UTC")
    n = len(slos)
    return pd.DataFrame({
        "service": [o.service for o in slos],
        "slo": [o.name for o in slos],
        "probability": res.probability,
        "low": res.low,
        "high": res.high,
        "target": setup.target,
        "window": [o.window for o in slos],
        "window_start": bounds[:n],
        "window_end": bounds[n:2 * n],
        "as_of": bounds[2 * n:].repeat(n),
        "observed_good": setup.obs_total - setup.obs_bad,
        "observed_total": setup.obs_total,
        "observed_days": np.maximum(setup.a - np.maximum(setup.w0, 0), 0),
        "simulated_days": setup.w1 - np.maximum(setup.w0, setup.a),
        "attainment_median": q[1],
        "attainment_p10": q[0],
        "attainment_p90": q[2],
        "straight_line_attainment": res.straight,
        "n_paths": np.full(n, n_paths),
    })


def breach_probability(
    sli: pd.DataFrame,
    slo: SLO,
    *,
    target: float | None = None,
    tz: str | None = None,
    catalog: Catalog | None = None,
    horizon: str | pd.Timedelta = "7d",
    as_of: Any = None,
    n_paths: int = 2000,
    seed: int | np.random.Generator | None = None,
) -> BreachProbability:
    r"""Probability that an SLO is missed at the end of its current window, by simulating the remaining days.

    Parameters
    ----------
    sli : DataFrame
        Counts with ``service``, ``slo``, ``timestamp``, ``good``, ``total``: 5-minute buckets (as
        :func:`~slm_analytics.data.read_sli` returns them) or daily counts (local midnights, e.g. from
        ``ratio_sli(freq="1D", tz=...)``, already in the SLO's units: slices for a Timeslices SLO). Other
        SLOs' rows are ignored.
    slo : SLO
        The catalog SLO (``catalog.slo(service, name)``): its target, window and budgeting method.
    target : float, optional
        Objective to assess instead of the SLO's, for what-ifs ("and at 99.95 %?").
    tz : str, optional
        The service's time zone (``catalog.service(slo.service).timezone``): it cuts the days and the
        calendar periods. Daily input keeps its own days. Not needed for an SLO taken from a catalog,
        which carries its service's zone (``slo.timezone``).
    catalog : Catalog, optional
        Where to find the service's time zone when neither ``tz`` nor ``slo.timezone`` gives it.
    horizon : str or Timedelta
        Rolling windows only: assess the trailing window ending this many whole days after ``as_of``;
        default ``"7d"``, the next weekly review. Calendar windows are assessed at the end of the current
        period.
    as_of : Timestamp or str, optional
        Timezone-aware instant of the forecast; the whole local days before it are observed, the rest of the
        window is simulated, and data after it is ignored (so a backtest can pass the full data). Default:
        the end of the data.
    n_paths : int
        Simulated paths (default 2,000).
    seed : int or Generator, optional
        Seed of the random numbers; the same seed gives the same paths for any ``target``.

    Returns
    -------
    BreachProbability

    Raises
    ------
    DataError
        Missing columns, naive timestamps, bad counts.
    InsufficientDataError
        The SLO has no rows, or fewer than 14 days with events before ``as_of``.
    ParameterError
        ``slo`` not a catalog SLO, a target outside (0, 1), an unknown time zone, a horizon that is not a
        positive whole number of days, ``as_of`` after the end of the data, ``n_paths`` < 1, a
        RatioTimeslices SLO with sub-daily data.

    Notes
    -----
    **History.** Up to :math:`K = 90` weeks before ``as_of`` (all of the history, in most series) are cut
    into whole weeks that start on ``as_of``'s weekday. A path builds the rest of the window from weeks
    drawn with replacement: a weighted block bootstrap of whole weeks (Künsch 1989), which keeps the weekly
    pattern, the autocorrelation within a week, the bursts of incidents and the over-dispersion of the
    daily rates. A week :math:`k` weeks old weighs
    :math:`0.3\,w_2(k) + 0.7\,w_8(k)`, where :math:`w_h \propto 2^{-k/h}` is normalised over the weeks with
    data: a recent component (two-week half-life) and a long one (eight weeks, reaching back over the whole
    history). Real outages are rare, bursty and heavy-tailed: twelve quiet weeks say little about the next
    four-hour outage, and the long component keeps the ones a year back in view. When the typical daily
    error rate moved (the median daily rate of the last 4 weeks is more than 1.5 times, or less than
    1/1.5 of, the median of the older weeks: a regression such as mobile-api's, or a fix), the older weeks
    describe another service and the recent component alone is used, so the change shows within days.
    The medians ignore the outage days, so an outage is not taken for a regression.
    Day :math:`d` of a path gets the error rate of the same weekday of its drawn week, times the forecast
    traffic :math:`\hat n_d` (the mean of the same weekday over the last 4 weeks, without a trend: only the
    ratios of the days' traffic matter to the attainment, and they change slowly). The daily rates of a
    low-traffic SLO carry the binomial noise of their small counts (a day of 40 events moves in steps of
    2.5 %), so low traffic gives a wider attainment distribution without a separate noise model. An SLO
    without a bad event in its history cannot be resampled into one: its daily rate is drawn per replicate
    from the Jeffreys posterior :math:`\mathrm{Beta}(\tfrac12, N + \tfrac12)` of its :math:`N` history
    events, so that few events give an honest, non-zero risk against a tight target.

    **Attainment** at the window end, with the observed counts fixed:
    :math:`A = 1 - (B_{obs} + \sum_d r_d \hat n_d) / (N_{obs} + \sum_d \hat n_d)`; the SLO is missed if
    :math:`A < T`, and ``probability`` is the share of missing paths.

    **Interval.** ``probability`` comes from :math:`P` independent paths. How much it depends on which
    weeks happen to be in the history is measured apart, by a nonparametric bootstrap of the history:
    :math:`R = \min(25, \max(2, P/80))` replicates each resample the history's weeks uniformly with
    replacement (keeping each week's age weight) and simulate :math:`m = \max(20, P/(2R))` paths from
    them. The variance of the replicates' probabilities less its Monte Carlo part estimates that
    dependence (law of total variance), :math:`V = \max(0, s^2_R - \overline{p_r(1-p_r)}/(m-1)) + p(1-p)/P`,
    and ``low``/``high`` are the 95 % Wilson interval (Wilson 1927) at the effective number of paths
    :math:`p(1-p)/V`. It is wide when a few recent weeks decide the answer (about 5.5 effective weeks at a
    two-week half-life), which is the honest state of knowledge; with no path missing it is
    :math:`[0, z^2/(P+z^2)]`, 0.19 % for 2,000 paths.

    **Straight line.** ``straight_line_attainment`` carries the last 7 days' error rate :math:`r_7` (burn
    rate :math:`r_7/(1-T)`, SRE Workbook ch. 5) over the days left:
    :math:`1 - (B_{obs} + r_7 \sum_d \hat n_d)/(N_{obs} + \sum_d \hat n_d)`.

    **Backtests** (:func:`~slm_analytics.forecast.backtest_breach`, 2,000 paths, seed 0). On GitHub's real
    status-page history (:func:`~slm_analytics.data.github_status_slos`: 11 components as daily time-based
    SLIs with a 99.5 % monthly SLO, forecasts on day 15 of each month of 2023, 132 component-months, 44
    missed) the Brier score is 0.114, against 0.122 for the long-history empirical baseline (skill +0.07),
    0.144 for the straight line (+0.21) and 0.243 for climatology (+0.53); at 99.9 % the skills are +0.03,
    +0.46 and +0.20, at 99 % +0.11, +0.29 and +0.53 (``benchmarks/bench_breach_real.py``). On the sample
    data (1,203 weekly forecasts) 0.42 against the straight line and 0.46 against climatology. The
    mixture, its half-lives and the shift ratio were chosen on these two (the GitHub years 2022-2023
    only): a fixed 12-week, two-week half-life history (the previous model) lost to the long-history
    baseline on the real data; a long history alone lost the sample data's regressions (skill 0.25
    against the straight line).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> slo = catalog.slo("payments", "availability")
    >>> bp = breach_probability(sli, slo, tz="Europe/London", as_of="2026-02-10T00:00Z", seed=1)
    >>> bp
    BreachProbability(payments/availability: P(miss)=13.7 % [1.75 %, 58.6 %], target=0.9995, window=month
    ending 2026-03-01 00:00Z, attainment median 0.9997 (10-90 %: 0.999429-0.999838))
    >>> 0 <= bp.low <= bp.probability <= bp.high <= 1
    True
    >>> what_if = breach_probability(sli, slo, target=0.999, tz="Europe/London", as_of="2026-02-10T00:00Z",
    ...                              seed=1)
    >>> what_if.probability <= bp.probability
    True
    """
    s = _start(sli, slo, "breach_probability", target=target, tz=tz, catalog=catalog, horizon=horizon,
               as_of=as_of, n_paths=n_paths, seed=seed)
    res = simulate_breaches(s.setup, s.n_paths, s.rng)
    row = _breach_frame(s.panel, [s.slo], res, s.n_paths).iloc[0].to_dict()
    row = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
    return BreachProbability(**row, attainment=res.attainment[0])


def breach_probabilities(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    horizon: str | pd.Timedelta = "7d",
    as_of: Any = None,
    n_paths: int = 2000,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Breach probability of every catalog SLO that has data, simulated together.

    Parameters
    ----------
    sli : DataFrame
        Counts (5-minute buckets or daily) with ``service``, ``slo``, ``timestamp``, ``good``, ``total``.
    catalog : Catalog
        Targets, windows and budgeting methods of the SLOs, and their services' time zones. SLOs without
        rows in ``sli`` are left out.
    horizon : str or Timedelta
        Rolling windows: assess the trailing window ``horizon`` after ``as_of`` (default ``"7d"``).
    as_of : Timestamp or str, optional
        Instant of the forecast (default: the end of the data); each SLO observes the whole days of its
        own time zone before it.
    n_paths : int
        Simulated paths per SLO.
    seed : int or Generator, optional
        Seed of the random numbers.

    Returns
    -------
    DataFrame
        One row per SLO, in catalog order, with the columns of :meth:`BreachProbability.to_frame`:
        ``service, slo, probability, low, high, target, window, window_start, window_end, as_of,
        observed_good, observed_total, observed_days, simulated_days, attainment_median, attainment_p10,
        attainment_p90, straight_line_attainment, n_paths``.

    Raises
    ------
    DataError, InsufficientDataError, ParameterError
        As :func:`breach_probability`; InsufficientDataError also when no catalog SLO has rows.

    Notes
    -----
    The model of :func:`breach_probability`, vectorised over SLOs x paths: the bad events each history week
    would produce in each simulated week are computed once per SLO (an array SLOs x weeks ahead x history
    weeks), so a path is a sum of a few gathered values. 1,000 SLOs x 2,000 paths take well under the 2 s
    budget on two cores (``benchmarks/bench_forecast.py``).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> risk = breach_probabilities(sli, catalog, as_of="2026-07-10T00:00Z", seed=1)
    >>> len(risk)
    28
    >>> risk.nlargest(3, "probability")[["service", "slo", "window", "probability", "low", "high"]]
              service       slo window  probability       low      high
    5        payments    uptime  month       0.3415  0.114218  0.675929
    16     mobile-api   latency  month       0.2780  0.079359  0.632344
    13  notifications  delivery  month       0.2695  0.069855  0.644420
    """
    what = "breach_probabilities"
    h = horizon_days(horizon)
    n_paths = check_int(n_paths, "n_paths")
    rng = make_rng(seed)
    end = end_of_data(sli)
    when = end if as_of is None else as_utc(as_of, "as_of")
    frames = []
    for panel, slos in panels_by_tz(sli, catalog, what):
        a = as_of_column(panel, when, end, what)
        setup = setup_simulation(panel, slos, a, np.array([o.target for o in slos]), h, what)
        frames.append(_breach_frame(panel, slos, simulate_breaches(setup, n_paths, rng), n_paths))
    order = {o.key: i for i, o in enumerate(catalog.slos)}
    out = pd.concat(frames, ignore_index=True)
    out["_o"] = [order[(s, n)] for s, n in zip(out["service"], out["slo"], strict=True)]
    return out.sort_values("_o").drop(columns="_o").reset_index(drop=True)


# ------------------------------------------------------------------------------------------ exhaustion time


def _daily_bad(s: _Start) -> np.ndarray:
    """Simulate bad events of every path and day, ``(P, days)`` (the paths of :func:`breach_probability`)."""
    setup = s.setup
    n_sim = setup.traffic.shape[1]
    weeks = draw_paths(setup, s.rng, s.n_paths, -(-n_sim // 7))
    t = np.arange(n_sim)
    daily_bad = setup.rates[0][weeks[0][:, t // 7], t % 7] * setup.traffic[0]  # (P, days)
    if setup.history_bad[0] <= 0:  # no bad event in the history: Jeffreys rates per path
        lam, _ = zero_history_rates(setup, s.rng, np.array([0]), s.n_paths, 1)
        daily_bad = lam[0][:, None] * setup.traffic[0]
    return daily_bad


def _budget_paths(s: _Start, daily_bad: np.ndarray, w_days: int | None) -> tuple[float, np.ndarray, float]:
    """Return the budget left: at ``as_of`` (share), per path after each day, at ``as_of`` (events)."""
    setup, panel, n_paths = s.setup, s.panel, s.n_paths
    traffic = setup.traffic[0]
    budget_share = 1 - s.target
    if w_days is None:  # calendar: the budget of the whole period, with its traffic forecast
        allowed = budget_share * (setup.obs_total[0] + traffic.sum())
        spent_before = setup.obs_bad[0]
        rem0 = allowed - spent_before
        remaining = rem0 / allowed if allowed > 0 else np.nan
        left = rem0 - np.concatenate([np.zeros((n_paths, 1)), np.cumsum(daily_bad, axis=1)], axis=1)
        rem_path = left / allowed if allowed > 0 else np.full_like(left, np.nan)
        return remaining, rem_path, rem0
    # rolling: the trailing window's budget at the end of each simulated day
    a, n_sim = setup.a, traffic.size
    cols = a - w_days + np.arange(w_days)
    ok = cols >= 0
    cc = np.clip(cols, 0, panel.total.shape[1] - 1)
    ob = np.where(ok, panel.bad[0, cc], 0.0)
    ot = np.where(ok, panel.total[0, cc], 0.0)
    bad_all = np.concatenate([np.broadcast_to(ob, (n_paths, w_days)), daily_bad], axis=1)
    tot_all = np.concatenate([ot, traffic])
    cb = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(bad_all, axis=1)], axis=1)
    ct = np.concatenate([[0.0], np.cumsum(tot_all)])
    ends = w_days + np.arange(n_sim + 1)  # window ends at as_of, then after each simulated day
    win_bad = cb[:, ends] - cb[:, ends - w_days]
    win_tot = ct[ends] - ct[ends - w_days]
    with np.errstate(invalid="ignore", divide="ignore"):
        rem_path = 1 - win_bad / (budget_share * win_tot)
    remaining = float(rem_path[0, 0])
    return remaining, rem_path, remaining * budget_share * win_tot[0]


def _days_to_exhaustion(rem_path: np.ndarray, remaining: float) -> np.ndarray:
    """Days until each path's budget is negative (``inf``: not within the simulation)."""
    n_paths = len(rem_path)
    # first day whose end leaves a negative budget; linear interpolation within that day
    neg = rem_path[:, 1:] < 0
    hit = neg.any(axis=1)
    first = np.where(hit, neg.argmax(axis=1), 0)
    r = np.arange(n_paths)
    before, after = rem_path[r, first], rem_path[r, first + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.clip(np.where(before > after, before / (before - after), 1.0), 0, 1)
    days = np.where(hit, first + frac, np.inf)
    if not remaining > 0:  # already spent (or nothing to spend it on)
        days = np.zeros(n_paths)
    return days


def exhaustion_time(
    sli: pd.DataFrame,
    slo: SLO,
    *,
    target: float | None = None,
    tz: str | None = None,
    catalog: Catalog | None = None,
    horizon: str | pd.Timedelta | None = None,
    as_of: Any = None,
    n_paths: int = 2000,
    seed: int | np.random.Generator | None = None,
) -> ExhaustionTime:
    r"""Time until the error budget runs out, as a distribution, with the straight-line value beside it.

    Parameters
    ----------
    sli : DataFrame
        Counts (5-minute buckets or daily) with ``service``, ``slo``, ``timestamp``, ``good``, ``total``.
    slo : SLO
        The catalog SLO.
    target : float, optional
        Objective instead of the SLO's.
    tz : str, optional
        The service's time zone (cuts days and calendar periods).
    catalog : Catalog, optional
        Where to find the service's time zone when ``tz`` is not given (one of the two is needed).
    horizon : str or Timedelta, optional
        Rolling windows: how far ahead to look (default: the window's length). Ignored for calendar windows,
        which are simulated to the end of the current period.
    as_of : Timestamp or str, optional
        Instant of the forecast (default: the end of the data).
    n_paths : int
        Simulated paths.
    seed : int or Generator, optional
        Seed of the random numbers.

    Returns
    -------
    ExhaustionTime

    Raises
    ------
    DataError, InsufficientDataError, ParameterError
        As :func:`breach_probability`.

    Notes
    -----
    The paths are those of :func:`breach_probability`, kept day by day. For a calendar window the budget is
    :math:`(1-T)` times the period's events (observed plus forecast) and a path exhausts it on the first day
    its cumulative bad events exceed it. For a rolling window of :math:`W` days the budget is that of the
    trailing window at the end of each simulated day, :math:`1 - B_W/((1-T) N_W)`, and exhaustion is the first
    day it is negative (it can recover as old bad days leave the window). Within the day of exhaustion the
    time is interpolated linearly in the remaining budget.

    The straight line is :math:`\text{remaining budget (events)} / (r_7 \bar n)`, with :math:`r_7` the
    error rate of the last 7 days and :math:`\bar n` the forecast daily events: equivalently
    ``remaining * window / burn_rate`` at steady traffic (SRE Workbook, ch. 5: burn rates 1, 2 and 3 spend a
    30-day budget in 30, 15 and 10 days).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> ex = exhaustion_time(sli, catalog.slo("notifications", "delivery"), catalog=catalog,
    ...                      as_of="2026-10-10T00:00Z", seed=1)
    >>> ex
    ExhaustionTime(notifications/delivery: P(exhausted by 2026-11-01 00:00Z)=97.4 %, median 17.2 d
    (10-90 %: 3.6 d to 20.6 d), straight line 17.5 d, remaining=67.5 %, burn_rate=1.19)
    >>> ex.probability > 0.5
    True
    """
    s = _start(sli, slo, "exhaustion_time", target=target, tz=tz, catalog=catalog, horizon=horizon,
               as_of=as_of, n_paths=n_paths, seed=seed, exhaustion=True)
    setup, tgt = s.setup, s.target
    remaining, rem_path, budget_events = _budget_paths(s, _daily_bad(s), window_days(s.slo))
    days = _days_to_exhaustion(rem_path, remaining)
    q = np.quantile(days, [0.5, 0.1, 0.9], method="inverted_cdf")
    budget_share = 1 - tgt
    burn = setup.recent_rate[0] / budget_share
    n_sim = setup.traffic.shape[1]
    per_day = setup.recent_rate[0] * setup.traffic[0].mean() if n_sim else 0.0
    if not remaining > 0:
        straight: pd.Timedelta | None = pd.Timedelta(0)
    elif per_day > 0:
        straight = _td(budget_events / per_day)
    else:
        straight = None
    bounds = s.panel.midnights(s.panel.day0 + np.array([setup.a, setup.w1[0]])).tz_convert("UTC")
    return ExhaustionTime(s.slo.service, s.slo.name, tgt, s.slo.window, bounds[0], bounds[1],
                          float(remaining), float(burn), float(np.isfinite(days).mean()), _td(q[0]),
                          _td(q[1]), _td(q[2]), straight, s.n_paths, days)


# -------------------------------------------------------------------------------------------- achievability


def target_achievability(
    sli: pd.DataFrame,
    slo: SLO,
    *,
    targets: Sequence[float] | None = None,
    tz: str | None = None,
    catalog: Catalog | None = None,
) -> TargetAchievability:
    r"""How achievable candidate targets are, given the attainment of past windows.

    Parameters
    ----------
    sli : DataFrame
        Counts (5-minute buckets or daily) with ``service``, ``slo``, ``timestamp``, ``good``, ``total``.
    slo : SLO
        The catalog SLO (its window and budgeting method).
    targets : sequence of float, optional
        Candidate targets in (0, 1); default the SLO's own plus 99 %, 99.5 %, 99.9 % and 99.95 %.
    tz : str, optional
        The service's time zone (cuts days and calendar periods).
    catalog : Catalog, optional
        Where to find the service's time zone when ``tz`` is not given (one of the two is needed).

    Returns
    -------
    TargetAchievability
        ``.targets`` per candidate, ``.attainment`` per past window; ``.to_frame()`` gives the targets with
        ``service`` and ``slo``.

    Raises
    ------
    DataError
        Missing columns, bad counts.
    InsufficientDataError
        No rows for the SLO, or no complete past window (the message says how much data is needed).
    ParameterError
        A target outside (0, 1), an empty list of targets, an unknown time zone.

    Notes
    -----
    Attainment of a window is :math:`A = \sum good / \sum total` over its days (in the units of the budgeting
    method). The share of windows meeting a target is an empirical frequency, not a forecast: with rolling
    windows consecutive windows share all but one day, so ``independent_windows`` (days spanned / window
    length) says how much evidence it rests on.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> ach = target_achievability(sli, catalog.slo("checkout", "availability"), tz="Europe/London")
    >>> ach.targets[["target", "current", "windows", "met", "share_met"]]
       target  current  windows  met  share_met
    0  0.9900    False      338  338   1.000000
    1  0.9950    False      338  338   1.000000
    2  0.9990     True      338  338   1.000000
    3  0.9995    False      338  295   0.872781
    """
    what = "target_achievability"
    slo = _check_slo(slo, what)
    tz = _slo_tz(slo, tz, catalog, what)
    if targets is None:
        cand = sorted({slo.target, *DEFAULT_TARGETS})
    else:
        if isinstance(targets, int | float):
            targets = [targets]
        cand = sorted({check_target(t, "target") for t in targets})
        if not cand:
            msg = "targets is empty; give candidate targets such as [0.999, 0.9995]"
            raise ParameterError(msg)
    [(panel, _)] = slo_panels(sli, {tz: [slo]}, what)
    cg = np.concatenate([[0.0], np.cumsum(panel.good[0])])
    ct = np.concatenate([[0.0], np.cumsum(panel.total[0])])
    days = window_days(slo)
    s, e = complete_windows(panel, 0, slo)
    tot = ct[e] - ct[s]
    ok = tot > 0
    s, e, tot = s[ok], e[ok], tot[ok]
    if len(e) == 0:
        need = f"a whole {slo.window}" if days is None else f"{days} days"
        msg = f"{what}: SLO {slo.service}/{slo.name} has no complete past window; {need} of data is needed"
        raise InsufficientDataError(msg)
    good = cg[e] - cg[s]
    att = good / tot
    bounds = panel.midnights(panel.day0 + np.concatenate([s, e])).tz_convert("UTC")
    frame = pd.DataFrame({"window_start": bounds[:len(s)], "window_end": bounds[len(s):], "good": good,
                          "total": tot, "attainment": att})
    span = (e[-1] - s[0]) / (days if days is not None else np.mean(e - s))
    rows = []
    for t in cand:
        met = att >= t
        rows.append({"target": t, "current": bool(np.isclose(t, slo.target)), "windows": len(att),
                     "independent_windows": float(min(span, len(att))), "met": int(met.sum()),
                     "share_met": float(met.mean()),
                     "budget_remaining_median": float(np.median((att - t) / (1 - t))),
                     "budget_remaining_worst": float(np.min((att - t) / (1 - t)))})
    return TargetAchievability(slo.service, slo.name, slo.window, frame, pd.DataFrame(rows))
