"""The review's tables: each section's result presented for a report, as a pandas Styler.

Each ``*_table`` function takes the result of one computation (:mod:`~slm_analytics.review.month`,
:mod:`~slm_analytics.forecast`) and presents it: values written by :mod:`~slm_analytics.review.formats`
(the numbers underneath are not rounded), misses in red, warnings in amber, text columns left-aligned and
a caption saying how to read the table. A section with nothing to show returns a
:class:`~slm_analytics.review.Note` instead. :func:`service_header` heads the review: who and what it is
about, and how much of the month the data covers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import require_columns
from .formats import (
    AMBER,
    GREEN,
    RED,
    attainment_pct,
    budget_minutes,
    chance,
    definition_table,
    duration,
    error_rate_pct,
    last_instant,
    left_align,
    month_name,
    multiple,
    pct,
    points,
    short_day,
    signed_pct,
    styled,
    target_pct,
)
from .inputs import bucket_span
from .notes import Note, exhaustion_words, policy_evidence, straight_words, trend_words, window_words

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from ..catalog import Catalog

__all__ = [
    "ServiceHeader",
    "achievability_table",
    "alert_table",
    "attainment_table",
    "breach_backtest_table",
    "budget_table",
    "forecast_backtest_table",
    "incident_availability_table",
    "incident_table",
    "maintenance_table",
    "outlook_table",
    "policy_table",
    "risk_table",
    "service_header",
    "sla_table",
    "threshold_table",
    "trend_table",
]


@dataclass(frozen=True)
class ServiceHeader:
    """Who and what a review is about; displays as a small definition list.

    Attributes
    ----------
    service, description, owner : str
        From the catalog.
    tier : int
        Criticality, 1 (most critical) to 3.
    timezone : str
        The service's time zone: the month is cut in it.
    month : str
        The reviewed month, ``YYYY-MM``.
    period_start, period_end : Timestamp
        The month's bounds in ``timezone``.
    slos : tuple of str
        The service's SLOs.
    schedule : str or None
        Business-hours schedule, if any.
    customer_facing : bool
        Whether external customers use the service.
    data_start, data_end : Timestamp or None
        The part of the month the service's data covers (``timezone``), when the header was given the data;
        both None when it has no data in the month.
    data_checked : bool
        Whether the header was given the data (otherwise coverage is not shown).
    """

    service: str
    description: str
    owner: str
    tier: int
    timezone: str
    month: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    slos: tuple[str, ...] = field(default_factory=tuple)
    schedule: str | None = None
    customer_facing: bool = True
    data_start: pd.Timestamp | None = None
    data_end: pd.Timestamp | None = None
    data_checked: bool = False

    @property
    def complete(self) -> bool:
        """Whether the data covers the whole month (True when coverage was not checked)."""
        return not self.data_checked or (self.data_start == self.period_start
                                         and self.data_end == self.period_end)

    def coverage(self) -> str:
        """Describe the month's data coverage in words, e.g. that its last hours have no data yet."""
        if not self.data_checked:
            return ""
        if self.data_start is None or self.data_end is None:
            return "no data for this service in the month: every figure below is empty"
        if self.complete:
            return "the whole month"
        return (f"{self.data_start:%a %d %b %H:%M} to {self.data_end:%a %d %b %H:%M} ({self.timezone}) only: "
                f"{self.missing()} of the month have no data, so the figures below cover the rest")

    def missing(self) -> str:
        """Name the uncovered ends of the month: ``"the last 4 h"``; empty when complete or unchecked."""
        if self.complete:
            return ""
        if self.data_start is None or self.data_end is None:
            return "all"
        gaps = []
        if self.data_start > self.period_start:
            gaps.append(f"the first {duration(self.data_start - self.period_start, precise=True)}")
        if self.data_end < self.period_end:
            gaps.append(f"the last {duration(self.period_end - self.data_end, precise=True)}")
        return " and ".join(gaps)

    def _rows(self) -> list[tuple[str, str]]:
        last = self.period_end - pd.Timedelta(microseconds=1)
        period = f"{self.period_start:%a %d %b %Y} to {last:%a %d %b %Y} ({self.timezone})"
        rows = [
            ("Service", f"{self.service}: {self.description}" if self.description else self.service),
            ("Owner", self.owner),
            ("Tier", f"{self.tier} ({'customer-facing' if self.customer_facing else 'internal'})"),
            ("Month", f"{self.period_start:%B %Y}: {period}"),
            ("SLOs", ", ".join(self.slos) or "none"),
            ("Business hours", self.schedule or "around the clock"),
        ]
        if self.data_checked:
            rows.append(("Data", self.coverage()))
        return rows

    def _repr_html_(self) -> str:
        return definition_table(self._rows(), warn=() if self.complete else ("Data",))

    def __str__(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self._rows())


def service_header(catalog: Catalog, *, service: str, month: str, sli: pd.DataFrame | None = None
                   ) -> ServiceHeader:
    """Return the header of a service's review: description, owner, tier, time zone and the month's bounds.

    Parameters
    ----------
    catalog : Catalog
        The catalog.
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.
    sli : DataFrame, optional
        Bucket counts (``service``, ``timestamp``). When given, the header says which part of the month
        (in the service's time zone) the service's data covers, e.g. that its last hours have not arrived.

    Returns
    -------
    ServiceHeader

    Raises
    ------
    DefinitionError
        If ``service`` is not in the catalog.
    ParameterError
        If ``month`` is not ``"YYYY-MM"``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> print(service_header(read_dataset("catalog"), service="mobile-api", month="2026-10"))
    Service: mobile-api: Backend for the iOS and Android apps
    Owner: team-mobile
    Tier: 1 (customer-facing)
    Month: October 2026: Thu 01 Oct 2026 to Sat 31 Oct 2026 (Asia/Seoul)
    SLOs: availability, latency
    Business hours: around the clock

    With the data, for a service whose day ends after the data does (it ends at midnight UTC):

    >>> header = service_header(read_dataset("catalog"), service="search", month="2026-10",
    ...                         sli=read_dataset("sli_5min"))
    >>> header.complete, header.data_end
    (False, Timestamp('2026-10-31 20:00:00-0400', tz='America/New_York'))
    >>> header.coverage().split(" only: ")[1]
    'the last 4 h of the month have no data, so the figures below cover the rest'
    """
    from .month import month_bounds

    s = catalog.service(service)
    start, end = month_bounds(month, tz=s.timezone)
    coverage = {}
    if sli is not None:
        coverage = {"data_checked": True, **_coverage(sli, s.name, start, end)}
    return ServiceHeader(service=s.name, description=s.description, owner=s.owner, tier=s.tier,
                         timezone=s.timezone, month=month, period_start=start, period_end=end,
                         slos=tuple(o.name for o in catalog.slos_of(service)), schedule=s.schedule,
                         customer_facing=s.customer_facing, **coverage)


def _coverage(sli: pd.DataFrame, service: str, start: pd.Timestamp, end: pd.Timestamp) -> dict:
    """``data_start``/``data_end``: the part of ``[start, end)`` that the service's buckets span."""
    require_columns(sli, ("service", "timestamp"), "sli")
    times = sli.loc[sli["service"] == service, "timestamp"]
    if times.empty:
        return {"data_start": None, "data_end": None}
    first, stop, _ = bucket_span(times, service, single=pd.Timedelta(minutes=5))
    first, stop = max(first, start), min(stop, end)
    if first >= stop:
        return {"data_start": None, "data_end": None}
    return {"data_start": first.tz_convert(start.tz), "data_end": stop.tz_convert(start.tz)}


def attainment_table(table: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.review.monthly_attainment` for a report.

    Percentages are formatted for reading (the numbers underneath are not rounded); missed SLOs are
    highlighted.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`~slm_analytics.review.monthly_attainment`.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns SLO, method, target, attainment, result, budget consumed, bad, total, counted.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import monthly_attainment
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = attainment_table(monthly_attainment(sli, catalog, service="payments", month="2026-02"))
    >>> styled.data["result"].tolist()
    ['missed', 'met', 'missed']
    """
    met = table["met"].astype("boolean")
    result = np.where(table["no_data"], "no data", np.where(met.fillna(False), "met", "missed"))
    shown = pd.DataFrame({
        "SLO": table["slo"].astype(str),
        "method": table["budgeting_method"].astype(str),
        "target": table["target"].astype(float),
        "attainment": table["attainment"].astype(float),
        "result": result,
        "budget consumed": table["budget_consumed"].astype(float),
        "bad": table["bad"].astype("int64"),
        "total": table["total"].astype("int64"),
        "counted": table["unit"].astype(str),
    })
    styler = styled(shown).format({
        "target": lambda v: pct(v, 2),
        "attainment": lambda v: pct(v, 3),
        "budget consumed": lambda v: pct(v, 0),
        "bad": "{:,}".format,
        "total": "{:,}".format,
    }, escape="html")
    return styler.map(
        lambda v: "color: #c0392b; font-weight: bold" if v == "missed" else "", subset=["result"]
    )


def incident_table(incidents: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler:
    """Incidents of a service that overlap a calendar month, in the service's local time.

    Parameters
    ----------
    incidents : DataFrame
        Incident records (``read_dataset("incidents")``): ``id``, ``service``, ``slo``, ``severity``,
        ``cause``, ``started_at``, ``detected_at``, ``resolved_at``, ``title``.
    catalog : Catalog
        The catalog (the service's time zone).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per incident, by start: id, severity, SLO, cause, started (local), minutes to detect,
        minutes of impact (empty while ongoing), title; the caption says how many there were.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> styled = incident_table(read_dataset("incidents"), read_dataset("catalog"), service="payments",
    ...                         month="2026-02")
    >>> len(styled.data) >= 1
    True
    """
    from .month import month_bounds

    tz = catalog.service(service).timezone
    start, end = month_bounds(month, tz=tz)
    own = incidents[(incidents["service"] == service) & (incidents["started_at"] < end)
                    & (incidents["resolved_at"].isna() | (incidents["resolved_at"] >= start))]
    own = own.sort_values("started_at", kind="stable")
    minutes = pd.Timedelta(minutes=1)
    shown = pd.DataFrame({
        "id": own["id"].astype(str),
        "severity": own["severity"].astype(str),
        "SLO": own["slo"].astype(str),
        "cause": own["cause"].astype(str),
        "started": own["started_at"].dt.tz_convert(tz).dt.strftime("%a %d %b %H:%M"),
        "detect (min)": (own["detected_at"] - own["started_at"]) / minutes,
        "impact (min)": (own["resolved_at"] - own["started_at"]) / minutes,
        "title": own["title"].astype(str),
    })
    n = len(shown)
    caption = (f"{n} incident{'s' if n != 1 else ''} recorded for {service} in {start:%B %Y} "
               f"(times in {tz})" if n else f"No incident recorded for {service} in {start:%B %Y}.")
    return left_align(styled(shown).set_caption(html.escape(caption))
                 .format({"detect (min)": "{:.0f}", "impact (min)": "{:.0f}"}, na_rep="ongoing",
                         escape="html"), ["title"])


def budget_table(budgets: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.review.month_end_budgets`: each SLO's budget at the month's end.

    Parameters
    ----------
    budgets : DataFrame
        Output of :func:`~slm_analytics.review.month_end_budgets`.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns SLO, window (kind and dates), SLI, target, burn rate, budget remaining (overspent in red),
        budget (as time over the window), time left, and when the budget runs out at the current burn rate
        (``"spent"``; ``"period over"`` for a calendar window closed by the month's end; ``"never"`` when
        nothing burns).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_end_budgets
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = budget_table(month_end_budgets(sli, catalog, service="payments", month="2026-02"))
    >>> styled.data["runs out"].tolist()
    ['spent', '30 d 9 h (31 Mar)', 'spent']
    """
    last_day = pd.to_datetime(budgets["as_of"]) - pd.Timedelta(microseconds=1)
    windows, runs_out = [], []
    for r, last in zip(budgets.itertuples(index=False), last_day, strict=True):
        if r.calendar:
            to = r.window_end - pd.Timedelta(microseconds=1)
            what = f"calendar {r.window}: {r.window_start:%d %b} to {to:%d %b}"
            if not r.period_over:
                what += f" (to date, {duration(r.elapsed)})"
        else:
            days = (r.window_end - r.window_start) / pd.Timedelta(days=1)
            length = f"{days:.0f} days" if days == int(days) else duration(r.window_end - r.window_start)
            what = f"rolling {length}: {r.window_start:%d %b} to {last:%d %b}"
        windows.append(what)
        if r.no_data:
            runs_out.append("no data")
        elif r.remaining <= 0:
            runs_out.append("spent")
        elif r.period_over:
            runs_out.append(f"period over; new budget from {r.window_end:%d %b}")
        elif pd.isna(r.time_to_exhaustion):
            runs_out.append("never (nothing burning)")
        elif r.calendar and r.as_of + r.time_to_exhaustion >= r.window_end:
            runs_out.append(f"not before the period ends ({r.window_end:%d %b})")
        else:
            runs_out.append(f"{duration(r.time_to_exhaustion)} ({r.as_of + r.time_to_exhaustion:%d %b})")
    remaining = budgets["remaining"].astype(float)
    shown = pd.DataFrame({
        "SLO": budgets["slo"].astype(str),
        "window": windows,
        "SLI": budgets["sli"].astype(float),
        "target": budgets["target"].astype(float),
        "burn rate": budgets["burn_rate"].astype(float),
        "remaining": remaining,
        "budget": budgets["budget_minutes"].astype(float),
        "left": budgets["remaining_minutes"].astype(float),
        "runs out": runs_out,
    })
    styler = styled(shown).format({
        "SLI": lambda v: pct(v, 3),
        "target": lambda v: pct(v, 2),
        "burn rate": multiple,
        "remaining": lambda v: pct(v, 0).replace("-", "−"),
        "budget": budget_minutes,
        "left": budget_minutes,
    }, escape="html")
    overspent = [RED if v < 0 else "" for v in remaining.fillna(0)]
    styler = styler.apply(lambda _: overspent, subset=["remaining"])
    styler = styler.apply(lambda _: overspent, subset=["left"])
    return left_align(styler, ["SLO", "window", "runs out"])


def alert_table(alerts: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler | Note:
    """Present :func:`~slm_analytics.review.month_alerts`: the burn-rate alerts of the month.

    Parameters
    ----------
    alerts : DataFrame
        Output of :func:`~slm_analytics.review.month_alerts` (times in the service's time zone).
    catalog : Catalog
        The catalog (the service's time zone, for the caption).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    Styler or Note
        One row per alert: SLO, policy, severity, rule (long/short window), burn rate, started, ended,
        duration, incident (the overlapped incidents; "none" in amber: a possible false alarm); the caption
        counts pages, tickets and alerts matched with an incident. A :class:`Note` when none fired.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_alerts
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> alerts = month_alerts(sli, inc, cat, service="payments", month="2026-02",
    ...                       exclusions=read_dataset("maintenance"))
    >>> styled = alert_table(alerts, cat, service="payments", month="2026-02")
    >>> styled.data["incident"].value_counts().to_dict()
    {'INC-0066': 12, 'none': 6}
    """
    tz = catalog.service(service).timezone
    name = month_name(month)
    if alerts.empty:
        return Note(f"No burn-rate alert fired for {service} in {name}: no SLO burnt its budget fast enough "
                    "for its alert policy (below).")
    start, end = alerts["start"], alerts["end"]
    same_day = start.dt.normalize() == (end - pd.Timedelta(microseconds=1)).dt.normalize()
    ended = np.where(same_day, end.dt.strftime("%H:%M"), end.dt.strftime("%a %d %b %H:%M"))
    ended = np.where(alerts["ongoing"], "still firing at month end", ended)
    started = np.where(alerts["before_month"], start.dt.strftime("%a %d %b %H:%M") + " (before the month)",
                       start.dt.strftime("%a %d %b %H:%M"))
    shown = pd.DataFrame({
        "SLO": alerts["slo"].astype(str),
        "policy": alerts["policy"].astype(str),
        "severity": alerts["severity"].astype(str),
        "rule": alerts["rule"].astype(str),
        "burn rate": alerts["burn_rate"].astype(float),
        "started": started,
        "ended": ended,
        "duration": [duration(d) for d in alerts["duration"]],
        "incident": [i or "none" for i in alerts["incidents"]],
    })
    n = len(shown)
    pages = int((shown["severity"] == "page").sum())
    matched = int(alerts["overlaps_incident"].sum())
    caption = (f"{n} alert{'s' if n != 1 else ''} fired for {service} in {name} ({pages} "
               f"page{'s' if pages != 1 else ''}, {n - pages} ticket{'s' if n - pages != 1 else ''}); "
               f"{matched} overlapped a recorded incident. Times in {tz}.")
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"burn rate": multiple}, escape="html")
              .map(lambda v: AMBER if v == "none" else "", subset=["incident"])
              .map(lambda v: "font-weight: bold" if v == "page" else "", subset=["severity"]))
    return left_align(styler, ["SLO", "policy", "severity", "started", "ended", "incident"])


def threshold_table(thresholds: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.review.alert_thresholds`: the rules each SLO is alerted on.

    Parameters
    ----------
    thresholds : DataFrame
        Output of :func:`~slm_analytics.review.alert_thresholds`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO and rule: SLO, policy, SLO window, severity, long and short window, share of the
        budget spent in the long window, burn rate, and the error rate both windows must exceed.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import alert_thresholds
    >>> styled = threshold_table(alert_thresholds(read_dataset("catalog"), service="payments"))
    >>> styled.data.shape
    (12, 9)
    """
    shown = pd.DataFrame({
        "SLO": thresholds["slo"].astype(str),
        "policy": thresholds["policy"].astype(str),
        "SLO window": thresholds["window"].astype(str),
        "severity": thresholds["severity"].astype(str),
        "long window": thresholds["long_window"].astype(str),
        "short window": thresholds["short_window"].astype(str),
        "budget spent": thresholds["budget_consumed"].astype(float),
        "burn rate": thresholds["burn_rate"].astype(float),
        "error rate above": thresholds["error_rate"].astype(float),
    })
    caption = ("A rule fires while the error rate over both its long and its short window exceeds burn rate "
               "× (1 − target); the burn rate spends the share of the budget shown within the long window.")
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"budget spent": lambda v: pct(v, 1), "burn rate": multiple,
                       "error rate above": lambda v: pct(v, 3)}, escape="html"))
    return left_align(styler, ["SLO", "policy", "severity"])


def _sla_period(row: Any, tz: str) -> str:
    start = pd.Timestamp(row.period_start).tz_convert(tz)
    end = pd.Timestamp(row.period_end).tz_convert(tz) - pd.Timedelta(microseconds=1)
    if row.period == "quarter":
        text = f"Q{start.quarter} {start:%Y} ({start:%b} to {end:%b})"
        return text + (", to date" if row.to_date else "")
    return f"{start:%B %Y}"


def sla_table(slas: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler | Note:
    """Present :func:`~slm_analytics.review.month_sla`: SLA attainment and service credits.

    Parameters
    ----------
    slas : DataFrame
        Output of :func:`~slm_analytics.review.month_sla`.
    catalog : Catalog
        The catalog (the service's time zone; whether it is customer-facing).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    Styler or Note
        One row per SLA: SLA and customer, SLO, period (a quarter to date is marked), what was measured,
        attainment, target, result (breached in red), margin in percentage points, credit (share of the
        fee), fee for the period, credit amount, and whether the figures are final or provisional (quarter
        to date). A :class:`Note` saying "No SLA" when the service has none.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_sla
    >>> sli, cat, mnt = read_dataset("sli_5min"), read_dataset("catalog"), read_dataset("maintenance")
    >>> styled = sla_table(month_sla(sli, cat, service="payments", month="2026-02", exclusions=mnt), cat,
    ...                    service="payments", month="2026-02")
    >>> styled.data[["result", "credit", "credit amount"]].values.tolist()
    [['breached', 0.1, 4000.0]]
    >>> print(sla_table(month_sla(sli, cat, service="reporting", month="2026-02", exclusions=mnt), cat,
    ...                 service="reporting", month="2026-02"))
    No SLA: reporting is an internal service (not customer-facing); no contract applies to it.
    """
    s = catalog.service(service)
    if slas.empty:
        if not s.customer_facing:
            return Note(f"No SLA: {service} is an internal service (not customer-facing); no contract "
                        "applies to it.")
        return Note(f"No SLA: the catalog defines no agreement for {service}, so no service credit applies "
                    f"in {month_name(month)}.")
    rows = list(slas.itertuples(index=False))
    measured = []
    for r in rows:
        hours = f"business hours ({r.schedule})" if r.schedule else "around the clock"
        if not r.excludes_maintenance:
            excl = "maintenance counted"
        elif r.excluded_buckets:
            excl = f"maintenance excluded ({int(r.excluded_buckets)} buckets)"
        else:
            excl = "maintenance excluded (none in the period)"
        measured.append(f"{hours}, {excl}")
    months = np.where(slas["period"] == "quarter", 3, 1)
    result = np.where(slas["no_data"], "no data", np.where(slas["breached"], "breached", "met"))
    shown = pd.DataFrame({
        "SLA": [f"{r.sla} ({r.customer})" if r.customer else r.sla for r in rows],
        "SLO": slas["slo"].astype(str),
        "period": [_sla_period(r, s.timezone) for r in rows],
        "measured": measured,
        "attainment": slas["attainment"].astype(float),
        "target": slas["target"].astype(float),
        "result": result,
        "margin": slas["margin"].astype(float),
        "credit": slas["credit"].astype(float),
        "fee": slas["monthly_fee"].astype(float) * months,
        "credit amount": slas["credit_amount"].astype(float),
        "status": np.where(slas["to_date"], "provisional (period not over)", "final"),
    })
    caption = ("Credits are the share of the fee for the period (a quarter is three monthly fees) that the "
               "tier below the attainment earns.")
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"attainment": lambda v: pct(v, 3), "target": lambda v: pct(v, 2),
                       "margin": lambda v: "–" if pd.isna(v) else f"{v * 100:+.3f} pp".replace("-", "−"),
                       "credit": lambda v: pct(v, 0), "fee": "{:,.0f}".format,
                       "credit amount": "{:,.0f}".format}, escape="html")
              .map(lambda v: RED if v == "breached" else "", subset=["result"])
              .map(lambda v: AMBER if str(v).startswith("provisional") else "", subset=["status"]))
    return left_align(styler, ["SLA", "SLO", "period", "measured", "result", "status"])


def policy_table(triggers: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler | Note:
    """Present :func:`~slm_analytics.review.month_policy_triggers`: what the error-budget policy requires.

    Parameters
    ----------
    triggers : DataFrame
        Output of :func:`~slm_analytics.review.month_policy_triggers`.
    catalog : Catalog
        The catalog (the service's time zone, for the caption).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    Styler or Note
        One row per triggered rule: SLO, rule, action required, subject (incident or cause), share of the
        budget spent, the rule's threshold and the evidence. A :class:`Note` ("no rule triggered") when none
        triggered.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_policy_triggers
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> print(policy_table(month_policy_triggers(sli, inc, cat, service="search", month="2026-02"), cat,
    ...                    service="search", month="2026-02"))  # doctest: +NORMALIZE_WHITESPACE
    No rule of the error-budget policy triggered for search at the end of February 2026: no release freeze,
    postmortem or planning item is required.
    """
    name = month_name(month)
    if triggers.empty:
        return Note(f"No rule of the error-budget policy triggered for {service} at the end of {name}: no "
                    "release freeze, postmortem or planning item is required.")
    action = triggers["action"].astype(str).str.split(":", n=1).str[0]
    short = action.str.split(" with ", n=1).str[0]
    shown = pd.DataFrame({
        "SLO": triggers["slo"].astype(str),
        "rule": triggers["rule"].astype(str),
        "action": action,
        "subject": triggers["subject"].astype(str),
        "budget spent": triggers["value"].astype(float),
        "threshold": triggers["threshold"].astype(float),
        "evidence": [policy_evidence(r) for r in triggers.to_dict("records")],
    })
    n = len(shown)
    counts = short.value_counts(sort=False)
    actions = ", ".join(f"{a} ({k})" if k > 1 else a for a, k in counts.items())
    caption = (f"{n} rule{'s' if n != 1 else ''} triggered for {service} at the end of {name}: {actions}. "
               "Budget spent is the share of the rule's window budget (4 weeks, or the quarter for a class "
               "of outage); evidence times in UTC.")
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"budget spent": lambda v: pct(v, 0), "threshold": lambda v: f"> {pct(v, 0)}"},
                      escape="html")
              .map(lambda v: "font-weight: bold", subset=["action"]))
    return left_align(styler, ["SLO", "rule", "action", "subject", "evidence"])


def maintenance_table(
    maintenance: pd.DataFrame, catalog: Catalog, *, service: str, month: str
) -> Styler | Note:
    """Planned maintenance windows of a service that overlap a month, in the service's local time.

    Parameters
    ----------
    maintenance : DataFrame
        Maintenance windows (``read_dataset("maintenance")``): ``service``, ``start``, ``end``, ``reason``.
    catalog : Catalog
        The catalog (the service's time zone; which of its SLAs exclude maintenance).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    Styler or Note
        One row per window, by start: start and end (local), duration, reason; the caption says where it is
        excluded (burn-rate alerts, SLAs whose contract excludes maintenance) and that SLOs count it. A
        :class:`Note` when there was none.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> styled = maintenance_table(read_dataset("maintenance"), read_dataset("catalog"), service="payments",
    ...                            month="2026-02")
    >>> styled.data[["start", "duration"]].values.tolist()
    [['Sun 01 Feb 02:00', '1 h 30 min']]
    """
    from .month import month_bounds

    tz = catalog.service(service).timezone
    start, end = month_bounds(month, tz=tz)
    own = maintenance[(maintenance["service"] == service) & (maintenance["start"] < end)
                      & (maintenance["end"] > start)].sort_values("start", kind="stable")
    name = month_name(month)
    if own.empty:
        return Note(f"No planned maintenance recorded for {service} in {name}.")
    s_local, e_local = own["start"].dt.tz_convert(tz), own["end"].dt.tz_convert(tz)
    same_day = s_local.dt.normalize() == (e_local - pd.Timedelta(microseconds=1)).dt.normalize()
    shown = pd.DataFrame({
        "start": s_local.dt.strftime("%a %d %b %H:%M"),
        "end": np.where(same_day, e_local.dt.strftime("%H:%M"), e_local.dt.strftime("%a %d %b %H:%M")),
        "duration": [duration(d) for d in own["end"] - own["start"]],
        "reason": own["reason"].astype(str),
    })
    excluding = [a.name for a in catalog.slas if a.service == service and "maintenance" in a.exclusions]
    where = "the burn-rate alerts" + (f" and from SLA {', '.join(excluding)}" if excluding else "")
    n = len(shown)
    caption = (f"{n} planned maintenance window{'s' if n != 1 else ''} for {service} in {name} (times in "
               f"{tz}): excluded from {where}; counted in the SLOs.")
    return left_align(styled(shown).set_caption(html.escape(caption)), ["start", "end", "reason"])


def incident_availability_table(summary: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.review.month_incident_availability` as a short list of measures.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`~slm_analytics.review.month_incident_availability` (one row).

    Returns
    -------
    pandas.io.formats.style.Styler
        Two columns, measure and value: measured time, downtime, availability, incidents, MTTR (with the
        median), MTTD and MTBF.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_incident_availability
    >>> inc, cat, mnt = read_dataset("incidents"), read_dataset("catalog"), read_dataset("maintenance")
    >>> styled = incident_availability_table(month_incident_availability(inc, cat, service="payments",
    ...                                                                  month="2026-02", exclusions=mnt))
    >>> styled.data.set_index("measure").loc["Availability", "value"]
    '99.714%'
    """
    r = summary.iloc[0]
    if r["schedule"]:
        hours = r["eligible"] / pd.Timedelta(hours=1)
        whole = abs(hours - round(hours)) < 1e-9
        measured = f"{hours:,.0f} h" if whole else duration(r["eligible"], precise=True)
        eligible = f"{measured}: business hours ({r['schedule']}), planned maintenance excluded"
    else:
        eligible = f"{duration(r['eligible'], precise=True)}: the whole month, planned maintenance excluded"
    avail = "no measured time" if r["no_eligible_time"] else pct(r["availability"], 3)
    incidents = f"{r['started']} started in the month, {r['incidents']} overlapping it"
    if r["ongoing"]:
        incidents += f" ({r['ongoing']} still open)"
    none = "– (no incident started in the month)"
    rows = [
        ("Measured time", eligible),
        ("Downtime", f"{duration(r['downtime'], precise=True)} of the measured time covered by an incident"),
        ("Availability", avail),
        ("Incidents", incidents),
        ("MTTR (mean time to resolve)",
         none if pd.isna(r["mttr"]) else f"{duration(r['mttr'])} (median {duration(r['median_ttr'])})"),
        ("MTTD (mean time to detect)", none if pd.isna(r["mttd"]) else duration(r["mttd"])),
        ("MTBF (mean time between failures)", none if pd.isna(r["mtbf"]) else duration(r["mtbf"])),
    ]
    shown = pd.DataFrame(rows, columns=["measure", "value"])
    return left_align(styled(shown), ["measure", "value"])


def outlook_table(outlook: Any) -> Styler:
    """Present :func:`~slm_analytics.review.month_outlook`: each SLO's trend and risk at the month's end.

    Parameters
    ----------
    outlook : MonthOutlook
        Output of :func:`~slm_analytics.review.month_outlook`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO: SLO, error-rate trend over the window (direction and p-value; a significant
        increase in red), Sen slope per week in percentage points, latest change point (day: before →
        after, typical daily error rates), next window, probability of missing the SLO there with its 95 %
        interval (amber from 5 %, red from 50 %), projected attainment (median and 10-90 %), when the
        budget runs out in the simulation (median and 10-90 %, or "not by" the end of the period searched)
        and by the straight line. An SLO not assessed shows why.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_outlook
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = outlook_table(month_outlook(sli, catalog, service="mobile-api", month="2026-07"))
    >>> styled.data.set_index("SLO").loc["latency", ["latest change", "P(miss)", "budget runs out"]].tolist()
    ['17 Jun: 0.448% → 1.05%', '52% (18%–85%)', '30 Aug (10–90%: 30 Aug to after 31 Aug)']
    """
    t = outlook.table
    year = outlook.as_of.year
    rows = []
    for r in t.itertuples(index=False):
        name = r.slo + (" (slices)" if r.unit == "slices" else "")
        if not r.assessed:
            rows.append({"SLO": name, "trend (90 days)": "not assessed", "Sen slope / week": "–",
                         "latest change": "–", "next window": "–", "P(miss)": "–",
                         "projected attainment": "–", "budget runs out": r.note, "straight line": "–"})
            continue
        change = "none"
        if not pd.isna(r.change_at):
            levels = f"{error_rate_pct(r.change_before)} → {error_rate_pct(r.change_after)}"
            change = f"{short_day(r.change_at, year=year)}: {levels}"
        rows.append({
            "SLO": name,
            "trend (90 days)": trend_words(r),
            "Sen slope / week": points(r.trend_slope * 7),
            "latest change": change,
            "next window": window_words(r)[0],
            "P(miss)": f"{chance(r.breach_probability)} ({chance(r.breach_low)}–{chance(r.breach_high)})",
            "projected attainment": (f"{attainment_pct(r.attainment_median, r.target)} "
                                     f"({attainment_pct(r.attainment_p10, r.target)}–"
                                     f"{attainment_pct(r.attainment_p90, r.target)})"),
            "budget runs out": exhaustion_words(r, year),
            "straight line": straight_words(r, year),
        })
    shown = pd.DataFrame(rows)
    p = t["breach_probability"].to_numpy(dtype=float)
    risk_style = [RED if v >= 0.5 else AMBER if v >= 0.05 else "" for v in np.nan_to_num(p)]
    rising = [RED if (a and tr == "increasing" and pv < 0.05) else ""
              for a, tr, pv in zip(t["assessed"], t["trend"], t["trend_p_value"].fillna(1.0), strict=True)]
    tz = str(outlook.as_of.tz)
    month = f"{outlook.as_of - pd.Timedelta(days=1):%B %Y}"
    caption = (
        f"As it stood at the end of {month} ({outlook.as_of:%a %d %b %Y %H:%M} {tz}), from the "
        f"{outlook.days} days before; later data is ignored. Trend: Mann–Kendall test "
        "of the daily error rate with the Hamed–Rao correction (significant below p = 0.05), slope in "
        "percentage points of error rate a week. P(miss): share of "
        f"{outlook.n_paths:,} simulated paths (seed {outlook.seed}) that miss the target at the window end, "
        "with its 95% interval; attainment and budget dates: median (10–90%) of the paths. Straight line: "
        "remaining budget / the last 7 days' burn rate."
    )
    styler = (styled(shown).set_caption(html.escape(caption))
              .apply(lambda _: risk_style, subset=["P(miss)"])
              .apply(lambda _: rising, subset=["trend (90 days)"])
              .set_properties(subset=["SLO", "Sen slope / week", "P(miss)"], **{"white-space": "nowrap"}))
    return left_align(styler, list(shown.columns))


def _window_of_risk(row: Any, tz: str) -> str:
    end = last_instant(pd.Timestamp(row.window_end).tz_convert(tz))
    if row.window in ("week", "month", "quarter"):
        return f"{row.window} to {short_day(end)}"
    days = round((pd.Timestamp(row.window_end) - pd.Timestamp(row.window_start)) / pd.Timedelta(days=1))
    return f"{days} days to {short_day(end)}"


def risk_table(risk: pd.DataFrame, catalog: Catalog) -> Styler:
    """Present :func:`~slm_analytics.forecast.breach_probabilities`: every SLO's risk, riskiest first.

    Parameters
    ----------
    risk : DataFrame
        Output of :func:`~slm_analytics.forecast.breach_probabilities`.
    catalog : Catalog
        The services' time zones (window ends are shown as local days).

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO by decreasing probability (then upper bound): SLO, target, window assessed (its
        last local day), probability of missing with its 95 % interval (amber from 5 %, red from 50 %),
        projected attainment (median and 10-90 %), straight-line attainment, and the days of the window
        observed and simulated.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import breach_probabilities
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = risk_table(breach_probabilities(sli, catalog, as_of="2026-07-10T00:00Z", seed=1), catalog)
    >>> styled.data["SLO"].head(3).tolist()
    ['payments / uptime', 'mobile-api / latency', 'notifications / delivery']
    """
    tz_of = {s.name: s.timezone for s in catalog.services}
    order = risk.sort_values(["probability", "high"], ascending=False, kind="stable")
    rows = []
    for r in order.itertuples(index=False):
        rows.append({
            "SLO": f"{r.service} / {r.slo}",
            "target": target_pct(r.target),
            "window": _window_of_risk(r, tz_of.get(r.service, "UTC")),
            "P(miss)": f"{chance(r.probability)} ({chance(r.low)}–{chance(r.high)})",
            "projected attainment": (f"{attainment_pct(r.attainment_median, r.target)} "
                                     f"({attainment_pct(r.attainment_p10, r.target)}–"
                                     f"{attainment_pct(r.attainment_p90, r.target)})"),
            "straight line": attainment_pct(r.straight_line_attainment, r.target),
            "days observed / simulated": f"{int(r.observed_days)} / {int(r.simulated_days)}",
        })
    shown = pd.DataFrame(rows)
    p = order["probability"].to_numpy(dtype=float)
    style = [RED if v >= 0.5 else AMBER if v >= 0.05 else "" for v in p]
    n_paths = int(order["n_paths"].iloc[0]) if len(order) else 0
    caption = (f"Probability that each SLO misses its target at the end of its window: calendar SLOs at the "
               f"end of their current period, rolling SLOs 7 days on; {n_paths:,} simulated paths each, 95% "
               "interval. Straight line: the attainment if the last 7 days' error rate goes on.")
    styler = styled(shown).set_caption(html.escape(caption)).apply(lambda _: style, subset=["P(miss)"])
    return left_align(styler, ["SLO", "window", "P(miss)", "projected attainment"])


def trend_table(trends: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.review.fleet_trends`: the trend of every SLO, significant first.

    Parameters
    ----------
    trends : DataFrame
        Output of :func:`~slm_analytics.review.fleet_trends` (``target`` may be ``NaN``).

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO by increasing p-value: SLO, trend (a significant increase of the error rate in red,
        a significant decrease in green), p-value, error rate over the window, Sen slope per week in
        percentage points with its 95 % interval, and the slope as a share of the error rate the target
        allows (how fast the burn rate moves).

    Examples
    --------
    >>> from slm_analytics import read_dataset, ratio_sli
    >>> from slm_analytics.review import fleet_trends
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = trend_table(fleet_trends(ratio_sli(sli, freq="1D"), catalog))
    >>> styled.data[["SLO", "trend"]].head(2).values.tolist()
    [['checkout / uptime', 'decreasing'], ['mobile-api / latency', 'decreasing']]
    """
    order = trends.sort_values("p_value", kind="stable")
    target = order["target"].to_numpy(dtype=float)
    weekly = order["slope"].to_numpy(dtype=float) * 7
    shown = pd.DataFrame({
        "SLO": (order["service"].astype(str) + " / " + order["slo"].astype(str)).to_numpy(),
        "trend": order["trend"].astype(str).to_numpy(),
        "p-value": order["p_value"].to_numpy(dtype=float),
        "error rate": [error_rate_pct(v) for v in order["error_rate"].to_numpy(dtype=float)],
        "Sen slope / week": [f"{points(w)} ({points(lo * 7).removesuffix(' pp')} to "
                             f"{points(hi * 7).removesuffix(' pp')})" for w, lo, hi in
                             zip(weekly, order["slope_low"], order["slope_high"], strict=True)],
        "burn rate / week": ["–" if np.isnan(t) else f"{w / (1 - t):+.3f}".replace("-", "−")
                             for w, t in zip(weekly, target, strict=True)],
    })
    significant = order["h"].to_numpy(dtype=bool)
    up = significant & (order["trend"].to_numpy() == "increasing")
    down = significant & (order["trend"].to_numpy() == "decreasing")
    colour = [RED if u else GREEN if d else "" for u, d in zip(up, down, strict=True)]
    first, last = order["first_day"].iloc[0], order["last_day"].iloc[0]
    days = int((last - first) / pd.Timedelta(days=1)) + 1
    caption = (f"Mann–Kendall trend of each SLO's daily error rate over the {days} days {first:%d %b} to "
               f"{last:%d %b %Y} (UTC days), corrected for autocorrelation (Hamed–Rao); significant below "
               "p = 0.05 (red: rising, green: falling). Burn rate / week: the weekly slope divided by the "
               "error rate the target allows.")
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"p-value": "{:.3f}"}, escape="html")
              .apply(lambda _: colour, subset=["trend"]))
    return left_align(styler, ["SLO", "trend", "Sen slope / week"])


_METHOD_NAMES = {
    "forecast": "simulation (breach_probabilities)",
    "straight_line": "straight line (last 7 days' burn rate)",
    "climatology": "climatology (share of past windows missed)",
    "long_history": "long history (share of past blocks that would miss)",
}
_FORECAST_NAMES = {
    "forecast": "damped-trend forecast (forecast_sli)",
    "straight_line": "straight line (last 7 days)",
    "climatology": "climatology (all past days)",
}


def breach_backtest_table(backtest: Any) -> Styler:
    """Present :func:`~slm_analytics.forecast.backtest_breach`: Brier scores, skill against three baselines.

    Parameters
    ----------
    backtest : BreachBacktest
        Output of :func:`~slm_analytics.forecast.backtest_breach`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per method: method, forecasts, windows missed, mean forecast probability, Brier score, its
        reliability and resolution (Murphy's decomposition), and the Brier skill scores against the straight
        line, climatology and the long-history empirical model (positive in bold: better than the
        reference); the caption states the result.

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import backtest_breach
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> origins = pd.date_range("2026-06-06", periods=6, freq="7D", tz="UTC")
    >>> styled = breach_backtest_table(backtest_breach(sli, catalog, origins=origins, n_paths=200))
    >>> styled.data["method"].tolist()[0]
    'simulation (breach_probabilities)'
    """
    s = backtest.summary
    shown = pd.DataFrame({
        "method": [_METHOD_NAMES.get(m, m) for m in s["method"]],
        "forecasts": s["forecasts"].to_numpy(dtype=np.int64),
        "windows missed": s["breaches"].to_numpy(dtype=np.int64),
        "mean probability": s["mean_probability"].to_numpy(dtype=float),
        "Brier score": s["brier"].to_numpy(dtype=float),
        "reliability": s["reliability"].to_numpy(dtype=float),
        "resolution": s["resolution"].to_numpy(dtype=float),
        "skill vs straight line": s["bss_vs_straight_line"].to_numpy(dtype=float),
        "skill vs climatology": s["bss_vs_climatology"].to_numpy(dtype=float),
        "skill vs long history": s["bss_vs_long_history"].to_numpy(dtype=float),
    })
    row = s.set_index("method").loc["forecast"] if "forecast" in set(s["method"]) else None
    caption = ("Rolling-origin backtest: at each weekly origin every SLO's probability of missing its next "
               "window end, from the data before the origin only, scored against what happened. Brier score: "
               "mean squared difference between probability and outcome (lower is better); skill: 1 − Brier "
               "/ Brier of the reference (above 0 beats it). Reliability (lower is better) and resolution "
               "(higher is better) decompose the Brier score (Murphy 1973).")
    if row is not None:
        caption += (f" Over {int(row['forecasts']):,} scored windows ({int(row['breaches'])} missed) the "
                    f"simulation scores a skill of {signed_pct(row['bss_vs_straight_line'])} against the "
                    f"straight line, {signed_pct(row['bss_vs_climatology'])} against climatology and "
                    f"{signed_pct(row['bss_vs_long_history'])} against the long history.")
    skills = ("skill vs straight line", "skill vs climatology", "skill vs long history")
    bold = {c: [("font-weight: bold" if v > 0 else "") for v in shown[c]] for c in skills}
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"mean probability": "{:.1%}", "Brier score": "{:.4f}", "forecasts": "{:,}",
                       "reliability": "{:.4f}", "resolution": "{:.4f}",
                       **{c: signed_pct for c in skills}}, escape="html"))
    for c, style in bold.items():
        styler = styler.apply(lambda _, st=style: st, subset=[c])
    return left_align(styler, ["method"])


def forecast_backtest_table(backtest: Any, *, level: float = 0.9) -> Styler:
    """Present :func:`~slm_analytics.forecast.backtest_forecasts`: interval coverage and accuracy.

    Parameters
    ----------
    backtest : ForecastBacktest
        Output of :func:`~slm_analytics.forecast.backtest_forecasts`.
    level : float
        The interval coverage the backtest was run with (its ``level``), for the caption.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per method: method, scored series-days, coverage of the central interval (within 3 points
        of ``level`` in bold), mean interval width, MAE, CRPS, and the CRPS skill against the straight line
        and climatology.

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset, ratio_sli
    >>> from slm_analytics.forecast import backtest_forecasts
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[sli["service"] == "search"], freq="1D", tz="America/New_York")
    >>> origins = pd.date_range("2026-06-01", periods=8, freq="7D", tz="America/New_York")
    >>> styled = forecast_backtest_table(backtest_forecasts(daily, horizon=7, origins=origins))
    >>> styled.data["coverage"].round(3).tolist()
    [0.893, 0.723, 0.839]
    """
    s = backtest.summary
    shown = pd.DataFrame({
        "method": [_FORECAST_NAMES.get(m, m) for m in s["method"]],
        "series-days": s["forecasts"].to_numpy(dtype=np.int64),
        "coverage": s["coverage"].to_numpy(dtype=float),
        "mean width": s["interval_width"].to_numpy(dtype=float),
        "MAE": s["mae"].to_numpy(dtype=float),
        "CRPS": s["crps"].to_numpy(dtype=float),
        "CRPS skill vs straight line": s["crps_skill_vs_straight_line"].to_numpy(dtype=float),
        "CRPS skill vs climatology": s["crps_skill_vs_climatology"].to_numpy(dtype=float),
    })
    close = [("font-weight: bold" if abs(v - level) <= 0.03 else AMBER) for v in shown["coverage"]]
    horizon = int(backtest.forecasts["horizon"].max()) if len(backtest.forecasts) else 0
    caption = (f"Daily error-rate forecasts 1 to {horizon} days ahead from rolling origins, each fitted on "
               "the data before its origin. Coverage: share of days whose error rate fell inside the central "
               f"{level:.0%} interval (calibrated: about {level:.0%}; bold within 3 points). MAE and CRPS in "
               "error-rate units (lower is better); skill: 1 − CRPS / CRPS of the reference.")
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"series-days": "{:,}", "coverage": "{:.1%}", "mean width": "{:.4%}", "MAE": "{:.4%}",
                       "CRPS": "{:.4%}", "CRPS skill vs straight line": signed_pct,
                       "CRPS skill vs climatology": signed_pct}, escape="html")
              .apply(lambda _: close, subset=["coverage"]))
    return left_align(styler, ["method"])


def achievability_table(achievability: Any) -> Styler:
    """Present :func:`~slm_analytics.forecast.target_achievability`: how often past windows met each target.

    Parameters
    ----------
    achievability : TargetAchievability
        Output of :func:`~slm_analytics.forecast.target_achievability`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per candidate target: target (the SLO's own marked "current"), past windows, independent
        windows (the evidence), windows met, share met (below 90 % in amber), and the budget left at the
        window end, median and worst window (negative in red: overspent).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import target_achievability
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> ach = target_achievability(sli, catalog.slo("checkout", "availability"), targets=[0.999, 0.9995],
    ...                            tz="Europe/London")
    >>> achievability_table(ach).data["target"].tolist()
    ['99.9% (current)', '99.95%']
    """
    t = achievability.targets
    shown = pd.DataFrame({
        "target": [target_pct(v) + (" (current)" if c else "") for v, c in zip(t["target"], t["current"],
                                                                            strict=True)],
        "past windows": t["windows"].to_numpy(dtype=np.int64),
        "independent windows": t["independent_windows"].to_numpy(dtype=float),
        "met": t["met"].to_numpy(dtype=np.int64),
        "share met": t["share_met"].to_numpy(dtype=float),
        "budget left (median)": t["budget_remaining_median"].to_numpy(dtype=float),
        "budget left (worst)": t["budget_remaining_worst"].to_numpy(dtype=float),
    })
    share = [AMBER if v < 0.9 else "" for v in shown["share met"]]
    worst = [RED if v < 0 else "" for v in shown["budget left (worst)"]]
    caption = (f"{achievability.service} / {achievability.slo} ({achievability.window} window): the "
               "attainment of every past window against each candidate target. Rolling windows overlap, so "
               "the evidence is the independent windows, not the past windows. Budget left: (attainment − "
               "target) / (1 − target) at the window end.")
    styler = (styled(shown).set_caption(html.escape(caption))
              .format({"independent windows": "{:.1f}", "share met": "{:.0%}",
                       "budget left (median)": lambda v: pct(v, 0).replace("-", "−"),
                       "budget left (worst)": lambda v: pct(v, 0).replace("-", "−")}, escape="html")
              .apply(lambda _: share, subset=["share met"])
              .apply(lambda _: worst, subset=["budget left (worst)"]))
    return left_align(styler, ["target"])
