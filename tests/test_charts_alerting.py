"""Tests for slm_analytics.charts.alerting: specs checked through ``chart.to_dict()``."""

from __future__ import annotations

import pandas as pd
import pytest

from slm_analytics import charts
from slm_analytics.errors import DataError, ParameterError


def named(layers: list[dict]) -> dict:
    return {layer["name"]: layer for layer in layers}


def values(spec: dict, *levels: dict) -> list[dict]:
    for level in reversed(levels):
        if "data" in level:
            return spec["datasets"][level["data"]["name"]]
    return spec["datasets"][spec["data"]["name"]]


@pytest.fixture
def hourly() -> pd.DataFrame:
    # hand-made: with a 99.9 % target an SLI of 0.99 burns 10x the sustainable rate, 1.0 burns 0
    return pd.DataFrame({"timestamp": pd.date_range("2026-02-01", periods=3, freq="1h", tz="UTC"),
                         "sli": [1.0, 0.99, float("nan")], "service": "payments", "slo": "availability"})


@pytest.fixture
def alerts() -> pd.DataFrame:
    return pd.DataFrame({"severity": ["page"], "rule": ["6h/30m"], "burn_rate": [6.0],
                         "start": [pd.Timestamp("2026-02-01T01:00", tz="UTC")],
                         "end": [pd.Timestamp("2026-02-01T02:00", tz="UTC")]})


def test_burn_rate_chart_line_thresholds_and_alert_bands(hourly, alerts):
    spec = charts.burn_rate_chart(hourly, alerts, target=0.999).to_dict()
    layers = named(spec["layer"])
    assert list(layers) == ["alert_intervals", "burn_line", "threshold_rules", "budget_rule"]
    line = layers["burn_line"]
    assert line["encoding"]["y"]["field"] == "burn" and line["encoding"]["y"]["scale"]["type"] == "symlog"
    rows = values(spec, line)
    assert rows[0]["burn"] == pytest.approx(0.0) and rows[1]["burn"] == pytest.approx(10.0)
    assert rows[2]["burn"] is None  # no events: a gap
    assert rows[1]["timestamp"] == "2026-02-01T01:00:00Z"
    band = layers["alert_intervals"]
    assert band["mark"]["type"] == "rect" and band["encoding"]["x2"]["field"] == "end"
    page = charts.SEVERITY_COLORS["page"]
    assert band["encoding"]["color"]["scale"] == {"domain": ["page"], "range": [page]}
    assert values(spec, band)[0]["end"] == "2026-02-01T02:00:00Z"
    tips = [t["field"] for t in band["encoding"]["tooltip"]]
    assert tips == ["severity", "rule", "burn_rate", "start", "end"]
    rules = layers["threshold_rules"]
    assert values(spec, rules, rules["layer"][0])[0]["label"] == "page 6h/30m: 6x"
    assert layers["budget_rule"]["encoding"]["y"] == {"datum": 1.0}
    assert spec["title"]["text"] == "payments / availability: burn rate and alerts"


def test_burn_rate_chart_rules_from_thresholds_and_no_alert(hourly, alerts):
    thresholds = pd.DataFrame({"severity": ["page", "ticket"], "long_window": ["1h", "1d"],
                               "short_window": ["5m", "2h"], "burn_rate": [14.4, 3.0]})
    spec = charts.burn_rate_chart(hourly, alerts.iloc[:0], target=0.999, thresholds=thresholds).to_dict()
    rules = named(spec["layer"])["threshold_rules"]
    assert [r["label"] for r in values(spec, rules, rules["layer"][0])] == ["page 1h/5m: 14.4x",
                                                                            "ticket 1d/2h: 3x"]


def test_burn_rate_chart_errors(hourly, alerts):
    with pytest.raises(DataError, match=r"burn_rate_chart: column 'timestamp' holds naive times"):
        charts.burn_rate_chart(hourly.assign(timestamp=hourly["timestamp"].dt.tz_localize(None)), alerts,
                               target=0.999)
    with pytest.raises(DataError, match=r"burn_rate_chart: the frame is empty"):
        charts.burn_rate_chart(hourly.iloc[:0], alerts, target=0.999)
    with pytest.raises(DataError, match=r"burn_rate_chart: .*'severity'"):
        charts.burn_rate_chart(hourly, alerts.drop(columns="severity"), target=0.999)
    with pytest.raises(ParameterError):
        charts.burn_rate_chart(hourly, alerts, target=1.0)


def test_burn_rate_chart_renders_offline(hourly, alerts):
    vl_convert = pytest.importorskip("vl_convert")
    chart = charts.burn_rate_chart(hourly, alerts, target=0.999)
    assert vl_convert.vegalite_to_svg(chart.to_json()).startswith("<svg")


# ---------------------------------------------------------------------------------------- backtest_chart


@pytest.fixture
def summary() -> pd.DataFrame:
    # hand-made in BacktestResult.summary's shape (two policies)
    return pd.DataFrame({
        "policy": ["sre-workbook", "strict"], "alerts": [100, 40], "precision": [0.55, 0.9],
        "recall": [0.65, 0.4], "recall_p1_p2": [0.96, 0.8],
        "detection_time_median": pd.to_timedelta(["7min 30s", "NaT"]),
        "reset_time_median": pd.to_timedelta(["5h 55min", "2h"]),
    })


def test_backtest_chart_scores_and_times_per_policy(summary):
    spec = charts.backtest_chart(summary).to_dict()
    scores, times = spec["hconcat"]
    assert (scores["name"], times["name"]) == ("scores", "times")
    bars = scores["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["sort"] == ["sre-workbook", "strict"]
    assert bars["encoding"]["yOffset"]["field"] == "measure"
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 1]
    rows = values(spec, scores, bars)
    precision = "precision (alerts on an incident)"
    assert [(r["policy"], r["measure"], r["value"]) for r in rows][:2] == [("sre-workbook", precision, 0.55),
                                                                          ("strict", precision, 0.9)]
    assert rows[0]["text"] == "55%" and rows[0]["alerts"] == 100
    time_rows = values(spec, times, times["layer"][0])
    # 7 min 30 s = 7.5 minutes; 5 h 55 min = 355 minutes; no detection: n/a
    assert [(r["measure"], r["text"]) for r in time_rows] == [
        ("time to detect (median)", "7.5 min"), ("time to detect (median)", "n/a"),
        ("time to reset (median)", "355 min"), ("time to reset (median)", "120 min")]
    tips = [t["field"] for t in bars["encoding"]["tooltip"]]
    assert tips == ["policy", "measure", "text", "alerts"]
    assert spec["title"]["text"] == "Alert policies against the recorded incidents"


def test_backtest_chart_errors(summary):
    with pytest.raises(DataError, match=r"backtest_chart: .*'recall'"):
        charts.backtest_chart(summary.drop(columns="recall"))
    with pytest.raises(DataError, match=r"backtest_chart: no policy"):
        charts.backtest_chart(summary.iloc[:0])
