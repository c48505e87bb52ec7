"""SLO risk forecasts: daily error-rate forecasts, breach probabilities, budget exhaustion, backtests.

The questions an analyst forecasting SLO risk asks, each answered with honest uncertainty and with a
backtest that shows the answers are calibrated:

* :func:`forecast_sli`: daily error-rate forecasts with prediction intervals for one or many series (a fast
  vectorised damped-trend exponential smoothing, or statsmodels' ETS as the reference);
* :func:`breach_probability` / :func:`breach_probabilities`: how likely an SLO is to be missed at the end of
  its window (one SLO, or the whole catalog at once), by Monte Carlo simulation of the remaining days;
* :func:`exhaustion_time`: when the error budget runs out, as a distribution, next to the straight-line
  value SLO platforms show (remaining budget / current burn rate);
* :func:`target_achievability`: how often past windows met candidate targets (is 99.95 % realistic?);
* :func:`backtest_forecasts` and :func:`backtest_breach`: rolling-origin backtests scored against two
  baselines, the straight-line extrapolation of the current burn rate and climatology.

Everything works on daily counts: sub-daily buckets (e.g. :func:`~slm_analytics.data.read_sli`) are summed
per local day of the service's time zone, in the units of the SLO's budgeting method (events for
``Occurrences``, good and counted slices for ``Timeslices``). statsmodels and scipy are imported only inside
the functions that use them. Nothing here reads files, prints or rounds.

The modules, each with one job:

* :mod:`~slm_analytics.forecast.panels`: daily counts of many series on one axis of local days;
* :mod:`~slm_analytics.forecast.ets`: the ETS engine and :func:`forecast_sli`;
* :mod:`~slm_analytics.forecast.simulate`: the Monte Carlo simulation of the remaining window days;
* :mod:`~slm_analytics.forecast.risk`: breach probabilities, exhaustion time and target achievability;
* :mod:`~slm_analytics.forecast.backtest`: the rolling-origin backtests.
"""

from __future__ import annotations

from .backtest import BREACH_METHODS as BREACH_METHODS
from .backtest import FORECAST_METHODS as FORECAST_METHODS
from .backtest import (
    BreachBacktest,
    ForecastBacktest,
    backtest_breach,
    backtest_forecasts,
    brier_decomposition,
    long_history_probability,
)
from .ets import METHODS as METHODS
from .ets import ForecastResult, forecast_sli
from .ets import Method as Method
from .panels import MIN_DAYS as MIN_DAYS
from .risk import DEFAULT_TARGETS as DEFAULT_TARGETS
from .risk import (
    BreachProbability,
    ExhaustionTime,
    TargetAchievability,
    breach_probabilities,
    breach_probability,
    exhaustion_time,
    target_achievability,
)
from .simulate import HALF_LIFE_WEEKS as HALF_LIFE_WEEKS
from .simulate import HISTORY_WEEKS as HISTORY_WEEKS
from .simulate import LONG_HALF_LIFE_WEEKS as LONG_HALF_LIFE_WEEKS
from .simulate import RECENT_SHARE as RECENT_SHARE
from .simulate import TRAFFIC_WEEKS as TRAFFIC_WEEKS

__all__ = [
    "BreachBacktest",
    "BreachProbability",
    "ExhaustionTime",
    "ForecastBacktest",
    "ForecastResult",
    "TargetAchievability",
    "backtest_breach",
    "backtest_forecasts",
    "breach_probabilities",
    "breach_probability",
    "brier_decomposition",
    "exhaustion_time",
    "forecast_sli",
    "long_history_probability",
    "target_achievability",
]
