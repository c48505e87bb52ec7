"""Tests for slm_analytics.priorities: the evidence, the five parts, the score, its stability, the decision.

Expected parts and scores are worked by hand in the comments from the rules in ``priority_scores``'s
docstring; the decision matrix is the SRE Workbook's (chapter 2, "Decision Making Using SLOs and Error
Budgets").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slm_analytics.data import read_dataset
from slm_analytics.errors import DataError, ParameterError
from slm_analytics.priorities import (
    DECISION_MATRIX,
    DEFAULT_WEIGHTS,
    check_weights,
    priority_evidence,
    priority_scores,
)


def evidence(**columns) -> pd.DataFrame:
    """Three SLOs of evidence; columns given override the neutral defaults."""
    base = {
        "service": ["a", "b", "c"], "slo": ["x", "x", "x"], "p_breach": [0.0, 0.0, 0.0],
        "budget_consumed": [0.0, 0.0, 0.0], "out_of_slo_share": [0.0, 0.0, 0.0], "tier": [3, 3, 3],
        "users": [0, 0, 0], "business_weight": [1.0, 1.0, 1.0], "credits_owed": [0.0, 0.0, 0.0],
        "importance_max": [np.nan] * 3, "satisfaction_min": [np.nan] * 3, "significant_gaps": [0, 0, 0],
        "trend": ["no trend"] * 3, "trend_p": [0.5] * 3, "top_cause": ["", "", ""],
        "top_cause_incidents": [0, 0, 0], "toil_hours": [None] * 3,
    }
    base.update(columns)
    return pd.DataFrame(base)


# ---------------------------------------------------------------------------------------------- weights


@pytest.mark.parametrize(("weights", "message"), [
    ({"speed": 1},
     "weights: unknown part 'speed'; the parts are risk, impact, user_need, worsening, recurrence"),
    ({"risk": -0.1}, "weights: 'risk' is -0.1; a weight is a finite number, 0 or more"),
    ({"risk": float("nan")}, "weights: 'risk' is nan; a weight is a finite number, 0 or more"),
    ({"risk": True}, "weights: 'risk' is True; a weight is a finite number, 0 or more"),
    ({"risk": "high"}, "weights: 'risk' is 'high'; a weight is a finite number, 0 or more"),
    (dict.fromkeys(DEFAULT_WEIGHTS, 0),
     "weights: every weight is 0; give at least one part a positive weight"),
    ([("risk", 1)], "weights must be a mapping of part to weight such as {'risk': 0.5}, not list"),
])
def test_bad_weights(weights, message):
    with pytest.raises(ParameterError) as info:
        check_weights(weights)
    assert str(info.value) == message


def test_weights_not_given_keep_their_defaults():
    assert check_weights({"risk": 1}) == {**DEFAULT_WEIGHTS, "risk": 1.0}
    assert check_weights(None) == DEFAULT_WEIGHTS


# ------------------------------------------------------------------------------------------------ parts


def test_parts_follow_the_documented_rules():
    ev = evidence(
        # risk = mean(p_breach, min(consumed, 1), min(out_of_slo / 0.25, 1))
        p_breach=[1.0, 0.2, 0.0], budget_consumed=[1.5, 0.4, 0.0], out_of_slo_share=[0.5, 0.05, 0.0],
        # impact = mean((3 - tier) / 2, log1p(users) / log1p(max users), bw / max bw, credits / max credits)
        tier=[1, 2, 3], users=[999, 99, 0], business_weight=[4.0, 2.0, 1.0], credits_owed=[100.0, 0.0, 0.0],
        # user_need = (importance - 1) / 4 x (1 if a significant gap else clip((4 - satisfaction) / 3, 0, 1))
        importance_max=[5, 3, np.nan], satisfaction_min=[4.5, 2.5, np.nan], significant_gaps=[1, 0, 0],
        # worsening = 1 - p when decreasing with p < 0.05
        trend=["decreasing", "decreasing", "increasing"], trend_p=[0.01, 0.2, 0.001],
        # recurrence = top-cause incidents if >= 2, over the fleet's largest
        top_cause=["deploy", "config", "network"], top_cause_incidents=[4, 1, 2],
    )
    t = priority_scores(ev, draws=10, seed=1).table.set_index("service")
    # a: risk (1 + 1 + 1) / 3 = 1; impact (1 + 1 + 1 + 1) / 4 = 1; user_need 1 x 1 = 1; worsening 0.99;
    #    recurrence 4 / 4 = 1
    # b: risk (0.2 + 0.4 + 0.2) / 3; impact (0.5 + log(100)/log(1000) + 0.5 + 0) / 4; user_need 0.5 x 0.5;
    #    worsening 0 (p = 0.2); recurrence 0 (one incident is no recurrence)
    # c: risk 0; impact (0 + 0 + 0.25 + 0) / 4; user_need 0; worsening 0 (an increasing SLI); recurrence 2 / 4
    expected = {
        "a": (1.0, 1.0, 1.0, 0.99, 1.0),
        "b": (0.8 / 3, (0.5 + 2 / 3 + 0.5) / 4, 0.25, 0.0, 0.0),
        "c": (0.0, 0.0625, 0.0, 0.0, 0.5),
    }
    for item, parts in expected.items():
        got = t.loc[item, ["risk", "impact", "user_need", "worsening", "recurrence"]].astype(float).to_numpy()
        np.testing.assert_allclose(got, parts, rtol=1e-12)
    # score = sum(w p) / sum(w) with the default weights (they sum to 1)
    w = np.array(list(DEFAULT_WEIGHTS.values()))
    for item, parts in expected.items():
        assert t.loc[item, "score"] == pytest.approx(float(np.dot(w, parts)) / w.sum(), rel=1e-12)
    assert t["rank"].to_dict() == {"a": 1, "b": 2, "c": 3}


def test_weights_change_the_ranking_as_expected():
    # a is risky, b has impact: risk alone ranks a first, impact alone ranks b first
    ev = evidence(p_breach=[1.0, 0.0, 0.0], tier=[3, 1, 3])
    assert priority_scores(ev, weights={"impact": 0}, draws=10).table["service"].iloc[0] == "a"
    only_impact = dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"impact": 1.0}
    assert priority_scores(ev, weights=only_impact, draws=10).table["service"].iloc[0] == "b"


def test_sensitivity_marks_a_top_item_that_holds_only_under_these_weights():
    # Every impact part has business weight 1/1 = 1 of its four, so impact is 0.25 + 0.25 for tier 1.
    # a: risk 0.5 / 3, impact 0.25 -> 0.35 / 6 + 0.2 x 0.25 = 0.10833; b: impact 0.5 -> 0.1; c: 0.05.
    # With draws close to the defaults (concentration 1e6) a is first in every draw; with wide draws
    # (concentration 1) b overtakes a in some of them.
    ev = evidence(p_breach=[0.5, 0.0, 0.0], tier=[3, 1, 3])
    close = priority_scores(ev, top=1, concentration=1e6, seed=3).table.set_index("service")
    assert close.loc["a", "rank"] == 1 and close.loc["a", "top_share"] == 1.0
    assert (close.loc["a", "rank_low"], close.loc["a", "rank_high"]) == (1.0, 1.0)
    assert not close.loc["a", "fragile"]
    wide = priority_scores(ev, top=1, concentration=1.0, seed=3, draws=4000).table.set_index("service")
    assert 0 < wide.loc["b", "top_share"] < 1 and wide.loc["a", "top_share"] + wide.loc["b", "top_share"] <= 1
    # the draws are seeded: the same seed gives the same shares
    again = priority_scores(ev, top=1, concentration=1.0, seed=3, draws=4000).table.set_index("service")
    assert again["top_share"].equals(wide["top_share"])


def test_a_near_tie_is_fragile():
    # (impact is 0.25 for all three and adds the same 0.05.) a: risk (1 + 0.2728) / 3 -> 0.35 x 0.42427 =
    # 0.148493; b: worsening 1 - 0.01 = 0.99 -> 0.15 x 0.99 = 0.1485: b first by 7e-6, so under weights drawn
    # around the defaults it is first in about half the draws or fewer
    ev = evidence(p_breach=[1.0, 0.0, 0.0], budget_consumed=[0.2728, 0.0, 0.0],
                  trend=["no trend", "decreasing", "no trend"], trend_p=[0.5, 0.01, 0.5])
    t = priority_scores(ev, top=1, seed=5, draws=4000).table.set_index("service")
    assert t.loc["b", "rank"] == 1 and t.loc["b", "fragile"] and t.loc["b", "top_share"] < 0.5


@pytest.mark.parametrize("row", list(DECISION_MATRIX.itertuples(index=False)), ids=lambda r: "-".join(r[:3]))
def test_the_decision_matrix_read_on_three_dimensions(row):
    missed = row.slo == "missed"
    ev = evidence(p_breach=[0.9 if missed else 0.0] * 3, toil_hours=[20.0 if row.toil == "high" else 2.0] * 3,
                  importance_max=[4] * 3, satisfaction_min=[4.5 if row.satisfaction == "high" else 2.0] * 3)
    t = priority_scores(ev, draws=10).table
    assert t["decision"].tolist() == [row.decision] * 3
    assert t["decision_dimensions"].tolist() == [3] * 3


def test_without_toil_the_matrix_is_read_on_two_dimensions():
    ev = evidence(p_breach=[0.9, 0.0, 0.0], importance_max=[4, 4, 4], satisfaction_min=[2.0, 4.5, 2.0])
    t = priority_scores(ev, draws=10).table.set_index("service")
    # missed + unhappy users: low toil -> more alerting sensitivity, high toil -> offload toil and fix
    assert t.loc["a", "decision"] == "increase-alert-sensitivity or offload-toil-and-fix-product"
    # met + happy users: low toil -> relax releases or refocus, high toil -> fewer false alerts or loosen
    assert t.loc["b", "decision"] == "relax-releases-or-refocus or reduce-false-alerts-or-loosen-slo"
    # met + unhappy users: tighten the SLO whatever the toil
    assert t.loc["c", "decision"] == "tighten-slo"
    assert set(t["decision_dimensions"]) == {2}


def test_evidence_without_a_column_is_refused():
    with pytest.raises(DataError, match=r"priority_scores: evidence: missing column\(s\) 'trend_p'"):
        priority_scores(evidence().drop(columns=["trend_p"]))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"top": 0}, "top"), ({"draws": 0}, "draws"),
    ({"concentration": 0}, "concentration 0 must be a positive number"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        priority_scores(evidence(), **kwargs)


# ------------------------------------------------------------------------------------------ sample data


@pytest.fixture(scope="module")
def sample():
    ev = priority_evidence(read_dataset("sli_5min"), read_dataset("catalog"),
                           incidents=read_dataset("incidents"), exclusions=read_dataset("maintenance"),
                           requirements=read_dataset("requirements"),
                           seed=1, n_paths=300)
    return priority_scores(ev, seed=1)


def test_the_planted_problems_come_first(sample):
    # datasets/README.md: notifications/delivery and search/latency degrade over the year, mobile-api/latency
    # regressed after a deploy (June to September), payments/availability missed February 2026 (its SLA too)
    top = set(zip(sample.table["service"].head(4), sample.table["slo"].head(4), strict=True))
    assert top == {("notifications", "delivery"), ("search", "latency"), ("mobile-api", "latency"),
                   ("payments", "availability")}
    # services that are fine all year are not near the top
    t = sample.table.set_index(["service", "slo"])
    for fine in [("checkout", "latency"), ("catalog", "availability"), ("catalog", "latency")]:
        assert t.loc[fine, "rank"] > 8


def test_sample_evidence_is_what_the_data_holds(sample):
    t = sample.table.set_index(["service", "slo"])
    # the three degradations are significant decreasing trends
    for key in [("notifications", "delivery"), ("search", "latency"), ("mobile-api", "latency")]:
        assert t.loc[key, "trend"] == "decreasing" and t.loc[key, "worsening"] > 0.95
    # the February payments SLA breach owes a credit in the look-back
    assert t.loc[("payments", "availability"), "credits_owed"] > 0
    assert t.loc[("payments", "availability"), "sla_breaches"] >= 1
    # notifications/delivery has run out of budget: the policy's release freeze triggers
    assert "budget-exhausted" in t.loc[("notifications", "delivery"), "policy_triggers"]
