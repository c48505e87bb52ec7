"""Availability and incident metrics computed from incident records.

Incident records give, per service, the periods in which the service was down: ``[started_at,
resolved_at)``. Over a window ``[start, end)`` this module measures

* availability: the share of the eligible time (the window, or only its business hours, minus excluded
  maintenance) that no incident covered. Overlapping incidents of a service count once;
* incident metrics: how many incidents started, how long they took to detect and to resolve (MTTD, MTTR and
  the median time to resolve), and the mean time between failures (MTBF).

Times are timezone-aware instants; window bounds must carry a time zone (``"2026-02-01T00:00Z"`` or a
timezone-aware ``Timestamp``): a naive time is refused rather than guessed. Interval arithmetic comes from
:mod:`slm_analytics.windows`. Nothing here reads files, logs or rounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import as_utc, check_by, require_columns
from .errors import DataError, ParameterError
from .windows import (
    intersect_intervals,
    merge_intervals,
    schedule_intervals,
    subtract_intervals,
)

if TYPE_CHECKING:
    from .catalog import Schedule

__all__ = ["availability_from_incidents", "incident_metrics", "incidents_to_sli"]

_UTC_US = "datetime64[us, UTC]"
_NAT = np.iinfo(np.int64).min
_G = "_group"  # internal group-code column handed to the interval helpers


# ------------------------------------------------------------------------------------------- checks


def _instant(value: Any, what: str) -> pd.Timestamp:
    """Parse a window bound: a timezone-aware time, as a UTC microsecond ``Timestamp``."""
    if not isinstance(value, str | dt.datetime | np.datetime64):
        msg = (
            f"window {what} {value!r} is a {type(value).__name__}; give a timezone-aware time such as "
            "'2026-02-01T00:00Z' or pd.Timestamp('2026-02-01', tz='UTC')"
        )
        raise ParameterError(msg)
    return as_utc(value, f"window {what}")


def _window(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    t0, t1 = _instant(start, "start"), _instant(end, "end")
    if t1 <= t0:
        msg = f"window end {t1} is not after window start {t0}; the window is [start, end) with start < end"
        raise ParameterError(msg)
    return t0, t1


def _micros(values: pd.Series, what: str) -> np.ndarray:
    """Timezone-aware times as int64 microseconds since the epoch (``NaT`` -> int64 min)."""
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        msg = (
            f"{what} has dtype {values.dtype}; expected timezone-aware timestamps such as "
            "datetime64[us, UTC] (read_incidents/read_maintenance return them)"
        )
        raise DataError(msg)
    return values.dt.tz_convert(None).dt.as_unit("us").to_numpy().view(np.int64).copy()


def _first_bad(ids: pd.Series, bad: np.ndarray) -> tuple[int, str, str]:
    """Position, quoted id and "(and N more)" note of the first flagged incident."""
    pos = np.flatnonzero(bad)
    more = f" (and {pos.size - 1} more)" if pos.size > 1 else ""
    return int(pos[0]), repr(ids.iloc[int(pos[0])]), more


class _Incidents:
    """Validated incident times as int64 microseconds, with a group code per row."""

    def __init__(self, incidents: pd.DataFrame, *, by: str | Iterable[str], services: Iterable[str] | None,
                 incident_id: str, started: str, resolved: str, detected: str | None, what: str) -> None:
        need = [started, resolved] + ([detected] if detected is not None else [])
        require_columns(incidents, need, f"{what}: incidents")
        self.by = check_by(by, incidents, what)
        if incident_id in incidents.columns:
            ids = incidents[incident_id]
            repeated = ids.duplicated(keep="first").to_numpy()
        else:  # no ids: incidents are named by their row (1 = the first), as read_incidents names them
            ids = pd.Series([f"row-{i + 1}" for i in range(len(incidents))], dtype="str")
            repeated = np.zeros(len(incidents), dtype=bool)
        if repeated.any():  # a repeated record would count its downtime and its failure twice
            _, name, more = _first_bad(ids, repeated)
            msg = (f"{what}: incident {name} appears more than once{more}; each incident is one row (drop "
                   "the repeated rows, or give each incident its own id)")
            raise DataError(msg)
        s = _micros(incidents[started], f"{what}: incidents column {started!r}")
        r = _micros(incidents[resolved], f"{what}: incidents column {resolved!r}")
        if (s == _NAT).any():
            _, name, more = _first_bad(ids, s == _NAT)
            msg = f"{what}: incident {name}: {started!r} is missing (NaT){more}; every incident needs a start"
            raise DataError(msg)
        bad = (r != _NAT) & (r < s)
        if bad.any():
            i, name, more = _first_bad(ids, bad)
            msg = (
                f"{what}: incident {name}: {resolved!r} ({incidents[resolved].iloc[i]}) is before "
                f"{started!r} ({incidents[started].iloc[i]}){more}; an incident is resolved at or after it "
                "starts"
            )
            raise DataError(msg)
        if detected is not None:
            d = _micros(incidents[detected], f"{what}: incidents column {detected!r}")
            bad = (d != _NAT) & (d < s)
            if bad.any():
                i, name, more = _first_bad(ids, bad)
                msg = (
                    f"{what}: incident {name}: {detected!r} ({incidents[detected].iloc[i]}) is before "
                    f"{started!r} ({incidents[started].iloc[i]}){more}; an incident is detected at or after "
                    "it starts"
                )
                raise DataError(msg)
            self.detected = d
        self.started, self.resolved = s, r

        keys = incidents[list(self.by)].reset_index(drop=True)
        if services is not None:
            if self.by != ("service",):
                msg = f"{what}: services= lists services to report and needs by='service', not by={by!r}"
                raise ParameterError(msg)
            names = [services] if isinstance(services, str) else list(services)
            if isinstance(keys["service"].dtype, pd.CategoricalDtype):  # listed names may be new categories
                keys["service"] = keys["service"].astype(keys["service"].cat.categories.dtype)
            listed = pd.DataFrame({"service": pd.Series(names, dtype="str")})
            keys = pd.concat([keys, listed], ignore_index=True) if len(keys) else listed
        if not self.by:  # one group, the whole list: one row out, even without incidents
            self.codes = np.zeros(len(incidents), dtype=np.int64)
            self.keys = pd.DataFrame(index=pd.RangeIndex(1))
            self.n = 1
            return
        combined = np.zeros(len(keys), dtype=np.int64)
        for c in self.by:  # mixed-radix code of the sorted per-column codes: sorts like the key tuples
            k, u = pd.factorize(keys[c], sort=True, use_na_sentinel=False)
            combined = combined * max(len(u), 1) + k
        _, first, codes = np.unique(combined, return_index=True, return_inverse=True)
        self.codes = codes.reshape(-1)[: len(incidents)].astype(np.int64)
        self.keys = keys.iloc[first].reset_index(drop=True)  # row g holds group code g
        self.n = len(self.keys)

    def clipped(self, t0: int, t1: int) -> tuple[np.ndarray, pd.DataFrame]:
        """Return the incidents overlapping ``[t0, t1)``: a mask, and their clipped ``_group, start, end``.

        Ongoing incidents end at ``t1``.
        """
        r = np.where(self.resolved == _NAT, t1, self.resolved)
        # started in the window, or still unresolved at its start (instantaneous incidents count too)
        hit = (self.started < t1) & ((self.started >= t0) | (r > t0))
        frame = pd.DataFrame({
            _G: self.codes[hit],
            "start": _times(np.maximum(self.started[hit], t0)),
            "end": _times(np.minimum(r[hit], t1)),
        })
        return hit, frame

    def count(self, mask: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes[mask], minlength=self.n).astype(np.int64)


def _times(values: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=np.int64).view("datetime64[us]")).dt.tz_localize("UTC")


def _total(frame: pd.DataFrame, n: int) -> np.ndarray:
    """Sum interval lengths per group code, in microseconds."""
    out = np.zeros(n, dtype=np.int64)
    if len(frame):  # the helpers return validated, disjoint intervals: plain end - start
        us = _micros(frame["end"], "end") - _micros(frame["start"], "start")
        np.add.at(out, frame[_G].to_numpy(dtype=np.int64), us)
    return out


def _exclusion_frame(exclusions: pd.DataFrame, keys: pd.DataFrame, by: tuple[str, ...],
                     start: str, end: str) -> pd.DataFrame:
    """Exclusion windows per group code, matched on the ``by`` columns the exclusions carry."""
    what = "availability_from_incidents: exclusions"
    require_columns(exclusions, (start, end), what)
    s = _micros(exclusions[start], f"{what} column {start!r}")
    e = _micros(exclusions[end], f"{what} column {end!r}")
    bad = (s == _NAT) | (e == _NAT) | (e < s)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"{what}: row {i + 1}: window [{exclusions[start].iloc[i]}, {exclusions[end].iloc[i]}) is "
            f"missing a bound or ends before it starts; each exclusion needs {start!r} <= {end!r}"
        )
        raise DataError(msg)
    common = [c for c in by if c in exclusions.columns]
    if not common:  # windows without group columns apply to every group
        n = len(keys)
        return pd.DataFrame({_G: np.repeat(np.arange(n), len(s)), "start": _times(np.tile(s, n)),
                             "end": _times(np.tile(e, n))})
    # compare like with like (e.g. categorical vs str service names)
    x = pd.DataFrame({c: exclusions[c].to_numpy(dtype=object) for c in common})
    x["_x"] = np.arange(len(x))
    groups = pd.DataFrame({c: keys[c].to_numpy(dtype=object) for c in common})
    groups[_G] = np.arange(len(keys))
    pairs = groups.merge(x, on=common, how="inner")  # one row per (group, window it shares keys with)
    rows = pairs["_x"].to_numpy()
    return pd.DataFrame({_G: pairs[_G].to_numpy(), "start": _times(s[rows]), "end": _times(e[rows])})


def _frame_out(keys: pd.DataFrame, t0: pd.Timestamp, t1: pd.Timestamp) -> pd.DataFrame:
    out = keys.copy()
    out["window_start"] = pd.Series([t0] * len(keys), dtype=_UTC_US)
    out["window_end"] = pd.Series([t1] * len(keys), dtype=_UTC_US)
    return out


def _td(us: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(us, dtype=np.int64).view("timedelta64[us]"))


# ------------------------------------------------------------------------------------------- availability


def availability_from_incidents(
    incidents: pd.DataFrame,
    *,
    start: str | pd.Timestamp | dt.datetime,
    end: str | pd.Timestamp | dt.datetime,
    exclusions: pd.DataFrame | None = None,
    schedule: Schedule | Mapping[str, Any] | None = None,
    by: str | Iterable[str] = "service",
    services: Iterable[str] | None = None,
    incident_id: str = "id",
    started: str = "started_at",
    resolved: str = "resolved_at",
) -> pd.DataFrame:
    r"""Time-based availability per service over a window, from incident records.

    Per group (service), the incidents' intervals ``[started_at, resolved_at)`` are merged (overlapping
    incidents count once) and clipped to the window ``[start, end)``. Exclusion windows (planned maintenance)
    are removed from both the downtime and the eligible time; with a ``schedule`` only business hours are
    eligible, and only downtime within them counts. An ongoing incident (``resolved_at`` is ``NaT``) counts
    as down until the window end.

    Parameters
    ----------
    incidents : DataFrame
        Incident records with columns ``started_at``, ``resolved_at`` (timezone-aware; ``NaT`` while
        ongoing), the ``by`` columns and, optionally, ``id`` (without it, messages name an incident
        ``row-N``, its 1-based row in the frame), e.g. ``read_dataset("incidents")``.
    start, end : str, Timestamp or datetime
        The window ``[start, end)``; timezone-aware (ISO 8601 strings need an offset, such as
        ``"2026-02-01T00:00Z"``), ``start < end``.
    exclusions : DataFrame, optional
        Windows removed from measurement, with columns ``start``, ``end`` and any of the ``by`` columns,
        e.g. ``read_dataset("maintenance")``. A window applies to the groups that share its ``by`` values
        (a window with a ``service`` applies to that service); a frame without any ``by`` column applies
        to every group (with ``by=()``, every window applies).
    schedule : Schedule or mapping, optional
        Business-hours schedule (``catalog.schedule("uk-business-hours")``): only its hours, holidays
        excluded, are eligible.
    by : str or sequence of str
        Grouping column(s) of ``incidents``; ``()`` takes all the incidents as one group (one service's
        list of outages, needing no ``service`` column) and returns one row.
    services : iterable of str, optional
        Services to report even when they have no incident in the frame (they get availability 1, or
        ``NaN`` when they have no eligible time). Needs ``by="service"``.
    incident_id, started, resolved : str
        Column names of the incident identifier (optional column), impact start and impact end.

    Returns
    -------
    DataFrame
        One row per group found in ``incidents`` (whether or not it has incidents in the window) or listed
        in ``services``, sorted by ``by``:

        * ``*by``: the group;
        * ``window_start``, ``window_end``: the window, ``datetime64[us, UTC]``;
        * ``eligible`` (Timedelta): time measured: the window (or its business hours) minus exclusions;
        * ``downtime`` (Timedelta): eligible time covered by at least one incident;
        * ``availability`` (float): ``1 - downtime / eligible``; ``NaN`` when ``eligible`` is zero;
        * ``incidents`` (int): incidents overlapping the window (started in it, or unresolved at its start),
          whether or not they fell in business hours or exclusions;
        * ``ongoing`` (int): of those, the ones without ``resolved_at`` (counted as down to the window end);
        * ``no_eligible_time`` (bool): the window holds no eligible time (e.g. only holidays or weekend for
          a business-hours schedule, or fully excluded), so availability is undefined, never 100 %.

    Raises
    ------
    DataError
        A missing column, naive incident or exclusion times, an incident without a start, an incident
        resolved before it started (named by its id), an incident id on more than one row, an exclusion
        ending before it starts.
    ParameterError
        Window bounds that are naive, unparsable, or not ordered ``start < end``; an unknown ``by`` column;
        ``services`` with another ``by`` than ``"service"``.
    DefinitionError
        An invalid schedule mapping, or a window reaching a year for which the schedule lists no holidays
        (see :func:`~slm_analytics.windows.schedule_intervals`).

    Notes
    -----
    With :math:`E` the eligible set (window :math:`\cap` business hours :math:`\setminus` exclusions) and
    :math:`D = \bigcup_i [s_i, r_i) \\cap E` the union of the incidents within it,

    .. math:: A = 1 - |D| / |E| = (|E| - |D|) / |E|,

    ITIL's availability, "(agreed service time - downtime) / agreed service time" (ITIL Service Design,
    Availability Management), with the agreed service time the schedule's hours and planned maintenance
    outside it, as SLAs usually count it. The union makes two overlapping incidents count once.

    Excluding time is not monotone in availability: excluding downtime raises it, but excluding time in
    which the service was up lowers it (the same downtime over less eligible time).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> incidents, maintenance = read_dataset("incidents"), read_dataset("maintenance")
    >>> feb = availability_from_incidents(incidents, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z",
    ...                                   exclusions=maintenance)
    >>> cols = ["service", "eligible", "downtime", "availability", "incidents"]
    >>> feb.loc[feb["service"] == "payments", cols]
        service         eligible        downtime  availability  incidents
    9  payments 27 days 22:30:00 0 days 01:55:00      0.997141          1

    February has 28 days = 40320 minutes; the 90-minute maintenance window on 1 February leaves 40230
    eligible minutes, and the one incident lasted 115: 1 - 115 / 40230 = 0.997141.

    Business hours only: the internal wiki over the Easter weekend (Good Friday and Easter Monday are
    bank holidays in England) has no eligible time.

    >>> uk = read_dataset("catalog").schedule("uk-business-hours")
    >>> easter = availability_from_incidents(incidents, start="2026-04-03T00:00+01:00",
    ...                                      end="2026-04-07T00:00+01:00", schedule=uk)
    >>> wiki = easter[easter["service"] == "internal-wiki"]
    >>> wiki[["eligible", "availability", "no_eligible_time"]]
      eligible  availability  no_eligible_time
    4   0 days           NaN              True
    """
    what = "availability_from_incidents"
    t0, t1 = _window(start, end)
    inc = _Incidents(incidents, by=by, services=services, incident_id=incident_id, started=started,
                     resolved=resolved, detected=None, what=what)
    lo, hi = int(t0.asm8.view(np.int64)), int(t1.asm8.view(np.int64))
    hit, down = inc.clipped(lo, hi)

    if schedule is not None:
        hours = schedule_intervals(schedule, t0, t1)
    else:
        hours = pd.DataFrame({"start": _times(np.array([lo])), "end": _times(np.array([hi]))})
    eligible = pd.DataFrame({  # every group's copy of the hours (one interval without a schedule)
        _G: np.repeat(np.arange(inc.n), len(hours)),
        "start": _times(np.tile(_micros(hours["start"], "start"), inc.n)),
        "end": _times(np.tile(_micros(hours["end"], "end"), inc.n)),
    })
    if exclusions is not None and len(eligible):
        excluded = _exclusion_frame(exclusions, inc.keys, inc.by, "start", "end")
        eligible = subtract_intervals(eligible, excluded, by=(_G,))
    downtime = intersect_intervals(down, eligible, by=(_G,))

    e_us, d_us = _total(eligible, inc.n), _total(downtime, inc.n)
    out = _frame_out(inc.keys, t0, t1)
    out["eligible"] = _td(e_us)
    out["downtime"] = _td(d_us)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["availability"] = np.where(e_us > 0, 1.0 - d_us / np.where(e_us > 0, e_us, 1), np.nan)
    out["incidents"] = inc.count(hit)
    out["ongoing"] = inc.count(hit & (inc.resolved == _NAT))
    out["no_eligible_time"] = e_us == 0
    return out


# ------------------------------------------------------------------------------------------- metrics


def incident_metrics(
    incidents: pd.DataFrame,
    *,
    start: str | pd.Timestamp | dt.datetime,
    end: str | pd.Timestamp | dt.datetime,
    by: str | Iterable[str] = "service",
    services: Iterable[str] | None = None,
    incident_id: str = "id",
    started: str = "started_at",
    detected: str | None = "detected_at",
    resolved: str = "resolved_at",
) -> pd.DataFrame:
    """Incident counts, MTTD, MTTR and MTBF per service over a window.

    Parameters
    ----------
    incidents : DataFrame
        Incident records with columns ``started_at``, ``detected_at``, ``resolved_at`` (timezone-aware;
        ``detected_at``/``resolved_at`` may be ``NaT``), the ``by`` columns and, optionally, ``id``
        (without it, messages name an incident ``row-N``), e.g. ``read_dataset("incidents")``.
    start, end : str, Timestamp or datetime
        The window ``[start, end)``; timezone-aware, ``start < end``.
    by : str or sequence of str
        Grouping column(s) of ``incidents``; ``()`` takes all the incidents as one group (one row).
    services : iterable of str, optional
        Services to report even without incidents in the frame. Needs ``by="service"``.
    incident_id, started, resolved : str
        Column names of the incident identifier (optional column), impact start and impact end.
    detected : str or None
        Column of the detection time; ``None`` for records without one (``mttd`` is then ``NaT``).

    Returns
    -------
    DataFrame
        One row per group found in ``incidents`` or listed in ``services``, sorted by ``by``:

        * ``*by``, ``window_start``, ``window_end`` (``datetime64[us, UTC]``);
        * ``incidents`` (int): incidents that started in ``[start, end)``;
        * ``ongoing`` (int): incidents without ``resolved_at`` that started before ``end``;
        * ``downtime`` (Timedelta): time in the window covered by at least one incident (also those started
          before it; ongoing ones count to ``end``);
        * ``mttr`` (Timedelta): mean time to resolve, ``resolved_at - started_at``, over the resolved
          incidents that started in the window (their whole duration, even past ``end``); ``NaT`` if none;
        * ``median_ttr`` (Timedelta): median of the same;
        * ``mttd`` (Timedelta): mean time to detect, ``detected_at - started_at``, over the incidents started
          in the window that have a ``detected_at``; ``NaT`` if none;
        * ``mtbf`` (Timedelta): mean time between failures, ``(window - downtime) / incidents``; ``NaT``
          when no incident started in the window.

    Raises
    ------
    DataError
        A missing column, naive times, an incident without a start, or resolved or detected before it
        started (named by its id), an incident id on more than one row.
    ParameterError
        Window bounds that are naive, unparsable, or not ordered ``start < end``; an unknown ``by`` column.

    Notes
    -----
    MTBF follows ITIL's definition, the mean uptime between failures: "(available time - total downtime) /
    number of breaks" (ITIL Service Design, Availability Management), with the window as the available
    time. It is not the mean start-to-start gap, which ITIL calls MTBSI (mean time between service
    incidents, = MTBF + MTRS). MTTR here is ITIL's MTRS (mean time to restore service), measured from the
    impact start, not from detection: MTTR = MTTD + time from detection to resolution. Ongoing incidents
    are left out of MTTR (their duration is not known yet), which biases it down while ``ongoing > 0``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> incidents = read_dataset("incidents")
    >>> q1 = incident_metrics(incidents, start="2026-01-01T00:00Z", end="2026-04-01T00:00Z")
    >>> q1.loc[q1["service"] == "payments", ["incidents", "mttr", "mttd", "mtbf"]]
       incidents            mttr            mttd             mtbf
    9          5 0 days 00:56:48 0 days 00:06:36 17 days 23:03:12

    Payments had 5 incidents lasting 41, 55, 115, 51 and 22 minutes (MTTR 284 / 5 = 56.8 min) in the
    129,600 minutes of Q1: MTBF = (129600 - 284) / 5 minutes = 17 days 23:03:12.
    """
    what = "incident_metrics"
    t0, t1 = _window(start, end)
    inc = _Incidents(incidents, by=by, services=services, incident_id=incident_id, started=started,
                     resolved=resolved, detected=detected, what=what)
    lo, hi = int(t0.asm8.view(np.int64)), int(t1.asm8.view(np.int64))
    s, r = inc.started, inc.resolved
    d = inc.detected if detected is not None else np.full(len(s), _NAT)
    inside = (s >= lo) & (s < hi)
    n = inc.count(inside)
    _, down = inc.clipped(lo, hi)
    d_us = _total(merge_intervals(down, by=(_G,)), inc.n)

    fixed = inside & (r != _NAT)
    ttr = pd.Series(_td(r[fixed] - s[fixed]).to_numpy()).groupby(inc.codes[fixed])
    seen = inside & (d != _NAT)
    ttd = pd.Series(_td(d[seen] - s[seen]).to_numpy()).groupby(inc.codes[seen])
    groups = pd.RangeIndex(inc.n)

    out = _frame_out(inc.keys, t0, t1)
    out["incidents"] = n
    out["ongoing"] = inc.count((r == _NAT) & (s < hi))
    out["downtime"] = _td(d_us)
    out["mttr"] = ttr.mean().reindex(groups).to_numpy()
    out["median_ttr"] = ttr.median().reindex(groups).to_numpy()
    out["mttd"] = ttd.mean().reindex(groups).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mtbf = np.where(n > 0, ((hi - lo) - d_us) / np.where(n > 0, n, 1), np.nan)
    out["mtbf"] = pd.to_timedelta(mtbf, unit="us").as_unit("us")
    for c in ("mttr", "median_ttr", "mttd"):
        out[c] = out[c].astype("timedelta64[us]")
    return out


# ------------------------------------------------------------------------------------- incidents -> SLI


def _covered(frame: pd.DataFrame, n: int, edges: np.ndarray) -> np.ndarray:
    """Microseconds of each bucket ``[edges[j], edges[j+1])`` covered by each group's disjoint intervals."""
    out = np.zeros((n, len(edges) - 1), dtype=np.int64)
    if not len(frame):
        return out
    g = frame[_G].to_numpy(dtype=np.int64)
    s, e = _micros(frame["start"], "start"), _micros(frame["end"], "end")
    for k in np.unique(g):
        ks, ke = s[g == k], e[g == k]  # sorted, disjoint (merged)
        length = np.concatenate([[0], np.cumsum(ke - ks)])
        i = np.searchsorted(ks, edges, side="right")  # intervals starting at or before each edge
        last = np.maximum(i - 1, 0)
        partial = np.where(i > 0, np.clip(edges - ks[last], 0, ke[last] - ks[last]), 0)
        cum = length[np.maximum(i - 1, 0)] * (i > 0) + partial  # covered time before each edge
        out[k] = np.diff(cum)
    return out


def incidents_to_sli(
    incidents: pd.DataFrame,
    *,
    start: str | pd.Timestamp | dt.datetime,
    end: str | pd.Timestamp | dt.datetime,
    freq: str | pd.Timedelta = "5min",
    exclusions: pd.DataFrame | None = None,
    slo: str = "availability",
    by: str = "service",
    started: str = "started_at",
    resolved: str = "resolved_at",
) -> pd.DataFrame:
    r"""Build a time-based availability SLI from incident (or status-page) records.

    Each bucket of ``freq`` in ``[start, end)`` counts seconds: ``total`` the seconds of the bucket
    measured, ``good`` those no incident of the service covers. Overlapping incidents count once; planned
    maintenance (``exclusions``) is measured neither way. With only an incident log, every analysis of the
    package (error budgets, burn-rate alerts, breach forecasts, SLA credits) runs on the result.

    Parameters
    ----------
    incidents : DataFrame
        Records with ``started_at``, ``resolved_at`` (timezone-aware; ``NaT`` while ongoing, counted as
        down to ``end``) and the ``by`` column, e.g. ``read_dataset("incidents")`` or
        ``read_dataset("github_status")``.
    start, end : str, Timestamp or datetime
        The span to cover, timezone-aware (``"2023-01-01T00:00Z"``); the buckets start at ``start``.
    freq : str or Timedelta
        Bucket width, a whole number of seconds (default ``"5min"``; ``"1D"`` for daily counts).
    exclusions : DataFrame, optional
        Windows not measured (``start``, ``end`` and optionally the ``by`` column: a window with a service
        applies to that service only), e.g. ``read_dataset("maintenance")``.
    slo : str
        Name of the SLO column's value in the result.
    by : str
        The column naming the service.
    started, resolved : str
        Column names of the impact start and end.

    Returns
    -------
    DataFrame
        ``timestamp`` (bucket start, UTC), ``service``, ``slo``, ``good``, ``total`` (int64 seconds, rounded
        to the second), the SLI table layout of :func:`~slm_analytics.read_sli`; one row per service and
        bucket with measured time, services in sorted order. Every service of ``incidents`` gets every
        bucket, with or without an incident in it.

    Raises
    ------
    DataError
        As :func:`availability_from_incidents` (missing columns, naive times, an incident resolved before
        it starts, a repeated incident id), or an incident without a service (named by its id or row).
    ParameterError
        A naive, unparsable or unordered ``start``/``end``, or a ``freq`` that is not a positive whole
        number of seconds.

    Notes
    -----
    Per service, :math:`D = \bigcup_i [s_i, r_i) \setminus X` (incidents merged, exclusions :math:`X`
    removed); a bucket :math:`B` has ``total`` :math:`= |B \setminus X|` and ``good`` :math:`= |B
    \setminus X| - |B \cap D|`. The attainment over any run of buckets is then
    :func:`availability_from_incidents`' availability over that span (tested).

    Examples
    --------
    >>> import pandas as pd
    >>> t = lambda *s: pd.to_datetime(list(s), utc=True)
    >>> log = pd.DataFrame({"service": ["api", "api"],
    ...                     "started_at": t("2026-01-01 00:02", "2026-01-01 00:04"),
    ...                     "resolved_at": t("2026-01-01 00:07", "2026-01-01 00:06")})
    >>> incidents_to_sli(log, start="2026-01-01T00:00Z", end="2026-01-01T00:15Z")
                      timestamp service           slo  good  total
    0 2026-01-01 00:00:00+00:00     api  availability   120    300
    1 2026-01-01 00:05:00+00:00     api  availability   180    300
    2 2026-01-01 00:10:00+00:00     api  availability   300    300

    The two incidents overlap: together they cover 00:02 to 00:07, five minutes, split 3 + 2 across the
    first two buckets.
    """
    what = "incidents_to_sli"
    t0, t1 = _window(start, end)
    try:
        step = pd.Timedelta(freq)
    except (ValueError, TypeError) as exc:
        msg = f"{what}: freq {freq!r} is not a duration; expected e.g. '5min', '1h' or '1D'"
        raise ParameterError(msg) from exc
    step_us = int(step / pd.Timedelta(microseconds=1))
    if step_us <= 0 or step_us % 1_000_000:
        msg = f"{what}: freq {freq!r} must be a positive whole number of seconds, such as '5min'"
        raise ParameterError(msg)
    require_columns(incidents, [by], f"{what}: incidents")
    missing = incidents[by].isna().to_numpy()
    if missing.any():
        ids = incidents["id"] if "id" in incidents.columns else pd.Series(
            [f"row-{i + 1}" for i in range(len(incidents))], dtype="str")
        _, name, more = _first_bad(ids, missing)
        msg = (f"{what}: incident {name} has no {by!r}{more}; every record needs the service it took down "
               "(drop or name the records of no service)")
        raise DataError(msg)
    inc = _Incidents(incidents, by=by, services=None, incident_id="id", started=started, resolved=resolved,
                     detected=None, what=what)
    lo, hi = int(t0.asm8.view(np.int64)), int(t1.asm8.view(np.int64))
    _, down = inc.clipped(lo, hi)
    down = merge_intervals(down, by=(_G,))
    edges = np.arange(lo, hi, step_us, dtype=np.int64)
    edges = np.append(edges, hi)
    bucket = np.diff(edges)
    excluded = np.zeros((inc.n, len(bucket)), dtype=np.int64)
    if exclusions is not None and len(exclusions):
        x = merge_intervals(_exclusion_frame(exclusions, inc.keys, inc.by, "start", "end"), by=(_G,))
        x = intersect_intervals(x, pd.DataFrame({_G: np.arange(inc.n), "start": _times(np.full(inc.n, lo)),
                                                 "end": _times(np.full(inc.n, hi))}), by=(_G,))
        down = subtract_intervals(down, x, by=(_G,))
        excluded = _covered(x, inc.n, edges)
    bad = _covered(down, inc.n, edges)
    total_us = bucket[None, :] - excluded
    total = np.rint(total_us / 1e6).astype(np.int64)
    good = total - np.rint(bad / 1e6).astype(np.int64)
    keep = total > 0
    g, j = np.nonzero(keep)
    names = inc.keys[by].astype(str).to_numpy()
    return pd.DataFrame({
        "timestamp": _times(edges[:-1][j]),
        "service": pd.Series(names[g], dtype="str"),
        "slo": pd.Series([slo] * len(g), dtype="str"),
        "good": good[keep].astype(np.int64),
        "total": total[keep].astype(np.int64),
    })
