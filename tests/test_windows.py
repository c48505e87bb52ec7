"""Tests for slm_analytics.windows: calendar windows, business-hours schedules, exclusions, intervals.

Expected instants are worked out by hand from the time-zone rules (shown in comments): Europe/London is
GMT (UTC+0) in winter and BST (UTC+1) from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC; Asia/Seoul is
UTC+9 all year; America/New_York is EST (UTC-5) until 2026-03-08 and EDT (UTC-4) after.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from slm_analytics.catalog import Schedule, load_catalog
from slm_analytics.data import read_dataset
from slm_analytics.errors import DataError, DefinitionError, ParameterError
from slm_analytics.windows import (
    business_hours_mask,
    calendar_windows,
    clip_intervals,
    exclusion_mask,
    intersect_intervals,
    interval_duration,
    merge_intervals,
    schedule_intervals,
    subtract_intervals,
)

H = pd.Timedelta(hours=1)


def utc(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True)).dt.as_unit("us")


def ivs(*pairs: tuple[str, str], **cols) -> pd.DataFrame:
    return pd.DataFrame({**cols, "start": utc(*(p[0] for p in pairs)), "end": utc(*(p[1] for p in pairs))})


@pytest.fixture(scope="module")
def catalog():
    return read_dataset("catalog")


@pytest.fixture(scope="module")
def sli():
    return read_dataset("sli_5min")


# ------------------------------------------------------------------------------------------- calendar


def test_london_months_follow_dst():
    # March 2026: 31 days minus the hour skipped on the 29th = 743 h; October: 31 days + 1 h = 745 h
    w = calendar_windows("2026-03-01T00:00Z", "2026-11-01T00:00Z", period="month", tz="Europe/London")
    hours = ((w["window_end"] - w["window_start"]) / H).tolist()
    assert hours == [743, 720, 744, 720, 744, 744, 720, 745]
    # 1 April 00:00 BST is 31 March 23:00 UTC
    assert w["window_start"].iloc[1] == pd.Timestamp("2026-03-31T23:00Z")
    assert str(w["window_start"].dtype) == "datetime64[us, UTC]"


def test_weeks_start_monday_and_quarters_in_seoul():
    # 2026-01-01 is a Thursday: its week starts Monday 2025-12-29
    w = calendar_windows("2026-01-01T00:00Z", "2026-01-01T00:00:01Z", period="week")
    assert w.iloc[0].tolist() == [pd.Timestamp("2025-12-29T00:00Z"), pd.Timestamp("2026-01-05T00:00Z")]
    # Q1 2026 in Seoul: 2026-01-01 00:00 KST = 2025-12-31 15:00 UTC, to 2026-04-01 00:00 KST
    q = calendar_windows("2026-01-01T00:00Z", "2026-01-02T00:00Z", period="quarter", tz="Asia/Seoul")
    assert q.iloc[0].tolist() == [pd.Timestamp("2025-12-31T15:00Z"), pd.Timestamp("2026-03-31T15:00Z")]


def test_calendar_windows_overlap_is_half_open():
    # [Feb 1, Mar 1) UTC overlaps February only; an empty range gives no windows
    w = calendar_windows("2026-02-01T00:00Z", "2026-03-01T00:00Z", period="month")
    assert len(w) == 1
    assert calendar_windows("2026-02-01T00:00Z", "2026-02-01T00:00Z", period="month").empty


def test_calendar_windows_errors():
    with pytest.raises(ParameterError, match=r"period 'year' is not a calendar period; expected one of week"):
        calendar_windows("2026-01-01T00:00Z", "2026-02-01T00:00Z", period="year")
    with pytest.raises(ParameterError, match=r"unknown time zone 'Europe/Londn'"):
        calendar_windows("2026-01-01T00:00Z", "2026-02-01T00:00Z", period="month", tz="Europe/Londn")
    with pytest.raises(ParameterError, match=r"start '2026-01-01' has no time zone"):
        calendar_windows("2026-01-01", "2026-02-01T00:00Z", period="month")
    with pytest.raises(ParameterError, match=r"end 2025-01-01 00:00:00\+00:00 is before start"):
        calendar_windows("2026-01-01T00:00Z", "2025-01-01T00:00Z", period="month")
    with pytest.raises(ParameterError, match=r"start 'soon' is not a timestamp"):
        calendar_windows("soon", "2025-01-01T00:00Z", period="month")


# ------------------------------------------------------------------------------------------- schedules


def test_uk_hours_move_with_dst(catalog):
    uk = catalog.schedule("uk-business-hours")
    got = schedule_intervals(uk, "2026-03-27T00:00Z", "2026-03-31T00:00Z")
    # Fri 27 March 08:00-18:00 GMT = 08-18 UTC; Mon 30 March 08:00-18:00 BST = 07-17 UTC; weekend closed
    assert got.equals(ivs(("2026-03-27 08:00", "2026-03-27 18:00"), ("2026-03-30 07:00", "2026-03-30 17:00")))


def test_holidays_remove_whole_days(catalog):
    uk = catalog.schedule("uk-business-hours")
    got = schedule_intervals(uk, "2025-12-22T00:00Z", "2025-12-30T00:00Z")
    # Mon-Wed 22-24 Dec open, Thu 25 and Fri 26 bank holidays, Mon 29 open: 4 days of 10 h
    assert got["start"].dt.day.tolist() == [22, 23, 24, 29]
    assert interval_duration(got).sum() == 40 * H


def test_seoul_and_new_york_schedules(catalog):
    kr = schedule_intervals(catalog.schedule("kr-business-hours"), "2026-01-05T00:00Z", "2026-01-06T00:00Z")
    # 09:00-18:00 KST = 00:00-09:00 UTC
    assert kr.equals(ivs(("2026-01-05 00:00", "2026-01-05 09:00")))
    us = schedule_intervals(catalog.schedule("us-support-hours"), "2026-03-07T00:00Z", "2026-03-10T00:00Z")
    # Fri 6 March 08-20 EST ends Sat 01:00 UTC (clipped at the range start); Sat 10-16 EST = 15-21 UTC;
    # Sun closed; Mon 9 March 08-20 EDT = 12:00-24:00 UTC
    assert us.equals(ivs(("2026-03-07 00:00", "2026-03-07 01:00"), ("2026-03-07 15:00", "2026-03-07 21:00"),
                         ("2026-03-09 12:00", "2026-03-10 00:00")))


def test_ambiguous_and_skipped_local_times():
    # Clocks go back on Sun 2026-10-25 (02:00 BST -> 01:00 GMT). Sat 22:00-24:00 BST and Sun 00:00-02:00
    # touch and are joined: Sat 21:00 UTC to Sun 02:00 GMT = 02:00 UTC, 5 hours of wall time 4 h long
    night = {"name": "night", "timezone": "Europe/London",
             "hours": [{"days": ["sat"], "start": "22:00", "end": "24:00"},
                       {"days": ["sun"], "start": "00:00", "end": "02:00"}]}
    got = schedule_intervals(night, "2026-10-24T00:00Z", "2026-10-26T00:00Z")
    assert got.equals(ivs(("2026-10-24 21:00", "2026-10-25 02:00")))
    # Ambiguous 01:30 (occurs twice on 2026-10-25): opens at the first (00:30 UTC), closes at the second
    amb = {"name": "amb", "timezone": "Europe/London",
           "hours": [{"days": ["sun"], "start": "01:00", "end": "01:30"}]}
    got = schedule_intervals(amb, "2026-10-24T00:00Z", "2026-10-26T00:00Z")
    assert got.equals(ivs(("2026-10-25 00:00", "2026-10-25 01:30")))
    # the same in Dublin, whose tz rules flag winter time as the DST one (negative DST)
    got = schedule_intervals({**amb, "timezone": "Europe/Dublin"}, "2026-10-24T00:00Z", "2026-10-26T00:00Z")
    assert got.equals(ivs(("2026-10-25 00:00", "2026-10-25 01:30")))
    # Skipped 01:30 on 2026-03-29 (01:00 GMT -> 02:00 BST): moves to 02:00 BST = 01:00 UTC; 03:00 BST = 02 UTC
    skip = {"name": "skip", "timezone": "Europe/London",
            "hours": [{"days": ["sun"], "start": "01:30", "end": "03:00"}]}
    got = schedule_intervals(skip, "2026-03-28T00:00Z", "2026-03-30T00:00Z")
    assert got.equals(ivs(("2026-03-29 01:00", "2026-03-29 02:00")))


def test_round_the_clock_schedule_is_one_interval():
    always = {"name": "always", "timezone": "UTC",
              "hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                         "start": "00:00", "end": "24:00"}]}
    got = schedule_intervals(always, "2026-01-01T06:00Z", "2026-02-01T06:00Z")
    assert got.equals(ivs(("2026-01-01 06:00", "2026-02-01 06:00")))


def test_holidays_outside_the_schedules_years_raise(catalog):
    kr = catalog.schedule("kr-business-hours")
    # 2027-01-01 00:00 KST is 2026-12-31 15:00 UTC, so this range reaches 2027 locally
    msg = r"schedule 'kr-business-hours' lists holidays for 2025, 2026 only, but .* reaches 2027: "
    with pytest.raises(DefinitionError, match=msg + r"holidays outside the schedule's years"):
        schedule_intervals(kr, "2026-12-31T14:00Z", "2026-12-31T16:00Z")
    # the same range in a schedule without holidays is fine (it never has any)
    us = catalog.schedule("us-support-hours")
    assert len(schedule_intervals(us, "2027-01-04T00:00Z", "2027-01-05T00:00Z")) == 1


def test_invalid_schedules_raise_definition_error(tmp_path: Path):
    bad_tz = """\
schedules:
  - name: office
    timezone: Mars/Olympus
    hours:
      - {days: [mon], start: "09:00", end: "17:00"}
services:
  - {name: wiki, owner: team-b, tier: 3, users: 10, business_weight: 1, schedule: office}
"""
    f = tmp_path / "tz.yaml"
    f.write_text(bad_tz)
    msg = r"line 3: schedules\[0\] \(office\)\.timezone: unknown time zone 'Mars/Olympus': expected an IANA"
    with pytest.raises(DefinitionError, match=msg):
        load_catalog(f)
    f.write_text(bad_tz.replace("Mars/Olympus", "UTC").replace(
        '- {days: [mon], start: "09:00", end: "17:00"}',
        '- {days: [mon], start: "09:00", end: "17:00"}\n'
        '      - {days: [mon, tue], start: "12:00", end: "19:00"}'))
    with pytest.raises(DefinitionError, match=r"schedule 'office': overlapping hours on mon: 09:00-17:00 and "
                                              r"12:00-19:00"):
        load_catalog(f)


def test_schedule_constructed_directly_raises_pydantic_error_with_our_message():
    # catalog models raise pydantic's ValidationError (a ValueError) when built directly; only load_catalog
    # wraps it. windows functions given a plain mapping wrap it in DefinitionError.
    hours = [{"days": ["mon"], "start": "09:00", "end": "17:00"}]
    with pytest.raises(ValidationError, match=r"unknown time zone 'Mars/Olympus'"):
        Schedule(name="x", timezone="Mars/Olympus", hours=hours)
    with pytest.raises(DefinitionError,
                       match=r"invalid schedule 'x': timezone: unknown time zone 'Mars/Olympus'"):
        schedule_intervals({"name": "x", "timezone": "Mars/Olympus", "hours": hours},
                           "2026-01-01T00:00Z", "2026-01-02T00:00Z")
    overlapping = [*hours, {"days": ["mon"], "start": "16:00", "end": "18:00"}]
    msg = r"invalid schedule 'x': schedule: schedule 'x': overlapping hours on mon: 09:00-17:00 and 16:00-18"
    with pytest.raises(DefinitionError, match=msg):
        schedule_intervals({"name": "x", "timezone": "UTC", "hours": overlapping},
                           "2026-01-01T00:00Z", "2026-01-02T00:00Z")
    with pytest.raises(ParameterError, match=r"schedule must be a catalog Schedule \(or a mapping of its "
                                             r"fields\), not str"):
        schedule_intervals("kr-business-hours", "2026-01-01T00:00Z", "2026-01-02T00:00Z")


def test_business_hours_mask(catalog):
    kr = catalog.schedule("kr-business-hours")
    # buckets starting 08:55, 09:00, 17:55, 18:00 KST on Mon 5 Jan, and 10:00 KST on 1 Jan (holiday)
    t = utc("2026-01-04 23:55", "2026-01-05 00:00", "2026-01-05 08:55", "2026-01-05 09:00",
            "2026-01-01 01:00")
    assert business_hours_mask(t, kr).tolist() == [False, True, True, False, False]
    assert business_hours_mask(pd.DatetimeIndex(t), kr).tolist() == [False, True, True, False, False]
    assert business_hours_mask(t.iloc[:0], kr).shape == (0,)


def test_business_hours_mask_errors(catalog):
    kr = catalog.schedule("kr-business-hours")
    with pytest.raises(DataError, match=r"timestamps must hold timezone-aware timestamps \(UTC\), not "
                                        r"datetime64"):
        business_hours_mask(pd.Series(pd.to_datetime(["2026-01-05 00:00"])), kr)
    with pytest.raises(ParameterError, match=r"step '-5min' must be a positive duration"):
        business_hours_mask(utc("2026-01-05 00:00"), kr, step="-5min")
    with pytest.raises(ParameterError, match=r"step 'often' is not a duration"):
        business_hours_mask(utc("2026-01-05 00:00"), kr, step="often")


def test_business_hours_of_a_sample_month(catalog, sli):
    # February 2026 in the UK: 20 weekdays, no bank holiday, 10 hours = 200 h = 2400 five-minute buckets
    one = sli[(sli["service"] == "internal-wiki") & (sli["slo"] == "availability")]
    feb = one[(one["timestamp"] >= "2026-02-01T00:00Z") & (one["timestamp"] < "2026-03-01T00:00Z")]
    assert int(business_hours_mask(feb["timestamp"], catalog.schedule("uk-business-hours")).sum()) == 2400


# ------------------------------------------------------------------------------------------- exclusions


def test_exclusion_mask_bucket_overlap():
    times = utc(*[f"2026-01-01 00:{m:02d}" for m in range(0, 30, 5)])
    frame = pd.DataFrame({"timestamp": pd.concat([times, times], ignore_index=True),
                          "service": pd.Categorical(["a"] * 6 + ["b"] * 6)})
    windows = ivs(("2026-01-01 00:07", "2026-01-01 00:12"), ("2026-01-01 00:20", "2026-01-01 00:25"),
                  ("2026-01-01 00:08", "2026-01-01 00:09"), service=["a", "a", "c"])
    # a: [00:07, 00:12) overlaps buckets 00:05 and 00:10; [00:20, 00:25) is exactly bucket 00:20 (the 00:15
    # bucket ends where it starts, the 00:25 bucket starts where it ends); b and c are untouched
    got = exclusion_mask(frame, windows)
    assert got.tolist() == [False, True, True, False, True, False] + [False] * 6


def test_exclusion_mask_matches_brute_force_on_sample(sli):
    maintenance = read_dataset("maintenance")
    sample = sli.iloc[::97]
    got = exclusion_mask(sample, maintenance)
    t = sample["timestamp"].dt.tz_convert(None).to_numpy()
    want = np.zeros(len(sample), dtype=bool)
    for r in maintenance.itertuples():
        s, e = r.start.tz_convert(None).to_datetime64(), r.end.tz_convert(None).to_datetime64()
        hit = (sample["service"].astype(str).to_numpy() == r.service)
        want |= hit & (t < e) & (t + np.timedelta64(5, "m") > s)
    assert np.array_equal(got, want)
    assert want.any()


def test_exclusion_mask_errors():
    frame = pd.DataFrame({"timestamp": utc("2026-01-01 00:00"), "service": ["a"]})
    with pytest.raises(DataError, match=r"exclusion_mask: exclusions: missing column\(s\) 'service'"):
        exclusion_mask(frame, ivs(("2026-01-01 00:00", "2026-01-01 01:00")))
    with pytest.raises(DataError, match=r"exclusion_mask: frame: missing column\(s\) 'service'"):
        exclusion_mask(frame.drop(columns="service"),
                       ivs(("2026-01-01 00:00", "2026-01-01 01:00"), service=["a"]))
    bad = ivs(("2026-01-01 02:00", "2026-01-01 01:00"), service=["a"])
    msg = r"merge_intervals: row 1: 'end' \(2026-01-01 01:00:00\+00:00\) is before 'start'"
    with pytest.raises(DataError, match=msg):
        exclusion_mask(frame, bad)
    assert not exclusion_mask(frame, bad.iloc[:0]).any()


# ------------------------------------------------------------------------------------------- intervals


def test_merge_hand_example():
    f = ivs(("2026-01-01 10:00", "2026-01-01 11:00"), ("2026-01-01 10:30", "2026-01-01 12:00"),
            ("2026-01-01 12:00", "2026-01-01 12:10"), ("2026-01-01 13:00", "2026-01-01 13:00"),
            ("2026-01-01 10:15", "2026-01-01 10:20"), service=["a", "a", "a", "a", "b"])
    got = merge_intervals(f, by=("service",))
    # a: 10:00-11:00 and 10:30-12:00 overlap, 12:00-12:10 touches -> 10:00-12:10; the empty 13:00 is dropped
    assert got.equals(ivs(("2026-01-01 10:00", "2026-01-01 12:10"), ("2026-01-01 10:15", "2026-01-01 10:20"),
                          service=["a", "b"]))
    assert merge_intervals(f).equals(ivs(("2026-01-01 10:00", "2026-01-01 12:10")))


def test_subtract_intersect_clip_duration_hand_example():
    a = ivs(("2026-01-01 10:00", "2026-01-01 12:00"), ("2026-01-01 14:00", "2026-01-01 15:00"),
            service=["x", "y"])
    b = ivs(("2026-01-01 11:00", "2026-01-01 11:30"), ("2026-01-01 14:30", "2026-01-01 16:00"),
            ("2026-01-01 09:00", "2026-01-01 13:00"), service=["x", "x", "z"])
    # x: 10-12 minus 11-11:30 -> 10-11, 11:30-12; y has no b -> unchanged; b's second x window misses a
    assert subtract_intervals(a, b, by=("service",)).equals(ivs(
        ("2026-01-01 10:00", "2026-01-01 11:00"), ("2026-01-01 11:30", "2026-01-01 12:00"),
        ("2026-01-01 14:00", "2026-01-01 15:00"), service=["x", "x", "y"]))
    assert intersect_intervals(a, b, by=("service",)).equals(ivs(
        ("2026-01-01 11:00", "2026-01-01 11:30"), service=["x"]))
    # without groups every b window applies: 10-12 minus (9-13) is empty; 14-15 minus 14:30-16 -> 14-14:30
    assert subtract_intervals(a, b).equals(ivs(("2026-01-01 14:00", "2026-01-01 14:30")))
    clipped = clip_intervals(a, "2026-01-01T11:00Z", "2026-01-01T14:15Z")
    assert clipped.equals(ivs(("2026-01-01 11:00", "2026-01-01 12:00"),
                              ("2026-01-01 14:00", "2026-01-01 14:15"), service=["x", "y"]))
    assert interval_duration(clipped).tolist() == [H, pd.Timedelta(minutes=15)]
    assert clip_intervals(a, "2026-01-02T00:00Z", "2026-01-03T00:00Z").empty


def test_interval_errors():
    expected = r"merge_intervals: missing column\(s\) 'service'; found 'start', 'end'"
    with pytest.raises(DataError, match=expected):
        merge_intervals(ivs(("2026-01-01 10:00", "2026-01-01 11:00")), by=("service",))
    nat = pd.DataFrame({"start": utc("2026-01-01 10:00"),
                        "end": pd.Series([pd.NaT], dtype="datetime64[us, UTC]")})
    with pytest.raises(DataError,
                       match=r"merge_intervals: row 1: 'end' is missing \(NaT\); fill open intervals"):
        merge_intervals(nat)
    naive = pd.DataFrame({"start": pd.to_datetime(["2026-01-01"]), "end": pd.to_datetime(["2026-01-02"])})
    with pytest.raises(DataError, match=r"subtract_intervals: a: column 'start' must hold timezone-aware "
                                        r"timestamps"):
        subtract_intervals(naive, naive)
    with pytest.raises(DataError, match=r"interval_duration: expected a DataFrame, got list"):
        interval_duration([1, 2])


# property tests: intervals on an integer minute grid, checked against point membership
BASE = pd.Timestamp("2026-01-01T00:00Z")
UTC_US = "datetime64[us, UTC]"
interval_lists = st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 120), st.integers(0, 40)),
                          max_size=12)


def as_frame(items) -> pd.DataFrame:
    return pd.DataFrame({
        "service": [g for g, _, _ in items],
        "start": pd.Series([BASE + pd.Timedelta(minutes=s) for _, s, _ in items], dtype=UTC_US),
        "end": pd.Series([BASE + pd.Timedelta(minutes=s + d) for _, s, d in items], dtype=UTC_US),
    })


def covered(frame: pd.DataFrame, group: str) -> set[int]:
    """Half-minute points (in minutes * 2 + 1) covered by the group's intervals."""
    rows = frame[frame["service"] == group]
    s = ((rows["start"] - BASE) / pd.Timedelta(minutes=1)).astype(int)
    e = ((rows["end"] - BASE) / pd.Timedelta(minutes=1)).astype(int)
    return {2 * m + 1 for a, b in zip(s, e, strict=True) for m in range(a, b)}


@settings(max_examples=25, deadline=None)
@given(interval_lists, st.randoms(use_true_random=False))
def test_merge_is_idempotent_order_independent_and_exact(items, rnd):
    f = as_frame(items)
    merged = merge_intervals(f, by=("service",))
    assert merge_intervals(merged, by=("service",)).equals(merged)
    shuffled = f.sample(frac=1, random_state=rnd.randint(0, 2**31))
    assert merge_intervals(shuffled, by=("service",)).equals(merged)
    for g in "ab":
        assert covered(merged, g) == covered(f, g)
        rows = merged[merged["service"] == g]
        assert (rows["start"].iloc[1:].to_numpy() > rows["end"].iloc[:-1].to_numpy()).all()  # disjoint, apart


@settings(max_examples=25, deadline=None)
@given(interval_lists, interval_lists)
def test_subtract_and_intersect_partition_the_original(items_a, items_b):
    a, b = as_frame(items_a), as_frame(items_b)
    minus = subtract_intervals(a, b, by=("service",))
    both = intersect_intervals(a, b, by=("service",))
    whole = merge_intervals(a, by=("service",))
    assert interval_duration(minus).sum() + interval_duration(both).sum() == interval_duration(whole).sum()
    for g in "ab":
        assert covered(minus, g) == covered(a, g) - covered(b, g)
        assert covered(both, g) == covered(a, g) & covered(b, g)


def test_empty_frames_of_any_dtype():
    empty = pd.DataFrame(columns=["service", "start", "end"])
    assert merge_intervals(empty, by=("service",)).empty
    assert str(merge_intervals(empty)["start"].dtype) == "datetime64[us, UTC]"
    assert subtract_intervals(empty, empty, by=("service",)).empty
    assert intersect_intervals(empty, empty).empty
    assert interval_duration(empty).dtype == "timedelta64[us]"


def test_group_columns_keep_their_dtype():
    f = ivs(("2026-01-01 10:00", "2026-01-01 11:00"), service=pd.Categorical(["a"]))
    assert isinstance(merge_intervals(f, by=("service",))["service"].dtype, pd.CategoricalDtype)
    assert re.fullmatch(r"datetime64\[us, UTC\]", str(merge_intervals(f)["end"].dtype))


# ------------------------------------------------------------------------------------------ recurring windows
# Expected instants come from pandas' own time-zone conversion of the local wall times listed by hand (or by
# pd.date_range), independently of dateutil: London changes clocks on 2026-03-29 (01:00 GMT -> 02:00 BST) and
# 2026-10-25 (02:00 BST -> 01:00 GMT); New York on 2026-03-08 (02:00 EST -> 03:00 EDT) and 2026-11-01
# (02:00 EDT -> 01:00 EST).


def local_starts(walls, tz: str, **localize) -> pd.Series:
    """UTC instants of local wall-clock times, converted by pandas."""
    return pd.Series(pd.DatetimeIndex(walls).tz_localize(tz, **localize).tz_convert("UTC")).dt.as_unit("us")


def test_recurring_windows_every_sunday_across_the_spring_forward_weekend_in_london():
    from slm_analytics.windows import recurring_windows

    got = recurring_windows("FREQ=WEEKLY;BYDAY=SU", dtstart="2026-03-15 02:00", duration="1h",
                            tz="Europe/London", start="2026-03-14T00:00Z", end="2026-04-06T00:00Z")
    # the Sundays 15, 22, 29 March and 5 April at 02:00 local: 02:00 GMT, 02:00 GMT, 02:00 BST, 02:00 BST
    walls = pd.date_range("2026-03-15 02:00", "2026-04-05 02:00", freq="W-SUN")
    assert got["start"].tolist() == local_starts(walls, "Europe/London").tolist()
    assert got["start"].dt.hour.tolist() == [2, 2, 1, 1]  # UTC: the local time stays 02:00
    assert (got["end"] - got["start"]).eq(H).all()
    assert str(got["start"].dtype) == "datetime64[us, UTC]" and got.columns.tolist() == ["start", "end"]


def test_recurring_windows_every_sunday_across_the_fall_back_weekend_in_london():
    from slm_analytics.windows import recurring_windows

    got = recurring_windows("FREQ=WEEKLY;BYDAY=SU", dtstart="2026-01-04 02:00", duration="1h",
                            tz="Europe/London", start="2026-10-17T00:00Z", end="2026-11-02T00:00Z")
    walls = pd.date_range("2026-10-18 02:00", "2026-11-01 02:00", freq="W-SUN")  # 18 Oct, 25 Oct, 1 Nov
    assert got["start"].tolist() == local_starts(walls, "Europe/London").tolist()
    assert got["start"].dt.hour.tolist() == [1, 2, 2]


def test_recurring_start_in_the_spring_forward_gap_is_shifted_forward():
    from slm_analytics.windows import recurring_windows

    # 01:30 does not exist in London on 2026-03-29: shifted to 02:00 BST (01:00 UTC), as pandas'
    # nonexistent="shift_forward"; the window still lasts one hour of elapsed time
    got = recurring_windows("FREQ=WEEKLY;BYDAY=SU;COUNT=3", dtstart="2026-03-22 01:30", duration="1h",
                            tz="Europe/London")
    walls = pd.DatetimeIndex(["2026-03-22 01:30", "2026-03-29 01:30", "2026-04-05 01:30"])
    expected = local_starts(walls, "Europe/London", nonexistent="shift_forward")
    assert got["start"].tolist() == expected.tolist()
    assert got["start"].iloc[1] == pd.Timestamp("2026-03-29 01:00", tz="UTC")
    assert got["end"].iloc[1] == pd.Timestamp("2026-03-29 02:00", tz="UTC")  # 03:00 BST


def test_recurring_start_in_the_fall_back_fold_is_its_first_occurrence():
    from slm_analytics.windows import recurring_windows

    # 01:30 happens twice in London on 2026-10-25 (BST, then GMT): the first, 00:30 UTC; one hour of elapsed
    # time later is 01:30 UTC, i.e. the second 01:30 on the clock
    got = recurring_windows("FREQ=WEEKLY;BYDAY=SU;COUNT=2", dtstart="2026-10-25 01:30", duration="1h",
                            tz="Europe/London")
    expected = local_starts(["2026-10-25 01:30", "2026-11-01 01:30"], "Europe/London",
                            ambiguous=np.array([True, False]))
    assert got["start"].tolist() == expected.tolist()
    assert got["start"].iloc[0] == pd.Timestamp("2026-10-25 00:30", tz="UTC")
    assert got["end"].iloc[0] == pd.Timestamp("2026-10-25 01:30", tz="UTC")


def test_recurring_windows_new_york_both_changes():
    from slm_analytics.windows import recurring_windows

    # every Sunday 02:30 New York: on 2026-03-08 02:30 does not exist (-> 03:00 EDT = 07:00 UTC); on
    # 2026-11-01 01:30 would be ambiguous but 02:30 is not (EST, 07:30 UTC)
    got = recurring_windows("FREQ=WEEKLY;BYDAY=SU", dtstart="2026-03-01 02:30", duration="30m",
                            tz="America/New_York", start="2026-03-01T00:00Z", end="2026-03-16T00:00Z")
    assert got["start"].tolist() == utc("2026-03-01 07:30", "2026-03-08 07:00", "2026-03-15 06:30").tolist()
    fall = recurring_windows("FREQ=DAILY;BYHOUR=1;BYMINUTE=30;BYSECOND=0", dtstart="2026-10-31 00:00",
                             duration="10m", tz="America/New_York", start="2026-10-31T00:00Z",
                             end="2026-11-03T00:00Z")
    # 01:30 EDT (05:30 UTC) on 31 Oct; on 1 Nov the first 01:30 (EDT, 05:30 UTC); 01:30 EST (06:30) on 2 Nov
    assert fall["start"].tolist() == utc("2026-10-31 05:30", "2026-11-01 05:30", "2026-11-02 06:30").tolist()


def test_recurring_windows_count_until_and_until_argument():
    from slm_analytics.windows import recurring_windows

    kw = {"dtstart": "2026-01-04 02:00", "duration": "90m", "tz": "UTC"}
    assert len(recurring_windows("FREQ=WEEKLY;COUNT=4", **kw)) == 4
    # UNTIL is inclusive (RFC 5545): the occurrence starting exactly at UNTIL counts; 4 Jan to 25 Jan = 4
    assert len(recurring_windows("FREQ=WEEKLY;UNTIL=20260125T020000Z", **kw)) == 4
    assert len(recurring_windows("FREQ=WEEKLY;UNTIL=20260125T015959Z", **kw)) == 3
    assert len(recurring_windows("FREQ=WEEKLY", until="2026-01-25 02:00", **kw)) == 4
    # a naive until is wall time in tz: 02:00 London on 1 Feb = 02:00 UTC in winter, so 1 Feb is included
    got = recurring_windows("FREQ=WEEKLY", until="2026-02-01 02:00", **{**kw, "tz": "Europe/London"})
    assert got["start"].iloc[-1] == pd.Timestamp("2026-02-01 02:00", tz="UTC") and len(got) == 5


def test_recurring_windows_overlapping_the_period_are_listed_whole():
    from slm_analytics.windows import recurring_windows

    # daily 23:00-01:00 UTC: the window of 31 Jan overlaps a February period and is listed whole
    got = recurring_windows("FREQ=DAILY", dtstart="2026-01-01 23:00", duration="2h", tz="UTC",
                            start="2026-02-01T00:00Z", end="2026-02-03T00:00Z")
    assert got["start"].tolist() == utc("2026-01-31 23:00", "2026-02-01 23:00", "2026-02-02 23:00").tolist()
    assert recurring_windows("FREQ=DAILY", dtstart="2026-03-01 23:00", duration="2h",
                             start="2026-02-01T00:00Z", end="2026-02-03T00:00Z").empty  # before DTSTART


def test_recurring_windows_dtstart_line_exdate_and_monthly_rule():
    from slm_analytics.windows import recurring_windows

    # first Sunday of each month, 02:00 New York, 3 times, the February one skipped by EXDATE: 4 Jan, 1 Mar
    rule = ("DTSTART;TZID=America/New_York:20260104T020000\nRRULE:FREQ=MONTHLY;BYDAY=1SU;COUNT=3\n"
            "EXDATE;TZID=America/New_York:20260201T020000")
    got = recurring_windows(rule, duration="1h", tz="America/New_York")
    assert got["start"].tolist() == utc("2026-01-04 07:00", "2026-03-01 07:00").tolist()  # EST, UTC-5
    # the same start given twice (the rule's DTSTART and dtstart) is accepted
    same = recurring_windows("DTSTART:20260104T020000 RRULE:FREQ=WEEKLY;COUNT=2", dtstart="2026-01-04 02:00",
                             duration="1h")
    assert len(same) == 2


def test_recurring_windows_equal_the_one_off_listing_for_exclusions():
    from slm_analytics.windows import recurring_windows

    rec = recurring_windows("FREQ=WEEKLY;BYDAY=SU", dtstart="2026-03-01 02:00", duration="1h",
                            tz="Europe/London", start="2026-03-01T00:00Z", end="2026-04-01T00:00Z")
    listed = pd.DataFrame({"start": local_starts(pd.date_range("2026-03-01 02:00", periods=5, freq="7D"),
                                                 "Europe/London")})
    listed["end"] = listed["start"] + H
    pd.testing.assert_frame_equal(rec, listed)
    sli = pd.DataFrame({"timestamp": pd.date_range("2026-03-01", "2026-04-01", freq="5min", tz="UTC",
                                                   unit="us", inclusive="left"), "service": "api"})
    a = exclusion_mask(sli, rec.assign(service="api"))
    assert a.sum() == 5 * 12  # five one-hour windows of twelve 5-minute buckets
    np.testing.assert_array_equal(a, exclusion_mask(sli, listed.assign(service="api")))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rule": "FREQ=WEEKLY"},
     "rule 'FREQ=WEEKLY' never ends (no COUNT or UNTIL): give the period to list (start= and end=), or end "
     "the rule"),
    ({"rule": "FREQ=HOURLY", "duration": "2h", "start": "2026-01-04T00:00Z", "end": "2026-01-05T00:00Z"},
     "rule 'FREQ=HOURLY' gives overlapping windows: the one starting 2026-01-04 02:00 UTC lasts 0 days "
     "02:00:00 but the next starts 2026-01-04 03:00 UTC; shorten the duration below the time between two "
     "occurrences"),
    ({"rule": "FREQ=WEEKLY;COUNT=2", "until": "2026-02-01 00:00"},
     "rule 'FREQ=WEEKLY;COUNT=2' ends by itself (COUNT or UNTIL) and an end (until) is given too; give the "
     "end of the recurrence once"),
    ({"rule": "FREQ=WEEKLY", "until": "2026-01-01 00:00"},
     "rule 'FREQ=WEEKLY' has no occurrence before its end 2026-01-01 00:00 UTC: its first occurrence starts "
     "2026-01-04 02:00 UTC"),
    ({"rule": "FREQ=WEEKLY", "start": "2026-01-04T00:00Z"},
     "give both start and end (the period to list) or neither; got start='2026-01-04T00:00Z', end=None"),
    ({"rule": "FREQ=WEEKLY", "dtstart": None},
     "rule 'FREQ=WEEKLY' has no start: give dtstart (the first occurrence's start, wall-clock time in tz) or "
     "a DTSTART line"),
    ({"rule": "FREQ=MINUTELY", "duration": "30s", "start": "2026-01-04T00:00Z", "end": "2026-05-01T00:00Z"},
     "rule 'FREQ=MINUTELY' gives more than 100,000 occurrences from 2026-01-04 02:00 to 2026-05-02 00:00 "
     "(UTC); check FREQ and INTERVAL, or list a shorter period"),
    ({"rule": "FREQ=WEEKLY", "duration": "month"},
     "duration 'month' is a calendar period; a window lasts a fixed time such as '1h' or '90m'"),
    ({"rule": "FREQ=WEEKLY", "tz": "Mars/Olympus"},
     "unknown time zone 'Mars/Olympus'"),
])
def test_recurring_windows_refused(kwargs, message):
    from slm_analytics.windows import recurring_windows

    args = {"dtstart": "2026-01-04 02:00", "duration": "1h", "tz": "UTC", **kwargs}
    with pytest.raises(ParameterError, match=re.escape(message)):
        recurring_windows(args.pop("rule"), **args)


@settings(max_examples=30, deadline=None)
@given(freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]), interval=st.integers(1, 3),
       minutes=st.integers(1, 600), hour=st.integers(0, 23), tz=st.sampled_from(["UTC", "Europe/London",
                                                                                  "America/New_York"]))
def test_recurring_windows_are_sorted_disjoint_and_last_the_duration(freq, interval, minutes, hour, tz):
    from slm_analytics.windows import recurring_windows

    got = recurring_windows(f"FREQ={freq};INTERVAL={interval}", dtstart=f"2026-01-01 {hour:02d}:30",
                            duration=f"{minutes}m", tz=tz, start="2026-01-01T00:00Z", end="2027-01-01T00:00Z")
    assert (got["end"] - got["start"]).eq(pd.Timedelta(minutes=minutes)).all()
    assert (got["start"].iloc[1:].to_numpy() >= got["end"].iloc[:-1].to_numpy()).all()
    pd.testing.assert_frame_equal(merge_intervals(got), got)  # already the union's disjoint intervals


def test_maintenance_windows_of_the_catalog_recur_in_the_service_time_zone():
    from slm_analytics.catalog import RecurringWindow
    from slm_analytics.windows import maintenance_windows

    catalog = read_dataset("catalog")
    sunday = RecurringWindow(rrule="FREQ=WEEKLY;BYDAY=SU", start="2026-01-04T02:00", duration="1h",
                             reason="patching")
    seoul = RecurringWindow(rrule="FREQ=WEEKLY;BYDAY=SU", start="2026-01-04T02:00", duration="1h",
                            timezone="Asia/Seoul", reason="db")
    services = tuple(s.model_copy(update={"maintenance": (sunday,)}) if s.name == "payments" else
                     s.model_copy(update={"maintenance": (seoul,)}) if s.name == "email" else s
                     for s in catalog.services)
    catalog = catalog.model_copy(update={"services": services})
    got = maintenance_windows(catalog, start="2026-06-06T00:00Z", end="2026-06-08T00:00Z")
    # payments is a London service: 02:00 BST = 01:00 UTC; email's window says Seoul: 02:00 KST = 17:00 UTC
    # the day before (Saturday 6 June)
    assert got[["service", "reason"]].values.tolist() == [["email", "db"], ["payments", "patching"]]
    assert got["start"].tolist() == utc("2026-06-06 17:00", "2026-06-07 01:00").tolist()
    none = maintenance_windows(read_dataset("catalog"), start="2026-06-06T00:00Z", end="2026-06-08T00:00Z")
    assert none.empty and none.columns.tolist() == ["service", "start", "end", "reason"]


def test_maintenance_windows_error_names_service_and_window():
    from slm_analytics.catalog import RecurringWindow
    from slm_analytics.windows import maintenance_windows

    catalog = read_dataset("catalog")
    # 90 minutes every hour: the catalog accepts the rule (overlaps show only when windows are listed)
    hourly = RecurringWindow(rrule="FREQ=HOURLY", start="2026-01-04T02:00", duration="90m", reason="sync")
    services = tuple(s.model_copy(update={"maintenance": (hourly,)}) if s.name == "login" else s
                     for s in catalog.services)
    message = "service 'login': maintenance[0] ('sync'), in UTC: rule 'FREQ=HOURLY' gives overlapping windows"
    with pytest.raises(DefinitionError, match=re.escape(message)):
        maintenance_windows(catalog.model_copy(update={"services": services}), start="2026-01-04T00:00Z",
                            end="2026-01-05T00:00Z")


def test_a_rule_on_a_day_no_month_has_is_refused_at_once():
    # 30 February never exists (February has at most 29 days); dateutil alone would search to year 9999
    from slm_analytics.windows import parse_recurrence

    with pytest.raises(ParameterError) as info:
        parse_recurrence("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", duration="1h", tz="Europe/London",
                         dtstart="2026-01-04T02:00")
    assert str(info.value) == ("rule 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30' never occurs: no month of "
                               "BYMONTH=2 has day 30 (the longest has 29 days)")
    # 30 April exists: the same check lets it through (first one after 4 January 2026, BST = UTC+1)
    rec = parse_recurrence("FREQ=DAILY;BYMONTH=2,4;BYMONTHDAY=30", duration="1h", tz="Europe/London",
                           dtstart="2026-01-04T02:00")
    assert rec.first == pd.Timestamp("2026-04-30T01:00Z")
