"""Tests of slm_analytics.improvement: budget attribution, cause recurrence, credit exposure.

Expected values come from hand calculations written next to them, from the incident records themselves, or
from an independent implementation (the error-budget policy's per-incident price, scipy's binomial test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slm_analytics import (
    DataError,
    DefinitionError,
    InsufficientDataError,
    ParameterError,
    budget_attribution,
    cause_recurrence,
    credit_exposure,
    read_dataset,
)
from slm_analytics.catalog import SLA, SLO, Catalog, Schedule, Service
from slm_analytics.improvement import CAUSES, MISSING_CAUSE
from slm_analytics.policy import single_incident

UTC = "UTC"
T0 = pd.Timestamp("2026-03-02T00:00Z")  # a Monday


def _ts(minutes: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def sample():
    return read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")


# ------------------------------------------------------------------------------------------- attribution
#
# The small case worked by hand. One service "svc" in UTC, six 5-minute buckets b0..b5 from 00:00:
#
#   SLO "avail" (Occurrences, target 0.9): 100 events per bucket, bad = 1, 10, 20, 30, 4, 5 (70 bad of 600)
#   SLO "probe" (Timeslices, slices of 10 min = 2 buckets, a slice is good at >= 90 %, target 0.5):
#       10 probes per bucket, good = 10, 10 | 9, 7 | 5, 10 -> slices S0 (b0-b1) 20/20 good,
#       S1 (b2-b3) 16/20 = 0.8 bad, S2 (b4-b5) 15/20 = 0.75 bad; a slice's unit sits on its last bucket.
#
#   INC-1 deploy, slo avail, [00:06, 00:14) -> buckets b1, b2   (a bucket overlaps when start < its end
#   INC-2 network, no slo (all SLOs), [00:12, 00:20) -> b2, b3    and end > its start)
#   INC-3 cosmic-rays (not a known cause), slo avail, [00:26, 00:27) -> b5
#   maintenance of svc [00:15, 00:25) -> b3, b4
#
#   avail: b0  1 -> unattributed                      deploy       10 + 20/2 = 20   share 20/70
#          b1 10 -> deploy                            network      20/2 + 30 = 40   share 40/70
#          b2 20 -> deploy and network, 10 each       cosmic-rays  5                share  5/70
#          b3 30 -> network (incident before maint.)  maintenance  4                share  4/70
#          b4  4 -> maintenance                       unattributed 1                share  1/70
#          b5  5 -> cosmic-rays
#          allowed bad = (1 - 0.9) * 600 = 60 -> budget shares 20/60, 40/60, 5/60, 4/60, 1/60
#   probe: S1 (b2, b3) overlaps INC-2 -> network 1; S2 (b4, b5) overlaps the maintenance window (b4) and no
#          incident of probe (INC-1 and INC-3 name avail) -> maintenance 1; unattributed 0. 2 bad of 3 slices,
#          allowed (1 - 0.5) * 3 = 1.5 -> budget shares 1/1.5 each.


def _small_catalog() -> Catalog:
    return Catalog(
        services=[Service(name="svc", owner="team", tier=1, users=1, business_weight=1, timezone=UTC)],
        slos=[SLO(service="svc", name="avail", indicator={"kind": "ratio", "good": "g", "total": "t"},
                  target=0.9, window="28d"),
              SLO(service="svc", name="probe", indicator={"kind": "ratio", "good": "g", "total": "t"},
                  target=0.5, window="28d", budgeting_method="Timeslices", timeslice_target=0.9,
                  timeslice_window="10m")],
    )


def _small_sli() -> pd.DataFrame:
    times = [_ts(5 * i) for i in range(6)]
    avail_bad = [1, 10, 20, 30, 4, 5]
    probe_good = [10, 10, 9, 7, 5, 10]
    return pd.DataFrame({
        "timestamp": pd.DatetimeIndex(times * 2).as_unit("us"),
        "service": "svc",
        "slo": ["avail"] * 6 + ["probe"] * 6,
        "good": [100 - b for b in avail_bad] + probe_good,
        "total": [100] * 6 + [10] * 6,
    })


def _small_incidents() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["INC-1", "INC-2", "INC-3"],
        "service": "svc",
        "slo": ["avail", None, "avail"],
        "cause": ["deploy", "network", "cosmic-rays"],
        "started_at": pd.DatetimeIndex([_ts(6), _ts(12), _ts(26)]).as_unit("us"),
        "resolved_at": pd.DatetimeIndex([_ts(14), _ts(20), _ts(27)]).as_unit("us"),
    })


def _small_maintenance() -> pd.DataFrame:
    return pd.DataFrame({"service": ["svc"], "start": pd.DatetimeIndex([_ts(15)]).as_unit("us"),
                         "end": pd.DatetimeIndex([_ts(25)]).as_unit("us")})


def _attribute(**kw):
    args = {"start": T0, "end": _ts(30), "exclusions": _small_maintenance(), **kw}
    return budget_attribution(_small_sli(), _small_incidents(), _small_catalog(), **args)


def test_attribution_worked_by_hand():
    got = _attribute()
    avail = got[got["slo"] == "avail"]
    assert avail["source"].tolist() == ["deploy", "network", "cosmic-rays", "maintenance", "unattributed"]
    assert avail["kind"].tolist() == ["cause", "cause", "cause", "maintenance", "unattributed"]
    assert avail["known"].tolist() == [True, True, False, True, True]
    np.testing.assert_allclose(avail["bad"], [20, 40, 5, 4, 1], rtol=1e-12)
    np.testing.assert_allclose(avail["share"], np.array([20, 40, 5, 4, 1]) / 70, rtol=1e-12)
    np.testing.assert_allclose(avail["budget_share"], np.array([20, 40, 5, 4, 1]) / 60, rtol=1e-12)
    assert avail["incidents"].tolist() == [1, 1, 1, 0, 0]
    assert set(avail["total"]) == {600}
    np.testing.assert_allclose(avail["allowed_bad"], 60.0, rtol=1e-12)
    assert set(avail["unit"]) == {"events"}

    probe = got[got["slo"] == "probe"]
    assert probe["source"].tolist() == ["network", "maintenance", "unattributed"]
    np.testing.assert_allclose(probe["bad"], [1, 1, 0], rtol=1e-12)
    np.testing.assert_allclose(probe["share"], [0.5, 0.5, 0.0], rtol=1e-12)
    np.testing.assert_allclose(probe["budget_share"], [1 / 1.5, 1 / 1.5, 0.0], rtol=1e-12)
    assert probe["incidents"].tolist() == [1, 0, 0]
    assert set(probe["unit"]) == {"slices"}
    assert (got["period_start"] == T0).all() and (got["period_end"] == _ts(30)).all()


def test_attribution_without_maintenance_windows():
    # without exclusions b4's 4 bad events (avail) and slice S2 (probe) are explained by nothing
    got = _attribute(exclusions=None)
    assert "maintenance" not in set(got["source"])
    avail = got[got["slo"] == "avail"].set_index("source")["bad"]
    assert avail["unattributed"] == pytest.approx(1 + 4)
    probe = got[got["slo"] == "probe"].set_index("source")["bad"]
    assert probe["unattributed"] == pytest.approx(1)


def test_attribution_incidents_of_one_cause_count_once():
    # a second deploy incident over the same buckets b1-b2 adds an incident but no bad event
    inc = _small_incidents()
    extra = inc.iloc[[0]].assign(id="INC-4", started_at=_ts(5), resolved_at=_ts(15))
    got = budget_attribution(_small_sli(), pd.concat([inc, extra]), _small_catalog(), start=T0, end=_ts(30),
                             exclusions=_small_maintenance())
    deploy = got[(got["slo"] == "avail") & (got["source"] == "deploy")].iloc[0]
    assert deploy["bad"] == pytest.approx(20) and deploy["incidents"] == 2


def test_attribution_ongoing_incident_runs_to_the_period_end():
    # INC-2 unresolved: it covers b2..b5 of both SLOs; avail b4 and b5 now go to network (incident before
    # maintenance; b5 split with cosmic-rays): network 10 + 30 + 4 + 2.5 = 46.5, cosmic-rays 2.5
    inc = _small_incidents()
    inc.loc[1, "resolved_at"] = pd.NaT
    got = budget_attribution(_small_sli(), inc, _small_catalog(), start=T0, end=_ts(30),
                             exclusions=_small_maintenance())
    avail = got[got["slo"] == "avail"].set_index("source")["bad"]
    assert avail["network"] == pytest.approx(46.5)
    assert avail["cosmic-rays"] == pytest.approx(2.5)
    assert avail["maintenance"] == pytest.approx(0)


def test_attribution_missing_cause_is_listed():
    inc = _small_incidents()
    inc.loc[2, "cause"] = None
    got = budget_attribution(_small_sli(), inc, _small_catalog(), start=T0, end=_ts(30))
    row = got[(got["slo"] == "avail") & (got["source"] == MISSING_CAUSE)]
    assert len(row) == 1 and not row["known"].iloc[0] and row["bad"].iloc[0] == pytest.approx(5)


def test_attribution_slo_without_bad_units():
    sli = _small_sli()
    sli["good"] = sli["total"]
    got = budget_attribution(sli, _small_incidents(), _small_catalog(), start=T0, end=_ts(30))
    assert (got["bad"] == 0).all()
    assert got["share"].isna().all()  # 0 of 0: no budget was consumed, so it went nowhere
    assert (got["budget_share"] == 0).all()
    assert set(got.groupby("slo")["source"].last()) == {"unattributed"}


def test_attribution_shares_sum_to_one_on_the_sample(sample):
    sli, inc, cat = sample
    got = budget_attribution(sli, inc, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z",
                             exclusions=read_dataset("maintenance"))
    sums = got.groupby(["service", "slo"])["share"].sum()
    assert len(sums) == 28  # every SLO of the sample catalog
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-12)
    assert set(got.loc[got["kind"] == "cause", "source"]) <= set(CAUSES)
    # budget shares add up to the budget the SLO consumed: bad units / ((1 - T) * total units)
    per_slo = got.groupby(["service", "slo"]).agg(bad=("bad", "sum"), allowed=("allowed_bad", "first"),
                                                 spent=("budget_share", "sum"))
    np.testing.assert_allclose(per_slo["spent"], per_slo["bad"] / per_slo["allowed"], rtol=1e-12)


def test_attribution_agrees_with_the_policy_price_of_an_incident(sample):
    # payments/availability in February: one dependency incident (INC-0066); the policy's single-incident
    # rule prices it independently (bad events in the buckets it overlaps) at 22,451 events
    sli, inc, cat = sample
    policy = single_incident(sli, inc, cat, as_of="2026-03-01T00:00Z")
    price = policy[(policy["service"] == "payments") & (policy["slo"] == "availability")
                   & (policy["id"] == "INC-0066")]["bad"].iloc[0]
    got = budget_attribution(sli, inc, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z")
    mine = got[(got["service"] == "payments") & (got["slo"] == "availability")].set_index("source")
    assert mine.loc["dependency", "incidents"] == 1
    assert mine.loc["dependency", "bad"] == pytest.approx(price)


def test_attribution_bad_inputs():
    sli, inc, cat = _small_sli(), _small_incidents(), _small_catalog()
    with pytest.raises(DataError, match=r"incidents: missing column\(s\) 'cause'"):
        budget_attribution(sli, inc.drop(columns="cause"), cat, start=T0, end=_ts(30))
    with pytest.raises(DataError, match=r"sli: missing column\(s\) 'good'"):
        budget_attribution(sli.drop(columns="good"), inc, cat, start=T0, end=_ts(30))
    with pytest.raises(ParameterError, match=r"end .* is not after start"):
        budget_attribution(sli, inc, cat, start=_ts(30), end=T0)
    with pytest.raises(ParameterError, match=r"budget_attribution: start '2026-03-02' has no time zone"):
        budget_attribution(sli, inc, cat, start="2026-03-02", end=_ts(30))
    naive = inc.assign(started_at=inc["started_at"].dt.tz_localize(None))
    with pytest.raises(DataError, match=r"incidents column 'started_at' holds datetime64\[us\]"):
        budget_attribution(sli, naive, cat, start=T0, end=_ts(30))
    backwards = inc.assign(resolved_at=inc["started_at"] - pd.Timedelta(minutes=1))
    with pytest.raises(DataError, match=r"incident 'INC-1': 'resolved_at' .* is before 'started_at'"):
        budget_attribution(sli, backwards, cat, start=T0, end=_ts(30))
    with pytest.raises(InsufficientDataError, match="no buckets starting in"):
        budget_attribution(sli, inc, cat, start="2027-01-01T00:00Z", end="2027-02-01T00:00Z")
    other = sli.assign(slo=sli["slo"].replace("probe", "nope"))
    with pytest.raises(DefinitionError, match="unknown SLO 'nope' of service 'svc'"):
        budget_attribution(other, inc, cat, start=T0, end=_ts(30))
    with pytest.raises(DataError, match=r"exclusions: missing column\(s\) 'end'"):
        budget_attribution(sli, inc, cat, start=T0, end=_ts(30),
                           exclusions=_small_maintenance().drop(columns="end"))


# ------------------------------------------------------------------------------------------- recurrence


def _incidents_at(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Incidents ``(service, cause, days before as_of)``."""
    as_of = pd.Timestamp("2026-04-01T00:00Z")
    return pd.DataFrame({
        "id": [f"I-{i}" for i in range(len(rows))],
        "service": [r[0] for r in rows],
        "cause": [r[1] for r in rows],
        "started_at": pd.DatetimeIndex([as_of - pd.Timedelta(days=r[2]) for r in rows]).as_unit("us"),
    })


def test_recurrence_counts_slope_and_test():
    # periods of 7 days ending 2026-04-01: [-21d, -14d), [-14d, -7d), [-7d, 0)
    # svc-a deploy: 0, 1, 3 incidents; one 30 days before as_of is outside all periods
    # svc-b config: 1, 0, 0; svc-b "gremlins": 0, 0, 1 (an unknown cause, listed)
    inc = _incidents_at([("svc-a", "deploy", 30), ("svc-a", "deploy", 10), ("svc-a", "deploy", 6),
                         ("svc-a", "deploy", 3), ("svc-a", "deploy", 0.5), ("svc-b", "config", 20),
                         ("svc-b", "gremlins", 1)])
    rec = cause_recurrence(inc, as_of="2026-04-01T00:00Z", periods=3, period="week")
    t = rec.table.set_index(["service", "cause"])
    a = t.loc[("svc-a", "deploy")]
    assert (a["incidents"], a["last"]) == (4, 3)
    assert a["earlier_mean"] == pytest.approx(0.5)
    assert a["rate_ratio"] == pytest.approx(6.0)
    # least squares on x = -1, 0, 1: slope = (0 * -1 + 1 * 0 + 3 * 1) / 2 = 1.5
    assert a["slope"] == pytest.approx(1.5)
    # P(X >= 3 | n = 4, p = 1/3) = 4 (1/3)^3 (2/3) + (1/3)^4 = 8/81 + 1/81 = 1/9
    assert a["p_value"] == pytest.approx(1 / 9)
    assert bool(a["recurring"]) and not bool(a["increasing"])
    b = t.loc[("svc-b", "config")]
    assert (b["incidents"], b["last"], b["slope"]) == (1, 0, pytest.approx(-0.5))
    assert b["p_value"] == pytest.approx(1.0)
    g = t.loc[("svc-b", "gremlins")]
    assert not bool(g["known"]) and g["rate_ratio"] == np.inf
    assert g["p_value"] == pytest.approx(1 / 3)
    counts = rec.counts[(rec.counts["service"] == "svc-a")]
    assert counts["incidents"].tolist() == [0, 1, 3]
    assert counts["period_start"].iloc[0] == pd.Timestamp("2026-03-11T00:00Z")
    assert counts["period_end"].iloc[-1] == pd.Timestamp("2026-04-01T00:00Z")


def test_recurrence_p_value_against_scipy():
    from scipy import stats

    inc = _incidents_at([("s", "deploy", d) for d in (80, 50, 25, 20, 15, 10, 5, 2)])
    rec = cause_recurrence(inc, as_of="2026-04-01T00:00Z", periods=4, period="month")
    row = rec.table.iloc[0]
    # 30-day periods: ages 80 | 50 | 25, 20, 15, 10, 5, 2 -> counts 0, 1, 1, 6 of n = 8
    assert row["last"] == 6 and row["incidents"] == 8
    expected = stats.binomtest(6, 8, 1 / 4, alternative="greater").pvalue
    assert row["p_value"] == pytest.approx(expected, rel=1e-12)
    assert bool(row["increasing"])


def test_recurrence_bad_inputs():
    inc = _incidents_at([("s", "deploy", 1)])
    with pytest.raises(ParameterError, match="periods 1 must be an integer >= 2"):
        cause_recurrence(inc, as_of="2026-04-01T00:00Z", periods=1)
    with pytest.raises(ParameterError, match="as_of '2026-04-01' has no time zone"):
        cause_recurrence(inc, as_of="2026-04-01")
    with pytest.raises(DataError, match=r"missing column\(s\) 'cause'"):
        cause_recurrence(inc.drop(columns="cause"), as_of="2026-04-01T00:00Z")
    with pytest.raises(ParameterError, match="alpha 2 is outside"):
        cause_recurrence(inc, as_of="2026-04-01T00:00Z", alpha=2)


# ------------------------------------------------------------------------------------------- credit exposure
#
# Hourly counts of one SLO from 2026-01-01 to 2026-04-20 (UTC, 100 events an hour); the forecast is made at
# 2026-04-21, so April has 20 days observed and 10 simulated. Every simulated day's error rate is one of the
# history days' rates, and its traffic the history's (constant), so each case's attainment can be bounded by
# hand.


def _hourly(bad_rate) -> pd.DataFrame:
    times = pd.date_range("2026-01-01", "2026-04-20 23:00", freq="1h", tz=UTC, unit="us")
    bad = np.rint(100 * np.asarray(bad_rate(times), dtype=float)).astype(np.int64)
    return pd.DataFrame({"timestamp": times, "service": "svc", "slo": "avail", "good": 100 - bad,
                         "total": 100})


def _sla_catalog(target: float, credits: list[dict], *, schedule: bool = False,
                 exclusions: tuple[str, ...] = ()) -> Catalog:
    hours = Schedule(name="office", timezone=UTC, hours=[{"days": ["mon", "tue", "wed", "thu", "fri"],
                                                         "start": "09:00", "end": "17:00"}])
    return Catalog(
        schedules=[hours],
        services=[Service(name="svc", owner="team", tier=1, users=1, business_weight=1, timezone=UTC)],
        slos=[SLO(service="svc", name="avail", indicator={"kind": "ratio", "good": "g", "total": "t"},
                  target=0.999, window="28d")],
        slas=[SLA(service="svc", name="deal", slo="avail", target=target, period="month",
                  schedule="office" if schedule else None, exclusions=exclusions, credits=credits,
                  monthly_fee=1000)],
    )


AS_OF = "2026-04-21T00:00Z"


def test_credit_of_a_month_lost_beyond_recovery():
    # 1 % errors to March, 50 % from 1 April. End of April: A = 1 - (20 * 0.5 + sum of 10 future rates) / 30,
    # every future rate between 0.01 and 0.5, so 0.5 <= A <= 1 - 10.1 / 30 = 0.663 < 0.7: every path is in
    # the lowest tier (below 0.7 -> 100 %); expected credit exactly 1, its interval [1, 1]
    sli = _hourly(lambda t: np.where(t >= pd.Timestamp("2026-04-01", tz=UTC), 0.5, 0.01))
    cat = _sla_catalog(0.99, [{"below": 0.99, "credit": 0.1}, {"below": 0.95, "credit": 0.25},
                              {"below": 0.7, "credit": 1.0}])
    got = credit_exposure(sli, cat, as_of=AS_OF, n_paths=500, seed=1).iloc[0]
    assert got["p_breach"] == 1.0
    assert got["expected_credit"] == 1.0 and got["low"] == 1.0 and got["high"] == 1.0
    assert got["expected_amount"] == 1000.0
    assert got["current_attainment"] == pytest.approx(0.5) and got["current_credit"] == 1.0
    assert (got["observed_days"], got["simulated_days"]) == (20, 10)
    assert got["period_start"] == pd.Timestamp("2026-04-01T00:00Z")
    assert got["period_end"] == pd.Timestamp("2026-05-01T00:00Z")


def test_credit_of_a_perfect_month_is_zero():
    sli = _hourly(lambda t: np.zeros(len(t)))
    cat = _sla_catalog(0.99, [{"below": 0.99, "credit": 0.1}])
    got = credit_exposure(sli, cat, as_of=AS_OF, n_paths=500, seed=1).iloc[0]
    assert got["p_breach"] == 0.0
    assert got["expected_credit"] == 0.0 and got["high"] == 0.0 and got["expected_amount"] == 0.0
    assert got["current_attainment"] == 1.0 and got["current_credit"] == 0.0


def test_credit_at_a_tier_boundary():
    # 50 % errors every hour: every path ends at A = 0.5 exactly (half of integer counts is exact in binary).
    # The tier "below 0.5" needs A < 0.5 (sla.service_credits: "less than"), so A = 0.5 earns the tier above
    # it, "below 0.9" -> 10 %, not 100 %
    sli = _hourly(lambda t: np.full(len(t), 0.5))
    cat = _sla_catalog(0.9, [{"below": 0.9, "credit": 0.1}, {"below": 0.5, "credit": 1.0}])
    got = credit_exposure(sli, cat, as_of=AS_OF, n_paths=200, seed=1).iloc[0]
    assert got["attainment_median"] == 0.5
    assert got["expected_credit"] == pytest.approx(0.1) and got["low"] == 0.1 and got["high"] == 0.1
    assert got["p_breach"] == 1.0


def _outside_office(t: pd.DatetimeIndex) -> np.ndarray:
    office = (t.day_of_week < 5) & (t.hour >= 9) & (t.hour < 17)
    return np.where(office, 0.0, 0.5)


def test_credit_counts_only_the_sla_business_hours():
    # errors only outside office hours: the contract, measured in office hours, sees a perfect month;
    # measured around the clock the month is lost (the same data without the schedule)
    sli = _hourly(_outside_office)
    tiers = [{"below": 0.99, "credit": 0.1}, {"below": 0.9, "credit": 0.5}]
    hours = credit_exposure(sli, _sla_catalog(0.99, tiers, schedule=True), as_of=AS_OF, n_paths=300,
                            seed=1).iloc[0]
    assert bool(hours["business_hours"])
    assert hours["expected_credit"] == 0.0 and hours["current_attainment"] == 1.0
    clock = credit_exposure(sli, _sla_catalog(0.99, tiers), as_of=AS_OF, n_paths=300, seed=1).iloc[0]
    assert not bool(clock["business_hours"])
    assert clock["expected_credit"] == 0.5  # about 38 % of the hours at 50 % errors: A near 0.81 < 0.9


def test_credit_excludes_maintenance_when_the_sla_does():
    # errors only in daily maintenance windows 02:00-04:00: excluded, the month is perfect
    sli = _hourly(lambda t: np.where((t.hour >= 2) & (t.hour < 4), 0.5, 0.0))
    days = pd.date_range("2026-01-01", "2026-04-20", freq="D", tz=UTC, unit="us")
    windows = pd.DataFrame({"service": "svc", "start": days + pd.Timedelta(hours=2),
                            "end": days + pd.Timedelta(hours=4)})
    tiers = [{"below": 0.99, "credit": 0.1}, {"below": 0.95, "credit": 0.3}]
    excluded = credit_exposure(sli, _sla_catalog(0.99, tiers, exclusions=("maintenance",)), as_of=AS_OF,
                               n_paths=300, seed=1, exclusions=windows).iloc[0]
    assert bool(excluded["maintenance_excluded"]) and excluded["expected_credit"] == 0.0
    # an SLA that does not exclude maintenance pays: A = 1 - 0.5 * 2/24 = 0.958 -> "below 0.99", 10 %
    kept = credit_exposure(sli, _sla_catalog(0.99, tiers), as_of=AS_OF, n_paths=300, seed=1,
                           exclusions=windows).iloc[0]
    assert not bool(kept["maintenance_excluded"])
    assert kept["current_attainment"] == pytest.approx(1 - 0.5 * 2 / 24)
    assert kept["expected_credit"] == pytest.approx(0.1)


def test_credit_exposure_repeats_with_a_seed_and_uses_breach_probability_paths(sample):
    from slm_analytics import breach_probability

    sli, _, cat = sample
    a = credit_exposure(sli, cat, as_of="2026-02-10T00:00Z", seed=3, n_paths=400)
    b = credit_exposure(sli, cat, as_of="2026-02-10T00:00Z", seed=3, n_paths=400)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == len(cat.slas)
    assert ((a["low"] <= a["expected_credit"]) & (a["expected_credit"] <= a["high"])).all()
    # login's SLA has no schedule and no maintenance excluded (no exclusions given): its breach probability
    # is breach_probability's for the SLO over the calendar month against the SLA's target, with the
    # generator in the same state (login is the third SLA: the first two draw before it)
    row = a[a["sla"] == "sso-partners"].iloc[0]
    slo = cat.slo("login", "availability").model_copy(update={"window": "month"})
    rng = np.random.default_rng(3)
    for sla in cat.slas[:2]:
        other = cat.slo(sla.service, sla.slo).model_copy(update={"window": sla.period})
        mine = sli[(sli["service"] == sla.service) & (sli["slo"] == sla.slo)]
        breach_probability(mine, other, target=sla.target, as_of="2026-02-10T00:00Z", n_paths=400, seed=rng)
    bp = breach_probability(sli[(sli["service"] == "login") & (sli["slo"] == "availability")], slo,
                            target=0.999, as_of="2026-02-10T00:00Z", n_paths=400, seed=rng)
    assert row["p_breach"] == bp.probability


def test_credit_exposure_bad_inputs(sample):
    sli, _, cat = sample
    with pytest.raises(ParameterError, match="n_paths 0 must be an integer >= 1"):
        credit_exposure(sli, cat, n_paths=0)
    with pytest.raises(DataError, match=r"sli: missing column\(s\) 'total'"):
        credit_exposure(sli.drop(columns="total"), cat)
    with pytest.raises(InsufficientDataError, match="no rows for the SLO of any SLA"):
        credit_exposure(sli[sli["service"] == "catalog"], cat)
    with pytest.raises(ParameterError, match="no time zone"):
        credit_exposure(sli, cat, as_of="2026-02-10")


def test_credit_exposure_without_slas_is_empty(sample):
    # nothing agreed, nothing owed: an empty table with the columns of a full one
    sli, _, cat = sample
    full = credit_exposure(sli, cat, as_of="2026-02-10T00:00Z", n_paths=50, seed=0)
    empty = credit_exposure(sli, cat.model_copy(update={"slas": ()}), as_of="2026-02-10T00:00Z", n_paths=50)
    assert empty.empty and empty.columns.tolist() == full.columns.tolist()
    assert str(empty["period_start"].dtype) == str(full["period_start"].dtype)
