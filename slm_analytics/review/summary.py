"""The review's machine-readable summary (``<service>.summary.json``) and what changed since the last review.

:func:`service_summary` gathers the numbers a service review shows, each from the function the report calls
(:func:`~slm_analytics.review.monthly_attainment`, :func:`~slm_analytics.review.month_end_budgets`,
:func:`~slm_analytics.review.month_outlook`, :func:`~slm_analytics.review.month_sla`,
:func:`~slm_analytics.review.incident_table`, :func:`~slm_analytics.review.month_priorities`,
:func:`~slm_analytics.review.draft_sip`, :func:`~slm_analytics.review.month_requirements`), into plain JSON
types: strings, numbers, booleans and null; instants as ISO-8601 strings in UTC; floats rounded to a stated
number of significant digits; no run timestamp. The same inputs therefore give the same bytes
(:func:`write_summary` writes canonical JSON, atomically). The document follows the JSON Schema shipped with
the package (:data:`SCHEMA`, :func:`summary_schema`), checked by :func:`validate_summary` and
:func:`read_summary`.

:func:`slo_status` is the one rule saying whether an SLO is met, at risk or missed; :func:`summary_diff`
compares a summary with the previous review's (:func:`find_previous` finds it by the path convention
``<out_dir>/<previous period>/<service>.summary.json``).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._checks import check_int
from ..errors import DataError, ParameterError
from .month import month_end_budgets, month_outlook, month_sla, monthly_attainment
from .plan import draft_sip, month_attribution, month_priorities, month_requirements

if TYPE_CHECKING:
    from ..priorities import Priorities
    from .inputs import ReviewInputs
    from .month import MonthOutlook

__all__ = [
    "PORTFOLIO_SCHEMA",
    "SCHEMA",
    "SCHEMAS",
    "Plain",
    "SCHEMA_VERSION",
    "SummaryDiff",
    "SummaryOutput",
    "canonical_json",
    "find_previous",
    "previous_period",
    "read_summary",
    "service_summary",
    "slo_status",
    "summary_diff",
    "summary_of",
    "summary_schema",
    "validate_summary",
    "write_summary",
]

#: The version of the summary's schema (``schema_version`` in every document).
SCHEMA_VERSION = "1.0"
#: The JSON Schema (draft 2020-12) of :func:`service_summary`'s document, shipped with the package.
SCHEMA = Path(__file__).with_name("summary.schema.json")
#: The JSON Schema of the portfolio review's summary (:func:`~slm_analytics.review.portfolio_summary`).
PORTFOLIO_SCHEMA = Path(__file__).with_name("portfolio-summary.schema.json")
#: ``kind`` of a summary -> its schema file
SCHEMAS = {"service-review": SCHEMA, "portfolio-review": PORTFOLIO_SCHEMA}
#: Share of the error budget spent, and of the window still to come, from which an SLO is at risk.
AT_RISK_SPENT, AT_RISK_LEFT = 0.75, 0.25
#: Severities of a major incident.
MAJOR = ("P1", "P2")
#: SIP statuses of an item still being worked on.
OPEN = ("open", "in-progress")

Status = Literal["met", "at risk", "missed", "no data"]


def slo_status(*, met: bool | None, breach_probability: float | None = None,
               budget_consumed: float | None = None, window_left: float | None = None,
               at_risk_probability: float = 0.5) -> Status:
    """Say whether an SLO is met, at risk or missed (the review's executive summary).

    Parameters
    ----------
    met : bool or None
        Attainment over the period reached the target; ``None`` (or ``pd.NA``) without data.
    breach_probability : float, optional
        Forecast probability of missing the target at the SLO's next window end; ``None``/NaN when not
        assessed.
    budget_consumed : float, optional
        Share of the error budget spent in the SLO's own window (1 = all of it).
    window_left : float, optional
        Share of that window still to come (0 to 1).
    at_risk_probability : float
        Breach probability from which an SLO is at risk, in [0, 1].

    Returns
    -------
    str
        ``"missed"`` when not met; ``"no data"`` without data; ``"at risk"`` when met but
        ``breach_probability >= at_risk_probability``, or ``budget_consumed >= 0.75`` with
        ``window_left > 0.25``; else ``"met"``.

    Raises
    ------
    ParameterError
        If ``at_risk_probability`` is not a number in [0, 1].

    Notes
    -----
    The rule of issue 12 ("What a review contains", after ITIL service review practice): at risk when the
    forecast breach probability is at least the parameter, or when at least 75 % of the budget is spent
    with more than 25 % of the window left. Both bounds are inclusive as written: exactly 75 % spent is
    enough, exactly 25 % left is not.

    Examples
    --------
    >>> slo_status(met=True, breach_probability=0.5)
    'at risk'
    >>> slo_status(met=True, breach_probability=0.1, budget_consumed=0.75, window_left=0.25)
    'met'
    >>> slo_status(met=False, breach_probability=0.0)
    'missed'
    """
    at_risk_probability = _probability(at_risk_probability, "at_risk_probability")
    if met is None or met is pd.NA:
        return "no data"
    if not bool(met):
        return "missed"
    if _number(breach_probability) is not None and breach_probability >= at_risk_probability:
        return "at risk"
    spent, left = _number(budget_consumed), _number(window_left)
    if spent is not None and left is not None and spent >= AT_RISK_SPENT and left > AT_RISK_LEFT:
        return "at risk"
    return "met"


def _probability(value: object, name: str) -> float:
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not number or not 0 <= float(value) <= 1:
        msg = f"{name} {value!r} must be a probability in [0, 1] (e.g. 0.5)"
        raise ParameterError(msg)
    return float(value)


def _number(value: object) -> float | None:
    """``value`` as a float, or None for None, NA and NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    value = float(value)
    return None if math.isnan(value) else value


class Plain:
    """Turn table cells into plain JSON values: floats rounded to ``digits`` significant digits.

    Shared by the summaries of the service review and of the portfolio review, so both write numbers,
    flags, texts and times (UTC, ISO 8601 with ``Z``) the same way.
    """

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def num(self, value: object) -> float | int | None:
        """Return an integer as it is, a float rounded to ``digits`` significant digits, None for NA."""
        number = _number(value)
        if number is None:
            return None
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return int(value)
        rounded = float(f"{number:.{self.digits}g}")
        return rounded if math.isfinite(rounded) else None

    @staticmethod
    def flag(value: object) -> bool | None:
        """Return a bool, or None for NA."""
        return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) \
            else bool(value)

    @staticmethod
    def text(value: object) -> str | None:
        """Return a str, or None for NA."""
        return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) \
            else str(value)

    @staticmethod
    def time(value: object) -> str | None:
        """Return a time as UTC ISO 8601 with ``Z`` (microseconds only when there are some), None for NaT."""
        if value is None or value is pd.NaT or value is pd.NA:
            return None
        t = pd.Timestamp(value)
        t = t.tz_convert("UTC") if t.tzinfo else t.tz_localize("UTC")
        return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{t.microsecond:06d}" if t.microsecond else "") + "Z"

    @staticmethod
    def date(value: object) -> str | None:
        """Return a date as ``YYYY-MM-DD``, None for NaT."""
        if value is None or value is pd.NaT or value is pd.NA:
            return None
        return pd.Timestamp(value).strftime("%Y-%m-%d")


def service_summary(
    inputs: ReviewInputs,
    *,
    service: str,
    month: str,
    at_risk_probability: float = 0.5,
    top: int = 5,
    digits: int = 6,
    outlook: MonthOutlook | None = None,
    priorities: Priorities | None = None,
    attribution: pd.DataFrame | None = None,
    needs: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Return the numbers a service review shows for ``month`` as a plain, schema-valid JSON document.

    Parameters
    ----------
    inputs : ReviewInputs
        The review's data (:func:`~slm_analytics.review.load_inputs`).
    service : str
        The service reviewed.
    month : str
        ``"YYYY-MM"``, cut in the service's time zone.
    at_risk_probability : float
        Breach probability from which an SLO is at risk (:func:`slo_status`).
    top : int
        How many open improvement items to list at most.
    digits : int
        Significant digits every float is rounded to (so that reruns give the same bytes).
    outlook : MonthOutlook, optional
        :func:`~slm_analytics.review.month_outlook`'s result when the caller has it (a report that shows it);
        computed with its defaults otherwise.
    priorities : Priorities, optional
        :func:`~slm_analytics.review.month_priorities`'s result when the caller has it; computed with its
        defaults otherwise (the fleet is scored: the slowest part, a few seconds).
    attribution, needs : DataFrame, optional
        :func:`~slm_analytics.review.month_attribution` and :func:`~slm_analytics.review.month_requirements`
        when the caller has them (the report shows both); computed otherwise.

    Returns
    -------
    dict
        Keys (see :data:`SCHEMA` for every field): ``schema_version``, ``kind`` (``"service-review"``),
        ``service`` (name, display name, owner, tier, time zone), ``period`` (label, start, end, as of),
        ``settings`` (the parameters above), ``status_counts``, ``slos`` (attainment, target, budget
        consumed, breach probability, status, per SLO in catalog order), ``slas`` (status, credit),
        ``credits_owed``, ``major_incidents`` (P1/P2: id, title, start, duration), ``improvement_items``
        (id, problem, owner, due date), ``sip_items`` (every SIP item of the service with its status) and
        ``requirements`` (the users' requirements against the month).

    Raises
    ------
    ParameterError
        If ``month`` is not ``"YYYY-MM"``, ``at_risk_probability`` not in [0, 1], ``top`` or ``digits`` not
        a positive integer.
    DefinitionError, DataError, InsufficientDataError
        As :func:`~slm_analytics.review.monthly_attainment`.

    Examples
    --------
    >>> from slm_analytics import review
    >>> inputs = review.load_inputs(review.validate_parameters(service="checkout", period="2026-10"))
    >>> doc = service_summary(inputs, service="checkout", month="2026-10")
    >>> [(s["name"], s["attainment"], s["status"]) for s in doc["slos"]]
    [('availability', 0.999691, 'met'), ('latency', 0.99625, 'met'), ('uptime', 0.998546, 'met')]
    """
    at_risk_probability = _probability(at_risk_probability, "at_risk_probability")
    top, digits = check_int(top, "top"), check_int(digits, "digits")
    if digits > 17:
        msg = f"digits {digits} must be at most 17 (a float has no more significant digits)"
        raise ParameterError(msg)
    plain = Plain(digits)
    sli, catalog = inputs.sli, inputs.catalog
    attainment = monthly_attainment(sli, catalog, service=service, month=month)
    budgets = month_end_budgets(sli, catalog, service=service, month=month)
    if outlook is None:
        outlook = month_outlook(sli, catalog, service=service, month=month)
    if priorities is None:
        priorities = month_priorities(sli, catalog, service=service, month=month, incidents=inputs.incidents,
                                      requirements=inputs.requirements, exclusions=inputs.maintenance)
    slos = _slo_rows(attainment, budgets, outlook.table, plain, at_risk_probability)
    slas = _sla_rows(month_sla(sli, catalog, service=service, month=month, exclusions=inputs.maintenance),
                     plain)
    as_of = pd.Timestamp(priorities.table["as_of"].iloc[0])
    if attribution is None:
        attribution = month_attribution(sli, inputs.incidents, catalog, service=service, month=month,
                                        exclusions=inputs.maintenance)
    plan = draft_sip(priorities, register=inputs.register, attribution=attribution, top=5)
    items, sips = _sip_rows(plan, service, as_of, top, plain)
    if needs is None:
        needs = month_requirements(inputs.requirements, sli, catalog, service=service, month=month)
    svc = catalog.service(service)
    counts = {s: 0 for s in ("met", "at risk", "missed", "no data")}
    for row in slos:
        counts[row["status"]] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "service-review",
        "service": {"name": svc.name, "display_name": svc.display_name or svc.name, "owner": svc.owner,
                    "tier": int(svc.tier), "timezone": svc.timezone},
        "period": {"label": month, "start": plain.time(attainment["period_start"].iloc[0]),
                   "end": plain.time(attainment["period_end"].iloc[0]), "as_of": plain.time(as_of)},
        "settings": {"at_risk_probability": at_risk_probability, "significant_digits": digits,
                     "top_items": top},
        "status_counts": counts,
        "slos": slos,
        "slas": slas,
        "credits_owed": plain.num(sum(float(s["credit_amount"]) for s in slas)) or 0.0,
        "major_incidents": _incident_rows(inputs.incidents, catalog, service, month, plain),
        "improvement_items": items,
        "sip_items": sips,
        "requirements": _requirement_rows(needs, plain),
    }


def _slo_rows(attainment: pd.DataFrame, budgets: pd.DataFrame, outlook: pd.DataFrame, plain: Plain,
              at_risk_probability: float) -> list[dict[str, Any]]:
    """One entry per SLO: the month's attainment, the window's budget, the forecast and the status."""
    budgets = budgets.set_index("slo")
    risk = outlook.set_index("slo")
    rows = []
    for a in attainment.itertuples(index=False):
        b = budgets.loc[a.slo]
        length = b["window_end"] - b["window_start"]
        left = min(1.0, max(0.0, (b["window_end"] - b["as_of"]) / length)) if length > pd.Timedelta(0) \
            else 0.0
        p = risk.loc[a.slo, "breach_probability"] if a.slo in risk.index and risk.loc[a.slo, "assessed"] \
            else None
        consumed = None if b["no_data"] else b["consumed"]
        met = None if a.met is pd.NA else bool(a.met)
        rows.append({
            "name": a.slo, "budgeting_method": a.budgeting_method, "unit": a.unit, "window": str(b["window"]),
            "target": plain.num(a.target), "good": plain.num(a.good), "total": plain.num(a.total),
            "attainment": plain.num(a.attainment), "met": met,
            "budget_consumed": plain.num(a.budget_consumed),
            "no_data": bool(a.no_data), "window_budget_consumed": plain.num(consumed),
            "window_left": plain.num(left), "breach_probability": plain.num(p),
            "status": slo_status(met=met, breach_probability=_number(p), budget_consumed=_number(consumed),
                                 window_left=left, at_risk_probability=at_risk_probability),
        })
    return rows


def _sla_rows(slas: pd.DataFrame, plain: Plain) -> list[dict[str, Any]]:
    rows = []
    for s in slas.to_dict("records"):
        breached = None if s["no_data"] else bool(s["breached"])
        rows.append({
            "name": str(s["sla"]), "slo": str(s["slo"]), "customer": str(s["customer"]),
            "period": str(s["period"]), "period_start": plain.time(s["period_start"]),
            "period_end": plain.time(s["period_end"]), "attainment": plain.num(s["attainment"]),
            "target": plain.num(s["target"]), "breached": breached, "provisional": bool(s["to_date"]),
            "credit": plain.num(s["credit"]) or 0.0, "credit_amount": plain.num(s["credit_amount"]) or 0.0,
            "monthly_fee": plain.num(s["monthly_fee"]),
            "status": "no data" if breached is None else "breached" if breached else "met",
        })
    return rows


def _incident_rows(incidents: pd.DataFrame, catalog: Any, service: str, month: str,
                   plain: Plain) -> list[dict[str, Any]]:
    """P1/P2 incidents among those the report's incident table lists (the same selection, by its index)."""
    from .tables import incident_table

    shown = incident_table(incidents, catalog, service=service, month=month).data
    own = incidents.loc[shown.index]
    own = own[own["severity"].astype(str).isin(MAJOR).to_numpy()]
    minutes = (own["resolved_at"] - own["started_at"]) / pd.Timedelta(minutes=1)
    return [{"id": str(r["id"]), "title": str(r["title"]), "severity": str(r["severity"]),
             "slo": str(r["slo"]), "start": plain.time(r["started_at"]), "duration_minutes": plain.num(m)}
            for r, m in zip(own.to_dict("records"), minutes, strict=True)]


def _sip_rows(plan: pd.DataFrame, service: str, as_of: pd.Timestamp, top: int,
              plain: Plain) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the top open items (by priority, due date, id) and every item of the service (by id)."""
    own = plan[plan["service"] == service].sort_values("id", kind="stable")
    day = as_of.tz_convert("UTC").tz_localize(None) if as_of.tzinfo else as_of
    due = pd.to_datetime(own["due"])
    still = own["status"].isin(OPEN).to_numpy()
    overdue = still & (due < day).to_numpy()
    priority = own["priority"] if "priority" in own.columns else pd.Series(np.nan, index=own.index)
    sips = [{"id": str(r["id"]), "slo": str(r["slo"]), "problem": str(r["problem"]), "owner": str(r["owner"]),
             "status": str(r["status"]), "opened": plain.date(r["opened"]), "due": plain.date(r["due"]),
             "closed": plain.date(r.get("closed")), "overdue": bool(o)}
            for r, o in zip(own.to_dict("records"), overdue, strict=True)]
    ranked = own[still].assign(_p=priority[still].astype(float)).sort_values(
        ["_p", "due", "id"], kind="stable", na_position="last").head(top)
    items = [{"id": str(r["id"]), "slo": str(r["slo"]), "problem": str(r["problem"]),
              "owner": str(r["owner"]), "due": plain.date(r["due"]),
              "priority": plain.num(r["_p"]), "status": str(r["status"])}
             for r in ranked.to_dict("records")]
    return items, sips


def _requirement_rows(needs: pd.DataFrame, plain: Plain) -> list[dict[str, Any]]:
    rows = []
    for r in needs.sort_values("id", kind="stable").to_dict("records"):
        measured = bool(r["measured"]) if plain.flag(r["measured"]) is not None else False
        rows.append({
            "id": str(r["id"]), "requirement": str(r["requirement"]), "slo": plain.text(r["slo"]) or None,
            "importance": plain.num(r["importance"]), "satisfaction": plain.num(r["satisfaction"]),
            "respondents": plain.num(r["respondents"]), "required_target": plain.num(r["required_target"]),
            "achieved": plain.num(r["achieved"]) if measured else None,
            "significant_gap": plain.flag(r["significant"]) if measured else None,
            "quadrant": plain.text(r["quadrant"]),
        })
    return rows


# --- the schema, reading and writing ------------------------------------------------------------------------

@cache
def _schema_text(kind: str = "service-review") -> str:
    return SCHEMAS[kind].read_text(encoding="utf-8")


def summary_schema(kind: str = "service-review") -> dict[str, Any]:
    """Return a summary's JSON Schema (draft 2020-12), read from its file (a fresh copy each call).

    Parameters
    ----------
    kind : {"service-review", "portfolio-review"}
        Whose summary: :data:`SCHEMA` or :data:`PORTFOLIO_SCHEMA`.

    Examples
    --------
    >>> schema = summary_schema()
    >>> schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    True
    >>> summary_schema("portfolio-review")["properties"]["kind"]["const"]
    'portfolio-review'
    """
    if kind not in SCHEMAS:
        msg = f"summary kind {kind!r} is not one of {', '.join(SCHEMAS)}"
        raise ParameterError(msg)
    return json.loads(_schema_text(kind))


def validate_summary(doc: object) -> None:
    """Check ``doc`` against its summary's schema (the service review's, or by its ``kind`` the portfolio's).

    Raises
    ------
    DataError
        Naming the JSON path of the first problem (``$.slos[0].attainment``) and what was expected.

    Examples
    --------
    >>> validate_summary({"schema_version": "1.0"})
    Traceback (most recent call last):
    ...
    slm_analytics.errors.DataError: review summary: at $: 'credits_owed' is a required property; ...
    """
    from .._compat import import_jsonschema

    import_jsonschema()  # skips a slow import (see _compat)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    kind = doc.get("kind") if isinstance(doc, dict) and doc.get("kind") in SCHEMAS else "service-review"
    error = best_match(Draft202012Validator(summary_schema(kind)).iter_errors(doc))
    if error is not None:
        what = error.message if len(error.message) <= 200 else error.message[:197] + "..."
        msg = (f"review summary: at {error.json_path}: {what}; expected a document of the {kind} summary "
               f"schema {SCHEMA_VERSION} ({SCHEMAS[kind].name})")
        raise DataError(msg)


def canonical_json(doc: object) -> str:
    """Return ``doc`` as canonical JSON: keys sorted, indent 2, non-ASCII kept, NaN refused, final newline."""
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_summary(doc: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Validate ``doc`` and write it to ``path`` as canonical JSON, atomically.

    The text goes to a temporary file in the same folder, then replaces ``path`` (``os.replace``): a reader
    never sees a half-written summary, and an interrupted write leaves the previous file as it was.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    DataError
        If ``doc`` does not follow the schema (:func:`validate_summary`) or the file cannot be written.
    """
    validate_summary(doc)
    path = Path(path)
    text = canonical_json(doc)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            if hasattr(os, "fchmod"):  # mkstemp makes the file owner-only: give it the umask's usual mode,
                mask = os.umask(0)     # as the reports beside it have (other tools read the summaries)
                os.umask(mask)
                os.fchmod(fd, 0o666 & ~mask)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        msg = f"{path}: cannot write the review summary ({exc.strerror or exc})"
        raise DataError(msg) from exc
    return path


def read_summary(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a summary written by :func:`write_summary` and check it against the schema.

    Raises
    ------
    DataError
        Naming the file: unreadable, not JSON (with its line and column), not a service review summary, of
        another schema version, or not valid (with the JSON path of the first problem).
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"{path}: cannot read the review summary ({exc.strerror or exc})"
        raise DataError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}: not a review summary: not UTF-8 text (byte {exc.start})"
        raise DataError(msg) from exc
    except json.JSONDecodeError as exc:
        msg = f"{path}: line {exc.lineno} column {exc.colno}: not JSON ({exc.msg}); expected a review summary"
        raise DataError(msg) from exc
    if not isinstance(doc, dict) or "schema_version" not in doc:
        msg = (f"{path}: not a service review summary (a JSON {type(doc).__name__} without "
               f"'schema_version'); expected a file written by write_summary")
        raise DataError(msg)
    if doc["schema_version"] != SCHEMA_VERSION:
        msg = (f"{path}: 'schema_version' {str(doc['schema_version'])[:40]!r} is not {SCHEMA_VERSION!r}, the "
               f"version this slm-analytics reads; rerun the review to rewrite it")
        raise DataError(msg)
    try:
        validate_summary(doc)
    except DataError as exc:
        msg = f"{path}: {exc}"
        raise DataError(msg) from exc
    return doc


# --- what changed since the last review ---------------------------------------------------------------------

def previous_period(label: str) -> str:
    """Return the period before ``label``: the month before ``"YYYY-MM"``, the quarter before ``"YYYY-Qn"``.

    Raises
    ------
    ParameterError
        If ``label`` is neither.

    Examples
    --------
    >>> previous_period("2026-01"), previous_period("2026-Q1"), previous_period("2026-Q3")
    ('2025-12', '2025-Q4', '2026-Q2')
    """
    from .period import ReviewPeriod, parse_period, previous

    period = parse_period(str(label))  # ParameterError naming the accepted forms
    if not isinstance(period, ReviewPeriod):
        msg = (f"period {str(label)!r} is relative; a summary's period is a month 'YYYY-MM' or a quarter "
               "'YYYY-Qn' (resolve it first with review.resolve_period)")
        raise ParameterError(msg)
    return previous(period).label


def find_previous(out_dir: str | os.PathLike[str], service: str, period_label: str) -> Path | None:
    """Find the previous review's summary: ``<out_dir>/<previous period>/<service>.summary.json``.

    Parameters
    ----------
    out_dir : path
        The folder the reviews are written to, one subfolder per period (``reports/2026-09/``).
    service : str
        The service.
    period_label : str
        The period reviewed now, ``"YYYY-MM"`` or ``"YYYY-Qn"`` (:func:`previous_period`).

    Returns
    -------
    Path or None
        The file, or None when there is none (the first review).

    Raises
    ------
    ParameterError
        If ``period_label`` is neither a month nor a quarter.
    """
    path = Path(out_dir) / previous_period(period_label) / f"{service}.summary.json"
    return path if path.is_file() else None


_ATTAINMENT = ["slo", "previous_attainment", "attainment", "delta_pp", "previous_status", "status",
               "status_changed"]
_BREACHES = ["kind", "name", "change"]
_STATUS = ["slo", "previous_status", "status"]
_SIP = ["id", "slo", "problem", "previous_status", "status", "due", "change"]
_CHANGES = ["kind", "name", "field", "previous", "current"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


@dataclass(frozen=True, repr=False)
class SummaryDiff:
    """What changed between two reviews of a service (:func:`summary_diff`).

    Attributes
    ----------
    found : bool
        A previous review was found; without one every table is empty and ``note`` says so.
    note : str
        ``"no previous review found"``, or what was compared (``"2026-10 compared with 2026-09"``).
    service, period : str
        The service and the period reviewed now.
    previous_period : str or None
        The previous review's period.
    attainment : DataFrame
        One row per SLO of either review (current catalog order first): ``slo``, ``previous_attainment``,
        ``attainment`` (None when the SLO is not in that review or had no data), ``delta_pp`` (attainment
        minus the previous one, in percentage points), ``previous_status``, ``status`` and
        ``status_changed`` (bool).
    breaches : DataFrame
        ``kind`` (``"SLO"`` or ``"SLA"``), ``name``, ``change``: ``"new"`` (missed or breached now, not
        before) or ``"resolved"`` (before, not now).
    status_changes : DataFrame
        The SLOs of both reviews whose status changed: ``slo``, ``previous_status``, ``status``.
    sip : DataFrame
        SIP progress: ``id``, ``slo``, ``problem``, ``previous_status``, ``status``, ``due``, ``change``:
        ``"new"`` (not in the previous review), ``"closed"`` (open or in progress before, not now) or
        ``"overdue"`` (open or in progress and past due now); an item may have two rows (new and overdue).
    changes : DataFrame
        Targets and requirements that changed: ``kind`` (``"SLO"``, ``"SLA"`` or ``"requirement"``),
        ``name``, ``field`` (``target``, ``window``, ``required_target``, ``importance``,
        ``satisfaction``... or ``presence``), ``previous``, ``current`` (``"absent"``/``"present"`` for
        ``presence``).
    """

    found: bool
    note: str
    service: str
    period: str
    previous_period: str | None = None
    attainment: pd.DataFrame = field(default_factory=lambda: _empty(_ATTAINMENT))
    breaches: pd.DataFrame = field(default_factory=lambda: _empty(_BREACHES))
    status_changes: pd.DataFrame = field(default_factory=lambda: _empty(_STATUS))
    sip: pd.DataFrame = field(default_factory=lambda: _empty(_SIP))
    changes: pd.DataFrame = field(default_factory=lambda: _empty(_CHANGES))

    def __repr__(self) -> str:
        if not self.found:
            return f"SummaryDiff({self.service}, {self.period}: {self.note})"
        new = int((self.breaches["change"] == "new").sum())
        resolved = int((self.breaches["change"] == "resolved").sum())
        return (f"SummaryDiff({self.service}, {self.note}: {len(self.status_changes)} status changes, "
                f"{new} new and {resolved} resolved breaches, {len(self.sip)} SIP changes, "
                f"{len(self.changes)} changed targets or requirements)")

    def to_frame(self) -> pd.DataFrame:
        """Return the attainment table (a copy)."""
        return self.attainment.copy()


def summary_diff(previous: dict[str, Any] | None, current: dict[str, Any]) -> SummaryDiff:
    """Compare a review's summary with the previous review's: what changed since the last review.

    Parameters
    ----------
    previous : dict or None
        The previous review's summary (:func:`read_summary`, :func:`find_previous`); None for the first
        review.
    current : dict
        This review's summary (:func:`service_summary`).

    Returns
    -------
    SummaryDiff
        Attainment deltas per SLO, new and resolved breaches, status changes, SIP progress and changed
        targets or requirements; with ``previous=None``, ``found`` False, the note
        ``"no previous review found"`` and empty tables.

    Raises
    ------
    DataError
        If either document does not follow the schema (:func:`validate_summary`).
    ParameterError
        If they are about different services.
    """
    validate_summary(current)
    service, period = current["service"]["name"], current["period"]["label"]
    if previous is None:
        return SummaryDiff(found=False, note="no previous review found", service=service, period=period)
    validate_summary(previous)
    if previous["service"]["name"] != service:
        msg = (f"previous review summary is about service {previous['service']['name']!r}, not {service!r}; "
               f"compare reviews of one service")
        raise ParameterError(msg)
    before = previous["period"]["label"]
    attainment = _attainment_diff(previous["slos"], current["slos"])
    changed = attainment[attainment["status_changed"].astype(bool)
                         & attainment["previous_status"].notna() & attainment["status"].notna()]
    return SummaryDiff(
        found=True, note=f"{period} compared with {before}", service=service, period=period,
        previous_period=before, attainment=attainment, breaches=_breach_diff(previous, current),
        status_changes=changed[_STATUS].reset_index(drop=True),
        sip=_sip_diff(previous["sip_items"], current["sip_items"]),
        changes=_definition_diff(previous, current))


def _by(entries: list[dict[str, Any]], key: str = "name") -> dict[str, dict[str, Any]]:
    return {e[key]: e for e in entries}


def _attainment_diff(before: list[dict[str, Any]], now: list[dict[str, Any]]) -> pd.DataFrame:
    old, new = _by(before), _by(now)
    names = [*new, *[n for n in old if n not in new]]
    rows = []
    for name in names:
        a, b = old.get(name, {}), new.get(name, {})
        pa, ca = a.get("attainment"), b.get("attainment")
        rows.append({"slo": name, "previous_attainment": pa, "attainment": ca,
                     "delta_pp": (ca - pa) * 100 if pa is not None and ca is not None else None,
                     "previous_status": a.get("status"), "status": b.get("status"),
                     "status_changed": a.get("status") != b.get("status")})
    return pd.DataFrame(rows, columns=_ATTAINMENT) if rows else _empty(_ATTAINMENT)


def _breach_diff(previous: dict[str, Any], current: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for kind, part, broken in (("SLO", "slos", lambda e: e["status"] == "missed"),
                               ("SLA", "slas", lambda e: e["breached"] is True)):
        was = {n for n, e in _by(previous[part]).items() if broken(e)}
        now = [n for n, e in _by(current[part]).items() if broken(e)]
        rows += [{"kind": kind, "name": n, "change": "new"} for n in now if n not in was]
        rows += [{"kind": kind, "name": n, "change": "resolved"} for n in sorted(was) if n not in now]
    return pd.DataFrame(rows, columns=_BREACHES) if rows else _empty(_BREACHES)


def _sip_diff(before: list[dict[str, Any]], now: list[dict[str, Any]]) -> pd.DataFrame:
    old = _by(before, "id")
    rows = []
    for item in now:
        was = old.get(item["id"])
        base = {"id": item["id"], "slo": item["slo"], "problem": item["problem"],
                "previous_status": was["status"] if was else None, "status": item["status"],
                "due": item["due"]}
        if was is None:
            rows.append({**base, "change": "new"})
        elif was["status"] in OPEN and item["status"] not in OPEN:
            rows.append({**base, "change": "closed"})
        if item["overdue"]:
            rows.append({**base, "change": "overdue"})
    return pd.DataFrame(rows, columns=_SIP) if rows else _empty(_SIP)


#: What :func:`summary_diff` compares of the definitions: (kind, part of the summary, key, fields).
_DEFINITIONS = (("SLO", "slos", "name", ("target", "window", "budgeting_method")),
                ("SLA", "slas", "name", ("target", "monthly_fee")),
                ("requirement", "requirements", "id",
                 ("required_target", "slo", "importance", "satisfaction")))


def _definition_diff(previous: dict[str, Any], current: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for kind, part, key, fields in _DEFINITIONS:
        old, new = _by(previous[part], key), _by(current[part], key)
        for name in [*new, *[n for n in old if n not in new]]:
            if name not in old or name not in new:
                rows.append({"kind": kind, "name": name, "field": "presence",
                             "previous": "present" if name in old else "absent",
                             "current": "present" if name in new else "absent"})
                continue
            rows += [{"kind": kind, "name": name, "field": f, "previous": old[name][f],
                      "current": new[name][f]} for f in fields if old[name][f] != new[name][f]]
    return pd.DataFrame(rows, columns=_CHANGES) if rows else _empty(_CHANGES)


#: the id of the review notebook's cell whose output is the summary (read back by the runner)
SUMMARY_CELL = "summary"


@dataclass(frozen=True, repr=False)
class SummaryOutput:
    """A summary as a notebook output: the document as ``application/json``, a short table for readers.

    The review notebook's last cell shows one; the runner reads the JSON back from the executed notebook
    (:func:`summary_of`) and writes ``<service>.summary.json`` beside the report.

    Attributes
    ----------
    doc : dict
        The summary (:func:`service_summary`).
    """

    doc: dict[str, Any]

    def _repr_json_(self) -> dict[str, Any]:
        return self.doc

    def _repr_html_(self) -> str:
        import html

        esc = html.escape
        rows = "".join(f"<tr><td>{esc(' / '.join(str(o[k]) for k in ('service', 'slo', 'name') if k in o))}"
                       f"</td><td>{esc(str(o.get('status')))}</td></tr>" for o in self.doc.get("slos", []))
        counts = ", ".join(f"{n} {esc(str(k))}" for k, n in self.doc.get("status_counts", {}).items())
        return (f"<p>Machine-readable summary (schema {esc(str(self.doc.get('schema_version')))}): "
                f"{counts}.</p><table><thead><tr><th>SLO</th><th>status</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    def __repr__(self) -> str:
        service = self.doc.get("kind") == "service-review"
        who = self.doc.get("service", {}).get("name") if service else "portfolio"
        return f"SummaryOutput({who!r}, {self.doc.get('status_counts')})"


def summary_of(nb: Any) -> dict[str, Any] | None:
    """Return the summary an executed review notebook shows in its ``summary`` cell, or None without one.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook (``nbformat.read``).
    """
    for cell in nb.cells:
        if cell.get("id") == SUMMARY_CELL and cell.cell_type == "code":
            for out in cell.get("outputs", []):
                doc = out.get("data", {}).get("application/json")
                if isinstance(doc, dict):
                    return dict(doc)
    return None
