"""Bad OpenSLO files, one case per row, each with the exact message it gives.

Each case edits ``MIXED`` (a valid YAML list of every OpenSLO kind, in tests/test_openslo.py) or
``SPEC_RATIO`` (a Service and an SLO as a stream of two documents). Every message names the file, the
document (and the item of a YAML list), the line of the offending key (found by searching the edited text
for ``needle``), the object and the key. ``{path}`` stands for the file written by the case, ``{line}`` for
the needle's line. More cases (constructs the catalog cannot represent, empty documents, other apiVersions)
are in tests/test_openslo.py.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from test_catalog import line_of
from test_openslo import MIXED, SPEC_RATIO

from slm_analytics.errors import DefinitionError
from slm_analytics.openslo import read_openslo

SLO1 = "SLO 'Payment Gateway-Errors'"


def case(name, base, old, new, needle, expected):
    assert old in base, name
    return pytest.param(base.replace(old, new, 1), needle, expected, id=name)


CASES = [
    case("severity unknown", MIXED, "severity: page", "severity: critical", "severity: critical",
         "{path}: document 1, item 4, line {line}: AlertCondition 'fast-burn', spec.severity: severity "
         "'critical' is not one the workbench knows: 'page' (wakes someone) or 'ticket'"),
    case("condition not a burn rate", MIXED, "{kind: burnrate, threshold: 14.4",
         "{kind: errorrate, threshold: 14.4", "errorrate",
         "{path}: document 1, item 4, line {line}: AlertCondition 'fast-burn', spec.condition.kind: "
         "condition kind 'errorrate' is not supported; only 'burnrate' conditions map to burn-rate alert "
         "rules"),
    case("lookback in words", MIXED, "lookbackWindow: 1h", "lookbackWindow: 1 hour", "1 hour",
         "{path}: document 1, item 4, line {line}: AlertCondition 'fast-burn', "
         "spec.condition.lookbackWindow: unparsable window '1 hour': expected a positive duration "
         "'<n><unit>' with unit s, m, h, d or w "
         "(e.g. '28d', '5m') or a calendar period week, month, quarter; did you mean '1h'?"),
    case("burn rate not a number", MIXED, "threshold: 14.4", "threshold: fast", "threshold: fast",
         "{path}: document 1, item 4, line {line}: AlertCondition 'fast-burn', spec.condition.threshold: "
         "threshold 'fast' must be a positive number: the burn rate that fires the alert (e.g. 14.4)"),
    case("unknown alert policy", MIXED, "alertPolicies: [fast,", "alertPolicies: [fastest,", "fastest",
         "{path}: document 1, item 8, line {line}: " + SLO1 + ", spec.alertPolicies[0]: refers to "
         "AlertPolicy 'fastest', which the file does not define; its AlertPolicy documents: ['fast', "
         "'slow']"),
    case("unknown alert condition", MIXED, "conditionRef: fast-burn", "conditionRef: quick-burn",
         "quick-burn",
         "{path}: document 1, item 5, line {line}: AlertPolicy 'fast', spec.conditions[0].conditionRef: "
         "refers "
         "to AlertCondition 'quick-burn', which the file does not define; its AlertCondition documents: "
         "['fast-burn']"),
    case("policy without conditions", MIXED, "    conditions: [{conditionRef: fast-burn}]\n", "",
         "metadata: {name: fast}",
         # the policy's spec starts on the line after its metadata
         "{path}: document 1, item 5, line {line+1}: AlertPolicy 'fast', spec: an AlertPolicy needs "
         "conditions "
         "(a list of one AlertCondition)"),
    case("alert policies not a list", MIXED, "alertPolicies: [fast, {alertPolicyRef: slow}]",
         "alertPolicies: fast", "alertPolicies: fast",
         "{path}: document 1, item 8, line {line}: " + SLO1 + ", spec.alertPolicies: alertPolicies must be a "
         "list, got 'fast'"),
    case("unknown SLI", MIXED, "indicatorRef: payment-errors", "indicatorRef: payment-failures",
         "payment-failures",
         "{path}: document 1, item 8, line {line}: " + SLO1 + ", spec.indicatorRef: refers to SLI "
         "'payment-failures', which the file does not define; its SLI documents: ['payment-errors']"),
    case("raw without rawType", MIXED, "          rawType: failure\n", "", "        ratioMetric:",
         "{path}: document 1, item 9, line {line}: SLO 'latency', spec.indicator.spec.ratioMetric: raw needs "
         "rawType 'success' (the good ratio) or 'failure' (the bad ratio), got None"),
    case("SLOs of one service in two zones", MIXED, "    timeWindow: [{duration: 28d, isRolling: true}]",
         "    timeWindow: [{duration: 1M, calendar: {timeZone: Asia/Tokyo}}]", "metadata: {name: latency}",
         "{path}: document 1, item 9, line {line-2}: SLO of service 'payment-gateway' in calendar time zone "
         "'Asia/Tokyo', but {path}: document 1, item 8, line 52 puts one in 'Europe/Paris': a service's days "
         "and calendar periods are cut in one zone"),
    case("unknown time zone", MIXED, "Europe/Paris", "Europe/Pariss", "Europe/Pariss",
         "{path}: document 1, item 8, line {line}: " + SLO1 + ", spec.timeWindow[0].calendar.timeZone: "
                                                              "unknown "
         "time zone 'Europe/Pariss': expected an IANA name such as 'UTC', 'Europe/London', "
         "'America/New_York'"),
    case("budgeting method misspelt", SPEC_RATIO, "budgetingMethod: Occurrences", "budgetingMethod: "
                                                                                  "Occurences",
         "Occurences",
         "{path}: document 2, line {line}: SLO 'web-shop-availability', spec.budgetingMethod: "
         "budgetingMethod "
         "'Occurences' is not one of Occurrences, Timeslices, RatioTimeslices"),
    case("a list item that is text", MIXED, "- apiVersion: openslo/v1\n  kind: Service",
         "- just text\n- apiVersion: openslo/v1\n  kind: Service", "just text",
         "{path}: document 1, item 2, line {line}: expected a mapping with apiVersion, kind, metadata and "
         "spec, got 'just text'"),
    case("a key twice", SPEC_RATIO, "  budgetingMethod: Occurrences",
         "  budgetingMethod: Occurrences\n  budgetingMethod: Timeslices", "Timeslices",
         "{path}: line {line}: key 'budgetingMethod' appears twice in one mapping (also line {line-1}); the "
         "later one would silently replace the earlier: keep one"),
    case("target in words", SPEC_RATIO, "target: 0.999", "target: high", "    - displayName: Good",
         "{path}: document 2, line {line}: SLO 'web-shop-availability', spec.objectives[0]: target: Input "
         "should be a valid number, unable to parse string as a number (got 'high')"),
    case("time slices without a slice target", SPEC_RATIO, "budgetingMethod: Occurrences",
         "budgetingMethod: Timeslices", "    - displayName: Good",
         "{path}: document 2, line {line}: SLO 'web-shop-availability', spec.objectives[0]: budgeting_method "
         "'Timeslices' needs a timeslice_target (the ratio a good slice must reach)"),
    case("metadata as a list", SPEC_RATIO, "metadata:\n  name: web-shop\n", "metadata: [web-shop]\n  x: 1\n",
         "metadata: [web-shop]",
         "{path}: YAML syntax error at line {line+1}, column 3: did not find expected key"),
]


@pytest.mark.parametrize(("text", "needle", "expected"), CASES)
def test_bad_openslo(tmp_path: Path, text, needle, expected):
    path = tmp_path / "openslo.yaml"
    path.write_text(text, encoding="utf-8")
    line = line_of(text, needle)
    with pytest.raises(DefinitionError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MIXED's names are mapped to identifiers (tested elsewhere)
        read_openslo(path)
    shifts = (("{line}", line), ("{line+1}", line + 1), ("{line-1}", line - 1), ("{line-2}", line - 2))
    for key, value in (*shifts, ("{path}", path)):
        expected = expected.replace(key, str(value))
    assert str(info.value) == expected


def test_the_table_is_large_enough():
    assert len(CASES) >= 18
