"""Rolling-origin backtests of the forecasts, each scored against two baselines.

:func:`backtest_breach` scores breach probabilities (Brier score and reliability) against the straight-line
extrapolation of the current burn rate and climatology; :func:`backtest_forecasts` scores the daily
error-rate forecasts of :func:`~slm_analytics.forecast.forecast_sli` (interval coverage, MAE, CRPS) against
the same two baselines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import as_utc, check_by, check_int, check_levels, horizon_days, make_rng
from ..errors import InsufficientDataError, ParameterError
from .ets import Method, check_method, expit, forecast_panel, smoothed_rate
from .panels import (
    MIN_DAYS,
    Panel,
    as_of_column,
    complete_windows,
    daily_panel,
    end_of_data,
    local_col,
    panels_by_tz,
)
from .simulate import setup_simulation, simulate_breaches

if TYPE_CHECKING:
    from ..catalog import SLO, Catalog

__all__ = [
    "BREACH_METHODS",
    "FORECAST_METHODS",
    "BreachBacktest",
    "ForecastBacktest",
    "backtest_breach",
    "backtest_forecasts",
    "brier_decomposition",
    "long_history_probability",
]

BREACH_METHODS = ("forecast", "straight_line", "climatology", "long_history")
FORECAST_METHODS = ("forecast", "straight_line", "climatology")
#: quantile levels whose pinball losses average to the CRPS (Gneiting & Raftery 2007, eq. 21 discretised)
_CRPS_TAUS = (np.arange(99) + 0.5) / 99


# ------------------------------------------------------------------------------------------ breach backtest


@dataclass(frozen=True)
class BreachBacktest:
    """Rolling-origin backtest of breach probabilities against two baselines (:func:`backtest_breach`).

    Attributes
    ----------
    summary : DataFrame
        One row per method (``forecast``, ``straight_line``, ``climatology``, ``long_history``):
        ``forecasts``, ``breaches`` (windows that missed), ``mean_probability``, ``brier`` (Brier score),
        its decomposition ``reliability``, ``resolution``, ``uncertainty``, and ``bss_vs_straight_line``,
        ``bss_vs_climatology`` and ``bss_vs_long_history`` (Brier skill scores, :math:`1 - BS/BS_{ref}`;
        > 0 beats the reference).
    reliability : DataFrame
        Reliability table per method: ``method``, ``bin_low``, ``bin_high`` (forecast probability bins of
        width 0.1), ``n`` (forecasts in the bin), ``mean_probability`` and ``observed_frequency`` (share of
        them that missed; NaN for empty bins) with its 95 % Wilson interval ``low``, ``high``. Calibrated
        forecasts have the two close.
    forecasts : DataFrame
        One row per SLO, origin and method: ``service``, ``slo``, ``origin`` (UTC), ``window_end`` (UTC),
        ``target``, ``attainment`` (what the window attained), ``outcome`` (missed), ``method``,
        ``probability``.
    """

    summary: pd.DataFrame
    reliability: pd.DataFrame
    forecasts: pd.DataFrame

    def __repr__(self) -> str:
        cols = ["method", "forecasts", "breaches", "brier", "bss_vs_straight_line", "bss_vs_climatology"]
        return "BreachBacktest(\n" + self.summary[cols].to_string(index=False) + "\n)"

    def to_frame(self) -> pd.DataFrame:
        """Return the per-method summary (a copy)."""
        return self.summary.copy()


def _past_windows(panel: Panel, slos: Sequence[SLO], targets: np.ndarray
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per SLO: end columns of every complete past window in the data and whether it missed the target."""
    out = []
    n_days = panel.total.shape[1]
    for i, o in enumerate(slos):
        cg = np.concatenate([[0.0], np.cumsum(panel.good[i])])
        ct = np.concatenate([[0.0], np.cumsum(panel.total[i])])
        s, e = complete_windows(panel, i, o)
        e = np.minimum(e, n_days)
        tot = ct[e] - ct[s]
        ok = tot > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            att = (cg[e] - cg[s]) / tot
        out.append((e[ok], att[ok] < targets[i]))
    return out


def long_history_probability(panel: Panel, i: int, a: int, w1: int, obs_bad: float, obs_total: float,
                             rest_total: float, target: float) -> float:
    """Return the long-history empirical baseline's probability that a window ends below target.

    The share of all past blocks as long as the rest of the window whose error rate, over the rest's
    traffic, would make the window miss (NaN without a past block): the plain model anyone could write, and
    a hard one to beat on bursty real outages. Blocks are every run of ``w1 - a`` consecutive days of
    series ``i`` that starts on or after its first day and ends before day ``a``; a block without events is
    left out.
    """
    length = int(w1 - a)
    first = int(panel.first[i])
    if length <= 0:
        return float((1.0 - obs_bad / obs_total) < target) if obs_total > 0 else np.nan
    cb = np.concatenate([[0.0], np.cumsum(panel.bad[i, :a])])
    ct = np.concatenate([[0.0], np.cumsum(panel.total[i, :a])])
    starts = np.arange(first, a - length + 1)
    if starts.size == 0:
        return np.nan
    b, t = cb[starts + length] - cb[starts], ct[starts + length] - ct[starts]
    ok = t > 0
    if not ok.any():
        return np.nan
    rate = b[ok] / t[ok]
    attained = 1.0 - (obs_bad + rate * rest_total) / (obs_total + rest_total)
    return float(np.mean(attained < target))


def _brier(p: np.ndarray, o: np.ndarray) -> float:
    return float(np.mean((p - o) ** 2)) if len(p) else np.nan


def _reliability(method: str, p: np.ndarray, o: np.ndarray, bins: int = 10) -> pd.DataFrame:
    from ..sli import wilson_interval

    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    n = np.bincount(idx, minlength=bins)
    hits = np.bincount(idx, weights=o.astype(float), minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(idx, weights=p, minlength=bins) / n
        freq = hits / n
        low, high = wilson_interval(np.where(n > 0, freq, 0.0), np.maximum(n, 1))
    return pd.DataFrame({"method": method, "bin_low": edges[:-1], "bin_high": edges[1:], "n": n,
                         "mean_probability": mean_p, "observed_frequency": freq,
                         "low": np.where(n > 0, low, np.nan), "high": np.where(n > 0, high, np.nan)})


def brier_decomposition(p: np.ndarray, o: np.ndarray, bins: int = 10) -> tuple[float, float, float]:
    r"""Murphy's decomposition of the Brier score over probability bins: reliability, resolution, uncertainty.

    :math:`REL = \frac1N \sum_k n_k (\bar p_k - \bar o_k)^2` (0 for calibrated forecasts),
    :math:`RES = \frac1N \sum_k n_k (\bar o_k - \bar o)^2` (how far the forecasts sort the events) and
    :math:`UNC = \bar o (1 - \bar o)`; :math:`BS \approx REL - RES + UNC`, exactly when the forecasts within
    each bin are equal (Murphy 1973).

    Examples
    --------
    >>> brier_decomposition(np.array([0.0, 0.0, 1.0, 1.0]), np.array([0, 0, 1, 1]))
    (0.0, 0.25, 0.25)
    """
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=float)
    if not len(p):
        return np.nan, np.nan, np.nan
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    n = np.bincount(idx, minlength=bins)
    used = n > 0
    mean_p = np.bincount(idx, weights=p, minlength=bins)[used] / n[used]
    freq = np.bincount(idx, weights=o, minlength=bins)[used] / n[used]
    base = o.mean()
    rel = float((n[used] * (mean_p - freq) ** 2).sum() / len(p))
    res = float((n[used] * (freq - base) ** 2).sum() / len(p))
    return rel, res, float(base * (1 - base))



def backtest_breach(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    origins: Sequence[Any] | None = None,
    horizon: str | pd.Timedelta = "7d",
    n_paths: int = 1000,
    seed: int | np.random.Generator | None = 0,
) -> BreachBacktest:
    r"""Forecast breach probabilities at rolling origins for every SLO, score them against what happened.

    Parameters
    ----------
    sli : DataFrame
        Counts (5-minute buckets or daily) with ``service``, ``slo``, ``timestamp``, ``good``, ``total``.
    catalog : Catalog
        The SLOs (those with rows in ``sli`` are backtested) and their services' time zones.
    origins : sequence of Timestamp, optional
        Forecast instants (timezone-aware); default every 7 days at UTC midnight from 8 weeks after the
        first timestamp. Windows that end after the data are not scored.
    horizon : str or Timedelta
        Rolling windows are assessed ``horizon`` after the origin (default ``"7d"``); calendar windows at
        the end of the period holding the origin.
    n_paths : int
        Simulated paths per SLO and origin.
    seed : int or Generator, optional
        Seed of the random numbers (default 0: reproducible).

    Returns
    -------
    BreachBacktest

    Raises
    ------
    DataError, ParameterError
        As :func:`~slm_analytics.forecast.breach_probabilities`.
    InsufficientDataError
        No scored window (origins too late), or an origin with less than 14 days of history.

    Notes
    -----
    Four forecasts of the same event (the window missed its target) at every origin:

    * ``forecast``: :func:`~slm_analytics.forecast.breach_probabilities` with only the data before the origin;
    * ``straight_line``: 1 if the attainment projected with the last 7 days' error rate (the current burn
      rate, SRE Workbook ch. 5) is below target, else 0 — what a burn-rate extrapolation says;
    * ``climatology``: the share of the SLO's complete past windows (ending before the origin) that missed;

    Brier score :math:`BS = \frac1n \sum (p_i - o_i)^2` (Brier 1950) and Brier skill score
    :math:`BSS = 1 - BS/BS_{ref}` (Murphy 1973); the reliability table bins the probabilities by tenths
    (Murphy & Winkler 1977). A forecast without an evaluable outcome, or an SLO without a past window for
    climatology, is left out for all three methods, so they are scored on the same events.

    * ``long_history``: the long-history empirical model (:func:`long_history_probability`): the share of
      all past blocks of the SLO's history, as long as the rest of the window, whose error rate would make
      the window miss.

    ``reliability``, ``resolution`` and ``uncertainty`` are Murphy's decomposition of the Brier score
    (:func:`brier_decomposition`); the reliability table gives each bin's count and the 95 % Wilson
    interval of its observed frequency (``low``, ``high``): a calibrated forecast's mean probability lies
    within it.

    On the sample data (28 SLOs, 45 weekly origins, 1,248 scored windows, 56 misses) the forecast's Brier
    score is 0.0211 against 0.0345 for the straight line and 0.0393 for climatology (1,000 paths, seed 0):
    skill 0.39 and 0.46 (0.42 and 0.46 on the 27 SLOs of the first twelve services; the incident-driven
    ``partner-gateway``, 45 windows and 4 misses, scores 0.079 against 0.089 and 0.162). On GitHub's real
    status history see
    :func:`~slm_analytics.forecast.breach_probability` (Notes) and ``benchmarks/bench_breach_real.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> origins = pd.date_range("2026-06-06", periods=6, freq="7D", tz="UTC")
    >>> bt = backtest_breach(sli, catalog, origins=origins, n_paths=200)
    >>> bt.summary["method"].tolist()
    ['forecast', 'straight_line', 'climatology', 'long_history']
    """
    what = "backtest_breach"
    h = horizon_days(horizon)
    n_paths = check_int(n_paths, "n_paths")
    rng = make_rng(seed)
    panels = panels_by_tz(sli, catalog, what)
    end = end_of_data(sli)
    if origins is None:
        t0 = pd.Timestamp(sli["timestamp"].min()).tz_convert("UTC").floor("D")
        first = t0 + pd.Timedelta(days=8 * 7)
        whens = list(pd.date_range(first, end, freq="7D"))
    else:
        whens = sorted(as_utc(x, "origin") for x in origins)
    if not whens:
        msg = f"{what}: no origins; the data ({end}) ends before the first default origin (8 weeks in)"
        raise InsufficientDataError(msg)
    rows = []
    for panel, slos in panels:
        targets = np.array([o.target for o in slos])
        past = _past_windows(panel, slos, targets)
        cg = np.concatenate([np.zeros((len(slos), 1)), np.cumsum(panel.good, axis=1)], axis=1)
        ct = np.concatenate([np.zeros((len(slos), 1)), np.cumsum(panel.total, axis=1)], axis=1)
        stop = panel.last + 1
        for when in whens:
            a = as_of_column(panel, when, end, what)
            setup = setup_simulation(panel, slos, a, targets, h, what)
            res = simulate_breaches(setup, n_paths, rng)
            w0, w1 = np.maximum(setup.w0, 0), setup.w1
            ok = w1 <= stop
            if not ok.any():
                continue
            r = np.arange(len(slos))
            w1c = np.minimum(w1, ct.shape[1] - 1)
            tot = ct[r, w1c] - ct[r, w0]
            with np.errstate(invalid="ignore", divide="ignore"):
                actual = (cg[r, w1c] - cg[r, w0]) / tot
            ok &= tot > 0
            clim = np.array([m[e <= a].mean() if (e <= a).any() else np.nan for e, m in past])
            rest = setup.traffic.sum(axis=1)
            longh = np.array([long_history_probability(panel, i, a, w1[i], setup.obs_bad[i],
                                                       setup.obs_total[i], rest[i], targets[i])
                              if ok[i] else np.nan for i in range(len(slos))])
            ok &= np.isfinite(clim) & np.isfinite(longh)
            ends = panel.midnights(panel.day0 + w1).tz_convert("UTC")
            for i in np.flatnonzero(ok):
                base = {"service": slos[i].service, "slo": slos[i].name, "origin": when,
                        "window_end": ends[i], "target": targets[i], "attainment": actual[i],
                        "outcome": bool(actual[i] < targets[i])}
                rows.append({**base, "method": "forecast", "probability": res.probability[i]})
                rows.append({**base, "method": "straight_line",
                             "probability": float(res.straight[i] < targets[i])})
                rows.append({**base, "method": "climatology", "probability": float(clim[i])})
                rows.append({**base, "method": "long_history", "probability": float(longh[i])})
    if not rows:
        msg = f"{what}: no origin has a window that ends within the data; give earlier origins"
        raise InsufficientDataError(msg)
    fc = pd.DataFrame(rows)
    summary, rel = [], []
    briers = {}
    for m in BREACH_METHODS:
        sub = fc[fc["method"] == m]
        p, o = sub["probability"].to_numpy(float), sub["outcome"].to_numpy(bool)
        briers[m] = _brier(p, o)
        rel.append(_reliability(m, p, o))
        rel_, res_, unc_ = brier_decomposition(p, o)
        summary.append({"method": m, "forecasts": len(sub), "breaches": int(o.sum()),
                        "mean_probability": float(p.mean()), "brier": briers[m], "reliability": rel_,
                        "resolution": res_, "uncertainty": unc_})
    out = pd.DataFrame(summary)
    out["bss_vs_straight_line"] = 1 - out["brier"] / briers["straight_line"]
    out["bss_vs_climatology"] = 1 - out["brier"] / briers["climatology"]
    out["bss_vs_long_history"] = 1 - out["brier"] / briers["long_history"]
    return BreachBacktest(out, pd.concat(rel, ignore_index=True), fc)


# ---------------------------------------------------------------------------------------- forecast backtest


@dataclass(frozen=True)
class ForecastBacktest:
    """Rolling-origin backtest of daily error-rate forecasts and two baselines (:func:`backtest_forecasts`).

    Attributes
    ----------
    summary : DataFrame
        One row per method (``forecast``, ``straight_line``, ``climatology``): ``forecasts`` (scored
        series-days), ``coverage`` (share of outcomes inside the interval), ``mae``, ``crps``,
        ``interval_width`` (mean), ``crps_skill_vs_straight_line``, ``mae_skill_vs_straight_line``,
        ``crps_skill_vs_climatology``, ``mae_skill_vs_climatology`` (:math:`1 - S/S_{ref}`; > 0 is better than
        the reference).
    by_series : DataFrame
        The same scores (without skills) per series and method.
    forecasts : DataFrame
        One row per series, origin, day and method: key columns, ``origin`` and ``timestamp`` (local day
        starts), ``horizon``, ``method``, ``actual`` (the day's error rate, (bad + ½)/(total + 1)), ``point``,
        ``lower``, ``upper``, ``abs_error``, ``crps``, ``covered``.
    """

    summary: pd.DataFrame
    by_series: pd.DataFrame
    forecasts: pd.DataFrame

    def __repr__(self) -> str:
        cols = ["method", "forecasts", "coverage", "mae", "crps", "crps_skill_vs_straight_line",
                "crps_skill_vs_climatology"]
        return "ForecastBacktest(\n" + self.summary[cols].to_string(index=False) + "\n)"

    def to_frame(self) -> pd.DataFrame:
        """Return the per-method summary (a copy)."""
        return self.summary.copy()


def _pinball_crps(q: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CRPS from quantiles ``q`` (..., taus) at levels ``_CRPS_TAUS``: twice the mean pinball loss."""
    tau = _CRPS_TAUS
    d = y[..., None] - q
    return 2 * np.mean(np.where(d >= 0, tau * d, (tau - 1) * d), axis=-1)


def _empirical_quantiles(values: np.ndarray, taus: np.ndarray) -> np.ndarray:
    """Return row-wise quantiles ignoring NaN (linear interpolation, as ``np.nanquantile``)."""
    srt = np.sort(values, axis=1)  # NaN last
    n = np.isfinite(values).sum(axis=1)
    pos = taus[None, :] * np.maximum(n - 1, 0)[:, None]
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0)[:, None])
    rows = np.arange(len(values))[:, None]
    out = srt[rows, lo] + (pos - lo) * (srt[rows, hi] - srt[rows, lo])
    return np.where(n[:, None] > 0, out, np.nan)


#: arrays of the scored forecasts, one entry per series, origin, day and method
_FIELDS = ("series", "origin", "step", "method", "actual", "point", "lower", "upper", "crps")


def _origin_columns(panel: Panel, origins: Sequence[Any] | None, horizon: int, what: str) -> np.ndarray:
    """Panel columns of the origins (the first day forecast from each); default weekly after 8 weeks."""
    n_days = panel.total.shape[1]
    if origins is None:
        cols = np.arange(8 * 7, n_days - horizon + 1, 7)
    else:
        cols = np.array(sorted({local_col(panel, as_utc(x, "origin")) for x in origins}), dtype=np.int64)
        early = cols[cols < 1]
        if early.size:
            msg = f"{what}: origin {min(origins)} is not after the first day of data; origins need history"
            raise ParameterError(msg)
        late = cols[cols > n_days - horizon]
        if late.size:
            day = panel.midnights(np.array([panel.day0 + late[0]]))[0]
            msg = f"{what}: origin {day} leaves fewer than {horizon} days of data to score; move it earlier"
            raise ParameterError(msg)
    if cols.size == 0:
        msg = (f"{what}: {n_days} days of data are too few; rolling origins need 8 weeks of history plus the "
               f"{horizon}-day horizon")
        raise InsufficientDataError(msg)
    return cols


def _baselines(panel: Panel, live: np.ndarray, a: int, rate_all: np.ndarray, taus: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Quantiles and points of the straight line and climatology at origin ``a``, for the series ``live``."""
    # empirical distributions of past daily rates; points are pooled event ratios
    hist = rate_all[live, :a]
    last7 = hist[:, -7:].copy()
    b7 = (panel.bad[live, a - 7:a]).sum(axis=1)
    t7 = (panel.total[live, a - 7:a]).sum(axis=1)
    bh = (panel.bad[live, :a]).sum(axis=1)
    th = (panel.total[live, :a]).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        point_sl = np.where(t7 > 0, b7 / t7, bh / th)
        point_cl = bh / th
    for i in np.flatnonzero(~np.isfinite(last7).any(axis=1)):  # no data last week: last 7 days with data
        seen = hist[i][np.isfinite(hist[i])][-7:]
        last7[i, :seen.size] = seen
    return _empirical_quantiles(last7, taus), point_sl, _empirical_quantiles(hist, taus), point_cl


def _origin_scores(panel: Panel, a: int, *, horizon: int, method: str, taus: np.ndarray, z_taus: np.ndarray,
                   rate_all: np.ndarray, what: str) -> list[dict[str, np.ndarray]]:
    """Forecast from origin column ``a`` with the three methods and score the days with events.

    Series with :data:`~slm_analytics.forecast.MIN_DAYS` days with events before the origin take part.
    Returns one dict of :data:`_FIELDS` arrays per method (none when no series takes part).
    """
    has = (panel.total[:, :a] > 0).sum(axis=1)
    live = np.flatnonzero((has >= MIN_DAYS) & (panel.first < a))
    if live.size == 0:
        return []
    sub = Panel(panel.keys.iloc[live].reset_index(drop=True), panel.tz, panel.day0, panel.good[live],
                panel.total[live], panel.first[live], np.minimum(panel.last[live], a - 1))
    mean, sd, _, _, _ = forecast_panel(sub, horizon=horizon, method=method, seasonal=False,
                                       stop=np.full(live.size, a), what=what)
    actual = rate_all[live, a:a + horizon]  # (S', h)
    # the model: logit-normal quantiles
    q_model = expit(mean[..., None] + sd[..., None] * z_taus)  # (S', h, taus)
    point_model = expit(mean)
    q_sl, point_sl, q_cl, point_cl = _baselines(panel, live, a, rate_all, taus)
    ok = np.isfinite(actual)
    y = np.where(ok, actual, 0.0)
    rows = np.nonzero(ok)
    out = []
    for name, q, point in (
        ("forecast", q_model, point_model),
        ("straight_line", np.broadcast_to(q_sl[:, None, :], (live.size, horizon, taus.size)),
         np.broadcast_to(point_sl[:, None], (live.size, horizon))),
        ("climatology", np.broadcast_to(q_cl[:, None, :], (live.size, horizon, taus.size)),
         np.broadcast_to(point_cl[:, None], (live.size, horizon))),
    ):
        out.append({
            "series": live[rows[0]],
            "origin": np.full(rows[0].size, a),
            "step": rows[1],
            "method": np.full(rows[0].size, FORECAST_METHODS.index(name)),
            "actual": actual[rows],
            "point": point[rows],
            "lower": q[..., -2][rows],
            "upper": q[..., -1][rows],
            "crps": _pinball_crps(q[rows][:, :-2], y[rows]),
        })
    return out


def _forecast_table(panel: Panel, cat: dict[str, np.ndarray]) -> pd.DataFrame:
    """Lay out the scored forecasts as a tidy table by method, origin, series and day (plus ``width``)."""
    order = np.lexsort((cat["step"], cat["series"], cat["origin"], cat["method"]))
    cat = {k: v[order] for k, v in cat.items()}
    fc = panel.keys.iloc[cat["series"]].reset_index(drop=True)
    day_of = panel.midnights(panel.day0 + cat["origin"] + cat["step"])
    fc["origin"] = panel.midnights(panel.day0 + cat["origin"])
    fc["timestamp"] = day_of
    fc["horizon"] = cat["step"] + 1
    fc["method"] = np.asarray(FORECAST_METHODS)[cat["method"]]
    for k in ("actual", "point", "lower", "upper"):
        fc[k] = cat[k]
    fc["abs_error"] = np.abs(cat["actual"] - cat["point"])
    fc["crps"] = cat["crps"]
    fc["covered"] = (cat["lower"] <= cat["actual"]) & (cat["actual"] <= cat["upper"])
    fc["width"] = cat["upper"] - cat["lower"]
    return fc


def backtest_forecasts(
    daily: pd.DataFrame,
    *,
    horizon: int = 7,
    origins: Sequence[Any] | None = None,
    method: Method = "fast",
    level: float = 0.9,
    by: tuple[str, ...] = ("service", "slo"),
) -> ForecastBacktest:
    r"""Score daily error-rate forecasts made at rolling origins, with two baselines in the same run.

    At each origin every series is fitted on its days before the origin only and forecast ``horizon`` days
    ahead; the forecasts are scored against what happened.

    Parameters
    ----------
    daily : DataFrame
        Daily counts as for :func:`~slm_analytics.forecast.forecast_sli`.
    horizon : int
        Days ahead forecast from each origin.
    origins : sequence of Timestamp, optional
        Forecast instants (the local day holding each is the first day forecast); default every 7 days from
        8 weeks after the first day to the last origin with ``horizon`` days of data after it.
    method : {"fast", "ets"}
        Forecast method (see :func:`~slm_analytics.forecast.forecast_sli`).
    level : float
        Coverage of the scored central interval (default 90 %).
    by : str or tuple of str
        Columns identifying a series (one string is one column; ``()`` takes all rows as one series).

    Returns
    -------
    ForecastBacktest

    Raises
    ------
    DataError
        As :func:`~slm_analytics.forecast.forecast_sli`.
    InsufficientDataError
        Too little data for any origin (8 weeks of history plus the horizon by default).
    ParameterError
        A bad ``horizon``, ``method`` or ``level``; an origin before the data or without ``horizon`` days of
        data after it.

    Notes
    -----
    The outcome is the day's error rate :math:`(b + \tfrac12)/(n + 1)` (the quantity
    :func:`~slm_analytics.forecast.forecast_sli` models; the ½ matters only for days with few events), for
    days with events.

    * ``forecast``: the logit-normal forecast distribution of :func:`~slm_analytics.forecast.forecast_sli`;
      point = its median.
    * ``straight_line``: the current burn rate carried forward: point = the error rate of the last 7 days
      (pooled events), distribution = the empirical distribution of those 7 daily rates.
    * ``climatology``: point = the historical error rate (all days before the origin, pooled events),
      distribution = the empirical distribution of all past daily rates.

    Coverage counts outcomes inside the central ``level`` interval (quantiles :math:`(1 \mp level)/2`).
    CRPS (Gneiting & Raftery 2007, eq. 21) is computed from quantiles as twice the mean pinball loss over the
    99 levels :math:`\tau_i = (i - \tfrac12)/99`,
    :math:`\mathrm{CRPS}(F, y) \approx \tfrac{2}{99}\sum_i
    \big(\mathbf 1\{y < q_{\tau_i}\} - \tau_i\big)(q_{\tau_i} - y)`,
    the same for the three methods (for a point mass it is the absolute error). Skill scores are
    :math:`1 - S/S_{ref}`.

    On the 27 SLOs of the sample data's first twelve services (horizon 7, 44 weekly origins, fast method)
    the 90 % interval covers 92.3 % of the outcomes (straight line: 69.7 %, climatology: 88.6 %), and the
    forecast's CRPS is 6.5 % lower than the straight line's and 4.8 % lower than climatology's (MAE 18 % and
    17 % lower).

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset, ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[sli["service"] == "search"], freq="1D", tz="America/New_York")
    >>> origins = pd.date_range("2026-06-01", periods=8, freq="7D", tz="America/New_York")
    >>> bt = backtest_forecasts(daily, horizon=7, origins=origins)
    >>> bt.summary[["method", "forecasts", "coverage"]]
              method  forecasts  coverage
    0       forecast        112  0.892857
    1  straight_line        112  0.723214
    2    climatology        112  0.839286
    """
    from scipy.special import ndtri

    what = "backtest_forecasts"
    horizon = check_int(horizon, "horizon")
    method = check_method(method)
    (level,) = check_levels([level])
    by = check_by(by, daily, what)
    panel = daily_panel(daily, by, what)
    cols = _origin_columns(panel, origins, horizon, what)
    tau_lo, tau_hi = (1 - level) / 2, (1 + level) / 2
    taus = np.concatenate([_CRPS_TAUS, [tau_lo, tau_hi]])
    z_taus = ndtri(taus)
    rate_all = smoothed_rate(panel.bad, panel.total)  # (S, D), NaN without data
    parts = [part for a in cols
             for part in _origin_scores(panel, a, horizon=horizon, method=method, taus=taus, z_taus=z_taus,
                                        rate_all=rate_all, what=what)]
    if not parts:
        msg = f"{what}: no series has {MIN_DAYS} days of history before any origin"
        raise InsufficientDataError(msg)
    fc = _forecast_table(panel, {k: np.concatenate([p[k] for p in parts]) for k in _FIELDS})
    aggs = {"forecasts": ("crps", "size"), "coverage": ("covered", "mean"), "mae": ("abs_error", "mean"),
            "crps": ("crps", "mean"), "interval_width": ("width", "mean")}
    summary = fc.groupby("method", sort=False).agg(**aggs).reset_index()
    ref = summary.set_index("method")
    for base in ("straight_line", "climatology"):
        summary[f"crps_skill_vs_{base}"] = 1 - summary["crps"] / ref.loc[base, "crps"]
        summary[f"mae_skill_vs_{base}"] = 1 - summary["mae"] / ref.loc[base, "mae"]
    by_series = fc.groupby([*by, "method"], sort=False, observed=True).agg(**aggs).reset_index()
    return ForecastBacktest(summary, by_series, fc.drop(columns="width"))
