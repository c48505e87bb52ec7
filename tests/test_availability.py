"""Tests for slm_analytics.availability: availability and incident metrics from incident records.

Expected values are hand calculations shown in comments, in minutes unless said otherwise (a day is 1440
minutes). Europe/London is GMT (UTC+0) until 2026-03-29 01:00 UTC and BST (UTC+1) after. The bundled data
is checked against an independent brute force on a one-minute grid (every time in it is a whole minute).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analytics.availability import availability_from_incidents, incident_metrics
from slm_analytics.catalog import BusinessHours, Schedule
from slm_analytics.data import read_dataset
from slm_analytics.errors import DataError, ParameterError
from slm_analytics.windows import business_hours_mask, merge_intervals

MIN = pd.Timedelta(minutes=1)
DAY_START, DAY_END = "2026-01-01T00:00Z", "2026-01-02T00:00Z"  # 1440 minutes


def utc(values) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True)).dt.as_unit("us")


def incidents(*rows) -> pd.DataFrame:
    """Incident frame from ``(id, service, started_at, resolved_at[, detected_at])``; ``None`` is NaT."""
    rows = [r if len(r) == 5 else (*r, None) for r in rows]
    return pd.DataFrame({
        "id": [r[0] for r in rows],
        "service": [r[1] for r in rows],
        "started_at": utc(r[2] for r in rows),
        "detected_at": utc(r[4] for r in rows),
        "resolved_at": utc(r[3] for r in rows),
    })


def windows(*rows, service: str | None = "svc") -> pd.DataFrame:
    """Exclusion frame from ``(start, end)`` pairs (of one service, or with no service column)."""
    frame = pd.DataFrame({"start": utc(r[0] for r in rows), "end": utc(r[1] for r in rows)})
    if service is not None:
        frame.insert(0, "service", service)
    return frame


def one(result: pd.DataFrame, service: str = "svc") -> pd.Series:
    rows = result[result["service"] == service]
    assert len(rows) == 1
    return rows.iloc[0]


GOOD = incidents(("INC-1", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z", "2026-01-01T02:10Z"))


@pytest.fixture(scope="module")
def london() -> Schedule:
    # 08:00-18:00 London time on weekdays; Good Friday 2026 is a holiday
    weekdays = BusinessHours(days=("mon", "tue", "wed", "thu", "fri"), start="08:00", end="18:00")
    return Schedule(name="london", timezone="Europe/London", hours=(weekdays,),
                    holidays=(dt.date(2026, 4, 3),))


# ------------------------------------------------------------------------------------------- availability


def test_overlapping_incidents_count_once():
    inc = incidents(
        ("A", "svc", "2026-01-01T10:00Z", "2026-01-01T11:00Z"),
        ("B", "svc", "2026-01-01T10:30Z", "2026-01-01T12:00Z"),  # overlaps A: union 10:00-12:00 = 120
        ("C", "svc", "2026-01-01T13:00Z", "2026-01-01T13:30Z"),  # separate: 30
    )
    row = one(availability_from_incidents(inc, start=DAY_START, end=DAY_END))
    assert row["eligible"] == 1440 * MIN
    assert row["downtime"] == 150 * MIN  # 120 + 30, not 60 + 90 + 30 = 180
    assert row["availability"] == pytest.approx(1 - 150 / 1440, abs=1e-12)  # 0.895833...
    assert row["incidents"] == 3
    assert row["ongoing"] == 0
    assert not row["no_eligible_time"]


def test_incidents_straddling_the_window_edges_are_clipped():
    inc = incidents(
        ("EARLY", "svc", "2025-12-31T23:00Z", "2026-01-01T01:00Z"),  # 60 inside the window
        ("LATE", "svc", "2026-01-01T23:30Z", "2026-01-02T02:00Z"),  # 30 inside
        ("BEFORE", "svc", "2025-12-31T10:00Z", "2026-01-01T00:00Z"),  # ends at the start: [a, b) misses it
        ("AFTER", "svc", "2026-01-02T00:00Z", "2026-01-02T01:00Z"),  # starts at the end: outside
    )
    row = one(availability_from_incidents(inc, start=DAY_START, end=DAY_END))
    assert row["downtime"] == 90 * MIN
    assert row["availability"] == pytest.approx(1 - 90 / 1440, abs=1e-12)  # 0.9375
    assert row["incidents"] == 2


def test_maintenance_overlapping_an_incident_leaves_downtime_and_eligible_time():
    inc = incidents(("A", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z"),
                    ("B", "other", "2026-01-01T03:00Z", "2026-01-01T04:00Z"))
    maintenance = pd.concat([windows(("2026-01-01T03:00Z", "2026-01-01T05:00Z")),
                             windows(("2026-01-01T12:00Z", "2026-01-01T13:00Z"), service="elsewhere")])
    out = availability_from_incidents(inc, start=DAY_START, end=DAY_END, exclusions=maintenance)
    row = one(out)
    # eligible 1440 - 120 (03:00-05:00) = 1320; downtime 02:00-03:00 = 60 (03:00-04:00 is excluded)
    assert row["eligible"] == 1320 * MIN
    assert row["downtime"] == 60 * MIN
    assert row["availability"] == pytest.approx(1 - 60 / 1320, abs=1e-12)  # 0.954545...
    # the other service's window is not svc's, and "elsewhere" has no incidents: other is untouched
    other = one(out, "other")
    assert (other["eligible"], other["downtime"]) == (1440 * MIN, 60 * MIN)
    assert out["service"].tolist() == ["other", "svc"]


def test_excluding_uptime_lowers_availability():
    # window 10 h with 1 h down: 1 - 60/600 = 0.9. Excluding 5 h in which the service was up leaves the same
    # downtime over 300 eligible minutes: 1 - 60/300 = 0.8. Exclusions are not "never lower availability".
    inc = incidents(("A", "svc", "2026-01-01T01:00Z", "2026-01-01T02:00Z"))
    kw = {"start": "2026-01-01T00:00Z", "end": "2026-01-01T10:00Z"}
    before = one(availability_from_incidents(inc, **kw))["availability"]
    after = one(availability_from_incidents(
        inc, exclusions=windows(("2026-01-01T05:00Z", "2026-01-01T10:00Z")), **kw))["availability"]
    assert before == pytest.approx(0.9, abs=1e-12)
    assert after == pytest.approx(0.8, abs=1e-12)


def test_exclusions_without_group_columns_apply_to_every_group_and_by_several_columns():
    inc = incidents(("A", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z"),
                    ("B", "svc", "2026-01-01T10:00Z", "2026-01-01T11:00Z"))
    inc["slo"] = ["latency", "availability"]
    everyone = windows(("2026-01-01T00:00Z", "2026-01-01T03:00Z"), service=None)  # a company-wide freeze
    out = availability_from_incidents(inc, start=DAY_START, end=DAY_END, exclusions=everyone,
                                      by=("service", "slo"))
    assert out[["service", "slo"]].values.tolist() == [["svc", "availability"], ["svc", "latency"]]
    # both: eligible 1440 - 180 = 1260; availability SLO down 10:00-11:00 = 60, latency 03:00-04:00 = 60
    assert out["eligible"].tolist() == [1260 * MIN, 1260 * MIN]
    assert out["downtime"].tolist() == [60 * MIN, 60 * MIN]
    # a maintenance frame carrying only "service" applies to every SLO of that service
    out = availability_from_incidents(inc, start=DAY_START, end=DAY_END, by=["service", "slo"],
                                      exclusions=windows(("2026-01-01T10:30Z", "2026-01-01T11:30Z")))
    assert out["eligible"].tolist() == [1380 * MIN, 1380 * MIN]
    assert out["downtime"].tolist() == [30 * MIN, 120 * MIN]


def test_business_hours_only_across_the_dst_change(london):
    # window Mon 23 Mar - Sat 4 Apr 2026 (UTC). Business days: 23-27 Mar (GMT, 08:00-18:00 UTC) and 30 Mar -
    # 2 Apr (BST, 07:00-17:00 UTC); Good Friday 3 Apr is a holiday: 9 days x 600 = 5400 eligible minutes
    inc = incidents(
        ("GMT", "svc", "2026-03-27T07:30Z", "2026-03-27T08:30Z"),  # 07:30-08:30 GMT: 08:00-08:30 = 30
        ("BST", "svc", "2026-03-30T06:30Z", "2026-03-30T07:30Z"),  # 07:30-08:30 BST: 08:00-08:30 = 30
        ("SAT", "svc", "2026-03-28T10:00Z", "2026-03-28T12:00Z"),  # Saturday: 0
        ("HOL", "svc", "2026-04-03T09:00Z", "2026-04-03T10:00Z"),  # Good Friday: 0
        ("EVE", "svc", "2026-03-31T16:30Z", "2026-03-31T17:30Z"),  # 17:30-18:30 BST: 17:30-18:00 = 30
    )
    row = one(availability_from_incidents(inc, start="2026-03-23T00:00Z", end="2026-04-04T00:00Z",
                                          schedule=london))
    assert row["eligible"] == 5400 * MIN
    assert row["downtime"] == 90 * MIN
    assert row["availability"] == pytest.approx(1 - 90 / 5400, abs=1e-12)  # 0.983333...
    assert row["incidents"] == 5  # all overlap the window, in business hours or not


def test_business_hours_with_maintenance(london):
    # Monday 30 Mar (BST): business hours 07:00-17:00 UTC = 600; maintenance 06:00-08:00 UTC removes 60 of
    # them; the incident 07:30-09:00 UTC loses 07:30-08:00 to it: downtime 60 of 540 eligible
    inc = incidents(("A", "svc", "2026-03-30T07:30Z", "2026-03-30T09:00Z"))
    row = one(availability_from_incidents(inc, start="2026-03-30T00:00+01:00", end="2026-03-31T00:00+01:00",
                                          schedule=london,
                                          exclusions=windows(("2026-03-30T06:00Z", "2026-03-30T08:00Z"))))
    assert (row["eligible"], row["downtime"]) == (540 * MIN, 60 * MIN)
    assert row["availability"] == pytest.approx(1 - 60 / 540, abs=1e-12)


def test_holiday_only_window_is_nan_and_flagged_never_100_percent(london):
    inc = incidents(("HOL", "svc", "2026-04-03T09:00Z", "2026-04-03T10:00Z"))
    out = availability_from_incidents(inc, start="2026-04-03T00:00+01:00", end="2026-04-06T00:00+01:00",
                                      schedule=london, services=["quiet"])
    # Good Friday, Saturday, Sunday: no business hours at all, for the incident's service and a quiet one
    assert out["service"].tolist() == ["quiet", "svc"]
    assert out["eligible"].tolist() == [pd.Timedelta(0)] * 2
    assert out["downtime"].tolist() == [pd.Timedelta(0)] * 2
    assert out["availability"].isna().all()
    assert out["no_eligible_time"].tolist() == [True, True]
    assert out["incidents"].tolist() == [0, 1]


def test_fully_excluded_window_is_nan():
    inc = incidents(("A", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z"))
    row = one(availability_from_incidents(inc, start=DAY_START, end=DAY_END,
                                          exclusions=windows(("2025-12-31T00:00Z", "2026-01-03T00:00Z"))))
    assert row["eligible"] == pd.Timedelta(0)
    assert np.isnan(row["availability"])
    assert row["no_eligible_time"]


def test_ongoing_incident_counts_to_the_window_end():
    inc = incidents(
        ("OPEN", "svc", "2026-01-01T20:00Z", None),  # 20:00 to the window end: 240
        ("LATER", "svc", "2026-01-05T00:00Z", None),  # starts after the window: not counted
        ("ALWAYS", "down", "2025-12-01T00:00Z", None),  # open since before the window: all 1440 down
    )
    out = availability_from_incidents(inc, start=DAY_START, end=DAY_END)
    row = one(out)
    assert row["downtime"] == 240 * MIN
    assert row["availability"] == pytest.approx(1 - 240 / 1440, abs=1e-12)  # 0.833333...
    assert (row["incidents"], row["ongoing"]) == (1, 1)
    down = one(out, "down")
    assert down["availability"] == 0.0
    assert (down["incidents"], down["ongoing"]) == (1, 1)


def test_listed_services_without_incidents_are_fully_available():
    inc = incidents(("A", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z"))
    out = availability_from_incidents(inc, start=DAY_START, end=DAY_END, services="quiet")
    row = one(out, "quiet")
    assert (row["eligible"], row["downtime"]) == (1440 * MIN, pd.Timedelta(0))
    assert (row["availability"], row["incidents"]) == (1.0, 0)


def test_window_bounds_accept_offsets_timestamps_and_datetimes():
    inc = incidents(("A", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z"))
    # 2026-01-01T01:00+01:00 is midnight UTC; all three spell the same window
    for start, end in [("2026-01-01T01:00+01:00", "2026-01-02T01:00+01:00"),
                       (pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-01-02", tz="UTC")),
                       (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 2, tzinfo=dt.UTC))]:
        row = one(availability_from_incidents(inc, start=start, end=end))
        assert row["window_start"] == pd.Timestamp(DAY_START)
        assert row["window_end"] == pd.Timestamp(DAY_END)
        assert row["downtime"] == 120 * MIN


def test_output_columns_and_dtypes():
    out = availability_from_incidents(incidents(("A", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z")),
                                      start=DAY_START, end=DAY_END)
    assert out.columns.tolist() == ["service", "window_start", "window_end", "eligible", "downtime",
                                    "availability", "incidents", "ongoing", "no_eligible_time"]
    assert [str(t) for t in out.dtypes.iloc[1:]] == [
        "datetime64[us, UTC]", "datetime64[us, UTC]", "timedelta64[us]", "timedelta64[us]", "float64",
        "int64", "int64", "bool"]


# ------------------------------------------------------------------------------------------- bundled data


def brute_force(inc: pd.DataFrame, maintenance: pd.DataFrame, start: str, end: str,
                schedule: Schedule | None = None) -> pd.DataFrame:
    """Eligible and down minutes on a one-minute grid, one incident and one window at a time.

    Independent of the interval helpers in windows.py (only the business-hours mask comes from there).
    """
    grid = pd.date_range(start, end, freq="1min", inclusive="left", tz="UTC", unit="us")
    hours = business_hours_mask(grid, schedule, step="1min") if schedule is not None \
        else np.ones(len(grid), dtype=bool)
    rows = []
    for service in sorted(inc["service"].unique()):
        down = np.zeros(len(grid), dtype=bool)
        for r in inc[inc["service"] == service].itertuples():
            stop = r.resolved_at if pd.notna(r.resolved_at) else grid[-1] + MIN
            down |= (grid >= r.started_at) & (grid < stop)
        excluded = np.zeros(len(grid), dtype=bool)
        for w in maintenance[maintenance["service"] == service].itertuples():
            excluded |= (grid >= w.start) & (grid < w.end)
        eligible = hours & ~excluded
        rows.append((service, int(eligible.sum()), int((down & eligible).sum())))
    return pd.DataFrame(rows, columns=["service", "eligible", "downtime"])


@pytest.mark.parametrize(("start", "end", "schedule"), [
    ("2026-02-01T00:00Z", "2026-03-01T00:00Z", None),
    ("2026-03-01T00:00Z", "2026-05-01T00:00Z", "uk-business-hours"),
])
def test_bundled_data_matches_a_minute_grid_brute_force(start, end, schedule):
    inc, maintenance = read_dataset("incidents"), read_dataset("maintenance")
    sched = read_dataset("catalog").schedule(schedule) if schedule else None
    got = availability_from_incidents(inc, start=start, end=end, exclusions=maintenance, schedule=sched)
    want = brute_force(inc, maintenance, start, end, sched)
    assert got["service"].tolist() == want["service"].tolist()
    assert (got["eligible"] / MIN).tolist() == want["eligible"].tolist()
    assert (got["downtime"] / MIN).tolist() == want["downtime"].tolist()
    assert (got["downtime"] > pd.Timedelta(0)).sum() >= 5  # the comparison is not vacuous


# ------------------------------------------------------------------------------------------- metrics


def test_incident_metrics_refuses_a_repeated_incident():
    inc = incidents(
        ("I1", "svc", "2026-01-02T10:00Z", "2026-01-02T11:00Z", None),
        ("I1", "svc", "2026-01-02T10:00Z", "2026-01-02T11:00Z", None),  # the same record twice
    )
    with pytest.raises(DataError, match=r"incident_metrics: incident 'I1' appears more than once; each "
                                        r"incident is one row"):
        incident_metrics(inc, start="2026-01-01T00:00Z", end="2026-01-11T00:00Z")


def test_incident_metrics_hand_example():
    # window 1-11 Jan 2026: 10 days = 14400 minutes
    inc = incidents(
        ("I1", "svc", "2025-12-31T23:00Z", "2026-01-01T01:00Z", "2025-12-31T23:05Z"),  # before: 60 down only
        ("I2", "svc", "2026-01-02T10:00Z", "2026-01-02T11:00Z", "2026-01-02T10:10Z"),  # TTR 60, TTD 10
        ("I3", "svc", "2026-01-03T10:00Z", "2026-01-03T12:00Z", "2026-01-03T10:05Z"),  # TTR 120, TTD 5
        ("I4", "svc", "2026-01-03T11:00Z", "2026-01-03T11:30Z", None),  # TTR 30, within I3's downtime
        ("I5", "svc", "2026-01-10T22:00Z", None, "2026-01-10T22:30Z"),  # ongoing: 120 down, TTD 30
        ("Q1", "quiet", "2025-12-01T00:00Z", "2025-12-01T01:00Z", "2025-12-01T00:10Z"),  # outside the window
    )
    out = incident_metrics(inc, start="2026-01-01T00:00Z", end="2026-01-11T00:00Z")
    assert out.columns.tolist() == ["service", "window_start", "window_end", "incidents", "ongoing",
                                    "downtime", "mttr", "median_ttr", "mttd", "mtbf"]
    row = one(out)
    assert (row["incidents"], row["ongoing"]) == (4, 1)  # I2-I5 started in the window
    assert row["downtime"] == 360 * MIN  # 60 (I1) + 60 (I2) + 120 (I3 u I4) + 120 (I5)
    assert row["mttr"] == 70 * MIN  # (60 + 120 + 30) / 3; ongoing I5 left out
    assert row["median_ttr"] == 60 * MIN  # median of 30, 60, 120
    assert row["mttd"] == 15 * MIN  # (10 + 5 + 30) / 3; I4 has no detection time
    assert row["mtbf"] == (14400 - 360) / 4 * MIN  # 3510 minutes = 2 days 10:30
    quiet = one(out, "quiet")
    assert quiet["incidents"] == 0
    assert pd.isna(quiet["mttr"]) and pd.isna(quiet["mttd"]) and pd.isna(quiet["mtbf"])
    assert [str(out[c].dtype) for c in ["downtime", "mttr", "median_ttr", "mttd", "mtbf"]] == \
        ["timedelta64[us]"] * 5


def test_incident_metrics_without_detection_times():
    out = incident_metrics(GOOD.drop(columns="detected_at"), start=DAY_START, end=DAY_END, detected=None)
    row = one(out)
    assert row["mttr"] == 120 * MIN  # 02:00-04:00
    assert pd.isna(row["mttd"])


def test_incident_metrics_mtbf_is_uptime_per_failure_on_bundled_data():
    inc = read_dataset("incidents")
    q1 = incident_metrics(inc, start="2026-01-01T00:00Z", end="2026-04-01T00:00Z")
    av = availability_from_incidents(inc, start="2026-01-01T00:00Z", end="2026-04-01T00:00Z")
    # same downtime as availability without exclusions; MTBF * failures + downtime = the 90-day quarter
    assert q1["downtime"].tolist() == av["downtime"].tolist()
    has = q1["incidents"] > 0
    total = q1.loc[has, "mtbf"] * q1.loc[has, "incidents"] + q1.loc[has, "downtime"]
    assert ((total - pd.Timedelta(days=90)).abs() <= pd.Timedelta(microseconds=10)).all()


# ------------------------------------------------------------------------------------------- errors


def test_window_end_before_start_raises():
    with pytest.raises(ParameterError, match=r"window end 2026-01-01 00:00:00\+00:00 is not after window "
                       r"start 2026-01-02 00:00:00\+00:00; the window is \[start, end\) with start < end"):
        availability_from_incidents(GOOD, start=DAY_END, end=DAY_START)
    with pytest.raises(ParameterError, match=r"window end .* is not after window start"):
        incident_metrics(GOOD, start=DAY_START, end=DAY_START)


def test_naive_window_bound_raises():
    with pytest.raises(ParameterError, match=r"window start '2026-01-01' has no time zone; give an offset"):
        availability_from_incidents(GOOD, start="2026-01-01", end=DAY_END)


def test_unparsable_window_bound_raises():
    with pytest.raises(ParameterError, match=r"window end 'next week' is not a timestamp; give ISO 8601"):
        incident_metrics(GOOD, start=DAY_START, end="next week")


def test_window_bound_of_wrong_type_raises():
    with pytest.raises(ParameterError, match=r"window start 20260101 is a int; give a timezone-aware time"):
        availability_from_incidents(GOOD, start=20260101, end=DAY_END)


def test_nat_window_bound_raises():
    with pytest.raises(ParameterError, match=r"window end NaT is NaT"):
        availability_from_incidents(GOOD, start=DAY_START, end=pd.NaT)


def test_resolved_before_started_names_the_incident():
    bad = incidents(("INC-1", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z"),
                    ("INC-2", "svc", "2026-01-01T05:00Z", "2026-01-01T03:00Z"),
                    ("INC-3", "svc", "2026-01-01T06:00Z", "2026-01-01T05:00Z"))
    with pytest.raises(DataError, match=r"availability_from_incidents: incident 'INC-2': 'resolved_at' "
                       r"\(2026-01-01 03:00:00\+00:00\) is before 'started_at' "
                       r"\(2026-01-01 05:00:00\+00:00\) \(and 1 more\); "
                       r"an incident is resolved at or after it starts"):
        availability_from_incidents(bad, start=DAY_START, end=DAY_END)
    with pytest.raises(DataError, match=r"incident_metrics: incident 'INC-2': 'resolved_at'"):
        incident_metrics(bad, start=DAY_START, end=DAY_END)


def test_detected_before_started_names_the_incident():
    bad = incidents(("INC-9", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z", "2026-01-01T01:00Z"))
    with pytest.raises(DataError, match=r"incident_metrics: incident 'INC-9': 'detected_at' "
                       r"\(2026-01-01 01:00:00\+00:00\) is before 'started_at'"):
        incident_metrics(bad, start=DAY_START, end=DAY_END)


def test_missing_start_names_the_incident():
    bad = incidents(("INC-7", "svc", None, "2026-01-01T04:00Z"))
    with pytest.raises(DataError, match=r"incident 'INC-7': 'started_at' is missing \(NaT\); every incident"):
        availability_from_incidents(bad, start=DAY_START, end=DAY_END)


def test_missing_columns_raise():
    with pytest.raises(DataError, match=r"availability_from_incidents: incidents: missing column\(s\) "
                       r"'resolved_at'; found 'id', 'service', 'started_at', 'detected_at'"):
        availability_from_incidents(GOOD.drop(columns="resolved_at"), start=DAY_START, end=DAY_END)
    with pytest.raises(DataError, match=r"incident_metrics: incidents: missing column\(s\) 'detected_at'"):
        incident_metrics(GOOD.drop(columns="detected_at"), start=DAY_START, end=DAY_END)


def test_not_a_dataframe_raises():
    with pytest.raises(DataError, match=r"incidents: expected a DataFrame, got list"):
        availability_from_incidents([1, 2], start=DAY_START, end=DAY_END)


def test_naive_incident_times_raise():
    naive = GOOD.assign(started_at=GOOD["started_at"].dt.tz_localize(None))
    with pytest.raises(DataError, match=r"incidents column 'started_at' has dtype datetime64\[us\]; expected "
                       r"timezone-aware timestamps"):
        availability_from_incidents(naive, start=DAY_START, end=DAY_END)


def test_unknown_by_column_raises():
    # the one by= check of the package (_checks.check_by)
    with pytest.raises(DataError, match=r"availability_from_incidents: missing column\(s\) 'team' named in "
                       r"by=; found 'id', 'service', 'started_at'"):
        availability_from_incidents(GOOD, start=DAY_START, end=DAY_END, by="team")
    with pytest.raises(DataError, match=r"incident_metrics: missing column\(s\) 'slo' named in by="):
        incident_metrics(GOOD, start=DAY_START, end=DAY_END, by=("service", "slo"))


def test_by_of_wrong_type_raises():
    # by=[] was refused here before issue 9; an empty sequence now means one group (see the by=() tests)
    with pytest.raises(ParameterError, match=r"by=\[3\] must be a column name or a sequence of column names"):
        availability_from_incidents(GOOD, start=DAY_START, end=DAY_END, by=[3])
    with pytest.raises(ParameterError, match=r"by=None must be a column name or a sequence of column names"):
        incident_metrics(GOOD, start=DAY_START, end=DAY_END, by=None)


def test_services_need_by_service():
    frame = GOOD.assign(slo="availability")
    with pytest.raises(ParameterError, match=r"services= lists services to report and needs by='service', "
                       r"not by=\('service', 'slo'\)"):
        availability_from_incidents(frame, start=DAY_START, end=DAY_END, by=("service", "slo"),
                                    services=["quiet"])


def test_bad_exclusions_raise():
    backwards = windows(("2026-01-01T05:00Z", "2026-01-01T03:00Z"))
    with pytest.raises(DataError, match=r"exclusions: row 1: window \[2026-01-01 05:00:00\+00:00, "
                       r"2026-01-01 03:00:00\+00:00\) is missing a bound or ends before it starts"):
        availability_from_incidents(GOOD, start=DAY_START, end=DAY_END, exclusions=backwards)
    with pytest.raises(DataError, match=r"exclusions: missing column\(s\) 'end'; found 'service', 'start'$"):
        availability_from_incidents(GOOD, start=DAY_START, end=DAY_END,
                                    exclusions=backwards.drop(columns="end"))


# ------------------------------------------------------------------------------------------- properties

BASE = pd.Timestamp("2026-01-01T00:00Z")

incident_rows = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 2000), st.integers(0, 400),
              st.sampled_from([False] * 5 + [True])),  # about one incident in six is ongoing
    min_size=0, max_size=25,
)


def frame_of(rows) -> pd.DataFrame:
    """Incidents from ``(service, start minute, duration, ongoing)``."""
    s = [BASE + m * MIN for _, m, _, _ in rows]
    r = [None if open_ else BASE + (m + d) * MIN for _, m, d, open_ in rows]
    return incidents(*[(f"I{i}", svc, s[i], r[i]) for i, (svc, _, _, _) in enumerate(rows)])


WINDOW = {"start": BASE + 300 * MIN, "end": BASE + 1800 * MIN, "services": ["a", "b"]}
MEASURES = ["eligible", "downtime", "availability"]


@settings(max_examples=30, deadline=None)
@given(incident_rows, st.randoms(use_true_random=False), st.integers(0, 2))
def test_availability_ignores_row_order_and_refuses_repeated_records(rows, rnd, copies):
    inc = frame_of(rows)
    base = availability_from_incidents(inc, **WINDOW)
    shuffled = inc.iloc[rnd.sample(range(len(inc)), len(inc))]
    got = availability_from_incidents(shuffled, **WINDOW)
    pd.testing.assert_frame_equal(got[MEASURES], base[MEASURES])
    assert (got["incidents"] == base["incidents"]).all()
    if copies and len(inc):  # the same records again would count each incident twice: refused
        with pytest.raises(DataError, match=r"appears more than once"):
            availability_from_incidents(pd.concat([shuffled] + [inc] * copies, ignore_index=True), **WINDOW)
    # idempotent: the merged intervals, fed back as incidents, give the same downtime
    open_end = inc["started_at"].clip(lower=WINDOW["end"])  # ongoing: down until the window end (if begun)
    closed = inc.assign(resolved_at=inc["resolved_at"].fillna(open_end))
    merged = merge_intervals(closed, start="started_at", end="resolved_at", by=("service",))
    merged["id"] = [f"M{i}" for i in range(len(merged))]
    again = availability_from_incidents(merged, **WINDOW)
    pd.testing.assert_frame_equal(again[MEASURES], base[MEASURES])


@settings(max_examples=25, deadline=None)
@given(incident_rows)
def test_availability_is_a_share(rows):
    out = availability_from_incidents(frame_of(rows), **WINDOW)
    assert ((out["availability"] >= 0) & (out["availability"] <= 1)).all()
    assert (out["downtime"] <= out["eligible"]).all()
    assert (out["eligible"] == 1500 * MIN).all()
    assert np.allclose(out["availability"], 1 - out["downtime"] / out["eligible"], rtol=0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(incident_rows, st.integers(0, 2000), st.integers(0, 600), st.sampled_from(["a", "b"]))
def test_adding_an_exclusion_never_adds_downtime_or_eligible_time(rows, at, length, service):
    inc = frame_of(rows)
    before = availability_from_incidents(inc, **WINDOW)
    x = windows((BASE + at * MIN, BASE + (at + length) * MIN), service=service)
    after = availability_from_incidents(inc, exclusions=x, **WINDOW)
    assert (after["downtime"] <= before["downtime"]).all()
    assert (after["eligible"] <= before["eligible"]).all()
    # excluded time leaves the eligible time exactly: |[at, at + length) n window|
    lo, hi = max(at, 300), min(at + length, 1800)
    removed = (before["eligible"] - after["eligible"]).tolist()
    assert removed == [max(hi - lo, 0) * MIN if s == service else pd.Timedelta(0) for s in ["a", "b"]]


@settings(max_examples=30, deadline=None)
@given(incident_rows.filter(bool), st.data())
def test_excluding_downtime_never_lowers_availability(rows, data):
    # an exclusion inside one incident removes as much downtime as eligible time: (D - x)/(E - x) <= D/E
    inc = frame_of(rows)
    k = data.draw(st.integers(0, len(rows) - 1))
    svc, m, d, open_ = rows[k]
    d = 1800 - m if open_ else d
    a = data.draw(st.integers(m, m + max(d, 0)))
    b = data.draw(st.integers(a, m + max(d, 0)))
    x = windows((BASE + a * MIN, BASE + b * MIN), service=svc)
    before = one(availability_from_incidents(inc, **WINDOW), svc)["availability"]
    after = one(availability_from_incidents(inc, exclusions=x, **WINDOW), svc)["availability"]
    assert after >= before - 1e-12 or np.isnan(after)


@settings(max_examples=20, deadline=None)
@given(incident_rows, st.randoms(use_true_random=False))
def test_incident_metrics_ignore_row_order(rows, rnd):
    inc = frame_of(rows)
    inc["detected_at"] = inc["started_at"] + 5 * MIN
    kw = {"start": WINDOW["start"], "end": WINDOW["end"]}
    base = incident_metrics(inc, **kw)
    shuffled = incident_metrics(inc.iloc[rnd.sample(range(len(inc)), len(inc))], **kw)
    pd.testing.assert_frame_equal(shuffled, base)


# ------------------------------------------------------------------------------ one list of outages


def outages(*rows) -> pd.DataFrame:
    """One service's outages as users keep them: ``(started_at, resolved_at)`` only, no id, no service."""
    return pd.DataFrame({"started_at": utc(r[0] for r in rows), "resolved_at": utc(r[1] for r in rows)})


def test_one_list_of_outages_without_id_or_service():
    # 02:00-04:00 and 03:00-03:30 overlap: 120 minutes down of 1440 -> 1 - 120/1440 = 0.916667
    frame = outages(("2026-01-01T02:00Z", "2026-01-01T04:00Z"), ("2026-01-01T03:00Z", "2026-01-01T03:30Z"))
    out = availability_from_incidents(frame, start=DAY_START, end=DAY_END, by=())
    assert out.columns.tolist() == ["window_start", "window_end", "eligible", "downtime", "availability",
                                    "incidents", "ongoing", "no_eligible_time"]
    assert len(out) == 1
    assert out["downtime"].iloc[0] == 120 * MIN
    assert out["availability"].iloc[0] == pytest.approx(1 - 120 / 1440, rel=1e-12)
    assert out["incidents"].iloc[0] == 2
    metrics = incident_metrics(frame, start=DAY_START, end=DAY_END, by=(), detected=None)
    # MTTR = (120 + 30) / 2 = 75 min; MTBF = (1440 - 120) / 2 = 660 min
    assert metrics[["incidents", "mttr", "mtbf"]].iloc[0].tolist() == [2, 75 * MIN, 660 * MIN]


def test_by_empty_gives_one_row_even_without_incidents():
    # the whole list is one group: one row, availability 1 over the whole window
    out = availability_from_incidents(outages(), start=DAY_START, end=DAY_END, by=[])
    assert len(out) == 1 and out["availability"].iloc[0] == 1.0 and out["eligible"].iloc[0] == 1440 * MIN


def test_by_empty_pools_every_service_and_applies_every_exclusion():
    # svc 02:00-04:00 and other 03:00-05:00 pooled: down 02:00-05:00 = 180 min; the 04:30-05:30 window (of
    # either service) is removed: eligible 1440 - 60 = 1380, down 180 - 30 = 150
    frame = incidents(("INC-1", "svc", "2026-01-01T02:00Z", "2026-01-01T04:00Z"),
                      ("INC-2", "other", "2026-01-01T03:00Z", "2026-01-01T05:00Z"))
    out = availability_from_incidents(frame, start=DAY_START, end=DAY_END, by=(),
                                      exclusions=windows(("2026-01-01T04:30Z", "2026-01-01T05:30Z")))
    assert out[["eligible", "downtime"]].iloc[0].tolist() == [1380 * MIN, 150 * MIN]


def test_without_ids_incidents_are_named_by_row():
    frame = outages(("2026-01-01T02:00Z", "2026-01-01T04:00Z"), ("2026-01-01T05:00Z", "2026-01-01T04:00Z"))
    with pytest.raises(DataError, match=r"^availability_from_incidents: incident 'row-2': 'resolved_at' "
                       r"\(2026-01-01 04:00:00\+00:00\) is before 'started_at'"):
        availability_from_incidents(frame, start=DAY_START, end=DAY_END, by=())


def test_without_service_column_the_default_by_says_to_pass_by_empty():
    with pytest.raises(DataError, match=r"missing column\(s\) 'service' named in by=; found 'started_at', "
                       r"'resolved_at'; by= names the columns that identify a series, such as \('service', "
                       r"'slo'\), or \(\) for one series$"):
        availability_from_incidents(outages(), start=DAY_START, end=DAY_END)


def test_by_empty_with_services_is_refused():
    with pytest.raises(ParameterError, match=r"services= lists services to report and needs by='service', "
                       r"not by=\(\)"):
        incident_metrics(GOOD, start=DAY_START, end=DAY_END, by=(), services=["svc"])


def test_repeated_ids_are_still_refused_when_given():
    frame = pd.concat([GOOD, GOOD], ignore_index=True)
    with pytest.raises(DataError, match=r"incident 'INC-1' appears more than once"):
        availability_from_incidents(frame, start=DAY_START, end=DAY_END, by=())
