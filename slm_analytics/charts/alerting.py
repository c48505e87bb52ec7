"""Charts of alerting: an SLO's burn rate with the rules' thresholds and alerts; policies' backtests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._compat import import_jsonschema
from ..errors import DataError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402

from ._base import check_target, default_title, fmt_percent, require_columns, target_decimals  # noqa: E402
from .palette import HISTORY_COLOR, SERIES_COLORS, SEVERITY_COLORS, WIDTH  # noqa: E402

__all__ = ["BACKTEST_SCORES", "BACKTEST_TIMES", "backtest_chart", "burn_rate_chart"]

_WHEN = "%d %b %Y %H:%M"


def _utc_text(values: pd.Series, what: str, column: str) -> np.ndarray:
    """Timezone-aware times as UTC ISO strings (vega reads them as instants); naive times are refused."""
    ts = pd.to_datetime(values)
    if len(ts) and ts.dt.tz is None:
        msg = f"{what}: column {column!r} holds naive times; expected timezone-aware times (e.g. UTC)"
        raise DataError(msg)
    return ts.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy() if len(ts) else np.array([])


def burn_rate_chart(sli: pd.DataFrame, alerts: pd.DataFrame, *, target: float,
                    thresholds: pd.DataFrame | None = None, title: str | None = None) -> alt.LayerChart:
    """Burn rate of one SLO over time, the burn rates its alert rules fire at, and the alerts they raised.

    Parameters
    ----------
    sli : DataFrame
        One SLO's SLI per bucket: ``timestamp`` (timezone-aware bucket start) and ``sli`` (``NaN`` without
        events), e.g. :func:`~slm_analytics.sli.ratio_sli` with ``freq="1h"``. The burn rate drawn is
        ``(1 - sli) / (1 - target)``: 1 spends the budget exactly over the SLO's window.
    alerts : DataFrame
        The SLO's alerts: ``severity``, ``rule``, ``burn_rate``, ``start``, ``end`` (timezone-aware), as
        :func:`~slm_analytics.budget.burn_rate_alerts` returns them; may be empty.
    target : float
        The SLO's target in (0, 1).
    thresholds : DataFrame, optional
        The rules: ``severity``, ``long_window``, ``short_window``, ``burn_rate``, as
        :func:`~slm_analytics.budget.burn_rate_thresholds` returns them; default the rules of ``alerts``.
    title : str, optional
        Chart title; default ``"<service> / <slo>: burn rate and alerts"``.

    Returns
    -------
    alt.LayerChart
        Layers named ``alert_intervals`` (a band from each alert's start to its end, coloured by severity
        with :data:`~slm_analytics.charts.palette.SEVERITY_COLORS`), ``burn_line`` (the burn rate per
        bucket, on a symmetric log scale so that spikes and the quiet baseline both show; gaps where there
        were no events), ``threshold_rules`` (each rule's burn rate, dashed, labelled) and ``budget_rule``
        (burn rate 1).

    Raises
    ------
    DataError
        A missing column, naive times, an empty ``sli``.
    ParameterError
        ``target`` not in (0, 1).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.budget import burn_rate_alerts
    >>> from slm_analytics.sli import ratio_sli
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> one = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    >>> one = one[one["timestamp"] < "2026-03-01T00:00Z"]
    >>> week = ratio_sli(one[one["timestamp"] >= "2026-02-01T00:00Z"], freq="1h")
    >>> alerts = burn_rate_alerts(one, catalog)
    >>> chart = burn_rate_chart(week, alerts[alerts["start"] >= "2026-02-01T00:00Z"], target=0.9995)
    >>> [layer.name for layer in chart.layer]
    ['alert_intervals', 'burn_line', 'threshold_rules', 'budget_rule']
    """
    what = "burn_rate_chart"
    require_columns(sli, ["timestamp", "sli"], what)
    require_columns(alerts, ["severity", "rule", "burn_rate", "start", "end"], what)
    if sli.empty:
        msg = f"{what}: the frame is empty; expected the SLO's SLI per bucket"
        raise DataError(msg)
    target = check_target(target, what)
    burn = (1.0 - sli["sli"].to_numpy(dtype=float)) / (1.0 - target)
    line_data = pd.DataFrame({"timestamp": _utc_text(sli["timestamp"], what, "timestamp"), "burn": burn,
                              "sli": sli["sli"].to_numpy(dtype=float)})
    bands = pd.DataFrame({
        "start": _utc_text(alerts["start"], what, "start"), "end": _utc_text(alerts["end"], what, "end"),
        "severity": alerts["severity"].astype(str).to_numpy(), "rule": alerts["rule"].astype(str).to_numpy(),
        "burn_rate": alerts["burn_rate"].to_numpy(dtype=float),
    })
    if thresholds is not None:
        require_columns(thresholds, ["severity", "long_window", "short_window", "burn_rate"], what)
        rules = pd.DataFrame({"severity": thresholds["severity"].astype(str).to_numpy(),
                              "rule": (thresholds["long_window"].astype(str) + "/"
                                       + thresholds["short_window"].astype(str)).to_numpy(),
                              "burn_rate": thresholds["burn_rate"].to_numpy(dtype=float)})
    else:
        rules = bands[["severity", "rule", "burn_rate"]].drop_duplicates(ignore_index=True)
    rules["label"] = [f"{s} {r}: {b:g}x" for s, r, b in zip(rules["severity"], rules["rule"],
                                                             rules["burn_rate"], strict=True)]
    severities = [s for s in SEVERITY_COLORS if s in set(bands["severity"]) | set(rules["severity"])]
    severities += sorted((set(bands["severity"]) | set(rules["severity"])) - set(severities))
    sev_scale = alt.Scale(domain=severities or ["page"],
                          range=[SEVERITY_COLORS.get(s, "#888888") for s in severities or ["page"]])
    x = alt.X("timestamp:T", title=None, scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%d %b", labelAngle=0))
    y_scale = alt.Scale(type="symlog", domainMin=0)
    alert_intervals = (
        alt.Chart(bands).mark_rect(opacity=0.3)
        .encode(x=alt.X("start:T", scale=alt.Scale(type="utc")), x2=alt.X2("end:T"),
                color=alt.Color("severity:N", title="alert", scale=sev_scale,
                                legend=alt.Legend(orient="bottom")),
                tooltip=[alt.Tooltip("severity:N"), alt.Tooltip("rule:N", title="rule (long/short window)"),
                         alt.Tooltip("burn_rate:Q", title="fires above burn rate"),
                         alt.Tooltip("start:T", title="from (UTC)", format=_WHEN, formatType="utc"),
                         alt.Tooltip("end:T", title="to (UTC)", format=_WHEN, formatType="utc")])
        .properties(name="alert_intervals")
    )
    burn_line = (
        alt.Chart(line_data)
        .mark_line(strokeWidth=1.2, color=HISTORY_COLOR, invalid="break-paths-filter-domains")
        .encode(x=x, y=alt.Y("burn:Q", title="burn rate (x the sustainable rate)", scale=y_scale),
                tooltip=[alt.Tooltip("timestamp:T", title="bucket (UTC)", format="%d %b %Y %H:%M",
                                     formatType="utc"),
                         alt.Tooltip("sli:Q", title="SLI", format=".3%"),
                         alt.Tooltip("burn:Q", title="burn rate", format=".2f")])
        .properties(name="burn_line")
    )
    rule_base = alt.Chart(rules).encode(y=alt.Y("burn_rate:Q", scale=y_scale),
                                        color=alt.Color("severity:N", scale=sev_scale))
    threshold_rules = alt.layer(
        rule_base.mark_rule(strokeDash=[6, 4], strokeWidth=1.5),
        rule_base.mark_text(align="left", baseline="bottom", x=4, dy=-2, fontSize=11)
        .encode(text=alt.Text("label:N")),
    ).properties(name="threshold_rules")
    budget_rule = (
        alt.Chart(alt.InlineData(values=[{"burn": 1.0}]))
        .mark_rule(color="#555555", strokeWidth=1)
        .encode(y=alt.datum(1.0))
        .properties(name="budget_rule")
    )
    allowed = fmt_percent(1 - target, max(target_decimals(target), 0))
    subtitle = (f"burn rate 1 spends the {fmt_percent(target, target_decimals(target))} target's error "
                f"budget ({allowed} of events) exactly over the window; shaded: {len(bands)} alerts; "
                "dashed: the rules")
    return alt.layer(alert_intervals, burn_line, threshold_rules, budget_rule).properties(
        title=alt.TitleParams(title or f"{default_title(sli, None)}: burn rate and alerts",
                              subtitle=subtitle, anchor="start", fontSize=16),
        width=WIDTH + 160,
        height=260,
    )


#: the scores of an alert-policy backtest drawn, and their names on the chart
BACKTEST_SCORES = {"precision": "precision (alerts on an incident)", "recall": "recall (incidents alerted)",
                   "recall_p1_p2": "recall of P1/P2 incidents"}
#: the median times of an alert-policy backtest drawn, and their names on the chart
BACKTEST_TIMES = {"detection_time_median": "time to detect (median)",
                  "reset_time_median": "time to reset (median)"}


def _backtest_long(summary: pd.DataFrame, names: dict[str, str], minutes: bool) -> pd.DataFrame:
    """One row per policy and measure: ``policy``, ``measure``, ``value`` (minutes for times), ``text``."""
    parts = []
    for col, name in names.items():
        raw = summary[col]
        value = (pd.to_timedelta(raw) / pd.Timedelta(minutes=1)).to_numpy(dtype=float) if minutes \
            else raw.to_numpy(dtype=float)
        text = [("n/a" if not np.isfinite(v) else f"{v:.3g} min" if minutes else f"{v:.0%}") for v in value]
        parts.append(pd.DataFrame({"policy": summary["policy"].astype(str).to_numpy(), "measure": name,
                                   "value": value, "text": text,
                                   "alerts": summary["alerts"].to_numpy(dtype=np.int64)}))
    return pd.concat(parts, ignore_index=True)


def backtest_chart(backtest: Any, *, title: str | None = None) -> alt.HConcatChart:
    """Alert policies compared on their backtest against the incident records: scores and response times.

    Parameters
    ----------
    backtest : BacktestResult or DataFrame
        :func:`~slm_analytics.budget.backtest_alerts`'s result, or its ``.summary``: one row per policy with
        ``policy``, ``alerts``, ``precision``, ``recall``, ``recall_p1_p2``, ``detection_time_median`` and
        ``reset_time_median`` (timedeltas).
    title : str, optional
        Chart title; default "Alert policies against the recorded incidents".

    Returns
    -------
    alt.HConcatChart
        Two panels with a bar group per policy (altair suffixes the layer names with the panel's index):
        ``scores`` (precision, recall and recall of P1/P2 incidents, 0-100 %) and ``times`` (median time to
        detect and to reset, in minutes); each has layers ``bars`` and ``labels``, and the tooltip has
        the exact value and the number of alerts.

    Raises
    ------
    DataError
        A missing column or no policy.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.budget import backtest_alerts
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> chart = backtest_chart(backtest_alerts(sli, inc, cat))
    >>> [panel.name for panel in chart.hconcat]
    ['scores', 'times']
    """
    what = "backtest_chart"
    summary = backtest.summary if hasattr(backtest, "summary") else backtest
    require_columns(summary, ["policy", "alerts", *BACKTEST_SCORES, *BACKTEST_TIMES], what)
    if summary.empty:
        msg = f"{what}: no policy; expected BacktestResult.summary with one row per policy"
        raise DataError(msg)
    policies = summary["policy"].astype(str).tolist()
    panels = []
    for name, names, minutes in (("scores", BACKTEST_SCORES, False), ("times", BACKTEST_TIMES, True)):
        data = _backtest_long(summary, names, minutes)
        measures = list(names.values())
        x_title = "share" if not minutes else "minutes"
        x = alt.X("value:Q", title=x_title, axis=alt.Axis(format="%") if not minutes else alt.Axis(),
                  scale=alt.Scale(domain=[0, 1]) if not minutes else alt.Scale(domainMin=0))
        y = alt.Y("policy:N", title=None, sort=policies, axis=alt.Axis(labelFontSize=12))
        offset = alt.YOffset("measure:N", sort=measures)
        tooltip = [alt.Tooltip("policy:N"), alt.Tooltip("measure:N"), alt.Tooltip("text:N", title="value"),
                   alt.Tooltip("alerts:Q", title="alerts raised", format=",")]
        bars = (alt.Chart(data).mark_bar()
                .encode(x=x, y=y, yOffset=offset, tooltip=tooltip,
                        color=alt.Color("measure:N", title=None, sort=measures,
                                        scale=alt.Scale(domain=measures, range=SERIES_COLORS[:len(measures)]),
                                        legend=alt.Legend(orient="bottom", columns=1)))
                .properties(name="bars"))
        labels = (alt.Chart(data).mark_text(align="left", baseline="middle", dx=4, fontSize=11)
                  .encode(x=alt.X("value:Q"), y=y, yOffset=offset, text=alt.Text("text:N"))
                  .properties(name="labels"))
        panels.append(alt.layer(bars, labels).properties(name=name, width=300, height=alt.Step(18)))
    subtitle = ("left: how often an alert meant an incident, and how many incidents were alerted; "
                "right: how fast the alerts came and cleared")
    return alt.hconcat(*panels, spacing=40).resolve_scale(color="independent").properties(
        title=alt.TitleParams(title or "Alert policies against the recorded incidents", subtitle=subtitle,
                              anchor="start", fontSize=16))
