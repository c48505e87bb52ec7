"""Tests of slm_analytics.forecast.ets: daily error-rate forecasts (forecast_sli) and the ETS engine.

Where expected values come from:

* hand calculations, shown in the comments next to each value (a constant series has zero-width intervals);
* statsmodels ``ETSModel`` (the maximum-likelihood reference for the fast method) and its implementation of
  the ETS(A,Ad,N) forecast-variance formula of Hyndman & Athanasopoulos, FPP3 §8.7.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from forecast_helpers import daily_counts
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
from slm_analytics.forecast import ForecastResult, forecast_sli
from slm_analytics.forecast.ets import _Fit


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
    assert len(f) == 28 * 5
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
