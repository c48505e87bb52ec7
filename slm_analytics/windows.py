"""Calendar windows, business-hours schedules, exclusion windows and interval arithmetic.

Every time here is a timezone-aware UTC instant, in and out; local time zones only decide where calendar
periods and business hours are cut. A calendar month in ``Europe/London`` is therefore 743 hours long in
March and 745 hours in October, and business hours 08:00-18:00 in London are 07:00-17:00 UTC in summer.

Intervals are half-open, ``[start, end)``, held in DataFrames with ``start`` and ``end`` columns (plus any
grouping columns, e.g. ``service``). The set operations (:func:`merge_intervals`,
:func:`subtract_intervals`, :func:`intersect_intervals`) treat a group's intervals as the union of them and
return that union's maximal disjoint intervals, sorted; empty intervals (``start == end``) are dropped.

Nothing here reads files, logs or rounds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ._checks import as_utc, check_tz, require_columns, timestamp
from ._checks import duration as as_duration
from .catalog import Catalog, Schedule
from .errors import DataError, DefinitionError, ParameterError

__all__ = [
    "MAX_OCCURRENCES",
    "Recurrence",
    "business_hours_mask",
    "calendar_windows",
    "clip_intervals",
    "exclusion_mask",
    "intersect_intervals",
    "interval_duration",
    "maintenance_windows",
    "merge_intervals",
    "micros",
    "parse_recurrence",
    "recurring_windows",
    "schedule_intervals",
    "subtract_intervals",
]

Period = Literal["week", "month", "quarter"]
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UTC_US = "datetime64[us, UTC]"


# ------------------------------------------------------------------------------------------- helpers


def _range(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    t0, t1 = as_utc(start, "start"), as_utc(end, "end")
    if t1 < t0:
        msg = f"end {t1} is before start {t0}; give start <= end"
        raise ParameterError(msg)
    return t0, t1


def _step(step: str | dt.timedelta | pd.Timedelta) -> int:
    """Convert a bucket length to microseconds."""
    try:
        td = pd.Timedelta(step)
    except (TypeError, ValueError) as exc:
        msg = f"step {step!r} is not a duration; give a pandas offset such as '5min' or '1h'"
        raise ParameterError(msg) from exc
    if td <= pd.Timedelta(0):
        msg = f"step {step!r} must be a positive duration such as '5min'"
        raise ParameterError(msg)
    return int(td / pd.Timedelta(microseconds=1))


def micros(values: pd.Series | pd.Index, what: str) -> np.ndarray:
    """Timezone-aware times as int64 microseconds since the epoch (UTC).

    Raises DataError naming ``what`` when ``values`` are not timezone-aware.
    """
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        msg = f"{what} must hold timezone-aware timestamps (UTC), not {values.dtype}"
        raise DataError(msg)
    if isinstance(values, pd.Index):
        return np.asarray(values.tz_convert(None).as_unit("us").asi8)
    return values.dt.tz_convert(None).dt.as_unit("us").to_numpy().view(np.int64)


def _times(values: np.ndarray) -> pd.Series:
    """int64 microseconds back to a UTC datetime Series."""
    return pd.Series(np.asarray(values, dtype=np.int64).view("datetime64[us]")).dt.tz_localize("UTC")



def _bounds(frame: pd.DataFrame, start: str, end: str, by: tuple[str, ...], what: str):
    """Validate the ``start``/``end`` of an interval frame; return them as int64 microseconds."""
    require_columns(frame, (*by, start, end), what)
    if len(frame) == 0:  # an empty frame may come with any dtype (e.g. built from no rows)
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    s = micros(frame[start], f"{what}: column {start!r}")
    e = micros(frame[end], f"{what}: column {end!r}")
    nat = np.iinfo(np.int64).min
    for name, arr in ((start, s), (end, e)):
        if (arr == nat).any():
            row = int(np.flatnonzero(arr == nat)[0])
            msg = (
                f"{what}: row {row + 1}: {name!r} is missing (NaT); fill open intervals first "
                "(e.g. an ongoing incident ends at the end of the data)"
            )
            raise DataError(msg)
    bad = e < s
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        msg = (
            f"{what}: row {row + 1}: {end!r} ({frame[end].iloc[row]}) is before {start!r} "
            f"({frame[start].iloc[row]}); an interval ends at or after it starts"
        )
        raise DataError(msg)
    return s, e


def _group_codes(frames: list[pd.DataFrame], by: tuple[str, ...]) -> tuple[list[np.ndarray], pd.DataFrame]:
    """Give the rows of several frames common integer group codes (sorted by key); return the key table."""
    sizes = [len(f) for f in frames]
    if not by:
        return [np.zeros(n, dtype=np.int64) for n in sizes], pd.DataFrame(index=range(1))
    keys_all = pd.concat([f[list(by)] for f in frames], ignore_index=True)
    combined = np.zeros(len(keys_all), dtype=np.int64)
    for c in by:  # mixed-radix code of the sorted per-column codes: sorts like the key tuples
        k, u = pd.factorize(keys_all[c], sort=True, use_na_sentinel=False)
        combined = combined * max(len(u), 1) + k
    _, first, codes = np.unique(combined, return_index=True, return_inverse=True)
    keys = keys_all.iloc[first].reset_index(drop=True)
    codes = codes.astype(np.int64).reshape(-1)
    out, at = [], 0
    for n in sizes:
        out.append(codes[at:at + n])
        at += n
    return out, keys


def _merge_arrays(g: np.ndarray, s: np.ndarray, e: np.ndarray):
    """Union of ``[s, e)`` per group ``g``: sorted maximal disjoint intervals (touching ones are joined)."""
    keep = e > s
    g, s, e = g[keep], s[keep], e[keep]
    if len(s) == 0:
        return g, s, e
    order = np.lexsort((s, g))
    g, s, e = g[order], s[order], e[order]
    # furthest end so far within the group: a running max over (group, rank of end) keys, which never
    # carries over from one group to the next because groups are sorted and ranks are below the radix
    uniq_e, rank = np.unique(e, return_inverse=True)
    radix = len(e) + 1
    reach = uniq_e[np.maximum.accumulate(g * radix + rank) - g * radix]
    new = np.ones(len(s), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (s[1:] > reach[:-1])
    idx = np.flatnonzero(new)
    return g[idx], s[idx], np.maximum.reduceat(e, idx)


def _build(keys: pd.DataFrame, g: np.ndarray, s: np.ndarray, e: np.ndarray, by: tuple[str, ...],
           start: str, end: str) -> pd.DataFrame:
    out = keys.iloc[g].reset_index(drop=True) if by else pd.DataFrame(index=range(len(s)))
    out[start] = _times(s)
    out[end] = _times(e)
    return out


# ------------------------------------------------------------------------------------------- intervals


def merge_intervals(
    frame: pd.DataFrame, *, start: str = "start", end: str = "end", by: Iterable[str] = ()
) -> pd.DataFrame:
    """Union of overlapping or touching intervals, per group.

    Parameters
    ----------
    frame : DataFrame
        Intervals ``[start, end)`` (timezone-aware), one per row, with the grouping columns ``by``.
    start, end : str
        Column names of the interval bounds.
    by : iterable of str
        Grouping columns (e.g. ``("service",)``); intervals of different groups are never merged.

    Returns
    -------
    DataFrame
        ``*by, start, end`` (UTC): the maximal disjoint intervals covering the same instants, sorted by group
        then start. Other columns are dropped; empty intervals (``start == end``) disappear.

    Raises
    ------
    DataError
        A missing column, naive timestamps, a missing bound (NaT) or an interval ending before it starts.

    Notes
    -----
    Sort by (group, start); a new interval begins where the start exceeds the running maximum of the ends
    so far in the group. The result is idempotent (merging it again changes nothing) and independent of the
    input's row order.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> maintenance = read_dataset("maintenance")
    >>> merged = merge_intervals(maintenance, by=("service",))
    >>> merged.columns.tolist(), len(merged) <= len(maintenance)
    (['service', 'start', 'end'], True)
    """
    by = tuple(by)
    s, e = _bounds(frame, start, end, by, "merge_intervals")
    (g,), keys = _group_codes([frame], by)
    mg, ms, me = _merge_arrays(g, s, e)
    return _build(keys, mg, ms, me, by, start, end)


def clip_intervals(
    frame: pd.DataFrame, lo: Any, hi: Any, *, start: str = "start", end: str = "end"
) -> pd.DataFrame:
    """Clip intervals to ``[lo, hi)``, dropping those left empty.

    Parameters
    ----------
    frame : DataFrame
        Intervals; other columns are kept.
    lo, hi : Timestamp or str
        Timezone-aware bounds, ``lo <= hi``.
    start, end : str
        Column names of the interval bounds.

    Returns
    -------
    DataFrame
        The rows that overlap ``[lo, hi)``, with ``start``/``end`` clipped to it (UTC); index reset.

    Raises
    ------
    ParameterError
        Naive bounds or ``hi < lo``.
    DataError
        As :func:`merge_intervals`.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"start": pd.to_datetime(["2026-01-01 10:00Z"]),
    ...                   "end": pd.to_datetime(["2026-01-01 14:00Z"])})
    >>> clip_intervals(f, "2026-01-01 12:00Z", "2026-01-02 00:00Z")
                          start                       end
    0 2026-01-01 12:00:00+00:00 2026-01-01 14:00:00+00:00
    """
    t0, t1 = _range(lo, hi)
    s, e = _bounds(frame, start, end, (), "clip_intervals")
    cs = np.maximum(s, t0.asm8.view(np.int64))
    ce = np.minimum(e, t1.asm8.view(np.int64))
    keep = ce > cs
    out = frame.loc[keep].copy().reset_index(drop=True)
    out[start] = _times(cs[keep])
    out[end] = _times(ce[keep])
    return out


def _combine(a: pd.DataFrame, b: pd.DataFrame, by: tuple[str, ...], start: str, end: str,
             keep: Callable[[np.ndarray, np.ndarray], np.ndarray], what: str) -> pd.DataFrame:
    """Sweep the boundaries of union(a) and union(b) per group; keep segments where ``keep(in_a, in_b)``."""
    sa, ea = _bounds(a, start, end, by, f"{what}: a")
    sb, eb = _bounds(b, start, end, by, f"{what}: b")
    (ga, gb), keys = _group_codes([a, b], by)
    ga, sa, ea = _merge_arrays(ga, sa, ea)
    gb, sb, eb = _merge_arrays(gb, sb, eb)
    na, nb = len(sa), len(sb)
    g = np.concatenate([ga, ga, gb, gb])
    t = np.concatenate([sa, ea, sb, eb])
    da = np.concatenate([np.ones(na, np.int64), -np.ones(na, np.int64), np.zeros(2 * nb, np.int64)])
    db = np.concatenate([np.zeros(2 * na, np.int64), np.ones(nb, np.int64), -np.ones(nb, np.int64)])
    order = np.lexsort((t, g))
    g, t = g[order], t[order]
    # each group's events sum to zero, so a global running sum restarts at 0 in every group
    ca, cb = np.cumsum(da[order]), np.cumsum(db[order])
    last = np.ones(len(t), dtype=bool)
    last[:-1] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    g, t, ca, cb = g[last], t[last], ca[last], cb[last]
    seg = keep(ca[:-1] > 0, cb[:-1] > 0) & (g[1:] == g[:-1])
    mg, ms, me = _merge_arrays(g[:-1][seg], t[:-1][seg], t[1:][seg])
    return _build(keys, mg, ms, me, by, start, end)


def subtract_intervals(
    a: pd.DataFrame, b: pd.DataFrame, *, by: Iterable[str] = (), start: str = "start", end: str = "end"
) -> pd.DataFrame:
    """Subtract intervals: the instants of ``a`` not covered by ``b``, per group.

    Parameters
    ----------
    a, b : DataFrame
        Intervals with columns ``*by, start, end``; ``b``'s intervals only remove time from ``a``'s
        intervals of the same group.
    by : iterable of str
        Grouping columns (e.g. ``("service",)``).
    start, end : str
        Column names of the interval bounds (the same in both frames).

    Returns
    -------
    DataFrame
        ``*by, start, end``: union(a) minus union(b), as sorted maximal disjoint intervals.

    Raises
    ------
    DataError
        As :func:`merge_intervals`, for either frame.

    Notes
    -----
    A sweep over the sorted boundaries of both unions: a segment between consecutive boundaries is kept
    when it lies inside ``a`` and outside ``b``. ``subtract_intervals(a, b)`` and
    ``intersect_intervals(a, b)`` partition ``merge_intervals(a)``: their durations add up to its duration.

    Examples
    --------
    >>> import pandas as pd
    >>> t = lambda *s: pd.to_datetime(list(s), utc=True)
    >>> incidents = pd.DataFrame({"start": t("2026-01-01 10:00"), "end": t("2026-01-01 12:00")})
    >>> maintenance = pd.DataFrame({"start": t("2026-01-01 11:00"), "end": t("2026-01-01 11:30")})
    >>> subtract_intervals(incidents, maintenance)
                          start                       end
    0 2026-01-01 10:00:00+00:00 2026-01-01 11:00:00+00:00
    1 2026-01-01 11:30:00+00:00 2026-01-01 12:00:00+00:00
    """
    return _combine(a, b, tuple(by), start, end, lambda x, y: x & ~y, "subtract_intervals")


def intersect_intervals(
    a: pd.DataFrame, b: pd.DataFrame, *, by: Iterable[str] = (), start: str = "start", end: str = "end"
) -> pd.DataFrame:
    """Intersect intervals: the instants covered by both ``a`` and ``b``, per group.

    Parameters
    ----------
    a, b : DataFrame
        Intervals with columns ``*by, start, end``.
    by : iterable of str
        Grouping columns.
    start, end : str
        Column names of the interval bounds (the same in both frames).

    Returns
    -------
    DataFrame
        ``*by, start, end``: union(a) intersected with union(b), as sorted maximal disjoint intervals.

    Raises
    ------
    DataError
        As :func:`merge_intervals`, for either frame.

    Examples
    --------
    >>> import pandas as pd
    >>> t = lambda *s: pd.to_datetime(list(s), utc=True)
    >>> a = pd.DataFrame({"start": t("2026-01-01 10:00"), "end": t("2026-01-01 12:00")})
    >>> b = pd.DataFrame({"start": t("2026-01-01 11:00"), "end": t("2026-01-01 13:00")})
    >>> intersect_intervals(a, b)
                          start                       end
    0 2026-01-01 11:00:00+00:00 2026-01-01 12:00:00+00:00
    """
    return _combine(a, b, tuple(by), start, end, lambda x, y: x & y, "intersect_intervals")


def interval_duration(frame: pd.DataFrame, *, start: str = "start", end: str = "end") -> pd.Series:
    """Length of each interval, ``end - start``.

    Parameters
    ----------
    frame : DataFrame
        Intervals.
    start, end : str
        Column names of the interval bounds.

    Returns
    -------
    Series
        ``Timedelta`` per row, with the frame's index.

    Raises
    ------
    DataError
        As :func:`merge_intervals`.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> interval_duration(read_dataset("maintenance")).iloc[0]
    Timedelta('0 days 01:30:00')
    """
    _bounds(frame, start, end, (), "interval_duration")
    if len(frame) == 0:
        return pd.Series([], index=frame.index, dtype="timedelta64[us]", name="duration")
    return (frame[end] - frame[start]).rename("duration")


# ------------------------------------------------------------------------------------------- calendar


def _localize(naive: pd.DatetimeIndex, tz: str, *, first: bool) -> pd.DatetimeIndex:
    """Convert local wall-clock times to UTC (repeated: first or last occurrence; skipped: forward)."""
    # localise both ways and pick the earlier (later) instant, rather than trusting the "is DST" flag,
    # which is inverted in zones with negative DST such as Europe/Dublin
    one = np.ones(len(naive), dtype=bool)
    a = naive.tz_localize(tz, ambiguous=one, nonexistent="shift_forward").as_unit("us").asi8
    b = naive.tz_localize(tz, ambiguous=~one, nonexistent="shift_forward").as_unit("us").asi8
    pick = np.minimum(a, b) if first else np.maximum(a, b)
    return pd.DatetimeIndex(pick.view("datetime64[us]")).tz_localize("UTC")


def calendar_windows(start: Any, end: Any, *, period: Period, tz: str = "UTC") -> pd.DataFrame:
    """List the calendar weeks, months or quarters overlapping ``[start, end)``, cut at midnight in ``tz``.

    Parameters
    ----------
    start, end : Timestamp or str
        Timezone-aware range, ``start <= end``.
    period : {"week", "month", "quarter"}
        Calendar period; weeks start on Monday, quarters in January, April, July and October.
    tz : str
        IANA time zone whose midnights cut the periods.

    Returns
    -------
    DataFrame
        ``window_start, window_end`` (UTC): whole periods (not clipped to the range), in order; empty when
        ``start == end``.

    Raises
    ------
    ParameterError
        Unknown period or time zone, naive times, ``end < start``.

    Notes
    -----
    Boundaries are local midnights converted to UTC, so a period's length in hours follows the local clock:
    March 2026 in Europe/London is 743 hours (clocks go forward on the 29th) and October 2026 is 745. A
    midnight that does not exist locally moves forward to the first valid instant; a repeated one is taken
    at its first occurrence.

    Examples
    --------
    >>> import pandas as pd
    >>> w = calendar_windows("2026-03-10T00:00Z", "2026-04-10T00:00Z", period="month", tz="Europe/London")
    >>> w
                   window_start                window_end
    0 2026-03-01 00:00:00+00:00 2026-03-31 23:00:00+00:00
    1 2026-03-31 23:00:00+00:00 2026-04-30 23:00:00+00:00
    >>> ((w["window_end"] - w["window_start"]) / pd.Timedelta(hours=1)).tolist()
    [743.0, 720.0]
    """
    if period not in PERIODS:
        msg = f"period {period!r} is not a calendar period; expected one of {', '.join(PERIODS)}"
        raise ParameterError(msg)
    check_tz(tz)
    t0, t1 = _range(start, end)
    empty = pd.DataFrame({"window_start": pd.Series([], dtype=_UTC_US),
                          "window_end": pd.Series([], dtype=_UTC_US)})
    if t1 == t0:
        return empty
    local0 = t0.tz_convert(tz).tz_localize(None).normalize()
    local1 = t1.tz_convert(tz).tz_localize(None)
    if period == "week":
        first, freq = local0 - pd.Timedelta(days=local0.weekday()), "7D"
    elif period == "month":
        first, freq = local0.replace(day=1), "MS"
    else:
        first, freq = local0.replace(month=3 * ((local0.month - 1) // 3) + 1, day=1), "QS-JAN"
    edges = pd.date_range(first, local1 + pd.Timedelta(days=100), freq=freq, unit="us")
    utc = _localize(edges, tz, first=True)
    ws, we = utc[:-1], utc[1:]
    keep = (we > t0) & (ws < t1)
    return pd.DataFrame({"window_start": ws[keep], "window_end": we[keep]}).reset_index(drop=True)


# ------------------------------------------------------------------------------------------- schedules


def _as_schedule(schedule: Schedule | Mapping[str, Any]) -> Schedule:
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, Mapping):
        try:
            return Schedule.model_validate(dict(schedule))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'schedule'}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors(include_url=False)
            )
            msg = f"invalid schedule {schedule.get('name', '?')!r}: {problems}"
            raise DefinitionError(msg) from None
    msg = f"schedule must be a catalog Schedule (or a mapping of its fields), not {type(schedule).__name__}"
    raise ParameterError(msg)


def _check_holiday_years(schedule: Schedule, t0: pd.Timestamp, t1: pd.Timestamp) -> None:
    if not schedule.holidays or t1 <= t0:
        return
    listed = sorted({d.year for d in schedule.holidays})
    y0 = t0.tz_convert(schedule.timezone).year
    y1 = (t1 - pd.Timedelta(microseconds=1)).tz_convert(schedule.timezone).year
    missing = [y for y in range(y0, y1 + 1) if y not in listed]
    if missing:
        msg = (
            f"schedule {schedule.name!r} lists holidays for {', '.join(map(str, listed))} only, but "
            f"[{t0}, {t1}) reaches {', '.join(map(str, missing))}: holidays outside the schedule's years are "
            "unknown, not absent; add that year's holidays to the schedule or shorten the range"
        )
        raise DefinitionError(msg)


def _hhmm(value: str) -> pd.Timedelta:
    hours, minutes = value.split(":")
    return pd.Timedelta(hours=int(hours), minutes=int(minutes))


def schedule_intervals(schedule: Schedule | Mapping[str, Any], start: Any, end: Any) -> pd.DataFrame:
    """List the business-hours intervals of a schedule within ``[start, end)``.

    Parameters
    ----------
    schedule : Schedule or mapping
        A catalog schedule (``catalog.schedule(name)``), or a mapping of its fields, validated here.
    start, end : Timestamp or str
        Timezone-aware range, ``start <= end``.

    Returns
    -------
    DataFrame
        ``start, end`` (UTC): sorted disjoint business-hours intervals, clipped to ``[start, end)``. Blocks
        that touch (``09:00-12:00`` and ``12:00-18:00``, or a day ending ``24:00`` and the next starting
        ``00:00``) are joined.

    Raises
    ------
    DefinitionError
        An invalid schedule mapping (unknown time zone, overlapping hours...), or a schedule that lists
        holidays while ``[start, end)`` reaches a (local) calendar year for which it lists none: holidays
        outside the schedule's years are unknown, not absent.
    ParameterError
        Naive times or ``end < start``.

    Notes
    -----
    Opening and closing times are local wall-clock times, converted to UTC day by day, so the UTC hours move
    at daylight-saving changes. A local time that occurs twice (clocks going back) opens at its first and
    closes at its second occurrence; one that does not exist (clocks going forward) moves forward to the
    first valid instant. Holidays remove the whole local day (ServiceNow schedule semantics).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> uk = read_dataset("catalog").schedule("uk-business-hours")
    >>> schedule_intervals(uk, "2026-03-27T00:00Z", "2026-03-31T00:00Z")
                          start                       end
    0 2026-03-27 08:00:00+00:00 2026-03-27 18:00:00+00:00
    1 2026-03-30 07:00:00+00:00 2026-03-30 17:00:00+00:00
    """
    schedule = _as_schedule(schedule)
    t0, t1 = _range(start, end)
    _check_holiday_years(schedule, t0, t1)
    tz = schedule.timezone
    first = t0.tz_convert(tz).tz_localize(None).normalize() - pd.Timedelta(days=1)
    last = t1.tz_convert(tz).tz_localize(None).normalize() + pd.Timedelta(days=1)
    days = pd.date_range(first, last, freq="D", unit="us")
    holidays = pd.DatetimeIndex(pd.to_datetime(list(schedule.holidays))).as_unit("us") if schedule.holidays \
        else pd.DatetimeIndex([], dtype="datetime64[us]")
    workday = ~days.isin(holidays)
    dow = days.day_of_week
    opens, closes = [], []
    for block in schedule.hours:  # a handful of blocks; the days are vectorised
        on = np.isin(dow, [_DAYS.index(d) for d in block.days]) & workday
        opens.append(days[on] + _hhmm(block.start))
        closes.append(days[on] + _hhmm(block.end))
    s = _localize(pd.DatetimeIndex(np.concatenate([o.to_numpy() for o in opens])), tz, first=True)
    e = _localize(pd.DatetimeIndex(np.concatenate([c.to_numpy() for c in closes])), tz, first=False)
    lo, hi = t0.asm8.view(np.int64), t1.asm8.view(np.int64)
    si = np.maximum(s.asi8, lo)
    ei = np.minimum(e.asi8, hi)
    g, ms, me = _merge_arrays(np.zeros(len(si), dtype=np.int64), si, ei)
    return pd.DataFrame({"start": _times(ms), "end": _times(me)})


def _as_micros(timestamps: Any, what: str) -> np.ndarray:
    if isinstance(timestamps, pd.Series | pd.Index):
        return micros(timestamps, what)
    arr = pd.DatetimeIndex(timestamps) if not isinstance(timestamps, np.ndarray) or timestamps.size else \
        pd.DatetimeIndex([], tz="UTC")
    return micros(arr, what)


def business_hours_mask(
    timestamps: pd.Series | pd.DatetimeIndex,
    schedule: Schedule | Mapping[str, Any],
    *,
    step: str | dt.timedelta | pd.Timedelta = "5min",
) -> np.ndarray:
    """Whether each bucket ``[t, t + step)`` is in the schedule's business hours.

    Parameters
    ----------
    timestamps : Series or DatetimeIndex
        Bucket start times (timezone-aware), in any order, repeats allowed.
    schedule : Schedule or mapping
        A catalog schedule.
    step : str or timedelta
        Bucket length; it only extends the range of schedule intervals to the end of the last bucket.

    Returns
    -------
    ndarray of bool
        One value per timestamp: ``True`` when the bucket's start lies inside a business-hours interval
        (``interval.start <= t < interval.end``). A bucket straddling opening or closing time counts when it
        starts inside; with opening hours on the bucket grid (e.g. ``HH:M0``/``HH:M5`` for 5-minute buckets)
        no bucket straddles.

    Raises
    ------
    DataError
        Timestamps that are not timezone-aware.
    DefinitionError
        As :func:`schedule_intervals` (e.g. timestamps in a year without listed holidays).
    ParameterError
        A step that is not a positive duration.

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset
    >>> kr = read_dataset("catalog").schedule("kr-business-hours")
    >>> t = pd.date_range("2026-01-05 23:55", periods=3, freq="5min", tz="UTC")  # 08:55-09:05 in Seoul
    >>> business_hours_mask(t, kr).tolist()
    [False, True, True]
    """
    step_us = _step(step)
    t = _as_micros(timestamps, "timestamps")
    if len(t) == 0:
        return np.zeros(0, dtype=bool)
    lo, hi = _times(np.array([t.min(), t.max() + step_us]))
    iv = schedule_intervals(schedule, lo, hi)
    s, e = micros(iv["start"], "start"), micros(iv["end"], "end")
    if len(s) == 0:
        return np.zeros(len(t), dtype=bool)
    pos = np.searchsorted(s, t, side="right") - 1  # last interval opening at or before t
    return (pos >= 0) & (t < e[np.maximum(pos, 0)])


# ------------------------------------------------------------------------------------------- exclusions


def _overlaps(t: np.ndarray, step_us: int, ws: np.ndarray, we: np.ndarray) -> np.ndarray:
    """Whether ``[t, t + step)`` overlaps one of the sorted disjoint windows ``[ws, we)``."""
    idx = np.searchsorted(we, t, side="right")  # first window ending after t
    hit = idx < len(we)
    hit[hit] = ws[idx[hit]] < t[hit] + step_us
    return hit


def exclusion_mask(
    frame: pd.DataFrame,
    exclusions: pd.DataFrame,
    *,
    timestamp: str = "timestamp",
    service: str = "service",
    step: str | dt.timedelta | pd.Timedelta = "5min",
) -> np.ndarray:
    """Whether each row's bucket overlaps an exclusion window of its service.

    Exclusion windows are periods removed from measurement altogether, from both numerator and denominator:
    planned maintenance in SLA terms, "status corrections" in Datadog, "budget adjustments" in Nobl9. This
    function only finds the rows; the caller drops them.

    Parameters
    ----------
    frame : DataFrame
        Bucket rows with a bucket start time and a service (e.g. SLI counts).
    exclusions : DataFrame
        Windows with columns ``service``, ``start``, ``end`` (timezone-aware), e.g.
        ``read_dataset("maintenance")``; overlapping windows are allowed.
    timestamp, service : str
        Columns of ``frame`` holding the bucket start and the service (``exclusions`` always uses
        ``service``).
    step : str or timedelta
        Bucket length.

    Returns
    -------
    ndarray of bool
        One value per row of ``frame``: ``True`` when ``[t, t + step)`` overlaps a window ``[start, end)`` of
        the same service (``start < t + step`` and ``end > t``), so a partly covered bucket is excluded
        whole.

    Raises
    ------
    DataError
        A missing column, naive timestamps, a window without a bound or ending before it starts.
    ParameterError
        A step that is not a positive duration.

    Notes
    -----
    Vectorised per service: the windows are merged, then each bucket start is located with one
    ``searchsorted`` against the sorted window ends.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, maintenance = read_dataset("sli_5min"), read_dataset("maintenance")
    >>> mask = exclusion_mask(sli, maintenance)
    >>> int(mask.sum()), sorted(sli.loc[mask, "service"].unique())
    (2136, ['data-pipeline', 'email', 'payments', 'reporting'])
    """
    step_us = _step(step)
    require_columns(frame, (timestamp, service), "exclusion_mask: frame")
    require_columns(exclusions, ("service", "start", "end"), "exclusion_mask: exclusions")
    t = micros(frame[timestamp], f"exclusion_mask: column {timestamp!r}")
    out = np.zeros(len(frame), dtype=bool)
    if len(exclusions) == 0 or len(frame) == 0:
        return out
    merged = merge_intervals(exclusions, by=("service",))
    col = frame[service]
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, names = col.cat.codes.to_numpy(), pd.Index(col.cat.categories.astype(str))
    else:
        codes, uniques = pd.factorize(col)
        names = pd.Index(np.asarray(uniques).astype(str))
    ms, me = micros(merged["start"], "start"), micros(merged["end"], "end")
    svc = merged["service"].astype(str).to_numpy()
    bounds = np.flatnonzero(np.r_[True, svc[1:] != svc[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # one pass per service with windows
        code = names.get_indexer([svc[a]])[0]
        if code < 0:
            continue
        rows = np.flatnonzero(codes == code)
        out[rows] = _overlaps(t[rows], step_us, ms[a:b], me[a:b])
    return out


# ------------------------------------------------------------------------------------------- recurrence

#: most occurrences one expansion may list: a typo such as FREQ=SECONDLY would otherwise run for minutes
MAX_OCCURRENCES = 100_000
#: how far after DTSTART a rule must produce its first occurrence (a rule such as "every 30 February" never
#: does, and dateutil would search up to the year 9999 to find out)
_FIRST_WITHIN = pd.DateOffset(years=10)
_LINE = re.compile(r"^(DTSTART|RRULE|EXDATE|RDATE)((?:;[A-Z-]+=[^:;]*)*):(.*)$", re.IGNORECASE)
_TIME = re.compile(r"^\d{8}(?:T\d{6}Z?)?$")
_RULE_EXAMPLE = "write it like 'FREQ=WEEKLY;BYDAY=SU' or 'RRULE:FREQ=DAILY;COUNT=5' (RFC 5545, 3.3.10)"


def _wall(value: Any, tz: str) -> pd.Timestamp:
    """Naive wall-clock time in ``tz`` of a time: naive values are wall time already, aware ones convert."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(tz).tz_localize(None)
    return ts.as_unit("us")


def _instant(wall: pd.Timestamp, tz: str) -> pd.Timestamp:
    """UTC instant of a wall-clock time in ``tz`` (a gap: shifted forward; a fold: the first)."""
    return _localize(pd.DatetimeIndex([wall]).as_unit("us"), tz, first=True)[0]


def _rule_error(rule: str, problem: str) -> ParameterError:
    """Build a ParameterError about ``rule``; every such message starts with ``rule '<text>' ``."""
    shown = rule if len(rule) <= 200 else rule[:200] + "..."
    return ParameterError(f"rule {shown!r} {problem}")


def _rfc_time(rule: str, value: str, params: str, what: str) -> pd.Timestamp:
    """Read an RFC 5545 date or date-time: naive (floating, wall time), or aware (``Z`` or ``TZID=``)."""
    if not _TIME.match(value):
        raise _rule_error(rule, f"has {what} {value!r}, which is not an RFC 5545 date or date-time; write it "
                                "like 20261231T235959Z (UTC), 20261231T235959 (local) or 20261231")
    text = value.upper().rstrip("Z")
    ts = pd.Timestamp(dt.datetime.strptime(text, "%Y%m%d" if len(text) == 8 else "%Y%m%dT%H%M%S"))
    tzid = next((p.split("=", 1)[1] for p in params.split(";") if p.upper().startswith("TZID=")), None)
    if value.upper().endswith("Z"):
        return ts.tz_localize("UTC")
    if tzid is not None:
        try:
            return _instant(ts, check_tz(tzid))
        except ParameterError as exc:
            raise _rule_error(rule, f"has {what} with {exc}") from None
    return ts


def _parse_rule(rule: str) -> dict[str, Any]:
    """Split a rule into its RRULE (UNTIL apart), DTSTART, EXDATE and RDATE times, checking each line."""
    if not isinstance(rule, str) or not rule.strip():
        raise _rule_error(str(rule), f"is empty; {_RULE_EXAMPLE}")
    out: dict[str, Any] = {"rrule": None, "until": None, "counted": False, "dtstart": None, "exdate": [],
                           "rdate": []}
    for token in rule.split():  # as dateutil's rrulestr: lines may also be separated by spaces
        m = _LINE.match(token if ":" in token or "=" not in token else f"RRULE:{token}")
        if m is None:
            raise _rule_error(rule, f"has {token!r}, which is not an RRULE, DTSTART, EXDATE or RDATE line; "
                                    f"{_RULE_EXAMPLE}")
        name, params, body = m.group(1).upper(), m.group(2), m.group(3)
        if name in ("DTSTART", "RRULE") and out[name.lower()] is not None:
            raise _rule_error(rule, f"has more than one {name}; give one (RFC 5545 deprecates several)")
        if name == "DTSTART":
            out["dtstart"] = _rfc_time(rule, body, params, "DTSTART")
        elif name in ("EXDATE", "RDATE"):
            out[name.lower()] += [_rfc_time(rule, v, params, name) for v in body.split(",")]
        else:
            parts = [p.partition("=") for p in body.split(";") if p]
            keys = [k.upper() for k, _, _ in parts]
            if "FREQ" not in keys:
                raise _rule_error(rule, f"has no FREQ (how often it recurs); {_RULE_EXAMPLE}")
            if "COUNT" in keys and "UNTIL" in keys:
                raise _rule_error(rule, "has both COUNT and UNTIL; RFC 5545 allows one of them: keep the one "
                                        "you mean")
            out["counted"] = "COUNT" in keys
            until = [v for k, _, v in parts if k.upper() == "UNTIL"]
            out["until"] = _rfc_time(rule, until[0], "", "UNTIL") if until else None
            out["rrule"] = ";".join(f"{k}={v}" for k, _, v in parts if k.upper() != "UNTIL")
    if out["rrule"] is None:
        raise _rule_error(rule, f"has no RRULE; {_RULE_EXAMPLE}")
    return out


@dataclass(frozen=True, repr=False)
class Recurrence:
    """A recurring window: an RFC 5545 recurrence rule, its first start, a time zone and a duration.

    Built by :func:`parse_recurrence`, which checks the rule; :meth:`windows` lists the occurrences as
    ``[start, end)`` intervals. Occurrences recur in local wall-clock time (``02:00`` every Sunday stays
    ``02:00`` in ``tz`` across daylight-saving changes) and last ``duration`` of elapsed time.

    Attributes
    ----------
    rule : str
        The rule as given.
    tz : str
        IANA time zone of the wall clock the rule recurs in.
    dtstart : Timestamp
        DTSTART as naive wall-clock time in ``tz``: the time of day of the occurrences (unless the rule's
        BYHOUR/BYMINUTE say otherwise) and the earliest time the rule may produce.
    duration : Timedelta
        Length of each occurrence.
    ends : bool
        Whether the rule stops by itself (``COUNT`` or ``UNTIL``); otherwise it recurs for ever.
    first : Timestamp
        Start of the first occurrence (UTC).
    stop : Timestamp or None
        The rule's ``UNTIL`` (UTC; a local ``UNTIL`` is wall-clock time in ``tz``): the last possible start.
    """

    rule: str
    tz: str
    dtstart: pd.Timestamp
    duration: pd.Timedelta
    ends: bool
    first: pd.Timestamp
    stop: pd.Timestamp | None
    rrule: str  # the RRULE without UNTIL (applied apart, to UTC instants)
    counted: bool  # the RRULE has COUNT
    rdates: tuple[dt.datetime, ...]  # extra and skipped starts, wall-clock time in tz
    exdates: tuple[dt.datetime, ...]

    def __repr__(self) -> str:
        return (f"Recurrence({self.rule!r}, from {self.dtstart:%Y-%m-%d %H:%M} {self.tz}, lasting "
                f"{self.duration}, {'ending' if self.ends else 'for ever'})")

    def _occurrences(self, lo: pd.Timestamp, hi: pd.Timestamp | None, limit: int) -> list[dt.datetime]:
        """Wall-clock starts from ``lo`` to ``hi`` (to the end when None), the first ``limit + 1`` of them."""
        from dateutil.rrule import rrulestr

        if self.stop is not None:  # stop at UNTIL (a day after: wall time vs UTC); exactly, in windows()
            cap = _wall(self.stop, self.tz) + pd.Timedelta(days=1)
            hi = cap if hi is None else min(hi, cap)
        try:
            rule = rrulestr(self.rrule, dtstart=self.dtstart.to_pydatetime())
            if hi is not None and not self.counted:  # or dateutil searches an empty range up to year 9999
                rule = rule.replace(until=hi.to_pydatetime())
            walls = rule.xafter(lo.to_pydatetime(), inc=True)
            if hi is not None:
                walls = itertools.takewhile(lambda d: d <= hi, walls)
            found = list(itertools.islice(walls, limit + 1))
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            problem = f"is not an RFC 5545 recurrence rule ({exc}); {_RULE_EXAMPLE}"
            raise _rule_error(self.rule, problem) from None
        if self.rdates or self.exdates:
            found += [d for d in self.rdates if d >= lo and (hi is None or d <= hi)]
            found = sorted(set(found) - set(self.exdates))[:limit + 1]
        return found

    def _starts(self, walls: list[dt.datetime]) -> np.ndarray:
        """UTC microseconds of wall-clock starts (gap: shifted forward; fold: first), sorted, unique."""
        if not walls:
            return np.zeros(0, dtype=np.int64)
        naive = pd.DatetimeIndex(walls).as_unit("us")
        return np.unique(_localize(naive, self.tz, first=True).asi8)

    def until(self, value: Any) -> pd.Timestamp:
        """Check an end of the recurrence (RFC 5545 ``UNTIL``) given apart from the rule; return it in UTC.

        Parameters
        ----------
        value : Timestamp or str
            The last possible start of an occurrence; naive values are wall-clock time in ``tz``.

        Returns
        -------
        Timestamp
            ``value`` in UTC.

        Raises
        ------
        ParameterError
            The rule has ``COUNT`` or ``UNTIL`` already, or ``value`` is before the first occurrence.
        """
        stop = _instant(_wall(timestamp(value, "until"), self.tz), self.tz)
        if self.ends:
            raise _rule_error(self.rule, "ends by itself (COUNT or UNTIL) and an end (until) is given too; "
                                         "give the end of the recurrence once")
        if stop < self.first:
            raise _rule_error(self.rule, f"has no occurrence before its end {stop:%Y-%m-%d %H:%M} UTC: its "
                                         f"first occurrence starts {self.first:%Y-%m-%d %H:%M} UTC")
        return stop

    def windows(self, start: Any = None, end: Any = None, *, until: Any = None) -> pd.DataFrame:
        """List the occurrences overlapping ``[start, end)``, or all of them for a rule that ends.

        Parameters
        ----------
        start, end : Timestamp or str, optional
            Timezone-aware period to list (both or neither). Required unless the rule ends (``COUNT``,
            ``UNTIL`` or ``until``).
        until : Timestamp or str, optional
            Last possible start of an occurrence (RFC 5545 ``UNTIL``, inclusive), for a rule without
            ``COUNT`` or ``UNTIL``; naive values are wall-clock time in ``tz``.

        Returns
        -------
        DataFrame
            ``start, end`` (``datetime64[us, UTC]``): whole occurrences (not clipped to the period), sorted.

        Raises
        ------
        ParameterError
            Only one of ``start``/``end``; a rule that never ends and no period; ``until`` with a rule that
            has ``COUNT``/``UNTIL``, or before the first occurrence; occurrences that overlap (a duration
            longer than the time between two starts); more than :data:`MAX_OCCURRENCES` occurrences.
        """
        if (start is None) != (end is None):
            msg = f"give both start and end (the period to list) or neither; got start={start!r}, end={end!r}"
            raise ParameterError(msg)
        span = _range(start, end) if start is not None else None
        stop = self.stop if until is None else self.until(until)
        if span is None and stop is None and not self.ends:
            raise _rule_error(self.rule, "never ends (no COUNT or UNTIL): give the period to list (start= "
                                         "and end=), or end the rule")
        day = pd.Timedelta(days=1)  # margin for UTC offsets and their changes between wall time and UTC
        lo, hi = self.dtstart, None
        if span is not None:
            lo = max(lo, _wall(span[0] - self.duration, self.tz) - day)
            hi = _wall(span[1], self.tz) + day
        if stop is not None:
            hi = _wall(stop, self.tz) + day if hi is None else min(hi, _wall(stop, self.tz) + day)
        walls = self._occurrences(lo, hi, MAX_OCCURRENCES)
        if len(walls) > MAX_OCCURRENCES:
            raise _rule_error(self.rule, f"gives more than {MAX_OCCURRENCES:,} occurrences from "
                                         f"{lo:%Y-%m-%d %H:%M}" + (f" to {hi:%Y-%m-%d %H:%M}" if hi else "")
                              + f" ({self.tz}); check FREQ and INTERVAL, or list a shorter period")
        s = self._starts(walls)
        length = int(self.duration / pd.Timedelta(microseconds=1))
        if stop is not None:
            s = s[s <= stop.value // 1000]
        self._check_overlap(s, length)
        e = s + length
        if span is not None:
            keep = (s < span[1].value // 1000) & (e > span[0].value // 1000)
            s, e = s[keep], e[keep]
        return pd.DataFrame({"start": _times(s), "end": _times(e)})

    def _check_overlap(self, s: np.ndarray, length: int) -> None:
        gaps = np.diff(s)
        if (gaps < length).any():
            i = int(np.flatnonzero(gaps < length)[0])
            a, b = _times(s[i:i + 2])
            raise _rule_error(self.rule, f"gives overlapping windows: the one starting {a:%Y-%m-%d %H:%M} "
                                         f"UTC lasts {self.duration} but the next starts {b:%Y-%m-%d %H:%M} "
                                         "UTC; shorten the duration below the time between two occurrences")



#: the most days each month can have (February: in a leap year)
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_exist(rule: str, rrule: str) -> None:
    """Refuse BYMONTHDAY days that no BYMONTH month has (30 February): dateutil would search to year 9999."""
    parts = dict(p.split("=", 1) for p in rrule.upper().removeprefix("RRULE:").split(";") if "=" in p)
    try:
        days = [int(d) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
        months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else list(range(1, 13))
    except ValueError:
        return  # dateutil reports the bad value
    longest = max((_MONTH_DAYS[m - 1] for m in months if 1 <= m <= 12), default=31)
    if days and all(abs(d) > longest for d in days):
        raise _rule_error(rule, f"never occurs: no month of BYMONTH={parts.get('BYMONTH', '1-12')} has day "
                                f"{parts['BYMONTHDAY']} (the longest has {longest} days)")


def parse_recurrence(
    rule: str, *, duration: str | dt.timedelta | pd.Timedelta, tz: str = "UTC", dtstart: Any = None
) -> Recurrence:
    """Check an RFC 5545 recurrence rule and return it ready to list its windows.

    Parameters
    ----------
    rule : str
        One RRULE (``"FREQ=WEEKLY;BYDAY=SU"``, with or without the ``RRULE:`` prefix), optionally with a
        ``DTSTART`` line and ``EXDATE`` (skipped starts) or ``RDATE`` (extra starts) lines, separated by
        newlines or spaces. The RRULE is python-dateutil's ``rrulestr`` syntax; times in the other lines
        are RFC 5545 dates or date-times: UTC (``...Z``), in a ``TZID=`` zone, or local (wall-clock time in
        ``tz``). Several RRULEs and EXRULE, deprecated by RFC 5545, are refused.
    duration : str or timedelta
        Length of each occurrence: an OpenSLO duration (``"1h"``, ``"90m"``) or a timedelta; elapsed time.
    tz : str
        IANA time zone whose wall clock the rule recurs in.
    dtstart : Timestamp or str, optional
        The first occurrence's start (RFC 5545 DTSTART); naive values are wall-clock time in ``tz``, aware
        ones are converted to it. Required unless the rule has a ``DTSTART`` line; when both are given they
        must name the same wall-clock time.

    Returns
    -------
    Recurrence

    Raises
    ------
    ParameterError
        A rule dateutil cannot read (no FREQ, unknown part, bad value), a line other than those above, both
        COUNT and UNTIL, a time that is not an RFC 5545 date or date-time, a DTSTART missing or differing
        from ``dtstart``, a rule without any occurrence in the ten years from its start (for a rule that
        can never occur, dateutil's search may take seconds), an unknown time zone, a duration that is not
        positive. Messages about the rule start with ``rule '<rule>'``.

    Notes
    -----
    RFC 5545 leaves a DTSTART that does not match the rule undefined; here (as in dateutil) the first
    occurrence is the first time matching the rule at or after DTSTART. Occurrences are generated in local
    wall-clock time and converted to UTC; a wall-clock start that does not exist (clocks going forward) is
    shifted forward to the first valid instant (pandas' ``nonexistent="shift_forward"``: 01:30 on
    2026-03-29 in London starts at 02:00 BST, 01:00 UTC) and one that occurs twice (clocks going back) is
    taken at its first occurrence (01:30 on 2026-10-25 in London is 01:30 BST, 00:30 UTC), as business hours
    are. Two occurrences that land on the same instant this way are one window. ``UNTIL`` is compared with
    the occurrences' UTC instants (a local ``UNTIL`` is wall-clock time in ``tz``), inclusive. The duration
    is elapsed time, so a 1-hour window starting 01:30 BST on 2026-10-25 ends 01:30 GMT.

    Examples
    --------
    >>> r = parse_recurrence("FREQ=WEEKLY;BYDAY=SU;COUNT=3", duration="1h", tz="Europe/London",
    ...                      dtstart="2026-03-22 02:00")
    >>> r.ends, r.first
    (True, Timestamp('2026-03-22 02:00:00+0000', tz='UTC'))
    >>> r.windows()  # 02:00 GMT, then 02:00 BST from 29 March
                          start                       end
    0 2026-03-22 02:00:00+00:00 2026-03-22 03:00:00+00:00
    1 2026-03-29 01:00:00+00:00 2026-03-29 02:00:00+00:00
    2 2026-04-05 01:00:00+00:00 2026-04-05 02:00:00+00:00
    """
    check_tz(tz)
    length = _length(duration)
    parts = _parse_rule(rule)
    _days_exist(rule, parts["rrule"])
    if dtstart is None and parts["dtstart"] is None:
        raise _rule_error(rule, "has no start: give dtstart (the first occurrence's start, wall-clock time "
                                "in tz) or a DTSTART line")
    given = None if dtstart is None else _wall(timestamp(dtstart, "dtstart"), tz)
    own = None if parts["dtstart"] is None else _wall(parts["dtstart"], tz)
    if given is not None and own is not None and given != own:
        raise _rule_error(rule, f"starts at {own:%Y-%m-%d %H:%M:%S} ({tz}) by its DTSTART but the start "
                                f"given is {given:%Y-%m-%d %H:%M:%S}; give the first occurrence once (drop "
                                "DTSTART from the rule, or make them agree)")
    wall = given if given is not None else own
    until = parts["until"]
    stop = None if until is None else until.tz_convert("UTC") if until.tzinfo else _instant(until, tz)
    fields = {"rule": rule, "tz": tz, "dtstart": wall, "duration": length, "ends": parts["counted"] or
              stop is not None, "stop": stop, "rrule": parts["rrule"], "counted": parts["counted"],
              "rdates": tuple(_wall(t, tz).to_pydatetime() for t in parts["rdate"]),
              "exdates": tuple(_wall(t, tz).to_pydatetime() for t in parts["exdate"])}
    probe = Recurrence(first=pd.Timestamp(0, tz="UTC"), **fields)
    first = probe._starts(probe._occurrences(wall, wall + _FIRST_WITHIN, 0))
    if stop is not None:
        first = first[first <= stop.value // 1000]
    if not len(first):
        raise _rule_error(rule, f"has no occurrence in the ten years from {wall:%Y-%m-%d %H:%M} ({tz}); "
                                "check its BYxxx parts, UNTIL and COUNT")
    return Recurrence(first=_times(first[:1])[0], **fields)


def _length(value: Any) -> pd.Timedelta:
    """Return a window's length: an OpenSLO duration or a timedelta, positive."""
    if isinstance(value, str) and value.strip() in ("week", "month", "quarter"):
        msg = f"duration {value!r} is a calendar period; a window lasts a fixed time such as '1h' or '90m'"
        raise ParameterError(msg)
    return as_duration(value, "duration")


def recurring_windows(
    rule: str,
    *,
    duration: str | dt.timedelta | pd.Timedelta,
    tz: str = "UTC",
    dtstart: Any = None,
    until: Any = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """List the windows of a recurring exclusion (an RFC 5545 RRULE) over a period.

    Teams announce maintenance as "every Sunday 02:00-03:00 Europe/London": that is
    ``recurring_windows("FREQ=WEEKLY;BYDAY=SU", dtstart="2026-01-04 02:00", duration="1h",
    tz="Europe/London", start=..., end=...)``. The result has the shape of the other interval helpers and
    goes where exclusion windows go (:func:`exclusion_mask`, :func:`subtract_intervals`...) once given a
    ``service`` column.

    Parameters
    ----------
    rule, duration, tz, dtstart
        As :func:`parse_recurrence`.
    until : Timestamp or str, optional
        As :meth:`Recurrence.windows`.
    start, end : Timestamp or str, optional
        Timezone-aware period: the windows overlapping ``[start, end)`` are listed, whole. Required unless
        the rule ends (``COUNT``, ``UNTIL`` or ``until``), in which case all occurrences are listed.

    Returns
    -------
    DataFrame
        ``start, end`` (``datetime64[us, UTC]``), sorted.

    Raises
    ------
    ParameterError
        As :func:`parse_recurrence` and :meth:`Recurrence.windows`.

    Notes
    -----
    Occurrences keep their local wall-clock time across daylight-saving changes; see
    :func:`parse_recurrence` for starts that fall into a gap or a fold.

    Examples
    --------
    Every Sunday 02:00-03:00 in London, over the weekend the clocks go back (25 October 2026):

    >>> recurring_windows("FREQ=WEEKLY;BYDAY=SU", dtstart="2026-01-04 02:00", duration="1h",
    ...                   tz="Europe/London", start="2026-10-17T00:00Z", end="2026-11-02T00:00Z")
                          start                       end
    0 2026-10-18 01:00:00+00:00 2026-10-18 02:00:00+00:00
    1 2026-10-25 02:00:00+00:00 2026-10-25 03:00:00+00:00
    2 2026-11-01 02:00:00+00:00 2026-11-01 03:00:00+00:00
    """
    rec = parse_recurrence(rule, duration=duration, tz=tz, dtstart=dtstart)
    return rec.windows(start, end, until=until)


def maintenance_windows(catalog: Catalog, *, start: Any, end: Any) -> pd.DataFrame:
    """List the catalog's recurring maintenance windows (``Service.maintenance``) over a period.

    Parameters
    ----------
    catalog : Catalog
        Services with ``maintenance`` entries (:class:`~slm_analytics.catalog.RecurringWindow`); a window
        without a time zone recurs in its service's.
    start, end : Timestamp or str
        Timezone-aware period: the windows overlapping ``[start, end)`` are listed, whole.

    Returns
    -------
    DataFrame
        ``service, start, end, reason`` (times ``datetime64[us, UTC]``), sorted by ``start``: the layout
        of :func:`~slm_analytics.data.read_maintenance`, so the two concatenate into one list of exclusions.

    Raises
    ------
    ParameterError
        Naive times or ``end < start``.
    DefinitionError
        A window whose occurrences overlap over the period, or with more than :data:`MAX_OCCURRENCES`
        occurrences in it; the message names the service and the window.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.catalog import RecurringWindow
    >>> catalog = read_dataset("catalog")
    >>> sunday = RecurringWindow(rrule="FREQ=WEEKLY;BYDAY=SU", start="2026-01-04T02:00", duration="1h",
    ...                          reason="patching")
    >>> payments = catalog.service("payments").model_copy(update={"maintenance": (sunday,)})
    >>> catalog = catalog.model_copy(update={"services": (payments,)})
    >>> maintenance_windows(catalog, start="2026-03-28T00:00Z", end="2026-04-06T00:00Z")  # London, BST
        service                     start                       end    reason
    0  payments 2026-03-29 01:00:00+00:00 2026-03-29 02:00:00+00:00  patching
    1  payments 2026-04-05 01:00:00+00:00 2026-04-05 02:00:00+00:00  patching
    """
    t0, t1 = _range(start, end)
    frames = []
    for s in catalog.services:
        for i, w in enumerate(s.maintenance):
            tz = w.timezone or s.timezone
            try:
                rec = parse_recurrence(w.rrule, duration=w.duration, tz=tz, dtstart=w.start)
                got = rec.windows(t0, t1, until=w.end)
            except ParameterError as exc:
                msg = f"service {s.name!r}: maintenance[{i}] ({w.reason or w.rrule!r}), in {tz}: {exc}"
                raise DefinitionError(msg) from None
            got.insert(0, "service", s.name)
            got["reason"] = w.reason
            frames.append(got)
    if not frames:
        return pd.DataFrame({"service": pd.Series([], dtype="str"), "start": pd.Series([], dtype=_UTC_US),
                             "end": pd.Series([], dtype=_UTC_US), "reason": pd.Series([], dtype="str")})
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values("start", kind="stable").reset_index(drop=True)
