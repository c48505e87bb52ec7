"""Read an SLO's good/total event counts per bucket from a Prometheus server's HTTP API.

:func:`read_prometheus` runs the PromQL an SLO definition holds (our catalog, or an OpenSLO
``metricSource`` of type Prometheus read by :func:`~slm_analytics.openslo.read_openslo`) and returns the
same SLI frame as :func:`~slm_analytics.data.read_sli`. Counter queries are answered exactly from the raw
samples (differenced with counter-reset handling), not from ``increase()``, which extrapolates.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_utc, check_int, duration
from ..catalog import SLO, ThresholdIndicator
from ..errors import DataError, DefinitionError, ParameterError, shorten

__all__ = ["read_prometheus"]

#: Prometheus's limit of points per series in one ``query_range`` answer
MAX_POINTS = 11000
#: the scrape interval the raw-sample chunks are sized for (``max_points`` samples per series per request)
CHUNK_SCRAPE_S = 15

_SELECTOR = r"[a-zA-Z_:][a-zA-Z0-9_:]*(?:\s*\{[^{}]*\})?|\{[^{}]*\}"
_COUNTER = re.compile(
    rf"^\s*(?P<sum>sum\s*\(\s*)?(?P<fn>rate|increase)\s*\(\s*(?P<sel>{_SELECTOR})\s*"
    r"\[\s*(?P<range>\d+[smhdw])\s*\]\s*\)\s*(?(sum)\))\s*$"
)
_BARE = re.compile(rf"^\s*(?P<sum>sum\s*\(\s*)?(?P<sel>{_SELECTOR})\s*(?(sum)\))\s*$")
_SHAPES = (
    "sum(rate(<selector>[5m])), sum(increase(<selector>[5m])) (or without sum when it selects one series), "
    "a bare counter selector, or a query whose value is itself a count per bucket, such as "
    "sum(probe_success{...}) or count(probe_success{...})"
)


@dataclass(frozen=True)
class _Plan:
    """How one query is read: raw counter samples of ``selector``, or ``query`` evaluated per bucket."""

    query: str
    selector: str | None  # set: counter, differenced from raw samples
    summed: bool  # the query sums its series (else it must select one series)
    lookback_s: int  # how far before the first bucket the baseline sample is looked for


class _Client:
    """The HTTP side: GET with timeout and retries; Prometheus errors as the package's errors."""

    def __init__(self, url: str, *, timeout: float, retries: int, backoff: float, session: Any) -> None:
        self.base = url.rstrip("/")
        self.timeout, self.retries, self.backoff, self.session = timeout, retries, backoff, session

    def _send(self, url: str, params: dict[str, Any]) -> tuple[int, str]:
        """GET ``url`` with ``params``: (HTTP status, body text); a failed connection raises ``OSError``."""
        if self.session is not None:  # requests' exceptions derive from OSError too
            resp = self.session.get(url, params=params, timeout=self.timeout)
            return int(resp.status_code), str(resp.text)
        try:
            with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode(params)}", timeout=self.timeout) as r:
                return int(r.status), r.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as exc:  # an answer, with an error status
            with exc:
                return int(exc.code), exc.read().decode("utf-8", errors="replace")

    def get(self, endpoint: str, params: dict[str, Any], query: str) -> Any:
        """Return the ``data`` of a successful answer of ``endpoint``; raise on failure after retries."""
        url = f"{self.base}/api/v1/{endpoint}"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                status, text = self._send(url, params)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                if last:  # refused, cut or timed out (or a URL urllib cannot use: ValueError)
                    msg = (
                        f"cannot reach the Prometheus server at {self.base!r} after {attempt + 1} "
                        f"attempt(s): {shorten(str(exc), 200)}; check the URL and that the server is running"
                    )
                    raise DataError(msg) from exc
            else:
                if (status < 500 and status != 429) or last:
                    return self._data(status, text, query)
            time.sleep(self.backoff * 2**attempt)
        msg = "unreachable"  # pragma: no cover
        raise AssertionError(msg)  # pragma: no cover

    def _data(self, status: int, text: str, query: str) -> Any:
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        if not isinstance(body, dict) or "status" not in body:
            msg = (
                f"{self.base!r} answered {status} with {shorten(text, 120)} to query {shorten(query, 200)}, "
                "not a Prometheus HTTP API answer; check the URL (the server's root, e.g. "
                "'http://localhost:9090')"
            )
            raise DataError(msg)
        if body["status"] != "success":
            error = f"{body.get('errorType', 'error')}: {body.get('error', '')}"
            cls = DefinitionError if body.get("errorType") == "bad_data" else DataError
            msg = f"Prometheus at {self.base!r} refused query {shorten(query, 200)}: {error[:300]}"
            raise cls(msg)
        return body["data"]


def _query_of(value: Any, slo: SLO, key: str) -> str:
    """Return the PromQL of an indicator's ``key`` (a string, or an OpenSLO spec mapping with ``query``)."""
    query = value.get("query") if isinstance(value, dict) else value
    if not isinstance(query, str) or not query.strip():
        msg = (
            f"SLO {slo.service}/{slo.name}: the indicator's {key!r} has no PromQL query "
            f"(found {shorten(value)}); give it as a string, or in OpenSLO as metricSource.spec.query"
        )
        raise DefinitionError(msg)
    return query


def _plan(query: str, *, counter: bool, slo: SLO, key: str) -> _Plan:
    """Classify a ratio query (see :func:`read_prometheus`, Notes)."""
    m = _COUNTER.match(query)
    if m:
        window = int(pd.Timedelta(duration(m["range"], "range")).total_seconds())
        return _Plan(query, m["sel"].strip(), bool(m["sum"]), max(window, 300))
    m = _BARE.match(query)
    if m and counter and not m["sum"]:
        return _Plan(query, m["sel"].strip(), False, 300)
    if re.search(r"\b(rate|increase|irate)\s*\(", query):
        msg = (
            f"SLO {slo.service}/{slo.name}: the {key!r} query {shorten(query, 200)} applies rate/increase in "
            f"a shape that cannot be read as exact counts; write it as one of: {_SHAPES}"
        )
        raise DefinitionError(msg)
    return _Plan(query, None, True, 0)


def _labels(metric: dict[str, str], *drop: str) -> dict[str, str]:
    return {k: v for k, v in metric.items() if k not in ("__name__", *drop)}


def _fetch_raw(client: _Client, selector: str, lo: int, hi: int, max_points: int, query: str) -> list[dict]:
    """Raw samples of ``selector`` with lo <= t < hi (ms), read in chunks; one entry per series."""
    chunk_ms = max_points * CHUNK_SCRAPE_S * 1000
    series: dict[tuple, dict[str, Any]] = {}
    t = lo
    while t < hi:
        until = min(t + chunk_ms, hi)
        params = {"query": f"{selector}[{until - t}ms]", "time": f"{until / 1000:.3f}"}
        data = client.get("query", params, query)
        for item in data["result"]:
            key = tuple(sorted(item["metric"].items()))
            entry = series.setdefault(key, {"metric": item["metric"], "values": []})
            entry["values"].extend(item["values"])
        t = until
    out = []
    for entry in series.values():
        ts = np.array([round(float(v[0]) * 1000) for v in entry["values"]], dtype=np.int64)
        vals = np.array([float(v[1]) for v in entry["values"]], dtype=np.float64)
        ts, first = np.unique(ts, return_index=True)  # chunk edges may repeat a sample
        keep = (ts >= lo) & (ts < hi)
        out.append({"metric": entry["metric"], "ts": ts[keep], "values": vals[first][keep]})
    return out


def _increases(ts: np.ndarray, values: np.ndarray, start: int, step: int,
               n: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact counter increases per bucket of one series, and which buckets hold a sample after a baseline."""
    delta = np.diff(values)
    delta = np.where(delta < 0, values[1:], delta)  # a counter reset: the increase is the new value
    k = (ts[1:] - start) // step
    inside = (k >= 0) & (k < n)
    inc = np.zeros(n, dtype=np.float64)
    np.add.at(inc, k[inside], delta[inside])
    seen = np.zeros(n, dtype=bool)
    seen[k[inside]] = True
    return inc, seen


def _whole(values: np.ndarray, what: str, query: str) -> np.ndarray:
    bad = ~np.isfinite(values) | (values < 0) | (np.abs(values - np.round(values)) > 1e-6)
    if bad.any():
        msg = (
            f"query {shorten(query, 200)} gave {what} {float(values[bad][0])!r}, not a whole non-negative "
            "count of events; counter queries must be sum(rate|increase(<counter>[..])), other queries must "
            "count events"
        )
        raise DataError(msg)
    return np.round(values).astype(np.int64)


def _check_series(series: list[dict], plan: _Plan, span: str, drop: tuple[str, ...] = ()) -> dict[str, str]:
    """Refuse an empty answer, or several series for an unsummed query; return the series' labels."""
    if not series:
        msg = (
            f"query {shorten(plan.query, 200)} returned no series {span}; check the metric name and label "
            "matchers (try it in the server's /graph page) and the time range"
        )
        raise DataError(msg)
    if plan.summed and plan.selector is not None:
        return {}
    if len(series) > 1:
        shown = ", ".join(shorten(_labels(s["metric"], *drop), 100) for s in series[:3])
        msg = (
            f"query {shorten(plan.query, 200)} returned {len(series)} series where one was expected "
            f"({shown}{', ...' if len(series) > 3 else ''}); aggregate it, e.g. sum(...)"
        )
        raise DataError(msg)
    return _labels(series[0]["metric"], *drop)


def _counts(client: _Client, plan: _Plan, start: int, step: int, n: int, max_points: int,
            span: str, drop: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """Events per bucket of one query, which buckets have data, and the labels of its one series."""
    if plan.selector is not None:
        series = _fetch_raw(client, plan.selector, start - plan.lookback_s * 1000, start + n * step,
                            max_points, plan.query)
        series = [s for s in series if len(s["ts"])]
        labels = _check_series(series, plan, span, drop)
        total, seen = np.zeros(n, dtype=np.float64), np.zeros(n, dtype=bool)
        for s in series:
            inc, has = _increases(s["ts"], s["values"], start, step, n)
            total += inc
            seen |= has
        return _whole(total, "an increase", plan.query), seen, labels
    values, seen = np.zeros(n, dtype=np.float64), np.zeros(n, dtype=bool)
    series = []
    for k0 in range(0, n, max_points):
        k1 = min(k0 + max_points, n)
        params = {"query": plan.query, "start": f"{(start + (k0 + 1) * step - 1) / 1000:.3f}",
                  "end": f"{(start + k1 * step - 1) / 1000:.3f}", "step": f"{step / 1000:g}"}
        series += client.get("query_range", params, plan.query)["result"]
    labels = _check_series(_merge_labels(series), plan, span)
    for s in series:
        ts = np.array([round(float(v[0]) * 1000) for v in s["values"]], dtype=np.int64)
        k = (ts + 1 - start) // step - 1
        values[k] = [float(v[1]) for v in s["values"]]
        seen[k] = True
    return _whole(values, "a value", plan.query), seen, labels


def _merge_labels(series: list[dict]) -> list[dict]:
    """One entry per label set (a series answered in several chunks)."""
    return list({tuple(sorted(s["metric"].items())): s for s in series}.values())


def _le_value(client: _Client, selector: str, seconds: float, slo: SLO, lo: int, hi: int) -> str:
    """Return the ``le`` label value of the histogram bucket whose boundary is ``seconds``."""
    params = {"match[]": selector, "start": f"{lo / 1000:.3f}", "end": f"{hi / 1000:.3f}"}
    found = client.get("label/le/values", params, selector)
    for le in found:
        try:
            if le != "+Inf" and math.isclose(float(le), seconds, rel_tol=1e-9):
                return le
        except ValueError:
            continue
    bounds = sorted((le for le in found if le != "+Inf"), key=_as_float)
    msg = (
        f"SLO {slo.service}/{slo.name}: no bucket of histogram {shorten(selector, 200)} has the boundary "
        f"le={seconds:g} (the threshold in seconds); its boundaries are {', '.join(bounds) or 'none'}: "
        "pick one of them as the threshold, or add that bucket to the histogram"
    )
    raise DefinitionError(msg)


def _as_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _with_le(selector: str, le: str) -> str:
    """``selector`` with the matcher ``le="<le>"`` added."""
    if selector.endswith("}"):
        name, _, inner = selector[:-1].partition("{")
        inner = inner.strip().rstrip(",")
        return f'{name.strip()}{{{inner + "," if inner else ""}le="{le}"}}'
    return f'{selector}{{le="{le}"}}'


def _threshold_plans(client: _Client, slo: SLO, ind: ThresholdIndicator, lo: int,
                     hi: int) -> tuple[_Plan, _Plan, bool]:
    """Return the (le=threshold, le=+Inf) plans of a histogram, and whether le=threshold is good."""
    query = _query_of(ind.metric, slo, "metric")
    m = _COUNTER.match(query) or _BARE.match(query)
    if not m or not m["sel"].split("{")[0].strip().endswith("_bucket"):
        msg = (
            f"SLO {slo.service}/{slo.name}: threshold metric {shorten(query, 200)} must select a histogram's "
            "_bucket series, e.g. 'http_request_duration_seconds_bucket{job=\"checkout\"}'"
        )
        raise DefinitionError(msg)
    if ind.op not in ("lte", "gt"):
        msg = (
            f"SLO {slo.service}/{slo.name}: op {ind.op!r} cannot be read exactly from histogram buckets, "
            "which count observations <= le: use op 'lte' (good = at or under the threshold) or 'gt'"
        )
        raise DefinitionError(msg)
    selector = m["sel"].strip()
    seconds = ind.threshold / 1000 if ind.unit == "ms" else ind.threshold
    le = _le_value(client, selector, seconds, slo, lo, hi)
    return (_Plan(query, _with_le(selector, le), True, 300),
            _Plan(query, _with_le(selector, "+Inf"), True, 300), ind.op == "lte")


def read_prometheus(
    url: str,
    slo: SLO,
    start: Any,
    end: Any,
    step: str | pd.Timedelta = "5m",
    *,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 0.5,
    max_points: int = MAX_POINTS,
    session: Any = None,
) -> pd.DataFrame:
    r"""Read one SLO's good and total events per bucket from a Prometheus server.

    Parameters
    ----------
    url : str
        The server's root, e.g. ``"http://localhost:9090"`` (the HTTP API is under ``/api/v1``).
    slo : SLO
        A catalog SLO whose indicator holds PromQL: a ratio (``good`` or ``bad``, and ``total``) or a
        histogram threshold (``metric`` selecting ``..._bucket`` series). OpenSLO files (``metricSource``
        of type Prometheus, query in ``spec.query``) are read to catalog SLOs by
        :func:`~slm_analytics.openslo.read_openslo`.
    start, end : str or Timestamp
        Timezone-aware instants; the buckets are ``[start + k*step, start + (k+1)*step)`` that end at or
        before ``end``.
    step : str or Timedelta
        Bucket length, an OpenSLO duration (``"5m"``, ``"1h"``).
    timeout : float
        Seconds to wait for each HTTP answer.
    retries : int
        Further attempts after a connection error, a timeout or a 5xx or 429 answer, waiting
        ``backoff * 2**i`` s before attempt ``i + 1``.
    backoff : float
        The first wait between attempts, in seconds.
    max_points : int
        Most points per series one request may ask for: ``query_range`` requests cover at most
        ``max_points`` buckets (Prometheus refuses more than 11,000), raw-sample requests at most
        ``max_points`` 15-second scrapes.
    session : requests.Session, optional
        An HTTP session for authentication, proxies or TLS settings (any object with requests'
        ``get(url, params=, timeout=)``); without it the standard library's ``urllib`` sends the requests.

    Returns
    -------
    DataFrame
        One row per bucket with data, in time order, with the columns and dtypes of
        :func:`~slm_analytics.data.read_sli`: ``timestamp`` (``datetime64[us, UTC]``, bucket start),
        ``service`` and ``slo`` (categorical: the SLO's), ``good`` and ``total`` (``int64``).

    Raises
    ------
    DefinitionError
        The SLO has no query, its source is not Prometheus, a query's shape cannot give exact counts, the
        server finds a query malformed (its message and the query quoted), or no histogram bucket boundary
        equals the threshold (the boundaries listed).
    DataError
        The server cannot be reached (the URL named), fails to run a query (its message quoted), returns no
        series, several series where one was expected, good and total series with different labels,
        values that are not counts, or more good than total events.
    ParameterError
        Bad ``url`` (not ``http(s)://...``), ``start``, ``end``, ``step``, ``timeout``, ``backoff``,
        ``retries`` or ``max_points``.

    Notes
    -----
    Each query is read by its shape:

    * ``sum(rate(S[w]))`` or ``sum(increase(S[w]))`` of a selector ``S`` (or a bare counter selector
      ``S`` when the indicator's ``counter`` is true): counters. ``rate`` and ``increase`` extrapolate to
      the edges of their window, so their values are not whole counts; instead the raw samples of ``S`` are
      fetched (instant queries of ``S[<chunk>]``) and differenced per series, a decrease being a counter
      reset after which the increase is the new value (Prometheus's own rule). An increase falls in the
      bucket of the later sample; the baseline is the last sample up to ``max(w, 5m)`` before ``start``,
      and a series' first sample is only a baseline. ``sum(...)`` adds the series; without it the selector
      must match one series.
    * Any other query without ``rate``/``increase`` (``sum(probe_success{...})``, ``count(...)``):
      evaluated by ``query_range`` at each bucket's last millisecond, so it sees the bucket's last sample
      (or an older one within Prometheus's 5-minute lookback); its value must be a whole count.
    * A threshold indicator: good events are the histogram bucket whose ``le`` equals the threshold
      (converted to seconds when ``unit`` is ``ms``; no unit means seconds, Prometheus's base unit), total
      events the ``le="+Inf"`` bucket, both summed over every other label. ``op: lte`` counts the ``le``
      bucket as good, ``op: gt`` as bad; ``lt`` and ``gte`` are refused (buckets count ``<= le``).

    ``bad`` queries give ``good = total - bad``. A bucket is kept when the total query has data in it.
    Single (unsummed) good and total series must carry the same labels, as PromQL's ``good / total`` needs.

    Examples
    --------
    >>> from slm_analytics.catalog import SLO
    >>> slo = SLO(service="checkout", name="availability", target=0.999, window="28d",
    ...           indicator={"kind": "ratio", "good": 'sum(rate(http_requests_total{code!~"5.."}[5m]))',
    ...                      "total": "sum(rate(http_requests_total[5m]))"})
    >>> read_prometheus("http://127.0.0.1:1", slo, "2026-01-01T00:00Z", "2026-01-01T01:00Z",
    ...                 retries=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    slm_analytics.errors.DataError: cannot reach the Prometheus server at 'http://127.0.0.1:1' ...
    """
    t0, t1 = as_utc(start, "start"), as_utc(end, "end")
    step_ms = int(duration(step, "step") / pd.Timedelta(milliseconds=1))
    check_int(retries, "retries", low=0)
    check_int(max_points, "max_points")
    if not isinstance(url, str) or not re.match(r"^https?://[^/\s]", url):
        msg = f"url {shorten(url)} must be the server's http(s) root, e.g. 'http://localhost:9090'"
        raise ParameterError(msg)
    if not (isinstance(timeout, (int, float)) and timeout > 0 and backoff >= 0):
        msg = f"timeout {timeout!r} must be a positive number of seconds and backoff {backoff!r} not negative"
        raise ParameterError(msg)
    n = int((t1 - t0) / pd.Timedelta(milliseconds=step_ms)) if t1 > t0 else 0
    if n < 1:
        msg = f"start {t0} to end {t1} holds no whole bucket of step {step!r}; end must be a step or more on"
        raise ParameterError(msg)
    ind = slo.indicator
    if ind.source.lower() != "prometheus":
        msg = f"SLO {slo.service}/{slo.name}: its metric source is {ind.source!r}, not Prometheus"
        raise DefinitionError(msg)
    client = _Client(url, timeout=timeout, retries=retries, backoff=backoff, session=session)
    lo = int(t0.value // 1_000_000)  # ns -> ms since the epoch
    span = f"from {client.base!r} between {t0} and {t1}"
    if isinstance(ind, ThresholdIndicator):
        good_plan, total_plan, le_is_good = _threshold_plans(client, slo, ind, lo - 300_000, lo + n * step_ms)
        plans, bad = (good_plan, total_plan), not le_is_good
    else:
        if ind.raw is not None:
            msg = (
                f"SLO {slo.service}/{slo.name}: a raw ratio query gives no event counts; define good (or "
                "bad) and total queries to read it from Prometheus"
            )
            raise DefinitionError(msg)
        key = "good" if ind.good is not None else "bad"
        plans = tuple(_plan(_query_of(getattr(ind, k), slo, k), counter=ind.counter, slo=slo, key=k)
                      for k in (key, "total"))
        bad = key == "bad"
    return _frame(client, slo, plans, bad=bad, start=lo, step=step_ms, n=n, max_points=max_points, span=span)


def _frame(client: _Client, slo: SLO, plans: tuple[_Plan, ...], *, bad: bool, start: int, step: int, n: int,
           max_points: int, span: str) -> pd.DataFrame:
    """Read the two queries and build the SLI frame."""
    drop = ("le",) if isinstance(slo.indicator, ThresholdIndicator) else ()
    part, _, part_labels = _counts(client, plans[0], start, step, n, max_points, span, drop)
    total, seen, total_labels = _counts(client, plans[1], start, step, n, max_points, span, drop)
    if part_labels != total_labels:
        msg = (
            f"the {'bad' if bad else 'good'} query {shorten(plans[0].query, 150)} and the total query "
            f"{shorten(plans[1].query, 150)} return series with different labels "
            f"({shorten(part_labels, 100)} and {shorten(total_labels, 100)}); PromQL's good / total would "
            "match nothing: aggregate both the same way, e.g. sum(...)"
        )
        raise DataError(msg)
    good = total - part if bad else part
    wrong = seen & ((good < 0) | (good > total))
    if wrong.any():
        k = int(np.argmax(wrong))
        when = pd.Timestamp(start + k * step, unit="ms", tz="UTC")
        which = "bad" if bad else "good"
        msg = (
            f"SLO {slo.service}/{slo.name}: bucket {when}: {which} events ({part[k]}) exceed total events "
            f"({total[k]}); the {which} query must count a subset of the total's"
        )
        raise DataError(msg)
    keep = np.flatnonzero(seen)
    ts = pd.to_datetime((start + keep * step) * 1000, unit="us", utc=True).as_unit("us")
    return pd.DataFrame({
        "timestamp": ts,
        "service": pd.Categorical([slo.service] * len(keep), categories=[slo.service]),
        "slo": pd.Categorical([slo.name] * len(keep), categories=[slo.name]),
        "good": good[keep].astype(np.int64),
        "total": total[keep].astype(np.int64),
    })
