"""Import time of the package and time/memory of reading the bundled 5-minute SLI data."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

REPEAT = 7


def _python(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


_IMPORT = """
import json, time
t = time.perf_counter()
import {module}
print(json.dumps({{"s": time.perf_counter() - t}}))
"""

_READ = """
import json, time, resource
import slm_analytics
from slm_analytics import read_dataset
read_dataset("catalog")  # warm: imports pandas, pydantic, pyarrow
def rss():  # current resident set, MiB
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
before = rss()
t = time.perf_counter()
sli = read_dataset("sli_5min")
s = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": s, "rows": len(sli), "frame_mib": sli.memory_usage(deep=True).sum() / 2**20,
                  "rss_before": before, "peak": peak}))
"""


def run() -> list[dict]:
    rows = []
    for module, label, target in (
        ("slm_analytics", "import slm_analytics", "<= 0.6 s"),
        ("slm_analytics, slm_analytics.data", "import slm_analytics + data layer (pandas)", ""),
        ("pandas, scipy.stats, statsmodels.api, altair", "import full scientific stack", "reference"),
    ):
        times = [_python(_IMPORT.format(module=module))["s"] for _ in range(REPEAT)]
        rows.append({"benchmark": "import", "figure": f"{label} (median of {REPEAT})",
                     "value": statistics.median(times), "unit": "s", "target": target})
    reads = [_python(_READ) for _ in range(3)]
    best = min(reads, key=lambda r: r["s"])
    rows += [
        {"benchmark": "read_dataset('sli_5min')", "figure": f"time ({best['rows']:,} rows, best of 3)",
         "value": best["s"], "unit": "s", "target": ""},
        {"benchmark": "read_dataset('sli_5min')", "figure": "frame memory", "value": best["frame_mib"],
         "unit": "MiB", "target": ""},
        {"benchmark": "read_dataset('sli_5min')", "figure": "peak RSS increase while reading",
         "value": best["peak"] - best["rss_before"], "unit": "MiB", "target": ""},
    ]
    return rows
