"""notebooks/03-improvement-priorities.ipynb headless: pictures, not widgets; offline HTML; the numbers."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import jinja2
import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from slm_analytics import read_dataset, review
from slm_analytics.data import dataset_path
from slm_analytics.priorities import DEFAULT_WEIGHTS, priority_evidence, priority_scores

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03-improvement-priorities.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
#: cells showing a chart (each must be an SVG picture in the saved notebook)
CHART_CELLS = {"requirements": 1, "budget": 1, "ranking": 1}


def _files() -> dict[Path, float]:
    """Every file in the repository's top folder and notebooks/ (a register written would show here)."""
    return {p: p.stat().st_mtime for folder in (ROOT, ROOT / "notebooks") for p in folder.iterdir()
            if p.is_file()}


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = {k: v for k, v in os.environ.items()
           if k not in ("SLM_WIDGETS", "JPY_SESSION_NAME") and not k.startswith("VOILA_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    register = dataset_path("sip_register").read_bytes()
    before = _files()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute(env=env)
    assert _files() == before, "the headless run wrote a file"
    assert dataset_path("sip_register").read_bytes() == register
    return nb


def _cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("id") == cell_id)


def test_a_headless_run_records_no_widget_state(executed):
    # static mode builds its controls without comms (widgets.widget_comms): nothing for nbclient to save,
    # so an HTML export has no widget manager to fetch
    assert "widgets" not in executed.metadata


def test_no_error_and_no_widget_references(executed):
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out
            assert WIDGET not in out.get("data", {}), f"cell {cell.get('id')} saved a widget reference"


def test_every_chart_is_an_svg_picture(executed):
    for cell_id, n in CHART_CELLS.items():
        svgs = [o for o in _cell(executed, cell_id).outputs if "image/svg+xml" in o.get("data", {})]
        assert len(svgs) == n, cell_id
        assert all("<svg" in o["data"]["image/svg+xml"] for o in svgs)


#: nbconvert's lab template without its own head scripts (require.js, MathJax, Mermaid from CDNs, there for
#: any notebook), as the project's report exporter drops them; the widgets block stays: saved widget views
#: would bring the widget manager from a CDN
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_REMOTE = re.compile(r"<(?:script|link)[^>]+(?:src|href)=[\"'](https?:[^\"']+)")


def test_html_export_needs_no_network(executed):
    stock, _ = HTMLExporter().from_notebook_node(executed)
    # the stock exporter's only remote scripts are nbconvert's own (require.js and MathJax, for any notebook)
    assert all(re.search(r"/(require\.js|mathjax)/", url) for url in _REMOTE.findall(stock))
    exporter = HTMLExporter(template_name="lab", template_file="offline.html.j2",
                            extra_loaders=[jinja2.DictLoader({"offline.html.j2": _TEMPLATE})])
    body, _ = exporter.from_notebook_node(executed)
    assert _REMOTE.findall(body) == []
    assert body.count("data:image/svg+xml") >= sum(CHART_CELLS.values())  # pictures, inline


def _text(nb: nbformat.NotebookNode, cell_id: str) -> str:
    return html.unescape("".join(o.get("data", {}).get("text/html", "") for o in _cell(nb, cell_id).outputs))


def test_ranking_and_draft_show_the_scores(executed):
    inputs = review.load_explorer_inputs(review.validate_explorer_parameters(data_dir=""))
    ev = priority_evidence(inputs.sli, inputs.catalog, incidents=inputs.incidents,
                           requirements=inputs.requirements, exclusions=inputs.maintenance, n_paths=300,
                           seed=0)
    parts = priority_scores(ev, seed=0).table.set_index(["service", "slo"])[list(DEFAULT_WEIGHTS)]
    # the score is the weighted mean of the parts, computed here with the default weights (they sum to 1)
    score = sum(parts[k] * w for k, w in DEFAULT_WEIGHTS.items()).sort_values(ascending=False)
    (service, slo), best = score.index[0], float(score.iloc[0])
    ranking = _text(executed, "ranking")
    first_row = ranking.split(f"{service} / {slo}", 1)[1][:400]
    assert f">{best:.2f}<" in first_row
    sip = _text(executed, "sip")
    for k, (s, o) in enumerate(score.index[:5]):
        assert f"SIP-00{k + 1}" in sip and f"{s} / {o}" in sip
    controls = _text(executed, "explorer")
    for part in DEFAULT_WEIGHTS:
        assert f"{part.replace('_', ' ')} weight" in controls


def test_past_actions_and_requirements(executed):
    # the bundled register's one assessed action (SIP-004, mobile-api latency) was effective
    effect = _text(executed, "effect")
    assert "SIP-004" in effect and "effective" in effect
    # one row per requirement of the survey, each id shown
    requirements = read_dataset("requirements")
    shown = _text(executed, "requirements")
    assert all(f">{rid}<" in shown for rid in requirements["id"])
    assert shown.count("<tr>") == len(requirements) + 1  # and the header
