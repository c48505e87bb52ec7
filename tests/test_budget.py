"""Tests of slm_analytics.budget: published numbers, independent pandas references, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from slm_analytics import budget as budget_module
from slm_analytics import read_dataset
from slm_analytics.budget import (
    SRE_WORKBOOK_POLICY,
    attainment,
    backtest_alerts,
    burn_rate_alerts,
    burn_rate_thresholds,
    error_budget,
    period_length,
    rolling_compliance,
)
from slm_analytics.catalog import parse_window
from slm_analytics.errors import DataError, InsufficientDataError, ParameterError


@pytest.fixture(scope="module")
def sample():
    return read_dataset("sli_5min"), read_dataset("catalog"), read_dataset("incidents")


def _frame(good, total, *, start="2026-01-01", freq="5min", service="api", slo="availability"):
    n = len(total)
    return pd.DataFrame({
        "timestamp": pd.date_range(start, periods=n, freq=freq, tz="UTC", unit="us"),
        "service": service, "slo": slo,
        "good": np.asarray(good, dtype=np.int64), "total": np.asarray(total, dtype=np.int64),
    })


# ------------------------------------------------------------------------------------------- error budget


def test_error_budget_published_43_2_minutes():
    # SRE Workbook ch. 2: a 99.9 % SLO over 30 days allows 0.001 * 30 * 24 * 60 = 43.2 minutes
    b = error_budget(good=1000, total=1000, target=0.999, window="30d")
    assert b.budget_minutes == pytest.approx(43.2, rel=1e-12)
    assert b.remaining == pytest.approx(1.0)
    assert b.time_to_exhaustion is None  # nothing burning


@pytest.mark.parametrize(("rate", "days"), [(1, 30), (2, 15), (3, 10)])
def test_burn_rate_exhausts_30_day_budget(rate, days):
    # SRE Workbook ch. 5: burn rates 1, 2, 3 exhaust a 30-day budget in 30, 15 and 10 days
    full = error_budget(good=10_000, total=10_000, target=0.999, window="30d")
    assert full.exhaustion_time(rate) == pd.Timedelta(days=days)


def test_error_budget_measured_burn_rate():
    # 999,000 good of 1,000,000 at 99.9 %: SLI 0.999 = target, burn rate 1, budget exactly spent
    b = error_budget(good=999_000, total=1_000_000, target=0.999, window="30d")
    assert b.burn_rate == pytest.approx(1.0, rel=1e-9)
    assert b.consumed == pytest.approx(1.0, rel=1e-9)
    assert b.allowed_bad == pytest.approx(1000.0)
    assert b.actual_bad == 1000
    assert b.time_to_exhaustion == pd.Timedelta(0) or b.remaining == pytest.approx(0, abs=1e-9)


def test_error_budget_partial_window():
    # half the window elapsed at burn rate 1: half the budget consumed, 15 days left at that rate
    b = error_budget(good=999_000, total=1_000_000, target=0.999, window="30d", elapsed="15d")
    assert b.consumed == pytest.approx(0.5, rel=1e-9)
    assert b.time_to_exhaustion / pd.Timedelta(days=1) == pytest.approx(15, rel=1e-9)
    assert b.remaining_minutes == pytest.approx(21.6, rel=1e-9)


def test_openslo_timeslices_budget_published():
    # OpenSLO budgeting-method example: 2 weeks of 1-minute slices at 95 % -> 20,160 slices and a budget of
    # 1,008 bad slices = 16 h 48 min
    b = error_budget(good=20_160, total=20_160, target=0.95, window="14d")
    assert b.allowed_bad == pytest.approx(1008)
    assert pd.Timedelta(minutes=b.budget_minutes) == pd.Timedelta(hours=16, minutes=48)
    # the same through attainment on 1-minute data: 20,160 slices
    n = 14 * 24 * 60
    sli = _frame(np.full(n, 99), np.full(n, 100), freq="1min")
    out = attainment(sli, method="Timeslices", timeslice_target=0.95)
    assert int(out["total"].iloc[0]) == 20_160


def test_error_budget_repr_and_frame():
    b = error_budget(good=999_500, total=1_000_000, target=0.999, window="30d")
    assert "consumed=50.0%" in repr(b)
    assert b.to_frame().loc[0, "burn_rate"] == pytest.approx(0.5)


@pytest.mark.parametrize("target", [0, 1, 1.5, -0.1, 99.9])
def test_error_budget_target_outside_unit_interval(target):
    with pytest.raises(ParameterError, match=r"outside \(0, 1\)"):
        error_budget(good=1, total=1, target=target, window="30d")


def test_error_budget_no_data():
    with pytest.raises(InsufficientDataError, match="no events"):
        error_budget(good=0, total=0, target=0.99, window="30d")


def test_error_budget_good_exceeds_total():
    with pytest.raises(ParameterError, match=r"good \(5\) exceeds total \(4\)"):
        error_budget(good=5, total=4, target=0.99, window="30d")


def test_error_budget_elapsed_longer_than_window():
    with pytest.raises(ParameterError, match="longer than the window"):
        error_budget(good=1, total=1, target=0.99, window="7d", elapsed="8d")


@settings(max_examples=100, deadline=None)
@given(total=st.integers(1, 10**9), frac=st.floats(0, 1), target=st.floats(0.5, 0.99999))
def test_error_budget_properties(total, frac, target):
    good = int(total * frac)
    b = error_budget(good=good, total=total, target=target, window="28d")
    assert 0 <= b.sli <= 1
    assert b.consumed + b.remaining == pytest.approx(1.0, abs=1e-9)
    if b.sli > target:  # SLO met -> burning slower than the budget allows
        assert b.burn_rate < 1


def test_period_length():
    assert period_length("month") == pd.Timedelta(days=30)
    with pytest.raises(ParameterError, match="period 'fortnight'"):
        period_length("fortnight")


# ------------------------------------------------------------------------------------------- attainment


def test_attainment_three_methods_by_hand():
    # 4 buckets of 5 minutes: (good, total) = (10,10) (5,10) (0,0) (9,10)
    sli = _frame([10, 5, 0, 9], [10, 10, 0, 10])
    out = attainment(sli, method=["Occurrences", "Timeslices", "RatioTimeslices"], timeslice_target=0.9)
    by = out.set_index("method")["attainment"]
    assert by["Occurrences"] == pytest.approx(24 / 30)  # pooled events
    assert by["Timeslices"] == pytest.approx(2 / 3)  # slices 1.0, 0.5, 0.9 -> 2 of 3 reach 0.9
    assert by["RatioTimeslices"] == pytest.approx((1.0 + 0.5 + 0.9) / 3)
    assert out.set_index("method").loc["Timeslices", "no_data"] == 1


def test_attainment_slices_of_several_buckets():
    # 10-minute slices of 5-minute buckets: (10+5)/(10+10)=0.75 and (9+10)/(10+10)=0.95
    sli = _frame([10, 5, 9, 10], [10, 10, 10, 10])
    out = attainment(sli, method="Timeslices", timeslice_target=0.9, timeslice_window="10m")
    assert out["attainment"].iloc[0] == pytest.approx(0.5)


def test_attainment_errors():
    sli = _frame([1], [1])
    with pytest.raises(ParameterError, match="unknown budgeting method 'Events'"):
        attainment(sli, method="Events")
    with pytest.raises(ParameterError, match="needs timeslice_target"):
        attainment(sli, method="Timeslices")
    with pytest.raises(ParameterError, match="shorter than the data's 5-minute buckets"):
        attainment(sli, method="Timeslices", timeslice_target=0.9, timeslice_window="1m")


# --------------------------------------------------------------------------------------- rolling compliance


def test_rolling_compliance_matches_pandas_rolling(sample):
    sli, catalog, _ = sample
    part = sli[sli["service"].isin(["checkout", "reporting"])]
    ours = rolling_compliance(part, window="28d", target=0.999)
    # independent reference: pandas time-based rolling sums per series
    ref = (part.set_index("timestamp").groupby(["service", "slo"], observed=True)[["good", "total"]]
           .rolling("28D").sum().reset_index())
    merged = ours.merge(ref, on=["service", "slo", "timestamp"], suffixes=("", "_ref"))
    assert len(merged) == len(part)
    full = merged["timestamp"] >= merged["timestamp"].min() + pd.Timedelta(days=28) - pd.Timedelta(minutes=5)
    m = merged[full]
    expected = m["good"] / m["total"]
    assert_allclose(m["sli"], expected, rtol=1e-12, equal_nan=True)
    assert_allclose(m["budget_remaining"], 1 - (1 - expected) / (1 - 0.999), rtol=1e-9, atol=1e-9,
                    equal_nan=True)
    assert merged.loc[~full, "sli"].isna().all()  # before the first full window: not enough history


def test_rolling_compliance_calendar_month_to_date(sample):
    sli, catalog, _ = sample
    rc = rolling_compliance(sli, catalog)
    pay = rc[(rc["service"] == "payments") & (rc["slo"] == "availability")].set_index("timestamp")
    # payments' window is the calendar month in Europe/London (UTC+0 in February): at the last bucket of
    # February the month-to-date SLI is the February total
    raw = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    feb = raw[(raw["timestamp"] >= "2026-02-01") & (raw["timestamp"] < "2026-03-01")]
    expected = feb["good"].sum() / feb["total"].sum()
    assert pay.loc["2026-02-28 23:55", "sli"] == pytest.approx(expected, rel=1e-12)
    # the first bucket of March starts a new period
    first = raw[raw["timestamp"] == "2026-03-01 00:00"]
    assert pay.loc["2026-03-01 00:00", "sli"] == pytest.approx(first["good"].iloc[0] / first["total"].iloc[0])
    # and the February miss shows as an overspent budget (the data's scripted payments outage)
    assert pay.loc["2026-02-28 23:55", "budget_remaining"] < 0


def test_rolling_compliance_float32_is_the_float64_result_rounded(sample):
    sli, catalog, _ = sample
    part = sli[sli["service"].isin(["payments", "search"])]
    wide = rolling_compliance(part, catalog)  # rolling and calendar windows
    narrow = rolling_compliance(part, catalog, dtype="float32")
    for col in ("sli", "budget_remaining"):
        assert narrow[col].dtype == np.float32
        # computed in float64, stored rounded: exactly the float64 numbers cast to float32 (NaNs included)
        np.testing.assert_array_equal(narrow[col].to_numpy(), wide[col].to_numpy().astype(np.float32))
    assert narrow[col].memory_usage(index=False) * 2 == wide[col].memory_usage(index=False)
    with pytest.raises(ParameterError, match="dtype 'float16': expected 'float64' or 'float32'"):
        rolling_compliance(part, catalog, dtype="float16")


def test_rolling_compliance_no_data_is_nan_not_100_percent():
    sli = _frame([0] * 6, [0] * 6)
    rc = rolling_compliance(sli, window="10m", target=0.99)
    assert rc["sli"].isna().all()


def test_rolling_compliance_gaps_are_no_events():
    # buckets 0, 1, 3 present (bucket 2 missing): a 10-minute window ending at bucket 3 holds only bucket 3
    sli = _frame([9, 8, 7, 6], [10, 10, 10, 10]).drop(index=2).reset_index(drop=True)
    rc = rolling_compliance(sli, window="10m", target=0.9)
    assert rc["sli"].tolist()[1:] == pytest.approx([17 / 20, 6 / 10])
    assert np.isnan(rc["sli"].iloc[0])


def test_rolling_compliance_window_errors():
    sli = _frame([1] * 10, [1] * 10)
    with pytest.raises(ParameterError, match="shorter than the data's 5-minute buckets"):
        rolling_compliance(sli, window="1m", target=0.99)
    with pytest.raises(InsufficientDataError, match=r"needs 8064 buckets \(28 days"):
        rolling_compliance(sli, window="28d", target=0.99)
    with pytest.raises(ParameterError, match="outside"):
        rolling_compliance(sli, window="10m", target=1.2)
    with pytest.raises(ParameterError, match="give window= and target="):
        rolling_compliance(sli)
    with pytest.raises(DataError, match="missing column"):
        rolling_compliance(sli.drop(columns="good"), window="10m", target=0.9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=3, max_size=40),
       st.integers(1, 3))
def test_rolling_compliance_properties(pairs, k):
    good = [min(a, b) for a, b in pairs]
    total = [max(a, b) for a, b in pairs]
    rc = rolling_compliance(_frame(good, total), window=f"{5 * k}m", target=0.99)
    s = rc["sli"].dropna()
    assert ((s >= 0) & (s <= 1)).all()
    met = rc["sli"] > 0.99
    assert (rc.loc[met, "budget_remaining"] > 0).all()  # burn rate < 1 whenever the SLO is met


# ------------------------------------------------------------------------------------------- burn rates


def test_burn_rate_thresholds_sre_workbook():
    # SRE Workbook table 5-8: 14.4, 6, 3, 1 for a 30-day period
    t = burn_rate_thresholds("30d")
    assert t["burn_rate"].tolist() == pytest.approx([14.4, 6, 3, 1], rel=1e-12)
    assert t.columns.tolist() == ["severity", "long_window", "short_window", "budget_consumed", "burn_rate"]


def test_burn_rate_thresholds_pyrra_28d(sample):
    # Pyrra's 28-day rules are given as factors 14, 7, 2, 1; budget share = factor * long / 28 d,
    # e.g. 14 * 1 h / 672 h = 0.0208333...
    policy = sample[1].alert_policy("pyrra-28d")
    t = burn_rate_thresholds("28d", policy)
    assert t["burn_rate"].tolist() == pytest.approx([14, 7, 2, 1])
    assert t["budget_consumed"].tolist() == pytest.approx([14 / 672, 7 * 6 / 672, 2 * 24 / 672, 96 / 672])


def test_burn_rate_thresholds_errors():
    bad = SRE_WORKBOOK_POLICY.assign(short_window=["5m", "6h", "2h", "6h"])
    with pytest.raises(ParameterError, match="short window '6h' is not shorter than long window '6h'"):
        burn_rate_thresholds("30d", bad)
    with pytest.raises(ParameterError, match="missing column"):
        burn_rate_thresholds("30d", SRE_WORKBOOK_POLICY.drop(columns="budget_consumed"))
    with pytest.raises(ParameterError, match="longer than the period"):
        burn_rate_thresholds("2d")


def _brute_force_alerts(one: pd.DataFrame, target: float, table: pd.DataFrame) -> set[tuple]:
    """Independent reference: pandas rolling sums at every bucket, then runs of firing buckets."""
    s = one.set_index("timestamp")
    bad = s["total"] - s["good"]
    out = set()
    for r in table.itertuples(index=False):
        thr = r.burn_rate * (1 - target)

        def rate(w):
            b = bad.rolling(pd.Timedelta(parse_window(w))).sum()
            t = s["total"].rolling(pd.Timedelta(parse_window(w))).sum()
            return b, t

        bl, tl = rate(r.long_window)
        bs, ts = rate(r.short_window)
        full = s.index >= s.index[0] + pd.Timedelta(parse_window(r.long_window)) - pd.Timedelta(minutes=5)
        fire = (bl > thr * tl) & (bs > thr * ts) & full
        runs = fire.ne(fire.shift(fill_value=False)).cumsum()[fire]
        for _, grp in runs.groupby(runs):
            out.add((f"{r.long_window}/{r.short_window}", grp.index[0] + pd.Timedelta(minutes=5)))
    return out


@pytest.mark.parametrize(("service", "slo"), [("payments", "availability"), ("mobile-api", "latency"),
                                              ("reporting", "availability")])
def test_burn_rate_alerts_match_brute_force(sample, service, slo):
    sli, catalog, _ = sample
    one = sli[(sli["service"] == service) & (sli["slo"] == slo)]
    target = catalog.slo(service, slo).target
    ours = burn_rate_alerts(one, target=target, period="30d")
    expected = _brute_force_alerts(one, target, burn_rate_thresholds("30d"))
    assert set(zip(ours["rule"], ours["start"], strict=True)) == expected
    assert len(expected) > 0


def _convolution_alerts(good, total, target: float, table: pd.DataFrame) -> set[tuple]:
    """Independent reference: every window's sums by convolution, tested at every bucket."""
    good, total = np.asarray(good, dtype=np.int64), np.asarray(total, dtype=np.int64)
    bad = total - good
    n, out = len(total), set()
    for r in table.itertuples(index=False):
        thr = r.burn_rate * (1 - target)
        kl = int(pd.Timedelta(parse_window(r.long_window)) / pd.Timedelta(minutes=5))
        ks = int(pd.Timedelta(parse_window(r.short_window)) / pd.Timedelta(minutes=5))
        if kl > n:
            continue
        fire = np.ones(n - kl + 1, dtype=bool)  # windows ending at buckets kl-1 .. n-1
        for k in (kl, ks):
            b = np.convolve(bad, np.ones(k, dtype=np.int64), "valid")[kl - k:]
            t = np.convolve(total, np.ones(k, dtype=np.int64), "valid")[kl - k:]
            fire &= b > thr * t
        pos = np.flatnonzero(fire) + kl - 1  # bucket closing each firing window
        starts = pos[np.concatenate(([True], np.diff(pos) != 1))] if pos.size else pos
        ends = pos[np.concatenate((np.diff(pos) != 1, [True]))] + 1 if pos.size else pos
        rule = f"{r.long_window}/{r.short_window}"
        out |= {(rule, int(a), int(e)) for a, e in zip(starts, ends, strict=True)}
    return out


_POLICIES = [
    SRE_WORKBOOK_POLICY,
    pd.DataFrame({"severity": ["page", "page", "ticket"], "long_window": ["2h", "3h", "4h"],
                  "short_window": ["10m", "1h", "2h"], "burn_rate": [10.0, 4.0, 1.0]}),
]


def _random_counts(rng, n: int, error_share: float, bursts: int) -> tuple[np.ndarray, np.ndarray]:
    total = rng.integers(0, 50, n) * rng.choice([1, 10, 1000], n)
    bad = np.where(rng.random(n) < error_share, rng.integers(0, 6, n), 0)
    for s in rng.integers(0, n, bursts):
        burst = slice(s, s + rng.integers(1, 30))
        bad[burst] = total[burst] // rng.integers(1, 5)
    bad = np.minimum(bad, total)
    return total - bad, total


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 1500),
    n_series=st.integers(1, 4),
    chunk_series=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    error_share=st.sampled_from([0.0, 0.002, 0.05, 0.5, 1.0]),
    target=st.sampled_from([0.9, 0.99, 0.995, 0.999, 0.9999]),
    policy=st.sampled_from([0, 1]),
    bursts=st.integers(0, 6),
)
def test_burn_rate_alerts_match_convolution_on_random_data(n, n_series, chunk_series, seed, error_share,
                                                           target, policy, bursts):
    # sparse and dense errors, quiet and empty buckets, bursts, several series evaluated together in chunks
    # of 1-3: exercises every shortcut that picks which windows to test exactly (hot buckets, hot ranges,
    # two levels of blocks) against testing every window of every series
    rng = np.random.default_rng(seed)
    counts = [_random_counts(rng, n, error_share, bursts) for _ in range(n_series)]
    frame = pd.concat([_frame(g, t, slo=f"slo-{i}") for i, (g, t) in enumerate(counts)], ignore_index=True)
    table = burn_rate_thresholds("30d", _POLICIES[policy])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(budget_module, "_CHUNK_CELLS", chunk_series * (n + 1))
        ours = burn_rate_alerts(frame, target=target, period="30d", policy=_POLICIES[policy])
    t0, step = pd.Timestamp("2026-01-01", tz="UTC"), pd.Timedelta(minutes=5)
    for i, (good, total) in enumerate(counts):
        mine = ours[ours["slo"] == f"slo-{i}"]
        got = {(r, int((a - t0) / step) - 1, int((e - t0) / step) - 1 + int(o))
               for r, a, e, o in zip(mine["rule"], mine["start"], mine["end"], mine["ongoing"], strict=True)}
        assert got == _convolution_alerts(good, total, target, table), f"series {i}"


def test_burn_rate_alerts_errors_at_the_seam_of_two_series():
    # series 0 fails in its last bucket and series 1 in its first: side by side in one chunk the two
    # errors are adjacent, yet each series' windows stay its own (series 1 cannot fire: no full window yet)
    n = 400
    total = np.full(n, 100)
    first_bad, last_bad = total.copy(), total.copy()
    last_bad[-1], first_bad[0] = 0, 0
    frame = pd.concat([_frame(last_bad, total, slo="a"), _frame(first_bad, total, slo="b")],
                      ignore_index=True)
    alerts = burn_rate_alerts(frame, target=0.999, period="30d")
    table = burn_rate_thresholds("30d")
    t0, step = pd.Timestamp("2026-01-01", tz="UTC"), pd.Timedelta(minutes=5)
    got = {(r, int((a - t0) / step) - 1, int((e - t0) / step) - 1 + int(o)) for r, a, e, o in
           zip(alerts["rule"], alerts["start"], alerts["end"], alerts["ongoing"], strict=True)}
    # 100 bad of 1,200 in the last hour (8.3 %) and of 100 in the last 5 minutes: above 14.4 x 0.1 %;
    # 100 of 7,200 in 6 h (1.4 %) and of 600 in 30 min: above 6 x 0.1 %; 100 of 28,800 in 1 d (0.35 %)
    # and of 2,400 in 2 h: above 3 x 0.1 %; the 3 d window is longer than the data. Each fires in the
    # last bucket and is still firing when the data ends.
    assert got == {("1h/5m", n - 1, n), ("6h/30m", n - 1, n), ("1d/2h", n - 1, n)}
    assert got == _convolution_alerts(last_bad, total, 0.999, table)
    assert set(alerts["slo"]) == {"a"}


def test_burn_rate_alerts_series_with_different_policies_match_one_at_a_time(sample, monkeypatch):
    # the catalog gives SLOs different targets, periods and policies; evaluated together (in chunks of
    # 5 series) each gets the same alerts as when evaluated alone
    sli, catalog, _ = sample
    monkeypatch.setattr(budget_module, "_CHUNK_CELLS", 5 * (sli.groupby(["service", "slo"]).size().max() + 1))
    together = burn_rate_alerts(sli, catalog)
    alone = pd.concat([burn_rate_alerts(one, catalog) for _, one in sli.groupby(["service", "slo"])],
                      ignore_index=True)
    key = ["service", "slo", "rule", "start"]
    pd.testing.assert_frame_equal(together.sort_values(key).reset_index(drop=True),
                                  alone.sort_values(key).reset_index(drop=True), check_categorical=False)
    assert together["rule"].nunique() > 4  # more than one policy took part


def test_burn_rate_alerts_by_hand():
    # 1 day of quiet traffic, then 10 minutes with half the requests failing
    n = 288 + 12
    total = np.full(n, 100)
    good = total.copy()
    good[288:290] = 50
    sli = _frame(good, total)
    alerts = burn_rate_alerts(sli, target=0.999, period="30d")
    page = alerts[alerts["rule"] == "1h/5m"].iloc[0]
    # at the end of bucket 288 the 1 h window has 50 bad of 1,200 (4.2 %) > 14.4 * 0.1 % = 1.44 %, and the
    # 5 m window 50 % -> fires at 2026-01-02 00:05; at the end of bucket 290 the 5 m window is clean
    assert page["start"] == pd.Timestamp("2026-01-02 00:05", tz="UTC")
    assert page["end"] == pd.Timestamp("2026-01-02 00:15", tz="UTC")
    assert page["severity"] == "page" and not page["ongoing"]


def test_burn_rate_alerts_never_fire_without_traffic():
    sli = _frame([0] * 400, [0] * 400)
    assert burn_rate_alerts(sli, target=0.99, period="30d").empty


def test_burn_rate_alerts_errors():
    sli = _frame([1] * 20, [1] * 20, freq="10min")
    with pytest.raises(ParameterError, match="short window 5m is shorter than the data's 10-minute buckets"):
        burn_rate_alerts(sli, target=0.99)
    with pytest.raises(ParameterError, match="give target="):
        burn_rate_alerts(_frame([1], [1]))


# ------------------------------------------------------------------------------------------- backtest


def test_backtest_by_hand():
    # one outage from 00:00 to 00:30 on day 2; the 1 h / 5 m page fires at the end of the first bad bucket
    n = 3 * 288
    total = np.full(n, 100)
    good = total.copy()
    good[288:294] = 0
    sli = _frame(good, total, service="checkout", slo="availability")
    incidents = pd.DataFrame({
        "id": ["INC-1", "INC-2"], "service": ["checkout", "checkout"], "severity": ["P1", "P4"],
        "started_at": pd.to_datetime(["2026-01-02 00:00", "2026-01-03 12:00"], utc=True),
        "resolved_at": pd.to_datetime(["2026-01-02 00:30", "2026-01-03 12:10"], utc=True),
    })
    catalog = read_dataset("catalog")
    policy = SRE_WORKBOOK_POLICY.iloc[:1]  # the 1 h / 5 m page only
    bt = backtest_alerts(sli, incidents, catalog, policies={"fast-page": policy})
    row = bt.summary.iloc[0]
    assert row["alerts"] == 1
    assert row["precision"] == pytest.approx(1.0)  # the one alert overlaps INC-1
    assert row["recall"] == pytest.approx(0.5)  # INC-2 left no trace in the SLI
    assert row["recall_p1_p2"] == pytest.approx(1.0)
    assert row["detection_time_median"] == pd.Timedelta(minutes=5)
    # budget before detection: 100 bad events in the first bucket; checkout/availability is a 28-day
    # 99.9 % SLO -> allowed = 0.001 * (events of the 28 days before 00:05 = 289 buckets * 100)
    assert bt.matches.iloc[0]["budget_before_detection"] == pytest.approx(100 / (0.001 * 289 * 100))


def test_backtest_on_sample_data(sample):
    sli, catalog, incidents = sample
    bt = backtest_alerts(sli, incidents, catalog)
    s = bt.summary.set_index("policy")
    assert set(s.index) == {"sre-workbook", "pyrra-28d"}
    assert ((s["precision"] > 0) & (s["precision"] <= 1)).all()
    assert ((s["recall"] > 0) & (s["recall"] <= 1)).all()
    # severe incidents are found by both policies far more often than all incidents
    assert (s["recall_p1_p2"] >= s["recall"]).all()
    assert (s["detection_time_median"] > pd.Timedelta(0)).all()
    assert "precision" in repr(bt)


def test_exclusions_leave_numerator_and_denominator():
    # buckets (good, total): (10,10) (0,10) (10,10); maintenance covers the middle bucket -> the 15-minute
    # window holds 20/20 instead of 20/30, and no alert pages for announced work
    sli = _frame([10, 0, 10], [10, 10, 10], service="payments")
    maint = pd.DataFrame({"service": ["payments"],
                          "start": [pd.Timestamp("2026-01-01 00:05", tz="UTC")],
                          "end": [pd.Timestamp("2026-01-01 00:10", tz="UTC")]})
    plain = rolling_compliance(sli, window="15m", target=0.9)
    excl = rolling_compliance(sli, window="15m", target=0.9, exclusions=maint)
    assert plain["sli"].iloc[2] == pytest.approx(20 / 30)
    assert excl["sli"].iloc[2] == pytest.approx(1.0)
    # burn rate 2 at 90 %: fires above 20 % errors; bucket 2 alone is 100 % bad
    policy = pd.DataFrame({"severity": ["page"], "long_window": ["10m"], "short_window": ["5m"],
                           "burn_rate": [2.0]})
    assert not burn_rate_alerts(sli, target=0.9, period="30d", policy=policy).empty
    assert burn_rate_alerts(sli, target=0.9, period="30d", policy=policy, exclusions=maint).empty


@pytest.mark.parametrize(("good", "total", "row"), [([5, 7, 3], [5, 6, 3], 2), ([1, -1, 0], [1, 0, 0], 2),
                                                    ([0, 0, 0], [0, 0, -2], 3)])
def test_engine_rejects_impossible_counts_by_row(good, total, row):
    # frames built without read_sli still get a row-numbered error, never a silent number
    sli = _frame(good, total)
    g, t = good[row - 1], total[row - 1]
    for func in (lambda f: rolling_compliance(f, window="10m", target=0.9),
                 lambda f: burn_rate_alerts(f, target=0.9), lambda f: attainment(f, method="Occurrences")):
        with pytest.raises(DataError, match=rf"row {row}: good \({g}\) and total \({t}\) must satisfy "
                                            r"0 <= good <= total"):
            func(sli)


def test_attainment_of_one_series_without_key_columns():
    # by=() treats the rows as one series (this failed with "nan is not in list"); expected values are the
    # column sums of the rows themselves
    from slm_analytics import read_dataset

    sli = read_dataset("sli_5min")
    one = sli[(sli["service"] == "checkout") & (sli["slo"] == "uptime")]
    got = attainment(one, method="Occurrences", by=())
    assert len(got) == 1 and "service" not in got.columns
    assert (int(got["good"].iloc[0]), int(got["total"].iloc[0])) == (int(one["good"].sum()),
                                                                      int(one["total"].sum()))


def test_error_budget_takes_fractional_counts_exactly():
    # 99.5 good of 100 (e.g. a sum of slice ratios) at 99 %: SLI 0.995, burn rate 0.005 / 0.01 = 0.5, so
    # half the budget spent over the whole window (truncating to 99 of 100 would say all of it)
    b = error_budget(good=99.5, total=100, target=0.99, window="30d")
    assert b.sli == pytest.approx(0.995, abs=1e-15)
    assert b.consumed == pytest.approx(0.5, abs=1e-12)
    assert b.actual_bad == pytest.approx(0.5, abs=1e-15)


@pytest.mark.parametrize(("good", "match"), [
    (float("nan"), r"good \(nan\) is not a finite number"),
    (float("inf"), r"good \(inf\) is not a finite number"),
    ("99", r"good \('99'\) is not a number"),
])
def test_error_budget_refuses_counts_that_are_not_finite_numbers(good, match):
    with pytest.raises(ParameterError, match=match):
        error_budget(good=good, total=100, target=0.99, window="30d")


def test_backtest_alerts_scores_only_incidents_the_data_covers():
    # one month of checkout data against the whole year's incident register: incidents outside the month
    # cannot be detected by any alert on it, so they are left out of recall (and counted apart)
    from slm_analytics import read_dataset

    sli, catalog, incidents = read_dataset("sli_5min"), read_dataset("catalog"), read_dataset("incidents")
    month = sli[(sli["service"] == "checkout") & (sli["timestamp"] >= pd.Timestamp("2026-10-01", tz="UTC"))]
    got = backtest_alerts(month, incidents, catalog, policies={"sre-workbook": None}).summary.iloc[0]
    # independent count: checkout incidents overlapping [first bucket, last bucket + 5 min)
    mine = incidents[incidents["service"] == "checkout"]
    start, end = month["timestamp"].min(), month["timestamp"].max() + pd.Timedelta(minutes=5)
    covered = int(((mine["started_at"] < end) & (mine["resolved_at"].fillna(end) > start)).sum())
    assert covered >= 1
    assert (got["incidents"], got["incidents_outside_data"]) == (covered, len(mine) - covered)
    assert got["recall"] == pytest.approx(got["detected"] / covered, abs=1e-12)
