"""read_prometheus against a real Prometheus server backfilled with generated samples.

Every expected count is computed here from the generated samples, independently of the reader: the events a
counter sample adds are the increment the generator drew for it (after a counter reset, the value the counter
restarted at), and a bucket holds the samples whose timestamp falls in it (a series' first sample is only the
baseline). Gauges: the bucket's last sample of each series.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading

import numpy as np
import pandas as pd
import pytest
from promserver import openmetrics, start_prometheus

from slm_analytics.catalog import SLO
from slm_analytics.data import read_sli
from slm_analytics.errors import DataError, DefinitionError, ParameterError
from slm_analytics.openslo import read_openslo
from slm_analytics.sources.prometheus import read_prometheus

T0 = 1767225600  # 2026-01-01T00:00Z, the first bucket
START, END, STEP = "2026-01-01T00:00Z", "2026-01-01T02:00Z", 300
N = 24  # 2 h of 5-minute buckets
FIRST, LAST = T0 - 600, T0 + N * STEP + 600  # samples run 10 min either side of the buckets


def _times(rng, every: float, jitter: float) -> np.ndarray:
    """Irregular but sorted scrape times (ms precision) from FIRST to LAST."""
    base = np.arange(FIRST, LAST, every, dtype=np.float64)
    return np.round(base + rng.uniform(0, jitter, len(base)), 3)


def _counter(rng, every=15.0, reset_at=None):
    """(times, counter values, events each sample adds); a reset restarts at that sample's events."""
    t = _times(rng, every, 5.0)
    inc = rng.poisson(20, len(t)).astype(np.int64)
    inc[0] = 0
    values, v = [], 0
    for i, k in enumerate(inc):
        restart = reset_at is not None and t[i] >= reset_at and (i == 0 or t[i - 1] < reset_at)
        v = int(k) if restart else v + int(k)
        values.append(v)
    return t, np.array(values), inc


def _per_bucket(t, events) -> np.ndarray:
    """Events of every sample but the first, summed per 5-minute bucket (independent of the reader)."""
    out = np.zeros(N, dtype=np.int64)
    for ti, e in zip(t[1:], events[1:], strict=True):
        k = int((ti - T0) // STEP)
        if 0 <= k < N:
            out[k] += e
    return out


def _gauge_last(t, values) -> np.ndarray:
    """Each bucket's last sample (the value PromQL sees at the bucket's last millisecond)."""
    return np.array([values[np.flatnonzero(t < T0 + (k + 1) * STEP)[-1]] for k in range(N)])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Generate the samples, serve them, and keep the expected counts."""
    rng = np.random.default_rng(14)
    counters, expect = [], {}
    for code, inst, reset in (("200", "a", None), ("500", "a", None), ("200", "b", T0 + 3600 + 7)):
        t, v, inc = _counter(rng, reset_at=reset)
        counters.append(("http_requests_total", {"job": "checkout", "code": code, "instance": inst},
                         list(zip(t, v, strict=True))))
        expect[(code, inst)] = _per_bucket(t, inc)
    # a latency histogram scraped every 60 s: events per scrape split over buckets le 0.1, 0.5, 1, +Inf
    t = _times(rng, 60.0, 2.0)
    split = rng.multinomial(30, [0.5, 0.3, 0.15, 0.05], size=len(t))
    split[0] = 0
    cum = np.cumsum(np.cumsum(split, axis=1), axis=0)  # cumulative over le, then over time
    hist = [("http_request_duration_seconds_bucket", {"job": "checkout", "le": le}, list(zip(t, cum[:, j],
             strict=True))) for j, le in enumerate(("0.1", "0.5", "1.0", "+Inf"))]
    job = {"job": "checkout"}
    hist += [("http_request_duration_seconds_count", job, list(zip(t, cum[:, 3], strict=True))),
             ("http_request_duration_seconds_sum", job, list(zip(t, cum[:, 3] * 0.2, strict=True)))]
    expect["le0.5"] = _per_bucket(t, split[:, :2].sum(axis=1))
    expect["leInf"] = _per_bucket(t, split.sum(axis=1))
    probes, good, total = [], np.zeros(N, dtype=np.int64), np.zeros(N, dtype=np.int64)
    for inst in ("p1", "p2", "p3"):
        t = _times(rng, 60.0, 3.0)
        v = (rng.uniform(size=len(t)) < 0.8).astype(int)
        labels = {"target": "checkout", "instance": inst}
        probes.append(("probe_success", labels, list(zip(t, v, strict=True))))
        good += _gauge_last(t, v)
        total += 1
    expect["probe"] = (good, total)
    text = openmetrics({("http_requests", "counter"): counters,
                        ("http_request_duration_seconds", "histogram"): hist,
                        ("probe_success", "gauge"): probes})
    server = start_prometheus(tmp_path_factory.mktemp("prom"), text)
    yield server.url, expect
    server.stop()


def _slo(indicator, name="availability") -> SLO:
    return SLO(service="checkout", name=name, target=0.99, window="28d", indicator=indicator)


RATIO = {"kind": "ratio", "good": 'sum(rate(http_requests_total{job="checkout",code!~"5.."}[5m]))',
         "total": 'sum(rate(http_requests_total{job="checkout"}[5m]))'}
TIMES = pd.date_range(START, periods=N, freq="5min", tz="UTC", unit="us")


def _check(frame, good, total, name="availability"):
    np.testing.assert_array_equal(frame["good"].to_numpy(), good)
    np.testing.assert_array_equal(frame["total"].to_numpy(), total)
    pd.testing.assert_series_equal(frame["timestamp"], pd.Series(TIMES, name="timestamp"))
    assert list(frame["service"]) == ["checkout"] * N and list(frame["slo"]) == [name] * N


def test_counter_ratio_is_exact_through_a_counter_reset(world):
    url, e = world
    out = read_prometheus(url, _slo(RATIO), START, END, "5m")
    _check(out, e[("200", "a")] + e[("200", "b")], e[("200", "a")] + e[("200", "b")] + e[("500", "a")])


def test_frame_matches_read_sli(world, tmp_path):
    url, _ = world
    out = read_prometheus(url, _slo(RATIO), START, END, "5m")
    out.to_parquet(tmp_path / "sli.parquet")
    pd.testing.assert_frame_equal(out, read_sli(tmp_path / "sli.parquet"))


def test_chunked_reads_give_the_same_counts(world):
    url, _ = world
    whole = read_prometheus(url, _slo(RATIO), START, END)
    pd.testing.assert_frame_equal(read_prometheus(url, _slo(RATIO), START, END, max_points=7), whole)  # 105 s
    probe = _slo({"kind": "ratio", "good": 'sum(probe_success{target="checkout"})',
                  "total": 'count(probe_success{target="checkout"})'}, "uptime")
    pd.testing.assert_frame_equal(read_prometheus(url, probe, START, END, max_points=5),
                                  read_prometheus(url, probe, START, END))


def test_bad_query_and_bare_counter_selector(world):
    url, e = world
    slo = _slo({"kind": "ratio", "bad": 'sum(increase(http_requests_total{code="500"}[5m]))',
                "total": 'sum(increase(http_requests_total[5m]))'})
    total = e[("200", "a")] + e[("200", "b")] + e[("500", "a")]
    _check(read_prometheus(url, slo, START, END), total - e[("500", "a")], total)
    one = _slo({"kind": "ratio", "good": 'http_requests_total{code="200",instance="a"}',
                "total": 'http_requests_total{code="200",instance="a"}', "counter": True})
    _check(read_prometheus(url, one, START, END), e[("200", "a")], e[("200", "a")])


def test_probe_gauges_per_bucket(world):
    url, e = world
    slo = _slo({"kind": "ratio", "good": 'sum(probe_success{target="checkout"})',
                "total": 'count(probe_success{target="checkout"})'}, "uptime")
    _check(read_prometheus(url, slo, START, END), *e["probe"], name="uptime")


@pytest.mark.parametrize(("threshold", "unit", "op"),
                         [(500, "ms", "lte"), (0.5, "s", "lte"), (0.5, "s", "gt")])
def test_histogram_threshold(world, threshold, unit, op):
    url, e = world
    slo = _slo({"kind": "threshold", "metric": 'http_request_duration_seconds_bucket{job="checkout"}',
                "threshold": threshold, "unit": unit, "op": op}, "latency")
    good = e["le0.5"] if op == "lte" else e["leInf"] - e["le0.5"]
    _check(read_prometheus(url, slo, START, END), good, e["leInf"], name="latency")


def test_openslo_metric_source(world, tmp_path):
    url, e = world
    (tmp_path / "slo.yaml").write_text(f"""
apiVersion: openslo/v1
kind: Service
metadata: {{name: checkout}}
spec: {{}}
---
apiVersion: openslo/v1
kind: SLO
metadata: {{name: availability}}
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow: [{{duration: 28d, isRolling: true}}]
  objectives: [{{target: 0.99}}]
  indicator:
    metadata: {{name: checkout-availability}}
    spec:
      ratioMetric:
        counter: true
        good: {{metricSource: {{type: Prometheus, spec: {{query: '{RATIO["good"]}'}}}}}}
        total: {{metricSource: {{type: Prometheus, spec: {{query: '{RATIO["total"]}'}}}}}}
""")
    slo = read_openslo(tmp_path / "slo.yaml").slos[0]
    pd.testing.assert_frame_equal(read_prometheus(url, slo, START, END), read_prometheus(url, _slo(RATIO),
                                                                                          START, END))


# ------------------------------------------------------------------------------------------------ errors


def test_unreachable_server_is_named():
    url = _closed_port_url()
    with pytest.raises(DataError, match=r"cannot reach the Prometheus server at 'http://127\.0\.0\.1:\d+' "
                                        r"after 2 attempt"):
        read_prometheus(url, _slo(RATIO), START, END, retries=1, backoff=0.01)


def test_a_requests_session_sends_the_same_queries(world):
    requests = pytest.importorskip("requests", reason="requests is an optional HTTP client here")
    url, _ = world
    with requests.Session() as session:
        pd.testing.assert_frame_equal(read_prometheus(url, _slo(RATIO), START, END, session=session),
                                      read_prometheus(url, _slo(RATIO), START, END))


def test_not_a_prometheus_api(world):
    url, _ = world
    with pytest.raises(DataError, match=r"answered 404 with .* not a Prometheus HTTP API answer; check"):
        read_prometheus(f"{url}/graph", _slo(RATIO), START, END, retries=0)


def test_query_error_quotes_the_server_and_the_query(world):
    url, _ = world
    slo = _slo({**RATIO, "total": "sum(up{job=)"})
    with pytest.raises(DefinitionError, match=r"refused query 'sum\(up\{job=\)': bad_data: .*parse error"):
        read_prometheus(url, slo, START, END)


def test_empty_result(world):
    url, _ = world
    slo = _slo({**RATIO, "total": "sum(rate(no_such_total[5m]))"})
    with pytest.raises(DataError, match=r"'sum\(rate\(no_such_total\[5m\]\)\)' returned no series from"):
        read_prometheus(url, slo, START, END)


def test_several_series_where_one_was_expected(world):
    url, _ = world
    slo = _slo({**RATIO, "total": "rate(http_requests_total[5m])"})
    with pytest.raises(DataError, match=r"returned 3 series where one was expected \(\{.*, \.\.\.\)|"
                                        r"returned 3 series where one was expected"):
        read_prometheus(url, slo, START, END)
    probe = _slo({"kind": "ratio", "good": "probe_success", "total": "probe_success", "counter": False})
    with pytest.raises(DataError, match=r"'probe_success' returned 3 series where one was expected"):
        read_prometheus(url, probe, START, END)


def test_mismatched_label_sets(world):
    url, _ = world
    slo = _slo({"kind": "ratio", "good": 'rate(http_requests_total{code="200",instance="b"}[5m])',
                "total": 'rate(http_requests_total{code="500",instance="a"}[5m])'})
    with pytest.raises(DataError, match=r"return series with different labels .*'200'.*'code': '500'"):
        read_prometheus(url, slo, START, END)


def test_good_beyond_total(world):
    url, _ = world
    slo = _slo({"kind": "ratio", "good": RATIO["total"], "total": RATIO["good"]})
    with pytest.raises(DataError, match=r"bucket 2026-01-01 00:00:00\+00:00: good events \(\d+\) exceed"):
        read_prometheus(url, slo, START, END)


def test_threshold_without_a_bucket_boundary_lists_them(world):
    url, _ = world
    slo = _slo({"kind": "threshold", "metric": "http_request_duration_seconds_bucket", "threshold": 300,
                "unit": "ms"}, "latency")
    with pytest.raises(DefinitionError, match=r"has the boundary le=0\.3 .*boundaries are 0\.1, 0\.5, 1\.0"):
        read_prometheus(url, slo, START, END)


def test_slo_without_a_query(tmp_path):
    (tmp_path / "slo.yaml").write_text("""
apiVersion: openslo/v1
kind: SLO
metadata: {name: latency}
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow: [{duration: 28d, isRolling: true}]
  objectives: [{target: 0.99, op: lte, value: 0.5}]
  indicator:
    metadata: {name: checkout-latency}
    spec: {thresholdMetric: {metricSource: {type: Prometheus, spec: {}}}}
""")
    slo = read_openslo(tmp_path / "slo.yaml").slos[0]
    with pytest.raises(DefinitionError, match=r"checkout/latency: the indicator's 'metric' has no PromQL"):
        read_prometheus("http://127.0.0.1:1", slo, START, END)


@pytest.mark.parametrize(("indicator", "match"), [
    ({**RATIO, "source": "datadog"}, r"its metric source is 'datadog', not Prometheus"),
    ({"kind": "ratio", "raw": "x", "raw_type": "success"}, r"a raw ratio query gives no event counts"),
    ({**RATIO, "good": "sum by (code) (rate(http_requests_total[5m]))"}, r"cannot be read as exact counts"),
    ({"kind": "threshold", "metric": "http_request_duration_seconds_bucket", "threshold": 0.5, "op": "lt"},
     r"op 'lt' cannot be read exactly from histogram buckets"),
    ({"kind": "threshold", "metric": "http_request_duration_seconds", "threshold": 0.5},
     r"must select a histogram's _bucket series"),
])
def test_definitions_that_cannot_be_read(indicator, match):
    with pytest.raises(DefinitionError, match=match):
        read_prometheus("http://127.0.0.1:1", _slo(indicator), START, END, retries=0)


def test_values_that_are_not_counts(world):
    url, _ = world
    slo = _slo({"kind": "ratio", "good": 'avg(probe_success{target="checkout"})',
                "total": 'count(probe_success{target="checkout"})'})
    with pytest.raises(DataError, match=r"gave a value 0\.\d+, not a whole non-negative count"):
        read_prometheus(url, slo, START, END)


@pytest.mark.parametrize(("start", "end", "step", "match"), [
    (END, START, "5m", "holds no whole bucket"),
    ("2026-01-01T00:00", END, "5m", "has no time zone"),
    (START, END, "5min", "did you mean '5m'"),
])
def test_bad_parameters(start, end, step, match):
    with pytest.raises(ParameterError, match=match):
        read_prometheus("http://127.0.0.1:1", _slo(RATIO), start, end, step)
    with pytest.raises(ParameterError, match=r"timeout 0 must be a positive number of seconds"):
        read_prometheus("http://127.0.0.1:1", _slo(RATIO), START, END, timeout=0)


def test_a_url_without_scheme():
    with pytest.raises(ParameterError, match=r"url '127\.0\.0\.1:9090' must be the server's http\(s\) root"):
        read_prometheus("127.0.0.1:9090", _slo(RATIO), START, END)


# ------------------------------------------------------------------------------------------------ retries


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 to every other request (the first of each pair), then a one-series matrix of 5s."""

    calls: list[str] = []  # shared by the handlers of one test

    def do_GET(self):
        self.calls.append(self.path)
        if len(self.calls) % 2 == 1:
            body, code = {"status": "error", "errorType": "unavailable", "error": "overloaded"}, 503
        else:
            values = [[T0 + (k + 1) * STEP - 0.001, "5"] for k in range(N)]
            body = {"status": "success", "data": {"resultType": "matrix",
                                                  "result": [{"metric": {}, "values": values}]}}
            code = 200
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky():
    _Flaky.calls = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_retries_after_a_503(flaky):
    slo = _slo({"kind": "ratio", "good": "sum(x)", "total": "count(x)", "counter": False})
    out = read_prometheus(flaky, slo, START, END, backoff=0.01)
    _check(out, np.full(N, 5), np.full(N, 5))
    assert len(_Flaky.calls) == 4  # good: 503 then 200; total: 503 then 200


def test_a_503_after_the_last_retry_is_an_error(flaky):
    slo = _slo({"kind": "ratio", "good": "sum(x)", "total": "count(x)", "counter": False})
    with pytest.raises(DataError, match=r"refused query 'sum\(x\)': unavailable: overloaded"):
        read_prometheus(flaky, slo, START, END, retries=0)


def _closed_port_url() -> str:
    """A URL on 127.0.0.1 whose port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"
