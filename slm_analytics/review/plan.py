"""What to improve, for the review: the improvement priorities at the month's end and their tables.

:func:`month_priorities` ranks the fleet's SLOs at the end of the month reviewed (the priorities are relative
to the fleet, so the whole catalog is scored even when one service is reviewed); :func:`priorities_table`
shows them for a report. The numbers come from :mod:`slm_analytics.priorities`; here they are only written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from ..priorities import Priorities, data_end, priority_evidence, priority_scores
from .formats import AMBER, GREEN, RED, left_align, pct, styled
from .month import month_bounds

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["PROBLEMS", "attribution_table", "draft_sip", "effectiveness_table", "month_attribution",
           "month_priorities", "month_requirements", "past_actions", "priorities_table", "requirements_table",
           "sip_table"]

#: How far back the priorities look (a year: the horizon of the annual and quarterly service reviews).
LOOKBACK = "365d"


def month_priorities(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    service: str,
    month: str,
    incidents: pd.DataFrame | None = None,
    requirements: pd.DataFrame | None = None,
    exclusions: pd.DataFrame | None = None,
    weights: dict[str, float] | None = None,
    n_paths: int = 300,
    seed: int = 0,
) -> Priorities:
    """Rank the whole fleet's SLOs for improvement at the end of ``month`` (in ``service``'s time zone).

    Parameters
    ----------
    sli, catalog, incidents, requirements, exclusions
        As :func:`~slm_analytics.priorities.priority_evidence` takes them.
    service : str
        The service reviewed: its time zone says when the month ends.
    month : str
        ``YYYY-MM``.
    weights : mapping, optional
        Weights of the score's parts (:data:`~slm_analytics.priorities.DEFAULT_WEIGHTS`).
    n_paths, seed
        Breach-probability paths and seed (seeded: the report is reproducible).

    Returns
    -------
    Priorities

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> pr = month_priorities(read_dataset("sli_5min"), read_dataset("catalog"), service="notifications",
    ...                       month="2026-10", incidents=read_dataset("incidents"))
    >>> pr.table.iloc[0][["service", "slo"]].tolist()
    ['notifications', 'delivery']
    """
    _, end = month_bounds(month, tz=catalog.service(service).timezone)
    end = min(end, data_end(sli))  # a month still running (or cut short by the data) ends with the data
    evidence = priority_evidence(sli, catalog, as_of=end, lookback=LOOKBACK, incidents=incidents,
                                 requirements=requirements, exclusions=exclusions, n_paths=n_paths, seed=seed)
    return priority_scores(evidence, weights=weights, seed=seed)


def _decision_words(code: str) -> str:
    """``"loosen-slo or offload-toil"`` -> ``"loosen slo / offload toil"`` (alternatives split by " / ")."""
    return " / ".join(alt.replace("-", " ") for alt in code.split(" or ") if alt)


def priorities_table(priorities: Priorities, *, service: str | None = None, top: int | None = None
                     ) -> Styler:
    """Present :func:`month_priorities` (or any :class:`~slm_analytics.priorities.Priorities`) for a report.

    Parameters
    ----------
    priorities : Priorities
        The ranked SLOs.
    service : str, optional
        Show only this service's SLOs (their rank stays the fleet's).
    top : int, optional
        Show only the first ``top`` rows (after the ``service`` filter).

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns rank, SLO, score, the five parts, in top N (share of weight draws), rank range, owner,
        suggested (decision matrix), action (from the dominant incident cause), policy.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> pr = month_priorities(read_dataset("sli_5min"), read_dataset("catalog"), service="search",
    ...                       month="2026-10", incidents=read_dataset("incidents"))
    >>> priorities_table(pr, service="search").data["SLO"].tolist()[0]
    'search / latency'
    """
    t = priorities.table
    if service is not None:
        t = t[t["service"] == service]
    if top is not None:
        t = t.head(top)
    shown = pd.DataFrame({
        "rank": t["rank"].astype(int),
        "SLO": (t["service"].astype(str) + " / " + t["slo"].astype(str)),
        "score": t["score"].astype(float),
        "risk": t["risk"].astype(float),
        "impact": t["impact"].astype(float),
        "user need": t["user_need"].astype(float),
        "worsening": t["worsening"].astype(float),
        "recurrence": t["recurrence"].astype(float),
        f"in top {priorities.top}": t["top_share"].astype(float),
        "rank range": [f"{lo:.0f}–{hi:.0f}" for lo, hi in zip(t["rank_low"], t["rank_high"], strict=True)],
        "owner": t["owner"].astype(str),
        "suggested": t["decision"].astype(str).map(_decision_words),
        "action": t["cause_action"].astype(str).map(_decision_words),
        "policy": t["policy_triggers"].astype(str),
    })
    parts = ["score", "risk", "impact", "user need", "worsening", "recurrence"]
    styler = styled(shown).format({**{c: "{:.2f}".format for c in parts},
                                   f"in top {priorities.top}": lambda v: pct(v, 0)}, escape="html")
    fragile = np.where(t["fragile"].to_numpy(), AMBER, "")
    high = [RED if v >= 0.5 else "" for v in shown["score"]]
    return (left_align(styler, ["SLO", "owner", "suggested", "action", "policy"])
            .apply(lambda _: high, subset=["score"])
            .apply(lambda _: fragile, subset=[f"in top {priorities.top}"]))


#: the problem each part of the score names when it weighs most (stable wording: the register recognises an
#: open item by its service, SLO and problem; the numbers go to ``evidence``)
PROBLEMS = {
    "risk": "Out of its objective, or at risk of missing it",
    "impact": "High-impact service level needs reliability work",
    "user_need": "Users' requirements are not met",
    "worsening": "Service level is worsening",
    "recurrence": "Incidents of one cause keep recurring",
}


def _evidence_words(row: Any, attribution: pd.DataFrame | None) -> str:
    """Write the numbers behind an item in words."""
    sli_now = float(row["sli"])
    parts = [f"{row['window']} SLI {pct(sli_now, 3)} vs {pct(float(row['target']), 3)} target "
             f"({pct(float(row['budget_consumed']), 0)} of the budget spent)"]
    if row["out_of_slo_share"] > 0:
        parts.append(f"out of its objective {pct(float(row['out_of_slo_share']), 0)} of the last 365 days")
    if row["p_breach"] >= 0.05:
        parts.append(f"a {pct(float(row['p_breach']), 0)} chance of missing the current window")
    if row["trend"] == "decreasing" and row["trend_p"] < 0.05:
        parts.append(f"the daily SLI is falling (Mann-Kendall p = {float(row['trend_p']):.2g})")
    n = int(row["incidents"])
    if n > 0:
        k = int(row["top_cause_incidents"])
        cause = "" if not row["top_cause"] else (
            f" ({row['top_cause']})" if k == n else f", {k} of them {row['top_cause']}")
        parts.append(f"{n} incident{'s' if n > 1 else ''} in 365 days{cause}")
    if attribution is not None and len(attribution):
        mine = attribution[(attribution["service"] == row["service"]) & (attribution["slo"] == row["slo"])]
        mine = mine[mine["share"] > 0].sort_values("share", ascending=False)
        if len(mine):
            top = mine.iloc[0]
            words = {"unattributed": "errors no incident explains", "maintenance": "planned maintenance"}
            source = words.get(str(top["source"]), f"{top['source']} incidents")
            parts.append(f"{pct(float(top['share']), 0)} of the spent budget went to {source}")
    if row["credits_owed"] > 0:
        parts.append(f"{float(row['credits_owed']):,.0f} owed in service credits")
    if row["significant_gaps"] > 0:
        g = int(row["significant_gaps"])
        parts.append(f"{g} users' requirement{'s' if g > 1 else ''} significantly not met")
    return "; ".join(parts)


def draft_sip(
    priorities: Priorities,
    *,
    register: pd.DataFrame | None = None,
    attribution: pd.DataFrame | None = None,
    top: int = 5,
    opened: Any = None,
    due_in: str = "90d",
    review_in: str = "30d",
) -> pd.DataFrame:
    """Draft Service Improvement Plan items for the top priorities, merged into the register when given.

    One item per SLO among the first ``top`` of ``priorities``: the problem the largest weighted part of its
    score names (:data:`PROBLEMS`, a stable wording the register recognises), the evidence in words with the
    numbers, the action the dominant source of its spent budget calls for (from ``attribution``; else its
    most frequent incident cause; else the decision matrix's suggestion), the
    service's owner, the priority (its rank), the KPI (the SLO's SLI in its window) with its measured baseline
    and the SLO's target, and the dates: ``opened`` (default: the priorities' ``as_of`` date), ``due`` and
    ``review`` after it. With a ``register``, the items are merged into it with
    :func:`~slm_analytics.sip.merge_register`: an open item of the same service, SLO and problem is updated,
    not duplicated, and new items continue the register's ids, so drafting again is idempotent.

    Parameters
    ----------
    priorities : Priorities
        Ranked SLOs (:func:`~slm_analytics.priorities.priority_scores`, :func:`month_priorities`).
    register : DataFrame, optional
        The SIP register (``read_dataset("sip_register")``) to merge the items into.
    attribution : DataFrame, optional
        :func:`~slm_analytics.improvement.budget_attribution`'s result: its largest share goes into the
        evidence ("61 % of the spent budget went to deploy").
    top : int
        How many priorities get an item.
    opened : date or str, optional
        The items' opening date.
    due_in, review_in : str
        Due date and next review after ``opened`` (OpenSLO durations in days, ``"90d"``).

    Returns
    -------
    DataFrame
        The register with the items merged in (without ``register``, the items alone, numbered ``SIP-001``
        on; columns ``id, service, slo, problem,
        evidence, action, owner, priority, kpi, kpi_measure`` (``attainment``), ``baseline, target, opened,
        due, review, status``).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> pr = month_priorities(read_dataset("sli_5min"), read_dataset("catalog"), service="notifications",
    ...                       month="2026-10", incidents=read_dataset("incidents"))
    >>> items = draft_sip(pr, top=2)
    >>> items[["id", "service", "slo", "priority"]].values.tolist()
    [['SIP-001', 'notifications', 'delivery', 1.0], ['SIP-002', 'mobile-api', 'latency', 2.0]]
    """
    from .._checks import check_int, duration
    from ..priorities import CAUSE_ACTIONS

    top = check_int(top, "top")
    t = priorities.table.head(top)
    weights = pd.Series(priorities.weights)
    parts = t[list(weights.index)].astype(float) * weights
    start = pd.Timestamp(opened) if opened is not None else pd.Timestamp(t["as_of"].iloc[0])
    start = (start.tz_convert("UTC").tz_localize(None) if start.tzinfo else start).normalize()
    actions = CAUSE_ACTIONS.set_index("action")["description"]
    by_cause = CAUSE_ACTIONS.set_index("cause")["action"]
    cause_action = t["cause_action"].astype(str).to_numpy().copy()
    if attribution is not None and len(attribution):  # the dominant source of spent budget decides the action
        spent = attribution[attribution["share"] > 0].sort_values("share", ascending=False)
        top_source = spent.drop_duplicates(["service", "slo"]).set_index(["service", "slo"])["source"]
        for i, key in enumerate(zip(t["service"], t["slo"], strict=True)):
            if key in top_source.index and str(top_source[key]) in by_cause.index:
                cause_action[i] = by_cause[str(top_source[key])]
    items = pd.DataFrame({
        "service": t["service"].astype(str).to_numpy(),
        "slo": t["slo"].astype(str).to_numpy(),
        "problem": [PROBLEMS[p] for p in parts.idxmax(axis=1)],
        "evidence": [_evidence_words(r, attribution) for _, r in t.iterrows()],
        "action": [actions.get(a) or _decision_words(d) for a, d in zip(cause_action, t["decision"],
                                                                         strict=True)],
        "owner": t["owner"].astype(str).to_numpy(),
        "priority": t["rank"].astype(int).to_numpy(),
        "kpi": [f"{w} SLI" for w in t["window"]],
        "kpi_measure": "attainment",
        "baseline": t["sli"].astype(float).to_numpy(),
        "target": t["target"].astype(float).to_numpy(),
        "opened": start,
        "due": start + duration(due_in, "due_in"),
        "review": start + duration(review_in, "review_in"),
        "status": "open",
    })
    from ..data import SIP_COLUMNS
    from ..sip import merge_register

    if register is None:  # a plan of its own: the items numbered from SIP-001
        register = pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c in ("opened", "due", "closed")
                                              else float if c in ("baseline", "target") else "str")
                                 for c in SIP_COLUMNS})
    return merge_register(register, items)


def month_attribution(sli: pd.DataFrame, incidents: pd.DataFrame, catalog: Catalog, *, service: str,
                      month: str, exclusions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where each SLO of ``service`` spent its error budget in ``month`` (its time zone).

    :func:`~slm_analytics.improvement.budget_attribution` over the month (up to the end of the data when the
    month is still running), for the service's SLOs.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> a = month_attribution(read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog"),
    ...                       service="notifications", month="2026-10")
    >>> a.loc[a["slo"] == "delivery", "source"].tolist()
    ['deploy', 'dependency', 'unattributed']
    """
    from ..improvement import budget_attribution

    start, end = month_bounds(month, tz=catalog.service(service).timezone)
    end = min(end, data_end(sli))
    mine = sli[sli["service"] == service]
    out = budget_attribution(mine, incidents[incidents["service"] == service], catalog, start=start, end=end,
                             exclusions=exclusions)
    return out[out["service"] == service].reset_index(drop=True)


def attribution_table(attribution: pd.DataFrame) -> Styler:
    """Present :func:`month_attribution` (or :func:`~slm_analytics.improvement.budget_attribution`).

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns SLO, spent on (the cause, planned maintenance or unattributed), bad, share of the spent
        budget, share of the whole budget, incidents; a large unattributed share is highlighted (errors no
        incident explains).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> a = month_attribution(read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog"),
    ...                       service="notifications", month="2026-10")
    >>> attribution_table(a).data["spent on"].tolist()[:3]
    ['deploy', 'dependency', 'unattributed']
    """
    shown = pd.DataFrame({
        "SLO": attribution["slo"].astype(str),
        "spent on": attribution["source"].astype(str),
        "bad": attribution["bad"].astype(float),
        "unit": attribution["unit"].astype(str),
        "share of spent": attribution["share"].astype(float),
        "share of budget": attribution["budget_share"].astype(float),
        "incidents": attribution["incidents"].astype(int),
    })
    styler = styled(shown).format({"bad": "{:,.0f}".format, "share of spent": lambda v: pct(v, 0),
                                   "share of budget": lambda v: pct(v, 0)}, escape="html")
    flag = [AMBER if s == "unattributed" and v >= 0.5 else "" for s, v in
            zip(shown["spent on"], shown["share of spent"].fillna(0), strict=True)]
    return left_align(styler, ["SLO", "spent on", "unit"]).apply(lambda _: flag, subset=["share of spent"])


def sip_table(register: pd.DataFrame, *, service: str | None = None, open_only: bool = True,
              as_of: Any = None) -> Styler:
    """Present a Service Improvement Plan register (or :func:`draft_sip`'s items) for a report.

    Parameters
    ----------
    register : DataFrame
        The register (``read_dataset("sip_register")``, possibly merged by :func:`draft_sip`).
    service : str, optional
        Only this service's items.
    open_only : bool
        Only items still ``open`` or ``in-progress``.
    as_of : date, optional
        The date the report is about: open items due before it are highlighted as overdue.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns id, SLO, problem, evidence (when the register has it), action, owner, priority, KPI,
        baseline, target, opened, due, status; an item past its due date at ``as_of`` is highlighted.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sip_table(read_dataset("sip_register"), service="mobile-api").data["id"].tolist()
    ['SIP-005']
    """
    r = register
    if service is not None:
        r = r[r["service"] == service]
    if open_only:
        r = r[r["status"].isin(["open", "in-progress"])]
    text = ["problem", "evidence", "action", "owner"]
    shown = pd.DataFrame({
        "id": r["id"].astype(str),
        "SLO": r["service"].astype(str) + " / " + r["slo"].astype(str),
        **{c: r[c].astype(str) for c in text if c in r.columns},
        "priority": r["priority"].astype(float) if "priority" in r.columns else np.nan,
        "KPI": r["kpi"].astype(str),
        "baseline": r["baseline"].astype(float),
        "target": r["target"].astype(float),
        "opened": pd.to_datetime(r["opened"]).dt.strftime("%d %b %Y"),
        "due": pd.to_datetime(r["due"]).dt.strftime("%d %b %Y"),
        "status": r["status"].astype(str),
    })
    styler = styled(shown).format({"priority": lambda v: "–" if pd.isna(v) else f"{v:.0f}",
                                   "baseline": "{:.4g}".format, "target": "{:.4g}".format}, escape="html")
    if as_of is None:
        overdue = [""] * len(shown)
    else:
        day = pd.Timestamp(as_of)
        day = day.tz_convert("UTC").tz_localize(None) if day.tzinfo else day
        overdue = [RED if x else "" for x in (pd.to_datetime(r["due"]) < day).to_numpy()]
    return (left_align(styler, ["SLO", "KPI", *[c for c in text if c in shown.columns]])
            .apply(lambda _: overdue, subset=["due"]))


def effectiveness_table(effect: pd.DataFrame, *, service: str | None = None) -> Styler:
    """Present :func:`~slm_analytics.sip.sip_effectiveness` for a report (did the closed actions work).

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns id, SLO, closed, verdict, error rate before and after (equal windows), change with its
        interval, p-value, change point near the closing day, reason (why an action was not assessed).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.sip import sip_effectiveness
    >>> e = sip_effectiveness(read_dataset("sip_register"), read_dataset("sli_5min"), read_dataset("catalog"))
    >>> effectiveness_table(e, service="mobile-api").data["verdict"].tolist()
    ['effective']
    """
    e = effect if service is None else effect[effect["service"] == service]
    reasons = {"kpi_not_sli": "the KPI is not the SLO's SLI", "no_sli_data": "no SLI data",
               "too_little_data_before": "too little data before",
               "too_little_data_after": "too little data after",
               "no_events": "no events", "interval_too_wide": "the interval is too wide", "": ""}
    shown = pd.DataFrame({
        "id": e["id"].astype(str),
        "SLO": e["service"].astype(str) + " / " + e["slo"].astype(str),
        "closed": pd.to_datetime(e["closed"]).dt.strftime("%d %b %Y"),
        "verdict": e["verdict"].astype(str),
        "error rate before": e["error_rate_before"].astype(float),
        "after": e["error_rate_after"].astype(float),
        "change": e["relative_change"].astype(float),
        "interval": [("–" if pd.isna(lo) else f"{lo:+.0%} to {hi:+.0%}")
                     for lo, hi in zip(e["ci_low"], e["ci_high"], strict=True)],
        "p-value": e["pvalue"].astype(float),
        "change point": np.where(e["change_point_near"].astype(bool), "yes", ""),
        "reason": e["reason"].fillna("").astype(str).map(lambda c: reasons.get(c, c)),
    })
    styler = styled(shown).format({
        "error rate before": lambda v: "–" if pd.isna(v) else pct(v, 3),
        "after": lambda v: "–" if pd.isna(v) else pct(v, 3),
        "change": lambda v: "–" if pd.isna(v) else f"{v:+.0%}",
        "p-value": lambda v: "–" if pd.isna(v) else f"{v:.2g}",
    }, escape="html")
    colour = {"effective": GREEN, "not effective": RED, "inconclusive": AMBER}
    verdict = [colour.get(v, "") for v in shown["verdict"]]
    return left_align(styler, ["SLO", "verdict", "reason"]).apply(lambda _: verdict, subset=["verdict"])


def past_actions(register: pd.DataFrame | None, sli: pd.DataFrame, catalog: Catalog, *,
                 incidents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Judge the register's closed actions (:func:`~slm_analytics.sip.sip_effectiveness`).

    Without a register (a data folder without ``sip_register.csv``) the result has no rows.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> past_actions(None, read_dataset("sli_5min"), read_dataset("catalog")).empty
    True
    """
    from ..sip import sip_effectiveness

    if register is None or not len(register):
        return pd.DataFrame(columns=["id", "service", "slo", "closed", "verdict", "error_rate_before",
                                     "error_rate_after", "relative_change", "ci_low", "ci_high", "pvalue",
                                     "change_point_near", "reason"])
    return sip_effectiveness(register, sli, catalog, incidents=incidents)


def month_requirements(requirements: pd.DataFrame | None, sli: pd.DataFrame, catalog: Catalog, *,
                       service: str, month: str) -> pd.DataFrame:
    """Compare the users' requirements of ``service`` with the month's achieved levels.

    :func:`~slm_analytics.requirements.requirements_gap` over the month (in the service's time zone, up to the
    end of the data), with the quadrant of :func:`~slm_analytics.requirements.importance_performance` (cut
    lines from the whole survey's means) and its robustness; no rows without requirements.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> req, sli, catalog = read_dataset("requirements"), read_dataset("sli_5min"), read_dataset("catalog")
    >>> r = month_requirements(req, sli, catalog, service="notifications", month="2026-10")
    >>> r[["id", "significant", "quadrant"]].values.tolist()
    [['REQ-015', True, 'concentrate here'], ['REQ-016', False, 'low priority']]
    """
    from ..requirements import importance_performance, requirements_gap

    if requirements is None or not len(requirements):
        return pd.DataFrame(columns=["id", "service", "slo", "requirement", "user_segment", "importance",
                                     "satisfaction", "respondents", "required_target", "achieved", "low",
                                     "high", "gap", "p_value", "significant", "measured", "quadrant",
                                     "robust", "quadrant_measured", "unhappy_but_met"])
    start, end = month_bounds(month, tz=catalog.service(service).timezone)
    gap = requirements_gap(requirements, sli, catalog, start=start, end=min(end, data_end(sli)))
    ipa = importance_performance(requirements, gap=gap).table
    out = gap.merge(ipa[["id", "quadrant", "robust", "quadrant_measured", "unhappy_but_met"]], on="id",
                    how="left")
    return out[out["service"] == service].reset_index(drop=True)


def requirements_table(table: pd.DataFrame) -> Styler:
    """Present :func:`month_requirements` for a report.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns id, requirement, users (segment and respondents), importance, satisfaction, SLO, required,
        achieved (with its 95 % interval), gap, verdict (significantly short, met, not measured...),
        quadrant (satisfaction) and quadrant (measured).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> req, sli, catalog = read_dataset("requirements"), read_dataset("sli_5min"), read_dataset("catalog")
    >>> r = month_requirements(req, sli, catalog, service="notifications", month="2026-10")
    >>> requirements_table(r).data["verdict"].tolist()
    ['significantly short', 'met']
    """
    def verdict(r: Any) -> str:
        if not r["measured"]:
            return "not measured"
        if pd.isna(r["required_target"]):
            return "no required level"
        if pd.isna(r["achieved"]):
            return "no data"
        if r["significant"] is True or r["significant"] == True:  # noqa: E712 - nullable boolean
            return "significantly short"
        return "met" if r["gap"] >= 0 else "short, not significant"

    shown = pd.DataFrame({
        "id": table["id"].astype(str),
        "requirement": table["requirement"].astype(str),
        "users": (table["user_segment"].astype(str) + " ("
                  + table["respondents"].astype("Int64").astype(str) + ")"),
        "importance": table["importance"].astype(float),
        "satisfaction": table["satisfaction"].astype(float),
        "SLO": table["slo"].astype(str).replace("", "–"),
        "required": table["required_target"].astype(float),
        "achieved": table["achieved"].astype(float),
        "95% interval": [("–" if pd.isna(lo) else f"{pct(lo, 3)}–{pct(hi, 3)}")
                         for lo, hi in zip(table["low"], table["high"], strict=True)],
        "gap": table["gap"].astype(float),
        "verdict": [verdict(r) for _, r in table.iterrows()],
        "quadrant": table["quadrant"].astype(str),
        "quadrant (measured)": table["quadrant_measured"].fillna("").astype(str),
    })
    fmt = {"importance": "{:.0f}".format, "satisfaction": "{:.1f}".format,
           "required": lambda v: "–" if pd.isna(v) else pct(v, 2),
           "achieved": lambda v: "–" if pd.isna(v) else pct(v, 3),
           "gap": lambda v: "–" if pd.isna(v) else f"{v * 100:+.3f} pts"}
    styler = styled(shown).format(fmt, escape="html")
    colour = [RED if v == "significantly short" else AMBER if v == "short, not significant" else ""
              for v in shown["verdict"]]
    return (left_align(styler, ["requirement", "users", "SLO", "verdict", "quadrant", "quadrant (measured)"])
            .apply(lambda _: colour, subset=["verdict"]))
