"""The SLO risk explorer: the fleet's breach risk on a chosen date, one SLO's forecast, trend and what-if.

Three library calls sit behind the controls of :func:`risk_explorer`, each cached for the controls it does not
depend on:

* :func:`fleet_view` (the ``as_of`` picker): the risk inputs cut at ``as_of`` by
  :func:`~slm_analytics.review.inputs.risk_inputs_at` (the cut of
  :func:`~slm_analytics.review.load_risk_inputs`: data from ``as_of`` on is ignored), every SLO's breach
  probability (:func:`~slm_analytics.forecast.breach_probabilities`) and budget exhaustion
  (:func:`~slm_analytics.forecast.exhaustion_time`). It simulates every SLO: the slow one.
* :func:`slo_view` (the SLO drill-down): one SLO's daily error-rate forecast with its bands
  (:func:`~slm_analytics.forecast.forecast_sli`), its trend and change points over the last
  :data:`TREND_DAYS` days (:func:`~slm_analytics.trend.trend_test`,
  :func:`~slm_analytics.trend.change_points`).
* :func:`target_view` (the target what-if): how often past windows met the chosen target next to the SLO's
  own (:func:`~slm_analytics.forecast.target_achievability`) and the probability of missing it at the end of
  the window (:func:`~slm_analytics.forecast.breach_probability`, same seed as the fleet's).

:func:`risk_view` puts the three together: it is the ``update`` of the :class:`~slm_analytics.widgets.App`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InsufficientDataError, ParameterError
from ._app import App, interactive, widget_comms

if TYPE_CHECKING:
    from ..catalog import SLO
    from ..forecast import BreachProbability, ForecastResult, TargetAchievability
    from ..review import RiskInputs
    from ..trend import ChangePointResult, TrendResult

__all__ = [
    "FORECAST_DAYS",
    "SIMULATION_DAYS",
    "TREND_DAYS",
    "WHAT_IF_TARGETS",
    "FleetRisk",
    "RiskView",
    "SLODrillDown",
    "TargetWhatIf",
    "PANELS",
    "as_of_options",
    "exhaustion_shown",
    "fleet_view",
    "risk_explorer",
    "risk_view",
    "slo_view",
    "target_options",
    "target_view",
]

#: days of the drill-down's trend test and change points (as the notebook's fleet trend table)
TREND_DAYS = 90
#: days ahead of the drill-down's error-rate forecast
FORECAST_DAYS = 28
#: days before as_of the simulations are given: they read at most the current window (a quarter, 92 days)
#: and the weeks of history before as_of (forecast.simulate.HISTORY_WEEKS, 90 weeks); older rows only cost
#: time, the results are the same (tested against exhaustion_time on all the rows)
SIMULATION_DAYS = 7 * 90 + 100
#: candidate targets of the what-if slider, with every catalog SLO's own target added
WHAT_IF_TARGETS = (0.9, 0.95, 0.975, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)


@dataclass(frozen=True, repr=False)
class FleetRisk:
    """Every SLO's breach risk and budget exhaustion at ``as_of`` (:func:`fleet_view`).

    Attributes
    ----------
    inputs : RiskInputs
        The risk inputs cut at ``as_of`` (``inputs.as_of`` is the end of the data used).
    risk : DataFrame
        :func:`~slm_analytics.forecast.breach_probabilities` at ``inputs.as_of``: one row per SLO.
    exhaustion : DataFrame
        One row per SLO with data, in catalog order: the columns of
        :meth:`~slm_analytics.forecast.ExhaustionTime.to_frame` (``service``, ``slo``, ``target``,
        ``window``, ``as_of``, ``window_end``, ``remaining``, ``burn_rate``, ``probability``, ``median``,
        ``low``, ``high``, ``straight_line``, ``n_paths``) and the dates they give, ``median_date``,
        ``low_date``, ``high_date``, ``straight_line_date`` (UTC, ``NaT`` when the budget lasts).
    rows : mapping of (str, str) to DataFrame
        Each SLO's SLI rows before ``as_of``, by (service, slo): the drill-down's data, filtered once.
    recent : mapping of (str, str) to DataFrame
        The same rows from :data:`SIMULATION_DAYS` days before ``as_of`` on: what the simulations read.
    n_paths, seed : int
        The simulation's paths and seed (the what-if uses the same).
    """

    inputs: RiskInputs
    risk: pd.DataFrame
    exhaustion: pd.DataFrame
    rows: Mapping[tuple[str, str], pd.DataFrame] = field(compare=False)
    recent: Mapping[tuple[str, str], pd.DataFrame] = field(compare=False)
    n_paths: int
    seed: int

    @property
    def as_of(self) -> pd.Timestamp:
        """The end of the data used (UTC)."""
        return self.inputs.as_of

    def __repr__(self) -> str:
        top = self.risk.sort_values("probability", ascending=False, kind="stable").iloc[0]
        return (f"FleetRisk(as of {self.as_of:%Y-%m-%d %H:%M} UTC: {len(self.risk)} SLOs, riskiest "
                f"{top['service']}/{top['slo']} P(miss)={top['probability']:.3g})")


@dataclass(frozen=True, repr=False)
class SLODrillDown:
    """One SLO's forecast bands, trend and change points (:func:`slo_view`).

    Attributes
    ----------
    service, slo : str
        The SLO.
    target : float
        Its own target.
    history : DataFrame
        Its UTC days before ``as_of``: ``service``, ``slo``, ``timestamp``, ``good``, ``total``, ``sli``
        and ``error_rate`` (``1 - sli``; ``NaN`` for a day without events).
    forecast : ForecastResult
        :func:`~slm_analytics.forecast.forecast_sli` of ``history``, :data:`FORECAST_DAYS` days ahead, 80 %
        and 95 % intervals.
    recent : DataFrame
        The last :data:`TREND_DAYS` days of ``history``: what the trend and change points are about.
    trend : TrendResult
        :func:`~slm_analytics.trend.trend_test` of ``recent``'s SLI (Hamed-Rao), slope per day.
    changes : ChangePointResult
        :func:`~slm_analytics.trend.change_points` of ``recent``'s counts.
    """

    service: str
    slo: str
    target: float
    history: pd.DataFrame
    forecast: ForecastResult
    recent: pd.DataFrame
    trend: TrendResult
    changes: ChangePointResult

    def __repr__(self) -> str:
        return (f"SLODrillDown({self.service}/{self.slo}: {len(self.history)} days, trend {self.trend.trend} "
                f"(p={self.trend.p_value:.3g}), {len(self.changes.points)} change points)")


@dataclass(frozen=True, repr=False)
class TargetWhatIf:
    """One SLO at a candidate target (:func:`target_view`).

    Attributes
    ----------
    service, slo : str
        The SLO.
    target : float
        The candidate target.
    current : float
        The SLO's own target.
    achievability : TargetAchievability
        :func:`~slm_analytics.forecast.target_achievability` for the own and the candidate target.
    breach : BreachProbability
        :func:`~slm_analytics.forecast.breach_probability` at the candidate target, at the fleet's
        ``as_of``, with its paths and seed.
    """

    service: str
    slo: str
    target: float
    current: float
    achievability: TargetAchievability
    breach: BreachProbability

    def __repr__(self) -> str:
        return (f"TargetWhatIf({self.service}/{self.slo} at {self.target:.6g} (own {self.current:.6g}): "
                f"P(miss)={self.breach.probability:.3g})")


@dataclass(frozen=True, repr=False)
class RiskView:
    """What the explorer shows for one choice of its controls (:func:`risk_view`).

    Attributes
    ----------
    fleet : FleetRisk
    drill : SLODrillDown
    what_if : TargetWhatIf
    """

    fleet: FleetRisk
    drill: SLODrillDown
    what_if: TargetWhatIf

    def __repr__(self) -> str:
        return f"RiskView({self.fleet!r}, {self.drill!r}, {self.what_if!r})"


def _after(start: pd.Timestamp, delta: pd.Timedelta | None) -> pd.Timestamp:
    return pd.NaT if delta is None or pd.isna(delta) else start + delta


def fleet_view(inputs: RiskInputs, *, as_of: Any, n_paths: int = 2000, seed: int = 0) -> FleetRisk:
    """Every SLO's breach probability and budget exhaustion as the forecast saw them at ``as_of``.

    Parameters
    ----------
    inputs : RiskInputs
        :func:`~slm_analytics.review.load_risk_inputs`'s result.
    as_of : Timestamp or str
        Instant of the forecasts, within ``inputs`` (``""``: the end of ``inputs``' data). Data from
        ``as_of`` on is ignored, cut by :func:`~slm_analytics.review.inputs.risk_inputs_at`.
    n_paths : int
        Simulated paths per SLO.
    seed : int
        Seed of the random numbers (each SLO's exhaustion time uses it too).

    Returns
    -------
    FleetRisk

    Raises
    ------
    ParameterError
        ``as_of`` outside ``inputs``' data.
    InsufficientDataError
        Too little data before ``as_of`` (fewer than 14 days with events).

    Examples
    --------
    >>> from slm_analytics.review import load_risk_inputs, validate_risk_parameters
    >>> inputs = load_risk_inputs(validate_risk_parameters())
    >>> fleet = fleet_view(inputs, as_of="2026-10-05", n_paths=200)
    >>> fleet.as_of, len(fleet.risk) == len(fleet.exhaustion)
    (Timestamp('2026-10-05 00:00:00+0000', tz='UTC'), True)
    """
    from ..forecast import breach_probabilities, exhaustion_time
    from ..review.inputs import risk_inputs_at

    cut = risk_inputs_at(inputs.catalog, inputs.sli, as_of, data_dir=inputs.data_dir)
    risk = breach_probabilities(cut.sli, cut.catalog, as_of=cut.as_of, n_paths=n_paths, seed=seed)
    rows = {key: one for key, one in cut.sli.groupby(["service", "slo"], sort=False, observed=True)}
    since = cut.as_of - pd.Timedelta(days=SIMULATION_DAYS)
    recent = {key: one[(one["timestamp"] >= since).to_numpy()] for key, one in rows.items()}
    frames = []
    for service, name in zip(risk["service"], risk["slo"], strict=True):
        ex = exhaustion_time(recent[(service, name)], cut.catalog.slo(service, name), catalog=cut.catalog,
                             as_of=cut.as_of, n_paths=n_paths, seed=seed)
        frame = ex.to_frame()
        for col in ("median", "low", "high", "straight_line"):
            frame[f"{col}_date"] = _after(ex.as_of, getattr(ex, col))
        frames.append(frame)
    return FleetRisk(cut, risk, pd.concat(frames, ignore_index=True), rows, recent, n_paths, seed)


def _slo_of(fleet: FleetRisk, slo: tuple[str, str]) -> tuple[SLO, pd.DataFrame]:
    service, name = slo
    rows = fleet.rows.get((service, name))
    if rows is None or rows.empty:
        msg = (f"no SLI data for {service}/{name} before {fleet.as_of:%Y-%m-%d %H:%M} UTC; choose one of "
               f"the SLOs with data: {', '.join(f'{s}/{n}' for s, n in list(fleet.rows)[:10])}")
        raise InsufficientDataError(msg)
    return fleet.inputs.catalog.slo(service, name), rows


def slo_view(fleet: FleetRisk, *, slo: tuple[str, str]) -> SLODrillDown:
    """One SLO's daily error-rate forecast, trend and change points, from the data before the fleet's as_of.

    Parameters
    ----------
    fleet : FleetRisk
        :func:`fleet_view`'s result (its daily counts are used; nothing is simulated here).
    slo : tuple of str
        ``(service, slo)``.

    Returns
    -------
    SLODrillDown

    Raises
    ------
    InsufficientDataError
        The SLO has no data before ``as_of``, or too few days for the forecast or the trend test.

    Examples
    --------
    >>> from slm_analytics.review import load_risk_inputs, validate_risk_parameters
    >>> fleet = fleet_view(load_risk_inputs(validate_risk_parameters()), as_of="2026-10-05", n_paths=200)
    >>> drill = slo_view(fleet, slo=("checkout", "availability"))
    >>> drill.history["timestamp"].max(), len(drill.recent)
    (Timestamp('2026-10-04 00:00:00+0000', tz='UTC'), 90)
    """
    from ..forecast import forecast_sli
    from ..trend import change_points, trend_test

    definition, _ = _slo_of(fleet, slo)
    daily = fleet.inputs.daily
    history = daily[((daily["service"] == slo[0]) & (daily["slo"] == slo[1])).to_numpy()]
    history = history.assign(error_rate=1.0 - history["sli"]).reset_index(drop=True)
    recent = history.iloc[-TREND_DAYS:]
    if (recent["total"] > 0).sum() < 14:
        msg = (f"{slo[0]}/{slo[1]}: {int((recent['total'] > 0).sum())} days with events before "
               f"{fleet.as_of:%Y-%m-%d} UTC; the trend and forecast need at least 14: choose a later as_of")
        raise InsufficientDataError(msg)
    forecast = forecast_sli(history[["service", "slo", "timestamp", "good", "total"]], horizon=FORECAST_DAYS)
    trend = trend_test(recent.set_index("timestamp")["sli"], method="hamed_rao")
    changes = change_points(recent[["timestamp", "good", "total"]])
    return SLODrillDown(slo[0], slo[1], definition.target, history, forecast, recent, trend, changes)


def target_view(fleet: FleetRisk, *, slo: tuple[str, str], target: float) -> TargetWhatIf:
    """One SLO at a candidate target: past windows that met it, and the chance of missing it this window.

    Parameters
    ----------
    fleet : FleetRisk
        :func:`fleet_view`'s result: the SLO's rows before its ``as_of``, its paths and seed.
    slo : tuple of str
        ``(service, slo)``.
    target : float
        Candidate target in (0, 1).

    Returns
    -------
    TargetWhatIf

    Raises
    ------
    ParameterError
        ``target`` outside (0, 1).
    InsufficientDataError
        The SLO has no data before ``as_of``, or no complete past window.

    Examples
    --------
    >>> from slm_analytics.review import load_risk_inputs, validate_risk_parameters
    >>> fleet = fleet_view(load_risk_inputs(validate_risk_parameters()), as_of="2026-10-05", n_paths=200)
    >>> what_if = target_view(fleet, slo=("checkout", "availability"), target=0.9995)
    >>> what_if.achievability.targets["target"].tolist()
    [0.999, 0.9995]
    """
    from ..forecast import breach_probability, target_achievability

    definition, rows = _slo_of(fleet, slo)
    targets = sorted({definition.target, float(target)})
    catalog = fleet.inputs.catalog
    achievability = target_achievability(rows, definition, targets=targets, catalog=catalog)
    breach = breach_probability(fleet.recent[slo[0], slo[1]], definition, target=target, catalog=catalog,
                                as_of=fleet.as_of, n_paths=fleet.n_paths, seed=fleet.seed)
    return TargetWhatIf(slo[0], slo[1], float(target), definition.target, achievability, breach)


def risk_view(fleet: FleetRisk, *, slo: tuple[str, str], target: float,
              drill: SLODrillDown | None = None) -> RiskView:
    """Put the explorer's result together: the fleet, the SLO's drill-down and its target what-if.

    Parameters
    ----------
    fleet : FleetRisk
        :func:`fleet_view` at the chosen ``as_of``.
    slo : tuple of str
        ``(service, slo)`` of the drill-down.
    target : float
        The what-if target in (0, 1).
    drill : SLODrillDown, optional
        :func:`slo_view` of ``slo`` on ``fleet`` when already computed (a change of the target only).

    Returns
    -------
    RiskView

    Raises
    ------
    ParameterError, InsufficientDataError
        As :func:`slo_view` and :func:`target_view`.
    """
    if drill is None or (drill.service, drill.slo) != tuple(slo):
        drill = slo_view(fleet, slo=slo)
    return RiskView(fleet, drill, target_view(fleet, slo=slo, target=target))


def as_of_options(inputs: RiskInputs) -> list[tuple[str, pd.Timestamp]]:
    """List the ``as_of`` picker's choices: ``inputs``' end, then every week before it within the data.

    Parameters
    ----------
    inputs : RiskInputs

    Returns
    -------
    list of (str, Timestamp)
        Label (``"Mon 07 Dec 2026"``, the end marked ``(end of data)``) and UTC instant, latest first.

    Examples
    --------
    >>> from slm_analytics.review import load_risk_inputs, validate_risk_parameters
    >>> options = as_of_options(load_risk_inputs(validate_risk_parameters(as_of="2026-03-01")))
    >>> options[0]
    ('Sun 01 Mar 2026 00:00 UTC (end of data)', Timestamp('2026-03-01 00:00:00+0000', tz='UTC'))
    >>> options[-1][0]
    'Sun 02 Nov 2025 00:00 UTC'
    """
    week = pd.Timedelta(days=7)
    n = int(np.ceil((inputs.as_of - inputs.start) / week))  # every as_of - k weeks after the first bucket
    times = [inputs.as_of - k * week for k in range(n)]
    return [(f"{t:%a %d %b %Y %H:%M} UTC" + (" (end of data)" if k == 0 else ""), t)
            for k, t in enumerate(times)]


def target_options(inputs: RiskInputs) -> list[tuple[str, float]]:
    """List the what-if slider's targets: :data:`WHAT_IF_TARGETS` and every catalog SLO's own, increasing.

    Parameters
    ----------
    inputs : RiskInputs

    Returns
    -------
    list of (str, float)
        Label (``"99.95 %"``) and target, all inside (0, 1).

    Examples
    --------
    >>> from slm_analytics.review import load_risk_inputs, validate_risk_parameters
    >>> [label for label, _ in target_options(load_risk_inputs(validate_risk_parameters()))][-3:]
    ['99.9 %', '99.95 %', '99.99 %']
    """
    values = sorted({*WHAT_IF_TARGETS, *(float(o.target) for o in inputs.catalog.slos)})
    return [(f"{100 * v:.6g} %", v) for v in values if 0 < v < 1]


def _day(ts: Any) -> str:
    return "lasts" if ts is None or pd.isna(ts) else f"{ts:%a %d %b %Y}"


def exhaustion_shown(exhaustion: pd.DataFrame) -> Any:
    """:attr:`FleetRisk.exhaustion` for a reader: when each SLO's budget runs out, soonest first.

    Parameters
    ----------
    exhaustion : DataFrame
        :attr:`FleetRisk.exhaustion`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO by decreasing probability of running out: budget left, burn rate of the last 7 days,
        the chance the budget runs out before the end of the simulated window, the median date (10-90 %)
        and the straight-line date (remaining budget / current burn rate). Red from a 50 % chance, amber from
        5 %.
    """
    from ..review.formats import AMBER, RED, chance, left_align, signed_pct, styled

    order = exhaustion.sort_values(["probability", "remaining"], ascending=[False, True], kind="stable")
    shown = pd.DataFrame({
        "SLO": (order["service"].astype(str) + " / " + order["slo"].astype(str)).to_numpy(),
        "budget left": [signed_pct(v) for v in order["remaining"].to_numpy(dtype=float)],
        "burn rate (7 d)": [f"{v:.2f}" for v in order["burn_rate"].to_numpy(dtype=float)],
        "window end": [f"{t:%a %d %b %Y}" for t in order["window_end"]],
        "P(runs out)": [chance(v) for v in order["probability"].to_numpy(dtype=float)],
        "runs out (median, 10-90 %)": [f"{_day(m)} ({_day(lo)} – {_day(hi)})" for m, lo, hi in
                                       zip(order["median_date"], order["low_date"], order["high_date"],
                                           strict=True)],
        "straight line": [_day(t) if not pd.isna(r) else "never" for t, r in
                          zip(order["straight_line_date"], order["straight_line"], strict=True)],
    })
    p = order["probability"].to_numpy(dtype=float)
    colour = [RED if v >= 0.5 else AMBER if v >= 0.05 else "" for v in p]
    n_paths = int(order["n_paths"].iloc[0]) if len(order) else 0
    caption = ("When each SLO's error budget runs out: the chance it runs out before the end of the window "
               "simulated (calendar SLOs: their current period; rolling SLOs: one window length on), the "
               f"median date with the 10-90 % range over {n_paths:,} simulated paths ('lasts': after the "
               "window end), and the straight-line date of a burn-rate dashboard (budget left / burn rate "
               "of the last 7 days).")
    styler = styled(shown).set_caption(caption).apply(lambda _: colour, subset=["P(runs out)"])
    return left_align(styler, ["SLO", "window end", "runs out (median, 10-90 %)", "straight line"])


def _fleet_panel(view: RiskView) -> list[Any]:
    from ..charts import risk_chart
    from ..review import risk_table

    fleet = view.fleet
    title = f"Chance of missing each SLO at the end of its window, as of {fleet.as_of:%a %d %b %Y %H:%M} UTC"
    return [risk_chart(fleet.risk, title=title), risk_table(fleet.risk, fleet.inputs.catalog)]


def _forecast_panel(view: RiskView) -> list[Any]:
    from ..charts import forecast_chart

    d = view.drill
    title = (f"{d.service} / {d.slo}: daily error rate and its {FORECAST_DAYS}-day forecast (80 % and 95 % "
             f"bands) against the rate its {100 * d.target:.6g} % target allows")
    return [forecast_chart(d.history, d.forecast.forecasts, target=d.target, title=title)]


def _trend_panel(view: RiskView) -> list[Any]:
    from ..charts import trend_chart

    d = view.drill
    title = (f"{d.service} / {d.slo}: daily SLI over the last {len(d.recent)} days, Sen's slope and change "
             "points")
    return [trend_chart(d.recent, d.trend, d.changes, title=title)]


def _what_if_panel(view: RiskView) -> list[Any]:
    from ..charts import achievability_chart
    from ..review import achievability_table, risk_table

    w = view.what_if
    title = (f"{w.service} / {w.slo}: attainment of past {w.achievability.window} windows against "
             f"{100 * w.target:.6g} % (own target {100 * w.current:.6g} %)")
    return [achievability_chart(w.achievability, title=title), achievability_table(w.achievability),
            risk_table(w.breach.to_frame(), view.fleet.inputs.catalog)]


#: the explorer's panels, by name: what each section of the notebook shows
PANELS = {
    "fleet": _fleet_panel,
    "exhaustion": lambda view: [exhaustion_shown(view.fleet.exhaustion)],
    "forecast": _forecast_panel,
    "trend": _trend_panel,
    "what_if": _what_if_panel,
}


class _Cache:
    """The explorer's memory: the fleet per ``as_of`` (the last two) and the drill-down per (as_of, SLO)."""

    def __init__(self, inputs: RiskInputs, n_paths: int, seed: int) -> None:
        self.inputs, self.n_paths, self.seed = inputs, n_paths, seed
        self.fleets: dict[pd.Timestamp, FleetRisk] = {}
        self.drill: SLODrillDown | None = None
        self.drill_as_of: pd.Timestamp | None = None

    def fleet(self, as_of: pd.Timestamp) -> FleetRisk:
        if as_of not in self.fleets:
            fleet = fleet_view(self.inputs, as_of=as_of, n_paths=self.n_paths, seed=self.seed)
            while len(self.fleets) >= 2:
                self.fleets.pop(next(iter(self.fleets)))
            self.fleets[as_of] = fleet
        return self.fleets[as_of]

    def __call__(self, as_of: pd.Timestamp, slo: tuple[str, str], target: float) -> RiskView:
        fleet = self.fleet(as_of)
        drill = self.drill if self.drill_as_of == as_of else None
        view = risk_view(fleet, slo=slo, target=target, drill=drill)
        self.drill, self.drill_as_of = view.drill, as_of
        return view


def risk_explorer(inputs: RiskInputs, *, n_paths: int = 2000, seed: int = 0,
                  slo: tuple[str, str] = ("checkout", "availability"), target: float | None = 0.9995,
                  live: bool | None = None) -> App:
    """Build the SLO risk explorer: an ``as_of`` picker, an SLO drill-down, a target what-if and their panels.

    Parameters
    ----------
    inputs : RiskInputs
        :func:`~slm_analytics.review.load_risk_inputs`'s result: the picker offers its end and every week
        before it.
    n_paths : int
        Simulated paths per SLO, for the fleet and the what-if.
    seed : int
        Seed of the simulations.
    slo : tuple of str
        ``(service, slo)`` shown first; the first SLO with data if this one has none.
    target : float, optional
        What-if target shown first (one of :func:`target_options`); ``None``: the SLO's own.
    live : bool, optional
        Widgets (``True``) or static pictures (``False``); default:
        :func:`~slm_analytics.widgets.interactive`.

    Returns
    -------
    App
        Controls ``as_of``, ``slo``, ``target`` and panels ``fleet`` (breach-probability chart and table),
        ``exhaustion`` (when budgets run out), ``forecast`` (the SLO's forecast bands), ``trend`` (its trend
        and change points) and ``what_if`` (achievability of the target and the chance of missing it).
        A change of ``as_of`` simulates the fleet again (kept for the last two dates); a change of the SLO
        or the target computes that SLO only.

    Raises
    ------
    ParameterError
        A ``target`` that is not one of the slider's.

    Examples
    --------
    >>> from slm_analytics.review import load_risk_inputs, validate_risk_parameters
    >>> app = risk_explorer(load_risk_inputs(validate_risk_parameters()), n_paths=200, live=False)
    >>> app.values["slo"], app.values["target"]
    (('checkout', 'availability'), 0.9995)
    """
    import ipywidgets as w

    pairs = inputs.sli[["service", "slo"]].drop_duplicates()
    have = set(zip(pairs["service"].astype(str), pairs["slo"].astype(str), strict=True))
    slos = [(o.service, o.name) for o in inputs.catalog.slos if (o.service, o.name) in have]
    if not slos:
        msg = f"no catalog SLO has SLI data before {inputs.as_of:%Y-%m-%d %H:%M} UTC; nothing to explore"
        raise InsufficientDataError(msg)
    first = tuple(slo) if tuple(slo) in slos else slos[0]
    targets = target_options(inputs)
    chosen = inputs.catalog.slo(*first).target if target is None else float(target)
    if chosen not in [v for _, v in targets]:
        msg = (f"risk_explorer: target {target!r} is not one of the slider's targets "
               f"{[v for _, v in targets]}; give one of them or None for the SLO's own")
        raise ParameterError(msg)
    times = as_of_options(inputs)
    style = {"description_width": "initial"}
    live = interactive() if live is None else live
    with widget_comms(live):
        controls = {
            "as_of": w.Dropdown(options=times, value=times[0][1], description="As of", style=style),
            "slo": w.Dropdown(options=[(f"{s} / {n}", (s, n)) for s, n in slos], value=first,
                              description="SLO", style=style),
            "target": w.SelectionSlider(options=targets, value=chosen, description="What-if target",
                                        continuous_update=False, style=style,
                                        layout=w.Layout(width="420px")),
        }
        return App(controls, _Cache(inputs, n_paths, seed), PANELS, live=live)
