"""Tests for slm_analytics.review.summary: the machine-readable review summary, its schema and the diff.

The summaries are those of checkout (Europe/London) for September and October 2026 on the bundled sample
data: two consecutive monthly reviews, the second of which compares itself with the first.
"""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from slm_analytics import read_dataset, review
from slm_analytics.errors import DataError, ParameterError
from slm_analytics.review import summary as S

SERVICE = "checkout"


@pytest.fixture(scope="module")
def inputs():
    return {m: review.load_inputs(review.validate_parameters(service=SERVICE, period=m))
            for m in ("2026-09", "2026-10")}


@pytest.fixture(scope="module")
def october_parts(inputs):
    """The expensive parts of October's summary, computed once (as the report computes them)."""
    i = inputs["2026-10"]
    outlook = review.month_outlook(i.sli, i.catalog, service=SERVICE, month="2026-10")
    priorities = review.month_priorities(i.sli, i.catalog, service=SERVICE, month="2026-10",
                                         incidents=i.incidents, requirements=i.requirements,
                                         exclusions=i.maintenance)
    return outlook, priorities


@pytest.fixture(scope="module")
def docs(inputs, october_parts):
    outlook, priorities = october_parts
    return {"2026-09": S.service_summary(inputs["2026-09"], service=SERVICE, month="2026-09"),
            "2026-10": S.service_summary(inputs["2026-10"], service=SERVICE, month="2026-10",
                                         outlook=outlook, priorities=priorities)}


# --- the document and its schema ----------------------------------------------------------------------------

def test_schema_is_a_valid_draft_2020_12_schema_with_a_description_on_every_property():
    from jsonschema import Draft202012Validator

    schema = S.summary_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == S.SCHEMA_VERSION
    assert S.SCHEMA.name == "summary.schema.json" and S.SCHEMA.is_file()

    def properties(node, where):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                yield f"{where}.{name}", prop
            for key, child in node.items():
                yield from properties(child, f"{where}/{key}")
        elif isinstance(node, list):
            for child in node:
                yield from properties(child, where)

    found = list(properties(schema, "$"))
    assert len(found) > 60  # the top level, the service, the period and the six kinds of entries
    missing = [where for where, prop in found if not prop.get("description")]
    assert not missing


def test_summaries_of_two_consecutive_months_are_schema_valid_plain_json(docs):
    for month, doc in docs.items():
        S.validate_summary(doc)
        assert doc["schema_version"] == S.SCHEMA_VERSION
        assert doc["period"]["label"] == month
        assert json.loads(S.canonical_json(doc)) == doc  # plain JSON types only: the round trip is exact
    october = docs["2026-10"]
    # the month cut in London: BST until 25 October, so the month starts at 23:00 UTC the day before
    assert october["period"]["start"] == "2026-09-30T23:00:00Z"
    assert october["period"]["end"] == "2026-11-01T00:00:00Z"
    assert [s["name"] for s in october["slos"]] == ["availability", "latency", "uptime"]  # catalog order
    assert sum(october["status_counts"].values()) == len(october["slos"])


def test_rerun_gives_byte_identical_files_and_no_run_timestamp(inputs, docs, tmp_path):
    again = S.service_summary(inputs["2026-10"], service=SERVICE, month="2026-10")  # everything recomputed
    first = S.write_summary(docs["2026-10"], tmp_path / "a.summary.json")
    second = S.write_summary(again, tmp_path / "b.summary.json")
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert text.endswith("}\n") and '\n  "credits_owed"' in text  # indent 2, keys sorted
    assert "generated" not in text and "run_at" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.summary.json", "b.summary.json"]  # no temp left


def test_numbers_are_monthly_attainments_and_match_plain_pandas_sums(inputs, docs):
    i = inputs["2026-10"]
    table = review.monthly_attainment(i.sli, i.catalog, service=SERVICE, month="2026-10").set_index("slo")
    for slo in docs["2026-10"]["slos"]:
        row = table.loc[slo["name"]]
        assert slo["good"] == int(row["good"]) and slo["total"] == int(row["total"])
        # rounded to 6 significant digits: within half a unit of the 6th digit
        assert slo["attainment"] == pytest.approx(row["attainment"], rel=5e-6)
        assert slo["budget_consumed"] == pytest.approx(row["budget_consumed"], rel=5e-6)
        assert slo["target"] == row["target"]
    # independent reference: availability (Occurrences) is the month's pooled good / total, by plain pandas
    sli = read_dataset("sli_5min")
    start = pd.Timestamp("2026-10-01", tz="Europe/London")
    end = pd.Timestamp("2026-11-01", tz="Europe/London")
    rows = sli[(sli["service"] == SERVICE) & (sli["slo"] == "availability")
               & (sli["timestamp"] >= start) & (sli["timestamp"] < end)]
    availability = docs["2026-10"]["slos"][0]
    assert availability["good"] == int(rows["good"].sum()) == 16001354  # monthly_attainment's doctest
    assert availability["total"] == int(rows["total"].sum()) == 16006294
    assert availability["attainment"] == pytest.approx(rows["good"].sum() / rows["total"].sum(), rel=5e-6)
    assert availability["budget_consumed"] == pytest.approx(
        (1 - rows["good"].sum() / rows["total"].sum()) / (1 - 0.999), rel=5e-6)


def test_sla_incidents_and_sip_items_are_the_reports(inputs, docs):
    i = inputs["2026-10"]
    doc = docs["2026-10"]
    slas = review.month_sla(i.sli, i.catalog, service=SERVICE, month="2026-10", exclusions=i.maintenance)
    assert [s["name"] for s in doc["slas"]] == slas["sla"].tolist()
    assert doc["credits_owed"] == pytest.approx(float(slas["credit_amount"].sum()))
    shown = review.incident_table(i.incidents, i.catalog, service=SERVICE, month="2026-10").data
    majors = shown[shown["severity"].isin(["P1", "P2"])]
    assert [m["id"] for m in doc["major_incidents"]] == majors["id"].tolist()
    for m, minutes in zip(doc["major_incidents"], majors["impact (min)"], strict=True):
        assert m["duration_minutes"] == pytest.approx(minutes)
    register = read_dataset("sip_register")
    assert {s["id"] for s in doc["sip_items"]} >= set(register.loc[register["service"] == SERVICE, "id"])
    assert all(s["status"] in ("open", "in-progress") for s in doc["improvement_items"])


def test_at_risk_probability_is_the_threshold_the_status_uses(inputs, october_parts):
    outlook, priorities = october_parts
    p = outlook.table.set_index("slo")["breach_probability"]
    uptime = float(p["uptime"])  # 0.014 on the sample data, the highest of checkout's three
    doc = S.service_summary(inputs["2026-10"], service=SERVICE, month="2026-10", at_risk_probability=uptime,
                            outlook=outlook, priorities=priorities)
    status = {s["name"]: s["status"] for s in doc["slos"]}
    assert status == {"availability": "met", "latency": "met", "uptime": "at risk"}  # p >= the parameter
    assert doc["settings"]["at_risk_probability"] == uptime
    with pytest.raises(ParameterError, match=r"at_risk_probability 1.5 must be a probability in \[0, 1\]"):
        S.service_summary(inputs["2026-10"], service=SERVICE, month="2026-10", at_risk_probability=1.5,
                          outlook=outlook, priorities=priorities)


# --- the status rule ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "expected"), [
    # the budget clause: >= 75 % spent AND > 25 % of the window left (issue 12)
    ({"budget_consumed": 0.75, "window_left": 0.25}, "met"),          # exactly 25 % left is not "more than"
    ({"budget_consumed": 0.75, "window_left": 0.2500001}, "at risk"),  # exactly 75 % spent is enough
    ({"budget_consumed": 0.7499999, "window_left": 0.9}, "met"),
    ({"budget_consumed": 0.75, "window_left": None}, "met"),
    # the probability clause: >= the parameter
    ({"breach_probability": 0.5}, "at risk"),
    ({"breach_probability": 0.4999999}, "met"),
    ({"breach_probability": float("nan")}, "met"),                    # not assessed
    ({"breach_probability": 0.2, "at_risk_probability": 0.2}, "at risk"),
])
def test_slo_status_boundaries(kwargs, expected):
    assert S.slo_status(met=True, **kwargs) == expected


def test_slo_status_missed_and_no_data_come_first():
    assert S.slo_status(met=False, breach_probability=0.0) == "missed"
    assert S.slo_status(met=False, breach_probability=1.0, budget_consumed=2.0, window_left=0.5) == "missed"
    assert S.slo_status(met=None, breach_probability=1.0) == "no data"
    assert S.slo_status(met=pd.NA) == "no data"
    with pytest.raises(ParameterError, match=r"at_risk_probability '0.5' must be a probability"):
        S.slo_status(met=True, at_risk_probability="0.5")


# --- writing and reading ------------------------------------------------------------------------------------

def test_read_summary_round_trips(docs, tmp_path):
    path = S.write_summary(docs["2026-09"], tmp_path / "checkout.summary.json")
    assert S.read_summary(path) == docs["2026-09"]


@pytest.mark.parametrize(("content", "match"), [
    ('{"schema_version": "1.0", "slos": [', r"line 1 column \d+: not JSON"),                     # cut short
    ('{"name": "something else"}', r"not a service review summary \(a JSON dict without 'schema_version'\)"),
    ("[1, 2]", r"not a service review summary \(a JSON list"),
    ('{"schema_version": "0.1"}', r"'schema_version' '0.1' is not '1.0'"),
])
def test_a_corrupted_or_foreign_file_is_a_data_error_naming_the_file(tmp_path, content, match):
    path = tmp_path / "checkout.summary.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=match) as info:
        S.read_summary(path)
    assert str(info.value).startswith(f"{path}: ")


def test_an_invalid_summary_names_the_file_and_the_json_path(docs, tmp_path):
    bad = copy.deepcopy(docs["2026-10"])
    bad["slos"][1]["attainment"] = "99.6 %"
    path = tmp_path / "checkout.summary.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DataError, match=r"checkout.summary.json: review summary: "
                                        r"at \$\.slos\[1\]\.attainment: '99.6 %' is not of type 'number'"):
        S.read_summary(path)
    with pytest.raises(DataError, match=r"cannot read the review summary"):
        S.read_summary(tmp_path / "missing.summary.json")


def test_write_summary_refuses_an_invalid_document_and_keeps_the_good_file(docs, tmp_path):
    path = S.write_summary(docs["2026-10"], tmp_path / "checkout.summary.json")
    before = path.read_bytes()
    bad = copy.deepcopy(docs["2026-10"])
    del bad["slos"][0]["status"]
    with pytest.raises(DataError, match=r"at \$\.slos\[0\]: 'status' is a required property"):
        S.write_summary(bad, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["checkout.summary.json"]


# --- the previous review and the diff -----------------------------------------------------------------------

def test_previous_period_and_find_previous(docs, tmp_path):
    assert S.previous_period("2026-10") == "2026-09"
    assert S.previous_period("2026-01") == "2025-12"
    assert S.previous_period("2026-Q1") == "2025-Q4"
    assert S.previous_period("2026-Q4") == "2026-Q3"
    with pytest.raises(ParameterError, match=r"period '2026-13' is not a review period; expected 'YYYY-MM'"):
        S.previous_period("2026-13")
    with pytest.raises(ParameterError, match=r"'last-complete-month' is relative"):
        S.previous_period("last-complete-month")
    assert S.find_previous(tmp_path, SERVICE, "2026-10") is None  # the first review
    (tmp_path / "2026-09").mkdir()
    written = S.write_summary(docs["2026-09"], tmp_path / "2026-09" / "checkout.summary.json")
    assert S.find_previous(tmp_path, SERVICE, "2026-10") == written
    assert S.find_previous(tmp_path, "payments", "2026-10") is None
    (tmp_path / "2025-Q4").mkdir()
    quarterly = tmp_path / "2025-Q4" / "checkout.summary.json"
    quarterly.write_text("{}", encoding="utf-8")
    assert S.find_previous(str(tmp_path), SERVICE, "2026-Q1") == quarterly


def test_first_review_says_no_previous_review_found(docs):
    diff = S.summary_diff(None, docs["2026-10"])
    assert not diff.found
    assert diff.note == "no previous review found"
    assert diff.previous_period is None
    for table in (diff.attainment, diff.breaches, diff.status_changes, diff.sip, diff.changes):
        assert table.empty and len(table.columns) >= 3
    assert "no previous review found" in repr(diff)


def test_diff_of_consecutive_months_is_current_minus_previous(inputs, docs):
    diff = S.summary_diff(docs["2026-09"], docs["2026-10"])
    assert diff.found and diff.note == "2026-10 compared with 2026-09" and diff.previous_period == "2026-09"
    table = diff.attainment.set_index("slo")
    before, now = ({s["name"]: s for s in docs[m]["slos"]} for m in ("2026-09", "2026-10"))
    for name in ("availability", "latency", "uptime"):
        assert table.loc[name, "delta_pp"] == pytest.approx(
            100 * (now[name]["attainment"] - before[name]["attainment"]), abs=1e-12)
        assert table.loc[name, "status"] == now[name]["status"]
        assert table.loc[name, "previous_status"] == before[name]["status"]
    # and against the engine itself: monthly_attainment of each month, in percentage points
    sep, oct_ = (review.monthly_attainment(inputs[m].sli, inputs[m].catalog, service=SERVICE, month=m)
                 .set_index("slo")["attainment"] for m in ("2026-09", "2026-10"))
    assert table["delta_pp"].astype(float).to_numpy() == pytest.approx(
        100 * (oct_ - sep).loc[table.index].to_numpy(), abs=1e-3)  # 6 significant digits: < 1e-3 pp
    assert diff.changes.empty  # the catalog and the requirements did not change between the two reviews


def test_diff_reports_breaches_status_changes_sip_progress_and_changed_targets(docs):
    previous = copy.deepcopy(docs["2026-10"])
    previous["period"]["label"] = "2026-09"
    current = copy.deepcopy(docs["2026-10"])
    # availability missed before, met now; latency met before, missed now
    previous["slos"][0].update(status="missed", met=False)
    current["slos"][1].update(status="missed", met=False)
    previous["slas"][0].update(breached=True, status="breached")
    # the uptime target was raised, a requirement's level changed and one requirement is new
    current["slos"][2]["target"] = 0.999
    current["requirements"][0]["required_target"] = 0.9995
    previous["requirements"] = previous["requirements"][:2]
    # SIP: an item closed since, a new one, an overdue one
    item = {"id": "SIP-900", "slo": "latency", "problem": "p", "owner": "team-orders", "status": "open",
            "opened": "2026-08-01", "due": "2026-12-31", "closed": None, "overdue": False}
    previous["sip_items"] = [item]
    current["sip_items"] = [{**item, "status": "done", "closed": "2026-10-20"},
                            {**item, "id": "SIP-901", "due": "2026-10-15", "overdue": True}]
    diff = S.summary_diff(previous, current)
    assert diff.breaches.values.tolist() == [["SLO", "latency", "new"], ["SLO", "availability", "resolved"],
                                             ["SLA", "retail-partners", "resolved"]]
    assert diff.status_changes.values.tolist() == [["availability", "missed", "met"],
                                                   ["latency", "met", "missed"]]
    assert diff.sip[["id", "change"]].values.tolist() == [["SIP-900", "closed"], ["SIP-901", "new"],
                                                          ["SIP-901", "overdue"]]
    assert diff.changes.values.tolist() == [
        ["SLO", "uptime", "target", 0.995, 0.999],
        ["requirement", "REQ-001", "required_target", 0.999, 0.9995],
        ["requirement", "REQ-003", "presence", "absent", "present"],
    ]
    assert "2 status changes, 1 new and 2 resolved breaches" in repr(diff)


def test_diff_refuses_another_services_summary_and_an_invalid_one(docs):
    other = copy.deepcopy(docs["2026-09"])
    other["service"]["name"] = "payments"
    with pytest.raises(ParameterError, match=r"is about service 'payments', not 'checkout'"):
        S.summary_diff(other, docs["2026-10"])
    with pytest.raises(DataError, match=r"at \$: 'slos' is a required property"):
        S.summary_diff({k: v for k, v in docs["2026-09"].items() if k != "slos"}, docs["2026-10"])
