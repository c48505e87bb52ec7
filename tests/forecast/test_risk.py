"""Tests of slm_analytics.forecast.risk: breach probabilities, exhaustion time, target achievability.

Where expected values come from:

* hand calculations, shown in the comments next to each value (constant-rate series make every simulated
  path identical, so the exhaustion day and the straight line are exact);
* the SRE Workbook, ch. 5: burn rates 1, 2 and 3 spend a 30-day budget in 30, 15 and 10 days;
* pandas rolling sums (the attainment of rolling windows);
* the sample data's scripted events (``datasets/README.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from forecast_helpers import daily_counts, make_slo
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
from slm_analytics.forecast import (
    ExhaustionTime,
    breach_probabilities,
    breach_probability,
    exhaustion_time,
    target_achievability,
)


def test_fleet_agrees_with_single(sli, catalog):
    fleet = breach_probabilities(sli, catalog, as_of="2026-07-10T00:00Z", n_paths=2000, seed=1)
    assert len(fleet) == 28 and fleet[["service", "slo"]].apply(tuple, axis=1).tolist() == [
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
    # an SLO taken from a catalog carries its service's zone: neither tz= nor catalog= is needed
    assert slo.timezone == "America/New_York"
    assert breach_probability(sli, slo, **at).probability == by_tz.probability
    # an SLO built on its own has no zone, and none is assumed
    bare = slo.model_copy(update={"timezone": None})
    for func in (breach_probability, exhaustion_time, target_achievability):
        with pytest.raises(ParameterError, match="give tz= .*time zone of service 'search'.* or catalog="):
            func(sli, bare)


def test_exhaustion_on_sample_data(sli, catalog):
    # notifications/delivery misses October 2026 (datasets/README.md): exhaustion is likely before Nov 1
    ex = exhaustion_time(sli, catalog.slo("notifications", "delivery"), catalog=catalog,
                         as_of="2026-10-10T00:00Z", seed=1)
    assert ex.probability > 0.5 and ex.median is not None and ex.low <= ex.median
    with pytest.raises(ParameterError, match="horizon '2x' is not a positive duration"):
        exhaustion_time(sli, catalog.slo("checkout", "availability"), horizon="2x", catalog=catalog)


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
