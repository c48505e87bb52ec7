"""Tests for slm_analytics.review.plan: drafting SIP items from the priorities, and the plan's tables.

The priorities are built from a small evidence table whose numbers are stated here, so each item's problem,
evidence and KPI can be checked against them by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slm_analytics.data import read_dataset
from slm_analytics.priorities import priority_scores
from slm_analytics.review.plan import PROBLEMS, draft_sip, sip_table


def evidence() -> pd.DataFrame:
    # a: risky (missed its window: consumed 1.5, out of SLO 30 % of the year); b: worsening (p = 0.001);
    # c: recurring deploy incidents only
    return pd.DataFrame({
        "service": ["a", "b", "c"], "slo": ["availability", "latency", "availability"],
        "owner": ["team-a", "team-b", "team-c"], "tier": [3, 3, 3], "users": [0, 0, 0],
        "business_weight": [1.0, 1.0, 1.0], "toil_hours": [None] * 3, "target": [0.999, 0.99, 0.995],
        "window": ["28d", "month", "28d"], "sli": [0.9985, 0.992, 0.997], "p_breach": [1.0, 0.0, 0.0],
        "budget_consumed": [1.5, 0.8, 0.6], "out_of_slo_share": [0.3, 0.0, 0.0],
        "trend": ["no trend", "decreasing", "no trend"], "trend_p": [0.5, 0.001, 0.5], "incidents": [0, 0, 6],
        "top_cause": ["", "", "deploy"], "top_cause_incidents": [0, 0, 6],
        "top_cause_recurring": [False, False, True],
        "credits_owed": [0.0, 0.0, 0.0], "importance_max": [np.nan] * 3, "satisfaction_min": [np.nan] * 3,
        "significant_gaps": [0, 0, 0], "policy_triggers": ["", "", ""],
        "as_of": pd.Timestamp("2026-11-01T00:00Z"),
    })


@pytest.fixture()
def priorities():
    return priority_scores(evidence(), seed=1, draws=50)


def test_items_name_the_problem_of_their_largest_weighted_part(priorities):
    items = draft_sip(priorities, top=3).set_index("service")
    # a: risk (1 + 1 + 1) / 3 = 1, weighted 0.35; b: worsening 0.999 x 0.15 = 0.150 beats its risk
    # (0 + 0.8 + 0) / 3 x 0.35 = 0.093; c: recurrence 6 / 6 x 0.1 = 0.1 beats its risk 0.6 / 3 x 0.35 = 0.07
    # (impact is 0.25 x 0.2 = 0.05 for all three)
    assert items.loc["a", "problem"] == PROBLEMS["risk"]
    assert items.loc["b", "problem"] == PROBLEMS["worsening"]
    assert items.loc["c", "problem"] == PROBLEMS["recurrence"]
    # the KPI is the SLO's SLI in its window, from its measured value to the SLO's target
    assert (items.loc["a", "kpi"], items.loc["a", "baseline"], items.loc["a", "target"]) == (
        "28d SLI", 0.9985, 0.999)
    assert items.loc["c", "action"] == "canary analysis, progressive rollouts and fast rollback"
    assert items.loc["a", "owner"] == "team-a"
    # opened on the priorities' date, due 90 days and reviewed 30 days later
    assert items.loc["a", "opened"] == pd.Timestamp("2026-11-01")
    assert items.loc["a", "due"] == pd.Timestamp("2027-01-30")
    assert items.loc["a", "review"] == pd.Timestamp("2026-12-01")


def test_evidence_states_the_numbers(priorities):
    ev = draft_sip(priorities, top=3).set_index("service")["evidence"]
    assert ev["a"].startswith("28d SLI 99.850% vs 99.900% target (150% of the budget spent); out of its "
                              "objective 30% of the last 365 days; a 100% chance of missing the current "
                              "window")
    assert "the daily SLI is falling (Mann-Kendall p = 0.001)" in ev["b"]
    assert "6 incidents in 365 days (deploy)" in ev["c"]


def test_drafting_again_into_the_register_changes_nothing(priorities):
    register = read_dataset("sip_register")
    once = draft_sip(priorities, register=register, top=3)
    twice = draft_sip(priorities, register=once, top=3)
    assert once.equals(twice)
    # three new items after the register's last id (SIP-012)
    assert once["id"].tolist()[-3:] == ["SIP-013", "SIP-014", "SIP-015"]
    assert len(once) == len(register) + 3


def test_the_sip_table_shows_open_items_and_flags_overdue_ones():
    register = read_dataset("sip_register")
    styled = sip_table(register, service="notifications", as_of="2026-11-15")
    assert styled.data["id"].tolist() == ["SIP-006"]  # in progress, due 31 Oct 2026
    html = styled.to_html()
    assert "#c0392b" in html  # overdue on 15 November


def test_the_dominant_source_of_spent_budget_decides_the_action(priorities):
    # c's incidents are deploys, but 70 % of a's and of c's spent budget went to errors no incident explains
    attribution = pd.DataFrame({
        "service": ["a", "a", "c", "c"], "slo": ["availability"] * 4,
        "source": ["unattributed", "deploy", "unattributed", "deploy"], "share": [0.7, 0.3, 0.7, 0.3]})
    items = draft_sip(priorities, top=3, attribution=attribution).set_index("service")
    assert items.loc["a", "action"] == items.loc["c", "action"] == (
        "bad events no incident explains: instrument them")
    assert items.loc["c", "evidence"].endswith("70% of the spent budget went to errors no incident explains")
    # b has no attribution rows: the decision matrix's suggestion stays
    assert items.loc["b", "action"] == draft_sip(priorities, top=3).set_index("service").loc["b", "action"]
