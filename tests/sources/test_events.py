"""aggregate_events: request logs to the SLI table, with DuckDB and with Dask, and the bad inputs it refuses.

Expected counts come from pandas written here independently of the package (boolean masks and a groupby on
``Timestamp.floor``) over the same generated events, or from small hand-written logs (counts in comments).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slm_analytics import Catalog, read_sli
from slm_analytics.errors import DataError, DefinitionError, InsufficientDataError, ParameterError
from slm_analytics.sources.eventlog import event_log, write_event_log
from slm_analytics.sources.events import SkippedFilesWarning, aggregate_events, event_slos

SERVICES = ("svc-00", "svc-01", "svc-02")


def service(name: str) -> dict:
    return {"name": name, "owner": "web", "tier": 1, "users": 10, "business_weight": 1}


def slo(svc: str, name: str, indicator: dict, **kw) -> dict:
    return {"service": svc, "name": name, "target": 0.99, "window": "28d", "indicator": indicator, **kw}


#: the events catalog of these tests: svc-02 has no events SLO (its events are ignored), and svc-01's
#: 'requests' SLO is a PromQL one (left out of the aggregation)
CATALOG = {
    "services": [service(s) for s in SERVICES],
    "slos": [
        slo("svc-00", "availability", {"kind": "ratio", "source": "events", "bad": {"status": "5xx"},
                                       "total": {}}),
        slo("svc-00", "api-availability", {"kind": "ratio", "source": "events", "good": {"status": "200-499"},
                                           "total": {"endpoint": "/api/*"}}),
        slo("svc-00", "latency", {"kind": "threshold", "source": "events", "op": "lte", "threshold": 0.3,
                                  "unit": "s"}),
        slo("svc-01", "availability", {"kind": "ratio", "source": "events", "bad": {"status": [500, "503"]},
                                       "total": {}}),
        slo("svc-01", "requests", {"kind": "ratio", "good": "sum(rate(ok[5m]))",
                                   "total": "sum(rate(all[5m]))"}),
        slo("svc-01", "orders-latency", {"kind": "threshold", "source": "events", "op": "lt",
                                         "threshold": 100, "unit": "ms",
                                         "metric": {"endpoint": ["/api/orders", "/api/ite?s"]}}),
    ],
}


def events_catalog(**changes) -> Catalog:
    return Catalog.model_validate({**CATALOG, **changes})


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return events_catalog()


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return event_log(30_000, services=list(SERVICES), days=0.5, seed=3)


def expected(log: pd.DataFrame, freq: str = "5min") -> pd.DataFrame:
    """The SLI table computed with plain pandas, SLO by SLO, from the definitions of CATALOG."""
    st, ep, lat = log["status"], log["endpoint"].astype(str), log["latency_ms"]
    api = ep.str.startswith("/api/")
    every = pd.Series(True, index=log.index)
    defs = [  # (service, slo, total mask, good mask)
        ("svc-00", "availability", every, ~st.between(500, 599)),
        ("svc-00", "api-availability", api, api & st.between(200, 499)),
        ("svc-00", "latency", every, lat <= 300.0),
        ("svc-01", "availability", every, ~st.isin([500, 503])),
        ("svc-01", "orders-latency", ep.isin(["/api/orders", "/api/items"]),
         ep.isin(["/api/orders", "/api/items"]) & (lat < 100.0)),
    ]
    parts = []
    for svc, name, total, good in defs:
        rows = (log["service"] == svc) & total
        g = pd.DataFrame({"timestamp": log["timestamp"].dt.floor(freq), "good": good.astype(np.int64),
                          "total": np.int64(1)})[rows].groupby("timestamp", as_index=False).sum()
        parts.append(g.assign(service=svc, slo=name))
    out = pd.concat(parts, ignore_index=True)
    out["service"] = pd.Categorical(out["service"], categories=list(SERVICES))
    out["slo"] = pd.Categorical(out["slo"], categories=["availability", "api-availability", "latency",
                                                        "requests", "orders-latency"])
    out["timestamp"] = out["timestamp"].dt.as_unit("us")
    out = out.sort_values(["service", "slo", "timestamp"]).reset_index(drop=True)
    return out[["timestamp", "service", "slo", "good", "total"]]


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    return path


# ------------------------------------------------------------------------------------------ counting


@pytest.mark.parametrize("layout", ["parquet", "hive", "csv"])
def test_counts_match_pandas(tmp_path, catalog, layout):
    log = event_log(30_000, services=list(SERVICES), days=0.5, seed=3)
    suffix = {"parquet": ".parquet", "csv": ".csv", "hive": ""}[layout]
    # one chunk: the written log is the in-memory one of event_log with the same arguments
    path = write_event_log(tmp_path / f"log{suffix}", 30_000, layout=layout, services=list(SERVICES),
                           days=0.5, seed=3)
    got = aggregate_events(path, catalog)
    pd.testing.assert_frame_equal(got, expected(log))


def test_same_shape_as_read_sli(tmp_path, catalog, log):
    got = aggregate_events(write(log, tmp_path / "log.parquet"), catalog, freq="1h")
    got.to_parquet(tmp_path / "sli.parquet")
    pd.testing.assert_frame_equal(got, read_sli(tmp_path / "sli.parquet", catalog=catalog))
    pd.testing.assert_frame_equal(got, expected(log, "1h"))


def test_glob_of_files_and_freq_spellings(tmp_path, catalog, log):
    write(log.iloc[:10_000], tmp_path / "a" / "part-0.parquet")
    write(log.iloc[10_000:], tmp_path / "b" / "part-1.parquet")
    want = expected(log, "15min")
    for freq in ("15m", "15min", pd.Timedelta(minutes=15)):
        pd.testing.assert_frame_equal(aggregate_events(str(tmp_path / "*" / "*.parquet"), catalog, freq=freq),
                                      want)


def test_hand_counted_log(tmp_path):
    # svc-00 in the 00:00 bucket: 4 events (200, 503, 404, 200), 1 bad (503): good 3, total 4;
    # in 00:05: 1 event (500): good 0, total 1. Latency <= 300 ms: 00:00 -> 250, 300 pass (2 of 4);
    # 00:05 -> 301 fails (0 of 1). The +01:00 offset puts 01:04 local in 00:00 UTC.
    frame = pd.DataFrame({
        "timestamp": ["2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "2026-01-01T01:04:59+01:00",
                      "2026-01-01T00:04:00Z", "2026-01-01T00:05:00Z", "2026-01-01T00:02:00Z"],
        "service": ["svc-00", "svc-00", "svc-00", "svc-00", "svc-00", "svc-02"],
        "endpoint": ["/api/a", "/api/a", "/health", "/api/b", "/api/a", "/api/a"],
        "status": [200, 503, 404, 200, 500, 500],
        "latency_ms": [250.0, 300.0, 900.0, 301.5, 301.0, 1.0],
    })
    cat = events_catalog(slos=CATALOG["slos"][:1] + CATALOG["slos"][2:3])
    got = aggregate_events(write(frame, tmp_path / "log.csv"), cat)
    t = pd.to_datetime(["2026-01-01T00:00Z", "2026-01-01T00:05Z"] * 2, utc=True).as_unit("us")
    assert got["timestamp"].tolist() == list(t)
    assert got["slo"].astype(str).tolist() == ["availability"] * 2 + ["latency"] * 2
    assert got["good"].tolist() == [3, 0, 2, 0]
    assert got["total"].tolist() == [4, 1, 4, 1]
    assert str(got["timestamp"].dtype) == "datetime64[us, UTC]"


def test_naive_timestamps_with_tz_and_latency_in_seconds(tmp_path):
    # naive 09:03 in Asia/Seoul (UTC+9, no daylight saving) is 00:03 UTC; latencies in seconds: 0.3 s and
    # 0.31 s against 300 ms -> 1 of 2 fast
    frame = pd.DataFrame({"timestamp": pd.to_datetime(["2026-01-01 09:03", "2026-01-01 09:04"]),
                          "service": ["svc-00"] * 2, "endpoint": ["/a"] * 2, "status": [200, 200],
                          "latency": [0.3, 0.31]})
    cat = events_catalog(slos=CATALOG["slos"][2:3])
    path = write(frame, tmp_path / "log.parquet")
    got = aggregate_events(path, cat, tz="Asia/Seoul", latency_unit="s", columns={"latency": "latency"})
    assert got["timestamp"].tolist() == [pd.Timestamp("2026-01-01T00:00Z")]
    assert (got["good"].tolist(), got["total"].tolist()) == ([1], [2])


def test_quotes_and_wildcards_in_definitions_stay_literal(tmp_path):
    # every endpoint appears once; patterns match: "/it's" -> 1; "/a_*" -> "/a_b" only (the "_" is literal,
    # not SQL's one-character wildcard); "/x%" -> "/x%" only; the injection attempt -> none
    endpoints = ["/it's", "/a_b", "/axb", "/x%", "/xy", "/z"]
    frame = pd.DataFrame({"timestamp": pd.Timestamp("2026-01-01T00:00Z"), "service": "svc-00",
                          "endpoint": endpoints, "status": 200, "lat\"ency": 1.0})
    evil = "x' OR 1=1) --"
    slos = [slo("svc-00", f"s{i}", {"kind": "ratio", "source": "events", "good": {},
                                    "total": {"endpoint": p}})
            for i, p in enumerate(["/it's", "/a_*", "/x%", evil, "/*"])]
    got = aggregate_events(write(frame, tmp_path / "log.parquet"), events_catalog(slos=slos),
                           columns={"latency": 'lat"ency'})
    totals = dict(zip(got["slo"].astype(str), got["total"], strict=True))
    assert totals == {"s0": 1, "s1": 1, "s2": 1, "s4": 6}


def test_skip_unreadable_files_when_asked(tmp_path, catalog, log):
    write_event_log(tmp_path / "logs", 30_000, services=list(SERVICES), days=0.5, seed=3)
    bad = tmp_path / "logs" / "date=2026-01-01" / "broken.parquet"
    bad.write_bytes(b"PAR1 not really")
    with pytest.warns(SkippedFilesWarning, match=r"skipped 1 unreadable file\(s\): .*broken\.parquet"):
        got = aggregate_events(tmp_path / "logs", catalog, on_bad_file="skip")
    pd.testing.assert_frame_equal(got, expected(log))
    assert got.attrs["skipped_files"][0].startswith(str(bad))


def test_events_definitions_are_parsed(catalog):
    defs = event_slos(catalog)
    assert [d.slo.name for d in defs] == ["availability", "api-availability", "latency", "availability",
                                          "orders-latency"]
    assert defs[2].good.clauses[-1].bound == pytest.approx(300.0)  # 0.3 s in ms
    assert defs[0].good.exclude[0].ranges == ((500, 599),)


# ------------------------------------------------------------------------------------------------ Dask


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_matches_duckdb(tmp_path, catalog, cluster):
    path = write_event_log(tmp_path / "logs", 30_000, services=list(SERVICES), days=0.5, seed=3, chunk=7_000)
    want = aggregate_events(path, catalog)
    pd.testing.assert_frame_equal(aggregate_events(path, catalog, client=cluster), want)
    pd.testing.assert_frame_equal(aggregate_events(path, catalog, client=cluster.scheduler.address), want)


def test_dask_reports_bad_rows_like_duckdb(tmp_path, catalog, log, cluster):
    bad = log.copy()
    bad.loc[4, "status"] = 700
    path = write(bad, tmp_path / "log.parquet")
    with pytest.raises(DataError, match=re.escape(f"{path}: row 5, column 'status': 700 is not an HTTP")):
        aggregate_events(path, catalog, client=cluster)


def test_dask_engine_without_client(tmp_path, catalog, log):
    path = write(log, tmp_path / "log.parquet")
    pd.testing.assert_frame_equal(aggregate_events(path, catalog, engine="dask"), expected(log))


# ------------------------------------------------------------------------------------------- bad input


def test_missing_column_named_with_the_file(tmp_path, catalog, log):
    path = write(log.rename(columns={"latency_ms": "Latency_MS"}), tmp_path / "log.parquet")
    with pytest.raises(DataError, match=re.escape(f"{path}: missing column(s) 'latency_ms'; found 'time")
                       + ".*column 'Latency_MS' differs from 'latency_ms' in upper/lower case"):
        aggregate_events(path, catalog)


def test_mistyped_column(tmp_path, catalog, log):
    frame = log.head(3).astype({"status": str})
    frame.loc[1, "status"] = "OK"
    path = write(frame, tmp_path / "log.csv")
    with pytest.raises(DataError, match=re.escape(f"{path}: column 'status' holds VARCHAR values; expected "
                                                  "integer HTTP status codes")):
        aggregate_events(path, catalog)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("status", 700, "column 'status': 700 is not an HTTP status code; expected an integer from 100 to 599"),
    ("status", 99, "column 'status': 99 is not an HTTP status code"),
    ("latency_ms", -1.5, "column 'latency_ms': -1.5 is not a latency; expected a non-negative number"),
    # pandas writes NaN as null
    ("latency_ms", np.nan, "column 'latency_ms': is empty; a latency is required"),
    ("service", None, "column 'service': is empty; a service name is required"),
    ("status", None, "column 'status': is empty; a status code is required"),
])
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_bad_values_named_by_file_row_and_column(tmp_path, catalog, log, column, value, message, suffix):
    frame = log.head(50).copy()
    if column != "latency_ms":
        frame[column] = frame[column].astype(object)
    frame.loc[[6, 9], column] = value
    path = write(frame, tmp_path / f"log{suffix}")
    line = " (line 8)" if suffix == ".csv" else ""
    where = re.escape(f"{path}: row 7{line}, {message}")
    with pytest.raises(DataError, match=where + r".*\(and 1 more rows\)"):
        aggregate_events(path, catalog)


def test_nan_latency_refused(tmp_path, catalog, log):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(log.head(5), preserve_index=False)
    lat = pa.array([1.0, 2.0, float("nan"), 4.0, 5.0], from_pandas=False)  # a real NaN, not a null
    pq.write_table(table.set_column(4, "latency_ms", lat), tmp_path / "log.parquet")
    with pytest.raises(DataError, match=re.escape("log.parquet: row 3, column 'latency_ms': nan is not a "
                                                  "latency; expected a non-negative number")):
        aggregate_events(tmp_path / "log.parquet", catalog)


def test_truncated_parquet_named(tmp_path, catalog, log):
    path = write(log, tmp_path / "logs" / "part-0.parquet")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=re.escape(f"{path}: cannot read as Parquet (")
                       + r".*pass on_bad_file='skip' to aggregate the others"):
        aggregate_events(tmp_path / "logs", catalog)


def test_every_file_unreadable(tmp_path, catalog):
    (tmp_path / "x.parquet").write_bytes(b"nope")
    with pytest.raises(DataError, match=r"no readable file: .*x\.parquet"):
        aggregate_events(tmp_path / "x.parquet", catalog, on_bad_file="skip")


@pytest.mark.parametrize(("source", "message"), [
    ("nothing/*.parquet", "the pattern matches no file"),
    ("missing.parquet", "missing.parquet: file not found"),
    ("empty", "no .parquet files in this folder"),
    ("notes.txt", "expected .parquet or .csv files of one kind, found .txt"),
])
def test_empty_or_missing_source(tmp_path, catalog, source, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DataError, match=re.escape(message)):
        aggregate_events(str(tmp_path / source), catalog)


def test_no_events_of_the_catalogs_services(tmp_path, catalog, log):
    path = write(log[log["service"] == "svc-02"], tmp_path / "log.parquet")
    with pytest.raises(InsufficientDataError, match=r"no events counted .* the log's services: \['svc-02'\]"):
        aggregate_events(path, catalog)


def test_naive_timestamps_need_tz(tmp_path, catalog, log):
    path = write(log.assign(timestamp=log["timestamp"].dt.tz_localize(None)), tmp_path / "log.parquet")
    with pytest.raises(DataError, match=re.escape(f"{path}: the timestamps have no time zone; pass tz=")):
        aggregate_events(path, catalog)


@pytest.mark.parametrize(("indicator", "message"), [
    ({"kind": "ratio", "source": "events", "bad": {"code": 500}, "total": {}},
     "SLO svc-00/x: indicator.bad: unknown filter key 'code'; expected status, endpoint"),
    ({"kind": "ratio", "source": "events", "bad": {"status": "6xx"}, "total": {}},
     "SLO svc-00/x: indicator.bad.status: status '6xx' is not an HTTP status filter"),
    ({"kind": "ratio", "source": "events", "bad": {"status": 700}, "total": {}},
     "indicator.bad.status: status 700 is not an HTTP status filter; expected a code from 100 to 599"),
    ({"kind": "ratio", "source": "events", "bad": "errors{code=~'5..'}", "total": {}},
     "SLO svc-00/x: indicator.bad: \"errors{code=~'5..'}\" is not an events filter"),
    ({"kind": "ratio", "source": "events", "bad": {}, "total": {}},
     "indicator.bad: {} would make every event bad"),
    ({"kind": "ratio", "source": "events", "raw": {}, "raw_type": "success"},
     "indicator.raw: a raw ratio cannot be counted from events"),
    ({"kind": "threshold", "source": "events", "threshold": 1, "metric": {"endpoint": ""}},
     "SLO svc-00/x: indicator.metric.endpoint: endpoint '' must be a non-empty path or pattern"),
])
def test_bad_events_definitions(tmp_path, indicator, message):
    cat = events_catalog(slos=[slo("svc-00", "x", indicator)])
    with pytest.raises(DefinitionError, match=re.escape(message)):
        aggregate_events(tmp_path / "unused.parquet", cat)


def test_catalog_without_events_slos(tmp_path):
    cat = events_catalog(slos=CATALOG["slos"][4:5])
    with pytest.raises(DefinitionError, match="the catalog has no SLO with indicator source 'events'"):
        aggregate_events(tmp_path / "unused.parquet", cat)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"freq": "1M"}, "freq '1M' is not a fixed bucket width"),
    ({"engine": "spark"}, "engine='spark': expected 'duckdb' or 'dask'"),
    ({"latency_unit": "us"}, "latency_unit='us': expected 'ms' or 's'"),
    ({"on_bad_file": "ignore"}, "on_bad_file='ignore': expected 'raise' or 'skip'"),
    ({"columns": {"duration": "d"}}, "columns: unknown role 'duration'"),
    ({"memory_limit": "lots"}, "memory_limit='lots' / threads=None: not accepted by DuckDB"),
])
def test_bad_parameters(tmp_path, catalog, log, kwargs, message):
    path = write(log.head(10), tmp_path / "log.parquet")
    with pytest.raises(ParameterError, match=re.escape(message)):
        aggregate_events(path, catalog, **kwargs)


def test_dask_reads_parquet_only(tmp_path, catalog, log):
    path = write(log.head(10), tmp_path / "log.csv")
    with pytest.raises(ParameterError, match="engine='dask' reads Parquet files"):
        aggregate_events(path, catalog, engine="dask")


def test_corrupt_column_data_wrapped(tmp_path, catalog, log):
    # a file whose footer is intact but whose later files disagree in schema: DuckDB's error, wrapped
    write(log.head(10), tmp_path / "logs" / "a.parquet")
    write(log.head(10).assign(status="x"), tmp_path / "logs" / "b.parquet")
    with pytest.raises(DataError, match="cannot aggregate the event log: "):
        aggregate_events(tmp_path / "logs", catalog)
