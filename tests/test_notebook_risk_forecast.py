"""notebooks/02-slo-risk-forecast.ipynb run headless: SVG pictures, no widget references, offline HTML.

The HTML export uses nbconvert's ``lab`` template without its page-level CDN scripts (require.js, MathJax,
the widget manager), as the review runner's reports do: what is checked is that nothing the notebook shows
loads from the network.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from slm_analytics.forecast import breach_probabilities, breach_probability
from slm_analytics.review import load_risk_inputs, validate_risk_parameters
from slm_analytics.review.formats import chance

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "02-slo-risk-forecast.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
#: the cells that show a chart, each as an SVG picture
CHART_CELLS = ["risk", "trend", "forecast", "reliability", "what-if"]
#: nbconvert's lab page without the page-level scripts it fetches from CDNs
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
REMOTE = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(https?:[^\"' >]+)")


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = {"SLM_WIDGETS": "off", "PYTHONPATH": str(ROOT)}  # as papermill/nbval: static pictures
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT)}})
        client.execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def _cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("id") == cell_id)


def _html(cell: nbformat.NotebookNode) -> str:
    return "".join(str(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))


def test_a_headless_run_records_no_widget_state(executed):
    # static mode builds its controls without comms (widgets.widget_comms): nothing for nbclient to save,
    # so an HTML export has no widget manager to fetch
    assert "widgets" not in executed.metadata


def test_every_chart_is_an_svg_picture_and_no_widget_is_referenced(executed):
    for cell_id in CHART_CELLS:
        kinds = [k for o in _cell(executed, cell_id).outputs for k in o.get("data", {})]
        assert "image/svg+xml" in kinds, f"cell {cell_id} shows no SVG picture: {kinds}"
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            assert WIDGET not in out.get("data", {}), f"cell {cell.get('id')} saved a widget reference"
            assert out.get("output_type") != "error"


def test_the_html_export_loads_nothing_from_the_network(executed):
    import jinja2
    from nbconvert import HTMLExporter

    for cell in executed.cells:  # the outputs themselves
        assert REMOTE.findall(_html(cell)) == [], cell.get("id")
    exporter = HTMLExporter(template_name="lab", template_file="offline.html.j2",
                            extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})])
    body, _ = exporter.from_notebook_node(executed)
    assert REMOTE.findall(body) == []
    assert body.count("<svg") + body.count("data:image/svg+xml") >= len(CHART_CELLS)  # inline or data URI


def test_the_numbers_are_those_of_the_library_at_the_end_of_the_data(executed):
    inputs = load_risk_inputs(validate_risk_parameters())
    # the fleet table: the riskiest SLO's probability and interval, as breach_probabilities gives them
    risk = breach_probabilities(inputs.sli, inputs.catalog, as_of=inputs.as_of, n_paths=2000, seed=0)
    top = risk.sort_values(["probability", "high"], ascending=False, kind="stable").iloc[0]
    fleet = _cell(executed, "risk")
    assert f"{top['service']} / {top['slo']}" in _html(fleet)
    assert f"{chance(top['probability'])} ({chance(top['low'])}–{chance(top['high'])})" in _html(fleet)
    # the what-if: checkout availability at 99.95 % with the same paths and seed
    sli = inputs.sli
    rows = sli[((sli["service"] == "checkout") & (sli["slo"] == "availability")).to_numpy()]
    bp = breach_probability(rows, inputs.catalog.slo("checkout", "availability"), target=0.9995,
                            catalog=inputs.catalog, as_of=inputs.as_of, n_paths=2000, seed=0)
    what_if = _html(_cell(executed, "what-if"))
    assert f"{chance(bp.probability)} ({chance(bp.low)}–{chance(bp.high)})" in what_if
    assert "99.95%" in what_if and "checkout / availability" in what_if
    # the controls show the values used; the exhaustion table has one row per SLO with data
    controls = _html(_cell(executed, "controls"))
    assert "(end of data)" in controls and "99.95 %" in controls
    assert _html(_cell(executed, "exhaustion")).count("<tr") == len(risk) + 1  # header row + one per SLO


def test_the_calibration_on_real_history_is_the_library_s(executed):
    """The real-data section shows backtest_breach on GitHub's history, all three baselines included."""
    import pandas as pd

    from slm_analytics.data import github_status_slos
    from slm_analytics.forecast import backtest_breach

    sli, catalog = github_status_slos(0.995)
    origins = pd.date_range("2023-01-01", "2023-12-01", freq="MS", tz="UTC") + pd.Timedelta(days=14)
    bt = backtest_breach(sli, catalog, origins=origins, n_paths=2000, seed=0)  # the notebook's n_paths
    shown = _html(_cell(executed, "real-history"))
    for method in ("straight line", "climatology", "long history"):
        assert method in shown
    for brier in bt.summary["brier"]:
        assert f"{brier:.4f}" in shown
    assert "skill vs long history" in shown
