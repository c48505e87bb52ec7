"""How the review writes values for a reader: shares, durations, chances, error rates, days; warning colours.

The numbers underneath stay unrounded: these functions only write them, for the tables
(:mod:`~slm_analytics.review.tables`) and the notes (:mod:`~slm_analytics.review.notes`) alike, so a value
reads the same in a table cell and in a sentence. ``"–"`` stands for a missing value, and negative values get
a true minus sign where a reader compares signs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

__all__ = [
    "AMBER",
    "GREEN",
    "RED",
    "attainment_pct",
    "budget_minutes",
    "chance",
    "definition_table",
    "duration",
    "error_rate_pct",
    "last_instant",
    "left_align",
    "month_name",
    "multiple",
    "pct",
    "points",
    "short_day",
    "signed_pct",
    "styled",
    "target_decimals",
    "target_pct",
]

#: Cell styles: red for a miss or an overspent budget, amber for a warning, green for an improvement.
RED = "color: #c0392b; font-weight: bold"
AMBER = "color: #b9770e"
GREEN = "color: #2e7d32; font-weight: bold"


def pct(value: float, decimals: int) -> str:
    """Write a share in percent with ``decimals`` decimals: ``0.99974`` -> ``"99.974%"`` (3 decimals)."""
    if value is None or pd.isna(value):
        return "–"
    return f"{value * 100:.{decimals}f}%"


def signed_pct(value: float) -> str:
    """``0.396`` -> ``"+39.6%"``, with a true minus sign."""
    return f"{value:+.1%}".replace("-", "−")


def target_decimals(target: float) -> int:
    """Decimals needed to write ``target`` exactly in percent (0.99 -> 0, 0.999 -> 1, 0.9995 -> 2)."""
    for d in range(6):
        if abs(round(target * 100, d) - target * 100) < 1e-9:
            return d
    return 6


def target_pct(target: float) -> str:
    """Write a target in percent, exactly: ``0.999`` -> ``"99.9%"``, ``0.99`` -> ``"99%"``."""
    return f"{target * 100:.{target_decimals(target)}f}%"


def attainment_pct(value: float, target: float) -> str:
    """Write an attainment with two more decimals than its target (99.9 % -> 99.974 %)."""
    return pct(value, max(target_decimals(target) + 2, 2))


def chance(p: float) -> str:
    """Write a probability for people: ``0.564`` -> ``"56%"``, ``0.0019`` -> ``"0.2%"``, ``0`` -> ``"0%"``."""
    if p is None or pd.isna(p):
        return "–"
    if p == 0 or p == 1:
        return f"{p:.0%}"
    if p < 0.01 or p > 0.99:
        return f"{p:.1%}"
    return f"{p:.0%}"


def error_rate_pct(value: float) -> str:
    """Write an error rate to 3 digits: ``0.010533`` -> ``"1.05%"``, ``0.00024`` -> ``"0.0240%"``."""
    if value is None or pd.isna(value):
        return "–"
    if value == 0:
        return "0%"
    percent = value * 100
    decimals = max(0, 2 - int(np.floor(np.log10(abs(percent)))))
    return f"{percent:.{decimals}f}%"


def points(value: float) -> str:
    """Write a change of an error rate in signed percentage points (2 significant digits): ``"+0.058 pp"``."""
    if value is None or pd.isna(value):
        return "–"
    if value == 0:
        return "0 pp"
    pp = value * 100
    decimals = max(0, 1 - int(np.floor(np.log10(abs(pp)))))
    return f"{pp:+.{decimals}f} pp".replace("-", "−")


def duration(td: Any, *, precise: bool = False) -> str:
    """``Timedelta`` for people: ``"5 min"``, ``"1 h 55 min"``, ``"30 d 9 h"``; ``"–"`` for ``NaT``.

    From two days on the minutes are left out unless ``precise`` (``"27 d 22 h 30 min"``).
    """
    if td is None or pd.isna(td):
        return "–"
    minutes = int(round(pd.Timedelta(td) / pd.Timedelta(minutes=1)))
    sign, minutes = ("−", -minutes) if minutes < 0 else ("", minutes)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    if days >= 2 and not precise:  # a few days: minutes are noise
        parts = [p for p in parts if not p.endswith("min")] or parts
    return sign + " ".join(parts)


def budget_minutes(value: float) -> str:
    """Budget minutes: ``20.16`` -> ``"20.2 min"``, ``403.2`` -> ``"6 h 43 min"``."""
    if value is None or pd.isna(value):
        return "–"
    if abs(value) < 120:
        return f"{value:.1f} min".replace("-", "−")
    return duration(pd.Timedelta(minutes=float(value)))


def multiple(value: float) -> str:
    """Write a burn rate as a multiple, 3 significant digits: ``14.4`` -> ``"14.4×"``."""
    return "–" if value is None or pd.isna(value) else f"{value:.3g}×"


def month_name(month: str) -> str:
    """Name a month ``"YYYY-MM"``: ``"2026-02"`` -> ``"February 2026"``."""
    return f"{pd.Period(month, freq='M'):%B %Y}"


def short_day(ts: pd.Timestamp, *, year: int | None = None) -> str:
    """``"30 Aug"`` (with the year when it differs from ``year``)."""
    text = f"{ts.day} {ts:%b}"
    return text if year is None or ts.year == year else f"{text} {ts.year}"


def last_instant(end: pd.Timestamp) -> pd.Timestamp:
    """Return the last instant of a window ending (exclusive) at ``end``: its last day at a local midnight."""
    return end - pd.Timedelta(microseconds=1)


def definition_table(rows: list[tuple[str, str]], warn: Iterable[str] = ()) -> str:
    """HTML table of ``(term, value)`` rows for report headers; values of the ``warn`` terms in amber."""
    warn = set(warn)
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td style='text-align:left{';' + AMBER if k in warn else ''}'>{html.escape(v)}</td></tr>"
        for k, v in rows)
    return f"<table class='slm-service-header'>{cells}</table>"


def styled(shown: pd.DataFrame) -> Styler:
    """Return a table's Styler: index hidden, every cell's text escaped.

    Text from the user's files (names, titles, reasons, customers) is shown as text, never markup; later
    ``format`` calls that write text escape it themselves (``escape="html"``).
    """
    return shown.style.hide(axis="index").format(escape="html")


def left_align(styler: Styler, columns: list[str]) -> Styler:
    """Left-align text columns, header included (numbers stay right-aligned)."""
    heads = {c: [{"selector": "th.col_heading", "props": "text-align: left"}] for c in columns}
    return (styler.set_properties(subset=columns, **{"text-align": "left"})
            .set_table_styles(heads, overwrite=False))
