"""Tests of slm_analytics.forecast.simulate: the Monte Carlo simulation behind the breach probabilities.

Where expected values come from: hand calculations, shown in the comments next to each value
(constant-rate series make every simulated path identical, so attainment and straight line are exact), the
Wilson interval's closed-form bounds and the Jeffreys posterior of the error rate.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from forecast_helpers import Z95, daily_counts, make_slo
from numpy.testing import assert_allclose

from slm_analytics.forecast import BreachProbability, breach_probability


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


def test_gappy_daily_data_is_simulated(catalog):
    rng = np.random.default_rng(8)
    total = rng.poisson(3000, 70)
    frame = daily_counts(rng.binomial(total, 0.0008), total).drop(index=[20, 21, 22, 50])
    bp = breach_probability(frame, make_slo(0.999, "month"), seed=1, tz="UTC")
    assert np.isfinite(bp.attainment).all() and 0 <= bp.probability <= 1
