"""The compliance explorer: compliance_view's numbers against plain pandas sums, and the App in live mode.

Expected values come from plain pandas/numpy sums of the sample data (``read_dataset("sli_5min")``), the
Wilson score interval written out from its formula with scipy's normal quantile, or hand reasoning in a
comment.
"""

from __future__ import annotations

import dataclasses

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from slm_analytics import DefinitionError, InsufficientDataError, ParameterError, read_dataset
from slm_analytics.review import load_explorer_inputs, validate_explorer_parameters
from slm_analytics.widgets import Message, compliance
from slm_analytics.widgets.compliance import compliance_explorer, compliance_view

FEB = {"service": "payments", "slo": "availability", "window": "28d", "start": "2026-02-01",
       "end": "2026-02-28", "method": "Occurrences", "target": 0.9995}


@pytest.fixture(scope="module")
def data():
    return {"sli": read_dataset("sli_5min"), "catalog": read_dataset("catalog"),
            "incidents": read_dataset("incidents"), "maintenance": read_dataset("maintenance")}


@pytest.fixture(scope="module")
def feb(data):
    sli = data["sli"]
    rows = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    return rows, rows[(rows["timestamp"] >= "2026-02-01T00:00Z") & (rows["timestamp"] < "2026-03-01T00:00Z")]


def _view(data, **kw):
    return compliance_view(data["sli"], data["catalog"], incidents=data["incidents"],
                           maintenance=data["maintenance"], **{**FEB, **kw})


def test_attainment_and_budget_against_pandas_sums(data, feb):
    _, rows = feb
    v = _view(data)
    a = v.attainment.iloc[0]
    good, total = rows["good"].sum(), rows["total"].sum()
    assert a["good"] == good and a["total"] == total
    assert a["attainment"] == pytest.approx(good / total, rel=1e-12)
    # the range's budget: (1 - T) * total events allowed bad; consumed = bad / allowed
    allowed = (1 - 0.9995) * total
    assert a["allowed_bad"] == pytest.approx(allowed, rel=1e-12)
    assert a["budget_consumed"] == pytest.approx((total - good) / allowed, rel=1e-9)
    assert a["budget_remaining"] == pytest.approx(1 - (total - good) / allowed, rel=1e-9)
    # Wilson score interval, from its formula: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z, p, n = stats.norm.ppf(0.975), good / total, total
    centre, half = p + z * z / (2 * n), z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert a["lower"] == pytest.approx((centre - half) / (1 + z * z / n), rel=1e-9)
    assert a["upper"] == pytest.approx((centre + half) / (1 + z * z / n), rel=1e-9)
    assert not a["met"]


def test_daily_budget_is_the_rolling_window_at_each_day_end(data, feb):
    all_rows, _ = feb
    v = _view(data)
    assert len(v.daily) == 28 and v.daily["window_label"].unique().tolist() == ["rolling 28 days"]
    # 28 days of 5-minute buckets = 8,064 buckets ending with the last bucket of 28 February
    last = all_rows[all_rows["timestamp"] < "2026-03-01T00:00Z"].tail(8064)
    assert last["timestamp"].iloc[0] == pd.Timestamp("2026-02-01T00:00Z")
    sli = last["good"].sum() / last["total"].sum()
    assert v.daily["sli"].iloc[-1] == pytest.approx(sli, rel=1e-9)
    assert v.daily["budget_remaining"].iloc[-1] == pytest.approx(1 - (1 - sli) / (1 - 0.9995), rel=1e-9)


def test_worst_hours_and_backtest_of_the_range(data, feb):
    _, rows = feb
    v = _view(data)
    by_hour = (rows["total"] - rows["good"]).groupby(rows["timestamp"].dt.floor("h")).sum()
    assert v.worst_hours["hour"].iloc[0] == by_hour.idxmax()
    assert v.worst_hours["bad"].iloc[0] == by_hour.max()
    assert v.policy == "sre-workbook"  # payments/availability names no alert policy
    assert v.backtest.summary["policy"].tolist() == ["sre-workbook"]
    assert "INC-0066" in v.backtest.matches["id"].tolist()  # the one payments incident of February
    assert (v.backtest.alerts["service"] == "payments").all()


def test_sla_periods_overlapping_the_range(data):
    v = _view(data)
    assert v.sla["sla"].unique().tolist() == ["merchant-gateway"]
    assert v.sla["period_start"].tolist() == [pd.Timestamp("2026-02-01T00:00Z")]  # payments: UTC months
    assert _view(data, service="catalog", slo="availability", target=0.999).sla is None


def test_what_if_target_equal_to_the_attainment_is_met_with_the_budget_spent(data, feb):
    _, rows = feb
    attained = rows["good"].sum() / rows["total"].sum()
    at = _view(data, target=attained).attainment.iloc[0]
    assert at["met"]  # attainment >= target
    assert at["budget_consumed"] == pytest.approx(1.0, rel=1e-9)  # bad = (1 - T) * total exactly
    above = _view(data, target=float(np.nextafter(attained, 1))).attainment.iloc[0]
    assert not above["met"]


def test_timeslices_what_if_against_pandas(data, feb):
    _, rows = feb
    v = _view(data, method="Timeslices", target=0.99)
    # payments/availability defines no slices: one 5-minute bucket per slice, good at >= its target 99.95 %
    ratio = rows["good"] / rows["total"]
    with_events = rows["total"] > 0
    expected = (ratio[with_events] >= 0.9995).mean()
    a = v.attainment.iloc[0]
    assert a["attainment"] == pytest.approx(expected, rel=1e-12)
    assert a["unit"] == "slices" and a["target"] == 0.99 and a["own_target"] == 0.9995


def test_memo_gives_the_same_view(data):
    memo: dict = {}
    first = _view(data, memo=memo)
    _view(data, window="7d", memo=memo)
    again = _view(data, memo=memo)
    pd.testing.assert_frame_equal(first.attainment, again.attainment)
    pd.testing.assert_frame_equal(first.daily, again.daily)
    pd.testing.assert_frame_equal(first.worst_hours, _view(data).worst_hours)


@pytest.mark.parametrize(("kw", "error", "match"), [
    ({"slo": "nope"}, DefinitionError, r"unknown SLO 'nope' of service 'payments'"),
    ({"window": "29d"}, ParameterError, r"window '29d' is not one of"),
    ({"method": "Events"}, ParameterError, r"method 'Events' is not one of"),
    ({"target": 1.0}, ParameterError, r"target 1.0 is not inside \(0, 1\)"),
    ({"start": "2026-03-01", "end": "2026-02-01"}, ParameterError, r"end '2026-02-01' is before start"),
    ({"start": "Feb"}, ParameterError, r"start 'Feb' is not a day"),
    ({"start": "2030-01-01", "end": "2030-01-02"}, InsufficientDataError,
     r"no SLI data for payments/availability between 2030-01-01 and 2030-01-02"),
])
def test_view_errors(data, kw, error, match):
    with pytest.raises(error, match=match):
        _view(data, **kw)


# ------------------------------------------------------------------------------------------- the explorer


@pytest.fixture
def inputs():
    full = load_explorer_inputs(validate_explorer_parameters(data_dir=""))
    sli = full.sli
    two_months = sli[sli["timestamp"] < "2026-01-01T00:00Z"]  # a short span keeps the test quick
    hole = (two_months["service"] == "payments") & (two_months["timestamp"] >= "2025-12-10T00:00Z") & (
        two_months["timestamp"] < "2025-12-12T00:00Z")
    return dataclasses.replace(full, sli=two_months[~hole.to_numpy()])


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = compliance.compliance_view

    def view(*args, **kwargs):
        calls.append({k: kwargs[k] for k in ("service", "slo", "window", "start", "end", "method", "target")})
        return real(*args, **kwargs)

    monkeypatch.setattr(compliance, "compliance_view", view)
    return calls


def _html(out: w.Output) -> str:
    return "".join(str(o["data"].get("text/html", "")) + str(o["data"].get("text/plain", ""))
                   for o in out.outputs)


def test_explorer_controls_are_bounded_and_default_to_the_slo(inputs, counted):
    app = compliance_explorer(inputs, live=True)
    c = app.control_widgets
    assert len(counted) == 1
    assert list(c["service"].options)[:2] == ["checkout", "payments"]
    assert list(c["slo"].options) == ["availability", "latency", "uptime"]  # checkout's SLOs with data
    targets = [v for _, v in c["target"].options]
    assert all(0 < t < 1 for t in targets) and 0.999 in targets and c["target"].value == 0.999
    days = [v for _, v in c["days"].options]
    assert days[0] == pd.Timestamp("2025-11-01T00:00Z") and days[-1] == pd.Timestamp("2025-12-31T00:00Z")
    assert isinstance(c["days"], w.SelectionRangeSlider) and not c["days"].continuous_update
    assert isinstance(c["target"], w.SelectionSlider) and not c["target"].continuous_update
    assert c["method"].value == "Occurrences" and set(c["method"].options) == {
        "Occurrences", "Timeslices", "RatioTimeslices"}


@pytest.mark.parametrize(("control", "value", "expected"), [
    ("window", "7d", {"window": "7d"}),
    ("method", "RatioTimeslices", {"method": "RatioTimeslices"}),
    ("target", 0.99, {"target": 0.99}),
    ("slo", "uptime", {"slo": "uptime", "method": "Timeslices", "target": 0.995}),  # the SLO's own settings
    ("service", "payments", {"service": "payments", "slo": "availability", "target": 0.9995}),
])
def test_each_control_calls_the_view_once_and_redraws(inputs, counted, control, value, expected):
    app = compliance_explorer(inputs, live=True)
    panels = {name: app.panel(name) for name in ("attainment", "worst_hours")}
    before = {name: _html(out) + str([o["data"].get("application/vnd.jupyter.widget-view+json")
                                      for o in out.outputs]) for name, out in panels.items()}
    app.control_widgets[control].value = value
    assert len(counted) == 2, counted  # one call at start, one for the change
    assert {k: counted[-1][k] for k in expected} == expected
    after = {name: _html(out) + str([o["data"].get("application/vnd.jupyter.widget-view+json")
                                     for o in out.outputs]) for name, out in panels.items()}
    assert all(after[name] != before[name] for name in panels)


def test_date_range_change_calls_once(inputs, counted):
    app = compliance_explorer(inputs, live=True)
    c = app.control_widgets["days"]
    c.value = (c.options[10][1], c.options[20][1])
    assert len(counted) == 2
    assert (counted[-1]["start"], counted[-1]["end"]) == (pd.Timestamp("2025-11-11T00:00Z"),
                                                          pd.Timestamp("2025-11-21T00:00Z"))


def test_a_selection_without_data_shows_a_message(inputs, counted):
    app = compliance_explorer(inputs, live=True)
    out = app.panel("attainment")
    app.control_widgets["service"].value = "payments"
    days = app.control_widgets["days"]
    days.value = (pd.Timestamp("2025-12-10T00:00Z"), pd.Timestamp("2025-12-11T00:00Z"))  # the hole
    assert isinstance(app.result, Message)
    assert "no SLI data for payments/availability between 2025-12-10 and 2025-12-11" in _html(out)
    days.value = (pd.Timestamp("2025-12-01T00:00Z"), pd.Timestamp("2025-12-11T00:00Z"))  # and back
    assert not isinstance(app.result, Message)


def test_a_service_without_sla_shows_a_message(inputs):
    app = compliance_explorer(inputs, live=False)
    app.control_widgets["service"].value = "catalog"
    (shown,) = app.shown("sla")
    assert isinstance(shown, Message) and "catalog has no SLA" in shown.text
