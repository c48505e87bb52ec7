r"""Trends and change points in SLIs: slow degradations and sudden steps.

* :func:`trend_test`: Mann-Kendall test of a monotonic trend with Sen's slope and its confidence interval,
  optionally with the Hamed-Rao correction for autocorrelation;
* :func:`seasonal_trend_test`: seasonal Mann-Kendall test (e.g. one season per weekday of daily data);
* :func:`trend_tests`: the Mann-Kendall test of every series of a tidy frame at once (vectorised);
* :func:`change_points`: level shifts in an SLI, from daily (or hourly) good/total counts, by PELT;
* :func:`stl_decompose`: STL decomposition (trend, weekly season, residual) of a daily series.

The tests are non-parametric and see the values only through their order, so they suit SLIs, whose daily
values are skewed, bounded and full of incident outliers. Nothing here rounds; display code rounds a copy.
statsmodels and ruptures are imported only inside the functions that use them.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ._checks import check_by
from ._compat import usable_cpus
from .errors import DataError, InsufficientDataError, ParameterError, shorten

__all__ = [
    "ChangePointResult",
    "TrendResult",
    "change_points",
    "seasonal_trend_test",
    "stl_decompose",
    "trend_test",
    "trend_tests",
]

TrendMethod = Literal["original", "hamed_rao"]
TREND_METHODS: tuple[str, ...] = ("original", "hamed_rao")
ChangePointMethod = Literal["pelt", "binseg"]
CHANGE_POINT_METHODS: tuple[str, ...] = ("pelt", "binseg")

_US_PER_DAY = 86_400_000_000
#: slopes held in memory at once by the pairwise kernel (float64: 32 MiB)
_CHUNK_ELEMENTS = 1 << 22
#: worker threads of the pairwise kernel
_THREADS = max(1, min(4, usable_cpus()))
#: median of the chi-square distribution with one degree of freedom
_CHI2_1_MEDIAN = 0.454936423119572


# ------------------------------------------------------------------------------------------- validation


def _check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < float(alpha) < 1:
        msg = f"alpha {alpha!r} is outside (0, 1): write a 5 % significance level as 0.05"
        raise ParameterError(msg)
    return float(alpha)


def _check_choice(value: object, allowed: tuple[str, ...], name: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        msg = f"{name} {value!r} is not one of {', '.join(map(repr, allowed))}"
        raise ParameterError(msg)
    return value


def _check_int(value: object, name: str, minimum: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < minimum:
        msg = f"{name} {value!r} must be a whole number >= {minimum}{hint}"
        raise ParameterError(msg)
    return int(value)


def _first_non_number(data: object) -> str:
    """Say where ``data`` holds something that is not a number: ``"position 2 is 'n/a'"``."""
    if isinstance(data, Iterable) and not isinstance(data, str | bytes):
        for i, v in enumerate(data):
            try:
                float(v)
            except (TypeError, ValueError):
                return f"position {i} is {shorten(v)}"
    return f"got {shorten(data)}"


def _values(data: object, what: str, name: str = "values") -> np.ndarray:
    """Float values of a Series or array-like: 1-D, finite or NaN."""
    try:
        if isinstance(data, pd.Series):
            arr = data.to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(data, dtype=float)
    except (ValueError, TypeError) as exc:
        msg = f"{what}: {name} must be numbers; {_first_non_number(data)}"
        raise DataError(msg) from exc
    if arr.ndim != 1:
        msg = (f"{what}: {name} must be one series (1-D), not of shape {arr.shape}; "
               "for a fleet use trend_tests")
        raise DataError(msg)
    bad = np.isinf(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"{what}: {name} at position {i} is {arr[i]}; values must be finite (NaN marks no data)"
        raise DataError(msg)
    return arr


def _series_axis(series: object, what: str) -> tuple[np.ndarray, np.ndarray, str, pd.Index | None]:
    """Values, time axis (days from the first timestamp, or positions) and its unit."""
    if isinstance(series, pd.DataFrame):
        msg = (f"{what}: got a DataFrame with columns {', '.join(map(str, series.columns))}; pass one column "
               "as a Series indexed by time, e.g. daily.set_index('timestamp')['sli']")
        raise DataError(msg)
    if isinstance(series, pd.Series) and isinstance(series.index, pd.DatetimeIndex):
        if series.index.hasnans:
            msg = f"{what}: the index holds NaT; every value needs a timestamp"
            raise DataError(msg)
        if series.index.has_duplicates:
            dup = series.index[series.index.duplicated()][0]
            msg = f"{what}: timestamp {dup} appears more than once; one value per time is needed"
            raise DataError(msg)
        series = series.sort_index()
        values = _values(series, what)
        us = series.index.as_unit("us").asi8
        return values, (us - us[0]) / _US_PER_DAY, "day", series.index
    values = _values(series, what)
    return values, np.arange(len(values), dtype=float), "step", None


# ------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TrendResult:
    r"""Result of a Mann-Kendall trend test with Sen's slope.

    Attributes
    ----------
    trend : str
        ``"increasing"``, ``"decreasing"`` or ``"no trend"`` (at level ``alpha``).
    h : bool
        Whether the trend is significant: :math:`|z| > z_{1-\alpha/2}`.
    p_value : float
        Two-sided p-value, :math:`2(1 - \Phi(|z|))`.
    z : float
        Normal score of :math:`S` with continuity correction.
    tau : float
        Kendall's tau-a, :math:`S / (n(n-1)/2)` (seasonal: over the pairs within seasons).
    s : int
        Mann-Kendall statistic: concordant minus discordant pairs in time.
    var_s : float
        Variance of :math:`S` used for ``z`` (tie-corrected; Hamed-Rao or seasonal sums where they apply).
    slope : float
        Sen's slope, the median of the pairwise slopes, per ``slope_unit``.
    intercept : float
        Value of the Sen line at the first time point (the first timestamp of the series, or position 0):
        :math:`\operatorname{median}(x) - \operatorname{median}(t) \cdot slope` (Conover 1980).
    slope_low, slope_high : float
        Confidence interval of the slope at level ``1 - alpha``.
    n : int
        Number of non-NaN values used.
    method : str
        ``"original"``, ``"hamed_rao"`` or ``"seasonal"``.
    alpha : float
        Significance level.
    slope_unit : str
        ``"day"`` when the series has a DatetimeIndex (or a datetime ``time`` column), else ``"step"``.
    """

    trend: str
    h: bool
    p_value: float
    z: float
    tau: float
    s: int
    var_s: float
    slope: float
    intercept: float
    slope_low: float
    slope_high: float
    n: int
    method: str
    alpha: float
    slope_unit: str

    def __repr__(self) -> str:
        return (
            f"TrendResult(trend={self.trend!r}, p_value={self.p_value:.3g}, z={self.z:.3f}, "
            f"tau={self.tau:.3f}, s={self.s}, slope={self.slope:.4g} per {self.slope_unit} "
            f"[{self.slope_low:.4g}, {self.slope_high:.4g}] ({1 - self.alpha:.0%} CI), n={self.n}, "
            f"method={self.method!r})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the attributes."""
        return pd.DataFrame([asdict(self)])


# ------------------------------------------------------------------------------------------- kernel


def _runs(sorted_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tie runs of rows sorted ascending with NaN last: (valid, run start, run end) per element."""
    valid = ~np.isnan(sorted_rows)
    r, m = sorted_rows.shape
    new = np.ones((r, m), dtype=bool)
    new[:, 1:] = sorted_rows[:, 1:] != sorted_rows[:, :-1]
    pos = np.broadcast_to(np.arange(m), (r, m))
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    last = np.ones((r, m), dtype=bool)
    last[:, :-1] = new[:, 1:]
    end = np.minimum.accumulate(np.where(last, pos, m)[:, ::-1], axis=1)[:, ::-1]
    return valid, start, end


def _ties(sorted_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Tie statistics of each row over its groups of tied non-NaN values.

    Returns :math:`\sum_g t_g (t_g - 1)(2 t_g + 5)` and the number of tied pairs
    :math:`\sum_g t_g (t_g - 1) / 2`.
    """
    valid, start, end = _runs(sorted_rows)
    size = (end - start + 1).astype(float)
    first = valid & (start == np.arange(sorted_rows.shape[1]))
    term = np.where(first, size * (size - 1) * (2 * size + 5), 0.0).sum(axis=1)
    pairs = np.where(first, size * (size - 1) / 2, 0.0).sum(axis=1)
    return term, pairs.astype(np.int64)


def _avg_ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (1-based, as scipy.stats.rankdata) of the non-NaN values of each row; NaN stays NaN."""
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    valid, start, end = _runs(xs)
    ranks = np.empty_like(x)
    np.put_along_axis(ranks, order, np.where(valid, (start + end) / 2 + 1, np.nan), axis=1)
    return ranks


def _kth_valid(valid: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Column of the k-th (0-based) True of each row."""
    return (np.cumsum(valid, axis=1) <= k[:, None]).sum(axis=1)


def _select(d: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Order statistics ``ks`` (rows x k, 0-based) of each row of ``d`` (NaN must be +inf). Exact.

    Long rows use sample-select (Floyd & Rivest 1975): the wanted ranks are bracketed by quantiles of a
    strided sample (4.5 standard errors either side), only the values inside the bracket (about 15 % of
    them for a year of daily data) are partitioned, and a row whose bracket misses a rank (checked by
    counting) is partitioned whole.
    """
    r, p = d.shape
    out = np.empty(ks.shape)
    if p <= 20_000:
        uniq, inv = np.unique(ks, axis=0, return_inverse=True)
        for g, kk in enumerate(uniq):  # rows that need the same ranks (no ties, same n) go together
            rows = np.flatnonzero(inv.ravel() == g)
            part = np.partition(d[rows], np.unique(kk), axis=1)
            out[rows] = part[:, kk]
        return out
    sample = np.sort(d[:, :: p // 4096], axis=1)
    m = sample.shape[1]
    q_lo, q_hi = ks.min(axis=1) / p, ks.max(axis=1) / p
    margin = 4.5 * np.sqrt(np.maximum(q_lo * (1 - q_lo), q_hi * (1 - q_hi)) / m) + 2 / m
    i_lo = np.floor((q_lo - margin) * m).astype(np.int64)
    i_hi = np.ceil((q_hi + margin) * m).astype(np.int64)
    rows = np.arange(r)
    lo = np.where(i_lo < 0, -np.inf, sample[rows, np.clip(i_lo, 0, m - 1)])
    hi = np.where(i_hi >= m, np.inf, sample[rows, np.clip(i_hi, 0, m - 1)])
    for i in range(r):  # per series on its own slopes: a row stays in cache
        row = d[i]
        below = np.count_nonzero(row < lo[i])
        band = row[(row >= lo[i]) & (row <= hi[i])]
        kk = ks[i] - below
        if kk.min() < 0 or kk.max() >= len(band):
            band, kk = row.copy(), ks[i]
        band.partition(np.unique(kk))
        out[i] = band[kk]
    return out


def _ci_ranks(m: np.ndarray, var: np.ndarray, alpha: float) -> np.ndarray:
    """0-based ranks of the Sen slope confidence limits among ``m`` slopes, as scipy.stats.theilslopes."""
    from scipy.special import ndtri

    c = -ndtri(alpha / 2) * np.sqrt(var)
    upper = np.minimum(np.round((m + c) / 2), m - 1)
    lower = np.maximum(np.round((m - c) / 2) - 1, 0)
    return np.stack([lower, upper], axis=1).astype(np.int64)


def _hamed_rao_factor(x: np.ndarray, t: np.ndarray, slope: np.ndarray, alpha: float) -> np.ndarray:
    r"""Hamed & Rao (1998) variance inflation :math:`n / n^*` of each row."""
    from scipy.special import ndtri

    valid = ~np.isnan(x)
    n = valid.sum(axis=1)
    first = np.argmax(valid, axis=1)
    # ranks of the values detrended by Sen's slope (times counted from 1 as in pymannkendall), in time
    # order with the NaNs squeezed out
    detrended = x - (t[None, :] - t[first][:, None] + 1.0) * slope[:, None]
    ranks = _avg_ranks(detrended)
    ranks = np.take_along_axis(ranks, np.argsort(~valid, axis=1, kind="stable"), axis=1)
    m = ranks.shape[1]
    col = np.arange(m)
    y = np.where(col[None, :] < n[:, None], ranks - np.nanmean(ranks, axis=1, keepdims=True), 0.0)
    nfft = 1 << int(2 * m - 1).bit_length()
    spec = np.fft.rfft(y, nfft, axis=1)
    acov = np.fft.irfft(spec * spec.conj(), nfft, axis=1)[:, :m]  # sum_t y_t y_{t+k}
    with np.errstate(invalid="ignore", divide="ignore"):
        acf = acov[:, 1:] / acov[:, :1]
    bound = (ndtri(1 - alpha / 2) / np.sqrt(n))[:, None]
    lag = col[None, 1:]
    nn = n[:, None].astype(float)
    significant = (lag < nn) & ((acf > bound) | (acf < -bound))
    weight = (nn - lag) * (nn - lag - 1) * (nn - lag - 2)
    sni = np.where(significant, weight * acf, 0.0).sum(axis=1)
    factor = 1 + 2 / (nn[:, 0] * (nn[:, 0] - 1) * (nn[:, 0] - 2)) * sni
    # all ranks tied: no autocorrelation to correct; a factor <= 0 (strong negative autocorrelation, where
    # the approximation breaks down) falls back to the uncorrected, conservative variance
    return np.where((acov[:, 0] > 0) & (factor > 0), factor, 1.0)


def _pairwise(x: np.ndarray, t: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Pairwise slopes of each row into ``out`` (lag by lag; NaN pairs as +inf); returns rising pairs."""
    r, m = x.shape
    off = 0
    for k in range(1, m):  # one contiguous block per lag: no index arrays, no gathers
        block = out[:, off:off + m - k]
        np.subtract(x[:, k:], x[:, :-k], out=block)
        np.divide(block, t[k:] - t[:-k], out=block)
        off += m - k
    rising = np.add.reduce((out > 0).view(np.uint8), axis=1, dtype=np.int64)
    if np.isnan(x).any():
        np.copyto(out, np.inf, where=np.isnan(out))
    return rising


def _mann_kendall(x: np.ndarray, t: np.ndarray, origin: np.ndarray, *, hamed_rao: bool,
                  alpha: float) -> dict[str, np.ndarray]:
    """Mann-Kendall test and Sen slope of each row of ``x`` (NaN = no data) on the common time axis ``t``.

    Every row needs at least 3 non-NaN values. Intercepts are at time ``origin`` (one per row). Rows are
    processed in chunks of about ``_CHUNK_ELEMENTS`` slopes, on up to ``_THREADS`` threads (numpy releases
    the GIL in the heavy loops).
    """
    from scipy.special import ndtr, ndtri

    valid = ~np.isnan(x)
    n = valid.sum(axis=1)
    xs = np.sort(x, axis=1)
    rows = np.arange(len(x))
    med_x = (xs[rows, (n - 1) // 2] + xs[rows, n // 2]) / 2
    tie_term, tied = _ties(xs)
    nf = n.astype(float)
    var0 = (nf * (nf - 1) * (2 * nf + 5) - tie_term) / 18
    m = n * (n - 1) // 2
    mid = np.stack([(m - 1) // 2, m // 2], axis=1)

    n_pairs = len(t) * (len(t) - 1) // 2
    s = np.empty(len(x), dtype=np.int64)
    slope, low, high, var = (np.empty(len(x)) for _ in range(4))
    chunk = max(1, _CHUNK_ELEMENTS // max(n_pairs, 1))
    local = threading.local()

    def run(a: int) -> None:
        b = min(a + chunk, len(x))
        if getattr(local, "buf", None) is None:
            local.buf = np.empty((min(chunk, len(x)), n_pairs))
        d = local.buf[: b - a]
        rising = _pairwise(x[a:b], t, d)
        s[a:b] = 2 * rising - m[a:b] + tied[a:b]  # rising - falling; falling = pairs - rising - ties
        if hamed_rao:
            slope[a:b] = _select(d, mid[a:b]).mean(axis=1)
            var[a:b] = var0[a:b] * _hamed_rao_factor(x[a:b], t, slope[a:b], alpha)
            lims = _select(d, _ci_ranks(m[a:b], var[a:b], alpha))
        else:
            var[a:b] = var0[a:b]
            both = _select(d, np.concatenate([mid[a:b], _ci_ranks(m[a:b], var0[a:b], alpha)], axis=1))
            slope[a:b] = both[:, :2].mean(axis=1)
            lims = both[:, 2:]
        low[a:b], high[a:b] = lims[:, 0], lims[:, 1]

    starts = range(0, len(x), chunk)
    if len(starts) > 1 and _THREADS > 1:
        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            list(pool.map(run, starts))
    else:
        for a in starts:
            run(a)

    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0.0))
    mid_t = (t[_kth_valid(valid, (n - 1) // 2)] + t[_kth_valid(valid, n // 2)]) / 2
    h = np.abs(z) > ndtri(1 - alpha / 2)
    return {
        "h": h,
        "p_value": 2 * ndtr(-np.abs(z)),
        "z": z,
        "tau": s / (0.5 * nf * (nf - 1)),
        "s": s,
        "var_s": var,
        "slope": slope,
        "intercept": med_x - (mid_t - origin) * slope,
        "slope_low": low,
        "slope_high": high,
        "n": n,
    }


def _trend_label(h: np.ndarray, z: np.ndarray) -> np.ndarray:
    return np.where(h & (z > 0), "increasing", np.where(h & (z < 0), "decreasing", "no trend"))


def _need_points(n: int, what: str, need: int, detail: str, length: int) -> None:
    if length == 0:
        msg = f"{what}: no values; {detail} needs at least {need} non-NaN values"
        raise InsufficientDataError(msg)
    if n == 0:
        msg = f"{what}: every value is NaN; {detail} needs at least {need} non-NaN values"
        raise InsufficientDataError(msg)
    if n < need:
        msg = f"{what}: {n} non-NaN value(s); {detail} needs at least {need}"
        raise InsufficientDataError(msg)


# ------------------------------------------------------------------------------------------- single series


def trend_test(
    series: pd.Series | Sequence[float] | np.ndarray,
    *,
    method: TrendMethod = "original",
    alpha: float = 0.05,
) -> TrendResult:
    r"""Mann-Kendall test of a monotonic trend, with Sen's slope and its confidence interval.

    Parameters
    ----------
    series : Series or array-like
        Values in time order, e.g. a daily SLI or error rate. With a DatetimeIndex the index is the time axis
        (sorted first; gaps allowed) and the slope is per day; otherwise values are equally spaced steps.
        NaN marks no data: those values are left out, but the time axis is kept for the slope.
    method : {"original", "hamed_rao"}
        ``"original"``: Mann-Kendall with the tie correction. ``"hamed_rao"``: variance corrected for
        serial correlation (Hamed & Rao 1998); daily SLIs are usually autocorrelated, which makes the
        original test find trends too often.
    alpha : float
        Significance level in (0, 1); the slope interval has confidence ``1 - alpha``.

    Returns
    -------
    TrendResult
        ``trend``, ``h``, ``p_value``, ``z``, ``tau``, ``s``, ``var_s``, ``slope``, ``intercept``,
        ``slope_low``, ``slope_high``, ``n``, ``method``, ``alpha``, ``slope_unit`` (see
        :class:`TrendResult`).

    Raises
    ------
    DataError
        Non-numeric or infinite values, a DataFrame or 2-D input, duplicate or missing (NaT) timestamps.
    InsufficientDataError
        Fewer than 3 non-NaN values (or none at all).
    ParameterError
        Unknown ``method``, ``alpha`` outside (0, 1).

    See Also
    --------
    trend_tests : the same test for every series of a tidy frame.
    seasonal_trend_test : for series with a strong weekly (or other) cycle.

    Notes
    -----
    Mann (1945), Kendall (1975), as in Gilbert (1987), ch. 16. For values :math:`x_1..x_n` in time order,

    .. math::

        S = \sum_{i<j} \operatorname{sgn}(x_j - x_i), \qquad
        \operatorname{Var}(S) = \frac{n(n-1)(2n+5) - \sum_g t_g(t_g-1)(2t_g+5)}{18}

    (:math:`t_g` the size of each group of tied values), :math:`z = (S - \operatorname{sgn} S) /
    \sqrt{\operatorname{Var}(S)}` and :math:`p = 2(1 - \Phi(|z|))`. A constant series has :math:`S = 0`,
    :math:`z = 0`, :math:`p = 1` and slope 0.

    Hamed & Rao (1998): :math:`\operatorname{Var}^*(S) = \operatorname{Var}(S) \cdot n/n^*` with
    :math:`n/n^* = 1 + \frac{2}{n(n-1)(n-2)} \sum_{k} (n-k)(n-k-1)(n-k-2)\,\rho_k`, where :math:`\rho_k` are
    the autocorrelations of the ranks of the data detrended by Sen's slope, summed over the lags significant
    at ``alpha`` (:math:`|\rho_k| > z_{1-\alpha/2}/\sqrt n`), as pymannkendall's
    ``hamed_rao_modification_test``. With NaN gaps the values are detrended on their real time axis
    (pymannkendall uses consecutive positions). A factor :math:`\le 0` (strong negative autocorrelation)
    is outside the approximation's range and the uncorrected variance is used.

    Sen (1968) slope: :math:`\operatorname{median}_{i<j} (x_j - x_i)/(t_j - t_i)`; its confidence interval
    (Gilbert 1987, sec. 16.5; ``scipy.stats.theilslopes``) is the pair of order statistics of rank
    :math:`\operatorname{round}((N \mp C)/2)` among the :math:`N` slopes, with
    :math:`C = z_{1-\alpha/2}\sqrt{\operatorname{Var}(S)}` (the corrected variance with ``hamed_rao``).

    The pairwise slopes take :math:`O(n^2)` memory: about 0.5 GB for a year of hourly values.

    Examples
    --------
    The latency SLO of ``search`` degrades slowly over the year: its daily error rate (share of slow
    requests) has an increasing trend of about 0.002 percentage points a day, 0.7 points over the year.

    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[(sli["service"] == "search") & (sli["slo"] == "latency")])
    >>> error_rate = 1 - daily.set_index("timestamp")["sli"]
    >>> result = trend_test(error_rate, method="hamed_rao")
    >>> result.trend, result.h, result.n
    ('increasing', True, 365)
    >>> print(f"{result.slope:.1e} per {result.slope_unit}")
    1.9e-05 per day
    """
    method = _check_choice(method, TREND_METHODS, "method")
    alpha = _check_alpha(alpha)
    what = "trend_test"
    values, t, unit, _ = _series_axis(series, what)
    n = int(np.count_nonzero(~np.isnan(values)))
    _need_points(n, what, 3, "the Mann-Kendall test", len(values))
    out = _mann_kendall(values[None, :], t, t[:1], hamed_rao=method == "hamed_rao", alpha=alpha)
    return _result(out, 0, method, alpha, unit)


def _result(out: dict[str, np.ndarray], i: int, method: str, alpha: float, unit: str) -> TrendResult:
    h = bool(out["h"][i])
    z = float(out["z"][i])
    return TrendResult(
        trend=str(_trend_label(np.array(h), np.array(z))), h=h, p_value=float(out["p_value"][i]), z=z,
        tau=float(out["tau"][i]), s=int(out["s"][i]), var_s=float(out["var_s"][i]),
        slope=float(out["slope"][i]), intercept=float(out["intercept"][i]),
        slope_low=float(out["slope_low"][i]), slope_high=float(out["slope_high"][i]), n=int(out["n"][i]),
        method=method, alpha=alpha, slope_unit=unit,
    )


def seasonal_trend_test(
    series: pd.Series | Sequence[float] | np.ndarray,
    *,
    period: int = 7,
    alpha: float = 0.05,
) -> TrendResult:
    r"""Seasonal Mann-Kendall test (Hirsch et al. 1982) with the seasonal Sen slope.

    Each season (position in the cycle: a weekday of daily data with ``period=7``, an hour of the day of
    hourly data with ``period=24``) is tested on its own and the statistics are summed, so a weekly pattern
    neither hides nor fakes a trend.

    Parameters
    ----------
    series : Series or array-like
        Values on a regular grid. With a DatetimeIndex, the grid step is the smallest spacing of the index
        (missing timestamps are gaps) and the slope is per day; otherwise the values are consecutive steps.
        NaN marks no data.
    period : int
        Number of grid steps in a cycle, >= 2.
    alpha : float
        Significance level in (0, 1).

    Returns
    -------
    TrendResult
        With ``method="seasonal"``; ``s``, ``var_s`` and ``tau`` pool the seasons, ``slope`` is the median of
        the slopes between values of the same season (per day, or per step), ``n`` counts non-NaN values.

    Raises
    ------
    DataError
        Non-numeric or infinite values, duplicate timestamps, timestamps off a regular grid.
    InsufficientDataError
        All NaN, or fewer than two full periods of values (``2 * period`` non-NaN values).
    ParameterError
        ``period`` < 2 or not a whole number, ``alpha`` outside (0, 1).

    Notes
    -----
    Hirsch, Slack & Smith (1982); Gilbert (1987), sec. 17.2 and 17.6. With :math:`S_g` and
    :math:`\operatorname{Var}(S_g)` the Mann-Kendall statistic and its tie-corrected variance within season
    :math:`g`: :math:`S' = \sum_g S_g`, :math:`\operatorname{Var}(S') = \sum_g \operatorname{Var}(S_g)`,
    :math:`z = (S' - \operatorname{sgn} S')/\sqrt{\operatorname{Var}(S')}`, :math:`\tau = S' / \sum_g
    n_g(n_g - 1)/2`. The seasonal Kendall slope is the median of :math:`(x_j - x_i)/(t_j - t_i)` over pairs
    in the same season, and its interval uses the ranks of :func:`trend_test` with :math:`N` the number of
    such slopes and :math:`\operatorname{Var}(S')`. Same conventions as pymannkendall's ``seasonal_test``,
    whose slope is per cycle (ours times ``period``).

    Examples
    --------
    ``notifications`` delivery errors grow over the year; testing within weekdays agrees:

    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[(sli["service"] == "notifications") & (sli["slo"] == "delivery")])
    >>> result = seasonal_trend_test(1 - daily.set_index("timestamp")["sli"], period=7)
    >>> result.trend, result.method, result.slope > 0
    ('increasing', 'seasonal', True)
    """
    from scipy.special import ndtr, ndtri

    period = _check_int(period, "period", 2, " (steps per cycle, e.g. 7 for a weekly cycle of daily data)")
    alpha = _check_alpha(alpha)
    what = "seasonal_trend_test"
    values, t, unit, _ = _series_axis(series, what)
    n = int(np.count_nonzero(~np.isnan(values)))
    _need_points(n, what, 2 * period, f"the seasonal test with period {period}", len(values))
    if unit == "day":
        step_days = float(np.diff(t).min()) if len(t) > 1 else 1.0
        steps = t / step_days
        off = np.abs(steps - np.round(steps)) > 1e-6
        if off.any():
            i = int(np.flatnonzero(off)[0])
            msg = (f"{what}: timestamp at position {i} is off the regular grid of step "
                   f"{pd.Timedelta(days=step_days)}; resample to a regular frequency first")
            raise DataError(msg)
        steps = np.round(steps).astype(np.int64)
    else:
        step_days, steps = 1.0, np.arange(len(values))

    # with 2 * period values on distinct steps, some season holds a pair (pigeonhole)
    s_tot, var_tot, pairs_tot = 0, 0.0, 0
    slopes = []
    for g in range(period):  # a loop over the (few) seasons, each vectorised
        sel = (steps % period == g) & ~np.isnan(values)
        xg, cg = values[sel], steps[sel] // period
        k = len(xg)
        if k < 2:
            continue
        i, j = np.triu_indices(k, 1)
        d = xg[j] - xg[i]
        s_tot += int(np.count_nonzero(d > 0)) - int(np.count_nonzero(d < 0))
        tie = _ties(np.sort(xg)[None, :])[0][0]
        var_tot += (k * (k - 1) * (2 * k + 5) - tie) / 18
        pairs_tot += k * (k - 1) // 2
        slopes.append(d / ((cg[j] - cg[i]) * period * (step_days if unit == "day" else 1.0)))
    all_slopes = np.concatenate(slopes)
    m = len(all_slopes)
    ranks = np.concatenate([[(m - 1) // 2, m // 2],
                            _ci_ranks(np.array([m]), np.array([var_tot]), alpha)[0]])
    all_slopes.partition(np.unique(ranks))
    slope = float((all_slopes[ranks[0]] + all_slopes[ranks[1]]) / 2)
    z = 0.0 if s_tot == 0 else (s_tot - math.copysign(1, s_tot)) / math.sqrt(var_tot)
    h = abs(z) > float(ndtri(1 - alpha / 2))
    ok = ~np.isnan(values)
    intercept = float(np.median(values[ok]) - np.median(t[ok]) * slope)
    return TrendResult(
        trend=str(_trend_label(np.array(h), np.array(z))), h=bool(h), p_value=float(2 * ndtr(-abs(z))),
        z=float(z), tau=s_tot / pairs_tot, s=s_tot, var_s=float(var_tot), slope=slope, intercept=intercept,
        slope_low=float(all_slopes[ranks[2]]), slope_high=float(all_slopes[ranks[3]]), n=n,
        method="seasonal", alpha=alpha, slope_unit=unit,
    )


# ------------------------------------------------------------------------------------------- fleet


def trend_tests(
    frame: pd.DataFrame,
    *,
    value: str = "sli",
    time: str = "timestamp",
    by: tuple[str, ...] = ("service", "slo"),
    method: TrendMethod = "original",
    alpha: float = 0.05,
) -> pd.DataFrame:
    r"""Mann-Kendall trend test and Sen slope of every series of a tidy frame, vectorised.

    Parameters
    ----------
    frame : DataFrame
        One row per series and time, e.g. daily SLIs from :func:`~slm_analytics.sli.ratio_sli`.
    value : str
        Column to test; NaN marks no data.
    time : str
        Time column: datetimes (slopes per day) or numbers (slopes per unit of the column).
    by : str or tuple of str
        Columns identifying a series (one string is one column; ``()`` takes all rows as one series).
    method : {"original", "hamed_rao"}
        As in :func:`trend_test`.
    alpha : float
        Significance level in (0, 1).

    Returns
    -------
    DataFrame
        One row per series (sorted by ``by``): ``*by``, then the :class:`TrendResult` fields ``trend``
        (str), ``h`` (bool), ``p_value``, ``z``, ``tau`` (float), ``s`` (int64), ``var_s``, ``slope``,
        ``intercept`` (at the series' first time), ``slope_low``, ``slope_high`` (float), ``n`` (int64),
        ``method``, ``alpha``, ``slope_unit``. Each row equals :func:`trend_test` of that series indexed by
        ``time``.

    Raises
    ------
    DataError
        A missing column, non-numeric or infinite values, a time repeated within a series, a time column
        with missing values.
    InsufficientDataError
        No rows, or a series with fewer than 3 non-NaN values (the message names it; filter it out first).
    ParameterError
        Unknown ``method``, ``alpha`` outside (0, 1).

    Notes
    -----
    The statistics are those of :func:`trend_test`. All series are laid on the union of their times and
    processed together, a few dozen at a time: the sign sums and pairwise slopes of all pairs of a chunk are
    numpy arrays built lag by lag, and the median and interval limits are exact order statistics found by
    sample-select. Chunks run on up to 4 threads (numpy releases the GIL in its loops). About 0.6 s for
    1,000 series of 365 days on 2 cores, 10-20 times faster than pymannkendall looped over the series, with
    the same results (``benchmarks/bench_trend.py``).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[sli["slo"] == "latency"])
    >>> daily["error_rate"] = 1 - daily["sli"]
    >>> trends = trend_tests(daily, value="error_rate", method="hamed_rao")
    >>> trends.loc[trends["trend"] == "increasing", ["service", "slo", "slope"]]
          service      slo     slope
    2      search  latency  0.000019
    6  mobile-api  latency  0.000010
    """
    what = "trend_tests"
    by = check_by(by, frame, what)
    method = _check_choice(method, TREND_METHODS, "method")
    alpha = _check_alpha(alpha)
    missing = [c for c in (*by, time, value) if c not in frame.columns]
    if missing:
        msg = (f"{what}: missing column(s) {', '.join(map(repr, missing))}; "
               f"found {', '.join(map(str, frame.columns))}")
        raise DataError(msg)
    if len(frame) == 0:
        msg = f"{what}: no rows; each series needs at least 3 non-NaN values of {value!r}"
        raise InsufficientDataError(msg)
    values = _values(frame[value], what, f"column {value!r}")
    tcol = frame[time]
    if tcol.isna().any():
        msg = f"{what}: column {time!r} has missing times; every row needs a time"
        raise DataError(msg)
    if isinstance(tcol.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(tcol.dtype):
        if isinstance(tcol.dtype, pd.DatetimeTZDtype):
            tcol = tcol.dt.tz_convert("UTC").dt.tz_localize(None)
        raw = tcol.dt.as_unit("us").to_numpy().view(np.int64)
        scale, unit = _US_PER_DAY, "day"
    elif pd.api.types.is_numeric_dtype(tcol.dtype) and not pd.api.types.is_bool_dtype(tcol.dtype):
        raw, scale, unit = tcol.to_numpy(dtype=float), 1, "step"
    else:
        msg = f"{what}: column {time!r} holds {tcol.dtype} values; datetimes or numbers are needed"
        raise DataError(msg)
    if by:
        grouped = frame.groupby(list(by), observed=True, sort=True)
        codes = grouped.ngroup().to_numpy()
        keys = grouped.size().reset_index()[list(by)]
    else:
        codes = np.zeros(len(frame), dtype=np.int64)
        keys = pd.DataFrame(index=range(1 if len(frame) else 0))
    col, uniq = pd.factorize(raw, sort=True)
    n_series, n_times = len(keys), len(uniq)
    flat = codes * n_times + col
    if len(flat) and np.bincount(flat, minlength=n_series * n_times).max() > 1:
        i = int(np.flatnonzero(pd.Series(flat).duplicated().to_numpy())[0])
        where = ", ".join(f"{c}={frame[c].iloc[i]!r}" for c in by)
        msg = f"{what}: {time} {tcol.iloc[i]} appears more than once for series {where}; one value per time"
        raise DataError(msg)
    x = np.full((n_series, n_times), np.nan)
    x.ravel()[flat] = values
    present = np.zeros((n_series, n_times), dtype=bool)
    present.ravel()[flat] = True
    n = np.count_nonzero(~np.isnan(x), axis=1)
    short = np.flatnonzero(n < 3)
    if len(short):
        i = int(short[0])
        name = ", ".join(f"{c}={keys[c].iloc[i]!r}" for c in by) or "the series"
        msg = (f"{what}: series {name} has {n[i]} non-NaN value(s) of {value!r}; the Mann-Kendall test needs "
               "at least 3 (filter it out first)")
        raise InsufficientDataError(msg)
    t = (uniq - uniq[0]) / scale if n_times else np.empty(0)
    # intercepts at each series' first time, as trend_test of the series indexed by time
    origin = t[np.argmax(present, axis=1)]
    out = _mann_kendall(x, t, origin, hamed_rao=method == "hamed_rao", alpha=alpha)
    result = keys.reset_index(drop=True).copy()
    result["trend"] = _trend_label(out["h"], out["z"])
    for name in ("h", "p_value", "z", "tau", "s", "var_s", "slope", "intercept", "slope_low", "slope_high",
                 "n"):
        result[name] = out[name]
    result["n"] = result["n"].astype(np.int64)
    result["method"] = method
    result["alpha"] = alpha
    result["slope_unit"] = unit
    return result


# ------------------------------------------------------------------------------------------- change points


@dataclass(frozen=True, eq=False)
class ChangePointResult:
    r"""Change points of one series and the segments between them.

    Attributes
    ----------
    points : DataFrame
        One row per change point: ``timestamp`` (first time of the new segment), ``before`` and ``after``
        (levels of the segments either side: error rate ``bad / total`` for counts, mean value for a
        series) and ``change`` (``after - before``).
    segments : DataFrame
        One row per segment: ``start``, ``last`` (first and last time with data), ``points`` (number of time
        points), ``level``; for counts also ``good``, ``total``, ``bad`` (int64 sums) and ``sli``
        (``good / total``).
    cost : str
        ``"binomial"`` (quasi-binomial likelihood of counts) or ``"normal"`` (Gaussian mean shift).
    penalty : float
        Penalty per change point, in deviance units.
    dispersion : float
        Estimated over-dispersion :math:`\phi` of the counts (1 = binomial), or the noise variance of the
        series for the normal cost.
    method : str
        ``"pelt"`` or ``"binseg"``.
    """

    points: pd.DataFrame
    segments: pd.DataFrame
    cost: str
    penalty: float
    dispersion: float
    method: str

    def __repr__(self) -> str:
        body = self.points.to_string(index=False) if len(self.points) else "no change points"
        return (f"ChangePointResult(cost={self.cost!r}, method={self.method!r}, penalty={self.penalty:.3g}, "
                f"dispersion={self.dispersion:.3g}, segments={len(self.segments)}\n{body}\n)")

    def to_frame(self) -> pd.DataFrame:
        """Return the change points (a copy of :attr:`points`)."""
        return self.points.copy()


def _blocks(a: np.ndarray, size: int) -> np.ndarray:
    """Sum consecutive blocks of ``size`` values (a last partial block is dropped unless it is alone)."""
    if size <= 1:
        return a
    k = max(len(a) // size, 1) * size
    return np.add.reduceat(a[:k], np.arange(0, k, size))


def _binomial_dispersion(bad: np.ndarray, total: np.ndarray, block: int) -> float:
    """Robust quasi-binomial dispersion from consecutive differences of the error rate of blocks; >= 1."""
    bad, total = _blocks(bad, block), _blocks(total, block)
    rate = bad / total
    pooled = (bad[1:] + bad[:-1]) / (total[1:] + total[:-1])
    var = pooled * (1 - pooled) * (1 / total[1:] + 1 / total[:-1])
    ok = var > 0
    if not ok.any():
        return 1.0
    q = (rate[1:] - rate[:-1])[ok] ** 2 / var[ok]
    return max(float(np.median(q)) / _CHI2_1_MEDIAN, 1.0)


def _normal_variance(x: np.ndarray, block: int) -> float:
    """Robust noise variance (per value) from consecutive differences of block means (MAD); 0 if constant."""
    means = _blocks(x, block) / block if block > 1 else x
    diff = np.diff(means)
    if len(diff) == 0:
        return 0.0
    sigma = 1.4826 * float(np.median(np.abs(diff - np.median(diff)))) / math.sqrt(2)
    if sigma == 0:
        sigma = float(np.std(diff)) / math.sqrt(2)
    return sigma**2 * block


def _running_median(x: np.ndarray, window: int) -> np.ndarray:
    return pd.Series(x).rolling(window, center=True, min_periods=1).median().to_numpy()


class _Cost:
    """Segment costs in deviance units, O(1) per segment from cumulative sums (vectorised over starts)."""

    def __init__(self, kind: str, a: np.ndarray, b: np.ndarray | None, scale: float) -> None:
        self.kind = kind
        self.scale = scale
        self.ca = np.concatenate([[0.0], np.cumsum(a)])
        self.cb = np.concatenate([[0.0], np.cumsum(b if b is not None else a * a)])

    def __call__(self, start: np.ndarray | int, end: int) -> np.ndarray:
        sa = self.ca[end] - self.ca[start]
        sb = self.cb[end] - self.cb[start]
        if self.kind == "normal":
            return (sb - sa * sa / (end - np.asarray(start))) / self.scale
        k, n = sa, sb  # bad and total events
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(n > 0, k / n, 0.0)
            ll = np.where(k > 0, k * np.log(np.where(p > 0, p, 1.0)), 0.0) \
                + np.where(n - k > 0, (n - k) * np.log(np.where(p < 1, 1 - p, 1.0)), 0.0)
        return -2 * ll / self.scale


def _pelt(cost: _Cost, n: int, penalty: float, min_size: int) -> list[int]:
    """Optimal partition by PELT (Killick et al. 2012); returns the starts of the segments after the first.

    The recursion runs over time (it is sequential); at each step the admissible previous change points are
    handled as one numpy array. A candidate found dominated at time t can only be dropped for ends
    ``>= t + min_size`` (a shorter last segment is not allowed), so pruning is applied ``min_size`` steps
    later, which keeps the search exact with a minimum segment length.
    """
    f = np.full(n + 1, np.inf)
    f[0] = -penalty
    last = np.zeros(n + 1, dtype=np.int64)
    alive = np.ones(n + 1, dtype=bool)
    pending: dict[int, np.ndarray] = {}
    admissible = np.zeros(0, dtype=np.int64)
    for t in range(min_size, n + 1):
        dropped = pending.pop(t, None)
        if dropped is not None:
            alive[dropped] = False
        admissible = np.append(admissible[alive[admissible]], t - min_size)
        c = f[admissible] + cost(admissible, t)
        j = int(np.argmin(c))
        f[t] = c[j] + penalty
        last[t] = admissible[j]
        pending[t + min_size] = admissible[c > f[t]]  # K = 0: likelihood costs are additive
    out, t = [], n
    while t > 0:
        t = int(last[t])
        if t > 0:
            out.append(t)
    return sorted(out)


def _ruptures_cost(cost: _Cost, min_size: int):
    """Wrap the cost as a ruptures ``BaseCost`` (for ruptures' search methods)."""
    import ruptures as rpt

    class QuasiLikelihoodCost(rpt.base.BaseCost):
        model = "quasi-likelihood"

        def __init__(self) -> None:
            self.min_size = min_size

        def fit(self, signal: np.ndarray) -> QuasiLikelihoodCost:
            self.signal = signal
            return self

        def error(self, start: int, end: int) -> float:
            return float(cost(start, end))

    return QuasiLikelihoodCost()


def _check_change_point_options(method: object, min_size: object, robust: object, penalty: object,
                                dispersion: object) -> tuple[str, int]:
    """Validate change_points' options; return the method and the minimum segment length."""
    method = _check_choice(method, CHANGE_POINT_METHODS, "method")
    min_size = _check_int(min_size, "min_size", 1, " (periods in the shortest segment)")
    if not isinstance(robust, bool | np.bool_):
        msg = f"robust {robust!r} must be True or False"
        raise ParameterError(msg)
    for name, v, default in (("penalty", penalty, "3 log(n)"), ("dispersion", dispersion, "an estimate")):
        if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v)
                              or v <= 0):
            msg = f"{name} {v!r} must be a positive number, or None for {default}"
            raise ParameterError(msg)
    return method, min_size


def _count_periods(frame: pd.DataFrame, good: str, total: str, time: str,
                   what: str) -> tuple[pd.Index, np.ndarray, list[np.ndarray]]:
    """Validate a frame of counts; return its times, which periods have events, and ``[good, total]``."""
    missing = [c for c in (time, good, total) if c not in frame.columns]
    if missing:
        msg = (f"{what}: missing column(s) {', '.join(map(repr, missing))}; found "
               f"{', '.join(map(str, frame.columns))}; pass a Series to segment values, not counts")
        raise DataError(msg)
    g = _values(frame[good], what, f"column {good!r}")
    n_all = _values(frame[total], what, f"column {total!r}")
    bad_rows = np.isnan(g) | np.isnan(n_all) | (g < 0) | (g > n_all)
    if bad_rows.any():
        i = int(np.flatnonzero(bad_rows)[0])
        msg = (f"{what}: row {i}: {good} ({g[i]}) and {total} ({n_all[i]}) must satisfy "
               "0 <= good <= total; good events are a subset of all events")
        raise DataError(msg)
    return pd.Index(frame[time]), n_all > 0, [g, n_all]


def _value_periods(series: object, what: str) -> tuple[pd.Index, np.ndarray, list[np.ndarray]]:
    """Validate a series of values; return its times, which periods have a value, and ``[values]``."""
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    x_all = _values(series, what)
    return series.index, ~np.isnan(x_all), [x_all]


def _periods_with_data(times: pd.Index, keep: np.ndarray, arrays: list[np.ndarray], min_size: int,
                       what: str) -> tuple[pd.Index, list[np.ndarray]]:
    """Keep the periods with data, in time order (at least ``2 * min_size``); return them and ``arrays``."""
    if times.has_duplicates:
        dup = times[times.duplicated()][0]
        msg = (f"{what}: time {dup} appears more than once; change points need one series "
               "(filter one service and SLO first)")
        raise DataError(msg)
    if not times.is_monotonic_increasing:
        order = times.argsort()
        times, keep, arrays = times[order], keep[order], [a[order] for a in arrays]
    times = times[keep]
    n = len(times)
    if n < 2 * min_size:
        msg = (f"{what}: {n} period(s) with data; finding a change needs at least 2 x min_size = "
               f"{2 * min_size}")
        raise InsufficientDataError(msg)
    return times, [a[keep] for a in arrays]


def _day_block(times: pd.Index) -> int:
    """Periods in a day for data finer than daily (the dispersion's block length), else 1."""
    if isinstance(times, pd.DatetimeIndex) and len(times) > 1:
        step = pd.Timedelta(np.median(np.diff(times.as_unit("us").asi8)), unit="us")
        if step < pd.Timedelta(days=1):
            return max(1, round(pd.Timedelta(days=1) / step))
    return 1


def _binomial_cost(good: np.ndarray, total: np.ndarray, *, block: int, window: int, robust: bool,
                   dispersion: float | None) -> tuple[_Cost, float]:
    """Quasi-binomial cost of the bad events (spikes capped when ``robust``) and its dispersion."""
    bad = total - good
    phi = _binomial_dispersion(bad, total, block) if dispersion is None else float(dispersion)
    work = bad
    if robust and window > 1:
        rate = bad / total
        med = _running_median(rate, window)
        p = (med * total + 0.5) / (total + 1)
        se = np.sqrt(phi * p * (1 - p) / total)
        work = np.clip(rate, med - 3 * se, med + 3 * se) * total
    return _Cost("binomial", work, total, phi), phi


def _normal_cost(x: np.ndarray, *, block: int, window: int, robust: bool,
                 dispersion: float | None) -> tuple[_Cost, float]:
    """Gaussian mean-shift cost of the values (spikes capped when ``robust``) and their noise variance."""
    var = _normal_variance(x, block) if dispersion is None else float(dispersion)
    work = x
    if robust and window > 1 and var > 0:
        med = _running_median(x, window)
        sd = math.sqrt(var)
        work = np.clip(x, med - 3 * sd, med + 3 * sd)
    return _Cost("normal", work, None, var if var > 0 else 1.0), var


def _search(cost: _Cost, n: int, penalty: float, min_size: int, method: str) -> list[int]:
    """Find the starts of the segments after the first (PELT, or ruptures' binary segmentation)."""
    if method == "pelt":
        return _pelt(cost, n, penalty, min_size)
    import ruptures as rpt

    algo = rpt.Binseg(custom_cost=_ruptures_cost(cost, min_size), min_size=min_size, jump=1)
    algo.fit(np.zeros((n, 1)))
    return [int(b) for b in algo.predict(pen=penalty)[:-1]]


def _segments(times: pd.Index, bounds: np.ndarray, arrays: list[np.ndarray]) -> pd.DataFrame:
    """Segments between ``bounds``: their times and level, from ``[good, total]`` or ``[values]``."""
    seg_times = times.to_numpy() if not isinstance(times, pd.DatetimeIndex) else times
    seg = pd.DataFrame({
        "start": seg_times[bounds[:-1]],
        "last": seg_times[bounds[1:] - 1],
        "points": np.diff(bounds).astype(np.int64),
    })
    if len(arrays) == 2:
        gs = np.add.reduceat(arrays[0], bounds[:-1])
        ts = np.add.reduceat(arrays[1], bounds[:-1])
        seg["good"] = gs.astype(np.int64)
        seg["total"] = ts.astype(np.int64)
        seg["bad"] = (ts - gs).astype(np.int64)
        seg["level"] = (ts - gs) / ts
        seg["sli"] = gs / ts
    else:
        seg["level"] = np.add.reduceat(arrays[0], bounds[:-1]) / np.diff(bounds)
    return seg


def _level_shifts(seg: pd.DataFrame) -> pd.DataFrame:
    """Change points between consecutive segments: the new segment's start and the levels either side."""
    level = seg["level"].to_numpy()
    return pd.DataFrame({
        "timestamp": seg["start"].iloc[1:].reset_index(drop=True),
        "before": level[:-1],
        "after": level[1:],
        "change": level[1:] - level[:-1],
    })


def change_points(
    series: pd.DataFrame | pd.Series,
    *,
    good: str = "good",
    total: str = "total",
    time: str = "timestamp",
    penalty: float | None = None,
    min_size: int = 3,
    method: ChangePointMethod = "pelt",
    robust: bool = True,
    dispersion: float | None = None,
) -> ChangePointResult:
    r"""Change points (level shifts) of one SLI, from good/total counts or from a series of values.

    Parameters
    ----------
    series : DataFrame or Series
        Either the counts of one SLO per period (a frame with columns ``time``, ``good`` and ``total``, e.g.
        :func:`~slm_analytics.sli.ratio_sli` at ``freq="1D"`` or ``"1h"``, filtered to one SLO): the
        preferred input, as each period is weighted by its traffic; or a Series of values (an SLI or an error
        rate) indexed by time. Periods without events (``total == 0``) or NaN values are left out.
    good, total, time : str
        Columns of the frame.
    penalty : float, optional
        Cost of one more change point, in deviance units; default :math:`3 \log n` for :math:`n` periods.
        Larger values find fewer change points.
    min_size : int
        Shortest segment, in periods (>= 1).
    method : {"pelt", "binseg"}
        ``"pelt"``: exact optimum of the penalised cost (Killick et al. 2012). ``"binseg"``: binary
        segmentation with ruptures (approximate, for very long series).
    robust : bool
        Cap transient spikes before searching (see Notes), so that incidents lasting less than ``min_size``
        periods are not reported as level shifts.
    dispersion : float, optional
        Over-dispersion :math:`\phi` of the counts (or noise variance of the values) to use instead of the
        estimate; larger values find fewer change points.

    Returns
    -------
    ChangePointResult
        ``points`` (``timestamp``, ``before``, ``after``, ``change``), ``segments`` (``start``, ``last``,
        ``points``, ``level``, and for counts ``good``, ``total``, ``bad``, ``sli``), ``cost``, ``penalty``,
        ``dispersion``, ``method``; ``.to_frame()`` gives ``points``.

    Raises
    ------
    DataError
        Missing columns, counts that are negative, not finite or with ``good > total``, repeated times (more
        than one series), non-numeric values.
    InsufficientDataError
        Fewer than ``2 * min_size`` periods with data.
    ParameterError
        Unknown ``method``, ``min_size`` < 1, ``penalty`` or ``dispersion`` not a positive number.

    Notes
    -----
    **Cost.** For counts, a segment :math:`s` with :math:`k_s` bad events out of :math:`N_s`
    costs its binomial deviance :math:`-2[k_s \log \hat p_s + (N_s - k_s)\log(1 - \hat p_s)]`,
    :math:`\hat p_s = k_s/N_s`, divided by the dispersion :math:`\phi` (quasi-likelihood, McCullagh & Nelder
    1989, ch. 9): daily error rates vary far more than binomial noise (:math:`\phi` is 1-1000 on the sample
    data), and without it every day would be a change point. :math:`\hat\phi` is estimated robustly from
    consecutive periods, :math:`\operatorname{median}_t\,(r_t - r_{t-1})^2 / [\bar p(1-\bar p)(1/N_t +
    1/N_{t-1})] / 0.4549` (the median of :math:`\chi^2_1`), so level shifts and incidents barely affect it;
    it is at least 1. Errors come in episodes lasting hours, so sub-daily rates are strongly correlated and
    their consecutive differences understate the noise: for data finer than a day, :math:`\hat\phi` is
    estimated from the daily totals (blocks of one day of periods), which gives hourly data the daily
    dispersion. For a Series the cost is the Gaussian mean-shift cost :math:`\sum (x - \bar x_s)^2 /
    \hat\sigma^2`, :math:`\hat\sigma` from the MAD of first differences (of daily means for sub-daily
    data, times the block length) divided by :math:`\sqrt 2`. Costs come from cumulative sums in
    :math:`O(1)` per segment.

    **Robustness.** With ``robust`` the rates (or values) are clipped to a centred running median of
    :math:`2\cdot` ``min_size`` :math:`- 1` periods :math:`\pm 3` standard errors before the search; a running
    median keeps steps that last ``min_size`` periods and removes shorter spikes (Tukey 1977). The levels
    reported in ``points`` and ``segments`` are from the raw data.

    **Search and penalty.** PELT (Killick, Fearnhead & Eckley 2012) minimises :math:`\sum_s C(s) + \beta
    \cdot (\#\text{segments} - 1)` exactly in about linear time. Candidates found dominated are pruned
    ``min_size`` steps later, which keeps the search exact with a minimum segment length (it equals optimal
    partitioning without pruning); ``ruptures.Pelt(custom_cost=..., jump=1)`` with this cost gives the same
    segmentation when ``min_size`` is 1 and usually otherwise, but its immediate pruning can miss the optimum,
    and it is more than ten times slower (pure Python). The default :math:`\beta = 3 \log n` is
    BIC-like: the BIC charges :math:`\log n` per parameter, two per change point (location and level); the
    extra :math:`\log n` allows for the autocorrelation and weekly pattern of daily rates, which
    the model ignores (with :math:`2\log n`, the sample data shows short spurious segments).

    Examples
    --------
    The ``mobile-api`` latency regression shipped on 2026-06-16 09:30 UTC and fixed on 2026-09-08 10:15:

    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[(sli["service"] == "mobile-api") & (sli["slo"] == "latency")])
    >>> result = change_points(daily)
    >>> result.points.tail(2)
                      timestamp    before     after    change
    2 2026-06-17 00:00:00+00:00  0.003469  0.010672  0.007203
    3 2026-09-09 00:00:00+00:00  0.010672  0.005063 -0.005609
    """
    method, min_size = _check_change_point_options(method, min_size, robust, penalty, dispersion)
    what = "change_points"
    counts = isinstance(series, pd.DataFrame)
    times, keep, arrays = (_count_periods(series, good, total, time, what) if counts
                           else _value_periods(series, what))
    times, arrays = _periods_with_data(times, keep, arrays, min_size, what)
    n = len(times)
    beta = 3 * math.log(n) if penalty is None else float(penalty)
    options = {"block": _day_block(times), "window": 2 * min_size - 1, "robust": robust,
               "dispersion": dispersion}
    cost, disp = _binomial_cost(*arrays, **options) if counts else _normal_cost(*arrays, **options)
    # constant values (no noise) have no change point
    starts = [] if cost.kind == "normal" and disp == 0 else _search(cost, n, beta, min_size, method)
    seg = _segments(times, np.array([0, *starts, n]), arrays)
    return ChangePointResult(points=_level_shifts(seg), segments=seg, cost=cost.kind, penalty=beta,
                             dispersion=float(disp), method=method)


# ------------------------------------------------------------------------------------------- STL


def stl_decompose(
    series: pd.Series | Sequence[float] | np.ndarray,
    *,
    period: int = 7,
    robust: bool = True,
) -> pd.DataFrame:
    r"""STL decomposition of a series into trend, seasonal and residual parts (statsmodels).

    Parameters
    ----------
    series : Series or array-like
        A regular series, e.g. daily traffic or error rate indexed by time. Missing timestamps and NaN values
        are filled first (see Notes).
    period : int
        Steps per seasonal cycle, >= 2: 7 for the weekly cycle of daily data, 24 for the daily cycle of
        hourly data.
    robust : bool
        Robust STL: incident outliers get low weights instead of bending the trend.

    Returns
    -------
    DataFrame
        Indexed by time (the regular grid from the first to the last non-NaN value; positions for an
        array): ``observed`` (the filled series), ``trend``, ``seasonal``, ``resid`` (float, ``observed =
        trend + seasonal + resid``) and ``filled`` (bool, True where the value was interpolated).

    Raises
    ------
    DataError
        Non-numeric or infinite values, duplicate timestamps, timestamps off a regular grid.
    InsufficientDataError
        All NaN, or fewer than two full periods.
    ParameterError
        ``period`` < 2 or not a whole number, ``robust`` not a bool.

    Notes
    -----
    STL: Cleveland, Cleveland, McRae & Terpenning (1990), via ``statsmodels.tsa.seasonal.STL`` with its
    default smoothers. STL needs equally spaced values without gaps (statsmodels raises on an irregular
    index), so the series is put on a regular grid whose step is the smallest spacing of the index, from its
    first to its last non-NaN value, and the gaps are filled by linear interpolation in time; ``filled``
    marks those values, which say nothing about the real series.

    Examples
    --------
    Weekly pattern of ``checkout`` traffic:

    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")])
    >>> parts = stl_decompose(daily.set_index("timestamp")["total"].astype(float), period=7)
    >>> list(parts.columns), len(parts)
    (['observed', 'trend', 'seasonal', 'resid', 'filled'], 365)
    >>> bool((parts["trend"] + parts["seasonal"] + parts["resid"] - parts["observed"]).abs().max() < 1e-6)
    True
    """
    period = _check_int(period, "period", 2, " (steps per cycle, e.g. 7 for a weekly cycle of daily data)")
    if not isinstance(robust, bool | np.bool_):
        msg = f"robust {robust!r} must be True or False"
        raise ParameterError(msg)
    what = "stl_decompose"
    values, t, unit, index = _series_axis(series, what)
    ok = ~np.isnan(values)
    _need_points(int(ok.sum()), what, 2 * period, f"STL with period {period} (two full periods)",
                 len(values))
    first, last = np.flatnonzero(ok)[[0, -1]]
    if unit == "day":
        step_us = int(np.diff(index.as_unit("us").asi8).min())
        obs = pd.Series(values, index=index)
        grid = pd.date_range(index[first], index[last], freq=pd.Timedelta(microseconds=step_us),
                             name=index.name or "timestamp")
        off = ~index.isin(grid) & (np.arange(len(index)) >= first) & (np.arange(len(index)) <= last)
        if off.any():
            i = int(np.flatnonzero(off)[0])
            msg = (f"{what}: timestamp {index[i]} is off the regular grid of step "
                   f"{pd.Timedelta(microseconds=step_us)}; resample to a regular frequency first")
            raise DataError(msg)
        obs = obs.reindex(grid)
    else:
        obs = pd.Series(values[first:last + 1], index=pd.RangeIndex(first, last + 1))
        grid = obs.index
    filled = obs.isna().to_numpy()
    obs = obs.interpolate(method="time" if unit == "day" else "linear")

    from statsmodels.tsa.seasonal import STL

    try:
        fit = STL(obs.to_numpy(), period=period, robust=bool(robust)).fit()
    except (ValueError, np.linalg.LinAlgError) as exc:
        msg = f"{what}: statsmodels STL failed on {len(obs)} values with period {period}: {exc}"
        raise DataError(msg) from exc
    return pd.DataFrame({
        "observed": obs.to_numpy(),
        "trend": np.asarray(fit.trend),
        "seasonal": np.asarray(fit.seasonal),
        "resid": np.asarray(fit.resid),
        "filled": filled,
    }, index=grid)
