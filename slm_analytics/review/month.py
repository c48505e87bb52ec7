"""The month of a service review: whether each SLO of a service met its target, and why.

A month is a calendar month in the service's time zone (``catalog.service(name).timezone``), so the
October report of a Seoul service starts on 30 September 15:00 UTC. Attainment follows the SLO's
OpenSLO budgeting method:

* ``Occurrences`` - good events over all events of the month (events are pooled, buckets are not averaged);
* ``Timeslices`` - the share of time slices (``timeslice_window`` long) *with data* whose good/total
  ratio reaches ``timeslice_target``; slices without events count neither as good nor as bad;
* ``RatioTimeslices`` - the mean of the slices' good/total ratios, over the slices with data.

Periods without any event carry no data: their attainment is ``NaN``, never 0 % and never 100 %.

The review also looks at the month through the compliance engine, on the service's rows only (a few
months of history before the month, for the windows): the error budget at the month's end in each SLO's own
window (:func:`month_end_budgets`), the budget through the month (:func:`budget_through_month`), the
burn-rate alerts of the month (:func:`month_alerts`, :func:`alert_thresholds`), the SLAs of the month or
quarter to date (:func:`month_sla`), the error-budget policy at the month's end
(:func:`month_policy_triggers`) and availability from incident records (:func:`month_incident_availability`).
Each wraps one engine function of :mod:`~slm_analytics.budget`, :mod:`~slm_analytics.sla` or
:mod:`~slm_analytics.availability`; none re-computes what they compute.

Looking ahead from the month's end, :func:`month_outlook` gives each SLO's trend and risk as it stood then
(data after the month is ignored, so reviewing an old month is honest): the Mann-Kendall trend and the
latest change point of the daily error rate over the last 90 days (:mod:`~slm_analytics.trend`), the
probability of missing the SLO at its next window end, the budget exhaustion date and a 30-day error-rate
forecast (:mod:`~slm_analytics.forecast`). :func:`fleet_trends` tests the trend of every SLO at once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._checks import infer_step, require_columns
from ..catalog import parse_window
from ..data import iter_sli_groups
from ..errors import DataError, InsufficientDataError, ParameterError, shorten
from ..grid import to_grid
from ..methods import Budgeting, UnitGrid, attainment_of
from ..windows import micros
from .parameters import MONTH, QUARTER

if TYPE_CHECKING:
    from pyarrow.dataset import Dataset

    from ..catalog import SLO, Catalog

__all__ = [
    "HISTORY",
    "OUTLOOK_DAYS",
    "MonthOutlook",
    "alert_thresholds",
    "budget_through_month",
    "daily_attainment",
    "fleet_monthly_attainment",
    "fleet_trends",
    "month_alerts",
    "month_bounds",
    "month_end_budgets",
    "month_incident_availability",
    "month_outlook",
    "month_policy_triggers",
    "month_sla",
    "monthly_attainment",
]

_COLUMNS = ["timestamp", "service", "slo", "good", "total"]


def month_bounds(month: str, *, tz: str = "UTC") -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end of a calendar month, or of a calendar quarter, in a time zone.

    Every review function of this module takes its period as ``month``: a month ``"YYYY-MM"`` for the
    monthly review, or a quarter ``"YYYY-Qn"`` for the quarterly one (the three months together).

    Parameters
    ----------
    month : str
        The month, ``"YYYY-MM"``, or the quarter, ``"YYYY-Qn"``.
    tz : str
        IANA time zone in which the period is cut.

    Returns
    -------
    start, end : Timestamp
        Local midnight of the period's first day and of the first day after it (timezone-aware in ``tz``);
        the period is the half-open interval ``[start, end)``.

    Raises
    ------
    ParameterError
        If ``month`` is neither ``"YYYY-MM"`` nor ``"YYYY-Qn"``.

    Examples
    --------
    >>> start, end = month_bounds("2026-10", tz="Asia/Seoul")
    >>> start, end
    (Timestamp('2026-10-01 00:00:00+0900', tz='Asia/Seoul'), Timestamp('2026-11-01 00:00:00+0900', ...))
    >>> start.tz_convert("UTC")
    Timestamp('2026-09-30 15:00:00+0000', tz='UTC')
    >>> month_bounds("2026-Q3", tz="Europe/London")
    (Timestamp('2026-07-01 00:00:00+0100', tz='Europe/London'), Timestamp('2026-10-01 00:00:00+0100', ...))
    """
    m = MONTH.match(month) if isinstance(month, str) else None
    q = QUARTER.match(month) if isinstance(month, str) and m is None else None
    if m is None and q is None:
        msg = (f"month {shorten(month)} is not a calendar month or quarter; expected 'YYYY-MM' such as "
               "'2026-10' or 'YYYY-Qn' such as '2026-Q3'")
        raise ParameterError(msg)
    if m is not None:
        first, n = pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1), 1
    else:
        first, n = pd.Timestamp(year=int(q.group(1)), month=3 * int(q.group(2)) - 2, day=1), 3
    start = first.tz_localize(tz, nonexistent="shift_forward")
    end = (first + pd.offsets.MonthBegin(n)).tz_localize(tz, nonexistent="shift_forward")
    return start.as_unit("us"), end.as_unit("us")


def _check_columns(sli: pd.DataFrame) -> None:
    require_columns(sli, _COLUMNS, "SLI events", expected=_COLUMNS)


def _no_data(
    service: str, month: str, start: pd.Timestamp, end: pd.Timestamp, tz: str
) -> InsufficientDataError:
    msg = (
        f"no SLI data for service {service!r} in {month} ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} "
        f"{tz}): no bucket with total > 0; check the month and the data's date range"
    )
    return InsufficientDataError(msg)


def _service_month(
    sli: pd.DataFrame, catalog: Catalog, service: str, month: str
) -> tuple[list[SLO], str, pd.Timestamp, pd.Timestamp, pd.DataFrame]:
    """Return the service's SLOs, time zone, month bounds and the month's event rows (with data)."""
    _check_columns(sli)
    tz = catalog.service(service).timezone
    slos = catalog.slos_of(service)
    start, end = month_bounds(month, tz=tz)
    ts = sli["timestamp"]
    mask = (sli["service"] == service).to_numpy() & (ts >= start).to_numpy() & (ts < end).to_numpy()
    events = sli.loc[mask, _COLUMNS]
    if int(events["total"].sum()) == 0:
        raise _no_data(service, month, start, end, tz)
    return slos, tz, start, end, events


def _midnights(naive: pd.DatetimeIndex, tz: str) -> pd.DatetimeIndex:
    """Local midnights ``naive`` (wall-clock dates) as timezone-aware times in ``tz``."""
    return naive.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").as_unit("us")


def _local_days(start: pd.Timestamp, end: pd.Timestamp, tz: str) -> pd.DatetimeIndex:
    """Return the local midnights of the days in ``[start, end)``."""
    naive = pd.date_range(start.tz_localize(None), end.tz_localize(None), freq="D", inclusive="left")
    return _midnights(naive, tz)


def _attain(events: pd.DataFrame, slo: SLO, tz: str, freq: str | None) -> pd.DataFrame:
    """Good, total and attainment of one SLO per local day (``freq="1D"``) or over all ``events`` (``None``).

    Counted in the SLO's budgeting units by the methods core (:mod:`slm_analytics.methods`): events, or
    slices with events (good slices, or the sum of the slice ratios for RatioTimeslices).
    """
    daily = freq is not None
    if events.empty:  # no bucket at all: nothing counted
        if not daily:
            return pd.DataFrame({"good": [0], "total": [0], "attainment": [np.nan]})
        return pd.DataFrame({"timestamp": pd.DatetimeIndex([], tz=tz).as_unit("us"),
                             "good": np.array([], dtype=np.int64), "total": np.array([], dtype=np.int64),
                             "attainment": np.array([], dtype=float)})
    units = UnitGrid(to_grid(events, by=("slo",), what="SLI events"), [Budgeting.of(slo)], [tz])
    if not daily:
        good, total, _ = units.sums(0, np.zeros(1, dtype=np.int64))
        return pd.DataFrame({"good": good, "total": total, "attainment": attainment_of(good, total)})
    days, good, total, _ = units.day_sums(0)
    naive = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[us]"))
    return pd.DataFrame({"timestamp": _midnights(naive, tz), "good": good, "total": total,
                         "attainment": attainment_of(good, total)})


def _describe(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``bad`` and ``no_data`` and blank the attainment of periods without data.

    Counts are int64, except RatioTimeslices' ``good`` (a sum of slice ratios), which stays float.
    """
    if frame["good"].dtype.kind != "f":
        frame["good"] = frame["good"].astype(np.int64)
    frame["total"] = frame["total"].astype(np.int64)
    frame["bad"] = frame["total"] - frame["good"]
    no_data = frame["total"].to_numpy() == 0
    frame["attainment"] = np.where(no_data, np.nan, frame["attainment"].to_numpy(dtype=float))
    frame["no_data"] = no_data
    return frame


def monthly_attainment(sli: pd.DataFrame | str | os.PathLike | Dataset, catalog: Catalog, *, service: str,
                       month: str) -> pd.DataFrame:
    r"""Attainment of each SLO of a service over one calendar month, against its target.

    Parameters
    ----------
    sli : DataFrame, str, Path or pyarrow.dataset.Dataset
        Good/total event counts per bucket with columns ``timestamp`` (timezone-aware bucket start),
        ``service``, ``slo``, ``good``, ``total``, e.g. ``read_dataset("sli_5min")``. Buckets must not
        straddle the month boundary. Or a Parquet SLI table too large for memory: only the service's
        rows are read (:func:`~slm_analytics.data.iter_sli_groups`).
    catalog : Catalog
        The catalog defining the service (its time zone) and its SLOs (target, budgeting method).
    service : str
        The service.
    month : str
        Calendar month ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    DataFrame
        One row per SLO of the service, in catalog order, with columns:

        - ``service``, ``slo`` : str;
        - ``budgeting_method`` : ``Occurrences``, ``Timeslices`` or ``RatioTimeslices``;
        - ``unit`` : what ``good``, ``bad`` and ``total`` count: ``"events"`` or, for Timeslices,
          ``"slices"`` (slices with data);
        - ``good``, ``bad``, ``total`` : int64 counts over the month;
        - ``attainment`` : float in [0, 1], ``NaN`` without data (see Notes);
        - ``target`` : the SLO's objective;
        - ``met`` : nullable boolean, ``attainment >= target``; ``<NA>`` without data;
        - ``budget_consumed`` : share of the month's error budget spent, ``(1 - attainment) / (1 - target)``
          (above 1 when the SLO is missed; ``NaN`` without data);
        - ``no_data`` : bool, no event (or no slice with data) in the month;
        - ``period_start``, ``period_end`` : the month's bounds in the service's time zone, ``[start, end)``.

    Raises
    ------
    ParameterError
        If ``month`` is not ``"YYYY-MM"``.
    DefinitionError
        If ``service`` is not in the catalog.
    DataError
        If a column is missing from ``sli``.
    InsufficientDataError
        If the service has no event at all in the month.

    Notes
    -----
    Occurrences: :math:`A = \sum good / \sum total` over the month's buckets. Timeslices: the buckets are
    pooled into slices of ``timeslice_window``; a slice with data is good when its ratio is at least
    ``timeslice_target`` and :math:`A` = good slices / slices with data. RatioTimeslices: :math:`A` is the
    mean of the slice ratios. The error budget is :math:`1 - target` of the month; the consumed share is
    :math:`(1 - A) / (1 - target)` (Google SRE Workbook, ch. 2 "Implementing SLOs"; OpenSLO v1
    ``budgetingMethod``). The SLO's own ``window`` (e.g. rolling 28 days) is not used: a monthly review
    reports every SLO over the same calendar month.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> table = monthly_attainment(sli, catalog, service="checkout", month="2026-10")
    >>> table[["slo", "unit", "total", "attainment", "target", "met"]]
                slo    unit     total  attainment  target   met
    0  availability  events  16006294    0.999691   0.999  True
    1       latency  events  16006294    0.996250   0.990  True
    2        uptime  slices      8940    0.998546   0.995  True

    October 2026 in London has 745 hours (summer time ends on the 25th), so 8,940 five-minute slices.
    """
    if not isinstance(sli, pd.DataFrame):  # a table on disk: the service's rows
        groups = iter_sli_groups(sli, catalog=catalog, services=[service])
        sli = groups.read(0) if len(groups) else groups.empty()
    slos, tz, start, end, events = _service_month(sli, catalog, service, month)
    rows = []
    for slo in slos:
        one = _attain(events[events["slo"] == slo.name], slo, tz, None)
        one = _describe(one[["good", "total", "attainment"]].copy())
        one.insert(0, "service", service)
        one.insert(1, "slo", slo.name)
        one.insert(2, "budgeting_method", slo.budgeting_method)
        one.insert(3, "unit", Budgeting.of(slo).unit)
        one["target"] = slo.target
        rows.append(one)
    out = pd.concat(rows, ignore_index=True)
    attainment = out["attainment"].to_numpy(dtype=float)
    target = out["target"].to_numpy(dtype=float)
    out["met"] = pd.array(np.where(out["no_data"], None, attainment >= target), dtype="boolean")
    out["budget_consumed"] = (1.0 - attainment) / (1.0 - target)
    out["period_start"] = start
    out["period_end"] = end
    columns = ["service", "slo", "budgeting_method", "unit", "good", "bad", "total", "attainment", "target",
               "met", "budget_consumed", "no_data", "period_start", "period_end"]
    return out[columns]


def _month_rows(units: UnitGrid, i: int, bounds: list[tuple[pd.Timestamp, pd.Timestamp]]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Good and total units of series ``i`` of ``units`` in each ``[start, end)`` of ``bounds``."""
    g, t = units.counts(i)
    cg = np.concatenate(([0], np.cumsum(g, dtype=np.float64 if g.dtype.kind == "f" else np.int64)))
    ct = np.concatenate(([0], np.cumsum(t, dtype=np.int64)))
    times = units.grid.times
    a = np.array([times.searchsorted(b0) for b0, _ in bounds])
    b = np.array([times.searchsorted(b1) for _, b1 in bounds])
    return cg[b] - cg[a], ct[b] - ct[a]


def fleet_monthly_attainment(sli: pd.DataFrame | str | os.PathLike | Dataset, catalog: Catalog, *,
                             months: Sequence[str], services: Sequence[str] | None = None,
                             progress_bar: bool = False) -> pd.DataFrame:
    """Attainment of every SLO of the fleet in each calendar month: :func:`monthly_attainment`, in one pass.

    The table the compliance heatmap (:func:`~slm_analytics.charts.compliance_heatmap`) draws. Each SLO is
    counted as :func:`monthly_attainment` counts it (its budgeting method, months cut in its service's time
    zone); the data is laid out once for all SLOs instead of once per service and month.

    Parameters
    ----------
    sli : DataFrame, str, Path or pyarrow.dataset.Dataset
        Good/total event counts per bucket (``timestamp, service, slo, good, total``), or a Parquet SLI
        table too large for memory: read and counted a group of services at a time
        (:func:`~slm_analytics.data.iter_sli_groups`), with the result of ``read_sli(path)``.
    catalog : Catalog
        Services (time zones) and SLOs (targets, budgeting methods).
    months : sequence of str
        Calendar months ``"YYYY-MM"``.
    services : sequence of str, optional
        The services, in the order wanted; default every service of the catalog.
    progress_bar : bool
        For a table given by path: show a tqdm bar over the groups of services (on stderr, on a terminal).

    Returns
    -------
    DataFrame
        The columns of :func:`monthly_attainment` plus ``month``, one row per SLO and month (services and
        SLOs in catalog order, months as given); a month without data has ``total`` 0, ``no_data`` True
        and ``attainment`` NaN.

    Raises
    ------
    ParameterError
        A month that is not ``"YYYY-MM"``, or no month.
    DefinitionError
        A service not in the catalog.
    DataError
        A missing column.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> table = fleet_monthly_attainment(sli, catalog, months=["2026-09", "2026-10"], services=["checkout"])
    >>> table[["slo", "month", "attainment"]].round(6).head(3)
                slo    month  attainment
    0  availability  2026-09    0.999706
    1  availability  2026-10    0.999691
    2       latency  2026-09    0.996546
    """
    if not len(months):
        msg = "fleet_monthly_attainment: no month given; expected months such as ['2026-09', '2026-10']"
        raise ParameterError(msg)
    names = [s.name for s in catalog.services] if services is None else list(services)
    zones = {name: catalog.service(name).timezone for name in names}  # DefinitionError for an unknown one
    if not isinstance(sli, pd.DataFrame):
        return _fleet_by_groups(sli, catalog, months=months, names=names, progress_bar=progress_bar)
    _check_columns(sli)
    bounds = {tz: [month_bounds(m, tz=tz) for m in months] for tz in set(zones.values())}
    slos = [o for name in names for o in catalog.slos_of(name)]
    wanted = set(names)
    rows = sli[sli["service"].isin(wanted).to_numpy()] if len(wanted) < sli["service"].nunique() else sli
    known = {(o.service, o.name) for o in slos}
    frames = []
    if len(rows):
        grid = to_grid(rows[_COLUMNS], by=("service", "slo"), what="SLI events")
        keys = [(str(a), str(b)) for a, b in zip(grid.keys["service"], grid.keys["slo"], strict=True)]
        catalog_slo = {(o.service, o.name): o for o in slos}
        budgetings = [Budgeting.of(catalog_slo[k]) if k in known else Budgeting() for k in keys]
        units = UnitGrid(grid, budgetings, [zones.get(k[0], "UTC") for k in keys])
        position = {k: i for i, k in enumerate(keys)}
    for o in slos:
        tz = zones[o.service]
        if len(rows) and (o.service, o.name) in position:
            good, total = _month_rows(units, position[(o.service, o.name)], bounds[tz])
        else:
            good, total = np.zeros(len(months), dtype=np.int64), np.zeros(len(months), dtype=np.int64)
        frames.append(pd.DataFrame({
            "service": o.service, "slo": o.name, "budgeting_method": o.budgeting_method,
            "unit": Budgeting.of(o).unit, "good": good, "total": total,
            "attainment": attainment_of(good, total), "target": o.target, "month": list(months),
            "period_start": [b0 for b0, _ in bounds[tz]], "period_end": [b1 for _, b1 in bounds[tz]],
        }))
    out = _describe(pd.concat(frames, ignore_index=True))
    attainment = out["attainment"].to_numpy(dtype=float)
    target = out["target"].to_numpy(dtype=float)
    out["met"] = pd.array(np.where(out["no_data"], None, attainment >= target), dtype="boolean")
    out["budget_consumed"] = (1.0 - attainment) / (1.0 - target)
    columns = ["service", "slo", "month", "budgeting_method", "unit", "good", "bad", "total", "attainment",
               "target", "met", "budget_consumed", "no_data", "period_start", "period_end"]
    return out[columns]


def _fleet_by_groups(source: str | os.PathLike | Dataset, catalog: Catalog, *, months: Sequence[str],
                     names: list[str], progress_bar: bool) -> pd.DataFrame:
    """:func:`fleet_monthly_attainment` of a table on disk, a group of services at a time."""
    groups = iter_sli_groups(source, catalog=catalog, services=names)
    pieces: dict[str, pd.DataFrame] = {}
    for i, (frame, _) in enumerate(groups.frames(services=names, progress_bar=progress_bar,
                                                 desc="fleet_monthly_attainment")):
        table = fleet_monthly_attainment(frame, catalog, months=months, services=groups.groups[i])
        pieces.update((str(s), part) for s, part in table.groupby("service", sort=False))
    missing = list(dict.fromkeys(s for s in names if s not in pieces))
    if missing:  # services without rows: no data in any month
        table = fleet_monthly_attainment(groups.empty(), catalog, months=months, services=missing)
        pieces.update((str(s), part) for s, part in table.groupby("service", sort=False))
    return pd.concat([pieces[s] for s in names], ignore_index=True)


def daily_attainment(sli: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> pd.DataFrame:
    """Attainment of each SLO of a service per local day of a calendar month.

    The daily value follows the SLO's budgeting method, as :func:`monthly_attainment` does for the month,
    so a time-slice SLO's daily value is comparable with its target. Days without data are present with
    ``total == 0`` and ``sli`` ``NaN`` (charts show them as gaps).

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket (see :func:`monthly_attainment`).
    catalog : Catalog
        The catalog defining the service and its SLOs.
    service : str
        The service.
    month : str
        Calendar month ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    DataFrame
        One row per SLO and local day (every day of the month), with columns ``service``, ``slo``,
        ``budgeting_method``, ``unit`` (``"events"`` or ``"slices"``), ``timestamp`` (local midnight starting
        the day, in the service's time zone), ``good``, ``bad``, ``total`` (int64), ``sli`` (the day's
        attainment by the SLO's budgeting method, ``NaN`` without data; for Occurrences the ratio SLI of
        :func:`~slm_analytics.sli.ratio_sli`) and ``target``.

    Raises
    ------
    ParameterError
        If ``month`` is not ``"YYYY-MM"``.
    DefinitionError
        If ``service`` is not in the catalog.
    DataError
        If a column is missing from ``sli``.
    InsufficientDataError
        If the service has no event at all in the month.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> daily = daily_attainment(sli, catalog, service="checkout", month="2026-10")
    >>> daily.groupby("slo", sort=False).size().tolist()
    [31, 31, 31]
    >>> daily.loc[daily["slo"] == "uptime", "total"].iloc[0]  # 288 five-minute slices a day
    np.int64(288)
    """
    slos, tz, start, end, events = _service_month(sli, catalog, service, month)
    days = pd.DataFrame({"timestamp": _local_days(start, end, tz)})
    frames = []
    for slo in slos:
        one = _attain(events[events["slo"] == slo.name], slo, tz, "1D")
        one = one[["timestamp", "good", "total", "attainment"]]
        one = days.merge(one, on="timestamp", how="left").fillna({"good": 0, "total": 0})
        one = _describe(one).rename(columns={"attainment": "sli"})
        one.insert(0, "service", service)
        one.insert(1, "slo", slo.name)
        one.insert(2, "budgeting_method", slo.budgeting_method)
        one.insert(3, "unit", Budgeting.of(slo).unit)
        one["target"] = slo.target
        frames.append(one)
    out = pd.concat(frames, ignore_index=True)
    columns = ["service", "slo", "budgeting_method", "unit", "timestamp", "good", "bad", "total", "sli",
               "target"]
    return out[columns]


# ------------------------------------------------------------------------------- the month through the engine

#: History read before the month for the engine's windows: the trailing 90-day quarter of the error-budget
#: policy at the month's end, a rolling 28-day SLO window, the longest burn-rate window (a few days) and an
#: alert already firing when the month starts.
HISTORY = pd.Timedelta(days=92)


def _service_rows(
    sli: pd.DataFrame, catalog: Catalog, service: str, month: str
) -> tuple[str, pd.Timestamp, pd.Timestamp, pd.DataFrame]:
    """Return the time zone, the month's bounds and the service's buckets from ``HISTORY`` before the month.

    Raises like :func:`monthly_attainment` when a column is missing or the month holds no event.
    """
    _check_columns(sli)
    tz = catalog.service(service).timezone
    start, end = month_bounds(month, tz=tz)
    ts = sli["timestamp"]
    mask = ((sli["service"] == service).to_numpy() & (ts >= start - HISTORY).to_numpy()
            & (ts < end).to_numpy())
    rows = sli.loc[mask, _COLUMNS]
    if int(rows["total"].to_numpy()[(rows["timestamp"] >= start).to_numpy()].sum()) == 0:
        raise _no_data(service, month, start, end, tz)
    return tz, start, end, rows


def _local(values: pd.Series | pd.Timestamp, tz: str) -> pd.Series | pd.Timestamp:
    """UTC instants as timezone-aware times in ``tz`` (microseconds)."""
    if isinstance(values, pd.Series):
        return values.dt.tz_convert(tz).dt.as_unit("us")
    return values.tz_convert(tz).as_unit("us")


def _window_of(slo: SLO, end: pd.Timestamp, tz: str) -> tuple[pd.Timestamp, pd.Timestamp, bool]:
    """Return the SLO's compliance window at the instant ``end``: ``(start, window end, calendar?)``.

    A rolling window is the trailing ``slo.window`` up to ``end``; a calendar window is the week, month or
    quarter (local midnights in ``tz``) holding the instant just before ``end``, so a month's end closes
    a monthly window and is two thirds into a quarter's.
    """
    from ..windows import calendar_windows

    if slo.window in ("week", "month", "quarter"):
        w = calendar_windows(end - pd.Timedelta(microseconds=1), end, period=slo.window, tz=tz)  # type: ignore[arg-type]
        return w["window_start"].iloc[0], w["window_end"].iloc[0], True
    return end - pd.Timedelta(parse_window(slo.window)), end, False  # type: ignore[arg-type]


def month_end_budgets(sli: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> pd.DataFrame:
    r"""Error budget of each SLO of a service at the end of a month, in the SLO's own window.

    A rolling SLO (``window: 28d``) is assessed over the 28 days ending at the month's end; a calendar SLO
    (``window: month``) over its calendar period holding the month's last instant: the month itself, or the
    quarter (or week) to date. Counts follow the SLO's budgeting method, as
    :func:`~slm_analytics.budget.attainment` takes them, and the budget is
    :func:`~slm_analytics.budget.error_budget`'s. Nothing is excluded: an SLO measures what users
    experienced, planned maintenance included (SLAs exclude it, see :func:`month_sla`).

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket (``timestamp, service, slo, good, total``), e.g.
        ``read_dataset("sli_5min")``; only the service's rows of the window are used.
    catalog : Catalog
        The service (time zone) and its SLOs (target, window, budgeting method).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    DataFrame
        One row per SLO, in catalog order:

        - ``service``, ``slo``, ``budgeting_method``;
        - ``unit``: what ``good`` and ``total`` count, ``"events"`` or ``"slices"`` (Timeslices and
          RatioTimeslices; for RatioTimeslices ``good`` is the sum of the slice ratios, a float);
        - ``window``: the SLO's window as the catalog writes it (``"28d"``, ``"month"``);
        - ``calendar``: bool, a calendar window;
        - ``window_start``, ``window_end``: the window (local time); for a calendar window the whole period,
          which may end after ``as_of`` (quarter to date);
        - ``as_of``: the month's end (local time), where the budget is taken;
        - ``elapsed``: Timedelta, the part of the window the counts cover: up to ``as_of``, from the window's
          start or from the service's first bucket when its data starts later;
        - ``good``, ``total``: counts over the elapsed window;
        - ``sli``, ``target``, ``burn_rate``, ``consumed``, ``remaining``, ``budget_minutes``,
          ``remaining_minutes``: as :class:`~slm_analytics.budget.ErrorBudget` (``remaining`` < 0 when
          overspent; ``NaN`` without data);
        - ``time_to_exhaustion``: Timedelta until the remaining budget is spent at ``burn_rate``; ``0`` when
          already spent, ``NaT`` when nothing burns or without data;
        - ``period_over``: bool, a calendar window that ends at ``as_of`` (its budget starts afresh:
          exhaustion is moot);
        - ``no_data``: bool, no event (or slice with data) in the window.

    Raises
    ------
    ParameterError, DefinitionError, DataError, InsufficientDataError
        As :func:`monthly_attainment`.

    Notes
    -----
    :math:`B = (1 - T) W` as time and :math:`b = (1 - \mathrm{SLI}) / (1 - T)`, the burn rate; remaining
    :math:`1 - b \cdot e / W` for the elapsed part :math:`e` of the window :math:`W` (SRE Workbook, ch. 2
    and 5). Calendar windows use their real length (February: 28 days; a month with a clock change:
    :math:`\pm` 1 h), not the 30-day convention of burn-rate thresholds, so that the budget in minutes is the
    month's. For a monthly SLO at the month's end the remaining budget is
    :math:`1 -` :func:`monthly_attainment`'s ``budget_consumed``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> b = month_end_budgets(sli, catalog, service="payments", month="2026-02")
    >>> b[["slo", "window", "sli", "remaining", "budget_minutes"]].round(4)
                slo window     sli  remaining  budget_minutes
    0  availability  month  0.9976    -3.7609           20.16
    1       latency    28d  0.9952     0.5204          403.20
    2        uptime  month  0.9945    -0.0913          201.60

    Payments' availability (99.95 % over the calendar month) burnt 4.76 times its budget in February:
    376 % overspent. A 28-day February has :math:`0.0005 \times 28 \times 1440 = 20.16` budget minutes.
    """
    from ..budget import attainment, error_budget

    tz, _, end, rows = _service_rows(sli, catalog, service, month)
    first = rows["timestamp"].min()
    out = []
    for slo in catalog.slos_of(service):
        w_start, w_end, calendar = _window_of(slo, end, tz)
        ts = rows["timestamp"]
        mine = rows[(rows["slo"] == slo.name).to_numpy() & (ts >= w_start).to_numpy()]
        unit = Budgeting.of(slo).unit
        row = {"service": service, "slo": slo.name, "budgeting_method": slo.budgeting_method, "unit": unit,
               "window": slo.window, "calendar": calendar, "window_start": _local(w_start, tz),
               "window_end": _local(w_end, tz), "as_of": _local(end, tz)}
        good: float = 0
        total = 0
        if len(mine):
            counts = attainment(mine, method=slo.budgeting_method, timeslice_target=slo.timeslice_target,
                                timeslice_window=slo.timeslice_window, tz=tz).iloc[0]
            good, total = counts["good"], int(counts["total"])
        elapsed = end - max(w_start, first)  # shorter when the service's data starts within the window
        if total == 0:
            out.append({**row, "elapsed": elapsed, "good": good, "total": total, "sli": np.nan,
                        "target": slo.target, "burn_rate": np.nan, "consumed": np.nan, "remaining": np.nan,
                        "budget_minutes": (1 - slo.target) * ((w_end - w_start) / pd.Timedelta(minutes=1)),
                        "remaining_minutes": np.nan, "time_to_exhaustion": pd.NaT,
                        "period_over": calendar and w_end == end, "no_data": True})
            continue
        eb = error_budget(good=good, total=total, target=slo.target, window=w_end - w_start, elapsed=elapsed)
        tte = eb.time_to_exhaustion if eb.time_to_exhaustion is not None else pd.NaT
        out.append({**row, "elapsed": elapsed, "good": good, "total": total, "sli": eb.sli,
                    "target": eb.target, "burn_rate": eb.burn_rate, "consumed": eb.consumed,
                    "remaining": eb.remaining, "budget_minutes": eb.budget_minutes,
                    "remaining_minutes": eb.remaining_minutes, "time_to_exhaustion": tte,
                    "period_over": calendar and w_end == end, "no_data": False})
    frame = pd.DataFrame(out)
    frame["elapsed"] = pd.to_timedelta(frame["elapsed"]).astype("timedelta64[us]")
    frame["time_to_exhaustion"] = pd.to_timedelta(frame["time_to_exhaustion"]).astype("timedelta64[us]")
    return frame


def _describe_window(window: str) -> str:
    """``"28d"`` -> ``"rolling 28 days"``, ``"month"`` -> ``"calendar month"``."""
    if window in ("week", "month", "quarter"):
        return f"calendar {window}"
    td = pd.Timedelta(parse_window(window))  # type: ignore[arg-type]
    if td % pd.Timedelta(days=1) == pd.Timedelta(0):
        days = td // pd.Timedelta(days=1)
        return f"rolling {days} day{'s' if days != 1 else ''}"
    return f"rolling {window}"


def budget_through_month(sli: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> pd.DataFrame:
    """Remaining error budget of each SLO of a service at the end of each day of a month.

    :func:`~slm_analytics.budget.rolling_compliance` over the service's rows (with the history its windows
    need), sampled at the last bucket of each local day: a small frame for a chart. Nothing is excluded
    (see :func:`month_end_budgets`).

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket (``timestamp, service, slo, good, total``).
    catalog : Catalog
        The service and its SLOs (window, target).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    DataFrame
        One row per SLO and local day with data, in catalog then day order:

        - ``service``, ``slo``;
        - ``window``: the SLO's window as the catalog writes it; ``window_label``: in words
          (``"rolling 28 days"``, ``"calendar month"``);
        - ``timestamp``: local midnight starting the day (the value is the one at the day's end);
        - ``as_of``: end of the day's last bucket with data (local), where the value is taken;
        - ``sli``: good / total over the SLO's window ending there: the trailing window, or the calendar
          period to date; ``NaN`` before a full rolling window of history;
        - ``budget_remaining``: ``1 - (1 - sli) / (1 - target)``, negative when overspent;
        - ``target``.

    Raises
    ------
    ParameterError, DefinitionError, DataError, InsufficientDataError
        As :func:`monthly_attainment`; ``InsufficientDataError`` also when the data before the month is
        shorter than a rolling window.

    Notes
    -----
    :func:`~slm_analytics.budget.rolling_compliance` counts in each SLO's budgeting units
    (:mod:`slm_analytics.methods`), so a Timeslices SLO's line follows its share of good slices, as its
    month-end budget does. At the last day the value of a rolling SLO equals :func:`month_end_budgets`'
    ``remaining``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> daily = budget_through_month(sli, catalog, service="payments", month="2026-02")
    >>> daily.groupby("slo", sort=False).size().tolist()
    [28, 28, 28]
    >>> round(float(daily["budget_remaining"].iloc[27]), 4)  # availability at the end of 28 February
    -3.7609
    """
    from ..budget import rolling_compliance

    tz, start, _, rows = _service_rows(sli, catalog, service, month)
    rc = rolling_compliance(rows, catalog)
    rc = rc.loc[(rc["timestamp"] >= start).to_numpy()]
    local = rc["timestamp"].dt.tz_convert(tz)
    frame = pd.DataFrame({"slo": rc["slo"].astype(str), "_day": local.dt.tz_localize(None).dt.normalize(),
                          "as_of": local + _step(rows), "sli": rc["sli"],
                          "budget_remaining": rc["budget_remaining"]})
    frame = frame.sort_values("as_of", kind="stable").drop_duplicates(["slo", "_day"], keep="last")
    slos = catalog.slos_of(service)
    by_name = {s.name: s for s in slos}
    order = {s.name: i for i, s in enumerate(slos)}
    frame = frame.assign(_o=frame["slo"].map(order)).sort_values(["_o", "_day"], kind="stable")
    frame.insert(0, "service", service)
    frame["window"] = frame["slo"].map({n: s.window for n, s in by_name.items()})
    frame["window_label"] = frame["window"].map(_describe_window)
    frame["timestamp"] = frame["_day"].dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    frame["timestamp"] = frame["timestamp"].dt.as_unit("us")
    frame["as_of"] = frame["as_of"].dt.as_unit("us")
    frame["target"] = frame["slo"].map({n: s.target for n, s in by_name.items()}).astype(float)
    columns = ["service", "slo", "window", "window_label", "timestamp", "as_of", "sli", "budget_remaining",
               "target"]
    return frame[columns].reset_index(drop=True)


def _step(rows: pd.DataFrame) -> pd.Timedelta:
    """Bucket length of a frame's timestamps (:func:`~slm_analytics._checks.infer_step`; 5 minutes if one)."""
    return infer_step(rows["timestamp"]) or pd.Timedelta(minutes=5)


def _policy_name(slo: SLO) -> str:
    return slo.alert_policy or "sre-workbook (default)"


def month_alerts(
    sli: pd.DataFrame,
    incidents: pd.DataFrame,
    catalog: Catalog,
    *,
    service: str,
    month: str,
    exclusions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Burn-rate alerts of a service's SLOs that fired during a month, matched with its incidents.

    :func:`~slm_analytics.budget.burn_rate_alerts` replays each SLO's alert policy from the catalog (the SRE
    Workbook's when it names none, as the engine does) over the service's rows, from :data:`HISTORY` before
    the month to its end, with ``exclusions`` (planned maintenance) removed. The alerts kept are those
    firing at some point of the month, including one that started before it.

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket (``timestamp, service, slo, good, total``).
    incidents : DataFrame
        Incident records (``id, service, started_at, resolved_at``), e.g. ``read_dataset("incidents")``.
    catalog : Catalog
        The service, its SLOs (target, window, alert policy) and the policies.
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.
    exclusions : DataFrame, optional
        Windows removed before replaying (``service, start, end``), e.g. ``read_dataset("maintenance")``:
        announced work does not page.

    Returns
    -------
    DataFrame
        One row per alert, by start: ``service``, ``slo``, ``policy`` (the catalog's policy name, or
        ``"sre-workbook (default)"``), ``severity``, ``rule`` (``"1h/5m"``), ``burn_rate`` (the rule's
        threshold), ``start``, ``end`` (local time: end of the first firing bucket, end of the first bucket
        no longer firing or the month's end), ``duration`` (Timedelta), ``ongoing`` (still firing at the
        month's end), ``before_month`` (started before the month), ``incidents`` (ids of the service's
        incidents it overlapped, comma-separated, ``""`` for none) and ``overlaps_incident`` (bool).

    Raises
    ------
    ParameterError, DefinitionError, DataError, InsufficientDataError
        As :func:`monthly_attainment`; ``DataError`` when ``incidents`` lacks a column.

    Notes
    -----
    An alert overlaps an incident when ``start <= resolved_at`` and ``end >= started_at`` (an ongoing
    incident counts to the month's end), the matching of
    :func:`~slm_analytics.budget.backtest_alerts`; incidents of any SLO of the service count, as an outage
    spends every SLO's budget.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> alerts = month_alerts(sli, inc, cat, service="payments", month="2026-02",
    ...                       exclusions=read_dataset("maintenance"))
    >>> alerts.groupby("slo", sort=False).size().to_dict()
    {'availability': 8, 'uptime': 6, 'latency': 4}
    """
    from ..budget import burn_rate_alerts

    missing = [c for c in ("id", "service", "started_at", "resolved_at") if c not in incidents.columns]
    if missing:
        msg = (f"month_alerts: incidents miss column(s) {', '.join(map(repr, missing))}; expected id, "
               "service, started_at, resolved_at (read_dataset('incidents'))")
        raise DataError(msg)
    tz, start, end, rows = _service_rows(sli, catalog, service, month)
    alerts = burn_rate_alerts(rows, catalog, exclusions=exclusions)
    alerts = alerts[(alerts["start"] < end).to_numpy() & (alerts["end"] > start).to_numpy()]
    alerts = alerts.reset_index(drop=True)
    own = incidents[incidents["service"] == service]
    s_inc = micros(own["started_at"], "incidents column 'started_at'")
    r_inc = micros(own["resolved_at"].fillna(end.tz_convert("UTC")), "incidents column 'resolved_at'")
    a_start, a_end = micros(alerts["start"], "alert starts"), micros(alerts["end"], "alert ends")
    hit = (a_start[:, None] <= r_inc[None, :]) & (a_end[:, None] >= s_inc[None, :])  # alerts x incidents
    ids = own["id"].astype(str).to_numpy()
    by_name = {s.name: s for s in catalog.slos_of(service)}
    out = pd.DataFrame({
        "service": service,
        "slo": alerts["slo"].astype(str).to_numpy(),
        "policy": [_policy_name(by_name[n]) for n in alerts["slo"].astype(str)],
        "severity": alerts["severity"].astype(str).to_numpy(),
        "rule": alerts["rule"].astype(str).to_numpy(),
        "burn_rate": alerts["burn_rate"].to_numpy(dtype=float),
        "start": _local(alerts["start"], tz),
        "end": _local(alerts["end"], tz),
        "duration": (alerts["end"] - alerts["start"]).astype("timedelta64[us]"),
        "ongoing": alerts["ongoing"].to_numpy(dtype=bool),
        "before_month": (alerts["start"] < start).to_numpy(),
        "incidents": [", ".join(ids[row]) for row in hit],
        "overlaps_incident": hit.any(axis=1),
    })
    return out


def alert_thresholds(catalog: Catalog, *, service: str) -> pd.DataFrame:
    """List the burn-rate rules each SLO of a service is alerted on, with their thresholds.

    Parameters
    ----------
    catalog : Catalog
        The service's SLOs (target, window, alert policy) and the policies.
    service : str
        The service.

    Returns
    -------
    DataFrame
        One row per SLO and rule, in catalog and policy order: ``slo``, ``policy`` (``"sre-workbook
        (default)"`` when the SLO names none: the engine's default), ``window`` (the SLO's period),
        ``target``, then :func:`~slm_analytics.budget.burn_rate_thresholds`' ``severity``,
        ``long_window``, ``short_window``, ``budget_consumed`` and ``burn_rate``, and ``error_rate``: the
        error rate both windows must exceed, ``burn_rate * (1 - target)``.

    Raises
    ------
    DefinitionError
        If ``service`` is not in the catalog.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> t = alert_thresholds(read_dataset("catalog"), service="payments")
    >>> t.loc[t["slo"] == "availability", ["long_window", "burn_rate"]].round(2).values.tolist()
    [['1h', 14.4], ['6h', 6.0], ['1d', 3.0], ['3d', 1.0]]
    """
    from ..budget import burn_rate_thresholds

    catalog.service(service)
    frames = []
    for slo in catalog.slos_of(service):
        policy = catalog.alert_policy(slo.alert_policy) if slo.alert_policy else None
        table = burn_rate_thresholds(slo.window, policy)
        table.insert(0, "slo", slo.name)
        table.insert(1, "policy", _policy_name(slo))
        table.insert(2, "window", slo.window)
        table.insert(3, "target", slo.target)
        table["error_rate"] = table["burn_rate"] * (1 - slo.target)
        frames.append(table)
    columns = ["slo", "policy", "window", "target", "severity", "long_window", "short_window",
               "budget_consumed", "burn_rate", "error_rate"]
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=float if c in ("target", "budget_consumed", "burn_rate",
                                                                  "error_rate") else object)
                             for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def month_sla(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    service: str,
    month: str,
    exclusions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Attainment and service credits of a service's SLAs for a month (quarterly SLAs: quarter to date).

    :func:`~slm_analytics.sla.sla_attainment` over the service's rows up to the month's end: a monthly SLA
    gets the month, a quarterly one the quarter holding the month, measured up to the month's end
    (``complete`` is ``False`` until the quarter's last month).

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket (``timestamp, service, slo, good, total``).
    catalog : Catalog
        The service, its SLAs (target, period, schedule, exclusions, credits, fee).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.
    exclusions : DataFrame, optional
        Planned maintenance (``service, start, end``), removed from SLAs whose contract excludes
        ``maintenance``; without it nothing is excluded.

    Returns
    -------
    DataFrame
        One row per SLA of the service, in catalog order (none when it has no SLA): the columns of
        :func:`~slm_analytics.sla.sla_attainment` (``period_start``/``period_end`` in UTC; ``credit_amount``
        for the whole period) plus ``customer``, ``period`` (``"month"`` or ``"quarter"``), ``schedule``,
        ``monthly_fee``, ``excludes_maintenance`` (the contract excludes it and ``exclusions`` were given)
        and ``to_date`` (the period goes on after the month: attainment and credit are provisional).

    Raises
    ------
    ParameterError, DefinitionError, DataError, InsufficientDataError
        As :func:`monthly_attainment`.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, cat = read_dataset("sli_5min"), read_dataset("catalog")
    >>> row = month_sla(sli, cat, service="payments", month="2026-02",
    ...                 exclusions=read_dataset("maintenance")).iloc[0]
    >>> print(row["sla"], f"{row['attainment']:.4f}", row["breached"], row["credit"], row["credit_amount"])
    merchant-gateway 0.9977 True 0.1 4000.0
    """
    from ..sla import sla_attainment

    _, start, end, rows = _service_rows(sli, catalog, service, month)
    slas = [a for a in catalog.slas if a.service == service]
    frames = []
    for a in slas:
        if not (rows["slo"] == a.slo).any():
            continue
        att = sla_attainment(rows, catalog, exclusions=exclusions, sla=f"{a.service}/{a.name}")
        # the contract periods the reviewed period touches: one for a month (a quarterly SLA's quarter to
        # date), each month of a quarter for a monthly SLA
        hold = (att["period_start"] < end).to_numpy() & (att["period_end"] > start).to_numpy()
        one = att.loc[hold].copy()
        one["customer"] = a.customer
        one["period"] = a.period
        one["schedule"] = a.schedule
        one["monthly_fee"] = float(a.monthly_fee)
        one["excludes_maintenance"] = exclusions is not None and "maintenance" in a.exclusions
        one["to_date"] = (one["period_end"] > end).to_numpy()
        frames.append(one)
    if not frames:
        columns = ["service", "sla", "slo", "period_start", "period_end", "good", "total", "excluded_buckets",
                   "attainment", "target", "breached", "margin", "complete", "no_data", "credit",
                   "credit_amount", "customer", "period", "schedule", "monthly_fee", "excludes_maintenance",
                   "to_date"]
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)


def month_policy_triggers(
    sli: pd.DataFrame, incidents: pd.DataFrame, catalog: Catalog, *, service: str, month: str
) -> pd.DataFrame:
    """Evaluate the error-budget policy (SRE Workbook, appendix B) for a service at the end of a month.

    :func:`~slm_analytics.policy.budget_policy_triggers` over the service's rows up to the month's end,
    evaluated at the month's end (or at the end of the data when the month is not complete yet).

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket (``timestamp, service, slo, good, total``).
    incidents : DataFrame
        Incident records (``id, service, cause, started_at, resolved_at``), e.g.
        ``read_dataset("incidents")``.
    catalog : Catalog
        The service and its SLOs (targets).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    DataFrame
        :func:`~slm_analytics.policy.budget_policy_triggers`' rows for the service (``service, slo, rule,
        action, subject, value, threshold, window_start, window_end`` and the evidence as numbers; windows in
        UTC); empty when no rule triggered.

    Raises
    ------
    ParameterError, DefinitionError, DataError, InsufficientDataError
        As :func:`monthly_attainment`; ``InsufficientDataError`` with less than 4 weeks of data before the
        month's end.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> month_policy_triggers(sli, inc, cat, service="payments", month="2026-02")["rule"].tolist()
    ['budget-exhausted', 'single-incident', 'outage-class', 'budget-exhausted', 'single-incident',
     'outage-class']
    """
    from ..policy import budget_policy_triggers

    _, _, _, rows = _service_rows(sli, catalog, service, month)
    own = incidents[incidents["service"] == service] if "service" in incidents.columns else incidents
    # as_of=None: the end of the rows, the month's end once the month is complete
    return budget_policy_triggers(rows, own, catalog)


def month_incident_availability(
    incidents: pd.DataFrame,
    catalog: Catalog,
    *,
    service: str,
    month: str,
    exclusions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Availability, MTTR, MTTD and MTBF of a service over a month, from its incident records.

    :func:`~slm_analytics.availability.availability_from_incidents` (maintenance excluded, only the
    service's business hours when it has a schedule) and
    :func:`~slm_analytics.availability.incident_metrics` over the month.

    Parameters
    ----------
    incidents : DataFrame
        Incident records (``id, service, started_at, detected_at, resolved_at``).
    catalog : Catalog
        The service (time zone, schedule).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.
    exclusions : DataFrame, optional
        Planned maintenance (``service, start, end``), removed from the measured time.

    Returns
    -------
    DataFrame
        One row: ``service``, ``window_start``, ``window_end`` (the month, local time), ``schedule`` (name or
        ``None``), ``eligible``, ``downtime``, ``availability``, ``no_eligible_time`` (from
        ``availability_from_incidents``), ``incidents`` (overlapping the month), ``ongoing``, ``started``
        (incidents that started in the month), ``mttr``, ``median_ttr``, ``mttd`` and ``mtbf`` (from
        ``incident_metrics``: ``NaT`` when no incident started in the month).

    Raises
    ------
    ParameterError
        If ``month`` is not ``"YYYY-MM"``.
    DefinitionError
        If ``service`` is not in the catalog, or its schedule lists no holidays for the month's year.
    DataError
        As the availability functions.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> inc, cat, mnt = read_dataset("incidents"), read_dataset("catalog"), read_dataset("maintenance")
    >>> summary = month_incident_availability(inc, cat, service="payments", month="2026-02", exclusions=mnt)
    >>> row = summary.iloc[0]
    >>> print(row["eligible"], row["downtime"], round(row["availability"], 6), row["mttr"])
    27 days 22:30:00 0 days 01:55:00 0.997141 0 days 01:55:00
    """
    from ..availability import availability_from_incidents, incident_metrics

    s = catalog.service(service)
    start, end = month_bounds(month, tz=s.timezone)
    own = incidents[incidents["service"] == service]
    excl = None
    if exclusions is not None:
        excl = exclusions[exclusions["service"] == service] if "service" in exclusions.columns else exclusions
    schedule = catalog.schedule(s.schedule) if s.schedule else None
    avail = availability_from_incidents(own, start=start, end=end, exclusions=excl, schedule=schedule,
                                        services=[service])
    metrics = incident_metrics(own, start=start, end=end, services=[service])
    a, m = avail[avail["service"] == service].iloc[0], metrics[metrics["service"] == service].iloc[0]
    return pd.DataFrame({
        "service": [service],
        "window_start": [start],
        "window_end": [end],
        "schedule": [s.schedule],
        "eligible": [a["eligible"]],
        "downtime": [a["downtime"]],
        "availability": [float(a["availability"])],
        "no_eligible_time": [bool(a["no_eligible_time"])],
        "incidents": [int(a["incidents"])],
        "ongoing": [int(a["ongoing"])],
        "started": [int(m["incidents"])],
        "mttr": [m["mttr"]],
        "median_ttr": [m["median_ttr"]],
        "mttd": [m["mttd"]],
        "mtbf": [m["mtbf"]],
    })


# -------------------------------------------------------------------------------------------------- outlook

#: days before the month's end the outlook shows: the window of the trend test, the change points and the
#: fit of the forecast (the breach simulation reads its own, longer history: forecast.HISTORY_WEEKS)
OUTLOOK_DAYS = 90
#: the shortest outlook window (12 weeks: a trend test and change points need that much)
_MIN_OUTLOOK_DAYS = 84


@dataclass(frozen=True, repr=False)
class MonthOutlook:
    """Trend and risk of each SLO of a service as they stood at the end of a month (:func:`month_outlook`).

    Attributes
    ----------
    service : str
        The service.
    month : str
        The reviewed month, ``YYYY-MM``.
    as_of : Timestamp
        The month's end in the service's time zone (the first instant of the next month): the outlook uses
        the data before it only.
    table : DataFrame
        One row per SLO (see :func:`month_outlook`).
    daily : DataFrame
        The daily counts the outlook is computed from, one row per SLO and local day of the window (days
        without events included, with ``total == 0``): ``service``, ``slo``, ``budgeting_method``, ``unit``
        (``"events"`` or ``"slices"``), ``timestamp`` (local midnight), ``good``, ``bad``, ``total``,
        ``error_rate`` (``bad / total``, ``NaN`` without events) and ``target``.
    forecasts : DataFrame
        :func:`~slm_analytics.forecast.forecast_sli`'s forecasts (fast method, 80 % and 95 % intervals) of
        the assessed SLOs, in catalog order: ``service``, ``slo``, ``timestamp`` (local midnight),
        ``horizon``, ``mean``, ``median``, ``lower_80``, ``upper_80``, ``lower_95``, ``upper_95``.
    days : int
        Days of history read before ``as_of``.
    n_paths : int
        Simulated paths of the breach probabilities and exhaustion times.
    seed : int
        Their seed.
    """

    service: str
    month: str
    as_of: pd.Timestamp
    table: pd.DataFrame
    daily: pd.DataFrame
    forecasts: pd.DataFrame
    days: int = OUTLOOK_DAYS
    n_paths: int = 2000
    seed: int = 0

    def __repr__(self) -> str:
        risks = ", ".join(f"{r.slo} {r.breach_probability:.0%}" if r.assessed else f"{r.slo} not assessed"
                          for r in self.table.itertuples(index=False))
        return (f"MonthOutlook({self.service}, {self.month}, as of {self.as_of:%Y-%m-%d %H:%M %Z}: "
                f"P(miss) {risks})")

    def to_frame(self) -> pd.DataFrame:
        """Return the per-SLO table (a copy)."""
        return self.table.copy()


def _check_whole(value: object, name: str, minimum: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < minimum:
        msg = f"{name} {value!r} must be a whole number >= {minimum}{hint}"
        raise ParameterError(msg)
    return int(value)


def _daily_counts(events: pd.DataFrame, slo: SLO, tz: str) -> pd.DataFrame:
    """One SLO's counts per local day in its budgeting method's units: ``day`` (naive), ``good``, ``total``.

    As :func:`daily_attainment` counts them (the methods core); what the forecasts simulate.
    """
    d = _attain(events, slo, tz, "1D")
    days = d["timestamp"].dt.tz_localize(None).dt.floor("D")
    return pd.DataFrame({"day": days.to_numpy(), "good": d["good"].to_numpy(dtype=float),
                         "total": d["total"].to_numpy(dtype=float)})


def _segment_medians(daily: pd.DataFrame, segments: pd.DataFrame) -> np.ndarray:
    """Median daily error rate of each change-point segment (days with events from its start to its last)."""
    ts = daily["timestamp"].to_numpy()
    rate = daily["error_rate"].to_numpy(dtype=float)
    out = []
    for start, last in zip(segments["start"].to_numpy(), segments["last"].to_numpy(), strict=True):
        inside = (ts >= start) & (ts <= last) & ~np.isnan(rate)
        out.append(float(np.median(rate[inside])) if inside.any() else np.nan)
    return np.array(out)


def _after(origin: pd.Timestamp, offset: pd.Timedelta | None) -> pd.Timestamp:
    """``origin + offset``, ``NaT`` for no offset (an exhaustion not within the period)."""
    return pd.NaT if offset is None else origin + offset


def _timestamps(values: list, tz: str) -> pd.Series:
    """Timestamps (or ``NaT``) as one timezone-aware column in ``tz`` (microseconds)."""
    return pd.to_datetime(pd.Series(values, dtype=object), utc=True).dt.tz_convert(tz).dt.as_unit("us")


def month_outlook(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    service: str,
    month: str,
    days: int = OUTLOOK_DAYS,
    horizon: int = 30,
    n_paths: int = 2000,
    seed: int = 0,
) -> MonthOutlook:
    r"""Trend and risk of each SLO of a service as they stood at the end of a month.

    Everything is computed at ``as_of``, the first instant of the next month in the service's time zone,
    from the service's daily counts of the ``days`` days before it; data after the month is ignored, so the
    outlook of an old month is what could have been known then.

    * **Trend**: :func:`~slm_analytics.trend.trend_test` (Mann-Kendall with the Hamed-Rao correction for
      autocorrelation, Sen's slope) of the daily error rate;
    * **change point**: the latest level shift of :func:`~slm_analytics.trend.change_points` (daily counts,
      PELT) in the window;
    * **risk**: :func:`~slm_analytics.forecast.breach_probability` at the SLO's next window end: a calendar
      SLO's next period (the next month for ``window: month``), a rolling SLO's trailing window 7 days on
      (the next weekly review);
    * **budget**: :func:`~slm_analytics.forecast.exhaustion_time` over the next period (calendar SLOs) or the
      next window length (rolling SLOs), with the straight-line estimate (remaining budget / current burn);
    * **forecast**: :func:`~slm_analytics.forecast.forecast_sli` of the daily error rate, ``horizon`` days
      ahead (fast method, 80 % and 95 % intervals), for a chart.

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket (``timestamp, service, slo, good, total``), e.g.
        ``read_dataset("sli_5min")``; only the service's rows of the window are used.
    catalog : Catalog
        The service (time zone) and its SLOs (target, window, budgeting method).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.
    days : int
        Days before the month's end the trend test, the change points and the forecast read, at least 84;
        the breach probability and the exhaustion time read up to ``forecast.HISTORY_WEEKS`` weeks.
    horizon : int
        Days of the error-rate forecast.
    n_paths : int
        Simulated paths of the breach probability and the exhaustion time.
    seed : int
        Seed of both simulations (the default makes reports reproducible).

    Returns
    -------
    MonthOutlook
        ``.table``, one row per SLO in catalog order, with columns:

        - ``service``, ``slo``, ``budgeting_method``, ``unit`` (``"events"`` or ``"slices"``), ``target``,
          ``window`` (as the catalog writes it), ``calendar`` (bool);
        - ``as_of``: the month's end (local time);
        - ``assessed`` (bool) and ``note`` (why not, e.g. too little data; ``""`` when assessed); the columns
          below are ``NaN``/``NaT`` for an SLO not assessed;
        - ``days``: days with events in the window; ``recent_error_rate``: error rate of the last 7 days
          (pooled counts);
        - ``trend`` (``"increasing"``, ``"decreasing"``, ``"no trend"``), ``trend_p_value``, ``trend_slope``,
          ``trend_slope_low``, ``trend_slope_high``: Sen's slope of the daily error rate per day and its
          95 % interval;
        - ``change_at`` (local midnight starting the new level; ``NaT`` for none), ``change_before``,
          ``change_after``: the typical daily error rate (median over its days) of the segments either
          side of the latest change point;
        - ``breach_window_start``, ``breach_window_end`` (local): the window assessed;
          ``breach_probability``, ``breach_low``, ``breach_high`` (95 % interval); ``attainment_median``,
          ``attainment_p10``, ``attainment_p90``: simulated attainment at the window end;
          ``straight_line_attainment``: if the last 7 days' error rate went on;
        - ``exhaustion_end`` (local): end of the period searched for budget exhaustion;
          ``budget_remaining`` (share of the budget left at ``as_of`` in that period's window: 1 for a new
          calendar period), ``burn_rate`` (last 7 days), ``exhaustion_probability`` (budget spent before
          ``exhaustion_end``), ``exhaustion_median``, ``exhaustion_p10``, ``exhaustion_p90`` (local times;
          ``NaT`` when that quantile is not before ``exhaustion_end``) and ``straight_line_exhaustion``
          (``as_of`` + remaining budget / current burn; ``NaT`` when nothing burns; it may lie beyond
          ``exhaustion_end``).

        ``.daily`` and ``.forecasts``: see :class:`MonthOutlook`.

    Raises
    ------
    ParameterError
        If ``month`` is not ``"YYYY-MM"``; ``days`` < 84, ``horizon`` or ``n_paths`` < 1, or a bad seed.
    DefinitionError
        If ``service`` is not in the catalog.
    DataError
        If a column is missing from ``sli``.
    InsufficientDataError
        If the service has no event at all in the month. An SLO with too little history (fewer than 14
        days with events in the window) is not assessed (``assessed`` False, the reason in ``note``).

    Notes
    -----
    The functions are called on the SLO's daily counts in its units (events, or time slices for a
    Timeslices SLO), local days of the service's time zone, which is what they compute from bucket data
    themselves: the numbers equal direct calls on the bucket data with ``tz``, ``as_of`` and the same
    ``seed``. The daily error rate is ``bad / total``. See the functions for the methods and their sources.

    The levels either side of a change point are medians of the segments' daily error rates, not the pooled
    ``bad / total`` of :func:`~slm_analytics.trend.change_points`: the search clips short spikes, and a
    single outage day can pull a segment's pooled rate above that of the episode before it (payments'
    availability in February 2026: a 3-day episode from 31 January, then a pooled 0.25 % that is one
    day's outage on 12 February; the medians are 0.15 % and 0.01 %).

    Examples
    --------
    mobile-api's latency regression of 16 June (the error rate stepped from about 0.45 % to 1.05 %, above
    the 1 % its 99 % target allows) makes missing August likely, as the July review could have seen:

    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> outlook = month_outlook(sli, catalog, service="mobile-api", month="2026-07")
    >>> row = outlook.table.set_index("slo").loc["latency"]
    >>> print(row["trend"], f"{row['change_at']:%d %b}", f"{row['change_after']:.4f}")
    increasing 17 Jun 0.0105
    >>> print(f"{row['breach_window_end']:%d %b}", f"{row['breach_probability']:.3f}")
    01 Sep 0.524
    """
    _check_columns(sli)
    days = _check_whole(days, "days", _MIN_OUTLOOK_DAYS,
                        " (12 weeks: the trend test and the change points need that much)")
    horizon = _check_whole(horizon, "horizon", 1, " (days of the error-rate forecast)")
    tz = catalog.service(service).timezone
    slos = catalog.slos_of(service)
    from ..forecast.simulate import HISTORY_WEEKS

    start, end = month_bounds(month, tz=tz)
    # the breach simulation resamples up to HISTORY_WEEKS weeks: its own, longer stretch of daily counts
    risk_days = max(days, 7 * HISTORY_WEEKS)
    naive_all = pd.date_range(end.tz_localize(None) - pd.Timedelta(days=risk_days), periods=risk_days,
                              freq="D")
    first_occurrence = np.ones(risk_days, dtype=bool)  # a repeated midnight: its first occurrence
    starts_all = naive_all.tz_localize(tz, ambiguous=first_occurrence, nonexistent="shift_forward")
    starts_all = starts_all.as_unit("us")
    ts = sli["timestamp"]
    mask = (sli["service"] == service).to_numpy() & (ts >= starts_all[0]).to_numpy() & (ts < end).to_numpy()
    rows = sli.loc[mask, _COLUMNS]
    if int(rows["total"].to_numpy()[(rows["timestamp"] >= start).to_numpy()].sum()) == 0:
        raise _no_data(service, month, start, end, tz)

    history = _outlook_daily(rows, slos, service=service, tz=tz, naive_days=naive_all, day_starts=starts_all)
    daily = history[(history["timestamp"] >= starts_all[risk_days - days]).to_numpy()].reset_index(drop=True)
    out, used = [], []
    for slo in slos:
        row, counts = _assess(daily[(daily["slo"] == slo.name).to_numpy()], slo, service=service, tz=tz,
                              as_of=end, n_paths=n_paths, seed=seed,
                              history=history[(history["slo"] == slo.name).to_numpy()])
        out.append(row)
        used.append(counts)
    table = _outlook_table(out, tz)
    forecasts = _outlook_forecasts(table, used, horizon)
    return MonthOutlook(service=service, month=month, as_of=end, table=table, daily=daily,
                        forecasts=forecasts, days=days, n_paths=n_paths, seed=seed)


def _outlook_daily(rows: pd.DataFrame, slos: list[SLO], *, service: str, tz: str,
                   naive_days: pd.DatetimeIndex, day_starts: pd.DatetimeIndex) -> pd.DataFrame:
    """:attr:`MonthOutlook.daily`: each SLO's counts per local day of the window, days without events too."""
    frames = []
    for slo in slos:
        counts = _daily_counts(rows[(rows["slo"] == slo.name).to_numpy()], slo, tz)
        counts = counts.groupby("day").sum().reindex(naive_days, fill_value=0.0)
        good, total = counts["good"].to_numpy(float), counts["total"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(total > 0, (total - good) / np.where(total > 0, total, 1.0), np.nan)
        frames.append(pd.DataFrame({
            "service": service, "slo": slo.name, "budgeting_method": slo.budgeting_method,
            "unit": Budgeting.of(slo).unit, "timestamp": day_starts,
            "good": good, "bad": total - good, "total": total, "error_rate": rate, "target": slo.target,
        }))
    return pd.concat(frames, ignore_index=True)


def _assess(one: pd.DataFrame, slo: SLO, *, service: str, tz: str, as_of: pd.Timestamp, n_paths: int,
            seed: int, history: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """One SLO's row of the outlook table, and the daily counts it was assessed on (for the forecast).

    ``one`` is the SLO's rows of :attr:`MonthOutlook.daily` (trend, change points, forecast); ``history``
    its longer daily counts, which the breach simulation and the exhaustion time read. An SLO with too
    little history gets ``assessed`` False and the reason in ``note``.
    """
    from ..forecast import breach_probability, exhaustion_time
    from ..trend import change_points, trend_test

    # from the first day with events (data may start within the window): days before it are not history
    has = one["total"].to_numpy() > 0
    counts = one.iloc[int(has.argmax()) if has.any() else len(one):]
    counts = counts[["service", "slo", "timestamp", "good", "total"]]
    calendar = slo.window in ("week", "month", "quarter")
    row: dict = {"service": service, "slo": slo.name, "budgeting_method": slo.budgeting_method,
                 "unit": one["unit"].iloc[0], "target": slo.target, "window": slo.window,
                 "calendar": calendar, "as_of": as_of, "assessed": True, "note": ""}
    last7 = one.iloc[-7:]
    tot7 = float(last7["total"].sum())
    row["days"] = int((one["total"] > 0).sum())
    row["recent_error_rate"] = float(last7["bad"].sum()) / tot7 if tot7 > 0 else np.nan
    try:
        tr = trend_test(one.set_index("timestamp")["error_rate"], method="hamed_rao")
        cp = change_points(counts)
        held = history["total"].to_numpy() > 0
        past = history.iloc[int(held.argmax()) if held.any() else len(history):]
        past = past[["service", "slo", "timestamp", "good", "total"]]
        bp = breach_probability(past, slo, tz=tz, horizon="7d", as_of=as_of, n_paths=n_paths, seed=seed)
        ex = exhaustion_time(past, slo, tz=tz, as_of=as_of, n_paths=n_paths, seed=seed)
    except InsufficientDataError as exc:
        return {**row, "assessed": False, "note": str(exc)}, counts
    levels = _segment_medians(one, cp.segments) if len(cp.points) else None
    return {
        **row,
        "trend": tr.trend, "trend_p_value": tr.p_value, "trend_slope": tr.slope,
        "trend_slope_low": tr.slope_low, "trend_slope_high": tr.slope_high,
        "change_at": pd.NaT if levels is None else cp.points["timestamp"].iloc[-1],
        "change_before": np.nan if levels is None else levels[-2],
        "change_after": np.nan if levels is None else levels[-1],
        "breach_window_start": bp.window_start, "breach_window_end": bp.window_end,
        "breach_probability": bp.probability, "breach_low": bp.low, "breach_high": bp.high,
        "attainment_median": bp.attainment_median, "attainment_p10": bp.attainment_p10,
        "attainment_p90": bp.attainment_p90, "straight_line_attainment": bp.straight_line_attainment,
        "exhaustion_end": ex.window_end, "budget_remaining": ex.remaining, "burn_rate": ex.burn_rate,
        "exhaustion_probability": ex.probability, "exhaustion_median": _after(ex.as_of, ex.median),
        "exhaustion_p10": _after(ex.as_of, ex.low), "exhaustion_p90": _after(ex.as_of, ex.high),
        "straight_line_exhaustion": _after(ex.as_of, ex.straight_line),
    }, counts


_OUTLOOK_FLOATS = ["recent_error_rate", "trend_p_value", "trend_slope", "trend_slope_low", "trend_slope_high",
                   "change_before", "change_after", "breach_probability", "breach_low", "breach_high",
                   "attainment_median", "attainment_p10", "attainment_p90", "straight_line_attainment",
                   "budget_remaining", "burn_rate", "exhaustion_probability"]
_OUTLOOK_TIMES = ["as_of", "change_at", "breach_window_start", "breach_window_end", "exhaustion_end",
                  "exhaustion_median", "exhaustion_p10", "exhaustion_p90", "straight_line_exhaustion"]
_OUTLOOK_COLUMNS = ["service", "slo", "budgeting_method", "unit", "target", "window", "calendar", "as_of",
                    "assessed", "note", "days", "recent_error_rate", "trend", "trend_p_value", "trend_slope",
                    "trend_slope_low", "trend_slope_high", "change_at", "change_before", "change_after",
                    "breach_window_start", "breach_window_end", "breach_probability", "breach_low",
                    "breach_high", "attainment_median", "attainment_p10", "attainment_p90",
                    "straight_line_attainment", "exhaustion_end", "budget_remaining", "burn_rate",
                    "exhaustion_probability", "exhaustion_median", "exhaustion_p10", "exhaustion_p90",
                    "straight_line_exhaustion"]


def _outlook_table(out: list[dict], tz: str) -> pd.DataFrame:
    """:attr:`MonthOutlook.table` from the rows of :func:`_assess`: every column, typed, times in ``tz``."""
    table = pd.DataFrame(out)
    for c in _OUTLOOK_FLOATS:
        table[c] = table[c].astype(float) if c in table.columns else np.nan
    for c in _OUTLOOK_TIMES:
        table[c] = _timestamps(table[c].tolist() if c in table.columns else [pd.NaT] * len(table), tz)
    if "trend" not in table.columns:
        table["trend"] = None
    return table[_OUTLOOK_COLUMNS]


def _outlook_forecasts(table: pd.DataFrame, used: list[pd.DataFrame], horizon: int) -> pd.DataFrame:
    """:attr:`MonthOutlook.forecasts`: the error-rate forecasts of the assessed SLOs, in catalog order."""
    from ..forecast import forecast_sli

    assessed = table.loc[table["assessed"], "slo"].tolist()
    if not assessed:
        return pd.DataFrame({c: pd.Series([], dtype=float) for c in
                             ["service", "slo", "timestamp", "horizon", "mean", "median", "lower_80",
                              "upper_80", "lower_95", "upper_95"]})
    counts = pd.concat([c for c in used if len(c) and c["slo"].iloc[0] in assessed], ignore_index=True)
    fc = forecast_sli(counts, horizon=horizon, method="fast", levels=(0.8, 0.95)).forecasts
    order = {name: i for i, name in enumerate(assessed)}
    fc = fc.assign(_o=fc["slo"].astype(str).map(order)).sort_values(["_o", "horizon"], kind="stable")
    forecasts = fc.drop(columns="_o").reset_index(drop=True)
    forecasts["service"] = forecasts["service"].astype(str)
    forecasts["slo"] = forecasts["slo"].astype(str)
    return forecasts


def fleet_trends(
    daily: pd.DataFrame,
    catalog: Catalog | None = None,
    *,
    days: int = OUTLOOK_DAYS,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Trend of every SLO's daily error rate over the last days of the data (Mann-Kendall, Hamed-Rao).

    :func:`~slm_analytics.trend.trend_tests` of ``1 - good / total`` per series over the ``days`` days up to
    the last day of the frame (the same days for every series), with the correction for autocorrelation.

    Parameters
    ----------
    daily : DataFrame
        Daily counts with ``service``, ``slo``, ``timestamp`` (day starts), ``good`` and ``total``, e.g.
        :func:`~slm_analytics.sli.ratio_sli` with ``freq="1D"``. Days without events are left out.
    catalog : Catalog, optional
        Adds each SLO's ``target`` (``NaN`` for a series not in the catalog).
    days : int
        Days tested, ending with the frame's last day (>= 3).
    alpha : float
        Significance level.

    Returns
    -------
    DataFrame
        One row per series (sorted by service and SLO; categorical columns, as ``read_dataset`` gives
        them, in catalog order): the columns of
        :func:`~slm_analytics.trend.trend_tests` (``trend``, ``h``, ``p_value``, ``slope`` per day and its
        interval ``slope_low``, ``slope_high``, ``n``...), then ``error_rate`` (pooled ``bad / total`` over
        the days tested), ``first_day``, ``last_day`` (the days tested) and ``target``.

    Raises
    ------
    DataError
        A missing column.
    InsufficientDataError
        No rows, or a series with fewer than 3 days with events in the window.
    ParameterError
        ``days`` < 3, ``alpha`` outside (0, 1).

    Examples
    --------
    Over the last 90 days of the sample data, mobile-api's latency improves (its regression was fixed on
    8 September) and checkout's probe error rate falls:

    >>> from slm_analytics import read_dataset, ratio_sli
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> trends = fleet_trends(ratio_sli(sli, freq="1D"), catalog)
    >>> trends.loc[trends["h"], ["service", "slo", "trend"]]
           service           slo       trend
    2     checkout        uptime  decreasing
    15  mobile-api  availability  increasing
    16  mobile-api       latency  decreasing
    """
    from ..trend import trend_tests

    missing = [c for c in ("service", "slo", "timestamp", "good", "total") if c not in daily.columns]
    if missing:
        msg = (f"fleet_trends: missing column(s) {', '.join(map(repr, missing))}; expected daily counts "
               f"(ratio_sli(freq='1D')), found {', '.join(map(str, daily.columns))}")
        raise DataError(msg)
    days = _check_whole(days, "days", 3, " (days of daily error rates to test)")
    if len(daily) == 0:
        msg = "fleet_trends: no rows; give daily counts of at least 3 days"
        raise InsufficientDataError(msg)
    last = daily["timestamp"].max()
    first = last - pd.Timedelta(days=days - 1)
    window = daily[(daily["timestamp"] >= first).to_numpy() & (daily["total"] > 0).to_numpy()]
    window = window[["service", "slo", "timestamp", "good", "total"]].copy()
    window["error_rate"] = 1.0 - window["good"] / window["total"]
    out = trend_tests(window, value="error_rate", method="hamed_rao", alpha=alpha)
    sums = window.groupby(["service", "slo"], sort=True, observed=True)[["good", "total"]].sum()
    out["error_rate"] = 1.0 - sums["good"].to_numpy(float) / sums["total"].to_numpy(float)  # same order
    keys = list(zip(out["service"].astype(str), out["slo"].astype(str), strict=True))
    out["first_day"] = first
    out["last_day"] = last
    targets = {} if catalog is None else {o.key: o.target for o in catalog.slos}
    out["target"] = [targets.get(k, np.nan) for k in keys]
    return out
