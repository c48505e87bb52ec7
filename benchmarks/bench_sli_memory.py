"""SLI tables larger than memory: ``read_sli``'s peak memory, and the analyses given a Parquet path.

Tables in the project's SLI layout (``timestamp[us, UTC]``, dictionary-encoded ``service`` and ``slo``,
int64 ``good``/``total``, zstd, sorted by service, SLO and time) are generated on demand and cached outside
the repository (``$SLM_BENCH_CACHE``, default ``~/.cache/slm-analytics/bench``; never committed):

* 27 SLOs x one year of 5-minute buckets (2.8M rows, the size of ``datasets/sli_5min.parquet``);
* 1,000 SLOs (250 services x 4 SLOs) x one year (105M rows), with a generated catalog.

Each figure is measured in its own subprocess; peak memory is the process's peak resident set (VmHWM,
reset just before the measured call, after a warm-up call on a tiny table has loaded the libraries), and
"peak / frame" is (peak - resident set before the call) / the size of the frame ``read_sli`` returns.
A baseline ``read_sli`` runs beside it when ``SLM_BASELINE`` names a checkout of an earlier version (put
first on ``sys.path``; e.g. a ``git worktree`` of the release before), on the same file; it is not run on
the 105M-row table (about 19 GiB at 7x).

``SLM_BENCH_SCALE`` (default 1) shrinks the number of SLOs of both tables for a quick run, e.g. 0.02.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUCKETS = 365 * 288  # one year of 5-minute buckets
SLO_NAMES = ["availability", "freshness", "latency", "uptime"]


def _cache() -> Path:
    root = Path(os.environ.get("SLM_BENCH_CACHE", Path.home() / ".cache" / "slm-analytics" / "bench"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _scale() -> float:
    return float(os.environ.get("SLM_BENCH_SCALE", "1"))


def make_table(n_slo: int) -> Path:
    """Write (once) a table of ``n_slo`` SLOs x one year, series by series, in blocks of 20 SLOs."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = _cache() / f"sli_{n_slo}x{BUCKETS}.parquet"
    if path.exists():
        return path
    n_svc = -(-n_slo // 4)
    services = [f"svc-{i:03d}" for i in range(n_svc)]
    times = pd.date_range("2025-11-01", periods=BUCKETS, freq="5min", tz="UTC", unit="us")
    schema = pa.schema([("timestamp", pa.timestamp("us", tz="UTC")),
                        ("service", pa.dictionary(pa.int16(), pa.string())),
                        ("slo", pa.dictionary(pa.int8(), pa.string())),
                        ("good", pa.int64()), ("total", pa.int64())])
    rng = np.random.default_rng(1)
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for first in range(0, n_slo, 20):
            ids = np.arange(first, min(first + 20, n_slo))
            k = len(ids)
            total = rng.integers(20, 400, k * BUCKETS).astype(np.int64)
            bad = (rng.integers(0, 1000, k * BUCKETS) < 3).astype(np.int64) * 5
            starts = (np.arange(k)[:, None] * BUCKETS + rng.integers(0, BUCKETS - 6, (k, 10))).ravel()
            for off in range(6):  # ten 30-minute incidents per SLO with 20 % errors
                bad[starts + off] = total[starts + off] // 5
            svc = pa.DictionaryArray.from_arrays(pa.array(np.repeat(ids // 4, BUCKETS).astype(np.int16)),
                                                 pa.array(services))
            slo = pa.DictionaryArray.from_arrays(pa.array(np.repeat(ids % 4, BUCKETS).astype(np.int8)),
                                                 pa.array(SLO_NAMES))
            ts = pa.array(np.tile(times.asi8, k), type=pa.timestamp("us", tz="UTC"))
            writer.write_table(pa.table([ts, svc, slo, np.maximum(total - bad, 0), total], schema=schema),
                               row_group_size=1 << 20)
    tmp.replace(path)
    return path


def make_catalog(n_slo: int) -> Path:
    """A catalog for the generated table: every SLO Occurrences, 99.9 % over 28 days."""
    path = _cache() / f"catalog_{n_slo}.yaml"
    if path.exists():
        return path
    n_svc = -(-n_slo // 4)
    lines = ["services:"]
    lines += [f"  - {{name: svc-{i:03d}, owner: team-{i % 10}, tier: 2, users: 1000, business_weight: 1, "
              "timezone: UTC}" for i in range(n_svc)]
    lines.append("slos:")
    for i in range(n_slo):
        lines += [f"  - service: svc-{i // 4:03d}", f"    name: {SLO_NAMES[i % 4]}",
                  "    indicator: {kind: ratio, good: good, total: total}", "    target: 0.999",
                  "    window: 28d"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_PRELUDE = """
import gc, json, sys, time
sys.path.insert(0, {code!r})
import pandas as pd
def vm(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
from slm_analytics.data import read_sli
read_sli({tiny!r})  # warm-up: libraries loaded, as in any session that has read a table
gc.collect(); reset_peak(); base = vm("VmRSS:")
"""

_READ = _PRELUDE + """
t = time.perf_counter()
frame = read_sli({path!r})
s = time.perf_counter() - t
peak = vm("VmHWM:")
size = int(frame.memory_usage(deep=True).sum())
print(json.dumps({{"s": s, "peak": peak, "base": base, "frame": size, "rows": len(frame),
                  "dtypes": [str(d) for d in frame.dtypes]}}))
"""

_BY_PATH = _PRELUDE + """
from slm_analytics.budget import rolling_compliance, burn_rate_alerts
from slm_analytics.data import read_catalog
from slm_analytics.review import fleet_monthly_attainment
catalog = read_catalog({catalog!r})
out = {{}}
calls = {{
    "rolling_compliance": lambda: rolling_compliance({path!r}, catalog),
    "burn_rate_alerts": lambda: burn_rate_alerts({path!r}, catalog),
    "fleet_monthly_attainment": lambda: fleet_monthly_attainment(
        {path!r}, catalog, months=[f"{{m:%Y-%m}}" for m in pd.date_range("2025-11-01", periods=12,
                                                                      freq="MS")]),
}}
for name, call in calls.items():
    gc.collect(); reset_peak(); base = vm("VmRSS:")
    t = time.perf_counter()
    result = call()
    out[name] = {{"s": time.perf_counter() - t, "peak": vm("VmHWM:"), "base": base, "rows": len(result)}}
    del result
print(json.dumps(out))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tiny() -> Path:
    import pyarrow.parquet as pq

    path = _cache() / "sli_tiny.parquet"
    if not path.exists():
        pq.write_table(pq.read_table(make_table(4)).slice(0, 1000), path)
    return path


def _read_rows(label: str, figure: str, r: dict, target: str) -> list[dict]:
    gib = 2**30
    ratio = (r["peak"] - r["base"]) / r["frame"]
    return [
        {"benchmark": label, "figure": f"{figure}: peak / frame", "value": ratio, "unit": "x",
         "target": target},
        {"benchmark": label, "figure": f"{figure}: peak RSS (process)", "value": r["peak"] / gib,
         "unit": "GiB", "target": ""},
        {"benchmark": label, "figure": f"{figure}: time", "value": r["s"], "unit": "s", "target": ""},
    ]


def run() -> list[dict]:
    gib, scale = 2**30, _scale()
    n_small, n_large = max(4, round(27 * scale)), max(8, round(1000 * scale))
    small, large, tiny = make_table(n_small), make_table(n_large), _tiny()
    baseline = os.environ.get("SLM_BASELINE", "")
    rows: list[dict] = []
    label = f"read_sli, {n_small * BUCKETS:,} rows"
    ours = _run(_READ.format(code=str(REPO), tiny=str(tiny), path=str(small)))
    rows.append({"benchmark": label, "figure": "frame", "value": ours["frame"] / gib, "unit": "GiB",
                 "target": ""})
    rows += _read_rows(label, "ours", ours, "<= 2x")
    if baseline and Path(baseline, "slm_analytics").is_dir():
        base = _run(_READ.format(code=baseline, tiny=str(tiny), path=str(small)))
        assert base["dtypes"] == ours["dtypes"], (base["dtypes"], ours["dtypes"])
        rows += _read_rows(label, f"baseline ({baseline})", base, "")
    label = f"read_sli, {n_large * BUCKETS:,} rows"
    ours = _run(_READ.format(code=str(REPO), tiny=str(tiny), path=str(large)))
    rows.append({"benchmark": label, "figure": "frame", "value": ours["frame"] / gib, "unit": "GiB",
                 "target": ""})
    rows += _read_rows(label, "ours", ours, "<= 2x")
    by_path = _run(_BY_PATH.format(code=str(REPO), tiny=str(tiny), path=str(large),
                                   catalog=str(make_catalog(n_large))))
    label = f"by path, {n_large:,} SLOs x {BUCKETS:,} buckets ({n_large * BUCKETS:,} rows)"
    for name, r in by_path.items():
        rows.append({"benchmark": label, "figure": f"{name}: peak RSS (process)", "value": r["peak"] / gib,
                     "unit": "GiB", "target": "<= 6 GiB"})
        rows.append({"benchmark": label, "figure": f"{name}: time ({r['rows']:,} result rows)",
                     "value": r["s"], "unit": "s", "target": ""})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
