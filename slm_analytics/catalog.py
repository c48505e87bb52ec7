"""Service catalog: services, SLOs, SLAs, business-hours schedules and alert policies.

Definitions are pydantic models (frozen, unknown keys forbidden). A :class:`Catalog` holds them in file
order and checks cross-references (an SLO of an unknown service is an error naming both). The YAML
format is ours; SLOs use OpenSLO v1 vocabulary (``target``, ``timeWindow``, ``budgetingMethod``) so that
:func:`to_openslo` / :func:`read_openslo` round-trip.

Windows are either rolling durations (``"28d"``, ``"7d"``, ``"12h"``, ``"5m"``) or calendar periods
(``"week"``, ``"month"``, ``"quarter"``) in the service's time zone.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import DefinitionError, SLMError

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
    "parse_window",
    "read_openslo",
    "save_catalog",
    "to_openslo",
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


def _check_timezone(value: str) -> str:
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
    maintenance : list of RecurringWindow
        Recurring planned maintenance (``maintenance:`` in the YAML), excluded like the maintenance file's
        windows.
    """

    name: str = Field(pattern=_NAME)
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

    @field_validator("maintenance", mode="before")
    @classmethod
    def _windows_text(cls, value: Any) -> Any:
        """Read the list from text too: OpenSLO annotations carry every service field as a string."""
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            pass
        try:
            return ast.literal_eval(value)  # str() of the list of mappings; literals only, nothing runs
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            msg = f"maintenance must be a list of recurring windows (rrule, duration...), not {value[:80]!r}"
            raise ValueError(msg) from None


class RatioIndicator(_Model):
    """Ratio SLI: good events over total events (OpenSLO ``ratioMetric``).

    Attributes
    ----------
    good, total : str
        The queries counting good and all events (e.g. PromQL); kept for documentation and OpenSLO.
    source : str
        The metric source type (``prometheus``, ``datadog``...).
    """

    kind: Literal["ratio"]
    good: str
    total: str
    source: str = "prometheus"


class ThresholdIndicator(_Model):
    """Latency-threshold SLI: share of events whose value is at or below a threshold (``thresholdMetric``).

    Attributes
    ----------
    metric : str
        The query of the measured value (e.g. a latency histogram).
    op : {"lte", "lt"}
        Comparison defining a good event.
    threshold : float
        The threshold, in ``unit``.
    unit : {"s", "ms"}
        Unit of the threshold.
    """

    kind: Literal["threshold"]
    metric: str
    op: Literal["lte", "lt"] = "lte"
    threshold: float = Field(gt=0)
    unit: Literal["s", "ms"] = "s"
    source: str = "prometheus"


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
    """

    service: str
    name: str = Field(pattern=_NAME)
    description: str = ""
    indicator: Indicator
    target: float
    window: str
    budgeting_method: Literal["Occurrences", "Timeslices", "RatioTimeslices"] = "Occurrences"
    timeslice_target: float | None = None
    timeslice_window: str | None = None
    alert_policy: str | None = None

    _window = field_validator("window")(_check_window)

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
    """

    name: str = Field(pattern=_NAME)
    description: str = ""
    rules: tuple[AlertRule, ...] = Field(min_length=1)


def _duplicates(keys: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    return [k for k in keys if k in seen or seen.add(k)]


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

    @model_validator(mode="after")
    def _references(self) -> Catalog:
        for kind, keys in (
            ("schedule", [s.name for s in self.schedules]),
            ("service", [s.name for s in self.services]),
            ("SLO", [s.key for s in self.slos]),
            ("SLA", [(s.service, s.name) for s in self.slas]),
            ("alert policy", [p.name for p in self.alert_policies]),
        ):
            if dup := _duplicates(keys):
                msg = f"duplicate {kind} {dup[0]!r}: names must be unique"
                raise ValueError(msg)
        services = {s.name for s in self.services}
        schedules = {s.name for s in self.schedules}
        policies = {p.name for p in self.alert_policies}
        slos = {s.key for s in self.slos}
        for s in self.services:
            if s.schedule is not None and s.schedule not in schedules:
                msg = f"service {s.name!r} uses unknown schedule {s.schedule!r}; known: {sorted(schedules)}"
                raise ValueError(msg)
        for o in self.slos:
            if o.service not in services:
                msg = f"SLO {o.name!r} belongs to unknown service {o.service!r}; known: {sorted(services)}"
                raise ValueError(msg)
            if o.alert_policy is not None and o.alert_policy not in policies:
                msg = f"SLO {o.service}/{o.name} uses unknown alert policy {o.alert_policy!r}"
                raise ValueError(msg)
        for a in self.slas:
            if a.service not in services:
                msg = f"SLA {a.name!r} belongs to unknown service {a.service!r}; known: {sorted(services)}"
                raise ValueError(msg)
            if (a.service, a.slo) not in slos:
                msg = f"SLA {a.service}/{a.name} measures unknown SLO {a.slo!r} of service {a.service!r}"
                raise ValueError(msg)
            if a.schedule is not None and a.schedule not in schedules:
                msg = f"SLA {a.service}/{a.name} uses unknown schedule {a.schedule!r}"
                raise ValueError(msg)
        return self

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
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read definition file: {exc.strerror}"
        raise DefinitionError(msg) from exc


def _compose(text: str, path: Path) -> list[Any]:
    """Safe-load every document of ``text`` with its node tree (for line numbers)."""
    yaml = _yaml()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available; both are safe loaders
    try:
        nodes = list(yaml.compose_all(text, Loader=loader))
        data = [loader("").construct_document(n) if n is not None else None for n in nodes]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{path}: YAML syntax error at {where}{problem}"
        raise DefinitionError(msg) from exc
    return list(zip(data, nodes, strict=True))


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
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
        if err["type"] == "too_short" and any(e["loc"][:len(err["loc"])] == err["loc"] and e is not err
                                              for e in errors):
            continue  # pydantic's echo of an invalid item ("at least 1 item after validation, not 0")
        where = _label(data, loc) or "document"
        line = _line_of(node, loc) if node is not None else None
        at = f"line {line}: " if line else ""
        if err["type"] == "extra_forbidden":
            text = f"unknown key {loc[-1]!r}"
        elif err["type"] == "union_tag_not_found":
            text = "missing key 'kind': it must be 'ratio' or 'threshold'"
        elif err["type"] == "union_tag_invalid":
            text = f"'kind' must be 'ratio' or 'threshold' (got {err.get('ctx', {}).get('tag')!r})"
        elif err["type"] == "missing":
            text = f"missing required key {loc[-1]!r}"
        else:
            text = err["msg"].removeprefix("Value error, ")
            if err["type"] not in ("value_error", "assertion_error") and "input" in err:
                text += f" (got {err['input']!r})"
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
    (12, 'checkout')
    """
    path = Path(path)
    docs = _compose(_read_yaml_text(path), path)
    if len(docs) != 1:
        msg = f"{path}: expected one YAML document, found {len(docs)}"
        raise DefinitionError(msg)
    data, node = docs[0]
    return _catalog_from(data, path, node)


def _plain(catalog: Catalog) -> dict[str, Any]:
    return catalog.model_dump(mode="json", exclude_defaults=True)


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


# --------------------------------------------------------------------------------------------- OpenSLO

OPENSLO_API = "openslo/v1"
EXTENSION_API = "slm-analytics/v1"
_ANN = "slm-analytics/"
_CAL_DURATION = {"week": "1w", "month": "1M", "quarter": "1Q"}
_DURATION_CAL = {v: k for k, v in _CAL_DURATION.items()}


def _metric_source(source: str, query: str) -> dict[str, Any]:
    return {"metricSource": {"type": source, "spec": {"query": query}}}


def _openslo_slo(slo: SLO, service: Service) -> dict[str, Any]:
    if isinstance(slo.indicator, RatioIndicator):
        spec: dict[str, Any] = {
            "ratioMetric": {
                "counter": True,
                "good": _metric_source(slo.indicator.source, slo.indicator.good),
                "total": _metric_source(slo.indicator.source, slo.indicator.total),
            }
        }
        objective: dict[str, Any] = {"target": slo.target}
    else:
        spec = {"thresholdMetric": _metric_source(slo.indicator.source, slo.indicator.metric)}
        objective = {"op": slo.indicator.op, "value": slo.indicator.threshold, "target": slo.target}
    if slo.timeslice_target is not None:
        objective["timeSliceTarget"] = slo.timeslice_target
    if slo.timeslice_window is not None:
        objective["timeSliceWindow"] = slo.timeslice_window
    if slo.is_rolling:
        window = {"duration": slo.window, "isRolling": True}
    else:
        window = {
            "duration": _CAL_DURATION[slo.window],
            "isRolling": False,
            "calendar": {"startTime": "2020-01-01 00:00:00", "timeZone": service.timezone},
        }
    annotations = {}
    if isinstance(slo.indicator, ThresholdIndicator):
        annotations[_ANN + "unit"] = slo.indicator.unit
    if slo.alert_policy is not None:
        annotations[_ANN + "alert-policy"] = slo.alert_policy
    metadata: dict[str, Any] = {"name": f"{slo.service}-{slo.name}", "displayName": slo.name}
    if annotations:
        metadata["annotations"] = annotations
    body: dict[str, Any] = {
        "service": slo.service,
        "indicator": {"metadata": {"name": f"{slo.service}-{slo.name}-sli"}, "spec": spec},
        "timeWindow": [window],
        "budgetingMethod": slo.budgeting_method,
        "objectives": [objective],
    }
    if slo.description:
        body = {"description": slo.description, **body}
    return {"apiVersion": OPENSLO_API, "kind": "SLO", "metadata": metadata, "spec": body}


def to_openslo(catalog: Catalog) -> list[dict[str, Any]]:
    """Express a catalog as OpenSLO v1 documents (one dict per YAML document).

    Services become ``kind: Service`` (our extra fields as ``slm-analytics/...`` annotations) and SLOs
    ``kind: SLO``. Schedules, SLAs and alert policies have no OpenSLO v1 equivalent with the same meaning;
    they are emitted as ``apiVersion: slm-analytics/v1`` documents so the round trip is lossless, and
    OpenSLO tools can skip them.

    Parameters
    ----------
    catalog : Catalog
        The catalog.

    Returns
    -------
    list of dict
        Documents; write them with ``yaml.safe_dump_all``.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> docs = to_openslo(read_dataset("catalog"))
    >>> docs[0]["kind"], docs[12]["kind"], docs[12]["spec"]["budgetingMethod"]
    ('Service', 'SLO', 'Occurrences')
    """
    docs: list[dict[str, Any]] = []
    services = {s.name: s for s in catalog.services}
    for s in catalog.services:
        extra = s.model_dump(mode="json", exclude={"name", "description"})
        annotations = {_ANN + k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in extra.items()
                       if v is not None}
        docs.append({
            "apiVersion": OPENSLO_API,
            "kind": "Service",
            "metadata": {"name": s.name, "annotations": annotations},
            "spec": {"description": s.description},
        })
    docs.extend(_openslo_slo(o, services[o.service]) for o in catalog.slos)
    for kind, items in (("Schedule", catalog.schedules), ("SLA", catalog.slas),
                        ("AlertPolicy", catalog.alert_policies)):
        for item in items:
            spec = item.model_dump(mode="json", exclude_defaults=True)
            docs.append({"apiVersion": EXTENSION_API, "kind": kind, "metadata": {"name": spec.pop("name")},
                         "spec": spec})
    return docs


def _get(doc: Any, keys: str, where: str) -> Any:
    cur = doc
    for k in keys.split("."):
        if not isinstance(cur, dict) or k not in cur:
            msg = f"{where}: missing {keys!r}"
            raise DefinitionError(msg)
        cur = cur[k]
    return cur


def _slo_from_openslo(doc: dict[str, Any], where: str) -> dict[str, Any]:
    spec = _get(doc, "spec", where)
    meta = doc.get("metadata", {})
    ann = meta.get("annotations", {}) or {}
    service = _get(doc, "spec.service", where)
    # metadata.name is the identifier (displayName is free text); to_openslo writes "<service>-<name>"
    name = str(_get(doc, "metadata.name", where)).removeprefix(f"{service}-")
    objectives = _get(doc, "spec.objectives", where)
    if not isinstance(objectives, list) or len(objectives) != 1:
        msg = f"{where}: exactly one objective is supported, found {objectives!r}"
        raise DefinitionError(msg)
    obj = objectives[0]
    ind = spec.get("indicator", {}).get("spec") or _get(doc, "spec.indicatorRef", where)
    if not isinstance(ind, dict):
        msg = f"{where}: indicatorRef {ind!r} is not supported; inline the indicator spec"
        raise DefinitionError(msg)
    if "ratioMetric" in ind:
        rm = ind["ratioMetric"]
        if "total" not in rm or "good" not in rm:
            msg = f"{where}: ratioMetric needs 'good' and 'total' (a 'bad' metric is not supported)"
            raise DefinitionError(msg)
        indicator = {
            "kind": "ratio",
            "good": _get(rm, "good.metricSource.spec.query", where),
            "total": _get(rm, "total.metricSource.spec.query", where),
            "source": _get(rm, "good.metricSource.type", where),
        }
    elif "thresholdMetric" in ind:
        indicator = {
            "kind": "threshold",
            "metric": _get(ind, "thresholdMetric.metricSource.spec.query", where),
            "source": _get(ind, "thresholdMetric.metricSource.type", where),
            "op": obj.get("op", "lte"),
            "threshold": _get(obj, "value", where),
            "unit": ann.get(_ANN + "unit", "s"),
        }
    else:
        msg = f"{where}: indicator must have a ratioMetric or a thresholdMetric, found {sorted(ind)}"
        raise DefinitionError(msg)
    windows = _get(doc, "spec.timeWindow", where)
    win = windows[0] if isinstance(windows, list) and windows else {}
    duration = _get(win, "duration", where)
    if win.get("isRolling", False):
        window = duration
    elif duration in _DURATION_CAL:
        window = _DURATION_CAL[duration]
    else:
        msg = f"{where}: calendar timeWindow duration {duration!r} is not supported; use 1w, 1M or 1Q"
        raise DefinitionError(msg)
    out: dict[str, Any] = {
        "service": service,
        "name": name,
        "indicator": indicator,
        "target": obj.get("target", obj.get("targetPercent", 0) / 100 if "targetPercent" in obj else None),
        "window": window,
        "budgeting_method": spec.get("budgetingMethod", "Occurrences"),
    }
    if "description" in spec:
        out["description"] = spec["description"]
    if "timeSliceTarget" in obj:
        out["timeslice_target"] = obj["timeSliceTarget"]
    if "timeSliceWindow" in obj:
        out["timeslice_window"] = obj["timeSliceWindow"]
    if _ANN + "alert-policy" in ann:
        out["alert_policy"] = ann[_ANN + "alert-policy"]
    return out


def _service_from_openslo(doc: dict[str, Any], where: str) -> dict[str, Any]:
    name = _get(doc, "metadata.name", where)
    ann = doc.get("metadata", {}).get("annotations", {}) or {}
    out: dict[str, Any] = {"name": name, "description": (doc.get("spec") or {}).get("description", ""),
                           **_PLACEHOLDER_SERVICE}  # a plain OpenSLO Service carries none of our fields
    for key, value in ann.items():
        if key.startswith(_ANN):
            field = key.removeprefix(_ANN)
            if field == "customer_facing":
                value = {"true": True, "false": False}.get(value, value)
            out[field] = value
    return out


_PLACEHOLDER_SERVICE: dict[str, Any] = {"owner": "unknown", "tier": 3, "users": 0, "business_weight": 1.0}


def read_openslo(path: str | Path) -> Catalog:
    """Read OpenSLO v1 documents (and our ``slm-analytics/v1`` extensions) into a :class:`Catalog`.

    Supported: ``kind: Service`` and ``kind: SLO`` with an inline ``ratioMetric`` (good/total) or
    ``thresholdMetric`` indicator, one objective (``target``, ``op``/``value``, ``timeSliceTarget``,
    ``timeSliceWindow``), a rolling or calendar (``1w``/``1M``/``1Q``) ``timeWindow`` and a
    ``budgetingMethod``. The SLO's name is ``metadata.name`` without a leading ``<service>-``.
    Services referenced by SLOs but not defined, and ``Service`` documents without our
    ``slm-analytics/...`` annotations, get placeholder metadata (owner ``unknown``, tier 3, 0 users,
    business weight 1).

    Parameters
    ----------
    path : str or Path
        A YAML file with one or more documents.

    Returns
    -------
    Catalog

    Raises
    ------
    DefinitionError
        For a document of another ``apiVersion`` or ``kind``, a missing field, or an invalid definition.

    Examples
    --------
    >>> import tempfile, yaml, pathlib
    >>> from slm_analytics import read_dataset
    >>> catalog = read_dataset("catalog")
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "openslo.yaml"
    >>> _ = f.write_text(yaml.safe_dump_all(to_openslo(catalog)))
    >>> read_openslo(f) == catalog
    True
    """
    path = Path(path)
    docs = _compose(_read_yaml_text(path), path)
    parts: dict[str, list[dict[str, Any]]] = {"services": [], "slos": [], "schedules": [], "slas": [],
                                              "alert_policies": []}
    ext = {"Schedule": "schedules", "SLA": "slas", "AlertPolicy": "alert_policies"}
    for i, (doc, node) in enumerate(docs):
        if doc is None:
            continue
        line = node.start_mark.line + 1
        where = f"{path}: document {i + 1} (line {line})"
        if not isinstance(doc, dict):
            msg = f"{where}: expected a mapping with apiVersion, kind, metadata and spec"
            raise DefinitionError(msg)
        api, kind = doc.get("apiVersion"), doc.get("kind")
        if api == OPENSLO_API and kind == "Service":
            parts["services"].append(_service_from_openslo(doc, where))
        elif api == OPENSLO_API and kind == "SLO":
            parts["slos"].append(_slo_from_openslo(doc, where))
        elif api == EXTENSION_API and kind in ext:
            parts[ext[kind]].append({"name": _get(doc, "metadata.name", where), **(doc.get("spec") or {})})
        else:
            msg = (
                f"{where}: unsupported document apiVersion {api!r} kind {kind!r}; supported: "
                f"{OPENSLO_API} Service and SLO (and {EXTENSION_API} {', '.join(ext)})"
            )
            raise DefinitionError(msg)
    known = {s["name"] for s in parts["services"]}
    for o in parts["slos"]:
        if o["service"] not in known:
            parts["services"].append({"name": o["service"], **_PLACEHOLDER_SERVICE})
            known.add(o["service"])
    return _catalog_from(parts, path)
