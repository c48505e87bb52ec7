"""Breach forecasts on real incident history: GitHub's status page, 2022-03 to 2023-12 (issue 13).

Each component is a time-based availability SLI (``incidents_to_sli``, daily buckets, outages only:
maintenance and "none" impact left out) with a calendar-month SLO; the forecast is asked on day 15 of each
month of 2023 (2022 is warm-up history) for the month's end. ``python benchmarks/bench_breach_real.py`` prints
the Brier scores and skills of every method at targets 99.5 %, 99.9 % and 99 %; ``run()`` gives them to
``benchmarks/run.py``.
"""

from __future__ import annotations

import time

import pandas as pd

TARGETS = (0.995, 0.999, 0.99)
ORIGINS = pd.date_range("2023-01-01", "2023-12-01", freq="MS", tz="UTC") + pd.Timedelta(days=14)


def github_inputs(target: float = 0.995) -> tuple[pd.DataFrame, object]:
    """The daily SLI of every component and a catalog with one calendar-month SLO each at ``target``."""
    from slm_analytics.data import github_status_slos

    return github_status_slos(target)


def run() -> list[dict]:
    from slm_analytics.forecast import backtest_breach

    rows = []
    for target in TARGETS:
        sli, catalog = github_inputs(target)
        t0 = time.perf_counter()
        bt = backtest_breach(sli, catalog, origins=ORIGINS, n_paths=2000, seed=0)
        seconds = time.perf_counter() - t0
        name = f"GitHub status 2023, day-15 origins, monthly {target:.1%}"
        for r in bt.summary.itertuples():
            rows.append({"benchmark": name, "figure": f"Brier {r.method} ({r.forecasts} forecasts, "
                         f"{r.breaches} missed)", "value": r.brier, "unit": "", "target": ""})
        rows.append({"benchmark": name, "figure": "backtest_breach time", "value": seconds, "unit": "s",
                     "target": "<= 30 s (issue 13)"})
        cover = exhaustion_coverage(target)
        rows.append({"benchmark": name,
                     "figure": f"exhaustion_time 10-90 % interval coverage ({cover['cases']} months with "
                     f"budget left on day 15, {cover['exhausted']} exhausted)",
                     "value": cover["coverage"], "unit": "ratio", "target": "0.80 nominal"})
    return rows


if __name__ == "__main__":
    for target in TARGETS:
        from slm_analytics.forecast import backtest_breach

        sli, catalog = github_inputs(target)
        t0 = time.perf_counter()
        bt = backtest_breach(sli, catalog, origins=ORIGINS, n_paths=2000, seed=0)
        print(f"target {target}: {time.perf_counter() - t0:.1f} s")
        print(bt.summary.to_string(index=False))
        rel = bt.reliability[bt.reliability["method"] == "forecast"]
        print(rel.to_string(index=False))


def exhaustion_coverage(target: float = 0.995) -> dict:
    """How often the real time to budget exhaustion fell in ``exhaustion_time``'s 10-90 % interval.

    At each day-15 origin of 2023 and each component whose month still had budget, the actual time to
    exhaustion is read off the data after the origin (the day the month's downtime passed the budget;
    never, if it did not before the month's end), and compared with the interval (a quantile after the
    month's end counts as never). Nominal coverage: 80 %.
    """
    import numpy as np

    from slm_analytics.forecast import exhaustion_time

    sli, catalog = github_inputs(target)
    hits, cases, exhausted = 0, 0, 0
    for slo in catalog.slos:
        rows = sli[sli["service"] == slo.service]
        days = rows.set_index("timestamp")
        for origin in ORIGINS:
            month_start = origin - pd.Timedelta(days=14)
            month_end = month_start + pd.offsets.MonthBegin(1)
            month = days.loc[(days.index >= month_start) & (days.index < month_end)]
            budget = (1 - target) * month["total"].sum()
            spent = (month.loc[month.index < origin, "total"] - month.loc[month.index < origin, "good"]).sum()
            if spent >= budget:
                continue
            after = month.loc[month.index >= origin]
            cum = spent + (after["total"] - after["good"]).cumsum().to_numpy()
            over = np.flatnonzero(cum > budget)
            actual = float(over[0] + 1) if over.size else np.inf  # exhausted during day over[0]
            ex = exhaustion_time(rows[rows["timestamp"] < origin], slo, catalog=catalog, as_of=origin,
                                 n_paths=2000, seed=0)
            low = ex.low / pd.Timedelta(days=1) if ex.low is not None else np.inf
            high = ex.high / pd.Timedelta(days=1) if ex.high is not None else np.inf
            cases += 1
            exhausted += np.isfinite(actual)
            inside = np.ceil(low) <= actual <= np.ceil(high)
            hits += inside if np.isfinite(actual) else not np.isfinite(high)
    return {"cases": cases, "exhausted": int(exhausted), "coverage": hits / cases if cases else float("nan")}
