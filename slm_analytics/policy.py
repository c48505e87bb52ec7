"""Error-budget policy: the rules of the SRE Workbook's example policy, one function each.

The error-budget policy is the engineering side of an SLO: what the team does when the budget runs out
(SRE Workbook, appendix B, "Example Error Budget Policy"). Each rule of :data:`POLICY_RULES` is one function,
named after the rule's code, that returns the numbers behind the rule for every candidate and whether it
triggers:

* :func:`budget_exhausted` (``budget-exhausted``): each SLO's error budget over the trailing 4 weeks;
* :func:`single_incident` (``single-incident``): the share of that budget each incident spent;
* :func:`outage_class` (``outage-class``): the share of the quarter's budget each class of outage (incidents
  with the same cause) spent.

:func:`budget_policy_triggers` evaluates the three at one instant and lists the rules that trigger, with
the numbers behind each; the review's notes turn them into sentences. The only text here is the policy's
definition (:data:`POLICY_RULES`: each rule's measure and action). Nothing here rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import require_columns
from .budget import error_budget, period_length
from .errors import DataError, InsufficientDataError, ParameterError
from .grid import cumulative, to_grid
from .methods import Budgeting, UnitGrid
from .windows import merge_intervals

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["POLICY_RULES", "budget_exhausted", "budget_policy_triggers", "outage_class", "single_incident"]

_UTC_US = "datetime64[us, UTC]"
_FOUR_WEEKS = pd.Timedelta(days=28)

#: SRE Workbook, appendix B "Example Error Budget Policy": rule, what it measures, threshold and action.
POLICY_RULES = pd.DataFrame({
    "rule": ["budget-exhausted", "single-incident", "outage-class"],
    "measure": [
        "share of the 4-week error budget spent over the trailing 4 weeks",
        "share of the 4-week error budget spent by one incident",
        "share of the quarter's error budget spent by one class of outage (incident cause)",
    ],
    "threshold": [1.0, 0.2, 0.2],
    "action": [
        "release freeze: halt changes and releases other than P0 issues or security fixes until the service "
        "is back within its SLO",
        "postmortem with at least one P0 action item to address the root cause",
        "quarterly planning item: a P0 item in the team's quarterly planning to address this class of outage",
    ],
})

_THRESHOLD = POLICY_RULES.set_index("rule")["threshold"]


# ------------------------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class _Windows:
    """The data on a grid, the evaluation instant and the rules' two budget windows.

    Bucket positions ``p_*`` index ``grid.times``: the first bucket starting at or after the instant, so the
    buckets of a window ``[start, when)`` are ``p_start:p_end``.
    """

    units: UnitGrid
    when: pd.Timestamp
    start_4w: pd.Timestamp
    start_q: pd.Timestamp
    edges: pd.DatetimeIndex
    p_end: int
    p_4w: int
    p_q: int
    incidents: pd.DataFrame

    def slos(self) -> Iterator[tuple[int, str, str]]:
        """``(row of the grid, service, slo)`` of every SLO of the data."""
        for i, key in enumerate(self.units.grid.keys.itertuples(index=False)):
            yield i, str(key[0]), str(key[1])

    def counts(self, i: int, p_start: int) -> tuple[int | float, int]:
        """Good and total units of SLO ``i`` from bucket ``p_start`` up to the evaluation instant.

        Units of the SLO's budgeting method (:mod:`slm_analytics.methods`): events or slices.
        """
        g, t = self.units.counts(i)
        window = slice(p_start, self.p_end)
        good = g[window].sum()
        return (float(good) if g.dtype.kind == "f" else int(good)), int(t[window].sum(dtype=np.int64))

    def bad(self, i: int) -> np.ndarray:
        """Cumulative bad units (``total - good``) of SLO ``i``, with a leading zero."""
        g, t = self.units.counts(i)
        return cumulative(t - g)


def _windows(sli: pd.DataFrame, incidents: pd.DataFrame | None, catalog: Catalog, *, as_of: Any, what: str,
             good: str, total: str, timestamp: str) -> _Windows:
    """Check the inputs, lay the data out and find the windows; place incidents (if any) on the buckets."""
    require_columns(sli, ["service", "slo", timestamp, good, total], f"{what}: sli")
    if incidents is not None:
        require_columns(incidents, ["id", "service", "cause", "started_at", "resolved_at"],
                        f"{what}: incidents")
        for col in ("started_at", "resolved_at"):
            if not isinstance(incidents[col].dtype, pd.DatetimeTZDtype):
                msg = (
                    f"{what}: incidents column {col!r} must hold timezone-aware timestamps, not "
                    f"{incidents[col].dtype} (read incidents with read_incidents)"
                )
                raise DataError(msg)
    grid = to_grid(sli, good=good, total=total, timestamp=timestamp, by=("service", "slo"), what=what)
    times, step = grid.times, grid.step
    data_start, data_end = times[0], times[-1] + step
    if as_of is None:
        when = data_end
    else:
        when = pd.Timestamp(as_of)
        if when.tzinfo is None:
            msg = f"as_of {as_of!r} has no time zone; give a timezone-aware time such as '2026-03-01T00:00Z'"
            raise ParameterError(msg)
        when = when.tz_convert("UTC")
        if when > data_end:
            msg = f"as_of {when} is after the end of the data ({data_end}); give an instant within the data"
            raise ParameterError(msg)
    start_4w = when - _FOUR_WEEKS
    if start_4w < data_start:
        msg = (
            f"{what}: the trailing 4 weeks before as_of {when} start at {start_4w}, before the "
            f"data ({data_start}); at least 28 days of data are needed"
        )
        raise InsufficientDataError(msg)
    start_q = max(when - period_length("quarter"), data_start)
    edges = times.append(pd.DatetimeIndex([data_end]))  # bucket boundaries, n + 1
    slos = [catalog.slo(str(s), str(n)) for s, n in grid.keys.itertuples(index=False)]
    zones = [catalog.service(o.service).timezone for o in slos]
    units = UnitGrid(grid, [Budgeting.of(o) for o in slos], zones)
    return _Windows(units, when, start_4w, start_q, edges, int(times.searchsorted(when, side="left")),
                    int(times.searchsorted(start_4w, side="left")),
                    int(times.searchsorted(start_q, side="left")),
                    pd.DataFrame() if incidents is None else _place(incidents, times, edges, when))


def _place(incidents: pd.DataFrame, times: pd.DatetimeIndex, edges: pd.DatetimeIndex,
           when: pd.Timestamp) -> pd.DataFrame:
    """Incidents started before ``when``, ongoing ones ended at it, with the buckets they overlap.

    ``first_bucket`` is the first bucket ending after the start; ``end_bucket`` the first bucket starting
    at or after the end, so the incident overlaps buckets ``first_bucket:end_bucket``.
    """
    inc = incidents[incidents["started_at"] < when].copy()
    inc["resolved_at"] = inc["resolved_at"].fillna(when).clip(upper=when)
    inc = inc[inc["resolved_at"] > inc["started_at"]]
    first = edges[1:].searchsorted(pd.DatetimeIndex(inc["started_at"]), side="right")
    end = times.searchsorted(pd.DatetimeIndex(inc["resolved_at"]), side="left")
    return inc.assign(first_bucket=first.astype(np.int64), end_bucket=end.astype(np.int64))


def _table(rows: list[dict[str, Any]] | pd.DataFrame, dtypes: dict[str, Any], start: pd.Timestamp,
           end: pd.Timestamp) -> pd.DataFrame:
    """Build a rule's result: the columns of ``dtypes`` in that order, then the window's start and end.

    Integer counts stay exact: a count column holding fractional units (RatioTimeslices) is float.
    """
    out = pd.DataFrame(rows, columns=list(dtypes))
    dtypes = {c: float if t is np.int64 and len(out) and (out[c].astype(float) % 1 != 0).any() else t
              for c, t in dtypes.items()}
    out = out.astype(dtypes).reset_index(drop=True)
    out["window_start"] = pd.Series(start, index=out.index).astype(_UTC_US)
    out["window_end"] = pd.Series(end, index=out.index).astype(_UTC_US)
    return out


# ------------------------------------------------------------------------------------------- rules


_EXHAUSTED = {"service": str, "slo": str, "good": np.int64, "total": np.int64, "bad": np.int64,
              "allowed_bad": float, "sli": float, "target": float, "spent": float, "triggered": bool}


def _budget_exhausted(w: _Windows, catalog: Catalog) -> pd.DataFrame:
    rows = []
    for i, service, slo in w.slos():
        target = catalog.slo(service, slo).target
        good, events = w.counts(i, w.p_4w)
        if events == 0:
            continue  # no events in the 4 weeks: nothing spent, nothing to evaluate
        eb = error_budget(good=good, total=events, target=target, window="28d")
        rows.append({"service": service, "slo": slo, "good": eb.good, "total": eb.total, "bad": eb.actual_bad,
                     "allowed_bad": eb.allowed_bad, "sli": eb.sli, "target": target, "spent": eb.consumed,
                     "triggered": eb.sli < target})
    return _table(rows, _EXHAUSTED, w.start_4w, w.when)


def budget_exhausted(
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: Any = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Rule ``budget-exhausted``: each SLO's error budget over the trailing 4 weeks.

    The rule triggers when the budget is spent: the 28-day SLI is below target. The policy's action is a
    release freeze except for P0 issues and security fixes (SRE Workbook, appendix B).

    Parameters
    ----------
    sli : DataFrame
        Bucket counts (``timestamp, service, slo, good, total``).
    catalog : Catalog
        Targets of the SLOs in ``sli``.
    as_of : Timestamp or str, optional
        Evaluation instant (timezone-aware); default the end of the data (end of its last bucket).
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        One row per SLO with events in the 4 weeks, in the data's order:

        * ``service``, ``slo``: the SLO;
        * ``good``, ``total``, ``bad``: events in the buckets starting in ``[as_of - 28 days, as_of)``;
        * ``allowed_bad``: the budget, :math:`(1 - T) \cdot total`;
        * ``sli``: ``good / total``;
        * ``target``: the SLO's target :math:`T`;
        * ``spent``: share of the budget spent, ``bad / allowed_bad`` (1 = all of it);
        * ``triggered``: ``sli < target``;
        * ``window_start``, ``window_end``: the 4 weeks (UTC).

    Raises
    ------
    DataError
        Missing columns in ``sli``.
    ParameterError
        A naive ``as_of``, or one after the end of the data.
    InsufficientDataError
        Less than 4 weeks of data before ``as_of``.
    DefinitionError
        An SLO of the data that is not in the catalog.

    Notes
    -----
    :math:`\mathrm{SLI}_{28d} < T` is :math:`\mathit{spent} > 1`, the threshold of :data:`POLICY_RULES`;
    the comparison is made on the SLI. The budget is that of :func:`~slm_analytics.budget.error_budget` over
    a ``28d`` window.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, cat = read_dataset("sli_5min"), read_dataset("catalog")
    >>> got = budget_exhausted(sli, cat, as_of="2026-03-01T00:00Z")
    >>> print(got.loc[got["triggered"], ["service", "slo", "bad", "spent"]].round(2).to_string(index=False))
     service          slo   bad  spent
    payments availability 24698   4.76
    payments       uptime    44   1.09
    """
    return _budget_exhausted(_windows(sli, None, catalog, as_of=as_of, what="budget_exhausted",
                                      good=good,
                                      total=total, timestamp=timestamp), catalog)


def _single_incident(w: _Windows, catalog: Catalog) -> pd.DataFrame:
    inc = w.incidents
    keep = [c for c in ("id", "severity", "cause", "started_at", "resolved_at") if c in inc.columns]
    dtypes = {"service": str, "slo": str, **inc[keep].dtypes.to_dict(), "bad": np.int64,
              "allowed_bad": float, "spent": float, "triggered": bool}
    threshold = _THRESHOLD["single-incident"]
    parts = []
    for i, service, slo in w.slos():
        target = catalog.slo(service, slo).target
        mine = inc[inc["service"] == service]
        _, events = w.counts(i, w.p_4w)
        if len(mine) == 0 or events == 0:
            continue
        a = np.maximum(mine["first_bucket"].to_numpy(), w.p_4w)
        b = np.minimum(mine["end_bucket"].to_numpy(), w.p_end)
        hit = b > a
        cb = w.bad(i)
        bad = cb[b[hit]] - cb[a[hit]]
        allowed = (1 - target) * events
        spent = bad / allowed
        parts.append(mine.loc[hit, keep].assign(service=service, slo=slo, bad=bad, allowed_bad=allowed,
                                                spent=spent, triggered=spent > threshold))
    rows = pd.concat(parts) if parts else pd.DataFrame(columns=list(dtypes))
    return _table(rows[list(dtypes)], dtypes, w.start_4w, w.when)


def single_incident(
    sli: pd.DataFrame,
    incidents: pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: Any = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Rule ``single-incident``: the share of the 4-week error budget each incident spent.

    The rule triggers when one incident spent more than 20 % of the budget. The policy's action is a
    postmortem with at least one P0 action item (SRE Workbook, appendix B).

    Parameters
    ----------
    sli : DataFrame
        Bucket counts (``timestamp, service, slo, good, total``).
    incidents : DataFrame
        Incident records with ``id``, ``service``, ``cause``, ``started_at``, ``resolved_at`` (``NaT`` while
        ongoing: counted up to ``as_of``) and optionally ``severity``.
    catalog : Catalog
        Targets of the SLOs in ``sli``.
    as_of : Timestamp or str, optional
        Evaluation instant (timezone-aware); default the end of the data (end of its last bucket).
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        One row per SLO with events in the 4 weeks and incident of its service overlapping them, in the
        data's then the incidents' order:

        * ``service``, ``slo``: the SLO whose budget is concerned;
        * ``id``, ``severity`` (when ``incidents`` has it), ``cause``, ``started_at``: the incident's;
        * ``resolved_at``: its end, ``as_of`` for an incident still ongoing then;
        * ``bad``: bad events of the SLO in the buckets overlapping the incident, within the 4 weeks;
        * ``allowed_bad``: the 4-week budget, :math:`(1 - T) N` with :math:`N` the window's events;
        * ``spent``: ``bad / allowed_bad``;
        * ``triggered``: ``spent`` above the rule's threshold (0.2);
        * ``window_start``, ``window_end``: the 4 weeks (UTC).

    Raises
    ------
    DataError
        Missing columns in ``sli`` or ``incidents``, or incident times without a time zone.
    ParameterError
        A naive ``as_of``, or one after the end of the data.
    InsufficientDataError
        Less than 4 weeks of data before ``as_of``.
    DefinitionError
        An SLO of the data that is not in the catalog.

    Notes
    -----
    An incident is priced against every SLO of its service, since an outage spends all of them. Its cost is
    the bad events (``total - good``) in the buckets overlapping ``[started_at, resolved_at)``, a bucket
    counting whole even when the incident covers part of it.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> got = single_incident(sli, inc, cat, as_of="2026-03-01T00:00Z")
    >>> print(got.loc[got["triggered"], ["service", "slo", "id", "bad", "spent"]].round(2)
    ...       .to_string(index=False))
     service          slo       id   bad  spent
    payments availability INC-0066 22451   4.33
    payments       uptime INC-0066    23   0.57
       login availability INC-0071  3898   0.42
       login       uptime INC-0071    11   0.27
       login       uptime INC-0073    11   0.27
    """
    return _single_incident(_windows(sli, incidents, catalog, as_of=as_of, what="single_incident",
                                     good=good,
                                     total=total, timestamp=timestamp), catalog)


_OUTAGE = {"service": str, "slo": str, "cause": str, "incidents": np.int64, "bad": np.int64,
           "allowed_bad": float, "spent": float, "triggered": bool, "days": float}


def _outage_class(w: _Windows, catalog: Catalog) -> pd.DataFrame:
    inc = w.incidents
    a = np.maximum(inc["first_bucket"].to_numpy(), w.p_q)
    b = np.minimum(inc["end_bucket"].to_numpy(), w.p_end)
    keep = b > a
    spans = pd.DataFrame({"service": inc["service"].to_numpy()[keep], "cause": inc["cause"].to_numpy()[keep],
                          "start": w.edges[a[keep]], "end": w.edges[b[keep]]})
    # the spans are bucket-aligned, so buckets shared by incidents of one cause count once
    merged = merge_intervals(spans, by=("service", "cause"))
    counts = spans.groupby(["service", "cause"], sort=True).size()
    ma = w.edges.searchsorted(pd.DatetimeIndex(merged["start"]))
    mb = w.edges.searchsorted(pd.DatetimeIndex(merged["end"]))
    days = (w.when - w.start_q) / pd.Timedelta(days=1)
    threshold = _THRESHOLD["outage-class"]
    rows = []
    for i, service, slo in w.slos():
        target = catalog.slo(service, slo).target
        mine = (merged["service"] == service).to_numpy()
        allowed = (1 - target) * w.counts(i, w.p_q)[1]
        if allowed <= 0 or not mine.any():
            continue
        cb = w.bad(i)
        per_cause = pd.Series(cb[mb[mine]] - cb[ma[mine]]).groupby(merged["cause"].to_numpy()[mine],
                                                                    sort=True).sum()
        rows.extend({"service": service, "slo": slo, "cause": cause, "incidents": counts[(service, cause)],
                     "bad": bad, "allowed_bad": allowed, "spent": bad / allowed,
                     "triggered": bad / allowed > threshold, "days": days}
                    for cause, bad in per_cause.items())
    return _table(rows, _OUTAGE, w.start_q, w.when)


def outage_class(
    sli: pd.DataFrame,
    incidents: pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: Any = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Rule ``outage-class``: the share of the quarter's error budget each class of outage spent.

    A class of outage is the incidents of a service with the same ``cause``. The rule triggers when one
    class spent more than 20 % of the quarter's budget. The policy's action is a P0 item in the team's
    quarterly planning (SRE Workbook, appendix B).

    Parameters
    ----------
    sli : DataFrame
        Bucket counts (``timestamp, service, slo, good, total``).
    incidents : DataFrame
        Incident records with ``id``, ``service``, ``cause``, ``started_at`` and ``resolved_at`` (``NaT``
        while ongoing: counted up to ``as_of``).
    catalog : Catalog
        Targets of the SLOs in ``sli``.
    as_of : Timestamp or str, optional
        Evaluation instant (timezone-aware); default the end of the data (end of its last bucket).
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        One row per SLO with events in the quarter and cause of its service's incidents overlapping the
        quarter, in the data's then the causes' order:

        * ``service``, ``slo``: the SLO whose budget is concerned;
        * ``cause``: the class of outage;
        * ``incidents``: incidents of that cause overlapping the quarter;
        * ``bad``: bad events of the SLO in the union of their buckets, within the quarter;
        * ``allowed_bad``: the quarter's budget, :math:`(1 - T) N` with :math:`N` the quarter's events;
        * ``spent``: ``bad / allowed_bad``;
        * ``triggered``: ``spent`` above the rule's threshold (0.2);
        * ``days``: length of the quarter in days (90, fewer when the data starts later);
        * ``window_start``, ``window_end``: the quarter (UTC).

    Raises
    ------
    DataError
        Missing columns in ``sli`` or ``incidents``, or incident times without a time zone.
    ParameterError
        A naive ``as_of``, or one after the end of the data.
    InsufficientDataError
        Less than 4 weeks of data before ``as_of``.
    DefinitionError
        An SLO of the data that is not in the catalog.

    Notes
    -----
    The quarter is the trailing 90 days (:func:`~slm_analytics.budget.period_length`), cut at the start of
    the data when it is shorter. A class is priced on the union of its incidents' buckets, so overlapping
    incidents are not counted twice; as in :func:`single_incident`, every SLO of the service pays.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> got = outage_class(sli, inc, cat, as_of="2026-03-01T00:00Z")
    >>> print(got.loc[got["triggered"], ["service", "slo", "cause", "incidents", "spent"]].round(2)
    ...       .to_string(index=False))
       service          slo      cause  incidents  spent
      payments availability dependency          2   1.38
      payments       uptime dependency          2   0.22
         login availability     deploy          6   0.25
         login       uptime     deploy          6   0.30
    mobile-api availability dependency          1   0.71
         email     delivery   capacity          1   0.21
    """
    return _outage_class(_windows(sli, incidents, catalog, as_of=as_of, what="outage_class", good=good,
                                  total=total,
                                  timestamp=timestamp), catalog)


# ------------------------------------------------------------------------------------------- triggers


#: rule -> the function of its numbers, and the column naming what triggered it (none for a whole SLO)
_RULES: dict[str, tuple[Callable[[_Windows, Catalog], pd.DataFrame], str | None]] = {
    "budget-exhausted": (_budget_exhausted, None),
    "single-incident": (_single_incident, "id"),
    "outage-class": (_outage_class, "cause"),
}


def budget_policy_triggers(
    sli: pd.DataFrame,
    incidents: pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: Any = None,
    good: str = "good",
    total: str = "total",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    r"""Evaluate the SRE Workbook's example error-budget policy for every SLO at one instant.

    Three rules (:data:`POLICY_RULES`), from the SRE Workbook, appendix B, one function each:

    1. ``budget-exhausted`` (:func:`budget_exhausted`): the SLO's error budget over the trailing 4 weeks is
       spent (the 28-day SLI is below target) -> release freeze except P0 issues and security fixes;
    2. ``single-incident`` (:func:`single_incident`): one incident spent more than 20 % of the 4-week
       budget -> postmortem with at least one P0 action item;
    3. ``outage-class`` (:func:`outage_class`): one class of outage (incidents with the same ``cause``)
       spent more than 20 % of the quarter's budget -> a P0 item in quarterly planning.

    Parameters
    ----------
    sli : DataFrame
        Bucket counts (``timestamp, service, slo, good, total``).
    incidents : DataFrame
        Incident records with ``id``, ``service``, ``cause``, ``started_at``, ``resolved_at`` (``NaT`` while
        ongoing: counted up to ``as_of``) and optionally ``severity``.
    catalog : Catalog
        Targets of the SLOs in ``sli``.
    as_of : Timestamp or str, optional
        Evaluation instant (timezone-aware); default the end of the data (end of its last bucket).
    good, total, timestamp : str
        Column names in ``sli``.

    Returns
    -------
    DataFrame
        One row per triggered rule, sorted by service, SLO and rule:

        * ``service``, ``slo``: the SLO whose budget is concerned;
        * ``rule``: ``budget-exhausted``, ``single-incident`` or ``outage-class``;
        * ``action``: what the policy requires;
        * ``subject``: the incident id (rule 2), the cause (rule 3), empty for rule 1;
        * ``value``: share of the window's error budget spent (1 = all of it);
        * ``threshold``: the rule's threshold on ``value`` (1, 0.2, 0.2);
        * ``window_start``, ``window_end``: the budget window (UTC);
        * the evidence, as numbers (the review's notes write it as a sentence,
          :func:`slm_analytics.review.notes.policy_evidence`): ``unit`` (``"events"`` or ``"slices"``:
          what the counts count, the SLO's budgeting method's), ``bad`` (spent in the window, by the
          incident or by the class), ``allowed_bad`` (the window's budget), ``total`` and ``sli`` (rule 1),
          ``target``, ``incidents`` (rules 2 and 3), ``severity`` (rule 2, ``""`` without), ``cause``
          (rules 2 and 3), ``started_at``, ``resolved_at`` (rule 2), ``days`` (rule 3: the window's
          length); ``NaN``, ``NaT`` or ``""`` where a rule has none.

    Raises
    ------
    DataError
        Missing columns in ``sli`` or ``incidents``.
    ParameterError
        A naive ``as_of``, or one after the end of the data.
    InsufficientDataError
        Less than 4 weeks of data before ``as_of``.
    DefinitionError
        An SLO of the data that is not in the catalog.

    Notes
    -----
    Budget of a window: :math:`(1 - T) N`, with :math:`N` the events of the window (buckets starting in
    ``[start, as_of)``). Cost of an incident: the bad events (``total - good``) of the SLO in the buckets
    overlapping ``[started_at, resolved_at)``, within the window; an incident is priced against every SLO
    of its service, since an outage spends all of them. A class of outage is priced on the union of its
    incidents' buckets (overlapping incidents are not counted twice). The quarter is the trailing 90 days
    (:func:`~slm_analytics.budget.period_length`), cut at the start of the data when it is shorter.
    ``value > threshold`` triggers a rule; for rule 1 that is :math:`\mathrm{SLI}_{28d} < T`. An SLO
    without events in the trailing 4 weeks is not evaluated (nothing was spent).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> triggers = budget_policy_triggers(sli, inc, cat, as_of="2026-03-01T00:00Z")
    >>> payments = triggers[(triggers["service"] == "payments") & (triggers["slo"] == "availability")]
    >>> print(payments[["rule", "subject", "value"]].round(2).to_string(index=False))
                rule    subject  value
    budget-exhausted              4.76
     single-incident   INC-0066   4.33
        outage-class dependency   1.38
    """
    w = _windows(sli, incidents, catalog, as_of=as_of, what="budget_policy_triggers", good=good, total=total,
                 timestamp=timestamp)
    results = {rule: fn(w, catalog) for rule, (fn, _) in _RULES.items()}
    evaluated = set(zip(results["budget-exhausted"]["service"], results["budget-exhausted"]["slo"],
                        strict=True))
    rows: list[dict[str, Any]] = []
    for rule, frame in results.items():
        subject = _RULES[rule][1]
        for r in frame[frame["triggered"]].to_dict("records"):
            if (r["service"], r["slo"]) not in evaluated:
                continue
            slo = catalog.slo(r["service"], r["slo"])
            rows.append({**{c: r.get(c) for c in _EVIDENCE}, "service": r["service"], "slo": r["slo"],
                         "rule": rule, "subject": "" if subject is None else str(r[subject]),
                         "unit": Budgeting.of(slo).unit, "target": slo.target,
                         "incidents": 1 if rule == "single-incident" else r.get("incidents"),
                         "value": float(r["spent"]), "window_start": r["window_start"]})
    return _triggers_frame(rows, w.when)


#: the numbers behind a trigger (NaN, NaT or "" where a rule has none), and their types
_EVIDENCE = {"bad": float, "allowed_bad": float, "total": float, "sli": float, "target": float,
             "incidents": float, "severity": object, "cause": object, "started_at": _UTC_US,
             "resolved_at": _UTC_US, "days": float}


def _triggers_frame(rows: list[dict[str, Any]], when: pd.Timestamp) -> pd.DataFrame:
    """Give the triggered rules the columns and order of budget_policy_triggers' result."""
    cols = ["service", "slo", "rule", "action", "subject", "value", "threshold", "window_start", "window_end",
            "unit", *_EVIDENCE]
    if not rows:
        types = {"value": float, "threshold": float, "window_start": _UTC_US, "window_end": _UTC_US,
                 **_EVIDENCE}
        return pd.DataFrame({c: pd.Series([], dtype=types.get(c, object)) for c in cols})
    out = pd.DataFrame(rows)
    out["action"] = out["rule"].map(POLICY_RULES.set_index("rule")["action"])
    out["threshold"] = out["rule"].map(_THRESHOLD).astype(float)
    out["window_start"] = pd.to_datetime(out["window_start"], utc=True).astype(_UTC_US)
    out["window_end"] = pd.Series(when, index=out.index).astype(_UTC_US)
    for c in ("severity", "cause"):
        out[c] = out[c].where(out[c].notna(), "").astype(str)
    for c in ("started_at", "resolved_at"):
        out[c] = pd.to_datetime(out[c], utc=True).astype(_UTC_US)
    for c in ("bad", "allowed_bad", "total", "sli", "target", "incidents", "days"):
        out[c] = pd.to_numeric(out[c]).astype(float)
    order = out["rule"].map({r: k for k, r in enumerate(POLICY_RULES["rule"])})
    out = out.assign(_r=order).sort_values(["service", "slo", "_r", "subject"], kind="stable")
    return out[cols].reset_index(drop=True)
