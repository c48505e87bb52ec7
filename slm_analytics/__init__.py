"""slm-analytics: a Jupyter-based analytics workbench for Service Level Management.

The package follows the SLM loop: service catalog and agreements (``catalog``), data loading
(``data``), SLIs, windows, error budgets and SLAs, trends and forecasts, requirements and improvement
priorities, charts and the papermill review runner.

Public names are re-exported here explicitly and imported on first use (SPEC 1 lazy loading), so
``import slm_analytics`` stays fast while the scientific stack loads only when a function needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DataError, DefinitionError, InsufficientDataError, ParameterError, SLMError

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .availability import availability_from_incidents, incident_metrics
    from .budget import (
        BacktestResult,
        ErrorBudget,
        attainment,
        backtest_alerts,
        burn_rate_alerts,
        burn_rate_thresholds,
        error_budget,
        rolling_compliance,
    )
    from .catalog import (
        SLA,
        SLO,
        AlertPolicy,
        Catalog,
        Schedule,
        Service,
        load_catalog,
        read_openslo,
        save_catalog,
        to_openslo,
    )
    from .data import (
        list_datasets,
        read_dataset,
        read_incidents,
        read_maintenance,
        read_requirements,
        read_sip_register,
        read_sli,
    )
    from .forecast import (
        BreachBacktest,
        BreachProbability,
        ExhaustionTime,
        ForecastBacktest,
        ForecastResult,
        TargetAchievability,
        backtest_breach,
        backtest_forecasts,
        breach_probabilities,
        breach_probability,
        exhaustion_time,
        forecast_sli,
        target_achievability,
    )
    from .review import monthly_attainment, run_review
    from .sla import budget_policy_triggers, composite_slo, service_credits, sla_attainment
    from .sli import histogram_fraction, histogram_quantile, ratio_sli, sli_interval, timeslice_sli
    from .trend import (
        ChangePointResult,
        TrendResult,
        change_points,
        seasonal_trend_test,
        stl_decompose,
        trend_test,
        trend_tests,
    )

#: public name -> submodule that defines it
_LAZY = {
    "Catalog": "catalog",
    "Service": "catalog",
    "SLO": "catalog",
    "SLA": "catalog",
    "Schedule": "catalog",
    "AlertPolicy": "catalog",
    "load_catalog": "catalog",
    "save_catalog": "catalog",
    "read_openslo": "catalog",
    "to_openslo": "catalog",
    "list_datasets": "data",
    "read_dataset": "data",
    "read_sli": "data",
    "read_incidents": "data",
    "read_maintenance": "data",
    "read_requirements": "data",
    "read_sip_register": "data",
    # SLIs
    "ratio_sli": "sli",
    "timeslice_sli": "sli",
    "histogram_quantile": "sli",
    "histogram_fraction": "sli",
    "sli_interval": "sli",
    "availability_from_incidents": "availability",
    "incident_metrics": "availability",
    # error budgets and alerting
    "ErrorBudget": "budget",
    "BacktestResult": "budget",
    "attainment": "budget",
    "error_budget": "budget",
    "rolling_compliance": "budget",
    "burn_rate_thresholds": "budget",
    "burn_rate_alerts": "budget",
    "backtest_alerts": "budget",
    # SLAs
    "sla_attainment": "sla",
    "service_credits": "sla",
    "budget_policy_triggers": "sla",
    "composite_slo": "sla",
    # trends and forecasts
    "TrendResult": "trend",
    "ChangePointResult": "trend",
    "trend_test": "trend",
    "trend_tests": "trend",
    "seasonal_trend_test": "trend",
    "change_points": "trend",
    "stl_decompose": "trend",
    "ForecastResult": "forecast",
    "BreachProbability": "forecast",
    "ExhaustionTime": "forecast",
    "TargetAchievability": "forecast",
    "ForecastBacktest": "forecast",
    "BreachBacktest": "forecast",
    "forecast_sli": "forecast",
    "exhaustion_time": "forecast",
    "breach_probability": "forecast",
    "breach_probabilities": "forecast",
    "target_achievability": "forecast",
    "backtest_forecasts": "forecast",
    "backtest_breach": "forecast",
    # the monthly review
    "run_review": "review",
    "monthly_attainment": "review",
}

__all__ = [
    "DataError",
    "DefinitionError",
    "InsufficientDataError",
    "ParameterError",
    "SLMError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    msg = f"module 'slm_analytics' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
