"""Tests for slm_analytics.review.inputs: reading a data folder for the review and the risk forecast.

The latest complete month is checked on the bundled data and on small hand-made frames whose answer is
stated next to each case.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slm_analytics import review
from slm_analytics.data import DATASETS, dataset_path, read_dataset
from slm_analytics.errors import InsufficientDataError, ParameterError
from slm_analytics.review import latest_complete_month, validate_parameters


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
