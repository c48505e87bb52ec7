"""Tests of slm_analytics.trend: Mann-Kendall tests, Sen slopes, change points and STL.

Where expected values come from:

* hand calculations, shown in the comments next to each value;
* pymannkendall 1.4.3 (``original_test``, ``hamed_rao_modification_test``, ``seasonal_test``,
  ``sens_slope``; test-only dependency), scipy (``kendalltau``, ``theilslopes``) and statsmodels (``STL``)
  as independent references, to 1e-9 (absolute for scores, p-values and slopes; relative for variances);
* ruptures (``Pelt`` with the same segment cost, ``jump=1``) for the change-point search;
* the sample data's scripted events (``datasets/README.md``): the ``search`` latency degradation and the
  ``mobile-api`` latency regression deployed on 2026-06-16 09:30 UTC and fixed on 2026-09-08 10:15 UTC.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.stats import kendalltau, theilslopes

from slm_analytics import read_dataset
from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
from slm_analytics.sli import ratio_sli
from slm_analytics.trend import (
    ChangePointResult,
    TrendResult,
    _Cost,
    _pelt,
    _ruptures_cost,
    change_points,
    seasonal_trend_test,
    stl_decompose,
    trend_test,
    trend_tests,
)

TOL = 1e-9
DEPLOY = pd.Timestamp("2026-06-16 09:30", tz="UTC")
FIX = pd.Timestamp("2026-09-08 10:15", tz="UTC")


@pytest.fixture(scope="module")
def sli() -> pd.DataFrame:
    return read_dataset("sli_5min")


@pytest.fixture(scope="module")
def daily(sli) -> pd.DataFrame:
    return ratio_sli(sli, freq="1D")


def one(frame: pd.DataFrame, service: str, slo: str) -> pd.DataFrame:
    return frame[(frame["service"] == service) & (frame["slo"] == slo)].reset_index(drop=True)


def seeded_series(seed: int) -> np.ndarray:
    """Random walks plus a random linear trend; some rounded (ties), some with NaN gaps."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 300))
    x = 0.1 * rng.normal(size=n).cumsum() + rng.normal() * 0.01 * np.arange(n)
    if seed % 3 == 0:
        x = np.round(x, 1)
    if seed % 4 == 1:
        x[rng.random(n) < 0.15] = np.nan
    return x


def ar1(seed: int, n: int = 200, phi: float = 0.7, slope: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    x = np.empty(n)
    x[0] = e[0]
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return x + slope * np.arange(n)


def assert_matches_pymannkendall(ours: TrendResult, ref) -> None:
    assert ours.trend == ref.trend
    assert ours.h == bool(ref.h)
    assert ours.s == pytest.approx(ref.s, abs=TOL)
    assert ours.z == pytest.approx(ref.z, abs=TOL)
    assert ours.p_value == pytest.approx(ref.p, abs=TOL)
    assert ours.tau == pytest.approx(ref.Tau, abs=TOL)
    assert ours.var_s == pytest.approx(ref.var_s, rel=TOL, abs=TOL)
    assert ours.slope == pytest.approx(ref.slope, abs=TOL)
    assert ours.intercept == pytest.approx(ref.intercept, abs=TOL)


# ------------------------------------------------------------------------------------------- trend_test


def test_hand_calculation():
    # x = 1, 3, 2, 4: pairs (i<j) 1<3 1<2 1<4 3>2 3<4 2<4 -> S = 5 - 1 = 4
    # Var(S) = 4*3*13/18 = 8.667; z = (4 - 1)/sqrt(8.667) = 1.0190; tau = 4/6
    # slopes 2, 0.5, 1, -1, 0.5, 2 -> median (0.5 + 1)/2 = 0.75; intercept 2.5 - 1.5*0.75 = 1.375
    r = trend_test([1.0, 3.0, 2.0, 4.0])
    assert r.s == 4
    assert r.var_s == pytest.approx(156 / 18, rel=1e-12)
    assert r.z == pytest.approx(3 / math.sqrt(156 / 18), rel=1e-12)
    assert r.tau == pytest.approx(4 / 6, rel=1e-12)
    assert r.slope == pytest.approx(0.75, rel=1e-12)
    assert r.intercept == pytest.approx(1.375, rel=1e-12)
    assert (r.n, r.method, r.slope_unit, r.trend, r.h) == (4, "original", "step", "no trend", False)


def test_tie_correction_hand_calculation():
    # x = 1, 1, 2: S = 0 + 1 + 1 = 2; one tie group of 2: Var = (3*2*11 - 2*1*9)/18 = 48/18
    r = trend_test(np.array([1.0, 1.0, 2.0]))
    assert r.s == 2
    assert r.var_s == pytest.approx(48 / 18, rel=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_original_matches_pymannkendall_and_scipy(seed):
    x = seeded_series(seed)
    r = trend_test(x)
    assert_matches_pymannkendall(r, mk.original_test(x))
    sen = mk.sens_slope(x)
    assert r.slope == pytest.approx(sen.slope, abs=TOL)
    assert r.intercept == pytest.approx(sen.intercept, abs=TOL)
    ok = ~np.isnan(x)
    # scipy's interval (Sen 1968, eq. 2.6) on the non-NaN values at their positions; alpha there is the
    # confidence level
    ts = theilslopes(x[ok], np.flatnonzero(ok).astype(float), alpha=0.95)
    assert r.slope == pytest.approx(ts.slope, abs=TOL)
    assert r.slope_low == pytest.approx(ts.low_slope, abs=TOL)
    assert r.slope_high == pytest.approx(ts.high_slope, abs=TOL)
    assert r.slope_low <= r.slope <= r.slope_high
    if len(np.unique(x[ok])) == ok.sum():  # without ties tau-a is scipy's tau-b
        assert r.tau == pytest.approx(kendalltau(np.flatnonzero(ok), x[ok]).statistic, abs=TOL)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.3])
def test_alpha_sets_decision_and_interval(alpha):
    x = ar1(3, n=120, slope=0.01)
    r = trend_test(x, alpha=alpha)
    assert_matches_pymannkendall(r, mk.original_test(x, alpha=alpha))
    ts = theilslopes(x, alpha=1 - alpha)
    assert (r.slope_low, r.slope_high) == pytest.approx((ts.low_slope, ts.high_slope), abs=TOL)


@pytest.mark.parametrize("seed", range(8))
def test_hamed_rao_matches_pymannkendall(seed):
    x = ar1(seed, n=60 + 30 * seed, phi=0.2 + 0.1 * seed, slope=0.004 * (seed - 3))
    if seed % 2:
        x = np.round(x, 1)  # ties
    r = trend_test(x, method="hamed_rao")
    assert r.method == "hamed_rao"
    assert_matches_pymannkendall(r, mk.hamed_rao_modification_test(x))
    # the interval follows the corrected variance: wider when it is inflated, narrower when deflated
    plain = trend_test(x)
    assert r.slope == plain.slope
    if r.var_s >= plain.var_s:
        assert r.slope_low <= plain.slope_low and r.slope_high >= plain.slope_high
    else:
        assert r.slope_low >= plain.slope_low and r.slope_high <= plain.slope_high


def test_hamed_rao_inflates_variance_under_strong_autocorrelation():
    x = ar1(21, n=300, phi=0.9, slope=0.01)
    r, plain = trend_test(x, method="hamed_rao"), trend_test(x)
    assert r.var_s > 3 * plain.var_s
    assert r.p_value > plain.p_value


def test_hamed_rao_falls_back_when_the_correction_is_not_positive():
    # alternating values: Hamed-Rao's n/n* comes out negative (pymannkendall then gives a negative
    # variance); the uncorrected variance is used
    x = np.random.default_rng(8).normal(size=20) + 3 * (np.arange(20) % 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mk.hamed_rao_modification_test(x)
    r = trend_test(x, method="hamed_rao")
    assert ref.var_s < 0
    assert r.var_s == pytest.approx(trend_test(x).var_s, rel=1e-12)


@pytest.mark.parametrize("method", ["original", "hamed_rao"])
def test_constant_series(method):
    x = np.full(40, 0.999)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division-by-zero warnings
        r = trend_test(x, method=method)
    assert (r.trend, r.h, r.s, r.z, r.p_value, r.tau) == ("no trend", False, 0, 0.0, 1.0, 0.0)
    assert (r.slope, r.slope_low, r.slope_high, r.var_s) == (0.0, 0.0, 0.0, 0.0)
    assert r.intercept == pytest.approx(0.999, rel=1e-12)
    ref = mk.original_test(x)
    assert (ref.p, ref.slope, ref.s) == (1.0, 0.0, 0.0)


def test_nan_keeps_the_time_axis():
    x = np.array([1.0, np.nan, np.nan, 2.0, 4.0, np.nan, 3.0, 5.0])
    r = trend_test(x)
    ok = ~np.isnan(x)
    assert r.n == 5
    assert r.slope == pytest.approx(theilslopes(x[ok], np.flatnonzero(ok)).slope, abs=TOL)
    assert_matches_pymannkendall(r, mk.original_test(x))


def test_datetime_index_gives_slope_per_day():
    rng = np.random.default_rng(7)
    x = rng.normal(size=96) + 0.05 * np.arange(96)
    hourly = pd.Series(x, index=pd.date_range("2026-03-01", periods=96, freq="h", tz="UTC"))
    per_step = trend_test(x)
    per_day = trend_test(hourly)
    assert per_day.slope_unit == "day"
    assert per_day.slope == pytest.approx(24 * per_step.slope, rel=1e-12)
    assert (per_day.s, per_day.z) == (per_step.s, per_step.z)
    # the intercept is at the first timestamp in both cases
    assert per_day.intercept == pytest.approx(per_step.intercept, rel=1e-12)


def test_missing_days_equal_nan_days_and_unsorted_index_is_sorted():
    rng = np.random.default_rng(8)
    days = pd.date_range("2026-01-01", periods=60, freq="D", tz="UTC")
    x = pd.Series(rng.normal(size=60).cumsum(), index=days)
    holes = x.copy()
    holes.iloc[[5, 6, 30, 41]] = np.nan
    dropped = holes.dropna().sample(frac=1.0, random_state=1)  # rows missing, shuffled
    a, b = trend_test(holes), trend_test(dropped)
    for field in ("s", "z", "p_value", "var_s", "slope", "intercept", "slope_low", "slope_high", "n"):
        assert getattr(a, field) == pytest.approx(getattr(b, field), abs=TOL)


def test_result_repr_and_frame():
    r = trend_test(np.arange(10.0))
    text = repr(r)
    assert text.startswith("TrendResult(trend='increasing'")
    assert "slope=1 per step [1, 1] (95% CI)" in text
    frame = r.to_frame()
    assert list(frame.columns) == ["trend", "h", "p_value", "z", "tau", "s", "var_s", "slope", "intercept",
                                   "slope_low", "slope_high", "n", "method", "alpha", "slope_unit"]
    assert len(frame) == 1


def test_search_latency_degrades(daily):
    # datasets/README.md: slow degradation of search latency over the year
    d = one(daily, "search", "latency")
    r = trend_test(1 - d.set_index("timestamp")["sli"], method="hamed_rao")
    assert (r.trend, r.n) == ("increasing", 365)
    assert r.slope_low > 0


# ------------------------------------------------------------------------------------------- properties


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=30, deadline=None)
@given(st.lists(finite, min_size=3, max_size=60, unique=True))
def test_strictly_increasing_gives_positive_s_and_slope(values):
    x = np.sort(np.array(values))
    assume(np.all(np.diff(x) > 0))
    r = trend_test(x)
    n = len(x)
    assert r.s == n * (n - 1) // 2
    assert r.tau == pytest.approx(1.0)
    assert r.slope > 0 and r.slope_low > 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(finite, st.just(float("nan"))), min_size=3, max_size=60),
       st.sampled_from(["original", "hamed_rao"]))
def test_negation_negates_s_z_and_slope(values, method):
    x = np.array(values)
    assume(np.count_nonzero(~np.isnan(x)) >= 3)
    a, b = trend_test(x, method=method), trend_test(-x, method=method)
    assert b.s == -a.s
    assert b.z == pytest.approx(-a.z, abs=1e-9)
    assert b.slope == pytest.approx(-a.slope, abs=1e-9)
    assert b.p_value == pytest.approx(a.p_value, abs=1e-9)
    assert 0 <= a.p_value <= 1 and -1 <= a.tau <= 1 and a.var_s >= 0


@settings(max_examples=30, deadline=None)
@given(st.lists(finite, min_size=3, max_size=40), st.floats(0.1, 100), st.floats(-100, 100))
def test_positive_affine_map_keeps_the_test(values, scale, shift):
    x = np.array(values)
    a, b = trend_test(x), trend_test(scale * x + shift)
    assume(len(np.unique(scale * x + shift)) == len(np.unique(x)))  # rounding may merge values
    assert (b.s, b.trend) == (a.s, a.trend)
    assert b.z == pytest.approx(a.z, abs=1e-9)
    assert b.slope == pytest.approx(scale * a.slope, rel=1e-9, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.one_of(finite, st.just(float("nan"))), min_size=8, max_size=8), min_size=1,
                max_size=5),
       st.sampled_from(["original", "hamed_rao"]))
def test_fleet_equals_single_series(rows, method):
    x = np.array(rows)
    assume(all(np.count_nonzero(~np.isnan(r)) >= 3 for r in x))
    days = pd.date_range("2026-01-01", periods=x.shape[1], freq="D", tz="UTC")
    frame = pd.DataFrame({"timestamp": np.tile(days, len(x)), "service": np.repeat(np.arange(len(x)), 8),
                          "slo": "latency", "sli": x.ravel()})
    fleet = trend_tests(frame, method=method)
    for i, row in fleet.iterrows():
        single = trend_test(pd.Series(x[i], index=days), method=method).to_frame().iloc[0]
        for field in ("s", "n", "trend", "h", "method", "slope_unit"):
            assert row[field] == single[field]
        for field in ("z", "p_value", "tau", "var_s", "slope", "intercept", "slope_low", "slope_high"):
            assert row[field] == pytest.approx(single[field], abs=1e-9)


# ------------------------------------------------------------------------------------------- seasonal


@pytest.mark.parametrize(("seed", "period"), [(0, 7), (1, 7), (2, 12), (3, 4), (4, 7), (5, 24)])
def test_seasonal_matches_pymannkendall(seed, period):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3 * period, 400))
    x = np.sin(2 * np.pi * np.arange(n) / period) + 0.3 * rng.normal(size=n) + 0.002 * np.arange(n)
    if seed % 2:
        x = np.round(x, 1)
    if seed in (1, 4):
        x[rng.random(n) < 0.1] = np.nan
    r = seasonal_trend_test(x, period=period)
    ref = mk.seasonal_test(x, period=period)
    assert r.method == "seasonal"
    assert r.trend == ref.trend
    for ours, theirs in ((r.s, ref.s), (r.z, ref.z), (r.p_value, ref.p), (r.tau, ref.Tau),
                         (r.intercept, ref.intercept)):
        assert ours == pytest.approx(theirs, abs=TOL)
    assert r.var_s == pytest.approx(ref.var_s, rel=TOL)
    # pymannkendall's seasonal slope is per cycle, ours per step
    assert r.slope * period == pytest.approx(ref.slope, abs=TOL)
    assert r.slope_low <= r.slope <= r.slope_high


def test_seasonal_hand_calculation():
    # period 2, x = 1, 10, 2, 12, 3, 11: season 0 = 1, 2, 3 (S = 3, Var = 3*2*11/18 = 11/3),
    # season 1 = 10, 12, 11 (S = 1 + 1 - 1 = 1, Var = 11/3): S' = 4, Var = 22/3, z = 3/sqrt(22/3)
    # slopes per cycle 1, 1, 1 and 2, 1, -1 -> median 1 per cycle = 0.5 per step
    r = seasonal_trend_test([1.0, 10.0, 2.0, 12.0, 3.0, 11.0], period=2)
    assert r.s == 4
    assert r.var_s == pytest.approx(22 / 3, rel=1e-12)
    assert r.z == pytest.approx(3 / math.sqrt(22 / 3), rel=1e-12)
    assert r.tau == pytest.approx(4 / 6, rel=1e-12)
    assert r.slope == pytest.approx(0.5, rel=1e-12)


def test_seasonal_on_a_daily_index_uses_days(daily):
    d = one(daily, "notifications", "delivery").set_index("timestamp")["sli"]
    r = seasonal_trend_test(1 - d, period=7)
    ref = mk.seasonal_test((1 - d).to_numpy(), period=7)
    assert (r.trend, r.slope_unit) == ("increasing", "day")
    assert r.slope * 7 == pytest.approx(ref.slope, abs=TOL)
    assert r.z == pytest.approx(ref.z, abs=TOL)


def test_seasonal_constant_series():
    r = seasonal_trend_test(np.ones(28), period=7)
    assert (r.trend, r.p_value, r.slope, r.s, r.var_s) == ("no trend", 1.0, 0.0, 0, 0.0)


# ------------------------------------------------------------------------------------------- fleet


def test_fleet_on_sample_data_equals_single_series(daily):
    frame = daily.copy()
    frame["error_rate"] = 1 - frame["sli"]
    # gaps and different starts: drop the first 30 days of one series, blank out days of another
    frame = frame[~((frame["service"] == "email") & (frame["timestamp"] < "2025-12-01"))].copy()
    blank = (frame["service"] == "reporting") & (frame["timestamp"].dt.day == 3)
    frame.loc[blank, "error_rate"] = np.nan
    fleet = trend_tests(frame, value="error_rate", method="hamed_rao")
    assert len(fleet) == 28
    assert list(fleet.columns[:2]) == ["service", "slo"]
    for row in fleet.itertuples(index=False):
        s = one(frame, row.service, row.slo).set_index("timestamp")["error_rate"]
        r = trend_test(s, method="hamed_rao")
        assert (row.s, row.n, row.trend) == (r.s, r.n, r.trend)
        assert_allclose([row.z, row.p_value, row.slope, row.intercept, row.slope_low, row.slope_high],
                        [r.z, r.p_value, r.slope, r.intercept, r.slope_low, r.slope_high], rtol=0, atol=TOL)
    search = fleet[(fleet["service"] == "search") & (fleet["slo"] == "latency")].iloc[0]
    assert search["trend"] == "increasing"


def test_fleet_matches_pymannkendall_loop():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(40, 120)).cumsum(axis=1) + rng.normal(size=(40, 1)) * np.arange(120) * 0.05
    frame = pd.DataFrame({"timestamp": np.tile(np.arange(120), 40), "service": np.repeat(np.arange(40), 120),
                          "slo": "a", "sli": x.ravel()})
    fleet = trend_tests(frame)
    ref = [mk.original_test(row) for row in x]
    assert_allclose(fleet["s"], [r.s for r in ref], atol=0)
    assert_allclose(fleet["z"], [r.z for r in ref], atol=TOL)
    assert_allclose(fleet["p_value"], [r.p for r in ref], atol=TOL)
    assert_allclose(fleet["slope"], [r.slope for r in ref], atol=TOL)
    assert_allclose(fleet["intercept"], [r.intercept for r in ref], atol=TOL)
    assert (fleet["slope_unit"] == "step").all()


def test_fleet_errors():
    frame = pd.DataFrame({"timestamp": pd.date_range("2026-01-01", periods=4, tz="UTC").repeat(2),
                          "service": ["a", "b"] * 4, "slo": "x", "sli": np.arange(8.0)})
    with pytest.raises(DataError, match=r"missing column\(s\) 'value'"):
        trend_tests(frame, value="value")
    with pytest.raises(DataError, match=r"appears more than once for series service='a', slo='x'"):
        trend_tests(pd.concat([frame, frame.iloc[:1]]))
    short = frame[~((frame["service"] == "b") & (frame["timestamp"] > "2026-01-02"))]
    with pytest.raises(InsufficientDataError, match=r"series service='b', slo='x' has 2 non-NaN value"):
        trend_tests(short)
    with pytest.raises(ParameterError, match=r"method 'sen' is not one of 'original', 'hamed_rao'"):
        trend_tests(frame, method="sen")
    with pytest.raises(DataError, match=r"column 'timestamp' holds str values"):
        trend_tests(frame.assign(timestamp=frame["timestamp"].astype(str)))
    with pytest.raises(DataError, match=r"column 'timestamp' has missing times"):
        trend_tests(frame.assign(timestamp=frame["timestamp"].where(frame.index != 0)))
    with pytest.raises(InsufficientDataError, match="no rows; each series needs at least 3"):
        trend_tests(frame.iloc[:0])


def test_fleet_without_groups_and_numeric_time():
    frame = pd.DataFrame({"step": [3, 1, 2, 0], "sli": [0.4, 0.2, 0.3, 0.1]})
    out = trend_tests(frame, time="step", by=())
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["s"], row["slope"], row["slope_unit"]) == (6, pytest.approx(0.1), "step")


# ------------------------------------------------------------------------------------------- input errors


@pytest.mark.parametrize("x", [[1.0, 2.0], [np.nan, 1.0, np.nan, 2.0]])
def test_too_short(x):
    with pytest.raises(InsufficientDataError,
                       match=r"2 non-NaN value\(s\); the Mann-Kendall test needs at least 3"):
        trend_test(x)


def test_all_nan():
    with pytest.raises(InsufficientDataError,
                       match="every value is NaN; the Mann-Kendall test needs at least 3"):
        trend_test([np.nan] * 5)


def test_no_values():
    with pytest.raises(InsufficientDataError, match="no values; the Mann-Kendall test needs at least 3"):
        trend_test([])


def test_missing_timestamp():
    index = pd.DatetimeIndex(["2026-01-01", None, "2026-01-03"], tz="UTC")
    with pytest.raises(DataError, match="the index holds NaT; every value needs a timestamp"):
        trend_test(pd.Series([1.0, 2.0, 3.0], index=index))


def test_unknown_method():
    with pytest.raises(ParameterError, match=r"method 'yue_wang' is not one of 'original', 'hamed_rao'"):
        trend_test([1.0, 2.0, 3.0], method="yue_wang")


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.1, True, "0.05"])
def test_alpha_outside_unit_interval(alpha):
    with pytest.raises(ParameterError, match=r"alpha .* is outside \(0, 1\)"):
        trend_test([1.0, 2.0, 3.0], alpha=alpha)
    with pytest.raises(ParameterError, match=r"alpha .* is outside \(0, 1\)"):
        seasonal_trend_test(np.arange(20.0), alpha=alpha)


def test_bad_values():
    with pytest.raises(DataError, match="values at position 1 is inf; values must be finite"):
        trend_test([1.0, np.inf, 3.0])
    with pytest.raises(DataError, match="values must be numbers"):
        trend_test(["a", "b", "c"])
    with pytest.raises(DataError, match=r"must be one series \(1-D\), not of shape \(2, 3\)"):
        trend_test(np.ones((2, 3)))
    with pytest.raises(DataError, match="got a DataFrame with columns a; pass one column"):
        trend_test(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
    days = pd.DatetimeIndex(["2026-01-01", "2026-01-02", "2026-01-02"], tz="UTC")
    with pytest.raises(DataError, match="timestamp 2026-01-02 00:00:00\\+00:00 appears more than once"):
        trend_test(pd.Series([1.0, 2.0, 3.0], index=days))


@pytest.mark.parametrize("period", [1, 0, 2.5, True])
def test_period_below_two(period):
    with pytest.raises(ParameterError, match=r"period .* must be a whole number >= 2"):
        seasonal_trend_test(np.arange(30.0), period=period)
    with pytest.raises(ParameterError, match=r"period .* must be a whole number >= 2"):
        stl_decompose(np.arange(30.0), period=period)


def test_seasonal_needs_two_full_periods():
    with pytest.raises(InsufficientDataError, match=r"13 non-NaN value\(s\); the seasonal test with period 7 "
                                                    r"needs at least 14"):
        seasonal_trend_test(np.arange(13.0), period=7)
    with pytest.raises(InsufficientDataError, match="every value is NaN"):
        seasonal_trend_test([np.nan] * 20, period=7)
    days = pd.date_range("2026-01-01", periods=16, freq="D", tz="UTC")
    with pytest.raises(DataError, match="is off the regular grid of step 1 days"):
        off_grid = days + pd.to_timedelta([0] * 15 + [3], unit="h")
        seasonal_trend_test(pd.Series(np.arange(16.0), index=off_grid), period=7)


# ------------------------------------------------------------------------------------------- change points


def test_change_points_find_the_mobile_api_regression(daily):
    d = one(daily, "mobile-api", "latency")
    result = change_points(d)
    assert isinstance(result, ChangePointResult)
    when = result.points["timestamp"]
    # the first day of the new segment is within a day of the deploy and of the fix
    assert ((when - DEPLOY.floor("D")).abs() <= pd.Timedelta(days=1)).sum() == 1
    assert ((when - FIX.floor("D")).abs() <= pd.Timedelta(days=1)).sum() == 1
    step = result.points[(when - DEPLOY.floor("D")).abs() <= pd.Timedelta(days=1)].iloc[0]
    # README: bad share ~0.004 -> ~0.0105 after the deploy, ~0.005 after the fix
    assert step["before"] == pytest.approx(0.004, abs=0.001)
    assert step["after"] == pytest.approx(0.0105, abs=0.001)
    assert step["change"] == pytest.approx(step["after"] - step["before"], rel=1e-12)
    seg = result.segments
    assert seg["points"].sum() == 365
    assert (seg["good"] + seg["bad"] == seg["total"]).all()
    assert seg["total"].sum() == d["total"].sum()
    assert_allclose(seg["level"] + seg["sli"], 1.0, rtol=1e-12)
    assert result.to_frame().equals(result.points)
    assert "2026-06-17" in repr(result)


def test_change_points_on_hourly_data(sli):
    for start, end, when in (("2026-06-02", "2026-06-30", DEPLOY), ("2026-08-25", "2026-09-22", FIX)):
        part = one(sli, "mobile-api", "latency")
        part = part[(part["timestamp"] >= start) & (part["timestamp"] < end)]
        hourly = ratio_sli(part, freq="1h")
        found = change_points(hourly).points["timestamp"]
        assert ((found - when).abs() <= pd.Timedelta(hours=2)).any()


def test_change_points_of_a_series_of_values(daily):
    d = one(daily, "mobile-api", "latency").set_index("timestamp")["sli"]
    result = change_points(d)
    assert result.cost == "normal"
    when = result.points["timestamp"]
    assert ((when - DEPLOY.floor("D")).abs() <= pd.Timedelta(days=1)).any()
    assert ((when - FIX.floor("D")).abs() <= pd.Timedelta(days=1)).any()


def test_constant_series_has_no_change_points():
    days = pd.date_range("2026-01-01", periods=120, freq="D", tz="UTC")
    total = np.full(120, 100_000)
    frame = pd.DataFrame({"timestamp": days, "good": total - 500, "total": total})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(change_points(frame).points) == 0
        assert len(change_points(frame.assign(good=total)).points) == 0  # no errors at all
        assert len(change_points(pd.Series(0.995, index=days)).points) == 0
    result = change_points(frame)
    assert len(result.segments) == 1
    assert result.segments["level"].iloc[0] == pytest.approx(0.005, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_binomial_noise_has_no_change_points(seed):
    rng = np.random.default_rng(seed)
    total = rng.integers(50_000, 150_000, 200)
    bad = rng.binomial(total, 0.003)
    frame = pd.DataFrame({"timestamp": pd.date_range("2026-01-01", periods=200, tz="UTC"),
                          "good": total - bad, "total": total})
    assert len(change_points(frame).points) == 0


def test_a_synthetic_step_is_located_exactly():
    rng = np.random.default_rng(4)
    total = rng.integers(50_000, 150_000, 100)
    p = np.where(np.arange(100) < 60, 0.002, 0.004)
    bad = rng.binomial(total, p)
    days = pd.date_range("2026-01-01", periods=100, tz="UTC")
    result = change_points(pd.DataFrame({"timestamp": days, "good": total - bad, "total": total}))
    assert list(result.points["timestamp"]) == [days[60]]
    assert result.dispersion == pytest.approx(1.0, abs=0.5)  # binomial data: phi close to 1


def optimal_partition(cost, n: int, pen: float, min_size: int) -> list[int]:
    """Reference: optimal partitioning (Jackson et al. 2005), every earlier change point tried, no pruning."""
    f = np.full(n + 1, np.inf)
    f[0] = -pen
    last = np.zeros(n + 1, dtype=int)
    for t in range(min_size, n + 1):
        taus = np.arange(0, t - min_size + 1)
        c = f[taus] + cost(taus, t) + pen
        last[t] = taus[np.argmin(c)]
        f[t] = c.min()
    out, t = [], n
    while t > 0:
        t = int(last[t])
        if t > 0:
            out.append(t)
    return sorted(out)


def penalised_cost(cost, n: int, starts: list[int], pen: float) -> float:
    b = [0, *starts, n]
    return sum(float(cost(b[i], b[i + 1])) for i in range(len(b) - 1)) + pen * len(starts)


@pytest.fixture(scope="module")
def pelt_cases(daily):
    mobile = one(daily, "mobile-api", "latency")
    search = one(daily, "search", "latency").iloc[:150]
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, 60), rng.normal(2, 1, 30), rng.normal(-1, 1, 50)])
    return {  # name: (cost, minimum segment, penalty)
        "mobile": (_Cost("binomial", (mobile["total"] - mobile["good"]).to_numpy(float),
                         mobile["total"].to_numpy(float), 150.0), 3, 3 * math.log(365)),
        "search": (_Cost("binomial", (search["total"] - search["good"]).to_numpy(float),
                         search["total"].to_numpy(float), 50.0), 2, 10.0),
        "normal-1": (_Cost("normal", x, None, 1.0), 1, 3 * math.log(140)),
        "normal-7": (_Cost("normal", x, None, 1.0), 7, 5.0),
    }


@pytest.mark.parametrize("name", ["mobile", "search", "normal-1", "normal-7"])
def test_pelt_is_exact(pelt_cases, name):
    cost, min_size, pen = pelt_cases[name]
    n = len(cost.ca) - 1
    ours = _pelt(cost, n, pen, min_size)
    assert ours  # each case has change points
    assert ours == optimal_partition(cost, n, pen, min_size)


@pytest.mark.parametrize("name", ["mobile", "normal-1", "normal-7"])
def test_pelt_matches_ruptures(pelt_cases, name):
    import ruptures as rpt

    cost, min_size, pen = pelt_cases[name]
    n = len(cost.ca) - 1
    algo = rpt.Pelt(custom_cost=_ruptures_cost(cost, min_size), min_size=min_size, jump=1)
    assert _pelt(cost, n, pen, min_size) == algo.fit(np.zeros((n, 1))).predict(pen=pen)[:-1]


def test_ruptures_pelt_can_miss_the_optimum_with_a_minimum_size(pelt_cases):
    # ruptures prunes a candidate as soon as it is dominated, although the path that dominates it may need a
    # segment shorter than min_size; with min_size = 2 on this series it returns a worse segmentation
    import ruptures as rpt

    cost, min_size, pen = pelt_cases["search"]
    n = len(cost.ca) - 1
    theirs = rpt.Pelt(custom_cost=_ruptures_cost(cost, min_size), min_size=min_size, jump=1)
    theirs = theirs.fit(np.zeros((n, 1))).predict(pen=pen)[:-1]
    ours = _pelt(cost, n, pen, min_size)
    assert penalised_cost(cost, n, ours, pen) < penalised_cost(cost, n, theirs, pen) - 1


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=12, max_size=60), st.floats(1, 20), st.floats(1, 20))
def test_larger_penalty_never_adds_change_points(values, pen, extra):
    s = pd.Series(values)
    a = change_points(s, penalty=pen, dispersion=1.0)
    b = change_points(s, penalty=pen + extra, dispersion=1.0)
    assert len(b.points) <= len(a.points)
    assert a.segments["points"].sum() == len(values)
    assert (a.segments["points"] >= 3).all()


def test_binseg_uses_ruptures(daily):
    d = one(daily, "mobile-api", "latency")
    result = change_points(d, method="binseg")
    assert result.method == "binseg"
    when = result.points["timestamp"]
    assert ((when - DEPLOY.floor("D")).abs() <= pd.Timedelta(days=1)).any()


def test_change_point_errors():
    days = pd.date_range("2026-01-01", periods=10, tz="UTC")
    frame = pd.DataFrame({"timestamp": days, "good": np.full(10, 90), "total": np.full(10, 100)})
    with pytest.raises(InsufficientDataError,
                       match=r"5 period\(s\) with data; finding a change needs at least 2 x min_size = 6"):
        change_points(frame.iloc[:5])
    with pytest.raises(DataError, match=r"row 2: good \(120.0\) and total \(100.0\) must satisfy"):
        change_points(frame.assign(good=[90, 90, 120, 90, 90, 90, 90, 90, 90, 90]))
    with pytest.raises(DataError, match="appears more than once; change points need one series"):
        change_points(pd.concat([frame, frame]))
    with pytest.raises(DataError, match=r"missing column\(s\) 'good'"):
        change_points(frame.drop(columns="good"))
    with pytest.raises(ParameterError, match=r"method 'dynp' is not one of 'pelt', 'binseg'"):
        change_points(frame, method="dynp")
    with pytest.raises(ParameterError, match="min_size 0 must be a whole number >= 1"):
        change_points(frame, min_size=0)
    with pytest.raises(ParameterError, match="penalty -1 must be a positive number"):
        change_points(frame, penalty=-1)
    with pytest.raises(ParameterError, match="dispersion 0 must be a positive number"):
        change_points(frame, dispersion=0)
    with pytest.raises(ParameterError, match="robust 'yes' must be True or False"):
        change_points(frame, robust="yes")


# ------------------------------------------------------------------------------------------- STL


def test_stl_matches_statsmodels(daily):
    from statsmodels.tsa.seasonal import STL

    traffic = one(daily, "checkout", "availability").set_index("timestamp")["total"].astype(float)
    parts = stl_decompose(traffic, period=7)
    ref = STL(traffic.to_numpy(), period=7, robust=True).fit()
    assert_allclose(parts["trend"], ref.trend, rtol=1e-12)
    assert_allclose(parts["seasonal"], ref.seasonal, rtol=1e-12, atol=1e-6)
    assert_allclose(parts["resid"], ref.resid, rtol=1e-12, atol=1e-6)
    assert parts.index.equals(traffic.index)
    assert not parts["filled"].any()


def test_stl_fills_gaps():
    days = pd.date_range("2026-01-01", periods=42, freq="D", tz="UTC")
    x = pd.Series(10 + np.tile([0, 1, 2, 3, 4, 5, 6.0], 6) + 0.1 * np.arange(42), index=days)
    x.iloc[3] = np.nan
    gappy = x.drop(days[[10, 11]])
    parts = stl_decompose(gappy, period=7)
    assert len(parts) == 42 and parts.index.equals(days)
    assert list(np.flatnonzero(parts["filled"])) == [3, 10, 11]
    # linear interpolation in time between the neighbours
    assert parts["observed"].iloc[10] == pytest.approx(x.iloc[9] + (x.iloc[12] - x.iloc[9]) / 3, rel=1e-12)
    assert_allclose(parts["trend"] + parts["seasonal"] + parts["resid"], parts["observed"], rtol=1e-12)


def test_stl_errors():
    with pytest.raises(InsufficientDataError, match=r"13 non-NaN value\(s\); STL with period 7"):
        stl_decompose(np.arange(13.0), period=7)
    with pytest.raises(InsufficientDataError, match="every value is NaN"):
        stl_decompose([np.nan] * 30)
    days = pd.date_range("2026-01-01", periods=30, freq="D", tz="UTC")
    with pytest.raises(DataError, match="is off the regular grid"):
        stl_decompose(pd.Series(np.arange(30.0), index=days + pd.to_timedelta([0] * 29 + [5], unit="h")))
    with pytest.raises(ParameterError, match="robust 1 must be True or False"):
        stl_decompose(np.arange(30.0), robust=1)


# ------------------------------------------------------------------------------------------- imports


def test_import_is_light():
    code = ("import sys, slm_analytics.trend; "
            "print(sorted(m for m in ('statsmodels', 'ruptures') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
