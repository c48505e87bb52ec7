"""Tests for slm_analytics.review.portfolio and notebooks/reports/portfolio-review.ipynb.

The notebook is run with papermill on the bundled sample data for October 2026, as the runner will run it,
with few simulated paths (the breach risk, credit exposure and priorities only need to run, not be precise).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from slm_analytics import read_dataset
from slm_analytics.errors import DataError, ParameterError
from slm_analytics.review import (
    PortfolioParameters,
    fleet_status,
    load_portfolio_inputs,
    status_change_table,
    status_changes,
    validate_portfolio_parameters,
)
from slm_analytics.review.notes import Note

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "reports" / "portfolio-review.ipynb"
#: the cells that show a chart, each as an SVG picture
CHART_CELLS = ["heatmap", "risk", "priorities"]


# ------------------------------------------------------------------------------------------------ parameters


def test_parameters_defaults_and_latest():
    assert validate_portfolio_parameters() == PortfolioParameters(month="latest", data_dir="", n_paths=2000)
    assert validate_portfolio_parameters(month="2026-10", n_paths=100).n_paths == 100


def test_unknown_parameter_is_named():
    with pytest.raises(ParameterError, match=r"unknown portfolio parameter 'mnth'; allowed: month, data_dir, "
                                             r"n_paths"):
        validate_portfolio_parameters(mnth="2026-10")


def test_bad_month_is_quoted():
    with pytest.raises(ParameterError, match=r"portfolio parameter 'month': '2026-13' is not a calendar "
                                             r"month; expected 'YYYY-MM' such as '2026-10', or 'latest'"):
        validate_portfolio_parameters(month="2026-13")


def test_too_few_paths():
    with pytest.raises(ParameterError, match=r"portfolio parameter 'n_paths': 99 simulated paths are too "
                                             r"few"):
        validate_portfolio_parameters(n_paths=99)


def test_wrong_types_are_named():
    with pytest.raises(ParameterError, match=r"'n_paths': expected a whole number, got '500' \(str\)"):
        validate_portfolio_parameters(n_paths="500")
    with pytest.raises(ParameterError, match=r"'month': expected a string, got 202610 \(int\)"):
        validate_portfolio_parameters(month=202610)


def test_data_dir_must_be_a_folder(tmp_path):
    with pytest.raises(ParameterError, match=r"portfolio parameter 'data_dir': '.*nowhere' is not a folder"):
        validate_portfolio_parameters(data_dir=str(tmp_path / "nowhere"))


def test_every_problem_in_one_error():
    with pytest.raises(ParameterError) as info:
        validate_portfolio_parameters(month="Oct", n_paths=5, extra=1)
    assert "'extra'" in str(info.value) and "'Oct'" in str(info.value) and "5 simulated" in str(info.value)


def test_month_outside_the_data():
    # the sample data runs from November 2025 to October 2026
    with pytest.raises(ParameterError, match=r"portfolio parameter 'month': '2027-01' is outside the data"):
        load_portfolio_inputs(validate_portfolio_parameters(month="2027-01"))


def test_inputs_of_a_month():
    inputs = load_portfolio_inputs(validate_portfolio_parameters(month="2026-03"))
    assert (inputs.month, inputs.previous) == ("2026-03", "2026-02")
    assert inputs.months == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    assert inputs.as_of == pd.Timestamp("2026-04-01", tz="UTC")  # the month's end in UTC
    assert "March 2026" in repr(inputs)


# -------------------------------------------------------------------------------------------- status changes


def _fleet() -> pd.DataFrame:
    """Four SLOs (target 99.9 %: a month's budget is 0.1 %) over September and October."""
    rows = [
        # service, slo, month, attainment
        ("api", "a", "2026-09", 0.9995),  # 50 % of the budget spent: met
        ("api", "a", "2026-10", 0.9992),  # 80 %: at risk
        ("api", "b", "2026-09", 0.9980),  # 200 %: missed
        ("api", "b", "2026-10", 0.99925),  # 75 % exactly: at risk (the threshold counts)
        ("web", "c", "2026-09", 0.9994),  # 60 %: met
        ("web", "c", "2026-10", 0.9993),  # 70 %: met, unchanged
        ("web", "d", "2026-09", np.nan),  # no data
        ("web", "d", "2026-10", 0.9999),  # 10 %: met
    ]
    frame = pd.DataFrame(rows, columns=["service", "slo", "month", "attainment"])
    frame["target"] = 0.999
    return frame


def test_fleet_status_by_hand():
    status = fleet_status(_fleet())["status"].tolist()
    assert status == ["met", "at risk", "missed", "at risk", "met", "met", "no data", "met"]


def test_at_risk_threshold_is_the_heatmaps():
    from slm_analytics.charts.compliance import AT_RISK_SHARE
    from slm_analytics.review import STATUS_AT_RISK

    assert STATUS_AT_RISK == AT_RISK_SHARE


def test_status_changes_by_hand():
    changes = status_changes(_fleet(), month="2026-10")
    assert changes[["service", "slo", "previous_status", "status", "worse"]].values.tolist() == [
        ["api", "a", "met", "at risk", True],
        ["api", "b", "missed", "at risk", False],
        ["web", "d", "no data", "met", False],
    ]
    # a: (1 - 0.9992) / 0.001 = 0.8 of the budget spent in October, (1 - 0.9995) / 0.001 = 0.5 in September
    np.testing.assert_allclose(changes.loc[0, ["previous_budget_consumed", "budget_consumed"]].astype(float),
                               [0.5, 0.8], rtol=1e-9)


def test_status_changes_with_a_given_previous_month_and_a_missing_slo():
    fleet = pd.concat([_fleet(), pd.DataFrame({"service": ["web"], "slo": ["e"], "month": ["2026-08"],
                                               "attainment": [0.99], "target": [0.999]})])
    # compared with August, only web/e has a row (missed); every other SLO has no data then
    changes = status_changes(fleet, month="2026-10", previous="2026-08")
    moves = changes["previous_status"] + " -> " + changes["status"]
    assert dict(zip(changes["slo"], moves, strict=True)) == {
        "a": "no data -> at risk", "b": "no data -> at risk", "c": "no data -> met", "d": "no data -> met",
        "e": "missed -> no data"}


def test_status_changes_errors():
    with pytest.raises(DataError, match=r"status_changes: no row for month '2026-08' in the fleet table"):
        status_changes(_fleet(), month="2026-09")
    with pytest.raises(ParameterError, match=r"status_changes: month '2026/10' is not a calendar month"):
        status_changes(_fleet(), month="2026/10")
    with pytest.raises(DataError, match=r"'month'"):
        status_changes(_fleet().drop(columns="month"), month="2026-10")


def test_status_change_table_orders_worse_first_and_notes_no_change():
    changes = status_changes(_fleet(), month="2026-10")
    table = status_change_table(changes, month="2026-10", previous="2026-09")
    assert table.data["SLO"].tolist() == ["api / a", "api / b", "web / d"]
    assert table.data["change"].tolist() == ["worse", "better", "data changed"]
    steady = _fleet()[_fleet()["slo"] == "c"]
    note = status_change_table(status_changes(steady, month="2026-10"), month="2026-10", previous="2026-09")
    assert isinstance(note, Note) and note.text.startswith("No SLO changed status between September 2026")


# ------------------------------------------------------------------------------------------------- notebook


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> nbformat.NotebookNode:
    import papermill as pm

    out = tmp_path_factory.mktemp("portfolio") / "portfolio-review.ipynb"
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT)  # the kernel imports this checkout of the package
    try:
        pm.execute_notebook(str(NOTEBOOK), str(out), parameters={"month": "2026-10", "n_paths": 200},
                            kernel_name="python3", cwd=str(ROOT), progress_bar=False)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    return nbformat.read(out, as_version=4)


def _cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("id") == cell_id)


def test_notebook_runs_without_error(executed):
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source


def test_every_chart_is_an_svg(executed):
    for cell_id in CHART_CELLS:
        data = _cell(executed, cell_id).outputs[-1]["data"]
        assert data["image/svg+xml"].lstrip().startswith("<svg"), cell_id
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            kinds = set(output.get("data", {}))
            assert not kinds & {"application/vnd.vegalite.v5+json", "application/javascript"}, cell.source


def test_heatmap_shows_notifications_delivery_october(executed):
    # notifications runs in UTC and delivery counts Occurrences: good / total over October 2026 in UTC
    catalog = read_dataset("catalog")
    assert catalog.service("notifications").timezone == "UTC"
    assert catalog.slo("notifications", "delivery").budgeting_method == "Occurrences"
    sli = read_dataset("sli_5min")
    ts = sli["timestamp"]
    rows = sli[(sli["service"] == "notifications").to_numpy() & (sli["slo"] == "delivery").to_numpy()
               & (ts >= pd.Timestamp("2026-10-01", tz="UTC")).to_numpy()
               & (ts < pd.Timestamp("2026-11-01", tz="UTC")).to_numpy()]
    attainment = rows["good"].sum() / rows["total"].sum()
    svg = _cell(executed, "heatmap").outputs[-1]["data"]["image/svg+xml"]
    assert f"{attainment * 100:.2f}%" in svg  # 99.87 %
    assert "notifications / delivery" in svg and "Oct 2026" in svg


def test_status_change_section_names_search_latency(executed):
    # search (New York) latency counts Occurrences; its months are cut at New York midnights
    catalog = read_dataset("catalog")
    slo = catalog.slo("search", "latency")
    assert slo.budgeting_method == "Occurrences" and catalog.service("search").timezone == "America/New_York"
    sli = read_dataset("sli_5min")
    rows = sli[(sli["service"] == "search").to_numpy() & (sli["slo"] == "latency").to_numpy()]
    local = rows["timestamp"].dt.tz_convert("America/New_York")
    status = {}
    for month in ("2026-09", "2026-10"):
        one = rows[(local.dt.strftime("%Y-%m") == month).to_numpy()]
        attainment = one["good"].sum() / one["total"].sum()
        spent = (1 - attainment) / (1 - slo.target)
        status[month] = "missed" if attainment < slo.target else "at risk" if spent >= 0.75 else "met"
    assert status["2026-09"] != status["2026-10"]
    html = _cell(executed, "changes").outputs[-1]["data"]["text/html"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<tbody"):]))
    row = text[text.index("search / latency"):]
    # the row reads: SLO, target, September's status, attainment, budget spent, October's status...
    assert re.match(rf"search / latency 99% {status['2026-09']} [\d.]+% \d+% {status['2026-10']} ", row), row
