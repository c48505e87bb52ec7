"""Tests for slm_analytics.charts: specs checked through ``chart.to_dict()``, one SVG rendering smoke test."""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from slm_analytics import charts
from slm_analytics.errors import DataError, ParameterError


@pytest.fixture(autouse=True)
def _restore_renderer():
    active = alt.renderers.active
    yield
    alt.renderers.enable(active)


def daily_frame(days: list[str], sli: list[float], *, slo: str = "availability", target: float = 0.999,
                tz: str = "Europe/London") -> pd.DataFrame:
    """One SLO's daily values as ratio_sli(freq="1D") / daily_attainment return them."""
    return pd.DataFrame({
        "service": "checkout",
        "slo": slo,
        "timestamp": pd.DatetimeIndex(days).tz_localize(tz).as_unit("us"),
        "sli": sli,
        "target": target,
        "budgeting_method": "Occurrences",
    })


def layers(chart: alt.LayerChart) -> dict[str, dict]:
    spec = chart.to_dict()
    return {layer["name"]: layer for layer in spec["layer"]}


def data_of(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


# ---------------------------------------------------------------------------------------------- renderers


def test_use_renderer_report_is_svg():
    charts.use_renderer("report")
    assert alt.renderers.active == "svg"


def test_use_renderer_lab_is_offline_jupyter():
    charts.use_renderer("lab")
    assert alt.renderers.active == "jupyter"
    assert alt.renderers.options.get("offline") is True


def test_use_renderer_rejects_other_kinds():
    with pytest.raises(ParameterError,
                       match=r"renderer kind 'html' is not one of 'report' .*, 'lab' .* or 'auto'"):
        charts.use_renderer("html")


@pytest.mark.parametrize(("switch", "active"), [("on", "jupyter"), ("off", "svg")])
def test_use_renderer_auto_follows_the_front_end(monkeypatch, switch, active):
    # SLM_WIDGETS forces what slm_analytics.widgets.interactive() reports (tests/test_widgets_app.py)
    monkeypatch.setenv("SLM_WIDGETS", switch)
    charts.use_renderer("auto")
    assert alt.renderers.active == active
    charts.use_renderer("report")


# ----------------------------------------------------------------------------------------------- sli_chart


def test_sli_chart_layers_encodings_and_target():
    chart = charts.sli_chart(daily_frame(["2026-10-01", "2026-10-02"], [0.9995, 0.998]), target=0.999)
    assert isinstance(chart, alt.LayerChart)
    named = layers(chart)
    assert list(named) == ["line", "target_rule"]
    line, rule = named["line"], named["target_rule"]
    assert line["mark"]["type"] == "line"
    assert line["mark"]["invalid"] == "break-paths-filter-domains"  # no-data days break the line
    assert (line["encoding"]["x"]["field"], line["encoding"]["x"]["type"]) == ("timestamp", "temporal")
    assert (line["encoding"]["y"]["field"], line["encoding"]["y"]["type"]) == ("sli", "quantitative")
    assert line["encoding"]["x"]["scale"]["type"] == "utc"
    assert rule["mark"]["type"] == "rule"
    assert rule["encoding"]["y"] == {"datum": 0.999}
    spec = chart.to_dict()
    assert spec["title"]["text"] == "checkout / availability"
    assert spec["title"]["subtitle"] == "target 99.9%"


def test_sli_chart_missing_and_empty_days_are_gaps():
    # 3 October has no row at all, 4 October has no data (NaN): both must be null points in the chart data
    days = ["2026-10-01", "2026-10-02", "2026-10-04", "2026-10-05"]
    frame = daily_frame(days, [0.9995, 0.998, np.nan, 1.0])
    chart = charts.sli_chart(frame, target=0.999)
    spec = chart.to_dict()
    values = data_of(spec, spec["layer"][0])
    assert [v["timestamp"] for v in values] == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
                                                "2026-10-05"]
    assert [v["sli"] for v in values] == [0.9995, 0.998, None, None, 1.0]


def test_sli_chart_days_are_local_calendar_days():
    # midnight in Seoul is 15:00 UTC the day before; the chart must still say 1 October
    frame = daily_frame(["2026-10-01", "2026-10-02"], [1.0, 1.0], tz="Asia/Seoul")
    spec = charts.sli_chart(frame, target=0.99).to_dict()
    assert [v["timestamp"] for v in data_of(spec, spec["layer"][0])] == ["2026-10-01", "2026-10-02"]


def test_sli_chart_accepts_ratio_sli_output():
    from slm_analytics.sli import ratio_sli

    events = pd.DataFrame({
        "timestamp": pd.to_datetime(["2026-10-01 10:00", "2026-10-02 10:00"], utc=True).as_unit("us"),
        "service": "checkout", "slo": "availability", "good": [99, 100], "total": [100, 100],
    })
    chart = charts.sli_chart(ratio_sli(events, freq="1D"), target=0.99, title="mine")
    assert chart.to_dict()["title"]["text"] == "mine"


def test_sli_chart_rejects_several_slos():
    frame = pd.concat([daily_frame(["2026-10-01"], [1.0]), daily_frame(["2026-10-01"], [1.0], slo="latency")])
    with pytest.raises(DataError, match=r"sli_chart: expected one SLO, found 2: checkout/availability, "
                                        r"checkout/latency; use sli_charts"):
        charts.sli_chart(frame, target=0.99)


@pytest.mark.parametrize("target", [1.0, 0, 99.9, "0.99", True])
def test_sli_chart_rejects_bad_target(target):
    message = r"sli_chart: target .* is outside \(0, 1\): write 99.9 % as 0.999"
    with pytest.raises(ParameterError, match=message):
        charts.sli_chart(daily_frame(["2026-10-01"], [1.0]), target=target)


def test_sli_chart_rejects_missing_column():
    with pytest.raises(DataError, match=r"sli_chart: missing column\(s\) 'sli'"):
        charts.sli_chart(daily_frame(["2026-10-01"], [1.0]).drop(columns="sli"), target=0.99)


def test_sli_chart_rejects_repeated_days():
    with pytest.raises(DataError, match=r"sli_chart: expected one row per day, found 1 repeated day"):
        charts.sli_chart(daily_frame(["2026-10-01", "2026-10-01"], [1.0, 1.0]), target=0.99)


# ---------------------------------------------------------------------------------------------- sli_charts


def test_sli_charts_one_panel_per_slo_with_its_target():
    frame = pd.concat([
        daily_frame(["2026-10-01", "2026-10-02"], [1.0, 0.99], target=0.999),
        daily_frame(["2026-10-01", "2026-10-02"], [1.0, 1.0], slo="uptime", target=0.995).assign(
            budgeting_method="Timeslices"),
    ])
    chart = charts.sli_charts(frame)
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 2
    assert [p["title"]["text"] for p in spec["vconcat"]] == [
        "checkout / availability", "checkout / uptime (share of good time slices)"]
    assert [p["layer"][1]["encoding"]["y"]["datum"] for p in spec["vconcat"]] == [0.999, 0.995]
    assert spec["resolve"]["scale"]["y"] == "independent"


def test_sli_charts_rejects_two_targets_for_one_slo():
    frame = daily_frame(["2026-10-01", "2026-10-02"], [1.0, 1.0])
    frame.loc[1, "target"] = 0.99
    with pytest.raises(DataError, match=r"sli_charts: SLO 'availability' has 2 targets"):
        charts.sli_charts(frame)


def test_sli_charts_rejects_empty_frame():
    with pytest.raises(DataError, match=r"sli_charts: the frame is empty"):
        charts.sli_charts(daily_frame([], []))


# ----------------------------------------------------------------------------------------- attainment_chart


@pytest.fixture
def table() -> pd.DataFrame:
    # availability: 0.9995 at target 0.999 -> consumed (1 - 0.9995) / 0.001 = 0.5, met
    # latency: 0.985 at target 0.99 -> consumed 0.015 / 0.01 = 1.5, missed; uptime: no data
    return pd.DataFrame({
        "slo": ["availability", "latency", "uptime"],
        "attainment": [0.9995, 0.985, np.nan],
        "target": [0.999, 0.99, 0.995],
        "met": pd.array([True, False, None], dtype="boolean"),
        "budget_consumed": [0.5, 1.5, np.nan],
        "no_data": [False, False, True],
        "period_start": pd.Timestamp("2026-10-01", tz="Europe/London"),
    })


def test_attainment_chart_layers_and_data(table):
    chart = charts.attainment_chart(table)
    named = layers(chart)
    assert list(named) == ["bars", "target_rule", "labels"]
    bars = named["bars"]
    assert bars["mark"]["type"] == "bar"
    x = bars["encoding"]["x"]
    assert (x["field"], x["type"]) == ("budget_consumed", "quantitative")
    assert (bars["encoding"]["y"]["field"], bars["encoding"]["y"]["type"]) == ("slo", "nominal")
    assert bars["encoding"]["y"]["sort"] == ["availability", "latency", "uptime"]  # table order, not A-Z
    assert bars["encoding"]["color"]["scale"]["domain"] == ["met", "missed", "no data"]
    assert named["target_rule"]["encoding"]["x"] == {"datum": 1.0}
    spec = chart.to_dict()
    values = data_of(spec, bars)
    assert [v["status"] for v in values] == ["met", "missed", "no data"]
    assert [v["budget_consumed"] for v in values] == [0.5, 1.5, None]
    assert [v["label"] for v in values] == ["99.95% (target 99.9%)", "98.50% (target 99%)", "no data"]
    assert spec["title"]["text"] == "Error budget consumed in October 2026"


def test_attainment_chart_status_uses_attainment_not_rounded_labels():
    # 0.98999 against 0.99 is missed even though it prints as 99.00%
    table = pd.DataFrame({"slo": ["a"], "attainment": [0.98999], "target": [0.99], "budget_consumed": [1.001],
                          "no_data": [False]})
    spec = charts.attainment_chart(table, title="t").to_dict()
    assert data_of(spec, spec["layer"][0])[0]["status"] == "missed"
    assert spec["title"]["text"] == "t"


def test_attainment_chart_rejects_missing_columns(table):
    with pytest.raises(DataError, match=r"attainment_chart: missing column\(s\) 'budget_consumed'"):
        charts.attainment_chart(table.drop(columns="budget_consumed"))


def test_attainment_chart_rejects_empty_table(table):
    with pytest.raises(DataError, match=r"attainment_chart: the table is empty"):
        charts.attainment_chart(table.iloc[:0])


def test_charts_render_to_svg_offline(table):
    """vl-convert renders the specs without network: what the report renderer embeds."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(charts.attainment_chart(table).to_dict())
    assert svg.startswith("<svg") and "availability" in svg
    frame = daily_frame(["2026-10-01", "2026-10-02", "2026-10-04"], [0.9995, np.nan, 1.0])
    assert vl_convert.vegalite_to_svg(charts.sli_charts(frame).to_dict()).startswith("<svg")


# --------------------------------------------------------------------------------------------- budget_chart


def budget_frame() -> pd.DataFrame:
    """Two SLOs' end-of-day budgets as budget_through_month returns them (3 October missing for latency)."""
    days = pd.DatetimeIndex(["2026-10-01", "2026-10-02", "2026-10-03"]).tz_localize("Europe/London")
    return pd.DataFrame({
        "service": "checkout",
        "slo": ["availability"] * 3 + ["latency"] * 2,
        "window": ["month"] * 3 + ["28d"] * 2,
        "window_label": ["calendar month"] * 3 + ["rolling 28 days"] * 2,
        "timestamp": days.append(days[:2]).as_unit("us"),
        "sli": [0.9995, 0.999, 0.998, 0.995, 0.996],
        "budget_remaining": [0.5, 0.0, -1.0, 0.5, 0.6],
        "target": [0.999] * 3 + [0.99] * 2,
    })


def test_budget_chart_layers_encodings_and_zero_rule():
    chart = charts.budget_chart(budget_frame())
    assert isinstance(chart, alt.LayerChart)
    named = layers(chart)
    assert list(named) == ["line", "zero_rule"]
    line, rule = named["line"], named["zero_rule"]
    assert line["mark"]["type"] == "line" and line["mark"]["point"] is True
    assert (line["encoding"]["x"]["field"], line["encoding"]["x"]["type"]) == ("timestamp", "temporal")
    y = line["encoding"]["y"]
    assert (y["field"], y["type"]) == ("budget_remaining", "quantitative")
    assert line["encoding"]["y"]["axis"]["format"] == "%"
    color = line["encoding"]["color"]
    assert (color["field"], color["type"]) == ("slo", "nominal")
    # legend entries say which window each budget is in, in the frame's order
    assert color["scale"]["domain"] == ["availability (calendar month)", "latency (rolling 28 days)"]
    assert charts.ZERO_COLOR not in color["scale"]["range"]  # red is for the zero line only
    assert rule["mark"]["type"] == "rule" and rule["mark"]["color"] == charts.ZERO_COLOR
    assert rule["encoding"]["y"] == {"datum": 0.0}
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Error budget remaining through October 2026"


def test_budget_chart_data_one_point_per_day_with_gaps():
    spec = charts.budget_chart(budget_frame(), title="t").to_dict()
    values = data_of(spec, spec["layer"][0])
    assert [(v["slo"], v["timestamp"], v["budget_remaining"]) for v in values] == [
        ("availability (calendar month)", "2026-10-01", 0.5),
        ("availability (calendar month)", "2026-10-02", 0.0),
        ("availability (calendar month)", "2026-10-03", -1.0),
        ("latency (rolling 28 days)", "2026-10-01", 0.5),
        ("latency (rolling 28 days)", "2026-10-02", 0.6),
    ]
    assert spec["title"]["text"] == "t"


def test_budget_chart_without_window_labels_uses_slo_names():
    spec = charts.budget_chart(budget_frame().drop(columns="window_label")).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["availability", "latency"]


def test_budget_chart_rejects_missing_column():
    with pytest.raises(DataError, match=r"budget_chart: missing column\(s\) 'budget_remaining'"):
        charts.budget_chart(budget_frame().drop(columns="budget_remaining"))


def test_budget_chart_rejects_empty_frame():
    with pytest.raises(DataError, match=r"budget_chart: the frame is empty"):
        charts.budget_chart(budget_frame().iloc[:0])


def test_budget_chart_rejects_repeated_days():
    frame = budget_frame()
    frame.loc[1, "timestamp"] = frame.loc[0, "timestamp"]
    with pytest.raises(DataError, match=r"budget_chart: SLO 'availability': expected one row per day"):
        charts.budget_chart(frame)


def test_budget_chart_on_the_bundled_data_renders_to_svg():
    import vl_convert

    from slm_analytics.data import read_dataset
    from slm_analytics.review import budget_through_month

    daily = budget_through_month(read_dataset("sli_5min"), read_dataset("catalog"), service="payments",
                                 month="2026-02")
    spec = charts.budget_chart(daily).to_dict()
    assert len(data_of(spec, spec["layer"][0])) == 3 * 28  # one point per SLO and day of February
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and "availability (calendar month)" in svg


# ------------------------------------------------------------------------------------------- forecast_chart


def named_layers(spec: dict, panel: dict | None = None) -> dict[str, dict]:
    """Layers by name; in a compound chart altair suffixes them with the panel's number (``history_0``)."""
    layers_ = (panel or spec)["layer"]
    return {re.sub(r"_\d+$", "", layer["name"]): layer for layer in layers_}


def rows_of(spec: dict, layer: dict) -> list[dict]:
    """A layer's data rows; altair hoists data shared by every layer to the chart."""
    name = layer["data"]["name"] if "data" in layer else spec["data"]["name"]
    return spec["datasets"][name]


def history_frame(rates: list[float], *, start: str = "2026-07-01", slo: str = "latency",
                  tz: str = "Asia/Seoul") -> pd.DataFrame:
    """One SLO's daily error rates as MonthOutlook.daily holds them."""
    days = pd.date_range(start, periods=len(rates), freq="D").tz_localize(tz).as_unit("us")
    return pd.DataFrame({"service": "mobile-api", "slo": slo, "timestamp": days, "error_rate": rates,
                         "target": 0.99, "budgeting_method": "Occurrences"})


def forecast_frame(days: int = 3, *, start: str = "2026-07-05", slo: str = "latency",
                   tz: str = "Asia/Seoul") -> pd.DataFrame:
    """forecast_sli's columns for one SLO: mean 1 %, 80 % interval 0.8-1.3 %, 95 % interval 0.6-1.8 %."""
    ts = pd.date_range(start, periods=days, freq="D").tz_localize(tz).as_unit("us")
    return pd.DataFrame({"service": "mobile-api", "slo": slo, "timestamp": ts, "horizon": range(1, days + 1),
                         "mean": 0.010, "median": 0.009, "lower_80": 0.008, "upper_80": 0.013,
                         "lower_95": 0.006, "upper_95": 0.018})


def test_forecast_chart_layers_encodings_and_threshold():
    chart = charts.forecast_chart(history_frame([0.004, 0.011, np.nan, 0.012]), forecast_frame(), target=0.99)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    named = named_layers(spec)
    assert list(named) == ["forecast_band", "history", "forecast_line", "threshold_rule"]  # no day off scale
    band, hist, line, rule = (named[k] for k in list(named)[:4])
    assert band["mark"]["type"] == "area"
    assert (band["encoding"]["y"]["field"], band["encoding"]["y2"]["field"]) == ("lower", "upper")
    assert hist["mark"]["type"] == "line" and hist["mark"]["invalid"] == "break-paths-filter-domains"
    for layer, field in ((hist, "error_rate"), (line, "point")):
        assert (layer["encoding"]["x"]["field"], layer["encoding"]["x"]["type"]) == ("timestamp", "temporal")
        assert (layer["encoding"]["y"]["field"], layer["encoding"]["y"]["type"]) == (field, "quantitative")
    assert line["mark"]["strokeDash"] == [5, 3]
    assert rule["encoding"]["y"] == {"datum": pytest.approx(0.01)}  # 1 - target
    # history: the local days, the missing day a null; forecast: the mean per day, two interval levels
    assert [(r["timestamp"], r["error_rate"]) for r in rows_of(spec, hist)] == [
        ("2026-07-01", 0.004), ("2026-07-02", 0.011), ("2026-07-03", None), ("2026-07-04", 0.012)]
    assert [r["point"] for r in rows_of(spec, line)] == [0.010] * 3
    bands = rows_of(spec, band)
    assert [(r["band"], r["lower"], r["upper"]) for r in bands[::3]] == [("95% interval", 0.006, 0.018),
                                                                         ("80% interval", 0.008, 0.013)]
    # one legend over the layers: observed, forecast mean, the two intervals
    assert hist["encoding"]["color"]["scale"]["domain"] == ["observed", "forecast mean", "95% interval",
                                                            "80% interval"]
    assert spec["title"]["text"] == "mobile-api / latency"
    assert spec["title"]["subtitle"][0] == ("green dashed: the 1% error rate the 99% target allows; forecast "
                                            "from 05 Jul 2026")


def test_forecast_chart_caps_the_scale_and_marks_the_spikes():
    # cap = max(1.5 x 1 %, 1.25 x 90th percentile of history, 1.05 x upper 80 % (1.3 %), 1.25 x mean) = 1.5 %
    hist = history_frame([0.004, 0.005, 0.006, 0.05])
    spec = charts.forecast_chart(hist, forecast_frame(), target=0.99).to_dict()
    named = named_layers(spec)
    cap = named["history"]["encoding"]["y"]["scale"]
    q90 = np.quantile([0.004, 0.005, 0.006, 0.05], 0.9)
    assert cap["domain"] == [0, pytest.approx(max(0.015, q90 * 1.25, 0.013 * 1.05, 0.0125))]
    assert cap["clamp"] is True
    spikes = rows_of(spec, named["spikes"])
    assert [(r["timestamp"], r["error_rate"]) for r in spikes] == [("2026-07-04", 0.05)]
    assert spikes[0]["at"] == pytest.approx(cap["domain"][1])
    assert spec["title"]["subtitle"][1].startswith("red triangles: 1 day above ")


def test_forecast_chart_median_line_history_days_and_empty_forecast():
    hist = history_frame([0.004] * 10)
    chart = charts.forecast_chart(hist, forecast_frame(), target=0.99, point="median", history_days=3)
    spec = chart.to_dict()
    named = named_layers(spec)
    assert [r["point"] for r in rows_of(spec, named["forecast_line"])] == [0.009] * 3
    assert [r["timestamp"] for r in rows_of(spec, named["history"])] == ["2026-07-08", "2026-07-09",
                                                                        "2026-07-10"]
    spec = charts.forecast_chart(hist, forecast_frame().iloc[:0], target=0.99).to_dict()
    named = named_layers(spec)
    assert rows_of(spec, named["forecast_band"]) == [] and rows_of(spec, named["forecast_line"]) == []
    assert spec["title"]["subtitle"][0].endswith("no forecast (too little data)")


def test_forecast_chart_rejects_bad_input():
    hist, fc = history_frame([0.004, 0.005]), forecast_frame()
    with pytest.raises(DataError, match=r"forecast_chart: missing column\(s\) 'error_rate'"):
        charts.forecast_chart(hist.drop(columns="error_rate"), fc, target=0.99)
    with pytest.raises(ParameterError, match=r"forecast_chart: target 99 is outside \(0, 1\)"):
        charts.forecast_chart(hist, fc, target=99)
    with pytest.raises(ParameterError, match=r"forecast_chart: history_days 0 must be a whole number >= 1"):
        charts.forecast_chart(hist, fc, target=0.99, history_days=0)
    with pytest.raises(ParameterError, match=r"forecast_chart: point 'p50' is not one of 'mean'"):
        charts.forecast_chart(hist, fc, target=0.99, point="p50")


def test_forecast_charts_stack_one_chart_per_slo_with_its_own_forecast():
    daily = pd.concat([history_frame([0.004, 0.005], slo="latency"),
                       history_frame([0.0002, 0.0003], slo="availability").assign(target=0.999)])
    fc = pd.concat([forecast_frame(slo="latency"), forecast_frame(slo="availability").iloc[:0]])
    chart = charts.forecast_charts(daily, fc)
    assert isinstance(chart, alt.VConcatChart)
    spec = chart.to_dict()
    titles = [c["title"]["text"] for c in spec["vconcat"]]
    assert titles == ["mobile-api / latency", "mobile-api / availability"]
    rules = [named_layers(spec, c)["threshold_rule"] for c in spec["vconcat"]]
    assert [r["encoding"]["y"]["datum"] for r in rules] == [pytest.approx(0.01), pytest.approx(0.001)]
    assert spec["resolve"]["scale"]["y"] == "independent"
    with pytest.raises(DataError, match=r"forecast_charts: the frame is empty"):
        charts.forecast_charts(daily.iloc[:0], fc)


def test_forecast_charts_on_the_outlook_render_to_svg():
    import vl_convert

    from slm_analytics.data import read_dataset
    from slm_analytics.review import month_outlook

    outlook = month_outlook(read_dataset("sli_5min"), read_dataset("catalog"), service="mobile-api",
                            month="2026-07")
    spec = charts.forecast_charts(outlook.daily, outlook.forecasts).to_dict()
    first = named_layers(spec, spec["vconcat"][0])
    assert len(rows_of(spec, first["history"])) == 60  # the last 60 of the 90 days
    assert len(rows_of(spec, first["forecast_line"])) == 30
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and "mobile-api / latency" in svg


# ----------------------------------------------------------------------------------------------- risk_chart


def risk_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "service": ["checkout", "payments", "search"], "slo": ["availability", "uptime", "latency"],
        "probability": [0.0, 0.8, 0.2], "low": [0.0, 0.5, 0.05], "high": [0.002, 0.95, 0.6],
        "target": [0.999, 0.995, 0.99],
        "window_end": pd.to_datetime(["2026-11-08", "2026-12-01", "2026-11-08"], utc=True),
    })


def test_risk_chart_layers_order_and_classes():
    chart = charts.risk_chart(risk_frame())
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    named = named_layers(spec)
    assert list(named) == ["interval", "dot", "labels"]
    interval, dot = named["interval"], named["dot"]
    assert (interval["encoding"]["x"]["field"], interval["encoding"]["x2"]["field"]) == ("low", "high")
    assert (dot["encoding"]["x"]["field"], dot["encoding"]["x"]["type"]) == ("probability", "quantitative")
    assert dot["encoding"]["y"]["type"] == "nominal"
    riskiest_first = ["payments / uptime", "search / latency", "checkout / availability"]
    assert dot["encoding"]["y"]["sort"] == riskiest_first
    rows = {r["label"]: r for r in rows_of(spec, dot)}
    assert rows["payments / uptime"]["risk"] == "above 70%"
    assert rows["search / latency"]["risk"] == "5-30%"
    assert rows["checkout / availability"]["risk"] == "below 5%"
    assert rows["checkout / availability"]["window_end"] == "07 Nov 2026"  # the window's last day
    assert dot["encoding"]["x"]["scale"]["domain"] == [0, 1]


def test_risk_chart_rejects_missing_columns_and_empty():
    with pytest.raises(DataError, match=r"risk_chart: missing column\(s\) 'high'"):
        charts.risk_chart(risk_frame().drop(columns="high"))
    with pytest.raises(DataError, match=r"risk_chart: the frame is empty"):
        charts.risk_chart(risk_frame().iloc[:0])


# ---------------------------------------------------------------------------------------- reliability_chart


def reliability_frame() -> pd.DataFrame:
    """BreachBacktest.reliability's shape: two methods, empty bins included."""
    return pd.DataFrame({
        "method": ["forecast"] * 3 + ["straight_line"] * 3,
        "bin_low": [0.0, 0.1, 0.9] * 2, "bin_high": [0.1, 0.2, 1.0] * 2,
        "n": [900, 0, 20, 950, 0, 30],
        "mean_probability": [0.01, np.nan, 0.95, 0.0, np.nan, 1.0],
        "observed_frequency": [0.02, np.nan, 0.9, 0.03, np.nan, 0.6],
    })


def test_reliability_chart_layers_diagonal_and_counts():
    chart = charts.reliability_chart(reliability_frame())
    spec = chart.to_dict()
    named = named_layers(spec)
    assert list(named) == ["diagonal", "lines", "points", "counts"]
    assert [(r["mean_probability"], r["observed_frequency"]) for r in rows_of(spec, named["diagonal"])] == [
        (0.0, 0.0), (1.0, 1.0)]
    points = rows_of(spec, named["points"])
    assert len(points) == 4  # empty bins left out
    assert named["points"]["encoding"]["size"]["field"] == "n"
    assert named["points"]["encoding"]["x"]["field"] == "mean_probability"
    assert named["points"]["encoding"]["y"]["field"] == "observed_frequency"
    assert named["points"]["encoding"]["color"]["scale"]["domain"] == ["forecast", "straight line"]
    assert [r["n"] for r in rows_of(spec, named["counts"])] == [900, 20]  # the forecast's bins only
    assert named["points"]["encoding"]["x"]["scale"]["domain"] == [0, 1]


def test_reliability_chart_rejects_no_forecast():
    frame = reliability_frame().assign(n=0)
    with pytest.raises(DataError, match=r"reliability_chart: no bin holds a forecast"):
        charts.reliability_chart(frame)
    with pytest.raises(DataError, match=r"reliability_chart: missing column\(s\) 'n'"):
        charts.reliability_chart(reliability_frame().drop(columns="n"))


# -------------------------------------------------------------------------------------- achievability_chart


def test_achievability_chart_from_target_achievability():
    from slm_analytics.data import read_dataset
    from slm_analytics.forecast import target_achievability

    sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    ach = target_achievability(sli, catalog.slo("checkout", "availability"), targets=[0.999, 0.9995],
                               tz="Europe/London")
    spec = charts.achievability_chart(ach).to_dict()
    named = named_layers(spec)
    assert list(named) == ["line", "target_rules"]
    assert len(rows_of(spec, named["line"])) == len(ach.attainment)
    assert named["line"]["encoding"]["y"]["field"] == "attainment"
    rules = named["target_rules"]
    labels = [r["label"] for r in rows_of(spec, rules if "data" in rules else rules["layer"][0])]
    assert labels == ["99.9%: 100% of windows met it", "99.95%: 87% of windows met it"]
    assert spec["title"]["text"] == "checkout / availability: attainment of past 28d windows"


def test_user_text_in_chart_titles_is_text_in_the_svg():
    # service and SLO names come from the user's files; vega's SVG writer escapes them (never markup)
    import vl_convert as vlc

    from slm_analytics.charts import sli_chart

    evil = '<img src=x onerror=alert(1)>"&'
    daily = pd.DataFrame({"timestamp": pd.date_range("2026-01-01", periods=5, freq="D", tz="UTC"),
                          "service": evil, "slo": "<script>x</script>", "sli": [0.99, 0.98, 0.97, 0.99, 1.0]})
    svg = vlc.vegalite_to_svg(sli_chart(daily, target=0.99).to_json())
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;&amp; / &lt;script&gt;x&lt;/script&gt;" in svg
