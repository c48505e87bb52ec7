"""The portfolio review: every service for one month, its parameters, inputs, status changes and tables.

``notebooks/reports/portfolio-review.ipynb`` reviews the whole fleet for one calendar month: its compliance
heatmap, the service credits owed in the month and expected for the contract periods running at its end,
the fleet's breach risk, the ranked priorities with the drafted Service Improvement Plan, and the SLOs whose
status changed since the month before. The notebook validates its parameters here
(:func:`validate_portfolio_parameters`), reads its data here (:func:`load_portfolio_inputs`) and shows the
portfolio-only results through this module's tables; everything else is one call to the engine.

The month of each service is cut in its own time zone (as :func:`~slm_analytics.review.monthly_attainment`
cuts it); the forecasts (breach risk, credit exposure, priorities) all start at one instant, the month's end
in UTC (or the end of the data when it comes first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler
from pydantic import BaseModel, ConfigDict, field_validator

from .._checks import check_int, require_columns
from ..errors import DataError, ParameterError
from .formats import AMBER, GREEN, RED, definition_table, left_align, month_name, pct, styled, target_pct
from .notes import Note
from .parameters import MONTH, check_n_paths, validate_model

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..priorities import Priorities

__all__ = [
    "HEATMAP_MONTHS",
    "PortfolioInputs",
    "PortfolioParameters",
    "STATUS_AT_RISK",
    "credits_table",
    "exposure_table",
    "fleet_status",
    "load_portfolio_inputs",
    "month_credits",
    "portfolio_priorities",
    "portfolio_summary",
    "status_change_table",
    "status_changes",
    "validate_portfolio_parameters",
]

#: Months of the compliance heatmap, ending with the month reviewed.
HEATMAP_MONTHS = 12
#: Share of the month's error budget spent from which an SLO that met its target is "at risk" (the
#: compliance heatmap's threshold, :data:`slm_analytics.charts.compliance.AT_RISK_SHARE`).
STATUS_AT_RISK = 0.75


class PortfolioParameters(BaseModel):
    """Parameters of the portfolio review notebook (every service, one month).

    Attributes
    ----------
    month : str
        Calendar month ``"YYYY-MM"`` (each service's month cut in its time zone), or ``"latest"``: the last
        month the data covers completely in UTC (:func:`~slm_analytics.review.latest_complete_month`).
    data_dir : str
        Folder laid out like ``datasets/``; ``""`` for the bundled sample data.
    n_paths : int
        Simulated paths per SLO (and per SLA) of the breach probabilities, the credit exposure and the
        priorities (at least 100).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    month: str = "latest"
    data_dir: str = ""
    n_paths: int = 2000

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        if value != "latest" and not MONTH.match(value):
            msg = (f"{value[:40]!r} is not a calendar month; expected 'YYYY-MM' such as '2026-10', or "
                   "'latest' for the last month the data covers")
            raise ValueError(msg)
        return value

    @field_validator("n_paths")
    @classmethod
    def _n_paths(cls, value: int) -> int:
        return check_n_paths(value)


def validate_portfolio_parameters(**params: Any) -> PortfolioParameters:
    """Check the portfolio review's parameters; call it in the notebook's validation cell.

    In the notebook: ``validate_portfolio_parameters(**parameters_in(globals()))``, so that a parameter
    papermill injected under a wrong name is reported (papermill only warns).

    Parameters
    ----------
    **params
        ``month``, ``data_dir`` and ``n_paths``, all optional (see :class:`PortfolioParameters`).

    Returns
    -------
    PortfolioParameters
        The validated parameters.

    Raises
    ------
    ParameterError
        Naming every unknown parameter and every bad value (a month other than ``YYYY-MM`` or
        ``"latest"``, ``n_paths`` below 100 or not a whole number, a ``data_dir`` that is not a folder).

    Examples
    --------
    >>> validate_portfolio_parameters(month="2026-10", n_paths=500)
    PortfolioParameters(month='2026-10', data_dir='', n_paths=500)
    >>> validate_portfolio_parameters(month="2026-13", n_path=500)
    Traceback (most recent call last):
    ...
    slm_analytics.errors.ParameterError: unknown portfolio parameter 'n_path'; allowed: month, data_dir,
    n_paths; portfolio parameter 'month': '2026-13' is not a calendar month; expected 'YYYY-MM' such as
    '2026-10', or 'latest' for the last month the data covers
    """
    return validate_model(PortfolioParameters, params, "portfolio")


@dataclass(frozen=True, repr=False)
class PortfolioInputs:
    """The data the portfolio review reads, and the month it reviews.

    Attributes
    ----------
    catalog : Catalog
        Services, SLOs and SLAs.
    sli : DataFrame
        SLI event counts per bucket (``sli_5min``), the whole data.
    incidents : DataFrame
        Incident records.
    maintenance : DataFrame
        Planned maintenance windows: the file's and the catalog's recurring ones over the data's span.
    requirements : DataFrame or None
        The users' requirements, or None when the folder has none.
    register : DataFrame or None
        The Service Improvement Plan register, or None when the folder has none.
    month : str
        The month reviewed, ``"YYYY-MM"`` (``"latest"`` resolved).
    previous : str
        The month before it (the last review's).
    months : list of str
        The :data:`HEATMAP_MONTHS` months up to and including ``month``.
    as_of : Timestamp
        The instant the forecasts start from: the month's end in UTC, or the end of the data when it comes
        first.
    data_dir : str
        Where the data was read from (``""``: bundled sample data).
    """

    catalog: Catalog
    sli: pd.DataFrame
    incidents: pd.DataFrame
    maintenance: pd.DataFrame
    requirements: pd.DataFrame | None
    register: pd.DataFrame | None
    month: str
    previous: str
    months: list[str]
    as_of: pd.Timestamp
    data_dir: str = ""

    def _rows(self) -> list[tuple[str, str]]:
        n_slas = len(self.catalog.slas)
        return [
            ("Month", f"{month_name(self.month)}, each service's month in its own time zone"),
            ("Compared with", month_name(self.previous)),
            ("Services", f"{len(self.catalog.services)} services, {len(self.catalog.slos)} SLOs, "
                         f"{n_slas} SLA{'s' if n_slas != 1 else ''}"),
            ("Forecasts from", f"{self.as_of:%a %d %b %Y %H:%M} UTC"),
            ("Data", self.data_dir or "bundled sample data"),
        ]

    def __repr__(self) -> str:
        return "PortfolioInputs(" + "; ".join(f"{k}: {v}" for k, v in self._rows()) + ")"

    def _repr_html_(self) -> str:
        return definition_table(self._rows())


def load_portfolio_inputs(params: PortfolioParameters) -> PortfolioInputs:
    """Read a data folder for the portfolio review and fix the month it reviews.

    Parameters
    ----------
    params : PortfolioParameters
        Validated parameters (:func:`validate_portfolio_parameters`).

    Returns
    -------
    PortfolioInputs
        What :func:`~slm_analytics.review.load_explorer_inputs` reads, with the month (``"latest"``
        resolved), the month before it, the heatmap's months and the forecasts' instant.

    Raises
    ------
    ParameterError
        If the month is outside the data (it ends before the data starts, or starts at or after its end).
    InsufficientDataError
        ``"latest"`` with no complete month in the data.
    DataError, DefinitionError
        If a data file or the catalog is invalid.

    Examples
    --------
    >>> inputs = load_portfolio_inputs(validate_portfolio_parameters(month="latest"))
    >>> inputs.month, inputs.previous, inputs.months[0], inputs.as_of
    ('2026-10', '2026-09', '2025-11', Timestamp('2026-11-01 00:00:00+0000', tz='UTC'))
    """
    from ..priorities import data_end
    from .inputs import bucket_span, latest_complete_month, load_explorer_inputs
    from .month import month_bounds
    from .parameters import ExplorerParameters

    data = load_explorer_inputs(ExplorerParameters(data_dir=params.data_dir))
    month = latest_complete_month(data.sli) if params.month == "latest" else params.month
    first, _, _ = bucket_span(data.sli["timestamp"], "the SLI data")
    last = data_end(data.sli)
    start, end = month_bounds(month, tz="UTC")
    # the month in the time zones furthest from UTC (UTC-12 to UTC+14) still overlaps the data
    if end + pd.Timedelta(hours=12) <= first or start - pd.Timedelta(hours=14) >= last:
        msg = (f"portfolio parameter 'month': {month!r} is outside the data ({first:%Y-%m-%d %H:%M} to "
               f"{last:%Y-%m-%d %H:%M} UTC); give a month the data covers, or 'latest'")
        raise ParameterError(msg)
    period = pd.Period(month, freq="M")
    months = [str(p) for p in pd.period_range(end=period, periods=HEATMAP_MONTHS, freq="M")]
    return PortfolioInputs(catalog=data.catalog, sli=data.sli, incidents=data.incidents,
                           maintenance=data.maintenance, requirements=data.requirements,
                           register=data.register, month=month, previous=str(period - 1), months=months,
                           as_of=min(end, last).tz_convert("UTC").as_unit("us"), data_dir=params.data_dir)


# ------------------------------------------------------------------------------------------------ status


def fleet_status(fleet: pd.DataFrame, *, at_risk: float = STATUS_AT_RISK) -> pd.DataFrame:
    """Give each SLO and month of a fleet table its status: met, at risk, missed or no data.

    Parameters
    ----------
    fleet : DataFrame
        :func:`~slm_analytics.review.fleet_monthly_attainment` (or any table with ``attainment``,
        ``target`` and optionally ``budget_consumed``).
    at_risk : float
        Share of the month's error budget spent, in (0, 1], from which an SLO that met its target is at
        risk.

    Returns
    -------
    DataFrame
        A copy of ``fleet`` with ``status``: ``"no data"`` without data, ``"missed"`` below target,
        ``"at risk"`` when at least ``at_risk`` of the budget was spent, else ``"met"``. The compliance
        heatmap (:func:`~slm_analytics.charts.compliance_heatmap`) colours its cells by this column.

    Raises
    ------
    DataError
        A missing column.
    ParameterError
        ``at_risk`` not in (0, 1].

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"attainment": [0.9995, 0.9992, 0.998, float("nan")], "target": 0.999})
    >>> fleet_status(t)["status"].tolist()  # budget spent: 50 %, 80 %, 200 %, no data
    ['met', 'at risk', 'missed', 'no data']
    """
    what = "fleet_status"
    require_columns(fleet, ["attainment", "target"], what)
    if isinstance(at_risk, bool) or not isinstance(at_risk, (int, float)) or not 0 < at_risk <= 1:
        msg = f"{what}: at_risk {at_risk!r} must be a share of the error budget in (0, 1], e.g. 0.75"
        raise ParameterError(msg)
    attainment = fleet["attainment"].to_numpy(dtype=float)
    target = fleet["target"].to_numpy(dtype=float)
    consumed = (fleet["budget_consumed"].to_numpy(dtype=float) if "budget_consumed" in fleet.columns
                else (1.0 - attainment) / (1.0 - target))
    out = fleet.copy()
    with np.errstate(invalid="ignore"):
        out["status"] = np.select([np.isnan(attainment), attainment < target, consumed >= at_risk],
                                  ["no data", "missed", "at risk"], default="met")
    return out


def status_changes(fleet: pd.DataFrame, *, month: str, previous: str | None = None,
                   at_risk: float = STATUS_AT_RISK) -> pd.DataFrame:
    """List the SLOs whose status differs between two months of a fleet table.

    Parameters
    ----------
    fleet : DataFrame
        :func:`~slm_analytics.review.fleet_monthly_attainment` over both months: ``service``, ``slo``,
        ``month``, ``attainment``, ``target`` and optionally ``budget_consumed`` or ``status``.
    month : str
        The month reviewed, ``"YYYY-MM"``.
    previous : str, optional
        The month compared with (the last review's); default the month before ``month``.
    at_risk : float
        As :func:`fleet_status` (used when ``fleet`` has no ``status``).

    Returns
    -------
    DataFrame
        One row per SLO whose status changed, in the table's order: ``service``, ``slo``, ``target``,
        ``previous_status``, ``status``, ``previous_attainment``, ``attainment``,
        ``previous_budget_consumed``, ``budget_consumed``, ``worse`` (the status moved towards missed:
        met -> at risk -> missed; a change to or from no data is not worse). SLOs in only one of the two
        months count as ``"no data"`` in the other.

    Raises
    ------
    DataError
        A missing column, or a month with no row in ``fleet``.
    ParameterError
        ``month`` or ``previous`` not ``"YYYY-MM"``.

    Examples
    --------
    >>> import pandas as pd
    >>> fleet = pd.DataFrame({"service": "api", "slo": ["a", "a", "b", "b"],
    ...                       "month": ["2026-09", "2026-10"] * 2,
    ...                       "attainment": [0.9995, 0.998, 0.9995, 0.9996], "target": 0.999})
    >>> status_changes(fleet, month="2026-10")[["slo", "previous_status", "status", "worse"]]
      slo previous_status  status  worse
    0   a             met  missed   True
    """
    what = "status_changes"
    require_columns(fleet, ["service", "slo", "month", "attainment", "target"], what)
    for name, value in (("month", month), ("previous", previous)):
        if value is not None and (not isinstance(value, str) or not MONTH.match(value)):
            msg = f"{what}: {name} {str(value)[:40]!r} is not a calendar month; expected 'YYYY-MM'"
            raise ParameterError(msg)
    previous = str(pd.Period(month, freq="M") - 1) if previous is None else previous
    table = fleet if "status" in fleet.columns else fleet_status(fleet, at_risk=at_risk)
    if "budget_consumed" not in table.columns:
        table = table.assign(budget_consumed=(1.0 - table["attainment"]) / (1.0 - table["target"]))
    months = table["month"].astype(str)
    for m in (previous, month):
        if not (months == m).any():
            msg = (f"{what}: no row for month {m!r} in the fleet table (it has "
                   f"{', '.join(sorted(set(months))[:13])}); give a table covering both months")
            raise DataError(msg)
    cols = ["service", "slo", "target", "status", "attainment", "budget_consumed"]
    now = table.loc[(months == month).to_numpy(), cols]
    before = table.loc[(months == previous).to_numpy(), cols]
    both = now.merge(before, on=["service", "slo"], how="outer", suffixes=("", "_prev"), sort=False)
    both["target"] = both["target"].fillna(both["target_prev"])
    both[["status", "status_prev"]] = both[["status", "status_prev"]].fillna("no data")
    changed = both[(both["status"] != both["status_prev"]).to_numpy()]
    rank = {"met": 0, "at risk": 1, "missed": 2}
    worse = [s in rank and p in rank and rank[s] > rank[p]
             for s, p in zip(changed["status"], changed["status_prev"], strict=True)]
    return pd.DataFrame({
        "service": changed["service"].astype(str), "slo": changed["slo"].astype(str),
        "target": changed["target"].astype(float),
        "previous_status": changed["status_prev"].astype(str), "status": changed["status"].astype(str),
        "previous_attainment": changed["attainment_prev"].astype(float),
        "attainment": changed["attainment"].astype(float),
        "previous_budget_consumed": changed["budget_consumed_prev"].astype(float),
        "budget_consumed": changed["budget_consumed"].astype(float),
        "worse": np.array(worse, dtype=bool),
    }).reset_index(drop=True)


_STATUS_STYLE = {"missed": RED, "at risk": AMBER, "met": GREEN, "no data": ""}


def status_change_table(changes: pd.DataFrame, *, month: str, previous: str) -> Styler | Note:
    """Present :func:`status_changes`: the SLOs whose status changed since the last review.

    Parameters
    ----------
    changes : DataFrame
        Output of :func:`status_changes`.
    month, previous : str
        The months compared, ``"YYYY-MM"`` (for the headings and the note).

    Returns
    -------
    Styler or Note
        One row per SLO, worsened ones first: SLO, target, the status, attainment and budget spent in each
        month (statuses coloured: missed red, at risk amber, met green) and the direction of the change. A
        :class:`Note` saying that no SLO changed status when ``changes`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> fleet = pd.DataFrame({"service": "api", "slo": ["a", "a"], "month": ["2026-09", "2026-10"],
    ...                       "attainment": [0.9995, 0.998], "target": 0.999})
    >>> table = status_change_table(status_changes(fleet, month="2026-10"), month="2026-10",
    ...                             previous="2026-09")
    >>> table.data.iloc[0].tolist()
    ['api / a', '99.9%', 'met', '99.950%', '50%', 'missed', '99.800%', '200%', 'worse']
    >>> steady = fleet.assign(attainment=0.9995)
    >>> status_change_table(status_changes(steady, month="2026-10"), month="2026-10",
    ...                     previous="2026-09").text[:61]
    'No SLO changed status between September 2026 and October 2026'
    """
    if changes.empty:
        return Note(f"No SLO changed status between {month_name(previous)} and {month_name(month)}: each "
                    "one was met, at risk or missed in both months alike.")
    c = changes.sort_values("worse", ascending=False, kind="stable")
    before, now = month_name(previous).split()[0][:3], month_name(month).split()[0][:3]
    direction = np.where(c["worse"].to_numpy(), "worse",
                         np.where(c["status"].eq("no data") | c["previous_status"].eq("no data"),
                                  "data changed", "better"))
    shown = pd.DataFrame({
        "SLO": c["service"] + " / " + c["slo"],
        "target": [target_pct(t) for t in c["target"]],
        f"{before} status": c["previous_status"],
        f"{before} attainment": [pct(v, 3) for v in c["previous_attainment"]],
        f"{before} budget spent": [pct(v, 0) for v in c["previous_budget_consumed"]],
        f"{now} status": c["status"],
        f"{now} attainment": [pct(v, 3) for v in c["attainment"]],
        f"{now} budget spent": [pct(v, 0) for v in c["budget_consumed"]],
        "change": direction,
    })
    colours = {col: [_STATUS_STYLE.get(v, "") for v in shown[col]]
               for col in (f"{before} status", f"{now} status")}
    change = [RED if d == "worse" else GREEN if d == "better" else "" for d in direction]
    styler = left_align(styled(shown), ["SLO"])
    for col, col_styles in colours.items():
        styler = styler.apply(lambda _, s=col_styles: s, subset=[col])
    return styler.apply(lambda _: change, subset=["change"])


# ------------------------------------------------------------------------------------------------ credits


def month_credits(inputs: PortfolioInputs) -> pd.DataFrame:
    """Attainment and service credits of every SLA of the fleet for the month reviewed.

    :func:`~slm_analytics.review.month_sla` of each service with an SLA (quarterly SLAs: the quarter to
    date), planned maintenance excluded where the contract excludes it.

    Parameters
    ----------
    inputs : PortfolioInputs
        The data and the month (:func:`load_portfolio_inputs`).

    Returns
    -------
    DataFrame
        The columns of :func:`~slm_analytics.review.month_sla`, one row per SLA in catalog order of the
        services; ``credit_amount`` is what is owed for the period (provisional when ``to_date``).

    Raises
    ------
    InsufficientDataError
        A service with an SLA has no data in the month.

    Examples
    --------
    >>> inputs = load_portfolio_inputs(validate_portfolio_parameters(month="2026-02"))
    >>> credits = month_credits(inputs)
    >>> credits.loc[credits["breached"], ["service", "sla", "credit", "credit_amount"]]
        service               sla  credit  credit_amount
    1  payments  merchant-gateway     0.1         4000.0
    """
    from .month import month_sla

    with_sla = list(dict.fromkeys(a.service for a in inputs.catalog.slas))
    frames = [month_sla(inputs.sli, inputs.catalog, service=s.name, month=inputs.month,
                        exclusions=inputs.maintenance)
              for s in inputs.catalog.services if s.name in with_sla]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in _CREDIT_COLUMNS})
    return pd.concat(frames, ignore_index=True)


_CREDIT_COLUMNS = ["service", "sla", "slo", "customer", "period", "period_start", "period_end", "attainment",
                   "target", "breached", "credit", "credit_amount", "monthly_fee", "to_date"]


def credits_table(credits: pd.DataFrame, catalog: Catalog) -> Styler | Note:
    """Present :func:`month_credits`: what each SLA of the fleet owes for the month, breaches first.

    Parameters
    ----------
    credits : DataFrame
        Output of :func:`month_credits`.
    catalog : Catalog
        The services' time zones (the contract period is shown as local days).

    Returns
    -------
    Styler or Note
        One row per SLA, breached ones first: SLA (service / SLA) and customer, SLO, contract period (a
        quarter to date marked), attainment, target, result (breached in red), credit (share of the fee)
        and credit amount, final or provisional. A :class:`Note` when the fleet has no SLA.

    Examples
    --------
    >>> inputs = load_portfolio_inputs(validate_portfolio_parameters(month="2026-02"))
    >>> shown = credits_table(month_credits(inputs), inputs.catalog).data
    >>> shown.iloc[0][["SLA", "result", "credit amount"]].tolist()
    ['payments / merchant-gateway', 'breached', '4,000']
    """
    if credits.empty:
        return Note("No SLA in the catalog: no service credit can be owed.")
    tz_of = {s.name: s.timezone for s in catalog.services}
    c = credits.sort_values("breached", ascending=False, kind="stable")
    periods = []
    for r in c.itertuples(index=False):
        start = pd.Timestamp(r.period_start).tz_convert(tz_of[r.service])
        end = pd.Timestamp(r.period_end).tz_convert(tz_of[r.service]) - pd.Timedelta(microseconds=1)
        text = f"{start:%d %b} to {end:%d %b %Y}"
        periods.append(text + " (to date)" if r.to_date else text)
    shown = pd.DataFrame({
        "SLA": c["service"].astype(str) + " / " + c["sla"].astype(str),
        "customer": c["customer"].astype(str),
        "SLO": c["slo"].astype(str),
        "period": periods,
        "attainment": [pct(v, 3) for v in c["attainment"]],
        "target": [target_pct(t) for t in c["target"]],
        "result": np.where(c["breached"].astype(bool), "breached", "met"),
        "credit": [pct(v, 0) for v in c["credit"]],
        "credit amount": [f"{v:,.0f}" if pd.notna(v) else "–" for v in c["credit_amount"]],
        "figures": np.where(c["to_date"].astype(bool), "provisional", "final"),
    })
    red = [RED if b else "" for b in c["breached"].astype(bool)]
    return (left_align(styled(shown), ["SLA", "customer", "SLO", "period"])
            .apply(lambda _: red, subset=["result"]).apply(lambda _: red, subset=["credit amount"]))


def _money(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:,.0f}"


def exposure_table(exposure: pd.DataFrame, catalog: Catalog) -> Styler | Note:
    """Present :func:`~slm_analytics.improvement.credit_exposure`: the credits expected, largest first.

    Parameters
    ----------
    exposure : DataFrame
        Output of :func:`~slm_analytics.improvement.credit_exposure`.
    catalog : Catalog
        The services' time zones (the contract period is shown as local days).

    Returns
    -------
    Styler or Note
        One row per SLA by decreasing expected amount (then chance of a breach): SLA, contract period
        assessed with the days observed and simulated, chance the period ends below target with its 95 %
        interval (amber from 5 %, red from 50 %), attainment so far, expected credit (share of the fee) and
        amount with its 90 % range, and the amount owed if the period ended as it stands. A
        :class:`Note` when no SLA has data.

    Examples
    --------
    >>> from slm_analytics.improvement import credit_exposure
    >>> inputs = load_portfolio_inputs(validate_portfolio_parameters(month="2026-10"))
    >>> exposure = credit_exposure(inputs.sli, inputs.catalog, as_of=inputs.as_of, n_paths=200, seed=0,
    ...                            exclusions=inputs.maintenance)
    >>> exposure_table(exposure, inputs.catalog).data.columns.tolist()[:3]
    ['SLA', 'period', 'days observed']
    """
    if exposure.empty:
        return Note("No SLA with data: no service credit is expected.")
    tz_of = {s.name: s.timezone for s in catalog.services}
    e = exposure.sort_values(["expected_amount", "p_breach"], ascending=False, kind="stable",
                             na_position="last")
    periods = []
    for r in e.itertuples(index=False):
        start = pd.Timestamp(r.period_start).tz_convert(tz_of[r.service])
        end = pd.Timestamp(r.period_end).tz_convert(tz_of[r.service]) - pd.Timedelta(microseconds=1)
        periods.append(f"{start:%d %b} to {end:%d %b %Y}")
    shown = pd.DataFrame({
        "SLA": e["service"].astype(str) + " / " + e["sla"].astype(str),
        "period": periods,
        "days observed": [f"{o:.0f} of {o + s:.0f}" for o, s in zip(e["observed_days"], e["simulated_days"],
                                                                    strict=True)],
        "P(breach)": [f"{pct(p, 1)} ({pct(lo, 1)}–{pct(hi, 1)})"
                      for p, lo, hi in zip(e["p_breach"], e["p_low"], e["p_high"], strict=True)],
        "attainment so far": [pct(v, 3) for v in e["current_attainment"]],
        "target": [target_pct(t) for t in e["target"]],
        "expected credit": [pct(v, 1) for v in e["expected_credit"]],
        "expected amount": [_money(v) for v in e["expected_amount"]],
        "90% range": [f"{_money(lo)}–{_money(hi)}" for lo, hi in zip(e["amount_low"], e["amount_high"],
                                                                   strict=True)],
        "owed as it stands": [_money(v) for v in e["current_amount"]],
    })
    p = e["p_breach"].to_numpy(dtype=float)
    risk = [RED if v >= 0.5 else AMBER if v >= 0.05 else "" for v in p]
    return left_align(styled(shown), ["SLA", "period"]).apply(lambda _: risk, subset=["P(breach)"])


# ---------------------------------------------------------------------------------------------- priorities


def portfolio_priorities(inputs: PortfolioInputs, *, n_paths: int = 300, seed: int = 0,
                         weights: dict[str, float] | None = None) -> Priorities:
    """Rank the fleet's SLOs for improvement at the portfolio's month end (``inputs.as_of``).

    :func:`~slm_analytics.review.month_priorities` ranks at one service's month end; the portfolio ranks
    at the instant its other forecasts start from, the month's end in UTC (or the end of the data).

    Parameters
    ----------
    inputs : PortfolioInputs
        The data and the month (:func:`load_portfolio_inputs`).
    n_paths, seed
        Breach-probability paths and seed (seeded: the report is reproducible).
    weights : mapping, optional
        Weights of the score's parts (:data:`~slm_analytics.priorities.DEFAULT_WEIGHTS`).

    Returns
    -------
    Priorities
        :func:`~slm_analytics.priorities.priority_scores` of the evidence over the twelve months before
        ``inputs.as_of``.
    """
    from ..priorities import priority_evidence, priority_scores
    from .plan import LOOKBACK

    evidence = priority_evidence(inputs.sli, inputs.catalog, as_of=inputs.as_of, lookback=LOOKBACK,
                                 incidents=inputs.incidents, requirements=inputs.requirements,
                                 exclusions=inputs.maintenance, n_paths=n_paths, seed=seed)
    return priority_scores(evidence, weights=weights, seed=seed)


def portfolio_summary(inputs: PortfolioInputs, *, fleet: pd.DataFrame, credits: pd.DataFrame,
                      exposure: pd.DataFrame, risk: pd.DataFrame, priorities: Priorities,
                      changes: pd.DataFrame, n_paths: int, top: int = 15, digits: int = 6) -> dict[str, Any]:
    """Return the numbers the portfolio review shows as a plain, schema-valid JSON document.

    ``portfolio.summary.json`` beside the portfolio report (its schema:
    :data:`~slm_analytics.review.summary.PORTFOLIO_SCHEMA`); like a service's summary it holds no run
    timestamp and rounds every float to ``digits`` significant digits, so the same inputs give the same bytes.

    Parameters
    ----------
    inputs : PortfolioInputs
        The portfolio's inputs (:func:`load_portfolio_inputs`).
    fleet : DataFrame
        :func:`fleet_status` of the heatmap's months.
    credits, exposure : DataFrame
        :func:`month_credits` and :func:`~slm_analytics.improvement.credit_exposure`.
    risk : DataFrame
        :func:`~slm_analytics.forecast.breach_probabilities` at ``inputs.as_of``.
    priorities : Priorities
        :func:`portfolio_priorities`.
    changes : DataFrame
        :func:`status_changes` between the month and the previous one.
    n_paths : int
        Simulated paths behind ``exposure``, ``risk`` and ``priorities`` (recorded in ``settings``).
    top : int
        How many priorities to list.
    digits : int
        Significant digits of every float.

    Returns
    -------
    dict
        ``schema_version``, ``kind`` (``"portfolio-review"``), ``period`` (label, previous, as of),
        ``settings``, ``status_counts`` and ``slos`` (each SLO's attainment, target, budget spent and status
        in the month), ``credits_owed`` and ``credits`` (per SLA), ``credit_exposure`` (expected credits of
        the current contract periods), ``breach_risk`` (per SLO), ``priorities`` (the top ``top``) and
        ``status_changes``.
    """
    from .summary import Plain

    plain = Plain(check_int(digits, "digits"))
    month = fleet[fleet["month"].astype(str) == inputs.month]
    slos = [{"service": r["service"], "slo": r["slo"], "attainment": plain.num(r["attainment"]),
             "target": plain.num(r["target"]), "budget_consumed": plain.num(r["budget_consumed"]),
             "status": str(r["status"])} for r in month.to_dict("records")]
    counts = {s: sum(o["status"] == s for o in slos) for s in ("met", "at risk", "missed", "no data")}
    owed = [{"service": r["service"], "sla": r["sla"], "customer": r["customer"],
             "attainment": plain.num(r["attainment"]), "target": plain.num(r["target"]),
             "breached": plain.flag(r["breached"]), "credit_amount": plain.num(r["credit_amount"])}
            for r in credits.to_dict("records")]
    expected = [{"service": r["service"], "sla": r["sla"], "p_breach": plain.num(r["p_breach"]),
                 "expected_amount": plain.num(r["expected_amount"])} for r in exposure.to_dict("records")]
    table = priorities.table.sort_values("rank").head(check_int(top, "top"))
    return {
        "schema_version": "1.0", "kind": "portfolio-review",
        "period": {"label": inputs.month, "previous": inputs.previous, "as_of": plain.time(inputs.as_of)},
        "settings": {"n_paths": int(n_paths), "significant_digits": plain.digits, "top_priorities": top,
                     "at_risk_budget": STATUS_AT_RISK},
        "status_counts": counts,
        "slos": slos,
        "credits_owed": plain.num(sum(float(c["credit_amount"] or 0.0) for c in owed)) or 0.0,
        "credits": owed,
        "credit_exposure": {
            "expected_amount": plain.num(sum(float(e["expected_amount"] or 0.0) for e in expected)) or 0.0,
            "slas": expected},
        "breach_risk": [{"service": r["service"], "slo": r["slo"], "probability": plain.num(r["probability"]),
                         "low": plain.num(r["low"]), "high": plain.num(r["high"])}
                        for r in risk.to_dict("records")],
        "priorities": [{"rank": int(r["rank"]), "service": r["service"], "slo": r["slo"],
                        "owner": plain.text(r["owner"]), "score": plain.num(r["score"])}
                       for r in table.to_dict("records")],
        "status_changes": [{"service": r["service"], "slo": r["slo"], "previous_status": r["previous_status"],
                            "status": r["status"], "worse": bool(r["worse"])}
                           for r in changes.to_dict("records")],
    }
