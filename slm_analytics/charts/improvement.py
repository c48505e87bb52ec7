"""Charts of the improvement half of the loop: users' needs, where the budget went, the priority ranking."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._compat import import_jsonschema
from ..errors import DataError, ParameterError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402

from ._base import require_columns, require_rows  # noqa: E402
from .palette import (  # noqa: E402
    CAUSE_COLORS,
    PART_COLORS,
    QUADRANT_COLORS,
    SERIES_COLORS,
    WIDTH,
    ZERO_COLOR,
)

__all__ = ["INCIDENT_COLORS", "budget_attribution_chart", "importance_performance_chart", "priority_chart",
           "worst_hours_chart"]

#: the bars of the worst hours: an incident record overlaps the hour, or nothing was recorded
INCIDENT_COLORS = {"incident overlaps": "#e45756", "no incident recorded": "#9d755d"}


def _slo_labels(table: pd.DataFrame) -> np.ndarray:
    return table["service"].astype(str).to_numpy() + " / " + table["slo"].astype(str).to_numpy()


def _priority_parts(table: pd.DataFrame, weights: dict[str, float], what: str) -> pd.DataFrame:
    """One row per SLO and part: the part's value, its weight share and its contribution to the score."""
    parts = [p for p in PART_COLORS if p in weights]
    unknown = sorted(set(weights) - set(PART_COLORS))
    if unknown or not parts:
        msg = (f"{what}: weights name {', '.join(map(repr, unknown)) or 'no part'}; expected the parts "
               f"{', '.join(PART_COLORS)}")
        raise DataError(msg)
    require_columns(table, parts, what)
    total = float(sum(weights[p] for p in parts))
    labels = _slo_labels(table)
    return pd.concat([
        pd.DataFrame({
            "label": labels,
            "part": part.replace("_", " "),
            "value": table[part].to_numpy(dtype=float),
            "weight": weights[part] / total,
            "contribution": table[part].to_numpy(dtype=float) * weights[part] / total,
            "order": i,
            "score": table["score"].to_numpy(dtype=float),
        }) for i, part in enumerate(parts)
    ], ignore_index=True)


def priority_chart(priorities: Any, *, n: int | None = 15, title: str | None = None) -> alt.HConcatChart:
    """SLOs ranked for improvement: the score's weighted parts stacked, and how stable each rank is.

    Parameters
    ----------
    priorities : Priorities
        :func:`~slm_analytics.priorities.priority_scores`'s result: ``.table`` (``service``, ``slo``, the
        parts ``risk``, ``impact``, ``user_need``, ``worsening``, ``recurrence``, ``score``, ``rank``,
        ``rank_low``, ``rank_high``, ``top_share``), ``.weights`` and ``.top``.
    n : int or None
        Show the ``n`` best-ranked SLOs (``None``: all).
    title : str, optional
        Chart title; default "Where to improve first: the <n> highest priority scores".

    Returns
    -------
    alt.HConcatChart
        Two panels sharing the SLO axis, best first (altair suffixes the layer names with the panel's
        index in the spec). ``parts``: layers ``bars`` (one segment per part,
        weight x part / sum of weights, so a bar's length is the score; the tooltip has the part, its weight
        and contribution) and ``score_labels``. ``sensitivity``: layers ``band`` (the 95 % rank interval
        over the weight draws), ``rank_dot`` (the rank with these weights) and ``share_labels`` (share of
        the draws that keep the SLO in the top ``top``).

    Raises
    ------
    DataError
        A missing column, an empty table, weights naming unknown parts.
    ParameterError
        ``n`` not a whole number >= 1.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.priorities import priority_evidence, priority_scores
    >>> ev = priority_evidence(read_dataset("sli_5min"), read_dataset("catalog"),
    ...                        incidents=read_dataset("incidents"), seed=1, n_paths=200)
    >>> chart = priority_chart(priority_scores(ev, seed=1), n=10)
    >>> [panel.name for panel in chart.hconcat]
    ['parts', 'sensitivity']
    """
    what = "priority_chart"
    table = priorities.table
    require_columns(table, ["service", "slo", "score", "rank", "rank_low", "rank_high", "top_share"], what)
    require_rows(table, what, "one row per SLO (Priorities.table)")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        msg = f"{what}: n {n!r} must be a whole number >= 1, or None for every SLO"
        raise ParameterError(msg)
    table = table.sort_values("rank", kind="stable")
    if n is not None:
        table = table.head(n)
    parts = _priority_parts(table, dict(priorities.weights), what)
    top = int(priorities.top)
    ranks = pd.DataFrame({
        "label": _slo_labels(table),
        "rank": table["rank"].to_numpy(dtype=float),
        "rank_low": table["rank_low"].to_numpy(dtype=float),
        "rank_high": table["rank_high"].to_numpy(dtype=float),
        "top_share": table["top_share"].to_numpy(dtype=float),
        "score": table["score"].to_numpy(dtype=float),
    })
    ranks["share_text"] = [f"top {top} in {s:.0%}" for s in ranks["top_share"]]
    order = ranks["label"].tolist()
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=240, labelFontSize=12))
    names = list(dict.fromkeys(parts["part"]))
    part_scale = alt.Scale(domain=names, range=[PART_COLORS[p.replace(" ", "_")] for p in names])
    bars = (
        alt.Chart(parts)
        .mark_bar(height=18)
        .encode(
            x=alt.X("sum(contribution):Q", title="priority score (weight x part)", stack="zero",
                    scale=alt.Scale(domainMin=0)),
            y=y,
            color=alt.Color("part:N", title="part", scale=part_scale, sort=names,
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("label:N", title="SLO"), alt.Tooltip("part:N"),
                     alt.Tooltip("value:Q", title="part (0-1)", format=".3f"),
                     alt.Tooltip("weight:Q", title="weight", format=".0%"),
                     alt.Tooltip("contribution:Q", title="adds to the score", format=".3f"),
                     alt.Tooltip("score:Q", format=".3f")],
        )
        .properties(name="bars")
    )
    score_labels = (
        alt.Chart(ranks)
        .mark_text(align="left", baseline="middle", dx=4, fontSize=11)
        .encode(x=alt.X("score:Q"), y=y, text=alt.Text("score:Q", format=".2f"))
        .properties(name="score_labels")
    )
    rank_x = alt.X("rank_low:Q", title="rank with other weights (95% interval)",
                   scale=alt.Scale(domainMin=1, nice=False, zero=False))
    rank_tip = [alt.Tooltip("label:N", title="SLO"), alt.Tooltip("rank:Q", format=".0f"),
                alt.Tooltip("rank_low:Q", title="95% of draws from rank", format=".0f"),
                alt.Tooltip("rank_high:Q", title="to rank", format=".0f"),
                alt.Tooltip("top_share:Q", title=f"in the top {top} in", format=".1%")]
    y = alt.Y("label:N", title=None, sort=order, axis=None)  # the left panel names the SLOs
    band = (alt.Chart(ranks).mark_rule(strokeWidth=3, color="#999999")
            .encode(x=rank_x, x2=alt.X2("rank_high:Q"), y=y, tooltip=rank_tip).properties(name="band"))
    rank_dot = (alt.Chart(ranks).mark_point(filled=True, size=70, opacity=1, color="#333333")
                .encode(x=alt.X("rank:Q"), y=y, tooltip=rank_tip).properties(name="rank_dot"))
    share_labels = (alt.Chart(ranks).mark_text(align="left", baseline="middle", dx=8, fontSize=11)
                    .encode(x=alt.X("rank_high:Q"), y=y, text=alt.Text("share_text:N"))
                    .properties(name="share_labels"))
    left = alt.layer(bars, score_labels).properties(name="parts", width=380, height=alt.Step(26))
    right = alt.layer(band, rank_dot, share_labels).properties(
        name="sensitivity", width=200, height=alt.Step(26))
    if title is None:
        title = f"Where to improve first: the {len(ranks)} highest priority scores"
    subtitle = ("bar: the score, split into its weighted parts; right: the rank when the weights vary, "
                f"and how often the SLO stays in the top {top}")
    return alt.hconcat(left, right, spacing=12).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=16))


def _cause_scale(sources: list[str]) -> tuple[list[str], list[str]]:
    """Legend order and colours of the sources: known causes, other causes, maintenance, unattributed."""
    known = [s for s in CAUSE_COLORS if s in sources and s not in ("maintenance", "unattributed")]
    other = sorted(set(sources) - set(CAUSE_COLORS))
    tail = [s for s in ("maintenance", "unattributed") if s in sources]
    spare = [c for c in SERIES_COLORS if c not in CAUSE_COLORS.values()] or SERIES_COLORS
    colors = ([CAUSE_COLORS[s] for s in known] + [spare[i % len(spare)] for i in range(len(other))]
              + [CAUSE_COLORS[s] for s in tail])
    return known + other + tail, colors


def budget_attribution_chart(attribution: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Where each SLO's error budget went: the budget each cause spent, stacked, against the whole budget.

    Parameters
    ----------
    attribution : DataFrame
        :func:`~slm_analytics.improvement.budget_attribution`'s result: one row per SLO and source with
        ``service``, ``slo``, ``source``, ``kind``, ``share`` (of the SLO's bad units) and
        ``budget_share`` (of the period's error budget; an SLO's rows sum to its budget spent);
        ``period_start``/``period_end`` name the period in the default title when present.
    title : str, optional
        Chart title; default "Where the error budget went" with the period.

    Returns
    -------
    alt.LayerChart
        Layers named ``bars`` (one segment per source that spent budget, a bar per SLO, most spent first;
        the tooltip has the source, its kind, the budget it spent and its share of the SLO's bad units),
        ``budget_rule`` (100 %: the whole budget, as ``alt.datum``) and ``labels`` (the budget spent).

    Raises
    ------
    DataError
        A missing column or an empty frame.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.improvement import budget_attribution
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> att = budget_attribution(sli, inc, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z",
    ...                          exclusions=read_dataset("maintenance"))
    >>> chart = budget_attribution_chart(att)
    >>> [layer.name for layer in chart.layer]
    ['bars', 'budget_rule', 'labels']
    """
    what = "budget_attribution_chart"
    require_columns(attribution, ["service", "slo", "source", "kind", "share", "budget_share"], what)
    require_rows(attribution, what, "one row per SLO and source (budget_attribution)")
    data = pd.DataFrame({
        "label": _slo_labels(attribution),
        "source": attribution["source"].astype(str).to_numpy(),
        "kind": attribution["kind"].astype(str).to_numpy(),
        "share": attribution["share"].to_numpy(dtype=float),
        "budget_share": attribution["budget_share"].to_numpy(dtype=float),
    })
    spent = data.groupby("label", sort=False)["budget_share"].sum(min_count=1)
    order = spent.sort_values(ascending=False, kind="stable", na_position="last").index.tolist()
    data = data[np.nan_to_num(data["budget_share"].to_numpy()) > 0]
    domain, colors = _cause_scale(list(dict.fromkeys(data["source"])))
    data = data.assign(order=data["source"].map({s: i for i, s in enumerate(domain)}))
    totals = pd.DataFrame({"label": spent.index, "spent": spent.to_numpy(dtype=float)})
    totals["text"] = [f"{v:.0%}" if np.isfinite(v) else "no data" for v in totals["spent"]]
    totals["at"] = np.nan_to_num(totals["spent"].to_numpy())
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=240, labelFontSize=12))
    bars = (
        alt.Chart(data)
        .mark_bar(height=18)
        .encode(
            x=alt.X("budget_share:Q", title="share of the period's error budget spent", stack="zero",
                    axis=alt.Axis(format="%"), scale=alt.Scale(domainMin=0)),
            y=y,
            color=alt.Color("source:N", title="spent by", scale=alt.Scale(domain=domain, range=colors),
                            sort=domain, legend=alt.Legend(orient="bottom", columns=5)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("label:N", title="SLO"), alt.Tooltip("source:N"), alt.Tooltip("kind:N"),
                     alt.Tooltip("budget_share:Q", title="budget spent", format=".1%"),
                     alt.Tooltip("share:Q", title="share of bad units", format=".1%")],
        )
        .properties(name="bars")
    )
    budget_rule = (
        alt.Chart(alt.InlineData(values=[{"budget": 1.0}]))
        .mark_rule(color=ZERO_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(x=alt.datum(1.0))
        .properties(name="budget_rule")
    )
    labels = (
        alt.Chart(totals)
        .mark_text(align="left", baseline="middle", dx=4, fontSize=11)
        .encode(x=alt.X("at:Q"), y=y, text=alt.Text("text:N"),
                tooltip=[alt.Tooltip("label:N", title="SLO"),
                         alt.Tooltip("spent:Q", title="budget spent", format=".1%")])
        .properties(name="labels")
    )
    if title is None:
        title = "Where the error budget went"
        if {"period_start", "period_end"} <= set(attribution.columns):
            start = pd.Timestamp(attribution["period_start"].iloc[0])
            last = pd.Timestamp(attribution["period_end"].iloc[0]) - pd.Timedelta(microseconds=1)
            title += f", {start:%d %b %Y} to {last:%d %b %Y}"
    subtitle = "each bar: the budget an SLO spent, split by cause; past the dashed line it is overspent"
    return alt.layer(bars, budget_rule, labels).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=16),
        width=WIDTH - 200,
        height=alt.Step(26),
    )


def _ipa_data(table: pd.DataFrame) -> pd.DataFrame:
    """One row per requirement with a known importance and satisfaction: what the points and bars draw."""
    data = pd.DataFrame({
        "id": table["id"].astype(str).to_numpy() if "id" in table.columns else np.arange(1, len(table) + 1),
        "service": table["service"].astype(str).to_numpy() if "service" in table.columns else "",
        "importance": table["importance"].to_numpy(dtype=float),
        "satisfaction": table["satisfaction"].to_numpy(dtype=float),
        "satisfaction_low": table["satisfaction_low"].to_numpy(dtype=float),
        "satisfaction_high": table["satisfaction_high"].to_numpy(dtype=float),
        "quadrant": table["quadrant"].astype(object).where(table["quadrant"].notna(), "unknown")
        .astype(str).to_numpy(),
    })
    for col in ("user_segment", "requirement", "respondents", "robust"):
        if col in table.columns:
            data[col] = table[col].astype(object).where(table[col].notna(), "unknown").astype(str).to_numpy()
    return data[np.isfinite(data["importance"]) & np.isfinite(data["satisfaction"])]


def importance_performance_chart(ipa: Any, *, title: str | None = None) -> alt.LayerChart:
    """Users' requirements placed by importance and satisfaction, in the four quadrants of the cut lines.

    Parameters
    ----------
    ipa : ImportancePerformance
        :func:`~slm_analytics.requirements.importance_performance`'s result: ``.table`` (``importance``,
        ``satisfaction``, ``satisfaction_low``/``satisfaction_high``, ``quadrant``; ``id``, ``service``,
        ``user_segment``, ``requirement``, ``respondents`` and ``robust`` go into the tooltip when present),
        ``.importance_cut``, ``.performance_cut``, ``.cuts`` and ``.level``.
    title : str, optional
        Chart title; default "What users need: importance against satisfaction".

    Returns
    -------
    alt.LayerChart
        Layers named ``quadrant_names`` (the quadrants' names in their corners), ``cut_lines`` (the two cut
        lines as rules), ``intervals`` (each requirement's satisfaction interval), ``points`` (coloured
        by quadrant with :data:`~slm_analytics.charts.palette.QUADRANT_COLORS`) and ``labels`` (the ids of
        the requirements to concentrate on, joined where they coincide; the others' are in the tooltip).
        Satisfaction runs along x and importance up y, both on the 1-5 scale (Martilla & James 1977).

    Raises
    ------
    DataError
        A missing column or no requirement with both an importance and a satisfaction.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.requirements import importance_performance
    >>> chart = importance_performance_chart(importance_performance(read_dataset("requirements")))
    >>> [layer.name for layer in chart.layer]
    ['quadrant_names', 'cut_lines', 'intervals', 'points', 'labels']
    """
    what = "importance_performance_chart"
    require_columns(ipa.table, ["importance", "satisfaction", "satisfaction_low", "satisfaction_high",
                                "quadrant"], what)
    data = _ipa_data(ipa.table)
    if data.empty:
        msg = f"{what}: no requirement has both an importance and a satisfaction; expected ratings 1-5"
        raise DataError(msg)
    i_cut, p_cut = float(ipa.importance_cut), float(ipa.performance_cut)
    scale = alt.Scale(domain=[0.5, 5.5], nice=False)
    x = alt.X("satisfaction:Q", title="satisfaction (1-5)", scale=scale)
    y = alt.Y("importance:Q", title="importance (1-5)", scale=scale)
    domain = [q for q in QUADRANT_COLORS if q in set(data["quadrant"])] + (
        ["unknown"] if "unknown" in set(data["quadrant"]) else [])
    quadrant_scale = alt.Scale(domain=domain, range=[QUADRANT_COLORS.get(q, "#888888") for q in domain])
    color = alt.Color("quadrant:N", title=None, legend=alt.Legend(orient="bottom"), scale=quadrant_scale)
    extra = [c for c in ("service", "user_segment", "requirement", "respondents", "robust") if c in data]
    tooltip = ([alt.Tooltip("id:N", title="requirement id")]
               + [alt.Tooltip(f"{c}:N", title=c.replace("_", " ")) for c in extra]
               + [alt.Tooltip("importance:Q", format=".2f"), alt.Tooltip("satisfaction:Q", format=".2f"),
                  alt.Tooltip("satisfaction_low:Q", title=f"{ipa.level:.0%} interval from", format=".2f"),
                  alt.Tooltip("satisfaction_high:Q", title="to", format=".2f"), alt.Tooltip("quadrant:N")])
    corners = pd.DataFrame({
        "name": list(QUADRANT_COLORS),
        "satisfaction": [0.55, 5.45, 0.55, 5.45], "importance": [5.48, 5.48, 0.52, 0.52],
        "align": ["left", "right", "left", "right"], "baseline": ["top", "top", "bottom", "bottom"],
    })
    quadrant_names = alt.layer(*[
        alt.Chart(corners.iloc[[i]])
        .mark_text(align=row.align, baseline=row.baseline, fontSize=13, fontWeight="bold",
                   color=QUADRANT_COLORS[row.name], opacity=0.8)
        .encode(x=alt.X("satisfaction:Q", scale=scale), y=alt.Y("importance:Q", scale=scale),
                text=alt.Text("name:N"))
        for i, row in enumerate(corners.itertuples())
    ]).properties(name="quadrant_names")
    cuts = pd.DataFrame({"importance_cut": [i_cut], "performance_cut": [p_cut]})
    cut_tip = [alt.Tooltip("importance_cut:Q", title="importance cut", format=".2f"),
               alt.Tooltip("performance_cut:Q", title="satisfaction cut", format=".2f")]
    cut_lines = alt.layer(
        alt.Chart(cuts).mark_rule(color="#555555", strokeDash=[6, 4], strokeWidth=1.5)
        .encode(x=alt.X("performance_cut:Q", scale=scale), tooltip=cut_tip),
        alt.Chart(cuts).mark_rule(color="#555555", strokeDash=[6, 4], strokeWidth=1.5)
        .encode(y=alt.Y("importance_cut:Q", scale=scale), tooltip=cut_tip),
    ).properties(name="cut_lines")
    intervals = (
        alt.Chart(data).mark_rule(strokeWidth=2, opacity=0.6)
        .encode(x=alt.X("satisfaction_low:Q", scale=scale, title="satisfaction (1-5)"),
                x2=alt.X2("satisfaction_high:Q"), y=y, color=color, tooltip=tooltip)
        .properties(name="intervals")
    )
    points = (
        alt.Chart(data).mark_point(filled=True, size=90, opacity=1)
        .encode(x=x, y=y, color=color, tooltip=tooltip)
        .properties(name="points")
    )
    act = data[data["quadrant"] == "concentrate here"]  # only where to act: other ids would pile up
    act = act.groupby(["importance", "satisfaction"], as_index=False, sort=False)["id"].agg(", ".join)
    labels = (
        alt.Chart(act)
        .mark_text(align="left", baseline="middle", dx=6, dy=-6, angle=300, fontSize=11, color="#333333")
        .encode(x=x, y=y, text=alt.Text("id:N"))
        .properties(name="labels")
    )
    cut_name = "the means of all requirements" if ipa.cuts == "mean" else "the scale midpoint 3"
    subtitle = (f"dashed: the cut lines at {cut_name} (importance {i_cut:.2f}, satisfaction {p_cut:.2f}); "
                f"bars: {ipa.level:.0%} interval of the satisfaction")
    return alt.layer(quadrant_names, cut_lines, intervals, points, labels).properties(
        title=alt.TitleParams(title or "What users need: importance against satisfaction", subtitle=subtitle,
                              anchor="start", fontSize=16),
        width=480,
        height=420,
    )


def worst_hours_chart(table: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Show the hours that spent the most error budget, worst first, coloured by whether an incident overlaps.

    Parameters
    ----------
    table : DataFrame
        :func:`~slm_analytics.improvement.worst_hours`'s result: ``service``, ``slo``, ``hour``, ``bad``,
        ``total``, ``budget_share``, ``n_incidents`` and ``incidents``; ``unit``, ``maintenance`` and
        ``period_start``/``period_end`` are used when present.
    title : str, optional
        Chart title; default "The hours that spent the most error budget" with the period.

    Returns
    -------
    alt.LayerChart
        Layers named ``bars`` (one horizontal bar per hour, its share of the period's error budget, the
        worst on top, coloured with :data:`INCIDENT_COLORS`; the tooltip has the SLO, the hour, the exact bad
        and total units, the share and the incidents' ids) and ``labels`` (the share, in percent).

    Raises
    ------
    DataError
        A missing column or an empty table.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.improvement import worst_hours
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> pay = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    >>> top = worst_hours(pay, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z", incidents=inc)
    >>> [layer.name for layer in worst_hours_chart(top).layer]
    ['bars', 'labels']
    """
    what = "worst_hours_chart"
    require_columns(table, ["service", "slo", "hour", "bad", "total", "budget_share", "n_incidents",
                            "incidents"], what)
    require_rows(table, what, "one row per hour (worst_hours); no hour of the period had bad units")
    hour = pd.to_datetime(table["hour"], utc=True)
    slos = _slo_labels(table)
    several = len(set(slos)) > 1
    when = hour.dt.strftime("%a %d %b %Y %H:00 UTC").to_numpy()
    n_inc = table["n_incidents"].to_numpy(dtype=np.int64)
    data = pd.DataFrame({
        "label": (slos + " · " + when) if several else when,
        "slo": slos,
        "hour": when,
        "bad": table["bad"].to_numpy(dtype=float),
        "total": table["total"].to_numpy(dtype=float),
        "budget_share": table["budget_share"].to_numpy(dtype=float),
        "unit": table["unit"].astype(str).to_numpy() if "unit" in table.columns else "units",
        "incident": np.where(n_inc > 0, "incident overlaps", "no incident recorded"),
        "incidents": np.where(n_inc > 0, table["incidents"].astype(str).to_numpy(), "none recorded"),
        "maintenance": (np.where(table["maintenance"].to_numpy(dtype=bool), "yes", "no")
                        if "maintenance" in table.columns else "not given"),
    })
    data = data.sort_values("budget_share", ascending=False, kind="stable", na_position="last")
    data["text"] = [f"{v:.1%}" if np.isfinite(v) else "" for v in data["budget_share"]]
    y = alt.Y("label:N", title=None, sort=data["label"].tolist(),
              axis=alt.Axis(labelLimit=320, labelFontSize=12))
    tooltip = [alt.Tooltip("slo:N", title="SLO"), alt.Tooltip("hour:N"),
               alt.Tooltip("budget_share:Q", title="budget spent", format=".2%"),
               alt.Tooltip("bad:Q", title="bad units", format=",.2f"),
               alt.Tooltip("total:Q", title="total units", format=",.0f"), alt.Tooltip("unit:N"),
               alt.Tooltip("incidents:N"), alt.Tooltip("maintenance:N", title="maintenance window")]
    domain = list(INCIDENT_COLORS)
    bars = (
        alt.Chart(data)
        .mark_bar(height=18)
        .encode(
            x=alt.X("budget_share:Q", title="share of the period's error budget spent in the hour",
                    axis=alt.Axis(format="%"), scale=alt.Scale(domainMin=0)),
            y=y,
            color=alt.Color("incident:N", title=None,
                            scale=alt.Scale(domain=domain, range=[INCIDENT_COLORS[k] for k in domain]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=tooltip,
        )
        .properties(name="bars")
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", dx=4, fontSize=11)
        .encode(x=alt.X("budget_share:Q"), y=y, text=alt.Text("text:N"), tooltip=tooltip)
        .properties(name="labels")
    )
    if title is None:
        title = "The hours that spent the most error budget"
        if not several:
            title = f"{slos[0]}: {title[0].lower()}{title[1:]}"
        if {"period_start", "period_end"} <= set(table.columns):
            start = pd.Timestamp(table["period_start"].iloc[0])
            last = pd.Timestamp(table["period_end"].iloc[0]) - pd.Timedelta(microseconds=1)
            title += f", {start:%d %b %Y} to {last:%d %b %Y}"
    subtitle = ("each bar: one clock hour (UTC), its share of the period's error budget; red: an incident "
                "overlaps")
    return alt.layer(bars, labels).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=16),
        width=WIDTH - 260,
        height=alt.Step(26),
    )
