"""The periodic review end to end: quarters, two months in a row and what changed, the portfolio's summary.

Real notebooks run here (checkout for two months, search for a quarter): each expected number is computed
independently from the raw SLI rows (plain sums over the period cut in the service's time zone), never read
back from the code under test.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from slm_analytics.data import read_dataset
from slm_analytics.review import (
    BatchParameters,
    executive_summary,
    month_sla,
    read_summary,
    run_batch,
    run_review,
    summary_diff,
)
from slm_analytics.sla import sla_attainment


def plain_attainment(sli: pd.DataFrame, service: str, slo: str, start: str, end: str, tz: str) -> float:
    """good / total of the rows in [start, end) local time: an events SLO's attainment by hand."""
    lo, hi = pd.Timestamp(start, tz=tz), pd.Timestamp(end, tz=tz)
    rows = sli[(sli["service"] == service) & (sli["slo"] == slo) & (sli["timestamp"] >= lo)
               & (sli["timestamp"] < hi)]
    return rows["good"].sum() / rows["total"].sum()


@pytest.fixture(scope="module")
def sli():
    return read_dataset("sli_5min")


@pytest.fixture(scope="module")
def two_months(tmp_path_factory):
    """``make review`` in small: the last complete month of checkout and the month before, oldest first."""
    out = tmp_path_factory.mktemp("reports")
    params = BatchParameters(notebooks=["service-review"], services=["checkout"],
                             period="last-complete-month", data_dir="", output=str(out))
    runs = run_batch(params, history=2)
    assert all(run.ok for run in runs), [r.error for run in runs for r in run.reports]
    return out, runs


def test_history_reviews_the_month_before_first(two_months):
    out, runs = two_months
    assert [run.period for run in runs] == ["2026-09", "2026-10"]  # the data ends 2026-10-31 23:55 UTC
    assert (out / "2026-09" / "checkout.summary.json").is_file()
    assert (out / "2026-10" / "checkout.summary.json").is_file()
    top = (out / "index.html").read_text()  # the index of every period, latest first
    assert top.index('href="2026-10/index.html"') < top.index('href="2026-09/index.html"')


def test_the_first_review_finds_no_previous_one(two_months):
    out, _ = two_months
    text = (out / "2026-09" / "checkout.html").read_text()
    assert "No previous review found" in text


def test_the_second_review_shows_what_changed(two_months, sli):
    out, _ = two_months
    text = re.sub(r"\s+", " ", (out / "2026-10" / "checkout.html").read_text())
    assert "2026-10 compared with 2026-09" in text
    assert "2026-10 beside 2026-09" in text  # the executive summary's previous status column
    # availability by hand in London time for both months; the report's delta in percentage points
    sep = plain_attainment(sli, "checkout", "availability", "2026-09-01", "2026-10-01", "Europe/London")
    oct_ = plain_attainment(sli, "checkout", "availability", "2026-10-01", "2026-11-01", "Europe/London")
    changes = text.split("What changed since the last review", 1)[1]
    shown = re.search(r"<td>availability</td><td>([\d.]+)%</td><td>([\d.]+)%</td><td>([+-][\d.]+) pp</td>",
                      changes)
    assert shown is not None
    assert float(shown.group(1)) == pytest.approx(sep * 100, abs=0.0005)
    assert float(shown.group(2)) == pytest.approx(oct_ * 100, abs=0.0005)
    assert float(shown.group(3)) == pytest.approx((oct_ - sep) * 100, abs=0.0015)


def test_the_diff_of_the_written_summaries_matches_the_report(two_months):
    out, _ = two_months
    before = read_summary(out / "2026-09" / "checkout.summary.json")
    now = read_summary(out / "2026-10" / "checkout.summary.json")
    diff = summary_diff(before, now)
    assert diff.found and diff.previous_period == "2026-09"
    assert diff.attainment["slo"].tolist() == ["availability", "latency", "uptime"]
    head = executive_summary(now, previous=before)
    assert [r["previous"] for r in head.slo_rows()] == [s["status"] for s in before["slos"]]


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    """The quarterly review of search (New York time) for 2026-Q3."""
    out = tmp_path_factory.mktemp("reports")
    run = run_review(out_dir=out, period="2026-Q3", services=["search"])
    assert run.ok, run.to_frame()["error"].tolist()
    return run


def test_a_quarterly_review_covers_the_three_months(quarter, sli):
    assert quarter.period == "2026-Q3" and quarter.folder.name == "2026-Q3"
    doc = read_summary(quarter.folder / "search.summary.json")
    assert doc["period"]["label"] == "2026-Q3"
    # the quarter starts at midnight of 1 July in New York (04:00 UTC) and ends at 1 October's
    assert (doc["period"]["start"], doc["period"]["end"]) == ("2026-07-01T04:00:00Z", "2026-10-01T04:00:00Z")
    (slo,) = [s for s in doc["slos"] if s["name"] == "availability"]
    by_hand = plain_attainment(sli, "search", "availability", "2026-07-01", "2026-10-01", "America/New_York")
    assert slo["attainment"] == pytest.approx(by_hand, rel=1e-5)
    assert "Service review: search, 2026-Q3" in (quarter.folder / "search.html").read_text()


def test_a_quarter_lists_each_monthly_sla_period_it_touches(sli):
    catalog, maintenance = read_dataset("catalog"), read_dataset("maintenance")
    table = month_sla(sli, catalog, service="checkout", month="2026-Q3", exclusions=maintenance)
    starts = [t.tz_convert("Europe/London").strftime("%Y-%m") for t in table["period_start"]]
    assert starts == ["2026-07", "2026-08", "2026-09"]
    # each as the SLA engine computes its contract month over all of checkout's rows
    full = sla_attainment(sli[sli["service"] == "checkout"], catalog, exclusions=maintenance,
                          sla="checkout/retail-partners")
    full = full.set_index("period_start")
    for _, row in table.iterrows():
        assert row["attainment"] == pytest.approx(full.loc[row["period_start"], "attainment"], rel=1e-12)
    # a month keeps its one contract period
    assert len(month_sla(sli, catalog, service="checkout", month="2026-08", exclusions=maintenance)) == 1
