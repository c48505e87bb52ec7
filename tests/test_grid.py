"""Tests for slm_analytics.grid: the series x bucket layout, its checks, and exact window sums.

Expected values are hand calculations on a few 5-minute buckets (shown in comments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
from slm_analytics.grid import (
    Grid,
    cumulative,
    require_history,
    scratch,
    to_grid,
    trailing,
    window_buckets,
)

FIVE = pd.Timedelta(minutes=5)


def rows(*spec: tuple[str, str, int, int]) -> pd.DataFrame:
    """Tidy counts from ``(service, "HH:MM" on 1 Jan 2026 UTC, good, total)`` tuples, in the order given."""
    return pd.DataFrame({
        "timestamp": pd.to_datetime([f"2026-01-01 {s[1]}" for s in spec], utc=True).as_unit("us"),
        "service": [s[0] for s in spec],
        "slo": "availability",
        "good": np.array([s[2] for s in spec], dtype=np.int64),
        "total": np.array([s[3] for s in spec], dtype=np.int64),
    })


# ------------------------------------------------------------------------------------------- to_grid


def test_regular_series_are_viewed_in_place():
    # two series on the same three buckets, series-major: the grid is the input reshaped to 2 x 3
    frame = rows(("api", "00:00", 1, 2), ("api", "00:05", 3, 4), ("api", "00:10", 5, 6),
                 ("web", "00:00", 7, 8), ("web", "00:05", 9, 10), ("web", "00:10", 11, 12))
    grid = to_grid(frame)
    assert isinstance(grid, Grid)
    assert grid.rows is None
    assert grid.shape == (2, 3)
    assert grid.step == FIVE
    assert grid.keys.values.tolist() == [["api", "availability"], ["web", "availability"]]
    assert grid.times.tolist() == list(pd.date_range("2026-01-01", periods=3, freq="5min", tz="UTC"))
    assert grid.good.tolist() == [[1, 3, 5], [7, 9, 11]]
    assert grid.total.tolist() == [[2, 4, 6], [8, 10, 12]]
    assert np.shares_memory(grid.total, frame["total"].to_numpy())  # no copy
    assert grid.to_rows(grid.total).tolist() == frame["total"].tolist()


def test_gaps_and_different_spans_are_scattered_with_zeros():
    # api has 00:00 and 00:10 (a gap), web has 00:10 and 00:05, in no particular order. Steps within a
    # series are 10 and 5 minutes -> their gcd, 5 minutes; the grid spans 00:00-00:10, 3 buckets:
    #   api: 00:00 (1/2), 00:05 none (0/0), 00:10 (3/4)
    #   web: 00:00 none,  00:05 (7/8),      00:10 (5/6)
    frame = rows(("web", "00:10", 5, 6), ("api", "00:00", 1, 2), ("web", "00:05", 7, 8),
                 ("api", "00:10", 3, 4))
    grid = to_grid(frame)
    assert grid.step == FIVE
    assert grid.good.tolist() == [[1, 0, 3], [0, 7, 5]]
    assert grid.total.tolist() == [[2, 0, 4], [0, 8, 6]]
    # flat position series * 3 + bucket of each input row: web/00:10 = 5, api/00:00 = 0, web/00:05 = 4,
    # api/00:10 = 2
    assert grid.rows.tolist() == [5, 0, 4, 2]
    assert grid.to_rows(grid.total).tolist() == frame["total"].tolist()
    mask = grid.to_grid_mask(np.array([True, False, False, True]))  # web/00:10 and api/00:10
    assert mask.tolist() == [[False, False, True], [False, False, True]]
    g, t = grid.counts(1, excluded=mask)
    assert (g.tolist(), t.tolist()) == ([0, 7, 0], [0, 8, 0])


def test_one_row_is_one_five_minute_bucket():
    grid = to_grid(rows(("api", "00:00", 1, 1)))
    assert (grid.shape, grid.step) == ((1, 1), FIVE)


def test_map_series_calls_every_series():
    frame = pd.concat([rows((f"s{i}", "00:00", i, 10), (f"s{i}", "00:05", i, 10)) for i in range(6)],
                      ignore_index=True)
    grid = to_grid(frame)
    seen = np.zeros(6, dtype=int)

    def visit(i: int) -> None:
        seen[i] += 1

    grid.map_series(visit)
    assert seen.tolist() == [1] * 6


def test_to_grid_layout_checks():
    # the same series and bucket twice: rows 1 and 3 of the input
    with pytest.raises(DataError, match=r"data: rows 1 and 3 are the same bucket of the same series; "
                                        r"each bucket must appear once"):
        to_grid(rows(("api", "00:00", 1, 1), ("api", "00:05", 1, 1), ("api", "00:00", 1, 1)))
    # api's buckets are 10 minutes apart, web's lone bucket sits between them: not on a 10-minute grid
    with pytest.raises(DataError, match=r"sli: timestamps are not on a common grid of 0 days 00:10:00 "
                                        r"buckets"):
        to_grid(rows(("api", "00:00", 1, 1), ("api", "00:10", 1, 1), ("web", "00:05", 1, 1)), what="sli")
    # 1 microsecond apart, then 100 seconds later: 100,000,001 one-microsecond buckets for 3 rows
    odd = rows(("api", "00:00", 1, 1), ("api", "00:00", 1, 1), ("api", "00:00", 1, 1))
    odd["timestamp"] = odd["timestamp"] + pd.to_timedelta([0, 1, 100_000_000], unit="us")
    with pytest.raises(DataError, match=r"timestamps are too irregular for a 0 days 00:00:00.000001 grid "
                                        r"\(100000001 buckets for 3 rows\); aggregate to regular buckets"):
        to_grid(odd)


def test_to_grid_input_checks():
    frame = rows(("api", "00:00", 1, 1))
    with pytest.raises(InsufficientDataError, match=r"x: no rows; at least one bucket of data is needed"):
        to_grid(frame.iloc[:0], what="x")
    with pytest.raises(DataError, match=r"x: column 'timestamp' must be timezone-aware timestamps"):
        to_grid(frame.assign(timestamp=frame["timestamp"].dt.tz_localize(None)), what="x")
    with pytest.raises(DataError, match=r"x: column 'good' must hold integer event counts, not float64"):
        to_grid(frame.assign(good=0.5), what="x")
    with pytest.raises(DataError, match=r"x: missing column\(s\) 'slo'"):
        to_grid(frame.drop(columns="slo"), what="x")
    with pytest.raises(DataError, match=r"x: row 1: good \(2\) and total \(1\) must satisfy"):
        to_grid(frame.assign(good=2), what="x")


# ------------------------------------------------------------------------------------------- windows


def test_window_buckets():
    assert window_buckets("28d", FIVE) == 8064  # 28 days x 288 five-minute buckets a day
    assert window_buckets("1h", FIVE) == 12
    assert window_buckets(pd.Timedelta(minutes=30), FIVE) == 6
    assert window_buckets("5m", FIVE) == 1


def test_window_buckets_errors():
    ten = pd.Timedelta(minutes=10)
    with pytest.raises(ParameterError, match=r"^short window 5m is shorter than the data's 10-minute "
                                             r"buckets; use a window of at least 10-minute$"):
        window_buckets("5m", ten, what="short window")
    with pytest.raises(ParameterError, match=r"^window 7m is not a whole number of the data's 5-minute "
                                             r"buckets$"):
        window_buckets("7m", FIVE)
    with pytest.raises(ParameterError, match=r"^window 'month': "):  # see the test below
        window_buckets("month", FIVE)
    with pytest.raises(ParameterError, match=r"^window 'soon': unparsable window 'soon'"):
        window_buckets("soon", FIVE)
    # buckets of an hour or more are written as durations
    with pytest.raises(ParameterError, match=r"window 1h is shorter than the data's 0 days 02:00:00 buckets"):
        window_buckets("1h", pd.Timedelta(hours=2))


def test_window_buckets_calendar_period_message():
    with pytest.raises(ParameterError, match=r"window 'month': a calendar period is not a rolling window; "
                                             r"use e.g. '28d'"):
        window_buckets("month", FIVE)


def test_require_history():
    require_history(12, 12, "1h", FIVE)  # exactly one window: enough
    # 12 buckets of 5 minutes = 1 hour needed; 5 buckets = 25 minutes held
    expected = (r"^long window 1h needs 12 buckets \(0 days 01:00:00\) of history; the data has 5 buckets "
                r"\(0 days 00:25:00\)$")
    with pytest.raises(InsufficientDataError, match=expected):
        require_history(12, 5, "1h", FIVE, what="long window")


# ------------------------------------------------------------------------------------------- sums


def test_cumulative_and_trailing_sums():
    x = np.array([3, 1, 4, 1, 5], dtype=np.int32)
    cs = cumulative(x)
    # leading zero, then running sums 3, 3+1, 3+1+4, ... in int64
    assert cs.tolist() == [0, 3, 4, 8, 9, 14]
    assert cs.dtype == np.int64
    # trailing 2-bucket sums ending at buckets 1..4: 3+1, 1+4, 4+1, 1+5
    assert trailing(cs, 2).tolist() == [4, 5, 5, 6]
    assert trailing(cs, 5).tolist() == [14]  # one window: the whole series
    out = np.empty(6, dtype=np.int64)
    assert cumulative(x, out) is out


def test_scratch_reuses_a_buffer_per_name_and_dtype():
    a = scratch("test_grid", 10)
    b = scratch("test_grid", 5)
    assert (len(a), len(b)) == (10, 5)
    assert np.shares_memory(a, b)  # the smaller request reuses the buffer
    assert not np.shares_memory(a, scratch("test_grid", 10, np.float64))  # another dtype, another buffer
