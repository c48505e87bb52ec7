"""Reading a data folder for a notebook: the review's and the risk forecast's inputs.

A data folder is laid out like ``datasets/`` (``catalog.yaml``, ``sli_5min.parquet``, ``incidents.csv``,
``maintenance.csv``); ``""`` or ``None`` stands for the bundled sample data. :func:`load_inputs` reads what a
service review needs, :func:`load_risk_inputs` what the risk-forecast notebook needs, cut at its ``as_of``.
:func:`bucket_span` is the one definition of the time span bucket data covers (first bucket start to last
bucket end, the bucket width being the smallest gap), used for the latest complete month, the end of the
risk inputs and a month's data coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._checks import infer_step
from ..errors import InsufficientDataError, ParameterError
from .formats import definition_table
from .parameters import as_of_time

if TYPE_CHECKING:
    from ..catalog import Catalog
    from .parameters import ExplorerParameters, ReviewParameters, RiskParameters

__all__ = [
    "ReviewInputs",
    "RiskInputs",
    "bucket_span",
    "latest_complete_month",
    "load_explorer_inputs",
    "load_inputs",
    "load_risk_inputs",
    "read_input",
    "review_span",
    "risk_inputs_at",
]


def read_input(name: str, data_dir: str | Path | None) -> Any:
    """Read a dataset from ``data_dir`` (``None`` or ``""``: the bundled datasets).

    Within a review run the file is read and checked once, by the first notebook that needs it, and the
    others load that result (:func:`~slm_analytics.review.shared.shared`).
    """
    from ..data import read_dataset
    from .shared import shared

    return shared("input", (name, str(data_dir or "")), lambda: read_dataset(name, data_dir=data_dir or None))


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
        Planned maintenance windows (``service, start, end, reason``): the maintenance file's windows and
        the catalog's recurring ones (``Service.maintenance``), recurring windows expanded over the period
        the review can look at (:func:`review_span`).
    data_dir : str
        Where they were read from (``""``: bundled sample data).
    requirements : DataFrame or None
        The users' requirements (``requirements.csv``), or None when the data folder has none.
    register : DataFrame or None
        The Service Improvement Plan register (``sip_register.csv``), or None when the folder has none.
    """

    catalog: Catalog
    sli: pd.DataFrame
    incidents: pd.DataFrame
    maintenance: pd.DataFrame
    data_dir: str = ""
    requirements: pd.DataFrame | None = None
    register: pd.DataFrame | None = None

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
        Validated parameters (:func:`~slm_analytics.review.validate_parameters`).

    Returns
    -------
    ReviewInputs

    Raises
    ------
    ParameterError
        If ``params.service`` is not a service of the catalog.
    DataError, DefinitionError
        If a data file or the catalog is invalid (a recurring maintenance window included).
    """
    catalog = read_input("catalog", params.data_dir)
    names = [s.name for s in catalog.services]
    if params.service not in names:
        msg = (f"review parameter 'service': unknown service {params.service!r}; "
               f"the catalog has {', '.join(names)}")
        raise ParameterError(msg)
    sli = read_input("sli_5min", params.data_dir)
    start, end = review_span(sli, catalog, service=params.service, month=params.period)
    return _folder_inputs(catalog, sli, params.data_dir, start, end)


def _folder_inputs(catalog: Catalog, sli: pd.DataFrame, data_dir: str, start: pd.Timestamp,
                   end: pd.Timestamp) -> ReviewInputs:
    """Read the rest of the folder: incidents, maintenance, the optional requirements and SIP register.

    Recurring maintenance windows are expanded over ``[start, end)``.
    """
    from ..data import dataset_path, read_maintenance
    from ..windows import maintenance_windows

    maintenance = read_maintenance(dataset_path("maintenance", data_dir=data_dir or None),
                                   catalog=catalog, start=start, end=end)
    recurring = maintenance_windows(catalog, start=start, end=end)
    if len(recurring):
        maintenance = pd.concat([maintenance, recurring], ignore_index=True).sort_values(
            "start", kind="stable").reset_index(drop=True)
    optional = {name: read_input(name, data_dir)
                if dataset_path(name, data_dir=data_dir or None).exists() else None
                for name in ("requirements", "sip_register")}
    return ReviewInputs(catalog=catalog, sli=sli, incidents=read_input("incidents", data_dir),
                        maintenance=maintenance, data_dir=data_dir,
                        requirements=optional["requirements"], register=optional["sip_register"])


def load_explorer_inputs(params: ExplorerParameters) -> ReviewInputs:
    """Read everything a data folder holds for the interactive notebooks, over the whole span of its data.

    Parameters
    ----------
    params : ExplorerParameters
        Validated parameters (:func:`~slm_analytics.review.validate_explorer_parameters`).

    Returns
    -------
    ReviewInputs
        The catalog, the SLI data, the incidents, the planned maintenance (the file's windows and the
        catalog's recurring ones, expanded over the SLI data's span), and the requirements and SIP register
        when the folder has them.

    Raises
    ------
    DataError, DefinitionError
        If a data file or the catalog is invalid.
    """
    catalog = read_input("catalog", params.data_dir)
    sli = read_input("sli_5min", params.data_dir)
    start, end, _ = bucket_span(sli["timestamp"], "the SLI data")
    return _folder_inputs(catalog, sli, params.data_dir, start, end)


def review_span(sli: pd.DataFrame, catalog: Catalog, *, service: str, month: str
                ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the period a review can look at: the SLI data's span and the month reviewed, together (UTC).

    Recurring maintenance windows are expanded over it: the data's span covers every exclusion of the
    bucket data (burn-rate replays, SLAs, budgets), the month covers the incident availability of the
    month, data or not.

    Parameters
    ----------
    sli : DataFrame
        SLI buckets with a timezone-aware ``timestamp`` column.
    catalog : Catalog
        The catalog (the service's time zone cuts the month).
    service : str
        The service reviewed.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    tuple of Timestamp
        ``(start, end)``: from the earlier of the first bucket and the month's start to the later of the end
        of the last bucket (:func:`bucket_span`) and the month's end.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> review_span(read_dataset("sli_5min"), read_dataset("catalog"), service="checkout", month="2026-10")
    (Timestamp('2025-11-01 00:00:00+0000', tz='UTC'), Timestamp('2026-11-01 00:00:00+0000', tz='UTC'))
    """
    from .month import month_bounds

    start, end = month_bounds(month, tz=catalog.service(service).timezone)
    times = sli["timestamp"]
    if times.nunique() >= 2:
        first, last, _ = bucket_span(times, "the SLI data")
        start, end = min(start, first), max(end, last)
    elif len(times):
        start, end = min(start, times.min()), max(end, times.max())
    return start.tz_convert("UTC"), end.tz_convert("UTC")


def bucket_span(times: pd.Series, what: str, *, single: pd.Timedelta | None = None
                 ) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timedelta]:
    """``(start, end, step)``: bucket start times span ``[first, last + step)``, the step as ``infer_step``.

    With one distinct time the step is ``single`` if given; otherwise (and with none) the span is unknown.
    """
    ts = pd.DatetimeIndex(times.unique()).sort_values()
    if len(ts) < 2 and not (len(ts) == 1 and single is not None):
        msg = f"{len(ts)} distinct timestamp(s) in {what}: need at least two to know the bucket width"
        raise InsufficientDataError(msg)
    step = single if len(ts) == 1 else infer_step(ts)
    return ts[0], ts[-1] + step, step


def latest_complete_month(sli: pd.DataFrame, *, timestamp: str = "timestamp", tz: str = "UTC") -> str:
    """Return the last calendar month fully covered by the data.

    The data covers ``[first bucket start, last bucket start + bucket width)`` (:func:`bucket_span`). The
    latest complete month is the month before the one holding the end of that span, provided the data
    starts on or before its first day: :func:`~slm_analytics.review.period.last_complete_period` of the
    span, which also judges quarters and is what a review's ``last-complete-month`` resolves through, per
    service in its own time zone (:func:`~slm_analytics.review.period.resolve_period`).

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
    from .period import last_complete_period

    first, end, _ = bucket_span(sli[timestamp], repr(timestamp))
    return last_complete_period(first, end, kind="month", tz=tz).label


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
        return definition_table(self._rows())


def load_risk_inputs(params: RiskParameters) -> RiskInputs:
    """Read the catalog and the SLI data for the risk-forecast notebook, cut at ``as_of``.

    Parameters
    ----------
    params : RiskParameters
        Validated parameters (:func:`~slm_analytics.review.validate_risk_parameters`).

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
    >>> from slm_analytics.review import validate_risk_parameters
    >>> inputs = load_risk_inputs(validate_risk_parameters(as_of="2026-07-01"))
    >>> inputs.as_of, inputs.daily["timestamp"].max()
    (Timestamp('2026-07-01 00:00:00+0000', tz='UTC'), Timestamp('2026-06-30 00:00:00+0000', tz='UTC'))
    """
    catalog = read_input("catalog", params.data_dir)
    sli = read_input("sli_5min", params.data_dir)
    return risk_inputs_at(catalog, sli, params.as_of, data_dir=params.data_dir)


def risk_inputs_at(catalog: Catalog, sli: pd.DataFrame, as_of: str | pd.Timestamp,
                   *, data_dir: str = "") -> RiskInputs:
    """Cut SLI data at ``as_of`` into risk inputs: the cut of :func:`load_risk_inputs` and the explorer.

    Parameters
    ----------
    catalog : Catalog
        Services and SLOs.
    sli : DataFrame
        SLI event counts per bucket (``sli_5min``): ``service``, ``slo``, ``timestamp``, ``good``, ``total``.
    as_of : str or Timestamp
        ``""`` for the end of the data, else a time as :class:`~slm_analytics.review.RiskParameters` takes it
        (a date ``"YYYY-MM-DD"``, midnight UTC, or a timezone-aware time) or a timezone-aware Timestamp. The
        buckets starting at or after it are dropped.
    data_dir : str
        Where the data was read from (kept for the reader).

    Returns
    -------
    RiskInputs

    Raises
    ------
    ParameterError
        If ``as_of`` is after the end of the data, or at or before its start.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    >>> risk_inputs_at(catalog, sli, "2026-07-01").sli["timestamp"].max()
    Timestamp('2026-06-30 23:55:00+0000', tz='UTC')
    """
    from ..sli import ratio_sli

    start, end, step = bucket_span(sli["timestamp"], "the SLI data")
    start, end = start.tz_convert("UTC"), end.tz_convert("UTC")
    if isinstance(as_of, pd.Timestamp) or as_of.strip():
        when = as_of.tz_convert("UTC") if isinstance(as_of, pd.Timestamp) else as_of_time(as_of)
        if when > end or when <= start:
            msg = (f"risk-forecast parameter 'as_of': {when:%Y-%m-%d %H:%M} UTC is outside the data "
                   f"({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC); give a time within it or '' for "
                   "its end")
            raise ParameterError(msg)
        sli = sli[(sli["timestamp"] < when).to_numpy()]
        kept = pd.DatetimeIndex(sli["timestamp"].unique())
        end = (kept.max() + step).tz_convert("UTC")
    return RiskInputs(catalog=catalog, sli=sli, daily=ratio_sli(sli, freq="1D"), as_of=end.as_unit("us"),
                      start=start.as_unit("us"), data_dir=data_dir)
