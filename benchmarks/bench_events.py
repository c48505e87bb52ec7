"""Request logs to 5-minute SLI buckets: aggregate_events vs a hand-written DuckDB query vs pandas.

The log (100M events by default, 10 services, 7 days, zstd Parquet in row groups of 4M events) is generated
on first use by :func:`slm_analytics.sources.eventlog.write_event_log` and cached under
``~/.cache/slm-analytics/bench-events/`` (never committed). Each contender runs in its own subprocess, so its
peak resident set (``ru_maxrss``, imports included) is its own; times are the best of ``REPEAT`` runs in that
process (the first one reads the file from disk, later ones from the page cache, for every contender alike).

The three compute the same per-service 5-minute good (status below 500), total and fast (latency at most
300 ms) counts. pandas reads and groups the first ``SLM_BENCH_EVENTS_PANDAS`` events only (20M by default:
the whole log would need about 8 GiB on a machine shared with other work) and its time is scaled linearly
to the full log; its memory is shown as measured on the slice.

Environment: ``SLM_BENCH_EVENTS`` (events in the log, e.g. ``10000000`` for a quick run) and
``SLM_BENCH_EVENTS_PANDAS`` (events pandas reads).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPEAT = 3
N = int(os.environ.get("SLM_BENCH_EVENTS", "100000000"))
N_PANDAS = min(N, int(os.environ.get("SLM_BENCH_EVENTS_PANDAS", "20000000")))
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "slm-analytics" / "bench-events"
SERVICES = 10

_SETUP = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
path = {path!r}
def best(run):
    times = []
    for _ in range({repeat}):
        t = time.perf_counter(); out = run(); times.append(time.perf_counter() - t)
    return min(times), out
def done(s, rows):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"s": s, "rows": rows, "peak_mib": peak}}))
"""

_OURS = """
from slm_analytics import Catalog
from slm_analytics.sources.events import aggregate_events
names = [f"svc-{{i:02d}}" for i in range({services})]
catalog = Catalog.model_validate({{
    "services": [{{"name": n, "owner": "web", "tier": 1, "users": 1, "business_weight": 1}} for n in names],
    "slos": [s for n in names for s in (
        {{"service": n, "name": "availability", "target": 0.999, "window": "28d",
          "indicator": {{"kind": "ratio", "source": "events", "bad": {{"status": "500-599"}},
                        "total": {{}}}}}},
        {{"service": n, "name": "latency", "target": 0.99, "window": "28d",
          "indicator": {{"kind": "threshold", "source": "events", "op": "lte", "threshold": 300,
                        "unit": "ms"}}}})]}})
s, out = best(lambda: aggregate_events(path, catalog, freq="5m", memory_limit="400MB"))
done(s, len(out))
"""

_DUCKDB = """
import duckdb
con = duckdb.connect()
con.execute("SET memory_limit = '400MB'")
con.execute("SET enable_progress_bar = false")
sql = f'''SELECT service, time_bucket(INTERVAL '5 minutes', "timestamp") AS bucket, count(*) AS total,
          count(*) FILTER (WHERE status < 500) AS good, count(*) FILTER (WHERE latency_ms <= 300) AS fast
          FROM read_parquet('{{path}}') GROUP BY ALL'''
s, out = best(lambda: con.execute(sql).fetchdf())
done(s, 2 * len(out))
"""

_PANDAS = """
import pyarrow.parquet as pq
import pandas as pd
f = pq.ParquetFile(path)
groups, n = [], 0
while n < {n_pandas}:
    n += f.metadata.row_group(len(groups)).num_rows
    groups.append(len(groups))
def run():
    df = f.read_row_groups(groups, columns=["timestamp", "service", "status", "latency_ms"]).to_pandas()
    df = df.iloc[:{n_pandas}]
    g = df.assign(bucket=df["timestamp"].dt.floor("5min"), good=df["status"] < 500,
                  fast=df["latency_ms"] <= 300)
    return g.groupby(["service", "bucket"], observed=True).agg(
        total=("status", "size"), good=("good", "sum"), fast=("fast", "sum"))
s, out = best(run)
done(s, 2 * len(out))
"""


def _log() -> Path:
    path = CACHE / f"events-{N}-v1.parquet"
    if not path.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's package
        from slm_analytics.sources.eventlog import write_event_log

        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        write_event_log(tmp, N, layout="parquet", services=SERVICES, days=7, seed=2026)
        tmp.rename(path)
    return path


def _python(body: str, path: Path, **fmt) -> dict:
    root = str(Path(__file__).resolve().parent.parent)
    code = _SETUP.format(root=root, path=str(path), repeat=REPEAT) + body.format(**fmt)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    path = _log()
    ours = _python(_OURS, path, services=SERVICES)
    hand = _python(_DUCKDB, path)
    pandas = _python(_PANDAS, path, n_pandas=N_PANDAS)
    if ours["rows"] != hand["rows"]:
        msg = f"aggregate_events gave {ours['rows']} rows, the hand-written query {hand['rows']}"
        raise RuntimeError(msg)
    scaled = pandas["s"] * N / N_PANDAS
    name, m = "events", f"{N / 1e6:g}M events"
    return [
        {"benchmark": name, "figure": f"aggregate_events, {m} (zstd Parquet) -> 5-min buckets",
         "value": ours["s"], "unit": "s", "target": ""},
        {"benchmark": name, "figure": f"hand-written DuckDB query, {m}", "value": hand["s"], "unit": "s",
         "target": ""},
        {"benchmark": name, "figure": "aggregate_events / hand-written DuckDB",
         "value": ours["s"] / hand["s"], "unit": "x", "target": "<= 1.1"},
        {"benchmark": name, "figure": "aggregate_events peak RSS (subprocess, imports included)",
         "value": ours["peak_mib"] / 1024, "unit": "GiB", "target": "<= 0.5"},
        {"benchmark": name, "figure": "hand-written DuckDB peak RSS", "value": hand["peak_mib"] / 1024,
         "unit": "GiB", "target": ""},
        {"benchmark": name, "figure": f"pandas read + groupby, {N_PANDAS / 1e6:g}M events (measured)",
         "value": pandas["s"], "unit": "s", "target": ""},
        {"benchmark": name, "figure": f"pandas, scaled to {m}", "value": scaled, "unit": "s", "target": ""},
        {"benchmark": name, "figure": f"pandas peak RSS on {N_PANDAS / 1e6:g}M events", "unit": "GiB",
         "value": pandas["peak_mib"] / 1024, "target": ""},
        {"benchmark": name, "figure": "pandas (scaled) / aggregate_events", "value": scaled / ours["s"],
         "unit": "x", "target": ">= 3"},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']:<62} {row['value']:>9.3f} {row['unit']:<4} {row['target']}")
