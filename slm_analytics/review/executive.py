"""The executive summary of a service review and what changed since the last review, as report sections.

Both read the review's machine-readable summary (:func:`~slm_analytics.review.summary.service_summary`), so
the page a manager reads in 30 seconds shows exactly the numbers the ``<service>.summary.json`` beside it
holds, and the comparison with the previous review is the one :func:`~slm_analytics.review.summary_diff`
computes. Each renders through a Jinja2 template with autoescape on: service names, SLA customers, incident
titles and SIP text from the user's files are text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .formats import pct

if TYPE_CHECKING:
    from .summary import SummaryDiff

__all__ = ["ChangesView", "ExecutiveSummary", "changes_view", "executive_summary", "template_environment"]

_DASH = "–"


@cache
def template_environment() -> Any:
    """Return the Jinja2 environment of the package's templates (``review/templates``), autoescape on.

    Every page and report section the review writes itself (the indexes, the executive summary, what
    changed) renders through it, so user text is always text, never markup.
    """
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("slm_analytics.review", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _render(template: str, **values: Any) -> str:
    return template_environment().get_template(template).render(**values)


def _pct(value: float | None, digits: int = 2) -> str:
    return _DASH if value is None else pct(value, digits)


def _money(value: float | None) -> str:
    return _DASH if value is None else f"{value:,.2f}"


def _minutes(value: float | None) -> str:
    if value is None:
        return "unresolved"
    minutes = int(round(value))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


@dataclass(frozen=True, repr=False)
class ExecutiveSummary:
    """The executive summary of a service review (:func:`executive_summary`), shown as HTML in a notebook.

    Attributes
    ----------
    summary : dict
        This review's summary.
    previous : dict or None
        The previous review's summary, for the previous period's status beside this one.
    """

    summary: dict[str, Any]
    previous: dict[str, Any] | None = None

    def headline(self) -> str:
        """One line: ``"3 SLOs: 2 met, 1 at risk, 0 missed; 1 SLA breached; credits owed 4,000.00"``."""
        counts = self.summary["status_counts"]
        n = sum(counts.values())
        parts = [f"{counts[k]} {k}" for k in ("met", "at risk", "missed")]
        if counts.get("no data"):
            parts.append(f"{counts['no data']} without data")
        slas = self.summary["slas"]
        breached = sum(s["breached"] is True for s in slas)
        sla = (f"{breached} of {len(slas)} SLA{'s' if len(slas) != 1 else ''} breached" if slas
               else "no SLA")
        return (f"{n} SLO{'s' if n != 1 else ''}: {', '.join(parts)}; {sla}; credits owed "
                f"{_money(self.summary['credits_owed'])}")

    def slo_rows(self) -> list[dict[str, str]]:
        """One row per SLO: target, attainment, budget spent, P(miss), status and the previous status."""
        before = {s["name"]: s for s in (self.previous or {}).get("slos", [])}
        rows = []
        for s in self.summary["slos"]:
            was = before.get(s["name"])
            p = s.get("breach_probability")
            rows.append({
                "name": s["name"], "target": _pct(s["target"], 2), "attainment": _pct(s["attainment"], 3),
                "budget": _pct(s["budget_consumed"], 0), "risk": _pct(p, 0), "status": s["status"],
                "previous": _DASH if self.previous is None else was["status"] if was else "not reviewed",
                "previous_attainment": _pct(was["attainment"], 3) if was else _DASH,
            })
        return rows

    def _repr_html_(self) -> str:
        s = self.summary
        return _render(
            "executive.html.j2", headline=self.headline(), period=s["period"]["label"],
            previous_period=(self.previous or {}).get("period", {}).get("label"), slos=self.slo_rows(),
            slas=[{"name": a["name"], "customer": a["customer"], "attainment": _pct(a["attainment"], 3),
                   "target": _pct(a["target"], 2), "status": a["status"],
                   "provisional": a["provisional"], "credit": _money(a["credit_amount"])} for a in s["slas"]],
            incidents=[{"id": i["id"], "title": i["title"], "severity": i["severity"], "slo": i["slo"],
                        "start": (i["start"] or _DASH).replace("T", " ").replace("Z", " UTC"),
                        "duration": _minutes(i["duration_minutes"])} for i in s["major_incidents"]],
            items=[{"id": i["id"], "slo": i["slo"], "problem": i["problem"], "owner": i["owner"] or _DASH,
                    "due": i["due"] or _DASH, "status": i["status"]} for i in s["improvement_items"]])

    def __repr__(self) -> str:
        return f"ExecutiveSummary({self.summary['service']['name']}, {self.summary['period']['label']}: " \
               f"{self.headline()})"


def executive_summary(summary: dict[str, Any], *, previous: dict[str, Any] | None = None) -> ExecutiveSummary:
    """Return the review's executive summary: what a manager reads first, from the review's summary.

    Per SLO met / at risk / missed with the previous period's status beside it, the SLAs with the credits
    owed, the major incidents of the period and the top improvement items with their owners and due dates.

    Parameters
    ----------
    summary : dict
        This review's summary (:func:`~slm_analytics.review.service_summary`).
    previous : dict, optional
        The previous review's summary (:func:`~slm_analytics.review.read_summary`); without it the previous
        status reads "–".

    Returns
    -------
    ExecutiveSummary
        Shown as HTML in a notebook; :meth:`~ExecutiveSummary.headline` and
        :meth:`~ExecutiveSummary.slo_rows` give its text.

    Raises
    ------
    DataError
        If either summary does not follow the schema.

    Examples
    --------
    >>> import json
    >>> from slm_analytics.review import SCHEMA
    >>> doc = json.loads(SCHEMA.with_name("summary.example.json").read_text())
    >>> executive_summary(doc).headline()
    '2 SLOs: 1 met, 0 at risk, 1 missed; 1 of 1 SLA breached; credits owed 2,000.00'
    """
    from .summary import validate_summary

    validate_summary(summary)
    if previous is not None:
        validate_summary(previous)
    return ExecutiveSummary(summary, previous)


@dataclass(frozen=True, repr=False)
class ChangesView:
    """"What changed since the last review" (:func:`changes_view`), shown as HTML in a notebook.

    Attributes
    ----------
    diff : SummaryDiff
        The comparison of the two reviews.
    """

    diff: SummaryDiff

    def _repr_html_(self) -> str:
        d = self.diff
        if not d.found:
            return _render("changes.html.j2", found=False, note=d.note)

        def records(frame: Any) -> list[dict[str, Any]]:
            return [{k: ("" if v is None else v) for k, v in r.items()} for r in frame.to_dict("records")]

        deltas = [{"slo": r["slo"], "previous": _pct(r["previous_attainment"], 3),
                   "current": _pct(r["attainment"], 3),
                   "delta": _DASH if r["delta_pp"] is None else f"{r['delta_pp']:+.3f} pp",
                   "previous_status": r["previous_status"] or "not reviewed",
                   "status": r["status"] or "not reviewed", "changed": bool(r["status_changed"])}
                  for r in d.attainment.to_dict("records")]
        return _render("changes.html.j2", found=True, note=d.note, deltas=deltas,
                       breaches=records(d.breaches), sip=records(d.sip), changes=records(d.changes))

    def __repr__(self) -> str:
        return repr(self.diff)


def changes_view(diff: SummaryDiff) -> ChangesView:
    """Return the "What changed since the last review" section of a review, from :func:`summary_diff`.

    Attainment deltas per SLO with the status before and now, new and resolved SLO and SLA breaches, SIP
    progress (items new, closed, overdue) and targets or requirements that changed; for a first review,
    "no previous review found".

    Parameters
    ----------
    diff : SummaryDiff
        :func:`~slm_analytics.review.summary_diff` of the previous and this review's summaries.

    Returns
    -------
    ChangesView
        Shown as HTML in a notebook.

    Examples
    --------
    >>> import json
    >>> from slm_analytics.review import SCHEMA, summary_diff
    >>> doc = json.loads(SCHEMA.with_name("summary.example.json").read_text())
    >>> changes_view(summary_diff(None, doc))
    SummaryDiff(checkout, 2026-10: no previous review found)
    """
    return ChangesView(diff)
