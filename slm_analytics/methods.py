r"""The OpenSLO budgeting methods: the one definition of good, total and unit used by every caller.

An SLO's budgeting method says what its error budget counts (OpenSLO v1 ``budgetingMethod``; SRE Workbook,
ch. 2):

* **Occurrences** — events: good events over all events;
* **Timeslices** — time slices: a slice with events is good when its own ratio reaches
  ``timeslice_target``; attainment is good slices over slices with events;
* **RatioTimeslices** — time slices: attainment is the mean of the slices' ratios.

Everything that turns bucket counts into an attainment or a budget (rolling compliance, burn-rate alerts,
:func:`~slm_analytics.budget.attainment`, the review's month tables and budgets, SLA attainment, the
forecasts' daily panels) goes through :func:`unit_counts`: it rewrites the counts of each bucket in the
method's **units**, so that the attainment over *any* span of buckets (a rolling window, a calendar month,
a local day) is the sum of the good units over the sum of the total units:

======================  ===============================  =====================================
method                  good units                       total units
======================  ===============================  =====================================
Occurrences             good events of the bucket        events of the bucket
Timeslices              1 if the slice is good, else 0   1 if the slice has events, else 0
RatioTimeslices         the slice's ratio good / total   1 if the slice has events, else 0
======================  ===============================  =====================================

For the slice methods the units of a slice sit on its **last** bucket (a window counts the slices that
end inside it) and every other bucket holds 0. Slices start at each local midnight of the SLO's time zone
and follow each other every ``timeslice_window`` (real elapsed time, so a day of a daylight-saving change
has 23 or 25 hours of slices); a day whose length is not a multiple of the slice ends with a shorter
slice. Slices therefore never straddle a day, a month or a quarter.

Nothing here rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ._checks import check_target, duration
from .errors import ParameterError
from .grid import sum_dtype, window_buckets

if TYPE_CHECKING:
    from .catalog import SLO
    from .grid import Grid

__all__ = [
    "METHODS",
    "Budgeting",
    "Method",
    "UnitGrid",
    "attainment_of",
    "day_starts",
    "slice_starts",
    "slice_units",
    "unit_counts",
]

Method = Literal["Occurrences", "Timeslices", "RatioTimeslices"]
METHODS: tuple[str, ...] = ("Occurrences", "Timeslices", "RatioTimeslices")

_DAY_US = 86_400_000_000


@dataclass(frozen=True)
class Budgeting:
    """How one SLO counts its budget: the budgeting method and, for the slice methods, the slices.

    Attributes
    ----------
    method : {"Occurrences", "Timeslices", "RatioTimeslices"}
        OpenSLO budgeting method.
    timeslice_target : float or None
        Ratio a slice needs to be good (Timeslices only), in (0, 1].
    timeslice_window : str, Timedelta or None
        Slice length as given (``"5m"``); ``None`` means one bucket per slice.

    Examples
    --------
    >>> Budgeting("Timeslices", timeslice_target=0.9, timeslice_window="5m")
    Budgeting(method='Timeslices', timeslice_target=0.9, timeslice_window='5m')
    >>> Budgeting().unit, Budgeting("RatioTimeslices").unit
    ('events', 'slices')
    """

    method: Method = "Occurrences"
    timeslice_target: float | None = None
    timeslice_window: str | pd.Timedelta | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            msg = f"unknown budgeting method {self.method!r}; expected one of {', '.join(METHODS)}"
            raise ParameterError(msg)
        if self.method == "Timeslices":
            if self.timeslice_target is None:
                msg = "method 'Timeslices' needs timeslice_target (the ratio a good slice must reach)"
                raise ParameterError(msg)
            object.__setattr__(self, "timeslice_target",
                               check_target(self.timeslice_target, "timeslice_target", upto_one=True))
        if self.timeslice_window is not None:
            duration(self.timeslice_window, "timeslice_window")

    @classmethod
    def of(cls, slo: SLO) -> Budgeting:
        """Return the budgeting of a catalog SLO."""
        return cls(slo.budgeting_method, slo.timeslice_target, slo.timeslice_window)

    @property
    def unit(self) -> str:
        """What good and total count: ``"events"`` (Occurrences) or ``"slices"`` (with events)."""
        return "events" if self.method == "Occurrences" else "slices"

    @property
    def sliced(self) -> bool:
        """Whether the method counts time slices."""
        return self.method != "Occurrences"


def attainment_of(good: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Attainment ``good / total`` of unit sums; ``NaN`` where ``total`` is 0 (no data)."""
    good = np.asarray(good, dtype=float)
    total = np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, good / np.where(total > 0, total, 1.0), np.nan)


def slice_units(good: np.ndarray, total: np.ndarray, budgeting: Budgeting) -> tuple[np.ndarray, np.ndarray]:
    """Good and total units of slices, from each slice's summed good and total events.

    The one definition of a slice's worth: Timeslices counts a slice with events as good when
    ``good / total >= timeslice_target``; RatioTimeslices counts its ratio. Slices without events count 0
    of 0 (no data). Total units are int64, good units int64 for Timeslices and float64 for
    RatioTimeslices.

    Examples
    --------
    >>> import numpy as np
    >>> g, t = np.array([9, 8, 0]), np.array([10, 10, 0])
    >>> slice_units(g, t, Budgeting("Timeslices", timeslice_target=0.9))
    (array([1, 0, 0]), array([1, 1, 0]))
    >>> slice_units(g, t, Budgeting("RatioTimeslices"))
    (array([0.9, 0.8, 0. ]), array([1, 1, 0]))
    """
    has = np.asarray(total) > 0
    ratio = np.where(has, attainment_of(good, total), 0.0)
    if budgeting.method == "Timeslices":
        return (has & (ratio >= budgeting.timeslice_target)).astype(np.int64), has.astype(np.int64)
    if budgeting.method == "RatioTimeslices":
        return ratio, has.astype(np.int64)
    msg = f"slice_units: method {budgeting.method!r} does not count slices"
    raise ParameterError(msg)


def day_starts(times: pd.DatetimeIndex, tz: str) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``times`` (sorted, UTC) where a local day of ``tz`` begins, and those days' dates.

    Returns
    -------
    starts : ndarray of int64
        Positions of the first bucket of each local day present (0 first).
    days : ndarray of int64
        Its local date, as days since 1970-01-01.
    """
    wall = times.tz_convert(tz).tz_localize(None).as_unit("us").asi8 // _DAY_US
    starts = np.concatenate([[0], np.flatnonzero(np.diff(wall)) + 1]).astype(np.int64)
    return starts, wall[starts]


def slice_starts(times: pd.DatetimeIndex, step: pd.Timedelta, slice: str | pd.Timedelta | None, tz: str
                 ) -> np.ndarray:
    """Positions in the regular bucket axis ``times`` where a time slice begins.

    Slices start at each local midnight of ``tz`` and every ``slice`` after it (elapsed time); ``None``
    means one bucket per slice.

    Raises
    ------
    ParameterError
        If the slice is shorter than the buckets or not a whole number of them.
    """
    n = len(times)
    k = 1 if slice is None else window_buckets(slice, step, what="timeslice_window")
    if k == 1:
        return np.arange(n, dtype=np.int64)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts, days = day_starts(times, tz)
    naive = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[us]"))
    midnight = naive.tz_localize(tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward")
    midnight_us = midnight.tz_convert("UTC").as_unit("us").asi8
    day_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n)))
    t = times.as_unit("us").asi8
    since = t - midnight_us[day_of]
    index = since // ((k * step) // pd.Timedelta(microseconds=1))  # slice of its day
    new = np.ones(n, dtype=bool)
    new[1:] = (day_of[1:] != day_of[:-1]) | (index[1:] != index[:-1])
    return np.flatnonzero(new).astype(np.int64)


def unit_counts(good: np.ndarray, total: np.ndarray, budgeting: Budgeting, starts: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Bucket counts rewritten in the budgeting method's units (see the module's table).

    Parameters
    ----------
    good, total : ndarray, shape (..., n)
        Good and total events per bucket along the last axis.
    budgeting : Budgeting
        The SLO's method.
    starts : ndarray or None
        Slice starts along the last axis (:func:`slice_starts`); ignored for Occurrences.

    Returns
    -------
    good, total : ndarray, shape (..., n)
        Occurrences: the input arrays themselves. Slice methods: each slice's units on its last bucket,
        0 elsewhere.

    Examples
    --------
    Two 10-minute slices of 5-minute buckets; the second slice is 17 of 20, below 0.9:

    >>> import numpy as np
    >>> g, t = np.array([10, 9, 10, 7]), np.array([10, 10, 10, 10])
    >>> unit_counts(g, t, Budgeting("Timeslices", timeslice_target=0.9), np.array([0, 2]))
    (array([0, 1, 0, 0]), array([0, 1, 0, 1]))
    >>> unit_counts(g, t, Budgeting("RatioTimeslices"), np.array([0, 2]))[0]
    array([0.  , 0.95, 0.  , 0.85])
    """
    if not budgeting.sliced:
        return good, total
    n = good.shape[-1]
    starts = np.arange(n) if starts is None else starts
    if n == 0:
        return np.zeros(good.shape), np.zeros(total.shape)
    sg = np.add.reduceat(good.astype(np.int64), starts, axis=-1)
    st = np.add.reduceat(total.astype(np.int64), starts, axis=-1)
    ug, ut = slice_units(sg, st, budgeting)
    ends = np.append(starts[1:], n) - 1
    out_g = np.zeros(good.shape, dtype=ug.dtype)
    out_t = np.zeros(total.shape, dtype=ut.dtype)
    out_g[..., ends] = ug
    out_t[..., ends] = ut
    return out_g, out_t


class UnitGrid:
    """The series of a :class:`~slm_analytics.grid.Grid` in their budgeting methods' units.

    ``counts(i)`` replaces ``grid.counts(i, excluded)`` for every computation that sums counts over
    windows (rolling compliance, burn rates, periods): excluded buckets are removed first (a slice whose
    buckets are all excluded has no data), then the counts are rewritten by :func:`unit_counts`.

    Parameters
    ----------
    grid : Grid
        Bucket counts.
    budgetings : sequence of Budgeting
        One per series of the grid.
    tzs : sequence of str
        Time zone of each series (where its slices start at midnight).
    excluded : ndarray or None
        Grid-shaped mask of buckets removed from measurement.
    """

    def __init__(self, grid: Grid, budgetings: Sequence[Budgeting], tzs: Sequence[str],
                 excluded: np.ndarray | None = None) -> None:
        if len(budgetings) != grid.shape[0] or len(tzs) != grid.shape[0]:
            msg = f"UnitGrid: {grid.shape[0]} series but {len(budgetings)} budgetings and {len(tzs)} zones"
            raise ParameterError(msg)
        self.grid = grid
        self.budgetings = list(budgetings)
        self.tzs = list(tzs)
        self.excluded = excluded
        self._starts: dict[tuple[str, object], np.ndarray] = {}
        self._days: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for b, tz in zip(self.budgetings, self.tzs, strict=True):  # validate every slice length up front
            if b.sliced:
                self.starts(b, tz)

    @property
    def sliced(self) -> bool:
        """Whether any series counts slices (then some unit arrays are not the grid's own)."""
        return any(b.sliced for b in self.budgetings)

    @property
    def fractional(self) -> bool:
        """Whether any series has fractional units (RatioTimeslices)."""
        return any(b.method == "RatioTimeslices" for b in self.budgetings)

    def starts(self, budgeting: Budgeting, tz: str) -> np.ndarray:
        """Slice starts of a budgeting in a time zone on this grid's axis (cached)."""
        key = (tz, budgeting.timeslice_window)
        if key not in self._starts:
            self._starts[key] = slice_starts(self.grid.times, self.grid.step, budgeting.timeslice_window, tz)
        return self._starts[key]

    def counts(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Good and total units of series ``i`` per bucket."""
        g, t = self.grid.counts(i, self.excluded)
        b = self.budgetings[i]
        if not b.sliced:
            return g, t
        return unit_counts(g, t, b, self.starts(b, self.tzs[i]))

    def empty(self, i: int, total: np.ndarray | None = None) -> np.ndarray:
        """Where series ``i`` has a unit without data: a bucket (Occurrences) or a slice's last bucket.

        ``total`` is the series' total units (:meth:`counts`) when the caller has them already.
        """
        t = self.counts(i)[1] if total is None else total
        b = self.budgetings[i]
        if not b.sliced:
            return t == 0
        ends = np.append(self.starts(b, self.tzs[i])[1:], len(t)) - 1
        out = np.zeros(len(t), dtype=bool)
        out[ends] = t[ends] == 0  # a slice's total unit (1 with events, else 0) sits on its last bucket
        return out

    def day_sums(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Units of series ``i`` per local day of its time zone: ``(days, good, total, empty)``.

        ``days`` are the local dates (days since 1970-01-01) the grid's buckets touch; the rest as
        :meth:`sums`.
        """
        tz = self.tzs[i]
        if tz not in self._days:
            self._days[tz] = day_starts(self.grid.times, tz)
        starts, days = self._days[tz]
        return (days, *self.sums(i, starts))

    def sums(self, i: int, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Good units, total units and units without data of series ``i`` over consecutive spans.

        ``starts`` are the first buckets of the spans (e.g. :func:`day_starts`); the last span runs to the
        end of the grid.
        """
        g, t = self.counts(i)
        if len(starts) == 0:
            return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
        good = np.add.reduceat(g.astype(sum_dtype(g)), starts)
        total = np.add.reduceat(t.astype(sum_dtype(t)), starts)
        return good, total, np.add.reduceat(self.empty(i, t).astype(np.int64), starts)
