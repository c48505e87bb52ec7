"""Tests for slm_analytics.openslo: reading OpenSLO v1 as written in the wild, writing a catalog as OpenSLO.

Files are the OpenSLO specification's own examples (``tests/data/openslo-spec``, copied unchanged from the
specification's repository, Apache-2.0) and small files written here for each construct. Expected values are
read off the YAML text in each test; line numbers are found by searching the text (``line_of``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from test_catalog import BASE, edit, line_of, write

from slm_analytics.catalog import (
    SLO,
    AlertPolicy,
    Catalog,
    RatioIndicator,
    Service,
    ThresholdIndicator,
    load_catalog,
)
from slm_analytics.data import read_dataset
from slm_analytics.errors import DataError, DefinitionError
from slm_analytics.forecast import breach_probability
from slm_analytics.openslo import read_openslo, to_openslo

SPEC = Path(__file__).parent / "data" / "openslo-spec"


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return read_dataset("catalog")


def read(tmp_path: Path, text: str) -> Catalog:
    return read_openslo(write(tmp_path, text, name="openslo.yaml"))


def message(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = write(tmp_path, text, name="openslo.yaml")
    with pytest.raises(DefinitionError) as info:
        read_openslo(path)
    return path, str(info.value)


def test_openslo_round_trip_bundled(tmp_path, bundled):
    docs = to_openslo(bundled)
    # 13 Service + 28 SLO documents, then 3 schedules, 7 SLAs and 2 alert policies as extensions
    assert [d["kind"] for d in docs].count("Service") == 13
    assert [d["kind"] for d in docs].count("SLO") == 28
    assert {d["apiVersion"] for d in docs[:41]} == {"openslo/v1"}
    assert {d["apiVersion"] for d in docs[41:]} == {"slm-analytics/v1"}
    path = write(tmp_path, yaml.safe_dump_all(docs), name="openslo.yaml")
    assert read_openslo(path) == bundled


def test_openslo_round_trip_base(tmp_path):
    catalog = load_catalog(write(tmp_path, BASE))
    path = write(tmp_path, yaml.safe_dump_all(to_openslo(catalog)), name="openslo.yaml")
    assert read_openslo(path) == catalog


def test_to_openslo_slo_document(bundled):
    docs = {d["metadata"]["name"]: d for d in to_openslo(bundled) if d["kind"] == "SLO"}
    avail = docs["checkout-availability"]["spec"]
    assert avail["service"] == "checkout"
    assert avail["budgetingMethod"] == "Occurrences"
    assert avail["timeWindow"] == [{"duration": "28d", "isRolling": True}]
    assert avail["objectives"][0]["target"] == pytest.approx(0.999, abs=1e-12)
    assert set(avail["indicator"]["spec"]["ratioMetric"]) == {"counter", "good", "total"}
    uptime = docs["checkout-uptime"]["spec"]
    assert uptime["timeWindow"][0]["duration"] == "1M" and uptime["timeWindow"][0]["isRolling"] is False
    assert uptime["timeWindow"][0]["calendar"]["timeZone"] == "Europe/London"
    assert uptime["objectives"][0]["timeSliceWindow"] == "5m"
    latency = docs["checkout-latency"]["spec"]
    assert latency["objectives"][0]["op"] == "lte"
    assert latency["objectives"][0]["value"] == pytest.approx(0.5, abs=0)


UNSUPPORTED = [
    ("openslo/v2alpha", "SLO", "apiVersion 'openslo/v2alpha' is not supported: this reader reads openslo/v1 "
     "(files of other versions differ in layout; convert them, e.g. with 'oslo convert')"),
    ("openslo/v1alpha", "Service", "apiVersion 'openslo/v1alpha' is not supported: this reader reads "
     "openslo/v1 (files of other versions differ in layout; convert them, e.g. with 'oslo convert')"),
    (None, "SLO", "unsupported document apiVersion None kind 'SLO'; supported: openslo/v1 Service, SLI, SLO, "
     "DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget (and slm-analytics/v1 Schedule, SLA, "
     "AlertPolicy)"),
    ("openslo/v1", "Dashboard", "unsupported document apiVersion 'openslo/v1' kind 'Dashboard'; supported: "
     "openslo/v1 Service, SLI, SLO, DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget (and "
     "slm-analytics/v1 Schedule, SLA, AlertPolicy)"),
]


@pytest.mark.parametrize(("api", "kind", "expected"), UNSUPPORTED)
def test_read_openslo_unsupported_document(tmp_path, api, kind, expected):
    service = "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  description: Web\n"
    api_line = "" if api is None else f"apiVersion: {api}\n"
    text = service + "---\n" + api_line + f"kind: {kind}\nmetadata:\n  name: prom\nspec: {{}}\n"
    path, got = message(tmp_path, text)
    assert got == f"{path}: document 2, line {line_of(text, '---') + 1}: {expected}"


def test_read_openslo_list_item_not_a_mapping(tmp_path):
    # a YAML list is read as a list of documents (the form 'oslo validate' accepts); its items are objects
    path, got = message(tmp_path, "- a\n- b\n")
    assert got == (f"{path}: document 1, item 1, line 1: expected a mapping with apiVersion, kind, metadata "
                   "and spec, got 'a'")


# In the style of the OpenSLO v1 specification's examples (README "SLO" section and
# examples/budgeting-method/*.yaml): an inline ratioMetric indicator with good/total metricSource queries.
SPEC_RATIO = """\
apiVersion: openslo/v1
kind: Service
metadata:
  name: web-shop
  displayName: Web shop
spec:
  description: The online shop
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-shop-availability
  displayName: Web shop availability
spec:
  description: Successful HTTP requests
  service: web-shop
  indicator:
    metadata:
      name: web-shop-success
      displayName: Successful requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: prometheus-main
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{code!~"5.."}[5m]))
        total:
          metricSource:
            metricSourceRef: prometheus-main
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total[5m]))
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good
      target: 0.999
"""

SPEC_TIMESLICES = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: service-availability
  displayName: Reflection of our availability SLA
spec:
  description: SLO to see if we are above our SLA and to react before.
  service: web-availability
  indicator:
    metadata:
      name: web-availability
    spec:
      ratioMetric:
        good:
          metricSource:
            type: Any
            spec:
              query: probes_ok
        total:
          metricSource:
            type: Any
            spec:
              query: probes_all
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: 2022-01-01 12:00:00
        timeZone: America/New_York
  budgetingMethod: Timeslices
  objectives:
    - displayName: Internal objective
      target: 0.995
      timeSliceTarget: 0.99
      timeSliceWindow: 1m
"""

SPEC_THRESHOLD = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-slo
  displayName: Searching time
spec:
  service: web-shop
  indicator:
    metadata:
      name: search-latency
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: search_duration_seconds_bucket
  timeWindow:
    - duration: 2w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good experience
      op: lte
      value: 0.5
      target: 0.99
"""


def test_read_openslo_spec_ratio_example(tmp_path):
    catalog = read_openslo(write(tmp_path, SPEC_RATIO, name="openslo.yaml"))
    (service,) = catalog.services
    # a plain OpenSLO Service has none of our fields: placeholder metadata
    assert (service.name, service.description, service.owner, service.tier, service.users) == (
        "web-shop", "The online shop", "unknown", 3, 0)
    (slo,) = catalog.slos
    assert slo.key == ("web-shop", "availability")  # metadata.name minus the "<service>-" prefix
    assert slo.description == "Successful HTTP requests"
    assert service.display_name == "Web shop"
    assert (slo.display_name, slo.objective_name, slo.objective_of) == ("Web shop availability", "Good", None)
    assert slo.indicator == RatioIndicator(kind="ratio",
                                           good='sum(rate(http_requests_total{code!~"5.."}[5m]))',
                                           total="sum(rate(http_requests_total[5m]))", source="Prometheus",
                                           source_ref="prometheus-main", counter=True,
                                           name="web-shop-success", display_name="Successful requests")
    assert slo.target == pytest.approx(0.999, abs=1e-12)
    assert (slo.window, slo.budgeting_method, slo.is_rolling) == ("28d", "Occurrences", True)
    assert slo.timeslice_target is None and slo.timeslice_window is None and slo.alert_policy is None


def test_read_openslo_spec_calendar_timeslices_example(tmp_path):
    catalog = read_openslo(write(tmp_path, SPEC_TIMESLICES, name="openslo.yaml"))
    (slo,) = catalog.slos
    # no Service document: the referenced service gets placeholder metadata
    assert [s.name for s in catalog.services] == ["web-availability"]
    assert catalog.services[0].owner == "unknown"
    assert slo.key == ("web-availability", "service-availability")
    assert (slo.window, slo.is_rolling, slo.budgeting_method, slo.timeslice_window) == (
        "month", False, "Timeslices", "1m")
    assert slo.target == pytest.approx(0.995, abs=1e-12)
    assert slo.timeslice_target == pytest.approx(0.99, abs=1e-12)
    assert (slo.indicator.good, slo.indicator.total) == ("probes_ok", "probes_all")
    assert slo.indicator.source == "Any"
    # the calendar's time zone is the SLO's, and its service's (a plain OpenSLO Service has none)
    assert slo.timezone == catalog.services[0].timezone == "America/New_York"


def test_read_openslo_spec_threshold_example(tmp_path):
    catalog = read_openslo(write(tmp_path, SPEC_THRESHOLD, name="openslo.yaml"))
    (slo,) = catalog.slos
    assert slo.key == ("web-shop", "search-slo")
    assert isinstance(slo.indicator, ThresholdIndicator)
    assert (slo.indicator.metric, slo.indicator.op, slo.indicator.source, slo.indicator.unit) == (
        "search_duration_seconds_bucket", "lte", "Prometheus", None)  # OpenSLO states no unit
    assert slo.indicator.threshold == pytest.approx(0.5, abs=0)
    assert slo.target == pytest.approx(0.99, abs=1e-12)
    assert (slo.window, slo.budgeting_method) == ("2w", "Occurrences")


def test_read_openslo_several_documents(tmp_path):
    catalog = read_openslo(write(tmp_path, SPEC_RATIO + "---\n" + SPEC_THRESHOLD, name="openslo.yaml"))
    assert [s.name for s in catalog.services] == ["web-shop"]
    assert [o.key for o in catalog.slos] == [("web-shop", "availability"), ("web-shop", "search-slo")]


def test_read_openslo_target_percent(tmp_path):
    text = edit("      target: 0.99\n", "      targetPercent: 99\n", SPEC_THRESHOLD)
    (slo,) = read_openslo(write(tmp_path, text, name="openslo.yaml")).slos
    assert slo.target == pytest.approx(0.99, abs=1e-12)  # 99 % / 100


# Constructs the catalog cannot represent, or broken references, in a copy of SPEC_TIMESLICES: each message
# names the file, the document, the line of the key (found by searching the edited text) and the key.
UNREPRESENTABLE = [
    ("composite objective", "      timeSliceWindow: 1m\n",
     "      timeSliceWindow: 1m\n      compositeWeight: 2\n", "    - displayName: Internal objective",
     "spec.objectives[0]", "composite objectives (an indicator per objective, compositeWeight) are not "
     "supported: write one SLO per indicator"),
    ("calendar 2M", "    - duration: 1M\n", "    - duration: 2M\n", "duration: 2M",
     "spec.timeWindow[0].duration",
     "calendar window '2M' is not supported: calendar windows are 1w, 1M or 1Q (week, month, quarter)"),
    ("rolling month", "    - duration: 1M\n      isRolling: false\n",
     "    - duration: 1M\n      isRolling: true\n",
     "duration: 1M", "spec.timeWindow[0].duration", "rolling window '1M': months, quarters and years have no "
     "fixed length; write it in days (e.g. '30d') or make it a calendar window"),
    ("unknown ratio key", "        good:\n", "        goodish:\n", "      ratioMetric:",
     "spec.indicator.spec.ratioMetric", "unknown key 'goodish'; a ratioMetric has counter, good or bad with "
     "total, or raw with rawType"),
    ("good and bad", "        good:\n", "        bad:\n          metricSource: {type: Any}\n        good:\n",
     "      ratioMetric:", "spec.indicator.spec.ratioMetric",
     "a ratioMetric needs total and exactly one of good and bad, or raw with rawType"),
    ("no metric kind", "      ratioMetric:\n", "      rawMetric:\n", None,
     "spec.indicator.spec", "needs a ratioMetric or a thresholdMetric, found ['rawMetric']"),
    ("no target", "      target: 0.995\n", "", "    - displayName: Internal objective",
     "spec.objectives[0]", "needs a target (e.g. 0.999) or a targetPercent (e.g. 99.9)"),
    ("target twice", "      target: 0.995\n", "      target: 0.995\n      targetPercent: 99.5\n",
     "    - displayName: Internal objective", "spec.objectives[0]", "give target or targetPercent, not both"),
    ("missing SLI", "  indicator:\n    metadata:\n      name: web-availability\n    spec:\n",
     "  indicatorRef: web-availability\n  unused:\n    spec:\n", "indicatorRef", "spec.indicatorRef",
     "refers to SLI 'web-availability', which the file does not define; its SLI documents: []"),
    ("empty indicator", "  indicator:\n    metadata:\n      name: web-availability\n    spec:\n",
     "  indicator:\n  unused:\n    metadata:\n      name: web-availability\n    spec:\n", "  indicator:",
     "spec.indicator", "is empty"),
    ("no service", "  service: web-availability\n", "", None, "spec.service", "expected a name, got None"),
    ("bad start time", "startTime: 2022-01-01 12:00:00", "startTime: next monday", "startTime",
     "spec.timeWindow[0].calendar.startTime", "startTime 'next monday' is not a date and time such as "
     "'2022-01-01 00:00:00'"),
    ("missing DataSource", "            type: Any\n            spec:\n              query: probes_ok\n",
     "            metricSourceRef: probes\n            spec:\n              query: probes_ok\n",
     "metricSourceRef", "spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef",
     "refers to DataSource 'probes', which the file does not define; its DataSource documents: []"),
    ("two sources", "            type: Any\n            spec:\n              query: probes_ok\n",
     "            type: Pingdom\n            spec:\n              query: probes_ok\n", "      ratioMetric:",
     "spec.indicator.spec.ratioMetric", "the metrics come from different sources [('Any', None), "
     "('Pingdom', None)]; one indicator reads one source here"),
]


@pytest.mark.parametrize(("old", "new", "needle", "key", "problem"), [c[1:] for c in UNREPRESENTABLE],
                         ids=[c[0] for c in UNREPRESENTABLE])
def test_read_openslo_refuses_what_it_cannot_represent(tmp_path, old, new, needle, key, problem):
    text = edit(old, new, SPEC_TIMESLICES)
    path, got = message(tmp_path, text)
    if needle is None:  # the key's parent: the indicator's spec, or the SLO's spec for a missing service
        parent = "    spec:" if "rawMetric" in text else "spec:"
        line = [i for i, t in enumerate(text.splitlines(), 1) if t == parent][0]
    else:
        line = line_of(text, needle)
    assert got == f"{path}: document 1, line {line}: SLO 'service-availability', {key}: {problem}"


def test_read_openslo_invalid_slo(tmp_path):
    text = edit("target: 0.999", "target: 99.9", SPEC_RATIO)
    path, got = message(tmp_path, text)
    line = line_of(text, "    - displayName: Good")
    assert got == (f"{path}: document 2, line {line}: SLO 'web-shop-availability', spec.objectives[0]: "
                   "target 99.9 is outside (0, 1): write 99.9 % as 0.999")


def test_read_openslo_syntax_error(tmp_path):
    text = SPEC_RATIO.replace("  timeWindow:\n", "  timeWindow: [\n")
    path = write(tmp_path, text, name="openslo.yaml")
    with pytest.raises(DefinitionError, match=re.escape(f"{path}: YAML syntax error at line")):
        read_openslo(path)




# ------------------------------------------------------------------------------ the specification's own files


def test_spec_examples_that_fit_are_read():
    catalog = read_openslo(SPEC / "occurences-slo.yaml")
    (slo,) = catalog.slos
    # thresholdMetric with an empty (comment-only) metricSource spec, objective 'lt 500', 2w rolling
    assert slo.key == ("web-shop", "search-slo") and slo.objective_name == "Good experience"
    assert slo.indicator == ThresholdIndicator(kind="threshold", metric={}, op="lt", threshold=500, unit=None,
                                               source="Any", name="search-latency",
                                               display_name="Latency of user searches")
    assert (slo.target, slo.window) == (0.99, "2w")
    (slo,) = read_openslo(SPEC / "ratio-timeslices.yaml").slos
    assert (slo.budgeting_method, slo.timeslice_window, slo.timeslice_target, slo.window) == (
        "RatioTimeslices", "1m", None, "2w")
    catalog = read_openslo(SPEC / "low-traffic-timeslices-slo.yaml")
    (slo,) = catalog.slos
    assert (slo.window, slo.timezone, catalog.service("web-availability").timezone) == (
        "week", "America/New_York", "America/New_York")
    assert (slo.target, slo.timeslice_target) == (0.9995, 0.95)


def test_spec_alerting_examples_map_to_an_alert_policy():
    with pytest.warns(UserWarning, match=re.escape("'AlertPolicy' -> 'alertpolicy'")):
        catalog = read_openslo(SPEC / "readme-alerting.yaml")
    (policy,) = catalog.alert_policies
    # burn rate 2 over 1h; the short window is 1h / 12 = 5m (SRE Workbook pairing); alertAfter is not kept
    assert policy == AlertPolicy(name="alertpolicy", display_name="Alert Policy",
                                 description="Alert policy for cpu usage breaches, notifies on-call "
                                             "devops via email",
                                 rules=({"severity": "page", "long_window": "1h", "short_window": "5m",
                                         "burn_rate": 2},))


@pytest.mark.parametrize(("name", "line", "key", "problem"), [
    # the example's comment says a month, but OpenSLO's 'm' is minutes and 'M' months
    ("timeslices-slo.yaml", 27, "spec.timeWindow[0].duration", "calendar window '1m' is not supported ('1m' "
     "is one minute; a calendar month is '1M'): calendar windows are 1w, 1M or 1Q (week, month, quarter)"),
    ("readme-inline-slo.yaml", 6, "spec", "timeWindow is missing: an SLO needs its compliance window, "
     "rolling ([{duration: 28d, isRolling: true}]) or calendar ([{duration: 1M, calendar: {timeZone: "
     "Europe/London}}])"),
])
def test_spec_examples_that_do_not_fit_say_why(name, line, key, problem):
    path = SPEC / name
    slo = yaml.safe_load(path.read_text())["metadata"]["name"]
    last_key = key.rsplit(".", 1)[-1].split("[")[0]
    assert path.read_text().splitlines()[line - 1].lstrip(" -").startswith(last_key)
    with pytest.raises(DefinitionError) as info:
        read_openslo(path)
    assert str(info.value) == f"{path}: document 1, line {line}: SLO {slo!r}, {key}: {problem}"


def test_spec_timeslices_example_with_a_month_has_two_objectives(tmp_path):
    text = (SPEC / "timeslices-slo.yaml").read_text().replace("duration: 1m #", "duration: 1M #")
    catalog = read(tmp_path, text)
    internal, sla = catalog.slos
    assert (internal.name, internal.objective_name, internal.target) == (
        "service-availability-internal-objective", "Internal objective", 0.995)
    assert (sla.name, sla.objective_name, sla.target) == ("service-availability-sla", "SLA", 0.99)
    assert internal.objective_of == sla.objective_of == "service-availability"
    assert internal.indicator == sla.indicator and internal.window == sla.window == "month"
    # written back as one SLO with both objectives
    (doc,) = [d for d in to_openslo(catalog) if d["kind"] == "SLO"]
    assert [o["displayName"] for o in doc["spec"]["objectives"]] == ["Internal objective", "SLA"]
    path = write(tmp_path, yaml.safe_dump_all(to_openslo(catalog)), name="again.yaml")
    assert read_openslo(path) == catalog


# ------------------------------------------------------------------------------------------ each construct

MIXED = """\
- apiVersion: openslo/v1
  kind: DataSource
  metadata: {name: cloudwatch-prod}
  spec:
    type: CloudWatch
    connectionDetails: {region: eu-west-1}
- apiVersion: openslo/v1
  kind: Service
  metadata: {name: Payment Gateway, displayName: Payment gateway}
  spec: {description: Card payments}
- apiVersion: openslo/v1
  kind: SLI
  metadata: {name: payment-errors, displayName: Failed payments}
  spec:
    ratioMetric:
      counter: false
      bad:
        metricSource:
          metricSourceRef: cloudwatch-prod
          spec: {namespace: Payments, metricName: Errors, stat: Sum}
      total:
        metricSource:
          metricSourceRef: cloudwatch-prod
          spec: {namespace: Payments, metricName: Requests, stat: Sum}
- apiVersion: openslo/v1
  kind: AlertCondition
  metadata: {name: fast-burn}
  spec:
    severity: page
    condition: {kind: burnrate, threshold: 14.4, lookbackWindow: 1h, alertAfter: 2m}
- apiVersion: openslo/v1
  kind: AlertPolicy
  metadata: {name: fast}
  spec:
    conditions: [{conditionRef: fast-burn}]
    notificationTargets: [{targetRef: pager}]
- apiVersion: openslo/v1
  kind: AlertPolicy
  metadata: {name: slow}
  spec:
    conditions:
      - kind: AlertCondition
        metadata: {name: slow-burn}
        spec:
          severity: ticket
          condition: {kind: burnrate, threshold: 1, lookbackWindow: 3d}
    notificationTargets: [{targetRef: pager}]
- apiVersion: openslo/v1
  kind: AlertNotificationTarget
  metadata: {name: pager}
  spec: {target: pagerduty}
- apiVersion: openslo/v1
  kind: SLO
  metadata: {name: Payment Gateway-Errors}
  spec:
    service: Payment Gateway
    indicatorRef: payment-errors
    timeWindow: [{duration: 1M, calendar: {startTime: "2024-01-01 00:00:00", timeZone: Europe/Paris}}]
    budgetingMethod: Occurrences
    objectives: [{displayName: Internal, targetPercent: 99.9}, {displayName: Contract, target: 0.995}]
    alertPolicies: [fast, {alertPolicyRef: slow}]
- apiVersion: openslo/v1
  kind: SLO
  metadata: {name: latency}
  spec:
    service: Payment Gateway
    indicator:
      metadata: {name: latency-ratio}
      spec:
        ratioMetric:
          rawType: failure
          raw:
            metricSource: {type: Datadog, spec: {query: "avg:payments.slow_ratio{*}"}}
    timeWindow: [{duration: 28d, isRolling: true}]
    budgetingMethod: Occurrences
    objectives: [{target: 0.99}]
"""


def test_a_list_of_every_kind_is_read(tmp_path):
    with pytest.warns(UserWarning) as record:
        catalog = read(tmp_path, MIXED)
    # names that are not identifiers are mapped, the mapping stated once, the original kept for display
    (w,) = record
    assert "'Payment Gateway' -> 'payment-gateway'" in str(w.message)
    assert "'Payment Gateway-Errors' -> 'payment-gateway-errors'" in str(w.message)
    (svc,) = catalog.services
    assert (svc.name, svc.display_name, svc.description, svc.timezone) == (
        "payment-gateway", "Payment gateway", "Card payments", "Europe/Paris")
    internal, contract, latency = catalog.slos
    # SLO metadata.name 'Payment Gateway-Errors' -> identifier, minus the service prefix: 'errors'
    assert (internal.name, contract.name) == ("errors-internal", "errors-contract")
    assert internal.target == pytest.approx(0.999, abs=1e-15) and contract.target == 0.995
    assert internal.indicator == RatioIndicator(
        kind="ratio", counter=False, source="CloudWatch", source_ref="cloudwatch-prod", name="payment-errors",
        display_name="Failed payments", bad={"namespace": "Payments", "metricName": "Errors", "stat": "Sum"},
        total={"namespace": "Payments", "metricName": "Requests", "stat": "Sum"})
    assert internal.alert_policy == contract.alert_policy == "fast-slow"
    assert (internal.window, internal.timezone) == ("month", "Europe/Paris")
    assert (latency.indicator.raw, latency.indicator.raw_type) == ("avg:payments.slow_ratio{*}", "failure")
    policies = {p.name: p for p in catalog.alert_policies}
    assert set(policies) == {"fast", "slow", "fast-slow"}
    # fast: 14.4x over 1h, short window 1h/12 = 5m; slow: 1x over 3d, short window 3d/12 = 6h
    assert [(r.long_window, r.short_window, r.burn_rate) for r in policies["fast-slow"].rules] == [
        ("1h", "5m", 14.4), ("3d", "6h", 1.0)]


def test_mixed_kinds_round_trip_through_openslo(tmp_path):
    with pytest.warns(UserWarning):
        catalog = read(tmp_path, MIXED)
    again = read_openslo(write(tmp_path, yaml.safe_dump_all(to_openslo(catalog)), name="again.yaml"))
    assert again == catalog


def test_several_documents_in_a_stream_and_lists_mix(tmp_path):
    text = "---\n" + SPEC_RATIO + "---\n- " + SPEC_THRESHOLD.replace("\n", "\n  ").rstrip() + "\n"
    catalog = read(tmp_path, text)
    assert [o.key for o in catalog.slos] == [("web-shop", "availability"), ("web-shop", "search-slo")]


def test_openslo_file_to_catalog_to_openslo_keeps_every_field_understood(tmp_path):
    def understood(doc):
        spec = doc["spec"]
        ind = spec["indicator"]
        return (doc["metadata"].get("displayName"), spec.get("description"), spec["service"],
                ind["metadata"], ind["spec"], spec["timeWindow"][0]["duration"],
                spec["timeWindow"][0].get("isRolling"), spec["budgetingMethod"],
                [{k: v for k, v in o.items()} for o in spec["objectives"]])

    original = [d for d in yaml.safe_load_all(SPEC_RATIO + "---\n" + SPEC_THRESHOLD) if d["kind"] == "SLO"]
    catalog = read(tmp_path, SPEC_RATIO + "---\n" + SPEC_THRESHOLD)
    written = [d for d in to_openslo(catalog) if d["kind"] == "SLO"]
    for a, b in zip(original, written, strict=True):
        assert understood(a) == understood(b)


def test_a_calendar_slo_carries_its_time_zone_into_forecasts(tmp_path):
    text = SPEC_TIMESLICES.replace("budgetingMethod: Timeslices", "budgetingMethod: Occurrences").replace(
        "      timeSliceTarget: 0.99\n      timeSliceWindow: 1m\n", "")
    (slo,) = read(tmp_path, text).slos
    day = pd.date_range("2026-03-01", periods=40 * 24, freq="h", tz="America/New_York")
    sli = pd.DataFrame({"timestamp": day, "service": slo.service, "slo": slo.name,
                        "good": 995, "total": 1000})
    sli.loc[sli.index % 97 == 0, "good"] = 900
    as_of = pd.Timestamp("2026-03-20", tz="America/New_York")
    # no tz= and no catalog=: the SLO's calendar time zone cuts its days; the same as naming it
    own = breach_probability(sli, slo, as_of=as_of, seed=1, n_paths=200)
    named = breach_probability(sli, slo, as_of=as_of, seed=1, n_paths=200, tz="America/New_York")
    assert own.probability == named.probability


def test_names_that_map_to_the_same_identifier_are_refused(tmp_path):
    text = ("apiVersion: openslo/v1\nkind: Service\nmetadata: {name: Web Shop}\nspec: {}\n---\n"
            "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: web shop}\nspec: {}\n")
    path, got = message(tmp_path, text)
    assert got == (f"{path}: document 2, line 8: Service 'web shop', metadata.name: name 'web shop' and name "
                   "'Web Shop' both map to the identifier 'web-shop'; rename one of them")


EMPTY = [
    ("empty file", "", "{path}: no OpenSLO documents found (the file is empty)"),
    ("comments only", "# nothing yet\n---\n", "{path}: no OpenSLO documents found (the file is empty)"),
    ("empty metadata", "apiVersion: openslo/v1\nkind: SLO\nmetadata:\nspec: {}\n",
     "{path}: document 1, line 3: SLO: metadata is empty"),
    ("no name", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {displayName: X}\nspec: {}\n",
     "{path}: document 1, line 1: SLO: metadata.name is missing; every OpenSLO object is named"),
    ("empty spec", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n",
     "{path}: document 1, line 4: SLO: spec is empty"),
    ("no spec", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\n",
     "{path}: document 1, line 1: SLO: spec is missing"),
    ("same SLO twice", "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: a}\n---\n"
     "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: a}\n",
     "{path}: document 2, line 7: Service 'a', metadata.name: a second Service named 'a' "
     "({path}: document 1, line 1 is the first)"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in EMPTY], ids=[c[0] for c in EMPTY])
def test_empty_or_unnamed_documents_say_what_is_missing(tmp_path, text, expected):
    path, got = message(tmp_path, text)
    assert got == expected.format(path=path)


def test_a_catalog_with_the_new_fields_round_trips(tmp_path):
    catalog = load_catalog(write(tmp_path, BASE))
    extra = catalog.model_copy(update={
        "services": (catalog.services[0].model_copy(update={"display_name": "Check-out"}),
                     *catalog.services[1:]),
        "slos": (*catalog.slos,
                 SLO(service="checkout", name="errors", display_name="Errors",
                     indicator={"kind": "ratio", "bad": "errors_total", "total": "requests_total",
                                "source_ref": "prom"}, target=0.99, window="7d"),
                 SLO(service="wiki", name="speed", indicator={"kind": "threshold", "op": "gte",
                                                               "threshold": 5, "unit": None,
                                                               "metric": {"table": "t", "column": "c"}},
                     target=0.9, window="quarter")),
    })
    extra = Catalog.model_validate(extra.model_dump())
    path = write(tmp_path, yaml.safe_dump_all(to_openslo(extra)), name="openslo.yaml")
    assert read_openslo(path) == extra
    assert isinstance(extra.service("checkout"), Service)


# ------------------------------------------------------------------------------- data with an OpenSLO catalog


def test_objectives_of_one_slo_share_its_sli_series(tmp_path):
    from slm_analytics.data import read_catalog, read_sli

    text = (SPEC / "timeslices-slo.yaml").read_text().replace("duration: 1m #", "duration: 1M #")
    path = write(tmp_path, text, name="catalog.yaml")
    catalog = read_catalog(path)  # detected as OpenSLO (apiVersion), read with read_openslo
    assert [o.name for o in catalog.slos] == ["service-availability-internal-objective",
                                             "service-availability-sla"]
    rows = "".join(f"2026-03-0{d}T00:00Z,web-availability,service-availability,{990 + d},1000\n"
                   for d in (1, 2, 3))
    csv = tmp_path / "sli.csv"
    csv.write_text("timestamp,service,slo,good,total\n" + rows)
    sli = read_sli(csv, catalog=catalog)
    # the three buckets of the SLO's series, once for each objective
    assert sli["slo"].astype(str).tolist() == ["service-availability-internal-objective"] * 3 + [
        "service-availability-sla"] * 3
    assert sli["good"].tolist() == [991, 992, 993, 991, 992, 993]
    csv.write_text("timestamp,service,slo,good,total\n" + rows
                   + "2026-03-01T00:00Z,web-availability,service-availability-sla,1,1\n")
    with pytest.raises(DataError) as info:
        read_sli(csv, catalog=catalog)
    assert str(info.value) == (
        f"{csv}: service 'web-availability' has rows for SLO 'service-availability' and for its objective "
        "'service-availability-sla': the objectives share the SLO's series; give the rows once, under one "
        "of the two names")


def test_a_data_folder_may_hold_an_openslo_catalog(tmp_path, bundled):
    # the review reads <data>/catalog.yaml with read_dataset: OpenSLO documents are recognised and read
    docs = [d for d in to_openslo(bundled) if d["apiVersion"] == "openslo/v1"]
    for d in docs:  # plain OpenSLO: no schedules, SLAs or our alert policies to refer to
        for key in ("slm-analytics/schedule", "slm-analytics/alert-policy"):
            d["metadata"].get("annotations", {}).pop(key, None)
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    catalog = read_dataset("catalog", data_dir=tmp_path)
    assert [o.key for o in catalog.slos] == [o.key for o in bundled.slos]
    assert [s.timezone for s in catalog.services] == [s.timezone for s in bundled.services]
    assert (catalog.slas, catalog.schedules, catalog.alert_policies) == ((), (), ())
