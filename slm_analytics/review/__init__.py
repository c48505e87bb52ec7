"""The monthly service review: notebook parameters and inputs, the month, its tables and notes, the runner.

``notebooks/reports/service-review.ipynb`` reviews one service for one calendar month, and
``notebooks/risk-forecast.ipynb`` shows the fleet's risk; each imports this package in one line and makes
each section one call to it or to :mod:`~slm_analytics.charts`. The package has one module per job:

- :mod:`~slm_analytics.review.parameters`: the notebooks' validated parameters (:func:`validate_parameters`,
  :func:`validate_risk_parameters`, :func:`parameters_in`), since papermill only warns about unknown ones;
- :mod:`~slm_analytics.review.inputs`: reading a data folder (:func:`load_inputs`, :func:`load_risk_inputs`,
  :func:`latest_complete_month`);
- :mod:`~slm_analytics.review.month`: the month of a service through the engine: attainment per month and
  day, budgets, alerts, SLAs, the error-budget policy, incident availability and the outlook from the
  month's end (:func:`monthly_attainment`, :func:`month_outlook`...); numbers and frames only;
- :mod:`~slm_analytics.review.tables`: each section's result as a Styler table (:func:`attainment_table`...),
  and the review's header (:func:`service_header`);
- :mod:`~slm_analytics.review.notes`: the review's prose (:class:`Note`, :class:`Notes`,
  :func:`outlook_notes`);
- :mod:`~slm_analytics.review.formats`: how the tables and the notes write numbers, times and chances;
- :mod:`~slm_analytics.review.runner`: :func:`run_review` (papermill per service, HTML reports through
  nbconvert, an index) and :func:`read_run_parameters`.

The names below are importable from the package (``from slm_analytics.review import monthly_attainment``);
each module loads on first use, so ``import slm_analytics.review`` stays light and a review kernel imports
the scientific stack (scipy, statsmodels) only when the outlook needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .inputs import (  # noqa: F401
        ReviewInputs,
        RiskInputs,
        latest_complete_month,
        load_inputs,
        load_risk_inputs,
    )
    from .month import (  # noqa: F401
        HISTORY,
        OUTLOOK_DAYS,
        MonthOutlook,
        alert_thresholds,
        budget_through_month,
        daily_attainment,
        fleet_trends,
        month_alerts,
        month_bounds,
        month_end_budgets,
        month_incident_availability,
        month_outlook,
        month_policy_triggers,
        month_sla,
        monthly_attainment,
    )
    from .notes import (  # noqa: F401
        Note,
        Notes,
        outlook_notes,
    )
    from .parameters import (  # noqa: F401
        ReviewParameters,
        RiskParameters,
        parameters_in,
        validate_parameters,
        validate_risk_parameters,
    )
    from .runner import (  # noqa: F401
        DEFAULT_NOTEBOOK,
        ReviewRun,
        ServiceReport,
        read_run_parameters,
        run_review,
    )
    from .tables import (  # noqa: F401
        ServiceHeader,
        achievability_table,
        alert_table,
        attainment_table,
        breach_backtest_table,
        budget_table,
        forecast_backtest_table,
        incident_availability_table,
        incident_table,
        maintenance_table,
        outlook_table,
        policy_table,
        risk_table,
        service_header,
        sla_table,
        threshold_table,
        trend_table,
    )

#: public name -> module of this package that defines it
_LAZY = {
    # parameters
    "ReviewParameters": "parameters",
    "RiskParameters": "parameters",
    "parameters_in": "parameters",
    "validate_parameters": "parameters",
    "validate_risk_parameters": "parameters",
    # inputs
    "ReviewInputs": "inputs",
    "RiskInputs": "inputs",
    "latest_complete_month": "inputs",
    "load_inputs": "inputs",
    "load_risk_inputs": "inputs",
    # month
    "HISTORY": "month",
    "MonthOutlook": "month",
    "OUTLOOK_DAYS": "month",
    "alert_thresholds": "month",
    "budget_through_month": "month",
    "daily_attainment": "month",
    "fleet_trends": "month",
    "month_alerts": "month",
    "month_bounds": "month",
    "month_end_budgets": "month",
    "month_incident_availability": "month",
    "month_outlook": "month",
    "month_policy_triggers": "month",
    "month_sla": "month",
    "monthly_attainment": "month",
    # tables
    "ServiceHeader": "tables",
    "achievability_table": "tables",
    "alert_table": "tables",
    "attainment_table": "tables",
    "breach_backtest_table": "tables",
    "budget_table": "tables",
    "forecast_backtest_table": "tables",
    "incident_availability_table": "tables",
    "incident_table": "tables",
    "maintenance_table": "tables",
    "outlook_table": "tables",
    "policy_table": "tables",
    "risk_table": "tables",
    "service_header": "tables",
    "sla_table": "tables",
    "threshold_table": "tables",
    "trend_table": "tables",
    # notes
    "Note": "notes",
    "Notes": "notes",
    "outlook_notes": "notes",
    # runner
    "DEFAULT_NOTEBOOK": "runner",
    "ReviewRun": "runner",
    "ServiceReport": "runner",
    "read_run_parameters": "runner",
    "run_review": "runner",
}
_SUBMODULES = frozenset({"formats", "inputs", "month", "notes", "parameters", "runner", "tables"})

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
