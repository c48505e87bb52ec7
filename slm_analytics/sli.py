"""Service level indicators computed from event counts.

A ratio SLI is good events over total events. Buckets (or periods) with ``total == 0`` carry no data:
their SLI is ``NaN``, never ``0/0`` and never 100 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import DataError, ParameterError

__all__ = ["ratio_sli"]


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{what}: missing column(s) {', '.join(map(repr, missing))}; found {', '.join(map(str, frame.columns))}"
        raise DataError(msg)


def ratio_sli(
    events: pd.DataFrame,
    *,
    good: str = "good",
    total: str = "total",
    freq: str | None = "1D",
    by: tuple[str, ...] = ("service", "slo"),
    timestamp: str = "timestamp",
    tz: str = "UTC",
) -> pd.DataFrame:
    """Ratio SLI (good / total) per group and period.

    Parameters
    ----------
    events : DataFrame
        Event counts per bucket, e.g. from :func:`~slm_analytics.data.read_sli`.
    good, total : str
        Columns of good and total event counts.
    freq : str or None
        pandas offset alias of the reporting period (``"1h"``, ``"1D"``, ``"W-MON"``, ``"MS"`` for calendar
        months); ``None`` gives one row per group over all the data.
    by : tuple of str
        Grouping columns.
    timestamp : str
        Column of bucket start times (timezone-aware).
    tz : str
        Time zone in which periods are cut (a calendar day or month in ``Asia/Seoul`` differs from UTC).

    Returns
    -------
    DataFrame
        Columns ``*by``, ``timestamp`` (period start in ``tz``; absent when ``freq`` is ``None``), ``good``,
        ``total`` (int64 sums) and ``sli`` (float, ``NaN`` where ``total == 0``: no data).

    Raises
    ------
    DataError
        If a column is missing.
    ParameterError
        If ``freq`` is not a pandas offset.

    Notes
    -----
    :math:`\\mathrm{SLI} = \\sum good / \\sum total` over the period: events are pooled, buckets are not
    averaged (an average of bucket ratios over-weights quiet buckets).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli = read_dataset("sli_5min")
    >>> one = sli[(sli["service"] == "checkout") & (sli["slo"] == "availability")]
    >>> monthly = ratio_sli(one, freq="MS", tz="Europe/London")
    >>> monthly[["timestamp", "good", "total", "sli"]].head(2)
                      timestamp      good     total       sli
    0 2025-11-01 00:00:00+00:00  13999676  14010622  0.999219
    1 2025-12-01 00:00:00+00:00  14392156  14396477  0.999700
    """
    by = tuple(by)
    _require(events, [*by, timestamp, good, total], "ratio_sli")
    if freq is None:
        if by:
            out = events.groupby(list(by), observed=True, sort=True)[[good, total]].sum().reset_index()
        else:
            out = pd.DataFrame({good: [int(events[good].sum())], total: [int(events[total].sum())]})
    else:
        try:
            offset = pd.tseries.frequencies.to_offset(freq)
        except ValueError as exc:
            msg = f"freq {freq!r} is not a pandas offset alias such as '1h', '1D', 'W-MON' or 'MS'"
            raise ParameterError(msg) from exc
        work = events[[*by, good, total]].copy()
        sub_daily = isinstance(offset, pd.offsets.Tick) and pd.Timedelta(offset) < pd.Timedelta(days=1)
        if sub_daily:  # cut in UTC: local hours repeat or vanish at DST changes
            work["_t"] = events[timestamp].dt.floor(offset).dt.tz_convert(tz)
            grouper: object = "_t"
        else:  # days, weeks, months... are cut on the local calendar
            work["_t"] = events[timestamp].dt.tz_convert(tz).dt.tz_localize(None)
            grouper = pd.Grouper(key="_t", freq=offset, closed="left", label="left")
        out = work.groupby([*by, grouper], observed=True, sort=True)[[good, total]].sum().reset_index()
        if not sub_daily:
            out["_t"] = out["_t"].dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
        out = out.rename(columns={"_t": "timestamp"})
    out[good] = out[good].astype(np.int64)
    out[total] = out[total].astype(np.int64)
    g = out[good].to_numpy(dtype=float)
    t = out[total].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sli"] = np.where(t > 0, g / np.where(t > 0, t, 1), np.nan)
    return out.rename(columns={good: "good", total: "total"})
