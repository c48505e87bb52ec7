"""Altair chart factories for SLOs: they return charts and never display or save them.

Each chart is built from named layers (``line``, ``target_rule``, ``bars``...) composed at the end, with
typed encodings and thresholds as ``alt.datum``. Chart data is kept small (one row per day, per SLO or per
cell), so no data transformer limit is touched. Every chart that colours an SLO's status uses one palette,
:data:`~slm_analytics.charts.palette.STATUS_PALETTE` (met / at risk / missed / no data).

Where charts must render without network, call :func:`use_renderer` once per notebook: ``"report"`` for
papermill/nbconvert HTML (static SVG), ``"lab"`` for interactive charts in JupyterLab (offline).

The factories live in modules by topic and are all importable from here:

- :mod:`~slm_analytics.charts.palette`: the colours;
- :mod:`~slm_analytics.charts.compliance`: daily SLI, budget consumed and remaining, attainment with its
  confidence interval, a calendar of daily attainment, the fleet's monthly compliance heatmap;
- :mod:`~slm_analytics.charts.improvement`: importance-performance quadrants, where the error budget
  went, the hours that spent most of it, the priority ranking with its parts and sensitivity;
- :mod:`~slm_analytics.charts.alerting`: burn rate over time with the rules' thresholds and the alerts,
  alert policies compared on their backtest;
- :mod:`~slm_analytics.charts.forecast`: forecasts, breach risk, its calibration, target what-ifs;
- :mod:`~slm_analytics.charts.trend`: the daily SLI with Sen's slope and change points.
"""

from __future__ import annotations

from ._base import use_renderer
from .alerting import backtest_chart, burn_rate_chart
from .compliance import (
    AT_RISK_SHARE,
    attainment_chart,
    attainment_interval_chart,
    budget_chart,
    calendar_chart,
    compliance_heatmap,
    sli_chart,
    sli_charts,
)
from .forecast import achievability_chart, forecast_chart, forecast_charts, reliability_chart, risk_chart
from .improvement import (
    INCIDENT_COLORS,
    budget_attribution_chart,
    importance_performance_chart,
    priority_chart,
    worst_hours_chart,
)
from .palette import (
    BAND_COLORS,
    CAUSE_COLORS,
    FORECAST_COLOR,
    HISTORY_COLOR,
    METHOD_COLORS,
    PART_COLORS,
    QUADRANT_COLORS,
    RISK_CLASSES,
    SERIES_COLORS,
    SEVERITY_COLORS,
    STATUS_COLORS,
    STATUS_PALETTE,
    TARGET_COLOR,
    WIDTH,
    ZERO_COLOR,
    status_scale,
)
from .trend import trend_chart

__all__ = [
    "AT_RISK_SHARE",
    "BAND_COLORS",
    "CAUSE_COLORS",
    "FORECAST_COLOR",
    "HISTORY_COLOR",
    "INCIDENT_COLORS",
    "METHOD_COLORS",
    "PART_COLORS",
    "QUADRANT_COLORS",
    "RISK_CLASSES",
    "SERIES_COLORS",
    "SEVERITY_COLORS",
    "STATUS_COLORS",
    "STATUS_PALETTE",
    "TARGET_COLOR",
    "WIDTH",
    "ZERO_COLOR",
    "achievability_chart",
    "attainment_chart",
    "attainment_interval_chart",
    "backtest_chart",
    "budget_attribution_chart",
    "budget_chart",
    "burn_rate_chart",
    "calendar_chart",
    "compliance_heatmap",
    "forecast_chart",
    "forecast_charts",
    "importance_performance_chart",
    "priority_chart",
    "reliability_chart",
    "risk_chart",
    "sli_chart",
    "sli_charts",
    "status_scale",
    "trend_chart",
    "use_renderer",
    "worst_hours_chart",
]
