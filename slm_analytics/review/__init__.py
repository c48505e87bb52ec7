"""The monthly service review: notebook parameters and inputs, the month, its tables and notes, the runner.

``notebooks/reports/service-review.ipynb`` reviews one service for one calendar month, and
``notebooks/02-slo-risk-forecast.ipynb`` shows the fleet's risk; each imports this package in one line and
makes each section one call to it or to :mod:`~slm_analytics.charts`. The package has one module per job:

- :mod:`~slm_analytics.review.parameters`: the notebooks' validated parameters (:func:`validate_parameters`,
  :func:`validate_risk_parameters`, :func:`parameters_in`), since papermill only warns about unknown ones;
- :mod:`~slm_analytics.review.period`: the period reviewed, a month or a quarter, relative periods resolved
  per service in its own time zone (:func:`parse_period`, :func:`resolve_period`);
- :mod:`~slm_analytics.review.batch`: the periodic review's parameter files, checked before anything runs
  (:func:`read_batch_parameters`);
- :mod:`~slm_analytics.review.inputs`: reading a data folder (:func:`load_inputs`, :func:`load_risk_inputs`,
  :func:`latest_complete_month`);
- :mod:`~slm_analytics.review.month`: the month of a service through the engine: attainment per month and
  day, budgets, alerts, SLAs, the error-budget policy, incident availability and the outlook from the
  month's end (:func:`monthly_attainment`, :func:`month_outlook`...); numbers and frames only;
- :mod:`~slm_analytics.review.tables`: each section's result as a Styler table (:func:`attainment_table`...),
  and the review's header (:func:`service_header`);
- :mod:`~slm_analytics.review.notes`: the review's prose (:class:`Note`, :class:`Notes`,
  :func:`outlook_notes`);
- :mod:`~slm_analytics.review.plan`: what to improve: users' requirements against the month, improvement
  priorities, where the budget went, the drafted Service Improvement Plan and the effect of past actions
  (:func:`month_priorities`, :func:`draft_sip`...), with their tables;
- :mod:`~slm_analytics.review.portfolio`: the portfolio review of every service for one month
  (``notebooks/reports/portfolio-review.ipynb``): its parameters and inputs, each SLO's status and the
  changes since the month before, the fleet's credit tables (:func:`status_changes`...);
- :mod:`~slm_analytics.review.formats`: how the tables and the notes write numbers, times and chances;
- :mod:`~slm_analytics.review.summary`: the review's machine-readable summary (:func:`service_summary`,
  its JSON Schema, :func:`write_summary`, :func:`read_summary`), the status rule (:func:`slo_status`) and
  what changed since the previous review (:func:`summary_diff`, :func:`find_previous`);
- :mod:`~slm_analytics.review.executive`: the review's executive summary and "What changed since the last
  review", rendered from the summaries (:func:`executive_summary`, :func:`changes_view`);
- :mod:`~slm_analytics.review.shared`: results a review run's notebooks compute once and share (the fleet's
  priorities, the effect of past actions: :func:`fleet_priorities`, :func:`fleet_past_actions`);
- :mod:`~slm_analytics.review.runner`: :func:`run_review` (papermill per service, HTML reports through
  nbconvert, an index) and :func:`read_run_parameters`.

The public names are listed once, in the stub ``__init__.pyi`` (``from slm_analytics.review import
monthly_attainment``); ``lazy_loader`` loads each module on first use, so ``import slm_analytics.review``
stays light and a review kernel imports the scientific stack (scipy, statsmodels) only when the outlook
needs it.
"""

from __future__ import annotations

from .._compat import lazy_exports as _lazy_exports

__getattr__, __dir__, __all__ = _lazy_exports(
    __name__, __file__,
    frozenset({"batch", "executive", "formats", "inputs", "month", "notes", "parameters", "period", "plan",
               "portfolio", "runner", "shared", "summary", "tables"}))
