"""The compliance explorer's latency: each control's library call, and the fleet's compliance heatmap.

Targets (issue 11): each control's call (``compliance_view``) on one SLO with 1 year of 5-minute data
<= 100 ms median; the compliance heatmap for 13 services x 12 months (``review.fleet_monthly_attainment``,
``charts.compliance_heatmap`` and ``to_dict()``) <= 300 ms, beside the baseline of ``monthly_attainment``
called per service and month.

A control change is measured as the explorer makes it: the parts that do not depend on the control are in
the explorer's memo (a copy of the memo of the selection before the change, taken anew for each run, so that
nothing the change needs was computed by an earlier run). The range is the whole year of data (the worst
case: every part is proportional to the range's rows).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

RUNS = 9
BASE = {"service": "payments", "slo": "availability", "window": "28d", "start": "2025-11-01",
        "end": "2026-10-31", "method": "Occurrences", "target": 0.9995}
#: each control and the value it is changed to
CHANGES = {
    "service": {"service": "checkout", "slo": "availability", "target": 0.999},  # with the SLO it resets
    "slo": {"slo": "latency", "target": 0.99},  # with the target it resets to
    "window": {"window": "7d"},
    "date range": {"start": "2025-11-02"},
    "method": {"method": "Timeslices"},
    "target": {"target": 0.999},
}


def _median_ms(call: Callable[[], object]) -> float:
    call()  # warm-up
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _controls() -> list[dict]:
    from slm_analytics import read_dataset
    from slm_analytics.widgets.compliance import compliance_view

    sli, cat = read_dataset("sli_5min"), read_dataset("catalog")
    inc, mnt = read_dataset("incidents"), read_dataset("maintenance")
    data = {"incidents": inc, "maintenance": mnt}
    memo: dict = {}
    compliance_view(sli, cat, **data, **BASE, memo=memo)
    name = "compliance explorer (one SLO, 1 year of 5-minute buckets, range: the whole year)"
    rows = [{"benchmark": name, "figure": "compliance_view, nothing cached (the first call)",
             "value": _median_ms(lambda: compliance_view(sli, cat, **data, **BASE)), "unit": "ms",
             "target": ""}]
    for control, change in CHANGES.items():
        values = {**BASE, **change}
        ms = _median_ms(lambda v=values: compliance_view(sli, cat, **data, **v, memo=dict(memo)))
        rows.append({"benchmark": name, "figure": f"change of {control} (median of {RUNS})", "value": ms,
                     "unit": "ms", "target": "<= 100 ms median (issue 11)"})
    return rows


def _heatmap() -> list[dict]:
    import pandas as pd

    from slm_analytics import charts, read_dataset
    from slm_analytics.review import fleet_monthly_attainment, monthly_attainment

    sli, cat = read_dataset("sli_5min"), read_dataset("catalog")
    months = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]]
    services = [s.name for s in cat.services]

    def per_service() -> pd.DataFrame:  # the baseline: the service review's function, once per cell
        by_service = dict(tuple(sli.groupby("service", observed=True, sort=False)))
        return pd.concat([monthly_attainment(by_service[s], cat, service=s, month=m)
                          for s in services for m in months], ignore_index=True)

    def table() -> pd.DataFrame:
        return fleet_monthly_attainment(sli, cat, months=months, services=services)

    fleet = table()
    name = f"compliance heatmap ({len(services)} services x {len(months)} months)"
    target = "<= 300 ms median (issue 11)"
    return [
        {"benchmark": name, "figure": f"baseline: monthly_attainment per service, month (median of {RUNS})",
         "value": _median_ms(per_service), "unit": "ms", "target": ""},
        {"benchmark": name, "figure": f"fleet_monthly_attainment (median of {RUNS})",
         "value": _median_ms(table), "unit": "ms", "target": ""},
        {"benchmark": name, "figure": f"compliance_heatmap + to_dict (median of {RUNS})",
         "value": _median_ms(lambda: charts.compliance_heatmap(fleet).to_dict()), "unit": "ms", "target": ""},
        {"benchmark": name, "figure": f"table + chart + to_dict (median of {RUNS})",
         "value": _median_ms(lambda: charts.compliance_heatmap(table()).to_dict()), "unit": "ms",
         "target": target},
    ]


def run() -> list[dict]:
    return _controls() + _heatmap()


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']:<75} {row['value']:>8.1f} {row['unit']}  {row['target']}")
