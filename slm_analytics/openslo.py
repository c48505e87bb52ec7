"""OpenSLO v1: read OpenSLO files into a :class:`~slm_analytics.catalog.Catalog`, write a catalog as OpenSLO.

:func:`read_openslo` reads OpenSLO v1 as it is written in the wild: one document or a YAML stream of them,
or a YAML list of documents (the form ``oslo validate`` accepts), mixing the kinds ``Service``, ``SLI``,
``SLO``, ``DataSource``, ``AlertPolicy``, ``AlertCondition`` and ``AlertNotificationTarget``. What it
cannot represent it refuses, naming the construct and why. The mapping:

* **Service** -> :class:`~slm_analytics.catalog.Service`. OpenSLO carries none of our service fields
  (owner, tier, users, business weight); they come from our ``slm-analytics/...`` annotations when present,
  otherwise placeholders (owner ``unknown``, tier 3, 0 users, weight 1). A service named by SLOs but not
  defined gets the same placeholders. Its time zone is the annotation's, else its SLOs' calendar
  ``timeZone`` (they must agree), else UTC.
* **SLO** -> one :class:`~slm_analytics.catalog.SLO` per objective. An SLO with one objective keeps its
  name; with several, objective *k* becomes ``<name>-<displayName as identifier>`` (or ``<name>-<k>``
  without a display name), with ``objective_of=<name>`` (their shared SLI series) and the objective's
  display name kept in ``objective_name``. A name written ``<service>-<name>`` (as :func:`to_openslo`
  writes them) loses its service prefix.
* **Indicators**: ``indicator`` inline or ``indicatorRef`` to an ``SLI`` document; ``ratioMetric`` with
  ``good``/``bad`` and ``total`` or ``raw`` with ``rawType``, and ``counter``; ``thresholdMetric`` with
  the objective's ``op`` and ``value``. A ``metricSource.spec`` holding only a ``query`` is kept as that
  query; any other spec (CloudWatch, Datadog, BigQuery...) is kept as given. ``metricSourceRef`` names a
  ``DataSource``, whose ``type`` is used when the metric source gives none.
* **timeWindow**: rolling ``<n>m|h|d|w``; calendar ``1w``, ``1M``, ``1Q`` (week, month, quarter) with
  ``calendar.timeZone`` as the SLO's time zone. Calendar periods start at local midnight on Monday, the
  first of the month or of the quarter; ``calendar.startTime`` is checked but not kept.
* **alertPolicies** (names, ``alertPolicyRef`` or inline ``AlertPolicy``) -> the SLO's alert policy: each
  ``burnrate`` condition becomes a rule firing at ``threshold`` times the budget's rate over
  ``lookbackWindow``, with a short window of 1/12 of it (the SRE Workbook's pairing, "Alerting on SLOs",
  table 5-8; OpenSLO v1 has no short window). Severity must be ``page`` or ``ticket``. Several policies on
  one SLO are merged into one named after them. Notification targets, ``alertAfter`` and the
  ``alertWhen...`` flags have no equivalent and are not kept.
* Names that are not identifiers (``Payment Gateway``) become identifiers (``payment-gateway``); the
  original is kept as ``display_name`` and a :class:`UserWarning` lists every such mapping.

:func:`to_openslo` writes a catalog back; schedules, SLAs and our alert policies (whose budget-share rules
and two windows OpenSLO cannot say) are written as ``apiVersion: slm-analytics/v1`` documents that OpenSLO
tools skip, so catalog -> OpenSLO -> catalog gives an equal catalog.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from .catalog import (
    SLO,
    AlertPolicy,
    Catalog,
    RatioIndicator,
    Service,
    ThresholdIndicator,
    line_of,
    parse_window,
    read_yaml,
)
from .errors import DefinitionError, shorten

__all__ = ["EXTENSION_API", "OPENSLO_API", "read_openslo", "to_openslo"]

OPENSLO_API = "openslo/v1"
EXTENSION_API = "slm-analytics/v1"
_ANN = "slm-analytics/"
_CAL_DURATION = {"week": "1w", "month": "1M", "quarter": "1Q"}
_DURATION_CAL = {v: k for k, v in _CAL_DURATION.items()}
_IDENT = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KINDS = ("Service", "SLI", "SLO", "DataSource", "AlertPolicy", "AlertCondition", "AlertNotificationTarget")
_EXTENSIONS = {"Schedule": "schedules", "SLA": "slas", "AlertPolicy": "alert_policies"}
_PLACEHOLDER_SERVICE: dict[str, Any] = {"owner": "unknown", "tier": 3, "users": 0, "business_weight": 1.0}
#: our field names -> the OpenSLO keys they come from, for messages about an invalid value
_KEYS = {"window": "timeWindow", "timeslice_target": "timeSliceTarget", "timeslice_window": "timeSliceWindow",
         "budgeting_method": "budgetingMethod", "threshold": "value", "raw_type": "rawType"}
_METHODS = ("Occurrences", "Timeslices", "RatioTimeslices")


# --------------------------------------------------------------------------------------------- writing


def _metric(source: str, ref: str | None, query: Any) -> dict[str, Any]:
    ms: dict[str, Any] = {"type": source}
    if ref is not None:
        ms["metricSourceRef"] = ref
    ms["spec"] = {"query": query} if isinstance(query, str) else dict(query or {})
    return {"metricSource": ms}


def _indicator(slo: SLO) -> dict[str, Any]:
    ind = slo.indicator
    if isinstance(ind, RatioIndicator):
        rm: dict[str, Any] = {"counter": ind.counter}
        for key in ("good", "bad", "total", "raw"):
            if getattr(ind, key) is not None:
                rm[key] = _metric(ind.source, ind.source_ref, getattr(ind, key))
        if ind.raw_type is not None:
            rm["rawType"] = ind.raw_type
        spec: dict[str, Any] = {"ratioMetric": rm}
    else:
        spec = {"thresholdMetric": _metric(ind.source, ind.source_ref, ind.metric)}
    meta: dict[str, Any] = {"name": ind.name or f"{slo.service}-{slo.objective_of or slo.name}-sli"}
    if ind.display_name:
        meta["displayName"] = ind.display_name
    return {"metadata": meta, "spec": spec}


def _objective(slo: SLO) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    if slo.objective_name:
        obj["displayName"] = slo.objective_name
    if isinstance(slo.indicator, ThresholdIndicator):
        obj.update(op=slo.indicator.op, value=slo.indicator.threshold)
    obj["target"] = slo.target
    if slo.timeslice_target is not None:
        obj["timeSliceTarget"] = slo.timeslice_target
    if slo.timeslice_window is not None:
        obj["timeSliceWindow"] = slo.timeslice_window
    return obj


def _openslo_slo(group: list[SLO], service: Service) -> dict[str, Any]:
    slo = group[0]
    if slo.is_rolling:
        window: dict[str, Any] = {"duration": slo.window, "isRolling": True}
    else:
        window = {"duration": _CAL_DURATION[slo.window], "isRolling": False,
                  "calendar": {"startTime": "2020-01-01 00:00:00",
                               "timeZone": slo.timezone or service.timezone}}
    annotations = {}
    if isinstance(slo.indicator, ThresholdIndicator) and slo.indicator.unit is not None:
        annotations[_ANN + "unit"] = slo.indicator.unit
    if slo.alert_policy is not None:
        annotations[_ANN + "alert-policy"] = slo.alert_policy
    metadata: dict[str, Any] = {"name": f"{slo.service}-{slo.objective_of or slo.name}"}
    if slo.display_name:
        metadata["displayName"] = slo.display_name
    if annotations:
        metadata["annotations"] = annotations
    body: dict[str, Any] = {"service": slo.service, "indicator": _indicator(slo), "timeWindow": [window],
                            "budgetingMethod": slo.budgeting_method,
                            "objectives": [_objective(o) for o in group]}
    if slo.description:
        body = {"description": slo.description, **body}
    return {"apiVersion": OPENSLO_API, "kind": "SLO", "metadata": metadata, "spec": body}


def _groups(slos: tuple[SLO, ...]) -> Iterator[list[SLO]]:
    """SLOs in catalog order; the objectives of one OpenSLO SLO (same ``objective_of``) together."""
    done: set[tuple[str, str]] = set()
    for o in slos:
        if o.objective_of is None:
            yield [o]
        elif (o.service, o.objective_of) not in done:
            done.add((o.service, o.objective_of))
            yield [p for p in slos if (p.service, p.objective_of) == (o.service, o.objective_of)]


def _annotation(value: Any) -> str:
    """Return an annotation's text (annotations are strings): booleans in lower case, lists as JSON."""
    if isinstance(value, bool):
        return str(value).lower()
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def to_openslo(catalog: Catalog) -> list[dict[str, Any]]:
    """Express a catalog as OpenSLO v1 documents (one dict per YAML document).

    Services become ``kind: Service`` (our extra fields as ``slm-analytics/...`` annotations) and SLOs
    ``kind: SLO`` (the objectives of one OpenSLO SLO, sharing ``objective_of``, as one SLO with several
    objectives). Schedules, SLAs and alert policies have no OpenSLO v1 equivalent with the same meaning;
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
    >>> docs[0]["kind"], docs[13]["kind"], docs[13]["spec"]["budgetingMethod"]
    ('Service', 'SLO', 'Occurrences')
    """
    docs: list[dict[str, Any]] = []
    services = {s.name: s for s in catalog.services}
    for s in catalog.services:
        extra = s.model_dump(mode="json", exclude={"name", "description", "display_name"})
        annotations = {_ANN + k: _annotation(v) for k, v in extra.items() if v is not None and v != []}
        metadata: dict[str, Any] = {"name": s.name}
        if s.display_name:
            metadata["displayName"] = s.display_name
        metadata["annotations"] = annotations
        docs.append({"apiVersion": OPENSLO_API, "kind": "Service", "metadata": metadata,
                     "spec": {"description": s.description}})
    docs.extend(_openslo_slo(g, services[g[0].service]) for g in _groups(catalog.slos))
    for kind, items in (("Schedule", catalog.schedules), ("SLA", catalog.slas),
                        ("AlertPolicy", catalog.alert_policies)):
        for item in items:
            spec = item.model_dump(mode="json", exclude_defaults=True)
            docs.append({"apiVersion": EXTENSION_API, "kind": kind, "metadata": {"name": spec.pop("name")},
                         "spec": spec})
    return docs


# --------------------------------------------------------------------------------------------- reading


@dataclass
class _Obj:
    """One OpenSLO object of the file: its content, node tree (for lines) and where it is."""

    doc: dict[str, Any]
    node: Any
    place: str  # "<file>: document N" (", item M" in a YAML list of documents)

    @property
    def where(self) -> str:
        return f"{self.place}, line {self.node.start_mark.line + 1}"

    @property
    def kind(self) -> str:
        return self.doc["kind"]

    @property
    def name(self) -> str:
        return self.doc["metadata"]["name"]

    def at(self, *loc: Any) -> str:
        """``<file>: document N, line L`` with the line of the key ``loc`` inside the object."""
        line = line_of(self.node, loc) if loc else None
        return self.where if line is None else f"{self.place}, line {line}"

    def fail(self, problem: str, *loc: Any) -> NoReturn:
        """Raise a DefinitionError at the key ``loc`` of this object."""
        what = f"{self.kind} {self.name!r}"
        key = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in loc).replace(".[", "[")
        msg = f"{self.at(*loc)}: {what}{f', {key}' if key else ''}: {problem}"
        raise DefinitionError(msg) from None


@dataclass
class _Reader:
    """The objects of one file and what reading them has found so far."""

    path: Path
    objects: dict[str, dict[str, _Obj]] = field(default_factory=dict)
    extensions: list[_Obj] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    policy_sources: dict[str, _Obj] = field(default_factory=dict)

    def ident(self, value: Any, obj: _Obj, *loc: Any) -> str:
        """Return ``value`` as an identifier: kept if it is one, else mapped (``A B`` -> ``a-b``)."""
        if not isinstance(value, str) or not value.strip():
            obj.fail(f"expected a name, got {shorten(value)}", *loc)
        if _IDENT.match(value):
            return value
        ident = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        if not ident:
            obj.fail(f"name {shorten(value)} has no letter or digit to make an identifier of", *loc)
        other = next((k for k, v in self.renamed.items() if v == ident and k != value), None)
        if other is not None:
            obj.fail(f"name {shorten(value)} and name {shorten(other)} both map to the identifier "
                     f"{ident!r}; rename one of them", *loc)
        self.renamed[value] = ident
        return ident

    def get(self, kind: str, name: Any, obj: _Obj, *loc: Any) -> _Obj:
        found = self.objects.get(kind, {})
        if not isinstance(name, str) or name not in found:
            obj.fail(f"refers to {kind} {shorten(name)}, which the file does not define; "
                     f"its {kind} documents: {sorted(found)}", *loc)
        return found[name]


def _objects(path: Path) -> Iterator[_Obj]:
    """Every object of the file, from documents and from YAML lists of documents."""
    docs = read_yaml(path)
    if all(d is None for d, _ in docs):
        msg = f"{path}: no OpenSLO documents found (the file is empty)"
        raise DefinitionError(msg)
    for i, (data, node) in enumerate(docs, start=1):
        if data is None:
            continue
        items = list(zip(data, node.value, strict=True)) if isinstance(data, list) else [(data, node)]
        for j, (doc, n) in enumerate(items, start=1):
            place = f"{path}: document {i}" + (f", item {j}" if isinstance(data, list) else "")
            yield _check_object(doc, n, place)


def _check_object(doc: Any, node: Any, place: str) -> _Obj:
    where = f"{place}, line {node.start_mark.line + 1}"
    if not isinstance(doc, dict):
        msg = f"{where}: expected a mapping with apiVersion, kind, metadata and spec, got {shorten(doc)}"
        raise DefinitionError(msg)
    api, kind = doc.get("apiVersion"), doc.get("kind")
    if api == EXTENSION_API and kind in _EXTENSIONS or api == OPENSLO_API and kind in _KINDS:
        pass
    elif isinstance(api, str) and api.startswith("openslo/") and api != OPENSLO_API:
        msg = (f"{where}: apiVersion {shorten(api)} is not supported: this reader reads {OPENSLO_API} "
               "(files of other versions differ in layout; convert them, e.g. with 'oslo convert')")
        raise DefinitionError(msg)
    else:
        msg = (f"{where}: unsupported document apiVersion {shorten(api)} kind {shorten(kind)}; supported: "
               f"{OPENSLO_API} {', '.join(_KINDS)} (and {EXTENSION_API} {', '.join(_EXTENSIONS)})")
        raise DefinitionError(msg)
    for key in ("metadata", "spec"):
        if key not in doc and key == "spec" and kind in ("Service",):
            continue
        if not isinstance(doc.get(key), dict):
            line = line_of(node, (key,))
            state = "is empty" if doc.get(key) is None and key in doc else (
                "is missing" if key not in doc else f"must be a mapping, got {shorten(doc[key])}")
            msg = f"{place}, line {line if key in doc else node.start_mark.line + 1}: {kind}: {key} {state}"
            raise DefinitionError(msg)
    if not isinstance(doc["metadata"].get("name"), str) or not doc["metadata"]["name"].strip():
        msg = f"{where}: {kind}: metadata.name is missing; every OpenSLO object is named"
        raise DefinitionError(msg)
    return _Obj(doc, node, place)


def _mapping(value: Any, obj: _Obj, *loc: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        state = "is empty" if value is None else f"must be a mapping, got {shorten(value)}"
        obj.fail(state, *loc)
    return value


def _source(r: _Reader, ms_parent: Any, obj: _Obj, *loc: Any) -> tuple[str, str | None, Any]:
    """(type, DataSource name, query or spec) of a ``{metricSource: ...}`` mapping."""
    ms = _mapping(_mapping(ms_parent, obj, *loc).get("metricSource"), obj, *loc, "metricSource")
    ref = ms.get("metricSourceRef")
    kind = ms.get("type")
    if ref is not None and not kind:  # the type comes from the DataSource, which must then be in the file
        ds = r.get("DataSource", ref, obj, *loc, "metricSource", "metricSourceRef")
        kind = (ds.doc.get("spec") or {}).get("type")
    if not isinstance(kind, str) or not kind:
        obj.fail("metricSource needs a type (or a metricSourceRef to a DataSource with one)",
                 *loc, "metricSource")
    spec = ms.get("spec")
    if spec is None:
        spec = {}
    if isinstance(spec, dict) and set(spec) == {"query"} and isinstance(spec["query"], str):
        spec = spec["query"]
    return kind, ref, spec


def _ratio(r: _Reader, rm: dict[str, Any], obj: _Obj, loc: tuple[Any, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "ratio"}
    if unknown := sorted(set(rm) - {"counter", "good", "bad", "total", "raw", "rawType"}, key=str):
        obj.fail(f"unknown key {shorten(unknown[0])}; a ratioMetric has counter, good or bad with total, or "
                 "raw with rawType", *loc)
    if not ("raw" in rm or "total" in rm and ("good" in rm) != ("bad" in rm)):
        obj.fail("a ratioMetric needs total and exactly one of good and bad, or raw with rawType", *loc)
    if ("raw" in rm) != ("rawType" in rm) or rm.get("rawType", "success") not in ("success", "failure"):
        obj.fail(f"raw needs rawType 'success' (the good ratio) or 'failure' (the bad ratio), got "
                 f"{shorten(rm.get('rawType'))}", *loc)
    sources = set()
    for key in ("good", "bad", "total", "raw"):
        if key in rm:
            kind, ref, spec = _source(r, rm[key], obj, *loc, key)
            sources.add((kind, ref))
            out[key] = spec
    if len(sources) > 1:
        obj.fail(f"the metrics come from different sources {sorted(sources, key=str)}; one indicator "
                 "reads one source here", *loc)
    if not sources:
        obj.fail("ratioMetric needs good or bad with total, or raw with rawType", *loc)
    (out["source"], ref), = sources
    if ref is not None:
        out["source_ref"] = ref
    if "rawType" in rm:
        out["raw_type"] = rm["rawType"]
    if "counter" in rm:
        out["counter"] = rm["counter"]
    return out


def _indicator_of(r: _Reader, o: _Obj) -> tuple[dict[str, Any], _Obj, tuple[Any, ...]]:
    """Return the SLO's indicator as our fields (no threshold yet), the object holding it, its location."""
    spec = o.doc["spec"]
    if "indicator" in spec:
        ind, holder, loc = _mapping(spec["indicator"], o, "spec", "indicator"), o, ("spec", "indicator")
    elif "indicatorRef" in spec:
        holder = r.get("SLI", spec["indicatorRef"], o, "spec", "indicatorRef")
        ind, loc = holder.doc, ()
    else:
        o.fail("needs an indicator (inline) or an indicatorRef (the name of an SLI document)", "spec")
    meta = ind.get("metadata") if isinstance(ind.get("metadata"), dict) else {}
    body = _mapping(ind.get("spec"), holder, *loc, "spec")
    if "ratioMetric" in body and "thresholdMetric" in body:
        holder.fail("has both ratioMetric and thresholdMetric; an SLI has one", *loc, "spec")
    if "ratioMetric" in body:
        out = _ratio(r, _mapping(body["ratioMetric"], holder, *loc, "spec", "ratioMetric"), holder,
                     (*loc, "spec", "ratioMetric"))
    elif "thresholdMetric" in body:
        kind, ref, spec_ = _source(r, body["thresholdMetric"], holder, *loc, "spec", "thresholdMetric")
        out = {"kind": "threshold", "source": kind, "metric": spec_}
        if ref is not None:
            out["source_ref"] = ref
        ann = (o.doc["metadata"].get("annotations") or {})
        out["unit"] = ann.get(_ANN + "unit")
    else:
        holder.fail(f"needs a ratioMetric or a thresholdMetric, found {sorted(body)}", *loc, "spec")
    if isinstance(meta.get("name"), str):
        out["name"] = meta["name"]
    if isinstance(meta.get("displayName"), str):
        out["display_name"] = meta["displayName"]
    return out, holder, loc


def _window(o: _Obj) -> tuple[str, str | None]:
    """Return the SLO's window (``"28d"`` or ``"month"``) and its calendar time zone."""
    windows = o.doc["spec"].get("timeWindow")
    if windows is None:
        o.fail("timeWindow is missing: an SLO needs its compliance window, rolling ([{duration: 28d, "
               "isRolling: true}]) or calendar ([{duration: 1M, calendar: {timeZone: Europe/London}}])",
               "spec")
    if not isinstance(windows, list) or len(windows) != 1 or not isinstance(windows[0], dict):
        o.fail(f"timeWindow must be a list of exactly one window, got {shorten(windows)}",
               "spec", "timeWindow")
    win = windows[0]
    loc = ("spec", "timeWindow", 0)
    duration = win.get("duration")
    calendar = win.get("calendar")
    rolling = win.get("isRolling", calendar is None and duration not in _DURATION_CAL)
    if not isinstance(duration, str):
        o.fail(f"duration must be a duration such as '28d' or '1M', got {shorten(duration)}", *loc)
    if rolling:
        if duration[-1:] in ("M", "Q", "Y"):
            o.fail(f"rolling window {duration!r}: months, quarters and years have no fixed length; "
                   "write it in days (e.g. '30d') or make it a calendar window", *loc, "duration")
        try:
            parse_window(duration)
        except DefinitionError as exc:
            o.fail(str(exc), *loc, "duration")
        return duration, None
    if duration not in _DURATION_CAL:
        hint = {"1m": " ('1m' is one minute; a calendar month is '1M')", "1y": " (a year is '1Y')"}.get(
            duration, "")
        o.fail(f"calendar window {duration!r} is not supported{hint}: calendar windows are 1w, 1M "
               "or 1Q (week, month, quarter)", *loc, "duration")
    tz = None
    if calendar is not None:
        calendar = _mapping(calendar, o, *loc, "calendar")
        start = calendar.get("startTime")
        if start is not None and not isinstance(start, dt.datetime):
            try:
                dt.datetime.fromisoformat(str(start))
            except ValueError:
                o.fail(f"startTime {shorten(start)} is not a date and time such as "
                       "'2022-01-01 00:00:00'", *loc, "calendar", "startTime")
        tz = calendar.get("timeZone")
        if tz is not None:
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError, TypeError):
                o.fail(f"unknown time zone {shorten(tz)}: expected an IANA name such as 'UTC', "
                       "'Europe/London', 'America/New_York'", *loc, "calendar", "timeZone")
    return _DURATION_CAL[duration], tz


def _target(obj: dict[str, Any], o: _Obj, loc: tuple[Any, ...]) -> Any:
    if "target" in obj and "targetPercent" in obj:
        o.fail("give target or targetPercent, not both", *loc)
    if "targetPercent" in obj:
        pct = obj["targetPercent"]
        if isinstance(pct, bool) or not isinstance(pct, (int, float)):
            o.fail(f"targetPercent must be a number, got {shorten(pct)}", *loc, "targetPercent")
        return pct / 100
    if "target" not in obj:
        o.fail("needs a target (e.g. 0.999) or a targetPercent (e.g. 99.9)", *loc)
    return obj["target"]


def _policy(r: _Reader, holder: _Obj, body: dict[str, Any], loc: tuple[Any, ...]) -> dict[str, Any]:
    """Return an OpenSLO AlertPolicy (a document, or inline at ``loc`` of ``holder``) as our alert policy."""
    meta = _mapping(body.get("metadata"), holder, *loc, "metadata")
    name = r.ident(meta.get("name"), holder, *loc, "metadata", "name")
    spec = _mapping(body.get("spec"), holder, *loc, "spec")
    out: dict[str, Any] = {"name": name, "rules": _rules(r, holder, spec, loc)}
    display = meta.get("displayName") or (meta["name"] if name != meta["name"] else None)
    if display:
        out["display_name"] = display
    if isinstance(spec.get("description"), str):
        out["description"] = spec["description"]
    return _valid(AlertPolicy, out, holder, loc)


def _policies(r: _Reader, o: _Obj, found: dict[str, dict[str, Any]]) -> str | None:
    """Return the name of the SLO's alert policy (its policies merged); add a new one to ``found``."""
    listed = o.doc["spec"].get("alertPolicies")
    if not listed:
        return None
    if not isinstance(listed, list):
        o.fail(f"alertPolicies must be a list, got {shorten(listed)}", "spec", "alertPolicies")
    policies = []
    for i, item in enumerate(listed):
        loc = ("spec", "alertPolicies", i)
        if isinstance(item, str) or isinstance(item, dict) and "alertPolicyRef" in item:
            ref = item if isinstance(item, str) else item["alertPolicyRef"]
            pol = r.get("AlertPolicy", ref, o, *loc)
            policies.append(found[r.ident(pol.name, pol, "metadata", "name")])
        elif isinstance(item, dict) and item.get("kind") == "AlertPolicy":
            policies.append(_policy(r, o, item, loc))
        else:
            o.fail(f"expected an AlertPolicy name, an alertPolicyRef or an inline AlertPolicy, got "
                   f"{shorten(item)}", *loc)
    name = "-".join(dict.fromkeys(p["name"] for p in policies))
    merged = {"name": name, "rules": [rule for p in policies for rule in p["rules"]]}
    r.policy_sources.setdefault(name, o)
    if found.setdefault(name, merged) != merged:
        o.fail(f"its alert policies merge into {name!r}, which differs from the alert policy of that name",
               "spec", "alertPolicies")
    return name


def _rules(r: _Reader, holder: _Obj, spec: dict[str, Any], loc: tuple[Any, ...]) -> list[dict[str, Any]]:
    conditions = spec.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        holder.fail("an AlertPolicy needs conditions (a list of one AlertCondition)", *loc, "spec")
    rules = []
    for i, c in enumerate(conditions):
        cloc = (*loc, "spec", "conditions", i)
        if isinstance(c, dict) and "conditionRef" in c:
            cond = r.get("AlertCondition", c["conditionRef"], holder, *cloc, "conditionRef")
            c_holder, c_spec, c_loc = cond, cond.doc.get("spec"), ("spec",)
        elif isinstance(c, dict) and c.get("kind") == "AlertCondition":
            c_holder, c_spec, c_loc = holder, c.get("spec"), (*cloc, "spec")
        else:
            holder.fail(f"expected a conditionRef or an inline AlertCondition, got {shorten(c)}", *cloc)
        rules.append(_rule(c_holder, _mapping(c_spec, c_holder, *c_loc), c_loc))
    return rules


def _rule(holder: _Obj, spec: dict[str, Any], loc: tuple[Any, ...]) -> dict[str, Any]:
    cond = _mapping(spec.get("condition"), holder, *loc, "condition")
    if cond.get("kind", "burnrate") != "burnrate":
        holder.fail(f"condition kind {shorten(cond.get('kind'))} is not supported; only 'burnrate' "
                          "conditions map to burn-rate alert rules", *loc, "condition", "kind")
    severity = spec.get("severity")
    if severity not in ("page", "ticket"):
        holder.fail(f"severity {shorten(severity)} is not one the workbench knows: 'page' (wakes "
                          "someone) or 'ticket'", *loc, "severity")
    lookback = cond.get("lookbackWindow")
    try:
        long = parse_window(lookback)
    except DefinitionError as exc:
        holder.fail(str(exc), *loc, "condition", "lookbackWindow")
    if not isinstance(long, dt.timedelta) or long.total_seconds() < 12:
        holder.fail(f"lookbackWindow {shorten(lookback)} must be a duration of at least 12s",
                    *loc, "condition", "lookbackWindow")
    short = f"{int(long.total_seconds()) // 12}s"
    for unit, seconds in (("d", 86400), ("h", 3600), ("m", 60)):
        if int(long.total_seconds()) // 12 % seconds == 0:
            short = f"{int(long.total_seconds()) // 12 // seconds}{unit}"
            break
    rate = cond.get("threshold")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0:
        holder.fail(f"threshold {shorten(rate)} must be a positive number: the burn rate that fires the "
                    "alert (e.g. 14.4)", *loc, "condition", "threshold")
    return {"severity": severity, "long_window": lookback, "short_window": short, "burn_rate": rate}


def _slos(r: _Reader, o: _Obj, service: str, policies: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the catalog SLOs (one per objective) of an OpenSLO SLO."""
    spec = o.doc["spec"]
    meta = o.doc["metadata"]
    indicator, _, _ = _indicator_of(r, o)
    window, tz = _window(o)
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        o.fail(f"objectives must be a non-empty list, got {shorten(objectives)}", "spec", "objectives")
    name = r.ident(meta["name"], o, "metadata", "name")
    name = name.removeprefix(f"{service}-") or name
    if indicator.get("name") == f"{service}-{name}-sli":  # the name to_openslo gives an unnamed indicator
        del indicator["name"]
    alert = _policies(r, o, policies)
    ann = meta.get("annotations") or {}
    if alert is None and _ANN + "alert-policy" in ann:
        alert = ann[_ANN + "alert-policy"]
    method = spec.get("budgetingMethod", "Occurrences")
    if method not in _METHODS:
        o.fail(f"budgetingMethod {shorten(method)} is not one of {', '.join(_METHODS)}", "spec",
               "budgetingMethod")
    common: dict[str, Any] = {"service": service, "window": window, "budgeting_method": method}
    for key, value in (("description", spec.get("description")), ("display_name", meta.get("displayName")),
                       ("timezone", tz), ("alert_policy", alert)):
        if value is not None:
            common[key] = value
    out, used = [], set()
    for k, obj in enumerate(objectives, start=1):
        loc = ("spec", "objectives", k - 1)
        obj = _mapping(obj, o, *loc)
        if any(key in obj for key in ("indicator", "indicatorRef", "compositeWeight")):
            o.fail("composite objectives (an indicator per objective, compositeWeight) are not "
                   "supported: write one SLO per indicator", *loc)
        one = {**common, "indicator": dict(indicator), "target": _target(obj, o, loc)}
        if indicator["kind"] == "threshold":
            if "value" not in obj:
                o.fail("a thresholdMetric objective needs a value (the threshold)", *loc)
            one["indicator"].update(threshold=obj["value"], op=obj.get("op", "lte"))
        for ours, theirs in (("timeslice_target", "timeSliceTarget"),
                             ("timeslice_window", "timeSliceWindow")):
            if theirs in obj:
                value = obj[theirs]
                one[ours] = f"{value}m" if theirs == "timeSliceWindow" and isinstance(value, int) else value
        if len(objectives) > 1:
            label = obj.get("displayName")
            suffix = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") if isinstance(label, str) else ""
            suffix = suffix if suffix and suffix not in used else str(k)
            used.add(suffix)
            one.update(name=f"{name}-{suffix}", objective_of=name)
            if isinstance(label, str):
                one["objective_name"] = label
        else:
            one["name"] = name
            if isinstance(obj.get("displayName"), str):
                one["objective_name"] = obj["displayName"]
        out.append(_valid(SLO, one, o, loc))
    return out


def _valid(model: Any, data: dict[str, Any], o: _Obj, loc: tuple[Any, ...]) -> dict[str, Any]:
    """Check ``data`` against ``model`` now, so an invalid value is reported at its OpenSLO object."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"] if p not in ("ratio", "threshold"))
            key = _KEYS.get(key.rsplit(".", 1)[-1], key)
            text = err["msg"].removeprefix("Value error, ")
            if err["type"] not in ("value_error",) and "input" in err:
                text += f" (got {shorten(err['input'])})"
            problems.append(f"{key}: {text}" if key and err["type"] != "value_error" else text)
        o.fail("; ".join(problems), *loc)
    return data


def _service(r: _Reader, o: _Obj) -> dict[str, Any]:
    meta = o.doc["metadata"]
    name = r.ident(meta["name"], o, "metadata", "name")
    out: dict[str, Any] = {"name": name, "description": (o.doc.get("spec") or {}).get("description", ""),
                           **_PLACEHOLDER_SERVICE}
    display = meta.get("displayName") or (meta["name"] if name != meta["name"] else None)
    if display:
        out["display_name"] = display
    for key, value in (meta.get("annotations") or {}).items():
        if isinstance(key, str) and key.startswith(_ANN):
            f = key.removeprefix(_ANN)
            out[f] = {"true": True, "false": False}.get(value, value) if f == "customer_facing" else value
            if f == "maintenance":
                try:
                    out[f] = json.loads(value)
                except (TypeError, ValueError):
                    o.fail(f"annotation {key!r} must be a JSON list of recurring windows, got "
                           f"{shorten(value)}", "metadata", "annotations", key)
    return _valid(Service, out, o, ())


def _zones(services: list[dict[str, Any]], slos: list[tuple[dict[str, Any], _Obj]]) -> None:
    """Give each service without our time-zone annotation its SLOs' calendar time zone (they must agree)."""
    for s in services:
        if "timezone" in s:
            continue
        zones = {(o.get("timezone"), obj.where) for o, obj in slos
                 if o["service"] == s["name"] and o.get("timezone") is not None}
        found = {z for z, _ in zones}
        if len(found) > 1:
            (z1, w1), (z2, w2) = sorted(zones, key=lambda zw: zw[1])[:2]
            msg = (f"{w2}: SLO of service {s['name']!r} in calendar time zone {z2!r}, but {w1} puts one in "
                   f"{z1!r}: a service's days and calendar periods are cut in one zone")
            raise DefinitionError(msg)
        if found:
            s["timezone"] = found.pop()


def read_openslo(path: str | Path) -> Catalog:
    """Read OpenSLO v1 documents (and our ``slm-analytics/v1`` extensions) into a :class:`Catalog`.

    See the module's documentation for the mapping from OpenSLO to the catalog.

    Parameters
    ----------
    path : str or Path
        A YAML file: one document, a stream of documents, or a YAML list of documents.

    Returns
    -------
    Catalog

    Raises
    ------
    DefinitionError
        For an empty file, a document of another ``apiVersion`` or ``kind``, a missing or empty field, a
        reference to an object the file does not define, a construct the catalog cannot represent (composite
        objectives, a rolling month, a non-burn-rate alert condition...) or an invalid value; the message
        names the file, the document, the line and the key.

    Warns
    -----
    UserWarning
        When names that are not identifiers were mapped to identifiers (the mapping is listed).

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
    r = _Reader(Path(path))
    for obj in _objects(r.path):
        if obj.doc["apiVersion"] == EXTENSION_API:
            r.extensions.append(obj)
            continue
        kind = r.objects.setdefault(obj.kind, {})
        if obj.name in kind:
            obj.fail(f"a second {obj.kind} named {obj.name!r} ({kind[obj.name].where} is the first)",
                     "metadata", "name")
        kind[obj.name] = obj
    service_docs = list(r.objects.get("Service", {}).values())
    services = [_service(r, o) for o in service_docs]
    sources: dict[str, list[_Obj | None]] = {"services": list(service_docs), "slos": []}
    documents = r.objects.get("AlertPolicy", {}).values()
    policies = {p["name"]: p for p in (_policy(r, o, o.doc, ()) for o in documents)}
    r.policy_sources.update(zip(policies, documents, strict=True))
    slos: list[tuple[dict[str, Any], _Obj]] = []
    for o in r.objects.get("SLO", {}).values():
        service = r.ident(o.doc["spec"].get("service"), o, "spec", "service")
        if service not in {s["name"] for s in services}:
            services.append({"name": service, **_PLACEHOLDER_SERVICE})
            sources["services"].append(o)
        slos.extend((one, o) for one in _slos(r, o, service, policies))
    _zones(services, slos)
    parts: dict[str, list[Any]] = {"services": services, "slos": [s for s, _ in slos], "schedules": [],
                                   "slas": [], "alert_policies": list(policies.values())}
    sources["slos"] = [o for _, o in slos]
    sources["alert_policies"] = [r.policy_sources.get(name) for name in policies]
    for obj in r.extensions:
        parts[_EXTENSIONS[obj.kind]].append({"name": obj.name, **(obj.doc.get("spec") or {})})
        sources.setdefault(_EXTENSIONS[obj.kind], []).append(obj)
    catalog = _catalog(parts, sources, r.path)
    if r.renamed:
        mapping = ", ".join(f"{k!r} -> {v!r}" for k, v in r.renamed.items())
        warnings.warn(f"{r.path}: names that are not identifiers were mapped to identifiers: {mapping} (the "
                      "original is kept as display_name)", UserWarning, stacklevel=2)
    return catalog


def _catalog(parts: dict[str, list[Any]], sources: dict[str, list[_Obj | None]], path: Path) -> Catalog:
    try:
        return Catalog.model_validate(parts)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            cause = err.get("ctx", {}).get("error")
            if cause is not None and hasattr(cause, "loc"):
                loc = (*loc, *cause.loc)
            text = err["msg"].removeprefix("Value error, ")
            objs = sources.get(loc[0], []) if loc else []
            obj = objs[loc[1]] if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(objs) else None
            where = obj.where if obj is not None else str(path)
            lines.append(f"{where}: {text}")
        raise DefinitionError("\n".join(lines)) from None
