"""notebooks/01-compliance-explorer.ipynb executed headless: pictures, not widgets, and the right numbers.

The notebook runs in a fresh kernel (nbclient) from the repository root, as papermill and nbval run it. Its
saved outputs must hold an SVG for every chart and no widget reference, its HTML export must load nothing
from the network, and its tables must show the default selection's numbers, computed here independently
with plain pandas sums of the sample data.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from slm_analytics import read_dataset

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01-compliance-explorer.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
#: the charts each section shows (default selection: checkout/availability, all the data)
CHARTS = {"fleet": 1, "attainment": 1, "budget": 2, "alerts": 1, "backtest": 1, "worst-hours": 1}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    from nbclient import NotebookClient

    mp = pytest.MonkeyPatch()
    for key in ("JPY_SESSION_NAME", "VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_APP_PORT"):
        mp.delenv(key, raising=False)
    mp.setenv("SLM_WIDGETS", "off")
    mp.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's package
    try:
        nb = nbformat.read(NOTEBOOK, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}},
                       startup_timeout=120).execute()
    finally:
        mp.undo()
    return nb


def _cell(nb, cell_id: str):
    (cell,) = [c for c in nb.cells if c.get("id") == cell_id]
    return cell


def _data(cell) -> list[dict]:
    return [o["data"] for o in cell.outputs if o["output_type"] in ("display_data", "execute_result")]


def test_a_headless_run_records_no_widget_state(executed):
    # static mode builds its controls without comms (widgets.widget_comms): nothing for nbclient to save,
    # so an HTML export has no widget manager to fetch
    assert "widgets" not in executed.metadata


def test_every_chart_is_an_svg_and_no_output_is_a_widget(executed):
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o["output_type"] == "error"], cell.source
        for data in _data(cell):
            assert WIDGET not in data, f"cell {cell.get('id')} saved a widget reference"
    for cell_id, n in CHARTS.items():
        svgs = [d["image/svg+xml"] for d in _data(_cell(executed, cell_id)) if "image/svg+xml" in d]
        assert len(svgs) == n, cell_id
        assert all("<svg" in s for s in svgs)


def test_html_export_loads_nothing_from_the_network(executed):
    """The outputs add no http(s) script or stylesheet to the export: only nbconvert's stock template has
    them (require.js and MathJax, present for the notebook without outputs too; the project's report
    template removes those)."""
    from nbconvert import HTMLExporter

    pattern = r"<(?:script|link)[^>]+(?:src|href)=[\"'](https?://[^\"']+)"
    body, _ = HTMLExporter().from_notebook_node(executed)
    template, _ = HTMLExporter().from_notebook_node(nbformat.read(NOTEBOOK, as_version=4))
    assert set(re.findall(pattern, body)) == set(re.findall(pattern, template))
    assert body.count("data:image/svg+xml") >= sum(CHARTS.values())  # the charts, inline


def test_tables_show_the_default_selection(executed):
    sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    service = catalog.services[0].name
    slo = catalog.slos_of(service)[0]
    rows = sli[(sli["service"] == service) & (sli["slo"] == slo.name)]
    good, total = rows["good"].sum(), rows["total"].sum()
    controls = "".join(d.get("text/html", "") for d in _data(_cell(executed, "controls")))
    assert f">{service}<" in controls and f">{slo.name}<" in controls
    html = "".join(d.get("text/html", "") for d in _data(_cell(executed, "attainment")))
    # the target 99.9 % is written with one more decimal: attainment with 2 decimals, counts with commas
    assert f"{good / total:.2%}" in html
    assert f"{total:,.0f}" in html
    consumed = (total - good) / ((1 - slo.target) * total)
    assert f"{consumed:.1%}" in html
    worst = "".join(d.get("text/html", "") for d in _data(_cell(executed, "worst-hours")))
    bad = (rows["total"] - rows["good"]).groupby(rows["timestamp"].dt.floor("h")).sum()
    assert f"{bad.idxmax():%a %d %b %Y %H:00 UTC}" in worst
    assert f"{bad.max():,.1f}" in worst
    sla = "".join(d.get("text/html", "") for d in _data(_cell(executed, "sla")))
    assert "retail-partners" in sla  # checkout's SLA


def test_the_fleet_heatmap_shows_each_month(executed):
    # notifications/delivery in October 2026 (its service's time zone), good / total of the month's rows
    sli, catalog = read_dataset("sli_5min"), read_dataset("catalog")
    tz = catalog.service("notifications").timezone
    start, end = pd.Timestamp("2026-10-01", tz=tz), pd.Timestamp("2026-11-01", tz=tz)
    rows = sli[(sli["service"] == "notifications") & (sli["slo"] == "delivery")
               & (sli["timestamp"] >= start) & (sli["timestamp"] < end)]
    (svg,) = [d["image/svg+xml"] for d in _data(_cell(executed, "fleet")) if "image/svg+xml" in d]
    assert "November 2025 to October 2026" in svg  # twelve complete months up to the data's end
    assert f"{rows['good'].sum() / rows['total'].sum():.2%}" in svg
