"""Tests for slm_analytics.policy: the error-budget policy's rules, each alone, and their composition.

Expected values are hand calculations on a small synthetic hourly series (shown in comments): 100 events an
hour, all good except the scripted outages, against an SLO of 0.99.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import slm_analytics
from slm_analytics import sla
from slm_analytics.catalog import Catalog
from slm_analytics.errors import DataError, DefinitionError, InsufficientDataError, ParameterError
from slm_analytics.policy import (
    POLICY_RULES,
    budget_exhausted,
    budget_policy_triggers,
    outage_class,
    single_incident,
)
from slm_analytics.review.notes import policy_evidence


def make_catalog(target=0.99) -> Catalog:
    return Catalog.model_validate({
        "services": [{"name": "shop", "owner": "t", "tier": 1, "users": 1, "business_weight": 1,
                      "timezone": "Europe/London"}],
        "slos": [{"service": "shop", "name": "availability", "indicator": {"kind": "ratio", "good": "g",
                                                                           "total": "t"},
                  "target": target, "window": "28d"}],
    })


def series(start: str, periods: int, freq: str, good, total) -> pd.DataFrame:
    t = pd.date_range(start, periods=periods, freq=freq, tz="UTC", unit="us")
    return pd.DataFrame({"timestamp": t, "service": "shop", "slo": "availability",
                         "good": np.broadcast_to(np.asarray(good, dtype=np.int64), periods).copy(),
                         "total": np.broadcast_to(np.asarray(total, dtype=np.int64), periods).copy()})


# ------------------------------------------------------------------------------------------- triggers


@pytest.fixture(scope="module")
def policy_data():
    # hourly buckets for 120 days from 1 Jan 2026, 100 events an hour, all good except the incidents below.
    # SLO target 0.99. 28 days = 672 buckets = 67,200 events -> budget 672 bad events;
    # the trailing 90 days (from day 30) = 2,160 buckets = 216,000 events -> budget 2,160 bad events.
    f = series("2026-01-01", 120 * 24, "1h", 100, 100)
    t0 = pd.Timestamp("2026-01-01T00:00Z")

    def outage(day: int, hour: int, hours: int) -> None:
        s = t0 + pd.Timedelta(days=day, hours=hour)
        f.loc[(f["timestamp"] >= s) & (f["timestamp"] < s + pd.Timedelta(hours=hours)), "good"] = 0

    outage(100, 10, 3)  # INC-1 deploy: 3 buckets = 300 bad
    outage(50, 0, 2)  # INC-2 deploy: 200 bad
    outage(60, 0, 1)  # INC-3 network: 100 bad
    at = lambda d, h, m=0: t0 + pd.Timedelta(days=d, hours=h, minutes=m)  # noqa: E731
    incidents = pd.DataFrame({
        "id": ["INC-1", "INC-2", "INC-3", "INC-4"],
        "service": "shop",
        "severity": ["P2", "P3", "P3", "P4"],
        "cause": ["deploy", "deploy", "network", "deploy"],
        # INC-1 starts and ends mid-bucket: buckets 10:00, 11:00 and 12:00 overlap it
        "started_at": [at(100, 10, 30), at(50, 0), at(60, 0), at(100, 11)],
        "resolved_at": [at(100, 12, 10), at(50, 2), at(60, 1), at(100, 12)],
    })
    incidents["started_at"] = incidents["started_at"].astype("datetime64[us, UTC]")
    incidents["resolved_at"] = incidents["resolved_at"].astype("datetime64[us, UTC]")
    return f, incidents


def test_policy_triggers_hand_calculation(policy_data):
    f, incidents = policy_data
    got = budget_policy_triggers(f, incidents, make_catalog())
    # rule 2: INC-1 spent 300 / 672 = 0.446429 of the 4-week budget; INC-4 (inside INC-1) 100 / 672 = 0.1488
    # rule 3: deploy incidents spent (300 + 200) / 2160 = 0.231481 of the quarter's (INC-4 counted once);
    # network 100 / 2160 = 0.046 does not trigger; 28-day SLI 1 - 300/67200 = 0.99554 > 0.99: no freeze
    assert got[["rule", "subject"]].values.tolist() == [["single-incident", "INC-1"],
                                                        ["outage-class", "deploy"]]
    assert got["value"].tolist() == pytest.approx([300 / 672, 500 / 2160], rel=1e-12)
    assert got["threshold"].tolist() == [0.2, 0.2]
    end = pd.Timestamp("2026-05-01T00:00Z")
    assert got["window_end"].tolist() == [end, end]
    assert got["window_start"].tolist() == [end - pd.Timedelta(days=28), end - pd.Timedelta(days=90)]
    # the evidence is numbers (the review's notes write the sentence): 300 bad events of a 672 budget
    first = got.iloc[0]
    assert (first["unit"], first["bad"], first["incidents"]) == ("events", 300, 1)
    assert first["allowed_bad"] == pytest.approx(672, rel=1e-12)  # (1 - 0.99) x 67,200 events
    assert (first["severity"], first["cause"]) == ("P2", "deploy")
    assert policy_evidence(first.to_dict()).startswith(
        "incident INC-1 (P2, deploy, 2026-04-11 10:30 UTC to 2026-04-11 12:10 UTC) spent 45% of the 4-week "
        "error budget (300 bad events")
    assert got["action"].iloc[0] == POLICY_RULES.set_index("rule").loc["single-incident", "action"]


def test_policy_budget_exhausted_and_ongoing_incident(policy_data):
    f, incidents = policy_data
    f = f.copy()
    s = pd.Timestamp("2026-04-21T00:00Z")
    f.loc[(f["timestamp"] >= s) & (f["timestamp"] < s + pd.Timedelta(hours=5)), "good"] = 0  # 500 bad
    ongoing = pd.DataFrame({"id": ["INC-5"], "service": "shop", "severity": "P1", "cause": "hardware",
                            "started_at": pd.Series([s], dtype="datetime64[us, UTC]"),
                            "resolved_at": pd.Series([pd.NaT], dtype="datetime64[us, UTC]")})
    got = budget_policy_triggers(f, pd.concat([incidents, ongoing], ignore_index=True), make_catalog(),
                                 as_of="2026-04-21T04:00Z")
    # as_of 21 April 04:00: the 4 weeks hold INC-1 (300 bad) and 4 hours of INC-5 (400 bad): 700 / 672 =
    # 1.0417 of the budget -> freeze; INC-5, ongoing, counts up to as_of: 400 / 672 = 0.595
    by = got.set_index(["rule", "subject"])["value"]
    assert by[("budget-exhausted", "")] == pytest.approx(700 / 672, rel=1e-12)
    assert by[("single-incident", "INC-5")] == pytest.approx(400 / 672, rel=1e-12)
    assert by[("single-incident", "INC-1")] == pytest.approx(300 / 672, rel=1e-12)
    assert got["rule"].tolist()[0] == "budget-exhausted"


def test_policy_nothing_triggered_keeps_columns(policy_data):
    f, incidents = policy_data
    got = budget_policy_triggers(f, incidents.iloc[:0], make_catalog(), as_of="2026-03-01T00:00Z")
    assert got.empty
    assert list(got.columns) == ["service", "slo", "rule", "action", "subject", "value", "threshold",
                                 "window_start", "window_end", "unit", "bad", "allowed_bad", "total", "sli",
                                 "target", "incidents", "severity", "cause", "started_at", "resolved_at",
                                 "days"]


def test_policy_errors(policy_data):
    f, incidents = policy_data
    cat = make_catalog()
    with pytest.raises(ParameterError, match=r"as_of '2026-03-01' has no time zone"):
        budget_policy_triggers(f, incidents, cat, as_of="2026-03-01")
    with pytest.raises(ParameterError,
                       match=r"as_of 2027-01-01 00:00:00\+00:00 is after the end of the data"):
        budget_policy_triggers(f, incidents, cat, as_of="2027-01-01T00:00Z")
    msg = r"the trailing 4 weeks before as_of 2026-01-20 00:00:00\+00:00 start at .* before the data"
    with pytest.raises(InsufficientDataError, match=msg + r" .* at least 28 days"):
        budget_policy_triggers(f, incidents, cat, as_of="2026-01-20T00:00Z")
    with pytest.raises(DataError, match=r"budget_policy_triggers: incidents: missing column\(s\) 'cause'"):
        budget_policy_triggers(f, incidents.drop(columns="cause"), cat)


def test_policy_is_importable_from_sla_and_the_package():
    # the policy moved out of sla.py; the old import paths give the same function
    assert sla.budget_policy_triggers is budget_policy_triggers
    assert sla.POLICY_RULES is POLICY_RULES
    assert slm_analytics.budget_policy_triggers is budget_policy_triggers


# ------------------------------------------------------------------------------------------- one rule each

END = pd.Timestamp("2026-05-01T00:00Z")  # end of policy_data: 1 Jan + 120 days


def test_budget_exhausted_hand_calculation(policy_data):
    f, _ = policy_data
    got = budget_exhausted(f, make_catalog())
    # the 4 weeks before 1 May hold 672 hourly buckets = 67,200 events, of which INC-1's 3 buckets are bad:
    # 300 bad, 66,900 good; SLI 66,900 / 67,200 = 0.995536 >= 0.99; budget 0.01 x 67,200 = 672 bad events,
    # 300 / 672 = 0.446429 of it spent: not triggered
    assert len(got) == 1
    row = got.iloc[0]
    assert (row["service"], row["slo"]) == ("shop", "availability")
    assert (row["good"], row["total"], row["bad"]) == (66_900, 67_200, 300)
    assert row["allowed_bad"] == pytest.approx(672, rel=1e-12)
    assert row["sli"] == pytest.approx(66_900 / 67_200, rel=1e-12)
    assert row["target"] == pytest.approx(0.99, rel=1e-12)
    assert row["spent"] == pytest.approx(300 / 672, rel=1e-12)
    assert not row["triggered"]
    assert (row["window_start"], row["window_end"]) == (END - pd.Timedelta(days=28), END)


def test_budget_exhausted_triggers_and_skips_slos_without_events(policy_data):
    f, _ = policy_data
    f = f.copy()
    s = pd.Timestamp("2026-04-21T00:00Z")
    f.loc[(f["timestamp"] >= s) & (f["timestamp"] < s + pd.Timedelta(hours=5)), "good"] = 0  # 500 bad
    # as_of 21 April 04:00: INC-1's 300 bad and 4 of the 5 new bad hours (400): 700 bad of 67,200 events;
    # SLI 66,500 / 67,200 = 0.989583 < 0.99 -> triggered, 700 / 672 = 1.041667 of the budget spent
    got = budget_exhausted(f, make_catalog(), as_of="2026-04-21T04:00Z").iloc[0]
    assert (got["bad"], got["total"]) == (700, 67_200)
    assert got["sli"] == pytest.approx(66_500 / 67_200, rel=1e-12)
    assert got["spent"] == pytest.approx(700 / 672, rel=1e-12)
    assert got["triggered"]
    # a second SLO whose last 4 weeks have no events at all has nothing to evaluate: no row
    quiet = f.assign(slo="latency")
    quiet.loc[quiet["timestamp"] >= END - pd.Timedelta(days=28), ["good", "total"]] = 0
    spec = make_catalog().model_dump()
    cat = Catalog.model_validate({**spec, "slos": [*spec["slos"], {**spec["slos"][0], "name": "latency"}]})
    got = budget_exhausted(pd.concat([f, quiet], ignore_index=True), cat)
    assert got["slo"].tolist() == ["availability"]


def test_single_incident_hand_calculation(policy_data):
    f, incidents = policy_data
    got = single_incident(f, incidents, make_catalog())
    # the 4 weeks before 1 May hold INC-1 (10:30-12:10 on 11 April: buckets 10:00, 11:00 and 12:00, 300 bad)
    # and INC-4 (11:00-12:00: bucket 11:00, 100 bad); INC-2 (20 Feb) and INC-3 (2 March) are before them.
    # Budget 672: INC-1 spent 300 / 672 = 0.446429 > 0.2 (triggered), INC-4 100 / 672 = 0.148810
    assert got["id"].tolist() == ["INC-1", "INC-4"]
    assert got["bad"].tolist() == [300, 100]
    assert got["allowed_bad"].tolist() == pytest.approx([672, 672], rel=1e-12)
    assert got["spent"].tolist() == pytest.approx([300 / 672, 100 / 672], rel=1e-12)
    assert got["triggered"].tolist() == [True, False]
    assert got[["severity", "cause"]].values.tolist() == [["P2", "deploy"], ["P4", "deploy"]]
    assert got["resolved_at"].iloc[0] == pd.Timestamp("2026-04-11T12:10Z")
    assert (got["window_start"].iloc[0], got["window_end"].iloc[0]) == (END - pd.Timedelta(days=28), END)
    assert list(got.columns) == ["service", "slo", "id", "severity", "cause", "started_at", "resolved_at",
                                 "bad", "allowed_bad", "spent", "triggered", "window_start", "window_end"]


def test_single_incident_counts_only_the_window(policy_data):
    f, incidents = policy_data
    f = f.copy()
    # an outage from 22:00 on 2 April to 02:00 on 3 April (4 hours, 400 bad); the 4 weeks before 1 May start
    # at 00:00 on 3 April, so only its last 2 buckets count: 200 / 672 = 0.297619
    s = pd.Timestamp("2026-04-02T22:00Z")
    f.loc[(f["timestamp"] >= s) & (f["timestamp"] < s + pd.Timedelta(hours=4)), "good"] = 0
    late = pd.DataFrame({"id": ["INC-6"], "service": "shop", "cause": "network",
                         "started_at": pd.Series([s], dtype="datetime64[us, UTC]"),
                         "resolved_at": pd.Series([s + pd.Timedelta(hours=4)], dtype="datetime64[us, UTC]")})
    got = single_incident(f, late, make_catalog())
    assert got["bad"].tolist() == [200]
    assert got["spent"].tolist() == pytest.approx([200 / 672], rel=1e-12)
    assert "severity" not in got.columns  # the incidents have no severity column


def test_outage_class_hand_calculation(policy_data):
    f, incidents = policy_data
    got = outage_class(f, incidents, make_catalog())
    # the quarter: the 90 days before 1 May = 2,160 buckets = 216,000 events, budget 2,160 bad events.
    # deploy: INC-1 (300 bad), INC-2 (200 bad) and INC-4 (inside INC-1, counted once): 500 / 2160 = 0.231481
    # > 0.2 (triggered); network: INC-3, 100 / 2160 = 0.046296
    assert got["cause"].tolist() == ["deploy", "network"]
    assert got["incidents"].tolist() == [3, 1]
    assert got["bad"].tolist() == [500, 100]
    assert got["allowed_bad"].tolist() == pytest.approx([2160, 2160], rel=1e-12)
    assert got["spent"].tolist() == pytest.approx([500 / 2160, 100 / 2160], rel=1e-12)
    assert got["triggered"].tolist() == [True, False]
    assert got["days"].tolist() == pytest.approx([90, 90], rel=1e-12)
    assert got["window_start"].iloc[0] == END - pd.Timedelta(days=90)


def test_outage_class_quarter_cut_at_the_start_of_the_data(policy_data):
    f, incidents = policy_data
    got = outage_class(f, incidents, make_catalog(), as_of="2026-03-01T00:00Z")
    # as_of 1 March is day 59 of the data: the quarter is cut to the 59 days from 1 January, 1,416 buckets =
    # 141,600 events, budget 1,416. Only INC-2 (deploy, 20 Feb, 200 bad) is in it: 200 / 1416 = 0.141243
    assert got[["cause", "incidents", "bad"]].values.tolist() == [["deploy", 1, 200]]
    assert got["allowed_bad"].iloc[0] == pytest.approx(1416, rel=1e-12)
    assert got["spent"].iloc[0] == pytest.approx(200 / 1416, rel=1e-12)
    assert got["days"].iloc[0] == pytest.approx(59, rel=1e-12)
    assert got["window_start"].iloc[0] == pd.Timestamp("2026-01-01T00:00Z")
    assert not got["triggered"].iloc[0]


def test_rules_alone_name_themselves_in_errors(policy_data):
    f, incidents = policy_data
    cat = make_catalog()
    with pytest.raises(DataError, match=r"single_incident: incidents: missing column\(s\) 'cause'"):
        single_incident(f, incidents.drop(columns="cause"), cat)
    with pytest.raises(DataError, match=r"outage_class: incidents column 'started_at' must hold "
                                        r"timezone-aware timestamps"):
        outage_class(f, incidents.assign(started_at=incidents["started_at"].dt.tz_localize(None)), cat)
    with pytest.raises(DataError, match=r"budget_exhausted: sli: missing column\(s\) 'good'"):
        budget_exhausted(f.drop(columns="good"), cat)
    with pytest.raises(InsufficientDataError, match=r"budget_exhausted: the trailing 4 weeks before as_of"):
        budget_exhausted(f, cat, as_of="2026-01-20T00:00Z")
    with pytest.raises(DefinitionError, match=r"unknown SLO 'latency' of service 'shop'"):
        outage_class(f.assign(slo="latency"), incidents, cat)
