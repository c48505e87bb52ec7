"""fleet_monthly_attainment: the heatmap's table in one pass, equal to monthly_attainment per cell."""

from __future__ import annotations

import pandas as pd
import pytest

from slm_analytics import read_dataset
from slm_analytics.errors import DefinitionError, ParameterError
from slm_analytics.review.month import fleet_monthly_attainment, monthly_attainment

MONTHS = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-10"]


@pytest.fixture(scope="module")
def data():
    """The sample data, with search/latency counted in RatioTimeslices of 1 h (every method present)."""
    cat = read_dataset("catalog")
    slos = tuple(o.model_copy(update={"budgeting_method": "RatioTimeslices", "timeslice_window": "1h"})
                 if (o.service, o.name) == ("search", "latency") else o for o in cat.slos)
    return read_dataset("sli_5min"), cat.model_copy(update={"slos": slos})


def test_equals_monthly_attainment_for_every_service_and_month(data):
    # the reference: the per-service, per-month function the service review uses (its own slicing of the
    # month's rows, its own grid); months cut in each service's time zone, every budgeting method
    sli, cat = data
    got = fleet_monthly_attainment(sli, cat, months=MONTHS)
    ref = pd.concat([monthly_attainment(sli, cat, service=s.name, month=m).assign(month=m)
                     for s in cat.services for m in MONTHS], ignore_index=True)
    key = ["service", "slo", "month"]
    got = got.sort_values(key).reset_index(drop=True)[ref.columns]
    ref = ref.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref, check_dtype=False)
    assert set(ref["budgeting_method"]) == {"Occurrences", "Timeslices", "RatioTimeslices"}


def test_plain_sums_for_an_occurrences_slo(data):
    # checkout/availability counts events: good / total of the month's rows, London time
    sli, cat = data
    table = fleet_monthly_attainment(sli, cat, months=["2026-10"], services=["checkout"])
    row = table[table["slo"] == "availability"].iloc[0]
    start = pd.Timestamp("2026-10-01", tz="Europe/London")
    end = pd.Timestamp("2026-11-01", tz="Europe/London")
    rows = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")
               & (sli["timestamp"] >= start) & (sli["timestamp"] < end)]
    assert row["total"] == rows["total"].sum()
    assert row["attainment"] == pytest.approx(rows["good"].sum() / rows["total"].sum(), rel=1e-12)


def test_a_month_without_data_is_a_row_without_data(data):
    sli, cat = data
    table = fleet_monthly_attainment(sli, cat, months=["2020-01"], services=["payments"])
    assert table["no_data"].all() and (table["total"] == 0).all() and table["attainment"].isna().all()
    assert table["met"].isna().all()


def test_services_keep_the_order_given(data):
    sli, cat = data
    table = fleet_monthly_attainment(sli, cat, months=["2026-10"], services=["search", "checkout"])
    assert list(dict.fromkeys(table["service"])) == ["search", "checkout"]


def test_bad_months_and_services_are_named(data):
    sli, cat = data
    with pytest.raises(ParameterError, match="month '2026-13' is not a calendar month"):
        fleet_monthly_attainment(sli, cat, months=["2026-13"])
    with pytest.raises(ParameterError, match="no month given"):
        fleet_monthly_attainment(sli, cat, months=[])
    with pytest.raises(DefinitionError, match="nosuch"):
        fleet_monthly_attainment(sli, cat, months=["2026-10"], services=["nosuch"])
