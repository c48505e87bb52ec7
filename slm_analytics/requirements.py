r"""Users' service requirements against the service levels achieved and the SLOs that should protect them.

* :func:`requirements_gap`: per requirement, the linked SLO's attainment over a period (from the budgeting
  methods' one core, :func:`~slm_analytics.budget.attainment`), its Wilson interval, the gap to the level
  the users require and the one-sided exact binomial test of a shortfall (:func:`~slm_analytics.sli.
  sli_interval`);
* :func:`slo_coverage`: per SLO, whether its target protects what the requirements linked to it ask for,
  or is far stricter than any of them (budget that could be spent on change);
* :func:`importance_performance`: Importance-Performance Analysis (Martilla & James 1977) per requirement
  and per user segment, with the users' satisfaction and the measured attainment side by side.

A requirement without a linked SLO is *unmeasured*: it stays in every result (``measured`` False, its
numbers ``NaN``), never dropped. Nothing here reads files, prints or rounds; results are numbers.
"""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from ._checks import as_utc, check_catalog, require_columns
from .budget import attainment
from .catalog import ThresholdIndicator
from .errors import DataError, ParameterError, shorten
from .methods import Budgeting
from .sli import sli_interval, wilson_interval

if TYPE_CHECKING:
    from .catalog import SLO, Catalog

__all__ = [
    "QUADRANTS",
    "ImportancePerformance",
    "importance_performance",
    "requirements_gap",
    "slo_coverage",
]

#: Importance-Performance quadrants (Martilla & James 1977), keyed by (importance high, performance high).
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}

_COLUMNS = ["id", "service", "requirement", "user_segment", "importance", "satisfaction"]
_SLI_COLUMNS = ["timestamp", "service", "slo", "good", "total"]
#: relative tolerance when comparing targets and ratios: 0.999 read from two files is one level
_RTOL = 1e-9
#: largest standard deviation of answers on a 1-5 scale (half answer 1, half 5): (5 - 1) / 2
_SD_BOUND = 2.0


# ------------------------------------------------------------------------------------------- checks


def _check_level(level: object, what: str, name: str = "level") -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < float(level) < 1:
        msg = f"{what}: {name} {shorten(level)} is outside (0, 1): write 95 % as 0.95"
        raise ParameterError(msg)
    return float(level)


def _refuse(req: pd.DataFrame, bad: np.ndarray, column: str, problem: str, what: str, *,
            shown: bool = True) -> None:
    """Raise a DataError naming the first requirement (by id) flagged in ``bad``, quoting its value."""
    pos = np.flatnonzero(bad)
    if pos.size == 0:
        return
    first = int(pos[0])
    bad_value = req[column].iloc[first]
    bad_value = bad_value.item() if isinstance(bad_value, np.generic) else bad_value  # 7, not np.int64(7)
    value = f" {shorten(bad_value)}" if shown else ""
    more = f" (and {pos.size - 1} more)" if pos.size > 1 else ""
    msg = f"{what}: requirement {req['id'].iloc[first]!r}, column {column!r}:{value} {problem}{more}"
    raise DataError(msg)


def _numbers(req: pd.DataFrame, column: str, what: str, expected: str) -> np.ndarray:
    """Return a numeric column as float (empty cells NaN); refuse text that is not a number."""
    values = req[column]
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    _refuse(req, np.isnan(num) & values.notna().to_numpy(), column, f"is not a number; expected {expected}",
            what)
    return num


def _check_scores(req: pd.DataFrame, what: str) -> None:
    for c in ("importance", "satisfaction"):
        f = _numbers(req, c, what, "a number from 1 to 5")
        _refuse(req, np.isnan(f), c, "is empty; expected a number from 1 to 5", what, shown=False)
        _refuse(req, (f < 1) | (f > 5), c, "is outside 1-5; expected a number from 1 to 5", what)
        if not pd.api.types.is_numeric_dtype(req[c]):  # numbers written as text
            req[c] = f


def _check_links(req: pd.DataFrame, catalog: Catalog, what: str) -> None:
    services = [s.name for s in catalog.services]
    _refuse(req, ~req["service"].isin(services).to_numpy(), "service",
            f"is not a service of the catalog; known services: {', '.join(services)}", what)
    known = {o.key for o in catalog.slos}
    linked = (req["linked_slo"] != "").to_numpy()
    keys = list(zip(req["service"], req["linked_slo"], strict=True))
    bad = linked & np.array([k not in known for k in keys], dtype=bool)
    if bad.any():
        service = req["service"].iloc[int(np.flatnonzero(bad)[0])]
        own = ", ".join(o.name for o in catalog.slos if o.service == service)
        _refuse(req, bad, "linked_slo", f"is not an SLO of service {service!r}; its SLOs: {own}", what)


def _requirements(requirements: object, catalog: Catalog | None, what: str) -> pd.DataFrame:
    """Validate a requirements frame (as :func:`~slm_analytics.data.read_requirements` returns it).

    Returns a copy with every optional column present: ``respondents`` (float, NaN when unknown),
    ``required_level_text`` and ``linked_slo`` (``""`` when none), ``required_target`` and
    ``threshold_ms`` (NaN when none); ``id``, ``service``, ``user_segment`` as str.
    """
    require_columns(requirements, _COLUMNS, f"{what}: requirements")  # refuses anything but a DataFrame
    req = cast("pd.DataFrame", requirements).reset_index(drop=True).copy()
    if "required_level" in req.columns and "required_level_text" not in req.columns:
        req = req.rename(columns={"required_level": "required_level_text"})  # the earlier column name
    for c in ("required_level_text", "linked_slo"):
        req[c] = req[c].fillna("").astype("str") if c in req.columns else ""
    for c in ("id", "service", "user_segment"):
        _refuse(req, req[c].isna().to_numpy(), c, "is empty; a name is required", what, shown=False)
        req[c] = req[c].astype("str")
    repeated = req["id"].duplicated().to_numpy()
    _refuse(req, repeated, "id", "appears more than once; each requirement is one row (merge the rows, or "
            "give each requirement its own id)", what, shown=False)
    _check_scores(req, what)
    for c in ("respondents", "required_target", "threshold_ms"):
        if c not in req.columns:
            req[c] = np.nan
    n = _numbers(req, "respondents", what, "a whole number of people, at least 1")
    _refuse(req, ~np.isnan(n) & ((n < 1) | (n != np.floor(n))), "respondents",
            "is not a whole number of people >= 1", what)
    target = _numbers(req, "required_target", what, "a share strictly between 0 and 1 such as 0.999")
    _refuse(req, ~np.isnan(target) & ~((target > 0) & (target < 1)), "required_target",
            "is outside (0, 1); write 99.9 % as 0.999 (or leave it empty when the level is not a share)",
            what)
    threshold = _numbers(req, "threshold_ms", what, "milliseconds such as 500")
    _refuse(req, ~np.isnan(threshold) & ~(np.isfinite(threshold) & (threshold > 0)), "threshold_ms",
            "is not a positive number of milliseconds", what)
    req["respondents"], req["required_target"], req["threshold_ms"] = n, target, threshold
    if catalog is not None:
        _check_links(req, catalog, what)
    return req


def _period(start: Any, end: Any, what: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, str | dt.datetime | np.datetime64):
            msg = (f"{what}: {name} {shorten(value)} is a {type(value).__name__}; give a timezone-aware time "
                   "such as '2026-10-01T00:00Z' or pd.Timestamp('2026-10-01', tz='UTC')")
            raise ParameterError(msg)
    t0, t1 = as_utc(start, f"{what}: start"), as_utc(end, f"{what}: end")
    if t1 <= t0:
        msg = f"{what}: end {t1} is not after start {t0}; the period is [start, end) with start < end"
        raise ParameterError(msg)
    return t0, t1


def _slo_threshold_ms(slo: SLO) -> float:
    """Return the SLO's threshold in milliseconds (threshold SLIs with a unit), else NaN."""
    ind = slo.indicator
    if not isinstance(ind, ThresholdIndicator) or ind.unit is None:
        return np.nan
    return float(ind.threshold) * (1000.0 if ind.unit == "s" else 1.0)


# ------------------------------------------------------------------------------------------- the gap


def _achieved(sli: pd.DataFrame, catalog: Catalog, keys: list[tuple[str, str]], start: pd.Timestamp,
              end: pd.Timestamp, what: str) -> pd.DataFrame:
    """Per linked SLO: budgeting method, unit, good, total and attainment over ``[start, end)``.

    Counted by :func:`~slm_analytics.budget.attainment` under the SLO's own budgeting method (slices cut
    at the service's local midnights), so the numbers are those of every other report.
    """
    require_columns(sli, _SLI_COLUMNS, f"{what}: sli", expected=_SLI_COLUMNS)
    if not isinstance(sli["timestamp"].dtype, pd.DatetimeTZDtype):
        msg = (f"{what}: sli column 'timestamp' holds {sli['timestamp'].dtype} values; timezone-aware "
               "timestamps are needed (read data with read_sli, or localize with .dt.tz_localize('UTC'))")
        raise DataError(msg)
    ts = sli["timestamp"]
    rows = sli.loc[((ts >= start) & (ts < end)).to_numpy(), _SLI_COLUMNS]
    rows = rows[rows["service"].isin({k[0] for k in keys}).to_numpy()
                & rows["slo"].isin({k[1] for k in keys}).to_numpy()]
    grouped = rows.groupby(["service", "slo"], observed=True, sort=False)
    groups = {(str(s), str(o)): g for (s, o), g in grouped}
    out = []
    for service, name in keys:
        slo = catalog.slo(service, name)
        b = Budgeting.of(slo)
        one = groups.get((service, name))
        good, total, achieved = 0, 0, np.nan
        if one is not None and len(one):
            a = attainment(one, method=b.method, timeslice_target=b.timeslice_target,
                           timeslice_window=b.timeslice_window, by=(), tz=catalog.service(service).timezone)
            good, total, achieved = a["good"].iloc[0], a["total"].iloc[0], a["attainment"].iloc[0]
        out.append({"service": service, "slo": name, "budgeting_method": b.method, "unit": b.unit,
                    "good": float(good), "total": float(total), "achieved": float(achieved),
                    "slo_target": slo.target, "slo_threshold_ms": _slo_threshold_ms(slo)})
    columns = ["service", "slo", "budgeting_method", "unit", "good", "total", "achieved", "slo_target",
               "slo_threshold_ms"]
    return pd.DataFrame(out, columns=columns)


def _tests(frame: pd.DataFrame, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wilson limits and the p-value of H0 achieved >= required_target, per row with data."""
    from scipy import special  # lazy: keeps `import slm_analytics` fast

    n = len(frame)
    low, high, p = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    good, total = frame["good"].to_numpy(dtype=float), frame["total"].to_numpy(dtype=float)
    target = frame["required_target"].to_numpy(dtype=float)
    has = frame["measured"].to_numpy() & (np.nan_to_num(total) > 0)
    ratio = has & (frame["budgeting_method"] == "RatioTimeslices").to_numpy()
    counted = has & ~ratio
    for t in np.unique(np.where(np.isnan(target), -1.0, target)[counted]):
        idx = counted & (np.isnan(target) if t == -1.0 else target == t)
        res = sli_interval(good[idx].astype(np.int64), total[idx].astype(np.int64), confidence=level,
                           target=None if t == -1.0 else float(t))
        low[idx], high[idx] = res["lower"].to_numpy(), res["upper"].to_numpy()
        if t != -1.0:
            p[idx] = res["p_below_target"].to_numpy()
    if ratio.any():  # a mean of slice ratios: the interval of good/total over the slices, no exact test
        lo, hi = wilson_interval(good[ratio] / total[ratio], total[ratio],
                                 float(special.ndtri(0.5 + 0.5 * level)))
        low[ratio], high[ratio] = lo, hi
    return low, high, p


def _nullable(values: np.ndarray, known: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.array(np.where(known, values, None), dtype="boolean")


def requirements_gap(
    requirements: pd.DataFrame,
    sli: pd.DataFrame,
    catalog: Catalog,
    *,
    start: str | pd.Timestamp | dt.datetime,
    end: str | pd.Timestamp | dt.datetime,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Per requirement: the level achieved over a period against the level the users require.

    Parameters
    ----------
    requirements : DataFrame
        Users' requirements as :func:`~slm_analytics.data.read_requirements` returns them: columns ``id,
        service, requirement, user_segment, importance, satisfaction`` and optionally ``respondents,
        required_level_text, required_target, threshold_ms, linked_slo``.
    sli : DataFrame
        Bucket counts with columns ``timestamp`` (timezone-aware bucket start), ``service``, ``slo``,
        ``good``, ``total``, e.g. ``read_dataset("sli_5min")``.
    catalog : Catalog
        Defines the linked SLOs: target, budgeting method, and the service's time zone (where time
        slices start at midnight).
    start, end : str, Timestamp or datetime
        The period ``[start, end)``, timezone-aware (``"2026-10-01T00:00Z"``); buckets starting in it count.
    level : float
        Confidence level of the interval; the test's significance level is ``1 - level``.

    Returns
    -------
    DataFrame
        One row per requirement, in the order given, unmeasured ones included:

        * ``id``, ``service``, ``user_segment``, ``requirement``, ``required_level_text`` : str;
        * ``slo`` : the linked SLO, ``""`` when none;
        * ``importance``, ``satisfaction``, ``respondents`` : as given (``respondents`` float, ``NaN``
          when unknown);
        * ``required_target`` : the share that must meet the requirement (``NaN``: no measurable level);
        * ``threshold_ms`` : the requirement's time limit; ``slo_threshold_ms`` the linked SLO's (``NaN``
          for ratio SLIs); when they differ, the SLO measures another limit than the users name;
        * ``measured`` : bool, the requirement has a linked SLO; ``False`` (an *unmeasured*
          requirement) leaves every number below ``NaN`` (and the booleans ``<NA>``);
        * ``budgeting_method``, ``unit`` : the SLO's method and what ``good``/``total`` count (``events``
          or ``slices``; ``""`` when unmeasured);
        * ``good``, ``total`` : float, counted by the SLO's budgeting method over the period (Timeslices:
          good slices and slices with data; RatioTimeslices: the sum of the slice ratios and the slices);
        * ``achieved`` : ``good / total``, the SLO's attainment over the period;
        * ``low``, ``high`` : Wilson interval of ``achieved`` at ``level``;
        * ``gap`` : ``achieved - required_target`` (negative: below what users require);
        * ``met`` : nullable bool, ``achieved >= required_target``;
        * ``p_value`` : one-sided exact binomial test of H0: true level >= ``required_target`` against
          H1: below, :math:`P[X \le good]` for :math:`X \sim \mathrm{Binomial}(total, required\_target)`;
          ``NaN`` without a required target, without data, or for RatioTimeslices (a mean of ratios is not
          a binomial count);
        * ``significant`` : nullable bool, ``p_value < 1 - level``: the shortfall is unlikely to be bad luck;
        * ``slo_target`` : the linked SLO's target;
        * ``no_data`` : bool, the linked SLO has no event (or no slice with data) in the period;
        * ``period_start``, ``period_end`` : the period, UTC.

    Raises
    ------
    ParameterError
        ``catalog`` is not a Catalog; ``start``/``end`` naive or not a time, ``end <= start``; ``level``
        outside (0, 1).
    DataError
        A missing column; a requirement (named by its id) with an empty id or service, an id used twice,
        importance or satisfaction outside 1-5, respondents below 1, ``required_target`` outside (0, 1),
        ``threshold_ms`` not positive, an unknown service or linked SLO; naive SLI timestamps.

    Notes
    -----
    ``achieved`` is the attainment of :func:`~slm_analytics.budget.attainment` under the SLO's budgeting
    method (OpenSLO v1 ``budgetingMethod``). The interval is Wilson's (1927) score interval and the test
    the exact binomial test, both from :func:`~slm_analytics.sli.sli_interval` (they match
    ``scipy.stats.binomtest(good, total, p=required_target, alternative="less")``). For Timeslices the
    trials are the slices, so a month of 5-minute slices is ~8,640 trials however busy the service.
    The test asks whether the shortfall is real; a ``gap`` >= 0 has ``p_value`` >= 0.5.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> req, sli, catalog = read_dataset("requirements"), read_dataset("sli_5min"), read_dataset("catalog")
    >>> gap = requirements_gap(req, sli, catalog, start="2026-07-01T00:00Z", end="2026-09-01T00:00Z")
    >>> gap.loc[gap["service"] == "mobile-api", ["id", "slo", "required_target", "achieved", "gap"]]
             id           slo  required_target  achieved       gap
    16  REQ-017       latency            0.990  0.989328 -0.000672
    17  REQ-018  availability            0.999  0.999599  0.000599
    18  REQ-019  availability            0.995  0.999599  0.004599
    >>> gap.loc[gap["service"] == "mobile-api", ["id", "total", "low", "high", "p_value", "significant"]]
             id       total       low      high  p_value  significant
    16  REQ-017  51936555.0  0.989300  0.989356      0.0         True
    17  REQ-018  51936555.0  0.999594  0.999605      1.0        False
    18  REQ-019  51936555.0  0.999594  0.999605      1.0        False

    The mobile app's latency regression (16 June to 8 September) leaves July and August below the 99 %
    the users ask for, and on millions of requests the shortfall is no accident. A requirement with no
    linked SLO is kept, unmeasured:

    >>> gap.loc[gap["id"] == "REQ-006", ["requirement", "measured", "achieved", "significant"]]
                                 requirement  measured  achieved  significant
    5  Maintenance is announced a week ahead     False       NaN         <NA>
    """
    what = "requirements_gap"
    check_catalog(catalog, what)
    level = _check_level(level, what)
    t0, t1 = _period(start, end, what)
    req = _requirements(requirements, catalog, what)
    measured = (req["linked_slo"] != "").to_numpy()
    keys = list(dict.fromkeys(zip(req["service"][measured], req["linked_slo"][measured], strict=True)))
    counts = _achieved(sli, catalog, keys, t0, t1, what)
    out = req.rename(columns={"linked_slo": "slo"}).merge(counts, on=["service", "slo"], how="left")
    out["measured"] = measured
    for c in ("budgeting_method", "unit"):
        out[c] = out[c].fillna("").astype("str")
    out["low"], out["high"], out["p_value"] = _tests(out, level)
    achieved, target = out["achieved"].to_numpy(dtype=float), out["required_target"].to_numpy(dtype=float)
    out["gap"] = achieved - target
    out["met"] = _nullable(achieved >= target, ~np.isnan(achieved) & ~np.isnan(target))
    p = out["p_value"].to_numpy(dtype=float)
    out["significant"] = _nullable(p < 1 - level, ~np.isnan(p))
    out["no_data"] = measured & (np.nan_to_num(out["total"].to_numpy(dtype=float)) == 0)
    out["period_start"], out["period_end"] = t0, t1
    columns = ["id", "service", "slo", "user_segment", "requirement", "required_level_text", "importance",
               "satisfaction", "respondents", "required_target", "threshold_ms", "slo_threshold_ms",
               "measured", "budgeting_method", "unit", "good", "total", "achieved", "low", "high", "gap",
               "met", "p_value", "significant", "slo_target", "no_data", "period_start", "period_end"]
    return out[columns]


# ------------------------------------------------------------------------------------------- coverage


def slo_coverage(requirements: pd.DataFrame, catalog: Catalog, *, overengineering: float = 0.5
                 ) -> pd.DataFrame:
    r"""Per SLO: whether its target protects what the users linked to it require, or far more than that.

    Parameters
    ----------
    requirements : DataFrame
        Users' requirements (:func:`~slm_analytics.data.read_requirements`).
    catalog : Catalog
        The SLOs to assess: every SLO of the catalog gets a row, linked or not.
    overengineering : float
        In (0, 1]: an SLO whose allowed bad share ``1 - slo_target`` is below this fraction of the
        strictest linked requirement's allowed bad share ``1 - strictest_required`` is flagged as possible
        over-engineering. Default 1/2: the SLO allows less than half the errors anyone asks it to allow.

    Returns
    -------
    DataFrame
        One row per SLO of the catalog, in catalog order:

        * ``service``, ``slo``, ``budgeting_method``, ``slo_target``;
        * ``requirements`` : int, requirements linked to the SLO; ``with_target`` : int, of those the ones
          with a ``required_target``;
        * ``strictest_required``, ``loosest_required`` : float, the highest and lowest ``required_target``
          among them (``NaN`` when none); ``strictest_id`` : the id of the (first) strictest one, or ``""``;
        * ``allowed_bad_ratio`` : :math:`(1 - slo\_target) / (1 - strictest\_required)`, the SLO's allowed
          bad share over the smallest one a linked requirement allows;
        * ``looser_than_required`` : nullable bool, ``allowed_bad_ratio > 1`` (``slo_target <
          strictest_required``): the SLO does not protect what users asked for, it can be met while they
          are not served;
        * ``possible_overengineering`` : nullable bool, ``allowed_bad_ratio < overengineering``: the SLO is
          far stricter than any linked requirement, budget that could be spent on change;
        * ``slo_threshold_ms`` : the SLO's threshold in ms (threshold SLIs with a unit; else ``NaN``);
          ``strictest_threshold_ms`` : the smallest ``threshold_ms`` of the linked requirements;
        * ``threshold_looser`` : nullable bool, for "at most" thresholds (``op`` ``lte``/``lt``): the SLO
          counts as good a response slower than the strictest requirement accepts.

        The booleans are ``<NA>`` where there is nothing to compare (no linked requirement with a level).

    Raises
    ------
    ParameterError
        ``catalog`` is not a Catalog, ``overengineering`` outside (0, 1].
    DataError
        As :func:`requirements_gap`, for the requirements.

    Notes
    -----
    Targets equal up to a relative 1e-9 (0.999 read from two files) count as equal: the ratio is then 1,
    neither looser nor over-engineered. Only requirements with a ``required_target`` set the bounds.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> cover = slo_coverage(read_dataset("requirements"), read_dataset("catalog"))
    >>> flagged = (cover["looser_than_required"].fillna(False)
    ...            | cover["possible_overengineering"].fillna(False))
    >>> cover.loc[flagged, ["service", "slo", "slo_target", "strictest_required", "allowed_bad_ratio"]]
        service           slo  slo_target  strictest_required  allowed_bad_ratio
    5  payments        uptime       0.995              0.9800               0.25
    6    search  availability       0.999              0.9995               2.00
    >>> cover.loc[flagged, ["strictest_id", "looser_than_required", "possible_overengineering"]]
      strictest_id  looser_than_required  possible_overengineering
    5      REQ-032                 False                      True
    6      REQ-033                  True                     False

    Merchants ask for 98 % of 5-minute checks, the SLO keeps 99.5 %: it allows a quarter of the errors
    they would accept. Marketplace partners need 99.95 % of searches without error, the SLO allows twice
    the errors.
    """
    what = "slo_coverage"
    check_catalog(catalog, what)
    if (isinstance(overengineering, bool) or not isinstance(overengineering, numbers.Real)
            or not 0 < float(overengineering) <= 1):
        msg = (f"{what}: overengineering {shorten(overengineering)} is outside (0, 1]; it is the fraction "
               "of the strictest requirement's allowed bad share below which an SLO counts as far stricter "
               "(0.5)")
        raise ParameterError(msg)
    req = _requirements(requirements, catalog, what)
    rows = []
    for slo in catalog.slos:
        mine = req[(req["service"] == slo.service).to_numpy() & (req["linked_slo"] == slo.name).to_numpy()]
        levels = mine["required_target"].to_numpy(dtype=float)
        has = ~np.isnan(levels)
        strict = float(levels[has].max()) if has.any() else np.nan
        ind = slo.indicator
        at_most = isinstance(ind, ThresholdIndicator) and ind.op in ("lte", "lt")
        rows.append({
            "service": slo.service, "slo": slo.name, "budgeting_method": slo.budgeting_method,
            "slo_target": slo.target, "requirements": len(mine), "with_target": int(has.sum()),
            "strictest_required": strict,
            "loosest_required": float(levels[has].min()) if has.any() else np.nan,
            "strictest_id": str(mine["id"].iloc[int(np.nanargmax(levels))]) if has.any() else "",
            "allowed_bad_ratio": (1 - slo.target) / (1 - strict),
            "slo_threshold_ms": _slo_threshold_ms(slo),
            "strictest_threshold_ms": float(np.nanmin(mine["threshold_ms"])) if
            mine["threshold_ms"].notna().any() else np.nan,
            "at_most": at_most,
        })
    out = pd.DataFrame(rows)
    ratio = out["allowed_bad_ratio"].to_numpy(dtype=float)
    known = ~np.isnan(ratio)
    same = np.isclose(ratio, 1.0, rtol=_RTOL, atol=0)
    out["looser_than_required"] = _nullable((ratio > 1) & ~same, known)
    under = (ratio < overengineering) & ~np.isclose(ratio, overengineering, rtol=_RTOL, atol=0)
    out["possible_overengineering"] = _nullable(under, known)
    slo_ms, req_ms = out["slo_threshold_ms"].to_numpy(dtype=float), out["strictest_threshold_ms"].to_numpy(
        dtype=float)
    comparable = out["at_most"].to_numpy(dtype=bool) & ~np.isnan(slo_ms) & ~np.isnan(req_ms)
    out["threshold_looser"] = _nullable((slo_ms > req_ms) & ~np.isclose(slo_ms, req_ms, rtol=_RTOL, atol=0),
                                        comparable)
    columns = ["service", "slo", "budgeting_method", "slo_target", "requirements", "with_target",
               "strictest_required", "loosest_required", "strictest_id", "allowed_bad_ratio",
               "looser_than_required", "possible_overengineering", "slo_threshold_ms",
               "strictest_threshold_ms", "threshold_looser"]
    return out[columns]


# ------------------------------------------------------------------------------ importance-performance


@dataclass(frozen=True, repr=False)
class ImportancePerformance:
    """Importance-Performance Analysis of users' requirements (Martilla & James 1977).

    Attributes
    ----------
    table : DataFrame
        One row per requirement (see :func:`importance_performance`).
    segments : DataFrame
        One row per user segment: respondent-weighted means, placed with the same cut lines.
    importance_cut, performance_cut : float
        The cut lines: a requirement is of high importance when ``importance > importance_cut`` and
        performs well when ``satisfaction > performance_cut``.
    cuts : {"mean", "midpoint"}
        How the cut lines were chosen: the means of the requirements' importance and satisfaction, or the
        scale midpoint 3.
    level : float
        Confidence level of the satisfaction intervals.
    sd : float
        Standard deviation of one respondent's answer assumed for the standard errors.
    """

    table: pd.DataFrame
    segments: pd.DataFrame
    importance_cut: float
    performance_cut: float
    cuts: str
    level: float
    sd: float

    def __repr__(self) -> str:
        counts = self.table["quadrant"].value_counts()
        parts = ", ".join(f"{q}: {int(counts.get(q, 0))}" for q in QUADRANTS.values())
        fragile = int((~self.table["robust"].fillna(True)).sum())
        return (f"ImportancePerformance({len(self.table)} requirements, {len(self.segments)} segments; "
                f"cuts={self.cuts!r}: importance > {self.importance_cut:.3g}, performance > "
                f"{self.performance_cut:.3g}; {parts}; not robust: {fragile})")

    def to_frame(self) -> pd.DataFrame:
        """Return the per-requirement table (a copy)."""
        return self.table.copy()


def _quadrant(important: np.ndarray, performs: np.ndarray, known: np.ndarray | None = None) -> pd.Series:
    names = np.select([important & ~performs, important & performs, ~important & ~performs],
                      list(QUADRANTS.values())[:3], QUADRANTS[(False, True)]).astype(object)
    if known is not None:
        names = np.where(known, names, None)
    return pd.Series(pd.array(names, dtype="string"))


def _interval(mean: np.ndarray, n: np.ndarray, sd: float, z: float, cut: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.arrays.BooleanArray]:
    """Return the standard error, interval (clipped to 1-5) and robustness of means of ``n`` answers."""
    with np.errstate(invalid="ignore", divide="ignore"):
        se = sd / np.sqrt(n)
    low, high = np.clip(mean - z * se, 1, 5), np.clip(mean + z * se, 1, 5)
    above = mean > cut
    robust = np.where(above, low > cut, high <= cut)
    return se, low, high, _nullable(robust, ~np.isnan(se))


def _measured_side(req: pd.DataFrame, gap: object, what: str) -> pd.DataFrame:
    """``achieved`` and ``required_target`` per requirement from a :func:`requirements_gap` result."""
    if gap is None:
        return pd.DataFrame({"achieved": np.nan, "gap_target": np.nan}, index=req.index)
    require_columns(gap, ["id", "achieved", "required_target"], f"{what}: gap")
    gap = cast("pd.DataFrame", gap)
    ids = gap["id"].astype("str")
    if ids.duplicated().any():
        msg = (f"{what}: gap= names requirement {ids[ids.duplicated()].iloc[0]!r} more than once; pass the "
               "requirements_gap result (one row per requirement)")
        raise ParameterError(msg)
    unknown = sorted(set(ids) - set(req["id"]))
    if unknown:
        msg = (f"{what}: gap= holds requirement(s) {', '.join(map(repr, unknown[:5]))} not in requirements; "
               "pass the requirements_gap result of the same requirements")
        raise ParameterError(msg)
    side = gap.assign(id=ids).set_index("id")[["achieved", "required_target"]].astype(float)
    return side.rename(columns={"required_target": "gap_target"}).reindex(req["id"]).reset_index(drop=True)


def _segments(t: pd.DataFrame, sd: float, z: float, icut: float, pcut: float) -> pd.DataFrame:
    """Per user segment: respondent-weighted means (equal weights where respondents are unknown)."""
    n = t["respondents"].to_numpy(dtype=float)
    frame = pd.DataFrame({
        "user_segment": t["user_segment"], "n": n, "unknown": np.isnan(n), "w": np.where(np.isnan(n), 1.0, n),
        "wi": np.where(np.isnan(n), 1.0, n) * t["importance"].to_numpy(dtype=float),
        "ws": np.where(np.isnan(n), 1.0, n) * t["satisfaction"].to_numpy(dtype=float),
        "measured": t["slo_met"].notna(), "met": t["slo_met"].fillna(False).astype(bool),
        "unhappy_but_met": t["unhappy_but_met"].fillna(False).astype(bool),
    })
    g = frame.groupby("user_segment", sort=False)
    seg = pd.DataFrame({
        "requirements": g.size(),
        "respondents": g["n"].sum().where(~g["unknown"].any()),
        "importance": g["wi"].sum() / g["w"].sum(),
        "satisfaction": g["ws"].sum() / g["w"].sum(),
        "measured": g["measured"].sum(), "met": g["met"].sum(), "unhappy_but_met": g["unhappy_but_met"].sum(),
    }).reset_index()
    imp, sat = seg["importance"].to_numpy(dtype=float), seg["satisfaction"].to_numpy(dtype=float)
    se, low, high, robust = _interval(sat, seg["respondents"].to_numpy(dtype=float), sd, z, pcut)
    seg["satisfaction_se"], seg["satisfaction_low"], seg["satisfaction_high"] = se, low, high
    seg["quadrant"] = _quadrant(imp > icut, sat > pcut)
    seg["robust"] = robust
    for c in ("requirements", "measured", "met", "unhappy_but_met"):
        seg[c] = seg[c].astype(np.int64)
    return seg[["user_segment", "requirements", "respondents", "importance", "satisfaction",
                "satisfaction_se", "satisfaction_low", "satisfaction_high", "quadrant", "robust", "measured",
                "met", "unhappy_but_met"]]


def importance_performance(
    requirements: pd.DataFrame,
    *,
    gap: pd.DataFrame | None = None,
    cuts: Literal["mean", "midpoint"] = "mean",
    level: float = 0.95,
    sd: float | None = None,
) -> ImportancePerformance:
    r"""Importance-Performance Analysis of users' requirements, per requirement and per user segment.

    Parameters
    ----------
    requirements : DataFrame
        Users' requirements (:func:`~slm_analytics.data.read_requirements`): ``importance`` (the segment's
        rating, 1-5), ``satisfaction`` (the mean of ``respondents`` answers, 1-5).
    gap : DataFrame, optional
        The :func:`requirements_gap` result for the same requirements: adds the measured performance
        (attainment against the required level) next to the users' satisfaction.
    cuts : {"mean", "midpoint"}
        Cut lines: the means of importance and satisfaction over the requirements (Martilla & James's
        data-centred grid, the default), or the 1-5 scale's midpoint 3 for both.
    level : float
        Confidence level of the satisfaction intervals.
    sd : float, optional
        Standard deviation of one respondent's answer. Default: 2, the largest any 1-5 answer can have
        (half the respondents answer 1 and half 5), so a placement called robust is robust whatever the
        survey's spread; pass the survey's own SD (typically about 1) for tighter intervals.

    Returns
    -------
    ImportancePerformance
        ``.table``, one row per requirement in the order given:

        * ``id``, ``service``, ``user_segment``, ``requirement``, ``importance``, ``satisfaction``,
          ``respondents`` (float, ``NaN`` when unknown);
        * ``satisfaction_se`` : :math:`sd / \sqrt{respondents}`; ``satisfaction_low``,
          ``satisfaction_high`` : the normal interval at ``level``, clipped to 1-5;
        * ``quadrant`` : from importance and satisfaction: "concentrate here" (high importance, low
          performance), "keep up the good work" (high, high), "low priority" (low, low), "possible
          overkill" (low importance, high performance);
        * ``robust`` : nullable bool, False when the satisfaction interval crosses the performance cut
          (the quadrant could be the neighbouring one); ``<NA>`` without respondents;
        * ``required_target``, ``achieved`` : from ``gap`` (``NaN`` without it, or when unmeasured);
          ``attainment_ratio`` = ``achieved / required_target``;
        * ``slo_met`` : nullable bool, ``achieved >= required_target``;
        * ``quadrant_measured`` : the quadrant with performance taken from the measurement (met = high);
          ``<NA>`` when not measured;
        * ``unhappy_but_met`` : nullable bool, satisfaction placed low (at or below the cut, robustly:
          its interval stays below) while the SLO meets the required level: the SLO measures the wrong
          thing (or the wrong limit), or over the wrong period;
        * ``happy_but_missed`` : nullable bool, satisfaction placed high (robustly) while the level is
          missed: the users do not feel the misses, the required level may be stricter than they need.

          Both are ``<NA>`` when the requirement is not measured; without respondents the placement alone
          counts.

        ``.segments``, one row per user segment (order of first appearance): ``requirements``,
        ``respondents`` (sum; ``NaN`` when one is unknown), ``importance`` and ``satisfaction``
        (respondent-weighted means; equal weights when respondents are unknown), ``satisfaction_se``
        (:math:`sd/\sqrt{\sum respondents}`), ``satisfaction_low``, ``satisfaction_high``, ``quadrant``,
        ``robust``, ``measured``, ``met`` and ``unhappy_but_met`` (counts of requirements). Plus the cut
        lines ``importance_cut``, ``performance_cut`` and how they were chosen, ``cuts``.

    Raises
    ------
    ParameterError
        ``cuts`` unknown, ``level`` outside (0, 1), ``sd`` not positive, ``gap`` with requirements that
        are not in ``requirements`` or named twice.
    DataError
        As :func:`requirements_gap`, for the requirements; a missing column of ``gap``.

    Notes
    -----
    Martilla & James (1977), "Importance-Performance Analysis", *Journal of Marketing* 41(1), 77-79: the
    requirements are placed on a grid of importance against performance; the cut lines are the data's
    means (or the scale's midpoints). High means strictly above the cut. Importance is read as the
    segment's rating, without sampling error; satisfaction is a mean of ``respondents`` answers, so its
    standard error is :math:`\sigma/\sqrt{n}` with :math:`\sigma` = ``sd`` and its interval
    :math:`\bar x \pm z_{(1+level)/2}\,\sigma/\sqrt{n}` (:math:`\sigma` is assumed, not estimated, so the
    normal quantile). A segment's answers are pooled as independent answers of different people.

    Examples
    --------
    >>> from slm_analytics import read_dataset
    >>> req, sli, catalog = read_dataset("requirements"), read_dataset("sli_5min"), read_dataset("catalog")
    >>> gap = requirements_gap(req, sli, catalog, start="2026-07-01T00:00Z", end="2026-09-01T00:00Z")
    >>> ipa = importance_performance(req, gap=gap)
    >>> ipa.cuts, round(ipa.importance_cut, 3), round(ipa.performance_cut, 3)
    ('mean', 3.788, 4.206)
    >>> t = ipa.table
    >>> t.loc[(t["quadrant"] == "concentrate here") & t["robust"],
    ...       ["id", "service", "importance", "satisfaction", "slo_met"]]
             id        service  importance  satisfaction  slo_met
    2   REQ-003       checkout           5           4.0     True
    3   REQ-004       payments           5           3.9     True
    6   REQ-007         search           4           3.9     True
    14  REQ-015  notifications           4           3.4    False
    16  REQ-017     mobile-api           5           2.8    False

    The mobile app's slowness and the late notifications are where users are least satisfied and the
    measurement agrees; for checkout, payments, search and the support portal the users are less satisfied
    than average (even at the top of the interval) while July and August met the required level: the SLO
    does not measure what they feel, or the survey remembers other months (payments' February outage):

    >>> t.loc[t["unhappy_but_met"].fillna(False), ["id", "service", "satisfaction", "satisfaction_high"]]
             id         service  satisfaction  satisfaction_high
    2   REQ-003        checkout           4.0           4.149773
    3   REQ-004        payments           3.9           4.050990
    6   REQ-007          search           3.9           4.093356
    24  REQ-025  support-portal           3.9           4.082175
    """
    what = "importance_performance"
    if cuts not in ("mean", "midpoint"):
        msg = f"{what}: cuts {shorten(cuts)} is not one of 'mean', 'midpoint'"
        raise ParameterError(msg)
    level = _check_level(level, what)
    if sd is None:
        sd = _SD_BOUND
    elif isinstance(sd, bool) or not isinstance(sd, numbers.Real) or not 0 < float(sd) < np.inf:
        msg = (f"{what}: sd {shorten(sd)} is not a positive number; it is the standard deviation of one "
               "answer on the 1-5 scale")
        raise ParameterError(msg)
    from scipy import special  # lazy: keeps `import slm_analytics` fast

    z = float(special.ndtri(0.5 + 0.5 * level))
    req = _requirements(requirements, None, what)
    imp, sat = req["importance"].to_numpy(dtype=float), req["satisfaction"].to_numpy(dtype=float)
    icut, pcut = (float(imp.mean()), float(sat.mean())) if cuts == "mean" else (3.0, 3.0)
    t = req[["id", "service", "user_segment", "requirement", "importance", "satisfaction",
             "respondents"]].copy()
    se, low, high, robust = _interval(sat, t["respondents"].to_numpy(dtype=float), float(sd), z, pcut)
    t["satisfaction_se"], t["satisfaction_low"], t["satisfaction_high"] = se, low, high
    t["quadrant"] = _quadrant(imp > icut, sat > pcut)
    t["robust"] = robust
    side = _measured_side(req, gap, what)
    target = np.where(np.isnan(side["gap_target"]), req["required_target"], side["gap_target"])
    achieved = side["achieved"].to_numpy(dtype=float)
    t["required_target"], t["achieved"] = target, achieved
    t["attainment_ratio"] = achieved / target
    known = ~np.isnan(achieved) & ~np.isnan(target)
    met = achieved >= target
    t["slo_met"] = _nullable(met, known)
    t["quadrant_measured"] = _quadrant(imp > icut, met, known)
    sure = robust.fillna(True).to_numpy(dtype=bool)  # without respondents, the placement alone
    t["unhappy_but_met"] = _nullable((sat <= pcut) & sure & met, known)
    t["happy_but_missed"] = _nullable((sat > pcut) & sure & ~met, known)
    segments = _segments(t, float(sd), z, icut, pcut)
    return ImportancePerformance(t, segments, icut, pcut, cuts, level, float(sd))
