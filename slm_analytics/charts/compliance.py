"""Charts of compliance: the daily SLI against its target, the budget consumed and remaining."""

from __future__ import annotations

import math

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
    require_rows,
    target_decimals,
)
from .palette import (  # noqa: E402
    SERIES_COLORS,
    STATUS_COLORS,
    STATUS_PALETTE,
    TARGET_COLOR,
    WIDTH,
    ZERO_COLOR,
    status_scale,
)

__all__ = [
    "AT_RISK_SHARE",
    "attainment_chart",
    "attainment_interval_chart",
    "budget_chart",
    "calendar_chart",
    "compliance_heatmap",
    "sli_chart",
    "sli_charts",
]


def sli_chart(daily: pd.DataFrame, *, target: float, title: str | None = None) -> alt.LayerChart:
    """Daily SLI of one SLO against its target.

    Parameters
    ----------
    daily : DataFrame
        One SLO's daily values: columns ``timestamp`` (day start, timezone-aware in the service's zone or
        naive local) and ``sli`` (``NaN`` for a day without data), e.g. :func:`~slm_analytics.sli.ratio_sli`
        with ``freq="1D"`` for one ``(service, slo)`` or one SLO of
        :func:`~slm_analytics.review.daily_attainment`.
    target : float
        The SLO's target, in (0, 1), drawn as a dashed rule.
    title : str, optional
        Chart title; default ``"<service> / <slo>"`` from the frame's columns.

    Returns
    -------
    alt.LayerChart
        Layers named ``line`` (daily SLI, points on each day; days without data - missing rows or ``NaN``
        - break the line) and ``target_rule`` (the target as ``alt.datum``).

    Raises
    ------
    DataError
        If a column is missing, ``timestamp`` is not datetimes, a day repeats, or the frame holds more than
        one SLO.
    ParameterError
        If ``target`` is not in (0, 1).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> one = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")]
    >>> chart = sli_chart(ratio_sli(one, freq="1D", tz="Europe/London"), target=0.999)
    >>> [layer.name for layer in chart.layer]
    ['line', 'target_rule']
    """
    what = "sli_chart"
    require_columns(daily, ["timestamp", "sli"], what)
    target = check_target(target, what)
    keys = [c for c in ("service", "slo") if c in daily.columns]
    if keys and len(daily) and daily[keys].drop_duplicates().shape[0] > 1:
        found = daily[keys].drop_duplicates().astype(str).agg("/".join, axis=1).tolist()
        msg = f"{what}: expected one SLO, found {len(found)}: {', '.join(found)}; use sli_charts for several"
        raise DataError(msg)
    data = daily_data(daily, what)
    x = alt.X("timestamp:T", title=None, scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%d %b", labelAngle=0, tickCount="week"))
    line = (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-filter-domains", strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y("sli:Q", title="daily SLI", scale=alt.Scale(zero=False), axis=alt.Axis(format=".2%")),
            tooltip=[alt.Tooltip("day:N", title="day"), alt.Tooltip("sli:Q", title="SLI", format=".3%")],
        )
        .properties(name="line")
    )
    target_rule = (
        alt.Chart(alt.InlineData(values=[{"target": target}]))
        .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(y=alt.datum(target), tooltip=[alt.Tooltip("target:Q", title="target", format=".3%")])
        .properties(name="target_rule")
    )
    subtitle = f"target {fmt_percent(target, target_decimals(target))}"
    return alt.layer(line, target_rule).properties(
        title=alt.TitleParams(default_title(daily, title), subtitle=subtitle, anchor="start"),
        width=WIDTH,
        height=150,
    )


def sli_charts(daily: pd.DataFrame, *, title: str | None = None) -> alt.VConcatChart:
    """Daily SLI charts of several SLOs, one under the other, each against its own target.

    Parameters
    ----------
    daily : DataFrame
        Columns ``slo``, ``timestamp``, ``sli`` and ``target`` (one target per SLO), e.g.
        :func:`~slm_analytics.review.daily_attainment`; ``budgeting_method`` is shown when present.
    title : str, optional
        Overall title.

    Returns
    -------
    alt.VConcatChart
        One :func:`sli_chart` per SLO, in the frame's order, with independent y scales.

    Raises
    ------
    DataError
        If a column is missing, an SLO has several targets, or the frame is empty.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import daily_attainment
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> chart = sli_charts(daily_attainment(sli, catalog, service="payments", month="2026-02"))
    >>> len(chart.vconcat)
    3
    """
    what = "sli_charts"
    require_columns(daily, ["slo", "timestamp", "sli", "target"], what)
    if daily.empty:
        msg = f"{what}: the frame is empty; expected daily values of at least one SLO"
        raise DataError(msg)
    charts = []
    for _, one, target, name in per_slo(daily, what, "good"):
        charts.append(sli_chart(one, target=target, title=name))
    out = alt.vconcat(*charts, spacing=24).resolve_scale(y="independent")
    return out.properties(title=title) if title else out


def attainment_chart(table: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Error budget consumed by each SLO in the period, against the budget (attainment vs target).

    SLOs with different targets are put on one scale by showing the share of the error budget
    ``1 - target`` they consumed: a bar past the 100 % rule is an SLO that missed its target. Each bar is
    labelled with the attainment and the target.

    Parameters
    ----------
    table : DataFrame
        One row per SLO with columns ``slo``, ``attainment``, ``target``, ``budget_consumed`` and
        ``no_data`` (``met`` optional), e.g. :func:`~slm_analytics.review.monthly_attainment`.
    title : str, optional
        Chart title; default "Error budget consumed" with the month when ``period_start`` is present.

    Returns
    -------
    alt.LayerChart
        Layers named ``bars`` (budget consumed, coloured met / missed / no data), ``target_rule`` (100 % of
        the budget, i.e. the target, as ``alt.datum``) and ``labels`` (attainment vs target).

    Raises
    ------
    DataError
        If a column is missing or the table is empty.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import monthly_attainment
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> chart = attainment_chart(monthly_attainment(sli, catalog, service="payments", month="2026-02"))
    >>> [layer.name for layer in chart.layer]
    ['bars', 'target_rule', 'labels']
    """
    what = "attainment_chart"
    require_columns(table, ["slo", "attainment", "target", "budget_consumed", "no_data"], what)
    if table.empty:
        msg = f"{what}: the table is empty; expected one row per SLO"
        raise DataError(msg)
    attainment = table["attainment"].to_numpy(dtype=float)
    target = table["target"].to_numpy(dtype=float)
    consumed = table["budget_consumed"].to_numpy(dtype=float)
    no_data = table["no_data"].to_numpy(dtype=bool)
    status = np.where(no_data, "no data", np.where(attainment >= target, "met", "missed"))
    labels = [
        "no data" if nd
        else f"{fmt_percent(a, max(target_decimals(t) + 1, 2))} (target {fmt_percent(t, target_decimals(t))})"
        for a, t, nd in zip(attainment, target, no_data, strict=True)
    ]
    data = pd.DataFrame({
        "slo": table["slo"].astype(str).to_numpy(),
        "budget_consumed": np.where(no_data, np.nan, consumed),
        "label_at": np.where(no_data, 0.0, np.maximum(np.nan_to_num(consumed), 0.0)),
        "status": status,
        "label": labels,
    })
    order = data["slo"].tolist()
    y = alt.Y("slo:N", title=None, sort=order)
    bars = (
        alt.Chart(data)
        .mark_bar(height=18)
        .encode(
            x=alt.X("budget_consumed:Q", title="error budget consumed", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domainMin=0, nice=True)),
            y=y,
            color=alt.Color("status:N", title=None,
                            scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("slo:N", title="SLO"), alt.Tooltip("label:N", title="attainment"),
                     alt.Tooltip("budget_consumed:Q", title="budget consumed", format=".0%")],
        )
        .properties(name="bars")
    )
    target_rule = (
        alt.Chart(alt.InlineData(values=[{"budget": 1.0}]))
        .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(x=alt.datum(1.0))
        .properties(name="target_rule")
    )
    labels_layer = (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", dx=4, fontSize=11)
        .encode(x=alt.X("label_at:Q"), y=y, text=alt.Text("label:N"))
        .properties(name="labels")
    )
    if title is None:
        title = "Error budget consumed"
        if "period_start" in table.columns and len(table):
            title += f" in {pd.Timestamp(table['period_start'].iloc[0]):%B %Y}"
    return alt.layer(bars, target_rule, labels_layer).properties(
        title=alt.TitleParams(title, subtitle="100% = the whole budget: a longer bar missed its target",
                              anchor="start"),
        width=WIDTH - 160,
        height=alt.Step(28),
    )


def budget_chart(daily: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Remaining error budget of each SLO day by day, against zero (budget spent).

    Parameters
    ----------
    daily : DataFrame
        One row per SLO and day with columns ``slo``, ``timestamp`` (day start, timezone-aware in the
        service's zone or naive local) and ``budget_remaining`` (1 = the whole budget left, below 0
        overspent; ``NaN`` for no value), e.g. :func:`~slm_analytics.review.budget_through_month`.
        ``window_label`` (``"rolling 28 days"``) is added to the legend when present.
    title : str, optional
        Chart title; default "Error budget remaining" with the month of the first day.

    Returns
    -------
    alt.LayerChart
        Layers named ``line`` (one coloured line per SLO, a point per day; missing values break it) and
        ``zero_rule`` (0, the budget spent, as ``alt.datum``).

    Raises
    ------
    DataError
        If a column is missing, ``timestamp`` is not datetimes, an SLO repeats a day, or the frame is empty.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import budget_through_month
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> chart = budget_chart(budget_through_month(sli, catalog, service="payments", month="2026-02"))
    >>> [layer.name for layer in chart.layer]
    ['line', 'zero_rule']
    """
    what = "budget_chart"
    require_columns(daily, ["slo", "timestamp", "budget_remaining"], what)
    if daily.empty:
        msg = f"{what}: the frame is empty; expected one row per SLO and day"
        raise DataError(msg)
    parts = []
    for slo, one in daily.groupby("slo", sort=False, observed=True):
        data = daily_data(one[["timestamp", "budget_remaining"]].rename(columns={"budget_remaining": "sli"}),
                           f"{what}: SLO {slo!r}")
        label = str(slo)
        if "window_label" in one.columns:
            label += f" ({one['window_label'].iloc[0]})"
        parts.append(data.rename(columns={"sli": "budget_remaining"}).assign(slo=label))
    data = pd.concat(parts, ignore_index=True)
    order = list(dict.fromkeys(data["slo"]))
    line = (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-filter-domains", strokeWidth=1.5)
        .encode(
            x=alt.X("timestamp:T", title=None, scale=alt.Scale(type="utc"),
                    axis=alt.Axis(format="%d %b", labelAngle=0, tickCount="week")),
            y=alt.Y("budget_remaining:Q", title="error budget remaining", axis=alt.Axis(format="%")),
            color=alt.Color("slo:N", title=None, sort=order, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=order, range=SERIES_COLORS)),
            tooltip=[alt.Tooltip("slo:N", title="SLO"), alt.Tooltip("day:N", title="end of"),
                     alt.Tooltip("budget_remaining:Q", title="budget remaining", format=".0%")],
        )
        .properties(name="line")
    )
    zero_rule = (
        alt.Chart(alt.InlineData(values=[{"budget": 0.0}]))
        .mark_rule(color=ZERO_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(y=alt.datum(0.0))
        .properties(name="zero_rule")
    )
    if title is None:
        first = pd.Timestamp(daily["timestamp"].min())
        title = f"Error budget remaining through {first:%B %Y}"
    subtitle = "at the end of each day, in each SLO's own window; below the dashed line the budget is spent"
    return alt.layer(line, zero_rule).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start"),
        width=WIDTH,
        height=220,
    )


# ------------------------------------------------------------------------------------------- fleet heatmap

#: share of the error budget spent from which an SLO that met its target counts as "at risk"
AT_RISK_SHARE = 0.75


def _month_periods(values: pd.Series, what: str, column: str) -> list[pd.Period]:
    """Each value (``"YYYY-MM"``, a date or a timezone-aware month start) as a calendar month, in its zone."""
    out = []
    for row, v in enumerate(values.tolist()):
        try:
            ts = pd.Timestamp(v)
            out.append(pd.Period(ts.tz_localize(None) if ts.tzinfo is not None else ts, freq="M"))
        except (ValueError, TypeError):
            msg = (f"{what}: column {column!r} row {row}: {str(v)[:40]!r} is not a month; expected "
                   "'YYYY-MM' or a month start")
            raise DataError(msg) from None
    return out


def _heatmap_status(table: pd.DataFrame, attainment: np.ndarray, target: np.ndarray, consumed: np.ndarray,
                    at_risk: float, what: str) -> np.ndarray:
    """Give each cell its status: the table's ``status`` when present, else from attainment and budget."""
    if "status" in table.columns:
        status = table["status"].astype(str).to_numpy()
        bad = sorted(set(status) - set(STATUS_PALETTE))
        if bad:
            msg = (f"{what}: column 'status' holds {', '.join(repr(b[:40]) for b in bad)}; expected one of "
                   f"{', '.join(STATUS_PALETTE)}")
            raise DataError(msg)
        return status
    with np.errstate(invalid="ignore"):
        return np.select(
            [np.isnan(attainment), attainment < target, consumed >= at_risk],
            ["no data", "missed", "at risk"], default="met",
        )


def compliance_heatmap(table: pd.DataFrame, *, at_risk: float = AT_RISK_SHARE,
                       title: str | None = None) -> alt.LayerChart:
    """Attainment of each service (or SLO) in each month against its target: met, at risk or missed.

    Parameters
    ----------
    table : DataFrame
        One row per service (or SLO) and month: ``service``, ``attainment`` (``NaN`` for no data),
        ``target`` and the month, as ``month`` (``"YYYY-MM"`` or a month start) or ``period_start``;
        e.g. :func:`~slm_analytics.review.monthly_attainment` of several services and months, concatenated.
        With an ``slo`` column each row of the heatmap is one SLO (``"<service> / <slo>"``).
        ``budget_consumed`` (share of the month's budget spent) is computed as
        ``(1 - attainment) / (1 - target)`` when absent; a ``status`` column (met, at risk, missed,
        no data) is used as given.
    at_risk : float
        Share of the error budget spent (in (0, 1]) from which a month that met its target is "at risk".
    title : str, optional
        Chart title; default "Attainment against target, <first month> to <last month>".

    Returns
    -------
    alt.LayerChart
        Layers named ``cells`` (one rectangle per row and month, coloured by status with
        :data:`~slm_analytics.charts.palette.STATUS_PALETTE`; the tooltip has the exact attainment, target
        and budget spent) and ``labels`` (the attainment in percent). Rows keep the table's order, months
        run left to right.

    Raises
    ------
    DataError
        A missing column, an empty table, a month that cannot be read, an unknown status, a row and month
        given twice.
    ParameterError
        ``at_risk`` not in (0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import monthly_attainment
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> table = pd.concat([monthly_attainment(sli, catalog, service=s, month=m)
    ...                    for s in ("checkout", "payments") for m in ("2026-01", "2026-02")])
    >>> chart = compliance_heatmap(table)
    >>> [layer.name for layer in chart.layer]
    ['cells', 'labels']
    >>> sorted(set(chart.data["status"]))
    ['at risk', 'met', 'missed']
    """
    what = "compliance_heatmap"
    require_columns(table, ["service", "attainment", "target"], what)
    month_col = "month" if "month" in table.columns else "period_start"
    require_columns(table, [month_col], what)
    require_rows(table, what, "one row per service (or SLO) and month")
    if isinstance(at_risk, bool) or not isinstance(at_risk, (int, float)) or not 0 < at_risk <= 1:
        msg = f"{what}: at_risk {at_risk!r} must be a share of the error budget in (0, 1], e.g. 0.75"
        raise ParameterError(msg)
    months = _month_periods(table[month_col], what, month_col)
    attainment = table["attainment"].to_numpy(dtype=float)
    target = table["target"].to_numpy(dtype=float)
    consumed = (table["budget_consumed"].to_numpy(dtype=float) if "budget_consumed" in table.columns
                else (1.0 - attainment) / (1.0 - target))
    row = table["service"].astype(str).to_numpy()
    if "slo" in table.columns:
        row = row + " / " + table["slo"].astype(str).to_numpy()
    data = pd.DataFrame({
        "row": row,
        "month": [str(p) for p in months],
        "month_label": [p.strftime("%b %Y") for p in months],
        "attainment": attainment,
        "target": target,
        "budget_consumed": consumed,
        "status": _heatmap_status(table, attainment, target, consumed, at_risk, what),
        "label": [fmt_percent(a, 2) if np.isfinite(a) else "no data" for a in attainment],
        "target_label": [fmt_percent(t, target_decimals(t)) for t in target],
    })
    repeated = data.duplicated(["row", "month"])
    if repeated.any():
        first = data[repeated].iloc[0]
        msg = (f"{what}: {first['row']!r} appears twice in {first['month']}; expected one row per service "
               "(or SLO) and month")
        raise DataError(msg)
    rows = list(dict.fromkeys(data["row"]))
    month_order = sorted(set(data["month"]))
    label_order = [pd.Period(m, freq="M").strftime("%b %Y") for m in month_order]
    x = alt.X("month_label:O", title=None, sort=label_order, axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(labelLimit=260))
    tooltip = [alt.Tooltip("row:N", title="service / SLO" if "slo" in table.columns else "service"),
               alt.Tooltip("month_label:N", title="month"), alt.Tooltip("status:N"),
               alt.Tooltip("attainment:Q", format=".3%"), alt.Tooltip("target_label:N", title="target"),
               alt.Tooltip("budget_consumed:Q", title="error budget spent", format=".0%")]
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(x=x, y=y, tooltip=tooltip,
                color=alt.Color("status:N", title=None, scale=alt.Scale(**status_scale()),
                                legend=alt.Legend(orient="bottom")))
        .properties(name="cells")
    )
    ink = {"met": "white", "at risk": "black", "missed": "white", "no data": "black"}
    labels = (
        alt.Chart(data)
        .mark_text(baseline="middle", fontSize=12)
        .encode(x=x, y=y, text=alt.Text("label:N"), tooltip=tooltip,
                color=alt.Color("status:N", legend=None,
                                scale=alt.Scale(domain=list(ink), range=list(ink.values()))))
        .properties(name="labels")
    )
    if title is None:
        title = f"Attainment against target, {label_order[0]} to {label_order[-1]}"
    subtitle = (f"at risk: target met but {at_risk:.0%} or more of the error budget spent; "
                "hover a cell for the exact numbers")
    return alt.layer(cells, labels).resolve_scale(color="independent").properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=16),
        width=alt.Step(84),
        height=alt.Step(30),
    )


# -------------------------------------------------------------------------------- attainment with interval


def _interval_columns(table: pd.DataFrame, what: str) -> tuple[str, str]:
    """Return the interval's columns: ``low``/``high``, or ``lower``/``upper`` (sli_interval)."""
    if {"low", "high"} <= set(table.columns):
        return "low", "high"
    if {"lower", "upper"} <= set(table.columns):
        return "lower", "upper"
    require_columns(table, ["low", "high"], what)
    return "low", "high"


def _axis_decimals(*values: np.ndarray) -> int:
    """Percent decimals that tell apart the ~5 ticks of the narrowest row's x axis (2 at least, 4 at most).

    Each row spans its attainment, interval and target; a span of 0.01 points (99.95 % to 99.96 %) needs 3.
    """
    stacked = np.vstack([np.asarray(v, dtype=float) for v in values])
    with np.errstate(invalid="ignore"):
        spans = np.nanmax(stacked, axis=0) - np.nanmin(stacked, axis=0)
    spans = spans[np.isfinite(spans) & (spans > 0)]
    if not spans.size:
        return 2
    step = spans.min() * 100 / 4  # percentage points between ticks
    return int(min(4, max(2, math.ceil(-math.log10(step)))))


def attainment_interval_chart(table: pd.DataFrame, *, confidence: float = 0.95,
                              title: str | None = None) -> alt.FacetChart:
    """Attainment of each SLO with its confidence interval, against its target, one row per SLO.

    Parameters
    ----------
    table : DataFrame
        One row per SLO with ``slo``, ``attainment``, ``target`` and the interval's bounds ``low``/``high``
        (or ``lower``/``upper``, as :func:`~slm_analytics.sli.sli_interval` returns them), e.g.
        :func:`~slm_analytics.review.monthly_attainment` joined with ``sli_interval(good, total)``;
        ``service`` is shown when present.
    confidence : float
        The interval's confidence level, for the titles.
    title : str, optional
        Chart title; default "Attainment with its <confidence> confidence interval".

    Returns
    -------
    alt.FacetChart
        One row per SLO, each with its own x scale (targets differ), built from layers named ``interval``
        (from ``low`` to ``high``), ``target_rule`` (the SLO's target), ``dot`` (the attainment, coloured
        from :data:`~slm_analytics.charts.palette.STATUS_PALETTE`: missed below the target; at risk when
        met but the interval reaches below the target, so the data cannot tell it was met; met when the
        whole interval is at or above it; no data). Each row's header gives the attainment, the interval
        and the target in percent.

    Raises
    ------
    DataError
        A missing column, an empty table, an SLO given twice.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import monthly_attainment
    >>> from slm_analytics.sli import sli_interval
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> month = monthly_attainment(sli, catalog, service="payments", month="2026-02")
    >>> ci = sli_interval(month["good"], month["total"])
    >>> chart = attainment_interval_chart(month.join(ci[["lower", "upper"]]))
    >>> [layer.name for layer in chart.spec.layer]
    ['interval', 'target_rule', 'dot']
    """
    what = "attainment_interval_chart"
    require_columns(table, ["slo", "attainment", "target"], what)
    low_col, high_col = _interval_columns(table, what)
    require_rows(table, what, "one row per SLO")
    label = table["slo"].astype(str).to_numpy()
    if "service" in table.columns:
        label = table["service"].astype(str).to_numpy() + " / " + label
    if len(set(label)) < len(label):
        msg = f"{what}: SLO {pd.Series(label)[pd.Series(label).duplicated()].iloc[0]!r} appears twice"
        raise DataError(msg)
    a = table["attainment"].to_numpy(dtype=float)
    t = table["target"].to_numpy(dtype=float)
    low, high = table[low_col].to_numpy(dtype=float), table[high_col].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        status = np.select([np.isnan(a), a < t, low < t], ["no data", "missed", "at risk"], default="met")
    decimals = [max(target_decimals(v) + 1, 2) for v in t]
    data = pd.DataFrame({
        "label": label, "attainment": a, "low": low, "high": high, "target": t, "status": status,
        "text": [f"{fmt_percent(v, d)} ({fmt_percent(lo, d)} to {fmt_percent(hi, d)})" if np.isfinite(v)
                 else "no data" for v, lo, hi, d in zip(a, low, high, decimals, strict=True)],
        "target_label": [fmt_percent(v, target_decimals(v)) for v in t],
    })
    data["heading"] = data["label"] + ": " + data["text"] + ", target " + data["target_label"]
    x = alt.X("attainment:Q", title=None, scale=alt.Scale(zero=False, nice=False, padding=24),
              axis=alt.Axis(format=f".{_axis_decimals(a, low, high, t)}%", tickCount=5))
    tooltip = [alt.Tooltip("label:N", title="SLO"), alt.Tooltip("status:N"),
               alt.Tooltip("attainment:Q", format=".3%"),
               alt.Tooltip("low:Q", title=f"{confidence:.0%} interval from", format=".3%"),
               alt.Tooltip("high:Q", title="to", format=".3%"), alt.Tooltip("target_label:N", title="target")]
    interval = (alt.Chart().mark_rule(strokeWidth=3, color="#999999")
                .encode(x=alt.X("low:Q"), x2=alt.X2("high:Q"), tooltip=tooltip).properties(name="interval"))
    target_rule = (alt.Chart().mark_tick(color=TARGET_COLOR, thickness=3, size=30)
                   .encode(x=alt.X("target:Q"), tooltip=[alt.Tooltip("target_label:N", title="target")])
                   .properties(name="target_rule"))
    dot = (alt.Chart().mark_point(filled=True, size=110, opacity=1)
           .encode(x=x, tooltip=tooltip,
                   color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom"),
                                   scale=alt.Scale(**status_scale())))
           .properties(name="dot"))
    layered = alt.layer(interval, target_rule, dot).properties(width=WIDTH - 160, height=40)
    subtitle = (f"dot: attainment; grey bar: its {confidence:.0%} confidence interval; green tick: the "
                "target. At risk: met, but the interval reaches below the target")
    return layered.facet(
        data=data,
        row=alt.Row("heading:N", title=None, sort=data["heading"].tolist(),
                    header=alt.Header(labelAngle=0, labelAnchor="start", labelFontSize=13,
                                      labelOrient="top")),
    ).resolve_scale(x="independent").properties(
        title=alt.TitleParams(title or f"Attainment with its {confidence:.0%} confidence interval",
                              subtitle=subtitle, anchor="start", fontSize=16),
    )


# ---------------------------------------------------------------------------------------- calendar heatmap


def calendar_chart(daily: pd.DataFrame, *, target: float, title: str | None = None) -> alt.Chart:
    """Daily attainment of one SLO as a calendar: a column per week, a row per weekday, met or missed.

    Parameters
    ----------
    daily : DataFrame
        One SLO's daily values, as :func:`sli_chart` takes them: ``timestamp`` (day start, timezone-aware in
        the service's zone or naive local) and ``sli`` (``NaN`` for a day without data), e.g.
        :func:`~slm_analytics.sli.ratio_sli` with ``freq="1D"`` over a year.
    target : float
        The SLO's target in (0, 1): a day below it is coloured missed.
    title : str, optional
        Chart title; default ``"<service> / <slo>: daily attainment, <first day> to <last day>"``.

    Returns
    -------
    alt.Chart
        A chart named ``cells``: one square per day (weeks start on Monday, months named along the top),
        coloured from :data:`~slm_analytics.charts.palette.STATUS_PALETTE` (met, missed, no data for a day
        without events or missing); the tooltip has the day, its attainment and the target.

    Raises
    ------
    DataError
        A missing column, ``timestamp`` not datetimes, a repeated day, an empty frame.
    ParameterError
        ``target`` not in (0, 1).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sli import ratio_sli
    >>> sli = read_dataset("sli_5min")
    >>> one = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")]
    >>> chart = calendar_chart(ratio_sli(one, freq="1D", tz="Europe/London"), target=0.999)
    >>> chart.name, len(chart.data)
    ('cells', 365)
    """
    what = "calendar_chart"
    require_columns(daily, ["timestamp", "sli"], what)
    require_rows(daily, what, "one row per day of one SLO")
    target = check_target(target, what)
    data = daily_data(daily, what)
    days = pd.to_datetime(data["timestamp"])
    sli = data["sli"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        status = np.select([np.isnan(sli), sli < target], ["no data", "missed"], default="met")
    decimals = max(target_decimals(target) + 1, 2)
    data = data.assign(
        week=(days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d").to_numpy(),
        weekday=days.dt.strftime("%a").to_numpy(),
        status=status,
        attainment=[fmt_percent(v, decimals) for v in sli],
        target=fmt_percent(target, target_decimals(target)),
    )
    weeks = sorted(set(data["week"]))
    month_label = ("toNumber(slice(datum.value, 8, 10)) <= 7 ? "
                   "utcFormat(toDate(datum.value + 'T00:00:00Z'), '%b') : ''")
    statuses = [s for s in ("met", "missed", "no data") if s in set(status)] or ["met"]
    chart = (
        alt.Chart(data, name="cells")
        .mark_rect(stroke="white", strokeWidth=1.5)
        .encode(
            x=alt.X("week:O", title=None, sort=weeks,
                    axis=alt.Axis(labelExpr=month_label, orient="top", ticks=False, labelAngle=0,
                                  labelAlign="left", labelFontSize=12, domain=False)),
            y=alt.Y("weekday:O", title=None, sort=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                    axis=alt.Axis(ticks=False, domain=False, labelFontSize=11)),
            color=alt.Color("status:N", title=None, scale=alt.Scale(**status_scale(statuses)),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("day:N", title="day"), alt.Tooltip("attainment:N"),
                     alt.Tooltip("target:N"), alt.Tooltip("status:N")],
        )
    )
    if title is None:
        title = (f"{default_title(daily, None)}: daily attainment, {days.iloc[0]:%d %b %Y} to "
                 f"{days.iloc[-1]:%d %b %Y}")
    missed, measured = int((status == "missed").sum()), int((status != "no data").sum())
    subtitle = (f"one square per day, red below the {fmt_percent(target, target_decimals(target))} target; "
                f"{missed} of {measured} days with data missed it")
    return chart.properties(title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=16),
                            width=alt.Step(13), height=alt.Step(13))
