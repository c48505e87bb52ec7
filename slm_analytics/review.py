"""The monthly service review: parameters, the sections of the review notebook, and the papermill runner.

``notebooks/reports/service-review.ipynb`` reviews one service for one calendar month. Its parameters are
checked by :func:`validate_parameters` (papermill only warns about unknown ones), its inputs are read by
:func:`load_inputs`, and each of its sections is one call to this module, to
:mod:`~slm_analytics.compliance` or to :mod:`~slm_analytics.charts`.

:func:`run_review` executes the notebook with papermill once per service, converts each executed notebook
to a self-contained HTML page (no code, charts as inline SVG: it opens without network) and writes an
``index.html`` linking them::

    reports/2026-10/checkout.ipynb
    reports/2026-10/checkout.html
    ...
    reports/2026-10/index.html

Files are written under temporary names and renamed once complete, so a failing service never destroys
an earlier report; its partly executed notebook is kept as ``<service>.failed.ipynb`` for diagnosis.

The review ends with an outlook from the month's end (:func:`outlook_table`, :func:`outlook_notes` over
:func:`~slm_analytics.compliance.month_outlook`). The analyst's ``notebooks/risk-forecast.ipynb`` is served
here too: :func:`validate_risk_parameters`, :func:`load_risk_inputs`, and the tables of fleet risk
(:func:`risk_table`), trends (:func:`trend_table`), backtests (:func:`breach_backtest_table`,
:func:`forecast_backtest_table`) and target what-ifs (:func:`achievability_table`).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ._compat import import_jsonschema
from .errors import InsufficientDataError, ParameterError, SLMError, require_columns

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from .catalog import Catalog

__all__ = [
    "DEFAULT_NOTEBOOK",
    "Note",
    "Notes",
    "ReviewInputs",
    "ReviewParameters",
    "ReviewRun",
    "RiskInputs",
    "RiskParameters",
    "ServiceHeader",
    "ServiceReport",
    "achievability_table",
    "alert_table",
    "attainment_table",
    "breach_backtest_table",
    "budget_table",
    "forecast_backtest_table",
    "incident_availability_table",
    "incident_table",
    "latest_complete_month",
    "load_inputs",
    "load_risk_inputs",
    "maintenance_table",
    "outlook_notes",
    "outlook_table",
    "parameters_in",
    "policy_table",
    "read_run_parameters",
    "risk_table",
    "run_review",
    "service_header",
    "sla_table",
    "threshold_table",
    "trend_table",
    "validate_parameters",
    "validate_risk_parameters",
]

#: The review notebook, relative to the project root (the folder holding the package).
DEFAULT_NOTEBOOK = Path("notebooks") / "reports" / "service-review.ipynb"

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


# ------------------------------------------------------------------------------------------ parameters


class ReviewParameters(BaseModel):
    """Parameters of the review notebook (one service, one month).

    Attributes
    ----------
    service : str
        Service name, as in the catalog.
    month : str
        Calendar month ``"YYYY-MM"``, cut in the service's time zone.
    data_dir : str
        Folder laid out like ``datasets/`` (``catalog.yaml``, ``sli_5min.parquet``, ``incidents.csv``,
        ``maintenance.csv``...); ``""`` for the bundled sample data.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    service: str
    month: str
    data_dir: str = ""

    @field_validator("service")
    @classmethod
    def _service(cls, value: str) -> str:
        if not _NAME.match(value):
            msg = f"{value!r} is not a service name; expected lower-case letters, digits and dashes"
            raise ValueError(msg)
        return value

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        if not _MONTH.match(value):
            msg = f"{value!r} is not a calendar month; expected 'YYYY-MM' such as '2026-10'"
            raise ValueError(msg)
        return value


_LITERAL_TYPES = (str, int, float, bool, type(None), list, tuple, dict)
_IPYTHON_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython", "open"})


def parameters_in(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Return the notebook parameters in a namespace: every public variable holding a literal value.

    A parameterised notebook's ``parameters`` cell, and the cell papermill injects after it, define only
    literals. Passing the notebook's ``globals()`` here, before any other variable is assigned, hands
    :func:`validate_parameters` every parameter given to papermill, including misspelt ones papermill
    merely warns about. Modules, functions, IPython's ``In``/``Out`` and ``_``-prefixed names are left out.

    Parameters
    ----------
    namespace : mapping
        Usually ``globals()`` of the notebook.

    Returns
    -------
    dict
        ``name -> value`` of the literal-valued variables.

    Examples
    --------
    >>> import math
    >>> parameters_in({"service": "checkout", "month": "2026-10", "mnth": "2026-9", "math": math, "_": 1})
    {'service': 'checkout', 'month': '2026-10', 'mnth': '2026-9'}
    """
    return {k: v for k, v in namespace.items()
            if not k.startswith("_") and k not in _IPYTHON_NAMES and isinstance(v, _LITERAL_TYPES)}


def validate_parameters(**params: Any) -> ReviewParameters:
    """Check the review notebook's parameters; call it in the notebook's validation cell.

    In the notebook: ``validate_parameters(**parameters_in(globals()))``, so that a parameter papermill
    injected under a wrong name is reported (papermill only warns).

    Parameters
    ----------
    **params
        ``service``, ``month`` and optionally ``data_dir`` (see :class:`ReviewParameters`).

    Returns
    -------
    ReviewParameters
        The validated parameters.

    Raises
    ------
    ParameterError
        Naming every unknown or missing parameter and every bad value (a month other than ``YYYY-MM``, a
        service name that cannot be one, a ``data_dir`` that is not an existing folder).

    Examples
    --------
    >>> validate_parameters(service="checkout", month="2026-10")
    ReviewParameters(service='checkout', month='2026-10', data_dir='')
    >>> validate_parameters(service="checkout", month="2026-10", mnth="x")
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: unknown review parameter 'mnth'; allowed: service, month, data_dir
    """
    return _validate(ReviewParameters, params, "review")


def _validate(model: type[BaseModel], params: Mapping[str, Any], noun: str) -> Any:
    """Validate notebook parameters with ``model``; one ParameterError naming every problem."""
    allowed = list(model.model_fields)
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    problems = []
    unknown = [k for k in params if k not in allowed]
    if unknown:
        problems.append(f"unknown {noun} parameter{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}")
    missing = [k for k in required if k not in params]
    if missing:
        problems.append(f"missing {noun} parameter{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(map(repr, missing))}; required: {', '.join(required)}")
    known = {k: v for k, v in params.items() if k in allowed}
    try:
        result = model(**known) if not missing else None
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            name = str(err["loc"][0]) if err["loc"] else "?"
            if err["type"] == "string_type":
                text = f"expected a string, got {err['input']!r} ({type(err['input']).__name__})"
            elif err["type"] == "int_type":
                text = f"expected a whole number, got {err['input']!r} ({type(err['input']).__name__})"
            else:
                text = err["msg"].removeprefix("Value error, ")
            problems.append(f"{noun} parameter {name!r}: {text}")
        result = None
    data_dir = getattr(result, "data_dir", "")
    if data_dir and not Path(data_dir).is_dir():
        problems.append(
            f"{noun} parameter 'data_dir': {data_dir!r} is not a folder; expected '' (bundled sample "
            "data) or a folder laid out like datasets/ (catalog.yaml, sli_5min.parquet, incidents.csv)"
        )
    if problems or result is None:
        raise ParameterError("; ".join(problems))
    return result


# -------------------------------------------------------------------------------------------- inputs


def _read(name: str, data_dir: str | Path | None) -> Any:
    """Read a dataset from ``data_dir`` (``None`` or ``""``: the bundled datasets)."""
    from .data import read_dataset

    return read_dataset(name, data_dir=data_dir or None)


@dataclass(frozen=True, repr=False)
class ReviewInputs:
    """The data a review reads.

    Attributes
    ----------
    catalog : Catalog
        Services and SLOs.
    sli : DataFrame
        SLI event counts per bucket (``sli_5min``).
    incidents : DataFrame
        Incident records.
    maintenance : DataFrame
        Planned maintenance windows (``service, start, end, reason``).
    data_dir : str
        Where they were read from (``""``: bundled sample data).
    """

    catalog: Catalog
    sli: pd.DataFrame
    incidents: pd.DataFrame
    maintenance: pd.DataFrame
    data_dir: str = ""

    def __repr__(self) -> str:
        where = self.data_dir or "bundled sample data"
        return (f"ReviewInputs({len(self.catalog.services)} services, {len(self.sli):,} SLI buckets, "
                f"{len(self.incidents)} incidents, {len(self.maintenance)} maintenance windows, "
                f"from {where})")


def load_inputs(params: ReviewParameters) -> ReviewInputs:
    """Read the catalog, SLI data, incidents and planned maintenance for a review; check the service exists.

    Parameters
    ----------
    params : ReviewParameters
        Validated parameters (:func:`validate_parameters`).

    Returns
    -------
    ReviewInputs

    Raises
    ------
    ParameterError
        If ``params.service`` is not a service of the catalog.
    DataError, DefinitionError
        If a data file or the catalog is invalid.
    """
    catalog = _read("catalog", params.data_dir)
    names = [s.name for s in catalog.services]
    if params.service not in names:
        msg = (f"review parameter 'service': unknown service {params.service!r}; "
               f"the catalog has {', '.join(names)}")
        raise ParameterError(msg)
    return ReviewInputs(catalog=catalog, sli=_read("sli_5min", params.data_dir),
                        incidents=_read("incidents", params.data_dir),
                        maintenance=_read("maintenance", params.data_dir), data_dir=params.data_dir)


def _bucket_span(times: pd.Series, what: str, *, single: pd.Timedelta | None = None
                 ) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timedelta]:
    """``(start, end, step)``: bucket start times span ``[first, last + step)``, step the smallest gap.

    With one distinct time the step is ``single`` if given; otherwise (and with none) the span is unknown.
    """
    ts = pd.DatetimeIndex(times.unique()).sort_values()
    if len(ts) < 2 and not (len(ts) == 1 and single is not None):
        msg = f"{len(ts)} distinct timestamp(s) in {what}: need at least two to know the bucket width"
        raise InsufficientDataError(msg)
    step = single if len(ts) == 1 else pd.Timedelta(np.diff(ts.asi8).min(), unit=ts.unit)
    return ts[0], ts[-1] + step, step


def latest_complete_month(sli: pd.DataFrame, *, timestamp: str = "timestamp", tz: str = "UTC") -> str:
    """Return the last calendar month fully covered by the data.

    The data covers ``[first bucket start, last bucket start + bucket width)``, the bucket width being the
    smallest gap between distinct timestamps. The latest complete month is the month before the one
    holding the end of that span, provided the data starts on or before its first day.

    Parameters
    ----------
    sli : DataFrame
        Buckets with a timezone-aware ``timestamp`` column (bucket start).
    timestamp : str
        Name of the timestamp column.
    tz : str
        Time zone in which months are cut.

    Returns
    -------
    str
        ``"YYYY-MM"``.

    Raises
    ------
    InsufficientDataError
        If there are fewer than two distinct timestamps or no complete month.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> latest_complete_month(read_dataset("sli_5min"))  # data to 2026-10-31 23:55 UTC, 5-minute buckets
    '2026-10'
    """
    first, end, _ = _bucket_span(sli[timestamp], repr(timestamp))
    first, end = first.tz_convert(tz), end.tz_convert(tz)
    naive_end = end.tz_localize(None)
    month = pd.Period(naive_end, freq="M") - 1
    month_start = month.start_time.tz_localize(tz, nonexistent="shift_forward")
    if first > month_start:
        msg = (
            f"no complete calendar month ({tz}) in data from {first:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}; "
            f"{month} would need data from {month_start:%Y-%m-%d %H:%M}"
        )
        raise InsufficientDataError(msg)
    return str(month)


# ------------------------------------------------------------------------------- risk-forecast notebook


def _as_of_time(value: str) -> pd.Timestamp:
    """Parse an ``as_of`` parameter: a date (midnight UTC) or a timezone-aware time; UTC microseconds."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        msg = (f"{value!r} is not a time; expected '' (the end of the data), a date 'YYYY-MM-DD' (midnight "
               "UTC) or a timezone-aware time such as '2026-07-01T00:00Z'")
        raise ValueError(msg) from exc
    if ts is pd.NaT:
        msg = (f"{value!r} is not a time; expected '' (the end of the data) or a time such as "
               "'2026-07-01T00:00Z'")
        raise ValueError(msg)
    if ts.tzinfo is None:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
            msg = (f"{value!r} has no time zone; give a date 'YYYY-MM-DD' (midnight UTC) or a timezone-aware "
                   "time such as '2026-07-01T00:00Z'")
            raise ValueError(msg)
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").as_unit("us")


class RiskParameters(BaseModel):
    """Parameters of the risk-forecast notebook (``notebooks/risk-forecast.ipynb``).

    Attributes
    ----------
    as_of : str
        Instant of the forecasts: ``""`` for the end of the data, a date ``"YYYY-MM-DD"`` (midnight UTC) or
        a timezone-aware time. Data from ``as_of`` on is ignored, so an earlier ``as_of`` shows what could
        have been known then.
    data_dir : str
        Folder laid out like ``datasets/``; ``""`` for the bundled sample data.
    n_paths : int
        Simulated paths per SLO of the breach probabilities (at least 100).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    as_of: str = ""
    data_dir: str = ""
    n_paths: int = 2000

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, value: str) -> str:
        if value.strip():
            _as_of_time(value)
        return value

    @field_validator("n_paths")
    @classmethod
    def _n_paths(cls, value: int) -> int:
        if value < 100:
            msg = (f"{value} simulated paths are too few for a probability with an interval; give at least "
                   "100 (2000 is the default)")
            raise ValueError(msg)
        return value


def validate_risk_parameters(**params: Any) -> RiskParameters:
    """Check the risk-forecast notebook's parameters; call it in the notebook's validation cell.

    In the notebook: ``validate_risk_parameters(**parameters_in(globals()))``, so that a parameter papermill
    injected under a wrong name is reported.

    Parameters
    ----------
    **params
        ``as_of``, ``data_dir`` and ``n_paths``, all optional (see :class:`RiskParameters`).

    Returns
    -------
    RiskParameters
        The validated parameters.

    Raises
    ------
    ParameterError
        Naming every unknown parameter and every bad value (an ``as_of`` that is not a time, or a time
        without a time zone; ``n_paths`` below 100 or not a whole number; a ``data_dir`` that is not a
        folder).

    Examples
    --------
    >>> validate_risk_parameters(as_of="2026-07-01", n_paths=2000)
    RiskParameters(as_of='2026-07-01', data_dir='', n_paths=2000)
    >>> validate_risk_parameters(as_of="2026-07-01 12:00", n_path=500)
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: unknown risk-forecast parameter 'n_path'; allowed: as_of, data_dir,
    n_paths; risk-forecast parameter 'as_of': '2026-07-01 12:00' has no time zone; give a date 'YYYY-MM-DD'
    (midnight UTC) or a timezone-aware time such as '2026-07-01T00:00Z'
    """
    return _validate(RiskParameters, params, "risk-forecast")


def _definition_table(rows: list[tuple[str, str]], warn: Iterable[str] = ()) -> str:
    """HTML table of ``(term, value)`` rows for report headers; values of the ``warn`` terms in amber."""
    warn = set(warn)
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td style='text-align:left{';' + _AMBER if k in warn else ''}'>{html.escape(v)}</td></tr>"
        for k, v in rows)
    return f"<table class='slm-service-header'>{cells}</table>"


@dataclass(frozen=True, repr=False)
class RiskInputs:
    """The data the risk-forecast notebook reads, cut at ``as_of``.

    Attributes
    ----------
    catalog : Catalog
        Services and SLOs.
    sli : DataFrame
        SLI event counts per bucket (``sli_5min``) before ``as_of``.
    daily : DataFrame
        :func:`~slm_analytics.sli.ratio_sli` of ``sli`` per SLO and UTC day (``service``, ``slo``,
        ``timestamp``, ``good``, ``total``, ``sli``): the fleet view of trends and error-rate forecasts.
    as_of : Timestamp
        The end of the data used (UTC): the first instant after its last bucket, which is ``as_of`` itself
        when it falls on a bucket boundary.
    start : Timestamp
        The first bucket (UTC).
    data_dir : str
        Where the data was read from (``""``: bundled sample data).
    """

    catalog: Catalog
    sli: pd.DataFrame
    daily: pd.DataFrame
    as_of: pd.Timestamp
    start: pd.Timestamp
    data_dir: str = ""

    def _rows(self) -> list[tuple[str, str]]:
        n_services = len({o.service for o in self.catalog.slos})
        return [
            ("SLOs", f"{len(self.catalog.slos)} of {n_services} services"),
            ("Data", f"{self.start:%d %b %Y %H:%M} to {self.as_of:%d %b %Y %H:%M} UTC, {len(self.sli):,} "
                     "SLI buckets"),
            ("As of", f"{self.as_of:%a %d %b %Y %H:%M} UTC: later data is ignored"),
            ("From", self.data_dir or "bundled sample data"),
        ]

    def __repr__(self) -> str:
        return "RiskInputs(" + "; ".join(f"{k}: {v}" for k, v in self._rows()) + ")"

    def _repr_html_(self) -> str:
        return _definition_table(self._rows())


def load_risk_inputs(params: RiskParameters) -> RiskInputs:
    """Read the catalog and the SLI data for the risk-forecast notebook, cut at ``as_of``.

    Parameters
    ----------
    params : RiskParameters
        Validated parameters (:func:`validate_risk_parameters`).

    Returns
    -------
    RiskInputs

    Raises
    ------
    ParameterError
        If ``as_of`` is after the end of the data, or at or before its start.
    DataError, DefinitionError
        If a data file or the catalog is invalid.

    Examples
    --------
    >>> inputs = load_risk_inputs(validate_risk_parameters(as_of="2026-07-01"))
    >>> inputs.as_of, inputs.daily["timestamp"].max()
    (Timestamp('2026-07-01 00:00:00+0000', tz='UTC'), Timestamp('2026-06-30 00:00:00+0000', tz='UTC'))
    """
    from .sli import ratio_sli

    catalog = _read("catalog", params.data_dir)
    sli = _read("sli_5min", params.data_dir)
    start, end, step = _bucket_span(sli["timestamp"], "the SLI data")
    start, end = start.tz_convert("UTC"), end.tz_convert("UTC")
    if params.as_of.strip():
        when = _as_of_time(params.as_of)
        if when > end or when <= start:
            msg = (f"risk-forecast parameter 'as_of': {when:%Y-%m-%d %H:%M} UTC is outside the data "
                   f"({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC); give a time within it or '' for "
                   "its end")
            raise ParameterError(msg)
        sli = sli[(sli["timestamp"] < when).to_numpy()]
        kept = pd.DatetimeIndex(sli["timestamp"].unique())
        end = (kept.max() + step).tz_convert("UTC")
    return RiskInputs(catalog=catalog, sli=sli, daily=ratio_sli(sli, freq="1D"), as_of=end.as_unit("us"),
                      start=start.as_unit("us"), data_dir=params.data_dir)


# ------------------------------------------------------------------------------------------- sections


def _pct(value: float, decimals: int) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value * 100:.{decimals}f}%"


@dataclass(frozen=True)
class ServiceHeader:
    """Who and what a review is about; displays as a small definition list.

    Attributes
    ----------
    service, description, owner : str
        From the catalog.
    tier : int
        Criticality, 1 (most critical) to 3.
    timezone : str
        The service's time zone: the month is cut in it.
    month : str
        The reviewed month, ``YYYY-MM``.
    period_start, period_end : Timestamp
        The month's bounds in ``timezone``.
    slos : tuple of str
        The service's SLOs.
    schedule : str or None
        Business-hours schedule, if any.
    customer_facing : bool
        Whether external customers use the service.
    data_start, data_end : Timestamp or None
        The part of the month the service's data covers (``timezone``), when the header was given the data;
        both None when it has no data in the month.
    data_checked : bool
        Whether the header was given the data (otherwise coverage is not shown).
    """

    service: str
    description: str
    owner: str
    tier: int
    timezone: str
    month: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    slos: tuple[str, ...] = field(default_factory=tuple)
    schedule: str | None = None
    customer_facing: bool = True
    data_start: pd.Timestamp | None = None
    data_end: pd.Timestamp | None = None
    data_checked: bool = False

    @property
    def complete(self) -> bool:
        """Whether the data covers the whole month (True when coverage was not checked)."""
        return not self.data_checked or (self.data_start == self.period_start
                                         and self.data_end == self.period_end)

    def coverage(self) -> str:
        """Describe the month's data coverage in words, e.g. that its last hours have no data yet."""
        if not self.data_checked:
            return ""
        if self.data_start is None or self.data_end is None:
            return "no data for this service in the month: every figure below is empty"
        if self.complete:
            return "the whole month"
        return (f"{self.data_start:%a %d %b %H:%M} to {self.data_end:%a %d %b %H:%M} ({self.timezone}) only: "
                f"{self.missing()} of the month have no data, so the figures below cover the rest")

    def missing(self) -> str:
        """Name the uncovered ends of the month: ``"the last 4 h"``; empty when complete or unchecked."""
        if self.complete:
            return ""
        if self.data_start is None or self.data_end is None:
            return "all"
        gaps = []
        if self.data_start > self.period_start:
            gaps.append(f"the first {_duration(self.data_start - self.period_start, precise=True)}")
        if self.data_end < self.period_end:
            gaps.append(f"the last {_duration(self.period_end - self.data_end, precise=True)}")
        return " and ".join(gaps)

    def _rows(self) -> list[tuple[str, str]]:
        last = self.period_end - pd.Timedelta(microseconds=1)
        period = f"{self.period_start:%a %d %b %Y} to {last:%a %d %b %Y} ({self.timezone})"
        rows = [
            ("Service", f"{self.service}: {self.description}" if self.description else self.service),
            ("Owner", self.owner),
            ("Tier", f"{self.tier} ({'customer-facing' if self.customer_facing else 'internal'})"),
            ("Month", f"{self.period_start:%B %Y}: {period}"),
            ("SLOs", ", ".join(self.slos) or "none"),
            ("Business hours", self.schedule or "around the clock"),
        ]
        if self.data_checked:
            rows.append(("Data", self.coverage()))
        return rows

    def _repr_html_(self) -> str:
        return _definition_table(self._rows(), warn=() if self.complete else ("Data",))

    def __str__(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self._rows())


def service_header(catalog: Catalog, *, service: str, month: str, sli: pd.DataFrame | None = None
                   ) -> ServiceHeader:
    """Return the header of a service's review: description, owner, tier, time zone and the month's bounds.

    Parameters
    ----------
    catalog : Catalog
        The catalog.
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.
    sli : DataFrame, optional
        Bucket counts (``service``, ``timestamp``). When given, the header says which part of the month
        (in the service's time zone) the service's data covers, e.g. that its last hours have not arrived.

    Returns
    -------
    ServiceHeader

    Raises
    ------
    DefinitionError
        If ``service`` is not in the catalog.
    ParameterError
        If ``month`` is not ``"YYYY-MM"``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> print(service_header(read_dataset("catalog"), service="mobile-api", month="2026-10"))
    Service: mobile-api: Backend for the iOS and Android apps
    Owner: team-mobile
    Tier: 1 (customer-facing)
    Month: October 2026: Thu 01 Oct 2026 to Sat 31 Oct 2026 (Asia/Seoul)
    SLOs: availability, latency
    Business hours: around the clock

    With the data, for a service whose day ends after the data does (it ends at midnight UTC):

    >>> header = service_header(read_dataset("catalog"), service="search", month="2026-10",
    ...                         sli=read_dataset("sli_5min"))
    >>> header.complete, header.data_end
    (False, Timestamp('2026-10-31 20:00:00-0400', tz='America/New_York'))
    >>> header.coverage().split(" only: ")[1]
    'the last 4 h of the month have no data, so the figures below cover the rest'
    """
    from .compliance import month_bounds

    s = catalog.service(service)
    start, end = month_bounds(month, tz=s.timezone)
    coverage = {}
    if sli is not None:
        coverage = {"data_checked": True, **_coverage(sli, s.name, start, end)}
    return ServiceHeader(service=s.name, description=s.description, owner=s.owner, tier=s.tier,
                         timezone=s.timezone, month=month, period_start=start, period_end=end,
                         slos=tuple(o.name for o in catalog.slos_of(service)), schedule=s.schedule,
                         customer_facing=s.customer_facing, **coverage)


def _coverage(sli: pd.DataFrame, service: str, start: pd.Timestamp, end: pd.Timestamp) -> dict:
    """``data_start``/``data_end``: the part of ``[start, end)`` that the service's buckets span."""
    require_columns(sli, ("service", "timestamp"), "sli")
    times = sli.loc[sli["service"] == service, "timestamp"]
    if times.empty:
        return {"data_start": None, "data_end": None}
    first, stop, _ = _bucket_span(times, service, single=pd.Timedelta(minutes=5))
    first, stop = max(first, start), min(stop, end)
    if first >= stop:
        return {"data_start": None, "data_end": None}
    return {"data_start": first.tz_convert(start.tz), "data_end": stop.tz_convert(start.tz)}


def attainment_table(table: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.compliance.monthly_attainment` for a report.

    Percentages are formatted for reading (the numbers underneath are not rounded); missed SLOs are
    highlighted.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`~slm_analytics.compliance.monthly_attainment`.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns SLO, method, target, attainment, result, budget consumed, bad, total, counted.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import monthly_attainment
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = attainment_table(monthly_attainment(sli, catalog, service="payments", month="2026-02"))
    >>> styled.data["result"].tolist()
    ['missed', 'met', 'missed']
    """
    met = table["met"].astype("boolean")
    result = np.where(table["no_data"], "no data", np.where(met.fillna(False), "met", "missed"))
    shown = pd.DataFrame({
        "SLO": table["slo"].astype(str),
        "method": table["budgeting_method"].astype(str),
        "target": table["target"].astype(float),
        "attainment": table["attainment"].astype(float),
        "result": result,
        "budget consumed": table["budget_consumed"].astype(float),
        "bad": table["bad"].astype("int64"),
        "total": table["total"].astype("int64"),
        "counted": table["unit"].astype(str),
    })
    styler = shown.style.hide(axis="index").format({
        "target": lambda v: _pct(v, 2),
        "attainment": lambda v: _pct(v, 3),
        "budget consumed": lambda v: _pct(v, 0),
        "bad": "{:,}".format,
        "total": "{:,}".format,
    })
    return styler.map(
        lambda v: "color: #c0392b; font-weight: bold" if v == "missed" else "", subset=["result"]
    )


def incident_table(incidents: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler:
    """Incidents of a service that overlap a calendar month, in the service's local time.

    Parameters
    ----------
    incidents : DataFrame
        Incident records (``read_dataset("incidents")``): ``id``, ``service``, ``slo``, ``severity``,
        ``cause``, ``started_at``, ``detected_at``, ``resolved_at``, ``title``.
    catalog : Catalog
        The catalog (the service's time zone).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per incident, by start: id, severity, SLO, cause, started (local), minutes to detect,
        minutes of impact (empty while ongoing), title; the caption says how many there were.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> styled = incident_table(read_dataset("incidents"), read_dataset("catalog"), service="payments",
    ...                         month="2026-02")
    >>> len(styled.data) >= 1
    True
    """
    from .compliance import month_bounds

    tz = catalog.service(service).timezone
    start, end = month_bounds(month, tz=tz)
    own = incidents[(incidents["service"] == service) & (incidents["started_at"] < end)
                    & (incidents["resolved_at"].isna() | (incidents["resolved_at"] >= start))]
    own = own.sort_values("started_at", kind="stable")
    minutes = pd.Timedelta(minutes=1)
    shown = pd.DataFrame({
        "id": own["id"].astype(str),
        "severity": own["severity"].astype(str),
        "SLO": own["slo"].astype(str),
        "cause": own["cause"].astype(str),
        "started": own["started_at"].dt.tz_convert(tz).dt.strftime("%a %d %b %H:%M"),
        "detect (min)": (own["detected_at"] - own["started_at"]) / minutes,
        "impact (min)": (own["resolved_at"] - own["started_at"]) / minutes,
        "title": own["title"].astype(str),
    })
    n = len(shown)
    caption = (f"{n} incident{'s' if n != 1 else ''} recorded for {service} in {start:%B %Y} "
               f"(times in {tz})" if n else f"No incident recorded for {service} in {start:%B %Y}.")
    return _left(shown.style.hide(axis="index").set_caption(caption)
                 .format({"detect (min)": "{:.0f}", "impact (min)": "{:.0f}"}, na_rep="ongoing"), ["title"])


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


def _duration(td: Any, *, precise: bool = False) -> str:
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


def _minutes(value: float) -> str:
    """Budget minutes: ``20.16`` -> ``"20.2 min"``, ``403.2`` -> ``"6 h 43 min"``."""
    if value is None or pd.isna(value):
        return "–"
    if abs(value) < 120:
        return f"{value:.1f} min".replace("-", "−")
    return _duration(pd.Timedelta(minutes=float(value)))


def _rate(value: float) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.3g}×"


def _month_name(month: str) -> str:
    return f"{pd.Period(month, freq='M'):%B %Y}"


_RED = "color: #c0392b; font-weight: bold"
_AMBER = "color: #b9770e"


def _left(styler: Styler, columns: list[str]) -> Styler:
    """Left-align text columns, header included (numbers stay right-aligned)."""
    heads = {c: [{"selector": "th.col_heading", "props": "text-align: left"}] for c in columns}
    return (styler.set_properties(subset=columns, **{"text-align": "left"})
            .set_table_styles(heads, overwrite=False))


def budget_table(budgets: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.compliance.month_end_budgets`: each SLO's budget at the month's end.

    Parameters
    ----------
    budgets : DataFrame
        Output of :func:`~slm_analytics.compliance.month_end_budgets`.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns SLO, window (kind and dates), SLI, target, burn rate, budget remaining (overspent in red),
        budget (as time over the window), time left, and when the budget runs out at the current burn rate
        (``"spent"``; ``"period over"`` for a calendar window closed by the month's end; ``"never"`` when
        nothing burns).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import month_end_budgets
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = budget_table(month_end_budgets(sli, catalog, service="payments", month="2026-02"))
    >>> styled.data["runs out"].tolist()
    ['spent', '30 d 9 h (31 Mar)', 'spent']
    """
    last_day = pd.to_datetime(budgets["as_of"]) - pd.Timedelta(microseconds=1)
    windows, runs_out = [], []
    for r, last in zip(budgets.itertuples(index=False), last_day, strict=True):
        if r.calendar:
            to = r.window_end - pd.Timedelta(microseconds=1)
            what = f"calendar {r.window}: {r.window_start:%d %b} to {to:%d %b}"
            if not r.period_over:
                what += f" (to date, {_duration(r.elapsed)})"
        else:
            days = (r.window_end - r.window_start) / pd.Timedelta(days=1)
            length = f"{days:.0f} days" if days == int(days) else _duration(r.window_end - r.window_start)
            what = f"rolling {length}: {r.window_start:%d %b} to {last:%d %b}"
        windows.append(what)
        if r.no_data:
            runs_out.append("no data")
        elif r.remaining <= 0:
            runs_out.append("spent")
        elif r.period_over:
            runs_out.append(f"period over; new budget from {r.window_end:%d %b}")
        elif pd.isna(r.time_to_exhaustion):
            runs_out.append("never (nothing burning)")
        elif r.calendar and r.as_of + r.time_to_exhaustion >= r.window_end:
            runs_out.append(f"not before the period ends ({r.window_end:%d %b})")
        else:
            runs_out.append(f"{_duration(r.time_to_exhaustion)} ({r.as_of + r.time_to_exhaustion:%d %b})")
    remaining = budgets["remaining"].astype(float)
    shown = pd.DataFrame({
        "SLO": budgets["slo"].astype(str),
        "window": windows,
        "SLI": budgets["sli"].astype(float),
        "target": budgets["target"].astype(float),
        "burn rate": budgets["burn_rate"].astype(float),
        "remaining": remaining,
        "budget": budgets["budget_minutes"].astype(float),
        "left": budgets["remaining_minutes"].astype(float),
        "runs out": runs_out,
    })
    styler = shown.style.hide(axis="index").format({
        "SLI": lambda v: _pct(v, 3),
        "target": lambda v: _pct(v, 2),
        "burn rate": _rate,
        "remaining": lambda v: _pct(v, 0).replace("-", "−"),
        "budget": _minutes,
        "left": _minutes,
    })
    overspent = [_RED if v < 0 else "" for v in remaining.fillna(0)]
    styler = styler.apply(lambda _: overspent, subset=["remaining"])
    styler = styler.apply(lambda _: overspent, subset=["left"])
    return _left(styler, ["SLO", "window", "runs out"])


def alert_table(alerts: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler | Note:
    """Present :func:`~slm_analytics.compliance.month_alerts`: the burn-rate alerts of the month.

    Parameters
    ----------
    alerts : DataFrame
        Output of :func:`~slm_analytics.compliance.month_alerts` (times in the service's time zone).
    catalog : Catalog
        The catalog (the service's time zone, for the caption).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    Styler or Note
        One row per alert: SLO, policy, severity, rule (long/short window), burn rate, started, ended,
        duration, incident (the overlapped incidents; "none" in amber: a possible false alarm); the caption
        counts pages, tickets and alerts matched with an incident. A :class:`Note` when none fired.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import month_alerts
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> alerts = month_alerts(sli, inc, cat, service="payments", month="2026-02",
    ...                       exclusions=read_dataset("maintenance"))
    >>> styled = alert_table(alerts, cat, service="payments", month="2026-02")
    >>> styled.data["incident"].value_counts().to_dict()
    {'INC-0066': 12, 'none': 6}
    """
    tz = catalog.service(service).timezone
    name = _month_name(month)
    if alerts.empty:
        return Note(f"No burn-rate alert fired for {service} in {name}: no SLO burnt its budget fast enough "
                    "for its alert policy (below).")
    start, end = alerts["start"], alerts["end"]
    same_day = start.dt.normalize() == (end - pd.Timedelta(microseconds=1)).dt.normalize()
    ended = np.where(same_day, end.dt.strftime("%H:%M"), end.dt.strftime("%a %d %b %H:%M"))
    ended = np.where(alerts["ongoing"], "still firing at month end", ended)
    started = np.where(alerts["before_month"], start.dt.strftime("%a %d %b %H:%M") + " (before the month)",
                       start.dt.strftime("%a %d %b %H:%M"))
    shown = pd.DataFrame({
        "SLO": alerts["slo"].astype(str),
        "policy": alerts["policy"].astype(str),
        "severity": alerts["severity"].astype(str),
        "rule": alerts["rule"].astype(str),
        "burn rate": alerts["burn_rate"].astype(float),
        "started": started,
        "ended": ended,
        "duration": [_duration(d) for d in alerts["duration"]],
        "incident": [i or "none" for i in alerts["incidents"]],
    })
    n = len(shown)
    pages = int((shown["severity"] == "page").sum())
    matched = int(alerts["overlaps_incident"].sum())
    caption = (f"{n} alert{'s' if n != 1 else ''} fired for {service} in {name} ({pages} "
               f"page{'s' if pages != 1 else ''}, {n - pages} ticket{'s' if n - pages != 1 else ''}); "
               f"{matched} overlapped a recorded incident. Times in {tz}.")
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"burn rate": _rate})
              .map(lambda v: _AMBER if v == "none" else "", subset=["incident"])
              .map(lambda v: "font-weight: bold" if v == "page" else "", subset=["severity"]))
    return _left(styler, ["SLO", "policy", "severity", "started", "ended", "incident"])


def threshold_table(thresholds: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.compliance.alert_thresholds`: the rules each SLO is alerted on.

    Parameters
    ----------
    thresholds : DataFrame
        Output of :func:`~slm_analytics.compliance.alert_thresholds`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO and rule: SLO, policy, SLO window, severity, long and short window, share of the
        budget spent in the long window, burn rate, and the error rate both windows must exceed.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import alert_thresholds
    >>> styled = threshold_table(alert_thresholds(read_dataset("catalog"), service="payments"))
    >>> styled.data.shape
    (12, 9)
    """
    shown = pd.DataFrame({
        "SLO": thresholds["slo"].astype(str),
        "policy": thresholds["policy"].astype(str),
        "SLO window": thresholds["window"].astype(str),
        "severity": thresholds["severity"].astype(str),
        "long window": thresholds["long_window"].astype(str),
        "short window": thresholds["short_window"].astype(str),
        "budget spent": thresholds["budget_consumed"].astype(float),
        "burn rate": thresholds["burn_rate"].astype(float),
        "error rate above": thresholds["error_rate"].astype(float),
    })
    caption = ("A rule fires while the error rate over both its long and its short window exceeds burn rate "
               "× (1 − target); the burn rate spends the share of the budget shown within the long window.")
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"budget spent": lambda v: _pct(v, 1), "burn rate": _rate,
                       "error rate above": lambda v: _pct(v, 3)}))
    return _left(styler, ["SLO", "policy", "severity"])


def _sla_period(row: Any, tz: str) -> str:
    start = pd.Timestamp(row.period_start).tz_convert(tz)
    end = pd.Timestamp(row.period_end).tz_convert(tz) - pd.Timedelta(microseconds=1)
    if row.period == "quarter":
        text = f"Q{start.quarter} {start:%Y} ({start:%b} to {end:%b})"
        return text + (", to date" if row.to_date else "")
    return f"{start:%B %Y}"


def sla_table(slas: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler | Note:
    """Present :func:`~slm_analytics.compliance.month_sla`: SLA attainment and service credits.

    Parameters
    ----------
    slas : DataFrame
        Output of :func:`~slm_analytics.compliance.month_sla`.
    catalog : Catalog
        The catalog (the service's time zone; whether it is customer-facing).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    Styler or Note
        One row per SLA: SLA and customer, SLO, period (a quarter to date is marked), what was measured,
        attainment, target, result (breached in red), margin in percentage points, credit (share of the
        fee), fee for the period, credit amount, and whether the figures are final or provisional (quarter
        to date). A :class:`Note` saying "No SLA" when the service has none.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import month_sla
    >>> sli, cat, mnt = read_dataset("sli_5min"), read_dataset("catalog"), read_dataset("maintenance")
    >>> styled = sla_table(month_sla(sli, cat, service="payments", month="2026-02", exclusions=mnt), cat,
    ...                    service="payments", month="2026-02")
    >>> styled.data[["result", "credit", "credit amount"]].values.tolist()
    [['breached', 0.1, 4000.0]]
    >>> print(sla_table(month_sla(sli, cat, service="reporting", month="2026-02", exclusions=mnt), cat,
    ...                 service="reporting", month="2026-02"))
    No SLA: reporting is an internal service (not customer-facing); no contract applies to it.
    """
    s = catalog.service(service)
    if slas.empty:
        if not s.customer_facing:
            return Note(f"No SLA: {service} is an internal service (not customer-facing); no contract "
                        "applies to it.")
        return Note(f"No SLA: the catalog defines no agreement for {service}, so no service credit applies "
                    f"in {_month_name(month)}.")
    rows = list(slas.itertuples(index=False))
    measured = []
    for r in rows:
        hours = f"business hours ({r.schedule})" if r.schedule else "around the clock"
        if not r.excludes_maintenance:
            excl = "maintenance counted"
        elif r.excluded_buckets:
            excl = f"maintenance excluded ({int(r.excluded_buckets)} buckets)"
        else:
            excl = "maintenance excluded (none in the period)"
        measured.append(f"{hours}, {excl}")
    months = np.where(slas["period"] == "quarter", 3, 1)
    result = np.where(slas["no_data"], "no data", np.where(slas["breached"], "breached", "met"))
    shown = pd.DataFrame({
        "SLA": [f"{r.sla} ({r.customer})" if r.customer else r.sla for r in rows],
        "SLO": slas["slo"].astype(str),
        "period": [_sla_period(r, s.timezone) for r in rows],
        "measured": measured,
        "attainment": slas["attainment"].astype(float),
        "target": slas["target"].astype(float),
        "result": result,
        "margin": slas["margin"].astype(float),
        "credit": slas["credit"].astype(float),
        "fee": slas["monthly_fee"].astype(float) * months,
        "credit amount": slas["credit_amount"].astype(float),
        "status": np.where(slas["to_date"], "provisional (period not over)", "final"),
    })
    caption = ("Credits are the share of the fee for the period (a quarter is three monthly fees) that the "
               "tier below the attainment earns.")
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"attainment": lambda v: _pct(v, 3), "target": lambda v: _pct(v, 2),
                       "margin": lambda v: "–" if pd.isna(v) else f"{v * 100:+.3f} pp".replace("-", "−"),
                       "credit": lambda v: _pct(v, 0), "fee": "{:,.0f}".format,
                       "credit amount": "{:,.0f}".format})
              .map(lambda v: _RED if v == "breached" else "", subset=["result"])
              .map(lambda v: _AMBER if str(v).startswith("provisional") else "", subset=["status"]))
    return _left(styler, ["SLA", "SLO", "period", "measured", "result", "status"])


def policy_table(triggers: pd.DataFrame, catalog: Catalog, *, service: str, month: str) -> Styler | Note:
    """Present :func:`~slm_analytics.compliance.month_policy_triggers`: what the error-budget policy requires.

    Parameters
    ----------
    triggers : DataFrame
        Output of :func:`~slm_analytics.compliance.month_policy_triggers`.
    catalog : Catalog
        The catalog (the service's time zone, for the caption).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    Styler or Note
        One row per triggered rule: SLO, rule, action required, subject (incident or cause), share of the
        budget spent, the rule's threshold and the evidence. A :class:`Note` ("no rule triggered") when none
        triggered.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import month_policy_triggers
    >>> sli, inc, cat = read_dataset("sli_5min"), read_dataset("incidents"), read_dataset("catalog")
    >>> print(policy_table(month_policy_triggers(sli, inc, cat, service="search", month="2026-02"), cat,
    ...                    service="search", month="2026-02"))  # doctest: +NORMALIZE_WHITESPACE
    No rule of the error-budget policy triggered for search at the end of February 2026: no release freeze,
    postmortem or planning item is required.
    """
    name = _month_name(month)
    if triggers.empty:
        return Note(f"No rule of the error-budget policy triggered for {service} at the end of {name}: no "
                    "release freeze, postmortem or planning item is required.")
    action = triggers["action"].astype(str).str.split(":", n=1).str[0]
    short = action.str.split(" with ", n=1).str[0]
    shown = pd.DataFrame({
        "SLO": triggers["slo"].astype(str),
        "rule": triggers["rule"].astype(str),
        "action": action,
        "subject": triggers["subject"].astype(str),
        "budget spent": triggers["value"].astype(float),
        "threshold": triggers["threshold"].astype(float),
        "evidence": triggers["evidence"].astype(str),
    })
    n = len(shown)
    counts = short.value_counts(sort=False)
    actions = ", ".join(f"{a} ({k})" if k > 1 else a for a, k in counts.items())
    caption = (f"{n} rule{'s' if n != 1 else ''} triggered for {service} at the end of {name}: {actions}. "
               "Budget spent is the share of the rule's window budget (4 weeks, or the quarter for a class "
               "of outage); evidence times in UTC.")
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"budget spent": lambda v: _pct(v, 0), "threshold": lambda v: f"> {_pct(v, 0)}"})
              .map(lambda v: "font-weight: bold", subset=["action"]))
    return _left(styler, ["SLO", "rule", "action", "subject", "evidence"])


def maintenance_table(
    maintenance: pd.DataFrame, catalog: Catalog, *, service: str, month: str
) -> Styler | Note:
    """Planned maintenance windows of a service that overlap a month, in the service's local time.

    Parameters
    ----------
    maintenance : DataFrame
        Maintenance windows (``read_dataset("maintenance")``): ``service``, ``start``, ``end``, ``reason``.
    catalog : Catalog
        The catalog (the service's time zone; which of its SLAs exclude maintenance).
    service : str
        The service.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.

    Returns
    -------
    Styler or Note
        One row per window, by start: start and end (local), duration, reason; the caption says where it is
        excluded (burn-rate alerts, SLAs whose contract excludes maintenance) and that SLOs count it. A
        :class:`Note` when there was none.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> styled = maintenance_table(read_dataset("maintenance"), read_dataset("catalog"), service="payments",
    ...                            month="2026-02")
    >>> styled.data[["start", "duration"]].values.tolist()
    [['Sun 01 Feb 02:00', '1 h 30 min']]
    """
    from .compliance import month_bounds

    tz = catalog.service(service).timezone
    start, end = month_bounds(month, tz=tz)
    own = maintenance[(maintenance["service"] == service) & (maintenance["start"] < end)
                      & (maintenance["end"] > start)].sort_values("start", kind="stable")
    name = _month_name(month)
    if own.empty:
        return Note(f"No planned maintenance recorded for {service} in {name}.")
    s_local, e_local = own["start"].dt.tz_convert(tz), own["end"].dt.tz_convert(tz)
    same_day = s_local.dt.normalize() == (e_local - pd.Timedelta(microseconds=1)).dt.normalize()
    shown = pd.DataFrame({
        "start": s_local.dt.strftime("%a %d %b %H:%M"),
        "end": np.where(same_day, e_local.dt.strftime("%H:%M"), e_local.dt.strftime("%a %d %b %H:%M")),
        "duration": [_duration(d) for d in own["end"] - own["start"]],
        "reason": own["reason"].astype(str),
    })
    excluding = [a.name for a in catalog.slas if a.service == service and "maintenance" in a.exclusions]
    where = "the burn-rate alerts" + (f" and from SLA {', '.join(excluding)}" if excluding else "")
    n = len(shown)
    caption = (f"{n} planned maintenance window{'s' if n != 1 else ''} for {service} in {name} (times in "
               f"{tz}): excluded from {where}; counted in the SLOs.")
    return _left(shown.style.hide(axis="index").set_caption(caption), ["start", "end", "reason"])


def incident_availability_table(summary: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.compliance.month_incident_availability` as a short list of measures.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`~slm_analytics.compliance.month_incident_availability` (one row).

    Returns
    -------
    pandas.io.formats.style.Styler
        Two columns, measure and value: measured time, downtime, availability, incidents, MTTR (with the
        median), MTTD and MTBF.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import month_incident_availability
    >>> inc, cat, mnt = read_dataset("incidents"), read_dataset("catalog"), read_dataset("maintenance")
    >>> styled = incident_availability_table(month_incident_availability(inc, cat, service="payments",
    ...                                                                  month="2026-02", exclusions=mnt))
    >>> styled.data.set_index("measure").loc["Availability", "value"]
    '99.714%'
    """
    r = summary.iloc[0]
    if r["schedule"]:
        hours = r["eligible"] / pd.Timedelta(hours=1)
        whole = abs(hours - round(hours)) < 1e-9
        measured = f"{hours:,.0f} h" if whole else _duration(r["eligible"], precise=True)
        eligible = f"{measured}: business hours ({r['schedule']}), planned maintenance excluded"
    else:
        eligible = f"{_duration(r['eligible'], precise=True)}: the whole month, planned maintenance excluded"
    avail = "no measured time" if r["no_eligible_time"] else _pct(r["availability"], 3)
    incidents = f"{r['started']} started in the month, {r['incidents']} overlapping it"
    if r["ongoing"]:
        incidents += f" ({r['ongoing']} still open)"
    none = "– (no incident started in the month)"
    rows = [
        ("Measured time", eligible),
        ("Downtime", f"{_duration(r['downtime'], precise=True)} of the measured time covered by an incident"),
        ("Availability", avail),
        ("Incidents", incidents),
        ("MTTR (mean time to resolve)",
         none if pd.isna(r["mttr"]) else f"{_duration(r['mttr'])} (median {_duration(r['median_ttr'])})"),
        ("MTTD (mean time to detect)", none if pd.isna(r["mttd"]) else _duration(r["mttd"])),
        ("MTBF (mean time between failures)", none if pd.isna(r["mtbf"]) else _duration(r["mtbf"])),
    ]
    shown = pd.DataFrame(rows, columns=["measure", "value"])
    return _left(shown.style.hide(axis="index"), ["measure", "value"])


# -------------------------------------------------------------------------------------------- outlook


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


_GREEN = "color: #2e7d32; font-weight: bold"


def _signed_pct(value: float) -> str:
    """``0.396`` -> ``"+39.6%"``, with a true minus sign."""
    return f"{value:+.1%}".replace("-", "−")


def _target_decimals(target: float) -> int:
    """Decimals needed to write ``target`` exactly in percent (0.99 -> 0, 0.999 -> 1, 0.9995 -> 2)."""
    for d in range(6):
        if abs(round(target * 100, d) - target * 100) < 1e-9:
            return d
    return 6


def _target(target: float) -> str:
    return f"{target * 100:.{_target_decimals(target)}f}%"


def _attainment(value: float, target: float) -> str:
    """Write an attainment with two more decimals than its target (99.9 % -> 99.974 %)."""
    return _pct(value, max(_target_decimals(target) + 2, 2))


def _chance(p: float) -> str:
    """Write a probability for people: ``0.564`` -> ``"56%"``, ``0.0019`` -> ``"0.2%"``, ``0`` -> ``"0%"``."""
    if p is None or pd.isna(p):
        return "–"
    if p == 0 or p == 1:
        return f"{p:.0%}"
    if p < 0.01 or p > 0.99:
        return f"{p:.1%}"
    return f"{p:.0%}"


def _error_rate(value: float) -> str:
    """Write an error rate to 3 digits: ``0.010533`` -> ``"1.05%"``, ``0.00024`` -> ``"0.0240%"``."""
    if value is None or pd.isna(value):
        return "–"
    if value == 0:
        return "0%"
    pct = value * 100
    decimals = max(0, 2 - int(np.floor(np.log10(abs(pct)))))
    return f"{pct:.{decimals}f}%"


def _points(value: float) -> str:
    """Write a change of an error rate in signed percentage points (2 significant digits): ``"+0.058 pp"``."""
    if value is None or pd.isna(value):
        return "–"
    if value == 0:
        return "0 pp"
    pp = value * 100
    decimals = max(0, 1 - int(np.floor(np.log10(abs(pp)))))
    return f"{pp:+.{decimals}f} pp".replace("-", "−")


def _day(ts: pd.Timestamp, *, year: int | None = None) -> str:
    """``"30 Aug"`` (with the year when it differs from ``year``)."""
    text = f"{ts.day} {ts:%b}"
    return text if year is None or ts.year == year else f"{text} {ts.year}"


def _last_day(end: pd.Timestamp) -> pd.Timestamp:
    """Return the last day of a window ending (exclusive) at a local midnight."""
    return end - pd.Timedelta(microseconds=1)


def _window_words(row: Any) -> tuple[str, str]:
    """Name the window assessed, for a table and for a sentence.

    ``("August (month)", "in August, by 31 Aug")`` or ``("28 days to 7 Aug", "over the 28 days to 7 Aug")``.
    """
    last = _last_day(row.breach_window_end)
    if row.calendar:
        start = row.breach_window_start
        if row.window == "month":
            name = f"{start:%B}"
        elif row.window == "quarter":
            name = f"Q{start.quarter} {start.year}"
        else:
            name = f"the week of {_day(start)}"
        return f"{name} ({row.window})", f"in {name}, by {_day(last)}"
    days = round((row.breach_window_end - row.breach_window_start) / pd.Timedelta(days=1))
    return f"{days} days to {_day(last)}", f"over the {days} days to {_day(last)}"


def _trend_words(row: Any) -> str:
    if row.trend == "no trend":
        return f"no trend (p = {row.trend_p_value:.2f})"
    return f"{row.trend} (p = {row.trend_p_value:.3f})"


def _exhaustion_words(row: Any, year: int) -> str:
    end = _day(_last_day(row.exhaustion_end), year=year)
    if row.budget_remaining <= 0:
        return "already spent"
    if row.exhaustion_probability == 0:
        return f"not by {end}"
    if pd.isna(row.exhaustion_median):
        return f"not by {end} ({_chance(row.exhaustion_probability)} chance it does)"
    low = _day(row.exhaustion_p10, year=year)
    high = f"after {end}" if pd.isna(row.exhaustion_p90) else _day(row.exhaustion_p90, year=year)
    return f"{_day(row.exhaustion_median, year=year)} (10–90%: {low} to {high})"


def _straight_words(row: Any, year: int) -> str:
    if row.budget_remaining <= 0:
        return "already spent"
    if pd.isna(row.straight_line_exhaustion):
        return "never (nothing burning)"
    text = _day(row.straight_line_exhaustion, year=year)
    return f"{text} (after the window)" if row.straight_line_exhaustion >= row.exhaustion_end else text


def outlook_table(outlook: Any) -> Styler:
    """Present :func:`~slm_analytics.compliance.month_outlook`: each SLO's trend and risk at the month's end.

    Parameters
    ----------
    outlook : MonthOutlook
        Output of :func:`~slm_analytics.compliance.month_outlook`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO: SLO, error-rate trend over the window (direction and p-value; a significant
        increase in red), Sen slope per week in percentage points, latest change point (day: before →
        after, typical daily error rates), next window, probability of missing the SLO there with its 95 %
        interval (amber from 5 %, red from 50 %), projected attainment (median and 10-90 %), when the
        budget runs out in the simulation (median and 10-90 %, or "not by" the end of the period searched)
        and by the straight line. An SLO not assessed shows why.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.compliance import month_outlook
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = outlook_table(month_outlook(sli, catalog, service="mobile-api", month="2026-07"))
    >>> styled.data.set_index("SLO").loc["latency", ["latest change", "P(miss)", "budget runs out"]].tolist()
    ['17 Jun: 0.448% → 1.05%', '56% (23%–85%)', '30 Aug (10–90%: 30 Aug to after 31 Aug)']
    """
    t = outlook.table
    year = outlook.as_of.year
    rows = []
    for r in t.itertuples(index=False):
        name = r.slo + (" (slices)" if r.unit == "slices" else "")
        if not r.assessed:
            rows.append({"SLO": name, "trend (90 days)": "not assessed", "Sen slope / week": "–",
                         "latest change": "–", "next window": "–", "P(miss)": "–",
                         "projected attainment": "–", "budget runs out": r.note, "straight line": "–"})
            continue
        change = "none"
        if not pd.isna(r.change_at):
            levels = f"{_error_rate(r.change_before)} → {_error_rate(r.change_after)}"
            change = f"{_day(r.change_at, year=year)}: {levels}"
        rows.append({
            "SLO": name,
            "trend (90 days)": _trend_words(r),
            "Sen slope / week": _points(r.trend_slope * 7),
            "latest change": change,
            "next window": _window_words(r)[0],
            "P(miss)": f"{_chance(r.breach_probability)} ({_chance(r.breach_low)}–{_chance(r.breach_high)})",
            "projected attainment": (f"{_attainment(r.attainment_median, r.target)} "
                                     f"({_attainment(r.attainment_p10, r.target)}–"
                                     f"{_attainment(r.attainment_p90, r.target)})"),
            "budget runs out": _exhaustion_words(r, year),
            "straight line": _straight_words(r, year),
        })
    shown = pd.DataFrame(rows)
    p = t["breach_probability"].to_numpy(dtype=float)
    risk_style = [_RED if v >= 0.5 else _AMBER if v >= 0.05 else "" for v in np.nan_to_num(p)]
    rising = [_RED if (a and tr == "increasing" and pv < 0.05) else ""
              for a, tr, pv in zip(t["assessed"], t["trend"], t["trend_p_value"].fillna(1.0), strict=True)]
    tz = str(outlook.as_of.tz)
    month = f"{outlook.as_of - pd.Timedelta(days=1):%B %Y}"
    caption = (
        f"As it stood at the end of {month} ({outlook.as_of:%a %d %b %Y %H:%M} {tz}), from the "
        f"{outlook.days} days before; later data is ignored. Trend: Mann–Kendall test "
        "of the daily error rate with the Hamed–Rao correction (significant below p = 0.05), slope in "
        "percentage points of error rate a week. P(miss): share of "
        f"{outlook.n_paths:,} simulated paths (seed {outlook.seed}) that miss the target at the window end, "
        "with its 95% interval; attainment and budget dates: median (10–90%) of the paths. Straight line: "
        "remaining budget / the last 7 days' burn rate."
    )
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .apply(lambda _: risk_style, subset=["P(miss)"])
              .apply(lambda _: rising, subset=["trend (90 days)"])
              .set_properties(subset=["SLO", "Sen slope / week", "P(miss)"], **{"white-space": "nowrap"}))
    return _left(styler, list(shown.columns))


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
    target, allowed = _target(r.target), f"{(1 - r.target) * 100:.{_target_decimals(r.target)}f}%"
    _, window = _window_words(r)
    verdict, action = _verdict(r.breach_probability)
    if r.breach_probability == 0:
        first = (f"{verdict}: none of the {n_paths:,} simulated paths misses {target} {window} (95% bound: "
                 f"{_chance(r.breach_high)}).")
    else:
        first = (f"{verdict}: a {_chance(r.breach_probability)} chance ({_chance(r.breach_low)}–"
                 f"{_chance(r.breach_high)}) of missing {target} {window}.")
    parts = [first]
    attain = (f"Projected attainment {_attainment(r.attainment_median, r.target)} (10–90%: "
              f"{_attainment(r.attainment_p10, r.target)}–{_attainment(r.attainment_p90, r.target)})")
    straight_miss = r.straight_line_attainment < r.target
    if straight_miss != (r.attainment_median < r.target):
        attain += (f"; the straight line (the last 7 days' error rate going on) gives "
                   f"{_attainment(r.straight_line_attainment, r.target)}, "
                   f"{'a miss' if straight_miss else 'a pass'}")
    parts.append(attain + ".")
    step = (not pd.isna(r.change_at) and r.change_before > 0
            and not 1 / 1.5 < r.change_after / r.change_before < 1.5)
    level = (f"The error rate was {_error_rate(r.recent_error_rate)} over the last 7 days against the "
             f"{allowed} the target allows")
    if step:
        direction = "up" if r.change_after > r.change_before else "down"
        level = (f"The error rate stepped {direction} from {_error_rate(r.change_before)} to "
                 f"{_error_rate(r.change_after)} on {_day(r.change_at, year=year)} and was "
                 f"{_error_rate(r.recent_error_rate)} over the last 7 days, against the {allowed} the target "
                 "allows")
    significant = r.trend != "no trend" and r.trend_p_value < 0.05
    if significant:
        slope = f"{_points(r.trend_slope * 7)} a week, p = {r.trend_p_value:.3f}"
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
            parts.append(f"At this pace the budget runs out around {_day(r.exhaustion_median, year=year)} "
                         f"(straight line: {_straight_words(r, year)}).")
    if at_risk or r.breach_high >= 0.3:  # a low risk with a wide interval is not ruled out
        if width >= 0.3:
            reasons = []
            history = daily[(daily["timestamp"] >= as_of - pd.Timedelta(weeks=12)).to_numpy()]
            rates = history["error_rate"].to_numpy(dtype=float)
            if np.isfinite(rates).any() and np.nanmax(rates) >= 5 * (1 - r.target):
                worst = history.iloc[int(np.nanargmax(rates))]
                on, rate = _day(worst["timestamp"], year=year), _error_rate(worst["error_rate"])
                reasons.append(f"single bad days (up to {rate} on {on}) spend much of the budget at once, "
                               "and whether one recurs decides")
            if not pd.isna(r.change_at) and step and as_of - r.change_at <= pd.Timedelta(weeks=8):
                weeks = int((as_of - r.change_at) / pd.Timedelta(weeks=1))
                since = _day(r.change_at, year=year)
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
        Output of :func:`~slm_analytics.compliance.month_outlook`.

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
    >>> from slm_analytics.compliance import month_outlook
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> notes = outlook_notes(month_outlook(sli, catalog, service="mobile-api", month="2026-07"))
    >>> print(notes.items[0][:81])
    latency: A coin toss: a 56% chance (23%–85%) of missing 99% in August, by 31 Aug.
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


# --------------------------------------------------------------------------------------------- fleet risk


def _window_of_risk(row: Any, tz: str) -> str:
    end = _last_day(pd.Timestamp(row.window_end).tz_convert(tz))
    if row.window in ("week", "month", "quarter"):
        return f"{row.window} to {_day(end)}"
    days = round((pd.Timestamp(row.window_end) - pd.Timestamp(row.window_start)) / pd.Timedelta(days=1))
    return f"{days} days to {_day(end)}"


def risk_table(risk: pd.DataFrame, catalog: Catalog) -> Styler:
    """Present :func:`~slm_analytics.forecast.breach_probabilities`: every SLO's risk, riskiest first.

    Parameters
    ----------
    risk : DataFrame
        Output of :func:`~slm_analytics.forecast.breach_probabilities`.
    catalog : Catalog
        The services' time zones (window ends are shown as local days).

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO by decreasing probability (then upper bound): SLO, target, window assessed (its
        last local day), probability of missing with its 95 % interval (amber from 5 %, red from 50 %),
        projected attainment (median and 10-90 %), straight-line attainment, and the days of the window
        observed and simulated.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import breach_probabilities
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = risk_table(breach_probabilities(sli, catalog, as_of="2026-07-10T00:00Z", seed=1), catalog)
    >>> styled.data["SLO"].head(3).tolist()
    ['payments / uptime', 'mobile-api / latency', 'notifications / delivery']
    """
    tz_of = {s.name: s.timezone for s in catalog.services}
    order = risk.sort_values(["probability", "high"], ascending=False, kind="stable")
    rows = []
    for r in order.itertuples(index=False):
        rows.append({
            "SLO": f"{r.service} / {r.slo}",
            "target": _target(r.target),
            "window": _window_of_risk(r, tz_of.get(r.service, "UTC")),
            "P(miss)": f"{_chance(r.probability)} ({_chance(r.low)}–{_chance(r.high)})",
            "projected attainment": (f"{_attainment(r.attainment_median, r.target)} "
                                     f"({_attainment(r.attainment_p10, r.target)}–"
                                     f"{_attainment(r.attainment_p90, r.target)})"),
            "straight line": _attainment(r.straight_line_attainment, r.target),
            "days observed / simulated": f"{int(r.observed_days)} / {int(r.simulated_days)}",
        })
    shown = pd.DataFrame(rows)
    p = order["probability"].to_numpy(dtype=float)
    style = [_RED if v >= 0.5 else _AMBER if v >= 0.05 else "" for v in p]
    n_paths = int(order["n_paths"].iloc[0]) if len(order) else 0
    caption = (f"Probability that each SLO misses its target at the end of its window: calendar SLOs at the "
               f"end of their current period, rolling SLOs 7 days on; {n_paths:,} simulated paths each, 95% "
               "interval. Straight line: the attainment if the last 7 days' error rate goes on.")
    styler = shown.style.hide(axis="index").set_caption(caption).apply(lambda _: style, subset=["P(miss)"])
    return _left(styler, ["SLO", "window", "P(miss)", "projected attainment"])


def trend_table(trends: pd.DataFrame) -> Styler:
    """Present :func:`~slm_analytics.compliance.fleet_trends`: the trend of every SLO, significant first.

    Parameters
    ----------
    trends : DataFrame
        Output of :func:`~slm_analytics.compliance.fleet_trends` (``target`` may be ``NaN``).

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per SLO by increasing p-value: SLO, trend (a significant increase of the error rate in red,
        a significant decrease in green), p-value, error rate over the window, Sen slope per week in
        percentage points with its 95 % interval, and the slope as a share of the error rate the target
        allows (how fast the burn rate moves).

    Examples
    --------
    >>> from slm_analytics import read_dataset, ratio_sli
    >>> from slm_analytics.compliance import fleet_trends
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> styled = trend_table(fleet_trends(ratio_sli(sli, freq="1D"), catalog))
    >>> styled.data[["SLO", "trend"]].head(2).values.tolist()
    [['checkout / uptime', 'decreasing'], ['mobile-api / latency', 'decreasing']]
    """
    order = trends.sort_values("p_value", kind="stable")
    target = order["target"].to_numpy(dtype=float)
    weekly = order["slope"].to_numpy(dtype=float) * 7
    shown = pd.DataFrame({
        "SLO": (order["service"].astype(str) + " / " + order["slo"].astype(str)).to_numpy(),
        "trend": order["trend"].astype(str).to_numpy(),
        "p-value": order["p_value"].to_numpy(dtype=float),
        "error rate": [_error_rate(v) for v in order["error_rate"].to_numpy(dtype=float)],
        "Sen slope / week": [f"{_points(w)} ({_points(lo * 7).removesuffix(' pp')} to "
                             f"{_points(hi * 7).removesuffix(' pp')})" for w, lo, hi in
                             zip(weekly, order["slope_low"], order["slope_high"], strict=True)],
        "burn rate / week": ["–" if np.isnan(t) else f"{w / (1 - t):+.3f}".replace("-", "−")
                             for w, t in zip(weekly, target, strict=True)],
    })
    significant = order["h"].to_numpy(dtype=bool)
    up = significant & (order["trend"].to_numpy() == "increasing")
    down = significant & (order["trend"].to_numpy() == "decreasing")
    colour = [_RED if u else _GREEN if d else "" for u, d in zip(up, down, strict=True)]
    first, last = order["first_day"].iloc[0], order["last_day"].iloc[0]
    days = int((last - first) / pd.Timedelta(days=1)) + 1
    caption = (f"Mann–Kendall trend of each SLO's daily error rate over the {days} days {first:%d %b} to "
               f"{last:%d %b %Y} (UTC days), corrected for autocorrelation (Hamed–Rao); significant below "
               "p = 0.05 (red: rising, green: falling). Burn rate / week: the weekly slope divided by the "
               "error rate the target allows.")
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"p-value": "{:.3f}"})
              .apply(lambda _: colour, subset=["trend"]))
    return _left(styler, ["SLO", "trend", "Sen slope / week"])


_METHOD_NAMES = {
    "forecast": "simulation (breach_probabilities)",
    "straight_line": "straight line (last 7 days' burn rate)",
    "climatology": "climatology (share of past windows missed)",
}
_FORECAST_NAMES = {
    "forecast": "damped-trend forecast (forecast_sli)",
    "straight_line": "straight line (last 7 days)",
    "climatology": "climatology (all past days)",
}


def breach_backtest_table(backtest: Any) -> Styler:
    """Present :func:`~slm_analytics.forecast.backtest_breach`: Brier scores and skill of the three methods.

    Parameters
    ----------
    backtest : BreachBacktest
        Output of :func:`~slm_analytics.forecast.backtest_breach`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per method: method, forecasts, windows missed, mean forecast probability, Brier score, and
        the Brier skill scores against the straight line and climatology (positive in bold: better than the
        reference); the caption states the result.

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import backtest_breach
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> origins = pd.date_range("2026-06-06", periods=6, freq="7D", tz="UTC")
    >>> styled = breach_backtest_table(backtest_breach(sli, catalog, origins=origins, n_paths=200))
    >>> styled.data["method"].tolist()[0]
    'simulation (breach_probabilities)'
    """
    s = backtest.summary
    shown = pd.DataFrame({
        "method": [_METHOD_NAMES.get(m, m) for m in s["method"]],
        "forecasts": s["forecasts"].to_numpy(dtype=np.int64),
        "windows missed": s["breaches"].to_numpy(dtype=np.int64),
        "mean probability": s["mean_probability"].to_numpy(dtype=float),
        "Brier score": s["brier"].to_numpy(dtype=float),
        "skill vs straight line": s["bss_vs_straight_line"].to_numpy(dtype=float),
        "skill vs climatology": s["bss_vs_climatology"].to_numpy(dtype=float),
    })
    row = s.set_index("method").loc["forecast"] if "forecast" in set(s["method"]) else None
    caption = ("Rolling-origin backtest: at each weekly origin every SLO's probability of missing its next "
               "window end, from the data before the origin only, scored against what happened. Brier score: "
               "mean squared difference between probability and outcome (lower is better); skill: 1 − Brier "
               "/ Brier of the reference (above 0 beats it).")
    if row is not None:
        caption += (f" Over {int(row['forecasts']):,} scored windows ({int(row['breaches'])} missed) the "
                    f"simulation is {row['bss_vs_straight_line']:.0%} better than the straight line and "
                    f"{row['bss_vs_climatology']:.0%} better than climatology.")
    bold = {c: [("font-weight: bold" if v > 0 else "") for v in shown[c]]
            for c in ("skill vs straight line", "skill vs climatology")}
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"mean probability": "{:.1%}", "Brier score": "{:.4f}", "forecasts": "{:,}",
                       "skill vs straight line": _signed_pct, "skill vs climatology": _signed_pct}))
    for c, style in bold.items():
        styler = styler.apply(lambda _, st=style: st, subset=[c])
    return _left(styler, ["method"])


def forecast_backtest_table(backtest: Any, *, level: float = 0.9) -> Styler:
    """Present :func:`~slm_analytics.forecast.backtest_forecasts`: interval coverage and accuracy.

    Parameters
    ----------
    backtest : ForecastBacktest
        Output of :func:`~slm_analytics.forecast.backtest_forecasts`.
    level : float
        The interval coverage the backtest was run with (its ``level``), for the caption.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per method: method, scored series-days, coverage of the central interval (within 3 points
        of ``level`` in bold), mean interval width, MAE, CRPS, and the CRPS skill against the straight line
        and climatology.

    Examples
    --------
    >>> import pandas as pd
    >>> from slm_analytics import read_dataset, ratio_sli
    >>> from slm_analytics.forecast import backtest_forecasts
    >>> sli = read_dataset("sli_5min")
    >>> daily = ratio_sli(sli[sli["service"] == "search"], freq="1D", tz="America/New_York")
    >>> origins = pd.date_range("2026-06-01", periods=8, freq="7D", tz="America/New_York")
    >>> styled = forecast_backtest_table(backtest_forecasts(daily, horizon=7, origins=origins))
    >>> styled.data["coverage"].round(3).tolist()
    [0.893, 0.723, 0.839]
    """
    s = backtest.summary
    shown = pd.DataFrame({
        "method": [_FORECAST_NAMES.get(m, m) for m in s["method"]],
        "series-days": s["forecasts"].to_numpy(dtype=np.int64),
        "coverage": s["coverage"].to_numpy(dtype=float),
        "mean width": s["interval_width"].to_numpy(dtype=float),
        "MAE": s["mae"].to_numpy(dtype=float),
        "CRPS": s["crps"].to_numpy(dtype=float),
        "CRPS skill vs straight line": s["crps_skill_vs_straight_line"].to_numpy(dtype=float),
        "CRPS skill vs climatology": s["crps_skill_vs_climatology"].to_numpy(dtype=float),
    })
    close = [("font-weight: bold" if abs(v - level) <= 0.03 else _AMBER) for v in shown["coverage"]]
    horizon = int(backtest.forecasts["horizon"].max()) if len(backtest.forecasts) else 0
    caption = (f"Daily error-rate forecasts 1 to {horizon} days ahead from rolling origins, each fitted on "
               "the data before its origin. Coverage: share of days whose error rate fell inside the central "
               f"{level:.0%} interval (calibrated: about {level:.0%}; bold within 3 points). MAE and CRPS in "
               "error-rate units (lower is better); skill: 1 − CRPS / CRPS of the reference.")
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"series-days": "{:,}", "coverage": "{:.1%}", "mean width": "{:.4%}", "MAE": "{:.4%}",
                       "CRPS": "{:.4%}", "CRPS skill vs straight line": _signed_pct,
                       "CRPS skill vs climatology": _signed_pct})
              .apply(lambda _: close, subset=["coverage"]))
    return _left(styler, ["method"])


def achievability_table(achievability: Any) -> Styler:
    """Present :func:`~slm_analytics.forecast.target_achievability`: how often past windows met each target.

    Parameters
    ----------
    achievability : TargetAchievability
        Output of :func:`~slm_analytics.forecast.target_achievability`.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per candidate target: target (the SLO's own marked "current"), past windows, independent
        windows (the evidence), windows met, share met (below 90 % in amber), and the budget left at the
        window end, median and worst window (negative in red: overspent).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> from slm_analytics.forecast import target_achievability
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> ach = target_achievability(sli, catalog.slo("checkout", "availability"), targets=[0.999, 0.9995],
    ...                            tz="Europe/London")
    >>> achievability_table(ach).data["target"].tolist()
    ['99.9% (current)', '99.95%']
    """
    t = achievability.targets
    shown = pd.DataFrame({
        "target": [_target(v) + (" (current)" if c else "") for v, c in zip(t["target"], t["current"],
                                                                            strict=True)],
        "past windows": t["windows"].to_numpy(dtype=np.int64),
        "independent windows": t["independent_windows"].to_numpy(dtype=float),
        "met": t["met"].to_numpy(dtype=np.int64),
        "share met": t["share_met"].to_numpy(dtype=float),
        "budget left (median)": t["budget_remaining_median"].to_numpy(dtype=float),
        "budget left (worst)": t["budget_remaining_worst"].to_numpy(dtype=float),
    })
    share = [_AMBER if v < 0.9 else "" for v in shown["share met"]]
    worst = [_RED if v < 0 else "" for v in shown["budget left (worst)"]]
    caption = (f"{achievability.service} / {achievability.slo} ({achievability.window} window): the "
               "attainment of every past window against each candidate target. Rolling windows overlap, so "
               "the evidence is the independent windows, not the past windows. Budget left: (attainment − "
               "target) / (1 − target) at the window end.")
    styler = (shown.style.hide(axis="index").set_caption(caption)
              .format({"independent windows": "{:.1f}", "share met": "{:.0%}",
                       "budget left (median)": lambda v: _pct(v, 0).replace("-", "−"),
                       "budget left (worst)": lambda v: _pct(v, 0).replace("-", "−")})
              .apply(lambda _: share, subset=["share met"])
              .apply(lambda _: worst, subset=["budget left (worst)"]))
    return _left(styler, ["target"])


# --------------------------------------------------------------------------------------------- runner


@dataclass(frozen=True)
class ServiceReport:
    """The outcome of one service's review.

    Attributes
    ----------
    service : str
        The service.
    status : {"ok", "failed"}
        Whether the notebook ran and both files were written.
    notebook : Path or None
        The executed notebook (``<service>.ipynb``), or for a failure the partly executed notebook
        (``<service>.failed.ipynb``) when there is one.
    html : Path or None
        The HTML report (``None`` for a failure; an earlier report, if any, is left in place).
    error : str or None
        For a failure: the error, e.g. ``"InsufficientDataError: no SLI data for ..."``.
    seconds : float
        Wall time spent on the service.
    """

    service: str
    status: Literal["ok", "failed"]
    notebook: Path | None
    html: Path | None
    error: str | None
    seconds: float


@dataclass(frozen=True, repr=False)
class ReviewRun:
    """The outcome of :func:`run_review`.

    Attributes
    ----------
    month : str
        The reviewed month, ``YYYY-MM``.
    folder : Path
        Where the reports are (``<out_dir>/<month>``).
    index : Path
        The ``index.html`` linking the reports.
    reports : tuple of ServiceReport
        One per service, in the order run.
    """

    month: str
    folder: Path
    index: Path
    reports: tuple[ServiceReport, ...]

    @property
    def ok(self) -> bool:
        """Whether every service's review succeeded."""
        return all(r.status == "ok" for r in self.reports)

    @property
    def failed(self) -> tuple[ServiceReport, ...]:
        """The failed services' reports."""
        return tuple(r for r in self.reports if r.status != "ok")

    def to_frame(self) -> pd.DataFrame:
        """One row per service: ``service``, ``status``, ``notebook``, ``html``, ``error``, ``seconds``."""
        return pd.DataFrame(
            [{"service": r.service, "status": r.status,
              "notebook": None if r.notebook is None else str(r.notebook),
              "html": None if r.html is None else str(r.html), "error": r.error, "seconds": r.seconds}
             for r in self.reports],
            columns=["service", "status", "notebook", "html", "error", "seconds"],
        )

    def __repr__(self) -> str:
        n_ok = sum(r.status == "ok" for r in self.reports)
        return (f"ReviewRun(month={self.month!r}, ok={n_ok}, failed={len(self.reports) - n_ok}, "
                f"index={str(self.index)!r})")


def _default_notebook() -> Path:
    return Path(__file__).resolve().parent.parent / DEFAULT_NOTEBOOK


def _check_kernel(kernel_name: str) -> None:
    """Check that ``kernel_name`` runs this interpreter (a user-level ``python3`` spec could shadow it)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        msg = (f"no Jupyter kernel named {kernel_name!r}; install this environment's with "
               "`python -m ipykernel install --sys-prefix`")
        raise ParameterError(msg) from exc
    exe = spec.argv[0] if spec.argv else ""
    if exe in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        return  # jupyter_client runs these with sys.executable
    # same bin/ folder = same environment (resolving symlinks would equate a venv with its base Python)
    if Path(exe).absolute().parent != Path(sys.executable).absolute().parent:
        msg = (
            f"Jupyter kernel {kernel_name!r} runs {exe}, not this environment's {sys.executable}; pass "
            "kernel_name= (slm review uses the environment's own kernel by default) or remove the other "
            f"kernel spec in {spec.resource_dir}"
        )
        raise ParameterError(msg)


_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
{{ output.data['image/svg+xml'] }}
</div>
{%- endblock data_svg -%}
{%- block extra_css -%}
<style type="text/css">
  body { max-width: 1100px; margin: 0 auto; }
  .slm-service-header th, .slm-service-header td { padding: 2px 8px; }
  .jp-RenderedHTMLCommon caption { caption-side: top; text-align: left; color: #444; padding: 0 0 6px 0; }
  .slm-note { padding: 6px 10px; border-left: 3px solid #4c78a8; background: #f4f6fa; }
</style>
{%- endblock extra_css -%}
"""


_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^"\)]+)')


def _prefix_svg_ids(nb: Any) -> None:
    """Make the ids inside each SVG output unique in the page (vega numbers clip paths per chart).

    The report inlines SVG charts (text stays selectable and readable by screen readers); without this,
    a second chart's ``url(#clip1)`` would resolve to the first chart's clip path.
    """
    n = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            svg = output.get("data", {}).get("image/svg+xml")
            if svg:
                n += 1
                text = "".join(svg) if isinstance(svg, list) else svg
                output["data"]["image/svg+xml"] = _SVG_ID.sub(
                    lambda m, k=n: f"{m.group(1)}c{k}-{m.group(2)}", text
                )


def _html_exporter() -> Any:
    """Build the nbconvert HTML exporter of reports: no code, no prompts, no external scripts, SVG inline."""
    import_jsonschema()  # before nbconvert/nbformat: skips a slow import (see _compat)
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="slm_review.html.j2",
        extra_loaders=[jinja2.DictLoader({"slm_review.html.j2": _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def _kernel_config() -> Any:
    """Kernel settings: local IPC sockets on POSIX (no TCP port, and no ipykernel warning on stderr).

    Each kernel gets its own socket path prefix: jupyter_client numbers IPC sockets by probing for free
    file names, which races when several kernels start at once (parallel reviews).
    """
    import tempfile
    import uuid

    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    prefix = os.path.join(tempfile.gettempdir(), f"slm-kernel-{uuid.uuid4().hex[:12]}")
    return Config({"KernelManager": {"transport": "ipc", "ip": prefix}})


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` (unique to this process), then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _error_text(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        text = f"{exc.ename}: {exc.evalue}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def _review_one(
    *, service: str, month: str, data_dir: str, folder: Path, notebook: Path, kernel_name: str,
    exporter: Any, timeout: float
) -> tuple[Path, Path]:
    import nbformat
    import papermill

    partial = folder / f".{service}.{os.getpid()}.partial.ipynb"  # unique if two runs share the folder
    failed = folder / f"{service}.failed.ipynb"
    out_html, out_nb = folder / f"{service}.html", folder / f"{service}.ipynb"
    try:
        papermill.execute_notebook(
            str(notebook), str(partial),
            parameters={"service": service, "month": month, "data_dir": data_dir},
            kernel_name=kernel_name, language="python", progress_bar=False, log_output=False,
            start_timeout=120, execution_timeout=timeout, config=_kernel_config(),
        )
        nb = nbformat.read(partial, as_version=4)
        nb.metadata["title"] = f"Service review: {service}, {month}"
        _prefix_svg_ids(nb)
        body, _ = exporter.from_notebook_node(nb)
        _write_atomic(out_html, body)
    except BaseException:  # keep what ran for diagnosis; earlier reports stay untouched
        if partial.exists():
            partial.replace(failed)
        raise
    partial.replace(out_nb)
    failed.unlink(missing_ok=True)
    return out_nb, out_html


def _summaries(
    sli: pd.DataFrame | None, catalog: Catalog, services: Iterable[str], month: str
) -> dict[str, str]:
    """``service -> "2 of 3 met (missed: latency)"`` for the index; empty where it cannot be computed."""
    from .compliance import monthly_attainment

    out: dict[str, str] = {}
    if sli is None:
        return out
    for s in services:
        try:
            table = monthly_attainment(sli, catalog, service=s, month=month)
        except SLMError:
            continue
        met = table["met"].fillna(False).astype(bool)
        text = f"{int(met.sum())} of {len(table)} met"
        missed = table.loc[~met & ~table["no_data"], "slo"].tolist()
        nodata = table.loc[table["no_data"], "slo"].tolist()
        if missed:
            text += f"; missed: {', '.join(missed)}"
        if nodata:
            text += f"; no data: {', '.join(nodata)}"
        header = service_header(catalog, service=s, month=month, sli=sli)
        if not header.complete:
            text += f"; incomplete month: no data for {header.missing()}"
        out[s] = text
    return out


def _write_index(run: ReviewRun, catalog: Catalog | None, summaries: Mapping[str, str]) -> None:
    esc = html.escape
    services = {s.name: s for s in catalog.services} if catalog is not None else {}
    this_run = {r.service: r for r in run.reports}
    earlier = sorted(p.stem for p in run.folder.glob("*.html")
                     if p.name != "index.html" and p.stem not in this_run)
    known = [n for n in services if n in this_run or n in earlier]  # catalog order first
    rows = []
    for name in [*known, *(n for n in [*this_run, *earlier] if n not in services)]:
        r = this_run.get(name)
        s = services.get(name)
        summary = summaries.get(name, "")
        summary_class = "missed" if "missed" in summary or "incomplete" in summary else ""
        html_file = run.folder / f"{name}.html"
        links = []
        if html_file.exists():
            links.append(f"<a href='{esc(html_file.name)}'>report</a>")
            links.append(f"<a href='{esc(name)}.ipynb'>notebook</a>")
        if r is not None and r.status == "failed" and r.notebook is not None:
            links.append(f"<a href='{esc(r.notebook.name)}'>failed notebook</a>")
        if r is None:
            status = "<span class='earlier'>from an earlier run</span>"
        elif r.status == "ok":
            status = "<span class='ok'>ok</span>"
        else:
            kept = " (earlier report kept)" if html_file.exists() else ""
            status = f"<span class='failed'>failed{kept}</span><br><small>{esc(r.error or '')}</small>"
        rows.append(
            "<tr>"
            f"<td>{esc(name)}</td>"
            f"<td>{esc(s.owner) if s else ''}</td>"
            f"<td>{s.tier if s else ''}</td>"
            f"<td class='{summary_class}'>{esc(summary)}</td>"
            f"<td>{status}</td>"
            f"<td>{' · '.join(links)}</td>"
            "</tr>"
        )
    title = f"Service reviews: {pd.Period(run.month, freq='M'):%B %Y}"
    n_failed = len(run.failed)
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1100px;
         margin: 2em auto; color: #222; }}
  table {{ border-collapse: collapse; width: 100%; }}
  th, td {{ text-align: left; padding: 6px 10px; border-bottom: 1px solid #ddd; vertical-align: top; }}
  th {{ background: #f4f4f4; }}
  .ok {{ color: #2e7d32; font-weight: bold; }}
  .failed {{ color: #c0392b; font-weight: bold; }}
  .earlier {{ color: #777; }}
  .missed {{ color: #c0392b; }}
  small {{ color: #555; }}
</style>
</head>
<body>
<h1>{esc(title)}</h1>
<p>Monthly service review: did each SLO meet its target in {esc(run.month)}? Months are cut in each
service's time zone. {len(run.reports) - n_failed} of {len(run.reports)} reviews of this run succeeded.
Generated {generated}.</p>
<table>
<thead><tr><th>Service</th><th>Owner</th><th>Tier</th><th>SLOs</th><th>Status</th><th>Files</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
    _write_atomic(run.index, text)


def run_review(
    *,
    data_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    month: str | None = None,
    services: Sequence[str] | None = None,
    notebook: str | os.PathLike[str] | None = None,
    kernel_name: str | None = None,
    timeout: float = 600,
    progress: Callable[[ServiceReport], None] | None = None,
) -> ReviewRun:
    """Run the monthly service review: one executed notebook and one HTML report per service, and an index.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder laid out like ``datasets/``; ``None`` or ``""`` for the bundled sample data.
    out_dir : str or Path
        Reports go to ``<out_dir>/<month>/``.
    month : str, optional
        ``"YYYY-MM"``; ``None`` or ``"latest"`` for :func:`latest_complete_month` of the SLI data (UTC).
    services : sequence of str, optional
        Services to review; ``None`` for every service of the catalog. An unknown name is reported as a
        failed service.
    notebook : str or Path, optional
        The review notebook; default ``notebooks/reports/service-review.ipynb`` of the project.
    kernel_name : str, optional
        Jupyter kernel; default ``python3`` of this environment (checked to run this interpreter).
    timeout : float
        Seconds a notebook cell may run before the service is failed.
    progress : callable, optional
        Called with each :class:`ServiceReport` as soon as the service is done (the CLI prints it).

    Returns
    -------
    ReviewRun
        Per service: status, paths, error; ``.ok`` and ``.to_frame()``.

    Raises
    ------
    ParameterError
        Bad ``month``, empty ``services``, missing notebook or ``data_dir``, unsuitable kernel.
    InsufficientDataError
        If ``month`` is not given and the data holds no complete month.
    DataError, DefinitionError
        If the catalog or the SLI data cannot be read.

    Notes
    -----
    Services run one after the other, each in a fresh kernel (a few seconds each). A service's failure
    (notebook error, timeout, conversion error) is recorded and the others still run; its files are
    written under temporary names and renamed only when complete, so an earlier report stays in place.

    Examples
    --------
    >>> run = run_review(out_dir="reports", services=["checkout"])  # doctest: +SKIP
    >>> run.to_frame()[["service", "status"]]  # doctest: +SKIP
        service status
    0  checkout     ok
    """
    nb_path = Path(notebook) if notebook is not None else _default_notebook()
    if not nb_path.is_file():
        msg = (f"review notebook {str(nb_path)!r} not found; pass notebook= "
               f"(the project's is {DEFAULT_NOTEBOOK} in the repository)")
        raise ParameterError(msg)
    data = ""
    if data_dir is not None and str(data_dir) != "":
        if not Path(data_dir).is_dir():
            msg = f"data_dir {str(data_dir)!r} is not a folder; expected a folder laid out like datasets/"
            raise ParameterError(msg)
        data = str(Path(data_dir).resolve())
    kernel = kernel_name or "python3"
    if kernel_name is None:
        _check_kernel(kernel)
    latest = month is None or month == "latest"
    if not latest and (not isinstance(month, str) or not _MONTH.match(month)):
        msg = f"month {month!r} is not a calendar month; expected 'YYYY-MM' such as '2026-10' or 'latest'"
        raise ParameterError(msg)
    catalog = _read("catalog", data)
    sli = None
    if latest:
        sli = _read("sli_5min", data)
        month = latest_complete_month(sli)
    names = [s.name for s in catalog.services]
    if services is None:
        todo = names
    else:
        if isinstance(services, str):
            services = [services]
        todo = list(dict.fromkeys(services))
        if not todo:
            msg = "services is empty; give at least one service name, or None for every catalog service"
            raise ParameterError(msg)
    folder = Path(out_dir) / month
    folder.mkdir(parents=True, exist_ok=True)

    def review(service: str) -> ServiceReport:
        t0 = time.perf_counter()
        try:
            if service not in names:
                msg = f"unknown service {service!r}; the catalog has {', '.join(names)}"
                raise ParameterError(msg)
            nb_out, html_out = _review_one(service=service, month=month, data_dir=data, folder=folder,
                                           notebook=nb_path, kernel_name=kernel, exporter=_html_exporter(),
                                           timeout=timeout)
            return ServiceReport(service, "ok", nb_out, html_out, None, time.perf_counter() - t0)
        except Exception as exc:  # keep the other services going; the error is reported per service
            failed_nb = folder / f"{service}.failed.ipynb"
            return ServiceReport(service, "failed", failed_nb if failed_nb.exists() else None, None,
                                 _error_text(exc), time.perf_counter() - t0)

    done: dict[str, ServiceReport] = {}
    for service in todo:  # one after another: kernels are CPU-bound, and 2 CPUs gained little in parallel
        done[service] = review(service)
        if progress is not None:
            progress(done[service])
    reports = [done[service] for service in todo]
    run = ReviewRun(month=month, folder=folder, index=folder / "index.html", reports=tuple(reports))
    if sli is None:
        try:
            sli = _read("sli_5min", data)
        except SLMError:
            sli = None
    reviewed = [r.service for r in reports if r.service in names]
    _write_index(run, catalog, _summaries(sli, catalog, reviewed, month))
    return run


# ------------------------------------------------------------------------------------ parameter files

_RUN_KEYS = ("data_dir", "out_dir", "month", "services")


def read_run_parameters(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a review parameter file (``parameters/monthly-review.yaml``) into :func:`run_review` arguments.

    Parameters
    ----------
    path : str or Path
        YAML mapping with any of ``data_dir`` (``""`` for the bundled data), ``out_dir``, ``month``
        (``YYYY-MM`` or ``latest``) and ``services`` (``all`` or a list of names). Relative folders are
        relative to the working directory, as on the command line.

    Returns
    -------
    dict
        The keys present, normalised: ``month`` ``None`` for ``latest``, ``services`` ``None`` for ``all``,
        ``data_dir`` ``None`` for ``""``.

    Raises
    ------
    ParameterError
        If the file cannot be read or parsed, is not a mapping, or has an unknown key or a bad value; the
        message names the file and the key.

    Examples
    --------
    >>> from pathlib import Path
    >>> root = Path(__file__).resolve().parent.parent
    >>> read_run_parameters(root / "parameters" / "monthly-review.yaml")
    {'data_dir': None, 'out_dir': 'reports', 'month': None, 'services': None}
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read parameter file: {exc.strerror or exc}"
        raise ParameterError(msg) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{path}:{where}: not valid YAML: {problem}"
        raise ParameterError(msg) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping of {', '.join(_RUN_KEYS)}, found {type(data).__name__}"
        raise ParameterError(msg)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _RUN_KEYS:
            msg = f"{path}: unknown key {key!r}; allowed: {', '.join(_RUN_KEYS)}"
            raise ParameterError(msg)
        where = f"{path}: key {key!r}"
        if key in ("data_dir", "out_dir"):
            if value is None or not isinstance(value, str) or (key == "out_dir" and not value):
                allowed = "a folder path" + (", or \"\" for the bundled data" if key == "data_dir" else "")
                msg = f"{where}: {value!r} is not {allowed}"
                raise ParameterError(msg)
            out[key] = value or None
        elif key == "month":
            if not isinstance(value, str) or not (value == "latest" or _MONTH.match(value)):
                msg = f"{where}: {value!r} is not a month; expected 'YYYY-MM' (quoted) or 'latest'"
                raise ParameterError(msg)
            out[key] = None if value == "latest" else value
        else:
            if value == "all":
                out[key] = None
            elif (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
                out[key] = value
            else:
                msg = f"{where}: {value!r} is not 'all' or a non-empty list of service names"
                raise ParameterError(msg)
    return out
