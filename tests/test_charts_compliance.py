"""Tests for slm_analytics.charts.compliance: the fleet heatmap and the shared status palette."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from slm_analytics import charts
from slm_analytics.charts import palette
from slm_analytics.errors import DataError, ParameterError


def named(spec: dict) -> dict:
    return {layer["name"]: layer for layer in spec["layer"]}


def rows(spec: dict) -> list[dict]:
    """The chart's data values (altair moves a layer chart's shared data to the top)."""
    return spec["datasets"][spec["data"]["name"]]


def test_one_status_palette_shared_by_the_status_charts():
    # met / missed / no data keep the colours the attainment chart always used; "at risk" is added between
    assert list(palette.STATUS_PALETTE) == ["met", "at risk", "missed", "no data"]
    assert charts.STATUS_COLORS == {"met": "#4c78a8", "missed": "#e45756", "no data": "#bab0ac"}
    assert all(charts.STATUS_PALETTE[k] == v for k, v in charts.STATUS_COLORS.items())
    assert charts.status_scale(["at risk"]) == {"domain": ["at risk"], "range": ["#f2b447"]}


@pytest.fixture
def fleet() -> pd.DataFrame:
    # hand-made: a met with half its budget spent, a miss, 90 % of the budget spent (at risk), no data
    return pd.DataFrame({
        "service": ["checkout", "checkout", "payments", "payments"],
        "month": ["2026-01", "2026-02", "2026-01", "2026-02"],
        "attainment": [0.9995, 0.9985, 0.9991, float("nan")],
        "target": [0.999] * 4,
    })


def test_compliance_heatmap_cells_coloured_by_status(fleet):
    spec = charts.compliance_heatmap(fleet).to_dict()
    layers = named(spec)
    assert list(layers) == ["cells", "labels"]
    cells = layers["cells"]
    assert cells["mark"]["type"] == "rect"
    assert cells["encoding"]["x"]["field"] == "month_label"
    assert cells["encoding"]["x"]["sort"] == ["Jan 2026", "Feb 2026"]
    assert cells["encoding"]["y"]["sort"] == ["checkout", "payments"]
    assert cells["encoding"]["color"]["scale"] == palette.status_scale()
    values = rows(spec)
    # (1 - 0.9995) / (1 - 0.999) = 0.5 < 0.75: met; 0.9985 < 0.999: missed; 0.9 >= 0.75: at risk
    assert [r["status"] for r in values] == ["met", "missed", "at risk", "no data"]
    assert [r["label"] for r in values] == ["99.95%", "99.85%", "99.91%", "no data"]
    assert values[0]["budget_consumed"] == pytest.approx(0.5)
    assert values[2]["target_label"] == "99.9%"
    tips = [t["field"] for t in cells["encoding"]["tooltip"]]
    assert tips == ["row", "month_label", "status", "attainment", "target_label", "budget_consumed"]
    assert cells["encoding"]["tooltip"][3]["format"] == ".3%"
    assert spec["title"]["text"] == "Attainment against target, Jan 2026 to Feb 2026"
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_compliance_heatmap_slo_rows_period_start_status_and_threshold(fleet):
    table = fleet.assign(slo="availability", period_start=pd.to_datetime(
        ["2026-01-01", "2026-02-01"] * 2).tz_localize("Europe/London")).drop(columns="month")
    values = rows(charts.compliance_heatmap(table, at_risk=0.95).to_dict())
    assert values[0]["row"] == "checkout / availability" and values[1]["month"] == "2026-02"
    assert values[2]["status"] == "met"  # 90 % spent is below the 95 % at-risk threshold
    given = fleet.assign(status=["met", "met", "met", "no data"])
    assert [r["status"] for r in rows(charts.compliance_heatmap(given).to_dict())][:2] == ["met", "met"]


def test_compliance_heatmap_errors(fleet):
    with pytest.raises(DataError, match=r"compliance_heatmap: .*'period_start'"):
        charts.compliance_heatmap(fleet.drop(columns="month"))
    with pytest.raises(DataError, match=r"compliance_heatmap: the frame is empty"):
        charts.compliance_heatmap(fleet.iloc[:0])
    with pytest.raises(DataError, match=r"column 'month' row 1: 'soon' is not a month"):
        charts.compliance_heatmap(fleet.assign(month=["2026-01", "soon", "2026-01", "2026-02"]))
    with pytest.raises(DataError, match=r"column 'status' holds 'green'; expected one of met, at risk"):
        charts.compliance_heatmap(fleet.assign(status="green"))
    with pytest.raises(DataError, match=r"'checkout' appears twice in 2026-01"):
        charts.compliance_heatmap(fleet.assign(month="2026-01"))
    with pytest.raises(ParameterError, match=r"at_risk 1.5 must be a share"):
        charts.compliance_heatmap(fleet, at_risk=1.5)


def test_compliance_heatmap_renders_offline(fleet):
    vl_convert = pytest.importorskip("vl_convert")
    svg = vl_convert.vegalite_to_svg(charts.compliance_heatmap(fleet).to_json())
    assert svg.startswith("<svg") and "99.85%" in svg


# -------------------------------------------------------------------------- attainment_interval_chart


@pytest.fixture
def intervals() -> pd.DataFrame:
    # hand-made: met with the whole interval above target, met but the interval reaches below (at risk),
    # missed, no data
    return pd.DataFrame({
        "service": "checkout", "slo": ["availability", "latency", "uptime", "freshness"],
        "attainment": [0.9995, 0.9992, 0.998, float("nan")],
        "lower": [0.9993, 0.9985, 0.997, float("nan")], "upper": [0.9997, 0.9996, 0.9988, float("nan")],
        "target": [0.999, 0.999, 0.999, 0.99],
    })


def test_attainment_interval_chart_rows_status_and_interval(intervals):
    spec = charts.attainment_interval_chart(intervals).to_dict()
    layers = named(spec["spec"])
    assert list(layers) == ["interval", "target_rule", "dot"]
    assert layers["interval"]["encoding"]["x"]["field"] == "low"
    assert layers["interval"]["encoding"]["x2"]["field"] == "high"
    assert layers["target_rule"]["encoding"]["x"]["field"] == "target"
    dot = layers["dot"]
    assert dot["encoding"]["color"]["scale"] == palette.status_scale()
    tips = [t["field"] for t in dot["encoding"]["tooltip"]]
    assert tips == ["label", "status", "attainment", "low", "high", "target_label"]
    assert spec["resolve"]["scale"]["x"] == "independent"
    values = rows(spec)
    assert [r["status"] for r in values] == ["met", "at risk", "missed", "no data"]
    # 0.999 needs one decimal in percent, the attainment one more
    assert values[1]["heading"] == "checkout / latency: 99.92% (99.85% to 99.96%), target 99.9%"
    assert values[3]["heading"] == "checkout / freshness: no data, target 99%"
    assert spec["facet"]["row"]["sort"] == [r["heading"] for r in values]
    assert spec["title"]["text"] == "Attainment with its 95% confidence interval"


def test_attainment_interval_chart_errors(intervals):
    with pytest.raises(DataError, match=r"attainment_interval_chart: .*'low'"):
        charts.attainment_interval_chart(intervals.drop(columns="upper"))
    with pytest.raises(DataError, match=r"attainment_interval_chart: the frame is empty"):
        charts.attainment_interval_chart(intervals.iloc[:0])
    with pytest.raises(DataError, match=r"SLO 'checkout / availability' appears twice"):
        charts.attainment_interval_chart(intervals.assign(slo="availability"))


def test_attainment_interval_chart_renders_offline(intervals):
    vl_convert = pytest.importorskip("vl_convert")
    svg = vl_convert.vegalite_to_svg(charts.attainment_interval_chart(intervals).to_json())
    assert svg.startswith("<svg") and "99.92% (99.85% to 99.96%)" in svg


# ------------------------------------------------------------------------------------------ calendar_chart


def test_calendar_chart_one_square_per_day_by_week_and_weekday():
    # hand-made: Mon 5 Jan 2026 met, Tue 6 missed, Wed 7 missing (filled in as no data), Mon 12 met
    daily = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-12"]),
                          "sli": [0.9995, 0.998, 1.0], "service": "checkout", "slo": "availability"})
    spec = charts.calendar_chart(daily, target=0.999).to_dict()
    assert spec["name"] == "cells" and spec["mark"]["type"] == "rect"
    enc = spec["encoding"]
    assert enc["x"]["field"] == "week" and enc["x"]["sort"] == ["2026-01-05", "2026-01-12"]
    assert enc["y"]["field"] == "weekday" and enc["y"]["sort"][0] == "Mon"
    assert enc["color"]["scale"] == palette.status_scale(["met", "missed", "no data"])
    assert [t["field"] for t in enc["tooltip"]] == ["day", "attainment", "target", "status"]
    values = rows(spec)
    assert len(values) == 8  # 5 to 12 January
    assert [(r["weekday"], r["status"]) for r in values[:3]] == [("Mon", "met"), ("Tue", "missed"),
                                                                  ("Wed", "no data")]
    assert values[1]["attainment"] == "99.80%" and values[1]["target"] == "99.9%"
    assert values[7]["week"] == "2026-01-12"
    assert spec["title"]["text"] == "checkout / availability: daily attainment, 05 Jan 2026 to 12 Jan 2026"
    assert spec["title"]["subtitle"].endswith("1 of 3 days with data missed it")


def test_calendar_chart_errors():
    daily = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-05"]), "sli": [1.0]})
    with pytest.raises(ParameterError):
        charts.calendar_chart(daily, target=1.5)
    with pytest.raises(DataError, match=r"calendar_chart: the frame is empty"):
        charts.calendar_chart(daily.iloc[:0], target=0.99)
    with pytest.raises(DataError, match=r"calendar_chart: .*'sli'"):
        charts.calendar_chart(daily.drop(columns="sli"), target=0.99)


@pytest.mark.parametrize(("low", "high", "target", "fmt"), [
    # 99.959 % to 99.961 % against 99.95 %: the axis spans 0.011 points, ~0.003 between ticks -> 3 decimals
    (0.99959, 0.99961, 0.9995, ".3%"),
    # 98 % to 99.5 % against 90 %: 9.5 points, ~2.4 between ticks -> 2 decimals (the least shown)
    (0.98, 0.995, 0.9, ".2%"),
])
def test_attainment_interval_axis_tells_its_ticks_apart(low, high, target, fmt):
    table = pd.DataFrame({"service": ["s"], "slo": ["a"], "attainment": [(low + high) / 2],
                          "target": [target], "lower": [low], "upper": [high]})
    spec = json.dumps(charts.attainment_interval_chart(table).to_dict())
    assert re.findall(r'"axis": \{"format": "([^"]+)"', spec) == [fmt]
