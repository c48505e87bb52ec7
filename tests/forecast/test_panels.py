"""Tests of slm_analytics.forecast.panels: daily counts per local day, in the units of the SLO's method.

Where expected values come from: the project's own tested functions as independent aggregations,
``ratio_sli`` and ``timeslice_sli`` (daily counts) and ``calendar_windows`` (the DST-correct month of the docs
example).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from forecast_helpers import daily_counts
from numpy.testing import assert_allclose

from slm_analytics.forecast import breach_probability, forecast_sli
from slm_analytics.sli import ratio_sli, timeslice_sli
from slm_analytics.windows import calendar_windows


def test_forecast_days_are_local_midnights_across_dst():
    # Europe/London clocks go forward on 2026-03-29: forecast days stay local midnights (23 h apart there)
    frame = daily_counts(np.full(30, 3), np.full(30, 5000), start="2026-02-26", tz="Europe/London")
    f = forecast_sli(frame, horizon=4).forecasts
    local = f["timestamp"].dt.tz_convert("Europe/London")
    assert (local.dt.hour == 0).all()
    assert local.dt.day.tolist() == [28, 29, 30, 31]


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
