r"""Prometheus recording and multi-window multi-burn-rate alerting rules from the catalog.

The rules deploy the same alert policy the notebooks tune on history: each rule's burn-rate factor comes
from :func:`~slm_analytics.budget.burn_rate_thresholds` (the table
:func:`~slm_analytics.budget.burn_rate_alerts` replays), and an alert fires exactly when the backtest's
rule does: while the error ratio over both the long and the short window exceeds
``burn_rate * (1 - target)`` (SRE Workbook, "Alerting on SLOs", ch. 5).

For each SLO the rule file holds one group with

* recording rules ``slo:sli_error:ratio_rate<window>`` (labels ``service``, ``slo``): the share of bad events
  over every window the policy uses, from the SLO's own PromQL queries with their range (``[5m]``) widened
  to the window;
* one alerting rule ``SLOErrorBudgetBurn`` per policy rule, with labels ``severity``, ``service``, ``slo``,
  ``long_window``, ``short_window``, comparing both recorded ratios with the threshold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import pandas as pd

from ..budget import burn_rate_thresholds
from ..catalog import SLO, AlertPolicy, Catalog, RatioIndicator, ThresholdIndicator, parse_window
from ..errors import DefinitionError, ParameterError, shorten

__all__ = ["ALERT_NAME", "PrometheusRules", "go_float", "prometheus_rules", "promql_string", "record_name"]

#: name of every alerting rule written (told apart by its labels: severity, service, slo, windows)
ALERT_NAME = "SLOErrorBudgetBurn"

# string literals of PromQL (double, single, back quotes), masked before the query is rewritten
_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
# a range selector ``[5m]``, ``[1h30m]`` (not a subquery ``[1h:5m]``)
_RANGE = re.compile(r"\[\s*((?:\d+(?:ms|[smhdwy]))+)\s*\]")
_SUBQUERY = re.compile(r"\[[^\]]*:[^\]]*\]")
_COUNTER_FUNCS = re.compile(r"\b(rate|increase)\s*\(")
_OTHER_RANGE_FUNCS = re.compile(r"\b(irate|delta|idelta|deriv|resets|changes|\w+_over_time)\s*\(")
_SELECTOR = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$", re.DOTALL)


def promql_string(value: str) -> str:
    r"""Return ``value`` as a double-quoted PromQL string literal (quotes, backslashes, newlines escaped).

    PromQL reads Go's escapes, which JSON's are a subset of.

    Examples
    --------
    >>> print(promql_string('say "hi"'))
    "say \"hi\""
    """
    return json.dumps(value, ensure_ascii=False)


def record_name(window: str) -> str:
    """Return the name of the recorded error ratio over ``window`` (``slo:sli_error:ratio_rate1h``).

    Examples
    --------
    >>> record_name("30m")
    'slo:sli_error:ratio_rate30m'
    """
    return f"slo:sli_error:ratio_rate{window}"


def _template_text(value: str) -> str:
    """Quote text for a Go template (alert labels and annotations are templates): ``{{`` printed as is."""
    return value.replace("{{", '{{ "{{" }}')


@dataclass(frozen=True)
class PrometheusRules:
    """A Prometheus rule file built from the catalog, and the SLOs left out of it.

    Attributes
    ----------
    groups : tuple of dict
        The rule groups, one per SLO, as Prometheus reads them (``name``, optional ``interval``, ``rules``).
    skipped : DataFrame
        ``service, slo, reason``: the SLOs no rule could be written for, and why.
    """

    groups: tuple[dict[str, Any], ...]
    skipped: pd.DataFrame = field(repr=False)

    def __repr__(self) -> str:
        n_alerts = sum(1 for g in self.groups for r in g["rules"] if "alert" in r)
        return (f"PrometheusRules({len(self.groups)} groups, {n_alerts} alerting rules, "
                f"{len(self.skipped)} SLOs skipped)")

    def to_dict(self) -> dict[str, Any]:
        """Return the rule file as a mapping ``{"groups": [...]}``."""
        return {"groups": [dict(g) for g in self.groups]}

    def to_yaml(self) -> str:
        """Return the rule file as YAML text, ready for ``rule_files`` (write it where Prometheus reads)."""
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=10_000)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per rule.

        Columns: ``group, kind`` (``record`` or ``alert``), ``name, service, slo, severity, long_window,
        short_window, expr``.
        """
        rows = []
        for g in self.groups:
            for r in g["rules"]:
                labels = r.get("labels", {})
                rows.append({"group": g["name"], "kind": "alert" if "alert" in r else "record",
                             "name": r.get("alert", r.get("record")), "service": labels.get("service"),
                             "slo": labels.get("slo"), "severity": labels.get("severity"),
                             "long_window": labels.get("long_window"),
                             "short_window": labels.get("short_window"), "expr": r["expr"]})
        return pd.DataFrame(rows, columns=["group", "kind", "name", "service", "slo", "severity",
                                           "long_window", "short_window", "expr"])


class _Unsupported(Exception):
    """The SLO's definition cannot be turned into Prometheus rules (the message says why)."""


def _widen(query: str, window: str, what: str) -> str:
    """Return a counter query with every range selector set to ``window``."""
    masked = _STRINGS.sub(lambda m: "_" * len(m.group()), query)
    if _SUBQUERY.search(masked):
        msg = f"the {what} query has a subquery, whose range cannot be set per window: {shorten(query)}"
        raise _Unsupported(msg)
    if (m := _OTHER_RANGE_FUNCS.search(masked)) is not None:
        msg = (f"the {what} query uses {m.group(1)}(), not rate() or increase() of a counter: "
               f"{shorten(query)}")
        raise _Unsupported(msg)
    spans = [m.span() for m in _RANGE.finditer(masked)]
    if not spans or not _COUNTER_FUNCS.search(masked):
        msg = (f"the {what} query has no rate(...[5m]) or increase(...[5m]) of a counter whose range could "
               f"be widened to the alert windows (a gauge, e.g. probe_success?): {shorten(query)}")
        raise _Unsupported(msg)
    out, last = [], 0
    for a, b in spans:
        out += [query[last:a], f"[{window}]"]
        last = b
    return "".join([*out, query[last:]])


def go_float(value: float) -> str:
    """Return ``value`` as Go's ``strconv.FormatFloat(value, 'g', -1, 64)`` writes it (Prometheus's ``le``).

    Shortest digits that read back as the same float; exponent form below 1e-4 and from 1e6 up.

    Examples
    --------
    >>> [go_float(v) for v in (0.5, 1.0, 900.0, 1e6, 2.5e6, 1e-5, 0.0001)]
    ['0.5', '1', '900', '1e+06', '2.5e+06', '1e-05', '0.0001']
    """
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    power = len(digits) + int(exponent) - 1  # the value is d.ddd x 10**power
    if power < -4 or power >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        out = f"{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    elif power < 0:
        out = "0." + "0" * (-power - 1) + text
    else:
        whole, frac = text[:power + 1].ljust(power + 1, "0"), text[power + 1:]
        out = whole + ("." + frac if frac else "")
    return ("-" if sign else "") + out


def _le_spellings(value: float) -> list[str]:
    """How client libraries write the bucket bound ``value`` in ``le``: Go ``1``, Python ``1.0``."""
    return sorted({go_float(value), repr(float(value))})


def _threshold_queries(ind: ThresholdIndicator, window: str) -> tuple[str, str, bool]:
    """``(bucket query, count query, good_is_bucket)`` over ``window`` for a histogram threshold."""
    if not isinstance(ind.metric, str):
        msg = "the indicator's metric is not a PromQL query string"
        raise _Unsupported(msg)
    m = _SELECTOR.match(ind.metric)
    if m is None or not m.group(1).endswith("_bucket"):
        msg = (f"the threshold metric must be a histogram's bucket series selector such as "
               f"'http_request_duration_seconds_bucket{{job=\"api\"}}', not {shorten(ind.metric)}")
        raise _Unsupported(msg)
    name, matchers = m.group(1), (m.group(2) or "").strip().rstrip(",")
    if re.search(r"(^|[,{\s])le\s*[=!]", _STRINGS.sub("_", matchers)):
        msg = f"the threshold metric already selects a bucket (le): {shorten(ind.metric)}"
        raise _Unsupported(msg)
    bound = ind.threshold
    if ind.unit == "ms" and "_seconds" in name:
        bound = bound / 1000
    elif ind.unit == "s" and "_milliseconds" in name:
        bound = bound * 1000
    le = "|".join(re.escape(s) for s in _le_spellings(bound))
    sep = f"{matchers}," if matchers else ""
    bucket = f"sum(rate({name}{{{sep}le=~{promql_string(le)}}}[{window}]))"
    count = f"sum(rate({name}{{{sep}le=\"+Inf\"}}[{window}]))"
    return bucket, count, ind.op in ("lte", "lt")


def _error_ratio(slo: SLO, window: str) -> str:
    """PromQL of the SLO's share of bad events over ``window``."""
    ind = slo.indicator
    if ind.source.lower() != "prometheus":
        msg = f"the metric source is {ind.source!r}, not Prometheus"
        raise _Unsupported(msg)
    if isinstance(ind, ThresholdIndicator):
        b, c, good_is_bucket = _threshold_queries(ind, window)
        return f"({c} - {b}) / {c}" if good_is_bucket else f"{b} / {c}"
    if not isinstance(ind, RatioIndicator):  # pragma: no cover -- the catalog has two indicator kinds
        msg = f"unknown indicator kind {type(ind).__name__}"
        raise _Unsupported(msg)
    if ind.raw is not None:
        msg = ("a raw ratio query cannot be summed over the alert windows (give good or bad, and total "
               "counters)")
        raise _Unsupported(msg)
    if not ind.counter:
        msg = "the queries are not counters (counter: false)"
        raise _Unsupported(msg)
    queries = {"good": ind.good, "bad": ind.bad, "total": ind.total}
    for what, q in queries.items():
        if q is not None and not isinstance(q, str):
            msg = f"the {what} query is not a PromQL string but {shorten(q)}"
            raise _Unsupported(msg)
    total = _widen(ind.total, window, "total")  # type: ignore[arg-type]
    if ind.bad is not None:
        return f"({_widen(ind.bad, window, 'bad')}) / ({total})"  # type: ignore[arg-type]
    return f"(({total}) - ({_widen(ind.good, window, 'good')})) / ({total})"  # type: ignore[arg-type]


def _slo_group(slo: SLO, policy: AlertPolicy | pd.DataFrame | None, interval: str | None) -> dict[str, Any]:
    """Return the rule group of one SLO: its recorded error ratios and its alerting rules."""
    if slo.budgeting_method != "Occurrences":
        msg = (f"budgeting method {slo.budgeting_method}: the backtest counts fixed slices of the period, "
               "which rules evaluated on a sliding clock do not reproduce")
        raise _Unsupported(msg)
    try:
        table = burn_rate_thresholds(slo.window, policy)
    except ParameterError as exc:
        msg = f"SLO {slo.service}/{slo.name}: alert policy does not fit its window {slo.window!r}: {exc}"
        raise ParameterError(msg) from exc
    windows = sorted({*table["long_window"], *table["short_window"]}, key=parse_window)
    ident = {"service": slo.service, "slo": slo.name}
    rules: list[dict[str, Any]] = [
        {"record": record_name(w), "expr": _error_ratio(slo, w), "labels": dict(ident)} for w in windows
    ]
    match = ",".join(f"{k}={promql_string(v)}" for k, v in ident.items())
    for r in table.itertuples(index=False):
        thr = float(r.burn_rate) * (1 - slo.target)  # the backtest's threshold, same float operations
        expr = (f"{record_name(r.long_window)}{{{match}}} > {thr!r}"
                f" and {record_name(r.short_window)}{{{match}}} > {thr!r}")
        summary = (f"{slo.service}/{slo.name}: error budget burning {float(r.burn_rate):.4g}x too fast over "
                   f"{r.long_window} and {r.short_window}")
        detail = (f"Error ratio above {thr:.4g} (burn rate {float(r.burn_rate):.4g} x (1 - {slo.target})) "
                  f"over {r.long_window} and {r.short_window}: {float(r.budget_consumed):.4g} of the "
                  f"{slo.window} error budget spent in {r.long_window} at this pace.")
        if slo.description:
            detail += f" SLO: {slo.description}"
        labels = {"severity": str(r.severity), **ident, "long_window": str(r.long_window),
                  "short_window": str(r.short_window)}
        rules.append({"alert": ALERT_NAME, "expr": expr,
                      "labels": {k: _template_text(v) for k, v in labels.items()},
                      "annotations": {"summary": _template_text(summary),
                                      "description": _template_text(detail)}})
    group: dict[str, Any] = {"name": f"slm-slo:{slo.service}/{slo.name}"}
    if interval is not None:
        group["interval"] = interval
    group["rules"] = rules
    return group


def _selected(catalog: Catalog, slos: Iterable[SLO | tuple[str, str]] | None) -> list[SLO]:
    if slos is None:
        return list(catalog.slos)
    out = []
    for s in slos:
        if isinstance(s, SLO):
            out.append(s)
        elif isinstance(s, Sequence) and not isinstance(s, str) and len(s) == 2:
            out.append(catalog.slo(str(s[0]), str(s[1])))
        else:
            msg = f"slos: {shorten(s)} is neither an SLO nor a (service, slo) pair"
            raise ParameterError(msg)
    return out


def prometheus_rules(
    catalog: Catalog,
    *,
    slos: Iterable[SLO | tuple[str, str]] | None = None,
    policy: AlertPolicy | pd.DataFrame | None = None,
    interval: str | None = None,
    on_unsupported: Literal["skip", "raise"] = "skip",
) -> PrometheusRules:
    r"""Return Prometheus recording and multi-window multi-burn-rate alerting rules for the catalog's SLOs.

    Parameters
    ----------
    catalog : Catalog
        Supplies each SLO's queries, target, window (the budget period) and alert policy.
    slos : iterable of SLO or (service, slo) pairs, optional
        The SLOs to write rules for; default every SLO of the catalog.
    policy : AlertPolicy or DataFrame, optional
        Rules for every SLO (overrides the catalog's); default the SLO's alert policy, else the SRE
        Workbook's (:data:`~slm_analytics.budget.SRE_WORKBOOK_POLICY`) -- the same choice as
        :func:`~slm_analytics.budget.burn_rate_alerts`, so the rules fire where its backtest does.
    interval : str, optional
        The groups' evaluation interval (Prometheus duration, ``"1m"``); default the server's global one.
    on_unsupported : {"skip", "raise"}
        What to do with an SLO whose definition cannot become rules: list it in ``skipped`` with the
        reason, or raise :class:`DefinitionError`.

    Returns
    -------
    PrometheusRules
        ``groups`` (one per SLO, ``to_dict()`` / ``to_yaml()`` give the rule file) and ``skipped``
        (``service, slo, reason``).

    Raises
    ------
    DefinitionError
        With ``on_unsupported="raise"``, an SLO that cannot become rules (the reason quoted).
    ParameterError
        A policy window longer than an SLO's window; ``slos`` entries that are not SLOs; a bad
        ``on_unsupported`` or ``interval``.

    Notes
    -----
    An SLO gets rules when its indicator is Prometheus and

    * a ratio of counters: good (or bad) and total queries with ``rate(...[5m])`` or ``increase(...[5m])``;
      every range selector is set to the window (the catalog's ``sum(rate(...))`` and ``sum(increase(...))``
      shapes). Gauges (``sum(probe_success)``), raw ratios, subqueries and other range functions are
      skipped;
    * a threshold on a histogram's ``..._bucket`` series: good events are the bucket ``le`` = threshold
      (converted to the metric's unit, ``s`` or ``ms`` by its name; ``le`` matched as Go and Python
      clients write it, ``1`` or ``1.0``) and all events the ``+Inf`` bucket. The threshold must be a bucket
      bound; ``lt`` is read as ``lte`` (and ``gt`` as ``gte``) at bucket resolution.

    Only the Occurrences method gets rules: the backtest counts Timeslices and RatioTimeslices in fixed
    slices of the period, which rules evaluated every interval on a sliding window do not reproduce.

    The error ratio over window :math:`w` is :math:`\text{bad}(w) / \text{total}(w)` and a rule
    fires while the ratios over both its windows exceed :math:`f (1 - T)`, with :math:`f` from
    :func:`~slm_analytics.budget.burn_rate_thresholds` (``budget_consumed * period / long_window`` when
    the policy gives a share of the budget). Rules have no ``for:`` duration: like the backtest they fire
    at the first evaluation above the threshold. A ratio over a window without events is NaN and does not
    fire (the backtest's windows without events never fire either).

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> rules = prometheus_rules(read_dataset("catalog"))
    >>> rules.groups[0]["rules"][0]["record"]
    'slo:sli_error:ratio_rate5m'
    >>> rules.to_frame().query("kind == 'alert'")[["service", "slo", "severity", "long_window"]].head(2)
        service           slo severity long_window
    7  checkout  availability     page          1h
    8  checkout  availability     page          6h
    >>> rules.skipped["service"].tolist()
    ['checkout', 'payments', 'login', 'email', 'partner-gateway']
    >>> text = rules.to_yaml()  # write it to a file listed under the server's rule_files
    """
    if not isinstance(catalog, Catalog):
        msg = (f"prometheus_rules: catalog must be a Catalog (read_catalog, read_dataset), not "
               f"{type(catalog).__name__}")
        raise ParameterError(msg)
    if on_unsupported not in ("skip", "raise"):
        msg = f"on_unsupported must be 'skip' or 'raise', not {shorten(on_unsupported)}"
        raise ParameterError(msg)
    if interval is not None:
        try:
            parse_window(interval)
        except DefinitionError as exc:
            msg = f"interval: {exc}"
            raise ParameterError(msg) from None
    groups, skipped = [], []
    for slo in _selected(catalog, slos):
        pol = policy if policy is not None else (
            catalog.alert_policy(slo.alert_policy) if slo.alert_policy else None)
        try:
            groups.append(_slo_group(slo, pol, interval))
        except _Unsupported as exc:
            if on_unsupported == "raise":
                msg = f"SLO {slo.service}/{slo.name}: no Prometheus rules can be written: {exc}"
                raise DefinitionError(msg) from None
            skipped.append({"service": slo.service, "slo": slo.name, "reason": str(exc)})
    return PrometheusRules(tuple(groups), pd.DataFrame(skipped, columns=["service", "slo", "reason"]))
