"""Forecast benchmarks: fleet speed against statsmodels, breach simulation speed, sample-data backtest skill.

* ``forecast_sli(method="fast")`` on 1,000 generated daily series x 365 days, 30 days ahead, against
  statsmodels' ``ETSModel`` on the same series in the same run (timed on the first 50 series and scaled
  linearly to 1,000: statsmodels fits one series at a time) and the difference between the two forecasts;
* ``breach_probabilities`` for 1,000 SLOs x 2,000 paths on the same generated daily series;
* the backtests on the bundled sample data: coverage of the 90 % interval and CRPS skill of the daily
  forecasts, Brier skill scores of the breach probabilities against the straight line and climatology.

Timings are medians of repeated runs in this process; the machine is shared, so they are noisy.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

N_SERIES = 1000
N_DAYS = 365
HORIZON = 30
N_PATHS = 2000
ETS_SUBSET = 50


def _generated_daily(seed: int = 7) -> pd.DataFrame:
    """1,000 daily series: weekly traffic pattern, over-dispersed and autocorrelated errors, incidents."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2025-11-01", periods=N_DAYS, freq="D", tz="UTC", unit="us")
    base = np.exp(rng.uniform(np.log(2_000), np.log(2_000_000), size=(N_SERIES, 1)))
    weekly = np.array([1.0, 1.05, 1.05, 1.0, 0.95, 0.7, 0.65])[np.arange(N_DAYS) % 7]
    total = rng.poisson(base * weekly)
    level = np.log(rng.uniform(2e-4, 5e-3, size=(N_SERIES, 1)))
    ar = np.zeros((N_SERIES, N_DAYS))
    shocks = rng.normal(0, 0.35, size=(N_SERIES, N_DAYS))
    for t in range(1, N_DAYS):  # AR(1) log-rate noise: autocorrelated, over-dispersed daily rates
        ar[:, t] = 0.6 * ar[:, t - 1] + shocks[:, t]
    incidents = rng.random((N_SERIES, N_DAYS)) < 1 / 30
    burst = np.where(incidents, rng.uniform(5, 50, (N_SERIES, N_DAYS)), 1.0)
    rate = np.minimum(np.exp(level + ar) * burst, 0.5)
    bad = rng.binomial(total, rate)
    names = [f"svc-{i:04d}" for i in range(N_SERIES)]
    return pd.DataFrame({
        "service": np.repeat(names, N_DAYS), "slo": "availability",
        "timestamp": np.tile(days, N_SERIES), "good": (total - bad).ravel(), "total": total.ravel(),
    })


def _catalog(names: list[str]):
    from slm_analytics.catalog import SLO, Catalog, Service

    return Catalog(
        services=[Service(name=n, owner="bench", tier=2, users=1, business_weight=1) for n in names],
        slos=[SLO(service=n, name="availability", indicator={"kind": "ratio", "good": "g", "total": "t"},
                  target=0.999, window="month" if i % 2 else "28d") for i, n in enumerate(names)],
    )


def _median_time(func, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _rel_diff(a: pd.DataFrame, b: pd.DataFrame, col: str) -> np.ndarray:
    return np.abs(a[col].to_numpy() / b[col].to_numpy() - 1)


def run() -> list[dict]:
    from slm_analytics import ratio_sli, read_dataset
    from slm_analytics.forecast import backtest_breach, backtest_forecasts, breach_probabilities, forecast_sli

    rows: list[dict] = []
    daily = _generated_daily()
    names = sorted(daily["service"].unique())
    forecast_sli(daily.iloc[: 60 * N_DAYS], horizon=HORIZON)  # warm up imports and caches

    # --- fleet forecast vs statsmodels ------------------------------------------------------------------
    fast_s, fast = _median_time(lambda: forecast_sli(daily, horizon=HORIZON, method="fast"), 5)
    subset = daily[daily["service"].isin(names[:ETS_SUBSET])]
    ets_s, ets = _median_time(lambda: forecast_sli(subset, horizon=HORIZON, method="ets"), 1)
    ets_scaled = ets_s * N_SERIES / ETS_SUBSET
    fast_sub = fast.forecasts[fast.forecasts["service"].isin(names[:ETS_SUBSET])].reset_index(drop=True)
    name = f"forecast_sli {N_SERIES:,} series x {N_DAYS} days, {HORIZON} days ahead"
    rows += [
        {"benchmark": name, "figure": "fast (numpy, all series at once), median of 5", "value": fast_s,
         "unit": "s", "target": "<= 0.5 s"},
        {"benchmark": name,
         "figure": f"statsmodels ETSModel, {ETS_SUBSET} series timed x {N_SERIES // ETS_SUBSET}",
         "value": ets_scaled, "unit": "s", "target": "reference"},
        {"benchmark": name, "figure": "speed-up of fast over statsmodels", "value": ets_scaled / fast_s,
         "unit": "x", "target": ""},
    ]
    for col in ("median", "lower_80", "upper_80"):
        rel = _rel_diff(fast_sub, ets.forecasts, col)
        rows.append({"benchmark": name, "figure": f"fast vs statsmodels, median |rel. diff| of {col} "
                     f"({ETS_SUBSET} series)", "value": float(np.median(rel)), "unit": "ratio", "target": ""})
    # where they differ, which fit is better? (maximum likelihood = least in-sample SSE = least sigma)
    sig_fast = fast.parameters["sigma"].to_numpy()[:ETS_SUBSET]
    sig_ets = ets.parameters["sigma"].to_numpy()
    rows += [
        {"benchmark": name, "figure": f"share of the {ETS_SUBSET} series where fast's likelihood is >= "
         "statsmodels'", "value": float(np.mean(sig_fast <= sig_ets * (1 + 1e-9))), "unit": "share",
         "target": ""},
        {"benchmark": name, "figure": "residual sigma, fast / statsmodels - 1, median", "unit": "ratio",
         "value": float(np.median(sig_fast / sig_ets - 1)), "target": ""},
        {"benchmark": name, "figure": "residual sigma, fast / statsmodels - 1, largest", "unit": "ratio",
         "value": float(np.max(sig_fast / sig_ets - 1)), "target": ""},
    ]

    # --- breach simulation speed ---------------------------------------------------------------------------
    catalog = _catalog(names)
    br_s, fleet = _median_time(lambda: breach_probabilities(daily, catalog, as_of="2026-10-10T00:00Z",
                                                            n_paths=N_PATHS, seed=1), 3)
    rows.append({"benchmark": f"breach_probabilities {N_SERIES:,} SLOs x {N_PATHS:,} paths",
                 "figure": "time (daily counts in, half 28d / half month windows), median of 3",
                 "value": br_s,
                 "unit": "s", "target": "<= 2 s"})

    # --- sample data ---------------------------------------------------------------------------------------
    sli, cat = read_dataset("sli_5min"), read_dataset("catalog")
    sample_daily = ratio_sli(sli, freq="1D")
    fast27 = forecast_sli(sample_daily, horizon=HORIZON, method="fast").forecasts
    ets27 = forecast_sli(sample_daily, horizon=HORIZON, method="ets").forecasts
    for col in ("median", "lower_80", "upper_80"):
        rel = _rel_diff(fast27, ets27, col)
        rows.append({"benchmark": "sample data, 28 SLOs, 30 days ahead",
                     "figure": f"fast vs statsmodels, median |rel. diff| of {col}",
                     "value": float(np.median(rel)),
                     "unit": "ratio", "target": "< 0.01"})
    t = time.perf_counter()
    bf = backtest_forecasts(sample_daily, horizon=7, level=0.9).summary.set_index("method")
    bf_s = time.perf_counter() - t
    name = "backtest_forecasts, sample data (28 SLOs, 44 weekly origins, 7 days)"
    rows += [
        {"benchmark": name, "figure": "coverage of the 90 % interval",
         "value": bf.loc["forecast", "coverage"],
         "unit": "share", "target": "0.85-0.95"},
        {"benchmark": name, "figure": "coverage, straight line (last 7 days' rates)",
         "value": bf.loc["straight_line", "coverage"], "unit": "share", "target": ""},
        {"benchmark": name, "figure": "coverage, climatology", "value": bf.loc["climatology", "coverage"],
         "unit": "share", "target": ""},
        {"benchmark": name, "figure": "CRPS skill vs straight line", "unit": "ratio", "target": "> 0",
         "value": bf.loc["forecast", "crps_skill_vs_straight_line"]},
        {"benchmark": name, "figure": "CRPS skill vs climatology", "unit": "ratio", "target": "> 0",
         "value": bf.loc["forecast", "crps_skill_vs_climatology"]},
        {"benchmark": name, "figure": "MAE skill vs straight line", "unit": "ratio", "target": "> 0",
         "value": bf.loc["forecast", "mae_skill_vs_straight_line"]},
        {"benchmark": name, "figure": "MAE skill vs climatology", "unit": "ratio", "target": "> 0",
         "value": bf.loc["forecast", "mae_skill_vs_climatology"]},
        {"benchmark": name, "figure": "time", "value": bf_s, "unit": "s", "target": ""},
    ]
    t = time.perf_counter()
    bb = backtest_breach(sli, cat, n_paths=N_PATHS, seed=0).summary.set_index("method")
    bb_s = time.perf_counter() - t
    name = f"backtest_breach, sample data (28 SLOs, weekly origins, {N_PATHS:,} paths)"
    rows += [
        {"benchmark": name, "figure": f"windows scored ({int(bb.loc['forecast', 'breaches'])} missed)",
         "value": bb.loc["forecast", "forecasts"], "unit": "count", "target": ""},
        {"benchmark": name, "figure": "Brier score, forecast", "value": bb.loc["forecast", "brier"],
         "unit": "score", "target": ""},
        {"benchmark": name, "figure": "Brier score, straight line", "value": bb.loc["straight_line", "brier"],
         "unit": "score", "target": ""},
        {"benchmark": name, "figure": "Brier score, climatology", "value": bb.loc["climatology", "brier"],
         "unit": "score", "target": ""},
        {"benchmark": name, "figure": "Brier skill vs straight line", "unit": "ratio", "target": "> 0",
         "value": bb.loc["forecast", "bss_vs_straight_line"]},
        {"benchmark": name, "figure": "Brier skill vs climatology", "unit": "ratio", "target": "> 0",
         "value": bb.loc["forecast", "bss_vs_climatology"]},
        {"benchmark": name, "figure": "time (5-minute data in)", "value": bb_s, "unit": "s", "target": ""},
    ]
    return rows
