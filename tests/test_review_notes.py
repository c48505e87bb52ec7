"""Tests for slm_analytics.review.notes: a section's note, and the outlook said in sentences."""

from __future__ import annotations

import pytest

from slm_analytics import review
from slm_analytics.data import read_dataset


@pytest.fixture(scope="module")
def bundled():
    return (read_dataset("sli_5min"), read_dataset("catalog"), read_dataset("incidents"),
            read_dataset("maintenance"))


def test_note_displays_as_escaped_html():
    note = review.Note("No SLA: a & b")
    assert str(note) == "No SLA: a & b"
    assert note._repr_html_() == "<p class='slm-note'>No SLA: a &amp; b</p>"


@pytest.fixture(scope="module")
def mobile_july():
    from slm_analytics.review import month_outlook

    return month_outlook(read_dataset("sli_5min"), read_dataset("catalog"), service="mobile-api",
                         month="2026-07")


def test_outlook_notes_mobile_api_july_say_what_it_means(mobile_july):
    notes = review.outlook_notes(mobile_july)
    assert notes.intro == "Where mobile-api's SLOs stood at the end of July 2026, riskiest first:"
    latency, availability = notes.items  # riskiest first
    assert latency.startswith("latency: A coin toss: a 52% chance (18%–85%) of missing 99% in August, by "
                              "31 Aug. Projected attainment 98.95%")
    assert "stepped up from 0.448% to 1.05% on 17 Jun" in latency
    assert "against the 1% the target allows" in latency
    assert "'higher than before' rather than a steady climb" in latency
    assert "the budget runs out around 30 Aug (straight line: 30 Aug)" in latency
    assert "The interval is wide because only the 6 weeks since the step up on 17 Jun show" in latency
    assert latency.endswith("Worth a mitigation plan now and a check at the next weekly review.")
    assert availability == ("availability: Low risk: a 0.3% chance (0.0%–4%) of missing 99.9% over the 28 "
                            "days to 7 Aug. Projected attainment 99.974% (10–90%: 99.972%–99.975%).")
    # (a step down 10 weeks ago is no news for the meeting: not mentioned)
    html_text = notes._repr_html_()
    assert html_text.startswith("<div class='slm-note'>") and "<b>latency</b>: A coin toss" in html_text
    assert str(notes).splitlines()[1].startswith("- latency: A coin toss")


def test_outlook_notes_single_bad_days_and_the_straight_line(bundled):
    from slm_analytics.review import month_outlook

    sli, catalog, _, _ = bundled
    payments = review.outlook_notes(month_outlook(sli, catalog, service="payments", month="2026-02"))
    assert payments.intro.startswith("Where payments' SLOs")  # possessive of a name ending in s
    availability = payments.items[0]
    assert availability.startswith("availability: A coin toss: a 40% chance")
    assert "single bad days (up to 6.51% on 12 Feb) spend much of the budget at once" in availability
    checkout = review.outlook_notes(month_outlook(sli, catalog, service="checkout", month="2026-10"))
    uptime = checkout.items[0]
    assert uptime.startswith("uptime: Low risk: a 0.1% chance (0.0%–29%)")
    # the straight line disagrees: the note says so
    assert "the straight line (the last 7 days' error rate going on) gives 99.359%, a miss" in uptime
