"""Tests for slm_analytics.charts.improvement: specs checked through ``chart.to_dict()``."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from slm_analytics import charts
from slm_analytics.errors import DataError, ParameterError
from slm_analytics.priorities import Priorities
from slm_analytics.requirements import ImportancePerformance


def named(layers: list[dict]) -> dict:
    """Layers by name; inside a concatenation altair suffixes each name with its panel's index."""
    return {re.sub(r"_\d+$", "", layer["name"]): layer for layer in layers}


def values(spec: dict, *levels: dict) -> list[dict]:
    """Data values of the innermost of ``levels`` that holds data (altair lifts data shared by layers)."""
    for level in reversed(levels):
        if "data" in level:
            return spec["datasets"][level["data"]["name"]]
    return spec["datasets"][spec["data"]["name"]]


@pytest.fixture
def priorities() -> Priorities:
    # hand-made: two SLOs, listed worst-ranked first to check the chart sorts by rank
    table = pd.DataFrame({
        "service": ["search", "checkout"], "slo": ["latency", "availability"],
        "risk": [0.2, 1.0], "impact": [0.5, 0.5], "user_need": [0.0, 0.25], "worsening": [0.0, 0.0],
        "recurrence": [1.0, 0.0], "score": [0.3, 0.5], "rank": [2, 1], "rank_low": [1.0, 1.0],
        "rank_high": [2.0, 2.0], "top_share": [0.4, 0.6],
    })
    weights = {"risk": 0.5, "impact": 0.2, "user_need": 0.2, "worsening": 0.05, "recurrence": 0.05}
    return Priorities(table=table, weights=weights, top=1, draws=100)


def test_priority_chart_stacks_weighted_parts_to_the_score(priorities):
    spec = charts.priority_chart(priorities).to_dict()
    parts_panel, sens_panel = spec["hconcat"]
    assert parts_panel["name"] == "parts" and sens_panel["name"] == "sensitivity"
    layers = named(parts_panel["layer"])
    bars = layers["bars"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "contribution" and bars["encoding"]["x"]["aggregate"] == "sum"
    assert bars["encoding"]["y"]["sort"] == ["checkout / availability", "search / latency"]  # by rank
    assert bars["encoding"]["color"]["scale"]["domain"] == ["risk", "impact", "user need", "worsening",
                                                             "recurrence"]
    rows = values(spec, parts_panel, bars)
    # checkout: 0.5 x 1.0 + 0.2 x 0.5 + 0.2 x 0.25 = 0.65 over weights summing to 1.0
    checkout = [r for r in rows if r["label"] == "checkout / availability"]
    assert sum(r["contribution"] for r in checkout) == pytest.approx(0.65)
    risk = next(r for r in checkout if r["part"] == "risk")
    assert (risk["value"], risk["weight"], risk["contribution"]) == pytest.approx((1.0, 0.5, 0.5))
    tips = [t["field"] for t in bars["encoding"]["tooltip"]]
    assert tips == ["label", "part", "value", "weight", "contribution", "score"]
    assert spec["title"]["text"] == "Where to improve first: the 2 highest priority scores"


def test_priority_chart_sensitivity_band(priorities):
    spec = charts.priority_chart(priorities, n=1, title="mine").to_dict()
    layers = named(spec["hconcat"][1]["layer"])
    assert list(layers) == ["band", "rank_dot", "share_labels"]
    band = layers["band"]
    assert band["encoding"]["x"]["field"] == "rank_low" and band["encoding"]["x2"]["field"] == "rank_high"
    rows = values(spec, spec["hconcat"][1], band)
    assert len(rows) == 1 and rows[0]["label"] == "checkout / availability"
    assert rows[0]["share_text"] == "top 1 in 60%"
    assert spec["title"]["text"] == "mine"


def test_priority_chart_errors(priorities):
    with pytest.raises(ParameterError, match=r"priority_chart: n 0 must be a whole number"):
        charts.priority_chart(priorities, n=0)
    bad = Priorities(table=priorities.table, weights={"speed": 1.0}, top=1, draws=1)
    with pytest.raises(DataError, match=r"weights name 'speed'; expected the parts risk, impact"):
        charts.priority_chart(bad)
    empty = Priorities(table=priorities.table.iloc[:0], weights=priorities.weights, top=1, draws=1)
    with pytest.raises(DataError, match=r"priority_chart: the frame is empty"):
        charts.priority_chart(empty)


# ------------------------------------------------------------------------------------- budget attribution


@pytest.fixture
def attribution() -> pd.DataFrame:
    # hand-made in budget_attribution's shape: checkout spent 60 % of its budget, payments 150 %
    return pd.DataFrame({
        "service": ["checkout", "checkout", "payments", "payments", "payments"],
        "slo": ["availability", "availability", "latency", "latency", "latency"],
        "source": ["deploy", "unattributed", "maintenance", "flood", "unattributed"],
        "kind": ["cause", "unattributed", "maintenance", "cause", "unattributed"],
        "share": [0.5, 0.5, 0.0, 0.8, 0.2],
        "budget_share": [0.3, 0.3, 0.0, 1.2, 0.3],
        "period_start": pd.Timestamp("2026-02-01", tz="UTC"),
        "period_end": pd.Timestamp("2026-03-01", tz="UTC"),
    })


def test_budget_attribution_chart_stacks_the_budget_each_cause_spent(attribution):
    spec = charts.budget_attribution_chart(attribution).to_dict()
    layers = named(spec["layer"])
    assert list(layers) == ["bars", "budget_rule", "labels"]
    bars = layers["bars"]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x"]["stack"] == "zero"
    assert bars["encoding"]["x"]["field"] == "budget_share"
    assert bars["encoding"]["y"]["sort"] == ["payments / latency", "checkout / availability"]  # most spent
    # known cause first, then an unknown cause, unattributed last; maintenance spent nothing: left out
    color = bars["encoding"]["color"]["scale"]
    assert color["domain"] == ["deploy", "flood", "unattributed"]
    assert color["range"][0] == charts.CAUSE_COLORS["deploy"]
    assert color["range"][2] == charts.CAUSE_COLORS["unattributed"]
    rows = values(spec, bars)
    assert [(r["source"], r["budget_share"]) for r in rows] == [
        ("deploy", 0.3), ("unattributed", 0.3), ("flood", 1.2), ("unattributed", 0.3)]
    assert [t["field"] for t in bars["encoding"]["tooltip"]] == ["label", "source", "kind", "budget_share",
                                                                   "share"]
    assert layers["budget_rule"]["encoding"]["x"] == {"datum": 1.0}
    totals = values(spec, layers["labels"])
    assert [(t["label"], t["text"]) for t in totals] == [("checkout / availability", "60%"),
                                                         ("payments / latency", "150%")]
    assert spec["title"]["text"] == "Where the error budget went, 01 Feb 2026 to 28 Feb 2026"


def test_budget_attribution_chart_errors(attribution):
    with pytest.raises(DataError, match=r"budget_attribution_chart: .*'budget_share'"):
        charts.budget_attribution_chart(attribution.drop(columns="budget_share"))
    with pytest.raises(DataError, match=r"budget_attribution_chart: the frame is empty"):
        charts.budget_attribution_chart(attribution.iloc[:0])


# ------------------------------------------------------------------------------- importance-performance


@pytest.fixture
def ipa() -> ImportancePerformance:
    # hand-made: cut lines at 3.5 (importance) and 4.0 (satisfaction); two requirements share a point
    table = pd.DataFrame({
        "id": ["REQ-1", "REQ-2", "REQ-3", "REQ-4"], "service": ["checkout"] * 4,
        "importance": [5.0, 5.0, 2.0, float("nan")], "satisfaction": [3.0, 3.0, 4.5, 4.0],
        "satisfaction_low": [2.5, 2.6, 4.2, 3.5], "satisfaction_high": [3.5, 3.4, 4.8, 4.5],
        "quadrant": pd.array(["concentrate here", "concentrate here", "possible overkill", None],
                             dtype="string"),
    })
    return ImportancePerformance(table=table, segments=pd.DataFrame(), importance_cut=3.5,
                                 performance_cut=4.0, cuts="mean", level=0.95, sd=1.0)


def test_importance_performance_chart_quadrants_and_cut_lines(ipa):
    spec = charts.importance_performance_chart(ipa).to_dict()
    layers = named(spec["layer"])
    assert list(layers) == ["quadrant_names", "cut_lines", "intervals", "points", "labels"]
    points = layers["points"]
    assert points["encoding"]["x"]["field"] == "satisfaction"
    assert points["encoding"]["y"]["field"] == "importance"
    assert points["encoding"]["color"]["scale"] == {"domain": ["concentrate here", "possible overkill"],
                                                   "range": ["#e45756", "#f58518"]}
    rows = values(spec, points)
    assert [r["id"] for r in rows] == ["REQ-1", "REQ-2", "REQ-3"]  # REQ-4 has no importance: not drawn
    assert [t["field"] for t in points["encoding"]["tooltip"]] == [
        "id", "service", "importance", "satisfaction", "satisfaction_low", "satisfaction_high", "quadrant"]
    rules = layers["cut_lines"]["layer"]
    assert rules[0]["encoding"]["x"]["field"] == "performance_cut"
    assert rules[1]["encoding"]["y"]["field"] == "importance_cut"
    assert values(spec, layers["cut_lines"], rules[0]) == [{"importance_cut": 3.5, "performance_cut": 4.0}]
    intervals = layers["intervals"]
    assert intervals["encoding"]["x"]["field"] == "satisfaction_low"
    assert intervals["encoding"]["x2"]["field"] == "satisfaction_high"
    assert values(spec, layers["labels"]) == [{"importance": 5.0, "satisfaction": 3.0, "id": "REQ-1, REQ-2"}]
    assert spec["title"]["text"] == "What users need: importance against satisfaction"
    assert "importance 3.50, satisfaction 4.00" in spec["title"]["subtitle"]


def test_importance_performance_chart_errors(ipa):
    empty = ImportancePerformance(table=ipa.table.assign(importance=float("nan")), segments=pd.DataFrame(),
                                  importance_cut=3.5, performance_cut=4.0, cuts="mean", level=0.95, sd=1.0)
    with pytest.raises(DataError, match=r"importance_performance_chart: no requirement has both"):
        charts.importance_performance_chart(empty)
    gone = ImportancePerformance(table=ipa.table.drop(columns="quadrant"), segments=pd.DataFrame(),
                                 importance_cut=3.5, performance_cut=4.0, cuts="mean", level=0.95, sd=1.0)
    with pytest.raises(DataError, match=r"importance_performance_chart: .*'quadrant'"):
        charts.importance_performance_chart(gone)


def test_improvement_charts_render_offline(ipa, attribution):
    vl_convert = pytest.importorskip("vl_convert")
    for chart in (charts.importance_performance_chart(ipa), charts.budget_attribution_chart(attribution)):
        assert vl_convert.vegalite_to_svg(chart.to_json()).startswith("<svg")
