"""Daily panels: the counts of many series laid out on one axis of local calendar days.

Every forecast works on daily counts. :func:`daily_panel` lays out daily input (one row per series and local
day); :func:`slo_panels` sums sub-daily buckets per local day of each SLO's time zone, in the units of its
budgeting method, and :func:`panels_by_tz` does so for a catalog's SLOs. The rest are the calendar helpers
the forecasts share: window lengths, calendar periods, complete past windows and the column of an instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._checks import infer_step, require_columns
from ..errors import DataError, InsufficientDataError, ParameterError
from ..methods import Budgeting, day_starts, slice_starts, unit_counts

if TYPE_CHECKING:
    from ..catalog import SLO, Catalog

__all__ = [
    "MIN_DAYS",
    "Panel",
    "as_of_column",
    "complete_windows",
    "daily_panel",
    "end_of_data",
    "local_col",
    "panels_by_tz",
    "period_bounds",
    "series_name",
    "slo_panels",
    "window_days",
]

_DAY_US = 86_400_000_000
#: fewest days with data a series needs before it can be forecast (two weeks: one weekly cycle to fit on
#: and one to test the fit against; statsmodels' seasonal ETS needs two full seasons)
MIN_DAYS = 14


@dataclass(frozen=True)
class Panel:
    """Daily counts of several series on one axis of local calendar days.

    ``good`` and ``total`` have shape ``(series, days)``; a day without a row has ``total == 0``. Day
    ``j`` is the local date ``day0 + j`` (days since 1970-01-01) in time zone ``tz``.
    """

    keys: pd.DataFrame
    tz: str
    day0: int
    good: np.ndarray
    total: np.ndarray
    first: np.ndarray  # first day (column) with a row, per series
    last: np.ndarray  # last day (column) with a row, per series

    @property
    def bad(self) -> np.ndarray:
        """Bad counts, ``total - good``."""
        return self.total - self.good

    def midnights(self, days: np.ndarray) -> pd.DatetimeIndex:
        """Local midnights (timezone-aware, in ``tz``) of local dates ``days`` (days since 1970-01-01)."""
        dates = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
        naive = pd.DatetimeIndex(dates.astype("datetime64[us]"))
        first = np.ones(len(naive), dtype=bool)  # a repeated midnight: its first occurrence
        return naive.tz_localize(self.tz, ambiguous=first, nonexistent="shift_forward")


# ------------------------------------------------------------------------------------------- daily input


def _local_days(ts: pd.Series, tz: str) -> tuple[np.ndarray, np.ndarray]:
    """Return local dates (days since 1970-01-01) of aware times, and whether each is a local midnight."""
    wall = ts.dt.tz_convert(tz).dt.tz_localize(None).dt.as_unit("us").to_numpy().view(np.int64)
    days = wall // _DAY_US
    return days, wall - days * _DAY_US == 0


def _counts(frame: pd.DataFrame, good: str, total: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    out = []
    for name in (good, total):
        col = frame[name]
        if not pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
            msg = f"{what}: column {name!r} must hold event counts (numbers), not {col.dtype}"
            raise DataError(msg)
        arr = col.to_numpy(dtype=float, na_value=np.nan)
        if np.isnan(arr).any():
            i = int(np.flatnonzero(np.isnan(arr))[0])
            msg = f"{what}: row {i + 1}: {name!r} is NaN; counts must be numbers (0 for no events)"
            raise DataError(msg)
        out.append(arr)
    g, n = out
    from .._checks import check_counts

    check_counts(g, n, what)
    return g, n


def _factorize(frame: pd.DataFrame, by: tuple[str, ...]) -> tuple[np.ndarray, pd.DataFrame]:
    """Series codes (sorted by the key columns) and the key table, one row per series."""
    if not by:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=[0])
    gid = np.zeros(len(frame), dtype=np.int64)
    levels, sizes = [], []
    for c in by:
        codes, uniques = pd.factorize(frame[c], sort=True)
        gid = gid * max(len(uniques), 1) + codes
        levels.append(uniques)
        sizes.append(max(len(uniques), 1))
    codes, uniq = pd.factorize(gid, sort=True)
    keys = {}
    rest = np.asarray(uniq, dtype=np.int64)
    for c, u, n in reversed(list(zip(by, levels, sizes, strict=True))):
        keys[c] = np.asarray(u)[rest % n]
        rest = rest // n
    out = pd.DataFrame({c: keys[c] for c in by})
    for c in by:  # keep categorical key columns categorical
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(frame[c].dtype)
    return np.asarray(codes, dtype=np.int64), out


def daily_panel(daily: pd.DataFrame, by: tuple[str, ...], what: str) -> Panel:
    """Lay out daily counts (one row per series and local day) as a :class:`Panel`."""
    require_columns(daily, [*by, "timestamp", "good", "total"], what)
    if len(daily) == 0:
        msg = f"{what}: no rows; at least {MIN_DAYS} days of daily counts per series are needed"
        raise InsufficientDataError(msg)
    ts = daily["timestamp"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        msg = (
            f"{what}: column 'timestamp' holds {ts.dtype} values; timezone-aware day starts are needed "
            "(daily counts from ratio_sli(freq='1D'))"
        )
        raise DataError(msg)
    if ts.isna().any():
        i = int(np.flatnonzero(ts.isna().to_numpy())[0])
        msg = f"{what}: row {i + 1}: 'timestamp' is NaT"
        raise DataError(msg)
    tz = str(ts.dt.tz)
    days, midnight = _local_days(ts, tz)
    if not midnight.all():
        i = int(np.flatnonzero(~midnight)[0])
        msg = (
            f"{what}: row {i + 1}: timestamp {ts.iloc[i]} is not a midnight in {tz}; give daily counts "
            "(ratio_sli(freq='1D', tz=...)) whose timestamps are the starts of local days"
        )
        raise DataError(msg)
    g, n = _counts(daily, "good", "total", what)
    codes, keys = _factorize(daily, by)
    n_series = len(keys)
    day0 = int(days.min())
    d = days - day0
    n_days = int(d.max()) + 1
    flat = codes * n_days + d
    order = np.argsort(flat, kind="stable")
    same = np.diff(flat[order]) == 0
    if same.any():
        dup = np.flatnonzero(same)[0]
        a, b = sorted((int(order[dup]), int(order[dup + 1])))
        msg = (
            f"{what}: rows {a + 1} and {b + 1} are the same day of the same series; give one row per series "
            "and day (aggregate with ratio_sli(freq='1D'))"
        )
        raise DataError(msg)
    good = np.zeros(n_series * n_days)
    tot = np.zeros(n_series * n_days)
    good[flat] = g
    tot[flat] = n
    first = np.full(n_series, n_days, dtype=np.int64)
    last = np.full(n_series, -1, dtype=np.int64)
    np.minimum.at(first, codes, d)
    np.maximum.at(last, codes, d)
    return Panel(keys.reset_index(drop=True), tz, day0, good.reshape(n_series, n_days),
                 tot.reshape(n_series, n_days), first, last)


def series_name(keys: pd.DataFrame, i: int) -> str:
    """Name of series ``i`` in messages: its key values joined by ``/``."""
    return "/".join(str(v) for v in keys.iloc[i].tolist()) or "the series"


# ------------------------------------------------------------------------------------------- SLO windows


def window_days(slo: SLO) -> int | None:
    """Length in days of a rolling window; None for a calendar period."""
    from ..catalog import CALENDAR_PERIODS, parse_window

    if slo.window in CALENDAR_PERIODS:
        return None
    td = pd.Timedelta(parse_window(slo.window))
    if td % pd.Timedelta(days=1):
        msg = (f"SLO {slo.service}/{slo.name}: window {slo.window!r} is not a whole number of days; the "
               "forecasts work on daily counts")
        raise ParameterError(msg)
    return int(td // pd.Timedelta(days=1))


def period_bounds(day: np.ndarray, period: str) -> tuple[np.ndarray, np.ndarray]:
    """First day and the day after the last day of the calendar period holding each local date."""
    d = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    if period == "week":  # ISO weeks, Monday first (1970-01-01 was a Thursday)
        start = d - ((d.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
        return start.astype(np.int64), start.astype(np.int64) + 7
    m = d.astype("datetime64[M]")
    if period == "quarter":
        m = m - (m.astype(np.int64) % 3).astype("timedelta64[M]")
        step = 3
    else:
        step = 1
    start = m.astype("datetime64[D]").astype(np.int64)
    end = (m + np.timedelta64(step, "M")).astype("datetime64[D]").astype(np.int64)
    return start, end


def complete_windows(panel: Panel, i: int, slo: SLO) -> tuple[np.ndarray, np.ndarray]:
    """First column and the column after the last of every complete window of ``slo`` in series ``i``.

    Rolling windows end on every day from the window's length after the series' first day to the day after
    its last; calendar windows are the periods that lie wholly between them.
    """
    first, stop = int(panel.first[i]), int(panel.last[i]) + 1
    days = window_days(slo)
    if days is None:
        s, e = period_bounds(panel.day0 + np.arange(first, stop), slo.window)
        s, e = np.unique(s) - panel.day0, np.unique(e) - panel.day0
        keep = (s >= first) & (e <= stop)
        return s[keep], e[keep]
    e = np.arange(first + days, stop + 1)
    return e - days, e


# ------------------------------------------------------------------------------------------- SLO daily counts


def _unique_us(times: pd.Series) -> np.ndarray:
    """Sorted distinct times as int64 microseconds (UTC)."""
    return np.sort(pd.unique(times.dt.as_unit("us").array.asi8))


def _is_daily(times: pd.Series) -> bool:
    uniq = _unique_us(times)
    if len(uniq) < 2:
        return True
    return int(np.diff(uniq).min()) >= 23 * 3600 * 1_000_000


def slo_panels(sli: pd.DataFrame, groups: dict[str, list[SLO]], what: str) -> list[tuple[Panel, list[SLO]]]:
    """Daily counts of the SLOs of each time zone, in each SLO's units, one panel per time zone.

    Sub-daily buckets are rewritten in each SLO's budgeting units and summed per local day of its time
    zone (:mod:`slm_analytics.methods`): events for Occurrences; slices with events as ``total`` and good
    slices (Timeslices) or the sum of the slice ratios (RatioTimeslices) as ``good``. Daily input is used as
    it is: its days are the dates of its timestamps in their own time zone, in the SLOs' units.
    """
    require_columns(sli, ["service", "slo", "timestamp", "good", "total"], what)
    ts = sli["timestamp"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        msg = f"{what}: column 'timestamp' holds {ts.dtype} values; timezone-aware timestamps are needed"
        raise DataError(msg)
    if len(sli) == 0:
        msg = f"{what}: no rows; at least {MIN_DAYS} days of counts are needed"
        raise InsufficientDataError(msg)
    _counts(sli, "good", "total", what)
    every = [o for slos in groups.values() for o in slos]
    if _is_daily(ts):
        panel = daily_panel(sli, ("service", "slo"), what)
        pos = {(str(s), str(n)): i for i, (s, n) in enumerate(zip(panel.keys["service"], panel.keys["slo"],
                                                                    strict=True))}
        _check_present(every, pos, what)
        out = []
        for slos in groups.values():
            r = np.array([pos[o.key] for o in slos])
            keys = pd.DataFrame({"service": [o.service for o in slos], "slo": [o.name for o in slos]})
            out.append((Panel(keys, panel.tz, panel.day0, panel.good[r], panel.total[r], panel.first[r],
                              panel.last[r]), slos))
        return out
    from ..grid import to_grid

    grid = to_grid(sli, what=what)
    pos = {(str(s), str(n)): i for i, (s, n) in enumerate(zip(grid.keys["service"], grid.keys["slo"],
                                                                strict=True))}
    _check_present(every, pos, what)
    out = []
    for tz, slos in groups.items():
        starts, days = day_starts(grid.times, tz)
        day0 = int(days[0])
        n_days = int(days[-1]) - day0 + 1
        cols = days - day0
        good = np.zeros((len(slos), n_days))
        total = np.zeros((len(slos), n_days))
        by_method: dict[Budgeting, list[int]] = {}
        for i, o in enumerate(slos):
            by_method.setdefault(Budgeting.of(o), []).append(i)
        for b, idx in by_method.items():  # each method's units (methods.py), summed per local day
            r = np.array([pos[slos[i].key] for i in idx])
            cut = slice_starts(grid.times, grid.step, b.timeslice_window, tz) if b.sliced else None
            ug, ut = unit_counts(grid.good[r], grid.total[r], b, cut)
            at = (np.array(idx)[:, None], cols)
            good[at] = np.add.reduceat(ug.astype(np.float64), starts, axis=1)
            total[at] = np.add.reduceat(ut.astype(np.int64), starts, axis=1)
        has = total > 0
        first = np.where(has.any(axis=1), has.argmax(axis=1), 0)
        last = np.where(has.any(axis=1), n_days - 1 - has[:, ::-1].argmax(axis=1), 0)
        keys = pd.DataFrame({"service": [o.service for o in slos], "slo": [o.name for o in slos]})
        out.append((Panel(keys, tz, day0, good, total, first, last), slos))
    return out


def _check_present(slos: Sequence[SLO], pos: dict[tuple[str, str], int], what: str) -> None:
    for o in slos:
        if o.key not in pos:
            msg = f"{what}: no rows for SLO {o.service}/{o.name} in the data; add its counts or leave it out"
            raise InsufficientDataError(msg)


def panels_by_tz(sli: pd.DataFrame, catalog: Catalog, what: str) -> list[tuple[Panel, list[SLO]]]:
    """Group the catalog's SLOs that have rows in ``sli`` into one daily panel per time zone."""
    require_columns(sli, ["service", "slo", "timestamp", "good", "total"], what)
    pairs = sli[["service", "slo"]].drop_duplicates()
    present = set(zip(pairs["service"].astype(str), pairs["slo"].astype(str), strict=True))
    tz_of = {svc.name: svc.timezone for svc in catalog.services}
    groups: dict[str, list[SLO]] = {}
    for o in catalog.slos:
        if o.key in present:
            groups.setdefault(tz_of[o.service], []).append(o)
    if not groups:
        msg = f"{what}: none of the catalog's SLOs has rows in the data"
        raise InsufficientDataError(msg)
    return slo_panels(sli, groups, what)


# ------------------------------------------------------------------------------------------- instants


def end_of_data(sli: pd.DataFrame) -> pd.Timestamp:
    """End of the last bucket of ``sli`` (UTC): its last timestamp plus one day or one bucket step."""
    t = sli["timestamp"]
    last = t.max()
    step = pd.Timedelta(days=1) if _is_daily(t) else infer_step(t)
    return pd.Timestamp(last).tz_convert("UTC") + step


def local_col(panel: Panel, when: pd.Timestamp) -> int:
    """Panel column of the local day (in the panel's time zone) that holds the instant ``when``."""
    wall = when.tz_convert(panel.tz).tz_localize(None)
    return int((wall - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)) - panel.day0


def as_of_column(panel: Panel, as_of: pd.Timestamp, end: pd.Timestamp, what: str) -> int:
    """Panel column of the local day holding ``as_of``: the first day not observed."""
    if as_of > end:
        msg = f"{what}: as_of {as_of} is after the end of the data ({end}); give a time within the data"
        raise ParameterError(msg)
    return local_col(panel, as_of)
