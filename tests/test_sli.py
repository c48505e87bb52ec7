"""Tests for slm_analytics.sli: ratio and time-slice SLIs, PromQL histogram estimates, SLI intervals.

Where expected values come from:

* hand calculations, shown in the comments next to each value;
* Prometheus's own test suite, ``promql/promqltest/testdata/histograms.test`` (prometheus/prometheus), for
  ``histogram_quantile``/``histogram_fraction`` on classic histograms, and the ``BucketFraction`` unit test in
  ``promql/quantile_test.go``; the ClickHouse ``quantilePrometheusHistogram`` documentation example;
* scipy (``scipy.stats.binomtest``) as the independent reference for the intervals and the p-value.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.stats import binomtest

from slm_analytics import read_dataset
from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
from slm_analytics.sli import (
    histogram_fraction,
    histogram_quantile,
    ratio_sli,
    sli_interval,
    timeslice_sli,
)

INF = math.inf
T0 = "2026-01-01T00:00:00Z"


def events(good, total, *, start=T0, step="5min", service="checkout", slo="availability") -> pd.DataFrame:
    """Bucket counts of one series on a regular grid starting at ``start``."""
    return pd.DataFrame({
        "timestamp": pd.date_range(start, periods=len(total), freq=step).as_unit("us"),
        "service": service,
        "slo": slo,
        "good": np.asarray(good, dtype=np.int64),
        "total": np.asarray(total, dtype=np.int64),
    })


@pytest.fixture(scope="module")
def dataset() -> pd.DataFrame:
    return read_dataset("sli_5min")


def series(data: pd.DataFrame, service: str, slo: str) -> pd.DataFrame:
    return data[(data["service"] == service) & (data["slo"] == slo)]


# ------------------------------------------------------------------------------------------- ratio_sli


def test_ratio_sli_pools_events_and_marks_no_data():
    # 00:00-00:55 and 01:00-01:55 hours; hour 0: (99 + 1) / (100 + 10) = 100 / 110; hour 1 has no events
    frame = events([99, 1] + [0] * 10 + [0] * 12, [100, 10] + [0] * 10 + [0] * 12)
    out = ratio_sli(frame, freq="1h")
    assert list(out.columns) == ["service", "slo", "timestamp", "good", "total", "sli"]
    assert out["good"].tolist() == [100, 0]
    assert out["total"].tolist() == [110, 0]
    assert out["sli"].iloc[0] == pytest.approx(100 / 110, rel=1e-15)
    assert np.isnan(out["sli"].iloc[1])


def test_ratio_sli_rejects_naive_timestamps():
    frame = events([1], [1])
    frame["timestamp"] = frame["timestamp"].dt.tz_localize(None)
    with pytest.raises(DataError, match=r"ratio_sli: column 'timestamp' holds datetime64\[us\] values; "
                                        r"timezone-aware timestamps are needed"):
        ratio_sli(frame)


def test_ratio_sli_rejects_unknown_time_zone():
    with pytest.raises(ParameterError, match=r"unknown time zone 'Mars/Olympus': expected an IANA name"):
        ratio_sli(events([1], [1]), tz="Mars/Olympus")


def test_ratio_sli_rejects_unknown_freq():
    with pytest.raises(ParameterError, match=r"freq 'fortnightly' is not a pandas offset alias"):
        ratio_sli(events([1], [1]), freq="fortnightly")


def test_ratio_sli_rejects_missing_column():
    with pytest.raises(DataError, match=r"ratio_sli: missing column\(s\) 'good'; found 'timestamp'"):
        ratio_sli(events([1], [1]).drop(columns="good"))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000)), min_size=1, max_size=60),
       st.sampled_from(["15min", "1h", None]))
def test_ratio_sli_is_between_0_and_1(pairs, freq):
    good = [min(a, b) for a, b in pairs]
    total = [max(a, b) for a, b in pairs]
    sli = ratio_sli(events(good, total), freq=freq)["sli"].dropna()
    assert ((sli >= 0) & (sli <= 1)).all()


# ------------------------------------------------------------------------------------------- timeslice_sli

# Twelve 5-minute buckets, 00:00-00:55 UTC, cut into four 15-minute slices of three buckets:
#   slice 1: (10 + 10 + 10) / 30 = 1.000      >= 0.9  good
#   slice 2: (9 + 9 + 8) / 30    = 0.8667     <  0.9  bad (two of its buckets reach 0.9 alone: slices pool)
#   slice 3: 0 / 0                            no data
#   slice 4: (5 + 5 + 10) / 30   = 0.6667     <  0.9  bad
GOOD = [10, 10, 10, 9, 9, 8, 0, 0, 0, 5, 5, 10]
TOTAL = [10, 10, 10, 10, 10, 10, 0, 0, 0, 10, 10, 10]


def test_timeslice_sli_hand_example_one_period():
    out = timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="15min", freq="1h")
    assert list(out.columns) == ["service", "slo", "timestamp", "good_slices", "slices", "no_data", "sli"]
    row = out.iloc[0]
    assert (row["good_slices"], row["slices"], row["no_data"]) == (1, 3, 1)
    assert row["sli"] == pytest.approx(1 / 3, rel=1e-15)
    assert row["timestamp"] == pd.Timestamp(T0)
    assert out["good_slices"].dtype == np.int64 and out["no_data"].dtype == np.int64


def test_timeslice_sli_two_periods():
    # 00:00 period: slices 1 (good) and 2 (bad) -> 1/2; 00:30 period: slice 3 no data, slice 4 bad -> 0/1
    out = timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="15min", freq="30min")
    assert out["timestamp"].tolist() == [pd.Timestamp(T0), pd.Timestamp("2026-01-01T00:30:00Z")]
    assert out["good_slices"].tolist() == [1, 0]
    assert out["slices"].tolist() == [2, 1]
    assert out["no_data"].tolist() == [0, 1]
    assert_allclose(out["sli"], [0.5, 0.0], rtol=0, atol=0)


def test_timeslice_sli_without_freq_has_no_timestamp():
    out = timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="15min", freq=None)
    assert list(out.columns) == ["service", "slo", "good_slices", "slices", "no_data", "sli"]
    assert out[["good_slices", "slices", "no_data"]].iloc[0].tolist() == [1, 3, 1]


def test_timeslice_sli_slice_of_one_bucket_counts_buckets():
    # per bucket: 1, 1, 1, 0.9, 0.9, 0.8, -, -, -, 0.5, 0.5, 1
    # -> ratio >= 0.9 in 3 + 2 + 1 = 6 of the 9 buckets with data; 3 without
    out = timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="5min", freq=None)
    assert out[["good_slices", "slices", "no_data"]].iloc[0].tolist() == [6, 9, 3]


def test_timeslice_sli_pools_buckets_within_a_slice():
    # one slice: (0 + 100 + 100) / (1 + 100 + 100) = 200 / 201 = 0.995 >= 0.99,
    # good although one of its buckets is at 0 %
    out = timeslice_sli(events([0, 100, 100], [1, 100, 100]), slice_target=0.99, slice="15min", freq=None)
    assert out[["good_slices", "slices", "no_data"]].iloc[0].tolist() == [1, 1, 0]


def test_timeslice_sli_counts_missing_buckets_as_no_data():
    # drop the rows of slice 3 (00:30-00:40): still one no-data slice, as when they were present with zeros
    frame = events(GOOD, TOTAL).drop(index=[6, 7, 8])
    out = timeslice_sli(frame, slice_target=0.9, slice="15min", freq="1h")
    assert out[["good_slices", "slices", "no_data"]].iloc[0].tolist() == [1, 3, 1]


def test_timeslice_sli_lists_every_group_for_every_period():
    # series b has data only in the first hour; the span is 00:00-02:00 from series a
    a = events([1] * 24, [1] * 24, slo="a")
    b = events([1] * 12, [1] * 12, slo="b")
    out = timeslice_sli(pd.concat([a, b], ignore_index=True), slice_target=0.9, slice="30min", freq="1h")
    assert out["slo"].tolist() == ["a", "a", "b", "b"]
    assert out["slices"].tolist() == [2, 2, 2, 0]
    assert out["no_data"].tolist() == [0, 0, 0, 2]
    assert np.isnan(out["sli"].iloc[3])


def test_timeslice_sli_does_not_depend_on_row_order():
    rng = np.random.default_rng(7)
    total = rng.integers(0, 20, 96)
    good = np.minimum(total, rng.integers(0, 20, 96))
    frame = pd.concat([events(good, total, slo="a"), events(total, total, slo="b")], ignore_index=True)
    ordered = timeslice_sli(frame, slice_target=0.8, slice="20min", freq="2h")
    shuffled = timeslice_sli(frame.sample(frac=1, random_state=3), slice_target=0.8, slice="20min", freq="2h")
    pd.testing.assert_frame_equal(ordered, shuffled)


def test_timeslice_sli_matches_a_direct_count_per_day(dataset):
    # independent computation with plain pandas: with one-bucket slices the SLI is the share of buckets with
    # total > 0 whose ratio reaches the target
    one = series(dataset, "reporting", "availability")
    one = one[one["timestamp"] < "2025-11-08"]
    out = timeslice_sli(one, slice_target=0.999, slice="5min", freq="1D")
    has = one["total"] > 0
    ok = has & (one["good"] / one["total"].where(has, 1) >= 0.999)
    day = one["timestamp"].dt.floor("D")
    expected = pd.DataFrame({"good_slices": ok.groupby(day).sum(), "slices": has.groupby(day).sum(),
                             "no_data": (~has).groupby(day).sum()})
    assert out["good_slices"].tolist() == expected["good_slices"].tolist()
    assert out["slices"].tolist() == expected["slices"].tolist()
    assert out["no_data"].tolist() == expected["no_data"].tolist()
    assert out["no_data"].sum() > 0  # the reporting service has quiet buckets: the case is exercised


def test_timeslice_sli_agrees_with_attainment_timeslices(dataset):
    # cross-check against budget.attainment (OpenSLO Timeslices), a separate implementation on the grid
    from slm_analytics.budget import attainment

    october = series(dataset, "reporting", "availability")
    october = october[october["timestamp"] >= "2026-10-01"]
    ours = timeslice_sli(october, slice_target=0.99, slice="1h", freq=None).iloc[0]
    theirs = attainment(october, method="Timeslices", timeslice_target=0.99, timeslice_window="1h").iloc[0]
    assert (ours["good_slices"], ours["slices"], ours["no_data"]) == (theirs["good"], theirs["total"],
                                                                       theirs["no_data"])
    assert ours["sli"] == pytest.approx(theirs["attainment"], rel=1e-15)


def test_timeslice_sli_periods_follow_ratio_sli_and_dst(dataset):
    one = series(dataset, "checkout", "availability")
    out = timeslice_sli(one, slice_target=0.99, slice="1h", freq="1D", tz="Europe/London")
    ratio = ratio_sli(one, freq="1D", tz="Europe/London")
    pd.testing.assert_series_equal(out["timestamp"], ratio["timestamp"])
    hours = (out["slices"] + out["no_data"]).set_axis(out["timestamp"].dt.strftime("%Y-%m-%d"))
    assert hours["2026-03-29"] == 23  # clocks go forward: a 23-hour day has 23 one-hour slices
    assert hours["2026-10-25"] == 25  # clocks go back: 25
    assert hours["2026-01-15"] == 24


def test_timeslice_sli_local_calendar_with_half_hour_offset(dataset):
    # Asia/Kolkata is UTC+5:30: the data (from 2025-11-01 00:00 UTC = 05:30 IST) starts mid-day; 1-hour slices
    # start at local midnight, so the first local day has the slices 05:00-06:00 ... 23:00-24:00 = 19
    one = series(dataset, "checkout", "availability")
    one = one[one["timestamp"] < "2025-11-03"]
    out = timeslice_sli(one, slice_target=0.99, slice="1h", freq="1D", tz="Asia/Kolkata")
    assert str(out["timestamp"].iloc[0]) == "2025-11-01 00:00:00+05:30"
    assert (out["slices"] + out["no_data"]).tolist() == [19, 24, 6]  # last: 00:00-05:30 IST -> 6 slices


def test_timeslice_sli_rejects_slice_target():
    with pytest.raises(ParameterError, match=r"slice_target 1.5 is outside \(0, 1\]: write 99 % as 0.99"):
        timeslice_sli(events(GOOD, TOTAL), slice_target=1.5)


def test_timeslice_sli_rejects_unparsable_slice():
    with pytest.raises(ParameterError, match=r"slice 'abc' is not a duration; use e.g. '1min'"):
        timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="abc")


def test_timeslice_sli_rejects_non_positive_slice():
    with pytest.raises(ParameterError, match=r"slice '0min' must be a positive duration"):
        timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="0min")


def test_timeslice_sli_rejects_slice_not_whole_buckets():
    with pytest.raises(ParameterError, match=r"slice '7min' is not a whole number of the data's 5-minute"):
        timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="7min")


def test_timeslice_sli_rejects_slice_longer_than_period():
    with pytest.raises(ParameterError, match=r"slice '2h' is longer than the '1h' periods"):
        timeslice_sli(events(GOOD, TOTAL), slice_target=0.9, slice="2h", freq="1h")


def test_timeslice_sli_rejects_too_many_slices():
    # 1-microsecond slices over 100 years for 1500 series: 1500 x 3.2e15 slices overflow the slice index
    start = pd.Timestamp("1970-01-01", tz="UTC")
    times = [start, start + pd.Timedelta(microseconds=1), start + pd.DateOffset(years=100)]
    frame = pd.DataFrame({
        "timestamp": pd.DatetimeIndex(times * 1500).as_unit("us"),
        "service": np.repeat(np.arange(1500), 3),
        "slo": "a",
        "good": 1,
        "total": 1,
    })
    with pytest.raises(ParameterError, match=r"slice '1us' gives too many slices to count \(1500 groups"):
        timeslice_sli(frame, slice_target=0.9, slice="1us", freq=None)


def test_timeslice_sli_without_freq_starts_slices_at_the_first_bucket():
    # buckets at 00:02:30, 00:07:30, ...: 15-minute slices from 00:02:30 hold 3 buckets each -> 4 slices
    # with the hand example's verdicts: good, bad, no data, bad
    out = timeslice_sli(events(GOOD, TOTAL, start="2026-01-01T00:02:30Z"), slice_target=0.9, slice="15min",
                        freq=None)
    assert out[["good_slices", "slices", "no_data"]].iloc[0].tolist() == [1, 3, 1]


def test_timeslice_sli_rejects_empty_frame():
    with pytest.raises(InsufficientDataError, match=r"timeslice_sli: no rows; at least one bucket"):
        timeslice_sli(events([], []), slice_target=0.9)


def test_timeslice_sli_rejects_float_counts():
    frame = events(GOOD, TOTAL).astype({"good": float})
    with pytest.raises(DataError, match=r"column 'good' must hold integer event counts, not float64"):
        timeslice_sli(frame, slice_target=0.9)


def test_timeslice_sli_rejects_good_above_total():
    with pytest.raises(DataError, match=r"timeslice_sli: row 2: good \(11\) and total \(10\) must satisfy "
                                        r"0 <= good <= total"):
        timeslice_sli(events([10, 11], [10, 10]), slice_target=0.9)


def test_timeslice_sli_rejects_buckets_straddling_slices():
    # hourly buckets on UTC hours; Kolkata days start at 18:30 UTC, so the buckets straddle the slices
    frame = events([1] * 48, [1] * 48, step="1h")
    with pytest.raises(DataError, match=r"row 1: the bucket at 2026-01-01 00:00:00\+00:00 does not line up "
                                        r"with '1h' slices"):
        timeslice_sli(frame, slice_target=0.9, slice="1h", freq="1D", tz="Asia/Kolkata")


def test_timeslice_sli_rejects_naive_timestamps():
    frame = events(GOOD, TOTAL)
    frame["timestamp"] = frame["timestamp"].dt.tz_localize(None)
    with pytest.raises(DataError, match=r"timeslice_sli: column 'timestamp' holds datetime64\[us\] values"):
        timeslice_sli(frame, slice_target=0.9)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=48),
    st.integers(1, 6),
    st.floats(0.01, 1.0),
)
def test_timeslice_sli_properties(pairs, k, target):
    good = [min(a, b) for a, b in pairs]
    total = [max(a, b) for a, b in pairs]
    out = timeslice_sli(events(good, total), slice_target=target, slice=f"{5 * k}min", freq=None).iloc[0]
    assert 0 <= out["good_slices"] <= out["slices"]
    if out["slices"]:
        assert 0 <= out["sli"] <= 1
    # without freq, slices of k buckets start at the first bucket: n buckets make ceil(n / k) slices
    assert out["slices"] + out["no_data"] == -(-len(total) // k)


# ------------------------------------------------------------------------------------------- histograms


def hist(le, count, **labels) -> pd.DataFrame:
    frame = pd.DataFrame({"le": le, "count": count})
    for name, value in labels.items():
        frame.insert(0, name, value)
    return frame


# The brief's example: le = 0.1, 0.25, 0.5, 1, +Inf with cumulative counts 10, 40, 80, 95, 100.
LATENCY = hist([0.1, 0.25, 0.5, 1.0, INF], [10, 40, 80, 95, 100])


@pytest.mark.parametrize(("q", "expected"), [
    (0.9, 0.5 + (1 - 0.5) * (90 - 80) / (95 - 80)),  # rank 90 in (80, 95]: 0.8333...
    (0.5, 0.25 + (0.5 - 0.25) * (50 - 40) / (80 - 40)),  # rank 50 in (40, 80]: 0.3125
    (0.05, 0 + (0.1 - 0) * 5 / 10),  # rank 5 in the first bucket, lower bound 0: 0.05
    (0.0, 0.0),  # rank 0 in the first bucket: 0 + 0.1 * 0 / 10
    (0.95, 1.0),  # rank 95 reaches le=1 exactly: 0.5 + 0.5 * 15 / 15
    (0.99, 1.0),  # rank 99 in the +Inf bucket: upper bound of the second-highest bucket
    (1.0, 1.0),  # rank 100 in the +Inf bucket
    (-0.1, -INF),  # q < 0
    (1.5, INF),  # q > 1
])
def test_histogram_quantile_hand_examples(q, expected):
    assert histogram_quantile(LATENCY, q) == pytest.approx(expected, rel=1e-15)


def test_histogram_quantile_nan_q():
    assert np.isnan(histogram_quantile(LATENCY, float("nan")))


def test_histogram_quantile_clickhouse_documentation_example():
    # ClickHouse docs, quantilePrometheusHistogram: (0, 6), (0.5, 11), (1, 14), (inf, 19), median -> 0.35
    # (rank 9.5 in (6, 11]: 0 + 0.5 * 3.5 / 5)
    assert histogram_quantile(hist([0, 0.5, 1, INF], [6, 11, 14, 19]), 0.5) == pytest.approx(0.35, rel=1e-15)


# Prometheus histograms.test, ``testhistogram`` and ``testhistogram3`` at 50m (each series is 10 x its step).
TESTHISTOGRAM = pd.concat([
    hist(["0.1", ".2", "1e0", "+Inf"], [50, 70, 110, 120], start="positive"),
    hist(["-.2", "-0.1", "0.3", "+Inf"], [10, 20, 20, 30], start="negative"),
], ignore_index=True)
TESTHISTOGRAM3 = pd.concat([
    hist(["0", "0.1", ".2", "1e0", "+Inf"], [0, 50, 70, 110, 110], start="positive"),
    hist(["-.25", "-.2", "-0.1", "0.3", "+Inf"], [0, 10, 20, 20, 20], start="negative"),
], ignore_index=True)


@pytest.mark.parametrize(("q", "negative", "positive"), [
    (0, -0.2, 0), (0.2, -0.2, 0.048), (0.5, -0.15, 0.15), (0.8, 0.3, 0.72), (1, 0.3, 1),
    (-0.1, -INF, -INF), (1.01, INF, INF),
])
def test_histogram_quantile_prometheus_testhistogram(q, negative, positive):
    out = histogram_quantile(TESTHISTOGRAM, q, by=["start"])
    assert out["start"].tolist() == ["negative", "positive"]
    assert_allclose(out["quantile"], [negative, positive], rtol=1e-12)


@pytest.mark.parametrize(("q", "negative", "positive"), [
    (0, -0.25, 0), (0.25, -0.225, 0.055), (0.5, -0.2, 0.125), (0.75, -0.15, 0.45), (1, -0.1, 1),
])
def test_histogram_quantile_prometheus_testhistogram3(q, negative, positive):
    out = histogram_quantile(TESTHISTOGRAM3, q, by=["start"])
    assert_allclose(out["quantile"], [negative, positive], rtol=1e-12)


@pytest.mark.parametrize(("q", "expected"), [(1 / 6, 1), (0.5, 3), (5 / 6, 5)])
def test_histogram_quantile_prometheus_middle_of_bucket(q, expected):
    # histograms.test ``testhistogram2`` at 7m: le 0, 2, 4, 6, +Inf -> 0, 1, 2, 3, 3
    frame = hist([0, 2, 4, 6, INF], [0, 1, 2, 3, 3])
    assert histogram_quantile(frame, q) == pytest.approx(expected, rel=1e-12)


REQUESTS = pd.DataFrame({  # histograms.test ``request_duration_seconds`` at 50m
    "job": ["job1"] * 6 + ["job2"] * 6,
    "instance": (["ins1"] * 3 + ["ins2"] * 3) * 2,
    "le": ["0.1", "0.2", "+Inf"] * 4,
    "count": [10, 30, 40, 20, 50, 60, 30, 40, 60, 40, 70, 90],
})


def test_histogram_quantile_prometheus_aggregations():
    # buckets with the same le in one histogram are added up (coalesceBuckets), i.e. ``sum by (le)``
    assert histogram_quantile(REQUESTS, 0.3) == pytest.approx(0.075, rel=1e-12)
    assert histogram_quantile(REQUESTS, 0.5) == pytest.approx(0.1277777777777778, rel=1e-12)
    by_job = histogram_quantile(REQUESTS, 0.3, by=["job"])
    assert_allclose(by_job["quantile"], [0.1, 0.0642857142857143], rtol=1e-12)
    assert_allclose(histogram_quantile(REQUESTS, 0.5, by=["job"])["quantile"], [0.14, 0.1125], rtol=1e-12)
    both = histogram_quantile(REQUESTS, 0.5, by=["job", "instance"])
    assert list(both.columns) == ["job", "instance", "quantile"]
    assert_allclose(both["quantile"], [0.15, 0.13333333333333333, 0.1, 0.11666666666666667], rtol=1e-12)


@pytest.mark.parametrize(("q", "ins1"), [(0.5, 0.15), (0.75, 0.2), (1, 0.2)])
def test_histogram_quantile_prometheus_mixed_le_representations(q, ins1):
    # histograms.test ``mixed_bucket``: "0.2", "2e-1" and "2.0e-1" are one bucket; ins2 has only "+inf"/"+Inf"
    mixed = pd.DataFrame({
        "instance": ["ins1"] * 5 + ["ins2"] * 2,
        "le": ["0.1", "0.2", "2e-1", "2.0e-1", "+Inf", "+inf", "+Inf"],
        "count": [1, 1, 1, 1, 4, 0, 0],
    })
    out = histogram_quantile(mixed, q, by=["instance"])
    assert out["quantile"].iloc[0] == pytest.approx(ins1, rel=1e-12)
    assert np.isnan(out["quantile"].iloc[1])


@pytest.mark.parametrize("frame", [
    hist([0.1, 0.2, 1.0], [1, 2, 3]),  # no +Inf bucket
    hist([INF], [10]),  # fewer than two buckets
    hist([0.1, 0.2, INF], [0, 0, 0]),  # no observations (histograms.test ``empty_bucket``)
    hist([], []),  # nothing at all
], ids=["no-inf", "one-bucket", "no-observations", "empty"])
def test_histogram_quantile_nan_cases(frame):
    assert np.isnan(histogram_quantile(frame, 0.5))


def test_histogram_quantile_zero_quantile_with_empty_first_bucket_is_nan():
    # Prometheus: rank 0 lands in the first bucket, 0 + 0.1 * (0 / 0) = NaN
    assert np.isnan(histogram_quantile(hist([0.1, 1, INF], [0, 5, 10]), 0))


def test_histogram_quantile_negative_buckets_by_hand():
    # le -1, 0, 1, +Inf with counts 2, 5, 9, 10
    frame = hist([-1, 0, 1, INF], [2, 5, 9, 10])
    assert histogram_quantile(frame, 0.1) == -1  # rank 1 in the first bucket, whose bound -1 <= 0
    # rank 3 in (-1, 0]: -1 + (0 - -1) * (3 - 2) / (5 - 2) = -2/3
    assert histogram_quantile(frame, 0.3) == pytest.approx(-2 / 3, rel=1e-15)


def test_histogram_quantile_sorts_buckets_and_accepts_strings():
    shuffled = hist(["+Inf", "0.5", "0.1", "1", "0.25"], [100, 80, 10, 95, 40])
    assert histogram_quantile(shuffled, 0.9) == pytest.approx(0.8333333333333334, rel=1e-15)


def test_histogram_quantile_ignores_floating_point_noise():
    # 80 then 80 * (1 - 1e-13): within PromQL's 1e-12 tolerance, so not a decrease; the count is taken as 80
    # and q=0.9 is as in the brief's example: 0.8333...
    frame = hist([0.1, 0.25, 0.5, 0.75, 1, INF], [10, 40, 80, 80 * (1 - 1e-13), 95, 100])
    assert histogram_quantile(frame, 0.9) == pytest.approx(0.75 + 0.25 * 10 / 15, rel=1e-12)


def test_histogram_quantile_by_matches_single_histograms():
    out = histogram_quantile(TESTHISTOGRAM, 0.5, by=["start"])
    for start, value in zip(out["start"], out["quantile"], strict=True):
        single = TESTHISTOGRAM[TESTHISTOGRAM["start"] == start]
        assert histogram_quantile(single, 0.5) == pytest.approx(value, rel=1e-15)


def test_histogram_quantile_rejects_decreasing_counts():
    # histograms.test ``nonmonotonic_bucket`` at 50m; Prometheus flattens it, we name where it decreases
    frame = hist(["0.1", "1", "10", "100", "1000", "+Inf"], [20, 10, 50, 40, 90, 80], route="/pay")
    expected = (r"histogram_quantile: histogram route='/pay': cumulative count decreases at le=1.0 "
                r"\(10.0 after 20.0 at le=0.1\); counts of a classic histogram are cumulative")
    with pytest.raises(DataError, match=expected):
        histogram_quantile(frame, 0.5, by=["route"])


def test_histogram_quantile_rejects_missing_column():
    with pytest.raises(DataError, match=r"histogram_quantile: missing column\(s\) 'count'; found 'le'"):
        histogram_quantile(LATENCY.drop(columns="count"), 0.5)


def test_histogram_quantile_rejects_non_frame():
    with pytest.raises(DataError, match=r"buckets must be a DataFrame with columns 'le' and 'count', not li"):
        histogram_quantile([0.1, 0.2], 0.5)


def test_histogram_quantile_rejects_by_le():
    with pytest.raises(ParameterError, match=r"by \('le',\) includes 'le'; group by the labels"):
        histogram_quantile(LATENCY, 0.5, by=["le"])


def test_histogram_quantile_rejects_unparsable_le():
    with pytest.raises(DataError, match=r"row 2: le 'fast' is not a bucket upper bound; use numbers such"):
        histogram_quantile(hist(["0.1", "fast", "+Inf"], [1, 2, 3]), 0.5)


def test_histogram_quantile_rejects_nan_le():
    with pytest.raises(DataError, match=r"row 2: le nan is not a bucket upper bound \(NaN\)"):
        histogram_quantile(hist([0.1, float("nan"), INF], [1, 2, 3]), 0.5)


def test_histogram_quantile_rejects_text_counts():
    with pytest.raises(DataError, match=r"column 'count' must hold numbers \(cumulative counts\), not"):
        histogram_quantile(hist([0.1, INF], ["1", "2"]), 0.5)


def test_histogram_quantile_rejects_negative_counts():
    with pytest.raises(DataError, match=r"row 1: count -1.0 is not a count; counts are finite and >= 0"):
        histogram_quantile(hist([0.1, INF], [-1, 2]), 0.5)


def test_histogram_quantile_rejects_non_numeric_q():
    with pytest.raises(ParameterError, match=r"q '0.9' is not a number; give the quantile as a float"):
        histogram_quantile(LATENCY, "0.9")


# histogram_fraction ------------------------------------------------------------------------------


@pytest.mark.parametrize(("lower", "upper", "expected"), [
    (0, 0.3, (40 + (80 - 40) * (0.3 - 0.25) / (0.5 - 0.25)) / 100),  # 48 / 100
    (-INF, 0.3, 0.48),  # lower -Inf starts at rank 0, like lower 0 here
    (-1, 0.05, (0 + 10 * 0.05 / 0.1) / 100),  # 5 / 100: the first bucket spans (0, 0.1]
    (-INF, INF, 1.0),
    (2, INF, (100 - 95) / 100),  # nothing of the +Inf bucket is interpolated: rank(2) = 95
    (0.25, 1, (95 - 40) / 100),  # on bucket boundaries: 55 / 100
    (0.5, 0.1, 0.0),  # lower >= upper
])
def test_histogram_fraction_hand_examples(lower, upper, expected):
    assert histogram_fraction(LATENCY, lower, upper) == pytest.approx(expected, rel=1e-15, abs=1e-15)


def test_histogram_fraction_negative_first_bucket_by_hand():
    # le -1, 0, 1, +Inf with counts 2, 5, 9, 10; the first bucket spans (-Inf, -1]
    frame = hist([-1, 0, 1, INF], [2, 5, 9, 10])
    # rank(-0.5) in (-1, 0]: 2 + (5 - 2) * (-0.5 - -1) / (0 - -1) = 3.5 -> 0.35
    assert histogram_fraction(frame, -INF, -0.5) == pytest.approx(0.35, rel=1e-15)
    # rank(-2) in (-Inf, -1]: PromQL cannot interpolate there and takes the bucket's whole count 2 -> 0.2
    assert histogram_fraction(frame, -INF, -2) == pytest.approx(0.2, rel=1e-15)


@pytest.mark.parametrize(("lower", "upper", "expected"), [
    (0, 4, 0.6666666666666666), (0, 6, 1), (0, 3.5, 0.5833333333333334),
])
def test_histogram_fraction_prometheus_testhistogram2(lower, upper, expected):
    # histograms.test ``testhistogram2`` at 50m: le 0, 2, 4, 6, +Inf -> 0, 10, 20, 30, 30
    frame = hist([0, 2, 4, 6, INF], [0, 10, 20, 30, 30])
    assert histogram_fraction(frame, lower, upper) == pytest.approx(expected, rel=1e-12)


def test_histogram_fraction_prometheus_testhistogram3():
    out = histogram_fraction(TESTHISTOGRAM3, 0, 0.2, by=["start"])
    assert list(out.columns) == ["start", "fraction"]
    assert_allclose(out["fraction"], [0, 0.6363636363636364], rtol=1e-12)  # negative, positive


def test_histogram_fraction_prometheus_unit_test():
    # promql/quantile_test.go TestBucketFraction: buckets 1 -> 10, +Inf -> 30
    frame = hist([1, INF], [10, 30])
    assert histogram_fraction(frame, 0, 0.5) == pytest.approx(5 / 30, rel=1e-12)
    assert histogram_fraction(frame, 0, INF) == pytest.approx(1, rel=1e-12)
    assert histogram_fraction(frame, 1, 0) == 0


@pytest.mark.parametrize(("frame", "lower", "upper"), [
    (hist([0.1, 1.0], [1, 3]), 0, 1),  # no +Inf bucket
    (hist([0.1, INF], [0, 0]), 0, 1),  # no observations
    (LATENCY, float("nan"), 1),  # NaN bound
    (hist([], []), 0, 1),  # nothing at all
])
def test_histogram_fraction_nan_cases(frame, lower, upper):
    assert np.isnan(histogram_fraction(frame, lower, upper))


def test_histogram_fraction_single_inf_bucket():
    # BucketFraction does not need two buckets: rank(0.5) in (0, +Inf] adds nothing -> 0; (-Inf, +Inf) -> 1
    assert histogram_fraction(hist([INF], [10]), -INF, 0.5) == 0
    assert histogram_fraction(hist([INF], [10]), -INF, INF) == 1


def test_histogram_fraction_rejects_non_numeric_bounds():
    with pytest.raises(ParameterError, match=r"lower None is not a number; give a bound such as 0.3"):
        histogram_fraction(LATENCY, None, 1)
    with pytest.raises(ParameterError, match=r"upper '1' is not a number; give a bound such as 0.3"):
        histogram_fraction(LATENCY, 0, "1")


def test_histogram_fraction_rejects_decreasing_counts():
    with pytest.raises(DataError, match=r"histogram_fraction: the histogram: cumulative count decreases at "
                                        r"le=\+Inf \(5.0 after 9.0 at le=1.0\)"):
        histogram_fraction(hist([0.5, 1, INF], [3, 9, 5]), 0, 1)


@st.composite
def histograms(draw, *, positive: bool):
    """One classic histogram: 1-8 finite bounds, +Inf, cumulative integer counts with a positive total."""
    lo = 1 if positive else -500
    bounds = draw(st.lists(st.integers(lo, 1000), min_size=1, max_size=8, unique=True))
    increments = draw(st.lists(st.integers(0, 50), min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    assume(sum(increments) > 0)
    le = [*sorted(b / 100 for b in bounds), INF]
    return hist(le, np.cumsum(increments).astype(float))


@settings(max_examples=50, deadline=None)
@given(histograms(positive=False), st.floats(0.001, 1), st.floats(0.001, 1))
def test_histogram_quantile_is_monotone_in_q(frame, q1, q2):
    q1, q2 = sorted((q1, q2))
    assert histogram_quantile(frame, q1) <= histogram_quantile(frame, q2)


@settings(max_examples=50, deadline=None)
@given(histograms(positive=True), st.floats(0.001, 1))
def test_histogram_fraction_inverts_quantile(frame, q):
    counts = frame["count"].to_numpy()
    assume(q * counts[-1] <= counts[-2])  # the quantile falls inside a finite bucket, not in +Inf
    x = histogram_quantile(frame, q)
    assert histogram_fraction(frame, -INF, x) == pytest.approx(q, rel=1e-9)


# ------------------------------------------------------------------------------------------- sli_interval


def _cases():
    for n in (1, 2, 3, 5, 10, 37, 100, 1000, 10**6):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            yield k, n


@pytest.mark.parametrize(("method", "scipy_method"), [("wilson", "wilson"), ("clopper-pearson", "exact")])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.999])
def test_sli_interval_matches_scipy(method, scipy_method, confidence):
    cases = list(_cases())
    k = np.array([c[0] for c in cases])
    n = np.array([c[1] for c in cases])
    out = sli_interval(k, n, confidence=confidence, method=method)
    for i, (ki, ni) in enumerate(cases):
        ci = binomtest(int(ki), int(ni)).proportion_ci(confidence_level=confidence, method=scipy_method)
        assert out["lower"].iloc[i] == pytest.approx(ci.low, abs=1e-12), (ki, ni)
        assert out["upper"].iloc[i] == pytest.approx(ci.high, abs=1e-12), (ki, ni)
        assert out["sli"].iloc[i] == pytest.approx(ki / ni, rel=1e-15)


@pytest.mark.parametrize("target", [0.9, 0.99, 0.999])
def test_sli_interval_p_value_matches_scipy(target):
    cases = list(_cases())
    out = sli_interval([c[0] for c in cases], [c[1] for c in cases], target=target)
    expected = [binomtest(k, n, p=target, alternative="less").pvalue for k, n in cases]
    assert_allclose(out["p_below_target"], expected, rtol=1e-12, atol=1e-300)


def test_sli_interval_low_traffic_miss_is_not_significant():
    # 98 / 100 against 99 %: P[X <= 98 | Binomial(100, 0.99)] = 1 - P[99] - P[100]
    #   = 1 - 100 * 0.99^99 * 0.01 - 0.99^100 = 0.2642...; 9850 / 10000 is far below: p ~ 2e-6
    out = sli_interval([98, 9850], [100, 10000], target=0.99)
    assert out["p_below_target"].iloc[0] == pytest.approx(1 - 100 * 0.99**99 * 0.01 - 0.99**100, rel=1e-12)
    assert out["p_below_target"].iloc[1] < 1e-5


def test_sli_interval_no_data_and_layout():
    good = pd.Series([0, 5], index=["mon", "tue"])
    out = sli_interval(good, pd.Series([0, 10], index=["mon", "tue"]), target=0.9)
    assert list(out.columns) == ["good", "total", "sli", "lower", "upper", "p_below_target"]
    assert out.index.tolist() == ["mon", "tue"]
    assert out.loc["mon", ["sli", "lower", "upper", "p_below_target"]].isna().all()
    assert out["good"].dtype == np.int64
    assert "p_below_target" not in sli_interval(5, 10).columns


def test_sli_interval_scalar_total_broadcasts():
    out = sli_interval([1, 2, 3], 10)
    assert out["total"].tolist() == [10, 10, 10]


def test_sli_interval_rejects_method():
    with pytest.raises(ParameterError, match=r"method 'exact' is not one of 'wilson', 'clopper-pearson'"):
        sli_interval(5, 10, method="exact")


@pytest.mark.parametrize("confidence", [0, 1, 95, "0.95"])
def test_sli_interval_rejects_confidence(confidence):
    with pytest.raises(ParameterError, match=rf"confidence {confidence!r} is outside \(0, 1\): write 95 %"):
        sli_interval(5, 10, confidence=confidence)


def test_sli_interval_rejects_target():
    with pytest.raises(ParameterError, match=r"target 99.9 is outside \(0, 1\): write 99.9 % as 0.999"):
        sli_interval(5, 10, target=99.9)


def test_sli_interval_rejects_text_counts():
    with pytest.raises(DataError, match=r"sli_interval: good must be whole numbers of events; got 'many'"):
        sli_interval("many", 10)


def test_sli_interval_rejects_2d_counts():
    with pytest.raises(DataError, match=r"total must be a number or a 1-D array of counts, not of shape \(2"):
        sli_interval(1, [[1, 2], [3, 4]])


@pytest.mark.parametrize("bad", [-1, 2.5])
def test_sli_interval_rejects_non_counts(bad):
    with pytest.raises(DataError, match=rf"sli_interval: good {float(bad)!r} at position 1 is not a count; "
                                        r"counts are whole numbers >= 0"):
        sli_interval([1, bad], [10, 10])


def test_sli_interval_rejects_good_above_total():
    with pytest.raises(DataError, match=r"good \(11\) exceeds total \(10\) at position 0; good events are"):
        sli_interval(11, 10)


def test_sli_interval_rejects_different_lengths():
    with pytest.raises(DataError, match=r"good \(2 values\) and total \(3 values\) have different lengths"):
        sli_interval([1, 2], [3, 4, 5])


def test_sli_interval_rejects_misaligned_series():
    with pytest.raises(DataError, match=r"good and total are Series with different indexes; align them"):
        sli_interval(pd.Series([1, 2], index=[0, 1]), pd.Series([3, 4], index=[1, 2]))


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 10**6), st.floats(0, 1), st.sampled_from(["wilson", "clopper-pearson"]),
       st.floats(0.5, 0.999))
def test_sli_interval_brackets_the_sli(n, share, method, confidence):
    k = int(round(share * n))
    row = sli_interval(k, n, confidence=confidence, method=method).iloc[0]
    assert 0 <= row["lower"] <= row["sli"] <= row["upper"] <= 1
