"""Monte Carlo simulation of an SLO's remaining window days, for the breach and exhaustion forecasts.

:func:`setup_simulation` gathers, for a set of SLOs at one ``as_of``, the observed part of each window, the
history weeks with their bootstrap weights and the forecast traffic; :func:`draw_paths` draws a history week
for every path and simulated week (a weighted block bootstrap of whole weeks), and
:func:`simulate_breaches` turns the paths into the attainment at each window end, the probability of a miss
and its interval. The model is described in the Notes of :func:`~slm_analytics.forecast.breach_probability`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InsufficientDataError
from ..sli import wilson_interval
from .panels import MIN_DAYS, Panel, period_bounds, window_days

if TYPE_CHECKING:
    from ..catalog import SLO

__all__ = [
    "HALF_LIFE_WEEKS",
    "HISTORY_WEEKS",
    "LONG_HALF_LIFE_WEEKS",
    "RECENT_SHARE",
    "RECENT_WEEKS",
    "SHIFT_RATIO",
    "TRAFFIC_WEEKS",
    "Breaches",
    "Setup",
    "draw_paths",
    "history_weights",
    "level_shift",
    "setup_simulation",
    "simulate_breaches",
    "zero_history_rates",
]

#: weeks of history the breach simulation resamples at most (about 21 months: all of it, in most series)
HISTORY_WEEKS = 90
#: the bootstrap weight of a history week mixes two components: a recent one (half-life HALF_LIFE_WEEKS,
#: RECENT_SHARE of the weight) that keeps regressions visible within days, and a long one (half-life
#: LONG_HALF_LIFE_WEEKS) that keeps the rare, heavy outages of the whole history in view; chosen by
#: backtest on GitHub's real status history 2022-2023 and on the sample data (benchmarks/bench_breach_real.py)
HALF_LIFE_WEEKS = 2.0
LONG_HALF_LIFE_WEEKS = 8.0
RECENT_SHARE = 0.3
#: weeks the level-shift check compares with the older history, and the ratio of medians that is a shift
RECENT_WEEKS = 4
SHIFT_RATIO = 1.5
#: weeks of history whose same-weekday mean forecasts each future day's traffic
TRAFFIC_WEEKS = 4


@dataclass(frozen=True)
class Setup:
    """Everything the breach simulation needs for a set of SLOs at one ``as_of`` (arrays over SLOs)."""

    a: int  # first unobserved panel column
    w0: np.ndarray  # window start column, per SLO
    w1: np.ndarray  # window end column (exclusive)
    target: np.ndarray
    obs_bad: np.ndarray
    obs_total: np.ndarray
    rates: np.ndarray  # (S, K, 7) daily error rates of the history weeks, aligned on as_of's weekday
    weights: np.ndarray  # (S, K) bootstrap weights (0 for weeks without data)
    traffic: np.ndarray  # (S, N) forecast events of each simulated day (0 outside the window)
    recent_rate: np.ndarray  # error rate of the last 7 days (the straight-line burn rate's numerator)
    history_events: np.ndarray  # events in the resampled history weeks
    history_bad: np.ndarray  # bad events in them (0: the Jeffreys prior stands in for the resampling)


def setup_simulation(panel: Panel, slos: Sequence[SLO], a: int, targets: np.ndarray, horizon: int | None,
                     what: str, *, whole_horizon: bool = False) -> Setup:
    """Gather what the simulation of ``slos`` (the rows of ``panel``) from column ``a`` needs.

    Each SLO's window is the calendar period holding day ``a``, or the rolling window ending ``horizon``
    days after it (default: the window's length). The simulated days run from ``a`` to the window end;
    their traffic counts from the window's start, or from ``a`` with ``whole_horizon`` (a horizon longer
    than a rolling window: exhaustion follows the trailing budget over every simulated day).
    Raises InsufficientDataError for an SLO with fewer than :data:`~slm_analytics.forecast.MIN_DAYS` days
    with events before ``a``, or no complete week of history.
    """
    n = len(slos)
    bad, total = panel.bad, panel.total
    n_days = total.shape[1]
    # history available before the origin
    cols = np.arange(n_days)
    hist = (cols < a)[None, :] & (total > 0)
    n_hist = hist.sum(axis=1)
    short = np.flatnonzero(n_hist < MIN_DAYS)
    if short.size:
        i = int(short[0])
        msg = (
            f"{what}: SLO {slos[i].service}/{slos[i].name} has {int(n_hist[i])} days with events before "
            f"as_of; at least {MIN_DAYS} days of history are needed"
        )
        raise InsufficientDataError(msg)
    # windows
    w0 = np.empty(n, dtype=np.int64)
    w1 = np.empty(n, dtype=np.int64)
    for i, o in enumerate(slos):
        days = window_days(o)
        if days is None:
            s, e = period_bounds(np.array([panel.day0 + a]), o.window)
            w0[i], w1[i] = s[0] - panel.day0, e[0] - panel.day0
        else:
            w1[i] = a + (horizon if horizon is not None else days)
            w0[i] = w1[i] - days
    obs_cols = (cols[None, :] >= w0[:, None]) & (cols[None, :] < a)
    obs_bad = (bad * obs_cols).sum(axis=1)
    obs_total = (total * obs_cols).sum(axis=1)
    # history weeks: block k holds days a - 7 (K - k) ... a - 7 (K - k - 1) - 1
    k_weeks = HISTORY_WEEKS
    hist_cols = a - 7 * k_weeks + np.arange(7 * k_weeks)
    inside = hist_cols >= 0
    hc = np.clip(hist_cols, 0, n_days - 1)
    hb = np.where(inside, bad[:, hc], 0.0).reshape(n, k_weeks, 7)
    ht = np.where(inside, total[:, hc], 0.0).reshape(n, k_weeks, 7)
    # weeks before the series' first day are not history
    started = (hist_cols >= panel.first[:, None]).reshape(n, k_weeks, 7).all(axis=2)
    has_data = (ht > 0).any(axis=2) & started
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.where(has_data[:, :, None], hb, 0).sum(axis=(1, 2)) / np.where(
            has_data[:, :, None], ht, 0).sum(axis=(1, 2))
        rates = np.where(ht > 0, hb / np.where(ht > 0, ht, 1), pooled[:, None, None])
    weights = history_weights(has_data, level_shift(rates, has_data))
    no_weeks = np.flatnonzero(weights.sum(axis=1) == 0)
    if no_weeks.size:
        i = int(no_weeks[0])
        msg = (f"{what}: SLO {slos[i].service}/{slos[i].name} has no complete week of history before as_of; "
               f"at least {MIN_DAYS} days are needed")
        raise InsufficientDataError(msg)
    # traffic: same-weekday mean of the last TRAFFIC_WEEKS weeks with data
    rank = np.cumsum(has_data[:, ::-1], axis=1)[:, ::-1]  # 1 = most recent week with data
    use = has_data & (rank <= TRAFFIC_WEEKS)
    per_pos = (ht * use[:, :, None]).sum(axis=1) / np.maximum(use.sum(axis=1), 1)[:, None]  # (S, 7)
    n_sim = int(max((w1 - a).max(), 1))
    t = np.arange(n_sim)
    lo = np.full(n, a) if whole_horizon else w0
    counted = (a + t[None, :] >= lo[:, None]) & (a + t[None, :] < w1[:, None])
    traffic = per_pos[:, t % 7] * counted
    last7 = (cols[None, :] >= a - 7) & (cols[None, :] < a)
    with np.errstate(invalid="ignore", divide="ignore"):
        recent = (bad * last7).sum(axis=1) / (total * last7).sum(axis=1)
    recent = np.where(np.isfinite(recent), recent, pooled)
    hist_events = (ht * has_data[:, :, None]).sum(axis=(1, 2))
    hist_bad = (hb * has_data[:, :, None]).sum(axis=(1, 2))
    return Setup(a, w0, w1, np.asarray(targets, dtype=float), obs_bad, obs_total, rates, weights, traffic,
                  recent, hist_events, hist_bad)


def _row_medians(x: np.ndarray) -> np.ndarray:
    """Return the median of each row's non-NaN values (NaN without any), as ``np.nanmedian(x, axis=1)``."""
    ordered = np.sort(x, axis=1)  # NaN last
    m = (~np.isnan(x)).sum(axis=1)
    rows = np.arange(len(x))
    lo = ordered[rows, np.maximum((m - 1) // 2, 0)]
    hi = ordered[rows, np.maximum(m // 2, 0)]
    return np.where(m > 0, (lo + hi) / 2, np.nan)


def level_shift(rates: np.ndarray, has_data: np.ndarray) -> np.ndarray:
    """Whether each series' typical daily error rate moved in the last ``RECENT_WEEKS`` weeks, ``(S,)``.

    The median daily rate of the recent weeks against the median of the older ones, the medians ignoring
    the rare bursty days (outages) that the long history is there to keep: a ratio beyond
    ``SHIFT_RATIO`` either way (a regression, or a fix) is a shift. Without older weeks there is none.
    """
    recent, older = has_data.copy(), has_data.copy()
    recent[:, :-RECENT_WEEKS] = False
    older[:, -RECENT_WEEKS:] = False
    mr = _row_medians(np.where(recent[:, :, None], rates, np.nan).reshape(len(rates), -1))
    mo = _row_medians(np.where(older[:, :, None], rates, np.nan).reshape(len(rates), -1))
    floor = 1e-6  # rates below it are zero for this comparison
    mr, mo = np.maximum(mr, floor), np.maximum(mo, floor)
    return np.isfinite(mr) & np.isfinite(mo) & ((mr > SHIFT_RATIO * mo) | (mo > SHIFT_RATIO * mr))


def history_weights(has_data: np.ndarray, shifted: np.ndarray | None = None) -> np.ndarray:
    """Bootstrap weights of the history weeks ``(S, K)`` (oldest first): the recent and the long component.

    Each component is an exponential decay over the weeks with data, normalised to one; the weights are
    ``RECENT_SHARE`` times the recent one plus the rest times the long one, or the recent one alone for a
    series whose level shifted (:func:`level_shift`): after a regression or a fix, the older weeks describe
    another service. Zero for weeks without data, all zero for a series without any.
    """
    k = has_data.shape[1]
    age = (k - 1 - np.arange(k)).astype(float)
    share = np.full(len(has_data), RECENT_SHARE)
    if shifted is not None:
        share[shifted] = 1.0
    out = np.zeros(has_data.shape)
    for part, half_life in ((share, HALF_LIFE_WEEKS), (1.0 - share, LONG_HALF_LIFE_WEEKS)):
        w = np.where(has_data, 0.5 ** (age / half_life), 0.0)
        total = w.sum(axis=1, keepdims=True)
        out += part[:, None] * np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    return out


#: entries of each SLO's table of history weeks (weeks repeated in proportion to their weights); a path's
#: week is a uniform draw from it, i.e. a weighted draw to within 1/_TABLE
_TABLE = 1024


def _replicate_design(n_paths: int) -> tuple[int, int]:
    """Replicates of the history and paths per replicate for the probability's interval."""
    reps = max(2, min(25, n_paths // 80))
    return reps, max(20, n_paths // (2 * reps))


def _search_rows(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per row, ``searchsorted(cum[row], u[row], side="left")`` for rows of increasing ``cum`` ending at 1.

    One sorted search over all rows at once: row ``r`` is shifted by ``2 r``, so rows never interleave.
    """
    rows, k = cum.shape
    shift = 2.0 * np.arange(rows)[:, None]
    flat = (cum + shift).reshape(-1)
    pos = np.searchsorted(flat, (u.reshape(rows, -1) + shift).reshape(-1), side="left")
    return (pos.reshape(rows, -1) - k * np.arange(rows)[:, None]).clip(0, k - 1)


def _week_table(weights: np.ndarray) -> np.ndarray:
    """Lay out ``_TABLE`` history weeks per SLO in proportion to their weights (systematic resampling)."""
    cw = np.cumsum(weights, axis=1)
    cw[:, -1] = 1.0
    grid = (np.arange(_TABLE) + 0.5) / _TABLE
    return _search_rows(cw, np.broadcast_to(grid, (len(cw), _TABLE)))


def draw_paths(setup: Setup, rng: np.random.Generator, n_paths: int, n_segments: int) -> np.ndarray:
    """History week of each path and simulated week, ``(S, P, J)``: independent weighted draws."""
    n = len(setup.weights)
    table = _week_table(setup.weights)
    slot = rng.integers(0, _TABLE, size=(n, n_paths, n_segments))
    return np.take_along_axis(table, slot.reshape(n, -1), axis=1).reshape(n, n_paths, n_segments)


def _draw_replicates(setup: Setup, rng: np.random.Generator, reps: int, per_rep: int, n_segments: int
                     ) -> np.ndarray:
    """Draw two-level paths ``(S, R * m, J)`` for the interval of the probability.

    Each replicate is a nonparametric bootstrap of the history: its V weeks with data are resampled
    uniformly with replacement and the resampled weeks keep their own age weights; the replicate's ``m``
    paths then draw their weeks from that reweighted history.
    """
    n, k = setup.weights.shape
    valid = setup.weights > 0
    n_valid = valid.sum(axis=1)
    u = rng.random((n, reps, k))
    # uniform over the valid weeks: the floor(u V)-th of them, in week order (what a search of u in the
    # valid weeks' cumulative shares finds, without the search)
    order = np.argsort(~valid, axis=1, kind="stable")
    top = np.maximum(n_valid, 1)[:, None, None]
    slot = np.minimum((u * top).astype(np.int64), top - 1)
    pick = np.take_along_axis(order, slot.reshape(n, -1), axis=1).reshape(n, reps, k)
    used = np.arange(k)[None, None, :] < n_valid[:, None, None]  # V draws per replicate
    row = (np.arange(n)[:, None, None] * reps + np.arange(reps)[None, :, None]) * k
    used = np.broadcast_to(used, pick.shape)
    counts = np.bincount((row + pick)[used], minlength=n * reps * k).reshape(n, reps, k).astype(float)
    w = counts * setup.weights[:, None, :]
    cw = np.cumsum(w, axis=2) / w.sum(axis=2, keepdims=True)
    cw[..., -1] = 1.0
    v = rng.random((n, reps, per_rep * n_segments))
    weeks = _search_rows(cw.reshape(n * reps, k), v.reshape(n * reps, -1))
    return weeks.reshape(n, reps * per_rep, n_segments)


def _path_sums(setup: Setup, weeks: np.ndarray) -> np.ndarray:
    """Bad events over the simulated days of each path, ``(S, P)``, from its history weeks ``(S, P, J)``."""
    n, k, _ = setup.rates.shape
    j = weeks.shape[2]
    traffic = np.zeros((n, j * 7))
    traffic[:, :setup.traffic.shape[1]] = setup.traffic
    # bad events each history week would produce in each future week: (S, J, K)
    contrib = np.einsum("skd,sjd->sjk", setup.rates, traffic.reshape(n, j, 7))
    idx = (np.arange(n)[:, None, None] * j + np.arange(j)[None, None, :]) * k + weeks
    return contrib.reshape(-1)[idx].sum(axis=2)


def _simulate(setup: Setup, rng: np.random.Generator, n_paths: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate the bad events over the window's remaining days.

    Returns ``(paths, replicate_paths, replicate)``: ``(S, P)`` independent paths (the probability and the
    attainment distribution), ``(S, R * m)`` two-level paths for the interval, and the replicate of each.
    """
    j = -(-setup.traffic.shape[1] // 7)
    reps, per_rep = _replicate_design(n_paths)
    sim = _path_sums(setup, draw_paths(setup, rng, n_paths, j))
    sim_rep = _path_sums(setup, _draw_replicates(setup, rng, reps, per_rep, j))
    rep = np.repeat(np.arange(reps), per_rep)
    zero = np.flatnonzero(setup.history_bad <= 0)
    if zero.size:  # no bad event in the history: Jeffreys rates, per path and per replicate
        lam_path, lam_rep = zero_history_rates(setup, rng, zero, n_paths, reps)
        sim[zero] = lam_path * setup.traffic[zero].sum(axis=1)[:, None]
        sim_rep[zero] = lam_rep[:, rep] * setup.traffic[zero].sum(axis=1)[:, None]
    return sim, sim_rep, rep


def zero_history_rates(setup: Setup, rng: np.random.Generator, zero: np.ndarray, n_paths: int, reps: int
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Daily error rates for SLOs without a bad event in their history, per path and per replicate.

    Resampling a history without bad events can only give none; the rate is drawn instead from the Jeffreys
    posterior Beta(1/2, N + 1/2) of the N history events, so that few events give honest uncertainty.
    """
    b = setup.history_events[zero, None] + 0.5
    return rng.beta(0.5, b, size=(zero.size, n_paths)), rng.beta(0.5, b, size=(zero.size, reps))


def _probability_interval(p: np.ndarray, n_paths: int, miss_rep: np.ndarray, rep: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of the probabilities ``p``: Monte Carlo error plus the history's bootstrap spread."""
    reps = int(rep.max()) + 1
    counts = np.bincount(rep, minlength=reps).astype(float)
    p_r = np.stack([miss_rep[:, rep == r].mean(axis=1) for r in range(reps)], axis=1)  # (S, R)
    between = p_r.var(axis=1, ddof=1)
    within = (p_r * (1 - p_r) / np.maximum(counts - 1, 1)).mean(axis=1)
    total_var = np.maximum(between - within, 0.0) + p * (1 - p) / n_paths
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(total_var > 0, p * (1 - p) / total_var, n_paths)
    low, high = wilson_interval(p, np.clip(n_eff, 1.0, n_paths))
    return np.where(p <= 0, 0.0, low), np.where(p >= 1, 1.0, high)


@dataclass(frozen=True)
class Breaches:
    """Simulated window ends of a set of SLOs (:func:`simulate_breaches`): arrays over the SLOs."""

    setup: Setup
    attainment: np.ndarray  # (S, P) simulated attainment at the window end, per path
    probability: np.ndarray  # share of paths whose attainment is below target
    low: np.ndarray  # 95 % interval of the probability
    high: np.ndarray
    straight: np.ndarray  # attainment at the window end if the last 7 days' error rate continues


def simulate_breaches(setup: Setup, n_paths: int, rng: np.random.Generator) -> Breaches:
    """Simulate the window ends of the SLOs of ``setup`` (one panel, one as_of), ``n_paths`` paths each."""
    n = len(setup.target)
    j = -(-setup.traffic.shape[1] // 7)
    chunk = max(1, 4_000_000 // (n_paths * j))
    att = np.empty((n, n_paths))
    miss_p, low, high = np.empty(n), np.empty(n), np.empty(n)
    sim_total = setup.traffic.sum(axis=1)
    denom = setup.obs_total + sim_total
    for c0 in range(0, n, chunk):
        sl = slice(c0, min(c0 + chunk, n))
        part = Setup(setup.a, *(getattr(setup, f)[sl] for f in Setup.__dataclass_fields__ if f != "a"))
        sim_bad, sim_rep, rep = _simulate(part, rng, n_paths)
        with np.errstate(invalid="ignore", divide="ignore"):
            a_sl = 1.0 - (part.obs_bad[:, None] + sim_bad) / denom[sl, None]
            a_rep = 1.0 - (part.obs_bad[:, None] + sim_rep) / denom[sl, None]
        att[sl] = a_sl
        # NaN attainment (no events in the window at all) is not a miss
        miss_p[sl] = (a_sl < part.target[:, None]).mean(axis=1)
        low[sl], high[sl] = _probability_interval(miss_p[sl], n_paths, a_rep < part.target[:, None], rep)
    with np.errstate(invalid="ignore", divide="ignore"):
        straight = 1.0 - (setup.obs_bad + setup.recent_rate * sim_total) / denom
    return Breaches(setup, att, miss_p, low, high, straight)
