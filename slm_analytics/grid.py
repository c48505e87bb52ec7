"""Event counts as a (series x buckets) grid, and trailing-window sums over it.

Every rolling computation (rolling compliance, burn rates, alerts) runs on this layout: one row per SLO,
one column per bucket of a regular time grid, integer counts. Data that :func:`~slm_analytics.read_sli`
returns (sorted by series then time, every series on the same regular buckets) is viewed in place without
a copy; other data (gaps, series with different spans) is scattered onto the grid with zeros, which mean
"no events" (no data), never "all good".

Window sums use cumulative sums over integer counts, so a trailing sum over ``k`` buckets costs the same
for any ``k`` and is exact (no floating-point drift, unlike a running float sum).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import all_blocks, check_by, integer_counts, require_columns
from ._compat import usable_cpus
from .catalog import parse_window
from .errors import DataError, InsufficientDataError, ParameterError

__all__ = ["Grid", "cumulative", "require_history", "scratch", "sum_dtype", "to_grid", "trailing",
           "window_buckets"]


@dataclass(frozen=True)
class Grid:
    """Counts of several series on one regular time grid.

    Attributes
    ----------
    keys : DataFrame
        One row per series with the grouping columns (e.g. ``service``, ``slo``).
    times : DatetimeIndex
        Bucket start times (UTC), regular with spacing ``step``.
    step : Timedelta
        Bucket length.
    good, total : ndarray
        Integer counts, shape ``(len(keys), len(times))``; zero where a series had no bucket.
    rows : ndarray or None
        Flat grid position (``series * len(times) + bucket``) of each input row, or ``None`` when the input
        rows are the grid itself in row-major order.
    """

    keys: pd.DataFrame
    times: pd.DatetimeIndex
    step: pd.Timedelta
    good: np.ndarray
    total: np.ndarray
    rows: np.ndarray | None

    @property
    def shape(self) -> tuple[int, int]:
        """``(number of series, number of buckets)``."""
        return self.total.shape

    def to_rows(self, values: np.ndarray) -> np.ndarray:
        """Map a grid-shaped array back to the input's rows (a view when the input was the grid)."""
        flat = values.reshape(-1)
        return flat if self.rows is None else flat[self.rows]

    def to_grid_mask(self, mask_rows: np.ndarray) -> np.ndarray:
        """Lay out a per-input-row boolean (e.g. excluded buckets) on the grid; False where no row was."""
        if self.rows is None:
            return np.asarray(mask_rows, dtype=bool).reshape(self.shape)
        out = np.zeros(self.shape[0] * self.shape[1], dtype=bool)
        out[self.rows] = mask_rows
        return out.reshape(self.shape)

    def counts(self, i: int, excluded: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Good and total counts of series ``i``, with ``excluded`` buckets (grid-shaped mask) set to 0."""
        g, t = self.good[i], self.total[i]
        if excluded is not None and excluded[i].any():
            g = np.where(excluded[i], 0, g)
            t = np.where(excluded[i], 0, t)
        return g, t

    def map_series(self, func: Callable[[int], None]) -> None:
        """Call ``func(i)`` for every series ``i`` on a thread pool.

        numpy releases the GIL inside its array operations, so two threads use two cores when each call
        does enough array work.
        """
        n = self.shape[0]
        threads = min(usable_cpus(), 8)
        if threads <= 1 or n < 4:
            for i in range(n):
                func(i)
            return
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(func, range(n)))


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.array.codes), pd.Index(column.cat.categories)  # a view, no copy
    codes, uniques = pd.factorize(column, sort=True)
    return codes, pd.Index(uniques)


def to_grid(
    frame: pd.DataFrame,
    *,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
    by: tuple[str, ...] = ("service", "slo"),
    what: str = "data",
) -> Grid:
    """Lay tidy bucket counts out as a :class:`Grid`.

    Parameters
    ----------
    frame : DataFrame
        Tidy counts: one row per series and bucket.
    good, total, timestamp : str
        Column names.
    by : str or tuple of str
        Columns identifying a series (one string is one column; ``()`` takes all rows as one series).
    what : str
        Name of the caller, for error messages.

    Returns
    -------
    Grid

    Raises
    ------
    DataError
        Missing columns, a series with the same bucket twice, or timestamps not on a common regular grid.
    InsufficientDataError
        If the frame is empty.
    """
    by = check_by(by, frame, what)
    require_columns(frame, (*by, timestamp, good, total), what)
    if len(frame) == 0:
        msg = f"{what}: no rows; at least one bucket of data is needed"
        raise InsufficientDataError(msg)
    ts = frame[timestamp]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        msg = f"{what}: column {timestamp!r} must be timezone-aware timestamps (read data with read_sli)"
        raise DataError(msg)
    arr = ts.array if ts.dt.unit == "us" else ts.dt.as_unit("us").array
    t = arr.asi8  # int64 microseconds since the epoch (UTC), a view
    codes, levels = [], []
    for c in by:
        k, u = _codes(frame[c])
        codes.append(k)
        levels.append(u)
    sizes = [max(len(u), 1) for u in levels]
    g_counts, t_counts = integer_counts(frame, good, total, what)

    fast = _fast_layout(codes, sizes, t)
    if fast is not None:
        n_series, n_buckets, step = fast
        first = np.zeros(n_series, dtype=np.int64)
        for k, s in zip(codes, sizes, strict=True):
            first = first * s + k[::n_buckets]
        keys = _keys(first, by, levels, sizes)
        times = pd.DatetimeIndex(t[:n_buckets].astype("datetime64[us]")).tz_localize("UTC")
        return Grid(keys, times, pd.Timedelta(int(step), unit="us"), g_counts.reshape(n_series, n_buckets),
                    t_counts.reshape(n_series, n_buckets), None)

    # general layout: scatter onto the grid spanning all series
    gid = np.zeros(len(frame), dtype=np.int64)
    for k, s in zip(codes, sizes, strict=True):
        gid = gid * s + k
    uniq, series = np.unique(gid, return_inverse=True)
    order = np.lexsort((t, series))
    ts_sorted, s_sorted = t[order], series[order]
    same = s_sorted[1:] == s_sorted[:-1]
    gaps = np.diff(ts_sorted)[same]
    if (gaps == 0).any():
        j = int(np.flatnonzero(same & (np.diff(ts_sorted) == 0))[0])
        a, b = sorted((int(order[j]), int(order[j + 1])))
        msg = (
            f"{what}: rows {a + 1} and {b + 1} are the same bucket of the same series; "
            "each bucket must appear once"
        )
        raise DataError(msg)
    if gaps.size == 0:
        step = 300_000_000  # a single bucket per series: assume 5-minute buckets
    else:
        step = int(np.gcd.reduce(gaps))
    t0 = int(t.min())
    pos = (t - t0) // step
    if ((t - t0) % step != 0).any():
        msg = f"{what}: timestamps are not on a common grid of {pd.Timedelta(step, unit='us')} buckets"
        raise DataError(msg)
    n_buckets = int(pos.max()) + 1
    if len(uniq) * n_buckets > 50 * len(frame) + 10_000_000:
        msg = (
            f"{what}: timestamps are too irregular for a {pd.Timedelta(step, unit='us')} grid "
            f"({n_buckets} buckets for {len(frame)} rows); aggregate to regular buckets first"
        )
        raise DataError(msg)
    rows = series * n_buckets + pos
    good_grid = np.zeros(len(uniq) * n_buckets, dtype=g_counts.dtype)
    total_grid = np.zeros(len(uniq) * n_buckets, dtype=t_counts.dtype)
    good_grid[rows] = g_counts
    total_grid[rows] = t_counts
    keys = _keys(uniq, by, levels, sizes)
    times = pd.DatetimeIndex((t0 + step * np.arange(n_buckets)).astype("datetime64[us]")).tz_localize("UTC")
    return Grid(keys, times, pd.Timedelta(step, unit="us"), good_grid.reshape(len(uniq), n_buckets),
                total_grid.reshape(len(uniq), n_buckets), rows)


def _fast_layout(codes: list[np.ndarray], sizes: list[int], t: np.ndarray) -> tuple[int, int, int] | None:
    """``(series, buckets, step)`` when rows are series-major on one shared regular grid, else None.

    Checks every row (one pass over the timestamps and each key column), so a frame that merely looks
    regular at the start never takes this path.
    """
    n = len(t)
    if n < 2:
        return (1, 1, 300_000_000) if n == 1 else None
    # the first series ends where a key changes or time stops increasing
    first_change = n
    probe = min(n, 1 << 16)
    while True:
        stops = [np.flatnonzero(k[1:probe] != k[:probe - 1]) for k in codes]
        stops.append(np.flatnonzero(t[1:probe] <= t[:probe - 1]))
        found = [int(x[0]) + 1 for x in stops if x.size]
        if found or probe == n:
            first_change = min(found) if found else n
            break
        probe = min(n, probe * 4)
    n_buckets = first_change
    if n % n_buckets:
        return None
    n_series = n // n_buckets
    step = int(t[1] - t[0]) if n_buckets > 1 else 300_000_000
    if step <= 0:
        return None
    tt = t.reshape(n_series, n_buckets)
    if n_buckets > 1 and not (np.diff(tt[0]) == step).all():
        return None
    keys = [k.reshape(n_series, n_buckets) for k in codes]
    block = max(1, (1 << 20) // n_buckets)  # check ~1M rows at a time: small temporaries, cache-friendly

    def regular(a: int) -> bool:
        b = min(a + block, n_series)
        return bool((tt[a:b] == tt[0]).all()) and all((kk[a:b] == kk[a:b, :1]).all() for kk in keys)

    if not all_blocks(regular, range(0, n_series, block)):
        return None
    gid = np.zeros(n_series, dtype=np.int64)
    for kk, s in zip(keys, sizes, strict=True):
        gid = gid * s + kk[:, 0]
    if n_series > 1 and not (np.diff(gid) > 0).all():
        return None
    return n_series, n_buckets, step


def _keys(gids: np.ndarray, by: tuple[str, ...], levels: list[pd.Index], sizes: list[int]) -> pd.DataFrame:
    out = {}
    rest = gids.copy()
    for c, u, s in reversed(list(zip(by, levels, sizes, strict=True))):
        out[c] = u[rest % s]
        rest = rest // s
    return pd.DataFrame({c: np.asarray(out[c]) for c in by}, index=pd.RangeIndex(len(gids)))


def window_buckets(window: str | pd.Timedelta, step: pd.Timedelta, *, what: str = "window") -> int:
    """Return the number of buckets of length ``step`` in a rolling ``window``.

    Raises
    ------
    ParameterError
        If the window is shorter than a bucket or not a whole number of buckets.
    """
    if isinstance(window, str):
        if window in ("week", "month", "quarter"):
            msg = f"{what} {window!r}: a calendar period is not a rolling window; use e.g. '28d'"
            raise ParameterError(msg)
        try:
            dur = pd.Timedelta(parse_window(window))
        except Exception as exc:
            msg = f"{what} {window!r}: {exc}"
            raise ParameterError(msg) from exc
    else:
        dur = pd.Timedelta(window)
    if dur < step:
        msg = (
            f"{what} {window!s} is shorter than the data's {_fmt(step)} buckets; "
            f"use a window of at least {_fmt(step)}"
        )
        raise ParameterError(msg)
    if dur % step:
        msg = f"{what} {window!s} is not a whole number of the data's {_fmt(step)} buckets"
        raise ParameterError(msg)
    return int(dur // step)


def _fmt(td: pd.Timedelta) -> str:
    minutes = td / pd.Timedelta(minutes=1)
    return f"{minutes:g}-minute" if minutes < 60 else f"{td}"


def require_history(k: int, n: int, window: object, step: pd.Timedelta, *, what: str = "window") -> None:
    """Raise InsufficientDataError when ``n`` buckets cannot fill one window of ``k`` buckets."""
    if k > n:
        msg = (
            f"{what} {window!s} needs {k} buckets ({k * step}) of history; "
            f"the data has {n} buckets ({n * step})"
        )
        raise InsufficientDataError(msg)


_SCRATCH = threading.local()


def scratch(name: str, size: int, dtype: type = np.int64) -> np.ndarray:
    """Return a reusable work array of this thread (contents undefined).

    Fresh arrays of a year of 5-minute buckets (about 1 MB) come from the operating system page by page;
    those page faults cost more than the arithmetic, so per-series loops reuse one buffer per thread.
    """
    pool = getattr(_SCRATCH, "pool", None)
    if pool is None:
        pool = _SCRATCH.pool = {}
    key = (name, np.dtype(dtype).str)
    buf = pool.get(key)
    if buf is None or buf.size < size:
        buf = pool[key] = np.empty(size, dtype=dtype)
    return buf[:size]


def sum_dtype(x: np.ndarray) -> type:
    """Type of exact sums of ``x``: float64 for fractional units (RatioTimeslices), int64 for counts."""
    return np.float64 if x.dtype.kind == "f" else np.int64


def cumulative(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Cumulative sum with a leading zero, ``out[i] = x[:i].sum()``: int64, float64 for fractional ``x``."""
    if out is None:
        out = np.empty(x.shape[-1] + 1, dtype=sum_dtype(x))
    out[0] = 0
    np.cumsum(x, out=out[1:], dtype=out.dtype)
    return out


def trailing(cs: np.ndarray, k: int, out: np.ndarray | None = None) -> np.ndarray:
    """Sum over the trailing ``k`` buckets ending at each bucket ``i >= k - 1`` (length ``n - k + 1``)."""
    return np.subtract(cs[k:], cs[:-k], out=out)
