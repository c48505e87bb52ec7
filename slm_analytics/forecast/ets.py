"""The ETS engine: daily error-rate forecasts with prediction intervals (:func:`forecast_sli`).

The model works on the logit of the smoothed daily error rate. The fast method runs a damped-trend Holt
recursion for every series and every point of a parameter grid at once (numpy), solves the initial states by
least squares and refines around the best grid point; the reference method fits statsmodels' ``ETSModel``
per series. statsmodels and scipy are imported only inside the functions that use them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .._checks import check_by, check_int, check_levels
from ..errors import DataError, InsufficientDataError, ParameterError
from .panels import MIN_DAYS, Panel, daily_panel, series_name

__all__ = [
    "METHODS",
    "ForecastResult",
    "Method",
    "check_method",
    "expit",
    "forecast_panel",
    "forecast_sli",
    "smoothed_rate",
]

Method = Literal["ets", "fast"]
METHODS: tuple[str, ...] = ("ets", "fast")


def check_method(method: str) -> str:
    """Return ``method`` if it is one of :data:`METHODS`."""
    if method not in METHODS:
        msg = f"unknown method {method!r}; expected one of {', '.join(map(repr, METHODS))}"
        raise ParameterError(msg)
    return method


def _level_name(level: float) -> str:
    return f"{100 * level:g}"


# ------------------------------------------------------------------------------------------- scale


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def expit(x: np.ndarray) -> np.ndarray:
    """Logistic function, the inverse of the logit (overflow-free)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def smoothed_rate(bad: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Daily error rate (bad + 1/2) / (total + 1): finite on the logit scale, NaN where there is no data."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (bad + 0.5) / (total + 1.0), np.nan)


# ------------------------------------------------------------------------------------------- model input


def _regularise(panel: Panel, stop: np.ndarray | None = None, what: str = "forecast_sli"
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the logit daily rates, right-aligned so that every series ends in the last column.

    Series ``i`` covers its days ``first[i] .. stop[i] - 1`` (default: up to its last row). Days without
    events are filled by linear interpolation of the logit rate between the nearest days with events
    (carried forward/backward at the ends).

    Returns
    -------
    y : ndarray, shape (series, length)
        Logit of the smoothed daily error rate; columns before a series' start hold its first value.
    start : ndarray
        First column of each series in ``y``.
    filled : ndarray
        Days filled in per series.
    end : ndarray
        Panel column after each series' last day (the first forecast day).
    """
    end = panel.last + 1 if stop is None else np.asarray(stop, dtype=np.int64)
    begin = panel.first
    length = end - begin
    has = panel.total > 0
    n_series, n_days = panel.total.shape
    cols = np.arange(n_days)
    inside = (cols >= begin[:, None]) & (cols < end[:, None])
    n_data = (has & inside).sum(axis=1)
    short = np.flatnonzero(n_data < MIN_DAYS)
    if short.size:
        i = int(short[0])
        msg = (
            f"{what}: series {series_name(panel.keys, i)} has {int(n_data[i])} days with data; at least "
            f"{MIN_DAYS} days with events are needed to fit a forecast"
        )
        raise InsufficientDataError(msg)
    width = int(length.max())
    # right-align: column c of series i is panel day end[i] - width + c
    src = end[:, None] - width + np.arange(width)
    valid_src = src >= begin[:, None]
    src_c = np.clip(src, 0, n_days - 1)
    rows = np.arange(n_series)[:, None]
    rate = smoothed_rate(panel.bad[rows, src_c], panel.total[rows, src_c])
    ok = valid_src & np.isfinite(rate)
    y = np.where(ok, _logit(np.where(ok, rate, 0.5)), np.nan)
    # linear interpolation of the gaps (vectorised): previous and next column with data
    idx = np.where(ok, np.arange(width), -1)
    prev = np.maximum.accumulate(idx, axis=1)
    idx2 = np.where(ok, np.arange(width), width)
    nxt = np.minimum.accumulate(idx2[:, ::-1], axis=1)[:, ::-1]
    has_prev, has_next = prev >= 0, nxt < width
    yp = np.take_along_axis(y, np.clip(prev, 0, width - 1), axis=1)
    yn = np.take_along_axis(y, np.clip(nxt, 0, width - 1), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(has_prev & has_next & (nxt > prev), (np.arange(width) - prev) / (nxt - prev), 0.0)
    fill = np.where(has_prev & has_next, yp + w * (yn - yp), np.where(has_prev, yp, yn))
    y = np.where(ok, y, fill)
    start = width - length
    # before the start: the first value (keeps the recursion's state at its initial value)
    first_val = y[np.arange(n_series), start]
    y = np.where(np.arange(width) >= start[:, None], y, first_val[:, None])
    filled = length - n_data
    return y, start, filled, end



# ------------------------------------------------------------------------------------------- ETS models

#: parameter grid of the fast method: smoothing of the level (alpha), of the trend (beta = alpha * beta*) and
#: damping (phi, within statsmodels' default bounds 0.8-0.98). Small alphas matter: on this kind of data the
#: maximum-likelihood level is often almost constant (statsmodels picks alpha near its lower bound 1e-4).
_ALPHA = np.array([0.001, 0.005, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8])
_BETA_STAR = np.array([1e-4, 0.05, 0.2])
_PHI = np.array([0.8, 0.9, 0.98])
_DTYPE = np.float32  # the grid search runs in float32 (2x faster; same choice and states to ~1e-6)


@dataclass(frozen=True)
class _Fit:
    """Per-series ETS(A,Ad,N) fit on the logit scale: final states, parameters and residual variance."""

    level: np.ndarray
    trend: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    phi: np.ndarray
    sigma2: np.ndarray
    n: np.ndarray
    mean: np.ndarray | None = None  # (series, horizon) when the model gives it directly (statsmodels)
    var: np.ndarray | None = None

    def forecast(self, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """Point forecasts and forecast-error variances, shape ``(series, horizon)``."""
        if self.mean is not None:
            return self.mean[:, :horizon], self.var[:, :horizon]
        h = np.arange(1, horizon + 1)
        phi = self.phi[:, None]
        damp = np.cumsum(phi ** h, axis=1)  # phi + phi^2 + ... + phi^h
        mean = self.level[:, None] + damp * self.trend[:, None]
        # h-step error: eps_{T+h} + sum_{j=1}^{h-1} c_j eps_{T+h-j}, c_j = alpha + beta (phi + ... + phi^j)
        c = self.alpha[:, None] + self.beta[:, None] * damp[:, :-1]
        acc = np.concatenate([np.zeros((len(c), 1)), np.cumsum(c**2, axis=1)], axis=1)
        var = self.sigma2[:, None] * (1.0 + acc)
        return mean, var


def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, bs, p = np.meshgrid(_ALPHA, _BETA_STAR, _PHI, indexing="ij")
    return a.ravel(), (a * bs).ravel(), p.ravel()


_RESPONSES: dict[str, np.ndarray] = {}


def _responses(alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray, width: int) -> np.ndarray:
    """Response of the recursion to a unit initial level, and to a unit initial trend, with zero data.

    Returns an array of shape ``(6, width, grid)``: the one-step forecasts for a unit initial level and for a
    unit initial trend, then the level and trend after ``k + 1`` steps for a unit initial level, and the same
    for a unit initial trend. The responses depend only on the grid, so they are computed once (for the
    longest series seen) and sliced.
    """
    cached = _RESPONSES.get("grid")
    if cached is not None and cached.shape[1] >= width:
        return cached[:, :width]
    out = np.empty((6, width, alpha.size))
    for j, (l0, b0) in enumerate(((1.0, 0.0), (0.0, 1.0))):
        level = np.full(alpha.size, l0)
        trend = np.full(alpha.size, b0)
        for k in range(width):
            f = level + phi * trend
            level = f - alpha * f
            trend = phi * trend - beta * f
            out[j, k] = f
            out[2 + 2 * j, k] = level
            out[3 + 2 * j, k] = trend
    _RESPONSES["grid"] = out
    return out


def _first_week_mean(y: np.ndarray, start: np.ndarray, k: np.ndarray) -> np.ndarray:
    cs = np.concatenate([np.zeros((len(y), 1)), np.cumsum(y, axis=1)], axis=1)
    rows = np.arange(len(y))
    return (cs[rows, start + k] - cs[rows, start]) / k


def _fit_fast(y: np.ndarray, start: np.ndarray) -> _Fit:
    """Damped-trend Holt recursion for every series and grid point at once; keep the least-SSE one.

    The recursion is linear in the data and the initial states, so it runs once from zero initial states,
    accumulating the cross products with the responses to a unit initial level and trend; the initial
    states that minimise the SSE then solve a 2 x 2 least-squares problem per series and grid point (the
    maximum-likelihood initial states, as statsmodels estimates them).
    """
    alpha, beta, phi = _grid()
    n_series, width = y.shape
    rows = np.arange(n_series)
    # centre each series on its first week: the fit is shift-equivariant, and small residuals from zero
    # initial states keep the least-squares step below well conditioned
    centre = _first_week_mean(y, start, np.minimum(7, width - start))
    y = (y - centre[:, None]).astype(_DTYPE)
    alpha, beta, phi = alpha.astype(_DTYPE), beta.astype(_DTYPE), phi.astype(_DTYPE)
    resp = _responses(alpha.astype(float), beta.astype(float), phi.astype(float), width)
    resp_d = resp[:2].astype(_DTYPE)
    shape = (n_series, alpha.size)
    level, trend = np.zeros(shape, _DTYPE), np.zeros(shape, _DTYPE)
    s_ee, s_ea, s_ec = np.zeros(shape, _DTYPE), np.zeros(shape, _DTYPE), np.zeros(shape, _DTYPE)
    f, e, tmp = np.empty(shape, _DTYPE), np.empty(shape, _DTYPE), np.empty(shape, _DTYPE)
    t0 = int(start.min())
    same_start = bool((start == t0).all())
    for t in range(t0, width):
        np.multiply(trend, phi, out=f)
        f += level
        np.subtract(y[:, t:t + 1], f, out=e)
        if same_start:
            ra, rc = resp_d[0, t - t0], resp_d[1, t - t0]
        else:
            k = t - start
            live = k >= 0
            e *= live[:, None]
            ra, rc = resp_d[0, np.maximum(k, 0)], resp_d[1, np.maximum(k, 0)]
            ra, rc = ra * live[:, None], rc * live[:, None]
        np.multiply(e, e, out=tmp)
        s_ee += tmp
        np.multiply(e, ra, out=tmp)
        s_ea += tmp
        np.multiply(e, rc, out=tmp)
        s_ec += tmp
        np.multiply(e, alpha, out=level)
        level += f
        trend *= phi
        np.multiply(e, beta, out=tmp)
        trend += tmp
    level, trend, s_ee, s_ea, s_ec = (x.astype(float) for x in (level, trend, s_ee, s_ea, s_ec))
    alpha, beta, phi = alpha.astype(float), beta.astype(float), phi.astype(float)
    n = width - start
    # Gram matrix of the responses over each series' n steps
    cum = np.cumsum(np.stack([resp[0] ** 2, resp[0] * resp[1], resp[1] ** 2]), axis=1)  # (3, width, grid)
    s_aa, s_ac, s_cc = cum[0, n - 1], cum[1, n - 1], cum[2, n - 1]  # (series, grid)
    det = s_aa * s_cc - s_ac**2
    det = np.where(det > 1e-12 * (s_aa * s_cc + 1e-300), det, np.inf)  # trend not identifiable: level only
    l0 = np.where(np.isfinite(det), (s_cc * s_ea - s_ac * s_ec) / det, s_ea / s_aa)
    b0 = np.where(np.isfinite(det), (s_aa * s_ec - s_ac * s_ea) / det, 0.0)
    sse = s_ee - 2 * (l0 * s_ea + b0 * s_ec) + l0**2 * s_aa + 2 * l0 * b0 * s_ac + b0**2 * s_cc
    best = np.argmin(sse, axis=1)
    lb, bb = l0[rows, best], b0[rows, best]
    last = n - 1
    level_t = level[rows, best] + lb * resp[2, last, best] + bb * resp[4, last, best]
    trend_t = trend[rows, best] + lb * resp[3, last, best] + bb * resp[5, last, best]
    a_ref, b_ref, p_ref, sse_ref, level_r, trend_r = _refine(y, start, alpha[best], beta[best], phi[best],
                                                             lb, bb)
    better = sse_ref < sse[rows, best]
    nf = n.astype(float)
    sigma2 = np.maximum(np.where(better, sse_ref, sse[rows, best]), 0.0) / nf
    return _Fit(centre + np.where(better, level_r, level_t), np.where(better, trend_r, trend_t),
                np.where(better, a_ref, alpha[best]), np.where(better, b_ref, beta[best]),
                np.where(better, p_ref, phi[best]), sigma2, nf)


#: local refinement around each series' best grid point: alpha times these factors, phi plus these steps
_REFINE_ALPHA = np.array([0.5, 0.7, 1.0, 1.4, 2.0])
_REFINE_PHI = np.array([-0.06, -0.03, 0.0, 0.03, 0.06])


def _refine(y: np.ndarray, start: np.ndarray, alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray,
            l0: np.ndarray, b0: np.ndarray) -> tuple[np.ndarray, ...]:
    """Search 25 points around each series' best grid point, from its initial states (kept fixed).

    Returns per series the best refined ``alpha, beta, phi``, its SSE and final level and trend.
    """
    n_series, width = y.shape
    ratio = beta / alpha
    fa, fp = np.meshgrid(_REFINE_ALPHA, _REFINE_PHI, indexing="ij")
    a = np.clip(alpha[:, None] * fa.ravel(), 1e-4, 0.99)
    b = a * ratio[:, None]
    p = np.clip(phi[:, None] + fp.ravel(), 0.8, 0.98)
    a, b, p = a.astype(_DTYPE), b.astype(_DTYPE), p.astype(_DTYPE)
    level = np.repeat(l0[:, None], a.shape[1], axis=1).astype(_DTYPE)
    trend = np.repeat(b0[:, None], a.shape[1], axis=1).astype(_DTYPE)
    sse = np.zeros_like(level)
    f, e = np.empty_like(level), np.empty_like(level)
    t0 = int(start.min())
    same_start = bool((start == t0).all())
    for t in range(t0, width):
        np.multiply(trend, p, out=f)
        f += level
        np.subtract(y[:, t:t + 1], f, out=e)
        if not same_start:  # before its start a series keeps its initial states
            live = (t >= start)[:, None]
            e *= live
            sse += e * e
            trend = np.where(live, trend * p + b * e, trend)
            level = np.where(live, f + a * e, level)
            continue
        sse += e * e
        trend *= p
        trend += b * e
        level = f + a * e
    rows = np.arange(n_series)
    best = np.argmin(sse, axis=1)
    return (a[rows, best].astype(float), b[rows, best].astype(float), p[rows, best].astype(float),
            sse[rows, best].astype(float), level[rows, best].astype(float), trend[rows, best].astype(float))


def _fit_ets(y: np.ndarray, start: np.ndarray, horizon: int, seasonal: bool) -> _Fit:
    """Fit statsmodels' ETSModel (additive error, damped additive trend, weekly seasons) to each series."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    n_series = len(y)
    out = {k: np.full(n_series, np.nan) for k in ("level", "trend", "alpha", "beta", "phi", "sigma2", "n")}
    mean = np.empty((n_series, horizon))
    var = np.empty((n_series, horizon))
    for i in range(n_series):
        yi = y[i, start[i]:]
        out["n"][i] = len(yi)
        if np.ptp(yi) == 0:  # constant: nothing to fit (statsmodels' likelihood is -inf at zero variance)
            mean[i], var[i] = yi[-1], 0.0
            out["level"][i], out["trend"][i], out["sigma2"][i] = yi[-1], 0.0, 0.0
            continue
        # a RangeIndex: statsmodels needs a supported index, and the days are already regular
        model = ETSModel(pd.Series(yi), error="add", trend="add", damped_trend=True,
                         seasonal="add" if seasonal else None, seasonal_periods=7 if seasonal else None)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ConvergenceWarning: reported through the fit, not here
                res = model.fit(disp=False)
                pred = res.get_prediction(start=len(yi), end=len(yi) + horizon - 1)
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:  # pragma: no cover - statsmodels
            msg = f"forecast_sli: statsmodels could not fit series {i + 1}: {exc}"
            raise DataError(msg) from exc
        mean[i] = np.asarray(pred.predicted_mean)
        var[i] = np.asarray(pred.forecast_variance)
        out["level"][i], out["trend"][i] = np.asarray(res.level)[-1], np.asarray(res.slope)[-1]
        out["alpha"][i], out["beta"][i], out["phi"][i] = res.alpha, res.beta, res.phi
        out["sigma2"][i] = res.mse
    return _Fit(**out, mean=mean, var=var)


# ------------------------------------------------------------------------------------------- forecast_sli

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(24)
_GH_W = _GH_W / math.sqrt(2 * math.pi)


def _logitnormal_mean(mu: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """E[expit(mu + sd Z)], Z standard normal, by 24-point Gauss-Hermite quadrature."""
    return (expit(mu[..., None] + sd[..., None] * _GH_X) * _GH_W).sum(axis=-1)


def _z(level: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 2))


@dataclass(frozen=True)
class ForecastResult:
    """Daily error-rate forecasts of one or more series (:func:`forecast_sli`).

    Attributes
    ----------
    forecasts : DataFrame
        One row per series and forecast day: the key columns (``service``, ``slo``), ``timestamp`` (start of
        the local day, in the input's time zone), ``horizon`` (1 for the day after the last day of data),
        ``mean`` (expected daily error rate), ``median`` (the point forecast: the back-transformed forecast of
        the logit rate), and for each level ``L`` in percent ``lower_L`` and ``upper_L`` (central prediction
        interval bounds). All on the error-rate scale (bad / total), in [0, 1].
    parameters : DataFrame
        One row per series: key columns, ``alpha``, ``beta``, ``phi`` (smoothing of level and trend, damping),
        ``sigma`` (residual standard deviation on the logit scale), ``days`` (days fitted), ``filled`` (days
        without events that were filled in) and ``last_day`` (start of the last day of data).
    method : str
        ``"fast"`` or ``"ets"``.
    horizon : int
        Days forecast.
    levels : tuple of float
        Coverage levels of the prediction intervals.
    """

    forecasts: pd.DataFrame
    parameters: pd.DataFrame
    method: str
    horizon: int
    levels: tuple[float, ...]

    def __repr__(self) -> str:
        return (f"ForecastResult(method={self.method!r}, series={len(self.parameters)}, "
                f"horizon={self.horizon}, levels={self.levels})")

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy forecasts (a copy)."""
        return self.forecasts.copy()


def forecast_panel(
    panel: Panel, *, horizon: int, method: str, seasonal: bool, stop: np.ndarray | None = None,
    what: str = "forecast_sli",
) -> tuple[np.ndarray, np.ndarray, _Fit, np.ndarray, np.ndarray]:
    """Fit and forecast every series of a panel on the logit scale.

    Series ``i`` is fitted on its days before column ``stop[i]`` (default: through its last day), so that
    :func:`~slm_analytics.forecast.backtest_forecasts` can fit at rolling origins.

    Returns
    -------
    mean, sd : ndarray, shape (series, horizon)
        Mean and standard deviation of the normal forecast distribution of the logit rate.
    fit : _Fit
        The fitted states and parameters of every series.
    filled : ndarray
        Days without events filled in, per series.
    end : ndarray
        Panel column of each series' first forecast day.
    """
    y, start, filled, end = _regularise(panel, stop, what)
    fit = _fit_fast(y, start) if method == "fast" else _fit_ets(y, start, horizon, seasonal)
    mean, var = fit.forecast(horizon)
    return mean, np.sqrt(np.maximum(var, 0.0)), fit, filled, end


def forecast_sli(
    daily: pd.DataFrame,
    *,
    horizon: int = 30,
    method: Method = "fast",
    levels: Sequence[float] = (0.8, 0.95),
    seasonal: bool = False,
    by: tuple[str, ...] = ("service", "slo"),
) -> ForecastResult:
    r"""Forecast the daily error rate of every series, with prediction intervals.

    Parameters
    ----------
    daily : DataFrame
        Daily counts, one row per series and day: the ``by`` columns, ``timestamp`` (local midnights,
        timezone-aware), ``good`` and ``total``, as :func:`~slm_analytics.sli.ratio_sli` with ``freq="1D"``
        returns them. Series may cover different days.
    horizon : int
        Days to forecast after each series' last day (>= 1).
    method : {"fast", "ets"}
        ``"fast"``: the damped-trend exponential smoothing below, run on all series at once with numpy;
        ``"ets"``: statsmodels' ``ETSModel`` fitted per series by maximum likelihood (the reference; about
        0.3 s per series).
    levels : sequence of float
        Coverage of the central prediction intervals, each in (0, 1).
    seasonal : bool
        Add a weekly additive seasonal component (``method="ets"`` only).
    by : str or tuple of str
        Columns identifying a series (one string is one column; ``()`` takes all rows as one series).

    Returns
    -------
    ForecastResult
        ``.forecasts`` (tidy: one row per series and day), ``.parameters`` (one row per series);
        ``.to_frame()`` returns the forecasts.

    Raises
    ------
    DataError
        A missing column; timestamps that are not timezone-aware local midnights; counts that are NaN,
        negative or with ``good > total``; two rows for the same series and day.
    InsufficientDataError
        A series with fewer than 14 days with events.
    ParameterError
        ``horizon`` not a positive integer, an unknown ``method``, levels outside (0, 1), ``seasonal`` with
        the fast method.

    Notes
    -----
    **Scale.** The model works on :math:`y_t = \operatorname{logit}\big((b_t + \tfrac12)/(n_t + 1)\big)`
    with :math:`b_t` bad and :math:`n_t` total events of day :math:`t` (the ½ keeps days without errors
    finite). Interval bounds are back-transformed with the logistic function: quantiles are preserved by
    monotone transforms, so they stay in [0, 1] and keep their coverage. ``median`` is the back-transformed
    point forecast; ``mean`` is :math:`E[\operatorname{expit}(Y)]` under the normal forecast distribution
    (24-point Gauss-Hermite quadrature).

    **Gaps.** Each series is reindexed onto every calendar day from its first to its last row; missing days
    and days with ``total == 0`` get :math:`y_t` by linear interpolation between the nearest days with
    events (carried at the ends); ``parameters["filled"]`` counts them. statsmodels therefore always sees a
    regular series (never the "No supported index" failure of a gappy DatetimeIndex).

    **Model** ETS(A,Ad,N), additive errors with a damped additive trend (Hyndman & Athanasopoulos, FPP3,
    §8.2 and §8.5):

    .. math::
        \hat y_{t|t-1} = \ell_{t-1} + \phi b_{t-1},\quad e_t = y_t - \hat y_{t|t-1},\quad
        \ell_t = \hat y_{t|t-1} + \alpha e_t,\quad b_t = \phi b_{t-1} + \beta e_t

    with forecasts :math:`\hat y_{T+h|T} = \ell_T + (\phi + \dots + \phi^h) b_T` and forecast variance
    (FPP3 §8.7, table of forecast variances; Hyndman et al. 2008, ch. 6, class 1)

    .. math::
        \sigma_h^2 = \sigma^2 \Big(1 + \sum_{j=1}^{h-1} c_j^2\Big),\qquad
        c_j = \alpha + \beta\,\frac{\phi(1-\phi^j)}{1-\phi},\qquad \sigma^2 = \tfrac1n \sum e_t^2 .

    **The fast method** evaluates the recursion for all series and all 81 points of the grid
    :math:`\alpha \in \{.001, .005, .02, .05, .1, .2, .35, .5, .8\}`, :math:`\beta = \alpha\beta^*`,
    :math:`\beta^* \in \{10^{-4}, .05, .2\}`, :math:`\phi \in \{.8, .9, .98\}` (statsmodels' bounds
    for :math:`\phi`) in one pass over the days, on arrays of shape (series, grid). The recursion is linear
    in the initial states, so the initial level and trend that minimise the sum of squared one-step errors
    solve a 2 x 2 least-squares problem per series and grid point, as statsmodels estimates them by maximum
    likelihood; each series keeps the grid point with the least SSE (the maximum likelihood on the grid),
    then searches 25 points around it (alpha x 0.5-2, phi +/- 0.06) from the same initial states.
    Against statsmodels' ``ETSModel`` on the 27 SLOs of the sample data's first twelve services (365 days,
    horizon 30) the median absolute relative difference is 0.11 % for the point forecasts and 0.08-0.13 %
    for the 80 % and 95 % bounds (90th percentile 1.2-2.8 %). On 1,000 generated series with autocorrelated
    errors the likelihood is flatter: the residual standard deviations agree to 0.02 % (median; at most
    0.5 %) while the point forecasts differ by 0.8 % (median). The fast method forecasts those 1,000 series
    in about 0.25 s, 400-700 times faster than statsmodels at 0.1-0.2 s per series
    (``benchmarks/bench_forecast.py``).

    Examples
    --------
    >>> from slm_analytics import read_dataset, ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[sli["service"] == "checkout"], freq="1D", tz="Europe/London")
    >>> fc = forecast_sli(daily, horizon=7)
    >>> fc
    ForecastResult(method='fast', series=3, horizon=7, levels=(0.8, 0.95))
    >>> fc.forecasts.columns.tolist()
    ['service', 'slo', 'timestamp', 'horizon', 'mean', 'median', 'lower_80', 'upper_80', 'lower_95',
     'upper_95']
    >>> fc.forecasts[["slo", "timestamp", "median", "lower_80", "upper_80"]].head(2)
                slo                 timestamp    median  lower_80  upper_80
    0  availability 2026-11-01 00:00:00+00:00  0.000226  0.000101  0.000507
    1  availability 2026-11-02 00:00:00+00:00  0.000226  0.000101  0.000507
    """
    horizon = check_int(horizon, "horizon")
    method = check_method(method)
    levels = check_levels(levels)
    if seasonal and method == "fast":
        msg = "seasonal=True needs method='ets' (the fast method has no seasonal component)"
        raise ParameterError(msg)
    by = check_by(by, daily, "forecast_sli")
    panel = daily_panel(daily, by, "forecast_sli")
    mean, sd, fit, filled, end = forecast_panel(panel, horizon=horizon, method=method, seasonal=seasonal)
    n_series = len(panel.keys)
    rep = np.repeat(np.arange(n_series), horizon)
    out = panel.keys.iloc[rep].reset_index(drop=True)
    days = (panel.day0 + end[:, None] + np.arange(horizon)).ravel()
    out["timestamp"] = panel.midnights(days)
    out["horizon"] = np.tile(np.arange(1, horizon + 1), n_series)
    out["mean"] = _logitnormal_mean(mean, sd).ravel()
    out["median"] = expit(mean).ravel()
    for lev in levels:
        z = _z(lev)
        out[f"lower_{_level_name(lev)}"] = expit(mean - z * sd).ravel()
        out[f"upper_{_level_name(lev)}"] = expit(mean + z * sd).ravel()
    params = panel.keys.copy()
    params["alpha"], params["beta"], params["phi"] = fit.alpha, fit.beta, fit.phi
    params["sigma"] = np.sqrt(fit.sigma2)
    params["days"] = fit.n.astype(np.int64)
    params["filled"] = filled.astype(np.int64)
    params["last_day"] = panel.midnights(panel.day0 + end - 1)
    return ForecastResult(out, params, method, horizon, levels)
