"""Tests for slm_analytics.availability.incidents_to_sli: a time-based SLI from incident records.

Expected values are hand counts of seconds (the docstring's examples) or come from
availability_from_incidents, which measures the same downtime by interval arithmetic over a whole span.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slm_analytics import availability_from_incidents, incidents_to_sli, read_dataset
from slm_analytics.errors import DataError, ParameterError


def t(*s):
    return pd.to_datetime(list(s), utc=True, format="ISO8601")


def test_overlapping_incidents_count_once_and_split_across_buckets():
    log = pd.DataFrame({"service": ["api", "api", "web"],
                        "started_at": t("2026-01-01 00:02", "2026-01-01 00:04", "2026-01-01 00:14:30"),
                        "resolved_at": t("2026-01-01 00:07", "2026-01-01 00:06", "2026-01-01 00:20")})
    sli = incidents_to_sli(log, start="2026-01-01T00:00Z", end="2026-01-01T00:15Z")
    api = sli[sli["service"] == "api"]
    # 00:02-00:07 once: 180 s in the first bucket, 120 s in the second
    assert (api["total"] - api["good"]).tolist() == [180, 120, 0]
    web = sli[sli["service"] == "web"]
    assert (web["total"] - web["good"]).tolist() == [0, 0, 30]  # clipped at the end: 00:14:30-00:15
    assert sli["total"].eq(300).all() and sli["slo"].eq("availability").all()


def test_an_ongoing_incident_is_down_to_the_end():
    ongoing = pd.Series([pd.NaT], dtype="datetime64[us, UTC]")
    log = pd.DataFrame({"service": ["api"], "started_at": t("2026-01-01 23:00"), "resolved_at": ongoing})
    sli = incidents_to_sli(log, start="2026-01-01T00:00Z", end="2026-01-02T00:00Z", freq="1h")
    assert len(sli) == 24 and sli["good"].tolist() == [3600] * 23 + [0]


def test_exclusions_are_measured_neither_way():
    log = pd.DataFrame({"service": ["api"], "started_at": t("2026-01-01 00:00"),
                        "resolved_at": t("2026-01-01 00:10")})
    maintenance = pd.DataFrame({"service": ["api"], "start": t("2026-01-01 00:05"),
                                "end": t("2026-01-01 00:20")})
    sli = incidents_to_sli(log, start="2026-01-01T00:00Z", end="2026-01-01T00:30Z", exclusions=maintenance)
    # bucket 2 (00:05-00:10) and 3 (00:10-00:15) fully excluded: no row; 00:15-00:20 excluded too
    assert sli["timestamp"].dt.strftime("%H:%M").tolist() == ["00:00", "00:20", "00:25"]
    assert sli["good"].tolist() == [0, 300, 300] and sli["total"].tolist() == [300, 300, 300]


def test_the_sample_incidents_agree_with_availability_from_incidents():
    """Summed over February, the buckets give availability_from_incidents' availability, per service."""
    incidents, maintenance = read_dataset("incidents"), read_dataset("maintenance")
    start, end = "2026-02-01T00:00Z", "2026-03-01T00:00Z"
    sli = incidents_to_sli(incidents, start=start, end=end, exclusions=maintenance)
    sums = sli.groupby("service")[["good", "total"]].sum()
    ref = availability_from_incidents(incidents, start=start, end=end, exclusions=maintenance)
    ref = ref.set_index("service")
    for service, row in sums.iterrows():
        assert row["good"] / row["total"] == pytest.approx(ref.loc[service, "availability"], abs=1e-9)
        assert row["total"] == ref.loc[service, "eligible"].total_seconds()


def test_github_status_history_as_a_daily_sli():
    windows = read_dataset("github_status")
    outages = windows[windows["service"].notna() & ~windows["severity"].isin(["maintenance", "none"])]
    sli = incidents_to_sli(outages, start="2023-01-01T00:00Z", end="2024-01-01T00:00Z", freq="1D")
    assert sli["service"].nunique() == outages["service"].nunique()
    assert set(sli.groupby("service").size()) == {365} and sli["total"].eq(86400).all()
    ref = availability_from_incidents(outages, start="2023-01-01T00:00Z", end="2024-01-01T00:00Z")
    sums = sli.groupby("service")[["good", "total"]].sum()
    got = (sums["good"] / sums["total"]).sort_index()
    np.testing.assert_allclose(got.to_numpy(), ref.set_index("service")["availability"].sort_index(),
                               atol=1e-9)


@pytest.mark.parametrize(("freq", "message"), [("0s", "positive whole number of seconds"),
                                               ("1500ms", "positive whole number of seconds"),
                                               ("soon", "is not a duration")])
def test_bad_freq(freq, message):
    log = pd.DataFrame({"service": ["api"], "started_at": t("2026-01-01"), "resolved_at": t("2026-01-01")})
    with pytest.raises(ParameterError, match=message):
        incidents_to_sli(log, start="2026-01-01T00:00Z", end="2026-01-02T00:00Z", freq=freq)


def test_a_record_without_a_service_is_named():
    log = pd.DataFrame({"id": ["INC-1", "INC-2"], "service": ["api", None],
                        "started_at": t("2026-01-01", "2026-01-01"),
                        "resolved_at": t("2026-01-01", "2026-01-01")})
    with pytest.raises(DataError, match=r"incidents_to_sli: incident 'INC-2' has no 'service'"):
        incidents_to_sli(log, start="2026-01-01T00:00Z", end="2026-01-02T00:00Z")


def test_a_naive_window_is_refused():
    log = pd.DataFrame({"service": ["api"], "started_at": t("2026-01-01"), "resolved_at": t("2026-01-01")})
    with pytest.raises(ParameterError):
        incidents_to_sli(log, start="2026-01-01", end="2026-01-02T00:00Z")
