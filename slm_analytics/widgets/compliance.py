"""The compliance explorer: one SLO's attainment, budget, alerts, worst hours and SLA, under what-if settings.

:func:`compliance_view` is the one library call behind the controls (service, SLO, compliance window, date
range, budgeting method, what-if target): it returns a :class:`ComplianceView` of frames and numbers, every
one of them computed by the package's functions (:func:`~slm_analytics.budget.attainment`,
:func:`~slm_analytics.sli.sli_interval`, :func:`~slm_analytics.budget.error_budget`,
:func:`~slm_analytics.budget.rolling_compliance`, :func:`~slm_analytics.budget.backtest_alerts` (whose
replayed alerts are :func:`~slm_analytics.budget.burn_rate_alerts`'),
:func:`~slm_analytics.improvement.worst_hours`, :func:`~slm_analytics.sla.sla_attainment`).
:func:`compliance_explorer` builds the :class:`~slm_analytics.widgets.App` a notebook shows: the controls and
the panels ``attainment``, ``budget``, ``alerts``, ``backtest``, ``worst_hours`` and ``sla``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import infer_step
from ..budget import (
    BacktestResult,
    attainment,
    backtest_alerts,
    burn_rate_thresholds,
    error_budget,
    rolling_compliance,
)
from ..errors import InsufficientDataError, ParameterError
from ..improvement import worst_hours
from ..methods import METHODS
from ..sla import sla_attainment
from ..sli import ratio_sli, sli_interval
from ._app import App, Message, interactive, widget_comms

if TYPE_CHECKING:
    from ..catalog import SLO, Catalog
    from ..review.inputs import ReviewInputs

__all__ = ["TARGETS", "WINDOWS", "ComplianceView", "compliance_explorer", "compliance_view", "fleet_heatmap"]

#: the compliance windows a reader can choose: value for rolling_compliance -> label
WINDOWS: dict[str, str] = {"7d": "rolling 7 days", "28d": "rolling 28 days", "30d": "rolling 30 days",
                           "month": "calendar month", "quarter": "calendar quarter"}
#: what-if targets offered besides the SLO's own (all inside (0, 1))
TARGETS: tuple[float, ...] = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
_DAY = pd.Timedelta(days=1)
#: parts a memo keeps before it is emptied (each part of one selection is a few frames)
_MEMO_SIZE = 256


@dataclass(frozen=True)
class ComplianceView:
    """What the compliance explorer shows for one selection (see :func:`compliance_view`).

    Attributes
    ----------
    service, slo : str
        The SLO.
    window : str
        The compliance window (``"28d"``, ``"month"`` ...; a key of :data:`WINDOWS`).
    method : str
        The budgeting method the numbers are counted in.
    target, own_target : float
        The (what-if) target used, and the SLO's own.
    start, end : Timestamp
        The range ``[start, end)`` (UTC midnights; ``end`` is the day after the last day chosen).
    attainment : DataFrame
        One row: ``service``, ``slo``, ``method``, ``unit``, ``good``, ``total``, ``attainment``, ``lower``,
        ``upper`` (its ``confidence`` interval; ``NaN`` for RatioTimeslices, whose units are not a binomial
        count), ``p_below_target``, ``target``, ``own_target``, ``met``, ``allowed_bad``, ``actual_bad``,
        ``budget_consumed`` (share of the range's budget spent) and ``budget_remaining``.
    daily : DataFrame
        One row per day of the range: ``service``, ``slo``, ``timestamp`` (UTC day start), ``sli`` and
        ``budget_remaining`` of the compliance window ending with the day's last bucket, ``window_label``.
    burn : DataFrame
        The SLI per hour (ranges up to 14 days), 6 hours (up to 92 days) or day: ``service``, ``slo``,
        ``timestamp``, ``good``, ``total``, ``sli`` (events, :func:`~slm_analytics.sli.ratio_sli` of the
        hourly counts).
    thresholds : DataFrame
        The SLO's alert rules (:func:`~slm_analytics.budget.burn_rate_thresholds`).
    policy : str
        The alert policy's name (``"sre-workbook"`` when the SLO names none).
    backtest : BacktestResult
        That policy replayed over the range and scored against the service's incidents; its ``alerts`` are
        the burn-rate alerts of the range.
    worst_hours : DataFrame
        :func:`~slm_analytics.improvement.worst_hours` of the range.
    sla : DataFrame or None
        :func:`~slm_analytics.sla.sla_attainment` of the service's SLAs: one row per SLA and contract period
        overlapping the range, each period counted whole (a contract is settled per period), with the
        credits; ``None`` when the service has no SLA.
    confidence : float
        The interval's confidence level.
    """

    service: str
    slo: str
    window: str
    method: str
    target: float
    own_target: float
    start: pd.Timestamp
    end: pd.Timestamp
    attainment: pd.DataFrame
    daily: pd.DataFrame
    burn: pd.DataFrame
    thresholds: pd.DataFrame
    policy: str
    backtest: BacktestResult
    worst_hours: pd.DataFrame
    sla: pd.DataFrame | None
    confidence: float

    def __repr__(self) -> str:
        a = self.attainment.iloc[0]
        return (f"ComplianceView({self.service}/{self.slo}, {self.start:%Y-%m-%d} to "
                f"{self.end - _DAY:%Y-%m-%d}, {self.method}, target {self.target:g}: attainment "
                f"{a['attainment']:.5f}, budget consumed {a['budget_consumed']:.3f}, "
                f"{len(self.backtest.alerts)} alert(s), {len(self.worst_hours)} worst hour(s))")

    def to_frame(self) -> pd.DataFrame:
        """Return the attainment row."""
        return self.attainment.copy()


# ------------------------------------------------------------------------------------------- the view


def _memo(memo: MutableMapping[Hashable, Any] | None, key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value kept in ``memo`` under ``key`` (a cache: same value either way)."""
    if memo is None:
        return compute()
    if key not in memo:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = compute()
    return memo[key]


def _day(value: Any, what: str) -> pd.Timestamp:
    """Return a day as its UTC midnight; a date, ``"YYYY-MM-DD"`` or a timestamp (naive: UTC)."""
    try:
        ts = pd.to_datetime(value, format="ISO8601") if isinstance(value, str) else pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        msg = f"compliance_view: {what} {str(value)[:40]!r} is not a day; give 'YYYY-MM-DD' or a date"
        raise ParameterError(msg) from exc
    if ts is pd.NaT:
        msg = f"compliance_view: {what} is missing (NaT); give 'YYYY-MM-DD' or a date"
        raise ParameterError(msg)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.floor("D").as_unit("us")


def _checked(catalog: Catalog, service: str, slo: str, window: str, method: str, target: float) -> SLO:
    o = catalog.slo(service, slo)  # DefinitionError naming the service's SLOs
    if window not in WINDOWS:
        msg = f"compliance_view: window {window!r} is not one of {list(WINDOWS)}"
        raise ParameterError(msg)
    if method not in METHODS:
        msg = f"compliance_view: method {method!r} is not one of {list(METHODS)} (OpenSLO budgetingMethod)"
        raise ParameterError(msg)
    if not isinstance(target, int | float) or not 0 < float(target) < 1:
        msg = f"compliance_view: target {target!r} is not inside (0, 1); e.g. 0.999 for 99.9 %"
        raise ParameterError(msg)
    return o


def _what_if(catalog: Catalog, o: SLO, method: str, target: float, rows: pd.DataFrame) -> Catalog:
    """Return the catalog with the SLO counted in ``method`` against ``target``.

    An SLO counted in slices it does not define takes slices of one bucket and, for Timeslices, its own
    target as the threshold a slice must reach.
    """
    if method == o.budgeting_method and target == o.target:
        return catalog
    update: dict[str, Any] = {"budgeting_method": method, "target": float(target)}
    if method != "Occurrences" and o.timeslice_window is None:
        step = infer_step(rows["timestamp"].iloc[:2_000]) or pd.Timedelta(minutes=5)
        update["timeslice_window"] = f"{int(step / pd.Timedelta(minutes=1))}m"
    if method == "Timeslices" and o.timeslice_target is None:
        update["timeslice_target"] = o.target
    new = type(o).model_validate({**o.model_dump(), **update})
    return catalog.model_copy(update={"slos": tuple(new if x.key == o.key else x for x in catalog.slos)})


def _attainment_row(rows: pd.DataFrame, o: SLO, own_target: float, confidence: float, tz: str,
                    start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Attainment of the range in the SLO's units, its interval and the range's error budget."""
    a = attainment(rows, method=o.budgeting_method, timeslice_target=o.timeslice_target,
                   timeslice_window=o.timeslice_window, tz=tz).iloc[0]
    good, total = float(a["good"]), float(a["total"])
    if total <= 0:
        msg = (f"no SLI data for {o.service}/{o.name} between {start:%Y-%m-%d} and {end - _DAY:%Y-%m-%d} "
               "(every bucket of the range has no events)")
        raise InsufficientDataError(msg)
    if o.budgeting_method == "RatioTimeslices":  # a mean of slice ratios: not a binomial count
        lower = upper = p_below = np.nan
    else:
        iv = sli_interval(int(round(good)), int(round(total)), confidence=confidence, target=o.target).iloc[0]
        lower, upper, p_below = float(iv["lower"]), float(iv["upper"]), float(iv["p_below_target"])
    budget = error_budget(good=good, total=total, target=o.target, window=end - start)
    unit = "events" if o.budgeting_method == "Occurrences" else "slices"
    return pd.DataFrame([{
        "service": o.service, "slo": o.name, "method": o.budgeting_method, "unit": unit, "good": good,
        "total": total, "attainment": float(a["attainment"]), "lower": lower, "upper": upper,
        "p_below_target": p_below, "target": o.target, "own_target": own_target,
        "met": bool(a["attainment"] >= o.target), "allowed_bad": budget.allowed_bad,
        "actual_bad": float(budget.actual_bad), "budget_consumed": budget.consumed,
        "budget_remaining": budget.remaining,
    }])


def _daily(rc: pd.DataFrame, o: SLO, window: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Take the compliance window's SLI and remaining budget at the end of each day of the range.

    ``rc`` is :func:`~slm_analytics.budget.rolling_compliance` of the SLO's rows, in time order.
    """
    t = rc["timestamp"].array.as_unit("us").asi8
    lo, hi = np.searchsorted(t, [start.value // 1000, end.value // 1000])
    day = t[lo:hi] // 86_400_000_000
    last = lo + np.flatnonzero(np.append(day[1:] != day[:-1], True)) if hi > lo else np.zeros(0, dtype=int)
    return pd.DataFrame({
        "service": o.service, "slo": o.name,
        "timestamp": rc["timestamp"].iloc[last].dt.floor("D").to_numpy(),
        "sli": rc["sli"].to_numpy(dtype=float)[last],
        "budget_remaining": rc["budget_remaining"].to_numpy(dtype=float)[last],
        "window_label": WINDOWS[window],
    })


def _burn_freq(start: pd.Timestamp, end: pd.Timestamp) -> str:
    days = (end - start) / _DAY
    return "1h" if days <= 14 else "6h" if days <= 92 else "1D"


def _sla(service_rows: pd.DataFrame, catalog: Catalog, maintenance: pd.DataFrame, service: str
         ) -> pd.DataFrame | None:
    """Every contract period of the service's SLAs over its data (``None``: the service has no SLA)."""
    slas = [s for s in catalog.slas if s.service == service]
    if not slas:
        return None
    frames = []
    for s in slas:
        rows = service_rows[(service_rows["slo"] == s.slo).to_numpy()]
        if len(rows):
            frames.append(sla_attainment(rows, catalog, exclusions=maintenance, sla=f"{service}/{s.name}"))
    return pd.concat(frames, ignore_index=True) if frames else None


def _periods_in(sla: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame | None:
    """Keep the contract periods overlapping ``[start, end)``, whole (a contract counts whole periods)."""
    if sla is None:
        return None
    return sla[((sla["period_start"] < end) & (sla["period_end"] > start)).to_numpy()].reset_index(drop=True)


def compliance_view(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    incidents: pd.DataFrame,
    maintenance: pd.DataFrame,
    service: str,
    slo: str,
    window: str,
    start: Any,
    end: Any,
    method: str,
    target: float,
    confidence: float = 0.95,
    n_hours: int = 10,
    memo: MutableMapping[Hashable, Any] | None = None,
) -> ComplianceView:
    r"""Compute everything the compliance explorer shows for one SLO, range and what-if setting.

    Parameters
    ----------
    sli : DataFrame
        Bucket counts (``timestamp``, ``service``, ``slo``, ``good``, ``total``), e.g. ``inputs.sli``; the
        service's rows are enough.
    catalog : Catalog
        The SLOs, alert policies and SLAs.
    incidents, maintenance : DataFrame
        Incident records and planned maintenance windows (``ReviewInputs.incidents``, ``.maintenance``).
    service, slo : str
        The SLO.
    window : {"7d", "28d", "30d", "month", "quarter"}
        The compliance window of the budget burn-down (:data:`WINDOWS`).
    start, end : str, date or Timestamp
        The first and the last day of the range (UTC days, both included).
    method : {"Occurrences", "Timeslices", "RatioTimeslices"}
        The budgeting method to count in (what if the SLO were counted so). Timeslices on an SLO without a
        slice threshold takes its own target as the threshold.
    target : float
        The what-if target, inside (0, 1).
    confidence : float
        Confidence level of the attainment's interval.
    n_hours : int
        How many worst hours to list.
    memo : dict, optional
        A cache of the parts (keyed by the controls each depends on), so that a change of one control
        recomputes only what depends on it; the explorer keeps one. The result is the same without it.

    Returns
    -------
    ComplianceView

    Raises
    ------
    DefinitionError
        The service or the SLO is not in the catalog.
    ParameterError
        An unknown window or method, a target outside (0, 1), a day that is not one, ``end`` before
        ``start``.
    InsufficientDataError
        No SLI data for the SLO in the range.

    Notes
    -----
    Attainment and error budget are counted over ``[start, end + 1 day)`` in the method's units; the
    budget burn-down is the compliance window's (:func:`~slm_analytics.budget.rolling_compliance`, which
    looks back before ``start``). The burn-rate alerts are those of the SLO's own alert policy replayed over
    the range with the maintenance windows removed, as :func:`~slm_analytics.budget.backtest_alerts` scores
    them against the service's incidents (one policy only: all of them cost about twice as much).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, cat = read_dataset("sli_5min"), read_dataset("catalog")
    >>> v = compliance_view(sli[sli["service"] == "payments"], cat, incidents=read_dataset("incidents"),
    ...                     maintenance=read_dataset("maintenance"), service="payments", slo="availability",
    ...                     window="28d", start="2026-02-01", end="2026-02-28", method="Occurrences",
    ...                     target=0.9995)
    >>> round(float(v.attainment["budget_consumed"].iloc[0]), 3)
    4.762
    >>> v.worst_hours["incidents"].iloc[0]
    'INC-0066 (P1, dependency)'
    """
    own = _checked(catalog, service, slo, window, method, target)
    target = float(target)
    t0, t1 = _day(start, "start"), _day(end, "end") + _DAY
    if t1 <= t0:
        msg = (f"compliance_view: end {end!r} is before start {start!r}; choose a range of days within the "
               "data")
        raise ParameterError(msg)
    tz = catalog.service(service).timezone
    sel = (service, slo)

    def service_rows() -> pd.DataFrame:
        return sli[(sli["service"] == service).to_numpy()]

    srows = _memo(memo, ("service_rows", service), service_rows)
    slo_rows = _memo(memo, ("slo_rows", *sel), lambda: srows[(srows["slo"] == slo).to_numpy()])

    def in_range(frame: pd.DataFrame) -> pd.DataFrame:
        ts = frame["timestamp"]
        return frame[((ts >= t0) & (ts < t1)).to_numpy()]

    rows = _memo(memo, ("rows", *sel, t0, t1), lambda: in_range(slo_rows))
    if rows.empty:
        msg = f"no SLI data for {service}/{slo} between {t0:%Y-%m-%d} and {t1 - _DAY:%Y-%m-%d}"
        raise InsufficientDataError(msg)
    cat = _memo(memo, ("catalog", *sel, method, target),
                lambda: _what_if(catalog, own, method, target, slo_rows))
    o = cat.slo(service, slo)
    att = _memo(memo, ("attainment", *sel, t0, t1, method, target, confidence),
                lambda: _attainment_row(rows, o, own.target, confidence, tz, t0, t1))
    rc = _memo(memo, ("rolling", *sel, window, method, target),
               lambda: rolling_compliance(slo_rows, cat, window=window))
    daily = _daily(rc, o, window, t0, t1)
    hourly = _memo(memo, ("hourly", *sel), lambda: ratio_sli(slo_rows, freq="1h"))
    burn = _memo(memo, ("burn", *sel, t0, t1),
                 lambda: ratio_sli(in_range(hourly), freq=_burn_freq(t0, t1)))
    policy = cat.alert_policy(o.alert_policy) if o.alert_policy else None
    name = policy.name if policy is not None else "sre-workbook"
    inc = _memo(memo, ("incidents", service), lambda: incidents[(incidents["service"] == service).to_numpy()])
    mnt = _memo(memo, ("maintenance", service),
                lambda: maintenance[(maintenance["service"] == service).to_numpy()])
    bt = _memo(memo, ("backtest", *sel, t0, t1, method, target),
               lambda: backtest_alerts(rows, inc, cat, policies={name: policy}, exclusions=mnt))
    worst = _memo(memo, ("worst", *sel, t0, t1, method, target, n_hours),
                  lambda: worst_hours(rows, cat, start=t0, end=t1, n=n_hours, incidents=inc, exclusions=mnt))
    sla = _periods_in(_memo(memo, ("sla", service), lambda: _sla(srows, catalog, mnt, service)), t0, t1)
    thresholds = _memo(memo, ("thresholds", *sel), lambda: burn_rate_thresholds(o.window, policy))
    return ComplianceView(
        service=service, slo=slo, window=window, method=method, target=target, own_target=own.target,
        start=t0, end=t1, attainment=att, daily=daily, burn=burn,
        thresholds=thresholds, policy=name, backtest=bt, worst_hours=worst,
        sla=sla, confidence=confidence,
    )


# ------------------------------------------------------------------------------------------- the panels


def _table(frame: pd.DataFrame, formats: dict[str, str]) -> Any:
    """Show a table for a reader: index hidden, text escaped, numbers written with ``formats``."""
    shown = frame[list(formats)] if formats else frame
    return shown.style.hide(axis="index").format(
        {c: f for c, f in formats.items() if f}, na_rep="–").format(escape="html", subset=[
            c for c, f in formats.items() if not f])


def _percent_digits(target: float) -> str:
    """Return a percent format one decimal finer than a target: 99.95 % -> ``{:.3%}``, 99 % -> ``{:.1%}``."""
    text = f"{target * 100:.6g}"
    decimals = len(text.split(".")[1]) + 1 if "." in text else 1
    return f"{{:.{min(decimals, 5)}%}}"


def _attainment_panel(v: ComplianceView) -> list[Any]:
    from .. import charts

    a = v.attainment
    pct = _percent_digits(v.target)
    chart = charts.attainment_interval_chart(a, confidence=v.confidence, title=(
        f"{v.service} / {v.slo}: attainment {v.start:%d %b %Y} to {v.end - _DAY:%d %b %Y} "
        f"with its {v.confidence:.0%} interval"))
    table = _table(a.assign(period=f"{v.start:%Y-%m-%d} to {v.end - _DAY:%Y-%m-%d}"), {
        "period": "", "method": "", "unit": "", "good": "{:,.1f}", "total": "{:,.0f}", "attainment": pct,
        "lower": pct, "upper": pct, "target": pct, "own_target": pct, "p_below_target": "{:.3g}",
        "allowed_bad": "{:,.1f}", "actual_bad": "{:,.1f}", "budget_consumed": "{:.1%}",
        "budget_remaining": "{:.1%}"})
    return [chart, table]


def _budget_panel(v: ComplianceView) -> list[Any]:
    from .. import charts

    label = WINDOWS[v.window]
    when = f"{v.start:%d %b %Y} to {v.end - _DAY:%d %b %Y}"
    return [charts.budget_chart(v.daily, title=f"{v.service} / {v.slo}: error budget remaining over the "
                                               f"{label}, {when}"),
            charts.sli_chart(v.daily, target=v.target,
                             title=f"{v.service} / {v.slo}: SLI over the {label} at the end of each day")]


def _alerts_panel(v: ComplianceView) -> list[Any]:
    from .. import charts

    alerts = v.backtest.alerts
    shown: list[Any] = [charts.burn_rate_chart(v.burn, alerts, target=v.target, thresholds=v.thresholds,
                                               title=f"{v.service} / {v.slo}: burn rate and the alerts of "
                                                     f"policy {v.policy}")]
    if alerts.empty:
        shown.append(Message(f"No burn-rate alert of policy {v.policy} fired between {v.start:%d %b %Y} and "
                             f"{v.end - _DAY:%d %b %Y}."))
    else:
        shown.append(_table(alerts.assign(start=alerts["start"].dt.strftime("%Y-%m-%d %H:%M UTC"),
                                          end=alerts["end"].dt.strftime("%Y-%m-%d %H:%M UTC")),
                            {"severity": "", "rule": "", "burn_rate": "{:g}", "start": "", "end": "",
                             "true_positive": ""}))
    return shown


def _backtest_panel(v: ComplianceView) -> list[Any]:
    from .. import charts

    bt = v.backtest
    s = bt.summary
    if int(s["incidents"].iloc[0]) == 0:
        return [Message(f"No incident of {v.service} recorded between {v.start:%d %b %Y} and "
                        f"{v.end - _DAY:%d %b %Y}: nothing to score the alerts against.")]
    m = bt.matches
    matches = m.assign(started_at=m["started_at"].dt.strftime("%Y-%m-%d %H:%M UTC"),
                       detection_time=m["detection_time"].astype(str).replace("NaT", "not detected"))
    return [charts.backtest_chart(bt, title=f"{v.service}: alert policy {v.policy} against the recorded "
                                            "incidents"),
            _table(s, {"policy": "", "alerts": "{:d}", "incidents": "{:d}", "detected": "{:d}",
                       "precision": "{:.0%}", "recall": "{:.0%}", "recall_p1_p2": "{:.0%}"}),
            _table(matches, {"id": "", "severity": "", "started_at": "", "detected": "",
                             "detection_time": "", "budget_before_detection": "{:.1%}"})]


def _worst_panel(v: ComplianceView) -> list[Any]:
    from .. import charts

    w = v.worst_hours
    if w.empty:
        return [Message(f"No hour between {v.start:%d %b %Y} and {v.end - _DAY:%d %b %Y} had a bad "
                        f"{'event' if v.method == 'Occurrences' else 'slice'}: no budget was spent.")]
    hours = w.assign(hour=w["hour"].dt.strftime("%a %d %b %Y %H:00 UTC"))
    return [charts.worst_hours_chart(w), _table(hours, {
        "rank": "{:d}", "hour": "", "bad": "{:,.1f}", "total": "{:,.0f}", "budget_share": "{:.2%}",
        "maintenance": "", "incidents": ""})]


def _sla_panel(v: ComplianceView) -> list[Any]:
    if v.sla is None:
        return [Message(f"{v.service} has no SLA: no contract target and no service credits to show.")]
    if v.sla.empty:
        return [Message(f"No contract period of {v.service}'s SLA overlaps {v.start:%d %b %Y} to "
                        f"{v.end - _DAY:%d %b %Y}.")]
    s = v.sla
    shown = s.assign(period=s["period_start"].dt.strftime("%Y-%m-%d") + " to "
                     + (s["period_end"] - pd.Timedelta(microseconds=1)).dt.strftime("%Y-%m-%d"))
    pct = _percent_digits(float(s["target"].max()))
    return [_table(shown, {"sla": "", "slo": "", "period": "", "attainment": pct, "target": pct,
                           "breached": "", "complete": "", "credit": "{:.0%}", "credit_amount": "{:,.0f}"})]


PANELS: dict[str, Callable[[ComplianceView], list[Any]]] = {
    "attainment": _attainment_panel,
    "budget": _budget_panel,
    "alerts": _alerts_panel,
    "backtest": _backtest_panel,
    "worst_hours": _worst_panel,
    "sla": _sla_panel,
}


# ------------------------------------------------------------------------------------------- the explorer


def fleet_heatmap(inputs: ReviewInputs, *, months: int = 12) -> Any:
    """Draw the fleet at a glance: every SLO's attainment in each of the last complete months, met or missed.

    Parameters
    ----------
    inputs : ReviewInputs
        The data (:func:`~slm_analytics.review.load_explorer_inputs`).
    months : int
        How many calendar months, ending with the latest month the data covers completely (in UTC).

    Returns
    -------
    alt.LayerChart
        :func:`~slm_analytics.charts.compliance_heatmap` of
        :func:`~slm_analytics.review.fleet_monthly_attainment` (one row per SLO).

    Raises
    ------
    ParameterError
        ``months`` below 1.
    InsufficientDataError
        If the data covers no complete month.

    Examples
    --------
    >>> from slm_analytics.review import load_explorer_inputs, validate_explorer_parameters
    >>> chart = fleet_heatmap(load_explorer_inputs(validate_explorer_parameters()), months=3)
    >>> chart.to_dict()["title"]["text"]
    'Attainment against target by SLO, August to October 2026'
    """
    from .. import charts
    from ..review import fleet_monthly_attainment, latest_complete_month

    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        msg = f"fleet_heatmap: months must be a whole number of at least 1, got {months!r}"
        raise ParameterError(msg)
    last = pd.Period(latest_complete_month(inputs.sli), freq="M")
    names = [str(p) for p in pd.period_range(end=last, periods=months, freq="M")]
    table = fleet_monthly_attainment(inputs.sli, inputs.catalog, months=names)
    first, final = pd.Period(names[0], freq="M"), last
    span = (f"{first:%B} to {final:%B %Y}" if first.year == final.year
            else f"{first:%B %Y} to {final:%B %Y}")
    return charts.compliance_heatmap(table, title=f"Attainment against target by SLO, {span}")


def _target_options(own: float) -> list[tuple[str, float]]:
    values = sorted({*TARGETS, float(own)})
    return [(f"{t * 100:.6g} %" + (" (the SLO's)" if t == own else ""), t) for t in values]


def _controls(slos_of: dict[str, list[str]], service: str, own: Any, days: pd.DatetimeIndex,
              layout: dict[str, Any]) -> dict[str, Any]:
    """Build the explorer's controls on the first service's first SLO."""
    import ipywidgets as w

    return {
        "service": w.Dropdown(options=list(slos_of), value=service, description="Service"),
        "slo": w.Dropdown(options=slos_of[service], value=own.name, description="SLO"),
        "window": w.Dropdown(options=[(label, k) for k, label in WINDOWS.items()], value=own.window
                             if own.window in WINDOWS else "28d", description="Window"),
        "days": w.SelectionRangeSlider(options=[(f"{d:%d %b %Y}", d) for d in days],
                                       index=(0, len(days) - 1), description="Days", **layout),
        "method": w.Dropdown(options=list(METHODS), value=own.budgeting_method, description="Budgeting"),
        "target": w.SelectionSlider(options=_target_options(own.target), value=own.target,
                                    description="What-if target", **layout),
    }


def compliance_explorer(inputs: ReviewInputs, *, live: bool | None = None) -> App:
    """Build the compliance explorer: controls for the selection and the what-ifs, and six panels.

    Parameters
    ----------
    inputs : ReviewInputs
        The data (:func:`~slm_analytics.review.load_explorer_inputs`): SLI counts, catalog, incidents and
        maintenance windows.
    live : bool, optional
        Interactive widgets or static pictures (default: :func:`~slm_analytics.widgets.interactive`).

    Returns
    -------
    App
        Controls ``service``, ``slo`` (the service's SLOs with data), ``window`` (:data:`WINDOWS`), ``days``
        (a range of days within the data), ``method`` (the three OpenSLO budgeting methods; the SLO's by
        default) and ``target`` (:data:`TARGETS` and the SLO's own; the SLO's by default). Choosing a
        service or an SLO resets the controls that follow it, in one update. Panels ``attainment``,
        ``budget``, ``alerts``, ``backtest``, ``worst_hours`` and ``sla``, each computed by
        :func:`compliance_view`.

    Raises
    ------
    InsufficientDataError
        The data holds no SLO of the catalog.

    Examples
    --------
    >>> from slm_analytics.review import load_explorer_inputs, validate_explorer_parameters
    >>> app = compliance_explorer(load_explorer_inputs(validate_explorer_parameters(data_dir="")), live=False)
    >>> app.values["service"], app.values["slo"], app.values["method"]
    ('checkout', 'availability', 'Occurrences')
    >>> sorted(app.shown("sla")[0].data.columns)[:3]
    ['attainment', 'breached', 'complete']
    """
    catalog, sli = inputs.catalog, inputs.sli
    present = sli[["service", "slo"]].drop_duplicates()
    pairs = set(zip(present["service"].astype(str), present["slo"].astype(str), strict=True))
    slos_of = {s.name: [o.name for o in catalog.slos_of(s.name) if (s.name, o.name) in pairs]
               for s in catalog.services}
    slos_of = {k: v for k, v in slos_of.items() if v}
    if not slos_of:
        msg = "compliance_explorer: the SLI data holds no SLO of the catalog; check the data folder"
        raise InsufficientDataError(msg)
    ts = sli["timestamp"]
    days = pd.date_range(ts.min().floor("D"), ts.max().floor("D"), freq="D")
    service = next(iter(slos_of))
    own = catalog.slo(service, slos_of[service][0])
    layout = {"style": {"description_width": "initial"}, "continuous_update": False}
    live = interactive() if live is None else live
    with widget_comms(live):
        controls = _controls(slos_of, service, own, days, layout)
    memo: dict[Hashable, Any] = {}
    last: dict[str, Any] = {}
    holder: list[App] = []

    def reset_slo(change: Any) -> None:  # the service's SLOs; the first one's settings
        with holder[0].hold():
            controls["slo"].options = slos_of[change["new"]]
            reset_settings({"new": controls["slo"].value})

    def reset_settings(change: Any) -> None:  # the SLO's own method and target
        o = catalog.slo(controls["service"].value, change["new"])
        with holder[0].hold():
            controls["method"].value = o.budgeting_method
            controls["target"].options = _target_options(o.target)
            controls["target"].value = o.target
            if o.window in WINDOWS:
                controls["window"].value = o.window

    controls["service"].observe(reset_slo, names="value")
    controls["slo"].observe(reset_settings, names="value")

    def update(*, days: tuple[pd.Timestamp, pd.Timestamp], **values: Any) -> ComplianceView:
        key = (days, tuple(sorted(values.items())))
        if last.get("key") != key:  # the dependent controls' update already computed this selection
            last["key"], last["view"] = key, None
            last["view"] = compliance_view(sli, catalog, incidents=inputs.incidents,
                                           maintenance=inputs.maintenance, start=days[0], end=days[1],
                                           memo=memo, **values)
        return last["view"]

    app = App(controls, update, PANELS, live=live)
    holder.append(app)
    return app
