"""Charts of alerting: the burn rate of an SLO over time with the rules' thresholds and the alerts raised."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._compat import import_jsonschema
from ..errors import DataError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402

from ._base import check_target, default_title, fmt_percent, require_columns, target_decimals  # noqa: E402
from .palette import HISTORY_COLOR, SEVERITY_COLORS, WIDTH  # noqa: E402

__all__ = ["burn_rate_chart"]

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
