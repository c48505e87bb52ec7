"""Tests for slm_analytics.requirements: the gap to the required levels, SLO coverage, importance-performance.

The expected values are hand calculations on a tiny table of four requirements of ``checkout`` (bundled
catalog: availability 99.9 % Occurrences; uptime 99.5 % Timeslices with a 90 % slice target on 5-minute
slices; latency 99 % within 500 ms; Europe/London, which is UTC in January) and four 5-minute buckets,
worked in the comments; intervals and p-values are checked against statsmodels and scipy. On the bundled
data the tests check what the generator planted (datasets/README.md, "What the data holds").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint

from slm_analytics import read_dataset
from slm_analytics.requirements import (
    QUADRANTS,
    ImportancePerformance,
    importance_performance,
    requirements_gap,
    slo_coverage,
)
from slm_analytics.review import month_bounds, monthly_attainment

START, END = "2026-01-05T00:00Z", "2026-01-05T00:20Z"


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


@pytest.fixture(scope="module")
def sample():
    return read_dataset("requirements"), read_dataset("sli_5min")


def requirements(**columns) -> pd.DataFrame:
    """Four requirements as read_requirements returns them (R4 unmeasured: no level, no SLO)."""
    data = {
        "id": ["R1", "R2", "R3", "R4"],
        "service": ["checkout"] * 4,
        "requirement": ["Orders work", "Partner orders work", "Page is up", "Maintenance is announced"],
        "user_segment": ["shoppers", "partners", "shoppers", "partners"],
        "importance": [5, 4, 2, 3],
        "satisfaction": [3.2, 4.5, 4.0, 2.0],
        "respondents": [400, 100, 25, 50],
        "required_level_text": ["99.5 %", "99.9 %", "90 % of checks", "7 days notice"],
        "required_target": [0.995, 0.999, 0.9, np.nan],
        "threshold_ms": [np.nan] * 4,
        "linked_slo": ["availability", "availability", "uptime", ""],
    }
    data.update(columns)
    return pd.DataFrame(data)


def sli() -> pd.DataFrame:
    t = pd.date_range("2026-01-05 00:00", periods=4, freq="5min", tz="UTC")
    before, after = pd.Timestamp("2026-01-04 23:55", tz="UTC"), pd.Timestamp("2026-01-05 00:20", tz="UTC")
    rows = [
        # availability: (990 + 1000 + 995 + 1000) / 4000 = 3985 / 4000 = 0.99625
        *[("checkout", "availability", ts, g, 1000) for ts, g in zip(t, [990, 1000, 995, 1000], strict=True)],
        # outside [00:00, 00:20): must not count
        ("checkout", "availability", before, 0, 1000), ("checkout", "availability", after, 0, 1000),
        # uptime, one slice per bucket: 30/30 good, 26/30 = 0.867 < 0.9 bad, 27/30 = 0.9 good, 0/0 no data
        # -> 2 good slices of 3 with data: 2/3
        *[("checkout", "uptime", ts, g, n)
          for ts, g, n in zip(t, [30, 26, 27, 0], [30, 30, 30, 0], strict=True)],
    ]
    frame = pd.DataFrame(rows, columns=["service", "slo", "timestamp", "good", "total"])
    frame["timestamp"] = frame["timestamp"].dt.as_unit("us")
    return frame[["timestamp", "service", "slo", "good", "total"]]


@pytest.fixture(scope="module")
def gap(catalog):
    return requirements_gap(requirements(), sli(), catalog, start=START, end=END)


# ------------------------------------------------------------------------------------------- the gap


def test_gap_counts_and_achieved(gap):
    assert gap["id"].tolist() == ["R1", "R2", "R3", "R4"]  # every requirement, in the order given
    assert gap["slo"].tolist() == ["availability", "availability", "uptime", ""]
    assert gap["unit"].tolist() == ["events", "events", "slices", ""]
    assert gap["good"].tolist()[:3] == [3985, 3985, 2] and gap["total"].tolist()[:3] == [4000, 4000, 3]
    assert gap["achieved"].tolist()[:3] == pytest.approx([0.99625, 0.99625, 2 / 3], rel=1e-12)
    # gap = achieved - required: 0.99625 - 0.995, 0.99625 - 0.999, 2/3 - 0.9
    assert gap["gap"].tolist()[:3] == pytest.approx([0.00125, -0.00275, 2 / 3 - 0.9], rel=1e-9)
    assert gap["met"].tolist()[:3] == [True, False, False]
    assert gap["slo_target"].tolist()[:3] == [0.999, 0.999, 0.995]
    assert not gap["no_data"].any()
    assert gap["period_start"].iloc[0] == pd.Timestamp(START)
    assert gap["period_end"].iloc[0] == pd.Timestamp(END)


def test_gap_wilson_interval(gap):
    # 2 of 3 at 95 %: z = 1.959964, denom = 1 + z^2/3 = 2.28049, centre = (2/3 + z^2/6) / denom = 0.57308,
    # half = z * sqrt((2/9)/3 + z^2/36) / denom = 0.36541: [0.20767, 0.93849]
    assert gap.loc[2, ["low", "high"]].tolist() == pytest.approx([0.20767, 0.93849], abs=5e-5)
    for i, (k, n) in enumerate([(3985, 4000), (3985, 4000), (2, 3)]):
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert gap.loc[i, ["low", "high"]].tolist() == pytest.approx([lo, hi], rel=1e-9)


def test_gap_binomial_test(gap):
    # R3: P[X <= 2 | Binomial(3, 0.9)] = 1 - 0.9^3 = 0.271: 2 good slices of 3 is no evidence against 90 %
    assert gap.loc[2, "p_value"] == pytest.approx(1 - 0.9**3, rel=1e-12)
    # R2: 15 bad where 0.1 % of 4000 = 4 are allowed: far below 99.9 %
    for i, (k, n, p) in enumerate([(3985, 4000, 0.995), (3985, 4000, 0.999), (2, 3, 0.9)]):
        assert gap.loc[i, "p_value"] == pytest.approx(binomtest(k, n, p, alternative="less").pvalue, rel=1e-9)
    assert gap.loc[1, "p_value"] < 1e-4
    assert gap["significant"].tolist() == [False, True, False, pd.NA]


def test_unmeasured_requirement_is_kept_with_nan(gap):
    r4 = gap.iloc[3]
    assert not r4["measured"] and gap["measured"].tolist() == [True, True, True, False]
    for c in ("good", "total", "achieved", "low", "high", "gap", "p_value", "slo_target", "required_target"):
        assert math.isnan(r4[c]), c
    assert r4["met"] is pd.NA and r4["significant"] is pd.NA
    assert r4["required_level_text"] == "7 days notice" and not r4["no_data"]


def test_linked_without_level_and_slo_without_data(catalog):
    # R1 linked but without a level: achieved measured, no gap; R2's SLO (latency) has no row in the period
    req = requirements(required_target=[np.nan, 0.99, 0.9, np.nan],
                       linked_slo=["availability", "latency", "uptime", ""])
    out = requirements_gap(req, sli(), catalog, start=START, end=END)
    assert out.loc[0, "measured"] and out.loc[0, "achieved"] == pytest.approx(0.99625)
    assert math.isnan(out.loc[0, "gap"]) and math.isnan(out.loc[0, "p_value"])
    assert not math.isnan(out.loc[0, "low"])  # the interval needs no required level
    assert out.loc[1, "no_data"] and out.loc[1, "total"] == 0 and math.isnan(out.loc[1, "achieved"])
    assert out.loc[1, "slo_threshold_ms"] == 500  # checkout latency: 0.5 s


def test_level_moves_interval_and_significance(catalog):
    # R3 at level 0.7: significant when p < 0.3, and p = 0.271
    out = requirements_gap(requirements(), sli(), catalog, start=START, end=END, level=0.7)
    assert out.loc[2, "significant"]
    lo, hi = proportion_confint(2, 3, alpha=0.3, method="wilson")
    assert out.loc[2, ["low", "high"]].tolist() == pytest.approx([lo, hi], rel=1e-9)


def test_old_column_name_is_read(catalog):
    old = requirements().rename(columns={"required_level_text": "required_level"})
    out = requirements_gap(old, sli(), catalog, start=START, end=END)
    assert out["required_level_text"].tolist()[3] == "7 days notice"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=6),
       st.floats(0.5, 0.999))
def test_gap_property(catalog, counts, target):
    """Achieved in [low, high]; the p-value is scipy's; a met level is never a significant shortfall."""
    t = pd.date_range("2026-01-05", periods=len(counts), freq="5min", tz="UTC", unit="us")
    good = [min(a, b) for a, b in counts]
    total = [max(a, b) for a, b in counts]
    frame = pd.DataFrame({"timestamp": t, "service": "checkout", "slo": "availability", "good": good,
                          "total": total})
    out = requirements_gap(requirements(required_target=[target, 0.9, 0.9, np.nan]), frame, catalog,
                           start="2026-01-05T00:00Z", end="2026-01-06T00:00Z").iloc[0]
    k, n = sum(good), sum(total)
    if n == 0:
        assert out["no_data"] and math.isnan(out["achieved"]) and out["significant"] is pd.NA
        return
    assert out["low"] - 1e-12 <= out["achieved"] <= out["high"] + 1e-12
    assert out["p_value"] == pytest.approx(binomtest(k, n, target, alternative="less").pvalue, rel=1e-9)
    if out["gap"] >= 0:
        assert not out["significant"]


# ------------------------------------------------------------------------------------------- coverage


def test_coverage(catalog):
    # R5: checkout latency, 99.5 % under 300 ms, against the SLO's 99 % under 500 ms
    req = pd.concat([requirements(), requirements(
        id=["R5"] * 4, linked_slo=["latency"] * 4, required_target=[0.995] * 4, threshold_ms=[300.0] * 4
    ).iloc[[0]]], ignore_index=True)
    cover = slo_coverage(req, catalog).set_index(["service", "slo"])
    a = cover.loc[("checkout", "availability")]
    # linked R1 (99.5 %) and R2 (99.9 %): strictest 0.999 = the target: ratio 0.001 / 0.001 = 1
    assert (a["requirements"], a["with_target"], a["strictest_id"]) == (2, 2, "R2")
    assert (a["strictest_required"], a["loosest_required"]) == (0.999, 0.995)
    assert a["allowed_bad_ratio"] == pytest.approx(1.0)
    assert not a["looser_than_required"] and not a["possible_overengineering"]
    u = cover.loc[("checkout", "uptime")]
    # R3 asks 90 %, the SLO keeps 99.5 %: 0.005 / 0.1 = 0.05 < 1/2
    assert u["allowed_bad_ratio"] == pytest.approx(0.05) and u["possible_overengineering"]
    lat = cover.loc[("checkout", "latency")]
    # R5 needs 99.5 %, the SLO allows 1 %: 0.01 / 0.005 = 2; and it counts 300-500 ms as good
    assert lat["allowed_bad_ratio"] == pytest.approx(2.0) and lat["looser_than_required"]
    assert (lat["slo_threshold_ms"], lat["strictest_threshold_ms"]) == (500, 300) and lat["threshold_looser"]
    other = cover.loc[("payments", "availability")]  # no requirement linked: nothing to compare
    assert other["requirements"] == 0 and other["looser_than_required"] is pd.NA
    assert other["strictest_id"] == "" and math.isnan(other["allowed_bad_ratio"])
    assert len(cover) == len(catalog.slos)


def test_coverage_threshold_fraction(catalog):
    # checkout uptime ratio 0.05 (above): flagged below 0.06, not at 0.05 itself (equal up to rounding)
    key = ("checkout", "uptime")
    assert slo_coverage(requirements(), catalog, overengineering=0.06).set_index(["service", "slo"]).loc[
        key, "possible_overengineering"]
    assert not slo_coverage(requirements(), catalog, overengineering=0.05).set_index(["service", "slo"]).loc[
        key, "possible_overengineering"]


# ------------------------------------------------------------------------------ importance-performance


def test_ipa_mean_cuts():
    ipa = importance_performance(requirements())
    # importance (5 + 4 + 2 + 3) / 4 = 3.5; satisfaction (3.2 + 4.5 + 4.0 + 2.0) / 4 = 3.425
    assert (ipa.importance_cut, ipa.performance_cut, ipa.cuts) == (pytest.approx(3.5), pytest.approx(3.425),
                                                                   "mean")
    # R1 5 > 3.5, 3.2 <= 3.425; R2 4 > 3.5, 4.5 > 3.425; R3 2 < 3.5, 4.0 > 3.425; R4 3 < 3.5, 2.0 <= 3.425
    assert ipa.table["quadrant"].tolist() == ["concentrate here", "keep up the good work",
                                              "possible overkill", "low priority"]
    # SE = 2 / sqrt(n): 2/20 = 0.1, 2/10 = 0.2, 2/5 = 0.4, 2/sqrt(50) = 0.28284
    assert ipa.table["satisfaction_se"].tolist() == pytest.approx([0.1, 0.2, 0.4, 2 / math.sqrt(50)])
    # 95 %: +- 1.959964 SE: R1 [3.004, 3.396] stays below 3.425; R2 [4.108, 4.892] above; R3 [3.216, 4.784]
    # crosses it; R4 [1.446, 2.554] below
    assert ipa.table["satisfaction_low"].tolist() == pytest.approx([3.004004, 4.108007, 3.216014, 1.445639],
                                                                   abs=1e-6)
    assert ipa.table["robust"].tolist() == [True, True, False, True]
    # without gap=, nothing measured
    assert ipa.table["slo_met"].isna().all() and ipa.table["quadrant_measured"].isna().all()
    assert isinstance(ipa, ImportancePerformance) and ipa.to_frame().equals(ipa.table)
    assert "concentrate here: 1" in repr(ipa) and "not robust: 1" in repr(ipa)


def test_ipa_midpoint_cuts():
    ipa = importance_performance(requirements(), cuts="midpoint")
    assert (ipa.importance_cut, ipa.performance_cut) == (3.0, 3.0)
    # R1: 3.2 > 3 now performs well; R4: importance 3 is not above the cut
    assert ipa.table["quadrant"].tolist() == ["keep up the good work", "keep up the good work",
                                              "possible overkill", "low priority"]
    assert ipa.table["robust"].tolist() == [True, True, True, True]  # R1's low limit 3.004 > 3


def test_ipa_with_measured_performance(gap):
    t = importance_performance(requirements(), gap=gap).table
    assert t["achieved"].tolist()[:3] == pytest.approx([0.99625, 0.99625, 2 / 3])
    assert t["attainment_ratio"].tolist()[:3] == pytest.approx([0.99625 / 0.995, 0.99625 / 0.999,
                                                                (2 / 3) / 0.9])
    assert t["slo_met"].tolist() == [True, False, False, pd.NA]
    # measured: R1 high & met, R2 high & missed, R3 low & missed
    assert t["quadrant_measured"].tolist() == ["keep up the good work", "concentrate here", "low priority",
                                               pd.NA]
    # R1: satisfaction robustly low (3.396 < 3.425) while 99.5 % is met: the SLO misses what users feel
    # R2: robustly high while 99.9 % is missed; R3: high but not robust, so not flagged
    assert t["unhappy_but_met"].tolist() == [True, False, False, pd.NA]
    assert t["happy_but_missed"].tolist() == [False, True, False, pd.NA]


def test_ipa_segments(gap):
    seg = importance_performance(requirements(), gap=gap).segments.set_index("user_segment")
    assert seg.index.tolist() == ["shoppers", "partners"]
    s = seg.loc["shoppers"]
    # R1 (400: 5, 3.2) + R3 (25: 2, 4.0): importance 2050 / 425 = 4.823529, satisfaction 1380 / 425 = 3.247059
    assert (s["requirements"], s["respondents"]) == (2, 425)
    assert (s["importance"], s["satisfaction"]) == (pytest.approx(2050 / 425), pytest.approx(1380 / 425))
    # SE 2 / sqrt(425) = 0.097014: high limit 3.247059 + 0.190145 = 3.437 > 3.425: not robust
    assert s["satisfaction_se"] == pytest.approx(2 / math.sqrt(425))
    assert s["quadrant"] == "concentrate here" and not s["robust"]
    assert (s["measured"], s["met"], s["unhappy_but_met"]) == (2, 1, 1)
    p = seg.loc["partners"]
    # R2 (100: 4, 4.5) + R4 (50: 3, 2.0): importance 550 / 150 = 3.6667 > 3.5, satisfaction 550 / 150 > 3.425
    assert (p["importance"], p["satisfaction"]) == (pytest.approx(550 / 150), pytest.approx(550 / 150))
    assert p["quadrant"] == "keep up the good work" and (p["measured"], p["met"]) == (1, 0)


def test_ipa_sd_and_level():
    # sd = 1, level 0.9 (z = 1.644854): R3 4.0 - 1.644854 * 1/5 = 3.671 > 3.425: robust now
    t = importance_performance(requirements(), sd=1.0, level=0.9).table
    assert t.loc[2, "satisfaction_low"] == pytest.approx(4.0 - 1.644854 * 0.2, abs=1e-6)
    assert t["robust"].tolist() == [True, True, True, True]


def test_ipa_without_respondents():
    ipa = importance_performance(requirements().drop(columns="respondents"))
    assert ipa.table["robust"].isna().all() and ipa.table["satisfaction_se"].isna().all()
    # equal weights per segment: shoppers' satisfaction (3.2 + 4.0) / 2
    seg = ipa.segments.set_index("user_segment")
    assert seg.loc["shoppers", "satisfaction"] == pytest.approx(3.6) and math.isnan(seg.loc["shoppers",
                                                                                         "respondents"])


def test_quadrant_names():
    assert set(QUADRANTS.values()) == {"concentrate here", "keep up the good work", "low priority",
                                       "possible overkill"}


# ------------------------------------------------------------------------------------------- sample data


def test_sample_planted_gaps(sample, catalog):
    req, data = sample
    # July-August 2026: mobile-api latency regressed (16 June - 8 September), notifications degrading
    summer = requirements_gap(req, data, catalog, start="2026-07-01T00:00Z", end="2026-09-01T00:00Z")
    assert len(summer) == len(req) == 33
    assert set(summer.loc[summer["significant"].fillna(False), "id"]) == {"REQ-015", "REQ-017"}
    assert (summer.set_index("id").loc[["REQ-015", "REQ-017"], "gap"] < 0).all()
    # October: the regression is fixed, notifications still below 99.9 %
    october = requirements_gap(req, data, catalog, start="2026-10-01T00:00Z", end="2026-11-01T00:00Z")
    assert set(october.loc[october["significant"].fillna(False), "id"]) == {"REQ-015"}
    assert october.set_index("id").loc["REQ-017", "met"]
    # the requirements without a measurable level are reported, unmeasured
    assert set(october.loc[~october["measured"], "id"]) == {"REQ-006", "REQ-014", "REQ-020"}
    k, n = october.set_index("id").loc["REQ-015", ["good", "total"]].astype(int)
    assert october.set_index("id").loc["REQ-015", "p_value"] == pytest.approx(
        binomtest(k, n, 0.999, alternative="less").pvalue, rel=1e-6)


def test_sample_achieved_is_the_monthly_attainment(sample, catalog):
    """The one attainment core: the gap over a London month equals the monthly review's numbers."""
    req, data = sample
    start, end = month_bounds("2026-10", tz="Europe/London")
    gap = requirements_gap(req, data, catalog, start=start, end=end).set_index("id")
    month = monthly_attainment(data, catalog, service="payments", month="2026-10").set_index("slo")
    for rid, slo in (("REQ-032", "uptime"), ("REQ-004", "availability")):  # Timeslices, Occurrences
        assert gap.loc[rid, ["good", "total"]].tolist() == month.loc[slo, ["good", "total"]].tolist()
        assert gap.loc[rid, "achieved"] == pytest.approx(month.loc[slo, "attainment"], rel=1e-12)


def test_sample_coverage_and_ipa(sample, catalog):
    req, data = sample
    cover = slo_coverage(req, catalog)
    looser = cover.loc[cover["looser_than_required"].fillna(False), ["service", "slo"]]
    over = cover.loc[cover["possible_overengineering"].fillna(False), ["service", "slo"]]
    assert looser.values.tolist() == [["search", "availability"]]
    assert over.values.tolist() == [["payments", "uptime"]]
    gap = requirements_gap(req, data, catalog, start="2026-07-01T00:00Z", end="2026-09-01T00:00Z")
    t = importance_performance(req, gap=gap).table.set_index("id")
    # the lowest satisfaction of the survey: the mobile app's lag, robustly in "concentrate here", measured
    # below the required level too
    assert t["satisfaction"].idxmin() == "REQ-017"
    assert t.loc["REQ-017", ["quadrant", "quadrant_measured"]].tolist() == ["concentrate here"] * 2
    assert t.loc["REQ-017", "robust"] and not t.loc["REQ-017", "slo_met"]
    assert t.loc["REQ-015", "quadrant"] == "concentrate here" and not t.loc["REQ-015", "slo_met"]


def test_ratio_timeslices_interval_without_exact_test(tmp_path):
    from slm_analytics import load_catalog

    path = tmp_path / "catalog.yaml"
    path.write_text(
        "services:\n  - {name: api, owner: team-a, tier: 1, users: 10, business_weight: 1, timezone: UTC}\n"
        "slos:\n  - service: api\n    name: slices\n    indicator: {kind: ratio, good: g, total: t}\n"
        "    target: 0.95\n    window: 28d\n    budgeting_method: RatioTimeslices\n"
        "    timeslice_window: 5m\n", encoding="utf-8")
    catalog = load_catalog(path)
    t = pd.date_range("2026-01-05", periods=3, freq="5min", tz="UTC", unit="us")
    data = pd.DataFrame({"timestamp": t, "service": "api", "slo": "slices", "good": [1, 1, 9],
                         "total": [1, 2, 10]})
    req = requirements(service=["api"] * 4, linked_slo=["slices", "", "", ""]).iloc[[0]]
    out = requirements_gap(req, data, catalog, start=START, end=END).iloc[0]
    # slice ratios 1, 0.5, 0.9: good = 2.4 (the sum of the ratios) of 3 slices, achieved 0.8
    assert (out["good"], out["total"], out["unit"]) == (pytest.approx(2.4), 3, "slices")
    assert out["achieved"] == pytest.approx(0.8) and out["gap"] == pytest.approx(0.8 - 0.995)
    lo, hi = proportion_confint(2.4, 3, alpha=0.05, method="wilson")  # Wilson on 0.8 of 3 trials
    assert [out["low"], out["high"]] == pytest.approx([lo, hi], rel=1e-9)
    assert math.isnan(out["p_value"]) and out["significant"] is pd.NA  # a mean of ratios: no exact test
    assert not out["met"]
