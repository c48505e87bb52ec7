"""The colours of every chart: one palette for an SLO's status (met / at risk / missed), series and bands.

Tables of the review use the same three meanings (:mod:`slm_analytics.review.formats`: GREEN, AMBER, RED);
charts use colour-blind safe fills (blue / yellow / red, grey for no data) that stay distinct on a projector.
"""

from __future__ import annotations

__all__ = [
    "BAND_COLORS",
    "CAUSE_COLORS",
    "FORECAST_COLOR",
    "HISTORY_COLOR",
    "METHOD_COLORS",
    "PART_COLORS",
    "QUADRANT_COLORS",
    "RISK_CLASSES",
    "SERIES_COLORS",
    "SEVERITY_COLORS",
    "STATUS_COLORS",
    "STATUS_PALETTE",
    "TARGET_COLOR",
    "WIDTH",
    "ZERO_COLOR",
    "status_scale",
]

#: THE palette of an SLO's status, used by every chart that colours met / at risk / missed (colour-blind
#: safe: blue, yellow, red; grey for no data). "at risk": met, but most of the error budget is spent.
STATUS_PALETTE = {"met": "#4c78a8", "at risk": "#f2b447", "missed": "#e45756", "no data": "#bab0ac"}
#: the statuses of a chart that knows only met / missed (a subset of :data:`STATUS_PALETTE`)
STATUS_COLORS = {k: STATUS_PALETTE[k] for k in ("met", "missed", "no data")}
TARGET_COLOR = "#54a24b"
#: the zero line of a budget chart: below it the budget is overspent
ZERO_COLOR = "#e45756"
#: colours of the SLO lines of a budget chart (tableau10 without its red, kept for the zero line)
SERIES_COLORS = ["#4c78a8", "#f58518", "#72b7b2", "#b279a2", "#9d755d", "#eeca3b", "#ff9da6", "#bab0ac"]
WIDTH = 640
#: observed daily values, the forecast, and its 80 % / 95 % prediction intervals
HISTORY_COLOR = "#4c78a8"
FORECAST_COLOR = "#f58518"
BAND_COLORS = {"80% interval": "#f9c089", "95% interval": "#fde3c8"}
#: risk classes of a breach probability (colour-blind safe, light to dark)
RISK_CLASSES = {"below 5%": "#9ecae9", "5-30%": "#f2cf5b", "30-70%": "#f58518", "above 70%": "#c0392b"}
#: methods of the breach backtest
METHOD_COLORS = {"forecast": "#4c78a8", "straight_line": "#e45756", "climatology": "#72b7b2"}


def status_scale(statuses: list[str] | None = None) -> dict[str, list[str]]:
    """Domain and range of a colour scale for ``statuses`` (default all four), in :data:`STATUS_PALETTE`.

    Examples
    --------
    >>> status_scale(["met", "missed"])
    {'domain': ['met', 'missed'], 'range': ['#4c78a8', '#e45756']}
    """
    names = list(STATUS_PALETTE) if statuses is None else list(statuses)
    return {"domain": names, "range": [STATUS_PALETTE[s] for s in names]}

#: the parts of an improvement priority score (:mod:`slm_analytics.priorities`), in their stacking order
PART_COLORS = {"risk": "#e45756", "impact": "#4c78a8", "user_need": "#f58518", "worsening": "#72b7b2",
               "recurrence": "#b279a2"}
#: the sources of spent error budget (:func:`slm_analytics.improvement.budget_attribution`): its known
#: causes, planned maintenance, and what no record explains (grey); other causes take :data:`SERIES_COLORS`
CAUSE_COLORS = {"deploy": "#4c78a8", "capacity": "#f58518", "dependency": "#e45756", "network": "#72b7b2",
                "config": "#b279a2", "hardware": "#9d755d", "maintenance": "#eeca3b",
                "unattributed": "#bab0ac"}
#: the quadrants of an importance-performance analysis (:mod:`slm_analytics.requirements`); "concentrate
#: here" (important, performing poorly) takes the colour of a miss
QUADRANT_COLORS = {"concentrate here": "#e45756", "keep up the good work": "#4c78a8",
                   "low priority": "#bab0ac", "possible overkill": "#f58518"}
#: severities of a burn-rate alert: a page takes the colour of a miss, a ticket that of "at risk"
SEVERITY_COLORS = {"page": STATUS_PALETTE["missed"], "ticket": STATUS_PALETTE["at risk"]}
