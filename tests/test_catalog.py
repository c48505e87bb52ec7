"""Tests for slm_analytics.catalog: YAML loading and validation, the Catalog API, OpenSLO round trips.

Every bad definition is written to ``tmp_path`` as a small edit of ``BASE`` (a valid catalog) and must raise
:class:`DefinitionError` whose message names the file, the line and the definition, and says what was
expected. Line numbers in the expectations are found by searching the YAML text (``line_of``), not by asking
the loader.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from slm_analytics.catalog import (
    SLA,
    SLO,
    AlertPolicy,
    Catalog,
    RatioIndicator,
    Service,
    ThresholdIndicator,
    load_catalog,
    parse_window,
    save_catalog,
)
from slm_analytics.data import read_dataset
from slm_analytics.errors import DefinitionError, SLMError

BASE = """\
schedules:
  - name: office
    timezone: Europe/London
    hours:
      - {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00"}
services:
  - {name: checkout, owner: team-a, tier: 1, users: 100, business_weight: 2, timezone: Europe/London}
  - {name: wiki, owner: team-b, tier: 3, users: 10, business_weight: 1, schedule: office}
alert_policies:
  - name: fast
    rules:
      - {severity: page, long_window: 1h, short_window: 5m, burn_rate: 14.4}
  - name: slow
    rules:
      - {severity: ticket, long_window: 3d, short_window: 6h, budget_consumed: 0.1}
slos:
  - service: checkout
    name: availability
    indicator: {kind: ratio, good: 'good_q', total: 'total_q'}
    target: 0.999
    window: 28d
    alert_policy: fast
  - service: checkout
    name: uptime
    indicator: {kind: ratio, good: 'probe_ok', total: 'probe_all'}
    target: 0.99
    window: month
    budgeting_method: Timeslices
    timeslice_target: 0.9
    timeslice_window: 5m
  - service: wiki
    name: latency
    indicator: {kind: threshold, metric: 'wiki_seconds_bucket', op: lte, threshold: 2, unit: s}
    target: 0.95
    window: month
slas:
  - service: checkout
    name: partners
    slo: availability
    target: 0.995
    credits: [{below: 0.995, credit: 0.1}, {below: 0.99, credit: 0.25}]
"""


def edit(old: str, new: str, text: str = BASE) -> str:
    """Replace the one occurrence of ``old`` in ``text`` (fails loudly if the test's anchor is wrong)."""
    assert text.count(old) == 1, f"anchor {old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line number of the only line of ``text`` containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def write(tmp_path: Path, text: str, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def where(path: Path, line: int, definition: str) -> str:
    """Regex for the start of a located message: ``<file>: line <n>: <definition>``."""
    return re.escape(f"{path}: line {line}: {definition}")


# ------------------------------------------------------------------------------------------ parse_window


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("28d", dt.timedelta(days=28)),
        ("7d", dt.timedelta(days=7)),
        ("5m", dt.timedelta(minutes=5)),
        ("1h", dt.timedelta(hours=1)),
        ("12h", dt.timedelta(hours=12)),
        ("30s", dt.timedelta(seconds=30)),
        ("2w", dt.timedelta(days=14)),
        ("month", "month"),
        ("week", "week"),
        ("quarter", "quarter"),
    ],
)
def test_parse_window(window, expected):
    assert parse_window(window) == expected


@pytest.mark.parametrize("window", ["28 days", "0d", "fortnight", "", "1M", "-5m", "5", "d"])
def test_parse_window_rejects(window):
    expected = (rf"unparsable window {re.escape(repr(window))}: expected a "
                r"positive duration '<n><unit>'.*calendar period week, month")
    with pytest.raises(DefinitionError, match=expected):
        parse_window(window)


def test_parse_window_rejects_non_string():
    with pytest.raises(DefinitionError, match=r"window 28 must be a string such as '28d'"):
        parse_window(28)


# ------------------------------------------------------------------------------------------ loading


def test_base_catalog_loads_in_file_order(tmp_path):
    catalog = load_catalog(write(tmp_path, BASE))
    assert [s.name for s in catalog.schedules] == ["office"]
    assert [s.name for s in catalog.services] == ["checkout", "wiki"]
    assert [o.key for o in catalog.slos] == [("checkout", "availability"), ("checkout", "uptime"),
                                            ("wiki", "latency")]
    assert [(a.service, a.name) for a in catalog.slas] == [("checkout", "partners")]
    assert [p.name for p in catalog.alert_policies] == ["fast", "slow"]


def test_base_catalog_field_values(tmp_path):
    catalog = load_catalog(write(tmp_path, BASE))
    checkout = catalog.service("checkout")
    assert (checkout.owner, checkout.tier, checkout.users) == ("team-a", 1, 100)
    assert checkout.timezone == "Europe/London"
    assert checkout.business_weight == pytest.approx(2.0, abs=0)
    assert checkout.customer_facing is True and checkout.schedule is None
    wiki = catalog.service("wiki")
    assert (wiki.timezone, wiki.schedule) == ("UTC", "office")  # timezone defaults to UTC

    avail = catalog.slo("checkout", "availability")
    assert isinstance(avail.indicator, RatioIndicator)
    assert (avail.indicator.good, avail.indicator.total, avail.indicator.source) == ("good_q", "total_q",
                                                                                      "prometheus")
    assert avail.target == pytest.approx(0.999, abs=1e-12)
    assert (avail.window, avail.budgeting_method, avail.alert_policy) == ("28d", "Occurrences", "fast")
    assert avail.is_rolling and avail.key == ("checkout", "availability")
    assert avail.timeslice_target is None and avail.timeslice_window is None

    uptime = catalog.slo("checkout", "uptime")
    assert (uptime.budgeting_method, uptime.timeslice_window) == ("Timeslices", "5m")
    assert not uptime.is_rolling
    assert uptime.timeslice_target == pytest.approx(0.9, abs=1e-12)

    latency = catalog.slo("wiki", "latency")
    assert isinstance(latency.indicator, ThresholdIndicator)
    assert (latency.indicator.metric, latency.indicator.op, latency.indicator.unit) == (
        "wiki_seconds_bucket", "lte", "s")
    assert latency.indicator.threshold == pytest.approx(2.0, abs=0)

    sla = catalog.slas[0]
    assert (sla.slo, sla.period, sla.schedule) == ("availability", "month", None)
    assert sla.exclusions == ("maintenance",)  # the default
    assert [(t.below, t.credit) for t in sla.credits] == [pytest.approx((0.995, 0.1), abs=1e-12),
                                                          pytest.approx((0.99, 0.25), abs=1e-12)]

    rule = catalog.alert_policy("fast").rules[0]
    assert (rule.severity, rule.long_window, rule.short_window) == ("page", "1h", "5m")
    assert rule.budget_consumed is None
    assert rule.burn_rate == pytest.approx(14.4, abs=1e-12)
    office = catalog.schedule("office")
    assert office.timezone == "Europe/London"
    assert [(b.days, b.start, b.end) for b in office.hours] == [(("mon", "tue", "wed", "thu", "fri"), "09:00",
                                                                 "17:00")]


def test_definitions_are_frozen(tmp_path):
    catalog = load_catalog(write(tmp_path, BASE))
    with pytest.raises(ValueError, match="frozen"):
        catalog.slos[0].target = 0.5


def test_yaml_syntax_error_names_line(tmp_path):
    text = edit("    target: 0.999\n", "    target: [0.999\n")
    path = write(tmp_path, text)
    # flow sequence opened on the 'target: [0.999' line and never closed: the parser fails on the next line
    line = line_of(text, "target: [0.999") + 1
    with pytest.raises(DefinitionError, match=re.escape(f"{path}: YAML syntax error at line {line}, column")):
        load_catalog(path)


def test_yaml_bad_indentation_names_line(tmp_path):
    text = edit("    window: 28d\n", "    window: 28d\n  oops: : x\n")
    path = write(tmp_path, text)
    expected = re.escape(f"{path}: YAML syntax error at line "
                          f"{line_of(text, 'oops')}, column")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_unknown_key_names_key_line_and_definition(tmp_path):
    text = edit("    window: 28d\n", "    window: 28d\n    windw: 7d\n")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "windw"),
                     "slos[0] (checkout/availability).windw: unknown key 'windw'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_unknown_key_in_service_and_indicator(tmp_path):
    text = edit("users: 10,", "users: 10, usres: 3,")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "usres"),
                     "services[1] (wiki).usres: unknown key 'usres'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)
    text = edit("op: lte, threshold: 2,", "op: lte, threshold: 2, percentile: 99,")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "percentile"),
                     "slos[2] (wiki/latency).indicator.percentile: "
                     "unknown key 'percentile'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_unknown_top_level_key(tmp_path):
    text = BASE + "sloes:\n  - {}\n"
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "sloes:"), "sloes: unknown key 'sloes'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_missing_required_key(tmp_path):
    text = edit("owner: team-b, ", "")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "name: wiki"),
                     "services[1] (wiki).owner: missing required key 'owner'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize("target", ["0", "1", "1.5", "-0.1", "99.9"])
def test_slo_target_outside_open_unit_interval(tmp_path, target):
    text = edit("target: 0.999", f"target: {target}")
    path = write(tmp_path, text)
    shown = re.escape(repr(float(target)))
    line = text.splitlines().index(f"    target: {target}") + 1
    expected = (where(path, line, "slos[0] (checkout/availability).target: ")
        + rf"target {shown} is outside \(0, 1\): write 99.9 % as 0.999")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_timeslice_target_outside_open_unit_interval(tmp_path):
    text = edit("timeslice_target: 0.9", "timeslice_target: 90")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "timeslice_target"),
                     "slos[1] (checkout/uptime).timeslice_target: target 90.0 "
                     "is outside (0, 1)")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_sla_target_outside_open_unit_interval(tmp_path):
    text = edit("target: 0.995", "target: 99.5")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "target: 99.5"),
                     "slas[0] (checkout/partners).target: target 99.5 is "
                     "outside (0, 1)")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize("window", ["28 days", "0d", "fortnight"])
def test_unparsable_window(tmp_path, window):
    text = edit("window: 28d", f"window: {window}")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, f"window: {window}"),
                     f"slos[0] (checkout/availability).window: unparsable window "
                     f"{window!r}: expected a positive duration")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_timeslice_window_must_be_a_duration(tmp_path):
    text = edit("timeslice_window: 5m", "timeslice_window: month")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "timeslice_window"),
                     "slos[1] (checkout/uptime).timeslice_window: window 'month' "
                     "must be a duration")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_timeslices_without_timeslice_target(tmp_path):
    text = edit("    timeslice_target: 0.9\n", "")
    path = write(tmp_path, text)
    # a model-level check: located at the SLO's first line ("- service: checkout" of the second SLO)
    # 0-based index of the 'name' line = 1-based number of the '- service' line before it
    line = text.splitlines().index("    name: uptime")
    expected = where(path, line, "slos[1] (checkout/uptime): budgeting_method "
                     "'Timeslices' needs a timeslice_target")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_ratio_timeslices_without_timeslice_window(tmp_path):
    text = edit("    budgeting_method: Timeslices\n    timeslice_target: 0.9\n    timeslice_window: 5m\n",
                "    budgeting_method: RatioTimeslices\n")
    path = write(tmp_path, text)
    expected = (r"slos\[1\] \(checkout/uptime\): budgeting_method "
                r"'RatioTimeslices' needs a timeslice_window such as '1m'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize("remove", ["    budgeting_method: Timeslices\n",
                                    "    budgeting_method: Timeslices\n    timeslice_target: 0.9\n"])
def test_timeslice_fields_on_occurrences_slo(tmp_path, remove):
    text = edit(remove, "")
    path = write(tmp_path, text)
    line = text.splitlines().index("    name: uptime")
    expected = where(path, line, "slos[1] (checkout/uptime): timeslice_target/"
                     "timeslice_window apply only to the Timeslices and "
                     "RatioTimeslices methods")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize(
    ("credits", "lo", "lo_credit", "hi", "hi_credit"),
    [
        ("[{below: 0.995, credit: 0.1}, {below: 0.99, credit: 0.05}]", 0.99, 0.05, 0.995, 0.1),  # smaller
        ("[{below: 0.995, credit: 0.1}, {below: 0.99, credit: 0.1}]", 0.99, 0.1, 0.995, 0.1),  # equal
        ("[{below: 0.99, credit: 0.05}, {below: 0.995, credit: 0.1}]", 0.99, 0.05, 0.995, 0.1),  # any order
        ("[{below: 0.99, credit: 0.1}, {below: 0.99, credit: 0.2}]", 0.99, 0.2, 0.99, 0.1),  # same threshold
    ],
)
def test_credit_table_not_monotone(tmp_path, credits, lo, lo_credit, hi, hi_credit):
    text = edit("credits: [{below: 0.995, credit: 0.1}, {below: 0.99, credit: 0.25}]", f"credits: {credits}")
    path = write(tmp_path, text)
    line = text.splitlines().index("    name: partners")  # the SLA's '- service:' line, 1-based
    expected = where(path, line, "slas[0] (checkout/partners): credit table is "
                     f"not monotone: below {lo} earns {lo_credit} but below {hi} "
                     f"earns {hi_credit}; lower attainment must earn a strictly "
                     "larger credit")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_credit_tier_above_contract_target(tmp_path):
    text = edit("{below: 0.995, credit: 0.1}", "{below: 0.998, credit: 0.1}")
    path = write(tmp_path, text)
    expected = (r"slas\[0\] \(checkout/partners\): credit tier below 0\.998 is "
                r"above the contract target 0\.995")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_credit_outside_range(tmp_path):
    text = edit("{below: 0.99, credit: 0.25}", "{below: 0.99, credit: 25}")
    path = write(tmp_path, text)
    expected = (r"slas\[0\] \(checkout/partners\)\.credits\[1\]\.credit: Input "
                r"should be less than or equal to 1 \(got 25\)")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


# Cross-references are checked once every definition is read; the message still points at the entry that
# makes the broken reference: its line (found by searching the text for the edited line), its place and name.
CROSS_REFERENCES = [
    ("slo of unknown service", "  - service: wiki\n    name: latency",
     "  - service: wikki\n    name: latency",
     "service: wikki", "slos[2] (wikki/latency).service",
     "SLO 'latency' belongs to unknown service 'wikki'; known: ['checkout', 'wiki']"),
    ("duplicate slo", "    name: uptime", "    name: availability", None,
     "slos[1] (checkout/availability).name",
     "duplicate SLO 'checkout/availability' (also slos[0]): names must be unique"),
    ("duplicate service", "{name: wiki,", "{name: checkout,", "{name: checkout, owner: team-b",
     "services[1] (checkout).name", "duplicate service 'checkout' (also services[0]): names must be unique"),
    ("sla of unknown slo", "    slo: availability", "    slo: latency", "slo: latency",
     "slas[0] (checkout/partners).slo",
     "SLA checkout/partners measures unknown SLO 'latency' of service 'checkout'"),
    ("sla of unknown service", "  - service: checkout\n    name: partners",
     "  - service: shop\n    name: partners", "service: shop", "slas[0] (shop/partners).service",
     "SLA 'partners' belongs to unknown service 'shop'; known: ['checkout', 'wiki']"),
    ("sla with unknown schedule", "    slo: availability\n",
     "    slo: availability\n    schedule: night-shift\n",
     "night-shift", "slas[0] (checkout/partners).schedule",
     "SLA checkout/partners uses unknown schedule 'night-shift'"),
    ("service with unknown schedule", "schedule: office}", "schedule: night-shift}", "night-shift",
     "services[1] (wiki).schedule", "service 'wiki' uses unknown schedule 'night-shift'; known: ['office']"),
    ("slo with unknown alert policy", "    alert_policy: fast", "    alert_policy: fastest", "fastest",
     "slos[0] (checkout/availability).alert_policy",
     "SLO checkout/availability uses unknown alert policy 'fastest'"),
    ("slo in another time zone", "    window: 28d\n", "    window: 28d\n    timezone: Asia/Tokyo\n",
     "Asia/Tokyo",
     "slos[0] (checkout/availability).timezone",
     "SLO checkout/availability is in time zone 'Asia/Tokyo' but its service in 'Europe/London': a service's "
     "days and calendar periods are cut in one zone (give the service that zone)"),
]


@pytest.mark.parametrize(("old", "new", "needle", "definition", "message"),
                         [c[1:] for c in CROSS_REFERENCES], ids=[c[0] for c in CROSS_REFERENCES])
def test_cross_reference_errors_point_at_the_entry(tmp_path, old, new, needle, definition, message):
    text = edit(old, new)
    path = write(tmp_path, text)
    if needle is None:  # the second SLO named availability: its name line is the second one
        line = [i for i, t in enumerate(text.splitlines(), 1) if t == "    name: availability"][1]
    else:
        line = line_of(text, needle)
    with pytest.raises(DefinitionError) as info:
        load_catalog(path)
    assert str(info.value) == f"{path}: line {line}: {definition}: {message}"


def test_unknown_time_zone_of_service(tmp_path):
    text = edit("timezone: Europe/London}", "timezone: Europe/Londn}")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "Londn"),
                     "services[0] (checkout).timezone: unknown time zone "
                     "'Europe/Londn': expected an IANA name")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_unknown_time_zone_of_schedule(tmp_path):
    text = edit("    timezone: Europe/London\n", "    timezone: Mars/Olympus\n")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "Mars/Olympus"),
                     "schedules[0] (office).timezone: unknown time zone "
                     "'Mars/Olympus'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_schedule_with_overlapping_hours(tmp_path):
    text = edit('end: "17:00"}\n', 'end: "17:00"}\n      - {days: [fri], start: "16:00", end: "20:00"}\n')
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "- name: office"),
                     "schedules[0] (office): schedule 'office': overlapping hours "
                     "on fri: 09:00-17:00 and 16:00-20:00")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_touching_hours_do_not_overlap(tmp_path):
    text = edit('end: "17:00"}\n', 'end: "17:00"}\n      - {days: [fri], start: "17:00", end: "20:00"}\n')
    catalog = load_catalog(write(tmp_path, text))
    assert len(catalog.schedule("office").hours) == 2


@pytest.mark.parametrize(("start", "end", "problem"), [
    ("18:00", "09:00", "opening hours 18:00-09:00: start must be before end"),
    ("09:00", "24:30", "time '24:30' must be 'HH:MM' between 00:00 and 24:00"),
    ("9am", "17:00", "time '9am' must be 'HH:MM'"),
])
def test_bad_opening_hours(tmp_path, start, end, problem):
    text = edit('start: "09:00", end: "17:00"', f'start: "{start}", end: "{end}"')
    path = write(tmp_path, text)
    expected = (re.escape(f"{path}: line ") + r"\d+: "
        + re.escape("schedules[0] (office).hours[0]") + ".*" + re.escape(problem))
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize("short", ["1h", "2h"])
def test_alert_rule_short_window_not_shorter(tmp_path, short):
    text = edit("short_window: 5m", f"short_window: {short}")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, f"short_window: {short}"),
                     "alert_policies[0] (fast).rules[0]: short window "
                     f"'{short}' is not shorter than long window '1h'")
    with pytest.raises(DefinitionError, match=expected) as err:
        load_catalog(path)
    # one problem, one message line (no echo of pydantic's "at least 1 item" check on the emptied list)
    assert str(err.value).count("\n") == 0


@pytest.mark.parametrize("rule", ["long_window: 1h, short_window: 5m, burn_rate: 14.4, budget_consumed: 0.02",
                                  "long_window: 1h, short_window: 5m"])
def test_alert_rule_needs_exactly_one_threshold(tmp_path, rule):
    text = edit("long_window: 1h, short_window: 5m, burn_rate: 14.4", rule)
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "severity: page"),
                     "alert_policies[0] (fast).rules[0]: give exactly one of "
                     "budget_consumed (share of the budget) and burn_rate")
    with pytest.raises(DefinitionError, match=expected) as err:
        load_catalog(path)
    assert str(err.value).count("\n") == 0


def test_alert_rule_window_must_be_a_duration(tmp_path):
    text = edit("long_window: 3d", "long_window: month")
    path = write(tmp_path, text)
    expected = (r"alert_policies\[1\] \(slow\)\.rules\[0\]\.long_window: window "
                r"'month' must be a duration")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_indicator_kind_missing(tmp_path):
    text = edit("{kind: ratio, good: 'good_q'", "{good: 'good_q'")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "good_q"),
                     "slos[0] (checkout/availability).indicator: missing key "
                     "'kind': it must be 'ratio' or 'threshold'")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_indicator_kind_unknown(tmp_path):
    text = edit("{kind: ratio, good: 'good_q'", "{kind: latency, good: 'good_q'")
    path = write(tmp_path, text)
    expected = where(path, line_of(text, "good_q"),
                     "slos[0] (checkout/availability).indicator: 'kind' must be "
                     "'ratio' or 'threshold' (got 'latency')")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize("text", ["- services\n- slos\n", "just a string\n", "42\n"])
def test_file_that_is_not_a_mapping(tmp_path, text):
    path = write(tmp_path, text)
    expected = re.escape(f"{path}: expected a mapping with keys services, slos")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize(("text", "expected"), [
    ("", "the file is empty; a catalog is a mapping with keys services, slos, slas, schedules, "
         "alert_policies"),
    ("# only a comment\n", "the file is empty; a catalog is a mapping with keys services, slos, slas, "
                           "schedules, alert_policies"),
    (BASE + "---\n" + BASE, "expected one YAML document, found 2")])
def test_file_must_hold_one_document(tmp_path, text, expected):
    path = write(tmp_path, text)
    expected = re.escape(f"{path}: {expected}")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_catalog_needs_a_service(tmp_path):
    path = write(tmp_path, "services: []\n")
    expected = re.escape(f"{path}: line 1: services: Tuple should have at least "
                          "1 item")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


def test_missing_file(tmp_path):
    path = tmp_path / "absent.yaml"
    expected = re.escape(f"{path}: cannot read definition file: No such file")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object/apply:subprocess.call"])
def test_yaml_is_loaded_safely(tmp_path, tag):
    marker = tmp_path / "executed"
    arg = f"['touch {marker}']" if "os.system" in tag else f"[['touch', '{marker}']]"
    path = write(tmp_path, f"services: {tag} {arg}\n")
    expected = re.escape(f"{path}: YAML syntax error at line 1, column 11: could "
                          "not determine a constructor for the tag")
    with pytest.raises(DefinitionError, match=expected):
        load_catalog(path)
    assert not marker.exists()


def test_errors_are_slm_errors(tmp_path):
    path = write(tmp_path, edit("target: 0.999", "target: 2"))
    with pytest.raises(SLMError):
        load_catalog(path)
    with pytest.raises(ValueError):  # DefinitionError is also a ValueError
        load_catalog(path)


def test_several_problems_are_all_reported(tmp_path):
    text = edit("target: 0.999", "target: 2")
    text = edit("window: 28d", "window: 28 days", text)
    path = write(tmp_path, text)
    with pytest.raises(DefinitionError) as err:
        load_catalog(path)
    lines = str(err.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: line {line_of(text, 'target: 2')}: slos[0] "
                               "(checkout/availability).target")
    assert lines[1].startswith(f"{path}: line {line_of(text, 'window: 28 days')}: slos[0] "
                               "(checkout/availability).window")


# ------------------------------------------------------------------------------------------ Catalog API


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return read_dataset("catalog")


def test_bundled_catalog_counts_and_order(bundled):
    # datasets/README.md: 13 services, 28 SLOs, 7 SLAs; catalog.yaml: 3 schedules, 2 alert policies
    assert (len(bundled.services), len(bundled.slos), len(bundled.slas)) == (13, 28, 7)
    assert [s.name for s in bundled.schedules] == ["kr-business-hours", "uk-business-hours",
                                                   "us-support-hours"]
    assert [p.name for p in bundled.alert_policies] == ["sre-workbook", "pyrra-28d"]
    assert [s.name for s in bundled.services][:4] == ["checkout", "payments", "search", "login"]
    assert bundled.services[-1].name == "partner-gateway"
    assert [o.key for o in bundled.slos][:4] == [("checkout", "availability"), ("checkout", "latency"),
                                                ("checkout", "uptime"), ("payments", "availability")]
    assert bundled.slos[-1].key == ("partner-gateway", "availability")
    assert [(a.service, a.name) for a in bundled.slas][0] == ("checkout", "retail-partners")
    assert all(isinstance(x, SLO) for x in bundled.slos)
    assert all(isinstance(x, SLA) for x in bundled.slas)
    assert all(isinstance(x, Service) for x in bundled.services)
    assert all(isinstance(x, AlertPolicy) for x in bundled.alert_policies)


def test_slo_lookup(bundled):
    slo = bundled.slo("payments", "availability")
    assert slo.target == pytest.approx(0.9995, abs=1e-12)  # catalog.yaml: target 0.9995
    assert (slo.window, slo.alert_policy) == ("month", "sre-workbook")
    assert [o.name for o in bundled.slos_of("checkout")] == ["availability", "latency", "uptime"]


def test_slo_lookup_unknown(bundled):
    expected = (r"unknown SLO 'throughput' of service 'checkout'; its SLOs are "
                r"\['availability', 'latency', 'uptime'\]")
    with pytest.raises(DefinitionError, match=expected):
        bundled.slo("checkout", "throughput")
    expected = r"unknown SLO 'availability' of service 'nope'; its SLOs are \[\]"
    with pytest.raises(DefinitionError, match=expected):
        bundled.slo("nope", "availability")


@pytest.mark.parametrize(("method", "args", "message"), [
    ("service", ("nope",), r"unknown service 'nope'; the catalog has \['checkout', 'payments'"),
    ("slos_of", ("nope",), r"unknown service 'nope'; the catalog has \['checkout'"),
    ("schedule", ("nope",), r"unknown schedule 'nope'; the catalog has \['kr-business-hours'"),
    ("alert_policy", ("nope",),
     r"unknown alert policy 'nope'; the catalog has \['sre-workbook', 'pyrra-28d'\]"),
])
def test_lookups_of_unknown_names(bundled, method, args, message):
    with pytest.raises(DefinitionError, match=message):
        getattr(bundled, method)(*args)


def test_lookups(bundled):
    assert bundled.service("reporting").schedule == "kr-business-hours"
    assert bundled.schedule("us-support-hours").timezone == "America/New_York"
    assert len(bundled.alert_policy("sre-workbook").rules) == 4


# ------------------------------------------------------------------------------------------ save / load


def test_save_load_round_trip_bundled(tmp_path, bundled):
    path = tmp_path / "saved.yaml"
    save_catalog(bundled, path)
    assert load_catalog(path) == bundled
    assert not (tmp_path / "saved.yaml.tmp").exists()


def test_save_load_round_trip_base(tmp_path):
    catalog = load_catalog(write(tmp_path, BASE))
    path = tmp_path / "saved.yaml"
    save_catalog(catalog, path)
    assert load_catalog(path) == catalog
    assert "timeslice_target: 0.9" in path.read_text(encoding="utf-8")


def test_save_overwrites(tmp_path, bundled):
    path = write(tmp_path, "stale: true\n", name="saved.yaml")
    save_catalog(bundled, path)
    assert load_catalog(path) == bundled


@pytest.mark.parametrize(("window", "hint"), [
    ("30D", "'30d'"),  # pandas' day alias
    ("1min", "'1m'"),
    ("1H", "'1h'"),
    ("30 days", "'30d'"),
    ("1 month", "'month' (the calendar month) or '30d' (rolling)"),
])
def test_window_spelled_the_pandas_way_or_in_words_gets_a_did_you_mean(window, hint):
    with pytest.raises(DefinitionError, match=re.escape(f"unparsable window {window!r}: ") + ".*"
                       + re.escape(f"; did you mean {hint}?")):
        parse_window(window)


# ------------------------------------------------------------------------------------- recurring maintenance

MAINTENANCE = """\
  - name: checkout
    owner: team-a
    tier: 1
    users: 100
    business_weight: 2
    timezone: Europe/London
    maintenance:
      - rrule: FREQ=WEEKLY;BYDAY=SU
        start: 2026-01-04T02:00:00
        duration: 1h
        reason: patching
      - rrule: FREQ=MONTHLY;BYDAY=1SA
        start: 2026-01-03T22:00:00
        end: 2026-12-31T00:00:00Z
        duration: 90m
        timezone: America/New_York
"""
WITH_MAINTENANCE = edit(
    "  - {name: checkout, owner: team-a, tier: 1, users: 100, business_weight: 2, timezone: Europe/London}\n",
    MAINTENANCE)


def test_service_maintenance_loads_and_round_trips(tmp_path):
    catalog = load_catalog(write(tmp_path, WITH_MAINTENANCE))
    sunday, saturday = catalog.service("checkout").maintenance
    assert (sunday.rrule, sunday.duration, sunday.timezone, sunday.reason) == ("FREQ=WEEKLY;BYDAY=SU", "1h",
                                                                               None, "patching")
    assert sunday.start == dt.datetime(2026, 1, 4, 2)  # naive: wall-clock time in the service's zone
    assert saturday.end == dt.datetime(2026, 12, 31, tzinfo=dt.UTC)
    assert catalog.service("wiki").maintenance == ()
    save_catalog(catalog, tmp_path / "again.yaml")
    assert load_catalog(tmp_path / "again.yaml") == catalog
    assert "maintenance:" in (tmp_path / "again.yaml").read_text()
    from slm_analytics.openslo import read_openslo, to_openslo

    docs = to_openslo(catalog)
    path = tmp_path / "openslo.yaml"
    path.write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    assert read_openslo(path) == catalog


def test_service_maintenance_expands_in_the_service_time_zone(tmp_path):
    from slm_analytics.windows import maintenance_windows

    catalog = load_catalog(write(tmp_path, WITH_MAINTENANCE))
    got = maintenance_windows(catalog, start="2026-07-01T00:00Z", end="2026-07-13T00:00Z")
    # Sundays 5 and 12 July 02:00 BST = 01:00 UTC (the service's London); first Saturday of July (4th)
    # 22:00 EDT = 02:00 UTC on the 5th (the window's own New York)
    assert got["start"].tolist() == [pd.Timestamp(t, tz="UTC") for t in
                                     ("2026-07-05 01:00", "2026-07-05 02:00", "2026-07-12 01:00")]
    assert got["reason"].tolist() == ["patching", "", "patching"]


@pytest.mark.parametrize(("old", "new", "definition", "anchor", "message"), [
    ("rrule: FREQ=WEEKLY;BYDAY=SU", "rrule: FREQ=WEEKLY;BYDAY=XX", "maintenance[0]", "BYDAY=XX",
     "rule 'FREQ=WEEKLY;BYDAY=XX' is not an RFC 5545 recurrence rule (invalid 'BYDAY': XX)"),
    ("        start: 2026-01-04T02:00:00\n", "", "maintenance[0]", "BYDAY=SU",
     "rule 'FREQ=WEEKLY;BYDAY=SU' has no start: give dtstart"),
    ("rrule: FREQ=MONTHLY;BYDAY=1SA", "rrule: FREQ=MONTHLY;BYDAY=1SA;COUNT=3", "maintenance[1]", "COUNT=3",
     "rule 'FREQ=MONTHLY;BYDAY=1SA;COUNT=3' ends by itself (COUNT or UNTIL) and an end (until) is given too"),
    ("duration: 1h", "duration: 1 hour", "maintenance[0].duration", "1 hour", "unparsable window '1 hour'"),
    ("timezone: America/New_York", "timezone: America/Nowhere", "maintenance[1].timezone", "Nowhere",
     "unknown time zone 'America/Nowhere'"),
])
def test_service_maintenance_refused_with_its_line(tmp_path, old, new, definition, anchor, message):
    text = edit(old, new, WITH_MAINTENANCE)
    path = write(tmp_path, text)
    # a key's error points at the key; a window's (rule) error at the window's first line, its rrule
    line = line_of(text, anchor)
    with pytest.raises(DefinitionError, match=where(path, line, f"services[0] (checkout).{definition}") + ": "
                       + re.escape(message)):
        load_catalog(path)
