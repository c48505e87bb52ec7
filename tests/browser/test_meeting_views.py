"""The dashboard and a notebook in JupyterLab as the service review meeting sees them, in headless Chromium.

Checks (issue 11, "In the browser, as the meeting sees it"): every chart is an SVG or canvas of non-zero size,
no console errors, no request leaves 127.0.0.1, and, where the dashboard has a selector, changing it changes a
chart. Screenshots (the whole page and each chart) go to ``browser-screenshots/``. Run with
``make test-browser``; ``make test`` deselects them.
"""

from __future__ import annotations

import functools
import json
import os
import re
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_paths import DASHBOARD, LAB_NOTEBOOKS, ROOT, SCREENSHOTS
from nbclient import NotebookClient

pytestmark = pytest.mark.browser

#: what vega-embed draws a chart into (the 14 px icons of its action menu are SVGs too, without this class)
CHARTS = ".vega-embed svg.marks, .vega-embed canvas.marks"
#: seconds for a notebook to run and draw its charts (the risk notebook takes ~20 s alone on 2 cores)
RUN_TIMEOUT_MS = 300_000


@functools.cache
def expected_charts(notebook: str) -> int:
    """How many charts the notebook draws: the SVG pictures of its headless run (nbclient, static mode).

    Headless, an interactive notebook shows each chart of its default selection as one SVG; in the browser
    the same selection draws the same charts as vega SVG or canvas.
    """
    nb = nbformat.read(ROOT / notebook, as_version=4)
    env = {k: v for k, v in os.environ.items()
           if k not in ("JPY_SESSION_NAME", "SLM_WIDGETS") and not k.startswith("VOILA_")}
    env["PYTHONPATH"] = str(ROOT)
    client = NotebookClient(nb, timeout=RUN_TIMEOUT_MS // 1000, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute(env=env)  # forwarded to the kernel manager's start_kernel
    return sum(1 for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
               if "image/svg+xml" in out.get("data", {}))


def check_charts(page, n: int, name: str) -> None:
    """Wait for ``n`` charts, screenshot each, and assert each has a non-zero size once scrolled into view."""
    page.wait_for_function(f"document.querySelectorAll({CHARTS!r}).length >= {n}", timeout=RUN_TIMEOUT_MS)
    charts = page.locator(CHARTS)
    assert charts.count() == n
    for i in range(n):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, (name, i, box)
        chart.screenshot(path=SCREENSHOTS / f"{name}-chart-{i + 1}.png")


def test_the_dashboard_notebook_draws_charts():
    # the checks below are vacuous for a notebook without charts
    assert expected_charts(DASHBOARD) >= 1


def test_dashboard_renders_offline(dashboard, browser):
    page = browser.new_page()
    page.goto(dashboard.url + "/", timeout=RUN_TIMEOUT_MS)
    check_charts(page, expected_charts(DASHBOARD), "dashboard")
    page.locator("h1").first.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "dashboard.png")
    # a code-free dashboard: Voilà shows the Markdown and the outputs, no code editor
    assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0
    assert browser.blocked == []
    assert browser.errors == []


def test_dashboard_selector_changes_a_chart(dashboard, browser):
    page = browser.new_page()
    page.goto(dashboard.url + "/", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(f"document.querySelectorAll({CHARTS!r}).length >= {expected_charts(DASHBOARD)}",
                           timeout=RUN_TIMEOUT_MS)
    selects = page.locator(".widget-dropdown select")
    if selects.count() == 0:
        pytest.skip(f"{DASHBOARD} has no controls (no ipywidgets dropdown): nothing to change")
    select = selects.first
    options = select.locator("option").all_inner_texts()
    if len(options) < 2:
        pytest.skip(f"the first selector of {DASHBOARD} has a single option")
    before = page.locator(CHARTS).evaluate_all("els => els.map(e => e.outerHTML)")
    current = select.evaluate("el => el.options[el.selectedIndex].text")
    select.select_option(label=next(o for o in options if o != current))
    changed = (f"before => {{ const now = [...document.querySelectorAll({CHARTS!r})].map(e => e.outerHTML);"
               " return now.length > 0 && now.join() !== before.join(); }")
    page.wait_for_function(changed, arg=before, timeout=60_000)
    # every chart of the new selection drawn (the sample data's SLOs all have as many as the first)
    page.wait_for_function(f"n => document.querySelectorAll({CHARTS!r}).length === n", arg=len(before),
                           timeout=60_000)
    select.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "dashboard-after-selection.png")
    charts = page.locator(CHARTS)
    for i in range(charts.count()):  # what the meeting sees for the new selection
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).screenshot(path=SCREENSHOTS / f"dashboard-after-selection-chart-{i + 1}.png")
    assert browser.blocked == []
    assert browser.errors == []


def test_lab_reads_the_settings_override(lab):
    # share/jupyter/lab/settings/overrides.json, passed by `make lab` as --LabApp.app_settings_dir
    url = f"{lab.url}/lab/api/settings/@jupyterlab/apputils-extension:notification"
    with urllib.request.urlopen(url, timeout=30) as response:
        schema = json.load(response)["schema"]["properties"]
    # the override turns the schema's defaults (checkForUpdates: true, fetchNews: "none", which asks the user
    # in a pop-up) into these
    assert schema["checkForUpdates"]["default"] is False
    assert schema["fetchNews"]["default"] == "false"


@pytest.mark.parametrize("notebook", LAB_NOTEBOOKS)
def test_notebook_in_lab_renders_offline(lab, browser, notebook):
    name = "lab-" + Path(notebook).stem
    page = browser.new_page()
    # ?reset: a fresh workspace, without the notebooks an earlier test left open
    page.goto(f"{lab.url}/lab/tree/{notebook}?reset", timeout=RUN_TIMEOUT_MS)
    kernel_idle = ("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                   " const k = w && w.sessionContext && w.sessionContext.session"
                   " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }")
    page.wait_for_function(kernel_idle, timeout=RUN_TIMEOUT_MS)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    check_charts(page, expected_charts(notebook), name)
    page.wait_for_function(kernel_idle, timeout=RUN_TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
    # the settings override (share/jupyter/lab/settings/overrides.json) leaves no news/update pop-up
    assert page.get_by_text("official Jupyter news").count() == 0
    # no cell failed
    assert page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
                        ':has-text("Traceback")').count() == 0
    assert browser.blocked == []
    assert browser.errors == []


def test_the_template_has_no_cdn():
    template = Path(ROOT / "share/jupyter/voila/templates/slm/index.html.j2").read_text()
    # the stock lab template links two Font Awesome stylesheets on cdn.jsdelivr.net; ours links nothing remote
    assert re.search(r"""(href|src)=["']?(https?:)?//""", template) is None
