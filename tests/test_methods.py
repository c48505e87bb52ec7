"""The budgeting-method core (slm_analytics.methods): one definition of good, total and unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analytics.errors import ParameterError
from slm_analytics.grid import to_grid
from slm_analytics.methods import (
    Budgeting,
    UnitGrid,
    attainment_of,
    day_starts,
    slice_starts,
    slice_units,
    unit_counts,
)
from slm_analytics.sli import timeslice_sli


def _frame(start: str, periods: int, good, total, freq: str = "5min", series=("svc", "slo")) -> pd.DataFrame:
    ts = pd.date_range(start, periods=periods, freq=freq, tz="UTC").as_unit("us")
    return pd.DataFrame({"timestamp": ts, "service": series[0], "slo": series[1],
                         "good": np.asarray(good, dtype=np.int64),
                         "total": np.asarray(total, dtype=np.int64)})


# ------------------------------------------------------------------------------------------- Budgeting


def test_budgeting_units():
    assert Budgeting().unit == "events"
    assert Budgeting("Timeslices", timeslice_target=0.9).unit == "slices"
    assert Budgeting("RatioTimeslices", timeslice_window="30m").unit == "slices"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"method": "Occurrence"}, r"unknown budgeting method 'Occurrence'; expected one of Occurrences, "),
    ({"method": "Timeslices"}, r"method 'Timeslices' needs timeslice_target"),
    ({"method": "Timeslices", "timeslice_target": 90}, r"timeslice_target 90 is outside \(0, 1\]"),
    ({"method": "RatioTimeslices", "timeslice_window": "soon"}, r"timeslice_window 'soon'"),
])
def test_budgeting_rejects(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        Budgeting(**kwargs)


def test_budgeting_of_a_catalog_slo(catalog):
    slo = catalog.slo("checkout", "uptime")  # datasets/catalog.yaml: Timeslices, 0.9, 5m
    assert Budgeting.of(slo) == Budgeting("Timeslices", 0.9, "5m")


@pytest.fixture(scope="module")
def catalog():
    from slm_analytics import read_dataset

    return read_dataset("catalog")


# ------------------------------------------------------------------------------------------- slices


def test_slice_units_boundary_exactly_at_the_slice_target():
    # 9 of 10 is exactly 0.9: good (OpenSLO: the slice's ratio must reach timeSliceTarget); 899/1000 is not
    g, t = np.array([9, 899, 0]), np.array([10, 1000, 0])
    good, total = slice_units(g, t, Budgeting("Timeslices", timeslice_target=0.9))
    np.testing.assert_array_equal(good, [1, 0, 0])
    np.testing.assert_array_equal(total, [1, 1, 0])  # the empty slice is no data
    good, total = slice_units(g, t, Budgeting("RatioTimeslices"))
    np.testing.assert_allclose(good, [0.9, 0.899, 0.0], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(total, [1, 1, 0])


def test_unit_counts_two_series_side_by_side():
    # two series x 6 five-minute buckets, 15-minute slices = buckets 0-2 and 3-5
    g = np.array([[10, 10, 7, 5, 5, 5], [0, 0, 0, 1, 1, 1]])
    t = np.array([[10, 10, 10, 5, 5, 5], [0, 0, 0, 2, 2, 2]])
    starts = np.array([0, 3])
    ug, ut = unit_counts(g, t, Budgeting("Timeslices", timeslice_target=0.9), starts)
    # series 0: slice 1 is 27/30 = 0.9 (good), slice 2 is 15/15 (good); series 1: no data, then 3/6 (bad)
    np.testing.assert_array_equal(ug, [[0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(ut, [[0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 1]])
    rg, rt = unit_counts(g, t, Budgeting("RatioTimeslices"), starts)
    np.testing.assert_allclose(rg.sum(axis=1), [0.9 + 1.0, 0.5], atol=1e-12)
    np.testing.assert_array_equal(rt.sum(axis=1), [2, 1])
    og, ot = unit_counts(g, t, Budgeting(), starts)
    assert og is g and ot is t  # Occurrences: the counts themselves, no copy


def test_attainment_of_no_data_is_nan():
    out = attainment_of(np.array([3, 0]), np.array([4, 0]))
    assert out[0] == pytest.approx(0.75, abs=1e-15)
    assert np.isnan(out[1])


@pytest.mark.parametrize(("day", "hours"), [("2026-03-28", 24), ("2026-03-29", 23), ("2026-10-25", 25)])
def test_hourly_slices_follow_the_local_day_across_daylight_saving(day, hours):
    # Europe/London: clocks go forward on 29 March 2026 (a 23-hour day) and back on 25 October (25 hours)
    local = pd.Timestamp(day).tz_localize("Europe/London")
    end = (pd.Timestamp(day) + pd.Timedelta(days=1)).tz_localize("Europe/London")
    times = pd.date_range(local.tz_convert("UTC"), end.tz_convert("UTC"), freq="5min", inclusive="left")
    starts = slice_starts(times, pd.Timedelta("5min"), "1h", "Europe/London")
    assert len(starts) == hours
    assert (np.diff(starts) == 12).all()  # every slice is 12 buckets of 5 minutes (elapsed time)


def test_slices_start_at_local_midnight_not_utc():
    # New York in summer is UTC-4: a 1-hour slice starts at 04:00 UTC, so 02:00-06:00 UTC is cut at 04:00
    times = pd.date_range("2026-07-01 02:00", periods=48, freq="5min", tz="UTC")
    starts = slice_starts(times, pd.Timedelta("5min"), "1h", "America/New_York")
    np.testing.assert_array_equal(times[starts].strftime("%H:%M"), ["02:00", "03:00", "04:00", "05:00"])
    # 10-minute slices of 5-minute buckets start every second bucket
    assert (np.diff(slice_starts(times, pd.Timedelta("5min"), "10m", "UTC")) == 2).all()


def test_day_starts():
    times = pd.date_range("2026-07-01 02:00", periods=48, freq="1h", tz="UTC")
    starts, days = day_starts(times, "America/New_York")
    # 02:00 UTC on 1 July is 22:00 on 30 June in New York; the next local day begins at 04:00 UTC
    np.testing.assert_array_equal(starts, [0, 2, 26])
    assert pd.Timestamp(days[1], unit="D") == pd.Timestamp("2026-07-01")


@pytest.mark.parametrize(("window", "match"), [
    ("7m", r"timeslice_window 7m is not a whole number of the data's 5-minute buckets"),
    ("1m", r"timeslice_window 1m is shorter than the data's 5-minute buckets"),
])
def test_slice_length_must_be_whole_buckets(window, match):
    times = pd.date_range("2026-07-01", periods=12, freq="5min", tz="UTC")
    with pytest.raises(ParameterError, match=match):
        slice_starts(times, pd.Timedelta("5min"), window, "UTC")


# ------------------------------------------------------------------------------------------- UnitGrid


def test_unit_grid_sums_per_day_with_exclusions():
    # one day of 5-minute buckets: 288 buckets, every bucket 99 of 100, except the first hour (0 of 100)
    g = np.full(288, 99)
    g[:12] = 0
    grid = to_grid(_frame("2026-07-01", 288, g, np.full(288, 100)))
    excluded = np.zeros((1, 288), dtype=bool)
    excluded[0, :12] = True  # the bad hour was announced maintenance
    b = Budgeting("Timeslices", timeslice_target=0.99, timeslice_window="1h")
    units = UnitGrid(grid, [b], ["UTC"], excluded)
    good, total, empty = units.sums(0, np.array([0]))
    # 24 hourly slices; the excluded one has no data; the other 23 are each 99 % (good at 0.99)
    assert (good[0], total[0], empty[0]) == (23, 23, 1)
    occ = UnitGrid(grid, [Budgeting()], ["UTC"], excluded)
    good, total, empty = occ.sums(0, np.array([0, 144]))
    np.testing.assert_array_equal(good, [99 * 132, 99 * 144])  # half-days: 132 and 144 counted buckets
    np.testing.assert_array_equal(total, [100 * 132, 100 * 144])
    np.testing.assert_array_equal(empty, [12, 0])


def test_unit_grid_needs_one_budgeting_per_series():
    grid = to_grid(_frame("2026-07-01", 3, [1, 1, 1], [1, 1, 1]))
    with pytest.raises(ParameterError, match="1 series but 2 budgetings"):
        UnitGrid(grid, [Budgeting(), Budgeting()], ["UTC", "UTC"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=12, max_size=96),
       st.sampled_from([1, 2, 3, 6, 12]), st.floats(0.5, 0.99))
def test_timeslices_agree_with_timeslice_sli(pairs, k, slice_target):
    # the same day's buckets counted by the grid path and by timeslice_sli (its own implementation)
    total = np.array([max(a, b) for a, b in pairs])
    good = np.array([min(a, b) for a, b in pairs])
    frame = _frame("2026-07-01", len(pairs), good, total)
    grid = to_grid(frame)
    b = Budgeting("Timeslices", timeslice_target=slice_target, timeslice_window=f"{5 * k}m")
    g, t, empty = UnitGrid(grid, [b], ["UTC"]).sums(0, np.array([0]))
    ref = timeslice_sli(frame, slice_target=slice_target, slice=f"{5 * k}m", freq="1D", by=(), tz="UTC")
    assert (g[0], t[0], empty[0]) == (ref["good_slices"].sum(), ref["slices"].sum(), ref["no_data"].sum())
    if t[0]:
        assert 0 <= g[0] / t[0] <= 1


def test_day_sums_cut_days_in_the_series_time_zone():
    # 48 hourly buckets from 2026-07-01 00:00 UTC, each 9 of 10; New York is UTC-4 in July, so its days
    # are 30 June (4 buckets: 00:00-03:00 UTC), 1 July (24) and 2 July (20)
    frame = _frame("2026-07-01", 48, np.full(48, 9), np.full(48, 10), freq="1h")
    units = UnitGrid(to_grid(frame), [Budgeting()], ["America/New_York"])
    days, good, total, empty = units.day_sums(0)
    assert [str(pd.Timestamp(d, unit="D").date()) for d in days] == ["2026-06-30", "2026-07-01", "2026-07-02"]
    np.testing.assert_array_equal(total, [40, 240, 200])
    np.testing.assert_array_equal(good, [36, 216, 180])
    np.testing.assert_array_equal(empty, [0, 0, 0])
