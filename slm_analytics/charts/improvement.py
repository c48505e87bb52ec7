"""Charts of the improvement half of the loop: where the budget went, priority ranking and its stability."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._compat import import_jsonschema
from ..errors import DataError, ParameterError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402

from ._base import require_columns, require_rows  # noqa: E402
from .palette import CAUSE_COLORS, PART_COLORS, SERIES_COLORS, WIDTH, ZERO_COLOR  # noqa: E402

__all__ = ["budget_attribution_chart", "priority_chart"]


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
