"""The period a review covers: a calendar month or quarter, cut in each service's own time zone.

A review's period is written ``"YYYY-MM"`` (a month) or ``"YYYY-Qn"`` (a quarter, as in a quarterly business
review), or relatively as ``"last-complete-month"`` / ``"last-complete-quarter"``. A relative period is
judged per service, in the service's time zone: the last month or quarter whose local end is at or before
the end of that service's data (:func:`~slm_analytics.review.inputs.bucket_span`). Data ending on
31 October 23:55 UTC (5-minute buckets) completes October in London but not in New York, where October ends
on 1 November 04:00 UTC.

:func:`complete_periods` is the one definition of the periods a span of data covers;
:func:`last_complete_period`, :func:`resolve_period`, :func:`periods_covered` and
:func:`~slm_analytics.review.inputs.latest_complete_month` call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd

from ..errors import InsufficientDataError, ParameterError, shorten
from .inputs import bucket_span
from .month import month_bounds
from .parameters import MONTH, QUARTER

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = [
    "PeriodKind",
    "RelativePeriod",
    "ReviewPeriod",
    "complete_periods",
    "last_complete_period",
    "parse_period",
    "periods_covered",
    "previous",
    "resolve_period",
]

#: The kinds of review period.
PeriodKind = Literal["month", "quarter"]
#: The relative periods, resolved per service by :func:`resolve_period`.
RelativePeriod = Literal["last-complete-month", "last-complete-quarter"]

_ACCEPTED = ("'YYYY-MM' (a month, e.g. '2026-10'), 'YYYY-Qn' (a quarter, n 1 to 4, e.g. '2026-Q3'), "
             "'last-complete-month' or 'last-complete-quarter'")


@dataclass(frozen=True)
class ReviewPeriod:
    """A calendar month or quarter reviewed; cut in a time zone by :meth:`bounds`.

    Attributes
    ----------
    label : str
        ``"YYYY-MM"`` for a month, ``"YYYY-Qn"`` for a quarter.
    kind : {"month", "quarter"}
        Which of the two the label is.

    Raises
    ------
    ParameterError
        If the label is not of its kind's form.

    Examples
    --------
    >>> q = ReviewPeriod("2026-Q4", "quarter")
    >>> q.months
    ('2026-10', '2026-11', '2026-12')
    >>> q.bounds("America/New_York")
    (Timestamp('2026-10-01 00:00:00-0400', tz='America/New_York'), Timestamp('2027-01-01 00:00:00-0500', ...))
    """

    label: str
    kind: PeriodKind

    def __post_init__(self) -> None:
        pattern = {"month": MONTH, "quarter": QUARTER}.get(self.kind)
        if pattern is None:
            msg = f"period kind {shorten(self.kind)} is not one of 'month', 'quarter'"
            raise ParameterError(msg)
        if not isinstance(self.label, str) or not pattern.match(self.label):
            form = "'YYYY-MM' such as '2026-10'" if self.kind == "month" else "'YYYY-Qn' such as '2026-Q3'"
            msg = f"{self.kind} {shorten(self.label)} is not a calendar {self.kind}; expected {form}"
            raise ParameterError(msg)

    @property
    def months(self) -> tuple[str, ...]:
        """The months of the period, ``"YYYY-MM"``, in order (one for a month, three for a quarter)."""
        if self.kind == "month":
            return (self.label,)
        year, quarter = self.label.split("-Q")
        first = 3 * (int(quarter) - 1) + 1
        return tuple(f"{year}-{m:02d}" for m in range(first, first + 3))

    def bounds(self, tz: str = "UTC") -> tuple[pd.Timestamp, pd.Timestamp]:
        """Start and end of the period in a time zone: ``[start, end)``, timezone-aware in ``tz``.

        Parameters
        ----------
        tz : str
            IANA time zone (the service's) in which the period is cut.

        Returns
        -------
        start, end : Timestamp
            Local midnight of the first day and of the day after the last day
            (:func:`~slm_analytics.review.month.month_bounds`, which cuts months and quarters alike).

        Examples
        --------
        >>> start, end = ReviewPeriod("2026-10", "month").bounds("America/New_York")
        >>> end.tz_convert("UTC")
        Timestamp('2026-11-01 04:00:00+0000', tz='UTC')
        """
        return month_bounds(self.label, tz=tz)

    def to_period(self) -> pd.Period:
        """Return the pandas :class:`~pandas.Period` of the label (freq ``M`` or ``Q-DEC``)."""
        return pd.Period(self.label.replace("-Q", "Q"), freq="M" if self.kind == "month" else "Q")


def _from_period(p: pd.Period, kind: PeriodKind) -> ReviewPeriod:
    label = f"{p.year}-{p.month:02d}" if kind == "month" else f"{p.year}-Q{p.quarter}"
    return ReviewPeriod(label, kind)


def parse_period(text: str) -> ReviewPeriod | RelativePeriod:
    """Read a ``--period`` value: a month, a quarter or one of the relative periods.

    Parameters
    ----------
    text : str
        ``"YYYY-MM"``, ``"YYYY-Qn"`` (n 1 to 4), ``"last-complete-month"`` or ``"last-complete-quarter"``.

    Returns
    -------
    ReviewPeriod or str
        The period, or the relative period's name as given (resolve it per service with
        :func:`resolve_period`).

    Raises
    ------
    ParameterError
        For anything else, quoting the value and naming the accepted forms.

    Examples
    --------
    >>> parse_period("2026-Q3")
    ReviewPeriod(label='2026-Q3', kind='quarter')
    >>> parse_period("last-complete-month")
    'last-complete-month'
    >>> parse_period("2026-13")
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: period '2026-13' is not a review period; expected 'YYYY-MM' ...
    """
    if isinstance(text, str):
        if text in get_args(RelativePeriod):
            return text  # type: ignore[return-value]
        if MONTH.match(text):
            return ReviewPeriod(text, "month")
        if QUARTER.match(text):
            return ReviewPeriod(text, "quarter")
    msg = f"period {shorten(text)} is not a review period; expected {_ACCEPTED}"
    raise ParameterError(msg)


def previous(period: ReviewPeriod) -> ReviewPeriod:
    """Return the month or quarter before ``period`` (the one a review is compared with).

    Examples
    --------
    >>> previous(ReviewPeriod("2026-01", "month")).label, previous(ReviewPeriod("2026-Q1", "quarter")).label
    ('2025-12', '2025-Q4')
    """
    return _from_period(period.to_period() - 1, period.kind)


def complete_periods(start: pd.Timestamp, end: pd.Timestamp, *, kind: PeriodKind = "month",
                     tz: str = "UTC") -> list[ReviewPeriod]:
    """Return the calendar months or quarters (cut in ``tz``) lying wholly in ``[start, end)``.

    Parameters
    ----------
    start, end : Timestamp
        Timezone-aware span of the data (:func:`~slm_analytics.review.inputs.bucket_span`).
    kind : {"month", "quarter"}
        Months or quarters.
    tz : str
        IANA time zone in which the periods are cut.

    Returns
    -------
    list of ReviewPeriod
        Oldest first; empty when the span holds no whole period.

    Examples
    --------
    >>> span = pd.Timestamp("2026-06-15", tz="UTC"), pd.Timestamp("2026-11-01", tz="UTC")
    >>> [p.label for p in complete_periods(*span)]
    ['2026-07', '2026-08', '2026-09', '2026-10']
    >>> [p.label for p in complete_periods(*span, tz="America/New_York")]
    ['2026-07', '2026-08', '2026-09']
    """
    if kind not in get_args(PeriodKind):
        msg = f"period kind {shorten(kind)} is not one of 'month', 'quarter'"
        raise ParameterError(msg)
    freq = "M" if kind == "month" else "Q"
    first = pd.Period(start.tz_convert(tz).tz_localize(None), freq=freq)
    last = pd.Period(end.tz_convert(tz).tz_localize(None), freq=freq)
    out = []
    for p in pd.period_range(first, last, freq=freq):
        period = _from_period(p, kind)
        lo, hi = period.bounds(tz)
        if lo >= start and hi <= end:
            out.append(period)
    return out


def last_complete_period(start: pd.Timestamp, end: pd.Timestamp, *, kind: PeriodKind = "month",
                         tz: str = "UTC") -> ReviewPeriod:
    """Return the last calendar month or quarter (cut in ``tz``) lying wholly in ``[start, end)``.

    That is the period before the one holding ``end`` (local time), provided the data starts on or
    before its first instant.

    Parameters
    ----------
    start, end : Timestamp
        Timezone-aware span of the data (:func:`~slm_analytics.review.inputs.bucket_span`).
    kind : {"month", "quarter"}
        Months or quarters.
    tz : str
        IANA time zone in which the periods are cut.

    Returns
    -------
    ReviewPeriod

    Raises
    ------
    InsufficientDataError
        If the span holds no whole period; the message gives the span and the period it would need.

    Examples
    --------
    >>> end = pd.Timestamp("2026-11-01", tz="UTC")  # the end of data to 31 October 23:55 UTC
    >>> start = pd.Timestamp("2026-01-01", tz="UTC")
    >>> last_complete_period(start, end, tz="Europe/London").label
    '2026-10'
    >>> last_complete_period(start, end, tz="America/New_York").label
    '2026-09'
    """
    found = complete_periods(start, end, kind=kind, tz=tz)
    if found:
        return found[-1]
    freq = "M" if kind == "month" else "Q"
    wanted = _from_period(pd.Period(end.tz_convert(tz).tz_localize(None), freq=freq) - 1, kind)
    need = wanted.bounds(tz)[0]
    first, stop = start.tz_convert(tz), end.tz_convert(tz)
    msg = (f"no complete calendar {kind} ({tz}) in data from {first:%Y-%m-%d %H:%M} to "
           f"{stop:%Y-%m-%d %H:%M}; {wanted.label} would need data from {need:%Y-%m-%d %H:%M}")
    raise InsufficientDataError(msg)


def _service_span(sli: pd.DataFrame, catalog: Catalog, service: str
                  ) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """``(start, end, tz)``: the span of the service's SLI buckets and the service's time zone."""
    try:
        tz = catalog.service(service).timezone
    except ValueError as exc:
        msg = f"service {service!r}: {exc}"
        raise ParameterError(msg) from None
    rows = sli["timestamp"][(sli["service"] == service).to_numpy()]
    try:
        start, end, _ = bucket_span(rows, f"the SLI data of service {service!r}")
    except InsufficientDataError as exc:
        msg = f"service {service!r}: {exc}"
        raise InsufficientDataError(msg) from None
    return start, end, tz


def resolve_period(text: str, sli: pd.DataFrame, catalog: Catalog, *, service: str) -> ReviewPeriod:
    """Return the period a service's review covers: ``text`` as given, or a relative period resolved.

    Parameters
    ----------
    text : str
        A period as :func:`parse_period` reads it.
    sli : DataFrame
        SLI buckets with ``service`` and a timezone-aware ``timestamp`` (bucket start) column.
    catalog : Catalog
        The catalog (the service's time zone cuts the periods).
    service : str
        The service reviewed.

    Returns
    -------
    ReviewPeriod
        For ``"last-complete-month"`` / ``"last-complete-quarter"``, the last month or quarter whose end in
        the service's time zone is at or before the end of the service's data (and which the data covers
        from its start); any other period as parsed, whether the data covers it or not.

    Raises
    ------
    ParameterError
        If ``text`` is not a period, or the service is not in the catalog.
    InsufficientDataError
        If the service's data holds no complete period (or fewer than two bucket times); the message names
        the service and its data's span.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> resolve_period("last-complete-quarter", sli, catalog, service="checkout")
    ReviewPeriod(label='2026-Q3', kind='quarter')
    """
    parsed = parse_period(text)
    if isinstance(parsed, ReviewPeriod):
        return parsed
    kind: PeriodKind = "month" if parsed == "last-complete-month" else "quarter"
    start, end, tz = _service_span(sli, catalog, service)
    try:
        return last_complete_period(start, end, kind=kind, tz=tz)
    except InsufficientDataError as exc:
        msg = f"service {service!r}: {exc}"
        raise InsufficientDataError(msg) from None


def periods_covered(sli: pd.DataFrame, catalog: Catalog, *, service: str,
                    kind: PeriodKind = "month") -> list[ReviewPeriod]:
    """Return the complete months or quarters a service's data covers, in its time zone (``slm review list``).

    Parameters
    ----------
    sli : DataFrame
        SLI buckets with ``service`` and a timezone-aware ``timestamp`` (bucket start) column.
    catalog : Catalog
        The catalog (the service's time zone cuts the periods).
    service : str
        The service.
    kind : {"month", "quarter"}
        Months or quarters.

    Returns
    -------
    list of ReviewPeriod
        Oldest first; empty if the data holds no whole period.

    Raises
    ------
    ParameterError
        If the service is not in the catalog.
    InsufficientDataError
        If the service has fewer than two bucket times (its data's span is unknown).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> [p.label for p in periods_covered(sli, catalog, service="checkout", kind="quarter")]  # from Nov 2025
    ['2026-Q1', '2026-Q2', '2026-Q3']
    """
    start, end, tz = _service_span(sli, catalog, service)
    return complete_periods(start, end, kind=kind, tz=tz)
