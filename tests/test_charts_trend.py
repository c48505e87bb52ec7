"""Tests for slm_analytics.charts.trend: specs checked through ``chart.to_dict()``."""

from __future__ import annotations

import pandas as pd
import pytest

from slm_analytics import charts
from slm_analytics.errors import DataError
from slm_analytics.trend import ChangePointResult, change_points, trend_test


def named(layers: list[dict]) -> dict:
    return {layer["name"]: layer for layer in layers}


def values(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


@pytest.fixture
def daily() -> pd.DataFrame:
    # hand-made: 10 days at 99.9 % then 10 days at 99 % (a step down)
    good = [999] * 10 + [990] * 10
    return pd.DataFrame({"timestamp": pd.date_range("2026-01-01", periods=20, freq="D", tz="UTC"),
                         "good": good, "total": 1000, "sli": [g / 1000 for g in good],
                         "service": "checkout", "slo": "availability"})


def test_trend_chart_sen_line_and_change_points(daily):
    trend = trend_test(daily.set_index("timestamp")["sli"])
    changes = change_points(daily)
    spec = charts.trend_chart(daily, trend, changes).to_dict()
    layers = named(spec["layer"])
    assert list(layers) == ["line", "sen_line", "segments", "change_rules"]
    sen = values(spec, layers["sen_line"])
    # the Sen line runs from its intercept at the first day to intercept + slope x 19 days
    assert [r["timestamp"] for r in sen] == ["2026-01-01", "2026-01-20"]
    assert sen[0]["sen"] == pytest.approx(trend.intercept)
    assert sen[1]["sen"] == pytest.approx(trend.intercept + trend.slope * 19)
    assert [t["field"] for t in layers["sen_line"]["encoding"]["tooltip"]] == ["trend", "p_value", "slope"]
    points = values(spec, layers["change_rules"])
    assert [p["timestamp"] for p in points] == ["2026-01-11"]
    assert points[0]["before"] == pytest.approx(0.999) and points[0]["after"] == pytest.approx(0.99)
    segments = values(spec, layers["segments"])
    assert [(s["start"], s["end"]) for s in segments] == [("2026-01-01", "2026-01-10"),
                                                          ("2026-01-11", "2026-01-20")]
    assert [s["level"] for s in segments] == pytest.approx([0.999, 0.99])
    assert spec["title"]["text"] == "checkout / availability: trend and change points"
    assert "1 change points" in spec["title"]["subtitle"]


def test_trend_chart_without_changes_and_errors(daily):
    trend = trend_test(daily.set_index("timestamp")["sli"])
    spec = charts.trend_chart(daily, trend).to_dict()
    assert [layer["name"] for layer in spec["layer"]] == ["line", "sen_line"]
    with pytest.raises(DataError, match=r"trend_chart: the trend's slope is per 'step'"):
        charts.trend_chart(daily, trend_test(daily["sli"].to_numpy()))
    with pytest.raises(DataError, match=r"trend_chart: the frame is empty"):
        charts.trend_chart(daily.iloc[:0], trend)
    assert isinstance(change_points(daily), ChangePointResult)


def test_trend_chart_axis_names_days_not_repeated_months():
    # a 90-day series gets several ticks a month: each tick names its day ("%b %Y" repeated "Aug 2026")
    import json

    from slm_analytics import read_dataset, trend_test
    from slm_analytics.sli import ratio_sli

    sli = read_dataset("sli_5min")
    one = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")]
    daily = ratio_sli(one, freq="1D").tail(90)
    chart = charts.trend_chart(daily, trend_test(daily.set_index("timestamp")["sli"]))
    assert '"format": "%d %b %Y"' in json.dumps(chart.to_dict())
