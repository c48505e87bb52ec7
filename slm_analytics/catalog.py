"""Service catalog: services, SLOs, SLAs, business-hours schedules and alert policies.

Definitions are pydantic models (frozen, unknown keys forbidden). A :class:`Catalog` holds them in file
order and checks cross-references (an SLO of an unknown service is an error naming both). The YAML
format is ours; SLOs use OpenSLO v1 vocabulary (``target``, ``timeWindow``, ``budgetingMethod``) so that
:mod:`slm_analytics.openslo` reads and writes them as OpenSLO v1 documents.

Windows are either rolling durations (``"28d"``, ``"7d"``, ``"12h"``, ``"5m"``) or calendar periods
(``"week"``, ``"month"``, ``"quarter"``) in the service's time zone.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import DefinitionError, SLMError, shorten

__all__ = [
    "SLA",
    "SLO",
    "AlertPolicy",
    "AlertRule",
    "BusinessHours",
    "Catalog",
    "CreditTier",
    "RatioIndicator",
    "RecurringWindow",
    "Schedule",
    "Service",
    "ThresholdIndicator",
    "load_catalog",
    "line_of",
    "parse_window",
    "read_yaml",
    "save_catalog",
]

_NAME = r"^[a-z0-9][a-z0-9-]*$"
_ROLLING = re.compile(r"^(\d+)(s|m|h|d|w)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
CALENDAR_PERIODS = ("week", "month", "quarter")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_window(window: str) -> dt.timedelta | str:
    """Parse a window: a rolling duration to a ``timedelta``, a calendar period to its name.

    Parameters
    ----------
    window : str
        ``"<n><unit>"`` with unit ``s``, ``m``, ``h``, ``d`` or ``w`` (rolling), or one of ``"week"``,
        ``"month"``, ``"quarter"`` (calendar).

    Returns
    -------
    datetime.timedelta or str
        The duration of a rolling window, or the calendar period's name.

    Raises
    ------
    DefinitionError
        If the window is neither form, or is zero.

    Examples
    --------
    >>> parse_window("28d")
    datetime.timedelta(days=28)
    >>> parse_window("month")
    'month'
    """
    if not isinstance(window, str):
        msg = f"window {window!r} must be a string such as '28d', '1h' or 'month'"
        raise DefinitionError(msg)
    if window in CALENDAR_PERIODS:
        return window
    m = _ROLLING.match(window)
    if not m or int(m.group(1)) == 0:
        hint = _window_hint(window)
        msg = (
            f"unparsable window {window!r}: expected a positive duration '<n><unit>' with unit "
            f"s, m, h, d or w (e.g. '28d', '5m') or a calendar period {', '.join(CALENDAR_PERIODS)}"
            + (f"; did you mean {hint}?" if hint else "")
        )
        raise DefinitionError(msg)
    return dt.timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2)])


#: units as pandas and people write them -> the OpenSLO unit (``30D`` -> ``30d``, ``1min`` -> ``1m``)
_UNIT_SPELLINGS = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "m", "t": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "week": "w", "weeks": "w",
}
_SPELLED = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)\s*$")


def _window_hint(window: str) -> str:
    """Return the OpenSLO spelling of a window written the pandas way or in words, quoted, or ``""``."""
    m = _SPELLED.match(window)
    if not m or int(m.group(1)) == 0:
        return ""
    n, unit = int(m.group(1)), m.group(2).lower()
    if unit in ("month", "months", "quarter", "quarters") and n == 1:
        period = unit.rstrip("s")
        return f"{period!r} (the calendar {period}) or '{30 if period == 'month' else 90}d' (rolling)"
    return f"'{n}{_UNIT_SPELLINGS[unit]}'" if unit in _UNIT_SPELLINGS else ""


def _check_window(value: str) -> str:
    try:
        parse_window(value)
    except DefinitionError as exc:
        raise ValueError(str(exc)) from None
    return value


def _check_rolling(value: str) -> str:
    if value in CALENDAR_PERIODS:
        msg = f"window {value!r} must be a duration such as '1m', '5m', '1h' or '28d', not a calendar period"
        raise ValueError(msg)
    return _check_window(value)


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        msg = (
            f"unknown time zone {value!r}: expected an IANA name such as 'UTC', 'Europe/London', "
            "'Asia/Seoul'"
        )
        raise ValueError(msg) from None
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class BusinessHours(_Model):
    """One block of business hours: the same opening hours on a set of weekdays.

    Attributes
    ----------
    days : list of str
        Weekdays, ``mon`` ... ``sun``.
    start, end : str
        Opening and closing time, ``HH:MM`` in the schedule's time zone; ``end`` may be ``24:00``.
    """

    days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = Field(min_length=1)
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        m = re.match(r"^([01]\d|2[0-4]):([0-5]\d)$", value)
        if not m or (m.group(1) == "24" and m.group(2) != "00"):
            msg = f"time {value!r} must be 'HH:MM' between 00:00 and 24:00"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if self.start >= self.end:
            msg = f"opening hours {self.start}-{self.end}: start must be before end"
            raise ValueError(msg)
        return self


class Schedule(_Model):
    """A business-hours schedule with holidays, as ServiceNow SLA schedules define them.

    Attributes
    ----------
    name : str
        Identifier referenced by services and SLAs.
    timezone : str
        IANA time zone the hours are expressed in.
    hours : list of BusinessHours
        Opening hours; blocks on the same day must not overlap.
    holidays : list of date
        Whole days on which the service is not in business hours.
    """

    name: str = Field(pattern=_NAME)
    timezone: str
    hours: tuple[BusinessHours, ...] = Field(min_length=1)
    holidays: tuple[dt.date, ...] = ()
    description: str = ""

    _tz = field_validator("timezone")(_check_timezone)

    @model_validator(mode="after")
    def _no_overlap(self) -> Schedule:
        for day in _DAYS:
            blocks = sorted((b.start, b.end) for b in self.hours if day in b.days)
            for (s1, e1), (s2, e2) in zip(blocks, blocks[1:], strict=False):
                if s2 < e1:
                    msg = f"schedule {self.name!r}: overlapping hours on {day}: {s1}-{e1} and {s2}-{e2}"
                    raise ValueError(msg)
        return self


class RecurringWindow(_Model):
    """A recurring maintenance window of a service: "every Sunday 02:00-03:00 Europe/London".

    Expanded to windows for any period by :func:`~slm_analytics.windows.maintenance_windows` (the review
    does so for the period it reviews), which excludes them like the maintenance file's windows.

    Attributes
    ----------
    rrule : str
        RFC 5545 recurrence rule, e.g. ``FREQ=WEEKLY;BYDAY=SU`` (python-dateutil's ``rrulestr`` syntax; may
        carry ``COUNT``/``UNTIL``, ``EXDATE`` lines, or a ``DTSTART`` line instead of ``start``).
    duration : str
        Length of each occurrence, an OpenSLO duration (``"1h"``, ``"90m"``); elapsed time.
    start : datetime or None
        DTSTART, the first occurrence's start: its time of day is the windows' (local) time of day. Naive
        times are wall-clock time in ``timezone``. Required unless ``rrule`` has a ``DTSTART`` line.
    end : datetime or None
        When the recurrence stops (RFC 5545 ``UNTIL``: the last occurrence starts at or before it), for a
        rule without ``COUNT`` or ``UNTIL``; ``None`` (and no ``COUNT``/``UNTIL``): it never stops.
    timezone : str or None
        IANA time zone of the wall clock the windows recur in; ``None``: the service's.
    reason : str
        What the window is for.

    Notes
    -----
    The rule is checked when the catalog is loaded, in ``timezone`` (UTC when it is ``None``; the
    service's time zone applies when the windows are listed). Occurrences keep their local time across
    daylight-saving changes; see :func:`~slm_analytics.windows.parse_recurrence` for gaps and folds.
    """

    rrule: str = Field(min_length=1)
    duration: str
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    timezone: str | None = None
    reason: str = ""

    _duration = field_validator("duration")(_check_rolling)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)

    @model_validator(mode="after")
    def _rule(self) -> RecurringWindow:
        from .windows import parse_recurrence  # imported late: windows imports this module

        try:
            rec = parse_recurrence(self.rrule, duration=self.duration, tz=self.timezone or "UTC",
                                   dtstart=self.start)
            if self.end is not None:
                rec.until(self.end)
        except SLMError as exc:
            raise ValueError(str(exc)) from None
        return self


class Service(_Model):
    """A service in the catalog.

    Attributes
    ----------
    name : str
        Identifier (lower case, digits and dashes), as used in the data's ``service`` column.
    description, owner : str
        What the service does and the team accountable for it.
    tier : int
        Criticality, 1 (most critical) to 3.
    users : int
        Number of users (or customers) served; used with ``business_weight`` to weigh priorities.
    business_weight : float
        Relative business importance (> 0).
    timezone : str
        IANA time zone of the service's customers: calendar windows and SLA periods are cut in it.
    schedule : str or None
        Name of the business-hours schedule, for services measured only in business hours.
    customer_facing : bool
        Whether external customers use the service (and so may hold an SLA).
    display_name : str
        Name shown to people when it differs from ``name`` (e.g. the name an OpenSLO file gave, ``"Payment
        Gateway"``, when ``name`` is its identifier ``payment-gateway``).
    maintenance : list of RecurringWindow
        Recurring planned maintenance (``maintenance:`` in the YAML), excluded like the maintenance file's
        windows.
    """

    name: str = Field(pattern=_NAME)
    display_name: str = ""
    description: str = ""
    owner: str
    tier: int = Field(ge=1, le=3)
    users: int = Field(ge=0)
    business_weight: float = Field(gt=0)
    timezone: str = "UTC"
    schedule: str | None = None
    customer_facing: bool = True
    maintenance: tuple[RecurringWindow, ...] = ()

    _tz = field_validator("timezone")(_check_timezone)


#: a metric: its query text (e.g. PromQL), or the metric source's ``spec`` mapping as written (OpenSLO leaves
#: the spec free-form per data source: CloudWatch, Datadog, BigQuery... may have no ``query`` field)
Query = str | dict[str, Any]


class _Source(_Model):
    """Where an indicator's metrics come from (OpenSLO ``metricSource``)."""

    source: str = "prometheus"
    source_ref: str | None = None
    name: str | None = None
    display_name: str = ""


class RatioIndicator(_Source):
    """Ratio SLI: good events over total events (OpenSLO ``ratioMetric``).

    The SLI data (``good``, ``total`` per bucket) are what the workbench computes on; the queries document
    where they come from and round-trip through OpenSLO.

    Attributes
    ----------
    good, bad, total : str or dict or None
        The queries counting good, bad and all events: give ``good`` or ``bad``, and ``total``
        (a query string, or the metric source's spec as a mapping).
    raw : str or dict or None
        Alternatively, one query returning the ratio itself (OpenSLO ``raw``) with ``raw_type``.
    raw_type : {"success", "failure"} or None
        Whether ``raw`` is the good ratio or the bad ratio.
    counter : bool
        Whether the queries return monotonic counters (OpenSLO ``counter``).
    source : str
        The metric source type (``prometheus``, ``datadog``...).
    source_ref : str or None
        The OpenSLO ``DataSource`` the metrics come from (``metricSourceRef``), when named.
    name, display_name : str
        The OpenSLO SLI's ``metadata.name`` and ``displayName``, when it had them.
    """

    kind: Literal["ratio"]
    good: Query | None = None
    bad: Query | None = None
    total: Query | None = None
    raw: Query | None = None
    raw_type: Literal["success", "failure"] | None = None
    counter: bool = True

    @model_validator(mode="after")
    def _shape(self) -> RatioIndicator:
        if self.raw is not None:
            if self.good is not None or self.bad is not None or self.total is not None:
                msg = "a ratio indicator has either raw (with raw_type) or good/bad and total, not both"
                raise ValueError(msg)
            if self.raw_type is None:
                msg = "a raw ratio needs raw_type: 'success' (the good ratio) or 'failure' (the bad ratio)"
                raise ValueError(msg)
            return self
        if self.raw_type is not None:
            msg = "raw_type applies only to a raw ratio"
            raise ValueError(msg)
        if self.total is None or (self.good is None) == (self.bad is None):
            msg = "a ratio indicator needs total and exactly one of good and bad (or raw with raw_type)"
            raise ValueError(msg)
        return self


class ThresholdIndicator(_Source):
    """Threshold SLI: share of events whose value passes a threshold (OpenSLO ``thresholdMetric``).

    Attributes
    ----------
    metric : str or dict or None
        The query of the measured value (e.g. a latency histogram), or the metric source's spec mapping.
    op : {"lte", "lt", "gte", "gt"}
        Comparison defining a good event (``value <op> threshold``).
    threshold : float
        The threshold, in ``unit``.
    unit : {"s", "ms"} or None
        Unit of the threshold; ``None`` when the definition does not say (OpenSLO has no unit field).
    source, source_ref, name, display_name
        As for :class:`RatioIndicator`.
    """

    kind: Literal["threshold"]
    metric: Query | None = None
    op: Literal["lte", "lt", "gte", "gt"] = "lte"
    threshold: float = Field(allow_inf_nan=False)
    unit: Literal["s", "ms"] | None = "s"


Indicator = Annotated[RatioIndicator | ThresholdIndicator, Field(discriminator="kind")]


class SLO(_Model):
    """A service level objective (OpenSLO vocabulary).

    Attributes
    ----------
    service, name : str
        The service it belongs to and the SLO's name, unique within the service.
    indicator : RatioIndicator or ThresholdIndicator
        How the SLI is measured.
    target : float
        Objective, strictly between 0 and 1 (``0.999`` for 99.9 %).
    window : str
        Compliance window: rolling (``"28d"``) or calendar (``"month"``).
    budgeting_method : {"Occurrences", "Timeslices", "RatioTimeslices"}
        OpenSLO budgeting method.
    timeslice_target : float or None
        For time-slice methods: the ratio a slice must reach to be good.
    timeslice_window : str or None
        For time-slice methods: the slice length (``"1m"``, ``"5m"``).
    alert_policy : str or None
        Name of the catalog's alert policy used for burn-rate alerting.
    timezone : str or None
        IANA time zone cutting the SLO's days and calendar periods. In a :class:`Catalog` it is always its
        service's (filled in when not given; a different one is refused, since a service's days and months
        are cut in one zone), so functions given the SLO need no ``tz=`` or ``catalog=``.
    display_name : str
        Name shown to people (OpenSLO ``displayName``).
    objective_name : str
        For an objective of an OpenSLO SLO with several objectives: the objective's ``displayName``.
    objective_of : str or None
        For an objective of an OpenSLO SLO with several objectives: that SLO's name. Its objectives share
        one indicator, so the SLI data may hold one series under this name for all of them (read
        :func:`~slm_analytics.data.read_sli` with the catalog to give each objective its rows).
    """

    service: str
    name: str = Field(pattern=_NAME)
    display_name: str = ""
    objective_name: str = ""
    objective_of: str | None = Field(default=None, pattern=_NAME)
    description: str = ""
    indicator: Indicator
    target: float
    window: str
    budgeting_method: Literal["Occurrences", "Timeslices", "RatioTimeslices"] = "Occurrences"
    timeslice_target: float | None = None
    timeslice_window: str | None = None
    alert_policy: str | None = None
    timezone: str | None = None

    _window = field_validator("window")(_check_window)
    _tz = field_validator("timezone")(_check_timezone)

    @field_validator("target", "timeslice_target")
    @classmethod
    def _open_unit(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value < 1:
            msg = f"target {value!r} is outside (0, 1): write 99.9 % as 0.999"
            raise ValueError(msg)
        return value

    @field_validator("timeslice_window")
    @classmethod
    def _slice(cls, value: str | None) -> str | None:
        return None if value is None else _check_rolling(value)

    @model_validator(mode="after")
    def _method(self) -> SLO:
        timeslices = self.budgeting_method in ("Timeslices", "RatioTimeslices")
        if self.budgeting_method == "Timeslices" and self.timeslice_target is None:
            msg = "budgeting_method 'Timeslices' needs a timeslice_target (the ratio a good slice must reach)"
            raise ValueError(msg)
        if timeslices and self.timeslice_window is None:
            msg = f"budgeting_method {self.budgeting_method!r} needs a timeslice_window such as '1m' or '5m'"
            raise ValueError(msg)
        if not timeslices and (self.timeslice_target is not None or self.timeslice_window is not None):
            msg = "timeslice_target/timeslice_window apply only to the Timeslices and RatioTimeslices methods"
            raise ValueError(msg)
        return self

    @property
    def is_rolling(self) -> bool:
        """Whether the window is rolling (otherwise calendar-aligned)."""
        return self.window not in CALENDAR_PERIODS

    @property
    def key(self) -> tuple[str, str]:
        """``(service, name)``, the SLO's identity in data frames."""
        return (self.service, self.name)


class CreditTier(_Model):
    """One row of an SLA's service-credit table: attainment below ``below`` earns ``credit``.

    Attributes
    ----------
    below : float
        Attainment threshold in (0, 1); the tier applies when attainment < ``below``.
    credit : float
        Share of the period's fee credited, in (0, 1].
    """

    below: float = Field(gt=0, lt=1)
    credit: float = Field(gt=0, le=1)


class SLA(_Model):
    """A service level agreement with a customer.

    Attributes
    ----------
    service, name : str
        The service and the agreement's name.
    customer : str
        Who the agreement is with.
    slo : str
        The SLO of the service whose SLI the contract measures.
    target : float
        Contractual attainment, in (0, 1); usually looser than the SLO.
    period : {"month", "quarter"}
        Measurement period, cut in the service's time zone.
    schedule : str or None
        Business-hours schedule, when the contract counts only business hours.
    exclusions : list of str
        What the contract excludes from measurement (e.g. ``maintenance``).
    credits : list of CreditTier
        Tiered service credits; lower attainment thresholds must earn strictly larger credits.
    monthly_fee : float
        Fee per period the credits are a share of (in the contract's currency).
    """

    service: str
    name: str = Field(pattern=_NAME)
    customer: str = ""
    slo: str
    target: float
    period: Literal["month", "quarter"] = "month"
    schedule: str | None = None
    exclusions: tuple[Literal["maintenance", "customer-caused", "force-majeure"], ...] = ("maintenance",)
    credits: tuple[CreditTier, ...] = ()
    monthly_fee: float = Field(default=0.0, ge=0)

    @field_validator("target")
    @classmethod
    def _open_unit(cls, value: float) -> float:
        if not 0 < value < 1:
            msg = f"target {value!r} is outside (0, 1): write 99.9 % as 0.999"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _monotone(self) -> SLA:
        tiers = sorted(self.credits, key=lambda t: -t.below)
        for hi, lo in zip(tiers, tiers[1:], strict=False):
            if hi.below == lo.below or lo.credit <= hi.credit:
                msg = (
                    f"credit table is not monotone: below {lo.below} earns {lo.credit} but below {hi.below} "
                    f"earns {hi.credit}; lower attainment must earn a strictly larger credit"
                )
                raise ValueError(msg)
        if tiers and tiers[0].below > self.target:
            msg = f"credit tier below {tiers[0].below} is above the contract target {self.target}"
            raise ValueError(msg)
        return self


class AlertRule(_Model):
    """A multi-window burn-rate rule (SRE Workbook, "Alerting on SLOs", table 5-8).

    Attributes
    ----------
    severity : {"page", "ticket"}
        What the alert does.
    long_window, short_window : str
        The two windows; the short one must be shorter.
    budget_consumed : float or None
        Share of the SLO period's error budget spent in ``long_window`` that fires the rule, in (0, 1].
    burn_rate : float or None
        Alternatively, the burn-rate factor itself (Pyrra-style policies). Exactly one of the two is given;
        ``budget_consumed = burn_rate * long_window / period``.
    """

    severity: Literal["page", "ticket"]
    long_window: str
    short_window: str
    budget_consumed: float | None = Field(default=None, gt=0, le=1)
    burn_rate: float | None = Field(default=None, gt=0)

    _windows = field_validator("long_window", "short_window")(_check_rolling)

    @model_validator(mode="after")
    def _short(self) -> AlertRule:
        if parse_window(self.short_window) >= parse_window(self.long_window):
            msg = (
                f"short window {self.short_window!r} is not shorter than long window {self.long_window!r}"
            )
            raise ValueError(msg)
        if (self.budget_consumed is None) == (self.burn_rate is None):
            msg = "give exactly one of budget_consumed (share of the budget) and burn_rate (the factor)"
            raise ValueError(msg)
        return self


class AlertPolicy(_Model):
    """A named set of multi-window burn-rate rules.

    Attributes
    ----------
    name : str
        Identifier referenced by SLOs.
    rules : list of AlertRule
        The rules.
    display_name : str
        Name shown to people when it differs from ``name``.
    """

    name: str = Field(pattern=_NAME)
    display_name: str = ""
    description: str = ""
    rules: tuple[AlertRule, ...] = Field(min_length=1)


class _AtKey(ValueError):
    """A cross-reference error located at one entry: ``loc`` is its path (``("slos", 3, "service")``)."""

    def __init__(self, msg: str, loc: tuple[Any, ...]) -> None:
        super().__init__(msg)
        self.loc = loc


def _first_repeat(keys: list[Any]) -> int | None:
    seen: set[Any] = set()
    for i, k in enumerate(keys):
        if k in seen:
            return i
        seen.add(k)
    return None


def _field(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


class Catalog(_Model):
    """All definitions, in file order, with cross-references checked.

    Attributes
    ----------
    schedules, services, slos, slas, alert_policies : list
        The definitions, as tuples in file order.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> catalog = read_dataset("catalog")
    >>> catalog.slo("checkout", "availability").target
    0.999
    """

    schedules: tuple[Schedule, ...] = ()
    services: tuple[Service, ...] = Field(min_length=1)
    slos: tuple[SLO, ...] = ()
    slas: tuple[SLA, ...] = ()
    alert_policies: tuple[AlertPolicy, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _slo_zones(cls, data: Any) -> Any:
        """Give each SLO without a time zone its service's (a service's days are cut in one zone)."""
        if not isinstance(data, dict) or not isinstance(data.get("slos"), (list, tuple)):
            return data
        zones = {_field(s, "name"): _field(s, "timezone") or "UTC" for s in data.get("services") or ()
                 if isinstance(s, (dict, Service))}
        slos = []
        for o in data["slos"]:
            zone = zones.get(_field(o, "service"))
            if zone is not None and _field(o, "timezone") is None:
                fill = {"timezone": zone}
                o = {**o, **fill} if isinstance(o, dict) else o.model_copy(update=fill)
            slos.append(o)
        return {**data, "slos": slos}

    @model_validator(mode="after")
    def _references(self) -> Catalog:
        for field, kind, keys in (
            ("schedules", "schedule", [s.name for s in self.schedules]),
            ("services", "service", [s.name for s in self.services]),
            ("slos", "SLO", [s.key for s in self.slos]),
            ("slas", "SLA", [(s.service, s.name) for s in self.slas]),
            ("alert_policies", "alert policy", [p.name for p in self.alert_policies]),
        ):
            if (i := _first_repeat(keys)) is not None:
                first = keys.index(keys[i])
                shown = "/".join(keys[i]) if isinstance(keys[i], tuple) else keys[i]
                msg = f"duplicate {kind} {shown!r} (also {field}[{first}]): names must be unique"
                raise _AtKey(msg, (field, i, "name"))
        services = {s.name: s for s in self.services}
        schedules = {s.name for s in self.schedules}
        policies = {p.name for p in self.alert_policies}
        slos = {s.key for s in self.slos}
        for i, s in enumerate(self.services):
            if s.schedule is not None and s.schedule not in schedules:
                msg = f"service {s.name!r} uses unknown schedule {s.schedule!r}; known: {sorted(schedules)}"
                raise _AtKey(msg, ("services", i, "schedule"))
        for i, o in enumerate(self.slos):
            self._check_slo(i, o, services, policies, slos)
        for i, a in enumerate(self.slas):
            if a.service not in services:
                msg = f"SLA {a.name!r} belongs to unknown service {a.service!r}; known: {sorted(services)}"
                raise _AtKey(msg, ("slas", i, "service"))
            if (a.service, a.slo) not in slos:
                msg = f"SLA {a.service}/{a.name} measures unknown SLO {a.slo!r} of service {a.service!r}"
                raise _AtKey(msg, ("slas", i, "slo"))
            if a.schedule is not None and a.schedule not in schedules:
                msg = f"SLA {a.service}/{a.name} uses unknown schedule {a.schedule!r}"
                raise _AtKey(msg, ("slas", i, "schedule"))
        return self

    @staticmethod
    def _check_slo(i: int, o: SLO, services: dict[str, Service], policies: set[str],
                   slos: set[tuple[str, str]]) -> None:
        if o.service not in services:
            msg = f"SLO {o.name!r} belongs to unknown service {o.service!r}; known: {sorted(services)}"
            raise _AtKey(msg, ("slos", i, "service"))
        if o.alert_policy is not None and o.alert_policy not in policies:
            msg = f"SLO {o.service}/{o.name} uses unknown alert policy {o.alert_policy!r}"
            raise _AtKey(msg, ("slos", i, "alert_policy"))
        zone = services[o.service].timezone
        if o.timezone != zone:
            msg = (f"SLO {o.service}/{o.name} is in time zone {o.timezone!r} but its service in {zone!r}: a "
                   "service's days and calendar periods are cut in one zone (give the service that zone)")
            raise _AtKey(msg, ("slos", i, "timezone"))
        if o.objective_of is not None and (o.service, o.objective_of) in slos:
            msg = (f"SLO {o.service}/{o.name} is an objective of {o.objective_of!r}, which is also the name "
                   "of an SLO of the service: the SLI series name would be ambiguous")
            raise _AtKey(msg, ("slos", i, "objective_of"))

    def service(self, name: str) -> Service:
        """Return the service called ``name``; raise :class:`DefinitionError` if there is none."""
        for s in self.services:
            if s.name == name:
                return s
        msg = f"unknown service {name!r}; the catalog has {[s.name for s in self.services]}"
        raise DefinitionError(msg)

    def slo(self, service: str, name: str) -> SLO:
        """Return the SLO ``name`` of ``service``; raise :class:`DefinitionError` if there is none."""
        for o in self.slos:
            if o.key == (service, name):
                return o
        known = [o.name for o in self.slos if o.service == service]
        msg = f"unknown SLO {name!r} of service {service!r}; its SLOs are {known}"
        raise DefinitionError(msg)

    def slos_of(self, service: str) -> list[SLO]:
        """Return the SLOs of ``service`` in file order."""
        self.service(service)
        return [o for o in self.slos if o.service == service]

    def schedule(self, name: str) -> Schedule:
        """Return the schedule called ``name``."""
        for s in self.schedules:
            if s.name == name:
                return s
        msg = f"unknown schedule {name!r}; the catalog has {[s.name for s in self.schedules]}"
        raise DefinitionError(msg)

    def alert_policy(self, name: str) -> AlertPolicy:
        """Return the alert policy called ``name``."""
        for p in self.alert_policies:
            if p.name == name:
                return p
        msg = f"unknown alert policy {name!r}; the catalog has {[p.name for p in self.alert_policies]}"
        raise DefinitionError(msg)


# --------------------------------------------------------------------------------------------- YAML I/O


def _yaml():
    import yaml

    return yaml


def _read_yaml_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"{path}: cannot read definition file: {exc.strerror}"
        raise DefinitionError(msg) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        bad = raw[exc.start:exc.start + 1]
        msg = (f"{path}: line {line}, column {column}: byte {bad!r} is not UTF-8 text; save the file as "
               "UTF-8 (it may be Latin-1 or Windows-1252)")
        raise DefinitionError(msg) from None


#: the most nodes a definition file may expand to through YAML aliases (a catalog of hundreds of services is
#: tens of thousands; a "billion laughs" document of a few lines expands to billions)
MAX_YAML_NODES = 1_000_000


def _expanded_size(node: Any, path: Path) -> int:
    """Count the nodes ``node`` expands to with every alias followed; refuse recursion and huge expansions."""
    sizes: dict[int, int] = {}
    busy: set[int] = set()

    def size(n: Any) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in busy:
            line = n.start_mark.line + 1
            msg = f"{path}: line {line}: a YAML alias refers to itself; definitions cannot be recursive"
            raise DefinitionError(msg)
        busy.add(key)
        children = n.value if isinstance(n.value, list) else []
        if children and isinstance(children[0], tuple):
            _no_repeated_keys(children, path)
        total = 1 + sum(size(c[0]) + size(c[1]) if isinstance(c, tuple) else size(c) for c in children)
        busy.discard(key)
        if total > MAX_YAML_NODES:
            line = n.start_mark.line + 1
            msg = (f"{path}: line {line}: YAML aliases here expand to more than {MAX_YAML_NODES:,} values "
                   "(a 'billion laughs' document?); write the definitions out instead of nesting aliases")
            raise DefinitionError(msg)
        sizes[key] = total
        return total

    return size(node)


def _no_repeated_keys(pairs: list[tuple[Any, Any]], path: Path) -> None:
    """Refuse a mapping naming a key twice (YAML loaders silently keep the last one)."""
    seen: dict[Any, int] = {}
    for k, _ in pairs:
        if not isinstance(k.value, str):
            continue
        line = k.start_mark.line + 1
        if k.value in seen:
            msg = (f"{path}: line {line}: key {shorten(k.value)} appears twice in one mapping (also line "
                   f"{seen[k.value]}); the later one would silently replace the earlier: keep one")
            raise DefinitionError(msg)
        seen[k.value] = line


def _compose(text: str, path: Path) -> list[Any]:
    """Safe-load every document of ``text`` with its node tree (for line numbers).

    Aliases are expanded only after checking the size they expand to (:data:`MAX_YAML_NODES`).
    """
    yaml = _yaml()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available; both are safe loaders
    try:
        nodes = list(yaml.compose_all(text, Loader=loader))
        for n in nodes:
            if n is not None:
                _expanded_size(n, path)
        data = [loader("").construct_document(n) if n is not None else None for n in nodes]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problem = problem if len(problem) <= 200 else problem[:200] + "..."
        msg = f"{path}: YAML syntax error at {where}{problem}"
        raise DefinitionError(msg) from exc
    except RecursionError as exc:
        msg = f"{path}: YAML nesting too deep to read"
        raise DefinitionError(msg) from exc
    return list(zip(data, nodes, strict=True))


def read_yaml(path: str | Path) -> list[tuple[Any, Any]]:
    """Safe-load every YAML document of the file ``path``, each with its node tree (for line numbers).

    Raises :class:`DefinitionError` naming the file for an unreadable file, a syntax error (with its line)
    or aliases expanding beyond :data:`MAX_YAML_NODES` values.
    """
    path = Path(path)
    return _compose(_read_yaml_text(path), path)


def line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the deepest YAML node reached by a pydantic error location."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if node is None:
            break
        if isinstance(part, int) and hasattr(node, "value") and isinstance(node.value, list):
            if part < len(node.value) and not isinstance(node.value[part], tuple):
                node = node.value[part]
            else:
                break
        elif isinstance(part, str) and isinstance(getattr(node, "value", None), list):
            found = None
            for key_node, value_node in node.value:
                if isinstance(key_node.value, str) and key_node.value == part:
                    found = (key_node, value_node)
                    break
            if found is None:
                break
            node = found[1]
            line = found[0].start_mark.line + 1
            continue
        else:
            break
        line = node.start_mark.line + 1
    return line


def _label(data: Any, loc: tuple[Any, ...]) -> str:
    """Readable location: ``slos[3] (checkout/latency).target``."""
    out = ""
    cur = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            cur = cur[part] if isinstance(cur, list) and part < len(cur) else None
            if isinstance(cur, dict) and "name" in cur:
                who = f"{cur['service']}/{cur['name']}" if "service" in cur else str(cur["name"])
                out += f" ({who})"
        else:
            out += f".{part}" if out else str(part)
            cur = cur.get(part) if isinstance(cur, dict) else None
    return out


def _definition_error(exc: ValidationError, path: Path | str, data: Any, node: Any) -> DefinitionError:
    lines = []
    errors = exc.errors(include_url=False)
    for err in errors:
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("ratio", "threshold")))
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, _AtKey):  # a cross-reference: point at the entry that makes it
            loc = (*loc, *cause.loc)
        if err["type"] == "too_short" and any(e["loc"][:len(err["loc"])] == err["loc"] and e is not err
                                              for e in errors):
            continue  # pydantic's echo of an invalid item ("at least 1 item after validation, not 0")
        where = _label(data, loc) or "document"
        line = line_of(node, loc) if node is not None else None
        at = f"line {line}: " if line else ""
        if err["type"] == "extra_forbidden":
            text = f"unknown key {shorten(loc[-1])}"
        elif err["type"] == "union_tag_not_found":
            text = "missing key 'kind': it must be 'ratio' or 'threshold'"
        elif err["type"] == "union_tag_invalid":
            text = f"'kind' must be 'ratio' or 'threshold' (got {shorten(err.get('ctx', {}).get('tag'))})"
        elif err["type"] == "missing":
            text = f"missing required key {loc[-1]!r}"
        elif err.get("input", "") is None and err["type"].endswith("_type"):
            text = "is empty; give a value (or leave the key out)"
        else:
            text = err["msg"].removeprefix("Value error, ")
            if err["type"] not in ("value_error", "assertion_error") and "input" in err:
                text += f" (got {shorten(err['input'])})"
        lines.append(f"{path}: {at}{where}: {text}")
    return DefinitionError("\n".join(lines))


def _catalog_from(data: Any, path: Path | str, node: Any = None) -> Catalog:
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping with keys services, slos, slas, schedules, alert_policies"
        raise DefinitionError(msg)
    try:
        return Catalog.model_validate(data)
    except ValidationError as exc:
        raise _definition_error(exc, path, data, node) from None


def load_catalog(path: str | Path) -> Catalog:
    """Load and validate a catalog YAML file (safe loading only).

    Parameters
    ----------
    path : str or Path
        The YAML file, with top-level keys ``schedules``, ``services``, ``slos``, ``slas`` and
        ``alert_policies``.

    Returns
    -------
    Catalog
        The validated catalog.

    Raises
    ------
    DefinitionError
        On a YAML syntax error (with its line), an unknown or missing key, an invalid value (target outside
        (0, 1), unparsable window, time-slice SLO without a time-slice target, non-monotone credit table...)
        or a broken cross-reference. The message names the file, the line and the definition.

    Examples
    --------
    >>> from slm_analytics.data import dataset_path
    >>> catalog = load_catalog(dataset_path("catalog"))
    >>> len(catalog.services), catalog.services[0].name
    (13, 'checkout')
    """
    path = Path(path)
    docs = read_yaml(path)
    if not docs:
        msg = (f"{path}: the file is empty; a catalog is a mapping with keys services, slos, slas, "
               "schedules, alert_policies")
        raise DefinitionError(msg)
    if len(docs) != 1:
        msg = f"{path}: expected one YAML document, found {len(docs)}"
        raise DefinitionError(msg)
    data, node = docs[0]
    return _catalog_from(data, path, node)


def _plain(catalog: Catalog) -> dict[str, Any]:
    plain = catalog.model_dump(mode="json", exclude_defaults=True)
    zones = {s.name: s.timezone for s in catalog.services}
    for o in plain.get("slos", []):  # an SLO's zone is its service's: filled back in when loaded
        if o.get("timezone") == zones.get(o["service"]):
            del o["timezone"]
    return plain


def save_catalog(catalog: Catalog, path: str | Path) -> None:
    """Write ``catalog`` as YAML that :func:`load_catalog` reads back to an equal catalog.

    The file is written to a temporary name and renamed, so a failure never leaves a half-written file.

    Parameters
    ----------
    catalog : Catalog
        The catalog to save.
    path : str or Path
        Destination file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from slm_analytics import read_dataset
    >>> catalog = read_dataset("catalog")
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "catalog.yaml"
    >>> save_catalog(catalog, f)
    >>> load_catalog(f) == catalog
    True
    """
    yaml = _yaml()
    path = Path(path)
    text = yaml.safe_dump(_plain(catalog), sort_keys=False, allow_unicode=True, width=110)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
