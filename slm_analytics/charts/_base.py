"""Shared parts of the chart factories: the offline renderer switch and helpers for the data they draw.

A private module with public names: the chart modules of the package import them from here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Literal

import pandas as pd

from .._checks import require_columns
from .._compat import import_jsonschema
from ..errors import DataError, ParameterError

import_jsonschema()  # before altair: skips a slow import (see _compat)
import altair as alt  # noqa: E402

__all__ = [
    "check_target",
    "daily_data",
    "default_title",
    "fmt_percent",
    "per_slo",
    "require_columns",
    "require_rows",
    "target_decimals",
    "use_renderer",
]


def use_renderer(kind: Literal["report", "lab", "auto"]) -> Any:
    """Enable the altair renderer that shows charts without network access.

    Parameters
    ----------
    kind : {"report", "lab", "auto"}
        ``"report"``: static SVG rendered in the kernel by vl-convert, embedded in the notebook and in its
        nbconvert HTML (papermill reports). ``"lab"``: interactive charts in JupyterLab with vega loaded
        from the ``anywidget`` bundle (``alt.renderers.enable("jupyter", offline=True)``). ``"auto"``:
        ``"lab"`` under a front end that draws widgets (JupyterLab, Voilà), ``"report"`` in headless runs
        (papermill, nbval), as :func:`slm_analytics.widgets.interactive` tells: a saved notebook then holds
        pictures, not references to widgets nobody drew.

    Returns
    -------
    object
        What ``alt.renderers.enable`` returns; assign it to ``_`` in notebooks so nothing is printed.

    Raises
    ------
    ParameterError
        If ``kind`` is none of these.

    Notes
    -----
    altair's default renderer loads vega from a CDN and shows an error without network; ``"inline"``
    breaks with two charts on a page and ``"mimetype"`` makes papermill fail (probed with headless
    Chromium, see CONVENTIONS.md section 7).

    Examples
    --------
    >>> _ = use_renderer("report")
    >>> alt.renderers.active
    'svg'
    """
    if kind == "auto":
        from ..widgets import interactive

        kind = "lab" if interactive() else "report"
    if kind == "report":
        return alt.renderers.enable("svg")
    if kind == "lab":
        return alt.renderers.enable("jupyter", offline=True)
    msg = (
        f"renderer kind {kind!r} is not one of 'report' (static SVG for papermill/nbconvert HTML), 'lab' "
        "(interactive charts in JupyterLab, offline) or 'auto' (the one that suits the front end)"
    )
    raise ParameterError(msg)


def check_target(target: float, what: str) -> float:
    """``target`` as a float in (0, 1); :class:`ParameterError` naming ``what`` otherwise."""
    from .._checks import check_target as _check

    return _check(target, f"{what}: target")


def target_decimals(target: float) -> int:
    """Decimals needed to write ``target`` exactly in percent (0.99 -> 0, 0.999 -> 1, 0.9995 -> 2)."""
    for d in range(6):
        if math.isclose(round(target * 100, d), target * 100, rel_tol=0, abs_tol=1e-9):
            return d
    return 6


def fmt_percent(value: float, decimals: int) -> str:
    """``0.99936`` -> ``"99.94%"`` (with ``decimals=2``); ``NaN`` -> ``"no data"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    return f"{value * 100:.{decimals}f}%"


def daily_data(daily: pd.DataFrame, what: str) -> pd.DataFrame:
    """Chart data for one SLO: one row per calendar day (missing days added with a null SLI).

    Days are written as ``YYYY-MM-DD`` strings: vega parses them as UTC midnight and the charts use UTC
    scales, so the day shown is the local calendar day of the data whatever the viewer's time zone.
    """
    ts = daily["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts.dtype):
        msg = f"{what}: column 'timestamp' has dtype {ts.dtype}; expected datetimes (day starts)"
        raise DataError(msg)
    day = (ts.dt.tz_localize(None) if isinstance(ts.dtype, pd.DatetimeTZDtype) else ts).dt.floor("D")
    if day.duplicated().any():
        msg = f"{what}: expected one row per day, found {int(day.duplicated().sum())} repeated day(s)"
        raise DataError(msg)
    values = pd.Series(daily["sli"].to_numpy(dtype=float), index=pd.DatetimeIndex(day))
    if len(values):
        values = values.sort_index().reindex(pd.date_range(values.index.min(), values.index.max(), freq="D"))
    return pd.DataFrame({
        "timestamp": values.index.strftime("%Y-%m-%d"),
        "sli": values.to_numpy(),
        "day": values.index.strftime("%a %d %b %Y"),
    })


def default_title(frame: pd.DataFrame, title: str | None) -> str:
    """``title``, or ``"<service> / <slo>"`` from the frame's first row."""
    if title is not None:
        return title
    parts = [str(frame[c].iloc[0]) for c in ("service", "slo") if c in frame.columns and len(frame)]
    return " / ".join(parts) or "daily SLI"


def per_slo(daily: pd.DataFrame, what: str,
             slices: str) -> Iterator[tuple[object, pd.DataFrame, float, str]]:
    """``(slo, its rows, its target, title)`` per SLO of ``daily``; a Timeslices title says which slices."""
    for slo, one in daily.groupby("slo", sort=False, observed=True):
        targets = one["target"].unique()
        if len(targets) != 1:
            msg = f"{what}: SLO {slo!r} has {len(targets)} targets {sorted(targets)}; expected one"
            raise DataError(msg)
        name = default_title(one, None)
        if "budgeting_method" in one.columns and one["budgeting_method"].iloc[0] == "Timeslices":
            name += f" (share of {slices} time slices)"
        yield slo, one, float(targets[0]), name



def require_rows(frame: pd.DataFrame, what: str, expected: str) -> None:
    """Raise :class:`DataError` naming ``what`` if ``frame`` is empty; ``expected``: the rows it needs."""
    if frame.empty:
        msg = f"{what}: the frame is empty; expected {expected}"
        raise DataError(msg)
