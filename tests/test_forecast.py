"""Tests of slm_analytics.forecast: error-rate forecasts, breach probabilities, exhaustion, backtests.

Where expected values come from:

* hand calculations, shown in the comments next to each value (constant-rate series make every simulated
  path identical, so attainment, exhaustion day and straight line are exact);
* statsmodels ``ETSModel`` (the maximum-likelihood reference for the fast method) and its implementation of
  the ETS(A,Ad,N) forecast-variance formula of Hyndman & Athanasopoulos, FPP3 §8.7;
* the closed-form CRPS of a normal distribution (Gneiting & Raftery 2007, eq. 5) and scipy's normal
  quantiles;
* the SRE Workbook, ch. 5: burn rates 1, 2 and 3 spend a 30-day budget in 30, 15 and 10 days;
* the project's own tested functions as independent aggregations: ``ratio_sli`` and ``timeslice_sli``
  (daily counts), ``calendar_windows`` (the DST-correct month of the docs example), pandas rolling sums;
* the sample data's scripted events (``datasets/README.md``) for the backtests.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.stats import norm

from slm_analytics import read_dataset
from slm_analytics.catalog import SLO
from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
from slm_analytics.forecast import (
    _CRPS_TAUS,
    BreachProbability,
    ExhaustionTime,
    ForecastResult,
    _Fit,
    _pinball_crps,
    backtest_breach,
    backtest_forecasts,
    breach_probabilities,
    breach_probability,
    exhaustion_time,
    forecast_sli,
    target_achievability,
)
from slm_analytics.sli import ratio_sli, timeslice_sli
from slm_analytics.windows import calendar_windows

Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def sli() -> pd.DataFrame:
    return read_dataset("sli_5min")


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


@pytest.fixture(scope="module")
def daily(sli) -> pd.DataFrame:
    return ratio_sli(sli, freq="1D")


def make_slo(target=0.999, window="28d", service="svc", name="availability") -> SLO:
    return SLO(service=service, name=name, indicator={"kind": "ratio", "good": "g", "total": "t"},
               target=target, window=window)


def daily_counts(bad, total, *, start="2026-01-01", service="svc", slo="availability", tz="UTC"):
    """Daily counts of one series from arrays of bad and total events per day."""
    bad, total = np.asarray(bad, dtype=np.int64), np.asarray(total, dtype=np.int64)
    return pd.DataFrame({
        "service": service, "slo": slo,
        "timestamp": pd.date_range(start, periods=len(total), freq="D", tz=tz, unit="us"),
        "good": total - bad, "total": total,
    })


# ------------------------------------------------------------------------------------------- forecast_sli


def test_import_does_not_load_statsmodels_or_scipy():
    code = ("import sys, slm_analytics.forecast; "
            "print(sorted(m for m in ('statsmodels', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_forecast_columns_and_bounds(daily):
    fc = forecast_sli(daily, horizon=5)
    assert isinstance(fc, ForecastResult)
    f = fc.to_frame()
    assert f.columns.tolist() == ["service", "slo", "timestamp", "horizon", "mean", "median", "lower_80",
                                  "upper_80", "lower_95", "upper_95"]
    assert len(f) == 27 * 5
    cols = ["lower_95", "lower_80", "median", "upper_80", "upper_95"]
    v = f[cols].to_numpy()
    assert np.isfinite(v).all() and (v >= 0).all() and (v <= 1).all()
    assert (np.diff(v, axis=1) >= 0).all()  # intervals nest around the median
    # the data ends on 2026-10-31 (UTC): the first forecast day is 2026-11-01
    assert (f.loc[f["horizon"] == 1, "timestamp"] == pd.Timestamp("2026-11-01", tz="UTC")).all()
    assert (fc.parameters["days"] == 365).all() and (fc.parameters["filled"] == 0).all()


def test_fast_method_close_to_statsmodels_ets(daily):
    # statsmodels' ETSModel(error="add", trend="add", damped_trend=True) fitted by maximum likelihood is the
    # reference; on all 27 SLOs the median relative difference is 0.14 % (docstring Notes). Here 6 SLOs,
    # tolerance 1 % on the median and 10 % on the 90th percentile of the relative differences.
    keys = [("checkout", "latency"), ("payments", "availability"), ("search", "latency"),
            ("mobile-api", "latency"), ("notifications", "delivery"), ("reporting", "availability")]
    sub = daily[pd.Series(list(zip(daily["service"].astype(str), daily["slo"].astype(str), strict=True)),
                          index=daily.index).isin(keys)]
    fast = forecast_sli(sub, horizon=14, method="fast").forecasts
    ets = forecast_sli(sub, horizon=14, method="ets").forecasts
    for col in ("median", "lower_80", "upper_80"):
        rel = np.abs(fast[col].to_numpy() / ets[col].to_numpy() - 1)
        assert np.median(rel) < 0.01, col
        assert np.quantile(rel, 0.9) < 0.10, col


def test_damped_trend_forecast_and_variance_by_hand():
    # level 0, trend 1, phi 0.9: forecasts 0.9, 0.9 + 0.81 = 1.71, 1.71 + 0.729 = 2.439
    # alpha 0.5, beta 0.1, sigma^2 1: c_1 = 0.5 + 0.1 * 0.9 = 0.59, c_2 = 0.5 + 0.1 * (0.9 + 0.81) = 0.671
    # variances 1, 1 + 0.59^2 = 1.3481, 1.3481 + 0.671^2 = 1.798341
    one = np.array([1.0])
    fit = _Fit(np.array([0.0]), one, 0.5 * one, 0.1 * one, 0.9 * one, one, 100 * one)
    mean, var = fit.forecast(3)
    assert_allclose(mean[0], [0.9, 1.71, 2.439], rtol=1e-12)
    assert_allclose(var[0], [1.0, 1.3481, 1.798341], rtol=1e-12)


@pytest.mark.parametrize(("alpha", "beta", "phi"), [(0.3, 0.05, 0.9), (0.001, 1e-7, 0.8), (0.8, 0.16, 0.98)])
def test_variance_equals_fpp3_closed_form(alpha, beta, phi):
    # FPP3 §8.7, ETS(A,Ad,N) (the formula statsmodels implements in ETSResults._relative_forecast_variance)
    h = np.arange(1, 31)
    fpp3 = (1 + alpha**2 * (h - 1)
            + (beta * phi * h) / (1 - phi) ** 2 * (2 * alpha * (1 - phi) + beta * phi)
            - (beta * phi * (1 - phi**h)) / ((1 - phi) ** 2 * (1 - phi**2))
            * (2 * alpha * (1 - phi**2) + beta * phi * (1 + 2 * phi - phi**h)))
    one = np.array([1.0])
    _, var = _Fit(0 * one, 0 * one, alpha * one, beta * one, phi * one, one, one).forecast(30)
    assert_allclose(var[0], fpp3, rtol=1e-9)


def test_gaps_are_regularised_not_a_crash():
    rng = np.random.default_rng(3)
    total = rng.poisson(2000, 60)
    bad = rng.binomial(total, 0.002)
    frame = daily_counts(bad, total)
    frame.loc[10:14, "total"] = 0  # five days without events
    frame.loc[10:14, "good"] = 0
    frame = frame.drop(index=[30, 31, 40])  # three missing days
    for method in ("fast", "ets"):
        fc = forecast_sli(frame, horizon=3, method=method)
        assert fc.parameters.loc[0, "filled"] == 8
        assert fc.parameters.loc[0, "days"] == 60
        assert np.isfinite(fc.forecasts[["median", "lower_95", "upper_95"]].to_numpy()).all()
        assert fc.forecasts["timestamp"].iloc[0] == pd.Timestamp("2026-03-02", tz="UTC")  # day after Mar 1


def test_series_are_fitted_independently():
    # three series with different spans, fitted together and one at a time: the same forecasts
    rng = np.random.default_rng(0)
    frames = []
    for i, (start, n) in enumerate([("2026-01-01", 90), ("2026-02-10", 50), ("2026-01-20", 60)]):
        total = rng.poisson(3000, n)
        bad = rng.binomial(total, np.clip(0.002 * np.exp(rng.normal(0, 0.4, n)), 0, 1))
        frames.append(daily_counts(bad, total, start=start, service=f"s{i}"))
    joint = forecast_sli(pd.concat(frames, ignore_index=True), horizon=5).forecasts
    alone = pd.concat([forecast_sli(f, horizon=5).forecasts for f in frames], ignore_index=True)
    for col in ("median", "lower_95", "upper_95"):
        assert_allclose(joint[col], alone[col], rtol=1e-9)


def test_constant_series_has_zero_width_intervals():
    # 1 bad of 1000 every day: logit((1 + 0.5) / 1001) every day, so sigma = 0 and every bound is 1.5 / 1001
    frame = daily_counts(np.ones(30), np.full(30, 1000))
    for method in ("fast", "ets"):
        f = forecast_sli(frame, horizon=4, method=method).forecasts
        for col in ("mean", "median", "lower_80", "upper_80", "lower_95", "upper_95"):
            assert_allclose(f[col], 1.5 / 1001, rtol=1e-6)


def test_forecast_days_are_local_midnights_across_dst():
    # Europe/London clocks go forward on 2026-03-29: forecast days stay local midnights (23 h apart there)
    frame = daily_counts(np.full(30, 3), np.full(30, 5000), start="2026-02-26", tz="Europe/London")
    f = forecast_sli(frame, horizon=4).forecasts
    local = f["timestamp"].dt.tz_convert("Europe/London")
    assert (local.dt.hour == 0).all()
    assert local.dt.day.tolist() == [28, 29, 30, 31]


def test_ets_seasonal_option_runs():
    rng = np.random.default_rng(5)
    total = rng.poisson(3000, 42)
    bad = rng.binomial(total, np.tile([0.001, 0.001, 0.001, 0.001, 0.001, 0.004, 0.004], 6))
    f = forecast_sli(daily_counts(bad, total), horizon=7, method="ets", seasonal=True).forecasts
    assert f["median"].iloc[5] > f["median"].iloc[0]  # the weekend (days 6-7 of the cycle) is forecast worse


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 5000)), min_size=14, max_size=40),
       st.floats(0.5, 0.9), st.floats(0.91, 0.99))
@settings(max_examples=40, deadline=None)
def test_intervals_nest(rows, inner, outer):
    bad = np.array([min(b, t) for b, t in rows])
    total = np.array([t for _, t in rows])
    f = forecast_sli(daily_counts(bad, total), horizon=10, levels=(inner, outer)).forecasts
    lo_o, lo_i = f[f"lower_{100 * outer:g}"], f[f"lower_{100 * inner:g}"]
    hi_i, hi_o = f[f"upper_{100 * inner:g}"], f[f"upper_{100 * outer:g}"]
    assert (lo_o <= lo_i).all() and (lo_i <= f["median"]).all()
    assert (f["median"] <= hi_i).all() and (hi_i <= hi_o).all()
    assert ((f["mean"] >= 0) & (f["mean"] <= 1)).all() and ((lo_o >= 0) & (hi_o <= 1)).all()


def test_forecast_errors():
    ok = daily_counts(np.ones(20), np.full(20, 100))
    with pytest.raises(InsufficientDataError, match="has 13 days with data; at least 14 days"):
        forecast_sli(ok.iloc[:13])
    with pytest.raises(ParameterError, match="horizon 0 must be an integer >= 1"):
        forecast_sli(ok, horizon=0)
    with pytest.raises(ParameterError, match="unknown method 'arima'; expected one of 'ets', 'fast'"):
        forecast_sli(ok, method="arima")
    with pytest.raises(ParameterError, match=r"levels \(0.8, 1.2\) must be coverage probabilities"):
        forecast_sli(ok, levels=(0.8, 1.2))
    with pytest.raises(ParameterError, match="seasonal=True needs method='ets'"):
        forecast_sli(ok, seasonal=True)
    nan = ok.astype({"good": float})
    nan.loc[3, "good"] = np.nan
    with pytest.raises(DataError, match="row 4: 'good' is NaN"):
        forecast_sli(nan)
    with pytest.raises(DataError, match="rows 1 and 21 are the same day of the same series"):
        forecast_sli(pd.concat([ok, ok.iloc[:1]], ignore_index=True))
    shifted = ok.assign(timestamp=ok["timestamp"] + pd.Timedelta(hours=6))
    with pytest.raises(DataError, match="is not a midnight in UTC"):
        forecast_sli(shifted)
    with pytest.raises(DataError, match="timezone-aware day starts are needed"):
        forecast_sli(ok.assign(timestamp=ok["timestamp"].dt.tz_localize(None)))
    with pytest.raises(DataError, match="missing column"):
        forecast_sli(ok.drop(columns="total"))
    with pytest.raises(DataError, match=r"good \(101\) and total \(100\) must satisfy"):
        forecast_sli(ok.assign(good=101))


# ----------------------------------------------------------------------------------------- breach probability


def test_constant_rate_attainment_and_straight_line_by_hand():
    # 2 bad of 4000 every day: every path attains exactly 1 - 0.0005 = 0.9995 >= 0.999, so P(miss) = 0 and
    # the 95 % Wilson upper bound with 2,000 paths is z^2 / (2000 + z^2) = 3.8415 / 2003.8415 = 0.001917
    frame = daily_counts(np.full(60, 2), np.full(60, 4000))
    bp = breach_probability(frame, make_slo(0.999), as_of="2026-02-20T00:00Z", seed=1, tz="UTC")
    assert isinstance(bp, BreachProbability)
    assert bp.probability == 0 and bp.low == 0
    assert bp.high == pytest.approx(Z95**2 / (2000 + Z95**2), rel=1e-9)
    assert_allclose(bp.attainment, 0.9995, rtol=1e-12)
    assert bp.straight_line_attainment == pytest.approx(0.9995, rel=1e-12)
    # rolling 28d, horizon 7d: window Jan 27 - Feb 24, 21 days observed (Jan 27 - Feb 19), 7 simulated
    assert bp.window_start == pd.Timestamp("2026-01-30", tz="UTC")
    assert bp.window_end == pd.Timestamp("2026-02-27", tz="UTC")
    assert (bp.observed_days, bp.simulated_days) == (21, 7)
    assert bp.observed_total == 21 * 4000 and bp.observed_good == 21 * 3998
    assert bp.as_of == pd.Timestamp("2026-02-20", tz="UTC")
    assert bp.to_frame().notna().all(axis=None)


def test_certain_miss():
    # 40 bad of 4000 (1 %) every day against 99.9 %: every path misses
    frame = daily_counts(np.full(60, 40), np.full(60, 4000))
    bp = breach_probability(frame, make_slo(0.999), seed=1, tz="UTC")
    assert bp.probability == 1 and bp.high == 1
    assert bp.low == pytest.approx(2000 / (2000 + Z95**2), rel=1e-9)  # Wilson lower bound at p = 1


def test_all_good_slo_is_near_zero_without_nan():
    frame = daily_counts(np.zeros(90), np.full(90, 50_000))
    bp = breach_probability(frame, make_slo(0.999), seed=2, tz="UTC")
    # Jeffreys rate ~ Beta(1/2, 12 weeks * 350,000 + 1/2): far below the 0.1 % budget
    assert bp.probability == 0 and bp.low == 0 and 0 < bp.high < 0.002
    assert np.isfinite(bp.to_frame().select_dtypes("number").to_numpy()).all()
    assert bp.attainment.min() > 0.9999


def test_all_good_low_traffic_slo_keeps_an_honest_risk():
    # 5 events a day and none bad in 12 weeks (N = 420): the Jeffreys posterior of the rate has its median
    # near 0.23 / 420 = 0.05 % (above a 99.99 % target's 0.01 % budget), so a miss stays quite possible
    frame = daily_counts(np.zeros(90), np.full(90, 5))
    bp = breach_probability(frame, make_slo(0.9999), seed=2, tz="UTC")
    assert 0.3 < bp.probability < 1


def test_interval_includes_history_uncertainty():
    # weekly windows; 12 history weeks from Monday 2026-01-05, every other week at 0.3 % errors (a miss at
    # 99.9 %), the others clean: P(miss) = the weighted share of bad weeks, and how large that share is
    # depends on which weeks the history happens to hold, so the interval is much wider than Monte Carlo
    # error alone (Wilson at 2,000 paths, about +/- 2 points)
    per_day = np.tile(np.repeat([0, 12], 7), 6)  # bad events per day at 4,000 a day
    frame = daily_counts(per_day, np.full(84, 4000), start="2026-01-05")
    bp = breach_probability(frame, make_slo(0.999, "week"), as_of="2026-03-30T00:00Z", seed=5, tz="UTC")
    assert 0.2 < bp.probability < 0.8
    mc = 2 * Z95 * math.sqrt(bp.probability * (1 - bp.probability) / 2000)
    assert bp.high - bp.low > 5 * mc


def test_low_traffic_gives_wider_attainment():
    # the same 0.2 % error probability per event; 40 events a day vs 400,000: binomial noise of small counts
    rng = np.random.default_rng(11)
    spreads = []
    for n in (40, 400_000):
        total = np.full(120, n)
        bad = rng.binomial(total, 0.002)
        bp = breach_probability(daily_counts(bad, total), make_slo(0.99, "month"), seed=3, tz="UTC")
        spreads.append(bp.attainment_p90 - bp.attainment_p10)
    assert spreads[0] > 10 * spreads[1]


def test_calendar_month_window_in_local_time(sli, catalog):
    # as_of 2026-03-10 in Europe/London: the March window of calendar_windows (its docs example), 9 days
    # observed (1-9 March), 22 simulated; observed counts = ratio_sli's London days 1-9 March
    slo = catalog.slo("checkout", "availability")
    month = slo.model_copy(update={"window": "month"})
    bp = breach_probability(sli, month, tz="Europe/London", as_of="2026-03-10T00:00Z", n_paths=200, seed=1)
    w = calendar_windows("2026-03-10T00:00Z", "2026-03-10T00:01Z", period="month", tz="Europe/London")
    assert bp.window_start == w.loc[0, "window_start"] and bp.window_end == w.loc[0, "window_end"]
    assert bp.window_end == pd.Timestamp("2026-03-31 23:00", tz="UTC")
    assert (bp.observed_days, bp.simulated_days) == (9, 22)
    one = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")]
    d = ratio_sli(one, freq="1D", tz="Europe/London")
    march = d[(d["timestamp"] >= pd.Timestamp("2026-03-01", tz="Europe/London"))
              & (d["timestamp"] < pd.Timestamp("2026-03-10", tz="Europe/London"))]
    assert bp.observed_total == march["total"].sum() and bp.observed_good == march["good"].sum()


def test_timeslices_slo_counts_slices(sli, catalog):
    # checkout/uptime is a Timeslices SLO (5m slices at 0.9): observed counts are timeslice_sli's slices
    slo = catalog.slo("checkout", "uptime")
    bp = breach_probability(sli, slo, tz="Europe/London", as_of="2026-03-10T00:00Z", n_paths=200, seed=1)
    one = sli[(sli["service"] == "checkout") & (sli["slo"] == "uptime")]
    d = timeslice_sli(one, slice_target=0.9, slice="5m", freq="1D", tz="Europe/London")
    march = d[(d["timestamp"] >= pd.Timestamp("2026-03-01", tz="Europe/London"))
              & (d["timestamp"] < pd.Timestamp("2026-03-10", tz="Europe/London"))]
    assert bp.observed_total == march["slices"].sum() == 9 * 288
    assert bp.observed_good == march["good_slices"].sum()


def test_daily_input_gives_the_same_answer(sli, catalog):
    slo = catalog.slo("payments", "availability")
    one = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    days = ratio_sli(one, freq="1D", tz="Europe/London")
    a = breach_probability(one, slo, tz="Europe/London", as_of="2026-02-10T00:00Z", n_paths=500, seed=4)
    b = breach_probability(days, slo, tz="Europe/London", as_of="2026-02-10T00:00Z", n_paths=500, seed=4)
    assert a.probability == b.probability
    assert_allclose(a.attainment, b.attainment, rtol=1e-12)


def test_fleet_agrees_with_single(sli, catalog):
    fleet = breach_probabilities(sli, catalog, as_of="2026-07-10T00:00Z", n_paths=2000, seed=1)
    assert len(fleet) == 27 and fleet[["service", "slo"]].apply(tuple, axis=1).tolist() == [
        o.key for o in catalog.slos]
    assert fleet[["probability", "low", "high", "attainment_median"]].notna().all(axis=None)
    assert ((fleet["low"] <= fleet["probability"]) & (fleet["probability"] <= fleet["high"])).all()
    slo = catalog.slo("mobile-api", "latency")
    one = breach_probability(sli, slo, tz="Asia/Seoul", as_of="2026-07-10T00:00Z", n_paths=2000, seed=9)
    row = fleet[(fleet["service"] == "mobile-api") & (fleet["slo"] == "latency")].iloc[0]
    for k in ("window_start", "window_end", "observed_good", "observed_total", "straight_line_attainment"):
        assert row[k] == getattr(one, k)
    # different random numbers: agree within Monte Carlo error (probability about 0.3, sd 0.01 each)
    assert abs(row["probability"] - one.probability) < 0.06


def test_regression_raises_risk(sli, catalog):
    # mobile-api/latency regressed on 2026-06-16 (datasets/README.md) and missed July: the risk for July
    # rises as July's days are observed
    slo = catalog.slo("mobile-api", "latency")
    p = [breach_probability(sli, slo, tz="Asia/Seoul", as_of=f"2026-07-{d:02d}T00:00Z", n_paths=1000,
                            seed=1).probability for d in (3, 17, 28)]
    assert p[0] < p[1] < p[2] and p[0] < 0.2 and p[2] > 0.8


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 3000)), min_size=21, max_size=45),
       st.floats(0.9, 0.9999), st.floats(0.9, 0.9999), st.sampled_from(["28d", "7d", "month", "week"]),
       st.integers(0, 2**16))
@settings(max_examples=40, deadline=None)
def test_probability_in_unit_interval_and_monotone_in_target(rows, t1, t2, window, seed):
    bad = np.array([min(b, t) for b, t in rows])
    total = np.array([t for _, t in rows])
    frame = daily_counts(bad, total)
    lo, hi = sorted((t1, t2))
    slo = make_slo(0.99, window)
    p_lo = breach_probability(frame, slo, target=lo, n_paths=200, seed=seed, tz="UTC")
    p_hi = breach_probability(frame, slo, target=hi, n_paths=200, seed=seed, tz="UTC")
    for p in (p_lo, p_hi):
        assert 0 <= p.low <= p.probability <= p.high <= 1
    assert p_lo.probability <= p_hi.probability


def test_breach_errors(sli, catalog):
    frame = daily_counts(np.full(60, 2), np.full(60, 4000))
    slo = make_slo()
    with pytest.raises(ParameterError, match="as_of 2026-05-01 00:00:00.* is after the end of the data"):
        breach_probability(frame, slo, as_of="2026-05-01T00:00Z", tz="UTC")
    with pytest.raises(InsufficientDataError, match="has 10 days with events before as_of; at least 14 days"):
        breach_probability(frame, slo, as_of="2026-01-11T00:00Z", tz="UTC")
    with pytest.raises(ParameterError, match=r"target 1.5 is outside \(0, 1\)"):
        breach_probability(frame, slo, target=1.5, tz="UTC")
    with pytest.raises(ParameterError, match="horizon '36h' must be a positive whole number of days"):
        breach_probability(frame, slo, horizon="36h", tz="UTC")
    with pytest.raises(ParameterError, match="horizon '0d' is not a positive duration"):
        breach_probability(frame, slo, horizon="0d", tz="UTC")
    with pytest.raises(ParameterError, match="slo must be a catalog SLO"):
        breach_probability(frame, "svc/availability", tz="UTC")
    with pytest.raises(ParameterError, match="n_paths 0 must be an integer >= 1"):
        breach_probability(frame, slo, n_paths=0, tz="UTC")
    with pytest.raises(ParameterError, match="as_of '2026-02-01' has no time zone"):
        breach_probability(frame, slo, as_of="2026-02-01", tz="UTC")
    with pytest.raises(ParameterError, match="unknown time zone 'Mars/Base'"):
        breach_probability(frame, slo, tz="Mars/Base")
    with pytest.raises(ParameterError, match="seed 'x' must be None, an integer or a numpy Generator"):
        breach_probability(frame, slo, seed="x", tz="UTC")
    with pytest.raises(InsufficientDataError, match="no rows for SLO svc/latency in the data"):
        breach_probability(frame, make_slo(name="latency"), tz="UTC")
    nan = frame.astype({"total": float})
    nan.loc[5, "total"] = np.nan
    with pytest.raises(DataError, match="row 6: 'total' is NaN"):
        breach_probability(nan, slo, tz="UTC")
    with pytest.raises(InsufficientDataError, match="none of the catalog's SLOs has rows"):
        breach_probabilities(frame, catalog)


def test_gappy_daily_data_is_simulated(catalog):
    rng = np.random.default_rng(8)
    total = rng.poisson(3000, 70)
    frame = daily_counts(rng.binomial(total, 0.0008), total).drop(index=[20, 21, 22, 50])
    bp = breach_probability(frame, make_slo(0.999, "month"), seed=1, tz="UTC")
    assert np.isfinite(bp.attainment).all() and 0 <= bp.probability <= 1


# ------------------------------------------------------------------------------------------- exhaustion time


def test_exhaustion_burn_rate_2_spends_30_day_budget_in_15_days():
    # SRE Workbook ch. 5: burn rate 2 spends a 30-day budget in 15 days. April has 30 days; 2 bad of 1000
    # a day against 99.9 %: budget 0.001 * 30,000 = 30 events, spent at 2 a day by the end of day 15
    frame = daily_counts(np.full(90, 2), np.full(90, 1000))
    ex = exhaustion_time(frame, make_slo(0.999, "month"), as_of="2026-04-01T00:00Z", seed=1, tz="UTC")
    assert isinstance(ex, ExhaustionTime)
    assert ex.burn_rate == pytest.approx(2.0, rel=1e-9) and ex.remaining == pytest.approx(1.0, rel=1e-9)
    assert ex.probability == 1
    for q in (ex.median, ex.low, ex.high, ex.straight_line):
        assert q / pd.Timedelta(days=1) == pytest.approx(15, abs=1e-3)
    assert ex.window_end == pd.Timestamp("2026-05-01", tz="UTC")


def test_exhaustion_rolling_budget_that_lasts():
    # 1 bad of 2000 a day against 99.9 % over 28 days: burn rate 0.5, half the budget left (28 of 56 events),
    # never exhausted; straight line 28 events / 1 a day = 28 days
    frame = daily_counts(np.full(60, 1), np.full(60, 2000))
    ex = exhaustion_time(frame, make_slo(0.999, "28d"), seed=1, tz="UTC")
    assert ex.remaining == pytest.approx(0.5, rel=1e-9) and ex.burn_rate == pytest.approx(0.5, rel=1e-9)
    assert ex.probability == 0 and ex.median is None and ex.high is None
    assert ex.straight_line / pd.Timedelta(days=1) == pytest.approx(28, abs=1e-3)
    assert ex.window_end == ex.as_of + pd.Timedelta(days=28)
    assert ex.to_frame().loc[0, "probability"] == 0


def test_exhaustion_already_spent():
    frame = daily_counts(np.full(60, 10), np.full(60, 2000))  # 0.5 % against 99.9 %
    ex = exhaustion_time(frame, make_slo(0.999, "28d"), seed=1, tz="UTC")
    assert ex.remaining < 0 and ex.probability == 1
    assert ex.median == pd.Timedelta(0) and ex.straight_line == pd.Timedelta(0)


def test_time_zone_from_tz_or_catalog_never_assumed(sli, catalog):
    slo = catalog.slo("search", "latency")  # search runs in America/New_York
    at = {"as_of": "2026-10-10T00:00Z", "n_paths": 300, "seed": 2}
    by_catalog = breach_probability(sli, slo, catalog=catalog, **at)
    by_tz = breach_probability(sli, slo, tz="America/New_York", **at)
    assert by_catalog.probability == by_tz.probability and by_catalog.window_start == by_tz.window_start
    # New York's days start at 04:00 UTC in October (EDT)
    assert by_tz.window_start.tz_convert("America/New_York").strftime("%H:%M") == "00:00"
    assert target_achievability(sli, slo, catalog=catalog).to_frame().equals(
        target_achievability(sli, slo, tz="America/New_York").to_frame())
    # an explicit tz wins over the catalog's
    utc = breach_probability(sli, slo, catalog=catalog, tz="UTC", **at)
    assert utc.window_start.tz_convert("UTC").strftime("%H:%M") == "00:00"
    for func in (breach_probability, exhaustion_time, target_achievability):
        with pytest.raises(ParameterError, match="give tz= .*time zone of service 'search'.* or catalog="):
            func(sli, slo)


def test_exhaustion_on_sample_data(sli, catalog):
    # notifications/delivery misses October 2026 (datasets/README.md): exhaustion is likely before Nov 1
    ex = exhaustion_time(sli, catalog.slo("notifications", "delivery"), catalog=catalog,
                         as_of="2026-10-10T00:00Z", seed=1)
    assert ex.probability > 0.5 and ex.median is not None and ex.low <= ex.median
    with pytest.raises(ParameterError, match="horizon '2x' is not a positive duration"):
        exhaustion_time(sli, catalog.slo("checkout", "availability"), horizon="2x", catalog=catalog)


# ------------------------------------------------------------------------------------------- achievability


def test_achievability_by_hand():
    # Jan, Feb, Mar 2026 at 1,000 events a day; error rates 0.05 %, 0.2 %, 0.08 %
    rates = np.concatenate([np.full(31, 0.5), np.full(28, 2.0), np.full(31, 0.8)])
    frame = daily_counts(rates * 1, np.full(90, 1000))
    frame["good"] = 1000 - np.concatenate([np.full(31, 1), np.full(28, 2), np.full(31, 1)])
    # attainment: Jan 1 - 1/1000 = 0.999, Feb 1 - 2/1000 = 0.998, Mar 0.999
    ach = target_achievability(frame, make_slo(0.999, "month"), targets=[0.998, 0.999, 0.9995], tz="UTC")
    assert_allclose(ach.attainment["attainment"], [0.999, 0.998, 0.999], rtol=1e-12)
    t = ach.targets.set_index("target")
    assert t.loc[0.998, "met"] == 3 and t.loc[0.999, "met"] == 2 and t.loc[0.9995, "met"] == 0
    assert t.loc[0.999, "share_met"] == pytest.approx(2 / 3)
    assert bool(t.loc[0.999, "current"]) and t.loc[0.999, "independent_windows"] == pytest.approx(3.0)
    # budget left at 99.8 %: (0.999 - 0.998) / 0.002 = 0.5 (Jan, Mar) and 0 (Feb): median 0.5, worst 0
    assert t.loc[0.998, "budget_remaining_median"] == pytest.approx(0.5, abs=1e-9)
    assert t.loc[0.998, "budget_remaining_worst"] == pytest.approx(0.0, abs=1e-9)
    assert ach.to_frame().columns[:2].tolist() == ["service", "slo"]


def test_achievability_rolling_matches_pandas_rolling(daily, catalog):
    one = daily[(daily["service"] == "checkout") & (daily["slo"] == "availability")].reset_index(drop=True)
    ach = target_achievability(one, catalog.slo("checkout", "availability"), tz="UTC")
    ref = one["good"].rolling(28).sum() / one["total"].rolling(28).sum()
    assert_allclose(ach.attainment["attainment"], ref.dropna(), rtol=1e-12)
    assert len(ach.attainment) == 365 - 27
    assert ach.targets["target"].tolist() == [0.99, 0.995, 0.999, 0.9995]
    assert ach.quantiles([0.0, 1.0]).tolist() == [ref.min(), ref.max()]


def test_achievability_errors():
    frame = daily_counts(np.ones(20), np.full(20, 1000))
    with pytest.raises(InsufficientDataError, match="no complete past window; 28 days of data is needed"):
        target_achievability(frame, make_slo(0.999, "28d"), tz="UTC")
    with pytest.raises(ParameterError, match=r"target 99.9 is outside \(0, 1\)"):
        target_achievability(frame, make_slo(0.999, "7d"), targets=[99.9], tz="UTC")
    with pytest.raises(ParameterError, match="targets is empty"):
        target_achievability(frame, make_slo(0.999, "7d"), targets=[], tz="UTC")


# ------------------------------------------------------------------------------------------- backtests


def test_crps_from_quantiles_matches_normal_closed_form():
    # Gneiting & Raftery (2007), eq. 5: CRPS(N(0, 1), y) = y (2 Phi(y) - 1) + 2 phi(y) - 1 / sqrt(pi)
    q = norm.ppf(_CRPS_TAUS)
    for y in (-1.3, 0.0, 0.4, 2.5):
        exact = y * (2 * norm.cdf(y) - 1) + 2 * norm.pdf(y) - 1 / math.sqrt(math.pi)
        assert _pinball_crps(q[None, :], np.array([y]))[0] == pytest.approx(exact, rel=0.02)
    # a point mass: the absolute error
    assert _pinball_crps(np.full((1, 99), 0.3), np.array([1.0]))[0] == pytest.approx(0.7, rel=1e-12)


def test_forecast_backtest_on_sample_data(daily):
    bt = backtest_forecasts(daily, horizon=7, level=0.9)
    s = bt.summary.set_index("method")
    assert s.index.tolist() == ["forecast", "straight_line", "climatology"]
    assert s.loc["forecast", "forecasts"] == 27 * 44 * 7  # 44 weekly origins
    assert 0.85 <= s.loc["forecast", "coverage"] <= 0.95  # a calibrated 90 % interval
    assert s.loc["forecast", "crps_skill_vs_straight_line"] > 0
    assert s.loc["forecast", "crps_skill_vs_climatology"] > 0
    assert s.loc["forecast", "mae"] < min(s.loc["straight_line", "mae"], s.loc["climatology", "mae"])
    f = bt.forecasts
    assert_allclose(f.groupby("method", sort=False)["crps"].mean(), s["crps"], rtol=1e-12)
    assert len(bt.by_series) == 27 * 3


def test_forecast_backtest_with_statsmodels():
    rng = np.random.default_rng(2)
    total = rng.poisson(5000, 80)
    frame = daily_counts(rng.binomial(total, 0.001), total)
    origins = ["2026-03-01T00:00Z", "2026-03-08T00:00Z"]
    bt = backtest_forecasts(frame, horizon=3, method="ets", origins=origins)
    assert bt.summary["forecasts"].tolist() == [6, 6, 6]  # 2 origins x 3 days, per method
    assert bt.forecasts["crps"].notna().all()


def test_forecast_backtest_errors(daily):
    one = daily[(daily["service"] == "checkout") & (daily["slo"] == "latency")]
    with pytest.raises(ParameterError, match="origin 2026-10-30 00:00:00\\+00:00 leaves fewer than 7 days"):
        backtest_forecasts(one, origins=["2026-10-30T00:00Z"])
    with pytest.raises(ParameterError, match="is not after the first day of data"):
        backtest_forecasts(one, origins=["2025-10-01T00:00Z"])
    with pytest.raises(InsufficientDataError, match="60 days of data are too few"):
        backtest_forecasts(one.iloc[:60])
    with pytest.raises(ParameterError, match="horizon -1 must be an integer >= 1"):
        backtest_forecasts(one, horizon=-1)


def test_breach_backtest_beats_both_baselines(sli, catalog):
    bt = backtest_breach(sli, catalog, n_paths=1000, seed=0)
    s = bt.summary.set_index("method")
    assert s.loc["forecast", "bss_vs_straight_line"] > 0
    assert s.loc["forecast", "bss_vs_climatology"] > 0
    assert s.loc["forecast", "breaches"] > 30  # the scripted misses are in the backtest
    f = bt.forecasts
    for m, g in f.groupby("method", sort=False):
        # Brier score by hand from the forecasts, and the reliability table accounts for every forecast
        assert s.loc[m, "brier"] == pytest.approx(((g["probability"] - g["outcome"]) ** 2).mean(), rel=1e-12)
        assert bt.reliability.loc[bt.reliability["method"] == m, "n"].sum() == len(g)
    assert bt.to_frame().equals(bt.summary)


def test_breach_backtest_errors(sli, catalog):
    # data to 2026-10-20: from an origin on Oct 15 neither the months nor the 28d windows 7 days on have ended
    early = sli[sli["timestamp"] < pd.Timestamp("2026-10-20", tz="UTC")]
    with pytest.raises(InsufficientDataError, match="no origin has a window that ends within the data"):
        backtest_breach(early, catalog, origins=["2026-10-15T00:00Z"], n_paths=50)
