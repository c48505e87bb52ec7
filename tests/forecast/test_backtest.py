"""Tests of slm_analytics.forecast.backtest: rolling-origin backtests of the forecasts and their baselines.

Where expected values come from:

* the closed-form CRPS of a normal distribution (Gneiting & Raftery 2007, eq. 5) and scipy's normal
  quantiles;
* Brier scores by hand from the backtest's own forecasts;
* the sample data's scripted events (``datasets/README.md``) for the backtests.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from forecast_helpers import daily_counts
from numpy.testing import assert_allclose
from scipy.stats import norm

from slm_analytics.errors import InsufficientDataError, ParameterError
from slm_analytics.forecast import backtest_breach, backtest_forecasts
from slm_analytics.forecast.backtest import _CRPS_TAUS, _pinball_crps


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
    assert s.loc["forecast", "forecasts"] == 28 * 44 * 7  # 28 SLOs, 44 weekly origins
    assert 0.85 <= s.loc["forecast", "coverage"] <= 0.95  # a calibrated 90 % interval
    assert s.loc["forecast", "crps_skill_vs_straight_line"] > 0
    assert s.loc["forecast", "crps_skill_vs_climatology"] > 0
    assert s.loc["forecast", "mae"] < min(s.loc["straight_line", "mae"], s.loc["climatology", "mae"])
    f = bt.forecasts
    assert_allclose(f.groupby("method", sort=False)["crps"].mean(), s["crps"], rtol=1e-12)
    assert len(bt.by_series) == 28 * 3


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
