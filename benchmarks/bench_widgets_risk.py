"""The SLO risk explorer's controls: the library call behind each, on the sample data (1 year, 5-minute data).

Target (issue 11): each control's library call on one SLO <= 100 ms (median). The SLO drill-down and the
target what-if compute one SLO; the ``as_of`` picker simulates the whole fleet again (28 SLOs, 2,000 paths
each: breach probabilities and exhaustion times), which is reported as measured, with its parts.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

RUNS = 7
TARGET = "<= 100 ms median (issue 11)"


def _median(call: Callable[[], Any], runs: int = RUNS) -> float:
    call()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run() -> list[dict]:
    import pandas as pd

    from slm_analytics.forecast import breach_probabilities
    from slm_analytics.review import load_risk_inputs, validate_risk_parameters
    from slm_analytics.review.inputs import risk_inputs_at
    from slm_analytics.widgets import risk

    inputs = load_risk_inputs(validate_risk_parameters())
    fleet = risk.fleet_view(inputs, as_of=inputs.as_of, n_paths=2000, seed=0)
    slo, other = ("checkout", "availability"), ("payments", "availability")
    earlier = inputs.as_of - pd.Timedelta(days=7)
    name = "risk explorer (sample data: 28 SLOs, 1 year of 5-minute data; 2,000 paths)"
    ms = 1000.0
    drill = _median(lambda: risk.slo_view(fleet, slo=other))
    what_if = _median(lambda: risk.target_view(fleet, slo=slo, target=0.9995))
    slo_change = _median(lambda: risk.risk_view(fleet, slo=other, target=0.9995))
    cut = _median(lambda: risk_inputs_at(inputs.catalog, inputs.sli, earlier))
    cut_inputs = risk_inputs_at(inputs.catalog, inputs.sli, earlier)
    simulate = _median(lambda: breach_probabilities(cut_inputs.sli, inputs.catalog, as_of=earlier,
                                                    n_paths=2000, seed=0))
    as_of = _median(lambda: risk.fleet_view(inputs, as_of=earlier, n_paths=2000, seed=0))
    return [
        {"benchmark": name, "figure": "SLO drill-down: slo_view (forecast, trend, change points)",
         "value": drill * ms, "unit": "ms", "target": TARGET},
        {"benchmark": name, "figure": "what-if target: target_view (achievability + breach_probability)",
         "value": what_if * ms, "unit": "ms", "target": TARGET},
        {"benchmark": name, "figure": "SLO change, whole update: risk_view (slo_view + target_view)",
         "value": slo_change * ms, "unit": "ms", "target": TARGET},
        {"benchmark": name, "figure": "as_of change: fleet_view (28 SLOs)", "value": as_of * ms, "unit": "ms",
         "target": "as measured (fleet)"},
        {"benchmark": name, "figure": "  of which the as_of cut (risk_inputs_at, with the daily SLIs)",
         "value": cut * ms, "unit": "ms", "target": ""},
        {"benchmark": name, "figure": "  of which breach_probabilities (28 SLOs)", "value": simulate * ms,
         "unit": "ms", "target": ""},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']:<70} {row['value']:9.1f} {row['unit']}  {row['target']}")
