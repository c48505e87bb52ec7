"""Tests of slm_analytics.sources.rules: Prometheus rules from the catalog, checked by promtool.

``promtool check rules`` validates every generated file; ``promtool test rules`` feeds request counters to
the rules and expects the alerts at each evaluation that :func:`slm_analytics.budget.burn_rate_alerts`
(the Python backtest) computes from the same counts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from slm_analytics import read_dataset
from slm_analytics.budget import burn_rate_alerts, burn_rate_thresholds
from slm_analytics.catalog import SLO, Catalog
from slm_analytics.errors import DefinitionError, ParameterError
from slm_analytics.sources.rules import (
    ALERT_NAME,
    PrometheusRules,
    go_float,
    prometheus_rules,
    record_name,
)

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool not found on PATH (Debian: apt-get install prometheus)")

STEP = pd.Timedelta("5min")


def _write(path: Path, rules: PrometheusRules) -> Path:
    path.write_text(rules.to_yaml(), encoding="utf-8")
    return path


def _promtool(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([PROMTOOL, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=60, check=False)


def _catalog(extra_slos: list[dict] | None = None) -> Catalog:
    """Four services with one SLO each (target 99.9 % over 30 days) and a two-rule policy.

    The policy mixes both ways of giving a rule: a share of the budget (2 % in 1 h -> burn rate
    0.02 x 720 h / 1 h = 14.4, SRE Workbook table 5-8) and a burn-rate factor (6).
    """
    def ratio(job: str) -> dict:
        return {"kind": "ratio", "good": f'sum(rate(http_requests_total{{job="{job}",code!~"5.."}}[5m]))',
                "total": f'sum(rate(http_requests_total{{job="{job}"}}[5m]))'}

    slos = [{"service": s, "name": "availability", "indicator": ratio(s), "target": 0.999, "window": "30d",
             "alert_policy": "test"} for s in ("fast", "slow", "quiet")]
    slos.append({"service": "latency", "name": "latency", "target": 0.999, "window": "30d",
                 "alert_policy": "test",
                 "indicator": {"kind": "threshold", "metric": 'lat_seconds_bucket{job="latency"}',
                               "op": "lte", "threshold": 300, "unit": "ms"}})
    return Catalog.model_validate({
        "services": [{"name": s, "owner": "team", "tier": 1, "users": 1, "business_weight": 1}
                     for s in ("fast", "slow", "quiet", "latency", "other")],
        "alert_policies": [{"name": "test", "rules": [
            {"severity": "page", "long_window": "1h", "short_window": "5m", "budget_consumed": 0.02},
            {"severity": "ticket", "long_window": "6h", "short_window": "30m", "burn_rate": 6}]}],
        "slos": slos + (extra_slos or []),
    })


# ------------------------------------------------------------------------------- the bundled catalog


def test_bundled_catalog_every_slo_has_rules_or_a_reason():
    catalog = read_dataset("catalog")
    rules = prometheus_rules(catalog)
    grouped = {(r.service, r.slo) for r in rules.to_frame().itertuples()}
    skipped = set(zip(rules.skipped["service"], rules.skipped["slo"], strict=True))
    assert grouped | skipped == {o.key for o in catalog.slos}
    assert not grouped & skipped
    # the four Timeslices SLOs (probes over fixed slices, see the function's Notes), and partner-gateway's
    # availability: an Occurrences SLO on a probe gauge, with no counter whose range could be widened
    timeslices = {o.key for o in catalog.slos if o.budgeting_method == "Timeslices"}
    assert skipped == timeslices | {("partner-gateway", "availability")}
    keys = zip(rules.skipped["service"], rules.skipped["slo"], strict=True)
    reasons = dict(zip(keys, rules.skipped["reason"], strict=True))
    assert all("Timeslices" in reasons[k] for k in timeslices)
    assert "a gauge" in reasons[("partner-gateway", "availability")]
    # every SLO without an alert policy gets the backtest's default, the SRE Workbook's four rules
    frame = rules.to_frame()
    wiki = frame[(frame["service"] == "internal-wiki") & (frame["slo"] == "availability")
                 & (frame["kind"] == "alert")]
    assert wiki["long_window"].tolist() == ["1h", "6h", "1d", "3d"]


@needs_promtool
def test_bundled_catalog_rules_pass_promtool_check(tmp_path):
    rules = prometheus_rules(read_dataset("catalog"))
    out = _promtool("check", "rules", _write(tmp_path / "rules.yml", rules), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    n_rules = sum(len(g["rules"]) for g in rules.groups)
    assert f"SUCCESS: {n_rules} rules found" in out.stdout


def test_thresholds_come_from_burn_rate_thresholds():
    catalog = read_dataset("catalog")
    slo = catalog.slo("payments", "availability")  # sre-workbook policy (budget shares), window month
    group = next(g for g in prometheus_rules(catalog, slos=[slo.key]).groups)
    table = burn_rate_thresholds(slo.window, catalog.alert_policy("sre-workbook"))
    alerts = [r for r in group["rules"] if "alert" in r]
    assert len(alerts) == len(table) == 4
    for rule, row in zip(alerts, table.itertuples(), strict=True):
        # 14.4 x (1 - 0.9995) for 2 % of a 30-day month in 1 h (SRE Workbook table 5-8), written as the
        # backtest's float so Prometheus compares with the same number
        thr = repr(float(row.burn_rate) * (1 - slo.target))
        assert rule["expr"] == (
            f'{record_name(row.long_window)}{{service="payments",slo="availability"}} > {thr} and '
            f'{record_name(row.short_window)}{{service="payments",slo="availability"}} > {thr}')
        assert rule["labels"]["severity"] == row.severity
    records = [r["record"] for r in group["rules"] if "record" in r]
    assert records == [record_name(w) for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d")]


def test_queries_widened_to_each_window():
    catalog = read_dataset("catalog")
    group = prometheus_rules(catalog, slos=[("notifications", "delivery")]).groups[0]
    expr = next(r["expr"] for r in group["rules"] if r.get("record") == record_name("6h"))
    assert expr == ('((sum(increase(notifications_sent_total[6h]))) - '
                    '(sum(increase(notifications_sent_total{status="accepted"}[6h])))) / '
                    '(sum(increase(notifications_sent_total[6h])))')


def test_threshold_indicator_uses_the_bucket_in_the_metric_unit():
    catalog = read_dataset("catalog")
    # search latency: 300 ms on a *_seconds histogram -> le 0.3; payments: 1.0 s, written "1" or "1.0"
    search = prometheus_rules(catalog, slos=[("search", "latency")]).groups[0]["rules"][0]["expr"]
    assert search == ('(sum(rate(search_duration_seconds_bucket{le="+Inf"}[5m])) - '
                      'sum(rate(search_duration_seconds_bucket{le=~"0\\\\.3"}[5m]))) / '
                      'sum(rate(search_duration_seconds_bucket{le="+Inf"}[5m]))')
    payments = prometheus_rules(catalog, slos=[("payments", "latency")]).groups[0]["rules"][0]["expr"]
    assert 'le=~"1|1\\\\.0"' in payments
    checkout = prometheus_rules(catalog, slos=[("checkout", "latency")]).groups[0]["rules"][0]["expr"]
    assert 'http_request_duration_seconds_bucket{job="checkout",le=~"0\\\\.5"}[5m]' in checkout


@pytest.mark.parametrize(("value", "text"), [
    # as Go's strconv.FormatFloat(v, 'g', -1, 64) prints them (exponent form below 1e-4 and from 1e6),
    # which is how the Go client writes le; Python's client writes the same except "1.0" for 1
    (0.5, "0.5"), (1.0, "1"), (900.0, "900"), (1e6, "1e+06"), (2.5e6, "2.5e+06"), (1e-5, "1e-05"),
    (0.0001, "0.0001"), (123456.0, "123456"), (0.00012345, "0.00012345"), (0.0, "0"),
])
def test_go_float(value, text):
    assert go_float(value) == text


def test_bad_query_and_greater_than_threshold():
    bad = {"service": "other", "name": "errors", "target": 0.99, "window": "30d",
           "indicator": {"kind": "ratio", "bad": 'sum(rate(req_total{code=~"5.."}[5m]))',
                         "total": "sum(rate(req_total[5m]))"}}
    big = {"service": "other", "name": "size", "target": 0.99, "window": "30d",
           "indicator": {"kind": "threshold", "metric": "size_bytes_bucket", "op": "gt", "threshold": 1024,
                         "unit": None}}
    rules = prometheus_rules(_catalog([bad, big]), slos=[("other", "errors"), ("other", "size")])
    # bad events are given: the error ratio is bad / total; "gt" 1024: bad events are those <= 1024
    assert rules.groups[0]["rules"][0]["expr"] == (
        '(sum(rate(req_total{code=~"5.."}[5m]))) / (sum(rate(req_total[5m])))')
    assert rules.groups[1]["rules"][0]["expr"] == (
        'sum(rate(size_bytes_bucket{le=~"1024|1024\\\\.0"}[5m])) / '
        'sum(rate(size_bytes_bucket{le="+Inf"}[5m]))')


# ----------------------------------------------------------------------------------- what is skipped


@pytest.mark.parametrize(("indicator", "reason"), [
    ({"kind": "ratio", "raw": "sum(rate(errors[5m])) / sum(rate(requests[5m]))", "raw_type": "failure"},
     "raw ratio"),
    ({"kind": "ratio", "good": "sum(probe_success)", "total": "count(probe_success)"}, "gauge"),
    ({"kind": "ratio", "good": "sum(irate(ok_total[5m]))", "total": "sum(irate(all_total[5m]))"}, "irate"),
    ({"kind": "ratio", "good": "sum(rate(ok_total[1h:5m]))", "total": "sum(rate(all_total[5m]))"},
     "subquery"),
    ({"kind": "ratio", "good": {"query": "x"}, "total": "sum(rate(all_total[5m]))"}, "not a PromQL string"),
    ({"kind": "ratio", "good": "a", "total": "b", "source": "datadog"}, "not Prometheus"),
    ({"kind": "ratio", "good": "sum(rate(ok[5m]))", "total": "sum(rate(all[5m]))", "counter": False},
     "not counters"),
    ({"kind": "threshold", "metric": "sum(rate(lat_bucket[5m]))", "threshold": 1}, "bucket series"),
    ({"kind": "threshold", "metric": 'lat_bucket{le="1"}', "threshold": 1}, "already selects a bucket"),
])
def test_unsupported_slos_are_skipped_with_the_reason(indicator, reason):
    slo = {"service": "other", "name": "odd", "indicator": indicator, "target": 0.99, "window": "30d"}
    catalog = _catalog([slo])
    rules = prometheus_rules(catalog)
    assert rules.skipped[["service", "slo"]].values.tolist() == [["other", "odd"]]
    assert reason in rules.skipped["reason"].iloc[0]
    assert len(rules.groups) == 4  # the other SLOs still get theirs
    with pytest.raises(DefinitionError, match=f"SLO other/odd: no Prometheus rules can be written: .*{reason}"
                       ):
        prometheus_rules(catalog, on_unsupported="raise")


def test_policy_window_longer_than_the_slo_window():
    slo = {"service": "other", "name": "short", "target": 0.99, "window": "2h", "alert_policy": "test",
           "indicator": {"kind": "ratio", "good": "sum(rate(ok[5m]))", "total": "sum(rate(all[5m]))"}}
    with pytest.raises(ParameterError, match="SLO other/short: alert policy does not fit its window '2h'.*6h"
                       ):
        prometheus_rules(_catalog([slo]))


def test_bad_arguments():
    catalog = _catalog()
    with pytest.raises(ParameterError, match="must be a Catalog"):
        prometheus_rules({"slos": []})  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="on_unsupported must be 'skip' or 'raise', not 'ignore'"):
        prometheus_rules(catalog, on_unsupported="ignore")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="interval: unparsable window '1 minute'"):
        prometheus_rules(catalog, interval="1 minute")
    with pytest.raises(ParameterError, match="slos: 'fast' is neither an SLO nor a"):
        prometheus_rules(catalog, slos=["fast"])  # type: ignore[list-item]


def test_interval_and_result_views():
    rules = prometheus_rules(_catalog(), interval="1m")
    assert {g["interval"] for g in rules.groups} == {"1m"}
    assert repr(rules) == "PrometheusRules(4 groups, 8 alerting rules, 0 SLOs skipped)"
    assert yaml.safe_load(rules.to_yaml()) == rules.to_dict()


# ------------------------------------------------------------------------------------ escaping


WEIRD_SERVICE = 'we"ird\\ {{ $labels.x }} \'svc\'\n'
WEIRD_DESCRIPTION = 'Uses {{ .Value }} and "quotes" and a back\\slash'


def _weird_slo() -> SLO:
    # A catalog's service names are identifiers, but an SLO given directly may carry any service label
    return SLO(service=WEIRD_SERVICE, name="availability", description=WEIRD_DESCRIPTION, target=0.999,
               window="30d", alert_policy="test",
               indicator={"kind": "ratio",
                          "good": 'sum(rate(http_requests_total{job="weird",code!~"5.."}[5m]))',
                          "total": 'sum(rate(http_requests_total{job="weird"}[5m]))'})


@needs_promtool
def test_labels_and_text_from_the_catalog_are_escaped(tmp_path):
    rules = prometheus_rules(_catalog(), slos=[_weird_slo()])
    out = _promtool("check", "rules", _write(tmp_path / "rules.yml", rules), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    back = yaml.safe_load((tmp_path / "rules.yml").read_text(encoding="utf-8"))
    assert back["groups"][0]["rules"][0]["labels"]["service"] == WEIRD_SERVICE


# ------------------------------------------------------------------------- promtool test rules


def _scenario() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``(total, bad)`` events per 5-minute bucket for 16 h (192 buckets) of each service.

    fast: 1000 requests a bucket, a 30 %-error outage in buckets 100-105 (pages and tickets);
    slow: 1 % errors from bucket 72 to 160 (under the page's 1.44 % but over the ticket's 0.6 %);
    quiet: 0.1 % errors all along (never fires); latency: 5 % slow in buckets 110-113, 1 of 1000 else;
    weird (the escaped service): a 50 % outage in buckets 120-121.
    """
    n = 192
    total = np.full(n, 1000)
    fast, slow, quiet, lat, weird = (np.zeros(n, dtype=int) for _ in range(5))
    fast[100:106] = 300
    slow[72:160] = 10
    quiet[:] = 1
    lat[:] = 1
    lat[110:114] = 50
    weird[120:122] = 500
    return {"fast": (total, fast), "slow": (total, slow), "quiet": (total, quiet), "latency": (total, lat),
            "weird": (total, weird)}


# Counters start high so that rate() never limits its extrapolation at zero (it does when a window's
# first sample is small), which would treat a service's error and success series differently.
OFFSET = 1_000_000


def _counter(increments: np.ndarray) -> str:
    values = OFFSET + np.concatenate(([0], np.cumsum(increments)))
    return " ".join(str(int(v)) for v in values)


def _input_series(scenario) -> list[dict[str, str]]:
    series = []
    for job, (total, bad) in scenario.items():
        if job == "latency":
            # le as the Python client writes it; the 1.0 bucket must not be mistaken for the threshold's
            series += [{"series": f'lat_seconds_bucket{{job="latency",le="{le}"}}', "values": _counter(n)}
                       for le, n in (("0.3", total - bad), ("1.0", total), ("+Inf", total))]
        else:
            series += [{"series": f'http_requests_total{{job="{job}",code="{code}"}}', "values": _counter(n)}
                       for code, n in (("200", total - bad), ("500", bad))]
    return series


def _python_alerts(catalog: Catalog, scenario) -> pd.DataFrame:
    """The backtest's alerts on the same counts: bucket i holds the increase from sample i to sample i+1."""
    frames = []
    for job, (total, bad) in scenario.items():
        slo = "latency" if job == "latency" else "availability"
        frames.append(pd.DataFrame({"timestamp": pd.Timestamp(0, tz="UTC") + STEP * np.arange(len(total)),
                                    "service": job, "slo": slo, "good": total - bad, "total": total}))
    sli = pd.concat(frames, ignore_index=True)
    known = sli[sli["service"] != "weird"]
    weird = sli[sli["service"] == "weird"].assign(service=WEIRD_SERVICE)
    return pd.concat([
        burn_rate_alerts(known, catalog),
        burn_rate_alerts(weird, policy=catalog.alert_policy("test"), target=0.999, period="30d"),
    ], ignore_index=True)


def _expected(alerts: pd.DataFrame, rules: PrometheusRules, instant: pd.Timestamp) -> list[dict]:
    """Alerts firing at ``instant`` by the backtest: from ``start`` up to (not including) ``end``, or to
    the end of the data while ``ongoing``; with the labels and annotations of the rule that fires."""
    firing = alerts[(alerts["start"] <= instant)
                    & ((instant < alerts["end"]) | (alerts["ongoing"] & (instant <= alerts["end"])))]
    expanded = [({k: _unescape(v) for k, v in r["labels"].items()},
                  {k: _unescape(v) for k, v in r["annotations"].items()})
                for g in rules.groups for r in g["rules"] if "alert" in r]
    by_key = {(lab["service"], lab["slo"], lab["severity"], f"{lab['long_window']}/{lab['short_window']}"):
              {"exp_labels": lab, "exp_annotations": ann} for lab, ann in expanded}
    return [by_key[(a.service, a.slo, a.severity, a.rule)] for a in firing.itertuples()]


def _unescape(text: str) -> str:
    """What Prometheus's template expansion makes of a label or annotation (``{{ "{{" }}`` is ``{{``)."""
    return text.replace('{{ "{{" }}', "{{")


@needs_promtool
def test_alerts_fire_where_the_backtest_says(tmp_path):
    """``promtool test rules`` against the backtest's alerts at every evaluation from 6 h to 16 h.

    Alignment: samples and evaluations every 5 minutes at the same instants (time 0 = 1970-01-01 UTC).
    At evaluation time E, Prometheus 2.x's range ``[E - w, E]`` holds the samples from E - w to E, both
    ends included, so ``rate`` needs no extrapolation and its increase is the sum of the w / 5 min
    buckets ``[E - w, E)``: the window the backtest tests at the end of its bucket ending at E. Both
    windows of a rule are rates over the same samples, so their ratio is bad / total events exactly (up to
    float rounding, with no near-ties in these series). Comparison starts at 6 h, where the longest
    window is full (the backtest tests only full windows; Prometheus extrapolates partial ones). The rules
    have no ``for:``, so an alert is firing at the first evaluation over the threshold, like the
    backtest's ``start``.
    """
    catalog = _catalog()
    scenario = _scenario()
    rules = prometheus_rules(catalog, slos=[*catalog.slos, _weird_slo()])
    _write(tmp_path / "rules.yml", rules)
    alerts = _python_alerts(catalog, scenario)
    # the scenario exercises what it should: pages and tickets for fast, only tickets for slow, none quiet
    fired = set(zip(alerts["service"], alerts["severity"], strict=True))
    assert {("fast", "page"), ("fast", "ticket"), ("slow", "ticket"), ("latency", "page"),
            (WEIRD_SERVICE, "page")} <= fired
    assert ("slow", "page") not in fired and "quiet" not in set(alerts["service"])
    n = len(scenario["fast"][0])
    instants = pd.Timestamp(0, tz="UTC") + STEP * np.arange(72, n + 1)
    epoch = pd.Timestamp(0, tz="UTC")
    tests = [{"eval_time": f"{int((t - epoch).total_seconds())}s", "alertname": ALERT_NAME,
              "exp_alerts": _expected(alerts, rules, t)} for t in instants]
    assert sum(bool(t["exp_alerts"]) for t in tests) > 20  # many firing instants, and many quiet ones
    assert sum(not t["exp_alerts"] for t in tests) > 20
    spec = {"rule_files": ["rules.yml"], "evaluation_interval": "5m",
            "tests": [{"interval": "5m", "input_series": _input_series(scenario), "alert_rule_test": tests}]}
    (tmp_path / "test.yml").write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True),
                                       encoding="utf-8")
    out = _promtool("test", "rules", "test.yml", cwd=tmp_path)
    assert out.returncode == 0, (out.stdout + out.stderr)[:4000]
    assert "SUCCESS" in out.stdout
