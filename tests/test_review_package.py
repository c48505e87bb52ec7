"""Tests for the slm_analytics.review package: its public names, their lazy loading and its module boundaries.

The names are those ``slm_analytics.review`` and ``slm_analytics.compliance`` had before the review became a
package; notebooks, the command line and users import them from ``slm_analytics.review``.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import slm_analytics
from slm_analytics import review

PACKAGE = Path(review.__file__).parent

#: the public names of the former review.py (35) and compliance.py (15) modules
FORMER_REVIEW = {
    "DEFAULT_NOTEBOOK", "Note", "Notes", "ReviewInputs", "ReviewParameters", "ReviewRun", "RiskInputs",
    "RiskParameters", "ServiceHeader", "ServiceReport", "achievability_table", "alert_table",
    "attainment_table", "breach_backtest_table", "budget_table", "forecast_backtest_table",
    "incident_availability_table", "incident_table", "latest_complete_month", "load_inputs",
    "load_risk_inputs", "maintenance_table", "outlook_notes", "outlook_table", "parameters_in",
    "policy_table", "risk_table", "run_review", "service_header", "sla_table",
    "threshold_table", "trend_table", "validate_parameters", "validate_risk_parameters",
}
FORMER_COMPLIANCE = {
    "HISTORY", "OUTLOOK_DAYS", "MonthOutlook", "alert_thresholds", "budget_through_month", "daily_attainment",
    "fleet_trends", "month_alerts", "month_bounds", "month_end_budgets", "month_incident_availability",
    "month_outlook", "month_policy_triggers", "month_sla", "monthly_attainment",
}
#: what to improve (review/plan.py, added with the requirements, priorities and the SIP)
PLAN = {
    "PROBLEMS", "attribution_table", "draft_sip", "effectiveness_table", "month_attribution",
    "month_priorities", "month_requirements", "past_actions", "priorities_table", "requirements_table",
    "sip_table",
}
#: the interactive meeting notebooks' parameters and inputs (issue 11)
EXPLORER = {"ExplorerParameters", "fleet_monthly_attainment", "load_explorer_inputs",
            "validate_explorer_parameters"}
#: the review period, month or quarter, per service time zone (issue 12)
PERIOD = {"ReviewPeriod", "parse_period", "periods_covered", "previous", "resolve_period"}
#: the periodic review's parameter files and the batch runner (issue 12; read_run_parameters, the older
#: parameter file's reader, gave way to read_batch_parameters and run_batch)
BATCH = {"BatchParameters", "declared_parameters", "known_notebooks", "read_batch_parameters",
         "validate_batch",
         "period_steps", "run_batch", "write_periods_index"}
#: the machine-readable summary and the review-to-review diff (issue 12)
SUMMARY = {"SCHEMA", "SCHEMA_VERSION", "SummaryDiff", "SummaryOutput", "summary_of", "canonical_json",
           "find_previous", "previous_period", "read_summary", "service_summary", "slo_status",
           "summary_diff", "summary_schema", "validate_summary", "write_summary"}
#: the executive summary and "What changed since the last review" sections (issue 12, review/executive.py)
EXECUTIVE = {"ChangesView", "ExecutiveSummary", "changes_view", "executive_summary"}
#: results a review run's notebooks share (issue 12, review/shared.py)
SHARED = {"fleet_past_actions", "fleet_priorities"}
#: the portfolio review's parameters, inputs, status changes and tables (issue 12, review/portfolio.py)
PORTFOLIO = {"HEATMAP_MONTHS", "PortfolioInputs", "PortfolioParameters", "STATUS_AT_RISK", "credits_table",
             "exposure_table", "fleet_status", "load_portfolio_inputs", "month_credits",
             "portfolio_priorities", "status_change_table", "status_changes", "validate_portfolio_parameters",
             "portfolio_summary", "PORTFOLIO_SCHEMA"}


def test_every_former_name_is_public_and_resolves():
    assert set(review.__all__) == (FORMER_REVIEW | FORMER_COMPLIANCE | PLAN | EXPLORER | PERIOD | BATCH
                                   | SUMMARY | PORTFOLIO | EXECUTIVE | SHARED)
    for name in review.__all__:
        assert getattr(review, name) is not None, name
    assert set(review.__all__) <= set(dir(review))


def _stub_names() -> dict[str, str]:
    """name -> module, from the package's one list of names (``__init__.pyi``)."""
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text(encoding="utf-8"))
    return {alias.asname or alias.name: node.module for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module for alias in node.names}


def test_each_name_comes_from_the_module_that_lists_it():
    names = _stub_names()
    assert set(names) == set(review.__all__)
    for name, module in names.items():
        owner = importlib.import_module(f"slm_analytics.review.{module}")
        assert name in owner.__all__, (name, module)
        assert getattr(review, name) is getattr(owner, name)


def test_submodules_are_attributes_and_unknown_names_raise():
    assert review.month.monthly_attainment is review.monthly_attainment
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = review.nope


def test_top_level_monthly_attainment_is_the_review_one():
    assert slm_analytics.monthly_attainment is review.month.monthly_attainment
    assert slm_analytics.run_review is review.runner.run_review


def test_importing_the_package_loads_no_module_and_the_modules_no_scientific_stack():
    code = (
        "import sys; import slm_analytics.review as r; "
        "light = sorted(m for m in sys.modules if m.startswith('slm_analytics.review.') or m == 'pandas'); "
        "[getattr(r, n) for n in r.__all__]; "
        "heavy = [m for m in ('scipy', 'statsmodels', 'altair', 'papermill', 'nbconvert') "
        "if m in sys.modules]; "
        "print(light, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_no_module_imports_another_modules_private_names():
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or "slm_analytics" in (node.module or "")):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"
