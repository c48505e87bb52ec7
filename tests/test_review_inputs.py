"""Tests for slm_analytics.review.inputs: reading a data folder for the review and the risk forecast.

The latest complete month is checked on the bundled data and on small hand-made frames whose answer is
stated next to each case.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slm_analytics import review
from slm_analytics.data import DATASETS, dataset_path, read_dataset
from slm_analytics.errors import DataError, InsufficientDataError, ParameterError
from slm_analytics.review import latest_complete_month, validate_parameters


def test_load_inputs_bundled():
    inputs = review.load_inputs(validate_parameters(service="checkout", period="2026-10"))
    assert len(inputs.catalog.services) == 13
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
        if info.get("bundled"):  # real data read from the package, not from a data folder
            continue
        (folder / info["file"]).symlink_to(dataset_path(name))
    return folder


def test_load_inputs_from_data_dir(tmp_path):
    folder = linked_datasets(tmp_path)
    inputs = review.load_inputs(validate_parameters(service="email", period="2026-10", data_dir=str(folder)))
    assert inputs.data_dir == str(folder)
    assert len(inputs.incidents) > 0
    assert len(inputs.maintenance) == len(read_dataset("maintenance"))


def test_load_inputs_reads_maintenance_from_data_dir(tmp_path):
    folder = linked_datasets(tmp_path)
    (folder / "maintenance.csv").unlink()
    (folder / "maintenance.csv").write_text("service,start,end,reason\n"
                                            "email,2026-10-04T01:00:00Z,2026-10-04T02:00:00Z,MTA upgrade\n")
    inputs = review.load_inputs(validate_parameters(service="email", period="2026-10", data_dir=str(folder)))
    assert inputs.maintenance["reason"].tolist() == ["MTA upgrade"]


def test_load_inputs_unknown_service():
    message = r"review parameter 'service': unknown service 'shop'; the catalog has checkout, payments"
    with pytest.raises(ParameterError, match=message):
        review.load_inputs(validate_parameters(service="shop", period="2026-10"))


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


# ------------------------------------------------------------------------------------- recurring maintenance


def with_sunday_patching(folder: Path, *, in_catalog: bool) -> None:
    """Payments patched every Sunday 02:00-03:00 London time: in the catalog or in maintenance.csv."""
    from slm_analytics.catalog import RecurringWindow, save_catalog

    (folder / "maintenance.csv").unlink()
    header = "service,start,end,reason,rrule,duration,timezone\n"
    if in_catalog:
        (folder / "catalog.yaml").unlink()
        catalog = read_dataset("catalog")
        sunday = RecurringWindow(rrule="FREQ=WEEKLY;BYDAY=SU", start="2025-11-02T02:00", duration="1h",
                                 reason="patching")
        services = tuple(s.model_copy(update={"maintenance": (sunday,)}) if s.name == "payments" else s
                         for s in catalog.services)
        save_catalog(catalog.model_copy(update={"services": services}), folder / "catalog.yaml")
        (folder / "maintenance.csv").write_text(header)
    else:
        (folder / "maintenance.csv").write_text(
            header + "payments,2025-11-02 02:00,,patching,FREQ=WEEKLY;BYDAY=SU,1h,Europe/London\n")


# the Sundays of February 2026 (2026-02-01, 08, 15, 22; pd.date_range("2026-02-01", "2026-02-28",
# freq="W-SUN")), 02:00-03:00 GMT = UTC: the one-off equivalent of the recurring window for the month
FEBRUARY_SUNDAYS = pd.DataFrame({
    "service": "payments",
    "start": pd.date_range("2026-02-01 02:00", "2026-02-28", freq="W-SUN", tz="UTC", unit="us"),
    "end": pd.date_range("2026-02-01 03:00", "2026-02-28", freq="W-SUN", tz="UTC", unit="us"),
    "reason": "patching",
})


@pytest.mark.parametrize("in_catalog", [True, False])
def test_load_inputs_expands_recurring_maintenance_over_the_data(tmp_path, in_catalog):
    folder = linked_datasets(tmp_path)
    with_sunday_patching(folder, in_catalog=in_catalog)
    params = validate_parameters(service="payments", period="2026-02", data_dir=str(folder))
    m = review.load_inputs(params).maintenance
    # every Sunday of the data, 2025-11-02 to 2026-10-25: 52 Sundays (2025-11-02 + 51 weeks = 2026-10-25)
    assert len(m) == 52 and (m["end"] - m["start"]).eq(pd.Timedelta(hours=1)).all()
    assert m.columns.tolist() == ["service", "start", "end", "reason"]
    feb = m[(m["start"] >= "2026-02-01T00:00Z") & (m["start"] < "2026-03-01T00:00Z")].reset_index(drop=True)
    pd.testing.assert_frame_equal(feb, FEBRUARY_SUNDAYS, check_dtype=False)
    # 02:00 London is 01:00 UTC in summer (BST)
    assert m.loc[m["start"].dt.month == 7, "start"].dt.hour.eq(1).all()


def test_review_numbers_with_recurring_maintenance_equal_the_one_off_listing(tmp_path):
    from slm_analytics.review import month_incident_availability, month_sla

    folder = linked_datasets(tmp_path)
    with_sunday_patching(folder, in_catalog=True)
    params = validate_parameters(service="payments", period="2026-02", data_dir=str(folder))
    inputs = review.load_inputs(params)
    kw = {"service": "payments", "month": "2026-02"}
    recurring = month_incident_availability(inputs.incidents, inputs.catalog, exclusions=inputs.maintenance,
                                            **kw).iloc[0]
    one_off = month_incident_availability(inputs.incidents, inputs.catalog, exclusions=FEBRUARY_SUNDAYS,
                                          **kw).iloc[0]
    none = month_incident_availability(inputs.incidents, inputs.catalog, **kw).iloc[0]
    # February 2026 has 28 days = 672 h; four one-hour windows leave 668 h of eligible time
    assert none["eligible"] == pd.Timedelta(hours=672)
    assert recurring["eligible"] == one_off["eligible"] == pd.Timedelta(hours=668)
    assert recurring["availability"] == pytest.approx(one_off["availability"], rel=1e-12)
    sla_recurring = month_sla(inputs.sli, inputs.catalog, exclusions=inputs.maintenance, **kw)
    sla_one_off = month_sla(inputs.sli, inputs.catalog, exclusions=FEBRUARY_SUNDAYS, **kw)
    sla_none = month_sla(inputs.sli, inputs.catalog, **kw)
    pd.testing.assert_frame_equal(sla_recurring, sla_one_off)
    # the merchant-gateway SLA excludes maintenance: four windows of twelve 5-minute buckets leave the
    # measurement, and with them exactly the events the SLI data holds in those buckets
    row, base = sla_recurring.iloc[0], sla_none.iloc[0]
    assert row["excludes_maintenance"] and row["excluded_buckets"] == 48 and base["excluded_buckets"] == 0
    sli = inputs.sli[(inputs.sli["service"] == "payments") & (inputs.sli["slo"] == row["slo"])]
    inside = np.zeros(len(sli), dtype=bool)
    for w in FEBRUARY_SUNDAYS.itertuples():
        inside |= ((sli["timestamp"] >= w.start) & (sli["timestamp"] < w.end)).to_numpy()
    assert inside.sum() == 48
    assert row["total"] == base["total"] - sli.loc[inside, "total"].sum()
    assert row["good"] == base["good"] - sli.loc[inside, "good"].sum()


def test_load_inputs_recurring_maintenance_error_names_the_file(tmp_path):
    folder = linked_datasets(tmp_path)
    (folder / "maintenance.csv").unlink()
    (folder / "maintenance.csv").write_text("service,start,end,reason,rrule,duration,timezone\n"
                                            "payments,2025-11-02 02:00,,patching,FREQ=WEEKLY;BYDAY=XX,1h,\n")
    with pytest.raises(DataError, match=re.escape(f"{folder / 'maintenance.csv'}: row 1 (line 2), column "
                                                  "'rrule': rule 'FREQ=WEEKLY;BYDAY=XX' is not an RFC 5545")):
        review.load_inputs(validate_parameters(service="payments", period="2026-02", data_dir=str(folder)))


def test_review_span_covers_the_data_and_the_month():
    from slm_analytics.review.inputs import review_span

    catalog = read_dataset("catalog")
    sli = buckets("2026-01-10 00:00", "2026-01-20 23:55")
    # the data: 10 Jan 00:00 to 21 Jan 00:00 UTC; February in Seoul (UTC+9): 31 Jan 15:00 to 28 Feb 15:00 UTC
    assert review_span(sli, catalog, service="mobile-api", month="2026-02") == (
        pd.Timestamp("2026-01-10 00:00", tz="UTC"), pd.Timestamp("2026-02-28 15:00", tz="UTC"))
