r"""What to improve: where the error budget went, which causes recur, and the service credits at stake.

The second half of the SLM loop starts from evidence:

* **Budget attribution** (:func:`budget_attribution`): the share of each SLO's consumed error budget over a
  period that each incident cause (deploy, capacity, dependency, network, config, hardware), planned
  maintenance, and nothing recorded (**unattributed** dips, a finding in themselves) account for;
* **Recurrence** (:func:`cause_recurrence`): incidents of the same service and cause over the last periods,
  and whether the last period has more of them than the earlier ones;
* **Worst hours** (:func:`worst_hours`): the clock hours of a period that spent the most of each SLO's
  budget, with the incidents that overlap them;
* **Money at stake** (:func:`credit_exposure`): the expected service credit of each SLA's current contract
  period, from the simulated paths of :func:`~slm_analytics.forecast.breach_probability`.

Bad units always come from the budgeting-method core (:mod:`slm_analytics.methods`): events for
Occurrences, slices for Timeslices and RatioTimeslices. Nothing here reads files, prints or rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import as_utc, check_catalog, check_int, make_rng, require_columns
from .budget import period_length
from .errors import DataError, DefinitionError, InsufficientDataError, ParameterError
from .grid import to_grid
from .methods import Budgeting, UnitGrid

if TYPE_CHECKING:
    from .catalog import SLA, SLO, Catalog

__all__ = [
    "CAUSES",
    "MISSING_CAUSE",
    "CauseRecurrence",
    "budget_attribution",
    "cause_recurrence",
    "credit_exposure",
    "worst_hours",
]

#: The incident cause categories of the sample data and of the attribution (``read_dataset("incidents")``).
CAUSES: tuple[str, ...] = ("deploy", "capacity", "dependency", "network", "config", "hardware")
#: The cause given to an incident whose ``cause`` is missing or empty (listed like an unknown cause).
MISSING_CAUSE = "unknown"

_UTC_US = "datetime64[us, UTC]"
_NAT = np.iinfo(np.int64).min
#: cells (series x buckets) of the dense arrays one block of the attribution holds at a time
_BLOCK_CELLS = 2_000_000


# ------------------------------------------------------------------------------------------- checks


def _period(start: Any, end: Any, what: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the period ``[start, end)`` as UTC instants; refuse naive times and ``start >= end``."""
    t0, t1 = as_utc(start, f"{what}: start"), as_utc(end, f"{what}: end")
    if t1 <= t0:
        msg = (f"{what}: end {t1} is not after start {t0}; the period is [start, end) with start < end, e.g. "
               "start='2026-02-01T00:00Z', end='2026-03-01T00:00Z'")
        raise ParameterError(msg)
    return t0, t1


def _us(ts: pd.Timestamp) -> int:
    """Return an instant as int64 microseconds since the epoch."""
    return ts.value // 1000  # Timestamp.value is nanoseconds whatever the unit


def _micros(values: pd.Series, what: str) -> np.ndarray:
    """Timezone-aware times as int64 microseconds (``NaT`` -> int64 min); DataError naming ``what``."""
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        msg = (f"{what} holds {values.dtype} values; timezone-aware timestamps are needed (read_incidents "
               "and read_maintenance return them)")
        raise DataError(msg)
    return values.dt.tz_convert(None).dt.as_unit("us").to_numpy().view(np.int64).copy()


def _ids(incidents: pd.DataFrame) -> np.ndarray:
    if "id" in incidents.columns:
        return incidents["id"].astype(str).to_numpy()
    return np.array([f"row-{i + 1}" for i in range(len(incidents))], dtype=object)


def _causes(incidents: pd.DataFrame) -> np.ndarray:
    """Return the ``cause`` column as text, a missing or empty cause as :data:`MISSING_CAUSE`."""
    raw = incidents["cause"]
    text = raw.astype(str).str.strip().to_numpy(dtype=object)
    missing = raw.isna().to_numpy() | (text == "")
    text[missing] = MISSING_CAUSE
    return text


@dataclass(frozen=True)
class _Incidents:
    """Checked incident records: ids, services, SLOs (``None``: every SLO of the service), causes, times."""

    ids: np.ndarray
    service: np.ndarray
    slo: np.ndarray
    cause: np.ndarray
    started: np.ndarray
    resolved: np.ndarray  # int64 min while ongoing


def _incidents(incidents: pd.DataFrame, what: str) -> _Incidents:
    require_columns(incidents, ["service", "cause", "started_at", "resolved_at"], f"{what}: incidents")
    ids = _ids(incidents)
    s = _micros(incidents["started_at"], f"{what}: incidents column 'started_at'")
    r = _micros(incidents["resolved_at"], f"{what}: incidents column 'resolved_at'")
    if (s == _NAT).any():
        i = int(np.flatnonzero(s == _NAT)[0])
        msg = f"{what}: incident {ids[i]!r}: 'started_at' is missing (NaT); every incident needs a start"
        raise DataError(msg)
    bad = (r != _NAT) & (r < s)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (f"{what}: incident {ids[i]!r}: 'resolved_at' ({incidents['resolved_at'].iloc[i]}) is before "
               f"'started_at' ({incidents['started_at'].iloc[i]}); an incident is resolved at or after it "
               "starts")
        raise DataError(msg)
    if "slo" in incidents.columns:
        col = incidents["slo"]
        slo = col.astype(str).str.strip().to_numpy(dtype=object)
        slo[col.isna().to_numpy() | (slo == "")] = None
    else:
        slo = np.full(len(incidents), None, dtype=object)
    return _Incidents(ids, incidents["service"].astype(str).to_numpy(dtype=object), slo, _causes(incidents),
                      s, r)


# ------------------------------------------------------------------------------------------- attribution


@dataclass(frozen=True)
class _Spans:
    """Bucket spans ``[lo, hi)`` of the grid's series, each with a code (a cause, or 0 for maintenance)."""

    row: np.ndarray
    code: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def take(self, keep: np.ndarray) -> _Spans:
        return _Spans(self.row[keep], self.code[keep], self.lo[keep], self.hi[keep])


def _series_of(grid_keys: pd.DataFrame, service: np.ndarray, slo: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Pair records (incidents or windows) with the grid's series they apply to.

    A record naming an SLO applies to that SLO of its service; one without (``None``) to every SLO of its
    service. Returns ``(record position, series row)`` for every pair.
    """
    series = pd.DataFrame({"service": grid_keys["service"].astype(str).to_numpy(),
                           "slo": grid_keys["slo"].astype(str).to_numpy(),
                           "_row": np.arange(len(grid_keys))})
    recs = pd.DataFrame({"service": service, "slo": slo, "_rec": np.arange(len(service))})
    named = recs["slo"].notna().to_numpy()
    a = recs[named].merge(series, on=["service", "slo"], how="inner")
    b = recs[~named].drop(columns="slo").merge(series.drop(columns="slo"), on="service", how="inner")
    rec = np.concatenate([a["_rec"].to_numpy(), b["_rec"].to_numpy()]).astype(np.int64)
    row = np.concatenate([a["_row"].to_numpy(), b["_row"].to_numpy()]).astype(np.int64)
    return rec, row


def _bucket_span(times: pd.DatetimeIndex, step: pd.Timedelta, s: np.ndarray, e: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Buckets ``[lo, hi)`` overlapping ``[s, e)``: bucket start < e and bucket end > s (microseconds)."""
    t = times.as_unit("us").asi8
    step_us = int(step / pd.Timedelta(microseconds=1))
    lo = np.searchsorted(t + step_us, s, side="right")
    hi = np.searchsorted(t, e, side="left")
    return lo.astype(np.int64), hi.astype(np.int64)


def _to_slice_ends(spans: _Spans, units: UnitGrid) -> _Spans:
    """Stretch spans of slice-method series to the last bucket of the slice holding their last bucket.

    A slice's units sit on its last bucket (:func:`~slm_analytics.methods.unit_counts`), so a span touching
    any bucket of a slice must reach that bucket: ``[lo, end(hi - 1) + 1)`` holds the last buckets of exactly
    the slices overlapping ``[lo, hi)``.
    """
    if not units.sliced or len(spans.row) == 0:
        return spans
    n = units.grid.shape[1]
    hi = spans.hi.copy()
    owners: dict[tuple[str, object], np.ndarray] = {}
    for i, (b, tz) in enumerate(zip(units.budgetings, units.tzs, strict=True)):
        if not b.sliced:
            continue
        key = (tz, b.timeslice_window)
        if key not in owners:
            starts = units.starts(b, tz)
            ends = np.append(starts[1:], n) - 1
            owners[key] = np.repeat(ends, np.diff(np.append(starts, n)))
        mine = spans.row == i
        hi[mine] = owners[key][hi[mine] - 1] + 1
    return _Spans(spans.row, spans.code, spans.lo, hi)


def _merge(spans: _Spans, n: int) -> _Spans:
    """Union of the spans of each (series, code): overlapping spans of one cause count once."""
    if len(spans.row) == 0:
        return spans
    group = spans.row * (int(spans.code.max()) + 1) + spans.code
    order = np.lexsort((spans.lo, group))
    g, lo, hi = group[order], spans.lo[order], spans.hi[order]
    offset = g * (n + 2)  # keep each group's running maximum to itself
    reach = np.maximum.accumulate(hi + offset)
    new = np.ones(len(g), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (lo[1:] + offset[1:] > reach[:-1])
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(g)) - 1
    return _Spans(spans.row[order][first], spans.code[order][first], lo[first], reach[last] - offset[last])


def _coverage(spans: _Spans, r0: int, rows: int, n: int) -> np.ndarray:
    """How many spans cover each bucket of series ``r0 .. r0 + rows`` (a difference array, summed)."""
    mine = (spans.row >= r0) & (spans.row < r0 + rows)
    width = n + 1
    base = (spans.row[mine] - r0) * width
    size = rows * width
    diff = (np.bincount(base + spans.lo[mine], minlength=size)
            - np.bincount(base + spans.hi[mine], minlength=size))
    return np.cumsum(diff.reshape(rows, width), axis=1)[:, :n]


def _attribute(units: UnitGrid, causes: _Spans, maintenance: _Spans, n_codes: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bad units per series: by cause ``(S, n_codes)``, in maintenance, unattributed, in all; total units.

    Block by block of series: ``k``, the number of distinct causes covering a bucket, splits its bad units
    equally among them (prefix sums of ``bad / k`` priced per merged span); buckets no cause covers go to
    maintenance when a maintenance window covers them, else to unattributed.
    """
    n_series, n = units.grid.shape
    by_cause = np.zeros(n_series * n_codes)
    maint = np.zeros(n_series)
    free = np.zeros(n_series)
    bad_all = np.zeros(n_series)
    total_all = np.zeros(n_series)
    rows = max(1, _BLOCK_CELLS // max(n, 1))
    for r0 in range(0, n_series, rows):
        m = min(rows, n_series - r0)
        bad = np.empty((m, n))
        for j in range(m):
            g, t = units.counts(r0 + j)
            np.subtract(t, g, out=bad[j], casting="unsafe")
            total_all[r0 + j] = t.sum(dtype=np.float64)
        k = _coverage(causes, r0, m, n)
        uncovered = k == 0
        in_maint = _coverage(maintenance, r0, m, n) > 0
        maint[r0:r0 + m] = np.where(uncovered & in_maint, bad, 0.0).sum(axis=1)
        free[r0:r0 + m] = np.where(uncovered & ~in_maint, bad, 0.0).sum(axis=1)
        bad_all[r0:r0 + m] = bad.sum(axis=1)
        mine = (causes.row >= r0) & (causes.row < r0 + m)
        if mine.any():
            share = bad / np.maximum(k, 1)
            cum = np.zeros((m, n + 1))
            np.cumsum(share, axis=1, out=cum[:, 1:])
            r = causes.row[mine] - r0
            value = cum[r, causes.hi[mine]] - cum[r, causes.lo[mine]]
            by_cause += np.bincount(causes.row[mine] * n_codes + causes.code[mine], weights=value,
                                    minlength=n_series * n_codes)
    return by_cause.reshape(n_series, n_codes), maint, free, bad_all, total_all


def _grid_in_period(sli: pd.DataFrame, t0: pd.Timestamp, t1: pd.Timestamp, what: str, good: str, total: str,
                    timestamp: str):
    """Lay the buckets of ``sli`` starting in ``[t0, t1)`` out as a Grid."""
    require_columns(sli, ["service", "slo", timestamp, good, total], f"{what}: sli")
    ts = sli[timestamp]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        msg = (f"{what}: sli column {timestamp!r} holds {ts.dtype} values; timezone-aware timestamps are "
               "needed")
        raise DataError(msg)
    t = ts.array.as_unit("us").asi8
    inside = (t >= _us(t0)) & (t < _us(t1))
    if not inside.any():
        msg = f"{what}: sli has no buckets starting in [{t0}, {t1}); give a period within the data"
        raise InsufficientDataError(msg)
    sub = sli if inside.all() else sli.loc[inside]
    return to_grid(sub, good=good, total=total, timestamp=timestamp, by=("service", "slo"), what=what)


def _unit_grid(grid, catalog: Catalog) -> tuple[UnitGrid, list[SLO]]:
    known = {o.key: o for o in catalog.slos}
    slos = []
    for s, n in zip(grid.keys["service"].astype(str), grid.keys["slo"].astype(str), strict=True):
        o = known.get((s, n))
        if o is None:
            catalog.slo(s, n)  # raises DefinitionError naming the SLO and the service's SLOs
            msg = f"unknown SLO {n!r} of service {s!r}"  # pragma: no cover - catalog.slo raised
            raise DefinitionError(msg)
        slos.append(o)
    zones = {s.name: s.timezone for s in catalog.services}
    return UnitGrid(grid, [Budgeting.of(o) for o in slos], [zones[o.service] for o in slos]), slos


def _incident_spans(inc: _Incidents, grid, t0: pd.Timestamp, t1: pd.Timestamp
                    ) -> tuple[_Spans, np.ndarray, np.ndarray]:
    """Spans of the incidents overlapping the period, per series; the cause names; per-series counts."""
    lo_us, hi_us = _us(t0), _us(t1)
    r = np.where(inc.resolved == _NAT, hi_us, inc.resolved)  # ongoing: to the end of the period
    hit = (inc.started < hi_us) & ((inc.started >= lo_us) | (r > lo_us))  # as availability_from_incidents
    names = np.unique(inc.cause[hit]) if hit.any() else np.zeros(0, dtype=object)
    order = sorted(names, key=lambda c: (c not in CAUSES, CAUSES.index(c) if c in CAUSES else 0, c))
    names = np.array(order, dtype=object)
    code = np.full(len(inc.cause), -1, dtype=np.int64)
    if len(names):
        code[hit] = pd.Index(names).get_indexer(inc.cause[hit])
    rec, row = _series_of(grid.keys, inc.service[hit], inc.slo[hit])
    rec = np.flatnonzero(hit)[rec]
    lo, hi = _bucket_span(grid.times, grid.step, np.maximum(inc.started[rec], lo_us),
                          np.minimum(r[rec], hi_us))
    n_codes = max(len(names), 1)
    counts = np.bincount(row * n_codes + code[rec], minlength=grid.shape[0] * n_codes)
    return _Spans(row, code[rec], lo, hi), names, counts.reshape(grid.shape[0], n_codes)


def _maintenance_spans(exclusions: pd.DataFrame, grid, t0: pd.Timestamp, t1: pd.Timestamp, what: str
                       ) -> _Spans:
    from .windows import merge_intervals

    require_columns(exclusions, ["service", "start", "end"], f"{what}: exclusions")
    merged = merge_intervals(exclusions, by=("service",))  # checks bounds, naive times, end < start
    s = _micros(merged["start"], f"{what}: exclusions column 'start'")
    e = _micros(merged["end"], f"{what}: exclusions column 'end'")
    lo_us, hi_us = _us(t0), _us(t1)
    keep = (s < hi_us) & (e > lo_us)
    rec, row = _series_of(grid.keys, merged["service"].astype(str).to_numpy(dtype=object)[keep],
                          np.full(int(keep.sum()), None, dtype=object))
    lo, hi = _bucket_span(grid.times, grid.step, np.maximum(s[keep][rec], lo_us),
                          np.minimum(e[keep][rec], hi_us))
    return _Spans(row, np.zeros(len(row), dtype=np.int64), lo, hi)


def budget_attribution(
    sli: pd.DataFrame,
    incidents: pd.DataFrame,
    catalog: Catalog,
    *,
    start: Any,
    end: Any,
    exclusions: pd.DataFrame | None = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Where each SLO's error budget went in a period: incident causes, maintenance, or nothing recorded.

    Parameters
    ----------
    sli : DataFrame
        Bucket counts with ``timestamp``, ``service``, ``slo``, ``good``, ``total`` (as
        :func:`~slm_analytics.data.read_sli` returns them); the buckets starting in ``[start, end)`` are used.
    incidents : DataFrame
        Incident records with ``service``, ``cause``, ``started_at``, ``resolved_at`` (``NaT`` while
        ongoing: to the period's end) and optionally ``id`` and ``slo`` (as
        :func:`~slm_analytics.data.read_incidents` returns them).
    catalog : Catalog
        The SLOs of ``sli``: targets, budgeting methods and their services' time zones.
    start, end : str, Timestamp or datetime
        The period ``[start, end)``, timezone-aware (``"2026-02-01T00:00Z"``), ``start < end``; as
        :func:`~slm_analytics.availability.availability_from_incidents` takes its window.
    exclusions : DataFrame, optional
        Planned maintenance windows ``service, start, end`` (e.g. ``read_dataset("maintenance")``). Without
        them nothing is attributed to maintenance (and there are no ``maintenance`` rows).
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        Per SLO with buckets in the period, in catalog order,
        one row per cause of the incidents applying to it that overlap the period (known causes in the order
        of :data:`CAUSES`, then unknown ones alphabetically), then a ``maintenance`` row (only with
        ``exclusions``) and an ``unattributed`` row, even when their ``bad`` is 0:

        * ``service``, ``slo``: the SLO;
        * ``source``: the cause's name, ``"maintenance"`` or ``"unattributed"``;
        * ``kind``: ``"cause"``, ``"maintenance"`` or ``"unattributed"`` (tells a cause that happens to be
          called ``maintenance`` from the maintenance windows);
        * ``known``: the cause is one of :data:`CAUSES` (``True`` for maintenance and unattributed rows). An
          incident with another cause, or none (:data:`MISSING_CAUSE`), is listed under its own name with
          ``known`` False rather than dropped;
        * ``bad``: bad units of the SLO in the period attributed to the source (float: a bucket shared by
          several causes is split);
        * ``share``: ``bad`` over all the SLO's bad units in the period; the shares of an SLO sum to 1.
          ``NaN`` when the SLO had no bad unit in the period (its rows all have ``bad`` 0);
        * ``budget_share``: ``bad / allowed_bad``, the part of the period's error budget the source consumed
          (the SLO's rows sum to its consumed budget; above 1 when overspent); ``NaN`` without events;
        * ``incidents``: incidents of that cause applying to the SLO and overlapping the period (0 for the
          maintenance and unattributed rows);
        * ``unit``: what ``bad`` counts, ``"events"`` or ``"slices"`` (the SLO's budgeting method);
        * ``total``: the SLO's total units in the period;
        * ``allowed_bad``: the period's error budget :math:`(1 - T) \times` ``total``;
        * ``period_start``, ``period_end``: the period (UTC).

    Raises
    ------
    DataError
        A missing column in ``sli``, ``incidents`` or ``exclusions``; naive times; an incident without a start
        or resolved before it started; a malformed maintenance window.
    ParameterError
        ``start`` or ``end`` naive or unparsable, or ``start >= end``.
    InsufficientDataError
        No bucket of ``sli`` starts in the period.
    DefinitionError
        An SLO of the data that is not in the catalog.

    Notes
    -----
    **Bad units** are those of the SLO's budgeting method (:mod:`slm_analytics.methods`): ``total - good``
    events for Occurrences; for Timeslices the bad slices, for RatioTimeslices :math:`1 - r` per slice with
    events, each on the slice's last bucket.

    **Rule.** A bucket :math:`[t, t + \Delta)` overlaps an incident when ``started_at`` :math:`< t + \Delta`
    and ``resolved_at`` :math:`> t` (a partly covered bucket counts whole, as in
    :func:`~slm_analytics.windows.exclusion_mask`). An incident naming an SLO applies to that SLO of its
    service; one without ``slo`` applies to every SLO of its service. A slice counts as overlapped when any
    of its buckets is. Then, per bucket (or slice):

    1. incidents of the same cause count once; a bucket overlapped by incidents of :math:`k` different causes
       gives each cause :math:`1/k` of its bad units (no cause is privileged, and the shares still sum to 1);
    2. incidents take precedence over maintenance: a bucket overlapped by an incident and a maintenance
       window goes to the incident's cause (an incident record is the more specific explanation: the work
       went wrong in a way someone recorded), the rest of a maintenance window's bad units to
       ``maintenance`` (the planned cost);
    3. bad units no incident or window explains are ``unattributed``.

    The SLO measures what users experienced, so maintenance is **not** excluded from the budget here (unlike
    an SLA's attainment): ``allowed_bad`` is :math:`(1 - T) N` over all the period's units.

    Vectorised: incidents are placed on the buckets with ``searchsorted``, the spans of one SLO and cause are
    merged, and the causes covering each bucket are counted with a difference array; each merged span is
    then priced with prefix sums of :math:`\text{bad}/k`. 1,000 SLOs x one month of 5-minute buckets x
    5,000 incidents take well under a second (``benchmarks/bench_improvement.py``).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> att = budget_attribution(sli, inc, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z",
    ...                          exclusions=read_dataset("maintenance"))
    >>> pay = att[(att["service"] == "payments") & (att["slo"] == "availability")]
    >>> print(pay[["source", "bad", "share", "budget_share", "incidents"]].round(3).to_string(index=False))
          source     bad  share  budget_share  incidents
      dependency 22451.0  0.909         4.328          1
     maintenance   539.0  0.022         0.104          0
    unattributed  1708.0  0.069         0.329          0
    >>> bool(abs(pay["share"].sum() - 1) < 1e-9)
    True

    One dependency incident (INC-0066) spent 4.3 times payments' February budget; the maintenance windows
    cost a tenth of it.
    """
    what = "budget_attribution"
    t0, t1 = _period(start, end, what)
    check_catalog(catalog, what)
    inc = _incidents(incidents, what)
    grid = _grid_in_period(sli, t0, t1, what, good, total, timestamp)
    units, slos = _unit_grid(grid, catalog)
    n_series, n = grid.shape
    spans, names, counts = _incident_spans(inc, grid, t0, t1)
    n_codes = counts.shape[1]
    keep = spans.hi > spans.lo
    causes = _merge(_to_slice_ends(spans.take(keep), units), n)
    if exclusions is not None:
        maintenance = _merge(_to_slice_ends(_maintenance_spans(exclusions, grid, t0, t1, what), units), n)
    else:
        maintenance = _Spans(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    by_cause, maint, free, bad_all, total_all = _attribute(units, causes, maintenance, n_codes)
    return _attribution_frame(catalog, slos, names, counts, by_cause,
                              maint if exclusions is not None else None, free, bad_all, total_all, t0, t1)


def _attribution_frame(catalog: Catalog, slos: list[SLO], names: np.ndarray, counts: np.ndarray,
                       by_cause: np.ndarray, maint: np.ndarray | None, free: np.ndarray, bad_all: np.ndarray,
                       total_all: np.ndarray,
                       t0: pd.Timestamp, t1: pd.Timestamp) -> pd.DataFrame:
    """Lay the attributed units out as the tidy result of :func:`budget_attribution`."""
    n_series = len(slos)
    n_codes = len(names)
    row_c, code_c = np.nonzero(counts[:, :n_codes] > 0) if n_codes else (np.zeros(0, int), np.zeros(0, int))
    parts = [(row_c, code_c, names[code_c] if n_codes else np.zeros(0, dtype=object), "cause",
              by_cause[row_c, code_c], counts[row_c, code_c])]
    every = np.arange(n_series)
    if maint is not None:
        parts.append((every, np.full(n_series, n_codes), np.full(n_series, "maintenance", dtype=object),
                      "maintenance", maint, np.zeros(n_series, dtype=np.int64)))
    parts.append((every, np.full(n_series, n_codes + 1), np.full(n_series, "unattributed", dtype=object),
                  "unattributed", free, np.zeros(n_series, dtype=np.int64)))
    row = np.concatenate([p[0] for p in parts]).astype(np.int64)
    position = {o.key: k for k, o in enumerate(catalog.slos)}
    rank = np.array([position[o.key] for o in slos], dtype=np.int64)
    order = np.lexsort((np.concatenate([p[1] for p in parts]), rank[row]))
    row = row[order]
    source = np.concatenate([p[2] for p in parts])[order]
    kind = np.concatenate([np.full(len(p[0]), p[3], dtype=object) for p in parts])[order]
    bad = np.concatenate([p[4] for p in parts]).astype(float)[order]
    target = np.array([o.target for o in slos])
    allowed = (1 - target) * total_all
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(bad_all[row] > 0, bad / np.where(bad_all[row] > 0, bad_all[row], 1), np.nan)
        budget = np.where(allowed[row] > 0, bad / np.where(allowed[row] > 0, allowed[row], 1), np.nan)
    out = pd.DataFrame({
        "service": np.array([o.service for o in slos], dtype=object)[row],
        "slo": np.array([o.name for o in slos], dtype=object)[row],
        "source": source,
        "kind": kind,
        "known": (kind != "cause") | np.isin(source, CAUSES),
        "bad": bad,
        "share": share,
        "budget_share": budget,
        "incidents": np.concatenate([p[5] for p in parts]).astype(np.int64)[order],
        "unit": np.array([Budgeting.of(o).unit for o in slos], dtype=object)[row],
        "total": np.rint(total_all[row]).astype(np.int64),  # events or slices: whole numbers
        "allowed_bad": allowed[row],
    })
    out["period_start"] = pd.Series(t0, index=out.index).astype(_UTC_US)
    out["period_end"] = pd.Series(t1, index=out.index).astype(_UTC_US)
    for c in ("service", "slo", "source", "kind", "unit"):
        out[c] = out[c].astype(str)
    return out


# ------------------------------------------------------------------------------------------- recurrence


@dataclass(frozen=True)
class CauseRecurrence:
    """Incidents of each service and cause over the last periods (:func:`cause_recurrence`).

    Attributes
    ----------
    as_of : Timestamp
        End of the last period (UTC).
    period : Timedelta
        Length of each period.
    periods : int
        Number of periods.
    table : DataFrame
        One row per service and cause with an incident in the periods, sorted by service then cause:
        ``service``, ``cause``, ``known`` (one of :data:`CAUSES`), ``incidents`` (in all periods), ``last``
        (in the last period), ``earlier_mean`` (mean per earlier period), ``rate_ratio`` (``last /
        earlier_mean``; ``inf`` when the earlier periods had none), ``slope`` (least-squares slope of the
        counts per period, incidents per period), ``p_value`` (one-sided test that the last period's rate
        exceeds the earlier periods', see :func:`cause_recurrence`), ``recurring`` (more than one incident)
        and ``increasing`` (``p_value < alpha``).
    counts : DataFrame
        The counts behind it, one row per service, cause and period, oldest first: ``service``, ``cause``,
        ``period`` (1 = oldest), ``period_start``, ``period_end`` (UTC), ``incidents``.
    alpha : float
        Significance level of ``increasing``.
    """

    as_of: pd.Timestamp
    period: pd.Timedelta
    periods: int
    table: pd.DataFrame
    counts: pd.DataFrame
    alpha: float

    def __repr__(self) -> str:
        rec = int(self.table["recurring"].sum()) if len(self.table) else 0
        inc = int(self.table["increasing"].sum()) if len(self.table) else 0
        return (f"CauseRecurrence({self.periods} periods of {self.period} to {self.as_of:%Y-%m-%d %H:%M}Z: "
                f"{len(self.table)} service/cause pairs, {rec} recurring, {inc} increasing)")

    def to_frame(self) -> pd.DataFrame:
        """Return :attr:`table`."""
        return self.table.copy()


def cause_recurrence(
    incidents: pd.DataFrame,
    *,
    as_of: Any,
    periods: int = 3,
    period: str | pd.Timedelta = "month",
    alpha: float = 0.05,
) -> CauseRecurrence:
    r"""How often incidents of the same service and cause recurred over the last periods, and the trend.

    Parameters
    ----------
    incidents : DataFrame
        Incident records with ``service``, ``cause`` and ``started_at`` (timezone-aware), as
        :func:`~slm_analytics.data.read_incidents` returns them.
    as_of : Timestamp or str
        Timezone-aware end of the last period (``"2026-11-01T00:00Z"``).
    periods : int
        Number of consecutive periods ending at ``as_of`` (at least 2: the last and an earlier one).
    period : str or Timedelta
        Length of one period: ``"week"``, ``"month"`` or ``"quarter"`` (7, 30 or 90 days, as
        :func:`~slm_analytics.budget.period_length` reads them) or a duration (``"30d"``). Equal lengths make
        the counts comparable.
    alpha : float
        Significance level of ``increasing``, in (0, 1).

    Returns
    -------
    CauseRecurrence
        ``.table`` per service and cause, ``.counts`` per period.

    Raises
    ------
    DataError
        Missing columns, naive or missing ``started_at``.
    ParameterError
        A naive ``as_of``, ``periods`` < 2, an unparsable ``period``, ``alpha`` outside (0, 1).

    Notes
    -----
    An incident belongs to the period holding its ``started_at``; periods are
    :math:`[a - (N - i + 1) L, a - (N - i) L)` for :math:`i = 1..N`. Missing causes are counted as
    :data:`MISSING_CAUSE` and unknown ones under their own name (``known`` False), not dropped.

    **Trend test.** With equal periods and a constant Poisson rate, the last period's count :math:`X`
    given the total :math:`n` of all :math:`N` periods is :math:`\mathrm{Binomial}(n, 1/N)` (the conditional
    test of two Poisson rates, Przyborowski & Wilenski 1940). ``p_value`` is :math:`P(X \ge x \mid n)`, the
    one-sided exact test that the last period is worse than the earlier ones. ``slope`` is the ordinary
    least-squares slope of the counts over the period index, a descriptive direction (with three periods:
    half the difference between the last and the first).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> rec = cause_recurrence(read_dataset("incidents"), as_of="2026-11-01T00:00Z", periods=3)
    >>> rec
    CauseRecurrence(3 periods of 30 days 00:00:00 to 2026-11-01 00:00Z: 36 service/cause pairs, 14 recurring,
    1 increasing)
    >>> top = rec.table.sort_values(["p_value", "incidents"], ascending=[True, False]).head(3)
    >>> cols = ["service", "cause", "incidents", "last", "slope", "p_value"]
    >>> print(top[cols].round(3).to_string(index=False))
          service  cause  incidents  last  slope  p_value
        reporting deploy          3     3    1.5    0.037
    notifications deploy          2     2    1.0    0.111
         payments deploy          2     2    1.0    0.111

    Reporting's three deploy incidents all fell in the last 30 days: :math:`P(X \ge 3 \mid n = 3) =
    (1/3)^3 = 0.037`.
    """
    from scipy import stats

    what = "cause_recurrence"
    require_columns(incidents, ["service", "cause", "started_at"], f"{what}: incidents")
    n = check_int(periods, "periods", low=2)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        msg = f"{what}: alpha {alpha!r} is outside (0, 1); e.g. 0.05"
        raise ParameterError(msg)
    length = period_length(period, "period")
    if length <= pd.Timedelta(0):
        msg = f"{what}: period {period!r} must be a positive length such as 'month' or '30d'"
        raise ParameterError(msg)
    a = as_utc(as_of, f"{what}: as_of")
    s = _micros(incidents["started_at"], f"{what}: incidents column 'started_at'")
    if (s == _NAT).any():
        i = int(np.flatnonzero(s == _NAT)[0])
        msg = (f"{what}: incident {_ids(incidents)[i]!r}: 'started_at' is missing (NaT); every incident "
               "needs a start")
        raise DataError(msg)
    step = length // pd.Timedelta(microseconds=1)
    first = _us(a) - n * step
    k = np.floor_divide(s - first, step)
    inside = (s >= first) & (k < n)
    frame = pd.DataFrame({"service": incidents["service"].astype(str).to_numpy()[inside],
                          "cause": _causes(incidents)[inside], "k": k[inside]})
    pairs = frame.groupby(["service", "cause"], sort=True).size().index
    grid = np.zeros((len(pairs), n), dtype=np.int64)
    if len(frame):
        pos = pairs.get_indexer(pd.MultiIndex.from_frame(frame[["service", "cause"]]))
        np.add.at(grid, (pos, frame["k"].to_numpy()), 1)
    total_n = grid.sum(axis=1)
    last = grid[:, -1]
    earlier = grid[:, :-1].mean(axis=1)
    x = np.arange(n) - (n - 1) / 2
    slope = grid @ x / (x @ x)
    p = stats.binom.sf(last - 1, total_n, 1 / n) if len(pairs) else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(earlier > 0, last / np.where(earlier > 0, earlier, 1),
                         np.where(last > 0, np.inf, np.nan))
    service = pairs.get_level_values(0).astype(str) if len(pairs) else pd.Index([], dtype=str)
    cause = pairs.get_level_values(1).astype(str) if len(pairs) else pd.Index([], dtype=str)
    table = pd.DataFrame({"service": service, "cause": cause, "known": np.isin(cause, CAUSES),
                          "incidents": total_n, "last": last, "earlier_mean": earlier, "rate_ratio": ratio,
                          "slope": slope, "p_value": np.asarray(p, dtype=float), "recurring": total_n > 1,
                          "increasing": np.asarray(p, dtype=float) < alpha})
    starts = pd.DatetimeIndex((first + step * np.arange(n + 1)).astype("datetime64[us]")).tz_localize("UTC")
    counts = pd.DataFrame({"service": np.repeat(np.asarray(service), n),
                           "cause": np.repeat(np.asarray(cause), n),
                           "period": np.tile(np.arange(1, n + 1), len(pairs)),
                           "period_start": np.tile(starts[:-1], len(pairs)),
                           "period_end": np.tile(starts[1:], len(pairs)), "incidents": grid.reshape(-1)})
    for c in ("period_start", "period_end"):
        counts[c] = pd.to_datetime(counts[c], utc=True).astype(_UTC_US)
    return CauseRecurrence(a, length, n, table, counts, float(alpha))


# ------------------------------------------------------------------------------------------- money at stake

_MONTHS = {"month": 1, "quarter": 3}


def _measured(rows: pd.DataFrame, catalog: Catalog, sla: SLA, exclusions: pd.DataFrame | None, good: str,
              total: str, timestamp: str) -> pd.DataFrame:
    """Return the SLA's SLO rows with the counts the contract measures.

    Outside its schedule or in an excluded maintenance window a bucket counts 0 of 0 (no data), as
    :func:`~slm_analytics.sla.sla_attainment` removes it.
    """
    from ._checks import infer_step
    from .windows import business_hours_mask, exclusion_mask

    out = pd.DataFrame({"timestamp": rows[timestamp].array, "service": sla.service, "slo": sla.slo,
                        "good": rows[good].to_numpy(), "total": rows[total].to_numpy()})
    if not isinstance(rows[timestamp].dtype, pd.DatetimeTZDtype):
        return out  # breach_probability names the problem
    step = infer_step(out["timestamp"]) or pd.Timedelta(minutes=5)
    counted = np.ones(len(out), dtype=bool)
    if sla.schedule is not None:
        counted &= business_hours_mask(out["timestamp"], catalog.schedule(sla.schedule), step=step)
    if exclusions is not None and "maintenance" in sla.exclusions:
        counted &= ~exclusion_mask(out, exclusions, step=step)
    if not counted.all():
        out["good"] = np.where(counted, out["good"].to_numpy(), 0)
        out["total"] = np.where(counted, out["total"].to_numpy(), 0)
    return out


#: the columns of credit_exposure's result (an empty one for a catalog without SLAs has them too)
_EXPOSURE_COLUMNS = ("service", "sla", "slo", "customer", "period", "period_start", "period_end", "as_of",
                     "target", "p_breach", "p_low", "p_high", "expected_credit", "low", "high", "fee",
                     "expected_amount", "amount_low", "amount_high", "current_attainment", "current_credit",
                     "current_amount", "attainment_median", "observed_days", "simulated_days",
                     "business_hours", "maintenance_excluded", "n_paths")
_EXPOSURE_TEXT = ("service", "sla", "slo", "customer", "period")


def _exposure_row(sla: SLA, bp: Any, n_paths: int, schedule: bool, excluded: bool) -> dict[str, Any]:
    from .sla import service_credits

    credit = service_credits(np.where(np.isnan(bp.attainment), np.nan, np.clip(bp.attainment, 0, 1)),
                             sla.credits)["credit"].to_numpy()
    low, high = np.quantile(credit, [0.05, 0.95], method="inverted_cdf")
    fee = sla.monthly_fee * _MONTHS[sla.period]
    now = bp.observed_good / bp.observed_total if bp.observed_total > 0 else np.nan
    now_credit = float(service_credits([now], sla.credits)["credit"].iloc[0]) if np.isfinite(now) else np.nan
    money = fee if fee > 0 else np.nan
    return {"service": sla.service, "sla": sla.name, "slo": sla.slo, "customer": sla.customer,
            "period": sla.period, "period_start": bp.window_start, "period_end": bp.window_end,
            "as_of": bp.as_of, "target": sla.target, "p_breach": bp.probability, "p_low": bp.low,
            "p_high": bp.high, "expected_credit": float(credit.mean()), "low": float(low),
            "high": float(high), "fee": fee, "expected_amount": float(credit.mean()) * money,
            "amount_low": float(low) * money, "amount_high": float(high) * money,
            "current_attainment": now, "current_credit": now_credit, "current_amount": now_credit * money,
            "attainment_median": bp.attainment_median, "observed_days": bp.observed_days,
            "simulated_days": bp.simulated_days, "business_hours": schedule,
            "maintenance_excluded": excluded, "n_paths": n_paths}


def credit_exposure(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: Any = None,
    n_paths: int = 2000,
    seed: int | np.random.Generator | None = None,
    exclusions: pd.DataFrame | None = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Estimate each SLA's expected service credit for its current contract period, before it ends.

    Parameters
    ----------
    sli : DataFrame
        Bucket counts with ``timestamp``, ``service``, ``slo``, ``good``, ``total`` (as
        :func:`~slm_analytics.data.read_sli` returns them).
    catalog : Catalog
        The SLAs (target, period, schedule, exclusions, credit tiers, fee), their SLOs and time zones.
    as_of : Timestamp or str, optional
        Timezone-aware instant of the forecast; the contract period holding it is assessed. Default: the
        end of each SLA's data.
    n_paths : int
        Simulated paths per SLA (default 2,000).
    seed : int or Generator, optional
        Seed of the random numbers (one generator feeds the SLAs in catalog order).
    exclusions : DataFrame, optional
        Maintenance windows ``service, start, end`` (e.g. ``read_dataset("maintenance")``), removed from
        the SLAs that list ``"maintenance"`` in their ``exclusions``, as in
        :func:`~slm_analytics.sla.sla_attainment`.
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        One row per SLA whose SLO has rows in ``sli``, in catalog order:

        * ``service``, ``sla``, ``slo``, ``customer``: the agreement and the SLO it measures;
        * ``period``: ``"month"`` or ``"quarter"``; ``period_start``, ``period_end``: the contract period
          assessed (UTC, cut in the service's time zone); ``as_of``: first day not observed (UTC);
        * ``target``: the contract target;
        * ``p_breach``, ``p_low``, ``p_high``: probability that the period ends below target, with its 95 %
          interval (:class:`~slm_analytics.forecast.BreachProbability`'s ``probability``, ``low``, ``high``);
        * ``expected_credit``: expected credit as a share of the period's fee, the mean of the credit of
          every path;
        * ``low``, ``high``: the 5th and 95th percentiles of the credit over the paths (a 90 % prediction
          interval of the credit the period will earn; tier values, ``method="inverted_cdf"``);
        * ``fee``: the period's fee (``monthly_fee`` x 1 or 3 months);
        * ``expected_amount``, ``amount_low``, ``amount_high``: the same times ``fee`` (``NaN`` when the SLA
          has no fee);
        * ``current_attainment``, ``current_credit``, ``current_amount``: attainment of the period so far,
          and the credit if it held to the period's end (``NaN`` before any observed day);
        * ``attainment_median``: median simulated attainment at the period's end;
        * ``observed_days``, ``simulated_days``: days of the period observed and simulated;
        * ``business_hours``: the SLA counts only its schedule's business hours (handled: buckets outside
          them count 0 of 0 in the history and the observed days);
        * ``maintenance_excluded``: maintenance windows were removed (handled the same way);
        * ``n_paths``: simulated paths.

    Raises
    ------
    DataError
        Missing columns, naive timestamps, bad counts, malformed exclusion windows.
    InsufficientDataError
        No SLA's SLO has rows, or one has fewer than 14 days with events before ``as_of``.
    ParameterError
        ``as_of`` naive or after the end of the data, ``n_paths`` < 1.

    Notes
    -----
    Expected credit :math:`E[C] = \sum_j P(A \in \text{tier}_j)\, c_j = \frac{1}{P}\sum_p c(A_p)`, with
    :math:`A_p` the attainment at the period's end of path :math:`p` of
    :func:`~slm_analytics.forecast.breach_probability` (the same model and paths, not a second one: the
    SLA's SLO is simulated over the SLA's calendar period against the SLA's target), and :math:`c(\cdot)`
    the SLA's credit table applied by :func:`~slm_analytics.sla.service_credits`: the tier is the one with
    the lowest threshold strictly above the attainment, so an attainment exactly at a tier's ``below`` does
    not earn that tier.

    The contract's measurement is applied to the counts before the simulation: buckets outside the SLA's
    business hours, or in an excluded maintenance window, count 0 of 0 (as
    :func:`~slm_analytics.sla.sla_attainment` removes them). The simulated future days are drawn from that
    measured history, so they follow its weekly pattern (no business on weekends); planned windows and
    holidays still ahead are not removed from the forecast traffic. Other exclusion classes
    (``customer-caused``, ``force-majeure``) have no windows in the data and are not applied.

    ServiceNow and BMC show the credit after the breach; this shows it before, with its uncertainty.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> exp = credit_exposure(sli, catalog, as_of="2026-02-20T00:00Z", seed=1,
    ...                       exclusions=read_dataset("maintenance"))
    >>> cols = ["sla", "p_breach", "expected_credit", "low", "high", "expected_amount", "current_amount"]
    >>> print(exp[cols].round(3).to_string(index=False))
                   sla  p_breach  expected_credit  low  high  expected_amount  current_amount
       retail-partners       0.0              0.0  0.0   0.0              0.0             0.0
      merchant-gateway       1.0              0.1  0.1   0.1           4000.0          4000.0
          sso-partners       0.0              0.0  0.0   0.0              0.0             0.0
    app-store-partners       0.0              0.0  0.0   0.0              0.0             0.0
      affiliate-search       0.0              0.0  0.0   0.0              0.0             0.0
          bulk-senders       0.0              0.0  0.0   0.0              0.0             0.0
    enterprise-support       0.0              0.0  0.0   0.0              0.0             0.0

    Payments' merchant gateway lost February by the 20th (attainment 99.67 % against 99.9 %): whatever
    the last nine days bring, the 10 % tier is due, 4,000 of the 40,000 fee.
    """
    what = "credit_exposure"
    from .forecast import breach_probability

    check_catalog(catalog, what)
    require_columns(sli, ["service", "slo", timestamp, good, total], f"{what}: sli")
    n_paths = check_int(n_paths, "n_paths")
    rng = make_rng(seed)
    if exclusions is not None:
        require_columns(exclusions, ["service", "start", "end"], f"{what}: exclusions")
    service, slo_col = sli["service"], sli["slo"]  # compared as they are: categories stay codes
    rows = []
    for a in catalog.slas:
        mine = ((service == a.service) & (slo_col == a.slo)).to_numpy()
        if not mine.any():
            continue
        counts = _measured(sli.loc[mine], catalog, a, exclusions, good, total, timestamp)
        slo = catalog.slo(a.service, a.slo).model_copy(update={"window": a.period})
        bp = breach_probability(counts, slo, target=a.target, as_of=as_of, n_paths=n_paths, seed=rng)
        rows.append(_exposure_row(a, bp, n_paths, a.schedule is not None,
                                  exclusions is not None and "maintenance" in a.exclusions))
    if not catalog.slas:  # nothing agreed, nothing owed: no row
        return pd.DataFrame({c: pd.Series(dtype=_UTC_US if c in ("period_start", "period_end", "as_of")
                                          else "float64" if c not in _EXPOSURE_TEXT else "str")
                             for c in _EXPOSURE_COLUMNS})
    if not rows:
        names = [f"{a.service}/{a.name} ({a.service}/{a.slo})" for a in catalog.slas]
        msg = f"{what}: the data has no rows for the SLO of any SLA ({', '.join(names)})"
        raise InsufficientDataError(msg)
    out = pd.DataFrame(rows)
    for c in ("period_start", "period_end", "as_of"):
        out[c] = pd.to_datetime(out[c], utc=True).astype(_UTC_US)
    return out


# ------------------------------------------------------------------------------------------- worst hours

_HOUR_US = 3_600_000_000


def _hour_incidents(incidents: pd.DataFrame, inc: _Incidents, service: str, slo: str, hours: np.ndarray,
                    t1: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Count and describe (``"INC-1 (P2, deploy); ..."``) the incidents of an SLO overlapping each hour."""
    mine = (inc.service == service) & np.array([x is None or x == slo for x in inc.slo], dtype=bool)
    idx = np.flatnonzero(mine)
    severity = (incidents["severity"].astype(str).to_numpy(dtype=object) if "severity" in incidents.columns
                else np.full(len(incidents), "", dtype=object))
    resolved = np.where(inc.resolved == _NAT, max(_us(t1), int(hours.max(initial=0)) + _HOUR_US),
                        inc.resolved)
    counts = np.zeros(len(hours), dtype=np.int64)
    text = np.full(len(hours), "", dtype=object)
    for k, h in enumerate(hours):
        hit = idx[(inc.started[idx] < h + _HOUR_US) & (resolved[idx] > h)]
        counts[k] = len(hit)
        text[k] = "; ".join(f"{inc.ids[i]} ({', '.join(x for x in (severity[i], inc.cause[i]) if x)})"
                            for i in hit)
    return counts, text


def _maintenance_hours(exclusions: pd.DataFrame, service: str, hours: np.ndarray, what: str) -> np.ndarray:
    """Whether a maintenance window of ``service`` overlaps each hour."""
    from .windows import merge_intervals

    require_columns(exclusions, ["service", "start", "end"], f"{what}: exclusions")
    merged = merge_intervals(exclusions, by=("service",))  # checks bounds, naive times, end < start
    mine = merged[merged["service"].astype(str) == service]
    s = _micros(mine["start"], f"{what}: exclusions column 'start'")
    e = _micros(mine["end"], f"{what}: exclusions column 'end'")
    return ((s[None, :] < hours[:, None] + _HOUR_US) & (e[None, :] > hours[:, None])).any(axis=1)


def worst_hours(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    start: Any,
    end: Any,
    n: int = 10,
    incidents: pd.DataFrame | None = None,
    exclusions: pd.DataFrame | None = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Find the clock hours of a period whose bad units spent the most of each SLO's error budget.

    Parameters
    ----------
    sli : DataFrame
        Bucket counts with ``timestamp``, ``service``, ``slo``, ``good``, ``total`` (as
        :func:`~slm_analytics.data.read_sli` returns them); the buckets starting in ``[start, end)`` are used.
    catalog : Catalog
        The SLOs of ``sli``: targets, budgeting methods and their services' time zones.
    start, end : str, Timestamp or datetime
        The period ``[start, end)``, timezone-aware, ``start < end`` (as :func:`budget_attribution`).
    n : int
        How many hours to keep per SLO (at least 1); fewer when fewer hours had bad units.
    incidents : DataFrame, optional
        Incident records (``service``, ``cause``, ``started_at``, ``resolved_at``, optionally ``id``, ``slo``,
        ``severity``; as :func:`~slm_analytics.data.read_incidents` returns them). Without them no hour lists
        incidents.
    exclusions : DataFrame, optional
        Planned maintenance windows ``service, start, end``: flags the hours they overlap. Maintenance is not
        removed from the budget (as in :func:`budget_attribution`: the SLO measures what users experienced).
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        Per SLO with buckets in the period, in catalog order, its hours with bad units, worst first (ties:
        the earlier hour first), at most ``n``:

        * ``service``, ``slo``: the SLO;
        * ``rank``: 1 for the hour that spent the most;
        * ``hour``: the hour's start (UTC, ``datetime64[us, UTC]``);
        * ``bad``, ``total``: the SLO's bad and total units whose bucket (for the slice methods: the slice's
          last bucket) starts in the hour (floats: RatioTimeslices' units are fractional);
        * ``budget_share``: ``bad / allowed_bad``, the part of the period's error budget the hour spent;
        * ``maintenance``: a maintenance window of the service overlaps the hour (``False`` without
          ``exclusions``);
        * ``n_incidents``: incidents applying to the SLO that overlap the hour;
        * ``incidents``: those incidents as text, ``"INC-0066 (P2, dependency); ..."`` (``""`` when none);
        * ``unit``: ``"events"`` or ``"slices"`` (the SLO's budgeting method);
        * ``period_total``: the SLO's total units in the period;
        * ``allowed_bad``: the period's error budget :math:`(1 - T) \times` ``period_total``;
        * ``period_start``, ``period_end``: the period (UTC).

    Raises
    ------
    DataError
        A missing column; naive times; an incident without a start or resolved before it started; a
        malformed maintenance window.
    ParameterError
        ``start`` or ``end`` naive or unparsable, ``start >= end``; ``n`` not an integer >= 1.
    InsufficientDataError
        No bucket of ``sli`` starts in the period.
    DefinitionError
        An SLO of the data that is not in the catalog.

    Notes
    -----
    The bad units are those of :func:`budget_attribution` (the budgeting-method core,
    :mod:`slm_analytics.methods`), summed per UTC clock hour :math:`[h, h + 1\,\mathrm{h})` of the bucket
    holding them. An incident overlaps the hour when ``started_at`` :math:`< h + 1\,\mathrm{h}` and
    ``resolved_at`` :math:`> h` (ongoing: to the end of the period); one naming an SLO applies to that SLO
    only, one without ``slo`` to every SLO of its service.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> pay = sli[(sli["service"] == "payments") & (sli["slo"] == "availability")]
    >>> top = worst_hours(pay, cat, start="2026-02-01T00:00Z", end="2026-03-01T00:00Z", n=3, incidents=inc)
    >>> cols = ["hour", "bad", "budget_share", "incidents"]
    >>> print(top[cols].round({"budget_share": 3}).to_string(index=False))
                         hour     bad  budget_share                 incidents
    2026-02-12 15:00:00+00:00 13517.0         2.606 INC-0066 (P1, dependency)
    2026-02-12 14:00:00+00:00  8934.0         1.722 INC-0066 (P1, dependency)
    2026-02-20 15:00:00+00:00   465.0         0.090

    Two hours of INC-0066 spent 4.3 times payments' February budget.
    """
    what = "worst_hours"
    t0, t1 = _period(start, end, what)
    check_catalog(catalog, what)
    n = check_int(n, f"{what}: n")
    inc = _incidents(incidents, what) if incidents is not None else None
    grid = _grid_in_period(sli, t0, t1, what, good, total, timestamp)
    units, slos = _unit_grid(grid, catalog)
    t = grid.times.as_unit("us").asi8
    hour_of = t - np.mod(t, _HOUR_US)
    hours, code = np.unique(hour_of, return_inverse=True)
    position = {o.key: k for k, o in enumerate(catalog.slos)}
    frames = []
    for i in sorted(range(len(slos)), key=lambda i: position[slos[i].key]):
        o = slos[i]
        g, tot = units.counts(i)
        bad_h = np.bincount(code, weights=(tot - g).astype(float), minlength=len(hours))
        total_h = np.bincount(code, weights=tot.astype(float), minlength=len(hours))
        order = np.lexsort((hours, -bad_h))
        order = order[bad_h[order] > 0][:n]
        period_total = float(tot.sum(dtype=np.float64))
        allowed = (1 - o.target) * period_total
        picked = hours[order]
        frame = pd.DataFrame({
            "service": o.service, "slo": o.name, "rank": np.arange(1, len(order) + 1),
            "hour": pd.to_datetime(picked, unit="us", utc=True).as_unit("us"),
            "bad": bad_h[order], "total": total_h[order],
            "budget_share": bad_h[order] / allowed if allowed > 0 else np.full(len(order), np.nan),
        })
        frame["maintenance"] = (_maintenance_hours(exclusions, o.service, picked, what)
                                if exclusions is not None else False)
        if inc is not None:
            frame["n_incidents"], frame["incidents"] = _hour_incidents(incidents, inc, o.service, o.name,
                                                                       picked, t1)
        else:
            frame["n_incidents"], frame["incidents"] = 0, ""
        frame["unit"] = Budgeting.of(o).unit
        frame["period_total"] = period_total
        frame["allowed_bad"] = allowed
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["period_start"] = pd.Series(t0, index=out.index).astype(_UTC_US)
    out["period_end"] = pd.Series(t1, index=out.index).astype(_UTC_US)
    out["n_incidents"] = out["n_incidents"].astype(np.int64)
    out["maintenance"] = out["maintenance"].astype(bool)
    for c in ("service", "slo", "incidents", "unit"):
        out[c] = out[c].astype(str)
    return out
