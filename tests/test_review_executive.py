"""Tests for slm_analytics.review.executive: the executive summary and "What changed since the last review".

The documents are the package's example summary (``summary.example.json``: checkout, 2026-10, two SLOs of
which latency missed, one breached SLA owing 2,000) and copies of it edited by hand, so every expected
value below follows from the edit.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from slm_analytics.errors import DataError
from slm_analytics.review import SCHEMA, changes_view, executive_summary, summary_diff


def re_row(item: str, change: str) -> re.Pattern[str]:
    """A row of the SIP progress table: the item's id first, the change last."""
    return re.compile(rf"<tr><td>{item}</td>(?:<td>[^<]*</td>)*<td>{change}</td></tr>")


@pytest.fixture
def doc():
    return json.loads(SCHEMA.with_name("summary.example.json").read_text(encoding="utf-8"))


@pytest.fixture
def september(doc):
    """The month before: latency met then (99.3 %), the SLA not breached, SIP-001 not yet in the plan."""
    before = copy.deepcopy(doc)
    before["period"]["label"] = "2026-09"
    latency = before["slos"][1]
    latency.update({"attainment": 0.993, "met": True, "budget_consumed": 0.7, "status": "met"})
    before["status_counts"] = {"met": 2, "at risk": 0, "missed": 0, "no data": 0}
    before["slas"][0].update({"breached": False, "credit": 0.0, "credit_amount": 0.0, "status": "met"})
    before["credits_owed"] = 0.0
    before["sip_items"] = [s for s in before["sip_items"] if s["id"] != "SIP-001"]
    return before


def test_headline_counts_statuses_breaches_and_credits(doc):
    assert executive_summary(doc).headline() == (
        "2 SLOs: 1 met, 0 at risk, 1 missed; 1 of 1 SLA breached; credits owed 2,000.00")


def test_slo_rows_put_the_previous_status_beside_this_one(doc, september):
    rows = executive_summary(doc, previous=september).slo_rows()
    assert [(r["name"], r["status"], r["previous"]) for r in rows] == [
        ("availability", "met", "met"), ("latency", "missed", "met")]
    assert rows[1]["attainment"] == "98.712%" and rows[1]["previous_attainment"] == "99.300%"
    # without a previous review the column says so by a dash, not by a guess
    assert [r["previous"] for r in executive_summary(doc).slo_rows()] == ["–", "–"]


def test_an_slo_new_since_the_last_review_is_not_reviewed_before(doc, september):
    september["slos"] = september["slos"][:1]
    september["status_counts"] = {"met": 1, "at risk": 0, "missed": 0, "no data": 0}
    rows = executive_summary(doc, previous=september).slo_rows()
    assert rows[1]["previous"] == "not reviewed"


def test_the_html_shows_every_part(doc, september):
    html = executive_summary(doc, previous=september)._repr_html_()
    assert "2026-10 beside 2026-09" in html
    assert "retail-partners" in html and "2,000.00" in html  # the SLA and its credit
    assert "INC-0107" in html and "1 h 35 min" in html  # the P2 incident: 95 minutes
    assert "SIP-016" in html and "team-checkout" in html and "2027-01-30" in html  # top item, owner, due


def test_user_text_is_text_not_markup(doc):
    evil = "<script>alert(1)</script>"
    doc["major_incidents"][0]["title"] = evil
    doc["improvement_items"][0]["problem"] = evil
    doc["slas"][0]["customer"] = "<img src=x onerror=alert(2)>"
    html = executive_summary(doc)._repr_html_()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_a_document_off_the_schema_is_refused(doc):
    del doc["slos"]
    with pytest.raises(DataError, match=r"review summary: at \$: 'slos' is a required property"):
        executive_summary(doc)


def test_changes_of_the_first_review(doc):
    html = changes_view(summary_diff(None, doc))._repr_html_()
    assert "No previous review found" in html and "<table" not in html


def test_changes_show_deltas_breaches_and_sip_progress(doc, september):
    html = changes_view(summary_diff(september, doc))._repr_html_()
    assert "2026-10 compared with 2026-09" in html
    # latency 99.300 % -> 98.712 %: (0.98712 - 0.993) x 100 = -0.588 pp
    assert "<td>latency</td><td>99.300%</td><td>98.712%</td><td>-0.588 pp</td>" in html
    assert "<td>SLO</td><td>latency</td><td>new</td>" in html  # newly missed
    assert "<td>SLA</td><td>retail-partners</td><td>new</td>" in html  # newly breached
    # SIP-001 is new since September; SIP-002 (in progress, due 2026-03-31) is overdue
    assert re_row("SIP-001", "new").search(html) and re_row("SIP-002", "overdue").search(html)
    assert "No target or requirement changed." in html


def test_changes_escape_user_text(doc, september):
    evil = "<script>alert(3)</script>"
    for d in (doc, september):
        d["sip_items"][0]["problem"] = evil
    doc["sip_items"][0]["status"] = "done"
    september["sip_items"][0]["status"] = "in-progress"
    html = changes_view(summary_diff(september, doc))._repr_html_()
    assert "<script>alert" not in html and "&lt;script&gt;alert(3)&lt;/script&gt;" in html
