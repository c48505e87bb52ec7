"""Tests for slm_analytics.review.period: review months and quarters, cut in each service's time zone.

Expected bounds and periods are worked out by hand in the comments, from the time-zone rules: New York is
UTC-4 in summer (EDT) and UTC-5 in winter (EST), switching on 8 March and 1 November 2026 (2:00 local);
London is UTC+1 (BST) from 29 March to 25 October 2026, UTC otherwise.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from slm_analytics.catalog import Catalog, Service
from slm_analytics.errors import InsufficientDataError, ParameterError
from slm_analytics.review.inputs import latest_complete_month
from slm_analytics.review.period import (
    ReviewPeriod,
    complete_periods,
    last_complete_period,
    parse_period,
    periods_covered,
    previous,
    resolve_period,
)

ZONES = {"nyc": "America/New_York", "ldn": "Europe/London", "utc": "UTC"}
CATALOG = Catalog(services=[Service(name=name, owner="team", tier=1, users=1, business_weight=1, timezone=tz)
                            for name, tz in ZONES.items()])


def sli(start: str, end: str, services=tuple(ZONES), freq: str = "5min") -> pd.DataFrame:
    """5-minute buckets from ``start`` to ``end`` (last bucket start, UTC) for each service."""
    times = pd.date_range(start, end, freq=freq, tz="UTC", unit="us")
    return pd.concat([pd.DataFrame({"timestamp": times, "service": s, "slo": "a", "good": 1, "total": 1})
                      for s in services], ignore_index=True)


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


# ---- parsing

@pytest.mark.parametrize(("text", "expected"), [
    ("2026-10", ReviewPeriod("2026-10", "month")),
    ("2026-01", ReviewPeriod("2026-01", "month")),
    ("2026-Q1", ReviewPeriod("2026-Q1", "quarter")),
    ("2026-Q4", ReviewPeriod("2026-Q4", "quarter")),
    ("last-complete-month", "last-complete-month"),
    ("last-complete-quarter", "last-complete-quarter"),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("bad", [
    "2026-13", "2026-00", "2026-1", "26-10", "2026-Q5", "2026-Q0", "2026Q3", "2026-q3", "latest",
    "last-complete-year", " 2026-10", "2026-10 ", "", "2026-10-01", 202610, None,
])
def test_parse_period_refuses_anything_else(bad):
    message = (rf"period {re.escape(repr(bad))} is not a review period; expected 'YYYY-MM' \(a month, e\.g\. "
               r"'2026-10'\), 'YYYY-Qn' \(a quarter, n 1 to 4, e\.g\. '2026-Q3'\), 'last-complete-month' or "
               r"'last-complete-quarter'$")
    with pytest.raises(ParameterError, match=message):
        parse_period(bad)


def test_parse_period_quotes_a_long_value_cut():
    with pytest.raises(ParameterError, match=r"period '2026-1000000.*\(2003 characters\) is not"):
        parse_period("2026-1" + "0" * 1995)


def test_review_period_checks_its_label():
    with pytest.raises(ParameterError, match=r"quarter '2026-10' is not a calendar quarter; expected"):
        ReviewPeriod("2026-10", "quarter")
    with pytest.raises(ParameterError, match=r"month '2026-Q1' is not a calendar month; expected 'YYYY-MM'"):
        ReviewPeriod("2026-Q1", "month")
    with pytest.raises(ParameterError, match=r"period kind 'year' is not one of 'month', 'quarter'"):
        ReviewPeriod("2026", "year")  # type: ignore[arg-type]


# ---- bounds

def test_month_bounds_across_the_autumn_clock_change():
    # October in New York: 1 Oct 00:00 EDT (04:00 UTC) to 1 Nov 00:00 EDT (04:00 UTC; EST starts at 2:00)
    start, end = ReviewPeriod("2026-10", "month").bounds("America/New_York")
    assert (start, end) == (utc("2026-10-01 04:00"), utc("2026-11-01 04:00"))
    assert str(start.tz) == "America/New_York"
    # November in New York: 1 Nov 00:00 EDT (04:00 UTC) to 1 Dec 00:00 EST (05:00 UTC): 30 days and an hour
    start, end = ReviewPeriod("2026-11", "month").bounds("America/New_York")
    assert (start, end) == (utc("2026-11-01 04:00"), utc("2026-12-01 05:00"))
    assert end - start == pd.Timedelta(days=30, hours=1)


def test_month_bounds_across_the_spring_clock_change():
    # March in London: 1 Mar 00:00 GMT to 1 Apr 00:00 BST (31 Mar 23:00 UTC): 31 days less an hour
    start, end = ReviewPeriod("2026-03", "month").bounds("Europe/London")
    assert (start, end) == (utc("2026-03-01 00:00"), utc("2026-03-31 23:00"))
    assert end - start == pd.Timedelta(days=31) - pd.Timedelta(hours=1)
    # March in New York: 1 Mar 00:00 EST (05:00 UTC) to 1 Apr 00:00 EDT (04:00 UTC)
    assert ReviewPeriod("2026-03", "month").bounds("America/New_York") == (utc("2026-03-01 05:00"),
                                                                            utc("2026-04-01 04:00"))


def test_quarter_bounds_are_its_three_months():
    # Q4 2026 in New York: 1 Oct 00:00 EDT (04:00 UTC) to 1 Jan 2027 00:00 EST (05:00 UTC)
    q4 = ReviewPeriod("2026-Q4", "quarter")
    assert q4.months == ("2026-10", "2026-11", "2026-12")
    assert q4.bounds("America/New_York") == (utc("2026-10-01 04:00"), utc("2027-01-01 05:00"))
    assert q4.bounds() == (utc("2026-10-01"), utc("2027-01-01"))
    assert ReviewPeriod("2026-Q1", "quarter").months == ("2026-01", "2026-02", "2026-03")


@pytest.mark.parametrize(("label", "kind", "expected"), [
    ("2026-10", "month", "2026-09"),
    ("2026-01", "month", "2025-12"),  # across the year boundary
    ("2026-Q3", "quarter", "2026-Q2"),
    ("2026-Q1", "quarter", "2025-Q4"),  # across the year boundary
])
def test_previous(label, kind, expected):
    assert previous(ReviewPeriod(label, kind)) == ReviewPeriod(expected, kind)


# ---- New York against London on the same data

def test_last_complete_month_new_york_against_london():
    # data to the bucket starting 2026-10-31 23:55 UTC: it ends at 1 Nov 00:00 UTC, which is 31 Oct 20:00 in
    # New York (October ends there at 1 Nov 04:00 UTC) and 1 Nov 00:00 in London (GMT since 25 October)
    data = sli("2026-06-01", "2026-10-31 23:55")
    got = {s: resolve_period("last-complete-month", data, CATALOG, service=s).label for s in ZONES}
    assert got == {"nyc": "2026-09", "ldn": "2026-10", "utc": "2026-10"}


def test_last_complete_quarter_new_york_against_london():
    # the same end: Q4 is not complete anywhere; Q3 (from 1 Jul 00:00 local) is, for data from 1 June
    data = sli("2026-06-01", "2026-10-31 23:55")
    got = {s: resolve_period("last-complete-quarter", data, CATALOG, service=s) for s in ZONES}
    assert set(got.values()) == {ReviewPeriod("2026-Q3", "quarter")}


def test_a_quarter_starting_before_the_data_is_not_complete():
    # data from 1 Jul 00:00 UTC: Q3 in London starts at 1 Jul 00:00 BST = 30 Jun 23:00 UTC, an hour before
    # the data, so London has no complete quarter; New York's Q3 starts at 1 Jul 04:00 UTC, inside the data
    data = sli("2026-07-01", "2026-10-31 23:55")
    assert resolve_period("last-complete-quarter", data, CATALOG, service="nyc").label == "2026-Q3"
    assert resolve_period("last-complete-quarter", data, CATALOG, service="utc").label == "2026-Q3"
    message = (r"service 'ldn': no complete calendar quarter \(Europe/London\) in data from 2026-07-01 01:00 "
               r"to 2026-11-01 00:00; 2026-Q3 would need data from 2026-07-01 00:00$")
    with pytest.raises(InsufficientDataError, match=message):
        resolve_period("last-complete-quarter", data, CATALOG, service="ldn")


def test_quarters_across_a_year_boundary():
    # data to 31 Dec 2026 23:55 UTC ends at 1 Jan 2027 00:00 UTC: Q4 is complete in London and UTC; in New
    # York it is 31 Dec 19:00 EST, so Q4 (to 1 Jan 05:00 UTC) is not and the last complete quarter is Q3
    data = sli("2026-06-01", "2026-12-31 23:55")
    assert resolve_period("last-complete-quarter", data, CATALOG, service="ldn").label == "2026-Q4"
    assert resolve_period("last-complete-quarter", data, CATALOG, service="nyc").label == "2026-Q3"
    # an hour later in the new year (to 1 Jan 2027 05:00 UTC) New York's Q4 is complete too
    later = sli("2026-06-01", "2027-01-01 04:55")
    assert resolve_period("last-complete-quarter", later, CATALOG, service="nyc").label == "2026-Q4"
    assert resolve_period("last-complete-month", later, CATALOG, service="nyc").label == "2026-12"


def test_each_service_is_judged_on_its_own_data():
    # London's data stops a day earlier than New York's: London's October is then incomplete
    data = pd.concat([sli("2026-06-01", "2026-11-01 04:55", services=["nyc"]),
                      sli("2026-06-01", "2026-10-30 23:55", services=["ldn"])], ignore_index=True)
    assert resolve_period("last-complete-month", data, CATALOG, service="nyc").label == "2026-10"
    assert resolve_period("last-complete-month", data, CATALOG, service="ldn").label == "2026-09"


def test_an_absolute_period_is_returned_as_given():
    data = sli("2026-06-01", "2026-10-31 23:55")
    assert resolve_period("2025-02", data, CATALOG, service="nyc") == ReviewPeriod("2025-02", "month")
    assert resolve_period("2026-Q4", data, CATALOG, service="nyc") == ReviewPeriod("2026-Q4", "quarter")


def test_resolve_period_errors():
    data = sli("2026-10-05", "2026-10-31 23:55")
    message = (r"service 'nyc': no complete calendar month \(America/New_York\) in data from "
               r"2026-10-04 20:00 to 2026-10-31 20:00; 2026-09 would need data from 2026-09-01 00:00$")
    with pytest.raises(InsufficientDataError, match=message):
        resolve_period("last-complete-month", data, CATALOG, service="nyc")
    with pytest.raises(ParameterError, match=r"service 'shop': unknown service 'shop'; the catalog has"):
        resolve_period("last-complete-month", data, CATALOG, service="shop")
    with pytest.raises(ParameterError, match=r"period 'last-month' is not a review period"):
        resolve_period("last-month", data, CATALOG, service="nyc")
    lone = sli("2026-06-01", "2026-10-31 23:55", services=["nyc"])
    with pytest.raises(InsufficientDataError,
                       match=r"service 'ldn': 0 distinct timestamp\(s\) in the SLI data of service 'ldn'"):
        resolve_period("last-complete-month", lone, CATALOG, service="ldn")


# ---- the periods the data covers

def test_periods_covered():
    # data from 15 Jun to the end of 31 Oct UTC: July to September everywhere, October where it has ended
    data = sli("2026-06-15", "2026-10-31 23:55")
    months = {s: [p.label for p in periods_covered(data, CATALOG, service=s)] for s in ZONES}
    assert months == {"nyc": ["2026-07", "2026-08", "2026-09"],
                      "ldn": ["2026-07", "2026-08", "2026-09", "2026-10"],
                      "utc": ["2026-07", "2026-08", "2026-09", "2026-10"]}
    q3 = ReviewPeriod("2026-Q3", "quarter")
    assert periods_covered(data, CATALOG, service="ldn", kind="quarter") == [q3]
    # the last one is what last-complete-* resolves to
    for s in ZONES:
        assert periods_covered(data, CATALOG, service=s)[-1] == resolve_period(
            "last-complete-month", data, CATALOG, service=s)


def test_periods_covered_can_be_empty():
    data = sli("2026-10-05", "2026-10-31 23:55")
    assert periods_covered(data, CATALOG, service="ldn", kind="quarter") == []


def test_complete_periods_refuses_an_unknown_kind():
    with pytest.raises(ParameterError, match=r"period kind 'week' is not one of 'month', 'quarter'"):
        complete_periods(utc("2026-01-01"), utc("2026-03-01"), kind="week")  # type: ignore[arg-type]


# ---- latest_complete_month is the UTC month case of the same code

@pytest.mark.parametrize(("start", "end"), [
    ("2026-01-01 00:00", "2026-02-28 23:55"), ("2026-01-15 00:00", "2026-03-01 00:00"),
    ("2025-12-01 12:00", "2026-02-28 23:55"), ("2026-02-01 00:00", "2026-11-01 03:55"),
])
@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Europe/London", "Asia/Seoul"])
def test_latest_complete_month_is_last_complete_period(start, end, tz):
    data = sli(start, end, services=["utc"])
    first, stop = utc(start), utc(end) + pd.Timedelta(minutes=5)

    def outcome(f):
        try:
            return f()
        except InsufficientDataError as exc:  # e.g. New York's January from 15 Jan 00:00 UTC: no whole month
            return str(exc)

    assert outcome(lambda: latest_complete_month(data, tz=tz)) == outcome(
        lambda: last_complete_period(first, stop, kind="month", tz=tz).label)
