"""What to improve, for the review: the improvement priorities at the month's end and their tables.

:func:`month_priorities` ranks the fleet's SLOs at the end of the month reviewed (the priorities are relative
to the fleet, so the whole catalog is scored even when one service is reviewed); :func:`priorities_table`
shows them for a report. The numbers come from :mod:`slm_analytics.priorities`; here they are only written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from ..priorities import Priorities, data_end, priority_evidence, priority_scores
from .formats import AMBER, RED, left_align, pct, styled
from .month import month_bounds

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["month_priorities", "priorities_table"]

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
