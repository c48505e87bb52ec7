r"""Error budgets, attainment under the OpenSLO budgeting methods, rolling compliance and burn-rate alerting.

Definitions (SRE Workbook, ch. 2 and 5; OpenSLO v1 ``budgetingMethod``):

* error budget over a window of :math:`N` events at target :math:`T`: :math:`(1-T)N` bad events; for
  time-based SLOs :math:`(1-T)W` of the window :math:`W`;
* burn rate: :math:`(1-\mathrm{SLI})/(1-T)`: 1 spends the budget exactly over the window;
* a multi-window, multi-burn-rate rule fires when the error rate over both its long and short window exceeds
  :math:`f(1-T)` with :math:`f = \text{share of budget} \times \text{period} / \text{long window}`.

Nothing here rounds; display code rounds a copy.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ._checks import check_catalog, check_target, duration
from ._compat import usable_cpus
from .catalog import CALENDAR_PERIODS, AlertPolicy, parse_window
from .errors import DataError, InsufficientDataError, ParameterError
from .grid import Grid, cumulative, require_history, scratch, sum_dtype, to_grid, trailing, window_buckets
from .methods import METHODS, Budgeting, Method, UnitGrid, attainment_of

if TYPE_CHECKING:
    from pyarrow.dataset import Dataset

    from .catalog import Catalog
    from .data import SliGroups

__all__ = [
    "SRE_WORKBOOK_POLICY",
    "BacktestResult",
    "ErrorBudget",
    "attainment",
    "backtest_alerts",
    "burn_rate_alerts",
    "burn_rate_thresholds",
    "error_budget",
    "period_length",
    "rolling_compliance",
    "sli_groups",
    "stack_frames",
]


#: SRE Workbook, "Alerting on SLOs", table 5-8: recommended parameters for a 99.9 % SLO over 30 days.
SRE_WORKBOOK_POLICY = pd.DataFrame({
    "severity": ["page", "page", "ticket", "ticket"],
    "long_window": ["1h", "6h", "1d", "3d"],
    "short_window": ["5m", "30m", "2h", "6h"],
    "budget_consumed": [0.02, 0.05, 0.10, 0.10],
})

#: Budget periods of calendar windows (the SRE Workbook's 30-day month).
_CALENDAR_DAYS = {"week": 7, "month": 30, "quarter": 90}


def period_length(period: str | dt.timedelta | pd.Timedelta, what: str = "period") -> pd.Timedelta:
    """Length of an SLO period: a rolling window, or a calendar period as 7, 30 or 90 days.

    ``what`` names the argument in error messages (``"window"`` for :func:`error_budget`).

    Examples
    --------
    >>> period_length("28d"), period_length("month")
    (Timedelta('28 days 00:00:00'), Timedelta('30 days 00:00:00'))
    """
    if isinstance(period, str):
        if period in _CALENDAR_DAYS:
            return pd.Timedelta(days=_CALENDAR_DAYS[period])
    return duration(period, what)


# ------------------------------------------------------------------------------------------- ErrorBudget


def _fmt_td(td: pd.Timedelta | None) -> str:
    if td is None:
        return "never"
    minutes = td / pd.Timedelta(minutes=1)
    if minutes < 120:
        return f"{minutes:.1f} min"
    hours = minutes / 60
    return f"{hours:.1f} h" if hours < 72 else f"{hours / 24:.1f} d"


@dataclass(frozen=True)
class ErrorBudget:
    r"""The error budget of one SLO over one window.

    Attributes
    ----------
    sli : float
        Measured good / total over the elapsed part of the window.
    target : float
        Objective.
    window : Timedelta
        Compliance window (calendar periods as 7/30/90 days).
    elapsed : Timedelta
        Part of the window the counts cover (the whole window for a completed period).
    good, total : int or float
        Events (or time slices) counted; float for fractional units (RatioTimeslices).
    allowed_bad : float
        Bad events the budget allows for the events counted: :math:`(1-T) \cdot total`.
    actual_bad : int or float
        Bad events counted: ``total - good``.
    burn_rate : float
        :math:`(1-\mathrm{SLI})/(1-T)`; 1 spends the whole budget exactly by the end of the window.
    consumed, remaining : float
        Share of the whole window's budget spent and left (``consumed + remaining == 1``; ``remaining`` < 0
        when overspent): ``consumed = burn_rate * elapsed / window``.
    budget_minutes, remaining_minutes : float
        The budget as time, :math:`(1-T) \cdot W` in minutes, and what is left of it.
    time_to_exhaustion : Timedelta or None
        Time until the remaining budget is spent at the current burn rate; ``Timedelta(0)`` if already
        spent, ``None`` if nothing is burning (or it would take more than a century).
    """

    sli: float
    target: float
    window: pd.Timedelta
    elapsed: pd.Timedelta
    good: int | float
    total: int | float
    allowed_bad: float
    actual_bad: int | float
    burn_rate: float
    consumed: float
    remaining: float
    budget_minutes: float
    remaining_minutes: float
    time_to_exhaustion: pd.Timedelta | None = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"ErrorBudget(sli={self.sli:.6g}, target={self.target:g}, window={_fmt_td(self.window)}, "
            f"consumed={self.consumed:.1%}, remaining={self.remaining:.1%}, burn_rate={self.burn_rate:.3g}, "
            f"budget={_fmt_td(pd.Timedelta(minutes=self.budget_minutes))}, "
            f"exhausted_in={_fmt_td(self.time_to_exhaustion)})"
        )

    def exhaustion_time(self, burn_rate: float | None = None) -> pd.Timedelta | None:
        r"""Time to spend the remaining budget at ``burn_rate`` (default: the measured one).

        Notes
        -----
        :math:`t = \text{remaining} \cdot W / b`. With a full budget, burn rates 1, 2 and 3 exhaust a
        30-day budget in 30, 15 and 10 days (SRE Workbook, ch. 5).
        """
        rate = self.burn_rate if burn_rate is None else float(burn_rate)
        if rate < 0:
            msg = f"burn_rate {rate!r} must be >= 0"
            raise ParameterError(msg)
        if self.remaining <= 0:
            return pd.Timedelta(0)
        days = self.remaining / rate * (self.window / pd.Timedelta(days=1)) if rate > 0 else np.inf
        if days > 100 * 365:  # nothing burning, or not within a century: never, for any SLO period
            return None
        return self.window * (self.remaining / rate)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the attributes."""
        return pd.DataFrame([asdict(self)])


def error_budget(
    *,
    good: int | float,
    total: int | float,
    target: float,
    window: str | dt.timedelta | pd.Timedelta,
    elapsed: str | dt.timedelta | pd.Timedelta | None = None,
) -> ErrorBudget:
    """Error budget of an SLO from its good and total counts.

    Parameters
    ----------
    good, total : int or float
        Good and total events (or good and total time slices for a Timeslices SLO) so far in the window,
        in the SLO's budgeting units (:mod:`slm_analytics.methods`): fractional counts such as a
        RatioTimeslices SLO's sum of slice ratios are taken exactly, never truncated.
    target : float
        Objective in (0, 1).
    window : str or timedelta
        Compliance window: ``"30d"``, ``"28d"``, or a calendar period (``"month"`` counts as 30 days).
    elapsed : str or timedelta, optional
        How much of the window the counts cover; default the whole window.

    Returns
    -------
    ErrorBudget

    Raises
    ------
    ParameterError
        Target outside (0, 1), counts that are not finite numbers, negative counts, ``good > total``,
        ``elapsed`` longer than ``window``.
    InsufficientDataError
        If ``total`` is 0: no data is not 100 %.

    Notes
    -----
    Budget as time: :math:`(1-T)W`; 99.9 % over 30 days is 43.2 minutes (SRE Workbook, ch. 2). For a
    Timeslices SLO over 2 weeks of 1-minute slices at 95 %, 20,160 slices give a budget of 1,008 bad slices,
    16 h 48 min (OpenSLO, budgeting methods).

    Examples
    --------
    >>> b = error_budget(good=999_500, total=1_000_000, target=0.999, window="30d")
    >>> b.budget_minutes, b.burn_rate, b.remaining
    (43.2..., 0.5..., 0.5...)
    >>> b.exhaustion_time()
    Timedelta('30 days 00:00:00')
    """
    target = check_target(target)
    win = period_length(window, "window")
    spent = win if elapsed is None else period_length(elapsed, "elapsed")
    if spent > win:
        msg = f"elapsed {elapsed!s} is longer than the window {window!s}"
        raise ParameterError(msg)
    good, total = _count(good, "good"), _count(total, "total")
    for name, value in (("good", good), ("total", total)):
        if value < 0:
            msg = f"{name} ({value}) is negative; counts are numbers of events or slices, 0 or more"
            raise ParameterError(msg)
    if good > total:
        msg = f"good ({good}) exceeds total ({total}); good events are a subset of all events"
        raise ParameterError(msg)
    if total == 0:
        msg = "no events in the window (total = 0): there is no data to compute an error budget from"
        raise InsufficientDataError(msg)
    sli = good / total
    bad = total - good
    burn = (1 - sli) / (1 - target)
    consumed = burn * (spent / win)
    remaining = 1 - consumed
    budget_minutes = (1 - target) * (win / pd.Timedelta(minutes=1))
    partial = ErrorBudget(sli, target, win, spent, good, total, (1 - target) * total, bad, burn, consumed,
                          remaining, budget_minutes, remaining * budget_minutes, None)
    return ErrorBudget(**{**asdict(partial), "time_to_exhaustion": partial.exhaustion_time()})


def _count(value: object, name: str) -> int | float:
    """Return a count as given: integers exactly, fractional counts (slices' ratios, weights) as floats."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not math.isfinite(float(value)):
            msg = f"{name} ({value!r}) is not a finite number; counts are numbers of events or slices"
            raise ParameterError(msg)
        return float(value)
    msg = f"{name} ({value!r}) is not a number; counts are numbers of events or slices"
    raise ParameterError(msg)


# ------------------------------------------------------------------------------------------- attainment


def attainment(
    sli: pd.DataFrame,
    *,
    method: Method | Sequence[Method],
    timeslice_target: float | None = None,
    timeslice_window: str | None = None,
    by: tuple[str, ...] = ("service", "slo"),
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
    tz: str = "UTC",
) -> pd.DataFrame:
    """Attainment of each series over the rows given, under one or more OpenSLO budgeting methods.

    Parameters
    ----------
    sli : DataFrame
        Bucket counts of the window to assess (filter the rows first).
    method : {"Occurrences", "Timeslices", "RatioTimeslices"} or a list of them
        * Occurrences: good events / total events;
        * Timeslices: share of time slices whose own ratio reaches ``timeslice_target``;
        * RatioTimeslices: mean of the slice ratios.
    timeslice_target : float, optional
        Ratio a slice needs to be good (Timeslices).
    timeslice_window : str, optional
        Slice length, a whole number of buckets (``"5m"``, ``"1h"``); defaults to the bucket length.
    by : str or tuple of str
        Columns identifying a series (one string is one column; ``()`` takes all rows as one series).
    good, total, timestamp : str
        Column names.
    tz : str
        Time zone whose midnights the slices start from (see :mod:`slm_analytics.methods`).

    Returns
    -------
    DataFrame
        One row per series and method: ``*by``, ``method``, ``good``, ``total`` (in the method's units:
        events, or slices with events for the slice methods, where RatioTimeslices' ``good`` is the sum of
        the slice ratios), ``no_data`` (buckets or slices without events, excluded) and ``attainment``.

    Raises
    ------
    ParameterError
        Unknown method, Timeslices without ``timeslice_target``, a slice shorter than a bucket.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli = read_dataset("sli_5min")
    >>> october = sli[(sli["timestamp"] >= "2026-10-01") & (sli["service"] == "checkout")
    ...               & (sli["slo"] == "uptime")]
    >>> attainment(october, method=["Occurrences", "Timeslices", "RatioTimeslices"],
    ...            timeslice_target=0.9)[["method", "good", "total", "attainment"]]
                method   good   total  attainment
    0      Occurrences  ...
    1       Timeslices   ...    8928  ...
    2  RatioTimeslices   ...
    """
    methods = [method] if isinstance(method, str) else list(method)
    budgetings = [Budgeting(m, timeslice_target if m == "Timeslices" else None,
                            timeslice_window if m in METHODS[1:] else None) for m in methods]
    grid = to_grid(sli, good=good, total=total, timestamp=timestamp, by=by, what="attainment")
    n_series = grid.shape[0]
    whole = np.zeros(1, dtype=np.int64)  # one span: every row given
    rows = []
    for b in budgetings:
        units = UnitGrid(grid, [b] * n_series, [tz] * n_series)
        sums = [units.sums(i, whole) for i in range(n_series)]
        frame = grid.keys.copy()
        frame["method"] = b.method
        frame["good"] = np.array([s[0][0] for s in sums])
        frame["total"] = np.array([s[1][0] for s in sums])
        frame["no_data"] = np.array([s[2][0] for s in sums], dtype=np.int64)
        frame["attainment"] = attainment_of(frame["good"].to_numpy(), frame["total"].to_numpy())
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    order = np.lexsort((out["method"].map(methods.index).to_numpy(),
                        np.arange(len(out)) % max(n_series, 1)))
    return out.iloc[order].reset_index(drop=True)


# --------------------------------------------------------------------------------------- rolling compliance


def _excluded(
    sli: pd.DataFrame, grid: Grid, exclusions: pd.DataFrame | None, timestamp: str
) -> np.ndarray | None:
    """Grid-shaped mask of buckets inside an exclusion window of their service, or None."""
    if exclusions is None or len(exclusions) == 0:
        return None
    from .windows import exclusion_mask

    return grid.to_grid_mask(exclusion_mask(sli, exclusions, timestamp=timestamp, step=grid.step))


def _series_settings(grid: Grid, catalog: Catalog | None, window, target
                     ) -> list[tuple[object, float, str, Budgeting]]:
    """Per series: (window spec, target, time zone, budgeting); Occurrences without a catalog."""
    out = []
    for row in grid.keys.itertuples(index=False):
        key = tuple(row)
        slo = None
        if catalog is not None:
            if len(key) != 2:
                msg = "with a catalog, series are identified by (service, slo)"
                raise ParameterError(msg)
            slo = catalog.slo(str(key[0]), str(key[1]))
        w = window if window is not None else (slo.window if slo is not None else None)
        t = target if target is not None else (slo.target if slo is not None else None)
        if w is None or t is None:
            msg = "give window= and target=, or a catalog that defines them for every SLO in the data"
            raise ParameterError(msg)
        tz = catalog.service(str(key[0])).timezone if catalog is not None else "UTC"
        out.append((w, check_target(t), tz, Budgeting.of(slo) if slo is not None else Budgeting()))
    return out


def _period_starts(times: pd.DatetimeIndex, period: str, tz: str) -> np.ndarray:
    """For each bucket, the position of the first bucket of its calendar period (in ``tz``)."""
    local = times.tz_convert(tz).tz_localize(None)
    freq = {"week": "W-SUN", "month": "M", "quarter": "Q"}[period]
    codes = local.to_period(freq).asi8 if hasattr(local.to_period(freq), "asi8") else \
        np.asarray(local.to_period(freq).astype("int64"))
    return np.searchsorted(codes, codes, side="left")


def rolling_compliance(
    sli: pd.DataFrame | str | os.PathLike | Dataset,
    catalog: Catalog | None = None,
    *,
    window: str | None = None,
    target: float | None = None,
    exclusions: pd.DataFrame | None = None,
    dtype: Literal["float64", "float32"] = "float64",
    by: tuple[str, ...] = ("service", "slo"),
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
    progress_bar: bool = False,
) -> pd.DataFrame:
    """Trailing-window SLI and remaining error budget of every series at every bucket.

    Parameters
    ----------
    sli : DataFrame, str, Path or pyarrow.dataset.Dataset
        Bucket counts (as :func:`~slm_analytics.read_sli` returns them), or a Parquet SLI table too large
        for memory (a file, a folder of files or a dataset): read and computed a group of services at a
        time (:func:`~slm_analytics.data.iter_sli_groups`), with the result of ``read_sli(path)``.
    catalog : Catalog, optional
        Supplies each SLO's window and target (and its service's time zone for calendar windows).
    window : str, optional
        Rolling window for every series (``"28d"``), or a calendar period (``"month"``: compliance to date
        within the period, cut in the service's time zone). Overrides the catalog.
    target : float, optional
        Objective for every series; overrides the catalog.
    exclusions : DataFrame, optional
        Windows removed from measurement (``service, start, end``, e.g. planned maintenance): buckets that
        overlap one of their service's windows leave both numerator and denominator.
    dtype : {"float64", "float32"}
        Storage of the two result columns. Everything is computed in integers and float64 either way;
        ``"float32"`` stores the results rounded to about 7 significant digits (the SLI to within 6e-8)
        and halves the result's memory (for a fleet: 1,000 SLOs x 1 year of 5-minute buckets take 1.6 GiB
        as float64, 0.8 GiB as float32).
    by, good, total, timestamp : str
        Column names (a table given by path keeps the defaults).
    progress_bar : bool
        For a table given by path: show a tqdm bar over the groups of services (on stderr, on a terminal).

    Returns
    -------
    DataFrame
        The input's ``timestamp`` and ``by`` columns, row for row, plus ``sli`` (good / total over the
        window ending with the bucket, in the SLO's budgeting units; ``NaN`` before the first full rolling
        window or when the window holds no events) and ``budget_remaining`` (``1 - (1 - sli) / (1 - target)``;
        negative when overspent).

    Raises
    ------
    ParameterError
        A window shorter than the data's buckets, or not a whole number of them; target outside (0, 1).
    InsufficientDataError
        A rolling window longer than the history (the message says how much is needed).

    Notes
    -----
    Vectorised with cumulative sums over the integer counts: the window sum at bucket :math:`i` is
    :math:`C_{i+1} - C_{i+1-k}`; exact, and the same cost for any window. With a catalog each SLO counts in
    its budgeting method's units (:mod:`slm_analytics.methods`): events (Occurrences), or the slices that
    end inside the window (Timeslices: good slices of slices with events; RatioTimeslices: the mean slice
    ratio); without one, events.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> rc = rolling_compliance(sli, catalog)
    >>> rc[(rc["service"] == "payments") & (rc["slo"] == "availability")].set_index("timestamp").loc[
    ...     "2026-02-28 23:55", ["sli", "budget_remaining"]].round(4).tolist()
    [0.9976, -3.7609]
    """
    if dtype not in ("float64", "float32"):
        msg = f"dtype {dtype!r}: expected 'float64' or 'float32'"
        raise ParameterError(msg)
    check_catalog(catalog, "rolling_compliance", optional=True)
    if not isinstance(sli, pd.DataFrame):  # a table on disk: the same call on each group of services
        groups = sli_groups(sli, catalog, "rolling_compliance", (by, good, total, timestamp))
        parts = []
        for frame, added in groups.frames(progress_bar=progress_bar, desc="rolling_compliance"):
            out = rolling_compliance(frame, catalog, window=window, target=target, exclusions=exclusions,
                                     dtype=dtype)
            parts.append(out.iloc[: len(out) - added])  # without the rows added to span the table
        return stack_frames(parts) if parts else rolling_compliance(groups.empty())  # (no rows: raises)
    grid = to_grid(sli, good=good, total=total, timestamp=timestamp, by=by, what="rolling_compliance")
    settings = _series_settings(grid, catalog, window, target)
    units = UnitGrid(grid, [s[3] for s in settings], [s[2] for s in settings],
                     _excluded(sli, grid, exclusions, timestamp))
    n_series, n = grid.shape
    out_sli = np.empty((n_series, n), dtype=dtype)
    out_rem = np.empty((n_series, n), dtype=dtype)
    narrow = dtype != "float64"  # compute each series in float64, then store it rounded
    plans: list[tuple[int | None, np.ndarray | None]] = []
    starts_cache: dict[tuple[str, str], np.ndarray] = {}
    for w, _, tz, _ in settings:
        if w in CALENDAR_PERIODS:
            key = (str(w), tz)
            if key not in starts_cache:
                starts_cache[key] = _period_starts(grid.times, str(w), tz)
            plans.append((None, starts_cache[key]))
        else:
            k = window_buckets(w, grid.step)
            require_history(k, n, w, grid.step)
            plans.append((k, None))

    def one(i: int) -> None:
        k, starts = plans[i]
        target_i = settings[i][1]
        g, t = units.counts(i)
        cg = cumulative(g, scratch("cg", n + 1, sum_dtype(g)))
        ct = cumulative(t, scratch("ct", n + 1))
        if k is not None:
            gw = trailing(cg, k, scratch("gw", n - k + 1, sum_dtype(g)))
            tw = trailing(ct, k, scratch("tw", n - k + 1))
            out_sli[i, : k - 1] = np.nan
            out_rem[i, : k - 1] = np.nan
            s_out, rem_out = out_sli[i, k - 1:], out_rem[i, k - 1:]
        else:
            gw, tw = cg[1:] - cg[starts], ct[1:] - ct[starts]
            s_out, rem_out = out_sli[i], out_rem[i]
        s = scratch("s64", s_out.size, np.float64) if narrow else s_out
        rem = scratch("rem64", s_out.size, np.float64) if narrow else rem_out
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(gw, tw, out=s)  # NaN where the window holds no events (0/0)
        # remaining = 1 - (1 - sli) / (1 - target) = (sli - target) / (1 - target)
        np.subtract(s, target_i, out=rem)
        rem /= 1 - target_i
        if narrow:
            s_out[:] = s
            rem_out[:] = rem

    grid.map_series(one)
    columns = {c: sli[c] for c in (timestamp, *by)}
    columns["sli"] = grid.to_rows(out_sli)
    columns["budget_remaining"] = grid.to_rows(out_rem)
    return pd.DataFrame(columns, copy=False)


# --------------------------------------------------------------------------------------- burn-rate alerting


def _policy_frame(policy: pd.DataFrame | AlertPolicy | None) -> pd.DataFrame:
    if policy is None:
        return SRE_WORKBOOK_POLICY.copy()
    if isinstance(policy, AlertPolicy):
        return pd.DataFrame([r.model_dump() for r in policy.rules])
    if isinstance(policy, pd.DataFrame):
        need = ["severity", "long_window", "short_window"]
        missing = [c for c in need if c not in policy.columns]
        if missing or not ({"budget_consumed", "burn_rate"} & set(policy.columns)):
            msg = (
                f"policy: missing column(s) {missing or ['budget_consumed or burn_rate']}; "
                "expected severity, long_window, short_window and budget_consumed (or burn_rate)"
            )
            raise ParameterError(msg)
        return policy.copy()
    msg = f"policy must be a DataFrame, an AlertPolicy or None, not {type(policy).__name__}"
    raise ParameterError(msg)


def burn_rate_thresholds(
    period: str | dt.timedelta | pd.Timedelta, policy: pd.DataFrame | AlertPolicy | None = None
) -> pd.DataFrame:
    """Return the multi-window, multi-burn-rate table of a policy for an SLO period.

    Parameters
    ----------
    period : str or timedelta
        SLO period: ``"30d"``, ``"28d"``, or a calendar period (``"month"`` = 30 days).
    policy : DataFrame or AlertPolicy, optional
        Rules with ``severity``, ``long_window``, ``short_window`` and ``budget_consumed`` (share of the
        period's budget spent in the long window) or ``burn_rate``; default the SRE Workbook's
        (:data:`SRE_WORKBOOK_POLICY`).

    Returns
    -------
    DataFrame
        ``severity, long_window, short_window, budget_consumed, burn_rate`` with
        ``burn_rate = budget_consumed * period / long_window``.

    Raises
    ------
    ParameterError
        A short window not shorter than its long one, a window longer than the period, a share outside
        (0, 1].

    Notes
    -----
    SRE Workbook, "Alerting on SLOs", table 5-8: 2 % in 1 h and 5 % in 6 h page, 10 % in 1 d and 10 % in 3 d
    ticket; over 30 days the burn rates are 14.4, 6, 3 and 1.

    Examples
    --------
    >>> burn_rate_thresholds("30d")["burn_rate"].round(6).tolist()
    [14.4, 6.0, 3.0, 1.0]
    """
    per = period_length(period)
    table = _policy_frame(policy)
    long_td = table["long_window"].map(lambda w: pd.Timedelta(parse_window(w)))
    short_td = table["short_window"].map(lambda w: pd.Timedelta(parse_window(w)))
    for i in range(len(table)):
        if short_td.iloc[i] >= long_td.iloc[i]:
            msg = (
                f"policy rule {i + 1}: short window {table['short_window'].iloc[i]!r} is not shorter "
                f"than long window {table['long_window'].iloc[i]!r}"
            )
            raise ParameterError(msg)
        if long_td.iloc[i] > per:
            msg = (
                f"policy rule {i + 1}: long window {table['long_window'].iloc[i]!r} "
                f"is longer than the period {period!s}"
            )
            raise ParameterError(msg)
    ratio = (per / long_td).astype(float)
    consumed = (
        table["budget_consumed"]
        if "budget_consumed" in table.columns
        else pd.Series(np.nan, index=table.index)
    )
    rate = table["burn_rate"] if "burn_rate" in table.columns else pd.Series(np.nan, index=table.index)
    consumed = consumed.astype(float).where(consumed.notna(), rate.astype(float) / ratio)
    if ((consumed <= 0) | (consumed > 1)).any():
        msg = f"policy: budget_consumed must be in (0, 1], got {consumed.tolist()}"
        raise ParameterError(msg)
    out = table[["severity", "long_window", "short_window"]].copy()
    out["budget_consumed"] = consumed.to_numpy()
    out["burn_rate"] = (consumed * ratio).to_numpy()
    return out.reset_index(drop=True)


def burn_rate_alerts(
    sli: pd.DataFrame | str | os.PathLike | Dataset,
    catalog: Catalog | None = None,
    *,
    policy: pd.DataFrame | AlertPolicy | None = None,
    target: float | None = None,
    period: str | None = None,
    exclusions: pd.DataFrame | None = None,
    by: tuple[str, ...] = ("service", "slo"),
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
    progress_bar: bool = False,
) -> pd.DataFrame:
    """Replay multi-window burn-rate rules over history and return the alerts they raise.

    A rule is evaluated at the end of every bucket; it fires while the error rate over both its long and
    its short window exceeds ``burn_rate * (1 - target)``. Windows without events never fire.

    Parameters
    ----------
    sli : DataFrame, str, Path or pyarrow.dataset.Dataset
        Bucket counts, or a Parquet SLI table too large for memory, read and replayed a group of services at
        a time (as :func:`rolling_compliance` does), with the result of ``read_sli(path)``.
    catalog : Catalog, optional
        Supplies each SLO's target, period (its window) and alert policy.
    policy : DataFrame or AlertPolicy, optional
        Rules for every series (overrides the catalog's); default the SLO's policy, else the SRE Workbook's.
    target : float, optional
        Objective for every series (overrides the catalog).
    period : str, optional
        SLO period for every series (overrides the catalog); default ``"30d"`` without a catalog.
    exclusions : DataFrame, optional
        Windows removed from measurement (``service, start, end``, e.g. planned maintenance): their buckets
        count as no events, so announced maintenance does not page.
    by, good, total, timestamp : str
        Column names (a table given by path keeps the defaults).
    progress_bar : bool
        For a table given by path: show a tqdm bar over the groups of services (on stderr, on a terminal).

    Returns
    -------
    DataFrame
        One row per alert: ``*by``, ``severity``, ``rule`` (``"1h/5m"``), ``burn_rate``, ``start`` (end of the
        first firing bucket), ``end`` (end of the first bucket no longer firing, or of the data),
        ``ongoing`` (still firing when the data ends). Sorted by ``start``.

    Raises
    ------
    ParameterError
        A window shorter than or not a multiple of the buckets; short window not shorter than long.

    Notes
    -----
    The result is that of testing both windows of every rule at every bucket, but only windows that can
    fire are tested: a window above the threshold holds a bucket whose own error rate is above it, and
    blocks of consecutive windows are bounded at once from cumulative sums (see ``_alert_candidates``).
    Quiet series cost one pass over their counts.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> alerts = burn_rate_alerts(sli, catalog)
    >>> alerts.columns.tolist()
    ['service', 'slo', 'severity', 'rule', 'burn_rate', 'start', 'end', 'ongoing']
    """
    check_catalog(catalog, "burn_rate_alerts", optional=True)
    if not isinstance(sli, pd.DataFrame):  # a table on disk: the same call on each group of services
        groups = sli_groups(sli, catalog, "burn_rate_alerts", (by, good, total, timestamp))
        parts = [burn_rate_alerts(frame, catalog, policy=policy, target=target, period=period,
                                  exclusions=exclusions)
                 for frame, _ in groups.frames(progress_bar=progress_bar, desc="burn_rate_alerts")]
        out = pd.concat(parts, ignore_index=True) if parts else burn_rate_alerts(groups.empty())  # raises
        return out.sort_values(["start", *by], kind="stable").reset_index(drop=True)
    grid = to_grid(sli, good=good, total=total, timestamp=timestamp, by=by, what="burn_rate_alerts")
    n_series, n = grid.shape
    plans = []
    budgetings, zones = [], []
    tables: dict[tuple, list[tuple[str, str, float, int, int]]] = {}
    for row in grid.keys.itertuples(index=False):
        key = tuple(row)
        slo = catalog.slo(str(key[0]), str(key[1])) if catalog is not None else None
        tgt = target if target is not None else (slo.target if slo is not None else None)
        if tgt is None:
            msg = "give target=, or a catalog that defines the target of every SLO in the data"
            raise ParameterError(msg)
        budgetings.append(Budgeting.of(slo) if slo is not None else Budgeting())
        zones.append(catalog.service(slo.service).timezone if slo is not None else "UTC")
        per = period or (slo.window if slo is not None else "30d")
        pol = policy if policy is not None else (
            catalog.alert_policy(slo.alert_policy) if slo is not None and slo.alert_policy else None)
        cache_key = (per, id(pol) if pol is not None else None)
        if cache_key not in tables:
            table = burn_rate_thresholds(per, pol)
            table["k_long"] = [window_buckets(w, grid.step, what="long window") for w in table["long_window"]]
            table["k_short"] = [
                window_buckets(w, grid.step, what="short window") for w in table["short_window"]
            ]
            tables[cache_key] = [(str(r.severity), f"{r.long_window}/{r.short_window}", float(r.burn_rate),
                                  int(r.k_long), int(r.k_short)) for r in table.itertuples(index=False)]
        plans.append((tables[cache_key], check_target(tgt)))

    runs = _firing_runs(UnitGrid(grid, budgetings, zones, _excluded(sli, grid, exclusions, timestamp)), plans)
    cols = [*by, "severity", "rule", "burn_rate", "start", "end", "ongoing"]
    if runs is None:
        empty = {c: pd.Series([], dtype=grid.keys[c].dtype) for c in by}
        empty.update({"severity": pd.Series([], dtype="str"), "rule": pd.Series([], dtype="str"),
                      "burn_rate": pd.Series([], dtype=float),
                      "start": pd.Series([], dtype="datetime64[us, UTC]"),
                      "end": pd.Series([], dtype="datetime64[us, UTC]"),
                      "ongoing": pd.Series([], dtype=bool)})
        return pd.DataFrame(empty)[cols]
    s_idx, r_idx, a_pos, b_pos = runs
    ongoing = b_pos >= n
    ends = grid.times + grid.step  # evaluation instants
    out = grid.keys.iloc[s_idx].reset_index(drop=True)
    per_rule = [plans[i][0] for i in s_idx]  # rule tables by series (shared objects, cheap)
    out["severity"] = [t[j][0] for t, j in zip(per_rule, r_idx, strict=True)]
    out["rule"] = [t[j][1] for t, j in zip(per_rule, r_idx, strict=True)]
    out["burn_rate"] = np.array([t[j][2] for t, j in zip(per_rule, r_idx, strict=True)], dtype=float)
    out["start"] = ends[a_pos]
    out["end"] = ends[np.minimum(b_pos, n - 1)]
    out["ongoing"] = ongoing
    return out.sort_values(["start", *by], kind="stable").reset_index(drop=True)


# Margin for the hot-bucket test: a bucket counts as hot above (1 - _SLACK) x the threshold, so that
# floating-point rounding of ``thr * total`` can never hide a bucket that makes a window fire.
_SLACK = 1e-9


def _hot_buckets(bad: np.ndarray, total: np.ndarray, thr: float) -> np.ndarray:
    """Buckets whose own error rate exceeds ``thr`` (slightly lowered, see ``_SLACK``), ascending.

    A window's error rate is a traffic-weighted mean of its buckets' rates, so a window above ``thr`` holds
    at least one such bucket; windows without one are never tested.
    """
    n = len(total)
    nonzero = np.not_equal(bad, 0, out=scratch("hot_nz", n, np.bool_))
    if np.count_nonzero(nonzero) < n // 8:  # errors are rare: test only the buckets that have some
        idx = np.flatnonzero(nonzero)
        return idx[bad[idx] > total[idx] * (thr * (1 - _SLACK))]
    limit = np.multiply(total, thr * (1 - _SLACK), out=scratch("hot_lim", n, np.float64))
    return np.flatnonzero(np.greater(bad, limit, out=scratch("hot_hit", n, np.bool_)))


# Cumulative sums of this many buckets per array are kept at once (16 MiB): the series of one chunk are
# evaluated together, so each rule costs a few numpy calls per chunk rather than per series, and chunks
# run on a few threads (large numpy calls release the GIL; per-series threads were slower than one).
_CHUNK_CELLS = 1 << 21
_THREADS = min(usable_cpus(), 4)


def _firing_runs(units: UnitGrid,
                 plans: list[tuple[list[tuple[str, str, float, int, int]], float]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Every run of firing evaluation points: ``(series, rule, first bucket, first bucket not firing)``.

    Series are taken in chunks whose cumulative sums sit side by side in one flat array (series ``r`` of
    the chunk at offset ``r * (n + 1)``), so candidate windows of all the chunk's series are found and
    tested together. None when nothing fires.
    """
    n_series, n = units.grid.shape
    width = n + 1
    per_chunk = max(1, _CHUNK_CELLS // width)
    acc = np.float64 if units.fractional else np.int64

    def chunk(a: int) -> list:
        found = []
        b = min(a + per_chunk, n_series)
        cb = scratch("chunk_cb", (b - a) * width, acc)
        ct = scratch("chunk_ct", (b - a) * width)
        hot_parts, groups = [], {}
        for r in range(b - a):
            table, tgt = plans[a + r]
            thresholds = [rate * (1 - tgt) for _, _, rate, kl, _ in table if kl <= n]
            if not thresholds:
                continue
            g, t = units.counts(a + r)
            bad = np.subtract(t, g, out=scratch("bad", n, np.result_type(t, g)))
            hot = _hot_buckets(bad, t, min(thresholds))
            if hot.size == 0:  # no bucket with errors above the lowest threshold: no window can fire
                continue
            cumulative(bad, cb[r * width:(r + 1) * width])
            cumulative(t, ct[r * width:(r + 1) * width])
            hot_parts.append(hot + r * width)
            groups.setdefault(id(table), []).append(r)  # series sharing a rule table are tested together
        if not hot_parts:
            return found
        hot_all = np.concatenate(hot_parts)
        for rows_list in groups.values():
            rows = np.array(rows_list)
            table = plans[a + rows_list[0]][0]
            targets = np.array([plans[a + r][1] for r in rows_list])
            hot = hot_all if len(groups) == 1 else hot_all[np.isin(hot_all // width, rows)]
            for j, (_, _, rate, kl, ks) in enumerate(table):
                if kl > n:
                    continue
                thr_row = np.zeros(b - a)
                thr_row[rows] = rate * (1 - targets)
                cand = _alert_candidates(hot, cb, ct, thr_row, rows, kl, ks, width)
                thr = thr_row[cand // width]
                # exact test of both windows at the candidate evaluation points (cumulative positions)
                for k in (kl, ks):
                    fire = (cb[cand] - cb[cand - k]) > thr * (ct[cand] - ct[cand - k])
                    cand, thr = cand[fire], thr[fire]
                if cand.size == 0:
                    continue
                # runs of consecutive firing positions (two series' positions are never adjacent: each
                # series' start at kl >= 1); position p closes the window ending at bucket p - 1, so a run
                # of positions p0..p1 fires from bucket p0 - 1 up to (not including) bucket p1
                breaks = np.flatnonzero(np.diff(cand) != 1)
                first = cand[np.concatenate(([0], breaks + 1))] - 1
                last = cand[np.concatenate((breaks, [cand.size - 1]))]
                row = first // width
                found.append((a + row, np.full(row.size, j), first - row * width, last - row * width))
        return found

    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        found = [part for parts in pool.map(chunk, range(0, n_series, per_chunk)) for part in parts]
    if not found:
        return None
    s_idx, r_idx, first, last = (np.concatenate(x) for x in zip(*found, strict=True))
    return s_idx, r_idx, first, last


def _alert_candidates(hot: np.ndarray, cb: np.ndarray, ct: np.ndarray, thr_row: np.ndarray,
                      rows: np.ndarray, kl: int, ks: int, width: int) -> np.ndarray:
    """Flat positions ``r * width + p`` (windows ``[p-k, p)`` of series ``r``) where a rule may fire.

    Ascending; a superset of the firing positions, found by one of two exact shortcuts, whichever tests
    fewer positions:

    * the short window must hold a bucket hot at the series' threshold ``thr_row[r]`` (see
      :func:`_hot_buckets`; ``hot`` are flat bucket positions hot at the lowest threshold), so only
      ``h + 1 <= p <= h + ks`` for such buckets ``h`` can fire (cheap when errors are rare);
    * blocks of consecutive positions of the series ``rows`` are bounded at once (:func:`_block_bound`):
      first blocks of ``kl // 4`` positions against the long window, then the survivors in sub-blocks
      against both windows.
    """
    n = width - 1
    thr_h = thr_row[hot // width] * (1 - _SLACK)
    h = hot[(cb[hot + 1] - cb[hot]) > (ct[hot + 1] - ct[hot]) * thr_h]  # hot at the series' threshold
    if h.size == 0:
        return h
    row_base = h - h % width
    local = h - row_base
    if ks == 1:  # the short window is the bucket itself
        return h[local + 1 >= kl] + 1
    m1 = max(kl // 4, 1)
    if h.size * ks <= rows.size * ((n + 1 - kl) // m1):
        # ranges of hot buckets of one series closer than ks merge
        new_run = np.flatnonzero((np.diff(h) > ks) | (np.diff(row_base) != 0)) + 1
        firsts, lasts = np.concatenate(([0], new_run)), np.concatenate((new_run - 1, [h.size - 1]))
        lo = np.maximum(local[firsts] + 1, kl) + row_base[firsts]
        hi = np.minimum(local[lasts] + ks + 1, n + 1) + row_base[firsts]
        keep = hi > lo
        return _expand(lo[keep], hi[keep])
    local_starts = np.arange(kl, n + 1, m1)
    base = (rows * width)[:, None]
    starts = (base + local_starts).ravel()
    stops = (base + np.minimum(local_starts + m1, n + 1)).ravel()
    thr = np.repeat(thr_row[rows], local_starts.size)
    keep = _block_bound(cb, ct, starts, stops, kl, thr)
    starts, stops, thr = starts[keep], stops[keep], thr[keep]
    m2 = max(min(kl // 16, ks // 2), 1)
    if m2 < m1 and starts.size:
        per_block = -((starts - stops) // m2)
        sub = _expand(starts, stops, step=m2)
        sub_stops = np.minimum(sub + m2, np.repeat(stops, per_block))
        thr = np.repeat(thr, per_block)
        keep = _block_bound(cb, ct, sub, sub_stops, kl, thr) & _block_bound(cb, ct, sub, sub_stops, ks, thr)
        starts, stops = sub[keep], sub_stops[keep]
    return _expand(starts, stops)


def _block_bound(cb: np.ndarray, ct: np.ndarray, starts: np.ndarray, stops: np.ndarray, k: int,
                 thr: np.ndarray) -> np.ndarray:
    """Whether some position in each block ``[start, stop)`` may have ``bad > thr * total`` over ``k``.

    The bad events of the union of the block's windows bound every window's bad events from above, and
    the events of their intersection bound every window's total from below; a block whose bound fails
    cannot fire anywhere (``thr * x`` rounds monotonically, so this holds in floating point too).
    """
    bad_union = cb[stops - 1] - cb[starts - k]
    total_inter = np.maximum(ct[starts] - ct[stops - 1 - k], 0)
    return bad_union > thr * total_inter


def _expand(lo: np.ndarray, hi: np.ndarray, step: int = 1) -> np.ndarray:
    """Concatenate ``range(lo[i], hi[i], step)`` for every i (ranges ascending and disjoint)."""
    lengths = -((lo - hi) // step)  # ceil((hi - lo) / step)
    total = int(lengths.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(lo, lengths) + offsets * step


# ------------------------------------------------------------------------------------------- backtest


@dataclass(frozen=True)
class BacktestResult:
    """Alert-policy backtest against incident records (SRE Workbook, "Alerting on SLOs").

    Attributes
    ----------
    summary : DataFrame
        One row per policy: ``policy, alerts, incidents, incidents_outside_data, detected, precision,
        recall, recall_p1_p2, detection_time_median, reset_time_median, budget_before_detection_median``.
        ``incidents`` are those the SLI data can see (overlapping their service's span of buckets);
        ``incidents_outside_data`` counts the services' other incidents, left out of the scores.
    matches : DataFrame
        One row per policy and incident: ``policy, id, service, severity, started_at, resolved_at,
        detected (bool), first_alert, detection_time, reset_time, budget_before_detection``.
    alerts : DataFrame
        The replayed alerts with ``policy`` and ``true_positive`` (overlaps an incident of its service).
    """

    summary: pd.DataFrame
    matches: pd.DataFrame
    alerts: pd.DataFrame

    def __repr__(self) -> str:
        cols = ["policy", "alerts", "precision", "recall", "detection_time_median"]
        return "BacktestResult(\n" + self.summary[cols].to_string(index=False) + "\n)"

    def to_frame(self) -> pd.DataFrame:
        """Return the per-policy summary."""
        return self.summary.copy()


def backtest_alerts(
    sli: pd.DataFrame,
    incidents: pd.DataFrame,
    catalog: Catalog,
    *,
    policies: Mapping[str, pd.DataFrame | AlertPolicy | None] | None = None,
    exclusions: pd.DataFrame | None = None,
) -> BacktestResult:
    """Replay alert policies over history and score them against the incident records.

    For each policy the four criteria of the SRE Workbook's "Alerting on SLOs" are computed:

    * precision: share of alerts that overlap a recorded incident of their service;
    * recall: share of incidents that got an overlapping alert (also for P1-P2 only);
    * detection time: incident start to the first overlapping alert;
    * reset time: incident end to the end of the last overlapping alert;

    plus the budget consumed before detection: bad events of the incident's service between its start and
    the first alert, as a share of the period's budget (``(1 - target)`` times the events of the trailing
    period).

    Parameters
    ----------
    sli : DataFrame
        Bucket counts.
    incidents : DataFrame
        Incident records (``id, service, severity, started_at, resolved_at``), e.g. from ``read_incidents``.
    catalog : Catalog
        Targets and periods of the SLOs.
    policies : mapping of str to policy, optional
        Policies to compare, by name; default: every alert policy of the catalog plus the SRE Workbook's.
    exclusions : DataFrame, optional
        Planned maintenance (``service, start, end``): removed from the SLI before replaying, so that
        announced work neither pages nor counts as a false alarm.

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> bt = backtest_alerts(sli, inc, cat)
    >>> bt.summary["policy"].tolist()
    ['sre-workbook', 'pyrra-28d']
    """
    need = ["id", "service", "started_at", "resolved_at"]
    missing = [c for c in need if c not in incidents.columns]
    if missing:
        msg = f"backtest_alerts: incidents miss column(s) {', '.join(map(repr, missing))}"
        raise DataError(msg)
    if policies is None:
        policies = {p.name: p for p in catalog.alert_policies}
        policies.setdefault("sre-workbook", None)
    grid = to_grid(sli, what="backtest_alerts")
    cum = _BudgetLedger(grid, catalog)
    services = set(map(str, grid.keys["service"]))
    inc = incidents[incidents["service"].isin(services)].copy()
    end_of_data = grid.times[-1] + grid.step
    inc["resolved_at"] = inc["resolved_at"].fillna(end_of_data)
    # only incidents the data can see: those overlapping their service's span of buckets
    span = sli.groupby("service", observed=True)["timestamp"].agg(["min", "max"])
    span.index = span.index.astype(str)
    first_bucket = inc["service"].astype(str).map(span["min"])
    end_bucket = inc["service"].astype(str).map(span["max"]) + grid.step
    seen = ((inc["started_at"] < end_bucket) & (inc["resolved_at"] > first_bucket)).to_numpy()
    left_out = int((~seen).sum())
    inc = inc[seen]
    if "severity" not in inc.columns:
        inc["severity"] = ""
    summaries, matches, all_alerts = [], [], []
    for name, pol in policies.items():
        alerts = burn_rate_alerts(sli, catalog, policy=pol, exclusions=exclusions).assign(policy=name)
        m, tp = _match_alerts(name, alerts, inc, cum)
        alerts["true_positive"] = tp
        high = m["severity"].isin(["P1", "P2"]) if len(m) else pd.Series(dtype=bool)
        summaries.append({
            "policy": name,
            "alerts": len(alerts),
            "incidents": len(m),
            "incidents_outside_data": left_out,
            "detected": int(m["detected"].sum()) if len(m) else 0,
            "precision": float(tp.mean()) if len(alerts) else np.nan,
            "recall": float(m["detected"].mean()) if len(m) else np.nan,
            "recall_p1_p2": float(m.loc[high, "detected"].mean()) if high.any() else np.nan,
            "detection_time_median": m["detection_time"].median() if len(m) else pd.NaT,
            "reset_time_median": m["reset_time"].median() if len(m) else pd.NaT,
            "budget_before_detection_median": float(m.loc[m["detected"], "budget_before_detection"].median())
            if len(m) and m["detected"].any() else np.nan,
        })
        matches.append(m)
        all_alerts.append(alerts)
    return BacktestResult(pd.DataFrame(summaries), pd.concat(matches, ignore_index=True),
                          pd.concat(all_alerts, ignore_index=True))


def _instants(values: pd.Series) -> np.ndarray:
    """Microseconds since the epoch of tz-aware instants (NaT as the int64 minimum)."""
    return pd.DatetimeIndex(values).as_unit("us").asi8


def _match_alerts(name: str, alerts: pd.DataFrame, inc: pd.DataFrame, cum: _BudgetLedger
                  ) -> tuple[pd.DataFrame, np.ndarray]:
    """Match one policy's alerts with the incidents they overlap (same service, closed intervals).

    Returns the incidents' matches (one row per incident) and which alerts overlap an incident.
    """
    a_svc = alerts["service"].astype(str).to_numpy()
    a0, a1 = _instants(alerts["start"]), _instants(alerts["end"])
    i_svc = inc["service"].astype(str).to_numpy()
    i0, i1 = _instants(inc["started_at"]), _instants(inc["resolved_at"])
    hit = (i_svc[:, None] == a_svc[None, :]) & (a0[None, :] <= i1[:, None]) & (a1[None, :] >= i0[:, None])
    detected = hit.any(axis=1)
    big = np.iinfo(np.int64).max
    first_us = np.where(hit, a0[None, :], big).min(axis=1, initial=big)
    last_us = np.where(hit, a1[None, :], -big).max(axis=1, initial=-big)
    unit = alerts["start"].dtype if len(alerts) else inc["started_at"].dtype
    first = pd.Series(pd.to_datetime(np.where(detected, first_us, 0), unit="us", utc=True),
                      index=inc.index).where(detected).astype(unit)
    last_end = pd.Series(pd.to_datetime(np.where(detected, last_us, 0), unit="us", utc=True),
                         index=inc.index).where(detected).astype(unit)
    stop = first.where(detected, inc["resolved_at"])
    budget = [cum.share(svc, t0, t1)
              for svc, t0, t1 in zip(inc["service"], inc["started_at"], stop, strict=True)]
    m = pd.DataFrame({
        "policy": name, "id": inc["id"].to_numpy(), "service": inc["service"].to_numpy(),
        "severity": inc["severity"].to_numpy(), "started_at": inc["started_at"].to_numpy(),
        "resolved_at": inc["resolved_at"].to_numpy(), "detected": detected, "first_alert": first.to_numpy(),
        "detection_time": (first - inc["started_at"]).to_numpy(),
        "reset_time": (last_end - inc["resolved_at"]).to_numpy(),
        "budget_before_detection": np.asarray(budget, dtype=float),
    })
    return m, hit.any(axis=0)


class _BudgetLedger:
    """Cumulative bad and total units per SLO (its budgeting method's), to price any span in budget shares."""

    def __init__(self, grid: Grid, catalog: Catalog) -> None:
        self.grid = grid
        self.slos: dict[str, list[tuple[float, pd.Timedelta, np.ndarray, np.ndarray]]] = {}
        slos = [catalog.slo(str(row[0]), str(row[1])) for row in grid.keys.itertuples(index=False)]
        units = UnitGrid(grid, [Budgeting.of(o) for o in slos],
                         [catalog.service(o.service).timezone for o in slos])
        for i, slo in enumerate(slos):
            service = slo.service
            g, t = units.counts(i)
            cb = cumulative(t - g)
            ct = cumulative(t)
            self.slos.setdefault(service, []).append((slo.target, period_length(slo.window), cb, ct))

    def _pos(self, when: pd.Timestamp) -> int:
        """Count the whole buckets that end at or before ``when``."""
        return int(np.clip(self.grid.times.searchsorted(when - self.grid.step, side="right"), 0,
                           len(self.grid.times)))

    def share(self, service: str, start: pd.Timestamp, stop: pd.Timestamp) -> float:
        """Largest share of a period budget, among the service's SLOs, spent from ``start`` to ``stop``.

        Buckets that overlap the span count whole; the budget is ``(1 - target)`` times the events of the
        period ending at ``stop``.
        """
        a = int(self.grid.times.searchsorted(start, side="right")) - 1
        b = max(self._pos(stop), a + 1)
        a = max(a, 0)
        best = 0.0
        for target, per, cb, ct in self.slos.get(service, []):
            k = int(per // self.grid.step)
            allowed = (1 - target) * (ct[b] - ct[max(b - k, 0)])
            if allowed > 0:
                best = max(best, float(cb[b] - cb[a]) / allowed)
        return best


# ------------------------------------------------------------------------------------ tables on disk


def sli_groups(source: str | os.PathLike | Dataset, catalog: Catalog | None, what: str,
               columns: tuple[tuple[str, ...], str, str, str]) -> SliGroups:
    """Cut a table on disk into groups of services (:func:`~slm_analytics.data.iter_sli_groups`).

    ``columns`` are the caller's ``(by, good, total, timestamp)``: a table on disk has the SLI layout, so
    they must keep their defaults.
    """
    from .data import SLI_COLUMNS, iter_sli_groups

    if (tuple(columns[0]), *columns[1:]) != (("service", "slo"), "good", "total", "timestamp"):
        msg = (f"{what}: a table given by path has the columns {', '.join(SLI_COLUMNS)}; leave by, good, "
               "total and timestamp at their defaults")
        raise ParameterError(msg)
    return iter_sli_groups(source, catalog=catalog)


def stack_frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate frames with the same columns and dtypes, releasing each column of the parts once copied.

    ``pd.concat`` holds the parts and the result at once (twice the result); here one column of the parts
    at a time is held with the result. Categorical columns keep their categories, timezone-aware ones
    their zone; the index is a new ``RangeIndex``.
    """
    n = sum(len(p) for p in parts)
    out: dict[str, object] = {}
    for c in list(parts[0].columns):
        dtype = parts[0][c].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            buf = np.empty(n, dtype=parts[0][c].array.codes.dtype)
        elif isinstance(dtype, pd.DatetimeTZDtype):
            buf = np.empty(n, dtype=f"datetime64[{dtype.unit}]")
        else:
            buf = np.empty(n, dtype=dtype)
        at = 0
        for i, part in enumerate(parts):
            col = part[c]
            values = (col.array.codes if isinstance(dtype, pd.CategoricalDtype) else
                      col.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
                      if isinstance(dtype, pd.DatetimeTZDtype) else col.to_numpy())
            buf[at: at + len(values)] = values
            at += len(values)
            parts[i] = part.drop(columns=c)
        if isinstance(dtype, pd.CategoricalDtype):
            out[c] = pd.Categorical.from_codes(buf, dtype=dtype)
        elif isinstance(dtype, pd.DatetimeTZDtype):
            out[c] = pd.Series(buf, copy=False).dt.tz_localize("UTC").dt.tz_convert(dtype.tz)
        else:
            out[c] = buf
        del buf
    return pd.DataFrame(out, copy=False)
