"""Service level indicators computed from event counts, time slices and latency histograms.

* :func:`ratio_sli`: good events / total events per period (OpenSLO ``Occurrences``);
* :func:`timeslice_sli`: share of good time slices per period (OpenSLO ``Timeslices``);
* :func:`histogram_quantile` and :func:`histogram_fraction`: PromQL's estimates from classic Prometheus
  histograms (cumulative ``le`` buckets);
* :func:`sli_interval`: binomial confidence intervals for an SLI and the exact test of a miss against the
  target, so a review can tell a real miss from bad luck on low traffic.

Buckets (or periods, or slices) with ``total == 0`` carry no data: their SLI is ``NaN``, never ``0/0`` and
never 100 %. Nothing here rounds; display code rounds a copy.
"""

from __future__ import annotations

import numbers
import reprlib
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ._checks import check_by, check_tz, infer_step, integer_counts, require_columns
from .errors import DataError, InsufficientDataError, ParameterError
from .methods import Budgeting, slice_units

__all__ = [
    "histogram_fraction",
    "histogram_quantile",
    "ratio_sli",
    "sli_interval",
    "timeslice_sli",
    "wilson_interval",
]

IntervalMethod = Literal["wilson", "clopper-pearson"]
INTERVAL_METHODS: tuple[str, ...] = ("wilson", "clopper-pearson")



def _check_timestamps(frame: pd.DataFrame, timestamp: str, what: str) -> None:
    if not isinstance(frame[timestamp].dtype, pd.DatetimeTZDtype):
        msg = (
            f"{what}: column {timestamp!r} holds {frame[timestamp].dtype} values; timezone-aware timestamps "
            "are needed (read data with read_sli, or localize with .dt.tz_localize('UTC'))"
        )
        raise DataError(msg)


def _parse_freq(freq: str) -> pd.DateOffset:
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError) as exc:
        msg = f"freq {freq!r} is not a pandas offset alias such as '1h', '1D', 'W-MON' or 'MS'"
        raise ParameterError(msg) from exc


def _sub_daily(offset: pd.DateOffset) -> bool:
    """Periods shorter than a day are cut on the UTC timeline, longer ones on the local calendar."""
    return isinstance(offset, pd.offsets.Tick) and pd.Timedelta(offset) < pd.Timedelta(days=1)


def ratio_sli(
    events: pd.DataFrame,
    *,
    good: str = "good",
    total: str = "total",
    freq: str | None = "1D",
    by: tuple[str, ...] = ("service", "slo"),
    timestamp: str = "timestamp",
    tz: str = "UTC",
) -> pd.DataFrame:
    r"""Ratio SLI (good / total) per group and period.

    Parameters
    ----------
    events : DataFrame
        Event counts per bucket, e.g. from :func:`~slm_analytics.data.read_sli`.
    good, total : str
        Columns of good and total event counts.
    freq : str or None
        pandas offset alias of the reporting period (``"1h"``, ``"1D"``, ``"W-MON"``, ``"MS"`` for calendar
        months); ``None`` gives one row per group over all the data.
    by : str or tuple of str
        Grouping columns (one string is one column; ``()`` takes all rows as one group).
    timestamp : str
        Column of bucket start times (timezone-aware).
    tz : str
        Time zone in which periods are cut (a calendar day or month in ``Asia/Seoul`` differs from UTC).

    Returns
    -------
    DataFrame
        Columns ``*by``, ``timestamp`` (period start in ``tz``; absent when ``freq`` is ``None``), ``good``,
        ``total`` (int64 sums) and ``sli`` (float, ``NaN`` where ``total == 0``: no data).

    Raises
    ------
    DataError
        If a column is missing or the timestamps are not timezone-aware.
    ParameterError
        If ``freq`` is not a pandas offset or ``tz`` not a time zone.

    Notes
    -----
    :math:`\mathrm{SLI} = \sum good / \sum total` over the period: events are pooled, buckets are not
    averaged (an average of bucket ratios over-weights quiet buckets).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli = read_dataset("sli_5min")
    >>> one = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")]
    >>> monthly = ratio_sli(one, freq="MS", tz="Europe/London")
    >>> monthly[["timestamp", "good", "total", "sli"]].head(2)
                      timestamp      good     total       sli
    0 2025-11-01 00:00:00+00:00  13999676  14010622  0.999219
    1 2025-12-01 00:00:00+00:00  14392156  14396477  0.999700
    """
    by = check_by(by, events, "ratio_sli")
    require_columns(events, [*by, timestamp, good, total], "ratio_sli")
    _check_timestamps(events, timestamp, "ratio_sli")
    check_tz(tz)
    if freq is None:
        if by:
            out = events.groupby(list(by), observed=True, sort=True)[[good, total]].sum().reset_index()
        else:
            out = pd.DataFrame({good: [int(events[good].sum())], total: [int(events[total].sum())]})
    else:
        offset = _parse_freq(freq)
        work = events[[*by, good, total]].copy()
        sub_daily = _sub_daily(offset)
        if sub_daily:  # cut in UTC: local hours repeat or vanish at DST changes
            work["_t"] = events[timestamp].dt.floor(offset).dt.tz_convert(tz)
            grouper: object = "_t"
        else:  # days, weeks, months... are cut on the local calendar
            work["_t"] = events[timestamp].dt.tz_convert(tz).dt.tz_localize(None)
            grouper = pd.Grouper(key="_t", freq=offset, closed="left", label="left")
        out = work.groupby([*by, grouper], observed=True, sort=True)[[good, total]].sum().reset_index()
        if not sub_daily:
            out["_t"] = out["_t"].dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
        out = out.rename(columns={"_t": "timestamp"})
    out[good] = out[good].astype(np.int64)
    out[total] = out[total].astype(np.int64)
    g = out[good].to_numpy(dtype=float)
    t = out[total].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sli"] = np.where(t > 0, g / np.where(t > 0, t, 1), np.nan)
    return out.rename(columns={good: "good", total: "total"})


# ------------------------------------------------------------------------------------------- time slices


def _as_duration(value: str | pd.Timedelta, name: str) -> int:
    """Parse a positive duration; return it in microseconds."""
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError) as exc:
        msg = f"{name} {value!r} is not a duration; use e.g. '1min', '5min' or '1h'"
        raise ParameterError(msg) from exc
    if pd.isna(td) or td <= pd.Timedelta(0):
        msg = f"{name} {value!r} must be a positive duration such as '5min'"
        raise ParameterError(msg)
    return int(td // pd.Timedelta(microseconds=1))


def _fmt_us(us: int) -> str:
    minutes = us / 60e6
    return f"{minutes:g}-minute" if minutes < 60 else str(pd.Timedelta(us, unit="us"))


def _period_bounds(t_min: int, t_max: int, t_end: int, offset: pd.DateOffset | None,
                   tz: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (UTC microseconds) of every period from ``t_min`` to ``t_max``.

    Periods are cut as :func:`ratio_sli` cuts them: sub-daily periods on the UTC timeline, longer ones on the
    local calendar of ``tz``; without ``offset`` one period starts at ``t_min`` and ends at ``t_end``.
    """
    if offset is None:
        return np.array([t_min]), np.array([t_end])
    if _sub_daily(offset):
        step = int(pd.Timedelta(offset) // pd.Timedelta(microseconds=1))
        starts = np.arange(t_min - t_min % step, t_max + 1, step, dtype=np.int64)
        return starts, starts + step
    local = pd.DatetimeIndex(np.array([t_min, t_max]).astype("datetime64[us]")).tz_localize("UTC")
    local = local.tz_convert(tz).tz_localize(None)
    # the same binning as ratio_sli's pd.Grouper(freq, closed="left", label="left")
    labels = pd.Series(0, index=local).resample(offset, closed="left", label="left").size().index
    naive = labels.append(pd.DatetimeIndex([labels[-1] + offset]))
    edges = naive.tz_localize(tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward")
    us = edges.tz_convert("UTC").tz_localize(None).as_unit("us").asi8
    return us[:-1], us[1:]


def _slice_positions(events: pd.DataFrame, timestamp: str, slice: str | pd.Timedelta, slice_us: int,
                     offset: pd.DateOffset | None, freq: str | None, tz: str, what: str) -> tuple:
    """Place each bucket in its period and slice: ``(t, starts, ends, t_min, t_end, period, k)``.

    ``t`` are the buckets' starts (µs, UTC), ``starts``/``ends`` the periods' bounds, ``period`` and ``k``
    each bucket's period and slice within it; checks that slices are whole buckets and fit the periods.
    """
    t = events[timestamp].dt.tz_convert("UTC").dt.tz_localize(None).dt.as_unit("us").to_numpy().view(np.int64)
    uniq = np.unique(t)
    t_min, t_max = int(uniq[0]), int(uniq[-1])
    step = infer_step(uniq)
    bucket_us = 0 if step is None else int(step // pd.Timedelta(microseconds=1))
    starts, ends = _period_bounds(t_min, t_max, t_max, offset, tz)
    if bucket_us == 0:  # a single bucket time: as long as the largest step that fits its position
        bucket_us = int(np.gcd(slice_us, t_min - int(starts[0]))) or slice_us
    if slice_us % bucket_us:
        msg = (
            f"slice {slice!r} is not a whole number of the data's {_fmt_us(bucket_us)} buckets; "
            "use a multiple of the bucket length"
        )
        raise ParameterError(msg)
    t_end = t_max + bucket_us
    if offset is None:
        ends = np.array([t_end])
    elif slice_us > int((ends - starts).max()):
        msg = f"slice {slice!r} is longer than the {freq!r} periods; a slice must fit in a period"
        raise ParameterError(msg)

    period = np.searchsorted(starts, t, side="right") - 1
    since = t - starts[period]
    off = since % bucket_us != 0
    if off.any():
        i = int(np.flatnonzero(off)[0])
        msg = (
            f"{what}: row {i + 1}: the bucket at {events[timestamp].iloc[i]} does not line up with "
            f"{slice!r} slices starting at {pd.Timestamp(int(starts[period[i]]), unit='us', tz='UTC')} "
            f"(period starts in {tz}); buckets must not straddle a slice boundary"
        )
        raise DataError(msg)
    return t, starts, ends, t_min, t_end, period, since // slice_us



def timeslice_sli(
    events: pd.DataFrame,
    *,
    slice_target: float,
    slice: str | pd.Timedelta = "5min",
    freq: str | None = "1D",
    by: tuple[str, ...] = ("service", "slo"),
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
    tz: str = "UTC",
) -> pd.DataFrame:
    r"""Time-slice SLI: share of time slices whose own ratio reaches ``slice_target``, per group and period.

    Parameters
    ----------
    events : DataFrame
        Event counts per bucket, e.g. from :func:`~slm_analytics.data.read_sli`.
    slice_target : float
        Ratio good / total a slice needs to count as good, in (0, 1] (OpenSLO ``timeSliceTarget``).
    slice : str or Timedelta
        Slice length (OpenSLO ``timeSliceWindow``), a whole number of the data's buckets: ``"5min"``,
        ``"1h"``. Buckets are summed into slices before the slice ratio is taken.
    freq : str or None
        pandas offset alias of the reporting period, cut as in :func:`ratio_sli`; ``None`` gives one row per
        group over all the data.
    by : str or tuple of str
        Grouping columns (one string is one column; ``()`` takes all rows as one group).
    good, total : str
        Columns of good and total event counts (integers).
    timestamp : str
        Column of bucket start times (timezone-aware).
    tz : str
        Time zone in which calendar periods are cut.

    Returns
    -------
    DataFrame
        One row per group and period of the data's span (a period without data is listed, with
        ``slices == 0``), sorted by group then period:

        * ``*by``: the group;
        * ``timestamp``: period start in ``tz`` (absent when ``freq`` is ``None``);
        * ``good_slices`` (int64): slices with data whose ratio is at least ``slice_target``;
        * ``slices`` (int64): slices with data (``total > 0``);
        * ``no_data`` (int64): slices of the period without events, whether their buckets have
          ``total == 0`` or are missing; they count neither as good nor as bad;
        * ``sli`` (float): ``good_slices / slices``, ``NaN`` when ``slices == 0``.

    Raises
    ------
    DataError
        A column is missing, counts are not non-negative integers with ``good <= total``, timestamps are
        not timezone-aware, or the buckets do not line up with the slices.
    InsufficientDataError
        If ``events`` has no rows.
    ParameterError
        ``slice_target`` outside (0, 1], a slice that is not a positive whole number of buckets or is longer
        than every period, an unknown ``freq`` or ``tz``.

    Notes
    -----
    For slices :math:`s` of a period, with :math:`g_s, n_s` the events summed over the slice's buckets,

    .. math:: \mathrm{SLI} = \frac{|\{s : n_s > 0,\ g_s / n_s \ge T_s\}|}{|\{s : n_s > 0\}|}

    (OpenSLO v1, ``budgetingMethod: Timeslices`` with ``timeSliceTarget`` :math:`T_s` and
    ``timeSliceWindow``; SRE Workbook ch. 2, time-based availability). Slices start at each period's
    start, so they never straddle two periods (a period whose length is not a multiple of the slice ends
    with a shorter slice); with ``freq=None`` they start at the earliest bucket. The span of the data is
    the same for every group, from the earliest bucket to the end of the latest bucket of any group, as in
    the compliance grid: a series missing from part of the span gets ``no_data`` slices there.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli = read_dataset("sli_5min")
    >>> one = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")]
    >>> monthly = timeslice_sli(one, slice_target=0.99, slice="1h", freq="MS", tz="Europe/London")
    >>> monthly[["timestamp", "good_slices", "slices", "no_data", "sli"]].head(2)
                      timestamp  good_slices  slices  no_data       sli
    0 2025-11-01 00:00:00+00:00          715     720        0  0.993056
    1 2025-12-01 00:00:00+00:00          742     744        0  0.997312
    """
    what = "timeslice_sli"
    by = check_by(by, events, what)
    require_columns(events, [*by, timestamp, good, total], what)
    _check_timestamps(events, timestamp, what)
    check_tz(tz)
    if not isinstance(slice_target, numbers.Real) or isinstance(slice_target, bool) \
            or not 0 < float(slice_target) <= 1:
        msg = f"slice_target {slice_target!r} is outside (0, 1]: write 99 % as 0.99"
        raise ParameterError(msg)
    slice_us = _as_duration(slice, "slice")
    offset = None if freq is None else _parse_freq(freq)
    if len(events) == 0:
        msg = f"{what}: no rows; at least one bucket of data is needed"
        raise InsufficientDataError(msg)
    g, n = integer_counts(events, good, total, what)

    t, starts, ends, t_min, t_end, period, k = _slice_positions(events, timestamp, slice, slice_us, offset,
                                                                freq, tz, what)

    grouped = events.groupby(list(by), observed=True, sort=True, dropna=False) if by else None
    gid = grouped.ngroup().to_numpy(dtype=np.int64) if grouped is not None else np.zeros(len(t), np.int64)
    n_groups = int(gid.max()) + 1
    n_periods = len(starts)
    n_k = int(k.max()) + 1
    key = (gid * n_periods + period) * n_k + k  # one integer per (group, period, slice)
    if n_groups * n_periods * n_k >= 2**62:
        msg = (
            f"{what}: slice {slice!r} gives too many slices to count ({n_groups} groups x {n_periods} "
            f"periods x {n_k} slices); use a longer slice"
        )
        raise ParameterError(msg)
    if not (key[1:] >= key[:-1]).all():  # data from read_sli is already in this order
        order = np.argsort(key, kind="stable")
        key, g, n = key[order], g[order], n[order]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    sg = np.add.reduceat(g.astype(np.int64), first)
    sn = np.add.reduceat(n.astype(np.int64), first)
    cell = key[first] // n_k  # group * n_periods + period
    has = sn > 0
    ok = slice_units(sg, sn, Budgeting("Timeslices", timeslice_target=float(slice_target)))[0]
    size = n_groups * n_periods
    good_slices = np.bincount(cell, weights=ok, minlength=size).astype(np.int64)
    slices = np.bincount(cell, weights=has, minlength=size).astype(np.int64)

    # slices of each period that overlap the data's span [t_min, t_end)
    lo = np.maximum(starts, t_min)
    hi = np.minimum(ends, t_end)
    expected = np.where(hi > lo, -((starts - hi) // slice_us) - (lo - starts) // slice_us, 0)
    no_data = np.tile(expected, n_groups) - slices

    if grouped is not None:
        keys = grouped.size().index.to_frame(index=False)
        out = keys.loc[np.repeat(np.arange(n_groups), n_periods)].reset_index(drop=True)
    else:
        out = pd.DataFrame(index=pd.RangeIndex(size))
    if offset is not None:
        labels = pd.DatetimeIndex(starts.astype("datetime64[us]")).tz_localize("UTC").tz_convert(tz)
        out["timestamp"] = labels[np.tile(np.arange(n_periods), n_groups)]
    out["good_slices"] = good_slices
    out["slices"] = slices
    out["no_data"] = no_data.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sli"] = np.where(slices > 0, good_slices / np.where(slices > 0, slices, 1), np.nan)
    return out


# ------------------------------------------------------------------------------------------- histograms

#: Relative difference between consecutive cumulative counts that PromQL treats as floating-point noise
#: (``smallDeltaTolerance`` in promql/quantile.go).
SMALL_DELTA_TOLERANCE = 1e-12
_MIN_NORMAL = np.finfo(float).tiny  # smallest positive normal float64, as util/almost uses


def _almost_equal(a: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    """Vectorised ``almost.Equal`` from Prometheus's util/almost."""
    abs_sum = np.abs(a) + np.abs(b)
    diff = np.abs(a - b)
    tiny = (a == 0) | (b == 0) | (abs_sum < _MIN_NORMAL)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = diff / np.minimum(abs_sum, np.finfo(float).max)
    return (a == b) | np.where(tiny, diff < eps * _MIN_NORMAL, rel < eps)


def _show(value: object) -> str:
    """Repr of a value for a message, numpy scalars as plain Python numbers."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _fmt_le(x: float) -> str:
    return "+Inf" if x == np.inf else "-Inf" if x == -np.inf else repr(float(x))


def _check_number(value: object, name: str, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} {value!r} is not a number; {hint}"
        raise ParameterError(msg)
    return float(value)


class _Histograms:
    """Classic histograms of a tidy bucket frame on a padded (histogram x bucket) layout.

    ``upper`` and ``count`` have one row per histogram, buckets sorted by upper bound and merged where the
    bound repeats (promql ``coalesceBuckets``), padded with NaN to the longest histogram; ``n`` is the
    number of buckets of each.
    """

    def __init__(self, buckets: pd.DataFrame, by: tuple[str, ...], le: str, count: str, what: str) -> None:
        if not isinstance(buckets, pd.DataFrame):
            kind = type(buckets).__name__
            msg = f"{what}: buckets must be a DataFrame with columns {le!r} and {count!r}, not {kind}"
            raise DataError(msg)
        require_columns(buckets, [*by, le, count], what)
        clash = [c for c in by if c in (le, count)]
        if clash:
            msg = f"{what}: by {by!r} includes {clash[0]!r}; group by the labels that identify a histogram"
            raise ParameterError(msg)
        upper = self._bounds(buckets[le], le, what)
        counts = buckets[count]
        if not pd.api.types.is_numeric_dtype(counts.dtype) or pd.api.types.is_bool_dtype(counts.dtype):
            msg = f"{what}: column {count!r} must hold numbers (cumulative counts), not {counts.dtype}"
            raise DataError(msg)
        c = counts.to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(c) | (c < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = f"{what}: row {i + 1}: {count} {_show(c[i])} is not a count; counts are finite and >= 0"
            raise DataError(msg)
        if by:
            grouped = buckets.groupby(list(by), observed=True, sort=True, dropna=False)
            gid = grouped.ngroup().to_numpy(dtype=np.int64)
            self.keys: pd.DataFrame | None = grouped.size().index.to_frame(index=False)
        else:
            gid = np.zeros(len(buckets), dtype=np.int64)
            self.keys = None
        self.by = by
        self.n_hist = (int(gid.max()) + 1) if len(gid) else 0
        order = np.lexsort((upper, gid))
        gid, upper, c = gid[order], upper[order], c[order]
        new = np.ones(len(gid), dtype=bool)
        new[1:] = (gid[1:] != gid[:-1]) | (upper[1:] != upper[:-1])
        first = np.flatnonzero(new)
        c = np.add.reduceat(c, first) if len(first) else c
        upper, gid = upper[first], gid[first]
        self.n = np.bincount(gid, minlength=self.n_hist)
        width = int(self.n.max()) if self.n_hist else 0
        pos = np.arange(len(gid)) - np.repeat(np.cumsum(self.n) - self.n, self.n)
        self.upper = np.full((self.n_hist, width), np.nan)
        self.count = np.full((self.n_hist, width), np.nan)
        self.upper[gid, pos] = upper
        self.count[gid, pos] = c
        rows = np.arange(self.n_hist)
        self.has_inf = self.upper[rows, self.n - 1] == np.inf if self.n_hist else np.zeros(0, bool)
        self.absorbed = self._monotonic(what)

    @staticmethod
    def _bounds(column: pd.Series, le: str, what: str) -> np.ndarray:
        if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
            upper = column.to_numpy(dtype=float, na_value=np.nan)
        else:
            codes, uniques = pd.factorize(column, use_na_sentinel=False)
            parsed = np.empty(len(uniques))
            for j, label in enumerate(uniques):  # a loop over the distinct labels, not the rows
                try:
                    parsed[j] = float(str(label).strip())
                except ValueError:
                    i = int(np.flatnonzero(codes == j)[0])
                    msg = (
                        f"{what}: row {i + 1}: {le} {label!r} is not a bucket upper bound; "
                        "use numbers such as 0.5 or '0.5', and '+Inf' for the last bucket"
                    )
                    raise DataError(msg) from None
            upper = parsed[codes]
        if np.isnan(upper).any():
            i = int(np.flatnonzero(np.isnan(upper))[0])
            msg = f"{what}: row {i + 1}: {le} {_show(column.iloc[i])} is not a bucket upper bound (NaN)"
            raise DataError(msg)
        return upper

    def name(self, h: int) -> str:
        if self.keys is None:
            return "the histogram"
        return "histogram " + ", ".join(f"{c}={v!r}" for c, v in zip(self.by, self.keys.iloc[h], strict=True))

    def _monotonic(self, what: str) -> np.ndarray:
        """Return the counts after PromQL's small-delta correction; raise where a count really decreases.

        Mirrors ``ensureMonotonicAndIgnoreSmallDeltas``: a difference within ``SMALL_DELTA_TOLERANCE`` of the
        last accepted count is floating-point noise and replaced by that count; a larger decrease, which
        PromQL silently flattens, is a DataError here. Loops over bucket positions, vectorised over
        histograms.
        """
        out = self.count.copy()
        if out.shape[1] == 0:
            return out
        prev = out[:, 0].copy()
        prev_at = np.zeros(self.n_hist, dtype=np.int64)
        for j in range(1, out.shape[1]):
            valid = j < self.n
            curr = out[:, j]
            same = curr == prev
            noise = valid & ~same & _almost_equal(prev, curr, SMALL_DELTA_TOLERANCE)
            drop = valid & ~same & ~noise & (curr < prev)
            if drop.any():
                h = int(np.flatnonzero(drop)[0])
                msg = (
                    f"{what}: {self.name(h)}: cumulative count decreases at le={_fmt_le(self.upper[h, j])} "
                    f"({_show(curr[h])} after {_show(prev[h])} at le={_fmt_le(self.upper[h, prev_at[h]])}); "
                    "counts of a classic histogram are cumulative (observations <= le) and never decrease"
                )
                raise DataError(msg)
            out[noise, j] = prev[noise]
            prev = np.where(valid & ~same & ~noise, curr, prev)
            prev_at = np.where(valid, j, prev_at)  # bucket j now holds the count `prev`
        return out

    def result(self, values: np.ndarray, column: str) -> float | pd.DataFrame:
        if self.keys is None:
            return float(values[0]) if len(values) else float("nan")
        out = self.keys.copy()
        out[column] = values
        return out


def _gather(a: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if a.shape[1] == 0:
        return np.full(len(cols), np.nan)
    return a[np.arange(len(cols)), np.clip(cols, 0, a.shape[1] - 1)]


def _bucket_quantile(q: float, hist: _Histograms) -> np.ndarray:
    """Compute PromQL's ``bucketQuantile`` for every histogram at once."""
    m = hist.n_hist
    if m == 0:
        return np.empty(0)
    if np.isnan(q):
        return np.full(m, np.nan)
    if q < 0:
        return np.full(m, -np.inf)
    if q > 1:
        return np.full(m, np.inf)
    upper, count, n = hist.upper, hist.absorbed, hist.n
    observations = _gather(count, n - 1)
    usable = hist.has_inf & (n >= 2) & (observations != 0)
    rank = q * observations
    cols = np.arange(upper.shape[1])
    # sort.Search(len-1, count >= rank): the first bucket below the +Inf one that reaches the rank
    hit = (count >= rank[:, None]) & (cols[None, :] < (n - 1)[:, None])
    b = np.where(hit.any(axis=1), hit.argmax(axis=1), n - 1)
    top = b == n - 1
    lowest_nonpositive = (b == 0) & (_gather(upper, np.zeros_like(b)) <= 0)
    start = np.where(b > 0, _gather(upper, b - 1), 0.0)
    below = np.where(b > 0, _gather(count, b - 1), 0.0)
    end = _gather(upper, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = start + (end - start) * ((rank - below) / (_gather(count, b) - below))
    res = np.where(top, _gather(upper, n - 2), np.where(lowest_nonpositive, _gather(upper, b), inside))
    return np.where(usable, res, np.nan)


def _bucket_fraction(lower: float, upper_v: float, hist: _Histograms) -> np.ndarray:
    """Compute PromQL's ``BucketFraction`` (classic ``histogram_fraction``) for every histogram at once."""
    m = hist.n_hist
    if m == 0:
        return np.empty(0)
    upper, count, n = hist.upper, hist.count, hist.n
    total = _gather(count, n - 1)
    usable = hist.has_inf & (total != 0)
    if np.isnan(lower) or np.isnan(upper_v):
        return np.full(m, np.nan)
    if lower >= upper_v:
        return np.where(usable, 0.0, np.nan)
    width = upper.shape[1]
    valid = np.arange(width)[None, :] < n[:, None]
    # lower bound of each bucket: 0 for the first if its upper bound is > 0, else -Inf; then the previous le
    lo = np.empty_like(upper)
    if width:
        lo[:, 0] = np.where(upper[:, 0] <= 0, -np.inf, 0.0)
        lo[:, 1:] = upper[:, :-1]
    below = np.zeros_like(count)  # cumulative count before the bucket
    below[:, 1:] = count[:, :-1]

    def rank_at(v: float) -> np.ndarray:
        # the first bucket where either the bound is at or below its lower bound, or inside it
        hit = valid & ((lo >= v) | ((lo < v) & (upper > v)))
        found = hit.any(axis=1)
        i = hit.argmax(axis=1)
        lo_i, up_i, c_i, r_i = _gather(lo, i), _gather(upper, i), _gather(count, i), _gather(below, i)
        with np.errstate(invalid="ignore", divide="ignore"):
            interp = np.where(lo_i == -np.inf, c_i, r_i + (c_i - r_i) * (v - lo_i) / (up_i - lo_i))
        rank = np.where(lo_i >= v, r_i, interp)
        return np.where(~found | (rank > total), total, rank)

    with np.errstate(invalid="ignore", divide="ignore"):
        res = (rank_at(upper_v) - rank_at(lower)) / total
    return np.where(usable, res, np.nan)


def histogram_quantile(
    buckets: pd.DataFrame,
    q: float,
    *,
    by: Sequence[str] = (),
    le: str = "le",
    count: str = "count",
) -> float | pd.DataFrame:
    r"""Estimate the q-quantile of classic Prometheus histograms, as PromQL's ``histogram_quantile`` does.

    Parameters
    ----------
    buckets : DataFrame
        One row per bucket: upper bound ``le`` (numbers, or strings as Prometheus labels them: ``"0.5"``,
        ``"+Inf"``) and cumulative ``count`` (observations ``<= le``; rates or increases may be fractional).
        Rows with the same ``by`` values form one histogram; without ``by`` the whole frame is one.
    q : float
        Quantile, e.g. ``0.99``. Outside [0, 1] the result is ``-Inf``/``+Inf`` and ``NaN`` gives ``NaN``, as
        in PromQL.
    by : sequence of str
        Columns identifying a histogram (PromQL's labels other than ``le``).
    le, count : str
        Column names.

    Returns
    -------
    float or DataFrame
        Without ``by``, the quantile as a float. With ``by``, one row per histogram (sorted): ``*by`` and
        ``quantile`` (float). ``NaN`` where PromQL gives ``NaN``: no ``+Inf`` bucket, fewer than two buckets,
        no observations.

    Raises
    ------
    DataError
        A column is missing, an ``le`` is not a number, a count is negative or not finite, or a histogram's
        cumulative count decreases (PromQL silently flattens it; here the histogram and ``le`` are named).
    ParameterError
        ``q`` is not a number, or ``by`` includes ``le``/``count``.

    Notes
    -----
    Prometheus ``promql/quantile.go``, ``bucketQuantile`` (and ``docs/querying/functions.md``). Buckets are
    sorted by ``le``; buckets with the same bound are merged by adding their counts; differences between
    consecutive counts within a relative 1e-12 are floating-point noise and ignored. With :math:`N` the
    count of the ``+Inf`` bucket and rank :math:`r = qN`, the quantile lies in the first bucket :math:`b`
    (below ``+Inf``) whose cumulative count :math:`C_b \ge r`, and is interpolated linearly in it:

    .. math:: \hat x_q = u_{b-1} + (u_b - u_{b-1}) \frac{r - C_{b-1}}{C_b - C_{b-1}}

    with :math:`u_{-1} = 0` and :math:`C_{-1} = 0` for the first bucket. If the rank falls in the ``+Inf``
    bucket the result is the upper bound of the second-highest bucket; if it falls in the first bucket and
    that bucket's upper bound is :math:`\le 0`, the result is that bound. Buckets are validated before
    ``q`` is looked at, so bad data raises even when ``q`` is ``NaN`` or out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> latency = pd.DataFrame({
    ...     "route": ["/pay"] * 5 + ["/cart"] * 5,
    ...     "le": ["0.1", "0.25", "0.5", "1", "+Inf"] * 2,
    ...     "count": [10, 40, 80, 95, 100, 50, 90, 99, 100, 100],
    ... })
    >>> pay = latency[latency["route"] == "/pay"]
    >>> histogram_quantile(pay, 0.9)  # 0.5 + (1 - 0.5) * (90 - 80) / (95 - 80)
    0.83333...
    >>> histogram_quantile(latency, 0.9, by=["route"])
       route  quantile
    0  /cart  0.250000
    1   /pay  0.833333
    """
    qf = _check_number(q, "q", "give the quantile as a float such as 0.99")
    hist = _Histograms(buckets, tuple(by), le, count, "histogram_quantile")
    return hist.result(_bucket_quantile(qf, hist), "quantile")


def histogram_fraction(
    buckets: pd.DataFrame,
    lower: float,
    upper: float,
    *,
    by: Sequence[str] = (),
    le: str = "le",
    count: str = "count",
) -> float | pd.DataFrame:
    r"""Estimate the share of observations between ``lower`` and ``upper`` as PromQL's histogram_fraction.

    Parameters
    ----------
    buckets : DataFrame
        Classic histogram buckets, as for :func:`histogram_quantile`.
    lower, upper : float
        Bounds; ``-inf``/``inf`` are allowed (``lower=-inf`` gives the share of observations up to ``upper``,
        e.g. the share of requests served within a latency threshold).
    by : sequence of str
        Columns identifying a histogram.
    le, count : str
        Column names.

    Returns
    -------
    float or DataFrame
        Without ``by``, the fraction as a float. With ``by``, one row per histogram (sorted): ``*by`` and
        ``fraction`` (float). ``NaN`` without a ``+Inf`` bucket, without observations or for a ``NaN`` bound;
        ``0`` when ``lower >= upper``.

    Raises
    ------
    DataError
        As :func:`histogram_quantile`.
    ParameterError
        ``lower`` or ``upper`` is not a number, or ``by`` includes ``le``/``count``.

    Notes
    -----
    Prometheus ``promql/quantile.go``, ``BucketFraction`` (classic histograms; ``histogram_fraction`` in
    ``docs/querying/functions.md``). With bucket :math:`i` spanning :math:`(l_i, u_i]` (:math:`l_0 = 0` if
    :math:`u_0 > 0`, else :math:`-\infty`; :math:`l_i = u_{i-1}`) and cumulative counts :math:`C_i`, the
    rank of a bound :math:`v` is found in the first bucket with :math:`l_i \ge v` (rank :math:`C_{i-1}`) or
    :math:`l_i < v < u_i` (linear interpolation :math:`C_{i-1} + (C_i - C_{i-1})(v - l_i)/(u_i - l_i)`;
    the whole count :math:`C_i` when :math:`l_i = -\infty`, nothing of the ``+Inf`` bucket); ranks are
    capped at the total :math:`N`, and the fraction is :math:`(\mathrm{rank}(upper) -
    \mathrm{rank}(lower)) / N`. It inverts :func:`histogram_quantile`: the fraction up to the q-quantile
    is q when the quantile falls inside a finite bucket. Unlike ``bucketQuantile``, ``BucketFraction``
    neither needs two buckets nor smooths small count differences.

    Examples
    --------
    >>> import pandas as pd
    >>> latency = pd.DataFrame({"le": ["0.1", "0.25", "0.5", "1", "+Inf"], "count": [10, 40, 80, 95, 100]})
    >>> histogram_fraction(latency, float("-inf"), 0.3)  # requests served within 300 ms
    0.48
    """
    lo = _check_number(lower, "lower", "give a bound such as 0.3 or float('-inf')")
    hi = _check_number(upper, "upper", "give a bound such as 0.3 or float('inf')")
    hist = _Histograms(buckets, tuple(by), le, count, "histogram_fraction")
    return hist.result(_bucket_fraction(lo, hi, hist), "fraction")


# ------------------------------------------------------------------------------------------- intervals


def _counts(values: object, name: str) -> tuple[np.ndarray, pd.Index | None]:
    index = values.index if isinstance(values, pd.Series) else None
    try:
        arr = np.asarray(values, dtype=float)
    except (ValueError, TypeError) as exc:
        msg = f"sli_interval: {name} must be whole numbers of events; got {reprlib.repr(values)}"
        raise DataError(msg) from exc
    if arr.ndim > 1:
        msg = f"sli_interval: {name} must be a number or a 1-D array of counts, not of shape {arr.shape}"
        raise DataError(msg)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr))
    if bad.any():
        i = int(np.flatnonzero(np.atleast_1d(bad))[0])
        msg = (
            f"sli_interval: {name} {_show(np.atleast_1d(arr)[i])} at position {i} is not a count; "
            "counts are whole numbers >= 0"
        )
        raise DataError(msg)
    return np.atleast_1d(arr), index


def wilson_interval(p: np.ndarray, n: np.ndarray, z: float = 1.959963984540054
                    ) -> tuple[np.ndarray, np.ndarray]:
    r"""Wilson (1927) score interval of proportions ``p`` observed in ``n`` trials (``n`` may be fractional).

    The one implementation of the interval in the package: :func:`sli_interval`, composite SLOs and the
    breach simulation's Monte Carlo error use it.

    Parameters
    ----------
    p : ndarray
        Observed proportions in [0, 1].
    n : ndarray
        Number of trials (> 0); an effective sample size may be fractional.
    z : float
        Standard normal quantile of the two-sided level (1.96 for 95 %).

    Returns
    -------
    lower, upper : ndarray
        Clipped to [0, 1].

    Notes
    -----
    :math:`\frac{p + z^2/2n \pm z\sqrt{p(1-p)/n + z^2/4n^2}}{1 + z^2/n}` (Newcombe 1998, method 3).

    Examples
    --------
    >>> lo, hi = wilson_interval(np.array([0.9]), np.array([100.0]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.8256, 0.9448)
    """
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def sli_interval(
    good: int | Sequence[int] | np.ndarray | pd.Series,
    total: int | Sequence[int] | np.ndarray | pd.Series,
    *,
    confidence: float = 0.95,
    method: IntervalMethod = "wilson",
    target: float | None = None,
) -> pd.DataFrame:
    r"""Confidence interval of a ratio SLI, and the exact test of a miss against the target.

    Parameters
    ----------
    good, total : int, array-like or Series
        Good and total event counts (broadcast against each other).
    confidence : float
        Two-sided confidence level in (0, 1).
    method : {"wilson", "clopper-pearson"}
        ``"wilson"``: score interval without continuity correction (good coverage, never outside [0, 1]);
        ``"clopper-pearson"``: exact interval, conservative (coverage at least ``confidence``).
    target : float, optional
        SLO target in (0, 1); adds ``p_below_target``.

    Returns
    -------
    DataFrame
        One row per count pair (index of ``good``, or ``total``, when a Series):

        * ``good``, ``total`` (int64);
        * ``sli`` (float): ``good / total``;
        * ``lower``, ``upper`` (float): confidence limits of the true SLI;
        * ``p_below_target`` (float, only with ``target``): p-value of the one-sided exact binomial test of
          H0: true SLI >= target against H1: true SLI < target, :math:`P[X \le good]` for
          :math:`X \sim \mathrm{Binomial}(total, target)`. A small value (say < 0.05) says the miss is
          unlikely to be bad luck; a large one that the traffic is too low to tell.

        Where ``total == 0`` there is no data: ``sli``, ``lower``, ``upper`` and ``p_below_target`` are
        ``NaN``.

    Raises
    ------
    DataError
        Counts that are negative or not whole numbers, ``good > total``, shapes that do not broadcast, or
        Series with different indexes.
    ParameterError
        ``method`` unknown, ``confidence`` or ``target`` outside (0, 1).

    Notes
    -----
    With :math:`\hat p = k/n`, :math:`z = \Phi^{-1}((1 + \text{confidence})/2)`:

    * Wilson (1927) score interval, as in Newcombe (1998), method 3:
      :math:`\frac{2n\hat p + z^2 \pm z\sqrt{z^2 + 4n\hat p(1-\hat p)}}{2(n + z^2)}`, with the lower
      limit 0 at :math:`k = 0` and the upper limit 1 at :math:`k = n`;
    * Clopper & Pearson (1934): :math:`B^{-1}(\alpha/2;\,k,\,n-k+1)` and
      :math:`B^{-1}(1-\alpha/2;\,k+1,\,n-k)` (beta quantiles; 0 at :math:`k = 0`, 1 at :math:`k = n`),
      :math:`\alpha = 1 - \text{confidence}`.

    Both match ``scipy.stats.binomtest(k, n).proportion_ci(confidence, method="wilson"|"exact")``, and
    ``p_below_target`` matches ``binomtest(k, n, p=target, alternative="less").pvalue``; Brown, Cai &
    DasGupta (2001) compare the intervals.

    Examples
    --------
    A 98 % day on 100 requests is no evidence of missing a 99 % target; 98.5 % on 10,000 requests is:

    >>> sli_interval([0, 98, 9850], [0, 100, 10000], target=0.99)
       good  total    sli     lower     upper  p_below_target
    0     0      0    NaN       NaN       NaN             NaN
    1    98    100  0.980  0.929988  0.994498        0.264238
    2  9850  10000  0.985  0.982425  0.987203        0.000002
    """
    if method not in INTERVAL_METHODS:
        msg = f"method {method!r} is not one of {', '.join(map(repr, INTERVAL_METHODS))}"
        raise ParameterError(msg)
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        msg = f"confidence {confidence!r} is outside (0, 1): write 95 % as 0.95"
        raise ParameterError(msg)
    if target is not None and (isinstance(target, bool) or not isinstance(target, numbers.Real)
                               or not 0 < target < 1):
        msg = f"target {target!r} is outside (0, 1): write 99.9 % as 0.999"
        raise ParameterError(msg)
    k, k_index = _counts(good, "good")
    n, n_index = _counts(total, "total")
    if k_index is not None and n_index is not None and not k_index.equals(n_index):
        msg = "sli_interval: good and total are Series with different indexes; align them first"
        raise DataError(msg)
    try:
        k, n = np.broadcast_arrays(k, n)
    except ValueError as exc:
        msg = f"sli_interval: good ({len(k)} values) and total ({len(n)} values) have different lengths"
        raise DataError(msg) from exc
    over = k > n
    if over.any():
        i = int(np.flatnonzero(over)[0])
        msg = (
            f"sli_interval: good ({k[i]:.0f}) exceeds total ({n[i]:.0f}) at position {i}; "
            "good events are a subset of all events"
        )
        raise DataError(msg)

    from scipy import special, stats  # lazy: keeps `import slm_analytics` fast

    has = n > 0
    n1 = np.where(has, n, 1.0)
    p = k / n1
    if method == "wilson":
        lower, upper = wilson_interval(p, n1, float(special.ndtri(0.5 + 0.5 * confidence)))
        lower = np.where(k == 0, 0.0, lower)
        upper = np.where(k == n, 1.0, upper)
    else:
        alpha = (1 - confidence) / 2
        lower = np.where(k == 0, 0.0, stats.beta.ppf(alpha, np.where(k == 0, 1.0, k), n1 - k + 1))
        upper = np.where(k >= n1, 1.0, stats.beta.ppf(1 - alpha, k + 1, np.where(k >= n1, 1.0, n1 - k)))
    index = k_index if k_index is not None and len(k_index) == len(k) else (
        n_index if n_index is not None and len(n_index) == len(n) else None)
    out = pd.DataFrame({
        "good": k.astype(np.int64),
        "total": n.astype(np.int64),
        "sli": np.where(has, p, np.nan),
        "lower": np.where(has, lower, np.nan),
        "upper": np.where(has, upper, np.nan),
    }, index=index)
    if target is not None:
        out["p_below_target"] = np.where(has, stats.binom.cdf(k, n1, float(target)), np.nan)
    return out
