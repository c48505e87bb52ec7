"""Tests for slm_analytics.review: parameters, review sections, and the papermill runner end to end.

The end-to-end runs execute real kernels: one run of the real review notebook (one service, plus an
unknown service that fails without a kernel), and runs of a tiny notebook that fails on purpose for one
service, to check that the other services go on and that earlier reports survive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from slm_analytics import review
from slm_analytics.data import DATASETS, dataset_path, read_dataset
from slm_analytics.errors import InsufficientDataError, ParameterError
from slm_analytics.review import (
    ReviewParameters,
    ReviewRun,
    ServiceReport,
    latest_complete_month,
    read_run_parameters,
    run_review,
    validate_parameters,
)

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------- parameters


def test_validate_parameters_ok():
    params = validate_parameters(service="checkout", month="2026-10", data_dir="")
    assert params == ReviewParameters(service="checkout", month="2026-10")
    assert params.data_dir == ""


def test_parameters_are_frozen_and_closed():
    params = validate_parameters(service="checkout", month="2026-10")
    with pytest.raises(Exception, match="frozen"):
        params.month = "2026-09"  # type: ignore[misc]
    assert ReviewParameters.model_config["extra"] == "forbid"


def test_unknown_parameter():
    with pytest.raises(ParameterError, match=r"^unknown review parameter 'mnth'; allowed: service, month, "
                                             r"data_dir$"):
        validate_parameters(service="checkout", month="2026-10", mnth="2026-10")


def test_several_unknown_parameters():
    with pytest.raises(ParameterError, match=r"unknown review parameters 'a', 'b'; allowed"):
        validate_parameters(service="checkout", month="2026-10", a=1, b=2)


def test_missing_parameter():
    with pytest.raises(ParameterError, match=r"^missing review parameter 'month'; required: service, month$"):
        validate_parameters(service="checkout")


def test_unknown_and_missing_reported_together():
    with pytest.raises(ParameterError, match=r"unknown review parameter 'servce'.*; missing review parameter "
                                             r"'service'"):
        validate_parameters(servce="checkout", month="2026-10")


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "latest", "2026-10-01"])
def test_bad_month(month):
    with pytest.raises(ParameterError, match=rf"review parameter 'month': '{month}' is not a calendar month; "
                                             r"expected 'YYYY-MM'"):
        validate_parameters(service="checkout", month=month)


def test_month_must_be_a_string():
    message = r"review parameter 'month': expected a string, got 202610 \(int\)"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", month=202610)


def test_bad_service_name():
    message = r"review parameter 'service': 'Check Out' is not a service name"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="Check Out", month="2026-10")


def test_data_dir_must_exist(tmp_path):
    missing = tmp_path / "nope"
    message = r"review parameter 'data_dir': '.*nope' is not a folder; expected '' \(bundled sample data\)"
    with pytest.raises(ParameterError, match=message):
        validate_parameters(service="checkout", month="2026-10", data_dir=str(missing))


def test_parameters_in_picks_the_literal_variables_of_a_notebook():
    import math

    namespace = {"In": ["x"], "Out": {1: 2}, "get_ipython": print, "__name__": "__main__", "_": 1, "_i1": "x",
                 "math": math, "service": "checkout", "month": "2026-10", "data_dir": "", "mnth": "2026-9"}
    found = review.parameters_in(namespace)
    assert found == {"service": "checkout", "month": "2026-10", "data_dir": "", "mnth": "2026-9"}
    with pytest.raises(ParameterError, match=r"unknown review parameter 'mnth'"):
        validate_parameters(**found)


def test_papermill_run_with_a_misspelt_parameter_fails_in_the_validation_cell(tmp_path):
    """papermill only warns about ``mnth``; the notebook's validation cell must stop the run."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as exc:
        papermill.execute_notebook(str(ROOT / review.DEFAULT_NOTEBOOK), str(tmp_path / "out.ipynb"),
                                   parameters={"mnth": "2026-09"}, progress_bar=False, kernel_name="python3")
    assert exc.value.ename == "ParameterError"
    assert "unknown review parameter 'mnth'; allowed: service, month, data_dir" in exc.value.evalue


# ----------------------------------------------------------------------------------------------- inputs


def test_load_inputs_bundled():
    inputs = review.load_inputs(validate_parameters(service="checkout", month="2026-10"))
    assert len(inputs.catalog.services) == 12
    assert {"timestamp", "good", "total"} <= set(inputs.sli.columns)
    assert "started_at" in inputs.incidents.columns
    pd.testing.assert_frame_equal(inputs.maintenance, read_dataset("maintenance"))
    assert f"{len(inputs.maintenance)} maintenance windows" in repr(inputs)
    assert "from bundled sample data" in repr(inputs)


def linked_datasets(tmp_path: Path) -> Path:
    """A data folder with the bundled files (symlinked) under their usual names."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name, info in DATASETS.items():
        (folder / info["file"]).symlink_to(dataset_path(name))
    return folder


def test_load_inputs_from_data_dir(tmp_path):
    folder = linked_datasets(tmp_path)
    inputs = review.load_inputs(validate_parameters(service="email", month="2026-10", data_dir=str(folder)))
    assert inputs.data_dir == str(folder)
    assert len(inputs.incidents) > 0
    assert len(inputs.maintenance) == len(read_dataset("maintenance"))


def test_load_inputs_reads_maintenance_from_data_dir(tmp_path):
    folder = linked_datasets(tmp_path)
    (folder / "maintenance.csv").unlink()
    (folder / "maintenance.csv").write_text("service,start,end,reason\n"
                                            "email,2026-10-04T01:00:00Z,2026-10-04T02:00:00Z,MTA upgrade\n")
    inputs = review.load_inputs(validate_parameters(service="email", month="2026-10", data_dir=str(folder)))
    assert inputs.maintenance["reason"].tolist() == ["MTA upgrade"]


def test_load_inputs_unknown_service():
    message = r"review parameter 'service': unknown service 'shop'; the catalog has checkout, payments"
    with pytest.raises(ParameterError, match=message):
        review.load_inputs(validate_parameters(service="shop", month="2026-10"))


# ------------------------------------------------------------------------------------ latest_complete_month


def buckets(start: str, end: str, freq: str = "5min") -> pd.DataFrame:
    return pd.DataFrame({"timestamp": pd.date_range(start, end, freq=freq, tz="UTC", unit="us")})


def test_latest_complete_month_bundled_data():
    # the sample data ends with the bucket starting 2026-10-31 23:55 UTC: October is complete
    assert latest_complete_month(read_dataset("sli_5min")) == "2026-10"


@pytest.mark.parametrize(("start", "end", "freq", "expected"), [
    ("2026-01-01 00:00", "2026-02-28 23:55", "5min", "2026-02"),  # last bucket ends at 1 March 00:00
    ("2026-01-01 00:00", "2026-02-28 23:50", "5min", "2026-01"),  # February misses its last 5 minutes
    ("2026-01-01 00:00", "2026-03-01 12:00", "5min", "2026-02"),  # March has only started
    ("2026-01-15 00:00", "2026-03-01 00:00", "5min", "2026-02"),  # January started late, February is whole
    ("2026-01-01 00:00", "2026-02-28 23:00", "1h", "2026-02"),  # hourly buckets: 23:00 + 1 h = 1 March
])
def test_latest_complete_month_small_frames(start, end, freq, expected):
    assert latest_complete_month(buckets(start, end, freq)) == expected


def test_latest_complete_month_ignores_row_order_and_duplicates():
    frame = buckets("2026-01-01", "2026-02-28 23:55")
    frame = pd.concat([frame, frame]).sample(frac=1, random_state=np.random.default_rng(3).integers(1000))
    assert latest_complete_month(frame) == "2026-02"


def test_latest_complete_month_in_a_time_zone():
    # data to 1 March 00:00 UTC is 28 February 19:00 in New York: February is not complete there
    assert latest_complete_month(buckets("2025-12-01 12:00", "2026-02-28 23:55"), tz="America/New_York") \
        == "2026-01"


def test_latest_complete_month_without_a_complete_month():
    message = (r"no complete calendar month \(UTC\) in data from 2026-02-01 00:05 to 2026-03-01 00:00; "
               r"2026-02 would need data from 2026-02-01 00:00")
    with pytest.raises(InsufficientDataError, match=message):
        latest_complete_month(buckets("2026-02-01 00:05", "2026-02-28 23:55"))


def test_latest_complete_month_needs_two_timestamps():
    message = r"1 distinct timestamp\(s\) in 'timestamp': need at least two"
    with pytest.raises(InsufficientDataError, match=message):
        latest_complete_month(buckets("2026-02-01", "2026-02-01"))


# --------------------------------------------------------------------------------------------- sections


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


def test_service_header(catalog):
    header = review.service_header(catalog, service="search", month="2026-10")
    assert (header.owner, header.tier, header.timezone) == ("team-discovery", 2, "America/New_York")
    assert header.period_start == pd.Timestamp("2026-10-01", tz="America/New_York")
    html = header._repr_html_()
    assert "<th" in html and "team-discovery" in html and "America/New_York" in html


def test_attainment_table_presents_without_changing_numbers():
    table = pd.DataFrame({
        "slo": ["availability", "uptime"], "budgeting_method": ["Occurrences", "Timeslices"],
        "unit": ["events", "slices"], "good": [9987, 0], "bad": [13, 0], "total": [10000, 0],
        "attainment": [0.9987, np.nan], "target": [0.999, 0.995],
        "met": pd.array([False, None], dtype="boolean"), "budget_consumed": [1.3, np.nan],
        "no_data": [False, True],
    })
    styled = review.attainment_table(table)
    assert styled.data["result"].tolist() == ["missed", "no data"]
    assert styled.data["attainment"].iloc[0] == 0.9987  # formatted for display only
    html = styled.to_html()
    assert "99.870%" in html and "130%" in html and "10,000" in html


def test_incident_table_selects_overlapping_incidents(catalog):
    t = pd.Timestamp
    incidents = pd.DataFrame({
        "id": ["A", "B", "C", "D", "E"],
        "service": ["checkout", "checkout", "checkout", "payments", "checkout"],
        "slo": "availability", "severity": "P2", "cause": "deploy", "title": "x",
        # London: October starts 2026-09-30 23:00 UTC
        "started_at": [t("2026-09-30 22:00", tz="UTC"),   # A: starts in September local, ends in October
                       t("2026-10-10 10:00", tz="UTC"),   # B: inside
                       t("2026-09-30 21:00", tz="UTC"),   # C: ends before October local starts
                       t("2026-10-10 10:00", tz="UTC"),   # D: another service
                       t("2026-10-31 20:00", tz="UTC")],  # E: ongoing
        "detected_at": [t("2026-09-30 22:05", tz="UTC"), t("2026-10-10 10:10", tz="UTC"),
                        t("2026-09-30 21:01", tz="UTC"), pd.NaT, pd.NaT],
        "resolved_at": [t("2026-09-30 23:30", tz="UTC"), t("2026-10-10 11:00", tz="UTC"),
                        t("2026-09-30 22:59", tz="UTC"), t("2026-10-10 11:00", tz="UTC"), pd.NaT],
    })
    styled = review.incident_table(incidents, catalog, service="checkout", month="2026-10")
    assert styled.data["id"].tolist() == ["A", "B", "E"]
    assert styled.data["impact (min)"].tolist()[:2] == [90.0, 60.0]
    assert styled.data["detect (min)"].tolist()[:2] == [5.0, 10.0]
    assert styled.data["started"].iloc[1] == "Sat 10 Oct 11:00"  # BST
    html = styled.to_html()
    assert "3 incidents recorded for checkout in October 2026" in html and "ongoing" in html


def test_incident_table_without_incidents(catalog):
    none = read_dataset("incidents").iloc[:0]
    styled = review.incident_table(none, catalog, service="email", month="2026-10")
    assert "No incident recorded for email in October 2026." in styled.to_html()


# ------------------------------------------------------------------------------- sections on the engine


@pytest.fixture(scope="module")
def bundled():
    return (read_dataset("sli_5min"), read_dataset("catalog"), read_dataset("incidents"),
            read_dataset("maintenance"))


def test_note_displays_as_escaped_html():
    note = review.Note("No SLA: a & b")
    assert str(note) == "No SLA: a & b"
    assert note._repr_html_() == "<p class='slm-note'>No SLA: a &amp; b</p>"


def budget_rows() -> pd.DataFrame:
    """month_end_budgets-like rows covering each way a budget can stand at the end of February 2026."""
    t = lambda s: pd.Timestamp(s, tz="Europe/London")  # noqa: E731
    end = t("2026-03-01")
    rows = [
        # spent: SLI 0.998 at 0.9995 -> burn 4, remaining 1 - 4 = -3 (calendar month, closed)
        dict(slo="a", window="month", calendar=True, window_start=t("2026-02-01"), window_end=end,
             elapsed=pd.Timedelta(days=28), sli=0.998, target=0.9995, burn_rate=4.0, remaining=-3.0,
             budget_minutes=20.16, remaining_minutes=-60.48, time_to_exhaustion=pd.Timedelta(0),
             period_over=True, no_data=False),
        # closed calendar month with budget left: a new budget starts on 1 March
        dict(slo="b", window="month", calendar=True, window_start=t("2026-02-01"), window_end=end,
             elapsed=pd.Timedelta(days=28), sli=0.9995, target=0.999, burn_rate=0.5, remaining=0.5,
             budget_minutes=40.32, remaining_minutes=20.16, time_to_exhaustion=pd.Timedelta(days=28),
             period_over=True, no_data=False),
        # rolling 28 days, burn 0.5, remaining 0.5: 0.5 * 28 d / 0.5 = 28 days, i.e. on 29 March
        dict(slo="c", window="28d", calendar=False, window_start=t("2026-02-01"), window_end=end,
             elapsed=pd.Timedelta(days=28), sli=0.995, target=0.99, burn_rate=0.5, remaining=0.5,
             budget_minutes=403.2, remaining_minutes=201.6, time_to_exhaustion=pd.Timedelta(days=28),
             period_over=False, no_data=False),
        # nothing burning
        dict(slo="d", window="28d", calendar=False, window_start=t("2026-02-01"), window_end=end,
             elapsed=pd.Timedelta(days=28), sli=1.0, target=0.99, burn_rate=0.0, remaining=1.0,
             budget_minutes=403.2, remaining_minutes=403.2, time_to_exhaustion=pd.NaT, period_over=False,
             no_data=False),
        # quarter to date: 59 of 90 days; runs out after the quarter ends
        dict(slo="e", window="quarter", calendar=True, window_start=t("2026-01-01"),
             window_end=t("2026-04-01"),
             elapsed=pd.Timedelta(days=59), sli=0.9995, target=0.999, burn_rate=0.5, remaining=0.67,
             budget_minutes=129.6, remaining_minutes=86.8, time_to_exhaustion=pd.Timedelta(days=120),
             period_over=False, no_data=False),
        dict(slo="f", window="28d", calendar=False, window_start=t("2026-02-01"), window_end=end,
             elapsed=pd.Timedelta(days=28), sli=np.nan, target=0.99, burn_rate=np.nan, remaining=np.nan,
             budget_minutes=403.2, remaining_minutes=np.nan, time_to_exhaustion=pd.NaT, period_over=False,
             no_data=True),
    ]
    frame = pd.DataFrame(rows)
    frame["as_of"] = end
    return frame


def test_budget_table_hand_made_cases():
    styled = review.budget_table(budget_rows())
    data = styled.data
    assert data["runs out"].tolist() == [
        "spent",
        "period over; new budget from 01 Mar",
        "28 d (29 Mar)",
        "never (nothing burning)",
        "not before the period ends (01 Apr)",  # 1 March + 120 days is after 1 April
        "no data",
    ]
    assert data["window"].tolist()[:3] == ["calendar month: 01 Feb to 28 Feb",
                                           "calendar month: 01 Feb to 28 Feb",
                                           "rolling 28 days: 01 Feb to 28 Feb"]
    assert data["window"].iloc[4] == "calendar quarter: 01 Jan to 31 Mar (to date, 59 d)"
    html = styled.to_html()
    assert "−300%" in html and "4×" in html  # remaining -3, burn rate 4
    assert "20.2 min" in html and "6 h 43 min" in html  # 20.16 min; 403.2 min = 6 h 43.2 min
    assert "−60.5 min" in html
    assert "color: #c0392b" in html  # overspent in red


def test_budget_table_on_the_bundled_data(bundled):
    from slm_analytics.compliance import month_end_budgets

    sli, catalog, _, _ = bundled
    styled = review.budget_table(month_end_budgets(sli, catalog, service="payments", month="2026-02"))
    assert styled.data["SLO"].tolist() == ["availability", "latency", "uptime"]
    assert styled.data["runs out"].tolist()[0] == "spent"
    assert "−376%" in styled.to_html()  # payments' availability, see month_end_budgets


def test_alert_table_counts_match_a_direct_engine_filter(bundled):
    from slm_analytics.budget import burn_rate_alerts
    from slm_analytics.compliance import month_alerts, month_bounds

    sli, catalog, incidents, maintenance = bundled
    alerts = month_alerts(sli, incidents, catalog, service="payments", month="2026-02",
                          exclusions=maintenance)
    styled = review.alert_table(alerts, catalog, service="payments", month="2026-02")
    start, end = month_bounds("2026-02", tz="Europe/London")
    direct = burn_rate_alerts(sli, catalog, exclusions=maintenance)
    direct = direct[(direct["service"] == "payments") & (direct["start"] < end) & (direct["end"] > start)]
    pages = int((direct["severity"] == "page").sum())
    inc = incidents[incidents["service"] == "payments"]
    matched = sum(bool(((inc["started_at"] <= a.end) & (inc["resolved_at"] >= a.start)).any())
                  for a in direct.itertuples())
    assert (len(direct), pages, matched) == (18, 8, 12)
    html = styled.to_html()
    assert (f"{len(direct)} alerts fired for payments in February 2026 ({pages} pages, {len(direct) - pages} "
            f"tickets); {matched} overlapped a recorded incident. Times in Europe/London.") in html
    assert (styled.data["incident"] == "none").sum() == len(direct) - matched
    assert styled.data["started"].iloc[0] == "Thu 12 Feb 14:10"  # GMT in February


def test_alert_table_hand_made_rows(catalog):
    t = lambda s: pd.Timestamp(s, tz="Europe/London")  # noqa: E731
    alerts = pd.DataFrame({
        "service": "checkout", "slo": ["availability", "latency"], "policy": ["pyrra-28d", "pyrra-28d"],
        "severity": ["page", "ticket"], "rule": ["1h/5m", "4d/6h"], "burn_rate": [14.0, 1.0],
        "start": [t("2026-09-30 23:10"), t("2026-10-31 22:00")],
        "end": [t("2026-10-01 00:35"), t("2026-11-01 00:00")],
        "duration": [pd.Timedelta(minutes=85), pd.Timedelta(hours=2)],
        "ongoing": [False, True], "before_month": [True, False], "incidents": ["INC-1", ""],
        "overlaps_incident": [True, False],
    })
    styled = review.alert_table(alerts, catalog, service="checkout", month="2026-10")
    assert styled.data["started"].tolist() == ["Wed 30 Sep 23:10 (before the month)", "Sat 31 Oct 22:00"]
    assert styled.data["ended"].tolist() == ["Thu 01 Oct 00:35", "still firing at month end"]
    assert styled.data["duration"].tolist() == ["1 h 25 min", "2 h"]
    assert styled.data["incident"].tolist() == ["INC-1", "none"]
    html = styled.to_html()
    assert "2 alerts fired for checkout in October 2026 (1 page, 1 ticket); 1 overlapped" in html
    assert "14×" in html


def test_alert_table_without_alerts_is_a_note(catalog):
    note = review.alert_table(pd.DataFrame(columns=["severity"]), catalog, service="email", month="2026-10")
    assert isinstance(note, review.Note)
    assert str(note).startswith("No burn-rate alert fired for email in October 2026")


def test_threshold_table_formats_the_rules(catalog):
    from slm_analytics.compliance import alert_thresholds

    styled = review.threshold_table(alert_thresholds(catalog, service="payments"))
    row = styled.data.iloc[0]
    assert (row["SLO"], row["policy"], row["long window"], row["short window"]) == (
        "availability", "sre-workbook", "1h", "5m")
    html = styled.to_html()
    assert "14.4×" in html and "2.0%" in html
    assert "0.720%" in html  # 14.4 x (1 - 0.9995) = 0.72 %


def test_sla_table_payments_february_shows_the_breach_and_credit(bundled):
    from slm_analytics.compliance import month_sla
    from slm_analytics.sla import sla_attainment

    sli, catalog, _, maintenance = bundled
    styled = review.sla_table(month_sla(sli, catalog, service="payments", month="2026-02",
                                        exclusions=maintenance), catalog, service="payments", month="2026-02")
    engine = sla_attainment(sli, catalog, exclusions=maintenance, sla="merchant-gateway")
    engine = engine[engine["period_start"] == pd.Timestamp("2026-02-01", tz="UTC")].iloc[0]
    row = styled.data.iloc[0]
    assert row["attainment"] == pytest.approx(engine["attainment"], rel=1e-12)
    assert (row["result"], row["credit"]) == ("breached", 0.1)  # below 99.9 %: the first tier, 10 %
    assert (row["fee"], row["credit amount"]) == (40000.0, 4000.0)  # 10 % of the 40,000 monthly fee
    assert row["period"] == "February 2026" and row["status"] == "final"
    assert row["measured"] == f"around the clock, maintenance excluded ({engine['excluded_buckets']} buckets)"
    html = styled.to_html()
    margin = (engine["attainment"] - 0.999) * 100  # percentage points
    assert f"−{abs(margin):.3f} pp" in html and "4,000" in html and "40,000" in html and "10%" in html


def test_sla_table_quarter_to_date_is_provisional(bundled):
    from slm_analytics.compliance import month_sla

    sli, catalog, _, maintenance = bundled
    slas = month_sla(sli, catalog, service="search", month="2026-02", exclusions=maintenance)
    styled = review.sla_table(slas, catalog, service="search", month="2026-02")
    row = styled.data.iloc[0]
    assert row["period"] == "Q1 2026 (Jan to Mar), to date"
    assert row["status"] == "provisional (period not over)"
    assert row["fee"] == 3 * 6000  # a quarter is three monthly fees


def test_sla_table_says_no_sla(bundled):
    from slm_analytics.compliance import month_sla

    sli, catalog, _, maintenance = bundled
    internal = review.sla_table(month_sla(sli, catalog, service="reporting", month="2026-02"), catalog,
                                service="reporting", month="2026-02")
    assert str(internal) == ("No SLA: reporting is an internal service (not customer-facing); no contract "
                             "applies to it.")
    public = review.sla_table(month_sla(sli, catalog, service="catalog", month="2026-02"), catalog,
                              service="catalog", month="2026-02")
    assert str(public).startswith("No SLA: the catalog defines no agreement for catalog")


def test_policy_table_payments_february(bundled):
    from slm_analytics.compliance import month_policy_triggers

    sli, catalog, incidents, _ = bundled
    triggers = month_policy_triggers(sli, incidents, catalog, service="payments", month="2026-02")
    styled = review.policy_table(triggers, catalog, service="payments", month="2026-02")
    assert styled.data["rule"].tolist() == triggers["rule"].tolist()
    assert styled.data["action"].iloc[0] == "release freeze"  # the action up to its explanation
    html = styled.to_html()
    assert ("5 rules triggered for payments at the end of February 2026: release freeze (2), postmortem (2), "
            "quarterly planning item.") in html
    assert "476%" in html and "> 100%" in html  # 4.76 of the 4-week budget against the threshold 1


def test_policy_table_without_triggers_is_a_note(catalog):
    empty = pd.DataFrame(columns=["service", "slo", "rule", "action", "subject", "evidence", "value",
                                  "threshold", "window_start", "window_end"])
    note = review.policy_table(empty, catalog, service="search", month="2026-02")
    assert str(note).startswith("No rule of the error-budget policy triggered for search at the end of "
                                "February 2026")


def test_maintenance_table_selects_local_month(catalog):
    utc = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    maintenance = pd.DataFrame({
        "service": ["payments", "payments", "payments", "checkout"],
        # London: October starts 2026-09-30 23:00 UTC and ends 2026-10-31 24:00 UTC (GMT from the 25th)
        "start": [utc("2026-09-30 22:00"), utc("2026-10-04 01:00"), utc("2026-09-30 21:00"),
                  utc("2026-10-04 01:00")],
        "end": [utc("2026-09-30 23:30"), utc("2026-10-04 02:30"), utc("2026-09-30 23:00"),
                utc("2026-10-04 02:00")],
        "reason": ["crosses into October", "inside", "ends as October starts", "other service"],
    })
    styled = review.maintenance_table(maintenance, catalog, service="payments", month="2026-10")
    assert styled.data["reason"].tolist() == ["crosses into October", "inside"]
    assert styled.data["start"].tolist() == ["Wed 30 Sep 23:00", "Sun 04 Oct 02:00"]  # BST
    assert styled.data["end"].tolist() == ["Thu 01 Oct 00:30", "03:30"]
    assert styled.data["duration"].tolist() == ["1 h 30 min", "1 h 30 min"]
    html = styled.to_html()
    assert "2 planned maintenance windows for payments in October 2026" in html
    assert "excluded from the burn-rate alerts and from SLA merchant-gateway; counted in the SLOs" in html


def test_maintenance_table_without_windows_is_a_note(bundled):
    catalog, maintenance = bundled[1], bundled[3]
    note = review.maintenance_table(maintenance, catalog, service="reporting", month="2026-02")
    assert str(note) == "No planned maintenance recorded for reporting in February 2026."


def test_incident_availability_table(bundled):
    from slm_analytics.compliance import month_incident_availability

    _, catalog, incidents, maintenance = bundled
    summary = month_incident_availability(incidents, catalog, service="payments", month="2026-02",
                                          exclusions=maintenance)
    values = review.incident_availability_table(summary).data.set_index("measure")
    # 1 - 115 / 40,230 = 99.714 % (see test_compliance)
    assert values.loc["Availability", "value"] == "99.714%"
    assert values.loc["Measured time", "value"] == ("27 d 22 h 30 min: the whole month, planned maintenance "
                                                    "excluded")
    assert values.loc["MTTR (mean time to resolve)", "value"] == "1 h 55 min (median 1 h 55 min)"
    assert values.loc["MTTD (mean time to detect)", "value"] == "5 min"
    business = review.incident_availability_table(month_incident_availability(
        incidents, catalog, service="reporting", month="2026-02", exclusions=maintenance)).data
    assert business.set_index("measure").loc["Measured time", "value"].startswith(
        "153 h: business hours (kr-business-hours)")


def test_incident_availability_table_without_incidents(catalog):
    from slm_analytics.compliance import month_incident_availability

    none = read_dataset("incidents").iloc[:0]
    values = review.incident_availability_table(month_incident_availability(
        none, catalog, service="email", month="2026-10")).data.set_index("measure")["value"]
    assert values["Availability"] == "100.000%"
    assert values["MTTR (mean time to resolve)"] == "– (no incident started in the month)"


# ---------------------------------------------------------------------------------------- parameter files


def test_bundled_parameter_file():
    assert read_run_parameters(ROOT / "parameters" / "monthly-review.yaml") == {
        "data_dir": None, "out_dir": "reports", "month": None, "services": None}


def test_parameter_file_values(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text('data_dir: /srv/slm\nmonth: "2026-09"\nservices: [checkout, email]\n')
    expected = {"data_dir": "/srv/slm", "month": "2026-09", "services": ["checkout", "email"]}
    assert read_run_parameters(f) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("mnth: 2026-09\n", r"p.yaml: unknown key 'mnth'; allowed: data_dir, out_dir, month, services"),
    ("month: 2026-9\n", r"p.yaml: key 'month': '2026-9' is not a month; expected 'YYYY-MM' \(quoted\) or "
                        r"'latest'"),
    ("month: 2026-09-01\n", r"p.yaml: key 'month': datetime.date\(2026, 9, 1\) is not a month"),
    ("services: checkout\n", r"p.yaml: key 'services': 'checkout' is not 'all' or a non-empty list of "
                             r"service names"),
    ("services: []\n", r"p.yaml: key 'services': \[\] is not 'all' or a non-empty list"),
    ("out_dir: ''\n", r"p.yaml: key 'out_dir': '' is not a folder path"),
    ("data_dir: 3\n", r"p.yaml: key 'data_dir': 3 is not a folder path, or \"\" for the bundled data"),
    ("month: [unclosed\n", r"p.yaml: line 2: not valid YAML"),
    ("- month\n", r"p.yaml: expected a mapping of data_dir, out_dir, month, services, found list"),
])
def test_bad_parameter_files(tmp_path, text, message):
    f = tmp_path / "p.yaml"
    f.write_text(text)
    with pytest.raises(ParameterError, match=message):
        read_run_parameters(f)


def test_missing_parameter_file(tmp_path):
    with pytest.raises(ParameterError, match=r"nope.yaml: cannot read parameter file"):
        read_run_parameters(tmp_path / "nope.yaml")


def test_parameter_file_is_read_safely(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("month: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ParameterError, match=r"not valid YAML"):
        read_run_parameters(f)


# ----------------------------------------------------------------------------------------- runner checks


def test_run_review_rejects_bad_month(tmp_path):
    message = r"month '2026-13' is not a calendar month; expected 'YYYY-MM' .* or 'latest'"
    with pytest.raises(ParameterError, match=message):
        run_review(out_dir=tmp_path, month="2026-13")


def test_run_review_rejects_empty_services(tmp_path):
    with pytest.raises(ParameterError, match=r"services is empty"):
        run_review(out_dir=tmp_path, month="2026-10", services=[])


def test_run_review_rejects_missing_notebook(tmp_path):
    with pytest.raises(ParameterError, match=r"review notebook '.*none.ipynb' not found"):
        run_review(out_dir=tmp_path, month="2026-10", notebook=tmp_path / "none.ipynb")


def test_run_review_rejects_missing_data_dir(tmp_path):
    with pytest.raises(ParameterError, match=r"data_dir '.*nowhere' is not a folder"):
        run_review(out_dir=tmp_path, data_dir=tmp_path / "nowhere")


def test_default_kernel_runs_this_interpreter():
    review._check_kernel("python3")  # raises when a python3 kernel spec points at another Python


def test_unknown_kernel():
    with pytest.raises(ParameterError, match=r"no Jupyter kernel named 'no-such-kernel'"):
        review._check_kernel("no-such-kernel")


def test_svg_ids_are_made_unique_per_chart():
    svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/></svg>'
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.cells[0].outputs = [nbformat.from_dict({"output_type": "display_data", "metadata": {},
                                               "data": {"image/svg+xml": svg}}) for _ in range(2)]
    review._prefix_svg_ids(nb)
    first, second = (o["data"]["image/svg+xml"] for o in nb.cells[0].outputs)
    assert 'id="c1-clip1"' in first and "url(#c1-clip1)" in first
    assert 'id="c2-clip1"' in second and "url(#c2-clip1)" in second


def test_review_run_result():
    reports = (ServiceReport("a", "ok", Path("a.ipynb"), Path("a.html"), None, 1.0),
               ServiceReport("b", "failed", None, None, "ValueError: x", 0.5))
    run = ReviewRun(month="2026-10", folder=Path("r/2026-10"), index=Path("r/2026-10/index.html"),
                    reports=reports)
    assert not run.ok
    assert [r.service for r in run.failed] == ["b"]
    frame = run.to_frame()
    assert frame.columns.tolist() == ["service", "status", "notebook", "html", "error", "seconds"]
    assert frame["status"].tolist() == ["ok", "failed"]
    assert repr(run) == "ReviewRun(month='2026-10', ok=1, failed=1, index='r/2026-10/index.html')"


# ------------------------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def real_run(tmp_path_factory) -> ReviewRun:
    """The real review notebook for one service, and an unknown service (fails before any kernel starts)."""
    out = tmp_path_factory.mktemp("reports")
    seen: list[str] = []
    run = run_review(out_dir=out, month="2026-10", services=["checkout", "nope"],
                     progress=lambda r: seen.append(r.service))
    assert seen == ["checkout", "nope"]
    return run


def test_real_run_writes_notebook_html_and_index(real_run):
    assert real_run.month == "2026-10"
    ok = real_run.reports[0]
    assert (ok.service, ok.status, ok.error) == ("checkout", "ok", None)
    assert ok.html == real_run.folder / "checkout.html" and ok.html.is_file()
    assert ok.notebook == real_run.folder / "checkout.ipynb" and ok.notebook.is_file()
    assert real_run.index.is_file()
    leftovers = [p.name for p in real_run.folder.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary files left behind


def test_real_run_html_is_self_contained_without_code(real_run):
    text = (real_run.folder / "checkout.html").read_text()
    assert text.count("<svg") >= 3  # the budget consumed, budget through the month and daily charts, inline
    assert "Did each SLO meet its target?" in text  # narrative kept
    assert "team-orders" in text  # service header output
    assert "validate_parameters" not in text and "monthly_attainment(" not in text  # no code input
    body = text.split("</head>", 1)[1]
    code_cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', body)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    for hidden in ("jp-CodeMirrorEditor", "jp-InputPrompt", "jp-OutputPrompt"):
        assert hidden not in body
    assert not re.search(r"<script[^>]+src=", text)  # nothing fetched from the network
    assert not re.search(r"<link[^>]+href=\"?http", text)


def test_real_run_html_has_every_section(real_run):
    text = (real_run.folder / "checkout.html").read_text()
    for heading in ("Error budget at the month", "Budget through the month", "Planned maintenance",
                    "Availability from the incident records", "Burn-rate alerts in the month",
                    "The alert policies", "SLA attainment and service credits", "Error-budget policy"):
        assert heading in text
    assert "Error budget remaining through October 2026" in text  # the budget chart's title, as SVG text
    assert "No planned maintenance recorded for checkout in October 2026." in text
    assert "retail-partners" in text  # checkout's SLA
    assert "Traceback" not in text and "Error" + "Name" not in text


@pytest.fixture(scope="module")
def payments_february(tmp_path_factory) -> Path:
    """The real review of payments for February 2026: the scripted outage, an SLA breach and the policy."""
    out = tmp_path_factory.mktemp("reports")
    run = run_review(out_dir=out, month="2026-02", services=["payments"])
    assert run.ok, run.to_frame()["error"].tolist()
    return run.folder / "payments.html"


def test_payments_february_report_shows_the_breach_credit_and_policy(payments_february):
    from slm_analytics.compliance import month_policy_triggers, month_sla

    text = payments_february.read_text()
    sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    sla = month_sla(sli, catalog, service="payments", month="2026-02",
                    exclusions=read_dataset("maintenance")).iloc[0]
    assert (bool(sla["breached"]), sla["credit"], sla["credit_amount"]) == (True, 0.1, 4000.0)
    assert "merchant-gateway" in text and "breached" in text and "4,000" in text and "40,000" in text
    incidents = read_dataset("incidents")
    triggers = month_policy_triggers(sli, incidents, catalog, service="payments", month="2026-02")
    assert f"{len(triggers)} rules triggered for payments at the end of February 2026" in text
    assert "release freeze" in text and "postmortem" in text and "quarterly planning item" in text
    assert "18 alerts fired for payments in February 2026" in text
    assert "1 planned maintenance window for payments in February 2026" in text


def test_real_run_executed_notebook_has_parameters_and_outputs(real_run):
    nb = json.loads((real_run.folder / "checkout.ipynb").read_text())
    parameters = nb["metadata"]["papermill"]["parameters"]
    assert parameters == {"service": "checkout", "month": "2026-10", "data_dir": ""}
    assert any("image/svg+xml" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


def test_real_run_unknown_service_fails_alone(real_run):
    failed = real_run.reports[1]
    assert (failed.service, failed.status, failed.html) == ("nope", "failed", None)
    assert failed.error.startswith("ParameterError: unknown service 'nope'; the catalog has checkout")
    assert [r.service for r in real_run.failed] == ["nope"]
    assert not real_run.ok


def test_real_run_index_links_reports(real_run):
    index = real_run.index.read_text()
    assert "<a href='checkout.html'>report</a>" in index
    assert "<a href='checkout.ipynb'>notebook</a>" in index
    assert "3 of 3 met" in index  # checkout's SLOs in October 2026
    assert "nope" in index and "failed" in index and "unknown service" in index


def tiny_notebook(path: Path) -> Path:
    """A review notebook that fails for ``payments`` and shows its parameters otherwise."""
    nb = new_notebook(cells=[
        new_code_cell('service = "x"\nmonth = "2026-01"\ndata_dir = ""', metadata={"tags": ["parameters"]}),
        new_code_cell('if service == "payments":\n    raise RuntimeError(f"boom for {service}")'),
        new_code_cell('print(f"review of {service} for {month} from [{data_dir}]")'),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path


def test_failing_service_keeps_earlier_report_and_others_go_on(tmp_path):
    notebook = tiny_notebook(tmp_path / "tiny.ipynb")
    folder = tmp_path / "out" / "2026-10"
    folder.mkdir(parents=True)
    (folder / "payments.html").write_text("EARLIER REPORT")
    (folder / "payments.ipynb").write_text("{}")
    data = linked_datasets(tmp_path)
    run = run_review(out_dir=tmp_path / "out", month="2026-10", services=["payments", "email"],
                     notebook=notebook, data_dir=data)
    payments, email = run.reports
    assert payments.status == "failed"
    assert payments.error == "RuntimeError: boom for payments"
    assert payments.notebook == folder / "payments.failed.ipynb" and payments.notebook.is_file()
    assert (folder / "payments.html").read_text() == "EARLIER REPORT"  # not destroyed
    assert (folder / "payments.ipynb").read_text() == "{}"
    assert email.status == "ok" and email.html.is_file()
    assert f"review of email for 2026-10 from [{data.resolve()}]" in email.html.read_text()
    index = run.index.read_text()
    assert "failed (earlier report kept)" in index and "RuntimeError: boom for payments" in index
    assert "payments.failed.ipynb" in index
    # a later successful run replaces the report and removes the failed notebook
    run = run_review(out_dir=tmp_path / "out", month="2026-10", services=["email"], notebook=notebook,
                     data_dir=data)
    assert run.ok
    assert "from an earlier run" in run.index.read_text()  # payments' earlier report is still listed
