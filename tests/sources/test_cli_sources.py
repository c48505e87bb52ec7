"""From one's own data to a review on the command line: ``slm sli events|prometheus``, ``slm rules``.

Each command's output is compared with the library call it wraps (aggregate_events, read_prometheus,
prometheus_rules), which their own tests check against independent counts; here what is checked is the
folder a review needs, the files written, the messages, and (events) that ``slm review --data`` then runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from slm_analytics import aggregate_events, prometheus_rules, read_catalog, read_prometheus, read_sli
from slm_analytics.cli import main
from slm_analytics.data import dataset_path
from slm_analytics.sources.eventlog import write_event_log

CATALOG = """\
services:
  - {name: shop, owner: team-shop, tier: 1, users: 1000, business_weight: 5}
  - {name: api, owner: team-api, tier: 2, users: 300, business_weight: 2, timezone: Europe/London}
slos:
  - service: shop
    name: availability
    indicator: {kind: ratio, source: events, bad: {status: 5xx}, total: {}}
    target: 0.995
    window: month
  - service: shop
    name: latency
    indicator: {kind: threshold, source: events, op: lte, threshold: 300, unit: ms}
    target: 0.9
    window: 28d
  - service: api
    name: availability
    indicator: {kind: ratio, source: events, bad: {status: 5xx}, total: {endpoint: "/api/*"}}
    target: 0.99
    window: month
"""


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("events")
    (folder / "catalog.yaml").write_text(CATALOG)
    write_event_log(folder / "logs", 60_000, layout="hive", services=["shop", "api"],
                    start="2026-01-01T00:00Z", days=40, seed=1)
    return folder


def test_events_to_a_data_folder_and_a_review(logs, tmp_path, capsys):
    data = tmp_path / "my-data"
    assert main(["sli", "events", str(logs / "logs"), "--catalog", str(logs / "catalog.yaml"),
                 "--data", str(data)]) == 0
    out = capsys.readouterr()
    assert f"{data / 'sli_5min.parquet'}: " in out.out and "3 SLOs" in out.out
    assert "incidents.csv: created empty" in out.err and "maintenance.csv: created empty" in out.err
    catalog = read_catalog(logs / "catalog.yaml")
    expected = aggregate_events(logs / "logs", catalog)
    pd.testing.assert_frame_equal(read_sli(data / "sli_5min.parquet", catalog=catalog), expected)
    assert read_catalog(data / "catalog.yaml") == catalog
    # a second run keeps the folder's own catalog and incident file
    record = ("INC-1,shop,availability,P2,deploy,2026-01-05T10:00Z,2026-01-05T10:05Z,2026-01-05T11:00Z,"
              "Bad release")
    (data / "incidents.csv").write_text((data / "incidents.csv").read_text() + record + "\n")
    assert main(["sli", "events", str(logs / "logs"), "--catalog", str(logs / "catalog.yaml"),
                 "--data", str(data)]) == 0
    assert "Bad release" in (data / "incidents.csv").read_text()
    # and the review runs on it, as on the sample data (a subprocess: the runner's kernels and signals)
    slm = Path(shutil.which("slm") or Path(__import__("sys").executable).parent / "slm")
    done = subprocess.run([str(slm), "review", "--data", str(data), "--period", "2026-01",
                           "--out", str(tmp_path / "reports"), "--jobs", "2"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "reports" / "2026-01" / "shop.html").is_file()
    assert (tmp_path / "reports" / "2026-01" / "api.html").is_file()
    # the portfolio of a catalog without SLAs: no credit owed or expected
    portfolio = (tmp_path / "reports" / "2026-01" / "portfolio.review.html").read_text()
    assert "No SLA with data: no service credit is expected." in portfolio


def test_events_command_errors(logs, tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["sli", "events", str(logs / "logs"), "--catalog", str(logs / "catalog.yaml"),
                 "--data", str(tmp_path / "file")]) == 2
    assert "error: --data" in capsys.readouterr().err
    # a catalog without events SLOs: the library's message, on one line
    assert main(["sli", "events", str(logs / "logs"), "--catalog", str(dataset_path("catalog")),
                 "--data", str(tmp_path / "d")]) == 2
    assert "source: events" in capsys.readouterr().err


def test_events_with_other_column_names(tmp_path, capsys):
    from slm_analytics.sources.eventlog import event_log

    log = event_log(5000, services=["shop", "api"], days=2, seed=1)
    renamed = log.rename(columns={"latency_ms": "duration_s", "status": "code"})
    renamed["duration_s"] = renamed["duration_s"] / 1000
    renamed.to_parquet(tmp_path / "log.parquet")
    (tmp_path / "catalog.yaml").write_text(CATALOG)
    argv = ["sli", "events", str(tmp_path / "log.parquet"), "--catalog", str(tmp_path / "catalog.yaml"),
            "--data", str(tmp_path / "d")]
    names = ["--column", "latency=duration_s", "--column", "status=code", "--latency-unit", "s"]
    assert main([*argv, *names]) == 0
    log.to_parquet(tmp_path / "plain.parquet")
    expected = aggregate_events(tmp_path / "plain.parquet", read_catalog(tmp_path / "catalog.yaml"))
    got = read_sli(tmp_path / "d" / "sli_5min.parquet", catalog=read_catalog(tmp_path / "catalog.yaml"))
    pd.testing.assert_frame_equal(got, expected)
    capsys.readouterr()
    assert main([*argv, "--column", "latency"]) == 2
    assert "--column 'latency': expected ROLE=NAME" in capsys.readouterr().err
    assert main(argv) == 2  # the log's own names, not given
    assert "missing column(s) 'status', 'latency_ms'" in capsys.readouterr().err


def test_rules_command(tmp_path, capsys):
    out = tmp_path / "slo-rules.yml"
    assert main(["rules", str(dataset_path("catalog")), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    rules = prometheus_rules(read_catalog(dataset_path("catalog")))
    assert yaml.safe_load(out.read_text()) == rules.to_dict()
    assert out.read_text() == rules.to_yaml()
    for row in rules.skipped.itertuples():
        assert f"skipped {row.service}/{row.slo}: " in err
    assert f"rules for {len(rules.groups)} SLOs" in err
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool (Debian's prometheus package) is not installed: the file is not checked")
    check = subprocess.run([promtool, "check", "rules", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_rules_to_stdout(capsys):
    assert main(["rules", str(dataset_path("catalog"))]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["groups"]


PROM_CATALOG = """\
services:
  - {name: checkout, owner: team-orders, tier: 1, users: 1000, business_weight: 5}
slos:
  - service: checkout
    name: availability
    indicator: {kind: ratio, good: 'sum(rate(http_requests_total{job="checkout",code!~"5.."}[5m]))',
                total: 'sum(rate(http_requests_total{job="checkout"}[5m]))'}
    target: 0.99
    window: 28d
  - service: checkout
    name: uptime
    indicator: {kind: ratio, good: 'sum(probe_success{target="checkout"})',
                total: 'count(probe_success{target="checkout"})'}
    target: 0.99
    window: month
"""


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory):
    from promserver import openmetrics, start_prometheus

    t0 = 1767225600  # 2026-01-01T00:00Z
    times = [t0 - 600 + 15 * i for i in range(4 * 60 * 3)]  # 15 s scrapes over 3 h
    ok = [(t, 10 * i) for i, t in enumerate(times)]
    err = [(t, i // 4) for i, t in enumerate(times)]
    probes = [(t, float(i % 7 != 0)) for i, t in enumerate(times[::4])]
    text = openmetrics({
        ("http_requests", "counter"): [("http_requests_total", {"job": "checkout", "code": "200"}, ok),
                                       ("http_requests_total", {"job": "checkout", "code": "503"}, err)],
        ("probe_success", "gauge"): [("probe_success", {"target": "checkout"}, probes)]})
    server = start_prometheus(tmp_path_factory.mktemp("prom"), text)
    yield server.url
    server.stop()


def test_prometheus_to_a_data_folder(prometheus, tmp_path, capsys):
    (tmp_path / "catalog.yaml").write_text(PROM_CATALOG)
    data = tmp_path / "my-data"
    argv = ["sli", "prometheus", prometheus, "--catalog", str(tmp_path / "catalog.yaml"), "--data", str(data),
            "--start", "2026-01-01T00:00Z", "--end", "2026-01-01T02:00Z"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "checkout/availability: 24 buckets" in err and "checkout/uptime: 24 buckets" in err
    catalog = read_catalog(tmp_path / "catalog.yaml")
    expected = pd.concat([read_prometheus(prometheus, o, "2026-01-01T00:00Z", "2026-01-01T02:00Z", "5m")
                          for o in catalog.slos], ignore_index=True)
    text = {"service": "str", "slo": "str"}
    got = read_sli(data / "sli_5min.parquet").astype(text)
    pd.testing.assert_frame_equal(got, expected.astype(text))
    # one SLO only, and a misspelt one
    assert main([*argv, "--slo", "checkout/uptime"]) == 0
    assert read_sli(data / "sli_5min.parquet")["slo"].astype(str).unique().tolist() == ["uptime"]
    capsys.readouterr()
    assert main([*argv, "--slo", "checkout"]) == 2
    assert "--slo 'checkout': expected SERVICE/NAME" in capsys.readouterr().err
