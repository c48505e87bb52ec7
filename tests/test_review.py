"""Tests for slm_analytics.review: parameters, review sections, and the papermill runner end to end.

The end-to-end runs execute real kernels: one run of the real review notebook (one service, plus an
unknown service that fails without a kernel), and runs of a tiny notebook that fails on purpose for one
service, to check that the other services go on and that earlier reports survive.
"""

from __future__ import annotations

import dataclasses
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
from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
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


def test_service_header_data_coverage_in_the_service_time_zone(catalog):
    sli = read_dataset("sli_5min")
    # the data ends with the bucket 2026-10-31 23:55 UTC, i.e. at 2026-11-01 00:00 UTC = 20:00 EDT on
    # 31 October: New York's October lacks its last 4 hours, Seoul's (UTC+9) already ended
    search = review.service_header(catalog, service="search", month="2026-10", sli=sli)
    assert search.data_start == pd.Timestamp("2026-10-01", tz="America/New_York")
    assert search.data_end == pd.Timestamp("2026-10-31 20:00", tz="America/New_York")
    assert not search.complete
    assert "the last 4 h of the month have no data" in search.coverage()
    assert "color: #b9770e" in search._repr_html_() and "Data: " in str(search)
    mobile = review.service_header(catalog, service="mobile-api", month="2026-10", sli=sli)
    assert mobile.complete and mobile.coverage() == "the whole month"
    assert "#b9770e" not in mobile._repr_html_()
    # without the data nothing is claimed about coverage
    plain = review.service_header(catalog, service="search", month="2026-10")
    assert plain.complete and "Data" not in str(plain)


def test_service_header_data_coverage_hand_made(catalog):
    # checkout's buckets from 3 Oct 12:00 to 20 Oct 06:00 (UTC) in a month cut in checkout's time zone
    tz = catalog.service("checkout").timezone
    times = pd.date_range("2026-10-03 12:00", "2026-10-20 05:55", freq="5min", tz="UTC")
    sli = pd.DataFrame({"timestamp": times, "service": "checkout", "slo": "availability",
                        "good": 1, "total": 1})
    header = review.service_header(catalog, service="checkout", month="2026-10", sli=sli)
    start, end = pd.Timestamp("2026-10-01", tz=tz), pd.Timestamp("2026-11-01", tz=tz)
    assert header.data_start == pd.Timestamp("2026-10-03 12:00", tz="UTC")
    assert header.data_end == pd.Timestamp("2026-10-20 06:00", tz="UTC")
    text = header.coverage()
    first = review._duration(header.data_start - start, precise=True)
    last = review._duration(end - header.data_end, precise=True)
    assert f"the first {first} and the last {last} of the month have no data" in text
    # another service's rows, or rows outside the month, are not this service's data
    other = review.service_header(catalog, service="payments", month="2026-10", sli=sli)
    assert other.data_start is None and other.coverage().startswith("no data for this service")
    later = review.service_header(catalog, service="checkout", month="2026-12", sli=sli)
    assert later.data_start is None and not later.complete
    with pytest.raises(DataError, match="missing column"):
        review.service_header(catalog, service="checkout", month="2026-10", sli=sli.drop(columns="service"))


def test_index_summaries_flag_an_incomplete_month(catalog):
    sli = read_dataset("sli_5min")
    summaries = review._summaries(sli, catalog, ["search", "mobile-api"], "2026-10")
    assert summaries["search"].endswith("; incomplete month: no data for the last 4 h")
    assert "incomplete" not in summaries["mobile-api"]


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


# --------------------------------------------------------------------------------------------- outlook


@pytest.fixture(scope="module")
def mobile_july():
    from slm_analytics.compliance import month_outlook

    return month_outlook(read_dataset("sli_5min"), read_dataset("catalog"), service="mobile-api",
                         month="2026-07")


def test_outlook_table_mobile_api_july(mobile_july):
    styled = review.outlook_table(mobile_july)
    shown = styled.data.set_index("SLO")
    assert list(shown.columns) == ["trend (90 days)", "Sen slope / week", "latest change", "next window",
                                   "P(miss)", "projected attainment", "budget runs out", "straight line"]
    latency = shown.loc["latency"]
    row = mobile_july.table.set_index("slo").loc["latency"]
    # the strings are the outlook's numbers, rounded for reading
    assert latency["trend (90 days)"] == f"increasing (p = {row['trend_p_value']:.3f})"
    assert latency["Sen slope / week"] == f"+{row['trend_slope'] * 7 * 100:.3f} pp"  # +0.058 pp
    assert latency["latest change"] == "17 Jun: 0.448% → 1.05%"
    assert latency["next window"] == "August (month)"
    assert latency["P(miss)"] == (f"{row['breach_probability']:.0%} ({row['breach_low']:.0%}–"
                                  f"{row['breach_high']:.0%})")
    assert latency["projected attainment"] == "98.95% (98.94%–99.13%)"
    assert latency["budget runs out"] == "30 Aug (10–90%: 30 Aug to after 31 Aug)"
    assert latency["straight line"] == "30 Aug"
    availability = shown.loc["availability"]
    assert availability["next window"] == "28 days to 7 Aug"  # rolling: the window ending a week later
    assert availability["P(miss)"] == "0% (0%–0.2%)"
    assert availability["budget runs out"] == "not by 28 Aug"  # searched over the next 28 days
    assert availability["straight line"] == "11 Oct (after the window)"
    html_text = styled.to_html()
    assert "color: #c0392b" in html_text  # a P(miss) of 56 % and a significant rising trend in red
    assert "2,000 simulated paths (seed 0)" in html_text
    assert "Sat 01 Aug 2026 00:00 Asia/Seoul" in html_text


def test_outlook_table_and_notes_say_why_an_slo_is_not_assessed(mobile_july):
    table = mobile_july.table.copy()
    table.loc[0, ["assessed", "note"]] = [False, "breach_probability: too little history"]
    for c in ("breach_probability", "breach_low", "breach_high"):
        table.loc[0, c] = np.nan
    outlook = dataclasses.replace(mobile_july, table=table)
    shown = review.outlook_table(outlook).data.set_index("SLO")
    assert shown.loc["availability", "trend (90 days)"] == "not assessed"
    assert shown.loc["availability", "budget runs out"] == "breach_probability: too little history"
    notes = review.outlook_notes(outlook)
    assert notes.items[-1] == "availability: not assessed: breach_probability: too little history"


def test_outlook_notes_mobile_api_july_say_what_it_means(mobile_july):
    notes = review.outlook_notes(mobile_july)
    assert notes.intro == "Where mobile-api's SLOs stood at the end of July 2026, riskiest first:"
    latency, availability = notes.items  # riskiest first
    assert latency.startswith("latency: A coin toss: a 56% chance (23%–85%) of missing 99% in August, by "
                              "31 Aug. Projected attainment 98.95%")
    assert "stepped up from 0.448% to 1.05% on 17 Jun" in latency
    assert "against the 1% the target allows" in latency
    assert "'higher than before' rather than a steady climb" in latency
    assert "the budget runs out around 30 Aug (straight line: 30 Aug)" in latency
    assert "The interval is wide because only the 6 weeks since the step up on 17 Jun show" in latency
    assert latency.endswith("Worth a mitigation plan now and a check at the next weekly review.")
    assert availability == ("availability: Low risk: none of the 2,000 simulated paths misses 99.9% over the "
                            "28 days to 7 Aug (95% bound: 0.2%). Projected attainment 99.974% (10–90%: "
                            "99.973%–99.975%).")  # a step down 10 weeks ago is no news for the meeting
    html_text = notes._repr_html_()
    assert html_text.startswith("<div class='slm-note'>") and "<b>latency</b>: A coin toss" in html_text
    assert str(notes).splitlines()[1].startswith("- latency: A coin toss")


def test_outlook_notes_single_bad_days_and_the_straight_line(bundled):
    from slm_analytics.compliance import month_outlook

    sli, catalog, _, _ = bundled
    payments = review.outlook_notes(month_outlook(sli, catalog, service="payments", month="2026-02"))
    assert payments.intro.startswith("Where payments' SLOs")  # possessive of a name ending in s
    availability = payments.items[0]
    assert availability.startswith("availability: A coin toss: a 49% chance")
    assert "single bad days (up to 6.51% on 12 Feb) spend much of the budget at once" in availability
    checkout = review.outlook_notes(month_outlook(sli, catalog, service="checkout", month="2026-10"))
    uptime = checkout.items[0]
    assert uptime.startswith("uptime: Low risk: a 1% chance")
    assert "the straight line (the last 7 days' error rate going on) gives 99.359%, a miss" in uptime
    assert "The interval is wide because single bad days (up to 3.12% on 27 Oct)" in uptime  # 0.0%-41%
    assert uptime.endswith("Unlikely but not ruled out: watch it at the weekly reviews.")


@pytest.mark.parametrize(("value", "text"), [(0.0, "0%"), (1.0, "100%"), (0.0019, "0.2%"), (0.564, "56%"),
                                             (0.9913, "99.1%"), (np.nan, "–")])
def test_chance(value, text):
    assert review._chance(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.010533, "1.05%"), (0.00024, "0.0240%"), (0.0, "0%"),
                                             (0.0651, "6.51%"), (np.nan, "–")])
def test_error_rate(value, text):
    assert review._error_rate(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.000583, "+0.058 pp"), (-2.8e-6, "−0.00028 pp"),
                                             (0.0, "0 pp")])
def test_points(value, text):
    assert review._points(value) == text


# ---------------------------------------------------------------------------------- risk-forecast notebook


def test_validate_risk_parameters_defaults_and_values():
    assert review.validate_risk_parameters() == review.RiskParameters(as_of="", data_dir="", n_paths=2000)
    assert review.validate_risk_parameters(as_of="2026-07-01T00:00+09:00", n_paths=500).n_paths == 500


@pytest.mark.parametrize(("params", "message"), [
    ({"asof": "2026-07-01"}, r"^unknown risk-forecast parameter 'asof'; allowed: as_of, data_dir, n_paths$"),
    ({"as_of": "soon"}, r"risk-forecast parameter 'as_of': 'soon' is not a time; expected ''"),
    ({"as_of": "2026-07-01 12:00"}, r"'as_of': '2026-07-01 12:00' has no time zone; give a date 'YYYY-MM"),
    ({"as_of": "July"}, r"'as_of': 'July' has no time zone"),
    ({"n_paths": 50}, r"'n_paths': 50 simulated paths are too few .* give at least 100"),
    ({"n_paths": 2000.0}, r"'n_paths': expected a whole number, got 2000.0 \(float\)"),
    ({"data_dir": "/nonexistent"}, r"'data_dir': '/nonexistent' is not a folder"),
])
def test_validate_risk_parameters_rejects(params, message):
    with pytest.raises(ParameterError, match=message):
        review.validate_risk_parameters(**params)


def test_load_risk_inputs_cuts_the_data_at_as_of():
    inputs = review.load_risk_inputs(review.validate_risk_parameters(as_of="2026-07-01T00:00Z"))
    assert inputs.as_of == pd.Timestamp("2026-07-01", tz="UTC")
    assert inputs.sli["timestamp"].max() == pd.Timestamp("2026-06-30 23:55", tz="UTC")
    assert inputs.daily["timestamp"].max() == pd.Timestamp("2026-06-30", tz="UTC")
    assert inputs.start == pd.Timestamp("2025-11-01", tz="UTC")
    assert {"service", "slo", "timestamp", "good", "total"} <= set(inputs.daily.columns)
    assert "As of: Wed 01 Jul 2026 00:00 UTC: later data is ignored" in repr(inputs)
    assert "<th style='text-align:left;padding-right:1em'>As of</th>" in inputs._repr_html_()


def test_load_risk_inputs_end_of_data_and_outside():
    inputs = review.load_risk_inputs(review.validate_risk_parameters())
    assert inputs.as_of == pd.Timestamp("2026-11-01", tz="UTC")  # the last bucket starts at 23:55
    assert len(inputs.sli) == len(read_dataset("sli_5min"))
    with pytest.raises(ParameterError, match=r"'as_of': 2027-01-01 00:00 UTC is outside the data \(2025-11"):
        review.load_risk_inputs(review.validate_risk_parameters(as_of="2027-01-01"))


@pytest.fixture(scope="module")
def fleet_risk(bundled):
    from slm_analytics.forecast import breach_probabilities

    sli, catalog, _, _ = bundled
    return breach_probabilities(sli, catalog, as_of="2026-07-10T00:00Z", n_paths=500, seed=1)


def test_risk_table_sorted_by_risk_with_local_window_ends(bundled, fleet_risk):
    _, catalog, _, _ = bundled
    styled = review.risk_table(fleet_risk, catalog)
    shown = styled.data
    p = fleet_risk.sort_values(["probability", "high"], ascending=False, kind="stable")
    assert shown["SLO"].tolist() == (p["service"] + " / " + p["slo"]).tolist()
    rows = shown.set_index("SLO")
    # search is in New York, where as_of is 9 July 20:00: 9 July is the first day simulated, and the window
    # ends 7 days on at the midnight starting 16 July (04:00 UTC): its last day is 15 July, not 16 (UTC)
    assert rows.loc["search / latency", "window"] == "28 days to 15 Jul"
    assert rows.loc["mobile-api / latency", "window"] == "month to 31 Jul"
    assert rows.loc["checkout / availability", "days observed / simulated"] == "21 / 7"
    assert "500 simulated paths each" in styled.to_html()


def test_trend_table_significant_first_and_coloured(bundled):
    from slm_analytics.compliance import fleet_trends
    from slm_analytics.sli import ratio_sli

    sli, catalog, _, _ = bundled
    trends = fleet_trends(ratio_sli(sli[sli["service"].isin(["mobile-api", "checkout"])], freq="1D"), catalog)
    styled = review.trend_table(trends)
    shown = styled.data
    assert shown["p-value"].is_monotonic_increasing
    latency = shown.set_index("SLO").loc["mobile-api / latency"]
    row = trends[(trends["service"] == "mobile-api") & (trends["slo"] == "latency")].iloc[0]
    assert latency["trend"] == "decreasing"
    assert latency["burn rate / week"] == f"{row['slope'] * 7 / 0.01:+.3f}".replace("-", "−")
    html_text = styled.to_html()
    assert "color: #2e7d32" in html_text and "color: #c0392b" in html_text  # falling and rising error rates
    assert "over the 90 days 03 Aug to 31 Oct 2026" in html_text


def test_backtest_tables_present_the_summaries(bundled):
    from slm_analytics.forecast import backtest_breach, backtest_forecasts
    from slm_analytics.sli import ratio_sli

    sli, catalog, _, _ = bundled
    origins = pd.date_range("2026-06-06", periods=6, freq="7D", tz="UTC")
    bt = backtest_breach(sli, catalog, origins=origins, n_paths=200)
    styled = review.breach_backtest_table(bt)
    assert styled.data["method"].tolist() == ["simulation (breach_probabilities)",
                                              "straight line (last 7 days' burn rate)",
                                              "climatology (share of past windows missed)"]
    np.testing.assert_allclose(styled.data["Brier score"], bt.summary["brier"], rtol=0)
    row = bt.summary.iloc[0]
    windows = f"{int(row['forecasts']):,} scored windows ({int(row['breaches'])} missed)"
    assert (f"Over {windows} the simulation is {row['bss_vs_straight_line']:.0%} better than the straight "
            "line") in styled.to_html()
    daily = ratio_sli(sli[sli["service"] == "search"], freq="1D", tz="America/New_York")
    fb = backtest_forecasts(daily, horizon=7, origins=pd.date_range("2026-06-01", periods=8, freq="7D",
                                                                    tz="America/New_York"))
    styled = review.forecast_backtest_table(fb, level=0.9)
    np.testing.assert_allclose(styled.data["coverage"], fb.summary["coverage"], rtol=0)
    assert "central 90% interval" in styled.to_html() and "1 to 7 days ahead" in styled.to_html()


def test_achievability_table(bundled):
    from slm_analytics.forecast import target_achievability

    sli, catalog, _, _ = bundled
    ach = target_achievability(sli, catalog.slo("checkout", "availability"), targets=[0.999, 0.9995],
                               tz="Europe/London")
    styled = review.achievability_table(ach)
    assert styled.data["target"].tolist() == ["99.9% (current)", "99.95%"]
    assert styled.data["met"].tolist() == ach.targets["met"].tolist()
    html_text = styled.to_html()
    assert "87%" in html_text and "color: #b9770e" in html_text  # 87 % of windows met 99.95 %: amber
    assert "−65%" in html_text  # the worst window would have overspent 99.95 % by 65 %


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
    for heading in ("Outlook: trend and risk", "What it means for the meeting", "The error rate ahead"):
        assert heading in text
    assert "Where checkout's SLOs stood at the end of October 2026, riskiest first:" in text
    assert "checkout / uptime (share of bad time slices)" in text  # the forecast chart's title, as SVG text
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
    # the outlook at the end of February: March is a coin toss for availability, because of single bad days
    assert "A coin toss: a 49% chance (11%–88%) of missing 99.95% in March, by 31 Mar." in text
    assert "single bad days (up to 6.51% on 12 Feb)" in text


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
