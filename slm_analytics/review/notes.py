"""The review's prose: statements a section shows instead of a table, and the outlook in sentences.

:class:`Note` is the one paragraph a section shows when it has nothing to tabulate ("No SLA: ..."),
:class:`Notes` a short list of statements. :func:`outlook_notes` says what each SLO's outlook
(:func:`~slm_analytics.review.month_outlook`) means for the meeting. The ``*_words`` functions name a window,
a trend, a budget exhaustion and the straight-line estimate of one outlook row; the outlook table
(:func:`~slm_analytics.review.outlook_table`) uses the same words in its cells.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .formats import (
    attainment_pct,
    chance,
    error_rate_pct,
    last_instant,
    points,
    short_day,
    target_decimals,
    target_pct,
)

__all__ = [
    "Note",
    "Notes",
    "exhaustion_words",
    "outlook_notes",
    "policy_evidence",
    "straight_words",
    "trend_words",
    "window_words",
]


@dataclass(frozen=True)
class Note:
    """A one-paragraph statement a section shows instead of an empty table ("No SLA: ...").

    Attributes
    ----------
    text : str
        The statement.
    """

    text: str

    def _repr_html_(self) -> str:
        return f"<p class='slm-note'>{html.escape(self.text)}</p>"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Notes:
    """Short statements a section shows as a list ("what the numbers mean for the meeting").

    Attributes
    ----------
    items : tuple of str
        One statement per item; the part before the first ``": "`` is shown in bold (the SLO).
    intro : str
        A sentence shown before the list (may be empty).
    """

    items: tuple[str, ...]
    intro: str = ""

    def _repr_html_(self) -> str:
        lis = []
        for item in self.items:
            head, sep, rest = item.partition(": ")
            body = f"<b>{html.escape(head)}</b>: {html.escape(rest)}" if sep else html.escape(item)
            lis.append(f"<li style='margin-bottom:4px'>{body}</li>")
        intro = f"<p style='margin:0 0 4px 0'>{html.escape(self.intro)}</p>" if self.intro else ""
        items = f"<ul style='margin:0;padding-left:1.2em'>{''.join(lis)}</ul>"
        return f"<div class='slm-note'>{intro}{items}</div>"

    def __str__(self) -> str:
        lines = [self.intro] if self.intro else []
        return "\n".join([*lines, *(f"- {i}" for i in self.items)])


def window_words(row: Any) -> tuple[str, str]:
    """Name the window assessed, for a table and for a sentence.

    ``("August (month)", "in August, by 31 Aug")`` or ``("28 days to 7 Aug", "over the 28 days to 7 Aug")``.
    """
    last = last_instant(row.breach_window_end)
    if row.calendar:
        start = row.breach_window_start
        if row.window == "month":
            name = f"{start:%B}"
        elif row.window == "quarter":
            name = f"Q{start.quarter} {start.year}"
        else:
            name = f"the week of {short_day(start)}"
        return f"{name} ({row.window})", f"in {name}, by {short_day(last)}"
    days = round((row.breach_window_end - row.breach_window_start) / pd.Timedelta(days=1))
    return f"{days} days to {short_day(last)}", f"over the {days} days to {short_day(last)}"


def trend_words(row: Any) -> str:
    """Name an outlook row's trend and p-value: ``"increasing (p = 0.003)"``, ``"no trend (p = 0.41)"``."""
    if row.trend == "no trend":
        return f"no trend (p = {row.trend_p_value:.2f})"
    return f"{row.trend} (p = {row.trend_p_value:.3f})"


def exhaustion_words(row: Any, year: int) -> str:
    """Say when an outlook row's budget runs out in the simulation: median (10-90 %), or "not by" the end."""
    end = short_day(last_instant(row.exhaustion_end), year=year)
    if row.budget_remaining <= 0:
        return "already spent"
    if row.exhaustion_probability == 0:
        return f"not by {end}"
    if pd.isna(row.exhaustion_median):
        return f"not by {end} ({chance(row.exhaustion_probability)} chance it does)"
    low = short_day(row.exhaustion_p10, year=year)
    high = f"after {end}" if pd.isna(row.exhaustion_p90) else short_day(row.exhaustion_p90, year=year)
    return f"{short_day(row.exhaustion_median, year=year)} (10–90%: {low} to {high})"


def straight_words(row: Any, year: int) -> str:
    """Say when an outlook row's budget runs out on the straight line (remaining / the last 7 days' burn)."""
    if row.budget_remaining <= 0:
        return "already spent"
    if pd.isna(row.straight_line_exhaustion):
        return "never (nothing burning)"
    text = short_day(row.straight_line_exhaustion, year=year)
    return f"{text} (after the window)" if row.straight_line_exhaustion >= row.exhaustion_end else text


def _verdict(p: float) -> tuple[str, str]:
    """Risk class of a breach probability and what it asks of the meeting."""
    if p >= 0.7:
        return "Likely to be missed", "Plan for a miss: agree the fix, and whether to slow releases, now."
    if p >= 0.3:
        return "A coin toss", "Worth a mitigation plan now and a check at the next weekly review."
    if p >= 0.05:
        return "Some risk", "Watch it at the weekly reviews."
    return "Low risk", ""


def _outlook_note(r: Any, as_of: pd.Timestamp, n_paths: int, daily: pd.DataFrame) -> str:
    """Write the sentences of one SLO's outlook (``daily``: its days, for the worst day of the history)."""
    year = as_of.year
    target, allowed = target_pct(r.target), f"{(1 - r.target) * 100:.{target_decimals(r.target)}f}%"
    _, window = window_words(r)
    verdict, action = _verdict(r.breach_probability)
    if r.breach_probability == 0:
        first = (f"{verdict}: none of the {n_paths:,} simulated paths misses {target} {window} (95% bound: "
                 f"{chance(r.breach_high)}).")
    else:
        first = (f"{verdict}: a {chance(r.breach_probability)} chance ({chance(r.breach_low)}–"
                 f"{chance(r.breach_high)}) of missing {target} {window}.")
    parts = [first]
    attain = (f"Projected attainment {attainment_pct(r.attainment_median, r.target)} (10–90%: "
              f"{attainment_pct(r.attainment_p10, r.target)}–{attainment_pct(r.attainment_p90, r.target)})")
    straight_miss = r.straight_line_attainment < r.target
    if straight_miss != (r.attainment_median < r.target):
        attain += (f"; the straight line (the last 7 days' error rate going on) gives "
                   f"{attainment_pct(r.straight_line_attainment, r.target)}, "
                   f"{'a miss' if straight_miss else 'a pass'}")
    parts.append(attain + ".")
    step = (not pd.isna(r.change_at) and r.change_before > 0
            and not 1 / 1.5 < r.change_after / r.change_before < 1.5)
    level = (f"The error rate was {error_rate_pct(r.recent_error_rate)} over the last 7 days against the "
             f"{allowed} the target allows")
    if step:
        direction = "up" if r.change_after > r.change_before else "down"
        level = (f"The error rate stepped {direction} from {error_rate_pct(r.change_before)} to "
                 f"{error_rate_pct(r.change_after)} on {short_day(r.change_at, year=year)} and was "
                 f"{error_rate_pct(r.recent_error_rate)} over the last 7 days, against the {allowed} the "
                 "target allows")
    significant = r.trend != "no trend" and r.trend_p_value < 0.05
    if significant:
        slope = f"{points(r.trend_slope * 7)} a week, p = {r.trend_p_value:.3f}"
        level += f"; over the 90 days the trend test finds it {r.trend} ({slope})"
        if step:
            level += ", which with a step in the window means 'higher than before' rather than a steady climb"
    rising = (significant and r.trend == "increasing") or (step and r.change_after > r.change_before)
    if r.breach_probability >= 0.05 or rising:
        parts.append(level + ".")
    at_risk = r.breach_probability >= 0.05
    width = r.breach_high - r.breach_low
    if at_risk:
        if r.budget_remaining <= 0:
            parts.append("The budget of the window is already spent.")
        elif not pd.isna(r.exhaustion_median):
            when = short_day(r.exhaustion_median, year=year)
            parts.append(f"At this pace the budget runs out around {when} "
                         f"(straight line: {straight_words(r, year)}).")
    if at_risk or r.breach_high >= 0.3:  # a low risk with a wide interval is not ruled out
        if width >= 0.3:
            reasons = []
            history = daily[(daily["timestamp"] >= as_of - pd.Timedelta(weeks=12)).to_numpy()]
            rates = history["error_rate"].to_numpy(dtype=float)
            if np.isfinite(rates).any() and np.nanmax(rates) >= 5 * (1 - r.target):
                worst = history.iloc[int(np.nanargmax(rates))]
                on, rate = short_day(worst["timestamp"], year=year), error_rate_pct(worst["error_rate"])
                reasons.append(f"single bad days (up to {rate} on {on}) spend much of the budget at once, "
                               "and whether one recurs decides")
            if not pd.isna(r.change_at) and step and as_of - r.change_at <= pd.Timedelta(weeks=8):
                weeks = int((as_of - r.change_at) / pd.Timedelta(weeks=1))
                since = short_day(r.change_at, year=year)
                if r.change_after > r.change_before:
                    reasons.append(f"only the {weeks} weeks since the step up on {since} show the current "
                                   "level (the better weeks before it still weigh in the simulation)")
                else:
                    reasons.append(f"the worse weeks before the step down on {since} still weigh in the "
                                   "simulation")
            if r.attainment_p10 < r.target < r.attainment_p90 and len(reasons) < 2:
                reasons.append("the projected attainment straddles the target, so one better or worse week "
                               "decides")
            if not reasons:
                reasons.append("the simulation rests on the last few weeks (the latest weigh most), and "
                               "which kind of week recurs decides")
            parts.append(f"The interval is wide because {', and because '.join(reasons[:2])}.")
        parts.append(action if at_risk else "Unlikely but not ruled out: watch it at the weekly reviews.")
    return f"{r.slo}: " + " ".join(parts)


def outlook_notes(outlook: Any) -> Notes:
    """Say what each SLO's outlook means for the meeting, riskiest first, in sentences.

    Parameters
    ----------
    outlook : MonthOutlook
        Output of :func:`~slm_analytics.review.month_outlook`.

    Returns
    -------
    slm_analytics.review.Notes
        One item per SLO, by decreasing breach probability: the risk class (low risk below 5 %, some risk to
        30 %, a coin toss to 70 %, likely to be missed above) with the chance of missing the target and its
        interval, the projected attainment (and the straight line when it disagrees); for an SLO at risk
        (5 % or more) or whose error rate rises (a significant trend or a step up), the error-rate level,
        step and trend; for an SLO at risk, when the budget runs out; for an SLO at risk or whose interval
        reaches 30 %, why the interval is wide (single bad days, a recent step, an attainment straddling the
        target, or the few weeks the simulation rests on) and what the meeting should do.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.review import month_outlook
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> notes = outlook_notes(month_outlook(sli, catalog, service="mobile-api", month="2026-07"))
    >>> print(notes.items[0][:81])
    latency: A coin toss: a 52% chance (18%–85%) of missing 99% in August, by 31 Aug.
    """
    t = outlook.table
    order = t.assign(_p=t["breach_probability"].fillna(-1.0))
    order = order.sort_values("_p", ascending=False, kind="stable")
    items = []
    for r in order.itertuples(index=False):
        if not r.assessed:
            items.append(f"{r.slo}: not assessed: {r.note}")
            continue
        daily = outlook.daily[(outlook.daily["slo"] == r.slo).to_numpy()]
        items.append(_outlook_note(r, outlook.as_of, outlook.n_paths, daily))
    month = f"{outlook.as_of - pd.Timedelta(days=1):%B %Y}"
    whose = f"{outlook.service}'" if outlook.service.endswith("s") else f"{outlook.service}'s"
    intro = f"Where {whose} SLOs stood at the end of {month}, riskiest first:"
    return Notes(tuple(items), intro=intro)


# ------------------------------------------------------------------------------------------- policy evidence


def _utc_time(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d %H:%M UTC")


def _count(count: float) -> str:
    """Write a count: whole events or slices, or a sum of slice ratios (RatioTimeslices) to 0.1."""
    return f"{count:,.0f}" if float(count).is_integer() else f"{count:,.1f}"


def policy_evidence(row: Any) -> str:
    """Write the evidence of one triggered rule of :func:`~slm_analytics.policy.budget_policy_triggers`.

    Parameters
    ----------
    row : mapping or row tuple
        One row of the triggers (``rule``, ``value``, ``unit``, ``bad``, ``allowed_bad`` and the rule's
        own numbers).

    Returns
    -------
    str
        E.g. ``"incident INC-0066 (P1, dependency, 2026-02-12 14:05 UTC to 2026-02-12 16:00 UTC) spent 433%
        of the 4-week error budget (22,451 bad events; the budget allows 5,188)"``.

    Examples
    --------
    >>> import pandas as pd
    >>> row = {"rule": "outage-class", "value": 0.22, "unit": "slices", "bad": 29.0, "allowed_bad": 129.6,
    ...        "incidents": 2.0, "cause": "dependency", "days": 90.0}
    >>> print(policy_evidence(row))
    2 dependency incident(s) spent 22% of the quarter's error budget (29 bad slices; the budget allows 130 ...
    """
    r = row if isinstance(row, dict) else row._asdict()
    spent = f"{_count(r['bad'])} bad"
    allows = f"the budget allows {r['allowed_bad']:,.0f}"
    if r["rule"] == "budget-exhausted":
        return (f"28-day SLI {r['sli']:.4%} is below the target {r['target']:.2%}: {r['value']:.0%} of the "
                f"4-week error budget spent ({spent} of {_count(r['total'])} {r['unit']}; {allows})")
    if r["rule"] == "single-incident":
        what = ", ".join(str(r[c]) for c in ("severity", "cause") if r.get(c))
        return (f"incident {r['subject']} ({what}, {_utc_time(r['started_at'])} to "
                f"{_utc_time(r['resolved_at'])}) spent {r['value']:.0%} of the 4-week error budget "
                f"({spent} {r['unit']}; {allows})")
    return (f"{r['incidents']:.0f} {r['cause']} incident(s) spent {r['value']:.0%} of the quarter's error "
            f"budget ({spent} {r['unit']}; {allows} over {r['days']:g} days)")
