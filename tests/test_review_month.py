"""Tests for slm_analytics.review.month: SLO attainment over a calendar month and per day, and the month seen
through the compliance engine (budgets, alerts, SLAs, policy, incident availability) and the outlook.

Most expected values are hand calculations on a tiny synthetic service ``api`` in Europe/London, shown in
comments next to the data. July 2026 in London is BST (UTC+1): the local month runs from 2026-06-30 23:00
UTC to 2026-07-31 23:00 UTC, so buckets just outside those instants must not count. On the bundled data the
month functions are checked against the engine functions they wrap, called directly on the whole frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analytics.budget import attainment as budget_attainment
from slm_analytics.budget import burn_rate_alerts, rolling_compliance
from slm_analytics.catalog import Catalog
from slm_analytics.data import read_dataset
from slm_analytics.errors import DataError, DefinitionError, InsufficientDataError, ParameterError
from slm_analytics.forecast import breach_probability, exhaustion_time, forecast_sli
from slm_analytics.review import (
    HISTORY,
    OUTLOOK_DAYS,
    MonthOutlook,
    alert_thresholds,
    budget_through_month,
    daily_attainment,
    fleet_trends,
    month_alerts,
    month_bounds,
    month_end_budgets,
    month_incident_availability,
    month_outlook,
    month_policy_triggers,
    month_sla,
    monthly_attainment,
)
from slm_analytics.sla import budget_policy_triggers, sla_attainment
from slm_analytics.sli import ratio_sli
from slm_analytics.trend import change_points, trend_test, trend_tests

TZ = "Europe/London"


def make_catalog(tz: str = TZ) -> Catalog:
    ratio = {"kind": "ratio", "good": "g", "total": "t"}
    return Catalog.model_validate({
        "services": [{"name": "api", "owner": "team-api", "tier": 1, "users": 10, "business_weight": 1,
                      "timezone": tz}],
        "slos": [
            {"service": "api", "name": "availability", "indicator": ratio, "target": 0.99, "window": "month"},
            {"service": "api", "name": "uptime", "indicator": ratio, "target": 0.5, "window": "month",
             "budgeting_method": "Timeslices", "timeslice_target": 0.9, "timeslice_window": "10m"},
            {"service": "api", "name": "ratio", "indicator": ratio, "target": 0.8, "window": "month",
             "budgeting_method": "RatioTimeslices", "timeslice_window": "10m"},
            {"service": "api", "name": "latency", "indicator": ratio, "target": 0.95, "window": "28d"},
        ],
    })


def frame(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    """Buckets ``(utc time, slo, good, total)`` of service ``api`` as read_sli returns them."""
    out = pd.DataFrame(rows, columns=["timestamp", "slo", "good", "total"])
    out["timestamp"] = pd.to_datetime(out["timestamp"], utc=True).dt.as_unit("us")
    out.insert(1, "service", pd.Categorical(["api"] * len(out)))
    out["slo"] = pd.Categorical(out["slo"])
    return out.astype({"good": "int64", "total": "int64"})


ROWS = [
    # availability (Occurrences, target 0.99)
    ("2026-06-30 22:55", "availability", 0, 100),    # 23:55 on 30 June local: not July
    ("2026-06-30 23:00", "availability", 98, 100),   # 00:00 on 1 July local: first bucket of July
    ("2026-07-15 12:00", "availability", 0, 0),      # no events: no data
    ("2026-07-31 22:55", "availability", 299, 300),  # 23:55 on 31 July local: last bucket of July
    ("2026-07-31 23:00", "availability", 0, 50),     # 00:00 on 1 August local: not July
    # uptime (Timeslices: 10-minute slices, a slice is good at >= 0.9; target 0.5)
    ("2026-07-01 09:00", "uptime", 30, 30),  # slice 09:00: (30 + 24) / 60 = 0.9 -> good (a tie is good)
    ("2026-07-01 09:05", "uptime", 24, 30),
    ("2026-07-01 09:10", "uptime", 20, 30),  # slice 09:10: 20 / 30 = 0.667 -> bad
    ("2026-07-01 09:15", "uptime", 0, 0),
    ("2026-07-01 09:20", "uptime", 0, 0),    # slice 09:20: no events -> not counted
    ("2026-07-01 09:25", "uptime", 0, 0),
    ("2026-07-01 09:30", "uptime", 30, 30),  # slice 09:30: 30 / 30 = 1 -> good
    # ratio (RatioTimeslices: mean of 10-minute slice ratios; target 0.8)
    ("2026-07-01 09:00", "ratio", 10, 10),   # slice 09:00: (10 + 0) / 20 = 0.5
    ("2026-07-01 09:05", "ratio", 0, 10),
    ("2026-07-01 09:10", "ratio", 9, 10),    # slice 09:10: 9 / 10 = 0.9
    ("2026-07-01 09:20", "ratio", 0, 0),     # slice 09:20: no events -> not counted
    # latency: no bucket in July at all
    ("2026-08-10 12:00", "latency", 10, 10),
]


@pytest.fixture
def sli() -> pd.DataFrame:
    return frame(ROWS)


@pytest.fixture
def table(sli: pd.DataFrame) -> pd.DataFrame:
    return monthly_attainment(sli, make_catalog(), service="api", month="2026-07").set_index("slo")


# ------------------------------------------------------------------------------------------ month_bounds


def test_month_bounds_cut_in_local_time():
    start, end = month_bounds("2026-07", tz=TZ)
    assert start == pd.Timestamp("2026-06-30 23:00", tz="UTC")  # midnight BST
    assert end == pd.Timestamp("2026-07-31 23:00", tz="UTC")
    assert str(start.tz) == TZ


def test_month_bounds_december_rolls_over_the_year():
    start, end = month_bounds("2026-12", tz="UTC")
    assert (start, end) == (pd.Timestamp("2026-12-01", tz="UTC"), pd.Timestamp("2027-01-01", tz="UTC"))


@pytest.mark.parametrize("month", ["2026-7", "2026-13", "2026-00", "July 2026", "2026-07-01", 202607])
def test_month_bounds_rejects_malformed_month(month):
    message = r"is not a calendar month or quarter; expected 'YYYY-MM' such as '2026-10' or 'YYYY-Qn'"
    with pytest.raises(ParameterError, match=message):
        month_bounds(month)


# ------------------------------------------------------------------------------------ monthly_attainment


def test_columns_and_catalog_order(sli: pd.DataFrame, table: pd.DataFrame):
    raw = monthly_attainment(sli, make_catalog(), service="api", month="2026-07")
    assert list(raw.columns) == [
        "service", "slo", "budgeting_method", "unit", "good", "bad", "total", "attainment", "target", "met",
        "budget_consumed", "no_data", "period_start", "period_end",
    ]
    assert table.index.tolist() == ["availability", "uptime", "ratio", "latency"]
    assert table["met"].dtype == "boolean"


def test_occurrences_pools_events_inside_the_local_month(table: pd.DataFrame):
    row = table.loc["availability"]
    # only 98/100 (1 July 00:00 local) and 299/300 (31 July 23:55 local) are in July:
    # attainment = 397 / 400 = 0.9925; bad = 3; budget consumed = (1 - 0.9925) / (1 - 0.99) = 0.75
    assert (row["good"], row["bad"], row["total"], row["unit"]) == (397, 3, 400, "events")
    assert row["attainment"] == pytest.approx(0.9925, abs=1e-12)
    assert bool(row["met"]) is True
    assert row["budget_consumed"] == pytest.approx(0.75, abs=1e-9)
    assert not row["no_data"]


def test_timeslices_count_good_slices_among_slices_with_data(table: pd.DataFrame):
    row = table.loc["uptime"]
    # slices with data: 09:00 (0.9, good), 09:10 (0.667, bad), 09:30 (1.0, good); 09:20 has none
    # attainment = 2 / 3; budget consumed = (1/3) / (1 - 0.5) = 2/3
    assert (row["good"], row["bad"], row["total"], row["unit"]) == (2, 1, 3, "slices")
    assert row["attainment"] == pytest.approx(2 / 3, abs=1e-12)
    assert bool(row["met"]) is True
    assert row["budget_consumed"] == pytest.approx(2 / 3, abs=1e-12)


def test_ratio_timeslices_average_slice_ratios(table: pd.DataFrame):
    row = table.loc["ratio"]
    # slice ratios 0.5 and 0.9 -> attainment 0.7 (pooled events would give 19/30 = 0.633)
    # missed (0.7 < 0.8); budget consumed = 0.3 / 0.2 = 1.5
    # counted in slices, as every budget of the SLO is: good = 0.5 + 0.9 = 1.4 of 2 slices with events
    assert (row["good"], row["total"], row["unit"]) == (pytest.approx(1.4, abs=1e-12), 2, "slices")
    assert row["attainment"] == pytest.approx(0.7, abs=1e-12)
    assert bool(row["met"]) is False
    assert row["budget_consumed"] == pytest.approx(1.5, abs=1e-9)


def test_slo_without_data_is_flagged_not_scored(table: pd.DataFrame):
    row = table.loc["latency"]
    assert row["no_data"]
    assert row["total"] == 0
    assert np.isnan(row["attainment"]) and np.isnan(row["budget_consumed"])
    assert pd.isna(row["met"])


def test_period_bounds_are_local(table: pd.DataFrame):
    assert table["period_start"].iloc[0] == pd.Timestamp("2026-07-01", tz=TZ)
    assert table["period_end"].iloc[0] == pd.Timestamp("2026-08-01", tz=TZ)


def test_same_month_in_another_time_zone_counts_other_buckets(sli: pd.DataFrame):
    # cut in UTC, July starts at 00:00 UTC on 1 July: the 30 June 22:55 and 23:00 buckets are June, and the
    # 31 July 22:55 and 23:00 buckets are July -> availability good 299 + 0, total 300 + 50
    table = monthly_attainment(sli, make_catalog(tz="UTC"), service="api", month="2026-07").set_index("slo")
    assert (table.loc["availability", "good"], table.loc["availability", "total"]) == (299, 350)


def test_met_compares_unrounded_attainment_with_target():
    # 989/1000 = 0.989 < 0.99: missed, although it shows as "99.0 %" rounded to one decimal
    sli = frame([("2026-07-01 12:00", "availability", 989, 1000), ("2026-07-01 12:00", "uptime", 1, 1)])
    table = monthly_attainment(sli, make_catalog(), service="api", month="2026-07").set_index("slo")
    assert bool(table.loc["availability", "met"]) is False
    # 99/100 = 0.99 is exactly the target: met
    sli = frame([("2026-07-01 12:00", "availability", 99, 100)])
    table = monthly_attainment(sli, make_catalog(), service="api", month="2026-07").set_index("slo")
    assert bool(table.loc["availability", "met"]) is True
    # the slice-based SLOs have no bucket at all this time
    assert table.loc[["uptime", "ratio"], "no_data"].tolist() == [True, True]


def test_month_without_data_raises(sli: pd.DataFrame):
    message = r"no SLI data for service 'api' in 2026-09 \(2026-09-01 00:00 to 2026-10-01 00:00 Europe/London"
    with pytest.raises(InsufficientDataError, match=message):
        monthly_attainment(sli, make_catalog(), service="api", month="2026-09")


def test_malformed_month_raises(sli: pd.DataFrame):
    with pytest.raises(ParameterError, match=r"month '2026/07' is not a calendar month"):
        monthly_attainment(sli, make_catalog(), service="api", month="2026/07")


def test_unknown_service_raises(sli: pd.DataFrame):
    with pytest.raises(DefinitionError, match=r"unknown service 'web'"):
        monthly_attainment(sli, make_catalog(), service="web", month="2026-07")


def test_missing_column_raises(sli: pd.DataFrame):
    message = r"SLI events: missing column\(s\) 'good'; expected columns timestamp, service"
    with pytest.raises(DataError, match=message):
        monthly_attainment(sli.drop(columns="good"), make_catalog(), service="api", month="2026-07")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=1, max_size=40))
def test_occurrences_property(counts):
    good = np.array([min(g, t) for g, t in counts], dtype=np.int64)
    total = np.array([t for _, t in counts], dtype=np.int64)
    if total.sum() == 0:
        total[0], good[0] = 1, 1
    times = pd.date_range("2026-07-02", periods=len(good), freq="5min", tz="UTC").astype(str)
    sli = frame([(t, "availability", int(g), int(n)) for t, g, n in zip(times, good, total, strict=True)])
    row = monthly_attainment(sli, make_catalog(), service="api", month="2026-07").iloc[0]
    assert 0 <= row["attainment"] <= 1
    assert row["good"] + row["bad"] == row["total"] == total.sum()
    assert row["attainment"] == pytest.approx(good.sum() / total.sum(), rel=1e-12)


# --------------------------------------------------------------------------------------- daily_attainment


def test_daily_has_every_local_day_and_the_monthly_method(sli: pd.DataFrame):
    daily = daily_attainment(sli, make_catalog(), service="api", month="2026-07")
    sizes = daily.groupby("slo", sort=False).size().to_dict()
    assert sizes == {"availability": 31, "uptime": 31, "ratio": 31, "latency": 31}
    assert daily["timestamp"].iloc[0] == pd.Timestamp("2026-07-01", tz=TZ)
    one = daily.set_index(["slo", daily["timestamp"].dt.day])
    assert one.loc[("availability", 1), "sli"] == pytest.approx(98 / 100, abs=1e-12)     # 1 July
    assert one.loc[("availability", 31), "sli"] == pytest.approx(299 / 300, abs=1e-12)   # 31 July
    assert np.isnan(one.loc[("availability", 15), "sli"])                                # 0/0: no data
    assert one.loc[("availability", 15), "total"] == 0
    assert one.loc[("uptime", 1), "sli"] == pytest.approx(2 / 3, abs=1e-12)              # 2 of 3 slices
    assert one.loc[("ratio", 1), "sli"] == pytest.approx(0.7, abs=1e-12)                 # mean(0.5, 0.9)
    assert daily.loc[daily["slo"] == "latency", "sli"].isna().all()
    assert set(daily["target"]) == {0.99, 0.5, 0.8, 0.95}


def test_daily_days_follow_daylight_saving():
    # 25 October 2026: London leaves BST; the local day lasts 25 hours. A bucket at 23:30 UTC is 23:30 GMT
    # on the 25th, a bucket at 23:30 UTC on the 24th is 00:30 BST on the 25th: both count for the 25th.
    sli = frame([("2026-10-24 23:30", "availability", 1, 1), ("2026-10-25 23:30", "availability", 1, 2)])
    daily = daily_attainment(sli, make_catalog(), service="api", month="2026-10")
    day = daily[(daily["slo"] == "availability") & (daily["timestamp"].dt.day == 25)].iloc[0]
    assert (day["good"], day["total"]) == (2, 3)
    assert day["timestamp"] == pd.Timestamp("2026-10-25 00:00+01:00")
    assert daily["timestamp"].iloc[25] == pd.Timestamp("2026-10-26 00:00+00:00")


# ------------------------------------------------------------------------------------ on the bundled data


@pytest.fixture(scope="module")
def bundled():
    return read_dataset("sli_5min"), read_dataset("catalog")


def test_bundled_payments_february_misses_as_the_datasets_readme_says(bundled):
    sli, catalog = bundled
    table = monthly_attainment(sli, catalog, service="payments", month="2026-02").set_index("slo")
    assert bool(table.loc["availability", "met"]) is False  # the scripted February outage
    assert table.loc["availability", "budget_consumed"] > 1


@pytest.mark.parametrize(("service", "slo"), [("checkout", "availability"), ("checkout", "uptime")])
def test_bundled_agrees_with_budget_attainment(bundled, service, slo):
    """An independent implementation (budget.attainment on the grid engine) gives the same numbers."""
    sli, catalog = bundled
    table = monthly_attainment(sli, catalog, service=service, month="2026-10").set_index("slo")
    start, end = month_bounds("2026-10", tz=catalog.service(service).timezone)
    rows = sli[(sli["service"] == service) & (sli["slo"] == slo) & (sli["timestamp"] >= start)
               & (sli["timestamp"] < end)]
    definition = catalog.slo(service, slo)
    other = budget_attainment(rows, method=definition.budgeting_method,
                              timeslice_target=definition.timeslice_target,
                              timeslice_window=definition.timeslice_window).iloc[0]
    assert table.loc[slo, "total"] == other["total"]
    assert table.loc[slo, "attainment"] == pytest.approx(other["attainment"], rel=1e-12)


def test_bundled_daily_totals_add_up_to_the_month(bundled):
    sli, catalog = bundled
    for service in ("mobile-api", "search", "email"):  # Seoul, New York, UTC
        table = monthly_attainment(sli, catalog, service=service, month="2026-10")
        daily = daily_attainment(sli, catalog, service=service, month="2026-10")
        sums = daily.groupby("slo", sort=False)[["good", "total"]].sum()
        assert sums["good"].tolist() == table["good"].tolist()
        assert sums["total"].tolist() == table["total"].tolist()


# --------------------------------------------------------------------- error budget at the month's end


def test_month_end_budgets_by_method_hand_calculated(sli: pd.DataFrame):
    b = month_end_budgets(sli, make_catalog(), service="api", month="2026-07").set_index("slo")
    assert b.index.tolist() == ["availability", "uptime", "ratio", "latency"]
    july = 31 * 1440  # minutes in July (no clock change)
    # availability, Occurrences over the calendar month: (98 + 299) / (100 + 300) = 0.9925; target 0.99:
    # burn = 0.0075 / 0.01 = 0.75, remaining 0.25; budget 0.01 * 44,640 min = 446.4 min
    a = b.loc["availability"]
    assert (a["good"], a["total"], a["unit"]) == (397, 400, "events")
    assert a["sli"] == pytest.approx(0.9925, abs=1e-12)
    assert a["burn_rate"] == pytest.approx(0.75, abs=1e-12)
    assert a["remaining"] == pytest.approx(0.25, abs=1e-12)
    assert a["budget_minutes"] == pytest.approx(0.01 * july, abs=1e-9)
    assert a["remaining_minutes"] == pytest.approx(0.25 * 0.01 * july, abs=1e-9)
    assert bool(a["calendar"]) and bool(a["period_over"])  # the July window closes at the month's end
    assert a["elapsed"] == pd.Timedelta(days=31)
    # uptime, Timeslices: 2 good 10-minute slices of 3 with data -> 2/3; target 0.5: burn (1/3) / 0.5 = 2/3
    u = b.loc["uptime"]
    assert (u["good"], u["total"], u["unit"]) == (2, 3, "slices")
    assert u["remaining"] == pytest.approx(1 / 3, abs=1e-12)
    # ratio, RatioTimeslices: mean of slice ratios (0.5 + 0.9) / 2 = 0.7; target 0.8: burn 0.3 / 0.2 = 1.5
    r = b.loc["ratio"]
    assert r["sli"] == pytest.approx(0.7, abs=1e-9)
    assert r["remaining"] == pytest.approx(-0.5, abs=1e-8)
    assert r["time_to_exhaustion"] == pd.Timedelta(0)  # already spent
    # latency, rolling 28 days: no event in the 28 days to 31 July -> no data, not 100 %
    lat = b.loc["latency"]
    assert bool(lat["no_data"]) and np.isnan(lat["remaining"]) and pd.isna(lat["time_to_exhaustion"])
    assert not bool(lat["calendar"])
    assert lat["window_start"] == pd.Timestamp("2026-07-04", tz=TZ)  # 1 August local minus 28 days
    assert lat["window_end"] == lat["as_of"] == pd.Timestamp("2026-08-01", tz=TZ)


def test_month_end_budgets_match_the_monthly_attainment_for_monthly_windows(bundled):
    sli, catalog = bundled
    budgets = month_end_budgets(sli, catalog, service="payments", month="2026-02").set_index("slo")
    table = monthly_attainment(sli, catalog, service="payments", month="2026-02").set_index("slo")
    for slo in ("availability", "uptime"):  # window: month
        consumed = table.loc[slo, "budget_consumed"]
        assert budgets.loc[slo, "remaining"] == pytest.approx(1 - consumed, rel=1e-12)
        assert budgets.loc[slo, "total"] == table.loc[slo, "total"]
    # February 2026 has 28 days: 0.0005 * 28 * 1440 = 20.16 minutes of budget for 99.95 %
    assert budgets.loc["availability", "budget_minutes"] == pytest.approx(20.16, abs=1e-9)


def test_month_end_budgets_rolling_window_against_pandas_sums_and_rolling_compliance(bundled):
    sli, catalog = bundled
    budgets = month_end_budgets(sli, catalog, service="payments", month="2026-02").set_index("slo")
    end = pd.Timestamp("2026-03-01", tz="Europe/London")  # London is on UTC in February
    rows = sli[(sli["service"] == "payments") & (sli["slo"] == "latency")
               & (sli["timestamp"] >= end - pd.Timedelta(days=28)) & (sli["timestamp"] < end)]
    good, total = int(rows["good"].sum()), int(rows["total"].sum())
    lat = budgets.loc["latency"]
    assert (lat["good"], lat["total"]) == (good, total)
    burn = (1 - good / total) / (1 - 0.99)
    assert lat["burn_rate"] == pytest.approx(burn, rel=1e-12)
    assert lat["remaining"] == pytest.approx(1 - burn, rel=1e-12)
    # time to exhaustion: remaining * 28 days / burn rate (SRE Workbook, ch. 5)
    expected = pd.Timedelta(days=28) * ((1 - burn) / burn)
    assert abs(lat["time_to_exhaustion"] - expected) < pd.Timedelta(milliseconds=1)
    # the engine's rolling compliance over the whole data, at the bucket ending at the month's end
    rc = rolling_compliance(sli[sli["service"] == "payments"], catalog)
    last = rc[(rc["slo"] == "latency") & (rc["timestamp"] == end - pd.Timedelta(minutes=5))]
    assert lat["remaining"] == pytest.approx(float(last["budget_remaining"].iloc[0]), rel=1e-12)


def test_month_end_budgets_quarter_window_to_date():
    ratio = {"kind": "ratio", "good": "g", "total": "t"}
    catalog = Catalog.model_validate({
        "services": [{"name": "api", "owner": "o", "tier": 1, "users": 1, "business_weight": 1,
                      "timezone": "UTC"}],
        "slos": [{"service": "api", "name": "q", "indicator": ratio, "target": 0.99, "window": "quarter"}],
    })
    events = frame([("2026-01-10 00:00", "q", 90, 100), ("2026-02-10 00:00", "q", 100, 100)]).assign(
        service=pd.Categorical(["api", "api"]))
    q = month_end_budgets(events, catalog, service="api", month="2026-02").iloc[0]
    # Q1 2026 is 90 days; at the end of February 59 days have elapsed; SLI 190/200 = 0.95, burn 5:
    # consumed = 5 * 59 / 90, remaining 1 - 295/90 (overspent)
    assert (q["window_start"], q["window_end"]) == (pd.Timestamp("2026-01-01", tz="UTC"),
                                                    pd.Timestamp("2026-04-01", tz="UTC"))
    assert q["elapsed"] == pd.Timedelta(days=59 - 9)  # the counts start with the data, on 10 January
    assert q["remaining"] == pytest.approx(1 - 5 * 50 / 90, rel=1e-12)
    assert not bool(q["period_over"])


def test_month_end_budgets_month_without_data_raises(sli: pd.DataFrame):
    with pytest.raises(InsufficientDataError, match=r"no SLI data for service 'api' in 2026-09"):
        month_end_budgets(sli, make_catalog(), service="api", month="2026-09")


# ------------------------------------------------------------------------------- budget through the month


def test_budget_through_month_samples_the_engine_at_each_local_midnight(bundled):
    sli, catalog = bundled
    daily = budget_through_month(sli, catalog, service="checkout", month="2026-10")
    assert daily.groupby("slo", sort=False).size().to_dict() == {"availability": 31, "latency": 31,
                                                                 "uptime": 31}
    # the values are the engine's on the whole history, at the bucket ending at each local midnight;
    # London leaves summer time on 25 October, so that day has 25 hours
    as_of = daily.loc[daily["slo"] == "availability", "as_of"]
    assert (as_of.dt.hour == 0).all()
    assert (as_of.diff().dropna().dt.total_seconds() / 3600).value_counts().to_dict() == {24.0: 29, 25.0: 1}
    rc = rolling_compliance(sli[sli["service"] == "checkout"], catalog)
    rc = rc.set_index(["slo", "timestamp"])["budget_remaining"]
    for row in daily.itertuples(index=False):
        bucket = (row.as_of - pd.Timedelta(minutes=5)).tz_convert("UTC")
        assert row.budget_remaining == pytest.approx(rc.loc[(row.slo, bucket)], rel=1e-12, abs=1e-12)
    assert daily["window_label"].unique().tolist() == ["rolling 28 days", "calendar month"]


def test_budget_through_month_last_day_is_the_month_end_budget(bundled):
    sli, catalog = bundled
    daily = budget_through_month(sli, catalog, service="payments", month="2026-02")
    budgets = month_end_budgets(sli, catalog, service="payments", month="2026-02").set_index("slo")
    last = daily.groupby("slo").last()
    for slo in ("availability", "latency"):  # Occurrences: the same counts
        assert last.loc[slo, "budget_remaining"] == pytest.approx(budgets.loc[slo, "remaining"], rel=1e-12)


# ------------------------------------------------------------------------------------------- alerts


def alerting_setup() -> tuple[pd.DataFrame, Catalog, pd.DataFrame]:
    """One SLO paged by a single rule: 1h/5m at burn rate 14.4 (2 % of a 30-day budget in an hour).

    100 events per 5 minutes, target 0.99: the rule fires while more than 14.4 % of the events of the last
    hour (and of the last 5 minutes) fail, i.e. from the second failing bucket. Everything fails
    2026-06-30 22:00 to 2026-07-01 00:30 UTC (across the start of July in London, 23:00 UTC) and from
    2026-07-31 22:30 UTC on (across its end).
    """
    ratio = {"kind": "ratio", "good": "g", "total": "t"}
    catalog = Catalog.model_validate({
        "services": [{"name": "api", "owner": "o", "tier": 1, "users": 1, "business_weight": 1,
                      "timezone": TZ}],
        "alert_policies": [{"name": "fast", "rules": [{"severity": "page", "long_window": "1h",
                                                        "short_window": "5m", "budget_consumed": 0.02}]}],
        "slos": [{"service": "api", "name": "availability", "indicator": ratio, "target": 0.99,
                  "window": "month", "alert_policy": "fast"}],
    })
    ts = pd.date_range("2026-06-25", "2026-08-01 05:00", freq="5min", tz="UTC", unit="us", inclusive="left")
    bad = ((ts >= "2026-06-30 22:00") & (ts < "2026-07-01 00:30")) | (ts >= "2026-07-31 22:30")
    events = pd.DataFrame({"timestamp": ts, "service": pd.Categorical(["api"] * len(ts)),
                           "slo": pd.Categorical(["availability"] * len(ts)),
                           "good": np.where(bad, 0, 100).astype("int64"),
                           "total": np.full(len(ts), 100, dtype="int64")})
    utc = lambda *v: pd.to_datetime(list(v), utc=True, format="ISO8601").as_unit("us")  # noqa: E731
    incidents = pd.DataFrame({"id": ["I1", "I2", "X"], "service": ["api", "api", "other"],
                              "started_at": utc("2026-06-30T22:00", "2026-07-31T22:30", "2026-07-10T00:00"),
                              "resolved_at": utc("2026-07-01T00:30", None, "2026-07-11T00:00")})
    return events, catalog, incidents


def test_month_alerts_before_the_month_ongoing_at_its_end_and_matched_with_incidents():
    events, catalog, incidents = alerting_setup()
    alerts = month_alerts(events, incidents, catalog, service="api", month="2026-07")
    assert len(alerts) == 2
    first, second = alerts.iloc[0], alerts.iloc[1]
    # first alert: the window ending 22:10 UTC holds 2 failing buckets of 12 (16.7 % > 14.4 %)
    assert first["start"] == pd.Timestamp("2026-06-30 22:10", tz="UTC")
    assert str(first["start"].tz) == TZ  # shown in the service's time zone
    assert bool(first["before_month"]) and not bool(first["ongoing"])
    assert (first["incidents"], bool(first["overlaps_incident"])) == ("I1", True)
    # second alert: from 22:40 UTC, still firing when July ends (23:00 UTC) although the data goes on
    assert second["start"] == pd.Timestamp("2026-07-31 22:40", tz="UTC")
    assert bool(second["ongoing"]) and second["end"] == pd.Timestamp("2026-07-31 23:00", tz="UTC")
    assert second["duration"] == pd.Timedelta(minutes=20)
    assert second["incidents"] == "I2"  # unresolved: counts to the month's end
    assert (first["policy"], first["severity"], first["rule"]) == ("fast", "page", "1h/5m")
    assert first["burn_rate"] == pytest.approx(14.4, rel=1e-12)  # 0.02 * 30 d / 1 h


def test_month_alerts_without_incidents_are_unmatched():
    events, catalog, incidents = alerting_setup()
    alerts = month_alerts(events, incidents.iloc[:0], catalog, service="api", month="2026-07")
    assert alerts["incidents"].tolist() == ["", ""] and not alerts["overlaps_incident"].any()


def test_month_alerts_rejects_incidents_without_times():
    events, catalog, incidents = alerting_setup()
    with pytest.raises(DataError, match=r"month_alerts: incidents miss column\(s\) 'resolved_at'"):
        month_alerts(events, incidents.drop(columns="resolved_at"), catalog, service="api", month="2026-07")


@pytest.fixture(scope="module")
def records():
    return read_dataset("incidents"), read_dataset("maintenance")


def test_month_alerts_equal_a_direct_filter_of_the_engine(bundled, records):
    sli, catalog = bundled
    incidents, maintenance = records
    alerts = month_alerts(sli, incidents, catalog, service="payments", month="2026-02",
                          exclusions=maintenance)
    start, end = month_bounds("2026-02", tz="Europe/London")
    direct = burn_rate_alerts(sli, catalog, exclusions=maintenance)
    direct = direct[(direct["service"] == "payments") & (direct["start"] < end) & (direct["end"] > start)]
    assert len(alerts) == len(direct) == 18
    key = ["slo", "rule", "start", "end"]
    mine = alerts[key].assign(start=alerts["start"].dt.tz_convert("UTC"),
                              end=alerts["end"].dt.tz_convert("UTC"))
    theirs = direct[key].assign(slo=direct["slo"].astype(str))
    assert sorted(map(tuple, mine.to_numpy())) == sorted(map(tuple, theirs.to_numpy()))
    # INC-0066 ran 2026-02-12 14:05 to 16:00 UTC: the alerts of 12 February overlap it, the others do not
    inc = incidents[incidents["id"] == "INC-0066"].iloc[0]
    overlap = (direct["start"] <= inc["resolved_at"]) & (direct["end"] >= inc["started_at"])
    assert int(alerts["overlaps_incident"].sum()) == int(overlap.sum()) == 12
    assert set(alerts.loc[alerts["overlaps_incident"], "incidents"]) == {"INC-0066"}
    # maintenance on 1 February (02:00 to 03:30 UTC) is excluded: no alert then
    assert not ((alerts["start"] >= pd.Timestamp("2026-02-01 02:00", tz="UTC"))
                & (alerts["start"] < pd.Timestamp("2026-02-01 04:00", tz="UTC"))).any()


def test_alert_thresholds_follow_each_slo_policy(bundled):
    _, catalog = bundled
    t = alert_thresholds(catalog, service="payments")
    avail = t[t["slo"] == "availability"]
    # SRE Workbook table 5-8 over a 30-day period (a calendar month counts as 30 days): 14.4, 6, 3, 1
    assert avail["burn_rate"].tolist() == pytest.approx([14.4, 6, 3, 1], rel=1e-12)
    assert avail["error_rate"].tolist() == pytest.approx([14.4 * 0.0005, 6 * 0.0005, 3 * 0.0005, 0.0005])
    lat = t[t["slo"] == "latency"]
    assert lat["policy"].unique().tolist() == ["pyrra-28d"]
    # pyrra gives burn rates; the budget share is burn * long / period: 14 * 1 h / 28 d = 1/48
    assert lat["budget_consumed"].iloc[0] == pytest.approx(14 / (28 * 24), rel=1e-12)
    assert t.loc[t["slo"] == "uptime", "policy"].unique().tolist() == ["sre-workbook (default)"]


# ---------------------------------------------------------------------------------------------- SLAs


def test_month_sla_is_the_engine_row_of_the_month(bundled, records):
    sli, catalog = bundled
    _, maintenance = records
    mine = month_sla(sli, catalog, service="payments", month="2026-02", exclusions=maintenance)
    full = sla_attainment(sli, catalog, exclusions=maintenance, sla="payments/merchant-gateway")
    row = full[full["period_start"] == pd.Timestamp("2026-02-01", tz="UTC")]
    pd.testing.assert_frame_equal(mine[full.columns].reset_index(drop=True), row.reset_index(drop=True))
    one = mine.iloc[0]
    assert bool(one["breached"]) and one["credit"] == pytest.approx(0.1) and one["credit_amount"] == 4000
    assert not bool(one["to_date"]) and bool(one["excludes_maintenance"]) and one["monthly_fee"] == 40000


def test_month_sla_quarterly_is_the_quarter_to_date(bundled):
    sli, catalog = bundled
    feb = month_sla(sli, catalog, service="search", month="2026-02").iloc[0]
    # the engine over the data cut at the end of February in New York (05:00 UTC on 1 March)
    cut = sli[sli["timestamp"] < pd.Timestamp("2026-03-01", tz="America/New_York")]
    q1 = sla_attainment(cut, catalog, sla="search/affiliate-search")
    q1 = q1[q1["period_start"] == pd.Timestamp("2026-01-01", tz="America/New_York")].iloc[0]
    assert (feb["good"], feb["total"]) == (q1["good"], q1["total"])
    assert feb["period"] == "quarter" and bool(feb["to_date"]) and not bool(feb["complete"])
    mar = month_sla(sli, catalog, service="search", month="2026-03").iloc[0]
    whole = sla_attainment(sli, catalog, sla="search/affiliate-search")
    whole = whole[whole["period_start"] == feb["period_start"]].iloc[0]
    assert (mar["good"], mar["total"]) == (whole["good"], whole["total"])
    assert bool(mar["complete"]) and not bool(mar["to_date"])


def test_month_sla_without_exclusions_counts_maintenance(bundled):
    sli, catalog = bundled
    row = month_sla(sli, catalog, service="payments", month="2026-02").iloc[0]
    assert row["excluded_buckets"] == 0 and not bool(row["excludes_maintenance"])


def test_month_sla_internal_service_has_none(bundled, records):
    sli, catalog = bundled
    assert month_sla(sli, catalog, service="reporting", month="2026-02", exclusions=records[1]).empty


# ------------------------------------------------------------------------------------------- policy


@pytest.mark.parametrize("service", ["payments", "reporting"])
def test_month_policy_triggers_equal_the_engine_at_the_month_end(bundled, records, service):
    sli, catalog = bundled
    incidents, _ = records
    mine = month_policy_triggers(sli, incidents, catalog, service=service, month="2026-02")
    full = budget_policy_triggers(sli, incidents, catalog, as_of="2026-03-01T00:00Z")
    full = full[full["service"] == service].reset_index(drop=True)
    if len(full):
        pd.testing.assert_frame_equal(mine, full)
    assert mine.columns.tolist() == full.columns.tolist()
    # payments: availability and uptime each trigger all three rules; uptime (Timeslices) counts bad slices,
    # so the dependency outages' 2 incidents spent 0.22 of its quarter's slices (> 0.2; on its probe events
    # they stayed under the threshold)
    assert len(mine) == (6 if service == "payments" else 0)


def test_history_covers_the_policy_quarter():
    assert HISTORY >= pd.Timedelta(days=90)  # the outage-class rule looks back a quarter (90 days)


# ------------------------------------------------------------------------------ incident availability


def test_month_incident_availability_payments_february(bundled, records):
    _, catalog = bundled
    incidents, maintenance = records
    row = month_incident_availability(incidents, catalog, service="payments", month="2026-02",
                                      exclusions=maintenance).iloc[0]
    # 28 days = 40,320 min minus the 90-minute maintenance on 1 February = 40,230 eligible minutes;
    # INC-0066 lasted 115 minutes and was detected after 5
    assert row["eligible"] == pd.Timedelta(minutes=40230)
    assert row["downtime"] == pd.Timedelta(minutes=115)
    assert row["availability"] == pytest.approx(1 - 115 / 40230, rel=1e-12)
    assert (row["incidents"], row["started"], row["ongoing"]) == (1, 1, 0)
    assert (row["mttr"], row["mttd"]) == (pd.Timedelta(minutes=115), pd.Timedelta(minutes=5))
    assert row["mtbf"] == pd.Timedelta(minutes=40320 - 115)  # (window - downtime) / 1 incident


def test_month_incident_availability_counts_business_hours_only(bundled, records):
    _, catalog = bundled
    incidents, maintenance = records
    row = month_incident_availability(incidents, catalog, service="reporting", month="2026-02",
                                      exclusions=maintenance).iloc[0]
    # Seoul office hours 09:00-18:00 on weekdays: February 2026 has 20 weekdays, 16-18 February are
    # Lunar New Year holidays -> 17 days x 9 h = 153 h; INC-0067 (Fri 13 Feb 16:41, 39 min) is inside them
    assert row["schedule"] == "kr-business-hours"
    assert row["eligible"] == pd.Timedelta(hours=153)
    assert row["downtime"] == pd.Timedelta(minutes=39)
    assert row["availability"] == pytest.approx(1 - 39 / (153 * 60), rel=1e-12)


# ---------------------------------------------------------------------------------------------- the outlook


@pytest.fixture(scope="module")
def mobile_july(bundled):
    sli, catalog = bundled
    return month_outlook(sli, catalog, service="mobile-api", month="2026-07")


def window_daily(sli, service, slo, tz, end):
    """The SLO's daily counts of the 90 local days before ``end``, straight from ratio_sli."""
    start = (end.tz_localize(None) - pd.Timedelta(days=OUTLOOK_DAYS)).tz_localize(tz)
    rows = sli[(sli["service"] == service) & (sli["slo"] == slo) & (sli["timestamp"] >= start)
               & (sli["timestamp"] < end)]
    return ratio_sli(rows, freq="1D", tz=tz)


def test_outlook_is_taken_at_the_first_instant_of_the_next_month(mobile_july):
    assert isinstance(mobile_july, MonthOutlook)
    # August starts at midnight in Seoul, 15:00 UTC on 31 July
    assert mobile_july.as_of == pd.Timestamp("2026-08-01", tz="Asia/Seoul")
    assert (mobile_july.table["as_of"] == mobile_july.as_of).all()
    assert mobile_july.table["slo"].tolist() == ["availability", "latency"]  # catalog order
    assert mobile_july.table["assessed"].all()
    days = mobile_july.daily.groupby("slo")["timestamp"].agg(["min", "max", "size"])
    assert (days["size"] == OUTLOOK_DAYS).all()
    assert (days["min"] == pd.Timestamp("2026-05-03", tz="Asia/Seoul")).all()  # 90 days: 3 May to 31 July
    assert (days["max"] == pd.Timestamp("2026-07-31", tz="Asia/Seoul")).all()


def test_outlook_trend_and_change_point_equal_direct_calls(bundled, mobile_july):
    """trend_test and change_points on daily counts computed independently with ratio_sli give the same."""
    sli, _ = bundled
    for slo in ("availability", "latency"):
        daily = window_daily(sli, "mobile-api", slo, "Asia/Seoul", mobile_july.as_of)
        row = mobile_july.table.set_index("slo").loc[slo]
        tr = trend_test(1 - daily.set_index("timestamp")["sli"], method="hamed_rao")
        assert row["trend"] == tr.trend
        assert row["trend_p_value"] == pytest.approx(tr.p_value, rel=1e-12)
        assert row["trend_slope"] == pytest.approx(tr.slope, rel=1e-12)
        interval = (row["trend_slope_low"], row["trend_slope_high"])
        assert interval == pytest.approx((tr.slope_low, tr.slope_high), rel=1e-12)
        cp = change_points(daily)
        assert row["change_at"] == cp.points["timestamp"].iloc[-1]
        # levels: median daily error rate of the last two segments
        rate = (1 - daily.set_index("timestamp")["sli"])
        before, after = cp.segments.iloc[-2], cp.segments.iloc[-1]
        assert row["change_before"] == pytest.approx(rate[before["start"]:before["last"]].median(), rel=1e-12)
        assert row["change_after"] == pytest.approx(rate[after["start"]:after["last"]].median(), rel=1e-12)


def test_mobile_api_july_latency_shows_the_june_regression(mobile_july):
    """The latency regression shipped on 16 June 09:30 UTC (18:30 in Seoul, datasets generator): the first
    whole local day at the new level is 17 June; the error rate went from about 0.45 % to 1.05 %, above the
    1 % a 99 % target allows, so August is more likely missed than not-quite, and the straight line agrees."""
    row = mobile_july.table.set_index("slo").loc["latency"]
    assert row["change_at"] == pd.Timestamp("2026-06-17", tz="Asia/Seoul")
    assert row["change_before"] == pytest.approx(0.0045, abs=0.0003)
    assert row["change_after"] == pytest.approx(0.0105, abs=0.0003)
    assert row["trend"] == "increasing" and row["trend_p_value"] < 0.05
    assert row["breach_window_start"] == pd.Timestamp("2026-08-01", tz="Asia/Seoul")
    assert row["breach_window_end"] == pd.Timestamp("2026-09-01", tz="Asia/Seoul")
    assert 0.3 < row["breach_probability"] < 0.8
    assert row["breach_low"] <= row["breach_probability"] <= row["breach_high"]
    assert row["straight_line_attainment"] < 0.99  # the last 7 days' burn rate (1.06) misses
    assert row["recent_error_rate"] == pytest.approx(row["burn_rate"] * 0.01, rel=1e-9)
    # a month-long window: exhaustion searched to its end; the straight line in late August
    assert row["exhaustion_end"] == row["breach_window_end"]
    late_august = pd.Timestamp("2026-08-25", tz="Asia/Seoul")
    assert late_august < row["straight_line_exhaustion"] < row["exhaustion_end"]


def test_outlook_risk_equals_direct_calls_on_the_bucket_data(bundled, mobile_july):
    """breach_probability and exhaustion_time on the 5-minute buckets (their own daily aggregation, the whole
    year of data, as_of at the month's end, same seed) give exactly the outlook's numbers."""
    sli, catalog = bundled
    table = mobile_july.table.set_index("slo")
    for slo in ("availability", "latency"):
        definition = catalog.slo("mobile-api", slo)
        at = {"tz": "Asia/Seoul", "as_of": mobile_july.as_of, "n_paths": 2000, "seed": 0}
        bp = breach_probability(sli, definition, **at)
        ex = exhaustion_time(sli, definition, **at)
        row = table.loc[slo]
        assert row["breach_probability"] == bp.probability
        assert (row["breach_low"], row["breach_high"]) == pytest.approx((bp.low, bp.high), rel=1e-12)
        for name in ("attainment_median", "attainment_p10", "attainment_p90", "straight_line_attainment"):
            assert row[name] == pytest.approx(getattr(bp, name), rel=1e-12)
        assert row["breach_window_end"] == bp.window_end
        assert row["exhaustion_probability"] == ex.probability
        assert row["budget_remaining"] == pytest.approx(ex.remaining, rel=1e-12)
        assert row["burn_rate"] == pytest.approx(ex.burn_rate, rel=1e-12)
        for name, offset in (("exhaustion_median", ex.median), ("exhaustion_p10", ex.low),
                             ("exhaustion_p90", ex.high), ("straight_line_exhaustion", ex.straight_line)):
            expected = pd.NaT if offset is None else ex.as_of + offset
            assert (pd.isna(row[name]) and pd.isna(expected)) or row[name] == expected, name


def test_outlook_rolling_window_is_assessed_a_week_on(mobile_july):
    row = mobile_july.table.set_index("slo").loc["availability"]  # rolling 28 days
    assert not row["calendar"]
    assert row["breach_window_end"] == mobile_july.as_of + pd.Timedelta(days=7)
    assert row["breach_window_end"] - row["breach_window_start"] == pd.Timedelta(days=28)
    assert row["exhaustion_end"] == mobile_july.as_of + pd.Timedelta(days=28)  # the window's length ahead


def test_outlook_timeslices_slo_counts_slices_like_the_forecasts(bundled):
    """checkout/uptime is a Timeslices SLO: the outlook's daily slice counts must be what breach_probability
    computes from the buckets itself, or the probabilities would differ."""
    sli, catalog = bundled
    outlook = month_outlook(sli, catalog, service="checkout", month="2026-10")
    row = outlook.table.set_index("slo").loc["uptime"]
    assert row["unit"] == "slices"
    days = outlook.daily[outlook.daily["slo"] == "uptime"]
    # 5-minute slices with data, not probe events: 288 a day, 300 on 25 October (25 hours: summer time ends)
    assert days.set_index("timestamp")["total"].value_counts().to_dict() == {288.0: 89, 300.0: 1}
    assert days.set_index("timestamp").loc[pd.Timestamp("2026-10-25", tz="Europe/London"), "total"] == 300
    bp = breach_probability(sli, catalog.slo("checkout", "uptime"), tz="Europe/London", as_of=outlook.as_of,
                            n_paths=2000, seed=0)
    assert row["breach_probability"] == bp.probability
    assert row["attainment_median"] == pytest.approx(bp.attainment_median, rel=1e-12)


def test_outlook_forecasts_equal_forecast_sli(bundled, mobile_july):
    sli, _ = bundled
    parts = [window_daily(sli, "mobile-api", slo, "Asia/Seoul", mobile_july.as_of)
             for slo in ("availability", "latency")]
    expected = forecast_sli(pd.concat(parts, ignore_index=True), horizon=30, method="fast").forecasts
    got = mobile_july.forecasts
    assert len(got) == 60
    assert got["timestamp"].iloc[0] == mobile_july.as_of  # the first forecast day is the month's first
    for slo in ("availability", "latency"):
        a = got[got["slo"] == slo].reset_index(drop=True)
        b = expected[expected["slo"] == slo].reset_index(drop=True)
        for c in ("mean", "median", "lower_80", "upper_80", "lower_95", "upper_95"):
            np.testing.assert_allclose(a[c], b[c], rtol=1e-12)
        assert (a["timestamp"] == b["timestamp"]).all()


def test_outlook_ignores_data_after_the_month(bundled, mobile_july):
    sli, catalog = bundled
    cut = sli[sli["timestamp"] < mobile_july.as_of]
    again = month_outlook(cut, catalog, service="mobile-api", month="2026-07")
    pd.testing.assert_frame_equal(again.table, mobile_july.table)
    pd.testing.assert_frame_equal(again.forecasts, mobile_july.forecasts)


def test_outlook_change_levels_are_segment_medians_not_pooled_rates(bundled):
    """payments/availability in February: a 3-day episode from 31 January, then a calm month with one outage
    day (12 February, 6.5 %). The pooled rate of the last segment (0.25 %) is that one day; the median is the
    calm level."""
    sli, catalog = bundled
    outlook = month_outlook(sli, catalog, service="payments", month="2026-02")
    row = outlook.table.set_index("slo").loc["availability"]
    assert row["change_at"] == pd.Timestamp("2026-02-03", tz="Europe/London")
    assert row["change_before"] == pytest.approx(0.00146, abs=0.00002)
    assert row["change_after"] < 0.0002


def test_outlook_slo_without_enough_history_is_not_assessed(bundled):
    sli, catalog = bundled
    end = pd.Timestamp("2026-08-01", tz="Asia/Seoul")
    keep = ~((sli["service"] == "mobile-api") & (sli["slo"] == "availability")
             & (sli["timestamp"] < end - pd.Timedelta(days=10)))
    outlook = month_outlook(sli[keep], catalog, service="mobile-api", month="2026-07")
    row = outlook.table.set_index("slo").loc["availability"]
    assert not row["assessed"]
    assert "14 days" in row["note"]
    assert np.isnan(row["breach_probability"]) and pd.isna(row["change_at"])
    assert outlook.forecasts["slo"].unique().tolist() == ["latency"]
    assert outlook.table.set_index("slo").loc["latency", "assessed"]


def test_outlook_parameters_are_checked(bundled):
    sli, catalog = bundled
    with pytest.raises(ParameterError, match=r"^days 30 must be a whole number >= 84 \(12 weeks: the trend"):
        month_outlook(sli, catalog, service="mobile-api", month="2026-07", days=30)
    with pytest.raises(ParameterError, match=r"^horizon 0 must be a whole number >= 1"):
        month_outlook(sli, catalog, service="mobile-api", month="2026-07", horizon=0)
    with pytest.raises(InsufficientDataError, match=r"no SLI data for service 'mobile-api' in 2027-01"):
        month_outlook(sli, catalog, service="mobile-api", month="2027-01")
    with pytest.raises(DataError, match=r"missing column\(s\) 'good'"):
        month_outlook(sli.drop(columns="good"), catalog, service="mobile-api", month="2026-07")


def test_outlook_to_frame_and_repr(mobile_july):
    assert mobile_july.to_frame().equals(mobile_july.table)
    assert repr(mobile_july) == ("MonthOutlook(mobile-api, 2026-07, as of 2026-08-01 00:00 KST: P(miss) "
                                 "availability 0%, latency 52%)")


def test_fleet_trends_equal_trend_tests_and_trend_test(bundled):
    sli, catalog = bundled
    daily = ratio_sli(sli[sli["service"].isin(["mobile-api", "search"])], freq="1D")
    trends = fleet_trends(daily, catalog, days=90)
    window = daily[daily["timestamp"] >= daily["timestamp"].max() - pd.Timedelta(days=89)].copy()
    window["error_rate"] = 1 - window["good"] / window["total"]
    direct = trend_tests(window, value="error_rate", method="hamed_rao")
    np.testing.assert_allclose(trends["p_value"], direct["p_value"], rtol=1e-12)
    np.testing.assert_allclose(trends["slope"], direct["slope"], rtol=1e-12)
    one = window[(window["service"] == "mobile-api") & (window["slo"] == "latency")]
    single = trend_test(one.set_index("timestamp")["error_rate"], method="hamed_rao")
    row = trends[(trends["service"] == "mobile-api") & (trends["slo"] == "latency")].iloc[0]
    assert row["trend"] == single.trend == "decreasing"  # the fix of 8 September
    assert row["p_value"] == pytest.approx(single.p_value, rel=1e-12)
    # pooled error rate of the window, and the catalog's target
    assert row["error_rate"] == pytest.approx(1 - one["good"].sum() / one["total"].sum(), rel=1e-12)
    assert row["target"] == 0.99
    assert row["first_day"] == pd.Timestamp("2026-08-03", tz="UTC")
    assert row["last_day"] == pd.Timestamp("2026-10-31", tz="UTC")


def test_fleet_trends_errors():
    with pytest.raises(DataError, match=r"fleet_trends: missing column\(s\) 'good'"):
        fleet_trends(pd.DataFrame({"service": [], "slo": [], "timestamp": [], "total": []}))
    empty = pd.DataFrame({"service": [], "slo": [], "timestamp": [], "good": [], "total": []})
    with pytest.raises(ParameterError, match=r"^days 2 must be a whole number >= 3"):
        fleet_trends(empty, days=2)
    with pytest.raises(InsufficientDataError, match=r"fleet_trends: no rows"):
        fleet_trends(empty)


def test_outlook_of_the_first_month_uses_the_history_there_is(bundled):
    """November 2025 is the data's first month: the 90-day window starts in September, two months before the
    data; those days are not history (breach_probability on the buckets agrees) and the forecast is fitted on
    the 30 days of November only."""
    sli, catalog = bundled
    outlook = month_outlook(sli, catalog, service="checkout", month="2025-11")
    assert outlook.table["assessed"].all()
    assert (outlook.table["days"] == 30).all()
    row = outlook.table.set_index("slo").loc["availability"]
    bp = breach_probability(sli, catalog.slo("checkout", "availability"), tz="Europe/London",
                            as_of=outlook.as_of, n_paths=2000, seed=0)
    assert row["breach_probability"] == bp.probability
    assert row["attainment_median"] == pytest.approx(bp.attainment_median, rel=1e-12)
    days = outlook.daily[outlook.daily["slo"] == "availability"]
    assert days["timestamp"].iloc[0] == pd.Timestamp("2025-09-02", tz="Europe/London")
    november = days[days["total"] > 0][["service", "slo", "timestamp", "good", "total"]]
    assert november["timestamp"].iloc[0] == pd.Timestamp("2025-11-01", tz="Europe/London")
    fitted = forecast_sli(november, horizon=30).forecasts
    got = outlook.forecasts[outlook.forecasts["slo"] == "availability"]
    assert len(got) == 30
    np.testing.assert_allclose(got["mean"], fitted["mean"], rtol=1e-12)
