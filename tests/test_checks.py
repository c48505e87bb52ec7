"""Tests for slm_analytics._checks: the argument, column, count, time-zone and step checks modules share.

Expected values are hand calculations (shown in comments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slm_analytics._checks import (
    as_utc,
    check_counts,
    check_int,
    check_target,
    check_tz,
    infer_step,
    require_columns,
)
from slm_analytics.errors import DataError, ParameterError


def test_require_columns():
    frame = pd.DataFrame({"timestamp": [], "good": [], "total": []})
    require_columns(frame, ["good", "total"], "x")  # all present: silent
    require_columns(frame, (c for c in ("timestamp",)), "x")  # any iterable of names
    with pytest.raises(DataError, match=r"^ratio_sli: missing column\(s\) 'service', 'slo'; found "
                                        r"'timestamp', 'good', 'total'$"):
        require_columns(frame, ["service", "slo", "good"], "ratio_sli")
    with pytest.raises(DataError, match=r"^x: missing column\(s\) 'good'; found none$"):
        require_columns(pd.DataFrame(), ["good"], "x")
    with pytest.raises(DataError, match=r"^x: expected a DataFrame, got list$"):
        require_columns([1, 2], ["good"], "x")


def test_check_counts_names_the_first_bad_row():
    check_counts(np.array([0, 5, 10]), np.array([0, 10, 10]), "ok")  # 0 <= good <= total: silent
    with pytest.raises(DataError, match=r"^x: row 3: good \(11\) and total \(10\) must satisfy 0 <= good <= "
                                        r"total; good events are a subset of all events$"):
        check_counts(np.array([1, 2, 11, 12]), np.array([10, 10, 10, 10]), "x")
    with pytest.raises(DataError, match=r"x: row 2: good \(-1\) and total \(0\)"):
        check_counts(np.array([0, -1]), np.array([0, 0]), "x")
    # whole floats are written as integers, others as they are
    with pytest.raises(DataError, match=r"x: row 1: good \(2.5\) and total \(2\)"):
        check_counts(np.array([2.5]), np.array([2.0]), "x")


@pytest.mark.parametrize("bad", [99.9, 0, 1, "0.999", True, float("nan")])
def test_check_target_refuses(bad):
    with pytest.raises(ParameterError, match=r"target .* is outside \(0, 1\): write 99.9 % as 0.999"):
        check_target(bad)


def test_check_target_up_to_one():
    assert check_target(1, "timeslice_target", upto_one=True) == 1.0  # every event of the slice good
    with pytest.raises(ParameterError, match=r"timeslice_target 1.5 is outside \(0, 1\]"):
        check_target(1.5, "timeslice_target", upto_one=True)


def test_check_int():
    assert check_int(np.int64(3), "n") == 3
    with pytest.raises(ParameterError, match=r"n_paths 0 must be an integer >= 1"):
        check_int(0, "n_paths")
    with pytest.raises(ParameterError, match=r"n True must be an integer >= 1"):
        check_int(True, "n")


def test_check_tz():
    assert check_tz("Europe/London") == "Europe/London"
    with pytest.raises(ParameterError, match=r"unknown time zone 'Mars/Olympus': expected an IANA name"):
        check_tz("Mars/Olympus")


def test_as_utc():
    # 01:00 in London in summer (UTC+1) is midnight UTC
    assert as_utc("2026-07-01T01:00+01:00", "start") == pd.Timestamp("2026-07-01", tz="UTC")
    with pytest.raises(ParameterError, match=r"start '2026-07-01' has no time zone"):
        as_utc("2026-07-01", "start")
    with pytest.raises(ParameterError, match=r"end 'soon' is not a timestamp"):
        as_utc("soon", "end")


def test_infer_step():
    five = pd.Timedelta(minutes=5)
    times = pd.Series(pd.to_datetime(["2026-01-01 00:00", "2026-01-01 00:20", "2026-01-01 00:05",
                                      "2026-01-01 00:05"], utc=True))
    assert infer_step(times) == five  # gaps 5 and 15 minutes (a missing bucket): their divisor
    assert infer_step(times.dt.as_unit("us").array.asi8) == five  # int64 microseconds
    assert infer_step(times.iloc[:1]) is None  # one time: unknown


@pytest.mark.parametrize(("found", "hint"), [
    ("total ", "column 'total ' has a trailing space: rename it 'total'"),
    ("\ttotal", "column '\\ttotal' has a leading tab: rename it 'total'"),
    ("\ufefftotal", "column '\\ufefftotal' has an invisible character (U+FEFF, a byte order mark): rename it "
                   "'total'"),
    ("Total", "column 'Total' differs from 'total' in upper/lower case: rename it 'total'"),
])
def test_require_columns_points_out_a_near_miss(found, hint):
    # issue 9: 'total ' was invisible in the message; the names found are quoted and the near miss named
    frame = pd.DataFrame(columns=["good", found])
    expected = f"x: missing column(s) 'total'; found 'good', {found!r}; {hint}"
    with pytest.raises(DataError) as info:
        require_columns(frame, ["good", "total"], "x")
    assert str(info.value) == expected


def test_integer_counts_refuses_unsigned_counts_beyond_int64():
    # 2**63 in a uint64 column would wrap to a negative count in int64 sums
    from slm_analytics._checks import integer_counts

    frame = pd.DataFrame({"good": np.array([1, 2**63], dtype=np.uint64),
                          "total": np.array([2, 2**63], dtype=np.uint64)})
    with pytest.raises(DataError, match=r"^x: row 2: column 'good' \(9223372036854775808\) exceeds the "
                       r"largest count supported, 9223372036854775807$"):
        integer_counts(frame, "good", "total", "x")
