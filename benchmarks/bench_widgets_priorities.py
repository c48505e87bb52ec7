"""The improvement-priorities explorer's library calls on the sample fleet (28 SLOs, a year of 5-minute data).

Target (issue 11): each control's library call <= 100 ms median. The controls are the five weight sliders and
the number of SLOs to draft: each change calls ``priorities_view`` (re-score + SIP draft) on the evidence
gathered once at build time; the "Append to register" button calls ``append_sip_register`` (read, merge,
atomic write of a register file). Building the explorer (the evidence, gathered once) is reported too.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

RUNS = 9
TARGET = "<= 100 ms median (issue 11)"


def _median_ms(call, runs: int = RUNS) -> float:
    call()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def run() -> list[dict]:
    from slm_analytics import review
    from slm_analytics.data import append_sip_register
    from slm_analytics.priorities import DEFAULT_WEIGHTS
    from slm_analytics.widgets.priorities import priorities_context, priorities_view

    inputs = review.load_explorer_inputs(review.validate_explorer_parameters(data_dir=""))
    t = time.perf_counter()
    context = priorities_context(inputs)
    build = time.perf_counter() - t
    weights = iter([0.05 * (k % 21) for k in range(1000)])

    def slider() -> None:  # a different risk weight each time, as a slider moves
        priorities_view(context, **{**DEFAULT_WEIGHTS, "risk": next(weights)})

    items = priorities_view(context, **DEFAULT_WEIGHTS).draft
    folder = Path(tempfile.mkdtemp())
    counter = iter(range(1000))

    def append_new() -> None:  # 5 new items into the bundled 12-item register, copied to a new file
        path = folder / f"register-{next(counter)}.csv"
        path.write_bytes(inputs_register_bytes)
        append_sip_register(items, path)

    from slm_analytics.data import dataset_path

    inputs_register_bytes = dataset_path("sip_register").read_bytes()
    again = folder / "again.csv"
    again.write_bytes(inputs_register_bytes)
    append_sip_register(items, again)
    name = "priorities explorer (28 SLOs, 1 year of 5-minute data)"
    return [
        {"benchmark": name, "figure": "build: evidence, requirements gap, attribution, past actions (once)",
         "value": build * 1000, "unit": "ms", "target": ""},
        {"benchmark": name, "figure": "weight slider / SLOs to draft: priorities_view (median)",
         "value": _median_ms(slider), "unit": "ms", "target": TARGET},
        {"benchmark": name, "figure": "append 5 new items to a 12-item register (median)",
         "value": _median_ms(append_new), "unit": "ms", "target": TARGET},
        {"benchmark": name, "figure": "append the same 5 items again, nothing added (median)",
         "value": _median_ms(lambda: append_sip_register(items, again)), "unit": "ms", "target": TARGET},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']:<72} {row['value']:>9.1f} {row['unit']}  {row['target']}")
