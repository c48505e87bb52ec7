"""Tests for slm_analytics.sip: merging SIP items into the register, and the effectiveness of closed actions.

Expected values come from hand calculations written in the comments, from statsmodels
(``proportions_ztest``, a quasi-binomial GLM) and scipy (``binomtest``), or from how the sample register
was planted (``synth._sip_register``: SIP-004 effective, SIP-007 not effective, SIP-012 inconclusive).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from slm_analytics import merge_register, read_dataset, sip_effectiveness
from slm_analytics.data import read_sip_register, write_sip_register
from slm_analytics.errors import DataError, DefinitionError, ParameterError


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


@pytest.fixture(scope="module")
def register():
    return read_dataset("sip_register")


@pytest.fixture(scope="module")
def sample_result(register, catalog):
    return sip_effectiveness(register, read_dataset("sli_5min"), catalog,
                             incidents=read_dataset("incidents")).set_index("id")


# ------------------------------------------------------------------------------------------- hand-made data


def daily_sli(bad: dict[str, int], total: dict[str, int] | int, service="login", slo="availability"):
    """One bucket per day at 12:00 UTC (login is a UTC service, so each bucket is its local day)."""
    days = list(bad)
    totals = [total[d] if isinstance(total, dict) else total for d in days]
    return pd.DataFrame({
        "timestamp": pd.to_datetime([f"{d}T12:00Z" for d in days]).as_unit("us"),
        "service": service, "slo": slo,
        "good": [t - bad[d] for d, t in zip(days, totals, strict=True)], "total": totals,
    })


def one_item(closed="2026-01-05", kpi_measure="error_rate", service="login", slo="availability", **extra):
    return pd.DataFrame({
        "id": ["SIP-001"], "service": [service], "slo": [slo], "closed": [pd.Timestamp(closed)],
        "status": ["done"], "kpi_measure": [kpi_measure], **extra,
    })


# Days 1-9 January 2026; the action closed on the 5th, windows of 2 days: before = 3rd and 4th, after = 6th
# and 7th. The closing day (a huge burst) and the days outside the windows must not count.
BAD = {"2026-01-01": 500, "2026-01-02": 500, "2026-01-03": 20, "2026-01-04": 20, "2026-01-05": 900,
       "2026-01-06": 8, "2026-01-07": 8, "2026-01-08": 500, "2026-01-09": 500}


def test_hand_worked_two_proportion_test(catalog):
    # before: k0 = 20 + 20 = 40 bad of n0 = 2000; after: k1 = 8 + 8 = 16 of n1 = 2000.
    # Each window's days have the same rate, so the Pearson X^2 is 0 and the dispersion is 1 (binomial).
    # p0 = 0.02, p1 = 0.008, pooled p = 56/4000 = 0.014
    # z = (0.008 - 0.02) / sqrt(0.014 * 0.986 * (1/2000 + 1/2000)) = -0.012 / 0.0037154 = -3.2298
    # p-value = 2 * (1 - Phi(3.2298)) = 0.00124
    # ratio 0.4 (relative change -0.6); Katz: se(log) = sqrt(0.98/40 + 0.992/16) = sqrt(0.0865) = 0.294109,
    # log 0.4 = -0.916291, interval exp(-0.916291 -/+ 1.959964 * 0.294109) = [0.22476, 0.71187]
    # -> relative change in [-0.77524, -0.28813]: significant and at least 20 % -> effective.
    out = sip_effectiveness(one_item(), daily_sli(BAD, 1000), catalog, window="2d").iloc[0]
    z, p = proportions_ztest([16, 40], [2000, 2000])  # statsmodels' pooled two-proportion z test
    sums = out[["bad_before", "total_before", "bad_after", "total_after"]].tolist()
    assert sums == [40, 2000, 16, 2000]
    assert out["error_rate_before"] == pytest.approx(0.02, abs=1e-15)
    assert out["error_rate_after"] == pytest.approx(0.008, abs=1e-15)
    assert out["dispersion"] == 1.0
    assert out["statistic"] == pytest.approx(-3.2298, abs=5e-5)
    assert out["statistic"] == pytest.approx(z, rel=1e-12)
    assert out["pvalue"] == pytest.approx(p, rel=1e-10)
    assert out["pvalue"] == pytest.approx(0.00124, abs=5e-6)
    assert out["relative_change"] == pytest.approx(-0.6, abs=1e-12)
    assert out["ci_low"] == pytest.approx(-0.77524, abs=5e-5)
    assert out["ci_high"] == pytest.approx(-0.28813, abs=5e-5)
    assert (out["days_before"], out["days_after"]) == (2, 2)
    assert (out["verdict"], out["reason"], out["unit"]) == ("effective", "", "events")
    assert pd.isna(out["change_point"])  # 5 days are too few for a change point (at least 6)
    assert not out["change_point_near"]


def test_overdispersion_is_the_quasi_binomial_pearson_scale(catalog):
    # Days that vary more than binomial noise: the dispersion must be the Pearson scale of a binomial GLM
    # with one rate per window (statsmodels), and the z statistic the plain one divided by its square root.
    bad = {"2026-01-01": 0, "2026-01-02": 10, "2026-01-03": 5, "2026-01-04": 30, "2026-01-05": 12,
           "2026-01-06": 2, "2026-01-07": 9, "2026-01-08": 4, "2026-01-09": 3, "2026-01-10": 6,
           "2026-01-11": 0}
    total = dict.fromkeys(bad, 1000) | {"2026-01-03": 800, "2026-01-09": 1500}
    out = sip_effectiveness(one_item("2026-01-06"), daily_sli(bad, total), catalog, window="3d").iloc[0]
    before, after = ["2026-01-03", "2026-01-04", "2026-01-05"], ["2026-01-07", "2026-01-08", "2026-01-09"]
    k = np.array([bad[d] for d in before + after], dtype=float)
    n = np.array([total[d] for d in before + after], dtype=float)
    x = sm.add_constant(np.array([0, 0, 0, 1, 1, 1], dtype=float))
    # the proportions with the day's events as variance weights (with two-column counts, statsmodels'
    # scale="X2" leaves the trials out of the Pearson statistic)
    glm = sm.GLM(k / n, x, family=sm.families.Binomial(), var_weights=n).fit(scale="X2")
    assert glm.scale > 1
    assert out["dispersion"] == pytest.approx(glm.scale, rel=1e-10)
    z, _ = proportions_ztest([k[3:].sum(), k[:3].sum()], [n[3:].sum(), n[:3].sum()])
    assert out["statistic"] == pytest.approx(z / np.sqrt(glm.scale), rel=1e-10)


def flat(before_bad: int, after_bad: int, total: int) -> pd.DataFrame:
    days = pd.date_range("2026-01-01", "2026-01-09").strftime("%Y-%m-%d")
    bad = {d: (before_bad if d < "2026-01-05" else after_bad) for d in days}
    return daily_sli(bad, total)


@pytest.mark.parametrize(("before_bad", "after_bad", "total", "verdict", "reason"), [
    # 5 vs 4 bad a day of 1000: a 20 % fall, but k0 = 10, k1 = 8: se(log) = sqrt(0.995/10 + 0.996/8) = 0.473,
    # the interval of the ratio [0.32, 2.02] holds both no change and a large fall -> inconclusive
    (5, 4, 1000, "inconclusive", "interval_too_wide"),
    # 2000 bad a day of 100,000 on both sides: ratio 1, se(log) = sqrt(2 * 0.98 / 4000) = 0.0221, interval
    # [0.958, 1.044]: a 20 % reduction is excluded -> not effective
    (2000, 2000, 100_000, "not effective", ""),
    # the error rate doubles: significant, but the wrong way -> not effective
    (1000, 2000, 100_000, "not effective", ""),
])
def test_verdicts_on_hand_data(catalog, before_bad, after_bad, total, verdict, reason):
    out = sip_effectiveness(one_item(), flat(before_bad, after_bad, total), catalog, window="2d").iloc[0]
    assert (out["verdict"], out["reason"]) == (verdict, reason)


def test_a_smaller_min_effect_makes_a_small_significant_fall_effective(catalog):
    # 2000 -> 1800 bad a day of 100,000: k0 = 4000, k1 = 3600 of 200,000 each, a 10 % fall;
    # z = -0.002 / sqrt(0.019 * 0.981 * 2/200000) = -4.632 (significant);
    # se(log) = sqrt(0.98/4000 + 0.982/3600) = 0.022755,
    # ratio interval exp(log 0.9 -/+ 0.0446) = [0.861, 0.941]
    # -> not effective at min_effect 0.2 (-0.139 > -0.2), effective at 0.05 (a significant 10 % fall)
    data = flat(2000, 1800, 100_000)
    assert sip_effectiveness(one_item(), data, catalog, window="2d")["verdict"].item() == "not effective"
    assert sip_effectiveness(one_item(), data, catalog, window="2d", min_effect=0.05)["verdict"].item() == \
        "effective"


def test_no_bad_units_after_uses_haldane_correction(catalog):
    # k1 = 0: 0.5 is added to both counts for the interval: ratio (0.5/2000)/(40.5/2000) = 0.0123457,
    # se(log) = sqrt((1 - 40.5/2000)/40.5 + (1 - 0.5/2000)/0.5) = sqrt(0.0241914 + 1.9995) = 1.422565,
    # upper = exp(log 0.0123457 + 1.959964 * 1.422565) = exp(-4.394449 + 2.788176) = 0.20065 -> -0.79935
    bad = BAD | {"2026-01-06": 0, "2026-01-07": 0}
    out = sip_effectiveness(one_item(), daily_sli(bad, 1000), catalog, window="2d").iloc[0]
    assert out["relative_change"] == pytest.approx(-1.0, abs=1e-15)  # the point estimate is not corrected
    assert out["ci_high"] == pytest.approx(-0.79935, abs=5e-5)
    assert out["verdict"] == "effective"


@pytest.mark.parametrize(("closed", "reason", "days"), [
    ("2026-01-02", "too_little_data_before", (1, 2)),  # before = 31 Dec (no data) and 1 Jan
    ("2026-01-08", "too_little_data_after", (2, 1)),  # after = 9 Jan and 10 Jan (no data)
])
def test_windows_outside_the_data_are_inconclusive(catalog, closed, reason, days):
    out = sip_effectiveness(one_item(closed), daily_sli(BAD, 1000), catalog, window="2d").iloc[0]
    assert (out["verdict"], out["reason"]) == ("inconclusive", reason)
    assert (out["days_before"], out["days_after"]) == days
    assert np.isnan(out["pvalue"])


def test_kpi_not_the_sli_and_missing_data_still_get_a_row(catalog):
    register = pd.concat([one_item(kpi_measure=""), one_item(service="email", slo="delivery")],
                         ignore_index=True)
    out = sip_effectiveness(register, daily_sli(BAD, 1000), catalog, window="2d")
    assert out[["service", "verdict", "reason"]].values.tolist() == [
        ["login", "not assessed", "kpi_not_sli"], ["email", "inconclusive", "no_sli_data"]]
    without = sip_effectiveness(one_item().drop(columns="kpi_measure"), daily_sli(BAD, 1000), catalog,
                                window="2d")
    assert without["reason"].tolist() == ["kpi_not_sli"]


def test_only_done_items_are_assessed(catalog):
    register = pd.concat([one_item(), one_item()], ignore_index=True)
    register.loc[1, ["id", "status", "closed"]] = ["SIP-002", "open", pd.NaT]
    out = sip_effectiveness(register, daily_sli(BAD, 1000), catalog, window="2d")
    assert out["id"].tolist() == ["SIP-001"]
    empty = sip_effectiveness(register.iloc[1:], daily_sli(BAD, 1000), catalog)
    assert len(empty) == 0 and "verdict" in empty.columns


def test_incident_counts_and_exact_poisson_test(catalog):
    # 5 incidents in the 2 days before, 1 after: given 6, after ~ Binomial(6, 1/2) under equal rates;
    # P(X <= 1) = 7/64, two-sided 14/64 = 0.21875 (scipy's binomtest gives the same)
    starts = ["2026-01-03T01:00Z", "2026-01-03T05:00Z", "2026-01-04T01:00Z", "2026-01-04T02:00Z",
              "2026-01-04T23:59Z", "2026-01-05T10:00Z", "2026-01-07T10:00Z", "2026-01-08T00:00Z"]
    incidents = pd.DataFrame({"service": "login", "slo": "availability",
                              "started_at": pd.to_datetime(starts, utc=True)})
    incidents.loc[7, "service"] = "email"  # another service's incident does not count
    out = sip_effectiveness(one_item(), daily_sli(BAD, 1000), catalog, window="2d",
                            incidents=incidents).iloc[0]
    assert (out["incidents_before"], out["incidents_after"]) == (5, 1)
    assert out["incidents_pvalue"] == pytest.approx(14 / 64, abs=1e-12)
    assert out["incidents_pvalue"] == pytest.approx(stats.binomtest(1, 6, 0.5).pvalue, abs=1e-12)


def test_timeslices_count_slices(register, catalog):
    # checkout/uptime counts 5-minute slices; 28 local days of London summer time (no clock change between
    # 18 May and 13 July) hold 28 * 288 = 8064 slices, all with probes, on each side of 15 June
    sli = read_dataset("sli_5min")
    sli = sli[(sli["service"] == "checkout") & (sli["slo"] == "uptime")]
    out = sip_effectiveness(one_item("2026-06-15", service="checkout", slo="uptime"), sli, catalog).iloc[0]
    assert out["unit"] == "slices"
    assert (out["total_before"], out["total_after"]) == (8064, 8064)


# ------------------------------------------------------------------------------------------- sample register


def test_planted_effective_action(sample_result):
    # SIP-004: the mobile-api fix of 2026-09-08 (synth._sip_register): the share of calls over 800 ms about
    # halves, significant, and change_points finds the shift on the day after the fix
    row = sample_result.loc["SIP-004"]
    assert row["verdict"] == "effective"
    assert row["ci_high"] < -0.2
    assert row["change_point"] == pd.Timestamp("2026-09-09")
    assert row["change_point_near"]


def test_planted_ineffective_action(sample_result):
    # SIP-007: search latency keeps degrading after 2026-08-31: no significant fall, and the interval
    # excludes a 20 % reduction
    row = sample_result.loc["SIP-007"]
    assert row["verdict"] == "not effective"
    assert row["relative_change"] > 0
    assert row["ci_low"] > -0.2
    assert row["pvalue"] > 0.05


def test_planted_inconclusive_action(sample_result):
    # SIP-012: closed 2026-10-27, 4 local days (New York) of data after it, 28 needed
    row = sample_result.loc["SIP-012"]
    assert (row["verdict"], row["reason"]) == ("inconclusive", "too_little_data_after")
    assert (row["days_before"], row["days_after"]) == (28, 4)


def test_sample_rows_are_the_done_items(sample_result, register):
    assert sample_result.index.tolist() == register.loc[register["status"] == "done", "id"].tolist()
    others = sample_result.drop(["SIP-004", "SIP-007", "SIP-012"])
    assert set(others["verdict"]) == {"not assessed"}
    assert {"incidents_before", "incidents_after", "incidents_pvalue"} <= set(sample_result.columns)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"window": "36h"}, ParameterError, "window '36h' is not a whole number of days"),
    ({"window": 28}, ParameterError, "window"),
    ({"level": 1.5}, ParameterError, "level 1.5 must be a probability strictly between 0 and 1"),
    ({"min_effect": 1}, ParameterError, "min_effect 1 must be a relative reduction"),
    ({"tolerance": "soon"}, ParameterError, "tolerance 'soon'"),
])
def test_bad_options(catalog, kwargs, error, match):
    with pytest.raises(error, match=match):
        sip_effectiveness(one_item(), daily_sli(BAD, 1000), catalog, **kwargs)


def test_bad_arguments(catalog):
    with pytest.raises(ParameterError, match="sip_effectiveness"):
        sip_effectiveness(one_item(), daily_sli(BAD, 1000), None)
    with pytest.raises(DataError, match=r"sip_effectiveness: register: missing column\(s\) 'closed'"):
        sip_effectiveness(one_item().drop(columns="closed"), daily_sli(BAD, 1000), catalog)
    with pytest.raises(DefinitionError, match="unknown SLO 'nope' of service 'login'"):
        sip_effectiveness(one_item(slo="nope"), daily_sli(BAD, 1000), catalog)


# ------------------------------------------------------------------------------------------- merging


def items(**columns) -> pd.DataFrame:
    data = {
        "service": ["notifications", "checkout"], "slo": ["delivery", "availability"],
        "problem": ["  delivery FAILURES rising since spring ", "Deploys burn the budget"],
        "action": ["Second SMS provider", "Canary releases"], "owner": ["team-messaging", "team-orders"],
        "opened": ["2026-11-02", "2026-11-02"], "due": ["2027-01-31", "2027-02-28"],
        "kpi": ["delivery failure share", "deploy-caused bad events"], "baseline": [0.0026, 0.4],
        "target": [0.001, 0.1], "evidence": ["0.26 % failed in October", "4 deploy incidents"],
        "priority": [0.8, 0.7],
    }
    data.update(columns)
    return pd.DataFrame(data)


def test_merge_updates_open_item_and_numbers_new_ones(register):
    merged = merge_register(register, items())
    assert len(merged) == len(register) + 1  # notifications' problem is SIP-006, still in progress
    assert merged["id"].tolist() == [*register["id"], "SIP-013"]
    six = merged.set_index("id").loc["SIP-006"]
    old = register.set_index("id").loc["SIP-006"]
    assert (six["due"], six["baseline"], six["evidence"], six["priority"]) == (
        pd.Timestamp("2027-01-31"), 0.0026, "0.26 % failed in October", 0.8)
    for c in ("problem", "action", "owner", "opened", "status", "target"):  # kept from the register
        assert six[c] == old[c]
    new = merged.iloc[-1]
    assert (new["service"], new["status"], new["opened"], new["kpi_measure"]) == (
        "checkout", "open", pd.Timestamp("2026-11-02"), "")
    assert pd.isna(new["closed"])
    assert merged.columns.tolist() == [*register.columns, "evidence", "priority"]
    assert merged.drop(index=[5, 12], columns=["evidence", "priority"]).equals(register.drop(index=5))


def test_merge_is_idempotent_and_survives_the_file(register, tmp_path):
    once = merge_register(register, items())
    assert merge_register(once, items()).equals(once)
    path = write_sip_register(once, tmp_path / "sip.csv")
    again = merge_register(read_sip_register(path), items())
    assert again["id"].tolist() == once["id"].tolist()
    assert again.equals(read_sip_register(path))


def test_merge_leaves_closed_items_alone(register):
    # SIP-004 (done) and SIP-010 (cancelled) have these problems: new items open, the old rows unchanged
    new = items(service=["mobile-api", "reporting"], slo=["latency", "availability"],
                problem=["Release 5.2 made order history slow", "Reports fail during month-end close"])
    merged = merge_register(register, new)
    assert merged["id"].tolist()[-2:] == ["SIP-013", "SIP-014"]
    assert merged.iloc[:12].drop(columns=["evidence", "priority"]).equals(register)


def test_merge_into_an_empty_register_and_other_numbering(register):
    empty = register.iloc[:0]
    assert merge_register(empty, items())["id"].tolist() == ["SIP-001", "SIP-002"]
    other = register.iloc[:2].assign(id=["IMP-7", "IMP-09"])
    assert merge_register(other, items())["id"].tolist()[-2:] == ["IMP-10", "IMP-11"]


def test_merge_bad_input(register):
    with pytest.raises(ParameterError, match=r"items row 1 repeats the service, SLO and problem"):
        merge_register(register, items(problem=["Deploys burn the budget"] * 2, service=["checkout"] * 2,
                                        slo=["availability"] * 2))
    with pytest.raises(ParameterError, match=r"update=\['status'\] names 'status'"):
        merge_register(register, items(), update=["status"])
    with pytest.raises(DataError, match=r"merge_register: items: missing column\(s\) 'owner'"):
        merge_register(register, items().drop(columns="owner"))
    with pytest.raises(ParameterError, match="items row 1: 'due' is empty"):
        merge_register(register, items(due=["2027-01-31", None]))
    with pytest.raises(ParameterError, match="items column 'opened'"):
        merge_register(register, items(opened=["2026-11-02", "next week"]))
