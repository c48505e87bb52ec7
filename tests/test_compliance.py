"""Tests for slm_analytics.compliance: SLO attainment over a calendar month and per day.

Most expected values are hand calculations on a tiny synthetic service ``api`` in Europe/London, shown in
comments next to the data. July 2026 in London is BST (UTC+1): the local month runs from 2026-06-30 23:00
UTC to 2026-07-31 23:00 UTC, so buckets just outside those instants must not count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analytics.budget import attainment as budget_attainment
from slm_analytics.catalog import Catalog
from slm_analytics.compliance import daily_attainment, month_bounds, monthly_attainment
from slm_analytics.data import read_dataset
from slm_analytics.errors import DataError, DefinitionError, InsufficientDataError, ParameterError

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
    message = r"is not a calendar month; expected 'YYYY-MM' such as '2026-10'"
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
    assert (row["good"], row["total"], row["unit"]) == (19, 30, "events")
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
    message = r"SLI events: missing column\(s\) 'good'; expected timestamp, service"
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
