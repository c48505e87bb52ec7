"""Charts of trends: the daily SLI with its Sen's slope line and the change points between level shifts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._compat import import_jsonschema
from ..errors import DataError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402

from ._base import daily_data, default_title, require_columns  # noqa: E402
from .palette import FORECAST_COLOR, HISTORY_COLOR, STATUS_PALETTE, WIDTH  # noqa: E402

__all__ = ["trend_chart"]


def _day_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Days as ``YYYY-MM-DD`` (drawn as UTC midnight, like the daily line) and as readable text."""
    ts = pd.to_datetime(values)
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(None)
    return ts.dt.strftime("%Y-%m-%d").to_numpy(), ts.dt.strftime("%a %d %b %Y").to_numpy()


def trend_chart(daily: pd.DataFrame, trend: Any, changes: Any = None, *,
                title: str | None = None) -> alt.LayerChart:
    """Daily SLI of one SLO with its Sen's slope line (Mann-Kendall) and the change points in its level.

    Parameters
    ----------
    daily : DataFrame
        One SLO's daily values: ``timestamp`` and ``sli``, e.g. :func:`~slm_analytics.sli.ratio_sli`.
    trend : TrendResult
        :func:`~slm_analytics.trend.trend_test` of ``daily``'s ``sli`` indexed by ``timestamp`` (slope per
        day, intercept at the first day): ``trend``, ``p_value``, ``slope``, ``intercept``, ``slope_unit``.
    changes : ChangePointResult, optional
        :func:`~slm_analytics.trend.change_points` of the same SLO: ``points`` (``timestamp``, ``before``,
        ``after``) and ``segments`` (``start``, ``last``, ``level``; ``sli`` for counts).
    title : str, optional
        Chart title; default ``"<service> / <slo>: trend and change points"``.

    Returns
    -------
    alt.LayerChart
        Layers named ``line`` (the daily SLI), ``sen_line`` (Sen's slope through the period, dashed),
        ``segments`` (each segment's SLI between change points) and ``change_rules`` (a vertical rule at
        each change point, with the SLI (or level) before and after in the tooltip); the last two only with
        ``changes``.

    Raises
    ------
    DataError
        A missing column or an empty frame; a trend whose slope is not per day.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> from slm_analytics.trend import change_points, trend_test
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[(sli["service"] == "mobile-api") & (sli["slo"] == "latency")])
    >>> chart = trend_chart(daily, trend_test(daily.set_index("timestamp")["sli"]), change_points(daily))
    >>> [layer.name for layer in chart.layer]
    ['line', 'sen_line', 'segments', 'change_rules']
    """
    what = "trend_chart"
    require_columns(daily, ["timestamp", "sli"], what)
    if daily.empty:
        msg = f"{what}: the frame is empty; expected one SLO's daily SLI"
        raise DataError(msg)
    if trend.slope_unit != "day":
        msg = (f"{what}: the trend's slope is per {trend.slope_unit!r}; expected per 'day' (test the SLI "
               "indexed by timestamp)")
        raise DataError(msg)
    data = daily_data(daily[["timestamp", "sli"]], what)
    first, last = pd.Timestamp(data["timestamp"].iloc[0]), pd.Timestamp(data["timestamp"].iloc[-1])
    span = (last - first) / pd.Timedelta(days=1)
    sen = pd.DataFrame({"timestamp": [data["timestamp"].iloc[0], data["timestamp"].iloc[-1]],
                        "sen": [trend.intercept, trend.intercept + trend.slope * span],
                        "trend": trend.trend, "p_value": trend.p_value, "slope": trend.slope})
    x = alt.X("timestamp:T", title=None, scale=alt.Scale(type="utc"),
              # days, not months: a 90-day series has several ticks a month ("Aug 2026" repeated before)
              axis=alt.Axis(format="%d %b %Y", labelAngle=0, labelOverlap=True))
    y_scale = alt.Scale(zero=False)
    line = (
        alt.Chart(data).mark_line(strokeWidth=1, color=HISTORY_COLOR, opacity=0.8,
                                  invalid="break-paths-filter-domains")
        .encode(x=x, y=alt.Y("sli:Q", title="daily SLI", scale=y_scale, axis=alt.Axis(format=".2%")),
                tooltip=[alt.Tooltip("day:N", title="day"), alt.Tooltip("sli:Q", title="SLI", format=".3%")])
        .properties(name="line")
    )
    sen_tip = [alt.Tooltip("trend:N"), alt.Tooltip("p_value:Q", title="p-value", format=".3g"),
               alt.Tooltip("slope:Q", title="Sen's slope per day", format=".3~e")]
    sen_line = (
        alt.Chart(sen).mark_line(strokeDash=[8, 4], strokeWidth=2.5, color=FORECAST_COLOR)
        .encode(x=x, y=alt.Y("sen:Q", scale=y_scale), tooltip=sen_tip)
        .properties(name="sen_line")
    )
    layers = [line, sen_line]
    n_changes = 0
    if changes is not None:
        seg, pts = changes.segments, changes.points
        require_columns(seg, ["start", "last", "level"], what)
        require_columns(pts, ["timestamp", "before", "after"], what)
        start, start_text = _day_text(seg["start"])
        end, end_text = _day_text(seg["last"])
        level = seg["sli" if "sli" in seg.columns else "level"].to_numpy(dtype=float)
        segments = pd.DataFrame({"start": start, "end": end, "level": level,
                                 "from": start_text, "to": end_text})
        at, at_text = _day_text(pts["timestamp"])
        counts = "sli" in seg.columns  # counts: the levels are error rates, shown as the SLI
        before, after = pts["before"].to_numpy(dtype=float), pts["after"].to_numpy(dtype=float)
        points = pd.DataFrame({"timestamp": at, "day": at_text, "before": 1 - before if counts else before,
                               "after": 1 - after if counts else after})
        n_changes = len(points)
        level_name = "segment SLI" if "sli" in seg.columns else "segment level"
        layers.append(
            alt.Chart(segments).mark_rule(strokeWidth=3, color=STATUS_PALETTE["missed"])
            .encode(x=alt.X("start:T", scale=alt.Scale(type="utc")), x2=alt.X2("end:T"),
                    y=alt.Y("level:Q", scale=y_scale),
                    tooltip=[alt.Tooltip("from:N"), alt.Tooltip("to:N"),
                             alt.Tooltip("level:Q", title=level_name, format=".3%")])
            .properties(name="segments"))
        layers.append(
            alt.Chart(points).mark_rule(strokeDash=[2, 3], strokeWidth=1.5, color="#555555")
            .encode(x=alt.X("timestamp:T", scale=alt.Scale(type="utc")),
                    tooltip=[alt.Tooltip("day:N", title="change on"),
                             alt.Tooltip("before:Q", title=f"{level_name} before", format=".3%"),
                             alt.Tooltip("after:Q", title=f"{level_name} after", format=".3%")])
            .properties(name="change_rules"))
    slope_text = f"{trend.slope * 365:+.3%} a year" if np.isfinite(trend.slope) else "no slope"
    subtitle = f"orange dashed: Sen's slope, {slope_text} ({trend.trend}, p = {trend.p_value:.2g})"
    if changes is not None:
        subtitle += f"; red: the level between {n_changes} change points (dotted)"
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title or f"{default_title(daily, None)}: trend and change points",
                              subtitle=subtitle, anchor="start", fontSize=16),
        width=WIDTH + 160,
        height=240,
    )
