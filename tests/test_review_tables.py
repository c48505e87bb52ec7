"""Tests for slm_analytics.review.tables: the review's header and each section's table.

The tables present results without changing their numbers: each is checked against the computation it
presents (the month functions, the forecasts) or against hand-made rows covering each case it words.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from slm_analytics import review
from slm_analytics.data import read_dataset
from slm_analytics.errors import DataError
from slm_analytics.review import formats


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
    first = formats.duration(header.data_start - start, precise=True)
    last = formats.duration(end - header.data_end, precise=True)
    assert f"the first {first} and the last {last} of the month have no data" in text
    # another service's rows, or rows outside the month, are not this service's data
    other = review.service_header(catalog, service="payments", month="2026-10", sli=sli)
    assert other.data_start is None and other.coverage().startswith("no data for this service")
    later = review.service_header(catalog, service="checkout", month="2026-12", sli=sli)
    assert later.data_start is None and not later.complete
    with pytest.raises(DataError, match="missing column"):
        review.service_header(catalog, service="checkout", month="2026-10", sli=sli.drop(columns="service"))


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


@pytest.fixture(scope="module")
def bundled():
    return (read_dataset("sli_5min"), read_dataset("catalog"), read_dataset("incidents"),
            read_dataset("maintenance"))


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
    from slm_analytics.review import month_end_budgets

    sli, catalog, _, _ = bundled
    styled = review.budget_table(month_end_budgets(sli, catalog, service="payments", month="2026-02"))
    assert styled.data["SLO"].tolist() == ["availability", "latency", "uptime"]
    assert styled.data["runs out"].tolist()[0] == "spent"
    assert "−376%" in styled.to_html()  # payments' availability, see month_end_budgets


def test_alert_table_counts_match_a_direct_engine_filter(bundled):
    from slm_analytics.budget import burn_rate_alerts
    from slm_analytics.review import month_alerts, month_bounds

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
    # payments/uptime (Timeslices: 5-minute slices good at 90 %, 99.5 % a month) burns in slices, as its
    # budget does: one bad slice in an hour is 1/12 = 0.083 of them, above the page threshold
    # 14.4 x 0.005 = 0.072, so the bad slices of 20 February 15:00-15:10 page twice (1h/5m, 6h/30m), while
    # the two 3d/6h tickets of 15 February on pooled probe events do not arise: 10 pages, 8 tickets
    assert (len(direct), pages, matched) == (18, 10, 12)
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
    from slm_analytics.review import alert_thresholds

    styled = review.threshold_table(alert_thresholds(catalog, service="payments"))
    row = styled.data.iloc[0]
    assert (row["SLO"], row["policy"], row["long window"], row["short window"]) == (
        "availability", "sre-workbook", "1h", "5m")
    html = styled.to_html()
    assert "14.4×" in html and "2.0%" in html
    assert "0.720%" in html  # 14.4 x (1 - 0.9995) = 0.72 %


def test_sla_table_payments_february_shows_the_breach_and_credit(bundled):
    from slm_analytics.review import month_sla
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
    from slm_analytics.review import month_sla

    sli, catalog, _, maintenance = bundled
    slas = month_sla(sli, catalog, service="search", month="2026-02", exclusions=maintenance)
    styled = review.sla_table(slas, catalog, service="search", month="2026-02")
    row = styled.data.iloc[0]
    assert row["period"] == "Q1 2026 (Jan to Mar), to date"
    assert row["status"] == "provisional (period not over)"
    assert row["fee"] == 3 * 6000  # a quarter is three monthly fees


def test_sla_table_says_no_sla(bundled):
    from slm_analytics.review import month_sla

    sli, catalog, _, maintenance = bundled
    internal = review.sla_table(month_sla(sli, catalog, service="reporting", month="2026-02"), catalog,
                                service="reporting", month="2026-02")
    assert str(internal) == ("No SLA: reporting is an internal service (not customer-facing); no contract "
                             "applies to it.")
    public = review.sla_table(month_sla(sli, catalog, service="catalog", month="2026-02"), catalog,
                              service="catalog", month="2026-02")
    assert str(public).startswith("No SLA: the catalog defines no agreement for catalog")


def test_policy_table_payments_february(bundled):
    from slm_analytics.review import month_policy_triggers

    sli, catalog, incidents, _ = bundled
    triggers = month_policy_triggers(sli, incidents, catalog, service="payments", month="2026-02")
    styled = review.policy_table(triggers, catalog, service="payments", month="2026-02")
    assert styled.data["rule"].tolist() == triggers["rule"].tolist()
    assert styled.data["action"].iloc[0] == "release freeze"  # the action up to its explanation
    html = styled.to_html()
    # uptime (Timeslices) counts bad slices: its 2 dependency incidents spent 29 of the quarter's 130 bad
    # slices (22 % > 20 %), so the quarterly planning item triggers for both SLOs
    assert ("6 rules triggered for payments at the end of February 2026: release freeze (2), postmortem (2), "
            "quarterly planning item (2).") in html
    assert "(29 bad slices; the budget allows 130 over 90 days)" in html
    assert "476%" in html and "> 100%" in html  # 4.76 of the 4-week budget against the threshold 1


def test_policy_table_without_triggers_is_a_note(catalog):
    empty = pd.DataFrame(columns=["service", "slo", "rule", "action", "subject", "value",
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
    from slm_analytics.review import month_incident_availability

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
    from slm_analytics.review import month_incident_availability

    none = read_dataset("incidents").iloc[:0]
    values = review.incident_availability_table(month_incident_availability(
        none, catalog, service="email", month="2026-10")).data.set_index("measure")["value"]
    assert values["Availability"] == "100.000%"
    assert values["MTTR (mean time to resolve)"] == "– (no incident started in the month)"


@pytest.fixture(scope="module")
def mobile_july():
    from slm_analytics.review import month_outlook

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
    assert latency["projected attainment"] == "98.95% (98.94%–99.14%)"
    assert latency["budget runs out"] == "30 Aug (10–90%: 30 Aug to after 31 Aug)"
    assert latency["straight line"] == "30 Aug"
    availability = shown.loc["availability"]
    assert availability["next window"] == "28 days to 7 Aug"  # rolling: the window ending a week later
    assert availability["P(miss)"] == "0.3% (0.0%–4%)"
    assert availability["budget runs out"] == "not by 28 Aug (2% chance it does)"  # searched over 28 days
    assert availability["straight line"] == "11 Oct (after the window)"
    html_text = styled.to_html()
    assert "color: #c0392b" in html_text  # a P(miss) of 52 % and a significant rising trend in red
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
    from slm_analytics.review import fleet_trends
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
                                              "climatology (share of past windows missed)",
                                              "long history (share of past blocks that would miss)"]
    np.testing.assert_allclose(styled.data["Brier score"], bt.summary["brier"], rtol=0)
    np.testing.assert_allclose(styled.data["skill vs long history"], bt.summary["bss_vs_long_history"],
                               rtol=0)
    row = bt.summary.iloc[0]
    windows = f"{int(row['forecasts']):,} scored windows ({int(row['breaches'])} missed)"
    skill = f"{row['bss_vs_straight_line']:+.1%}".replace("-", "−")
    caption = f"Over {windows} the simulation scores a skill of {skill} against the straight line"
    assert caption in styled.to_html()
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


SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"


def test_user_text_is_text_in_every_table(bundled, tmp_path):
    # names and free text from the user's files (an SLA's customer, an incident's title and cause, a
    # maintenance reason) must reach the report as text: escaped, never live markup
    from slm_analytics import load_catalog
    from slm_analytics.resources import datasets_dir
    from slm_analytics.review import month_policy_triggers, month_sla

    sli, _, incidents, maintenance = bundled
    text = (datasets_dir() / "catalog.yaml").read_text()
    assert "customer: Marketplace partners" in text
    (tmp_path / "catalog.yaml").write_text(text.replace("customer: Marketplace partners",
                                                        f'customer: "{SCRIPT}"'))
    catalog = load_catalog(tmp_path / "catalog.yaml")
    incidents = incidents.copy()
    mine = (incidents["service"] == "checkout").to_numpy()
    incidents.loc[mine, "title"] = IMG
    incidents.loc[mine, "cause"] = SCRIPT
    maintenance = maintenance.copy()
    maintenance["reason"] = IMG
    month = "2026-10"
    tables = [
        review.sla_table(month_sla(sli, catalog, service="checkout", month=month, exclusions=maintenance),
                         catalog, service="checkout", month=month),
        review.incident_table(incidents, catalog, service="checkout", month=month),
        review.maintenance_table(maintenance, catalog, service="checkout", month=month),
        review.policy_table(month_policy_triggers(sli, incidents, catalog, service="checkout", month=month),
                            catalog, service="checkout", month=month),
    ]
    for table in tables:
        html = table.to_html() if hasattr(table, "to_html") else table._repr_html_()
        assert "<script>" not in html and "<img" not in html, type(table)
    shown = "".join(t.to_html() for t in tables if hasattr(t, "to_html"))
    assert "&lt;script&gt;" in shown and "&lt;img" in shown  # the text is there, as text
