"""Charts of the outlook: forecasts with their intervals, breach risk, its calibration, target what-ifs."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from .._compat import import_jsonschema
from ..errors import DataError, ParameterError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402

from ._base import (  # noqa: E402
    check_target,
    daily_data,
    default_title,
    fmt_percent,
    per_slo,
    require_columns,
    target_decimals,
)
from .palette import (  # noqa: E402
    BAND_COLORS,
    FORECAST_COLOR,
    HISTORY_COLOR,
    METHOD_COLORS,
    RISK_CLASSES,
    TARGET_COLOR,
    WIDTH,
    ZERO_COLOR,
)

__all__ = ["achievability_chart", "forecast_chart", "forecast_charts", "reliability_chart", "risk_chart"]


def _days(ts: pd.Series, what: str) -> pd.Series:
    """Day starts as naive local days (the day of the data whatever the viewer's time zone)."""
    if not pd.api.types.is_datetime64_any_dtype(ts.dtype):
        msg = f"{what}: column 'timestamp' has dtype {ts.dtype}; expected datetimes (day starts)"
        raise DataError(msg)
    return (ts.dt.tz_localize(None) if isinstance(ts.dtype, pd.DatetimeTZDtype) else ts).dt.floor("D")


def _levels(forecast: pd.DataFrame) -> list[str]:
    """Coverage levels in percent present as ``lower_L``/``upper_L`` columns, widest first."""
    found = [c.removeprefix("lower_") for c in forecast.columns
             if c.startswith("lower_") and f"upper_{c.removeprefix('lower_')}" in forecast.columns]
    return sorted(found, key=float, reverse=True)


def _fmt_rate(value: float) -> str:
    """Write an error rate for a title: ``0.01`` -> ``"1%"``, ``0.0005`` -> ``"0.05%"``."""
    return f"{value * 100:.{max(target_decimals(1 - value), 0)}f}%"


def _forecast_inputs(
    history: pd.DataFrame, forecast: pd.DataFrame, *, target: float, history_days: int | None, point: str,
    what: str,
) -> tuple[float, pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Check forecast_chart's arguments; return the target and the frames its layers draw.

    The frames are the days of history shown (``error_rate``), the forecast line (``timestamp`` and ``day``
    as text, ``point``) and the interval bands (``timestamp``, ``day``, ``band``, ``lower``, ``upper``); then
    the interval levels present, widest first.
    """
    require_columns(history, ["timestamp", "error_rate"], what)
    if point not in ("mean", "median"):
        msg = f"{what}: point {point!r} is not one of 'mean' (expected daily error rate) or 'median'"
        raise ParameterError(msg)
    require_columns(forecast, ["timestamp", point], what)
    target = check_target(target, what)
    if history_days is not None and (isinstance(history_days, bool) or not isinstance(history_days, int)
                                     or history_days < 1):
        msg = f"{what}: history_days {history_days!r} must be a whole number >= 1, or None for all days"
        raise ParameterError(msg)
    hist = daily_data(history[["timestamp", "error_rate"]].rename(columns={"error_rate": "sli"}), what)
    hist = hist.rename(columns={"sli": "error_rate"})
    if history_days is not None:
        hist = hist.iloc[-history_days:]
    days = _days(forecast["timestamp"], what) if len(forecast) else pd.Series([], dtype="datetime64[us]")
    levels = _levels(forecast)
    fc = pd.DataFrame({"timestamp": pd.DatetimeIndex(days).strftime("%Y-%m-%d"),
                       "point": forecast[point].to_numpy(dtype=float),
                       "day": pd.DatetimeIndex(days).strftime("%a %d %b %Y")})
    bands = pd.concat(
        [pd.DataFrame({"timestamp": fc["timestamp"], "day": fc["day"], "band": f"{lev}% interval",
                       "lower": forecast[f"lower_{lev}"].to_numpy(dtype=float),
                       "upper": forecast[f"upper_{lev}"].to_numpy(dtype=float)}) for lev in levels]
        or [pd.DataFrame({"timestamp": [], "day": [], "band": [], "lower": [], "upper": []})],
        ignore_index=True,
    )
    return target, hist, fc, bands, levels


def _forecast_cap(hist: pd.DataFrame, forecast: pd.DataFrame, fc: pd.DataFrame, levels: list[str],
                  threshold: float) -> float:
    """Top of the y scale, so that incident days do not flatten the rest of the chart.

    The largest of 1.5 x the threshold, 1.25 x the history's 90th percentile, 1.05 x the top of the
    narrowest interval and 1.25 x the top of the forecast line.
    """
    observed = hist["error_rate"].to_numpy(dtype=float)
    finite = observed[np.isfinite(observed)]
    # the narrowest interval sets the scale: a wider one that grows far out is clamped at the top edge
    narrow = (forecast[f"upper_{levels[-1]}"].to_numpy(dtype=float) if levels and len(forecast)
              else np.array([]))
    return max(threshold * 1.5,
               float(np.quantile(finite, 0.9)) * 1.25 if finite.size else 0.0,
               float(np.nanmax(narrow)) * 1.05 if narrow.size else 0.0,
               float(np.nanmax(fc["point"])) * 1.25 if len(fc) else 0.0)


def _spike_note(hist: pd.DataFrame, cap: float) -> str | None:
    """Subtitle line for the observed days above the y scale's ``cap``; ``None`` when there are none."""
    observed = hist["error_rate"].to_numpy(dtype=float)
    finite = observed[np.isfinite(observed)]
    above = finite > cap
    if not above.any():
        return None
    n_above = int(above.sum())
    days = f"{n_above} day{'s' if n_above > 1 else ''}"
    return (f"red triangles: {days} above {cap:.2%}, drawn at the top edge (highest "
            f"{float(finite.max()):.2%})")


def forecast_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    target: float,
    title: str | None = None,
    history_days: int | None = 60,
    point: Literal["mean", "median"] = "mean",
) -> alt.LayerChart:
    """Daily error rate of one SLO, its forecast with prediction intervals, and the rate the target allows.

    Parameters
    ----------
    history : DataFrame
        Observed days of one SLO: ``timestamp`` (day start, timezone-aware in the service's zone or naive
        local) and ``error_rate`` (``NaN`` for a day without events), e.g. one SLO of
        :attr:`~slm_analytics.review.MonthOutlook.daily`.
    forecast : DataFrame
        Forecast days of the same SLO: ``timestamp``, ``mean`` (or ``median``) and ``lower_L``/``upper_L``
        for each interval level ``L`` (percent), as :func:`~slm_analytics.forecast.forecast_sli` returns
        them; may be empty.
    target : float
        The SLO's target in (0, 1): the threshold drawn is the error rate it allows, ``1 - target``.
    title : str, optional
        Chart title; default ``"<service> / <slo>"`` from the history's columns.
    history_days : int or None
        Show only the last this many days of history (``None``: all).
    point : {"mean", "median"}
        The forecast line: the expected daily error rate, or the median (the back-transformed point
        forecast). Error rates are skewed, so the mean lies above the median and rises as the interval
        widens even when the median stays flat.

    Returns
    -------
    alt.LayerChart
        Layers named ``forecast_band`` (the intervals, widest lightest), ``history`` (observed daily error
        rate, points on each day, gaps for days without events), ``forecast_line`` (the forecast ``point``,
        dashed),
        ``threshold_rule`` (``1 - target`` as ``alt.datum``), and ``spikes`` when some days are off the
        scale. The y scale is capped so that incident days do not flatten the rest (at the larger of 1.5
        times the threshold, the history's 90th percentile and the narrowest interval): days above the cap
        are drawn at the top edge, marked by a triangle in ``spikes`` and counted in the subtitle; a wider
        interval is clamped there too.

    Raises
    ------
    DataError
        A missing column, a ``timestamp`` that is not datetimes, a repeated day.
    ParameterError
        ``target`` not in (0, 1), ``history_days`` not a positive whole number, an unknown ``point``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_outlook
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> outlook = month_outlook(sli, catalog, service="mobile-api", month="2026-07")
    >>> one = outlook.daily[outlook.daily["slo"] == "latency"]
    >>> chart = forecast_chart(one, outlook.forecasts[outlook.forecasts["slo"] == "latency"], target=0.99)
    >>> [layer.name for layer in chart.layer]
    ['forecast_band', 'history', 'forecast_line', 'threshold_rule']
    """
    what = "forecast_chart"
    target, hist, fc, bands, levels = _forecast_inputs(history, forecast, target=target,
                                                       history_days=history_days, point=point, what=what)
    threshold = 1.0 - target
    cap = _forecast_cap(hist, forecast, fc, levels, threshold)
    band_names = [f"{lev}% interval" for lev in levels]
    line_name = f"forecast {point}"
    legend_domain = ["observed", line_name, *band_names]
    band_colors = [BAND_COLORS.get(b, "#fde3c8") for b in band_names]
    color_scale = alt.Scale(domain=legend_domain, range=[HISTORY_COLOR, FORECAST_COLOR, *band_colors])
    x = alt.X("timestamp:T", title=None, scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%d %b", labelAngle=0, tickCount="week"))
    y_scale = alt.Scale(domain=[0, cap], clamp=True, nice=False)
    y = alt.Y("error_rate:Q", title="daily error rate", scale=y_scale, axis=alt.Axis(format=".2~%"))
    legend = alt.Legend(orient="bottom", title=None, symbolType="square")
    forecast_band = (
        alt.Chart(bands)
        .mark_area(opacity=1.0)
        .encode(
            x=x,
            y=alt.Y("lower:Q", scale=y_scale, title="daily error rate"),
            y2=alt.Y2("upper:Q"),
            color=alt.Color("band:N", scale=color_scale, legend=legend),
            tooltip=[alt.Tooltip("day:N", title="day"), alt.Tooltip("band:N", title="interval"),
                     alt.Tooltip("lower:Q", format=".3%"), alt.Tooltip("upper:Q", format=".3%")],
        )
        .properties(name="forecast_band")
    )
    history_layer = (
        alt.Chart(hist.assign(series="observed"))
        .mark_line(point=alt.OverlayMarkDef(size=18, filled=True), invalid="break-paths-filter-domains",
                   strokeWidth=1.5)
        .encode(
            x=x, y=y,
            color=alt.Color("series:N", scale=color_scale, legend=legend),
            tooltip=[alt.Tooltip("day:N", title="day"),
                     alt.Tooltip("error_rate:Q", title="error rate", format=".3%")],
        )
        .properties(name="history")
    )
    forecast_line = (
        alt.Chart(fc.assign(series=line_name))
        .mark_line(strokeDash=[5, 3], strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("point:Q", scale=y_scale, title="daily error rate"),
            color=alt.Color("series:N", scale=color_scale, legend=legend),
            tooltip=[alt.Tooltip("day:N", title="day"),
                     alt.Tooltip("point:Q", title=line_name, format=".3%")],
        )
        .properties(name="forecast_line")
    )
    threshold_rule = (
        alt.Chart(alt.InlineData(values=[{"threshold": threshold}]))
        .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(y=alt.datum(threshold),
                tooltip=[alt.Tooltip("threshold:Q", title="allowed error rate", format=".3%")])
        .properties(name="threshold_rule")
    )
    spikes = (
        alt.Chart(hist[hist["error_rate"].to_numpy(dtype=float) > cap].assign(at=cap))
        .mark_point(shape="triangle-up", filled=True, size=60, color=ZERO_COLOR, opacity=1)
        .encode(x=x, y=alt.Y("at:Q", scale=y_scale, title="daily error rate"),
                tooltip=[alt.Tooltip("day:N", title="day"),
                         alt.Tooltip("error_rate:Q", title="error rate", format=".3%")])
        .properties(name="spikes")
    )
    allows = (f"the {_fmt_rate(threshold)} error rate the {fmt_percent(target, target_decimals(target))} "
              "target allows")
    start = f"forecast from {fc['day'].iloc[0][4:]}" if len(fc) else "no forecast (too little data)"
    spike_note = _spike_note(hist, cap)
    subtitle = [f"green dashed: {allows}; {start}", *([spike_note] if spike_note else [])]
    layers = [forecast_band, history_layer, forecast_line, threshold_rule] + ([spikes] if spike_note else [])
    # one LayerChart built with its properties: each altair copy of a layer walks all its (undefined) fields
    heading = alt.TitleParams(default_title(history, title), subtitle=subtitle, anchor="start")
    return alt.LayerChart(layer=layers, title=heading, width=WIDTH, height=170)


def forecast_charts(
    daily: pd.DataFrame,
    forecasts: pd.DataFrame,
    *,
    history_days: int | None = 60,
    point: Literal["mean", "median"] = "mean",
    title: str | None = None,
) -> alt.VConcatChart:
    """:func:`forecast_chart` of several SLOs, one under the other.

    Parameters
    ----------
    daily : DataFrame
        Observed days: ``slo``, ``timestamp``, ``error_rate`` and ``target`` (one per SLO), e.g.
        :attr:`~slm_analytics.review.MonthOutlook.daily`; ``service`` and ``budgeting_method`` are used
        in titles when present.
    forecasts : DataFrame
        ``slo``, ``timestamp``, ``mean`` and the interval bounds, e.g.
        :attr:`~slm_analytics.review.MonthOutlook.forecasts`; an SLO without rows gets no forecast.
    history_days : int or None
        Days of history shown per chart.
    point : {"mean", "median"}
        The forecast line (see :func:`forecast_chart`).
    title : str, optional
        Overall title.

    Returns
    -------
    alt.VConcatChart
        One chart per SLO, in the order of ``daily``, with independent y scales.

    Raises
    ------
    DataError
        A missing column, an SLO with several targets, an empty ``daily``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_outlook
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> outlook = month_outlook(sli, catalog, service="checkout", month="2026-10")
    >>> len(forecast_charts(outlook.daily, outlook.forecasts).vconcat)
    3
    """
    what = "forecast_charts"
    require_columns(daily, ["slo", "timestamp", "error_rate", "target"], what)
    require_columns(forecasts, ["slo", "timestamp", point], what)
    if daily.empty:
        msg = f"{what}: the frame is empty; expected daily error rates of at least one SLO"
        raise DataError(msg)
    out = []
    for slo, one, target, name in per_slo(daily, what, "bad"):
        fc = forecasts[(forecasts["slo"].astype(str) == str(slo)).to_numpy()]
        out.append(forecast_chart(one, fc, target=target, title=name, history_days=history_days, point=point))
    # independent y scales; one legend (the colours agree); built in one go (see forecast_chart)
    return alt.VConcatChart(vconcat=out, spacing=28, resolve=alt.Resolve(scale={"y": "independent"}),
                            **({"title": title} if title else {}))



# ---------------------------------------------------------------------------------------------- fleet risk


def _risk_class(p: np.ndarray) -> np.ndarray:
    names = list(RISK_CLASSES)
    return np.select([p < 0.05, p < 0.3, p <= 0.7], names[:3], default=names[3])


def risk_chart(risk: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Breach probability of each SLO with its interval, riskiest first (dot and interval).

    Parameters
    ----------
    risk : DataFrame
        One row per SLO with ``service``, ``slo``, ``probability``, ``low`` and ``high``, e.g.
        :func:`~slm_analytics.forecast.breach_probabilities`; ``target`` and ``window_end`` go into the
        tooltip when present.
    title : str, optional
        Chart title.

    Returns
    -------
    alt.LayerChart
        Layers named ``interval`` (a rule from ``low`` to ``high``), ``dot`` (the probability, coloured by
        risk class: below 5 %, 5-30 %, 30-70 %, above 70 %) and ``labels`` (the probability in percent).

    Raises
    ------
    DataError
        A missing column or an empty frame.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import breach_probabilities
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> chart = risk_chart(breach_probabilities(sli, catalog, n_paths=500, seed=0))
    >>> [layer.name for layer in chart.layer]
    ['interval', 'dot', 'labels']
    """
    what = "risk_chart"
    require_columns(risk, ["service", "slo", "probability", "low", "high"], what)
    if risk.empty:
        msg = f"{what}: the frame is empty; expected one row per SLO"
        raise DataError(msg)
    p = risk["probability"].to_numpy(dtype=float)
    data = pd.DataFrame({
        "label": risk["service"].astype(str).to_numpy() + " / " + risk["slo"].astype(str).to_numpy(),
        "probability": p,
        "low": risk["low"].to_numpy(dtype=float),
        "high": risk["high"].to_numpy(dtype=float),
        "risk": _risk_class(p),
        "text": [f"{v:.0%}" if v >= 0.005 or v == 0 else "<1%" for v in p],
    })
    if "target" in risk.columns:
        data["target"] = [fmt_percent(t, target_decimals(t)) for t in risk["target"].to_numpy(dtype=float)]
    if "window_end" in risk.columns:
        ends = pd.to_datetime(risk["window_end"])
        data["window_end"] = (ends - pd.Timedelta(microseconds=1)).dt.strftime("%d %b %Y").to_numpy()
    data = data.sort_values(["probability", "high"], ascending=False, kind="stable")
    order = data["label"].tolist()
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=240))
    x_scale = alt.Scale(domain=[0, 1])
    tooltip = [alt.Tooltip("label:N", title="SLO"), alt.Tooltip("probability:Q", format=".1%"),
               alt.Tooltip("low:Q", title="95% interval from", format=".1%"),
               alt.Tooltip("high:Q", title="to", format=".1%")]
    tooltip += [alt.Tooltip(f"{c}:N", title=c.replace("_", " ")) for c in ("target", "window_end")
                if c in data.columns]
    risk_scale = alt.Scale(domain=list(RISK_CLASSES), range=list(RISK_CLASSES.values()))
    interval = (
        alt.Chart(data)
        .mark_rule(strokeWidth=2, color="#999999")
        .encode(x=alt.X("low:Q", scale=x_scale, title="probability of missing the SLO at its window end",
                        axis=alt.Axis(format="%")),
                x2=alt.X2("high:Q"), y=y, tooltip=tooltip)
        .properties(name="interval")
    )
    dot = (
        alt.Chart(data)
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=alt.X("probability:Q", scale=x_scale), y=y,
                color=alt.Color("risk:N", title="risk", legend=alt.Legend(orient="bottom"), scale=risk_scale),
                tooltip=tooltip)
        .properties(name="dot")
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", dx=6, fontSize=10, color="#333333")
        .encode(x=alt.X("high:Q", scale=x_scale), y=y, text=alt.Text("text:N"))
        .properties(name="labels")
    )
    return alt.layer(interval, dot, labels).properties(
        title=alt.TitleParams(title or "Risk of missing each SLO",
                              subtitle="dot: simulated probability; line: its 95% interval", anchor="start"),
        width=WIDTH - 200,
        height=alt.Step(16),
    )


def reliability_chart(reliability: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Reliability diagram of breach probabilities: forecast probability against observed frequency.

    Parameters
    ----------
    reliability : DataFrame
        One row per method and probability bin with ``method``, ``n`` (forecasts in the bin),
        ``mean_probability`` and ``observed_frequency``, as
        :attr:`~slm_analytics.forecast.BreachBacktest.reliability`; empty bins (``n == 0``) are left out.
    title : str, optional
        Chart title.

    Returns
    -------
    alt.LayerChart
        Layers named ``diagonal`` (perfect calibration, observed = forecast), ``lines`` (one per method
        through its bins), ``points`` (area proportional to the number of forecasts in the bin) and
        ``counts`` (the number of forecasts of the ``forecast`` method's bins).

    Raises
    ------
    DataError
        A missing column or no non-empty bin.

    Notes
    -----
    Murphy & Winkler (1977): calibrated probabilities lie on the diagonal; a point below it means the
    event happened less often than forecast (over-forecasting). With few forecasts in a bin its observed
    frequency is noisy, hence the counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import backtest_breach
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> origins = pd.date_range("2026-06-06", periods=6, freq="7D", tz="UTC")
    >>> chart = reliability_chart(backtest_breach(sli, catalog, origins=origins, n_paths=200).reliability)
    >>> [layer.name for layer in chart.layer]
    ['diagonal', 'lines', 'points', 'counts']
    """
    what = "reliability_chart"
    require_columns(reliability, ["method", "n", "mean_probability", "observed_frequency"], what)
    data = reliability[reliability["n"].to_numpy() > 0]
    if data.empty:
        msg = f"{what}: no bin holds a forecast; expected BreachBacktest.reliability"
        raise DataError(msg)
    data = pd.DataFrame({
        "method": data["method"].astype(str).str.replace("_", " ").to_numpy(),
        "n": data["n"].to_numpy(dtype=np.int64),
        "mean_probability": data["mean_probability"].to_numpy(dtype=float),
        "observed_frequency": data["observed_frequency"].to_numpy(dtype=float),
    })
    names = [m.replace("_", " ") for m in METHOD_COLORS]
    domain = [m for m in names if m in set(data["method"])] + sorted(set(data["method"]) - set(names))
    colors = [METHOD_COLORS.get(m.replace(" ", "_"), "#bab0ac") for m in domain]
    unit = alt.Scale(domain=[0, 1])
    x = alt.X("mean_probability:Q", title="forecast probability of a miss (bin mean)", scale=unit,
              axis=alt.Axis(format="%"))
    y = alt.Y("observed_frequency:Q", title="observed share of misses", scale=unit, axis=alt.Axis(format="%"))
    color = alt.Color("method:N", title=None, scale=alt.Scale(domain=domain, range=colors),
                      legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("method:N"), alt.Tooltip("n:Q", title="forecasts"),
               alt.Tooltip("mean_probability:Q", title="mean forecast", format=".1%"),
               alt.Tooltip("observed_frequency:Q", title="observed", format=".1%")]
    diagonal = (
        alt.Chart(pd.DataFrame({"mean_probability": [0.0, 1.0], "observed_frequency": [0.0, 1.0]}))
        .mark_line(color="#888888", strokeDash=[4, 4], strokeWidth=1)
        .encode(x=x, y=y)
        .properties(name="diagonal")
    )
    lines = (
        alt.Chart(data).mark_line(strokeWidth=1.5, opacity=0.8)
        .encode(x=x, y=y, color=color, order=alt.Order("mean_probability:Q"))
        .properties(name="lines")
    )
    points = (
        alt.Chart(data).mark_circle(opacity=0.85)
        .encode(x=x, y=y, color=color, tooltip=tooltip,
                size=alt.Size("n:Q", title="forecasts in the bin", legend=alt.Legend(orient="bottom"),
                              scale=alt.Scale(type="sqrt", range=[20, 400], zero=False)))
        .properties(name="points")
    )
    counts = (
        alt.Chart(data[data["method"] == "forecast"])
        .mark_text(align="left", baseline="middle", dx=14, dy=-8, fontSize=10,
                   color=METHOD_COLORS["forecast"])
        .encode(x=x, y=y, text=alt.Text("n:Q", format=","))
        .properties(name="counts")
    )
    return alt.layer(diagonal, lines, points, counts).properties(
        title=alt.TitleParams(title or "Reliability of the breach probabilities",
                              subtitle="on the dashed diagonal a forecast of p % comes true p % of the time; "
                                       "labels: forecasts in each bin", anchor="start"),
        width=420,
        height=420,
    )


def achievability_chart(achievability: Any, *, title: str | None = None) -> alt.LayerChart:
    """Attainment of every past window of an SLO against candidate targets (what-if of a target).

    Parameters
    ----------
    achievability : TargetAchievability
        :func:`~slm_analytics.forecast.target_achievability`'s result: ``.attainment`` (``window_end``,
        ``attainment``), ``.targets`` (``target``, ``current``, ``share_met``), ``.service``, ``.slo`` and
        ``.window``.
    title : str, optional
        Chart title; default ``"<service> / <slo>: attainment of past <window> windows"``.

    Returns
    -------
    alt.LayerChart
        Layers named ``line`` (attainment of the window ending on each day, or of each calendar period) and
        ``target_rules`` (each candidate target, solid for the SLO's own, labelled with the share of
        windows that met it).

    Raises
    ------
    DataError
        If the attainment table is empty or lacks a column.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import target_achievability
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> ach = target_achievability(sli, catalog.slo("checkout", "availability"), targets=[0.999, 0.9995],
    ...                            tz="Europe/London")
    >>> [layer.name for layer in achievability_chart(ach).layer]
    ['line', 'target_rules']
    """
    what = "achievability_chart"
    att, targets = achievability.attainment, achievability.targets
    require_columns(att, ["window_end", "attainment"], what)
    require_columns(targets, ["target", "current", "share_met"], what)
    if att.empty:
        msg = f"{what}: no past window; expected TargetAchievability.attainment with rows"
        raise DataError(msg)
    last_day = pd.to_datetime(att["window_end"]) - pd.Timedelta(microseconds=1)
    data = pd.DataFrame({"timestamp": last_day.dt.strftime("%Y-%m-%d").to_numpy(),
                         "day": last_day.dt.strftime("%a %d %b %Y").to_numpy(),
                         "attainment": att["attainment"].to_numpy(dtype=float)})
    t = targets["target"].to_numpy(dtype=float)
    rules = pd.DataFrame({
        "target": t,
        "kind": np.where(targets["current"].to_numpy(dtype=bool), "current target", "candidate"),
        "label": [f"{fmt_percent(v, target_decimals(v))}: {s:.0%} of windows met it"
                  for v, s in zip(t, targets["share_met"].to_numpy(dtype=float), strict=True)],
    })
    lo = float(min(np.nanmin(data["attainment"]), t.min()))
    hi = float(max(np.nanmax(data["attainment"]), t.max()))
    pad = (hi - lo) * 0.08 or 0.0005
    y_scale = alt.Scale(domain=[lo - pad, min(hi + pad, 1.0)], nice=False)
    line = (
        alt.Chart(data)
        .mark_line(strokeWidth=1.5, color=HISTORY_COLOR)
        .encode(x=alt.X("timestamp:T", title="window ending", scale=alt.Scale(type="utc"),
                        axis=alt.Axis(format="%b %Y", labelAngle=0)),
                y=alt.Y("attainment:Q", title=f"attainment over the {achievability.window} window",
                        scale=y_scale, axis=alt.Axis(format=".2%")),
                tooltip=[alt.Tooltip("day:N", title="window ending"),
                         alt.Tooltip("attainment:Q", format=".3%")])
        .properties(name="line")
    )
    dashes = alt.Scale(domain=["current target", "candidate"], range=[[1, 0], [6, 4]])
    rule_base = alt.Chart(rules).encode(
        y=alt.Y("target:Q", scale=y_scale),
        strokeDash=alt.StrokeDash("kind:N", title=None, legend=alt.Legend(orient="bottom"), scale=dashes),
    )
    target_rules = alt.layer(
        rule_base.mark_rule(color=TARGET_COLOR, strokeWidth=1.5),
        rule_base.mark_text(align="left", baseline="bottom", dy=-2, x=4, fontSize=10, color="#333333")
        .encode(text=alt.Text("label:N")),
    ).properties(name="target_rules")
    if title is None:
        title = (f"{achievability.service} / {achievability.slo}: attainment of past "
                 f"{achievability.window} windows")
    subtitle = "each line is a candidate target, labelled with the share of past windows that met it"
    return alt.layer(line, target_rules).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"),
        width=WIDTH,
        height=220,
    )
