"""SLO compliance over calendar months: whether each SLO of a service met its target.

A month is a calendar month in the service's time zone (``catalog.service(name).timezone``), so the
October report of a Seoul service starts on 30 September 15:00 UTC. Attainment follows the SLO's
OpenSLO budgeting method:

* ``Occurrences`` - good events over all events of the month (events are pooled, buckets are not averaged);
* ``Timeslices`` - the share of time slices (``timeslice_window`` long) *with data* whose good/total
  ratio reaches ``timeslice_target``; slices without events count neither as good nor as bad;
* ``RatioTimeslices`` - the mean of the slices' good/total ratios, over the slices with data.

Periods without any event carry no data: their attainment is ``NaN``, never 0 % and never 100 %.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .catalog import parse_window
from .errors import DataError, InsufficientDataError, ParameterError
from .sli import ratio_sli, timeslice_sli

if TYPE_CHECKING:
    from .catalog import SLO, Catalog

__all__ = ["daily_attainment", "month_bounds", "monthly_attainment"]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_COLUMNS = ["timestamp", "service", "slo", "good", "total"]


def month_bounds(month: str, *, tz: str = "UTC") -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end of a calendar month in a time zone.

    Parameters
    ----------
    month : str
        The month, ``"YYYY-MM"``.
    tz : str
        IANA time zone in which the month is cut.

    Returns
    -------
    start, end : Timestamp
        Local midnight of the month's first day and of the next month's first day (timezone-aware in
        ``tz``); the month is the half-open interval ``[start, end)``.

    Raises
    ------
    ParameterError
        If ``month`` is not ``"YYYY-MM"``.

    Examples
    --------
    >>> start, end = month_bounds("2026-10", tz="Asia/Seoul")
    >>> start, end
    (Timestamp('2026-10-01 00:00:00+0900', tz='Asia/Seoul'), Timestamp('2026-11-01 00:00:00+0900', ...))
    >>> start.tz_convert("UTC")
    Timestamp('2026-09-30 15:00:00+0000', tz='UTC')
    """
    m = _MONTH.match(month) if isinstance(month, str) else None
    if m is None:
        msg = f"month {month!r} is not a calendar month; expected 'YYYY-MM' such as '2026-10'"
        raise ParameterError(msg)
    first = pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1)
    start = first.tz_localize(tz, nonexistent="shift_forward")
    end = (first + pd.offsets.MonthBegin(1)).tz_localize(tz, nonexistent="shift_forward")
    return start.as_unit("us"), end.as_unit("us")


def _service_month(
    sli: pd.DataFrame, catalog: Catalog, service: str, month: str
) -> tuple[list[SLO], str, pd.Timestamp, pd.Timestamp, pd.DataFrame]:
    """Return the service's SLOs, time zone, month bounds and the month's event rows (with data)."""
    missing = [c for c in _COLUMNS if c not in sli.columns]
    if missing:
        msg = (
            f"SLI events: missing column(s) {', '.join(map(repr, missing))}; expected {', '.join(_COLUMNS)}, "
            f"found {', '.join(map(str, sli.columns))}"
        )
        raise DataError(msg)
    tz = catalog.service(service).timezone
    slos = catalog.slos_of(service)
    start, end = month_bounds(month, tz=tz)
    ts = sli["timestamp"]
    mask = (sli["service"] == service).to_numpy() & (ts >= start).to_numpy() & (ts < end).to_numpy()
    events = sli.loc[mask, _COLUMNS]
    if int(events["total"].sum()) == 0:
        msg = (
            f"no SLI data for service {service!r} in {month} ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} "
            f"{tz}): no bucket with total > 0; check the month and the data's date range"
        )
        raise InsufficientDataError(msg)
    return slos, tz, start, end, events


def _slice(slo: SLO) -> pd.Timedelta:
    """Return the SLO's time-slice length."""
    return pd.Timedelta(parse_window(slo.timeslice_window))  # type: ignore[arg-type]


def _slices(events: pd.DataFrame, slo: SLO, tz: str) -> pd.DataFrame:
    """Return one SLO's time slices with data: ``timestamp`` (start), ``good``, ``total``, ``sli``."""
    seconds = int(_slice(slo).total_seconds())
    sliced = ratio_sli(events, freq=f"{seconds}s", by=(), tz=tz)
    return sliced[sliced["total"] > 0]


def _local_days(start: pd.Timestamp, end: pd.Timestamp, tz: str) -> pd.DatetimeIndex:
    """Return the local midnights of the days in ``[start, end)``, localised as ``ratio_sli`` does."""
    naive = pd.date_range(start.tz_localize(None), end.tz_localize(None), freq="D", inclusive="left")
    return naive.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").as_unit("us")


def _attain(events: pd.DataFrame, slo: SLO, tz: str, freq: str | None) -> pd.DataFrame:
    """Good, total and attainment of one SLO per period (``freq``) or over all ``events`` (``None``).

    For Occurrences and RatioTimeslices ``good``/``total`` count events, for Timeslices slices.
    """
    if slo.budgeting_method == "Occurrences":
        out = ratio_sli(events, freq=freq, by=(), tz=tz)
        return out.rename(columns={"sli": "attainment"})
    if slo.budgeting_method == "Timeslices":
        if events.empty:  # no bucket at all: no slice with data (timeslice_sli needs one)
            if freq is None:
                return pd.DataFrame({"good": [0], "total": [0], "attainment": [np.nan]})
            return pd.DataFrame({"timestamp": pd.DatetimeIndex([], tz=tz).as_unit("us"),
                                 "good": np.array([], dtype=np.int64), "total": np.array([], dtype=np.int64),
                                 "attainment": np.array([], dtype=float)})
        # slices start at the period start (the month or the local day), as the catalog's SLO defines them
        out = timeslice_sli(events, slice_target=slo.timeslice_target, slice=_slice(slo), freq=freq or "MS",
                            by=(), tz=tz)
        return out.rename(columns={"good_slices": "good", "slices": "total", "sli": "attainment"})
    slices = _slices(events, slo, tz)
    # RatioTimeslices: mean of the slice ratios; good/total are the pooled events
    if freq is None:
        return pd.DataFrame({
            "good": [int(slices["good"].sum())],
            "total": [int(slices["total"].sum())],
            "attainment": [slices["sli"].mean() if len(slices) else np.nan],
        })
    day = slices["timestamp"].dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D").rename("_day")
    out = slices.groupby(day, sort=True).agg(good=("good", "sum"), total=("total", "sum"),
                                            attainment=("sli", "mean")).reset_index()
    out["timestamp"] = out["_day"].dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return out.drop(columns="_day")


def _describe(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``bad`` and ``no_data`` and blank the attainment of periods without data."""
    frame["good"] = frame["good"].astype(np.int64)
    frame["total"] = frame["total"].astype(np.int64)
    frame["bad"] = frame["total"] - frame["good"]
    no_data = frame["total"].to_numpy() == 0
    frame["attainment"] = np.where(no_data, np.nan, frame["attainment"].to_numpy(dtype=float))
    frame["no_data"] = no_data
    return frame


def monthly_attainment(sli: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> pd.DataFrame:
    r"""Attainment of each SLO of a service over one calendar month, against its target.

    Parameters
    ----------
    sli : DataFrame
        Good/total event counts per bucket with columns ``timestamp`` (timezone-aware bucket start),
        ``service``, ``slo``, ``good``, ``total``, e.g. ``read_dataset("sli_5min")``. Buckets must not
        straddle the month boundary.
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
    slos, tz, start, end, events = _service_month(sli, catalog, service, month)
    rows = []
    for slo in slos:
        one = _attain(events[events["slo"] == slo.name], slo, tz, None)
        one = _describe(one[["good", "total", "attainment"]].copy())
        one.insert(0, "service", service)
        one.insert(1, "slo", slo.name)
        one.insert(2, "budgeting_method", slo.budgeting_method)
        one.insert(3, "unit", "slices" if slo.budgeting_method == "Timeslices" else "events")
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
        one.insert(3, "unit", "slices" if slo.budgeting_method == "Timeslices" else "events")
        one["target"] = slo.target
        frames.append(one)
    out = pd.concat(frames, ignore_index=True)
    columns = ["service", "slo", "budgeting_method", "unit", "timestamp", "good", "bad", "total", "sli",
               "target"]
    return out[columns]
